/* plot_int — what the pieces of the plot module share: the call state, the
 * checked JSON readers, in-memory files, the values block and emit() of a
 * script, and a run's Services (read by plot_run.c, also drawn over time by
 * plot_series.c). Internal to plot.c, plot_run.c, plot_series.c,
 * plot_compare.c and plot_sweep.c. */
#ifndef KTSIM_PLOT_INT_H
#define KTSIM_PLOT_INT_H

#include <stddef.h>
#include <stdio.h>

#include "ktsim/err.h"
#include "ktsim/json.h"

#define PLOT_PATHN 256 /* key paths for error messages */

enum { PLOT_LAT_MEAN, PLOT_LAT_P50, PLOT_LAT_P90, PLOT_LAT_P99, PLOT_LAT_P999, PLOT_LAT_MAX,
       PLOT_NLAT };
/* Per-pod and per-node numbers (plot_run.c's POD_KEYS and NODE_KEYS). */
enum { PLOT_NPOD = 4, PLOT_NNODE = 6 };

struct plot_rpod {
	const char *name, *node, *zone;
	double v[PLOT_NPOD], lat[PLOT_NLAT];
	int nodeidx; /* in the Service's nodes[] (nnodes when absent) */
};

struct plot_rnode {
	const char *name;
	double v[PLOT_NNODE];
};

/* One Service of a run's results.json. */
struct plot_rsvc {
	const char *name, *type, *etp, *itp, *lb, *proxy;
	double offered, dropped, hops[2], snat, kept, lat[PLOT_NLAT], max_over_mean;
	const cJSON *drops; /* reason -> count */
	int npods, nnodes;
	struct plot_rpod *pods;
	struct plot_rnode *nodes;
};

/* One call's state: the input (the first error wins; later reads give 0
 * and ""), where plots go and which were written. */
struct plot_ctx {
	struct jdoc *d;
	struct err *e;
	const char *src, *scenario, *in; /* in: the input directory */
	double seed;
	char dir[4300];
	char (*names)[96];
	int n;
};

/* An in-memory file. */
struct plot_mf {
	FILE *f;
	char *buf;
	size_t len;
};

/* o[key] as a number / a string; 0 or "" (and x->e set) when missing. */
double plot_num(struct plot_ctx *x, const cJSON *o, const char *path, const char *key);
const char *plot_str(struct plot_ctx *x, const cJSON *o, const char *path, const char *key);
/* o[key], an array when arr else an object; its path into subpath[PLOT_PATHN]. */
const cJSON *plot_sub(struct plot_ctx *x, const cJSON *o, const char *path, const char *key,
		      int arr, char *subpath);
/* Element i of an array, which must be an object; its path into subpath. */
const cJSON *plot_item(struct plot_ctx *x, const cJSON *it, const char *path, int i,
		       char *subpath);
/* v[k] = o[keys[k]] for k < n, as plot_num. */
void plot_nums(struct plot_ctx *x, const cJSON *o, const char *path, const char *const *keys,
	       int n, double *v);
/* files[k]: name made safe for file names, unique among files[0..k-1]. */
void plot_file_name(char (*files)[80], int k, const char *name);
/* Open an empty in-memory file (exits when out of memory). */
void plot_mf_open(struct plot_mf *m);
/* A gnuplot double-quoted string. */
void plot_gq(FILE *f, const char *s);
/* `array k[n] = [...]` of numbers (s NULL) or strings; n >= 1. */
void plot_var_a(FILE *f, const char *k, const double *v, const char *const *s, int n);
/* Open the values block v: the title and the subtitle "scenario S, seed N; "
 * followed by fmt. */
void plot_head(struct plot_ctx *x, struct plot_mf *v, const char *title, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Tic labels of n items up to len characters: every step-th shown, rotated
 * when they do not fit side by side; value labels on up to `values` bars. */
void plot_tic_vars(FILE *f, int n, size_t len, int values);
/* Write name.dat (dat) and name.gp (a header, the values in vars, the shared
 * style, body in a loop over PNG and SVG) into x->dir and list the plot. Both
 * buffers are consumed. 0, or -1 with x->e set. */
int plot_emit(struct plot_ctx *x, const char *name, const char *what, struct plot_mf *dat,
	      struct plot_mf *vars, const char *body);
size_t plot_zmax(size_t a, size_t b);
/* "NAME: WHAT, externalTrafficPolicy=Local" (internal for ClusterIP) into t. */
const char *plot_svc_title(char *t, size_t n, const struct plot_rsvc *s, const char *what);

/* The figures of each kind of directory, drawn into x from its parsed root. */
void plot_run_plots(struct plot_ctx *x, const cJSON *root);
void plot_compare_plots(struct plot_ctx *x, const cJSON *root);
void plot_sweep_plots(struct plot_ctx *x, const cJSON *root);
/* The time series of the run's ns Services sv (file names files) when x->in
 * holds a timeseries.csv, the events of root's timeline marked on them. */
void plot_series_plots(struct plot_ctx *x, const cJSON *root, const struct plot_rsvc *sv,
		       char (*files)[80], int ns);

#endif
