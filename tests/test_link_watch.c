/* tests/test_link_watch.c - tests for model/link_watch.c (kernel.md §1).
 *
 * linkwatch_urgent_event case by case, in the kernel's order (the what-if
 * policy linkwatch.urgent_on_up_oper_down is in test_drivers.c, beside the
 * virtio boot it was written for); coalescing of
 * events while a device is pending; linkwatch_do_dev's notification rule;
 * the per-run budgets (100, 200 urgent-only), requeueing in urgent-only
 * passes and of absent devices (v6.18) vs silent processing (v5.8).
 * Slot arithmetic itself is in test_workqueue.c; here "waits for the slot"
 * means: nothing before linkwatch_nextevent, one run on the wheel's next
 * 8-jiffy boundary after it (events here come < 750 ms after the full run,
 * so the remaining delay is in wheel level 1).
 */
#include <stdio.h>

#include "tests/stub_lw.h"
#include "tests/testutil.h"

#define COST_DEV LW_US(2)	/* cost.linkwatch_dev */

/* When the work armed for the current slot fires (level-1 rounding). */
static sim_time_t slot_time(const struct lw_env *env)
{
	return jiffies_to_ktime(env->k, ((env->k->lw.nextevent >> 3) + 1) << 3);
}

/* ---- linkwatch_urgent_event, in order ------------------------------------------- */

/* 1. not running: not urgent, even for a stacked device (veth: iflink is
 *    the peer's ifindex), so the test comes before the stacked test. */
