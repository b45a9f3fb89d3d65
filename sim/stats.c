/* stats — streaming mean/variance, log-bucketed quantile histogram and
 * time-weighted average (see stats.h).
 *
 * welford: Welford's update (B. P. Welford, "Note on a method for calculating
 * corrected sums of squares and products", Technometrics 1962) keeps the
 * running mean and M2 = sum (x - mean)^2 without cancellation; merging uses
 * the pairwise formula of Chan, Golub & LeVeque ("Updating formulae and a
 * pairwise algorithm for computing sample variances", Stanford CS tech.
 * report STAN-CS-79-773, 1979):
 *   n = na + nb, d = mean_b - mean_a,
 *   mean = mean_a + d*nb/n, M2 = M2a + M2b + d^2*na*nb/n.
 * An all-zero struct is an empty accumulator; min and max are those of the
 * samples once n > 0.
 *
 * histo: a value x in (HISTO_MIN, HISTO_MAX) is a normal double 2^e * 1.f;
 * its bucket index is the 11-bit biased exponent and the top 6 bits of f,
 * read straight from the IEEE-754 bits (one shift and one subtraction), so
 * octave e holds 64 equal sub-buckets [2^e(1+k/64), 2^e(1+(k+1)/64)). Like
 * HdrHistogram (G. Tene) the relative resolution is fixed. A quantile reports
 * its bucket's geometric midpoint sqrt(lo*hi): for any x in the bucket the
 * relative error |mid - x|/x is at most sqrt(1 + 1/64) - 1 = 0.778% (the
 * arithmetic midpoint would give 1/128 = 0.781%; both are within 0.8%, the
 * geometric one is the tighter and symmetric in log scale). The midpoint is
 * clamped to the exact maximum, which can only bring it closer. The target
 * rank is ceil(q*n) (1-based; q = 0 takes rank 1, the smallest sample).
 * max starts at 0, so for positive samples it is the exact maximum.
 *
 * twavg: integrates the level over time as a sum of rectangles. */
#include "ktsim/stats.h"

#include <math.h>
#include <string.h>

#include "ktsim/err.h"
#include "ktsim/mem.h"

#define SUBS (1u << HISTO_SUB_BITS)
#define LOW_EXP (-40) /* octave 0 is [2^LOW_EXP, 2^(LOW_EXP+1)) = [HISTO_MIN, ..) */
/* (biased exponent << SUB_BITS | sub-bucket) of HISTO_MIN */
#define INDEX_BIAS ((uint64_t)(1023 + LOW_EXP) << HISTO_SUB_BITS)

void welford_init(struct welford *w)
{
	memset(w, 0, sizeof *w);
}

void welford_merge(struct welford *dst, const struct welford *src)
{
	double na, nb, n, d;

	if (src->n == 0)
		return;
	if (dst->n == 0) {
		*dst = *src;
		return;
	}
	na = (double)dst->n;
	nb = (double)src->n;
	n = na + nb;
	d = src->mean - dst->mean;
	dst->mean += d * nb / n;
	dst->m2 += src->m2 + d * d * na * nb / n;
	dst->n += src->n;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

double welford_var(const struct welford *w)
{
	return w->n < 2 ? 0.0 : w->m2 / (double)(w->n - 1);
}

void histo_init(struct histo *h)
{
	memset(h, 0, sizeof *h);
}

void histo_fini(struct histo *h)
{
	for (unsigned o = 0; o < HISTO_OCTAVES; o++)
		ks_free(h->oct[o]);
	memset(h, 0, sizeof *h);
}

void histo_add(struct histo *h, double x)
{
	h->n++;
	h->max = x > h->max ? x : h->max;
	if (x > HISTO_MIN && x < HISTO_MAX) {
		uint64_t bits, i;
		uint64_t *oct;

		memcpy(&bits, &x, sizeof bits);
		i = (bits >> (52 - HISTO_SUB_BITS)) - INDEX_BIAS;
		oct = h->oct[i >> HISTO_SUB_BITS];
		if (oct == NULL)
			oct = h->oct[i >> HISTO_SUB_BITS] = ks_calloc(SUBS, sizeof *oct);
		oct[i & (SUBS - 1)]++;
	} else if (x >= HISTO_MAX) {
		h->over++;
	} else {
		h->under++;
	}
}

void histo_merge(struct histo *dst, const struct histo *src)
{
	for (unsigned o = 0; o < HISTO_OCTAVES; o++) {
		if (src->oct[o] == NULL)
			continue;
		if (dst->oct[o] == NULL)
			dst->oct[o] = ks_calloc(SUBS, sizeof *dst->oct[o]);
		for (unsigned k = 0; k < SUBS; k++)
			dst->oct[o][k] += src->oct[o][k];
	}
	dst->n += src->n;
	dst->under += src->under;
	dst->over += src->over;
	if (src->max > dst->max)
		dst->max = src->max;
}

/* Geometric midpoint of sub-bucket k of octave o, clamped to the maximum. */
static double midpoint(const struct histo *h, unsigned o, unsigned k)
{
	double lo = (double)(SUBS + k), hi = lo + 1.0;
	double mid = ldexp(sqrt(lo * hi) / SUBS, (int)o + LOW_EXP);

	return mid < h->max ? mid : h->max;
}

double histo_quantile(const struct histo *h, double q)
{
	uint64_t rank, seen;

	if (h->n == 0)
		return 0.0;
	if (q >= 1.0)
		return h->max;
	rank = q > 0.0 ? (uint64_t)ceil(q * (double)h->n) : 0;
	if (rank == 0) /* q = 0, or q*n rounds to 0: the smallest sample */
		rank = 1;
	seen = h->under;
	if (rank <= seen)
		return HISTO_MIN;
	for (unsigned o = 0; o < HISTO_OCTAVES; o++) {
		if (h->oct[o] == NULL)
			continue;
		for (unsigned k = 0; k < SUBS; k++) {
			seen += h->oct[o][k];
			if (rank <= seen)
				return midpoint(h, o, k);
		}
	}
	return h->max;
}

void twavg_init(struct twavg *a, double t0)
{
	a->t0 = t0;
	a->last_t = t0;
	a->level = 0.0;
	a->area = 0.0;
}

void twavg_set(struct twavg *a, double t, double level)
{
	KS_ASSERT(t >= a->last_t);
	a->area += a->level * (t - a->last_t);
	a->last_t = t;
	a->level = level;
}

double twavg_mean(const struct twavg *a, double t)
{
	KS_ASSERT(t >= a->last_t);
	if (t <= a->t0)
		return a->level;
	return (a->area + a->level * (t - a->last_t)) / (t - a->t0);
}
