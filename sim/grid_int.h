/* grid_int — the value axes of `compare` and `sweep`: a scenario key path and
 * the values to try, and the combinations they span (the first axis
 * changing slowest, as nested loops). Internal to the command line. */
#ifndef KTSIM_GRID_INT_H
#define KTSIM_GRID_INT_H

#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

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
/* Write s as one CSV field, quoted (RFC 4180) when it holds a comma, a quote
 * or a newline; for the tables of compare and sweep. */
void grid_csv_field(FILE *f, const char *s);
/* The number (else 0) and the string (else "") under key k of object o, as
 * the tables read results back. */
double grid_num(const cJSON *o, const char *k);
const char *grid_str(const cJSON *o, const char *k);

#endif
