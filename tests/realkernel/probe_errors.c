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
 *   gcc -O2 -Wall -Wextra -o /tmp/probe_errors \
 *       tests/realkernel/probe_errors.c $(pkg-config --cflags --libs libmnl)
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

struct req {
	unsigned char buf[4096] __attribute__((aligned(8)));
	size_t len;		/* bytes handed to send() */
};

/* Append one message header + ifinfomsg; returns it for attribute puts. */
static struct nlmsghdr *put_link(struct req *r, uint16_t type, uint16_t flags,
				 uint32_t seq, int index, unsigned iff,
				 unsigned change)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(r->buf + r->len);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = index;
	ifm->ifi_flags = iff;
	ifm->ifi_change = change;
	return nlh;
}

/* Close the message started by put_link (or a raw one) at r->len. */
static void end_msg(struct req *r, struct nlmsghdr *nlh)
{
	r->len = (size_t)((unsigned char *)nlh - r->buf) + nlh->nlmsg_len;
}

/* Append raw attribute bytes claiming nla_len = claimed, with `have`
 * payload bytes really present (zeros); nlmsg_len covers only what is
 * present. */
static void put_bad_attr(struct nlmsghdr *nlh, uint16_t type, uint16_t claimed,
			 size_t have)
{
	unsigned char *p = (unsigned char *)nlh + nlh->nlmsg_len;
	struct nlattr *nla = (struct nlattr *)p;

	nla->nla_len = claimed;
	nla->nla_type = type;
	memset(p + sizeof(*nla), 0, have);
	if (have >= 2)
		memcpy(p + sizeof(*nla), "lo", 2);
	nlh->nlmsg_len += sizeof(*nla) + have;
}

/* ---- case table ------------------------------------------------------------ */

/* A builder fills r for one variant; fl = NLM_F_REQUEST [| NLM_F_ACK]. */
typedef void (*build_fn)(struct req *r, uint16_t fl, uint32_t seq);

struct pcase {
	const char *id;
	const char *what;	/* one-line description, printed as a comment */
	build_fn build;
	const char *teardown;	/* shell run after each variant, or NULL */
	void (*post)(char *out, size_t n);	/* read-back after each variant */
	int ids;		/* always print pid/seq */
};

/* 1: shorter than a nlmsghdr */
static void b01(struct req *r, uint16_t fl, uint32_t seq)
{
	end_msg(r, put_link(r, RTM_GETLINK, fl, seq, 1, 0, 0));
	r->len = 10;
}

/* 2: nlmsg_len 8 inside a full 32-byte datagram / a 16-byte one */
static void b02a(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = put_link(r, RTM_GETLINK, fl, seq, 1, 0, 0);
	end_msg(r, nlh);
	nlh->nlmsg_len = 8;
}

static void b02b(struct req *r, uint16_t fl, uint32_t seq)
{
	b02a(r, fl, seq);
	r->len = 16;
}

/* 3: nlmsg_len larger than what is sent; b: same after a valid message */
static void b03a(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = put_link(r, RTM_GETLINK, fl, seq, 1, 0, 0);
	end_msg(r, nlh);
	nlh->nlmsg_len = 64;
}

static void b03b(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh;

	end_msg(r, put_link(r, RTM_GETLINK, fl, seq, 1, 0, 0));
	nlh = put_link(r, RTM_GETLINK, fl, seq + 1, 1, 0, 0);
	end_msg(r, nlh);
	nlh->nlmsg_len = 64;
}

/* 4: RTM_GETLINK with no payload at all (nlmsg_len 16) */
static void b04a(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(r->buf);

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = fl;
	nlh->nlmsg_seq = seq;
	end_msg(r, nlh);
}

static void b04b(struct req *r, uint16_t fl, uint32_t seq)
{
	b04a(r, fl | NLM_F_DUMP, seq);
}

/* 4c: dump with the legacy 1-byte rtgenmsg payload (nlmsg_len 17) */
static void b04c(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(r->buf);
	struct rtgenmsg *g;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = fl | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	nlh->nlmsg_len = 17;	/* mnl aligned it to 20 */
	end_msg(r, nlh);
}

/* 5: truncated ifinfomsg (8 of 16 bytes; ifi_index = 1 fits) */
static void b05a(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = put_link(r, RTM_GETLINK, fl, seq, 1, 0, 0);

	nlh->nlmsg_len = 24;
	end_msg(r, nlh);
}

