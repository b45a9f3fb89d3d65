/* ipvs — IPVS schedulers (see ipvs.h); each rule cites its kernel source
 * under net/netfilter/ipvs/. */
#include "ktsim/ipvs.h"

#include <string.h>

#include "ktsim/err.h"
#include "ktsim/maglev.h"
#include "ktsim/mem.h"

/* IP_VS_MH_TAB_BITS = CONFIG_IP_VS_MH_TAB_INDEX / 2 (ip_vs_mh.c). */
#define MH_TAB_BITS 6
/* generate_hash_secret's key word (ip_vs_mh.c), seeding the source hash. */
#define MH_SRC_SEED 2654435761u

static const char *const kind_names[IPVS_NKINDS] = {
	"rr", "wrr", "lc", "wlc", "sh", "dh", "sed", "nq", "mh",
};

int ipvs_kind_from_name(const char *name)
{
	for (int k = 0; k < IPVS_NKINDS; k++)
		if (strcmp(name, kind_names[k]) == 0)
			return k;
	return -1;
}

const char *ipvs_kind_name(enum ipvs_kind k)
{
	KS_ASSERT((unsigned)k < IPVS_NKINDS);
	return kind_names[k];
}

/* hash_32 of include/linux/hash.h: multiply by GOLDEN_RATIO_32 and keep the
 * top `bits` bits. */
static uint32_t hash_32(uint32_t v, int bits)
{
	return (v * 0x61C88647u) >> (32 - bits);
}

/* fls of include/linux/bitops.h: 1-based index of the highest set bit. */
static int fls(unsigned x)
{
	int r = 0;

	for (; x; x >>= 1)
		r++;
	return r;
}

