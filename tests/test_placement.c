/* placement: the kube-scheduler model on small clusters built in memory —
 * (anti-)affinity, spreading, resource fit, taints, DaemonSets, node
 * selectors, sampling on larger clusters and per-seed reproducibility. */
#include <stdio.h>
#include <string.h>
#include <CUnit/CUnit.h>

#include "ktsim/mem.h"
#include "ktsim/placement.h"
#include "ktsim/rng.h"
#include "tests.h"

#define HOST "kubernetes.io/hostname"
#define ZONE "topology.kubernetes.io/zone"
#define MAXW 16

static void add_label(struct labels *l, const char *k, const char *v)
{
	l->kv = ks_realloc(l->kv, (size_t)l->n + 1, sizeof *l->kv);
	l->kv[l->n].key = ks_strdup(k);
	l->kv[l->n++].value = ks_strdup(v);
}

/* n nodes "n<i>" with hostname and zone labels, node i in zone zone_of[i]
 * ("z<k>"), 4000m / 16Gi / 110 pods; room for MAXW workloads. */
static struct cluster *zoned(const int *zone_of, int n)
{
	struct cluster *c = cluster_create();
	char buf[32];

	c->nodes = ks_calloc((size_t)n, sizeof *c->nodes);
	c->workloads = ks_calloc(MAXW, sizeof *c->workloads);
	for (int i = 0; i < n; i++) {
		struct node *nd = &c->nodes[i];

		snprintf(buf, sizeof buf, "n%d", i);
		nd->name = ks_strdup(buf);
		add_label(&nd->labels, HOST, buf);
		snprintf(buf, sizeof buf, "z%d", zone_of[i]);
		nd->zone = cluster_zone(c, buf);
		add_label(&nd->labels, ZONE, buf);
		nd->cpu_m = 4000;
		nd->memory_mi = 16384;
		nd->max_pods = 110;
	}
	c->nnodes = n;
	return c;
}

/* n nodes round-robin over nz zones. */
static struct cluster *cluster_of(int n, int nz)
{
	int *z = ks_calloc((size_t)n, sizeof *z);
	struct cluster *c;

	for (int i = 0; i < n; i++)
		z[i] = i % nz;
	c = zoned(z, n);
	ks_free(z);
	return c;
}

/* A Deployment labelled app=<name>. */
static struct workload *deploy(struct cluster *c, const char *name, int replicas)
{
	struct workload *w;

	CU_ASSERT_FATAL(c->nworkloads < MAXW);
	w = &c->workloads[c->nworkloads++];
	w->name = ks_strdup(name);
	w->kind = WL_DEPLOYMENT;
	w->replicas = replicas;
	add_label(&w->labels, "app", name);
	return w;
}

static struct workload *daemonset(struct cluster *c, const char *name)
{
	struct workload *w = deploy(c, name, 0);

	w->kind = WL_DAEMONSET;
	return w;
}

/* A term on `key`; sel_app NULL selects the workload's own pods. */
static void term(struct affinity_term *t, enum affinity_mode mode, int weight, const char *key,
		 const char *sel_app)
{
	t->mode = mode;
	t->weight = weight;
	t->topology_key = ks_strdup(key);
	if (sel_app)
		add_label(&t->selector, "app", sel_app);
}

static void spread(struct workload *w, int skew, const char *key, enum spread_when when)
{
	struct spread_constraint *s;

	w->spread = ks_realloc(w->spread, (size_t)w->nspread + 1, sizeof *w->spread);
	s = &w->spread[w->nspread++];
	memset(s, 0, sizeof *s);
	s->max_skew = skew;
	s->topology_key = ks_strdup(key);
	s->when = when;
}

static void taint(struct node *n, const char *key, const char *value, enum taint_effect e)
{
	n->taints = ks_realloc(n->taints, (size_t)n->ntaints + 1, sizeof *n->taints);
	n->taints[n->ntaints].key = ks_strdup(key);
	n->taints[n->ntaints].value = ks_strdup(value);
	n->taints[n->ntaints++].effect = e;
}

static void tolerate(struct workload *w, const char *key, const char *value,
		     enum toleration_op op, enum taint_effect e)
{
	w->tolerations = ks_realloc(w->tolerations, (size_t)w->ntolerations + 1,
				    sizeof *w->tolerations);
	w->tolerations[w->ntolerations].key = ks_strdup(key);
	w->tolerations[w->ntolerations].value = ks_strdup(value);
	w->tolerations[w->ntolerations].op = op;
	w->tolerations[w->ntolerations++].effect = e;
}

static int wl_index(const struct cluster *c, const char *name)
{
	for (int w = 0; w < c->nworkloads; w++)
		if (strcmp(c->workloads[w].name, name) == 0)
			return w;
	return -1;
}

/* Pods of workload `name` on node n among its first `upto` pods. */
static int on_node(const struct cluster *c, const char *name, int n, int upto)
{
	const struct workload *w = &c->workloads[wl_index(c, name)];
	int k = 0;

	for (int i = 0; i < upto && i < w->npods; i++)
		k += c->pods[w->first_pod + i].node == n;
	return k;
}

