/* model/rtnetlink.h - shared between rtnetlink.c, rtnetlink_link.c and drivers. */
#ifndef NLSIM_MODEL_RTNETLINK_H
#define NLSIM_MODEL_RTNETLINK_H

#include <linux/if_link.h>

#include "model/internal.h"
#include "model/nlattr.h"

struct rtnl_fill_args {
	struct net_device *dev;
	struct net *net;		/* namespace the message is built for */
	int type;			/* RTM_NEWLINK / RTM_DELLINK */
	unsigned int flags;		/* nlmsg_flags (NLM_F_MULTI in dumps) */
	uint32_t portid, seq;
	unsigned int change;		/* ifi_change */
	uint32_t event;			/* IFLA_EVENT, 0 = none */
	bool new_nsid_set;
	int new_nsid, new_ifindex;
	bool no_af_data;		/* after NETDEV_UNREGISTER: empty AF_SPEC */
};

int rtnl_fill_ifinfo(void *buf, size_t cap, const struct rtnl_fill_args *a);
struct nl_skb *rtnl_fill_to_skb(const struct rtnl_fill_args *a);

/* One entry of the handler table (rtnl_register). */
struct rtnl_link_handler {
	int (*doit)(struct netlink_sock *sk, const struct nlmsghdr *nlh, const char **extack);
	netlink_dumpit_t dumpit;
	bool dump_rtnl;		/* dump parts run under RTNL */
};

/* Handlers for the message types other than links (model/rtnetlink_misc.c);
 * NULL for a type nobody registered (-EOPNOTSUPP). */
const struct rtnl_link_handler *rtnl_misc_handler(int msgtype);

int rtnl_getlink(struct netlink_sock *sk, const struct nlmsghdr *nlh, const char **extack);
int rtnl_setlink(struct netlink_sock *sk, const struct nlmsghdr *nlh, const char **extack);
int rtnl_newlink(struct netlink_sock *sk, const struct nlmsghdr *nlh, const char **extack);
int rtnl_dellink(struct netlink_sock *sk, const struct nlmsghdr *nlh, const char **extack);
int rtnl_dump_ifinfo(struct nl_skb *skb, struct netlink_callback *cb);

/* rtnl_link_ops: link kinds that RTM_NEWLINK can create. */
struct rtnl_newlink_ctx {
	struct net *net;		/* where the device is created */
	struct net *src_net;		/* the requester's namespace */
	char ifname[IFNAMSIZ];
	const struct nlattr *const *tb;	/* IFLA_* of the request */
	const struct nlattr *data;	/* IFLA_INFO_DATA, may be NULL */
	const char **extack;
};

struct rtnl_link_ops {
	const char *kind;
	const char *name_pattern;	/* "veth%d" when no IFLA_IFNAME */
	int (*newlink)(struct rtnl_newlink_ctx *ctx, struct net_device **out);
};

const struct rtnl_link_ops *rtnl_link_ops_get(const char *kind);
extern const struct rtnl_link_ops veth_link_ops, dummy_link_ops, tun_link_ops,
	bridge_link_ops;

extern const struct nla_policy ifla_policy[IFLA_MAX + 1];
int rtnl_create_link_apply(struct net_device *dev, const struct nlattr *const *tb);
int rtnl_configure_link(struct net_device *dev, const struct ifinfomsg *ifm);
int rtnl_newlink_simple(struct rtnl_newlink_ctx *ctx, const struct net_device_ops *ops,
			void (*setup)(struct net_device *dev), struct net_device **out);
struct net *rtnl_link_get_net(struct net *src, const struct nlattr *const *tb);
int rtnl_link_net_err(const struct nlattr *const *tb);
int dev_alloc_name(struct net *net, const char *pattern, char *out);

#endif /* NLSIM_MODEL_RTNETLINK_H */
