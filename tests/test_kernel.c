/* tests/test_kernel.c - struct kernel as a value (model/kernel.c): several
 * kernels in one process share nothing, one seed replays a run byte for
 * byte, and ifindexes are allocated per namespace (dev_new_index, lo is 1
 * in every namespace).
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "tests/stub_nl.h"
#include "tests/testutil.h"

static unsigned char rbuf[65536] __attribute__((aligned(8)));

static void world_done(struct sim_world *w)
{
	sim_engine_run_idle(sim_world_engine(w), 60000000000LL);
	ASSERT_EQ_INT(sim_world_destroy(w), 0);
}

static int count_links(struct net *net)
{
	struct link_info li;
	int n = 0;

	while (kernel_link_at(net, (unsigned)n, &li))
		n++;
	return n;
}

/* Devices, ifindex counters, notifications and port ids of one kernel are
 * invisible to another in the same process. */
static void two_kernels_share_nothing(void)
{
	struct sim_world *w1 = sim_world_create(1, "v6.18"), *w2 = sim_world_create(1, "v6.18");
	struct net *n1, *n2;
	struct link_info li;
	struct linkmsg m;
	int mon1, mon2, ip1, ip2, b1, b2;

	REQUIRE(w1 && w2);
	n1 = kernel_init_net(sim_world_kernel(w1));
	n2 = kernel_init_net(sim_world_kernel(w2));
	mon1 = nl_open(w1, n1, true);
	mon2 = nl_open(w2, n2, true);
	ip1 = nl_open(w1, n1, false);
	ip2 = nl_open(w2, n2, false);
	ASSERT_EQ_INT(nl_veth_add(ip1, "v0", "v1"), 0);
	ASSERT_EQ_INT(count_links(n1), 3);
	ASSERT_EQ_INT(count_links(n2), 1);
	ASSERT_EQ_INT(kernel_link_info(n2, "v0", &li), -ENODEV);
	ASSERT_EQ_INT(nl_drain(mon1, NULL), 2);
	ASSERT_EQ_INT(nl_drain(mon2, NULL), 0);
	/* w2's counter has not moved: its first devices are 2 and 3 too */
	ASSERT_EQ_INT(nl_veth_add(ip2, "a0", "a1"), 0);
	REQUIRE_LINK(mon2, &m);
	ASSERT_EQ_INT(m.ifm.ifi_index, 2);
	ASSERT_EQ_STR(m.name, "a1");
	ASSERT_EQ_INT(nl_drain(mon1, NULL), 0);
	/* the same name may exist in both */
	ASSERT_EQ_INT(nl_veth_add(ip2, "v0", "v1"), 0);
	/* port ids: each kernel has its own table */
	b1 = nl_open(w1, n1, false);
	b2 = nl_open(w2, n2, false);
	{
		struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_pid = 4242 };

		ASSERT_EQ_INT(bind(b1, (struct sockaddr *)&sa, sizeof(sa)), 0);
		ASSERT_EQ_INT(bind(b2, (struct sockaddr *)&sa, sizeof(sa)), 0);
	}
	ASSERT_EQ_UINT(nl_portid(ip1), nl_portid(ip2));	/* same autobind sequence */
	/* lo's registration and the pair; nothing of w2's */
	ASSERT_EQ_UINT(kernel_counters(sim_world_kernel(w1))->notifications, 3);
	world_done(w1);
	/* the other world still works after the first is gone */
	ASSERT_EQ_INT(nl_link_up(ip2, "a0", true), 0);
	ASSERT_EQ_INT(nl_drain(mon2, NULL) > 0, 1);
	world_done(w2);
}

/* Everything a listener receives in one run, with virtual timestamps. */
struct stream {
	unsigned char *buf;
	size_t len, cap;
};

static void stream_take(struct stream *s, struct sim_world *w, int fd)
{
	ssize_t n;

	while ((n = nl_recv(fd, rbuf, sizeof(rbuf))) > 0 || n == -ENOBUFS) {
		int64_t now = sim_now(sim_world_engine(w));
		size_t need = sizeof(now) + sizeof(n) + (n > 0 ? (size_t)n : 0);

		if (s->len + need > s->cap) {
			s->cap = (s->len + need) * 2;
			s->buf = realloc(s->buf, s->cap);
			REQUIRE(s->buf != NULL);
		}
		memcpy(s->buf + s->len, &now, sizeof(now));
		memcpy(s->buf + s->len + sizeof(now), &n, sizeof(n));
		if (n > 0)
			memcpy(s->buf + s->len + sizeof(now) + sizeof(n), rbuf, (size_t)n);
		s->len += need;
	}
}

/* A scenario touching creation (random MACs), flags, linkwatch timing,
 * carrier flaps, a dump, MTU, a netns move and deletion. */