static void placement_should_leave_excess_pending_under_required_anti_affinity(void)
{
	for (uint64_t seed = 1; seed <= 5; seed++) {
		struct cluster *c = cluster_of(3, 1);
		struct workload *w = deploy(c, "web", 5);
		int used[3] = { 0 };

		term(&w->anti, AFFINITY_REQUIRED, 0, HOST, NULL);
		placement_run(c, seed);
		CU_ASSERT_EQUAL(c->npods, 5);
		CU_ASSERT_EQUAL(w->first_pod, 0);
		CU_ASSERT_EQUAL(w->npods, 5);
		CU_ASSERT_EQUAL(w->running, 3);
		CU_ASSERT_EQUAL(w->pending, 2);
		for (int i = 0; i < 5; i++) {
			char name[16];

			snprintf(name, sizeof name, "web-%d", i);
			CU_ASSERT_STRING_EQUAL(c->pods[i].name, name);
			CU_ASSERT_EQUAL(c->pods[i].workload, 0);
			CU_ASSERT_EQUAL(c->pods[i].ready, c->pods[i].node >= 0);
			if (c->pods[i].node >= 0)
				CU_ASSERT_EQUAL(++used[c->pods[i].node], 1);
		}
		cluster_destroy(c);
	}
}

static void placement_should_spread_one_per_node_then_double_up_evenly(void)
{
	printf("[seeds 1..8] ");
	for (uint64_t seed = 1; seed <= 8; seed++) {
		struct cluster *c = cluster_of(4, 2);
		struct workload *w = deploy(c, "web", 11);

		c->nodes[3].max_pods = 1;    /* room for one */
		w->cpu_m = 100;
		w->memory_mi = 128;
		term(&w->anti, AFFINITY_PREFERRED, 100, HOST, NULL);
		placement_run(c, seed);
		CU_ASSERT_EQUAL(w->running, 11);
		for (int k = 1; k <= 11; k++) {
			int lo = 1000, hi = 0;

			for (int n = 0; n < 3; n++) {
				int x = on_node(c, "web", n, k);

				lo = x < lo ? x : lo;
				hi = x > hi ? x : hi;
			}
			/* one per node while every node has room, then evenly */
			if (k <= 4) {
				CU_ASSERT(hi <= 1 && on_node(c, "web", 3, k) <= 1);
			} else {
				CU_ASSERT(hi - lo <= 1 && on_node(c, "web", 3, k) == 1);
			}
		}
		cluster_destroy(c);
	}
}

static void placement_should_pile_onto_free_nodes_when_others_are_loaded(void)
{
	for (uint64_t seed = 1; seed <= 5; seed++) {
		struct cluster *c = cluster_of(4, 1), *even = cluster_of(4, 1);
		struct workload *w = deploy(c, "web", 6), *v = deploy(even, "web", 6);

		c->nodes[0].allocated_cpu_m = c->nodes[1].allocated_cpu_m = 3600;
		w->cpu_m = v->cpu_m = 100;
		w->memory_mi = v->memory_mi = 128;
		placement_run(c, seed);
		placement_run(even, seed);
		CU_ASSERT_EQUAL(w->running, 6);
		CU_ASSERT_EQUAL(on_node(c, "web", 0, 6) + on_node(c, "web", 1, 6), 0);
		CU_ASSERT_EQUAL(on_node(c, "web", 2, 6), 3);
		/* the same Deployment on idle nodes uses all four */
		for (int n = 0; n < 4; n++)
			CU_ASSERT(on_node(even, "web", n, 6) >= 1);
		cluster_destroy(c);
		cluster_destroy(even);
	}
}

static void placement_should_hold_max_skew_on_zones_of_uneven_size(void)
{
	static const int zone_of[] = { 0, 1, 1, 2, 2, 2, 2, 2 };

	for (uint64_t seed = 1; seed <= 5; seed++) {
		struct cluster *c = zoned(zone_of, 8);
		struct workload *w = deploy(c, "web", 21), *api;

		spread(w, 1, ZONE, SPREAD_DO_NOT_SCHEDULE);
		/* api may only use zones 1 and 2: zone 0 is no domain of its */
		for (int n = 1; n < 8; n++)
			add_label(&c->nodes[n].labels, "pool", "b");
		api = deploy(c, "api", 10);
		add_label(&api->node_selector, "pool", "b");
		spread(api, 1, ZONE, SPREAD_DO_NOT_SCHEDULE);
		placement_run(c, seed);
		CU_ASSERT_EQUAL(w->running, 21);
		for (int k = 1; k <= 21; k++) {
			int z[3] = { 0 }, lo, hi;

			for (int i = 0; i < k; i++)
				z[zone_of[c->pods[w->first_pod + i].node]]++;
			lo = z[0] < z[1] ? z[0] : z[1];
			lo = z[2] < lo ? z[2] : lo;
			hi = z[0] > z[1] ? z[0] : z[1];
			hi = z[2] > hi ? z[2] : hi;
			CU_ASSERT(hi - lo <= 1);
		}
		CU_ASSERT_EQUAL(api->running, 10);
		CU_ASSERT_EQUAL(on_node(c, "api", 0, 10), 0);
		cluster_destroy(c);
	}
}

