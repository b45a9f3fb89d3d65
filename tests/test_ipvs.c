/* ipvs: each scheduler against the kernel's rule on hand-worked cases —
 * rr/wrr sequences, lc/wlc/sed/nq choices on crafted counts, sh/dh/mh
 * stickiness and spread over random sources, mh's small remap on removal. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <CUnit/CUnit.h>

#include "ktsim/ipvs.h"
#include "ktsim/rng.h"
#include "tests.h"

#define VIP 0x0a600001u  /* 10.96.0.1, a ClusterIP */

/* Give server i `a` active and `in` inactive connections. */
static void load(struct ipvs_sched *s, int i, int a, int in)
{
	for (int k = 0; k < a + in; k++)
		ipvs_conn_open(s, i);
	for (int k = 0; k < in; k++)
		ipvs_conn_close(s, i);
}

static int pick(struct ipvs_sched *s)
{
	return ipvs_pick(s, 0x0a000001u, 40000, VIP);
}

static void ipvs_should_name_every_kind(void)
{
	for (int k = 0; k < IPVS_NKINDS; k++)
		CU_ASSERT_EQUAL(ipvs_kind_from_name(ipvs_kind_name((enum ipvs_kind)k)), k);
	CU_ASSERT_STRING_EQUAL(ipvs_kind_name(IPVS_MH), "mh");
	CU_ASSERT_EQUAL(ipvs_kind_from_name("lblc"), -1);
}

static void ipvs_should_find_no_server_without_servers_or_weight(void)
{
	const int zero[2] = { 0, 0 };
	const char *const names[2] = { "a", "b" };
	struct ipvs_sched s;

	for (int k = 0; k < IPVS_NKINDS; k++) {
		ipvs_init(&s, (enum ipvs_kind)k, 0, NULL, NULL, 0);
		CU_ASSERT_EQUAL(pick(&s), -1);
		ipvs_fini(&s);
		ipvs_init(&s, (enum ipvs_kind)k, 2, zero, names, 0);
		CU_ASSERT_EQUAL(pick(&s), -1);
		ipvs_fini(&s);
	}
}

static void rr_should_cycle_and_split_exactly(void)
{
	const int w[3] = { 1, 0, 1 };
	struct ipvs_sched s;
	int cnt[4] = { 0 };

	ipvs_init(&s, IPVS_RR, 4, NULL, NULL, 0);
	for (int k = 0; k < 4000; k++) {
		int i = pick(&s);

		CU_ASSERT_EQUAL_FATAL(i, k % 4);
		cnt[i]++;
	}
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(cnt[i], 1000);
	ipvs_fini(&s);
	/* A quiesced (weight 0) server is skipped. */
	ipvs_init(&s, IPVS_RR, 3, w, NULL, 0);
	for (int k = 0; k < 6; k++)
		CU_ASSERT_EQUAL(pick(&s), k % 2 ? 2 : 0);
	ipvs_fini(&s);
}

static void wrr_should_equal_rr_with_unit_weights(void)
{
	struct ipvs_sched a, b;

	ipvs_init(&a, IPVS_RR, 5, NULL, NULL, 0);
	ipvs_init(&b, IPVS_WRR, 5, NULL, NULL, 0);
	for (int k = 0; k < 50; k++)
		CU_ASSERT_EQUAL(pick(&a), pick(&b));
	ipvs_fini(&a);
	ipvs_fini(&b);
}

/* The first `len` picks of wrr with weights w equal seq. */
static int wrr_sequence(const int *w, int n, const int *seq, int len)
{
	struct ipvs_sched s;
	int ok = 1;

	ipvs_init(&s, IPVS_WRR, n, w, NULL, 0);
	for (int k = 0; k < len; k++)
		ok &= pick(&s) == seq[k];
	ipvs_fini(&s);
	return ok;
}

static void wrr_should_follow_the_kernel_sequence(void)
{
	/* cw runs mw, mw - di, ..., 1 and each pass takes the servers with
	 * weight >= cw: 3,1 gives A A A B; 4,3,2 gives A A B A B C A B C (the
	 * LVS documentation's example); 2,4 (gcd 2, mw = 4 - 1) gives B A B. */
	const int w31[2] = { 3, 1 }, s31[8] = { 0, 0, 0, 1, 0, 0, 0, 1 };
	const int w432[3] = { 4, 3, 2 };
	const int s432[18] = { 0, 0, 1, 0, 1, 2, 0, 1, 2, 0, 0, 1, 0, 1, 2, 0, 1, 2 };
	const int w24[2] = { 2, 4 }, s24[6] = { 1, 0, 1, 1, 0, 1 };
	const int w101[3] = { 1, 0, 1 }, s101[4] = { 0, 2, 0, 2 };

	CU_ASSERT(wrr_sequence(w31, 2, s31, 8));
	CU_ASSERT(wrr_sequence(w432, 3, s432, 18));
	CU_ASSERT(wrr_sequence(w24, 2, s24, 6));
	CU_ASSERT(wrr_sequence(w101, 3, s101, 4));
}

