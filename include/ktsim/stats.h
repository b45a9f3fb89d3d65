/* stats — streaming, mergeable statistics with memory independent of the
 * number of samples.
 *
 * welford: count, mean, variance (Welford 1962; merge by Chan et al. 1979),
 *   min and max.
 * tally: count and sum, for a mean and nothing more: a sample costs an
 *   increment and an add, where Welford's update divides.
 * histo: log-bucketed histogram for quantiles of positive values. A value's
 *   bucket comes from its binary exponent and the top HISTO_SUB_BITS bits of
 *   its mantissa (64 sub-buckets per octave), so a bucket spans at most 1/64
 *   of its lower edge and the bucket midpoint is within 0.8% of any value in
 *   it. Octaves are allocated on first use (bounded by the value range,
 *   never by the sample count). Values <= HISTO_MIN go to an underflow
 *   bucket (reported as HISTO_MIN) and >= HISTO_MAX to an overflow bucket.
 * twavg: time-weighted average of a piecewise-constant level.
 * Each accumulator has _add and _merge; merging is exact for counts.
 * Ownership: histo_add allocates lazily; histo_fini frees. */
#ifndef KTSIM_STATS_H
#define KTSIM_STATS_H

#include <stdint.h>
#include <string.h>

struct welford {
	uint64_t n;
	double mean, m2, min, max;
};

void welford_init(struct welford *w);
/* Add one sample (inline: it runs several times per flow). */
static inline void welford_add(struct welford *w, double x)
{
	double d = x - w->mean;

	w->n++;
	w->mean += d / (double)w->n;
	w->m2 += d * (x - w->mean);
	if (w->n == 1 || x < w->min)
		w->min = x;
	if (w->n == 1 || x > w->max)
		w->max = x;
}
/* Fold src into dst exactly as if dst had seen src's samples. */
void welford_merge(struct welford *dst, const struct welford *src);
/* Sample variance (n-1 denominator); 0 when n < 2. */
double welford_var(const struct welford *w);

/* A mean kept as count and sum. Summing 10^8 samples of similar size loses
 * at most about 10^8 ulps in the worst case and ~10^4 typically, a relative
 * 10^-8 and 10^-12: far below what results print, and no division per
 * sample (the request path adds to up to three means per request). */
struct tally {
	uint64_t n;
	double sum;
};

/* Add one sample. */
static inline void tally_add(struct tally *t, double x)
{
	t->n++;
	t->sum += x;
}
/* The mean, 0 when empty. */
static inline double tally_mean(const struct tally *t)
{
	return t->n ? t->sum / (double)t->n : 0;
}
/* Fold src into dst (exact for the count; the sums add). */
static inline void tally_merge(struct tally *dst, const struct tally *src)
{
	dst->n += src->n;
	dst->sum += src->sum;
}

#define HISTO_FINE 6           /* sub-bucket bits: 64 per octave, within 0.8% */
#define HISTO_COARSE 4         /* 16 per octave, within 3.1% */
#define HISTO_OCTAVES 80       /* 2^-40 .. 2^40 */
#define HISTO_MIN 9.094947017729282e-13 /* 2^-40 */
#define HISTO_MAX 1099511627776.0       /* 2^40 */

struct histo {
	uint64_t n, under, over;
	uint64_t lost;     /* samples a bucket already at UINT32_MAX could not count */
	double max;        /* exact maximum seen */
	uint32_t *c;       /* counts of buckets lo .. hi-1 (NULL before the first) */
	int32_t lo, hi;    /* whole octaves: multiples of 1 << bits */
	int32_t bits;      /* sub-bucket bits, HISTO_FINE or HISTO_COARSE */
};

/* Start empty with 2^bits sub-buckets per octave (HISTO_FINE or HISTO_COARSE). */
void histo_init(struct histo *h, int bits);
void histo_fini(struct histo *h);
/* Widen h's bucket range to hold bucket i (histo_add's slow path). */
void histo_grow(struct histo *h, int32_t i);
/* The bucket of x in (HISTO_MIN, HISTO_MAX): its biased exponent and top
 * `bits` mantissa bits, counted from HISTO_MIN's bucket up. */
static inline int32_t histo_index(const struct histo *h, double x)
{
	uint64_t u;

	memcpy(&u, &x, sizeof u);
	return (int32_t)((u >> (52 - h->bits)) - ((uint64_t)(1023 - 40) << h->bits));
}
/* Record a value (any double; <= 0 and NaN count as underflow). Inline: it
 * runs twice per request. */
static inline void histo_add(struct histo *h, double x)
{
	h->n++;
	h->max = x > h->max ? x : h->max;
	if (x > HISTO_MIN && x < HISTO_MAX) {
		int32_t i = histo_index(h, x);
		uint32_t *c;

		if (i < h->lo || i >= h->hi)
			histo_grow(h, i);
		c = &h->c[i - h->lo];
		if (*c != UINT32_MAX)
			++*c;
		else
			h->lost++;
	} else if (x >= HISTO_MAX) {
		h->over++;
	} else {
		h->under++;
	}
}
/* Start loading the count histo_add(h, x) will update, if its bucket exists. */
static inline void histo_prefetch(const struct histo *h, double x)
{
	if (x > HISTO_MIN && x < HISTO_MAX) {
		int32_t i = histo_index(h, x);

		if (i >= h->lo && i < h->hi)
			__builtin_prefetch(&h->c[i - h->lo], 1);
	}
}
/* Fold src into dst (same bits). */
void histo_merge(struct histo *dst, const struct histo *src);
/* The q-quantile (0 <= q <= 1) as a bucket midpoint, within 0.8% (HISTO_FINE)
 * or 3.1% (HISTO_COARSE) of the exact sample quantile for values inside
 * [HISTO_MIN, HISTO_MAX]; q = 1 returns the exact maximum. 0 when empty. */
double histo_quantile(const struct histo *h, double q);

struct twavg {
	double t0, last_t, level, area;
};

/* Start at time t0 with level 0. */
void twavg_init(struct twavg *a, double t0);
/* The level changes to `level` at time t (t non-decreasing). */
void twavg_set(struct twavg *a, double t, double level);
/* Average level over [t0, t]. */
double twavg_mean(const struct twavg *a, double t);

#endif