static void b05b(struct req *r, uint16_t fl, uint32_t seq)
{
	b05a(r, fl | NLM_F_DUMP, seq);
}

/* 6: missing ifindex */
static void b06(struct req *r, uint16_t fl, uint32_t seq)
{
	end_msg(r, put_link(r, RTM_GETLINK, fl, seq, 9999, 0, 0));
}

/* 7: by name: missing / too long / existing ("lo") */
static void b07a(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = put_link(r, RTM_GETLINK, fl, seq, 0, 0, 0);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "nosuchdev");
	end_msg(r, nlh);
}

static void b07b(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = put_link(r, RTM_GETLINK, fl, seq, 0, 0, 0);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "abcdefghijklmnopqrst");
	end_msg(r, nlh);
}

static void b07c(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = put_link(r, RTM_GETLINK, fl, seq, 0, 0, 0);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "lo");
	end_msg(r, nlh);
}

/* 8: neither index nor name */
static void b08(struct req *r, uint16_t fl, uint32_t seq)
{
	end_msg(r, put_link(r, RTM_GETLINK, fl, seq, 0, 0, 0));
}

/* 9: last attribute claims 40 bytes, 8 present; a: index 1, b: index 0 */
static void b09a(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = put_link(r, RTM_GETLINK, fl, seq, 1, 0, 0);

	put_bad_attr(nlh, IFLA_IFNAME, 40, 4);
	end_msg(r, nlh);
}

static void b09b(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = put_link(r, RTM_GETLINK, fl, seq, 0, 0, 0);

	put_bad_attr(nlh, IFLA_IFNAME, 40, 4);
	end_msg(r, nlh);
}

/* 10: attribute with nla_len 2 (4 bytes present); a: index 1, b: index 0 */
static void b10a(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = put_link(r, RTM_GETLINK, fl, seq, 1, 0, 0);

	put_bad_attr(nlh, IFLA_IFNAME, 2, 0);
	end_msg(r, nlh);
}

static void b10b(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = put_link(r, RTM_GETLINK, fl, seq, 0, 0, 0);

	put_bad_attr(nlh, IFLA_IFNAME, 2, 0);
	end_msg(r, nlh);
}

/* 11: RTM_SETLINK lo, ifi_change 0, bad trailing attribute as in 9 */
static void b11(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = put_link(r, RTM_SETLINK, fl, seq, 1, 0, 0);

	put_bad_attr(nlh, IFLA_IFNAME, 40, 4);
	end_msg(r, nlh);
}

/* 12: message types with a zeroed 16-byte ifinfomsg payload */
#define B12(name, t)							\
	static void name(struct req *r, uint16_t fl, uint32_t seq)	\
	{								\
		end_msg(r, put_link(r, (t), fl, seq, 0, 0, 0));		\
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
static struct nlmsghdr *newlink(struct req *r, uint16_t fl, uint32_t seq,
				const char *name, const char *kind)
{
	struct nlmsghdr *nlh = put_link(r, RTM_NEWLINK, fl, seq, 0, 0, 0);
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

static void b13a(struct req *r, uint16_t fl, uint32_t seq)
{
	end_msg(r, newlink(r, fl | NLM_F_CREATE | NLM_F_EXCL, seq, "n13a", "veth"));
}

static void b13b(struct req *r, uint16_t fl, uint32_t seq)
{
	end_msg(r, newlink(r, fl | NLM_F_CREATE | NLM_F_EXCL, seq, "lo", "veth"));
}

static void b13c(struct req *r, uint16_t fl, uint32_t seq)
{
	end_msg(r, newlink(r, fl | NLM_F_CREATE, seq, "lo", "veth"));
}

static void b13d(struct req *r, uint16_t fl, uint32_t seq)
{
	end_msg(r, newlink(r, fl | NLM_F_CREATE | NLM_F_EXCL, seq, "n13d",
			   "nosuchkind"));
}

static void b13e(struct req *r, uint16_t fl, uint32_t seq)
{
	end_msg(r, newlink(r, fl | NLM_F_CREATE | NLM_F_EXCL, seq, "n13e", "dummy"));
}

static void b13f(struct req *r, uint16_t fl, uint32_t seq)
{
	end_msg(r, newlink(r, fl | NLM_F_CREATE | NLM_F_EXCL, seq, "n13f", "tun"));
}

static void b13g(struct req *r, uint16_t fl, uint32_t seq)	/* nothing */
{
	end_msg(r, newlink(r, fl | NLM_F_CREATE | NLM_F_EXCL, seq, NULL, NULL));
}

static void b13h(struct req *r, uint16_t fl, uint32_t seq)	/* name, no kind */
{
	end_msg(r, newlink(r, fl | NLM_F_CREATE | NLM_F_EXCL, seq, "n13h", NULL));
}

static void b13i(struct req *r, uint16_t fl, uint32_t seq)	/* valid veth */
{
	struct nlmsghdr *nlh = put_link(r, RTM_NEWLINK,
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
	end_msg(r, nlh);
}

static void b13k(struct req *r, uint16_t fl, uint32_t seq)	/* existing, no flags */
{
	end_msg(r, newlink(r, fl, seq, "nosuchdev", NULL));
}

/* 14: RTM_SETLINK */
static void b14a(struct req *r, uint16_t fl, uint32_t seq)
{
	end_msg(r, put_link(r, RTM_SETLINK, fl, seq, 9999, IFF_UP, IFF_UP));
}

static struct nlmsghdr *setlink_name(struct req *r, uint16_t fl, uint32_t seq,
				     const char *dev)
{
	return put_link(r, RTM_SETLINK, fl, seq, (int)if_nametoindex(dev), 0, 0);
}

static void b14b(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "va");

	mnl_attr_put_u32(nlh, IFLA_MTU, 10);
	end_msg(r, nlh);
}

static void b14c(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "va");

	mnl_attr_put_u32(nlh, IFLA_MTU, 100000);
	end_msg(r, nlh);
}

static void b14d(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "va");

	mnl_attr_put(nlh, IFLA_ADDRESS, 3, "\x02\x00\x01");
	end_msg(r, nlh);
}

