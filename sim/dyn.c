/* dyn — a run whose layout changes: the scenario's timeline changes the
 * truth (pods deleted, created, rolled; nodes failing and draining; rates
 * and policies), and the views that route traffic catch up late.
 *
 * Truth: each pod is None (a spare slot), Pending, Starting (placed, not
 * Ready for readiness_delay_s), Ready, Terminating (serving until its
 * grace period ends) or Gone. A Deployment's controller replaces deleted
 * pods at once through the scheduler (placement_schedule_one); a failed
 * node's pods stop at once but stay endpoints until the node controller
 * marks them NotReady (node-monitor-grace-period, 40 s), and are replaced
 * after pod_eviction_timeout_s (the NoExecute toleration, 300 s).
 * Views: every change of a Service's endpoints makes a new version; each
 * node's proxy adopts it after proxy.sync_delay_ms plus its own jitter
 * (iptables minSyncPeriod, virtual-ips.md). Until then it may send to a pod
 * that is gone (stale_endpoint). The external LB probes each node every
 * interval (healthCheckNodePort under Local: 200 iff the node's proxy has a
 * Ready local endpoint, service_health.go; kube-proxy's healthz under
 * Cluster) and flips a node after healthyThreshold / unhealthyThreshold
 * consecutive results; a down node's probe fails only when its timeout
 * runs out.
 * Flows a dying pod still holds are lost (pod_terminated, node_down):
 * queued ones at once, ones in service when their completion fires, found
 * by the pod's epoch. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktsim/err.h"
#include "ktsim/mem.h"
#include "ktsim/placement.h"
#include "sim_int.h"

#define NODE_MONITOR_GRACE_S 40.0 /* kube-controller-manager --node-monitor-grace-period */

static size_t vi(const struct dyn *d, int svc, int n)
{
	return (size_t)svc * (size_t)d->nnodes + (size_t)n;
}

/* --- views ------------------------------------------------------------ */

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

/* A new version of service svc's endpoints from the truth, adopted by each
 * node after its sync delay. */
static void new_version(struct sim *s, int svc, double now)
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
	d->ver[svc][v].etp = (enum traffic_policy)d->etp[svc];
	ks_free(st);
	ks_free(node);
	for (int n = 0; n < d->nnodes; n++)
		d->use[svc][v].pending += (uint32_t)engine_schedule(
			s->eng, now + c->proxy.sync_delay_s + d->sync_jitter[n], EV_SYNC, (uint32_t)svc,
			(uint64_t)n << 32 | (uint32_t)v);
	ver_try_free(s, svc, (uint32_t)v - 1); /* no longer the newest */
}

