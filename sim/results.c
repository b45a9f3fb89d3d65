/* results — results.json, CSV files and the summary table (see results.h).
 *
 * Definitions used throughout (DESIGN's results contract): a pod's `flows`
 * are the flows routed to it after warm-up and its `share` is flows over the
 * Service's routed flows; `expected_share` is the analytic share from the
 * layout (LB split x proxy choice). hops "1" = the entry node hosts the pod,
 * "2" = forwarded. snat_fraction and client_ip_preserved_fraction are over
 * routed flows; drop fractions over offered flows. */
#include "ktsim/results.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include <gsl/gsl_cdf.h>

#include "ktsim/mem.h"

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0;
}

static void svc_skew(const struct svc_stats *ss, struct skew *sk)
{
	double *x = ks_calloc((size_t)ss->neps + 1, sizeof *x);
	int n = 0;

	/* over the pods that served: Pending and spare slots do not count */
	for (int i = 0; i < ss->neps; i++)
		if (ss->eps[i].ever)
			x[n++] = (double)ss->eps[i].flows;
	metrics_skew(x, n, sk);
	ks_free(x);
}

/* Drops a client sees as an immediate refusal: REJECT with ICMP port
 * unreachable when no endpoint exists anywhere (proxier.go), or the pod
 * refusing a connection its full queue cannot take. Every other drop is a
 * silently dropped SYN, so the client retries and times out. */
static uint64_t refused(const struct svc_stats *ss)
{
	return ss->drops[DROP_NO_ENDPOINT] + ss->drops[DROP_QUEUE_FULL];
}

void results_summarize(const struct metrics *m, int s, struct svc_summary *o)
{
	const struct svc_stats *ss = &m->svc[s];
	const struct histo *h = &ss->latency_ms;

	svc_skew(ss, &o->skew);
	o->drop_fraction = ratio(ss->dropped, ss->offered);
	o->second_hop_fraction = ratio(ss->hops2, ss->routed);
	o->snat_fraction = ratio(ss->snat, ss->routed);
	o->client_ip_preserved_fraction = ss->routed ? 1 - o->snat_fraction : 0;
	o->cross_zone_fraction = ratio(ss->cross_zone, ss->routed);
	o->mean_ms = ss->latency.n ? ss->latency.mean : 0;
	o->p50_ms = histo_quantile(h, 0.5);
	o->p90_ms = histo_quantile(h, 0.9);
	o->p99_ms = histo_quantile(h, 0.99);
	o->p999_ms = histo_quantile(h, 0.999);
	o->max_ms = h->n ? h->max : 0;
}

static uint64_t lb_total(const struct svc_stats *ss, int nnodes)
{
	uint64_t t = 0;

	for (int n = 0; n < nnodes; n++)
		t += ss->nodes[n].lb_flows;
	return t;
}

/* Pods of service s that served on each node (the caller frees). */
static int *local_pods(const struct cluster *c, const struct metrics *m, int s)
{
	int *k = ks_calloc((size_t)c->nnodes + 1, sizeof *k);

	for (int i = 0; i < c->services[s].neps; i++)
		if (m->svc[s].eps[i].ever && m->pod_node[c->services[s].eps[i]] >= 0)
			k[m->pod_node[c->services[s].eps[i]]]++;
	return k;
}

void results_reps_init(struct results_reps *r, const struct metrics *m)
{
	r->nsvc = m->nsvc;
	r->fig = ks_calloc((size_t)m->nsvc * REP_NFIG + 1, sizeof *r->fig);
	r->share = ks_calloc((size_t)m->nsvc + 1, sizeof *r->share);
	for (int s = 0; s < m->nsvc; s++)
		r->share[s] = ks_calloc((size_t)m->svc[s].neps + 1, sizeof **r->share);
}

