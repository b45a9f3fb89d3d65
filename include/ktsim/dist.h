/* dist — distributions of positive quantities (service times, sizes, gaps).
 *
 * A struct dist is a tagged set of parameters with its analytic mean cached.
 * Kinds and parameters (all in the caller's unit, e.g. milliseconds):
 *   const {value}                  exp {mean}
 *   uniform {min, max}             lognormal {mean, sigma}   (sigma of ln X)
 *   pareto {alpha, min}            weibull {shape, scale}
 *   gamma {shape, scale}
 * Sampling: exp by the ziggurat (rng_exp1), pareto and uniform by inverse
 * transform, and GSL's
 * samplers otherwise. dist_set validates parameters and returns a message.
 * Ownership: plain value type, no heap memory. */
#ifndef KTSIM_DIST_H
#define KTSIM_DIST_H

#include "ktsim/rng.h"

enum dist_kind { DIST_CONST, DIST_EXP, DIST_UNIFORM, DIST_LOGNORMAL, DIST_PARETO,
		 DIST_WEIBULL, DIST_GAMMA, DIST_NKINDS };

struct dist {
	enum dist_kind kind;
	double p[2];   /* parameters in the order listed above */
	double mean;   /* analytic mean (INFINITY for pareto alpha <= 1) */
	double mu;     /* derived: lognormal location */
};

/* Kind from its name ("exp", ...); returns -1 for an unknown name. */
int dist_kind_from_name(const char *name);
/* Name of a kind. */
const char *dist_kind_name(enum dist_kind k);
/* Names of the parameters of a kind: count returned, names in out[0..1]. */
int dist_param_names(enum dist_kind k, const char *out[2]);
/* Set d to kind k with parameters p[0..1] (as many as the kind takes).
 * Returns 0, or -1 with a one-line reason in msg (e.g. "mean must be > 0"). */
int dist_set(struct dist *d, enum dist_kind k, const double *p, char *msg, size_t msglen);
/* Draw one sample. */
double dist_sample(const struct dist *d, struct rng *r);
/* Analytic mean and variance (INFINITY where they do not exist). */
double dist_mean(const struct dist *d);
double dist_var(const struct dist *d);

#endif
