/* json_set — `--set KEY=VALUE` on a loaded json document: key paths such
 * as services[0].name, parsed and applied to the cJSON tree (see json.h). */
#include "ktsim/json.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "ktsim/mem.h"
#include "json_int.h"

/* ---- --set KEY=VALUE ---- */

/* The next step of KEY from k[*i]: a name (first, or after '.') copied to
 * `name`, or an [index] whose digits are left at k[*dig..*i-1]. Returns 1 for
 * a name, 2 for an index, 0 at the end, -1 on a syntax error. */
static int step(const char *k, size_t n, size_t *i, char *name, size_t *dig)
{
	size_t j = *i;

	if (j == n)
		return 0;
	if (k[j] == '[' && j > 0) {
		*dig = ++j;
		while (j < n && k[j] >= '0' && k[j] <= '9')
			j++;
		if (j == *dig || j == n || k[j] != ']')
			return -1;
		*i = j + 1;
		return 2;
	}
	if (j > 0 && k[j++] != '.')
		return -1;
	*dig = j;
	while (j < n && (k[j] == '_' || k[j] == '-' || (k[j] >= '0' && k[j] <= '9') ||
			 ((k[j] | 0x20) >= 'a' && (k[j] | 0x20) <= 'z')))
		j++;
	if (j == *dig)
		return -1;
	memcpy(name, k + *dig, j - *dig);
	name[j - *dig] = '\0';
	*i = j;
	return 1;
}

/* Put val at key[0..n) in d's tree; on success the tree owns val. */
static int assign(struct jdoc *d, const char *key, size_t n, char *name, cJSON *val, struct err *e)
{
	cJSON *cur = jdoc_root(d), *next;
	size_t i = 0, from = 0, dig;
	char path[256], parent[256];
	int t, ok = 0;

	while ((t = step(key, n, &i, name, &dig)) > 0) {
		snprintf(parent, sizeof parent, "%.*s", (int)from, key);
		snprintf(path, sizeof path, "%.*s", (int)i, key);
		from = i;
		if (t == 1) {
			if (!cJSON_IsObject(cur))
				return err_set(e, ERR_INPUT, JSON_SET_FILE, 0, 0, parent,
					       "expected an object for '.%s', got %s", name,
					       json_kind(cur));
			next = cJSON_GetObjectItemCaseSensitive(cur, name);
			if (i == n && next) {
				jdoc_forget(d, next);
				ok = cJSON_ReplaceItemInObjectCaseSensitive(cur, name, val);
			} else if (i == n) {
				ok = cJSON_AddItemToObject(cur, name, val);
			} else if (next == NULL && memchr(key + i, '[', n - i)) {
				return err_set(e, ERR_INPUT, JSON_SET_FILE, 0, 0, path,
					       "not found; --set creates missing objects but not arrays");
			} else if (next == NULL) {
				next = cJSON_AddObjectToObject(cur, name);
			}
		} else {
			long long idx = 0;
			int count;

			if (!cJSON_IsArray(cur))
				return err_set(e, ERR_INPUT, JSON_SET_FILE, 0, 0, parent,
					       "expected an array for '[%.*s]', got %s",
					       (int)(i - 1 - dig), key + dig, json_kind(cur));
			count = cJSON_GetArraySize(cur);
			/* saturate: any huge index is out of range */
			for (size_t j = dig; j < i - 1; j++)
				idx = idx < INT_MAX ? idx * 10 + (key[j] - '0') : INT_MAX;
			if (idx >= count)
				return err_set(e, ERR_INPUT, JSON_SET_FILE, 0, 0, path,
					       "index %.*s out of range (array has %d item%s)",
					       (int)(i - 1 - dig), key + dig, count, count == 1 ? "" : "s");
			next = cJSON_GetArrayItem(cur, (int)idx);
			if (i == n) {
				jdoc_forget(d, next);
				ok = cJSON_ReplaceItemInArray(cur, (int)idx, val);
			}
		}
		cur = next;
	}
	KS_ASSERT(t == 0 && ok);	/* cJSON fails only without memory, and ks_malloc exits first */
	return 0;
}

int jdoc_set(struct jdoc *d, const char *assignment, struct err *e)
{
	const char *eq = strchr(assignment, '=');
	size_t n = eq ? (size_t)(eq - assignment) : 0, i = 0, dig;
	char *name;
	cJSON *val;
	int t, rc;

	if (n == 0)
		return err_set(e, ERR_INPUT, JSON_SET_FILE, 0, 0, NULL, "expected KEY=VALUE, got '%s'",
			       assignment);
	name = ks_malloc(n + 1);
	while ((t = step(assignment, n, &i, name, &dig)) > 0)
		;	/* check the whole key before changing the tree */
	if (t < 0) {
		ks_free(name);
		return err_set(e, ERR_INPUT, JSON_SET_FILE, 0, 0, NULL,
			       "invalid key '%.*s' (expected names and [indexes], as in services[0].name)",
			       (int)n, assignment);
	}
	val = cJSON_ParseWithLengthOpts(eq + 1, strlen(eq + 1) + 1, NULL, 1);
	if (val == NULL)	/* not JSON: a bare word such as Local */
		val = cJSON_CreateString(eq + 1);
	rc = assign(d, assignment, n, name, val, e);
	if (rc < 0)
		cJSON_Delete(val);
	ks_free(name);
	return rc;
}
