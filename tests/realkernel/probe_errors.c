/* tests/realkernel/probe_errors.c - what the real kernel answers to malformed
 * or edge-case NETLINK_ROUTE requests.
 *
 * A standalone measurement tool (not part of libnlsim, not built by the
 * GNUmakefile). For every case below it sends one datagram to the kernel,
 * from a fresh socket per variant, and prints on one line everything that
 * comes back within 200 ms of silence. The output is the golden file
 * tests/golden/kernel-errors.txt; docs/kernel-measurements.md summarises it.
 *
 * Variants (socket options / request flags), one output line each:
 *   ack=0|1     NLM_F_ACK set in the request(s)
 *   strict=0|1  NETLINK_GET_STRICT_CHK
 *   extack=0|1  NETLINK_EXT_ACK
 *   cap=0|1     NETLINK_CAP_ACK
 *
 * Output line:  CASE VARIANT : REPLY [| REPLY ...]   or   CASE VARIANT : none
 *   " | " separates datagrams, ", " separates messages inside a datagram.
 *   error=E flags=0xF len=L payload=P [extack="..."] [offs=N] [...]
 *       NLMSG_ERROR; E is the (negative) errno or 0 for an ACK; F the
 *       nlmsg_flags (NLM_F_CAPPED 0x100, NLM_F_ACK_TLVS 0x200); L the
 *       nlmsg_len of the error message; P the bytes of the echoed request
 *       (its nlmsghdr included: 16 when capped); echo_len=N is printed when
 *       the echoed nlmsghdr's nlmsg_len differs from P.
 *   done flags=.. len=.. err=..       NLMSG_DONE (err = the int payload)
 *   newlink[*N] flags=.. len=..       RTM_NEWLINK (N consecutive ones)
 *   type=T flags=.. len=..            anything else
 *   pid=X seq=Y are printed when they differ from the socket's portid
 *   ("port") / the request's sequence number, or always for cases marked
 *   "ids" (pid=port means the socket's own portid).
 *   notify=[...] lists the RTNLGRP_LINK broadcasts seen by a separate
 *   listener socket by the end of the quiet window (if=ifindex,
 *   chg=ifi_change, len=nlmsg_len); absent when there were none.
 *   A trailing "{...}" is a post-condition read back after the request.
 *
 * The program creates its own devices (veth pairs va/vb, va up and vb down,
 * so va is LOWERLAYERDOWN) with ip(8), so it must run as root inside a
 * throw-away network namespace:
 *
 *   gcc -O2 -Wall -Wextra -o /tmp/probe_errors tests/realkernel/probe_errors.c \
 *       tests/stub_nlreply.c $(pkg-config --cflags --libs libmnl)
 *   ip netns add nlsim-probe
 *   ip netns exec nlsim-probe /tmp/probe_errors > tests/golden/kernel-errors.txt
 *   ip netns del nlsim-probe
 *
 * It refuses to run when the namespace has any device other than lo.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <net/if.h>		/* before linux/ headers: defines IFF_* */

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "../nlreply.h"

#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED 0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif

#define SEQ_BASE 1000u
#define QUIET_MS 200		/* a reply stream ends after this much silence */
#define MAX_DGRAMS 64		/* bound on datagrams collected per probe */

/* ---- request building ----------------------------------------------------- */

/* ---- case table ------------------------------------------------------------ */

/* A builder fills r for one variant; fl = NLM_F_REQUEST [| NLM_F_ACK]. */
typedef void (*build_fn)(struct probe_req *r, uint16_t fl, uint32_t seq);

struct pcase {
	const char *id;
	const char *what;	/* one-line description, printed as a comment */
	build_fn build;
	const char *teardown;	/* shell run after each variant, or NULL */
	void (*post)(char *out, size_t n);	/* read-back after each variant */
	int ids;		/* always print pid/seq */
};

/* 1: shorter than a nlmsghdr */
static void b01(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	probe_end_msg(r, probe_put_link(r, RTM_GETLINK, fl, seq, 1, 0, 0));
	r->len = 10;
}

/* 2: nlmsg_len 8 inside a full 32-byte datagram / a 16-byte one */
static void b02a(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = probe_put_link(r, RTM_GETLINK, fl, seq, 1, 0, 0);
	probe_end_msg(r, nlh);
	nlh->nlmsg_len = 8;
}

static void b02b(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	b02a(r, fl, seq);
	r->len = 16;
}

/* 3: nlmsg_len larger than what is sent; b: same after a valid message */
static void b03a(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = probe_put_link(r, RTM_GETLINK, fl, seq, 1, 0, 0);
	probe_end_msg(r, nlh);
	nlh->nlmsg_len = 64;
}

