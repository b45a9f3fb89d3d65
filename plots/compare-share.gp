# Example, for reading: what `ktsim plot` wrote for scenarios/local-50-25-25.json
# (compare: --vary services[0].externalTrafficPolicy=Cluster,Local). ktsim does not
# read this file; its template is compiled in (sim/plot*.c) and tests/test_plot.c
# checks that everything from `set datafile` on matches what ktsim writes.
#
# ktsim plot: share of flows per pod in each variant
# Data: compare-share-web.dat (from comparison.json). Written by `ktsim plot` from a template in
# sim/plot*.c; redraw in this directory: gnuplot compare-share-web.gp (makes compare-share-web.png and .svg)
if (!exists('out')) out = 'compare-share-web'
data = 'compare-share-web.dat'
title = "web: share of flows per pod, by variant"
subtitle = "scenario local-50-25-25, seed 1; varied: services[0].externalTrafficPolicy"
nvar = 2
npods = 3
bw = 0.4
ymax = 57.60072954
step = 1
rotate = 0
values = 1
array vlabel[2] = ["Cluster", "Local"]
array even[1] = [0.3333333333]
evtitle = "even share 1/3 = 33.3%"

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
	set xlabel 'pod and its node'
	if (rotate) { set xtics rotate by 90 right } else { set xtics norotate; set xlabel offset 0,-1; set bmargin 5 }
	set ylabel 'share of flows (%)'
	set xrange [0.4:npods+0.6]
	set yrange [0:ymax]
	set boxwidth bw absolute
	off(v) = (v - (nvar+1)/2.0)*bw
	plot data using 1:(NaN):xtic(lab($0, strcol(2), strcol(3))) notitle, \
		for [v=1:nvar] data using ($1+off(v)):(100*column(3+v)) with boxes lc v title vlabel[v], \
		for [v=1:|even|] 100*even[v] with lines dt 2 lw 2 lc rgb '#555555' title (v == 1 ? evtitle : ''), \
		for [v=1:nvar] data using ($1+off(v)):(100*column(3+v)):(values ? sprintf('%.0f', 100*column(3+v)) : '') \
			with labels offset 0,0.7 font ',11' notitle
	set output
}
