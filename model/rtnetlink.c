/* model/rtnetlink.c - rtnetlink dispatch, the link message fill, notifications.
 *
 * Mirrors three parts of net/core/rtnetlink.c:
 *  - rtnetlink_rcv_msg(): the handler table (which requests exist, which
 *    take RTNL), GET kinds with NLM_F_DUMP started as dumps, everything else
 *    run as a doit inside one rtnl_lock()/rtnl_unlock() cycle;
 *  - rtnl_fill_ifinfo(): the one fill function shared by GETLINK replies,
 *    dump entries and RTM_NEWLINK/RTM_DELLINK notifications, so the three
 *    never disagree (attribute set of v5.8..v6.18 for the devices we model);
 *  - rtmsg_ifinfo*() and rtnetlink_event(): which netdevice events become
 *    an RTM_NEWLINK (kernel.md §4.2), and the drop for devices that are not
 *    registered.
 * The link handlers themselves are in rtnetlink_link.c.
 */
#include <stdlib.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>

#include "model/internal.h"
#include "model/rtnetlink.h"

#define MSG_SCRATCH 8192

/* ---- rtnl_fill_ifinfo ------------------------------------------------------------ */

/* Array sizes of the inet/inet6 per-device blocks as a 6.18 kernel sends them
 * (link.nlcap): IPV4_DEVCONF_MAX 33, DEVCONF_MAX 60, __IPSTATS_MIB_MAX 38,
 * __ICMP6_MIB_MAX 7. Fixed here rather than taken from the uapi headers of
 * the build host, so the message size does not depend on where we build. */
#define INET_CONF_LEN (4 * 33)
#define INET6_CONF_LEN (4 * 60)
#define INET6_STATS_LEN (8 * 38)
#define INET6_ICMP6STATS_LEN (8 * 7)

/* nla_nest_start_noflag: the legacy nests (IFLA_XDP, IFLA_LINKINFO,
 * IFLA_AF_SPEC and its per-family nests) carry no NLA_F_NESTED bit; libmnl's
 * nest start always sets it. */
static struct nlattr *nest_start_noflag(struct nlmsghdr *nlh, size_t cap, uint16_t type)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, cap, type);

	if (nest)
		nest->nla_type &= (uint16_t)~NLA_F_NESTED;
	return nest;
}

/* inet6_fill_ifla6_attrs: the inet6 block of a device (IF_READY in
 * @flags6). The devconf values are left zero; snmp6_fill_stats puts the
 * item count first. */
bool inet6_fill_protinfo(struct nlmsghdr *nlh, size_t cap, uint32_t flags6)
{
	static const unsigned char zeros[512];
	uint64_t stats6[INET6_STATS_LEN / 8] = { INET6_STATS_LEN / 8 };
	uint64_t icmp6[INET6_ICMP6STATS_LEN / 8] = { INET6_ICMP6STATS_LEN / 8 };
	struct ifla_cacheinfo ci = { .max_reasm_len = 65535, .reachable_time = 30000,
				     .retrans_time = 1000 };

	return mnl_attr_put_u32_check(nlh, cap, IFLA_INET6_FLAGS, flags6) &&
	       mnl_attr_put_check(nlh, cap, IFLA_INET6_CACHEINFO, sizeof(ci), &ci) &&
	       mnl_attr_put_check(nlh, cap, IFLA_INET6_CONF, INET6_CONF_LEN, zeros) &&
	       mnl_attr_put_check(nlh, cap, IFLA_INET6_STATS, INET6_STATS_LEN, stats6) &&
	       mnl_attr_put_check(nlh, cap, IFLA_INET6_ICMP6STATS, INET6_ICMP6STATS_LEN, icmp6) &&
	       mnl_attr_put_check(nlh, cap, IFLA_INET6_TOKEN, 16, zeros) &&
	       mnl_attr_put_u8_check(nlh, cap, IFLA_INET6_ADDR_GEN_MODE, 0);
}

/* rtnl_fill_link_af with inet_fill_link_af and inet6_fill_link_af: the
 * per-family blocks of a device that has its inet/inet6 data. The inet6
 * flags are idev->if_flags: IF_READY from addrconf's configuration to its
 * withdrawal, IF_RS_SENT once DAD ended and a router solicitation went out
 * (addrconf.c). With addrconf off, IF_READY is approximated as "running
 * with carrier". */
