/* clients/ovs_netdev.c - the kernel requests of ovs-vswitchd and the
 * netdev-linux cache.
 *
 * Follows lib/netdev-linux.c, lib/route-table.c and lib/netlink-socket.c of
 * openvswitch/ovs at d6a632a9 (clients.md §2.3, §2.4), with the series'
 * flags cache (clients.md §3.2 item 3) behind o->variant:
 *  - netdev_linux_update_via_netlink: RTM_GETLINK by name with
 *    RTEXT_FILTER_SKIP_STATS; flags, MTU, MAC and ifindex refreshed from the
 *    reply, the change sequence bumped if any of them differed;
 *  - get_flags: that GETLINK on every call in main; the cached flags in the
 *    series while they are valid (invalid after open, DELLINK, overflow);
 *  - get_etheraddr/mtu/ifindex: a GETLINK only when the VALID_ bit is clear,
 *    then the ioctl fallback if the GETLINK left it clear (it sets a bit
 *    only for a value that changed); get_features/speed/duplex: ETHTOOL_GSET when
 *    VALID_FEATURES is clear; get_status: ETHTOOL_GDRVINFO when
 *    VALID_DRVINFO is clear (+GSSET_INFO, GSTRINGS, GSTATS for a veth with
 *    veth_status=on; the driver name is read from the model's link info
 *    instead of parsing the reply);
 *  - set_qos without QoS: RTM_GETQDISC once per netdev (netdev->tc);
 *    set_policing(0): RTM_DELQDISC of the ingress qdisc unless
 *    VALID_POLICING, ENOENT/EINVAL counting as success;
 *  - get_stats: OVS_VPORT_CMD_GET, then RTM_GETLINK with stats;
 *  - netdev_linux_update (a notification): only if the message's nsid is
 *    the netdev's (looked up lazily with OVS_VPORT_CMD_GET); NEWLINK keeps
 *    DRVINFO, IN, NUMA_ID and re-sets MTU, MAC, ifindex from the message,
 *    and in main calls rtnetlink_report_link() when it carries a MAC;
 *    DELLINK clears everything; addresses clear VALID_IN;
 *  - route_table_reset: an RTM_GETRULE dump (AF_UNSPEC), then one
 *    RTM_GETROUTE dump per rule that looks up a table.
 * Netlink requests go on the wire on one request socket (OVS pools them);
 * ioctls and genetlink are the model's direct kernel calls. Each request
 * costs vswitchd ovs.cost.request of CPU besides the kernel's time.
 */
#define NLSIM_OVS_INTERNAL
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/ethtool.h>
#include <linux/fib_rules.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "clients/ovs.h"
#include "model/kernel.h"
#include "sim/metrics.h"

#define RBUF_SIZE 65536

#define REQ_PREFIX "ovs.requests."

/* The metric of each request type; its name is what follows the prefix. */
static const char *const req_keys[OVS_REQ_MAX] = {
	[OVS_REQ_GETLINK] = REQ_PREFIX "getlink",
	[OVS_REQ_GETLINK_STATS] = REQ_PREFIX "getlink_stats",
	[OVS_REQ_SIOCGIFFLAGS] = REQ_PREFIX "siocgifflags",
	[OVS_REQ_SIOCGIF_FALLBACK] = REQ_PREFIX "siocgif_fallback",
	[OVS_REQ_ETHTOOL_GSET] = REQ_PREFIX "ethtool_gset",
	[OVS_REQ_ETHTOOL_DRVINFO] = REQ_PREFIX "ethtool_drvinfo",
	[OVS_REQ_ETHTOOL_GSSET_INFO] = REQ_PREFIX "ethtool_gsset_info",
	[OVS_REQ_ETHTOOL_GSTRINGS] = REQ_PREFIX "ethtool_gstrings",
	[OVS_REQ_ETHTOOL_GSTATS] = REQ_PREFIX "ethtool_gstats",
	[OVS_REQ_GETQDISC] = REQ_PREFIX "getqdisc",
	[OVS_REQ_DELQDISC] = REQ_PREFIX "delqdisc",
	[OVS_REQ_RULE_DUMP] = REQ_PREFIX "rule_dump",
	[OVS_REQ_ROUTE_DUMP] = REQ_PREFIX "route_dump",
	[OVS_REQ_DP_CREATE] = REQ_PREFIX "dp_create",
	[OVS_REQ_VPORT_ADD] = REQ_PREFIX "vport_add",
	[OVS_REQ_VPORT_DEL] = REQ_PREFIX "vport_del",
	[OVS_REQ_VPORT_GET] = REQ_PREFIX "vport_get",
};

