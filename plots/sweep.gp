# Example, for reading: what `ktsim plot` wrote for scenarios/local-50-25-25.json
# (sweep: --vary clients[0].arrival.rate_per_s=200:1000:200 --vary
# services[0].externalTrafficPolicy=Local,Cluster --replications 3). ktsim does not
# read this file; its template is compiled in (sim/plot*.c) and tests/test_plot.c
# checks that everything from `set datafile` on matches what ktsim writes.
#
# ktsim plot: max/mean, p99 latency and drops against the swept value
# Data: sweep-web.dat (from sweep.json). Written by `ktsim plot` from a template in
# sim/plot*.c; redraw in this directory: gnuplot sweep-web.gp (makes sweep-web.png and .svg)
if (!exists('out')) out = 'sweep-web'
data = 'sweep-web.dat'
title = "web: skew, p99 latency and drops against clients[0].arrival.rate_per_s"
subtitle = "scenario scenarios/local-50-25-25.json; shaded: 95% confidence interval over the replications; a line per services[0].externalTrafficPolicy"
nser = 2
bands = 1
xname = "clients[0].arrival.rate_per_s"
btitle = "95% confidence interval"
array slabel[2] = ["services[0].externalTrafficPolicy=Local", "services[0].externalTrafficPolicy=Cluster"]
array xtl[5] = ["200", "400", "600", "800", "1000"]
array xtv[5] = [200, 400, 600, 800, 1000]
array mtitle[3] = ["skew: max/mean of pod shares", "p99 latency", "dropped flows"]
array mylab[3] = ["max/mean (1 = even)", "p99 latency (ms)", "dropped (% of offered flows)"]

set datafile separator tab
png = "set terminal pngcairo size 1280,720 font 'sans,14' noenhanced"
svg = "set terminal svg size 1280,720 font 'sans,14' dynamic background 'white' noenhanced"
set linetype 1 lc rgb '#0072B2' lw 2 pt 7
set linetype 2 lc rgb '#E69F00' lw 2 pt 7
set linetype 3 lc rgb '#009E73' lw 2 pt 7
set linetype 4 lc rgb '#CC79A7' lw 2 pt 7
set linetype 5 lc rgb '#56B4E9' lw 2 pt 7
set linetype 6 lc rgb '#D55E00' lw 2 pt 7
set linetype 7 lc rgb '#F0E442' lw 2 pt 7
set linetype 8 lc rgb '#000000' lw 2 pt 7
set linetype cycle 8
set style fill solid 0.9 noborder
set style textbox opaque noborder
set border 3 lw 1.5
set tics nomirror out
set grid ytics lc rgb '#dddddd' lw 1
set tmargin 7
set label 1 title at screen 0.5, screen 0.965 center font ',17'
set label 2 subtitle at screen 0.5, screen 0.92 center
set key at screen 0.5, screen 0.885 center top horizontal reverse Left samplen 2
# tic label i: every step-th, 'a (b)' when rotated, else a over b
lab(i, a, b) = int(i) % step ? '' : rotate ? a.' ('.b.')' : a."\n".b

do for [fmt in 'png svg'] {
	eval(fmt eq 'png' ? png : svg)
	set output out.'.'.fmt
	set multiplot layout 1,3
	set tmargin 6 + nser + bands
	set label 1 title at screen 0.5, screen 0.965 center font ',17'
	set label 2 subtitle at screen 0.5, screen 0.92 center
	set key at screen 0.5, screen 0.885 center top vertical reverse Left samplen 2
	set xlabel xname
	set xrange [*:*]
	set offsets graph 0.05, graph 0.05, graph 0.1, 0
	if (|xtl| <= 8) { set xtics (); do for [i=1:|xtl|] { set xtics add (xtl[i] xtv[i]) } }
	if (|xtl| > 8) { set xtics rotate by 45 right }
	set grid xtics ytics lc rgb '#dddddd' lw 1
	do for [m=1:3] {
		set title mtitle[m]
		set ylabel mylab[m]
		set yrange [0:*]
		k = m == 3 ? 100 : 1
		c = 5 + 3*(m-1)
		plot for [v=1:(bands ? nser : 0)] data index (v-1) using 1:(k*column(c+1)):(k*column(c+2)) \
				with filledcurves lc v fs transparent solid 0.2 noborder title (m == 1 && v == 1 ? btitle : ''), \
			for [v=1:nser] data index (v-1) using 1:(k*column(c)) with linespoints lc v ps 1.2 \
				title (m == 1 ? slabel[v] : '')
		unset label 1
		unset label 2
		unset key
	}
	unset multiplot
	set output
}
