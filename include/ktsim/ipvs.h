/* ipvs — the kernel IPVS schedulers behind kube-proxy's ipvs mode.
 *
 * kube-proxy programs one virtual server per Service port on every node with
 * the endpoints as real servers, all of weight 1 (pkg/proxy/ipvs/proxier.go
 * syncEndpoint); one struct ipvs_sched is one (node, Service). Server i is
 * the i-th of the kernel's list (ip_vs_ctl.c adds each new one at the head).
 * Weight 0 quiesces a server, as kube-proxy's graceful termination does.
 * Counts: ipvs_conn_open makes a connection active; ipvs_conn_close moves it
 * to inactive (FIN_WAIT/TIME_WAIT: set_tcp_state in ip_vs_proto_tcp.c);
 * ipvs_conn_expire drops it when its entry times out (2 min in both states).
 * Without a TIME_WAIT model call close and expire together. The handshake's
 * inactive spell, overload thresholds and the *-fallback flags are left out.
 * Counts are kept only by the schedulers that read them (lc, wlc, sed, nq)
 * and weights only when not all 1, since a large cluster holds millions of
 * (node, Service) schedulers. With all weights 1 and more than
 * IPVS_SPARSE_MIN_N servers the counts are sparse, only for servers holding
 * a connection (at 5,000 nodes a node's virtual service holds a few of its
 * hundreds of servers' connections), until IPVS_SPARSE_MAX servers do.
 * Invariant: counts never go negative (asserted). Ownership: the sched owns
 * its arrays; weights and names are only read by ipvs_init. */
#ifndef KTSIM_IPVS_H
#define KTSIM_IPVS_H

#include <stdint.h>

enum ipvs_kind { IPVS_RR, IPVS_WRR, IPVS_LC, IPVS_WLC, IPVS_SH, IPVS_DH, IPVS_SED, IPVS_NQ,
		 IPVS_MH, IPVS_NKINDS };

enum {
	IPVS_SH_TAB_SIZE = 256,   /* 1 << CONFIG_IP_VS_SH_TAB_BITS (8); dh alike */
	IPVS_MH_TAB_SIZE = 4093,  /* primes[CONFIG_IP_VS_MH_TAB_INDEX (12) - 8] */
	IPVS_F_PORT = 1,          /* sh-port / mh-port: hash the source port too */
};

enum { IPVS_SPARSE_MIN_N = 16, IPVS_SPARSE_MAX = 32 };

/* One server's connections, in the sparse counts. */
struct ipvs_count {
	int32_t server;
	uint32_t active, inactive;
};

struct ipvs_sched {
	int *weight;         /* NULL: every server weighs 1 */
	/* lc, wlc, sed, nq only (the others keep neither): dense counts by
	 * server (inactive is the second half of active's array), or (active
	 * NULL, sparse set) the servers with a connection, in server order */
	uint32_t *active, *inactive;
	struct ipvs_count *cnt;
	int32_t *table;      /* sh/dh: 256 buckets, mh: 4093 slots; server or -1 */
	enum ipvs_kind kind;
	int n;
	int cursor;          /* rr/wrr: last server picked, -1 = list head */
	int cw, mw, di;      /* wrr: current weight, max weight - (di - 1), gcd */
	uint8_t flags, sparse, ncnt, capcnt; /* packed: millions of these */
};

/* The scheduler named as ipvsadm -s names it ("rr", "wlc", ...), or -1. */
int ipvs_kind_from_name(const char *name);
/* The ipvsadm name of k. */
const char *ipvs_kind_name(enum ipvs_kind k);
/* Whether k's pick reads the connection counts (lc, wlc, sed, nq): only
 * those keep them. */
int ipvs_counts_conns(enum ipvs_kind k);

/* Set up a virtual service of n real servers. weights: NULL for kube-proxy's
 * all-1, else n values >= 0; names (mh only, else may be NULL) are the
 * stable server identities the mh table hashes, and mh takes at most
 * IPVS_MH_TAB_SIZE servers (the kernel's -EINVAL); flags: 0 or IPVS_F_PORT. */
void ipvs_init(struct ipvs_sched *s, enum ipvs_kind k, int n, const int *weights,
	       const char *const *names, int flags);
/* Free the arrays; a zeroed struct is fine. */
void ipvs_fini(struct ipvs_sched *s);

/* The real server for a new connection from saddr:sport to the Service VIP
 * (addresses in host order), or -1 when none is available (n == 0, all
 * weights 0, or the sh/dh/mh entry is a quiesced server). dh hashes only
 * the VIP: every connection of the Service gets the same server. */
int ipvs_pick(struct ipvs_sched *s, uint32_t saddr, uint16_t sport, uint32_t vip);

/* A connection to server i is established / closed / expired. */
void ipvs_conn_open(struct ipvs_sched *s, int i);
void ipvs_conn_close(struct ipvs_sched *s, int i);
void ipvs_conn_expire(struct ipvs_sched *s, int i);
/* Server i's active / inactive connections (0 where no counts are kept). */
uint32_t ipvs_active(const struct ipvs_sched *s, int i);
uint32_t ipvs_inactive(const struct ipvs_sched *s, int i);
/* The active connections over every server. */
uint64_t ipvs_active_total(const struct ipvs_sched *s);

#endif
