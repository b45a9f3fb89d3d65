/* Tests for distributions: sample moments against the analytic ones,
 * parameter validation, names. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tests.h"
#include "ktsim/dist.h"

#define N 1000000

struct sampled {
	double mean, var, frac_above; /* frac_above: share of samples > `above` */
};

static struct sampled sample(const struct dist *d, uint64_t seed, double above)
{
	struct sampled s = { 0 };
	struct rng r;
	double m = 0.0, m2 = 0.0;
	long hi = 0;

	rng_init(&r, seed);
	for (long i = 1; i <= N; i++) {
		double x = dist_sample(d, &r), dx = x - m;

		m += dx / (double)i;
		m2 += dx * (x - m);
		hi += x > above;
	}
	s.mean = m;
	s.var = m2 / (N - 1);
	s.frac_above = (double)hi / N;
	return s;
}

static void set(struct dist *d, enum dist_kind k, double p0, double p1)
{
	double p[2] = { p0, p1 };
	char msg[128] = "";

	CU_ASSERT_EQUAL_FATAL(dist_set(d, k, p, msg, sizeof msg), 0);
	CU_ASSERT_STRING_EQUAL(msg, "");
}

static void dist_should_match_analytic_moments(void)
{
	const uint64_t seed = 0x5eed0201;
	const struct {
		enum dist_kind k;
		double p0, p1, mean, var;
	} cases[] = {
		{ DIST_CONST, 3.0, 0.0, 3.0, 0.0 },
		{ DIST_EXP, 2.0, 0.0, 2.0, 4.0 },
		{ DIST_UNIFORM, 1.0, 5.0, 3.0, 16.0 / 12.0 },
		{ DIST_LOGNORMAL, 10.0, 0.5, 10.0, 100.0 * (exp(0.25) - 1.0) },
		{ DIST_PARETO, 3.5, 2.0, 3.5 * 2.0 / 2.5, 4.0 * 3.5 / (2.5 * 2.5 * 1.5) },
		{ DIST_WEIBULL, 1.5, 3.0, 3.0 * tgamma(1.0 + 1.0 / 1.5),
		  9.0 * (tgamma(1.0 + 2.0 / 1.5) - pow(tgamma(1.0 + 1.0 / 1.5), 2.0)) },
		{ DIST_GAMMA, 2.5, 1.2, 3.0, 3.6 },
	};
	/* Relative standard error of a sample variance is sqrt((kurtosis-1)/N);
	 * every kurtosis here except pareto's (infinite for alpha < 4) is <= 9. */
	const double var_tol = 5.0 * sqrt(8.0 / N);

	printf("\n  seed %#" PRIx64 "\n", seed);
	CU_ASSERT_EQUAL(sizeof cases / sizeof cases[0], DIST_NKINDS);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct dist d;
		struct sampled s;
		double se;

		set(&d, cases[i].k, cases[i].p0, cases[i].p1);
		CU_ASSERT_DOUBLE_EQUAL(dist_mean(&d), cases[i].mean, 1e-12 * cases[i].mean);
		CU_ASSERT_DOUBLE_EQUAL(dist_var(&d), cases[i].var, 1e-12 * cases[i].var);
		s = sample(&d, seed + i, INFINITY);
		se = sqrt(dist_var(&d) / N);
		printf("  %-9s mean %.5f (want %.5f, 5 SE %.5f) var %.5f (want %.5f)\n",
		       dist_kind_name(cases[i].k), s.mean, cases[i].mean, 5.0 * se,
		       s.var, cases[i].var);
		CU_ASSERT(fabs(s.mean - cases[i].mean) <= 5.0 * se);
		if (cases[i].k != DIST_PARETO)
			CU_ASSERT(fabs(s.var - cases[i].var) <= var_tol * cases[i].var);
	}
}

static void dist_should_draw_pareto_tail(void)
{
	const uint64_t seed = 0x5eed0202;
	struct dist d;
	struct sampled s;
	double p = pow(2.0, -3.5); /* P(X > 2 min) = 2^-alpha */

	printf("\n  seed %#" PRIx64 "\n", seed);
	set(&d, DIST_PARETO, 3.5, 1.0);
	s = sample(&d, seed, 2.0);
	CU_ASSERT(fabs(s.frac_above - p) <= 5.0 * sqrt(p * (1.0 - p) / N));
	/* alpha <= 1 has no mean, alpha <= 2 no variance */
	set(&d, DIST_PARETO, 1.0, 1.0);
	CU_ASSERT(isinf(dist_mean(&d)));
	set(&d, DIST_PARETO, 2.0, 1.0);
	CU_ASSERT_DOUBLE_EQUAL(dist_mean(&d), 2.0, 1e-12);
	CU_ASSERT(isinf(dist_var(&d)));
}

