/* dyn_pods — pods and their controllers while the timeline runs (see dyn.c).
 *
 * Each pod is None (a spare slot), Pending, Starting (placed, not Ready for
 * readiness_delay_s), Ready, Terminating (serving until its grace period
 * ends) or Gone. A Deployment's controller replaces deleted pods at once
 * through the scheduler (placement_schedule_one) and rolls out new pods
 * (maxSurge, maxUnavailable); the DaemonSet controller fills every eligible
 * node. Pending pods are retried when room may have appeared. Flows a dying
 * pod still holds are lost (pod_terminated, node_down): queued ones at
 * once, ones in service when their completion fires, found by the pod's
 * epoch. */
#include "dyn_int.h"
#include "ktsim/placement.h"

/* The pod stops serving: its flows are lost for `why`. */
void dyn_kill_pod(struct sim *s, int p, enum drop_reason why, double now)
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
	dyn_endpoints_changed(s, p, now);
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

int dyn_alive(const struct dyn *d, int p)
{
	return d->pod_state[p] == PS_STARTING || d->pod_state[p] == PS_READY ||
	       d->pod_state[p] == PS_PENDING;
}

/* Delete pod p gracefully: it leaves the endpoints as Terminating, serves
 * what reaches it until its grace period ends, then is gone. */
void dyn_delete_pod(struct sim *s, int p, double now)
{
	struct dyn *d = s->dyn;

	if (!dyn_alive(d, p))
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
	dyn_reconcile(s, s->c->pods[p].workload, ev->time);
}

static void on_gone(struct engine *eng, const struct event *ev, void *ctx)
{
	struct sim *s = ctx;
	int p = (int)ev->a;

	(void)eng;
	if (ev->b != s->dyn->pod_epoch[p] || s->dyn->pod_state[p] == PS_GONE)
		return;
	dyn_kill_pod(s, p, DROP_POD_TERMINATED, ev->time);
	s->pod_node[p] = -1;
	set_state(s, p, PS_GONE, ev->time);
	dyn_reconcile(s, s->c->pods[p].workload, ev->time);
	/* Its requests are free: every other workload's Pending pods may fit
	 * now (reconcile retried its own; the scheduler requeues unschedulable
	 * pods on an assigned pod's delete event, pkg/scheduler/internal/queue). */
	retry_pending(s, -1, s->c->pods[p].workload, ev->time);
}

/* The Deployment controller: keep `wanted` pods alive; during a rollout,
 * make new pods (up to maxSurge over) and retire old ones while at least
 * wanted - maxUnavailable stay Ready (apps/v1 RollingUpdate). */
void dyn_reconcile(struct sim *s, int w, double now)
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

		if (!dyn_alive(d, p))
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
			if (dyn_alive(d, slot_pod(wl, k))) {
				dyn_delete_pod(s, slot_pod(wl, k), now);
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

		if (!dyn_alive(d, p) || d->roll_new[p])
			continue;
		if (ready - (d->pod_state[p] == PS_READY) < wanted - d->roll_unavail[w])
			break;
		ready -= d->pod_state[p] == PS_READY;
		dyn_delete_pod(s, p, now);
		live--;
	}
	if (live == new_live && new_ready == wanted)
		d->rolling[w] = 0;
}

void dyn_pods_on(struct sim *s)
{
	engine_on(s->eng, EV_READY, on_ready, s);
	engine_on(s->eng, EV_GONE, on_gone, s);
}
