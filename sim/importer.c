/* importer — Kubernetes objects as kubectl prints them into a scenario (see
 * importer.h).
 *
 * Every file is parsed by jdoc_load; its objects are sorted by (kind,
 * namespace, name) and repeats dropped, so one List, several files (one per
 * kind) or single objects give the same result. Pods are grouped by their
 * controlling owner (a ReplicaSet names its Deployment: its name less
 * "-<pod-template-hash>"); a workload is kept when a kept Service in its
 * namespace selects its labels. The requests of every other pod still on a
 * node become the node's allocated_cpu_m / allocated_memory_mi, so re-placing
 * the kept pods (remove `pin`) sees the room really left. Quantities follow
 * resource.Quantity: CPU rounds up to millicores as MilliValue does, memory
 * down to MiB, so whatever fitted still fits. */
#include "ktsim/importer.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ktsim/json.h"
#include "ktsim/mem.h"

#define ZONE_LABEL "topology.kubernetes.io/zone"
#define HOST_LABEL "kubernetes.io/hostname"
#define NS_LABEL "ktsim.io/namespace"
#define AWS_LB "service.beta.kubernetes.io/aws-load-balancer-"
#define NAME_MAX_ 320

enum gkind { GK_DEPLOYMENT, GK_DAEMONSET, GK_STATEFULSET, GK_OTHER };

struct kobj {
	const cJSON *o;
	const char *kind, *ns, *name;
	int file, item;               /* item: index in its List, -1 for a lone object */
};

struct knode {
	const struct kobj *k;
	const char *zone;
	long long cpu_m, mem_mi;      /* requested by pods left out of the scenario */
};

struct kpod {
	const struct kobj *k;
	char wl[NAME_MAX_];           /* the workload it belongs to */
	enum gkind kind;
	int node;                     /* index in nodes; -1 unscheduled, -2 not in the dump */
	int ready, done;              /* Running and Ready; Succeeded or Failed */
};

struct group {                        /* a workload: pods[first .. first + n), by name */
	int first, n, kept;
	enum gkind kind;
	char name[NAME_MAX_];         /* its name in the scenario */
};

struct ksvc {
	const struct kobj *k;
	char name[NAME_MAX_];
};

struct imp {
	const char *const *files;
	int nfiles, nobjs, nnodes, npods, ngroups, nsvcs;
	struct jdoc **docs;
	char (*list_kind)[64];        /* per file: "Pod" for a PodList, else "" */
	struct kobj *objs;
	struct knode *nodes;
	struct kpod *pods;
	struct group *groups;
	struct ksvc *svcs;
	int multi_ns, metallb;        /* metallb: 0 absent, 1 present (L2), 2 BGP */
	const char *cloud;            /* from providerIDs: "aws", "gce", "azure" or NULL */
	char dataplane[200];
	FILE *rep;
	struct err *e;
};

static void say(const struct imp *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const struct imp *m, const char *fmt, ...)
{
	va_list ap;

	if (m->rep == NULL)
		return;
	fputs("ktsim import: ", m->rep);
	va_start(ap, fmt);
	vfprintf(m->rep, fmt, ap);
	va_end(ap);
	fputc('\n', m->rep);
}

/* ---- Kubernetes quantities ---------------------------------------------- */

/* The quantity ("3920m", "4", "16331868Ki", "15Gi", "1G", "2e3") in `unit`s,
 * or -1 when absent or malformed. */
static double quantity(const cJSON *v, double unit)
{
	static const struct { const char *sfx; double mul; } SFX[] = {
		{ "", 1 }, { "n", 1e-9 }, { "u", 1e-6 }, { "m", 1e-3 }, { "k", 1e3 }, { "M", 1e6 },
		{ "G", 1e9 }, { "T", 1e12 }, { "P", 1e15 }, { "E", 1e18 }, { "Ki", 1024.0 },
		{ "Mi", 1048576.0 }, { "Gi", 1073741824.0 }, { "Ti", 1099511627776.0 },
		{ "Pi", 1125899906842624.0 }, { "Ei", 1152921504606846976.0 },
	};
	char num[64], *end;
	const char *s, *p;
	size_t n;
	long ex;

	if (cJSON_IsNumber(v))
		return v->valuedouble >= 0 ? v->valuedouble / unit : -1;
	if (!cJSON_IsString(v))
		return -1;
	s = v->valuestring + (v->valuestring[0] == '+');
	n = strspn(s, "0123456789.");
	if (n == 0 || n >= sizeof num || strspn(s, ".") == n || strchr(s, '.') != strrchr(s, '.'))
		return -1;
	snprintf(num, sizeof num, "%.*s", (int)n, s);
	p = s + n;
	for (size_t i = 0; i < sizeof SFX / sizeof SFX[0]; i++)
		if (strcmp(p, SFX[i].sfx) == 0)
			return strtod(num, NULL) * (SFX[i].mul / unit);
	if ((*p != 'e' && *p != 'E') || strspn(p + 1 + (p[1] == '-' || p[1] == '+'), "0123456789") == 0)
		return -1;
	ex = strtol(p + 1, &end, 10);
	return *end == '\0' && ex > -30 && ex < 30 ? strtod(num, NULL) * pow(10, (double)ex) / unit : -1;
}

/* Millicores rounded up, or MiB rounded down; 0 when absent or malformed. */
static long long cpu_m(const cJSON *v)
{
	double q = quantity(v, 1e-3);

	return q < 0 ? 0 : q > 1e9 ? 1000000000 : (long long)ceil(q - 1e-6);
}

static long long mem_mi(const cJSON *v)
{
	double q = quantity(v, 1048576.0);

	return q < 0 ? 0 : q > 1e9 ? 1000000000 : (long long)floor(q + 1e-6);
}

/* ---- object access ------------------------------------------------------ */

/* The value at a dotted path ("spec.nodeName"); keys there hold no dots. */
static const cJSON *get(const cJSON *o, const char *path)
{
	char key[64];

	while (o && *path) {
		size_t n = strcspn(path, ".");

		if (n >= sizeof key)
			return NULL;
		snprintf(key, sizeof key, "%.*s", (int)n, path);
		o = cJSON_GetObjectItemCaseSensitive(o, key);
		path += n + (path[n] == '.');
	}
	return o;
}

/* The string at path, or NULL. */
static const char *str(const cJSON *o, const char *path)
{
	return cJSON_GetStringValue(get(o, path));
}

/* The string member `key` (label keys hold dots) of the object at path. */
static const char *member(const cJSON *o, const char *path, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(get(o, path), key));
}

static int eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Add key: v when v is a non-empty string. */
static void add_str(cJSON *o, const char *key, const char *v)
{
	if (v && v[0])
		cJSON_AddStringToObject(o, key, v);
}

static int key_cmp(const void *a, const void *b)
{
	const struct kobj *x = a, *y = b;
	int c = strcmp(x->kind, y->kind);

	if (c == 0)
		c = strcmp(x->ns, y->ns);
	return c ? c : strcmp(x->name, y->name);
}

static int obj_cmp(const void *a, const void *b)
{
	const struct kobj *x = a, *y = b;
	int c = key_cmp(a, b);

	/* repeats keep file order, so the first copy wins */
	return c ? c : x->file != y->file ? x->file - y->file : x->item - y->item;
}

