/* clients/ovs.c - ovs-vswitchd's process: sockets, poll_block, the loop.
 *
 * Follows vswitchd/ovs-vswitchd.c's main loop and the sockets of
 * clients.md §2.2 (main) and §3.2 item 1 (series), openvswitch/ovs at
 * d6a632a9 and Adrian Moreno's series:
 *
 *   main    link   RTNLGRP_LINK, host namespace only (lib/rtnetlink.c's nln:
 *                  bridge if-notifier, route-table name table)
 *           nd     netdev-linux's socket: RTNLGRP_LINK, IPV4_IFADDR,
 *                  IPV6_IFADDR, IPV6_IFINFO, NETLINK_LISTEN_ALL_NSID
 *   series  link   RTNLGRP_LINK, NETLINK_LISTEN_ALL_NSID, feeding
 *                  netdev-linux, the bridge and the route table
 *           nd     netdev-linux's addresses: IPV4_IFADDR, IPV6_IFADDR,
 *                  IPV6_IFINFO, NETLINK_LISTEN_ALL_NSID
 *   both    route  IPV4_ROUTE, IPV6_ROUTE, IPV4_RULE, IPV6_RULE
 *           req    requests (nl_transact's pool, one socket here)
 * Every socket asks for a 4 MiB receive buffer with SO_RCVBUFFORCE
 * (nl_sock_create). Notifications are read without blocking, with their
 * nsid control message (nl_sock_recv), and parsed like rtnetlink_parse.
 * At start vswitchd creates the datapath (OVS_DP_CMD_NEW) and dumps the
 * routes (route_table_init); then it loops: poll_block, one iteration
 * (ovs_bridge.c), and so on until the run ends.
 *
 * poll_block waits for a socket to become readable, a timer (statistics, a
 * transaction reply) or a database change. sim_fds_wait_readable cannot
 * also wait for the database, so a small watcher task blocks on the sockets
 * and wakes the loop, which otherwise waits on its own queue that
 * ovs-vsctl wakes: the same wake-ups as poll_block's fds, timers and seqs.
 * Every iteration costs ovs.cost.iteration; one that runs longer than one
 * second is counted (ovs.long_iterations) and logged as vswitchd does
 * ("Unreasonably long Nms poll interval").
 *
 * Options: variant=main|series (main), veth_status=on|off (off), log=on|off
 * (off; on prints one line per iteration: its rounds and requests),
 * rcvbuf=BYTES (4194304: what every socket asks with SO_RCVBUFFORCE; the
 * kernel doubles it), to explore overflows.
 * Metrics: ovs.loop_iterations, ovs.long_iterations, ovs.iteration_max_ms,
 * ovs.requests.<type> and ovs.requests.rtnl, ovs.rounds.<round>,
 * ovs.enobufs.<socket>, ovs.vsctl_calls, ovs.vsctl_wait_s_total.
 */
#define NLSIM_OVS_INTERNAL
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "clients/ovs.h"
#include "model/kernel.h"
#include "sim/ipmon.h"
#include "sim/metrics.h"
#include "sim/transport.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#define OVS_RCVBUF (4 << 20)

sim_time_t ovs_now(const struct ovs *o)
{
	return sim_now(o->e);
}

/* The bucket of a port name (hash_string's role in OVS's hmaps): FNV-1a. */
unsigned int ovs_name_hash(const char *name)
{
	uint32_t h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h & (OVS_NAME_HASH - 1);
}

/* vswitchd's own CPU: time passes for the task. */
void ovs_cpu(struct ovs *o, int64_t ns)
{
	if (ns > 0)
		sim_task_sleep(o->e, ns);
}

void ovs_metric(struct ovs *o, const char *key, double v)
{
	if (o->env.m)
		metrics_add(o->env.m, key, v);
}

/* ---- notification sockets: parsing and reading --------------------------------- */

/* The link attributes rtnetlink_parse keeps (nl_policy_parse of
 * rtnlgrp_link_policy: the last one of each type wins). One pass over the
 * attributes picking these three, rather than a table of every IFLA_; the
 * walk is mnl_attr_for_each's, with its bounds checks, written out because
 * it runs for every attribute of every link message vswitchd reads. */
struct link_attrs {
	const struct nlattr *ifname, *mtu, *address;
};

