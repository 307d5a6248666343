/* model/rtnetlink_misc.c - rtnetlink message types other than links.
 *
 * The kernel registers handlers for addresses, routes, rules, neighbours,
 * qdiscs and more (rtnl_register in many files). Clients such as Open
 * vSwitch send some of them (clients.md §2.4, §2.5); each one the model
 * answers is listed here with the kernel function it stands for. Unknown
 * types get -EOPNOTSUPP from the dispatcher, as in the kernel.
 *
 *   RTM_GETQDISC doit   tc_get_qdisc (net/sched/sch_api.c): the root qdisc
 *                       (handle 0, parent TC_H_ROOT) as RTM_NEWQDISC with
 *                       TCA_KIND, or -ENOENT/-EINVAL as below;
 *   RTM_DELQDISC doit   tc_get_qdisc's delete branch: the model has no
 *                       ingress or classful qdisc, so deleting the ingress
 *                       qdisc is -ENOENT (no ingress queue) and any other
 *                       delete is -ENOENT (handle 0) or -EINVAL (no parent);
 *   RTM_GETROUTE dump   inet_dump_fib / inet6_dump_fib / rtnl_dump_all: the
 *                       model has no routes, so the dump is NLMSG_DONE alone;
 *   RTM_GETRULE dump    fib_nl_dumprule: the default rules of a namespace
 *                       (IPv4 local/main/default at 0/32766/32767, IPv6
 *                       local/main at 0/32766) as RTM_NEWRULE;
 *   RTM_GETADDR dump    inet_dump_ifaddr / inet6_dump_addr / rtnl_dump_all:
 *                       no addresses are modelled, so NLMSG_DONE alone.
 *
 * Doits run inside the dispatcher's rtnl_lock() (class rtnetlink). Dumps
 * take RTNL themselves per part (class dump), the way v6.9+ rtnl_dumpit
 * does, which for v5.8 (RTNL as the socket's cb_mutex) gives the same
 * timing:
 *   - route and rule dumps: RTNL in v5.8, none in v6.18
 *     (rtnetlink.route_dump_rcu). kernel.md §3.2 does not list them; RCU
 *     dumpers for IPv4/IPv6 routes and for rules arrived with the 2024
 *     "reduce RTNL pressure" work (v6.9+), which we assume here;
 *     a family of AF_UNSPEC goes through rtnl_dump_all and keeps RTNL;
 *   - address dumps: AF_INET/AF_INET6 as rtnetlink.addr_dump_rcu (RTNL in
 *     v5.8, RCU since v6.9), AF_UNSPEC keeps RTNL in both (kernel.md §3.2).
 * Costs: cost.getqdisc, cost.delqdisc (under RTNL), cost.dump_route,
 * cost.dump_rule, cost.dump_addr per part (under RTNL when taken).
 */
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "model/rtnetlink.h"

/* ---- qdiscs ------------------------------------------------------------------- */

static const struct tcmsg *tcm_of(const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct tcmsg)))
		return NULL;
	return NLMSG_DATA(nlh);
}

/* tc_fill_qdisc - RTM_NEWQDISC for the root qdisc of @dev. */
static struct nl_skb *tc_fill_root(const struct net_device *dev, uint32_t portid,
				   uint32_t seq)
{
	char buf[256] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct tcmsg *tcm;
	struct nl_skb *skb;

	nlh->nlmsg_type = RTM_NEWQDISC;
	nlh->nlmsg_pid = portid;
	nlh->nlmsg_seq = seq;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = dev->ifindex;
	tcm->tcm_handle = 0;
	tcm->tcm_parent = TC_H_ROOT;
	tcm->tcm_info = 2;	/* refcount of the built-in qdiscs */
	mnl_attr_put_strz(nlh, TCA_KIND, dev->qdisc ? dev->qdisc : "noop");
	skb = nl_skb_alloc(nlh->nlmsg_len);
	if (skb)
		memcpy(nl_skb_put(skb, nlh->nlmsg_len), buf, nlh->nlmsg_len);
	return skb;
}

