/* Tests for streaming statistics: Welford against two-pass, Chan merge,
 * histogram quantiles against exact sample quantiles, memory bound, twavg. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests.h"
#include "ktsim/dist.h"
#include "ktsim/err.h"
#include "ktsim/mem.h"
#include "ktsim/rng.h"
#include "ktsim/stats.h"

/* The histogram's promise: a quantile is within 0.8% of the exact one
 * (HISTO_FINE), 3.1% (HISTO_COARSE). */
#define HISTO_REL 0.008
#define HISTO_REL_COARSE 0.031

static double rel(double got, double want)
{
	return fabs(got - want) / fabs(want);
}

static void two_pass(const double *x, size_t n, double *mean, double *var)
{
	double s = 0.0, ss = 0.0;

	for (size_t i = 0; i < n; i++)
		s += x[i];
	*mean = s / (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - *mean) * (x[i] - *mean);
	*var = ss / (double)(n - 1);
}

static double *lognormal_samples(uint64_t seed, size_t n, double mean, double sigma)
{
	double p[2] = { mean, sigma };
	double *x = ks_calloc(n, sizeof *x);
	struct dist d;
	struct rng r;
	char msg[64];

	KS_ASSERT(dist_set(&d, DIST_LOGNORMAL, p, msg, sizeof msg) == 0);
	rng_init(&r, seed);
	for (size_t i = 0; i < n; i++)
		x[i] = dist_sample(&d, &r);
	return x;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void stats_should_match_two_pass_mean_and_variance(void)
{
	const double small[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	/* Offset data: the naive sum-of-squares formula loses every digit here. */
	const double big[] = { 1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16 };
	const uint64_t seed = 0x5eed0301;
	const size_t n = 10000;
	double *x, mean, var;
	struct welford w;

	welford_init(&w);
	CU_ASSERT_EQUAL(welford_var(&w), 0.0);
	for (size_t i = 0; i < 8; i++)
		welford_add(&w, small[i]);
	CU_ASSERT_EQUAL(w.n, 8);
	CU_ASSERT_DOUBLE_EQUAL(w.mean, 5.0, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(welford_var(&w), 32.0 / 7.0, 1e-14);
	CU_ASSERT_EQUAL(w.min, 2.0);
	CU_ASSERT_EQUAL(w.max, 9.0);

	welford_init(&w);
	welford_add(&w, -3.0);
	CU_ASSERT_EQUAL(welford_var(&w), 0.0);
	CU_ASSERT_EQUAL(w.min, -3.0);
	CU_ASSERT_EQUAL(w.max, -3.0);

	welford_init(&w);
	for (size_t i = 0; i < 4; i++)
		welford_add(&w, big[i]);
	CU_ASSERT_DOUBLE_EQUAL(w.mean, 1e9 + 10, 1e-6);
	CU_ASSERT(rel(welford_var(&w), 30.0) < 1e-9);

	printf("\n  seed %#" PRIx64 "\n", seed);
	x = lognormal_samples(seed, n, 5.0, 1.0);
	two_pass(x, n, &mean, &var);
	welford_init(&w);
	for (size_t i = 0; i < n; i++)
		welford_add(&w, x[i]);
	CU_ASSERT(rel(w.mean, mean) < 1e-12);
	CU_ASSERT(rel(welford_var(&w), var) < 1e-12);
	ks_free(x);
}

static void stats_should_merge_welford_halves_like_the_whole(void)
{
	const uint64_t seed = 0x5eed0302;
	const size_t n = 10001, half = 3000; /* unequal halves */
	double *x;
	struct welford all, a, b, empty;

	printf("\n  seed %#" PRIx64 "\n", seed);
	x = lognormal_samples(seed, n, 5.0, 1.0);
	welford_init(&all);
	welford_init(&a);
	welford_init(&b);
	welford_init(&empty);
	for (size_t i = 0; i < n; i++) {
		welford_add(&all, x[i]);
		welford_add(i < half ? &a : &b, x[i]);
	}
	welford_merge(&a, &b);
	CU_ASSERT_EQUAL(a.n, all.n);
	CU_ASSERT(rel(a.mean, all.mean) < 1e-12);
	CU_ASSERT(rel(welford_var(&a), welford_var(&all)) < 1e-12);
	CU_ASSERT_EQUAL(a.min, all.min);
	CU_ASSERT_EQUAL(a.max, all.max);
	/* Empty on either side changes nothing. */
	welford_merge(&a, &empty);
	CU_ASSERT_EQUAL(a.n, all.n);
	CU_ASSERT(rel(a.mean, all.mean) < 1e-12);
	welford_merge(&empty, &all);
	CU_ASSERT_EQUAL(empty.n, all.n);
	CU_ASSERT_EQUAL(empty.mean, all.mean);
	CU_ASSERT_EQUAL(empty.m2, all.m2);
	CU_ASSERT_EQUAL(empty.min, all.min);
	ks_free(x);
}

/* Exact sample quantile with the histogram's rank rule: rank ceil(q*n). */
static double exact_quantile(const double *sorted, size_t n, double q)
{
	size_t rank = (size_t)ceil(q * (double)n);

	return sorted[rank ? rank - 1 : 0];
}

/* Fill a histogram with x, sort x, compare quantiles q[]; returns the worst
 * relative error. */
static double worst_quantile_error(double *x, size_t n, const double *q, size_t nq, int bits)
{
	struct histo h;
	double worst = 0.0;

	histo_init(&h, bits);
	for (size_t i = 0; i < n; i++)
		histo_add(&h, x[i]);
	qsort(x, n, sizeof *x, cmp_double);
	for (size_t i = 0; i < nq; i++) {
		double e = rel(histo_quantile(&h, q[i]), exact_quantile(x, n, q[i]));

		worst = e > worst ? e : worst;
	}
	CU_ASSERT_EQUAL(histo_quantile(&h, 1.0), x[n - 1]);
	CU_ASSERT(rel(histo_quantile(&h, 0.0), x[0]) <=
		  (bits == HISTO_FINE ? HISTO_REL : HISTO_REL_COARSE));
	histo_fini(&h);
	return worst;
}

static void stats_should_estimate_lognormal_quantiles(void)
{
	const uint64_t seed = 0x5eed0303;
	const size_t n = 500000;
	const double q[] = { 0.5, 0.9, 0.99, 0.999 };
	double *x, worst;

	printf("\n  seed %#" PRIx64 "\n", seed);
	x = lognormal_samples(seed, n, 0.010, 1.2);
	worst = worst_quantile_error(x, n, q, 4, HISTO_FINE);
	printf("  worst relative error %.4f%%\n", 100.0 * worst);
	CU_ASSERT(worst <= HISTO_REL);
	worst = worst_quantile_error(x, n, q, 4, HISTO_COARSE);
	printf("  coarse: worst relative error %.4f%%\n", 100.0 * worst);
	CU_ASSERT(worst <= HISTO_REL_COARSE);
	CU_ASSERT(worst > HISTO_REL); /* the coarse one really is coarser */
	ks_free(x);
}

static void stats_should_estimate_quantiles_from_1e_6_to_1e6(void)
{
	const uint64_t seed = 0x5eed0304;
	const size_t n = 200000;
	double q[101], *x = ks_calloc(n, sizeof *x), worst;
	struct rng r;

	printf("\n  seed %#" PRIx64 "\n", seed);
	rng_init(&r, seed);
	for (size_t i = 0; i < n; i++) /* log-uniform on [1e-6, 1e6] */
		x[i] = 1e-6 * pow(1e12, rng_uniform(&r));
	for (int i = 0; i < 100; i++)
		q[i] = i / 100.0;
	q[100] = 0.999;
	worst = worst_quantile_error(x, n, q, 101, HISTO_FINE);
	printf("  worst relative error %.4f%%\n", 100.0 * worst);
	CU_ASSERT(worst <= HISTO_REL);
	worst = worst_quantile_error(x, n, q, 101, HISTO_COARSE);
	printf("  coarse: worst relative error %.4f%%\n", 100.0 * worst);
	CU_ASSERT(worst <= HISTO_REL_COARSE);
	ks_free(x);
}

static void stats_should_merge_histos_like_one_histo(void)
{
	const uint64_t seed = 0x5eed0305;
	const size_t n = 100000;
	double *x;
	struct histo all, a, b;
	size_t diff = 0;

	printf("\n  seed %#" PRIx64 "\n", seed);
	x = lognormal_samples(seed, n, 1.0, 2.0);
	x[10] = 0.0; /* underflow */
	x[20] = 2e12; /* overflow, goes to a */
	x[21] = 5e12; /* overflow and the maximum, goes to b */
	histo_init(&all, HISTO_FINE);
	histo_init(&a, HISTO_FINE);
	histo_init(&b, HISTO_FINE);
	for (size_t i = 0; i < n; i++) {
		histo_add(&all, x[i]);
		histo_add(i % 3 ? &a : &b, x[i]);
	}
	histo_merge(&a, &b);
	CU_ASSERT_EQUAL(a.n, all.n);
	CU_ASSERT_EQUAL(a.under, all.under);
	CU_ASSERT_EQUAL(a.over, all.over);
	CU_ASSERT_EQUAL(a.max, all.max);
	CU_ASSERT_EQUAL(all.under, 1);
	CU_ASSERT_EQUAL(all.over, 2);
	CU_ASSERT_EQUAL(all.max, 5e12);
	CU_ASSERT_EQUAL(a.lo, all.lo);
	CU_ASSERT_EQUAL_FATAL(a.hi, all.hi);
	for (int32_t i = all.lo; i < all.hi; i++)
		diff += a.c[i - a.lo] != all.c[i - all.lo];
	CU_ASSERT_EQUAL(diff, 0);
	for (double q = 0.0; q <= 1.0; q += 0.05)
		CU_ASSERT_EQUAL(histo_quantile(&a, q), histo_quantile(&all, q));
	histo_fini(&all);
	histo_fini(&a);
	histo_fini(&b);
	ks_free(x);
}

static int octaves(const struct histo *h)
{
	return (h->hi - h->lo) >> h->bits;
}

static void stats_should_bound_histo_memory_by_value_range(void)
{
	const uint64_t seed = 0x5eed0306;
	/* uniform on [0.5, 2000]: octaves 2^-1 .. 2^10, all hit by 1e5 samples */
	double p[2] = { 0.5, 2000.0 };
	struct dist d;
	struct histo h;
	struct rng r;
	char msg[64];
	long i = 0;

	printf("\n  seed %#" PRIx64 "\n", seed);
	CU_ASSERT_EQUAL_FATAL(dist_set(&d, DIST_UNIFORM, p, msg, sizeof msg), 0);
	rng_init(&r, seed);
	histo_init(&h, HISTO_FINE);
	for (; i < 100000; i++)
		histo_add(&h, dist_sample(&d, &r));
	CU_ASSERT_EQUAL(octaves(&h), 12);
	for (; i < 10000000; i++)
		histo_add(&h, dist_sample(&d, &r));
	CU_ASSERT_EQUAL(octaves(&h), 12);
	CU_ASSERT_EQUAL(h.n, 10000000);
	CU_ASSERT(rel(histo_quantile(&h, 0.5), 1000.25) < 0.01);
	histo_fini(&h);
}

static void stats_should_report_histo_underflow_and_overflow(void)
{
	struct histo h;

	histo_init(&h, HISTO_FINE);
	CU_ASSERT_EQUAL(histo_quantile(&h, 0.5), 0.0);
	histo_add(&h, 0.0);
	histo_add(&h, -1.0);
	histo_add(&h, NAN);
	histo_add(&h, HISTO_MIN);
	histo_add(&h, 1.0);
	histo_add(&h, HISTO_MAX);
	histo_add(&h, 3e12);
	CU_ASSERT_EQUAL(h.n, 7);
	CU_ASSERT_EQUAL(h.under, 4);
	CU_ASSERT_EQUAL(h.over, 2);
	CU_ASSERT_EQUAL(octaves(&h), 1);
	CU_ASSERT_EQUAL(histo_quantile(&h, 0.0), HISTO_MIN);
	CU_ASSERT_EQUAL(histo_quantile(&h, 0.5), HISTO_MIN); /* rank 4 */
	CU_ASSERT(rel(histo_quantile(&h, 0.7), 1.0) <= HISTO_REL); /* rank 5 */
	CU_ASSERT_EQUAL(histo_quantile(&h, 0.8), 3e12); /* rank 6 */
	CU_ASSERT_EQUAL(histo_quantile(&h, 1.0), 3e12);
	histo_fini(&h);
	/* The exact maximum caps a quantile in the maximum's bucket. */
	histo_init(&h, HISTO_FINE);
	histo_add(&h, 1.0);
	CU_ASSERT_EQUAL(histo_quantile(&h, 0.5), 1.0);
	histo_fini(&h);
}

/* A bucket at 2^32 - 1 stops counting: the samples it misses are `lost`
 * and left out of the ranks, here as in a merge that would overflow it. */
static void stats_should_count_lost_samples_of_a_full_bucket(void)
{
	struct histo h, g;

	histo_init(&h, HISTO_COARSE);
	histo_add(&h, 1.0);
	histo_add(&h, 4.0);
	CU_ASSERT_EQUAL(octaves(&h), 3);
	h.c[0] = UINT32_MAX - 1; /* as if 2^32 - 2 samples of 1.0 had come */
	h.n += UINT32_MAX - 2;
	histo_add(&h, 1.0);
	CU_ASSERT_EQUAL(h.lost, 0);
	histo_add(&h, 1.0);
	CU_ASSERT_EQUAL(h.lost, 1);
	CU_ASSERT_EQUAL(h.c[0], UINT32_MAX);
	CU_ASSERT_DOUBLE_EQUAL(histo_quantile(&h, 0.5), sqrt(17.0 / 16.0), 1e-12);
	CU_ASSERT_EQUAL(histo_quantile(&h, 1.0), 4.0);
	histo_init(&g, HISTO_COARSE);
	histo_add(&g, 1.0);
	histo_add(&g, 1.0);
	histo_merge(&g, &h);
	CU_ASSERT_EQUAL(g.lost, 3);
	CU_ASSERT_EQUAL(g.n, h.n + 2);
	CU_ASSERT_EQUAL(g.c[0], UINT32_MAX);
	histo_fini(&h);
	histo_fini(&g);
}

static void stats_should_average_a_step_function_over_time(void)
{
	struct twavg a;

	/* level 0 on [10,12), 4 on [12,15), 1 on [15,20), 2 from 20 */
	twavg_init(&a, 10.0);
	CU_ASSERT_EQUAL(twavg_mean(&a, 10.0), 0.0);
	twavg_set(&a, 12.0, 4.0);
	twavg_set(&a, 15.0, 1.0);
	CU_ASSERT_DOUBLE_EQUAL(twavg_mean(&a, 15.0), 12.0 / 5.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(twavg_mean(&a, 17.0), 14.0 / 7.0, 1e-12);
	twavg_set(&a, 20.0, 2.0);
	twavg_set(&a, 20.0, 2.0); /* repeated change at the same time */
	CU_ASSERT_DOUBLE_EQUAL(twavg_mean(&a, 20.0), 17.0 / 10.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(twavg_mean(&a, 25.0), 27.0 / 15.0, 1e-12);
}

CU_ErrorCode suite_stats(void)
{
	static const struct test_case cases[] = {
		{ "stats_should_match_two_pass_mean_and_variance", stats_should_match_two_pass_mean_and_variance },
		{ "stats_should_merge_welford_halves_like_the_whole", stats_should_merge_welford_halves_like_the_whole },
		{ "stats_should_estimate_lognormal_quantiles", stats_should_estimate_lognormal_quantiles },
		{ "stats_should_estimate_quantiles_from_1e_6_to_1e6",
		  stats_should_estimate_quantiles_from_1e_6_to_1e6 },
		{ "stats_should_merge_histos_like_one_histo", stats_should_merge_histos_like_one_histo },
		{ "stats_should_bound_histo_memory_by_value_range", stats_should_bound_histo_memory_by_value_range },
		{ "stats_should_report_histo_underflow_and_overflow", stats_should_report_histo_underflow_and_overflow },
		{ "stats_should_count_lost_samples_of_a_full_bucket", stats_should_count_lost_samples_of_a_full_bucket },
		{ "stats_should_average_a_step_function_over_time", stats_should_average_a_step_function_over_time },
		{ NULL, NULL },
	};

	return tests_add("stats", cases);
}