static const struct kobj *find(const struct imp *m, const char *kind, const char *ns,
			       const char *name)
{
	struct kobj key = { .kind = kind, .ns = ns, .name = name };

	return bsearch(&key, m->objs, (size_t)m->nobjs, sizeof key, key_cmp);
}

/* Objects of `kind` are objs[*first .. return value). */
static int kind_range(const struct imp *m, const char *kind, int *first)
{
	int i = 0;

	while (i < m->nobjs && strcmp(m->objs[i].kind, kind) < 0)
		i++;
	*first = i;
	while (i < m->nobjs && strcmp(m->objs[i].kind, kind) == 0)
		i++;
	return i;
}

/* "items[3].spec.nodeName" for an item, "spec.nodeName" for a lone object. */
static const char *obj_path(char *buf, size_t n, const struct kobj *k, const char *sub)
{
	char it[32];

	if (k->item < 0)
		return json_path_join(buf, n, "", sub);
	json_path_index(it, sizeof it, "items", k->item);
	return json_path_join(buf, n, sub[0] ? it : "", sub[0] ? sub : it);
}

static void files_list(const struct imp *m, char *buf, size_t n)
{
	buf[0] = '\0';
	for (int f = 0; f < m->nfiles && strlen(buf) + 1 < n; f++)
		snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", f ? ", " : "", m->files[f]);
}

/* ---- reading the dumps -------------------------------------------------- */

static int add_obj(struct imp *m, const cJSON *o, int f, int item)
{
	struct kobj k = { .o = o, .file = f, .item = item, .kind = str(o, "kind"),
			  .name = str(o, "metadata.name"), .ns = str(o, "metadata.namespace") };
	char p[64];

	if (k.kind == NULL && m->list_kind[f][0])
		k.kind = m->list_kind[f];
	if (k.kind == NULL || k.name == NULL)
		return jdoc_error(m->docs[f], o, obj_path(p, sizeof p, &k, ""), m->e,
				  "not a Kubernetes object: expected \"kind\" and \"metadata.name\"");
	k.ns = k.ns ? k.ns : "";
	m->objs[m->nobjs++] = k;
	return 0;
}

/* A List (kubectl), a typed list (PodList: items without kind) or one object. */
static int load(struct imp *m)
{
	for (int f = 0; f < m->nfiles; f++) {
		const cJSON *root, *items, *it;
		const char *kind;
		int i = 0;

		if (jdoc_load(&m->docs[f], m->files[f], m->e) < 0)
			return -1;
		root = jdoc_root(m->docs[f]);
		kind = str(root, "kind");
		items = get(root, "items");
		m->objs = ks_realloc(m->objs, (size_t)m->nobjs + (size_t)cJSON_GetArraySize(items) + 1,
				     sizeof *m->objs);
		if (kind && items) {
			size_t n = strlen(kind);

			if (!cJSON_IsArray(items))
				return jdoc_error(m->docs[f], items, "items", m->e,
						  "expected an array of Kubernetes objects");
			if (n > 4 && n < 68 && strcmp(kind + n - 4, "List") == 0)
				snprintf(m->list_kind[f], sizeof m->list_kind[f], "%.*s", (int)n - 4, kind);
			cJSON_ArrayForEach(it, items)
				if (add_obj(m, it, f, i++) < 0)
					return -1;
		} else if (kind == NULL || !get(root, "metadata") || add_obj(m, root, f, -1) < 0) {
			return err_is_set(m->e) ? -1 : jdoc_error(m->docs[f], root, "", m->e,
				"not a Kubernetes List or object (expected what `kubectl get ... -o json` prints: \"kind\" with \"items\" or \"metadata\")");
		}
	}
	qsort(m->objs, (size_t)m->nobjs, sizeof *m->objs, obj_cmp);
	return 0;
}

/* Drop repeats (one object in two files) and report what was read. */
static void census(struct imp *m)
{
	static const char *const KNOWN[] = { "Node", "Pod", "Service", "EndpointSlice", "Endpoints",
		"ConfigMap", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet", "Namespace",
		"BGPPeer", "BGPAdvertisement", "L2Advertisement", "IPAddressPool", NULL };
	char seen[600] = "", unknown[600] = "";
	int j = 0;

	for (int i = 0; i < m->nobjs; i++)
		if (j == 0 || key_cmp(&m->objs[i], &m->objs[j - 1]) != 0)
			m->objs[j++] = m->objs[i];
	m->nobjs = j;
	for (int i = 0, n; i < m->nobjs; i += n) {
		const char *const *k = KNOWN;
		char *to;

		for (n = 1; i + n < m->nobjs && strcmp(m->objs[i + n].kind, m->objs[i].kind) == 0; n++)
			;
		while (*k && strcmp(*k, m->objs[i].kind) != 0)
			k++;
		to = *k ? seen : unknown;
		if (strlen(to) < sizeof seen - 80)
			snprintf(to + strlen(to), sizeof seen - strlen(to), "%s%d %s", *to ? ", " : "", n,
				 m->objs[i].kind);
	}
	say(m, "read %s", seen);
	if (*unknown)
		say(m, "note: ignored objects of kinds ktsim does not use: %s", unknown);
}

static int node_cmp(const void *key, const void *n)
{
	return strcmp(key, ((const struct knode *)n)->k->name);
}

static int read_nodes(struct imp *m)
{
	int a, b = kind_range(m, "Node", &a);
	char files[256];

	files_list(m, files, sizeof files);
	if (a == b)
		return err_set(m->e, ERR_INPUT, files, 0, 0, NULL,
			       "no Node objects; dump them with the rest: kubectl get nodes,pods,services,endpointslices -A -o json");
	m->nnodes = b - a;
	m->nodes = ks_calloc((size_t)m->nnodes, sizeof *m->nodes);
	for (int i = 0; i < m->nnodes; i++) {
		struct knode *n = &m->nodes[i];
		const char *z = member(m->objs[a + i].o, "metadata.labels", ZONE_LABEL);
		const char *pid = str(m->objs[a + i].o, "spec.providerID");
		const cJSON *c;

		n->k = &m->objs[a + i];
		if (z == NULL || z[0] == '\0')
			z = member(n->k->o, "metadata.labels", "failure-domain.beta.kubernetes.io/zone");
		n->zone = z && z[0] ? z : "default";
		for (const char *const *cl = (const char *const[]){ "aws", "gce", "azure", NULL }; *cl; cl++)
			if (pid && strncmp(pid, *cl, strlen(*cl)) == 0 && strncmp(pid + strlen(*cl), "://", 3) == 0)
				m->cloud = *cl;
		cJSON_ArrayForEach(c, get(n->k->o, "status.conditions"))
			if (eq(str(c, "type"), "Ready") && !eq(str(c, "status"), "True"))
				say(m, "note: node %s is not Ready; ktsim treats every node as up", n->k->name);
	}
	return 0;
}

/* ---- pods and workloads ------------------------------------------------- */

/* Labels the controllers add per revision or per pod: not workload labels. */
static int hash_label(const char *k)
{
	return strcmp(k, "pod-template-hash") == 0 || strcmp(k, "controller-revision-hash") == 0 ||
	       strcmp(k, "statefulset.kubernetes.io/pod-name") == 0 ||
	       strcmp(k, "apps.kubernetes.io/pod-index") == 0 || strcmp(k, "pod-template-generation") == 0;
}