static void b03b(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh;

	probe_end_msg(r, probe_put_link(r, RTM_GETLINK, fl, seq, 1, 0, 0));
	nlh = probe_put_link(r, RTM_GETLINK, fl, seq + 1, 1, 0, 0);
	probe_end_msg(r, nlh);
	nlh->nlmsg_len = 64;
}

/* 4: RTM_GETLINK with no payload at all (nlmsg_len 16) */
static void b04a(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(r->buf);

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = fl;
	nlh->nlmsg_seq = seq;
	probe_end_msg(r, nlh);
}

static void b04b(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	b04a(r, fl | NLM_F_DUMP, seq);
}

/* 4c: dump with the legacy 1-byte rtgenmsg payload (nlmsg_len 17) */
static void b04c(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(r->buf);
	struct rtgenmsg *g;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = fl | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	nlh->nlmsg_len = 17;	/* mnl aligned it to 20 */
	probe_end_msg(r, nlh);
}

/* 5: truncated ifinfomsg (8 of 16 bytes; ifi_index = 1 fits) */
static void b05a(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = probe_put_link(r, RTM_GETLINK, fl, seq, 1, 0, 0);

	nlh->nlmsg_len = 24;
	probe_end_msg(r, nlh);
}

static void b05b(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	b05a(r, fl | NLM_F_DUMP, seq);
}

/* 6: missing ifindex */
static void b06(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	probe_end_msg(r, probe_put_link(r, RTM_GETLINK, fl, seq, 9999, 0, 0));
}

/* 7: by name: missing / too long / existing ("lo") */
static void b07a(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = probe_put_link(r, RTM_GETLINK, fl, seq, 0, 0, 0);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "nosuchdev");
	probe_end_msg(r, nlh);
}

static void b07b(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = probe_put_link(r, RTM_GETLINK, fl, seq, 0, 0, 0);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "abcdefghijklmnopqrst");
	probe_end_msg(r, nlh);
}

static void b07c(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = probe_put_link(r, RTM_GETLINK, fl, seq, 0, 0, 0);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "lo");
	probe_end_msg(r, nlh);
}

/* 8: neither index nor name */
static void b08(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	probe_end_msg(r, probe_put_link(r, RTM_GETLINK, fl, seq, 0, 0, 0));
}

/* 9: last attribute claims 40 bytes, 8 present; a: index 1, b: index 0 */
static void b09a(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = probe_put_link(r, RTM_GETLINK, fl, seq, 1, 0, 0);

	probe_put_bad_attr(nlh, IFLA_IFNAME, 40, 4);
	probe_end_msg(r, nlh);
}

static void b09b(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = probe_put_link(r, RTM_GETLINK, fl, seq, 0, 0, 0);

	probe_put_bad_attr(nlh, IFLA_IFNAME, 40, 4);
	probe_end_msg(r, nlh);
}

/* 10: attribute with nla_len 2 (4 bytes present); a: index 1, b: index 0 */
static void b10a(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = probe_put_link(r, RTM_GETLINK, fl, seq, 1, 0, 0);

	probe_put_bad_attr(nlh, IFLA_IFNAME, 2, 0);
	probe_end_msg(r, nlh);
}

static void b10b(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = probe_put_link(r, RTM_GETLINK, fl, seq, 0, 0, 0);

	probe_put_bad_attr(nlh, IFLA_IFNAME, 2, 0);
	probe_end_msg(r, nlh);
}

/* 11: RTM_SETLINK lo, ifi_change 0, bad trailing attribute as in 9 */
static void b11(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = probe_put_link(r, RTM_SETLINK, fl, seq, 1, 0, 0);

	probe_put_bad_attr(nlh, IFLA_IFNAME, 40, 4);
	probe_end_msg(r, nlh);
}

/* 12: message types with a zeroed 16-byte ifinfomsg payload */
#define B12(name, t)							\
	static void name(struct probe_req *r, uint16_t fl, uint32_t seq)	\
	{								\
		probe_end_msg(r, probe_put_link(r, (t), fl, seq, 0, 0, 0));		\
	}
B12(b12_1, NLMSG_NOOP)
B12(b12_2, NLMSG_ERROR)
B12(b12_3, NLMSG_DONE)
B12(b12_4, NLMSG_OVERRUN)
B12(b12_15, 15)
B12(b12_98, 98)
B12(b12_200, 200)
B12(b12_2032, 2032)