void results_reps_add(struct results_reps *r, const struct metrics *m)
{
	for (int s = 0; s < m->nsvc; s++) {
		const struct svc_stats *ss = &m->svc[s];
		struct welford *f = &r->fig[s * REP_NFIG];
		struct svc_summary sum;

		results_summarize(m, s, &sum);
		welford_add(&f[REP_DROP], sum.drop_fraction);
		welford_add(&f[REP_MAX_OVER_MEAN], sum.skew.max_over_mean);
		welford_add(&f[REP_JAIN], sum.skew.jain);
		welford_add(&f[REP_GINI], sum.skew.gini);
		welford_add(&f[REP_SNAT], sum.snat_fraction);
		welford_add(&f[REP_SECOND_HOP], sum.second_hop_fraction);
		welford_add(&f[REP_CROSS_ZONE], sum.cross_zone_fraction);
		welford_add(&f[REP_MEAN_MS], sum.mean_ms);
		welford_add(&f[REP_P99_MS], sum.p99_ms);
		for (int i = 0; i < ss->neps; i++)
			welford_add(&r->share[s][i], ratio(ss->eps[i].flows, ss->routed));
	}
}

void results_reps_fini(struct results_reps *r)
{
	for (int s = 0; s < r->nsvc; s++)
		ks_free(r->share[s]);
	ks_free(r->share);
	ks_free(r->fig);
	r->fig = NULL;
	r->share = NULL;
}

double results_ci95(const struct welford *w)
{
	if (w->n < 2)
		return 0;
	return gsl_cdf_tdist_Pinv(0.975, (double)w->n - 1) * sqrt(welford_var(w) / (double)w->n);
}

/* Whether Service s's row for node n is written. Every node is, until
 * Services x nodes passes 200,000 rows (at the scale envelope, 5 million):
 * then the nodes hosting the Service's pods or dropping its flows are. */
static int node_listed(const struct cluster *c, const struct metrics *m, int s, int n,
		       const int *local)
{
	if ((size_t)c->nservices * (size_t)c->nnodes <= 200000)
		return 1;
	return m->svc[s].nodes[n].dropped > 0 || local[n] > 0;
}

/* mkdir -p */
static int make_dir(const char *dir, struct err *e)
{
	char buf[4096];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof buf)
		return err_set(e, ERR_RUN, dir, 0, 0, NULL, "bad output directory name");
	memcpy(buf, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0777) < 0 && errno != EEXIST)
			return err_set(e, ERR_RUN, buf, 0, 0, NULL, "cannot create directory: %s",
				       strerror(errno));
		buf[i] = i == n ? '\0' : '/';
	}
	struct stat st;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return err_set(e, ERR_RUN, dir, 0, 0, NULL, "not a directory");
	return 0;
}

/* Write `len` bytes to dir/name through a temporary file and rename(2). */
static int write_atomic(const char *dir, const char *name, const char *data, size_t len,
			struct err *e)
{
	char path[4200], tmp[4300];
	FILE *f;
	int ok;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp.%ld", dir, name, (long)getpid());
	f = fopen(tmp, "w");
	if (f == NULL)
		return err_set(e, ERR_RUN, path, 0, 0, NULL, "cannot write: %s", strerror(errno));
	ok = fwrite(data, 1, len, f) == len;
	ok = (fflush(f) == 0) && ok;
	ok = (fsync(fileno(f)) == 0 || errno == EINVAL) && ok;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) < 0) {
		int saved = errno;

		unlink(tmp);
		return err_set(e, ERR_RUN, path, 0, 0, NULL, "cannot write: %s", strerror(saved));
	}
	return 0;
}

/* Peak resident set of this process (a timing-like field: it varies). */
static double peak_rss_mb(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss / 1024.0 : 0;
}

int results_write_file(const char *dir, const char *name, const char *data, size_t len,
		       struct err *e)
{
	if (make_dir(dir, e) < 0)
		return -1;
	return write_atomic(dir, name, data, len, e);
}

static cJSON *num(cJSON *obj, const char *key, double v)
{
	return cJSON_AddNumberToObject(obj, key, isfinite(v) ? v : 0);
}

