/* server — a pod's request handling: `concurrency` workers and a bounded
 * FIFO queue in front of them, service times from a distribution.
 *
 * The queue threads through the flow records themselves (each queued record
 * starts with a `uint32_t next`) as a circular list entered at its tail (the
 * tail's next is the head), so a pod costs exactly one 64-byte cache line,
 * random stream included, whatever its queue_limit, and memory is bounded by
 * the flows in flight. Busy workers
 * and queue length are integrated over time on every change, for
 * utilization and the time-average queue length.
 * Invariants: busy <= conc; qlen <= qlimit; qlen > 0 implies busy == conc.
 * Ownership: the server owns its random stream; the records belong to the
 * caller's pool. */
#ifndef KTSIM_SERVER_H
#define KTSIM_SERVER_H

#include <stdint.h>

#include "ktsim/dist.h"
#include "ktsim/pool.h"
#include "ktsim/rng.h"

enum { SERVER_START, SERVER_QUEUED, SERVER_FULL };

struct server {
	const struct dist *service; /* ms */
	struct rng rng;             /* service-time stream */
	uint32_t busy, conc;
	uint32_t qlen, qlimit;
	uint32_t qtail;             /* pool index of the last queued flow */
	double last_t, busy_area;   /* busy-worker seconds since the last reset */
	double queue_area;          /* waiting-flow seconds since the last reset */
};

/* Initialise with the pod's spec and stream seed. */
void server_init(struct server *sv, int concurrency, int queue_limit,
		 const struct dist *service_ms, uint64_t seed);
/* A flow (record index f of `flows`) arrives at time now: SERVER_START (a
 * worker took it; schedule its completion after server_service_s),
 * SERVER_QUEUED, or SERVER_FULL (refused, queue full). */
int server_arrive(struct server *sv, struct pool *flows, uint32_t f, double now);
/* A worker finished at time now: the next queued flow it starts (schedule
 * its completion), or POOL_NONE when the queue was empty and it goes idle. */
uint32_t server_depart(struct server *sv, struct pool *flows, double now);
/* Draw a service time in seconds. */
static inline double server_service_s(struct server *sv)
{
	return dist_sample(sv->service, &sv->rng) * 1e-3;
}
/* The pod died at time now: its workers stop and its queue empties. Returns
 * the queued flows as a list linked through their `next` (POOL_NONE ends
 * it); flows in service are the caller's to account for. */
uint32_t server_kill(struct server *sv, struct pool *flows, double now);
/* Restart busy-time and queue integration at time now (end of warm-up). */
void server_reset_busy(struct server *sv, double now);
/* Busy-worker seconds integrated up to time now. */
double server_busy_area(const struct server *sv, double now);
/* Waiting-flow seconds (queue length integrated) up to time now. */
double server_queue_area(const struct server *sv, double now);

#endif
