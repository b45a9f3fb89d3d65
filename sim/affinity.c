/* affinity — per-node ClientIP affinity tables (see affinity.h).
 *
 * The unbounded table is open addressing with linear probing; expired
 * entries are overwritten in place rather than deleted, so it never needs
 * tombstones and grows only with distinct recent clients. The xt_recent
 * lists are small arrays kept oldest-first, as the kernel's LRU list is. */
#include "ktsim/affinity.h"

#include <string.h>

#include "ktsim/mem.h"

void affinity_init(struct affinity *a, int nnodes, int neps, double timeout_s, int limit)
{
	memset(a, 0, sizeof *a);
	a->nnodes = nnodes;
	a->neps = neps;
	a->timeout_s = timeout_s;
	a->limit = limit;
	a->nodes = ks_calloc((size_t)nnodes + 1, sizeof *a->nodes);
}

void affinity_fini(struct affinity *a)
{
	for (int n = 0; n < a->nnodes; n++) {
		struct aff_node *an = &a->nodes[n];

		ks_free(an->tab);
		if (an->lists)
			for (int i = 0; i < a->neps; i++)
				ks_free(an->lists[i]);
		ks_free(an->lists);
		ks_free(an->len);
	}
	ks_free(a->nodes);
	memset(a, 0, sizeof *a);
}

static size_t slot(uint32_t ip, size_t cap)
{
	return (size_t)(((uint64_t)ip * 0x9e3779b97f4a7c15ULL) >> 32) & (cap - 1);
}

static int is_candidate(int ep, const int *cand, int k)
{
	for (int i = 0; i < k; i++)
		if (cand[i] == ep)
			return 1;
	return 0;
}

/* xt_recent: the first endpoint list (in rule order) holding ip fresh. */
static int recent_lookup(struct affinity *a, struct aff_node *an, uint32_t ip, double now,
			 const int *cand, int k)
{
	if (an->lists == NULL)
		return -1;
	for (int c = 0; c < k; c++) {
		int ep = cand[c], kept = 0;
		struct aff_entry *l = an->lists[ep];

		if (l == NULL)
			continue;
		/* --reap: entries older than --seconds leave the list */
		for (int j = 0; j < an->len[ep]; j++)
			if (now - l[j].last <= a->timeout_s)
				l[kept++] = l[j];
		an->len[ep] = kept;
		for (int j = 0; j < kept; j++)
			if (l[j].ip == ip)
				return ep;
	}
	return -1;
}

int affinity_lookup(struct affinity *a, int node, uint32_t ip, double now, const int *cand, int k)
{
	struct aff_node *an = &a->nodes[node];
	int ep = -1;

	if (a->limit > 0) {
		ep = recent_lookup(a, an, ip, now, cand, k);
	} else if (an->cap) {
		for (size_t i = slot(ip, an->cap); an->tab[i].ep; i = (i + 1) & (an->cap - 1))
			if (an->tab[i].ip == ip) {
				if (now - an->tab[i].last <= a->timeout_s &&
				    is_candidate((int)an->tab[i].ep - 1, cand, k))
					ep = (int)an->tab[i].ep - 1;
				break;
			}
	}
	if (ep >= 0)
		a->hits++;
	else
		a->misses++;
	return ep;
}

static void table_put(struct aff_node *an, uint32_t ip, int ep, double now)
{
	size_t i;

	if (2 * (an->used + 1) > an->cap) {
		struct aff_entry *old = an->tab;
		size_t oldcap = an->cap;

		an->cap = an->cap ? 2 * an->cap : 64;
		an->tab = ks_calloc(an->cap, sizeof *an->tab);
		for (size_t j = 0; j < oldcap; j++)
			if (old[j].ep) {
				for (i = slot(old[j].ip, an->cap); an->tab[i].ep; i = (i + 1) & (an->cap - 1))
					;
				an->tab[i] = old[j];
			}
		ks_free(old);
	}
	for (i = slot(ip, an->cap); an->tab[i].ep && an->tab[i].ip != ip; i = (i + 1) & (an->cap - 1))
		;
	if (an->tab[i].ep == 0)
		an->used++;
	an->tab[i] = (struct aff_entry){ ip, (uint32_t)ep + 1, now };
}

/* xt_recent --set: refresh ip (moving it to the young end) or add it,
 * forgetting the oldest address when the list is full. */
static void recent_set(struct affinity *a, struct aff_node *an, uint32_t ip, int ep, double now)
{
	struct aff_entry *l;
	int j;

	if (an->lists == NULL) {
		an->lists = ks_calloc((size_t)a->neps + 1, sizeof *an->lists);
		an->len = ks_calloc((size_t)a->neps + 1, sizeof *an->len);
	}
	if (an->lists[ep] == NULL)
		an->lists[ep] = ks_calloc((size_t)a->limit, sizeof **an->lists);
	l = an->lists[ep];
	for (j = 0; j < an->len[ep] && l[j].ip != ip; j++)
		;
	if (j == an->len[ep] && an->len[ep] == a->limit)
		j = 0; /* full: the oldest goes */
	else if (j == an->len[ep])
		an->len[ep]++;
	memmove(&l[j], &l[j + 1], (size_t)(an->len[ep] - 1 - j) * sizeof *l);
	l[an->len[ep] - 1] = (struct aff_entry){ ip, (uint32_t)ep, now };
}

void affinity_set(struct affinity *a, int node, uint32_t ip, int ep, double now)
{
	if (a->limit > 0)
		recent_set(a, &a->nodes[node], ip, ep, now);
	else
		table_put(&a->nodes[node], ip, ep, now);
}
