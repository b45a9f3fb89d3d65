/* scenario_topology — the nodes (listed or generated) and the workloads
 * (Deployments and DaemonSets with their scheduling keys and server) of a
 * scenario, read into the cluster in order with each node name indexed. */
#include <stdio.h>
#include <string.h>

#include "ktsim/json.h"
#include "ktsim/mem.h"

#include "scenario_int.h"

static void labels_free(struct labels *l)
{
	for (int i = 0; i < l->n; i++) {
		ks_free(l->kv[i].key);
		ks_free(l->kv[i].value);
	}
	ks_free(l->kv);
	*l = (struct labels){ 0 };
}

static void label_add(struct labels *l, const char *k, const char *v)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->kv[i].key, k) == 0)
			return;
	l->kv = ks_realloc(l->kv, (size_t)l->n + 1, sizeof *l->kv);
	l->kv[l->n].key = ks_strdup(k);
	l->kv[l->n].value = ks_strdup(v);
	l->n++;
}

static int add_node(struct scenario_ctx *x, const char *name, const char *zone,
		    const struct node *tmpl, const cJSON *name_node, const char *path)
{
	struct cluster *c = x->c;
	struct node *n;

	if (c->nnodes >= CLUSTER_MAX_NODES)
		return jdoc_error(x->doc, name_node, path, x->e,
				  "more than %d nodes; ktsim's limit is CLUSTER_MAX_NODES", CLUSTER_MAX_NODES);
	if (scenario_index_find(x, name) >= 0)
		return jdoc_error(x->doc, name_node, path, x->e, "duplicate node name '%s'", name);
	if ((c->nnodes & (c->nnodes - 1)) == 0) /* grow at powers of two */
		c->nodes = ks_realloc(c->nodes, c->nnodes ? 2 * (size_t)c->nnodes : 1, sizeof *c->nodes);
	n = &c->nodes[c->nnodes++];
	*n = *tmpl;
	n->name = ks_strdup(name);
	n->zone = cluster_zone(c, zone);
	n->labels.kv = ks_calloc((size_t)tmpl->labels.n + 2, sizeof *n->labels.kv);
	for (int i = 0; i < tmpl->labels.n; i++) {
		n->labels.kv[i].key = ks_strdup(tmpl->labels.kv[i].key);
		n->labels.kv[i].value = ks_strdup(tmpl->labels.kv[i].value);
	}
	n->taints = ks_calloc((size_t)tmpl->ntaints + 1, sizeof *n->taints);
	for (int i = 0; i < tmpl->ntaints; i++) {
		n->taints[i] = tmpl->taints[i];
		n->taints[i].key = ks_strdup(tmpl->taints[i].key);
		n->taints[i].value = ks_strdup(tmpl->taints[i].value);
	}
	/* Well-known labels every kubelet sets. */
	label_add(&n->labels, "kubernetes.io/hostname", n->name);
	label_add(&n->labels, "topology.kubernetes.io/zone", zone);
	scenario_index_add(x, c->nnodes - 1);
	return 0;
}

static const char *const EFFECTS[] = { "NoSchedule", "PreferNoSchedule", "NoExecute", NULL };

static int read_taints(struct scenario_ctx *x, const cJSON *obj, const char *path, struct node *n)
{
	static const char *const KEYS[] = { "key", "value", "effect", NULL };
	const cJSON *arr = json_member(obj, "taints"), *it;
	char p[PATH], q[PATH];
	int i = 0;

	if (arr == NULL)
		return 0;
	json_path_join(p, sizeof p, path, "taints");
	if (json_check_array(x->doc, arr, p, x->e) < 0)
		return -1;
	n->taints = ks_calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *n->taints);
	cJSON_ArrayForEach(it, arr) {
		struct taint *t = &n->taints[n->ntaints];
		const char *key, *value = "";
		int eff = 0;

		json_path_index(q, sizeof q, p, i++);
		if (json_check_object(x->doc, it, q, KEYS, x->e) < 0 ||
		    scenario_read_name(x, it, q, "key", 1, &key) < 0 ||
		    json_get_string(x->doc, it, q, "value", &value, x->e) < 0)
			return -1;
		if (json_get_enum(x->doc, it, q, "effect", EFFECTS, &eff, x->e) <= 0)
			return err_is_set(x->e) ? -1
				: jdoc_error(x->doc, it, q, x->e, "missing required key 'effect'");
		t->key = ks_strdup(key);
		t->value = ks_strdup(value);
		t->effect = (enum taint_effect)eff;
		n->ntaints++;
	}
	return 0;
}