static void link_attrs_parse(const struct nlmsghdr *nlh, size_t offset, struct link_attrs *la)
{
	const char *pos = mnl_nlmsg_get_payload_offset(nlh, offset);
	const char *tail = mnl_nlmsg_get_payload_tail(nlh);

	while (tail - pos >= (ptrdiff_t)sizeof(struct nlattr)) {
		const struct nlattr *a = (const void *)pos;

		if (a->nla_len < sizeof(*a) || a->nla_len > tail - pos)	/* mnl_attr_ok */
			break;
		pos += MNL_ALIGN(a->nla_len);		/* mnl_attr_next */
		switch (a->nla_type & NLA_TYPE_MASK) {	/* mnl_attr_get_type */
		case IFLA_IFNAME:
			la->ifname = a;
			break;
		case IFLA_MTU:
			la->mtu = a;
			break;
		case IFLA_ADDRESS:
			la->address = a;
			break;
		}
	}
}

/* rtnetlink_parse: link and address messages; false for anything else. */
bool ovs_parse_change(const struct nlmsghdr *nlh, struct ovs_change *c)
{
	memset(c, 0, sizeof(*c));
	c->type = nlh->nlmsg_type;
	if (c->type == RTM_NEWLINK || c->type == RTM_DELLINK) {
		const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
		struct link_attrs tb = { 0 };
		const char *name;
		size_t len;

		if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifm)))
			return false;
		link_attrs_parse(nlh, sizeof(*ifm), &tb);
		if (!tb.ifname)
			return false;
		c->ifindex = ifm->ifi_index;
		c->flags = ifm->ifi_flags;
		/* the name, truncated to OVS_NAMSIZ - 1 bytes */
		name = mnl_attr_get_str(tb.ifname);
		len = strnlen(name, sizeof(c->ifname) - 1);
		memcpy(c->ifname, name, len);
		if (tb.mtu)
			c->mtu = mnl_attr_get_u32(tb.mtu);
		if (tb.address && mnl_attr_get_payload_len(tb.address) == 6) {
			static const unsigned char zero[6];

			memcpy(c->mac, mnl_attr_get_payload(tb.address), 6);
			c->has_mac = memcmp(c->mac, zero, 6) != 0;
		}
		return true;
	}
	if (c->type == RTM_NEWADDR || c->type == RTM_DELADDR) {
		const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);

		if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
			return false;
		c->ifindex = (int)ifa->ifa_index;
		return true;
	}
	return false;
}

/* One datagram from a notification socket without blocking: its length, 0
 * when nothing is queued, or -errno (-ENOBUFS after an overrun). *@nsid is
 * the NETLINK_LISTEN_ALL_NSID tag, NETNSID_LOCAL when there is none. */
ssize_t ovs_recv(int fd, void *buf, size_t len, int *nsid)
{
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { buf, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			      .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm;
	ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);

	*nsid = NETNSID_LOCAL;
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_NETLINK && cm->cmsg_type == NETLINK_LISTEN_ALL_NSID)
			memcpy(nsid, CMSG_DATA(cm), sizeof(int));
	return n;
}

/* nl_sock_drain: discard everything queued. */
void ovs_drain(int fd)
{
	char buf[256] = { 0 };

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC) >= 0 || errno == ENOBUFS)
		;
}

static const char *const round_names[] = { "conn", "reconfigure", "route", "stats", "status" };

/* A round ran in this iteration: metric ovs.rounds.<name>. */
void ovs_round(struct ovs *o, unsigned int round)
{
	char key[48];

	for (unsigned int i = 0; i < 5; i++)
		if (round == 1U << i) {
			snprintf(key, sizeof(key), "ovs.rounds.%s", round_names[i]);
			ovs_metric(o, key, 1);
		}
	o->it_rounds |= round;
}

