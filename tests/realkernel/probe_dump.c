/* tests/realkernel/probe_dump.c - how the real kernel chunks RTM_GETLINK dumps,
 * what a veth RTM_NEWLINK carries, and how notifications fill a listener's
 * receive buffer.
 *
 * A standalone measurement tool (not part of libnlsim, not built by the
 * GNUmakefile); docs/kernel-measurements.md ("Link dumps", "Notification
 * sizes and rcvbuf") records its output. It prints plain text sections:
 *
 *   [chunks]   RTM_GETLINK dumps of 81 devices (lo + 40 veth pairs, all
 *              down) read with recv buffers of various sizes, on a fresh
 *              socket ("cold": the first chunk is built inside sendmsg,
 *              before the kernel has seen any recvmsg size) and again on the
 *              same socket ("warm"). Per datagram: bytes, messages, flags.
 *   [attrs]    the attribute list (type, nla_len) of a veth RTM_NEWLINK as
 *              a GETLINK doit reply, as a dump entry and as a notification
 *              (MTU change), plus nlmsg_len of lo / bridge / veth messages.
 *   [intr]     a 4 KiB-buffer dump interrupted after its first datagram by
 *              adding a device, deleting one, or changing an MTU (from a
 *              second socket): which messages carry NLM_F_DUMP_INTR (0x10).
 *   [rcvbuf]   400 RTM_NEWLINK notifications (MTU toggles) sent to a
 *              listener that does not read: how many are queued, the
 *              SO_MEMINFO rmem_alloc/drops, the first recv's error, and the
 *              per-message truesize inferred from rmem_alloc.
 *
 * It creates its devices itself (with ip(8)) and must run as root inside a
 * throw-away network namespace:
 *
 *   gcc -O2 -Wall -Wextra -o /tmp/probe_dump \
 *       tests/realkernel/probe_dump.c $(pkg-config --cflags --libs libmnl)
 *   ip netns add nlsim-probe
 *   ip netns exec nlsim-probe /tmp/probe_dump
 *   ip netns del nlsim-probe
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <net/if.h>		/* before linux/ headers: defines IFF_* */

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>

#ifndef NETLINK_NO_ENOBUFS
#define NETLINK_NO_ENOBUFS 5
#endif
#ifndef SO_MEMINFO
#define SO_MEMINFO 55
#endif

#define NPAIRS 40
#define QUIET_MS 200
#define NNOTIFY 400

static unsigned char rbuf[1 << 20] __attribute__((aligned(8)));

/* ---- small helpers ------------------------------------------------------- */

static int open_rt(int groups_link)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0) {
		perror("socket");
		exit(1);
	}
	if (groups_link)
		sa.nl_groups = 1u << (RTNLGRP_LINK - 1);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("bind");
		exit(1);
	}
	return fd;
}

static void sh(const char *cmd)
{
	if (system(cmd) != 0) {
		fprintf(stderr, "probe_dump: failed: %s\n", cmd);
		exit(1);
	}
}

static void send_buf(int fd, const void *buf, size_t len)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };

	if (sendto(fd, buf, len, 0, (struct sockaddr *)&k, sizeof(k)) != (ssize_t)len) {
		perror("sendto");
		exit(1);
	}
}

static void send_dump(int fd, uint32_t seq, int ext_mask)
{
	char buf[256] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	if (ext_mask)
		mnl_attr_put_u32(nlh, IFLA_EXT_MASK, (uint32_t)ext_mask);
	send_buf(fd, buf, nlh->nlmsg_len);
}

/* Wait for a datagram (QUIET_MS), recv it with buffer size bsz and
 * MSG_TRUNC; returns the real datagram size, 0 on timeout, -errno. */
static ssize_t recv_one(int fd, size_t bsz)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, QUIET_MS) <= 0)
		return 0;
	n = recv(fd, rbuf, bsz, MSG_TRUNC | MSG_DONTWAIT);
	return n < 0 ? -errno : n;
}

/* RTM_SETLINK ifindex MTU, waits for the ACK; returns the error (0 = ok). */
static int set_mtu(int fd, int ifindex, unsigned mtu, uint32_t seq)
{
	char buf[256] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;
	ssize_t n;

	nlh->nlmsg_type = RTM_SETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	send_buf(fd, buf, nlh->nlmsg_len);
	n = recv(fd, rbuf, 8192, 0);
	if (n < (ssize_t)(sizeof(*nlh) + sizeof(int)))
		return -EIO;
	nlh = (struct nlmsghdr *)rbuf;
	if (nlh->nlmsg_type != NLMSG_ERROR)
		return -EIO;
	return ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
}

