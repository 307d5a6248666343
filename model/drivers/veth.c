/* model/drivers/veth.c - veth pairs.
 *
 * Mirrors drivers/net/veth.c (same behaviour v5.8..v6.18, kernel.md §5.2):
 *  - veth_newlink registers the peer first (lower ifindex), turns its carrier
 *    off and sends its RTM_NEWLINK (rtnl_configure_link), then registers the
 *    named device with carrier off; the caller sends that one's RTM_NEWLINK.
 *    The peer may be created in another namespace (VETH_INFO_PEER's
 *    IFLA_NET_NS_PID).
 *  - veth_open: -ENOTCONN without a peer; carrier on for both ends only if
 *    the peer is admin-up. veth_close: carrier off for both ends.
 *  - ndo_get_iflink is the peer's ifindex, so every carrier event of a
 *    running veth is urgent for link_watch.
 *  - dellink unties the pair, then removes both ends in one unregister
 *    batch.
 * noqueue qdisc (IFF_NO_QUEUE).
 */
#include <linux/veth.h>

#include "model/rtnetlink.h"

struct veth_priv {
	struct net_device *peer;
};

static struct net_device *veth_peer(const struct net_device *dev)
{
	return ((const struct veth_priv *)dev->priv)->peer;
}

/* veth_open - ndo_open: -ENOTCONN without a peer; carrier on for both ends
 * only when the peer is already up. */
static int veth_open(struct net_device *dev)
{
	struct net_device *peer = veth_peer(dev);

	if (!peer)
		return -ENOTCONN;
	if (peer->flags & IFF_UP) {
		netif_carrier_on(dev);
		netif_carrier_on(peer);
	}
	return 0;
}

/* veth_close - ndo_stop: carrier off for both ends. */
static int veth_close(struct net_device *dev)
{
	struct net_device *peer = veth_peer(dev);

	netif_carrier_off(dev);
	if (peer)
		netif_carrier_off(peer);
	return 0;
}

/* veth_get_iflink - the peer's ifindex, 0 without one: every carrier event
 * of a running veth is urgent for link_watch. */
static int veth_get_iflink(const struct net_device *dev)
{
	struct net_device *peer = veth_peer(dev);

	return peer ? peer->ifindex : 0;
}

static struct net *veth_get_link_net(const struct net_device *dev)
{
	struct net_device *peer = veth_peer(dev);

	return peer ? peer->net : dev->net;
}

/* ndo_uninit: untie the pair (the kernel clears both peer pointers). */
static void veth_uninit(struct net_device *dev)
{
	struct net_device *peer = veth_peer(dev);

	if (peer)
		((struct veth_priv *)peer->priv)->peer = NULL;
	((struct veth_priv *)dev->priv)->peer = NULL;
}

/* veth_dellink - untie the pair first (both peer pointers cleared, as
 * veth_dellink() does in v5.8..v6.18), then queue both ends: while they are
 * closed and deleted, iflink is 0 (IFLA_LINK 0) and closing one end no
 * longer drops the other's carrier. */
static void veth_dellink(struct net_device *dev, struct cds_list_head *kill)
{
	struct net_device *peer = veth_peer(dev);

	((struct veth_priv *)dev->priv)->peer = NULL;
	unregister_netdevice_queue(dev, kill);
	if (peer) {
		((struct veth_priv *)peer->priv)->peer = NULL;
		unregister_netdevice_queue(peer, kill);
	}
}

static const struct net_device_ops veth_ops = {
	.kind = "veth",
	.default_qdisc = "noqueue",
	.ndo_open = veth_open,
	.ndo_stop = veth_close,
	.ndo_get_iflink = veth_get_iflink,
	.ndo_uninit = veth_uninit,
	.dellink = veth_dellink,
	.get_link_net = veth_get_link_net,
};

static struct net_device *veth_alloc(struct net *net, const char *name)
{
	struct net_device *dev = alloc_netdev(net, name, &veth_ops, sizeof(struct veth_priv));

	if (dev)
		dev->priv_flags_no_queue = 1;
	return dev;
}

static const struct nla_policy veth_policy[VETH_INFO_MAX + 1] = {
	[VETH_INFO_PEER] = { NLA_BINARY, 0 },
};

static int veth_newlink(struct rtnl_newlink_ctx *ctx, struct net_device **out)
{
	const struct nlattr *ptb[IFLA_MAX + 1], *data[VETH_INFO_MAX + 1];
	const struct ifinfomsg *pifm = NULL;
	struct net *peer_net = ctx->net;
	char pname[IFNAMSIZ] = "";
	struct net_device *peer, *dev;
	int err;

	memset(ptb, 0, sizeof(ptb));
	if (ctx->data) {
		err = nla_parse(data, VETH_INFO_MAX, nla_data(ctx->data), nla_len(ctx->data),
				veth_policy, false, ctx->extack);
		if (err)
			return err;
		if (data[VETH_INFO_PEER]) {
			const struct nlattr *p = data[VETH_INFO_PEER];

			if (nla_len(p) < (int)sizeof(struct ifinfomsg))
				return -EINVAL;
			pifm = nla_data(p);
			err = nla_parse(ptb, IFLA_MAX,
					(const char *)pifm + NLMSG_ALIGN(sizeof(*pifm)),
					nla_len(p) - (int)NLMSG_ALIGN(sizeof(*pifm)), ifla_policy,
					false, ctx->extack);
			if (err)
				return err;
		}
	}
	if (ptb[IFLA_IFNAME])
		nla_strscpy(pname, ptb[IFLA_IFNAME], sizeof(pname));
	else if ((err = dev_alloc_name(ctx->net, "veth%d", pname)))
		return err;
	if (ptb[IFLA_NET_NS_PID] || ptb[IFLA_NET_NS_FD]) {
		peer_net = rtnl_link_get_net(ctx->src_net, ptb);
		if (!peer_net)
			return rtnl_link_net_err(ptb);
	}
	if (__dev_get_by_name(peer_net, pname) || __dev_get_by_name(ctx->net, ctx->ifname))
		return -EEXIST;
	if (strcmp(pname, ctx->ifname) == 0 && peer_net == ctx->net)
		return -EEXIST;

	peer = veth_alloc(peer_net, pname);
	if (!peer)
		return -ENOMEM;
	err = rtnl_create_link_apply(peer, ptb);
	if (!err)
		err = register_netdevice(peer);
	if (err) {
		free_netdev(peer);
		return err;
	}
	netif_carrier_off(peer);
	err = rtnl_configure_link(peer, pifm);
	if (err)
		goto err_unregister_peer;

	dev = veth_alloc(ctx->net, ctx->ifname);
	if (!dev) {
		err = -ENOMEM;
		goto err_unregister_peer;
	}
	err = rtnl_create_link_apply(dev, ctx->tb);
	if (!err)
		err = register_netdevice(dev);
	if (err) {
		free_netdev(dev);
		goto err_unregister_peer;
	}
	netif_carrier_off(dev);
	((struct veth_priv *)dev->priv)->peer = peer;
	((struct veth_priv *)peer->priv)->peer = dev;
	*out = dev;
	return 0;

err_unregister_peer:
	unregister_netdevice(peer);
	return err;
}

const struct rtnl_link_ops veth_link_ops = {
	.kind = "veth",
	.name_pattern = "veth%d",
	.newlink = veth_newlink,
};
