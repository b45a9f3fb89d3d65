/* scenario — JSON scenario to cluster model, validating every key.
 *
 * Each reader takes the object, its key path and the context; it checks the
 * object's keys against an allow-list first (json_check_object), then reads
 * each key with a typed getter, so the first problem found is reported with
 * its file:line:col and path and nothing else runs. Names are checked for
 * duplicates and references are resolved after all nodes, workloads and
 * Services are read, with a did-you-mean for near misses. Defaults follow
 * Kubernetes where Kubernetes has one (type ClusterIP, policy Cluster,
 * proxy iptables) and are listed in the README otherwise. */
#include "ktsim/scenario.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ktsim/json.h"
#include "ktsim/mem.h"
#include "ktsim/placement.h"

#define PATH 160

struct name_index;

struct ctx {
	struct jdoc *doc;
	struct cluster *c;
	struct err *e;
	struct name_index *nodes_ix;
};

static int index_find(const struct ctx *x, const char *name);

static const char *const TOP_KEYS[] = { "name", "description", "seed", "duration_s", "warmup_s",
	"nodes", "workloads", "services", "loadBalancer", "proxy", "network", "clients", "timeline",
	"pod_eviction_timeout_s", "output", NULL };

/* Best match for a misspelt reference, or NULL. */
static const char *suggest(const char *name, const char *const *cands, int n)
{
	const char *best = NULL;
	int bestd = 1 << 30, lim = (int)strlen(name) / 3;

	if (lim < 1)
		lim = 1;
	for (int i = 0; i < n; i++) {
		int d = json_edit_distance(name, cands[i]);

		/* A one-letter name is "near" every other one-letter name. */
		if (d <= lim && d < bestd && d < (int)strlen(name)) {
			bestd = d;
			best = cands[i];
		}
	}
	return best;
}

static int ref_error(struct ctx *x, const cJSON *node, const char *path, const char *what,
		     const char *name, const char *const *cands, int n)
{
	const char *s = suggest(name, cands, n);

	if (s)
		return jdoc_error(x->doc, node, path, x->e, "%s '%s' not found (did you mean '%s'?)",
				  what, name, s);
	return jdoc_error(x->doc, node, path, x->e, "%s '%s' not found", what, name);
}

static int find_node_ref(struct ctx *x, const cJSON *v, const char *path, int *out)
{
	const char **names;
	int n;

	if (!cJSON_IsString(v))
		return jdoc_error(x->doc, v, path, x->e, "expected a node name (a string)");
	n = index_find(x, v->valuestring);
	if (n >= 0) {
		*out = n;
		return 0;
	}
	names = ks_calloc((size_t)x->c->nnodes, sizeof *names);
	for (int i = 0; i < x->c->nnodes; i++)
		names[i] = x->c->nodes[i].name;
	ref_error(x, v, path, "node", v->valuestring, names, x->c->nnodes);
	ks_free(names);
	return -1;
}

/* A name: non-empty string of printable characters, at most 200 bytes. */
static int read_name(struct ctx *x, const cJSON *obj, const char *path, const char *key,
		     int required, const char **out)
{
	char p[PATH];
	int r = json_get_string(x->doc, obj, path, key, out, x->e);

	json_path_join(p, sizeof p, path, key);
	if (r < 0)
		return -1;
	if (r == 0) {
		if (required)
			return jdoc_error(x->doc, obj, path, x->e, "missing required key '%s'", key);
		return 0;
	}
	if ((*out)[0] == '\0' || strlen(*out) > 200)
		return jdoc_error(x->doc, json_member(obj, key), p, x->e,
				  "expected a non-empty name of at most 200 characters");
	return 1;
}

static int read_labels(struct ctx *x, const cJSON *obj, const char *path, const char *key,
		       struct labels *out)
{
	const cJSON *v = json_member(obj, key), *it;
	char p[PATH], q[PATH];

	if (v == NULL)
		return 0;
	json_path_join(p, sizeof p, path, key);
	if (!cJSON_IsObject(v))
		return jdoc_error(x->doc, v, p, x->e, "expected an object of label: value strings");
	out->n = cJSON_GetArraySize(v);
	out->kv = ks_calloc((size_t)out->n, sizeof *out->kv);
	out->n = 0;
	cJSON_ArrayForEach(it, v) {
		json_path_join(q, sizeof q, p, it->string);
		if (!cJSON_IsString(it))
			return jdoc_error(x->doc, it, q, x->e, "expected a string label value");
		for (int k = 0; k < out->n; k++)
			if (strcmp(out->kv[k].key, it->string) == 0)
				return jdoc_key_error(x->doc, it, q, x->e, "duplicate key '%s'", it->string);
		out->kv[out->n].key = ks_strdup(it->string);
		out->kv[out->n].value = ks_strdup(it->valuestring);
		out->n++;
	}
	return 1;
}

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

/* Node name -> id, open addressing (FNV-1a), so 100,000 generated nodes
 * are checked for duplicates in linear time. */
