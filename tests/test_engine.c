/* tests/test_engine.c - tests for sim/engine.c, sim/heap.h and sim/task.c.
 *
 * Event order (time, then schedule order), rescheduling, cancel, clamping,
 * run/stop semantics, the heap against a brute-force check, the PRNG, and
 * tasks: sleep, wait queues, timeouts, spawn, freeing, destroy with blocked
 * tasks, determinism of a large interleaving, and the aborts that catch
 * misuse (run in a forked child).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/engine.h"
#include "testutil.h"

/* What ran, in order: who and at what virtual time. */
struct order_log {
	int n;
	int id[64];
	sim_time_t at[64];
};

static struct order_log lg;

static void log_add(int id, sim_time_t at)
{
	if (lg.n < 64) {
		lg.id[lg.n] = id;
		lg.at[lg.n] = at;
	}
	lg.n++;
}

struct tev {
	struct sim_event ev;
	struct sim_engine *e;
	int id;
	struct tev *other;	/* for callbacks that act on another event */
};

static void tev_log(struct sim_event *ev)
{
	struct tev *t = container_of(ev, struct tev, ev);

	log_add(t->id, sim_now(t->e));
}

static void tev_init(struct tev *t, struct sim_engine *e, int id,
		     void (*fn)(struct sim_event *))
{
	sim_event_init(&t->ev, fn ? fn : tev_log);
	t->e = e;
	t->id = id;
	t->other = NULL;
}

static void assert_order(const int *want, int n)
{
	int i;

	ASSERT_EQ_INT(lg.n, n);
	for (i = 0; i < n && i < lg.n; i++)
		ASSERT_EQ_INT(lg.id[i], want[i]);
}

static void same_time_events_run_in_schedule_order(void)
{
	struct sim_engine *e = sim_engine_create(1);
	static const int ids[] = { 3, 1, 4, 0, 2 };
	static const int want[] = { 5, 3, 1, 4, 0, 2 };
	struct tev t[6];
	int i;

	lg.n = 0;
	for (i = 0; i < 5; i++) {
		tev_init(&t[i], e, ids[i], NULL);
		sim_event_schedule(e, &t[i].ev, 100);
	}
	tev_init(&t[5], e, 5, NULL);
	sim_event_schedule(e, &t[5].ev, 50);
	ASSERT_EQ_UINT(sim_engine_run_idle(e, SIM_TIME_MAX), 6);
	assert_order(want, 6);
	ASSERT_EQ_INT(lg.at[0], 50);
	ASSERT_EQ_INT(lg.at[5], 100);
	sim_engine_destroy(e);
}

static void reschedule_moves_event_behind_same_time(void)
{
	struct sim_engine *e = sim_engine_create(1);
	static const int want[] = { 4, 2, 3, 1 };
	struct tev a, b, c, d;

	lg.n = 0;
	tev_init(&a, e, 1, NULL);
	tev_init(&b, e, 2, NULL);
	tev_init(&c, e, 3, NULL);
	tev_init(&d, e, 4, NULL);
	sim_event_schedule(e, &a.ev, 10);
	sim_event_schedule(e, &b.ev, 10);
	sim_event_schedule(e, &c.ev, 10);
	sim_event_schedule(e, &d.ev, 20);
	sim_event_schedule(e, &a.ev, 10);	/* same time, new sequence */
	sim_event_schedule(e, &d.ev, 5);	/* earlier: moves up */
	ASSERT_EQ_UINT(sim_engine_run_idle(e, SIM_TIME_MAX), 4);
	assert_order(want, 4);
	ASSERT_EQ_INT(lg.at[0], 5);
	sim_engine_destroy(e);
}

/* Schedules its @other for now: that must run after what is already due. */
static void tev_schedule_other_now(struct sim_event *ev)
{
	struct tev *t = container_of(ev, struct tev, ev);

	tev_log(ev);
	sim_event_schedule(t->e, &t->other->ev, sim_now(t->e));
}

