/* tests/test_addrconf.c - IPv6 link-local autoconfiguration (model/addrconf.c)
 * against what a real 6.18 kernel sent for a veth (docs/kernel-measurements.md):
 * at carrier two routes and an AF_INET6 RTM_NEWLINK, 1-2 s later RTM_NEWADDR
 * and the local route, the withdrawal order on delete, the injected delay on
 * the DAD work, and the v5.8 address format. */
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>

#include "tests/stub_lw.h"
#include "tests/stub_nl.h"
#include "tests/testutil.h"

/* The monitor also joins the three IPv6 groups; returns the env. */
static struct lw_env *env6(const char *profile)
{
	struct lw_env *env = lw_env_create(profile);
	static const int grp[] = { RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV6_IFINFO };

	if (env && lw_param(env, "addrconf", "1") != 0) {
		lw_env_destroy(env);
		return NULL;
	}
	if (env)
		for (unsigned int i = 0; i < 3; i++)
			setsockopt(env->mon, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp[i],
				   sizeof(grp[i]));
	return env;
}

/* Monitor messages of @type (and AF_INET6) from index @from on. */
static int count6(const struct lw_env *env, int from, uint16_t type)
{
	int n = 0;

	for (int i = from; i < env->nmsg; i++)
		if (env->msg[i].sock == LW_MON && env->msg[i].type == type &&
		    env->msg[i].family == AF_INET6)
			n++;
	return n;
}

/* Up both ends of a veth pair; returns the time carrier reached linkwatch. */
static sim_time_t veth_up(struct lw_env *env)
{
	REQUIRE(lw_veth_add(env, "v0", "v1", NULL) == 0);
	REQUIRE(lw_set_up(env, "v0", true) == 0);
	REQUIRE(lw_set_up(env, "v1", true) == 0);
	return lw_now(env);
}

/* At carrier: per end, ff00::/8 and fe80::/64 (116 bytes each), then the
 * AF_INET6 RTM_NEWLINK (748 bytes for a 2-letter name); no address yet. DAD
 * ends 1-2 s later: RTM_NEWADDR (80 bytes, /64) and the /128 local route. */
