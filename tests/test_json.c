/* test_json — the JSON boundary: locations, load errors, strict objects,
 * typed getters, --set overrides. Runs from tests/ (fixtures in json/);
 * binary and oversized inputs are generated into /tmp and removed. */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktsim/err.h"
#include "ktsim/json.h"
#include "tests.h"

/* ---- helpers ---- */

static struct jdoc *parse_ok(const char *text)
{
	struct jdoc *d = NULL;
	struct err e;
	char buf[1200];

	err_init(&e);
	if (jdoc_parse(&d, "t.json", text, strlen(text), &e) < 0) {
		err_format(&e, buf, sizeof buf);
		fprintf(stderr, "\nunexpected error: %s\n", buf);
	}
	CU_ASSERT_FATAL(d != NULL);
	return d;
}

/* The formatted first line of e must be `want`. */
static void check_err(const struct err *e, const char *want)
{
	char buf[1200];

	err_format(e, buf, sizeof buf);
	if (strcmp(buf, want) != 0)
		fprintf(stderr, "\n  got:  %s\n  want: %s\n", buf, want);
	CU_ASSERT_STRING_EQUAL(buf, want);
	CU_ASSERT_EQUAL(e->code, ERR_INPUT);
}

/* Parsing len bytes of text as "t.json" fails with `want`. */
static void parse_fails(const char *text, size_t len, const char *want)
{
	struct jdoc *d = NULL;
	struct err e;

	err_init(&e);
	CU_ASSERT_EQUAL(jdoc_parse(&d, "t.json", text, len, &e), -1);
	CU_ASSERT_PTR_NULL(d);
	check_err(&e, want);
}

static void load_fails(const char *path, const char *want)
{
	struct jdoc *d = NULL;
	struct err e;

	err_init(&e);
	CU_ASSERT_EQUAL(jdoc_load(&d, path, &e), -1);
	CU_ASSERT_PTR_NULL(d);
	check_err(&e, want);
}

static void check_at(const struct jdoc *d, const cJSON *node, int key, int line, int col)
{
	int l, c;

	if (key)
		jdoc_locate_key(d, node, &l, &c);
	else
		jdoc_locate(d, node, &l, &c);
	if (l != line || c != col)
		fprintf(stderr, "\n  at %d:%d, want %d:%d\n", l, c, line, col);
	CU_ASSERT_EQUAL(l, line);
	CU_ASSERT_EQUAL(c, col);
}

static const cJSON *at(const cJSON *obj, const char *key)
{
	const cJSON *m = json_member(obj, key);

	CU_ASSERT_FATAL(m != NULL);
	return m;
}

/* ---- locations ---- */

static void json_should_report_line_and_column_of_values_and_keys(void)
{
	struct jdoc *d = parse_ok("{\r\n"
				  "\t\"name\": \"web\",\r\n"
				  "  \"replicas\":\t3,\r\n"
				  "\t\"pods\": [1, {\"a\": true}]\r\n"
				  "}\r\n");
	const cJSON *root = jdoc_root(d), *pods = at(root, "pods");

	check_at(d, root, 0, 1, 1);
	check_at(d, root, 1, 1, 1);	/* no key: the value stands in */
	check_at(d, at(root, "name"), 1, 2, 2);
	check_at(d, at(root, "name"), 0, 2, 10);
	check_at(d, at(root, "replicas"), 1, 3, 3);
	check_at(d, at(root, "replicas"), 0, 3, 15);
	check_at(d, pods, 1, 4, 2);
	check_at(d, pods, 0, 4, 10);
	check_at(d, cJSON_GetArrayItem(pods, 0), 0, 4, 11);
	check_at(d, cJSON_GetArrayItem(pods, 1), 0, 4, 14);
	check_at(d, at(cJSON_GetArrayItem(pods, 1), "a"), 1, 4, 15);
	check_at(d, at(cJSON_GetArrayItem(pods, 1), "a"), 0, 4, 20);
	CU_ASSERT_STRING_EQUAL(jdoc_file(d), "t.json");
	jdoc_destroy(d);
}

static void json_should_count_columns_in_bytes_after_a_bom(void)
{
	struct jdoc *d = parse_ok("\xEF\xBB\xBF{\"a\": 1, \"\xC3\xA9t\xC3\xA9\": 2}");

	check_at(d, at(jdoc_root(d), "a"), 0, 1, 10);
	check_at(d, at(jdoc_root(d), "\xC3\xA9t\xC3\xA9"), 0, 1, 22);
	jdoc_destroy(d);
}

static void json_should_report_line_and_column_of_unknown_key(void)
{
	static const char *const top[] = { "name", "services", NULL };
	static const char *const svc[] = { "name", "replicas", "type", NULL };
	struct jdoc *d = NULL;
	struct err e;
	const cJSON *s;
	char *out = NULL;
	size_t n = 0;
	FILE *f;

	err_init(&e);
	CU_ASSERT_EQUAL_FATAL(jdoc_load(&d, "json/unknown_key.json", &e), 0);
	CU_ASSERT_EQUAL(json_check_object(d, jdoc_root(d), "", top, &e), 0);
	s = cJSON_GetArrayItem(at(jdoc_root(d), "services"), 0);
	CU_ASSERT_EQUAL(json_check_object(d, s, "services[0]", svc, &e), -1);
	check_err(&e, "json/unknown_key.json:6:7: services[0].replica: unknown key 'replica' "
		  "(did you mean 'replicas'?)");
	/* err_print shows the line with a caret under the key */
	CU_ASSERT_STRING_EQUAL(e.src, "      \"replica\": 3");
	f = open_memstream(&out, &n);
	err_print(f, &e);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n        \"replica\": 3\n        ^\n"));
	free(out);
	jdoc_destroy(d);
}

static void json_should_keep_tabs_and_drop_cr_in_the_source_line(void)
{
	struct jdoc *d = parse_ok("{\r\n\t\"a\":\t\"x\",\r\n\t\"zz\": 1\r\n}");
	static const char *const keys[] = { "a", NULL };
	struct err e;

	err_init(&e);
	CU_ASSERT_EQUAL(json_check_object(d, jdoc_root(d), "", keys, &e), -1);
	check_err(&e, "t.json:3:2: zz: unknown key 'zz'");
	CU_ASSERT_STRING_EQUAL(e.src, "\t\"zz\": 1");
	jdoc_destroy(d);
}

