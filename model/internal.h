/* model/internal.h - model-private structures and cross-file prototypes.
 *
 * The twin of the kernel's net/core/dev.h plus the parts of
 * include/linux/netdevice.h the model needs. Nothing outside model/ may include
 * it: sim/ and clients/ see only model/kernel.h.
 *
 * The kernel's file-static globals (link_watch's list and timestamps, the RTNL
 * mutex, the rtnetlink socket) become fields of struct kernel, so several
 * kernels can live in one process.
 */
#ifndef NLSIM_MODEL_INTERNAL_H
#define NLSIM_MODEL_INTERNAL_H

#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <urcu/list.h>

#include "model/kernel.h"
#include "model/profile.h"

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#endif

/* "Cannot happen" checks: loud in a debug build, survivable in release. */
#define WARN_ON(cond) model_warn_on(!!(cond), #cond, __FILE__, __LINE__)
bool model_warn_on(bool cond, const char *text, const char *file, int line);

/* ---- jiffies (include/linux/jiffies.h) ------------------------------------- */

/* INITIAL_JIFFIES: the counter starts 300 s before its 32-bit wrap so wrap
 * bugs show early; on 64-bit it is 2^32 - 300*HZ and never wraps. */
static inline unsigned long initial_jiffies(unsigned hz)
{
	return (unsigned long)(unsigned int)(-300 * (int)hz);
}
/* time_after(a, b): a is later than b, safe across wrap. */
#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)

/* ---- device state (include/linux/netdevice.h) -------------------------------- */

enum netdev_state_bit {
	__LINK_STATE_START = 0,
	__LINK_STATE_PRESENT = 1,
	__LINK_STATE_NOCARRIER = 2,
	__LINK_STATE_LINKWATCH_PENDING = 3,
	__LINK_STATE_DORMANT = 4,
	__LINK_STATE_TESTING = 5,
};

enum netreg_state {
	NETREG_UNINITIALIZED = 0,
	NETREG_REGISTERED,
	NETREG_UNREGISTERING,
	NETREG_UNREGISTERED,
};

struct net_device;

/* Driver operations: the subset of net_device_ops/rtnl_link_ops we model. */
struct net_device_ops {
	const char *kind;		/* IFLA_INFO_KIND, NULL for none (lo, virtio) */
	const char *default_qdisc;	/* "noqueue", "pfifo_fast", ... */
	int (*ndo_open)(struct net_device *dev);
	int (*ndo_stop)(struct net_device *dev);
	int (*ndo_get_iflink)(const struct net_device *dev);	/* NULL: ifindex */
	int (*ndo_change_carrier)(struct net_device *dev, bool on);
	void (*ndo_uninit)(struct net_device *dev);	/* unregister: drop peer */
	void (*priv_destructor)(struct net_device *dev);
	/* rtnl_link_ops->dellink: unregister more than the device (veth peer). */
	void (*dellink)(struct net_device *dev, struct cds_list_head *kill_list);
	/* NETIF_F_NETNS_LOCAL: may not move to another namespace */
	bool netns_local;
	/* rtnl_link_ops->get_link_net: namespace of the link device (veth). */
	struct net *(*get_link_net)(const struct net_device *dev);
};

struct rtnl_link_stats64_model {
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
};

