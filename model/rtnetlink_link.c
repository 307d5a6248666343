/* model/rtnetlink_link.c - RTM_GETLINK/SETLINK/NEWLINK/DELLINK and the dump.
 *
 * Mirrors the link half of net/core/rtnetlink.c: rtnl_valid_getlink_req and
 * rtnl_getlink (with linkwatch_sync_dev on v6.8+), rtnl_dump_ifinfo (the
 * v5.8 hash-bucket walk or the v6.9 ascending-ifindex walk, cb->seq from
 * dev_base_seq for NLM_F_DUMP_INTR), rtnl_setlink and do_setlink in the
 * kernel's order with DO_SETLINK_NOTIFY, set_operstate's acceptance rules,
 * rtnl_newlink with rtnl_create_link and rtnl_configure_link, and
 * rtnl_dellink. Validate first, then act; errors carry the kernel's errno and
 * extack text. Runs under RTNL (taken by the dispatcher).
 */
#include <stdio.h>
#include <stdlib.h>

#include <linux/veth.h>

#include "model/rtnetlink.h"

#define DO_SETLINK_MODIFIED 0x01
#define DO_SETLINK_NOTIFY 0x03

const struct nla_policy ifla_policy[IFLA_MAX + 1] = {
	[IFLA_IFNAME] = { NLA_STRING, IFNAMSIZ - 1 },
	[IFLA_ADDRESS] = { NLA_BINARY, 32 },
	[IFLA_BROADCAST] = { NLA_BINARY, 32 },
	[IFLA_MAP] = { NLA_BINARY, 0 },
	[IFLA_MTU] = { NLA_U32, 0 },
	[IFLA_LINK] = { NLA_U32, 0 },
	[IFLA_MASTER] = { NLA_U32, 0 },
	[IFLA_CARRIER] = { NLA_U8, 0 },
	[IFLA_TXQLEN] = { NLA_U32, 0 },
	[IFLA_WEIGHT] = { NLA_U32, 0 },
	[IFLA_OPERSTATE] = { NLA_U8, 0 },
	[IFLA_LINKMODE] = { NLA_U8, 0 },
	[IFLA_LINKINFO] = { NLA_NESTED, 0 },
	[IFLA_NET_NS_PID] = { NLA_U32, 0 },
	[IFLA_NET_NS_FD] = { NLA_U32, 0 },
	[IFLA_IFALIAS] = { NLA_STRING, IFALIASZ - 1 },
	[IFLA_AF_SPEC] = { NLA_NESTED, 0 },
	[IFLA_EXT_MASK] = { NLA_U32, 0 },
	[IFLA_PROMISCUITY] = { NLA_U32, 0 },
	[IFLA_NUM_TX_QUEUES] = { NLA_U32, 0 },
	[IFLA_NUM_RX_QUEUES] = { NLA_U32, 0 },
	[IFLA_GROUP] = { NLA_U32, 0 },
	[IFLA_PROTO_DOWN] = { NLA_U8, 0 },
	[IFLA_TARGET_NETNSID] = { NLA_S32, 0 },
	[IFLA_ALT_IFNAME] = { NLA_STRING, 127 },
};

static const struct nla_policy ifla_info_policy[IFLA_INFO_MAX + 1] = {
	[IFLA_INFO_KIND] = { NLA_STRING, 0 },
	[IFLA_INFO_DATA] = { NLA_NESTED, 0 },
};

static const struct ifinfomsg *ifmsg(const struct nlmsghdr *nlh)
{
	return NLMSG_DATA(nlh);
}

static int parse_link_req(const struct nlmsghdr *nlh, const struct nlattr **tb, bool strict,
			  const char **extack)
{
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg))) {
		*extack = "Invalid header length";
		return -EINVAL;
	}
	return nla_parse(tb, IFLA_MAX, (const char *)NLMSG_DATA(nlh) + NLMSG_ALIGN(sizeof(struct ifinfomsg)),
			 (int)(nlh->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct ifinfomsg)))),
			 ifla_policy, strict, extack);
}

/* The device a link request names: ifi_index first, then IFLA_IFNAME or
 * IFLA_ALT_IFNAME (rtnl_dev_get); *err = -EINVAL when it names none. */
