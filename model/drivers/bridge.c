/* model/drivers/bridge.c - a bridge master, as far as link state goes.
 *
 * Mirrors the link-state part of net/bridge: a new bridge keeps its
 * default carrier until its first port is added; br_add_if/br_del_if link and unlink a port (the
 * upper-device change sends the port's RTM_NEWLINK with IFLA_MASTER);
 * br_device_event (br_notify.c) runs br_port_carrier_check on a port's
 * NETDEV_CHANGE, UP and DOWN; with STP off a port whose device runs with an
 * operational state of UP (or UNKNOWN) forwards at once (br_make_forwarding),
 * and br_port_state_selection gives the bridge carrier while at least one
 * port forwards. The bridge's iflink is its own ifindex, so its carrier
 * changes follow the one-second rule (anchors.md §6: a bridge over a veth
 * flapping 20 times in 0.47 s sent two messages 1.03 s apart).
 * The port is made promiscuous (one more RTM_NEWLINK, ifi_change PROMISC).
 * Left out: STP, the bridge adopting its lowest port MAC, and the AF_BRIDGE
 * port messages (br_ifinfo_notify).
 */
#include "model/rtnetlink.h"

static void br_dellink(struct net_device *dev, struct cds_list_head *kill);

static const struct net_device_ops br_ops = {
	.kind = "bridge",
	.default_qdisc = "noqueue",
	.dellink = br_dellink,
	.netns_local = true,
};

bool netif_is_bridge_master(const struct net_device *dev)
{
	return dev->ops == &br_ops;
}

/* br_port_state_selection - count forwarding ports and set the carrier. */
static void br_port_state_selection(struct net_device *br)
{
	struct net *net = br->net;
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

/* br_add_if - net/bridge/br_if.c: link the port (NETDEV_CHANGEUPPER, its
 * RTM_NEWLINK with IFLA_MASTER), make it promiscuous, reselect port states. */
int br_add_if(struct net_device *br, struct net_device *dev)
{
	if (dev == br || netif_is_bridge_master(dev) || dev->master)
		return -EBUSY;
	if (dev->type != br->type)
		return -EINVAL;
	dev->master = br;
	call_netdevice_notifiers(NETDEV_CHANGEUPPER, dev);
	dev_set_promiscuity(dev, 1);	/* br_manage_promisc */
	br_port_state_selection(br);
	return 0;
}

/* br_del_if - unlink the port, drop its promiscuity, reselect port states. */
int br_del_if(struct net_device *br, struct net_device *dev)
{
	if (dev->master != br)
		return -EINVAL;
	dev->master = NULL;
	call_netdevice_notifiers(NETDEV_CHANGEUPPER, dev);
	dev_set_promiscuity(dev, -1);
	br_port_state_selection(br);
	return 0;
}

/* br_device_event - the bridge's netdevice notifier, for its ports. */
void br_device_event(struct net_device *dev, unsigned long event)
{
	struct net_device *br = dev->master;

	if (!br || !netif_is_bridge_master(br))
		return;
	switch (event) {
	case NETDEV_CHANGE:
	case NETDEV_UP:
	case NETDEV_DOWN:
		br_port_state_selection(br);
		break;
	case NETDEV_UNREGISTER:
		dev->master = NULL;
		if (br->reg_state == NETREG_REGISTERED)
			br_port_state_selection(br);
		break;
	default:
		break;
	}
}

/* br_dellink - the bridge and, first, its ports' links to it. */
static void br_dellink(struct net_device *dev, struct cds_list_head *kill)
{
	struct net *net = dev->net;

	for (unsigned i = 0; i < net->ndev; i++)
		if (net->by_index[i]->master == dev)
			br_del_if(dev, net->by_index[i]);
	unregister_netdevice_queue(dev, kill);
}

/* br_dev_setup: noqueue. A new bridge keeps the default carrier (on): it
 * goes off only when a port that does not forward is added (measured on
 * 6.18, see docs/kernel-fidelity.md). */
static void br_dev_setup(struct net_device *dev)
{
	dev->priv_flags_no_queue = 1;
}

static int br_newlink(struct rtnl_newlink_ctx *ctx, struct net_device **out)
{
	return rtnl_newlink_simple(ctx, &br_ops, br_dev_setup, out);
}

const struct rtnl_link_ops bridge_link_ops = {
	.kind = "bridge",
	.name_pattern = "br%d",
	.newlink = br_newlink,
};