struct name_index {
	int *slot;     /* node id + 1, 0 = empty */
	size_t cap;
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int index_find(const struct ctx *x, const char *name)
{
	const struct name_index *ix = x->nodes_ix;

	if (ix->cap == 0)
		return -1;
	for (size_t i = fnv1a(name) & (ix->cap - 1);; i = (i + 1) & (ix->cap - 1)) {
		if (ix->slot[i] == 0)
			return -1;
		if (strcmp(x->c->nodes[ix->slot[i] - 1].name, name) == 0)
			return ix->slot[i] - 1;
	}
}

static void index_add(struct ctx *x, int id)
{
	struct name_index *ix = x->nodes_ix;

	if (2 * ((size_t)id + 1) > ix->cap) {
		size_t cap = ix->cap ? 2 * ix->cap : 64;

		ks_free(ix->slot);
		ix->slot = ks_calloc(cap, sizeof *ix->slot);
		ix->cap = cap;
		for (int k = 0; k < id; k++)
			index_add(x, k);
	}
	for (size_t i = fnv1a(x->c->nodes[id].name) & (ix->cap - 1);; i = (i + 1) & (ix->cap - 1))
		if (ix->slot[i] == 0) {
			ix->slot[i] = id + 1;
			return;
		}
}

static int add_node(struct ctx *x, const char *name, const char *zone, const struct node *tmpl,
		    const cJSON *name_node, const char *path)
{
	struct cluster *c = x->c;
	struct node *n;

	if (c->nnodes >= CLUSTER_MAX_NODES)
		return jdoc_error(x->doc, name_node, path, x->e,
				  "more than %d nodes; ktsim's limit is CLUSTER_MAX_NODES", CLUSTER_MAX_NODES);
	if (index_find(x, name) >= 0)
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
	index_add(x, c->nnodes - 1);
	return 0;
}

static const char *const EFFECTS[] = { "NoSchedule", "PreferNoSchedule", "NoExecute", NULL };

static int read_taints(struct ctx *x, const cJSON *obj, const char *path, struct node *n)
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
		    read_name(x, it, q, "key", 1, &key) < 0 ||
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
static int read_node_attrs(struct ctx *x, const cJSON *obj, const char *path, struct node *n)
{
	long long v;

	n->cpu_m = 4000;
	n->memory_mi = 16384;
	n->max_pods = 110; /* kubelet --max-pods default */
	if (read_labels(x, obj, path, "labels", &n->labels) < 0 || read_taints(x, obj, path, n) < 0)
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
static int read_nodes(struct ctx *x, const cJSON *root)
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
		if (read_name(x, it, p, "name", 1, &name) < 0)
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

/* A distribution: a bare number (constant) or {"dist": kind, params...}. */
static int read_dist(struct ctx *x, const cJSON *obj, const char *path, const char *key,
		     struct dist *d)
{
	const cJSON *v = json_member(obj, key);
	char p[PATH], msg[200];
	const char *kind, *pn[2];
	int k, np;
	double par[2] = { 0, 0 };

	if (v == NULL)
		return 0;
	json_path_join(p, sizeof p, path, key);
	if (cJSON_IsNumber(v)) {
		par[0] = v->valuedouble;
		if (dist_set(d, DIST_CONST, par, msg, sizeof msg) < 0)
			return jdoc_error(x->doc, v, p, x->e, "%s", msg);
		return 1;
	}
	if (!cJSON_IsObject(v))
		return jdoc_error(x->doc, v, p, x->e,
				  "expected a number or a distribution like {\"dist\": \"exp\", \"mean\": 10}");
	if (json_get_string(x->doc, v, p, "dist", &kind, x->e) <= 0)
		return err_is_set(x->e) ? -1
			: jdoc_error(x->doc, v, p, x->e, "missing required key 'dist'");
	k = dist_kind_from_name(kind);
	if (k < 0) {
		char q[PATH], list[200] = "";
		const char *near;
		const char *names[DIST_NKINDS];

		for (int i = 0; i < DIST_NKINDS; i++) {
			names[i] = dist_kind_name((enum dist_kind)i);
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
				 names[i]);
		}
		json_path_join(q, sizeof q, p, "dist");
		near = suggest(kind, names, DIST_NKINDS);
		if (near)
			return jdoc_error(x->doc, json_member(v, "dist"), q, x->e,
					  "unknown distribution '%s' (did you mean '%s'?)", kind, near);
		return jdoc_error(x->doc, json_member(v, "dist"), q, x->e,
				  "unknown distribution '%s'; expected one of %s", kind, list);
	}
	np = dist_param_names((enum dist_kind)k, pn);
	{
		const char *allowed[4] = { "dist", np > 0 ? pn[0] : NULL, np > 1 ? pn[1] : NULL, NULL };

		if (json_check_object(x->doc, v, p, allowed, x->e) < 0)
			return -1;
	}
	for (int i = 0; i < np; i++)
		if (json_get_number(x->doc, v, p, pn[i], -1e300, 1e300, &par[i], x->e) <= 0)
			return err_is_set(x->e) ? -1
				: jdoc_error(x->doc, v, p, x->e, "missing parameter '%s' of the %s distribution",
					     pn[i], kind);
	if (dist_set(d, (enum dist_kind)k, par, msg, sizeof msg) < 0)
		return jdoc_error(x->doc, v, p, x->e, "%s", msg);
	return 1;
}

static int read_server(struct ctx *x, const cJSON *wl, const char *path, struct server_spec *sv)
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
	return read_dist(x, v, p, "service_time_ms", &sv->service_ms) < 0 ? -1 : 0;
}

static int read_tolerations(struct ctx *x, const cJSON *wl, const char *path, struct workload *w)
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
static int read_affinity(struct ctx *x, const cJSON *wl, const char *path, const char *key,
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
	    read_labels(x, v, p, "labelSelector", &t->selector) < 0)
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

static int read_spread(struct ctx *x, const cJSON *wl, const char *path, struct workload *w)
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
		    read_name(x, it, q, "topologyKey", 1, &tk) < 0 ||
		    json_get_enum(x->doc, it, q, "whenUnsatisfiable", WHEN, &when, x->e) < 0 ||
		    read_labels(x, it, q, "labelSelector", &sc->selector) < 0)
			return -1;
		sc->max_skew = (int)skew;
		sc->topology_key = ks_strdup(tk);
		sc->when = (enum spread_when)when;
		w->nspread++;
	}
	return 0;
}

static int read_requests(struct ctx *x, const cJSON *wl, const char *path, struct workload *w)
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

static int read_workloads(struct ctx *x, const cJSON *root)
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
		if (read_name(x, it, p, "name", 1, &name) < 0)
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
		if (read_labels(x, it, p, "labels", &wl->labels) < 0 ||
		    read_labels(x, it, p, "nodeSelector", &wl->node_selector) < 0 ||
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
				if (find_node_ref(x, pv, r, &wl->pin[j++]) < 0)
					return -1;
			}
		}
	}
	return 0;
}

/* A key that only applies to one mode is an error elsewhere, not ignored. */
static int only_for(struct ctx *x, const cJSON *obj, const char *path, const char *key, int ok,
		    const char *mode)
{
	char q[PATH];

	if (ok || json_member(obj, key) == NULL)
		return 0;
	json_path_join(q, sizeof q, path, key);
	return jdoc_error(x->doc, json_member(obj, key), q, x->e, "'%s' applies only with %s", key,
			  mode);
}