static cJSON *service_json(const struct cluster *c, const struct metrics *m,
			   const struct results_reps *reps, int s)
{
	int *lp;
	const struct service *svc = &c->services[s];
	const struct svc_stats *ss = &m->svc[s];
	cJSON *o = cJSON_CreateObject(), *f, *d, *h, *sk, *arr, *ex, *l;
	struct svc_summary sum;
	uint64_t lbt = lb_total(ss, c->nnodes);

	results_summarize(m, s, &sum);

	cJSON_AddStringToObject(o, "name", svc->name);
	cJSON_AddStringToObject(o, "type", cluster_svc_type_name(svc->type));
	cJSON_AddStringToObject(o, "externalTrafficPolicy", cluster_policy_name(svc->etp));
	cJSON_AddStringToObject(o, "internalTrafficPolicy", cluster_policy_name(svc->itp));
	cJSON_AddStringToObject(o, "trafficDistribution", cluster_td_name(svc->td));
	cJSON_AddBoolToObject(o, "headless", svc->headless);
	cJSON_AddStringToObject(o, "loadBalancer", cluster_lb_mode_name(svc->lb.mode));
	cJSON_AddStringToObject(o, "proxy", cluster_proxy_name(c->proxy.mode));
	f = cJSON_AddObjectToObject(o, "flows");
	num(f, "offered", (double)ss->offered);
	num(f, "completed", (double)ss->completed);
	num(f, "dropped", (double)ss->dropped);
	num(f, "in_flight", (double)ss->in_flight);
	d = cJSON_AddObjectToObject(f, "drops");
	for (int r = 0; r < DROP_NREASONS; r++)
		num(d, metrics_drop_name((enum drop_reason)r), (double)ss->drops[r]);
	num(o, "drop_fraction", sum.drop_fraction);
	f = cJSON_AddObjectToObject(o, "client_outcome");
	num(f, "refused", (double)refused(ss));
	num(f, "timed_out", (double)(ss->dropped - refused(ss)));
	h = cJSON_AddObjectToObject(o, "hops");
	num(h, "1", (double)(ss->routed - ss->hops2));
	num(h, "2", (double)ss->hops2);
	num(o, "mean_hops", ss->routed ? 1 + sum.second_hop_fraction : 0);
	num(o, "snat_fraction", sum.snat_fraction);
	num(o, "client_ip_preserved_fraction", sum.client_ip_preserved_fraction);
	num(o, "cross_zone_fraction", sum.cross_zone_fraction);
	ex = cJSON_AddObjectToObject(o, "expected");
	num(ex, "drop_fraction", ss->expect.drop_no_local + ss->expect.drop_no_endpoint);
	num(ex, "second_hop_fraction", ss->expect.second_hop);
	num(ex, "snat_fraction", ss->expect.snat);
	f = cJSON_AddObjectToObject(o, "requests");
	num(f, "sent", (double)ss->requests);
	num(f, "completed", (double)ss->req_completed);
	num(f, "refused", (double)ss->req_refused);
	num(f, "per_connection", ss->routed ? (double)ss->requests / (double)ss->routed : 0);
	f = cJSON_AddObjectToObject(o, "wait_ms");
	num(f, "mean", ss->wait.n ? ss->wait.mean : 0);
	num(f, "p_wait", ratio(ss->waited, ss->requests));
	if (svc->affinity) {
		f = cJSON_AddObjectToObject(o, "session_affinity");
		num(f, "followed", (double)ss->affinity_hits);
		num(f, "new", (double)ss->affinity_misses);
	}
	num(o, "bytes", (double)ss->bytes);
	num(o, "cross_zone_bytes", (double)ss->cross_zone_bytes);
	num(o, "cross_zone_cost", (double)ss->cross_zone_bytes / 1e9 * c->latency.cross_zone_cost_per_gb);
	l = cJSON_AddObjectToObject(o, "latency_ms");
	num(l, "mean", sum.mean_ms);
	num(l, "p50", sum.p50_ms);
	num(l, "p90", sum.p90_ms);
	num(l, "p99", sum.p99_ms);
	num(l, "p999", sum.p999_ms);
	num(l, "max", sum.max_ms);
	if (reps) {
		static const char *const names[REP_NFIG] = { "drop_fraction", "max_over_mean", "jain",
			"gini", "snat_fraction", "second_hop_fraction", "cross_zone_fraction",
			"latency_mean_ms", "latency_p99_ms" };
		cJSON *ci = cJSON_AddObjectToObject(o, "ci95");

		for (int k = 0; k < REP_NFIG; k++) {
			const struct welford *w = &reps->fig[s * REP_NFIG + k];
			cJSON *x = cJSON_AddObjectToObject(ci, names[k]);

			num(x, "mean", w->mean);
			num(x, "half_width", results_ci95(w));
		}
	}
	sk = cJSON_AddObjectToObject(o, "skew");
	num(sk, "pods", sum.skew.pods);
	num(sk, "max_share", sum.skew.max_share);
	num(sk, "min_share", sum.skew.min_share);
	num(sk, "max_over_mean", sum.skew.max_over_mean);
	num(sk, "cv", sum.skew.cv);
	num(sk, "jain", sum.skew.jain);
	num(sk, "gini", sum.skew.gini);
	arr = cJSON_AddArrayToObject(o, "pods");
	for (int i = 0; i < ss->neps; i++) {
		const struct pod *p = &c->pods[svc->eps[i]];
		const struct ep_stats *es = &ss->eps[i];
		int node = m->pod_node[svc->eps[i]];
		cJSON *po;

		if (!es->ever)
			continue;
		po = cJSON_CreateObject();
		cJSON_AddStringToObject(po, "name", p->name);
		cJSON_AddStringToObject(po, "node", c->nodes[node].name);
		cJSON_AddStringToObject(po, "zone", c->zones[c->nodes[node].zone]);
		num(po, "flows", (double)es->flows);
		num(po, "share", ratio(es->flows, ss->routed));
		num(po, "expected_share", ss->expected_share[i]);
		if (reps)
			num(po, "share_ci95", results_ci95(&reps->share[s][i]));
		num(po, "completed", (double)es->completed);
		num(po, "dropped", (double)es->dropped);
		num(po, "utilization", m->utilization[svc->eps[i]]);
		num(po, "queue_length_mean", m->queue_mean[svc->eps[i]]);
		num(po, "requests", (double)es->requests);
		num(po, "request_share", ratio(es->requests, ss->requests));
		num(po, "bytes", (double)es->bytes);
		l = cJSON_AddObjectToObject(po, "latency_ms");
		num(l, "mean", es->latency.n ? es->latency.mean : 0);
		num(l, "p50", histo_quantile(&es->latency_ms, 0.5));
		num(l, "p90", histo_quantile(&es->latency_ms, 0.9));
		num(l, "p99", histo_quantile(&es->latency_ms, 0.99));
		num(l, "p999", histo_quantile(&es->latency_ms, 0.999));
		num(l, "max", es->latency_ms.n ? es->latency_ms.max : 0);
		cJSON_AddItemToArray(arr, po);
	}
	arr = cJSON_AddArrayToObject(o, "nodes");
	lp = local_pods(c, m, s);
	for (int n = 0; n < c->nnodes; n++) {
		const struct node_stats *ns = &ss->nodes[n];
		cJSON *no;

		if (!node_listed(c, m, s, n, lp))
			continue;
		no = cJSON_CreateObject();

		cJSON_AddStringToObject(no, "name", c->nodes[n].name);
		cJSON_AddStringToObject(no, "zone", c->zones[c->nodes[n].zone]);
		num(no, "lb_flows", (double)ns->lb_flows);
		num(no, "lb_share", ratio(ns->lb_flows, lbt));
		num(no, "expected_lb_share", ss->lb_weight[n]);
		num(no, "local_pods", lp[n]);
		num(no, "forwarded_out", (double)ns->forwarded_out);
		num(no, "snat_flows", (double)ns->snat_flows);
		num(no, "peak_conntrack", m->peak_conntrack[n]);
		num(no, "conntrack_max", m->conntrack_max[n]);
		num(no, "peak_snat_ports", m->peak_snat_ports[n]);
		num(no, "bytes", (double)ns->bytes);
		num(no, "dropped", (double)ns->dropped);
		num(no, "answered_fraction", ns->lb_flows ? 1 - ratio(ns->dropped, ns->lb_flows) : 0);
		cJSON_AddItemToArray(arr, no);
	}
	ks_free(lp);
	return o;
}

