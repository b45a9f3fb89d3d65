/* dyn — a run whose layout changes: the scenario's timeline changes the
 * truth (pods deleted, created, rolled; nodes failing and draining; rates
 * and policies), and the views that route traffic catch up late. This file
 * plays the timeline, samples the time series and sets the machinery up;
 * dyn_pods.c keeps the pods and their controllers, dyn_views.c the
 * proxies' endpoint versions, the external LBs and their health checks.
 *
 * A failed node's pods stop at once but stay endpoints until the node
 * controller marks them NotReady (node-monitor-grace-period, 40 s), and are
 * replaced after pod_eviction_timeout_s (the NoExecute toleration, 300 s). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dyn_int.h"
#include "ktsim/err.h"
#include "ktsim/mem.h"

#define NODE_MONITOR_GRACE_S 40.0 /* kube-controller-manager --node-monitor-grace-period */

/* --- the timeline --------------------------------------------------- */

static void node_down(struct sim *s, int n, double now)
{
	struct dyn *d = s->dyn;
	const struct cluster *c = s->c;

	d->node_up[n] = 0;
	d->node_ok[n] = 0;
	dyn_speakers_notice(s, n, 0, now);
	for (int i = 0; i < c->nservices; i++)
		dyn_probe_wake(s, i, n, now);
	for (int p = 0; p < c->npods; p++)
		if (s->pod_node[p] == n && (dyn_alive(d, p) || d->pod_state[p] == PS_TERMINATING)) {
			dyn_kill_pod(s, p, DROP_NODE_DOWN, now);
			/* still an endpoint until the node controller notices */
			engine_schedule(s->eng, now + NODE_MONITOR_GRACE_S, EV_GONE, (uint32_t)p,
					d->pod_epoch[p]);
		}
	engine_schedule(s->eng, now + c->eviction_timeout_s, EV_TIMELINE, UINT32_MAX, (uint64_t)n);
}

static void on_timeline(struct engine *eng, const struct event *ev, void *ctx)
{
	struct sim *s = ctx;
	struct dyn *d = s->dyn;
	const struct cluster *c = s->c;
	double now = ev->time;

	(void)eng;
	if (ev->a == UINT32_MAX) {
		/* the eviction timeout of a down node: replace its pods */
		for (int w = 0; w < c->nworkloads; w++)
			dyn_reconcile(s, w, now);
		return;
	}
	{
		const struct tl_event *te = &c->timeline[ev->a];
		uint64_t total = 0;

		for (int i = 0; i < c->nservices; i++)
			total += s->m.svc[i].dropped;
		d->drops_at[ev->a] = total;
		switch (te->action) {
		case TL_DELETE_POD: {
			const struct workload *wl = &c->workloads[te->target];
			int p = wl->first_pod + te->value;

			if (te->value >= wl->npods)
				break;
			dyn_delete_pod(s, p, now);
			dyn_reconcile(s, te->target, now);
			break;
		}
		case TL_NODE_DOWN:
			node_down(s, te->target, now);
			break;
		case TL_NODE_UP:
			d->node_up[te->target] = 1;
			d->node_ok[te->target] = 1;
			dyn_speakers_notice(s, te->target, 1, now);
			for (int i = 0; i < c->nservices; i++)
				dyn_probe_wake(s, i, te->target, now);
			for (int w = 0; w < c->nworkloads; w++)
				dyn_reconcile(s, w, now);
			break;
		case TL_DRAIN:
			/* cordon, then evict: each eviction is a graceful delete
			 * whose replacement the controller starts elsewhere */
			d->node_ok[te->target] = 0;
			for (int p = 0, k = 0; p < c->npods && k < te->value * 1000000; p++)
				if (s->pod_node[p] == te->target && dyn_alive(d, p)) {
					dyn_delete_pod(s, p, now);
					dyn_reconcile(s, c->pods[p].workload, now);
					k++;
				}
			break;
		case TL_SCALE:
			d->live_workload[te->target] = te->value;
			dyn_reconcile(s, te->target, now);
			break;
		case TL_ROLLOUT:
			d->rolling[te->target] = 1;
			d->roll_surge[te->target] = te->surge;
			d->roll_unavail[te->target] = te->value;
			for (int p = 0; p < c->npods; p++)
				if (c->pods[p].workload == te->target)
					d->roll_new[p] = 0;
			dyn_reconcile(s, te->target, now);
			break;
		case TL_SET_RATE: {
			struct client_rt *cl = &s->clients[te->target];

			cl->mean_gap_s = 1.0 / te->rate;
			cl->gen++;
			engine_schedule(s->eng, now + cl->mean_gap_s * rng_exp1(&cl->arrivals), EV_ARRIVAL,
					(uint32_t)te->target, cl->gen);
			break;
		}
		default: /* TL_SET_POLICY */
			/* proxies and health checks follow it through the usual sync */
			d->etp[te->target] = (uint8_t)te->value;
			dyn_new_version(s, te->target, now);
			for (int n = 0; n < c->nnodes; n++)
				dyn_probe_wake(s, te->target, n, now);
			break;
		}
	}
}

