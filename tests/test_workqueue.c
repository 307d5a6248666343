/* tests/test_workqueue.c - tests for model/workqueue.c and link_watch's slot.
 *
 * jiffies at boot (INITIAL_JIFFIES), the timer wheel's rounding of a delayed
 * work's expiry (kernel.md §6), queue_delayed_work vs mod_delayed_work, and
 * the one-second linkwatch slot they produce (kernel.md §1.5): the first
 * event after boot or after a quiet period runs at once (the unsigned delay
 * wraps and is clamped), a second non-urgent event waits for the slot, which
 * fires on the wheel's granularity after the previous full run, urgent
 * runs leave the slot where it was, and one slot serves every namespace.
 * Slot times are exact: lo at t = 0 starts a full run at jiffy
 * INITIAL_JIFFIES exactly.
 */
#include "tests/stub_lw.h"
#include "tests/testutil.h"

#define J250 4294892296UL	/* 2^32 - 300*250 */
#define J1000 4294667296UL	/* 2^32 - 300*1000 */

static void initial_jiffies_is_300s_before_wrap(void)
{
	struct lw_env *env = lw_env_create("v6.18");

	REQUIRE(env);
	ASSERT_EQ_UINT(k_jiffies(env->k), J250);
	ASSERT_EQ_UINT(initial_jiffies(250), J250);
	ASSERT_EQ_UINT(initial_jiffies(1000), J1000);
	lw_run_until(env, LW_MS(1000));
	ASSERT_EQ_UINT(k_jiffies(env->k), J250 + 250);
	lw_run_until(env, LW_MS(1003));		/* not a whole jiffy yet */
	ASSERT_EQ_UINT(k_jiffies(env->k), J250 + 250);
	lw_run_until(env, LW_MS(300) * 1000);	/* the low 32 bits wrap at 300 s */
	ASSERT_EQ_UINT(k_jiffies(env->k), 1UL << 32);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

static void initial_jiffies_at_hz_1000(void)
{
	struct lw_env *env = lw_env_create("v5.8");

	REQUIRE(env);
	ASSERT_EQ_INT(lw_param(env, "hz", "1000"), 0);
	ASSERT_EQ_UINT(k_jiffies(env->k), J1000);
	lw_run_until(env, LW_MS(7));
	ASSERT_EQ_UINT(k_jiffies(env->k), J1000 + 7);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* Level 0 (< 63 jiffies): next jiffy after expiry; level 1 (63..503): the
 * next multiple of 8 strictly after; level 2 (504..4031): of 64. */
static void timer_wheel_rounds_up_by_level(void)
{
	struct lw_env *env = lw_env_create("v6.18");

	REQUIRE(env);
	/* INITIAL_JIFFIES at HZ 250 is a multiple of 8 and 8 mod 64 */
	ASSERT_EQ_INT(timer_wheel_expiry(env->k, 1), LW_MS(8));
	ASSERT_EQ_INT(timer_wheel_expiry(env->k, 62), LW_MS(4) * 63);
	ASSERT_EQ_INT(timer_wheel_expiry(env->k, 63), LW_MS(4) * 64);
	ASSERT_EQ_INT(timer_wheel_expiry(env->k, 64), LW_MS(4) * 72);
	ASSERT_EQ_INT(timer_wheel_expiry(env->k, 250), LW_MS(4) * 256);
	ASSERT_EQ_INT(timer_wheel_expiry(env->k, 503), LW_MS(4) * 504);
	/* 504: level 2; J250 + 504 is 8 + 504 = 0 mod 64: the next multiple */
	ASSERT_EQ_INT(timer_wheel_expiry(env->k, 504), LW_MS(4) * 568);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

struct wq_probe {
	struct delayed_work dw;
	struct lw_env *env;
	int runs;
	sim_time_t at[8];
	sim_time_t sleep;	/* the work sleeps this long */
	bool requeue_once;
};

static void wq_probe_fn(struct delayed_work *dw)
{
	struct wq_probe *p = container_of(dw, struct wq_probe, dw);

	if (p->runs < 8)
		p->at[p->runs] = lw_now(p->env);
	p->runs++;
	if (p->requeue_once) {
		p->requeue_once = false;
		ASSERT_EQ_INT(queue_delayed_work(dw, 0), 1);	/* running: may queue */
	}
	k_sleep(p->env->k, p->sleep);
}

static void queue_delayed_work_never_moves_an_armed_timer(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct wq_probe p = { .env = env };

	REQUIRE(env);
	delayed_work_init(env->k, &p.dw, "probe", wq_probe_fn);
	ASSERT_EQ_INT(queue_delayed_work(&p.dw, 100), 1);
	ASSERT_EQ_INT(queue_delayed_work(&p.dw, 1), 0);	/* pending: no-op */
	ASSERT_EQ_INT(queue_delayed_work(&p.dw, 200), 0);
	lw_run_until(env, LW_MS(2000));
	ASSERT_EQ_INT(p.runs, 1);
	ASSERT_EQ_INT(p.at[0], LW_MS(4) * 104);	/* 100 -> next multiple of 8 */
	delayed_work_fini(&p.dw);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

static void mod_delayed_work_zero_runs_now_and_cancels_the_timer(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct wq_probe p = { .env = env };

	REQUIRE(env);
	delayed_work_init(env->k, &p.dw, "probe", wq_probe_fn);
	queue_delayed_work(&p.dw, 100);
	lw_run_until(env, LW_MS(40));
	ASSERT_EQ_INT(mod_delayed_work(&p.dw, 0), 1);
	lw_run_until(env, LW_MS(2000));
	ASSERT_EQ_INT(p.runs, 1);
	ASSERT_EQ_INT(p.at[0], LW_MS(40));
	delayed_work_fini(&p.dw);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

static void work_queued_while_running_runs_again_afterwards(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct wq_probe p = { .env = env, .sleep = LW_MS(5), .requeue_once = true };

	REQUIRE(env);
	delayed_work_init(env->k, &p.dw, "probe", wq_probe_fn);
	queue_delayed_work(&p.dw, 0);
	lw_run_until(env, LW_MS(100));
	ASSERT_EQ_INT(p.runs, 2);
	ASSERT_EQ_INT(p.at[0], 0);
	ASSERT_EQ_INT(p.at[1], LW_MS(5));	/* not reentrant: after the first */
	delayed_work_fini(&p.dw);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

static void queueing_a_work_that_waits_to_start_is_a_no_op(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct wq_probe p = { .env = env };

	REQUIRE(env);
	delayed_work_init(env->k, &p.dw, "probe", wq_probe_fn);
	ASSERT_EQ_INT(queue_delayed_work(&p.dw, 0), 1);
	/* on the worklist, not started: PENDING is still set */
	ASSERT_EQ_INT(delayed_work_pending(&p.dw), 1);
	ASSERT_EQ_INT(queue_delayed_work(&p.dw, 0), 0);
	ASSERT_EQ_INT(mod_delayed_work(&p.dw, 0), 1);
	lw_run_until(env, LW_MS(100));
	ASSERT_EQ_INT(p.runs, 1);
	ASSERT_EQ_INT(delayed_work_pending(&p.dw), 0);
	delayed_work_fini(&p.dw);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* Two events fired back to back, before the worker started: the second
 * finds the work still queued (PENDING) and does nothing; one run does both.
 * (When the first run has already started and waits for RTNL, as during a
 * veth creation that sleeps between its two carrier-off events, the second
 * event queues a second run, as in the kernel.) */
static void two_events_before_the_run_make_one_run(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	int err;

	REQUIRE(env);
	err = lw_dummy_add(env, "d0");
	err |= lw_dummy_add(env, "d1");
	REQUIRE(err == 0);
	lw_carrier(env, "d0", false);
	lw_carrier(env, "d1", false);
	lw_run_for(env, LW_MS(10));
	ASSERT_EQ_INT(env->nrun, 1);
	ASSERT_EQ_INT(env->run[0].count, 2);
	ASSERT_EQ_INT(kernel_rtnl_stats(env->k, RTNL_CLASS_LINKWATCH)->acquisitions, 1);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* ---- the linkwatch slot ------------------------------------------------------ */

static void first_event_after_boot_runs_at_once(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	sim_time_t t1;
	int err;

	REQUIRE(env);
	err = lw_dummy_add(env, "d0");
	REQUIRE(err == 0);
	ASSERT_EQ_UINT(env->k->lw.nextevent, 0);	/* statically zero */
	t1 = lw_now(env);
	REQUIRE(t1 > 0);
	lw_carrier(env, "d0", false);	/* plain device, down: not urgent */
	lw_run_for(env, LW_MS(10));
	REQUIRE(env->nrun == 1);
	ASSERT_EQ_INT(env->run[0].start, t1);	/* 0 - jiffies wraps, clamped to 0 */
	ASSERT_EQ_INT(env->run[0].urgent_only, 0);	/* 64-bit: a full run */
	ASSERT_EQ_INT(env->run[0].count, 1);
	ASSERT_EQ_UINT(env->k->lw.nextevent, J250 + (unsigned long)(t1 / LW_MS(4)) + 250);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

static void event_after_quiet_period_runs_at_once(void)
{
	struct lw_env *env = lw_env_create("v6.18");

	REQUIRE(env);
	lw_carrier(env, "lo", false);
	lw_run_until(env, LW_MS(5000));
	REQUIRE(env->nrun == 1);
	/* nextevent is 4 s in the past: the unsigned delay wraps, clamp 0 */
	lw_carrier(env, "lo", true);
	lw_run_for(env, LW_MS(10));
	REQUIRE(env->nrun == 2);
	ASSERT_EQ_INT(env->run[1].start, LW_MS(5000));
	ASSERT_EQ_INT(env->run[1].urgent_only, 0);
	ASSERT_EQ_UINT(env->k->lw.nextevent, J250 + 1250 + 250);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* A slot more than HZ ahead (as on 32-bit during the first 300 s, where
 * time_after(0, jiffies) holds): the delay is clamped to 0, the run is an
 * urgent-only pass whose own clamp pulls nextevent back to now, the
 * non-urgent device is requeued and the rescheduled run (delay 0) is a full
 * one, all at the same instant (kernel.md §6). */
static void slot_more_than_hz_ahead_is_clamped(void)
{
	struct lw_env *env = lw_env_create("v6.18");

	REQUIRE(env);
	lw_run_until(env, LW_MS(40));
	env->k->lw.nextevent = k_jiffies(env->k) + 3 * 250;
	lw_carrier(env, "lo", false);
	lw_run_for(env, LW_MS(10));
	REQUIRE(env->nrun == 2);
	ASSERT_EQ_INT(env->run[0].start, LW_MS(40));
	ASSERT_EQ_INT(env->run[0].urgent_only, 1);
	ASSERT_EQ_INT(env->run[0].count, 0);
	ASSERT_EQ_INT(env->run[1].start, LW_MS(40));
	ASSERT_EQ_INT(env->run[1].urgent_only, 0);
	ASSERT_EQ_INT(env->run[1].count, 1);
	ASSERT_EQ_UINT(env->k->lw.nextevent, J250 + 10 + 250);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* A full run at t = 0 (jiffy J250), a second event at 100 ms: the work is
 * armed for the remaining 225 jiffies, filed in level 1 and rounded up to
 * the next multiple of 8 jiffies after J250 + 250, i.e. 1024 ms. */
static void second_event_waits_for_the_slot_hz250(void)
{
	struct lw_env *env = lw_env_create("v6.18");

	REQUIRE(env);
	lw_carrier(env, "lo", false);
	lw_run_until(env, LW_MS(100));
	REQUIRE(env->nrun == 1);
	ASSERT_EQ_INT(env->run[0].start, 0);
	ASSERT_EQ_UINT(env->k->lw.nextevent, J250 + 250);
	lw_carrier(env, "lo", true);
	lw_run_until(env, LW_MS(999));
	ASSERT_EQ_INT(env->nrun, 1);	/* still waiting */
	ASSERT_EQ_INT(kernel_linkwatch_queue_len(env->k), 1);
	lw_run_until(env, LW_MS(3000));
	REQUIRE(env->nrun == 2);
	ASSERT_EQ_INT(env->run[1].start, LW_MS(1024));
	CU_ASSERT(env->run[1].start > LW_MS(1000) && env->run[1].start <= LW_MS(1032));
	ASSERT_EQ_INT(env->run[1].urgent_only, 0);
	ASSERT_EQ_INT(env->run[1].count, 1);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* At HZ=1000 the slot is 1000 jiffies ahead: a delay of 504 or more is filed
 * in level 2 (64 ms granularity), so the window is 1000-1064 ms, not
 * 1000-1032. J1000 is 32 mod 64: J1000 + 1000 rounds up to J1000 + 1056.
 * An event later in the second (delay < 504) gets level 1: 8 ms. */
static void slot_window_at_hz1000_is_64_jiffies(void)
{
	struct lw_env *env = lw_env_create("v6.18");

	REQUIRE(env);
	ASSERT_EQ_INT(lw_param(env, "hz", "1000"), 0);
	lw_carrier(env, "lo", false);
	lw_run_until(env, LW_MS(100));
	ASSERT_EQ_UINT(env->k->lw.nextevent, J1000 + 1000);
	lw_carrier(env, "lo", true);	/* delay 900 jiffies: level 2 */
	lw_run_until(env, LW_MS(1100));
	REQUIRE(env->nrun == 2);
	ASSERT_EQ_INT(env->run[1].start, LW_MS(1056));
	CU_ASSERT(env->run[1].start > LW_MS(1032) && env->run[1].start <= LW_MS(1064));
	/* next slot: J1000 + 2056; an event at 1.7 s is 356 jiffies short */
	lw_run_until(env, LW_MS(1700));
	lw_carrier(env, "lo", false);
	lw_run_until(env, LW_MS(3000));
	REQUIRE(env->nrun == 3);
	ASSERT_EQ_INT(env->run[2].start, LW_MS(2064));	/* 2056 is a multiple of 8 */
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* Urgent runs happen before the slot and leave linkwatch_nextevent alone;
 * a non-urgent event pending meanwhile still waits for the original slot. */
static void urgent_runs_do_not_move_the_slot(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	unsigned long slot;
	int n, err;

	REQUIRE(env);
	err = lw_veth_add(env, "v0", "v1", NULL);
	REQUIRE(err == 0);
	lw_run_for(env, LW_MS(10));	/* creation: carrier off, a full run */
	REQUIRE(env->nrun >= 1);
	ASSERT_EQ_INT(env->run[0].urgent_only, 0);
	ASSERT_EQ_INT(env->run[0].count, 2);
	slot = env->k->lw.nextevent;
	lw_carrier(env, "lo", false);	/* non-urgent, waits for the slot */
	lw_run_for(env, LW_MS(100));
	err = lw_set_up(env, "v0", true);
	n = env->nrun;
	err |= lw_set_up(env, "v1", true);	/* both carriers on: urgent */
	REQUIRE(err == 0);
	lw_run_for(env, LW_MS(1));
	REQUIRE(env->nrun == n + 1);
	ASSERT_EQ_INT(env->run[n].urgent_only, 1);
	ASSERT_EQ_INT(env->run[n].count, 2);	/* v0 and v1; lo requeued */
	ASSERT_EQ_UINT(env->k->lw.nextevent, slot);
	ASSERT_EQ_INT(kernel_linkwatch_queue_len(env->k), 1);
	lw_run_until(env, LW_MS(3000));
	REQUIRE(env->nrun == n + 2);
	ASSERT_EQ_INT(env->run[n + 1].urgent_only, 0);
	ASSERT_EQ_INT(env->run[n + 1].start, jiffies_to_ktime(env->k, ((slot >> 3) + 1) << 3));
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* One queue and one slot for all namespaces: a full run caused by a device
 * in another namespace makes an init-namespace event wait for the slot. */
static void one_queue_and_slot_for_all_namespaces(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	const struct lw_msg *m;
	struct net *ns2;
	sim_time_t slot;
	int err, from;

	REQUIRE(env);
	err = kernel_netns_add(env->k, "ns2", &ns2);
	err |= lw_dummy_add_in(env, "p0", ns2);
	err |= lw_dummy_up(env, "d0");
	REQUIRE(err == 0);
	kernel_carrier_set(ns2, "p0", false);	/* quiet limiter: full run now */
	lw_run_for(env, LW_MS(100));
	REQUIRE(env->nrun == 1);
	slot = jiffies_to_ktime(env->k, ((env->k->lw.nextevent >> 3) + 1) << 3);
	from = env->nmsg;
	lw_carrier(env, "d0", false);
	lw_run_until(env, slot + LW_MS(1));
	m = lw_mon_next(env, lw_ifindex(env, "d0"), from);
	REQUIRE(m);
	ASSERT_EQ_INT(m->t, slot + LW_US(2));	/* + cost.linkwatch_dev */
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

TEST_SUITE(workqueue, NULL, NULL,
	   TEST_CASE(initial_jiffies_is_300s_before_wrap),
	   TEST_CASE(initial_jiffies_at_hz_1000),
	   TEST_CASE(timer_wheel_rounds_up_by_level),
	   TEST_CASE(queue_delayed_work_never_moves_an_armed_timer),
	   TEST_CASE(mod_delayed_work_zero_runs_now_and_cancels_the_timer),
	   TEST_CASE(work_queued_while_running_runs_again_afterwards),
	   TEST_CASE(queueing_a_work_that_waits_to_start_is_a_no_op),
	   TEST_CASE(two_events_before_the_run_make_one_run),
	   TEST_CASE(first_event_after_boot_runs_at_once),
	   TEST_CASE(event_after_quiet_period_runs_at_once),
	   TEST_CASE(slot_more_than_hz_ahead_is_clamped),
	   TEST_CASE(second_event_waits_for_the_slot_hz250),
	   TEST_CASE(slot_window_at_hz1000_is_64_jiffies),
	   TEST_CASE(urgent_runs_do_not_move_the_slot),
	   TEST_CASE(one_queue_and_slot_for_all_namespaces));
