/* sim — one replication of a scenario: wires the cluster model to the
 * engine and runs it.
 *
 * A flow's path: a client group's Poisson process fires; the Service's
 * external LB picks the entry node (lb.h); that node's kube-proxy picks the
 * endpoint and decides SNAT (proxy.h); the pod's server queues or serves it
 * (server.h); completion records latency = queueing wait + service time +
 * the round trip of the hop from the entry node to the pod. Random streams
 * are per purpose and entity (client arrivals, client addresses, each
 * Service's LB, each node's proxy, each pod's service times), all derived
 * from (seed, replication).
 * Ownership: the sim borrows the cluster (which must outlive it) and owns
 * its engine, flows and metrics. */
#ifndef KTSIM_SIM_H
#define KTSIM_SIM_H

#include <stdint.h>

#include "ktsim/cluster.h"
#include "ktsim/metrics.h"

struct sim;

/* Build a run of cluster c (placed, endpoints computed) for (seed, replication). */
struct sim *sim_create(const struct cluster *c, uint64_t seed, uint32_t replication);
void sim_destroy(struct sim *s);
/* Look ahead and batch latency updates (on) or not (off) before sim_run.
 * sim_create turns it on from 10,000 pods, where the model outgrows the
 * caches; results are the same either way. */
void sim_set_prefetch(struct sim *s, int on);
/* Called between slices of the run with the simulated time reached; a
 * non-zero return stops the run early (interrupted). */
typedef int (*sim_tick_fn)(void *ctx, double now_s, double end_s);
/* Run to the scenario's duration. Returns 0 when complete, 1 when a tick
 * asked to stop. The metrics are final either way. */
int sim_run(struct sim *s, sim_tick_fn tick, void *ctx);
/* Move the run's measurements out (the caller metrics_fini's them); the
 * sim keeps none. */
void sim_take_metrics(struct sim *s, struct metrics *out);
/* The run's measurements (valid until sim_destroy). */
const struct metrics *sim_metrics(const struct sim *s);

#endif
