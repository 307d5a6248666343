/* sim/engine.h - the deterministic discrete-event engine and its tasks.
 *
 * Virtual time is a signed 64-bit count of nanoseconds (sim_time_t). Events are
 * ordered by (time, insertion sequence): two events due at the same instant run
 * in the order they were scheduled, every run. Nothing here reads a real clock.
 *
 * Tasks are coroutines (one stack each) that block in virtual time: sleep,
 * wait on a wait queue (a lock, a readable socket, a reply), and are woken by
 * other tasks or events. A task never runs in parallel with anything else:
 * the engine runs one event or one task slice at a time, on the caller's
 * thread, so model code needs no locks.
 *
 * Context notes used in comments below:
 *   "task context"  - may only be called from inside a running task (it may
 *                     switch away and come back later in virtual time);
 *   "any context"   - may be called from an event callback, a task, or from
 *                     outside the engine between sim_engine_run() calls.
 */
#ifndef NLSIM_SIM_ENGINE_H
#define NLSIM_SIM_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t sim_time_t;

#define SIM_NSEC_PER_USEC 1000LL
#define SIM_NSEC_PER_MSEC 1000000LL
#define SIM_NSEC_PER_SEC 1000000000LL
#define SIM_TIME_MAX INT64_MAX

struct sim_engine;
struct sim_task;

/* An event: embed it in your own object and recover the object with
 * container_of() in the callback. The heap fields are private. */
struct sim_event {
	sim_time_t when;	/* due time; valid while pending */
	uint64_t seq;		/* insertion sequence, the tie-break */
	uint32_t heap_index;	/* position in the heap, 0 when not pending */
	void (*fn)(struct sim_event *ev);
};

/* A FIFO of blocked tasks. Zero-initialised is empty. */
struct sim_waitq {
	struct sim_task *head;
	struct sim_task *tail;
};

/* Engine lifetime. The seed drives the engine's one PRNG (sim_engine_random). */
struct sim_engine *sim_engine_create(uint64_t seed);
void sim_engine_destroy(struct sim_engine *e);

/* Current virtual time. Any context. */
sim_time_t sim_now(const struct sim_engine *e);

/* Events. Any context. Scheduling an already pending event moves it (the new
 * insertion sequence applies). Scheduling in the past is clamped to now. */
void sim_event_init(struct sim_event *ev, void (*fn)(struct sim_event *ev));
void sim_event_schedule(struct sim_engine *e, struct sim_event *ev, sim_time_t when);
void sim_event_cancel(struct sim_engine *e, struct sim_event *ev);
static inline bool sim_event_pending(const struct sim_event *ev)
{
	return ev->heap_index != 0;
}

/* Run every event (and task slice) due at or before @until, in order; virtual
 * time ends at the last event run (or at @until if @advance_to_until). Returns
 * the number of events run. Must not be called from inside a task or event. */
uint64_t sim_engine_run(struct sim_engine *e, sim_time_t until, bool advance_to_until);
/* Run until no event is left, or @limit virtual time is reached. */
uint64_t sim_engine_run_idle(struct sim_engine *e, sim_time_t limit);
/* Stop the current sim_engine_run() after the running event returns. */
void sim_engine_stop(struct sim_engine *e);
bool sim_engine_idle(const struct sim_engine *e);	/* no pending event */
uint64_t sim_engine_events(const struct sim_engine *e);	/* events run so far */
sim_time_t sim_engine_next_due(const struct sim_engine *e); /* SIM_TIME_MAX if none */

/* The engine's PRNG (xoshiro256**, seeded by splitmix64 from the seed). Every
 * random choice in a run must come from here so one seed replays a run. */
uint64_t sim_engine_random(struct sim_engine *e);
uint64_t sim_engine_seed(const struct sim_engine *e);

/* Tasks. */
typedef void (*sim_task_fn)(void *arg);

/* Create a task that starts running @fn(@arg) at the current virtual time
 * (after every event already due now). @name is copied (for traces). The task
 * is freed by the engine when @fn returns. Any context. stack 0 = default
 * (256 KiB). */
struct sim_task *sim_task_spawn(struct sim_engine *e, const char *name,
				sim_task_fn fn, void *arg, size_t stack);
/* The running task, or NULL when called from an event or from outside. */
struct sim_task *sim_task_current(const struct sim_engine *e);
const char *sim_task_name(const struct sim_task *t);
uint32_t sim_task_id(const struct sim_task *t);	/* 1, 2, ... in spawn order */
/* Per-task user pointer (for the transport and clients). */
void sim_task_set_data(struct sim_task *t, void *data);
void *sim_task_data(const struct sim_task *t);

/* Block the running task for @ns of virtual time. Task context. */
void sim_task_sleep(struct sim_engine *e, sim_time_t ns);
/* Block the running task until woken through @wq. Task context. */
void sim_task_wait(struct sim_engine *e, struct sim_waitq *wq);
/* Like sim_task_wait but give up at virtual time @deadline; returns false on
 * timeout, true when woken. Task context. */
bool sim_task_wait_until(struct sim_engine *e, struct sim_waitq *wq, sim_time_t deadline);
/* Make the first (or every) waiter of @wq runnable at the current time, in
 * FIFO order. Any context. Returns the number of tasks woken. */
int sim_waitq_wake_one(struct sim_engine *e, struct sim_waitq *wq);
int sim_waitq_wake_all(struct sim_engine *e, struct sim_waitq *wq);
static inline bool sim_waitq_empty(const struct sim_waitq *wq)
{
	return wq->head == NULL;
}
/* Number of live tasks (spawned and not finished). */
uint32_t sim_engine_tasks(const struct sim_engine *e);

/* Internal: the link between sim/engine.c and sim/task.c; nothing else calls
 * these. The engine owns the task scheduler's state (struct sim_sched, private
 * to task.c) and destroys it, with every task still blocked, in
 * sim_engine_destroy(). */
struct sim_sched;
struct sim_sched *sim_sched_create(struct sim_engine *e);
void sim_sched_destroy(struct sim_sched *s);
struct sim_sched *sim_engine_sched(const struct sim_engine *e);

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#endif

#endif /* NLSIM_SIM_ENGINE_H */
