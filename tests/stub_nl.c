/* tests/stub_nl.c - request builders and readers shared by the netlink suites.
 * See stub_nl.h. */
#include <errno.h>
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
