/* sim_int — what sim.c (the flow path) and dyn.c (the timeline: pods and
 * nodes changing, health checks and proxy syncs catching up) share. Not a
 * public interface. */
#ifndef KTSIM_SIM_INT_H
#define KTSIM_SIM_INT_H

#include "ktsim/affinity.h"
#include "ktsim/engine.h"
#include "ktsim/lb.h"
#include "ktsim/metrics.h"
#include "ktsim/nat.h"
#include "ktsim/path.h"
#include "ktsim/pool.h"
#include "ktsim/proxy.h"
#include "ktsim/server.h"
#include "ktsim/sim.h"

enum { EV_ARRIVAL, EV_DONE, EV_THINK, EV_WARMUP, EV_TIMELINE, EV_SYNC, EV_PROBE, EV_READY,
       EV_GONE, EV_SAMPLE, EV_LB, EV_PROBE_FAIL };

enum { F_MEASURED = 1, F_HOP2 = 2, F_SNAT = 4, F_CROSS_ZONE = 8, F_DSR = 16 };

#define FLOW_EXTERNAL UINT32_MAX

/* A connection in flight. `next` must come first (server.h queue link). */
struct flow {
	uint32_t next;
	uint32_t svc, ep, pod, node;
	uint32_t client;
	uint32_t src;         /* an in-cluster client's node, or FLOW_EXTERNAL */
	int32_t pslot, ppos;  /* the stateful proxy chooser and server, or -1 */
	uint32_t epoch;       /* the pod's life it was sent to (dyn.c) */
	uint32_t ver;         /* the endpoint view that chose it (dyn.c) */
	uint32_t flags;
	uint32_t remaining;   /* requests still to send, this one included */
	double t_req;         /* when the current request was sent */
};

/* A completed request's latency accounting (its Service's and its
 * endpoint's), applied in batches of EP_LAG (sim.c, ep_done_push) so that
 * the batch's histogram-bucket misses overlap: at the scale envelope 1,000
 * Services' and 150,000 endpoints' histograms are read at random, ~250 ns a
 * miss on the build machine, and a bucket asked for one completion ahead
 * was not there in time (perf: the bucket increment was 9-13% of the run;
 * in batches, 4.5%). Counts that must balance at every event (completed,
 * dropped, in flight) are not deferred. */
enum { EP_LAG = 16 };
struct ep_done {
	struct svc_stats *ss;  /* NULL: the Service sums its endpoints at the end */
	struct ep_stats *es;
	double ms;
	uint64_t bytes;
	int last;             /* the connection's last request */
};

struct client_rt {
	struct rng arrivals, addrs, traffic, jitter;
	double mean_gap_s;
	uint32_t gen;         /* arrival events of an older rate are stale */
	uint32_t svc;
	int needs_addr;       /* the LB, proxy or path reads the source address and port */
	struct path path;
};

struct sim {
	const struct cluster *c;
	struct engine *eng;
	struct pool flows;
	struct server *servers;     /* by pod */
	struct rng *proxy_rng;      /* by node */
	struct lb *lbs;             /* by service */
	struct proxy_svc *psvc;     /* by service */
	struct affinity *aff;       /* by service (nodes NULL: no affinity) */
	struct client_rt *clients;
	uint32_t *client_svc;       /* by client: its Service (a small hot table for peeks) */
	struct nat nat;
	int *pod_node;              /* by pod */
	int *node_zone;             /* by node */
	double warmup_s;
	struct metrics m;
	struct dyn *dyn;
	int prefetch;               /* the model outgrows the caches: peek, defer */
	struct ep_done lag[EP_LAG];  /* deferred endpoint updates, oldest first */
	unsigned lag_n;
	uint64_t conns_open;        /* flows holding an IPVS or Maglev connection */
};

/* Pod life in the truth of a run with a timeline. */
enum { PS_NONE, PS_PENDING, PS_STARTING, PS_READY, PS_TERMINATING, PS_GONE };

struct hc_state {
	uint8_t healthy;      /* as the LB sees the node */
	uint8_t streak;       /* consecutive results contradicting it */
	uint8_t probing;      /* an EV_PROBE is pending */
};

