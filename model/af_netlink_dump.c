/* model/af_netlink_dump.c - acks, dumps and the request walk of a sendmsg.
 *
 * Mirrors, from net/netlink/af_netlink.c: netlink_ack (NLMSG_ERROR with the
 * request echoed on error, capped on success, extack TLVs), the dump
 * machinery (netlink_dump_start, netlink_dump: parts sized like the
 * kernel's, continued from recvmsg when rmem <= rcvbuf/2, NLM_F_DUMP_INTR
 * through nl_dump_check_consistent, NLMSG_DONE), the reader side of
 * netlink_recvmsg, and netlink_rcv_skb's walk over the messages of one
 * sendmsg. Same behaviour v5.8..v6.18 unless a profile switch says otherwise.
 */
#include <stdlib.h>

#include "model/af_netlink.h"
#include "model/nlattr.h"

/* netlink_ack_ext - NLMSG_ERROR for @nlh: error 0 is an ACK. Mirrors
 * netlink_ack(): the request is echoed whole on error (unless
 * NETLINK_CAP_ACK), else only its header with NLM_F_CAPPED; with
 * NETLINK_EXT_ACK, the extended ACK follows as TLVs (NLM_F_ACK_TLVS):
 * NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS (the bad attribute's offset from
 * the request's header), NLMSGERR_ATTR_POLICY (its policy). A message set
 * on success (a parser warning) is sent too. nlmsg_len covers the echo
 * padded to 4 bytes (nlmsg_append). */
static void netlink_ack_ext(struct netlink_sock *sk, const struct nlmsghdr *nlh, int err,
			    const struct netlink_ext_ack *ext)
{
	size_t payload = sizeof(struct nlmsgerr);
	size_t tlvlen = 0, msglen = ext && ext->msg ? strlen(ext->msg) + 1 : 0;
	unsigned char pol[128];
	size_t pollen = 0;
	bool offs = false;
	uint16_t flags = 0;
	struct nl_skb *skb;
	struct nlmsghdr *rep;
	struct nlmsgerr *e;

	if (sk->ext_ack && ext) {
		if (ext->msg)
			tlvlen += NLA_ALIGN(NLA_HDRLEN + msglen);
		/* netlink_ack_tlv_fill: offset and policy only on error */
		if (err && ext->bad_attr && (const char *)ext->bad_attr >= (const char *)nlh &&
		    (const char *)ext->bad_attr < (const char *)nlh + nlh->nlmsg_len) {
			offs = true;
			tlvlen += NLA_HDRLEN + sizeof(uint32_t);
		}
		if (err && ext->policy)
			pollen = nla_policy_dump(ext->policy, pol, sizeof(pol));
		if (pollen)
			tlvlen += NLA_HDRLEN + pollen;
	}
	if (err && !sk->cap_ack)
		payload += nlh->nlmsg_len - NLMSG_HDRLEN;
	else
		flags |= NLM_F_CAPPED;
	if (tlvlen)
		flags |= NLM_F_ACK_TLVS;
	skb = nl_skb_alloc(NLMSG_ALIGN(NLMSG_HDRLEN + payload) + tlvlen);
	if (!skb)
		return;
	rep = nl_skb_put(skb, NLMSG_ALIGN(NLMSG_HDRLEN + payload));
	rep->nlmsg_len = (uint32_t)NLMSG_ALIGN(NLMSG_HDRLEN + payload);
	rep->nlmsg_type = NLMSG_ERROR;
	rep->nlmsg_flags = flags;
	rep->nlmsg_seq = nlh->nlmsg_seq;
	rep->nlmsg_pid = sk->portid;
	e = NLMSG_DATA(rep);
	e->error = err;
	memcpy(&e->msg, nlh, payload - sizeof(int) > nlh->nlmsg_len ?
			      nlh->nlmsg_len : payload - sizeof(int));
	if (tlvlen && ext->msg) {
		struct nlattr *a = nl_skb_put(skb, NLA_ALIGN(NLA_HDRLEN + msglen));

		a->nla_type = NLMSGERR_ATTR_MSG;
		a->nla_len = (uint16_t)(NLA_HDRLEN + msglen);
		memcpy((char *)a + NLA_HDRLEN, ext->msg, msglen);
		rep->nlmsg_len += (uint32_t)NLA_ALIGN(a->nla_len);
	}
	if (offs) {
		struct nlattr *a = nl_skb_put(skb, NLA_HDRLEN + sizeof(uint32_t));
		uint32_t off = (uint32_t)((const char *)ext->bad_attr - (const char *)nlh);

		a->nla_type = NLMSGERR_ATTR_OFFS;
		a->nla_len = NLA_HDRLEN + sizeof(uint32_t);
		memcpy((char *)a + NLA_HDRLEN, &off, sizeof(off));
		rep->nlmsg_len += a->nla_len;
	}
	if (pollen) {
		struct nlattr *a = nl_skb_put(skb, NLA_HDRLEN + pollen);

		a->nla_type = NLMSGERR_ATTR_POLICY | NLA_F_NESTED;
		a->nla_len = (uint16_t)(NLA_HDRLEN + pollen);
		memcpy((char *)a + NLA_HDRLEN, pol, pollen);
		rep->nlmsg_len += a->nla_len;
	}
	netlink_unicast(sk, skb);
}

