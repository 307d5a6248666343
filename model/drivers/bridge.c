/* model/drivers/bridge.c - a bridge master, as far as link state goes.
 *
 * Mirrors the link-state part of net/bridge (br_device.c, br_if.c,
 * br_stp.c): a bridge is created without carrier; with STP off a port whose
 * device is up with carrier forwards at once, and the bridge has carrier
 * while at least one port forwards (br_port_state_selection). The bridge's
 * iflink is its own ifindex, so its carrier changes follow the one-second
 * rule. Ports are attached with IFLA_MASTER (do_set_master).
 */
#include "model/rtnetlink.h"

static void br_dellink(struct net_device *dev, struct cds_list_head *kill)
{
	unregister_netdevice_queue(dev, kill);
}

static const struct net_device_ops br_ops = {
	.kind = "bridge",
	.default_qdisc = "noqueue",
	.dellink = br_dellink,
};

bool netif_is_bridge_master(const struct net_device *dev);
bool netif_is_bridge_master(const struct net_device *dev)
{
	return dev->ops == &br_ops;
}

static int br_newlink(struct rtnl_newlink_ctx *ctx, struct net_device **out)
{
	struct net_device *dev = alloc_netdev(ctx->net, ctx->ifname, &br_ops, 0);
	int err;

	if (!dev)
		return -ENOMEM;
	dev->priv_flags_no_queue = 1;
	err = rtnl_create_link_apply(dev, ctx->tb);
	if (!err) {
		/* br_dev_setup leaves carrier off until a port forwards */
		set_bit(__LINK_STATE_NOCARRIER, &dev->state);
		err = register_netdevice(dev);
	}
	if (err) {
		free_netdev(dev);
		return err;
	}
	*out = dev;
	return 0;
}

const struct rtnl_link_ops bridge_link_ops = {
	.kind = "bridge",
	.name_pattern = "br%d",
	.newlink = br_newlink,
};

/* br_port_state_selection - recount forwarding ports of @br and set its
 * carrier accordingly. */
void br_port_state_selection(struct net *net, struct net_device *br);
void br_port_state_selection(struct net *net, struct net_device *br)
{
	unsigned int live = 0;

	for (unsigned i = 0; i < net->ndev; i++) {
		struct net_device *p = net->by_index[i];

		if (p->master == br && netif_running(p) && netif_oper_up(p))
			live++;
	}
	if (live)
		netif_carrier_on(br);
	else
		netif_carrier_off(br);
}
