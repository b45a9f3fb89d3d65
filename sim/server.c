/* server — pod workers and an intrusive FIFO queue (see server.h). */
#include "ktsim/server.h"

#include "ktsim/err.h"

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
	sv->qhead = sv->qtail = POOL_NONE;
	sv->last_t = 0;
	sv->busy_area = 0;
	sv->queue_area = 0;
}

void server_fini(struct server *sv)
{
	rng_fini(&sv->rng);
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
	*next_of(flows, f) = POOL_NONE;
	if (sv->qlen++ == 0)
		sv->qhead = f;
	else
		*next_of(flows, sv->qtail) = f;
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
	f = sv->qhead;
	sv->qhead = *next_of(flows, f);
	if (--sv->qlen == 0)
		sv->qhead = sv->qtail = POOL_NONE;
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

uint32_t server_kill(struct server *sv, double now)
{
	uint32_t head = sv->qlen ? sv->qhead : POOL_NONE;

	integrate(sv, now);
	sv->busy = 0;
	sv->qlen = 0;
	sv->qhead = sv->qtail = POOL_NONE;
	return head;
}