/* tc_get_qdisc - RTM_GETQDISC and RTM_DELQDISC (v5.8..v6.18).
 * Context: task, RTNL held by the dispatcher. */
static int tc_get_qdisc(struct netlink_sock *sk, const struct nlmsghdr *nlh,
			const char **extack)
{
	struct net *net = netlink_sock_net(sk);
	struct kernel *k = net->k;
	const struct tcmsg *tcm = tcm_of(nlh);
	bool del = nlh->nlmsg_type == RTM_DELQDISC;
	struct net_device *dev;
	struct nl_skb *skb;
	uint32_t clid;
	bool root;

	k_sleep(k, del ? k->params.cost_delqdisc : k->params.cost_getqdisc);
	if (!tcm)
		return -EINVAL;
	dev = __dev_get_by_index(net, tcm->tcm_ifindex);
	if (!dev)
		return -ENODEV;
	clid = tcm->tcm_parent;
	if (clid == TC_H_ROOT) {
		root = true;		/* q = dev->qdisc */
	} else if (clid) {
		/* ingress: dev_ingress_queue() is NULL until an ingress
		 * qdisc was ever added; any other parent needs a classful
		 * qdisc the model never has */
		*extack = "Cannot find specified qdisc on specified device";
		return -ENOENT;
	} else {
		/* qdisc_lookup(dev, handle): only the root, handle 0 */
		root = tcm->tcm_handle == 0;
		if (!root) {
			*extack = "Failed to find qdisc with specified handle";
			return -ENOENT;
		}
	}
	if (root && tcm->tcm_handle) {
		*extack = "Invalid handle";
		return -EINVAL;
	}
	if (del) {
		if (!clid) {
			*extack = "Classid cannot be zero";
			return -EINVAL;
		}
		*extack = "Cannot delete qdisc with handle of zero";
		return -ENOENT;
	}
	skb = tc_fill_root(dev, netlink_sock_portid(sk), nlh->nlmsg_seq);
	if (!skb)
		return -ENOBUFS;
	return netlink_unicast(sk, skb) < 0 ? -ENOBUFS : 0;
}

/* ---- dumps -------------------------------------------------------------------- */

static uint8_t req_family(const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_len < NLMSG_LENGTH(1))
		return AF_UNSPEC;
	return *(const uint8_t *)NLMSG_DATA(nlh);
}

/* One dump part under RTNL (class dump) when @locked, charging @cost; the
 * part is filled by @fill (NULL: nothing to dump). Returns the dumpit
 * result: the bytes put, or 0 when finished. */
static int dump_part(struct nl_skb *skb, struct netlink_callback *cb, bool locked,
		     int64_t cost, int (*fill)(struct nl_skb *skb, struct netlink_callback *cb))
{
	struct kernel *k = netlink_sock_net(cb->sk)->k;
	int ret = 0;

	if (cb->args[5])
		return 0;	/* everything went out in the earlier part */
	if (locked)
		rtnl_lock(k, RTNL_CLASS_DUMP);
	k_sleep(k, cost);
	if (fill)
		ret = fill(skb, cb);
	if (locked)
		rtnl_unlock(k);
	cb->args[5] = 1;
	return ret;
}

/* fib_nl_fill_rule for one default rule: table @table at priority @pref. */
static int put_rule(struct nl_skb *skb, struct netlink_callback *cb, uint8_t family,
		    uint32_t pref, uint32_t table)
{
	struct nlmsghdr *nlh;
	struct fib_rule_hdr *frh;
	size_t room = nl_skb_tailroom(skb);
	char *at = (char *)skb->data + skb->len;

	if (room < 128)
		return -EMSGSIZE;
	nlh = mnl_nlmsg_put_header(at);
	nlh->nlmsg_type = RTM_NEWRULE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_pid = netlink_sock_portid(cb->sk);
	nlh->nlmsg_seq = cb->req->nlmsg_seq;
	frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = family;
	frh->table = (uint8_t)table;
	frh->action = FR_ACT_TO_TBL;
	mnl_attr_put_u32(nlh, FRA_TABLE, table);
	mnl_attr_put_u32(nlh, FRA_SUPPRESS_PREFIXLEN, 0xffffffffU);
	mnl_attr_put_u8(nlh, FRA_PROTOCOL, RTPROT_KERNEL);
	if (pref)	/* the kernel leaves FRA_PRIORITY out for 0 */
		mnl_attr_put_u32(nlh, FRA_PRIORITY, pref);
	skb->len += NLMSG_ALIGN(nlh->nlmsg_len);
	return 0;
}

