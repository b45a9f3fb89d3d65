/* Tests for random streams: reproducibility, independence of the derivation
 * inputs, and uniformity of rng_below. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <gsl/gsl_cdf.h>

#include "tests.h"
#include "ktsim/rng.h"

#define DRAWS 64

static void draw(uint64_t seed, uint32_t out[DRAWS])
{
	struct rng r;

	rng_init(&r, seed);
	for (int i = 0; i < DRAWS; i++)
		out[i] = rng_u32(&r);
}

/* Positions where two sequences agree (about DRAWS/2^32 for unrelated ones). */
static int agree(const uint32_t *x, const uint32_t *y)
{
	int n = 0;

	for (int i = 0; i < DRAWS; i++)
		n += x[i] == y[i];
	return n;
}

static void rng_should_repeat_a_stream_from_the_same_inputs(void)
{
	uint32_t x[DRAWS], y[DRAWS];

	CU_ASSERT_EQUAL(rng_derive(42, 3, 7, 1001), rng_derive(42, 3, 7, 1001));
	draw(rng_derive(42, 3, 7, 1001), x);
	draw(rng_derive(42, 3, 7, 1001), y);
	CU_ASSERT_EQUAL(agree(x, y), DRAWS);
}

static void rng_should_change_the_stream_when_any_input_changes(void)
{
	const uint64_t base[4] = { 42, 3, 7, 1001 };
	uint32_t x[DRAWS], y[DRAWS];

	draw(rng_derive(base[0], base[1], (uint32_t)base[2], base[3]), x);
	for (int which = 0; which < 4; which++) {
		for (uint64_t delta = 1; delta <= 1ULL << 40; delta <<= 8) {
			uint64_t v[4] = { base[0], base[1], base[2], base[3] };
			uint64_t s;

			if (which == 2 && delta > UINT32_MAX)
				break;
			v[which] ^= delta;
			s = rng_derive(v[0], v[1], (uint32_t)v[2], v[3]);
			CU_ASSERT_NOT_EQUAL(s, rng_derive(base[0], base[1], (uint32_t)base[2], base[3]));
			draw(s, y);
			CU_ASSERT(agree(x, y) <= 1);
		}
	}
}

static void rng_should_keep_seeds_apart_that_differ_only_in_high_bits(void)
{
	uint32_t x[DRAWS], y[DRAWS], z[DRAWS];

	draw(1, x);
	draw(1 | 1ULL << 32, y);
	draw(0, z);
	CU_ASSERT(agree(x, y) <= 1);
	CU_ASSERT(agree(x, z) <= 1);
	CU_ASSERT(agree(y, z) <= 1);
}

static void rng_should_not_perturb_a_stream_when_another_is_added(void)
{
	struct rng a, b, c;
	uint32_t alone[DRAWS], shared[DRAWS];

	draw(rng_derive(9, 0, 1, 5), alone);
	/* Same stream, now with a neighbour entity and another kind drawing
	 * in between. */
	rng_init(&a, rng_derive(9, 0, 1, 5));
	rng_init(&b, rng_derive(9, 0, 1, 6));
	rng_init(&c, rng_derive(9, 0, 2, 5));
	for (int i = 0; i < DRAWS; i++) {
		(void)rng_u32(&b);
		shared[i] = rng_u32(&a);
		(void)rng_uniform(&c);
	}
	CU_ASSERT_EQUAL(agree(alone, shared), DRAWS);
}

static void rng_should_draw_below_n_uniformly(void)
{
	const uint64_t seed = 0x5eed0101;
	const int bins = 10, n = 100000;
	const uint32_t bounds[] = { 1, 2, 7, 1000, UINT32_MAX };
	double count[10] = { 0 }, chi2 = 0.0, expect = (double)n / bins;
	double crit = gsl_cdf_chisq_Pinv(0.999, bins - 1);
	int out = 0;
	struct rng r;

	printf("\n  seed %#" PRIx64 "\n", seed);
	rng_init(&r, seed);
	for (size_t b = 0; b < sizeof bounds / sizeof bounds[0]; b++)
		for (int i = 0; i < 10000; i++)
			out += rng_below(&r, bounds[b]) >= bounds[b];
	CU_ASSERT_EQUAL(out, 0);
	for (int i = 0; i < n; i++)
		count[rng_below(&r, (uint32_t)bins)]++;
	for (int k = 0; k < bins; k++)
		chi2 += (count[k] - expect) * (count[k] - expect) / expect;
	printf("  chi2 %.2f (0.999 critical value %.2f)\n", chi2, crit);
	CU_ASSERT_DOUBLE_EQUAL(crit, 27.877, 0.001);
	CU_ASSERT(chi2 < crit);
}