/* netlink_ack - the same with a message only. */
void netlink_ack(struct netlink_sock *sk, const struct nlmsghdr *nlh, int err,
		 const char *extack)
{
	struct netlink_ext_ack ext = { .msg = extack };

	netlink_ack_ext(sk, nlh, err, &ext);
}

/* ---- dumps -------------------------------------------------------------------- */

/* nl_dump_check_consistent - flag @nlh NLM_F_DUMP_INTR if the generation
 * changed since an earlier part of this dump. */
void nl_dump_check_consistent(struct netlink_callback *cb, struct nlmsghdr *nlh)
{
	if (cb->prev_seq && cb->seq != cb->prev_seq)
		nlh->nlmsg_flags |= NLM_F_DUMP_INTR;
	cb->prev_seq = cb->seq;
}

/* netlink_dump - produce the next part of the dump in progress.
 * The part's buffer is the larger of NLMSG_GOODSIZE and min_dump_alloc, or
 * the largest recvmsg buffer the reader used (at most 32 KiB less overhead).
 * Each part runs under RTNL when the profile says so (v5.8..v6.8: the
 * socket's cb_mutex is RTNL; v6.9+: rtnl_dumpit takes it). */
static int __netlink_dump(struct netlink_sock *sk);

/* netlink_dump - one dump part; holds the socket, which its owner may close
 * while the part waits for RTNL. */
static int netlink_dump(struct netlink_sock *sk)
{
	int ret;

	sock_hold(sk);
	ret = __netlink_dump(sk);
	sock_put(sk);
	return ret;
}