static void event_scheduled_now_runs_after_due_events(void)
{
	struct sim_engine *e = sim_engine_create(1);
	static const int want[] = { 1, 2, 3 };
	struct tev a, b, x;

	lg.n = 0;
	tev_init(&a, e, 1, tev_schedule_other_now);
	tev_init(&b, e, 2, NULL);
	tev_init(&x, e, 3, NULL);
	a.other = &x;
	sim_event_schedule(e, &a.ev, 10);
	sim_event_schedule(e, &b.ev, 10);
	sim_engine_run_idle(e, SIM_TIME_MAX);
	assert_order(want, 3);
	ASSERT_EQ_INT(lg.at[2], 10);
	sim_engine_destroy(e);
}

static void cancel_removes_pending_event(void)
{
	struct sim_engine *e = sim_engine_create(1);
	static const int want[] = { 2, 4, 5 };
	struct tev t[6];
	int i;

	lg.n = 0;
	for (i = 1; i <= 5; i++) {
		tev_init(&t[i], e, i, NULL);
		sim_event_schedule(e, &t[i].ev, 10 * i);
	}
	sim_event_cancel(e, &t[1].ev);		/* the first due */
	sim_event_cancel(e, &t[3].ev);		/* one in the middle */
	sim_event_cancel(e, &t[3].ev);		/* not pending: no-op */
	CU_ASSERT(!sim_event_pending(&t[1].ev));
	CU_ASSERT(!sim_event_pending(&t[3].ev));
	CU_ASSERT(sim_event_pending(&t[2].ev));
	ASSERT_EQ_INT(sim_engine_next_due(e), 20);
	ASSERT_EQ_UINT(sim_engine_run_idle(e, SIM_TIME_MAX), 3);
	assert_order(want, 3);
	CU_ASSERT(!sim_event_pending(&t[5].ev));
	CU_ASSERT(sim_engine_idle(e));
	ASSERT_EQ_INT(sim_engine_next_due(e), SIM_TIME_MAX);
	sim_engine_destroy(e);
}

static void schedule_in_the_past_clamps_to_now(void)
{
	struct sim_engine *e = sim_engine_create(1);
	struct tev a;

	lg.n = 0;
	tev_init(&a, e, 1, NULL);
	sim_engine_run(e, 1000, true);
	ASSERT_EQ_INT(sim_now(e), 1000);
	sim_event_schedule(e, &a.ev, 10);
	ASSERT_EQ_INT(a.ev.when, 1000);
	ASSERT_EQ_INT(sim_engine_next_due(e), 1000);
	sim_engine_run_idle(e, SIM_TIME_MAX);
	ASSERT_EQ_INT(lg.n, 1);
	ASSERT_EQ_INT(lg.at[0], 1000);
	sim_engine_destroy(e);
}

static void run_until_stops_at_until_and_advances_on_request(void)
{
	struct sim_engine *e = sim_engine_create(1);
	struct tev t[3];
	int i;

	lg.n = 0;
	for (i = 0; i < 3; i++) {
		tev_init(&t[i], e, i, NULL);
		sim_event_schedule(e, &t[i].ev, 10 * (i + 1));
	}
	ASSERT_EQ_UINT(sim_engine_run(e, 15, false), 1);
	ASSERT_EQ_INT(sim_now(e), 10);		/* the last event run */
	ASSERT_EQ_UINT(sim_engine_run(e, 15, true), 0);
	ASSERT_EQ_INT(sim_now(e), 15);
	ASSERT_EQ_UINT(sim_engine_run(e, 5, true), 0);
	ASSERT_EQ_INT(sim_now(e), 15);		/* never backwards */
	ASSERT_EQ_UINT(sim_engine_run(e, 20, false), 1);	/* inclusive */
	ASSERT_EQ_INT(sim_now(e), 20);
	ASSERT_EQ_INT(sim_engine_next_due(e), 30);
	ASSERT_EQ_UINT(sim_engine_run(e, 100, true), 1);
	ASSERT_EQ_INT(sim_now(e), 100);
	ASSERT_EQ_UINT(sim_engine_events(e), 3);
	CU_ASSERT(sim_engine_idle(e));
	sim_engine_destroy(e);
}

static void tev_stop(struct sim_event *ev)
{
	struct tev *t = container_of(ev, struct tev, ev);

	tev_log(ev);
	sim_engine_stop(t->e);
}

