/* examples/test_link_follower.c - testing a tiny event-driven client with
 * libnlsim, as a project would in its own CUnit suite.
 *
 * The client under test ("link follower") keeps one link's RUNNING flag from
 * RTNLGRP_LINK notifications, the way event-driven daemons do. The tests give
 * it a simulated kernel instead of the real one: no root, no namespaces, and
 * virtual time, so link_watch's one-second batching costs nothing to wait for.
 *
 * Build against an installed libnlsim:
 *   cc -o test_link_follower test_link_follower.c $(pkg-config --cflags --libs nlsim) -lcunit
 */
#include <CUnit/Basic.h>
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <nlsim/nlsim.h>

/* ---- the client under test ------------------------------------------------------ */

struct follower {
	int fd;
	char name[IF_NAMESIZE];
	bool running;
	int events;
};

static int follower_open(struct follower *f, int fd, const char *name)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };

	memset(f, 0, sizeof(*f));
	f->fd = fd;
	strncpy(f->name, name, sizeof(f->name) - 1);
	return bind(fd, (struct sockaddr *)&sa, sizeof(sa));
}

/* Read whatever is queued, without blocking. */
static void follower_poll(struct follower *f)
{
	char buf[16384];
	ssize_t n;

	while ((n = recv(f->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			struct ifinfomsg *ifi = NLMSG_DATA(h);
			int len = (int)IFLA_PAYLOAD(h);

			if (h->nlmsg_type != RTM_NEWLINK)
				continue;
			for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len))
				if (a->rta_type == IFLA_IFNAME && !strcmp(RTA_DATA(a), f->name)) {
					f->running = ifi->ifi_flags & IFF_RUNNING;
					f->events++;
				}
		}
	}
}

/* ---- the tests ------------------------------------------------------------------- */

static void veth_up_is_seen_running(void)
{
	struct nlsim *s = nlsim_create("v6.18", 1);
	struct follower f;

	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT_EQUAL(follower_open(&f, nlsim_socket(s, NULL), "v0"), 0);
	CU_ASSERT_EQUAL(nlsim_veth_add(s, NULL, "v0", "v1"), 0);
	CU_ASSERT_EQUAL(nlsim_link_set_up(s, NULL, "v0", true), 0);
	CU_ASSERT_EQUAL(nlsim_link_set_up(s, NULL, "v1", true), 0);
	nlsim_advance(s, 10 * NLSIM_NSEC_PER_MSEC);
	follower_poll(&f);
	CU_ASSERT_TRUE(f.running);
	CU_ASSERT_TRUE(f.events >= 2);
	close(f.fd);
	CU_ASSERT_EQUAL(nlsim_destroy(s), 0);
}

static void plain_carrier_loss_waits_for_link_watch(void)
{
	struct nlsim *s = nlsim_create("v6.18", 1);
	struct nlsim_link l;
	struct follower f;

	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT_EQUAL(nlsim_tap_add(s, NULL, "tap0"), 0);
	CU_ASSERT_EQUAL(nlsim_link_set_up(s, NULL, "tap0", true), 0);
	CU_ASSERT_EQUAL(follower_open(&f, nlsim_socket(s, NULL), "tap0"), 0);
	/* First carrier loss after a quiet period: link_watch runs at once. */
	CU_ASSERT_EQUAL(nlsim_carrier_set(s, NULL, "tap0", false), 0);
	nlsim_advance(s, 10 * NLSIM_NSEC_PER_MSEC);
	follower_poll(&f);
	CU_ASSERT_FALSE(f.running);
	/* Carrier back: urgent (the qdisc was deactivated). */
	CU_ASSERT_EQUAL(nlsim_carrier_set(s, NULL, "tap0", true), 0);
	nlsim_advance(s, 10 * NLSIM_NSEC_PER_MSEC);
	follower_poll(&f);
	CU_ASSERT_TRUE(f.running);
	/* Second loss within the second: batched to the one-second slot. */
	CU_ASSERT_EQUAL(nlsim_carrier_set(s, NULL, "tap0", false), 0);
	nlsim_advance(s, 100 * NLSIM_NSEC_PER_MSEC);
	follower_poll(&f);
	CU_ASSERT_TRUE(f.running);
	CU_ASSERT_EQUAL(nlsim_link_get(s, NULL, "tap0", &l), 0);
	CU_ASSERT_TRUE(l.linkwatch_pending);
	nlsim_advance(s, NLSIM_NSEC_PER_SEC);
	follower_poll(&f);
	CU_ASSERT_FALSE(f.running);
	close(f.fd);
	CU_ASSERT_EQUAL(nlsim_destroy(s), 0);
}

int main(void)
{
	CU_pSuite suite;
	unsigned failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("link_follower", NULL, NULL);
	CU_add_test(suite, "veth_up_is_seen_running", veth_up_is_seen_running);
	CU_add_test(suite, "plain_carrier_loss_waits_for_link_watch",
		    plain_carrier_loss_waits_for_link_watch);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	/* The basic runner exits 0 even on failure: ask for the count. */
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures ? 1 : 0;
}