static void rng_should_draw_uniform_strictly_inside_0_1(void)
{
	const uint64_t seed = 0x5eed0102;
	const int n = 1000000;
	double sum = 0.0, lo = 1.0, hi = 0.0;
	struct rng r;

	printf("\n  seed %#" PRIx64 "\n", seed);
	rng_init(&r, seed);
	for (int i = 0; i < n; i++) {
		double u = rng_uniform(&r);

		sum += u;
		lo = u < lo ? u : lo;
		hi = u > hi ? u : hi;
	}
	CU_ASSERT(lo > 0.0);
	CU_ASSERT(hi < 1.0);
	/* mean of U(0,1): 1/2 with standard error sqrt(1/12/n) */
	CU_ASSERT_DOUBLE_EQUAL(sum / n, 0.5, 5.0 * sqrt(1.0 / 12.0 / n));
}

/* The inlined taus2 step must give exactly GSL's sequence. */
static void rng_should_match_gsl_taus2_output(void)
{
	struct rng a, b;
	struct rng_gsl t;
	gsl_rng *g;

	rng_init(&a, 12345);
	rng_init(&b, 12345);
	g = rng_gsl_begin(&b, &t);
	for (int i = 0; i < 100000; i++)
		CU_ASSERT_EQUAL_FATAL(rng_u32(&a), (uint32_t)gsl_rng_get(g));
	for (int i = 0; i < 1000; i++)
		CU_ASSERT_EQUAL_FATAL(rng_uniform(&a), gsl_rng_uniform_pos(g));
	/* the state GSL advanced comes back to the stream */
	rng_gsl_end(&b, &t);
	CU_ASSERT_EQUAL(rng_u32(&a), rng_u32(&b));
}

/* The ziggurat exponential: P(X > t) = exp(-t) at several t (including the
 * tail beyond the last layer, t = 8), mean 1 and variance 1, each within 5
 * standard errors of 2e6 draws. */
static void rng_should_draw_exponential_by_ziggurat(void)
{
	const double ts[] = { 0.01, 0.1, 0.5, 1, 2, 4, 8, 10 };
	enum { N = 2000000, T = sizeof ts / sizeof ts[0] };
	long over[T] = { 0 };
	double sum = 0, sumsq = 0;
	struct rng r;

	printf("seed 0x5eed0401 ");
	rng_init(&r, 0x5eed0401);
	for (int i = 0; i < N; i++) {
		double x = rng_exp1(&r);

		CU_ASSERT_FATAL(x >= 0);
		sum += x;
		sumsq += x * x;
		for (int k = 0; k < T; k++)
			over[k] += x > ts[k];
	}
	for (int k = 0; k < T; k++) {
		double p = exp(-ts[k]), se = sqrt(p * (1 - p) / N);

		CU_ASSERT(fabs((double)over[k] / N - p) < 5 * se + 1e-9);
	}
	/* Var(X) = 1 and Var(X^2) = E[X^4] - 4 = 20 for the unit exponential. */
	CU_ASSERT(fabs(sum / N - 1) < 5 * sqrt(1.0 / N));
	CU_ASSERT(fabs(sumsq / N - 2) < 5 * sqrt(20.0 / N));
}

CU_ErrorCode suite_rng(void)
{
	static const struct test_case cases[] = {
		{ "rng_should_repeat_a_stream_from_the_same_inputs",
		  rng_should_repeat_a_stream_from_the_same_inputs },
		{ "rng_should_change_the_stream_when_any_input_changes",
		  rng_should_change_the_stream_when_any_input_changes },
		{ "rng_should_keep_seeds_apart_that_differ_only_in_high_bits",
		  rng_should_keep_seeds_apart_that_differ_only_in_high_bits },
		{ "rng_should_not_perturb_a_stream_when_another_is_added",
		  rng_should_not_perturb_a_stream_when_another_is_added },
		{ "rng_should_draw_below_n_uniformly", rng_should_draw_below_n_uniformly },
		{ "rng_should_draw_uniform_strictly_inside_0_1",
		  rng_should_draw_uniform_strictly_inside_0_1 },
		{ "rng_should_match_gsl_taus2_output", rng_should_match_gsl_taus2_output },
		{ "rng_should_draw_exponential_by_ziggurat", rng_should_draw_exponential_by_ziggurat },
		{ NULL, NULL },
	};

	return tests_add("rng", cases);
}
