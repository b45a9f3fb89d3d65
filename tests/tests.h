/* tests — one CUnit suite per module; each test_<m>.c defines suite_<m>()
 * which adds its suite and tests to the registry and returns CUE_SUCCESS. */
#ifndef KTSIM_TESTS_H
#define KTSIM_TESTS_H

#include <CUnit/CUnit.h>

CU_ErrorCode suite_engine(void);
CU_ErrorCode suite_rng(void);
CU_ErrorCode suite_dist(void);
CU_ErrorCode suite_stats(void);
CU_ErrorCode suite_pool(void);
CU_ErrorCode suite_json(void);
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

#endif
