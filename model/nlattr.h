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