/* Capacity, existing load, labels and taints of a node (or of every node
 * of a generate block) into *n; defaults from a typical worker. */
static int read_node_attrs(struct scenario_ctx *x, const cJSON *obj, const char *path,
			   struct node *n)
{
	long long v;

	n->cpu_m = 4000;
	n->memory_mi = 16384;
	n->max_pods = 110; /* kubelet --max-pods default */
	if (scenario_read_labels(x, obj, path, "labels", &n->labels) < 0 ||
	    read_taints(x, obj, path, n) < 0)
		return -1;
	if (json_get_int(x->doc, obj, path, "cpu_m", 1, 1000000000, &n->cpu_m, x->e) < 0 ||
	    json_get_int(x->doc, obj, path, "memory_mi", 1, 1000000000, &n->memory_mi, x->e) < 0 ||
	    json_get_int(x->doc, obj, path, "allocated_cpu_m", 0, 1000000000, &n->allocated_cpu_m, x->e) < 0 ||
	    json_get_int(x->doc, obj, path, "allocated_memory_mi", 0, 1000000000, &n->allocated_memory_mi, x->e) < 0)
		return -1;
	if (json_get_int(x->doc, obj, path, "max_pods", 1, 100000, &v, x->e) < 0)
		return -1;
	if (json_member(obj, "max_pods"))
		n->max_pods = (int)v;
	/* kube-proxy sets nf_conntrack_max = max(maxPerCore x cores, min) with
	 * maxPerCore 32768 and min 131072 (cmd/kube-proxy getConntrackMax). */
	v = 32768 * ((n->cpu_m + 999) / 1000);
	n->conntrack_max = (uint32_t)(v > 131072 ? (v > UINT32_MAX ? UINT32_MAX : v) : 131072);
	if (json_get_int(x->doc, obj, path, "conntrack_max", 1, UINT32_MAX, &v, x->e) < 0)
		return -1;
	if (json_member(obj, "conntrack_max"))
		n->conntrack_max = (uint32_t)v;
	return 0;
}

static void node_tmpl_free(struct node *n)
{
	labels_free(&n->labels);
	for (int k = 0; k < n->ntaints; k++) {
		ks_free(n->taints[k].key);
		ks_free(n->taints[k].value);
	}
	ks_free(n->taints);
}

/* nodes[i]: {"name", "zone", attrs...} or {"generate": {"count", "prefix",
 * "zones", attrs...}} */
