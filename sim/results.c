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
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <gsl/gsl_cdf.h>

#include "ktsim/jsonw.h"
#include "ktsim/mem.h"
#include "ktsim/ofile.h"

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
	o->mean_ms = tally_mean(&ss->latency);
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

/* Peak resident set of this process (a timing-like field: it varies). */
static double peak_rss_mb(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss / 1024.0 : 0;
}

int results_write_file(const char *dir, const char *name, const char *data, size_t len,
		       struct err *e)
{
	struct ofile o;

	if (make_dir(dir, e) < 0 || ofile_open(&o, dir, name, e) < 0)
		return -1;
	ofile_write(&o, data, len);
	return ofile_commit(&o, e);
}

/* A number member; NaN and infinities are written as 0. */
static void num(struct jsonw *w, const char *key, double v)
{
	jsonw_number(w, key, isfinite(v) ? v : 0);
}

/* The files of a run, open together so that one pass over the metrics
 * writes them all, reading each pod's histogram and each Service's node
 * counters once. Committed in this order. */
enum { OUT_PODS, OUT_NODES, OUT_TIMESERIES, OUT_JSON, OUT_NFILES };

struct out {
	struct ofile f[OUT_NFILES];
	struct jsonw w;
};

/* Service s: its object in results.json, its rows in pods.csv and nodes.csv. */
static void service_out(struct out *out, const struct cluster *c, const struct metrics *m,
			const struct results_reps *reps, int s)
{
	struct jsonw *w = &out->w;
	int *lp;
	const struct service *svc = &c->services[s];
	const struct svc_stats *ss = &m->svc[s];
	struct svc_summary sum;
	uint64_t lbt = lb_total(ss, c->nnodes);

	results_summarize(m, s, &sum);

	jsonw_object(w, NULL);
	jsonw_string(w, "name", svc->name);
	jsonw_string(w, "type", cluster_svc_type_name(svc->type));
	jsonw_string(w, "externalTrafficPolicy", cluster_policy_name(svc->etp));
	jsonw_string(w, "internalTrafficPolicy", cluster_policy_name(svc->itp));
	jsonw_string(w, "trafficDistribution", cluster_td_name(svc->td));
	jsonw_bool(w, "headless", svc->headless);
	jsonw_string(w, "loadBalancer", cluster_lb_mode_name(svc->lb.mode));
	jsonw_string(w, "proxy", cluster_proxy_name(c->proxy.mode));
	jsonw_object(w, "flows");
	num(w, "offered", (double)ss->offered);
	num(w, "completed", (double)ss->completed);
	num(w, "dropped", (double)ss->dropped);
	num(w, "in_flight", (double)ss->in_flight);
	jsonw_object(w, "drops");
	for (int r = 0; r < DROP_NREASONS; r++)
		num(w, metrics_drop_name((enum drop_reason)r), (double)ss->drops[r]);
	jsonw_end(w); /* drops */
	jsonw_end(w); /* flows */
	num(w, "drop_fraction", sum.drop_fraction);
	jsonw_object(w, "client_outcome");
	num(w, "refused", (double)refused(ss));
	num(w, "timed_out", (double)(ss->dropped - refused(ss)));
	jsonw_end(w);
	jsonw_object(w, "hops");
	num(w, "1", (double)(ss->routed - ss->hops2));
	num(w, "2", (double)ss->hops2);
	jsonw_end(w);
	num(w, "mean_hops", ss->routed ? 1 + sum.second_hop_fraction : 0);
	num(w, "snat_fraction", sum.snat_fraction);
	num(w, "client_ip_preserved_fraction", sum.client_ip_preserved_fraction);
	num(w, "cross_zone_fraction", sum.cross_zone_fraction);
	jsonw_object(w, "expected");
	num(w, "drop_fraction", ss->expect.drop_no_local + ss->expect.drop_no_endpoint);
	num(w, "second_hop_fraction", ss->expect.second_hop);
	num(w, "snat_fraction", ss->expect.snat);
	jsonw_end(w);
	jsonw_object(w, "requests");
	num(w, "sent", (double)ss->requests);
	num(w, "completed", (double)ss->req_completed);
	num(w, "refused", (double)ss->req_refused);
	num(w, "per_connection", ss->routed ? (double)ss->requests / (double)ss->routed : 0);
	jsonw_end(w);
	jsonw_object(w, "wait_ms");
	num(w, "mean", tally_mean(&ss->wait));
	num(w, "p_wait", ratio(ss->waited, ss->requests));
	jsonw_end(w);
	if (svc->affinity) {
		jsonw_object(w, "session_affinity");
		num(w, "followed", (double)ss->affinity_hits);
		num(w, "new", (double)ss->affinity_misses);
		jsonw_end(w);
	}
	num(w, "bytes", (double)ss->bytes);
	num(w, "cross_zone_bytes", (double)ss->cross_zone_bytes);
	num(w, "cross_zone_cost", (double)ss->cross_zone_bytes / 1e9 * c->latency.cross_zone_cost_per_gb);
	jsonw_object(w, "latency_ms");
	num(w, "mean", sum.mean_ms);
	num(w, "p50", sum.p50_ms);
	num(w, "p90", sum.p90_ms);
	num(w, "p99", sum.p99_ms);
	num(w, "p999", sum.p999_ms);
	num(w, "max", sum.max_ms);
	jsonw_end(w);
	if (reps) {
		static const char *const names[REP_NFIG] = { "drop_fraction", "max_over_mean", "jain",
			"gini", "snat_fraction", "second_hop_fraction", "cross_zone_fraction",
			"latency_mean_ms", "latency_p99_ms" };

		jsonw_object(w, "ci95");
		for (int k = 0; k < REP_NFIG; k++) {
			const struct welford *f = &reps->fig[s * REP_NFIG + k];

			jsonw_object(w, names[k]);
			num(w, "mean", f->mean);
			num(w, "half_width", results_ci95(f));
			jsonw_end(w);
		}
		jsonw_end(w);
	}
	jsonw_object(w, "skew");
	num(w, "pods", sum.skew.pods);
	num(w, "max_share", sum.skew.max_share);
	num(w, "min_share", sum.skew.min_share);
	num(w, "max_over_mean", sum.skew.max_over_mean);
	num(w, "cv", sum.skew.cv);
	num(w, "jain", sum.skew.jain);
	num(w, "gini", sum.skew.gini);
	jsonw_end(w);
	jsonw_array(w, "pods");
	for (int i = 0; i < ss->neps; i++) {
		const struct pod *p = &c->pods[svc->eps[i]];
		const struct ep_stats *es = &ss->eps[i];
		int node = m->pod_node[svc->eps[i]];
		double p50, p90, p99, p999;

		if (!es->ever)
			continue;
		p50 = histo_quantile(&es->latency_ms, 0.5);
		p90 = histo_quantile(&es->latency_ms, 0.9);
		p99 = histo_quantile(&es->latency_ms, 0.99);
		p999 = histo_quantile(&es->latency_ms, 0.999);
		jsonw_object(w, NULL);
		jsonw_string(w, "name", p->name);
		jsonw_string(w, "node", c->nodes[node].name);
		jsonw_string(w, "zone", c->zones[c->nodes[node].zone]);
		num(w, "flows", (double)es->flows);
		num(w, "share", ratio(es->flows, ss->routed));
		num(w, "expected_share", ss->expected_share[i]);
		if (reps)
			num(w, "share_ci95", results_ci95(&reps->share[s][i]));
		num(w, "completed", (double)es->completed);
		num(w, "dropped", (double)es->dropped);
		num(w, "utilization", m->utilization[svc->eps[i]]);
		num(w, "queue_length_mean", m->queue_mean[svc->eps[i]]);
		num(w, "requests", (double)es->requests);
		num(w, "request_share", ratio(es->requests, ss->requests));
		num(w, "bytes", (double)es->bytes);
		jsonw_object(w, "latency_ms");
		num(w, "mean", tally_mean(&es->latency));
		num(w, "p50", p50);
		num(w, "p90", p90);
		num(w, "p99", p99);
		num(w, "p999", p999);
		num(w, "max", es->latency_ms.n ? es->latency_ms.max : 0);
		jsonw_end(w); /* latency_ms */
		jsonw_end(w); /* the pod */
		ofile_printf(&out->f[OUT_PODS], "%s,%s,%s,%s,%llu,%.6f,%.6f,%llu,%llu,%.6f,%.4f,%.4f\n",
			     svc->name, p->name, c->nodes[node].name, c->zones[c->nodes[node].zone],
			     (unsigned long long)es->flows, ratio(es->flows, ss->routed),
			     ss->expected_share[i], (unsigned long long)es->completed,
			     (unsigned long long)es->dropped, m->utilization[svc->eps[i]], p50, p99);
	}
	jsonw_end(w);
	jsonw_array(w, "nodes");
	lp = local_pods(c, m, s);
	/* Per-Service node rows exist up to METRICS_NODE_ROWS Service x node
	 * pairs; beyond, the top-level nodes carry the counters of all
	 * Services together. */
	for (int n = 0; n < c->nnodes && m->node_detail; n++) {
		const struct node_stats *ns = &ss->nodes[n];

		jsonw_object(w, NULL);
		jsonw_string(w, "name", c->nodes[n].name);
		jsonw_string(w, "zone", c->zones[c->nodes[n].zone]);
		num(w, "lb_flows", (double)ns->lb_flows);
		num(w, "lb_share", ratio(ns->lb_flows, lbt));
		num(w, "expected_lb_share", ss->lb_weight[n]);
		num(w, "local_pods", lp[n]);
		num(w, "forwarded_out", (double)ns->forwarded_out);
		num(w, "snat_flows", (double)ns->snat_flows);
		num(w, "peak_conntrack", m->peak_conntrack[n]);
		num(w, "conntrack_max", m->conntrack_max[n]);
		num(w, "peak_snat_ports", m->peak_snat_ports[n]);
		num(w, "bytes", (double)ns->bytes);
		num(w, "dropped", (double)ns->dropped);
		num(w, "answered_fraction", ns->lb_flows ? 1 - ratio(ns->dropped, ns->lb_flows) : 0);
		jsonw_end(w);
		ofile_printf(&out->f[OUT_NODES], "%s,%s,%s,%llu,%.6f,%d,%llu,%llu,%u,%llu\n", svc->name,
			     c->nodes[n].name, c->zones[c->nodes[n].zone],
			     (unsigned long long)ns->lb_flows, ratio(ns->lb_flows, lbt), lp[n],
			     (unsigned long long)ns->forwarded_out, (unsigned long long)ns->snat_flows,
			     m->peak_conntrack[n], (unsigned long long)ns->dropped);
	}
	ks_free(lp);
	jsonw_end(w); /* nodes */
	jsonw_end(w); /* the Service */
}

