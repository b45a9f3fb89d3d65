/* proxy — the service proxy on the node a flow entered (kube-proxy, or
 * Cilium's replacement): which endpoint serves it, and whether the client's
 * address is masqueraded.
 *
 * iptables mode picks uniformly among the candidate endpoints with the
 * statistic-random chain (rule i matches with probability 1/(n-i)); nftables
 * does `numgen random mod n`; Cilium's default is random too — all uniform
 * (kubernetes pkg/proxy/{iptables,nftables}/proxier.go, Cilium
 * kubeproxy-free.rst). Candidates: under externalTrafficPolicy Cluster every
 * ready endpoint; under Local only this node's. No endpoint anywhere is a
 * REJECT (client refused at once); Local with none on this node is a DROP
 * (client times out) — proxier.go "has no endpoints" / "has no local
 * endpoints". Masquerade: kube-proxy (iptables, nftables, IPVS) SNATs every
 * external flow under Cluster, even to a local endpoint (KUBE-EXT ->
 * KUBE-MARK-MASQ), never under Local; Cilium SNATs only flows it forwards to
 * another node (loadBalancer.mode snat), none with DSR (the pod replies to
 * the client directly) and UDP only with hybrid.
 * Ownership: a proxy_svc owns its endpoint index arrays. */
#ifndef KTSIM_PROXY_H
#define KTSIM_PROXY_H

#include "ktsim/cluster.h"
#include "ktsim/ipvs.h"
#include "ktsim/ring.h"
#include "ktsim/rng.h"

enum { PROXY_NO_LOCAL_ENDPOINT = -1, PROXY_NO_ENDPOINT = -2 };

/* A stateful chooser for one candidate set on one node (IPVS virtual
 * service with its scheduler, or a Maglev table). */
struct proxy_chooser {
	const int *list;      /* the candidate set it serves ... */
	struct ipvs_sched ipvs; /* ... of ipvs.n candidates (set for Maglev too,
				 * whose chooser uses nothing else of ipvs) */
	int32_t *maglev;      /* ebpf: Maglev table over list, maglev_m slots (NULL
			       * when k == 1; maybe proxy_svc's maglev_all) */
};

/* A closed IPVS connection, counted inactive until t: server pos of
 * chooser slot of node (node_slot = node * 4 + slot). */
struct proxy_closed {
	double t;
	uint32_t node_slot;
	int32_t pos;
};

/* A node's choosers of one Service, one per candidate set it has met (at
 * most 3), allocated as they are met: a 5,000-node, 1,000-Service cluster
 * has 5 million of these and most hold one. */
struct proxy_node {
	struct proxy_chooser *ch;
	int n;
};

/* One Service as every node's proxy sees it. */
struct proxy_svc {
	enum traffic_policy etp, itp;
	enum traffic_distribution td;
	enum proxy_mode mode;
	enum snat_mode snat_mode;
	int neps;        /* members: every pod the Service ever selects */
	int nall, *all;  /* the Ready ones */
	int *all_pod;    /* pod of all[k], read beside it: one dependent miss less */
	const int *member_pod; /* borrowed: pod of member i (the Service's eps) */
	int nterm, *term;/* the serving but terminating ones */
	int *ep_node;    /* node of member i (-1: not placed) */
	int *local;      /* Ready members grouped by node ... */
	int *local_off;  /* ... node n's are local[local_off[n] .. local_off[n+1]) */
	int *local_pod;  /* pod of local[j], read beside it (as all_pod) */
	int *tlocal;     /* terminating members grouped by node, likewise */
	int *tlocal_off;
	int *zonal;      /* Ready members grouped by zone, likewise */
	int *zone_off;
	const int *node_zone; /* borrowed: zone of each node */
	int stateful;         /* ipvs, or ebpf with maglev: use proxy_pick_conn */
	int ipvs_kind;
	uint64_t order_salt;  /* IPVS: seeds each node's real-server order */
	double inactive_s;    /* IPVS lc/wlc: how long a closed connection counts */
	struct ring closed;   /* ... struct proxy_closed of every node, oldest first
			       * (one queue, not one per node: at 5,000 nodes most
			       * choosers hold a closed connection or two) */
	uint32_t maglev_m;
	int nnodes;
	const char **names;   /* endpoint names (Maglev hashes them) */
	struct proxy_node *nodes; /* by node, choosers built on first use */
	int32_t *maglev_all;  /* the Maglev table over all[], shared by every node's
			       * chooser of that set (the same on each node) */
};

