/* placement — a model of kube-scheduler's default profile, one pod at a time.
 *
 * Workloads are placed in file order, pod by pod, each pod seeing the pods
 * placed before it. Pinned pods bypass the scheduler (as spec.nodeName does)
 * but count like any other pod afterwards. A DaemonSet gets one pod per node
 * that passes its nodeSelector and NoSchedule/NoExecute taints, in node
 * order, with the controller's automatic tolerations (pkg/controller/daemon/
 * util/daemonset_util.go; hostNetwork's network-unavailable one is not
 * modelled); the default scheduler binds those pods (since v1.12), so one
 * that does not fit stays Pending. Every other pod runs a scheduling cycle
 * (pkg/scheduler/schedule_one.go) with the default plugins and weights of
 * pkg/scheduler/apis/config/v1/default_plugins.go; under
 * pkg/scheduler/framework/plugins:
 *
 * Filters: taints (nodeunschedulable/, tainttoleration/: NoSchedule and
 * NoExecute must be tolerated); nodeSelector (nodeaffinity/); NodeResourcesFit
 * (noderesources/fit.go: requests there + allocated_* + the pod's within
 * allocatable, fewer pods than max_pods); InterPodAffinity
 * (interpodaffinity/filtering.go: the pod's required anti-affinity, existing
 * pods' required anti-affinity against it, and its required affinity, which
 * the first pod of a group matching its own term may skip); PodTopologySpread
 * (podtopologyspread/filtering.go: count + selfMatch - min <= maxSkew per
 * DoNotSchedule constraint, counting pods on nodes that pass the pod's
 * nodeSelector and carry every constraint key: nodeAffinityPolicy Honor,
 * nodeTaintsPolicy Ignore, the upstream defaults).
 *
 * Scores, 0..100 each, weighted: TaintToleration x3 (intolerable
 * PreferNoSchedule taints, DefaultNormalizeScore reversed); NodeResourcesFit
 * x1 (noderesources/least_allocated.go on non-zero requests, 100m / 200Mi
 * for a pod requesting nothing); BalancedAllocation x1
 * (noderesources/balanced_allocation.go: 100 (1 - |cpu - mem fraction| / 2)
 * on real requests, skipped for BestEffort pods); InterPodAffinity x2
 * (interpodaffinity/scoring.go: weight x matching pods in the node's domain,
 * for the pod's preferred terms and for existing pods' terms selecting it,
 * min-max normalised); PodTopologySpread x2 (podtopologyspread/scoring.go:
 * count x log(domains + 2) + maxSkew - 1 summed over ScheduleAnyway
 * constraints, or plugin.go's system defaults hostname/3 and zone/5 when the
 * pod has none, reversed against the maximum). NodeAffinity, VolumeBinding
 * and ImageLocality give every node 0 (nothing to score in this model). The
 * best total wins; ties go to a uniform pick on the placement stream
 * (selectHost's reservoir). A pod no node passes stays Pending: it is not
 * retried when later pods arrive, and nothing is preempted.
 *
 * Sampling (schedule_one.go numFeasibleNodesToFind, percentageOfNodesToScore
 * unset): under 100 nodes all are filtered; otherwise the search stops once
 * max(5, 50 - nodes/125) percent of the nodes (at least 100) passed, and the
 * next cycle starts where it stopped (nextStartNodeIndex), over the
 * zone-interleaved order of the scheduler cache's nodeTree. Besides being
 * faithful, this is what makes 5,000 nodes cheap.
 *
 * Cost: labels and selectors are matched once, up front. Each (anti-)affinity
 * term and spread constraint becomes a `term`: its matching pods per topology
 * domain (topology values are small ids per key), and each workload lists the
 * terms its pods count in, so binding a pod is a few increments and a cycle
 * is O(nodes examined). Default spreading counts the workload's own pods
 * only: the ReplicaSet selector helper.DefaultSelector uses carries
 * pod-template-hash.
 *
 * During a run (placement_schedule_one) the same machinery is rebuilt from
 * the caller's pod -> node state for each pod created (replacement,
 * scale-up, rollout): every running pod counts, wherever it runs (a down
 * node's pods too, until the caller drops them); nodes that take no new pods
 * fail every filter, and a DoNotSchedule constraint's minimum is taken over
 * the domains holding a node that does take them (upstream's nodeTaintsPolicy Ignore would
 * still count a cordoned or NotReady node's domain, whose zero can then
 * block every other domain). The search starts at a node drawn from the
 * call's stream, standing for wherever nextStartNodeIndex happens to be. A
 * DaemonSet's pod goes to the first node (by index) that passes its filters
 * and has room but runs none of its pods; a pinned workload's to pin[k], the
 * first k whose node takes pods and runs fewer of them than pin names it
 * (unfiltered, as in placement_run; -1 once every pin is running). */