/* Who still needs an endpoint version: nodes whose proxies use it, syncs
 * on their way to it, and stateful connections that chose in it. An older
 * version nobody needs is freed (its struct stays, emptied). */
struct ver_use {
	uint32_t viewers, pending;
	uint64_t conns;
	int freed;
};

struct dyn {
	int nsvc, nnodes, npods;
	uint8_t *pod_state;           /* by pod */
	uint32_t *pod_epoch;          /* by pod: bumped when it dies */
	uint8_t *kill_reason;         /* by pod: drop reason for flows it loses */
	uint8_t *node_up, *node_ok;   /* by node: up; takes new pods */
	struct proxy_svc **ver;       /* by service: endpoint versions */
	struct ver_use **use;         /* by service, by version */
	int *nver;
	uint32_t *view;               /* [svc * nnodes + node]: version that node uses */
	struct hc_state *hc;          /* [svc * nnodes + node] */
	double *probe_t;              /* [svc * nnodes + node]: its next probe, sent or not */
	int *hc_healthy;              /* by service: nodes its LB sees healthy */
	uint8_t *speaker;             /* [svc * nnodes + node]: MetalLB sees its speaker */
	int *lb_in;                   /* [svc * nnodes + node]: lb_input the LB was built from */
	struct rng hc_rng, sync_rng;
	double *sync_jitter;          /* by node */
	uint8_t *etp;                 /* by service: externalTrafficPolicy now */
	int *live_workload;           /* by workload: pods wanted (replicas) */
	int *rolling;                 /* by workload: rollout in progress (new pods made) */
	int *roll_surge, *roll_unavail;
	uint8_t *roll_new;            /* by pod: created by the current rollout */
	uint64_t nonce;               /* placement calls */
	uint64_t *stuck_at;           /* by workload: retry_gen when a pod of it stayed Pending */
	uint64_t retry_gen;           /* bumped per retry pass and per pod placed in one */
	uint64_t *drops_at;           /* by timeline event: total drops when it fired */
	/* timeseries */
	FILE *ts;                     /* timeseries.csv's rows so far (see ts_open) */
	int ts_errno;                 /* why they could not be kept, or 0 */
	uint64_t *last_flows, *last_done, *last_drop; /* [svc][member] cumulative */
	double *last_lat_sum;
	uint64_t *last_lat_n;
	int *row;                     /* [svc] offset into the last_* arrays */
};

/* The endpoint view that node n's proxy has of service svc. */
static inline struct proxy_svc *sim_view(struct sim *s, int svc, int n, uint32_t *ver)
{
	if (s->dyn == NULL) {
		*ver = 0;
		return &s->psvc[svc];
	}
	/* one version: every node uses it (and the 20 MB view table of a
	 * 5,000-node, 1,000-Service run stays untouched) */
	*ver = s->dyn->nver[svc] == 1 ? 0
		: s->dyn->view[(size_t)svc * (size_t)s->dyn->nnodes + (size_t)n];
	return &s->dyn->ver[svc][*ver];
}

/* sim.c helpers dyn.c uses */
void sim_drop(struct svc_stats *ss, int node, enum drop_reason why);
void sim_close_flow(struct sim *s, uint32_t f, double now);
void sim_check_balance(const struct svc_stats *ss);
/* Apply every deferred endpoint update (before reading endpoint counters). */
void sim_flush_eps(struct sim *s);

/* dyn.c: set up the timeline's machinery (s->dyn stays NULL without one),
 * tear it down, and fill the run's timeline results at the end. */
void dyn_create(struct sim *s, uint64_t seed, uint32_t replication);
void dyn_destroy(struct sim *s);
void dyn_finish(struct sim *s);
/* A stateful connection chose its pod in version v of Service svc / has
 * closed (so the version's choosers stay until it closes). */
void dyn_ver_hold(struct sim *s, uint32_t svc, uint32_t v);
void dyn_ver_release(struct sim *s, uint32_t svc, uint32_t v);



#endif
