/* model/addrconf.c - IPv6 autoconfiguration of a link-local address, as far
 * as rtnetlink listeners see it.
 *
 * Mirrors net/ipv6/addrconf.c (v5.8..v6.18) for an Ethernet-like device:
 *  - addrconf_notify: on NETDEV_UP or NETDEV_CHANGE, once addrconf_link_ready
 *    (operstate UP or UNKNOWN and the TX queues off noop: linkwatch has run),
 *    the device gets IF_READY and addrconf_dev_config runs: the multicast
 *    route ff00::/8 (table local) and the prefix route fe80::/64 (table main)
 *    are announced on RTNLGRP_IPV6_ROUTE, then inet6_ifinfo_notify sends an
 *    AF_INET6 RTM_NEWLINK on RTNLGRP_IPV6_IFINFO;
 *  - the EUI-64 link-local address starts tentative (no message); duplicate
 *    address detection runs addrconf_dad_work three times, each under its
 *    own rtnl_lock(): at once (DAD_BEGIN; an IFF_NOARP device completes
 *    here), after a random wait below rtr_solicit_delay (the one probe of
 *    dad_transmits = 1), and one retrans_time later, when it announces
 *    RTM_NEWADDR (RTNLGRP_IPV6_IFADDR) and the address's local route
 *    (RTNLGRP_IPV6_ROUTE);
 *  - addrconf_ifdown on NETDEV_DOWN or NETDEV_UNREGISTER withdraws them:
 *    RTM_DELROUTE fe80::/64, the local route, ff00::/8, then RTM_DELADDR
 *    (the local route and the address only once DAD announced them).
 * The order, flags and sizes of every message are those measured on a real
 * 6.18 kernel (docs/kernel-measurements.md): route 116 bytes, address 80
 * (72 before IFA_PROTO, v5.18), AF_INET6 link 748 for a veth.
 *
 * Differences: the kernel runs one DAD work per address on a workqueue and
 * draws its wait from the kernel PRNG; the model keeps one work per kernel
 * and a list of addresses sorted by their next step, runs every due step in
 * turn, each under its own rtnl_lock() (class addrconf, out of line in the
 * kernel, so delay-kfunc delays it), and derives the wait from the address
 * itself so that no other random draw (MAC addresses) moves. Left out:
 * router solicitations (no message without a router; IF_RS_SENT), MLD,
 * carrier loss after configuration (the kernel marks the routes linkdown and
 * keeps the address), MTU below 1280, NLM_F_EXCL on the first prefix route
 * of a namespace (the measured host had others), stable-privacy addresses,
 * lo.
 */
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>

#include "model/internal.h"

#define IF_READY 0x80000000u

static void addrconf_dad_work(struct delayed_work *dw);

void addrconf_init(struct kernel *k)
{
	CDS_INIT_LIST_HEAD(&k->addrconf.pending);
	delayed_work_init(k, &k->addrconf.work, "addrconf_dad", addrconf_dad_work);
}

/* After every device is gone: each took itself off the list at DOWN or
 * UNREGISTER, so nothing is left to touch. */
void addrconf_fini(struct kernel *k)
{
	WARN_ON(!cds_list_empty(&k->addrconf.pending));
	CDS_INIT_LIST_HEAD(&k->addrconf.pending);
	delayed_work_fini(&k->addrconf.work);
}

/* The EUI-64 link-local address of a 6-byte MAC (addrconf_ifid_eui48),
 * computed once at configuration: a later MAC change does not rename the
 * address the withdrawal speaks of. */
static void ll_addr(const struct net_device *dev, unsigned char a[16])
{
	memset(a, 0, 16);
	a[0] = 0xfe;
	a[1] = 0x80;
	a[8] = dev->addr[0] ^ 0x02;
	a[9] = dev->addr[1];
	a[10] = dev->addr[2];
	a[11] = 0xff;
	a[12] = 0xfe;
	a[13] = dev->addr[3];
	a[14] = dev->addr[4];
	a[15] = dev->addr[5];
}

static bool addrconf_eligible(const struct net_device *dev)
{
	return dev_kernel(dev)->params.addrconf && dev->type == ARPHRD_ETHER &&
	       dev->addr_len == 6 && !(dev->flags & IFF_LOOPBACK);
}

/* addrconf_link_ready: operstate UP/UNKNOWN and the qdisc activated. */
static bool addrconf_link_ready(const struct net_device *dev)
{
	return netif_oper_up(dev) && dev->qdisc_active;
}

static void notify(struct net_device *dev, const char *buf, size_t len, unsigned int group)
{
	struct nl_skb *skb = nl_skb_alloc(len);

	if (!skb) {
		netlink_sock_set_err_all(dev->net, group, ENOBUFS);
		return;
	}
	memcpy(nl_skb_put(skb, len), buf, len);
	netlink_broadcast(dev->net, skb, 0, group);
}

