/* model/nlattr.c - attribute parsing with the kernel's validation rules.
 *
 * Mirrors __nla_validate_parse() and validate_nla() of lib/nlattr.c as far as
 * rtnetlink's link policy needs: attributes are walked while they fit; an
 * attribute of an unknown type is ignored (rejected in strict mode); a
 * fixed-size type shorter than its size, or a string longer than its
 * policy allows, fails with -ERANGE ("Attribute failed policy validation");
 * bytes left over after the last complete attribute are an error only in
 * strict mode (NL_VALIDATE_TRAILING). libmnl's parser is not used here
 * because it stops silently where the kernel must answer.
 */
#include "model/internal.h"
#include "model/nlattr.h"

static const uint16_t min_len[] = {
	[NLA_U8] = 1, [NLA_U16] = 2, [NLA_U32] = 4, [NLA_U64] = 8, [NLA_S32] = 4,
	[NLA_STRING] = 0, [NLA_NESTED] = 0, [NLA_BINARY] = 0, [NLA_FLAG] = 0,
};

/* nla_parse - fill @tb[0..maxtype] from the attribute stream at @head.
 * Returns 0 or a negative errno with *extack set. */
int nla_parse(const struct nlattr **tb, int maxtype, const void *head, int len,
	      const struct nla_policy *policy, bool strict, const char **extack)
{
	const struct nlattr *nla = head;
	int rem = len;

	memset(tb, 0, sizeof(*tb) * (size_t)(maxtype + 1));
	while (rem >= (int)sizeof(*nla) && nla->nla_len >= sizeof(*nla) &&
	       nla->nla_len <= rem) {
		uint16_t type = nla->nla_type & NLA_TYPE_MASK;
		int attrlen = nla->nla_len - NLA_HDRLEN;

		if (type == 0 || type > maxtype || policy[type].type == NLA_UNSPEC) {
			if (strict) {
				*extack = "Unknown attribute type";
				return -EINVAL;
			}
			goto next;
		}
		if (attrlen < min_len[policy[type].type]) {
			*extack = "Attribute failed policy validation";
			return -ERANGE;
		}
		if (policy[type].type == NLA_STRING && policy[type].len) {
			const char *s = (const char *)nla + NLA_HDRLEN;
			int slen = attrlen;

			if (slen > 0 && s[slen - 1] == '\0')
				slen--;
			if (slen > policy[type].len) {
				*extack = "Attribute failed policy validation";
				return -ERANGE;
			}
		}
		if (policy[type].type == NLA_BINARY && policy[type].len &&
		    attrlen > policy[type].len) {
			*extack = "Attribute failed policy validation";
			return -ERANGE;
		}
		tb[type] = nla;
next:
		rem -= NLA_ALIGN(nla->nla_len);
		nla = (const void *)((const char *)nla + NLA_ALIGN(nla->nla_len));
	}
	if (rem > 0 && strict) {
		*extack = "bytes leftover after parsing attributes";
		return -EINVAL;
	}
	return 0;
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
