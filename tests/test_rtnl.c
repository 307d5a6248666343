/* tests/test_rtnl.c - tests for model/rtnl.c (kernel.md §1.6, §3.4).
 *
 * The linkwatch batch holds the global RTNL from its first device to its
 * last, so a holder delays its RTM_NEWLINK and a newcomer waits for the
 * whole batch; injected delays (rtnl.delay for the classes in
 * rtnl.delay_classes) are spent before trying the lock, without holding it;
 * waiters get the lock in FIFO order by hand-off (the releaser cannot barge
 * back in); per-class statistics add up.
 */
#include "tests/stub_lw.h"
#include "tests/testutil.h"

#define COST_DEV LW_US(2)	/* cost.linkwatch_dev */

struct locker {
	struct lw_env *env;
	sim_time_t start;	/* virtual time at which it calls rtnl_lock */
	int cls;
	sim_time_t hold;
	bool relock;		/* lock again right after unlocking */
	sim_time_t acquired, reacquired;
	int order, reorder;	/* 1-based acquisition order */
};

static int acquisitions;

static void locker_body(void *arg)
{
	struct locker *l = arg;
	struct kernel *k = l->env->k;

	sim_task_sleep(l->env->e, l->start - lw_now(l->env));
	rtnl_lock(k, l->cls);
	l->acquired = lw_now(l->env);
	l->order = ++acquisitions;
	k_sleep(k, l->hold);
	rtnl_unlock(k);
	if (!l->relock)
		return;
	rtnl_lock(k, l->cls);	/* no yield in between: a barging attempt */
	l->reacquired = lw_now(l->env);
	l->reorder = ++acquisitions;
	rtnl_unlock(k);
}

static void spawn(struct locker *l)
{
	sim_task_spawn(l->env->e, "locker", locker_body, l, 0);
}

/* A contender holds RTNL 10..60 ms; a non-urgent event at 20 ms (first after
 * boot: immediate) waits for it; the RTM_NEWLINK comes at 60 ms + cost. */
