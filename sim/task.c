/* sim/task.c - coroutine tasks that block in virtual time.
 *
 * A task is a function running on its own stack. It runs only when the
 * engine dispatches the task's own event, whose callback switches into the
 * task; when the task blocks (sleep, wait) it switches straight back into
 * that callback, which returns to the run loop. So exactly one thing runs at
 * a time, on the caller's thread, and the order of task slices is the order
 * of their events: (time, sequence).
 *
 * Switching: getcontext + makecontext build a task's first frame on its own
 * stack, and setcontext enters it once. Every later switch, both ways, is
 * _setjmp/_longjmp (the scheme QEMU's coroutine-ucontext uses): swapcontext
 * saves and restores the signal mask with a system call each time, which
 * made a sleep cost 2.7 us against 60 ns on our VM. So tasks must not change
 * the signal mask. ASan's swapcontext interceptor, which warns and wipes the
 * whole target stack's shadow, is avoided too.
 *
 * One event per task serves every purpose: the first slice after spawn, the
 * end of a sleep, a wake, and a wait's timeout. A wake reschedules that event
 * for now, which is also what cancels a pending timeout; a timeout finds the
 * task still queued and unlinks it. Wait queues are doubly linked through
 * the tasks, so that unlink is O(1).
 *
 * Stacks are mmap'd with a PROT_NONE guard page below them, so an overflow
 * faults instead of silently corrupting a neighbour. A finished task cannot
 * free the stack it runs on: it marks itself done and switches to the engine,
 * whose event callback frees it.
 *
 * Under AddressSanitizer every switch is announced with
 * __sanitizer_start_switch_fiber / __sanitizer_finish_switch_fiber, which
 * tells ASan which stack is live and saves each side's fake stack (used for
 * detect_stack_use_after_return); otherwise ASan reports false stack errors.
 */
/* glibc's fortified longjmp refuses to jump to another stack, which is the
 * whole point here. */
#undef _FORTIFY_SOURCE

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "engine.h"

#if defined(__SANITIZE_ADDRESS__)
#define SIM_TASK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_TASK_ASAN 1
#endif
#endif

#ifdef SIM_TASK_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

#define SIM_TASK_STACK_DEFAULT (256 * 1024)
#define SIM_TASK_STACK_MIN (16 * 1024)
#define STACK_CACHE_MAX 64

struct sim_task {
	struct sim_event ev;		/* running it runs the next slice */
	struct sim_sched *sched;	/* the engine's task state */
	struct sim_waitq *wq;		/* queue waited on, NULL when none */
	struct sim_task *wq_prev;	/* neighbours in @wq */
	struct sim_task *wq_next;
	struct sim_task *prev;		/* all live tasks, in spawn order */
	struct sim_task *next;
	sim_task_fn fn;
	void *arg;
	void *data;			/* sim_task_set_data() */
	char *map;			/* guard page + stack, as mmap'd */
	size_t map_len;
	char *stack;			/* usable stack, above the guard */
	size_t stack_len;
	void *fake_stack;		/* ASan's, saved while switched out */
	uint32_t id;
	bool started;			/* entered through @ctx already */
	bool done;			/* fn returned; free after switch */
	jmp_buf env;			/* where it resumes when switched out */
	ucontext_t ctx;			/* its first frame, entered once */
	char name[];
};

struct sim_sched {
	struct sim_engine *e;
	struct sim_task *current;	/* running task, NULL in the engine */
	struct sim_task *first;		/* live tasks, in spawn order */
	struct sim_task *last;
	uint32_t ntasks;		/* live tasks */
	uint32_t last_id;
	size_t page;
	/* Stacks of finished tasks, kept for reuse: mapping and unmapping a
	 * stack per task costs more than the task (munmap shoots down TLBs
	 * on every CPU). Only default-sized stacks are cached. */
	char *stack_cache[STACK_CACHE_MAX];
	size_t stack_cache_len;		/* map_len of the cached stacks */
	unsigned int nstack_cache;
	jmp_buf engine_env;		/* where a task switches back to */
	/* ASan: the engine side's fake stack and real stack bounds. */
	void *engine_fake_stack;
	const void *engine_stack;
	size_t engine_stack_len;
};

static void __attribute__((noreturn)) task_bug(const char *fn,
					       const char *what)
{
	fprintf(stderr, "nlsim: %s: %s\n", fn, what);
	abort();
}

