/* tests/test_transport.c - simulated sockets closed while other tasks use
 * them: a blocked reader, a request waiting for RTNL, a poller. Each must
 * end cleanly (EBADF or completion), with nothing freed under anyone (the
 * ASan build runs this suite too). */
#include <errno.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "model/kernel.h"
#include "sim/transport.h"
#include "sim/world.h"
#include "tests/testutil.h"

struct ctx {
	struct sim_world *w;
	int fd;
	long ret;
	int err;
	bool done;
};

static void reader(void *arg)
{
	struct ctx *c = arg;
	char buf[4096];

	c->ret = recv(c->fd, buf, sizeof(buf), 0);
	c->err = errno;
	c->done = true;
}

static void closer(void *arg)
{
	struct ctx *c = arg;

	sim_task_sleep(sim_world_engine(c->w), 1000);
	close(c->fd);
}

static void blocked_reader_gets_ebadf_on_close(void)
{
	struct ctx c = { 0 };

	c.w = sim_world_create(1, "v6.18");
	REQUIRE(c.w != NULL);
	c.fd = sim_socket_open(c.w, kernel_init_net(sim_world_kernel(c.w)));
	REQUIRE(c.fd >= 0);
	sim_task_spawn(sim_world_engine(c.w), "reader", reader, &c, 0);
	sim_task_spawn(sim_world_engine(c.w), "closer", closer, &c, 0);
	sim_engine_run_idle(sim_world_engine(c.w), SIM_NSEC_PER_SEC);
	CU_ASSERT(c.done);
	ASSERT_EQ_INT(c.ret, -1);
	ASSERT_EQ_INT(c.err, EBADF);
	ASSERT_EQ_INT(sim_world_destroy(c.w), 0);
}

static void holder(void *arg)
{
	struct ctx *c = arg;

	kernel_rtnl_hold(sim_world_kernel(c->w), RTNL_CLASS_CONTENDER, 10 * SIM_NSEC_PER_MSEC);
}

static void sender(void *arg)
{
	struct ctx *c = arg;
	char buf[128] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_index = 1;
	c->ret = send(c->fd, buf, nlh->nlmsg_len, 0);
	c->done = true;
}

/* The request waits for RTNL (held 10 ms by a contender); its socket is
 * closed after 1 us. The request still completes (as netlink_sendmsg does in
 * the kernel), its reply goes nowhere, and nothing is used after free. */
static void request_waiting_for_rtnl_survives_close(void)
{
	struct ctx c = { 0 };
	struct sim_engine *e;

	c.w = sim_world_create(1, "v6.18");
	REQUIRE(c.w != NULL);
	e = sim_world_engine(c.w);
	c.fd = sim_socket_open(c.w, kernel_init_net(sim_world_kernel(c.w)));
	sim_task_spawn(e, "holder", holder, &c, 0);
	sim_task_spawn(e, "sender", sender, &c, 0);
	sim_task_spawn(e, "closer", closer, &c, 0);
	sim_engine_run_idle(e, SIM_NSEC_PER_SEC);
	CU_ASSERT(c.done);
	ASSERT_EQ_INT(c.ret, 32);
	ASSERT_EQ_INT(sim_world_destroy(c.w), 0);
}

static void poller(void *arg)
{
	struct ctx *c = arg;

	c->ret = sim_fds_wait_readable(&c->fd, 1, SIM_TIME_MAX);
	c->done = true;
}

/* A closed socket counts as readable for its pollers; a new socket that
 * reuses the descriptor number is not confused with it. */
static void poller_wakes_when_its_socket_is_closed(void)
{
	struct ctx c = { 0 };
	struct sim_engine *e;
	int again;

	c.w = sim_world_create(1, "v6.18");
	REQUIRE(c.w != NULL);
	e = sim_world_engine(c.w);
	c.fd = sim_socket_open(c.w, kernel_init_net(sim_world_kernel(c.w)));
	sim_task_spawn(e, "poller", poller, &c, 0);
	sim_task_spawn(e, "closer", closer, &c, 0);
	sim_engine_run(e, 500, true);	/* the poller waits */
	CU_ASSERT(!c.done);
	sim_engine_run_idle(e, SIM_NSEC_PER_SEC);
	CU_ASSERT(c.done);
	ASSERT_EQ_INT(c.ret, 0);
	again = sim_socket_open(c.w, kernel_init_net(sim_world_kernel(c.w)));
	CU_ASSERT(again >= 0);
	CU_ASSERT(!sim_fd_readable(again));
	ASSERT_EQ_INT(sim_world_destroy(c.w), 0);
}

static void direct_reader(void *arg)
{
	struct ctx *c = arg;
	char req[64] = { 0 }, small[64], big[4096];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	struct ifinfomsg *ifm;
	struct iovec iov = { small, sizeof(small) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	long full;

	c->fd = sim_socket_open(c->w, kernel_init_net(sim_world_kernel(c->w)));
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_index = 1;
	send(c->fd, req, nlh->nlmsg_len, 0);
	/* MSG_PEEK|MSG_TRUNC: the full length, nothing consumed */
	full = recv(c->fd, small, sizeof(small), MSG_PEEK | MSG_TRUNC);
	ASSERT_EQ_INT(full, 1468);
	/* a short buffer truncates the datagram and says so */
	ASSERT_EQ_INT(recvmsg(c->fd, &msg, 0), (long)sizeof(small));
	CU_ASSERT(msg.msg_flags & MSG_TRUNC);
	/* the rest of that datagram is gone: nothing left to read */
	ASSERT_EQ_INT(recv(c->fd, big, sizeof(big), MSG_DONTWAIT), -1);
	ASSERT_EQ_INT(errno, EAGAIN);
	close(c->fd);
	c->done = true;
}

/* A socket opened inside a task reads from the transport's FIFO (direct
 * mode) with the socketpair's datagram rules. */
static void direct_socket_keeps_datagram_rules(void)
{
	struct ctx c = { 0 };

	c.w = sim_world_create(1, "v6.18");
	REQUIRE(c.w != NULL);
	sim_task_spawn(sim_world_engine(c.w), "direct", direct_reader, &c, 0);
	sim_engine_run_idle(sim_world_engine(c.w), SIM_NSEC_PER_SEC);
	CU_ASSERT(c.done);
	ASSERT_EQ_INT(sim_world_destroy(c.w), 0);
}

TEST_SUITE(transport, NULL, NULL,
	   TEST_CASE(direct_socket_keeps_datagram_rules),
	   TEST_CASE(blocked_reader_gets_ebadf_on_close),
	   TEST_CASE(request_waiting_for_rtnl_survives_close),
	   TEST_CASE(poller_wakes_when_its_socket_is_closed));
