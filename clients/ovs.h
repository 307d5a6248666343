/* clients/ovs.h - the Open vSwitch behaviour model: ovs-vswitchd and ovs-vsctl.
 *
 * `client ovs [variant=main|series] [veth_status=on|off] [rcvbuf=BYTES]
 * [log=on|off]` starts one
 * ovs-vswitchd with one bridge (br0, kernel datapath "ovs-system") in the
 * client's namespace. variant=main follows openvswitch/ovs at d6a632a9
 * (polling netdev-linux, reference/clients.md §2); variant=series follows
 * Adrian Moreno's event-driven series (clients.md §3). veth_status=on adds
 * the three ethtool calls newest main makes for veth status (0f1176597,
 * June 2026, after the series; off by default).
 *
 * The database side, for the churn driver and tests. Task context: each
 * call blocks like `ovs-vsctl` without --no-wait: it commits the change to
 * the database (the caller has already paid for starting ovs-vsctl and its
 * round trip to ovsdb-server), then waits until ovs-vswitchd has applied it
 * (cur_cfg reached the new next_cfg after the reconfiguration that
 * processed it, clients.md §4.1) and the news came back through
 * ovsdb-server. Returns 0, -EEXIST (add of a port already in the bridge),
 * -ENOENT (delete of an unknown port), -EINVAL (bad name), -ECANCELED (the
 * run ended first) or -ESRCH (no instance).
 */
#ifndef NLSIM_CLIENTS_OVS_H
#define NLSIM_CLIENTS_OVS_H

struct ovs;
struct sim_world;

/* The instance started by `client ovs` in @w, or NULL (also after its run
 * ended). */
struct ovs *ovs_find(struct sim_world *w);
int ovs_vsctl_add_port(struct ovs *o, const char *port);
int ovs_vsctl_del_port(struct ovs *o, const char *port);

#ifdef NLSIM_OVS_INTERNAL
/* ---- internals shared by clients/ovs*.c -------------------------------------- */

#include <linux/netlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "clients/client.h"
#include "sim/engine.h"
#include "sim/metrics.h"

#define OVS_NAMSIZ 16
#define OVS_NAME_HASH 256	/* buckets of the port and database name indexes */
#define NETNSID_UNSET (-2)	/* lib/netnsid.h: not looked up yet */
#define NETNSID_LOCAL (-1)	/* the message or device is in our namespace */

enum ovs_variant { OVS_MAIN, OVS_SERIES };

/* Kernel requests, counted as metrics ovs.requests.<name>. */
enum ovs_req {
	OVS_REQ_GETLINK,	/* RTM_GETLINK doit (RTNL) */
	OVS_REQ_GETLINK_STATS,	/* RTM_GETLINK doit with stats (RTNL) */
	OVS_REQ_SIOCGIFFLAGS,	/* ioctl, RCU */
	OVS_REQ_SIOCGIF_FALLBACK,	/* SIOCGIFHWADDR/MTU/INDEX after a GETLINK, RCU */
	OVS_REQ_ETHTOOL_GSET,	/* ethtool ioctl (RTNL) */
	OVS_REQ_ETHTOOL_DRVINFO,
	OVS_REQ_ETHTOOL_GSSET_INFO,
	OVS_REQ_ETHTOOL_GSTRINGS,
	OVS_REQ_ETHTOOL_GSTATS,
	OVS_REQ_GETQDISC,	/* RTM_GETQDISC doit (RTNL) */
	OVS_REQ_DELQDISC,	/* RTM_DELQDISC doit (RTNL) */
	OVS_REQ_RULE_DUMP,	/* RTM_GETRULE dump (RTNL per profile) */
	OVS_REQ_ROUTE_DUMP,	/* RTM_GETROUTE dump (RTNL per profile) */
	OVS_REQ_DP_CREATE,	/* genl OVS_DP_CMD_NEW (RTNL) */
	OVS_REQ_VPORT_ADD,	/* genl OVS_VPORT_CMD_NEW (RTNL) */
	OVS_REQ_VPORT_DEL,	/* genl OVS_VPORT_CMD_DEL (RTNL) */
	OVS_REQ_VPORT_GET,	/* genl OVS_VPORT_CMD_GET, RCU */
	OVS_REQ_MAX
};