enum rt6 { RT6_MCAST, RT6_PREFIX, RT6_LOCAL };

/* inet6_rt_notify: one route of @dev, as rt6_fill_node builds it. */
static void rt6_notify(struct net_device *dev, int type, enum rt6 which)
{
	static const unsigned char ff00[16] = { 0xff }, fe80[16] = { 0xfe, 0x80 };
	static const unsigned char cacheinfo[32];
	char buf[256] __attribute__((aligned(4))) = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	uint32_t table = which == RT6_PREFIX ? RT_TABLE_MAIN : RT_TABLE_LOCAL;

	nlh->nlmsg_type = (uint16_t)type;
	if (type == RTM_NEWROUTE)
		nlh->nlmsg_flags = which == RT6_LOCAL ? NLM_F_CREATE | NLM_F_EXCL : NLM_F_CREATE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = which == RT6_MCAST ? 8 : which == RT6_PREFIX ? 64 : 128;
	rtm->rtm_table = (unsigned char)table;
	rtm->rtm_protocol = RTPROT_KERNEL;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = which == RT6_MCAST ? RTN_MULTICAST :
			which == RT6_PREFIX ? RTN_UNICAST : RTN_LOCAL;
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	mnl_attr_put(nlh, RTA_DST, 16,
		     which == RT6_MCAST ? ff00 : which == RT6_PREFIX ? fe80 : dev->in6_ll);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, which == RT6_LOCAL ? 0 : 256);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)dev->ifindex);
	mnl_attr_put(nlh, RTA_CACHEINFO, sizeof(cacheinfo), cacheinfo);
	mnl_attr_put_u8(nlh, RTA_PREF, 0);
	notify(dev, buf, nlh->nlmsg_len, RTNLGRP_IPV6_ROUTE);
}

/* inet6_ifa_notify: the permanent link-local address of @dev. */
static void ifa6_notify(struct net_device *dev, int type)
{
	char buf[128] __attribute__((aligned(4))) = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	/* created and updated when configured (ipv6_add_addr), in 1/100 s */
	uint32_t stamp = (uint32_t)(dev->in6_created / 10000000);
	struct ifa_cacheinfo ci = { .ifa_prefered = ~0u, .ifa_valid = ~0u,
				    .cstamp = stamp, .tstamp = stamp };
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = (uint16_t)type;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = 64;
	ifa->ifa_flags = IFA_F_PERMANENT;
	ifa->ifa_scope = RT_SCOPE_LINK;
	ifa->ifa_index = (uint32_t)dev->ifindex;
	mnl_attr_put(nlh, IFA_ADDRESS, 16, dev->in6_ll);
	mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_PERMANENT);
	if (dev_kernel(dev)->params.addrconf_ifa_proto)
		mnl_attr_put_u8(nlh, IFA_PROTO, IFAPROT_KERNEL_LL);
	notify(dev, buf, nlh->nlmsg_len, RTNLGRP_IPV6_IFADDR);
}

/* inet6_ifinfo_notify: an AF_INET6 RTM_NEWLINK (inet6_fill_ifinfo). */
static void ifinfo6_notify(struct net_device *dev)
{
	char buf[1024] __attribute__((aligned(4))) = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;
	struct nlattr *pi;
	int iflink = dev_get_iflink(dev);

	nlh->nlmsg_type = RTM_NEWLINK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_INET6;
	ifm->ifi_type = dev->type;
	ifm->ifi_index = dev->ifindex;
	ifm->ifi_flags = dev_get_flags(dev);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, dev->name);
	mnl_attr_put(nlh, IFLA_ADDRESS, dev->addr_len, dev->addr);
	mnl_attr_put_u32(nlh, IFLA_MTU, dev->mtu);
	if (iflink != dev->ifindex)
		mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)iflink);
	mnl_attr_put_u8(nlh, IFLA_OPERSTATE, netif_running(dev) ? dev->operstate : IF_OPER_DOWN);
	pi = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
	pi->nla_type &= (uint16_t)~NLA_F_NESTED;
	if (!inet6_fill_protinfo(nlh, sizeof(buf), IF_READY))
		return;
	mnl_attr_nest_end(nlh, pi);
	notify(dev, buf, nlh->nlmsg_len, RTNLGRP_IPV6_IFINFO);
}

/* The random wait before the probe: a fraction of rtr_solicit_delay taken
 * from the address (the kernel draws it at random). */
static ktime_t dad_rand_wait(const struct net_device *dev)
{
	const struct kernel_params *p = &dev_kernel(dev)->params;
	uint32_t h = 2166136261u;

	for (int i = 0; i < 6; i++)
		h = (h ^ dev->addr[i]) * 16777619u;
	h = (h ^ (uint32_t)dev->ifindex) * 16777619u;
	return p->addrconf_rtr_solicit_delay * (ktime_t)(h % 1000) / 1000;
}

