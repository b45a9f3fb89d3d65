/* plot — gnuplot figures of a run directory (results.json), a compare
 * directory (comparison.json) or a sweep (sweep.json), written to DIR/plots/.
 *
 * Each plot NAME is a tab-separated data file NAME.dat ('#' lines name the
 * source and the columns) and a gnuplot script NAME.gp: a block of values
 * written by ktsim, then a fixed body compiled into ktsim (so the binary needs
 * no installed files; the repository's plots/ holds examples of them). The
 * script draws NAME.png (pngcairo 1280x720, sans 14) and NAME.svg; ktsim runs
 * it in DIR/plots with `out` set to a temporary name and renames the images
 * into place, so an image is whole or absent. .dat and .gp files are written
 * atomically. Without gnuplot on PATH the data and scripts are still written,
 * a one-line notice goes to stderr and that is not an error.
 * Ownership: nothing is retained between calls. */
#ifndef KTSIM_PLOT_H
#define KTSIM_PLOT_H

#include "ktsim/err.h"

/* 1 when an executable `gnuplot` is on PATH, else 0. */
int plot_gnuplot_available(void);
/* Plots of the run in dir (dir/results.json): share-, lb-, latency-<svc> and
 * paths. Returns how many, or -1 with e set: ERR_INPUT for a missing or bad
 * results.json, ERR_RUN when a file cannot be written or gnuplot fails. */
int plot_run_dir(const char *dir, struct err *e);
/* Plots of the comparison in dir (dir/comparison.json): compare-share-<svc>
 * and compare-metrics-<svc>. Returns as plot_run_dir. */
int plot_compare_dir(const char *dir, struct err *e);
/* Plots of the sweep in dir (dir/sweep.json): sweep-<svc>, max/mean, p99 and
 * dropped against the first numeric varied key, a line per value of the other
 * keys, 95% bands when replicated. Returns as plot_run_dir. */
int plot_sweep_dir(const char *dir, struct err *e);

#endif