/* A node's load across all Services: its pods, their busy and total
 * workers, their summed mean queue lengths, and its traffic counters. */
struct node_load {
	int pods;
	double busy, workers, queue;
	struct node_stats all;
};

/* The load of every node, in one pass over the pods and the Services' node
 * rows (the caller frees). */
static struct node_load *node_loads(const struct cluster *c, const struct metrics *m)
{
	struct node_load *nl = ks_calloc((size_t)c->nnodes + 1, sizeof *nl);

	for (int s = 0; s < (m->node_detail ? m->nsvc : 1 /* shared */); s++)
		for (int n = 0; n < c->nnodes; n++) {
			const struct node_stats *ns = &m->svc[s].nodes[n];

			nl[n].all.lb_flows += ns->lb_flows;
			nl[n].all.forwarded_out += ns->forwarded_out;
			nl[n].all.snat_flows += ns->snat_flows;
			nl[n].all.dropped += ns->dropped;
			nl[n].all.bytes += ns->bytes;
		}

	for (int p = 0; p < c->npods; p++) {
		int conc = c->workloads[c->pods[p].workload].server.concurrency;
		struct node_load *x;

		if (c->pods[p].node < 0)
			continue;
		x = &nl[c->pods[p].node];
		x->pods++;
		x->busy += m->utilization[p] * conc;
		x->workers += conc;
		x->queue += m->queue_mean[p];
	}
	return nl;
}

