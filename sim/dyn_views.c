/* dyn_views — how the data plane sees a changing layout (see dyn.c for the
 * timeline that changes it).
 *
 * Every change of a Service's endpoints makes a new version; each node's
 * proxy adopts it after proxy.sync_delay_ms plus its own jitter (iptables
 * minSyncPeriod, virtual-ips.md). Until then it may send to a pod that is
 * gone (stale_endpoint). A version nothing uses any more is freed. The
 * external LB probes each node every interval (healthCheckNodePort under
 * Local: 200 iff the node's proxy has a Ready local endpoint,
 * service_health.go; kube-proxy's healthz under Cluster) and flips a node
 * after healthyThreshold / unhealthyThreshold consecutive results; a down
 * node's probe fails only when its timeout runs out. LBs that follow
 * endpoints without probing (MetalLB, TKE bindings, weighted) re-read a
 * node when it syncs. */
#include <string.h>

#include "dyn_int.h"
#include "ktsim/err.h"
#include "ktsim/mem.h"

/* Free version v of svc if it is not the newest and nothing needs it. */
static void ver_try_free(struct sim *s, int svc, uint32_t v)
{
	struct dyn *d = s->dyn;
	struct ver_use *u = &d->use[svc][v];

	if (u->freed || v + 1 == (uint32_t)d->nver[svc] || u->viewers || u->pending || u->conns)
		return;
	proxy_svc_fini(&d->ver[svc][v]);
	u->freed = 1;
	s->m.versions_freed++;
}

void dyn_ver_hold(struct sim *s, uint32_t svc, uint32_t v)
{
	s->dyn->use[svc][v].conns++;
}

void dyn_ver_release(struct sim *s, uint32_t svc, uint32_t v)
{
	KS_ASSERT(s->dyn->use[svc][v].conns > 0);
	s->dyn->use[svc][v].conns--;
	ver_try_free(s, (int)svc, v);
}

void dyn_new_version(struct sim *s, int svc, double now)
{
	struct dyn *d = s->dyn;
	const struct cluster *c = s->c;
	const struct service *sv = &c->services[svc];
	uint8_t *st = ks_calloc((size_t)sv->neps + 1, 1);
	int *node = ks_calloc((size_t)sv->neps + 1, sizeof *node);
	int v = d->nver[svc]++;

	for (int i = 0; i < sv->neps; i++) {
		int p = sv->eps[i];

		node[i] = s->pod_node[p];
		st[i] = d->pod_state[p] == PS_READY ? EP_READY
			: d->pod_state[p] == PS_TERMINATING ? EP_TERMINATING : EP_ABSENT;
		if (node[i] < 0)
			st[i] = EP_ABSENT;
		if (st[i] == EP_READY)
			s->m.svc[svc].eps[i].ever = 1;
	}
	d->ver[svc] = ks_realloc(d->ver[svc], (size_t)v + 1, sizeof *d->ver[svc]);
	d->use[svc] = ks_realloc(d->use[svc], (size_t)v + 1, sizeof *d->use[svc]);
	memset(&d->use[svc][v], 0, sizeof d->use[svc][v]);
	proxy_svc_init(&d->ver[svc][v], c, svc, s->node_zone, st, node);
	d->ver[svc][v].order_salt = s->psvc[svc].order_salt;
	d->ver[svc][v].etp = (enum traffic_policy)d->etp[svc];
	ks_free(st);
	ks_free(node);
	for (int n = 0; n < d->nnodes; n++)
		d->use[svc][v].pending += (uint32_t)engine_schedule(
			s->eng, now + c->proxy.sync_delay_s + d->sync_jitter[n], EV_SYNC, (uint32_t)svc,
			(uint64_t)n << 32 | (uint32_t)v);
	ver_try_free(s, svc, (uint32_t)v - 1); /* no longer the newest */
}

void dyn_endpoints_changed(struct sim *s, int pod, double now)
{
	const struct cluster *c = s->c;

	for (int i = 0; i < c->nservices; i++)
		for (int k = 0; k < c->services[i].neps; k++)
			if (c->services[i].eps[k] == pod) {
				dyn_new_version(s, i, now);
				break;
			}
}

/* What service svc's LB knows of node n: its ready local endpoints as the
 * node's proxy sees them (times two), plus one if the node is healthy. */
static int lb_input(struct sim *s, int svc, int n)
{
	const struct dyn *d = s->dyn;
	uint32_t v;
	int local = proxy_local_count(sim_view(s, svc, n, &v), n);

	return local * 2 + (s->c->services[svc].lb.hc.enabled ? d->hc[vi(d, svc, n)].healthy
							       : d->speaker[vi(d, svc, n)]);
}

