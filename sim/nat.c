/* nat — conntrack tables, SNAT port pools and the TIME_WAIT queue (see nat.h).
 *
 * The pair table is open addressing with linear probing and backward-shift
 * deletion (Knuth 6.4, Algorithm R), so no tombstones build up as pairs come
 * and go; it doubles at 50% load. */
#include "ktsim/nat.h"

#include <string.h>

#include "ktsim/err.h"
#include "ktsim/mem.h"

#define DENSE_MAX (1u << 22)

void nat_init(struct nat *t, int nnodes, int npods, const uint32_t *ct_max, const int *pod_node,
	      uint32_t snat_ports, double linger_s, size_t expect_lingering)
{
	memset(t, 0, sizeof *t);
	t->nnodes = nnodes;
	t->ct = ks_calloc((size_t)nnodes, sizeof *t->ct);
	t->ct_peak = ks_calloc((size_t)nnodes, sizeof *t->ct_peak);
	t->ct_max = ks_calloc((size_t)nnodes, sizeof *t->ct_max);
	memcpy(t->ct_max, ct_max, (size_t)nnodes * sizeof *ct_max);
	t->snat_peak = ks_calloc((size_t)nnodes, sizeof *t->snat_peak);
	t->pod_node = pod_node;
	t->npods = npods;
	if ((size_t)nnodes * (size_t)npods <= DENSE_MAX)
		t->dense = ks_calloc((size_t)nnodes * (size_t)npods + 1, sizeof *t->dense);
	t->snat_ports = snat_ports;
	t->linger_s = linger_s;
	t->cap = 1024;
	t->tab = ks_calloc(t->cap, sizeof *t->tab);
	ring_init(&t->q, sizeof(struct nat_release), expect_lingering);
}

void nat_fini(struct nat *t)
{
	ks_free(t->ct);
	ks_free(t->ct_peak);
	ks_free(t->ct_max);
	ks_free(t->snat_peak);
	ks_free(t->tab);
	ks_free(t->dense);
	ring_fini(&t->q);
	memset(t, 0, sizeof *t);
}

static inline uint64_t pair_key(uint32_t node, uint32_t pod)
{
	return ((uint64_t)node << 32 | pod) + 1;
}

static inline size_t slot_of(const struct nat *t, uint64_t key)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 20) & (t->cap - 1);
}

/* The slot holding key, or the empty slot where it would go. */
static size_t find(const struct nat *t, uint64_t key)
{
	size_t i = slot_of(t, key);

	while (t->tab[i].key != 0 && t->tab[i].key != key)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static void grow(struct nat *t)
{
	struct nat_pair *old = t->tab;
	size_t oldcap = t->cap;

	t->cap *= 2;
	t->tab = ks_calloc(t->cap, sizeof *t->tab);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			t->tab[find(t, old[i].key)] = old[i];
	ks_free(old);
}

/* Remove slot i, shifting later members of its probe run back. */
static void erase(struct nat *t, size_t i)
{
	size_t j = i;

	for (;;) {
		j = (j + 1) & (t->cap - 1);
		if (t->tab[j].key == 0)
			break;
		size_t home = slot_of(t, t->tab[j].key);
		/* j's entry may move to i unless its home lies cyclically in (i, j]. */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			t->tab[i] = t->tab[j];
			i = j;
		}
	}
	t->tab[i].key = 0;
	t->tab[i].ports = 0;
	t->used--;
}

uint32_t nat_ports(const struct nat *t, uint32_t node, uint32_t pod)
{
	if (t->dense)
		return t->dense[(size_t)node * (size_t)t->npods + pod];
	const struct nat_pair *p = &t->tab[find(t, pair_key(node, pod))];

	return p->key ? p->ports : 0;
}

static void release(struct nat *t, uint32_t node, uint32_t pod, int snat)
{
	uint32_t pn = (uint32_t)t->pod_node[pod];

	KS_ASSERT(t->ct[node] > 0);
	t->ct[node]--;
	if (pn != node) {
		KS_ASSERT(t->ct[pn] > 0);
		t->ct[pn]--;
	}
	if (snat && t->dense) {
		uint32_t *ports = &t->dense[(size_t)node * (size_t)t->npods + pod];

		KS_ASSERT(*ports > 0);
		--*ports;
	} else if (snat) {
		size_t i = find(t, pair_key(node, pod));

		KS_ASSERT(t->tab[i].key != 0 && t->tab[i].ports > 0);
		if (--t->tab[i].ports == 0)
			erase(t, i);
	}
}

void nat_prefetch(const struct nat *t, uint32_t node, uint32_t pod, int snat)
{
	if (snat && t->dense)
		__builtin_prefetch(&t->dense[(size_t)node * (size_t)t->npods + pod], 1);
	else if (snat)
		__builtin_prefetch(&t->tab[slot_of(t, pair_key(node, pod))], 1);
}

void nat_expire_due(struct nat *t, double now)
{
	/* releases come in queue order: ask for the pair slot a few ahead */
	enum { AHEAD = 8 };

	while (t->q.len > 0) {
		const struct nat_release *r = ring_at(&t->q, 0);

		if (r->t > now)
			break;
		if (t->q.len > AHEAD) {
			const struct nat_release *a = ring_at(&t->q, AHEAD);

			nat_prefetch(t, a->node_snat >> 1, a->pod, a->node_snat & 1);
		}
		release(t, r->node_snat >> 1, r->pod, r->node_snat & 1);
		ring_pop(&t->q);
	}
}

static inline void peak(uint32_t *pk, uint32_t v, int measuring)
{
	if (measuring && v > *pk)
		*pk = v;
}

int nat_admit(struct nat *t, uint32_t node, uint32_t pod, int snat)
{
	uint32_t pn = (uint32_t)t->pod_node[pod];
	uint32_t *ports = NULL;
	size_t i = 0;

	/* In the order a forwarded SYN meets them: the entry node's conntrack
	 * (PREROUTING), its masquerade (POSTROUTING), then the pod's node's
	 * conntrack as the packet arrives there. */
	if (t->ct[node] >= t->ct_max[node])
		return NAT_CONNTRACK_FULL;
	if (snat && t->dense) {
		ports = &t->dense[(size_t)node * (size_t)t->npods + pod];
	} else if (snat) {
		i = find(t, pair_key(node, pod));
		if (t->tab[i].key != 0)
			ports = &t->tab[i].ports;
	}
	if (snat && (ports ? *ports : 0) >= t->snat_ports)
		return NAT_SNAT_EXHAUSTED;
	if (pn != node && t->ct[pn] >= t->ct_max[pn])
		return NAT_CONNTRACK_FULL_POD_NODE;
	if (snat && ports == NULL) { /* the pair's first port */
		if (2 * (t->used + 1) > t->cap) {
			grow(t);
			i = find(t, pair_key(node, pod));
		}
		t->tab[i].key = pair_key(node, pod);
		t->used++;
		ports = &t->tab[i].ports;
	}
	if (snat)
		peak(&t->snat_peak[node], ++*ports, t->measuring);
	peak(&t->ct_peak[node], ++t->ct[node], t->measuring);
	if (pn != node)
		peak(&t->ct_peak[pn], ++t->ct[pn], t->measuring);
	return NAT_OK;
}

void nat_close(struct nat *t, double now, uint32_t node, uint32_t pod, int snat)
{
	if (t->linger_s <= 0) {
		release(t, node, pod, snat);
		return;
	}
	*(struct nat_release *)ring_push(&t->q) =
		(struct nat_release){ now + t->linger_s, node << 1 | (snat != 0), pod };
}
