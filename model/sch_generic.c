/* model/sch_generic.c - carrier bits and qdisc activation.
 *
 * Mirrors netif_carrier_on/off/event and dev_activate/dev_deactivate from
 * net/sched/sch_generic.c, and the dormant helpers from
 * include/linux/netdevice.h. Only what link_watch reads is kept of the qdisc:
 * whether a real root qdisc is attached (qdisc_sleeping) and whether the TX
 * queues point at it; qdisc_tx_changing() is "attached but not active".
 */
#include "model/internal.h"

/* netif_carrier_on - the driver reports link up. Fires a linkwatch event only
 * when the NOCARRIER bit really flips and the device has been registered;
 * counts carrier_up. v7.2 ignores it under proto_down (not in v6.18). */
void netif_carrier_on(struct net_device *dev)
{
	if (test_and_clear_bit(__LINK_STATE_NOCARRIER, &dev->state)) {
		if (dev->reg_state == NETREG_UNINITIALIZED)
			return;
		dev->carrier_up_count++;
		linkwatch_fire_event(dev);
	}
}

/* netif_carrier_off - the driver reports link down; mirror of the above. */
void netif_carrier_off(struct net_device *dev)
{
	if (!test_and_set_bit(__LINK_STATE_NOCARRIER, &dev->state)) {
		if (dev->reg_state == NETREG_UNINITIALIZED)
			return;
		dev->carrier_down_count++;
		linkwatch_fire_event(dev);
	}
}

/* netif_carrier_event - a link event with no flip (v6.1+): counts one down and
 * one up and fires, for drivers that poll the link asynchronously. */
void netif_carrier_event(struct net_device *dev)
{
	if (dev->reg_state == NETREG_UNINITIALIZED)
		return;
	dev->carrier_up_count++;
	dev->carrier_down_count++;
	linkwatch_fire_event(dev);
}

/* netif_dormant_on/off - include/linux/netdevice.h: fire a linkwatch event
 * when the DORMANT bit flips (no registration check, v5.8..v6.18). */
void netif_dormant_on(struct net_device *dev)
{
	if (!test_and_set_bit(__LINK_STATE_DORMANT, &dev->state))
		linkwatch_fire_event(dev);
}

void netif_dormant_off(struct net_device *dev)
{
	if (test_and_clear_bit(__LINK_STATE_DORMANT, &dev->state))
		linkwatch_fire_event(dev);
}

/* dev_activate - attach the default qdisc if none yet (noop -> default), and
 * point the TX queues at it only if carrier is on ("delay activation until
 * next carrier-on event"). Called by dev_open and by linkwatch_do_dev. */
void dev_activate(struct net_device *dev)
{
	if (!dev->qdisc_sleeping_real) {
		dev->qdisc_sleeping_real = true;
		dev->qdisc = dev->priv_flags_no_queue ? "noqueue" : dev->ops->default_qdisc;
	}
	if (!netif_carrier_ok(dev))
		return;
	dev->qdisc_active = true;
}

/* dev_deactivate - point the TX queues at noop_qdisc. synchronize_net() runs
 * only if a queue had a real enqueue (noqueue devices such as veth and dummy
 * skip it); under RTNL it is an expedited grace period (cost parameter). */
void dev_deactivate(struct net_device *dev)
{
	bool had_real = dev->qdisc_active && !dev->priv_flags_no_queue;

	dev->qdisc_active = false;
	if (had_real)
		k_sleep(dev_kernel(dev), dev_kernel(dev)->params.cost_synchronize_net);
}

/* dev_shutdown - unregistration drops the root qdisc: the TX queues and
 * dev->qdisc go back to noop_qdisc (IFLA_QDISC "noop" in the RTM_DELLINK).
 * Mirrors dev_shutdown() in net/sched/sch_generic.c (v5.8..v6.18), called by
 * unregister_netdevice_many before the NETDEV_UNREGISTER notifiers. */
void dev_shutdown(struct net_device *dev)
{
	dev->qdisc = "noop";
	dev->qdisc_sleeping_real = false;
	dev->qdisc_active = false;
}
