/* clients/monitor.c - `ip -ts monitor link`.
 *
 * Follows iproute2's ip/ipmonitor.c with `link` and `-ts`: one NETLINK_ROUTE
 * socket bound to RTNLGRP_LINK, a receive loop, and for each RTM_NEWLINK or
 * RTM_DELLINK one formatted entry (sim/ipmon.c does the formatting and keeps
 * iproute2's ifindex-to-name cache). The wall-clock timestamp becomes the
 * virtual time of the read, in seconds with six decimals. Reads block the
 * task until the kernel delivers, so the time printed is the delivery time.
 * An ENOBUFS is printed the way ip prints it and the loop goes on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "clients/client.h"
#include "sim/ipmon.h"
#include "sim/transport.h"

struct monitor {
	struct client_env env;
	int fd;
	struct ipmon_cache *cache;
};

static void monitor_print_msg(struct monitor *mon, const struct nlmsghdr *nlh)
{
	char line[4096];
	int off = ipmon_format_timestamp(sim_now(sim_world_engine(mon->env.w)), line,
					 sizeof(line));
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const char *name;

	if (ipmon_cache_format_link(mon->cache, nlh, line + off, sizeof(line) - (size_t)off) < 0)
		return;
	mon->env.print(mon->env.rctx, line);
	name = ipmon_cache_name_of(mon->cache, ifm->ifi_index);
	if (name && mon->env.saw_link)
		mon->env.saw_link(mon->env.rctx, name);
}

static void monitor_task(void *arg)
{
	struct monitor *mon = arg;
	char *buf = malloc(32768);

	while (buf) {
		const struct nlmsghdr *nlh;
		ssize_t n;
		int len;

		if (!sim_fd_wait_readable(mon->fd, mon->env.end))
			break;
		n = recv(mon->fd, buf, 32768, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == ENOBUFS)
				mon->env.print(mon->env.rctx, "netlink receive error No buffer space available (105)\n");
			continue;
		}
		len = (int)n;
		for (nlh = (const void *)buf; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			if (nlh->nlmsg_type == RTM_NEWLINK || nlh->nlmsg_type == RTM_DELLINK)
				monitor_print_msg(mon, nlh);
	}
	free(buf);
	ipmon_cache_destroy(mon->cache);
	close(mon->fd);
	free(mon);
}

/* monitor_check_opts - `ip monitor link` has no options of its own here
 * (netns= is the runner's): any other is refused. */
int monitor_check_opts(const struct client_env *env, char *why, size_t len)
{
	static const char *const known[] = { NULL };

	return client_opts_known(env, known, why, len);
}

/* monitor_start - open the socket now (so nothing sent after this instant is
 * missed) and spawn the reading task. */
void monitor_start(const struct client_env *env)
{
	struct monitor *mon = calloc(1, sizeof(*mon));
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };

	if (!mon)
		return;
	mon->env = *env;
	mon->fd = sim_socket_open(env->w, env->net);
	mon->cache = ipmon_cache_create();
	if (mon->fd < 0 || !mon->cache || bind(mon->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "nlsim: monitor: cannot open its socket\n");
		free(mon);
		return;
	}
	sim_task_spawn(sim_world_engine(env->w), "ip-monitor", monitor_task, mon, 0);
}
