/* engine — discrete-event core: a 4-ary min-heap of events and a dispatch
 * table of handlers (see engine.h).
 *
 * Invariant: for every i in [1, n), heap[(i-1)/4] <= heap[i] in (time, seq)
 * order, so heap[0] is the next event; seq is unique and increases by one per
 * scheduled event, which makes the order total and equal times FIFO. Every
 * pending event has now <= time (never -0.0) and time <= the horizon in force
 * when it was scheduled; now starts at 0 and never decreases, so all times
 * are >= +0.0 and compare like their IEEE-754 bit patterns. Every slot in
 * [n, cap) is a sentinel whose time bits are all ones (a NaN pattern, above
 * every real time), and cap >= n + 3, so every node with a child has four
 * slots of children and sift-down needs no partial-family case.
 *
 * The heap is one array of struct event grown by doubling and never shrunk,
 * so steady state does no allocation. Sift-up and sift-down move a hole
 * instead of swapping (each level costs one 32-byte copy); the event being
 * placed travels as scalars (its key in registers) and is written once, into
 * its final slot, never passed or copied by value. Keys compare as one
 * 128-bit integer (time bits, seq), which compiles to cmp/sbb without
 * branches. A new event has the largest seq of all, so sift-up only compares
 * times. The event being dispatched stays at the root until its handler
 * schedules its first event, which then takes the root's place with a single
 * sift-down ("hold"); if the handler schedules nothing the root is popped
 * after it returns. A 4-ary heap is about half as deep as a binary one and
 * the four children of a node are adjacent, 128 bytes (D. B. Johnson,
 * "Priority queues with update and finding minimum spanning trees", IPL 1975;
 * LaMarca & Ladner, "The influence of caches on the performance of heaps",
 * JEA 1996).
 *
 * With -DKTSIM_CHECKS every push and pop re-checks the heap order around the
 * nodes it touched (each node on the moved path against its parent and its
 * children, and the sentinels among those children), which is O(depth)
 * rather than O(n). */
#include "ktsim/engine.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ktsim/err.h"
#include "ktsim/mem.h"

#define HEAP_MIN_CAP 64
#define SENTINEL UINT64_MAX /* time bits of a free slot */

struct slot {
	engine_handler fn;
	void *ctx;
};

