/* model/dev.c - net devices: allocation, registration, flags, names, moves.
 *
 * Mirrors the parts of net/core/dev.c that decide what rtnetlink clients see:
 * dev_new_index and list/unlist_netdevice (ifindex per namespace, lo is 1,
 * dev_base_seq bumped on (un)listing only), register_netdevice (PRESENT,
 * linkwatch_init_dev, the RTM_NEWLINK for devices not created through
 * rtnetlink), the unregister batch (close, DELLINK after the UNREGISTER
 * notifiers, linkwatch_forget_dev), dev_change_flags with __dev_open and
 * __dev_close and __dev_notify_flags (the flags RTM_NEWLINK with the XOR of
 * old and new flags), dev_get_flags as userspace sees it, MTU, MAC, rename,
 * carrier through ndo_change_carrier, and dev_change_net_namespace.
 * Same behaviour v5.8 to v6.18 unless a comment says otherwise.
 *
 * Left out: features, queues, promiscuity counting, altnames, the per-device
 * ops lock of v6.15, and netdev_wait_allrefs (references are checked once at
 * unregistration and counted as leaks).
 */
#include <stdlib.h>
#include <stdio.h>

#include <linux/if_arp.h>

#include "model/internal.h"

static struct cds_list_head *name_bucket(struct net *net, const char *name)
{
	uint32_t h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return &net->dev_name_head[h & ((1u << net->name_hash_bits) - 1)];
}

/* net_name_hash_init - (re)build the name hash with 2^@bits buckets from the
 * listed devices. Only lookups use it, never an iteration, so the order of
 * a chain does not matter. */
int net_name_hash_init(struct net *net, unsigned int bits)
{
	struct cds_list_head *heads = malloc(sizeof(*heads) << bits);

	if (!heads)
		return -ENOMEM;
	for (unsigned int i = 0; i < 1u << bits; i++)
		CDS_INIT_LIST_HEAD(&heads[i]);
	free(net->dev_name_head);
	net->dev_name_head = heads;
	net->name_hash_bits = bits;
	for (unsigned int i = 0; i < net->ndev; i++)
		cds_list_add(&net->by_index[i]->name_hlist,
			     name_bucket(net, net->by_index[i]->name));
	return 0;
}

struct net_device *__dev_get_by_name(struct net *net, const char *name)
{
	struct net_device *dev;

	cds_list_for_each_entry(dev, name_bucket(net, name), name_hlist)
		if (strcmp(dev->name, name) == 0)
			return dev;
	return NULL;
}

/* net_dev_index_pos - position of the first device with ifindex >= @ifindex
 * in net->by_index (binary search). */
