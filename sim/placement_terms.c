/* placement_terms — the topology domains and the inter-pod (anti-)affinity
 * and topology spread term bookkeeping of placement: building the terms from
 * the workloads, counting bound pods into them per domain, and what they
 * contribute to the filters (InterPodAffinity required terms) and scores
 * (InterPodAffinity preferred terms, PodTopologySpread PreScore).
 *
 * Cost: labels and selectors are matched once, up front. Each (anti-)affinity
 * term and spread constraint becomes a `term`: its matching pods per topology
 * domain (topology values are small ids per key), and each workload lists the
 * terms its pods count in, so binding a pod is a few increments and a cycle
 * is O(nodes examined). Default spreading counts the workload's own pods
 * only: the ReplicaSet selector helper.DefaultSelector uses carries
 * pod-template-hash. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ktsim/mem.h"

#include "placement_int.h"

#define HARD_AFFINITY_WEIGHT 1   /* InterPodAffinityArgs default */
#define HOSTNAME_KEY "kubernetes.io/hostname"
#define ZONE_KEY "topology.kubernetes.io/zone"

static void push(struct ivec *v, int x)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 4;
		v->v = ks_realloc(v->v, (size_t)v->cap, sizeof *v->v);
	}
	v->v[v->n++] = x;
}

/* The index of a topology key, mapping its values to domains when new. */
static int key_index(struct plc *p, const char *key)
{
	struct dent { const char *v; int id; } *tab;
	int nn = p->c->nnodes;
	size_t cap = 16, h;
	struct tkey *k;

	for (int i = 0; i < p->nkeys; i++)
		if (strcmp(p->keys[i].name, key) == 0)
			return i;
	p->keys = ks_realloc(p->keys, (size_t)p->nkeys + 1, sizeof *p->keys);
	k = &p->keys[p->nkeys];
	*k = (struct tkey){ .name = key, .full = 1 };
	k->dom = ks_calloc((size_t)nn, sizeof *k->dom);
	while (cap < 2 * (size_t)nn)
		cap <<= 1;
	tab = ks_calloc(cap, sizeof *tab);
	for (int n = 0; n < nn; n++) {
		const char *v = labels_get(&p->c->nodes[n].labels, key);

		k->dom[n] = -1;
		k->full &= v != NULL;
		if (v == NULL)
			continue;
		h = 0xcbf29ce484222325ULL; /* FNV-1a, open addressing */
		for (const char *s = v; *s; s++)
			h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
		for (h &= cap - 1; tab[h].v && strcmp(tab[h].v, v) != 0; h = (h + 1) & (cap - 1))
			;
		if (tab[h].v == NULL)
			tab[h] = (struct dent){ v, k->ndom++ };
		k->dom[n] = tab[h].id;
	}
	k->stamp = ks_calloc((size_t)k->ndom + 1, sizeof *k->stamp);
	ks_free(tab);
	return p->nkeys++;
}

static int new_term(struct plc *p, const char *key)
{
	if (p->nterms == p->capterms) {
		p->capterms = p->capterms ? 2 * p->capterms : 64;
		p->terms = ks_realloc(p->terms, (size_t)p->capterms, sizeof *p->terms);
	}
	p->terms[p->nterms] = (struct term){ .key = key_index(p, key),
		.hostname = strcmp(key, HOSTNAME_KEY) == 0 };
	return p->nterms++;
}

static int *term_cnt(struct plc *p, struct term *t)
{
	if (t->cnt == NULL)
		t->cnt = ks_calloc((size_t)p->keys[t->key].ndom + 1, sizeof *t->cnt);
	return t->cnt;
}

/* Workloads whose labels contain every pair of sel, into m. */
static void select_workloads(const struct plc *p, const struct labels *sel, struct ivec *m)
{
	m->n = 0;
	for (int v = 0; v < p->c->nworkloads; v++)
		if (labels_match(sel, &p->c->workloads[v].labels))
			push(m, v);
}

/* One (anti-)affinity term of w: a term counting the pods it selects (read
 * by w) and one counting w's own pods (read by the pods it selects, for the
 * symmetric checks of filtering.go and scoring.go). */
int placement_add_affinity(struct plc *p, int w, const struct affinity_term *a, int anti,
			   struct ivec *m)
{
	const struct workload *wl = &p->c->workloads[w];
	int weight, read, own;

