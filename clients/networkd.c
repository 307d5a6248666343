/* clients/networkd.c - systemd-networkd bringing one link up.
 *
 * Follows systemd's src/network/networkd-link.c and networkd-setlink.c
 * (clients.md §6): one rtnetlink socket for requests and RTNLGRP_LINK
 * notifications; at start an RTM_GETLINK dump fed through the same handler
 * as notifications; for the managed link one RTM_GETLINK doit as a barrier,
 * then RTM_SETLINK with ifi_flags = ifi_change = IFF_UP ("bringing link
 * up"), and after its ACK another RTM_GETLINK doit. Every RTM_NEWLINK runs
 * the flag handler: "Flags change: +X -Y" in systemd's fixed flag order,
 * "Link UP"/"Link DOWN" on IFF_UP, and "Gained carrier"/"Lost carrier" on
 * netif_has_carrier (operstate UP; or UNKNOWN with LOWER_UP and RUNNING and
 * not DORMANT). Left out: udev (the link counts as initialised at once),
 * addresses, routes and the DHCP engines started on carrier.
 *
 * Options: link=NAME (default eth0; a valid interface name). Metric:
 * networkd.NAME.up_to_carrier_ms, from sending the SETLINK that brings the
 * link up to "Gained carrier".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>

#include "clients/client.h"
#include "sim/ipmon.h"
#include "sim/metrics.h"
#include "sim/scenario.h"
#include "sim/transport.h"

enum nd_state { ND_DUMP, ND_BARRIER, ND_SETLINK, ND_AFTER, ND_DONE };

struct networkd {
	struct client_env env;
	int fd;
	char link[IFNAMSIZ];
	int ifindex;
	bool known;
	unsigned flags;
	int operstate;		/* -1 unknown */
	bool carrier;
	enum nd_state state;
	uint32_t seq, wait_seq;
	sim_time_t up_sent;
};

/* systemd's order for the "Flags change" tokens */
static const struct {
	unsigned bit;
	const char *name;
} flag_names[] = {
	{ IFF_LOOPBACK, "LOOPBACK" }, { IFF_MASTER, "MASTER" }, { IFF_SLAVE, "SLAVE" },
	{ IFF_UP, "UP" }, { IFF_DORMANT, "DORMANT" }, { IFF_LOWER_UP, "LOWER_UP" },
	{ IFF_RUNNING, "RUNNING" }, { IFF_MULTICAST, "MULTICAST" },
	{ IFF_BROADCAST, "BROADCAST" }, { IFF_POINTOPOINT, "POINTOPOINT" },
	{ IFF_PROMISC, "PROMISC" }, { IFF_ALLMULTI, "ALLMULTI" }, { IFF_PORTSEL, "PORTSEL" },
	{ IFF_AUTOMEDIA, "AUTOMEDIA" }, { IFF_DYNAMIC, "DYNAMIC" }, { IFF_NOARP, "NOARP" },
	{ IFF_NOTRAILERS, "NOTRAILERS" }, { IFF_DEBUG, "DEBUG" }, { IFF_ECHO, "ECHO" },
};

static void nd_log(struct networkd *nd, const char *what, const char *more)
{
	char line[512];
	int off = ipmon_format_timestamp(sim_now(sim_world_engine(nd->env.w)), line, sizeof(line));

	snprintf(line + off, sizeof(line) - (size_t)off, "networkd: %s: %s%s\n", nd->link, what,
		 more ? more : "");
	nd->env.print(nd->env.rctx, line);
}

/* netif_has_carrier (src/shared/netif-util.c) */
static bool netif_has_carrier(int operstate, unsigned flags)
{
	if (operstate == IF_OPER_UP)
		return true;
	if (operstate != IF_OPER_UNKNOWN)
		return false;
	return (flags & IFF_LOWER_UP) && (flags & IFF_RUNNING) && !(flags & IFF_DORMANT);
}

static int attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(a, IFLA_MAX) > 0)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static void nd_link_update(struct networkd *nd, const struct nlmsghdr *nlh)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	unsigned old = nd->flags, changed;
	int operstate;
	bool carrier;

	mnl_attr_parse(nlh, sizeof(*ifm), attr_cb, tb);
	if (!tb[IFLA_IFNAME] || strcmp(mnl_attr_get_str(tb[IFLA_IFNAME]), nd->link) != 0)
		return;
	if (nlh->nlmsg_type == RTM_DELLINK) {
		nd->known = false;
		return;
	}
	nd->ifindex = ifm->ifi_index;
	operstate = tb[IFLA_OPERSTATE] ? mnl_attr_get_u8(tb[IFLA_OPERSTATE]) : nd->operstate;
	if (!nd->known) {
		nd->known = true;
		nd->flags = ifm->ifi_flags;
		nd->operstate = operstate;
		nd->carrier = netif_has_carrier(operstate, nd->flags);
		return;
	}
	changed = old ^ ifm->ifi_flags;
	nd->flags = ifm->ifi_flags;
	nd->operstate = operstate;
	if (changed) {
		char toks[256] = "";
		size_t off = 0;

		for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
			if (changed & flag_names[i].bit)
				off += (size_t)snprintf(toks + off, sizeof(toks) - off, " %c%s",
							(nd->flags & flag_names[i].bit) ? '+' : '-',
							flag_names[i].name);
		nd_log(nd, "Flags change:", toks);
		if (changed & IFF_UP)
			nd_log(nd, (nd->flags & IFF_UP) ? "Link UP" : "Link DOWN", NULL);
	}
	carrier = netif_has_carrier(operstate, nd->flags);
	if (carrier != nd->carrier) {
		nd->carrier = carrier;
		nd_log(nd, carrier ? "Gained carrier" : "Lost carrier", NULL);
		if (carrier && nd->up_sent >= 0) {
			char key[96];
			double ms = (double)(sim_now(sim_world_engine(nd->env.w)) - nd->up_sent) / 1e6;

			snprintf(key, sizeof(key), "networkd.%s.up_to_carrier_ms", nd->link);
			if (!metrics_has(nd->env.m, key))
				metrics_set(nd->env.m, key, ms);
		}
	}
}

