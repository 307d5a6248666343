/* tests/stub_nl.c - request builders and readers shared by the netlink suites.
 * See stub_nl.h. */
#include <errno.h>
#include <stdarg.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/veth.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "tests/stub_nl.h"

static uint32_t op_seq = 1000;

int nl_open(struct sim_world *w, struct net *net, bool link_group)
{
	int fd = sim_socket_open(w, net);

	if (fd >= 0 && link_group) {
		int grp = RTNLGRP_LINK;

		setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp));
	}
	return fd;
}

int nl_setopt(int fd, int opt, int val)
{
	return setsockopt(fd, SOL_NETLINK, opt, &val, sizeof(val));
}

uint32_t nl_portid(int fd)
{
	struct sockaddr_nl sa;
	socklen_t len = sizeof(sa);

	memset(&sa, 0, sizeof(sa));
	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		return 0;
	return sa.nl_pid;
}

void nlreq_link(struct nlreq *r, uint16_t type, uint16_t flags, uint32_t seq, int ifindex)
{
	memset(r->buf, 0, sizeof(r->buf));
	r->nlh = mnl_nlmsg_put_header(r->buf);
	r->nlh->nlmsg_type = type;
	r->nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	r->nlh->nlmsg_seq = seq;
	r->ifm = mnl_nlmsg_put_extra_header(r->nlh, sizeof(*r->ifm));
	r->ifm->ifi_index = ifindex;
}

void nlreq_name(struct nlreq *r, const char *name)
{
	mnl_attr_put_strz(r->nlh, IFLA_IFNAME, name);
}

void nlreq_u32(struct nlreq *r, uint16_t type, uint32_t v)
{
	mnl_attr_put_u32(r->nlh, type, v);
}

void nlreq_linkinfo(struct nlreq *r, const char *kind, const char *peer, int peer_nspid)
{
	struct nlattr *li = mnl_attr_nest_start(r->nlh, IFLA_LINKINFO);

	mnl_attr_put_strz(r->nlh, IFLA_INFO_KIND, kind);
	if (peer) {
		struct nlattr *data = mnl_attr_nest_start(r->nlh, IFLA_INFO_DATA);
		struct nlattr *p = mnl_attr_nest_start(r->nlh, VETH_INFO_PEER);

		mnl_nlmsg_put_extra_header(r->nlh, sizeof(struct ifinfomsg));
		mnl_attr_put_strz(r->nlh, IFLA_IFNAME, peer);
		if (peer_nspid)
			mnl_attr_put_u32(r->nlh, IFLA_NET_NS_PID, (uint32_t)peer_nspid);
		mnl_attr_nest_end(r->nlh, p);
		mnl_attr_nest_end(r->nlh, data);
	}
	mnl_attr_nest_end(r->nlh, li);
}

ssize_t nlreq_send(int fd, const struct nlreq *r)
{
	return send(fd, r->buf, r->nlh->nlmsg_len, 0);
}

ssize_t nl_recv(int fd, void *buf, size_t len)
{
	ssize_t n = recv(fd, buf, len, MSG_DONTWAIT);

	return n < 0 ? -errno : n;
}

int nl_wait_ack(int fd, uint32_t seq)
{
	static char buf[65536];
	ssize_t n;

	while ((n = nl_recv(fd, buf, sizeof(buf))) > 0) {
		const struct nlmsghdr *nlh = (const void *)buf;
		int len = (int)n;

		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_type == NLMSG_ERROR && nlh->nlmsg_seq == seq)
				return e->error;
		}
	}
	return 1;
}

int nl_drain(int fd, int *err)
{
	static char buf[65536];
	int count = 0;
	ssize_t n;

	if (err)
		*err = 0;
	for (;;) {
		const struct nlmsghdr *nlh = (const void *)buf;
		int len;

		n = nl_recv(fd, buf, sizeof(buf));
		if (n == -EAGAIN)
			return count;
		if (n < 0) {
			if (err)
				*err = (int)n;
			return count;
		}
		len = (int)n;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			count++;
	}
}

