/* tests/test_rtnetlink.c - the link messages of model/rtnetlink.c and
 * model/rtnetlink_link.c, field by field.
 *
 * Expected values are the real kernel's: tests/golden/ipmon/link.nlcap is a
 * capture of a 6.18 kernel doing the same things (veth v0/v1 creation,
 * up, delete), and kernel.md §4.2 lists which event sends what.
 */
#include <libmnl/libmnl.h>
#include <linux/if_arp.h>
#include <linux/if.h>
#include <stdio.h>
#include <sys/socket.h>

#include "tests/stub_nl.h"
#include "tests/testutil.h"

/* A world with a listener and a requester in init_net. */
struct fixture {
	struct sim_world *w;
	struct kernel *k;
	struct net *net;
	int mon, ip;
};

static void fixture_init(struct fixture *f, const char *profile)
{
	f->w = sim_world_create(1, profile);
	REQUIRE(f->w != NULL);
	f->k = sim_world_kernel(f->w);
	f->net = kernel_init_net(f->k);
	f->mon = nl_open(f->w, f->net, true);
	f->ip = nl_open(f->w, f->net, false);
	REQUIRE(f->mon >= 0 && f->ip >= 0);
}

/* Let pending work finish first: a linkwatch run suspended in its cost
 * sleep at teardown would hold a device reference (see stub_nl.h). */
static void fixture_fini(struct fixture *f)
{
	sim_engine_run_idle(sim_world_engine(f->w), 60000000000LL);
	ASSERT_EQ_INT(sim_world_destroy(f->w), 0);
}

/* What the creation notification of a veth end carries before any up. */
static void check_created_veth(const struct linkmsg *m, const char *name, int ifindex,
			       int link)
{
	ASSERT_EQ_INT(m->hdr.nlmsg_type, RTM_NEWLINK);
	ASSERT_EQ_UINT(m->hdr.nlmsg_flags, 0);
	ASSERT_EQ_UINT(m->hdr.nlmsg_seq, 0);
	ASSERT_EQ_UINT(m->hdr.nlmsg_pid, 0);
	ASSERT_EQ_INT(m->ifm.ifi_family, AF_UNSPEC);
	ASSERT_EQ_INT(m->ifm.ifi_type, ARPHRD_ETHER);
	ASSERT_EQ_INT(m->ifm.ifi_index, ifindex);
	ASSERT_EQ_UINT(m->ifm.ifi_flags, IFF_BROADCAST | IFF_MULTICAST);
	ASSERT_EQ_UINT(m->ifm.ifi_change, 0xffffffff);
	ASSERT_EQ_STR(m->name, name);
	ASSERT_EQ_UINT(linkmsg_u32(m, IFLA_MTU), 1500);
	ASSERT_EQ_UINT(linkmsg_u32(m, IFLA_TXQLEN), 1000);
	ASSERT_EQ_UINT(linkmsg_u8(m, IFLA_OPERSTATE), IF_OPER_DOWN);
	ASSERT_EQ_UINT(linkmsg_u8(m, IFLA_LINKMODE), 0);
	ASSERT_EQ_UINT(linkmsg_u32(m, IFLA_GROUP), 0);
	ASSERT_EQ_UINT(linkmsg_u32(m, IFLA_LINK), (uint32_t)link);
	/* veth_newlink turns carrier off after registration: one down */
	ASSERT_EQ_UINT(linkmsg_u8(m, IFLA_CARRIER), 0);
	ASSERT_EQ_UINT(linkmsg_u32(m, IFLA_CARRIER_CHANGES), 1);
	ASSERT_EQ_UINT(linkmsg_u32(m, IFLA_CARRIER_UP_COUNT), 0);
	ASSERT_EQ_UINT(linkmsg_u32(m, IFLA_CARRIER_DOWN_COUNT), 1);
	ASSERT_EQ_STR(linkmsg_str(m, IFLA_QDISC), "noop");
	REQUIRE(m->tb[IFLA_ADDRESS] && m->tb[IFLA_BROADCAST]);
	ASSERT_EQ_UINT(mnl_attr_get_payload_len(m->tb[IFLA_ADDRESS]), 6);
	ASSERT_EQ_UINT(mnl_attr_get_payload_len(m->tb[IFLA_BROADCAST]), 6);
	CU_ASSERT(memcmp(mnl_attr_get_payload(m->tb[IFLA_BROADCAST]),
			 "\xff\xff\xff\xff\xff\xff", 6) == 0);
	CU_ASSERT(m->tb[IFLA_STATS64] != NULL);
	REQUIRE(m->tb[IFLA_LINKINFO] != NULL);
	{
		const struct nlattr *kind = mnl_attr_get_payload(m->tb[IFLA_LINKINFO]);

		ASSERT_EQ_INT(mnl_attr_get_type(kind), IFLA_INFO_KIND);
		ASSERT_EQ_STR(mnl_attr_get_str(kind), "veth");
	}
	/* a veth RTM_NEWLINK is 1492 bytes on 6.18 (link.nlcap) */
	CU_ASSERT(m->hdr.nlmsg_len >= 1400 && m->hdr.nlmsg_len <= 1600);
}