static bool put_af_spec(struct nlmsghdr *nlh, size_t cap, const struct net_device *dev)
{
	static const unsigned char zeros[INET_CONF_LEN];
	struct nlattr *af, *inet, *inet6;
	uint32_t flags6;

	if (dev_kernel(dev)->params.addrconf)
		flags6 = (dev->in6_ready ? 0x80000000u : 0) | (dev->in6_addr_done ? 0x10u : 0);
	else
		flags6 = netif_running(dev) && netif_carrier_ok(dev) ? 0x80000000u : 0;

	af = nest_start_noflag(nlh, cap, IFLA_AF_SPEC);
	if (!af)
		return false;
	inet = nest_start_noflag(nlh, cap, AF_INET);
	if (!inet || !mnl_attr_put_check(nlh, cap, IFLA_INET_CONF, INET_CONF_LEN, zeros))
		return false;
	mnl_attr_nest_end(nlh, inet);
	inet6 = nest_start_noflag(nlh, cap, AF_INET6);
	if (!inet6 || !inet6_fill_protinfo(nlh, cap, flags6))
		return false;
	mnl_attr_nest_end(nlh, inet6);
	mnl_attr_nest_end(nlh, af);
	return true;
}

/* Link attributes newer than the 6.1 uapi headers we build against, by
 * their 6.18 numbers (include/uapi/linux/if_link.h). */
#define IFLA_DEVLINK_PORT_ 62
#define IFLA_GSO_IPV4_MAX_SIZE_ 63
#define IFLA_GRO_IPV4_MAX_SIZE_ 64
#define IFLA_DPLL_PIN_ 65
#define IFLA_MAX_PDU_ 66
#define IFLA_NETNS_IMMUTABLE_ 67
#define IFLA_HEADROOM_ 68
#define IFLA_TAILROOM_ 69

/* rtnl_fill_ifinfo - one link message for @dev as seen from namespace @net,
 * at the end of @buf (capacity @cap). Returns the message length, or
 * -EMSGSIZE if it does not fit (nothing is left in @buf then).
 * Mirrors rtnl_fill_ifinfo() of v6.18: the attributes and their order are
 * those of a real 6.18 RTM_NEWLINK (tests/golden/ipmon/link.nlcap; a veth
 * end is 1492 bytes, lo 1468). v5.8 sent fewer attributes (no GRO/TSO
 * limits, ALLMULTI, NETNS_IMMUTABLE, HEADROOM/TAILROOM, DPLL); the model
 * sends the 6.18 set for every profile.
 *
 *   nlmsghdr | ifinfomsg {family, type, index, flags, change} | attributes:
 *   IFNAME TXQLEN OPERSTATE LINKMODE NETNS_IMMUTABLE MTU MIN_MTU MAX_MTU
 *   GROUP PROMISCUITY ALLMULTI NUM_TX_QUEUES GSO_MAX_SEGS GSO_MAX_SIZE
 *   GRO_MAX_SIZE GSO_IPV4_MAX_SIZE GRO_IPV4_MAX_SIZE TSO_MAX_SIZE
 *   TSO_MAX_SEGS MAX_PDU NUM_RX_QUEUES [MASTER] CARRIER CARRIER_CHANGES
 *   CARRIER_UP_COUNT CARRIER_DOWN_COUNT HEADROOM TAILROOM PROTO_DOWN [EVENT]
 *   ADDRESS BROADCAST STATS64 STATS XDP [LINKINFO] [NEW_NETNSID NEW_IFINDEX]
 *   [LINK_NETNSID] [LINK] QDISC AF_SPEC MAP DEVLINK_PORT DPLL_PIN
 */