static void stop_ends_run_after_current_event(void)
{
	struct sim_engine *e = sim_engine_create(1);
	struct tev a, b, c, d;

	lg.n = 0;
	tev_init(&a, e, 1, NULL);
	tev_init(&b, e, 2, tev_stop);
	tev_init(&c, e, 3, NULL);
	tev_init(&d, e, 4, NULL);
	sim_event_schedule(e, &a.ev, 10);
	sim_event_schedule(e, &b.ev, 20);
	sim_event_schedule(e, &c.ev, 20);	/* same time, not run */
	sim_event_schedule(e, &d.ev, 30);
	ASSERT_EQ_UINT(sim_engine_run(e, 100, true), 2);
	ASSERT_EQ_INT(sim_now(e), 20);		/* stopped: no advance */
	CU_ASSERT(sim_event_pending(&c.ev));
	ASSERT_EQ_UINT(sim_engine_run(e, 100, true), 2);
	ASSERT_EQ_INT(sim_now(e), 100);
	ASSERT_EQ_INT(lg.n, 4);
	sim_engine_destroy(e);
}

/* Heap check: many events reschedule themselves, cancel or move others at
 * random; each one, when it runs, checks by brute force that no pending
 * event should have run before it. */
#define NCHURN 300

struct churn {
	struct sim_engine *e;
	struct tev ev[NCHURN];
	uint64_t left;
	sim_time_t last_when;
	uint64_t last_seq;
	int bad;
};

static struct churn *churn;

static void churn_fn(struct sim_event *ev)
{
	struct churn *c = churn;
	uint64_t r = sim_engine_random(c->e);
	struct tev *o = &c->ev[(r >> 8) % NCHURN];
	int i;

	/* ev's own key is still readable: it is no longer pending. */
	if (ev->when < c->last_when ||
	    (ev->when == c->last_when && ev->seq <= c->last_seq))
		c->bad++;
	c->last_when = ev->when;
	c->last_seq = ev->seq;
	for (i = 0; i < NCHURN; i++) {
		const struct sim_event *p = &c->ev[i].ev;

		if (sim_event_pending(p) && (p->when < ev->when ||
		    (p->when == ev->when && p->seq < ev->seq)))
			c->bad++;
	}
	if (!c->left || !--c->left)
		return;	/* the rest drain without rescheduling */
	sim_event_schedule(c->e, ev, sim_now(c->e) + (sim_time_t)(r & 15));
	switch ((r >> 40) % 4) {
	case 0:
		sim_event_cancel(c->e, &o->ev);
		break;
	case 1:
		sim_event_schedule(c->e, &o->ev,
				   sim_now(c->e) + (sim_time_t)(r >> 50) % 40);
		break;
	default:
		if (!sim_event_pending(&o->ev))
			sim_event_schedule(c->e, &o->ev, sim_now(c->e) + 3);
		break;
	}
}

static void heap_pops_in_time_then_sequence_order(void)
{
	struct churn *c = calloc(1, sizeof(*c));
	int i;

	REQUIRE(c != NULL);
	churn = c;
	c->e = sim_engine_create(7);
	c->left = 20000;
	c->last_when = -1;
	for (i = 0; i < NCHURN; i++) {
		tev_init(&c->ev[i], c->e, i, churn_fn);
		sim_event_schedule(c->e, &c->ev[i].ev,
				   sim_engine_random(c->e) % 64);
	}
	sim_engine_run_idle(c->e, SIM_TIME_MAX);
	ASSERT_EQ_UINT(c->left, 0);
	ASSERT_EQ_INT(c->bad, 0);
	sim_engine_destroy(c->e);
	free(c);
	churn = NULL;
}