static int read_lb(struct ctx *x, const cJSON *v, const char *p, struct lb_spec *lb)
{
	static const char *const KEYS[] = { "mode", "target", "healthCheck", "cross_zone",
		"failover_s", NULL };
	static const char *const HC_KEYS[] = { "preset", "interval_s", "timeout_s", "healthyThreshold",
		"unhealthyThreshold", NULL };
	/* Defaults of real load balancers for a Local Service's
	 * healthCheckNodePort: cloud-provider-aws defaultNlb* (10 s, 10 s, 2, 2),
	 * aws-load-balancer-controller model_builder.go (10, 6, 2, 2),
	 * cloud-provider-aws defaultElbHC* (10, 5, 2, 6), cloud-provider-gcp
	 * gce.go gceHcCheckIntervalSeconds... (8, 1, 1, 3), ingress-gce
	 * healthchecksl4.go (3, 1, 1, 2), cloud-provider-azure
	 * HealthProbeDefaultProbeInterval/NumOfProbe (5, 5, 2, 2). */
	static const char *const PRESETS[] = { "aws-nlb", "aws-lbc-nlb", "aws-elb", "gcp", "gke-l4",
		"azure", NULL };
	static const double PRESET_VAL[][4] = { { 10, 10, 2, 2 }, { 10, 6, 2, 2 }, { 10, 5, 2, 6 },
		{ 8, 1, 1, 3 }, { 3, 1, 1, 2 }, { 5, 5, 2, 2 } };
	int preset = -1;
	static const char *const MODES[] = { "even", "round-robin", "direct", "weighted",
		"only-nodes-with-pods", "l2", "bgp", "zonal", "hash", NULL };
	const cJSON *hc, *tgt;
	char q[PATH];
	int mode = LB_EVEN;
	long long th;

	memset(lb, 0, sizeof *lb);
	lb->target = LB_TARGET_EACH_NODE;
	if (json_check_object(x->doc, v, p, KEYS, x->e) < 0)
		return -1;
	if (json_get_enum(x->doc, v, p, "mode", MODES, &mode, x->e) < 0)
		return -1;
	lb->mode = (enum lb_mode)mode;
	tgt = json_member(v, "target");
	json_path_join(q, sizeof q, p, "target");
	if (tgt && lb->mode != LB_DIRECT)
		return jdoc_error(x->doc, tgt, q, x->e, "'target' applies only to mode \"direct\"");
	if (lb->mode == LB_DIRECT) {
		if (tgt == NULL)
			return jdoc_error(x->doc, v, p, x->e,
					  "mode \"direct\" needs a 'target': \"each-node\" or a node name");
		if (!(cJSON_IsString(tgt) && strcmp(tgt->valuestring, "each-node") == 0) &&
		    find_node_ref(x, tgt, q, &lb->target) < 0)
			return -1;
	}
	lb->failover_s = 10;
	if (only_for(x, v, p, "cross_zone", lb->mode == LB_ZONAL, "mode \"zonal\"") < 0 ||
	    only_for(x, v, p, "failover_s", lb->mode == LB_L2, "mode \"l2\"") < 0 ||
	    json_get_bool(x->doc, v, p, "cross_zone", &lb->cross_zone, x->e) < 0 ||
	    json_get_number(x->doc, v, p, "failover_s", 0, 3600, &lb->failover_s, x->e) < 0)
		return -1;
	hc = json_member(v, "healthCheck");
	if (hc == NULL)
		return 0;
	json_path_join(q, sizeof q, p, "healthCheck");
	if (lb->mode == LB_DIRECT)
		return jdoc_error(x->doc, hc, q, x->e,
				  "a client addressing nodes directly has no health check; remove 'healthCheck' or use mode \"even\"");
	if (json_check_object(x->doc, hc, q, HC_KEYS, x->e) < 0)
		return -1;
	lb->hc.enabled = 1;
	lb->hc.interval_s = 10;
	lb->hc.timeout_s = 5;
	lb->hc.healthy_threshold = 2;
	lb->hc.unhealthy_threshold = 2;
	if (json_get_enum(x->doc, hc, q, "preset", PRESETS, &preset, x->e) < 0)
		return -1;
	if (preset >= 0) {
		lb->hc.interval_s = PRESET_VAL[preset][0];
		lb->hc.timeout_s = PRESET_VAL[preset][1];
		lb->hc.healthy_threshold = (int)PRESET_VAL[preset][2];
		lb->hc.unhealthy_threshold = (int)PRESET_VAL[preset][3];
	}
	if (json_get_number(x->doc, hc, q, "interval_s", 0.001, 3600, &lb->hc.interval_s, x->e) < 0 ||
	    json_get_number(x->doc, hc, q, "timeout_s", 0.001, 3600, &lb->hc.timeout_s, x->e) < 0)
		return -1;
	if (json_get_int(x->doc, hc, q, "healthyThreshold", 1, 100, &th, x->e) < 0)
		return -1;
	if (json_member(hc, "healthyThreshold"))
		lb->hc.healthy_threshold = (int)th;
	if (json_get_int(x->doc, hc, q, "unhealthyThreshold", 1, 100, &th, x->e) < 0)
		return -1;
	if (json_member(hc, "unhealthyThreshold"))
		lb->hc.unhealthy_threshold = (int)th;
	return 0;
}

static int read_services(struct ctx *x, const cJSON *root, const struct lb_spec *deflb)
{
	static const char *const KEYS[] = { "name", "type", "selector", "externalTrafficPolicy",
		"loadBalancer", "internalTrafficPolicy", "trafficDistribution", "clusterIP",
		"sessionAffinity", "sessionAffinityTimeoutSeconds", NULL };
	static const char *const AFFINITY[] = { "None", "ClientIP", NULL };
	/* PreferClose is the deprecated alias of PreferSameZone (KEP-3015). */
	static const char *const TD[] = { "PreferSameZone", "PreferClose", "PreferSameNode", NULL };
	static const char *const TYPES[] = { "ClusterIP", "NodePort", "LoadBalancer", NULL };
	static const char *const POLICIES[] = { "Cluster", "Local", NULL };
	const cJSON *arr = json_member(root, "services"), *it;
	char p[PATH], q[PATH];
	int i = 0;

	if (arr == NULL)
		return jdoc_error(x->doc, root, "", x->e, "missing required key 'services'");
	if (json_check_array(x->doc, arr, "services", x->e) < 0)
		return -1;
	x->c->services = ks_calloc((size_t)cJSON_GetArraySize(arr), sizeof *x->c->services);
	cJSON_ArrayForEach(it, arr) {
		struct service *s;
		const char *name;
		int type = SVC_CLUSTER_IP, etp = POLICY_CLUSTER, r;

		json_path_index(p, sizeof p, "services", i++);
		if (json_check_object(x->doc, it, p, KEYS, x->e) < 0)
			return -1;
		if (read_name(x, it, p, "name", 1, &name) < 0)
			return -1;
		if (cluster_find_service(x->c, name) >= 0) {
			json_path_join(q, sizeof q, p, "name");
			return jdoc_error(x->doc, json_member(it, "name"), q, x->e,
					  "duplicate service name '%s'", name);
		}
		s = &x->c->services[x->c->nservices++];
		s->name = ks_strdup(name);
		if (json_get_enum(x->doc, it, p, "type", TYPES, &type, x->e) < 0)
			return -1;
		s->type = (enum svc_type)type;
		r = json_get_enum(x->doc, it, p, "externalTrafficPolicy", POLICIES, &etp, x->e);
		if (r < 0)
			return -1;
		/* The API server refuses it too: "may only be set when `type` is
		 * 'NodePort' or 'LoadBalancer'" (core/v1 validation). */
		if (r == 1 && type == SVC_CLUSTER_IP && etp == POLICY_LOCAL) {
			json_path_join(q, sizeof q, p, "externalTrafficPolicy");
			return jdoc_error(x->doc, json_member(it, "externalTrafficPolicy"), q, x->e,
					  "may only be set when type is NodePort or LoadBalancer");
		}
		s->etp = (enum traffic_policy)etp;
		{
			int itp = POLICY_CLUSTER, td = -1;
			const char *cip = "";

			if (json_get_enum(x->doc, it, p, "internalTrafficPolicy", POLICIES, &itp, x->e) < 0 ||
			    json_get_enum(x->doc, it, p, "trafficDistribution", TD, &td, x->e) < 0 ||
			    json_get_string(x->doc, it, p, "clusterIP", &cip, x->e) < 0)
				return -1;
			s->itp = (enum traffic_policy)itp;
			/* timeoutSeconds: default 10800, valid (0, 86400] (core/v1
			 * ClientIPConfig) */
			s->affinity_timeout_s = 10800;
			if (json_get_enum(x->doc, it, p, "sessionAffinity", AFFINITY, &s->affinity, x->e) < 0 ||
			    only_for(x, it, p, "sessionAffinityTimeoutSeconds", s->affinity,
				     "sessionAffinity \"ClientIP\"") < 0 ||
			    json_get_number(x->doc, it, p, "sessionAffinityTimeoutSeconds", 1, 86400,
					    &s->affinity_timeout_s, x->e) < 0)
				return -1;
			s->td = td < 0 ? TD_NONE : td == 2 ? TD_PREFER_SAME_NODE : TD_PREFER_SAME_ZONE;
			if (json_member(it, "clusterIP")) {
				json_path_join(q, sizeof q, p, "clusterIP");
				if (strcmp(cip, "None") != 0)
					return jdoc_error(x->doc, json_member(it, "clusterIP"), q, x->e,
							  "only \"None\" (a headless Service) is modelled; leave it out for a virtual IP");
				if (type != SVC_CLUSTER_IP)
					return jdoc_error(x->doc, json_member(it, "clusterIP"), q, x->e,
							  "a headless Service must be of type ClusterIP");
				s->headless = 1;
			}
		}
		if (read_labels(x, it, p, "selector", &s->selector) < 0)
			return -1;
		s->lb = *deflb;
		if (json_member(it, "loadBalancer")) {
			json_path_join(q, sizeof q, p, "loadBalancer");
			if (read_lb(x, json_member(it, "loadBalancer"), q, &s->lb) < 0)
				return -1;
		}
	}
	if (x->c->nservices == 0)
		return jdoc_error(x->doc, arr, "services", x->e, "expected at least one service");
	return 0;
}

