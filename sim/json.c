/* json — cJSON behind one boundary (see json.h): loading a document, the
 * location of every value and key, located errors (jdoc_error), and member
 * lookup and key paths. Strict objects and typed getters are in json_get.c,
 * --set key paths in json_set.c.
 *
 * Locations.  cJSON 1.7.15 keeps no positions: a parsed node does not know
 * where it came from, and a failed parse yields one pointer (return_parse_end,
 * or the global cJSON_GetErrorPtr, which we never use) that is sometimes off:
 * a bad key points one byte past it, an unterminated string at its second
 * byte.  So, like jq's src/locfile.c, we keep the text and the offsets of its
 * line starts, and turn a byte offset into line:column by binary search.
 *
 * To give every node an offset, scan() reads the text once in the order in
 * which cJSON builds its tree (a container before its children, children in
 * document order) and records the offset of each value and of each member's
 * key.  After cJSON parses the same text, a pre-order walk of the tree pairs
 * node k with record k; sorted by node pointer, the records are the map that
 * jdoc_locate searches.
 *
 * scan() is also the validator, and a strict one: it accepts a subset of what
 * cJSON accepts (cJSON takes 01, 1. and -.5, raw control characters in
 * strings, and reads a malformed \u escape as U+0000, cutting the string), so
 * every text scan() accepts has the shape cJSON gives it, and scan() explains
 * the first error itself.  cJSON still has the last word: if it rejects a
 * text, its error pointer is reported.
 */
#include "ktsim/json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktsim/mem.h"
#include "json_int.h"

#define NO_LOC SIZE_MAX

struct ent {			/* one node and where it came from */
	const cJSON *node;
	size_t key, val;	/* byte offsets of its key and value, or NO_LOC */
};

struct jdoc {
	char *file;
	char *text;		/* the input, NUL-terminated */
	size_t len;
	size_t *lines;		/* offsets of line starts, ascending */
	size_t nlines;
	struct ent *ents;	/* document order while scanning, then by node */
	size_t nents, cap;
	cJSON *root;
};

struct bad {			/* the first syntax error scan() found */
	size_t at;
	char why[200];
};

/* ---- text: lines, UTF-8, error reports ---- */

static void index_lines(struct jdoc *d)
{
	size_t cap = 64;
	const char *p = d->text, *end = d->text + d->len;

	d->lines = ks_calloc(cap, sizeof *d->lines);
	d->nlines = 1;
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (d->nlines == cap)
			d->lines = ks_realloc(d->lines, cap *= 2, sizeof *d->lines);
		d->lines[d->nlines++] = (size_t)(++p - d->text);
	}
}

static void linecol(const struct jdoc *d, size_t off, int *line, int *col)
{
	size_t lo = 0, hi = d->nlines;	/* lines[lo] <= off < lines[hi] */

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*line = (int)lo + 1;
	*col = (int)(off - d->lines[lo]) + 1;
}

/* Length of the well-formed UTF-8 sequence at s (n bytes left), 0 if none:
 * no overlong forms, surrogates or code points past U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t k;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		k = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		k = 3;
		lo = c == 0xE0 ? 0xA0 : lo;
		hi = c == 0xED ? 0x9F : hi;
	} else if (c >= 0xF0 && c <= 0xF4) {
		k = 4;
		lo = c == 0xF0 ? 0x90 : lo;
		hi = c == 0xF4 ? 0x8F : hi;
	} else {
		return 0;
	}
	if (n < k || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < k; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return k;
}

/* Copy the error's line into e->src for err_print's caret: well-formed UTF-8
 * only (so it stops before a NUL or a bad byte, and binary data shows what
 * precedes it), control characters but tab shown as '?', cut to fit at a
 * character boundary; left empty if the caret would fall past what is kept. */