static struct net_device *find_dev(struct net *net, const struct ifinfomsg *ifm,
				   const struct nlattr *const *tb, int *err)
{
	char name[IFNAMSIZ];

	if (ifm->ifi_index > 0)
		return __dev_get_by_index(net, ifm->ifi_index);
	if (tb[IFLA_IFNAME]) {
		nla_strscpy(name, tb[IFLA_IFNAME], sizeof(name));
		return __dev_get_by_name(net, name);
	}
	if (tb[IFLA_ALT_IFNAME]) {
		nla_strscpy(name, tb[IFLA_ALT_IFNAME], sizeof(name));
		return __dev_get_by_name(net, name);
	}
	*err = -EINVAL;
	return NULL;
}

/* rtnl_valid_getlink_req: a header shorter than an ifinfomsg is refused in
 * both modes; then strict sockets get header and attribute checks, others
 * the lenient (deprecated) parse. */
static int rtnl_valid_getlink_req(struct netlink_sock *sk, const struct nlmsghdr *nlh,
				  const struct nlattr **tb, const char **extack)
{
	const struct ifinfomsg *ifm;
	int err;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifm))) {
		*extack = "Invalid header for get link";
		return -EINVAL;
	}
	if (!netlink_sock_strict(sk))
		return parse_link_req(nlh, tb, false, extack);
	ifm = ifmsg(nlh);
	if (ifm->__ifi_pad || ifm->ifi_type || ifm->ifi_flags || ifm->ifi_change) {
		*extack = "Invalid values in header for get link request";
		return -EINVAL;
	}
	err = parse_link_req(nlh, tb, true, extack);
	if (err)
		return err;
	for (int i = 0; i <= IFLA_MAX; i++) {
		if (!tb[i])
			continue;
		if (i != IFLA_IFNAME && i != IFLA_ALT_IFNAME && i != IFLA_EXT_MASK &&
		    i != IFLA_TARGET_NETNSID) {
			*extack = "Unsupported attribute in get link request";
			return -EINVAL;
		}
	}
	return 0;
}

/* rtnl_getlink - one device's RTM_NEWLINK to the requester. On v6.8+ a
 * device with pending linkwatch work is processed first, so every listener
 * gets that RTM_NEWLINK before the requester's reply (kernel.md §1.9). */
int rtnl_getlink(struct netlink_sock *sk, const struct nlmsghdr *nlh, const char **extack)
{
	struct net *net = netlink_sock_net(sk);
	struct kernel *k = net->k;
	const struct nlattr *tb[IFLA_MAX + 1];
	struct net_device *dev;
	struct nl_skb *skb;
	int err;

	err = rtnl_valid_getlink_req(sk, nlh, tb, extack);
	if (err < 0)
		return err;
	err = -ENODEV;
	dev = find_dev(net, ifmsg(nlh), tb, &err);
	if (!dev)
		return err;
	if (k->params.getlink_syncs_linkwatch)
		linkwatch_sync_dev(dev);
	k_sleep(k, k->params.cost_getlink);
	{
		struct rtnl_fill_args a = { .dev = dev, .net = net, .type = RTM_NEWLINK,
					    .portid = netlink_sock_portid(sk),
					    .seq = nlh->nlmsg_seq };

		skb = rtnl_fill_to_skb(&a);
	}
	if (!skb)
		return -ENOBUFS;
	err = netlink_unicast(sk, skb);
	return err < 0 ? err : 0;
}

/* Fill one dump entry into @skb's tail; -EMSGSIZE if it does not fit. */
static int dump_one(struct nl_skb *skb, struct netlink_callback *cb, struct net_device *dev)
{
	struct rtnl_fill_args a = { .dev = dev, .net = netlink_sock_net(cb->sk),
				    .type = RTM_NEWLINK, .flags = NLM_F_MULTI,
				    .portid = netlink_sock_portid(cb->sk),
				    .seq = cb->req->nlmsg_seq };
	int len = rtnl_fill_ifinfo((char *)skb->data + skb->len, nl_skb_tailroom(skb), &a);

	if (len < 0)
		return len;
	skb->len += NLMSG_ALIGN((size_t)len);
	if (skb->len > skb->cap)
		skb->len = skb->cap;
	k_sleep(dev_kernel(dev), dev_kernel(dev)->params.cost_dump_link);
	return 0;
}