static int parse_cidr(const char *s, uint32_t *base, int *prefix)
{
	unsigned a, b, c, d;
	int pl, n = 0;

	if (sscanf(s, "%u.%u.%u.%u/%d%n", &a, &b, &c, &d, &pl, &n) != 5 || s[n] != '\0' ||
	    a > 255 || b > 255 || c > 255 || d > 255 || pl < 0 || pl > 32)
		return -1;
	*prefix = pl;
	*base = (a << 24 | b << 16 | c << 8 | d) & (pl ? ~0u << (32 - pl) : 0u);
	return 0;
}

/* In-cluster clients: where they run (from_workload / from_nodes) and what
 * they dial (via: clusterIP, loadBalancer, nodePort with a target node). */
static int read_client_origin(struct ctx *x, const cJSON *it, const char *p, struct client *cl)
{
	static const char *const VIA[] = { "clusterIP", "loadBalancer", "nodePort", NULL };
	const struct service *svc = &x->c->services[cl->service];
	const cJSON *wl = json_member(it, "from_workload"), *nodes = json_member(it, "from_nodes");
	const cJSON *tgt = json_member(it, "target");
	char q[PATH];
	int via = VIA_CLUSTER_IP;

	cl->from_workload = -1;
	cl->target = -1;
	if (cl->location == LOC_EXTERNAL) {
		const char *k = wl ? "from_workload" : nodes ? "from_nodes"
			      : json_member(it, "via") ? "via" : tgt ? "target" : NULL;

		if (k) {
			json_path_join(q, sizeof q, p, k);
			return jdoc_error(x->doc, json_member(it, k), q, x->e,
					  "'%s' applies to in-cluster clients (location \"pod\" or \"host\")", k);
		}
		return 0;
	}
	if (json_get_enum(x->doc, it, p, "via", VIA, &via, x->e) < 0)
		return -1;
	cl->via = (enum client_via)via;
	json_path_join(q, sizeof q, p, "via");
	if (via != VIA_CLUSTER_IP && svc->type == SVC_CLUSTER_IP)
		return jdoc_error(x->doc, json_member(it, "via"), q, x->e,
				  "service '%s' is of type ClusterIP; it has no %s", svc->name,
				  via == VIA_LOAD_BALANCER ? "load balancer IP" : "NodePort");
	if (via == VIA_LOAD_BALANCER && svc->type != SVC_LOAD_BALANCER)
		return jdoc_error(x->doc, json_member(it, "via"), q, x->e,
				  "service '%s' is of type NodePort; it has no load balancer IP", svc->name);
	if (tgt) {
		json_path_join(q, sizeof q, p, "target");
		if (via != VIA_NODE_PORT)
			return jdoc_error(x->doc, tgt, q, x->e, "'target' applies only to via \"nodePort\"");
		if (find_node_ref(x, tgt, q, &cl->target) < 0)
			return -1;
	}
	if ((wl != NULL) == (nodes != NULL))
		return jdoc_error(x->doc, it, p, x->e,
				  "an in-cluster client needs exactly one of 'from_workload' (its pods' nodes) or 'from_nodes'");
	if (wl && cl->location == LOC_HOST) {
		json_path_join(q, sizeof q, p, "from_workload");
		return jdoc_error(x->doc, wl, q, x->e, "a host client runs on nodes: use 'from_nodes'");
	}
	if (wl) {
		json_path_join(q, sizeof q, p, "from_workload");
		if (!cJSON_IsString(wl))
			return jdoc_error(x->doc, wl, q, x->e, "expected a workload name");
		for (int w = 0; w < x->c->nworkloads; w++)
			if (strcmp(x->c->workloads[w].name, wl->valuestring) == 0)
				cl->from_workload = w;
		if (cl->from_workload < 0)
			return jdoc_error(x->doc, wl, q, x->e, "workload '%s' not found", wl->valuestring);
		return 0;
	}
	json_path_join(q, sizeof q, p, "from_nodes");
	if (json_check_array(x->doc, nodes, q, x->e) < 0)
		return -1;
	if (cJSON_GetArraySize(nodes) == 0)
		return jdoc_error(x->doc, nodes, q, x->e, "expected at least one node");
	cl->from_nodes = ks_calloc((size_t)cJSON_GetArraySize(nodes), sizeof *cl->from_nodes);
	for (const cJSON *n = nodes->child; n; n = n->next) {
		char r[PATH];

		json_path_index(r, sizeof r, q, cl->nfrom);
		if (find_node_ref(x, n, r, &cl->from_nodes[cl->nfrom++]) < 0)
			return -1;
	}
	return 0;
}

/* Connections versus requests: a connection carries `requests` requests
 * (rounded, at least 1) to the endpoint chosen when it opened, with
 * `think_time_ms` between a response and the next request, as HTTP
 * keep-alive or gRPC do over L4 balancing; `flow_bytes` per request. */