/* A node across all Services: its pods' load and its tables' peaks. */
static cJSON *node_json(const struct cluster *c, const struct metrics *m, int n)
{
	cJSON *o = cJSON_CreateObject();
	double busy = 0, workers = 0, queue = 0;
	int pods = 0;

	for (int p = 0; p < c->npods; p++) {
		int conc = c->workloads[c->pods[p].workload].server.concurrency;

		if (c->pods[p].node != n)
			continue;
		pods++;
		busy += m->utilization[p] * conc;
		workers += conc;
		queue += m->queue_mean[p];
	}
	cJSON_AddStringToObject(o, "name", c->nodes[n].name);
	cJSON_AddStringToObject(o, "zone", c->zones[c->nodes[n].zone]);
	num(o, "pods", pods);
	num(o, "utilization", workers > 0 ? busy / workers : 0);
	num(o, "queue_length_mean", queue);
	num(o, "peak_conntrack", m->peak_conntrack[n]);
	num(o, "conntrack_max", m->conntrack_max[n]);
	num(o, "peak_snat_ports", m->peak_snat_ports[n]);
	return o;
}

/* The name of what a timeline event acts on. */
static const char *event_target(const struct cluster *c, const struct tl_event *te)
{
	switch (te->action) {
	case TL_DELETE_POD:
		return c->pods[c->workloads[te->target].first_pod + te->value].name;
	case TL_NODE_DOWN:
	case TL_NODE_UP:
	case TL_DRAIN:
		return c->nodes[te->target].name;
	case TL_SCALE:
	case TL_ROLLOUT:
		return c->workloads[te->target].name;
	case TL_SET_RATE:
		return c->clients[te->target].name;
	default:
		return c->services[te->target].name;
	}
}