int rtnl_fill_ifinfo(void *buf, size_t cap, const struct rtnl_fill_args *a)
{
	const struct net_device *dev = a->dev;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	struct rtnl_link_stats64 st64 = {
		.rx_packets = dev->stats.rx_packets, .tx_packets = dev->stats.tx_packets,
		.rx_bytes = dev->stats.rx_bytes, .tx_bytes = dev->stats.tx_bytes,
	};
	struct rtnl_link_stats st = {
		.rx_packets = (uint32_t)dev->stats.rx_packets,
		.tx_packets = (uint32_t)dev->stats.tx_packets,
		.rx_bytes = (uint32_t)dev->stats.rx_bytes,
		.tx_bytes = (uint32_t)dev->stats.tx_bytes,
	};
	struct rtnl_link_ifmap map = { 0 };
	int iflink = dev_get_iflink(dev);
	struct nlattr *nest;
	bool ok;

	if (cap < NLMSG_HDRLEN + sizeof(*ifm))
		return -EMSGSIZE;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (uint16_t)a->type;
	nlh->nlmsg_flags = (uint16_t)a->flags;
	nlh->nlmsg_seq = a->seq;
	nlh->nlmsg_pid = a->portid;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_type = dev->type;
	ifm->ifi_index = dev->ifindex;
	ifm->ifi_flags = dev_get_flags(dev);
	ifm->ifi_change = a->change;

	ok = mnl_attr_put_strz_check(nlh, cap, IFLA_IFNAME, dev->name) &&
	     mnl_attr_put_u32_check(nlh, cap, IFLA_TXQLEN, dev->tx_queue_len) &&
	     mnl_attr_put_u8_check(nlh, cap, IFLA_OPERSTATE,
				   netif_running(dev) ? dev->operstate : IF_OPER_DOWN) &&
	     mnl_attr_put_u8_check(nlh, cap, IFLA_LINKMODE, dev->link_mode) &&
	     mnl_attr_put_u8_check(nlh, cap, IFLA_NETNS_IMMUTABLE_, 0) &&
	     mnl_attr_put_u32_check(nlh, cap, IFLA_MTU, dev->mtu) &&
	     mnl_attr_put_u32_check(nlh, cap, IFLA_MIN_MTU, dev->min_mtu) &&
	     mnl_attr_put_u32_check(nlh, cap, IFLA_MAX_MTU, dev->max_mtu) &&
	     mnl_attr_put_u32_check(nlh, cap, IFLA_GROUP, (uint32_t)dev->group) &&
	     mnl_attr_put_u32_check(nlh, cap, IFLA_PROMISCUITY, dev->promiscuity) &&
	     mnl_attr_put_u32_check(nlh, cap, IFLA_ALLMULTI,
				    (dev->gflags & IFF_ALLMULTI) ? 1 : 0) &&
	     mnl_attr_put_u32_check(nlh, cap, IFLA_NUM_TX_QUEUES, 1) &&
	     mnl_attr_put_u32_check(nlh, cap, IFLA_GSO_MAX_SEGS, 65535) &&
	     mnl_attr_put_u32_check(nlh, cap, IFLA_GSO_MAX_SIZE, 65536) &&
	     mnl_attr_put_u32_check(nlh, cap, IFLA_GRO_MAX_SIZE, 65536) &&
	     mnl_attr_put_u32_check(nlh, cap, IFLA_GSO_IPV4_MAX_SIZE_, 65536) &&
	     mnl_attr_put_u32_check(nlh, cap, IFLA_GRO_IPV4_MAX_SIZE_, 65536) &&
	     mnl_attr_put_u32_check(nlh, cap, IFLA_TSO_MAX_SIZE, 524280) &&
	     mnl_attr_put_u32_check(nlh, cap, IFLA_TSO_MAX_SEGS, 65535) &&
	     mnl_attr_put_u32_check(nlh, cap, IFLA_MAX_PDU_, 0) &&
	     mnl_attr_put_u32_check(nlh, cap, IFLA_NUM_RX_QUEUES, 1);
	if (ok && dev->master)
		ok = mnl_attr_put_u32_check(nlh, cap, IFLA_MASTER, (uint32_t)dev->master->ifindex);
	ok = ok && mnl_attr_put_u8_check(nlh, cap, IFLA_CARRIER, netif_carrier_ok(dev)) &&
	     mnl_attr_put_u32_check(nlh, cap, IFLA_CARRIER_CHANGES,
				    dev->carrier_up_count + dev->carrier_down_count) &&
	     mnl_attr_put_u32_check(nlh, cap, IFLA_CARRIER_UP_COUNT, dev->carrier_up_count) &&
	     mnl_attr_put_u32_check(nlh, cap, IFLA_CARRIER_DOWN_COUNT,
				    dev->carrier_down_count) &&
	     mnl_attr_put_u16_check(nlh, cap, IFLA_HEADROOM_, 0) &&
	     mnl_attr_put_u16_check(nlh, cap, IFLA_TAILROOM_, 0) &&
	     mnl_attr_put_u8_check(nlh, cap, IFLA_PROTO_DOWN, dev->proto_down);
	if (ok && a->event)
		ok = mnl_attr_put_u32_check(nlh, cap, IFLA_EVENT, a->event);
	if (ok && dev->addr_len)
		ok = mnl_attr_put_check(nlh, cap, IFLA_ADDRESS, dev->addr_len, dev->addr) &&
		     mnl_attr_put_check(nlh, cap, IFLA_BROADCAST, dev->addr_len, dev->broadcast);
	ok = ok && mnl_attr_put_check(nlh, cap, IFLA_STATS64, sizeof(st64), &st64) &&
	     mnl_attr_put_check(nlh, cap, IFLA_STATS, sizeof(st), &st);
	if (ok) {
		nest = nest_start_noflag(nlh, cap, IFLA_XDP);
		ok = nest && mnl_attr_put_u8_check(nlh, cap, IFLA_XDP_ATTACHED, 0);
		if (ok)
			mnl_attr_nest_end(nlh, nest);
	}
	if (ok && dev->ops->kind) {
		nest = nest_start_noflag(nlh, cap, IFLA_LINKINFO);
		ok = nest && mnl_attr_put_strz_check(nlh, cap, IFLA_INFO_KIND, dev->ops->kind);
		if (ok)
			mnl_attr_nest_end(nlh, nest);
	}
	if (ok && a->new_nsid_set)
		ok = mnl_attr_put_u32_check(nlh, cap, IFLA_NEW_NETNSID, (uint32_t)a->new_nsid) &&
		     mnl_attr_put_u32_check(nlh, cap, IFLA_NEW_IFINDEX, (uint32_t)a->new_ifindex);
	if (ok && dev->ops->get_link_net) {
		/* rtnl_fill_link_netnsid: the link device's namespace if it
		 * is not the device's own, by its id in the receiver's */
		struct net *link_net = dev->ops->get_link_net(dev);

		if (link_net && link_net != dev->net)
			ok = mnl_attr_put_u32_check(nlh, cap, IFLA_LINK_NETNSID,
						    (uint32_t)peernet2id_alloc(a->net, link_net));
	}
	/* put_iflink: only for devices whose iflink is not themselves */
	if (ok && iflink != dev->ifindex)
		ok = mnl_attr_put_u32_check(nlh, cap, IFLA_LINK, (uint32_t)iflink);
	ok = ok && mnl_attr_put_strz_check(nlh, cap, IFLA_QDISC, dev->qdisc);
	/* rtnl_fill_link_af: inet and inet6 answer -ENODATA once
	 * NETDEV_UNREGISTER destroyed their per-device data, which leaves an
	 * empty IFLA_AF_SPEC in the unregistration/netns-move RTM_DELLINK */
	if (ok && a->no_af_data) {
		nest = nest_start_noflag(nlh, cap, IFLA_AF_SPEC);
		ok = nest != NULL;
		if (ok)
			mnl_attr_nest_end(nlh, nest);
	} else {
		ok = ok && put_af_spec(nlh, cap, dev);
	}
	ok = ok && mnl_attr_put_check(nlh, cap, IFLA_MAP, sizeof(map), &map);
	if (ok) {
		/* devlink port and DPLL pin: empty nests on 6.18 */
		nest = mnl_attr_nest_start_check(nlh, cap, IFLA_DEVLINK_PORT_);
		ok = nest != NULL;
		if (ok) {
			mnl_attr_nest_end(nlh, nest);
			nest = mnl_attr_nest_start_check(nlh, cap, IFLA_DPLL_PIN_);
			ok = nest != NULL;
			if (ok)
				mnl_attr_nest_end(nlh, nest);
		}
	}
	if (!ok)
		return -EMSGSIZE;
	return (int)nlh->nlmsg_len;
}