#include "ktsim/placement.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktsim/err.h"
#include "ktsim/mem.h"
#include "ktsim/rng.h"

#define MAX_SCORE 100            /* framework.MaxNodeScore */
#define NONZERO_CPU_M 100        /* schedutil.DefaultMilliCPURequest */
#define NONZERO_MEM_MI 200       /* schedutil.DefaultMemoryRequest */
#define HARD_AFFINITY_WEIGHT 1   /* InterPodAffinityArgs default */
#define MIN_FEASIBLE 100         /* minFeasibleNodesToFind */
#define MIN_PERCENT 5            /* minFeasibleNodesPercentageToFind */
#define HOSTNAME_KEY "kubernetes.io/hostname"
#define ZONE_KEY "topology.kubernetes.io/zone"

/* Pods matching one selector, per domain of one topology key. */
struct term {
	int key;
	int *cnt;             /* per domain; allocated when first needed */
	int total;            /* over every domain */
	int dead;             /* its reader is placed: no longer counted */
	uint8_t *incl;        /* spread: nodes whose pods count; NULL: all */
	int max_skew, hard, self, hostname; /* spread constraints only */
	uint8_t *dom_ok;      /* DoNotSchedule: domains the minimum spans */
	int min, nmin;        /* that minimum and how many domains hold it */
};

/* A topology key in use: its values as domain ids 0..ndom-1. */
struct tkey {
	const char *name;
	int *dom;             /* per node; -1 when the node lacks the label */
	int ndom, full;       /* full: every node has the label */
	int *stamp;           /* per domain: the last cycle that counted it */
};

struct ivec {
	int *v;
	int n, cap;
};

struct nstate {
	long long cap_cpu, cap_mem, req_cpu, req_mem, nz_cpu, nz_mem;
	int max_pods, npods;
	int hard_taints, soft_taints; /* has NoSchedule/NoExecute, PreferNoSchedule */
	int memo_w;           /* workload whose resource scores `memo` holds, or -1 */
	long long memo;       /* valid until a pod binds here */
};

struct wstate {
	int anti, aff;        /* terms: pods its (anti-)affinity selects, or -1 */
	int spread, nspread;  /* its spread terms (the defaults when it has none) */
	int nhard, nsoft;     /* DoNotSchedule and ScheduleAnyway ones among them */
	int soft_all;         /* scored nodes must carry every ScheduleAnyway key */
	int aff_self;         /* its labels match its own affinity selector */
	int filter_aff, ipa;  /* InterPodAffinity filters, scores its pods */
	struct ivec feeds;    /* terms its pods count in */
	struct ivec sym;      /* (own term of a workload selecting it, weight);
			       * weight 0: required anti-affinity */
};

struct plc {
	const struct cluster *c; /* written only by placement_run's own code */
	const uint8_t *up;    /* per node: takes new pods; NULL: every node */
	struct rng rng;
	struct tkey *keys;
	int nkeys, gen;
	struct nstate *ns;
	int *order, next;     /* nodeTree order; nextStartNodeIndex */
	struct term *terms;
	int nterms, capterms;
	struct wstate *ws;
	uint8_t *ok, *ign;    /* per node: static filters; per feasible node */
	int *feas;
	long long *base, *taint, *ipa, *pts; /* per feasible node */
	double *wt;           /* per ScheduleAnyway constraint */
};

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
static int add_affinity(struct plc *p, int w, const struct affinity_term *a, int anti,
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

static int node_selected(const struct plc *p, int w, int n)
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
		incl[n] = (uint8_t)node_selected(p, w, n);
		for (int i = s->spread; i < s->spread + s->nspread; i++)
			if (s->soft_all && p->terms[i].hard == t->hard &&
			    p->keys[p->terms[i].key].dom[n] < 0)
				incl[n] = 0;
	}
	return incl;
}