static void placement_should_co_locate_with_required_affinity(void)
{
	for (uint64_t seed = 1; seed <= 5; seed++) {
		struct cluster *c = cluster_of(6, 2);
		struct workload *cache = deploy(c, "cache", 2), *web = deploy(c, "web", 6);
		struct workload *orphan = deploy(c, "orphan", 2), *self = deploy(c, "self", 4);
		int first;

		term(&cache->anti, AFFINITY_REQUIRED, 0, HOST, NULL);
		term(&web->aff, AFFINITY_REQUIRED, 0, HOST, "cache");
		term(&orphan->aff, AFFINITY_REQUIRED, 0, HOST, "nothing");
		term(&self->aff, AFFINITY_REQUIRED, 0, HOST, NULL);
		placement_run(c, seed);
		CU_ASSERT_EQUAL(cache->running, 2);
		CU_ASSERT_EQUAL(web->running, 6);
		for (int i = 0; i < 6; i++) {
			int n = c->pods[web->first_pod + i].node;

			CU_ASSERT(n >= 0 && on_node(c, "cache", n, 2) == 1);
		}
		/* nothing to join: Pending; joining itself: the first replica
		 * goes anywhere and the rest follow it */
		CU_ASSERT_EQUAL(orphan->running, 0);
		CU_ASSERT_EQUAL(orphan->pending, 2);
		CU_ASSERT_EQUAL(self->running, 4);
		first = c->pods[self->first_pod].node;
		CU_ASSERT(first >= 0 && on_node(c, "self", first, 4) == 4);
		cluster_destroy(c);
	}
}

/* db on two of four nodes, web kept off them by web's own required
 * anti-affinity (mine) or by db's against web (theirs). */
static void placement_should_hold_required_anti_affinity_both_ways(void)
{
	for (int theirs = 0; theirs < 2; theirs++) {
		struct cluster *c = cluster_of(4, 1);
		struct workload *db = deploy(c, "db", 2), *web = deploy(c, "web", 4);

		term(theirs ? &db->anti : &web->anti, AFFINITY_REQUIRED, 0, HOST,
		     theirs ? "web" : "db");
		placement_run(c, 3);
		CU_ASSERT_EQUAL(db->running, 2);
		CU_ASSERT_NOT_EQUAL(c->pods[0].node, c->pods[1].node);
		CU_ASSERT_EQUAL(web->running, 4);
		for (int i = 0; i < 4; i++) {
			int n = c->pods[web->first_pod + i].node;

			CU_ASSERT(n >= 0 && on_node(c, "db", n, 2) == 0);
		}
		cluster_destroy(c);
	}
}

/* One cache pod on node X of four. web's preferred affinity to it beats
 * spreading: all on X. lonely's preferred anti-affinity to it beats
 * spreading four pods over four nodes: none on X. solo's preferred
 * anti-affinity against noisy keeps noisy off solo's node (scoring.go
 * counts existing pods' terms too). */
static void placement_should_follow_preferred_pod_affinity_both_ways(void)
{
	for (uint64_t seed = 1; seed <= 5; seed++) {
		struct cluster *c = cluster_of(4, 1);
		struct workload *cache = deploy(c, "cache", 1), *web = deploy(c, "web", 4);
		struct workload *lonely = deploy(c, "lonely", 4), *solo = deploy(c, "solo", 1);
		int x, y;

		deploy(c, "noisy", 4);
		term(&web->aff, AFFINITY_PREFERRED, 100, HOST, "cache");
		term(&lonely->anti, AFFINITY_PREFERRED, 100, HOST, "cache");
		term(&solo->anti, AFFINITY_PREFERRED, 100, HOST, "noisy");
		placement_run(c, seed);
		x = c->pods[cache->first_pod].node;
		y = c->pods[solo->first_pod].node;
		CU_ASSERT_EQUAL(on_node(c, "web", x, 4), 4);
		CU_ASSERT_EQUAL(lonely->running, 4);
		CU_ASSERT_EQUAL(on_node(c, "lonely", x, 4), 0);
		CU_ASSERT_EQUAL(on_node(c, "noisy", y, 4), 0);
		cluster_destroy(c);
	}
}

/* Zone z0 has one node, z1 three. Spreading by zone (the defaults, or a
 * ScheduleAnyway constraint) sends z0's node more than its per-node share. */
static void placement_should_spread_over_zones_when_scoring(void)
{
	static const int zone_of[] = { 0, 1, 1, 1 };

	for (uint64_t seed = 1; seed <= 5; seed++) {
		struct cluster *c = zoned(zone_of, 4);
		struct workload *soft = deploy(c, "soft", 12);

		deploy(c, "web", 12);
		spread(soft, 1, ZONE, SPREAD_SCHEDULE_ANYWAY);
		placement_run(c, seed);
		CU_ASSERT(on_node(c, "soft", 0, 12) >= 5);
		CU_ASSERT(on_node(c, "web", 0, 12) >= 4);
		cluster_destroy(c);
	}
}