/* ---- attribute names (numbers of a 6.18 kernel; libc headers lag) -------
 * IFLA_TARGET_NETNSID is an alias of IFLA_IF_NETNSID (46), hence one entry. */

static const char *const ifla_names[] = {
	"UNSPEC", "ADDRESS", "BROADCAST", "IFNAME", "MTU", "LINK", "QDISC",
	"STATS", "COST", "PRIORITY", "MASTER", "WIRELESS", "PROTINFO", "TXQLEN",
	"MAP", "WEIGHT", "OPERSTATE", "LINKMODE", "LINKINFO", "NET_NS_PID",
	"IFALIAS", "NUM_VF", "VFINFO_LIST", "STATS64", "VF_PORTS", "PORT_SELF",
	"AF_SPEC", "GROUP", "NET_NS_FD", "EXT_MASK", "PROMISCUITY",
	"NUM_TX_QUEUES", "NUM_RX_QUEUES", "CARRIER", "PHYS_PORT_ID",
	"CARRIER_CHANGES", "PHYS_SWITCH_ID", "LINK_NETNSID", "PHYS_PORT_NAME",
	"PROTO_DOWN", "GSO_MAX_SEGS", "GSO_MAX_SIZE", "PAD", "XDP", "EVENT",
	"NEW_NETNSID", "TARGET_NETNSID", "CARRIER_UP_COUNT",
	"CARRIER_DOWN_COUNT", "NEW_IFINDEX", "MIN_MTU", "MAX_MTU", "PROP_LIST",
	"ALT_IFNAME", "PERM_ADDRESS", "PROTO_DOWN_REASON", "PARENT_DEV_NAME",
	"PARENT_DEV_BUS_NAME", "GRO_MAX_SIZE", "TSO_MAX_SIZE", "TSO_MAX_SEGS",
	"ALLMULTI", "DEVLINK_PORT", "GSO_IPV4_MAX_SIZE", "GRO_IPV4_MAX_SIZE",
	"DPLL_PIN", "MAX_PACING_OFFLOAD_HORIZON", "NETNS_IMMUTABLE", "HEADROOM",
	"TAILROOM",
};

/* Print "type(NAME):nla_len" for each top-level attribute; nested ones
 * (LINKINFO, AF_SPEC, XDP, PROP_LIST) get their children in brackets. */
static void print_nested(const struct nlattr *nest);

static void print_attrs(const struct nlmsghdr *nlh)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	int k = 0;

	printf("  nlmsg_len=%u type=%u flags=0x%x ifindex=%d ifi_type=%u "
	       "ifi_flags=0x%x ifi_change=0x%x\n  attrs:", nlh->nlmsg_len,
	       nlh->nlmsg_type, nlh->nlmsg_flags, ifm->ifi_index, ifm->ifi_type,
	       ifm->ifi_flags, ifm->ifi_change);
	mnl_attr_for_each(a, nlh, sizeof(*ifm)) {
		unsigned t = mnl_attr_get_type(a);

		if (k++ % 6 == 0)
			printf("\n   ");
		printf(" %u(%s):%u", t,
		       t < sizeof(ifla_names) / sizeof(ifla_names[0]) ? ifla_names[t] : "?",
		       a->nla_len);
		if (t == IFLA_LINKINFO || t == IFLA_AF_SPEC || t == IFLA_XDP ||
		    t == IFLA_PROP_LIST)
			print_nested(a);
	}
	printf("\n");
}

static void print_nested(const struct nlattr *nest)
{
	const struct nlattr *a;
	int first = 1;

	printf("[");
	mnl_attr_for_each_nested(a, nest) {
		printf("%s%u:%u", first ? "" : " ", mnl_attr_get_type(a), a->nla_len);
		if (mnl_attr_get_type(a) == IFLA_INFO_KIND)
			printf("\"%s\"", mnl_attr_get_str(a));
		first = 0;
	}
	printf("]");
}

/* ---- [chunks] -------------------------------------------------------------- */

/* Read one dump to its NLMSG_DONE with recv buffer bsz, printing per
 * datagram "bytes/msgs" and flag details. */
