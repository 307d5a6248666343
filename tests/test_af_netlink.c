/* tests/test_af_netlink.c - NETLINK_ROUTE sockets as a client sees them
 * (model/af_netlink.c through sim/transport.c): port ids, addresses,
 * multicast membership, NETLINK_LISTEN_ALL_NSID, MSG_PEEK|MSG_TRUNC, and
 * the shape of ACKs and errors (netlink_ack). Expected values are the real
 * kernel's (kernel.md §4.4, docs/kernel-measurements.md rules 1-10).
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <sys/socket.h>

#include "tests/stub_nl.h"
#include "tests/testutil.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

static unsigned char rbuf[65536] __attribute__((aligned(8)));

static struct sim_world *world(struct net **net)
{
	struct sim_world *w = sim_world_create(1, "v6.18");

	REQUIRE(w != NULL);
	*net = kernel_init_net(sim_world_kernel(w));
	return w;
}

static void world_done(struct sim_world *w)
{
	sim_engine_run_idle(sim_world_engine(w), 60000000000LL);
	ASSERT_EQ_INT(sim_world_destroy(w), 0);
}

static int do_bind(int fd, uint32_t pid, uint32_t groups)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_pid = pid, .nl_groups = groups };

	return bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
}

/* ---- addresses ----------------------------------------------------------------- */

static void bind_port_zero_autobinds_a_unique_port(void)
{
	struct net *net;
	struct sim_world *w = world(&net);
	int a = nl_open(w, net, false), b = nl_open(w, net, false);
	struct sockaddr_nl sa;
	socklen_t len = sizeof(sa);

	ASSERT_EQ_INT(do_bind(a, 0, 0), 0);
	ASSERT_EQ_INT(do_bind(b, 0, 0), 0);
	memset(&sa, 0xff, sizeof(sa));
	ASSERT_EQ_INT(getsockname(a, (struct sockaddr *)&sa, &len), 0);
	ASSERT_EQ_INT(len, sizeof(sa));
	ASSERT_EQ_INT(sa.nl_family, AF_NETLINK);
	CU_ASSERT(sa.nl_pid != 0);
	ASSERT_EQ_UINT(sa.nl_groups, 0);
	CU_ASSERT(nl_portid(a) != nl_portid(b));
	world_done(w);
}

/* Port ids are per namespace (netlink_insert looks up in the socket's net). */
static void bind_to_a_taken_port_fails_eaddrinuse(void)
{
	struct net *net, *ns;
	struct sim_world *w = world(&net);
	int a = nl_open(w, net, false), b = nl_open(w, net, false), c;

	REQUIRE(kernel_netns_add(sim_world_kernel(w), "other", &ns) == 0);
	c = nl_open(w, ns, false);
	ASSERT_EQ_INT(do_bind(a, 1234, 0), 0);
	ASSERT_EQ_UINT(nl_portid(a), 1234);
	ASSERT_EQ_INT(do_bind(b, 1234, 0), -EADDRINUSE);
	ASSERT_EQ_INT(do_bind(c, 1234, 0), 0);
	world_done(w);
}

/* recvfrom names the kernel (pid 0) and, for a broadcast, the group mask. */
static void recvfrom_names_kernel_and_group_mask(void)
{
	struct net *net;
	struct sim_world *w = world(&net);
	int mon = nl_open(w, net, true), ip = nl_open(w, net, false);
	struct sockaddr_nl sa;
	socklen_t len = sizeof(sa);
	struct nlreq r;

	ASSERT_EQ_INT(nl_veth_add(ip, "v0", "v1"), 0);
	memset(&sa, 0xff, sizeof(sa));
	CU_ASSERT(recvfrom(mon, rbuf, sizeof(rbuf), MSG_DONTWAIT, (struct sockaddr *)&sa, &len) > 0);
	ASSERT_EQ_INT(len, sizeof(sa));
	ASSERT_EQ_INT(sa.nl_family, AF_NETLINK);
	ASSERT_EQ_UINT(sa.nl_pid, 0);
	ASSERT_EQ_UINT(sa.nl_groups, 1U << (RTNLGRP_LINK - 1));
	nlreq_link(&r, RTM_GETLINK, 0, 5, 1);
	nlreq_send(ip, &r);
	memset(&sa, 0xff, sizeof(sa));
	len = sizeof(sa);
	CU_ASSERT(recvfrom(ip, rbuf, sizeof(rbuf), MSG_DONTWAIT, (struct sockaddr *)&sa, &len) > 0);
	ASSERT_EQ_INT(sa.nl_family, AF_NETLINK);
	ASSERT_EQ_UINT(sa.nl_pid, 0);
	ASSERT_EQ_UINT(sa.nl_groups, 0);
	world_done(w);
}