/* rtnl_fill_to_skb - fill a message for @a into a new skb of exact size.
 * The scratch buffer starts zeroed: libmnl 1.0.4 does not clear attribute
 * padding, and the kernel's messages have zero padding (nla_put). */
struct nl_skb *rtnl_fill_to_skb(const struct rtnl_fill_args *a)
{
	char *scratch = calloc(1, MSG_SCRATCH);
	struct nl_skb *skb = NULL;
	int len;

	if (!scratch)
		return NULL;
	len = rtnl_fill_ifinfo(scratch, MSG_SCRATCH, a);
	if (!WARN_ON(len < 0)) {
		skb = nl_skb_alloc((size_t)len);
		if (skb)
			memcpy(nl_skb_put(skb, (size_t)len), scratch, (size_t)len);
	}
	free(scratch);
	return skb;
}

/* ---- notifications -------------------------------------------------------------- */

static void rtmsg_ifinfo_send(int type, struct net_device *dev, unsigned int change,
			      int event, bool newnet, int new_nsid, int new_ifindex)
{
	struct rtnl_fill_args a = {
		.dev = dev, .net = dev->net, .type = type, .change = change,
		.event = (uint32_t)event, .new_nsid_set = newnet, .new_nsid = new_nsid,
		.new_ifindex = new_ifindex, .no_af_data = type == RTM_DELLINK,
	};
	struct nl_skb *skb = rtnl_fill_to_skb(&a);

	if (!skb) {
		netlink_sock_set_err_all(dev->net, RTNLGRP_LINK, ENOBUFS);
		return;
	}
	netlink_broadcast(dev->net, skb, 0, RTNLGRP_LINK);
}

