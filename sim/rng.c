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
 * generators", Math. Comp. 1996) keeps three 32-bit words of state, but
 * gsl_rng_set seeds it from only 32 bits, so 150,000 pod streams would
 * share a seed with high probability (birthday bound). rng_init therefore
 * sets the state words itself from two rounds of the mixer (about 2^88
 * distinct states), applying taus2's own constraints (s1 > 1, s2 > 7,
 * s3 > 15) and warming up with six draws as GSL's taus_set does. The layout
 * GSL's samplers are lent (three unsigned longs, gsl/rng/taus.c) is checked
 * at run time.
 *
 * rng_exp1 is the ziggurat method for the standard exponential (Marsaglia &
 * Tsang, "The Ziggurat Method for Generating Random Variables", JSS 2000),
 * 256 layers, with the layer index taken from the low 8 bits of a 32-bit
 * draw and the abscissa from the other 24 so the two are independent
 * (Doornik, "An Improved Ziggurat Method", 2005). About 99% of draws cost one
 * integer compare and one multiply instead of a logarithm. */
#include "ktsim/rng.h"

#include <math.h>
#include <gsl/gsl_errno.h>

#include "ktsim/err.h"

#define C0 0x9e3779b97f4a7c15ULL /* golden ratio, splitmix64's increment */
#define C1 0xbf58476d1ce4e5b9ULL
#define C2 0x94d049bb133111ebULL
#define C3 0xd6e8feb86659fd93ULL

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

/* Ziggurat tables (Marsaglia & Tsang's setup, abscissae scaled to 24 bits). */
uint32_t rng_zig_k[256];
double rng_zig_w[256], rng_zig_f[256];

static void zig_setup(void)
{
	const double m = 16777216.0; /* 2^24 */
	double de = 7.697117470131487, te = de, ve = 3.949659822581572e-3;
	double q = ve / exp(-de);

	rng_zig_k[0] = (uint32_t)(de / q * m);
	rng_zig_k[1] = 0;
	rng_zig_w[0] = q / m;
	rng_zig_w[255] = de / m;
	rng_zig_f[0] = 1;
	rng_zig_f[255] = exp(-de);
	for (int i = 254; i >= 1; i--) {
		de = -log(ve / de + exp(-de));
		rng_zig_k[i + 1] = (uint32_t)(de / te * m);
		te = de;
		rng_zig_f[i] = exp(-de);
		rng_zig_w[i] = de / m;
	}
}

void rng_init(struct rng *r, uint64_t seed)
{
	static int gsl_quiet;
	uint64_t a = mix(seed ^ C0), b = mix(a ^ C1);

	if (!gsl_quiet) {
		gsl_set_error_handler_off();
		zig_setup();
		KS_ASSERT(gsl_rng_taus2->size == sizeof(struct rng_taus));
		gsl_quiet = 1;
	}
	r->s1 = (uint32_t)a;
	r->s2 = (uint32_t)(a >> 32);
	r->s3 = (uint32_t)b;
	if (r->s1 < 2)
		r->s1 += 2;
	if (r->s2 < 8)
		r->s2 += 8;
	if (r->s3 < 16)
		r->s3 += 16;
	for (int i = 0; i < 6; i++)
		rng_u32(r);
}

gsl_rng *rng_gsl_begin(struct rng *r, struct rng_gsl *t)
{
	t->st = (struct rng_taus){ r->s1, r->s2, r->s3 };
	t->g = (gsl_rng){ gsl_rng_taus2, &t->st };
	return &t->g;
}

void rng_gsl_end(struct rng *r, const struct rng_gsl *t)
{
	r->s1 = (uint32_t)t->st.s1;
	r->s2 = (uint32_t)t->st.s2;
	r->s3 = (uint32_t)t->st.s3;
}

double rng_exp1_slow(struct rng *r, uint32_t u)
{
	for (;;) {
		uint32_t i = u & 255, j = u >> 8;
		double x;

		if (i == 0) /* the tail beyond the last layer is exponential again */
			return 7.697117470131487 - log(rng_uniform(r));
		x = j * rng_zig_w[i];
		if (rng_zig_f[i] + rng_uniform(r) * (rng_zig_f[i - 1] - rng_zig_f[i]) < exp(-x))
			return x;
		u = rng_u32(r);
		if ((u >> 8) < rng_zig_k[u & 255])
			return (u >> 8) * rng_zig_w[u & 255];
	}
}
