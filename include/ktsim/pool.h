/* pool — fixed-size records with a free list and doubling growth.
 *
 * Records are addressed by 32-bit index, so growth (which may move the
 * array) never invalidates a handle; pointers from pool_at are valid only
 * until the next pool_get. A freed slot is reused first (LIFO), so memory is
 * bounded by the peak number of live records, never by the total allocated.
 * The cap (`max`) turns runaway growth into an error naming the knob.
 * Ownership: the pool owns its array; pool_fini frees it. */
#ifndef KTSIM_POOL_H
#define KTSIM_POOL_H

#include <stddef.h>
#include <stdint.h>

#define POOL_NONE UINT32_MAX

struct pool {
	unsigned char *items;
	size_t size;       /* bytes per record, >= 4 */
	uint32_t cap, used, live, free_head, max;
};

/* Initialise for records of `size` bytes, at most `max` live at once. */
void pool_init(struct pool *p, size_t size, uint32_t max);
void pool_fini(struct pool *p);
/* A free record's index, or POOL_NONE when `max` records are live. */
uint32_t pool_get(struct pool *p);
/* Return record i to the free list. */
void pool_put(struct pool *p, uint32_t i);
/* Address of record i. */
static inline void *pool_at(const struct pool *p, uint32_t i) { return p->items + (size_t)i * p->size; }

#endif