struct net_device {
	struct net *net;		/* dev_net() */
	char name[IFNAMSIZ];
	int ifindex;
	unsigned int flags;		/* admin flags (IFF_UP, ...), as dev->flags */
	unsigned int gflags;		/* user-requested PROMISC/ALLMULTI */
	unsigned int promiscuity;	/* dev_set_promiscuity() counter */
	unsigned int priv_flags_no_queue; /* IFF_NO_QUEUE */
	unsigned long state;		/* __LINK_STATE_* bits */
	unsigned char operstate;	/* IF_OPER_* */
	unsigned char link_mode;	/* IF_LINK_MODE_* */
	enum netreg_state reg_state;
	unsigned short type;		/* ARPHRD_* */
	unsigned int mtu, min_mtu, max_mtu;
	unsigned char addr[6], broadcast[6];
	unsigned char addr_len;
	unsigned char addr_assign_type;
	unsigned int tx_queue_len;
	int group;
	bool proto_down;
	/* created by rtnl_newlink: its first RTM_NEWLINK comes from
	 * rtnl_configure_link, not from register_netdevice */
	bool rtnl_link_initializing;
	/* qdisc state (sch_generic): the root qdisc attached and whether the TX
	 * queues point at it. qdisc_tx_changing() = attached != active. */
	const char *qdisc;		/* IFLA_QDISC: "noop" until first open */
	bool qdisc_sleeping_real;	/* qdisc_sleeping is not noop */
	bool qdisc_active;		/* txq->qdisc == qdisc_sleeping (not noop) */
	unsigned int carrier_up_count, carrier_down_count;
	struct rtnl_link_stats64_model stats;
	const struct net_device_ops *ops;
	void *priv;			/* driver data */
	struct net_device *master;	/* IFLA_MASTER (bridge) */
	int refcnt;			/* dev_hold/dev_put */
	uint64_t list_seq;		/* for hash-bucket order (newest first) */
	struct cds_list_head index_hlist;	/* net->dev_index_head[ifindex & 255] */
	struct cds_list_head name_hlist;	/* net->dev_name_head */
	struct cds_list_head link_watch_list;	/* kernel->lw.list */
	/* IPv6 addrconf: IF_READY, the link-local address announced, the
	 * pending DAD's deadline (addrconf.c) */
	bool in6_ready, in6_addr_done;
	unsigned char in6_ll[16];	/* link-local address, fixed at configuration */
	ktime_t in6_dad_deadline, in6_created;
	int in6_dad_stage;		/* 0 begin, 1 probe, 2 complete */
	struct cds_list_head in6_dad_list;	/* kernel->addrconf.pending */
	struct cds_list_head todo_list;	/* unregister batch */
};

static inline bool test_bit(int nr, const unsigned long *addr)
{
	return (*addr >> nr) & 1UL;
}
static inline void set_bit(int nr, unsigned long *addr)
{
	*addr |= 1UL << nr;
}
static inline void clear_bit(int nr, unsigned long *addr)
{
	*addr &= ~(1UL << nr);
}
static inline bool test_and_set_bit(int nr, unsigned long *addr)
{
	bool old = test_bit(nr, addr);
	set_bit(nr, addr);
	return old;
}
static inline bool test_and_clear_bit(int nr, unsigned long *addr)
{
	bool old = test_bit(nr, addr);
	clear_bit(nr, addr);
	return old;
}

static inline bool netif_running(const struct net_device *dev)
{
	return test_bit(__LINK_STATE_START, &dev->state);
}
static inline bool netif_device_present(const struct net_device *dev)
{
	return test_bit(__LINK_STATE_PRESENT, &dev->state);
}
static inline bool netif_carrier_ok(const struct net_device *dev)
{
	return !test_bit(__LINK_STATE_NOCARRIER, &dev->state);
}
static inline bool netif_dormant(const struct net_device *dev)
{
	return test_bit(__LINK_STATE_DORMANT, &dev->state);
}
static inline bool netif_testing(const struct net_device *dev)
{
	return test_bit(__LINK_STATE_TESTING, &dev->state);
}
/* netif_oper_up - UP, or UNKNOWN "for backward compatibility". */
static inline bool netif_oper_up(const struct net_device *dev)
{
	return dev->operstate == IF_OPER_UP || dev->operstate == IF_OPER_UNKNOWN;
}
static inline bool qdisc_tx_changing(const struct net_device *dev)
{
	return dev->qdisc_sleeping_real && !dev->qdisc_active;
}
int dev_get_iflink(const struct net_device *dev);
int net_name_hash_init(struct net *net, unsigned int bits);

/* ---- namespaces (net/core/net_namespace.c) ----------------------------------- */

