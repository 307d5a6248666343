/* tests/realkernel/linkctl.c - one rtnetlink request per link action.
 *
 * A standalone helper for tests/realkernel.sh (not part of libnlsim, not
 * built by the GNUmakefile: the script compiles it). It reads commands on
 * stdin, one a line, sends exactly one NETLINK_ROUTE request for each
 * (NLM_F_ACK) and answers "ok" or "error: ..." on stdout (flushed).
 *
 * Why not `ip link set`: ip(8) first resolves the name with an RTM_GETLINK
 * doit, and that request makes the kernel process the device's pending
 * link_watch event on the spot (linkwatch_sync_dev; kernel.md §1.12), which
 * changes what the following RTM_NEWLINK reports. nlsim's `up NAME` is the
 * RTM_NEWLINK alone, so this tool addresses devices by IFLA_IFNAME inside
 * the request itself and never sends RTM_GETLINK. Where an ifindex is
 * unavoidable (IFLA_MASTER, rename) it uses if_nametoindex() (the
 * SIOCGIFINDEX ioctl, which does not touch link_watch).
 *
 * Commands:
 *   veth NAME PEER          create a veth pair (RTM_NEWLINK, NLM_F_CREATE|EXCL)
 *   bridge NAME             create a bridge
 *   up NAME | down NAME     IFF_UP set/cleared (ifi_change = IFF_UP)
 *   master NAME BRIDGE      IFLA_MASTER
 *   nomaster NAME           IFLA_MASTER 0
 *   mtu NAME N              IFLA_MTU
 *   address NAME MAC        IFLA_ADDRESS
 *   rename NAME NEWNAME     IFLA_IFNAME on the device's ifindex
 *   mode NAME default|dormant   IFLA_LINKMODE
 *   del NAME                RTM_DELLINK
 *   exit
 * Run it in the namespace to act on (ip netns exec NS linkctl).
 *
 * Build: gcc -std=gnu11 -O2 -Wall -Wextra -o linkctl tests/realkernel/linkctl.c
 */
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

struct req {
	struct nlmsghdr *nlh;
	char buf[4096] __attribute__((aligned(4)));
};

static int nl_fd;
static uint32_t seq;

static struct ifinfomsg *req_init(struct req *r, uint16_t type, uint16_t flags)
{
	memset(r->buf, 0, sizeof(r->buf));
	r->nlh = (struct nlmsghdr *)r->buf;
	r->nlh->nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	r->nlh->nlmsg_type = type;
	r->nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->nlh->nlmsg_seq = ++seq;
	return NLMSG_DATA(r->nlh);
}

