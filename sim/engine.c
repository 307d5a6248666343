/* sim/engine.c - the deterministic discrete-event engine: virtual clock,
 * event queue, run loop, and the run's one PRNG.
 *
 * Events are ordered by (time, insertion sequence). The sequence is an engine
 * counter taken at every sim_event_schedule(), so events due at the same
 * instant run in the order they were scheduled, and an event scheduled "now"
 * from a callback runs after everything already due now. Nothing here reads
 * a real clock, iterates a hash or compares addresses: one seed and one
 * program give one order.
 *
 * The run loop pops one event at a time and calls ev->fn. That is the whole
 * hot path: no allocation per event (the heap array only grows), no other
 * indirection. Tasks (sim/task.c) are driven by ordinary events whose
 * callback switches into the task.
 *
 * The PRNG is xoshiro256** (Blackman and Vigna), its state filled from the
 * seed by splitmix64 as its authors recommend, so seed 0 is fine too.
 */
#include <stdio.h>
#include <stdlib.h>

#include "engine.h"
#include "heap.h"

struct sim_engine {
	sim_time_t now;		/* virtual time, ns */
	uint64_t seq;		/* next insertion sequence */
	uint64_t events;	/* events run so far, all runs together */
	struct sim_heap heap;	/* pending events */
	bool running;		/* inside sim_engine_run() */
	bool stop;		/* sim_engine_stop() asked the run to end */
	uint64_t seed;
	uint64_t rng[4];	/* xoshiro256** state */
	struct sim_sched *sched; /* tasks, owned by sim/task.c */
};