/* Fiber annotations, no-ops without ASan. @save NULL in fiber_start means
 * the side switching away never comes back (ASan frees its fake stack). */
static inline void fiber_start(void **save, const void *stack, size_t len)
{
#ifdef SIM_TASK_ASAN
	__sanitizer_start_switch_fiber(save, stack, len);
#else
	(void)save, (void)stack, (void)len;
#endif
}

static inline void fiber_finish(void *save, const void **from, size_t *len)
{
#ifdef SIM_TASK_ASAN
	__sanitizer_finish_switch_fiber(save, from, len);
#else
	(void)save, (void)from, (void)len;
#endif
}

/* sched_enter - engine side: run @t until it blocks or finishes. The
 * engine's frame here stays live while the task runs, so the task may
 * _longjmp back into it. */
static void sched_enter(struct sim_sched *s, struct sim_task *t)
{
	s->current = t;
	if (!_setjmp(s->engine_env)) {
		fiber_start(&s->engine_fake_stack, t->stack, t->stack_len);
		if (t->started)
			_longjmp(t->env, 1);
		t->started = true;
		setcontext(&t->ctx);
		task_bug(__func__, "setcontext failed");
	}
	fiber_finish(s->engine_fake_stack, NULL, NULL);
	s->current = NULL;
}

/* task_switch_out - task side: back to the engine until the event runs
 * again. The engine's stack bounds are refreshed on each return because
 * sim_engine_run() may be called from different places. */
static void task_switch_out(struct sim_task *t)
{
	struct sim_sched *s = t->sched;

	if (!_setjmp(t->env)) {
		fiber_start(&t->fake_stack, s->engine_stack,
			    s->engine_stack_len);
		_longjmp(s->engine_env, 1);
	}
	fiber_finish(t->fake_stack, &s->engine_stack, &s->engine_stack_len);
}

/* task_main - first frame on a task's stack. makecontext passes ints only,
 * so the task pointer arrives in two halves. */
static void task_main(unsigned int lo, unsigned int hi)
{
	struct sim_task *t = (struct sim_task *)(uintptr_t)
		(((uint64_t)hi << 32) | lo);
	struct sim_sched *s = t->sched;

	fiber_finish(NULL, &s->engine_stack, &s->engine_stack_len);
	t->fn(t->arg);
	t->done = true;
	fiber_start(NULL, s->engine_stack, s->engine_stack_len);
	_longjmp(s->engine_env, 1);
}

static int task_stack_alloc(struct sim_sched *s, struct sim_task *t,
			    size_t size)
{
	size = (size + s->page - 1) & ~(s->page - 1);
	t->map_len = size + s->page;
	if (s->nstack_cache && t->map_len == s->stack_cache_len) {
		t->map = s->stack_cache[--s->nstack_cache];
		t->stack = t->map + s->page;
		t->stack_len = size;
		return 0;
	}
	t->map = mmap(NULL, t->map_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
		      -1, 0);
	if (t->map == MAP_FAILED)
		return -1;
	/* Stacks grow down on every target we run on: guard the bottom. */
	if (mprotect(t->map, s->page, PROT_NONE)) {
		munmap(t->map, t->map_len);
		return -1;
	}
	t->stack = t->map + s->page;
	t->stack_len = size;
	return 0;
}

static void task_stack_free(struct sim_sched *s, struct sim_task *t)
{
#ifdef SIM_TASK_ASAN
	/* Frames that never returned leave poisoned redzones behind; clear
	 * them so a later mapping at this address starts clean. */
	ASAN_UNPOISON_MEMORY_REGION(t->stack, t->stack_len);
#endif
	if (s->nstack_cache < STACK_CACHE_MAX &&
	    (!s->nstack_cache || s->stack_cache_len == t->map_len) &&
	    t->stack_len == SIM_TASK_STACK_DEFAULT) {
		s->stack_cache_len = t->map_len;
		s->stack_cache[s->nstack_cache++] = t->map;
		return;
	}
	munmap(t->map, t->map_len);
}

static void task_free(struct sim_sched *s, struct sim_task *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		s->first = t->next;
	if (t->next)
		t->next->prev = t->prev;
	else
		s->last = t->prev;
	s->ntasks--;
	task_stack_free(s, t);
	free(t);
}

/* task_run_slice - a task's event: resume it; free it if it finished. */
static void task_run_slice(struct sim_event *ev)
{
	struct sim_task *t = container_of(ev, struct sim_task, ev);
	struct sim_sched *s = t->sched;

	sched_enter(s, t);
	if (t->done)
		task_free(s, t);
}