/* Peer first (lower ifindex), its IFLA_LINK still 0 because veth_newlink
 * ties the pair only after both are registered (ip monitor: "v1@NONE"). */
static void veth_creation_notifies_peer_then_device(void)
{
	struct fixture f;
	struct linkmsg m;

	fixture_init(&f, "v6.18");
	ASSERT_EQ_INT(nl_veth_add(f.ip, "v0", "v1"), 0);
	REQUIRE_LINK(f.mon, &m);
	check_created_veth(&m, "v1", 2, 0);
	REQUIRE_LINK(f.mon, &m);
	check_created_veth(&m, "v0", 3, 2);
	ASSERT_EQ_INT(nl_drain(f.mon, NULL), 0);
	fixture_fini(&f);
}

/* The attribute layout (type with flags, length, in order) of the two
 * creation messages is the real kernel's, recursively into the nests. */
static int layout(const void *msg, size_t len, uint32_t *out, int max)
{
	const struct nlmsghdr *nlh = msg;
	const char *p = (const char *)msg + NLMSG_LENGTH(sizeof(struct ifinfomsg));
	const char *end = (const char *)msg + (len < nlh->nlmsg_len ? len : nlh->nlmsg_len);
	int n = 0;

	/* top level only: nests are compared by type (with NLA_F_NESTED or
	 * not, as the kernel sets it) and length */
	while (p + 4 <= end && n < max) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < 4)
			break;
		out[n++] = (uint32_t)a->nla_type << 16 | a->nla_len;
		/* padding is zero, as nla_put leaves it */
		for (int i = a->nla_len; i < (int)NLA_ALIGN(a->nla_len); i++)
			ASSERT_EQ_UINT(((const unsigned char *)a)[i], 0);
		p += NLA_ALIGN(a->nla_len);
	}
	return n;
}

static void veth_creation_layout_matches_real_capture(void)
{
	unsigned char real[2][2048], buf[2048];
	uint32_t want[128], got[128];
	FILE *fp = fopen("tests/golden/ipmon/link.nlcap", "rb");
	struct fixture f;

	REQUIRE(fp != NULL);
	for (int i = 0; i < 2; i++) {
		uint32_t len = 0;
		size_t rd = fread(&len, 4, 1, fp);

		REQUIRE(rd == 1 && len <= sizeof(real[i]));
		rd = fread(real[i], 1, len, fp);
		REQUIRE(rd == len);
	}
	fclose(fp);
	fixture_init(&f, "v6.18");
	ASSERT_EQ_INT(nl_veth_add(f.ip, "v0", "v1"), 0);
	for (int i = 0; i < 2; i++) {
		ssize_t n = nl_recv(f.mon, buf, sizeof(buf));
		const struct nlmsghdr *r = (const void *)real[i];
		int nw, ng;

		REQUIRE(n > 0);
		ASSERT_EQ_UINT(n, r->nlmsg_len);
		/* nlmsghdr and ifinfomsg byte for byte */
		CU_ASSERT(memcmp(buf, real[i], NLMSG_LENGTH(sizeof(struct ifinfomsg))) == 0);
		nw = layout(real[i], sizeof(real[i]), want, 128);
		ng = layout(buf, (size_t)n, got, 128);
		ASSERT_EQ_INT(ng, nw);
		for (int j = 0; j < nw && j < ng; j++)
			ASSERT_EQ_UINT(got[j], want[j]);
	}
	fixture_fini(&f);
}