/* Requests that take RTNL in every profile (dumps depend on the profile). */
static bool req_takes_rtnl(enum ovs_req r)
{
	return r != OVS_REQ_SIOCGIFFLAGS && r != OVS_REQ_SIOCGIF_FALLBACK &&
	       r != OVS_REQ_VPORT_GET && r != OVS_REQ_RULE_DUMP && r != OVS_REQ_ROUTE_DUMP;
}

const char *ovs_req_name(enum ovs_req r)
{
	return req_keys[r] + sizeof(REQ_PREFIX) - 1;
}

/* ovs_count - one request of type @r: the counters and vswitchd's CPU.
 * The metrics' slots are remembered: this runs for every request. */
void ovs_count(struct ovs *o, enum ovs_req r)
{
	o->req[r]++;
	if (o->env.m) {
		metrics_add_ref(o->env.m, &o->req_ref[r], req_keys[r], 1);
		if (req_takes_rtnl(r))
			metrics_add_ref(o->env.m, &o->req_ref[OVS_REQ_MAX], REQ_PREFIX "rtnl", 1);
	}
	ovs_cpu(o, o->c.request);
}

/* ---- requests on the wire ------------------------------------------------------- */

/* nl_transact / nl_dump: send @nlh on the request socket and read its
 * answer, calling @cb on each reply message (dumps: until NLMSG_DONE).
 * Returns 0 or -errno. Context: task (blocks in virtual time). */
static int transact(struct ovs *o, struct nlmsghdr *nlh,
		    void (*cb)(struct ovs *o, const struct nlmsghdr *r, void *data), void *data)
{
	bool dump = nlh->nlmsg_flags & NLM_F_DUMP;

	nlh->nlmsg_seq = ++o->seq;
	if (send(o->req_fd, nlh, nlh->nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(o->req_fd, o->rbuf, RBUF_SIZE, 0);
		const struct nlmsghdr *r = (const void *)o->rbuf;
		int len = (int)n;

		if (n < 0)
			return -errno;
		for (; mnl_nlmsg_ok(r, len); r = mnl_nlmsg_next(r, &len)) {
			if (r->nlmsg_seq != nlh->nlmsg_seq)
				continue;
			if (r->nlmsg_type == NLMSG_ERROR)
				return ((const struct nlmsgerr *)mnl_nlmsg_get_payload(r))->error;
			if (r->nlmsg_type == NLMSG_DONE)
				return *(const int *)mnl_nlmsg_get_payload(r);
			if (cb)
				cb(o, r, data);
			if (!dump && !(nlh->nlmsg_flags & NLM_F_ACK))
				return 0;
		}
	}
}

static struct nlmsghdr *req_start(char *buf, int type, int flags, size_t hdrlen)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	mnl_nlmsg_put_extra_header(nlh, hdrlen);
	return nlh;
}

static void change_cb(struct ovs *o, const struct nlmsghdr *r, void *data)
{
	(void)o;
	if (!ovs_parse_change(r, data))
		((struct ovs_change *)data)->type = 0;
}

/* RTM_GETLINK doit by name; @stats: without RTEXT_FILTER_SKIP_STATS. */
static int getlink(struct ovs *o, const char *name, bool stats, struct ovs_change *c)
{
	char buf[256] = { 0 };
	struct nlmsghdr *nlh = req_start(buf, RTM_GETLINK, 0, sizeof(struct ifinfomsg));
	int err;

	ovs_count(o, stats ? OVS_REQ_GETLINK_STATS : OVS_REQ_GETLINK);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (!stats)
		mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	c->type = 0;
	err = transact(o, nlh, change_cb, c);
	if (!err && c->type != RTM_NEWLINK)
		err = -EINVAL;
	return err;
}

static int tc_request(struct ovs *o, int type, int flags, int ifindex, uint32_t handle,
		      uint32_t parent)
{
	char buf[128] = { 0 };
	struct nlmsghdr *nlh = req_start(buf, type, flags, sizeof(struct tcmsg));
	struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);

	tcm->tcm_ifindex = ifindex;
	tcm->tcm_handle = handle;
	tcm->tcm_parent = parent;
	return transact(o, nlh, NULL, NULL);
}

/* OVS_VPORT_CMD_GET by name (dpif_netlink_vport_get). */
int ovs_vport_get(struct ovs *o, const char *name)
{
	ovs_count(o, OVS_REQ_VPORT_GET);
	return kernel_ovs_vport_get(o->env.net, name);
}

