/* tests/realkernel_capture.c - record what a real RTNLGRP_LINK listener receives.
 *
 * A standalone helper, not part of libnlsim: it opens a NETLINK_ROUTE socket,
 * joins RTNLGRP_LINK and appends every netlink message it receives to a file,
 * so that tests can replay the real kernel's bytes through nlsim's formatters
 * (tests/golden/ipmon/ holds such recordings next to what `ip -ts monitor
 * link` printed for the same messages).
 *
 * File format ("nlcap"): a sequence of records, each
 *
 *     +--------------------------+-------------------------------------+
 *     | u32 length, little-endian | length bytes: one netlink message   |
 *     +--------------------------+-------------------------------------+
 *
 * The message bytes are exactly as the kernel sent them (host byte order).
 * One record per nlmsghdr: a datagram carrying several messages is split.
 *
 * Usage: realkernel_capture FILE [COUNT]
 *   Runs until SIGINT/SIGTERM, or until COUNT messages were written. Prints
 *   "ready" on stderr once subscribed, so a script can start changing links.
 *   Must run in the namespace to be observed (ip netns exec NS ...); joining
 *   a multicast group needs no privilege, creating links does.
 *
 * Build: gcc -std=gnu11 -O2 -Wall -Wextra -o realkernel_capture
 *        tests/realkernel_capture.c -lmnl
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int write_record(FILE *out, const struct nlmsghdr *nlh)
{
	uint32_t len = nlh->nlmsg_len;
	unsigned char le[4] = { len & 0xff, (len >> 8) & 0xff,
				(len >> 16) & 0xff, (len >> 24) & 0xff };

	if (fwrite(le, 1, 4, out) != 4 || fwrite(nlh, 1, len, out) != len)
		return -1;
	return fflush(out) ? -1 : 0;
}

int main(int argc, char **argv)
{
	char buf[65536] __attribute__((aligned(8)));
	struct sigaction sa = { .sa_handler = on_signal };
	struct mnl_socket *nl;
	unsigned long count = 0, limit = 0;
	int ret = 1, group = RTNLGRP_LINK;
	FILE *out;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s FILE [COUNT]\n", argv[0]);
		return 2;
	}
	if (argc == 3)
		limit = strtoul(argv[2], NULL, 0);

	/* no SA_RESTART: a signal must interrupt the blocking recv */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	out = fopen(argv[1], "wb");
	if (!out) {
		perror(argv[1]);
		return 1;
	}
	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl) {
		perror("mnl_socket_open");
		goto out_close;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0) {
		perror("bind/join RTNLGRP_LINK");
		goto out_sock;
	}
	fprintf(stderr, "ready\n");

	while (!stop && (!limit || count < limit)) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		const struct nlmsghdr *nlh;
		int left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				fprintf(stderr, "warning: ENOBUFS, messages lost\n");
				continue;
			}
			perror("recv");
			goto out_sock;
		}
		left = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			if (write_record(out, nlh) < 0) {
				perror(argv[1]);
				goto out_sock;
			}
			count++;
		}
	}
	fprintf(stderr, "captured %lu messages\n", count);
	ret = 0;
out_sock:
	mnl_socket_close(nl);
out_close:
	if (fclose(out) && !ret) {
		perror(argv[1]);
		ret = 1;
	}
	return ret;
}