static void linkwatch_waits_for_rtnl_holder(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct locker c = { .env = env, .start = LW_MS(10), .cls = RTNL_CLASS_CONTENDER,
			    .hold = LW_MS(50) };
	const struct lw_msg *m;
	int err, from;

	REQUIRE(env);
	err = lw_dummy_up(env, "d0");
	REQUIRE(err == 0);
	spawn(&c);
	lw_run_until(env, LW_MS(20));
	from = env->nmsg;
	lw_carrier(env, "d0", false);
	lw_run_until(env, LW_MS(100));
	REQUIRE(env->nrun == 1);
	ASSERT_EQ_INT(env->run[0].start, LW_MS(60));
	m = lw_mon_next(env, lw_ifindex(env, "d0"), from);
	REQUIRE(m);
	ASSERT_EQ_INT(m->t, LW_MS(60) + COST_DEV);
	ASSERT_EQ_INT(kernel_rtnl_stats(env->k, RTNL_CLASS_LINKWATCH)->wait_total, LW_MS(40));
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* Three devices in one run: RTNL is taken once and held across all three;
 * a locker arriving 1 us into the batch gets it when the batch ends. */
static void linkwatch_batch_holds_rtnl_throughout(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct locker c = { .env = env, .cls = RTNL_CLASS_RTNETLINK };
	const struct rtnl_class_stats *st;
	sim_time_t t;
	int err;

	REQUIRE(env);
	err = lw_dummy_up(env, "a");
	err |= lw_dummy_up(env, "b");
	err |= lw_dummy_up(env, "c");
	REQUIRE(err == 0);
	t = lw_now(env);
	c.start = t + LW_US(1);
	lw_carrier(env, "a", false);
	lw_carrier(env, "b", false);
	lw_carrier(env, "c", false);
	spawn(&c);
	lw_run_for(env, LW_MS(10));
	REQUIRE(env->nrun == 1);
	ASSERT_EQ_INT(env->run[0].count, 3);
	ASSERT_EQ_INT(env->run[0].start, t);
	ASSERT_EQ_INT(env->run[0].end, t + 3 * COST_DEV);
	ASSERT_EQ_INT(c.acquired, t + 3 * COST_DEV);
	st = kernel_rtnl_stats(env->k, RTNL_CLASS_LINKWATCH);
	ASSERT_EQ_INT(st->acquisitions, 1);
	ASSERT_EQ_INT(st->hold_total, 3 * COST_DEV);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* rtnl.delay 10 ms for class contender: two contenders calling rtnl_lock at
 * 0 both spend their delay at once (they overlap: 10 and 11 ms, not 10 and
 * 21), and the lock stays free meanwhile (an rtnetlink caller at 5 ms gets
 * it at once: that class is not delayed). */
static void delay_is_spent_before_the_lock_without_holding_it(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct locker a = { .env = env, .cls = RTNL_CLASS_CONTENDER, .hold = LW_MS(1) };
	struct locker b = a;
	struct locker r = { .env = env, .start = LW_MS(5), .cls = RTNL_CLASS_RTNETLINK,
			    .hold = LW_MS(1) };
	const struct rtnl_class_stats *st;

	REQUIRE(env);
	ASSERT_EQ_INT(lw_param(env, "rtnl.delay", "10ms"), 0);
	ASSERT_EQ_INT(lw_param(env, "rtnl.delay_classes", "contender"), 0);
	acquisitions = 0;
	spawn(&a);
	spawn(&b);
	spawn(&r);
	lw_run_until(env, LW_MS(100));
	ASSERT_EQ_INT(r.acquired, LW_MS(5));
	ASSERT_EQ_INT(a.acquired, LW_MS(10));
	ASSERT_EQ_INT(b.acquired, LW_MS(11));
	st = kernel_rtnl_stats(env->k, RTNL_CLASS_CONTENDER);
	ASSERT_EQ_INT(st->delay_total, LW_MS(20));
	ASSERT_EQ_INT(st->wait_total, LW_MS(1));	/* waits exclude the delay */
	ASSERT_EQ_INT(kernel_rtnl_stats(env->k, RTNL_CLASS_RTNETLINK)->delay_total, 0);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* rtnl.delay_share 250 per mille of class rtnetlink: of eight rtnetlink
 * callers one after the other, exactly the 4th and the 8th pay the 2 ms delay
 * (spread evenly, no randomness); a contender, not in either set, never
 * pays. */
static void a_share_of_a_class_pays_the_delay_evenly(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct locker l[8];
	struct locker c = { .env = env, .start = LW_MS(85), .cls = RTNL_CLASS_CONTENDER,
			    .hold = LW_MS(1) };
	const struct rtnl_class_stats *st;

	REQUIRE(env);
	ASSERT_EQ_INT(lw_param(env, "rtnl.delay", "2ms"), 0);
	ASSERT_EQ_INT(lw_param(env, "rtnl.delay_classes", "none"), 0);
	ASSERT_EQ_INT(lw_param(env, "rtnl.delay_share", "250"), 0);
	ASSERT_EQ_INT(lw_param(env, "rtnl.delay_share_classes", "rtnetlink"), 0);
	acquisitions = 0;
	for (int i = 0; i < 8; i++) {
		l[i] = (struct locker){ .env = env, .start = LW_MS(10) * i,
					.cls = RTNL_CLASS_RTNETLINK, .hold = LW_MS(1) };
		spawn(&l[i]);
	}
	spawn(&c);
	lw_run_until(env, LW_MS(100));
	for (int i = 0; i < 8; i++)
		ASSERT_EQ_INT(l[i].acquired, LW_MS(10) * i + (i == 3 || i == 7 ? LW_MS(2) : 0));
	ASSERT_EQ_INT(c.acquired, LW_MS(85));
	st = kernel_rtnl_stats(env->k, RTNL_CLASS_RTNETLINK);
	ASSERT_EQ_INT(st->acquisitions, 8);
	ASSERT_EQ_INT(st->delay_total, LW_MS(4));
	ASSERT_EQ_INT(kernel_rtnl_stats(env->k, RTNL_CLASS_CONTENDER)->delay_total, 0);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* A veth end moved to another namespace holds RTNL through
 * cost.netns_move_sync (synchronize_net in __dev_change_net_namespace): a
 * contender asking 2 ms in waits for the end of the move. Deleting the pair
 * then costs the deleter cost.run_todo_barrier (netdev_run_todo's
 * rcu_barrier) with RTNL already free: a contender asking 5 ms in gets it
 * at once, and the delete returns only after the barrier. */
static void netns_move_holds_rtnl_and_the_delete_barrier_does_not(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct locker a = { .env = env, .cls = RTNL_CLASS_CONTENDER, .hold = LW_MS(1) };
	struct locker b = a;
	struct net *ns;
	sim_time_t t;

	REQUIRE(env);
	ASSERT_EQ_INT(lw_param(env, "cost.netns_move_sync", "10ms"), 0);
	ASSERT_EQ_INT(lw_param(env, "cost.run_todo_barrier", "20ms"), 0);
	REQUIRE(kernel_netns_add(env->k, "ns1", &ns) == 0);
	REQUIRE(lw_veth_add(env, "v0", "v1", NULL) == 0);
	t = lw_now(env);
	a.start = t + LW_MS(2);
	spawn(&a);
	ASSERT_EQ_INT(lw_move(env, "v1", ns), 0);
	CU_ASSERT(lw_now(env) >= t + LW_MS(10));
	lw_run_for(env, LW_MS(5));
	CU_ASSERT(a.acquired >= t + LW_MS(10));
	CU_ASSERT(a.acquired < t + LW_MS(11));
	t = lw_now(env);
	b.start = t + LW_MS(5);
	spawn(&b);
	ASSERT_EQ_INT(lw_del(env, "v0"), 0);
	CU_ASSERT(lw_now(env) >= t + LW_MS(20));
	ASSERT_EQ_INT(b.acquired, t + LW_MS(5));
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* A namespace made from a task registers lo through register_netdev, whose
 * rtnl_lock_killable() a delay-kfunc on rtnl_lock does not hook: class
 * register, not delayed by the default rtnl.delay_classes. */
struct netns_maker {
	struct lw_env *env;
	sim_time_t start, done;
	int err;
};

static void netns_maker_body(void *arg)
{
	struct netns_maker *m = arg;

	sim_task_sleep(m->env->e, m->start - lw_now(m->env));
	m->err = kernel_netns_add(m->env->k, "ns1", NULL);
	m->done = lw_now(m->env);
}

static void lo_of_a_new_namespace_is_not_delayed(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct netns_maker m = { .env = env };
	const struct rtnl_class_stats *st;

	REQUIRE(env);
	ASSERT_EQ_INT(lw_param(env, "rtnl.delay", "5ms"), 0);
	m.start = lw_now(env) + LW_MS(1);
	sim_task_spawn(env->e, "ip-netns", netns_maker_body, &m, 0);
	lw_run_for(env, LW_MS(20));
	ASSERT_EQ_INT(m.err, 0);
	CU_ASSERT(m.done - m.start < LW_MS(5));
	st = kernel_rtnl_stats(env->k, RTNL_CLASS_REGISTER);
	ASSERT_EQ_INT(st->acquisitions, 1);
	ASSERT_EQ_INT(st->delay_total, 0);
	ASSERT_EQ_INT(kernel_rtnl_stats(env->k, RTNL_CLASS_DRIVER)->acquisitions, 0);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* The linkwatch class is delayed by default when rtnl.delay is set: the run
 * starts after the delay, with RTNL free during it. */
static void linkwatch_pays_the_injected_delay(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	sim_time_t t;
	int err;

	REQUIRE(env);
	ASSERT_EQ_INT(lw_param(env, "rtnl.delay", "3ms"), 0);
	err = lw_dummy_up(env, "d0");
	REQUIRE(err == 0);
	t = lw_now(env);
	lw_carrier(env, "d0", false);
	lw_run_for(env, LW_MS(10));
	REQUIRE(env->nrun == 1);
	ASSERT_EQ_INT(env->run[0].start, t + LW_MS(3));
	ASSERT_EQ_INT(kernel_rtnl_stats(env->k, RTNL_CLASS_LINKWATCH)->wait_total, 0);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* H holds 0..10 ms; B, C, D queue at 1, 2, 3 ms; at 10 ms H unlocks and
 * relocks at once: the lock was handed to B, so H queues behind D. */
static void waiters_get_rtnl_in_fifo_order_by_hand_off(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct locker h = { .env = env, .cls = RTNL_CLASS_CONTENDER, .hold = LW_MS(10),
			    .relock = true };
	struct locker w[3];

	REQUIRE(env);
	acquisitions = 0;
	spawn(&h);
	for (int i = 0; i < 3; i++) {
		w[i] = (struct locker){ .env = env, .start = LW_MS(i + 1),
					.cls = RTNL_CLASS_CONTENDER, .hold = LW_MS(1) };
		spawn(&w[i]);
	}
	lw_run_until(env, LW_MS(100));
	ASSERT_EQ_INT(h.order, 1);
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ_INT(w[i].order, i + 2);
		ASSERT_EQ_INT(w[i].acquired, LW_MS(10 + i));
	}
	ASSERT_EQ_INT(h.reorder, 5);
	ASSERT_EQ_INT(h.reacquired, LW_MS(13));
	ASSERT_EQ_INT(rtnl_is_locked(env->k), 0);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* Per-class statistics: acquisitions, waits, holds and the histogram agree
 * with what the lockers saw. */
static void rtnl_stats_add_up(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct locker l[4];
	const struct rtnl_class_stats *ct, *io;
	uint64_t hist = 0;

	REQUIRE(env);
	acquisitions = 0;
	for (int i = 0; i < 4; i++) {
		l[i] = (struct locker){ .env = env, .start = LW_MS(i),
					.cls = i % 2 ? RTNL_CLASS_IOCTL : RTNL_CLASS_CONTENDER,
					.hold = LW_MS(4) };
		spawn(&l[i]);
	}
	lw_run_until(env, LW_MS(100));
	/* acquired at 0, 4, 8, 12: waits 0, 3, 6, 9 ms */
	ct = kernel_rtnl_stats(env->k, RTNL_CLASS_CONTENDER);
	io = kernel_rtnl_stats(env->k, RTNL_CLASS_IOCTL);
	ASSERT_EQ_INT(ct->acquisitions, 2);
	ASSERT_EQ_INT(io->acquisitions, 2);
	ASSERT_EQ_INT(ct->wait_total, LW_MS(0 + 6));
	ASSERT_EQ_INT(io->wait_total, LW_MS(3 + 9));
	ASSERT_EQ_INT(ct->wait_max, LW_MS(6));
	ASSERT_EQ_INT(io->wait_max, LW_MS(9));
	ASSERT_EQ_INT(ct->hold_total + io->hold_total, LW_MS(16));
	ASSERT_EQ_INT(io->hold_max, LW_MS(4));
	for (int b = 0; b < 16; b++)
		hist += ct->wait_hist[b] + io->wait_hist[b];
	ASSERT_EQ_INT(hist, 4);
	ASSERT_EQ_INT(ct->wait_hist[0], 1);	/* the uncontended one: < 1 us */
	for (int i = 0; i < 4; i++)
		ASSERT_EQ_INT(l[i].acquired, LW_MS(4 * i));
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

TEST_SUITE(rtnl, NULL, NULL,
	   TEST_CASE(linkwatch_waits_for_rtnl_holder),
	   TEST_CASE(linkwatch_batch_holds_rtnl_throughout),
	   TEST_CASE(delay_is_spent_before_the_lock_without_holding_it),
	   TEST_CASE(a_share_of_a_class_pays_the_delay_evenly),
	   TEST_CASE(linkwatch_pays_the_injected_delay),
	   TEST_CASE(lo_of_a_new_namespace_is_not_delayed),
	   TEST_CASE(netns_move_holds_rtnl_and_the_delete_barrier_does_not),
	   TEST_CASE(waiters_get_rtnl_in_fifo_order_by_hand_off),
	   TEST_CASE(rtnl_stats_add_up));