static void nd_send(struct networkd *nd, int type, int flags, unsigned ifi_flags,
		    unsigned ifi_change)
{
	char buf[128] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	nlh->nlmsg_seq = ++nd->seq;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_index = (flags & NLM_F_DUMP) ? 0 : nd->ifindex;
	ifm->ifi_flags = ifi_flags;
	ifm->ifi_change = ifi_change;
	nd->wait_seq = nlh->nlmsg_seq;
	send(nd->fd, buf, nlh->nlmsg_len, 0);
}

/* Advance the bring-up once the reply to the pending request arrived. */
static void nd_next(struct networkd *nd)
{
	switch (nd->state) {
	case ND_DUMP:
		nd->state = ND_BARRIER;
		nd_send(nd, RTM_GETLINK, 0, 0, 0);
		break;
	case ND_BARRIER:
		nd->state = ND_SETLINK;
		nd_log(nd, "bringing link up", NULL);
		nd->up_sent = sim_now(sim_world_engine(nd->env.w));
		nd_send(nd, RTM_SETLINK, NLM_F_ACK, IFF_UP, IFF_UP);
		break;
	case ND_SETLINK:
		nd->state = ND_AFTER;
		nd_send(nd, RTM_GETLINK, 0, 0, 0);
		break;
	case ND_AFTER:
		nd->state = ND_DONE;
		break;
	case ND_DONE:
		break;
	}
}

static void networkd_task(void *arg)
{
	struct networkd *nd = arg;
	char *buf = malloc(32768);
	bool dump_done = false;

	nd_send(nd, RTM_GETLINK, NLM_F_DUMP, 0, 0);
	while (buf && sim_fd_wait_readable(nd->fd, nd->env.end)) {
		ssize_t n = recv(nd->fd, buf, 32768, MSG_DONTWAIT);
		const struct nlmsghdr *nlh = (const void *)buf;
		int len = (int)n;
		bool reply = false;

		if (n < 0)
			continue;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			bool ours = nlh->nlmsg_seq == nd->wait_seq && nlh->nlmsg_seq;

			if (nlh->nlmsg_type == RTM_NEWLINK || nlh->nlmsg_type == RTM_DELLINK)
				nd_link_update(nd, nlh);
			if (ours && (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR ||
				     (nlh->nlmsg_type == RTM_NEWLINK && !(nlh->nlmsg_flags & NLM_F_MULTI))))
				reply = true;
		}
		if (reply && nd->state == ND_DUMP)
			dump_done = true;
		else if (reply)
			nd_next(nd);
		if (nd->state == ND_DUMP && dump_done && nd->known)
			nd_next(nd);
	}
	free(buf);
	close(nd->fd);
	free(nd);
}

/* The link to manage into @link: 0, or -EINVAL with the reason in @why.
 * Both the scenario check and networkd_start() read it here. */
static int networkd_options(const struct client_env *env, char link[IFNAMSIZ], char *why,
			    size_t len)
{
	static const char *const known[] = { "link", NULL };
	const char *v = env->opt(env->action, "link");
	const char *bad = v ? scn_check_ifname(v) : NULL;

	if (client_opts_known(env, known, why, len))
		return -EINVAL;
	if (bad) {
		snprintf(why, len, "link='%s': %s", v, bad);
		return -EINVAL;
	}
	snprintf(link, IFNAMSIZ, "%s", v ? v : "eth0");
	return 0;
}

/* networkd_check_opts - the options of `client networkd`, while the
 * scenario is read. */
int networkd_check_opts(const struct client_env *env, char *why, size_t len)
{
	char link[IFNAMSIZ];

	return networkd_options(env, link, why, len);
}

/* networkd_start - open networkd's socket and start managing link=NAME. */
void networkd_start(const struct client_env *env)
{
	struct networkd *nd = calloc(1, sizeof(*nd));
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	int big = 128 << 20;	/* RCVBUF_SIZE in networkd-manager.c */
	char why[256];

	if (!nd)
		return;
	if (networkd_options(env, nd->link, why, sizeof(why))) {
		/* the scenario check refused it already, unless skipped */
		fprintf(stderr, "nlsim: client networkd: %s\n", why);
		free(nd);
		return;
	}
	nd->env = *env;
	nd->operstate = -1;
	nd->up_sent = -1;
	nd->fd = sim_socket_open(env->w, env->net);
	if (nd->fd < 0 || bind(nd->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		free(nd);
		return;
	}
	setsockopt(nd->fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	sim_task_spawn(sim_world_engine(env->w), "networkd", networkd_task, nd, 0);
}