static void add_spread(struct plc *p, int w, struct ivec *m)
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

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* nodeTree.list() (pkg/scheduler/backend/cache/node_tree.go): a node of
 * each zone in turn, zones in order of first appearance; that is, nodes by
 * (position within their zone, zone rank). */
static void node_order(struct plc *p)
{
	int nn = p->c->nnodes, nz = 0, nr = 0;
	int *rank, *seen;
	long long *key;

	for (int n = 0; n < nn; n++) {
		KS_ASSERT(p->c->nodes[n].zone >= 0);
		if (p->c->nodes[n].zone >= nz)
			nz = p->c->nodes[n].zone + 1;
	}
	rank = ks_calloc((size_t)nz, sizeof *rank);
	seen = ks_calloc((size_t)nz, sizeof *seen);
	key = ks_calloc((size_t)nn, sizeof *key);
	for (int n = 0; n < nn; n++) {
		int z = p->c->nodes[n].zone;

		if (seen[z] == 0)
			rank[z] = nr++;
		key[n] = ((long long)seen[z]++ * nz + rank[z]) * nn + n;
	}
	qsort(key, (size_t)nn, sizeof *key, cmp_ll);
	for (int n = 0; n < nn; n++)
		p->order[n] = (int)(key[n] % nn);
	ks_free(rank);
	ks_free(seen);
	ks_free(key);
}

static void setup(struct plc *p)
{
	const struct cluster *c = p->c;
	int nn = c->nnodes, nw = c->nworkloads, maxspread = 2;
	struct ivec m = { 0 };

	p->ns = ks_calloc((size_t)nn, sizeof *p->ns);
	for (int n = 0; n < nn; n++) {
		const struct node *nd = &c->nodes[n];
		struct nstate *s = &p->ns[n];

		*s = (struct nstate){ .cap_cpu = nd->cpu_m, .cap_mem = nd->memory_mi,
			.req_cpu = nd->allocated_cpu_m, .req_mem = nd->allocated_memory_mi,
			.nz_cpu = nd->allocated_cpu_m, .nz_mem = nd->allocated_memory_mi,
			.max_pods = nd->max_pods, .memo_w = -1 };
		for (int t = 0; t < nd->ntaints; t++) {
			s->soft_taints |= nd->taints[t].effect == TAINT_PREFER_NO_SCHEDULE;
			s->hard_taints |= nd->taints[t].effect != TAINT_PREFER_NO_SCHEDULE;
		}
	}
	p->order = ks_calloc((size_t)nn, sizeof *p->order);
	node_order(p);
	p->ws = ks_calloc((size_t)nw + 1, sizeof *p->ws);
	for (int w = 0; w < nw; w++) {
		const struct workload *wl = &c->workloads[w];

		p->ws[w].anti = add_affinity(p, w, &wl->anti, 1, &m);
		p->ws[w].aff = add_affinity(p, w, &wl->aff, 0, &m);
		maxspread = wl->nspread > maxspread ? wl->nspread : maxspread;
		/* A DaemonSet pod's required node affinity names one node, so its
		 * spread constraints see one domain and always pass. */
		if (wl->kind == WL_DEPLOYMENT)
			add_spread(p, w, &m);
	}
	ks_free(m.v);
	for (int w = 0; w < nw; w++) {
		const struct workload *wl = &c->workloads[w];
		struct wstate *s = &p->ws[w];

		s->filter_aff = wl->anti.mode == AFFINITY_REQUIRED || wl->aff.mode == AFFINITY_REQUIRED;
		s->ipa = wl->anti.mode == AFFINITY_PREFERRED || wl->aff.mode == AFFINITY_PREFERRED;
		for (int i = 0; i < s->sym.n; i += 2) {
			s->filter_aff |= s->sym.v[i + 1] == 0;
			s->ipa |= s->sym.v[i + 1] != 0;
		}
	}
	p->ok = ks_calloc(2 * (size_t)nn, 1);
	p->ign = p->ok + nn;
	p->feas = ks_calloc((size_t)nn, sizeof *p->feas);
	p->base = ks_calloc(4 * (size_t)nn, sizeof *p->base);
	p->taint = p->base + nn;
	p->ipa = p->base + 2 * nn;
	p->pts = p->base + 3 * nn;
	p->wt = ks_calloc((size_t)maxspread, sizeof *p->wt);
}