/* struct netdev_linux's cache_valid bits (lib/netdev-linux-private.h) */
enum {
	VALID_IFINDEX = 1 << 0,
	VALID_ETHERADDR = 1 << 1,
	VALID_IN = 1 << 2,
	VALID_MTU = 1 << 3,
	VALID_POLICING = 1 << 4,
	VALID_VPORT_STAT_ERROR = 1 << 5,
	VALID_DRVINFO = 1 << 6,
	VALID_FEATURES = 1 << 7,
	VALID_NUMA_ID = 1 << 8,
};

/* One parsed notification or reply (struct rtnetlink_change). */
struct ovs_change {
	int type;		/* RTM_NEWLINK/DELLINK/NEWADDR/DELADDR */
	int ifindex;
	unsigned int flags;
	char ifname[OVS_NAMSIZ];	/* "" when absent */
	unsigned int mtu;
	unsigned char mac[6];
	bool has_mac;
};

/* An open system netdev (struct netdev_linux). */
struct ovs_netdev {
	char name[OVS_NAMSIZ];
	unsigned int ifi_flags;
	bool flags_valid;	/* series: ifi_flags trusted without a request */
	unsigned int cache_valid;
	int ifindex;
	unsigned int mtu;
	unsigned char mac[6];
	int netnsid;
	bool present;
	unsigned int carrier_resets;
	uint64_t change_seq;
	bool tc;		/* netdev->tc: qdisc queried once */
	int policing_error, vport_stats_error;
};

/* A port of br0 with its one interface and OpenFlow port. */
struct ovs_port {
	char name[OVS_NAMSIZ];
	struct ovs_port *hnext;	/* o->port_hash chain (bridge's hmap by name) */
	bool created;		/* iface_create succeeded: netdev open, in the datapath */
	struct ovs_netdev nd;
	uint64_t ofport_seq;	/* ofport->change_seq */
	uint64_t iface_seq;	/* iface->change_seq */
	bool status_written;	/* last values written to the Interface row */
	unsigned int st_admin, st_link, st_resets, st_mtu;
	int st_ifindex;
};

/* An OVSDB transaction vswitchd waits for (status, statistics). */
struct ovs_txn {
	bool inflight, replied;
	sim_time_t reply_at;
};

/* A notification socket drained through lib/netlink-notifier.c. */
struct ovs_nln {
	int fd;
	bool has_run;		/* nln_run runs once per main-loop iteration */
};

/* Costs in ns, read from the parameters at start. */
struct ovs_costs {
	int64_t iteration, message, request, reconfigure, reconfigure_port;
	int64_t port_add, port_del, status_iface, db_latency, stats_interval;
};