static void source_line(const struct jdoc *d, int line, int col, struct err *e)
{
	const unsigned char *s = (const unsigned char *)d->text;
	size_t i = d->lines[line - 1], end = i, k = 0;

	while (end < d->len && s[end] != '\n')
		end++;
	if (end > i && s[end - 1] == '\r')
		end--;
	while (i < end) {
		size_t m = utf8_len(s + i, end - i);

		if (m == 0 || s[i] == '\0' || k + m >= sizeof e->src)
			break;
		if (m == 1 && ((s[i] < ' ' && s[i] != '\t') || s[i] == 0x7F))
			e->src[k] = '?';
		else
			memcpy(e->src + k, s + i, m);
		k += m;
		i += m;
	}
	e->src[k] = '\0';
	if ((size_t)col - 1 > k)
		e->src[0] = '\0';
}

/* Set an input error at byte `off` of d's text (NO_LOC: none) in `file`. */
__attribute__((format(printf, 6, 0)))
static int vreport(const struct jdoc *d, const char *file, size_t off, const char *path,
		   struct err *e, const char *fmt, va_list ap)
{
	char msg[sizeof e->msg];
	int line = 0, col = 0;

	if (e == NULL || err_is_set(e))
		return -1;	/* the first error wins, with its source line */
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (off != NO_LOC)
		linecol(d, off, &line, &col);
	err_set(e, ERR_INPUT, file, line, col, path, "%s", msg);
	if (off != NO_LOC)
		source_line(d, line, col, e);
	return -1;
}