/* rtnl_valid_dump_ifinfo_req - the strict checks of a link dump request
 * (NETLINK_GET_STRICT_CHK); lenient requests are not checked at all, since
 * their errors are ignored ("a hack to preserve kernel<->userspace
 * interface": old iproute2 sent a bare rtgenmsg). Errors end the dump in its
 * NLMSG_DONE, with the message as extended ACK. */
static int rtnl_valid_dump_ifinfo_req(const struct nlmsghdr *nlh, const char **extack)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifm;
	int err;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifm))) {
		*extack = "Invalid header for link dump";
		return -EINVAL;
	}
	ifm = ifmsg(nlh);
	if (ifm->__ifi_pad || ifm->ifi_type || ifm->ifi_flags || ifm->ifi_change) {
		*extack = "Invalid values in header for link dump request";
		return -EINVAL;
	}
	if (ifm->ifi_index) {
		*extack = "Filter by device index not supported for link dumps";
		return -EINVAL;
	}
	err = parse_link_req(nlh, tb, true, extack);
	if (err < 0)
		return err;
	for (int i = 0; i <= IFLA_MAX; i++) {
		if (tb[i] && i != IFLA_TARGET_NETNSID && i != IFLA_EXT_MASK &&
		    i != IFLA_MASTER && i != IFLA_LINKINFO) {
			*extack = "Unsupported attribute in link dump request";
			return -EINVAL;
		}
	}
	return 0;
}

/* rtnl_dump_ifinfo - one part of a link dump. args[0]/args[1] are the
 * cursor: (bucket, index in bucket) for the v5.8 hash walk, (next ifindex)
 * for the v6.9+ walk. Returns the part's length; 0 when nothing is left.
 * The first message of each part is checked against dev_base_seq, which is
 * where the kernel calls nl_dump_check_consistent. */
int rtnl_dump_ifinfo(struct nl_skb *skb, struct netlink_callback *cb)
{
	struct net *net = netlink_sock_net(cb->sk);
	struct kernel *k = net->k;
	const struct nlmsghdr *nlh = cb->req;
	bool finished = true;

	if (netlink_sock_strict(cb->sk)) {
		struct netlink_ext_ack ext = { 0 };
		int err = rtnl_valid_dump_ifinfo_req(nlh, &ext.msg);

		if (err < 0) {
			netlink_dump_set_extack(cb, ext.msg);
			return err;
		}
	}
	cb->seq = net->dev_base_seq;
	if (k->params.dump_hash_walk) {
		long h = cb->args[0], s_idx = cb->args[1];

		for (; h < NETDEV_HASHENTRIES; h++, s_idx = 0) {
			struct net_device *dev;
			long idx = 0;

			cds_list_for_each_entry(dev, &net->dev_index_head[h], index_hlist) {
				if (idx < s_idx) {
					idx++;
					continue;
				}
				if (dump_one(skb, cb, dev) < 0) {
					finished = false;
					cb->args[1] = idx;
					goto out;
				}
				idx++;
			}
		}
out:
		cb->args[0] = h;
	} else {
		unsigned pos = net_dev_index_pos(net, (int)cb->args[0]);

		for (; pos < net->ndev; pos++) {
			if (dump_one(skb, cb, net->by_index[pos]) < 0) {
				finished = false;
				cb->args[0] = net->by_index[pos]->ifindex;
				break;
			}
		}
		if (finished)
			cb->args[0] = INT32_MAX;
	}
	if (skb->len)
		nl_dump_check_consistent(cb, skb->data);
	if (finished && !k->params.dump_done_separate)
		return 0;
	return (int)skb->len;
}

/* set_operstate - userspace's IFLA_OPERSTATE: UP only from DORMANT, TESTING
 * or UNKNOWN with the driver's dormant and testing bits clear; DORMANT or
 * TESTING only from UP/UNKNOWN; anything else ignored. A real change sends
 * netdev_state_change's RTM_NEWLINK. */
static void set_operstate(struct net_device *dev, unsigned char transition)
{
	unsigned char operstate = dev->operstate;

	switch (transition) {
	case IF_OPER_UP:
		if ((operstate == IF_OPER_DORMANT || operstate == IF_OPER_TESTING ||
		     operstate == IF_OPER_UNKNOWN) &&
		    !netif_dormant(dev) && !netif_testing(dev))
			operstate = IF_OPER_UP;
		break;
	case IF_OPER_TESTING:
		if (netif_oper_up(dev))
			operstate = IF_OPER_TESTING;
		break;
	case IF_OPER_DORMANT:
		if (netif_oper_up(dev))
			operstate = IF_OPER_DORMANT;
		break;
	default:
		break;
	}
	if (dev->operstate != operstate) {
		dev->operstate = operstate;
		netdev_state_change(dev);
	}
}