/* rtmsg_ifinfo - notify RTNLGRP_LINK of @dev's new state; dropped silently
 * unless the device is registered (rtmsg_ifinfo_event). */
void rtmsg_ifinfo(int type, struct net_device *dev, unsigned int change)
{
	if (dev->reg_state != NETREG_REGISTERED)
		return;
	rtmsg_ifinfo_send(type, dev, change, 0, false, 0, 0);
}

/* rtmsg_ifinfo_newnet - the unregistration and netns-move DELLINK, built
 * while the device is already unlisted; carries the target's nsid and the
 * new ifindex when moving (@new_nsid >= 0). */
void rtmsg_ifinfo_newnet(int type, struct net_device *dev, unsigned int change,
			 int new_nsid, int new_ifindex)
{
	rtmsg_ifinfo_send(type, dev, change, 0, new_nsid >= 0, new_nsid, new_ifindex);
}

/* rtnetlink_event - the netdevice notifier: these events become one
 * RTM_NEWLINK with change 0 (and IFLA_EVENT where the kernel adds one);
 * NETDEV_CHANGE, UP, DOWN, REGISTER, UNREGISTER do not (their senders
 * already notified). Same list in v6.1 and v7.2. */
void rtnetlink_event(struct net_device *dev, unsigned long event)
{
	int ev = 0;

	switch (event) {
	case NETDEV_REBOOT:
		ev = IFLA_EVENT_REBOOT;
		break;
	case NETDEV_FEAT_CHANGE:
		ev = IFLA_EVENT_FEATURES;
		break;
	case NETDEV_CHANGEMTU:
	case NETDEV_CHANGEADDR:
	case NETDEV_CHANGENAME:
	case NETDEV_CHANGEUPPER:
	case NETDEV_CHANGE_TX_QUEUE_LEN:
		break;
	default:
		return;
	}
	if (dev->reg_state != NETREG_REGISTERED)
		return;
	rtmsg_ifinfo_send(RTM_NEWLINK, dev, 0, ev, false, 0, 0);
}

/* ---- dispatch ------------------------------------------------------------------- */

static const struct rtnl_link_handler *rtnl_get_link(int msgtype)
{
	static const struct rtnl_link_handler handlers[] = {
		[RTM_NEWLINK - RTM_BASE] = { rtnl_newlink, NULL, true },
		[RTM_DELLINK - RTM_BASE] = { rtnl_dellink, NULL, true },
		[RTM_GETLINK - RTM_BASE] = { rtnl_getlink, rtnl_dump_ifinfo, true },
		[RTM_SETLINK - RTM_BASE] = { rtnl_setlink, NULL, true },
	};
	int i = msgtype - RTM_BASE;

	if (i < 0 || i >= (int)(sizeof(handlers) / sizeof(handlers[0])) ||
	    (!handlers[i].doit && !handlers[i].dumpit))
		return rtnl_misc_handler(msgtype);	/* addresses, routes, tc... */
	return &handlers[i];
}

/* rtnetlink_rcv_msg - dispatch one request.
 * Context: the sender's task; may sleep (RTNL, handler costs). */
int rtnetlink_rcv_msg(struct netlink_sock *sk, const struct nlmsghdr *nlh,
		      const char **extack)
{
	struct kernel *k = netlink_sock_kernel(sk);
	const struct rtnl_link_handler *link;
	int type = nlh->nlmsg_type, kind, err;

	if (type > RTM_MAX)
		return -EOPNOTSUPP;
	kind = (type - RTM_BASE) & 3;
	/* All the messages must have at least 1 byte length */
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtgenmsg)))
		return 0;
	link = rtnl_get_link(type);
	if (!link)
		return -EOPNOTSUPP;
	if (kind == 2 && (nlh->nlmsg_flags & NLM_F_DUMP)) {
		if (!link->dumpit)
			return -EOPNOTSUPP;
		return netlink_dump_start(sk, nlh, link->dumpit, 0, link->dump_rtnl);
	}
	if (!link->doit)
		return -EOPNOTSUPP;
	rtnl_lock(k, RTNL_CLASS_RTNETLINK);
	err = link->doit(sk, nlh, extack);
	rtnl_unlock(k);
	return err;
}