/* ---- the netdev-linux cache ----------------------------------------------------- */

/* netdev_linux_construct: SIOCGIFFLAGS; -ENODEV refuses the open. */
int ovs_nd_open(struct ovs *o, struct ovs_netdev *nd, const char *name)
{
	unsigned int flags = 0;
	int err;

	ovs_count(o, OVS_REQ_SIOCGIFFLAGS);
	err = kernel_dev_ioctl(o->env.net, SIOCGIFFLAGS, name, &flags);
	if (err)
		return err;
	memset(nd, 0, sizeof(*nd));
	snprintf(nd->name, sizeof(nd->name), "%s", name);
	nd->ifi_flags = flags;
	nd->netnsid = NETNSID_UNSET;
	nd->present = true;
	/* netdev_open of a new netdev changes the connectivity seq */
	nd->change_seq = 1;
	o->conn_seq++;
	return 0;
}

/* netdev_linux_changed */
void ovs_nd_changed(struct ovs *o, struct ovs_netdev *nd, unsigned int flags,
		    unsigned int mask)
{
	nd->change_seq++;
	o->conn_seq++;
	if ((nd->ifi_flags ^ flags) & IFF_RUNNING)
		nd->carrier_resets++;
	nd->ifi_flags = flags;
	nd->cache_valid &= mask;
}

/* netdev_linux_netnsid_update: the nsid from the datapath, once. */
static void netnsid_update(struct ovs *o, struct ovs_netdev *nd)
{
	if (nd->netnsid != NETNSID_UNSET)
		return;
	/* found: our namespace (vports of other namespaces are not
	 * modelled); ENODEV: stays unset, asked again next time */
	if (ovs_vport_get(o, nd->name) == 0)
		nd->netnsid = NETNSID_LOCAL;
}

/* rtnetlink_report_link: every notifier of the shared socket hears "NULL"
 * (bridge reconfigures, the route table is dumped again). */
static void report_link(struct ovs *o)
{
	o->ifnotifier_changed = true;
	o->route_valid = false;
}

/* netdev_linux_update: apply a notification for @nd. */
void ovs_nd_update(struct ovs *o, struct ovs_netdev *nd, int nsid, const struct ovs_change *c)
{
	netnsid_update(o, nd);
	if (nd->netnsid == NETNSID_UNSET || nd->netnsid != nsid)
		return;
	if (c->type == RTM_NEWLINK) {
		ovs_nd_changed(o, nd, c->flags, VALID_DRVINFO | VALID_IN | VALID_NUMA_ID);
		if (c->mtu) {
			nd->mtu = c->mtu;
			nd->cache_valid |= VALID_MTU;
		}
		if (c->has_mac) {
			memcpy(nd->mac, c->mac, 6);
			nd->cache_valid |= VALID_ETHERADDR;
			/* series: netdev-linux is itself a notifier of the
			 * shared socket; re-reporting is left out (inferred) */
			if (o->variant == OVS_MAIN)
				report_link(o);
		}
		nd->ifindex = c->ifindex;
		nd->cache_valid |= VALID_IFINDEX;
		nd->present = true;
		nd->flags_valid = true;
	} else if (c->type == RTM_DELLINK) {
		ovs_nd_changed(o, nd, c->flags, 0);
		nd->present = false;
		nd->netnsid = NETNSID_UNSET;
		nd->flags_valid = false;
	} else {
		ovs_nd_changed(o, nd, nd->ifi_flags, ~(unsigned int)VALID_IN);
	}
}

/* netdev_linux_update_via_netlink */
static int update_via_netlink(struct ovs *o, struct ovs_netdev *nd)
{
	struct ovs_change c;
	bool changed = false;
	int err;

	netnsid_update(o, nd);	/* netdev_linux_netnsid_is_remote */
	err = getlink(o, nd->name, false, &c);
	if (err)
		return err;
	if ((c.flags ^ nd->ifi_flags) & IFF_RUNNING) {
		nd->carrier_resets++;
		changed = true;
	}
	if (c.flags != nd->ifi_flags) {
		nd->ifi_flags = c.flags;
		changed = true;
	}
	if (c.mtu && c.mtu != nd->mtu) {
		nd->mtu = c.mtu;
		nd->cache_valid |= VALID_MTU;
		changed = true;
	}
	if (c.has_mac && memcmp(c.mac, nd->mac, 6) != 0) {
		memcpy(nd->mac, c.mac, 6);
		nd->cache_valid |= VALID_ETHERADDR;
		changed = true;
	}
	if (c.ifindex != nd->ifindex) {
		nd->ifindex = c.ifindex;
		nd->cache_valid |= VALID_IFINDEX;
		changed = true;
	}
	nd->flags_valid = true;
	if (changed) {
		nd->change_seq++;
		o->conn_seq++;
	}
	return 0;
}

