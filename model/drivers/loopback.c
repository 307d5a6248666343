/* model/drivers/loopback.c - lo, the first device of every namespace.
 *
 * Mirrors loopback_net_init() (drivers/net/loopback.c): registered when the
 * namespace is created, with ifindex 1 (LOOPBACK_IFINDEX), type
 * ARPHRD_LOOPBACK, IFF_LOOPBACK, MTU 65536, an all-zero address, qdisc
 * noqueue once up. It starts down, as in a fresh namespace.
 */
#include <linux/if_arp.h>

#include "model/internal.h"

static const struct net_device_ops loopback_ops = {
	.kind = NULL,
	.default_qdisc = "noqueue",
	.netns_local = true,
};

/* loopback_net_init - create and register lo in @net (no listeners exist yet,
 * so its RTM_NEWLINK reaches nobody). */
int loopback_net_init(struct net *net)
{
	struct net_device *dev = alloc_netdev(net, "lo", &loopback_ops, 0);
	struct kernel *k = net->k;
	bool in_task = k->svc.current(k->svc.ctx) != NULL;
	bool locked = rtnl_is_locked(k);
	int err;

	if (!dev)
		return -ENOMEM;
	dev->type = ARPHRD_LOOPBACK;
	dev->flags = IFF_LOOPBACK;
	dev->mtu = 65536;
	dev->max_mtu = 65536;
	dev->priv_flags_no_queue = 1;
	dev->tx_queue_len = 1000;
	memset(dev->addr, 0, sizeof(dev->addr));
	memset(dev->broadcast, 0, sizeof(dev->broadcast));
	dev->addr_assign_type = 0;
	dev->ifindex = 1;
	/* loopback_net_init registers lo with register_netdev(), which takes
	 * RTNL through rtnl_lock_killable() (v5.8 to v6.18; Debian's 6.1, 6.12
	 * and 7.2 binaries, docs/kernel-measurements.md), not rtnl_lock(): a
	 * delay-kfunc on rtnl_lock does not see it, hence its own class, not
	 * delayed by default. At boot no task exists and nothing else runs:
	 * mark RTNL held for the assertions only. From a task (`ip netns add`
	 * during a run) take it for real, so nobody else can run under RTNL
	 * while registration sleeps. */
	if (in_task) {
		rtnl_lock(k, RTNL_CLASS_REGISTER);
		err = register_netdevice(dev);
		rtnl_unlock(k);
	} else {
		k->rtnl.locked = true;
		err = register_netdevice(dev);
		k->rtnl.locked = locked;
	}
	if (err)
		free_netdev(dev);
	else
		net->loopback_dev = dev;
	net->ifindex = 1;
	return err;
}