	if (a->mode == AFFINITY_NONE)
		return -1;
	if (anti)
		weight = a->mode == AFFINITY_REQUIRED ? 0 : -a->weight;
	else
		weight = a->mode == AFFINITY_REQUIRED ? HARD_AFFINITY_WEIGHT : a->weight;
	read = new_term(p, a->topology_key);
	own = new_term(p, a->topology_key);
	push(&p->ws[w].feeds, own);
	select_workloads(p, a->selector.n ? &a->selector : &wl->labels, m);
	for (int i = 0; i < m->n; i++) {
		struct wstate *s = &p->ws[m->v[i]];

		push(&s->feeds, read);
		push(&s->sym, own);
		push(&s->sym, weight);
		p->ws[w].aff_self |= !anti && m->v[i] == w;
	}
	return read;
}

int placement_node_selected(const struct plc *p, int w, int n)
{
	const struct labels *sel = &p->c->workloads[w].node_selector;

	return sel->n == 0 || labels_match(sel, &p->c->nodes[n].labels);
}

/* The nodes whose pods spread term t of w counts (filtering.go, scoring.go:
 * they pass w's nodeSelector and, for user constraints, carry every key of
 * t's kind), or NULL when that is every node. */
static uint8_t *inclusion(const struct plc *p, int w, const struct term *t)
{
	const struct wstate *s = &p->ws[w];
	int need = p->c->workloads[w].node_selector.n > 0;
	uint8_t *incl;

	for (int i = s->spread; i < s->spread + s->nspread; i++)
		need |= s->soft_all && p->terms[i].hard == t->hard && !p->keys[p->terms[i].key].full;
	if (!need)
		return NULL;
	incl = ks_calloc((size_t)p->c->nnodes, 1);
	for (int n = 0; n < p->c->nnodes; n++) {
		incl[n] = (uint8_t)placement_node_selected(p, w, n);
		for (int i = s->spread; i < s->spread + s->nspread; i++)
			if (s->soft_all && p->terms[i].hard == t->hard &&
			    p->keys[p->terms[i].key].dom[n] < 0)
				incl[n] = 0;
	}
	return incl;
}

void placement_add_spread(struct plc *p, int w, struct ivec *m)
{
	/* plugin.go systemDefaultConstraints: ScheduleAnyway, own pods */
	static const struct { const char *key; int skew; } def[] = {
		{ HOSTNAME_KEY, 3 }, { ZONE_KEY, 5 },
	};
	const struct workload *wl = &p->c->workloads[w];
	struct wstate *s = &p->ws[w];

	s->spread = p->nterms;
	for (int i = 0; i < 2 && wl->nspread == 0; i++) {
		int t = new_term(p, def[i].key);

		p->terms[t].max_skew = def[i].skew;
		p->terms[t].self = 1;
		push(&s->feeds, t);
	}
	for (int i = 0; i < wl->nspread; i++) {
		const struct spread_constraint *sc = &wl->spread[i];
		const struct labels *sel = sc->selector.n ? &sc->selector : &wl->labels;
		int t = new_term(p, sc->topology_key);

		p->terms[t].max_skew = sc->max_skew;
		p->terms[t].hard = sc->when == SPREAD_DO_NOT_SCHEDULE;
		p->terms[t].self = labels_match(sel, &wl->labels);
		select_workloads(p, sel, m);
		for (int j = 0; j < m->n; j++)
			push(&p->ws[m->v[j]].feeds, t);
	}
	s->nspread = p->nterms - s->spread;
	s->soft_all = wl->nspread > 0;
	for (int i = s->spread; i < p->nterms; i++) {
		s->nhard += p->terms[i].hard;
		s->nsoft += !p->terms[i].hard;
		p->terms[i].incl = inclusion(p, w, &p->terms[i]);
	}
}

static void find_min(struct plc *p, struct term *t)
{
	t->min = INT_MAX;
	t->nmin = 0;
	for (int d = 0; d < p->keys[t->key].ndom; d++) {
		if (!t->dom_ok[d])
			continue;
		if (t->cnt[d] < t->min) {
			t->min = t->cnt[d];
			t->nmin = 0;
		}
		t->nmin += t->cnt[d] == t->min;
	}
}

/* A pod of w landed on n: count it in every term that selects it. */
void placement_feed(struct plc *p, int w, int n)
{
	const struct ivec *f = &p->ws[w].feeds;

	for (int i = 0; i < f->n; i++) {
		struct term *t = &p->terms[f->v[i]];
		int d = p->keys[t->key].dom[n];

		if (t->dead || d < 0 || (t->incl && !t->incl[n]))
			continue;
		term_cnt(p, t)[d]++;
		t->total++;
		/* counts only grow: the minimum moves once all its domains have */
		if (t->dom_ok && t->cnt[d] - 1 == t->min && --t->nmin == 0)
			find_min(p, t);
	}
}

