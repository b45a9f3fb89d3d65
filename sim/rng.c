/* rng — seed derivation and GSL taus2 streams (see rng.h).
 *
 * rng_derive chains the splitmix64 finalizer (Steele, Lea & Flood, "Fast
 * splittable pseudorandom number generators", OOPSLA 2014; constants from
 * Vigna's splitmix64.c) over the four inputs:
 *   h = mix(seed ^ C0)
 *   h = mix(h ^ replication * C1)
 *   h = mix(h ^ kind * C2)
 *   h = mix(h ^ entity * C3)
 * with distinct odd constants C0..C3. Multiplying by an odd constant, xor and
 * mix are all bijections of 64-bit words, so with the other three inputs
 * fixed, distinct values of any one input always give distinct outputs, and
 * the output never depends on which other streams exist.
 *
 * taus2 (L'Ecuyer, "Maximally equidistributed combined Tausworthe
 * generators", Math. Comp. 1996) is seeded by gsl_rng_set, which uses only
 * the low 32 bits of its unsigned long argument and replaces 0 by a default.
 * rng_init therefore mixes the 64-bit seed and folds its high half into its
 * low half, so seeds that differ only in their high bits still give
 * different streams, and maps a folded 0 to a fixed non-zero value. The
 * stream space is thus 2^32 seeds: distinct seeds collide with probability
 * about 2^-32 per pair. */
#include "ktsim/rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>

#define C0 0x9e3779b97f4a7c15ULL /* golden ratio, splitmix64's increment */
#define C1 0xbf58476d1ce4e5b9ULL
#define C2 0x94d049bb133111ebULL
#define C3 0xd6e8feb86659fd93ULL
#define FOLDED_ZERO 0x6a09e667UL /* any non-zero 32-bit value */

static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t rng_derive(uint64_t seed, uint64_t replication, uint32_t kind, uint64_t entity)
{
	uint64_t h = mix(seed ^ C0);

	h = mix(h ^ replication * C1);
	h = mix(h ^ (uint64_t)kind * C2);
	return mix(h ^ entity * C3);
}

void rng_init(struct rng *r, uint64_t seed)
{
	static int gsl_quiet;
	uint64_t z = mix(seed);
	unsigned long s = (unsigned long)((z ^ (z >> 32)) & 0xffffffffULL);

	if (!gsl_quiet) {
		gsl_set_error_handler_off();
		gsl_quiet = 1;
	}
	r->g = gsl_rng_alloc(gsl_rng_taus2);
	if (r->g == NULL) {
		fprintf(stderr, "ktsim: out of memory allocating a random stream\n");
		exit(1);
	}
	gsl_rng_set(r->g, s ? s : FOLDED_ZERO);
}

void rng_fini(struct rng *r)
{
	if (r->g != NULL)
		gsl_rng_free(r->g);
	r->g = NULL;
}
