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

/* dummy_change_carrier - ndo_change_carrier (drivers/net/dummy.c). */
static int dummy_change_carrier(struct net_device *dev, bool on)
{
	if (on)
		netif_carrier_on(dev);
	else
		netif_carrier_off(dev);
	return 0;
}

/* dellink: rtnl_link_register's default, unregister_netdevice_queue */
static const struct net_device_ops dummy_ops = {
	.kind = "dummy",
	.default_qdisc = "noqueue",
	.ndo_change_carrier = dummy_change_carrier,
	.dellink = unregister_netdevice_queue,
};

/* dummy_setup: NOARP, and no MULTICAST (ip link: BROADCAST,NOARP); noqueue */
static void dummy_setup(struct net_device *dev)
{
	dev->flags |= IFF_NOARP;
	dev->flags &= ~IFF_MULTICAST;
	dev->priv_flags_no_queue = 1;
}

static int dummy_newlink(struct rtnl_newlink_ctx *ctx, struct net_device **out)
{
	return rtnl_newlink_simple(ctx, &dummy_ops, dummy_setup, out);
}

const struct rtnl_link_ops dummy_link_ops = {
	.kind = "dummy",
	.name_pattern = "dummy%d",
	.newlink = dummy_newlink,
};