/* Which rule set a flow meets: external traffic (externalTrafficPolicy),
 * in-cluster traffic to the ClusterIP (internalTrafficPolicy), or the
 * short-circuit that sends in-cluster traffic for a LoadBalancer IP or
 * NodePort to the Cluster chain (KUBE-EXT "pod traffic for ... external
 * destinations", proxier.go). */
enum proxy_rule { PROXY_EXTERNAL, PROXY_INTERNAL, PROXY_CLUSTER_WIDE };

/* A member's state in a view of the endpoints. */
enum { EP_ABSENT, EP_READY, EP_TERMINATING };

/* Index the endpoints of service `svc` as one node's proxy sees them:
 * state[i] and node[i] for each member (NULL: Ready where placed, from the
 * cluster). */
void proxy_svc_init(struct proxy_svc *ps, const struct cluster *c, int svc, const int *node_zone,
		    const uint8_t *state, const int *node);
void proxy_svc_fini(struct proxy_svc *ps);
/* Ready endpoints of the service on node n. */
static inline int proxy_local_count(const struct proxy_svc *ps, int n)
{
	return ps->local_off[n + 1] - ps->local_off[n];
}
/* The candidate endpoints for a new flow at `node` under `rule`: *list and
 * the count (0: none); with pods non-NULL, *pods is their pods, where a list
 * of them is kept beside (the Ready set, a node's Ready ones), else NULL.
 * A Local policy keeps this node's endpoints only; otherwise
 * trafficDistribution narrows the cluster-wide set to this node's
 * (PreferSameNode) or zone's endpoints when there are any, as kube-proxy's
 * topologyModeFromHints falls back per node (pkg/proxy/topology.go). */
static inline int proxy_candidates(const struct proxy_svc *ps, int node, enum proxy_rule rule,
				   const int **list, const int **pods)
{
	const int *none;
	enum traffic_policy pol = rule == PROXY_EXTERNAL ? ps->etp
				: rule == PROXY_INTERNAL ? ps->itp : POLICY_CLUSTER;
	int k, z;

	if (pods == NULL)
		pods = &none;
	*pods = NULL;
	/* Cluster-wide without topology: every Ready endpoint, without reading
	 * this node's row (at 5,000 nodes x 1,000 Services the rows are 20 MB
	 * read at random). */
	if (pol != POLICY_LOCAL && ps->td == TD_NONE && ps->nall > 0) {
		*list = ps->all;
		*pods = ps->all_pod;
		return ps->nall;
	}
	k = proxy_local_count(ps, node);
	/* With no Ready endpoint to use, serving-terminating ones are used,
	 * and topology is ignored (CategorizeEndpoints, KEP-1669). */
	if (pol == POLICY_LOCAL && k == 0) {
		*list = ps->tlocal + ps->tlocal_off[node];
		return ps->tlocal_off[node + 1] - ps->tlocal_off[node];
	}
	if (pol == POLICY_LOCAL || (ps->td == TD_PREFER_SAME_NODE && k > 0)) {
		*list = ps->local + ps->local_off[node];
		*pods = ps->local_pod + ps->local_off[node];
		return k;
	}
	if (ps->nall == 0) {
		*list = ps->term;
		return ps->nterm;
	}
	z = ps->node_zone[node];
	if (ps->td != TD_NONE && ps->zone_off[z + 1] > ps->zone_off[z]) {
		*list = ps->zonal + ps->zone_off[z];
		return ps->zone_off[z + 1] - ps->zone_off[z];
	}
	*list = ps->all;
	*pods = ps->all_pod;
	return ps->nall;
}
/* Choose the endpoint for a new flow at `node` under `rule`, drawing from
 * that node's stream r. Returns the endpoint index (and its pod in *pod),
 * PROXY_NO_ENDPOINT or PROXY_NO_LOCAL_ENDPOINT. */