static void placement_should_cover_eligible_nodes_with_daemonsets(void)
{
	struct cluster *c = cluster_of(5, 1);
	struct workload *agent, *gpu, *edge, *any, *web;

	taint(&c->nodes[1], "dedicated", "gpu", TAINT_NO_SCHEDULE);
	taint(&c->nodes[2], "node.kubernetes.io/unschedulable", "", TAINT_NO_SCHEDULE);
	add_label(&c->nodes[3].labels, "role", "edge");
	add_label(&c->nodes[4].labels, "role", "edge");
	c->nodes[4].cpu_m = 50;
	agent = daemonset(c, "agent");
	agent->cpu_m = 100;
	gpu = daemonset(c, "gpu-agent");
	tolerate(gpu, "dedicated", "gpu", TOL_EQUAL, TAINT_NO_SCHEDULE);
	edge = daemonset(c, "edge");
	add_label(&edge->node_selector, "role", "edge");
	any = daemonset(c, "any");
	tolerate(any, "", "", TOL_EXISTS, TAINT_ANY);
	web = deploy(c, "web", 12);
	placement_run(c, 1);
	/* untolerated NoSchedule taint skipped; the controller's own
	 * tolerations cover a cordoned node; no room: Pending */
	CU_ASSERT_EQUAL(agent->replicas, 4);
	CU_ASSERT_EQUAL(agent->npods, 4);
	CU_ASSERT_EQUAL(c->pods[agent->first_pod + 0].node, 0);
	CU_ASSERT_EQUAL(c->pods[agent->first_pod + 1].node, 2);
	CU_ASSERT_EQUAL(c->pods[agent->first_pod + 2].node, 3);
	CU_ASSERT_EQUAL(c->pods[agent->first_pod + 3].node, -1);
	CU_ASSERT_STRING_EQUAL(c->pods[agent->first_pod + 3].name, "agent-3");
	CU_ASSERT_EQUAL(agent->running, 3);
	CU_ASSERT_EQUAL(agent->pending, 1);
	CU_ASSERT_EQUAL(gpu->replicas, 5);
	CU_ASSERT_EQUAL(gpu->running, 5);
	for (int n = 0; n < 5; n++)
		CU_ASSERT_EQUAL(c->pods[gpu->first_pod + n].node, n);
	CU_ASSERT_EQUAL(edge->replicas, 2);
	CU_ASSERT_EQUAL(c->pods[edge->first_pod].node, 3);
	CU_ASSERT_EQUAL(c->pods[edge->first_pod + 1].node, 4);
	CU_ASSERT_EQUAL(any->replicas, 5);
	/* a Deployment gets no automatic toleration */
	CU_ASSERT_EQUAL(web->running, 12);
	CU_ASSERT_EQUAL(on_node(c, "web", 1, 12) + on_node(c, "web", 2, 12), 0);
	CU_ASSERT_EQUAL(c->npods, 4 + 5 + 2 + 5 + 12);
	cluster_destroy(c);
}

static void placement_should_respect_node_selector(void)
{
	struct cluster *c = cluster_of(6, 3);
	struct workload *w = deploy(c, "web", 9), *none;

	add_label(&c->nodes[1].labels, "disk", "ssd");
	add_label(&c->nodes[4].labels, "disk", "ssd");
	add_label(&c->nodes[5].labels, "disk", "hdd");
	add_label(&w->node_selector, "disk", "ssd");
	none = deploy(c, "none", 2);
	add_label(&none->node_selector, "disk", "nvme");
	placement_run(c, 2);
	CU_ASSERT_EQUAL(w->running, 9);
	CU_ASSERT_EQUAL(on_node(c, "web", 1, 9) + on_node(c, "web", 4, 9), 9);
	CU_ASSERT(on_node(c, "web", 1, 9) >= 4 && on_node(c, "web", 4, 9) >= 4);
	CU_ASSERT_EQUAL(none->pending, 2);
	cluster_destroy(c);
}

static void placement_should_avoid_prefer_no_schedule_taints(void)
{
	struct cluster *c = cluster_of(3, 1);
	struct workload *w = deploy(c, "web", 6), *t;

	taint(&c->nodes[0], "spot", "true", TAINT_PREFER_NO_SCHEDULE);
	t = deploy(c, "batch", 6);
	tolerate(t, "spot", "", TOL_EXISTS, TAINT_PREFER_NO_SCHEDULE);
	placement_run(c, 4);
	CU_ASSERT_EQUAL(on_node(c, "web", 0, 6), 0);
	CU_ASSERT(on_node(c, "batch", 0, 6) >= 2); /* tolerated: spread as usual */
	CU_ASSERT_EQUAL(w->running + t->running, 12);
	cluster_destroy(c);
}

static void placement_should_place_pinned_pods_and_count_them(void)
{
	struct cluster *c = cluster_of(3, 1);
	struct workload *p = deploy(c, "pinned", 3), *w = deploy(c, "web", 3);

	p->pin = ks_calloc(3, sizeof *p->pin);
	p->cpu_m = 2000;
	w->cpu_m = 3000;
	term(&w->anti, AFFINITY_REQUIRED, 0, HOST, "pinned");
	/* node 0 twice (4000m of 4000m), node 1 once: web fits only on node 2 */
	p->pin[0] = p->pin[1] = 0;
	p->pin[2] = 1;
	placement_run(c, 1);
	CU_ASSERT_EQUAL(p->running, 3);
	CU_ASSERT_EQUAL(c->pods[2].node, 1);
	CU_ASSERT_EQUAL(w->running, 1);
	CU_ASSERT_EQUAL(c->pods[w->first_pod].node, 2);
	cluster_destroy(c);
}

/* A random cluster and workload mix from r, for the capacity test. */
static struct cluster *random_cluster(struct rng *r)
{
	struct cluster *c = cluster_of(3 + (int)rng_below(r, 28), 1 + (int)rng_below(r, 3));
	int nw = 1 + (int)rng_below(r, 6);