static int group_cmp(const struct kpod *x, const struct kpod *y)
{
	int c = strcmp(x->k->ns, y->k->ns);

	if (c == 0)
		c = strcmp(x->wl, y->wl);
	return c ? c : (int)x->kind - (int)y->kind;
}

static int pod_cmp(const void *a, const void *b)
{
	int c = group_cmp(a, b);

	return c ? c : strcmp(((const struct kpod *)a)->k->name, ((const struct kpod *)b)->k->name);
}

/* The workload a pod belongs to, from its controlling owner; a bare or
 * static (Node-owned) pod stands alone. */
static void pod_owner(struct kpod *p)
{
	const cJSON *r, *own = NULL;
	const char *kind, *name, *hash = member(p->k->o, "metadata.labels", "pod-template-hash");
	size_t n, h = hash ? strlen(hash) : 0;

	cJSON_ArrayForEach(r, get(p->k->o, "metadata.ownerReferences"))
		if (own == NULL || cJSON_IsTrue(get(r, "controller")))
			own = r;
	kind = str(own, "kind");
	name = str(own, "name");
	if (name == NULL || eq(kind, "Node"))
		name = p->k->name;
	p->kind = eq(kind, "ReplicaSet") ? GK_DEPLOYMENT : eq(kind, "DaemonSet") ? GK_DAEMONSET
		  : eq(kind, "StatefulSet") ? GK_STATEFULSET : GK_OTHER;
	snprintf(p->wl, sizeof p->wl, "%s", name);
	/* Deployment "web" owns ReplicaSet "web-<pod-template-hash>" */
	n = strlen(p->wl);
	if (p->kind == GK_DEPLOYMENT && h > 0 && n > h + 1 && p->wl[n - h - 1] == '-' &&
	    strcmp(p->wl + n - h, hash) == 0)
		p->wl[n - h - 1] = '\0';
}

static void read_pods(struct imp *m)
{
	int a, b = kind_range(m, "Pod", &a);

	m->npods = b - a;
	m->pods = ks_calloc((size_t)m->npods + 1, sizeof *m->pods);
	for (int i = 0; i < m->npods; i++) {
		struct kpod *p = &m->pods[i];
		const char *node = str(m->objs[a + i].o, "spec.nodeName");
		const char *phase = str(m->objs[a + i].o, "status.phase");
		const struct knode *kn = node ? bsearch(node, m->nodes, (size_t)m->nnodes,
							sizeof *m->nodes, node_cmp) : NULL;
		const cJSON *c;

		p->k = &m->objs[a + i];
		p->node = kn ? (int)(kn - m->nodes) : node && node[0] ? -2 : -1;
		p->done = eq(phase, "Succeeded") || eq(phase, "Failed");
		cJSON_ArrayForEach(c, get(p->k->o, "status.conditions"))
			if (eq(str(c, "type"), "Ready") && eq(str(c, "status"), "True"))
				p->ready = eq(phase, "Running") && p->node != -1 &&
					   get(p->k->o, "metadata.deletionTimestamp") == NULL;
		pod_owner(p);
	}
	qsort(m->pods, (size_t)m->npods, sizeof *m->pods, pod_cmp);
	m->groups = ks_calloc((size_t)m->npods + 1, sizeof *m->groups);
	for (int i = 0; i < m->npods; i++) {
		if (i > 0 && group_cmp(&m->pods[i - 1], &m->pods[i]) == 0)
			m->groups[m->ngroups - 1].n++;
		else
			m->groups[m->ngroups++] = (struct group){ .first = i, .n = 1,
								  .kind = m->pods[i].kind };
	}
}

/* Every pair of the selector is among the (non-hash) labels. */
static int selects(const cJSON *sel, const cJSON *labels)
{
	const cJSON *s;

	cJSON_ArrayForEach(s, sel)
		if (hash_label(s->string) || !eq(cJSON_GetStringValue(s), member(labels, "", s->string)))
			return 0;
	return cJSON_GetArraySize(sel) > 0;
}

/* A pod's requests: its containers summed, or its largest init container. */
static void pod_requests(const cJSON *pod, long long *cpu, long long *mem)
{
	const cJSON *c;
	long long ic = 0, im = 0;

	*cpu = *mem = 0;
	cJSON_ArrayForEach(c, get(pod, "spec.containers")) {
		*cpu += cpu_m(get(c, "resources.requests.cpu"));
		*mem += mem_mi(get(c, "resources.requests.memory"));
	}
	cJSON_ArrayForEach(c, get(pod, "spec.initContainers")) {
		long long x = cpu_m(get(c, "resources.requests.cpu"));
		long long y = mem_mi(get(c, "resources.requests.memory"));

		ic = x > ic ? x : ic;
		im = y > im ? y : im;
	}
	*cpu = ic > *cpu ? ic : *cpu;
	*mem = im > *mem ? im : *mem;
}

/* ---- Services ----------------------------------------------------------- */

static const char *svc_type(const struct kobj *k)
{
	const char *t = str(k->o, "spec.type");

	return t ? t : "ClusterIP";
}

/* Keep Service k unless it is kept already or has no pods to select. */
static void keep_service(struct imp *m, const struct kobj *k)
{
	for (int j = 0; j < m->nsvcs; j++)
		if (m->svcs[j].k == k)
			return;
	if (eq(svc_type(k), "ExternalName") || cJSON_GetArraySize(get(k->o, "spec.selector")) == 0)
		say(m, "note: Service %s/%s has no selector (an ExternalName or hand-made endpoints): left out",
		    k->ns, k->name);
	else
		m->svcs[m->nsvcs++].k = k;
}

static int select_services(struct imp *m, const struct importer_opts *o)
{
	int a, b = kind_range(m, "Service", &a);
	char found[400] = "", files[256];

	m->svcs = ks_calloc((size_t)(b - a) + 1, sizeof *m->svcs);
	for (int i = 0; i < o->nservices; i++) {
		const char *want = o->services[i], *slash = strchr(want, '/'), *name = slash ? slash + 1 : want;
		char ns[256];
		const struct kobj *k;

		snprintf(ns, sizeof ns, "%.*s", slash ? (int)(slash - want) : 7, slash ? want : "default");
		if ((k = find(m, "Service", ns, name)) == NULL)
			return err_set(m->e, ERR_INPUT, NULL, 0, 0, "--service",
				       "Service %s/%s is not in the dump (%d Services read)", ns, name, b - a);
		keep_service(m, k);
	}
	for (int i = a; o->nservices == 0 && i < b; i++)
		if (eq(svc_type(&m->objs[i]), "LoadBalancer") || eq(svc_type(&m->objs[i]), "NodePort"))
			keep_service(m, &m->objs[i]);
	if (m->nsvcs > 0)
		return 0;
	for (int i = a; i < b && i < a + 8; i++)
		snprintf(found + strlen(found), sizeof found - strlen(found), "%s%s/%s %s", i > a ? ", " : "",
			 m->objs[i].ns, m->objs[i].name, svc_type(&m->objs[i]));
	files_list(m, files, sizeof files);
	return err_set(m->e, ERR_INPUT, files, 0, 0, NULL,
		       "no Service to model: %s (found %d Service%s%s%s%s); choose one with --service NAMESPACE/NAME",
		       o->nservices ? "none of the chosen ones has a selector"
				    : "none of type LoadBalancer or NodePort with a selector",
		       b - a, b - a == 1 ? "" : "s", b > a ? ": " : "", found, b - a > 8 ? ", ..." : "");
}