static void json_should_cut_long_source_lines_and_drop_them_past_the_cut(void)
{
	char text[700];
	struct err e;

	/* a 600-byte line: error near the start shows a cut line, far out none */
	snprintf(text, sizeof text, "{\"a\": x%0590d}", 0);
	err_init(&e);
	parse_fails(text, strlen(text), "t.json:1:7: invalid JSON: unexpected character 'x' "
		    "(expected a value; strings need double quotes)");
	snprintf(text, sizeof text, "{\"a\": \"%0590d\" x}", 0);
	parse_fails(text, strlen(text), "t.json:1:600: invalid JSON: unexpected character 'x' "
		    "(expected ',' or '}')");
	{
		struct jdoc *d = NULL;

		CU_ASSERT_EQUAL(jdoc_parse(&d, "t.json", text, strlen(text), &e), -1);
		CU_ASSERT_STRING_EQUAL(e.src, "");
		err_init(&e);
		snprintf(text, sizeof text, "{\"a\": x%0590d}", 0);
		CU_ASSERT_EQUAL(jdoc_parse(&d, "t.json", text, strlen(text), &e), -1);
		CU_ASSERT_EQUAL(strlen(e.src), sizeof e.src - 1);
		CU_ASSERT_EQUAL(strncmp(e.src, "{\"a\": x000", 10), 0);
	}
}

/* ---- load errors ---- */

static void json_should_report_unreadable_file_and_directory(void)
{
	char want[300];

	snprintf(want, sizeof want, "json/no-such-file.json: cannot read: %s", strerror(ENOENT));
	load_fails("json/no-such-file.json", want);
	load_fails("json", "json: is a directory");
}

static void json_should_report_empty_file(void)
{
	load_fails("json/empty.json", "json/empty.json:1:1: empty file (expected a JSON object)");
	load_fails("json/blank.json", "json/blank.json:1:1: empty file (expected a JSON object)");
	parse_fails("\xEF\xBB\xBF \n", 5, "t.json:1:1: empty file (expected a JSON object)");
}

static void json_should_refuse_file_over_size_limit(void)
{
	char path[64], want[200];

	tests_temp_file(path, "{}", 2);
	CU_ASSERT_FATAL(truncate(path, (off_t)JSON_MAX_FILE_BYTES + 1) == 0);	/* sparse */
	snprintf(want, sizeof want, "%s: file is %u bytes, over the 64 MiB limit for a scenario", path,
		 JSON_MAX_FILE_BYTES + 1);
	load_fails(path, want);
	unlink(path);
}

/* A run's results.json may be far larger than a scenario (90 MB for
 * 150,000 pods): its reader's limit is its own, and named as such. */
static void json_should_refuse_results_file_over_its_limit(void)
{
	char path[64], want[200];
	struct jdoc *d = NULL;
	struct err e;

	tests_temp_file(path, "{}", 2);
	CU_ASSERT_FATAL(truncate(path, (off_t)JSON_MAX_FILE_BYTES + 1) == 0);	/* sparse */
	err_init(&e);
	/* over a scenario's limit but not a results file's: read, and then
	 * refused for the NUL bytes of the sparse file, not its size */
	CU_ASSERT_EQUAL(jdoc_load_results(&d, path, &e), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "binary data (NUL byte)"));
	CU_ASSERT_FATAL(truncate(path, (off_t)JSON_MAX_RESULTS_BYTES + 1) == 0);
	snprintf(want, sizeof want, "%s: file is %u bytes, over the 1024 MiB limit for a results file",
		 path, JSON_MAX_RESULTS_BYTES + 1);
	err_init(&e);
	CU_ASSERT_EQUAL(jdoc_load_results(&d, path, &e), -1);
	CU_ASSERT_PTR_NULL(d);
	check_err(&e, want);
	unlink(path);
}

static void json_should_accept_file_at_size_limit(void)
{
	char path[64];
	char *big = malloc(JSON_MAX_FILE_BYTES);
	struct jdoc *d = NULL;
	struct err e;

	CU_ASSERT_FATAL(big != NULL);
	memset(big, ' ', JSON_MAX_FILE_BYTES);
	memcpy(big, "{\"a\":1}", 7);
	tests_temp_file(path, big, JSON_MAX_FILE_BYTES);
	free(big);
	err_init(&e);
	CU_ASSERT_EQUAL(jdoc_load(&d, path, &e), 0);
	jdoc_destroy(d);
	unlink(path);
}

static void json_should_report_nul_byte(void)
{
	static const char text[] = "{\n  \"a\": \"x\0y\"\n}\n";
	char path[64], want[200];
	struct jdoc *d = NULL;
	struct err e;

	tests_temp_file(path, text, sizeof text - 1);
	snprintf(want, sizeof want, "%s:2:10: binary data (NUL byte) in a JSON file", path);
	load_fails(path, want);
	err_init(&e);
	CU_ASSERT_EQUAL(jdoc_load(&d, path, &e), -1);
	CU_ASSERT_STRING_EQUAL(e.src, "  \"a\": \"x");	/* the text before it */
	unlink(path);
}

static void json_should_report_invalid_utf8(void)
{
	char path[64], want[200];
	static const char text[] = "{\"a\": \"caf\xC3\"}";

	tests_temp_file(path, text, sizeof text - 1);
	snprintf(want, sizeof want, "%s:1:11: invalid UTF-8", path);
	load_fails(path, want);
	unlink(path);
	parse_fails("{\"a\": \"\xC0\xAF\"}", 11, "t.json:1:8: invalid UTF-8");	 /* overlong */
	parse_fails("{\"a\": \"\xED\xA0\x80\"}", 12, "t.json:1:8: invalid UTF-8"); /* surrogate */
	parse_fails("{\"a\": \"\xF4\x90\x80\x80\"}", 13, "t.json:1:8: invalid UTF-8"); /* > U+10FFFF */
	parse_fails("{\"a\": \"\xE2\x82\"}", 11, "t.json:1:8: invalid UTF-8");	 /* cut short */
	parse_fails("\n\xFF", 2, "t.json:2:1: invalid UTF-8");
}

