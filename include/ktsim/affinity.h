/* affinity — sessionAffinity: ClientIP, kept per node as the proxies keep it.
 *
 * Each node remembers which endpoint a client address was last sent to and
 * when; a new connection from that address within the timeout goes there
 * again, and each use renews the entry. The state lives in each node (its
 * kernel), so a client an LB spreads over several nodes may be pinned to a
 * different pod on each. iptables mode keeps it in xt_recent lists, one per
 * endpoint (`-m recent --rcheck --seconds T --reap` in endpoint order, then
 * `--set` on the chosen one), each holding at most ip_list_tot = 100
 * addresses (net/netfilter/xt_recent.c): past that the least recently set
 * address is forgotten and that client loses its affinity. nftables sets,
 * IPVS persistence and Cilium's affinity map have no such small bound; they
 * are modelled with an unbounded table.
 * Ownership: the affinity owns its per-node tables, created on first use. */
#ifndef KTSIM_AFFINITY_H
#define KTSIM_AFFINITY_H

#include <stddef.h>
#include <stdint.h>

#define AFFINITY_XT_RECENT_LIMIT 100

struct aff_entry {
	uint32_t ip, ep;          /* ep + 1 in hash slots, 0 = empty */
	double last;
};

struct aff_node {
	struct aff_entry *tab;    /* unbounded mode: open addressing by ip */
	size_t cap, used;
	struct aff_entry **lists; /* xt_recent mode: per endpoint, oldest first */
	int *len;
};

struct affinity {
	int nnodes, neps;
	double timeout_s;
	int limit;                /* addresses per endpoint list, 0 = unbounded */
	struct aff_node *nodes;
	uint64_t hits, misses;    /* connections that followed / set an entry */
};

/* Set up for nnodes nodes and neps endpoints; limit as above. */
void affinity_init(struct affinity *a, int nnodes, int neps, double timeout_s, int limit);
void affinity_fini(struct affinity *a);
/* The endpoint node `node` pins address ip to at time now, if it is among
 * the cand[0..k) candidates; else -1. */
int affinity_lookup(struct affinity *a, int node, uint32_t ip, double now, const int *cand, int k);
/* Record that node sent ip to endpoint ep at time now. */
void affinity_set(struct affinity *a, int node, uint32_t ip, int ep, double now);

#endif