/* Rebuild service svc's LB pool from what the LB believes now. */
static void lb_rebuild(struct sim *s, int svc)
{
	struct dyn *d = s->dyn;
	const struct cluster *c = s->c;
	int *local = ks_calloc((size_t)d->nnodes + 1, sizeof *local);
	uint8_t *ok = ks_calloc((size_t)d->nnodes + 1, 1);
	struct lb *lb = &s->lbs[svc];
	struct rng keep = lb->rng;

	s->m.lb_rebuilds++;
	for (int n = 0; n < d->nnodes; n++) {
		int in = d->lb_in[vi(d, svc, n)] = lb_input(s, svc, n);

		local[n] = in / 2;
		ok[n] = (uint8_t)(in % 2);
	}
	/* keep the choice stream going rather than restarting it */
	lb_fini(lb);
	lb_init_view(lb, c, svc, local, ok, &keep);
	ks_free(local);
	ks_free(ok);
}

/* MetalLB's memberlist has decided a node's speaker is gone or back
 * (failover_s after the node failed or returned): re-elect / re-announce. */
static void on_lb(struct engine *eng, const struct event *ev, void *ctx)
{
	struct sim *s = ctx;
	struct dyn *d = s->dyn;
	int svc = (int)ev->a, n = (int)(ev->b >> 1);

	(void)eng;
	d->speaker[vi(d, svc, n)] = (uint8_t)(ev->b & 1);
	lb_rebuild(s, svc);
}

void dyn_speakers_notice(struct sim *s, int n, int up, double now)
{
	const struct cluster *c = s->c;

	for (int i = 0; i < c->nservices; i++) {
		const struct lb_spec *lb = &c->services[i].lb;

		if ((lb->mode == LB_L2 || lb->mode == LB_BGP) && !lb->hc.enabled)
			engine_schedule(s->eng, now + lb->failover_s, EV_LB, (uint32_t)i,
					(uint64_t)n << 1 | (uint64_t)up);
	}
}

static void on_sync(struct engine *eng, const struct event *ev, void *ctx)
{
	struct sim *s = ctx;
	struct dyn *d = s->dyn;
	int svc = (int)ev->a, n = (int)(ev->b >> 32);
	uint32_t v = (uint32_t)ev->b;

	(void)eng;
	d->use[svc][v].pending--;
	if (v <= d->view[vi(d, svc, n)]) {
		ver_try_free(s, svc, v);
		return;
	}
	d->use[svc][d->view[vi(d, svc, n)]].viewers--;
	d->use[svc][v].viewers++;
	ver_try_free(s, svc, d->view[vi(d, svc, n)]);
	d->view[vi(d, svc, n)] = v;
	dyn_probe_wake(s, svc, n, ev->time);
	/* LBs that follow endpoints without probing (MetalLB, TKE bindings,
	 * weights from the health check header) re-read them with the node;
	 * only this node's view changed, so when what the LB knows of it is
	 * the same the pool is too (and a rebuild, O(nodes), is skipped: a
	 * rollout on 5,000 nodes syncs 5,000 views per endpoint change). */
	if ((!s->c->services[svc].lb.hc.enabled || s->c->services[svc].lb.mode == LB_WEIGHTED) &&
	    lb_input(s, svc, n) != d->lb_in[vi(d, svc, n)])
		lb_rebuild(s, svc);
}

/* --- health checks ---------------------------------------------------- */

static int probe_passes(struct sim *s, int svc, int n)
{
	uint32_t v;

	if (!s->dyn->node_up[n])
		return 0;
	if (s->dyn->etp[svc] == POLICY_CLUSTER)
		return 1;
	/* healthCheckNodePort counts the proxy's Ready local endpoints only */
	return proxy_local_count(sim_view(s, svc, n, &v), n) > 0;
}

/* The LB probes every node every interval_s, but a probe that finds what
 * the LB already believes (and no streak to reset) changes nothing, so only
 * probes that may change something are simulated: after a change that can
 * alter node n's answer (its proxy's sync, the node going down or up, a new
 * externalTrafficPolicy) its probes resume at the next time of its fixed
 * schedule, and stop once the LB agrees with the answer again. The probe
 * times are those of the full schedule (each the last plus interval_s), so
 * the outcome is the same as probing all the time: a 5,000-node, 1,000-
 * Service run with a timeline keeps 5 million fewer events pending.
 * probe_settled: whether node n's next probe would change nothing. */
static int probe_settled(struct sim *s, int svc, int n)
{
	const struct hc_state *h = &s->dyn->hc[vi(s->dyn, svc, n)];

	/* a down node does not answer: its probes fail */
	return h->streak == 0 &&
	       (s->dyn->node_up[n] ? probe_passes(s, svc, n) == h->healthy : !h->healthy);
}