	for (int n = 0; n < c->nnodes; n++) {
		struct node *nd = &c->nodes[n];

		nd->cpu_m = 1000 + rng_below(r, 7000);
		nd->memory_mi = 2048 + rng_below(r, 30000);
		nd->max_pods = 3 + (int)rng_below(r, 28);
		nd->allocated_cpu_m = rng_below(r, (uint32_t)nd->cpu_m / 2);
		nd->allocated_memory_mi = rng_below(r, (uint32_t)nd->memory_mi / 2);
	}
	for (int i = 0; i < nw; i++) {
		char name[8] = { (char)('a' + i), 0 };
		struct workload *w = deploy(c, name, 1 + (int)rng_below(r, 60));

		w->cpu_m = rng_below(r, 4) ? rng_below(r, 1500) : 0;
		w->memory_mi = rng_below(r, 4) ? rng_below(r, 4096) : 0;
		if (rng_below(r, 3) == 0)
			term(&w->anti, AFFINITY_PREFERRED, 1 + (int)rng_below(r, 100), HOST, NULL);
		if (rng_below(r, 3) == 0)
			spread(w, 1 + (int)rng_below(r, 3), ZONE, SPREAD_SCHEDULE_ANYWAY);
	}
	return c;
}

static void placement_should_never_exceed_capacity(void)
{
	int pending = 0;

	printf("[seeds 1..40] ");
	for (uint64_t seed = 1; seed <= 40; seed++) {
		struct rng r;
		struct cluster *c;

		rng_init(&r, rng_derive(seed, 0, 99, 0));
		c = random_cluster(&r);
		placement_run(c, seed);
		for (int n = 0; n < c->nnodes; n++) {
			const struct node *nd = &c->nodes[n];
			long long cpu = nd->allocated_cpu_m, mem = nd->allocated_memory_mi;
			int pods = 0;

			for (int i = 0; i < c->npods; i++)
				if (c->pods[i].node == n) {
					cpu += c->workloads[c->pods[i].workload].cpu_m;
					mem += c->workloads[c->pods[i].workload].memory_mi;
					pods++;
				}
			CU_ASSERT(cpu <= nd->cpu_m && mem <= nd->memory_mi && pods <= nd->max_pods);
			if (cpu > nd->cpu_m || mem > nd->memory_mi || pods > nd->max_pods)
				printf("\n  seed %llu node %d over capacity\n", (unsigned long long)seed, n);
			/* usage only grows: a node with room now had room for every
			 * Pending pod, which then should not be Pending */
			for (int i = 0; i < c->npods; i++) {
				const struct workload *w = &c->workloads[c->pods[i].workload];

				if (c->pods[i].node < 0)
					CU_ASSERT(cpu + w->cpu_m > nd->cpu_m ||
						  mem + w->memory_mi > nd->memory_mi ||
						  pods + 1 > nd->max_pods);
			}
		}
		for (int w = 0; w < c->nworkloads; w++)
			pending += c->workloads[w].pending;
		cluster_destroy(c);
	}
	CU_ASSERT(pending > 0); /* the mixes did run out of room */
}

/* Node of every pod, joined into buf. */
static void layout_of(const struct cluster *c, char *buf, size_t n)
{
	size_t k = 0;

	for (int i = 0; i < c->npods && k + 8 < n; i++)
		k += (size_t)snprintf(buf + k, n - k, "%d,", c->pods[i].node);
}

static struct cluster *tied(uint64_t seed)
{
	struct cluster *c = cluster_of(10, 1);

	deploy(c, "web", 4);
	placement_run(c, seed);
	return c;
}

static void placement_should_repeat_per_seed_and_vary_ties_across_seeds(void)
{
	char a[256], b[256];
	int differ = 0;
	struct cluster *c = tied(42), *d = tied(42);

	layout_of(c, a, sizeof a);
	layout_of(d, b, sizeof b);
	CU_ASSERT_STRING_EQUAL(a, b);
	cluster_destroy(d);
	for (uint64_t seed = 43; seed < 53; seed++) {
		d = tied(seed);
		layout_of(d, b, sizeof b);
		differ += strcmp(a, b) != 0;
		cluster_destroy(d);
	}
	CU_ASSERT(differ >= 8); /* 10 identical nodes: ties everywhere */
	cluster_destroy(c);
}

static void placement_should_rotate_the_sampled_window_on_large_clusters(void)
{
	/* 400 nodes: 46% of them (184) are filtered per pod, starting where
	 * the previous pod's search stopped */
	struct cluster *c = cluster_of(400, 3);
	struct workload *w = deploy(c, "web", 400);
	int max = 0, used = 0, z[3] = { 0 };

	w->cpu_m = 100;
	w->memory_mi = 128;
	placement_run(c, 7);
	for (int n = 0; n < 400; n++) {
		int k = on_node(c, "web", n, 400);

		max = k > max ? k : max;
		used += k > 0;
		z[n % 3] += k;
	}
	CU_ASSERT_EQUAL(w->running, 400);
	CU_ASSERT(max <= 2);
	CU_ASSERT(used >= 300);
	CU_ASSERT(z[0] - z[1] <= 3 && z[1] - z[0] <= 3 && z[1] - z[2] <= 3 && z[2] - z[1] <= 3);
	cluster_destroy(c);
}