/* rtnl_dev_combine_flags: "bugwards compatibility: ifi_change == 0 is
 * treated as ~0". */
static unsigned int rtnl_dev_combine_flags(const struct net_device *dev,
					   const struct ifinfomsg *ifm)
{
	unsigned int flags = ifm->ifi_flags;

	if (ifm->ifi_change)
		flags = (flags & ifm->ifi_change) |
			(((dev->flags & ~(IFF_PROMISC | IFF_ALLMULTI)) |
			  (dev->gflags & (IFF_PROMISC | IFF_ALLMULTI))) & ~ifm->ifi_change);
	return flags;
}

/* rtnl_link_get_net - the namespace named by IFLA_NET_NS_PID (a simulated
 * namespace's pseudo pid) or IFLA_NET_NS_FD (unsupported: -EINVAL); @src if
 * neither. NULL if the pid names no namespace. */
/* The errno of a namespace rtnl_link_get_net could not find: no process
 * with that pid (get_net_ns_by_pid: -ESRCH), or a descriptor that is not a
 * namespace (get_net_ns_by_fd: -EINVAL; simulated namespaces have none). */
int rtnl_link_net_err(const struct nlattr *const *tb)
{
	return tb[IFLA_NET_NS_PID] ? -ESRCH : -EINVAL;
}

struct net *rtnl_link_get_net(struct net *src, const struct nlattr *const *tb)
{
	struct kernel *k = src->k;

	if (tb[IFLA_NET_NS_PID]) {
		uint32_t pid = nla_get_u32(tb[IFLA_NET_NS_PID]);

		if (pid < NLSIM_NETNS_PID_BASE || pid - NLSIM_NETNS_PID_BASE >= k->nnets)
			return NULL;
		return k->nets[pid - NLSIM_NETNS_PID_BASE];
	}
	if (tb[IFLA_NET_NS_FD])
		return NULL;
	return src;
}

/* do_setlink - apply a SETLINK (or NEWLINK on an existing device), in the
 * kernel's order; changes made before an error stay made. */