/* Frees every term's state: after placement_run only own terms hold any,
 * after placement_schedule_one the terms its workload reads do. */
static void teardown(struct plc *p)
{
	for (int k = 0; k < p->nkeys; k++) {
		ks_free(p->keys[k].dom);
		ks_free(p->keys[k].stamp);
	}
	for (int t = 0; t < p->nterms; t++) {
		ks_free(p->terms[t].cnt);
		ks_free(p->terms[t].incl);
		ks_free(p->terms[t].dom_ok);
	}
	for (int w = 0; w < p->c->nworkloads; w++) {
		ks_free(p->ws[w].feeds.v);
		ks_free(p->ws[w].sym.v);
	}
	ks_free(p->keys);
	ks_free(p->ns);
	ks_free(p->order);
	ks_free(p->terms);
	ks_free(p->ws);
	ks_free(p->ok);
	ks_free(p->feas);
	ks_free(p->base);
	ks_free(p->wt);
}

/* core/v1 Toleration.ToleratesTaint. */
static int tolerates(const struct toleration *t, const struct taint *x)
{
	if (t->effect != TAINT_ANY && t->effect != x->effect)
		return 0;
	if (t->key[0] && strcmp(t->key, x->key) != 0)
		return 0;
	return t->op == TOL_EXISTS || strcmp(t->value, x->value) == 0;
}

/* The tolerations the DaemonSet controller adds to every pod it creates. */
static int daemon_tolerates(const struct taint *x)
{
	static const struct { const char *key; enum taint_effect effect; } tol[] = {
		{ "node.kubernetes.io/not-ready", TAINT_NO_EXECUTE },
		{ "node.kubernetes.io/unreachable", TAINT_NO_EXECUTE },
		{ "node.kubernetes.io/disk-pressure", TAINT_NO_SCHEDULE },
		{ "node.kubernetes.io/memory-pressure", TAINT_NO_SCHEDULE },
		{ "node.kubernetes.io/pid-pressure", TAINT_NO_SCHEDULE },
		{ "node.kubernetes.io/unschedulable", TAINT_NO_SCHEDULE },
	};

	for (size_t i = 0; i < sizeof tol / sizeof tol[0]; i++)
		if (tol[i].effect == x->effect && strcmp(tol[i].key, x->key) == 0)
			return 1;
	return 0;
}

/* TaintToleration: soft counts intolerable PreferNoSchedule taints (only
 * tolerations with that effect or none count); otherwise 1 when a NoSchedule
 * or NoExecute taint is not tolerated. */
static int intolerable(const struct workload *wl, const struct node *nd, int soft)
{
	int bad = 0;

	for (int i = 0; i < nd->ntaints; i++) {
		const struct taint *x = &nd->taints[i];
		int ok = 0;

		if ((x->effect == TAINT_PREFER_NO_SCHEDULE) != soft)
			continue;
		for (int j = 0; j < wl->ntolerations && !ok; j++)
			ok = (!soft || wl->tolerations[j].effect == TAINT_ANY ||
			      wl->tolerations[j].effect == TAINT_PREFER_NO_SCHEDULE) &&
			     tolerates(&wl->tolerations[j], x);
		if (!ok && !soft && wl->kind == WL_DAEMONSET)
			ok = daemon_tolerates(x);
		if (!ok && !soft)
			return 1;
		bad += !ok;
	}
	return bad;
}

