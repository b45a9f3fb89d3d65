/* engine — discrete-event core: a 4-ary min-heap of events and a dispatch
 * table of handlers (see engine.h).
 *
 * Invariant: for every i in [1, n), heap[(i-1)/4] <= heap[i] in (time, seq)
 * order, so heap[0] is the next event; seq is unique and increases by one per
 * scheduled event, which makes the order total and equal times FIFO. Every
 * pending event has now <= time (never -0.0) and time <= the horizon in force
 * when it was scheduled; now starts at 0 and never decreases, so all times
 * are >= +0.0 and compare like their IEEE-754 bit patterns.
 *
 * The heap is one array of struct event grown by doubling and never shrunk,
 * so steady state does no allocation. Sift-up and sift-down move a hole
 * instead of swapping (each level costs one 32-byte copy). A new event has
 * the largest seq of all, so sift-up only compares times. The event being
 * dispatched stays at the root until its handler schedules its first event,
 * which then takes the root's place with a single sift-down ("hold"); if the
 * handler schedules nothing the root is popped after it returns. A 4-ary heap is
 * about half as deep as a binary one and its four children share one or two
 * cache lines (D. B. Johnson, "Priority queues with update and finding
 * minimum spanning trees", IPL 1975; LaMarca & Ladner, "The influence of
 * caches on the performance of heaps", JEA 1996).
 *
 * With -DKTSIM_CHECKS every push and pop re-checks the heap order around the
 * nodes it touched (each node on the moved path against its parent and its
 * children), which is O(depth) rather than O(n). */
#include "ktsim/engine.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ktsim/err.h"
#include "ktsim/mem.h"

#define HEAP_MIN_CAP 64

struct slot {
	engine_handler fn;
	void *ctx;
};

struct engine {
	struct event *heap;
	size_t n, cap;
	double now, horizon;
	uint64_t seq, events;
	int stop;
	int root_free; /* heap[0] is the event being dispatched, no longer pending */
	struct slot on[ENGINE_MAX_KINDS];
};

/* Event times are never negative and -0.0 is stored as +0.0, so their
 * IEEE-754 bit patterns order like the values: comparing them as unsigned
 * integers is exact and cheaper than a floating-point compare (no NaN or
 * signed-zero cases). */
static inline uint64_t bits(double t)
{
	uint64_t u;

	memcpy(&u, &t, sizeof u);
	return u;
}

/* (time, seq) order, with bitwise rather than short-circuit operators so the
 * compiler emits flag arithmetic instead of hard-to-predict branches. */
static inline int before(const struct event *x, const struct event *y)
{
	uint64_t a = bits(x->time), b = bits(y->time);

	return (a < b) | ((a == b) & (x->seq < y->seq));
}

/* Installed for every kind until engine_on replaces it: dispatching an event
 * nobody handles is a bug in the model. */
static void unhandled(struct engine *eng, const struct event *ev, void *ctx)
{
	(void)eng;
	(void)ctx;
	fprintf(stderr, "ktsim: no handler for event kind %u\n", (unsigned)ev->kind);
	err_assert_fail("handler registered for event kind", __FILE__, __LINE__, __func__);
}

#ifdef KTSIM_CHECKS
/* Heap order between node i and its parent and children. */
static void check_node(const struct engine *eng, size_t i)
{
	const struct event *h = eng->heap;
	size_t c = 4 * i + 1;

	if (i > 0)
		KS_ASSERT(!before(&h[i], &h[(i - 1) / 4]));
	for (size_t k = c; k < c + 4 && k < eng->n; k++)
		KS_ASSERT(!before(&h[k], &h[i]));
}

/* Check every node on the path from `low` up to its ancestor `high`. */
static void check_path(const struct engine *eng, size_t low, size_t high)
{
	for (;;) {
		check_node(eng, low);
		if (low == high)
			break;
		KS_ASSERT(low > high);
		low = (low - 1) / 4;
	}
}
#endif

struct engine *engine_create(void)
{
	struct engine *eng = ks_calloc(1, sizeof *eng);

	eng->cap = HEAP_MIN_CAP;
	eng->heap = ks_calloc(eng->cap, sizeof *eng->heap);
	eng->horizon = INFINITY;
	for (unsigned k = 0; k < ENGINE_MAX_KINDS; k++)
		eng->on[k].fn = unhandled;
	return eng;
}

