/* tests/test_af_netlink_overrun.c - receive-buffer overrun of a listener
 * (netlink_broadcast_deliver, netlink_overrun, netlink_rcv_wake in
 * model/af_netlink.c).
 *
 * The scenario is the one measured on 6.18 (kernel.md §4.3, anchors.md §6,
 * docs/kernel-measurements.md "Notification sizes and rcvbuf"): a listener
 * bound to RTNLGRP_LINK does not read while another socket makes 400 MTU
 * changes, each an RTM_NEWLINK of ~1.5 KB charged 2304 bytes of rcvbuf.
 */
#include <errno.h>
#include <sys/socket.h>

#include "tests/stub_nl.h"
#include "tests/testutil.h"

static char rbuf[65536];

struct flood {
	struct sim_world *w;
	int mon, ip;
};

/* A veth pair "v0"/"v1" and a listener, configured by @setup before the
 * flood; the creation messages are read before it starts. */
static void flood_init(struct flood *f, const char *profile, int rcvbuf, bool force,
		       bool no_enobufs)
{
	struct net *net;

	f->w = sim_world_create(1, profile);
	REQUIRE(f->w != NULL);
	net = kernel_init_net(sim_world_kernel(f->w));
	f->mon = nl_open(f->w, net, true);
	f->ip = nl_open(f->w, net, false);
	if (rcvbuf)
		setsockopt(f->mon, SOL_SOCKET, force ? SO_RCVBUFFORCE : SO_RCVBUF, &rcvbuf,
			   sizeof(rcvbuf));
	if (no_enobufs)
		nl_setopt(f->mon, NETLINK_NO_ENOBUFS, 1);
	ASSERT_EQ_INT(nl_veth_add(f->ip, "v0", "v1"), 0);
	sim_engine_run_idle(sim_world_engine(f->w), 5000000000LL);
	ASSERT_EQ_INT(nl_drain(f->mon, NULL), 2);
}

/* @n MTU changes of v0, each one RTM_NEWLINK (NETDEV_CHANGEMTU). */
static void flood(struct flood *f, int n)
{
	static uint32_t mtu = 1400;

	for (int i = 0; i < n; i++)
		ASSERT_EQ_INT(nl_link_mtu(f->ip, "v0", mtu++ % 2 ? 1400 : 1401), 0);
}

static void flood_fini(struct flood *f)
{
	sim_engine_run_idle(sim_world_engine(f->w), 60000000000LL);
	ASSERT_EQ_INT(sim_world_destroy(f->w), 0);
}

/* Read the queue: ENOBUFS first if latched, then the messages; returns the
 * number of messages, each checked to be one ~1.5 KB RTM_NEWLINK. */
static int read_all(int fd, int *err)
{
	int count = 0;
	ssize_t n;

	*err = 0;
	while ((n = nl_recv(fd, rbuf, sizeof(rbuf))) != -EAGAIN) {
		if (n < 0) {
			if (count == 0 && !*err)
				*err = (int)n;
			else
				CU_FAIL("an error after the first read");
			continue;
		}
		ASSERT_EQ_INT(n, 1492);
		count++;
	}
	return count;
}

static int rcvbuf_of(int fd)
{
	int v = 0;
	socklen_t l = sizeof(v);

	getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &l);
	return v;
}

/* 92 x 2304 = 211968 fits in 212992, 93 do not: the first read reports
 * ENOBUFS (once), then the 92 queued messages, then the queue is empty. */
static void overrun_keeps_92_then_reports_enobufs_once(void)
{
	struct flood f;
	int err;

	flood_init(&f, "v6.18", 0, false, false);
	ASSERT_EQ_INT(rcvbuf_of(f.mon), 212992);
	flood(&f, 400);
	ASSERT_EQ_UINT(netlink_sock_rmem(sim_fd_sock(f.mon)), 92 * 2304);
	ASSERT_EQ_UINT(netlink_sock_drops(sim_fd_sock(f.mon)), 308);
	ASSERT_EQ_INT(nl_recv(f.mon, rbuf, sizeof(rbuf)), -ENOBUFS);
	ASSERT_EQ_INT(read_all(f.mon, &err), 92);
	ASSERT_EQ_INT(err, 0);
	/* drained: the latch is gone, the next notification arrives */
	flood(&f, 1);
	ASSERT_EQ_INT(read_all(f.mon, &err), 1);
	ASSERT_EQ_INT(err, 0);
	flood_fini(&f);
}

/* CONGESTED is cleared only by a read that leaves the queue empty: a
 * notification while messages are still queued is dropped, even though
 * reading made room, and no second ENOBUFS is reported. */
static void congested_listener_drops_until_its_queue_is_empty(void)
{
	struct flood f;
	int err;

	flood_init(&f, "v6.18", 0, false, false);
	flood(&f, 400);
	ASSERT_EQ_INT(nl_recv(f.mon, rbuf, sizeof(rbuf)), -ENOBUFS);
	for (int i = 0; i < 10; i++)
		ASSERT_EQ_INT(nl_recv(f.mon, rbuf, sizeof(rbuf)), 1492);
	flood(&f, 1);
	ASSERT_EQ_INT(read_all(f.mon, &err), 82);
	ASSERT_EQ_INT(err, 0);
	flood(&f, 1);
	ASSERT_EQ_INT(read_all(f.mon, &err), 1);
	flood_fini(&f);
}