static void scenario(uint64_t seed, const char *profile, struct stream *s)
{
	struct sim_world *w = sim_world_create(seed, profile);
	struct sim_engine *e = sim_world_engine(w);
	struct net *net, *ns;
	int mon, ip;
	struct nlreq r;

	REQUIRE(w != NULL);
	net = kernel_init_net(sim_world_kernel(w));
	REQUIRE(kernel_netns_add(sim_world_kernel(w), "other", &ns) == 0);
	mon = nl_open(w, net, true);
	ip = nl_open(w, net, false);
	memset(s, 0, sizeof(*s));
	nl_veth_add(ip, "v0", "v1");
	nl_veth_add(ip, "w0", "w1");
	nl_link_up(ip, "v0", true);
	nl_link_up(ip, "v1", true);
	nl_link_up(ip, "w0", true);
	stream_take(s, w, mon);
	for (int i = 0; i < 6; i++) {
		sim_engine_run(e, sim_now(e) + 300000000, true);
		kernel_carrier_set(net, "w0", i % 2);
		stream_take(s, w, mon);
	}
	sim_engine_run_idle(e, sim_now(e) + 5000000000LL);
	stream_take(s, w, mon);
	nlreq_link(&r, RTM_GETLINK, NLM_F_DUMP, 9, 0);
	nlreq_send(mon, &r);
	stream_take(s, w, mon);
	nl_link_mtu(ip, "v0", 1400);
	nl_link_netns(ip, "w1", kernel_netns_pid(ns));
	nl_link_del(ip, "v1");
	sim_engine_run_idle(e, sim_now(e) + 5000000000LL);
	stream_take(s, w, mon);
	world_done(w);
}

static void same_seed_gives_byte_identical_streams(void)
{
	const char *profiles[] = { "v5.8", "v6.18" };

	for (int p = 0; p < 2; p++) {
		struct stream a, b, c;

		scenario(7, profiles[p], &a);
		scenario(7, profiles[p], &b);
		scenario(8, profiles[p], &c);
		CU_ASSERT(a.len > 20 * 1400);
		ASSERT_EQ_UINT(a.len, b.len);
		CU_ASSERT(a.len == b.len && memcmp(a.buf, b.buf, a.len) == 0);
		for (size_t i = 0; a.len == b.len && i < a.len; i++)
			if (a.buf[i] != b.buf[i]) {
				fprintf(stderr, "\n  %s: streams differ first at byte %zu of %zu\n",
					profiles[p], i, a.len);
				break;
			}
		/* another seed: other random MACs, same shape */
		ASSERT_EQ_UINT(a.len, c.len);
		CU_ASSERT(a.len != c.len || memcmp(a.buf, c.buf, a.len) != 0);
		free(a.buf);
		free(b.buf);
		free(c.buf);
	}
}

/* dev_new_index per namespace: lo is 1 everywhere; a device moved into a
 * namespace where its ifindex is taken gets that namespace's next one,
 * announced in the old namespace's RTM_DELLINK (IFLA_NEW_IFINDEX). */
static void ifindex_is_allocated_per_namespace(void)
{
	struct sim_world *w = sim_world_create(1, "v6.18");
	struct net *net, *ns;
	struct link_info li;
	struct linkmsg m;
	int mon, ip, ip2;

	REQUIRE(w != NULL);
	net = kernel_init_net(sim_world_kernel(w));
	REQUIRE(kernel_netns_add(sim_world_kernel(w), "other", &ns) == 0);
	ASSERT_EQ_INT(kernel_link_info(net, "lo", &li), 0);
	ASSERT_EQ_INT(li.ifindex, 1);
	ASSERT_EQ_INT(kernel_link_info(ns, "lo", &li), 0);
	ASSERT_EQ_INT(li.ifindex, 1);
	mon = nl_open(w, net, true);
	ip = nl_open(w, net, false);
	ip2 = nl_open(w, ns, false);
	ASSERT_EQ_INT(nl_veth_add(ip, "v0", "v1"), 0);
	ASSERT_EQ_INT(nl_veth_add(ip2, "x0", "x1"), 0);
	ASSERT_EQ_INT(kernel_link_info(ns, "x1", &li), 0);
	ASSERT_EQ_INT(li.ifindex, 2);
	ASSERT_EQ_INT(kernel_link_info(ns, "x0", &li), 0);
	ASSERT_EQ_INT(li.ifindex, 3);
	nl_drain(mon, NULL);
	ASSERT_EQ_INT(nl_link_netns(ip, "v1", kernel_netns_pid(ns)), 0);
	REQUIRE_LINK(mon, &m);
	ASSERT_EQ_INT(m.hdr.nlmsg_type, RTM_DELLINK);
	ASSERT_EQ_INT(m.ifm.ifi_index, 2);
	ASSERT_EQ_UINT(linkmsg_u32(&m, IFLA_NEW_IFINDEX), 4);
	ASSERT_EQ_INT(kernel_link_info(ns, "v1", &li), 0);
	ASSERT_EQ_INT(li.ifindex, 4);
	/* init's counter is unaffected: its next device is 4 */
	ASSERT_EQ_INT(nl_veth_add(ip, "y0", "y1"), 0);
	ASSERT_EQ_INT(kernel_link_info(net, "y1", &li), 0);
	ASSERT_EQ_INT(li.ifindex, 4);
	world_done(w);
}

TEST_SUITE(kernel, NULL, NULL,
	   TEST_CASE(two_kernels_share_nothing),
	   TEST_CASE(same_seed_gives_byte_identical_streams),
	   TEST_CASE(ifindex_is_allocated_per_namespace));
