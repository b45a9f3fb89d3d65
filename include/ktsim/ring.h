/* ring — a growable FIFO of fixed-size records.
 *
 * The records sit in one array used circularly; its capacity is a power of
 * two, so positions wrap with a mask. When full, a push unwraps the records
 * into an array twice as large (amortised O(1), no allocation in steady
 * state). Used for what lingers for a fixed time after a connection closes
 * (conntrack and SNAT entries, IPVS inactive connections): with one linger
 * for all, expiry times come in push order and expiry is a pop.
 * Ownership: the ring owns its array. */
#ifndef KTSIM_RING_H
#define KTSIM_RING_H

#include <stddef.h>

struct ring {
	char *buf;
	size_t size;             /* bytes per record */
	size_t cap, head, len;   /* cap: 0 or a power of two */
};

/* Start empty for records of `size` bytes, with room for at least `expect`
 * (0: nothing allocated until the first push). The array is zeroed up
 * front, so its page faults fall in set-up rather than in the run. */
void ring_init(struct ring *r, size_t size, size_t expect);
void ring_fini(struct ring *r);
/* Double the array, keeping the records in order (ring_push's slow path). */
void ring_grow(struct ring *r);
/* The k-th record from the front (k < len). */
static inline void *ring_at(const struct ring *r, size_t k)
{
	return r->buf + ((r->head + k) & (r->cap - 1)) * r->size;
}
/* A slot for a new last record (growing the array when full). Inline: a
 * connection pushes one as it closes. */
static inline void *ring_push(struct ring *r)
{
	if (r->len == r->cap)
		ring_grow(r);
	r->len++;
	return ring_at(r, r->len - 1);
}
/* Drop the front record (len > 0). */
static inline void ring_pop(struct ring *r)
{
	r->head = (r->head + 1) & (r->cap - 1);
	r->len--;
}

#endif
