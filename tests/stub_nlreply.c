/* tests/stub_nlreply.c - see tests/nlreply.h: the probe's request builders
 * and the text of its replies, one code for the real kernel and the model. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>

#include "nlreply.h"

struct nlmsghdr *probe_put_link(struct probe_req *r, uint16_t type, uint16_t flags,
				uint32_t seq, int index, unsigned int iff, unsigned int change)
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

void probe_end_msg(struct probe_req *r, struct nlmsghdr *nlh)
{
	r->len = (size_t)((unsigned char *)nlh - r->buf) + nlh->nlmsg_len;
}

void probe_put_bad_attr(struct nlmsghdr *nlh, uint16_t type, uint16_t claimed, size_t have)
{
	unsigned char *p = (unsigned char *)nlh + nlh->nlmsg_len;
	struct nlattr *nla = (struct nlattr *)p;

	nla->nla_len = claimed;
	nla->nla_type = type;
	memset(p + sizeof(*nla), 0, have);
	if (have >= 2)
		memcpy(p + sizeof(*nla), "lo", 2);
	nlh->nlmsg_len += (uint32_t)(sizeof(*nla) + have);
}

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