/* ---- membership ------------------------------------------------------------------ */

static void drop_membership_stops_notifications_add_resumes(void)
{
	struct net *net;
	struct sim_world *w = world(&net);
	int mon = nl_open(w, net, true), legacy = nl_open(w, net, false);
	int ip = nl_open(w, net, false), grp = RTNLGRP_LINK;

	ASSERT_EQ_INT(do_bind(legacy, 0, 1U << (RTNLGRP_LINK - 1)), 0);	/* RTMGRP_LINK */
	ASSERT_EQ_INT(nl_veth_add(ip, "v0", "v1"), 0);
	ASSERT_EQ_INT(nl_drain(mon, NULL), 2);
	ASSERT_EQ_INT(nl_drain(legacy, NULL), 2);
	ASSERT_EQ_INT(setsockopt(mon, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, &grp, sizeof(grp)), 0);
	ASSERT_EQ_INT(nl_link_mtu(ip, "v0", 1400), 0);
	ASSERT_EQ_INT(nl_drain(mon, NULL), 0);
	ASSERT_EQ_INT(nl_drain(legacy, NULL), 1);
	ASSERT_EQ_INT(setsockopt(mon, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)), 0);
	ASSERT_EQ_INT(nl_link_mtu(ip, "v0", 1300), 0);
	ASSERT_EQ_INT(nl_drain(mon, NULL), 1);
	/* the requester is no member: it only has its ACKs, already read */
	ASSERT_EQ_INT(nl_drain(ip, NULL), 0);
	world_done(w);
}

/* One datagram with recvmsg and room for a control message: the nsid from
 * a NETLINK_LISTEN_ALL_NSID cmsg, or -1 without one. */
static ssize_t recv_nsid(int fd, int *nsid)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { rbuf, sizeof(rbuf) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
	struct cmsghdr *c;

	*nsid = -1;
	for (c = n >= 0 ? CMSG_FIRSTHDR(&msg) : NULL; c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_NETLINK && c->cmsg_type == NETLINK_LISTEN_ALL_NSID)
			memcpy(nsid, CMSG_DATA(c), sizeof(int));
	return n;
}

/* kernel.md §4.4: a listener with NETLINK_LISTEN_ALL_NSID also gets the
 * broadcasts of namespaces that have an nsid in its own, tagged with it;
 * its own namespace's messages carry no cmsg. Without the option, nothing
 * from elsewhere. */
static void listen_all_nsid_tags_other_namespaces_only(void)
{
	struct net *net, *ns;
	struct sim_world *w = world(&net);
	int all = nl_open(w, net, true), plain = nl_open(w, net, true);
	int ip = nl_open(w, net, false), ip2, nsid;
	struct linkmsg m;

	REQUIRE(kernel_netns_add(sim_world_kernel(w), "other", &ns) == 0);
	ip2 = nl_open(w, ns, false);
	ASSERT_EQ_INT(nl_setopt(all, NETLINK_LISTEN_ALL_NSID, 1), 0);
	ASSERT_EQ_INT(nl_veth_add(ip, "v0", "v1"), 0);
	nl_drain(all, NULL);
	nl_drain(plain, NULL);
	/* the move gives "other" nsid 0 in init_net */
	ASSERT_EQ_INT(nl_link_netns(ip, "v1", kernel_netns_pid(ns)), 0);
	CU_ASSERT(recv_nsid(all, &nsid) > 0);
	ASSERT_EQ_INT(((struct nlmsghdr *)rbuf)->nlmsg_type, RTM_DELLINK);
	ASSERT_EQ_INT(nsid, -1);
	CU_ASSERT(recv_nsid(all, &nsid) > 0);
	ASSERT_EQ_INT(((struct nlmsghdr *)rbuf)->nlmsg_type, RTM_NEWLINK);
	ASSERT_EQ_INT(nsid, 0);
	ASSERT_EQ_INT(nl_drain(plain, NULL), 1);	/* the DELLINK only */

	ASSERT_EQ_INT(nl_link_mtu(ip2, "v1", 1400), 0);
	CU_ASSERT(recv_nsid(all, &nsid) > 0);
	CU_ASSERT(linkmsg_parse((const void *)rbuf, &m));
	ASSERT_EQ_STR(m.name, "v1");
	ASSERT_EQ_UINT(linkmsg_u32(&m, IFLA_MTU), 1400);
	ASSERT_EQ_INT(nsid, 0);
	ASSERT_EQ_INT(nl_drain(plain, NULL), 0);

	ASSERT_EQ_INT(nl_link_mtu(ip, "v0", 1400), 0);
	CU_ASSERT(recv_nsid(all, &nsid) > 0);
	ASSERT_EQ_INT(nsid, -1);
	ASSERT_EQ_INT(nl_drain(plain, NULL), 1);
	world_done(w);
}