static int attr_cb(const struct nlattr *a, void *data)
{
	struct linkmsg *m = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type <= IFLA_MAX)
		m->tb[type] = a;
	return MNL_CB_OK;
}

bool linkmsg_parse(const struct nlmsghdr *nlh, struct linkmsg *m)
{
	memset(m, 0, sizeof(*m));
	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return false;
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return false;
	m->hdr = *nlh;
	memcpy(&m->ifm, mnl_nlmsg_get_payload(nlh), sizeof(m->ifm));
	mnl_attr_parse(nlh, sizeof(struct ifinfomsg), attr_cb, m);
	if (m->tb[IFLA_IFNAME])
		snprintf(m->name, sizeof(m->name), "%s", mnl_attr_get_str(m->tb[IFLA_IFNAME]));
	/* the attributes point into a buffer the next read reuses: callers
	 * read them before the next nl_recv_link() */
	return true;
}

bool nl_recv_link(int fd, struct linkmsg *m)
{
	static char buf[65536];
	ssize_t n = nl_recv(fd, buf, sizeof(buf));

	memset(m, 0, sizeof(*m));
	if (n < (ssize_t)NLMSG_HDRLEN)
		return false;
	if (((struct nlmsghdr *)buf)->nlmsg_len != (uint32_t)n)
		return false;	/* not exactly one message */
	return linkmsg_parse((const void *)buf, m);
}

uint32_t linkmsg_u32(const struct linkmsg *m, int type)
{
	return m->tb[type] ? mnl_attr_get_u32(m->tb[type]) : 0xdeadbeef;
}

uint8_t linkmsg_u8(const struct linkmsg *m, int type)
{
	return m->tb[type] ? mnl_attr_get_u8(m->tb[type]) : 0xee;
}

const char *linkmsg_str(const struct linkmsg *m, int type)
{
	return m->tb[type] ? mnl_attr_get_str(m->tb[type]) : "";
}

static int do_op(int fd, struct nlreq *r)
{
	if (nlreq_send(fd, r) < 0)
		return -errno;
	return nl_wait_ack(fd, r->nlh->nlmsg_seq);
}

int nl_veth_add(int fd, const char *name, const char *peer)
{
	struct nlreq r;

	nlreq_link(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, ++op_seq, 0);
	nlreq_name(&r, name);
	nlreq_linkinfo(&r, "veth", peer, 0);
	return do_op(fd, &r);
}

int nl_dummy_add(int fd, const char *name)
{
	struct nlreq r;

	nlreq_link(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, ++op_seq, 0);
	nlreq_name(&r, name);
	nlreq_linkinfo(&r, "dummy", NULL, 0);
	return do_op(fd, &r);
}

int nl_link_up(int fd, const char *name, bool up)
{
	struct nlreq r;

	nlreq_link(&r, RTM_SETLINK, NLM_F_ACK, ++op_seq, 0);
	r.ifm->ifi_flags = up ? IFF_UP : 0;
	r.ifm->ifi_change = IFF_UP;
	nlreq_name(&r, name);
	return do_op(fd, &r);
}

int nl_link_mtu(int fd, const char *name, uint32_t mtu)
{
	struct nlreq r;

	nlreq_link(&r, RTM_SETLINK, NLM_F_ACK, ++op_seq, 0);
	nlreq_name(&r, name);
	nlreq_u32(&r, IFLA_MTU, mtu);
	return do_op(fd, &r);
}

int nl_link_del(int fd, const char *name)
{
	struct nlreq r;

	nlreq_link(&r, RTM_DELLINK, NLM_F_ACK, ++op_seq, 0);
	nlreq_name(&r, name);
	return do_op(fd, &r);
}

int nl_link_netns(int fd, const char *name, int nspid)
{
	struct nlreq r;

	nlreq_link(&r, RTM_SETLINK, NLM_F_ACK, ++op_seq, 0);
	nlreq_name(&r, name);
	nlreq_u32(&r, IFLA_NET_NS_PID, (uint32_t)nspid);
	return do_op(fd, &r);
}