static int read_client_traffic(struct ctx *x, const cJSON *it, const char *p, struct client *cl)
{
	double one = 1, zero = 0;
	char msg[100];
	int r;

	dist_set(&cl->requests, DIST_CONST, &one, msg, sizeof msg);
	dist_set(&cl->think_ms, DIST_CONST, &zero, msg, sizeof msg);
	if ((r = read_dist(x, it, p, "requests", &cl->requests)) < 0 ||
	    read_dist(x, it, p, "think_time_ms", &cl->think_ms) < 0)
		return -1;
	if (r == 1 && cl->requests.kind == DIST_CONST && cl->requests.p[0] < 0.5) {
		char q[PATH];

		json_path_join(q, sizeof q, p, "requests");
		return jdoc_error(x->doc, json_member(it, "requests"), q, x->e,
				  "a connection carries at least 1 request");
	}
	cl->keepalive = !(cl->requests.kind == DIST_CONST && lround(cl->requests.p[0]) == 1);
	if ((r = read_dist(x, it, p, "flow_bytes", &cl->bytes)) < 0)
		return -1;
	cl->has_bytes = r == 1;
	return 0;
}

static int read_clients(struct ctx *x, const cJSON *root)
{
	static const char *const KEYS[] = { "name", "service", "location", "count", "cidr",
		"arrival", "requests", "think_time_ms", "flow_bytes", "protocol", "from_workload",
		"from_nodes", "via", "target", NULL };
	static const char *const PROTOCOLS[] = { "TCP", "UDP", NULL };
	static const char *const ARR_KEYS[] = { "process", "rate_per_s", NULL };
	static const char *const LOCATIONS[] = { "external", "pod", "host", NULL };
	static const char *const PROCESSES[] = { "poisson", NULL };
	const cJSON *arr = json_member(root, "clients"), *it;
	char p[PATH], q[PATH];
	int i = 0;

	if (arr == NULL)
		return jdoc_error(x->doc, root, "", x->e, "missing required key 'clients'");
	if (json_check_array(x->doc, arr, "clients", x->e) < 0)
		return -1;
	if (cJSON_GetArraySize(arr) > CLUSTER_MAX_CLIENTS)
		return jdoc_error(x->doc, arr, "clients", x->e, "more than %d client groups",
				  CLUSTER_MAX_CLIENTS);
	x->c->clients = ks_calloc((size_t)cJSON_GetArraySize(arr), sizeof *x->c->clients);
	cJSON_ArrayForEach(it, arr) {
		struct client *cl;
		const char *name, *svc, *cidr = "198.18.0.0/15";
		const cJSON *av;
		long long count = 1000;
		int loc = 0, proc = 0, prefix, sid;
		uint32_t base;

		json_path_index(p, sizeof p, "clients", i++);
		if (json_check_object(x->doc, it, p, KEYS, x->e) < 0)
			return -1;
		if (read_name(x, it, p, "name", 1, &name) < 0)
			return -1;
		cl = &x->c->clients[x->c->nclients++];
		cl->name = ks_strdup(name);
		if (read_name(x, it, p, "service", 1, &svc) < 0)
			return -1;
		json_path_join(q, sizeof q, p, "service");
		sid = cluster_find_service(x->c, svc);
		if (sid < 0) {
			const char **names = ks_calloc((size_t)x->c->nservices, sizeof *names);
			int n = x->c->nservices;

			for (int k = 0; k < n; k++)
				names[k] = x->c->services[k].name;
			ref_error(x, json_member(it, "service"), q, "service", svc, names, n);
			ks_free(names);
			return -1;
		}
		cl->service = sid;
		if (json_get_enum(x->doc, it, p, "location", LOCATIONS, &loc, x->e) < 0)
			return -1;
		cl->location = (enum client_location)loc;
		if (loc == LOC_EXTERNAL && x->c->services[sid].type == SVC_CLUSTER_IP)
			return jdoc_error(x->doc, json_member(it, "service"), q, x->e,
					  "service '%s' is of type ClusterIP, which external clients cannot reach; set its type to NodePort or LoadBalancer, or give the client a location \"pod\" or \"host\"",
					  svc);
		if (read_client_origin(x, it, p, cl) < 0)
			return -1;
		if (json_get_int(x->doc, it, p, "count", 1, 1LL << 32, &count, x->e) < 0 ||
		    json_get_string(x->doc, it, p, "cidr", &cidr, x->e) < 0)
			return -1;
		json_path_join(q, sizeof q, p, "cidr");
		if (parse_cidr(cidr, &base, &prefix) < 0)
			return jdoc_error(x->doc, json_member(it, "cidr"), q, x->e,
					  "expected an IPv4 CIDR like \"198.51.100.0/22\", got \"%s\"", cidr);
		if (prefix > 0 && count > (1LL << (32 - prefix))) {
			json_path_join(q, sizeof q, p, "count");
			return jdoc_error(x->doc, json_member(it, "count"), q, x->e,
					  "%lld clients do not fit in %s (%lld addresses)", count, cidr,
					  1LL << (32 - prefix));
		}
		cl->count = count > UINT32_MAX ? UINT32_MAX : (uint32_t)count;
		cl->cidr_base = base;
		av = json_member(it, "arrival");
		json_path_join(q, sizeof q, p, "arrival");
		if (av == NULL)
			return jdoc_error(x->doc, it, p, x->e,
					  "missing required key 'arrival' (e.g. {\"process\": \"poisson\", \"rate_per_s\": 1000})");
		if (json_check_object(x->doc, av, q, ARR_KEYS, x->e) < 0 ||
		    json_get_enum(x->doc, av, q, "process", PROCESSES, &proc, x->e) < 0)
			return -1;
		if (json_get_number(x->doc, av, q, "rate_per_s", 0, DBL_MAX, &cl->rate_per_s, x->e) <= 0)
			return err_is_set(x->e) ? -1
				: jdoc_error(x->doc, av, q, x->e, "missing required key 'rate_per_s'");
		if (read_client_traffic(x, it, p, cl) < 0 ||
		    json_get_enum(x->doc, it, p, "protocol", PROTOCOLS, &cl->udp, x->e) < 0)
			return -1;
		if (cl->rate_per_s <= 0) {
			char r[PATH];

			json_path_join(r, sizeof r, q, "rate_per_s");
			return jdoc_error(x->doc, json_member(av, "rate_per_s"), r, x->e,
					  "expected a rate > 0 flows per second, got 0");
		}
	}
	if (x->c->nclients == 0)
		return jdoc_error(x->doc, arr, "clients", x->e,
				  "expected at least one client group; nothing would send traffic");
	return 0;
}