static void json_should_report_syntax_errors_where_they_are(void)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "{\"a\": 1", "1:8: invalid JSON: unexpected end of file (expected ',' or '}')" },
		{ "{\"a\" 1}", "1:6: invalid JSON: unexpected character '1' (expected ':')" },
		/* cJSON's own pointer would be one byte late here */
		{ "{a: 1}", "1:2: invalid JSON: unexpected character 'a' (expected a key in double quotes)" },
		{ "{\"a\": Local}", "1:7: invalid JSON: unexpected character 'L' "
		  "(expected a value; strings need double quotes)" },
		{ "{\"a\": tru}", "1:7: invalid JSON: unexpected character 't' "
		  "(expected a value; strings need double quotes)" },
		{ "{\"a\": [1 2]}", "1:10: invalid JSON: unexpected character '2' (expected ',' or ']')" },
		{ "{\"a\": [1,]}", "1:9: invalid JSON: trailing comma before ']'" },
		{ "{\"a\": 1,\n}", "1:8: invalid JSON: trailing comma before '}'" },
		{ "{\"a\": [1,}", "1:10: invalid JSON: unexpected character '}' (expected a value; strings need double quotes)" },
		{ "{\"a\": 1}x", "1:9: invalid JSON: unexpected character 'x' (expected the end of the file)" },
		{ "{\"a\": 1} {}", "1:10: invalid JSON: unexpected character '{' (expected the end of the file)" },
		{ "{\"a\":\xC2\xA0" "1}", "1:6: invalid JSON: unexpected character '\xC2\xA0' (U+00A0) "
		  "(expected a value; strings need double quotes)" },
		{ "{\"a\": \x7F}", "1:7: invalid JSON: unexpected character U+007F "
		  "(expected a value; strings need double quotes)" },
		/* strings */
		{ "{\"a\": \"abc}\n", "1:7: invalid JSON: unterminated string" },
		{ "{\"a\": \"abc\n\"}", "1:7: invalid JSON: unterminated string" },
		{ "{\"a\": \"ab\\", "1:7: invalid JSON: unterminated string" },
		{ "{\"a\": \"x\ty\"}", "1:9: invalid JSON: control character U+0009 in a string "
		  "(write it as an escape, such as \\t)" },
		{ "{\"a\": \"\\q\"}", "1:8: invalid JSON: invalid escape '\\q' in a string" },
		{ "{\"a\": \"\\uZZZZ\"}", "1:8: invalid JSON: invalid \\u escape (expected four hex digits)" },
		{ "{\"a\": \"\\u12\"}", "1:8: invalid JSON: invalid \\u escape (expected four hex digits)" },
		{ "{\"a\": \"x\\u0000\"}", "1:9: invalid JSON: \\u0000 is not supported in strings" },
		{ "{\"a\": \"\\ud800\"}", "1:8: invalid JSON: invalid \\u escape (unpaired surrogate)" },
		{ "{\"a\": \"\\ud800\\u0041\"}", "1:8: invalid JSON: invalid \\u escape (unpaired surrogate)" },
		{ "{\"a\": \"\\udc00\"}", "1:8: invalid JSON: invalid \\u escape (unpaired surrogate)" },
		/* numbers: cJSON takes 01, 1. and -.5; we do not */
		{ "{\"a\": 01}", "1:7: invalid JSON: invalid number '01'" },
		{ "{\"a\": 1.}", "1:7: invalid JSON: invalid number '1.'" },
		{ "{\"a\": -.5}", "1:7: invalid JSON: invalid number '-.5'" },
		{ "{\"a\": -}", "1:7: invalid JSON: invalid number '-'" },
		{ "{\"a\": 1e}", "1:7: invalid JSON: invalid number '1e'" },
		{ "{\"a\": 1-2}", "1:7: invalid JSON: invalid number '1-2'" },
		{ "{\"a\": +1}", "1:7: invalid JSON: unexpected character '+' "
		  "(expected a value; strings need double quotes)" },
		{ "{\"a\": 1234567890123456789012345678901234567890123456789012345678901234}",
		  "1:7: invalid JSON: number longer than 63 characters" },
		/* not an object */
		{ "[1, 2]", "1:1: expected a JSON object at the top level, got an array" },
		{ "\n  3", "2:3: expected a JSON object at the top level, got a number" },
		{ "\"s\"", "1:1: expected a JSON object at the top level, got a string" },
		{ "null", "1:1: expected a JSON object at the top level, got null" },
	};
	char want[300];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(want, sizeof want, "t.json:%s", cases[i].want);
		parse_fails(cases[i].text, strlen(cases[i].text), want);
	}
	load_fails("json/trailing_comma.json", "json/trailing_comma.json:5:18: invalid JSON: "
		   "trailing comma before '}'");
	load_fails("json/top_array.json",
		   "json/top_array.json:1:1: expected a JSON object at the top level, got an array");
}

static void json_should_accept_what_strict_json_accepts(void)
{
	struct jdoc *d = parse_ok("{\"n\": [0, -0, 1.5e3, -2E-2, 0.25, 1e+2, 123456789012345678901234567890],"
				  " \"s\": \"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t\","
				  " \"t\": true, \"f\": false, \"z\": null, \"e\": {}, \"ea\": [ ], \"u\": \"\xE2\x82\xAC\"}");
	const cJSON *root = jdoc_root(d);

	CU_ASSERT_EQUAL(cJSON_GetArraySize(at(root, "n")), 7);
	CU_ASSERT_STRING_EQUAL(at(root, "s")->valuestring,
			       "caf\xC3\xA9 \xF0\x9F\x98\x80 \"q\" \\ / \b\f\n\r\t");
	CU_ASSERT_STRING_EQUAL(at(root, "u")->valuestring, "\xE2\x82\xAC");
	CU_ASSERT(cJSON_IsNull(at(root, "z")));
	jdoc_destroy(d);
}