/* netdev_get_flags: GETLINK every time in main; cached in the series. */
unsigned int ovs_nd_get_flags(struct ovs *o, struct ovs_netdev *nd)
{
	if (o->variant == OVS_SERIES && nd->flags_valid)
		return nd->ifi_flags;
	/* on failure update_flags(0, 0) keeps the cached flags */
	update_via_netlink(o, nd);
	return nd->ifi_flags;
}

/* netdev_get_carrier: get_flags, then the cached IFF_RUNNING. */
bool ovs_nd_get_carrier(struct ovs *o, struct ovs_netdev *nd)
{
	if (!(ovs_nd_get_flags(o, nd) & IFF_UP))
		return false;
	return nd->ifi_flags & IFF_RUNNING;
}

/* get_etheraddr/get_mtu/get_ifindex: a GETLINK when the field is invalid.
 * update_via_netlink marks a field valid only when its value changed, so
 * after an invalidation that changed nothing (overflow, DELLINK) the getter
 * falls back to its ioctl, which validates it (also caching an error). */
static void fetch_valid(struct ovs *o, struct ovs_netdev *nd, unsigned int bit,
			unsigned int cmd)
{
	unsigned int v = 0;

	if (nd->cache_valid & bit)
		return;
	update_via_netlink(o, nd);
	if (nd->cache_valid & bit)
		return;
	ovs_count(o, OVS_REQ_SIOCGIF_FALLBACK);
	if (kernel_dev_ioctl(o->env.net, cmd, nd->name, &v) == 0) {
		if (cmd == SIOCGIFMTU)
			nd->mtu = v;
		else if (cmd == SIOCGIFINDEX)
			nd->ifindex = (int)v;
	}
	nd->cache_valid |= bit;
}

void ovs_nd_get_etheraddr(struct ovs *o, struct ovs_netdev *nd)
{
	fetch_valid(o, nd, VALID_ETHERADDR, SIOCGIFHWADDR);
}

void ovs_nd_get_mtu(struct ovs *o, struct ovs_netdev *nd)
{
	fetch_valid(o, nd, VALID_MTU, SIOCGIFMTU);
}

int ovs_nd_get_ifindex(struct ovs *o, struct ovs_netdev *nd)
{
	fetch_valid(o, nd, VALID_IFINDEX, SIOCGIFINDEX);
	return nd->ifindex;
}

/* netdev_linux_read_features: ETHTOOL_GSET once while VALID_FEATURES. */
void ovs_nd_get_features(struct ovs *o, struct ovs_netdev *nd)
{
	if (nd->cache_valid & VALID_FEATURES)
		return;
	ovs_count(o, OVS_REQ_ETHTOOL_GSET);
	kernel_ethtool(o->env.net, nd->name, ETHTOOL_GSET);
	nd->cache_valid |= VALID_FEATURES;
}

/* netdev_linux_get_status: ETHTOOL_GDRVINFO (+ the veth peer's ifindex
 * through GSSET_INFO, GSTRINGS, GSTATS with veth_status=on). */
void ovs_nd_get_status(struct ovs *o, struct ovs_netdev *nd)
{
	struct link_info li;

	if (nd->cache_valid & VALID_DRVINFO)
		return;
	ovs_count(o, OVS_REQ_ETHTOOL_DRVINFO);
	if (kernel_ethtool(o->env.net, nd->name, ETHTOOL_GDRVINFO) == 0 && o->veth_status &&
	    kernel_link_info(o->env.net, nd->name, &li) == 0 && li.kind &&
	    strcmp(li.kind, "veth") == 0) {
		ovs_count(o, OVS_REQ_ETHTOOL_GSSET_INFO);
		kernel_ethtool(o->env.net, nd->name, ETHTOOL_GSSET_INFO);
		ovs_count(o, OVS_REQ_ETHTOOL_GSTRINGS);
		kernel_ethtool(o->env.net, nd->name, ETHTOOL_GSTRINGS);
		ovs_count(o, OVS_REQ_ETHTOOL_GSTATS);
		kernel_ethtool(o->env.net, nd->name, ETHTOOL_GSTATS);
	}
	nd->cache_valid |= VALID_DRVINFO;
}