static int do_setlink(struct net_device *dev, const struct ifinfomsg *ifm,
		      const struct nlattr *const *tb, const char **extack)
{
	struct kernel *k = dev_kernel(dev);
	int status = 0, err = 0;

	if (tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) < dev->addr_len)
		return -EINVAL;	/* validate_linkmsg */
	if (tb[IFLA_BROADCAST] && nla_len(tb[IFLA_BROADCAST]) < dev->addr_len)
		return -EINVAL;
	if (tb[IFLA_NET_NS_PID] || tb[IFLA_NET_NS_FD]) {
		struct net *net = rtnl_link_get_net(dev->net, tb);

		if (!net) {
			err = rtnl_link_net_err(tb);
			goto out;
		}
		err = dev_change_net_namespace(dev, net, NULL);
		if (err)
			goto out;
		status |= DO_SETLINK_MODIFIED;
	}
	if (tb[IFLA_ADDRESS]) {
		err = dev_set_mac_address(dev, nla_data(tb[IFLA_ADDRESS]));
		if (err)
			goto out;
		status |= DO_SETLINK_MODIFIED;
	}
	if (tb[IFLA_MTU]) {
		err = dev_set_mtu(dev, nla_get_u32(tb[IFLA_MTU]));
		if (err) {
			*extack = err == -EINVAL ? "mtu less than device minimum" : NULL;
			if (nla_get_u32(tb[IFLA_MTU]) > dev->max_mtu)
				*extack = "mtu greater than device maximum";
			goto out;
		}
		status |= DO_SETLINK_MODIFIED;
	}
	if (tb[IFLA_GROUP]) {
		dev->group = (int)nla_get_u32(tb[IFLA_GROUP]);
		status |= DO_SETLINK_NOTIFY;
	}
	if (ifm->ifi_index > 0 && tb[IFLA_IFNAME]) {
		char name[IFNAMSIZ];

		nla_strscpy(name, tb[IFLA_IFNAME], sizeof(name));
		err = dev_change_name(dev, name);
		if (err)
			goto out;
		status |= DO_SETLINK_MODIFIED;
	}
	if (tb[IFLA_BROADCAST]) {
		memcpy(dev->broadcast, nla_data(tb[IFLA_BROADCAST]), dev->addr_len);
		call_netdevice_notifiers(NETDEV_CHANGEADDR, dev);
	}
	if (ifm->ifi_flags || ifm->ifi_change) {
		k_sleep(k, k->params.cost_setlink);
		err = dev_change_flags(dev, rtnl_dev_combine_flags(dev, ifm));
		if (err < 0)
			goto out;
		/* what-if (Wen Yang 2020, part b): the patch fires a linkwatch
		 * event after every successful dev_change_flags */
		if (k->params.urgent_on_up_oper_down)
			linkwatch_fire_event(dev);
	}
	if (tb[IFLA_MASTER]) {
		/* do_set_master: 0 releases, another index enslaves */
		uint32_t idx = nla_get_u32(tb[IFLA_MASTER]);
		struct net_device *upper = dev->master;

		if (upper && (int)idx != upper->ifindex) {
			err = br_del_if(upper, dev);
			if (err)
				goto out;
			status |= DO_SETLINK_MODIFIED;
		}
		if (idx && (!dev->master || (int)idx != dev->master->ifindex)) {
			upper = __dev_get_by_index(dev->net, (int)idx);
			if (!upper) {
				err = -EINVAL;
				goto out;
			}
			if (!netif_is_bridge_master(upper)) {
				err = -EOPNOTSUPP;
				goto out;
			}
			err = br_add_if(upper, dev);
			if (err)
				goto out;
			status |= DO_SETLINK_MODIFIED;
		}
	}
	if (tb[IFLA_CARRIER]) {
		err = dev_change_carrier(dev, nla_get_u8(tb[IFLA_CARRIER]));
		if (err)
			goto out;
		status |= DO_SETLINK_MODIFIED;
	}
	if (tb[IFLA_TXQLEN]) {
		uint32_t q = nla_get_u32(tb[IFLA_TXQLEN]);

		if (q != dev->tx_queue_len) {
			dev->tx_queue_len = q;
			call_netdevice_notifiers(NETDEV_CHANGE_TX_QUEUE_LEN, dev);
			status |= DO_SETLINK_MODIFIED;
		}
	}
	if (tb[IFLA_OPERSTATE])
		set_operstate(dev, nla_get_u8(tb[IFLA_OPERSTATE]));
	if (tb[IFLA_LINKMODE]) {
		unsigned char mode = nla_get_u8(tb[IFLA_LINKMODE]);

		if (dev->link_mode ^ mode)
			status |= DO_SETLINK_NOTIFY;
		dev->link_mode = mode;
	}
out:
	if ((status & DO_SETLINK_MODIFIED) && (status & DO_SETLINK_NOTIFY) == DO_SETLINK_NOTIFY)
		netdev_state_change(dev);
	return err;
}

/* rtnl_setlink - RTM_SETLINK (net/core/rtnetlink.c, v5.8..v6.18): lenient
 * parse, the device by index or name (-ENODEV / -EINVAL), then do_setlink. */
int rtnl_setlink(struct netlink_sock *sk, const struct nlmsghdr *nlh, const char **extack)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	struct net_device *dev;
	int err;

	err = parse_link_req(nlh, tb, false, extack);
	if (err < 0)
		return err;
	if (tb[IFLA_NET_NS_PID] && tb[IFLA_NET_NS_FD]) {
		*extack = "multiple netns identifying attributes specified";
		return -EINVAL;
	}
	err = -ENODEV;
	dev = find_dev(netlink_sock_net(sk), ifmsg(nlh), tb, &err);
	if (!dev)
		return err;
	return do_setlink(dev, ifmsg(nlh), tb, extack);
}

/* dev_alloc_name - the lowest free "%d" for @pattern in @net. */
int dev_alloc_name(struct net *net, const char *pattern, char *out)
{
	const char *pct = strstr(pattern, "%d");
	int plen = pct ? (int)(pct - pattern) : (int)strlen(pattern);

	if (!pct)
		return -EINVAL;
	for (int i = 0; i < 32768; i++) {
		if (snprintf(out, IFNAMSIZ, "%.*s%d%s", plen, pattern, i, pct + 2) >= IFNAMSIZ)
			return -EINVAL;
		if (!__dev_get_by_name(net, out))
			return 0;
	}
	return -ENFILE;
}