void dyn_probe_wake(struct sim *s, int svc, int n, double now)
{
	struct dyn *d = s->dyn;
	const struct health_check *hc = &s->c->services[svc].lb.hc;
	double *t = &d->probe_t[vi(d, svc, n)];

	if (!hc->enabled || d->hc[vi(d, svc, n)].probing || probe_settled(s, svc, n))
		return;
	while (*t < now)
		*t += hc->interval_s;
	d->hc[vi(d, svc, n)].probing = 1;
	engine_schedule(s->eng, *t, EV_PROBE, (uint32_t)svc, (uint64_t)n);
}

/* One probe's result for node n of Service svc: a node flips after
 * healthyThreshold / unhealthyThreshold results in a row against its state. */
static void probe_result(struct sim *s, int svc, int n, int pass)
{
	const struct health_check *hc = &s->c->services[svc].lb.hc;
	struct hc_state *h = &s->dyn->hc[vi(s->dyn, svc, n)];

	if (pass == h->healthy) {
		h->streak = 0;
	} else if (++h->streak >= (pass ? hc->healthy_threshold : hc->unhealthy_threshold)) {
		h->healthy = (uint8_t)pass;
		h->streak = 0;
		s->dyn->hc_healthy[svc] += pass ? 1 : -1;
		lb_rebuild(s, svc);
	}
}

/* A probe goes out: a running node answers at once (200, or 503 under Local
 * without a Ready local endpoint); a down node does not answer, and the
 * probe fails when timeout_s runs out (EV_PROBE_FAIL) - so a failed node is
 * noticed timeout_s later than a 503 would be (AWS target groups'
 * HealthCheckTimeoutSeconds: "the amount of time during which no response
 * means a failed health check"; GCP health checks' timeoutSec, at most
 * checkIntervalSec - ktsim does not enforce that bound). */
static void on_probe(struct engine *eng, const struct event *ev, void *ctx)
{
	struct sim *s = ctx;
	struct dyn *d = s->dyn;
	int svc = (int)ev->a, n = (int)ev->b;
	const struct health_check *hc = &s->c->services[svc].lb.hc;
	struct hc_state *h = &d->hc[vi(d, svc, n)];

	d->probe_t[vi(d, svc, n)] = ev->time + hc->interval_s;
	if (d->node_up[n])
		probe_result(s, svc, n, probe_passes(s, svc, n));
	else if (!probe_settled(s, svc, n)) /* else its failure would change nothing */
		engine_schedule(eng, ev->time + hc->timeout_s, EV_PROBE_FAIL, ev->a, ev->b);
	h->probing = !probe_settled(s, svc, n);
	if (h->probing)
		engine_schedule(eng, d->probe_t[vi(d, svc, n)], EV_PROBE, ev->a, ev->b);
}

static void on_probe_fail(struct engine *eng, const struct event *ev, void *ctx)
{
	struct sim *s = ctx;

	(void)eng;
	probe_result(s, (int)ev->a, (int)ev->b, 0);
	dyn_probe_wake(s, (int)ev->a, (int)ev->b, ev->time);
}

void dyn_views_start(struct sim *s, int svc)
{
	struct dyn *d = s->dyn;
	const struct cluster *c = s->c;

	/* version 0 is the layout the run starts from */
	d->ver[svc] = ks_calloc(1, sizeof **d->ver);
	proxy_svc_init(&d->ver[svc][0], c, svc, s->node_zone, NULL, NULL);
	d->ver[svc][0].order_salt = s->psvc[svc].order_salt;
	d->nver[svc] = 1;
	d->use[svc] = ks_calloc(1, sizeof **d->use);
	d->use[svc][0].viewers = (uint32_t)c->nnodes;
	for (int n = 0; n < c->nnodes; n++) {
		struct hc_state *h = &d->hc[vi(d, svc, n)];

		h->healthy = (uint8_t)probe_passes(s, svc, n);
		d->hc_healthy[svc] += h->healthy;
		d->lb_in[vi(d, svc, n)] = lb_input(s, svc, n);
		if (c->services[svc].lb.hc.enabled)
			d->probe_t[vi(d, svc, n)] = c->services[svc].lb.hc.interval_s * rng_uniform(&d->hc_rng);
	}
}

void dyn_views_on(struct sim *s)
{
	engine_on(s->eng, EV_SYNC, on_sync, s);
	engine_on(s->eng, EV_PROBE, on_probe, s);
	engine_on(s->eng, EV_PROBE_FAIL, on_probe_fail, s);
	engine_on(s->eng, EV_LB, on_lb, s);
}