static void json_should_survive_deep_nesting(void)
{
	size_t n = 10000, len;
	char *text = malloc(5 * n + 16);
	struct jdoc *d = NULL;
	struct err e;

	/* {"a": + 999 arrays = 1000 levels: cJSON's limit, still accepted */
	len = (size_t)sprintf(text, "{\"a\":");
	memset(text + len, '[', 999);
	memset(text + len + 999, ']', 999);
	strcpy(text + len + 1998, "}");
	err_init(&e);
	CU_ASSERT_EQUAL(jdoc_parse(&d, "t.json", text, strlen(text), &e), 0);
	jdoc_destroy(d);
	/* one more level, and 10,000 levels, fail at the 1001st bracket */
	memset(text + len, '[', 1000);
	memset(text + len + 1000, ']', 1000);
	strcpy(text + len + 2000, "}");
	parse_fails(text, strlen(text), "t.json:1:1005: invalid JSON: nesting deeper than 1000 levels");
	memset(text + len, '[', n);
	memset(text + len + n, ']', n);
	strcpy(text + len + 2 * n, "}");
	parse_fails(text, strlen(text), "t.json:1:1005: invalid JSON: nesting deeper than 1000 levels");
	for (size_t i = 0; i < n; i++)
		memcpy(text + 5 * i, "{\"a\":", 5);
	parse_fails(text, 5 * n, "t.json:1:5001: invalid JSON: nesting deeper than 1000 levels");
	free(text);
}

/* Random bytes and random edits of a valid document must load or fail
 * cleanly, and scan() must never let through what cJSON refuses. */
static void json_should_survive_garbage(void)
{
	static const char good[] = "{\"name\": \"w\\u00e9b\", \"n\": [1, -2.5e3, true, null],\n"
				   " \"o\": {\"k\": \"v\", \"e\": []}, \"f\": false}";
	static const char alpha[] = "{}[]\":,0123456789.-+eEtrufalsn \\u\n\t\r\x01\x80\xC3\xA9";
	unsigned long long x = 42;
	char buf[256];
	struct jdoc *d;
	struct err e;
	int ok = 0;

	for (int round = 0; round < 20000; round++) {
		size_t len;

		if (round % 2) {
			len = sizeof good - 1;
			memcpy(buf, good, len);
			for (int edits = 1 + round % 3; edits > 0; edits--) {
				x = x * 6364136223846793005ULL + 1442695040888963407ULL;
				buf[(x >> 33) % len] = alpha[(x >> 17) % (sizeof alpha - 1)];
			}
		} else {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			len = (x >> 33) % sizeof buf;
			for (size_t i = 0; i < len; i++) {
				x = x * 6364136223846793005ULL + 1442695040888963407ULL;
				buf[i] = (x >> 60) < 2 ? (char)(x >> 40) : alpha[(x >> 33) % (sizeof alpha - 1)];
			}
		}
		d = NULL;
		err_init(&e);
		if (jdoc_parse(&d, "t.json", buf, len, &e) == 0) {
			ok++;
			jdoc_destroy(d);
			continue;
		}
		CU_ASSERT_PTR_NULL(d);
		CU_ASSERT(e.line > 0 && e.col > 0 && e.msg[0]);
		if (strstr(e.msg, "rejected by cJSON")) {
			fprintf(stderr, "\nscan() and cJSON disagree on: %.*s\n", (int)len, buf);
			CU_FAIL("scan() accepted what cJSON refuses");
		}
	}
	CU_ASSERT(ok > 0);
}

static void json_should_report_huge_numbers_out_of_range(void)
{
	struct jdoc *d = parse_ok("{\"big\": 1e400, \"small\": -1e400}");
	struct err e;
	double v = 7;
	long long i = 7;

	err_init(&e);
	CU_ASSERT_EQUAL(json_get_number(d, jdoc_root(d), "", "big", -DBL_MAX, DBL_MAX, &v, &e), -1);
	check_err(&e, "t.json:1:9: big: number out of range");
	err_init(&e);
	CU_ASSERT_EQUAL(json_get_int(d, jdoc_root(d), "", "small", LLONG_MIN, LLONG_MAX, &i, &e), -1);
	check_err(&e, "t.json:1:25: small: number out of range");
	CU_ASSERT_EQUAL(v, 7);
	CU_ASSERT_EQUAL(i, 7);
	jdoc_destroy(d);
}

/* ---- strict objects ---- */

static void json_should_suggest_the_closest_key(void)
{
	static const char *const keys[] = { "replicas", "abc", "abd", "externalTrafficPolicy", NULL };
	static const struct { const char *key, *msg; } cases[] = {
		{ "replica", "unknown key 'replica' (did you mean 'replicas'?)" },
		{ "REPLICAS", "unknown key 'REPLICAS' (did you mean 'replicas'?)" },
		{ "abx", "unknown key 'abx' (did you mean 'abc'?)" },	/* first on ties */
		{ "externaltraficpolicy", "unknown key 'externaltraficpolicy' "
		  "(did you mean 'externalTrafficPolicy'?)" },
		{ "foo", "unknown key 'foo'" },
		{ "replicasxxxxx", "unknown key 'replicasxxxxx'" },	/* 5 edits > 13/3 */
	};
	char text[200];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct jdoc *d;
		struct err e;

		snprintf(text, sizeof text, "{\"abc\": 1, \"%s\": 2}", cases[i].key);
		d = parse_ok(text);
		err_init(&e);
		CU_ASSERT_EQUAL(json_check_object(d, jdoc_root(d), "", keys, &e), -1);
		CU_ASSERT_STRING_EQUAL(e.msg, cases[i].msg);
		CU_ASSERT_STRING_EQUAL(e.path, cases[i].key);
		CU_ASSERT_EQUAL(e.col, 12);
		jdoc_destroy(d);
	}
}

