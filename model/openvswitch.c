/* model/openvswitch.c - the Open vSwitch kernel datapath, as far as RTNL and
 * link notifications go.
 *
 * Mirrors net/openvswitch (datapath.c, vport-netdev.c, vport-internal_dev.c,
 * dp_notify.c) of v5.8 and v6.18 for one datapath per namespace:
 *  - OVS_DP_CMD_NEW (ovs_dp_cmd_new -> internal_dev_create): registers the
 *    datapath's internal device "ovs-system" (kind "openvswitch", down, one
 *    promiscuity reference) under rtnl_lock();
 *  - OVS_VPORT_CMD_NEW for a netdev vport (ovs_netdev_link): rtnl_lock()
 *    once, netdev_master_upper_dev_link to ovs-system (NETDEV_CHANGEUPPER:
 *    an RTM_NEWLINK carrying IFLA_MASTER), the rx handler and LRO off (no
 *    message), dev_set_promiscuity(+1) (an RTM_NEWLINK with ifi_change
 *    IFF_PROMISC; the flags userspace sees do not change, dev_get_flags
 *    shows only the user-requested PROMISC), rtnl_unlock();
 *  - OVS_VPORT_CMD_DEL (netdev_destroy -> ovs_netdev_detach_dev): rtnl_lock()
 *    once, upper unlink (RTM_NEWLINK without IFLA_MASTER), promiscuity -1
 *    (RTM_NEWLINK, change IFF_PROMISC), rtnl_unlock();
 *  - OVS_VPORT_CMD_GET: RCU only, no RTNL.
 * All genetlink commands pay cost.ovs_genl outside RTNL (parsing, ovs_lock,
 * the reply); NEW and DEL hold RTNL for cost.ovs_vport_add/_del, as class
 * genetlink (out-of-line rtnl_lock() calls in the module, so delay-kfunc
 * delays them).
 *
 * A device unregistered while it is a vport: the kernel's dp_device_event
 * (NETDEV_UNREGISTER) detaches it under the unregisterer's RTNL and queues
 * dp_notify_work, which later calls netdev_destroy; before Toke
 * Hoiland-Jorgensen's Dec-2025 fix ("net: openvswitch: Avoid needlessly
 * taking the RTNL on vport destroy", absent from v5.8 and v6.18 and set by
 * openvswitch.destroy_rtnl_always) that takes rtnl_lock() again although the
 * device is gone. The model's netdevice notifier chain (dev.c) has no
 * openvswitch subscriber, so the datapath notices such vports lazily: every
 * OVS genetlink command first sweeps its table, drops the vports whose
 * device is gone (or was replaced by another ifindex) and starts one worker
 * ("dp_notify_work") that takes RTNL once per dropped vport. The extra RTNL
 * acquisition therefore happens at the next datapath command (vswitchd
 * queries its ports on every reconfiguration) rather than at unregistration.
 * The sweep looks the vports' names up again only when devices were listed
 * or unlisted in the namespace since the last one (dev_base_seq); otherwise
 * it only checks that no vport's device was renamed.
 *
 * Left out: the genetlink vport multicast group, upcall sockets, flows,
 * vports of other types, devices moved to another namespace while attached.
 * The datapath's state is the private area of its ovs-system device, so the
 * model keeps no global state.
 */
#include <linux/if_arp.h>
#include <stdlib.h>

#include "model/internal.h"

#define OVS_DP_NAME "ovs-system"

struct ovs_vport {
	char name[IFNAMSIZ];
	int ifindex;
	/* the device found by @name; dereferenced only while the namespace's
	 * dev_base_seq is the one of the last full sweep (still listed) */
	struct net_device *dev;
};

struct datapath {
	struct ovs_vport *ports;	/* netdev vports, in add order */
	unsigned int n, cap;
	unsigned int stale;		/* gone devices waiting for dp_notify_work */
	bool work_queued;
	unsigned int swept_seq;		/* net->dev_base_seq at the last full sweep */
};

static void dp_priv_destructor(struct net_device *dev)
{
	struct datapath *dp = dev->priv;

	free(dp->ports);
}

static const struct net_device_ops internal_dev_ops = {
	.kind = "openvswitch",
	.default_qdisc = "noqueue",
	.priv_destructor = dp_priv_destructor,
	.netns_local = true,
};

static struct net_device *dp_dev(struct net *net)
{
	struct net_device *dev = __dev_get_by_name(net, OVS_DP_NAME);