/* 300 nodes listed zone by zone: 48% of them (144) are filtered per pod,
 * but in the scheduler cache's zone-interleaved order, so every window
 * holds every zone: the first pod can land in the last zone, and three
 * replicas take three zones. */
static void placement_should_sample_every_zone_on_large_clusters(void)
{
	int *zone_of = ks_calloc(300, sizeof *zone_of), last = 0;

	for (int n = 0; n < 300; n++)
		zone_of[n] = n / 100;
	printf("[seeds 1..30] ");
	for (uint64_t seed = 1; seed <= 30; seed++) {
		struct cluster *c = zoned(zone_of, 300);
		struct workload *w = deploy(c, "web", 3);
		int z[3];

		placement_run(c, seed);
		for (int i = 0; i < 3; i++)
			z[i] = zone_of[c->pods[w->first_pod + i].node];
		CU_ASSERT(z[0] != z[1] && z[1] != z[2] && z[0] != z[2]);
		last += z[0] == 2;
		cluster_destroy(c);
	}
	CU_ASSERT(last >= 3); /* about a third of the seeds */
	ks_free(zone_of);
}

/* Where each pod runs now, as placement_run left it (the caller's state
 * for placement_schedule_one), and every node taking pods. */
static int *nodes_now(const struct cluster *c)
{
	int *pn = ks_calloc((size_t)c->npods + 1, sizeof *pn);

	for (int i = 0; i < c->npods; i++)
		pn[i] = c->pods[i].node;
	return pn;
}

static uint8_t *all_up(const struct cluster *c)
{
	uint8_t *ok = ks_calloc((size_t)c->nnodes, 1);

	memset(ok, 1, (size_t)c->nnodes);
	return ok;
}

static void placement_should_replace_a_deleted_pod_on_the_node_that_lost_it(void)
{
	printf("[seeds 1..5, pods 0..2] ");
	for (uint64_t seed = 1; seed <= 5; seed++) {
		struct cluster *c = cluster_of(3, 1);
		struct workload *w = deploy(c, "web", 3);
		int *pn;
		uint8_t *ok;

		w->cpu_m = 100;
		w->memory_mi = 128;
		term(&w->anti, AFFINITY_PREFERRED, 100, HOST, NULL);
		placement_run(c, seed);
		CU_ASSERT_EQUAL(w->running, 3);
		pn = nodes_now(c);
		ok = all_up(c);
		for (int i = 0; i < 3; i++) {
			pn[i] = -1;
			for (uint64_t nonce = 1; nonce <= 4; nonce++)
				CU_ASSERT_EQUAL(placement_schedule_one(c, pn, 0, ok, seed, nonce),
						c->pods[i].node);
			pn[i] = c->pods[i].node;
		}
		ks_free(pn);
		ks_free(ok);
		cluster_destroy(c);
	}
}

static void placement_should_replace_pods_only_on_nodes_taking_pods(void)
{
	for (uint64_t seed = 1; seed <= 5; seed++) {
		struct cluster *c = cluster_of(3, 1);
		struct workload *w = deploy(c, "web", 3);
		int *pn, lost, n;
		uint8_t *ok;

		term(&w->anti, AFFINITY_PREFERRED, 100, HOST, NULL);
		placement_run(c, seed);
		pn = nodes_now(c);
		ok = all_up(c);
		/* the node went down: its pod is gone and it takes none */
		lost = pn[1];
		pn[1] = -1;
		ok[lost] = 0;
		for (uint64_t nonce = 1; nonce <= 8; nonce++) {
			n = placement_schedule_one(c, pn, 0, ok, seed, nonce);
			CU_ASSERT(n >= 0 && n < 3 && n != lost);
		}
		/* no node takes pods: Pending */
		memset(ok, 0, 3);
		CU_ASSERT_EQUAL(placement_schedule_one(c, pn, 0, ok, seed, 1), -1);
		ks_free(pn);
		ks_free(ok);
		cluster_destroy(c);
	}
}

static void placement_should_leave_a_replacement_pending_under_required_anti_affinity(void)
{
	struct cluster *c = cluster_of(3, 1);
	struct workload *w = deploy(c, "web", 3);
	int *pn;
	uint8_t *ok;

	term(&w->anti, AFFINITY_REQUIRED, 0, HOST, NULL);
	placement_run(c, 1);
	CU_ASSERT_EQUAL(w->running, 3);
	pn = nodes_now(c);
	ok = all_up(c);
	CU_ASSERT_EQUAL(placement_schedule_one(c, pn, 0, ok, 1, 1), -1);
	/* one deleted: its node is the only one left */
	pn[2] = -1;
	CU_ASSERT_EQUAL(placement_schedule_one(c, pn, 0, ok, 1, 1), c->pods[2].node);
	ks_free(pn);
	ks_free(ok);
	cluster_destroy(c);
}

/* One 3000m pod of "big" on 4000m nodes: pod_node says where it is now,
 * whatever c->pods says. */