static void json_should_report_duplicate_key_at_second_occurrence(void)
{
	static const char *const keys[] = { "name", "kind", NULL };
	struct jdoc *d = parse_ok("{\n \"name\": 1,\n \"kind\": 2,\n  \"name\": 3\n}");
	struct err e;

	err_init(&e);
	CU_ASSERT_EQUAL(json_check_object(d, jdoc_root(d), "", keys, &e), -1);
	check_err(&e, "t.json:4:3: name: duplicate key 'name'");
	jdoc_destroy(d);
	d = parse_ok("{\"o\": {\"kind\": 1, \"kind\": 2}}");
	err_init(&e);
	CU_ASSERT_EQUAL(json_check_object(d, at(jdoc_root(d), "o"), "o", keys, &e), -1);
	check_err(&e, "t.json:1:19: o.kind: duplicate key 'kind'");
	jdoc_destroy(d);
}

static void json_should_name_the_kind_of_a_non_object(void)
{
	static const char *const none[] = { NULL };
	static const struct { const char *key, *msg; } cases[] = {
		{ "a", "expected an object, got an array" },
		{ "s", "expected an object, got a string" },
		{ "n", "expected an object, got a number" },
		{ "t", "expected an object, got a boolean" },
		{ "f", "expected an object, got a boolean" },
		{ "z", "expected an object, got null" },
	};
	struct jdoc *d = parse_ok("{\"a\": [], \"s\": \"x\", \"n\": 1, \"t\": true, \"f\": false, \"z\": null,"
				  " \"o\": {}}");
	struct err e;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		err_init(&e);
		CU_ASSERT_EQUAL(json_check_object(d, at(jdoc_root(d), cases[i].key), cases[i].key, none, &e), -1);
		CU_ASSERT_STRING_EQUAL(e.msg, cases[i].msg);
	}
	err_init(&e);
	CU_ASSERT_EQUAL(json_check_object(d, at(jdoc_root(d), "o"), "o", none, &e), 0);
	CU_ASSERT_EQUAL(json_check_array(d, at(jdoc_root(d), "a"), "a", &e), 0);
	CU_ASSERT_EQUAL(json_check_array(d, at(jdoc_root(d), "s"), "s", &e), -1);
	check_err(&e, "t.json:1:16: s: expected an array, got a string");
	jdoc_destroy(d);
}

static void json_should_report_errors_at_nodes(void)
{
	struct jdoc *d = parse_ok("\n  {\"x\": 1}");
	struct err e;

	err_init(&e);
	CU_ASSERT_EQUAL(jdoc_error(d, jdoc_root(d), "", &e, "missing required key '%s'", "nodes"), -1);
	check_err(&e, "t.json:2:3: missing required key 'nodes'");
	CU_ASSERT_STRING_EQUAL(e.src, "  {\"x\": 1}");
	err_init(&e);
	jdoc_error(d, NULL, "labels", &e, "expected an object");	/* a missing node: file only */
	check_err(&e, "t.json: labels: expected an object");
	/* the first error wins */
	jdoc_key_error(d, at(jdoc_root(d), "x"), "x", &e, "second");
	check_err(&e, "t.json: labels: expected an object");
	jdoc_destroy(d);
}

/* ---- getters ---- */

static const char GETTERS[] = "{\"n\": 2.5, \"s\": \"x\", \"neg\": -5, \"i\": 7, \"b\": true, \"huge\": 1e20,"
			      " \"pct\": 150, \"m\": 1234567.5, \"mode\": \"local\", \"lb\": \"evn\","
			      " \"ok\": \"Local\", \"z\": null, \"top\": 9223372036854775808,"
			      " \"bottom\": -9223372036854775808}";

/* Run one getter call (as `r`) on a fresh err and check its message. */
#define GETTER_FAILS(call, path_, msg_)                                   \
	do {                                                              \
		err_init(&e);                                             \
		CU_ASSERT_EQUAL(call, -1);                                \
		CU_ASSERT_STRING_EQUAL(e.path, path_);                    \
		if (strcmp(e.msg, msg_) != 0)                             \
			fprintf(stderr, "\n  got:  %s\n  want: %s\n", e.msg, msg_); \
		CU_ASSERT_STRING_EQUAL(e.msg, msg_);                      \
	} while (0)

static void json_should_check_numbers(void)
{
	struct jdoc *d = parse_ok(GETTERS);
	const cJSON *r = jdoc_root(d);
	struct err e;
	double v = -1;

	err_init(&e);
	CU_ASSERT_EQUAL(json_get_number(d, r, "", "n", 0, 10, &v, &e), 1);
	CU_ASSERT_EQUAL(v, 2.5);
	CU_ASSERT_EQUAL(json_get_number(d, r, "", "absent", 0, 10, &v, &e), 0);
	CU_ASSERT_EQUAL(v, 2.5);
	CU_ASSERT_EQUAL(json_get_number(d, r, "", "neg", -INFINITY, INFINITY, &v, &e), 1);
	CU_ASSERT_FALSE(err_is_set(&e));
	GETTER_FAILS(json_get_number(d, r, "", "s", 0, 1, &v, &e), "s", "expected a number, got a string");
	GETTER_FAILS(json_get_number(d, r, "", "b", 0, 1, &v, &e), "b", "expected a number, got a boolean");
	GETTER_FAILS(json_get_number(d, r, "", "z", 0, 1, &v, &e), "z", "expected a number, got null");
	GETTER_FAILS(json_get_number(d, r, "", "neg", 0, DBL_MAX, &v, &e), "neg",
		     "expected a number >= 0, got -5");
	GETTER_FAILS(json_get_number(d, r, "", "pct", -INFINITY, 100, &v, &e), "pct",
		     "expected a number <= 100, got 150");
	GETTER_FAILS(json_get_number(d, r, "", "pct", 0, 1, &v, &e), "pct",
		     "expected a number between 0 and 1, got 150");
	GETTER_FAILS(json_get_number(d, r, "", "m", 0, 1e6, &v, &e), "m",
		     "expected a number between 0 and 1000000, got 1234567.5");
	GETTER_FAILS(json_get_number(d, r, "svc[0].lb", "s", 0, 1, &v, &e), "svc[0].lb.s",
		     "expected a number, got a string");
	CU_ASSERT_EQUAL(v, -5);
	jdoc_destroy(d);
}

