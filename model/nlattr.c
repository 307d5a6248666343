/* model/nlattr.c - attribute parsing with the kernel's validation rules.
 *
 * Mirrors __nla_validate_parse() and validate_nla() of lib/nlattr.c as far as
 * rtnetlink's link policy needs: attributes are walked while they fit; an
 * attribute of an unknown type is ignored (rejected in strict mode); a
 * fixed-size type shorter than its size, or a string longer than its
 * policy allows, fails with -ERANGE ("Attribute failed policy validation",
 * with the attribute's offset and policy in the extended ACK); bytes left
 * over after the last complete attribute are an error only in strict mode
 * (NL_VALIDATE_TRAILING), a warning otherwise. Also
 * netlink_policy_dump_write_attr() (net/netlink/policy.c) for the ACK's
 * NLMSGERR_ATTR_POLICY. libmnl's parser is not used here because it stops
 * silently where the kernel must answer.
 */
#include "model/internal.h"
#include "model/nlattr.h"

static const uint16_t min_len[] = {
	[NLA_U8] = 1, [NLA_U16] = 2, [NLA_U32] = 4, [NLA_U64] = 8, [NLA_S32] = 4,
	[NLA_STRING] = 1, [NLA_NESTED] = 0, [NLA_BINARY] = 0, [NLA_FLAG] = 0,
};

/* nla_parse - fill @tb[0..maxtype] from the attribute stream at @head.
 * Mirrors __nla_validate_parse() with NL_VALIDATE_LIBERAL (@strict false,
 * nlmsg_parse_deprecated) or NL_VALIDATE_DEPRECATED_STRICT (@strict true:
 * NL_VALIDATE_TRAILING | NL_VALIDATE_MAXTYPE). A type of 0 or above
 * @maxtype is skipped, or "Unknown attribute type" in strict mode; any
 * other attribute is stored, validated when its policy has a type (an
 * NLA_UNSPEC entry is accepted as is, NL_VALIDATE_UNSPEC is not part of
 * either mode). Left-over bytes set "bytes leftover after parsing
 * attributes" in both modes (the kernel's warning reaches the ACK) and fail
 * only in strict mode. Returns 0 or a negative errno with *extack set. */
int nla_parse(const struct nlattr **tb, int maxtype, const void *head, int len,
	      const struct nla_policy *policy, bool strict, const char **extack)
{
	const struct nlattr *nla = head;
	const struct nla_policy *pt;
	int rem = len;

	memset(tb, 0, sizeof(*tb) * (size_t)(maxtype + 1));
	while (rem >= (int)sizeof(*nla) && nla->nla_len >= sizeof(*nla) &&
	       nla->nla_len <= rem) {
		uint16_t type = nla->nla_type & NLA_TYPE_MASK;
		int attrlen = nla->nla_len - NLA_HDRLEN;

		if (type == 0 || type > maxtype) {
			if (strict) {
				nl_set_err_attr_pol(extack, nla, NULL, "Unknown attribute type");
				return -EINVAL;
			}
			goto next;
		}
		pt = &policy[type];
		/* validate_nla: the checks below fail with -ERANGE */
		if (pt->type != NLA_UNSPEC && attrlen < min_len[pt->type])
			goto out_err;
		if (pt->type == NLA_STRING && pt->len) {
			const char *s = (const char *)nla + NLA_HDRLEN;
			int slen = attrlen;

			if (slen > 0 && s[slen - 1] == '\0')
				slen--;
			if (slen > pt->len)
				goto out_err;
		}
		if (pt->type == NLA_BINARY && pt->len && attrlen > pt->len)
			goto out_err;
		if (pt->type == NLA_FLAG && attrlen > 0)
			goto out_err;
		if (pt->type == NLA_NESTED && attrlen > 0 && attrlen < NLA_HDRLEN)
			goto out_err;
		tb[type] = nla;
next:
		rem -= NLA_ALIGN(nla->nla_len);
		nla = (const void *)((const char *)nla + NLA_ALIGN(nla->nla_len));
	}
	if (rem > 0) {
		*extack = "bytes leftover after parsing attributes";
		if (strict)
			return -EINVAL;
	}
	return 0;
out_err:
	nl_set_err_attr_pol(extack, nla, pt, "Attribute failed policy validation");
	return -ERANGE;
}