static void prng_is_pinned_and_seeded(void)
{
	struct sim_engine *a = sim_engine_create(1);
	struct sim_engine *b = sim_engine_create(1);
	struct sim_engine *c = sim_engine_create(2);
	int i, same_ab = 1, diff_ac = 0;

	/* xoshiro256** seeded by splitmix64(1); computed once, pinned. */
	ASSERT_EQ_UINT(sim_engine_random(a), 0xb3f2af6d0fc710c5ULL);
	ASSERT_EQ_UINT(sim_engine_random(a), 0x853b559647364ceaULL);
	ASSERT_EQ_UINT(sim_engine_random(a), 0x92f89756082a4514ULL);
	sim_engine_random(b);
	sim_engine_random(b);
	sim_engine_random(b);
	sim_engine_random(c);
	sim_engine_random(c);
	sim_engine_random(c);
	for (i = 0; i < 1000; i++) {
		uint64_t x = sim_engine_random(a);

		same_ab &= x == sim_engine_random(b);
		diff_ac += x != sim_engine_random(c);
	}
	CU_ASSERT(same_ab);
	ASSERT_EQ_INT(diff_ac, 1000);
	ASSERT_EQ_UINT(sim_engine_seed(c), 2);
	sim_engine_destroy(a);
	sim_engine_destroy(b);
	sim_engine_destroy(c);
}

/* Tasks. */

/* sim_task_spawn, asserting success (REQUIRE evaluates its argument twice,
 * so the call cannot go inside it). */
static struct sim_task *spawn_ok(struct sim_engine *e, const char *name,
				 sim_task_fn fn, void *arg, size_t stack)
{
	struct sim_task *t = sim_task_spawn(e, name, fn, arg, stack);

	REQUIRE(t != NULL);
	return t;
}
struct targ {
	struct sim_engine *e;
	struct sim_waitq *wq;
	int id;
	sim_time_t t;		/* a duration or a deadline, per test */
	bool woken;
	struct sim_task *self;
};

static void task_sleep_then_log(void *arg)
{
	struct targ *a = arg;

	sim_task_sleep(a->e, a->t);
	log_add(a->id, sim_now(a->e));
	sim_task_sleep(a->e, a->t);
	log_add(a->id + 10, sim_now(a->e));
}

static void tasks_wake_from_sleep_in_time_order(void)
{
	struct sim_engine *e = sim_engine_create(1);
	struct targ a[3] = {
		{ .e = e, .id = 1, .t = 30 },
		{ .e = e, .id = 2, .t = 10 },
		{ .e = e, .id = 3, .t = 20 },
	};
	static const int want[] = { 2, 3, 12, 1, 13, 11 };
	static const sim_time_t at[] = { 10, 20, 20, 30, 40, 60 };
	int i;

	lg.n = 0;
	for (i = 0; i < 3; i++)
		spawn_ok(e, "sleeper", task_sleep_then_log, &a[i], 0);
	sim_engine_run_idle(e, SIM_TIME_MAX);
	assert_order(want, 6);
	for (i = 0; i < 6; i++)
		ASSERT_EQ_INT(lg.at[i], at[i]);
	sim_engine_destroy(e);
}

/* Sleep @t, then wait on @wq, then log. */
static void task_wait_then_log(void *arg)
{
	struct targ *a = arg;

	sim_task_sleep(a->e, a->t);
	sim_task_wait(a->e, a->wq);
	log_add(a->id, sim_now(a->e));
}

static void waitq_wakes_in_fifo_order(void)
{
	struct sim_engine *e = sim_engine_create(1);
	struct sim_waitq wq = { 0 };
	/* Spawned 1, 2, 3, 4 but queued 3, 1, 4, 2. */
	struct targ a[4] = {
		{ .e = e, .wq = &wq, .id = 1, .t = 2 },
		{ .e = e, .wq = &wq, .id = 2, .t = 4 },
		{ .e = e, .wq = &wq, .id = 3, .t = 1 },
		{ .e = e, .wq = &wq, .id = 4, .t = 3 },
	};
	static const int want[] = { 3, 1, 4, 2 };
	int i;

	lg.n = 0;
	for (i = 0; i < 4; i++)
		spawn_ok(e, "waiter", task_wait_then_log, &a[i], 0);
	sim_engine_run(e, 100, true);
	ASSERT_EQ_INT(lg.n, 0);
	CU_ASSERT(!sim_waitq_empty(&wq));
	ASSERT_EQ_INT(sim_waitq_wake_one(e, &wq), 1);
	sim_engine_run(e, 200, true);
	ASSERT_EQ_INT(lg.n, 1);
	ASSERT_EQ_INT(lg.at[0], 100);
	ASSERT_EQ_INT(sim_waitq_wake_all(e, &wq), 3);
	CU_ASSERT(sim_waitq_empty(&wq));
	ASSERT_EQ_INT(sim_waitq_wake_all(e, &wq), 0);
	sim_engine_run_idle(e, SIM_TIME_MAX);
	assert_order(want, 4);
	ASSERT_EQ_INT(lg.at[3], 200);
	ASSERT_EQ_UINT(sim_engine_tasks(e), 0);
	sim_engine_destroy(e);
}

