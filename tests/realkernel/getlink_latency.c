/* tests/realkernel/getlink_latency.c - how long RTM_GETLINK waits for RTNL.
 *
 * Usage: getlink_latency SECONDS [IFINDEX]   (IFINDEX defaults to 1, lo)
 *
 * A standalone helper for scripts/measure-churn-costs.sh (not part of
 * libnlsim, not built by the GNUmakefile: the script compiles it). Sends
 * RTM_GETLINK doit requests for IFINDEX, one after the other on one
 * NETLINK_ROUTE socket, for SECONDS of CLOCK_MONOTONIC, reads each reply,
 * and prints one line:
 *
 *     calls=N p50_us=P50 p99_us=P99 max_us=MAX blocked_ms=B
 *
 * with the request-to-reply latencies in us and B the sum of those over
 * 1 ms: the time the loop spent waiting, mostly for an RTNL held elsewhere.
 * SIGTERM or SIGINT ends the loop early (the call in flight completes) and
 * still prints the line, so a script can run it in the background around a
 * command of unknown duration.
 *
 * Build: gcc -std=gnu11 -O2 -Wall -Wextra -o getlink_latency tests/realkernel/getlink_latency.c
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u32(const void *a, const void *b)
{
	return (*(const uint32_t *)a > *(const uint32_t *)b) -
	       (*(const uint32_t *)a < *(const uint32_t *)b);
}

int main(int argc, char **argv)
{
	static unsigned char buf[1 << 16] __attribute__((aligned(4)));
	struct {
		struct nlmsghdr nlh;
		struct ifinfomsg ifi;
		struct rtattr rta;
		uint32_t ext_mask;
	} req;
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	uint64_t end, blocked_us = 0;
	uint32_t *lat = NULL, seq = 0;
	size_t n = 0, cap = 0;
	double secs;
	int fd, ifindex = argc > 2 ? atoi(argv[2]) : 1;

	if (argc < 2 || argc > 3 || (secs = atof(argv[1])) <= 0 || ifindex <= 0) {
		fprintf(stderr, "usage: %s SECONDS [IFINDEX]\n", argv[0]);
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		perror("socket(NETLINK_ROUTE)");
		return 1;
	}
	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = sizeof(req);
	req.nlh.nlmsg_type = RTM_GETLINK;
	req.nlh.nlmsg_flags = NLM_F_REQUEST;
	req.ifi.ifi_family = AF_UNSPEC;
	req.ifi.ifi_index = ifindex;
	req.rta.rta_type = IFLA_EXT_MASK;
	req.rta.rta_len = RTA_LENGTH(sizeof(uint32_t));
	req.ext_mask = RTEXT_FILTER_SKIP_STATS;

	end = now_ns() + (uint64_t)(secs * 1e9);
	for (uint64_t t0 = now_ns(); t0 < end && !stop; t0 = now_ns()) {
		const struct nlmsghdr *nlh = (const void *)buf;
		uint64_t us;
		ssize_t len;

		req.nlh.nlmsg_seq = ++seq;
		if (send(fd, &req, sizeof(req), 0) != (ssize_t)sizeof(req)) {
			perror("send(RTM_GETLINK)");
			return 1;
		}
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0) {
			perror("recv");
			return 1;
		}
		if (!NLMSG_OK(nlh, (uint32_t)len) || nlh->nlmsg_seq != seq) {
			fprintf(stderr, "unexpected reply (len %zd)\n", len);
			return 1;
		}
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nlh);

			fprintf(stderr, "RTM_GETLINK ifindex %d: %s\n", ifindex,
				strerror(-e->error));
			return 1;
		}
		us = (now_ns() - t0) / 1000;
		if (us > 1000)
			blocked_us += us;
		if (n == cap && !(lat = realloc(lat, (cap += 65536) * sizeof(*lat)))) {
			perror("realloc");
			return 1;
		}
		lat[n++] = (uint32_t)us;
	}
	if (!n) {
		fprintf(stderr, "no call completed\n");
		return 1;
	}
	qsort(lat, n, sizeof(*lat), cmp_u32);
	printf("calls=%zu p50_us=%u p99_us=%u max_us=%u blocked_ms=%.1f\n", n,
	       lat[n / 2], lat[n * 99 / 100], lat[n - 1], blocked_us / 1000.0);
	return 0;
}
