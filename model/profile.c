/* model/profile.c - kernel profiles v5.8 and v6.18, and the parameter table.
 *
 * Sources are named per parameter: "kernel.md §N" is
 * ../shared/reference/kernel.md, "measured" means measured on this project's
 * machines (the number and the command are in docs/kernel-fidelity.md),
 * "assumed" means a plausible value nobody measured yet: treat results that
 * depend on it with care. To add a profile, copy one entry of profiles[] and
 * change the switches that differ; every switch is a parameter below.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/internal.h"
#include "model/profile.h"

#define US(x) ((int64_t)((x) * 1000LL))

/* Costs shared by both profiles unless a profile says otherwise. */
#define COMMON_COSTS                                   \
	.cost_getlink = US(4),                         \
	.cost_setlink = US(15),                        \
	.cost_newlink = US(60),                        \
	.cost_newlink_veth = US(180),                  \
	.cost_dellink = US(120),                       \
	.cost_dump_part = US(3),                       \
	.cost_dump_link = US(1),                       \
	.cost_linkwatch_dev = US(2),                   \
	.cost_synchronize_net = US(30),                \
	.cost_register = US(40),                       \
	.cost_unregister = US(80),                     \
	.cost_netns_move_sync = US(15500),             \
	.cost_run_todo_barrier = US(19000),            \
	.addrconf = 1,                                 \
	.addrconf_rtr_solicit_delay = US(1000000),     \
	.addrconf_retrans_time = US(1000000),          \
	.cost_addrconf_dad = US(10),                   \
	.cost_tap_ioctl = US(50),                      \
	.cost_virtio_probe = US(2000),                 \
	.cost_virtio_config_work = US(40),             \
	.rtnl_delay = 0,                               \
	.rtnl_delay_classes = (1 << RTNL_CLASS_IOCTL) | (1 << RTNL_CLASS_ETHTOOL) |   \
			      (1 << RTNL_CLASS_LINKWATCH) | (1 << RTNL_CLASS_GENETLINK) | \
			      (1 << RTNL_CLASS_DRIVER) | (1 << RTNL_CLASS_ADDRCONF), \
	.rtnl_delay_share = 0,                         \
	.rtnl_delay_share_classes = (1 << RTNL_CLASS_RTNETLINK), \
	.cost_ioctl_get = US(1),                       \
	.cost_ioctl_set = US(15),                      \
	.cost_ethtool = US(5),                         \
	.cost_getqdisc = US(3),                        \
	.cost_delqdisc = US(3),                        \
	.cost_dump_route = US(10),                     \
	.cost_dump_rule = US(3),                       \
	.cost_dump_addr = US(5),                       \
	.cost_ovs_genl = US(3),                        \
	.cost_ovs_vport_add = US(60),                  \
	.cost_ovs_vport_del = US(40),                  \
	.ovs_cost_iteration = US(20),                  \
	.ovs_cost_message = US(2),                     \
	.ovs_cost_request = US(3),                     \
	.ovs_cost_reconfigure = US(100),               \
	.ovs_cost_reconfigure_port = US(10),           \
	.ovs_cost_port_add = US(200),                  \
	.ovs_cost_port_del = US(100),                  \
	.ovs_cost_status_iface = US(5),                \
	.ovs_db_latency = US(100),                     \
	.ovs_stats_interval = US(5000000)

static const struct kernel_profile profiles[] = {
	{
		.name = "v5.8",
		.describe = "Linux 5.8 (Aug 2020), the kernel era of the microVM thread",
		.defaults = {
			.hz = 250,
			.lowerlayerdown_needs_lower_down = 0,
			.getlink_syncs_linkwatch = 0,
			.linkwatch_presence_requeue = 0,
			.broadcast_rmem_after_add = 0,
			.dump_done_separate = 1,
			.dump_hash_walk = 1,
			.live_rename = 0,
			.virtio_carrier_mode = VIRTIO_CARRIER_CONFIG_WORK,
			.rmem_default = 212992,
			.rmem_max = 212992,
			.urgent_on_up_oper_down = 0,
			COMMON_COSTS,
			.route_dump_rcu = 0,
			.addr_dump_rcu = 0,
			.addrconf_ifa_proto = 0,
			.ovs_destroy_rtnl_always = 1,
		},
	},
	{
		.name = "v6.18",
		.describe = "Linux 6.18 (Dec 2025), the kernel on our machines",
		.defaults = {
			.hz = 250,
			.lowerlayerdown_needs_lower_down = 1,
			.getlink_syncs_linkwatch = 1,
			.linkwatch_presence_requeue = 1,
			.broadcast_rmem_after_add = 1,
			.dump_done_separate = 1,
			.dump_hash_walk = 0,
			.live_rename = 1,
			.virtio_carrier_mode = VIRTIO_CARRIER_AT_OPEN,
			.rmem_default = 212992,
			.rmem_max = 4194304,
			.urgent_on_up_oper_down = 0,
			COMMON_COSTS,
			.route_dump_rcu = 1,
			.addr_dump_rcu = 1,
			.addrconf_ifa_proto = 1,
			.ovs_destroy_rtnl_always = 1,
		},
	},
};