static void qdisc_is_noop_until_first_up_then_noqueue(void)
{
	struct fixture f;
	struct linkmsg m;

	fixture_init(&f, "v6.18");
	ASSERT_EQ_INT(nl_veth_add(f.ip, "v0", "v1"), 0);
	nl_drain(f.mon, NULL);
	ASSERT_EQ_INT(nl_link_up(f.ip, "v0", true), 0);
	REQUIRE_LINK(f.mon, &m);
	ASSERT_EQ_STR(linkmsg_str(&m, IFLA_QDISC), "noqueue");
	ASSERT_EQ_INT(nl_link_up(f.ip, "v0", false), 0);
	nl_drain(f.mon, NULL);
	ASSERT_EQ_INT(nl_link_up(f.ip, "v1", true), 0);
	REQUIRE_LINK(f.mon, &m);
	ASSERT_EQ_STR(m.name, "v1");
	ASSERT_EQ_STR(linkmsg_str(&m, IFLA_QDISC), "noqueue");
	fixture_fini(&f);
}

/* rtnl_getlink: a unicast RTM_NEWLINK, seq echoed, pid = requester's port,
 * no NLM_F_MULTI, ifi_change 0; no ACK unless asked. */
static void getlink_by(bool by_name)
{
	struct fixture f;
	struct nlreq r;
	struct linkmsg m;

	fixture_init(&f, "v6.18");
	ASSERT_EQ_INT(nl_veth_add(f.ip, "v0", "v1"), 0);
	nlreq_link(&r, RTM_GETLINK, 0, 77, by_name ? 0 : 3);
	if (by_name)
		nlreq_name(&r, "v0");
	ASSERT_EQ_INT(nlreq_send(f.ip, &r), r.nlh->nlmsg_len);
	REQUIRE_LINK(f.ip, &m);
	ASSERT_EQ_INT(m.hdr.nlmsg_type, RTM_NEWLINK);
	ASSERT_EQ_UINT(m.hdr.nlmsg_seq, 77);
	ASSERT_EQ_UINT(m.hdr.nlmsg_pid, nl_portid(f.ip));
	CU_ASSERT(m.hdr.nlmsg_pid != 0);
	ASSERT_EQ_UINT(m.hdr.nlmsg_flags, 0);
	ASSERT_EQ_UINT(m.ifm.ifi_change, 0);
	ASSERT_EQ_INT(m.ifm.ifi_index, 3);
	ASSERT_EQ_STR(m.name, "v0");
	ASSERT_EQ_UINT(linkmsg_u32(&m, IFLA_LINK), 2);
	ASSERT_EQ_INT(nl_drain(f.ip, NULL), 0);
	fixture_fini(&f);
}

static void getlink_by_index_replies_unicast(void)
{
	getlink_by(false);
}

static void getlink_by_name_replies_unicast(void)
{
	getlink_by(true);
}

/* The ACK: NLMSG_ERROR 0, NLM_F_CAPPED, the request's header echoed;
 * the notification: ifi_change = IFF_UP only (__dev_notify_flags). */
