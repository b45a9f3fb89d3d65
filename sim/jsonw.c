/* jsonw — streaming JSON in cJSON_Print's layout (see jsonw.h). */
#include "ktsim/jsonw.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktsim/err.h"

void jsonw_init(struct jsonw *w, struct ofile *o)
{
	memset(w, 0, sizeof *w);
	w->o = o;
}

/* s quoted, with cJSON's escapes: these seven by a letter, other control
 * bytes as \u00XX, everything else (UTF-8 included) as it is. */
static void string(struct jsonw *w, const char *s)
{
	static const char escaped[] = "\"\\\b\f\n\r\t", letter[] = "\"\\bfnrt";
	const unsigned char *p = (const unsigned char *)s, *run = p;
	struct ofile *o = w->o;

	ofile_write(o, "\"", 1);
	for (;; p++) {
		char esc[8];
		const char *e;

		if (*p > 31 && *p != '"' && *p != '\\')
			continue;
		ofile_write(o, (const char *)run, (size_t)(p - run));
		if (*p == '\0')
			break;
		e = memchr(escaped, *p, sizeof escaped - 1);
		if (e) {
			esc[0] = '\\';
			esc[1] = letter[e - escaped];
			ofile_write(o, esc, 2);
		} else {
			snprintf(esc, sizeof esc, "\\u%04x", *p);
			ofile_write(o, esc, 6);
		}
		run = p + 1;
	}
	ofile_write(o, "\"", 1);
}

/* What goes before a value: the separator from the previous item of its
 * container, and a member's indent and key. */
static void item(struct jsonw *w, const char *key)
{
	if (w->depth > 0) {
		uint64_t bit = (uint64_t)1 << (w->depth - 1);

		if (w->nonempty & bit)
			ofile_write(w->o, w->is_array & bit ? ", " : ",\n", 2);
		w->nonempty |= bit;
	}
	if (key) {
		char tabs[JSONW_MAX_DEPTH];

		memset(tabs, '\t', (size_t)w->depth);
		ofile_write(w->o, tabs, (size_t)w->depth);
		string(w, key);
		ofile_write(w->o, ":\t", 2);
	}
}

static void open_container(struct jsonw *w, const char *key, int array)
{
	uint64_t bit = (uint64_t)1 << w->depth;

	KS_ASSERT(w->depth < JSONW_MAX_DEPTH);
	item(w, key);
	ofile_write(w->o, array ? "[" : "{\n", array ? 1 : 2);
	w->is_array = array ? w->is_array | bit : w->is_array & ~bit;
	w->nonempty &= ~bit;
	w->depth++;
}

void jsonw_object(struct jsonw *w, const char *key)
{
	open_container(w, key, 0);
}

void jsonw_array(struct jsonw *w, const char *key)
{
	open_container(w, key, 1);
}

void jsonw_end(struct jsonw *w)
{
	uint64_t bit;
	char tabs[JSONW_MAX_DEPTH + 1];

	KS_ASSERT(w->depth > 0);
	bit = (uint64_t)1 << --w->depth;
	if (w->is_array & bit) {
		ofile_write(w->o, "]", 1);
		return;
	}
	if (w->nonempty & bit)
		ofile_write(w->o, "\n", 1);
	memset(tabs, '\t', (size_t)w->depth);
	tabs[w->depth] = '}';
	ofile_write(w->o, tabs, (size_t)w->depth + 1);
}

/* cJSON's test that a printed number reads back close enough. */
static int close_enough(double a, double b)
{
	double max = fabs(a) > fabs(b) ? fabs(a) : fabs(b);

	return fabs(a - b) <= max * DBL_EPSILON;
}

static const uint64_t POW5[28] = { 1ull, 5ull, 25ull, 125ull, 625ull, 3125ull, 15625ull,
	78125ull, 390625ull, 1953125ull, 9765625ull, 48828125ull, 244140625ull, 1220703125ull,
	6103515625ull, 30517578125ull, 152587890625ull, 762939453125ull, 3814697265625ull,
	19073486328125ull, 95367431640625ull, 476837158203125ull, 2384185791015625ull,
	11920928955078125ull, 59604644775390625ull, 298023223876953125ull,
	1490116119384765625ull, 7450580596923828125ull };
static const uint64_t POW10[18] = { 1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull,
	1000000ull, 10000000ull, 100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
	1000000000000ull, 10000000000000ull, 100000000000000ull, 1000000000000000ull,
	10000000000000000ull, 100000000000000000ull };
/* The powers of ten that are exact doubles. */
static const double EXACT10[23] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

/* a * 10^k for finite a >= 0 and 0 <= k < 28, worked out exactly (a = m *
 * 2^s, so a * 10^k = m * 5^k * 2^(s+k), which fits 128 bits): 1, its whole
 * part in *q and in *half how the rest compares with 1/2 (-1, 0, 1); 0 when
 * the whole part does not fit 64 bits. */
