/* mem — checked allocation (see mem.h). */
#define _DEFAULT_SOURCE /* madvise's MADV_HUGEPAGE */
#include "ktsim/mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Zeroed blocks this large sit on 2 MiB boundaries and ask for transparent
 * huge pages (where the kernel allows them: madvise mode is common), so a
 * table read at random (per-node rows of 1,000 Services at 5,000 nodes) costs
 * one TLB entry per 2 MiB and one page fault per 2 MiB instead of 512. */
#define HUGE_MIN ((size_t)8 << 20)
#define HUGE_PAGE ((size_t)2 << 20)

static void *calloc_huge(size_t bytes)
{
	size_t len = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
	void *p = aligned_alloc(HUGE_PAGE, len);

	if (p == NULL)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, len, MADV_HUGEPAGE); /* advice only: failure is harmless */
#endif
	return memset(p, 0, bytes);
}

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
	if (n * size >= HUGE_MIN && n * size < SIZE_MAX - HUGE_PAGE)
		p = calloc_huge(n * size);
	else
		p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		out_of_memory(n * size);
	return p;
}

void *ks_calloc_lines(size_t n, size_t size)
{
	size_t bytes;
	void *p;

	if (size && n > (SIZE_MAX - 63) / size)
		out_of_memory(SIZE_MAX);
	bytes = (n * size + 63) / 64 * 64; /* aligned_alloc wants a multiple */
	if (bytes >= HUGE_MIN)
		return ks_calloc(bytes, 1); /* on 2 MiB boundaries, zeroed */
	p = aligned_alloc(64, bytes ? bytes : 64);
	if (p == NULL)
		out_of_memory(bytes);
	return memset(p, 0, bytes ? bytes : 64);
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