void engine_destroy(struct engine *eng)
{
	if (eng == NULL)
		return;
	ks_free(eng->heap);
	ks_free(eng);
}

void engine_on(struct engine *eng, unsigned kind, engine_handler h, void *ctx)
{
	KS_ASSERT(kind < ENGINE_MAX_KINDS);
	KS_ASSERT(h != NULL);
	eng->on[kind].fn = h;
	eng->on[kind].ctx = ctx;
}

void engine_set_horizon(struct engine *eng, double horizon)
{
	KS_ASSERT(!isnan(horizon));
	eng->horizon = horizon;
}

/* Put x at the root (whose old event is gone) and sift it down among the
 * n pending events. */
static inline void sift_down(struct engine *eng, struct event x)
{
	struct event *h = eng->heap;
	size_t n = eng->n;
	size_t i = 0, c, m;

	while ((c = 4 * i + 1) < n) {
		if (c + 3 < n) {
			size_t y1 = c + (size_t)before(&h[c + 1], &h[c]);
			size_t y2 = c + 2 + (size_t)before(&h[c + 3], &h[c + 2]);

			m = y1 + (y2 - y1) * (size_t)before(&h[y2], &h[y1]);
		} else {
			m = c;
			for (size_t k = c + 1; k < n; k++)
				if (before(&h[k], &h[m]))
					m = k;
		}
		if (!before(&h[m], &x))
			break;
		h[i] = h[m];
		i = m;
	}
	h[i] = x;
#ifdef KTSIM_CHECKS
	check_path(eng, i, 0);
#endif
}

/* Remove heap[0]: sift the last event down from the root. */
static inline void pop_root(struct engine *eng)
{
	if (--eng->n > 0)
		sift_down(eng, eng->heap[eng->n]);
}

int engine_schedule(struct engine *eng, double t, unsigned kind, uint32_t a, uint64_t b)
{
	struct event *h;
	size_t i;

	if (t > eng->horizon)
		return 0;
	/* Both checks are kept in every build: the first guards the handler
	 * table, the second the integer time order (it also rejects NaN). */
	KS_ASSERT(kind < ENGINE_MAX_KINDS);
	KS_ASSERT(t >= eng->now);
	t += 0.0; /* -0.0 becomes +0.0 */
	if (eng->root_free) {
		/* The event being dispatched still sits at the root: the first
		 * event its handler schedules replaces it with one sift-down
		 * instead of a pop and a push (the "hold" operation). */
		eng->root_free = 0;
		sift_down(eng, (struct event){ .time = t, .seq = eng->seq++, .kind = kind, .a = a, .b = b });
		return 1;
	}
	if (eng->n == eng->cap) {
		eng->cap *= 2;
		eng->heap = ks_realloc(eng->heap, eng->cap, sizeof *eng->heap);
	}
	h = eng->heap;
	/* Sift up: the new seq is the largest, so only a strictly later parent
	 * moves down. */
	i = eng->n++;
	while (i > 0) {
		size_t p = (i - 1) / 4;

		if (!(bits(t) < bits(h[p].time)))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = (struct event){ .time = t, .seq = eng->seq++, .kind = kind, .a = a, .b = b };
#ifdef KTSIM_CHECKS
	check_path(eng, eng->n - 1, i);
#endif
	return 1;
}

uint64_t engine_run_until(struct engine *eng, double until)
{
	uint64_t done = 0;
	double end;

	eng->stop = 0;
	while (eng->n > 0 && eng->heap[0].time <= until) {
		struct event ev = eng->heap[0];

		eng->now = ev.time;
		eng->events++;
		done++;
		eng->root_free = 1;
		eng->on[ev.kind].fn(eng, &ev, eng->on[ev.kind].ctx);
		if (eng->root_free) {
			eng->root_free = 0;
			pop_root(eng);
		}
		if (eng->stop)
			return done;
	}
	/* Advance to the end of the window; an unbounded window (no horizon and
	 * until = INFINITY) leaves the clock at the last event. */
	end = until < eng->horizon ? until : eng->horizon;
	if (end > eng->now && isfinite(end))
		eng->now = end;
	return done;
}

void engine_stop(struct engine *eng)
{
	eng->stop = 1;
}

double engine_now(const struct engine *eng)
{
	return eng->now;
}

uint64_t engine_events(const struct engine *eng)
{
	return eng->events;
}

size_t engine_pending(const struct engine *eng)
{
	return eng->n - (size_t)eng->root_free;
}
