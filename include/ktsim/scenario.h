/* scenario — a scenario file in, a validated and placed cluster out.
 *
 * Every key is checked: unknown keys (with a did-you-mean), wrong types,
 * out-of-range numbers, unknown enum values and dangling references (a pod
 * pinned to a missing node, a client of a missing Service) are errors that
 * name the file, line, column and key path; nothing half-built is returned.
 * Overrides (`--set KEY=VALUE`) are applied to the document before
 * validation, so they are checked like the file itself.
 * Ownership: on success *out is a new cluster the caller destroys. */
#ifndef KTSIM_SCENARIO_H
#define KTSIM_SCENARIO_H

#include <stddef.h>

#include "ktsim/cluster.h"
#include "ktsim/err.h"

/* Load `path`, apply the nsets assignments in sets[], validate, place pods
 * and compute endpoints. Returns 0, or -1 with e set (code ERR_INPUT). */
int scenario_load(struct cluster **out, const char *path, const char *const *sets, int nsets,
		  struct err *e);

/* The same from a buffer; `name` stands for the file in errors. */
int scenario_parse(struct cluster **out, const char *name, const char *buf, size_t len,
		   struct err *e);

#endif