/* Wait on @wq until the deadline @t (0: no deadline), then log. */
static void task_wait_until_then_log(void *arg)
{
	struct targ *a = arg;

	if (a->t)
		a->woken = sim_task_wait_until(a->e, a->wq, a->t);
	else
		sim_task_wait(a->e, a->wq);
	log_add(a->id, sim_now(a->e));
}

static void wait_until_times_out_and_leaves_the_queue(void)
{
	struct sim_engine *e = sim_engine_create(1);
	struct sim_waitq wq = { 0 };
	/* 2 sits between 1 and 3 and times out: 1 and 3 keep their order. */
	struct targ a[3] = {
		{ .e = e, .wq = &wq, .id = 1 },
		{ .e = e, .wq = &wq, .id = 2, .t = 50, .woken = true },
		{ .e = e, .wq = &wq, .id = 3 },
	};
	static const int want[] = { 2, 1, 3 };
	int i;

	lg.n = 0;
	for (i = 0; i < 3; i++)
		spawn_ok(e, "w", task_wait_until_then_log, &a[i], 0);
	sim_engine_run(e, 100, true);
	ASSERT_EQ_INT(lg.n, 1);
	ASSERT_EQ_INT(lg.at[0], 50);
	CU_ASSERT(!a[1].woken);
	ASSERT_EQ_INT(sim_waitq_wake_all(e, &wq), 2);
	sim_engine_run_idle(e, SIM_TIME_MAX);
	assert_order(want, 3);
	CU_ASSERT(sim_waitq_empty(&wq));
	sim_engine_destroy(e);
}

struct waker {
	struct sim_event ev;
	struct sim_engine *e;
	struct sim_waitq *wq;
	int woke;
};

static void waker_fn(struct sim_event *ev)
{
	struct waker *w = container_of(ev, struct waker, ev);

	w->woke = sim_waitq_wake_one(w->e, w->wq);
}

static void task_wait_until_then_sleep(void *arg)
{
	struct targ *a = arg;

	a->woken = sim_task_wait_until(a->e, a->wq, a->t);
	log_add(a->id, sim_now(a->e));
	sim_task_sleep(a->e, 100);
	log_add(a->id + 10, sim_now(a->e));
}

static void wake_before_timeout_cancels_the_timeout(void)
{
	struct sim_engine *e = sim_engine_create(1);
	struct sim_waitq wq = { 0 };
	struct targ a = { .e = e, .wq = &wq, .id = 1, .t = 100 };
	struct waker w = { .e = e, .wq = &wq };
	static const int want[] = { 1, 11 };

	lg.n = 0;
	sim_event_init(&w.ev, waker_fn);
	sim_event_schedule(e, &w.ev, 40);
	spawn_ok(e, "w", task_wait_until_then_sleep, &a, 0);
	sim_engine_run_idle(e, SIM_TIME_MAX);
	ASSERT_EQ_INT(w.woke, 1);
	CU_ASSERT(a.woken);
	assert_order(want, 2);
	ASSERT_EQ_INT(lg.at[0], 40);
	ASSERT_EQ_INT(lg.at[1], 140);		/* no stray resume at 100 */
	sim_engine_destroy(e);
}