static int __netlink_dump(struct netlink_sock *sk)
{
	struct netlink_callback *cb = sk->cb;
	struct kernel *k = sk->k;
	size_t alloc_min, alloc;
	struct nl_skb *skb;
	int len;

	if (!sk->cb_running)
		return -EINVAL;
	if (sk->rmem >= sk->rcvbuf)
		return -ENOBUFS;
	alloc_min = NLMSG_GOODSIZE > cb->min_dump_alloc ? NLMSG_GOODSIZE : cb->min_dump_alloc;
	alloc = alloc_min < sk->max_recvmsg_len ? sk->max_recvmsg_len : alloc_min;
	skb = nl_skb_alloc(alloc);
	if (!skb)
		return -ENOMEM;
	skb->truesize = skb_truesize_for(alloc);
	if (cb->rtnl)
		rtnl_lock(k, RTNL_CLASS_DUMP);
	len = cb->dump(skb, cb);
	if (cb->rtnl) {
		k_sleep(k, k->params.cost_dump_part);
		rtnl_unlock(k);
	}
	if (len > 0) {
		__netlink_sendskb(sk, skb);
		return 0;
	}
	/* Finished: NLMSG_DONE carrying the dump's errno, in this part if it
	 * has room (and the profile allows it), else in a part of its own. */
	if (nl_skb_tailroom(skb) < NLMSG_SPACE(sizeof(int))) {
		__netlink_sendskb(sk, skb);
		skb = nl_skb_alloc(NLMSG_GOODSIZE);
		if (!skb)
			return -ENOMEM;
		skb->truesize = skb_truesize_for(NLMSG_GOODSIZE);
	}
	{
		/* netlink_dump_done: the errno, then the extended ACK message
		 * if the socket asked for it and there is room */
		struct nlmsghdr *done = nl_skb_put(skb, NLMSG_SPACE(sizeof(int)));
		int errno_v = len < 0 ? len : 0;
		const char *msg = sk->dump_extack;

		done->nlmsg_len = NLMSG_LENGTH(sizeof(int));
		done->nlmsg_type = NLMSG_DONE;
		done->nlmsg_flags = NLM_F_MULTI;
		done->nlmsg_seq = cb->req->nlmsg_seq;
		done->nlmsg_pid = sk->portid;
		memcpy(NLMSG_DATA(done), &errno_v, sizeof(int));
		nl_dump_check_consistent(cb, done);
		if (msg && sk->ext_ack &&
		    nl_skb_tailroom(skb) >= NLA_ALIGN(NLA_HDRLEN + strlen(msg) + 1)) {
			struct nlattr *a = nl_skb_put(skb, NLA_ALIGN(NLA_HDRLEN + strlen(msg) + 1));

			memset(a, 0, NLA_ALIGN(NLA_HDRLEN + strlen(msg) + 1));
			a->nla_type = NLMSGERR_ATTR_MSG;
			a->nla_len = (uint16_t)(NLA_HDRLEN + strlen(msg) + 1);
			memcpy((char *)a + NLA_HDRLEN, msg, strlen(msg) + 1);
			done->nlmsg_flags |= NLM_F_ACK_TLVS;
			done->nlmsg_len += NLA_ALIGN(a->nla_len);
		}
	}
	__netlink_sendskb(sk, skb);
	netlink_dump_done(sk);
	return 0;
}

void netlink_dump_set_extack(struct netlink_callback *cb, const char *msg)
{
	cb->sk->dump_extack = msg;
}

/* netlink_dump_start - begin a dump for @nlh and produce its first part in
 * the sender's context; -EBUSY if one is already running on @sk. */
int netlink_dump_start(struct netlink_sock *sk, const struct nlmsghdr *nlh,
		       netlink_dumpit_t dump, unsigned int min_dump_alloc, bool rtnl)
{
	struct netlink_callback *cb;
	int err;

	if (sk->cb_running)
		return -EBUSY;
	cb = calloc(1, sizeof(*cb));
	if (!cb)
		return -ENOMEM;
	cb->req = malloc(nlh->nlmsg_len);
	if (!cb->req) {
		free(cb);
		return -ENOMEM;
	}
	memcpy(cb->req, nlh, nlh->nlmsg_len);
	cb->dump = dump;
	cb->sk = sk;
	cb->min_dump_alloc = min_dump_alloc;
	cb->rtnl = rtnl;
	sk->cb = cb;
	sk->cb_running = true;
	sk->dump_done_errno = 0;
	sk->dump_extack = NULL;
	err = netlink_dump(sk);
	/* A started dump is reported as "in progress" to netlink_rcv_skb, so
	 * no ACK follows it (-EINTR in the kernel). If its first part failed
	 * (-ENOBUFS: the reader's queue is full) the error is acked and the
	 * dump stays running: the next recvmsg continues it, as in the
	 * kernel, and a second dump meanwhile gets -EBUSY. */
	return err ? err : -EINTR;
}

/* ---- the reader side, called by the transport ----------------------------------- */

