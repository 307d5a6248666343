/* tests/stub_nl.h - request builders and readers shared by the netlink suites.
 *
 * Tests talk to the model the way a client does: a simulated NETLINK_ROUTE
 * socket (sim_socket_open), requests built with libmnl, plain send/recv.
 * Outside a task a blocking send() runs the engine until the kernel has
 * processed the request, so replies are queued when send() returns; the
 * readers here use MSG_DONTWAIT and never block.
 */
#ifndef NLSIM_TESTS_STUB_NL_H
#define NLSIM_TESTS_STUB_NL_H

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sim/transport.h"
#include "tests/nlreply.h"
#include "sim/world.h"

#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED 0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif
#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* A request buffer: one message, built in place. */
struct nlreq {
	char buf[4096];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
};

/* A parsed link message (RTM_NEWLINK / RTM_DELLINK). */
struct linkmsg {
	struct nlmsghdr hdr;
	struct ifinfomsg ifm;
	const struct nlattr *tb[IFLA_MAX + 1];
	char name[16];
};

/* ---- sockets ---------------------------------------------------------------- */

/* A simulated socket in @net; @groups != 0 joins RTNLGRP_LINK. */
int nl_open(struct sim_world *w, struct net *net, bool link_group);
int nl_setopt(int fd, int opt, int val);	/* SOL_NETLINK int option */
uint32_t nl_portid(int fd);

/* ---- requests ---------------------------------------------------------------- */

/* Start a link request of @type with @flags (NLM_F_REQUEST is added). */
void nlreq_link(struct nlreq *r, uint16_t type, uint16_t flags, uint32_t seq, int ifindex);
void nlreq_name(struct nlreq *r, const char *name);
void nlreq_u32(struct nlreq *r, uint16_t type, uint32_t v);
/* IFLA_LINKINFO { KIND @kind [, DATA { VETH_INFO_PEER { ifinfomsg,
 * IFNAME @peer [, NET_NS_PID @peer_nspid] } }] } */
void nlreq_linkinfo(struct nlreq *r, const char *kind, const char *peer, int peer_nspid);
/* Send @r; returns what send() returned. */
ssize_t nlreq_send(int fd, const struct nlreq *r);

/* ---- replies ------------------------------------------------------------------ */

/* One datagram, non-blocking: its length, or -errno (-EAGAIN when empty). */
ssize_t nl_recv(int fd, void *buf, size_t len);
/* Read datagrams until an NLMSG_ERROR for @seq; its error (0 = ACK), or
 * 1 if none came. Other messages are skipped. */
int nl_wait_ack(int fd, uint32_t seq);
/* Count the messages queued (reads everything); stops at EAGAIN. A read
 * error counts as nothing and is stored in *@err if @err is not NULL. */
int nl_drain(int fd, int *err);
/* Parse one link message. False if it is not RTM_NEWLINK/RTM_DELLINK. */
bool linkmsg_parse(const struct nlmsghdr *nlh, struct linkmsg *m);
/* Read the next datagram holding exactly one link message into @m.
 * False if nothing is queued or it was not a link message. */
bool nl_recv_link(int fd, struct linkmsg *m);
uint32_t linkmsg_u32(const struct linkmsg *m, int type);	/* 0xdeadbeef if absent */
uint8_t linkmsg_u8(const struct linkmsg *m, int type);	/* 0xee if absent */
const char *linkmsg_str(const struct linkmsg *m, int type); /* "" if absent */

/* ---- whole operations, each checks its ACK ----------------------------------- */

int nl_veth_add(int fd, const char *name, const char *peer);
int nl_link_up(int fd, const char *name, bool up);
int nl_link_mtu(int fd, const char *name, uint32_t mtu);
int nl_link_del(int fd, const char *name);
int nl_link_netns(int fd, const char *name, int nspid);
int nl_dummy_add(int fd, const char *name);

/* testutil.h's REQUIRE evaluates its argument twice: never pass it a call
 * with side effects. These take the value once. */
#define REQUIRE_LINK(fd, m)                                                    \
	do {                                                                   \
		bool got_ = nl_recv_link((fd), (m));                           \
		REQUIRE(got_);                                                 \
	} while (0)

#endif /* NLSIM_TESTS_STUB_NL_H */
