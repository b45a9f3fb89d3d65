/* json_get — reading values out of a json document strictly: objects with
 * only known keys, each at most once (with a did-you-mean for unknown
 * ones), and typed getters with ranges and enums (see json.h). */
#include "ktsim/json.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ktsim/mem.h"
#include "json_int.h"

/* ---- strict objects ---- */

int json_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row = ks_calloc(lb + 1, sizeof *row);	/* one row of the DP table */
	int r;

	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	r = (int)row[lb];
	ks_free(row);
	return r;
}

/* The name `word` was probably meant to be: one equal ignoring case, else
 * the first closest within max(1, strlen(word)/3) edits; NULL if none. */
static const char *suggest(const char *word, const char *const *names)
{
	size_t wl = strlen(word), limit = wl / 3 > 1 ? wl / 3 : 1, bestd = limit + 1;
	const char *best = NULL;

	for (size_t k = 0; names[k]; k++)
		if (strcasecmp(word, names[k]) == 0)
			return names[k];
	for (size_t k = 0; names[k]; k++) {
		size_t nl = strlen(names[k]), dist;

		if ((nl > wl ? nl - wl : wl - nl) > limit)
			continue;	/* too far apart to be close; skips long inputs */
		dist = (size_t)json_edit_distance(word, names[k]);
		if (dist < bestd) {
			bestd = dist;
			best = names[k];
		}
	}
	return best;
}

int json_check_object(const struct jdoc *d, const cJSON *node, const char *path,
		      const char *const *allowed, struct err *e)
{
	size_t n = 0;
	unsigned char *seen;
	char p[256];
	int rc = 0;

	KS_ASSERT(node != NULL && allowed != NULL);
	if (!cJSON_IsObject(node))
		return jdoc_error(d, node, path, e, "expected an object, got %s", json_kind(node));
	while (allowed[n])
		n++;
	seen = ks_calloc(n, 1);	/* a duplicate is an allowed key seen twice */
	for (const cJSON *m = node->child; m && rc == 0; m = m->next) {
		size_t k = 0;
		const char *hint;

		while (k < n && strcmp(allowed[k], m->string) != 0)
			k++;
		json_path_join(p, sizeof p, path, m->string);
		if (k == n && (hint = suggest(m->string, allowed)) != NULL)
			rc = jdoc_key_error(d, m, p, e, "unknown key '%s' (did you mean '%s'?)",
					    m->string, hint);
		else if (k == n)
			rc = jdoc_key_error(d, m, p, e, "unknown key '%s'", m->string);
		else if (seen[k])
			rc = jdoc_key_error(d, m, p, e, "duplicate key '%s'", m->string);
		else
			seen[k] = 1;
	}
	ks_free(seen);
	return rc;
}

int json_check_array(const struct jdoc *d, const cJSON *node, const char *path, struct err *e)
{
	KS_ASSERT(node != NULL);
	if (!cJSON_IsArray(node))
		return jdoc_error(d, node, path, e, "expected an array, got %s", json_kind(node));
	return 0;
}
/* ---- typed getters ---- */

/* What a wrong value is called in "got ...": a number by its value (%.15g
 * keeps 1000000 from turning into 1e+06), anything else by its kind. */
static const char *got(const cJSON *n, char *buf, size_t size)
{
	if (!cJSON_IsNumber(n))
		return json_kind(n);
	snprintf(buf, size, "%.15g", n->valuedouble);
	return buf;
}

/* "expected <what> between lo and hi" (or ">= lo", "<= hi"); NULL = no bound. */
static int range_error(const struct jdoc *d, const cJSON *m, const char *p, struct err *e,
		       const char *what, const char *lo, const char *hi)
{
	char g[32];

	got(m, g, sizeof g);
	if (lo && hi)
		return jdoc_error(d, m, p, e, "expected %s between %s and %s, got %s", what, lo, hi, g);
	if (lo)
		return jdoc_error(d, m, p, e, "expected %s >= %s, got %s", what, lo, g);
	if (hi)
		return jdoc_error(d, m, p, e, "expected %s <= %s, got %s", what, hi, g);
	return jdoc_error(d, m, p, e, "number out of range");
}

/* obj[key] into *m. 1 when present and `is` it, 0 when absent, else -1 with
 * the error "expected <what>, got ..." located at the value. */
static int member_of_type(const struct jdoc *d, const cJSON *obj, const char *path,
			  const char *key, cJSON_bool (*is)(const cJSON *), const char *what,
			  const cJSON **m, struct err *e)
{
	char p[256], g[32];

	*m = json_member(obj, key);
	if (*m == NULL)
		return 0;
	if (!is(*m))
		return jdoc_error(d, *m, json_path_join(p, sizeof p, path, key), e,
				  "expected %s, got %s", what, got(*m, g, sizeof g));
	return 1;
}