#define NETDEV_HASHBITS 8
#define NETDEV_HASHENTRIES (1 << NETDEV_HASHBITS)

struct net {
	struct kernel *k;
	char name[32];
	unsigned int id;		/* creation order, 0 = init_net */
	int ifindex;			/* last allocated ifindex (dev_new_index) */
	unsigned int dev_base_seq;	/* bumped by list/unlist_netdevice */
	uint64_t list_seq;
	struct net_device **by_index;	/* devices sorted by ifindex */
	unsigned int ndev, ndev_cap;
	struct cds_list_head dev_index_head[NETDEV_HASHENTRIES];
	/* name hash: the kernel's 256 buckets (NETDEV_HASHBITS), grown 4x when
	 * a namespace holds more than two devices per bucket, so that one of
	 * 100 000 links stays fast and a small one stays small */
	struct cds_list_head *dev_name_head;
	unsigned int name_hash_bits;
	/* nsid table: ids this namespace assigned to peers (peernet2id). */
	int *nsid_of;			/* indexed by peer net->id, -1 = none */
	unsigned int nsid_cap;
	int nsid_next;
	struct net_device *loopback_dev;
};

struct net *dev_net(const struct net_device *dev);
int peernet2id(struct net *net, struct net *peer);	/* -1 if none */
int peernet2id_alloc(struct net *net, struct net *peer);
bool net_eq(const struct net *a, const struct net *b);

/* ---- RTNL (top of net/core/rtnetlink.c) ------------------------------------- */

struct rtnl {
	bool locked;
	void *owner;			/* context that holds it */
	int owner_class;
	ktime_t acquired_at;
	unsigned int waiters;
	uint64_t share_calls;		/* calls of the share classes so far */
	bool unreg_barrier_due;	/* this holder unregistered: rcu_barrier at unlock */
	struct kwaitq wq;
	struct rtnl_class_stats stats[RTNL_CLASS_MAX];
};

void rtnl_init(struct kernel *k);
void rtnl_fini(struct kernel *k);
void rtnl_lock(struct kernel *k, int cls);
void rtnl_unlock(struct kernel *k);
bool rtnl_is_locked(const struct kernel *k);
#define ASSERT_RTNL(k) WARN_ON(!rtnl_is_locked(k))

/* ---- workqueue (kernel/workqueue.c, delayed-work API only) ------------------- */

struct delayed_work {
	struct kernel *k;
	const char *name;
	void (*func)(struct delayed_work *dw);
	struct ktimer timer;
	bool timer_armed;
	bool pending;		/* WORK_STRUCT_PENDING: queued or armed */
	bool running;
};

void delayed_work_init(struct kernel *k, struct delayed_work *dw, const char *name,
		       void (*func)(struct delayed_work *dw));
void delayed_work_fini(struct delayed_work *dw);
bool queue_delayed_work(struct delayed_work *dw, unsigned long delay);
bool mod_delayed_work(struct delayed_work *dw, unsigned long delay);
bool delayed_work_pending(const struct delayed_work *dw);
ktime_t timer_wheel_expiry(const struct kernel *k, unsigned long delay);

/* ---- link_watch (net/core/link_watch.c) -------------------------------------- */

struct link_watch {
	struct cds_list_head list;	/* lweventlist */
	unsigned int len;
	unsigned long nextevent;	/* linkwatch_nextevent, 0 at boot */
	unsigned long flags;		/* LW_URGENT */
	struct delayed_work work;
	/* device being processed by linkwatch_do_dev: its reference is in
	 * flight, not leaked, if the world is destroyed meanwhile */
	struct net_device *inflight;
};

void linkwatch_init(struct kernel *k);
void linkwatch_fini(struct kernel *k);
unsigned char default_operstate(const struct net_device *dev);
void rfc2863_policy(struct net_device *dev);
void linkwatch_init_dev(struct net_device *dev);
void linkwatch_fire_event(struct net_device *dev);
void linkwatch_sync_dev(struct net_device *dev);
void linkwatch_forget_dev(struct net_device *dev);
void linkwatch_run_queue(struct kernel *k);
bool linkwatch_urgent_event(const struct net_device *dev);

