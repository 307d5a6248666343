/* clients/iproute.c - the requests `ip link` sends, as a client library.
 *
 * Follows iproute2's ip/iplink.c (6.1): one request per command with
 * NLM_F_REQUEST|NLM_F_ACK (plus NLM_F_CREATE|NLM_F_EXCL for `ip link add`),
 * ifinfomsg with ifi_change = IFF_UP for `set up/down`, the device named by
 * IFLA_IFNAME, a veth peer in IFLA_LINKINFO/IFLA_INFO_DATA/VETH_INFO_PEER,
 * the target namespace as IFLA_NET_NS_PID (a simulated namespace's pseudo
 * pid) where iproute2 would pass IFLA_NET_NS_FD. Each call sends its request
 * on a simulated socket with plain send(), then reads with plain recv() until
 * the reply with its sequence number. Notifications on the same socket are
 * skipped, as `ip` does not subscribe.
 * Context: task (recv blocks the task in virtual time).
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "clients/iproute.h"

static uint32_t next_seq = 1000;

static struct nlmsghdr *link_req(char *buf, int type, int flags, const char *name,
				 struct ifinfomsg **ifm)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags);
	nlh->nlmsg_seq = next_seq++;
	*ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(**ifm));
	(*ifm)->ifi_family = AF_UNSPEC;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

/* The value a reply handler returns while it wants more replies. */
#define IP_MORE INT_MIN

/* exchange - send @nlh on @fd, then hand each reply carrying its sequence
 * number to @cb (notifications on the socket are skipped) until @cb returns
 * something other than IP_MORE; returns that, or -errno. Task context. */
static int exchange(int fd, const struct nlmsghdr *nlh,
		    int (*cb)(const struct nlmsghdr *r, void *data), void *data)
{
	char buf[32768];

	if (send(fd, nlh, nlh->nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		const struct nlmsghdr *r = (const void *)buf;
		int len = (int)n;

		if (n < 0)
			return -errno;
		for (; mnl_nlmsg_ok(r, len); r = mnl_nlmsg_next(r, &len)) {
			int ret;

			if (r->nlmsg_seq != nlh->nlmsg_seq)
				continue;
			ret = cb(r, data);
			if (ret != IP_MORE)
				return ret;
		}
	}
}

static int reply_error(const struct nlmsghdr *r)
{
	return ((const struct nlmsgerr *)mnl_nlmsg_get_payload(r))->error;
}

static int ack_reply(const struct nlmsghdr *r, void *data)
{
	(void)data;
	return r->nlmsg_type == NLMSG_ERROR ? reply_error(r) : IP_MORE;
}

/* ip_transact - send @nlh on @fd and wait for its ACK; returns 0 or -errno. */
int ip_transact(int fd, struct nlmsghdr *nlh)
{
	return exchange(fd, nlh, ack_reply, NULL);
}

int ip_link_add_veth(int fd, const char *name, const char *peer, int peer_netns_pid)
{
	char buf[1024] = { 0 };
	struct ifinfomsg *ifm, *pifm;
	struct nlmsghdr *nlh = link_req(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, name, &ifm);
	struct nlattr *li, *data, *p;

	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	p = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifm));
	(void)pifm;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (peer_netns_pid > 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)peer_netns_pid);
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	return ip_transact(fd, nlh);
}

int ip_link_add_kind(int fd, const char *name, const char *kind)
{
	char buf[512] = { 0 };
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_req(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, name, &ifm);
	struct nlattr *li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);

	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	mnl_attr_nest_end(nlh, li);
	return ip_transact(fd, nlh);
}

int ip_link_set_up(int fd, const char *name, bool up)
{
	char buf[256] = { 0 };
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_req(buf, RTM_NEWLINK, 0, name, &ifm);

	ifm->ifi_change = IFF_UP;
	ifm->ifi_flags = up ? IFF_UP : 0;
	return ip_transact(fd, nlh);
}

static int set_attr_u32(int fd, const char *name, int type, uint32_t v)
{
	char buf[256] = { 0 };
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_req(buf, RTM_NEWLINK, 0, name, &ifm);

	mnl_attr_put_u32(nlh, (uint16_t)type, v);
	return ip_transact(fd, nlh);
}

static int set_attr_u8(int fd, const char *name, int type, uint8_t v)
{
	char buf[256] = { 0 };
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_req(buf, RTM_NEWLINK, 0, name, &ifm);

	mnl_attr_put_u8(nlh, (uint16_t)type, v);
	return ip_transact(fd, nlh);
}

int ip_link_set_mtu(int fd, const char *name, uint32_t mtu)
{
	return set_attr_u32(fd, name, IFLA_MTU, mtu);
}

int ip_link_set_netns(int fd, const char *name, int netns_pid)
{
	return set_attr_u32(fd, name, IFLA_NET_NS_PID, (uint32_t)netns_pid);
}

int ip_link_set_carrier(int fd, const char *name, bool on)
{
	return set_attr_u8(fd, name, IFLA_CARRIER, on);
}

int ip_link_set_mode(int fd, const char *name, int mode)
{
	return set_attr_u8(fd, name, IFLA_LINKMODE, (uint8_t)mode);
}

int ip_link_set_operstate(int fd, const char *name, int state)
{
	return set_attr_u8(fd, name, IFLA_OPERSTATE, (uint8_t)state);
}

int ip_link_set_master(int fd, const char *name, int master_ifindex)
{
	return set_attr_u32(fd, name, IFLA_MASTER, (uint32_t)master_ifindex);
}

int ip_link_set_address(int fd, const char *name, const uint8_t mac[6])
{
	char buf[256] = { 0 };
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_req(buf, RTM_NEWLINK, 0, name, &ifm);

	mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	return ip_transact(fd, nlh);
}

int ip_link_rename(int fd, int ifindex, const char *newname)
{
	char buf[256] = { 0 };
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_req(buf, RTM_NEWLINK, 0, NULL, &ifm);

	ifm->ifi_index = ifindex;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, newname);
	return ip_transact(fd, nlh);
}

int ip_link_del(int fd, const char *name)
{
	char buf[256] = { 0 };
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_req(buf, RTM_DELLINK, 0, name, &ifm);

	return ip_transact(fd, nlh);
}

static int get_reply(const struct nlmsghdr *r, void *data)
{
	(void)data;
	if (r->nlmsg_type == NLMSG_ERROR)
		return reply_error(r);
	return ((const struct ifinfomsg *)mnl_nlmsg_get_payload(r))->ifi_index;
}

int ip_link_get(int fd, const char *name)
{
	char buf[256] = { 0 };
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_req(buf, RTM_GETLINK, 0, name, &ifm);

	nlh->nlmsg_flags = NLM_F_REQUEST;
	return exchange(fd, nlh, get_reply, NULL);
}

static int dump_reply(const struct nlmsghdr *r, void *data)
{
	int *count = data;

	if (r->nlmsg_type == NLMSG_DONE)
		return *count;
	if (r->nlmsg_type == NLMSG_ERROR)
		return reply_error(r);
	(*count)++;
	return IP_MORE;
}

int ip_link_dump(int fd)
{
	char buf[64] = { 0 };
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_req(buf, RTM_GETLINK, NLM_F_DUMP, NULL, &ifm);
	int count = 0;

	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	return exchange(fd, nlh, dump_reply, &count);
}