unsigned int net_dev_index_pos(const struct net *net, int ifindex)
{
	unsigned int lo = 0, hi = net->ndev;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (net->by_index[mid]->ifindex < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct net_device *__dev_get_by_index(struct net *net, int ifindex)
{
	unsigned int pos = net_dev_index_pos(net, ifindex);

	if (pos < net->ndev && net->by_index[pos]->ifindex == ifindex)
		return net->by_index[pos];
	return NULL;
}

/* dev_get_iflink - ndo_get_iflink, else the device's own index (net/core/dev.c). */
int dev_get_iflink(const struct net_device *dev)
{
	return dev->ops->ndo_get_iflink ? dev->ops->ndo_get_iflink(dev) : dev->ifindex;
}

void dev_hold(struct net_device *dev)
{
	dev->refcnt++;
}

/* dev_put - drop a reference. An unregistered device whose last reference
 * goes is freed here: netdev_run_todo waits for that moment in the kernel
 * (netdev_wait_allrefs); the model parks the device instead (k->zombies). */
void dev_put(struct net_device *dev)
{
	WARN_ON(dev->refcnt <= 0);
	if (--dev->refcnt == 0 && dev->reg_state == NETREG_UNREGISTERED) {
		cds_list_del(&dev->todo_list);
		free_netdev(dev);
	}
}

/* kernel_destroy's end: devices whose references were never dropped. */
int netdev_free_zombies(struct kernel *k)
{
	struct net_device *dev, *tmp;
	int leaked = 0;

	cds_list_for_each_entry_safe(dev, tmp, &k->zombies, todo_list) {
		leaked += dev->refcnt;
		cds_list_del(&dev->todo_list);
		free_netdev(dev);
	}
	return leaked;
}

/* dev_valid_name - same rules as the kernel: 1..15 bytes, not "." or "..",
 * no '/', ':' or whitespace. */
bool dev_valid_name(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= IFNAMSIZ)
		return false;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (; *name; name++)
		if (*name == '/' || *name == ':' || *name == ' ' || *name == '\t' ||
		    *name == '\n')
			return false;
	return true;
}

/* eth_random_addr - a locally administered unicast MAC from the seeded PRNG. */
void eth_random_addr(struct kernel *k, unsigned char *addr)
{
	uint64_t r = k->svc.random(k->svc.ctx);

	for (int i = 0; i < 6; i++)
		addr[i] = (unsigned char)(r >> (8 * i));
	addr[0] &= 0xfe;	/* clear multicast bit */
	addr[0] |= 0x02;	/* set local assignment bit */
}

/* alloc_netdev - an Ethernet-like device in @net, not yet registered.
 * Carrier defaults to on (NOCARRIER clear), operstate UNKNOWN, qdisc noop. */
struct net_device *alloc_netdev(struct net *net, const char *name,
				const struct net_device_ops *ops, size_t priv_size)
{
	struct net_device *dev = calloc(1, sizeof(*dev) + priv_size);

	if (!dev)
		return NULL;
	dev->net = net;
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	dev->ops = ops;
	dev->priv = priv_size ? (void *)(dev + 1) : NULL;
	dev->type = ARPHRD_ETHER;
	dev->flags = IFF_BROADCAST | IFF_MULTICAST;
	dev->mtu = 1500;
	dev->min_mtu = 68;
	dev->max_mtu = 65535;
	dev->addr_len = 6;
	eth_random_addr(net->k, dev->addr);
	dev->addr_assign_type = 1;	/* NET_ADDR_RANDOM */
	memset(dev->broadcast, 0xff, 6);
	dev->tx_queue_len = 1000;
	dev->qdisc = "noop";
	dev->operstate = IF_OPER_UNKNOWN;
	CDS_INIT_LIST_HEAD(&dev->link_watch_list);
	CDS_INIT_LIST_HEAD(&dev->in6_dad_list);
	CDS_INIT_LIST_HEAD(&dev->index_hlist);
	CDS_INIT_LIST_HEAD(&dev->name_hlist);
	CDS_INIT_LIST_HEAD(&dev->todo_list);
	return dev;
}

void free_netdev(struct net_device *dev)
{
	WARN_ON(!cds_list_empty(&dev->in6_dad_list));	/* addrconf took it off at DOWN */
	if (dev->ops->priv_destructor)
		dev->ops->priv_destructor(dev);
	free(dev);
}

static void dev_base_seq_inc(struct net *net)
{
	while (++net->dev_base_seq == 0)
		;
}

/* list_netdevice - make the device visible in its namespace. */
static int list_netdevice(struct net_device *dev)
{
	struct net *net = dev->net;
	unsigned int pos;

	if (net->ndev == net->ndev_cap) {
		unsigned int cap = net->ndev_cap ? net->ndev_cap * 2 : 16;
		struct net_device **n = realloc(net->by_index, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		net->by_index = n;
		net->ndev_cap = cap;
	}
	pos = net_dev_index_pos(net, dev->ifindex);
	memmove(&net->by_index[pos + 1], &net->by_index[pos],
		(net->ndev - pos) * sizeof(net->by_index[0]));
	net->by_index[pos] = dev;
	net->ndev++;
	cds_list_add(&dev->index_hlist, &net->dev_index_head[dev->ifindex & 255]);
	/* a rebuilt table holds dev already; if it cannot grow, the old one
	 * stays and only gets slower */
	if (net->ndev <= 2u << net->name_hash_bits || net->name_hash_bits >= 20 ||
	    net_name_hash_init(net, net->name_hash_bits + 2) < 0)
		cds_list_add(&dev->name_hlist, name_bucket(net, dev->name));
	dev->list_seq = ++net->list_seq;
	dev_base_seq_inc(net);
	return 0;
}

static void unlist_netdevice(struct net_device *dev)
{
	struct net *net = dev->net;
	unsigned int pos = net_dev_index_pos(net, dev->ifindex);

	if (WARN_ON(pos >= net->ndev || net->by_index[pos] != dev))
		return;
	memmove(&net->by_index[pos], &net->by_index[pos + 1],
		(net->ndev - pos - 1) * sizeof(net->by_index[0]));
	net->ndev--;
	cds_list_del_init(&dev->index_hlist);
	cds_list_del_init(&dev->name_hlist);
	dev_base_seq_inc(net);
}

/* dev_new_index - next free ifindex of the namespace, cyclic from the last
 * one handed out (v5.8 counter; v6.x xa_alloc_cyclic behaves the same). */
static int dev_new_index(struct net *net)
{
	for (;;) {
		if (++net->ifindex <= 0)
			net->ifindex = 1;
		if (!__dev_get_by_index(net, net->ifindex))
			return net->ifindex;
	}
}

/* register_netdevice - list the device and announce it.
 * Context: caller holds RTNL. */
int register_netdevice(struct net_device *dev)
{
	struct kernel *k = dev_kernel(dev);
	struct net *net = dev->net;
	int err;

	ASSERT_RTNL(k);
	if (!dev_valid_name(dev->name))
		return -EINVAL;
	if (__dev_get_by_name(net, dev->name))
		return -EEXIST;
	if (dev->ifindex <= 0)
		dev->ifindex = dev_new_index(net);
	else if (__dev_get_by_index(net, dev->ifindex))
		return -EBUSY;
	k_sleep(k, k->params.cost_register);
	set_bit(__LINK_STATE_PRESENT, &dev->state);
	linkwatch_init_dev(dev);
	err = list_netdevice(dev);
	if (err)
		return err;
	dev->reg_state = NETREG_REGISTERED;
	dev_hold(dev);		/* the registration's own reference */
	call_netdevice_notifiers(NETDEV_REGISTER, dev);
	if (!dev->rtnl_link_initializing)
		rtmsg_ifinfo(RTM_NEWLINK, dev, ~0U);
	return 0;
}

/* unregister_netdevice_queue - add @dev to the batch @kill (net/core/dev.c);
 * also the default rtnl_link_ops->dellink. */
void unregister_netdevice_queue(struct net_device *dev, struct cds_list_head *kill)
{
	if (cds_list_empty(&dev->todo_list))
		cds_list_add_tail(&dev->todo_list, kill);
}

static void __dev_close(struct net_device *dev);

/* unregister_netdevice_many - the batch of unregister_netdevice_many_notify:
 * close the up devices (dev_close_many: one RTM_NEWLINK each, change
 * IFF_UP|IFF_RUNNING, and NETDEV_DOWN), unlist them, drop the qdisc
 * (dev_shutdown), run the UNREGISTER notifiers, then build and send
 * RTM_DELLINK; afterwards netdev_run_todo forgets pending linkwatch work and
 * frees. */
void unregister_netdevice_many(struct kernel *k, struct cds_list_head *kill)
{
	struct net_device *dev, *tmp;

	cds_list_for_each_entry(dev, kill, todo_list) {
		if (dev->flags & IFF_UP) {
			__dev_close(dev);
			/* dev_close_many: ifi_change is exactly IFF_UP|IFF_RUNNING,
			 * whatever else changed (LOWER_UP...) */
			rtmsg_ifinfo(RTM_NEWLINK, dev, IFF_UP | IFF_RUNNING);
			call_netdevice_notifiers(NETDEV_DOWN, dev);
		}
	}
	cds_list_for_each_entry(dev, kill, todo_list) {
		dev->reg_state = NETREG_UNREGISTERING;
		unlist_netdevice(dev);
	}
	cds_list_for_each_entry(dev, kill, todo_list) {
		if (k->svc.current(k->svc.ctx))
			k_sleep(k, k->params.cost_unregister);
		dev_shutdown(dev);
		call_netdevice_notifiers(NETDEV_UNREGISTER, dev);
		/* no DELLINK for a device whose creation never completed */
		if (!dev->rtnl_link_initializing)
			rtmsg_ifinfo_newnet(RTM_DELLINK, dev, ~0U, -1, 0);
		if (dev->ops->ndo_uninit)
			dev->ops->ndo_uninit(dev);
	}
	/* netdev_run_todo: the kernel drops RTNL, then rcu_barrier() (v5.8..v6.18)
	 * before the frees; the unregistering task pays it in rtnl_unlock(). The
	 * frees themselves happen here, as nothing waits for references. */
	if (!cds_list_empty(kill) && k->svc.current(k->svc.ctx))
		k->rtnl.unreg_barrier_due = true;
	cds_list_for_each_entry_safe(dev, tmp, kill, todo_list) {
		cds_list_del(&dev->todo_list);
		cds_list_add_tail(&dev->todo_list, &k->zombies);
		linkwatch_forget_dev(dev);
		dev->reg_state = NETREG_UNREGISTERED;
		dev_put(dev);	/* frees it unless someone still holds it */
	}
}

void unregister_netdevice(struct net_device *dev)
{
	CDS_LIST_HEAD(kill);

	unregister_netdevice_queue(dev, &kill);
	unregister_netdevice_many(dev_kernel(dev), &kill);
}

/* dev_get_flags - flags as userspace sees them (dev_get_flags/netif_get_flags):
 * admin flags without the volatile bits, plus, only while running, RUNNING
 * from operstate (UP or UNKNOWN), LOWER_UP from the carrier bit and DORMANT
 * from the dormant bit. RUNNING and LOWER_UP disagree until linkwatch runs. */
unsigned int dev_get_flags(const struct net_device *dev)
{
	unsigned int flags;

	flags = (dev->flags & ~(IFF_PROMISC | IFF_ALLMULTI | IFF_RUNNING | IFF_LOWER_UP |
				IFF_DORMANT)) |
		(dev->gflags & (IFF_PROMISC | IFF_ALLMULTI));
	if (netif_running(dev)) {
		if (netif_oper_up(dev))
			flags |= IFF_RUNNING;
		if (netif_carrier_ok(dev))
			flags |= IFF_LOWER_UP;
		if (netif_dormant(dev))
			flags |= IFF_DORMANT;
	}
	return flags;
}

/* __dev_open: START is set before ndo_open, so carrier changes a driver makes
 * inside ndo_open count as "running" for linkwatch's urgency test. */
static int __dev_open(struct net_device *dev)
{
	int err = 0;

	if (!netif_device_present(dev))
		return -ENODEV;
	set_bit(__LINK_STATE_START, &dev->state);
	if (dev->ops->ndo_open)
		err = dev->ops->ndo_open(dev);
	if (err) {
		clear_bit(__LINK_STATE_START, &dev->state);
		return err;
	}
	dev->flags |= IFF_UP;
	dev_activate(dev);
	return 0;
}

/* __dev_close: START is cleared and the qdisc deactivated before ndo_stop, so
 * carrier changes inside ndo_stop are not urgent. */
static void __dev_close(struct net_device *dev)
{
	clear_bit(__LINK_STATE_START, &dev->state);
	dev_deactivate(dev);
	if (dev->ops->ndo_stop)
		dev->ops->ndo_stop(dev);
	dev->flags &= ~IFF_UP;
}

/* dev_open - in-kernel open (net/core/dev.c): __dev_open, then an
 * RTM_NEWLINK whose ifi_change is IFF_UP|IFF_RUNNING and NETDEV_UP. */
int dev_open(struct net_device *dev)
{
	int err;

	if (dev->flags & IFF_UP)
		return 0;
	err = __dev_open(dev);
	if (err)
		return err;
	rtmsg_ifinfo(RTM_NEWLINK, dev, IFF_UP | IFF_RUNNING);
	call_netdevice_notifiers(NETDEV_UP, dev);
	return 0;
}

/* dev_close - in-kernel close (dev_close_many): __dev_close, an RTM_NEWLINK
 * with ifi_change IFF_UP|IFF_RUNNING, then NETDEV_DOWN. */
void dev_close(struct net_device *dev)
{
	if (!(dev->flags & IFF_UP))
		return;
	__dev_close(dev);
	rtmsg_ifinfo(RTM_NEWLINK, dev, IFF_UP | IFF_RUNNING);
	call_netdevice_notifiers(NETDEV_DOWN, dev);
}

static void __dev_set_promiscuity(struct net_device *dev, int inc, bool notify);

/* __dev_change_flags - apply @flags: the kept bits follow the kernel's
 * __dev_change_flags; opens or closes the device; no notification. */
int __dev_change_flags(struct net_device *dev, unsigned int flags)
{
	unsigned int old_flags = dev->flags;
	int ret = 0;

	ASSERT_RTNL(dev_kernel(dev));
	dev->flags = (flags & (IFF_DEBUG | IFF_NOTRAILERS | IFF_NOARP | IFF_DYNAMIC |
			       IFF_MULTICAST | IFF_PORTSEL | IFF_AUTOMEDIA)) |
		     (dev->flags & (IFF_UP | IFF_VOLATILE | IFF_PROMISC | IFF_ALLMULTI));
	if ((old_flags ^ flags) & IFF_UP) {
		if (old_flags & IFF_UP)
			__dev_close(dev);
		else
			ret = __dev_open(dev);
	}
	if ((flags ^ dev->gflags) & IFF_PROMISC) {
		dev->gflags ^= IFF_PROMISC;
		__dev_set_promiscuity(dev, (dev->gflags & IFF_PROMISC) ? 1 : -1, false);
	}
	if ((flags ^ dev->gflags) & IFF_ALLMULTI)
		dev->gflags ^= IFF_ALLMULTI;
	return ret;
}

/* __dev_notify_flags - the flags RTM_NEWLINK (ifi_change = @gchanges, never
 * RUNNING or LOWER_UP) sent after the open or close completed, then the
 * NETDEV_UP/DOWN notifiers. */
void __dev_notify_flags(struct net_device *dev, unsigned int old_flags, unsigned int gchanges)
{
	if (gchanges)
		rtmsg_ifinfo(RTM_NEWLINK, dev, gchanges);
	if ((old_flags ^ dev->flags) & IFF_UP)
		call_netdevice_notifiers(dev->flags & IFF_UP ? NETDEV_UP : NETDEV_DOWN, dev);
}

/* dev_change_flags - userspace's flag change (RTM_SETLINK ifi_flags,
 * SIOCSIFFLAGS): __dev_change_flags, then the XOR of old and new flags as
 * ifi_change. */
int dev_change_flags(struct net_device *dev, unsigned int flags)
{
	unsigned int old_flags = dev->flags, old_gflags = dev->gflags;
	int ret = __dev_change_flags(dev, flags);

	if (ret < 0)
		return ret;
	__dev_notify_flags(dev, old_flags, (old_flags ^ dev->flags) | (old_gflags ^ dev->gflags));
	return ret;
}

/* dev_set_promiscuity - an in-kernel user (bridge port, OVS vport) asks for
 * promiscuous mode. Mirrors __dev_set_promiscuity: IFF_PROMISC in dev->flags
 * follows the counter, and a change notifies with ifi_change = IFF_PROMISC;
 * dev_get_flags still shows PROMISC only when userspace asked (gflags). */
static void __dev_set_promiscuity(struct net_device *dev, int inc, bool notify)
{
	unsigned int old_flags = dev->flags;

	if (inc < 0 && dev->promiscuity < (unsigned int)-inc)
		inc = -(int)dev->promiscuity;
	dev->promiscuity = (unsigned int)((int)dev->promiscuity + inc);
	if (dev->promiscuity)
		dev->flags |= IFF_PROMISC;
	else
		dev->flags &= ~IFF_PROMISC;
	/* the kernel notifies whenever asked to, changed flags or not */
	if (notify)
		__dev_notify_flags(dev, old_flags, IFF_PROMISC);
}

void dev_set_promiscuity(struct net_device *dev, int inc)
{
	__dev_set_promiscuity(dev, inc, true);
}

/* netdev_state_change - NETDEV_CHANGE and one RTM_NEWLINK (change 0), only
 * for an admin-up device. */
void netdev_state_change(struct net_device *dev)
{
	if (dev->flags & IFF_UP) {
		call_netdevice_notifiers(NETDEV_CHANGE, dev);
		rtmsg_ifinfo(RTM_NEWLINK, dev, 0);
	}
}

/* dev_set_mtu - dev_set_mtu_ext (net/core/dev.c): -EINVAL outside
 * min_mtu..max_mtu, -ENODEV when absent; NETDEV_CHANGEMTU notifies. */
int dev_set_mtu(struct net_device *dev, unsigned int mtu)
{
	if (mtu == dev->mtu)
		return 0;
	if (mtu < dev->min_mtu || mtu > dev->max_mtu)
		return -EINVAL;
	if (!netif_device_present(dev))
		return -ENODEV;
	dev->mtu = mtu;
	call_netdevice_notifiers(NETDEV_CHANGEMTU, dev);
	return 0;
}

/* dev_set_mac_address - (net/core/dev.c) a multicast address is refused
 * with -EADDRNOTAVAIL (eth_prepare_mac_addr_change); NETDEV_CHANGEADDR
 * notifies. */
int dev_set_mac_address(struct net_device *dev, const unsigned char *addr)
{
	if (addr[0] & 1)
		return -EADDRNOTAVAIL;	/* eth_prepare_mac_addr_change: multicast */
	if (!netif_device_present(dev))
		return -ENODEV;
	if (memcmp(dev->addr, addr, 6) == 0)
		return 0;
	memcpy(dev->addr, addr, 6);
	dev->addr_assign_type = 3;	/* NET_ADDR_SET */
	call_netdevice_notifiers(NETDEV_CHANGEADDR, dev);
	return 0;
}

/* dev_change_name - rename. An up device: -EBUSY in v5.8; since v6.2 ("net:
 * core: allow live renaming when an interface is up", Andy Ren) it is renamed
 * in place (measured on 6.18, kernel-measurements.md c14f). */
int dev_change_name(struct net_device *dev, const char *name)
{
	if (!dev_valid_name(name))
		return -EINVAL;
	if (strcmp(dev->name, name) == 0)
		return 0;
	if ((dev->flags & IFF_UP) && !dev_kernel(dev)->params.live_rename)
		return -EBUSY;
	if (__dev_get_by_name(dev->net, name))
		return -EEXIST;
	cds_list_del_init(&dev->name_hlist);
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	cds_list_add(&dev->name_hlist, name_bucket(dev->net, dev->name));
	call_netdevice_notifiers(NETDEV_CHANGENAME, dev);
	return 0;
}

/* dev_change_carrier - IFLA_CARRIER (net/core/dev.c): the driver's
 * ndo_change_carrier, -EOPNOTSUPP without one (veth), -ENODEV when absent. */
int dev_change_carrier(struct net_device *dev, bool on)
{
	if (!dev->ops->ndo_change_carrier)
		return -EOPNOTSUPP;
	if (!netif_device_present(dev))
		return -ENODEV;
	return dev->ops->ndo_change_carrier(dev, on);
}

/* dev_change_net_namespace - close, unlist, dev_shutdown, DELLINK (carrying
 * the target's nsid and the new ifindex) in the old namespace; keep the
 * ifindex unless it is taken in the target; list and NEWLINK in the new one.
 * Mirrors __dev_change_net_namespace(), v5.8..v6.18. */
int dev_change_net_namespace(struct net_device *dev, struct net *net, const char *pat)
{
	struct net *old = dev->net;
	int new_nsid, new_ifindex;

	ASSERT_RTNL(dev_kernel(dev));
	if (net == old)
		return 0;
	/* NETIF_F_NETNS_LOCAL devices (lo, bridges, ovs-system) stay put */
	if (dev->ops->netns_local)
		return -EINVAL;
	(void)pat;	/* name patterns for a clash are not modelled */
	if (__dev_get_by_name(net, dev->name))
		return -EEXIST;
	dev_close(dev);
	new_nsid = peernet2id_alloc(old, net);
	new_ifindex = __dev_get_by_index(net, dev->ifindex) ? -1 : dev->ifindex;
	unlist_netdevice(dev);
	/* synchronize_net() before the qdisc goes: RTNL stays held throughout */
	if (dev_kernel(dev)->svc.current(dev_kernel(dev)->svc.ctx))
		k_sleep(dev_kernel(dev), dev_kernel(dev)->params.cost_netns_move_sync);
	dev_shutdown(dev);	/* the qdisc goes back to noop, as at unregistration */
	call_netdevice_notifiers(NETDEV_UNREGISTER, dev);
	if (new_ifindex < 0) {
		/* dev_new_index on the target before the DELLINK is built */
		int save = dev->ifindex;

		dev->net = net;
		new_ifindex = dev_new_index(net);
		dev->net = old;
		dev->ifindex = save;
	}
	rtmsg_ifinfo_newnet(RTM_DELLINK, dev, ~0U, new_nsid, new_ifindex);
	dev->net = net;
	dev->ifindex = new_ifindex;
	if (list_netdevice(dev) < 0)
		return -ENOMEM;
	call_netdevice_notifiers(NETDEV_REGISTER, dev);
	rtmsg_ifinfo(RTM_NEWLINK, dev, ~0U);
	return 0;
}

/* call_netdevice_notifiers - the netdevice notifier chain; the subscribers
 * modelled are rtnetlink (rtnetlink_event) and the bridge (br_device_event,
 * which follows its ports' state). */
void call_netdevice_notifiers(unsigned long event, struct net_device *dev)
{
	rtnetlink_event(dev, event);
	br_device_event(dev, event);
	addrconf_notify(dev, event);
}

/* kernel_carrier_set - "the driver" raises or drops carrier (any device). */
int kernel_carrier_set(struct net *net, const char *name, bool on)
{
	struct net_device *dev = __dev_get_by_name(net, name);

	if (!dev)
		return -ENODEV;
	if (on)
		netif_carrier_on(dev);
	else
		netif_carrier_off(dev);
	return 0;
}
