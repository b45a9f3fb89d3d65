/* tests — one CUnit suite per module; each test_<m>.c defines suite_<m>()
 * which adds its suite and tests to the registry and returns CUE_SUCCESS. */
#ifndef KTSIM_TESTS_H
#define KTSIM_TESTS_H

#include <stddef.h>
#include <CUnit/CUnit.h>

CU_ErrorCode suite_engine(void);
CU_ErrorCode suite_rng(void);
CU_ErrorCode suite_dist(void);
CU_ErrorCode suite_stats(void);
CU_ErrorCode suite_pool(void);
CU_ErrorCode suite_ring(void);
CU_ErrorCode suite_json(void);
CU_ErrorCode suite_jsonw(void);
CU_ErrorCode suite_ofile(void);
CU_ErrorCode suite_metrics(void);
CU_ErrorCode suite_scenario(void);
CU_ErrorCode suite_seeds(void);
CU_ErrorCode suite_placement(void);
CU_ErrorCode suite_capacity(void);
CU_ErrorCode suite_dataplane(void);
CU_ErrorCode suite_dynamics(void);
CU_ErrorCode suite_plot(void);
CU_ErrorCode suite_importer(void);
CU_ErrorCode suite_ipvs(void);
CU_ErrorCode suite_maglev(void);

/* Add a suite named `name` with the NULL-terminated tests; returns the error. */
struct test_case { const char *name; CU_TestFunc fn; };
CU_ErrorCode tests_add(const char *name, const struct test_case *cases);

struct cluster;
struct err;
/* Write n bytes of data to a fresh /tmp file whose name goes to path (at
 * least 32 bytes); fails the test fatally when it cannot. Caller unlinks. */
void tests_temp_file(char *path, const void *data, size_t n);
/* The whole of file path, NUL-terminated (ks_free it); its length, without
 * the NUL, to *len when len is not NULL. Fails the test fatally when it
 * cannot be read. */
char *tests_read_file(const char *path, size_t *len);
/* Load scenario text as `ktsim run` would (a file, then scenario_load, with
 * --set values). With e, a bad scenario returns NULL and the error in e;
 * without, it is printed and fails the test fatally. */
struct cluster *tests_load_text(const char *text, const char *const *sets, int nsets,
				struct err *e);

#endif
