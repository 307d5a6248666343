/* tests/test_af_netlink_dump.c - link dumps: parts, NLMSG_DONE, DUMP_INTR,
 * order (netlink_dump in model/af_netlink.c, rtnl_dump_ifinfo in
 * model/rtnetlink_link.c).
 *
 * The expected datagram sizes are those measured on 6.18 by
 * tests/realkernel/probe_dump.c (docs/kernel-measurements.md, "Link dumps"):
 * lo (1468 bytes) and 40 down veth pairs dNNa/dNNb (1496 bytes each).
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdio.h>
#include <sys/socket.h>

#include "tests/stub_nl.h"
#include "tests/testutil.h"

#ifndef NLM_F_DUMP_INTR
#define NLM_F_DUMP_INTR 0x10
#endif

static unsigned char rbuf[65536] __attribute__((aligned(8)));

static struct sim_world *world_with_pairs(const char *profile, int pairs, int *admin)
{
	struct sim_world *w = sim_world_create(1, profile);
	struct net *net;

	REQUIRE(w != NULL);
	net = kernel_init_net(sim_world_kernel(w));
	*admin = nl_open(w, net, false);
	ASSERT_EQ_INT(nl_link_up(*admin, "lo", true), 0);
	for (int i = 0; i < pairs; i++) {
		char a[16], b[16];

		snprintf(a, sizeof(a), "d%02da", i);
		snprintf(b, sizeof(b), "d%02db", i);
		ASSERT_EQ_INT(nl_veth_add(*admin, a, b), 0);
	}
	return w;
}

static void world_done(struct sim_world *w)
{
	sim_engine_run_idle(sim_world_engine(w), 60000000000LL);
	ASSERT_EQ_INT(sim_world_destroy(w), 0);
}

static void send_dump(int fd, uint32_t seq)
{
	struct nlreq r;

	nlreq_link(&r, RTM_GETLINK, NLM_F_DUMP, seq, 0);
	ASSERT_EQ_INT(nlreq_send(fd, &r), r.nlh->nlmsg_len);
}

/* What a dump reader sees, one datagram per item: "BYTES/MSGS" (MSG_TRUNC
 * gives the real length with a short buffer) and "DONE"; every message
 * is checked for NLM_F_MULTI, seq and ascending ifindex; *intr collects
 * "D.M" for each message with NLM_F_DUMP_INTR (datagram D, message M). */
struct dump_seen {
	char text[2048], intr[64];
	int msgs, last_ifindex, order_errors;
	int ifindex[512];
};

static void read_dump(int fd, size_t bufsize, uint32_t seq, struct dump_seen *d)
{
	size_t tn = 0, in = 0;

	memset(d, 0, sizeof(*d));
	for (int dg = 1; dg < 200; dg++) {
		ssize_t n = recv(fd, rbuf, bufsize, MSG_TRUNC | MSG_DONTWAIT);
		const struct nlmsghdr *nlh = (const void *)rbuf;
		int left = (int)(n < (ssize_t)bufsize ? n : (ssize_t)bufsize), msgs = 0;
		bool done = false;

		if (n <= 0)
			break;
		for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

			msgs++;
			CU_ASSERT(nlh->nlmsg_flags & NLM_F_MULTI);
			ASSERT_EQ_UINT(nlh->nlmsg_seq, seq);
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				in += (size_t)snprintf(d->intr + in, sizeof(d->intr) - in, "%s%d.%d",
						       in ? " " : "", dg, msgs);
			if (nlh->nlmsg_type == NLMSG_DONE) {
				done = true;
				ASSERT_EQ_UINT(nlh->nlmsg_len, 20);
				ASSERT_EQ_INT(*(const int *)mnl_nlmsg_get_payload(nlh), 0);
				continue;
			}
			if (d->msgs < 512)
				d->ifindex[d->msgs] = ifm->ifi_index;
			d->msgs++;
			if (ifm->ifi_index <= d->last_ifindex)
				d->order_errors++;
			d->last_ifindex = ifm->ifi_index;
		}
		if (done) {
			/* NLMSG_DONE alone in its datagram */
			ASSERT_EQ_INT(msgs, 1);
			tn += (size_t)snprintf(d->text + tn, sizeof(d->text) - tn, "DONE");
			return;
		}
		tn += (size_t)snprintf(d->text + tn, sizeof(d->text) - tn, "%zd/%d ", n, msgs);
	}
}

/* "A/B xN" expanded: the measured table writes repeats with a count. */
static void expand(char *out, size_t len, const char *const *items)
{
	size_t k = 0;

	out[0] = '\0';
	for (; *items; items++) {
		int rep = 1;
		char item[32];

		if (sscanf(*items, "%31s x%d", item, &rep) < 1)
			continue;
		for (int i = 0; i < rep; i++)
			k += (size_t)snprintf(out + k, len - k, "%s%s", item,
					      strcmp(item, "DONE") ? " " : "");
	}
}

static void check_chunks(size_t bufsize, const char *const *cold, const char *const *warm,
			 int msgs)
{
	struct dump_seen d;
	char want[2048];
	int admin, fd;
	struct sim_world *w = world_with_pairs("v6.18", 40, &admin);

	fd = nl_open(w, kernel_init_net(sim_world_kernel(w)), false);
	send_dump(fd, 100);
	read_dump(fd, bufsize, 100, &d);
	expand(want, sizeof(want), cold);
	ASSERT_EQ_STR(d.text, want);
	ASSERT_EQ_INT(d.msgs, msgs);
	ASSERT_EQ_INT(d.order_errors, 0);
	ASSERT_EQ_STR(d.intr, "");
	send_dump(fd, 101);
	read_dump(fd, bufsize, 101, &d);
	expand(want, sizeof(want), warm);
	ASSERT_EQ_STR(d.text, want);
	world_done(w);
}