static char *results_json(const struct cluster *c, const struct metrics *m,
			  const struct results_reps *reps, uint64_t seed)
{
	cJSON *root = cJSON_CreateObject(), *sc, *sim, *arr;
	char *text;

	sc = cJSON_AddObjectToObject(root, "scenario");
	cJSON_AddStringToObject(sc, "name", c->name);
	cJSON_AddStringToObject(sc, "description", c->description);
	num(root, "seed", (double)seed);
	num(root, "replication", 0);
	num(root, "replications", m->replications);
	sim = cJSON_AddObjectToObject(root, "sim");
	num(sim, "duration_s", c->duration_s);
	num(sim, "warmup_s", c->warmup_s);
	num(sim, "events", (double)m->events);
	num(sim, "wall_s", m->wall_s);
	num(sim, "events_per_s", m->wall_s > 0 ? (double)m->events / m->wall_s : 0);
	num(sim, "peak_rss_mb", peak_rss_mb());
	arr = cJSON_AddArrayToObject(root, "services");
	for (int s = 0; s < c->nservices; s++)
		cJSON_AddItemToArray(arr, service_json(c, m, reps, s));
	if (c->ntimeline) {
		arr = cJSON_AddArrayToObject(root, "timeline");
		for (int i = 0; i < c->ntimeline; i++) {
			const struct tl_event *te = &c->timeline[i];
			cJSON *o = cJSON_CreateObject();

			num(o, "at_s", te->at_s);
			cJSON_AddStringToObject(o, "action", cluster_action_name(te->action));
			cJSON_AddStringToObject(o, "target", event_target(c, te));
			num(o, "dropped_until_next", m->timeline_drops ? (double)m->timeline_drops[i] : 0);
			cJSON_AddItemToArray(arr, o);
		}
	}
	arr = cJSON_AddArrayToObject(root, "nodes");
	for (int n = 0; n < c->nnodes; n++)
		cJSON_AddItemToArray(arr, node_json(c, m, n));
	arr = cJSON_AddArrayToObject(root, "workloads");
	for (int w = 0; w < c->nworkloads; w++) {
		const struct workload *wl = &c->workloads[w];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "name", wl->name);
		cJSON_AddStringToObject(o, "kind", wl->kind == WL_DAEMONSET ? "DaemonSet" : "Deployment");
		num(o, "replicas", wl->replicas);
		num(o, "running", wl->running);
		num(o, "pending", wl->pending);
		cJSON_AddItemToArray(arr, o);
	}
	text = cJSON_Print(root);
	cJSON_Delete(root);
	return text;
}

/* A growable text buffer for the CSV files. */
struct buf {
	char *p;
	size_t n, cap;
};

static void bprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int k;

	for (;;) {
		va_start(ap, fmt);
		k = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
		va_end(ap);
		if ((size_t)k < b->cap - b->n)
			break;
		b->cap = b->cap * 2 + (size_t)k + 64;
		b->p = ks_realloc(b->p, b->cap, 1);
	}
	b->n += (size_t)k;
}

