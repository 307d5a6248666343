/* model/rtnl.c - the RTNL mutex as a contended lock in virtual time.
 *
 * Mirrors rtnl_lock()/rtnl_unlock()/rtnl_is_locked() at the top of
 * net/core/rtnetlink.c (same in v5.8 and v6.18: one global mutex; the
 * per-netns RTNL of v6.13+ is debug-only and still takes the global one,
 * kernel.md §3.5). The kernel's mutex is roughly FIFO with optimistic
 * spinning and barging; the model hands the lock to the oldest waiter on
 * unlock, which is deterministic and close to the mutex's hand-off mode under
 * contention.
 *
 * Every acquisition carries a caller class (enum rtnl_class) for statistics
 * and for delay injection: with rtnl.delay set, callers of the classes in
 * rtnl.delay_classes spend that long before trying the lock, without holding
 * it, as delay-kfunc's fentry spin on rtnl_lock() does (clients.md §5).
 * rtnl.delay_share per mille of the calls of rtnl.delay_share_classes pay it
 * too: a calibrated proxy for callers that reach the out-of-line rtnl_lock()
 * only on some paths or builds (docs/reproductions/ovs-event-driven.md).
 * rtnl_unlock() in the kernel also runs netdev_run_todo(); the model runs
 * unregistration inline in unregister_netdevice_many, and rtnl_unlock()
 * charges only its rcu_barrier() to the unregistering holder, RTNL free.
 */
#include "model/internal.h"

/* Owner placeholder while the lock is handed to a woken waiter. */
#define RTNL_HANDOFF(r) ((void *)&(r)->wq)

void rtnl_init(struct kernel *k)
{
	k->svc.waitq_init(k->svc.ctx, &k->rtnl.wq);
}

void rtnl_fini(struct kernel *k)
{
	k->svc.waitq_fini(k->svc.ctx, &k->rtnl.wq);
}

static unsigned int hist_bucket(ktime_t ns)
{
	unsigned int b = 0;
	int64_t us = ns / 1000;

	while (us >= 1 && b < 15) {
		us >>= 1;
		b++;
	}
	return b;
}

/* Whether this call pays rtnl.delay: every call of rtnl.delay_classes, and
 * rtnl.delay_share per mille of the calls of rtnl.delay_share_classes, spread
 * evenly (the n-th call pays when floor(n*share/1000) steps). */
static bool rtnl_pays_delay(struct kernel *k, int cls)
{
	const struct kernel_params *p = &k->params;
	uint64_t n;

	if (p->rtnl_delay_classes & (1 << cls))
		return true;
	if (p->rtnl_delay_share <= 0 || !(p->rtnl_delay_share_classes & (1 << cls)))
		return false;
	if (p->rtnl_delay_share >= 1000)
		return true;
	n = ++k->rtnl.share_calls;
	return (n * p->rtnl_delay_share) / 1000 != ((n - 1) * p->rtnl_delay_share) / 1000;
}

/* rtnl_lock - take RTNL as caller class @cls.
 * Context: task context; may sleep (the injected delay, then the wait). */
void rtnl_lock(struct kernel *k, int cls)
{
	struct rtnl *r = &k->rtnl;
	struct rtnl_class_stats *st = &r->stats[cls];
	struct kernel_event ev = { .rtnl_class = cls };
	void *me = k->svc.current(k->svc.ctx);
	ktime_t start;

	WARN_ON(r->locked && r->owner == me && me);	/* recursive: a deadlock */
	if (k->params.rtnl_delay > 0 && rtnl_pays_delay(k, cls)) {
		ev.type = KEV_RTNL_DELAY;
		ev.wait_ns = k->params.rtnl_delay;
		k_event(k, &ev);
		st->delay_total += k->params.rtnl_delay;
		k_sleep(k, k->params.rtnl_delay);
	}
	start = k_now(k);
	if (r->locked) {
		ev.type = KEV_RTNL_WAIT;
		k_event(k, &ev);
		r->waiters++;
		/* Hand-off: rtnl_unlock() keeps the lock taken for the
		 * oldest waiter and wakes exactly that one. */
		k->svc.wait(k->svc.ctx, &r->wq);
		WARN_ON(r->owner != RTNL_HANDOFF(r));
		r->owner = me;
	} else {
		r->locked = true;
		r->owner = me;
	}
	r->owner_class = cls;
	r->acquired_at = k_now(k);
	st->acquisitions++;
	st->wait_total += r->acquired_at - start;
	if (r->acquired_at - start > st->wait_max)
		st->wait_max = r->acquired_at - start;
	st->wait_hist[hist_bucket(r->acquired_at - start)]++;
	ev.type = KEV_RTNL_ACQUIRE;
	ev.wait_ns = r->acquired_at - start;
	k_event(k, &ev);
}

/* rtnl_unlock - release RTNL, handing it to the oldest waiter.
 * Context: may sleep afterwards, RTNL free, when this holder unregistered
 * devices (netdev_run_todo's rcu_barrier). */
void rtnl_unlock(struct kernel *k)
{
	struct rtnl *r = &k->rtnl;
	struct rtnl_class_stats *st = &r->stats[r->owner_class];
	struct kernel_event ev = { .type = KEV_RTNL_RELEASE, .rtnl_class = r->owner_class };
	ktime_t held = k_now(k) - r->acquired_at;

	if (WARN_ON(!r->locked))
		return;
	st->hold_total += held;
	if (held > st->hold_max)
		st->hold_max = held;
	ev.hold_ns = held;
	k_event(k, &ev);
	if (r->waiters) {
		/* The waker does not know the waiter's identity; the waiter
		 * claims ownership from the placeholder when it runs. */
		r->waiters--;
		r->owner = RTNL_HANDOFF(r);
		k->svc.wake_one(k->svc.ctx, &r->wq);
	} else {
		r->locked = false;
		r->owner = NULL;
	}
	/* netdev_run_todo's rcu_barrier(), after __rtnl_unlock(), in the
	 * context of the holder that unregistered devices */
	if (r->unreg_barrier_due) {
		r->unreg_barrier_due = false;
		k_sleep(k, k->params.cost_run_todo_barrier);
	}
}

bool rtnl_is_locked(const struct kernel *k)
{
	return k->rtnl.locked;
}

/* kernel_rtnl_hold - a background contender holds RTNL for @hold_ns.
 * Context: task context; may sleep. */
void kernel_rtnl_hold(struct kernel *k, int cls, ktime_t hold_ns)
{
	rtnl_lock(k, cls);
	k_sleep(k, hold_ns);
	rtnl_unlock(k);
}
