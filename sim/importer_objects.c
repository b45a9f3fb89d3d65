/* importer_objects — reading kubectl's dumps for `ktsim import` (see
 * importer.h): Lists, typed lists and lone objects from one or more files,
 * sorted and de-duplicated; Kubernetes quantities; object access by dotted
 * path; nodes; pods grouped by their controlling owner into workloads; the
 * Services to keep and the workloads they select. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ktsim/mem.h"
#include "importer_int.h"

/* ---- Kubernetes quantities ---------------------------------------------- */

/* The quantity ("3920m", "4", "16331868Ki", "15Gi", "1G", "2e3") in `unit`s,
 * or -1 when absent or malformed. */
double importer_quantity(const cJSON *v, double unit)
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
long long importer_cpu_m(const cJSON *v)
{
	double q = importer_quantity(v, 1e-3);

	return q < 0 ? 0 : q > 1e9 ? 1000000000 : (long long)ceil(q - 1e-6);
}

long long importer_mem_mi(const cJSON *v)
{
	double q = importer_quantity(v, 1048576.0);

	return q < 0 ? 0 : q > 1e9 ? 1000000000 : (long long)floor(q + 1e-6);
}

/* ---- object access ------------------------------------------------------ */

/* The value at a dotted path ("spec.nodeName"); keys there hold no dots. */
const cJSON *importer_get(const cJSON *o, const char *path)
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
const char *importer_str(const cJSON *o, const char *path)
{
	return cJSON_GetStringValue(importer_get(o, path));
}

/* The string member `key` (label keys hold dots) of the object at path. */
const char *importer_member(const cJSON *o, const char *path, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(importer_get(o, path), key));
}

int importer_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Add key: v when v is a non-empty string. */
void importer_add_str(cJSON *o, const char *key, const char *v)
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

const struct kobj *importer_find(const struct imp *m, const char *kind, const char *ns,
			       const char *name)
{
	struct kobj key = { .kind = kind, .ns = ns, .name = name };

	return bsearch(&key, m->objs, (size_t)m->nobjs, sizeof key, key_cmp);
}

/* Objects of `kind` are objs[*first .. return value). */
int importer_kind_range(const struct imp *m, const char *kind, int *first)
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

void importer_files_list(const struct imp *m, char *buf, size_t n)
{
	buf[0] = '\0';
	for (int f = 0; f < m->nfiles && strlen(buf) + 1 < n; f++)
		snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", f ? ", " : "", m->files[f]);
}

/* ---- reading the dumps -------------------------------------------------- */

static int add_obj(struct imp *m, const cJSON *o, int f, int item)
{
	struct kobj k = { .o = o, .file = f, .item = item, .kind = importer_str(o, "kind"),
			  .name = importer_str(o, "metadata.name"), .ns = importer_str(o, "metadata.namespace") };
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
int importer_load(struct imp *m)
{
	for (int f = 0; f < m->nfiles; f++) {
		const cJSON *root, *items, *it;
		const char *kind;
		int i = 0;

		if (jdoc_load(&m->docs[f], m->files[f], m->e) < 0)
			return -1;
		root = jdoc_root(m->docs[f]);
		kind = importer_str(root, "kind");
		items = importer_get(root, "items");
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
		} else if (kind == NULL || !importer_get(root, "metadata") || add_obj(m, root, f, -1) < 0) {
			return err_is_set(m->e) ? -1 : jdoc_error(m->docs[f], root, "", m->e,
				"not a Kubernetes List or object (expected what `kubectl get ... -o json` prints: \"kind\" with \"items\" or \"metadata\")");
		}
	}
	qsort(m->objs, (size_t)m->nobjs, sizeof *m->objs, obj_cmp);
	return 0;
}

/* Drop repeats (one object in two files) and report what was read. */
void importer_census(struct imp *m)
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
	importer_say(m, "read %s", seen);
	if (*unknown)
		importer_say(m, "note: ignored objects of kinds ktsim does not use: %s", unknown);
}

static int node_cmp(const void *key, const void *n)
{
	return strcmp(key, ((const struct knode *)n)->k->name);
}

