# Example, for reading: what `ktsim plot` wrote for scenarios/local-50-25-25.json
# (compare: --vary services[0].externalTrafficPolicy=Cluster,Local). ktsim does not
# read this file; its template is compiled in (sim/plot*.c) and tests/test_plot.c
# checks that everything from `set datafile` on matches what ktsim writes.
#
# ktsim plot: hops, SNAT/client IP and drops per Service
# Data: paths.dat (from results.json). Written by `ktsim plot` from a template in
# sim/plot*.c; redraw in this directory: gnuplot paths.gp (makes paths.png and .svg)
if (!exists('out')) out = 'paths'
data = 'paths.dat'
title = "Where each Service's flows go"
subtitle = "scenario local-50-25-25, seed 1; one hop or two, client IP kept or SNATed, completed or dropped (by reason)"
ymin = -2.6
values = 1
array seg[5] = ["1 hop (pod on the entry node)", "2 hops (forwarded)", "client IP kept", "SNAT (client IP lost)", "completed or in flight"]
array col[5] = ["#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#0072B2"]

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
	set xlabel 'hops and source IP: % of flows routed to a pod;   outcome: % of flows offered'
	set xrange [0:100]
	set yrange [ymin:0.6]
	set xtics 0,10,100
	set ytics scale 0
	unset grid
	set grid xtics lc rgb '#dddddd' lw 1
	plot for [i=1:|seg|] data index (i-1) using (($4+$5)/2):1:4:5:($1-0.38):($1+0.38):ytic(strcol(2).': '.strcol(3)) \
			with boxxyerror lc rgb col[i] title seg[i], \
		for [i=1:|seg|] data index (i-1) using (($4+$5)/2):1:(values && $6 >= 5 ? sprintf('%.0f%%', $6) : '') \
			with labels font ',12' notitle, \
		for [i=1:|seg|] data index (i-1) using (1):1:7 with labels left tc rgb '#555555' notitle
	set output
}