/* ---- reading ---------------------------------------------------------------------- */

static void peek_trunc_gives_full_length_without_consuming(void)
{
	struct net *net;
	struct sim_world *w = world(&net);
	int mon = nl_open(w, net, true), ip = nl_open(w, net, false);

	ASSERT_EQ_INT(nl_veth_add(ip, "v0", "v1"), 0);
	ASSERT_EQ_INT(recv(mon, rbuf, 16, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT), 1492);
	ASSERT_EQ_INT(recv(mon, rbuf, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT), 1492);
	ASSERT_EQ_INT(recv(mon, rbuf, sizeof(rbuf), MSG_DONTWAIT), 1492);
	ASSERT_EQ_INT(((struct ifinfomsg *)NLMSG_DATA(rbuf))->ifi_index, 2);
	ASSERT_EQ_INT(recv(mon, rbuf, sizeof(rbuf), MSG_DONTWAIT), 1492);
	ASSERT_EQ_INT(((struct ifinfomsg *)NLMSG_DATA(rbuf))->ifi_index, 3);
	ASSERT_EQ_INT(nl_drain(mon, NULL), 0);
	world_done(w);
}

/* ---- ACKs and errors ------------------------------------------------------------- */

/* Send @len bytes of @r on a fresh socket; the one reply datagram (or
 * -EAGAIN). */
static ssize_t one_reply(struct sim_world *w, struct net *net, const void *req, size_t len,
			 bool ext_ack)
{
	int fd = nl_open(w, net, false);
	ssize_t n;

	nl_setopt(fd, NETLINK_EXT_ACK, ext_ack);
	send(fd, req, len, 0);
	n = nl_recv(fd, rbuf, sizeof(rbuf));
	ASSERT_EQ_INT(nl_recv(fd, rbuf + 32768, 32768), -EAGAIN);
	return n;
}

static const struct nlmsgerr *as_error(const void *buf)
{
	const struct nlmsghdr *nlh = buf;

	ASSERT_EQ_INT(nlh->nlmsg_type, NLMSG_ERROR);
	return NLMSG_DATA(nlh);
}

/* Framing errors are silent: a datagram shorter than a header, or
 * nlmsg_len < 16, gets nothing even with NLM_F_ACK. */
static void framing_errors_get_no_reply(void)
{
	struct net *net;
	struct sim_world *w = world(&net);
	struct nlreq r;

	nlreq_link(&r, RTM_GETLINK, NLM_F_ACK, 1, 1);
	ASSERT_EQ_INT(one_reply(w, net, r.buf, 10, true), -EAGAIN);
	r.nlh->nlmsg_len = 8;
	ASSERT_EQ_INT(one_reply(w, net, r.buf, 32, true), -EAGAIN);
	r.nlh->nlmsg_len = 64;
	ASSERT_EQ_INT(one_reply(w, net, r.buf, 32, true), -EAGAIN);
	world_done(w);
}

/* An error echoes the whole request (payload = request length, no
 * NLM_F_CAPPED), with or without NLM_F_ACK; a success ACK echoes only the
 * header, with NLM_F_CAPPED, even without NETLINK_CAP_ACK. */
static void error_echoes_request_success_ack_is_capped(void)
{
	struct net *net;
	struct sim_world *w = world(&net);
	const struct nlmsgerr *e;
	struct nlreq r;

	nlreq_link(&r, RTM_GETLINK, 0, 9, 9999);	/* no such device */
	nlreq_name(&r, "x");
	ASSERT_EQ_INT(one_reply(w, net, r.buf, r.nlh->nlmsg_len, true),
		      NLMSG_HDRLEN + sizeof(int) + r.nlh->nlmsg_len);
	e = as_error(rbuf);
	ASSERT_EQ_INT(e->error, -ENODEV);
	ASSERT_EQ_UINT(((struct nlmsghdr *)rbuf)->nlmsg_flags, 0);
	CU_ASSERT(memcmp(&e->msg, r.buf, r.nlh->nlmsg_len) == 0);

	nlreq_link(&r, NLMSG_NOOP, NLM_F_ACK, 10, 0);	/* control type: ACK 0 */
	ASSERT_EQ_INT(one_reply(w, net, r.buf, r.nlh->nlmsg_len, true), 36);
	e = as_error(rbuf);
	ASSERT_EQ_INT(e->error, 0);
	ASSERT_EQ_UINT(((struct nlmsghdr *)rbuf)->nlmsg_flags, NLM_F_CAPPED);
	ASSERT_EQ_UINT(e->msg.nlmsg_len, r.nlh->nlmsg_len);
	ASSERT_EQ_UINT(e->msg.nlmsg_seq, 10);

	nlreq_link(&r, 200, 0, 11, 0);	/* above RTM_MAX */
	ASSERT_EQ_INT(one_reply(w, net, r.buf, r.nlh->nlmsg_len, true), 52);
	ASSERT_EQ_INT(as_error(rbuf)->error, -EOPNOTSUPP);
	world_done(w);
}

