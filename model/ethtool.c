/* model/ethtool.c - the ethtool ioctl, as far as RTNL goes.
 *
 * Mirrors dev_ethtool() of net/ethtool/ioctl.c (v5.8 and v6.18): SIOCETHTOOL
 * takes rtnl_lock() around the whole command (an out-of-line call, so it
 * pays an injected delay when the ethtool class is in rtnl.delay_classes),
 * looks the device up under it (-ENODEV after the lock was taken), and runs
 * the command. The get commands Open vSwitch sends (clients.md §2.4:
 * ETHTOOL_GSET or GLINKSETTINGS for features and speed, GDRVINFO for the
 * driver, and for veth since 2026 GSSET_INFO, GSTRINGS, GSTATS for the peer
 * ifindex) are modelled by their cost only, cost.ethtool with RTNL held:
 * nothing is returned, since the clients only count them. Other commands are
 * -EOPNOTSUPP.
 */
#include <linux/ethtool.h>

#include "model/internal.h"

static bool ethtool_cmd_known(unsigned int cmd)
{
	switch (cmd) {
	case ETHTOOL_GSET:
	case ETHTOOL_GLINKSETTINGS:
	case ETHTOOL_GDRVINFO:
	case ETHTOOL_GSSET_INFO:
	case ETHTOOL_GSTRINGS:
	case ETHTOOL_GSTATS:
		return true;
	default:
		return false;
	}
}

/* kernel_ethtool - ioctl(fd, SIOCETHTOOL, {@name, @cmd}).
 * Context: task (waits for RTNL, lets cost.ethtool pass while holding it). */
int kernel_ethtool(struct net *net, const char *name, unsigned int cmd)
{
	struct kernel *k = net->k;
	struct net_device *dev;
	int err = 0;

	if (!ethtool_cmd_known(cmd))
		return -EOPNOTSUPP;
	rtnl_lock(k, RTNL_CLASS_ETHTOOL);
	/* __dev_ethtool: the lookup happens with RTNL held */
	dev = __dev_get_by_name(net, name);
	if (!dev)
		err = -ENODEV;
	else
		k_sleep(k, k->params.cost_ethtool);
	rtnl_unlock(k);
	return err;
}