static void read_dump(int fd, size_t bsz, uint32_t seq, int verbose)
{
	unsigned total_msgs = 0, dg = 0, intr = 0;
	int done = 0;

	printf("    dgrams:");
	while (!done && dg < 200) {
		ssize_t n = recv_one(fd, bsz);
		const struct nlmsghdr *nlh = (const void *)rbuf;
		size_t have, left;
		unsigned msgs = 0, first = 0, last = 0, fl_or = 0, intr_at = 0;

		if (n <= 0) {
			printf(" %s", n == 0 ? "(timeout)" : "(recv error)");
			break;
		}
		dg++;
		have = (size_t)n < bsz ? (size_t)n : bsz;
		left = have;
		for (; mnl_nlmsg_ok(nlh, (int)left); nlh = mnl_nlmsg_next(nlh, (int *)&left)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			fl_or |= nlh->nlmsg_flags;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) {
				intr++;
				if (!intr_at)
					intr_at = msgs + 1;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				printf(" %s[DONE len=%u flags=0x%x err=%d%s]",
				       msgs ? "+" : "", nlh->nlmsg_len, nlh->nlmsg_flags,
				       *(const int *)mnl_nlmsg_get_payload(nlh),
				       msgs ? " shares datagram" : " alone");
				done = 1;
				continue;
			}
			if (nlh->nlmsg_type == RTM_NEWLINK) {
				const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

				if (!msgs)
					first = (unsigned)ifm->ifi_index;
				last = (unsigned)ifm->ifi_index;
			}
			msgs++;
		}
		total_msgs += msgs;
		if (msgs)
			printf(" %zd/%u", n, msgs);
		if ((size_t)n > bsz)
			printf("(TRUNCATED to %zu)", bsz);
		if (verbose && msgs)
			printf("{if %u..%u fl=0x%x}", first, last, fl_or);
		if (intr_at)
			printf("<DUMP_INTR from message #%u of this datagram>", intr_at);
	}
	printf("\n    => %u datagrams, %u RTM_NEWLINK, %u with DUMP_INTR\n", dg,
	       total_msgs, intr);
}

static void probe_chunks(void)
{
	static const size_t sizes[] = { 65536, 32768, 16384, 8192, 4096, 2048 };
	uint32_t seq = 100;
	size_t i;

	printf("[chunks] RTM_GETLINK dump, lo + %d veth pairs (all down), no "
	       "IFLA_EXT_MASK\n", NPAIRS);
	printf("  format: bytes/messages per datagram; DONE placement\n");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		int fd = open_rt(0);

		printf("  recv buffer %zu, cold socket:\n", sizes[i]);
		send_dump(fd, ++seq, 0);
		read_dump(fd, sizes[i], seq, 0);
		printf("  recv buffer %zu, warm socket (2nd dump):\n", sizes[i]);
		send_dump(fd, ++seq, 0);
		read_dump(fd, sizes[i], seq, 0);
		close(fd);
	}
	{
		int fd = open_rt(0);

		printf("  recv buffer 32768, cold, IFLA_EXT_MASK=RTEXT_FILTER_VF "
		       "(what `ip link show` sends):\n");
		send_dump(fd, ++seq, RTEXT_FILTER_VF);
		read_dump(fd, 32768, seq, 0);
		close(fd);
	}
	{
		/* a client that peeks the size first (MSG_PEEK|MSG_TRUNC, len 0)
		 * and then reads with exactly that size */
		int fd = open_rt(0), dg = 0, done = 0;

		printf("  peek-then-read client (recv(0, MSG_PEEK|MSG_TRUNC) then "
		       "exact size), cold:\n    dgrams:");
		send_dump(fd, ++seq, 0);
		while (!done && dg < 200) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			ssize_t sz, n;
			const struct nlmsghdr *nlh;
			int left;
			unsigned msgs = 0;

			if (poll(&p, 1, QUIET_MS) <= 0)
				break;
			sz = recv(fd, rbuf, 0, MSG_PEEK | MSG_TRUNC);
			if (sz <= 0)
				break;
			n = recv(fd, rbuf, (size_t)sz, 0);
			if (n <= 0)
				break;
			dg++;
			left = (int)n;
			for (nlh = (const void *)rbuf; mnl_nlmsg_ok(nlh, left);
			     nlh = mnl_nlmsg_next(nlh, &left)) {
				if (nlh->nlmsg_type == NLMSG_DONE)
					done = 1;
				else
					msgs++;
			}
			printf(" %zd/%u%s", n, msgs, done ? "+DONE" : "");
		}
		printf("\n");
		close(fd);
	}
}