static int read_proxy(struct ctx *x, const cJSON *v)
{
	static const char *const KEYS[] = { "mode", "snat_port_range", "time_wait_s", "snat_cost_ms",
		"snat", "ipvs_scheduler", "lb_algorithm", "maglev_table_size", "sync_delay_ms",
		"sync_jitter_ms", NULL };
	static const char *const SCHEDS[] = { "rr", "wrr", "lc", "wlc", "sh", "dh", "sed", "nq", "mh",
		NULL };
	static const char *const ALGOS[] = { "random", "maglev", NULL };
	/* Cilium's allowed Maglev table sizes (kubeproxy-free.rst) */
	static const long long PRIMES[] = { 251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521,
		131071 };
	long long m = 16381;
	int sched = 0, algo = 0;
	static const char *const MODES[] = { "iptables", "nftables", "ipvs", "ebpf", NULL };
	static const char *const SNAT[] = { "snat", "dsr", "hybrid", NULL };
	struct proxy_spec *ps = &x->c->proxy;
	const cJSON *r;
	int mode = PROXY_IPTABLES, snat = SNAT_SNAT;

	if (json_check_object(x->doc, v, "proxy", KEYS, x->e) < 0 ||
	    json_get_enum(x->doc, v, "proxy", "mode", MODES, &mode, x->e) < 0 ||
	    only_for(x, v, "proxy", "snat", mode == PROXY_EBPF, "mode \"ebpf\"") < 0 ||
	    json_get_enum(x->doc, v, "proxy", "snat", SNAT, &snat, x->e) < 0 ||
	    json_get_number(x->doc, v, "proxy", "time_wait_s", 0, 86400, &ps->time_wait_s, x->e) < 0 ||
	    json_get_number(x->doc, v, "proxy", "snat_cost_ms", 0, 60000, &ps->snat_cost_ms, x->e) < 0)
		return -1;
	if (only_for(x, v, "proxy", "ipvs_scheduler", mode == PROXY_IPVS, "mode \"ipvs\"") < 0 ||
	    only_for(x, v, "proxy", "lb_algorithm", mode == PROXY_EBPF, "mode \"ebpf\"") < 0 ||
	    json_get_enum(x->doc, v, "proxy", "ipvs_scheduler", SCHEDS, &sched, x->e) < 0 ||
	    json_get_enum(x->doc, v, "proxy", "lb_algorithm", ALGOS, &algo, x->e) < 0 ||
	    only_for(x, v, "proxy", "maglev_table_size", algo == 1, "lb_algorithm \"maglev\"") < 0 ||
	    json_get_int(x->doc, v, "proxy", "maglev_table_size", 251, 131071, &m, x->e) < 0)
		return -1;
	if (json_member(v, "maglev_table_size")) {
		int ok = 0;

		for (size_t i = 0; i < sizeof PRIMES / sizeof PRIMES[0]; i++)
			ok |= PRIMES[i] == m;
		if (!ok)
			return jdoc_error(x->doc, json_member(v, "maglev_table_size"),
					  "proxy.maglev_table_size", x->e,
					  "Cilium accepts 251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521 or 131071");
	}
	{
		double d = ps->sync_delay_s * 1e3, j = 0;

		if (json_get_number(x->doc, v, "proxy", "sync_delay_ms", 0, 3600e3, &d, x->e) < 0 ||
		    json_get_number(x->doc, v, "proxy", "sync_jitter_ms", 0, 3600e3, &j, x->e) < 0)
			return -1;
		ps->sync_delay_s = d * 1e-3;
		ps->sync_jitter_s = j * 1e-3;
	}
	ps->ipvs_scheduler = sched;
	ps->maglev = algo == 1;
	ps->maglev_m = (uint32_t)m;
	ps->mode = (enum proxy_mode)mode;
	ps->snat = (enum snat_mode)snat;
	if ((r = json_member(v, "snat_port_range")) != NULL) {
		const cJSON *lo = cJSON_GetArrayItem(r, 0), *hi = cJSON_GetArrayItem(r, 1);

		if (!cJSON_IsArray(r) || cJSON_GetArraySize(r) != 2 || !cJSON_IsNumber(lo) ||
		    !cJSON_IsNumber(hi) || lo->valuedouble != (int)lo->valuedouble ||
		    hi->valuedouble != (int)hi->valuedouble || lo->valuedouble < 1 ||
		    hi->valuedouble > 65535 || lo->valuedouble > hi->valuedouble)
			return jdoc_error(x->doc, r, "proxy.snat_port_range", x->e,
					  "expected [first, last] ports with 1 <= first <= last <= 65535");
		ps->snat_port_lo = (uint32_t)lo->valuedouble;
		ps->snat_port_hi = (uint32_t)hi->valuedouble;
	}
	return 0;
}

static int read_network(struct ctx *x, const cJSON *v)
{
	static const char *const KEYS[] = { "latency_ms", "jitter_ms", "cross_zone_cost_per_gb", NULL };
	static const char *const LAT_KEYS[] = { "lb_to_node", "same_node", "same_zone", "cross_zone",
		NULL };
	static const char *const P = "network.latency_ms";
	struct latency_spec *ls = &x->c->latency;
	const cJSON *l;
	int r;

	if (json_check_object(x->doc, v, "network", KEYS, x->e) < 0 ||
	    json_get_number(x->doc, v, "network", "cross_zone_cost_per_gb", 0, 1000,
			    &ls->cross_zone_cost_per_gb, x->e) < 0)
		return -1;
	if ((r = read_dist(x, v, "network", "jitter_ms", &ls->jitter_ms)) < 0)
		return -1;
	ls->has_jitter = r == 1;
	if ((l = json_member(v, "latency_ms")) == NULL)
		return 0;
	if (json_check_object(x->doc, l, P, LAT_KEYS, x->e) < 0 ||
	    json_get_number(x->doc, l, P, "lb_to_node", 0, 60000, &ls->lb_to_node, x->e) < 0 ||
	    json_get_number(x->doc, l, P, "same_node", 0, 60000, &ls->same_node, x->e) < 0 ||
	    json_get_number(x->doc, l, P, "same_zone", 0, 60000, &ls->same_zone, x->e) < 0 ||
	    json_get_number(x->doc, l, P, "cross_zone", 0, 60000, &ls->cross_zone, x->e) < 0)
		return -1;
	return 0;
}

static int read_misc(struct ctx *x, const cJSON *root)
{
	const cJSON *v;

	/* MASQUERADE of forwarded traffic keeps the client's port when the
	 * tuple is unique and otherwise picks from 1024-65535 for ports >= 1024
	 * (net/netfilter/nf_nat_core.c), so a (node, backend) pair holds at most
	 * 64,512 connections; TIME_WAIT entries keep theirs for
	 * nf_conntrack_tcp_timeout_time_wait = 120 s
	 * (Documentation/networking/nf_conntrack-sysctl.rst). */
	x->c->proxy = (struct proxy_spec){ .mode = PROXY_IPTABLES, .snat_port_lo = 1024,
					   .snat_port_hi = 65535, .time_wait_s = 120,
					   .maglev_m = 16381, .sync_delay_s = 1 };
	/* kube-proxy applies endpoint changes within iptables.minSyncPeriod
	 * (1 s by default, virtual-ips.md). */
	/* AWS bills $0.01/GB in each direction between zones of a region. */
	x->c->latency.cross_zone_cost_per_gb = 0.02;
	if ((v = json_member(root, "proxy")) != NULL && read_proxy(x, v) < 0)
		return -1;
	if ((v = json_member(root, "network")) != NULL && read_network(x, v) < 0)
		return -1;
	return 0;
}