static void b14e(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "va");

	mnl_attr_put(nlh, IFLA_ADDRESS, 6, "\x01\x00\x5e\x00\x00\x01");
	end_msg(r, nlh);
}

static void b14f(struct req *r, uint16_t fl, uint32_t seq)	/* rename UP va */
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "va");

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "vz");
	end_msg(r, nlh);
}

static void b14g(struct req *r, uint16_t fl, uint32_t seq)	/* vb -> va */
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "vb");

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "va");
	end_msg(r, nlh);
}

static void b14h(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "va");

	mnl_attr_put_u8(nlh, IFLA_OPERSTATE, 6);	/* IF_OPER_UP */
	end_msg(r, nlh);
}

static void b14i(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "va");

	mnl_attr_put_u8(nlh, IFLA_LINKMODE, 1);
	end_msg(r, nlh);
}

static void b14j(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "va");

	mnl_attr_put_u8(nlh, IFLA_CARRIER, 0);
	end_msg(r, nlh);
}

static void b14k(struct req *r, uint16_t fl, uint32_t seq)	/* u16 MTU */
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "va");

	mnl_attr_put_u16(nlh, IFLA_MTU, 1400);
	end_msg(r, nlh);
}

static void b14l(struct req *r, uint16_t fl, uint32_t seq)	/* valid MTU */
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "va");

	mnl_attr_put_u32(nlh, IFLA_MTU, 1400);
	end_msg(r, nlh);
}

static void b14m(struct req *r, uint16_t fl, uint32_t seq)	/* rename vb, same */
{
	struct nlmsghdr *nlh = setlink_name(r, fl, seq, "vb");

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "vb");
	end_msg(r, nlh);
}

static void b14n(struct req *r, uint16_t fl, uint32_t seq)	/* by name only */
{
	struct nlmsghdr *nlh = put_link(r, RTM_SETLINK, fl, seq, 0, 0, 0);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "nosuchdev");
	mnl_attr_put_u32(nlh, IFLA_MTU, 1400);
	end_msg(r, nlh);
}

static void b14o(struct req *r, uint16_t fl, uint32_t seq)	/* vb up */
{
	end_msg(r, put_link(r, RTM_SETLINK, fl, seq, (int)if_nametoindex("vb"),
			    IFF_UP, IFF_UP));
}

/* 15: RTM_DELLINK */
static void b15a(struct req *r, uint16_t fl, uint32_t seq)
{
	end_msg(r, put_link(r, RTM_DELLINK, fl, seq, 9999, 0, 0));
}

static void b15b(struct req *r, uint16_t fl, uint32_t seq)
{
	end_msg(r, put_link(r, RTM_DELLINK, fl, seq, 1, 0, 0));
}