/* ---- [attrs] ---------------------------------------------------------------- */

static int getlink_doit(int fd, int ifindex, uint32_t seq)
{
	char buf[256] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	send_buf(fd, buf, nlh->nlmsg_len);
	return (int)recv(fd, rbuf, sizeof(rbuf), 0);
}

/* Drain a listener; print each RTM_NEWLINK/DELLINK for ifindex (0 = any):
 * with attributes if full, else one line. */
static unsigned drain_notifs(int lfd, int ifindex, int full, const char *label)
{
	unsigned cnt = 0;
	ssize_t n;

	while ((n = recv_one(lfd, sizeof(rbuf))) > 0) {
		const struct nlmsghdr *nlh = (const void *)rbuf;
		int left = (int)n;

		for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
				continue;
			if (ifindex && ifm->ifi_index != ifindex)
				continue;
			cnt++;
			if (full) {
				printf(" %s notification:\n", label);
				print_attrs(nlh);
			} else {
				printf("  %-28s %s ifindex=%d nlmsg_len=%u ifi_change=0x%x "
				       "pid=%u seq=%u\n", label,
				       nlh->nlmsg_type == RTM_NEWLINK ? "NEWLINK" : "DELLINK",
				       ifm->ifi_index, nlh->nlmsg_len, ifm->ifi_change,
				       nlh->nlmsg_pid, nlh->nlmsg_seq);
			}
		}
	}
	return cnt;
}

static void probe_attrs(void)
{
	int fd = open_rt(0), lfd = open_rt(1);
	int va = (int)if_nametoindex("d00a"), up = (int)if_nametoindex("u0");
	int br = (int)if_nametoindex("br0");
	ssize_t n;

	printf("\n[attrs] veth d00a (ifindex %d, down, peer down)\n", va);
	n = getlink_doit(fd, va, 1);
	if (n > 0) {
		printf(" GETLINK doit reply:\n");
		print_attrs((const struct nlmsghdr *)rbuf);
	}
	/* the same device as a dump entry */
	send_dump(fd, 2, 0);
	{
		int found = 0, guard = 0;

		while (!found && guard++ < 100) {
			const struct nlmsghdr *nlh = (const void *)rbuf;
			int left;

			n = recv_one(fd, 65536);
			if (n <= 0)
				break;
			left = (int)n;
			for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
				const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

				if (nlh->nlmsg_type == NLMSG_DONE)
					found = -1;
				if (nlh->nlmsg_type == RTM_NEWLINK && ifm->ifi_index == va) {
					printf(" GETLINK dump entry:\n");
					print_attrs(nlh);
					found = 1;
				}
			}
		}
		while (recv_one(fd, 65536) > 0)	/* rest of the dump */
			;
	}
	if (set_mtu(fd, va, 1400, 3) == 0)
		drain_notifs(lfd, va, 1, "MTU-change RTM_NEWLINK");
	set_mtu(fd, va, 1500, 4);
	drain_notifs(lfd, 0, 0, "(restore)");

	printf("\n[attrs] nlmsg_len of RTM_NEWLINK notifications (MTU change "
	       "unless noted)\n");
	set_mtu(fd, 1, 65000, 5);
	drain_notifs(lfd, 1, 0, "lo (up)");
	set_mtu(fd, 1, 65536, 6);
	drain_notifs(lfd, 0, 0, "(restore lo)");
	set_mtu(fd, va, 1400, 7);
	drain_notifs(lfd, va, 0, "veth d00a (down)");
	set_mtu(fd, va, 1500, 8);
	drain_notifs(lfd, 0, 0, "(restore)");
	set_mtu(fd, up, 1400, 9);
	drain_notifs(lfd, up, 0, "veth u0 (up, peer up)");
	set_mtu(fd, up, 1500, 10);
	drain_notifs(lfd, 0, 0, "(restore)");
	set_mtu(fd, br, 1400, 11);
	drain_notifs(lfd, br, 0, "bridge br0 (up, no ports)");
	set_mtu(fd, br, 1500, 12);
	drain_notifs(lfd, 0, 0, "(restore)");
	printf("  creation / deletion of a veth pair (ip link add nx0 type veth "
	       "peer name nx1; ip link del nx0):\n");
	sh("ip link add nx0 type veth peer name nx1");
	drain_notifs(lfd, 0, 0, "  add");
	sh("ip link del nx0");
	drain_notifs(lfd, 0, 0, "  del");
	printf("  GETLINK doit reply sizes: lo ");
	n = getlink_doit(fd, 1, 20);
	printf("%u, u0 ", n > 0 ? ((struct nlmsghdr *)rbuf)->nlmsg_len : 0);
	n = getlink_doit(fd, up, 21);
	printf("%u, br0 ", n > 0 ? ((struct nlmsghdr *)rbuf)->nlmsg_len : 0);
	n = getlink_doit(fd, br, 22);
	printf("%u\n", n > 0 ? ((struct nlmsghdr *)rbuf)->nlmsg_len : 0);
	close(lfd);
	close(fd);
}

