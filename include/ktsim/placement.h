/* placement — where pods land: a simplified, documented kube-scheduler.
 *
 * Workloads are placed in file order, pod by pod, each pod seeing the pods
 * placed before it (which is how earlier workloads and `allocated_*` load
 * make pods pile up). Pinned pods go where `pin` says. A DaemonSet gets one
 * pod per node that passes its nodeSelector and taint filters. Other pods go
 * through kube-scheduler's filters (NodeUnschedulable taints/tolerations,
 * nodeSelector, NodeResourcesFit requests and max_pods, required
 * inter-pod (anti-)affinity, PodTopologySpread DoNotSchedule) and scores
 * (TaintToleration x3, NodeResourcesFit LeastAllocated x1,
 * BalancedAllocation x1, InterPodAffinity x2, PodTopologySpread x2, each
 * normalised to 0..100; sources in placement.c). Ties are broken by the
 * placement random stream, so a placement is reproducible per seed. A pod
 * that fits nowhere stays Pending (node -1) and is counted, never dropped.
 * Ownership: fills c->pods (owned by the cluster). */
#ifndef KTSIM_PLACEMENT_H
#define KTSIM_PLACEMENT_H

#include <stdint.h>

#include "ktsim/cluster.h"

/* Create and place every workload's pods; sets each workload's first_pod,
 * npods, running and pending, and a DaemonSet's replicas. Pods placed on a
 * node are ready. Ties are broken by the stream rng_derive(seed, 0,
 * STREAM_PLACEMENT, 0). */
void placement_run(struct cluster *c, uint64_t seed);
/* Schedule one more pod of workload w during a run, as kube-scheduler would
 * for a replacement or scale-up: pod_node[p] is where pod p runs now (-1:
 * not running; the cluster's own pod nodes are ignored), node_ok[n] says
 * whether node n takes new pods (up and not cordoned). Returns the node, or
 * -1 when it fits nowhere (Pending). nonce must be >= 1 (0 is placement_run's
 * stream). Ties use rng_derive(seed, 0,
 * STREAM_PLACEMENT, nonce), so each call has its own reproducible stream. */
int placement_schedule_one(const struct cluster *c, const int *pod_node, int w,
			   const uint8_t *node_ok, uint64_t seed, uint64_t nonce);

#endif