static void ovs_free(struct ovs *o)
{
	int fds[4] = { o->link.fd, o->route.fd, o->nd_fd, o->req_fd };

	for (int i = 0; i < 4; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	for (unsigned int i = 0; i < o->n_ports; i++)
		free(o->ports[i]);
	free(o->ports);
	free(o->db);
	free(o->db_next);
	free(o->dp_events);
	free(o->rbuf);
	free(o);
}

/* Drop a reference; the last one closes the sockets and frees. */
void ovs_put(struct ovs *o)
{
	if (--o->refs == 0)
		ovs_free(o);
}

static int open_sock(struct ovs *o, const int *groups, int ngroups, bool all_nsid)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = sim_socket_open(o->env.w, o->env.net), one = 1, rcvbuf = o->rcvbuf;

	if (fd < 0)
		return fd;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -errno;
	}
	for (int i = 0; i < ngroups; i++)
		setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &groups[i], sizeof(int));
	if (all_nsid)
		setsockopt(fd, SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	return fd;
}

static int open_sockets(struct ovs *o)
{
	static const int link[] = { RTNLGRP_LINK };
	static const int nd_main[] = { RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
				       RTNLGRP_IPV6_IFINFO };
	static const int nd_series[] = { RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
					 RTNLGRP_IPV6_IFINFO };
	static const int route[] = { RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV4_RULE,
				     RTNLGRP_IPV6_RULE };
	bool series = o->variant == OVS_SERIES;

	o->link.fd = open_sock(o, link, 1, series);
	o->nd_fd = series ? open_sock(o, nd_series, 3, true) : open_sock(o, nd_main, 4, true);
	o->route.fd = open_sock(o, route, 4, false);
	o->req_fd = open_sock(o, NULL, 0, false);
	return o->link.fd < 0 || o->nd_fd < 0 || o->route.fd < 0 || o->req_fd < 0 ? -EMFILE : 0;
}

static int64_t param_ns(struct ovs *o, const char *key)
{
	double us = 0;

	kernel_param_get(o->k, key, &us);
	return (int64_t)(us * 1000.0 + 0.5);
}

static void read_costs(struct ovs *o)
{
	o->c.iteration = param_ns(o, "ovs.cost.iteration");
	o->c.message = param_ns(o, "ovs.cost.message");
	o->c.request = param_ns(o, "ovs.cost.request");
	o->c.reconfigure = param_ns(o, "ovs.cost.reconfigure");
	o->c.reconfigure_port = param_ns(o, "ovs.cost.reconfigure_port");
	o->c.port_add = param_ns(o, "ovs.cost.port_add");
	o->c.port_del = param_ns(o, "ovs.cost.port_del");
	o->c.status_iface = param_ns(o, "ovs.cost.status_iface");
	o->c.db_latency = param_ns(o, "ovs.db_latency");
	o->c.stats_interval = param_ns(o, "ovs.stats_interval");
}

/* log=on: what one iteration did, e.g. "ovs-vswitchd: iteration 7 0.412 ms:
 * reconfigure conn status; getlink 9 ethtool_gset 1" */
static void log_iteration(struct ovs *o, sim_time_t dur, const uint64_t *before)
{
	char line[768];
	int off = ipmon_format_timestamp(ovs_now(o), line, sizeof(line));

	off += snprintf(line + off, sizeof(line) - (size_t)off,
			"ovs-vswitchd: iteration %llu %.3f ms:", (unsigned long long)o->iterations,
			(double)dur / 1e6);
	for (unsigned int i = 0; i < 5; i++)
		if (o->it_rounds & (1U << i) && off < (int)sizeof(line) - 64)
			off += snprintf(line + off, sizeof(line) - (size_t)off, " %s", round_names[i]);
	off += snprintf(line + off, sizeof(line) - (size_t)off, ";");
	for (int r = 0; r < OVS_REQ_MAX; r++)
		if (o->req[r] != before[r] && off < (int)sizeof(line) - 64)
			off += snprintf(line + off, sizeof(line) - (size_t)off, " %s %llu",
					ovs_req_name((enum ovs_req)r),
					(unsigned long long)(o->req[r] - before[r]));
	snprintf(line + off, sizeof(line) - (size_t)off, "\n");
	if (o->env.print)
		o->env.print(o->env.rctx, line);
}

static void log_long(struct ovs *o, sim_time_t dur)
{
	char line[256];
	int off = ipmon_format_timestamp(ovs_now(o), line, sizeof(line));

	snprintf(line + off, sizeof(line) - (size_t)off,
		 "ovs-vswitchd: Unreasonably long %lldms poll interval\n",
		 (long long)(dur / SIM_NSEC_PER_MSEC));
	if (o->env.print)
		o->env.print(o->env.rctx, line);
}

