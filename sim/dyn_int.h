/* dyn_int.h — what the files of dyn (the timeline: dyn.c; endpoint views,
 * LBs and health checks: dyn_views.c; pods and their controllers:
 * dyn_pods.c) share. Private to sim/. */
#ifndef KTSIM_DYN_INT_H
#define KTSIM_DYN_INT_H

#include "sim_int.h"

/* Index of (Service svc, node n) in the per-pair tables. */
static inline size_t vi(const struct dyn *d, int svc, int n)
{
	return (size_t)svc * (size_t)d->nnodes + (size_t)n;
}

/* dyn_views.c */
/* Set up Service svc's views at the start: endpoint version 0, its LB's
 * health view of every node and each node's place in the probe schedule. */
void dyn_views_start(struct sim *s, int svc);
/* Register the views' event handlers (syncs, probes, MetalLB failover). */
void dyn_views_on(struct sim *s);
/* A new version of Service svc's endpoints from the truth, adopted by each
 * node after its sync delay. */
void dyn_new_version(struct sim *s, int svc, double now);
/* Pod p's state changed: a new version of every Service selecting it. */
void dyn_endpoints_changed(struct sim *s, int pod, double now);
/* Tell every MetalLB Service's speakers about node n going up or down. */
void dyn_speakers_notice(struct sim *s, int n, int up, double now);
/* Start node n's probes for Service svc unless they run or would change
 * nothing. */
void dyn_probe_wake(struct sim *s, int svc, int n, double now);

/* dyn_pods.c */
/* Register the pods' event handlers (Ready, Gone). */
void dyn_pods_on(struct sim *s);
/* Running or on its way (the controller counts Pending pods too). */
int dyn_alive(const struct dyn *d, int p);
/* Pod p stops serving: its flows are lost for `why`. */
void dyn_kill_pod(struct sim *s, int p, enum drop_reason why, double now);
/* Delete pod p gracefully (Terminating, then Gone after its grace period). */
void dyn_delete_pod(struct sim *s, int p, double now);
/* Workload w's controller (Deployment or DaemonSet) acts on what changed. */
void dyn_reconcile(struct sim *s, int w, double now);

#endif
