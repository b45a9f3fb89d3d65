/* bench_engine — microbenchmark of the event engine's hot path (not a unit
 * test; `make test` does not build it).
 *
 * 24 servers each keep one completion pending; every completion schedules
 * the server's next one after an exponential delay (mean 1 ms) from the
 * server's own rng stream, so the heap holds ~24 events and each dispatched
 * event costs one pop, one schedule and one draw. A second run replays
 * pre-drawn delays to time the engine alone.
 *
 * Build (release flags, no KTSIM_CHECKS) from the repository root:
 *   gcc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -DHAVE_INLINE -Iinclude \
 *       tests/bench_engine.c sim/engine.c sim/rng.c sim/dist.c sim/err.c \
 *       sim/mem.c -o build/bench-engine -lgsl -lgslcblas -lm */
#include <stdio.h>
#include <time.h>

#include "ktsim/dist.h"
#include "ktsim/engine.h"
#include "ktsim/rng.h"

#define SERVERS 24
#define EVENTS 20000000ULL
#define PREDRAWN 4096 /* power of two */

struct farm {
	struct dist service;
	struct rng r[SERVERS];
	double delay[PREDRAWN];
	uint64_t next;
};

static void complete(struct engine *eng, const struct event *ev, void *ctx)
{
	struct farm *f = ctx;

	engine_schedule(eng, ev->time + dist_sample(&f->service, &f->r[ev->a]), 0, ev->a, 0);
}

static void complete_predrawn(struct engine *eng, const struct event *ev, void *ctx)
{
	struct farm *f = ctx;

	engine_schedule(eng, ev->time + f->delay[f->next++ & (PREDRAWN - 1)], 0, ev->a, 0);
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void run(const char *label, engine_handler h, struct farm *f)
{
	struct engine *eng = engine_create();
	uint64_t n;
	double t0, dt;

	engine_on(eng, 0, h, f);
	for (uint32_t s = 0; s < SERVERS; s++)
		engine_schedule(eng, dist_sample(&f->service, &f->r[s]), 0, s, 0);
	t0 = seconds();
	n = 0;
	while (n < EVENTS) { /* run in windows so the clock check is exercised */
		n += engine_run_until(eng, engine_now(eng) + 1.0);
	}
	dt = seconds() - t0;
	printf("%s: %llu events, %.1f M events/s, %.1f ns/event\n", label,
	       (unsigned long long)n, (double)n / dt / 1e6, 1e9 * dt / (double)n);
	engine_destroy(eng);
}

int main(void)
{
	static struct farm f;
	const double mean = 0.001;
	char msg[64];

	if (dist_set(&f.service, DIST_EXP, &mean, msg, sizeof msg) != 0) {
		fprintf(stderr, "bench_engine: %s\n", msg);
		return 1;
	}
	for (uint32_t s = 0; s < SERVERS; s++)
		rng_init(&f.r[s], rng_derive(1, 0, 1, s));
	for (int i = 0; i < PREDRAWN; i++)
		f.delay[i] = dist_sample(&f.service, &f.r[0]);
	run("engine", complete, &f);
	run("engine (pre-drawn delays)", complete_predrawn, &f);
	return 0;
}