/* ---- [intr] ----------------------------------------------------------------- */

static void probe_intr(const char *label, const char *between, size_t bsz)
{
	int fd = open_rt(0);
	uint32_t seq = 500;
	ssize_t n;
	const struct nlmsghdr *nlh;
	int left;
	unsigned msgs = 0;

	printf("  %s (recv buffer %zu):\n", label, bsz);
	send_dump(fd, seq, 0);
	n = recv_one(fd, bsz);
	if (n <= 0) {
		printf("    no first datagram\n");
		close(fd);
		return;
	}
	left = (int)n;
	for (nlh = (const void *)rbuf; mnl_nlmsg_ok(nlh, left);
	     nlh = mnl_nlmsg_next(nlh, &left))
		msgs++;
	printf("    first datagram %zd/%u flags=0x%x; then: %s\n", n, msgs,
	       ((const struct nlmsghdr *)rbuf)->nlmsg_flags, between);
	if (*between)
		sh(between);
	read_dump(fd, bsz, seq, 1);
	close(fd);
}

/* ---- [rcvbuf] ----------------------------------------------------------------- */

struct lcfg {
	const char *label;
	int rcvbuf;		/* SO_RCVBUF request, 0 = default */
	int force;		/* SO_RCVBUFFORCE instead */
	int no_enobufs;
};

static void meminfo(int fd, uint32_t *rmem, uint32_t *rcvbuf, uint32_t *drops)
{
	uint32_t mi[SK_MEMINFO_VARS] = { 0 };
	socklen_t l = sizeof(mi);

	getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mi, &l);
	*rmem = mi[SK_MEMINFO_RMEM_ALLOC];
	*rcvbuf = mi[SK_MEMINFO_RCVBUF];
	*drops = mi[SK_MEMINFO_DROPS];
}

