/* rng — independent random streams, one per purpose and entity.
 *
 * Each stream is GSL's taus2 generator (fast, 2^88 period) whose seed is
 * derived by rng_derive(seed, replication, stream kind, entity id) with a
 * splitmix64-style mixer, so adding a stream or an entity never perturbs the
 * others (ns-3's fixed-stream habit). Streams are never shared between
 * purposes.
 * A stream is its three 32-bit state words held inline (12 bytes, no
 * allocation), so a pod's service-time stream lives in the pod's own cache
 * line; GSL's samplers borrow it through rng_gsl_begin/rng_gsl_end.
 * Ownership: nothing to free. */
#ifndef KTSIM_RNG_H
#define KTSIM_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

/* taus2's state words, laid out as in GSL's rng/taus.c. */
struct rng_taus {
	unsigned long s1, s2, s3;
};

/* taus2's state in 32-bit words (each of GSL's words holds 32 bits). */
struct rng {
	uint32_t s1, s2, s3;
};

/* A GSL generator lent a stream's state for one call of a GSL sampler. */
struct rng_gsl {
	struct rng_taus st;
	gsl_rng g;
};

/* A 64-bit stream seed from the scenario seed, the replication number, the
 * stream's purpose (a small constant chosen by the caller) and the entity id. */
uint64_t rng_derive(uint64_t seed, uint64_t replication, uint32_t kind, uint64_t entity);
/* Initialise a stream seeded with `seed` (typically from rng_derive). */
void rng_init(struct rng *r, uint64_t seed);
/* Lend r's state to a GSL generator in t for GSL's samplers; rng_gsl_end
 * takes the advanced state back into r. */
gsl_rng *rng_gsl_begin(struct rng *r, struct rng_gsl *t);
void rng_gsl_end(struct rng *r, const struct rng_gsl *t);

/* Raw 32-bit output: one taus2 step, exactly gsl_rng_get's (gsl/rng/taus.c)
 * but inlined, since the hot path draws several numbers per flow. */
static inline uint32_t rng_u32(struct rng *r)
{
	/* GSL masks to 32 bits after each shift; uint32_t arithmetic does it */
#define RNG_TAUS(s, a, b, c, d) ((((s) & (c)) << (d)) ^ ((((s) << (a)) ^ (s)) >> (b)))
	r->s1 = RNG_TAUS(r->s1, 13, 19, 4294967294u, 12);
	r->s2 = RNG_TAUS(r->s2, 2, 25, 4294967288u, 4);
	r->s3 = RNG_TAUS(r->s3, 3, 11, 4294967280u, 17);
#undef RNG_TAUS
	return r->s1 ^ r->s2 ^ r->s3;
}
/* Uniform double in (0, 1), never 0 or 1 (gsl_rng_uniform_pos's sequence). */
static inline double rng_uniform(struct rng *r)
{
	uint32_t u;

	do
		u = rng_u32(r);
	while (u == 0);
	return u / 4294967296.0;
}
/* Uniform integer in [0, n), n >= 1. */
static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((uint64_t)rng_u32(r) * n) >> 32);
}

/* Ziggurat tables and slow path, for rng_exp1 only. */
extern uint32_t rng_zig_k[256];
extern double rng_zig_w[256], rng_zig_f[256];
double rng_exp1_slow(struct rng *r, uint32_t u);
/* A standard exponential variate (mean 1) by the ziggurat method (tables
 * are built by the first rng_init). */
static inline double rng_exp1(struct rng *r)
{
	uint32_t u = rng_u32(r);

	if ((u >> 8) < rng_zig_k[u & 255])
		return (u >> 8) * rng_zig_w[u & 255];
	return rng_exp1_slow(r, u);
}

#endif