__attribute__((format(printf, 4, 5)))
static int report(const struct jdoc *d, size_t off, struct err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(d, d->file, off, NULL, e, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- scan: validate and record offsets ---- */

__attribute__((format(printf, 3, 4)))
static int fail(struct bad *b, size_t at, const char *fmt, ...)
{
	va_list ap;

	b->at = at;
	va_start(ap, fmt);
	vsnprintf(b->why, sizeof b->why, fmt, ap);
	va_end(ap);
	return -1;
}

/* "unexpected end of file (hint)", "unexpected character 'x' (hint)"; a
 * non-ASCII character is also named by code point, as U+00A0 (a no-break
 * space pasted from a web page) would otherwise be invisible. */
static int unexpected(const unsigned char *s, size_t n, size_t i, const char *hint, struct bad *b)
{
	unsigned long cp;
	size_t k;

	if (i >= n)
		return fail(b, i, "unexpected end of file (%s)", hint);
	if (s[i] > ' ' && s[i] < 0x7F)
		return fail(b, i, "unexpected character '%c' (%s)", s[i], hint);
	if (s[i] < 0x80)
		return fail(b, i, "unexpected character U+%04X (%s)", s[i], hint);
	k = utf8_len(s + i, n - i);
	cp = s[i] & (0x7Fu >> k);
	for (size_t j = 1; j < k; j++)
		cp = cp << 6 | (s[i + j] & 0x3Fu);
	return fail(b, i, "unexpected character '%.*s' (U+%04lX) (%s)", (int)k, s + i, cp, hint);
}

static long hex4(const unsigned char *s, size_t n)
{
	long v = 0;

	if (n < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int c = s[i], lc = c | 0x20;	/* 'A'..'F' -> 'a'..'f' */

		if (c >= '0' && c <= '9')
			v = v << 4 | (c - '0');
		else if (lc >= 'a' && lc <= 'f')
			v = v << 4 | (lc - 'a' + 10);
		else
			return -1;
	}
	return v;
}

/* The string whose quote is at s[*i]. A raw line break ends it, since one
 * is almost always a missing closing quote. */
static int string(const unsigned char *s, size_t n, size_t *i, struct bad *b)
{
	size_t q = *i, j = q + 1;
	long u, l;

	for (;;) {
		if (j >= n || s[j] == '\n' || (s[j] == '\\' && j + 1 >= n))
			return fail(b, q, "unterminated string");
		if (s[j] == '"')
			break;
		if (s[j] < ' ')
			return fail(b, j, "control character U+%04X in a string "
				    "(write it as an escape, such as \\t)", s[j]);
		if (s[j] != '\\') {
			j++;
			continue;
		}
		if (memchr("\"\\/bfnrt", s[j + 1], 8)) {
			j += 2;
			continue;
		}
		if (s[j + 1] != 'u')
			return s[j + 1] > ' ' && s[j + 1] < 0x7F
				? fail(b, j, "invalid escape '\\%c' in a string", s[j + 1])
				: fail(b, j, "invalid escape in a string");
		u = hex4(s + j + 2, n - j - 2);
		if (u < 0)
			return fail(b, j, "invalid \\u escape (expected four hex digits)");
		if (u == 0)
			return fail(b, j, "\\u0000 is not supported in strings");
		if (u >= 0xD800 && u <= 0xDBFF) {	/* must pair with a low surrogate */
			l = j + 7 < n && s[j + 6] == '\\' && s[j + 7] == 'u'
				? hex4(s + j + 8, n - j - 8) : -1;
			if (l < 0xDC00 || l > 0xDFFF)
				return fail(b, j, "invalid \\u escape (unpaired surrogate)");
			j += 6;
		} else if (u >= 0xDC00 && u <= 0xDFFF) {
			return fail(b, j, "invalid \\u escape (unpaired surrogate)");
		}
		j += 6;
	}
	*i = j + 1;
	return 0;
}

static size_t digits(const unsigned char *s, size_t j, size_t end)
{
	while (j < end && s[j] >= '0' && s[j] <= '9')
		j++;
	return j;
}

/* The number at s[*i]. cJSON hands the run of [0-9+-.eE] (at most 63 bytes)
 * to strtod; accepting the run only when it is exactly one JSON number means
 * both read the same text. */
static int number(const unsigned char *s, size_t n, size_t *i, struct bad *b)
{
	size_t a = *i, end = a, j = a + (s[a] == '-'), k;
	int ok;

	while (end < n && memchr("0123456789+-.eE", s[end], 15))
		end++;
	if (end - a > 63)
		return fail(b, a, "number longer than 63 characters");
	k = digits(s, j, end);
	ok = k > j && (s[j] != '0' || k == j + 1);	/* no leading zeros */
	j = k;
	if (ok && j < end && s[j] == '.') {
		k = digits(s, j + 1, end);
		ok = k > j + 1;
		j = k;
	}
	if (ok && j < end && (s[j] == 'e' || s[j] == 'E')) {
		j += j + 1 < end && (s[j + 1] == '+' || s[j + 1] == '-') ? 2 : 1;
		k = digits(s, j, end);
		ok = k > j;
		j = k;
	}
	if (!ok || j != end)
		return fail(b, a, "invalid number '%.*s'", (int)(end - a), s + a);
	*i = end;
	return 0;
}

/* A string, number or literal at s[*i]. */
static int scalar(const unsigned char *s, size_t n, size_t *i, struct bad *b)
{
	static const char *const lits[] = { "null", "false", "true" };

	if (s[*i] == '"')
		return string(s, n, i, b);
	if (s[*i] == '-' || (s[*i] >= '0' && s[*i] <= '9'))
		return number(s, n, i, b);
	for (int k = 0; k < 3; k++) {
		size_t len = strlen(lits[k]);

		if (n - *i >= len && memcmp(s + *i, lits[k], len) == 0) {
			*i += len;
			return 0;
		}
	}
	return unexpected(s, n, *i, "expected a value; strings need double quotes", b);
}

static void record(struct jdoc *d, size_t key, size_t val)
{
	if (d->nents == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 64;
		d->ents = ks_realloc(d->ents, d->cap, sizeof *d->ents);
	}
	d->ents[d->nents++] = (struct ent){ NULL, key, val };
}

static size_t skip_bom(const unsigned char *s, size_t n)
{
	return n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

enum { WANT_VALUE, WANT_KEY, WANT_COLON, WANT_NEXT };

/* Check the text as cJSON reads it (any byte <= 32 is whitespace, a leading
 * BOM is skipped, nesting stops at CJSON_NESTING_LIMIT), recording the offset
 * of every value in pre-order. Iterative, so deep nesting costs no stack. */
static int scan(struct jdoc *d, struct bad *b)
{
	const unsigned char *s = (const unsigned char *)d->text;
	size_t n = d->len, i = skip_bom(s, n), key = NO_LOC;
	size_t comma = 0;	/* 1 + the offset of a ',' just read */
	char close[CJSON_NESTING_LIMIT];	/* the closing bracket of each open container */
	int depth = 0, want = WANT_VALUE;

	for (;;) {
		while (i < n && s[i] <= ' ')
			i++;
		if (comma && i < n && s[i] == close[depth - 1])
			return fail(b, comma - 1, "trailing comma before '%c'", s[i]);
		comma = 0;
		switch (want) {
		case WANT_KEY:
			if (i >= n || s[i] != '"')
				return unexpected(s, n, i, "expected a key in double quotes", b);
			key = i;
			if (string(s, n, &i, b) < 0)
				return -1;
			want = WANT_COLON;
			break;
		case WANT_COLON:
			if (i >= n || s[i] != ':')
				return unexpected(s, n, i, "expected ':'", b);
			i++;
			want = WANT_VALUE;
			break;
		case WANT_VALUE:
			if (i >= n)
				return unexpected(s, n, i, "expected a value", b);
			record(d, key, i);
			key = NO_LOC;
			want = WANT_NEXT;
			if (s[i] == '{' || s[i] == '[') {
				if (depth == CJSON_NESTING_LIMIT)
					return fail(b, i, "nesting deeper than %d levels", CJSON_NESTING_LIMIT);
				close[depth++] = s[i] == '{' ? '}' : ']';
				want = s[i] == '{' ? WANT_KEY : WANT_VALUE;
				i++;
				while (i < n && s[i] <= ' ')
					i++;
				if (i < n && s[i] == close[depth - 1]) {	/* empty */
					depth--;
					i++;
					want = WANT_NEXT;
				}
				break;
			}
			if (scalar(s, n, &i, b) < 0)
				return -1;
			break;
		default:	/* WANT_NEXT */
			if (depth == 0)
				return i == n ? 0 : unexpected(s, n, i, "expected the end of the file", b);
			if (i < n && s[i] == ',') {
				comma = ++i;
				want = close[depth - 1] == '}' ? WANT_KEY : WANT_VALUE;
			} else if (i < n && s[i] == close[depth - 1]) {
				i++;
				depth--;
			} else {
				return unexpected(s, n, i, close[depth - 1] == '}'
						  ? "expected ',' or '}'" : "expected ',' or ']'", b);
			}
			break;
		}
	}
}

/* ---- the node -> location map ---- */

static void pair(struct jdoc *d, const cJSON *node, size_t *k)
{
	KS_ASSERT(*k < d->nents);
	d->ents[(*k)++].node = node;
	for (const cJSON *c = node->child; c; c = c->next)
		pair(d, c, k);
}

static int by_node(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct ent *)a)->node;
	uintptr_t y = (uintptr_t)((const struct ent *)b)->node;

	return (x > y) - (x < y);
}

static struct ent *find(const struct jdoc *d, const cJSON *node)
{
	size_t lo = 0, hi = d->nents;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uintptr_t m = (uintptr_t)d->ents[mid].node;

		if (m == (uintptr_t)node)
			return &d->ents[mid];
		if (m < (uintptr_t)node)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* See json_int.h. */
void jdoc_forget(struct jdoc *d, const cJSON *node)
{
	struct ent *x = find(d, node);

	if (x)
		x->key = x->val = NO_LOC;
	for (const cJSON *c = node->child; c; c = c->next)
		jdoc_forget(d, c);
}

/* The offset to report for node (its key when want_key and it has one) and
 * the file: the document's, or "--set" for a node jdoc_set inserted. */
static size_t where(const struct jdoc *d, const cJSON *node, int want_key, const char **file)
{
	const struct ent *x = node ? find(d, node) : NULL;

	*file = d->file;
	if (node == NULL)
		return NO_LOC;
	if (x == NULL || x->val == NO_LOC) {
		*file = JSON_SET_FILE;
		return NO_LOC;
	}
	return want_key && x->key != NO_LOC ? x->key : x->val;
}

/* ---- loading ---- */

/* See json_int.h. */
const char *json_kind(const cJSON *n)
{
	if (cJSON_IsObject(n))
		return "an object";
	if (cJSON_IsArray(n))
		return "an array";
	if (cJSON_IsString(n))
		return "a string";
	if (cJSON_IsNumber(n))
		return "a number";
	if (cJSON_IsBool(n))
		return "a boolean";
	return "null";
}

static int too_big(struct err *e, const char *name, size_t n, int exact, size_t limit)
{
	return err_set(e, ERR_INPUT, name, 0, 0, NULL,
		       "file is %s%zu bytes, over the %zu MiB limit for %s",
		       exact ? "" : "more than ", n, limit >> 20,
		       limit == JSON_MAX_FILE_BYTES ? "a scenario" : "a results file");
}

/* Parse text[0..len) (owned, with room for a NUL) into *out. */
static int parse_owned(struct jdoc **out, const char *name, char *text, size_t len, struct err *e)
{
	struct jdoc *d = ks_calloc(1, sizeof *d);
	const unsigned char *s = (const unsigned char *)text;
	cJSON_Hooks hooks = { ks_malloc, ks_free };	/* cJSON allocates through mem.h too */
	const char *end = NULL;
	struct bad b;
	size_t i, k;

	d->file = ks_strdup(name);
	d->text = text;
	d->len = len;
	text[len] = '\0';
	index_lines(d);
	for (i = 0; i < len; i += k) {
		if (s[i] == '\0') {
			report(d, i, e, "binary data (NUL byte) in a JSON file");
			goto fail;
		}
		if ((k = utf8_len(s + i, len - i)) == 0) {
			report(d, i, e, "invalid UTF-8");
			goto fail;
		}
	}
	for (i = skip_bom(s, len); i < len && s[i] <= ' '; i++)
		;
	if (i == len) {
		report(d, 0, e, "empty file (expected a JSON object)");
		goto fail;
	}
	if (scan(d, &b) < 0) {
		report(d, b.at, e, "invalid JSON: %s", b.why);
		goto fail;
	}
	cJSON_InitHooks(&hooks);
	d->root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
	if (d->root == NULL) {	/* scan() let through what cJSON refuses */
		unexpected(s, len, (size_t)(end - text), "rejected by cJSON", &b);
		report(d, b.at, e, "invalid JSON: %s", b.why);
		goto fail;
	}
	if (!cJSON_IsObject(d->root)) {
		report(d, d->ents[0].val, e, "expected a JSON object at the top level, got %s",
		       json_kind(d->root));
		goto fail;
	}
	k = 0;
	pair(d, d->root, &k);
	KS_ASSERT(k == d->nents);
	qsort(d->ents, d->nents, sizeof *d->ents, by_node);
	*out = d;
	return 0;
fail:
	jdoc_destroy(d);
	return -1;
}

int jdoc_parse(struct jdoc **out, const char *name, const char *buf, size_t len, struct err *e)
{
	char *text;

	*out = NULL;
	if (len > JSON_MAX_FILE_BYTES)
		return too_big(e, name, len, 1, JSON_MAX_FILE_BYTES);
	text = ks_malloc(len + 1);
	memcpy(text, buf, len);
	return parse_owned(out, name, text, len, e);
}

/* jdoc_load with a size limit of `limit` bytes. */
static int load_limited(struct jdoc **out, const char *path, size_t limit, struct err *e)
{
	struct stat st;
	size_t len = 0, cap;
	ssize_t r = 0;
	char *text;
	int fd = open(path, O_RDONLY | O_CLOEXEC), er;

	*out = NULL;
	if (fd < 0 || fstat(fd, &st) != 0) {
		er = errno;
		if (fd >= 0)
			close(fd);
		return err_set(e, ERR_INPUT, path, 0, 0, NULL, "cannot read: %s", strerror(er));
	}
	if (S_ISDIR(st.st_mode) || (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > limit)) {
		close(fd);
		return S_ISDIR(st.st_mode) ? err_set(e, ERR_INPUT, path, 0, 0, NULL, "is a directory")
			: too_big(e, path, (size_t)st.st_size, 1, limit);
	}
	/* Read to EOF rather than trust st_size: pipes have none, files grow. */
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 2 : 1 << 16;
	text = ks_malloc(cap);
	while (len <= limit) {
		if (cap - len < 2)
			text = ks_realloc(text, cap *= 2, 1);
		r = read(fd, text + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	er = errno;
	close(fd);
	if (r < 0 || len > limit) {
		ks_free(text);
		return r < 0 ? err_set(e, ERR_INPUT, path, 0, 0, NULL, "cannot read: %s", strerror(er))
			: too_big(e, path, limit, 0, limit);
	}
	return parse_owned(out, path, text, len, e);
}

int jdoc_load(struct jdoc **out, const char *path, struct err *e)
{
	return load_limited(out, path, JSON_MAX_FILE_BYTES, e);
}

int jdoc_load_results(struct jdoc **out, const char *path, struct err *e)
{
	return load_limited(out, path, JSON_MAX_RESULTS_BYTES, e);
}

void jdoc_destroy(struct jdoc *d)
{
	if (d == NULL)
		return;
	cJSON_Delete(d->root);
	ks_free(d->file);
	ks_free(d->text);
	ks_free(d->lines);
	ks_free(d->ents);
	ks_free(d);
}

cJSON *jdoc_root(const struct jdoc *d)
{
	return d->root;
}

const char *jdoc_file(const struct jdoc *d)
{
	return d->file;
}

/* ---- locations and errors ---- */

static void locate(const struct jdoc *d, const cJSON *node, int want_key, int *line, int *col)
{
	const char *file;
	size_t off = where(d, node, want_key, &file);

	*line = *col = 0;
	if (off != NO_LOC)
		linecol(d, off, line, col);
}

void jdoc_locate(const struct jdoc *d, const cJSON *node, int *line, int *col)
{
	locate(d, node, 0, line, col);
}

/* An array element or the root has no key: its value's location stands in. */
void jdoc_locate_key(const struct jdoc *d, const cJSON *member, int *line, int *col)
{
	locate(d, member, 1, line, col);
}

int jdoc_error(const struct jdoc *d, const cJSON *node, const char *path, struct err *e,
	       const char *fmt, ...)
{
	const char *file;
	size_t off = where(d, node, 0, &file);
	va_list ap;

	va_start(ap, fmt);
	vreport(d, file, off, path, e, fmt, ap);
	va_end(ap);
	return -1;
}

int jdoc_key_error(const struct jdoc *d, const cJSON *member, const char *path, struct err *e,
		   const char *fmt, ...)
{
	const char *file;
	size_t off = where(d, member, 1, &file);
	va_list ap;

	va_start(ap, fmt);
	vreport(d, file, off, path, e, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- members and key paths ---- */

const cJSON *json_member(const cJSON *obj, const char *key)
{
	return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

const char *json_path_join(char *buf, size_t n, const char *path, const char *key)
{
	if (path && path[0])
		snprintf(buf, n, "%s.%s", path, key);
	else
		snprintf(buf, n, "%s", key);
	return buf;
}

const char *json_path_index(char *buf, size_t n, const char *path, int i)
{
	snprintf(buf, n, "%s[%d]", path ? path : "", i);
	return buf;
}