static void placement_should_count_capacity_from_current_pod_nodes(void)
{
	for (uint64_t seed = 1; seed <= 5; seed++) {
		struct cluster *c = cluster_of(2, 1);
		struct workload *w = deploy(c, "big", 1);
		int *pn, was;
		uint8_t *ok;

		w->cpu_m = 3000;
		placement_run(c, seed);
		was = c->pods[0].node;
		CU_ASSERT(was == 0 || was == 1);
		pn = nodes_now(c);
		ok = all_up(c);
		CU_ASSERT_EQUAL(placement_schedule_one(c, pn, 0, ok, seed, 1), 1 - was);
		/* moved: the node c->pods names is free by pod_node's account */
		pn[0] = 1 - was;
		for (uint64_t nonce = 1; nonce <= 4; nonce++)
			CU_ASSERT_EQUAL(placement_schedule_one(c, pn, 0, ok, seed, nonce), was);
		/* not running at all: either node will do */
		pn[0] = -1;
		CU_ASSERT(placement_schedule_one(c, pn, 0, ok, seed, 1) >= 0);
		/* both taken: Pending */
		c->nodes[was].max_pods = 1;
		pn[0] = was;
		c->nodes[1 - was].allocated_cpu_m = 1500;
		CU_ASSERT_EQUAL(placement_schedule_one(c, pn, 0, ok, seed, 1), -1);
		ks_free(pn);
		ks_free(ok);
		cluster_destroy(c);
	}
}

static void placement_should_recreate_a_daemonset_pod_on_the_node_missing_it(void)
{
	struct cluster *c = cluster_of(5, 2);
	struct workload *agent;
	int *pn, a;
	uint8_t *ok;

	taint(&c->nodes[1], "dedicated", "gpu", TAINT_NO_SCHEDULE);
	deploy(c, "web", 6);
	agent = daemonset(c, "agent");
	agent->cpu_m = 100;
	placement_run(c, 1);
	a = wl_index(c, "agent");
	CU_ASSERT_EQUAL(agent->running, 4);
	pn = nodes_now(c);
	ok = all_up(c);
	CU_ASSERT_EQUAL(placement_schedule_one(c, pn, a, ok, 1, 1), -1); /* none missing */
	/* agent pods on nodes 0, 2, 3, 4: the one on node 3 is gone */
	CU_ASSERT_EQUAL(pn[agent->first_pod + 2], 3);
	pn[agent->first_pod + 2] = -1;
	CU_ASSERT_EQUAL(placement_schedule_one(c, pn, a, ok, 1, 1), 3);
	CU_ASSERT_EQUAL(placement_schedule_one(c, pn, a, ok, 1, 2), 3);
	/* node 3 is down too: nothing to re-create */
	ok[3] = 0;
	CU_ASSERT_EQUAL(placement_schedule_one(c, pn, a, ok, 1, 1), -1);
	/* node 0's pod gone as well, but node 0 has no room: it keeps its
	 * pod Pending and node 3 gets its own */
	ok[3] = 1;
	pn[agent->first_pod] = -1;
	c->nodes[0].allocated_cpu_m = c->nodes[0].cpu_m;
	CU_ASSERT_EQUAL(placement_schedule_one(c, pn, a, ok, 1, 1), 3);
	ks_free(pn);
	ks_free(ok);
	cluster_destroy(c);
}

static void placement_should_refill_pinned_nodes_in_pin_order(void)
{
	struct cluster *c = cluster_of(3, 1);
	struct workload *p = deploy(c, "pinned", 3);
	int *pn;
	uint8_t *ok;

	p->pin = ks_calloc(3, sizeof *p->pin);
	p->pin[0] = 2;
	p->pin[1] = p->pin[2] = 0;
	placement_run(c, 1);
	pn = nodes_now(c);
	ok = all_up(c);
	CU_ASSERT_EQUAL(placement_schedule_one(c, pn, 0, ok, 1, 1), -1);
	pn[2] = -1; /* one of node 0's two */
	CU_ASSERT_EQUAL(placement_schedule_one(c, pn, 0, ok, 1, 1), 0);
	pn[0] = -1; /* and node 2's: pin order first */
	CU_ASSERT_EQUAL(placement_schedule_one(c, pn, 0, ok, 1, 1), 2);
	ok[2] = 0;  /* a node taking no pods is passed over */
	CU_ASSERT_EQUAL(placement_schedule_one(c, pn, 0, ok, 1, 1), 0);
	ok[0] = 0;
	CU_ASSERT_EQUAL(placement_schedule_one(c, pn, 0, ok, 1, 1), -1);
	ks_free(pn);
	ks_free(ok);
	cluster_destroy(c);
}

/* Three zones of one node, maxSkew 1 by zone, one pod each. Zone z2's node
 * goes down and its pod is evicted: z2 is no domain while no node of it
 * takes pods, so the replacement goes to z0 or z1. */
static void placement_should_leave_domains_without_nodes_taking_pods_out_of_the_skew(void)
{
	struct cluster *c = cluster_of(3, 3);
	struct workload *w = deploy(c, "web", 3);
	int *pn, seen[3] = { 0 };
	uint8_t *ok;

	spread(w, 1, ZONE, SPREAD_DO_NOT_SCHEDULE);
	placement_run(c, 1);
	CU_ASSERT_EQUAL(w->running, 3);
	pn = nodes_now(c);
	ok = all_up(c);
	for (int i = 0; i < 3; i++)
		if (pn[i] == 2)
			pn[i] = -1;
	ok[2] = 0;
	for (uint64_t nonce = 1; nonce <= 16; nonce++) {
		int n = placement_schedule_one(c, pn, 0, ok, 1, nonce);

		CU_ASSERT(n == 0 || n == 1);
		if (n >= 0)
			seen[n]++;
	}
	CU_ASSERT(seen[0] > 0 && seen[1] > 0);
	/* z2 back: it holds the minimum, so it takes the replacement */
	ok[2] = 1;
	CU_ASSERT_EQUAL(placement_schedule_one(c, pn, 0, ok, 1, 1), 2);
	ks_free(pn);
	ks_free(ok);
	cluster_destroy(c);
}

