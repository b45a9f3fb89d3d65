/* json_int — what the pieces of the json module share: the file name of
 * values set on the command line, kinds of values for messages, and the hook
 * by which jdoc_set drops the locations of a subtree it replaces. Internal
 * to sim/json*.c. */
#ifndef KTSIM_JSON_INT_H
#define KTSIM_JSON_INT_H

#include "ktsim/json.h"

#define JSON_SET_FILE "--set"	/* the "file" of a value jdoc_set inserted */

/* What a value is, for messages: "an object", "a string", ..., "null". */
const char *json_kind(const cJSON *n);
/* Before jdoc_set frees a subtree: a later node may reuse a freed address,
 * and must not inherit the old node's location. */
void jdoc_forget(struct jdoc *d, const cJSON *node);

#endif