static void b15c(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = put_link(r, RTM_DELLINK, fl, seq, 0, 0, 0);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, "nosuchdev");
	end_msg(r, nlh);
}

static void b15d(struct req *r, uint16_t fl, uint32_t seq)
{
	end_msg(r, put_link(r, RTM_DELLINK, fl, seq, 0, 0, 0));
}

/* 16: GETLINK va with / without NLM_F_ECHO */
static void b16a(struct req *r, uint16_t fl, uint32_t seq)
{
	end_msg(r, put_link(r, RTM_GETLINK, fl | NLM_F_ECHO, seq,
			    (int)if_nametoindex("va"), 0, 0));
}

static void b16b(struct req *r, uint16_t fl, uint32_t seq)
{
	end_msg(r, put_link(r, RTM_GETLINK, fl, seq,
			    (int)if_nametoindex("va"), 0, 0));
}

/* 17: two requests in one datagram (seq, seq+1) */
static void b17a(struct req *r, uint16_t fl, uint32_t seq)
{
	end_msg(r, put_link(r, RTM_GETLINK, fl, seq, 1, 0, 0));
	end_msg(r, put_link(r, RTM_GETLINK, fl, seq + 1, 9999, 0, 0));
}

static void b17b(struct req *r, uint16_t fl, uint32_t seq)
{
	end_msg(r, put_link(r, RTM_GETLINK, fl, seq, 9999, 0, 0));
	end_msg(r, put_link(r, RTM_GETLINK, fl, seq + 1, 1, 0, 0));
}

static void b17c(struct req *r, uint16_t fl, uint32_t seq)
{
	end_msg(r, put_link(r, RTM_GETLINK, fl | NLM_F_DUMP, seq, 0, 0, 0));
	end_msg(r, put_link(r, RTM_GETLINK, fl, seq + 1, 1, 0, 0));
}

static void b17d(struct req *r, uint16_t fl, uint32_t seq)
{
	end_msg(r, put_link(r, RTM_GETLINK, fl, seq, 1, 0, 0));
	end_msg(r, put_link(r, RTM_GETLINK, fl | NLM_F_DUMP, seq + 1, 0, 0, 0));
}

static void b17e(struct req *r, uint16_t fl, uint32_t seq)	/* two dumps */
{
	end_msg(r, put_link(r, RTM_GETLINK, fl | NLM_F_DUMP, seq, 0, 0, 0));
	end_msg(r, put_link(r, RTM_GETLINK, fl | NLM_F_DUMP, seq + 1, 0, 0, 0));
}

/* 18: nlmsg_pid set by the sender */
static void b18a(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = put_link(r, RTM_GETLINK, fl, seq, 1, 0, 0);

	nlh->nlmsg_pid = 12345;
	end_msg(r, nlh);
}

