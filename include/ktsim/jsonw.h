/* jsonw — JSON written out as it is produced, laid out byte for byte as
 * cJSON_Print lays out the same tree, without building the tree.
 *
 * The layout: an object opens with "{" and a newline, each member on its own
 * line, indented by one tab per enclosing object or array, as "key":<TAB>value,
 * members separated by ",", the closing "}" indented one tab less; an array
 * stays on one line as [a, b] (objects in it indent by their depth). Numbers
 * print as cJSON prints them: %1.15g when that reads back within DBL_EPSILON
 * (relative), else %1.17g; NaN and infinities as null. Strings are escaped as
 * cJSON escapes them (", \, \b \f \n \r \t, other control bytes as \u00XX).
 * Members are written with their key, array elements and the root with key
 * NULL. Nesting is at most JSONW_MAX_DEPTH deep.
 * Ownership: the writer borrows its ofile and copies every string at once. */
#ifndef KTSIM_JSONW_H
#define KTSIM_JSONW_H

#include <stdint.h>

#include "ktsim/ofile.h"

#define JSONW_MAX_DEPTH 64

struct jsonw {
	struct ofile *o;
	int depth;         /* objects and arrays open */
	uint64_t is_array; /* bit d: the container at depth d+1 is an array */
	uint64_t nonempty; /* bit d: it has an item already */
};

/* Start a document written to o. */
void jsonw_init(struct jsonw *w, struct ofile *o);
/* Open an object or an array (as member `key`, or NULL: an element or the root). */
void jsonw_object(struct jsonw *w, const char *key);
void jsonw_array(struct jsonw *w, const char *key);
/* Close the innermost open object or array. */
void jsonw_end(struct jsonw *w);
/* A number, a string (not NULL) and a boolean (true when b is nonzero). */
void jsonw_number(struct jsonw *w, const char *key, double v);
void jsonw_string(struct jsonw *w, const char *key, const char *s);
void jsonw_bool(struct jsonw *w, const char *key, int b);

#endif