/* Two identical nodes with one pod each: the third pod ties. */
static void placement_should_repeat_per_nonce_and_vary_ties_across_nonces(void)
{
	struct cluster *c = cluster_of(2, 1);
	int *pn, seen[2] = { 0 };
	uint8_t *ok;

	deploy(c, "web", 2);
	placement_run(c, 5);
	CU_ASSERT_NOT_EQUAL(c->pods[0].node, c->pods[1].node);
	pn = nodes_now(c);
	ok = all_up(c);
	for (uint64_t nonce = 1; nonce <= 16; nonce++) {
		int n = placement_schedule_one(c, pn, 0, ok, 5, nonce);

		CU_ASSERT(n == 0 || n == 1);
		CU_ASSERT_EQUAL(placement_schedule_one(c, pn, 0, ok, 5, nonce), n);
		if (n >= 0)
			seen[n]++;
	}
	CU_ASSERT(seen[0] > 0 && seen[1] > 0);
	/* the run's own layout is not disturbed */
	CU_ASSERT_EQUAL(c->pods[0].node, pn[0]);
	CU_ASSERT_EQUAL(c->pods[1].node, pn[1]);
	ks_free(pn);
	ks_free(ok);
	cluster_destroy(c);
}

CU_ErrorCode suite_placement(void)
{
	static const struct test_case cases[] = {
		{ "placement_should_leave_excess_pending_under_required_anti_affinity",
		  placement_should_leave_excess_pending_under_required_anti_affinity },
		{ "placement_should_spread_one_per_node_then_double_up_evenly",
		  placement_should_spread_one_per_node_then_double_up_evenly },
		{ "placement_should_pile_onto_free_nodes_when_others_are_loaded",
		  placement_should_pile_onto_free_nodes_when_others_are_loaded },
		{ "placement_should_hold_max_skew_on_zones_of_uneven_size",
		  placement_should_hold_max_skew_on_zones_of_uneven_size },
		{ "placement_should_co_locate_with_required_affinity",
		  placement_should_co_locate_with_required_affinity },
		{ "placement_should_hold_required_anti_affinity_both_ways",
		  placement_should_hold_required_anti_affinity_both_ways },
		{ "placement_should_follow_preferred_pod_affinity_both_ways",
		  placement_should_follow_preferred_pod_affinity_both_ways },
		{ "placement_should_spread_over_zones_when_scoring",
		  placement_should_spread_over_zones_when_scoring },
		{ "placement_should_cover_eligible_nodes_with_daemonsets",
		  placement_should_cover_eligible_nodes_with_daemonsets },
		{ "placement_should_respect_node_selector", placement_should_respect_node_selector },
		{ "placement_should_avoid_prefer_no_schedule_taints",
		  placement_should_avoid_prefer_no_schedule_taints },
		{ "placement_should_place_pinned_pods_and_count_them",
		  placement_should_place_pinned_pods_and_count_them },
		{ "placement_should_never_exceed_capacity", placement_should_never_exceed_capacity },
		{ "placement_should_repeat_per_seed_and_vary_ties_across_seeds",
		  placement_should_repeat_per_seed_and_vary_ties_across_seeds },
		{ "placement_should_rotate_the_sampled_window_on_large_clusters",
		  placement_should_rotate_the_sampled_window_on_large_clusters },
		{ "placement_should_sample_every_zone_on_large_clusters",
		  placement_should_sample_every_zone_on_large_clusters },
		{ "placement_should_replace_a_deleted_pod_on_the_node_that_lost_it",
		  placement_should_replace_a_deleted_pod_on_the_node_that_lost_it },
		{ "placement_should_replace_pods_only_on_nodes_taking_pods",
		  placement_should_replace_pods_only_on_nodes_taking_pods },
		{ "placement_should_leave_a_replacement_pending_under_required_anti_affinity",
		  placement_should_leave_a_replacement_pending_under_required_anti_affinity },
		{ "placement_should_count_capacity_from_current_pod_nodes",
		  placement_should_count_capacity_from_current_pod_nodes },
		{ "placement_should_recreate_a_daemonset_pod_on_the_node_missing_it",
		  placement_should_recreate_a_daemonset_pod_on_the_node_missing_it },
		{ "placement_should_refill_pinned_nodes_in_pin_order",
		  placement_should_refill_pinned_nodes_in_pin_order },
		{ "placement_should_leave_domains_without_nodes_taking_pods_out_of_the_skew",
		  placement_should_leave_domains_without_nodes_taking_pods_out_of_the_skew },
		{ "placement_should_repeat_per_nonce_and_vary_ties_across_nonces",
		  placement_should_repeat_per_nonce_and_vary_ties_across_nonces },
		{ NULL, NULL },
	};
	return tests_add("placement", cases);
}