static int find_by_name(struct ctx *x, const cJSON *ev, const char *path, const char *key,
			const char *what, int *out)
{
	const struct cluster *c = x->c;
	const cJSON *v = json_member(ev, key);
	const char **names;
	char q[PATH];
	int n = 0;

	json_path_join(q, sizeof q, path, key);
	if (v == NULL)
		return jdoc_error(x->doc, ev, path, x->e, "missing required key '%s'", key);
	if (!cJSON_IsString(v))
		return jdoc_error(x->doc, v, q, x->e, "expected a %s name", what);
	if (strcmp(what, "node") == 0)
		return find_node_ref(x, v, q, out);
	n = strcmp(what, "workload") == 0 ? c->nworkloads
	    : strcmp(what, "service") == 0 ? c->nservices : c->nclients;
	names = ks_calloc((size_t)n + 1, sizeof *names);
	for (int i = 0; i < n; i++)
		names[i] = strcmp(what, "workload") == 0 ? c->workloads[i].name
			   : strcmp(what, "service") == 0 ? c->services[i].name : c->clients[i].name;
	for (*out = -1; *out + 1 < n && strcmp(names[*out + 1], v->valuestring) != 0;)
		++*out;
	if (++*out < n) {
		ks_free(names);
		return 0;
	}
	ref_error(x, v, q, what, v->valuestring, names, n);
	ks_free(names);
	return -1;
}

static int cmp_event(const void *a, const void *b)
{
	const struct tl_event *x = a, *y = b;

	return (x->at_s > y->at_s) - (x->at_s < y->at_s);
}

/* timeline[i]: {"at_s", "action", target keys...}; a pod is named
 * <workload>-<ordinal> as ktsim names them. */
static int read_timeline(struct ctx *x, const cJSON *root)
{
	static const char *const ACTIONS[] = { "delete_pod", "node_down", "node_up", "drain",
		"scale", "rollout", "set_rate", "set_policy", NULL };
	static const char *const POLICIES[] = { "Cluster", "Local", NULL };
	static const char *const KEYS[TL_NACTIONS][5] = {
		{ "pod" }, { "node" }, { "node" }, { "node", "maxUnavailable" },
		{ "workload", "replicas" }, { "workload", "maxSurge", "maxUnavailable" },
		{ "client", "rate_per_s" }, { "service", "externalTrafficPolicy" },
	};
	const cJSON *arr = json_member(root, "timeline"), *it;
	struct cluster *c = x->c;
	char p[PATH], q[PATH];
	int i = 0;

	if (arr == NULL)
		return 0;
	if (json_check_array(x->doc, arr, "timeline", x->e) < 0)
		return -1;
	c->timeline = ks_calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *c->timeline);
	cJSON_ArrayForEach(it, arr) {
		struct tl_event *ev = &c->timeline[c->ntimeline];
		const char *allowed[8] = { "at_s", "action" };
		long long v;
		int act, k = 2;

		json_path_index(p, sizeof p, "timeline", i++);
		if (!cJSON_IsObject(it))
			return jdoc_error(x->doc, it, p, x->e, "expected an object like {\"at_s\": 60, \"action\": \"delete_pod\", \"pod\": \"web-0\"}");
		if (json_get_enum(x->doc, it, p, "action", ACTIONS, &act, x->e) <= 0)
			return err_is_set(x->e) ? -1
				: jdoc_error(x->doc, it, p, x->e, "missing required key 'action'");
		for (int j = 0; j < 5 && KEYS[act][j]; j++)
			allowed[k++] = KEYS[act][j];
		allowed[k] = NULL;
		if (json_check_object(x->doc, it, p, allowed, x->e) < 0)
			return -1;
		if (json_get_number(x->doc, it, p, "at_s", 0, 1e9, &ev->at_s, x->e) <= 0)
			return err_is_set(x->e) ? -1
				: jdoc_error(x->doc, it, p, x->e, "missing required key 'at_s'");
		json_path_join(q, sizeof q, p, "at_s");
		if (ev->at_s > c->duration_s)
			return jdoc_error(x->doc, json_member(it, "at_s"), q, x->e,
					  "at %g s is after the end of the run (duration_s %g)", ev->at_s,
					  c->duration_s);
		ev->action = (enum tl_action)act;
		ev->value = 1;
		switch (ev->action) {
		case TL_DELETE_POD: {
			const cJSON *pv = json_member(it, "pod");
			const char *dash;

			json_path_join(q, sizeof q, p, "pod");
			if (pv == NULL || !cJSON_IsString(pv))
				return jdoc_error(x->doc, pv ? pv : it, pv ? q : p, x->e,
						  "expected 'pod': a pod name like \"web-0\"");
			dash = strrchr(pv->valuestring, '-');
			ev->target = -1;
			for (int w = 0; dash && w < c->nworkloads; w++)
				if ((size_t)(dash - pv->valuestring) == strlen(c->workloads[w].name) &&
				    strncmp(pv->valuestring, c->workloads[w].name, (size_t)(dash - pv->valuestring)) == 0)
					ev->target = w;
			if (ev->target < 0 || sscanf(dash + 1, "%d", &ev->value) != 1 || ev->value < 0 ||
			    (c->workloads[ev->target].kind == WL_DEPLOYMENT &&
			     ev->value >= c->workloads[ev->target].replicas))
				return jdoc_error(x->doc, pv, q, x->e,
						  "no pod '%s' (pods are named <workload>-<ordinal>)", pv->valuestring);
			break;
		}
		case TL_NODE_DOWN:
		case TL_NODE_UP:
		case TL_DRAIN:
			if (find_by_name(x, it, p, "node", "node", &ev->target) < 0 ||
			    json_get_int(x->doc, it, p, "maxUnavailable", 1, 100000, &v, x->e) < 0)
				return -1;
			if (json_member(it, "maxUnavailable"))
				ev->value = (int)v;
			break;
		case TL_SCALE:
			if (find_by_name(x, it, p, "workload", "workload", &ev->target) < 0)
				return -1;
			if (json_get_int(x->doc, it, p, "replicas", 0, 100000, &v, x->e) <= 0)
				return err_is_set(x->e) ? -1
					: jdoc_error(x->doc, it, p, x->e, "missing required key 'replicas'");
			ev->value = (int)v;
			break;
		case TL_ROLLOUT:
			/* Deployment strategy defaults: maxSurge 25%, maxUnavailable
			 * 25% (apps/v1); ktsim takes counts, default 1 and 0. */
			ev->surge = 1;
			ev->value = 0;
			if (find_by_name(x, it, p, "workload", "workload", &ev->target) < 0 ||
			    json_get_int(x->doc, it, p, "maxSurge", 0, 100000, &v, x->e) < 0)
				return -1;
			if (json_member(it, "maxSurge"))
				ev->surge = (int)v;
			if (json_get_int(x->doc, it, p, "maxUnavailable", 0, 100000, &v, x->e) < 0)
				return -1;
			if (json_member(it, "maxUnavailable"))
				ev->value = (int)v;
			if (ev->surge == 0 && ev->value == 0)
				return jdoc_error(x->doc, it, p, x->e,
						  "maxSurge and maxUnavailable cannot both be 0 (apps/v1 validation)");
			break;
		case TL_SET_RATE:
			if (find_by_name(x, it, p, "client", "client", &ev->target) < 0)
				return -1;
			if (json_get_number(x->doc, it, p, "rate_per_s", 1e-9, 1e9, &ev->rate, x->e) <= 0)
				return err_is_set(x->e) ? -1
					: jdoc_error(x->doc, it, p, x->e, "missing required key 'rate_per_s'");
			break;
		default: /* TL_SET_POLICY */
			if (find_by_name(x, it, p, "service", "service", &ev->target) < 0)
				return -1;
			if (json_get_enum(x->doc, it, p, "externalTrafficPolicy", POLICIES, &ev->value, x->e) <= 0)
				return err_is_set(x->e) ? -1
					: jdoc_error(x->doc, it, p, x->e, "missing required key 'externalTrafficPolicy'");
			break;
		}
		c->ntimeline++;
	}
	qsort(c->timeline, (size_t)c->ntimeline, sizeof *c->timeline, cmp_event);
	return 0;
}