/* ---- sch_generic.c: carrier and qdisc activation ---------------------------- */

void netif_carrier_on(struct net_device *dev);
void netif_carrier_off(struct net_device *dev);
void netif_carrier_event(struct net_device *dev);
void dev_activate(struct net_device *dev);
void dev_deactivate(struct net_device *dev);
void dev_shutdown(struct net_device *dev);
void netif_dormant_on(struct net_device *dev);
void netif_dormant_off(struct net_device *dev);

/* ---- dev.c ----------------------------------------------------------------- */

struct net_device *alloc_netdev(struct net *net, const char *name,
				const struct net_device_ops *ops, size_t priv_size);
void free_netdev(struct net_device *dev);
int register_netdevice(struct net_device *dev);
void unregister_netdevice_queue(struct net_device *dev, struct cds_list_head *kill);
void unregister_netdevice_many(struct kernel *k, struct cds_list_head *kill);
void unregister_netdevice(struct net_device *dev);
int dev_change_flags(struct net_device *dev, unsigned int flags);
void dev_set_promiscuity(struct net_device *dev, int inc);
int __dev_change_flags(struct net_device *dev, unsigned int flags);
void __dev_notify_flags(struct net_device *dev, unsigned int old_flags, unsigned int gchanges);
unsigned int dev_get_flags(const struct net_device *dev);
int dev_open(struct net_device *dev);
void dev_close(struct net_device *dev);
int dev_set_mtu(struct net_device *dev, unsigned int mtu);
int dev_set_mac_address(struct net_device *dev, const unsigned char *addr);
int dev_change_name(struct net_device *dev, const char *name);
int dev_change_carrier(struct net_device *dev, bool on);
int dev_change_net_namespace(struct net_device *dev, struct net *net, const char *pat);
void netdev_state_change(struct net_device *dev);
void dev_hold(struct net_device *dev);
void dev_put(struct net_device *dev);
int netdev_free_zombies(struct kernel *k);
struct net_device *__dev_get_by_name(struct net *net, const char *name);
struct net_device *__dev_get_by_index(struct net *net, int ifindex);
bool dev_valid_name(const char *name);
void eth_random_addr(struct kernel *k, unsigned char *addr);
unsigned int net_dev_index_pos(const struct net *net, int ifindex);

/* netdevice notifier events (include/linux/netdevice.h) that rtnetlink sees. */
enum netdev_cmd {
	NETDEV_UP = 1,
	NETDEV_DOWN,
	NETDEV_REBOOT,
	NETDEV_CHANGE,
	NETDEV_REGISTER,
	NETDEV_UNREGISTER,
	NETDEV_CHANGEMTU,
	NETDEV_CHANGEADDR,
	NETDEV_PRE_CHANGEADDR,
	NETDEV_GOING_DOWN,
	NETDEV_CHANGENAME,
	NETDEV_FEAT_CHANGE,
	NETDEV_CHANGEUPPER = 19,
	NETDEV_CHANGE_TX_QUEUE_LEN = 25,
};
void call_netdevice_notifiers(unsigned long event, struct net_device *dev);

/* ---- drivers/bridge.c ---------------------------------------------------------- */

bool netif_is_bridge_master(const struct net_device *dev);
int br_add_if(struct net_device *br, struct net_device *dev);
int br_del_if(struct net_device *br, struct net_device *dev);
void br_device_event(struct net_device *dev, unsigned long event);

/* ---- addrconf.c ------------------------------------------------------------- */

void addrconf_init(struct kernel *k);
void addrconf_fini(struct kernel *k);
void addrconf_notify(struct net_device *dev, unsigned long event);

/* ---- rtnetlink.c ------------------------------------------------------------ */

bool inet6_fill_protinfo(struct nlmsghdr *nlh, size_t cap, uint32_t flags6);