static void lc_should_pick_least_overhead_and_the_first_on_ties(void)
{
	struct ipvs_sched s;

	ipvs_init(&s, IPVS_LC, 3, NULL, NULL, 0);
	CU_ASSERT_EQUAL(pick(&s), 0);
	ipvs_conn_open(&s, 0);
	CU_ASSERT_EQUAL(pick(&s), 1);
	ipvs_conn_open(&s, 1);
	ipvs_conn_open(&s, 2);
	ipvs_conn_open(&s, 2);
	CU_ASSERT_EQUAL(pick(&s), 0);
	/* Overhead = active * 256 + inactive: 255 inactive weigh less than one
	 * active connection, 256 the same (a tie, so the first wins). */
	ipvs_fini(&s);
	ipvs_init(&s, IPVS_LC, 2, NULL, NULL, 0);
	load(&s, 0, 1, 0);
	load(&s, 1, 0, 255);
	CU_ASSERT_EQUAL(pick(&s), 1);
	load(&s, 1, 0, 1);
	CU_ASSERT_EQUAL(pick(&s), 0);
	/* Expired connections no longer count. */
	ipvs_conn_expire(&s, 1);
	CU_ASSERT_EQUAL(ipvs_inactive(&s, 1), 255);
	CU_ASSERT_EQUAL(pick(&s), 1);
	ipvs_fini(&s);
}

static void wlc_should_equal_lc_with_unit_weights(void)
{
	struct ipvs_sched lc, wlc;
	struct rng r;
	int same = 1;

	rng_init(&r, 7);
	ipvs_init(&lc, IPVS_LC, 6, NULL, NULL, 0);
	ipvs_init(&wlc, IPVS_WLC, 6, NULL, NULL, 0);
	for (int k = 0; k < 20000; k++) {
		int i = pick(&lc), j = rng_below(&r, 6);

		same &= i == pick(&wlc);
		ipvs_conn_open(&lc, i);
		ipvs_conn_open(&wlc, i);
		if (ipvs_active(&lc, j) > 0 && rng_below(&r, 2)) {
			ipvs_conn_close(&lc, j);
			ipvs_conn_close(&wlc, j);
		}
		if (ipvs_inactive(&lc, j) > 0 && rng_below(&r, 2)) {
			ipvs_conn_expire(&lc, j);
			ipvs_conn_expire(&wlc, j);
		}
	}
	CU_ASSERT(same);
	ipvs_fini(&lc);
	ipvs_fini(&wlc);
}

/* The pick of kind k with the given weights and (active, inactive) counts. */
static int pick_loaded(enum ipvs_kind k, int n, const int *w, const int *act, const int *inact)
{
	struct ipvs_sched s;
	int i;

	ipvs_init(&s, k, n, w, NULL, 0);
	for (int j = 0; j < n; j++)
		load(&s, j, act[j], inact[j]);
	i = pick(&s);
	ipvs_fini(&s);
	return i;
}

static void sed_should_differ_from_wlc_on_inactive_and_weights(void)
{
	/* Weights 1: wlc counts inactive connections (A 256 + 300 > B 512),
	 * sed ignores them (A 1 + 1 < B 2 + 1). */
	const int a1[2] = { 1, 2 }, i1[2] = { 300, 0 };
	/* Weights 1, 3 with A idle and B busy: wlc takes A (0 < 256 / 3), sed
	 * counts the incoming connection, (0 + 1) / 1 > (1 + 1) / 3, B. */
	const int w2[2] = { 1, 3 }, a2[2] = { 0, 1 }, i2[2] = { 0, 0 };

	CU_ASSERT_EQUAL(pick_loaded(IPVS_WLC, 2, NULL, a1, i1), 1);
	CU_ASSERT_EQUAL(pick_loaded(IPVS_SED, 2, NULL, a1, i1), 0);
	CU_ASSERT_EQUAL(pick_loaded(IPVS_WLC, 2, w2, a2, i2), 0);
	CU_ASSERT_EQUAL(pick_loaded(IPVS_SED, 2, w2, a2, i2), 1);
}

