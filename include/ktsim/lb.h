/* lb — the external load balancer in front of a Service: which node a new
 * flow enters.
 *
 * The pool is the set of nodes the LB may pick. `even` picks uniformly at
 * random over the pool (what per-flow hashing of many clients amounts to);
 * `round-robin` cycles through it; `direct` is a client addressing NodePorts
 * itself: one named node, or each node in turn (`curl` in a loop). With a
 * health check, a Local Service's pool holds only nodes whose
 * healthCheckNodePort answers 200, i.e. with at least one ready local
 * endpoint (kubernetes pkg/proxy/healthcheck/service_health.go); a Cluster
 * Service's check is kube-proxy's own health, so every up node stays. Nodes
 * labelled node.kubernetes.io/exclude-from-external-load-balancers are never
 * in an LB pool (kubeadm sets it on control-plane nodes).
 * Ownership: the lb owns its pool array and its random stream. */
#ifndef KTSIM_LB_H
#define KTSIM_LB_H

#include "ktsim/cluster.h"
#include "ktsim/rng.h"

struct lb {
	enum lb_mode mode;
	int *pool, npool;  /* node ids */
	uint32_t cursor;   /* round-robin position */
	struct rng rng;    /* choice stream (even) */
};

/* Build service `svc`'s LB; local_eps[n] = ready endpoints of svc on node n.
 * seed seeds the choice stream. */
void lb_init(struct lb *lb, const struct cluster *c, int svc, const int *local_eps, uint64_t seed);
void lb_fini(struct lb *lb);
/* The node a new flow enters, or -1 when the pool is empty. */
static inline int lb_pick(struct lb *lb)
{
	if (lb->npool == 0)
		return -1;
	if (lb->mode == LB_EVEN)
		return lb->pool[rng_below(&lb->rng, (uint32_t)lb->npool)];
	int n = lb->pool[lb->cursor];
	if (++lb->cursor == (uint32_t)lb->npool)
		lb->cursor = 0;
	return n;
}
/* Long-run fraction of flows entering each node: w[0..nnodes-1]. */
void lb_weights(const struct lb *lb, int nnodes, double *w);

#endif