/* 13: RTM_NEWLINK */
static struct nlmsghdr *newlink(struct probe_req *r, uint16_t fl, uint32_t seq,
				const char *name, const char *kind)
{
	struct nlmsghdr *nlh = probe_put_link(r, RTM_NEWLINK, fl, seq, 0, 0, 0);
	struct nlattr *li;

	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (kind) {
		li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
		mnl_attr_nest_end(nlh, li);
	}
	return nlh;
}

static void b13a(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	probe_end_msg(r, newlink(r, fl | NLM_F_CREATE | NLM_F_EXCL, seq, "n13a", "veth"));
}

static void b13b(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	probe_end_msg(r, newlink(r, fl | NLM_F_CREATE | NLM_F_EXCL, seq, "lo", "veth"));
}

static void b13c(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	probe_end_msg(r, newlink(r, fl | NLM_F_CREATE, seq, "lo", "veth"));
}

static void b13d(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	probe_end_msg(r, newlink(r, fl | NLM_F_CREATE | NLM_F_EXCL, seq, "n13d",
			   "nosuchkind"));
}

static void b13e(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	probe_end_msg(r, newlink(r, fl | NLM_F_CREATE | NLM_F_EXCL, seq, "n13e", "dummy"));
}

static void b13f(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	probe_end_msg(r, newlink(r, fl | NLM_F_CREATE | NLM_F_EXCL, seq, "n13f", "tun"));
}

static void b13g(struct probe_req *r, uint16_t fl, uint32_t seq)	/* nothing */
{
	probe_end_msg(r, newlink(r, fl | NLM_F_CREATE | NLM_F_EXCL, seq, NULL, NULL));
}

static void b13h(struct probe_req *r, uint16_t fl, uint32_t seq)	/* name, no kind */
{
	probe_end_msg(r, newlink(r, fl | NLM_F_CREATE | NLM_F_EXCL, seq, "n13h", NULL));
}

static void b13i(struct probe_req *r, uint16_t fl, uint32_t seq)	/* valid veth */
{
	struct nlmsghdr *nlh = probe_put_link(r, RTM_NEWLINK,
					fl | NLM_F_CREATE | NLM_F_EXCL, seq, 0, 0, 0);
	struct nlattr *li, *data, *peer;
	struct ifinfomsg *pifm;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "n13i");
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, 1 /* VETH_INFO_PEER */);
	pifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifm));
	memset(pifm, 0, sizeof(*pifm));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "n13j");
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	probe_end_msg(r, nlh);
}

static void b13k(struct probe_req *r, uint16_t fl, uint32_t seq)	/* existing, no flags */
{
	probe_end_msg(r, newlink(r, fl, seq, "nosuchdev", NULL));
}

/* 14: RTM_SETLINK */
static void b14a(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	probe_end_msg(r, probe_put_link(r, RTM_SETLINK, fl, seq, 9999, IFF_UP, IFF_UP));
}

static struct nlmsghdr *setlink_name(struct probe_req *r, uint16_t fl, uint32_t seq,
				     const char *dev)
{
	return probe_put_link(r, RTM_SETLINK, fl, seq, (int)if_nametoindex(dev), 0, 0);
}

static void b14b(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "va");

	mnl_attr_put_u32(nlh, IFLA_MTU, 10);
	probe_end_msg(r, nlh);
}

static void b14c(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "va");

	mnl_attr_put_u32(nlh, IFLA_MTU, 100000);
	probe_end_msg(r, nlh);
}

static void b14d(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "va");

	mnl_attr_put(nlh, IFLA_ADDRESS, 3, "\x02\x00\x01");
	probe_end_msg(r, nlh);
}

static void b14e(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "va");

	mnl_attr_put(nlh, IFLA_ADDRESS, 6, "\x01\x00\x5e\x00\x00\x01");
	probe_end_msg(r, nlh);
}

static void b14f(struct probe_req *r, uint16_t fl, uint32_t seq)	/* rename UP va */
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "va");

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "vz");
	probe_end_msg(r, nlh);
}

static void b14g(struct probe_req *r, uint16_t fl, uint32_t seq)	/* vb -> va */
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "vb");

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "va");
	probe_end_msg(r, nlh);
}

static void b14h(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "va");

	mnl_attr_put_u8(nlh, IFLA_OPERSTATE, 6);	/* IF_OPER_UP */
	probe_end_msg(r, nlh);
}

static void b14i(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "va");

	mnl_attr_put_u8(nlh, IFLA_LINKMODE, 1);
	probe_end_msg(r, nlh);
}

static void b14j(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "va");

	mnl_attr_put_u8(nlh, IFLA_CARRIER, 0);
	probe_end_msg(r, nlh);
}