static void setlink_up_acks_capped_and_notifies_flags_change(void)
{
	struct fixture f;
	struct nlreq r;
	char buf[8192];
	struct nlmsghdr *nlh = (void *)buf;
	struct nlmsgerr *e;
	struct linkmsg m;
	ssize_t n;

	fixture_init(&f, "v6.18");
	ASSERT_EQ_INT(nl_veth_add(f.ip, "v0", "v1"), 0);
	nl_drain(f.mon, NULL);
	nlreq_link(&r, RTM_SETLINK, NLM_F_ACK, 42, 3);
	r.ifm->ifi_flags = IFF_UP;
	r.ifm->ifi_change = IFF_UP;
	nlreq_send(f.ip, &r);
	n = nl_recv(f.ip, buf, sizeof(buf));
	ASSERT_EQ_INT(n, NLMSG_LENGTH(sizeof(*e)));
	ASSERT_EQ_INT(nlh->nlmsg_type, NLMSG_ERROR);
	ASSERT_EQ_UINT(nlh->nlmsg_len, 36);
	ASSERT_EQ_UINT(nlh->nlmsg_flags, NLM_F_CAPPED);
	ASSERT_EQ_UINT(nlh->nlmsg_seq, 42);
	ASSERT_EQ_UINT(nlh->nlmsg_pid, nl_portid(f.ip));
	e = mnl_nlmsg_get_payload(nlh);
	ASSERT_EQ_INT(e->error, 0);
	CU_ASSERT(memcmp(&e->msg, r.nlh, sizeof(e->msg)) == 0);
	ASSERT_EQ_UINT(e->msg.nlmsg_len, r.nlh->nlmsg_len);

	REQUIRE_LINK(f.mon, &m);
	ASSERT_EQ_INT(m.ifm.ifi_index, 3);
	ASSERT_EQ_UINT(m.ifm.ifi_change, IFF_UP);
	ASSERT_EQ_UINT(m.ifm.ifi_flags, IFF_UP | IFF_BROADCAST | IFF_MULTICAST);
	ASSERT_EQ_UINT(linkmsg_u8(&m, IFLA_OPERSTATE), IF_OPER_LOWERLAYERDOWN);
	ASSERT_EQ_INT(nl_drain(f.mon, NULL), 0);

	/* the peer up: carrier for both; its flags message already shows
	 * LOWER_UP (carrier bit) but change still has only IFF_UP */
	ASSERT_EQ_INT(nl_link_up(f.ip, "v1", true), 0);
	REQUIRE_LINK(f.mon, &m);
	ASSERT_EQ_INT(m.ifm.ifi_index, 2);
	ASSERT_EQ_UINT(m.ifm.ifi_change, IFF_UP);
	ASSERT_EQ_UINT(m.ifm.ifi_flags, IFF_UP | IFF_BROADCAST | IFF_MULTICAST | IFF_LOWER_UP);
	fixture_fini(&f);
}

/* linkwatch's state change: RTM_NEWLINK with ifi_change 0, RUNNING now set,
 * operstate UP, for both ends (urgent: veth is stacked). */
static void linkwatch_state_change_notifies_change_zero(void)
{
	struct fixture f;
	struct linkmsg m;
	int seen = 0;

	fixture_init(&f, "v6.18");
	ASSERT_EQ_INT(nl_veth_add(f.ip, "v0", "v1"), 0);
	ASSERT_EQ_INT(nl_link_up(f.ip, "v0", true), 0);
	ASSERT_EQ_INT(nl_link_up(f.ip, "v1", true), 0);
	nl_drain(f.mon, NULL);
	sim_engine_run_idle(sim_world_engine(f.w), 5000000000LL);
	while (nl_recv_link(f.mon, &m)) {
		ASSERT_EQ_UINT(m.ifm.ifi_change, 0);
		ASSERT_EQ_UINT(m.ifm.ifi_flags, IFF_UP | IFF_BROADCAST | IFF_MULTICAST |
							IFF_LOWER_UP | IFF_RUNNING);
		ASSERT_EQ_UINT(linkmsg_u8(&m, IFLA_OPERSTATE), IF_OPER_UP);
		ASSERT_EQ_UINT(linkmsg_u8(&m, IFLA_CARRIER), 1);
		seen |= 1 << m.ifm.ifi_index;
	}
	ASSERT_EQ_INT(seen, (1 << 2) | (1 << 3));
	fixture_fini(&f);
}

/* Unregistration of an up pair (link.nlcap msgs 49-52): both closed first
 * (RTM_NEWLINK, change exactly IFF_UP|IFF_RUNNING), then both RTM_DELLINK
 * with change ~0. veth_dellink unties the pair first, so every message has
 * IFLA_LINK 0; dev_shutdown left qdisc "noop"; the DELLINK has an empty
 * IFLA_AF_SPEC (inet/inet6 data gone after NETDEV_UNREGISTER). */
