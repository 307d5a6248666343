/* model/link_watch.c - link_watch: carrier changes to operstate and RTM_NEWLINK.
 *
 * Mirrors net/core/link_watch.c function for function, in the kernel's
 * callee-first order (kernel.md §1 and §2 describe every rule). One queue, one
 * next-event stamp, one LW_URGENT bit and one delayed work per kernel, shared
 * by all namespaces, as in the kernel. Version differences are profile
 * parameters: the LOWERLAYERDOWN rule (v6.2), where the presence test sits
 * (v5.14), linkwatch_sync_dev from RTM_GETLINK (v6.8); the what-if policy
 * linkwatch.urgent_on_up_oper_down (Wen Yang, 2020) is a parameter too.
 *
 * Left out: the refcount tracker (a plain dev_hold/dev_put is kept), the
 * per-device ops lock of v6.15 (the model is single-threaded), the workqueue
 * flavour (system_wq vs unbound: no CPU model).
 */
#include "model/internal.h"

#define LW_URGENT 0
#define MAX_DO_DEV_PER_LOOP 100

static void linkwatch_event(struct delayed_work *dw);

void linkwatch_init(struct kernel *k)
{
	CDS_INIT_LIST_HEAD(&k->lw.list);
	k->lw.nextevent = 0;	/* statically zero at boot */
	delayed_work_init(k, &k->lw.work, "linkwatch", linkwatch_event);
}

void linkwatch_fini(struct kernel *k)
{
	struct net_device *dev, *tmp;

	cds_list_for_each_entry_safe(dev, tmp, &k->lw.list, link_watch_list) {
		cds_list_del_init(&dev->link_watch_list);
		clear_bit(__LINK_STATE_LINKWATCH_PENDING, &dev->state);
		dev_put(dev);
	}
	k->lw.len = 0;
	delayed_work_fini(&k->lw.work);
}

static void lw_queue_event(struct kernel *k)
{
	struct kernel_event ev = { .type = KEV_LINKWATCH_QUEUE, .count = k->lw.len };

	k_event(k, &ev);
}

/* default_operstate - what RFC 2863 state the device's bits imply.
 * Mirrors default_operstate(): TESTING, then carrier off (LOWERLAYERDOWN or
 * DOWN by the profile's rule), then DORMANT, else UP. v5.8 reports
 * LOWERLAYERDOWN whenever the device is stacked (iflink != ifindex); since
 * v6.2 (8c55facecd7a) only when the iflink device, looked up by index in the
 * device's own namespace, exists and lacks carrier, and an unregistering
 * device counts as not stacked (750e51603395). */
unsigned char default_operstate(const struct net_device *dev)
{
	const struct kernel *k = dev_kernel(dev);

	if (netif_testing(dev))
		return IF_OPER_TESTING;
	if (!netif_carrier_ok(dev)) {
		int iflink = dev_get_iflink(dev);
		struct net_device *peer;

		if (!k->params.lowerlayerdown_needs_lower_down)
			return dev->ifindex != iflink ? IF_OPER_LOWERLAYERDOWN : IF_OPER_DOWN;
		if (dev->reg_state > NETREG_REGISTERED)
			iflink = dev->ifindex;
		if (iflink == dev->ifindex)
			return IF_OPER_DOWN;
		peer = __dev_get_by_index(dev->net, iflink);
		if (!peer || netif_carrier_ok(peer))
			return IF_OPER_DOWN;
		return IF_OPER_LOWERLAYERDOWN;
	}
	if (netif_dormant(dev))
		return IF_OPER_DORMANT;
	return IF_OPER_UP;
}

/* rfc2863_policy - recompute and store dev->operstate, applying link_mode.
 * Mirrors rfc2863_policy(); the early return compares the unmapped value, as
 * the kernel does. Kernel writes under dev_base_lock (v5.8) or WRITE_ONCE
 * (v6.x); the single-threaded model needs neither. */
void rfc2863_policy(struct net_device *dev)
{
	unsigned char operstate = default_operstate(dev);

	if (operstate == dev->operstate)
		return;
	switch (dev->link_mode) {
	case IF_LINK_MODE_TESTING:
		if (operstate == IF_OPER_UP)
			operstate = IF_OPER_TESTING;
		break;
	case IF_LINK_MODE_DORMANT:
		if (operstate == IF_OPER_UP)
			operstate = IF_OPER_DORMANT;
		break;
	default:
		break;
	}
	dev->operstate = operstate;
}