static struct rtattr *put(struct req *r, uint16_t type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)(r->buf + NLMSG_ALIGN(r->nlh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	r->nlh->nlmsg_len = NLMSG_ALIGN(r->nlh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

static void put_str(struct req *r, uint16_t type, const char *s)
{
	put(r, type, s, strlen(s) + 1);
}

static void put_u32(struct req *r, uint16_t type, uint32_t v)
{
	put(r, type, &v, sizeof(v));
}

static void nest_end(struct req *r, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)(r->buf + r->nlh->nlmsg_len - (char *)nest);
}

/* Send the request and wait for its ACK; returns 0 or a negative errno. */
static int talk(struct req *r)
{
	char buf[8192] __attribute__((aligned(4)));
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(nl_fd, r->nlh, r->nlh->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(nl_fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != r->nlh->nlmsg_seq || h->nlmsg_type != NLMSG_ERROR)
				continue;
			return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
		}
	}
}

static int by_name(struct req *r, uint16_t type, const char *name)
{
	req_init(r, type, 0);
	put_str(r, IFLA_IFNAME, name);
	return 0;
}

static int create(struct req *r, const char *name, const char *kind, const char *peer)
{
	struct rtattr *li, *data, *pi;
	struct ifinfomsg peer_ifi = { .ifi_family = AF_UNSPEC };

	req_init(r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	put_str(r, IFLA_IFNAME, name);
	li = put(r, IFLA_LINKINFO, NULL, 0);
	put_str(r, IFLA_INFO_KIND, kind);
	if (peer) {
		data = put(r, IFLA_INFO_DATA, NULL, 0);
		pi = put(r, VETH_INFO_PEER, &peer_ifi, sizeof(peer_ifi));
		put_str(r, IFLA_IFNAME, peer);
		nest_end(r, pi);
		nest_end(r, data);
	}
	nest_end(r, li);
	return 0;
}

static int parse_mac(const char *s, unsigned char mac[6])
{
	unsigned int b[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (unsigned char)b[i];
	return 0;
}

/* Build the request for one command line; returns 1 to send, 0 for exit,
 * -1 with *why set on a bad command. */
static int build(struct req *r, int argc, char **argv, const char **why)
{
	const char *v = argv[0];
	struct ifinfomsg *ifi;
	unsigned int idx;

	*why = "bad arguments";
	if (!strcmp(v, "exit"))
		return 0;
	if (!strcmp(v, "veth") && argc == 3)
		return create(r, argv[1], "veth", argv[2]), 1;
	if (!strcmp(v, "bridge") && argc == 2)
		return create(r, argv[1], "bridge", NULL), 1;
	if ((!strcmp(v, "up") || !strcmp(v, "down")) && argc == 2) {
		by_name(r, RTM_NEWLINK, argv[1]);
		ifi = NLMSG_DATA(r->nlh);
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = !strcmp(v, "up") ? IFF_UP : 0;
		return 1;
	}
	if (!strcmp(v, "master") && argc == 3) {
		if (!(idx = if_nametoindex(argv[2]))) {
			*why = "no such master";
			return -1;
		}
		by_name(r, RTM_NEWLINK, argv[1]);
		put_u32(r, IFLA_MASTER, idx);
		return 1;
	}
	if (!strcmp(v, "nomaster") && argc == 2) {
		by_name(r, RTM_NEWLINK, argv[1]);
		put_u32(r, IFLA_MASTER, 0);
		return 1;
	}
	if (!strcmp(v, "mtu") && argc == 3) {
		by_name(r, RTM_NEWLINK, argv[1]);
		put_u32(r, IFLA_MTU, (uint32_t)strtoul(argv[2], NULL, 0));
		return 1;
	}
	if (!strcmp(v, "address") && argc == 3) {
		unsigned char mac[6];

		if (parse_mac(argv[2], mac) < 0)
			return -1;
		by_name(r, RTM_NEWLINK, argv[1]);
		put(r, IFLA_ADDRESS, mac, sizeof(mac));
		return 1;
	}
	if (!strcmp(v, "rename") && argc == 3) {
		if (!(idx = if_nametoindex(argv[1]))) {
			*why = "no such device";
			return -1;
		}
		req_init(r, RTM_NEWLINK, 0);
		((struct ifinfomsg *)NLMSG_DATA(r->nlh))->ifi_index = (int)idx;
		put_str(r, IFLA_IFNAME, argv[2]);
		return 1;
	}
	if (!strcmp(v, "mode") && argc == 3) {
		unsigned char mode;

		if (!strcmp(argv[2], "dormant"))
			mode = 1;	/* IF_LINK_MODE_DORMANT */
		else if (!strcmp(argv[2], "default"))
			mode = 0;	/* IF_LINK_MODE_DEFAULT */
		else
			return -1;
		by_name(r, RTM_NEWLINK, argv[1]);
		put(r, IFLA_LINKMODE, &mode, 1);
		return 1;
	}
	if (!strcmp(v, "del") && argc == 2)
		return by_name(r, RTM_DELLINK, argv[1]), 1;
	*why = "unknown command";
	return -1;
}

int main(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char line[256];
	struct req r;

	nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl_fd < 0 || bind(nl_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("linkctl: netlink socket");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		char *argv[8], *save = NULL, *tok;
		const char *why;
		int argc = 0, ret;

		for (tok = strtok_r(line, " \t\r\n", &save); tok && argc < 8;
		     tok = strtok_r(NULL, " \t\r\n", &save))
			argv[argc++] = tok;
		if (!argc)
			continue;
		ret = build(&r, argc, argv, &why);
		if (ret == 0)
			break;
		if (ret < 0) {
			printf("error: %s: %s\n", argv[0], why);
		} else if ((ret = talk(&r)) < 0) {
			printf("error: %s %s: %s\n", argv[0], argc > 1 ? argv[1] : "", strerror(-ret));
		} else {
			printf("ok\n");
		}
		fflush(stdout);
	}
	close(nl_fd);
	return 0;
}