static void nq_should_take_an_idle_server_first(void)
{
	/* A (weight 4) has one connection, B and C (weight 1) none: sed
	 * prefers A ((1 + 1) / 4 < 1 / 1), nq the first idle server, B. */
	const int w[3] = { 4, 1, 1 }, act[3] = { 1, 0, 0 }, in[3] = { 0, 0, 0 };
	/* None idle: nq is sed (C: (1 + 1) / 1 beats A: (9 + 1) / 4). */
	const int busy[3] = { 9, 2, 1 };

	CU_ASSERT_EQUAL(pick_loaded(IPVS_SED, 3, w, act, in), 0);
	CU_ASSERT_EQUAL(pick_loaded(IPVS_NQ, 3, w, act, in), 1);
	CU_ASSERT_EQUAL(pick_loaded(IPVS_SED, 3, w, busy, in), 2);
	CU_ASSERT_EQUAL(pick_loaded(IPVS_NQ, 3, w, busy, in), 2);
}

/* Spread of `sources` random source addresses over n servers of kind k:
 * each source maps alike twice; returns the worst |count - mean| in binomial
 * standard deviations of the table's own shares. */
static double spread(struct ipvs_sched *s, int sources, uint64_t seed)
{
	int cnt[16] = { 0 }, table = s->kind == IPVS_MH ? IPVS_MH_TAB_SIZE : IPVS_SH_TAB_SIZE;
	int slots[16] = { 0 };
	struct rng r;
	double worst = 0;

	rng_init(&r, seed);
	for (int k = 0; k < sources; k++) {
		uint32_t a = rng_u32(&r);
		int i = ipvs_pick(s, a, 40000, VIP);

		CU_ASSERT_FATAL(i >= 0 && i < s->n);
		CU_ASSERT(ipvs_pick(s, a, 50000, VIP) == i);
		cnt[i]++;
	}
	for (int b = 0; b < table; b++)
		slots[s->table[b]]++;
	for (int i = 0; i < s->n; i++) {
		double p = (double)slots[i] / table;

		worst = fmax(worst, fabs(cnt[i] - sources * p) / sqrt(sources * p * (1 - p)));
	}
	return worst;
}

static void sh_should_stick_to_a_source_and_spread_sources(void)
{
	struct ipvs_sched s;
	int slots[3] = { 0 };
	double w;

	ipvs_init(&s, IPVS_SH, 4, NULL, NULL, 0);
	w = spread(&s, 10000, 11);
	printf("sh n=4: worst %.2f sd ", w);
	CU_ASSERT(w < 5);
	ipvs_fini(&s);
	/* 256 buckets dealt round-robin: with 3 servers 86, 85, 85. */
	ipvs_init(&s, IPVS_SH, 3, NULL, NULL, 0);
	for (int b = 0; b < IPVS_SH_TAB_SIZE; b++)
		slots[s.table[b]]++;
	CU_ASSERT(slots[0] == 86 && slots[1] == 85 && slots[2] == 85);
	w = spread(&s, 10000, 12);
	printf("n=3: worst %.2f sd ", w);
	CU_ASSERT(w < 5);
	ipvs_fini(&s);
}

static void sh_should_hash_the_port_only_with_the_flag(void)
{
	struct ipvs_sched s;
	int seen[4] = { 0 }, first;

	ipvs_init(&s, IPVS_SH, 4, NULL, NULL, 0);
	first = ipvs_pick(&s, 0x0a000001u, 1024, VIP);
	for (int p = 1024; p < 1124; p++)
		CU_ASSERT(ipvs_pick(&s, 0x0a000001u, (uint16_t)p, VIP) == first);
	ipvs_fini(&s);
	ipvs_init(&s, IPVS_SH, 4, NULL, NULL, IPVS_F_PORT);
	for (int p = 1024; p < 1124; p++)
		seen[ipvs_pick(&s, 0x0a000001u, (uint16_t)p, VIP)] = 1;
	CU_ASSERT(seen[0] && seen[1] && seen[2] && seen[3]);
	ipvs_fini(&s);
}

static void sh_should_never_pick_servers_past_the_256th(void)
{
	struct ipvs_sched s;
	struct rng r;
	int max = -1;

	rng_init(&r, 3);
	ipvs_init(&s, IPVS_SH, 300, NULL, NULL, 0);
	for (int k = 0; k < 100000; k++) {
		int i = ipvs_pick(&s, rng_u32(&r), 0, VIP);

		max = i > max ? i : max;
	}
	CU_ASSERT_EQUAL(max, 255);
	ipvs_fini(&s);
}

