/* model/nlattr.h - attribute policies and parsing (lib/nlattr.c). */
#ifndef NLSIM_MODEL_NLATTR_H
#define NLSIM_MODEL_NLATTR_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum nla_kind {
	NLA_UNSPEC,
	NLA_U8,
	NLA_U16,
	NLA_U32,
	NLA_U64,
	NLA_S32,
	NLA_STRING,
	NLA_NESTED,
	NLA_BINARY,
	NLA_FLAG,
};

struct nla_policy {
	enum nla_kind type;
	uint16_t len;		/* max length for strings and binaries */
};

/* struct netlink_ext_ack - the kernel's extended ACK (include/linux/netlink.h):
 * a message, the attribute it is about (NLMSGERR_ATTR_OFFS) and that
 * attribute's policy (NLMSGERR_ATTR_POLICY). Handlers and drivers keep the
 * simpler "const char **extack" interface: netlink_sock_sendmsg hands them
 * &ext->msg of its own struct, and nla_parse reaches the whole struct from
 * that pointer with nl_extack(), to record the bad attribute. So every
 * extack pointer given to nla_parse must be the msg field of one of these. */
struct netlink_ext_ack {
	const char *msg;
	const struct nlattr *bad_attr;
	const struct nla_policy *policy;
};

static inline struct netlink_ext_ack *nl_extack(const char **extack)
{
	return (struct netlink_ext_ack *)(void *)((char *)extack -
						  offsetof(struct netlink_ext_ack, msg));
}

/* NL_SET_ERR_MSG_ATTR_POL: message, bad attribute and its policy (may be NULL). */
static inline void nl_set_err_attr_pol(const char **extack, const struct nlattr *nla,
				       const struct nla_policy *pt, const char *msg)
{
	struct netlink_ext_ack *ext = nl_extack(extack);

	ext->msg = msg;
	ext->bad_attr = nla;
	ext->policy = pt;
}

/* af_netlink.c: the extended ACK message of a dump that ends with an error,
 * sent in its NLMSG_DONE (netlink_dump_done) when the socket set
 * NETLINK_EXT_ACK; dump handlers have no extack of their own. */
struct netlink_callback;
void netlink_dump_set_extack(struct netlink_callback *cb, const char *msg);

/* netlink_policy_dump_write_attr: the NL_POLICY_TYPE_ATTR_* of @pt, as the
 * payload of NLMSGERR_ATTR_POLICY, into @buf (at most @cap bytes); returns
 * the length, 0 if it does not fit. */
size_t nla_policy_dump(const struct nla_policy *pt, void *buf, size_t cap);

int nla_parse(const struct nlattr **tb, int maxtype, const void *head, int len,
	      const struct nla_policy *policy, bool strict, const char **extack);
void nla_strscpy(char *dst, const struct nlattr *nla, size_t size);

static inline const void *nla_data(const struct nlattr *nla)
{
	return (const char *)nla + NLA_HDRLEN;
}
static inline int nla_len(const struct nlattr *nla)
{
	return nla->nla_len - NLA_HDRLEN;
}
static inline uint8_t nla_get_u8(const struct nlattr *nla)
{
	return *(const uint8_t *)nla_data(nla);
}
static inline uint32_t nla_get_u32(const struct nlattr *nla)
{
	uint32_t v;

	memcpy(&v, nla_data(nla), sizeof(v));
	return v;
}
static inline int32_t nla_get_s32(const struct nlattr *nla)
{
	return (int32_t)nla_get_u32(nla);
}

#endif /* NLSIM_MODEL_NLATTR_H */