static void pods_csv(struct buf *b, const struct cluster *c, const struct metrics *m)
{
	bprintf(b, "service,pod,node,zone,flows,share,expected_share,completed,dropped,"
		   "utilization,latency_p50_ms,latency_p99_ms\n");
	for (int s = 0; s < c->nservices; s++) {
		const struct svc_stats *ss = &m->svc[s];

		for (int i = 0; i < ss->neps; i++) {
			const struct pod *p = &c->pods[c->services[s].eps[i]];
			const struct ep_stats *es = &ss->eps[i];
			int node = m->pod_node[c->services[s].eps[i]];

			if (!es->ever)
				continue;
			bprintf(b, "%s,%s,%s,%s,%llu,%.6f,%.6f,%llu,%llu,%.6f,%.4f,%.4f\n",
				c->services[s].name, p->name, c->nodes[node].name,
				c->zones[c->nodes[node].zone], (unsigned long long)es->flows,
				ratio(es->flows, ss->routed), ss->expected_share[i],
				(unsigned long long)es->completed, (unsigned long long)es->dropped,
				m->utilization[c->services[s].eps[i]],
				histo_quantile(&es->latency_ms, 0.5), histo_quantile(&es->latency_ms, 0.99));
		}
	}
}

static void nodes_csv(struct buf *b, const struct cluster *c, const struct metrics *m)
{
	bprintf(b, "service,node,zone,lb_flows,lb_share,local_pods,forwarded_out,snat_flows,"
		   "peak_conntrack,dropped\n");
	for (int s = 0; s < c->nservices; s++) {
		const struct svc_stats *ss = &m->svc[s];
		uint64_t lbt = lb_total(ss, c->nnodes);
		int *lp = local_pods(c, m, s);

		for (int n = 0; n < c->nnodes; n++) {
			const struct node_stats *ns = &ss->nodes[n];

			if (!node_listed(c, m, s, n, lp))
				continue;
			bprintf(b, "%s,%s,%s,%llu,%.6f,%d,%llu,%llu,%u,%llu\n", c->services[s].name,
				c->nodes[n].name, c->zones[c->nodes[n].zone],
				(unsigned long long)ns->lb_flows, ratio(ns->lb_flows, lbt),
				lp[n], (unsigned long long)ns->forwarded_out,
				(unsigned long long)ns->snat_flows, m->peak_conntrack[n],
				(unsigned long long)ns->dropped);
		}
		ks_free(lp);
	}
}

int results_write(const char *dir, const struct cluster *c, const struct metrics *m,
		  const struct results_reps *reps, uint64_t seed, struct err *e)
{
	struct buf b = { 0 };
	char *json;
	int rc;

	if (make_dir(dir, e) < 0)
		return -1;
	b.cap = 4096;
	b.p = ks_malloc(b.cap);
	pods_csv(&b, c, m);
	rc = write_atomic(dir, "pods.csv", b.p, b.n, e);
	b.n = 0;
	nodes_csv(&b, c, m);
	if (rc == 0)
		rc = write_atomic(dir, "nodes.csv", b.p, b.n, e);
	ks_free(b.p);
	if (rc == 0 && m->timeseries)
		rc = write_atomic(dir, "timeseries.csv", m->timeseries, m->timeseries_len, e);
	/* results.json last: its presence means the run's files are complete. */
	json = results_json(c, m, reps, seed);
	if (rc == 0) {
		size_t n = strlen(json);

		json = ks_realloc(json, n + 2, 1);
		json[n] = '\n';
		rc = write_atomic(dir, "results.json", json, n + 1, e);
	}
	cJSON_free(json);
	return rc;
}

/* A bar of width proportional to v/max, in block characters. */
static void bar(FILE *f, double v, double max, int width, int utf8)
{
	int k = max > 0 ? (int)lround(v / max * width) : 0;

	for (int i = 0; i < k; i++)
		fputs(utf8 ? "\u2588" : "#", f);
}

static int want_utf8(void)
{
	const char *vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };

	for (int i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return strstr(v, "UTF-8") || strstr(v, "utf8") || strstr(v, "UTF8");
	}
	return 0;
}

static int name_width(int w, const char *s)
{
	int n = (int)strlen(s);

	return n > w ? n : w;
}

