/* pool — fixed-size records addressed by index (see pool.h).
 *
 * Slots [0, used) have been handed out at least once; slots [used, cap) are
 * fresh. A put slot joins a LIFO free list whose links (the next free index,
 * POOL_NONE at the end) are stored in the first 4 bytes of the free record
 * itself, so the list costs no memory. The array grows by doubling from 64
 * records, never beyond `max`. */
#include "ktsim/pool.h"

#include <string.h>

#include "ktsim/err.h"
#include "ktsim/mem.h"

#define POOL_MIN_CAP 64u

void pool_init(struct pool *p, size_t size, uint32_t max)
{
	KS_ASSERT(size >= sizeof(uint32_t));
	memset(p, 0, sizeof *p);
	p->size = size;
	p->max = max;
	p->free_head = POOL_NONE;
}

void pool_fini(struct pool *p)
{
	ks_free(p->items);
	p->items = NULL;
	p->cap = p->used = p->live = 0;
	p->free_head = POOL_NONE;
}

uint32_t pool_get(struct pool *p)
{
	uint32_t i;

	if (p->live == p->max)
		return POOL_NONE;
	if (p->free_head != POOL_NONE) {
		i = p->free_head;
		memcpy(&p->free_head, pool_at(p, i), sizeof p->free_head);
	} else {
		if (p->used == p->cap) {
			uint64_t cap = p->cap ? 2 * (uint64_t)p->cap : POOL_MIN_CAP;

			p->cap = (uint32_t)(cap < p->max ? cap : p->max);
			p->items = ks_realloc(p->items, p->cap, p->size);
		}
		i = p->used++;
	}
	p->live++;
	return i;
}

void pool_put(struct pool *p, uint32_t i)
{
	KS_ASSERT(i < p->used);
	KS_ASSERT(p->live > 0);
	memcpy(pool_at(p, i), &p->free_head, sizeof p->free_head);
	p->free_head = i;
	p->live--;
}