int scenario_read_nodes(struct scenario_ctx *x, const cJSON *root)
{
	static const char *const NODE_KEYS[] = { "name", "zone", "labels", "generate", "cpu_m",
		"memory_mi", "max_pods", "allocated_cpu_m", "allocated_memory_mi", "taints",
		"conntrack_max", NULL };
	static const char *const GEN_KEYS[] = { "count", "prefix", "zones", "labels", "cpu_m",
		"memory_mi", "max_pods", "allocated_cpu_m", "allocated_memory_mi", "taints",
		"conntrack_max", NULL };
	const cJSON *arr = json_member(root, "nodes"), *it;
	char p[PATH], q[PATH], r[PATH];
	int i = 0, rc = 0;

	if (arr == NULL)
		return jdoc_error(x->doc, root, "", x->e, "missing required key 'nodes'");
	if (json_check_array(x->doc, arr, "nodes", x->e) < 0)
		return -1;
	cJSON_ArrayForEach(it, arr) {
		const cJSON *gen = json_member(it, "generate");
		const char *name, *zone = "default";
		struct node tmpl = { 0 };

		json_path_index(p, sizeof p, "nodes", i++);
		if (json_check_object(x->doc, it, p, NODE_KEYS, x->e) < 0)
			return -1;
		if (gen) {
			long long count;
			const char *prefix = "node-";
			const cJSON *zones;
			int nz;

			if (it->child->next != NULL)
				return jdoc_error(x->doc, it, p, x->e,
						  "'generate' stands alone: put the node settings inside it");
			json_path_join(q, sizeof q, p, "generate");
			if (json_check_object(x->doc, gen, q, GEN_KEYS, x->e) < 0)
				return -1;
			if (json_get_int(x->doc, gen, q, "count", 1, CLUSTER_MAX_NODES, &count, x->e) <= 0)
				return err_is_set(x->e) ? -1
					: jdoc_error(x->doc, gen, q, x->e, "missing required key 'count'");
			if (json_get_string(x->doc, gen, q, "prefix", &prefix, x->e) < 0)
				return -1;
			zones = json_member(gen, "zones");
			json_path_join(r, sizeof r, q, "zones");
			if (zones && json_check_array(x->doc, zones, r, x->e) < 0)
				return -1;
			nz = zones ? cJSON_GetArraySize(zones) : 0;
			for (int z = 0; z < nz; z++) {
				const cJSON *zv = cJSON_GetArrayItem(zones, z);
				char zp[PATH];

				json_path_index(zp, sizeof zp, r, z);
				if (!cJSON_IsString(zv) || zv->valuestring[0] == '\0')
					return jdoc_error(x->doc, zv, zp, x->e, "expected a zone name");
			}
			if (x->c->nnodes + count > CLUSTER_MAX_NODES) {
				json_path_join(r, sizeof r, q, "count");
				return jdoc_error(x->doc, json_member(gen, "count"), r, x->e,
						  "%lld more nodes would exceed ktsim's limit of %d (CLUSTER_MAX_NODES)",
						  count, CLUSTER_MAX_NODES);
			}
			rc = read_node_attrs(x, gen, q, &tmpl);
			for (long long k = 0; rc == 0 && k < count; k++) {
				char nm[300];

				snprintf(nm, sizeof nm, "%s%lld", prefix, k);
				zone = nz ? cJSON_GetArrayItem(zones, (int)(k % nz))->valuestring : "default";
				rc = add_node(x, nm, zone, &tmpl, gen, q);
			}
			node_tmpl_free(&tmpl);
			if (rc < 0)
				return -1;
			continue;
		}
		if (scenario_read_name(x, it, p, "name", 1, &name) < 0)
			return -1;
		if (json_get_string(x->doc, it, p, "zone", &zone, x->e) < 0)
			return -1;
		if (zone[0] == '\0') {
			json_path_join(q, sizeof q, p, "zone");
			return jdoc_error(x->doc, json_member(it, "zone"), q, x->e, "expected a zone name");
		}
		json_path_join(q, sizeof q, p, "name");
		rc = read_node_attrs(x, it, p, &tmpl);
		if (rc == 0)
			rc = add_node(x, name, zone, &tmpl, json_member(it, "name"), q);
		node_tmpl_free(&tmpl);
		if (rc < 0)
			return -1;
	}
	if (x->c->nnodes == 0)
		return jdoc_error(x->doc, arr, "nodes", x->e, "expected at least one node");
	return 0;
}

static int read_server(struct scenario_ctx *x, const cJSON *wl, const char *path,
		       struct server_spec *sv)
{
	static const char *const KEYS[] = { "concurrency", "queue_limit", "service_time_ms", NULL };
	const cJSON *v = json_member(wl, "server");
	char p[PATH];
	long long n;
	double one = 1;
	char msg[100];