/* ovs_has_work - would poll_block return at once? Otherwise *@deadline is
 * the next timer (stats, a transaction reply). */
bool ovs_has_work(struct ovs *o, sim_time_t *deadline)
{
	sim_time_t now = ovs_now(o), d = SIM_TIME_MAX;
	struct ovs_txn *t[2] = { &o->status_txn, &o->stats_txn };

	if (o->db_seq != o->idl_seq || o->ifnotifier_changed || o->n_dp_events ||
	    !o->route_valid || o->conn_seq != o->dpif_seen || o->conn_seq != o->ofproto_seen ||
	    (!o->status_txn.inflight && (o->conn_seq != o->status_seen || o->status_try_again)))
		return true;
	for (int i = 0; i < 2; i++) {
		if (!t[i]->inflight || t[i]->replied)
			continue;
		if (t[i]->reply_at <= now)
			return true;
		if (t[i]->reply_at < d)
			d = t[i]->reply_at;
	}
	if (o->status_txn.inflight && o->status_txn.replied)
		return true;
	if (!o->stats_txn.inflight) {
		if (now >= o->stats_timer)
			return true;
		if (o->stats_timer < d)
			d = o->stats_timer;
	} else if (o->stats_txn.replied) {
		return true;
	}
	if (sim_fd_readable(o->link.fd) || sim_fd_readable(o->route.fd) ||
	    sim_fd_readable(o->nd_fd))
		return true;
	*deadline = d;
	return false;
}

/* The watcher: poll_block's file descriptors. Wakes the loop whenever one
 * of its sockets is readable, then parks until the loop sleeps again. */
static void watcher_task(void *arg)
{
	struct ovs *o = arg;
	int fds[3] = { o->link.fd, o->nd_fd, o->route.fd };

	while (!o->stopping) {
		if (sim_fds_wait_readable(fds, 3, o->env.end) < 0)
			break;
		sim_waitq_wake_all(o->e, &o->main_wq);
		if (!sim_task_wait_until(o->e, &o->watch_wq, o->env.end))
			break;
	}
	ovs_put(o);
}

static void vswitchd_task(void *arg)
{
	struct ovs *o = arg;
	uint64_t before[OVS_REQ_MAX];
	sim_time_t max = 0;

	ovs_count(o, OVS_REQ_DP_CREATE);
	kernel_ovs_dp_create(o->env.net);
	ovs_route_table_reset(o);	/* route_table_init */
	sim_task_spawn(o->e, "ovs-vswitchd-poll", watcher_task, o, 0);
	for (;;) {
		sim_time_t deadline = SIM_TIME_MAX, t0;

		if (ovs_now(o) >= o->env.end)
			break;
		if (!ovs_has_work(o, &deadline)) {
			if (deadline > o->env.end)
				deadline = o->env.end;
			sim_waitq_wake_all(o->e, &o->watch_wq);
			sim_task_wait_until(o->e, &o->main_wq, deadline);
			if (ovs_now(o) >= o->env.end)
				break;
		}
		t0 = ovs_now(o);
		memcpy(before, o->req, sizeof(before));
		o->it_rounds = 0;
		ovs_iteration(o);
		o->iterations++;
		if (o->log)
			log_iteration(o, ovs_now(o) - t0, before);
		ovs_metric(o, "ovs.loop_iterations", 1);
		if (ovs_now(o) - t0 > max) {
			max = ovs_now(o) - t0;
			if (o->env.m)
				metrics_set(o->env.m, "ovs.iteration_max_ms", (double)max / 1e6);
		}
		if (ovs_now(o) - t0 > SIM_NSEC_PER_SEC) {
			o->long_iterations++;
			ovs_metric(o, "ovs.long_iterations", 1);
			log_long(o, ovs_now(o) - t0);
		}
	}
	o->stopping = true;
	ovs_registry_del(o);
	sim_waitq_wake_all(o->e, &o->cfg_wq);
	sim_waitq_wake_all(o->e, &o->watch_wq);
	ovs_put(o);
}

