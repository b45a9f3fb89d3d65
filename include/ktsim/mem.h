/* mem — every allocation goes through here.
 *
 * ks_malloc and friends never return NULL: on exhaustion they print which
 * allocation failed and exit with status 1 (a run failure, not bad input).
 * Ownership: memory from ks_* is freed with ks_free (which accepts NULL). */
#ifndef KTSIM_MEM_H
#define KTSIM_MEM_H

#include <stddef.h>

/* Allocate n bytes (uninitialized); exits on failure. */
void *ks_malloc(size_t n);
/* Allocate n*size zeroed bytes, checking the product for overflow. */
void *ks_calloc(size_t n, size_t size);
/* Like ks_calloc, but the block starts on a 64-byte cache line (for arrays
 * of line-sized records). Free with ks_free. */
void *ks_calloc_lines(size_t n, size_t size);
/* Resize p to n*size bytes, checking the product for overflow. */
void *ks_realloc(void *p, size_t n, size_t size);
/* Duplicate a NUL-terminated string. */
char *ks_strdup(const char *s);
/* Free memory from ks_*; NULL is ignored. */
void ks_free(void *p);

#endif