static void b14k(struct probe_req *r, uint16_t fl, uint32_t seq)	/* u16 MTU */
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "va");

	mnl_attr_put_u16(nlh, IFLA_MTU, 1400);
	probe_end_msg(r, nlh);
}

static void b14l(struct probe_req *r, uint16_t fl, uint32_t seq)	/* valid MTU */
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "va");

	mnl_attr_put_u32(nlh, IFLA_MTU, 1400);
	probe_end_msg(r, nlh);
}

static void b14m(struct probe_req *r, uint16_t fl, uint32_t seq)	/* rename vb, same */
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "vb");

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "vb");
	probe_end_msg(r, nlh);
}

static void b14n(struct probe_req *r, uint16_t fl, uint32_t seq)	/* by name only */
{
	struct nlmsghdr *nlh = probe_put_link(r, RTM_SETLINK, fl, seq, 0, 0, 0);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "nosuchdev");
	mnl_attr_put_u32(nlh, IFLA_MTU, 1400);
	probe_end_msg(r, nlh);
}

static void b14o(struct probe_req *r, uint16_t fl, uint32_t seq)	/* vb up */
{
	probe_end_msg(r, probe_put_link(r, RTM_SETLINK, fl, seq, (int)if_nametoindex("vb"),
			    IFF_UP, IFF_UP));
}

/* 15: RTM_DELLINK */
static void b15a(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	probe_end_msg(r, probe_put_link(r, RTM_DELLINK, fl, seq, 9999, 0, 0));
}

static void b15b(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	probe_end_msg(r, probe_put_link(r, RTM_DELLINK, fl, seq, 1, 0, 0));
}

static void b15c(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = probe_put_link(r, RTM_DELLINK, fl, seq, 0, 0, 0);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "nosuchdev");
	probe_end_msg(r, nlh);
}

static void b15d(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	probe_end_msg(r, probe_put_link(r, RTM_DELLINK, fl, seq, 0, 0, 0));
}

/* 16: GETLINK va with / without NLM_F_ECHO */
static void b16a(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	probe_end_msg(r, probe_put_link(r, RTM_GETLINK, fl | NLM_F_ECHO, seq,
			    (int)if_nametoindex("va"), 0, 0));
}

static void b16b(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	probe_end_msg(r, probe_put_link(r, RTM_GETLINK, fl, seq,
			    (int)if_nametoindex("va"), 0, 0));
}

/* 17: two requests in one datagram (seq, seq+1) */
static void b17a(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	probe_end_msg(r, probe_put_link(r, RTM_GETLINK, fl, seq, 1, 0, 0));
	probe_end_msg(r, probe_put_link(r, RTM_GETLINK, fl, seq + 1, 9999, 0, 0));
}

static void b17b(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	probe_end_msg(r, probe_put_link(r, RTM_GETLINK, fl, seq, 9999, 0, 0));
	probe_end_msg(r, probe_put_link(r, RTM_GETLINK, fl, seq + 1, 1, 0, 0));
}

static void b17c(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	probe_end_msg(r, probe_put_link(r, RTM_GETLINK, fl | NLM_F_DUMP, seq, 0, 0, 0));
	probe_end_msg(r, probe_put_link(r, RTM_GETLINK, fl, seq + 1, 1, 0, 0));
}

static void b17d(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	probe_end_msg(r, probe_put_link(r, RTM_GETLINK, fl, seq, 1, 0, 0));
	probe_end_msg(r, probe_put_link(r, RTM_GETLINK, fl | NLM_F_DUMP, seq + 1, 0, 0, 0));
}

static void b17e(struct probe_req *r, uint16_t fl, uint32_t seq)	/* two dumps */
{
	probe_end_msg(r, probe_put_link(r, RTM_GETLINK, fl | NLM_F_DUMP, seq, 0, 0, 0));
	probe_end_msg(r, probe_put_link(r, RTM_GETLINK, fl | NLM_F_DUMP, seq + 1, 0, 0, 0));
}

/* 18: nlmsg_pid set by the sender */
static void b18a(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = probe_put_link(r, RTM_GETLINK, fl, seq, 1, 0, 0);

	nlh->nlmsg_pid = 12345;
	probe_end_msg(r, nlh);
}

static void b18b(struct probe_req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = probe_put_link(r, RTM_GETLINK, fl, seq, 9999, 0, 0);

	nlh->nlmsg_pid = 12345;
	probe_end_msg(r, nlh);
}

/* ---- read-back helpers (post-conditions) ----------------------------------- */

struct linkinfo {
	int found;
	unsigned flags, mtu;
	int operstate, linkmode;
	char name[IFNAMSIZ];
};