static void dist_should_reject_bad_parameters_with_a_message(void)
{
	const struct {
		enum dist_kind k;
		double p0, p1;
		const char *says;
	} bad[] = {
		{ DIST_CONST, -1.0, 0.0, "value must be >= 0" },
		{ DIST_CONST, NAN, 0.0, "value must be finite" },
		{ DIST_EXP, 0.0, 0.0, "mean must be > 0" },
		{ DIST_EXP, -2.0, 0.0, "mean must be > 0" },
		{ DIST_EXP, INFINITY, 0.0, "mean must be finite" },
		{ DIST_UNIFORM, -1.0, 2.0, "min must be >= 0" },
		{ DIST_UNIFORM, 3.0, 2.0, "max must be >= 3" },
		{ DIST_UNIFORM, 1.0, INFINITY, "max must be finite" },
		{ DIST_LOGNORMAL, 0.0, 1.0, "mean must be > 0" },
		{ DIST_LOGNORMAL, 1.0, -0.1, "sigma must be >= 0" },
		{ DIST_PARETO, 0.0, 1.0, "alpha must be > 0" },
		{ DIST_PARETO, 2.0, 0.0, "min must be > 0" },
		{ DIST_WEIBULL, 0.0, 1.0, "shape must be > 0" },
		{ DIST_WEIBULL, 1.0, -1.0, "scale must be > 0" },
		{ DIST_GAMMA, -1.0, 1.0, "shape must be > 0" },
		{ DIST_GAMMA, 1.0, NAN, "scale must be finite" },
	};
	const struct {
		enum dist_kind k;
		double p0, p1;
	} good[] = {
		{ DIST_CONST, 0.0, 0.0 }, { DIST_UNIFORM, 0.0, 0.0 }, { DIST_UNIFORM, 2.0, 2.0 },
		{ DIST_LOGNORMAL, 1.0, 0.0 }, { DIST_PARETO, 0.5, 1.0 },
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct dist d = { .kind = DIST_EXP, .p = { 7.0, 0.0 }, .mean = 7.0 };
		double p[2] = { bad[i].p0, bad[i].p1 };
		char msg[128] = "";

		CU_ASSERT_EQUAL(dist_set(&d, bad[i].k, p, msg, sizeof msg), -1);
		if (strncmp(msg, bad[i].says, strlen(bad[i].says)) != 0)
			printf("\n  %s: got \"%s\", want \"%s...\"\n", dist_kind_name(bad[i].k), msg, bad[i].says);
		CU_ASSERT_NSTRING_EQUAL(msg, bad[i].says, strlen(bad[i].says));
		/* a rejected set leaves the old distribution */
		CU_ASSERT_EQUAL(d.kind, DIST_EXP);
		CU_ASSERT_EQUAL(d.mean, 7.0);
	}
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		struct dist d;

		set(&d, good[i].k, good[i].p0, good[i].p1);
	}
}

static void dist_should_round_trip_kind_names(void)
{
	const char *names[2];

	for (int k = 0; k < DIST_NKINDS; k++) {
		int np = dist_param_names((enum dist_kind)k, names);

		CU_ASSERT_EQUAL(dist_kind_from_name(dist_kind_name((enum dist_kind)k)), k);
		CU_ASSERT(np == 1 || np == 2);
		CU_ASSERT_PTR_NOT_NULL(names[0]);
		CU_ASSERT((np == 2) == (names[1] != NULL));
	}
	CU_ASSERT_STRING_EQUAL(dist_kind_name(DIST_LOGNORMAL), "lognormal");
	CU_ASSERT_EQUAL(dist_kind_from_name("exp"), DIST_EXP);
	CU_ASSERT_EQUAL(dist_kind_from_name("pareto"), DIST_PARETO);
	CU_ASSERT_EQUAL(dist_kind_from_name("expo"), -1);
	CU_ASSERT_EQUAL(dist_kind_from_name("Exp"), -1);
	CU_ASSERT_EQUAL(dist_kind_from_name(""), -1);
	CU_ASSERT_EQUAL(dist_kind_from_name(NULL), -1);
	CU_ASSERT_EQUAL(dist_param_names(DIST_PARETO, names), 2);
	CU_ASSERT_STRING_EQUAL(names[0], "alpha");
	CU_ASSERT_STRING_EQUAL(names[1], "min");
}

CU_ErrorCode suite_dist(void)
{
	static const struct test_case cases[] = {
		{ "dist_should_match_analytic_moments", dist_should_match_analytic_moments },
		{ "dist_should_draw_pareto_tail", dist_should_draw_pareto_tail },
		{ "dist_should_reject_bad_parameters_with_a_message",
		  dist_should_reject_bad_parameters_with_a_message },
		{ "dist_should_round_trip_kind_names", dist_should_round_trip_kind_names },
		{ NULL, NULL },
	};

	return tests_add("dist", cases);
}
