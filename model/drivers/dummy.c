/* model/drivers/dummy.c - the dummy device.
 *
 * Mirrors drivers/net/dummy.c: never touches carrier (on from allocation), so
 * operstate stays UNKNOWN and `ip link set up` shows UP,RUNNING,LOWER_UP with
 * state UNKNOWN in the single flags RTM_NEWLINK; IFF_NOARP without
 * IFF_MULTICAST (dummy_setup clears it); noqueue.
 * ndo_change_carrier (IFLA_CARRIER) toggles carrier, after which the normal
 * linkwatch rules apply (kernel.md §5.3).
 */
#include "model/rtnetlink.h"

static int dummy_change_carrier(struct net_device *dev, bool on)
{
	if (on)
		netif_carrier_on(dev);
	else
		netif_carrier_off(dev);
	return 0;
}

static const struct net_device_ops dummy_ops = {
	.kind = "dummy",
	.default_qdisc = "noqueue",
	.ndo_change_carrier = dummy_change_carrier,
};

static void dummy_dellink(struct net_device *dev, struct cds_list_head *kill)
{
	unregister_netdevice_queue(dev, kill);
}

static const struct net_device_ops dummy_ops_rtnl = {
	.kind = "dummy",
	.default_qdisc = "noqueue",
	.ndo_change_carrier = dummy_change_carrier,
	.dellink = dummy_dellink,
};

static int dummy_newlink(struct rtnl_newlink_ctx *ctx, struct net_device **out)
{
	struct net_device *dev = alloc_netdev(ctx->net, ctx->ifname, &dummy_ops_rtnl, 0);
	int err;

	(void)dummy_ops;
	if (!dev)
		return -ENOMEM;
	/* dummy_setup: NOARP, and no MULTICAST (ip link: BROADCAST,NOARP) */
	dev->flags |= IFF_NOARP;
	dev->flags &= ~IFF_MULTICAST;
	dev->priv_flags_no_queue = 1;
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

const struct rtnl_link_ops dummy_link_ops = {
	.kind = "dummy",
	.name_pattern = "dummy%d",
	.newlink = dummy_newlink,
};