	sv->concurrency = 1;
	sv->queue_limit = 1024;
	dist_set(&sv->service_ms, DIST_EXP, &one, msg, sizeof msg);
	if (v == NULL)
		return 0;
	json_path_join(p, sizeof p, path, "server");
	if (json_check_object(x->doc, v, p, KEYS, x->e) < 0)
		return -1;
	if (json_get_int(x->doc, v, p, "concurrency", 1, 100000, &n, x->e) < 0)
		return -1;
	if (json_member(v, "concurrency"))
		sv->concurrency = (int)n;
	if (json_get_int(x->doc, v, p, "queue_limit", 0, 100000000, &n, x->e) < 0)
		return -1;
	if (json_member(v, "queue_limit"))
		sv->queue_limit = (int)n;
	return scenario_read_dist(x, v, p, "service_time_ms", &sv->service_ms) < 0 ? -1 : 0;
}

static int read_tolerations(struct scenario_ctx *x, const cJSON *wl, const char *path,
			    struct workload *w)
{
	static const char *const KEYS[] = { "key", "operator", "value", "effect", NULL };
	static const char *const OPS[] = { "Equal", "Exists", NULL };
	const cJSON *arr = json_member(wl, "tolerations"), *it;
	char p[PATH], q[PATH], r[PATH];
	int i = 0;

	if (arr == NULL)
		return 0;
	json_path_join(p, sizeof p, path, "tolerations");
	if (json_check_array(x->doc, arr, p, x->e) < 0)
		return -1;
	w->tolerations = ks_calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *w->tolerations);
	cJSON_ArrayForEach(it, arr) {
		struct toleration *t = &w->tolerations[w->ntolerations];
		const char *key = "", *value = "";
		int op = TOL_EQUAL, eff = TAINT_ANY, r1;

		json_path_index(q, sizeof q, p, i++);
		if (json_check_object(x->doc, it, q, KEYS, x->e) < 0 ||
		    json_get_string(x->doc, it, q, "key", &key, x->e) < 0 ||
		    json_get_enum(x->doc, it, q, "operator", OPS, &op, x->e) < 0 ||
		    (r1 = json_get_string(x->doc, it, q, "value", &value, x->e)) < 0 ||
		    json_get_enum(x->doc, it, q, "effect", EFFECTS, &eff, x->e) < 0)
			return -1;
		/* core/v1 validation: an empty key needs operator Exists, and
		 * Exists takes no value. */
		if (key[0] == '\0' && op != TOL_EXISTS)
			return jdoc_error(x->doc, it, q, x->e,
					  "a toleration without a key must use operator \"Exists\"");
		if (op == TOL_EXISTS && r1 == 1 && value[0]) {
			json_path_join(r, sizeof r, q, "value");
			return jdoc_error(x->doc, json_member(it, "value"), r, x->e,
					  "operator \"Exists\" takes no value");
		}
		t->key = ks_strdup(key);
		t->value = ks_strdup(value);
		t->op = (enum toleration_op)op;
		t->effect = (enum taint_effect)eff;
		w->ntolerations++;
	}
	return 0;
}

/* podAntiAffinity / podAffinity: {"type": "none"|"preferred"|"required",
 * "weight": 1..100, "topologyKey", "labelSelector"} — one term, against the
 * workload's own pods unless labelSelector says otherwise. */
static int read_affinity(struct scenario_ctx *x, const cJSON *wl, const char *path, const char *key,
			 struct affinity_term *t)
{
	static const char *const KEYS[] = { "type", "weight", "topologyKey", "labelSelector", NULL };
	static const char *const TYPES[] = { "none", "preferred", "required", NULL };
	const cJSON *v = json_member(wl, key);
	const char *tk = "kubernetes.io/hostname";
	char p[PATH];
	int mode = AFFINITY_NONE;
	long long weight = 100;