static void b18b(struct req *r, uint16_t fl, uint32_t seq)
{
	struct nlmsghdr *nlh = put_link(r, RTM_GETLINK, fl, seq, 9999, 0, 0);

	nlh->nlmsg_pid = 12345;
	end_msg(r, nlh);
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

struct out {
	char s[8192];
	size_t n;
};

static void emit(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (o->n >= sizeof(o->s) - 1)
		return;
	va_start(ap, fmt);
	k = vsnprintf(o->s + o->n, sizeof(o->s) - o->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->n += (size_t)k < sizeof(o->s) - o->n ? (size_t)k
							 : sizeof(o->s) - o->n - 1;
}

static void emit_ids(struct out *o, const struct nlmsghdr *nlh, uint32_t port,
		     uint32_t seq, int always)
{
	if (always || nlh->nlmsg_pid != port) {
		if (nlh->nlmsg_pid == port)
			emit(o, " pid=port");
		else
			emit(o, " pid=%u", nlh->nlmsg_pid);
	}
	if (always || (nlh->nlmsg_seq != seq && nlh->nlmsg_seq != seq + 1))
		emit(o, " seq=%s%u", nlh->nlmsg_seq >= seq ? "req+" : "",
		     nlh->nlmsg_seq >= seq ? nlh->nlmsg_seq - seq : nlh->nlmsg_seq);
	else if (nlh->nlmsg_seq == seq + 1)
		emit(o, " seq=req+1");
}

/* extended-ack TLVs starting at p, len bytes */
static void emit_tlvs(struct out *o, const unsigned char *p, size_t len,
		      const unsigned char *base)
{
	const struct nlattr *a;

	(void)base;
	for (a = (const struct nlattr *)p;
	     len >= sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= len;) {
		const unsigned char *v = (const unsigned char *)a + sizeof(*a);
		size_t vl = a->nla_len - sizeof(*a), step;

		switch (a->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			emit(o, " extack=\"%.*s\"", (int)strnlen((const char *)v, vl), v);
			break;
		case NLMSGERR_ATTR_OFFS:
			emit(o, " offs=%u", vl >= 4 ? *(const uint32_t *)v : 0);
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			emit(o, " miss_type=%u", vl >= 4 ? *(const uint32_t *)v : 0);
			break;
		case NLMSGERR_ATTR_MISS_NEST:
			emit(o, " miss_nest=%u", vl >= 4 ? *(const uint32_t *)v : 0);
			break;
		case NLMSGERR_ATTR_POLICY: {
			/* nested NL_POLICY_TYPE_ATTR_*: print type=value */
			const struct nlattr *pa = (const void *)v;
			size_t pl = vl;

			emit(o, " policy{");
			while (pl >= sizeof(*pa) && pa->nla_len >= sizeof(*pa) &&
			       pa->nla_len <= pl) {
				const void *pv = (const unsigned char *)pa + sizeof(*pa);
				size_t plen = pa->nla_len - sizeof(*pa), ps;

				if (plen == 4)
					emit(o, "%s%u=%u", pa == (const void *)v ? "" : ",",
					     pa->nla_type, *(const uint32_t *)pv);
				else if (plen == 8)
					emit(o, "%s%u=%lld", pa == (const void *)v ? "" : ",",
					     pa->nla_type, (long long)*(const int64_t *)pv);
				else
					emit(o, "%s%u:%zuB", pa == (const void *)v ? "" : ",",
					     pa->nla_type, plen);
				ps = NLA_ALIGN(pa->nla_len);
				if (ps >= pl)
					break;
				pl -= ps;
				pa = (const void *)((const unsigned char *)pa + ps);
			}
			emit(o, "}");
			break;
		}
		case NLMSGERR_ATTR_COOKIE:
			emit(o, " cookie(%zu bytes)", vl);
			break;
		default:
			emit(o, " tlv%u(%zu bytes)", a->nla_type, vl);
		}
		step = NLA_ALIGN(a->nla_len);
		if (step >= len)
			break;
		len -= step;
		a = (const struct nlattr *)((const unsigned char *)a + step);
	}
}

/* Format one datagram of n bytes. */
static void emit_dgram(struct out *o, const unsigned char *buf, size_t n,
		       uint32_t port, uint32_t seq, int ids)
{
	const struct nlmsghdr *nlh = (const void *)buf;
	size_t left = n;
	int first = 1;

	while (left >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= left) {
		const unsigned char *pl = (const unsigned char *)NLMSG_DATA(nlh);
		size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN, step;

		if (!first)
			emit(o, ", ");
		first = 0;
		if (nlh->nlmsg_type == NLMSG_ERROR && plen >= sizeof(struct nlmsgerr)) {
			const struct nlmsgerr *e = (const void *)pl;
			size_t echo, tlv_off;

			if (nlh->nlmsg_flags & NLM_F_CAPPED)
				echo = sizeof(struct nlmsghdr);
			else
				echo = NLMSG_ALIGN(e->msg.nlmsg_len);
			tlv_off = sizeof(int) + echo;
			if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || tlv_off > plen)
				echo = plen - sizeof(int);
			emit(o, "error=%d flags=0x%x len=%u payload=%zu", e->error,
			     nlh->nlmsg_flags, nlh->nlmsg_len, echo);
			if (e->msg.nlmsg_len != echo)
				emit(o, " echo_len=%u", e->msg.nlmsg_len);
			if (e->msg.nlmsg_pid)
				emit(o, " echo_pid=%u", e->msg.nlmsg_pid);
			if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && tlv_off <= plen)
				emit_tlvs(o, pl + tlv_off, plen - tlv_off,
					  (const unsigned char *)&e->msg);
			emit_ids(o, nlh, port, seq, ids);
		} else if (nlh->nlmsg_type == NLMSG_DONE) {
			emit(o, "done flags=0x%x len=%u", nlh->nlmsg_flags,
			     nlh->nlmsg_len);
			if (plen >= sizeof(int))
				emit(o, " err=%d", *(const int *)pl);
			if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && plen > sizeof(int))
				emit_tlvs(o, pl + sizeof(int), plen - sizeof(int), NULL);
			emit_ids(o, nlh, port, seq, ids);
		} else if (nlh->nlmsg_type == RTM_NEWLINK) {
			/* collapse a run of RTM_NEWLINK with equal flags/ids */
			const struct nlmsghdr *r = nlh;
			size_t rl = left, cnt = 0, minl = ~(size_t)0, maxl = 0;
			const struct nlmsghdr *last = nlh;

			while (rl >= sizeof(*r) && r->nlmsg_len >= sizeof(*r) &&
			       r->nlmsg_len <= rl && r->nlmsg_type == RTM_NEWLINK &&
			       r->nlmsg_flags == nlh->nlmsg_flags &&
			       r->nlmsg_seq == nlh->nlmsg_seq) {
				cnt++;
				if (r->nlmsg_len < minl)
					minl = r->nlmsg_len;
				if (r->nlmsg_len > maxl)
					maxl = r->nlmsg_len;
				last = r;
				step = NLMSG_ALIGN(r->nlmsg_len);
				if (step >= rl) {
					rl = 0;
					break;
				}
				rl -= step;
				r = (const void *)((const unsigned char *)r + step);
			}
			if (cnt > 1)
				emit(o, "newlink*%zu flags=0x%x len=%zu..%zu",
				     cnt, nlh->nlmsg_flags, minl, maxl);
			else
				emit(o, "newlink flags=0x%x len=%u ifindex=%d",
				     nlh->nlmsg_flags, nlh->nlmsg_len,
				     ((const struct ifinfomsg *)pl)->ifi_index);
			emit_ids(o, nlh, port, seq, ids);
			left = rl;
			nlh = (const void *)((const unsigned char *)last +
					     NLMSG_ALIGN(last->nlmsg_len));
			if (!rl)
				break;
			continue;
		} else {
			emit(o, "type=%u flags=0x%x len=%u", nlh->nlmsg_type,
			     nlh->nlmsg_flags, nlh->nlmsg_len);
			emit_ids(o, nlh, port, seq, ids);
		}
		step = NLMSG_ALIGN(nlh->nlmsg_len);
		if (step >= left)
			break;
		left -= step;
		nlh = (const void *)((const unsigned char *)nlh + step);
	}
	if (left && left < sizeof(*nlh))
		emit(o, " +%zu stray bytes", left);
}