/* The extended ACK: NLM_F_ACK_TLVS and NLMSGERR_ATTR_MSG after the echo,
 * only when the socket set NETLINK_EXT_ACK. */
static void unknown_kind_fails_with_extack_unknown_device_type(void)
{
	struct net *net;
	struct sim_world *w = world(&net);
	const struct nlmsghdr *nlh = (const void *)rbuf;
	const struct nlattr *a;
	struct nlreq r;

	nlreq_link(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, 3, 0);
	nlreq_name(&r, "n0");
	nlreq_linkinfo(&r, "nosuchkind", NULL, 0);
	CU_ASSERT(one_reply(w, net, r.buf, r.nlh->nlmsg_len, true) > 0);
	ASSERT_EQ_INT(as_error(rbuf)->error, -EOPNOTSUPP);
	ASSERT_EQ_UINT(nlh->nlmsg_flags, NLM_F_ACK_TLVS);
	a = (const void *)(rbuf + NLMSG_HDRLEN + sizeof(int) + NLMSG_ALIGN(r.nlh->nlmsg_len));
	ASSERT_EQ_INT(a->nla_type, NLMSGERR_ATTR_MSG);
	ASSERT_EQ_STR((const char *)(a + 1), "Unknown device type");
	ASSERT_EQ_UINT(nlh->nlmsg_len, (const unsigned char *)a - rbuf + NLA_ALIGN(a->nla_len));

	CU_ASSERT(one_reply(w, net, r.buf, r.nlh->nlmsg_len, false) > 0);
	ASSERT_EQ_INT(as_error(rbuf)->error, -EOPNOTSUPP);
	ASSERT_EQ_UINT(nlh->nlmsg_flags, 0);
	ASSERT_EQ_UINT(nlh->nlmsg_len, NLMSG_HDRLEN + sizeof(int) + r.nlh->nlmsg_len);
	world_done(w);
}

/* An attribute running past the end: ignored by a lenient GET (served, the
 * ACK carries the warning), -EINVAL on a NETLINK_GET_STRICT_CHK socket. */
static void attribute_past_the_end_lenient_or_strict(void)
{
	struct net *net;
	struct sim_world *w = world(&net);
	struct nlreq r;
	struct nlattr *bad;
	int fd;

	nlreq_link(&r, RTM_GETLINK, NLM_F_ACK, 4, 1);
	bad = (struct nlattr *)(r.buf + r.nlh->nlmsg_len);
	bad->nla_type = IFLA_IFNAME;
	bad->nla_len = 40;
	r.nlh->nlmsg_len += 8;
	for (int strict = 0; strict < 2; strict++) {
		fd = nl_open(w, net, false);
		nl_setopt(fd, NETLINK_GET_STRICT_CHK, strict);
		send(fd, r.buf, r.nlh->nlmsg_len, 0);
		if (!strict)
			ASSERT_EQ_INT(nl_recv(fd, rbuf, sizeof(rbuf)), 1468);	/* lo */
		CU_ASSERT(nl_recv(fd, rbuf, sizeof(rbuf)) > 0);
		ASSERT_EQ_INT(as_error(rbuf)->error, strict ? -EINVAL : 0);
		ASSERT_EQ_INT(nl_recv(fd, rbuf, sizeof(rbuf)), -EAGAIN);
	}
	world_done(w);
}

TEST_SUITE(af_netlink, NULL, NULL,
	   TEST_CASE(bind_port_zero_autobinds_a_unique_port),
	   TEST_CASE(bind_to_a_taken_port_fails_eaddrinuse),
	   TEST_CASE(recvfrom_names_kernel_and_group_mask),
	   TEST_CASE(drop_membership_stops_notifications_add_resumes),
	   TEST_CASE(listen_all_nsid_tags_other_namespaces_only),
	   TEST_CASE(peek_trunc_gives_full_length_without_consuming),
	   TEST_CASE(framing_errors_get_no_reply),
	   TEST_CASE(error_echoes_request_success_ack_is_capped),
	   TEST_CASE(unknown_kind_fails_with_extack_unknown_device_type),
	   TEST_CASE(attribute_past_the_end_lenient_or_strict));