/* linkwatch_init_dev - at registration, settle operstate of a device that is
 * registered without carrier, dormant or testing; no event, no message. */
void linkwatch_init_dev(struct net_device *dev)
{
	if (!netif_carrier_ok(dev) || netif_dormant(dev) || netif_testing(dev))
		rfc2863_policy(dev);
}

/* linkwatch_urgent_event - may this event skip the one-second slot?
 * Mirrors linkwatch_urgent_event(), unchanged v5.8 to v6.18, in its order:
 * not running -> no; stacked (ifindex != iflink) -> yes; LAG port/master ->
 * yes (no LAG devices are modelled); else carrier on while the qdisc is not
 * active yet. The policy linkwatch.urgent_on_up_oper_down inserts Wen Yang's
 * rule (admin up and operstate DOWN) before the qdisc test, where the patch
 * put it. Context: any; takes no lock. */
bool linkwatch_urgent_event(const struct net_device *dev)
{
	if (!netif_running(dev))
		return false;
	if (dev->ifindex != dev_get_iflink(dev))
		return true;
	if (dev_kernel(dev)->params.urgent_on_up_oper_down && (dev->flags & IFF_UP) &&
	    dev->operstate == IF_OPER_DOWN)
		return true;
	return netif_carrier_ok(dev) && qdisc_tx_changing(dev);
}

/* linkwatch_add_event - append to the FIFO unless already queued. */
static void linkwatch_add_event(struct net_device *dev)
{
	struct kernel *k = dev_kernel(dev);

	/* kernel holds lweventlist_lock here; the model needs nothing */
	if (cds_list_empty(&dev->link_watch_list)) {
		cds_list_add_tail(&dev->link_watch_list, &k->lw.list);
		k->lw.len++;
		dev_hold(dev);
		lw_queue_event(k);
	}
}

/* linkwatch_schedule_work - arm the work for the next slot, or now if urgent.
 * The delay is an unsigned difference: a slot in the past (or nextevent 0 at
 * boot) wraps to a huge value and the clamp turns it into 0. A non-urgent
 * event never moves a timer that is already armed. */
static void linkwatch_schedule_work(struct kernel *k, bool urgent)
{
	unsigned long delay = k->lw.nextevent - k_jiffies(k);

	if (test_bit(LW_URGENT, &k->lw.flags))
		return;
	if (urgent) {
		if (test_and_set_bit(LW_URGENT, &k->lw.flags))
			return;
		delay = 0;
	}
	/* If we wrap around we'll delay it by at most HZ. */
	if (delay > (unsigned long)k->params.hz)
		delay = 0;
	if (test_bit(LW_URGENT, &k->lw.flags))
		mod_delayed_work(&k->lw.work, 0);
	else
		queue_delayed_work(&k->lw.work, delay);
}

/* linkwatch_do_dev - apply one device's pending event.
 * Mirrors linkwatch_do_dev(): clear PENDING, run the policy, and only for an
 * admin-up device (v5.8: and present) activate or deactivate the qdisc and
 * send one RTM_NEWLINK through netdev_state_change - unconditionally, even
 * if nothing visible changed. Caller holds RTNL. Context: task; may sleep
 * (cost.linkwatch_dev, and synchronize_net for a real qdisc going down). */
static void linkwatch_do_dev(struct net_device *dev)
{
	struct kernel *k = dev_kernel(dev);

	ASSERT_RTNL(k);
	clear_bit(__LINK_STATE_LINKWATCH_PENDING, &dev->state);
	rfc2863_policy(dev);
	k_sleep(k, k->params.cost_linkwatch_dev);
	if ((dev->flags & IFF_UP) &&
	    (k->params.linkwatch_presence_requeue || netif_device_present(dev))) {
		if (netif_carrier_ok(dev))
			dev_activate(dev);
		else
			dev_deactivate(dev);
		netdev_state_change(dev);
	}
}

/* __linkwatch_run_queue - process up to 100 (200 urgent-only) devices.
 * A full run moves the slot to now + HZ; an urgent-only run leaves it, except
 * for the wrap clamp. Devices that are absent (v5.14+) or, in an urgent-only
 * run, no longer urgent go back to the tail of the global list; whatever the
 * budget left goes back to the head; leftovers reschedule the work. */