/**
 * sim_sched_create - task state for a new engine (sim/engine.c only)
 * @e: the engine being created
 *
 * Returns NULL when out of memory. Context: sim_engine_create().
 */
struct sim_sched *sim_sched_create(struct sim_engine *e)
{
	struct sim_sched *s = calloc(1, sizeof(*s));
	long page = sysconf(_SC_PAGESIZE);

	if (!s)
		return NULL;
	s->e = e;
	s->page = page > 0 ? (size_t)page : 4096;
	return s;
}

/**
 * sim_sched_destroy - free every live task and the task state
 * @s: the task state, or NULL
 *
 * Blocked tasks never resume; their stacks are unmapped with whatever frames
 * they held. Their events and wait-queue links are not touched: the engine
 * drops the events, and the wait queues' owners must not use them with
 * this engine again. Context: sim_engine_destroy(), outside any task.
 */
void sim_sched_destroy(struct sim_sched *s)
{
	if (!s)
		return;
	if (s->current)
		task_bug(__func__, "engine destroyed from inside a task");
	while (s->first)
		task_free(s, s->first);
	while (s->nstack_cache)
		munmap(s->stack_cache[--s->nstack_cache], s->stack_cache_len);
	free(s);
}

/**
 * sim_task_spawn - create a task that runs @fn(@arg) from now on
 * @e: the engine
 * @name: copied, for traces; NULL is ""
 * @fn: the task body; the task ends and is freed when it returns
 * @arg: passed to @fn
 * @stack: stack size in bytes, 0 for 256 KiB (rounded up to pages, at
 *	least 16 KiB), plus one guard page
 *
 * The first slice is an event at the current time, so it runs after every
 * event already due now. Returns NULL when out of memory.
 * Context: any.
 */
struct sim_task *sim_task_spawn(struct sim_engine *e, const char *name,
				sim_task_fn fn, void *arg, size_t stack)
{
	struct sim_sched *s = sim_engine_sched(e);
	size_t len = name ? strlen(name) : 0;
	uintptr_t p;
	struct sim_task *t;

	t = calloc(1, sizeof(*t) + len + 1);
	if (!t)
		return NULL;
	if (len)
		memcpy(t->name, name, len);
	if (!stack)
		stack = SIM_TASK_STACK_DEFAULT;
	if (stack < SIM_TASK_STACK_MIN)
		stack = SIM_TASK_STACK_MIN;
	if (task_stack_alloc(s, t, stack))
		goto out_free_task;
	if (getcontext(&t->ctx))
		goto out_free_stack;
	t->ctx.uc_stack.ss_sp = t->stack;
	t->ctx.uc_stack.ss_size = t->stack_len;
	t->ctx.uc_link = NULL;
	p = (uintptr_t)t;
	makecontext(&t->ctx, (void (*)(void))task_main, 2,
		    (unsigned int)(uint32_t)p,
		    (unsigned int)(uint32_t)((uint64_t)p >> 32));

	t->sched = s;
	t->fn = fn;
	t->arg = arg;
	t->id = ++s->last_id;
	t->prev = s->last;
	if (s->last)
		s->last->next = t;
	else
		s->first = t;
	s->last = t;
	s->ntasks++;
	sim_event_init(&t->ev, task_run_slice);
	sim_event_schedule(e, &t->ev, sim_now(e));
	return t;

out_free_stack:
	task_stack_free(s, t);
out_free_task:
	free(t);
	return NULL;
}

/**
 * sim_task_current - the running task
 * @e: the engine
 *
 * Returns NULL when called from an event callback or from outside the
 * engine. Context: any.
 */
struct sim_task *sim_task_current(const struct sim_engine *e)
{
	return sim_engine_sched(e)->current;
}

/* sim_task_name - the name given at spawn. Context: any, while @t lives. */
const char *sim_task_name(const struct sim_task *t)
{
	return t->name;
}

/* sim_task_id - 1, 2, ... in spawn order, per engine. Context: any. */
uint32_t sim_task_id(const struct sim_task *t)
{
	return t->id;
}

/* sim_task_set_data - attach a user pointer the engine never looks at.
 * Context: any. */
void sim_task_set_data(struct sim_task *t, void *data)
{
	t->data = data;
}

/* sim_task_data - the pointer from sim_task_set_data(), or NULL.
 * Context: any. */
void *sim_task_data(const struct sim_task *t)
{
	return t->data;
}

