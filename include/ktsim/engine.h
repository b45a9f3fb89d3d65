/* engine — discrete-event core: clock, event heap, dispatch by kind.
 *
 * Events are fixed-size records in one growable array ordered as a 4-ary
 * min-heap on (time, seq); seq grows by one per scheduled event, so equal
 * times run in scheduling order and runs are bit-for-bit reproducible.
 * Invariant: heap[i] <= each of heap[4i+1 .. 4i+4] in (time, seq) order.
 * Events later than the horizon are never enqueued. No allocation happens per
 * event once the array has grown to the peak number of pending events.
 * The engine knows nothing of what events mean: the model registers one
 * handler per kind with engine_on().
 * Ownership: the engine owns its heap; handler contexts are borrowed. */
#ifndef KTSIM_ENGINE_H
#define KTSIM_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#define ENGINE_MAX_KINDS 16

struct event {
	double time;   /* simulated seconds */
	uint64_t seq;  /* FIFO tie-break among equal times */
	uint32_t kind; /* handler index, < ENGINE_MAX_KINDS */
	uint32_t a;    /* payload chosen by the model */
	uint64_t b;    /* payload chosen by the model */
};

struct engine;
typedef void (*engine_handler)(struct engine *eng, const struct event *ev, void *ctx);

/* Create an engine at time 0 with an infinite horizon. Free with engine_destroy. */
struct engine *engine_create(void);
/* Free the engine; NULL does nothing. */
void engine_destroy(struct engine *eng);
/* Register the handler for events of `kind` (< ENGINE_MAX_KINDS). */
void engine_on(struct engine *eng, unsigned kind, engine_handler h, void *ctx);
/* A look at the event most likely dispatched next, before the current one
 * runs: it may prefetch what that event will touch, and must change nothing. */
typedef void (*engine_peek_fn)(const struct event *next, void *ctx);
/* Install (or with NULL remove) the peek; off by default. It pays where the
 * model's state outgrows the caches (each call costs a few ns). */
void engine_on_peek(struct engine *eng, engine_peek_fn fn, void *ctx);
/* Events scheduled after `horizon` seconds are silently not enqueued. */
void engine_set_horizon(struct engine *eng, double horizon);
/* Schedule an event at absolute time t (>= now). Returns 1 if enqueued,
 * 0 if t is past the horizon. */
int engine_schedule(struct engine *eng, double t, unsigned kind, uint32_t a, uint64_t b);
/* Dispatch events in order while their time is <= until and engine_stop was
 * not called; the clock then reads min(until, horizon) unless stopped early.
 * Returns the number of events dispatched by this call. */
uint64_t engine_run_until(struct engine *eng, double until);
/* Ask engine_run_until to return after the current event (safe from a handler). */
void engine_stop(struct engine *eng);
/* Current simulated time in seconds. */
double engine_now(const struct engine *eng);
/* Total events dispatched since creation. */
uint64_t engine_events(const struct engine *eng);
/* Number of pending events. */
size_t engine_pending(const struct engine *eng);

#endif