int importer_read_nodes(struct imp *m)
{
	int a, b = importer_kind_range(m, "Node", &a);
	char files[256];

	importer_files_list(m, files, sizeof files);
	if (a == b)
		return err_set(m->e, ERR_INPUT, files, 0, 0, NULL,
			       "no Node objects; dump them with the rest: kubectl get nodes,pods,services,endpointslices -A -o json");
	m->nnodes = b - a;
	m->nodes = ks_calloc((size_t)m->nnodes, sizeof *m->nodes);
	for (int i = 0; i < m->nnodes; i++) {
		struct knode *n = &m->nodes[i];
		const char *z = importer_member(m->objs[a + i].o, "metadata.labels", ZONE_LABEL);
		const char *pid = importer_str(m->objs[a + i].o, "spec.providerID");
		const cJSON *c;

		n->k = &m->objs[a + i];
		if (z == NULL || z[0] == '\0')
			z = importer_member(n->k->o, "metadata.labels", "failure-domain.beta.kubernetes.io/zone");
		n->zone = z && z[0] ? z : "default";
		for (const char *const *cl = (const char *const[]){ "aws", "gce", "azure", NULL }; *cl; cl++)
			if (pid && strncmp(pid, *cl, strlen(*cl)) == 0 && strncmp(pid + strlen(*cl), "://", 3) == 0)
				m->cloud = *cl;
		cJSON_ArrayForEach(c, importer_get(n->k->o, "status.conditions"))
			if (importer_eq(importer_str(c, "type"), "Ready") && !importer_eq(importer_str(c, "status"), "True"))
				importer_say(m, "note: node %s is not Ready; ktsim treats every node as up", n->k->name);
	}
	return 0;
}

/* ---- pods and workloads ------------------------------------------------- */

/* Labels the controllers add per revision or per pod: not workload labels. */
int importer_hash_label(const char *k)
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
	const char *kind, *name, *hash = importer_member(p->k->o, "metadata.labels", "pod-template-hash");
	size_t n, h = hash ? strlen(hash) : 0;

	cJSON_ArrayForEach(r, importer_get(p->k->o, "metadata.ownerReferences"))
		if (own == NULL || cJSON_IsTrue(importer_get(r, "controller")))
			own = r;
	kind = importer_str(own, "kind");
	name = importer_str(own, "name");
	if (name == NULL || importer_eq(kind, "Node"))
		name = p->k->name;
	p->kind = importer_eq(kind, "ReplicaSet") ? GK_DEPLOYMENT : importer_eq(kind, "DaemonSet") ? GK_DAEMONSET
		  : importer_eq(kind, "StatefulSet") ? GK_STATEFULSET : GK_OTHER;
	snprintf(p->wl, sizeof p->wl, "%s", name);
	/* Deployment "web" owns ReplicaSet "web-<pod-template-hash>" */
	n = strlen(p->wl);
	if (p->kind == GK_DEPLOYMENT && h > 0 && n > h + 1 && p->wl[n - h - 1] == '-' &&
	    strcmp(p->wl + n - h, hash) == 0)
		p->wl[n - h - 1] = '\0';
}