static void json_should_check_integers(void)
{
	struct jdoc *d = parse_ok(GETTERS);
	const cJSON *r = jdoc_root(d);
	struct err e;
	long long v = -1;

	err_init(&e);
	CU_ASSERT_EQUAL(json_get_int(d, r, "", "i", 0, 10, &v, &e), 1);
	CU_ASSERT_EQUAL(v, 7);
	CU_ASSERT_EQUAL(json_get_int(d, r, "", "bottom", LLONG_MIN, LLONG_MAX, &v, &e), 1);
	CU_ASSERT_EQUAL(v, LLONG_MIN);
	CU_ASSERT_EQUAL(json_get_int(d, r, "", "absent", 0, 10, &v, &e), 0);
	CU_ASSERT_FALSE(err_is_set(&e));
	GETTER_FAILS(json_get_int(d, r, "", "n", 0, 10, &v, &e), "n", "expected an integer, got 2.5");
	GETTER_FAILS(json_get_int(d, r, "", "s", 0, 10, &v, &e), "s", "expected an integer, got a string");
	GETTER_FAILS(json_get_int(d, r, "", "neg", 0, LLONG_MAX, &v, &e), "neg",
		     "expected an integer >= 0, got -5");
	GETTER_FAILS(json_get_int(d, r, "", "i", LLONG_MIN, 5, &v, &e), "i",
		     "expected an integer <= 5, got 7");
	GETTER_FAILS(json_get_int(d, r, "", "i", 1, 5, &v, &e), "i",
		     "expected an integer between 1 and 5, got 7");
	GETTER_FAILS(json_get_int(d, r, "", "huge", 0, 100, &v, &e), "huge",
		     "expected an integer between 0 and 100, got 1e+20");
	GETTER_FAILS(json_get_int(d, r, "", "huge", LLONG_MIN, LLONG_MAX, &v, &e), "huge",
		     "number out of range");
	GETTER_FAILS(json_get_int(d, r, "", "top", LLONG_MIN, LLONG_MAX, &v, &e), "top",
		     "number out of range");	/* 2^63 does not fit */
	CU_ASSERT_EQUAL(v, LLONG_MIN);
	jdoc_destroy(d);
}

static void json_should_check_strings_and_booleans(void)
{
	struct jdoc *d = parse_ok(GETTERS);
	const cJSON *r = jdoc_root(d);
	const char *s = NULL;
	struct err e;
	int b = -1;

	err_init(&e);
	CU_ASSERT_EQUAL(json_get_string(d, r, "", "s", &s, &e), 1);
	CU_ASSERT_STRING_EQUAL(s, "x");
	CU_ASSERT_EQUAL(json_get_bool(d, r, "", "b", &b, &e), 1);
	CU_ASSERT_EQUAL(b, 1);
	CU_ASSERT_EQUAL(json_get_string(d, r, "", "absent", &s, &e), 0);
	CU_ASSERT_EQUAL(json_get_bool(d, r, "", "absent", &b, &e), 0);
	CU_ASSERT_FALSE(err_is_set(&e));
	GETTER_FAILS(json_get_string(d, r, "", "i", &s, &e), "i", "expected a string, got 7");
	GETTER_FAILS(json_get_string(d, r, "", "b", &s, &e), "b", "expected a string, got a boolean");
	GETTER_FAILS(json_get_bool(d, r, "", "s", &b, &e), "s", "expected true or false, got a string");
	GETTER_FAILS(json_get_bool(d, r, "x", "n", &b, &e), "x.n", "expected true or false, got 2.5");
	check_err(&e, "t.json:1:7: x.n: expected true or false, got 2.5");
	CU_ASSERT_STRING_EQUAL(s, "x");
	CU_ASSERT_EQUAL(b, 1);
	jdoc_destroy(d);
}

static void json_should_check_enums(void)
{
	static const char *const policies[] = { "Cluster", "Local", NULL };
	static const char *const modes[] = { "even", "round-robin", "direct", NULL };
	static const char *const one[] = { "only", NULL };
	struct jdoc *d = parse_ok(GETTERS);
	const cJSON *r = jdoc_root(d);
	struct err e;
	int v = -1;

	err_init(&e);
	CU_ASSERT_EQUAL(json_get_enum(d, r, "", "ok", policies, &v, &e), 1);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(json_get_enum(d, r, "", "absent", policies, &v, &e), 0);
	CU_ASSERT_FALSE(err_is_set(&e));
	GETTER_FAILS(json_get_enum(d, r, "", "mode", policies, &v, &e), "mode",
		     "expected \"Cluster\" or \"Local\", got \"local\" (did you mean \"Local\"?)");
	GETTER_FAILS(json_get_enum(d, r, "", "lb", modes, &v, &e), "lb",
		     "expected one of \"even\", \"round-robin\", \"direct\", got \"evn\" (did you mean \"even\"?)");
	GETTER_FAILS(json_get_enum(d, r, "", "s", policies, &v, &e), "s",
		     "expected \"Cluster\" or \"Local\", got \"x\"");
	GETTER_FAILS(json_get_enum(d, r, "", "s", one, &v, &e), "s", "expected \"only\", got \"x\"");
	GETTER_FAILS(json_get_enum(d, r, "", "i", policies, &v, &e), "i",
		     "expected \"Cluster\" or \"Local\", got 7");
	GETTER_FAILS(json_get_enum(d, r, "", "b", modes, &v, &e), "b",
		     "expected one of \"even\", \"round-robin\", \"direct\", got a boolean");
	CU_ASSERT_EQUAL(v, 1);
	jdoc_destroy(d);
}