static int scaled(double a, int k, uint64_t *q, int *half)
{
	uint64_t bits, m;
	int be, s;
	unsigned __int128 y;

	memcpy(&bits, &a, sizeof bits);
	be = (int)(bits >> 52);
	m = bits & (((uint64_t)1 << 52) - 1);
	if (be == 0) {
		s = -1074;
	} else {
		m |= (uint64_t)1 << 52;
		s = be - 1075;
	}
	y = (unsigned __int128)m * POW5[k];
	s += k;
	if (s >= 0) {
		if (s >= 64 || y >> (64 - s) != 0)
			return 0;
		*q = (uint64_t)(y << s);
		*half = -1;
		return 1;
	}
	if (s <= -128) { /* y < 2^116, so y * 2^s < 1/2 */
		*q = 0;
		*half = -1;
		return 1;
	}
	unsigned __int128 h = (unsigned __int128)1 << (-s - 1), rest = y & ((h << 1) - 1);

	y >>= -s;
	if (y > UINT64_MAX)
		return 0;
	*q = (uint64_t)y;
	*half = rest < h ? -1 : rest > h;
	return 1;
}

/* The p (<= 17) significant digits printf gives a > 0: *n in [10^(p-1),
 * 10^p) and the decimal exponent *x of the first, so a ~ n * 10^(x-p+1).
 * 0 when not worked out here: a below 10^(p-28) or from 10^p up, or exactly
 * halfway between two p-digit numbers (printf's tie rule is left to it). */
static int digits(double a, int p, uint64_t *n, int *x)
{
	int e = (int)floor(log10(a));

	/* log10 may be one off next to a power of ten: one more try fixes it */
	for (int tries = 0; tries < 3; tries++) {
		int k = p - 1 - e, half;
		uint64_t q;

		if (k < 0 || k > 27 || !scaled(a, k, &q, &half))
			return 0;
		if (q < POW10[p - 1]) {
			e--;
		} else if (q >= POW10[p]) {
			e++;
		} else if (half == 0) {
			return 0;
		} else {
			q += half > 0;
			if (q == POW10[p]) { /* rounding carried into a new digit */
				q = POW10[p - 1];
				e++;
			}
			*n = q;
			*x = e;
			return 1;
		}
	}
	return 0;
}

/* A whole number, as %1.15g prints it when below 10^15 ("-0" for -0). */
static int print_integer(char *buf, int neg, uint64_t n)
{
	char d[20];
	int k = 0, len = 0;

	do
		d[k++] = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	if (neg)
		buf[len++] = '-';
	while (k > 0)
		buf[len++] = d[--k];
	buf[len] = '\0';
	return len;
}

/* printf's "%1.*g" of a number whose p digits n and exponent x digits()
 * found; neg adds the sign. Returns the length. */
static int print_g(char *buf, int neg, uint64_t n, int p, int x)
{
	char d[17], *o = buf;
	int nd = p;

	for (int i = p - 1; i >= 0; i--, n /= 10)
		d[i] = (char)('0' + n % 10);
	while (nd > 1 && d[nd - 1] == '0')
		nd--;
	if (neg)
		*o++ = '-';
	if (x < -4 || x >= p) { /* d.ddde-XX: digits() keeps |x| below 100 */
		*o++ = d[0];
		if (nd > 1) {
			*o++ = '.';
			memcpy(o, d + 1, (size_t)nd - 1);
			o += nd - 1;
		}
		*o++ = 'e';
		*o++ = x < 0 ? '-' : '+';
		*o++ = (char)('0' + abs(x) / 10);
		*o++ = (char)('0' + abs(x) % 10);
	} else if (x >= 0) { /* ddd.ddd */
		memcpy(o, d, (size_t)x + 1);
		o += x + 1;
		if (nd > x + 1) {
			*o++ = '.';
			memcpy(o, d + x + 1, (size_t)(nd - x - 1));
			o += nd - x - 1;
		}
	} else { /* 0.000ddd */
		*o++ = '0';
		*o++ = '.';
		memset(o, '0', (size_t)(-x - 1));
		o += -x - 1;
		memcpy(o, d, (size_t)nd);
		o += nd;
	}
	*o = '\0';
	return (int)(o - buf);
}

/* v as cJSON's print_number prints it, into buf (32 bytes); its length.
 * Integers and the digits() cases are worked out here; the rest, as cJSON
 * does, by snprintf and strtod. */
static int format_number(char *buf, double v)
{
	double a = fabs(v), back;
	uint64_t n;
	int x, len;

	if (isnan(v) || isinf(v))
		return snprintf(buf, 32, "null");
	if (a < 1e15 && v == floor(v)) /* %1.15g prints these as integers */
		return print_integer(buf, signbit(v), (uint64_t)a);
	if (digits(a, 15, &n, &x)) {
		len = print_g(buf, v < 0, n, 15, x);
		/* n / 10^k with both exact doubles rounds once, as strtod does */
		if (14 - x >= 0 && 14 - x <= 22)
			back = (v < 0 ? -(double)n : (double)n) / EXACT10[14 - x];
		else
			back = strtod(buf, NULL);
	} else {
		len = snprintf(buf, 32, "%1.15g", v);
		back = strtod(buf, NULL);
	}
	if (close_enough(back, v))
		return len;
	if (digits(a, 17, &n, &x))
		return print_g(buf, v < 0, n, 17, x);
	return snprintf(buf, 32, "%1.17g", v);
}

void jsonw_number(struct jsonw *w, const char *key, double v)
{
	char buf[32];
	int n = format_number(buf, v);

	item(w, key);
	ofile_write(w->o, buf, (size_t)n);
}

void jsonw_string(struct jsonw *w, const char *key, const char *s)
{
	item(w, key);
	string(w, s);
}

void jsonw_bool(struct jsonw *w, const char *key, int b)
{
	item(w, key);
	ofile_write(w->o, b ? "true" : "false", b ? 4 : 5);
}