void importer_read_pods(struct imp *m)
{
	int a, b = importer_kind_range(m, "Pod", &a);

	m->npods = b - a;
	m->pods = ks_calloc((size_t)m->npods + 1, sizeof *m->pods);
	for (int i = 0; i < m->npods; i++) {
		struct kpod *p = &m->pods[i];
		const char *node = importer_str(m->objs[a + i].o, "spec.nodeName");
		const char *phase = importer_str(m->objs[a + i].o, "status.phase");
		const struct knode *kn = node ? bsearch(node, m->nodes, (size_t)m->nnodes,
							sizeof *m->nodes, node_cmp) : NULL;
		const cJSON *c;

		p->k = &m->objs[a + i];
		p->node = kn ? (int)(kn - m->nodes) : node && node[0] ? -2 : -1;
		p->done = importer_eq(phase, "Succeeded") || importer_eq(phase, "Failed");
		cJSON_ArrayForEach(c, importer_get(p->k->o, "status.conditions"))
			if (importer_eq(importer_str(c, "type"), "Ready") && importer_eq(importer_str(c, "status"), "True"))
				p->ready = importer_eq(phase, "Running") && p->node != -1 &&
					   importer_get(p->k->o, "metadata.deletionTimestamp") == NULL;
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
		if (importer_hash_label(s->string) || !importer_eq(cJSON_GetStringValue(s), importer_member(labels, "", s->string)))
			return 0;
	return cJSON_GetArraySize(sel) > 0;
}

/* A pod's requests: its containers summed, or its largest init container. */
void importer_pod_requests(const cJSON *pod, long long *cpu, long long *mem)
{
	const cJSON *c;
	long long ic = 0, im = 0;

	*cpu = *mem = 0;
	cJSON_ArrayForEach(c, importer_get(pod, "spec.containers")) {
		*cpu += importer_cpu_m(importer_get(c, "resources.requests.cpu"));
		*mem += importer_mem_mi(importer_get(c, "resources.requests.memory"));
	}
	cJSON_ArrayForEach(c, importer_get(pod, "spec.initContainers")) {
		long long x = importer_cpu_m(importer_get(c, "resources.requests.cpu"));
		long long y = importer_mem_mi(importer_get(c, "resources.requests.memory"));

		ic = x > ic ? x : ic;
		im = y > im ? y : im;
	}
	*cpu = ic > *cpu ? ic : *cpu;
	*mem = im > *mem ? im : *mem;
}

/* ---- Services ----------------------------------------------------------- */

const char *importer_svc_type(const struct kobj *k)
{
	const char *t = importer_str(k->o, "spec.type");

	return t ? t : "ClusterIP";
}

/* Keep Service k unless it is kept already or has no pods to select. */
static void keep_service(struct imp *m, const struct kobj *k)
{
	for (int j = 0; j < m->nsvcs; j++)
		if (m->svcs[j].k == k)
			return;
	if (importer_eq(importer_svc_type(k), "ExternalName") || cJSON_GetArraySize(importer_get(k->o, "spec.selector")) == 0)
		importer_say(m, "note: Service %s/%s has no selector (an ExternalName or hand-made endpoints): left out",
		    k->ns, k->name);
	else
		m->svcs[m->nsvcs++].k = k;
}

int importer_select_services(struct imp *m, const struct importer_opts *o)
{
	int a, b = importer_kind_range(m, "Service", &a);
	char found[400] = "", files[256];

	m->svcs = ks_calloc((size_t)(b - a) + 1, sizeof *m->svcs);
	for (int i = 0; i < o->nservices; i++) {
		const char *want = o->services[i], *slash = strchr(want, '/'), *name = slash ? slash + 1 : want;
		char ns[256];
		const struct kobj *k;

		snprintf(ns, sizeof ns, "%.*s", slash ? (int)(slash - want) : 7, slash ? want : "default");
		if ((k = importer_find(m, "Service", ns, name)) == NULL)
			return err_set(m->e, ERR_INPUT, NULL, 0, 0, "--service",
				       "Service %s/%s is not in the dump (%d Services read)", ns, name, b - a);
		keep_service(m, k);
	}
	for (int i = a; o->nservices == 0 && i < b; i++)
		if (importer_eq(importer_svc_type(&m->objs[i]), "LoadBalancer") || importer_eq(importer_svc_type(&m->objs[i]), "NodePort"))
			keep_service(m, &m->objs[i]);
	if (m->nsvcs > 0)
		return 0;
	for (int i = a; i < b && i < a + 8; i++)
		snprintf(found + strlen(found), sizeof found - strlen(found), "%s%s/%s %s", i > a ? ", " : "",
			 m->objs[i].ns, m->objs[i].name, importer_svc_type(&m->objs[i]));
	importer_files_list(m, files, sizeof files);
	return err_set(m->e, ERR_INPUT, files, 0, 0, NULL,
		       "no Service to model: %s (found %d Service%s%s%s%s); choose one with --service NAMESPACE/NAME",
		       o->nservices ? "none of the chosen ones has a selector"
				    : "none of type LoadBalancer or NodePort with a selector",
		       b - a, b - a == 1 ? "" : "s", b > a ? ": " : "", found, b - a > 8 ? ", ..." : "");
}

/* Keep the workloads a kept Service selects and name them (the namespace
 * prefixed only when two kept ones share a name, the kind suffixed when
 * they share that too); add every other pod's requests to its node. */
int importer_keep_workloads(struct imp *m)
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
					    selects(importer_get(m->svcs[i].k->o, "spec.selector"),
						    importer_get(m->pods[m->groups[g].first].k->o, "metadata.labels"));
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
				return jdoc_error(m->docs[p->k->file], importer_get(p->k->o, "spec.nodeName"),
						  obj_path(q, sizeof q, p->k, "spec.nodeName"), m->e,
						  "pod %s/%s runs on node '%s', which is not in the dump", p->k->ns,
						  p->k->name, importer_str(p->k->o, "spec.nodeName"));
			if (p->node < 0 || p->done || (G->kept && p->ready))
				continue;
			importer_pod_requests(p->k->o, &c, &mem);
			m->nodes[p->node].cpu_m += c;
			m->nodes[p->node].mem_mi += mem;
		}
	}
	return 0;
}