/* A broken contract is a bug in the caller; say which and stop. */
static void __attribute__((noreturn)) engine_bug(const char *fn,
						 const char *what)
{
	fprintf(stderr, "nlsim: %s: %s\n", fn, what);
	abort();
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/**
 * sim_engine_create - a new engine at virtual time 0 with no event pending
 * @seed: drives sim_engine_random(); the same seed gives the same sequence
 *
 * Returns NULL when out of memory.
 * Context: outside the engine.
 */
struct sim_engine *sim_engine_create(uint64_t seed)
{
	struct sim_engine *e = calloc(1, sizeof(*e));
	uint64_t x = seed;
	int i;

	if (!e)
		return NULL;
	sim_heap_init(&e->heap);
	e->seed = seed;
	for (i = 0; i < 4; i++)
		e->rng[i] = splitmix64(&x);
	e->sched = sim_sched_create(e);
	if (!e->sched) {
		free(e);
		return NULL;
	}
	return e;
}

/**
 * sim_engine_destroy - free the engine, its tasks and its queue
 * @e: the engine, or NULL
 *
 * Tasks still blocked are freed without resuming (their stacks just go
 * away). Pending events are dropped without being touched, since their
 * owners may already be freed; they must not be used with @e again.
 * Context: outside the engine (not from an event or a task).
 */
void sim_engine_destroy(struct sim_engine *e)
{
	if (!e)
		return;
	if (e->running)
		engine_bug(__func__, "called from inside sim_engine_run()");
	sim_sched_destroy(e->sched);
	sim_heap_fini(&e->heap);
	free(e);
}

/**
 * sim_now - the current virtual time
 * @e: the engine
 *
 * Context: any.
 */
sim_time_t sim_now(const struct sim_engine *e)
{
	return e->now;
}

/**
 * sim_engine_sched - the task scheduler state, for sim/task.c only
 * @e: the engine
 *
 * Context: any.
 */
struct sim_sched *sim_engine_sched(const struct sim_engine *e)
{
	return e->sched;
}

/**
 * sim_event_init - make @ev a non-pending event that calls @fn when run
 * @ev: the event, embedded in its owner
 * @fn: the callback; it gets @ev back and finds its owner with container_of
 *
 * Context: any; @ev must not be pending.
 */
void sim_event_init(struct sim_event *ev, void (*fn)(struct sim_event *ev))
{
	ev->when = 0;
	ev->seq = 0;
	ev->heap_index = 0;
	ev->fn = fn;
}

/**
 * sim_event_schedule - make @ev due at @when
 * @e: the engine
 * @ev: an initialised event, pending or not
 * @when: due time; a time before now is clamped to now
 *
 * A pending event is moved, and takes a fresh insertion sequence: it runs
 * after every other event due at the same @when that is already queued.
 * Out of memory while growing the queue aborts (there is no way to report
 * it and a run that silently lost an event would be worse). O(log n).
 * Context: any.
 */
void sim_event_schedule(struct sim_engine *e, struct sim_event *ev,
			sim_time_t when)
{
	ev->when = when < e->now ? e->now : when;
	ev->seq = e->seq++;
	if (ev->heap_index)
		sim_heap_update(&e->heap, ev);
	else if (!sim_heap_insert(&e->heap, ev))
		engine_bug(__func__, "out of memory for the event queue");
}

/**
 * sim_event_cancel - make @ev not pending; a no-op if it is not
 * @e: the engine
 * @ev: the event
 *
 * O(log n). Context: any.
 */
void sim_event_cancel(struct sim_engine *e, struct sim_event *ev)
{
	if (ev->heap_index)
		sim_heap_remove(&e->heap, ev);
}

/**
 * sim_engine_run - run every event due at or before @until, in order
 * @e: the engine
 * @until: last virtual time to run
 * @advance_to_until: leave the clock at @until (if the run was not stopped)
 *
 * Each event sets the clock to its own due time before it runs. Without
 * @advance_to_until the clock stays at the last event run, so a later run
 * can continue from there. The clock never goes backwards: an @until before
 * now runs nothing. Returns the number of events run.
 * Context: outside the engine (not from an event or a task).
 */
uint64_t sim_engine_run(struct sim_engine *e, sim_time_t until,
			bool advance_to_until)
{
	uint64_t n = 0;
	struct sim_event *ev;

	if (e->running)
		engine_bug(__func__, "called from inside sim_engine_run()");
	e->running = true;
	e->stop = false;
	while (e->heap.n && sim_heap_min_when(&e->heap) <= until) {
		e->now = sim_heap_min_when(&e->heap);
		ev = sim_heap_pop(&e->heap);
		ev->fn(ev);
		n++;
		e->events++;
		if (e->stop)
			break;
	}
	e->running = false;
	if (advance_to_until && !e->stop && until > e->now)
		e->now = until;
	return n;
}

/**
 * sim_engine_run_idle - run until no event is left or @limit is reached
 * @e: the engine
 * @limit: last virtual time to run (SIM_TIME_MAX for none)
 *
 * The clock stays at the last event run. Returns the number of events run.
 * Context: outside the engine.
 */
uint64_t sim_engine_run_idle(struct sim_engine *e, sim_time_t limit)
{
	return sim_engine_run(e, limit, false);
}

/**
 * sim_engine_stop - end the current sim_engine_run() after this event
 * @e: the engine
 *
 * The running event (or task slice) finishes; nothing else runs. A stopped
 * run does not advance the clock to its @until. Each run starts unstopped,
 * so calling this outside a run has no effect.
 * Context: any (meant for events and tasks).
 */
void sim_engine_stop(struct sim_engine *e)
{
	e->stop = true;
}

/**
 * sim_engine_idle - is no event pending?
 * @e: the engine
 *
 * Context: any.
 */
bool sim_engine_idle(const struct sim_engine *e)
{
	return e->heap.n == 0;
}

/**
 * sim_engine_events - number of events run so far (task slices included)
 * @e: the engine
 *
 * Context: any.
 */
uint64_t sim_engine_events(const struct sim_engine *e)
{
	return e->events;
}

/**
 * sim_engine_next_due - due time of the first pending event
 * @e: the engine
 *
 * Returns SIM_TIME_MAX when no event is pending. Context: any.
 */
sim_time_t sim_engine_next_due(const struct sim_engine *e)
{
	const struct sim_event *ev = sim_heap_min(&e->heap);

	return ev ? ev->when : SIM_TIME_MAX;
}

/**
 * sim_engine_random - the next 64 random bits of the run (xoshiro256**)
 * @e: the engine
 *
 * Context: any. Every random choice of a run must come from here.
 */
uint64_t sim_engine_random(struct sim_engine *e)
{
	uint64_t *s = e->rng;
	uint64_t r = rotl64(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return r;
}

/**
 * sim_engine_seed - the seed @e was created with (for the run's header)
 * @e: the engine
 *
 * Context: any.
 */
uint64_t sim_engine_seed(const struct sim_engine *e)
{
	return e->seed;
}