static int gcd(int a, int b)
{
	while (b) {
		int t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* Server i's weight (no array: kube-proxy's all-1). */
static inline int weight_of(const struct ipvs_sched *s, int i)
{
	return s->weight ? s->weight[i] : 1;
}

int ipvs_counts_conns(enum ipvs_kind k)
{
	return k == IPVS_LC || k == IPVS_WLC || k == IPVS_SED || k == IPVS_NQ;
}

/* ip_vs_sh_reassign (ip_vs_dh_reassign alike): walk the list giving each
 * server `weight` consecutive buckets ("Don't move to next dest until filling
 * weight": a weight-0 server still gets one), wrapping until all are filled.
 * Servers past the 256th never get a bucket. */
static void fill_buckets(struct ipvs_sched *s)
{
	int i = 0, d = 0;

	for (int b = 0; b < IPVS_SH_TAB_SIZE; b++) {
		s->table[b] = s->n ? i : -1;
		if (s->n && ++d >= weight_of(s, i)) {
			i = (i + 1) % s->n;
			d = 0;
		}
	}
}

/* ip_vs_mh_reassign: turns = ((w / gcd) >> rshift) or 1 for a nonzero w,
 * rshift keeping max(w) / gcd within MH_TAB_BITS bits
 * (ip_vs_mh_shift_weight), then Maglev population (ip_vs_mh_populate).
 * The kernel hashes each server's address and port with hsiphash; ktsim's
 * servers have names, hashed by maglev_build (murmur3, as Cilium). */
static void fill_mh(struct ipvs_sched *s, int g, int wmax, const char *const *names)
{
	int *turns = ks_calloc((size_t)s->n, sizeof *turns);

	if (g > 0) {
		int rshift = fls((unsigned)(wmax / g)) - MH_TAB_BITS;

		if (rshift < 0)
			rshift = 0;
		for (int i = 0; i < s->n; i++) {
			int t = (weight_of(s, i) / g) >> rshift;

			turns[i] = t ? t : weight_of(s, i) != 0;
		}
	}
	maglev_build(s->table, IPVS_MH_TAB_SIZE, names, turns, s->n);
	ks_free(turns);
}

void ipvs_init(struct ipvs_sched *s, enum ipvs_kind k, int n, const int *weights,
	       const char *const *names, int flags)
{
	int g = 0, wmax = 0;

	KS_ASSERT((unsigned)k < IPVS_NKINDS && n >= 0);
	memset(s, 0, sizeof *s);
	s->kind = k;
	s->n = n;
	KS_ASSERT(flags == 0 || flags == IPVS_F_PORT);
	s->flags = (uint8_t)flags;
	s->cursor = -1;
	/* kube-proxy's servers all weigh 1, and only the least-connection
	 * kinds read the counts: a 5,000-node, 1,000-Service cluster builds
	 * millions of these, so what is not needed is not allocated */
	if (weights)
		s->weight = ks_calloc((size_t)n, sizeof *s->weight);
	if (ipvs_counts_conns(k) && (weights || n <= IPVS_SPARSE_MIN_N)) {
		s->active = ks_calloc(2 * (size_t)n, sizeof *s->active);
		s->inactive = s->active + n;
	} else if (ipvs_counts_conns(k)) {
		s->sparse = 1; /* cnt is allocated with the first connection */
	}
	for (int i = 0; i < n; i++) {
		int w = weights ? weights[i] : 1;

		KS_ASSERT(w >= 0);
		if (weights)
			s->weight[i] = w;
		if (w > 0)
			g = g ? gcd(w, g) : w;
		if (w > wmax)
			wmax = w;
	}
	/* ip_vs_wrr_init_svc: di = gcd of the positive weights (1 if none),
	 * mw = max weight - (di - 1) so the last pass is cw = 1, cw = mw. */
	s->di = g ? g : 1;
	s->mw = wmax - (s->di - 1);
	s->cw = s->mw;
	if (k == IPVS_SH || k == IPVS_DH) {
		s->table = ks_malloc(IPVS_SH_TAB_SIZE * sizeof *s->table);
		fill_buckets(s);
	} else if (k == IPVS_MH) {
		/* ip_vs_mh_reassign refuses more servers than slots (-EINVAL). */
		KS_ASSERT(n <= IPVS_MH_TAB_SIZE && (n == 0 || names != NULL));
		s->table = ks_malloc(IPVS_MH_TAB_SIZE * sizeof *s->table);
		fill_mh(s, g, wmax, names);
	}
}

void ipvs_fini(struct ipvs_sched *s)
{
	ks_free(s->weight);
	ks_free(s->active); /* and inactive with it */
	ks_free(s->cnt);
	ks_free(s->table);
	memset(s, 0, sizeof *s);
}

/* ip_vs_rr_schedule: from the server after the last one picked (the list
 * head at first), the first with weight > 0; the last one is tried last. */
static int pick_rr(struct ipvs_sched *s)
{
	for (int k = 1; k <= s->n; k++) {
		int i = (s->cursor + k) % s->n;

		if (weight_of(s, i) > 0)
			return s->cursor = i;
	}
	return -1;
}

/* ip_vs_wrr_schedule: scan on from the last pick for a weight >= cw; at the
 * end of the list lower cw by di, and after cw = 1 (the last pass) start
 * again from mw. The last/stop/restarted bookkeeping ends the search once
 * every server was tried at cw = 1. */
static int pick_wrr(struct ipvs_sched *s)
{
	int i = s->cursor, last = s->cursor, stop = -2, last_pass = 0, restarted = 0;

	if (s->mw == 0)
		return -1;
	for (;;) {
		for (i++; i < s->n; i++) {
			if (weight_of(s, i) >= s->cw)
				return s->cursor = i;
			if (i == stop)
				goto over;
		}
		i = -1;
		s->cw -= s->di;
		if (s->cw <= 0) {
			s->cw = s->mw;
			if (last_pass || last == -1)
				goto over;
			restarted = 1;
		}
		last_pass = s->cw <= s->di;
		if (last_pass && restarted && last != -1)
			stop = last;
	}
over:
	s->cursor = i;
	return -1;
}

/* ip_vs_dest_conn_overhead (include/net/ip_vs.h): activeconns * 256 +
 * inactconns. */
static int64_t conn_overhead(const struct ipvs_sched *s, int i)
{
	return ((int64_t)s->active[i] << 8) + s->inactive[i];
}

/* ip_vs_lc_schedule: the least overhead among servers of nonzero weight, the
 * first in list order on ties (strict <). Its comment says activeconns<<5;
 * the code uses ip_vs_dest_conn_overhead's <<8. */
static int pick_lc(const struct ipvs_sched *s)
{
	int least = -1;
	int64_t loh = 0;

	for (int i = 0; i < s->n; i++) {
		if (weight_of(s, i) == 0)
			continue;
		int64_t doh = conn_overhead(s, i);

		if (least < 0 || doh < loh) {
			least = i;
			loh = doh;
		}
	}
	return least;
}

/* wlc, sed, nq: the least cost / weight, compared without division as
 * loh * w_i > doh * w_least, the first on ties, weight-0 servers skipped.
 * Cost: wlc the conn overhead (ip_vs_wlc.c); sed and nq activeconns + 1,
 * inactive ignored (ip_vs_sed_dest_overhead, ip_vs_nq_dest_overhead); nq
 * takes a server with no active connection at once (ip_vs_nq_schedule). */
static int pick_least_weighted(const struct ipvs_sched *s)
{
	int least = -1;
	int64_t loh = 0;

	for (int i = 0; i < s->n; i++) {
		if (weight_of(s, i) == 0)
			continue;
		if (s->kind == IPVS_NQ && s->active[i] == 0)
			return i;
		int64_t doh = s->kind == IPVS_WLC ? conn_overhead(s, i) : (int64_t)s->active[i] + 1;

		if (least < 0 || loh * weight_of(s, i) > doh * weight_of(s, least)) {
			least = i;
			loh = doh;
		}
	}
	return least;
}

/* lc, wlc, sed and nq on sparse counts, all weights 1: each picks the first
 * server of least cost (wlc's loh * 1 > doh * 1 is lc's doh < loh), where
 * the cost is the conn overhead (lc, wlc) or active + 1 (sed; nq takes the
 * first server without an active connection, else sed's). A server missing
 * from the set costs the least there is, so the first gap in the set, or
 * for sed/nq the first member without active connections, is the answer
 * when it comes before any other such server; else the first least member. */
static int pick_sparse(const struct ipvs_sched *s)
{
	int next = 0, least = -1;
	int64_t loh = 0;

	for (int k = 0; k < s->ncnt; k++) {
		const struct ipvs_count *c = &s->cnt[k];
		int64_t doh = s->kind == IPVS_LC || s->kind == IPVS_WLC
			? ((int64_t)c->active << 8) + c->inactive : (int64_t)c->active;

		if (c->server > next)
			return next;
		if (doh == 0)
			return c->server;
		if (least < 0 || doh < loh) {
			least = c->server;
			loh = doh;
		}
		next = c->server + 1;
	}
	return next < s->n ? next : least;
}

/* A table entry, or -1 when it is empty or quiesced (is_unavailable in
 * ip_vs_sh.c / ip_vs_mh.c; the *-fallback flags are not modelled). */
static int table_pick(const struct ipvs_sched *s, uint32_t slot)
{
	int i = s->table[slot];

	return i >= 0 && weight_of(s, i) > 0 ? i : -1;
}

int ipvs_pick(struct ipvs_sched *s, uint32_t saddr, uint16_t sport, uint32_t vip)
{
	uint32_t port = s->flags & IPVS_F_PORT ? sport : 0;

	if (s->n == 0)
		return -1;
	switch (s->kind) {
	case IPVS_RR:
		return pick_rr(s);
	case IPVS_WRR:
		return pick_wrr(s);
	case IPVS_LC:
		return s->sparse ? pick_sparse(s) : pick_lc(s);
	case IPVS_WLC:
	case IPVS_SED:
	case IPVS_NQ:
		return s->sparse ? pick_sparse(s) : pick_least_weighted(s);
	case IPVS_SH:
		/* ip_vs_sh_hashkey: hash_32(ntohs(port) + ntohl(saddr), 8). */
		return table_pick(s, hash_32(port + saddr, 8));
	case IPVS_DH:
		/* ip_vs_dh_hashkey: hash_32(ntohl(daddr), 8); the destination is
		 * the Service VIP, the same for every connection. */
		return table_pick(s, hash_32(vip, 8));
	case IPVS_MH:
	case IPVS_NKINDS:
		break;
	}
	KS_ASSERT(s->kind == IPVS_MH);
	/* ip_vs_mh_hashkey: hsiphash of ntohs(port) + ntohl(saddr) with a fixed
	 * key, mod the table size; murmur3 stands in for hsiphash. */
	uint32_t v = port + saddr;
	const unsigned char b[4] = { v & 255, v >> 8 & 255, v >> 16 & 255, v >> 24 };
	uint64_t h[2];

	maglev_murmur3(b, sizeof b, MH_SRC_SEED, h);
	return table_pick(s, (uint32_t)(h[0] % IPVS_MH_TAB_SIZE));
}

/* Server i's place in the sparse counts: its index, or where it would go
 * (as -1 - index). */
static int cnt_find(const struct ipvs_sched *s, int i)
{
	int lo = 0, hi = s->ncnt;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (s->cnt[mid].server < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->ncnt && s->cnt[lo].server == i ? lo : -1 - lo;
}

/* Leave the sparse counts for dense ones. */
static void go_dense(struct ipvs_sched *s)
{
	s->active = ks_calloc(2 * (size_t)s->n, sizeof *s->active);
	s->inactive = s->active + s->n;
	for (int k = 0; k < s->ncnt; k++) {
		s->active[s->cnt[k].server] = s->cnt[k].active;
		s->inactive[s->cnt[k].server] = s->cnt[k].inactive;
	}
	ks_free(s->cnt);
	s->cnt = NULL;
	s->ncnt = s->capcnt = 0;
	s->sparse = 0;
}

/* Server i's counts as (*a, *in), made zero if it had none; NULL when no
 * counts are kept. */
static uint32_t *counts_at(struct ipvs_sched *s, int i, uint32_t **in)
{
	int k;

	KS_ASSERT(i >= 0 && i < s->n);
	if (s->sparse) {
		k = cnt_find(s, i);
		if (k >= 0) {
			*in = &s->cnt[k].inactive;
			return &s->cnt[k].active;
		}
		if (s->ncnt < IPVS_SPARSE_MAX) {
			k = -1 - k;
			if (s->ncnt == s->capcnt) {
				s->capcnt = s->capcnt ? (uint8_t)(2 * s->capcnt) : 4;
				s->cnt = ks_realloc(s->cnt, (size_t)s->capcnt, sizeof *s->cnt);
			}
			memmove(&s->cnt[k + 1], &s->cnt[k], (size_t)(s->ncnt - k) * sizeof *s->cnt);
			s->cnt[k] = (struct ipvs_count){ i, 0, 0 };
			s->ncnt++;
			*in = &s->cnt[k].inactive;
			return &s->cnt[k].active;
		}
		go_dense(s);
	}
	if (s->active == NULL)
		return NULL;
	*in = &s->inactive[i];
	return &s->active[i];
}

/* Drop the sparse entry holding *in (server i's inactive count) once the
 * server holds no connection. */
static void maybe_forget(struct ipvs_sched *s, const uint32_t *in)
{
	/* the entry the pointer lies in, from its byte offset in the array */
	int k = (int)((size_t)((const char *)in - (const char *)s->cnt) / sizeof *s->cnt);

	if (s->cnt[k].active == 0 && s->cnt[k].inactive == 0) {
		memmove(&s->cnt[k], &s->cnt[k + 1], (size_t)(s->ncnt - k - 1) * sizeof *s->cnt);
		if (--s->ncnt == 0) {
			/* most of a big cluster's schedulers hold nothing most
			 * of the time: they keep no array */
			ks_free(s->cnt);
			s->cnt = NULL;
			s->capcnt = 0;
		}
	}
}

void ipvs_conn_open(struct ipvs_sched *s, int i)
{
	uint32_t *in, *a = counts_at(s, i, &in);

	if (a)
		++*a;
}

void ipvs_conn_close(struct ipvs_sched *s, int i)
{
	uint32_t *in, *a = counts_at(s, i, &in);

	if (a == NULL)
		return;
	KS_ASSERT(*a > 0);
	--*a;
	++*in;
}

void ipvs_conn_expire(struct ipvs_sched *s, int i)
{
	uint32_t *in;

	if (counts_at(s, i, &in) == NULL)
		return;
	KS_ASSERT(*in > 0);
	--*in;
	if (s->sparse)
		maybe_forget(s, in);
}

/* Server i's counts as they stand (zero where none are kept or held). */
static struct ipvs_count counts_of(const struct ipvs_sched *s, int i)
{
	int k;

	KS_ASSERT(i >= 0 && i < s->n);
	if (s->active)
		return (struct ipvs_count){ i, s->active[i], s->inactive[i] };
	k = s->sparse ? cnt_find(s, i) : -1;
	return k >= 0 ? s->cnt[k] : (struct ipvs_count){ i, 0, 0 };
}

uint32_t ipvs_active(const struct ipvs_sched *s, int i)
{
	return counts_of(s, i).active;
}

uint32_t ipvs_inactive(const struct ipvs_sched *s, int i)
{
	return counts_of(s, i).inactive;
}

uint64_t ipvs_active_total(const struct ipvs_sched *s)
{
	uint64_t sum = 0;

	for (int i = 0; s->active && i < s->n; i++)
		sum += s->active[i];
	for (int k = 0; k < s->ncnt; k++)
		sum += s->cnt[k].active;
	return sum;
}