static void recv_common(struct netlink_sock *sk, size_t bufsize)
{
	if (bufsize > sk->max_recvmsg_len) {
		sk->max_recvmsg_len = (uint32_t)bufsize;
		if (sk->max_recvmsg_len > SKB_WITH_OVERHEAD(32768))
			sk->max_recvmsg_len = SKB_WITH_OVERHEAD(32768);
	}
	if (sk->cb_running && sk->rmem <= sk->rcvbuf / 2) {
		int err = netlink_dump(sk);

		if (err) {
			sk->sk_err = -err;
			sk->k->svc.sock_error(sk->k->svc.ctx, sk);
		}
	}
	netlink_rcv_wake(sk);
}

void netlink_sock_recvmsg_done(struct netlink_sock *sk, size_t bufsize, bool peek)
{
	struct nl_skb *skb = sk->q_head;

	if (!peek && skb) {
		sk->q_head = skb->next;
		if (!sk->q_head)
			sk->q_tail = NULL;
		sk->qlen--;
		sk->rmem -= skb->truesize;
		nl_skb_free(skb);
		rmem_event(sk);
	}
	sock_hold(sk);	/* a dump part may block; the owner may close meanwhile */
	recv_common(sk, bufsize);
	sock_put(sk);
}

/* A read that found nothing: skb_recv_datagram failed, so only
 * netlink_rcv_wake runs (no dump continuation). */
void netlink_sock_recv_empty(struct netlink_sock *sk, size_t bufsize)
{
	(void)bufsize;
	netlink_rcv_wake(sk);
}

/* A read returns the pending error before any queued data, clearing it;
 * netlink_rcv_wake still runs (the queue is normally not empty then). */

/* ---- sendmsg -------------------------------------------------------------------- */

/* netlink_sock_sendmsg - netlink_sendmsg + netlink_rcv_skb for rtnetlink:
 * walk the messages of the buffer in order; a header shorter than 16 bytes
 * or longer than what is left ends the walk silently, as the kernel does.
 * Each request is handed to rtnetlink_rcv_msg; an error, or NLM_F_ACK,
 * produces an NLMSG_ERROR; a started dump produces no ACK. */
static long __netlink_sendmsg(struct netlink_sock *sk, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t off = 0;
	struct kernel_event ev = { .type = KEV_NETLINK_FROM_USER, .sk = sk, .buf = buf,
				   .len = len };

	if (!sk->bound)
		netlink_autobind(sk);
	ev.portid = sk->portid;
	k_event(sk->k, &ev);
	while (len - off >= NLMSG_HDRLEN) {
		const struct nlmsghdr *nlh = (const void *)(p + off);
		struct netlink_ext_ack ext = { 0 };
		size_t msglen;
		int err;

		if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > len - off)
			break;
		sk->k->counters.requests++;
		err = 0;
		/* Only requests are handled, and control messages are
		 * skipped; both still get an ACK if they asked for one. */
		if (!(nlh->nlmsg_flags & NLM_F_REQUEST) || nlh->nlmsg_type < NLMSG_MIN_TYPE)
			goto ack;
		err = rtnetlink_rcv_msg(sk, nlh, &ext.msg);
		if (err == -EINTR)
			goto skip;
ack:
		if ((nlh->nlmsg_flags & NLM_F_ACK) || err)
			netlink_ack_ext(sk, nlh, err, &ext);
skip:
		msglen = NLMSG_ALIGN(nlh->nlmsg_len);
		if (msglen > len - off)
			msglen = len - off;
		off += msglen;
	}
	return (long)len;
}

/* netlink_sock_sendmsg - the requests of one sendmsg(2). The socket is held
 * for the whole walk: its owner may close it while a request waits for RTNL. */
long netlink_sock_sendmsg(struct netlink_sock *sk, const void *buf, size_t len)
{
	long ret;

	sock_hold(sk);
	ret = __netlink_sendmsg(sk, buf, len);
	sock_put(sk);
	return ret;
}
