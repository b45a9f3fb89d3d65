/* Tests for the streaming JSON writer: the same document written by jsonw
 * and by cJSON_Print must be the same bytes — layout, escapes, and numbers
 * of every kind (integers, shares, latencies, tiny and huge values, values
 * halfway between two printed forms, -0, NaN and infinities). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cjson/cJSON.h>

#include "tests.h"
#include "ktsim/jsonw.h"
#include "ktsim/mem.h"

/* What fill writes through a jsonw, as a NUL-terminated string. */
static char *written(void (*fill)(struct jsonw *, const void *), const void *arg)
{
	char dir[] = "/tmp/ktsim-jsonw-XXXXXX", path[64];
	struct ofile o;
	struct jsonw w;
	struct err e;
	char *text;

	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	err_init(&e);
	CU_ASSERT_FATAL(ofile_open(&o, dir, "t.json", &e) == 0);
	jsonw_init(&w, &o);
	fill(&w, arg);
	CU_ASSERT_FATAL(ofile_commit(&o, &e) == 0);
	snprintf(path, sizeof path, "%s/t.json", dir);
	text = tests_read_file(path, NULL);
	unlink(path);
	rmdir(dir);
	return text;
}

/* jsonw's text must equal cJSON_Print(tree). */
static void check_same(cJSON *tree, void (*fill)(struct jsonw *, const void *), const void *arg)
{
	char *want = cJSON_Print(tree), *got = written(fill, arg);

	if (strcmp(want, got) != 0) {
		size_t i = 0;

		while (want[i] && want[i] == got[i])
			i++;
		fprintf(stderr, "\n  differ at byte %zu: want \"%.40s\", got \"%.40s\"\n", i, want + i,
			got + i);
	}
	CU_ASSERT_STRING_EQUAL(got, want);
	cJSON_free(want);
	ks_free(got);
	cJSON_Delete(tree);
}

static const char TRICKY[] = "q\"b\\s/\b\f\n\r\t\x01\x1f caf\xc3\xa9";

static void fill_layout(struct jsonw *w, const void *arg)
{
	(void)arg;
	jsonw_object(w, NULL);
	jsonw_string(w, "name", "demo");
	jsonw_string(w, TRICKY, TRICKY);
	jsonw_bool(w, "yes", 1);
	jsonw_bool(w, "no", 0);
	jsonw_object(w, "empty");
	jsonw_end(w);
	jsonw_array(w, "none");
	jsonw_end(w);
	jsonw_object(w, "flows");
	jsonw_number(w, "offered", 174183);
	jsonw_object(w, "drops");
	jsonw_number(w, "queue_full", 0);
	jsonw_end(w);
	jsonw_end(w);
	jsonw_array(w, "pods");
	for (int i = 0; i < 3; i++) {
		jsonw_object(w, NULL);
		jsonw_number(w, "share", (i + 1) / 7.0);
		jsonw_array(w, "inner");
		jsonw_number(w, NULL, i);
		jsonw_object(w, NULL);
		jsonw_end(w);
		jsonw_array(w, NULL);
		jsonw_end(w);
		jsonw_end(w);
		jsonw_end(w);
	}
	jsonw_end(w);
	jsonw_array(w, "strings");
	jsonw_string(w, NULL, "a");
	jsonw_string(w, NULL, "");
	jsonw_end(w);
	jsonw_end(w);
}

static void jsonw_should_lay_out_as_cjson_print(void)
{
	cJSON *root = cJSON_CreateObject(), *f, *arr, *strs;

	cJSON_AddStringToObject(root, "name", "demo");
	cJSON_AddStringToObject(root, TRICKY, TRICKY);
	cJSON_AddBoolToObject(root, "yes", 1);
	cJSON_AddBoolToObject(root, "no", 0);
	cJSON_AddObjectToObject(root, "empty");
	cJSON_AddArrayToObject(root, "none");
	f = cJSON_AddObjectToObject(root, "flows");
	cJSON_AddNumberToObject(f, "offered", 174183);
	cJSON_AddNumberToObject(cJSON_AddObjectToObject(f, "drops"), "queue_full", 0);
	arr = cJSON_AddArrayToObject(root, "pods");
	for (int i = 0; i < 3; i++) {
		cJSON *po = cJSON_CreateObject(), *in;

		cJSON_AddNumberToObject(po, "share", (i + 1) / 7.0);
		in = cJSON_AddArrayToObject(po, "inner");
		cJSON_AddItemToArray(in, cJSON_CreateNumber(i));
		cJSON_AddItemToArray(in, cJSON_CreateObject());
		cJSON_AddItemToArray(in, cJSON_CreateArray());
		cJSON_AddItemToArray(arr, po);
	}
	strs = cJSON_AddArrayToObject(root, "strings");
	cJSON_AddItemToArray(strs, cJSON_CreateString("a"));
	cJSON_AddItemToArray(strs, cJSON_CreateString(""));
	check_same(root, fill_layout, NULL);
}