void rtmsg_ifinfo(int type, struct net_device *dev, unsigned int change);
void rtmsg_ifinfo_newnet(int type, struct net_device *dev, unsigned int change,
			 int new_nsid, int new_ifindex);
void rtnetlink_event(struct net_device *dev, unsigned long event);
int rtnetlink_rcv_msg(struct netlink_sock *sk, const struct nlmsghdr *nlh,
		      const char **extack);

/* ---- af_netlink.c ------------------------------------------------------------ */

struct nl_skb {			/* one queued message (or a dump part) */
	void *data;
	size_t len;		/* bytes used */
	size_t cap;		/* bytes available (dump parts) */
	uint32_t truesize;
	int nsid;
	unsigned int group;	/* multicast group, 0 for unicast */
	struct nl_skb *next;
};

struct netlink_callback;
typedef int (*netlink_dumpit_t)(struct nl_skb *skb, struct netlink_callback *cb);

struct netlink_callback {
	netlink_dumpit_t dump;
	struct netlink_sock *sk;
	struct nlmsghdr *req;		/* copy of the request */
	unsigned int min_dump_alloc;
	unsigned int prev_seq, seq;	/* nl_dump_check_consistent */
	long args[6];
	bool rtnl;			/* dump parts take RTNL */
	uint16_t family;
};

struct nl_skb *nl_skb_alloc(size_t cap);
void nl_skb_free(struct nl_skb *skb);
void *nl_skb_put(struct nl_skb *skb, size_t len);	/* NULL if no room */
size_t nl_skb_tailroom(const struct nl_skb *skb);
uint32_t skb_truesize_for(size_t data_len);

int netlink_unicast(struct netlink_sock *sk, struct nl_skb *skb);
void netlink_broadcast(struct net *net, struct nl_skb *skb, uint32_t exclude_portid,
		       unsigned int group);
void netlink_ack(struct netlink_sock *sk, const struct nlmsghdr *nlh, int err,
		 const char *extack);
int netlink_dump_start(struct netlink_sock *sk, const struct nlmsghdr *nlh,
		       netlink_dumpit_t dump, unsigned int min_dump_alloc, bool rtnl);
void nl_dump_check_consistent(struct netlink_callback *cb, struct nlmsghdr *nlh);
struct net *netlink_sock_net(const struct netlink_sock *sk);
bool netlink_sock_strict(const struct netlink_sock *sk);
void netlink_sock_set_err_all(struct net *net, unsigned int group, int err);
void af_netlink_init(struct kernel *k);
void af_netlink_fini(struct kernel *k);

/* ---- drivers/loopback.c ---- */
int loopback_net_init(struct net *net);

/* ---- struct kernel ------------------------------------------------------------ */

struct kernel {
	struct kernel_services svc;
	const struct kernel_profile *profile;
	struct kernel_params params;
	struct rtnl rtnl;
	struct link_watch lw;
	struct {
		struct cds_list_head pending;	/* devices whose DAD runs */
		struct delayed_work work;
	} addrconf;
	struct net **nets;
	unsigned int nnets;
	struct kernel_counters counters;
	struct cds_list_head sockets;	/* every netlink_sock, creation order */
	uint32_t next_portid;		/* autobind (negative pids in the kernel) */
	int leaked_refs;
	/* unregistered devices still referenced (netdev_wait_allrefs) */
	struct cds_list_head zombies;
};

static inline ktime_t k_now(const struct kernel *k)
{
	return k->svc.now(k->svc.ctx);
}
unsigned long k_jiffies(const struct kernel *k);
ktime_t jiffies_to_ktime(const struct kernel *k, unsigned long j);
void k_sleep(struct kernel *k, ktime_t ns);
void k_event(struct kernel *k, struct kernel_event *ev);
static inline struct kernel *dev_kernel(const struct net_device *dev)
{
	return dev->net->k;
}
ktime_t k_cost(const struct kernel *k, double us);

#endif /* NLSIM_MODEL_INTERNAL_H */