void results_print_summary(FILE *f, const struct cluster *c, const struct metrics *m,
			   const struct results_reps *reps, uint64_t seed)
{
	int utf8 = want_utf8();

	fprintf(f, "%s  (seed %llu)  %g s simulated, %g s warm-up; %llu events in %.2f s",
		c->name, (unsigned long long)seed, c->duration_s, c->warmup_s,
		(unsigned long long)m->events, m->wall_s);
	if (m->wall_s > 0)
		fprintf(f, " (%.1f M events/s)", m->events / m->wall_s / 1e6);
	fputc('\n', f);
	for (int i = 0; i < c->ntimeline && m->timeline_drops; i++)
		fprintf(f, "  at %7.1f s  %-11s %-24s  %llu flows dropped until the next event\n",
			c->timeline[i].at_s, cluster_action_name(c->timeline[i].action),
			event_target(c, &c->timeline[i]), (unsigned long long)m->timeline_drops[i]);
	for (int w = 0; w < c->nworkloads; w++)
		if (c->workloads[w].pending)
			fprintf(f, "warning: workload %s: %d of %d pods Pending (they fit on no node)\n",
				c->workloads[w].name, c->workloads[w].pending, c->workloads[w].replicas);
	for (int s = 0; s < c->nservices; s++) {
		const struct service *svc = &c->services[s];
		const struct svc_stats *ss = &m->svc[s];
		struct svc_summary sum;
		double maxshare = 0;
		int pw = 3, nw = 4;

		results_summarize(m, s, &sum);
		fprintf(f, "\nservice %s  %s%s", svc->name, cluster_svc_type_name(svc->type),
			svc->headless ? " (headless)" : "");
		if (svc->type != SVC_CLUSTER_IP)
			fprintf(f, "  externalTrafficPolicy=%s  lb=%s%s", cluster_policy_name(svc->etp),
				cluster_lb_mode_name(svc->lb.mode), svc->lb.hc.enabled ? "+healthcheck" : "");
		if (svc->itp == POLICY_LOCAL || svc->type == SVC_CLUSTER_IP)
			fprintf(f, "  internalTrafficPolicy=%s", cluster_policy_name(svc->itp));
		if (svc->td != TD_NONE)
			fprintf(f, "  trafficDistribution=%s", cluster_td_name(svc->td));
		fprintf(f, "  proxy=%s\n", cluster_proxy_name(c->proxy.mode));
		fprintf(f, "  flows    offered %llu  completed %llu  dropped %llu (%.1f%%)  in flight %llu\n",
			(unsigned long long)ss->offered, (unsigned long long)ss->completed,
			(unsigned long long)ss->dropped, 100 * sum.drop_fraction,
			(unsigned long long)ss->in_flight);
		if (ss->dropped) {
			fprintf(f, "  drops   ");
			for (int r = 0; r < DROP_NREASONS; r++)
				if (ss->drops[r])
					fprintf(f, " %s %llu", metrics_drop_name((enum drop_reason)r),
						(unsigned long long)ss->drops[r]);
			fprintf(f, "  (clients see: %llu refused at once, %llu time out)\n",
				(unsigned long long)refused(ss),
				(unsigned long long)(ss->dropped - refused(ss)));
		}
		fprintf(f, "  path     1 hop %.1f%%  2 hops %.1f%%  SNAT %.1f%%  client IP kept %.1f%%  cross-zone %.1f%%\n",
			100 * (ss->routed ? 1 - sum.second_hop_fraction : 0),
			100 * sum.second_hop_fraction, 100 * sum.snat_fraction,
			100 * sum.client_ip_preserved_fraction, 100 * sum.cross_zone_fraction);
		if (ss->requests != ss->routed)
			fprintf(f, "  requests sent %llu  completed %llu  refused %llu  (%.1f per connection)\n",
				(unsigned long long)ss->requests, (unsigned long long)ss->req_completed,
				(unsigned long long)ss->req_refused,
				ss->routed ? (double)ss->requests / (double)ss->routed : 0);
		fprintf(f, "  latency  mean %.3g ms  p50 %.3g  p90 %.3g  p99 %.3g  p99.9 %.3g  max %.3g"
			"  (waited %.1f%%, mean wait %.3g ms)\n",
			sum.mean_ms, sum.p50_ms, sum.p90_ms, sum.p99_ms, sum.p999_ms, sum.max_ms,
			100 * ratio(ss->waited, ss->requests), ss->wait.n ? ss->wait.mean : 0);
		if (ss->bytes)
			fprintf(f, "  bytes    %.4g GB, cross-zone %.4g GB ($%.4g at $%g/GB)\n",
				ss->bytes / 1e9, ss->cross_zone_bytes / 1e9,
				ss->cross_zone_bytes / 1e9 * c->latency.cross_zone_cost_per_gb,
				c->latency.cross_zone_cost_per_gb);
		fprintf(f, "  skew     max/mean %.3f  cv %.3f  jain %.3f  gini %.3f  over %d pods\n",
			sum.skew.max_over_mean, sum.skew.cv, sum.skew.jain, sum.skew.gini, sum.skew.pods);
		if (reps) {
			const struct welford *w = &reps->fig[s * REP_NFIG];

			fprintf(f, "  95%% CI   over %d replications: max/mean %.3f ± %.3f  dropped %.2f%% ± %.2f  "
				"SNAT %.1f%% ± %.1f  p99 %.3g ± %.2g ms\n", m->replications,
				w[REP_MAX_OVER_MEAN].mean, results_ci95(&w[REP_MAX_OVER_MEAN]),
				100 * w[REP_DROP].mean, 100 * results_ci95(&w[REP_DROP]),
				100 * w[REP_SNAT].mean, 100 * results_ci95(&w[REP_SNAT]),
				w[REP_P99_MS].mean, results_ci95(&w[REP_P99_MS]));
		}
		fputc('\n', f);
		for (int i = 0; i < ss->neps; i++) {
			const struct pod *p = &c->pods[svc->eps[i]];

			if (!ss->eps[i].ever)
				continue;
			pw = name_width(pw, p->name);
			nw = name_width(nw, c->nodes[m->pod_node[svc->eps[i]]].name);
			maxshare = fmax(maxshare, fmax(ratio(ss->eps[i].flows, ss->routed),
						       ss->expected_share[i]));
		}
		/* With keep-alive connections the request share is a column too. */
		int keep = ss->requests != ss->routed;

		fprintf(f, "  %-*s  %-*s  %7s  %8s  %s%s%5s\n", pw, "POD", nw, "NODE", "SHARE", "EXPECTED",
			reps ? "95% CI    " : "", keep ? "REQ SHARE  " : "", "UTIL");
		for (int i = 0; i < ss->neps; i++) {
			const struct pod *p = &c->pods[svc->eps[i]];
			double sh = ratio(ss->eps[i].flows, ss->routed);

			if (!ss->eps[i].ever)
				continue;
			fprintf(f, "  %-*s  %-*s  %6.2f%%  %7.2f%%  ", pw, p->name, nw,
				c->nodes[m->pod_node[svc->eps[i]]].name, 100 * sh, 100 * ss->expected_share[i]);
			if (reps)
				fprintf(f, "± %5.2f%%  ", 100 * results_ci95(&reps->share[s][i]));
			if (keep)
				fprintf(f, "%8.2f%%  ", 100 * ratio(ss->eps[i].requests, ss->requests));
			fprintf(f, "%4.0f%%  ", 100 * m->utilization[svc->eps[i]]);
			bar(f, sh, maxshare, 30, utf8);
			fputc('\n', f);
		}
		if (sum.skew.pods == 0)
			fprintf(f, "  (no ready endpoints)\n");
		nw = 4;
		for (int n = 0; n < c->nnodes; n++)
			nw = name_width(nw, c->nodes[n].name);
		if (c->nnodes <= 50) {
			uint64_t lbt = lb_total(ss, c->nnodes);
			int *lp = local_pods(c, m, s);

			fprintf(f, "\n  %-*s  %8s  %4s  %9s  %7s  %s\n", nw, "NODE", "LB SHARE", "PODS",
				"FORWARDED", "DROPPED", "ANSWERS");
			for (int n = 0; n < c->nnodes; n++) {
				const struct node_stats *ns = &ss->nodes[n];

				fprintf(f, "  %-*s  %7.2f%%  %4d  %9llu  %7llu  %s\n", nw, c->nodes[n].name,
					100 * ratio(ns->lb_flows, lbt), lp[n],
					(unsigned long long)ns->forwarded_out,
					(unsigned long long)ns->dropped,
					ns->lb_flows == 0 ? "-" : ns->dropped == 0 ? "yes"
						: ns->dropped == ns->lb_flows ? "no (times out)" : "partly");
			}
			ks_free(lp);
		}
	}
}