/* ---- notifications ----------------------------------------------------------- */

/* A socket bound to RTNLGRP_LINK, drained around every probe: what the
 * request broadcast (seen within the quiet window) is appended to the line
 * as " notify=[NEWLINK if=N chg=0x.. len=L, ...]". */
static int g_lfd = -1;

static void drain_listener(struct out *o)
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
				emit(o, "%slisten-error=%d", k++ ? ", " : " notify=[", -errno);
			continue;
		}
		for (; o && mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

			emit(o, "%s%s if=%d chg=0x%x len=%u", k++ ? ", " : " notify=[",
			     nlh->nlmsg_type == RTM_NEWLINK ? "NEWLINK" :
			     nlh->nlmsg_type == RTM_DELLINK ? "DELLINK" : "other",
			     ifm->ifi_index, ifm->ifi_change, nlh->nlmsg_len);
		}
	}
	if (k)
		emit(o, "]");
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
	struct req r;
	struct out o = { .n = 0 };
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
		emit(&o, "send=%d ", -errno);
	else if ((size_t)s != r.len)
		emit(&o, "send=%zd/%zu ", s, r.len);
	while (ndg < MAX_DGRAMS) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, QUIET_MS) <= 0)
			break;
		n = recv(fd, rbuf, sizeof(rbuf), MSG_TRUNC | MSG_DONTWAIT);
		if (n < 0) {
			emit(&o, "%srecv=%d", ndg ? " | " : "", -errno);
			ndg++;
			continue;
		}
		if (ndg)
			emit(&o, " | ");
		if ((size_t)n > sizeof(rbuf)) {
			emit(&o, "truncated(%zd)", n);
			n = sizeof(rbuf);
		}
		emit_dgram(&o, rbuf, (size_t)n, port, seq, c->ids);
		ndg++;
	}
	if (!ndg)
		emit(&o, "none");
	close(fd);
	drain_listener(&o);
	if (c->post) {
		char pbuf[256];

		c->post(pbuf, sizeof(pbuf));
		emit(&o, " %s", pbuf);
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