	return dev && dev->ops == &internal_dev_ops ? dev : NULL;
}

/* The vport named @name, or -1. Right after dp_sweep every vport's device
 * is the one its name finds, so the name is looked up once in the
 * namespace's hash and the vports are matched by device. */
static int vport_find(const struct net_device *dpdev, const char *name)
{
	const struct datapath *dp = dpdev->priv;
	struct net_device *dev = __dev_get_by_name(dpdev->net, name);

	for (unsigned int i = 0; dev && i < dp->n; i++)
		if (dp->ports[i].dev == dev)
			return (int)i;
	return -1;
}

static void vport_remove(struct datapath *dp, unsigned int i)
{
	memmove(&dp->ports[i], &dp->ports[i + 1], (dp->n - i - 1) * sizeof(dp->ports[0]));
	dp->n--;
}

/* dp_notify_work - netdev_destroy for each vport whose device went away.
 * Context: a kernel worker task. */
static void dp_notify_work(void *arg)
{
	struct net_device *dpdev = arg;
	struct datapath *dp = dpdev->priv;
	struct kernel *k = dev_kernel(dpdev);

	dp->work_queued = false;
	while (dp->stale) {
		dp->stale--;
		if (k->params.ovs_destroy_rtnl_always) {
			/* rtnl_lock(); netif_is_ovs_port() is false now;
			 * rtnl_unlock() */
			rtnl_lock(k, RTNL_CLASS_GENETLINK);
			rtnl_unlock(k);
		}
	}
}

/* Is the vport's device still there under its name? While no device was
 * listed or unlisted in the namespace since the last full sweep, every
 * vport's device (found then, or at its add) is still listed with the same
 * ifindex, and names and ifindexes are unique: only a rename can have
 * taken the name away. Otherwise the name is looked up again. */
static bool vport_present(struct net *net, struct ovs_vport *p, bool listed)
{
	struct net_device *dev;

	/* the vport's name is zero-padded, a device's usually too (calloc'd,
	 * not renamed to a shorter name): one 16-byte compare in most cases */
	if (listed)
		return memcmp(p->dev->name, p->name, IFNAMSIZ) == 0 ||
		       strcmp(p->dev->name, p->name) == 0;
	dev = __dev_get_by_name(net, p->name);
	if (!dev || dev->ifindex != p->ifindex)
		return false;
	p->dev = dev;
	return true;
}

/* The lazy stand-in for dp_device_event: see the header comment. */
static void dp_sweep(struct net_device *dpdev)
{
	struct datapath *dp = dpdev->priv;
	struct kernel *k = dev_kernel(dpdev);
	bool listed = dp->swept_seq == dpdev->net->dev_base_seq;

	for (unsigned int i = 0; i < dp->n;) {
		if (vport_present(dpdev->net, &dp->ports[i], listed)) {
			i++;
			continue;
		}
		vport_remove(dp, i);
		dp->stale++;
	}
	dp->swept_seq = dpdev->net->dev_base_seq;
	if (dp->stale && !dp->work_queued) {
		dp->work_queued = true;
		k->svc.work_start(k->svc.ctx, "dp_notify_work", dp_notify_work, dpdev);
	}
}

/* internal_dev_create for the datapath's own device, RTNL held. */
static int dp_create_locked(struct net *net)
{
	struct net_device *dev;
	int err;

	if (dp_dev(net))
		return -EEXIST;
	dev = alloc_netdev(net, OVS_DP_NAME, &internal_dev_ops, sizeof(struct datapath));
	if (!dev)
		return -ENOMEM;
	/* do_setup: no queue; ether_setup's BROADCAST|MULTICAST stay */
	dev->priv_flags_no_queue = 1;
	err = register_netdevice(dev);
	if (err) {
		free_netdev(dev);
		return err;
	}
	/* internal_dev_create */
	dev_set_promiscuity(dev, 1);
	return 0;
}

/* kernel_ovs_dp_create - OVS_DP_CMD_NEW. Context: task. */
int kernel_ovs_dp_create(struct net *net)
{
	struct kernel *k = net->k;
	int err;

	k_sleep(k, k->params.cost_ovs_genl);
	if (dp_dev(net))
		return -EEXIST;
	rtnl_lock(k, RTNL_CLASS_GENETLINK);
	err = dp_create_locked(net);
	rtnl_unlock(k);
	return err;
}

