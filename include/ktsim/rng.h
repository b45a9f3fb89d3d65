/* rng — independent random streams, one per purpose and entity.
 *
 * Each stream is a GSL generator (taus2: fast, 2^88 period) whose seed is
 * derived by rng_derive(seed, replication, stream kind, entity id) with a
 * splitmix64-style mixer, so adding a stream or an entity never perturbs the
 * others (ns-3's fixed-stream habit). Streams are never shared between
 * purposes.
 * Ownership: rng_init allocates the GSL state; rng_fini frees it. */
#ifndef KTSIM_RNG_H
#define KTSIM_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

struct rng {
	gsl_rng *g;
};

/* A 64-bit stream seed from the scenario seed, the replication number, the
 * stream's purpose (a small constant chosen by the caller) and the entity id. */
uint64_t rng_derive(uint64_t seed, uint64_t replication, uint32_t kind, uint64_t entity);
/* Initialise a stream seeded with `seed` (typically from rng_derive). */
void rng_init(struct rng *r, uint64_t seed);
/* Free the stream's state; a zeroed struct is fine. */
void rng_fini(struct rng *r);
/* Uniform double in (0, 1), never 0 or 1. */
static inline double rng_uniform(struct rng *r) { return gsl_rng_uniform_pos(r->g); }
/* Uniform integer in [0, n), n >= 1. */
static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(gsl_rng_uniform(r->g) * (double)n) % n;
}
/* Raw 32-bit output. */
static inline uint32_t rng_u32(struct rng *r) { return (uint32_t)gsl_rng_get(r->g); }

#endif
