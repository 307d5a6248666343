/* model/kernel.h - the kernel model's one outward header.
 *
 * sim/ and the public library see an opaque struct kernel and a short list of
 * verbs: create and destroy a kernel, namespaces, the driver-level actions a
 * scenario performs (create a device the way its driver would, toggle carrier),
 * kernel-side netlink sockets for the transport, parameters, statistics and
 * read-only inspection. Everything that clients do goes over netlink bytes.
 *
 * Errors are negative errno values, as in the kernel.
 */
#ifndef NLSIM_MODEL_KERNEL_H
#define NLSIM_MODEL_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/services.h"

struct kernel;
struct net;
struct netlink_sock;

/* ---- observability -------------------------------------------------------- */

enum kernel_event_type {
	KEV_RTNL_WAIT,		/* a context starts waiting for RTNL */
	KEV_RTNL_ACQUIRE,	/* got it: .wait_ns waited (after the injected delay) */
	KEV_RTNL_RELEASE,	/* released: .hold_ns held */
	KEV_RTNL_DELAY,		/* injected pre-lock delay of .wait_ns begins */
	KEV_LINKWATCH_RUN,	/* a linkwatch batch ran: .count devices, .urgent_only */
	KEV_LINKWATCH_QUEUE,	/* queue length changed: .count */
	KEV_NETLINK_TO_USER,	/* bytes queued to a socket's reader */
	KEV_NETLINK_FROM_USER,	/* bytes a socket's owner sent */
	KEV_NETLINK_DROP,	/* a broadcast was dropped (overrun) */
	KEV_NETLINK_ENOBUFS,	/* ENOBUFS latched on a socket */
	KEV_SOCK_RMEM,		/* a socket's receive-queue charge changed: .count */
};

struct kernel_event {
	enum kernel_event_type type;
	ktime_t now;
	int rtnl_class;			/* enum rtnl_class */
	const char *who;		/* context name (task) */
	ktime_t wait_ns, hold_ns;
	long count;
	bool urgent_only;
	const struct netlink_sock *sk;
	uint32_t portid;
	const void *buf;
	size_t len;
};

/* Caller classes of rtnl_lock(), for statistics and delay injection. */
enum rtnl_class {
	RTNL_CLASS_RTNETLINK,	/* rtnetlink dispatcher, doit */
	RTNL_CLASS_DUMP,	/* a dump part (netlink callback mutex) */
	RTNL_CLASS_IOCTL,	/* SIOCSIF* and other RTNL ioctls */
	RTNL_CLASS_ETHTOOL,	/* ethtool ioctl / netlink ops */
	RTNL_CLASS_LINKWATCH,	/* linkwatch_event work */
	RTNL_CLASS_GENETLINK,	/* genetlink families (OVS vport add/del) */
	RTNL_CLASS_DRIVER,	/* driver probe/remove calling rtnl_lock() */
	RTNL_CLASS_ADDRCONF,	/* IPv6 addrconf_dad_work */
	RTNL_CLASS_REGISTER,	/* register_netdev: rtnl_lock_killable() */
	RTNL_CLASS_CONTENDER,	/* synthetic background holders */
	RTNL_CLASS_MAX
};

const char *rtnl_class_name(int cls);
int rtnl_class_from_name(const char *name);	/* -1 if unknown */

/* ---- lifetime, profiles, parameters ---------------------------------------- */

/* Create a kernel running @profile ("v5.8", "v6.18") with the given services.
 * Returns NULL if the profile is unknown. The init namespace exists with lo. */
struct kernel *kernel_create(const struct kernel_services *svc, const char *profile);
/* Destroy. Returns the number of device references still held (leaks), 0 when
 * every reference was dropped; tests assert on it. */
int kernel_destroy(struct kernel *k);
const char *kernel_profile_name(const struct kernel *k);

/* Named parameters (costs with units, behaviour switches, policies).
 * kernel_param_set parses @value for @key; -ENOENT unknown key, -EINVAL bad
 * value. Parameters must be set before the run starts. */
int kernel_param_set(struct kernel *k, const char *key, const char *value);
int kernel_param_get(const struct kernel *k, const char *key, double *value);
/* Print every parameter of @k, one per line "key = value unit  (source)". */
void kernel_params_print(const struct kernel *k, FILE *out);
/* Iterate profiles and parameters for `nlsim profiles` / `nlsim params`. */
const char *kernel_profile_at(unsigned i, const char **describe);	/* NULL at end */
bool kernel_profile_exists(const char *name);
bool kernel_param_exists(const char *key);