/* uapi enum netlink_attribute_type and enum netlink_policy_type_attr */
enum {
	NL_ATTR_TYPE_FLAG_ = 1, NL_ATTR_TYPE_U8_ = 2, NL_ATTR_TYPE_U16_ = 3,
	NL_ATTR_TYPE_U32_ = 4, NL_ATTR_TYPE_U64_ = 5, NL_ATTR_TYPE_S32_ = 8,
	NL_ATTR_TYPE_BINARY_ = 10, NL_ATTR_TYPE_STRING_ = 11, NL_ATTR_TYPE_NESTED_ = 13,
};
enum {
	NL_POLICY_TYPE_ATTR_TYPE_ = 1, NL_POLICY_TYPE_ATTR_MIN_VALUE_S_ = 2,
	NL_POLICY_TYPE_ATTR_MAX_VALUE_S_ = 3, NL_POLICY_TYPE_ATTR_MIN_VALUE_U_ = 4,
	NL_POLICY_TYPE_ATTR_MAX_VALUE_U_ = 5, NL_POLICY_TYPE_ATTR_MAX_LENGTH_ = 7,
};

/* Append one attribute at @off; past @cap, returns more than @cap. */
static size_t put_attr(char *buf, size_t off, size_t cap, uint16_t type, const void *v,
		       size_t len)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type };

	if (off + NLA_ALIGN(a.nla_len) > cap)
		return cap + 1;
	memcpy(buf + off, &a, sizeof(a));
	memcpy(buf + off + NLA_HDRLEN, v, len);
	memset(buf + off + NLA_HDRLEN + len, 0, NLA_ALIGN(a.nla_len) - a.nla_len);
	return off + NLA_ALIGN(a.nla_len);
}

/* nla_policy_dump - __netlink_policy_dump_write_attr() for the policy kinds
 * the model uses: unsigned integers give their range (u64 min and max,
 * unpadded as on x86-64), s32 its signed range, strings and binaries their
 * maximum length when they have one; the type comes last. */
size_t nla_policy_dump(const struct nla_policy *pt, void *buf, size_t cap)
{
	static const uint32_t types[] = {
		[NLA_U8] = NL_ATTR_TYPE_U8_, [NLA_U16] = NL_ATTR_TYPE_U16_,
		[NLA_U32] = NL_ATTR_TYPE_U32_, [NLA_U64] = NL_ATTR_TYPE_U64_,
		[NLA_S32] = NL_ATTR_TYPE_S32_, [NLA_STRING] = NL_ATTR_TYPE_STRING_,
		[NLA_NESTED] = NL_ATTR_TYPE_NESTED_, [NLA_BINARY] = NL_ATTR_TYPE_BINARY_,
		[NLA_FLAG] = NL_ATTR_TYPE_FLAG_,
	};
	static const uint64_t umax[] = {
		[NLA_U8] = UINT8_MAX, [NLA_U16] = UINT16_MAX, [NLA_U32] = UINT32_MAX,
		[NLA_U64] = UINT64_MAX,
	};
	size_t off = 0;
	uint64_t u0 = 0;
	int64_t smin = INT32_MIN, smax = INT32_MAX;
	uint32_t len = pt->len;

	if (pt->type == NLA_UNSPEC)
		return 0;
	switch (pt->type) {
	case NLA_U8:
	case NLA_U16:
	case NLA_U32:
	case NLA_U64:
		off = put_attr((char *)buf, off, cap, NL_POLICY_TYPE_ATTR_MIN_VALUE_U_, &u0, 8);
		off = put_attr((char *)buf, off, cap, NL_POLICY_TYPE_ATTR_MAX_VALUE_U_, &umax[pt->type], 8);
		break;
	case NLA_S32:
		off = put_attr((char *)buf, off, cap, NL_POLICY_TYPE_ATTR_MIN_VALUE_S_, &smin, 8);
		off = put_attr((char *)buf, off, cap, NL_POLICY_TYPE_ATTR_MAX_VALUE_S_, &smax, 8);
		break;
	case NLA_STRING:
	case NLA_BINARY:
		if (len)
			off = put_attr((char *)buf, off, cap, NL_POLICY_TYPE_ATTR_MAX_LENGTH_, &len, 4);
		break;
	default:
		break;
	}
	off = put_attr((char *)buf, off, cap, NL_POLICY_TYPE_ATTR_TYPE_, &types[pt->type], 4);
	return off > cap ? 0 : off;
}

/* nla_strscpy - copy a string attribute into @dst (always terminated). */
void nla_strscpy(char *dst, const struct nlattr *nla, size_t size)
{
	size_t n = nla_len(nla);
	const char *s = nla_data(nla);

	if (n && s[n - 1] == '\0')
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}
