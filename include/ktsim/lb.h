/* lb — the external load balancer in front of a Service: which node a new
 * flow enters.
 *
 * The pool is the set of nodes the LB may pick, less nodes labelled
 * node.kubernetes.io/exclude-from-external-load-balancers (kubeadm sets it on
 * control-plane nodes) and, with a health check, nodes that fail it: a Local
 * Service's healthCheckNodePort answers 200 only with a ready local endpoint
 * (pkg/proxy/healthcheck/service_health.go); a Cluster Service's check is
 * kube-proxy's healthz, which every up node passes (KEP-3836). Modes:
 * even (uniform random), round-robin, direct (a client curling NodePorts:
 * one node or each in turn), weighted (weight = ready local endpoints, GKE
 * pods-per-node and TKE local-svc-weighted-balance), only-nodes-with-pods
 * (TKE local-svc-only-bind-node-with-pod), l2 (MetalLB L2: one leader takes
 * all), bgp (MetalLB BGP: ECMP flow hash over announcing nodes), zonal (AWS
 * NLB: even over zones, then nodes, unless cross-zone) and hash (Azure: a
 * 5-tuple hash). Sources next to each rule in lb.c.
 * Ownership: the lb owns its arrays and its random stream. */
#ifndef KTSIM_LB_H
#define KTSIM_LB_H

#include "ktsim/cluster.h"
#include "ktsim/rng.h"

struct lb {
	enum lb_mode mode;
	int *pool, npool;  /* node ids, in node order (l2: the leader only) */
	int all;           /* pool is every node in order (pool[k] == k): skip the table */
	uint32_t cursor;   /* round-robin position */
	struct rng rng;    /* choice stream */
	int *slots, nslots;      /* weighted: node ids repeated by weight */
	int *zone_off, nzones;   /* zonal: pool[zone_off[z] .. zone_off[z+1]) per zone */
};

/* Build service `svc`'s LB; local_eps[n] = ready endpoints of svc on node n.
 * seed seeds the choice stream. */
void lb_init(struct lb *lb, const struct cluster *c, int svc, const int *local_eps, uint64_t seed);
/* Rebuild it during a run from what the LB sees now: healthy[n] from its
 * health checks (used when the Service has one), local_eps[n] from the
 * nodes' proxies; rng carries the choice stream over (moved in). */
void lb_init_view(struct lb *lb, const struct cluster *c, int svc, const int *local_eps,
		  const uint8_t *healthy, const struct rng *rng);
void lb_fini(struct lb *lb);
/* A flow's 5-tuple hash (source address and port; the destination is the
 * Service's one IP and port), as an ECMP router or a hashing LB computes. */
static inline uint64_t lb_hash(uint32_t saddr, uint16_t sport)
{
	uint64_t z = ((uint64_t)saddr << 16 | sport) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	return z ^ (z >> 31);
}
/* The node a new flow from saddr:sport enters, or -1 when the pool is empty. */
static inline int lb_pick(struct lb *lb, uint32_t saddr, uint16_t sport)
{
	int n;

	if (lb->npool == 0)
		return -1;
	switch (lb->mode) {
	case LB_EVEN:
	case LB_ONLY_NODES_WITH_PODS:
		n = (int)rng_below(&lb->rng, (uint32_t)lb->npool);
		return lb->all ? n : lb->pool[n];
	case LB_WEIGHTED:
		return lb->slots[rng_below(&lb->rng, (uint32_t)lb->nslots)];
	case LB_L2:
		return lb->pool[0];
	case LB_BGP:
	case LB_HASH:
		return lb->pool[lb_hash(saddr, sport) % (uint64_t)lb->npool];
	case LB_ZONAL:
		if (lb->nzones > 0) {
			uint32_t z = rng_below(&lb->rng, (uint32_t)lb->nzones);
			int k = lb->zone_off[z + 1] - lb->zone_off[z];

			return lb->pool[lb->zone_off[z] + (int)rng_below(&lb->rng, (uint32_t)k)];
		}
		return lb->pool[rng_below(&lb->rng, (uint32_t)lb->npool)];
	default: /* round-robin, direct */
		n = lb->pool[lb->cursor];
		if (++lb->cursor == (uint32_t)lb->npool)
			lb->cursor = 0;
		return n;
	}
}
/* Long-run fraction of flows entering each node: w[0..nnodes-1]. */
void lb_weights(const struct lb *lb, int nnodes, double *w);

#endif
