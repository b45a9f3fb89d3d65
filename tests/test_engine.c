/* Tests for the event engine: ordering, FIFO ties, mixed pops, holds and
 * pushes against a reference, horizon, run windows, stop, counters. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests.h"
#include "ktsim/engine.h"
#include "ktsim/mem.h"
#include "ktsim/rng.h"

/* What the handlers saw, in dispatch order. */
struct trace {
	size_t n, cap;
	double *t;
	uint64_t *b;
	uint32_t *a;
	double *now;
};

static void trace_init(struct trace *tr, size_t cap)
{
	tr->n = 0;
	tr->cap = cap;
	tr->t = ks_calloc(cap, sizeof *tr->t);
	tr->b = ks_calloc(cap, sizeof *tr->b);
	tr->a = ks_calloc(cap, sizeof *tr->a);
	tr->now = ks_calloc(cap, sizeof *tr->now);
}

static void trace_fini(struct trace *tr)
{
	ks_free(tr->t);
	ks_free(tr->b);
	ks_free(tr->a);
	ks_free(tr->now);
}

static void record(struct engine *eng, const struct event *ev, void *ctx)
{
	struct trace *tr = ctx;

	if (tr->n < tr->cap) {
		tr->t[tr->n] = ev->time;
		tr->a[tr->n] = ev->a;
		tr->b[tr->n] = ev->b;
		tr->now[tr->n] = engine_now(eng);
	}
	tr->n++;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

static void engine_should_pop_in_time_order(void)
{
	const uint64_t seed = 0x5eed0001;
	const size_t n = 20000;
	struct engine *eng = engine_create();
	struct trace tr;
	struct rng r;
	double *want = ks_calloc(n, sizeof *want);
	size_t bad = 0;

	printf("\n  seed %#" PRIx64 "\n", seed);
	rng_init(&r, seed);
	trace_init(&tr, n);
	engine_on(eng, 3, record, &tr);
	for (size_t i = 0; i < n; i++) {
		want[i] = 1000.0 * rng_uniform(&r);
		CU_ASSERT_EQUAL(engine_schedule(eng, want[i], 3, 0, i), 1);
	}
	CU_ASSERT_EQUAL(engine_pending(eng), n);
	qsort(want, n, sizeof *want, cmp_double);
	CU_ASSERT_EQUAL(engine_run_until(eng, INFINITY), n);
	CU_ASSERT_EQUAL(tr.n, n);
	for (size_t i = 0; i < n; i++) {
		bad += tr.t[i] != want[i];
		bad += tr.now[i] != tr.t[i];
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(engine_pending(eng), 0);
	CU_ASSERT_EQUAL(engine_now(eng), want[n - 1]);
	ks_free(want);
	trace_fini(&tr);
	engine_destroy(eng);
}

static void engine_should_run_equal_times_fifo(void)
{
	struct engine *eng = engine_create();
	struct trace tr;
	size_t bad = 0;

	trace_init(&tr, 1002);
	engine_on(eng, 0, record, &tr);
	/* A few earlier and later events around the tie so the heap really moves. */
	engine_schedule(eng, 7.0, 0, 5000, 0);
	for (uint32_t i = 0; i < 1000; i++)
		engine_schedule(eng, 5.0, 0, i, 0);
	engine_schedule(eng, 1.0, 0, 4000, 0);
	engine_run_until(eng, 6.0);
	CU_ASSERT_EQUAL(tr.n, 1001);
	CU_ASSERT_EQUAL(tr.a[0], 4000);
	for (uint32_t i = 0; i < 1000; i++)
		bad += tr.a[i + 1] != i;
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(engine_pending(eng), 1);
	trace_fini(&tr);
	engine_destroy(eng);
}

/* Handler that keeps `left` chains going: each event schedules the next one
 * of its chain after a random delay (a quarter of them at delay 0), and the
 * trace checks global (time, scheduling order) order. */
struct chains {
	struct rng r;
	uint64_t next_id, left;
	double last_t;
	uint64_t last_id;
	size_t disorder, dispatched;
};

static void chain_step(struct engine *eng, const struct event *ev, void *ctx)
{
	struct chains *c = ctx;
	double d;

	/* Same time: must come out in scheduling order (ids grow with seq). */
	if (ev->time < c->last_t || (ev->time == c->last_t && ev->b <= c->last_id))
		c->disorder++;
	c->last_t = ev->time;
	c->last_id = ev->b;
	c->dispatched++;
	if (engine_now(eng) != ev->time)
		c->disorder++;
	if (c->left == 0)
		return;
	c->left--;
	d = rng_below(&c->r, 4) == 0 ? 0.0 : rng_uniform(&c->r);
	engine_schedule(eng, ev->time + d, 1, ev->a, c->next_id++);
}

static void engine_should_interleave_schedules_from_handlers(void)
{
	const uint64_t seed = 0x5eed0002;
	struct engine *eng = engine_create();
	struct chains c = { .last_t = -1.0 };
	uint64_t scheduled = 0;

	printf("\n  seed %#" PRIx64 "\n", seed);
	rng_init(&c.r, seed);
	engine_on(eng, 1, chain_step, &c);
	for (uint32_t k = 0; k < 50; k++) {
		engine_schedule(eng, rng_uniform(&c.r), 1, k, c.next_id++);
		scheduled++;
	}
	c.left = 100000;
	scheduled += c.left;
	CU_ASSERT_EQUAL(engine_run_until(eng, INFINITY), scheduled);
	CU_ASSERT_EQUAL(c.dispatched, scheduled);
	CU_ASSERT_EQUAL(c.disorder, 0);
	CU_ASSERT_EQUAL(engine_pending(eng), 0);
	engine_destroy(eng);
}

/* A reference model for mixed load: the pending (time, id) pairs in a plain
 * array, the earliest found by a linear scan. Each dispatched event
 * schedules 0 (pop), 1 (hold) or 2-3 (hold and pushes) events at delays from
 * {0, 0.5, 1, 2}, so equal times are common, and the pending count grows
 * through several heap doublings and drains back to zero. */
struct mixed {
	struct rng r;
	double *t;
	uint64_t *id;
	size_t n, cap, dispatched, bad, peak;
	uint64_t next_id, budget;
};

static void mixed_add(struct engine *eng, struct mixed *m, double t)
{
	if (m->n == m->cap) {
		m->bad++;
		return;
	}
	if (engine_schedule(eng, t, 7, 0, m->next_id)) {
		m->t[m->n] = t;
		m->id[m->n++] = m->next_id;
	}
	m->next_id++;
	if (m->n > m->peak)
		m->peak = m->n;
}

static void mixed_step(struct engine *eng, const struct event *ev, void *ctx)
{
	static const double delay[] = { 0.0, 0.5, 1.0, 2.0 };
	struct mixed *m = ctx;
	size_t best = 0, k;
	unsigned fanout;

	/* The reference's earliest (time, id) must be the event dispatched. */
	for (size_t j = 1; j < m->n; j++)
		if (m->t[j] < m->t[best] || (m->t[j] == m->t[best] && m->id[j] < m->id[best]))
			best = j;
	m->bad += m->n == 0 || m->t[best] != ev->time || m->id[best] != ev->b;
	m->bad += engine_now(eng) != ev->time;
	if (m->n > 0) {
		m->t[best] = m->t[m->n - 1];
		m->id[best] = m->id[m->n - 1];
		m->n--;
	}
	m->bad += engine_pending(eng) != m->n;
	m->dispatched++;
	if (m->budget == 0)
		return;
	/* Hover around 400 pending until the budget is spent, then drain. */
	fanout = (unsigned)rng_below(&m->r, m->n < 400 ? 4 : 2);
	for (k = 0; k < fanout && m->budget > 0; k++, m->budget--)
		mixed_add(eng, m, ev->time + delay[rng_below(&m->r, 4)]);
}

static void engine_should_match_a_reference_under_mixed_load(void)
{
	const uint64_t seed = 0x5eed0003;
	struct engine *eng = engine_create();
	struct mixed m = { .cap = 100000 };
	uint64_t ran;

	printf("\n  seed %#" PRIx64 "\n", seed);
	rng_init(&m.r, seed);
	m.t = ks_calloc(m.cap, sizeof *m.t);
	m.id = ks_calloc(m.cap, sizeof *m.id);
	engine_on(eng, 7, mixed_step, &m);
	for (int k = 0; k < 10; k++)
		mixed_add(eng, &m, (double)(k % 3));
	m.budget = 60000;
	ran = engine_run_until(eng, 100.0); /* a window boundary mid-run */
	ran += engine_run_until(eng, INFINITY);
	CU_ASSERT_EQUAL(m.bad, 0);
	CU_ASSERT_EQUAL(ran, m.dispatched);
	CU_ASSERT_EQUAL(m.next_id, 60010);
	CU_ASSERT_EQUAL(m.dispatched, 60010);
	CU_ASSERT(m.peak > 256); /* the heap grew past its first capacities */
	CU_ASSERT_EQUAL(m.n, 0);
	CU_ASSERT_EQUAL(engine_pending(eng), 0);
	/* After draining, the engine keeps working from an empty heap. */
	m.budget = 0;
	mixed_add(eng, &m, engine_now(eng) + 1.0);
	CU_ASSERT_EQUAL(engine_run_until(eng, INFINITY), 1);
	CU_ASSERT_EQUAL(m.bad, 0);
	ks_free(m.t);
	ks_free(m.id);
	engine_destroy(eng);
}

static void engine_should_drop_events_past_horizon(void)
{
	struct engine *eng = engine_create();
	struct trace tr;

	trace_init(&tr, 8);
	engine_on(eng, 2, record, &tr);
	engine_set_horizon(eng, 10.0);
	CU_ASSERT_EQUAL(engine_schedule(eng, 5.0, 2, 1, 0), 1);
	CU_ASSERT_EQUAL(engine_schedule(eng, 10.0, 2, 2, 0), 1);
	CU_ASSERT_EQUAL(engine_schedule(eng, nextafter(10.0, 11.0), 2, 3, 0), 0);
	CU_ASSERT_EQUAL(engine_schedule(eng, 20.0, 2, 4, 0), 0);
	CU_ASSERT_EQUAL(engine_pending(eng), 2);
	CU_ASSERT_EQUAL(engine_run_until(eng, 100.0), 2);
	CU_ASSERT_EQUAL(tr.n, 2);
	CU_ASSERT_EQUAL(tr.a[0], 1);
	CU_ASSERT_EQUAL(tr.a[1], 2);
	/* The clock stops at the horizon, not at `until`. */
	CU_ASSERT_EQUAL(engine_now(eng), 10.0);
	trace_fini(&tr);
	engine_destroy(eng);
}

static void engine_should_order_zero_and_negative_zero_times(void)
{
	struct engine *eng = engine_create();
	struct trace tr;

	trace_init(&tr, 4);
	engine_on(eng, 0, record, &tr);
	engine_schedule(eng, 1.0, 0, 3, 0);
	engine_schedule(eng, 0.0, 0, 1, 0);
	engine_schedule(eng, -0.0, 0, 2, 0); /* == now, so allowed */
	engine_schedule(eng, 0x1p-1074, 0, 4, 0); /* smallest subnormal */
	CU_ASSERT_EQUAL(engine_run_until(eng, 5.0), 4);
	CU_ASSERT_EQUAL(tr.a[0], 1);
	CU_ASSERT_EQUAL(tr.a[1], 2);
	CU_ASSERT_EQUAL(tr.a[2], 4);
	CU_ASSERT_EQUAL(tr.a[3], 3);
	trace_fini(&tr);
	engine_destroy(eng);
}

static void engine_should_stop_at_until_and_keep_later_events(void)
{
	struct engine *eng = engine_create();
	struct trace tr;

	trace_init(&tr, 8);
	engine_on(eng, 0, record, &tr);
	for (uint32_t i = 1; i <= 5; i++)
		engine_schedule(eng, (double)i, 0, i, 0);
	CU_ASSERT_EQUAL(engine_run_until(eng, 3.0), 3);
	CU_ASSERT_EQUAL(engine_now(eng), 3.0);
	CU_ASSERT_EQUAL(engine_pending(eng), 2);
	CU_ASSERT_EQUAL(engine_run_until(eng, 3.5), 0);
	CU_ASSERT_EQUAL(engine_now(eng), 3.5);
	CU_ASSERT_EQUAL(engine_run_until(eng, 10.0), 2);
	CU_ASSERT_EQUAL(engine_now(eng), 10.0);
	CU_ASSERT_EQUAL(tr.n, 5);
	CU_ASSERT_EQUAL(tr.a[3], 4);
	CU_ASSERT_EQUAL(tr.a[4], 5);
	CU_ASSERT_EQUAL(engine_pending(eng), 0);
	trace_fini(&tr);
	engine_destroy(eng);
}

struct stopper {
	uint32_t at;
	uint64_t seen;
};

static void stop_at(struct engine *eng, const struct event *ev, void *ctx)
{
	struct stopper *s = ctx;

	s->seen++;
	if (ev->a == s->at)
		engine_stop(eng);
}

static void engine_should_stop_when_a_handler_asks(void)
{
	struct engine *eng = engine_create();
	struct stopper s = { .at = 3 };

	engine_on(eng, 5, stop_at, &s);
	for (uint32_t i = 1; i <= 6; i++)
		engine_schedule(eng, (double)i, 5, i, 0);
	CU_ASSERT_EQUAL(engine_run_until(eng, 100.0), 3);
	CU_ASSERT_EQUAL(s.seen, 3);
	CU_ASSERT_EQUAL(engine_now(eng), 3.0);
	CU_ASSERT_EQUAL(engine_pending(eng), 3);
	/* A stop requested outside a run is forgotten when the next run starts. */
	engine_stop(eng);
	CU_ASSERT_EQUAL(engine_run_until(eng, 100.0), 3);
	CU_ASSERT_EQUAL(engine_now(eng), 100.0);
	CU_ASSERT_EQUAL(engine_pending(eng), 0);
	engine_destroy(eng);
}

static void count_kind(struct engine *eng, const struct event *ev, void *ctx)
{
	int *n = ctx;

	(void)eng;
	(void)ev;
	(*n)++;
}

static void engine_should_count_events_and_dispatch_by_kind(void)
{
	struct engine *eng = engine_create();
	int seen[2] = { 0, 0 };

	engine_on(eng, 0, count_kind, &seen[0]);
	engine_on(eng, ENGINE_MAX_KINDS - 1, count_kind, &seen[1]);
	CU_ASSERT_EQUAL(engine_events(eng), 0);
	for (uint32_t i = 0; i < 300; i++)
		engine_schedule(eng, (double)i, i % 3 == 0 ? ENGINE_MAX_KINDS - 1 : 0, i, 0);
	CU_ASSERT_EQUAL(engine_run_until(eng, 99.5), 100);
	CU_ASSERT_EQUAL(engine_events(eng), 100);
	CU_ASSERT_EQUAL(engine_run_until(eng, 1000.0), 200);
	CU_ASSERT_EQUAL(engine_events(eng), 300);
	CU_ASSERT_EQUAL(seen[0], 200);
	CU_ASSERT_EQUAL(seen[1], 100);
	engine_destroy(eng);
}

/* The peek sees the event dispatched next whenever the current handler
 * schedules nothing earlier: here each handler reschedules its own id 10 s
 * later, so every peek but the last must name the next dispatch. */
struct peeked {
	uint32_t a[64];
	int n, hits;
};

static void peek_record(const struct event *next, void *ctx)
{
	struct peeked *p = ctx;

	if (p->n < 64)
		p->a[p->n] = next->a;
	p->n++;
}

static void peek_step(struct engine *eng, const struct event *ev, void *ctx)
{
	struct peeked *p = ctx;
	int k = (int)engine_events(eng) - 1; /* this dispatch's index */

	if (k > 0 && k <= 64 && p->a[k - 1] == ev->a)
		p->hits++;
	engine_schedule(eng, ev->time + 10, 0, ev->a, 0);
}

static void engine_should_peek_at_the_next_event(void)
{
	struct engine *eng = engine_create();
	struct peeked p = { .n = 0 };

	engine_on(eng, 0, peek_step, &p);
	engine_on_peek(eng, peek_record, &p);
	for (uint32_t i = 0; i < 7; i++)
		engine_schedule(eng, 1.0 + 1.37 * i, 0, i, 0);
	engine_run_until(eng, 40);
	/* 7 ids x 4 dispatches each up to t = 40 (1 + 1.37 i + 10 k <= 40) */
	CU_ASSERT_EQUAL(engine_events(eng), 28);
	CU_ASSERT_EQUAL(p.n, 28);
	CU_ASSERT_EQUAL(p.hits, 27);
	/* removed: no more calls */
	engine_on_peek(eng, NULL, NULL);
	engine_run_until(eng, 60);
	CU_ASSERT_EQUAL(p.n, 28);
	engine_destroy(eng);
}

CU_ErrorCode suite_engine(void)
{
	static const struct test_case cases[] = {
		{ "engine_should_pop_in_time_order", engine_should_pop_in_time_order },
		{ "engine_should_run_equal_times_fifo", engine_should_run_equal_times_fifo },
		{ "engine_should_interleave_schedules_from_handlers",
		  engine_should_interleave_schedules_from_handlers },
		{ "engine_should_match_a_reference_under_mixed_load",
		  engine_should_match_a_reference_under_mixed_load },
		{ "engine_should_drop_events_past_horizon", engine_should_drop_events_past_horizon },
		{ "engine_should_peek_at_the_next_event", engine_should_peek_at_the_next_event },
		{ "engine_should_order_zero_and_negative_zero_times",
		  engine_should_order_zero_and_negative_zero_times },
		{ "engine_should_stop_at_until_and_keep_later_events",
		  engine_should_stop_at_until_and_keep_later_events },
		{ "engine_should_stop_when_a_handler_asks", engine_should_stop_when_a_handler_asks },
		{ "engine_should_count_events_and_dispatch_by_kind",
		  engine_should_count_events_and_dispatch_by_kind },
		{ NULL, NULL },
	};

	return tests_add("engine", cases);
}