static void wake_at_the_deadline_wins_if_scheduled_first(void)
{
	struct sim_engine *e = sim_engine_create(1);
	struct sim_waitq wq = { 0 };
	struct targ a = { .e = e, .wq = &wq, .id = 1, .t = 50 };
	struct waker w = { .e = e, .wq = &wq };

	lg.n = 0;
	sim_event_init(&w.ev, waker_fn);
	sim_event_schedule(e, &w.ev, 50);	/* before the timeout's seq */
	spawn_ok(e, "w", task_wait_until_then_sleep, &a, 0);
	sim_engine_run_idle(e, SIM_TIME_MAX);
	ASSERT_EQ_INT(w.woke, 1);
	CU_ASSERT(a.woken);
	ASSERT_EQ_INT(lg.at[0], 50);
	sim_engine_destroy(e);
}

static void task_child(void *arg)
{
	struct targ *a = arg;

	CU_ASSERT(sim_task_current(a->e) != NULL);
	log_add(2, sim_now(a->e));
}

static void task_parent(void *arg)
{
	struct targ *a = arg;
	struct targ *child = a + 1;
	struct sim_task *t;

	CU_ASSERT(sim_task_current(a->e) == a->self);
	ASSERT_EQ_STR(sim_task_name(sim_task_current(a->e)), "parent");
	sim_task_sleep(a->e, 10);
	t = sim_task_spawn(a->e, "child", task_child, child, 0);
	CU_ASSERT(t != NULL);
	ASSERT_EQ_UINT(sim_task_id(t), 2);
	ASSERT_EQ_UINT(sim_engine_tasks(a->e), 2);
	log_add(1, sim_now(a->e));
	sim_task_sleep(a->e, 0);	/* the child goes first */
	log_add(3, sim_now(a->e));
}

static void task_spawned_from_a_task_runs_after_it_yields(void)
{
	struct sim_engine *e = sim_engine_create(1);
	struct targ a[2] = { { .e = e }, { .e = e } };
	static const int want[] = { 1, 2, 3 };
	int i;

	lg.n = 0;
	CU_ASSERT(sim_task_current(e) == NULL);
	a[0].self = sim_task_spawn(e, "parent", task_parent, a, 0);
	REQUIRE(a[0].self != NULL);
	ASSERT_EQ_UINT(sim_task_id(a[0].self), 1);
	sim_engine_run_idle(e, SIM_TIME_MAX);
	assert_order(want, 3);
	for (i = 0; i < 3; i++)
		ASSERT_EQ_INT(lg.at[i], 10);
	CU_ASSERT(sim_task_current(e) == NULL);
	sim_engine_destroy(e);
}

static void task_noop(void *arg)
{
	(void)arg;
}

static void finished_tasks_are_freed(void)
{
	struct sim_engine *e = sim_engine_create(1);
	struct sim_waitq wq = { 0 };
	struct targ a = { .e = e, .wq = &wq, .t = 5 };
	struct sim_task *t;
	int data;
	int i;

	for (i = 0; i < 3; i++)
		spawn_ok(e, NULL, task_noop, NULL, 4096);
	t = sim_task_spawn(e, "blocked", task_wait_then_log, &a, 0);
	REQUIRE(t != NULL);
	sim_task_set_data(t, &data);
	CU_ASSERT(sim_task_data(t) == &data);
	ASSERT_EQ_UINT(sim_engine_tasks(e), 4);
	sim_engine_run_idle(e, SIM_TIME_MAX);
	ASSERT_EQ_UINT(sim_engine_tasks(e), 1);	/* only the waiter */
	sim_waitq_wake_one(e, &wq);
	sim_engine_run_idle(e, SIM_TIME_MAX);
	ASSERT_EQ_UINT(sim_engine_tasks(e), 0);
	sim_engine_destroy(e);
}

static void destroy_frees_blocked_tasks(void)
{
	struct sim_engine *e = sim_engine_create(1);
	struct sim_waitq wq = { 0 };
	struct targ a[10];
	int i;

	lg.n = 0;
	for (i = 0; i < 10; i++) {
		a[i] = (struct targ){ .e = e, .wq = &wq, .id = i,
				      .t = i % 2 ? 5 : SIM_NSEC_PER_SEC };
		spawn_ok(e, "stuck", task_wait_then_log, &a[i], 0);
	}
	sim_engine_run(e, 1000, true);
	ASSERT_EQ_UINT(sim_engine_tasks(e), 10);
	ASSERT_EQ_INT(lg.n, 0);
	/* 5 wait on wq, 5 sleep: LeakSanitizer checks the rest. */
	sim_engine_destroy(e);
}

