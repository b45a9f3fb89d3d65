/* CUnit runner: every module's suite; exit status 1 when any test fails.
 * Run from the tests/ directory (fixtures are found relative to it);
 * `-v` lists every test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <CUnit/Basic.h>

#include "ktsim/mem.h"
#include "ktsim/scenario.h"
#include "tests.h"

void tests_temp_file(char *path, const void *data, size_t n)
{
	int fd;

	strcpy(path, "/tmp/ktsim-test-XXXXXX");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, data, n) == (ssize_t)n);
	close(fd);
}

char *tests_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	CU_ASSERT_FATAL(f != NULL);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	p = ks_malloc((size_t)n + 1);
	CU_ASSERT_FATAL(fread(p, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	p[n] = '\0';
	if (len)
		*len = (size_t)n;
	return p;
}

struct cluster *tests_load_text(const char *text, const char *const *sets, int nsets,
				struct err *e)
{
	char path[32];
	struct cluster *c = NULL;
	struct err own;

	tests_temp_file(path, text, strlen(text));
	err_init(e ? e : &own);
	if (scenario_load(&c, path, sets, nsets, e ? e : &own) < 0 && e == NULL)
		err_print(stderr, &own);
	unlink(path);
	if (e == NULL)
		CU_ASSERT_FATAL(c != NULL);
	return c;
}

CU_ErrorCode tests_add(const char *name, const struct test_case *cases)
{
	CU_pSuite s = CU_add_suite(name, NULL, NULL);

	if (s == NULL)
		return CU_get_error();
	for (; cases->name; cases++)
		if (CU_add_test(s, cases->name, cases->fn) == NULL)
			return CU_get_error();
	return CUE_SUCCESS;
}

int main(int argc, char **argv)
{
	CU_ErrorCode (*suites[])(void) = {
		suite_engine, suite_rng, suite_dist, suite_stats, suite_pool, suite_ring,
		suite_json, suite_jsonw, suite_ofile, suite_metrics, suite_scenario, suite_placement, suite_seeds, suite_capacity, suite_dataplane, suite_dynamics, suite_plot, suite_importer, suite_ipvs, suite_maglev,
	};
	unsigned failed;
	int verbose = 0;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
		if (suites[i]() != CUE_SUCCESS) {
			fprintf(stderr, "cannot register suite %zu: %s\n", i, CU_get_error_msg());
			return 2;
		}
	/* ktsim-tests [-v] [SUITE [TEST]]: verbose, one suite, one test */
	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		verbose = 1;
		argc--;
		argv++;
	}
	CU_basic_set_mode(verbose ? CU_BRM_VERBOSE : CU_BRM_NORMAL);
	if (argc > 1) {
		CU_pSuite suite = CU_get_suite(argv[1]);
		CU_pTest test = suite && argc > 2 ? CU_get_test(suite, argv[2]) : NULL;

		if (suite == NULL || (argc > 2 && test == NULL)) {
			fprintf(stderr, "no such suite or test: %s%s%s\n", argv[1], argc > 2 ? " " : "",
				argc > 2 ? argv[2] : "");
			CU_cleanup_registry();
			return 2;
		}
		if (test)
			CU_basic_run_test(suite, test);
		else
			CU_basic_run_suite(suite);
	} else {
		CU_basic_run_tests();
	}
	failed = CU_get_number_of_tests_failed() + CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
