/* path — how one client group's connections reach its Service: where they
 * start, whose proxy sees them first, which rules they meet there and
 * whether they are masqueraded.
 *
 * External clients enter where the LB sends them and meet
 * externalTrafficPolicy. In-cluster clients start on a node (a pod of
 * `from_workload`, or one of `from_nodes`): dialling the ClusterIP they meet
 * internalTrafficPolicy; dialling the LoadBalancer IP or a NodePort, pods
 * are short-circuited to the Cluster chain ("pod traffic for ... external
 * destinations", iptables proxier.go, with --detect-local-mode ClusterCIDR
 * every pod IP counts as local) and host processes are masqueraded; a host
 * dialling another node's NodePort is an outside source to that node. A
 * headless Service has no proxy: the client resolves pod IPs and takes them
 * in DNS order (round-robin per client group), unmasqueraded.
 * Ownership: a path owns its source-node list. */
#ifndef KTSIM_PATH_H
#define KTSIM_PATH_H

#include "ktsim/cluster.h"
#include "ktsim/lb.h"
#include "ktsim/proxy.h"

struct path {
	enum client_location loc;
	enum client_via via;
	int target;            /* VIA_NODE_PORT: node dialled, -1 = own */
	int headless, udp;
	int *src, nsrc;        /* source nodes, repeated by weight (in-cluster) */
	uint32_t dns;          /* headless: next pod in DNS order */
};

/* One connection's first steps. */
struct path_step {
	int entry;             /* node whose proxy chooses the endpoint */
	enum proxy_rule rule;
	int snat_local, snat_remote; /* masqueraded to a local / a remote endpoint */
};

/* Set up client group `client` of cluster c (placed). */
void path_init(struct path *p, const struct cluster *c, int client);
void path_fini(struct path *p);
/* The steps of an in-cluster connection starting on node src. */
void path_route(const struct path *p, const struct proxy_svc *ps, int src, struct path_step *out);
/* The expected outcome for this group: entry-node split w[nnodes] (the LB's
 * for external clients), per-endpoint shares and fractions (see
 * proxy_expect). lb may be NULL for in-cluster groups. */
void path_expect(const struct path *p, const struct lb *lb, const struct proxy_svc *ps, int nnodes,
		 double *w, double *share, struct proxy_expect *out);

#endif
