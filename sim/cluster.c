/* cluster — the static model: lookups, labels, and a Service's endpoints
 * (the ready pods whose workload labels include every selector pair, as the
 * EndpointSlice controller does for a label selector). Placement is in
 * placement.c. */
#include "ktsim/cluster.h"

#include <stdio.h>
#include <string.h>

#include "ktsim/mem.h"

struct cluster *cluster_create(void)
{
	return ks_calloc(1, sizeof(struct cluster));
}

static void labels_free(struct labels *l)
{
	for (int i = 0; i < l->n; i++) {
		ks_free(l->kv[i].key);
		ks_free(l->kv[i].value);
	}
	ks_free(l->kv);
}

void cluster_destroy(struct cluster *c)
{
	if (c == NULL)
		return;
	ks_free(c->name);
	ks_free(c->description);
	for (int i = 0; i < c->nzones; i++)
		ks_free(c->zones[i]);
	ks_free(c->zones);
	for (int i = 0; i < c->nnodes; i++) {
		struct node *n = &c->nodes[i];

		ks_free(n->name);
		labels_free(&n->labels);
		for (int k = 0; k < n->ntaints; k++) {
			ks_free(n->taints[k].key);
			ks_free(n->taints[k].value);
		}
		ks_free(n->taints);
	}
	ks_free(c->nodes);
	for (int i = 0; i < c->nworkloads; i++) {
		struct workload *w = &c->workloads[i];

		ks_free(w->name);
		labels_free(&w->labels);
		ks_free(w->pin);
		labels_free(&w->node_selector);
		for (int k = 0; k < w->ntolerations; k++) {
			ks_free(w->tolerations[k].key);
			ks_free(w->tolerations[k].value);
		}
		ks_free(w->tolerations);
		ks_free(w->anti.topology_key);
		labels_free(&w->anti.selector);
		ks_free(w->aff.topology_key);
		labels_free(&w->aff.selector);
		for (int k = 0; k < w->nspread; k++) {
			ks_free(w->spread[k].topology_key);
			labels_free(&w->spread[k].selector);
		}
		ks_free(w->spread);
	}
	ks_free(c->workloads);
	for (int i = 0; i < c->npods; i++)
		ks_free(c->pods[i].name);
	ks_free(c->pods);
	for (int i = 0; i < c->nservices; i++) {
		ks_free(c->services[i].name);
		labels_free(&c->services[i].selector);
		ks_free(c->services[i].eps);
	}
	ks_free(c->services);
	for (int i = 0; i < c->nclients; i++) {
		ks_free(c->clients[i].name);
		ks_free(c->clients[i].from_nodes);
	}
	ks_free(c->clients);
	ks_free(c->timeline);
	ks_free(c);
}

int cluster_zone(struct cluster *c, const char *name)
{
	for (int i = 0; i < c->nzones; i++)
		if (strcmp(c->zones[i], name) == 0)
			return i;
	c->zones = ks_realloc(c->zones, (size_t)c->nzones + 1, sizeof *c->zones);
	c->zones[c->nzones] = ks_strdup(name);
	return c->nzones++;
}

int cluster_find_node(const struct cluster *c, const char *name)
{
	for (int i = 0; i < c->nnodes; i++)
		if (strcmp(c->nodes[i].name, name) == 0)
			return i;
	return -1;
}

int cluster_find_service(const struct cluster *c, const char *name)
{
	for (int i = 0; i < c->nservices; i++)
		if (strcmp(c->services[i].name, name) == 0)
			return i;
	return -1;
}

const char *labels_get(const struct labels *l, const char *key)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->kv[i].key, key) == 0)
			return l->kv[i].value;
	return NULL;
}

int labels_match(const struct labels *sel, const struct labels *labels)
{
	for (int i = 0; i < sel->n; i++) {
		int found = 0;

		for (int j = 0; j < labels->n && !found; j++)
			found = strcmp(sel->kv[i].key, labels->kv[j].key) == 0 &&
				strcmp(sel->kv[i].value, labels->kv[j].value) == 0;
		if (!found)
			return 0;
	}
	return 1;
}

void cluster_endpoints(struct cluster *c)
{
	uint8_t *sel = ks_calloc((size_t)c->nworkloads + 1, 1);

	for (int s = 0; s < c->nservices; s++) {
		struct service *svc = &c->services[s];
		int n = 0;

		ks_free(svc->eps);
		svc->eps = NULL;
		svc->neps = 0;
		/* A Service without a selector has no managed endpoints. Match
		 * workloads once, then take their pods: placed ones, then the
		 * spare slots (pod id order, since spares follow every workload's
		 * pods). */
		for (int w = 0; w < c->nworkloads; w++) {
			sel[w] = svc->selector.n && labels_match(&svc->selector, &c->workloads[w].labels);
			n += sel[w] ? c->workloads[w].npods + c->workloads[w].nspare : 0;
		}
		svc->eps = ks_calloc((size_t)n + 1, sizeof *svc->eps);
		for (int w = 0; w < c->nworkloads; w++)
			for (int i = 0; sel[w] && i < c->workloads[w].npods; i++)
				svc->eps[svc->neps++] = c->workloads[w].first_pod + i;
		for (int w = 0; w < c->nworkloads; w++)
			for (int i = 0; sel[w] && i < c->workloads[w].nspare; i++)
				svc->eps[svc->neps++] = c->workloads[w].first_spare + i;
	}
	ks_free(sel);
}

const char *cluster_policy_name(enum traffic_policy p)
{
	return p == POLICY_LOCAL ? "Local" : "Cluster";
}

const char *cluster_svc_type_name(enum svc_type t)
{
	static const char *const names[] = { "ClusterIP", "NodePort", "LoadBalancer" };
	return names[t];
}

const char *cluster_lb_mode_name(enum lb_mode m)
{
	static const char *const names[LB_NMODES] = { "even", "round-robin", "direct", "weighted",
		"only-nodes-with-pods", "l2", "bgp", "zonal", "hash" };
	return names[m];
}

const char *cluster_proxy_name(enum proxy_mode m)
{
	static const char *const names[] = { "iptables", "nftables", "ipvs", "ebpf" };
	return names[m];
}

const char *cluster_td_name(enum traffic_distribution t)
{
	static const char *const names[] = { "", "PreferSameZone", "PreferSameNode" };
	return names[t];
}

const char *cluster_action_name(enum tl_action a)
{
	static const char *const names[TL_NACTIONS] = { "delete_pod", "node_down", "node_up", "drain",
		"scale", "rollout", "set_rate", "set_policy" };
	return names[a];
}
