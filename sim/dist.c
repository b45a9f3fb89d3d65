/* dist — parameter checking, sampling and moments of positive distributions
 * (see dist.h).
 *
 * Samplers: const returns its value; exp and pareto use inverse transforms
 * (-mean*ln U and min*U^(-1/alpha) with U uniform on (0,1)); uniform is
 * min + (max-min)*U; lognormal, weibull and gamma use GSL (gsl_ran_gamma is
 * Marsaglia & Tsang, ACM TOMS 2000). Lognormal is parameterised by its mean:
 * mu = ln(mean) - sigma^2/2 so that E[X] = mean. Moments are the textbook
 * closed forms (e.g. Johnson, Kotz & Balakrishnan, "Continuous Univariate
 * Distributions"). */
#include "ktsim/dist.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "ktsim/err.h"

static const struct {
	const char *name;
	int nparams;
	const char *params[2];
} kinds[DIST_NKINDS] = {
	[DIST_CONST] = { "const", 1, { "value", NULL } },
	[DIST_EXP] = { "exp", 1, { "mean", NULL } },
	[DIST_UNIFORM] = { "uniform", 2, { "min", "max" } },
	[DIST_LOGNORMAL] = { "lognormal", 2, { "mean", "sigma" } },
	[DIST_PARETO] = { "pareto", 2, { "alpha", "min" } },
	[DIST_WEIBULL] = { "weibull", 2, { "shape", "scale" } },
	[DIST_GAMMA] = { "gamma", 2, { "shape", "scale" } },
};

int dist_kind_from_name(const char *name)
{
	if (name == NULL)
		return -1;
	for (int k = 0; k < DIST_NKINDS; k++)
		if (strcmp(name, kinds[k].name) == 0)
			return k;
	return -1;
}

const char *dist_kind_name(enum dist_kind k)
{
	KS_ASSERT((unsigned)k < DIST_NKINDS);
	return kinds[k].name;
}

int dist_param_names(enum dist_kind k, const char *out[2])
{
	KS_ASSERT((unsigned)k < DIST_NKINDS);
	out[0] = kinds[k].params[0];
	out[1] = kinds[k].params[1];
	return kinds[k].nparams;
}

/* Checks parameter j of kind k against a lower bound (strict or not). */
static int check(enum dist_kind k, int j, double v, double lo, int strict,
		 char *msg, size_t msglen)
{
	const char *name = kinds[k].params[j];

	if (!isfinite(v)) {
		snprintf(msg, msglen, "%s must be finite (got %g)", name, v);
		return -1;
	}
	if (strict ? !(v > lo) : !(v >= lo)) {
		snprintf(msg, msglen, "%s must be %s %g (got %g)", name, strict ? ">" : ">=", lo, v);
		return -1;
	}
	return 0;
}

int dist_set(struct dist *d, enum dist_kind k, const double *p, char *msg, size_t msglen)
{
	struct dist t = { .kind = k };
	int bad = 0;

	if ((unsigned)k >= DIST_NKINDS) {
		snprintf(msg, msglen, "unknown distribution kind %d", (int)k);
		return -1;
	}
	t.p[0] = p[0];
	t.p[1] = kinds[k].nparams > 1 ? p[1] : 0.0;
	switch (k) {
	case DIST_CONST:
		bad = check(k, 0, t.p[0], 0.0, 0, msg, msglen);
		t.mean = t.p[0];
		break;
	case DIST_EXP:
		bad = check(k, 0, t.p[0], 0.0, 1, msg, msglen);
		t.mean = t.p[0];
		break;
	case DIST_UNIFORM:
		bad = check(k, 0, t.p[0], 0.0, 0, msg, msglen) ||
		      check(k, 1, t.p[1], t.p[0], 0, msg, msglen);
		t.mean = 0.5 * (t.p[0] + t.p[1]);
		break;
	case DIST_LOGNORMAL:
		bad = check(k, 0, t.p[0], 0.0, 1, msg, msglen) ||
		      check(k, 1, t.p[1], 0.0, 0, msg, msglen);
		t.mean = t.p[0];
		t.mu = log(t.p[0]) - 0.5 * t.p[1] * t.p[1];
		break;
	case DIST_PARETO:
		bad = check(k, 0, t.p[0], 0.0, 1, msg, msglen) ||
		      check(k, 1, t.p[1], 0.0, 1, msg, msglen);
		t.mean = t.p[0] > 1.0 ? t.p[0] * t.p[1] / (t.p[0] - 1.0) : INFINITY;
		break;
	case DIST_WEIBULL:
		bad = check(k, 0, t.p[0], 0.0, 1, msg, msglen) ||
		      check(k, 1, t.p[1], 0.0, 1, msg, msglen);
		t.mean = t.p[1] * tgamma(1.0 + 1.0 / t.p[0]);
		break;
	case DIST_GAMMA:
		bad = check(k, 0, t.p[0], 0.0, 1, msg, msglen) ||
		      check(k, 1, t.p[1], 0.0, 1, msg, msglen);
		t.mean = t.p[0] * t.p[1];
		break;
	case DIST_NKINDS:
		break;
	}
	if (bad)
		return -1;
	*d = t;
	return 0;
}

/* The kinds drawn by GSL's samplers, on r's state lent to a GSL generator. */
static double gsl_sample(const struct dist *d, struct rng *r)
{
	struct rng_gsl t;
	gsl_rng *g = rng_gsl_begin(r, &t);
	double x = d->kind == DIST_LOGNORMAL ? gsl_ran_lognormal(g, d->mu, d->p[1])
		 : d->kind == DIST_WEIBULL ? gsl_ran_weibull(g, d->p[1], d->p[0])
		 : gsl_ran_gamma(g, d->p[0], d->p[1]);

	rng_gsl_end(r, &t);
	return x;
}

double dist_sample(const struct dist *d, struct rng *r)
{
	switch (d->kind) {
	case DIST_CONST:
		return d->p[0];
	case DIST_EXP:
		return d->p[0] * rng_exp1(r);
	case DIST_UNIFORM:
		return d->p[0] + (d->p[1] - d->p[0]) * rng_uniform(r);
	case DIST_LOGNORMAL:
		return gsl_sample(d, r);
	case DIST_PARETO:
		return d->p[1] * pow(rng_uniform(r), -1.0 / d->p[0]);
	case DIST_WEIBULL:
		return gsl_sample(d, r);
	case DIST_GAMMA:
		return gsl_sample(d, r);
	case DIST_NKINDS:
		break;
	}
	err_assert_fail("valid distribution kind", __FILE__, __LINE__, __func__);
}

double dist_mean(const struct dist *d)
{
	return d->mean;
}

double dist_var(const struct dist *d)
{
	double a = d->p[0], b = d->p[1], g1;

	switch (d->kind) {
	case DIST_CONST:
		return 0.0;
	case DIST_EXP:
		return a * a;
	case DIST_UNIFORM:
		return (b - a) * (b - a) / 12.0;
	case DIST_LOGNORMAL:
		return expm1(b * b) * a * a;
	case DIST_PARETO:
		return a > 2.0 ? b * b * a / ((a - 1.0) * (a - 1.0) * (a - 2.0)) : INFINITY;
	case DIST_WEIBULL:
		g1 = tgamma(1.0 + 1.0 / a);
		return b * b * (tgamma(1.0 + 2.0 / a) - g1 * g1);
	case DIST_GAMMA:
		return a * b * b;
	case DIST_NKINDS:
		break;
	}
	err_assert_fail("valid distribution kind", __FILE__, __LINE__, __func__);
}
