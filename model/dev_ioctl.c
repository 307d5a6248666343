/* model/dev_ioctl.c - the interface-flags ioctls.
 *
 * Mirrors the ioctls of net/core/dev_ioctl.c that Open vSwitch uses
 * (clients.md §2.4, kernel.md §3.3), same in v5.8 and v6.18:
 *  - SIOCGIFFLAGS is served by dev_ifsioc_locked() under rcu_read_lock():
 *    no RTNL, no linkwatch sync; ifr_flags is a short, so only the low 16
 *    bits of dev_get_flags() reach userspace (no LOWER_UP, DORMANT, ECHO);
 *    SIOCGIFMTU, SIOCGIFINDEX and SIOCGIFHWADDR (netdev-linux's fallbacks
 *    when a GETLINK left a field invalid) take the same RCU path;
 *  - SIOCSIFFLAGS goes through dev_ifsioc() with rtnl_lock() (an out-of-line
 *    call from dev_ioctl, so it pays an injected delay when the ioctl class
 *    is in rtnl.delay_classes) and calls dev_change_flags() with the short
 *    value, which sends the flags RTM_NEWLINK.
 * The device is looked up by name in the caller's namespace; a missing one
 * is -ENODEV (dev_ioctl after dev_load). Costs: cost.ioctl_get (no lock),
 * cost.ioctl_set (RTNL held).
 */
#include <sys/ioctl.h>

#include "model/internal.h"

/* kernel_dev_ioctl - ioctl(fd, @cmd, ifreq{@name, *@flags}).
 * Context: task (may sleep; SIOCSIFFLAGS may wait for RTNL). */
int kernel_dev_ioctl(struct net *net, unsigned int cmd, const char *name, unsigned int *flags)
{
	struct kernel *k = net->k;
	struct net_device *dev;
	int err;

	switch (cmd) {
	case SIOCGIFFLAGS:
		/* dev_ifsioc_locked: dev_get_by_name_rcu, then the short */
		k_sleep(k, k->params.cost_ioctl_get);
		dev = __dev_get_by_name(net, name);
		if (!dev)
			return -ENODEV;
		*flags = dev_get_flags(dev) & 0xffffU;
		return 0;
	case SIOCGIFMTU:
	case SIOCGIFINDEX:
	case SIOCGIFHWADDR:
		/* dev_ifsioc_locked too (HWADDR: dev_get_mac_address under
		 * dev_addr_sem since v5.12, still no RTNL); the address is not
		 * returned, *flags gets the MTU or the ifindex */
		k_sleep(k, k->params.cost_ioctl_get);
		dev = __dev_get_by_name(net, name);
		if (!dev)
			return -ENODEV;
		*flags = cmd == SIOCGIFMTU ? dev->mtu :
			 cmd == SIOCGIFINDEX ? (unsigned int)dev->ifindex : 0;
		return 0;
	case SIOCSIFFLAGS:
		/* dev_ioctl: rtnl_lock(); dev_ifsioc(); rtnl_unlock() */
		rtnl_lock(k, RTNL_CLASS_IOCTL);
		dev = __dev_get_by_name(net, name);
		if (!dev) {
			rtnl_unlock(k);
			return -ENODEV;
		}
		k_sleep(k, k->params.cost_ioctl_set);
		err = dev_change_flags(dev, *flags & 0xffffU);
		rtnl_unlock(k);
		return err < 0 ? err : 0;
	default:
		return -EINVAL;
	}
}