/* ---- namespaces ----------------------------------------------------------- */

struct net *kernel_init_net(struct kernel *k);
/* Create a namespace (with lo); -EEXIST if the name is taken. */
int kernel_netns_add(struct kernel *k, const char *name, struct net **out);
struct net *kernel_netns_get(struct kernel *k, const char *name);
const char *net_name(const struct net *net);
/* Simulated namespaces have no file descriptor; requests name them with
 * IFLA_NET_NS_PID set to this pseudo pid (above PID_MAX_LIMIT, so it cannot
 * collide with a real pid). */
#define NLSIM_NETNS_PID_BASE 4194304
int kernel_netns_pid(const struct net *net);

/* ---- driver-level actions (task context; they take RTNL like the driver) -- */

/* tun/tap: TUNSETIFF on a new device; carrier on unless IFF_NO_CARRIER. */
int kernel_tap_create(struct net *net, const char *name, bool carrier);
/* tun/tap: TUNSETCARRIER; -EPERM for "on" without an attached queue. */
int kernel_tap_set_carrier(struct net *net, const char *name, bool on);
/* virtio_net probe (see drivers/virtio_net.c for the per-profile timing). */
int kernel_virtio_probe(struct net *net, const char *name, bool f_status);
/* virtio_net link status change from the device (config interrupt). */
int kernel_virtio_set_link(struct net *net, const char *name, bool up);
/* netif_carrier_on/off from "the driver" of any device (dummy, veth, ...),
 * bypassing driver rules: for flap scenarios of plain devices. */
int kernel_carrier_set(struct net *net, const char *name, bool on);

/* ---- RTNL, from outside the model ------------------------------------------ */

/* Task context: hold RTNL for @hold_ns as caller class @cls (a contender). */
void kernel_rtnl_hold(struct kernel *k, int cls, ktime_t hold_ns);

struct rtnl_class_stats {
	uint64_t acquisitions;
	ktime_t wait_total, wait_max;	/* waiting for the mutex, after the delay */
	ktime_t delay_total;		/* injected pre-lock delay */
	ktime_t hold_total, hold_max;
	uint64_t wait_hist[16];		/* log2 buckets of wait in us: <1,<2,<4.. */
};
const struct rtnl_class_stats *kernel_rtnl_stats(const struct kernel *k, int cls);

struct kernel_counters {
	uint64_t notifications;		/* RTNLGRP_LINK broadcasts sent */
	uint64_t deliveries;		/* copies queued to listeners */
	uint64_t drops;			/* copies dropped by overrun */
	uint64_t enobufs;		/* ENOBUFS latched */
	uint64_t linkwatch_runs, linkwatch_urgent_runs, linkwatch_devs;
	uint64_t requests;		/* netlink requests received */
};
const struct kernel_counters *kernel_counters(const struct kernel *k);

/* ---- kernel-side netlink sockets (for the transport) ------------------------ */

/* Open a NETLINK_ROUTE socket in @net. @owner is the runtime's cookie. */
struct netlink_sock *netlink_sock_create(struct net *net, void *owner);
void netlink_sock_release(struct netlink_sock *sk);
void *netlink_sock_owner(const struct netlink_sock *sk);
struct kernel *netlink_sock_kernel(const struct netlink_sock *sk);
uint32_t netlink_sock_portid(const struct netlink_sock *sk);
/* bind(2): @portid 0 = autobind; @groups = legacy bitmask. */
int netlink_sock_bind(struct netlink_sock *sk, uint32_t portid, uint32_t groups);
int netlink_sock_setsockopt(struct netlink_sock *sk, int level, int opt, const void *val,
			    size_t len);
int netlink_sock_getsockopt(const struct netlink_sock *sk, int level, int opt, void *val,
			    size_t *len);
/* sendmsg(2) of a buffer of requests. Task context (may block on RTNL).
 * Returns @len or a negative errno. */
long netlink_sock_sendmsg(struct netlink_sock *sk, const void *buf, size_t len);
/* The reader took the oldest queued message (@len bytes) with a buffer of
 * @bufsize bytes. Releases its charge, continues a dump, clears the
 * congestion latch when the queue is empty. Task context when a dump is in
 * progress (a dump part may take RTNL). */
