/* grid — value axes for compare and sweep (see grid_int.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cmd_int.h"
#include "grid_int.h"
#include "ktsim/mem.h"

static void push(struct grid_axis *ax, const char *v, size_t n)
{
	ax->values = ks_realloc(ax->values, (size_t)ax->n + 1, sizeof *ax->values);
	ax->values[ax->n] = ks_malloc(n + 1);
	memcpy(ax->values[ax->n], v, n);
	ax->values[ax->n++][n] = '\0';
}

/* "A:B[:STEP]" -> the values; 1 when it is a range, 0 when not, -1 bad. */
static int range(struct grid_axis *ax, const char *s)
{
	char *end;
	double a, b, step = 1;
	long k, n;

	a = strtod(s, &end);
	if (end == s || *end != ':')
		return 0;
	b = strtod(end + 1, &end);
	if (*end == ':')
		step = strtod(end + 1, &end);
	if (*end != '\0' || !isfinite(a) || !isfinite(b) || !(step > 0) || b < a)
		return -1;
	n = (long)floor((b - a) / step + 1e-9) + 1;
	if (n > 10000)
		return -1;
	for (k = 0; k < n; k++) {
		char buf[64];

		/* a + k*step, printed exactly as short as it reads back */
		snprintf(buf, sizeof buf, "%.15g", a + (double)k * step);
		push(ax, buf, strlen(buf));
	}
	return 1;
}

int grid_parse(const char *verb, const char *arg, int ranges, struct grid_axis *ax)
{
	const char *eq = strchr(arg, '='), *p, *start;
	int depth = 0, quoted = 0, r;

	memset(ax, 0, sizeof *ax);
	if (eq == NULL || eq == arg || (size_t)(eq - arg) >= sizeof ax->key)
		return cmd_usage_error(verb, "--vary expects KEY=V1,V2,...%s, got '%s'",
				       ranges ? " or KEY=A:B[:STEP]" : "", arg);
	memcpy(ax->key, arg, (size_t)(eq - arg));
	ax->key[eq - arg] = '\0';
	if (ranges && (r = range(ax, eq + 1)) != 0) {
		if (r < 0) {
			grid_axis_fini(ax);
			return cmd_usage_error(verb, "--vary %s: expected A:B[:STEP] with A <= B, STEP > 0 "
					       "and at most 10000 values, got '%s'", ax->key, eq + 1);
		}
		return 0;
	}
	for (p = start = eq + 1;; p++) {
		if (*p == '"' && (p == start || p[-1] != '\\'))
			quoted = !quoted;
		else if (!quoted && (*p == '[' || *p == '{'))
			depth++;
		else if (!quoted && (*p == ']' || *p == '}'))
			depth--;
		if (*p == '\0' || (*p == ',' && depth == 0 && !quoted)) {
			if (p == start) {
				grid_axis_fini(ax);
				return cmd_usage_error(verb, "--vary %s has an empty value", ax->key);
			}
			push(ax, start, (size_t)(p - start));
			if (*p == '\0')
				break;
			start = p + 1;
		}
	}
	return 0;
}

void grid_axis_fini(struct grid_axis *ax)
{
	for (int i = 0; i < ax->n; i++)
		ks_free(ax->values[i]);
	ks_free(ax->values);
	ax->values = NULL;
	ax->n = 0;
}

int grid_index(const struct grid_axis *ax, int nax, int a, int k)
{
	int stride = 1;

	for (int b = a + 1; b < nax; b++)
		stride *= ax[b].n;
	return (k / stride) % ax[a].n;
}

void grid_sanitize(char *dst, size_t n, const char *src)
{
	size_t k = 0;

	for (; *src && k + 1 < n; src++)
		if ((*src >= 'a' && *src <= 'z') || (*src >= 'A' && *src <= 'Z') ||
		    (*src >= '0' && *src <= '9') || *src == '.' || *src == '-')
			dst[k++] = *src;
		else if (k > 0 && dst[k - 1] != '_')
			dst[k++] = '_';
	dst[k] = '\0';
}

void grid_csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

double grid_num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

const char *grid_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "";
}
