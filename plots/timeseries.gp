# Example, for reading: what `ktsim plot` wrote for scenarios/local-pod-loss.json
# (a run with a timeline; the other examples are for local-50-25-25.json, which has
# none). ktsim does not read this file; its template is compiled in (sim/plot*.c) and
# tests/test_plot.c checks that everything from `set datafile` on matches what ktsim writes.
#
# ktsim plot: flows per pod, drops and LB health against time
# Data: timeseries-web.dat (from results.json). Written by `ktsim plot` from a template in
# sim/plot*.c; redraw in this directory: gnuplot timeseries-web.gp (makes timeseries-web.png and .svg)
if (!exists('out')) out = 'timeseries-web'
data = 'timeseries-web.dat'
title = "web: throughput, drops and LB health over time, externalTrafficPolicy=Local"
subtitle = "scenario local-pod-loss, seed 1; sampled every 1 s; dashed: the timeline's events"
npods = 4
nnodes = 3
nev = 1
xmax = 120
ymax1 = 648.7
ymax2 = 365.7
tic2 = 100
array pod[4] = ["web-0@node-b", "web-1@node-a", "web-2@node-c", "web-3@node-b"]

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
	set multiplot
	set lmargin at screen 0.08
	set rmargin at screen 0.76
	set xrange [0:xmax]
	set grid xtics ytics lc rgb '#dddddd' lw 1
	set key at screen 0.775, screen 0.83 left top vertical reverse Left samplen 2 spacing 1.1
	set tmargin at screen 0.83
	set bmargin at screen 0.53
	set format x ''
	set ylabel 'flows/s to the pod'
	set yrange [0:ymax1]
	set label 3 'throughput per pod' at graph 0, graph 1 left offset 0,0.8 font ',13'
	plot for [i=1:npods] data index 0 using 1:(column(4+i)) with lines lw 2 lc i dt 1+(i > 8) \
			title pod[i], \
		for [i=1:(nev > 0)] data index 1 using 1:(0):(0):(ymax1) with vectors nohead dt 2 lw 1.5 \
			lc rgb '#555555' title 'timeline event', \
		for [i=1:(nev > 0)] data index 1 using 1:(ymax1*(0.9-0.1*(int($0)%3))):2 with labels boxed left \
			offset 0.5,0 font ',12' notitle
	unset label 1
	unset label 2
	unset key
	set tmargin at screen 0.46
	set bmargin at screen 0.31
	set ylabel 'flows/s'
	set yrange [0:ymax2]
	set ytics 0,tic2
	set label 3 'dropped flows (all nodes)'
	plot data index 0 using 1:2 with lines lw 2 lc 6 notitle, \
		for [i=1:(nev > 0)] data index 1 using 1:(0):(0):(ymax2) with vectors nohead dt 2 lw 1.5 \
			lc rgb '#555555' notitle
	set tmargin at screen 0.24
	set bmargin at screen 0.12
	set format x '%g'
	set xlabel 'time (s)'
	set ylabel 'nodes'
	set yrange [0:nnodes+0.6]
	if (nnodes <= 8) { set ytics 0,1 }
	set label 3 sprintf('nodes healthy in the LB pool (of %d)', nnodes)
	plot data index 0 using 1:3 with steps lw 2.5 lc 3 notitle, \
		for [i=1:(nev > 0)] data index 1 using 1:(0):(0):(nnodes+0.6) with vectors nohead dt 2 \
			lw 1.5 lc rgb '#555555' notitle
	unset multiplot
	set output
}