#define P(k, u, field, src, help) \
	{ k, u, offsetof(struct kernel_params, field), src, help }

static const struct param_def params[] = {
	P("hz", PU_HZ, hz, "kernel.md §6: Kconfig default, Debian, Firecracker guest (measured)",
	  "CONFIG_HZ; jiffies = INITIAL_JIFFIES + t*HZ"),
	P("operstate.lowerlayerdown_needs_lower_down", PU_BOOL, lowerlayerdown_needs_lower_down,
	  "8c55facecd7a 'net: linkwatch: only report IF_OPER_LOWERLAYERDOWN if iflink is actually down' (v6.2)",
	  "carrier off reports LOWERLAYERDOWN only if the iflink device exists and lacks carrier"),
	P("linkwatch.getlink_sync", PU_BOOL, getlink_syncs_linkwatch,
	  "facd15dfd691 'net: core: synchronize link-watch when carrier is queried' (v6.8)",
	  "RTM_GETLINK doit runs a pending device's linkwatch work before replying"),
	P("linkwatch.presence_requeue", PU_BOOL, linkwatch_presence_requeue,
	  "Willy Tarreau, 'net: linkwatch: fix failure to restore device state across suspend/resume' (v5.14)",
	  "absent devices are requeued by the run loop instead of processed silently"),
	P("netlink.broadcast_rmem_after_add", PU_BOOL, broadcast_rmem_after_add,
	  "'netlink: Fix rmem check in netlink_broadcast_deliver()' (Jul 2025, stable)",
	  "charge first, accept if it fits or the queue is empty (else: accept while rmem <= rcvbuf)"),
	P("netlink.dump_done_separate", PU_BOOL, dump_done_separate,
	  "kernel.md §4.5: v5.8, and v6.10+ RTNL_FLAG_DUMP_SPLIT_NLM_DONE",
	  "NLMSG_DONE of a link dump arrives in its own datagram"),
	P("netlink.dump_hash_walk", PU_BOOL, dump_hash_walk,
	  "kernel.md §4.5: v5.8 walks dev_index_head[256]; v6.9 3e41af90767d xarray by ifindex",
	  "link dump order: hash buckets (newest first) instead of ascending ifindex"),
	P("dev.live_rename", PU_BOOL, live_rename,
	  "'net: core: allow live renaming when an interface is up' (v6.2); measured on 6.18",
	  "an admin-up device can be renamed (else -EBUSY)"),
	P("virtio.carrier_mode", PU_ENUM, virtio_carrier_mode,
	  "kernel.md §5.1: df28de7b0050 (v6.12 cycle), be5dcaed694e (v6.16)",
	  "0 = carrier from config work after probe, 1 = read in probe, 2 = raised at first open"),
	P("net.core.rmem_default", PU_BYTES, rmem_default, "kernel.md §4.6",
	  "receive buffer of a new netlink socket"),
	P("net.core.rmem_max", PU_BYTES, rmem_max,
	  "kernel.md §4.6: 4 MB since v6.18 (Eric Dumazet, Aug 2025)",
	  "cap for SO_RCVBUF (which doubles the request)"),
	P("linkwatch.urgent_on_up_oper_down", PU_BOOL, urgent_on_up_oper_down,
	  "policy: Wen Yang, netdev 1 Aug 2020, never merged (kernel.md §1.11)",
	  "admin-up device with operstate DOWN is urgent; successful SETLINK up fires an event"),
	P("cost.getlink", PU_USEC, cost_getlink, "assumed", "RTNL hold of one RTM_GETLINK doit"),
	P("cost.setlink", PU_USEC, cost_setlink, "assumed", "RTNL hold of one RTM_SETLINK"),
	P("cost.newlink", PU_USEC, cost_newlink, "assumed", "RTNL hold of RTM_NEWLINK (dummy)"),
	P("cost.newlink_veth", PU_USEC, cost_newlink_veth, "assumed",
	  "RTNL hold of RTM_NEWLINK creating a veth pair"),
	P("cost.dellink", PU_USEC, cost_dellink, "assumed", "RTNL hold of RTM_DELLINK"),
	P("cost.dump_part", PU_USEC, cost_dump_part, "assumed", "fixed RTNL hold per dump part"),
	P("cost.dump_link", PU_USEC, cost_dump_link, "assumed", "RTNL hold per link in a dump part"),
	P("cost.linkwatch_dev", PU_USEC, cost_linkwatch_dev, "assumed",
	  "linkwatch_do_dev per device (policy, notifier, message)"),
	P("cost.synchronize_net", PU_USEC, cost_synchronize_net, "assumed",
	  "expedited grace period in dev_deactivate of a device with a real qdisc"),
	P("cost.register", PU_USEC, cost_register, "assumed", "register_netdevice"),
	P("cost.unregister", PU_USEC, cost_unregister, "assumed", "unregister_netdevice (per device)"),
	P("cost.netns_move_sync", PU_USEC, cost_netns_move_sync,
	  "measured, docs/kernel-measurements.md (6.18 VM: 40 moves blocked a GETLINK loop 621 ms)",
	  "synchronize_net() in __dev_change_net_namespace, RTNL held"),
	P("addrconf", PU_BOOL, addrconf,
	  "measured, docs/kernel-measurements.md (IPv6 autoconfiguration of a veth on 6.18)",
	  "IPv6 link-local autoconfiguration: routes, AF_INET6 RTM_NEWLINK, DAD, RTM_NEWADDR"),
	P("addrconf.ifa_proto", PU_BOOL, addrconf_ifa_proto,
	  "IFA_PROTO since v5.18 (47f0bd503210 'net: Add new protocol attribute to IP addresses')",
	  "RTM_NEWADDR carries IFA_PROTO (kernel link-local: 3)"),
	P("addrconf.rtr_solicit_delay", PU_USEC, addrconf_rtr_solicit_delay,
	  "net.ipv6.conf.*.rtr_solicit_delay default (1 s)",
	  "DAD starts after a random wait below this"),
	P("addrconf.retrans_time", PU_USEC, addrconf_retrans_time,
	  "ND RETRANS_TIME default (1 s), dad_transmits 1; measured: DAD ends 1.2-1.6 s after carrier",
	  "DAD ends this long after it starts"),
	P("cost.addrconf_dad", PU_USEC, cost_addrconf_dad, "assumed",
	  "RTNL hold of addrconf_dad_work completing one address"),
	P("cost.run_todo_barrier", PU_USEC, cost_run_todo_barrier,
	  "measured, docs/kernel-measurements.md (6.18 VM: veth pair delete 19.2 ms, RTNL free meanwhile)",
	  "rcu_barrier() in netdev_run_todo after RTNL is dropped, paid by the unregistering task"),
	P("cost.tap_ioctl", PU_USEC, cost_tap_ioctl, "assumed", "TUNSETIFF creating a tap"),
	P("cost.virtio_probe", PU_USEC, cost_virtio_probe, "assumed",
	  "virtnet_probe from register to the carrier decision"),
	P("cost.virtio_config_work", PU_USEC, cost_virtio_config_work, "assumed",
	  "virtio config work: from scheduling to netif_carrier_on"),
	P("rtnl.delay", PU_USEC, rtnl_delay,
	  "clients.md §5: delay-kfunc spins at rtnl_lock() entry, lock not held",
	  "injected delay before each rtnl_lock() of the classes in rtnl.delay_classes"),
	P("rtnl.delay_classes", PU_MASK, rtnl_delay_classes,
	  "clients.md §4.3/§5.3: rtnl_lock inlined into rtnetlink_rcv_msg is not delayed",
	  "caller classes that pay rtnl.delay: names separated by ',' or 'all'/'none'"),
	P("rtnl.delay_share", PU_COUNT, rtnl_delay_share,
	  "calibrated proxy, docs/reproductions/ovs-event-driven.md: the OVS series' main/series gap needs some rtnetlink calls to pay the delay (clients.md §4.3); 0 = the inlined-dispatcher hypothesis",
	  "per mille of the rtnl_lock() calls of rtnl.delay_share_classes that also pay rtnl.delay, spread evenly"),
	P("rtnl.delay_share_classes", PU_MASK, rtnl_delay_share_classes,
	  "clients.md §1.1: rtnetlink doit is the class whose out-of-line rtnl_lock() is in doubt",
	  "caller classes of which rtnl.delay_share per mille pay rtnl.delay"),
	/* kernel calls that are not netlink, and the requests of clients.md §2.4 */
	P("cost.ioctl_get", PU_USEC, cost_ioctl_get, "assumed",
	  "SIOCGIF* getters (FLAGS, MTU, INDEX, HWADDR): lookup under RCU, no RTNL (kernel.md §3.3)"),
	P("cost.ioctl_set", PU_USEC, cost_ioctl_set, "assumed",
	  "RTNL hold of SIOCSIFFLAGS (dev_change_flags)"),
	P("cost.ethtool", PU_USEC, cost_ethtool, "assumed",
	  "RTNL hold of one SIOCETHTOOL get (GSET, GDRVINFO, GSSET_INFO, GSTRINGS, GSTATS)"),
	P("cost.getqdisc", PU_USEC, cost_getqdisc, "assumed", "RTNL hold of RTM_GETQDISC doit"),
	P("cost.delqdisc", PU_USEC, cost_delqdisc, "assumed",
	  "RTNL hold of RTM_DELQDISC (ingress, none present)"),
	P("cost.dump_route", PU_USEC, cost_dump_route, "assumed",
	  "one RTM_GETROUTE dump part (one table, one family)"),
	P("cost.dump_rule", PU_USEC, cost_dump_rule, "assumed", "one RTM_GETRULE dump part"),
	P("cost.dump_addr", PU_USEC, cost_dump_addr, "assumed", "one RTM_GETADDR dump part"),
	P("rtnetlink.route_dump_rcu", PU_BOOL, route_dump_rcu,
	  "kernel.md §3.1/§3.2 (v6.9 'rtnetlink: add RTNL_FLAG_DUMP_UNLOCKED flag' and the RCU route/rule dumpers); assumed where unsure",
	  "RTM_GETROUTE (AF_INET/AF_INET6) and RTM_GETRULE dumps run without RTNL"),
	P("rtnetlink.addr_dump_rcu", PU_BOOL, addr_dump_rcu,
	  "kernel.md §3.2: inet/inet6 address dumps RCU since v6.9; AF_UNSPEC keeps RTNL",
	  "RTM_GETADDR dumps of AF_INET or AF_INET6 run without RTNL"),
	P("cost.ovs_genl", PU_USEC, cost_ovs_genl, "assumed",
	  "genetlink OVS_VPORT_CMD_* outside RTNL (ovs_lock, lookup, reply); all of CMD_GET"),
	P("cost.ovs_vport_add", PU_USEC, cost_ovs_vport_add, "assumed",
	  "RTNL hold of ovs_netdev_link (upper link, rx_handler, LRO off, promiscuity)"),
	P("cost.ovs_vport_del", PU_USEC, cost_ovs_vport_del, "assumed",
	  "RTNL hold of netdev_destroy / ovs_netdev_detach_dev"),
	P("openvswitch.destroy_rtnl_always", PU_BOOL, ovs_destroy_rtnl_always,
	  "clients.md §1.1/§8: before 'net: openvswitch: Avoid needlessly taking the RTNL on vport destroy' (Toke Hoiland-Jorgensen, Dec 2025)",
	  "vport destroy takes RTNL even when the device is already unregistered"),
	/* the Open vSwitch client model */
	P("ovs.cost.iteration", PU_USEC, ovs_cost_iteration, "assumed",
	  "ovs-vswitchd CPU per main-loop iteration (IDL, ofproto, timers)"),
	P("ovs.cost.message", PU_USEC, ovs_cost_message, "assumed",
	  "ovs-vswitchd CPU per received notification (rtnetlink_parse, callbacks)"),
	P("ovs.cost.request", PU_USEC, ovs_cost_request, "assumed",
	  "ovs-vswitchd CPU per kernel request (build, parse the reply)"),
	P("ovs.cost.reconfigure", PU_USEC, ovs_cost_reconfigure, "assumed",
	  "fixed part of bridge_reconfigure"),
	P("ovs.cost.reconfigure_port", PU_USEC, ovs_cost_reconfigure_port, "assumed",
	  "bridge_reconfigure per configured port"),
	P("ovs.cost.port_add", PU_USEC, ovs_cost_port_add, "assumed",
	  "ofproto port add besides kernel calls (ofport install, upcall sockets)"),
	P("ovs.cost.port_del", PU_USEC, ovs_cost_port_del, "assumed",
	  "ofproto port delete besides kernel calls"),
	P("ovs.cost.status_iface", PU_USEC, ovs_cost_status_iface, "assumed",
	  "iface_refresh_netdev_status per interface refreshed, besides kernel calls"),
	P("ovs.db_latency", PU_USEC, ovs_db_latency, "assumed",
	  "one way between ovsdb-server and a client (vswitchd or ovs-vsctl), with processing"),
	P("ovs.stats_interval", PU_USEC, ovs_stats_interval,
	  "clients.md §2.5: other_config:stats-update-interval, at least 5000 ms",
	  "period of the STATS round"),
};