static inline int proxy_pick(const struct proxy_svc *ps, int node, enum proxy_rule rule,
			     struct rng *r, int *pod)
{
	const int *list, *pods;
	int k, i;

	if (ps->nall + ps->nterm == 0)
		return PROXY_NO_ENDPOINT;
	k = proxy_candidates(ps, node, rule, &list, &pods);
	if (k == 0)
		return PROXY_NO_LOCAL_ENDPOINT;
	i = k == 1 ? 0 : (int)rng_below(r, (uint32_t)k);
	*pod = pods ? pods[i] : ps->member_pod[list[i]];
	return list[i];
}
/* The stateful choice at time now: IPVS's scheduler on this node's virtual
 * service, or Cilium's Maglev table over the candidates, hashing the flow's
 * 5-tuple. Returns as proxy_pick; *slot and *pos name the chooser and the
 * server in it, for proxy_conn_close. */
int proxy_pick_conn(struct proxy_svc *ps, int node, enum proxy_rule rule, uint32_t saddr,
		    uint16_t sport, int udp, double now, int *slot, int *pos);
/* A connection chosen by proxy_pick_conn on `node` ends at time now: IPVS
 * counts it inactive (lc/wlc weigh that in) for inactive_s, TIME_WAIT;
 * Maglev keeps no count. */
void proxy_conn_close(struct proxy_svc *ps, int node, int slot, int pos, double now);
/* The connections ps's IPVS schedulers count as active, over every node
 * (0 unless they keep counts: see ipvs_counts_conns). */
int64_t proxy_conns_active(const struct proxy_svc *ps);
/* Undo proxy_pick_conn's connection as if it never was: its first packet
 * was dropped before IPVS would have scheduled it (conntrack full). */
void proxy_conn_cancel(struct proxy_svc *ps, int node, int slot, int pos);

/* Is an external flow masqueraded, given that its endpoint is on another
 * node (remote) and its protocol? */
static inline int proxy_masquerades(const struct proxy_svc *ps, int remote, int udp)
{
	if (ps->etp == POLICY_LOCAL)
		return 0;
	if (ps->mode != PROXY_EBPF)
		return 1;
	switch (ps->snat_mode) {
	case SNAT_DSR:
		return 0;
	case SNAT_HYBRID:
		return udp && remote;
	default:
		return remote;
	}
}
/* Does the reply skip the forwarding node (direct server return)? */
static inline int proxy_dsr(const struct proxy_svc *ps, int remote, int udp)
{
	return ps->mode == PROXY_EBPF && ps->etp == POLICY_CLUSTER && remote &&
	       (ps->snat_mode == SNAT_DSR || (ps->snat_mode == SNAT_HYBRID && !udp));
}

/* The analytic outcome of a static layout. */
struct proxy_expect {
	double drop_no_local;   /* fraction of offered flows dropped, no local endpoint */
	double drop_no_endpoint;/* fraction rejected, no endpoint anywhere */
	double second_hop;      /* fraction of routed flows forwarded to another node */
	double snat;            /* fraction of routed flows masqueraded */
};

/* Given the weights w of the nodes flows enter (the LB's split, or where
 * in-cluster clients run; summing to 1, or all 0), the rule they meet and
 * whether they are masqueraded (snat_local for a local endpoint, snat_remote
 * for a forwarded one, each as a fraction), fill share[i] = expected
 * fraction of routed flows that endpoint i receives (all 0 when nothing is
 * routed) and *out. */
void proxy_expect(const struct proxy_svc *ps, int nnodes, const double *w, enum proxy_rule rule,
		  double snat_local, double snat_remote, double *share, struct proxy_expect *out);

#endif