static void dellink_closes_then_deletes_both_ends(void)
{
	static const int order[4][2] = {
		{ RTM_NEWLINK, 3 }, { RTM_NEWLINK, 2 }, { RTM_DELLINK, 3 }, { RTM_DELLINK, 2 },
	};
	struct fixture f;
	struct linkmsg m;

	fixture_init(&f, "v6.18");
	ASSERT_EQ_INT(nl_veth_add(f.ip, "v0", "v1"), 0);
	ASSERT_EQ_INT(nl_link_up(f.ip, "v0", true), 0);
	ASSERT_EQ_INT(nl_link_up(f.ip, "v1", true), 0);
	sim_engine_run_idle(sim_world_engine(f.w), 5000000000LL);
	nl_drain(f.mon, NULL);
	ASSERT_EQ_INT(nl_link_del(f.ip, "v0"), 0);
	for (int i = 0; i < 4; i++) {
		REQUIRE_LINK(f.mon, &m);
		ASSERT_EQ_INT(m.hdr.nlmsg_type, order[i][0]);
		ASSERT_EQ_INT(m.ifm.ifi_index, order[i][1]);
		ASSERT_EQ_UINT(m.ifm.ifi_flags, IFF_BROADCAST | IFF_MULTICAST);
		ASSERT_EQ_UINT(m.ifm.ifi_change,
			       order[i][0] == RTM_NEWLINK ? IFF_UP | IFF_RUNNING : 0xffffffff);
		ASSERT_EQ_UINT(linkmsg_u32(&m, IFLA_LINK), 0);
		if (order[i][0] == RTM_DELLINK) {
			ASSERT_EQ_STR(linkmsg_str(&m, IFLA_QDISC), "noop");
			REQUIRE(m.tb[IFLA_AF_SPEC] != NULL);
			ASSERT_EQ_UINT(mnl_attr_get_payload_len(m.tb[IFLA_AF_SPEC]), 0);
			ASSERT_EQ_UINT(m.hdr.nlmsg_len, 680);	/* measured */
		}
	}
	ASSERT_EQ_INT(nl_drain(f.mon, NULL), 0);
	{
		struct link_info li;

		ASSERT_EQ_INT(kernel_link_info(f.net, "v1", &li), -ENODEV);
	}
	fixture_fini(&f);
}

/* A device that is down: no close message, just the two DELLINKs. */
static void dellink_of_down_pair_sends_only_dellinks(void)
{
	struct fixture f;
	struct linkmsg m;

	fixture_init(&f, "v6.18");
	ASSERT_EQ_INT(nl_veth_add(f.ip, "v0", "v1"), 0);
	nl_drain(f.mon, NULL);
	ASSERT_EQ_INT(nl_link_del(f.ip, "v1"), 0);
	REQUIRE_LINK(f.mon, &m);
	ASSERT_EQ_INT(m.hdr.nlmsg_type, RTM_DELLINK);
	ASSERT_EQ_INT(m.ifm.ifi_index, 2);
	REQUIRE_LINK(f.mon, &m);
	ASSERT_EQ_INT(m.hdr.nlmsg_type, RTM_DELLINK);
	ASSERT_EQ_INT(m.ifm.ifi_index, 3);
	ASSERT_EQ_INT(nl_drain(f.mon, NULL), 0);
	fixture_fini(&f);
}

/* Netns move of a veth end (link.nlcap msg 42): RTM_DELLINK in the old
 * namespace with IFLA_NEW_NETNSID and IFLA_NEW_IFINDEX, IFLA_LINK still the
 * peer; RTM_NEWLINK (change ~0) in the new one, where the peer is in
 * another namespace (IFLA_LINK_NETNSID). */
