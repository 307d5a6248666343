/* sim/world.c - the services interface filled from the engine.
 *
 * Mapping (model/services.h -> sim/engine.h):
 *   now           -> sim_now
 *   sleep         -> sim_task_sleep (a model cost passes for the calling task)
 *   wait/wake_one -> sim_task_wait / sim_waitq_wake_one on a sim_waitq
 *   timers        -> events whose callback runs the model's timer function
 *   work_start    -> a new task (a kernel worker running one work item)
 *   sock_deliver  -> the transport writes the bytes to the reader's socketpair
 *   random        -> the engine's seeded PRNG
 *   event         -> the observers, in registration order
 */
#include <stdio.h>
#include <stdlib.h>

#include "sim/transport.h"
#include "sim/world.h"

#define MAX_OBSERVERS 8

/* One long-lived task runs the blocking model calls made from outside any
 * task (a test's send()), so each call costs two cheap switches instead of
 * creating a task. */
struct proxy {
	struct sim_waitq wq;
	void (*fn)(void *);
	void *arg;
	bool pending, done, started;
};

struct sim_world {
	struct sim_engine *e;
	struct kernel *k;
	struct proxy proxy;
	struct {
		sim_observer_fn fn;
		void *data;
	} obs[MAX_OBSERVERS];
	unsigned int nobs;
};

struct sim_timer {
	struct sim_event ev;
	struct ktimer *t;
	struct sim_world *w;
};

static ktime_t svc_now(void *ctx)
{
	return sim_now(((struct sim_world *)ctx)->e);
}

static void svc_sleep(void *ctx, ktime_t ns)
{
	struct sim_world *w = ctx;

	/* Outside a task (boot, teardown) a cost cannot be charged. */
	if (sim_task_current(w->e))
		sim_task_sleep(w->e, ns);
}

static void *svc_current(void *ctx)
{
	return sim_task_current(((struct sim_world *)ctx)->e);
}

static const char *svc_current_name(void *ctx)
{
	struct sim_task *t = sim_task_current(((struct sim_world *)ctx)->e);

	return t ? sim_task_name(t) : "timer";
}

static void svc_waitq_init(void *ctx, struct kwaitq *wq)
{
	(void)ctx;
	wq->rt = calloc(1, sizeof(struct sim_waitq));
}

static void svc_waitq_fini(void *ctx, struct kwaitq *wq)
{
	(void)ctx;
	free(wq->rt);
	wq->rt = NULL;
}

static void svc_wait(void *ctx, struct kwaitq *wq)
{
	sim_task_wait(((struct sim_world *)ctx)->e, wq->rt);
}

static bool svc_wake_one(void *ctx, struct kwaitq *wq)
{
	return sim_waitq_wake_one(((struct sim_world *)ctx)->e, wq->rt) > 0;
}

static void timer_fire(struct sim_event *ev)
{
	struct sim_timer *st = container_of(ev, struct sim_timer, ev);

	st->t->fn(st->t);
}

static void svc_timer_init(void *ctx, struct ktimer *t)
{
	struct sim_timer *st = calloc(1, sizeof(*st));

	if (!st)
		abort();
	sim_event_init(&st->ev, timer_fire);
	st->t = t;
	st->w = ctx;
	t->rt = st;
}

static void svc_timer_fini(void *ctx, struct ktimer *t)
{
	struct sim_timer *st = t->rt;

	if (st && sim_event_pending(&st->ev))
		sim_event_cancel(((struct sim_world *)ctx)->e, &st->ev);
	free(st);
	t->rt = NULL;
}

static void svc_timer_arm(void *ctx, struct ktimer *t, ktime_t when)
{
	struct sim_timer *st = t->rt;

	sim_event_schedule(((struct sim_world *)ctx)->e, &st->ev, when);
}

static void svc_timer_cancel(void *ctx, struct ktimer *t)
{
	struct sim_timer *st = t->rt;

	if (st && sim_event_pending(&st->ev))
		sim_event_cancel(((struct sim_world *)ctx)->e, &st->ev);
}