/* The options of `client ovs`, as ovs_options() reads them. */
struct ovs_opts {
	enum ovs_variant variant;
	bool veth_status;
	bool log;
	int rcvbuf;
};

static int opt_onoff(const struct client_env *env, const char *key, bool *out, char *why,
		     size_t len)
{
	const char *v = env->opt(env->action, key);

	*out = v && strcmp(v, "on") == 0;
	if (!v || *out || strcmp(v, "off") == 0)
		return 0;
	snprintf(why, len, "%s='%s': expected on or off", key, v);
	return -EINVAL;
}

static int opt_variant(const struct client_env *env, enum ovs_variant *out, char *why,
		       size_t len)
{
	const char *v = env->opt(env->action, "variant");

	*out = v && strcmp(v, "series") == 0 ? OVS_SERIES : OVS_MAIN;
	if (!v || strcmp(v, "series") == 0 || strcmp(v, "main") == 0)
		return 0;
	snprintf(why, len, "variant='%s': expected main or series", v);
	return -EINVAL;
}

static int opt_rcvbuf(const struct client_env *env, int *out, char *why, size_t len)
{
	const char *v = env->opt(env->action, "rcvbuf");
	char *end = NULL;
	long n;

	*out = OVS_RCVBUF;
	if (!v)
		return 0;
	n = strtol(v, &end, 10);
	if (end == v || *end || n < 1 || n > (1L << 30)) {
		snprintf(why, len, "rcvbuf='%s': expected bytes, 1..1073741824", v);
		return -EINVAL;
	}
	*out = (int)n;
	return 0;
}

/* The options into @oo: 0, or -EINVAL with the first bad one in @why. Both
 * the scenario check and ovs_start() read them here. */
static int ovs_options(const struct client_env *env, struct ovs_opts *oo, char *why,
		       size_t len)
{
	static const char *const known[] = { "variant", "veth_status", "log", "rcvbuf", NULL };

	return client_opts_known(env, known, why, len) ?:
	       opt_variant(env, &oo->variant, why, len) ?:
	       opt_onoff(env, "veth_status", &oo->veth_status, why, len) ?:
	       opt_onoff(env, "log", &oo->log, why, len) ?:
	       opt_rcvbuf(env, &oo->rcvbuf, why, len);
}

/* ovs_check_opts - the options of `client ovs`, while the scenario is read. */
int ovs_check_opts(const struct client_env *env, char *why, size_t len)
{
	struct ovs_opts oo;

	return ovs_options(env, &oo, why, len);
}

/* Read the options into @o; false (and a message) for a bad one, which the
 * scenario check has already refused unless the caller skipped it. */
static bool ovs_read_options(struct ovs *o, const struct client_env *env)
{
	struct ovs_opts oo;
	char why[256];

	if (ovs_options(env, &oo, why, sizeof(why))) {
		fprintf(stderr, "nlsim: client ovs: %s\n", why);
		return false;
	}
	o->variant = oo.variant;
	o->veth_status = oo.veth_status;
	o->log = oo.log;
	o->rcvbuf = oo.rcvbuf;
	return true;
}

/* ovs_start - `client ovs`: open the sockets and start ovs-vswitchd. */
void ovs_start(const struct client_env *env)
{
	struct ovs *o = calloc(1, sizeof(*o));

	if (!o)
		return;
	o->env = *env;
	o->e = sim_world_engine(env->w);
	o->k = sim_world_kernel(env->w);
	o->link.fd = o->route.fd = o->nd_fd = o->req_fd = -1;
	memset(o->db_head, -1, sizeof(o->db_head));
	o->route_valid = true;
	o->stats_timer = INT64_MIN;
	o->rbuf = malloc(65536);
	read_costs(o);
	if (!ovs_read_options(o, env) || !o->rbuf || open_sockets(o) < 0) {
		ovs_free(o);
		return;
	}
	o->refs = 2;		/* vswitchd and its watcher */
	ovs_registry_add(o);
	if (o->env.m) {
		metrics_set(o->env.m, "ovs.loop_iterations", 0);
		metrics_set(o->env.m, "ovs.long_iterations", 0);
		metrics_set(o->env.m, "ovs.vsctl_wait_s_total", 0);
	}
	sim_task_spawn(o->e, "ovs-vswitchd", vswitchd_task, o, 0);
}