/* interpodaffinity/filtering.go */
int placement_affinity_fits(const struct plc *p, int w, int n)
{
	const struct workload *wl = &p->c->workloads[w];
	const struct wstate *s = &p->ws[w];

	if (wl->anti.mode == AFFINITY_REQUIRED && placement_count_at(p, s->anti, n) > 0)
		return 0;
	if (wl->aff.mode == AFFINITY_REQUIRED) {
		const struct term *t = &p->terms[s->aff];

		/* a node without the key fails; with no matching pod anywhere, a pod
		 * matching its own term may start the group */
		if (p->keys[t->key].dom[n] < 0 ||
		    (placement_count_at(p, s->aff, n) == 0 && !(t->total == 0 && s->aff_self)))
			return 0;
	}
	for (int i = 0; i < s->sym.n; i += 2)
		if (s->sym.v[i + 1] == 0 && placement_count_at(p, s->sym.v[i], n) > 0)
			return 0;
	return 1;
}

/* interpodaffinity/scoring.go before normalisation. */
long long placement_affinity_score(const struct plc *p, int w, int n)
{
	const struct workload *wl = &p->c->workloads[w];
	const struct wstate *s = &p->ws[w];
	long long r = 0;

	if (wl->aff.mode == AFFINITY_PREFERRED)
		r += (long long)wl->aff.weight * placement_count_at(p, s->aff, n);
	if (wl->anti.mode == AFFINITY_PREFERRED)
		r -= (long long)wl->anti.weight * placement_count_at(p, s->anti, n);
	for (int i = 0; i < s->sym.n; i += 2)
		r += (long long)s->sym.v[i + 1] * placement_count_at(p, s->sym.v[i], n);
	return r;
}

/* podtopologyspread/scoring.go PreScore: which feasible nodes are ignored
 * (missing a key of the pod's own constraints) and each ScheduleAnyway
 * constraint's weight log(domains among the scored nodes + 2). */
void placement_spread_prescore(struct plc *p, const struct wstate *s, int nf)
{
	int scored = 0;

	for (int k = 0; k < nf; k++) {
		p->ign[k] = 0;
		for (int i = s->spread; i < s->spread + s->nspread && s->soft_all; i++)
			if (!p->terms[i].hard && p->keys[p->terms[i].key].dom[p->feas[k]] < 0)
				p->ign[k] = 1;
		scored += !p->ign[k];
	}
	for (int i = s->spread, j = 0; i < s->spread + s->nspread; i++) {
		const struct term *t = &p->terms[i];
		struct tkey *key = &p->keys[t->key];
		int size = 0;

		if (t->hard)
			continue;
		p->gen++;
		for (int k = 0; k < nf && !t->hostname; k++) {
			int d = key->dom[p->feas[k]];

			if (!p->ign[k] && d >= 0 && key->stamp[d] != p->gen) {
				key->stamp[d] = p->gen;
				size++;
			}
		}
		p->wt[j++] = log((double)(t->hostname ? scored : size) + 2);
	}
}

/* Ready w's terms for its cycles: counts exist, DoNotSchedule minima known
 * (over the domains with a node in the constraint's inclusion, and with
 * p->up, a node that takes new pods). */
void placement_begin_terms(struct plc *p, int w)
{
	const struct wstate *s = &p->ws[w];

	if (s->anti >= 0)
		term_cnt(p, &p->terms[s->anti]);
	if (s->aff >= 0)
		term_cnt(p, &p->terms[s->aff]);
	for (int i = 0; i < s->sym.n; i += 2)
		term_cnt(p, &p->terms[s->sym.v[i]]);
	for (int i = s->spread; i < s->spread + s->nspread; i++) {
		struct term *t = &p->terms[i];
		const int *dom = p->keys[t->key].dom;

		term_cnt(p, t);
		if (!t->hard)
			continue;
		t->dom_ok = ks_calloc((size_t)p->keys[t->key].ndom + 1, 1);
		for (int n = 0; n < p->c->nnodes; n++)
			if (dom[n] >= 0 && (!t->incl || t->incl[n]) && (!p->up || p->up[n]))
				t->dom_ok[dom[n]] = 1;
		find_min(p, t);
	}
}

/* Only the workload owning a term reads it: drop it once that is placed. */
void placement_retire(struct term *t)
{
	t->dead = 1;
	ks_free(t->cnt);
	ks_free(t->incl);
	ks_free(t->dom_ok);
	t->cnt = NULL;
	t->incl = t->dom_ok = NULL;
}