/* NETLINK_NO_ENOBUFS: the same 92 kept, no error, and no latch: delivery
 * resumes as soon as a read frees room. */
static void no_enobufs_drops_silently_and_resumes_when_room_frees(void)
{
	struct flood f;
	int err;

	flood_init(&f, "v6.18", 0, false, true);
	flood(&f, 400);
	ASSERT_EQ_INT(nl_recv(f.mon, rbuf, sizeof(rbuf)), 1492);
	flood(&f, 1);
	ASSERT_EQ_INT(read_all(f.mon, &err), 92);
	ASSERT_EQ_INT(err, 0);
	flood_fini(&f);
}

/* SO_RCVBUF 65536 is doubled: 131072 holds 56 messages. */
static void so_rcvbuf_is_doubled_and_bounds_the_queue(void)
{
	struct flood f;
	int err;

	flood_init(&f, "v6.18", 65536, false, false);
	ASSERT_EQ_INT(rcvbuf_of(f.mon), 131072);
	flood(&f, 400);
	ASSERT_EQ_INT(read_all(f.mon, &err), 56);
	ASSERT_EQ_INT(err, -ENOBUFS);
	flood_fini(&f);
}

/* rmem_max is 4 MiB since v6.18: SO_RCVBUF 4 MiB gives 8 MiB, room for all
 * 400; v5.8 caps the request at 212992 (425984 after doubling). */
static void so_rcvbuf_4m_holds_all_on_v6_18(void)
{
	struct flood f;
	int err;

	flood_init(&f, "v6.18", 4194304, false, false);
	ASSERT_EQ_INT(rcvbuf_of(f.mon), 8388608);
	flood(&f, 400);
	ASSERT_EQ_UINT(netlink_sock_rmem(sim_fd_sock(f.mon)), 921600);
	ASSERT_EQ_INT(read_all(f.mon, &err), 400);
	ASSERT_EQ_INT(err, 0);
	flood_fini(&f);
}

static void so_rcvbufforce_ignores_rmem_max(void)
{
	struct flood f;
	int err;

	flood_init(&f, "v5.8", 8388608, true, false);
	ASSERT_EQ_INT(rcvbuf_of(f.mon), 16777216);
	flood(&f, 400);
	ASSERT_EQ_INT(read_all(f.mon, &err), 400);
	ASSERT_EQ_INT(err, 0);
	flood_fini(&f);
}

/* Before the 2025 fix (v5.8 profile) a copy is accepted while rmem <=
 * rcvbuf before charging it, so the queue may pass rcvbuf by one message:
 * 93 of 400 with the default, 185 with SO_RCVBUF 4 MiB capped to 425984. */
static void overrun_v5_8_accepts_one_message_past_rcvbuf(void)
{
	struct flood f;
	int err;

	flood_init(&f, "v5.8", 0, false, false);
	flood(&f, 400);
	ASSERT_EQ_INT(read_all(f.mon, &err), 93);
	ASSERT_EQ_INT(err, -ENOBUFS);
	flood_fini(&f);

	flood_init(&f, "v5.8", 4194304, false, false);
	ASSERT_EQ_INT(rcvbuf_of(f.mon), 425984);
	flood(&f, 400);
	ASSERT_EQ_INT(read_all(f.mon, &err), 185);
	ASSERT_EQ_INT(err, -ENOBUFS);
	flood_fini(&f);
}

/* The flooding socket itself is not a listener: it only got its ACKs. */
static void overrun_of_a_listener_does_not_touch_other_sockets(void)
{
	struct flood f;
	int err, other;

	flood_init(&f, "v6.18", 0, false, false);
	other = nl_open(f.w, kernel_init_net(sim_world_kernel(f.w)), true);
	setsockopt(other, SOL_SOCKET, SO_RCVBUF, &(int){ 4194304 }, sizeof(int));
	flood(&f, 400);
	ASSERT_EQ_INT(read_all(other, &err), 400);
	ASSERT_EQ_INT(err, 0);
	ASSERT_EQ_INT(nl_drain(f.ip, &err), 0);
	ASSERT_EQ_INT(err, 0);
	ASSERT_EQ_INT(read_all(f.mon, &err), 92);
	ASSERT_EQ_INT(err, -ENOBUFS);
	flood_fini(&f);
}

TEST_SUITE(af_netlink_overrun, NULL, NULL,
	   TEST_CASE(overrun_keeps_92_then_reports_enobufs_once),
	   TEST_CASE(congested_listener_drops_until_its_queue_is_empty),
	   TEST_CASE(no_enobufs_drops_silently_and_resumes_when_room_frees),
	   TEST_CASE(so_rcvbuf_is_doubled_and_bounds_the_queue),
	   TEST_CASE(so_rcvbuf_4m_holds_all_on_v6_18),
	   TEST_CASE(so_rcvbufforce_ignores_rmem_max),
	   TEST_CASE(overrun_v5_8_accepts_one_message_past_rcvbuf),
	   TEST_CASE(overrun_of_a_listener_does_not_touch_other_sockets));