/* A node across all Services: its pods' load and its tables' peaks. */
static void node_json(struct jsonw *w, const struct cluster *c, const struct metrics *m, int n,
		      const struct node_load *nl)
{
	jsonw_object(w, NULL);
	jsonw_string(w, "name", c->nodes[n].name);
	jsonw_string(w, "zone", c->zones[c->nodes[n].zone]);
	num(w, "pods", nl->pods);
	num(w, "utilization", nl->workers > 0 ? nl->busy / nl->workers : 0);
	num(w, "queue_length_mean", nl->queue);
	num(w, "peak_conntrack", m->peak_conntrack[n]);
	num(w, "conntrack_max", m->conntrack_max[n]);
	num(w, "peak_snat_ports", m->peak_snat_ports[n]);
	num(w, "lb_flows", (double)nl->all.lb_flows);
	num(w, "forwarded_out", (double)nl->all.forwarded_out);
	num(w, "snat_flows", (double)nl->all.snat_flows);
	num(w, "bytes", (double)nl->all.bytes);
	num(w, "dropped", (double)nl->all.dropped);
	jsonw_end(w);
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

/* Every file's contents, in one pass. */
static void write_run(struct out *out, const struct cluster *c, const struct metrics *m,
		      const struct results_reps *reps, uint64_t seed)
{
	struct jsonw *w = &out->w;
	struct node_load *nl;
	uint64_t lbt = 0;

	ofile_puts(&out->f[OUT_PODS], "service,pod,node,zone,flows,share,expected_share,completed,"
		   "dropped,utilization,latency_p50_ms,latency_p99_ms\n");
	ofile_puts(&out->f[OUT_NODES], "service,node,zone,lb_flows,lb_share,local_pods,forwarded_out,"
		   "snat_flows,peak_conntrack,dropped\n");
	if (m->timeseries) {
		char buf[1 << 16];
		size_t k;

		rewind(m->timeseries);
		while ((k = fread(buf, 1, sizeof buf, m->timeseries)) > 0)
			ofile_write(&out->f[OUT_TIMESERIES], buf, k);
	}
	jsonw_init(w, &out->f[OUT_JSON]);
	jsonw_object(w, NULL);
	jsonw_object(w, "scenario");
	jsonw_string(w, "name", c->name);
	jsonw_string(w, "description", c->description);
	jsonw_end(w);
	num(w, "seed", (double)seed);
	num(w, "replication", 0);
	num(w, "replications", m->replications);
	jsonw_object(w, "sim");
	num(w, "duration_s", c->duration_s);
	num(w, "warmup_s", c->warmup_s);
	num(w, "events", (double)m->events);
	num(w, "wall_s", m->wall_s);
	num(w, "events_per_s", m->wall_s > 0 ? (double)m->events / m->wall_s : 0);
	num(w, "peak_rss_mb", peak_rss_mb());
	jsonw_end(w);
	jsonw_array(w, "services");
	for (int s = 0; s < c->nservices; s++)
		service_out(out, c, m, reps, s);
	jsonw_end(w);
	if (c->ntimeline) {
		jsonw_array(w, "timeline");
		for (int i = 0; i < c->ntimeline; i++) {
			const struct tl_event *te = &c->timeline[i];

			jsonw_object(w, NULL);
			num(w, "at_s", te->at_s);
			jsonw_string(w, "action", cluster_action_name(te->action));
			jsonw_string(w, "target", event_target(c, te));
			num(w, "dropped_until_next", m->timeline_drops ? (double)m->timeline_drops[i] : 0);
			jsonw_end(w);
		}
		jsonw_end(w);
	}
	jsonw_array(w, "nodes");
	nl = node_loads(c, m);
	for (int n = 0; n < c->nnodes; n++) {
		node_json(w, c, m, n, &nl[n]);
		lbt += nl[n].all.lb_flows;
	}
	/* without per-Service node rows, nodes.csv has one row per node for
	 * all Services ("*") */
	for (int n = 0; n < c->nnodes && !m->node_detail; n++)
		ofile_printf(&out->f[OUT_NODES], "*,%s,%s,%llu,%.6f,%d,%llu,%llu,%u,%llu\n",
			     c->nodes[n].name, c->zones[c->nodes[n].zone],
			     (unsigned long long)nl[n].all.lb_flows, ratio(nl[n].all.lb_flows, lbt),
			     nl[n].pods, (unsigned long long)nl[n].all.forwarded_out,
			     (unsigned long long)nl[n].all.snat_flows, m->peak_conntrack[n],
			     (unsigned long long)nl[n].all.dropped);
	ks_free(nl);
	jsonw_end(w);
	jsonw_array(w, "workloads");
	for (int i = 0; i < c->nworkloads; i++) {
		const struct workload *wl = &c->workloads[i];

		jsonw_object(w, NULL);
		jsonw_string(w, "name", wl->name);
		jsonw_string(w, "kind", wl->kind == WL_DAEMONSET ? "DaemonSet" : "Deployment");
		num(w, "replicas", wl->replicas);
		num(w, "running", wl->running);
		num(w, "pending", wl->pending);
		jsonw_end(w);
	}
	jsonw_end(w); /* workloads */
	jsonw_end(w); /* the document */
	ofile_write(&out->f[OUT_JSON], "\n", 1);
}

/* Whether the run has file k. */
static int has_file(const struct metrics *m, int k)
{
	return k != OUT_TIMESERIES || m->timeseries != NULL;
}

int results_write(const char *dir, const struct cluster *c, const struct metrics *m,
		  const struct results_reps *reps, uint64_t seed, struct err *e)
{
	static const char *const names[OUT_NFILES] = { "pods.csv", "nodes.csv", "timeseries.csv",
						       "results.json" };
	struct out out;
	int opened = 0, rc;

	if (m->timeseries_errno) {
		const char *tmp = getenv("TMPDIR");
		char path[4200];

		snprintf(path, sizeof path, "%s/timeseries.csv", dir);
		return err_set(e, ERR_RUN, path, 0, 0, NULL, "cannot keep its rows in a temporary file "
			       "in %s (set TMPDIR to a writable directory): %s",
			       tmp && *tmp ? tmp : "/tmp", strerror(m->timeseries_errno));
	}
	if (make_dir(dir, e) < 0)
		return -1;
	while (opened < OUT_NFILES &&
	       (!has_file(m, opened) || ofile_open(&out.f[opened], dir, names[opened], e) == 0))
		opened++;
	rc = opened == OUT_NFILES ? 0 : -1;
	if (rc == 0)
		write_run(&out, c, m, reps, seed);
	/* results.json last: its presence means the run's files are complete. */
	for (int k = 0; k < opened; k++) {
		if (!has_file(m, k))
			continue;
		if (rc == 0)
			rc = ofile_commit(&out.f[k], e);
		else
			ofile_discard(&out.f[k]);
	}
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

struct keyed {
	double key;
	int row;
};

/* Largest key first, equal keys in row order (a stable order from qsort). */
static int by_key_desc(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? 1 : -1;
	return (x->row > y->row) - (x->row < y->row);
}

int results_table_rows(const double *key, int n, int *row)
{
	struct keyed *k;

	for (int i = 0; i < n; i++)
		row[i] = i;
	if (n <= RESULTS_TABLE_MAX)
		return n;
	/* O(n log n): a Service selecting every pod of the scale envelope has
	 * 150,000 endpoints */
	k = ks_calloc((size_t)n, sizeof *k);
	for (int i = 0; i < n; i++)
		k[i] = (struct keyed){ key[i], i };
	qsort(k, (size_t)n, sizeof *k, by_key_desc);
	for (int i = 0; i < n; i++)
		row[i] = k[i].row;
	ks_free(k);
	return RESULTS_TABLE_TOP;
}

/* The pod table of service s (cut by results_table_rows, by share). */
static void print_pods(FILE *f, const struct cluster *c, const struct metrics *m,
		       const struct results_reps *reps, int s, int utf8)
{
	const struct service *svc = &c->services[s];
	const struct svc_stats *ss = &m->svc[s];
	int *ep = ks_calloc((size_t)ss->neps + 1, sizeof *ep), *row, n = 0, top, pw = 3, nw = 4;
	double *sh = ks_calloc((size_t)ss->neps + 1, sizeof *sh), maxshare = 0;
	int keep = ss->requests != ss->routed; /* keep-alive: request shares too */

	for (int i = 0; i < ss->neps; i++)
		if (ss->eps[i].ever) {
			sh[n] = ratio(ss->eps[i].flows, ss->routed);
			ep[n++] = i;
		}
	row = ks_calloc((size_t)n + 1, sizeof *row);
	top = results_table_rows(sh, n, row);
	for (int k = 0; k < n; k++) {
		int i = ep[row[k]];

		if (results_table_hidden(k, n, top))
			continue;
		pw = name_width(pw, c->pods[svc->eps[i]].name);
		nw = name_width(nw, c->nodes[m->pod_node[svc->eps[i]]].name);
		maxshare = fmax(maxshare, fmax(sh[row[k]], ss->expected_share[i]));
	}
	fprintf(f, "  %-*s  %-*s  %7s  %8s  %s%s%5s\n", pw, "POD", nw, "NODE", "SHARE", "EXPECTED",
		reps ? "95% CI    " : "", keep ? "REQ SHARE  " : "", "UTIL");
	for (int k = 0; k < n; k++) {
		int i = ep[row[k]];

		if (k == top && top < n)
			fprintf(f, "  %s %d more pods, shares %.2f%% to %.2f%% (every pod: pods.csv)\n",
				utf8 ? "\u2026" : "...", n - top - RESULTS_TABLE_BOTTOM,
				100 * sh[row[n - RESULTS_TABLE_BOTTOM - 1]], 100 * sh[row[top]]);
		if (results_table_hidden(k, n, top))
			continue;
		fprintf(f, "  %-*s  %-*s  %6.2f%%  %7.2f%%  ", pw, c->pods[svc->eps[i]].name, nw,
			c->nodes[m->pod_node[svc->eps[i]]].name, 100 * sh[row[k]],
			100 * ss->expected_share[i]);
		if (reps)
			fprintf(f, "± %5.2f%%  ", 100 * results_ci95(&reps->share[s][i]));
		if (keep)
			fprintf(f, "%8.2f%%  ", 100 * ratio(ss->eps[i].requests, ss->requests));
		fprintf(f, "%4.0f%%  ", 100 * m->utilization[svc->eps[i]]);
		bar(f, sh[row[k]], maxshare, 30, utf8);
		fputc('\n', f);
	}
	ks_free(row);
	ks_free(sh);
	ks_free(ep);
}

/* Service s's block: its path, latency, skew and pod table, and its
 * node table up to 50 nodes. */
static void print_service(FILE *f, const struct cluster *c, const struct metrics *m,
			  const struct results_reps *reps, int s, int utf8)
{
	const struct service *svc = &c->services[s];
	const struct svc_stats *ss = &m->svc[s];
	struct svc_summary sum;
	int nw = 4;

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
		100 * ratio(ss->waited, ss->requests), tally_mean(&ss->wait));
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
	print_pods(f, c, m, reps, s, utf8);
	if (sum.skew.pods == 0)
		fprintf(f, "  (no ready endpoints)\n");
	if (c->nnodes <= 50 && m->node_detail) {
		uint64_t lbt = lb_total(ss, c->nnodes);
		int *lp = local_pods(c, m, s);

		for (int n = 0; n < c->nnodes; n++)
			nw = name_width(nw, c->nodes[n].name);

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

int results_pick_top(const double *x, const double *y, int n, int k, int *pick)
{
	int ny = 0;

	for (int r = 0; r < k; r++) {
		int a = -1, b = -1;

		for (int s = 0; s < n; s++) {
			if (!(pick[s] & 1) && (a < 0 || x[s] > x[a]))
				a = s;
			if (!(pick[s] & 2) && y[s] > 0 && (b < 0 || y[s] > y[b]))
				b = s;
		}
		if (a >= 0)
			pick[a] |= 1;
		if (b >= 0) {
			pick[b] |= 2;
			ny++;
		}
	}
	return ny;
}

/* Past RESULTS_SERVICES_MAX Services: one line each, then the blocks of the
 * RESULTS_SERVICES_DETAIL most skewed and of those dropping the largest
 * share (in scenario order). */
static void print_overview(FILE *f, const struct cluster *c, const struct metrics *m,
			   const struct results_reps *reps, int utf8)
{
	struct svc_summary *sum = ks_calloc((size_t)c->nservices, sizeof *sum);
	int *pick = ks_calloc((size_t)c->nservices, sizeof *pick), w = 7, ndrop;
	double *skew = ks_calloc((size_t)c->nservices, sizeof *skew);
	double *drop = ks_calloc((size_t)c->nservices, sizeof *drop);

	for (int s = 0; s < c->nservices; s++) {
		results_summarize(m, s, &sum[s]);
		w = name_width(w, c->services[s].name);
	}
	fprintf(f, "\n%d Services (each in full: results.json, pods.csv)\n\n"
		"  %-*s  %-7s  %10s  %8s  %8s  %9s  %6s  %6s\n", c->nservices, w, "SERVICE",
		"POLICY", "OFFERED", "DROPPED", "MAX/MEAN", "P99 MS", "SNAT", "2 HOPS");
	for (int s = 0; s < c->nservices; s++)
		fprintf(f, "  %-*s  %-7s  %10llu  %7.2f%%  %8.3f  %9.3g  %5.1f%%  %5.1f%%\n", w,
			c->services[s].name, cluster_policy_name(c->services[s].etp),
			(unsigned long long)m->svc[s].offered, 100 * sum[s].drop_fraction,
			sum[s].skew.max_over_mean, sum[s].p99_ms, 100 * sum[s].snat_fraction,
			100 * sum[s].second_hop_fraction);
	for (int s = 0; s < c->nservices; s++) {
		skew[s] = sum[s].skew.max_over_mean;
		drop[s] = sum[s].drop_fraction;
	}
	ndrop = results_pick_top(skew, drop, c->nservices, RESULTS_SERVICES_DETAIL, pick);
	fprintf(f, "\nin detail: the %d most skewed (max/mean)", RESULTS_SERVICES_DETAIL);
	if (ndrop)
		fprintf(f, " and the %d dropping the most flows\n", ndrop);
	else
		fprintf(f, "; none dropped flows\n");
	for (int s = 0; s < c->nservices; s++)
		if (pick[s])
			print_service(f, c, m, reps, s, utf8);
	ks_free(drop);
	ks_free(skew);
	ks_free(pick);
	ks_free(sum);
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
	if (c->nservices > RESULTS_SERVICES_MAX) {
		print_overview(f, c, m, reps, utf8);
		return;
	}
	for (int s = 0; s < c->nservices; s++)
		print_service(f, c, m, reps, s, utf8);
}