/* The static filters (nodeSelector, taints) into p->ok; returns the count. */
static int eligible(struct plc *p, int w)
{
	const struct workload *wl = &p->c->workloads[w];
	int count = 0;

	for (int n = 0; n < p->c->nnodes; n++) {
		p->ok[n] = (uint8_t)(node_selected(p, w, n) &&
				     (!p->ns[n].hard_taints || !intolerable(wl, &p->c->nodes[n], 0)));
		count += p->ok[n];
	}
	return count;
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
static void feed(struct plc *p, int w, int n)
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

static int count_at(const struct plc *p, int term, int n)
{
	const struct term *t = &p->terms[term];
	int d = p->keys[t->key].dom[n];

	return d < 0 ? 0 : t->cnt[d];
}

/* interpodaffinity/filtering.go */
static int affinity_fits(const struct plc *p, int w, int n)
{
	const struct workload *wl = &p->c->workloads[w];
	const struct wstate *s = &p->ws[w];

	if (wl->anti.mode == AFFINITY_REQUIRED && count_at(p, s->anti, n) > 0)
		return 0;
	if (wl->aff.mode == AFFINITY_REQUIRED) {
		const struct term *t = &p->terms[s->aff];

		/* a node without the key fails; with no matching pod anywhere, a pod
		 * matching its own term may start the group */
		if (p->keys[t->key].dom[n] < 0 ||
		    (count_at(p, s->aff, n) == 0 && !(t->total == 0 && s->aff_self)))
			return 0;
	}
	for (int i = 0; i < s->sym.n; i += 2)
		if (s->sym.v[i + 1] == 0 && count_at(p, s->sym.v[i], n) > 0)
			return 0;
	return 1;
}

/* Every filter but the static ones in p->ok. */
static int fits(const struct plc *p, int w, int n)
{
	const struct workload *wl = &p->c->workloads[w];
	const struct wstate *s = &p->ws[w];
	const struct nstate *ns = &p->ns[n];

	if ((wl->cpu_m > 0 && wl->cpu_m > ns->cap_cpu - ns->req_cpu) ||
	    (wl->memory_mi > 0 && wl->memory_mi > ns->cap_mem - ns->req_mem) ||
	    ns->npods + 1 > ns->max_pods)
		return 0;
	if (s->filter_aff && !affinity_fits(p, w, n))
		return 0;
	for (int i = s->spread; i < s->spread + s->nspread && s->nhard; i++) {
		const struct term *t = &p->terms[i];
		int d = p->keys[t->key].dom[n];

		if (t->hard && (d < 0 || t->cnt[d] + t->self - t->min > t->max_skew))
			return 0;
	}
	return 1;
}

/* noderesources/least_allocated.go on non-zero requests and
 * balanced_allocation.go on real ones; a resource the node has none of is
 * left out of both. */
static long long resource_score(const struct nstate *ns, const struct workload *wl)
{
	const long long cap[2] = { ns->cap_cpu, ns->cap_mem };
	const long long nz[2] = { ns->nz_cpu + (wl->cpu_m ? wl->cpu_m : NONZERO_CPU_M),
				  ns->nz_mem + (wl->memory_mi ? wl->memory_mi : NONZERO_MEM_MI) };
	const long long req[2] = { ns->req_cpu + wl->cpu_m, ns->req_mem + wl->memory_mi };
	long long least = 0;
	double f[2];
	int nres = 0;

	for (int i = 0; i < 2; i++)
		if (cap[i] > 0) {
			least += nz[i] > cap[i] ? 0 : (cap[i] - nz[i]) * MAX_SCORE / cap[i];
			f[nres++] = fmin(1, (double)req[i] / (double)cap[i]);
		}
	least = nres ? least / nres : 0;
	if (wl->cpu_m == 0 && wl->memory_mi == 0) /* BestEffort: no balance score */
		return least;
	return least + (long long)((1 - (nres == 2 ? fabs((f[0] - f[1]) / 2) : 0)) * MAX_SCORE);
}

/* interpodaffinity/scoring.go before normalisation. */
static long long affinity_score(const struct plc *p, int w, int n)
{
	const struct workload *wl = &p->c->workloads[w];
	const struct wstate *s = &p->ws[w];
	long long r = 0;

	if (wl->aff.mode == AFFINITY_PREFERRED)
		r += (long long)wl->aff.weight * count_at(p, s->aff, n);
	if (wl->anti.mode == AFFINITY_PREFERRED)
		r -= (long long)wl->anti.weight * count_at(p, s->anti, n);
	for (int i = 0; i < s->sym.n; i += 2)
		r += (long long)s->sym.v[i + 1] * count_at(p, s->sym.v[i], n);
	return r;
}

/* math.Round (half away from zero) of x >= 0, without a libm call. */
static long long round_pos(double x)
{
	long long i = (long long)x;

	return i + (x - (double)i >= 0.5);
}

/* podtopologyspread/scoring.go PreScore: which feasible nodes are ignored
 * (missing a key of the pod's own constraints) and each ScheduleAnyway
 * constraint's weight log(domains among the scored nodes + 2). */
static void spread_prescore(struct plc *p, const struct wstate *s, int nf)
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

/* Score the nf feasible nodes in p->feas and pick the best. */
static int pick(struct plc *p, int w, int nf)
{
	const struct workload *wl = &p->c->workloads[w];
	const struct wstate *s = &p->ws[w];
	long long tmax = 0, imin = LLONG_MAX, imax = LLONG_MIN, pmin = LLONG_MAX, pmax = 0;
	long long best = LLONG_MIN;
	int chosen = -1, ties = 0;

	if (s->nsoft)
		spread_prescore(p, s, nf);
	for (int k = 0; k < nf; k++) {
		int n = p->feas[k];
		struct nstate *ns = &p->ns[n];

		p->taint[k] = ns->soft_taints ? intolerable(wl, &p->c->nodes[n], 1) : 0;
		tmax = p->taint[k] > tmax ? p->taint[k] : tmax;
		if (ns->memo_w != w) {
			ns->memo_w = w;
			ns->memo = resource_score(ns, wl);
		}
		p->base[k] = ns->memo;
		if (s->ipa) {
			p->ipa[k] = affinity_score(p, w, n);
			imin = p->ipa[k] < imin ? p->ipa[k] : imin;
			imax = p->ipa[k] > imax ? p->ipa[k] : imax;
		}
		if (s->nsoft && !p->ign[k]) {
			double sc = 0;

			for (int i = s->spread, j = 0; i < s->spread + s->nspread; i++) {
				const struct term *t = &p->terms[i];

				if (!t->hard && p->keys[t->key].dom[n] >= 0)
					sc += count_at(p, i, n) * p->wt[j] + (t->max_skew - 1);
				j += !t->hard;
			}
			p->pts[k] = round_pos(sc);
			pmin = p->pts[k] < pmin ? p->pts[k] : pmin;
			pmax = p->pts[k] > pmax ? p->pts[k] : pmax;
		}
	}
	for (int k = 0; k < nf; k++) {
		long long total = p->base[k];

		total += 3 * (tmax ? MAX_SCORE - MAX_SCORE * p->taint[k] / tmax : MAX_SCORE);
		if (s->ipa && imax > imin)
			total += 2 * (long long)(MAX_SCORE * ((double)(p->ipa[k] - imin) /
							  (double)(imax - imin)));
		if (s->nsoft && !p->ign[k])
			total += 2 * (pmax ? MAX_SCORE * (pmax + pmin - p->pts[k]) / pmax : MAX_SCORE);
		/* selectHost: replace the pick with probability 1/ties */
		if (total > best) {
			best = total;
			chosen = p->feas[k];
			ties = 1;
		} else if (total == best && rng_below(&p->rng, (uint32_t)++ties) == 0) {
			chosen = p->feas[k];
		}
	}
	return chosen;
}

/* numFeasibleNodesToFind with percentageOfNodesToScore unset. */
static int nodes_to_find(int nn)
{
	int pct = 50 - nn / 125;

	if (nn < MIN_FEASIBLE)
		return nn;
	pct = pct < MIN_PERCENT ? MIN_PERCENT : pct;
	return nn * pct / 100 < MIN_FEASIBLE ? MIN_FEASIBLE : nn * pct / 100;
}

/* One scheduling cycle: filter from nextStartNodeIndex until enough nodes
 * pass, then score them. Returns the node or -1 (Pending). */
static int schedule(struct plc *p, int w)
{
	int nn = p->c->nnodes, want = nodes_to_find(nn), nf = 0, j = p->next;

	for (int i = 0; i < nn && nf < want; i++) {
		int n = p->order[j];

		if (p->ok[n] && fits(p, w, n))
			p->feas[nf++] = n;
		j = j + 1 == nn ? 0 : j + 1;
	}
	p->next = j;
	if (nf <= 1) /* a single node is not scored */
		return nf ? p->feas[0] : -1;
	return pick(p, w, nf);
}

/* A pod of w runs on n: its requests count there, and it counts in every
 * term that selects it. */
static void occupy(struct plc *p, int w, int n)
{
	const struct workload *wl = &p->c->workloads[w];
	struct nstate *ns = &p->ns[n];

	KS_ASSERT(n >= 0 && n < p->c->nnodes);
	ns->req_cpu += wl->cpu_m;
	ns->req_mem += wl->memory_mi;
	ns->nz_cpu += wl->cpu_m ? wl->cpu_m : NONZERO_CPU_M;
	ns->nz_mem += wl->memory_mi ? wl->memory_mi : NONZERO_MEM_MI;
	ns->npods++;
	ns->memo_w = -1;
	feed(p, w, n);
}

static void bind(struct plc *p, struct cluster *c, struct pod *pod, int n)
{
	occupy(p, pod->workload, n);
	pod->node = n;
	pod->ready = 1;
	c->workloads[pod->workload].running++;
}

static struct pod *new_pod(struct cluster *c, int w, int ordinal)
{
	struct pod *pod = &c->pods[c->npods++];
	size_t len = strlen(c->workloads[w].name) + 16;

	pod->name = ks_malloc(len);
	snprintf(pod->name, len, "%s-%d", c->workloads[w].name, ordinal);
	pod->workload = w;
	pod->node = -1;
	return pod;
}

/* Ready w's terms for its cycles: counts exist, DoNotSchedule minima known
 * (over the domains with a node in the constraint's inclusion, and with
 * p->up, a node that takes new pods). */
static void begin_terms(struct plc *p, int w)
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
static void retire(struct term *t)
{
	t->dead = 1;
	ks_free(t->cnt);
	ks_free(t->incl);
	ks_free(t->dom_ok);
	t->cnt = NULL;
	t->incl = t->dom_ok = NULL;
}

static void place_workload(struct plc *p, struct cluster *c, int w)
{
	struct workload *wl = &c->workloads[w];
	const struct wstate *s = &p->ws[w];

	eligible(p, w);
	begin_terms(p, w);
	wl->first_pod = c->npods;
	wl->running = 0;
	if (wl->kind == WL_DAEMONSET) {
		for (int n = 0, i = 0; n < c->nnodes; n++) {
			struct pod *pod;

			if (!p->ok[n])
				continue;
			pod = new_pod(c, w, i++);
			if (fits(p, w, n))
				bind(p, c, pod, n);
			/* a cycle over the one node its affinity names still
			 * moves nextStartNodeIndex */
			p->next = p->next + 1 == c->nnodes ? 0 : p->next + 1;
		}
	} else {
		for (int i = 0; i < wl->replicas; i++) {
			struct pod *pod = new_pod(c, w, i);
			int n = wl->pin ? wl->pin[i] : schedule(p, w);

			if (n >= 0)
				bind(p, c, pod, n);
		}
	}
	wl->npods = c->npods - wl->first_pod;
	wl->pending = wl->npods - wl->running;
	if (s->anti >= 0)
		retire(&p->terms[s->anti]);
	if (s->aff >= 0)
		retire(&p->terms[s->aff]);
	for (int i = s->spread; i < s->spread + s->nspread; i++)
		retire(&p->terms[i]);
}

void placement_run(struct cluster *c, uint64_t seed)
{
	struct plc p = { .c = c };
	long long total = 0;

	KS_ASSERT(c->npods == 0 && c->nnodes > 0);
	rng_init(&p.rng, rng_derive(seed, 0, STREAM_PLACEMENT, 0));
	setup(&p);
	for (int w = 0; w < c->nworkloads; w++) {
		if (c->workloads[w].kind == WL_DAEMONSET)
			c->workloads[w].replicas = eligible(&p, w);
		total += c->workloads[w].replicas;
	}
	KS_ASSERT(total <= CLUSTER_MAX_PODS);
	c->pods = ks_calloc((size_t)total + 1, sizeof *c->pods);
	for (int w = 0; w < c->nworkloads; w++)
		place_workload(&p, c, w);
	teardown(&p);
	rng_fini(&p.rng);
}

/* The node for one more pod of a pinned workload: pin[k] for the first k
 * whose node runs fewer of w's pods than pin entries name it and takes new
 * pods (spec.nodeName: no filter, no score). */
static int pinned_slot(const struct cluster *c, const int *pod_node, int w,
		       const uint8_t *node_ok)
{
	const struct workload *wl = &c->workloads[w];
	int *want = ks_calloc((size_t)c->nnodes, sizeof *want), chosen = -1;

	for (int k = 0; k < wl->replicas; k++)
		want[wl->pin[k]]++;
	for (int i = 0; i < c->npods; i++)
		if (pod_node[i] >= 0 && c->pods[i].workload == w)
			want[pod_node[i]]--;
	for (int k = 0; k < wl->replicas && chosen < 0; k++)
		if (want[wl->pin[k]] > 0 && node_ok[wl->pin[k]])
			chosen = wl->pin[k];
	ks_free(want);
	return chosen;
}

/* The whole model is rebuilt from pod_node on every call: setup is
 * O(nodes x topology keys + workloads x affinity and spread selectors x
 * workloads), counting the running pods O(pods), and the cycle itself
 * O(nodes). Timeline events are few, so no state is kept between calls.
 * Terms no cycle of w reads are dropped before counting, so the per-domain
 * counts held are those of w's own terms and of the terms of workloads
 * whose (anti-)affinity selects w. Callers pass nonce >= 1: nonce 0 is
 * placement_run's stream. */
int placement_schedule_one(const struct cluster *c, const int *pod_node, int w,
			   const uint8_t *node_ok, uint64_t seed, uint64_t nonce)
{
	const struct workload *wl;
	struct plc p = { .c = c, .up = node_ok };
	uint8_t *read;
	const struct wstate *s;
	int chosen = -1;

	KS_ASSERT(w >= 0 && w < c->nworkloads && pod_node && node_ok);
	wl = &c->workloads[w];
	if (c->nnodes == 0)
		return -1;
	if (wl->pin && wl->kind == WL_DEPLOYMENT)
		return pinned_slot(c, pod_node, w, node_ok);
	setup(&p);
	/* keep the terms w reads; the rest would only cost counts */
	s = &p.ws[w];
	read = ks_calloc((size_t)p.nterms + 1, 1);
	if (s->anti >= 0)
		read[s->anti] = 1;
	if (s->aff >= 0)
		read[s->aff] = 1;
	for (int i = 0; i < s->sym.n; i += 2)
		read[s->sym.v[i]] = 1;
	for (int i = s->spread; i < s->spread + s->nspread; i++)
		read[i] = 1;
	for (int t = 0; t < p.nterms; t++)
		if (!read[t])
			retire(&p.terms[t]);
	ks_free(read);
	/* every running pod counts, on whichever node it is */
	for (int i = 0; i < c->npods; i++) {
		KS_ASSERT(pod_node[i] < c->nnodes && c->pods[i].workload >= 0 &&
			  c->pods[i].workload < c->nworkloads);
		if (pod_node[i] >= 0)
			occupy(&p, c->pods[i].workload, pod_node[i]);
	}
	eligible(&p, w);
	for (int n = 0; n < c->nnodes; n++)
		p.ok[n] &= node_ok[n] != 0;
	begin_terms(&p, w);
	if (wl->kind == WL_DAEMONSET) {
		/* the first node that passes the controller's filters, lacks
		 * its pod and has room for it (one without room keeps its pod
		 * Pending, as placement_run does) */
		uint8_t *has = ks_calloc((size_t)c->nnodes, 1);

		for (int i = 0; i < c->npods; i++)
			if (pod_node[i] >= 0 && c->pods[i].workload == w)
				has[pod_node[i]] = 1;
		for (int n = 0; n < c->nnodes && chosen < 0; n++)
			if (p.ok[n] && !has[n] && fits(&p, w, n))
				chosen = n;
		ks_free(has);
	} else {
		/* the search starts where the scheduler's nextStartNodeIndex
		 * happens to be: a uniform draw */
		rng_init(&p.rng, rng_derive(seed, 0, STREAM_PLACEMENT, nonce));
		p.next = (int)rng_below(&p.rng, (uint32_t)c->nnodes);
		chosen = schedule(&p, w);
		rng_fini(&p.rng);
	}
	teardown(&p);
	return chosen;
}
