/* model/drivers/virtio_net.c - virtio_net probe and link status.
 *
 * Mirrors the carrier timing of virtnet_probe, virtnet_open/close and
 * virtnet_config_changed_work (drivers/net/virtio_net.c), by profile
 * (virtio.carrier_mode, kernel.md §5.1):
 *  0 (v5.8..v6.11): register_netdev (takes and releases RTNL), carrier off,
 *    then with VIRTIO_NET_F_STATUS the config work raises carrier shortly
 *    after (while the device is still down: a non-urgent event), without it
 *    carrier on at once;
 *  1 (v6.12 cycle, df28de7b0050): probe holds RTNL and reads the status
 *    synchronously: carrier off then on before the first linkwatch run, so
 *    operstate goes UNKNOWN -> UP with no DOWN step;
 *  2 (v6.16+, be5dcaed694e): with F_STATUS probe only records the pending
 *    status; the first ndo_open re-enables config changes and the config work
 *    raises carrier while the device runs with its qdisc not activated yet,
 *    an urgent event. ndo_stop turns carrier off (modes 1 and 2).
 * No rtnl_link_ops: RTM_NEWLINK cannot create it, RTM_DELLINK refuses it.
 */
#include "model/internal.h"

struct virtnet_info {
	bool f_status;
	bool link_up;		/* device status VIRTIO_NET_S_LINK_UP */
	bool config_enabled;	/* config change delivery */
	bool config_pending;	/* a change arrived while disabled */
	struct net_device *dev;
};

static struct virtnet_info *vi_of(const struct net_device *dev)
{
	return dev->priv;
}

/* virtnet_config_changed_work: after the work's latency, apply the status. */
static void virtnet_config_changed_work(void *arg)
{
	struct net_device *dev = arg;
	struct kernel *k = dev_kernel(dev);

	k_sleep(k, k->params.cost_virtio_config_work);
	/* virtnet_remove cancels the work; a gone device gets no carrier */
	if (dev->reg_state != NETREG_REGISTERED) {
		dev_put(dev);
		return;
	}
	if (vi_of(dev)->link_up)
		netif_carrier_on(dev);
	else
		netif_carrier_off(dev);
	dev_put(dev);
}

static void virtio_config_changed(struct net_device *dev)
{
	struct virtnet_info *vi = vi_of(dev);
	struct kernel *k = dev_kernel(dev);

	if (!vi->config_enabled) {
		vi->config_pending = true;
		return;
	}
	dev_hold(dev);
	k->svc.work_start(k->svc.ctx, "virtio_config", virtnet_config_changed_work, dev);
}

/* virtnet_open - ndo_open; from be5dcaed694e (profile mode 2) it re-enables
 * config changes and runs the one recorded at probe, raising carrier. */
static int virtnet_open(struct net_device *dev)
{
	struct virtnet_info *vi = vi_of(dev);

	if (dev_kernel(dev)->params.virtio_carrier_mode == VIRTIO_CARRIER_AT_OPEN &&
	    vi->f_status) {
		vi->config_enabled = true;
		if (vi->config_pending) {
			vi->config_pending = false;
			virtio_config_changed(dev);
		}
	}
	return 0;
}

/* virtnet_close - ndo_stop; since df28de7b0050 (modes 1 and 2) it disables
 * config changes and turns carrier off. */
static int virtnet_close(struct net_device *dev)
{
	struct virtnet_info *vi = vi_of(dev);

	if (dev_kernel(dev)->params.virtio_carrier_mode != VIRTIO_CARRIER_CONFIG_WORK) {
		if (vi->f_status) {
			vi->config_enabled = false;
			vi->config_pending = true;
		}
		netif_carrier_off(dev);
	}
	return 0;
}

static const struct net_device_ops virtnet_ops = {
	.kind = NULL,
	.default_qdisc = "pfifo_fast",
	.ndo_open = virtnet_open,
	.ndo_stop = virtnet_close,
};

/* kernel_virtio_probe - a virtio_net device appears (the link is up on the
 * host side). Context: task; takes RTNL (class driver). */
int kernel_virtio_probe(struct net *net, const char *name, bool f_status)
{
	struct kernel *k = net->k;
	int mode = (int)k->params.virtio_carrier_mode;
	struct net_device *dev = alloc_netdev(net, name, &virtnet_ops, sizeof(struct virtnet_info));
	struct virtnet_info *vi;
	int err;

	if (!dev)
		return -ENOMEM;
	vi = dev->priv;
	vi->dev = dev;
	vi->f_status = f_status;
	vi->link_up = true;
	vi->config_enabled = mode == VIRTIO_CARRIER_CONFIG_WORK;
	k_sleep(k, k->params.cost_virtio_probe);
	rtnl_lock(k, RTNL_CLASS_DRIVER);
	err = register_netdevice(dev);
	if (err) {
		rtnl_unlock(k);
		free_netdev(dev);
		return err;
	}
	if (mode == VIRTIO_CARRIER_CONFIG_WORK)
		rtnl_unlock(k);	/* v5.8: register_netdev released it already */
	netif_carrier_off(dev);
	if (!f_status)
		netif_carrier_on(dev);
	else if (mode == VIRTIO_CARRIER_SYNC_PROBE)
		netif_carrier_on(dev);	/* status read synchronously in probe */
	else
		virtio_config_changed(dev);	/* mode 0: work; mode 2: pending */
	if (mode != VIRTIO_CARRIER_CONFIG_WORK)
		rtnl_unlock(k);
	return 0;
}

/* kernel_virtio_set_link - the host changes the link status (a config
 * interrupt). Context: any. */
int kernel_virtio_set_link(struct net *net, const char *name, bool up)
{
	struct net_device *dev = __dev_get_by_name(net, name);

	if (!dev || dev->ops != &virtnet_ops)
		return -ENODEV;
	if (vi_of(dev)->link_up == up)
		return 0;
	vi_of(dev)->link_up = up;
	if (vi_of(dev)->f_status)
		virtio_config_changed(dev);
	return 0;
}