/* Keep the workloads a kept Service selects and name them (the namespace
 * prefixed only when two kept ones share a name, the kind suffixed when
 * they share that too); add every other pod's requests to its node. */
static int keep_workloads(struct imp *m)
{
	static const char *const KIND[] = { "-deployment", "-daemonset", "-statefulset", "-pod" };

	for (int i = 0; i < m->nsvcs; i++) {
		const struct kobj *k = m->svcs[i].k;
		int clash = 0;

		for (int j = 0; j < m->nsvcs; j++) {
			clash |= j != i && strcmp(m->svcs[j].k->name, k->name) == 0;
			m->multi_ns |= strcmp(m->svcs[j].k->ns, k->ns) != 0;
		}
		snprintf(m->svcs[i].name, NAME_MAX_, "%s%s%s", clash ? k->ns : "", clash ? "/" : "", k->name);
	}
	for (int g = 0; g < m->ngroups; g++)
		for (int i = 0; i < m->nsvcs && !m->groups[g].kept; i++)
			m->groups[g].kept = strcmp(m->svcs[i].k->ns, m->pods[m->groups[g].first].k->ns) == 0 &&
					    selects(get(m->svcs[i].k->o, "spec.selector"),
						    get(m->pods[m->groups[g].first].k->o, "metadata.labels"));
	for (int g = 0; g < m->ngroups; g++) {
		struct group *G = &m->groups[g];
		const struct kpod *p0 = &m->pods[G->first];
		int clash = 0, twin = 0;

		for (int h = 0; h < m->ngroups && G->kept; h++) {
			const struct kpod *q = &m->pods[m->groups[h].first];

			if (h != g && m->groups[h].kept && strcmp(q->wl, p0->wl) == 0) {
				clash = 1;
				twin |= strcmp(q->k->ns, p0->k->ns) == 0;
			}
		}
		snprintf(G->name, NAME_MAX_, "%s%s%.256s%s", clash ? p0->k->ns : "", clash ? "/" : "",
			 p0->wl, twin ? KIND[G->kind] : "");
		for (const struct kpod *p = p0; p < p0 + G->n; p++) {
			long long c, mem;
			char q[80];

			if (G->kept && p->node == -2)
				return jdoc_error(m->docs[p->k->file], get(p->k->o, "spec.nodeName"),
						  obj_path(q, sizeof q, p->k, "spec.nodeName"), m->e,
						  "pod %s/%s runs on node '%s', which is not in the dump", p->k->ns,
						  p->k->name, str(p->k->o, "spec.nodeName"));
			if (p->node < 0 || p->done || (G->kept && p->ready))
				continue;
			pod_requests(p->k->o, &c, &mem);
			m->nodes[p->node].cpu_m += c;
			m->nodes[p->node].mem_mi += mem;
		}
	}
	return 0;
}

/* ---- scenario pieces ---------------------------------------------------- */

