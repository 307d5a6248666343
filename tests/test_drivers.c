/* tests/test_drivers.c - the drivers' carrier timing (kernel.md §5, §1.11, §1.12).
 *
 * dummy (carrier never touched: UNKNOWN, RUNNING at once), veth creation,
 * tap (carrier on at creation keeps UNKNOWN; the measured 6.18 toggle
 * sequence; IFLA_CARRIER), the carrier helpers of sch_generic.c (events only
 * on flips of registered devices), a detached device (v6.18 requeues it, v5.8
 * processes it silently), and virtio_net per profile: the v5.8 boot where
 * RUNNING waits ~0.335 s for the slot after a networkd-like SETLINK up, the
 * linkwatch.urgent_on_up_oper_down policy that was proposed for it, and
 * v6.18 where carrier rises at the first open, urgently.
 */
#include "tests/stub_lw.h"
#include "tests/testutil.h"

#define COST_DEV LW_US(2)	/* cost.linkwatch_dev */
#define COST_SYNC LW_US(30)	/* cost.synchronize_net (real qdisc going down) */
#define UP_RUN_LOW (IFF_UP | IFF_RUNNING | IFF_LOWER_UP)

static void dummy_up_is_running_unknown_in_one_message(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	const struct lw_msg *m;
	int err, from, idx;

	REQUIRE(env);
	err = lw_dummy_add(env, "d0");
	REQUIRE(err == 0);
	idx = lw_ifindex(env, "d0");
	from = env->nmsg;
	err = lw_set_up(env, "d0", true);
	REQUIRE(err == 0);
	lw_run_for(env, LW_MS(3000));
	ASSERT_EQ_INT(lw_mon_count(env, idx, from), 1);
	m = lw_mon_next(env, idx, from);
	REQUIRE(m);
	ASSERT_EQ_UINT(m->flags & UP_RUN_LOW, UP_RUN_LOW);
	ASSERT_EQ_UINT(m->flags & (IFF_NOARP | IFF_MULTICAST), IFF_NOARP); /* dummy_setup */
	ASSERT_EQ_UINT(m->change, IFF_UP);
	ASSERT_EQ_INT(m->operstate, IF_OPER_UNKNOWN);
	ASSERT_EQ_INT(env->nrun, 0);		/* no linkwatch involvement */
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* veth_newlink: peer's RTM_NEWLINK first, then the named device's; both
 * carrier-off events are processed silently (both down): LOWERLAYERDOWN. */
static void veth_creation_settles_silently(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	int err, p, d;

	REQUIRE(env);
	err = lw_veth_add(env, "v0", "v1", NULL);
	REQUIRE(err == 0);
	lw_run_for(env, LW_MS(2000));
	p = lw_mon_index(env, lw_ifindex(env, "v1"), 0);
	d = lw_mon_index(env, lw_ifindex(env, "v0"), 0);
	REQUIRE(p >= 0 && d >= 0);
	ASSERT_EQ_INT(p < d, 1);
	ASSERT_EQ_UINT(env->msg[p].change, 0xffffffffu);
	ASSERT_EQ_UINT(env->msg[d].change, 0xffffffffu);
	ASSERT_EQ_INT(lw_mon_count(env, lw_ifindex(env, "v0"), 0), 1);
	ASSERT_EQ_INT(lw_mon_count(env, lw_ifindex(env, "v1"), 0), 1);
	ASSERT_EQ_INT(lw_info(env, "v0").raw_operstate, IF_OPER_LOWERLAYERDOWN);
	ASSERT_EQ_INT(lw_info(env, "v1").raw_operstate, IF_OPER_LOWERLAYERDOWN);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* kernel.md §5.2's subtle case: a veth set up before its creation event has
 * been processed (limiter busy) is still UNKNOWN: RUNNING with NO-CARRIER,
 * until the slot makes it LOWERLAYERDOWN. */
static void veth_up_before_creation_event_runs_without_carrier(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	const struct lw_msg *m;
	int err, from, idx;

	REQUIRE(env);
	lw_full_run_now(env);
	err = lw_veth_add(env, "v0", "v1", NULL);
	REQUIRE(err == 0);
	idx = lw_ifindex(env, "v0");
	from = env->nmsg;
	err = lw_set_up(env, "v0", true);
	REQUIRE(err == 0);
	m = lw_mon_next(env, idx, from);
	REQUIRE(m);
	ASSERT_EQ_UINT(m->flags & UP_RUN_LOW, IFF_UP | IFF_RUNNING);
	ASSERT_EQ_INT(m->operstate, IF_OPER_UNKNOWN);
	from = env->nmsg;
	lw_run_for(env, LW_MS(1100));
	m = lw_mon_next(env, idx, from);
	REQUIRE(m);
	ASSERT_EQ_UINT(m->flags & UP_RUN_LOW, IFF_UP);
	ASSERT_EQ_INT(m->operstate, IF_OPER_LOWERLAYERDOWN);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* ---- tun/tap ---------------------------------------------------------------- */

static void tap_created_with_carrier_keeps_unknown(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	const struct lw_msg *m;
	int err, idx, from;

	REQUIRE(env);
	err = lw_tap_create(env, "tap0", true);
	REQUIRE(err == 0);
	idx = lw_ifindex(env, "tap0");
	m = lw_mon_next(env, idx, 0);
	REQUIRE(m);
	ASSERT_EQ_UINT(m->change, 0xffffffffu);
	from = env->nmsg;
	err = lw_set_up(env, "tap0", true);
	REQUIRE(err == 0);
	lw_run_for(env, LW_MS(2000));
	ASSERT_EQ_INT(lw_mon_count(env, idx, from), 1);
	m = lw_mon_next(env, idx, from);
	REQUIRE(m);
	ASSERT_EQ_UINT(m->flags, 0x11043);	/* UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP */
	ASSERT_EQ_INT(m->operstate, IF_OPER_UNKNOWN);
	ASSERT_EQ_INT(env->nrun, 0);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* §1.12: TUNSETCARRIER 0 -> 1 -> 0, 50 ms apart, limiter idle. The first off
 * is a full run at once; on is urgent (qdisc deactivated); the second off
 * waits for the slot: t0 = 1 s is jiffy J+250, the slot J+500 rounds up to
 * J+504, i.e. 1016 ms after the first off (measured: 1005-1032 ms). */
static void tap_carrier_toggles_follow_measured_sequence(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	const sim_time_t t0 = LW_MS(1000);
	const struct lw_msg *m;
	struct lw_msg d;
	int err, idx, from;

	REQUIRE(env);
	err = lw_tap_create(env, "tap0", true);
	err |= lw_set_up(env, "tap0", true);
	REQUIRE(err == 0);
	idx = lw_ifindex(env, "tap0");
	lw_run_until(env, t0);
	from = env->nmsg;
	err = lw_tap_carrier(env, "tap0", false);
	lw_run_until(env, t0 + LW_MS(50));
	err |= lw_tap_carrier(env, "tap0", true);
	lw_run_until(env, t0 + LW_MS(100));
	err |= lw_tap_carrier(env, "tap0", false);
	REQUIRE(err == 0);
	/* a dump in the gap: stale and self-contradictory, as measured */
	err = lw_dump_find(env, "tap0", &d);
	REQUIRE(err >= 0);
	ASSERT_EQ_UINT(d.flags, 0x1043);	/* UP|BROADCAST|RUNNING|MULTICAST */
	ASSERT_EQ_INT(d.operstate, IF_OPER_UP);
	ASSERT_EQ_INT(d.carrier, 0);
	lw_run_until(env, t0 + LW_MS(1500));
	REQUIRE(lw_mon_count(env, idx, from) == 3);
	m = lw_mon_next(env, idx, from);
	ASSERT_EQ_INT(m->t, t0 + COST_DEV + COST_SYNC);
	ASSERT_EQ_UINT(m->change, 0);
	ASSERT_EQ_UINT(m->flags, IFF_UP | IFF_BROADCAST | IFF_MULTICAST);
	ASSERT_EQ_INT(m->operstate, IF_OPER_DOWN);
	ASSERT_EQ_INT(m->carrier, 0);
	m = lw_mon_next(env, idx, (int)(m - env->msg) + 1);
	ASSERT_EQ_INT(m->t, t0 + LW_MS(50) + COST_DEV);
	ASSERT_EQ_INT(m->operstate, IF_OPER_UP);
	m = lw_mon_next(env, idx, (int)(m - env->msg) + 1);
	ASSERT_EQ_INT(m->t, t0 + LW_MS(1016) + COST_DEV + COST_SYNC);
	CU_ASSERT(m->t - t0 >= LW_MS(1000) && m->t - t0 <= LW_MS(1032) + LW_US(40));
	ASSERT_EQ_INT(m->operstate, IF_OPER_DOWN);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* IFLA_CARRIER in RTM_SETLINK reaches tun's ndo_change_carrier, like
 * TUNSETCARRIER: the first off after boot runs at once. */
static void tap_carrier_via_setlink(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	int err;

	REQUIRE(env);
	err = lw_tap_create(env, "tap0", true);
	err |= lw_set_up(env, "tap0", true);
	REQUIRE(err == 0);
	err = lw_set_u8(env, "tap0", IFLA_CARRIER, 0);
	ASSERT_EQ_INT(err, 0);
	lw_run_for(env, LW_MS(1));
	ASSERT_EQ_INT(lw_info(env, "tap0").carrier, 0);
	ASSERT_EQ_INT(lw_info(env, "tap0").operstate, IF_OPER_DOWN);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* ---- carrier helpers (sch_generic.c) and device presence --------------------- */

static const struct net_device_ops lw_plain_ops = { .kind = NULL, .default_qdisc = "noqueue" };

/* netif_carrier_on/off fire only when the bit flips, and only once the
 * device is registered (before, the bit changes silently, uncounted);
 * netif_carrier_event counts one up and one down without a flip. */
static void carrier_events_fire_on_flips_of_registered_devices(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct net_device *x, *d0;
	int err;

	REQUIRE(env);
	x = alloc_netdev(env->net, "x0", &lw_plain_ops, 0);
	REQUIRE(x);
	netif_carrier_off(x);
	ASSERT_EQ_INT(netif_carrier_ok(x), 0);
	ASSERT_EQ_INT(x->carrier_down_count, 0);
	ASSERT_EQ_INT(kernel_linkwatch_queue_len(env->k), 0);
	free_netdev(x);
	err = lw_dummy_add(env, "d0");
	REQUIRE(err == 0);
	d0 = lw_dev(env, "d0");
	lw_full_run_now(env);
	netif_carrier_on(d0);			/* already on: nothing */
	ASSERT_EQ_INT(kernel_linkwatch_queue_len(env->k), 0);
	netif_carrier_off(d0);
	netif_carrier_off(d0);
	ASSERT_EQ_INT(d0->carrier_down_count, 1);
	ASSERT_EQ_INT(kernel_linkwatch_queue_len(env->k), 1);
	netif_carrier_event(d0);
	ASSERT_EQ_INT(d0->carrier_up_count, 1);
	ASSERT_EQ_INT(d0->carrier_down_count, 2);
	ASSERT_EQ_INT(kernel_linkwatch_queue_len(env->k), 1);	/* coalesced */
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* __dev_open sets __LINK_STATE_START before ndo_open, and the close path
 * clears it before ndo_stop: carrier changes a driver makes in ndo_open are
 * "running" for linkwatch's urgency test, those in ndo_stop are not. */
static bool seen_running_in_open, seen_running_in_stop;

static int probe_open(struct net_device *dev)
{
	seen_running_in_open = netif_running(dev);
	return 0;
}

static int probe_stop(struct net_device *dev)
{
	seen_running_in_stop = netif_running(dev);
	return 0;
}

static const struct net_device_ops lw_probe_ops = {
	.kind = NULL, .default_qdisc = "noqueue", .ndo_open = probe_open, .ndo_stop = probe_stop,
};

static void open_close_body(void *arg)
{
	struct lw_env *env = arg;
	struct net_device *dev = alloc_netdev(env->net, "p0", &lw_probe_ops, 0);

	rtnl_lock(env->k, RTNL_CLASS_DRIVER);
	if (dev && register_netdevice(dev) == 0) {
		dev_change_flags(dev, dev->flags | IFF_UP);
		dev_change_flags(dev, dev->flags & ~IFF_UP);
		unregister_netdevice(dev);
	} else if (dev) {
		free_netdev(dev);
	}
	rtnl_unlock(env->k);
}

static void start_is_set_before_ndo_open_and_cleared_before_ndo_stop(void)
{
	struct lw_env *env = lw_env_create("v6.18");

	REQUIRE(env);
	seen_running_in_open = false;
	seen_running_in_stop = true;
	sim_world_run_in_task(env->w, "open-close", open_close_body, env);
	ASSERT_EQ_INT(seen_running_in_open, 1);
	ASSERT_EQ_INT(seen_running_in_stop, 0);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* netif_device_detach is not modelled: clearing __LINK_STATE_PRESENT by hand
 * stands for it. v6.18 (Tarreau, v5.14) requeues the absent device at every
 * run; v5.8 processes it without qdisc change or notification. */
static void absent_device(const char *profile)
{
	struct lw_env *env = lw_env_create(profile);
	bool requeue = strcmp(profile, "v6.18") == 0;
	struct net_device *d0;
	int err, from;

	REQUIRE(env);
	err = lw_dummy_up(env, "d0");
	REQUIRE(err == 0);
	d0 = lw_dev(env, "d0");
	clear_bit(__LINK_STATE_PRESENT, &d0->state);
	from = env->nmsg;
	lw_carrier(env, "d0", false);
	lw_run_for(env, LW_MS(2500));
	ASSERT_EQ_INT(lw_mon_count(env, d0->ifindex, from), 0);
	ASSERT_EQ_INT(lw_info(env, "d0").linkwatch_pending, requeue);
	ASSERT_EQ_INT(d0->operstate, requeue ? IF_OPER_UNKNOWN : IF_OPER_DOWN);
	ASSERT_EQ_INT(qdisc_tx_changing(d0), 0);	/* no dev_deactivate */
	ASSERT_EQ_INT(env->nrun, requeue ? 3 : 1);	/* 0 s, ~1 s, ~2 s */
	ASSERT_EQ_INT(lw_runs_devs(env, 0), requeue ? 0 : 1);
	set_bit(__LINK_STATE_PRESENT, &d0->state);	/* netif_device_attach */
	lw_run_for(env, LW_MS(1100));
	ASSERT_EQ_INT(lw_mon_count(env, d0->ifindex, from), requeue);
	ASSERT_EQ_INT(d0->operstate, IF_OPER_DOWN);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

static void absent_device_is_requeued_v6_18(void)
{
	absent_device("v6.18");
}

static void absent_device_is_processed_silently_v5_8(void)
{
	absent_device("v5.8");
}

/* When the work armed for the current slot fires (level-1 rounding). */
static sim_time_t slot_time(const struct lw_env *env)
{
	return jiffies_to_ktime(env->k, ((env->k->lw.nextevent >> 3) + 1) << 3);
}

/* Policy linkwatch.urgent_on_up_oper_down (Wen Yang 2020, never merged):
 * admin up with operstate DOWN is urgent; off by default. The event is a
 * netif_carrier_event (no flip) while carrier stays off. */
static void up_oper_down_policy(bool on)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct net_device *d0;
	const struct lw_msg *m;
	sim_time_t t, slot;
	int err, from;

	REQUIRE(env);
	if (on)
		ASSERT_EQ_INT(lw_param(env, "linkwatch.urgent_on_up_oper_down", "1"), 0);
	err = lw_dummy_up(env, "d0");
	REQUIRE(err == 0);
	d0 = lw_dev(env, "d0");
	/* (with the policy, SETLINK up fired an event: the limiter is busy) */
	lw_carrier(env, "d0", false);
	lw_run_for(env, on ? LW_MS(1100) : LW_MS(50));
	REQUIRE(d0->operstate == IF_OPER_DOWN);
	slot = slot_time(env);
	t = lw_now(env);
	from = env->nmsg;
	netif_carrier_event(d0);
	ASSERT_EQ_INT(linkwatch_urgent_event(d0), on);
	lw_run_until(env, slot + LW_MS(1));
	m = lw_mon_next(env, d0->ifindex, from);
	REQUIRE(m);
	ASSERT_EQ_INT(m->t, (on ? t : slot) + COST_DEV);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

static void up_oper_down_is_not_urgent_by_default(void)
{
	up_oper_down_policy(false);
}

static void up_oper_down_is_urgent_with_policy(void)
{
	up_oper_down_policy(true);
}

/* ---- virtio_net -------------------------------------------------------------- */

struct boot {
	int idx;
	int up_msg, running_msg;	/* record indexes, -1 if none */
};

/* Probe at t = 0 (F_STATUS), SETLINK up at 665 ms as networkd did in Wen
 * Yang's log; find the flags message and the first one with RUNNING. */
static struct boot virtio_boot(struct lw_env *env)
{
	struct boot b = { -1, -1, -1 };
	int err, from;

	err = lw_virtio_probe(env, "eth0", true);
	if (err)
		return b;
	b.idx = lw_ifindex(env, "eth0");
	lw_run_until(env, LW_MS(665));
	from = env->nmsg;
	if (lw_set_up(env, "eth0", true))
		return b;
	lw_run_until(env, LW_MS(3000));
	b.up_msg = lw_mon_index(env, b.idx, from);
	for (int i = b.up_msg; i >= 0; i = lw_mon_index(env, b.idx, i + 1))
		if (env->msg[i].flags & IFF_RUNNING) {
			b.running_msg = i;
			break;
		}
	return b;
}

/* v5.8 probe: RTM_NEWLINK at registration; the carrier-off event is the
 * first after boot (full run at once, silent: the device is down), then the
 * config work raises carrier while down: not urgent, pending for the slot. */
static void virtio_v5_8_probe_runs_carrier_off_at_once(void)
{
	struct lw_env *env = lw_env_create("v5.8");
	const struct lw_msg *reg;
	struct net_device *dev;
	int err;

	REQUIRE(env);
	err = lw_virtio_probe(env, "eth0", true);
	REQUIRE(err == 0);
	dev = lw_dev(env, "eth0");
	reg = lw_mon_next(env, dev->ifindex, 0);	/* at registration */
	REQUIRE(reg);
	ASSERT_EQ_UINT(reg->change, 0xffffffffu);
	lw_run_for(env, LW_US(10));
	/* carrier off ran at once: a full run; PRESENT|NOCARRIER */
	REQUIRE(env->nrun == 1);
	ASSERT_EQ_INT(env->run[0].urgent_only, 0);
	ASSERT_EQ_UINT(dev->state, 6);
	ASSERT_EQ_INT(dev->operstate, IF_OPER_DOWN);
	lw_run_for(env, LW_MS(1));
	ASSERT_EQ_INT(netif_carrier_ok(dev), 1);	/* config work: pending */
	ASSERT_EQ_INT(lw_info(env, "eth0").linkwatch_pending, 1);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* networkd's SETLINK up at 665 ms: +UP +LOWER_UP without RUNNING (operstate
 * still DOWN); RUNNING only when the slot fires, ~0.335 s later. */
static void virtio_v5_8_running_waits_for_the_slot(void)
{
	struct lw_env *env = lw_env_create("v5.8");
	const struct lw_msg *up, *run;
	struct boot b;

	REQUIRE(env);
	b = virtio_boot(env);
	REQUIRE(b.up_msg >= 0 && b.running_msg > b.up_msg);
	up = &env->msg[b.up_msg];
	run = &env->msg[b.running_msg];
	ASSERT_EQ_UINT(up->flags & UP_RUN_LOW, IFF_UP | IFF_LOWER_UP);
	ASSERT_EQ_INT(up->operstate, IF_OPER_DOWN);
	/* probe's full run at 2.04 ms (jiffy J): slot J+250 -> J+256 */
	ASSERT_EQ_INT(run->t, LW_MS(1024) + COST_DEV);
	ASSERT_EQ_INT(run->operstate, IF_OPER_UP);
	CU_ASSERT(run->t - up->t > LW_MS(335) && run->t - up->t < LW_MS(370));
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

static void virtio_v5_8_up_oper_down_policy_runs_at_once(void)
{
	struct lw_env *env = lw_env_create("v5.8");
	struct boot b;

	REQUIRE(env);
	ASSERT_EQ_INT(lw_param(env, "linkwatch.urgent_on_up_oper_down", "1"), 0);
	b = virtio_boot(env);
	REQUIRE(b.up_msg >= 0 && b.running_msg > b.up_msg);
	ASSERT_EQ_UINT(env->msg[b.up_msg].flags & UP_RUN_LOW, IFF_UP | IFF_LOWER_UP);
	ASSERT_EQ_INT(env->msg[b.running_msg].t - env->msg[b.up_msg].t, COST_DEV);
	ASSERT_EQ_INT(env->run[env->nrun - 1].urgent_only, 1);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* v6.18 (be5dcaed694e): carrier rises at the first open, while running with
 * the qdisc not yet active: urgent, RUNNING within a millisecond. */
static void virtio_v6_18_running_within_a_millisecond(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	const struct lw_msg *up, *run;
	struct boot b;

	REQUIRE(env);
	b = virtio_boot(env);
	REQUIRE(b.up_msg >= 0 && b.running_msg > b.up_msg);
	up = &env->msg[b.up_msg];
	run = &env->msg[b.running_msg];
	ASSERT_EQ_UINT(up->flags & UP_RUN_LOW, IFF_UP);	/* no carrier yet */
	ASSERT_EQ_UINT(run->flags & UP_RUN_LOW, UP_RUN_LOW);
	ASSERT_EQ_INT(run->operstate, IF_OPER_UP);
	CU_ASSERT(run->t - up->t < LW_MS(1));
	ASSERT_EQ_INT(env->run[env->nrun - 1].urgent_only, 1);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

TEST_SUITE(drivers, NULL, NULL,
	   TEST_CASE(dummy_up_is_running_unknown_in_one_message),
	   TEST_CASE(veth_creation_settles_silently),
	   TEST_CASE(veth_up_before_creation_event_runs_without_carrier),
	   TEST_CASE(tap_created_with_carrier_keeps_unknown),
	   TEST_CASE(tap_carrier_toggles_follow_measured_sequence),
	   TEST_CASE(tap_carrier_via_setlink),
	   TEST_CASE(carrier_events_fire_on_flips_of_registered_devices),
	   TEST_CASE(start_is_set_before_ndo_open_and_cleared_before_ndo_stop),
	   TEST_CASE(absent_device_is_requeued_v6_18),
	   TEST_CASE(absent_device_is_processed_silently_v5_8),
	   TEST_CASE(virtio_v5_8_probe_runs_carrier_off_at_once),
	   TEST_CASE(virtio_v5_8_running_waits_for_the_slot),
	   TEST_CASE(up_oper_down_is_not_urgent_by_default),
	   TEST_CASE(up_oper_down_is_urgent_with_policy),
	   TEST_CASE(virtio_v5_8_up_oper_down_policy_runs_at_once),
	   TEST_CASE(virtio_v6_18_running_within_a_millisecond));