/* kernel_ovs_vport_add - OVS_VPORT_CMD_NEW of a netdev vport (ovs_netdev_link).
 * Creates the datapath first if there is none (what OVS_DP_CMD_NEW would
 * have done). Context: task. */
int kernel_ovs_vport_add(struct net *net, const char *name)
{
	struct kernel *k = net->k;
	struct net_device *dpdev, *dev;
	struct datapath *dp;
	int err = 0;

	k_sleep(k, k->params.cost_ovs_genl);
	rtnl_lock(k, RTNL_CLASS_GENETLINK);
	dpdev = dp_dev(net);
	if (!dpdev) {
		err = dp_create_locked(net);
		dpdev = dp_dev(net);
		if (err || !dpdev)
			goto out;
	}
	dp = dpdev->priv;
	dp_sweep(dpdev);
	if (vport_find(dpdev, name) >= 0) {
		err = -EEXIST;
		goto out;
	}
	dev = __dev_get_by_name(net, name);
	if (!dev) {
		err = -ENODEV;
		goto out;
	}
	/* ovs_netdev_link: loopback, non-Ethernet and internal devices refuse */
	if ((dev->flags & IFF_LOOPBACK) || dev->type != ARPHRD_ETHER ||
	    dev->ops == &internal_dev_ops) {
		err = -EINVAL;
		goto out;
	}
	if (dev->master) {	/* netdev_master_upper_dev_link */
		err = -EBUSY;
		goto out;
	}
	if (dp->n == dp->cap) {
		unsigned int cap = dp->cap ? dp->cap * 2 : 16;
		struct ovs_vport *p = realloc(dp->ports, cap * sizeof(*p));

		if (!p) {
			err = -ENOMEM;
			goto out;
		}
		dp->ports = p;
		dp->cap = cap;
	}
	k_sleep(k, k->params.cost_ovs_vport_add);
	dev->master = dpdev;
	call_netdevice_notifiers(NETDEV_CHANGEUPPER, dev);
	dev_set_promiscuity(dev, 1);	/* ovs_netdev_link */
	memset(dp->ports[dp->n].name, 0, IFNAMSIZ);
	snprintf(dp->ports[dp->n].name, IFNAMSIZ, "%s", name);
	dp->ports[dp->n].ifindex = dev->ifindex;
	dp->ports[dp->n].dev = dev;
	dp->n++;
out:
	rtnl_unlock(k);
	return err;
}

/* kernel_ovs_vport_del - OVS_VPORT_CMD_DEL (ovs_dp_detach_port ->
 * netdev_destroy -> ovs_netdev_detach_dev). Context: task. */
int kernel_ovs_vport_del(struct net *net, const char *name)
{
	struct kernel *k = net->k;
	struct net_device *dpdev, *dev;
	struct datapath *dp;
	int i;

	k_sleep(k, k->params.cost_ovs_genl);
	dpdev = dp_dev(net);
	if (!dpdev)
		return -ENODEV;
	dp = dpdev->priv;
	dp_sweep(dpdev);
	i = vport_find(dpdev, name);
	if (i < 0)
		return -ENODEV;
	vport_remove(dp, (unsigned int)i);
	/* netdev_destroy: rtnl_lock() whether or not the device is still a
	 * port (it is here: the sweep dropped the gone ones) */
	rtnl_lock(k, RTNL_CLASS_GENETLINK);
	dev = __dev_get_by_name(net, name);
	if (dev && dev->master == dpdev) {
		k_sleep(k, k->params.cost_ovs_vport_del);
		dev->master = NULL;
		call_netdevice_notifiers(NETDEV_CHANGEUPPER, dev);
		dev_set_promiscuity(dev, -1);	/* ovs_netdev_detach_dev */
	}
	rtnl_unlock(k);
	return 0;
}

/* kernel_ovs_vport_get - OVS_VPORT_CMD_GET by name (RCU, no RTNL).
 * Context: task. */
int kernel_ovs_vport_get(struct net *net, const char *name)
{
	struct kernel *k = net->k;
	struct net_device *dpdev;

	k_sleep(k, k->params.cost_ovs_genl);
	dpdev = dp_dev(net);
	if (!dpdev)
		return -ENODEV;
	dp_sweep(dpdev);
	return vport_find(dpdev, name) >= 0 ? 0 : -ENODEV;
}