static void __linkwatch_run_queue(struct kernel *k, bool urgent_only)
{
	int do_dev = MAX_DO_DEV_PER_LOOP;
	unsigned long now = k_jiffies(k);
	struct kernel_event ev = { .type = KEV_LINKWATCH_RUN, .urgent_only = urgent_only };
	CDS_LIST_HEAD(wrk);
	long processed = 0;

	/* Give urgent case more budget */
	if (urgent_only)
		do_dev += MAX_DO_DEV_PER_LOOP;
	/* Limit the number of linkwatch events to one per second so that a
	 * runaway driver does not cause a storm of messages on the netlink
	 * socket. This limit does not apply to up events while the device
	 * qdisc is down. */
	if (!urgent_only)
		k->lw.nextevent = now + (unsigned long)k->params.hz;
	else if (time_after(k->lw.nextevent, now + (unsigned long)k->params.hz))
		k->lw.nextevent = now;	/* limit wrap-around effect on delay */

	clear_bit(LW_URGENT, &k->lw.flags);
	cds_list_splice(&k->lw.list, &wrk);
	CDS_INIT_LIST_HEAD(&k->lw.list);

	while (!cds_list_empty(&wrk) && do_dev > 0) {
		struct net_device *dev =
			cds_list_first_entry(&wrk, struct net_device, link_watch_list);

		cds_list_del_init(&dev->link_watch_list);
		if ((k->params.linkwatch_presence_requeue && !netif_device_present(dev)) ||
		    (urgent_only && !linkwatch_urgent_event(dev))) {
			cds_list_add_tail(&dev->link_watch_list, &k->lw.list);
			continue;
		}
		k->lw.len--;
		k->lw.inflight = dev;
		linkwatch_do_dev(dev);
		k->lw.inflight = NULL;
		dev_put(dev);
		processed++;
		do_dev--;
	}
	/* Add the remaining work back to lweventlist */
	cds_list_splice(&wrk, &k->lw.list);
	lw_queue_event(k);

	k->counters.linkwatch_runs++;
	if (urgent_only)
		k->counters.linkwatch_urgent_runs++;
	k->counters.linkwatch_devs += processed;
	ev.count = processed;
	k_event(k, &ev);

	if (!cds_list_empty(&k->lw.list))
		linkwatch_schedule_work(k, false);
}

/* linkwatch_sync_dev - run @dev's pending event now, in the caller's context.
 * v6.8+ (facd15dfd691): RTM_GETLINK doit, sysfs carrier and ethtool get_link
 * call it under RTNL; before v6.8 it was linkwatch_forget_dev, called only
 * at unregistration. Includes the RTM_NEWLINK broadcast. */
void linkwatch_sync_dev(struct net_device *dev)
{
	struct kernel *k = dev_kernel(dev);

	if (cds_list_empty(&dev->link_watch_list))
		return;
	cds_list_del_init(&dev->link_watch_list);
	k->lw.len--;
	lw_queue_event(k);
	k->lw.inflight = dev;
	linkwatch_do_dev(dev);
	k->lw.inflight = NULL;
	dev_put(dev);
}

/* linkwatch_forget_dev - the v5.8 name; same behaviour. */
void linkwatch_forget_dev(struct net_device *dev)
{
	linkwatch_sync_dev(dev);
}

/* linkwatch_run_queue - a full run; caller holds RTNL (netdev_wait_allrefs). */
void linkwatch_run_queue(struct kernel *k)
{
	__linkwatch_run_queue(k, false);
}

/* linkwatch_event - the work handler: takes the global RTNL (every version;
 * never rtnl_net_lock, the queue spans namespaces) and runs an urgent-only
 * pass if it runs before the slot. */
static void linkwatch_event(struct delayed_work *dw)
{
	struct kernel *k = dw->k;

	rtnl_lock(k, RTNL_CLASS_LINKWATCH);
	__linkwatch_run_queue(k, time_after(k->lw.nextevent, k_jiffies(k)));
	rtnl_unlock(k);
}

/* linkwatch_fire_event - a device's carrier, dormant or testing bit changed.
 * Urgency is computed first, from the state at fire time; an event for a
 * device already pending is coalesced (non-urgent: nothing rescheduled). */
void linkwatch_fire_event(struct net_device *dev)
{
	bool urgent = linkwatch_urgent_event(dev);

	if (!test_and_set_bit(__LINK_STATE_LINKWATCH_PENDING, &dev->state)) {
		linkwatch_add_event(dev);
	} else if (!urgent) {
		return;
	}
	linkwatch_schedule_work(dev_kernel(dev), urgent);
}