/* rtnl_create_link_apply - the attributes rtnl_create_link applies before
 * registration, without notifications. */
int rtnl_create_link_apply(struct net_device *dev, const struct nlattr *const *tb)
{
	if (tb[IFLA_MTU]) {
		uint32_t mtu = nla_get_u32(tb[IFLA_MTU]);

		if (mtu < dev->min_mtu || mtu > dev->max_mtu)
			return -EINVAL;
		dev->mtu = mtu;
	}
	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) < dev->addr_len)
			return -EINVAL;
		memcpy(dev->addr, nla_data(tb[IFLA_ADDRESS]), dev->addr_len);
		dev->addr_assign_type = 3;
	}
	if (tb[IFLA_BROADCAST] && nla_len(tb[IFLA_BROADCAST]) >= dev->addr_len)
		memcpy(dev->broadcast, nla_data(tb[IFLA_BROADCAST]), dev->addr_len);
	if (tb[IFLA_TXQLEN])
		dev->tx_queue_len = nla_get_u32(tb[IFLA_TXQLEN]);
	if (tb[IFLA_OPERSTATE])
		dev->operstate = nla_get_u8(tb[IFLA_OPERSTATE]);	/* set_operstate pre-reg */
	if (tb[IFLA_LINKMODE])
		dev->link_mode = nla_get_u8(tb[IFLA_LINKMODE]);
	if (tb[IFLA_GROUP])
		dev->group = (int)nla_get_u32(tb[IFLA_GROUP]);
	dev->rtnl_link_initializing = true;
	return 0;
}

/* rtnl_newlink_simple - the newlink of a driver that makes one device
 * (rtnl_create_link then register_netdevice): allocate, let @setup set the
 * driver's defaults (its ->setup), apply the request's attributes, register. */
int rtnl_newlink_simple(struct rtnl_newlink_ctx *ctx, const struct net_device_ops *ops,
			void (*setup)(struct net_device *dev), struct net_device **out)
{
	struct net_device *dev = alloc_netdev(ctx->net, ctx->ifname, ops, 0);
	int err;

	if (!dev)
		return -ENOMEM;
	if (setup)
		setup(dev);
	err = rtnl_create_link_apply(dev, ctx->tb);
	if (!err)
		err = register_netdevice(dev);
	if (err) {
		free_netdev(dev);
		return err;
	}
	*out = dev;
	return 0;
}

/* rtnl_configure_link - apply the request's flags, then send the device's
 * first RTM_NEWLINK (change ~0) through __dev_notify_flags. */
int rtnl_configure_link(struct net_device *dev, const struct ifinfomsg *ifm)
{
	unsigned int old_flags = dev->flags;
	int err = 0;

	if (ifm && (ifm->ifi_flags || ifm->ifi_change)) {
		err = __dev_change_flags(dev, rtnl_dev_combine_flags(dev, ifm));
		if (err < 0)
			return err;	/* still initializing: nobody was told */
	}
	dev->rtnl_link_initializing = false;
	__dev_notify_flags(dev, old_flags, ~0U);
	return 0;
}

const struct rtnl_link_ops *rtnl_link_ops_get(const char *kind)
{
	static const struct rtnl_link_ops *const all[] = {
		&veth_link_ops, &dummy_link_ops, &tun_link_ops, &bridge_link_ops,
	};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(all[i]->kind, kind) == 0)
			return all[i];
	return NULL;
}

/* rtnl_newlink - RTM_NEWLINK (net/core/rtnetlink.c, __rtnl_newlink): an
 * existing device is modified (-EEXIST with NLM_F_EXCL), a new one needs
 * NLM_F_CREATE and a known kind; rtnl_create_link, the kind's newlink, then
 * rtnl_configure_link, unregistering again if that fails. */
