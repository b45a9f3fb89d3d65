# Example, for reading: what `ktsim plot` wrote for scenarios/local-50-25-25.json
# (compare: --vary services[0].externalTrafficPolicy=Cluster,Local). ktsim does not
# read this file; its template is compiled in (sim/plot*.c) and tests/test_plot.c
# checks that everything from `set datafile` on matches what ktsim writes.
#
# ktsim plot: max/mean, SNAT, drops, second hop and p99 per variant
# Data: compare-metrics-web.dat (from comparison.json). Written by `ktsim plot` from a template in
# sim/plot*.c; redraw in this directory: gnuplot compare-metrics-web.gp (makes compare-metrics-web.png and .svg)
if (!exists('out')) out = 'compare-metrics-web'
data = 'compare-metrics-web.dat'
title = "web: skew, SNAT, drops and p99 latency by variant"
subtitle = "scenario local-50-25-25, seed 1; varied: services[0].externalTrafficPolicy"
nvar = 2
bw = 0.2666666667
values = 1
rotate = 0

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
	off(m) = (m - 2)*bw
	array mcol[3] = ['#CC79A7', '#D55E00', '#E69F00']
	array mname[3] = ['SNAT', 'dropped', '2nd hop']
	set multiplot layout 1,3
	set tmargin 6
	set label 1 title at screen 0.5, screen 0.965 center font ',17'
	set label 2 subtitle at screen 0.5, screen 0.92 center
	unset key
	set xrange [0.4:nvar+0.6]
	if (rotate) { set xtics rotate by 45 right } else { set xtics norotate }
	set yrange [0:*]
	set ytics autofreq
	set offsets 0,0,graph 0.12,0
	set boxwidth 0.7 absolute
	set title 'skew: max/mean of pod shares'
	set ylabel 'max/mean (1 = even)'
	plot data using 1:3:xtic(strcol(2)) with boxes lc 1, 1 with lines dt 2 lw 2 lc rgb '#555555', \
		data using 1:3:(values ? sprintf('%.2f', $3) : '') with labels offset 0,0.8
	unset label 1
	unset label 2
	set title 'SNAT, dropped, second hop'
	set ylabel '% of flows'
	set yrange [0:125]
	set ytics 0,20,100
	set offsets 0,0,0,0
	set boxwidth bw absolute
	set key at graph 0.5, graph 1 center top horizontal maxcols 3 samplen 1 width -1
	plot data using 1:(NaN):xtic(strcol(2)) notitle, \
		for [m=1:3] data using ($1+off(m)):(100*column(3+m)) with boxes lc rgb mcol[m] title mname[m], \
		for [m=1:3] data using ($1+off(m)):(100*column(3+m)):(values ? sprintf('%.0f', 100*column(3+m)) : '') \
			with labels offset 0,0.7 font ',11' notitle
	unset key
	set title 'p99 latency'
	set ylabel 'ms'
	set yrange [0:*]
	set ytics autofreq
	set offsets 0,0,graph 0.12,0
	set boxwidth 0.7 absolute
	plot data using 1:7:xtic(strcol(2)) with boxes lc 1, \
		data using 1:7:(values ? sprintf('%.3g', $7) : '') with labels offset 0,0.8
	unset multiplot
	set output
}
