/* json — cJSON behind one boundary, with what cJSON lacks: line and column
 * of every value and key, strict objects (unknown keys with a did-you-mean,
 * duplicate keys), typed getters with ranges, and key-path overrides.
 *
 * jdoc_load reads a whole file and parses it with
 * cJSON_ParseWithLengthOpts(..., require_null_terminated=1); a pre-order scan
 * of the text records each value's (and member key's) byte offset in
 * document order, which matches cJSON's child order, and a pointer map turns
 * a cJSON node into its offset; a binary search over line starts turns an
 * offset into line:column (jq's locfile). Nodes inserted by jdoc_set have no
 * location and are reported as coming from "--set".
 * Getters return 1 when the key is present and valid (*out written), 0 when
 * absent (*out untouched), -1 on error (err filled: file:line:col, key path,
 * "expected ..., got ..." message). Only case-sensitive lookups are used.
 * Ownership: the jdoc owns the text and the cJSON tree; cJSON pointers and
 * strings returned are borrowed and live until jdoc_destroy. */
#ifndef KTSIM_JSON_H
#define KTSIM_JSON_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "ktsim/err.h"

#define JSON_MAX_FILE_BYTES (64u << 20) /* larger scenarios are refused */
/* A run's results.json: 150,000 pods write about 90 MB of it. */
#define JSON_MAX_RESULTS_BYTES (1024u << 20)

struct jdoc;

/* Read and parse `path`. Missing, unreadable, a directory, empty, too large,
 * containing NUL or invalid UTF-8, or not valid JSON -> -1 with err (code
 * ERR_INPUT) naming file, line and column. */
int jdoc_load(struct jdoc **out, const char *path, struct err *e);
/* jdoc_load for a run's results.json (plot, sweep): up to
 * JSON_MAX_RESULTS_BYTES. */
int jdoc_load_results(struct jdoc **out, const char *path, struct err *e);
/* Parse an in-memory buffer; `name` is used as the file name in errors. */
int jdoc_parse(struct jdoc **out, const char *name, const char *buf, size_t len, struct err *e);
/* Free the document; NULL does nothing. */
void jdoc_destroy(struct jdoc *d);
/* The root value and the file name. */
cJSON *jdoc_root(const struct jdoc *d);
const char *jdoc_file(const struct jdoc *d);

/* 1-based line and column of a value (or, with _key, of the member's key);
 * 0,0 when the node has no location (inserted by jdoc_set). */
void jdoc_locate(const struct jdoc *d, const cJSON *node, int *line, int *col);
void jdoc_locate_key(const struct jdoc *d, const cJSON *member, int *line, int *col);

/* Set err to an input error located at `node` (its value) with key path
 * `path`; always returns -1. */
int jdoc_error(const struct jdoc *d, const cJSON *node, const char *path, struct err *e,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Same, located at the member's key (for unknown or duplicate keys). */
int jdoc_key_error(const struct jdoc *d, const cJSON *member, const char *path, struct err *e,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Check that `node` is an object whose keys are all in the NULL-terminated
 * `allowed` list and none appears twice. Errors: "expected an object, got an
 * array"; "unknown key 'replica' (did you mean 'replicas'?)"; "duplicate
 * key 'name'". path is the object's own path ("" for the root). */
int json_check_object(const struct jdoc *d, const cJSON *node, const char *path,
		      const char *const *allowed, struct err *e);
/* Check that `node` is an array ("expected an array, got a string"). */
int json_check_array(const struct jdoc *d, const cJSON *node, const char *path, struct err *e);
/* The member `key` of obj or NULL (case-sensitive). */
const cJSON *json_member(const cJSON *obj, const char *key);
/* "path.key" (or "key" when path is empty) into buf. */
const char *json_path_join(char *buf, size_t n, const char *path, const char *key);
/* "path[i]" into buf. */
const char *json_path_index(char *buf, size_t n, const char *path, int i);

/* Typed getters for obj[key] (see the return convention above). Ranges are
 * inclusive; -DBL_MAX/DBL_MAX (or infinities) and LLONG_MIN/LLONG_MAX mean
 * no bound on that side. Messages read e.g. "expected a number >= 0, got -5"
 * or "expected an integer, got 2.5" or "expected a string, got 3". */
int json_get_number(const struct jdoc *d, const cJSON *obj, const char *path, const char *key,
		    double min, double max, double *out, struct err *e);
int json_get_int(const struct jdoc *d, const cJSON *obj, const char *path, const char *key,
		 long long min, long long max, long long *out, struct err *e);
int json_get_string(const struct jdoc *d, const cJSON *obj, const char *path, const char *key,
		    const char **out, struct err *e);
int json_get_bool(const struct jdoc *d, const cJSON *obj, const char *path, const char *key,
		  int *out, struct err *e);
/* A string that must be one of the NULL-terminated `names`; *out is its index.
 * Error: expected "Cluster" or "Local", got "local" (did you mean "Local"?). */
int json_get_enum(const struct jdoc *d, const cJSON *obj, const char *path, const char *key,
		  const char *const *names, int *out, struct err *e);

/* Apply `--set KEY=VALUE`: KEY is a path like services[0].externalTrafficPolicy
 * or loadBalancer.mode; intermediate objects are created, array indexes must
 * exist. VALUE is parsed as JSON when it is valid JSON, else taken as a
 * string. Errors name "--set" as the file. */
int jdoc_set(struct jdoc *d, const char *assignment, struct err *e);

/* Levenshtein distance, for did-you-mean suggestions. */
int json_edit_distance(const char *a, const char *b);

#endif