/* profile_find - the profile called @name, or NULL. */
const struct kernel_profile *profile_find(const char *name)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

/* profile_at - the i-th profile, NULL past the end. */
const struct kernel_profile *profile_at(unsigned int i)
{
	return i < sizeof(profiles) / sizeof(profiles[0]) ? &profiles[i] : NULL;
}

/* param_find - the parameter called @key, or NULL. */
const struct param_def *param_find(const char *key)
{
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		if (strcmp(params[i].key, key) == 0)
			return &params[i];
	return NULL;
}

/* param_at - the i-th parameter, NULL past the end. */
const struct param_def *param_at(unsigned int i)
{
	return i < sizeof(params) / sizeof(params[0]) ? &params[i] : NULL;
}

const char *param_unit_name(enum param_unit u)
{
	switch (u) {
	case PU_BOOL: return "bool";
	case PU_COUNT: return "count";
	case PU_BYTES: return "bytes";
	case PU_HZ: return "Hz";
	case PU_USEC: return "us";
	case PU_ENUM: return "enum";
	case PU_MASK: return "classes";
	}
	return "?";
}

/* A time: plain number = microseconds; or with a unit ns/us/ms/s. Exact for
 * up to three decimals of a unit; fractions of a nanosecond are rejected. */
static int parse_time_ns(const char *s, int64_t *out)
{
	char *end;
	int64_t mult = 1000;
	long double v;

	errno = 0;
	v = strtold(s, &end);
	if (end == s || errno || v < 0)
		return -EINVAL;
	if (*end == '\0' || strcmp(end, "us") == 0)
		mult = 1000;
	else if (strcmp(end, "ns") == 0)
		mult = 1;
	else if (strcmp(end, "ms") == 0)
		mult = 1000000;
	else if (strcmp(end, "s") == 0)
		mult = 1000000000;
	else
		return -EINVAL;
	v *= mult;
	if (v > 9.2e18L)
		return -EINVAL;
	*out = (int64_t)(v + 0.5L);
	return 0;
}