	t->mode = AFFINITY_NONE;
	if (v == NULL)
		return 0;
	json_path_join(p, sizeof p, path, key);
	if (json_check_object(x->doc, v, p, KEYS, x->e) < 0)
		return -1;
	if (json_get_enum(x->doc, v, p, "type", TYPES, &mode, x->e) <= 0)
		return err_is_set(x->e) ? -1
			: jdoc_error(x->doc, v, p, x->e,
				     "missing required key 'type' (\"none\", \"preferred\" or \"required\")");
	if (json_get_int(x->doc, v, p, "weight", 1, 100, &weight, x->e) < 0 ||
	    json_get_string(x->doc, v, p, "topologyKey", &tk, x->e) < 0 ||
	    scenario_read_labels(x, v, p, "labelSelector", &t->selector) < 0)
		return -1;
	if (tk[0] == '\0') {
		char q[PATH];

		json_path_join(q, sizeof q, p, "topologyKey");
		return jdoc_error(x->doc, json_member(v, "topologyKey"), q, x->e,
				  "expected a node label key such as \"kubernetes.io/hostname\"");
	}
	t->mode = (enum affinity_mode)mode;
	t->weight = (int)weight;
	t->topology_key = ks_strdup(tk);
	return 0;
}

static int read_spread(struct scenario_ctx *x, const cJSON *wl, const char *path,
		       struct workload *w)
{
	static const char *const KEYS[] = { "maxSkew", "topologyKey", "whenUnsatisfiable",
		"labelSelector", NULL };
	static const char *const WHEN[] = { "DoNotSchedule", "ScheduleAnyway", NULL };
	const cJSON *arr = json_member(wl, "topologySpreadConstraints"), *it;
	char p[PATH], q[PATH];
	int i = 0;

	if (arr == NULL)
		return 0;
	json_path_join(p, sizeof p, path, "topologySpreadConstraints");
	if (json_check_array(x->doc, arr, p, x->e) < 0)
		return -1;
	w->spread = ks_calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *w->spread);
	cJSON_ArrayForEach(it, arr) {
		struct spread_constraint *sc = &w->spread[w->nspread];
		const char *tk;
		long long skew = 1;
		int when = SPREAD_DO_NOT_SCHEDULE;

		json_path_index(q, sizeof q, p, i++);
		if (json_check_object(x->doc, it, q, KEYS, x->e) < 0 ||
		    json_get_int(x->doc, it, q, "maxSkew", 1, 1000000, &skew, x->e) < 0 ||
		    scenario_read_name(x, it, q, "topologyKey", 1, &tk) < 0 ||
		    json_get_enum(x->doc, it, q, "whenUnsatisfiable", WHEN, &when, x->e) < 0 ||
		    scenario_read_labels(x, it, q, "labelSelector", &sc->selector) < 0)
			return -1;
		sc->max_skew = (int)skew;
		sc->topology_key = ks_strdup(tk);
		sc->when = (enum spread_when)when;
		w->nspread++;
	}
	return 0;
}

static int read_requests(struct scenario_ctx *x, const cJSON *wl, const char *path,
			 struct workload *w)
{
	static const char *const KEYS[] = { "cpu_m", "memory_mi", NULL };
	const cJSON *v = json_member(wl, "requests");
	char p[PATH];

	if (v == NULL)
		return 0;
	json_path_join(p, sizeof p, path, "requests");
	if (json_check_object(x->doc, v, p, KEYS, x->e) < 0 ||
	    json_get_int(x->doc, v, p, "cpu_m", 0, 1000000000, &w->cpu_m, x->e) < 0 ||
	    json_get_int(x->doc, v, p, "memory_mi", 0, 1000000000, &w->memory_mi, x->e) < 0)
		return -1;
	return 0;
}