int json_get_number(const struct jdoc *d, const cJSON *obj, const char *path, const char *key,
		    double min, double max, double *out, struct err *e)
{
	const cJSON *m;
	char p[256], lo[32], hi[32];
	double v;
	int rc;

	KS_ASSERT(min <= max);
	if ((rc = member_of_type(d, obj, path, key, cJSON_IsNumber, "a number", &m, e)) != 1)
		return rc;
	json_path_join(p, sizeof p, path, key);
	v = m->valuedouble;
	if (!isfinite(v))	/* 1e400 parses to inf */
		return jdoc_error(d, m, p, e, "number out of range");
	if (v < min || v > max) {
		snprintf(lo, sizeof lo, "%.15g", min);
		snprintf(hi, sizeof hi, "%.15g", max);
		return range_error(d, m, p, e, "a number", min > -DBL_MAX ? lo : NULL,
				   max < DBL_MAX ? hi : NULL);
	}
	*out = v;
	return 1;
}

int json_get_int(const struct jdoc *d, const cJSON *obj, const char *path, const char *key,
		 long long min, long long max, long long *out, struct err *e)
{
	const cJSON *m;
	char p[256], g[32], lo[32], hi[32];
	double v;
	int rc;

	KS_ASSERT(min <= max);
	if ((rc = member_of_type(d, obj, path, key, cJSON_IsNumber, "an integer", &m, e)) != 1)
		return rc;
	json_path_join(p, sizeof p, path, key);
	v = m->valuedouble;
	if (!isfinite(v))
		return jdoc_error(d, m, p, e, "number out of range");
	if (v != floor(v))
		return jdoc_error(d, m, p, e, "expected an integer, got %s", got(m, g, sizeof g));
	/* compare as doubles first: converting a value outside long long is UB */
	if (v < -0x1p63 || v >= 0x1p63 || (long long)v < min || (long long)v > max) {
		snprintf(lo, sizeof lo, "%lld", min);
		snprintf(hi, sizeof hi, "%lld", max);
		return range_error(d, m, p, e, "an integer", min > LLONG_MIN ? lo : NULL,
				   max < LLONG_MAX ? hi : NULL);
	}
	*out = (long long)v;
	return 1;
}

int json_get_string(const struct jdoc *d, const cJSON *obj, const char *path, const char *key,
		    const char **out, struct err *e)
{
	const cJSON *m;
	int rc = member_of_type(d, obj, path, key, cJSON_IsString, "a string", &m, e);

	if (rc == 1)
		*out = m->valuestring;
	return rc;
}

int json_get_bool(const struct jdoc *d, const cJSON *obj, const char *path, const char *key,
		  int *out, struct err *e)
{
	const cJSON *m;
	int rc = member_of_type(d, obj, path, key, cJSON_IsBool, "true or false", &m, e);

	if (rc == 1)
		*out = cJSON_IsTrue(m);
	return rc;
}

int json_get_enum(const struct jdoc *d, const cJSON *obj, const char *path, const char *key,
		  const char *const *names, int *out, struct err *e)
{
	const cJSON *m = json_member(obj, key);
	char p[256], g[32], want[400] = "";
	const char *hint;
	size_t n = 0, k;

	KS_ASSERT(names != NULL && names[0] != NULL);
	if (m == NULL)
		return 0;
	while (names[n])
		n++;
	if (cJSON_IsString(m))
		for (k = 0; k < n; k++)
			if (strcmp(names[k], m->valuestring) == 0) {
				*out = (int)k;
				return 1;
			}
	/* expected "a"; "a" or "b"; one of "a", "b", "c" */
	for (k = 0; k < n; k++) {
		size_t used = strlen(want);

		snprintf(want + used, sizeof want - used, "%s\"%s\"",
			 k == 0 ? (n > 2 ? "one of " : "") : n == 2 ? " or " : ", ", names[k]);
	}
	json_path_join(p, sizeof p, path, key);
	if (!cJSON_IsString(m))
		return jdoc_error(d, m, p, e, "expected %s, got %s", want, got(m, g, sizeof g));
	if ((hint = suggest(m->valuestring, names)) != NULL)
		return jdoc_error(d, m, p, e, "expected %s, got \"%s\" (did you mean \"%s\"?)",
				  want, m->valuestring, hint);
	return jdoc_error(d, m, p, e, "expected %s, got \"%s\"", want, m->valuestring);
}
