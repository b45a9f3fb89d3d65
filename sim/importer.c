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
 * down to MiB, so whatever fitted still fits.
 *
 * This file: the entry point, which runs the pieces in order, and the
 * scenario it writes — nodes, workloads, Services, clients and the
 * description. Reading the dumps is importer_objects.c; recognising the
 * data plane and LB flavours is importer_detect.c. */
#include "ktsim/importer.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ktsim/mem.h"
#include "importer_int.h"

void importer_say(const struct imp *m, const char *fmt, ...)
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
	importer_add_str(o, NS_LABEL, ns);
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
	return importer_eq(e, "NoSchedule") || importer_eq(e, "PreferNoSchedule") || importer_eq(e, "NoExecute");
}

static cJSON *node_json(const struct knode *n)
{
	const cJSON *t, *al = importer_get(n->k->o, "status.allocatable");
	cJSON *j = cJSON_CreateObject(), *taints = cJSON_CreateArray();
	const double v[] = { (double)importer_cpu_m(importer_get(al, "cpu")), (double)importer_mem_mi(importer_get(al, "memory")),
		fmin(floor(importer_quantity(importer_get(al, "pods"), 1)), 100000), (double)n->cpu_m, (double)n->mem_mi };
	static const char *const K[] = { "cpu_m", "memory_mi", "max_pods", "allocated_cpu_m",
		"allocated_memory_mi" };

	cJSON_AddStringToObject(j, "name", n->k->name);
	cJSON_AddStringToObject(j, "zone", n->zone);
	for (int i = 0; i < 5; i++)
		if (v[i] >= 1)
			cJSON_AddNumberToObject(j, K[i], v[i]);
	cJSON_AddItemToObject(j, "labels",
			      labels_json(importer_get(n->k->o, "metadata.labels"), node_own_label, NULL));
	cJSON_ArrayForEach(t, importer_get(n->k->o, "spec.taints")) {
		cJSON *x = cJSON_CreateObject();

		importer_add_str(x, "key", importer_str(t, "key"));
		importer_add_str(x, "value", importer_str(t, "value"));
		importer_add_str(x, "effect", importer_str(t, "effect"));
		if (importer_str(t, "key") && is_effect(importer_str(t, "effect")))
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
	cJSON *all = labels_json(importer_get(sel, "matchLabels"), NULL, NULL), *o = NULL;
	const cJSON *x;

	cJSON_ArrayForEach(x, importer_get(sel, "matchExpressions")) {
		const cJSON *v = importer_get(x, "values");
		const char *k = importer_str(x, "key"), *op = importer_str(x, "operator");

		if (importer_eq(op, "In") && cJSON_GetArraySize(v) == 1 && cJSON_IsString(v->child) && k &&
		    !cJSON_GetObjectItemCaseSensitive(all, k))
			cJSON_AddStringToObject(all, k, v->child->valuestring);
		else
			importer_say(m, "note: %s: labelSelector expression on '%s' (%s) not modelled: dropped", who,
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
	const cJSON *req = importer_get(aff, "requiredDuringSchedulingIgnoredDuringExecution");
	const cJSON *pref = importer_get(aff, "preferredDuringSchedulingIgnoredDuringExecution");
	const cJSON *term = cJSON_GetArrayItem(req, 0), *w = importer_get(cJSON_GetArrayItem(pref, 0), "weight");
	int required = term != NULL;
	cJSON *o, *sel;

	if (!required && (term = importer_get(cJSON_GetArrayItem(pref, 0), "podAffinityTerm")) == NULL)
		return NULL;
	if (cJSON_GetArraySize(req) + cJSON_GetArraySize(pref) > 1)
		importer_say(m, "note: %s: %d (anti-)affinity terms; only the first %s one is kept", who,
		    cJSON_GetArraySize(req) + cJSON_GetArraySize(pref), required ? "required" : "preferred");
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", required ? "required" : "preferred");
	if (!required && cJSON_IsNumber(w))
		cJSON_AddNumberToObject(o, "weight", fmin(100, fmax(1, w->valuedouble)));
	importer_add_str(o, "topologyKey", importer_str(term, "topologyKey"));
	if ((sel = selector_json(m, who, importer_get(term, "labelSelector"), ns)) != NULL)
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
			importer_add_str(x, K[i], importer_str(t, K[i]));
		if (!importer_str(t, "effect") || !importer_str(t, "effect")[0] || is_effect(importer_str(t, "effect")))
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
	const char *e = importer_str(t, "effect"), *k = importer_str(t, "key"), *v = importer_str(t, "value"), *xv = importer_str(x, "value");

	return (!e || !*e || importer_eq(e, importer_str(x, "effect"))) && (!k || !*k || importer_eq(k, importer_str(x, "key"))) &&
	       (importer_eq(importer_str(t, "operator"), "Exists") || strcmp(v ? v : "", xv ? xv : "") == 0);
}

/* Would the scenario's DaemonSet run a pod on node n? placement.c filters
 * by nodeSelector (against the labels the scenario gives the node) and by
 * NoSchedule/NoExecute taints against the pod's tolerations. */
static int ds_eligible(const struct knode *n, const cJSON *spec)
{
	const cJSON *s, *x, *t;

	cJSON_ArrayForEach(s, importer_get(spec, "nodeSelector"))
		if (!importer_eq(s->valuestring, strcmp(s->string, HOST_LABEL) == 0 ? n->k->name
			: strcmp(s->string, ZONE_LABEL) == 0 ? n->zone
			: importer_member(n->k->o, "metadata.labels", s->string)))
			return 0;
	cJSON_ArrayForEach(x, importer_get(n->k->o, "spec.taints")) {
		int ok = importer_eq(importer_str(x, "effect"), "PreferNoSchedule") || !is_effect(importer_str(x, "effect"));

		cJSON_ArrayForEach(t, importer_get(spec, "tolerations"))
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
	const cJSON *skew = importer_get(c, "maxSkew");

	cJSON_AddNumberToObject(t, "maxSkew", cJSON_IsNumber(skew) ? fmax(1, skew->valuedouble) : 1);
	cJSON_AddStringToObject(t, "topologyKey", importer_str(c, "topologyKey") ? importer_str(c, "topologyKey")
						     : HOST_LABEL);
	if (importer_eq(importer_str(c, "whenUnsatisfiable"), "ScheduleAnyway"))
		cJSON_AddStringToObject(t, "whenUnsatisfiable", "ScheduleAnyway");
	if ((sel = selector_json(m, who, importer_get(c, "labelSelector"), ns)) != NULL)
		cJSON_AddItemToObject(t, "labelSelector", sel);
	return t;
}

static cJSON *workload_json(const struct imp *m, const struct group *g)
{
	const struct kpod *p0 = &m->pods[g->first];
	const cJSON *spec = importer_get(p0->k->o, "spec"), *c;
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
		importer_say(m, "note: %s: left out of pin and replicas (the scenario has no not-ready pods yet): %s",
		    who, left);
	if (g->kind == GK_DAEMONSET && !ds)
		importer_say(m, "note: %s: DaemonSet ready on %d nodes, not on exactly the nodes its nodeSelector and tolerations allow: written as a pinned Deployment-kind workload",
		    who, ready);
	cJSON_AddStringToObject(o, "kind", ds ? "DaemonSet" : "Deployment");
	cJSON_AddStringToObject(o, "name", g->name);
	if (!ds)
		cJSON_AddNumberToObject(o, "replicas", ready);
	cJSON_AddItemToObject(o, "labels", labels_json(importer_get(p0->k->o, "metadata.labels"), importer_hash_label, ns));
	if (!ds && ready)
		cJSON_AddItemToObject(o, "pin", pin);
	else
		cJSON_Delete(pin);
	if (cJSON_GetArraySize(importer_get(spec, "nodeSelector")))
		cJSON_AddItemToObject(o, "nodeSelector", labels_json(importer_get(spec, "nodeSelector"), NULL, NULL));
	if (cJSON_GetArraySize(importer_get(spec, "tolerations")))
		cJSON_AddItemToObject(o, "tolerations", tolerations_json(importer_get(spec, "tolerations")));
	importer_pod_requests(p0->k->o, &cpu, &mem);
	if (cpu || mem) {
		x = cJSON_AddObjectToObject(o, "requests");
		cJSON_AddNumberToObject(x, "cpu_m", (double)cpu);
		cJSON_AddNumberToObject(x, "memory_mi", (double)mem);
	}
	c = importer_get(spec, "terminationGracePeriodSeconds");
	if (cJSON_IsNumber(c) && c->valuedouble >= 0 && c->valuedouble <= 86400)
		cJSON_AddNumberToObject(o, "terminationGracePeriod_s", c->valuedouble);
	if ((x = affinity_json(m, who, importer_get(spec, "affinity.podAntiAffinity"), ns)) != NULL)
		cJSON_AddItemToObject(o, "podAntiAffinity", x);
	if ((x = affinity_json(m, who, importer_get(spec, "affinity.podAffinity"), ns)) != NULL)
		cJSON_AddItemToObject(o, "podAffinity", x);
	if (importer_get(spec, "affinity.nodeAffinity") && g->kind != GK_DAEMONSET)
		importer_say(m, "note: %s: nodeAffinity not modelled (the pins hold; re-placement ignores it)", who);
	if (cJSON_GetArraySize(importer_get(spec, "topologySpreadConstraints")) == 0)
		return o;
	x = cJSON_AddArrayToObject(o, "topologySpreadConstraints");
	cJSON_ArrayForEach(c, importer_get(spec, "topologySpreadConstraints"))
		cJSON_AddItemToArray(x, spread_json(m, who, c, ns));
	return o;
}

static cJSON *service_json(const struct imp *m, const struct ksvc *s)
{
	const cJSON *spec = importer_get(s->k->o, "spec"), *to;
	const char *type = importer_svc_type(s->k), *td = importer_str(spec, "trafficDistribution");
	const char *itp = importer_str(spec, "internalTrafficPolicy");
	cJSON *o = cJSON_CreateObject();
	int local = importer_eq(importer_str(spec, "externalTrafficPolicy"), "Local");
	int aff = importer_eq(importer_str(spec, "sessionAffinity"), "ClientIP");
	int headless = importer_eq(importer_str(spec, "clusterIP"), "None");

	cJSON_AddStringToObject(o, "name", s->name);
	cJSON_AddStringToObject(o, "type", type);
	cJSON_AddItemToObject(o, "selector",
			      labels_json(importer_get(spec, "selector"), NULL, m->multi_ns ? s->k->ns : NULL));
	if (!importer_eq(type, "ClusterIP"))
		cJSON_AddStringToObject(o, "externalTrafficPolicy", local ? "Local" : "Cluster");
	if (importer_eq(itp, "Local") || importer_eq(itp, "Cluster"))
		cJSON_AddStringToObject(o, "internalTrafficPolicy", itp);
	if (importer_eq(td, "PreferClose") || importer_eq(td, "PreferSameZone") || importer_eq(td, "PreferSameNode"))
		cJSON_AddStringToObject(o, "trafficDistribution", td);
	else if (td)
		importer_say(m, "note: service %s: trafficDistribution %s not modelled: left out", s->name, td);
	if (aff)
		cJSON_AddStringToObject(o, "sessionAffinity", "ClientIP");
	to = importer_get(spec, "sessionAffinityConfig.clientIP.timeoutSeconds");
	if (aff && cJSON_IsNumber(to) && to->valuedouble >= 1 && to->valuedouble <= 86400)
		cJSON_AddNumberToObject(o, "sessionAffinityTimeoutSeconds", to->valuedouble);
	if (importer_eq(type, "ClusterIP") && headless)
		cJSON_AddStringToObject(o, "clusterIP", "None");
	importer_say(m, "service %s: %s, externalTrafficPolicy %s%s%s", s->name, type, local ? "Local" : "Cluster",
	    aff ? ", sessionAffinity ClientIP" : "", headless ? ", headless" : "");
	if (cJSON_IsNumber(importer_get(spec, "healthCheckNodePort")))
		importer_say(m, "note: service %s: healthCheckNodePort %d recognised, not yet modelled as a key (the LB's probe is loadBalancer.healthCheck)",
		    s->name, importer_get(spec, "healthCheckNodePort")->valueint);
	if (!importer_eq(type, "ClusterIP"))
		cJSON_AddItemToObject(o, "loadBalancer", importer_lb_json(m, s, local));
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
	if (importer_eq(importer_svc_type(s->k), "ClusterIP")) {
		/* unreachable from outside: in-cluster clients on every node */
		cJSON_AddStringToObject(o, "location", "host");
		a = cJSON_AddArrayToObject(o, "from_nodes");
		for (int n = 0; n < m->nnodes; n++)
			cJSON_AddItemToArray(a, cJSON_CreateString(m->nodes[n].k->name));
		cJSON_AddStringToObject(o, "via", "clusterIP");
		importer_say(m, "assumed: service %s is ClusterIP: its clients are hosts on every node", s->name);
	}
	a = cJSON_AddObjectToObject(o, "arrival");
	cJSON_AddStringToObject(a, "process", "poisson");
	cJSON_AddNumberToObject(a, "rate_per_s", rate > 0 ? rate : 1);
	return o;
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

	importer_metallb(m);
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
	cJSON_AddItemToObject(sc, "proxy", importer_proxy_json(m));
	arr = cJSON_AddArrayToObject(sc, "clients");
	for (int i = 0; i < m->nsvcs; i++)
		cJSON_AddItemToArray(arr, client_json(m, &m->svcs[i], rate));
	if (m->multi_ns)
		importer_say(m, "note: the kept Services span namespaces: workloads and selectors carry the label %s",
		    NS_LABEL);
	importer_say(m, "note: pod service times are not in the dump: ktsim's default server (1 worker, exp 1 ms) is used; set workloads[i].server");
	if (rate <= 0)
		importer_say(m, "warning: no --rps: every client group has a PLACEHOLDER rate of 1 connection/s (shares hold; load does not); re-import with --rps N or set clients[i].arrival.rate_per_s");
	if (rate > 0)
		snprintf(rates, sizeof rates, "Rate: %g connections/s split evenly over the Services (%g each).",
			 o->rps, rate);
	else
		snprintf(rates, sizeof rates, "%s rate: 1 connection/s per Service; set clients[i].arrival.rate_per_s.",
			 IMPORTER_PLACEHOLDER);
	importer_files_list(m, files, sizeof files);
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
	rc = importer_load(&m);
	if (rc == 0) {
		importer_census(&m);
		rc = importer_read_nodes(&m);
	}
	if (rc == 0) {
		importer_read_pods(&m);
		rc = importer_select_services(&m, o) < 0 || importer_keep_workloads(&m) < 0 ? -1 : 0;
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