/* fib_nl_dumprule: per family in registration order (IPv4, then IPv6). */
static int fill_rules(struct nl_skb *skb, struct netlink_callback *cb)
{
	static const struct {
		uint8_t family;
		uint32_t pref, table;
	} rules[] = {
		{ AF_INET, 0, RT_TABLE_LOCAL }, { AF_INET, 32766, RT_TABLE_MAIN },
		{ AF_INET, 32767, RT_TABLE_DEFAULT }, { AF_INET6, 0, RT_TABLE_LOCAL },
		{ AF_INET6, 32766, RT_TABLE_MAIN },
	};
	uint8_t family = req_family(cb->req);

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (family != AF_UNSPEC && family != rules[i].family)
			continue;
		if (put_rule(skb, cb, rules[i].family, rules[i].pref, rules[i].table) < 0)
			break;	/* five rules always fit in one part */
	}
	return (int)skb->len;
}

static bool fib_dump_locked(const struct netlink_callback *cb)
{
	struct kernel *k = netlink_sock_net(cb->sk)->k;
	uint8_t family = req_family(cb->req);

	/* AF_UNSPEC (and other families) go through rtnl_dump_all: RTNL */
	if (family != AF_INET && family != AF_INET6)
		return true;
	return !k->params.route_dump_rcu;
}

static int route_dumpit(struct nl_skb *skb, struct netlink_callback *cb)
{
	return dump_part(skb, cb, fib_dump_locked(cb),
			 netlink_sock_net(cb->sk)->k->params.cost_dump_route, NULL);
}

static int rule_dumpit(struct nl_skb *skb, struct netlink_callback *cb)
{
	struct kernel *k = netlink_sock_net(cb->sk)->k;

	/* fib_nl_dumprule is registered for PF_UNSPEC itself: it walks the
	 * families without rtnl_dump_all, so the switch alone decides */
	return dump_part(skb, cb, !k->params.route_dump_rcu, k->params.cost_dump_rule,
			 fill_rules);
}

static int addr_dumpit(struct nl_skb *skb, struct netlink_callback *cb)
{
	struct kernel *k = netlink_sock_net(cb->sk)->k;
	uint8_t family = req_family(cb->req);
	bool locked = (family != AF_INET && family != AF_INET6) || !k->params.addr_dump_rcu;

	return dump_part(skb, cb, locked, k->params.cost_dump_addr, NULL);
}

/* rtnl_misc_handler - the handler table entry for @msgtype, NULL if none.
 * dump_rtnl is false everywhere: the dumpits above lock per profile. */
const struct rtnl_link_handler *rtnl_misc_handler(int msgtype)
{
	static const struct rtnl_link_handler getqdisc = { tc_get_qdisc, NULL, false };
	static const struct rtnl_link_handler delqdisc = { tc_get_qdisc, NULL, false };
	static const struct rtnl_link_handler getroute = { NULL, route_dumpit, false };
	static const struct rtnl_link_handler getrule = { NULL, rule_dumpit, false };
	static const struct rtnl_link_handler getaddr = { NULL, addr_dumpit, false };

	switch (msgtype) {
	case RTM_GETQDISC:
		return &getqdisc;
	case RTM_DELQDISC:
		return &delqdisc;
	case RTM_GETROUTE:
		return &getroute;
	case RTM_GETRULE:
		return &getrule;
	case RTM_GETADDR:
		return &getaddr;
	default:
		return NULL;
	}
}