void netlink_sock_recvmsg_done(struct netlink_sock *sk, size_t bufsize, bool peek);
/* A dump is in progress: the next read may produce a part (and take RTNL). */
bool netlink_sock_dump_running(const struct netlink_sock *sk);
/* recvmsg(2) found nothing queued (or an error): lets the kernel run
 * netlink_rcv_wake and continue a dump; task context. */
void netlink_sock_recv_empty(struct netlink_sock *sk, size_t bufsize);
/* Pending socket error (e.g. -ENOBUFS), cleared by the read; 0 if none. */
int netlink_sock_take_error(struct netlink_sock *sk);
bool netlink_sock_has_error(const struct netlink_sock *sk);
/* nsid tag of the oldest queued message, -1 for none; and queue length. */
int netlink_sock_head_nsid(const struct netlink_sock *sk);
/* multicast group of the oldest queued message, 0 for a unicast reply */
uint32_t netlink_sock_head_group(const struct netlink_sock *sk);
/* legacy groups bitmask (getsockname's nl_groups) */
uint32_t netlink_sock_groups(const struct netlink_sock *sk);
unsigned netlink_sock_queued(const struct netlink_sock *sk);
uint32_t netlink_sock_rmem(const struct netlink_sock *sk);
uint32_t netlink_sock_rcvbuf(const struct netlink_sock *sk);
uint64_t netlink_sock_drops(const struct netlink_sock *sk);

/* ---- read-only inspection (tests, expectations, outputs) -------------------- */

struct link_info {
	int ifindex;
	char name[16];
	unsigned flags;		/* dev_get_flags(): as userspace sees them */
	unsigned char operstate;	/* IFLA_OPERSTATE as reported */
	unsigned char raw_operstate;	/* dev->operstate */
	unsigned char link_mode;
	bool carrier;
	bool linkwatch_pending;
	unsigned long state;	/* dev->state bits */
	unsigned mtu;
	unsigned carrier_up, carrier_down;
	const char *kind;
};
int kernel_link_info(struct net *net, const char *name, struct link_info *out);
/* Iterate devices of @net in ifindex order; returns false at the end. */
bool kernel_link_at(struct net *net, unsigned i, struct link_info *out);
unsigned kernel_linkwatch_queue_len(const struct kernel *k);
ktime_t kernel_now(const struct kernel *k);

/* ---- kernel calls that are not netlink ----------------------------------------
 *
 * System calls a client makes besides netlink sockets, as direct calls (task
 * context: they may take RTNL and let time pass). Errors are negative errno.
 */

/* ioctl(SIOCGIFFLAGS / SIOCSIFFLAGS) on device @name of @net (dev_ioctl.c).
 * GIF reads the 16-bit ifr_flags into *@flags without RTNL; SIF takes RTNL
 * (class ioctl) and applies *@flags. SIOCGIFMTU / SIOCGIFINDEX put the MTU
 * or ifindex in *@flags, SIOCGIFHWADDR only costs (no RTNL either).
 * -ENODEV, -EINVAL for another @cmd. */
int kernel_dev_ioctl(struct net *net, unsigned int cmd, const char *name, unsigned int *flags);
/* ioctl(SIOCETHTOOL) with command @cmd (ETHTOOL_GSET, GLINKSETTINGS,
 * GDRVINFO, GSSET_INFO, GSTRINGS, GSTATS) on @name (ethtool.c): RTNL, class
 * ethtool. -ENODEV, -EOPNOTSUPP for another command. */
int kernel_ethtool(struct net *net, const char *name, unsigned int cmd);
/* The Open vSwitch kernel datapath (openvswitch.c), one per namespace, its
 * device "ovs-system": genetlink OVS_DP_CMD_NEW (0 or -EEXIST), and
 * OVS_VPORT_CMD_NEW / DEL / GET for the netdev vport of device @name (0,
 * -ENODEV, -EEXIST, -EINVAL). NEW and DEL take RTNL (class genetlink); GET
 * runs under RCU. */
int kernel_ovs_dp_create(struct net *net);
int kernel_ovs_vport_add(struct net *net, const char *name);
int kernel_ovs_vport_del(struct net *net, const char *name);
int kernel_ovs_vport_get(struct net *net, const char *name);

#endif /* NLSIM_MODEL_KERNEL_H */