static void endpoints_changed(struct sim *s, int pod, double now)
{
	const struct cluster *c = s->c;

	for (int i = 0; i < c->nservices; i++)
		for (int k = 0; k < c->services[i].neps; k++)
			if (c->services[i].eps[k] == pod) {
				new_version(s, i, now);
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

/* Tell every MetalLB Service's speakers about node n going up or down. */
static void speakers_notice(struct sim *s, int n, int up, double now)
{
	const struct cluster *c = s->c;

	for (int i = 0; i < c->nservices; i++) {
		const struct lb_spec *lb = &c->services[i].lb;

		if ((lb->mode == LB_L2 || lb->mode == LB_BGP) && !lb->hc.enabled)
			engine_schedule(s->eng, now + lb->failover_s, EV_LB, (uint32_t)i,
					(uint64_t)n << 1 | (uint64_t)up);
	}
}

static void probe_wake(struct sim *s, int svc, int n, double now);

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
	probe_wake(s, svc, n, ev->time);
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

/* Start node n's probes for Service svc unless they run or would change
 * nothing (see probe_settled). */
static void probe_wake(struct sim *s, int svc, int n, double now)
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
	probe_wake(s, (int)ev->a, (int)ev->b, ev->time);
}

/* --- pods --------------------------------------------------------------- */

/* The pod stops serving: its flows are lost for `why`. */
static void kill_pod(struct sim *s, int p, enum drop_reason why, double now)
{
	struct dyn *d = s->dyn;
	uint32_t f = server_kill(&s->servers[p], &s->flows, now);

	d->pod_epoch[p]++;
	d->kill_reason[p] = (uint8_t)why;
	while (f != POOL_NONE) {
		struct flow *fl = pool_at(&s->flows, f);
		uint32_t next = fl->next;

		if (fl->flags & F_MEASURED)
			sim_drop(&s->m.svc[fl->svc], (int)fl->node, why);
		sim_close_flow(s, f, now);
		f = next;
	}
}

static void set_state(struct sim *s, int p, int state, double now)
{
	s->dyn->pod_state[p] = (uint8_t)state;
	endpoints_changed(s, p, now);
}

/* Run the scheduler for pod p (None or Pending) of workload w: it starts on
 * a node and turns Ready after the readiness delay, or stays Pending. */
static void schedule_pod(struct sim *s, int p, int w, double now)
{
	struct dyn *d = s->dyn;
	int n = placement_schedule_one(s->c, s->pod_node, w, d->node_ok, s->c->seed, ++d->nonce);

	s->m.scheduler_runs++;
	if (n < 0) {
		d->pod_state[p] = PS_PENDING;
		return;
	}
	s->pod_node[p] = n;
	s->m.pod_node[p] = n;
	d->pod_state[p] = PS_STARTING;
	engine_schedule(s->eng, now + s->c->workloads[w].readiness_delay_s, EV_READY, (uint32_t)p,
			d->pod_epoch[p]);
}

/* The k-th pod slot of workload wl, 0 <= k < npods + nspare: its pods, then
 * its spare slots (both ranges in pod order, the spares after every pod). */
static int slot_pod(const struct workload *wl, int k)
{
	return k < wl->npods ? wl->first_pod + k : wl->first_spare + (k - wl->npods);
}

/* One pod of a retry pass (see retry_pending), if Pending. */
static void retry_pod(struct sim *s, int p, int w, double now)
{
	struct dyn *d = s->dyn;

	if (d->pod_state[p] != PS_PENDING)
		return;
	if (d->stuck_at[w] == d->retry_gen) {
		d->nonce++;
		return;
	}
	schedule_pod(s, p, w, now);
	if (d->pod_state[p] == PS_PENDING)
		d->stuck_at[w] = d->retry_gen;
	else
		d->retry_gen++;
}

/* Run the scheduler again for the Pending pods of workload `only`, or (only
 * < 0) of every workload but `skip`, in pod order. The pods of a workload are
 * alike, so once one of them stays Pending the others would too until some
 * pod is placed (which can only matter through pod affinity): they are
 * passed over, the nonce advanced as if each had been tried, so the outcome
 * is that of trying them all. This keeps a rollout beside thousands of
 * Pending pods from running the scheduler thousands of times per pod. */
static void retry_pending(struct sim *s, int only, int skip, double now)
{
	const struct cluster *c = s->c;

	s->dyn->retry_gen++;
	if (only >= 0) /* its own slots, in pod order as below */
		for (int k = 0; k < c->workloads[only].npods + c->workloads[only].nspare; k++)
			retry_pod(s, slot_pod(&c->workloads[only], k), only, now);
	for (int p = 0; only < 0 && p < c->npods; p++)
		if (c->pods[p].workload != skip)
			retry_pod(s, p, c->pods[p].workload, now);
}

/* Create a pod of workload w in a spare slot. Returns it or -1 (no slot). */
static int create_pod(struct sim *s, int w, double now)
{
	struct dyn *d = s->dyn;
	const struct workload *wl = &s->c->workloads[w];
	int p = -1;

	for (int i = wl->first_spare; i < wl->first_spare + wl->nspare && p < 0; i++)
		if (d->pod_state[i] == PS_NONE)
			p = i;
	if (p < 0)
		return -1;
	schedule_pod(s, p, w, now);
	return p;
}

/* Running or on its way (the controller counts Pending pods too). */
static int alive(const struct dyn *d, int p)
{
	return d->pod_state[p] == PS_STARTING || d->pod_state[p] == PS_READY ||
	       d->pod_state[p] == PS_PENDING;
}

static void reconcile(struct sim *s, int w, double now);

/* Delete pod p gracefully: it leaves the endpoints as Terminating, serves
 * what reaches it until its grace period ends, then is gone. */
static void delete_pod(struct sim *s, int p, double now)
{
	struct dyn *d = s->dyn;

	if (!alive(d, p))
		return;
	set_state(s, p, PS_TERMINATING, now);
	engine_schedule(s->eng, now + s->c->workloads[s->c->pods[p].workload].grace_s, EV_GONE,
			(uint32_t)p, d->pod_epoch[p]);
}

static void on_ready(struct engine *eng, const struct event *ev, void *ctx)
{
	struct sim *s = ctx;
	int p = (int)ev->a;

	(void)eng;
	if (ev->b != s->dyn->pod_epoch[p] || s->dyn->pod_state[p] != PS_STARTING)
		return;
	set_state(s, p, PS_READY, ev->time);
	reconcile(s, s->c->pods[p].workload, ev->time);
}

static void on_gone(struct engine *eng, const struct event *ev, void *ctx)
{
	struct sim *s = ctx;
	int p = (int)ev->a;

	(void)eng;
	if (ev->b != s->dyn->pod_epoch[p] || s->dyn->pod_state[p] == PS_GONE)
		return;
	kill_pod(s, p, DROP_POD_TERMINATED, ev->time);
	s->pod_node[p] = -1;
	set_state(s, p, PS_GONE, ev->time);
	reconcile(s, s->c->pods[p].workload, ev->time);
	/* Its requests are free: every other workload's Pending pods may fit
	 * now (reconcile retried its own; the scheduler requeues unschedulable
	 * pods on an assigned pod's delete event, pkg/scheduler/internal/queue). */
	retry_pending(s, -1, s->c->pods[p].workload, ev->time);
}

/* The Deployment controller: keep `wanted` pods alive; during a rollout,
 * make new pods (up to maxSurge over) and retire old ones while at least
 * wanted - maxUnavailable stay Ready (apps/v1 RollingUpdate). */
static void reconcile(struct sim *s, int w, double now)
{
	struct dyn *d = s->dyn;
	const struct workload *wl = &s->c->workloads[w];
	int wanted = d->live_workload[w], live = 0, ready = 0, new_live = 0, new_ready = 0;
	int nslots = wl->npods + wl->nspare;

	/* Pending pods are retried whenever something changed (the scheduler
	 * requeues them on cluster events). */
	retry_pending(s, w, -1, now);
	if (wl->kind == WL_DAEMONSET) {
		/* the DaemonSet controller fills every eligible node lacking its
		 * pod, once the old one is gone */
		for (;;) {
			int p = create_pod(s, w, now);

			if (p < 0)
				return;
			if (d->pod_state[p] == PS_PENDING) {
				d->pod_state[p] = PS_NONE;
				return;
			}
		}
	}
	for (int k = 0; k < nslots; k++) {
		int p = slot_pod(wl, k);

		if (!alive(d, p))
			continue;
		live++;
		ready += d->pod_state[p] == PS_READY;
		new_live += d->roll_new[p];
		new_ready += d->roll_new[p] && d->pod_state[p] == PS_READY;
	}
	if (!d->rolling[w]) {
		for (; live < wanted && create_pod(s, w, now) >= 0; live++)
			;
		for (int k = nslots - 1; k >= 0 && live > wanted; k--)
			if (alive(d, slot_pod(wl, k))) {
				delete_pod(s, slot_pod(wl, k), now);
				live--;
			}
		return;
	}
	/* rollout: surge new pods */
	while (new_live < wanted && live < wanted + d->roll_surge[w]) {
		int p = create_pod(s, w, now);

		if (p < 0)
			break;
		d->roll_new[p] = 1;
		new_live++;
		live++;
	}
	/* retire old pods while enough stay Ready */
	for (int k = 0; k < nslots && live > new_live; k++) {
		int p = slot_pod(wl, k);

		if (!alive(d, p) || d->roll_new[p])
			continue;
		if (ready - (d->pod_state[p] == PS_READY) < wanted - d->roll_unavail[w])
			break;
		ready -= d->pod_state[p] == PS_READY;
		delete_pod(s, p, now);
		live--;
	}
	if (live == new_live && new_ready == wanted)
		d->rolling[w] = 0;
}

/* --- the timeline --------------------------------------------------- */

static void node_down(struct sim *s, int n, double now)
{
	struct dyn *d = s->dyn;
	const struct cluster *c = s->c;

	d->node_up[n] = 0;
	d->node_ok[n] = 0;
	speakers_notice(s, n, 0, now);
	for (int i = 0; i < c->nservices; i++)
		probe_wake(s, i, n, now);
	for (int p = 0; p < c->npods; p++)
		if (s->pod_node[p] == n && (alive(d, p) || d->pod_state[p] == PS_TERMINATING)) {
			kill_pod(s, p, DROP_NODE_DOWN, now);
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
			reconcile(s, w, now);
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
			delete_pod(s, p, now);
			reconcile(s, te->target, now);
			break;
		}
		case TL_NODE_DOWN:
			node_down(s, te->target, now);
			break;
		case TL_NODE_UP:
			d->node_up[te->target] = 1;
			d->node_ok[te->target] = 1;
			speakers_notice(s, te->target, 1, now);
			for (int i = 0; i < c->nservices; i++)
				probe_wake(s, i, te->target, now);
			for (int w = 0; w < c->nworkloads; w++)
				reconcile(s, w, now);
			break;
		case TL_DRAIN:
			/* cordon, then evict: each eviction is a graceful delete
			 * whose replacement the controller starts elsewhere */
			d->node_ok[te->target] = 0;
			for (int p = 0, k = 0; p < c->npods && k < te->value * 1000000; p++)
				if (s->pod_node[p] == te->target && alive(d, p)) {
					delete_pod(s, p, now);
					reconcile(s, c->pods[p].workload, now);
					k++;
				}
			break;
		case TL_SCALE:
			d->live_workload[te->target] = te->value;
			reconcile(s, te->target, now);
			break;
		case TL_ROLLOUT:
			d->rolling[te->target] = 1;
			d->roll_surge[te->target] = te->surge;
			d->roll_unavail[te->target] = te->value;
			for (int p = 0; p < c->npods; p++)
				if (c->pods[p].workload == te->target)
					d->roll_new[p] = 0;
			reconcile(s, te->target, now);
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
			new_version(s, te->target, now);
			for (int n = 0; n < c->nnodes; n++)
				probe_wake(s, te->target, n, now);
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
			double sum = es->latency.mean * (double)es->latency.n;
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
		/* version 0 is the layout the run starts from */
		d->ver[i] = ks_calloc(1, sizeof **d->ver);
		proxy_svc_init(&d->ver[i][0], c, i, s->node_zone, NULL, NULL);
		d->nver[i] = 1;
		d->use[i] = ks_calloc(1, sizeof **d->use);
		d->use[i][0].viewers = (uint32_t)c->nnodes;
		for (int n = 0; n < c->nnodes; n++) {
			struct hc_state *h = &d->hc[vi(d, i, n)];

			h->healthy = (uint8_t)probe_passes(s, i, n);
			d->hc_healthy[i] += h->healthy;
			d->lb_in[vi(d, i, n)] = lb_input(s, i, n);
			if (c->services[i].lb.hc.enabled)
				d->probe_t[vi(d, i, n)] = c->services[i].lb.hc.interval_s * rng_uniform(&d->hc_rng);
		}
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
	engine_on(s->eng, EV_SYNC, on_sync, s);
	engine_on(s->eng, EV_PROBE, on_probe, s);
	engine_on(s->eng, EV_PROBE_FAIL, on_probe_fail, s);
	engine_on(s->eng, EV_READY, on_ready, s);
	engine_on(s->eng, EV_GONE, on_gone, s);
	engine_on(s->eng, EV_SAMPLE, on_sample, s);
	engine_on(s->eng, EV_LB, on_lb, s);
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
