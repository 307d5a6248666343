/* model/profile.h - kernel profiles and the named parameter table.
 *
 * A profile is one kernel version's behaviour: HZ, the switches that changed
 * between versions (each named after the upstream change), socket buffer
 * defaults, and the cost of every operation the model charges. Every value is
 * a named parameter with a unit and a source, overridable by name from a
 * scenario (`set KEY VALUE`) or the command line (`--set KEY=VALUE`).
 * Design changes under study (what-if policies) are parameters too, off by
 * default.
 */
#ifndef NLSIM_MODEL_PROFILE_H
#define NLSIM_MODEL_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "model/services.h"

/* virtio_net carrier timing at probe (kernel.md section 5.1). */
enum virtio_carrier_mode {
	VIRTIO_CARRIER_CONFIG_WORK = 0,	/* v5.8..v6.11: off in probe, on from config work */
	VIRTIO_CARRIER_SYNC_PROBE = 1,	/* v6.12 cycle (df28de7b0050): read in probe */
	VIRTIO_CARRIER_AT_OPEN = 2,	/* v6.16+ (be5dcaed694e): raised after first open */
};

struct kernel_params {
	/* behaviour switches */
	int64_t hz;
	int64_t lowerlayerdown_needs_lower_down;	/* 8c55facecd7a, v6.2 */
	int64_t getlink_syncs_linkwatch;		/* facd15dfd691, v6.8 */
	int64_t linkwatch_presence_requeue;		/* Tarreau, v5.14 */
	int64_t broadcast_rmem_after_add;		/* 2025 rmem check fix */
	int64_t dump_done_separate;			/* NLMSG_DONE alone */
	int64_t dump_hash_walk;				/* v5.8 256-bucket walk */
	int64_t live_rename;				/* v6.2: rename while up */
	int64_t virtio_carrier_mode;			/* enum virtio_carrier_mode */
	int64_t rmem_default, rmem_max;			/* bytes */
	/* policies under study */
	int64_t urgent_on_up_oper_down;			/* Wen Yang 2020 */
	/* costs, in nanoseconds */
	int64_t cost_getlink, cost_setlink, cost_newlink, cost_newlink_veth;
	int64_t cost_dellink, cost_dump_part, cost_dump_link;
	int64_t cost_linkwatch_dev, cost_synchronize_net;
	int64_t cost_register, cost_unregister, cost_tap_ioctl;
	int64_t cost_netns_move_sync, cost_run_todo_barrier;
	/* IPv6 autoconfiguration (addrconf.c) */
	int64_t addrconf, addrconf_ifa_proto;
	int64_t addrconf_rtr_solicit_delay, addrconf_retrans_time, cost_addrconf_dad;
	int64_t cost_virtio_probe, cost_virtio_config_work;
	/* RTNL delay injection (delay-kfunc on rtnl_lock) */
	int64_t rtnl_delay;				/* ns, before each rtnl_lock */
	int64_t rtnl_delay_classes;			/* bitmask of enum rtnl_class */
	int64_t rtnl_delay_share;			/* per mille of other classes' calls */
	int64_t rtnl_delay_share_classes;		/* bitmask: classes paying a share */
	/* kernel calls that are not netlink, and the non-link rtnetlink
	 * requests Open vSwitch sends (ns, or switches) */
	int64_t cost_ioctl_get, cost_ioctl_set, cost_ethtool;
	int64_t cost_getqdisc, cost_delqdisc;
	int64_t cost_dump_route, cost_dump_rule, cost_dump_addr;
	int64_t route_dump_rcu;				/* v6.9+: no RTNL */
	int64_t addr_dump_rcu;				/* AF_INET/6, v6.9+ */
	int64_t cost_ovs_genl, cost_ovs_vport_add, cost_ovs_vport_del;
	int64_t ovs_destroy_rtnl_always;		/* before Toke's fix */
	/* the Open vSwitch client model (clients/ovs*.c): vswitchd's own
	 * CPU and the OVSDB round trips, in ns */
	int64_t ovs_cost_iteration, ovs_cost_message, ovs_cost_request;
	int64_t ovs_cost_reconfigure, ovs_cost_reconfigure_port;
	int64_t ovs_cost_port_add, ovs_cost_port_del, ovs_cost_status_iface;
	int64_t ovs_db_latency, ovs_stats_interval;
};

struct kernel_profile {
	const char *name;
	const char *describe;
	struct kernel_params defaults;
};

enum param_unit { PU_BOOL, PU_COUNT, PU_BYTES, PU_HZ, PU_USEC, PU_ENUM, PU_MASK };

struct param_def {
	const char *key;
	enum param_unit unit;
	unsigned int offset;	/* into struct kernel_params */
	const char *source;
	const char *help;
};

const struct kernel_profile *profile_find(const char *name);
const struct kernel_profile *profile_at(unsigned int i);
const struct param_def *param_find(const char *key);
const struct param_def *param_at(unsigned int i);
int param_parse(const struct param_def *def, const char *value, int64_t *out);
const char *param_unit_name(enum param_unit u);
static inline int64_t *param_slot(struct kernel_params *p, const struct param_def *d)
{
	return (int64_t *)(void *)((char *)p + d->offset);
}
static inline int64_t param_value(const struct kernel_params *p, const struct param_def *d)
{
	return *(const int64_t *)(const void *)((const char *)p + d->offset);
}

#endif /* NLSIM_MODEL_PROFILE_H */