static int kv_cmp(const void *a, const void *b)
{
	return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

/* A sorted copy of a {key: "value"} object less the keys `skip` refuses;
 * with ns, plus the label that keeps namespaces apart. */
static cJSON *labels_json(const cJSON *src, int (*skip)(const char *), const char *ns)
{
	const cJSON **kv = ks_calloc((size_t)cJSON_GetArraySize(src) + 1, sizeof *kv), *it;
	cJSON *o = cJSON_CreateObject();
	int k = 0;

	cJSON_ArrayForEach(it, src)
		if (cJSON_IsString(it) && !(skip && skip(it->string)))
			kv[k++] = it;
	qsort(kv, (size_t)k, sizeof *kv, kv_cmp);
	for (int i = 0; i < k; i++)
		cJSON_AddStringToObject(o, kv[i]->string, kv[i]->valuestring);
	add_str(o, NS_LABEL, ns);
	ks_free(kv);
	return o;
}

/* The loader gives every node these two itself. */
static int node_own_label(const char *k)
{
	return strcmp(k, HOST_LABEL) == 0 || strcmp(k, ZONE_LABEL) == 0;
}

static int is_effect(const char *e)
{
	return eq(e, "NoSchedule") || eq(e, "PreferNoSchedule") || eq(e, "NoExecute");
}

static cJSON *node_json(const struct knode *n)
{
	const cJSON *t, *al = get(n->k->o, "status.allocatable");
	cJSON *j = cJSON_CreateObject(), *taints = cJSON_CreateArray();
	const double v[] = { (double)cpu_m(get(al, "cpu")), (double)mem_mi(get(al, "memory")),
		fmin(floor(quantity(get(al, "pods"), 1)), 100000), (double)n->cpu_m, (double)n->mem_mi };
	static const char *const K[] = { "cpu_m", "memory_mi", "max_pods", "allocated_cpu_m",
		"allocated_memory_mi" };

	cJSON_AddStringToObject(j, "name", n->k->name);
	cJSON_AddStringToObject(j, "zone", n->zone);
	for (int i = 0; i < 5; i++)
		if (v[i] >= 1)
			cJSON_AddNumberToObject(j, K[i], v[i]);
	cJSON_AddItemToObject(j, "labels",
			      labels_json(get(n->k->o, "metadata.labels"), node_own_label, NULL));
	cJSON_ArrayForEach(t, get(n->k->o, "spec.taints")) {
		cJSON *x = cJSON_CreateObject();

		add_str(x, "key", str(t, "key"));
		add_str(x, "value", str(t, "value"));
		add_str(x, "effect", str(t, "effect"));
		if (str(t, "key") && is_effect(str(t, "effect")))
			cJSON_AddItemToArray(taints, x);
		else
			cJSON_Delete(x);
	}
	if (cJSON_GetArraySize(taints))
		cJSON_AddItemToObject(j, "taints", taints);
	else
		cJSON_Delete(taints);
	return j;
}

/* A labelSelector as matchLabels: a single-value `In` expression is the same
 * thing; other expressions are reported and dropped. NULL when empty. */
static cJSON *selector_json(const struct imp *m, const char *who, const cJSON *sel, const char *ns)
{
	cJSON *all = labels_json(get(sel, "matchLabels"), NULL, NULL), *o = NULL;
	const cJSON *x;

	cJSON_ArrayForEach(x, get(sel, "matchExpressions")) {
		const cJSON *v = get(x, "values");
		const char *k = str(x, "key"), *op = str(x, "operator");

		if (eq(op, "In") && cJSON_GetArraySize(v) == 1 && cJSON_IsString(v->child) && k &&
		    !cJSON_GetObjectItemCaseSensitive(all, k))
			cJSON_AddStringToObject(all, k, v->child->valuestring);
		else
			say(m, "note: %s: labelSelector expression on '%s' (%s) not modelled: dropped", who,
			    k ? k : "?", op ? op : "?");
	}
	if (cJSON_GetArraySize(all) > 0)
		o = labels_json(all, NULL, ns);
	cJSON_Delete(all);
	return o;
}

/* podAntiAffinity / podAffinity: the first required term, else the first
 * preferred one. */
static cJSON *affinity_json(const struct imp *m, const char *who, const cJSON *aff, const char *ns)
{
	const cJSON *req = get(aff, "requiredDuringSchedulingIgnoredDuringExecution");
	const cJSON *pref = get(aff, "preferredDuringSchedulingIgnoredDuringExecution");
	const cJSON *term = cJSON_GetArrayItem(req, 0), *w = get(cJSON_GetArrayItem(pref, 0), "weight");
	int required = term != NULL;
	cJSON *o, *sel;

	if (!required && (term = get(cJSON_GetArrayItem(pref, 0), "podAffinityTerm")) == NULL)
		return NULL;
	if (cJSON_GetArraySize(req) + cJSON_GetArraySize(pref) > 1)
		say(m, "note: %s: %d (anti-)affinity terms; only the first %s one is kept", who,
		    cJSON_GetArraySize(req) + cJSON_GetArraySize(pref), required ? "required" : "preferred");
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", required ? "required" : "preferred");
	if (!required && cJSON_IsNumber(w))
		cJSON_AddNumberToObject(o, "weight", fmin(100, fmax(1, w->valuedouble)));
	add_str(o, "topologyKey", str(term, "topologyKey"));
	if ((sel = selector_json(m, who, get(term, "labelSelector"), ns)) != NULL)
		cJSON_AddItemToObject(o, "labelSelector", sel);
	return o;
}

static cJSON *tolerations_json(const cJSON *tols)
{
	static const char *const K[] = { "key", "operator", "value", "effect" };
	cJSON *arr = cJSON_CreateArray();
	const cJSON *t;

	cJSON_ArrayForEach(t, tols) {
		cJSON *x = cJSON_CreateObject();

		for (int i = 0; i < 4; i++)
			add_str(x, K[i], str(t, K[i]));
		if (!str(t, "effect") || !str(t, "effect")[0] || is_effect(str(t, "effect")))
			cJSON_AddItemToArray(arr, x);
		else
			cJSON_Delete(x);
	}
	return arr;
}

/* Toleration t tolerates taint x: its effect and key are empty (any) or
 * equal, and it is Exists or the values are equal (core/v1 ToleratesTaint). */
static int tolerates(const cJSON *t, const cJSON *x)
{
	const char *e = str(t, "effect"), *k = str(t, "key"), *v = str(t, "value"), *xv = str(x, "value");

	return (!e || !*e || eq(e, str(x, "effect"))) && (!k || !*k || eq(k, str(x, "key"))) &&
	       (eq(str(t, "operator"), "Exists") || strcmp(v ? v : "", xv ? xv : "") == 0);
}

/* Would the scenario's DaemonSet run a pod on node n? placement.c filters
 * by nodeSelector (against the labels the scenario gives the node) and by
 * NoSchedule/NoExecute taints against the pod's tolerations. */
static int ds_eligible(const struct knode *n, const cJSON *spec)
{
	const cJSON *s, *x, *t;

	cJSON_ArrayForEach(s, get(spec, "nodeSelector"))
		if (!eq(s->valuestring, strcmp(s->string, HOST_LABEL) == 0 ? n->k->name
			: strcmp(s->string, ZONE_LABEL) == 0 ? n->zone
			: member(n->k->o, "metadata.labels", s->string)))
			return 0;
	cJSON_ArrayForEach(x, get(n->k->o, "spec.taints")) {
		int ok = eq(str(x, "effect"), "PreferNoSchedule") || !is_effect(str(x, "effect"));

		cJSON_ArrayForEach(t, get(spec, "tolerations"))
			ok |= tolerates(t, x);
		if (!ok)
			return 0;
	}
	return 1;
}

/* A DaemonSet stays one when its ready pods sit on exactly the nodes the
 * scenario's DaemonSet would pick, one each. */
static int whole_daemonset(const struct imp *m, const struct group *g, const cJSON *spec)
{
	char *on = ks_calloc((size_t)m->nnodes, 1);
	int ok = 1;

	for (int i = g->first; i < g->first + g->n; i++)
		if (m->pods[i].ready)
			ok &= on[m->pods[i].node]++ == 0;
	for (int n = 0; n < m->nnodes && ok; n++)
		ok = on[n] == ds_eligible(&m->nodes[n], spec);
	ks_free(on);
	return ok;
}

static cJSON *spread_json(const struct imp *m, const char *who, const cJSON *c, const char *ns)
{
	cJSON *t = cJSON_CreateObject(), *sel;
	const cJSON *skew = get(c, "maxSkew");

	cJSON_AddNumberToObject(t, "maxSkew", cJSON_IsNumber(skew) ? fmax(1, skew->valuedouble) : 1);
	cJSON_AddStringToObject(t, "topologyKey", str(c, "topologyKey") ? str(c, "topologyKey")
						     : HOST_LABEL);
	if (eq(str(c, "whenUnsatisfiable"), "ScheduleAnyway"))
		cJSON_AddStringToObject(t, "whenUnsatisfiable", "ScheduleAnyway");
	if ((sel = selector_json(m, who, get(c, "labelSelector"), ns)) != NULL)
		cJSON_AddItemToObject(t, "labelSelector", sel);
	return t;
}

static cJSON *workload_json(const struct imp *m, const struct group *g)
{
	const struct kpod *p0 = &m->pods[g->first];
	const cJSON *spec = get(p0->k->o, "spec"), *c;
	const char *ns = m->multi_ns ? p0->k->ns : NULL;
	cJSON *o = cJSON_CreateObject(), *pin = cJSON_CreateArray(), *x;
	char who[400], left[300] = "";
	int ready = 0, ds = g->kind == GK_DAEMONSET && whole_daemonset(m, g, spec);
	long long cpu, mem;

	snprintf(who, sizeof who, "workload %s", g->name);
	for (const struct kpod *p = p0; p < p0 + g->n; p++) {
		if (p->ready)
			cJSON_AddItemToArray(pin, cJSON_CreateString(m->nodes[p->node].k->name));
		else if (!p->done && strlen(left) < sizeof left - 80)
			snprintf(left + strlen(left), sizeof left - strlen(left), "%s%s %s", left[0] ? ", " : "",
				 p->k->name, p->node == -1 ? "(Pending)" : "(not ready)");
		ready += p->ready;
	}
	if (left[0])
		say(m, "note: %s: left out of pin and replicas (the scenario has no not-ready pods yet): %s",
		    who, left);
	if (g->kind == GK_DAEMONSET && !ds)
		say(m, "note: %s: DaemonSet ready on %d nodes, not on exactly the nodes its nodeSelector and tolerations allow: written as a pinned Deployment-kind workload",
		    who, ready);
	cJSON_AddStringToObject(o, "kind", ds ? "DaemonSet" : "Deployment");
	cJSON_AddStringToObject(o, "name", g->name);
	if (!ds)
		cJSON_AddNumberToObject(o, "replicas", ready);
	cJSON_AddItemToObject(o, "labels", labels_json(get(p0->k->o, "metadata.labels"), hash_label, ns));
	if (!ds && ready)
		cJSON_AddItemToObject(o, "pin", pin);
	else
		cJSON_Delete(pin);
	if (cJSON_GetArraySize(get(spec, "nodeSelector")))
		cJSON_AddItemToObject(o, "nodeSelector", labels_json(get(spec, "nodeSelector"), NULL, NULL));
	if (cJSON_GetArraySize(get(spec, "tolerations")))
		cJSON_AddItemToObject(o, "tolerations", tolerations_json(get(spec, "tolerations")));
	pod_requests(p0->k->o, &cpu, &mem);
	if (cpu || mem) {
		x = cJSON_AddObjectToObject(o, "requests");
		cJSON_AddNumberToObject(x, "cpu_m", (double)cpu);
		cJSON_AddNumberToObject(x, "memory_mi", (double)mem);
	}
	c = get(spec, "terminationGracePeriodSeconds");
	if (cJSON_IsNumber(c) && c->valuedouble >= 0 && c->valuedouble <= 86400)
		cJSON_AddNumberToObject(o, "terminationGracePeriod_s", c->valuedouble);
	if ((x = affinity_json(m, who, get(spec, "affinity.podAntiAffinity"), ns)) != NULL)
		cJSON_AddItemToObject(o, "podAntiAffinity", x);
	if ((x = affinity_json(m, who, get(spec, "affinity.podAffinity"), ns)) != NULL)
		cJSON_AddItemToObject(o, "podAffinity", x);
	if (get(spec, "affinity.nodeAffinity") && g->kind != GK_DAEMONSET)
		say(m, "note: %s: nodeAffinity not modelled (the pins hold; re-placement ignores it)", who);
	if (cJSON_GetArraySize(get(spec, "topologySpreadConstraints")) == 0)
		return o;
	x = cJSON_AddArrayToObject(o, "topologySpreadConstraints");
	cJSON_ArrayForEach(c, get(spec, "topologySpreadConstraints"))
		cJSON_AddItemToArray(x, spread_json(m, who, c, ns));
	return o;
}

/* ---- Services and their load balancers ---------------------------------- */

static const char *ann(const struct ksvc *s, const char *key)
{
	return member(s->k->o, "metadata.annotations", key);
}

/* The external LB's mode, from the Service's annotations and the cluster:
 * GKE and TKE weighted, TKE nodes-with-pods, AWS NLB (zonal; *cross set),
 * MetalLB, Azure, else even; why (n bytes) says which and whether assumed. */
static const char *lb_mode(const struct imp *m, const struct ksvc *s, char *why, size_t n,
			   int *cross)
{
	static const struct { const char *key, *value, *mode; } RULES[] = {
		{ "networking.gke.io/weighted-load-balancing", "pods-per-node", "weighted" },
		{ "service.cloud.tencent.com/local-svc-weighted-balance", "true", "weighted" },
		{ "service.kubernetes.io/local-svc-only-bind-node-with-pod", "true", "only-nodes-with-pods" },
	};
	const char *t = ann(s, AWS_LB "type"), *attrs = ann(s, AWS_LB "attributes");
	int metallb = m->metallb;
	const cJSON *a;

	if (!eq(svc_type(s->k), "LoadBalancer")) {
		snprintf(why, n, "assumed: clients spread evenly over the nodes' NodePorts");
		return "even";
	}
	for (size_t i = 0; i < sizeof RULES / sizeof RULES[0]; i++)
		if (eq(ann(s, RULES[i].key), RULES[i].value)) {
			snprintf(why, n, "%s: %s", RULES[i].key, RULES[i].value);
			return RULES[i].mode;
		}
	if (eq(t, "nlb") || eq(t, "nlb-ip") || eq(t, "external")) {
		*cross = eq(ann(s, AWS_LB "cross-zone-load-balancing-enabled"), "true") ||
			 (attrs && strstr(attrs, "load_balancing.cross_zone.enabled=true"));
		snprintf(why, n, "AWS NLB, %stype: %s; cross-zone %s", AWS_LB, t,
			 *cross ? "on" : "off, the NLB default");
		if (eq(t, "nlb-ip") || eq(ann(s, AWS_LB "nlb-target-type"), "ip"))
			say(m, "note: service %s: NLB IP targets reach pods directly, bypassing nodes; not modelled: written as instance targets",
			    s->name);
		return "zonal";
	}
	cJSON_ArrayForEach(a, get(s->k->o, "metadata.annotations"))
		if (strncmp(a->string, "metallb.universe.tf/", 20) == 0 ||
		    strncmp(a->string, "metallb.io/", 11) == 0)
			metallb = metallb ? metallb : 1;
	if (metallb) {
		snprintf(why, n, "MetalLB %s", metallb == 2 ? "BGP: BGPPeer/BGPAdvertisement in the dump"
			 : "L2, assumed: no BGPPeer or BGPAdvertisement in the dump");
		return metallb == 2 ? "bgp" : "l2";
	}
	if (eq(m->cloud, "azure")) {
		snprintf(why, n, "Azure Load Balancer (providerID azure://): 5-tuple hash");
		return "hash";
	}
	snprintf(why, n, "assumed: no recognised LB annotation%s%s, an even cloud LB",
		 m->cloud ? "; cloud " : "", m->cloud ? m->cloud : "");
	return "even";
}

/* The health-check preset of the cloud LB in front of s, or NULL. */
static const char *hc_preset(const struct imp *m, const struct ksvc *s, const char *mode)
{
	if (eq(mode, "zonal"))
		return eq(ann(s, AWS_LB "type"), "nlb") ? "aws-nlb" : "aws-lbc-nlb";
	if (ann(s, "networking.gke.io/weighted-load-balancing") ||
	    eq(ann(s, "cloud.google.com/l4-rbs"), "enabled"))
		return "gke-l4";
	if (eq(m->cloud, "aws") && eq(mode, "even"))
		return "aws-elb";
	return eq(m->cloud, "gce") ? "gcp" : eq(m->cloud, "azure") ? "azure" : NULL;
}

static cJSON *lb_json(const struct imp *m, const struct ksvc *s, int local)
{
	cJSON *o = cJSON_CreateObject(), *hc;
	char why[300];
	int cross = -1;
	const char *mode = lb_mode(m, s, why, sizeof why, &cross), *preset = hc_preset(m, s, mode);

	cJSON_AddStringToObject(o, "mode", mode);
	if (cross >= 0)
		cJSON_AddBoolToObject(o, "cross_zone", cross);
	/* cloud LBs probe healthCheckNodePort, which fails without a local
	 * endpoint; MetalLB announces only from such nodes instead */
	if (local && eq(svc_type(s->k), "LoadBalancer") && !eq(mode, "l2") && !eq(mode, "bgp")) {
		hc = cJSON_AddObjectToObject(o, "healthCheck");
		add_str(hc, "preset", preset);
		snprintf(why + strlen(why), sizeof why - strlen(why),
			 "; healthCheck on healthCheckNodePort%s%s", preset ? ", preset " : "",
			 preset ? preset : "");
	}
	say(m, "service %s: loadBalancer %s (%s)", s->name, mode, why);
	return o;
}

static cJSON *service_json(const struct imp *m, const struct ksvc *s)
{
	const cJSON *spec = get(s->k->o, "spec"), *to;
	const char *type = svc_type(s->k), *td = str(spec, "trafficDistribution");
	const char *itp = str(spec, "internalTrafficPolicy");
	cJSON *o = cJSON_CreateObject();
	int local = eq(str(spec, "externalTrafficPolicy"), "Local");
	int aff = eq(str(spec, "sessionAffinity"), "ClientIP");
	int headless = eq(str(spec, "clusterIP"), "None");

	cJSON_AddStringToObject(o, "name", s->name);
	cJSON_AddStringToObject(o, "type", type);
	cJSON_AddItemToObject(o, "selector",
			      labels_json(get(spec, "selector"), NULL, m->multi_ns ? s->k->ns : NULL));
	if (!eq(type, "ClusterIP"))
		cJSON_AddStringToObject(o, "externalTrafficPolicy", local ? "Local" : "Cluster");
	if (eq(itp, "Local") || eq(itp, "Cluster"))
		cJSON_AddStringToObject(o, "internalTrafficPolicy", itp);
	if (eq(td, "PreferClose") || eq(td, "PreferSameZone") || eq(td, "PreferSameNode"))
		cJSON_AddStringToObject(o, "trafficDistribution", td);
	else if (td)
		say(m, "note: service %s: trafficDistribution %s not modelled: left out", s->name, td);
	if (aff)
		cJSON_AddStringToObject(o, "sessionAffinity", "ClientIP");
	to = get(spec, "sessionAffinityConfig.clientIP.timeoutSeconds");
	if (aff && cJSON_IsNumber(to) && to->valuedouble >= 1 && to->valuedouble <= 86400)
		cJSON_AddNumberToObject(o, "sessionAffinityTimeoutSeconds", to->valuedouble);
	if (eq(type, "ClusterIP") && headless)
		cJSON_AddStringToObject(o, "clusterIP", "None");
	say(m, "service %s: %s, externalTrafficPolicy %s%s%s", s->name, type, local ? "Local" : "Cluster",
	    aff ? ", sessionAffinity ClientIP" : "", headless ? ", headless" : "");
	if (cJSON_IsNumber(get(spec, "healthCheckNodePort")))
		say(m, "note: service %s: healthCheckNodePort %d recognised, not yet modelled as a key (the LB's probe is loadBalancer.healthCheck)",
		    s->name, get(spec, "healthCheckNodePort")->valueint);
	if (!eq(type, "ClusterIP"))
		cJSON_AddItemToObject(o, "loadBalancer", lb_json(m, s, local));
	return o;
}

/* ---- data plane --------------------------------------------------------- */

/* The value of `key:` in a plain YAML text, at the top level or indented
 * under the top-level `section:`; quotes stripped. 1 when found. */
static int yaml_value(const char *text, const char *section, const char *key, char *buf, size_t n)
{
	size_t k = strlen(key), sl = section ? strlen(section) : 0;
	int in = section == NULL;

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		size_t ind = strspn(l, " ");
		const char *v = l + ind + k + 1;

		if (ind == 0 && section)
			in = strncmp(l, section, sl) == 0 && l[sl] == ':';
		if (!in || (ind == 0) != (section == NULL) || strncmp(l + ind, key, k) != 0 || l[ind + k] != ':')
			continue;
		v += strspn(v, " \t\"'");
		snprintf(buf, n, "%.*s", (int)strcspn(v, "\"' \t\r\n#"), v);
		return 1;
	}
	return 0;
}