static int read_output(struct ctx *x, const cJSON *root)
{
	static const char *const KEYS[] = { "sample_interval_s", NULL };
	const cJSON *v = json_member(root, "output");

	/* Time series come with a timeline, sampled each second by default. */
	x->c->sample_interval_s = x->c->ntimeline ? 1 : 0;
	x->c->eviction_timeout_s = 300; /* the taint-based eviction default */
	if (json_get_number(x->doc, root, "", "pod_eviction_timeout_s", 0, 86400,
			    &x->c->eviction_timeout_s, x->e) < 0)
		return -1;
	if (v == NULL)
		return 0;
	if (json_check_object(x->doc, v, "output", KEYS, x->e) < 0 ||
	    json_get_number(x->doc, v, "output", "sample_interval_s", 0.001, 86400,
			    &x->c->sample_interval_s, x->e) < 0)
		return -1;
	return 0;
}

static char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	char *s = ks_strdup(b ? b + 1 : path), *dot = strrchr(s, '.');

	if (dot && strcmp(dot, ".json") == 0)
		*dot = '\0';
	return s;
}

static int read_scenario(struct ctx *x, const char *path)
{
	const cJSON *root = jdoc_root(x->doc);
	struct cluster *c = x->c;
	const char *s;
	long long seed = 1;
	struct lb_spec deflb = { .mode = LB_EVEN, .target = LB_TARGET_EACH_NODE };

	if (json_check_object(x->doc, root, "", TOP_KEYS, x->e) < 0)
		return -1;
	if (json_get_string(x->doc, root, "", "name", &s, x->e) < 0)
		return -1;
	c->name = json_member(root, "name") ? ks_strdup(s) : base_name(path);
	if (json_get_string(x->doc, root, "", "description", &s, x->e) < 0)
		return -1;
	c->description = ks_strdup(json_member(root, "description") ? s : "");
	if (json_get_int(x->doc, root, "", "seed", 0, (1LL << 53), &seed, x->e) < 0)
		return -1;
	c->seed = (uint64_t)seed;
	if (json_get_number(x->doc, root, "", "duration_s", 1e-6, 1e9, &c->duration_s, x->e) <= 0)
		return err_is_set(x->e) ? -1
			: jdoc_error(x->doc, root, "", x->e, "missing required key 'duration_s'");
	if (json_get_number(x->doc, root, "", "warmup_s", 0, 1e9, &c->warmup_s, x->e) < 0)
		return -1;
	if (c->warmup_s >= c->duration_s)
		return jdoc_error(x->doc, json_member(root, "warmup_s"), "warmup_s", x->e,
				  "warm-up (%g s) must be shorter than duration_s (%g s)",
				  c->warmup_s, c->duration_s);
	if (read_nodes(x, root) < 0 || read_workloads(x, root) < 0)
		return -1;
	if (json_member(root, "loadBalancer") &&
	    read_lb(x, json_member(root, "loadBalancer"), "loadBalancer", &deflb) < 0)
		return -1;
	if (read_services(x, root, &deflb) < 0 || read_clients(x, root) < 0 || read_misc(x, root) < 0 ||
	    read_timeline(x, root) < 0 || read_output(x, root) < 0)
		return -1;
	return 0;
}

/* A timeline may create pods (replacements, scale-ups, rollouts): each
 * workload gets spare pod slots, not yet placed, named on from its last
 * ordinal; memory stays fixed through the run. */
static void add_spares(struct cluster *c)
{
	int total = c->npods;

	for (int w = 0; w < c->nworkloads; w++) {
		struct workload *wl = &c->workloads[w];
		int most = wl->replicas;

		for (int i = 0; i < c->ntimeline; i++)
			if (c->timeline[i].action == TL_SCALE && c->timeline[i].target == w &&
			    c->timeline[i].value > most)
				most = c->timeline[i].value;
		wl->nspare = 2 * most + 2 * c->ntimeline + 4;
		total += wl->nspare;
	}
	c->pods = ks_realloc(c->pods, (size_t)total, sizeof *c->pods);
	for (int w = 0; w < c->nworkloads; w++) {
		struct workload *wl = &c->workloads[w];

		wl->first_spare = c->npods;
		for (int i = 0; i < wl->nspare; i++) {
			struct pod *p = &c->pods[c->npods++];
			char name[300];

			snprintf(name, sizeof name, "%s-%d", wl->name, wl->npods + i);
			p->name = ks_strdup(name);
			p->workload = w;
			p->node = -1;
			p->ready = 0;
		}
	}
}

/* Build the cluster from a parsed document (consumed). */
static int load_doc(struct cluster **out, struct jdoc *doc, const char *path,
		    const char *const *sets, int nsets, struct err *e)
{
	struct name_index ix = { 0 };
	struct ctx x = { .e = e, .nodes_ix = &ix, .doc = doc };
	int rc;

	*out = NULL;
	for (int i = 0; i < nsets; i++)
		if (jdoc_set(x.doc, sets[i], e) < 0) {
			jdoc_destroy(x.doc);
			return -1;
		}
	x.c = cluster_create();
	rc = read_scenario(&x, path);
	jdoc_destroy(x.doc);
	ks_free(ix.slot);
	if (rc < 0) {
		cluster_destroy(x.c);
		return -1;
	}
	placement_run(x.c, x.c->seed);
	if (x.c->ntimeline)
		add_spares(x.c);
	cluster_endpoints(x.c);
	*out = x.c;
	return 0;
}

int scenario_load(struct cluster **out, const char *path, const char *const *sets, int nsets,
		  struct err *e)
{
	struct jdoc *doc;

	*out = NULL;
	if (jdoc_load(&doc, path, e) < 0)
		return -1;
	return load_doc(out, doc, path, sets, nsets, e);
}

int scenario_parse(struct cluster **out, const char *name, const char *buf, size_t len,
		   struct err *e)
{
	struct jdoc *doc;

	*out = NULL;
	if (jdoc_parse(&doc, name, buf, len, e) < 0)
		return -1;
	return load_doc(out, doc, name, NULL, 0, e);
}