static void probe_rcvbuf(void)
{
	static const struct lcfg cfgs[] = {
		{ "default", 0, 0, 0 },
		{ "default+NETLINK_NO_ENOBUFS", 0, 0, 1 },
		{ "SO_RCVBUF 65536", 65536, 0, 0 },
		{ "SO_RCVBUF 4194304", 4194304, 0, 0 },
		{ "SO_RCVBUFFORCE 8388608", 8388608, 1, 0 },
	};
	int gfd = open_rt(0), ifx = (int)if_nametoindex("d01a");
	uint32_t seq = 1000, rmem, rcv, drops;
	size_t c;
	int i;

	printf("\n[rcvbuf] %d RTM_NEWLINK notifications (MTU 1400/1500 toggles on "
	       "down veth d01a), listener not reading\n", NNOTIFY);
	/* truesize: one MTU-change notification into an empty listener */
	{
		static const struct {
			const char *dev;
			unsigned mtu1, mtu2;
		} tdev[] = {
			{ "d01a", 1400, 1500 }, { "u0", 1400, 1500 },
			{ "lo", 65000, 65536 }, { "br0", 1400, 1500 },
		};
		size_t t;

		for (t = 0; t < sizeof(tdev) / sizeof(tdev[0]); t++) {
			int lfd = open_rt(1), x = (int)if_nametoindex(tdev[t].dev);
			ssize_t n;

			set_mtu(gfd, x, tdev[t].mtu1, ++seq);
			usleep(20000);
			meminfo(lfd, &rmem, &rcv, &drops);
			n = recv_one(lfd, sizeof(rbuf));
			printf("  one notification for %-5s nlmsg_len=%u datagram=%zd "
			       "rmem_alloc=%u (= skb truesize)\n", tdev[t].dev,
			       n > 0 ? ((struct nlmsghdr *)rbuf)->nlmsg_len : 0, n, rmem);
			set_mtu(gfd, x, tdev[t].mtu2, ++seq);
			close(lfd);
		}
	}
	for (c = 0; c < sizeof(cfgs) / sizeof(cfgs[0]); c++) {
		const struct lcfg *cf = &cfgs[c];
		int lfd = open_rt(1), one = 1;
		unsigned got = 0, errs = 0, dg = 0, first_err = 0;
		ssize_t n;

		if (cf->rcvbuf &&
		    setsockopt(lfd, SOL_SOCKET, cf->force ? SO_RCVBUFFORCE : SO_RCVBUF,
			       &cf->rcvbuf, sizeof(int)))
			perror("SO_RCVBUF");
		if (cf->no_enobufs)
			setsockopt(lfd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof(one));
		for (i = 0; i < NNOTIFY; i++)
			if (set_mtu(gfd, ifx, (i & 1) ? 1500 : 1400, ++seq))
				printf("  set_mtu failed at %d\n", i);
		if (NNOTIFY & 1)
			set_mtu(gfd, ifx, 1500, ++seq);
		usleep(20000);
		meminfo(lfd, &rmem, &rcv, &drops);
		/* drain: the first recv may report the pending socket error */
		for (i = 0; i < NNOTIFY + 10; i++) {
			n = recv_one(lfd, sizeof(rbuf));
			if (n == 0)
				break;
			if (n < 0) {
				errs++;
				if (!dg && !first_err)
					first_err = (unsigned)-n;
				continue;
			}
			dg++;
			{
				const struct nlmsghdr *nlh = (const void *)rbuf;
				int left = (int)n;

				for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left))
					got++;
			}
		}
		printf("  %-28s rcvbuf=%u queued rmem_alloc=%u drops=%u | delivered "
		       "%u/%d, recv errors %u%s%s, rmem/msg=%.1f\n", cf->label, rcv,
		       rmem, drops, got, NNOTIFY, errs,
		       first_err ? " (first recv: " : "",
		       first_err ? (first_err == ENOBUFS ? "ENOBUFS)" : "other)") : "",
		       got ? (double)rmem / got : 0.0);
		close(lfd);
	}
	close(gfd);
}

/* ---- main -------------------------------------------------------------------- */

static int only_lo(void)
{
	struct if_nameindex *ni = if_nameindex(), *p;
	int ok = 1;

	if (!ni)
		return 0;
	for (p = ni; p->if_index; p++)
		if (strcmp(p->if_name, "lo"))
			ok = 0;
	if_freenameindex(ni);
	return ok;
}

int main(void)
{
	FILE *b;
	int i;

	if (!only_lo()) {
		fprintf(stderr, "probe_dump: run me in a fresh netns (ip netns add ...)\n");
		return 1;
	}
	/* lo up; NPAIRS veth pairs dNNa/dNNb, all down (ip -batch) */
	b = popen("ip -batch -", "w");
	if (!b)
		return 1;
	fprintf(b, "link set lo up\n");
	for (i = 0; i < NPAIRS; i++)
		fprintf(b, "link add d%02da type veth peer name d%02db\n", i, i);
	if (pclose(b) != 0) {
		fprintf(stderr, "probe_dump: ip -batch failed\n");
		return 1;
	}

	probe_chunks();

	printf("\n[intr] 4 KiB dumps; a change is made from another socket after "
	       "the first datagram\n");
	probe_intr("add a veth pair", "ip link add i0 type veth peer name i1", 4096);
	probe_intr("delete that veth pair", "ip link del i0", 4096);
	probe_intr("MTU change of d05a", "ip link set d05a mtu 1400", 4096);
	probe_intr("rename of d06a", "ip link set d06a name d06z", 4096);
	probe_intr("no change (control)", "", 4096);
	probe_intr("add a veth pair, 32 KiB buffer",
		   "ip link add i2 type veth peer name i3", 32768);
	sh("ip link del i2; ip link set d05a mtu 1500; ip link set d06z name d06a");

	/* devices for [attrs]: an up veth pair, a bridge */
	sh("ip link add u0 type veth peer name u1 && ip link set u1 up && "
	   "ip link set u0 up && ip link add br0 type bridge && ip link set br0 up");
	usleep(300000);	/* let linkwatch settle carrier/operstate */
	probe_attrs();
	probe_rcvbuf();
	return 0;
}