/* Arm the work for the first pending step. */
static void dad_arm(struct kernel *k)
{
	ktime_t now = k_now(k), tick = jiffies_to_ktime(k, 1) - jiffies_to_ktime(k, 0);
	ktime_t when;

	if (cds_list_empty(&k->addrconf.pending))
		return;
	when = cds_list_first_entry(&k->addrconf.pending, struct net_device,
				    in6_dad_list)->in6_dad_deadline;
	mod_delayed_work(&k->addrconf.work,
			 when <= now ? 0 : (unsigned long)((when - now + tick - 1) / tick));
}

/* Queue @dev's next DAD step at @when, keeping the list sorted by time (ties
 * in queueing order); new steps are usually the latest, so the walk starts
 * at the tail. The work is re-armed when the step became the first. */
static void dad_queue(struct net_device *dev, ktime_t when)
{
	struct kernel *k = dev_kernel(dev);
	struct cds_list_head *pos = k->addrconf.pending.prev;

	cds_list_del_init(&dev->in6_dad_list);
	dev->in6_dad_deadline = when;
	while (pos != &k->addrconf.pending &&
	       cds_list_entry(pos, struct net_device, in6_dad_list)->in6_dad_deadline > when)
		pos = pos->prev;
	cds_list_add(&dev->in6_dad_list, pos);
	if (pos == &k->addrconf.pending)
		dad_arm(k);
}

static void addrconf_dev_config(struct net_device *dev)
{
	struct kernel *k = dev_kernel(dev);

	dev->in6_ready = true;
	dev->in6_created = k_now(k);
	ll_addr(dev, dev->in6_ll);
	rt6_notify(dev, RTM_NEWROUTE, RT6_MCAST);
	rt6_notify(dev, RTM_NEWROUTE, RT6_PREFIX);
	ifinfo6_notify(dev);
	dev->in6_dad_stage = 0;
	dad_queue(dev, k_now(k));	/* addrconf_dad_start: DAD_BEGIN at once */
}

static void addrconf_ifdown(struct net_device *dev)
{
	rt6_notify(dev, RTM_DELROUTE, RT6_PREFIX);
	if (dev->in6_addr_done)
		rt6_notify(dev, RTM_DELROUTE, RT6_LOCAL);
	rt6_notify(dev, RTM_DELROUTE, RT6_MCAST);
	if (dev->in6_addr_done)
		ifa6_notify(dev, RTM_DELADDR);
	dev->in6_ready = dev->in6_addr_done = false;
	cds_list_del_init(&dev->in6_dad_list);
}

/* addrconf_notify - the netdevice notifier. Caller holds RTNL. A configured
 * device is withdrawn at DOWN/UNREGISTER even if addrconf was switched off
 * meanwhile: it must leave the pending list before it is freed. */
void addrconf_notify(struct net_device *dev, unsigned long event)
{
	switch (event) {
	case NETDEV_UP:
	case NETDEV_CHANGE:
		if (addrconf_eligible(dev) && !dev->in6_ready && addrconf_link_ready(dev))
			addrconf_dev_config(dev);
		break;
	case NETDEV_DOWN:
	case NETDEV_UNREGISTER:
		if (dev->in6_ready)
			addrconf_ifdown(dev);
		break;
	}
}

static struct net_device *first_due(struct kernel *k)
{
	struct net_device *dev;

	if (cds_list_empty(&k->addrconf.pending))
		return NULL;
	dev = cds_list_first_entry(&k->addrconf.pending, struct net_device, in6_dad_list);
	return dev->in6_dad_deadline <= k_now(k) ? dev : NULL;
}

/* addrconf_dad_work: every due step under its own RTNL. The device is
 * looked up again once RTNL is held: it may have gone down during the wait
 * for the lock. Stage 0 is DAD_BEGIN (an IFF_NOARP device needs no probe),
 * stage 1 sends the probe, stage 2 is addrconf_dad_completed. */
static void addrconf_dad_work(struct delayed_work *dw)
{
	struct kernel *k = dw->k;
	struct net_device *dev;

	while (first_due(k)) {
		rtnl_lock(k, RTNL_CLASS_ADDRCONF);
		dev = first_due(k);
		if (dev) {
			k_sleep(k, k->params.cost_addrconf_dad);
			if (dev->in6_dad_stage == 0 && !(dev->flags & IFF_NOARP)) {
				dev->in6_dad_stage = 1;
				dad_queue(dev, k_now(k) + dad_rand_wait(dev));
			} else if (dev->in6_dad_stage == 1) {
				dev->in6_dad_stage = 2;
				dad_queue(dev, k_now(k) + k->params.addrconf_retrans_time);
			} else {
				cds_list_del_init(&dev->in6_dad_list);
				dev->in6_addr_done = true;
				ifa6_notify(dev, RTM_NEWADDR);
				rt6_notify(dev, RTM_NEWROUTE, RT6_LOCAL);
			}
		}
		rtnl_unlock(k);
	}
	dad_arm(k);
}