static int li_attr(const struct nlattr *a, void *data)
{
	struct linkinfo *li = data;

	switch (mnl_attr_get_type(a)) {
	case IFLA_OPERSTATE:
		li->operstate = mnl_attr_get_u8(a);
		break;
	case IFLA_LINKMODE:
		li->linkmode = mnl_attr_get_u8(a);
		break;
	case IFLA_MTU:
		li->mtu = mnl_attr_get_u32(a);
		break;
	case IFLA_IFNAME:
		snprintf(li->name, sizeof(li->name), "%s", mnl_attr_get_str(a));
		break;
	}
	return MNL_CB_OK;
}

static int li_cb(const struct nlmsghdr *nlh, void *data)
{
	struct linkinfo *li = data;
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	li->found = 1;
	li->flags = ifm->ifi_flags;
	return mnl_attr_parse(nlh, sizeof(*ifm), li_attr, li);
}

static void get_link(const char *name, struct linkinfo *li)
{
	char buf[16384] __attribute__((aligned(8)));
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;
	ssize_t n;

	memset(li, 0, sizeof(*li));
	li->operstate = li->linkmode = -1;
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = 1;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		goto out;
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n > 0)
		mnl_cb_run(buf, (size_t)n, 0, 0, li_cb, li);
out:
	if (nl)
		mnl_socket_close(nl);
}

static void post_va(char *out, size_t n)
{
	struct linkinfo li;

	get_link("va", &li);
	snprintf(out, n, "{va operstate=%d linkmode=%d mtu=%u flags=0x%x}",
		 li.operstate, li.linkmode, li.mtu, li.flags);
}

static void post_names(char *out, size_t n)
{
	snprintf(out, n, "{va=%u vb=%u vz=%u}", if_nametoindex("va"),
		 if_nametoindex("vb"), if_nametoindex("vz"));
}

static void post_all(char *out, size_t n)	/* every device: name=index */
{
	struct if_nameindex *ni = if_nameindex(), *p;
	size_t k = 0;

	k += (size_t)snprintf(out, n, "{");
	for (p = ni; p && p->if_index && k < n; p++)
		k += (size_t)snprintf(out + k, n - k, "%s%s=%u",
				      p == ni ? "" : " ", p->if_name, p->if_index);
	if (k < n)
		snprintf(out + k, n - k, "}");
	if (ni)
		if_freenameindex(ni);
}

static void post_vb(char *out, size_t n)
{
	struct linkinfo li;

	get_link("vb", &li);
	snprintf(out, n, "{vb operstate=%d flags=0x%x}", li.operstate, li.flags);
}

/* ---- reply formatting -------------------------------------------------------- */


/* ---- notifications ----------------------------------------------------------- */

/* A socket bound to RTNLGRP_LINK, drained around every probe: what the
 * request broadcast (seen within the quiet window) is appended to the line
 * as " notify=[NEWLINK if=N chg=0x.. len=L, ...]". */
static int g_lfd = -1;

static void drain_listener(struct nlfmt_out *o)
{
	static unsigned char lbuf[65536] __attribute__((aligned(8)));
	int k = 0;
	ssize_t n;

	while ((n = recv(g_lfd, lbuf, sizeof(lbuf), MSG_DONTWAIT)) != 0) {
		const struct nlmsghdr *nlh = (const void *)lbuf;
		int left = (int)n;

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (o)
				nlfmt(o, "%slisten-error=%d", k++ ? ", " : " notify=[", -errno);
			continue;
		}
		for (; o && mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

			nlfmt(o, "%s%s if=%d chg=0x%x len=%u", k++ ? ", " : " notify=[",
			     nlh->nlmsg_type == RTM_NEWLINK ? "NEWLINK" :
			     nlh->nlmsg_type == RTM_DELLINK ? "DELLINK" : "other",
			     ifm->ifi_index, ifm->ifi_change, nlh->nlmsg_len);
		}
	}
	if (k)
		nlfmt(o, "]");
}

/* ---- one probe ----------------------------------------------------------------- */

struct variant {
	int ack, strict, extack, cap;
};

static const struct variant variants[] = {
	{ 0, 0, 1, 0 }, { 0, 1, 1, 0 }, { 1, 0, 1, 0 },
	{ 1, 1, 1, 0 }, { 1, 1, 1, 1 }, { 1, 0, 0, 0 },
};

static int open_sock(const struct variant *v, uint32_t *port)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &v->extack, sizeof(int)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &v->strict,
		       sizeof(int)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &v->cap, sizeof(int)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl)) {
		close(fd);
		return -1;
	}
	*port = sa.nl_pid;
	return fd;
}

