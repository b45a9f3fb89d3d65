/* bench_placement — times placement_run on the envelope: 5,000 nodes in 3
 * zones (16000m / 64Gi / 110 pods), Deployments of 20-500 replicas (most
 * small, a few large) requesting 100m / 128Mi with the default spreading,
 * every tenth also with preferred pod anti-affinity on the hostname, until
 * 145,000 pods, plus one DaemonSet: about 150,000 pods in all. Prints
 *   placement: N pods on M nodes in X s (Y pending) */
#include <stdio.h>
#include <time.h>

#include "ktsim/mem.h"
#include "ktsim/placement.h"
#include "ktsim/rng.h"

#define NODES 5000
#define ZONES 3
#define DEPLOYMENT_PODS 145000

static void add_label(struct labels *l, const char *k, const char *v)
{
	l->kv = ks_realloc(l->kv, (size_t)l->n + 1, sizeof *l->kv);
	l->kv[l->n].key = ks_strdup(k);
	l->kv[l->n++].value = ks_strdup(v);
}

static struct workload *add_workload(struct cluster *c, int *cap, const char *name)
{
	struct workload *w;

	if (c->nworkloads == *cap) {
		*cap *= 2;
		c->workloads = ks_realloc(c->workloads, (size_t)*cap, sizeof *c->workloads);
	}
	w = &c->workloads[c->nworkloads++];
	*w = (struct workload){ .name = ks_strdup(name) };
	add_label(&w->labels, "app", name);
	return w;
}

static struct cluster *envelope(void)
{
	struct cluster *c = cluster_create();
	struct workload *w;
	struct rng r;
	char name[32];
	int cap = 64, pods = 0;

	c->nodes = ks_calloc(NODES, sizeof *c->nodes);
	for (int i = 0; i < NODES; i++) {
		struct node *n = &c->nodes[i];

		snprintf(name, sizeof name, "node-%04d", i);
		n->name = ks_strdup(name);
		add_label(&n->labels, "kubernetes.io/hostname", name);
		snprintf(name, sizeof name, "zone-%c", 'a' + i % ZONES);
		add_label(&n->labels, "topology.kubernetes.io/zone", name);
		n->zone = cluster_zone(c, name);
		n->cpu_m = 16000;
		n->memory_mi = 65536;
		n->max_pods = 110;
	}
	c->nnodes = NODES;
	c->workloads = ks_calloc((size_t)cap, sizeof *c->workloads);
	rng_init(&r, rng_derive(1, 0, 1, 0));
	while (pods < DEPLOYMENT_PODS) {
		double u = rng_uniform(&r);

		snprintf(name, sizeof name, "deploy-%d", c->nworkloads);
		w = add_workload(c, &cap, name);
		w->replicas = 20 + (int)(480 * u * u * u);
		if (w->replicas > DEPLOYMENT_PODS - pods)
			w->replicas = DEPLOYMENT_PODS - pods;
		w->cpu_m = 100;
		w->memory_mi = 128;
		if (c->nworkloads % 10 == 0) {
			w->anti.mode = AFFINITY_PREFERRED;
			w->anti.weight = 100;
			w->anti.topology_key = ks_strdup("kubernetes.io/hostname");
		}
		pods += w->replicas;
	}
	w = add_workload(c, &cap, "node-agent");
	w->kind = WL_DAEMONSET;
	w->cpu_m = 50;
	w->memory_mi = 64;
	return c;
}

int main(void)
{
	struct cluster *c = envelope();
	struct timespec t0, t1;
	int pending = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	placement_run(c, 1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (int w = 0; w < c->nworkloads; w++)
		pending += c->workloads[w].pending;
	printf("placement: %d pods on %d nodes in %.3f s (%d pending)\n", c->npods, c->nnodes,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, pending);
	cluster_destroy(c);
	return 0;
}
