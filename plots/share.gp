# Example, for reading: what `ktsim plot` wrote for scenarios/local-50-25-25.json
# (compare: --vary services[0].externalTrafficPolicy=Cluster,Local). ktsim does not
# read this file; its template is compiled in (sim/plot*.c) and tests/test_plot.c
# checks that everything from `set datafile` on matches what ktsim writes.
#
# ktsim plot: share of flows per pod against the expected share
# Data: share-web.dat (from results.json). Written by `ktsim plot` from a template in
# sim/plot*.c; redraw in this directory: gnuplot share-web.gp (makes share-web.png and .svg)
if (!exists('out')) out = 'share-web'
data = 'share-web.dat'
title = "web: share of flows per pod, externalTrafficPolicy=Local"
subtitle = "scenario local-50-25-25, seed 1; LoadBalancer, lb=even, proxy=iptables; 173534 flows routed, max/mean 1.50"
npods = 3
even = 0.3333333333
xmin = 0.3
xmax = 4.3
ymax = 57.60072954
step = 1
rotate = 0
values = 1
array gx0[2] = [0.5, 2.1]
array gx1[2] = [1.5, 4.1]

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
	set xlabel 'pod and its node (grouped by node)'
	if (rotate) { set xtics rotate by 90 right } else { set xtics norotate; set xlabel offset 0,-1; set bmargin 5 }
	set ylabel 'share of flows (%)'
	set xrange [xmin:xmax]
	set yrange [0:ymax]
	set boxwidth 0.7 absolute
	do for [i=1:|gx0|:2] {
		set object i rect from gx0[i], graph 0 to gx1[i], graph 1 behind fc rgb '#eeeeee' fs solid 1 noborder
	}
	plot data using 1:(100*$6):xtic(lab($0, strcol(2), strcol(3))) with boxes lc 1 title 'measured share', \
		data using ($1-0.35):(100*$7):(0.7):(0) with vectors nohead lw 4 lc rgb '#000000' \
			title 'expected share (from the layout)', \
		100*even with lines dt 2 lw 2 lc rgb '#555555' \
			title sprintf('even share 1/%d = %.1f%%', npods, 100*even), \
		data using 1:(100*$6):(values ? sprintf('%.1f%%', 100*$6) : '') with labels offset 0,0.8 notitle
	set output
}