/* --- time series ------------------------------------------------------ */

static void ts_printf(struct dyn *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ts_printf(struct dyn *d, const char *fmt, ...)
{
	va_list ap;

	if (d->ts == NULL)
		return;
	va_start(ap, fmt);
	if (vfprintf(d->ts, fmt, ap) < 0 && d->ts_errno == 0)
		d->ts_errno = errno ? errno : EIO;
	va_end(ap);
}

/* The rows go to a temporary file in $TMPDIR (else /tmp), unlinked at once
 * so nothing is left behind, and are copied into timeseries.csv when the
 * results are written: 150,000 pods sampled every second make 8 MB a
 * sample, which would otherwise stay in memory for the whole run. */
static void ts_open(struct dyn *d)
{
	const char *dir = getenv("TMPDIR");
	char path[4200];
	int fd;

	snprintf(path, sizeof path, "%s/ktsim-timeseries-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0 || unlink(path) < 0 || (d->ts = fdopen(fd, "w+")) == NULL) {
		d->ts_errno = errno ? errno : EIO;
		if (fd >= 0)
			close(fd);
		return;
	}
	setvbuf(d->ts, NULL, _IOFBF, 1 << 16);
}

static void on_sample(struct engine *eng, const struct event *ev, void *ctx)
{
	struct sim *s = ctx;
	struct dyn *d = s->dyn;
	const struct cluster *c = s->c;

	sim_flush_eps(s);
	for (int i = 0; i < c->nservices; i++) {
		const struct svc_stats *ss = &s->m.svc[i];

		for (int k = 0; k < ss->neps; k++) {
			const struct ep_stats *es = &ss->eps[k];
			int r = d->row[i] + k, p = c->services[i].eps[k];
			double sum = es->latency.sum;
			uint64_t n = es->latency.n - d->last_lat_n[r];

			if (!es->ever)
				continue;
			ts_printf(d, "%g,pod,%s,%s,%s,%llu,%llu,%llu,%u,%.4f,\n", ev->time,
				  c->services[i].name, c->pods[p].name,
				  s->pod_node[p] >= 0 ? c->nodes[s->pod_node[p]].name : "",
				  (unsigned long long)(es->flows - d->last_flows[r]),
				  (unsigned long long)(es->completed - d->last_done[r]),
				  (unsigned long long)(es->dropped - d->last_drop[r]),
				  s->servers[p].qlen, n ? (sum - d->last_lat_sum[r]) / (double)n : 0);
			d->last_flows[r] = es->flows;
			d->last_done[r] = es->completed;
			d->last_drop[r] = es->dropped;
			d->last_lat_sum[r] = sum;
			d->last_lat_n[r] = es->latency.n;
		}
		/* per-Service node rows only where they are kept (metrics.h) */
		for (int n = 0; n < d->nnodes && s->m.node_detail; n++)
			ts_printf(d, "%g,node,%s,%s,%s,%llu,,%llu,,,%d\n", ev->time, c->services[i].name,
				  "", c->nodes[n].name, (unsigned long long)ss->nodes[n].lb_flows,
				  (unsigned long long)ss->nodes[n].dropped, d->hc[vi(d, i, n)].healthy);
		/* the Service's running totals, drops without a node included,
		 * and how many nodes its LB sees healthy */
		ts_printf(d, "%g,service,%s,,,%llu,%llu,%llu,,,%d\n", ev->time, c->services[i].name,
			  (unsigned long long)ss->offered, (unsigned long long)ss->completed,
			  (unsigned long long)ss->dropped, d->hc_healthy[i]);
	}
	engine_schedule(eng, ev->time + c->sample_interval_s, EV_SAMPLE, 0, 0);
}

/* --- set-up ------------------------------------------------------------ */

void dyn_create(struct sim *s, uint64_t seed, uint32_t replication)
{
	const struct cluster *c = s->c;
	struct dyn *d;
	int rows = 0;

	if (c->ntimeline == 0)
		return;
	d = s->dyn = ks_calloc(1, sizeof *d);
	d->nsvc = c->nservices;
	d->nnodes = c->nnodes;
	d->npods = c->npods;
	d->pod_state = ks_calloc((size_t)c->npods + 1, 1);
	d->pod_epoch = ks_calloc((size_t)c->npods + 1, sizeof *d->pod_epoch);
	d->kill_reason = ks_calloc((size_t)c->npods + 1, 1);
	d->roll_new = ks_calloc((size_t)c->npods + 1, 1);
	for (int p = 0; p < c->npods; p++) {
		const struct workload *wl = &c->workloads[c->pods[p].workload];
		int spare = p >= wl->first_spare && p < wl->first_spare + wl->nspare;

		d->pod_state[p] = spare ? PS_NONE : c->pods[p].node < 0 ? PS_PENDING : PS_READY;
	}
	d->node_up = ks_calloc((size_t)c->nnodes + 1, 1);
	d->node_ok = ks_calloc((size_t)c->nnodes + 1, 1);
	memset(d->node_up, 1, (size_t)c->nnodes);
	memset(d->node_ok, 1, (size_t)c->nnodes);
	d->ver = ks_calloc((size_t)c->nservices + 1, sizeof *d->ver);
	d->use = ks_calloc((size_t)c->nservices + 1, sizeof *d->use);
	d->nver = ks_calloc((size_t)c->nservices + 1, sizeof *d->nver);
	d->view = ks_calloc((size_t)c->nservices * (size_t)c->nnodes + 1, sizeof *d->view);
	d->hc = ks_calloc((size_t)c->nservices * (size_t)c->nnodes + 1, sizeof *d->hc);
	d->hc_healthy = ks_calloc((size_t)c->nservices + 1, sizeof *d->hc_healthy);
	d->speaker = ks_calloc((size_t)c->nservices * (size_t)c->nnodes + 1, 1);
	d->lb_in = ks_calloc((size_t)c->nservices * (size_t)c->nnodes + 1, sizeof *d->lb_in);
	d->probe_t = ks_calloc((size_t)c->nservices * (size_t)c->nnodes + 1, sizeof *d->probe_t);
	memset(d->speaker, 1, (size_t)c->nservices * (size_t)c->nnodes);
	d->sync_jitter = ks_calloc((size_t)c->nnodes + 1, sizeof *d->sync_jitter);
	rng_init(&d->hc_rng, rng_derive(seed, replication, STREAM_HEALTH, 0));
	rng_init(&d->sync_rng, rng_derive(seed, replication, STREAM_SYNC, 0));
	for (int n = 0; n < c->nnodes; n++)
		d->sync_jitter[n] = c->proxy.sync_jitter_s * rng_uniform(&d->sync_rng);
	d->etp = ks_calloc((size_t)c->nservices + 1, 1);
	for (int i = 0; i < c->nservices; i++)
		d->etp[i] = (uint8_t)c->services[i].etp;
	d->live_workload = ks_calloc((size_t)c->nworkloads + 1, sizeof(int));
	d->rolling = ks_calloc((size_t)c->nworkloads + 1, sizeof(int));
	d->roll_surge = ks_calloc((size_t)c->nworkloads + 1, sizeof(int));
	d->roll_unavail = ks_calloc((size_t)c->nworkloads + 1, sizeof(int));
	d->stuck_at = ks_calloc((size_t)c->nworkloads + 1, sizeof *d->stuck_at);
	for (int w = 0; w < c->nworkloads; w++)
		d->live_workload[w] = c->workloads[w].replicas;
	d->drops_at = ks_calloc((size_t)c->ntimeline + 1, sizeof *d->drops_at);
	d->row = ks_calloc((size_t)c->nservices + 1, sizeof *d->row);
	for (int i = 0; i < c->nservices; i++) {
		dyn_views_start(s, i);
		d->row[i] = rows;
		rows += c->services[i].neps;
	}
	d->last_flows = ks_calloc((size_t)rows + 1, sizeof *d->last_flows);
	d->last_done = ks_calloc((size_t)rows + 1, sizeof *d->last_done);
	d->last_drop = ks_calloc((size_t)rows + 1, sizeof *d->last_drop);
	d->last_lat_sum = ks_calloc((size_t)rows + 1, sizeof *d->last_lat_sum);
	d->last_lat_n = ks_calloc((size_t)rows + 1, sizeof *d->last_lat_n);
	for (int i = 0; i < c->ntimeline; i++)
		engine_schedule(s->eng, c->timeline[i].at_s, EV_TIMELINE, (uint32_t)i, 0);
	if (c->sample_interval_s > 0) {
		ts_open(d);
		ts_printf(d, "time_s,kind,service,pod,node,flows,completed,dropped,queue,latency_mean_ms,lb_healthy\n");
		engine_schedule(s->eng, c->sample_interval_s, EV_SAMPLE, 0, 0);
	}
	engine_on(s->eng, EV_TIMELINE, on_timeline, s);
	engine_on(s->eng, EV_SAMPLE, on_sample, s);
	dyn_views_on(s);
	dyn_pods_on(s);
}

void dyn_finish(struct sim *s)
{
	struct dyn *d = s->dyn;
	const struct cluster *c = s->c;
	uint64_t total = 0;

	if (d == NULL)
		return;
	for (int i = 0; i < c->nservices; i++)
		total += s->m.svc[i].dropped;
	s->m.ntimeline = c->ntimeline;
	s->m.timeline_drops = ks_calloc((size_t)c->ntimeline + 1, sizeof *s->m.timeline_drops);
	for (int i = 0; i < c->ntimeline; i++) {
		uint64_t end = i + 1 < c->ntimeline && c->timeline[i + 1].at_s <= engine_now(s->eng)
				       ? d->drops_at[i + 1] : total;

		s->m.timeline_drops[i] = c->timeline[i].at_s <= engine_now(s->eng) ? end - d->drops_at[i] : 0;
	}
	if (d->ts && fflush(d->ts) != 0 && d->ts_errno == 0)
		d->ts_errno = errno ? errno : EIO;
	s->m.timeseries = d->ts;
	s->m.timeseries_errno = d->ts_errno;
	d->ts = NULL;
}

void dyn_destroy(struct sim *s)
{
	struct dyn *d = s->dyn;

	if (d == NULL)
		return;
	for (int i = 0; i < d->nsvc; i++) {
		for (int v = 0; v < d->nver[i]; v++)
			proxy_svc_fini(&d->ver[i][v]); /* a no-op on a freed one */
		ks_free(d->ver[i]);
		ks_free(d->use[i]);
	}
	ks_free(d->ver);
	ks_free(d->use);
	ks_free(d->nver);
	ks_free(d->view);
	ks_free(d->hc);
	ks_free(d->hc_healthy);
	ks_free(d->speaker);
	ks_free(d->sync_jitter);
	ks_free(d->pod_state);
	ks_free(d->pod_epoch);
	ks_free(d->kill_reason);
	ks_free(d->roll_new);
	ks_free(d->node_up);
	ks_free(d->node_ok);
	ks_free(d->etp);
	ks_free(d->live_workload);
	ks_free(d->rolling);
	ks_free(d->roll_surge);
	ks_free(d->roll_unavail);
	ks_free(d->stuck_at);
	ks_free(d->lb_in);
	ks_free(d->probe_t);
	ks_free(d->drops_at);
	ks_free(d->row);
	ks_free(d->last_flows);
	ks_free(d->last_done);
	ks_free(d->last_drop);
	ks_free(d->last_lat_sum);
	ks_free(d->last_lat_n);
	if (d->ts)
		fclose(d->ts);
	ks_free(d);
	s->dyn = NULL;
}