static void svc_work_start(void *ctx, const char *name, void (*fn)(void *), void *arg)
{
	sim_task_spawn(((struct sim_world *)ctx)->e, name, fn, arg, 0);
}

static int svc_sock_deliver(void *ctx, struct netlink_sock *sk, const void *buf, size_t len,
			    int nsid)
{
	(void)ctx;
	(void)nsid;
	return transport_deliver(netlink_sock_owner(sk), buf, len);
}

static void svc_sock_error(void *ctx, struct netlink_sock *sk)
{
	(void)ctx;
	transport_wake(netlink_sock_owner(sk));
}

static uint64_t svc_random(void *ctx)
{
	return sim_engine_random(((struct sim_world *)ctx)->e);
}

static void svc_event(void *ctx, const struct kernel_event *ev)
{
	struct sim_world *w = ctx;

	for (unsigned i = 0; i < w->nobs; i++)
		w->obs[i].fn(w->obs[i].data, ev);
}

struct sim_world *sim_world_create(uint64_t seed, const char *profile)
{
	struct sim_world *w = calloc(1, sizeof(*w));
	struct kernel_services svc = {
		.now = svc_now,
		.sleep = svc_sleep,
		.current = svc_current,
		.current_name = svc_current_name,
		.waitq_init = svc_waitq_init,
		.waitq_fini = svc_waitq_fini,
		.wait = svc_wait,
		.wake_one = svc_wake_one,
		.timer_init = svc_timer_init,
		.timer_fini = svc_timer_fini,
		.timer_arm = svc_timer_arm,
		.timer_cancel = svc_timer_cancel,
		.work_start = svc_work_start,
		.sock_deliver = svc_sock_deliver,
		.sock_error = svc_sock_error,
		.random = svc_random,
		.event = svc_event,
	};

	if (!w)
		return NULL;
	w->e = sim_engine_create(seed);
	if (!w->e) {
		free(w);
		return NULL;
	}
	svc.ctx = w;
	w->k = kernel_create(&svc, profile);
	if (!w->k) {
		sim_engine_destroy(w->e);
		free(w);
		return NULL;
	}
	return w;
}

int sim_world_destroy(struct sim_world *w)
{
	int leaks;

	if (!w)
		return 0;
	transport_close_world(w);
	leaks = kernel_destroy(w->k);
	sim_engine_destroy(w->e);
	free(w);
	return leaks;
}

struct sim_engine *sim_world_engine(const struct sim_world *w)
{
	return w->e;
}

struct kernel *sim_world_kernel(const struct sim_world *w)
{
	return w->k;
}

int sim_world_observe(struct sim_world *w, sim_observer_fn fn, void *data)
{
	if (w->nobs == MAX_OBSERVERS)
		return -1;
	w->obs[w->nobs].fn = fn;
	w->obs[w->nobs].data = data;
	w->nobs++;
	return 0;
}

static void proxy_task(void *arg)
{
	struct sim_world *w = arg;
	struct proxy *p = &w->proxy;

	for (;;) {
		while (!p->pending)
			sim_task_wait(w->e, &p->wq);
		p->pending = false;
		p->fn(p->arg);
		p->done = true;
	}
}

void sim_world_run_in_task(struct sim_world *w, const char *name, void (*fn)(void *), void *arg)
{
	struct proxy *p = &w->proxy;

	if (!p->started) {
		p->started = true;
		sim_task_spawn(w->e, "outside", proxy_task, w, 0);
	}
	p->fn = fn;
	p->arg = arg;
	p->pending = true;
	p->done = false;
	sim_waitq_wake_one(w->e, &p->wq);
	while (!p->done) {
		sim_time_t next = sim_engine_next_due(w->e);

		if (next == SIM_TIME_MAX) {
			fprintf(stderr, "nlsim: %s from outside any task blocked forever\n", name);
			abort();
		}
		sim_engine_run(w->e, next, false);
	}
}
