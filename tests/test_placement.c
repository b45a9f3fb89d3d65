/* placement: filled in with the scheduler model. */
#include "tests.h"

CU_ErrorCode suite_placement(void)
{
	static const struct test_case cases[] = { { NULL, NULL } };
	return tests_add("placement", cases);
}