int scenario_read_workloads(struct scenario_ctx *x, const cJSON *root)
{
	static const char *const KEYS[] = { "kind", "name", "replicas", "labels", "pin", "server",
		"nodeSelector", "tolerations", "requests", "podAntiAffinity", "podAffinity",
		"topologySpreadConstraints", "readiness_delay_s", "terminationGracePeriod_s", NULL };
	static const char *const KINDS[] = { "Deployment", "DaemonSet", NULL };
	const cJSON *arr = json_member(root, "workloads"), *it;
	char p[PATH], q[PATH];
	int i = 0;
	long long total = 0;

	if (arr == NULL)
		return 0;
	if (json_check_array(x->doc, arr, "workloads", x->e) < 0)
		return -1;
	x->c->workloads = ks_calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *x->c->workloads);
	cJSON_ArrayForEach(it, arr) {
		struct workload *wl;
		const char *name;
		const cJSON *pin;
		long long replicas = 1;
		int kind = WL_DEPLOYMENT;

		json_path_index(p, sizeof p, "workloads", i++);
		if (json_check_object(x->doc, it, p, KEYS, x->e) < 0)
			return -1;
		if (json_get_enum(x->doc, it, p, "kind", KINDS, &kind, x->e) < 0)
			return -1;
		if (scenario_read_name(x, it, p, "name", 1, &name) < 0)
			return -1;
		for (int w = 0; w < x->c->nworkloads; w++)
			if (strcmp(x->c->workloads[w].name, name) == 0) {
				json_path_join(q, sizeof q, p, "name");
				return jdoc_error(x->doc, json_member(it, "name"), q, x->e,
						  "duplicate workload name '%s'", name);
			}
		wl = &x->c->workloads[x->c->nworkloads++];
		wl->name = ks_strdup(name);
		wl->kind = (enum workload_kind)kind;
		if (kind == WL_DAEMONSET) {
			const char *key = json_member(it, "replicas") ? "replicas"
					  : json_member(it, "pin") ? "pin" : NULL;

			if (key) {
				json_path_join(q, sizeof q, p, key);
				return jdoc_error(x->doc, json_member(it, key), q, x->e,
						  "a DaemonSet runs one pod on every eligible node; it has no '%s'", key);
			}
			replicas = x->c->nnodes;
		} else if (json_get_int(x->doc, it, p, "replicas", 0, 1000000, &replicas, x->e) < 0) {
			return -1;
		}
		wl->replicas = (int)replicas;
		total += replicas;
		if (total > CLUSTER_MAX_PODS) {
			json_path_join(q, sizeof q, p, "replicas");
			return jdoc_error(x->doc, json_member(it, "replicas"), q, x->e,
					  "more than %d pods in all; ktsim's limit is CLUSTER_MAX_PODS",
					  CLUSTER_MAX_PODS);
		}
		if (scenario_read_labels(x, it, p, "labels", &wl->labels) < 0 ||
		    scenario_read_labels(x, it, p, "nodeSelector", &wl->node_selector) < 0 ||
		    read_tolerations(x, it, p, wl) < 0 || read_requests(x, it, p, wl) < 0 ||
		    read_affinity(x, it, p, "podAntiAffinity", &wl->anti) < 0 ||
		    read_affinity(x, it, p, "podAffinity", &wl->aff) < 0 ||
		    read_spread(x, it, p, wl) < 0 || read_server(x, it, p, &wl->server) < 0)
			return -1;
		/* terminationGracePeriodSeconds defaults to 30 (core/v1 PodSpec) */
		wl->readiness_delay_s = 5;
		wl->grace_s = 30;
		if (json_get_number(x->doc, it, p, "readiness_delay_s", 0, 86400, &wl->readiness_delay_s, x->e) < 0 ||
		    json_get_number(x->doc, it, p, "terminationGracePeriod_s", 0, 86400, &wl->grace_s, x->e) < 0)
			return -1;
		pin = json_member(it, "pin");
		if (pin) {
			int j = 0;
			const cJSON *pv;

			json_path_join(q, sizeof q, p, "pin");
			if (json_check_array(x->doc, pin, q, x->e) < 0)
				return -1;
			if (cJSON_GetArraySize(pin) != wl->replicas)
				return jdoc_error(x->doc, pin, q, x->e,
						  "pin lists %d node%s but replicas is %d; give one node per replica",
						  cJSON_GetArraySize(pin), cJSON_GetArraySize(pin) == 1 ? "" : "s",
						  wl->replicas);
			wl->pin = ks_calloc((size_t)wl->replicas + 1, sizeof *wl->pin);
			cJSON_ArrayForEach(pv, pin) {
				char r[PATH];

				json_path_index(r, sizeof r, q, j);
				if (scenario_find_node_ref(x, pv, r, &wl->pin[j++]) < 0)
					return -1;
			}
		}
	}
	return 0;
}
