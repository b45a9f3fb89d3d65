/* grid_int — the value axes of `compare` and `sweep`: a scenario key path and
 * the values to try, and the combinations they span (the first axis
 * changing slowest, as nested loops). Internal to the command line. */
#ifndef KTSIM_GRID_INT_H
#define KTSIM_GRID_INT_H

#include <stddef.h>

struct grid_axis {
	char key[256];
	char **values;
	int n;
};

/* Parse "KEY=V1,V2,..." (commas inside [..], {..} or quotes do not split)
 * and, with ranges, "KEY=A:B[:STEP]" (numbers from A to B inclusive, step
 * 1 by default). Returns 0, or 2 after a usage error naming verb. */
int grid_parse(const char *verb, const char *arg, int ranges, struct grid_axis *ax);
void grid_axis_fini(struct grid_axis *ax);
/* The value index of axis a in combination k. */
int grid_index(const struct grid_axis *ax, int nax, int a, int k);
/* A directory-safe rendering of a value. */
void grid_sanitize(char *dst, size_t n, const char *src);

#endif