static void json_should_measure_edit_distance(void)
{
	static const struct { const char *a, *b; int d; } cases[] = {
		{ "kitten", "sitting", 3 }, { "", "abc", 3 }, { "abc", "", 3 }, { "", "", 0 },
		{ "flaw", "lawn", 2 }, { "replica", "replicas", 1 }, { "same", "same", 0 },
		{ "Local", "local", 1 }, { "evn", "even", 1 }, { "ab", "ba", 2 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CU_ASSERT_EQUAL(json_edit_distance(cases[i].a, cases[i].b), cases[i].d);
}

static void json_should_join_paths(void)
{
	char buf[32], small[8];

	CU_ASSERT_STRING_EQUAL(json_path_join(buf, sizeof buf, "", "a"), "a");
	CU_ASSERT_STRING_EQUAL(json_path_join(buf, sizeof buf, NULL, "a"), "a");
	CU_ASSERT_STRING_EQUAL(json_path_join(buf, sizeof buf, "x[0]", "a"), "x[0].a");
	CU_ASSERT_STRING_EQUAL(json_path_index(buf, sizeof buf, "services", 12), "services[12]");
	CU_ASSERT_STRING_EQUAL(json_path_join(small, sizeof small, "services", "a"), "service");
}

/* ---- --set ---- */

static const char SET_DOC[] = "{\"services\": [{\"name\": \"web\", \"externalTrafficPolicy\": \"Cluster\"},\n"
			      "  {\"name\": \"db\"}], \"loadBalancer\": {\"mode\": \"even\"}, \"one\": [1]}";

static void set_ok(struct jdoc *d, const char *assignment)
{
	struct err e;
	char buf[1200];

	err_init(&e);
	if (jdoc_set(d, assignment, &e) < 0) {
		err_format(&e, buf, sizeof buf);
		fprintf(stderr, "\n%s: %s\n", assignment, buf);
	}
	CU_ASSERT_FALSE(err_is_set(&e));
}

static void set_fails(struct jdoc *d, const char *assignment, const char *want)
{
	struct err e;

	err_init(&e);
	CU_ASSERT_EQUAL(jdoc_set(d, assignment, &e), -1);
	check_err(&e, want);
	CU_ASSERT_EQUAL(e.line, 0);
}

static void json_should_apply_set_overrides(void)
{
	struct jdoc *d = parse_ok(SET_DOC);
	const cJSON *r = jdoc_root(d), *svc = at(r, "services"), *s0 = cJSON_GetArrayItem(svc, 0);
	char *out;

	set_ok(d, "services[0].externalTrafficPolicy=Local");
	CU_ASSERT_STRING_EQUAL(at(s0, "externalTrafficPolicy")->valuestring, "Local");
	set_ok(d, "loadBalancer.mode=\"direct\"");
	CU_ASSERT_STRING_EQUAL(at(at(r, "loadBalancer"), "mode")->valuestring, "direct");
	set_ok(d, "seed=42");
	CU_ASSERT_EQUAL(at(r, "seed")->valuedouble, 42);
	set_ok(d, "flag=true");
	CU_ASSERT(cJSON_IsTrue(at(r, "flag")));
	set_ok(d, "network.latency_ms.same_node=0.5");
	CU_ASSERT_EQUAL(at(at(at(r, "network"), "latency_ms"), "same_node")->valuedouble, 0.5);
	set_ok(d, "services[1]={\"name\": \"cache\", \"tags\": [1, 2]}");
	CU_ASSERT_STRING_EQUAL(at(cJSON_GetArrayItem(svc, 1), "name")->valuestring, "cache");
	set_ok(d, "services[0].name=");
	CU_ASSERT_STRING_EQUAL(at(s0, "name")->valuestring, "");
	set_ok(d, "x=a=b");	/* split on the first '=' */
	CU_ASSERT_STRING_EQUAL(at(r, "x")->valuestring, "a=b");
	set_ok(d, "one[0]=[1, {\"k\": null}]");
	set_ok(d, "loadBalancer={\"mode\": \"round-robin\"}");
	out = cJSON_PrintUnformatted(r);
	CU_ASSERT_STRING_EQUAL(out, "{\"services\":[{\"name\":\"\",\"externalTrafficPolicy\":\"Local\"},"
			       "{\"name\":\"cache\",\"tags\":[1,2]}],\"loadBalancer\":{\"mode\":\"round-robin\"},"
			       "\"one\":[[1,{\"k\":null}]],\"seed\":42,\"flag\":true,"
			       "\"network\":{\"latency_ms\":{\"same_node\":0.5}},\"x\":\"a=b\"}");
	cJSON_free(out);
	jdoc_destroy(d);
}

static void json_should_reject_bad_set_overrides(void)
{
	struct jdoc *d = parse_ok(SET_DOC);
	char *before = cJSON_PrintUnformatted(jdoc_root(d)), *after;

	set_fails(d, "xyz", "--set: expected KEY=VALUE, got 'xyz'");
	set_fails(d, "=3", "--set: expected KEY=VALUE, got '=3'");
	set_fails(d, "services[5].name=x", "--set: services[5]: index 5 out of range (array has 2 items)");
	set_fails(d, "one[1]=2", "--set: one[1]: index 1 out of range (array has 1 item)");
	set_fails(d, "services[99999999999999999999]=1", "--set: services[99999999999999999999]: "
		  "index 99999999999999999999 out of range (array has 2 items)");
	set_fails(d, "loadBalancer.mode.x=1",
		  "--set: loadBalancer.mode: expected an object for '.x', got a string");
	set_fails(d, "loadBalancer[0]=1", "--set: loadBalancer: expected an array for '[0]', got an object");
	set_fails(d, "services[0][1]=1", "--set: services[0]: expected an array for '[1]', got an object");
	set_fails(d, "nothere.deeper[0]=1",
		  "--set: nothere: not found; --set creates missing objects but not arrays");
	set_fails(d, "a..b=1",
		  "--set: invalid key 'a..b' (expected names and [indexes], as in services[0].name)");
	set_fails(d, "[0]=1", "--set: invalid key '[0]' (expected names and [indexes], as in services[0].name)");
	set_fails(d, "a[x]=1", "--set: invalid key 'a[x]' (expected names and [indexes], as in services[0].name)");
	set_fails(d, "a[1=1", "--set: invalid key 'a[1' (expected names and [indexes], as in services[0].name)");
	set_fails(d, "a.=1", "--set: invalid key 'a.' (expected names and [indexes], as in services[0].name)");
	set_fails(d, "a b=1", "--set: invalid key 'a b' (expected names and [indexes], as in services[0].name)");
	after = cJSON_PrintUnformatted(jdoc_root(d));
	CU_ASSERT_STRING_EQUAL(before, after);	/* failed overrides change nothing */
	cJSON_free(before);
	cJSON_free(after);
	jdoc_destroy(d);
}

static void json_should_report_set_nodes_as_set(void)
{
	static const char *const policies[] = { "Cluster", "Local", NULL };
	struct jdoc *d = parse_ok(SET_DOC);
	const cJSON *r = jdoc_root(d), *s0 = cJSON_GetArrayItem(at(r, "services"), 0);
	struct err e;
	int v;

	set_ok(d, "services[0].externalTrafficPolicy=Locale");
	err_init(&e);
	CU_ASSERT_EQUAL(json_get_enum(d, s0, "services[0]", "externalTrafficPolicy", policies, &v, &e), -1);
	check_err(&e, "--set: services[0].externalTrafficPolicy: expected \"Cluster\" or \"Local\", "
		  "got \"Locale\" (did you mean \"Local\"?)");
	CU_ASSERT_STRING_EQUAL(e.src, "");
	check_at(d, at(s0, "externalTrafficPolicy"), 0, 0, 0);
	check_at(d, at(s0, "externalTrafficPolicy"), 1, 0, 0);
	check_at(d, at(s0, "name"), 0, 1, 24);	/* its sibling keeps its place */
	set_ok(d, "network.latency_ms.same_node=1");
	check_at(d, at(r, "network"), 0, 0, 0);
	check_at(d, at(at(r, "network"), "latency_ms"), 1, 0, 0);
	check_at(d, cJSON_GetArrayItem(at(r, "services"), 1), 0, 2, 3);
	jdoc_destroy(d);
}

/* Replaced nodes are freed; nodes made later may get their addresses and
 * must not inherit their locations. */
static void json_should_not_reuse_locations_of_replaced_nodes(void)
{
	struct jdoc *d = parse_ok("{\"a\": {\"x\": 1, \"y\": [1, 2, {\"z\": \"s\"}]}, \"b\": [[1], [2]], \"c\": 0}");
	const cJSON *r = jdoc_root(d), *n;
	char set[64];

	set_ok(d, "a=1");
	set_ok(d, "b[0]=\"gone\"");
	for (int i = 0; i < 20; i++) {
		snprintf(set, sizeof set, "k%d={\"x\": 1, \"y\": [1, 2, {\"z\": \"s\"}]}", i);
		set_ok(d, set);
	}
	for (int i = 0; i < 20; i++) {
		snprintf(set, sizeof set, "k%d", i);
		n = at(r, set);
		check_at(d, n, 0, 0, 0);
		check_at(d, at(n, "x"), 1, 0, 0);
		for (const cJSON *c = at(n, "y")->child; c; c = c->next)
			check_at(d, c, 0, 0, 0);
		check_at(d, at(cJSON_GetArrayItem(at(n, "y"), 2), "z"), 0, 0, 0);
	}
	check_at(d, cJSON_GetArrayItem(at(r, "b"), 1), 0, 1, 53);
	check_at(d, at(r, "c"), 1, 1, 59);
	jdoc_destroy(d);
}

CU_ErrorCode suite_json(void)
{
	static const struct test_case cases[] = {
		{ "json_should_report_line_and_column_of_values_and_keys",
		  json_should_report_line_and_column_of_values_and_keys },
		{ "json_should_count_columns_in_bytes_after_a_bom", json_should_count_columns_in_bytes_after_a_bom },
		{ "json_should_report_line_and_column_of_unknown_key",
		  json_should_report_line_and_column_of_unknown_key },
		{ "json_should_keep_tabs_and_drop_cr_in_the_source_line",
		  json_should_keep_tabs_and_drop_cr_in_the_source_line },
		{ "json_should_cut_long_source_lines_and_drop_them_past_the_cut",
		  json_should_cut_long_source_lines_and_drop_them_past_the_cut },
		{ "json_should_report_unreadable_file_and_directory",
		  json_should_report_unreadable_file_and_directory },
		{ "json_should_report_empty_file", json_should_report_empty_file },
		{ "json_should_refuse_file_over_size_limit", json_should_refuse_file_over_size_limit },
		{ "json_should_refuse_results_file_over_its_limit", json_should_refuse_results_file_over_its_limit },
		{ "json_should_accept_file_at_size_limit", json_should_accept_file_at_size_limit },
		{ "json_should_report_nul_byte", json_should_report_nul_byte },
		{ "json_should_report_invalid_utf8", json_should_report_invalid_utf8 },
		{ "json_should_report_syntax_errors_where_they_are", json_should_report_syntax_errors_where_they_are },
		{ "json_should_accept_what_strict_json_accepts", json_should_accept_what_strict_json_accepts },
		{ "json_should_survive_deep_nesting", json_should_survive_deep_nesting },
		{ "json_should_survive_garbage", json_should_survive_garbage },
		{ "json_should_report_huge_numbers_out_of_range", json_should_report_huge_numbers_out_of_range },
		{ "json_should_suggest_the_closest_key", json_should_suggest_the_closest_key },
		{ "json_should_report_duplicate_key_at_second_occurrence",
		  json_should_report_duplicate_key_at_second_occurrence },
		{ "json_should_name_the_kind_of_a_non_object", json_should_name_the_kind_of_a_non_object },
		{ "json_should_report_errors_at_nodes", json_should_report_errors_at_nodes },
		{ "json_should_check_numbers", json_should_check_numbers },
		{ "json_should_check_integers", json_should_check_integers },
		{ "json_should_check_strings_and_booleans", json_should_check_strings_and_booleans },
		{ "json_should_check_enums", json_should_check_enums },
		{ "json_should_measure_edit_distance", json_should_measure_edit_distance },
		{ "json_should_join_paths", json_should_join_paths },
		{ "json_should_apply_set_overrides", json_should_apply_set_overrides },
		{ "json_should_reject_bad_set_overrides", json_should_reject_bad_set_overrides },
		{ "json_should_report_set_nodes_as_set", json_should_report_set_nodes_as_set },
		{ "json_should_not_reuse_locations_of_replaced_nodes",
		  json_should_not_reuse_locations_of_replaced_nodes },
		{ NULL, NULL },
	};

	return tests_add("json", cases);
}