struct ovs {
	struct client_env env;
	struct sim_engine *e;
	struct kernel *k;
	enum ovs_variant variant;
	bool veth_status;
	bool log;		/* option log=on: one trace line per iteration */
	int rcvbuf;		/* option rcvbuf=BYTES for SO_RCVBUFFORCE */
	struct ovs_costs c;
	int refs;		/* main task, watcher task, vsctl callers */
	bool stopping;
	/* sockets: link = the shared rtnetlink nln (main: host namespace;
	 * series: every namespace, feeding netdev-linux too); nd = main's
	 * netdev-linux socket, series' address socket; route; requests */
	struct ovs_nln link, route;
	int nd_fd, req_fd;
	uint32_t seq;
	char *rbuf;
	/* poll_block */
	struct sim_waitq main_wq, watch_wq, cfg_wq;
	/* the database: what ovsdb-server holds; db_head/db_next chain the
	 * positions by name hash (-1 ends), for lookups only */
	char (*db)[OVS_NAMSIZ];
	int *db_next;
	unsigned int n_db, cap_db;
	int db_head[OVS_NAME_HASH];
	uint64_t db_seq, idl_seq;
	int64_t next_cfg, cur_cfg;
	bool initial_config_done;
	/* the bridge: ports in the order they were added, and by name */
	struct ovs_port **ports;
	unsigned int n_ports, cap_ports;
	struct ovs_port *port_hash[OVS_NAME_HASH];
	char (*dp_events)[OVS_NAMSIZ];	/* datapath port notifications */
	unsigned int n_dp_events, cap_dp_events;
	/* seqs and flags of the rounds */
	uint64_t conn_seq, dpif_seen, ofproto_seen, status_seen;
	bool ifnotifier_changed, route_valid, status_try_again;
	struct ovs_txn status_txn, stats_txn;
	sim_time_t stats_timer;
	/* statistics */
	uint64_t req[OVS_REQ_MAX];
	struct metrics_ref req_ref[OVS_REQ_MAX + 1];	/* ovs_count's slots, + rtnl */
	uint64_t iterations, long_iterations;
	unsigned int it_rounds;	/* OVS_ROUND_* of the current iteration */
};

enum { OVS_ROUND_CONN = 1, OVS_ROUND_RECONF = 2, OVS_ROUND_ROUTE = 4, OVS_ROUND_STATS = 8,
       OVS_ROUND_STATUS = 16 };

/* ovs.c */
unsigned int ovs_name_hash(const char *name);
void ovs_cpu(struct ovs *o, int64_t ns);
void ovs_metric(struct ovs *o, const char *key, double v);
sim_time_t ovs_now(const struct ovs *o);
void ovs_put(struct ovs *o);
void ovs_round(struct ovs *o, unsigned int round);
/* ovs_vsctl.c */
void ovs_registry_add(struct ovs *o);
void ovs_registry_del(struct ovs *o);
bool ovs_db_has(const struct ovs *o, const char *name);
/* ovs_netdev.c: requests and the netdev-linux cache */
void ovs_count(struct ovs *o, enum ovs_req r);
const char *ovs_req_name(enum ovs_req r);
bool ovs_parse_change(const struct nlmsghdr *nlh, struct ovs_change *c);
ssize_t ovs_recv(int fd, void *buf, size_t len, int *nsid);
void ovs_drain(int fd);
int ovs_vport_get(struct ovs *o, const char *name);
int ovs_nd_open(struct ovs *o, struct ovs_netdev *nd, const char *name);
void ovs_nd_changed(struct ovs *o, struct ovs_netdev *nd, unsigned int flags,
		    unsigned int mask);
void ovs_nd_update(struct ovs *o, struct ovs_netdev *nd, int nsid, const struct ovs_change *c);
unsigned int ovs_nd_get_flags(struct ovs *o, struct ovs_netdev *nd);
bool ovs_nd_get_carrier(struct ovs *o, struct ovs_netdev *nd);
void ovs_nd_get_etheraddr(struct ovs *o, struct ovs_netdev *nd);
void ovs_nd_get_mtu(struct ovs *o, struct ovs_netdev *nd);
int ovs_nd_get_ifindex(struct ovs *o, struct ovs_netdev *nd);
void ovs_nd_get_features(struct ovs *o, struct ovs_netdev *nd);
void ovs_nd_get_status(struct ovs *o, struct ovs_netdev *nd);
void ovs_nd_set_qos(struct ovs *o, struct ovs_netdev *nd);
void ovs_nd_set_policing(struct ovs *o, struct ovs_netdev *nd);
void ovs_nd_get_stats(struct ovs *o, struct ovs_netdev *nd);
void ovs_route_table_reset(struct ovs *o);
/* ovs_bridge.c: the main loop's work */
void ovs_iteration(struct ovs *o);
bool ovs_has_work(struct ovs *o, sim_time_t *deadline);
#endif /* NLSIM_OVS_INTERNAL */

#endif /* NLSIM_CLIENTS_OVS_H */