static void run_probe(const struct pcase *c, const struct variant *v,
		      uint32_t seq)
{
	static unsigned char rbuf[65536] __attribute__((aligned(8)));
	struct sockaddr_nl kern = { .nl_family = AF_NETLINK };
	struct probe_req r;
	struct nlfmt_out o = { .n = 0 };
	uint32_t port;
	int fd, ndg = 0;
	ssize_t s;

	memset(&r, 0, sizeof(r));
	c->build(&r, NLM_F_REQUEST | (v->ack ? NLM_F_ACK : 0), seq);
	drain_listener(NULL);	/* leftovers of the previous teardown */
	fd = open_sock(v, &port);
	if (fd < 0) {
		perror("socket");
		exit(1);
	}
	s = sendto(fd, r.buf, r.len, 0, (struct sockaddr *)&kern, sizeof(kern));
	if (s < 0)
		nlfmt(&o, "send=%d ", -errno);
	else if ((size_t)s != r.len)
		nlfmt(&o, "send=%zd/%zu ", s, r.len);
	while (ndg < MAX_DGRAMS) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, QUIET_MS) <= 0)
			break;
		n = recv(fd, rbuf, sizeof(rbuf), MSG_TRUNC | MSG_DONTWAIT);
		if (n < 0) {
			nlfmt(&o, "%srecv=%d", ndg ? " | " : "", -errno);
			ndg++;
			continue;
		}
		if (ndg)
			nlfmt(&o, " | ");
		if ((size_t)n > sizeof(rbuf)) {
			nlfmt(&o, "truncated(%zd)", n);
			n = sizeof(rbuf);
		}
		nlfmt_dgram(&o, rbuf, (size_t)n, port, seq, c->ids);
		ndg++;
	}
	if (!ndg)
		nlfmt(&o, "none");
	close(fd);
	drain_listener(&o);
	if (c->post) {
		char pbuf[256];

		c->post(pbuf, sizeof(pbuf));
		nlfmt(&o, " %s", pbuf);
	}
	printf("%-5s ack=%d strict=%d extack=%d cap=%d : %s\n", c->id, v->ack,
	       v->strict, v->extack, v->cap, o.s);
	fflush(stdout);
	if (c->teardown && system(c->teardown) == -1)
		perror("system");
}

/* ---- main -------------------------------------------------------------------------- */

#define RESTORE_VA							\
	"ip link show vz >/dev/null 2>&1 && { ip link set vz down; "	\
	"ip link set vz name va; ip link set va up; }; "		\
	"ip link set va mtu 1500 mode default 2>/dev/null; "		\
	"ip link set vb down 2>/dev/null; true"

