/* server — pod workers and an intrusive FIFO queue (see server.h). */
#include "ktsim/server.h"

#include "ktsim/err.h"

_Static_assert(sizeof(struct server) == 64, "a pod's server state is one cache line");

static inline uint32_t *next_of(struct pool *flows, uint32_t f)
{
	return (uint32_t *)pool_at(flows, f);
}

static inline void integrate(struct server *sv, double now)
{
	double dt = now - sv->last_t;

	sv->busy_area += sv->busy * dt;
	sv->queue_area += sv->qlen * dt;
	sv->last_t = now;
}

void server_init(struct server *sv, int concurrency, int queue_limit,
		 const struct dist *service_ms, uint64_t seed)
{
	KS_ASSERT(concurrency >= 1 && queue_limit >= 0);
	rng_init(&sv->rng, seed);
	sv->service = service_ms;
	sv->busy = 0;
	sv->conc = (uint32_t)concurrency;
	sv->qlen = 0;
	sv->qlimit = (uint32_t)queue_limit;
	sv->qtail = POOL_NONE;
	sv->last_t = 0;
	sv->busy_area = 0;
	sv->queue_area = 0;
}

int server_arrive(struct server *sv, struct pool *flows, uint32_t f, double now)
{
	if (sv->busy < sv->conc) {
		integrate(sv, now);
		sv->busy++;
		return SERVER_START;
	}
	if (sv->qlen >= sv->qlimit)
		return SERVER_FULL;
	integrate(sv, now);
	if (sv->qlen++ == 0) {
		*next_of(flows, f) = f;
	} else {
		uint32_t *tail_next = next_of(flows, sv->qtail);

		*next_of(flows, f) = *tail_next; /* the head */
		*tail_next = f;
	}
	sv->qtail = f;
	return SERVER_QUEUED;
}

uint32_t server_depart(struct server *sv, struct pool *flows, double now)
{
	uint32_t f;

	KS_ASSERT(sv->busy > 0);
	if (sv->qlen == 0) {
		integrate(sv, now);
		sv->busy--;
		return POOL_NONE;
	}
	integrate(sv, now);
	if (--sv->qlen == 0) {
		f = sv->qtail;
		sv->qtail = POOL_NONE;
	} else {
		uint32_t *tail_next = next_of(flows, sv->qtail);

		f = *tail_next;
		*tail_next = *next_of(flows, f);
		/* the next to leave the queue, read at this pod's next
		 * departure: in a long queue its record was written long ago */
		__builtin_prefetch(next_of(flows, *tail_next), 0);
	}
	return f;
}

void server_reset_busy(struct server *sv, double now)
{
	sv->last_t = now;
	sv->busy_area = 0;
	sv->queue_area = 0;
}

double server_busy_area(const struct server *sv, double now)
{
	return sv->busy_area + sv->busy * (now - sv->last_t);
}

double server_queue_area(const struct server *sv, double now)
{
	return sv->queue_area + sv->qlen * (now - sv->last_t);
}

uint32_t server_kill(struct server *sv, struct pool *flows, double now)
{
	uint32_t head = POOL_NONE;

	if (sv->qlen) { /* open the circle after the tail */
		uint32_t *tail_next = next_of(flows, sv->qtail);

		head = *tail_next;
		*tail_next = POOL_NONE;
	}
	integrate(sv, now);
	sv->busy = 0;
	sv->qlen = 0;
	sv->qtail = POOL_NONE;
	return head;
}