int rtnl_newlink(struct netlink_sock *sk, const struct nlmsghdr *nlh, const char **extack)
{
	struct net *net = netlink_sock_net(sk);
	struct kernel *k = net->k;
	const struct nlattr *tb[IFLA_MAX + 1], *linfo[IFLA_INFO_MAX + 1];
	const struct rtnl_link_ops *ops = NULL;
	struct rtnl_newlink_ctx ctx = { .src_net = net, .extack = extack };
	struct net_device *dev;
	char kind[32] = "";
	int err;

	err = parse_link_req(nlh, tb, false, extack);
	if (err < 0)
		return err;
	if (tb[IFLA_NET_NS_PID] && tb[IFLA_NET_NS_FD]) {
		*extack = "multiple netns identifying attributes specified";
		return -EINVAL;
	}
	if (tb[IFLA_IFNAME])
		nla_strscpy(ctx.ifname, tb[IFLA_IFNAME], sizeof(ctx.ifname));
	err = 0;
	dev = find_dev(net, ifmsg(nlh), tb, &err);
	memset(linfo, 0, sizeof(linfo));
	if (tb[IFLA_LINKINFO]) {
		err = nla_parse(linfo, IFLA_INFO_MAX, nla_data(tb[IFLA_LINKINFO]),
				nla_len(tb[IFLA_LINKINFO]), ifla_info_policy, false, extack);
		if (err < 0)
			return err;
		if (linfo[IFLA_INFO_KIND]) {
			nla_strscpy(kind, linfo[IFLA_INFO_KIND], sizeof(kind));
			ops = rtnl_link_ops_get(kind);
		}
	}
	if (dev) {
		if (nlh->nlmsg_flags & NLM_F_EXCL)
			return -EEXIST;
		if (nlh->nlmsg_flags & NLM_F_REPLACE)
			return -EOPNOTSUPP;
		return do_setlink(dev, ifmsg(nlh), tb, extack);
	}
	if (!(nlh->nlmsg_flags & NLM_F_CREATE)) {
		/* Only a request naming a device that does not exist */
		if (ifmsg(nlh)->ifi_index == 0 && !tb[IFLA_IFNAME])
			return -EINVAL;
		return -ENODEV;
	}
	/* rtnl_newlink_create: no kind, or one nobody registered (the
	 * module request failed) */
	if (!ops) {
		*extack = "Unknown device type";
		return -EOPNOTSUPP;
	}
	if (ifmsg(nlh)->ifi_index) {
		*extack = NULL;
		return -EOPNOTSUPP;	/* fixed ifindex on create: not modelled */
	}
	ctx.net = rtnl_link_get_net(net, tb);
	if (!ctx.net)
		return rtnl_link_net_err(tb);
	if (!ctx.ifname[0]) {
		err = dev_alloc_name(ctx.net, ops->name_pattern, ctx.ifname);
		if (err)
			return err;
	} else if (!dev_valid_name(ctx.ifname)) {
		return -EINVAL;
	}
	ctx.tb = tb;
	ctx.data = linfo[IFLA_INFO_DATA];
	k_sleep(k, strcmp(ops->kind, "veth") == 0 ? k->params.cost_newlink_veth :
						   k->params.cost_newlink);
	err = ops->newlink(&ctx, &dev);
	if (err)
		return err;
	err = rtnl_configure_link(dev, ifmsg(nlh));
	if (err < 0) {
		/* rtnl_newlink's out_unregister: the half-made link goes */
		CDS_LIST_HEAD(kill);

		if (dev->ops->dellink)
			dev->ops->dellink(dev, &kill);
		else
			unregister_netdevice_queue(dev, &kill);
		unregister_netdevice_many(k, &kill);
	}
	return err;
}

/* rtnl_dellink - RTM_DELLINK (net/core/rtnetlink.c): the kind's dellink
 * (-EOPNOTSUPP without one: lo, virtio_net), then one unregister batch. */
int rtnl_dellink(struct netlink_sock *sk, const struct nlmsghdr *nlh, const char **extack)
{
	struct net *net = netlink_sock_net(sk);
	const struct nlattr *tb[IFLA_MAX + 1];
	struct net_device *dev;
	CDS_LIST_HEAD(kill);
	int err;

	err = parse_link_req(nlh, tb, false, extack);
	if (err < 0)
		return err;
	err = -ENODEV;
	dev = find_dev(net, ifmsg(nlh), tb, &err);
	if (!dev)
		return err;
	if (!dev->ops->dellink)
		return -EOPNOTSUPP;
	k_sleep(net->k, net->k->params.cost_dellink);
	dev->ops->dellink(dev, &kill);
	unregister_netdevice_many(net->k, &kill);
	return 0;
}