static const struct pcase cases[] = {
	{ "c01", "10-byte datagram (shorter than nlmsghdr)", b01, NULL, NULL, 0 },
	{ "c02a", "nlmsg_len 8 in a 32-byte datagram", b02a, NULL, NULL, 0 },
	{ "c02b", "nlmsg_len 8 in a 16-byte datagram", b02b, NULL, NULL, 0 },
	{ "c03a", "nlmsg_len 64, 32 bytes sent (GETLINK lo)", b03a, NULL, NULL, 0 },
	{ "c03b", "GETLINK lo (seq) then a message with nlmsg_len 64 > rest (seq+1)",
	  b03b, NULL, NULL, 0 },
	{ "c04a", "GETLINK doit, nlmsg_len 16 (no ifinfomsg)", b04a, NULL, NULL, 0 },
	{ "c04b", "GETLINK dump, nlmsg_len 16 (no ifinfomsg)", b04b, NULL, NULL, 0 },
	{ "c04c", "GETLINK dump, nlmsg_len 17 (1-byte rtgenmsg)", b04c, NULL, NULL, 0 },
	{ "c05a", "GETLINK doit, nlmsg_len 24 (half an ifinfomsg, index 1)", b05a,
	  NULL, NULL, 0 },
	{ "c05b", "GETLINK dump, nlmsg_len 24 (half an ifinfomsg)", b05b, NULL, NULL, 0 },
	{ "c06", "GETLINK doit ifi_index 9999 (missing)", b06, NULL, NULL, 0 },
	{ "c07a", "GETLINK doit IFLA_IFNAME \"nosuchdev\"", b07a, NULL, NULL, 0 },
	{ "c07b", "GETLINK doit IFLA_IFNAME of 20 chars (+NUL)", b07b, NULL, NULL, 0 },
	{ "c07c", "GETLINK doit IFLA_IFNAME \"lo\" (exists)", b07c, NULL, NULL, 0 },
	{ "c08", "GETLINK doit ifi_index 0, no attributes", b08, NULL, NULL, 0 },
	{ "c09a", "GETLINK doit index 1, last attr nla_len 40 with 8 bytes present",
	  b09a, NULL, NULL, 0 },
	{ "c09b", "GETLINK doit index 0, last attr nla_len 40 with 8 bytes present",
	  b09b, NULL, NULL, 0 },
	{ "c10a", "GETLINK doit index 1, attr nla_len 2", b10a, NULL, NULL, 0 },
	{ "c10b", "GETLINK doit index 0, attr nla_len 2", b10b, NULL, NULL, 0 },
	{ "c11", "SETLINK lo (index 1, change 0), last attr nla_len 40 / 8 present",
	  b11, NULL, NULL, 0 },
	{ "c12t1", "type 1 NLMSG_NOOP from userspace", b12_1, NULL, NULL, 0 },
	{ "c12t2", "type 2 NLMSG_ERROR from userspace", b12_2, NULL, NULL, 0 },
	{ "c12t3", "type 3 NLMSG_DONE from userspace", b12_3, NULL, NULL, 0 },
	{ "c12t4", "type 4 NLMSG_OVERRUN from userspace", b12_4, NULL, NULL, 0 },
	{ "c12t15", "type 15 (< NLMSG_MIN_TYPE)", b12_15, NULL, NULL, 0 },
	{ "c12t98", "type 98 (GET kind, no handler)", b12_98, NULL, NULL, 0 },
	{ "c12t200", "type 200 (> RTM_MAX)", b12_200, NULL, NULL, 0 },
	{ "c12t2032", "type 2032 (> RTM_MAX)", b12_2032, NULL, NULL, 0 },
	{ "c13a", "NEWLINK CREATE|EXCL veth \"n13a\", no peer info", b13a,
	  "ip link del n13a 2>/dev/null; true", post_all, 0 },
	{ "c13b", "NEWLINK CREATE|EXCL veth named \"lo\"", b13b, NULL, NULL, 0 },
	{ "c13c", "NEWLINK CREATE (no EXCL) veth named \"lo\"", b13c, NULL, post_all, 0 },
	{ "c13d", "NEWLINK CREATE|EXCL kind \"nosuchkind\"", b13d, NULL, NULL, 0 },
	{ "c13e", "NEWLINK CREATE|EXCL kind \"dummy\"", b13e,
	  "ip link del n13e 2>/dev/null; true", NULL, 0 },
	{ "c13f", "NEWLINK CREATE|EXCL kind \"tun\"", b13f,
	  "ip link del n13f 2>/dev/null; true", NULL, 0 },
	{ "c13g", "NEWLINK CREATE|EXCL, no name, no kind", b13g, NULL, NULL, 0 },
	{ "c13h", "NEWLINK CREATE|EXCL name \"n13h\", no kind", b13h, NULL, NULL, 0 },
	{ "c13i", "NEWLINK CREATE|EXCL veth n13i peer n13j (valid)", b13i,
	  "ip link del n13i 2>/dev/null; true", post_all, 0 },
	{ "c13k", "NEWLINK no CREATE, name \"nosuchdev\", no kind", b13k, NULL, NULL, 0 },
	{ "c14a", "SETLINK index 9999 IFF_UP", b14a, NULL, NULL, 0 },
	{ "c14b", "SETLINK va IFLA_MTU 10", b14b, RESTORE_VA, post_va, 0 },
	{ "c14c", "SETLINK va IFLA_MTU 100000", b14c, RESTORE_VA, post_va, 0 },
	{ "c14d", "SETLINK va IFLA_ADDRESS 3 bytes", b14d, RESTORE_VA, NULL, 0 },
	{ "c14e", "SETLINK va IFLA_ADDRESS 01:00:5e:00:00:01", b14e, RESTORE_VA,
	  NULL, 0 },
	{ "c14f", "SETLINK va (UP) IFLA_IFNAME \"vz\"", b14f, RESTORE_VA,
	  post_names, 0 },
	{ "c14g", "SETLINK vb (DOWN) IFLA_IFNAME \"va\" (exists)", b14g, RESTORE_VA,
	  post_names, 0 },
	{ "c14h", "SETLINK va (LOWERLAYERDOWN) IFLA_OPERSTATE 6", b14h, RESTORE_VA,
	  post_va, 0 },
	{ "c14i", "SETLINK va IFLA_LINKMODE 1", b14i, RESTORE_VA, post_va, 0 },
	{ "c14j", "SETLINK va IFLA_CARRIER 0", b14j, RESTORE_VA, post_va, 0 },
	{ "c14k", "SETLINK va IFLA_MTU as a 2-byte attribute", b14k, RESTORE_VA,
	  post_va, 0 },
	{ "c14l", "SETLINK va IFLA_MTU 1400 (valid)", b14l, RESTORE_VA, post_va, 0 },
	{ "c14m", "SETLINK vb IFLA_IFNAME \"vb\" (own name)", b14m, RESTORE_VA,
	  post_names, 0 },
	{ "c14n", "SETLINK index 0, IFLA_IFNAME \"nosuchdev\", MTU 1400", b14n,
	  NULL, NULL, 0 },
	{ "c14o", "SETLINK vb IFF_UP (valid; vb down again afterwards)", b14o,
	  RESTORE_VA, post_vb, 0 },
	{ "c15a", "DELLINK index 9999", b15a, NULL, NULL, 0 },
	{ "c15b", "DELLINK lo (index 1)", b15b, NULL, NULL, 0 },
	{ "c15c", "DELLINK index 0, IFLA_IFNAME \"nosuchdev\"", b15c, NULL, NULL, 0 },
	{ "c15d", "DELLINK index 0, no name", b15d, NULL, NULL, 0 },
	{ "c16a", "GETLINK doit va with NLM_F_ECHO", b16a, NULL, NULL, 1 },
	{ "c16b", "GETLINK doit va without NLM_F_ECHO", b16b, NULL, NULL, 1 },
	{ "c17a", "one datagram: GETLINK lo (seq) + GETLINK 9999 (seq+1)", b17a,
	  NULL, NULL, 1 },
	{ "c17b", "one datagram: GETLINK 9999 (seq) + GETLINK lo (seq+1)", b17b,
	  NULL, NULL, 1 },
	{ "c17c", "one datagram: GETLINK dump (seq) + GETLINK lo (seq+1)", b17c,
	  NULL, NULL, 1 },
	{ "c17d", "one datagram: GETLINK lo (seq) + GETLINK dump (seq+1)", b17d,
	  NULL, NULL, 1 },
	{ "c17e", "one datagram: GETLINK dump (seq) + GETLINK dump (seq+1)", b17e,
	  NULL, NULL, 1 },
	{ "c18a", "GETLINK lo with nlmsg_pid 12345", b18a, NULL, NULL, 1 },
	{ "c18b", "GETLINK 9999 with nlmsg_pid 12345", b18b, NULL, NULL, 1 },
};