struct numbers {
	double *v;
	size_t n;
};

static void fill_numbers(struct jsonw *w, const void *arg)
{
	const struct numbers *nb = arg;

	jsonw_array(w, NULL);
	for (size_t i = 0; i < nb->n; i++)
		jsonw_number(w, NULL, nb->v[i]);
	jsonw_end(w);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void jsonw_should_print_numbers_as_cjson(void)
{
	static const double special[] = { 0, 1, 0.5, 0.1, 1.0 / 3, 2.0 / 3, 1e-5, 1e-4, 1e15,
		1e15 - 1, 1e15 + 1, 999999999999999.5, 9.9999999999999995e14, 1e16, 1e17, 1e22,
		1e23, 2147483647, 2147483648.0, 4294967296.5, 1e-300, 5e-324, 1.7976931348623157e308,
		12345678901234.25, 0.015625, 123456789012345678.0, 9.99999999999999e-5 };
	struct numbers nb;
	uint64_t s = 0x9e3779b97f4a7c15ull;
	size_t cap = 200000;
	cJSON *arr = cJSON_CreateArray();

	nb.v = ks_malloc(cap * sizeof *nb.v);
	nb.n = 0;
	for (size_t i = 0; i < sizeof special / sizeof *special; i++) {
		double x = special[i];

		nb.v[nb.n++] = x;
		nb.v[nb.n++] = -x;
		nb.v[nb.n++] = nextafter(x, 0);
		nb.v[nb.n++] = nextafter(x, INFINITY);
	}
	nb.v[nb.n++] = NAN;
	nb.v[nb.n++] = INFINITY;
	nb.v[nb.n++] = -INFINITY;
	for (int k = -20; k <= 20; k++)
		for (int j = 1; j < 10; j++) {
			double p = j * pow(10, k);

			nb.v[nb.n++] = p;
			nb.v[nb.n++] = nextafter(p, 0);
			nb.v[nb.n++] = nextafter(p, INFINITY);
		}
	while (nb.n + 6 <= cap) {
		uint64_t b = xorshift(&s), a = xorshift(&s) % 1000000, c = xorshift(&s) % 999999 + 1;
		double r;

		memcpy(&r, &b, sizeof r); /* any bit pattern */
		nb.v[nb.n++] = r;
		nb.v[nb.n++] = (double)a / (double)c; /* shares */
		nb.v[nb.n++] = pow(10, -16 + 34 * ((double)(xorshift(&s) >> 11) * 0x1p-53));
		nb.v[nb.n++] = -(double)(xorshift(&s) % 1000000000) / 1000.0;
		/* few fraction bits: some lie exactly halfway between printed forms */
		nb.v[nb.n++] = ldexp((double)(xorshift(&s) >> 11), -(int)(xorshift(&s) % 60));
		nb.v[nb.n++] = ldexp((double)(xorshift(&s) % (1u << 20)), -(int)(xorshift(&s) % 40));
	}
	for (size_t i = 0; i < nb.n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateNumber(nb.v[i]));
	check_same(arr, fill_numbers, &nb);
	ks_free(nb.v);
}

CU_ErrorCode suite_jsonw(void)
{
	static const struct test_case cases[] = {
		{ "jsonw_should_lay_out_as_cjson_print", jsonw_should_lay_out_as_cjson_print },
		{ "jsonw_should_print_numbers_as_cjson", jsonw_should_print_numbers_as_cjson },
		{ NULL, NULL },
	};

	return tests_add("jsonw", cases);
}