struct engine {
	struct event *heap; /* [0, n) pending, [n, cap) sentinels */
	size_t n, cap;
	double now, horizon;
	uint64_t seq, events;
	int stop;
	int root_free; /* heap[0] is the event being dispatched, no longer pending */
	struct slot on[ENGINE_MAX_KINDS];
	engine_peek_fn peek;
	void *peek_ctx;
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

static inline uint64_t tbits(const struct event *e)
{
	return bits(e->time);
}

/* (t1, s1) before (t2, s2): lexicographic, as one 128-bit compare where the
 * compiler has the type, else with flag arithmetic; branch-free either way. */
static inline int key_before(uint64_t t1, uint64_t s1, uint64_t t2, uint64_t s2)
{
#ifdef __SIZEOF_INT128__
	return ((unsigned __int128)t1 << 64 | s1) < ((unsigned __int128)t2 << 64 | s2);
#else
	return (t1 < t2) | ((t1 == t2) & (s1 < s2));
#endif
}

/* (time, seq) order of two stored events. */
static inline int before(const struct event *x, const struct event *y)
{
	return key_before(tbits(x), x->seq, tbits(y), y->seq);
}

/* Mark slot e free: its time bits become all ones. */
static inline void set_sentinel(struct event *e)
{
	uint64_t u = SENTINEL;

	memcpy(&e->time, &u, sizeof e->time);
}

/* Make slots [from, to) sentinels, their other fields zero (defined, so
 * that comparing seq on them is no read of uninitialized memory). */
static void set_sentinels(struct event *h, size_t from, size_t to)
{
	memset(&h[from], 0, (to - from) * sizeof *h);
	for (size_t k = from; k < to; k++)
		set_sentinel(&h[k]);
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
/* Heap order between node i and its parent and children, and the sentinels
 * that stand in for its missing children. */
static void check_node(const struct engine *eng, size_t i)
{
	const struct event *h = eng->heap;
	size_t c = 4 * i + 1;

	KS_ASSERT(eng->n + 3 <= eng->cap);
	if (i > 0)
		KS_ASSERT(!before(&h[i], &h[(i - 1) / 4]));
	for (size_t k = c; k < c + 4 && k < eng->n; k++)
		KS_ASSERT(!before(&h[k], &h[i]));
	for (size_t k = eng->n > c ? eng->n : c; k < c + 4 && k < eng->cap; k++)
		KS_ASSERT(tbits(&h[k]) == SENTINEL);
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
	eng->heap = ks_malloc(eng->cap * sizeof *eng->heap);
	set_sentinels(eng->heap, 0, eng->cap);
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

/* With a hole at the root and n pending events (the hole counted), find where
 * the event with key (t, s) goes: move the earliest child up into the hole
 * while it is before (t, s) and return the hole's final index, which the
 * caller fills. Sentinels stand in for missing children. */
static inline size_t sift_down(struct event *h, size_t n, uint64_t t, uint64_t s)
{
	size_t i = 0, c;

	while ((c = 4 * i + 1) < n) {
		const struct event *k = &h[c];
		size_t y1 = c + (size_t)before(&k[1], &k[0]);
		size_t y2 = c + 2 + (size_t)before(&k[3], &k[2]);
		size_t m = before(&h[y2], &h[y1]) ? y2 : y1;

		if (!key_before(tbits(&h[m]), h[m].seq, t, s))
			break;
		h[i] = h[m];
		i = m;
	}
	return i;
}

/* Remove heap[0]: the last event fills the root's hole from the top, and
 * its slot becomes a sentinel. */
static inline void pop_root(struct engine *eng)
{
	struct event *h = eng->heap;
	size_t n = --eng->n;
	struct event x = h[n];
	size_t i;

	set_sentinel(&h[n]);
	if (n == 0)
		return;
	i = sift_down(h, n, tbits(&x), x.seq);
	h[i] = x;
#ifdef KTSIM_CHECKS
	check_path(eng, i, 0);
#endif
}

/* Double the heap, keeping cap >= n + 3 after the push that follows. */
static void grow(struct engine *eng)
{
	eng->heap = ks_realloc(eng->heap, 2 * eng->cap, sizeof *eng->heap);
	set_sentinels(eng->heap, eng->cap, 2 * eng->cap);
	eng->cap *= 2;
}

int engine_schedule(struct engine *eng, double t, unsigned kind, uint32_t a, uint64_t b)
{
	struct event *h;
	uint64_t s;
	size_t i;
#ifdef KTSIM_CHECKS
	size_t low, high; /* the path the operation moved */
#endif

	if (t > eng->horizon)
		return 0;
	/* Both checks are kept in every build: the first guards the handler
	 * table, the second the integer time order (it also rejects NaN). */
	KS_ASSERT(kind < ENGINE_MAX_KINDS);
	KS_ASSERT(t >= eng->now);
	t += 0.0; /* -0.0 becomes +0.0 */
	s = eng->seq++;
	if (eng->root_free) {
		/* The event being dispatched still sits at the root: the first
		 * event its handler schedules replaces it with one sift-down
		 * instead of a pop and a push (the "hold" operation). */
		eng->root_free = 0;
		h = eng->heap;
		i = sift_down(h, eng->n, bits(t), s);
#ifdef KTSIM_CHECKS
		low = i;
		high = 0;
#endif
	} else {
		if (eng->n + 4 > eng->cap)
			grow(eng);
		h = eng->heap;
		/* Sift up: the new seq is the largest, so only a strictly later
		 * parent moves down. */
		i = eng->n++;
		while (i > 0) {
			size_t p = (i - 1) / 4;

			if (!(bits(t) < tbits(&h[p])))
				break;
			h[i] = h[p];
			i = p;
		}
#ifdef KTSIM_CHECKS
		low = eng->n - 1;
		high = i;
#endif
	}
	/* Written field by field from registers into the final slot only. */
	h[i].time = t;
	h[i].seq = s;
	h[i].kind = kind;
	h[i].a = a;
	h[i].b = b;
#ifdef KTSIM_CHECKS
	check_path(eng, low, high);
#endif
	return 1;
}

void engine_on_peek(struct engine *eng, engine_peek_fn fn, void *ctx)
{
	eng->peek = fn;
	eng->peek_ctx = ctx;
}

/* The root's earliest child: the next event unless the current one's
 * handler schedules an earlier one. Sentinels (n < 5) lose every compare. */
static inline const struct event *next_likely(const struct engine *eng)
{
	const struct event *h = eng->heap;
	const struct event *a = before(&h[2], &h[1]) ? &h[2] : &h[1];
	const struct event *b = before(&h[4], &h[3]) ? &h[4] : &h[3];

	return before(b, a) ? b : a;
}

uint64_t engine_run_until(struct engine *eng, double until)
{
	uint64_t done = 0;
	double end;

	eng->stop = 0;
	while (eng->n > 0 && eng->heap[0].time <= until) {
		/* A copy: a hold overwrites the root while the handler runs. */
		struct event ev = eng->heap[0];
		const struct slot *on = &eng->on[ev.kind];

		eng->now = ev.time;
		eng->events++;
		done++;
		if (eng->peek && eng->n > 1)
			eng->peek(next_likely(eng), eng->peek_ctx);
		eng->root_free = 1;
		on->fn(eng, &ev, on->ctx);
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