static int parse_classes(const char *s, int64_t *out)
{
	char buf[256], *tok, *save = NULL;
	int64_t mask = 0;

	if (strcmp(s, "all") == 0) {
		*out = (1 << RTNL_CLASS_MAX) - 1;
		return 0;
	}
	if (strcmp(s, "none") == 0 || strcmp(s, "0") == 0) {
		*out = 0;
		return 0;
	}
	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",+", &save); tok; tok = strtok_r(NULL, ",+", &save)) {
		int c = rtnl_class_from_name(tok);

		if (c < 0)
			return -EINVAL;
		mask |= 1 << c;
	}
	*out = mask;
	return 0;
}

/* param_parse - parse @value for parameter @def into its stored form. */
int param_parse(const struct param_def *def, const char *value, int64_t *out)
{
	char *end;
	long long v;

	switch (def->unit) {
	case PU_USEC:
		return parse_time_ns(value, out);
	case PU_MASK:
		return parse_classes(value, out);
	case PU_BOOL:
		if (!strcasecmp(value, "on") || !strcasecmp(value, "true") ||
		    !strcasecmp(value, "yes")) {
			*out = 1;
			return 0;
		}
		if (!strcasecmp(value, "off") || !strcasecmp(value, "false") ||
		    !strcasecmp(value, "no")) {
			*out = 0;
			return 0;
		}
		break;
	default:
		break;
	}
	errno = 0;
	v = strtoll(value, &end, 0);
	if (end == value || *end || errno || v < 0)
		return -EINVAL;
	if (def->unit == PU_BOOL && v > 1)
		return -EINVAL;
	if (def->unit == PU_HZ && v != 100 && v != 250 && v != 300 && v != 1000)
		return -EINVAL;
	if (def->unit == PU_ENUM && v > 2)
		return -EINVAL;
	*out = v;
	return 0;
}