static void dh_should_send_a_whole_service_to_one_server(void)
{
	struct ipvs_sched s;
	struct rng r;
	int first, seen[10] = { 0 }, used = 0;

	rng_init(&r, 5);
	ipvs_init(&s, IPVS_DH, 10, NULL, NULL, 0);
	first = ipvs_pick(&s, 1, 1, VIP);
	for (int k = 0; k < 10000; k++)
		CU_ASSERT_EQUAL_FATAL(ipvs_pick(&s, rng_u32(&r), (uint16_t)k, VIP), first);
	/* Only another VIP (another Service) lands elsewhere. */
	for (uint32_t v = 0; v < 1000; v++)
		seen[ipvs_pick(&s, 1, 1, 0x0a600000u + v)] = 1;
	for (int i = 0; i < 10; i++)
		used += seen[i];
	CU_ASSERT_EQUAL(used, 10);
	ipvs_fini(&s);
}

static void mh_should_stick_balance_and_remap_few_on_removal(void)
{
	enum { N = 10, SRC = 20000 };
	const char *names[N] = { "pod-0", "pod-1", "pod-2", "pod-3", "pod-4",
				 "pod-5", "pod-6", "pod-7", "pod-8", "pod-9" };
	const char *rest[N - 1] = { "pod-0", "pod-1", "pod-2", "pod-3",
				    "pod-5", "pod-6", "pod-7", "pod-8", "pod-9" };
	struct ipvs_sched a, b;
	struct rng r;
	int moved = 0, kept = 0, lost = 0;
	double w;

	ipvs_init(&a, IPVS_MH, N, NULL, names, 0);
	ipvs_init(&b, IPVS_MH, N - 1, NULL, rest, 0);
	w = spread(&a, SRC, 13);
	printf("mh n=10: worst %.2f sd ", w);
	CU_ASSERT(w < 5);
	rng_init(&r, 14);
	for (int k = 0; k < SRC; k++) {
		uint32_t src = rng_u32(&r);
		int i = ipvs_pick(&a, src, 0, VIP), j = ipvs_pick(&b, src, 0, VIP);

		j = j >= 4 ? j + 1 : j;  /* back to the old index */
		if (i == 4) {
			lost++;
			CU_ASSERT(j != 4);
			continue;
		}
		kept++;
		moved += i != j;
	}
	printf("removing 1 of 10 remaps %.2f%% of the others' sources (%d of %d lost) ",
	       100.0 * moved / kept, lost, SRC);
	CU_ASSERT((double)moved / kept < 0.03);
	CU_ASSERT(abs(lost - SRC / N) < 5 * sqrt(SRC * 0.09));
	ipvs_fini(&a);
	ipvs_fini(&b);
}

/* Sparse counts (all weights 1, more than IPVS_SPARSE_MIN_N servers) pick
 * exactly as dense ones (the same servers given explicit weights of 1),
 * under random opens, closes and expiries, through the switch to dense
 * counts when IPVS_SPARSE_MAX servers hold connections, and keep only the
 * servers holding one until then. */
static void ipvs_should_pick_alike_on_sparse_and_dense_counts(void)
{
	enum ipvs_kind kinds[4] = { IPVS_LC, IPVS_WLC, IPVS_SED, IPVS_NQ };
	/* 20: every server can hold one, so ties among held ones decide;
	 * 200: the set outgrows IPVS_SPARSE_MAX */
	const int sizes[2] = { 20, 200 };
	static int ones[200];

	for (int j = 0; j < 200; j++)
		ones[j] = 1;
	for (int z = 0; z < 2; z++)
	for (int q = 0; q < 4; q++) {
		struct ipvs_sched sp, de;
		struct rng r;
		int n = sizes[z], same = 1, peak = 0, was_sparse_at_peak = 1;

		rng_init(&r, 11 + (uint64_t)q);
		ipvs_init(&sp, kinds[q], n, NULL, NULL, 0);
		ipvs_init(&de, kinds[q], n, ones, NULL, 0);
		CU_ASSERT(sp.sparse && sp.active == NULL && sp.cnt == NULL);
		CU_ASSERT(!de.sparse && de.active != NULL);
		for (int k = 0; k < 60000; k++) {
			/* few connections at first, then many: the set fills */
			int i = pick(&sp), j = (int)rng_below(&r, (uint32_t)n), open = k < 30000 ? 3 : 40;

			same &= i == pick(&de);
			if (ipvs_active_total(&sp) < (uint64_t)open) {
				ipvs_conn_open(&sp, i);
				ipvs_conn_open(&de, i);
			}
			for (int t = 0; t < 3; t++, j = (j + 7) % n) {
				if (ipvs_active(&de, j) > 0 && rng_below(&r, 2)) {
					ipvs_conn_close(&sp, j);
					ipvs_conn_close(&de, j);
				}
				if (ipvs_inactive(&de, j) > 0 && rng_below(&r, 2)) {
					ipvs_conn_expire(&sp, j);
					ipvs_conn_expire(&de, j);
				}
			}
			for (int t = 0; t < n; t += 7)
				same &= ipvs_active(&sp, t) == ipvs_active(&de, t) &&
					ipvs_inactive(&sp, t) == ipvs_inactive(&de, t);
			if (k < 30000 && sp.ncnt > peak)
				peak = sp.ncnt;
			was_sparse_at_peak &= k >= 30000 || sp.sparse;
		}
		printf("%s/%d: up to %d held sparse, dense at the end %d; ", ipvs_kind_name(kinds[q]), n,
		       peak, !sp.sparse);
		CU_ASSERT(same);
		CU_ASSERT(was_sparse_at_peak);
		CU_ASSERT(peak >= 3 && peak <= IPVS_SPARSE_MAX);
		/* 40 open on 200 servers: the set outgrew the sparse limit */
		CU_ASSERT_EQUAL(!sp.sparse && sp.active != NULL, n > IPVS_SPARSE_MAX);
		CU_ASSERT_EQUAL(ipvs_active_total(&sp), ipvs_active_total(&de));
		ipvs_fini(&sp);
		ipvs_fini(&de);
	}
}

