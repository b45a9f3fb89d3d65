/* mem — checked allocation (see mem.h). */
#include "ktsim/mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void out_of_memory(size_t n)
{
	fprintf(stderr, "ktsim: out of memory allocating %zu bytes\n", n);
	exit(1);
}

void *ks_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		out_of_memory(n);
	return p;
}

void *ks_calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		out_of_memory(SIZE_MAX);
	p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		out_of_memory(n * size);
	return p;
}

void *ks_realloc(void *p, size_t n, size_t size)
{
	void *q;

	if (size && n > SIZE_MAX / size)
		out_of_memory(SIZE_MAX);
	q = realloc(p, (n * size) != 0 ? n * size : 1);
	if (q == NULL)
		out_of_memory(n * size);
	return q;
}

char *ks_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = ks_malloc(n);

	memcpy(p, s, n);
	return p;
}

void ks_free(void *p)
{
	free(p);
}