static void netns_move_deletes_in_old_and_creates_in_new(void)
{
	struct fixture f;
	struct net *ns;
	struct linkmsg m;
	int mon2;

	fixture_init(&f, "v6.18");
	ASSERT_EQ_INT(kernel_netns_add(f.k, "other", &ns), 0);
	mon2 = nl_open(f.w, ns, true);
	ASSERT_EQ_INT(nl_veth_add(f.ip, "v0", "v1"), 0);
	nl_drain(f.mon, NULL);
	ASSERT_EQ_INT(nl_link_netns(f.ip, "v1", kernel_netns_pid(ns)), 0);

	REQUIRE_LINK(f.mon, &m);
	ASSERT_EQ_INT(m.hdr.nlmsg_type, RTM_DELLINK);
	ASSERT_EQ_INT(m.ifm.ifi_index, 2);
	ASSERT_EQ_UINT(m.ifm.ifi_change, 0xffffffff);
	ASSERT_EQ_STR(m.name, "v1");
	ASSERT_EQ_UINT(linkmsg_u32(&m, IFLA_LINK), 3);
	CU_ASSERT(m.tb[IFLA_NEW_NETNSID] != NULL);
	ASSERT_EQ_UINT(linkmsg_u32(&m, IFLA_NEW_NETNSID), 0);
	/* lo is 1 there, 2 is free: the ifindex is kept */
	ASSERT_EQ_UINT(linkmsg_u32(&m, IFLA_NEW_IFINDEX), 2);
	ASSERT_EQ_STR(linkmsg_str(&m, IFLA_QDISC), "noop");
	ASSERT_EQ_UINT(m.hdr.nlmsg_len, 696);	/* link.nlcap msg 42 */
	/* the moved end's peer stays: v0's own state is not re-announced */
	ASSERT_EQ_INT(nl_drain(f.mon, NULL), 0);

	REQUIRE_LINK(mon2, &m);
	ASSERT_EQ_INT(m.hdr.nlmsg_type, RTM_NEWLINK);
	ASSERT_EQ_INT(m.ifm.ifi_index, 2);
	ASSERT_EQ_UINT(m.ifm.ifi_change, 0xffffffff);
	ASSERT_EQ_STR(m.name, "v1");
	ASSERT_EQ_UINT(linkmsg_u32(&m, IFLA_LINK), 3);
	CU_ASSERT(m.tb[IFLA_LINK_NETNSID] != NULL);
	CU_ASSERT(m.tb[IFLA_NEW_NETNSID] == NULL);
	ASSERT_EQ_INT(nl_drain(mon2, NULL), 0);
	fixture_fini(&f);
}

/* RTM_SETLINK IFLA_MTU: one RTM_NEWLINK (NETDEV_CHANGEMTU), change 0. */
static void setlink_mtu_notifies_once_with_change_zero(void)
{
	struct fixture f;
	struct linkmsg m;

	fixture_init(&f, "v6.18");
	ASSERT_EQ_INT(nl_veth_add(f.ip, "v0", "v1"), 0);
	nl_drain(f.mon, NULL);
	ASSERT_EQ_INT(nl_link_mtu(f.ip, "v0", 1400), 0);
	REQUIRE_LINK(f.mon, &m);
	ASSERT_EQ_UINT(m.ifm.ifi_change, 0);
	ASSERT_EQ_UINT(linkmsg_u32(&m, IFLA_MTU), 1400);
	ASSERT_EQ_INT(nl_drain(f.mon, NULL), 0);
	/* the same MTU again changes nothing and sends nothing */
	ASSERT_EQ_INT(nl_link_mtu(f.ip, "v0", 1400), 0);
	ASSERT_EQ_INT(nl_drain(f.mon, NULL), 0);
	fixture_fini(&f);
}

TEST_SUITE(rtnetlink, NULL, NULL,
	   TEST_CASE(veth_creation_notifies_peer_then_device),
	   TEST_CASE(veth_creation_layout_matches_real_capture),
	   TEST_CASE(qdisc_is_noop_until_first_up_then_noqueue),
	   TEST_CASE(getlink_by_index_replies_unicast),
	   TEST_CASE(getlink_by_name_replies_unicast),
	   TEST_CASE(setlink_up_acks_capped_and_notifies_flags_change),
	   TEST_CASE(linkwatch_state_change_notifies_change_zero),
	   TEST_CASE(dellink_closes_then_deletes_both_ends),
	   TEST_CASE(dellink_of_down_pair_sends_only_dellinks),
	   TEST_CASE(netns_move_deletes_in_old_and_creates_in_new),
	   TEST_CASE(setlink_mtu_notifies_once_with_change_zero));