/* 1000 tasks sleep random times, wait with random deadlines and wake each
 * other; the whole order is logged twice and compared. */
struct mix {
	struct sim_engine *e;
	struct sim_waitq wq;
	uint64_t *log;
	size_t n;
	int woken;		/* wait_until results, to see both happen */
	int timeouts;
};

static void mix_log(struct mix *m, uint64_t v)
{
	m->log[m->n++] = v ^ (uint64_t)sim_now(m->e) << 20;
}

static void task_mix(void *arg)
{
	struct mix *m = arg;
	struct sim_task *self = sim_task_current(m->e);
	uint64_t id = sim_task_id(self);
	int i;

	for (i = 0; i < 10; i++) {
		uint64_t r = sim_engine_random(m->e);

		sim_task_sleep(m->e, (sim_time_t)(r % 1000));
		mix_log(m, id);
		if (r >> 62 == 0) {
			sim_time_t dl = sim_now(m->e) + (sim_time_t)(r >> 32 & 511);
			bool ok = sim_task_wait_until(m->e, &m->wq, dl);

			m->woken += ok;
			m->timeouts += !ok;
			mix_log(m, id | (uint64_t)ok << 16);
		} else if (r >> 62 == 1) {
			sim_waitq_wake_one(m->e, &m->wq);
		}
	}
}

static struct mix *mix_run(uint64_t seed)
{
	struct mix *m = calloc(1, sizeof(*m));
	int i;

	REQUIRE(m != NULL);
	m->log = calloc(1000 * 20, sizeof(*m->log));
	REQUIRE(m->log != NULL);
	m->e = sim_engine_create(seed);
	for (i = 0; i < 1000; i++)
		spawn_ok(m->e, "mix", task_mix, m, 32 * 1024);
	sim_engine_run_idle(m->e, SIM_TIME_MAX);
	ASSERT_EQ_UINT(sim_engine_tasks(m->e), 0);
	sim_engine_destroy(m->e);
	return m;
}

static void mix_free(struct mix *m)
{
	free(m->log);
	free(m);
}

static void thousand_tasks_interleave_deterministically(void)
{
	struct mix *a = mix_run(42), *b = mix_run(42), *c = mix_run(43);

	CU_ASSERT(a->n >= 10000);
	CU_ASSERT(a->woken > 100 && a->timeouts > 100);
	ASSERT_EQ_UINT(a->n, b->n);
	CU_ASSERT(a->n == b->n &&
		  memcmp(a->log, b->log, a->n * sizeof(*a->log)) == 0);
	CU_ASSERT(a->n != c->n ||
		  memcmp(a->log, c->log, a->n * sizeof(*a->log)) != 0);
	mix_free(a);
	mix_free(b);
	mix_free(c);
}

/* longjmp out of deep frames inside a task, then reuse that stack. Under
 * ASan this fails (a false stack-buffer-underflow in lj_fill) unless the
 * switches are annotated: ASan would not know the task's stack and would
 * leave the abandoned frames' redzones poisoned. */
static jmp_buf lj_env;
static volatile bool lj_armed = true;
static volatile int lj_jumped;

static void __attribute__((noinline, noreturn)) lj_bail(void)
{
	lj_jumped = 7;
	longjmp(lj_env, 1);
}

static int __attribute__((noinline)) lj_deep(int n)
{
	volatile char buf[100];

	buf[0] = (char)n;
	if (n > 0)
		return lj_deep(n - 1) + buf[0];
	if (lj_armed)
		lj_bail();
	return buf[0];
}

static int __attribute__((noinline)) lj_fill(void)
{
	volatile char buf[4096];
	int i;

	for (i = 0; i < 4096; i++)
		buf[i] = (char)i;
	return buf[100];
}