/* A kube-system DaemonSet (the object or its pods) or static pods `name`-*. */
static int has_daemon(const struct imp *m, const char *name)
{
	size_t n = strlen(name);

	for (int g = 0; g < m->ngroups; g++) {
		const struct kpod *p = &m->pods[m->groups[g].first];

		if (strcmp(p->k->ns, "kube-system") == 0 && (strcmp(p->wl, name) == 0 ||
		    (p->kind == GK_OTHER && strncmp(p->wl, name, n) == 0 && p->wl[n] == '-')))
			return 1;
	}
	return find(m, "DaemonSet", "kube-system", name) != NULL;
}

/* Cilium replacing kube-proxy: eBPF with its forwarding mode and Maglev. */
static cJSON *cilium_json(struct imp *m, const struct kobj *cc, const char *kpr)
{
	static const int MAGLEV[] = { 251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071 };
	const char *v = cc ? member(cc->o, "data", "bpf-lb-mode") : NULL, *size;
	cJSON *o = cJSON_CreateObject();

	v = v ? v : cc ? member(cc->o, "data", "loadBalancer.mode") : NULL;
	if (v && !eq(v, "snat") && !eq(v, "dsr") && !eq(v, "hybrid")) {
		say(m, "note: cilium-config bpf-lb-mode %s not modelled: snat assumed", v);
		v = NULL;
	}
	cJSON_AddStringToObject(o, "mode", "ebpf");
	cJSON_AddStringToObject(o, "snat", v ? v : "snat");
	snprintf(m->dataplane, sizeof m->dataplane, "Cilium kube-proxy replacement, %s%s",
		 v ? v : "snat", v ? "" : " (assumed)");
	say(m, "recognised: data plane Cilium eBPF replacing kube-proxy (%s), forwarding %s%s",
	    kpr ? "cilium-config kube-proxy-replacement" : "assumed: Cilium and no kube-proxy in the dump",
	    v ? v : "snat", v ? " (cilium-config bpf-lb-mode)" : " (assumed: Cilium's default)");
	if (cc && eq(member(cc->o, "data", "bpf-lb-algorithm"), "maglev")) {
		cJSON_AddStringToObject(o, "lb_algorithm", "maglev");
		size = member(cc->o, "data", "bpf-lb-maglev-table-size");
		for (size_t i = 0; size && i < sizeof MAGLEV / sizeof MAGLEV[0]; i++)
			if (atoi(size) == MAGLEV[i])
				cJSON_AddNumberToObject(o, "maglev_table_size", MAGLEV[i]);
		say(m, "recognised: Cilium Maglev backend selection (cilium-config bpf-lb-algorithm)");
	}
	return o;
}

