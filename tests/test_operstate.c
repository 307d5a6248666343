/* tests/test_operstate.c - RFC 2863 operstate as userspace sees it.
 *
 * default_operstate per profile (v5.8: LOWERLAYERDOWN whenever stacked;
 * v6.18: only if the iflink device, looked up in the device's namespace,
 * exists and lacks carrier), rfc2863_policy's link_mode mapping, the flags
 * view (RUNNING from operstate, LOWER_UP from carrier, and their transient
 * disagreement), IFLA_OPERSTATE forced to DOWN when not running,
 * set_operstate through RTM_SETLINK IFLA_OPERSTATE, and RTM_GETLINK: a doit
 * syncs a pending device on v6.18 only, a dump never (kernel.md §1.9, §2).
 */
#include "tests/stub_lw.h"
#include "tests/testutil.h"

/* ---- default_operstate ---------------------------------------------------------- */

/* v5.8 rule: carrier off and ifindex != iflink -> LOWERLAYERDOWN, even when
 * the peer has carrier; v6.18: only when the peer lacks carrier. */
static void stacked_carrier_off(const char *profile, int want_peer_on)
{
	struct lw_env *env = lw_env_create(profile);
	struct net_device *v0, *v1;
	int err;

	REQUIRE(env);
	err = lw_veth_add(env, "v0", "v1", NULL);
	REQUIRE(err == 0);
	lw_run_for(env, LW_MS(10));
	v0 = lw_dev(env, "v0");
	v1 = lw_dev(env, "v1");
	ASSERT_EQ_INT(v0->operstate, IF_OPER_LOWERLAYERDOWN);	/* both rules */
	ASSERT_EQ_INT(v1->operstate, IF_OPER_LOWERLAYERDOWN);
	netif_carrier_on(v1);		/* the driver: peer up, v0 still off */
	ASSERT_EQ_INT(default_operstate(v0), want_peer_on);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

static void v5_8_lowerlayerdown_whenever_stacked(void)
{
	stacked_carrier_off("v5.8", IF_OPER_LOWERLAYERDOWN);
}

static void v6_18_lowerlayerdown_only_if_peer_lacks_carrier(void)
{
	stacked_carrier_off("v6.18", IF_OPER_DOWN);
}

/* A veth whose peer is in another namespace: v6.18 looks the iflink up in
 * the veth's own namespace, finds nothing, reports DOWN; v5.8 reports
 * LOWERLAYERDOWN. (A dummy in the other namespace first, so that the
 * peer's ifindex differs from the veth's.) */
static void peer_in_other_namespace(const char *profile, int want)
{
	struct lw_env *env = lw_env_create(profile);
	struct net_device *v0;
	struct net *ns2;
	int err;

	REQUIRE(env);
	err = kernel_netns_add(env->k, "ns2", &ns2);
	REQUIRE(err == 0);
	err = lw_dummy_add_in(env, "p0", ns2);
	err |= lw_veth_add(env, "v0", "v1", ns2);
	REQUIRE(err == 0);
	lw_run_for(env, LW_MS(10));
	v0 = lw_dev(env, "v0");
	REQUIRE(dev_get_iflink(v0) != v0->ifindex);
	ASSERT_EQ_INT(__dev_get_by_index(env->net, dev_get_iflink(v0)) == NULL, 1);
	ASSERT_EQ_INT(v0->operstate, want);
	err = lw_set_up(env, "v0", true);
	REQUIRE(err == 0);
	ASSERT_EQ_INT(lw_info(env, "v0").operstate, want);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

static void peer_in_other_netns_is_down_v6_18(void)
{
	peer_in_other_namespace("v6.18", IF_OPER_DOWN);
}

static void peer_in_other_netns_is_lowerlayerdown_v5_8(void)
{
	peer_in_other_namespace("v5.8", IF_OPER_LOWERLAYERDOWN);
}

/* TESTING beats carrier; DORMANT comes after carrier; an unregistering
 * device counts as not stacked on v6.18 (750e51603395). */
static void testing_then_carrier_then_dormant(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct net_device *v0;
	int err;

	REQUIRE(env);
	err = lw_veth_add(env, "v0", "v1", NULL);
	REQUIRE(err == 0);
	lw_run_for(env, LW_MS(10));
	v0 = lw_dev(env, "v0");
	set_bit(__LINK_STATE_TESTING, &v0->state);
	ASSERT_EQ_INT(default_operstate(v0), IF_OPER_TESTING);
	clear_bit(__LINK_STATE_TESTING, &v0->state);
	set_bit(__LINK_STATE_DORMANT, &v0->state);
	ASSERT_EQ_INT(default_operstate(v0), IF_OPER_LOWERLAYERDOWN);
	v0->reg_state = NETREG_UNREGISTERING;
	ASSERT_EQ_INT(default_operstate(v0), IF_OPER_DOWN);
	v0->reg_state = NETREG_REGISTERED;
	clear_bit(__LINK_STATE_NOCARRIER, &v0->state);
	ASSERT_EQ_INT(default_operstate(v0), IF_OPER_DORMANT);
	clear_bit(__LINK_STATE_DORMANT, &v0->state);
	ASSERT_EQ_INT(default_operstate(v0), IF_OPER_UP);
	set_bit(__LINK_STATE_NOCARRIER, &v0->state);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* ---- rfc2863_policy and the flags view --------------------------------------- */

/* link_mode DORMANT (1) / TESTING (2) turns a computed UP into DORMANT /
 * TESTING; RUNNING is then off (netif_oper_up is UP or UNKNOWN only). */
static void link_mode_maps_up(uint8_t mode, int want)
{
	struct lw_env *env = lw_env_create("v6.18");
	const struct lw_msg *m;
	int err, from;

	REQUIRE(env);
	err = lw_dummy_add(env, "d0");
	err |= lw_set_u8(env, "d0", IFLA_LINKMODE, mode);
	err |= lw_set_up(env, "d0", true);
	REQUIRE(err == 0);
	lw_carrier(env, "d0", false);
	lw_run_for(env, LW_MS(10));
	from = env->nmsg;
	lw_carrier(env, "d0", true);	/* urgent: processed now */
	lw_run_for(env, LW_MS(10));
	m = lw_mon_next(env, lw_ifindex(env, "d0"), from);
	REQUIRE(m);
	ASSERT_EQ_INT(m->operstate, want);
	ASSERT_EQ_UINT(m->flags & (IFF_RUNNING | IFF_LOWER_UP), IFF_LOWER_UP);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

static void link_mode_dormant_maps_up_to_dormant(void)
{
	link_mode_maps_up(IF_LINK_MODE_DORMANT, IF_OPER_DORMANT);
}

static void link_mode_testing_maps_up_to_testing(void)
{
	link_mode_maps_up(2 /* IF_LINK_MODE_TESTING */, IF_OPER_TESTING);
}

/* The dormant bit gives DORMANT and, while running, IFF_DORMANT. */
static void dormant_bit_gives_dormant_and_iff_dormant(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct link_info li;
	int err;

	REQUIRE(env);
	err = lw_dummy_up(env, "d0");
	REQUIRE(err == 0);
	netif_dormant_on(lw_dev(env, "d0"));
	lw_run_for(env, LW_MS(10));
	li = lw_info(env, "d0");
	ASSERT_EQ_INT(li.operstate, IF_OPER_DORMANT);
	ASSERT_EQ_UINT(li.flags & (IFF_RUNNING | IFF_LOWER_UP | IFF_DORMANT),
		       IFF_LOWER_UP | IFF_DORMANT);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* Between a carrier change and its processing, LOWER_UP (carrier bit) and
 * RUNNING (operstate) disagree: a dump shows RUNNING without LOWER_UP. */
static void running_follows_operstate_lower_up_follows_carrier(void)
{
	int r;
	struct lw_env *env = lw_env_create("v6.18");
	struct lw_msg m;
	int err;

	REQUIRE(env);
	err = lw_dummy_up(env, "d0");
	REQUIRE(err == 0);
	lw_carrier(env, "d0", false);
	lw_run_for(env, LW_MS(10));
	lw_carrier(env, "d0", true);
	lw_run_for(env, LW_MS(40));
	REQUIRE(lw_info(env, "d0").operstate == IF_OPER_UP);
	lw_carrier(env, "d0", false);	/* not urgent: waits for the slot */
	r = lw_dump_find(env, "d0", &m);
	REQUIRE(r >= 0);
	ASSERT_EQ_UINT(m.flags & (IFF_RUNNING | IFF_LOWER_UP), IFF_RUNNING);
	ASSERT_EQ_INT(m.operstate, IF_OPER_UP);
	ASSERT_EQ_INT(m.carrier, 0);
	lw_run_for(env, LW_MS(1100));
	r = lw_dump_find(env, "d0", &m);
	REQUIRE(r >= 0);
	ASSERT_EQ_UINT(m.flags & (IFF_RUNNING | IFF_LOWER_UP), 0);
	ASSERT_EQ_INT(m.operstate, IF_OPER_DOWN);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* IFLA_OPERSTATE is DOWN whenever the device is not running. */
static void operstate_reported_down_when_not_running(void)
{
	int r;
	struct lw_env *env = lw_env_create("v6.18");
	struct lw_msg m;
	int err;

	REQUIRE(env);
	err = lw_dummy_add(env, "d0");
	REQUIRE(err == 0);
	r = lw_dump_find(env, "d0", &m);
	REQUIRE(r >= 0);
	ASSERT_EQ_INT(m.operstate, IF_OPER_DOWN);
	ASSERT_EQ_UINT(m.flags & (IFF_RUNNING | IFF_LOWER_UP), 0);	/* only if running */
	ASSERT_EQ_INT(lw_info(env, "d0").raw_operstate, IF_OPER_UNKNOWN);
	ASSERT_EQ_INT(m.carrier, 1);	/* the raw bit, even when down */
	err = lw_set_up(env, "d0", true);
	REQUIRE(err == 0);
	r = lw_dump_find(env, "d0", &m);
	REQUIRE(r >= 0);
	ASSERT_EQ_INT(m.operstate, IF_OPER_UNKNOWN);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* ---- set_operstate (RTM_SETLINK IFLA_OPERSTATE) ------------------------------- */

/* Request @req on d0 in state @from_state (made by @prep); expect @want and
 * one notification iff it changed. */
static void set_operstate_case(int prep, uint8_t req, int want)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct net_device *d0;
	int err, from, before;

	REQUIRE(env);
	err = lw_dummy_up(env, "d0");
	REQUIRE(err == 0);
	d0 = lw_dev(env, "d0");
	switch (prep) {
	case IF_OPER_UNKNOWN:
		break;
	case IF_OPER_UP:
		netif_carrier_event(d0);
		break;
	case IF_OPER_DOWN:
		netif_carrier_off(d0);
		break;
	case IF_OPER_DORMANT:	/* link_mode dormant, as 802.1X daemons do */
		err = lw_set_u8(env, "d0", IFLA_LINKMODE, IF_LINK_MODE_DORMANT);
		REQUIRE(err == 0);
		netif_carrier_event(d0);
		break;
	case -IF_OPER_DORMANT:	/* the driver's dormant bit */
		netif_dormant_on(d0);
		break;
	}
	lw_run_for(env, LW_MS(10));
	before = d0->operstate;
	from = env->nmsg;
	err = lw_set_u8(env, "d0", IFLA_OPERSTATE, req);
	ASSERT_EQ_INT(err, 0);
	ASSERT_EQ_INT(d0->operstate, want);
	ASSERT_EQ_INT(lw_mon_count(env, d0->ifindex, from), want != before);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

static void set_operstate_accepted(void)
{
	set_operstate_case(IF_OPER_DORMANT, IF_OPER_UP, IF_OPER_UP);	/* 802.1X done */
	set_operstate_case(IF_OPER_UNKNOWN, IF_OPER_UP, IF_OPER_UP);
	set_operstate_case(IF_OPER_UP, IF_OPER_DORMANT, IF_OPER_DORMANT);
	set_operstate_case(IF_OPER_UNKNOWN, IF_OPER_DORMANT, IF_OPER_DORMANT);
	set_operstate_case(IF_OPER_UP, IF_OPER_TESTING, IF_OPER_TESTING);
	set_operstate_case(IF_OPER_UP, IF_OPER_UP, IF_OPER_UP);	/* no change, no msg */
}

static void set_operstate_ignored(void)
{
	set_operstate_case(IF_OPER_DOWN, IF_OPER_UP, IF_OPER_DOWN);
	set_operstate_case(-IF_OPER_DORMANT, IF_OPER_UP, IF_OPER_DORMANT); /* bit set */
	set_operstate_case(IF_OPER_DOWN, IF_OPER_DORMANT, IF_OPER_DOWN);
	set_operstate_case(IF_OPER_DOWN, IF_OPER_TESTING, IF_OPER_DOWN);
	set_operstate_case(IF_OPER_UP, IF_OPER_DOWN, IF_OPER_UP);
	set_operstate_case(IF_OPER_UP, IF_OPER_LOWERLAYERDOWN, IF_OPER_UP);
	set_operstate_case(IF_OPER_UP, IF_OPER_NOTPRESENT, IF_OPER_UP);
	set_operstate_case(IF_OPER_UNKNOWN, IF_OPER_UNKNOWN, IF_OPER_UNKNOWN);
}

/* A later driver event re-runs rfc2863_policy over what userspace set. */
static void set_operstate_overridden_by_next_event(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct net_device *d0;
	int err;

	REQUIRE(env);
	err = lw_dummy_up(env, "d0");
	err |= lw_set_u8(env, "d0", IFLA_OPERSTATE, IF_OPER_DORMANT);
	REQUIRE(err == 0);
	d0 = lw_dev(env, "d0");
	ASSERT_EQ_INT(d0->operstate, IF_OPER_DORMANT);
	netif_carrier_event(d0);
	lw_run_for(env, LW_MS(10));
	ASSERT_EQ_INT(d0->operstate, IF_OPER_UP);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* ---- registration and IFLA_LINKMODE ---------------------------------------- */

/* A plain driver that turns carrier off in probe, before register_netdevice
 * (as many physical NIC drivers do). */
static const struct net_device_ops plain_nic_ops = {
	.kind = NULL,
	.default_qdisc = "pfifo_fast",
};

static void register_without_carrier(void *arg)
{
	struct lw_env *env = arg;
	struct net_device *dev = alloc_netdev(env->net, "nic0", &plain_nic_ops, 0);

	netif_carrier_off(dev);	/* before registration: no event */
	rtnl_lock(env->k, RTNL_CLASS_DRIVER);
	if (register_netdevice(dev))
		free_netdev(dev);
	rtnl_unlock(env->k);
}

/* linkwatch_init_dev: a device registered without carrier gets its
 * operstate at once, with no event and no message; one registered with
 * carrier (a dummy) keeps UNKNOWN from the allocation. */
static void registration_without_carrier_settles_silently(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	int err;

	REQUIRE(env);
	sim_world_run_in_task(env->w, "nic-probe", register_without_carrier, env);
	err = lw_dummy_add(env, "d0");
	REQUIRE(err == 0);
	ASSERT_EQ_INT(lw_info(env, "nic0").raw_operstate, IF_OPER_DOWN);
	ASSERT_EQ_INT(lw_info(env, "nic0").linkwatch_pending, 0);
	ASSERT_EQ_INT(lw_info(env, "d0").raw_operstate, IF_OPER_UNKNOWN);
	lw_run_for(env, LW_MS(2000));
	ASSERT_EQ_INT(env->nrun, 0);
	ASSERT_EQ_INT(lw_mon_count(env, lw_ifindex(env, "nic0"), 0), 1);	/* registration */
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* At creation IFLA_LINKMODE is applied before registration, unannounced. */
static void linkmode_at_creation_is_not_notified(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	int err;

	REQUIRE(env);
	err = lw_link_add(env, "d0", "dummy", NULL, IFLA_LINKMODE, IF_LINK_MODE_DORMANT);
	REQUIRE(err == 0);
	ASSERT_EQ_INT(lw_info(env, "d0").link_mode, IF_LINK_MODE_DORMANT);
	ASSERT_EQ_INT(lw_mon_count(env, lw_ifindex(env, "d0"), 0), 1);
	ASSERT_EQ_UINT(lw_mon_next(env, lw_ifindex(env, "d0"), 0)->change, 0xffffffffu);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* Changing IFLA_LINKMODE notifies (DO_SETLINK_NOTIFY) but recomputes
 * nothing; the same value again is silent; and the next policy run keeps UP
 * because rfc2863_policy's early return compares the unmapped value. */
static void linkmode_change_notifies_without_recompute(void)
{
	struct lw_env *env = lw_env_create("v6.18");
	struct net_device *d0;
	int err, from;

	REQUIRE(env);
	err = lw_dummy_up(env, "d0");
	REQUIRE(err == 0);
	d0 = lw_dev(env, "d0");
	netif_carrier_event(d0);
	lw_run_for(env, LW_MS(10));
	REQUIRE(d0->operstate == IF_OPER_UP);
	from = env->nmsg;
	err = lw_set_u8(env, "d0", IFLA_LINKMODE, IF_LINK_MODE_DORMANT);
	err |= lw_set_u8(env, "d0", IFLA_LINKMODE, IF_LINK_MODE_DORMANT);
	REQUIRE(err == 0);
	ASSERT_EQ_INT(lw_mon_count(env, d0->ifindex, from), 1);
	ASSERT_EQ_INT(d0->operstate, IF_OPER_UP);
	netif_carrier_event(d0);
	lw_run_for(env, LW_MS(1100));
	ASSERT_EQ_INT(d0->operstate, IF_OPER_UP);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* ---- RTM_GETLINK and pending devices --------------------------------------- */

/* d0 up with operstate UP, then a carrier-off event left pending (slot busy). */
static struct lw_env *pending_carrier_off(const char *profile)
{
	struct lw_env *env = lw_env_create(profile);
	int err;

	if (!env)
		return NULL;
	err = lw_dummy_up(env, "d0");
	lw_carrier(env, "d0", false);
	lw_run_for(env, LW_MS(10));
	lw_carrier(env, "d0", true);
	lw_run_for(env, LW_MS(100));
	lw_carrier(env, "d0", false);
	if (err || !lw_info(env, "d0").linkwatch_pending) {
		lw_env_destroy(env);
		return NULL;
	}
	return env;
}

static void getlink_doit_syncs_pending_device_v6_18(void)
{
	struct lw_env *env = pending_carrier_off("v6.18");
	int idx, from, reply, bcast;
	struct lw_msg m;

	REQUIRE(env);
	idx = lw_ifindex(env, "d0");
	from = env->nmsg;
	reply = lw_getlink(env, "d0", &m);
	REQUIRE(reply >= 0);
	ASSERT_EQ_INT(m.operstate, IF_OPER_DOWN);
	ASSERT_EQ_UINT(m.flags & (IFF_RUNNING | IFF_LOWER_UP), 0);
	bcast = lw_mon_index(env, idx, from);
	REQUIRE(bcast >= 0);
	ASSERT_EQ_INT(bcast < reply, 1);		/* broadcast before the reply */
	ASSERT_EQ_INT(env->msg[bcast].operstate, IF_OPER_DOWN);
	ASSERT_EQ_INT(lw_info(env, "d0").linkwatch_pending, 0);
	from = env->nmsg;
	lw_run_for(env, LW_MS(1100));		/* the slot emits nothing for d0 */
	ASSERT_EQ_INT(lw_mon_count(env, idx, from), 0);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

static void getlink_doit_shows_stale_state_v5_8(void)
{
	int r;
	struct lw_env *env = pending_carrier_off("v5.8");
	int idx, from;
	struct lw_msg m;

	REQUIRE(env);
	idx = lw_ifindex(env, "d0");
	from = env->nmsg;
	r = lw_getlink(env, "d0", &m);
	REQUIRE(r >= 0);
	ASSERT_EQ_INT(m.operstate, IF_OPER_UP);
	ASSERT_EQ_UINT(m.flags & (IFF_RUNNING | IFF_LOWER_UP), IFF_RUNNING);
	ASSERT_EQ_INT(m.carrier, 0);
	ASSERT_EQ_INT(lw_mon_count(env, idx, from), 0);
	ASSERT_EQ_INT(lw_info(env, "d0").linkwatch_pending, 1);
	lw_run_for(env, LW_MS(1100));
	ASSERT_EQ_INT(lw_mon_count(env, idx, from), 1);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

static void getlink_dump_never_syncs(void)
{
	int r;
	struct lw_env *env = pending_carrier_off("v6.18");
	int idx, from;
	struct lw_msg m;

	REQUIRE(env);
	idx = lw_ifindex(env, "d0");
	from = env->nmsg;
	r = lw_dump_find(env, "d0", &m);
	REQUIRE(r >= 0);
	ASSERT_EQ_INT(m.operstate, IF_OPER_UP);
	ASSERT_EQ_UINT(m.flags & (IFF_RUNNING | IFF_LOWER_UP), IFF_RUNNING);
	ASSERT_EQ_INT(lw_mon_count(env, idx, from), 0);
	ASSERT_EQ_INT(lw_info(env, "d0").linkwatch_pending, 1);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

TEST_SUITE(operstate, NULL, NULL,
	   TEST_CASE(v5_8_lowerlayerdown_whenever_stacked),
	   TEST_CASE(v6_18_lowerlayerdown_only_if_peer_lacks_carrier),
	   TEST_CASE(peer_in_other_netns_is_down_v6_18),
	   TEST_CASE(peer_in_other_netns_is_lowerlayerdown_v5_8),
	   TEST_CASE(testing_then_carrier_then_dormant),
	   TEST_CASE(link_mode_dormant_maps_up_to_dormant),
	   TEST_CASE(link_mode_testing_maps_up_to_testing),
	   TEST_CASE(dormant_bit_gives_dormant_and_iff_dormant),
	   TEST_CASE(running_follows_operstate_lower_up_follows_carrier),
	   TEST_CASE(operstate_reported_down_when_not_running),
	   TEST_CASE(set_operstate_accepted),
	   TEST_CASE(set_operstate_ignored),
	   TEST_CASE(set_operstate_overridden_by_next_event),
	   TEST_CASE(registration_without_carrier_settles_silently),
	   TEST_CASE(linkmode_at_creation_is_not_notified),
	   TEST_CASE(linkmode_change_notifies_without_recompute),
	   TEST_CASE(getlink_doit_syncs_pending_device_v6_18),
	   TEST_CASE(getlink_doit_shows_stale_state_v5_8),
	   TEST_CASE(getlink_dump_never_syncs));