static void task_longjmp(void *arg)
{
	struct targ *a = arg;

	sim_task_sleep(a->e, 5);
	if (!setjmp(lj_env))
		lj_deep(10);
	a->id = lj_jumped;
	a->t = lj_fill();
	sim_task_sleep(a->e, 5);
	log_add(a->id, sim_now(a->e));
}

static void longjmp_inside_a_task_leaves_no_stale_poison(void)
{
	struct sim_engine *e = sim_engine_create(1);
	struct targ a = { .e = e };

	lg.n = 0;
	spawn_ok(e, "lj", task_longjmp, &a, 0);
	sim_engine_run_idle(e, SIM_TIME_MAX);
	ASSERT_EQ_INT(lg.n, 1);
	ASSERT_EQ_INT(lg.id[0], 7);
	ASSERT_EQ_INT(lg.at[0], 10);
	ASSERT_EQ_INT(a.t, 100);
	sim_engine_destroy(e);
}

/* Run @fn in a child with stderr silenced; return its wait status. */
static int in_child(void (*fn)(void))
{
	int status = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stderr))
			_exit(3);
		fn();
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static void sleep_outside_task(void)
{
	sim_task_sleep(sim_engine_create(1), 1);
}

static void run_inside_event_fn(struct sim_event *ev)
{
	struct tev *t = container_of(ev, struct tev, ev);

	sim_engine_run(t->e, 10, false);
}

static void run_inside_event(void)
{
	static struct tev t;

	t.e = sim_engine_create(1);
	sim_event_init(&t.ev, run_inside_event_fn);
	sim_event_schedule(t.e, &t.ev, 1);
	sim_engine_run_idle(t.e, SIM_TIME_MAX);
}

static void misuse_aborts(void)
{
	int st;

	st = in_child(sleep_outside_task);
	CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	st = in_child(run_inside_event);
	CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
}

static volatile int recurse_limit = 1 << 30;

static int __attribute__((noinline)) recurse(int depth)
{
	volatile char buf[512];

	buf[0] = (char)depth;
	if (depth >= recurse_limit)
		return 0;
	return recurse(depth + 1) + buf[0];
}

static void task_recurse(void *arg)
{
	(void)arg;
	recurse(0);
}

static void overflow_in_task(void)
{
	struct sim_engine *e = sim_engine_create(1);

	sim_task_spawn(e, "deep", task_recurse, NULL, 16 * 1024);
	sim_engine_run_idle(e, SIM_TIME_MAX);
}

static void stack_overflow_hits_the_guard_page(void)
{
	int st = in_child(overflow_in_task);

	/* A fault (or ASan's stack-overflow report and exit), never a
	 * silent run into the neighbouring mapping. */
	CU_ASSERT(st != -1 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0));
}

TEST_SUITE(engine, NULL, NULL,
	   TEST_CASE(same_time_events_run_in_schedule_order),
	   TEST_CASE(reschedule_moves_event_behind_same_time),
	   TEST_CASE(event_scheduled_now_runs_after_due_events),
	   TEST_CASE(cancel_removes_pending_event),
	   TEST_CASE(schedule_in_the_past_clamps_to_now),
	   TEST_CASE(run_until_stops_at_until_and_advances_on_request),
	   TEST_CASE(stop_ends_run_after_current_event),
	   TEST_CASE(heap_pops_in_time_then_sequence_order),
	   TEST_CASE(prng_is_pinned_and_seeded),
	   TEST_CASE(tasks_wake_from_sleep_in_time_order),
	   TEST_CASE(waitq_wakes_in_fifo_order),
	   TEST_CASE(wait_until_times_out_and_leaves_the_queue),
	   TEST_CASE(wake_before_timeout_cancels_the_timeout),
	   TEST_CASE(wake_at_the_deadline_wins_if_scheduled_first),
	   TEST_CASE(task_spawned_from_a_task_runs_after_it_yields),
	   TEST_CASE(finished_tasks_are_freed),
	   TEST_CASE(destroy_frees_blocked_tasks),
	   TEST_CASE(thousand_tasks_interleave_deterministically),
	   TEST_CASE(longjmp_inside_a_task_leaves_no_stale_poison),
	   TEST_CASE(misuse_aborts),
	   TEST_CASE(stack_overflow_hits_the_guard_page));
