/* model/drivers/tun.c - tap devices created the way tun.c creates them.
 *
 * Mirrors drivers/net/tun.c (kernel.md §5.4): TUNSETIFF registers the device
 * under RTNL (the ioctl path, caller class ioctl); carrier is on from
 * allocation and stays on unless IFF_NO_CARRIER was asked for (then it is
 * turned off after registration), so a new tap's operstate stays UNKNOWN
 * until a carrier change; TUNSETCARRIER changes carrier (refusing "on" with
 * -EPERM when no queue is attached; the model's taps always have one), as
 * does RTM_SETLINK IFLA_CARRIER through the same ndo_change_carrier;
 * iflink == ifindex, so the ordinary one-second rules apply. RTM_NEWLINK
 * with kind "tun" is refused as the kernel refuses it; deleting through
 * RTM_DELLINK works (the default dellink of rtnl_link_register).
 */
#include "model/rtnetlink.h"

/* tun_net_change_carrier - ndo_change_carrier, shared by TUNSETCARRIER and
 * RTM_SETLINK IFLA_CARRIER (both from "tun: implement carrier change", 2019;
 * same in v5.8 and v6.18). "On" needs an attached queue; the model's
 * taps always have one. Context: caller holds RTNL. */
static int tun_net_change_carrier(struct net_device *dev, bool on)
{
	if (on)
		netif_carrier_on(dev);
	else
		netif_carrier_off(dev);
	return 0;
}

static const struct net_device_ops tun_ops = {
	.kind = "tun",
	.default_qdisc = "pfifo_fast",
	.ndo_change_carrier = tun_net_change_carrier,
	.dellink = unregister_netdevice_queue,	/* rtnl_link_register's default */
};

static int tun_newlink(struct rtnl_newlink_ctx *ctx, struct net_device **out)
{
	(void)out;
	*ctx->extack = "tun/tap creation via rtnetlink is not supported.";
	return -EOPNOTSUPP;
}

const struct rtnl_link_ops tun_link_ops = {
	.kind = "tun",
	.name_pattern = "tun%d",
	.newlink = tun_newlink,
};

/* kernel_tap_create - TUNSETIFF(IFF_TAP [| IFF_NO_CARRIER]) on a new device.
 * Context: task; takes RTNL (class ioctl). */
int kernel_tap_create(struct net *net, const char *name, bool carrier)
{
	struct kernel *k = net->k;
	struct net_device *dev;
	int err;

	rtnl_lock(k, RTNL_CLASS_IOCTL);
	k_sleep(k, k->params.cost_tap_ioctl);
	dev = alloc_netdev(net, name, &tun_ops, 0);
	err = dev ? register_netdevice(dev) : -ENOMEM;
	if (err) {
		if (dev)
			free_netdev(dev);
	} else if (!carrier) {
		netif_carrier_off(dev);
	}
	rtnl_unlock(k);
	return err;
}

/* kernel_tap_set_carrier - TUNSETCARRIER. Context: task; takes RTNL. */
int kernel_tap_set_carrier(struct net *net, const char *name, bool on)
{
	struct kernel *k = net->k;
	struct net_device *dev;
	int err = 0;

	rtnl_lock(k, RTNL_CLASS_IOCTL);
	dev = __dev_get_by_name(net, name);
	if (!dev || dev->ops != &tun_ops)
		err = -EBADFD;
	else
		err = tun_net_change_carrier(dev, on);
	rtnl_unlock(k);
	return err;
}
