/* scenario — JSON scenario to cluster model, validating every key.
 *
 * This file holds the entry points, the top-level keys and the helpers
 * every part shares (names, labels, distributions, references); the
 * nodes and workloads are read in scenario_topology.c, Services, load
 * balancers, clients, proxy and network in scenario_traffic.c, the
 * timeline and its spare pod slots in scenario_timeline.c.
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

#include <stdio.h>
#include <string.h>

#include "ktsim/json.h"
#include "ktsim/mem.h"
#include "ktsim/placement.h"

#include "scenario_int.h"

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

int scenario_ref_error(struct scenario_ctx *x, const cJSON *node, const char *path,
		       const char *what, const char *name, const char *const *cands, int n)
{
	const char *s = suggest(name, cands, n);

	if (s)
		return jdoc_error(x->doc, node, path, x->e, "%s '%s' not found (did you mean '%s'?)",
				  what, name, s);
	return jdoc_error(x->doc, node, path, x->e, "%s '%s' not found", what, name);
}

int scenario_find_node_ref(struct scenario_ctx *x, const cJSON *v, const char *path, int *out)
{
	const char **names;
	int n;

	if (!cJSON_IsString(v))
		return jdoc_error(x->doc, v, path, x->e, "expected a node name (a string)");
	n = scenario_index_find(x, v->valuestring);
	if (n >= 0) {
		*out = n;
		return 0;
	}
	names = ks_calloc((size_t)x->c->nnodes, sizeof *names);
	for (int i = 0; i < x->c->nnodes; i++)
		names[i] = x->c->nodes[i].name;
	scenario_ref_error(x, v, path, "node", v->valuestring, names, x->c->nnodes);
	ks_free(names);
	return -1;
}

/* A name: non-empty string of printable characters, at most 200 bytes. */
int scenario_read_name(struct scenario_ctx *x, const cJSON *obj, const char *path, const char *key,
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

int scenario_read_labels(struct scenario_ctx *x, const cJSON *obj, const char *path,
			 const char *key, struct labels *out)
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

int scenario_index_find(const struct scenario_ctx *x, const char *name)
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

void scenario_index_add(struct scenario_ctx *x, int id)
{
	struct name_index *ix = x->nodes_ix;

	if (2 * ((size_t)id + 1) > ix->cap) {
		size_t cap = ix->cap ? 2 * ix->cap : 64;

		ks_free(ix->slot);
		ix->slot = ks_calloc(cap, sizeof *ix->slot);
		ix->cap = cap;
		for (int k = 0; k < id; k++)
			scenario_index_add(x, k);
	}
	for (size_t i = fnv1a(x->c->nodes[id].name) & (ix->cap - 1);; i = (i + 1) & (ix->cap - 1))
		if (ix->slot[i] == 0) {
			ix->slot[i] = id + 1;
			return;
		}
}

/* A distribution: a bare number (constant) or {"dist": kind, params...}. */
int scenario_read_dist(struct scenario_ctx *x, const cJSON *obj, const char *path, const char *key,
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

static int read_output(struct scenario_ctx *x, const cJSON *root)
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

static int read_scenario(struct scenario_ctx *x, const char *path)
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
	if (scenario_read_nodes(x, root) < 0 || scenario_read_workloads(x, root) < 0)
		return -1;
	if (json_member(root, "loadBalancer") &&
	    scenario_read_lb(x, json_member(root, "loadBalancer"), "loadBalancer", &deflb) < 0)
		return -1;
	if (scenario_read_services(x, root, &deflb) < 0 || scenario_read_clients(x, root) < 0 ||
	    scenario_read_misc(x, root) < 0 || scenario_read_timeline(x, root) < 0 ||
	    read_output(x, root) < 0)
		return -1;
	return 0;
}

/* Build the cluster from a parsed document (consumed). */
static int load_doc(struct cluster **out, struct jdoc *doc, const char *path,
		    const char *const *sets, int nsets, struct err *e)
{
	struct name_index ix = { 0 };
	struct scenario_ctx x = { .e = e, .nodes_ix = &ix, .doc = doc };
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
		scenario_add_spares(x.c);
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
