/* bench/bench_netlink.c - wall-clock cost of the netlink path.
 *
 * 1. The round trip of one RTM_GETLINK doit through the socketpair: send()
 *    a request for lo, recv() the reply, from outside any task (the way a
 *    test suite embedding nlsim drives it). Model costs are set to zero so
 *    the figure is the simulator's own overhead.
 * 2. Creating N dummy links with RTM_NEWLINK requests and dumping them with
 *    one RTM_GETLINK dump (32 KiB reads), for N = 1,000 and 100,000: time of
 *    each phase and the peak resident memory of a child process that does
 *    only that (getrusage ru_maxrss).
 * Prints figures; asserts nothing. The clock is read here only, never in
 * the engine.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "model/kernel.h"
#include "sim/transport.h"
#include "sim/world.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct sim_world *world_zero_cost(void)
{
	static const char *const costs[] = { "cost.getlink", "cost.newlink", "cost.register",
					     "cost.dump_part", "cost.dump_link" };
	struct sim_world *w = sim_world_create(1, "v6.18");

	for (size_t i = 0; w && i < sizeof(costs) / sizeof(costs[0]); i++)
		kernel_param_set(sim_world_kernel(w), costs[i], "0");
	return w;
}

/* The floor: one send and one recv of a 1492-byte datagram on a bare
 * socketpair, the two system calls every simulated reply costs. */
static double socketpair_floor_us(void)
{
	int sv[2], n = 200000;
	char b[2048] = { 0 };
	double t0, t1;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
		return -1;
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		send(sv[1], b, 1492, MSG_DONTWAIT);
		recv(sv[0], b, sizeof(b), 0);
	}
	t1 = now_s();
	close(sv[0]);
	close(sv[1]);
	return (t1 - t0) / n * 1e6;
}

static void bench_getlink(void)
{
	struct sim_world *w = world_zero_cost();
	int fd = sim_socket_open(w, kernel_init_net(sim_world_kernel(w)));
	char req[64], buf[8192];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	struct ifinfomsg *ifm;
	const int n = 200000;
	double t0, t1;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_index = 1;
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		nlh->nlmsg_seq = (uint32_t)i;
		if (send(fd, req, nlh->nlmsg_len, 0) < 0 || recv(fd, buf, sizeof(buf), 0) <= 0) {
			fprintf(stderr, "getlink: %s\n", strerror(errno));
			exit(1);
		}
	}
	t1 = now_s();
	printf("getlink: RTM_GETLINK doit round trip through the socketpair: %.2f us "
	       "(%d round trips in %.3f s; goal <= 3 us)\n",
	       (t1 - t0) / n * 1e6, n, t1 - t0);
	printf("getlink: floor on this machine, send+recv of 1492 bytes on a bare socketpair: "
	       "%.2f us\n", socketpair_floor_us());
	sim_world_destroy(w);
}

static void create_dummy(int fd, int i)
{
	char req[256], name[16];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	struct nlattr *li;

	snprintf(name, sizeof(name), "d%d", i);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = (uint32_t)i;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "dummy");
	mnl_attr_nest_end(nlh, li);
	if (send(fd, req, nlh->nlmsg_len, 0) < 0) {
		fprintf(stderr, "newlink: %s\n", strerror(errno));
		exit(1);
	}
}

static int dump_all(int fd)
{
	char req[64];
	static char buf[32768];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	int links = 0;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	send(fd, req, nlh->nlmsg_len, 0);
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		const struct nlmsghdr *m = (const void *)buf;
		int len = (int)n;

		if (n <= 0)
			return -1;
		for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_type == NLMSG_DONE)
				return links;
			links++;
		}
	}
}

static void bench_links(int n)
{
	struct sim_world *w = world_zero_cost();
	int fd = sim_socket_open(w, kernel_init_net(sim_world_kernel(w)));
	struct rusage ru;
	double t0, t1, t2;
	int got;

	t0 = now_s();
	for (int i = 0; i < n; i++)
		create_dummy(fd, i);
	t1 = now_s();
	got = dump_all(fd);
	t2 = now_s();
	getrusage(RUSAGE_SELF, &ru);
	printf("links: %6d created in %.3f s (%.1f us each), dumped (%d entries) in %.3f s, "
	       "peak RSS %.1f MiB\n",
	       n, t1 - t0, (t1 - t0) / n * 1e6, got, t2 - t1, t2 - t1 > 0 ? (double)ru.ru_maxrss / 1024 : 0.0);
	sim_world_destroy(w);
}

/* Each size in its own child, so the peak RSS is that size's alone. */
static void in_child(void (*fn)(int), int arg)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		fn(arg);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &status, 0);
}

int main(void)
{
	bench_getlink();
	fflush(stdout);
	in_child(bench_links, 1000);
	in_child(bench_links, 100000);
	return 0;
}