static void veth_up_announces_routes_then_the_address_after_dad(void)
{
	struct lw_env *env = env6("v6.18");
	sim_time_t t;
	int first = -1;

	REQUIRE(env);
	t = veth_up(env);
	lw_run_for(env, LW_MS(500));
	ASSERT_EQ_INT(count6(env, 0, RTM_NEWROUTE), 4);
	ASSERT_EQ_INT(count6(env, 0, RTM_NEWLINK), 2);
	ASSERT_EQ_INT(count6(env, 0, RTM_NEWADDR), 0);
	for (int i = 0; i < env->nmsg; i++) {
		const struct lw_msg *m = &env->msg[i];

		if (m->family != AF_INET6)
			continue;
		if (first < 0)
			first = i;
		if (m->type == RTM_NEWROUTE)
			ASSERT_EQ_INT(m->len, 116);
		if (m->type == RTM_NEWLINK)
			ASSERT_EQ_INT(m->len, 748);
	}
	REQUIRE(first >= 0);
	ASSERT_EQ_INT(env->msg[first].type, RTM_NEWROUTE);
	ASSERT_EQ_INT(env->msg[first].b1, 8);		/* ff00::/8 first */
	ASSERT_EQ_INT(env->msg[first + 1].b1, 64);	/* then fe80::/64 */
	ASSERT_EQ_INT(env->msg[first + 2].type, RTM_NEWLINK);
	lw_run_for(env, LW_MS(2000));
	ASSERT_EQ_INT(count6(env, 0, RTM_NEWADDR), 2);
	ASSERT_EQ_INT(count6(env, 0, RTM_NEWROUTE), 6);
	for (int i = 0; i < env->nmsg; i++) {
		const struct lw_msg *m = &env->msg[i];

		if (m->type != RTM_NEWADDR)
			continue;
		ASSERT_EQ_INT(m->len, 80);
		ASSERT_EQ_INT(m->b1, 64);
		CU_ASSERT(m->t >= t + LW_MS(1000));
		CU_ASSERT(m->t < t + LW_MS(2100));
	}
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* Deleting after DAD withdraws, per end: fe80::/64, the local /128, ff00::/8,
 * then the address. Deleting before DAD: the two routes only, and no
 * address ever comes. */
static void delete_withdraws_in_the_measured_order(void)
{
	struct lw_env *env = env6("v6.18");
	static const int want[4] = { 64, 128, 8, -1 };
	int from, k = 0;

	REQUIRE(env);
	veth_up(env);
	lw_run_for(env, LW_MS(2500));
	from = env->nmsg;
	ASSERT_EQ_INT(lw_del(env, "v0"), 0);
	for (int i = from; i < env->nmsg; i++) {
		const struct lw_msg *m = &env->msg[i];

		if (m->sock != LW_MON || m->family != AF_INET6 || k >= 8)
			continue;
		if (want[k % 4] < 0)
			ASSERT_EQ_INT(m->type, RTM_DELADDR);
		else {
			ASSERT_EQ_INT(m->type, RTM_DELROUTE);
			ASSERT_EQ_INT(m->b1, want[k % 4]);
		}
		k++;
	}
	ASSERT_EQ_INT(k, 8);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

static void delete_before_dad_withdraws_only_the_routes(void)
{
	struct lw_env *env = env6("v6.18");
	int from;

	REQUIRE(env);
	veth_up(env);
	lw_run_for(env, LW_MS(500));
	from = env->nmsg;
	ASSERT_EQ_INT(lw_del(env, "v0"), 0);
	lw_run_for(env, LW_MS(3000));
	ASSERT_EQ_INT(count6(env, from, RTM_DELROUTE), 4);
	ASSERT_EQ_INT(count6(env, from, RTM_DELADDR), 0);
	ASSERT_EQ_INT(count6(env, 0, RTM_NEWADDR), 0);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* addrconf_dad_work calls rtnl_lock() out of line, three times per address
 * (begin, probe, completion): with rtnl.delay each pays it, as class
 * addrconf. */
static void dad_pays_the_injected_delay(void)
{
	struct lw_env *env = env6("v6.18");
	const struct rtnl_class_stats *st;

	REQUIRE(env);
	ASSERT_EQ_INT(lw_param(env, "rtnl.delay", "5ms"), 0);
	veth_up(env);
	lw_run_for(env, LW_MS(2500));
	st = kernel_rtnl_stats(env->k, RTNL_CLASS_ADDRCONF);
	ASSERT_EQ_INT(st->acquisitions, 6);
	ASSERT_EQ_INT(st->delay_total, LW_MS(30));
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* v5.8 has no IFA_PROTO: 72-byte addresses. addrconf=0: nothing at all. */
static void v58_addresses_and_the_switch(void)
{
	struct lw_env *env = env6("v5.8");

	REQUIRE(env);
	veth_up(env);
	lw_run_for(env, LW_MS(2500));
	ASSERT_EQ_INT(count6(env, 0, RTM_NEWADDR), 2);
	for (int i = 0; i < env->nmsg; i++)
		if (env->msg[i].type == RTM_NEWADDR)
			ASSERT_EQ_INT(env->msg[i].len, 72);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);

	env = env6("v6.18");
	REQUIRE(env);
	ASSERT_EQ_INT(lw_param(env, "addrconf", "0"), 0);
	veth_up(env);
	lw_run_for(env, LW_MS(2500));
	ASSERT_EQ_INT(count6(env, 0, RTM_NEWROUTE) + count6(env, 0, RTM_NEWADDR) +
		      count6(env, 0, RTM_NEWLINK), 0);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* An IFF_NOARP device (dummy) skips the probe: its address is announced by
 * the first DAD step, right after configuration, not 1-2 s later. */
static void noarp_device_completes_dad_at_once(void)
{
	struct lw_env *env = env6("v6.18");
	sim_time_t t;

	REQUIRE(env);
	REQUIRE(lw_dummy_up(env, "d0") == 0);
	t = lw_now(env);
	lw_run_for(env, LW_MS(100));
	ASSERT_EQ_INT(count6(env, 0, RTM_NEWADDR), 1);
	for (int i = 0; i < env->nmsg; i++)
		if (env->msg[i].type == RTM_NEWADDR)
			CU_ASSERT(env->msg[i].t < t + LW_MS(100));
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* Switching addrconf off after a device was configured still withdraws it
 * at deletion (the pending DAD must not outlive the device; ASan checks the
 * rest), and a kernel destroyed with DAD pending is clean. */
static void switched_off_midway_still_withdraws(void)
{
	struct lw_env *env = env6("v6.18");
	int from;

	REQUIRE(env);
	veth_up(env);
	lw_run_for(env, LW_MS(100));
	ASSERT_EQ_INT(lw_param(env, "addrconf", "0"), 0);
	from = env->nmsg;
	ASSERT_EQ_INT(lw_del(env, "v0"), 0);
	lw_run_for(env, LW_MS(3000));
	ASSERT_EQ_INT(count6(env, from, RTM_DELROUTE), 4);
	ASSERT_EQ_INT(count6(env, 0, RTM_NEWADDR), 0);
	ASSERT_EQ_INT(lw_env_destroy(env), 0);

	env = env6("v6.18");
	REQUIRE(env);
	veth_up(env);
	lw_run_for(env, LW_MS(100));
	ASSERT_EQ_INT(lw_env_destroy(env), 0);
}

/* IFLA_INET6_FLAGS inside IFLA_AF_SPEC/AF_INET6 of a GETLINK reply for
 * @name, or 0xdeadbeef when absent. */
static uint32_t inet6_flags(int fd, const char *name)
{
	struct nlreq r;
	struct linkmsg m;
	const struct nlattr *af, *fam, *a;

	nlreq_link(&r, RTM_GETLINK, 0, 9, 0);
	nlreq_name(&r, name);
	if (nlreq_send(fd, &r) < 0 || !nl_recv_link(fd, &m) || !(af = m.tb[IFLA_AF_SPEC]))
		return 0xdeadbeef;
	mnl_attr_for_each_nested(fam, af)
		if (mnl_attr_get_type(fam) == AF_INET6)
			mnl_attr_for_each_nested(a, fam)
				if (mnl_attr_get_type(a) == IFLA_INET6_FLAGS)
					return mnl_attr_get_u32(a);
	return 0xdeadbeef;
}

/* A link's inet6 flags are addrconf's: nothing while down, IF_READY
 * (0x80000000) once configured, IF_RS_SENT (0x10) too after DAD, nothing
 * again after down. */
static void link_inet6_flags_follow_addrconf(void)
{
	struct sim_world *w = sim_world_create(1, "v6.18");
	struct net *net;
	int ip;

	REQUIRE(w);
	net = kernel_init_net(sim_world_kernel(w));
	ip = nl_open(w, net, false);
	REQUIRE(ip >= 0);
	ASSERT_EQ_INT(nl_veth_add(ip, "v0", "v1"), 0);
	ASSERT_EQ_UINT(inet6_flags(ip, "v0"), 0);
	ASSERT_EQ_INT(nl_link_up(ip, "v0", true), 0);
	ASSERT_EQ_INT(nl_link_up(ip, "v1", true), 0);
	sim_engine_run_idle(sim_world_engine(w), 100000000LL);
	ASSERT_EQ_UINT(inet6_flags(ip, "v0"), 0x80000000u);
	sim_engine_run_idle(sim_world_engine(w), 3000000000LL);
	ASSERT_EQ_UINT(inet6_flags(ip, "v0"), 0x80000010u);
	ASSERT_EQ_INT(nl_link_up(ip, "v0", false), 0);
	ASSERT_EQ_UINT(inet6_flags(ip, "v0"), 0);
	sim_engine_run_idle(sim_world_engine(w), 60000000000LL);
	ASSERT_EQ_INT(sim_world_destroy(w), 0);
}

TEST_SUITE(addrconf, NULL, NULL,
	   TEST_CASE(veth_up_announces_routes_then_the_address_after_dad),
	   TEST_CASE(delete_withdraws_in_the_measured_order),
	   TEST_CASE(delete_before_dad_withdraws_only_the_routes),
	   TEST_CASE(dad_pays_the_injected_delay),
	   TEST_CASE(v58_addresses_and_the_switch),
	   TEST_CASE(noarp_device_completes_dad_at_once),
	   TEST_CASE(switched_off_midway_still_withdraws),
	   TEST_CASE(link_inet6_flags_follow_addrconf));
