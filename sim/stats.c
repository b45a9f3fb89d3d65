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
 * its bucket index is the 11-bit biased exponent and the top b bits of f,
 * read straight from the IEEE-754 bits (one shift and one subtraction), so
 * octave e holds S = 2^b equal sub-buckets [2^e(1+k/S), 2^e(1+(k+1)/S)). Like
 * HdrHistogram (G. Tene) the relative resolution is fixed. A quantile reports
 * its bucket's geometric midpoint sqrt(lo*hi): for any x in the bucket the
 * relative error |mid - x|/x is at most sqrt(1 + 1/S) - 1: 0.778% for S = 64
 * (the arithmetic midpoint would give 1/128 = 0.781%; both are within 0.8%,
 * the geometric one is the tighter and symmetric in log scale) and 3.08%
 * for S = 16. The midpoint is clamped to the exact maximum, which can only
 * bring it closer. The target rank is ceil(q*m) (1-based; q = 0 takes rank
 * 1, the smallest sample) among the m = n - lost samples counted. max starts
 * at 0, so for positive samples it is the exact maximum.
 * The counts are one array over whole octaves [lo, hi), widened an octave
 * at a time, so memory follows the value range (at most 80 octaves) and a
 * sample touches one cache line. 32-bit counts halve the memory of 150,000
 * per-pod histograms; a bucket that reaches 2^32 - 1 stops counting and the
 * samples it misses are counted in `lost` and left out of the ranks.
 *
 * twavg: integrates the level over time as a sum of rectangles. */
#include "ktsim/stats.h"

#include <math.h>
#include <string.h>

#include "ktsim/err.h"
#include "ktsim/mem.h"

#define LOW_EXP (-40) /* index 0 is [2^LOW_EXP, ..) = [HISTO_MIN, ..) */

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

void histo_init(struct histo *h, int bits)
{
	KS_ASSERT(bits == HISTO_FINE || bits == HISTO_COARSE);
	memset(h, 0, sizeof *h);
	h->bits = bits;
}

void histo_fini(struct histo *h)
{
	int bits = h->bits;

	ks_free(h->c);
	histo_init(h, bits);
}

void histo_grow(struct histo *h, int32_t i)
{
	int32_t oct = (int32_t)1 << h->bits;
	int32_t lo = i / oct * oct, hi = lo + oct; /* i >= 0 */
	uint32_t *c;

	if (h->c != NULL) {
		lo = lo < h->lo ? lo : h->lo;
		hi = hi > h->hi ? hi : h->hi;
	}
	c = ks_calloc((size_t)(hi - lo), sizeof *c);
	if (h->c != NULL)
		memcpy(c + (h->lo - lo), h->c, (size_t)(h->hi - h->lo) * sizeof *c);
	ks_free(h->c);
	h->c = c;
	h->lo = lo;
	h->hi = hi;
}

void histo_merge(struct histo *dst, const struct histo *src)
{
	KS_ASSERT(dst->bits == src->bits);
	if (src->c != NULL) {
		if (dst->c == NULL || src->lo < dst->lo)
			histo_grow(dst, src->lo);
		if (src->hi > dst->hi)
			histo_grow(dst, src->hi - 1);
		for (int32_t i = src->lo; i < src->hi; i++) {
			uint32_t *d = &dst->c[i - dst->lo];
			uint64_t sum = (uint64_t)*d + src->c[i - src->lo];

			*d = sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
			dst->lost += sum - *d;
		}
	}
	dst->n += src->n;
	dst->under += src->under;
	dst->over += src->over;
	dst->lost += src->lost;
	if (src->max > dst->max)
		dst->max = src->max;
}

/* Geometric midpoint of bucket i, clamped to the maximum. */
static double midpoint(const struct histo *h, int32_t i)
{
	double subs = (double)((int32_t)1 << h->bits);
	double lo = subs + (double)(i & ((1 << h->bits) - 1)), hi = lo + 1.0;
	double mid = ldexp(sqrt(lo * hi) / subs, (i >> h->bits) + LOW_EXP);

	return mid < h->max ? mid : h->max;
}

double histo_quantile(const struct histo *h, double q)
{
	uint64_t rank, seen, m = h->n - h->lost;

	if (m == 0)
		return h->n ? h->max : 0.0;
	if (q >= 1.0)
		return h->max;
	rank = q > 0.0 ? (uint64_t)ceil(q * (double)m) : 0;
	if (rank == 0) /* q = 0, or q*m rounds to 0: the smallest sample */
		rank = 1;
	seen = h->under;
	if (rank <= seen)
		return HISTO_MIN;
	for (int32_t i = h->lo; i < h->hi; i++) {
		seen += h->c[i - h->lo];
		if (rank <= seen)
			return midpoint(h, i);
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