/* The first part is built in sendmsg (NLMSG_GOODSIZE: lo + one veth);
 * later ones up to the largest recv buffer seen, capped at 32 KiB less
 * the skb overhead (21 x 1496 fits in 32448). */
static void dump_parts_grow_to_32k_reader_buffer(void)
{
	static const char *const cold[] = { "2964/2", "31416/21 x3", "23936/16", "DONE", NULL };
	static const char *const warm[] = { "31388/21", "31416/21 x2", "26928/18", "DONE", NULL };

	check_chunks(65536, cold, warm, 81);
	check_chunks(32768, cold, warm, 81);
}

static void dump_parts_follow_smaller_reader_buffers(void)
{
	static const char *const c16[] = { "2964/2", "14960/10 x7", "13464/9", "DONE", NULL };
	static const char *const w16[] = { "14932/10", "14960/10 x7", "1496/1", "DONE", NULL };
	static const char *const c8[] = { "2964/2", "7480/5 x15", "5984/4", "DONE", NULL };
	static const char *const w8[] = { "7452/5", "7480/5 x15", "1496/1", "DONE", NULL };
	static const char *const c4[] = { "2964/2", "2992/2 x39", "1496/1", "DONE", NULL };
	static const char *const c2[] = { "2964/1", "2992/1 x39", "1496/1", "DONE", NULL };

	check_chunks(16384, c16, w16, 81);
	check_chunks(8192, c8, w8, 81);
	check_chunks(4096, c4, c4, 81);
	/* below NLMSG_GOODSIZE the parts stay at GOODSIZE: every read is
	 * truncated (MSG_TRUNC gives the full length) and the second message
	 * of each datagram is lost: 41 of 81 */
	check_chunks(2048, c2, c2, 41);
}

/* A change of dev_base_seq between two reads flags exactly one message:
 * the first of the part built after the change, which is the second
 * datagram read after it (one part is always built ahead). */
static void dump_intr(const char *change, size_t bufsize, const char *want_intr)
{
	struct dump_seen d;
	int admin, fd, n;
	struct sim_world *w = world_with_pairs("v6.18", 40, &admin);

	fd = nl_open(w, kernel_init_net(sim_world_kernel(w)), false);
	send_dump(fd, 500);
	n = (int)recv(fd, rbuf, bufsize, MSG_DONTWAIT);
	ASSERT_EQ_INT(n, 2964);
	if (!strcmp(change, "add"))
		ASSERT_EQ_INT(nl_veth_add(admin, "i0", "i1"), 0);
	else if (!strcmp(change, "mtu"))
		ASSERT_EQ_INT(nl_link_mtu(admin, "d05a", 1400), 0);
	read_dump(fd, bufsize, 500, &d);
	/* read_dump numbers datagrams from the one after the first */
	ASSERT_EQ_STR(d.intr, want_intr);
	ASSERT_EQ_INT(d.order_errors, 0);
	ASSERT_EQ_INT(d.msgs, !strcmp(change, "add") ? 81 : 79);
	if (!strcmp(change, "add"))
		ASSERT_EQ_INT(d.last_ifindex, 83);	/* the new pair comes last */
	world_done(w);
}

static void dump_intr_flags_one_message_after_device_added(void)
{
	dump_intr("add", 4096, "2.1");
	dump_intr("add", 32768, "2.1");
}

static void dump_intr_not_set_without_list_change(void)
{
	dump_intr("none", 4096, "");
	dump_intr("mtu", 4096, "");
}

/* v5.8 walks the 256 ifindex hash buckets, newest first inside a bucket;
 * v6.9+ walks ifindexes in ascending order. Devices 2 and 258 share a
 * bucket: push the ifindex counter past 256 with create/delete cycles. */
static void dump_order(const char *profile, const int *want, int nwant)
{
	struct dump_seen d;
	int admin, fd;
	struct sim_world *w = world_with_pairs(profile, 1, &admin);

	for (int i = 0; i < 127; i++) {
		ASSERT_EQ_INT(nl_veth_add(admin, "t0", "t1"), 0);
		ASSERT_EQ_INT(nl_link_del(admin, "t0"), 0);
	}
	ASSERT_EQ_INT(nl_veth_add(admin, "h0", "h1"), 0);	/* 258 and 259 */
	fd = nl_open(w, kernel_init_net(sim_world_kernel(w)), false);
	send_dump(fd, 7);
	read_dump(fd, 32768, 7, &d);
	ASSERT_EQ_INT(d.msgs, nwant);
	for (int i = 0; i < nwant && i < d.msgs; i++)
		ASSERT_EQ_INT(d.ifindex[i], want[i]);
	world_done(w);
}

static void dump_order_is_hash_buckets_on_v5_8(void)
{
	static const int want[] = { 1, 258, 2, 259, 3 };

	dump_order("v5.8", want, 5);
}

static void dump_order_is_ascending_ifindex_on_v6_18(void)
{
	static const int want[] = { 1, 2, 3, 258, 259 };

	dump_order("v6.18", want, 5);
}

TEST_SUITE(af_netlink_dump, NULL, NULL,
	   TEST_CASE(dump_parts_grow_to_32k_reader_buffer),
	   TEST_CASE(dump_parts_follow_smaller_reader_buffers),
	   TEST_CASE(dump_intr_flags_one_message_after_device_added),
	   TEST_CASE(dump_intr_not_set_without_list_change),
	   TEST_CASE(dump_order_is_hash_buckets_on_v5_8),
	   TEST_CASE(dump_order_is_ascending_ifindex_on_v6_18));