static int only_lo(void)
{
	/* if_nameindex() lists the devices of the current netns */
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

int main(int argc, char **argv)
{
	struct utsname u;
	uint32_t seq = SEQ_BASE;
	size_t i, j;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: ip netns exec NS probe_errors\n");
		return 2;
	}
	if (!only_lo()) {
		fprintf(stderr, "probe_errors: run me in a fresh netns (ip netns add ...)\n");
		return 1;
	}
	/* va up, vb down: va has no carrier and a peer => LOWERLAYERDOWN */
	if (system("ip link set lo up && ip link add va type veth peer name vb && "
		   "ip link set va up") != 0) {
		fprintf(stderr, "probe_errors: cannot create the veth pair\n");
		return 1;
	}
	{
		struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
					  .nl_groups = 1u << (RTNLGRP_LINK - 1) };

		g_lfd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		if (g_lfd < 0 || bind(g_lfd, (struct sockaddr *)&sa, sizeof(sa))) {
			perror("listener");
			return 1;
		}
	}
	usleep(300000);	/* let va's linkwatch events pass */
	uname(&u);
	printf("# tests/golden/kernel-errors.txt - replies of the real kernel to\n"
	       "# malformed/edge NETLINK_ROUTE requests, from tests/realkernel/probe_errors.c\n"
	       "# kernel %s; netns with lo (up, index 1), va (index %u, up,\n"
	       "# LOWERLAYERDOWN) and its peer vb (index %u, down). Format: see the\n"
	       "# comment at the top of probe_errors.c and docs/kernel-measurements.md.\n"
	       "# Regenerate: ip netns add nlsim-probe; ip netns exec nlsim-probe\n"
	       "#   probe_errors > tests/golden/kernel-errors.txt; ip netns del nlsim-probe\n",
	       u.release, if_nametoindex("va"), if_nametoindex("vb"));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		printf("# %s: %s\n", cases[i].id, cases[i].what);
		for (j = 0; j < sizeof(variants) / sizeof(variants[0]); j++) {
			run_probe(&cases[i], &variants[j], seq);
			seq += 10;
		}
	}
	if (system("ip link del va") != 0)
		fprintf(stderr, "probe_errors: could not delete va\n");
	return 0;
}
