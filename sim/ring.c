/* ring — a growable FIFO of fixed-size records (see ring.h). */
#include "ktsim/ring.h"

#include <string.h>

#include "ktsim/err.h"
#include "ktsim/mem.h"

void ring_init(struct ring *r, size_t size, size_t expect)
{
	KS_ASSERT(size > 0);
	memset(r, 0, sizeof *r);
	r->size = size;
	if (expect == 0)
		return;
	r->cap = 16;
	while (r->cap < expect && r->cap < ((size_t)1 << 40))
		r->cap *= 2;
	/* from 8 MB on on huge pages (mem.c), 512 times fewer faults;
	 * below, touched now */
	r->buf = ks_calloc(r->cap, size);
	if (r->cap * size < ((size_t)8 << 20))
		memset(r->buf, 0, r->cap * size);
}

void ring_fini(struct ring *r)
{
	ks_free(r->buf);
	memset(r, 0, sizeof *r);
}

void ring_grow(struct ring *r)
{
	/* Unwrap into a twice larger array. */
	size_t cap = r->cap ? 2 * r->cap : 16, first = r->cap - r->head;
	char *b = ks_malloc(cap * r->size);

	if (r->len > 0) {
		memcpy(b, r->buf + r->head * r->size, first * r->size);
		memcpy(b + first * r->size, r->buf, r->head * r->size);
	}
	ks_free(r->buf);
	r->buf = b;
	r->head = 0;
	r->cap = cap;
}
