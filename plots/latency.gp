# Example, for reading: what `ktsim plot` wrote for scenarios/local-50-25-25.json
# (compare: --vary services[0].externalTrafficPolicy=Cluster,Local). ktsim does not
# read this file; its template is compiled in (sim/plot*.c) and tests/test_plot.c
# checks that everything from `set datafile` on matches what ktsim writes.
#
# ktsim plot: latency at p50, p90, p99, p99.9 and max
# Data: latency-web.dat (from results.json). Written by `ktsim plot` from a template in
# sim/plot*.c; redraw in this directory: gnuplot latency-web.gp (makes latency-web.png and .svg)
if (!exists('out')) out = 'latency-web'
data = 'latency-web.dat'
title = "web: request latency at percentile, externalTrafficPolicy=Local"
subtitle = "scenario local-50-25-25, seed 1; from the stored quantiles (p50, p90, p99, p99.9, max), not a full CDF"
npods = 3
lat_mean = 12.6441926

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
	set xlabel 'percentile of requests'
	set ylabel 'latency (ms, log scale)'
	set logscale y
	set format y '%g'
	set xrange [-0.1:4.3]
	set xtics ('p50' log10(2), 'p90' 1, 'p99' 2, 'p99.9' 3, 'max' 4)
	set grid xtics ytics mytics lc rgb '#dddddd' lw 1
	pos(v) = v > 0 ? v : NaN
	plot for [i=1:npods] data index i using 1:(pos($3)) with linespoints lw 1 pt 7 ps 0.6 \
			lc rgb '#b0b0b0' title (i == 1 ? 'each pod' : ''), \
		lat_mean with lines dt 2 lw 2 lc rgb '#555555' title sprintf('mean %.3g ms', lat_mean), \
		data index 0 using 1:(pos($3)) with linespoints lw 3 pt 7 ps 1.3 lc 1 title 'all requests', \
		data index 0 using 1:(pos($3)):(sprintf('%.3g ms', $3)) with labels boxed offset 0,1.2 notitle
	set output
}
