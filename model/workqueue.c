/* model/workqueue.c - delayed work on the timer wheel's granularity.
 *
 * Mirrors the API and the observable timing of queue_delayed_work(),
 * mod_delayed_work() and the work item's pending/running rules
 * (kernel/workqueue.c), and the expiry rounding of the timer wheel
 * (kernel/time/timer.c, calc_wheel_index/calc_index, v4.8 onwards): a timer
 * armed @delay jiffies ahead is filed in a wheel level by its distance, and
 * its expiry is rounded up to that level's granularity so it never fires
 * early. With LVL_CLK_SHIFT 3 and 64 buckets per level: delays below 63
 * jiffies fire one jiffy late at most, 63..503 on the next multiple of 8
 * jiffies, 504..4031 on the next multiple of 64 (kernel.md §6). At HZ=250 a
 * one-second (250-jiffy) delay therefore fires 1000 to 1032 ms later.
 *
 * Work items are non-reentrant: a work queued while running runs again after
 * the current run returns. PENDING is cleared when the worker starts the
 * function, not when the item is queued, so queueing an item that waits on
 * the worklist is a no-op. The work runs in a worker task (services
 * work_start), where it may sleep and take RTNL. An item is "queued" when
 * it is pending and its timer is not armed.
 */
#include "model/internal.h"

#define LVL_CLK_SHIFT 3
#define LVL_BITS 6
#define LVL_SIZE (1UL << LVL_BITS)
#define LVL_START(n) ((LVL_SIZE - 1) << (((n) - 1) * LVL_CLK_SHIFT))
#define WHEEL_LEVELS 9

/* timer_wheel_expiry - virtual time at which a timer armed now with @delay
 * jiffies fires. */
ktime_t timer_wheel_expiry(const struct kernel *k, unsigned long delay)
{
	unsigned long clk = k_jiffies(k);
	unsigned long expires = clk + delay;
	unsigned int lvl = 0;

	while (lvl + 1 < WHEEL_LEVELS && delay >= LVL_START(lvl + 1))
		lvl++;
	/* Round up to the level's granularity: the bucket's expiry is the next
	 * multiple strictly after @expires (calc_index adds one). */
	expires = ((expires >> (lvl * LVL_CLK_SHIFT)) + 1) << (lvl * LVL_CLK_SHIFT);
	return jiffies_to_ktime(k, expires);
}

/* work_body - the worker running the item (process_one_work). The kernel
 * clears WORK_STRUCT_PENDING only when the worker picks the item up, right
 * before calling the function: until then, queueing it again is a no-op
 * (queue_work returns false). The item is non-reentrant: if it is queued
 * again while the function runs, it runs once more afterwards. Here
 * "queued" is pending && !timer_armed. */
static void work_body(void *arg)
{
	struct delayed_work *dw = arg;

	while (dw->pending && !dw->timer_armed) {
		dw->pending = false;
		dw->func(dw);
	}
	dw->running = false;
}

/* work_kick - put the item on the worklist (__queue_work): start a worker
 * unless one is already running or about to run it; PENDING stays set. */
static void work_kick(struct delayed_work *dw)
{
	struct kernel *k = dw->k;

	dw->pending = true;
	if (dw->running)
		return;
	dw->running = true;
	k->svc.work_start(k->svc.ctx, dw->name, work_body, dw);
}

static void delayed_work_timer_fn(struct ktimer *t)
{
	struct delayed_work *dw = container_of(t, struct delayed_work, timer);

	dw->timer_armed = false;
	work_kick(dw);
}

void delayed_work_init(struct kernel *k, struct delayed_work *dw, const char *name,
		       void (*func)(struct delayed_work *dw))
{
	memset(dw, 0, sizeof(*dw));
	dw->k = k;
	dw->name = name;
	dw->func = func;
	dw->timer.fn = delayed_work_timer_fn;
	k->svc.timer_init(k->svc.ctx, &dw->timer);
}

void delayed_work_fini(struct delayed_work *dw)
{
	dw->k->svc.timer_cancel(dw->k->svc.ctx, &dw->timer);
	dw->k->svc.timer_fini(dw->k->svc.ctx, &dw->timer);
}

static void arm(struct delayed_work *dw, unsigned long delay)
{
	struct kernel *k = dw->k;

	dw->pending = true;
	if (delay == 0) {
		work_kick(dw);
		return;
	}
	dw->timer_armed = true;
	k->svc.timer_arm(k->svc.ctx, &dw->timer, timer_wheel_expiry(k, delay));
}

/* queue_delayed_work - queue @dw after @delay jiffies; does nothing (returns
 * false) if it is already pending: an armed timer is never moved. */
bool queue_delayed_work(struct delayed_work *dw, unsigned long delay)
{
	if (dw->pending)
		return false;
	arm(dw, delay);
	return true;
}

/* mod_delayed_work - (re)arm @dw to run after @delay, pending or not.
 * Returns true if it was pending before. Like try_to_grab_pending, it takes
 * the item back whether its timer is armed or it already sits on the
 * worklist (a worker that has not started it yet then finds nothing to do),
 * so an item modified to run now runs once, not twice. */
bool mod_delayed_work(struct delayed_work *dw, unsigned long delay)
{
	bool was = dw->pending;

	if (dw->timer_armed) {
		dw->k->svc.timer_cancel(dw->k->svc.ctx, &dw->timer);
		dw->timer_armed = false;
	}
	dw->pending = false;
	arm(dw, delay);
	return was;
}

bool delayed_work_pending(const struct delayed_work *dw)
{
	return dw->pending;
}