/**
 * sim_engine_tasks - number of live tasks (spawned, not yet finished)
 * @e: the engine
 *
 * Context: any.
 */
uint32_t sim_engine_tasks(const struct sim_engine *e)
{
	return sim_engine_sched(e)->ntasks;
}

/* task_self - the running task; calling a blocking function from anywhere
 * else is a bug that would corrupt the engine, so stop there. */
static struct sim_task *task_self(struct sim_engine *e, const char *fn)
{
	struct sim_task *t = sim_engine_sched(e)->current;

	if (!t)
		task_bug(fn, "called outside a task (task context only)");
	return t;
}

static void waitq_append(struct sim_waitq *wq, struct sim_task *t)
{
	t->wq = wq;
	t->wq_next = NULL;
	t->wq_prev = wq->tail;
	if (wq->tail)
		wq->tail->wq_next = t;
	else
		wq->head = t;
	wq->tail = t;
}

static void waitq_unlink(struct sim_task *t)
{
	struct sim_waitq *wq = t->wq;

	if (t->wq_prev)
		t->wq_prev->wq_next = t->wq_next;
	else
		wq->head = t->wq_next;
	if (t->wq_next)
		t->wq_next->wq_prev = t->wq_prev;
	else
		wq->tail = t->wq_prev;
	t->wq = NULL;
	t->wq_prev = NULL;
	t->wq_next = NULL;
}

/**
 * sim_task_sleep - block the running task for @ns of virtual time
 * @e: the engine
 * @ns: how long; negative counts as 0
 *
 * sim_task_sleep(e, 0) yields: the task continues after every event already
 * due now. Context: task context; virtual time passes.
 */
void sim_task_sleep(struct sim_engine *e, sim_time_t ns)
{
	struct sim_task *t = task_self(e, __func__);
	sim_time_t now = sim_now(e);

	if (ns < 0)
		ns = 0;
	sim_event_schedule(e, &t->ev,
			   ns > SIM_TIME_MAX - now ? SIM_TIME_MAX : now + ns);
	task_switch_out(t);
}

/**
 * sim_task_wait - block the running task until woken through @wq
 * @e: the engine
 * @wq: the wait queue; the task joins its tail
 *
 * Context: task context; virtual time may pass.
 */
void sim_task_wait(struct sim_engine *e, struct sim_waitq *wq)
{
	struct sim_task *t = task_self(e, __func__);

	waitq_append(wq, t);
	task_switch_out(t);
}

/**
 * sim_task_wait_until - block until woken through @wq or until @deadline
 * @e: the engine
 * @wq: the wait queue; the task joins its tail
 * @deadline: virtual time to give up at
 *
 * Returns true when woken, false on timeout, having left @wq either way. A
 * wake due at the deadline itself wins only if it was scheduled first. A
 * @deadline not after now returns false at once, without blocking.
 * Context: task context; virtual time may pass.
 */
bool sim_task_wait_until(struct sim_engine *e, struct sim_waitq *wq,
			 sim_time_t deadline)
{
	struct sim_task *t = task_self(e, __func__);

	if (deadline <= sim_now(e))
		return false;
	waitq_append(wq, t);
	sim_event_schedule(e, &t->ev, deadline);
	task_switch_out(t);
	if (!t->wq)
		return true;
	waitq_unlink(t);
	return false;
}

/**
 * sim_waitq_wake_one - make the first waiter of @wq runnable now
 * @e: the engine
 * @wq: the wait queue
 *
 * The waiter leaves @wq at once and runs after every event already due now;
 * its timeout, if any, is cancelled. Returns 1, or 0 if @wq was empty.
 * Context: any.
 */
int sim_waitq_wake_one(struct sim_engine *e, struct sim_waitq *wq)
{
	struct sim_task *t = wq->head;

	if (!t)
		return 0;
	if (t->sched != sim_engine_sched(e))
		task_bug(__func__, "waiter belongs to another engine");
	waitq_unlink(t);
	sim_event_schedule(e, &t->ev, sim_now(e));
	return 1;
}

/**
 * sim_waitq_wake_all - make every waiter of @wq runnable now, in FIFO order
 * @e: the engine
 * @wq: the wait queue
 *
 * Returns the number of tasks woken. Context: any.
 */
int sim_waitq_wake_all(struct sim_engine *e, struct sim_waitq *wq)
{
	int n = 0;

	while (sim_waitq_wake_one(e, wq))
		n++;
	return n;
}