/* kube-proxy's schedulers (all weights 1) allocate nothing per server unless
 * their pick reads the connection counts: a 5,000-node, 1,000-Service
 * cluster holds millions of them. Opening and closing connections on one
 * that keeps no counts is harmless, and its picks are unchanged. */
static void ipvs_should_keep_only_what_its_pick_reads(void)
{
	for (int k = 0; k < IPVS_NKINDS; k++) {
		const char *const names[3] = { "a", "b", "c" };
		int counts = k == IPVS_LC || k == IPVS_WLC || k == IPVS_SED || k == IPVS_NQ;
		struct ipvs_sched s;

		ipvs_init(&s, (enum ipvs_kind)k, 3, NULL, names, 0);
		CU_ASSERT_PTR_NULL(s.weight);
		CU_ASSERT_EQUAL(s.active != NULL, counts);
		CU_ASSERT_EQUAL(s.inactive != NULL, counts);
		load(&s, 1, 2, 1);
		ipvs_conn_expire(&s, 1);
		CU_ASSERT(pick(&s) >= 0);
		ipvs_fini(&s);
	}
}

CU_ErrorCode suite_ipvs(void)
{
	static const struct test_case cases[] = {
		{ "ipvs_should_name_every_kind", ipvs_should_name_every_kind },
		{ "ipvs_should_keep_only_what_its_pick_reads", ipvs_should_keep_only_what_its_pick_reads },
		{ "ipvs_should_find_no_server_without_servers_or_weight", ipvs_should_find_no_server_without_servers_or_weight },
		{ "rr_should_cycle_and_split_exactly", rr_should_cycle_and_split_exactly },
		{ "wrr_should_equal_rr_with_unit_weights", wrr_should_equal_rr_with_unit_weights },
		{ "wrr_should_follow_the_kernel_sequence", wrr_should_follow_the_kernel_sequence },
		{ "lc_should_pick_least_overhead_and_the_first_on_ties", lc_should_pick_least_overhead_and_the_first_on_ties },
		{ "wlc_should_equal_lc_with_unit_weights", wlc_should_equal_lc_with_unit_weights },
		{ "sed_should_differ_from_wlc_on_inactive_and_weights", sed_should_differ_from_wlc_on_inactive_and_weights },
		{ "ipvs_should_pick_alike_on_sparse_and_dense_counts", ipvs_should_pick_alike_on_sparse_and_dense_counts },
		{ "nq_should_take_an_idle_server_first", nq_should_take_an_idle_server_first },
		{ "sh_should_stick_to_a_source_and_spread_sources", sh_should_stick_to_a_source_and_spread_sources },
		{ "sh_should_hash_the_port_only_with_the_flag", sh_should_hash_the_port_only_with_the_flag },
		{ "sh_should_never_pick_servers_past_the_256th", sh_should_never_pick_servers_past_the_256th },
		{ "dh_should_send_a_whole_service_to_one_server", dh_should_send_a_whole_service_to_one_server },
		{ "mh_should_stick_balance_and_remap_few_on_removal", mh_should_stick_balance_and_remap_few_on_removal },
		{ NULL, NULL },
	};
	return tests_add("ipvs", cases);
}