static void not_running_is_not_urgent(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct net_device *v0;
	sim_time_t slot;
	int err;

	REQUIRE(env);
	err = lw_veth_add(env, "v0", "v1", NULL);
	REQUIRE(err == 0);
	lw_run_for(env, LW_MS(10));	/* creation events: one full run */
	v0 = lw_dev(env, "v0");
	CU_ASSERT(dev_get_iflink(v0) != v0->ifindex);
	ASSERT_EQ_INT(linkwatch_urgent_event(v0), 0);
	slot = slot_time(env);
	netif_carrier_on(v0);
	ASSERT_EQ_INT(linkwatch_urgent_event(v0), 0);
	lw_run_until(env, slot - 1);
	ASSERT_EQ_INT(v0->operstate, IF_OPER_LOWERLAYERDOWN);	/* still pending */
	lw_run_until(env, slot + LW_MS(1));
	ASSERT_EQ_INT(env->run[env->nrun - 1].start, slot);
	ASSERT_EQ_INT(v0->operstate, IF_OPER_UP);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* 2. running and stacked: urgent for carrier on and for carrier off. */
static void running_veth_is_urgent_both_directions(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct net_device *v0;
	unsigned long slot;
	const struct lw_msg *m;
	sim_time_t t;
	int err, from;

	REQUIRE(env);
	err = lw_veth_add(env, "v0", "v1", NULL);
	lw_run_for(env, LW_MS(10));
	err |= lw_set_up(env, "v0", true);
	err |= lw_set_up(env, "v1", true);
	REQUIRE(err == 0);
	lw_run_for(env, LW_MS(1));
	v0 = lw_dev(env, "v0");
	slot = env->k->lw.nextevent;
	REQUIRE(time_after(slot, k_jiffies(env->k)));	/* the slot is ahead */

	t = lw_now(env);
	from = env->nmsg;
	netif_carrier_off(v0);
	ASSERT_EQ_INT(linkwatch_urgent_event(v0), 1);
	lw_run_for(env, LW_MS(1));
	m = lw_mon_next(env, v0->ifindex, from);
	REQUIRE(m);
	ASSERT_EQ_INT(m->t, t + COST_DEV);
	ASSERT_EQ_INT(m->carrier, 0);

	t = lw_now(env);
	from = env->nmsg;
	netif_carrier_on(v0);
	ASSERT_EQ_INT(linkwatch_urgent_event(v0), 1);
	lw_run_for(env, LW_MS(1));
	m = lw_mon_next(env, v0->ifindex, from);
	REQUIRE(m);
	ASSERT_EQ_INT(m->t, t + COST_DEV);
	ASSERT_EQ_UINT(m->flags & (IFF_RUNNING | IFF_LOWER_UP), IFF_RUNNING | IFF_LOWER_UP);
	ASSERT_EQ_UINT(env->k->lw.nextevent, slot);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* 4. plain device, carrier on while the qdisc is deactivated: urgent. */
static void carrier_on_with_qdisc_inactive_is_urgent(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct net_device *d0;
	const struct lw_msg *m;
	sim_time_t t;
	int err, from;

	REQUIRE(env);
	err = lw_dummy_up(env, "d0");
	REQUIRE(err == 0);
	d0 = lw_dev(env, "d0");
	ASSERT_EQ_INT(qdisc_tx_changing(d0), 0);
	lw_carrier(env, "d0", false);		/* quiet limiter: a full run now */
	lw_run_for(env, LW_MS(50));
	ASSERT_EQ_INT(d0->operstate, IF_OPER_DOWN);
	ASSERT_EQ_INT(qdisc_tx_changing(d0), 1);	/* dev_deactivate */
	ASSERT_EQ_INT(linkwatch_urgent_event(d0), 0);	/* carrier off */
	t = lw_now(env);
	from = env->nmsg;
	lw_carrier(env, "d0", true);
	ASSERT_EQ_INT(linkwatch_urgent_event(d0), 1);
	lw_run_for(env, LW_MS(1));
	m = lw_mon_next(env, d0->ifindex, from);
	REQUIRE(m);
	ASSERT_EQ_INT(m->t, t + COST_DEV);
	ASSERT_EQ_INT(m->operstate, IF_OPER_UP);
	ASSERT_EQ_INT(env->run[env->nrun - 1].urgent_only, 1);
	ASSERT_EQ_INT(qdisc_tx_changing(d0), 0);	/* dev_activate */
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* 4'. plain device, carrier off: never urgent; waits for the slot. */
static void carrier_off_of_plain_device_waits_for_slot(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	const struct lw_msg *m;
	sim_time_t slot;
	int err, from, idx;

	REQUIRE(env);
	err = lw_dummy_up(env, "d0");
	REQUIRE(err == 0);
	idx = lw_ifindex(env, "d0");
	lw_full_run_now(env);
	slot = slot_time(env);
	lw_run_for(env, LW_MS(100));
	from = env->nmsg;
	lw_carrier(env, "d0", false);
	ASSERT_EQ_INT(linkwatch_urgent_event(lw_dev(env, "d0")), 0);
	lw_run_until(env, slot - 1);
	ASSERT_EQ_INT(lw_mon_count(env, idx, from), 0);
	lw_run_until(env, slot + LW_MS(1));
	m = lw_mon_next(env, idx, from);
	REQUIRE(m);
	ASSERT_EQ_INT(m->t, slot + COST_DEV);
	ASSERT_EQ_INT(m->operstate, IF_OPER_DOWN);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* A down device: not urgent even with carrier on and the qdisc deactivated
 * (rule 1 comes before rule 4); its event is processed silently. */
static void down_device_is_not_urgent(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct net_device *d0;
	sim_time_t slot;
	int err, from;

	REQUIRE(env);
	err = lw_dummy_up(env, "d0");
	REQUIRE(err == 0);
	d0 = lw_dev(env, "d0");
	lw_carrier(env, "d0", false);
	lw_run_for(env, LW_MS(50));
	err = lw_set_up(env, "d0", false);
	REQUIRE(err == 0);
	slot = slot_time(env);
	from = env->nmsg;
	lw_carrier(env, "d0", true);
	ASSERT_EQ_INT(qdisc_tx_changing(d0) && netif_carrier_ok(d0), 1);
	ASSERT_EQ_INT(linkwatch_urgent_event(d0), 0);
	lw_run_until(env, slot - 1);
	ASSERT_EQ_INT(d0->operstate, IF_OPER_DOWN);
	lw_run_until(env, slot + LW_MS(1));
	ASSERT_EQ_INT(env->run[env->nrun - 1].start, slot);
	ASSERT_EQ_INT(d0->operstate, IF_OPER_UP);
	ASSERT_EQ_INT(lw_mon_count(env, d0->ifindex, from), 0);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* ---- coalescing and linkwatch_do_dev ---------------------------------------- */

/* Off then on before the run: the second event finds PENDING set and is
 * dropped (not urgent: the qdisc is still active); one processing, one
 * RTM_NEWLINK, and IFLA_CARRIER_CHANGES counts both flips. */
static void flips_while_pending_coalesce(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	const struct lw_msg *m;
	sim_time_t slot;
	int err, from, idx, runs;

	REQUIRE(env);
	err = lw_dummy_up(env, "d0");
	REQUIRE(err == 0);
	idx = lw_ifindex(env, "d0");
	lw_full_run_now(env);
	slot = slot_time(env);
	runs = env->nrun;
	from = env->nmsg;
	lw_run_for(env, LW_MS(100));
	lw_carrier(env, "d0", false);
	lw_run_for(env, LW_MS(100));
	lw_carrier(env, "d0", true);
	ASSERT_EQ_INT(kernel_linkwatch_queue_len(env->k), 1);
	lw_run_until(env, slot + LW_MS(1100));
	ASSERT_EQ_INT(env->nrun, runs + 1);
	ASSERT_EQ_INT(env->run[runs].count, 1);
	ASSERT_EQ_INT(env->run[runs].start, slot);
	ASSERT_EQ_INT(lw_mon_count(env, idx, from), 1);
	m = lw_mon_next(env, idx, from);
	REQUIRE(m);
	ASSERT_EQ_UINT(m->carrier_changes, 2);
	ASSERT_EQ_INT(m->carrier, 1);
	ASSERT_EQ_INT(m->operstate, IF_OPER_UP);
	ASSERT_EQ_UINT(m->change, 0);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* An up device is notified even when nothing visible changed. */
static void reverted_flap_still_notifies(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	const struct lw_msg *before, *after;
	sim_time_t slot;
	int err, from, idx;

	REQUIRE(env);
	err = lw_dummy_up(env, "d0");
	REQUIRE(err == 0);
	idx = lw_ifindex(env, "d0");
	lw_carrier(env, "d0", false);		/* now: DOWN */
	lw_run_for(env, LW_MS(10));
	from = env->nmsg;
	lw_carrier(env, "d0", true);		/* urgent: UP */
	lw_run_for(env, LW_MS(10));
	before = lw_mon_next(env, idx, from);
	REQUIRE(before);
	slot = slot_time(env);
	from = env->nmsg;
	lw_carrier(env, "d0", false);
	lw_carrier(env, "d0", true);
	lw_run_until(env, slot + LW_MS(1));
	after = lw_mon_next(env, idx, from);
	REQUIRE(after);
	ASSERT_EQ_INT(after->t, slot + COST_DEV);
	ASSERT_EQ_UINT(after->flags, before->flags);
	ASSERT_EQ_INT(after->operstate, before->operstate);
	ASSERT_EQ_INT(after->carrier, before->carrier);
	ASSERT_EQ_UINT(after->carrier_changes, before->carrier_changes + 2);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* A down device's operstate changes silently, and its qdisc is left alone
 * (no dev_activate/dev_deactivate: still noop). */
static void down_device_changes_silently(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	int err, from, idx;

	REQUIRE(env);
	err = lw_dummy_add(env, "d0");
	REQUIRE(err == 0);
	idx = lw_ifindex(env, "d0");
	from = env->nmsg;
	lw_carrier(env, "d0", false);
	lw_run_for(env, LW_MS(10));
	ASSERT_EQ_INT(env->nrun, 1);
	ASSERT_EQ_INT(env->run[0].count, 1);
	ASSERT_EQ_INT(lw_info(env, "d0").raw_operstate, IF_OPER_DOWN);
	ASSERT_EQ_INT(lw_info(env, "d0").linkwatch_pending, 0);
	lw_carrier(env, "d0", true);
	lw_run_for(env, LW_MS(1100));
	ASSERT_EQ_INT(env->nrun, 2);
	ASSERT_EQ_INT(lw_info(env, "d0").raw_operstate, IF_OPER_UP);
	ASSERT_EQ_STR(lw_dev(env, "d0")->qdisc, "noop");
	ASSERT_EQ_INT(lw_mon_count(env, idx, from), 0);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* ---- budgets and requeueing -------------------------------------------------- */

#define NDEV 250

static int make_dummies(struct lw_env *env, int n, bool up)
{
	char name[16];
	int err = 0;

	for (int i = 0; i < n && !err; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		err = up ? lw_dummy_up(env, name) : lw_dummy_add(env, name);
	}
	return err;
}

static void carrier_all(struct lw_env *env, int n, bool on)
{
	char name[16];

	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		lw_carrier(env, name, on);
	}
}

/* 250 pending devices: 100 per full run, full runs one slot apart. */
static void full_runs_drain_100_per_second(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	sim_time_t t0;
	int err;

	REQUIRE(env);
	err = make_dummies(env, NDEV, false);
	REQUIRE(err == 0);
	t0 = lw_now(env);
	carrier_all(env, NDEV, false);
	lw_run_for(env, LW_MS(5000));
	REQUIRE(env->nrun == 3);
	ASSERT_EQ_INT(env->run[0].start, t0);
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ_INT(env->run[i].urgent_only, 0);
		ASSERT_EQ_INT(env->run[i].count, i < 2 ? 100 : 50);
	}
	for (int i = 1; i < 3; i++) {
		sim_time_t gap = env->run[i].start - env->run[i - 1].start;

		CU_ASSERT(gap >= LW_MS(1000) && gap <= LW_MS(1032));
	}
	ASSERT_EQ_INT(kernel_linkwatch_queue_len(env->k), 0);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* An urgent-only pass processes up to 200; over-budget devices go back to
 * the head of the list, a non-urgent one requeued in the pass to the tail. */
static void urgent_only_run_budget_is_200(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct net_device *first, *last;
	int err, n;

	REQUIRE(env);
	err = make_dummies(env, NDEV, true);
	err |= lw_dummy_up(env, "n0");
	REQUIRE(err == 0);
	carrier_all(env, NDEV, false);	/* drained in 3 s: queues deactivated */
	lw_run_for(env, LW_MS(4000));
	REQUIRE(kernel_linkwatch_queue_len(env->k) == 0);
	lw_drain(env);
	lw_full_run_now(env);
	lw_carrier(env, "n0", false);	/* non-urgent, first in the queue */
	carrier_all(env, NDEV, true);	/* urgent: carrier on, qdisc inactive */
	n = env->nrun;
	lw_run_for(env, LW_MS(10));
	REQUIRE(env->nrun == n + 1);
	ASSERT_EQ_INT(env->run[n].urgent_only, 1);
	ASSERT_EQ_INT(env->run[n].count, 200);
	ASSERT_EQ_INT(kernel_linkwatch_queue_len(env->k), NDEV - 200 + 1);
	first = cds_list_first_entry(&env->k->lw.list, struct net_device, link_watch_list);
	last = cds_list_entry(env->k->lw.list.prev, struct net_device, link_watch_list);
	ASSERT_EQ_STR(first->name, "d200");
	ASSERT_EQ_STR(last->name, "n0");
	lw_run_for(env, LW_MS(1100));	/* the slot: a full run takes the rest */
	REQUIRE(env->nrun == n + 2);
	ASSERT_EQ_INT(env->run[n + 1].urgent_only, 0);
	ASSERT_EQ_INT(env->run[n + 1].count, NDEV - 200 + 1);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* In an urgent-only pass, devices no longer urgent are re-evaluated and
 * appended back to the tail of the global list, in order; PENDING stays. */
static void urgent_only_pass_requeues_non_urgent(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct net_device *a, *b, *c;
	sim_time_t slot;
	int err, n, from;

	REQUIRE(env);
	err = lw_dummy_up(env, "a");
	err |= lw_dummy_up(env, "b");
	err |= lw_dummy_up(env, "c");
	REQUIRE(err == 0);
	a = lw_dev(env, "a");
	b = lw_dev(env, "b");
	c = lw_dev(env, "c");
	lw_carrier(env, "b", false);	/* full run now: b deactivated */
	lw_run_for(env, LW_MS(100));
	slot = slot_time(env);
	n = env->nrun;
	from = env->nmsg;
	lw_carrier(env, "a", false);	/* queue: a (not urgent) */
	lw_carrier(env, "b", true);	/*        b (urgent) */
	lw_carrier(env, "c", false);	/*        c (not urgent) */
	lw_run_for(env, LW_MS(1));
	REQUIRE(env->nrun == n + 1);
	ASSERT_EQ_INT(env->run[n].urgent_only, 1);
	ASSERT_EQ_INT(env->run[n].count, 1);
	ASSERT_EQ_INT(b->operstate, IF_OPER_UP);
	REQUIRE(kernel_linkwatch_queue_len(env->k) == 2);
	ASSERT_EQ_INT(env->k->lw.list.next == &a->link_watch_list, 1);
	ASSERT_EQ_INT(a->link_watch_list.next == &c->link_watch_list, 1);
	ASSERT_EQ_INT(lw_info(env, "a").linkwatch_pending, 1);
	lw_run_until(env, slot + LW_MS(1));
	ASSERT_EQ_INT(env->run[n + 1].start, slot);
	ASSERT_EQ_INT(env->run[n + 1].count, 2);
	/* notified in queue order: b (urgent pass), then a, then c */
	ASSERT_EQ_INT(env->msg[lw_mon_index(env, b->ifindex, from)].t < slot, 1);
	ASSERT_EQ_INT(lw_mon_index(env, a->ifindex, from) < lw_mon_index(env, c->ifindex, from),
		      1);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* ---- fire_event and unregistration ----------------------------------- */

/* An urgent event for a device already pending is not coalesced: it
 * schedules an immediate run (linkwatch_fire_event step 2). */
static void urgent_event_for_pending_device_runs_now(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct net_device *d0;
	const struct lw_msg *m;
	sim_time_t t;
	int err, from;

	REQUIRE(env);
	err = lw_dummy_up(env, "d0");
	REQUIRE(err == 0);
	d0 = lw_dev(env, "d0");
	lw_carrier(env, "d0", false);		/* full run now: deactivated */
	lw_run_for(env, LW_MS(50));
	netif_carrier_event(d0);		/* not urgent: pending */
	lw_run_for(env, LW_MS(50));
	REQUIRE(lw_info(env, "d0").linkwatch_pending);
	t = lw_now(env);
	from = env->nmsg;
	lw_carrier(env, "d0", true);		/* urgent, while pending */
	lw_run_for(env, LW_MS(1));
	m = lw_mon_next(env, d0->ifindex, from);
	REQUIRE(m);
	ASSERT_EQ_INT(m->t, t + COST_DEV);
	ASSERT_EQ_INT(m->operstate, IF_OPER_UP);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* Unregistering a pending device runs its work in the unregistration
 * (linkwatch_forget_dev, v6.8+ linkwatch_sync_dev): the reference is
 * dropped and, the device being closed first, it sends only the close's
 * RTM_NEWLINK and the RTM_DELLINK. */
static void unregistering_a_pending_device_processes_it(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	int err, from, idx, i, n;

	REQUIRE(env);
	err = lw_dummy_up(env, "d0");
	REQUIRE(err == 0);
	idx = lw_ifindex(env, "d0");
	lw_full_run_now(env);
	lw_carrier(env, "d0", false);
	REQUIRE(kernel_linkwatch_queue_len(env->k) == 1);
	from = env->nmsg;
	err = lw_del(env, "d0");
	ASSERT_EQ_INT(err, 0);
	ASSERT_EQ_INT(kernel_linkwatch_queue_len(env->k), 0);
	ASSERT_EQ_INT(lw_mon_count(env, idx, from), 1);
	i = lw_mon_index(env, idx, from);
	REQUIRE(i >= 0);
	ASSERT_EQ_UINT(env->msg[i].change, IFF_UP | IFF_RUNNING);
	for (n = 0; i < env->nmsg; i++)
		n += env->msg[i].sock == LW_MON && env->msg[i].type == RTM_DELLINK &&
		     env->msg[i].ifindex == idx;
	ASSERT_EQ_INT(n, 1);
	lw_run_for(env, LW_MS(1100));		/* the slot finds nothing */
	ASSERT_EQ_INT(env->run[env->nrun - 1].count, 0);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

TEST_SUITE(link_watch, NULL, NULL,
	   TEST_CASE(not_running_is_not_urgent),
	   TEST_CASE(running_veth_is_urgent_both_directions),
	   TEST_CASE(carrier_on_with_qdisc_inactive_is_urgent),
	   TEST_CASE(carrier_off_of_plain_device_waits_for_slot),
	   TEST_CASE(down_device_is_not_urgent),
	   TEST_CASE(flips_while_pending_coalesce),
	   TEST_CASE(reverted_flap_still_notifies),
	   TEST_CASE(down_device_changes_silently),
	   TEST_CASE(full_runs_drain_100_per_second),
	   TEST_CASE(urgent_only_run_budget_is_200),
	   TEST_CASE(urgent_only_pass_requeues_non_urgent),
	   TEST_CASE(urgent_event_for_pending_device_runs_now),
	   TEST_CASE(unregistering_a_pending_device_processes_it));
