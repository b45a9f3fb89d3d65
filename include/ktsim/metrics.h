/* metrics — what a run measured, per Service, endpoint and node, and the
 * skew summaries computed from it.
 *
 * Counters cover flows that arrived after warm-up ("measured" flows), so for
 * every Service offered = completed + dropped + in_flight exactly. Latency
 * is kept in bounded-memory histograms (stats.h). Skew metrics follow the
 * usual definitions: max/mean of per-pod flows, coefficient of variation
 * (population), Jain's fairness index (Jain, Chiu, Hawe 1984) and the Gini
 * coefficient (sorted-rank formula).
 * Ownership: metrics_init allocates every array; metrics_fini frees them. */
#ifndef KTSIM_METRICS_H
#define KTSIM_METRICS_H

#include <stdint.h>
#include <stdio.h>

#include "ktsim/proxy.h"
#include "ktsim/stats.h"

enum drop_reason {
	DROP_NO_LOCAL_ENDPOINT, DROP_NO_ENDPOINT, DROP_NODE_DOWN, DROP_LB_NO_HEALTHY_NODE,
	DROP_QUEUE_FULL, DROP_SNAT_PORTS_EXHAUSTED, DROP_CONNTRACK_FULL, DROP_STALE_ENDPOINT,
	DROP_POD_TERMINATED, DROP_NREASONS
};

/* Above this many endpoints (all Services), per-pod latency histograms are
 * HISTO_COARSE (quantiles within 3.1%, a quarter of the memory); Service
 * histograms are always HISTO_FINE (within 0.8%). */
#define METRICS_FINE_EPS 20000
/* Above this many Service x node pairs, node counters are kept per node for
 * all Services together: every Service's `nodes` points at one shared row
 * per node (node_detail 0). 1,000 Services x 5,000 nodes would otherwise be
 * 200 MB of rows, one read at random on every flow. */
#define METRICS_NODE_ROWS 200000

/* Two 64-byte lines: what every completed request updates with the head of
 * its latency histogram, then the rest of it and what arrivals update
 * (150,000 of these are read at random at the scale envelope). */
struct ep_stats {
	_Alignas(64) uint64_t completed;      /* connections */
	struct tally latency;                 /* per request, ms; n: requests completed */
	uint64_t bytes;
	struct histo latency_ms;
	uint64_t flows, dropped;              /* connections */
	uint64_t requests;
	int ever;                             /* was an endpoint (Ready) at some time */
};

struct node_stats {
	uint64_t lb_flows, forwarded_out, snat_flows, dropped;
	uint64_t bytes;                       /* through this node */
};

/* The counters every flow touches come first: two 64-byte lines, then the
 * wait accumulator (sim.c's engine peek prefetches these three). */
struct svc_stats {
	_Alignas(64) uint64_t offered;
	uint64_t completed, dropped, in_flight;
	uint64_t routed, requests, req_completed; /* requests of counted connections */
	uint64_t waited;
	uint64_t hops2, snat, cross_zone, bytes, cross_zone_bytes;
	uint64_t req_refused;
	struct ep_stats *eps;       /* by endpoint index */
	struct node_stats *nodes;   /* by node id (shared by all Services
				     * unless metrics.node_detail) */
	struct tally wait;          /* queueing wait per request, ms */
	uint64_t drops[DROP_NREASONS];
	uint64_t affinity_hits, affinity_misses; /* sessionAffinity: entry followed / set anew */
	struct tally latency;       /* per request, ms */
	struct histo latency_ms;
	int neps;
	double *expected_share;     /* by endpoint index */
	double *lb_weight;          /* by node id: the LB's long-run split */
	struct proxy_expect expect;
};

struct metrics {
	int nsvc, nnodes, npods;
	int node_detail;            /* node rows per Service, else shared (METRICS_NODE_ROWS) */
	int svc_from_eps;           /* a Service's latency (tally, histogram) is summed
				     * from its endpoints' by metrics_fold_latency, not
				     * kept per request: they have the same buckets */
	struct svc_stats *svc;
	/* the blocks the Services' arrays point into */
	struct ep_stats *ep_rows;
	struct node_stats *node_rows;
	double *share_rows, *weight_rows;
	uint32_t *peak_conntrack, *peak_snat_ports, *conntrack_max; /* by node */
	double *utilization;        /* by pod, filled at the end */
	double *queue_mean;         /* by pod: time-average queue length */
	int *pod_node;              /* by pod: where it ran last (-1: never) */
	double measured_s;          /* simulated seconds after warm-up */
	uint64_t events;
	/* control-plane work during the run (not in results.json) */
	uint64_t scheduler_runs;    /* scheduling cycles run for pods */
	uint64_t lb_rebuilds;       /* LB pools rebuilt */
	uint64_t versions_freed;    /* endpoint versions freed once unused */
	double wall_s;
	int interrupted;
	int replications;           /* runs folded in (1 for one run) */
	int ntimeline;
	uint64_t *timeline_drops;   /* by timeline event: drops until the next one */
	FILE *timeseries;           /* timeseries.csv's rows in an unlinked temporary
				     * file (memory stays flat however long the run),
				     * or NULL */
	int timeseries_errno;       /* errno of its creation or a write, 0 if none */
};

struct skew {
	int pods;
	double max_share, min_share, max_over_mean, cv, jain, gini;
};

/* Fold the metrics of another replication of the same scenario into dst:
 * counts add, accumulators merge exactly (Welford/Chan, histograms), peaks
 * take the larger, per-pod averages are weighted by replications. */
void metrics_merge(struct metrics *dst, const struct metrics *src);
/* Allocate zeroed metrics for the given sizes; neps[s] = endpoints of s. */
void metrics_init(struct metrics *m, int nsvc, const int *neps, int nnodes, int npods);
void metrics_fini(struct metrics *m);
/* With svc_from_eps, set each Service's latency tally and histogram to the
 * sum of its endpoints' (exact: every request counts in one endpoint). Call
 * once, when the run ends. */
void metrics_fold_latency(struct metrics *m);
/* Name of a drop reason as in results.json ("no_local_endpoint", ...). */
const char *metrics_drop_name(enum drop_reason r);
/* Skew of n non-negative loads x (e.g. flows per pod). All zero -> every
 * field 0 except pods. */
void metrics_skew(const double *x, int n, struct skew *out);

#endif