/* ---- the reply format of tests/realkernel/probe_errors.c ------------------------
 * The same text the probe prints for the real kernel (see its header comment),
 * so a model reply can be compared with a line of tests/golden/kernel-errors.txt. */

void nlfmt(struct nlfmt_out *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (o->n >= sizeof(o->s) - 1)
		return;
	va_start(ap, fmt);
	k = vsnprintf(o->s + o->n, sizeof(o->s) - o->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->n += (size_t)k < sizeof(o->s) - o->n ? (size_t)k : sizeof(o->s) - o->n - 1;
}

static void fmt_ids(struct nlfmt_out *o, const struct nlmsghdr *nlh, uint32_t port,
		    uint32_t seq, bool always)
{
	if (always || nlh->nlmsg_pid != port) {
		if (nlh->nlmsg_pid == port)
			nlfmt(o, " pid=port");
		else
			nlfmt(o, " pid=%u", nlh->nlmsg_pid);
	}
	if (always || (nlh->nlmsg_seq != seq && nlh->nlmsg_seq != seq + 1))
		nlfmt(o, " seq=%s%u", nlh->nlmsg_seq >= seq ? "req+" : "",
		      nlh->nlmsg_seq >= seq ? nlh->nlmsg_seq - seq : nlh->nlmsg_seq);
	else if (nlh->nlmsg_seq == seq + 1)
		nlfmt(o, " seq=req+1");
}

static void fmt_policy(struct nlfmt_out *o, const unsigned char *v, size_t vl)
{
	const struct nlattr *pa = (const void *)v;
	size_t pl = vl;

	nlfmt(o, " policy{");
	while (pl >= sizeof(*pa) && pa->nla_len >= sizeof(*pa) && pa->nla_len <= pl) {
		const unsigned char *pv = (const unsigned char *)pa + sizeof(*pa);
		size_t plen = pa->nla_len - sizeof(*pa), ps;
		const char *sep = pa == (const void *)v ? "" : ",";
		uint32_t u32;
		int64_t s64;

		if (plen == 4) {
			memcpy(&u32, pv, 4);
			nlfmt(o, "%s%u=%u", sep, pa->nla_type, u32);
		} else if (plen == 8) {
			memcpy(&s64, pv, 8);
			nlfmt(o, "%s%u=%lld", sep, pa->nla_type, (long long)s64);
		} else {
			nlfmt(o, "%s%u:%zuB", sep, pa->nla_type, plen);
		}
		ps = NLA_ALIGN(pa->nla_len);
		if (ps >= pl)
			break;
		pl -= ps;
		pa = (const void *)((const unsigned char *)pa + ps);
	}
	nlfmt(o, "}");
}

static void fmt_tlvs(struct nlfmt_out *o, const unsigned char *p, size_t len)
{
	const struct nlattr *a = (const void *)p;

	while (len >= sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= len) {
		const unsigned char *v = (const unsigned char *)a + sizeof(*a);
		size_t vl = a->nla_len - sizeof(*a), step;
		uint32_t u32 = 0;

		if (vl >= 4)
			memcpy(&u32, v, 4);
		switch (a->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			nlfmt(o, " extack=\"%.*s\"", (int)strnlen((const char *)v, vl), v);
			break;
		case NLMSGERR_ATTR_OFFS:
			nlfmt(o, " offs=%u", u32);
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			nlfmt(o, " miss_type=%u", u32);
			break;
		case NLMSGERR_ATTR_MISS_NEST:
			nlfmt(o, " miss_nest=%u", u32);
			break;
		case NLMSGERR_ATTR_POLICY:
			fmt_policy(o, v, vl);
			break;
		case NLMSGERR_ATTR_COOKIE:
			nlfmt(o, " cookie(%zu bytes)", vl);
			break;
		default:
			nlfmt(o, " tlv%u(%zu bytes)", a->nla_type, vl);
		}
		step = NLA_ALIGN(a->nla_len);
		if (step >= len)
			break;
		len -= step;
		a = (const void *)((const unsigned char *)a + step);
	}
}

void nlfmt_dgram(struct nlfmt_out *o, const void *buf, size_t n, uint32_t port, uint32_t seq,
		 bool ids)
{
	const struct nlmsghdr *nlh = buf;
	size_t left = n;
	bool first = true;

	while (left >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) && nlh->nlmsg_len <= left) {
		const unsigned char *pl = NLMSG_DATA(nlh);
		size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN, step;

		if (!first)
			nlfmt(o, ", ");
		first = false;
		if (nlh->nlmsg_type == NLMSG_ERROR && plen >= sizeof(struct nlmsgerr)) {
			const struct nlmsgerr *e = (const void *)pl;
			size_t echo, tlv_off;

			echo = (nlh->nlmsg_flags & NLM_F_CAPPED) ? sizeof(struct nlmsghdr) :
								   NLMSG_ALIGN(e->msg.nlmsg_len);
			tlv_off = sizeof(int) + echo;
			if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || tlv_off > plen)
				echo = plen - sizeof(int);
			nlfmt(o, "error=%d flags=0x%x len=%u payload=%zu", e->error,
			      nlh->nlmsg_flags, nlh->nlmsg_len, echo);
			if (e->msg.nlmsg_len != echo)
				nlfmt(o, " echo_len=%u", e->msg.nlmsg_len);
			if (e->msg.nlmsg_pid)
				nlfmt(o, " echo_pid=%u", e->msg.nlmsg_pid);
			if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && tlv_off <= plen)
				fmt_tlvs(o, pl + tlv_off, plen - tlv_off);
			fmt_ids(o, nlh, port, seq, ids);
		} else if (nlh->nlmsg_type == NLMSG_DONE) {
			int err;

			nlfmt(o, "done flags=0x%x len=%u", nlh->nlmsg_flags, nlh->nlmsg_len);
			if (plen >= sizeof(int)) {
				memcpy(&err, pl, sizeof(err));
				nlfmt(o, " err=%d", err);
			}
			if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && plen > sizeof(int))
				fmt_tlvs(o, pl + sizeof(int), plen - sizeof(int));
			fmt_ids(o, nlh, port, seq, ids);
		} else if (nlh->nlmsg_type == RTM_NEWLINK) {
			/* a run of RTM_NEWLINK with equal flags and seq: one item */
			const struct nlmsghdr *r = nlh, *last = nlh;
			size_t rl = left, cnt = 0, minl = ~(size_t)0, maxl = 0;

			while (rl >= sizeof(*r) && r->nlmsg_len >= sizeof(*r) &&
			       r->nlmsg_len <= rl && r->nlmsg_type == RTM_NEWLINK &&
			       r->nlmsg_flags == nlh->nlmsg_flags && r->nlmsg_seq == nlh->nlmsg_seq) {
				cnt++;
				minl = r->nlmsg_len < minl ? r->nlmsg_len : minl;
				maxl = r->nlmsg_len > maxl ? r->nlmsg_len : maxl;
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
				nlfmt(o, "newlink*%zu flags=0x%x len=%zu..%zu", cnt, nlh->nlmsg_flags,
				      minl, maxl);
			else
				nlfmt(o, "newlink flags=0x%x len=%u ifindex=%d", nlh->nlmsg_flags,
				      nlh->nlmsg_len, ((const struct ifinfomsg *)pl)->ifi_index);
			fmt_ids(o, nlh, port, seq, ids);
			left = rl;
			nlh = (const void *)((const unsigned char *)last + NLMSG_ALIGN(last->nlmsg_len));
			if (!rl)
				break;
			continue;
		} else {
			nlfmt(o, "type=%u flags=0x%x len=%u", nlh->nlmsg_type, nlh->nlmsg_flags,
			      nlh->nlmsg_len);
			fmt_ids(o, nlh, port, seq, ids);
		}
		step = NLMSG_ALIGN(nlh->nlmsg_len);
		if (step >= left)
			break;
		left -= step;
		nlh = (const void *)((const unsigned char *)nlh + step);
	}
	if (left && left < sizeof(*nlh))
		nlfmt(o, " +%zu stray bytes", left);
}