static cJSON *proxy_json(struct imp *m)
{
	static const char *const SCHED[] = { "rr", "wrr", "lc", "wlc", "sh", "dh", "sed", "nq", "mh",
		NULL };
	const struct kobj *cc = find(m, "ConfigMap", "kube-system", "cilium-config");
	const struct kobj *kc = find(m, "ConfigMap", "kube-system", "kube-proxy");
	const char *kpr = cc ? member(cc->o, "data", "kube-proxy-replacement") : NULL, *conf;
	const char *const *s = SCHED;
	cJSON *o;
	char mode[32] = "", sched[32] = "";

	kc = kc ? kc : find(m, "ConfigMap", "kube-system", "kube-proxy-config"); /* EKS */
	if ((cc || has_daemon(m, "cilium")) &&
	    (kpr ? !eq(kpr, "false") && !eq(kpr, "disabled") : !kc && !has_daemon(m, "kube-proxy")))
		return cilium_json(m, cc, kpr);
	conf = kc ? member(kc->o, "data", "config.conf") : NULL;
	conf = conf ? conf : kc ? member(kc->o, "data", "config") : NULL;
	if (conf && yaml_value(conf, NULL, "mode", mode, sizeof mode) && mode[0] == '\0')
		snprintf(mode, sizeof mode, "iptables"); /* kube-proxy's default on Linux */
	o = cJSON_CreateObject();
	if (!eq(mode, "iptables") && !eq(mode, "ipvs") && !eq(mode, "nftables")) {
		say(m, "assumed: data plane kube-proxy iptables (%s%s%s)",
		    kc ? "its ConfigMap names no mode ktsim models" : "no kube-proxy ConfigMap in the dump",
		    mode[0] ? ": " : "", mode);
		snprintf(m->dataplane, sizeof m->dataplane, "kube-proxy iptables (assumed)");
		cJSON_AddStringToObject(o, "mode", "iptables");
		return o;
	}
	cJSON_AddStringToObject(o, "mode", mode);
	if (eq(mode, "ipvs")) {
		yaml_value(conf, "ipvs", "scheduler", sched, sizeof sched);
		while (*s && strcmp(*s, sched) != 0)
			s++;
		if (*s == NULL && sched[0])
			say(m, "note: IPVS scheduler %s not modelled: rr assumed", sched);
		snprintf(sched, sizeof sched, "%s", *s ? *s : "rr");
		cJSON_AddStringToObject(o, "ipvs_scheduler", sched);
	}
	snprintf(m->dataplane, sizeof m->dataplane, "kube-proxy %s%s%s", mode, sched[0] ? " " : "", sched);
	say(m, "recognised: data plane %s (ConfigMap kube-system/%s)", m->dataplane, kc->name);
	return o;
}

