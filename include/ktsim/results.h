/* results — a run's measurements out: results.json (the contract every
 * plot, report and outside check reads), pods.csv, nodes.csv, and the
 * summary table on stdout.
 *
 * Files are written to a temporary name in the output directory and renamed
 * into place (ofile), so an interrupted or failed write never leaves a half
 * file. They are streamed, all in one pass over the metrics, so writing
 * takes a few buffers of memory however large the run. results.json is laid
 * out as cJSON_Print would lay it out (jsonw: numbers in cJSON's form), so
 * the same run gives byte-identical files apart from the timing fields
 * sim.wall_s, sim.events_per_s and sim.peak_rss_mb.
 * Ownership: nothing is retained; the caller keeps cluster and metrics. */
#ifndef KTSIM_RESULTS_H
#define KTSIM_RESULTS_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "ktsim/cluster.h"
#include "ktsim/err.h"
#include "ktsim/metrics.h"

/* The headline figures of one Service, as results.json reports them. */
struct svc_summary {
	struct skew skew;
	double drop_fraction;       /* of offered flows */
	double second_hop_fraction; /* of routed flows */
	double snat_fraction, client_ip_preserved_fraction, cross_zone_fraction;
	double mean_ms, p50_ms, p90_ms, p99_ms, p999_ms, max_ms;
};

/* Compute service s's headline figures from a run's metrics. */
void results_summarize(const struct metrics *m, int s, struct svc_summary *out);
/* Independent replications: each headline figure's value in every
 * replication, for a Student-t 95% interval of its mean. */
enum { REP_DROP, REP_MAX_OVER_MEAN, REP_JAIN, REP_GINI, REP_SNAT, REP_SECOND_HOP,
       REP_CROSS_ZONE, REP_MEAN_MS, REP_P99_MS, REP_NFIG };

struct results_reps {
	int nsvc;
	struct welford *fig;    /* [svc * REP_NFIG + figure] */
	struct welford **share; /* [svc][member]: pod shares */
};

void results_reps_init(struct results_reps *r, const struct metrics *m);
/* Record one replication's figures. */
void results_reps_add(struct results_reps *r, const struct metrics *m);
void results_reps_fini(struct results_reps *r);
/* Half-width of the 95% interval of w's mean (Student t with n-1 degrees of
 * freedom, from GSL); 0 with fewer than two values. */
double results_ci95(const struct welford *w);

/* The rows a summary table of n rows shows: all, in their order (returns
 * n), or past RESULTS_TABLE_MAX rows the RESULTS_TABLE_TOP largest and then
 * the RESULTS_TABLE_BOTTOM smallest of key[] (ties in row order), with a
 * line counting the rest before row[top]. Fills row[0..n) with the order
 * and returns top, the count shown above that line. */
enum { RESULTS_TABLE_MAX = 24, RESULTS_TABLE_TOP = 10, RESULTS_TABLE_BOTTOM = 5 };
int results_table_rows(const double *key, int n, int *row);
/* Whether the k-th row of that order is hidden (between top and the bottom). */
static inline int results_table_hidden(int k, int n, int top)
{
	return top < n && k >= top && k < n - RESULTS_TABLE_BOTTOM;
}

/* Mark in pick[0..n) (zeroed by the caller) the k largest of x[] with bit 1
 * and the k largest positive y[] with bit 2 (ties: the first in order), for
 * the Services a summary shows in full. Returns how many got bit 2. */
int results_pick_top(const double *x, const double *y, int n, int k, int *pick);
/* Past RESULTS_SERVICES_MAX Services the run summary and compare show a line
 * per Service and the full blocks of RESULTS_SERVICES_DETAIL picked by
 * results_pick_top. */
enum { RESULTS_SERVICES_MAX = 10, RESULTS_SERVICES_DETAIL = 3 };

/* Create `dir` (and parents) and write results.json, pods.csv, nodes.csv
 * (and timeseries.csv with a timeline). reps (or NULL) adds each figure's
 * 95% interval over replications. Returns 0, or -1 with e set (code
 * ERR_RUN) naming the file and the cause. */
int results_write(const char *dir, const struct cluster *c, const struct metrics *m,
		  const struct results_reps *reps, uint64_t seed, struct err *e);
/* Write len bytes to dir/name atomically (temporary file, then rename),
 * creating dir first. Returns 0, or -1 with e set (code ERR_RUN). */
int results_write_file(const char *dir, const char *name, const char *data, size_t len,
		       struct err *e);
/* Print the human summary: per Service the flow counts, hops, SNAT, latency,
 * skew, and tables of pods (share, expected, a bar) and nodes. */
void results_print_summary(FILE *f, const struct cluster *c, const struct metrics *m,
			   const struct results_reps *reps, uint64_t seed);

#endif
