/* nat — each node's connection-tracking table and SNAT source-port pools,
 * including the TIME_WAIT linger after a connection closes.
 *
 * A connection holds a conntrack entry on the node it entered and, when
 * forwarded, on the pod's node; a masqueraded one also holds a source port
 * from the pool of its (node IP, backend IP, backend port) pair, since the
 * rewritten tuple must be unique (net/netfilter/nf_nat_core.c). All are
 * held for the connection's life plus `linger_s` (TIME_WAIT,
 * nf_conntrack_tcp_timeout_time_wait = 120 s by default). A full table drops
 * the new connection ("nf_conntrack: table full, dropping packet"); an empty
 * pool fails the SNAT (snat_ports_exhausted).
 * Closed connections wait in a FIFO: with one linger for all, release times
 * come in closing order, so expiry is a queue pop, not a heap event. SNAT
 * pools are a flat array when nodes x pods is small (up to 4M pairs) and
 * otherwise a hash of active pairs, so memory follows the connections held,
 * not nodes x pods.
 * Ownership: the nat owns all its arrays. */
#ifndef KTSIM_NAT_H
#define KTSIM_NAT_H

#include <stddef.h>
#include <stdint.h>

#include "ktsim/ring.h"

/* nat_admit's answers: admitted, or where the SYN is dropped (the entry
 * node's conntrack table, its masquerade, the pod's node's table). */
enum { NAT_OK, NAT_CONNTRACK_FULL, NAT_SNAT_EXHAUSTED, NAT_CONNTRACK_FULL_POD_NODE };

struct nat_pair {
	uint64_t key;            /* node << 32 | pod, 0 = empty slot (key is stored + 1) */
	uint32_t ports;          /* source ports in use */
};

/* 16 bytes: a busy cluster keeps millions of these for the linger. */
struct nat_release {
	double t;
	uint32_t node_snat;      /* node << 1 | masqueraded */
	uint32_t pod;            /* the pod's node is pod_node[pod] */
};

struct nat {
	int nnodes;
	uint32_t *ct, *ct_peak, *ct_max; /* by node */
	const int *pod_node;             /* by pod (borrowed) */
	uint32_t *snat_peak;             /* by node: ports of its busiest pair */
	uint32_t snat_ports;             /* pool size per pair */
	double linger_s;
	int measuring;                   /* peaks count only after warm-up */
	uint32_t *dense;                 /* ports by node * npods + pod, when small */
	int npods;
	struct nat_pair *tab;            /* else by hash of active pairs */
	size_t cap, used;
	struct ring q;                   /* of struct nat_release, oldest first */
};

/* Set up for nnodes nodes with conntrack limits ct_max[] (copied), a pool of
 * snat_ports source ports per pair, and the linger after close; pod_node[p]
 * is the node pod p was placed on (borrowed; it must stay set while the
 * pod's entries linger). expect_lingering sizes the linger queue up
 * front (a guess: it grows when needed). */
void nat_init(struct nat *t, int nnodes, int npods, const uint32_t *ct_max, const int *pod_node,
	      uint32_t snat_ports, double linger_s, size_t expect_lingering);
void nat_fini(struct nat *t);
/* Free what has lingered long enough by time now. */
void nat_expire_due(struct nat *t, double now);
/* nat_expire_due when the oldest lingering entry is due (inline: it runs for
 * every new connection, and mostly nothing is due). */
static inline void nat_expire(struct nat *t, double now)
{
	if (t->q.len > 0 && ((const struct nat_release *)ring_at(&t->q, 0))->t <= now)
		nat_expire_due(t, now);
}
/* Admit a new connection entering `node`, served by `pod` (forwarded when
 * the pod is on another node), masqueraded when snat. Returns NAT_OK
 * (entries now held) or where it was dropped (nothing held). */
int nat_admit(struct nat *t, uint32_t node, uint32_t pod, int snat);
/* Start loading what nat_admit(t, node, pod, snat) will read (the pair's
 * slot: a random line of a table that can reach tens of MB), so the miss
 * overlaps the caller's other work. */
void nat_prefetch(const struct nat *t, uint32_t node, uint32_t pod, int snat);
/* The connection closed (or was refused after admission) at time now. */
void nat_close(struct nat *t, double now, uint32_t node, uint32_t pod, int snat);
/* Source ports in use for the (node, pod) pair. */
uint32_t nat_ports(const struct nat *t, uint32_t node, uint32_t pod);

#endif