/* ---- the scenario ------------------------------------------------------- */

static cJSON *client_json(const struct imp *m, const struct ksvc *s, double rate)
{
	cJSON *o = cJSON_CreateObject(), *a;
	char name[NAME_MAX_ + 40];

	snprintf(name, sizeof name, "%s%s%s", rate > 0 ? "" : IMPORTER_PLACEHOLDER "-rate-", s->name,
		 rate > 0 ? "-clients" : "");
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "service", s->name);
	if (eq(svc_type(s->k), "ClusterIP")) {
		/* unreachable from outside: in-cluster clients on every node */
		cJSON_AddStringToObject(o, "location", "host");
		a = cJSON_AddArrayToObject(o, "from_nodes");
		for (int n = 0; n < m->nnodes; n++)
			cJSON_AddItemToArray(a, cJSON_CreateString(m->nodes[n].k->name));
		cJSON_AddStringToObject(o, "via", "clusterIP");
		say(m, "assumed: service %s is ClusterIP: its clients are hosts on every node", s->name);
	}
	a = cJSON_AddObjectToObject(o, "arrival");
	cJSON_AddStringToObject(a, "process", "poisson");
	cJSON_AddNumberToObject(a, "rate_per_s", rate > 0 ? rate : 1);
	return o;
}

/* MetalLB: a metallb-system namespace or objects in it; BGP when a BGPPeer or
 * BGPAdvertisement is in the dump, else L2. */
static void metallb(struct imp *m)
{
	int a, b = kind_range(m, "BGPPeer", &a), c, d = kind_range(m, "BGPAdvertisement", &c);

	for (int i = 0; i < m->nobjs && !m->metallb; i++)
		m->metallb = strcmp(m->objs[i].ns, "metallb-system") == 0 ||
			     (strcmp(m->objs[i].kind, "Namespace") == 0 &&
			      strcmp(m->objs[i].name, "metallb-system") == 0);
	m->metallb = b > a || d > c ? 2 : m->metallb;
	if (m->metallb)
		say(m, "recognised: MetalLB (%s)",
		    m->metallb == 2 ? "BGP objects in the dump" : "metallb-system namespace");
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static cJSON *build(struct imp *m, const struct importer_opts *o)
{
	cJSON *sc = cJSON_CreateObject(), *arr, *d;
	char desc[1400], files[256], rates[200];
	int kept = 0, pods = 0, zones = 0;
	double rate = o->rps > 0 ? o->rps / m->nsvcs : 0;
	const char **zl = ks_calloc((size_t)m->nnodes, sizeof *zl);

	metallb(m);
	cJSON_AddStringToObject(sc, "name", o->name ? o->name : "imported");
	d = cJSON_AddStringToObject(sc, "description", "");
	cJSON_AddNumberToObject(sc, "seed", 1);
	cJSON_AddNumberToObject(sc, "duration_s", 60);
	cJSON_AddNumberToObject(sc, "warmup_s", 5);
	arr = cJSON_AddArrayToObject(sc, "nodes");
	for (int n = 0; n < m->nnodes; n++) {
		zl[n] = m->nodes[n].zone;
		cJSON_AddItemToArray(arr, node_json(&m->nodes[n]));
	}
	qsort(zl, (size_t)m->nnodes, sizeof *zl, str_cmp);
	for (int n = 0; n < m->nnodes; n++)
		zones += n == 0 || strcmp(zl[n], zl[n - 1]) != 0;
	ks_free(zl);
	arr = cJSON_AddArrayToObject(sc, "workloads");
	for (const struct group *g = m->groups; g < m->groups + m->ngroups; g++) {
		if (!g->kept)
			continue;
		kept++;
		for (int i = g->first; i < g->first + g->n; i++)
			pods += m->pods[i].ready;
		cJSON_AddItemToArray(arr, workload_json(m, g));
	}
	arr = cJSON_AddArrayToObject(sc, "services");
	for (int i = 0; i < m->nsvcs; i++)
		cJSON_AddItemToArray(arr, service_json(m, &m->svcs[i]));
	cJSON_AddItemToObject(sc, "proxy", proxy_json(m));
	arr = cJSON_AddArrayToObject(sc, "clients");
	for (int i = 0; i < m->nsvcs; i++)
		cJSON_AddItemToArray(arr, client_json(m, &m->svcs[i], rate));
	if (m->multi_ns)
		say(m, "note: the kept Services span namespaces: workloads and selectors carry the label %s",
		    NS_LABEL);
	say(m, "note: pod service times are not in the dump: ktsim's default server (1 worker, exp 1 ms) is used; set workloads[i].server");
	if (rate <= 0)
		say(m, "warning: no --rps: every client group has a PLACEHOLDER rate of 1 connection/s (shares hold; load does not); re-import with --rps N or set clients[i].arrival.rate_per_s");
	if (rate > 0)
		snprintf(rates, sizeof rates, "Rate: %g connections/s split evenly over the Services (%g each).",
			 o->rps, rate);
	else
		snprintf(rates, sizeof rates, "%s rate: 1 connection/s per Service; set clients[i].arrival.rate_per_s.",
			 IMPORTER_PLACEHOLDER);
	files_list(m, files, sizeof files);
	snprintf(desc, sizeof desc,
		 "Imported by ktsim import from %s: %d node%s in %d zone%s, %d workload%s (%d ready pods pinned where they run; remove 'pin' to re-place them), %d Service%s. Data plane: %s. %s",
		 files, m->nnodes, m->nnodes == 1 ? "" : "s", zones, zones == 1 ? "" : "s", kept,
		 kept == 1 ? "" : "s", pods, m->nsvcs, m->nsvcs == 1 ? "" : "s", m->dataplane, rates);
	cJSON_SetValuestring(d, desc);
	return sc;
}

int importer_build(const char *const *files, int nfiles, const struct importer_opts *o,
		   FILE *report, cJSON **out, struct err *e)
{
	struct imp m = { .files = files, .nfiles = nfiles, .rep = report, .e = e };
	int rc;

	*out = NULL;
	m.docs = ks_calloc((size_t)nfiles + 1, sizeof *m.docs);
	m.list_kind = ks_calloc((size_t)nfiles + 1, sizeof *m.list_kind);
	rc = load(&m);
	if (rc == 0) {
		census(&m);
		rc = read_nodes(&m);
	}
	if (rc == 0) {
		read_pods(&m);
		rc = select_services(&m, o) < 0 || keep_workloads(&m) < 0 ? -1 : 0;
	}
	if (rc == 0)
		*out = build(&m, o);
	for (int f = 0; f < nfiles; f++)
		jdoc_destroy(m.docs[f]);
	ks_free(m.docs);
	ks_free(m.list_kind);
	ks_free(m.objs);
	ks_free(m.nodes);
	ks_free(m.pods);
	ks_free(m.groups);
	ks_free(m.svcs);
	return rc;
}