/* netdev_linux_set_qos with no QoS: tc_query_qdisc the first time. */
void ovs_nd_set_qos(struct ovs *o, struct ovs_netdev *nd)
{
	int ifindex;

	if (nd->tc)
		return;
	ifindex = ovs_nd_get_ifindex(o, nd);
	ovs_count(o, OVS_REQ_GETQDISC);
	/* getqdisc_is_safe(): handle 0, parent TC_H_ROOT */
	if (tc_request(o, RTM_GETQDISC, NLM_F_ECHO, ifindex, 0, TC_H_ROOT) == 0)
		nd->tc = true;
}

/* netdev_linux_set_policing(0, 0, 0, 0): remove an ingress qdisc. */
void ovs_nd_set_policing(struct ovs *o, struct ovs_netdev *nd)
{
	int ifindex, err;

	if (nd->cache_valid & VALID_POLICING)
		return;
	ifindex = ovs_nd_get_ifindex(o, nd);
	ovs_count(o, OVS_REQ_DELQDISC);
	err = tc_request(o, RTM_DELQDISC, NLM_F_ACK, ifindex, TC_H_MAKE(TC_H_INGRESS, 0),
			 TC_H_INGRESS);
	if (err == -ENOENT || err == -EINVAL)
		err = 0;
	if (!err || err == -ENODEV) {
		nd->policing_error = err;
		nd->cache_valid |= VALID_POLICING;
	}
}

/* netdev_linux_get_stats: vport stats, then RTM_GETLINK with stats. */
void ovs_nd_get_stats(struct ovs *o, struct ovs_netdev *nd)
{
	struct ovs_change c;

	if (!nd->vport_stats_error || !(nd->cache_valid & VALID_VPORT_STAT_ERROR)) {
		nd->vport_stats_error = ovs_vport_get(o, nd->name);
		nd->cache_valid |= VALID_VPORT_STAT_ERROR;
	}
	ovs_nd_get_ifindex(o, nd);
	getlink(o, nd->name, true, &c);
}

/* ---- route-table ----------------------------------------------------------------- */

struct rules {
	struct {
		uint8_t family;
		uint32_t table;
	} r[32];
	unsigned int n;
};

static void rule_cb(struct ovs *o, const struct nlmsghdr *r, void *data)
{
	struct rules *rules = data;
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(r);
	const struct nlattr *a;
	uint32_t table;

	(void)o;
	if (r->nlmsg_type != RTM_NEWRULE || r->nlmsg_len < NLMSG_LENGTH(sizeof(*frh)) ||
	    frh->action != FR_ACT_TO_TBL || rules->n >= 32)
		return;
	table = frh->table;
	mnl_attr_for_each(a, r, sizeof(*frh))
		if (mnl_attr_get_type(a) == FRA_TABLE && mnl_attr_get_payload_len(a) == 4)
			table = mnl_attr_get_u32(a);
	rules->r[rules->n].family = frh->family;
	rules->r[rules->n].table = table;
	rules->n++;
}

/* route_table_reset: rules_dump, then a route dump per relevant rule. */
void ovs_route_table_reset(struct ovs *o)
{
	char buf[128] = { 0 };
	struct rules rules = { .n = 0 };
	struct nlmsghdr *nlh;

	o->route_valid = true;
	ovs_round(o, OVS_ROUND_ROUTE);
	ovs_count(o, OVS_REQ_RULE_DUMP);
	nlh = req_start(buf, RTM_GETRULE, NLM_F_DUMP | NLM_F_ACK, sizeof(struct fib_rule_hdr));
	transact(o, nlh, rule_cb, &rules);
	for (unsigned int i = 0; i < rules.n; i++) {
		struct rtmsg *rtm;

		ovs_count(o, OVS_REQ_ROUTE_DUMP);
		nlh = req_start(buf, RTM_GETROUTE, NLM_F_DUMP | NLM_F_ACK, sizeof(*rtm));
		rtm = mnl_nlmsg_get_payload(nlh);
		rtm->rtm_family = rules.r[i].family;
		if (rules.r[i].table > 255) {
			rtm->rtm_table = RT_TABLE_UNSPEC;
			mnl_attr_put_u32(nlh, RTA_TABLE, rules.r[i].table);
		} else {
			rtm->rtm_table = (uint8_t)rules.r[i].table;
		}
		transact(o, nlh, NULL, NULL);
	}
}
