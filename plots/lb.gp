# Example, for reading: what `ktsim plot` wrote for scenarios/local-50-25-25.json
# (compare: --vary services[0].externalTrafficPolicy=Cluster,Local). ktsim does not
# read this file; its template is compiled in (sim/plot*.c) and tests/test_plot.c
# checks that everything from `set datafile` on matches what ktsim writes.
#
# ktsim plot: share of flows entering each node, answered and dropped
# Data: lb-web.dat (from results.json). Written by `ktsim plot` from a template in
# sim/plot*.c; redraw in this directory: gnuplot lb-web.gp (makes lb-web.png and .svg)
if (!exists('out')) out = 'lb-web'
data = 'lb-web.dat'
title = "web: share of flows entering each node, lb=even, externalTrafficPolicy=Local"
subtitle = "scenario local-50-25-25, seed 1; LoadBalancer; 0 of 173534 offered flows dropped (0.0%)"
n = 2
ymax = 57.60072954
drops = 0
step = 1
rotate = 0
values = 1

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
	set xlabel 'node and its ready pods of this Service'
	if (rotate) { set xtics rotate by 90 right } else { set xtics norotate; set xlabel offset 0,-1; set bmargin 5 }
	set ylabel 'share of flows entering the node (%)'
	set xrange [0.3:n+0.7]
	set yrange [0:ymax]
	set boxwidth 0.7 absolute
	pods(c) = sprintf('%d pod%s', column(c), column(c) == 1 ? '' : 's')
	plot data using 1:(100*$6):xtic(lab($0, strcol(2), pods(4))) with boxes lc 6 \
			title (drops ? 'dropped at the node' : ''), \
		data using 1:(100*$6*$8) with boxes lc 1 title 'answered', \
		data using ($1-0.35):(100*$7):(0.7):(0) with vectors nohead lw 4 lc rgb '#000000' \
			title 'expected share (from the layout)', \
		data using 1:(100*$6):(values ? sprintf('%.1f%%', 100*$6) : '') with labels offset 0,0.8 notitle
	set output
}
