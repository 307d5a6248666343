/* model/af_netlink.c - kernel-side NETLINK_ROUTE sockets.
 *
 * Mirrors the parts of net/netlink/af_netlink.c a client can observe: port
 * ids (bind and autobind), multicast groups, socket options, the receive
 * buffer charge (truesize against rcvbuf, rmem_default 212992, SO_RCVBUF
 * doubled and capped by rmem_max), do_one_broadcast with
 * netlink_broadcast_deliver and netlink_overrun (the congestion latch, one
 * ENOBUFS per episode, every broadcast dropped until a read finds the queue
 * empty, NETLINK_NO_ENOBUFS silent), netlink_unicast for replies (dropped with
 * an overrun when the socket is full), netlink_ack with extack, and the dump
 * machinery (netlink_dump_start, netlink_dump: parts sized like the kernel's,
 * continued from recvmsg when rmem <= rcvbuf/2, NLM_F_DUMP_INTR through
 * nl_dump_check_consistent, NLMSG_DONE).
 *
 * The bytes themselves travel over a socketpair owned by sim/transport; the
 * model keeps, per queued message, its length, truesize and nsid tag, so the
 * accounting is the kernel's and not AF_UNIX's.
 */
#include <stdlib.h>

#include <linux/netlink.h>

#include "model/internal.h"
#include "model/nlattr.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED 0x100
#define NLM_F_ACK_TLVS 0x200
#endif
#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#define SOL_SOCKET_ 1
#define SO_RCVBUF_ 8
#define SO_RCVBUFFORCE_ 33

/* x86-64 sizes behind SKB_TRUESIZE(): the sk_buff and skb_shared_info
 * structures, each rounded to a cache line (kernel.md §4.3). */
#define SKB_STRUCT_SIZE 256
#define SKB_SHINFO_SIZE 320
#define SKB_DATA_ALIGN(x) (((x) + 63) & ~(size_t)63)
#define SKB_WITH_OVERHEAD(x) ((x) - SKB_SHINFO_SIZE)
#define NLMSG_GOODSIZE SKB_WITH_OVERHEAD(4096)

struct netlink_sock {
	struct kernel *k;
	struct net *net;
	void *owner;
	struct cds_list_head node;	/* kernel->sockets, creation order */
	uint32_t portid;
	bool bound;
	uint64_t groups;		/* bit g-1 for group g (1..64) */
	uint32_t rcvbuf;
	uint32_t rmem;			/* sk_rmem_alloc */
	bool congested;			/* NETLINK_S_CONGESTED */
	int sk_err;
	uint64_t drops;
	bool no_enobufs, listen_all_nsid, ext_ack, strict_chk, cap_ack, bcast_err;
	struct nl_skb *q_head, *q_tail;	/* delivered, not yet read */
	unsigned int qlen;
	struct netlink_callback *cb;	/* dump in progress */
	bool cb_running;
	uint32_t max_recvmsg_len;
	int dump_done_errno;
	const char *dump_extack;		/* for NLMSG_DONE's extended ACK */
};

/* ---- skbs -------------------------------------------------------------------- */

/* kmalloc size classes, then whole pages (page allocator). */
static size_t kmalloc_size(size_t n)
{
	static const size_t classes[] = { 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096,
					  8192 };
	size_t p = 16384;

	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (n <= classes[i])
			return classes[i];
	while (p < n)
		p <<= 1;
	return p;
}

/* skb_truesize_for - what a netlink_trim()med skb of @data_len bytes charges
 * to the receiver: the kmalloc'd head (data plus shared info) and the
 * sk_buff. A 1492-byte RTM_NEWLINK charges 2304 bytes, so 92 fit in 212992,
 * as measured on 6.18 (anchors.md §6). */
uint32_t skb_truesize_for(size_t data_len)
{
	return (uint32_t)(kmalloc_size(SKB_DATA_ALIGN(data_len) + SKB_SHINFO_SIZE) +
			  SKB_STRUCT_SIZE);
}

struct nl_skb *nl_skb_alloc(size_t cap)
{
	struct nl_skb *skb = calloc(1, sizeof(*skb));

	if (!skb)
		return NULL;
	skb->data = calloc(1, cap ? cap : 1);
	if (!skb->data) {
		free(skb);
		return NULL;
	}
	skb->cap = cap;
	skb->nsid = -1;
	return skb;
}

void nl_skb_free(struct nl_skb *skb)
{
	if (skb) {
		free(skb->data);
		free(skb);
	}
}

void *nl_skb_put(struct nl_skb *skb, size_t len)
{
	void *p;

	if (skb->len + len > skb->cap)
		return NULL;
	p = (char *)skb->data + skb->len;
	skb->len += len;
	return p;
}

size_t nl_skb_tailroom(const struct nl_skb *skb)
{
	return skb->cap - skb->len;
}

/* ---- sockets ----------------------------------------------------------------- */

void af_netlink_init(struct kernel *k)
{
	k->next_portid = 0;
}

void af_netlink_fini(struct kernel *k)
{
	struct netlink_sock *sk, *tmp;

	cds_list_for_each_entry_safe(sk, tmp, &k->sockets, node)
		netlink_sock_release(sk);
}

struct netlink_sock *netlink_sock_create(struct net *net, void *owner)
{
	struct netlink_sock *sk = calloc(1, sizeof(*sk));

	if (!sk)
		return NULL;
	sk->k = net->k;
	sk->net = net;
	sk->owner = owner;
	sk->rcvbuf = (uint32_t)net->k->params.rmem_default;
	cds_list_add_tail(&sk->node, &net->k->sockets);
	return sk;
}

static void netlink_dump_done(struct netlink_sock *sk)
{
	if (sk->cb) {
		free(sk->cb->req);
		free(sk->cb);
		sk->cb = NULL;
	}
	sk->cb_running = false;
}

void netlink_sock_release(struct netlink_sock *sk)
{
	struct nl_skb *skb = sk->q_head;

	while (skb) {
		struct nl_skb *next = skb->next;

		nl_skb_free(skb);
		skb = next;
	}
	netlink_dump_done(sk);
	cds_list_del(&sk->node);
	free(sk);
}

void *netlink_sock_owner(const struct netlink_sock *sk)
{
	return sk->owner;
}

struct kernel *netlink_sock_kernel(const struct netlink_sock *sk)
{
	return sk->k;
}

struct net *netlink_sock_net(const struct netlink_sock *sk)
{
	return sk->net;
}

bool netlink_sock_strict(const struct netlink_sock *sk)
{
	return sk->strict_chk;
}

uint32_t netlink_sock_portid(const struct netlink_sock *sk)
{
	return sk->portid;
}

static bool portid_in_use(struct kernel *k, struct net *net, uint32_t portid)
{
	struct netlink_sock *o;

	cds_list_for_each_entry(o, &k->sockets, node)
		if (o->bound && o->net == net && o->portid == portid)
			return true;
	return false;
}

/* netlink_autobind: the kernel first tries the process id, then negative
 * numbers counting down; the model has no pids, so it counts down from -4096
 * (as the kernel's fallback does), deterministic per kernel. */
static int netlink_autobind(struct netlink_sock *sk)
{
	uint32_t id;

	do {
		id = (uint32_t)(-4096 - (int32_t)sk->k->next_portid++);
	} while (portid_in_use(sk->k, sk->net, id));
	sk->portid = id;
	sk->bound = true;
	return 0;
}

/* netlink_sock_bind - bind(2): a port id (0 = autobind) and legacy groups. */
int netlink_sock_bind(struct netlink_sock *sk, uint32_t portid, uint32_t groups)
{
	if (sk->bound) {
		if (portid && portid != sk->portid)
			return -EINVAL;
	} else if (portid) {
		if (portid_in_use(sk->k, sk->net, portid))
			return -EADDRINUSE;
		sk->portid = portid;
		sk->bound = true;
	} else {
		netlink_autobind(sk);
	}
	sk->groups = (sk->groups & ~(uint64_t)0xffffffff) | groups;
	return 0;
}

static int opt_int(const void *val, size_t len, int *out)
{
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(out, val, sizeof(int));
	return 0;
}

/* netlink_sock_setsockopt - SOL_NETLINK options and SO_RCVBUF(FORCE). */
int netlink_sock_setsockopt(struct netlink_sock *sk, int level, int opt, const void *val,
			    size_t len)
{
	int v, err = opt_int(val, len, &v);

	if (err)
		return err;
	if (level == SOL_SOCKET_) {
		uint64_t want = (uint64_t)(v < 0 ? 0 : v);

		if (opt != SO_RCVBUF_ && opt != SO_RCVBUFFORCE_)
			return -ENOPROTOOPT;
		/* sock_setsockopt: cap by rmem_max (not for FORCE), double,
		 * floor at SOCK_MIN_RCVBUF (2 * truesize of a 256-byte skb) */
		if (opt == SO_RCVBUF_ && want > (uint64_t)sk->k->params.rmem_max)
			want = (uint64_t)sk->k->params.rmem_max;
		want *= 2;
		if (want < 2304)
			want = 2304;
		if (want > INT32_MAX)
			want = INT32_MAX;
		sk->rcvbuf = (uint32_t)want;
		return 0;
	}
	if (level != SOL_NETLINK)
		return -ENOPROTOOPT;
	switch (opt) {
	case NETLINK_ADD_MEMBERSHIP:
	case NETLINK_DROP_MEMBERSHIP:
		if (v <= 0 || v > 64)
			return -EINVAL;
		if (!sk->bound)
			netlink_autobind(sk);
		if (opt == NETLINK_ADD_MEMBERSHIP)
			sk->groups |= 1ULL << (v - 1);
		else
			sk->groups &= ~(1ULL << (v - 1));
		return 0;
	case NETLINK_NO_ENOBUFS:
		sk->no_enobufs = v != 0;
		if (v)
			sk->congested = false;	/* setting it clears the latch */
		return 0;
	case NETLINK_LISTEN_ALL_NSID:
		sk->listen_all_nsid = v != 0;
		return 0;
	case NETLINK_EXT_ACK:
		sk->ext_ack = v != 0;
		return 0;
	case NETLINK_GET_STRICT_CHK:
		sk->strict_chk = v != 0;
		return 0;
	case NETLINK_CAP_ACK:
		sk->cap_ack = v != 0;
		return 0;
	case NETLINK_BROADCAST_ERROR:
		sk->bcast_err = v != 0;
		return 0;
	case NETLINK_PKTINFO:
		return 0;	/* accepted; the group cmsg is not produced */
	default:
		return -ENOPROTOOPT;
	}
}

int netlink_sock_getsockopt(const struct netlink_sock *sk, int level, int opt, void *val,
			    size_t *len)
{
	int v;

	if (*len < sizeof(int))
		return -EINVAL;
	if (level == SOL_SOCKET_ && opt == SO_RCVBUF_)
		v = (int)sk->rcvbuf;
	else if (level != SOL_NETLINK)
		return -ENOPROTOOPT;
	else if (opt == NETLINK_NO_ENOBUFS)
		v = sk->no_enobufs;
	else if (opt == NETLINK_LISTEN_ALL_NSID)
		v = sk->listen_all_nsid;
	else if (opt == NETLINK_EXT_ACK)
		v = sk->ext_ack;
	else if (opt == NETLINK_GET_STRICT_CHK)
		v = sk->strict_chk;
	else if (opt == NETLINK_CAP_ACK)
		v = sk->cap_ack;
	else if (opt == NETLINK_BROADCAST_ERROR)
		v = sk->bcast_err;
	else
		return -ENOPROTOOPT;
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

/* ---- the receive queue ------------------------------------------------------- */

static void rmem_event(struct netlink_sock *sk)
{
	struct kernel_event ev = { .type = KEV_SOCK_RMEM, .sk = sk, .portid = sk->portid,
				   .count = sk->rmem };

	k_event(sk->k, &ev);
}

/* __netlink_sendskb - queue @skb for the reader: charge it, hand the bytes to
 * the runtime. Consumes @skb's data; keeps its accounting entry. */
static void __netlink_sendskb(struct netlink_sock *sk, struct nl_skb *skb)
{
	struct kernel_event ev = { .type = KEV_NETLINK_TO_USER, .sk = sk,
				   .portid = sk->portid, .buf = skb->data, .len = skb->len };

	skb->next = NULL;
	if (sk->q_tail)
		sk->q_tail->next = skb;
	else
		sk->q_head = skb;
	sk->q_tail = skb;
	sk->qlen++;
	sk->rmem += skb->truesize;
	k_event(sk->k, &ev);
	sk->k->svc.sock_deliver(sk->k->svc.ctx, sk, skb->data, skb->len, skb->nsid);
	free(skb->data);
	skb->data = NULL;
	rmem_event(sk);
}

/* netlink_overrun - a message for @sk was dropped. Unless NETLINK_NO_ENOBUFS,
 * latch CONGESTED and, only on that transition, report ENOBUFS. */
static void netlink_overrun(struct netlink_sock *sk)
{
	struct kernel_event ev = { .type = KEV_NETLINK_DROP, .sk = sk, .portid = sk->portid };

	if (!sk->no_enobufs && !sk->congested) {
		sk->congested = true;
		sk->sk_err = ENOBUFS;
		sk->k->counters.enobufs++;
		ev.type = KEV_NETLINK_ENOBUFS;
		k_event(sk->k, &ev);
		ev.type = KEV_NETLINK_DROP;
		sk->k->svc.sock_error(sk->k->svc.ctx, sk);
	}
	sk->drops++;
	sk->k->counters.drops++;
	k_event(sk->k, &ev);
}

/* netlink_rcv_wake - after a read: an empty queue clears the latch. */
static void netlink_rcv_wake(struct netlink_sock *sk)
{
	if (!sk->q_head)
		sk->congested = false;
}

/* netlink_broadcast_deliver - accept or refuse one broadcast copy. v5.8
 * accepts while rmem <= rcvbuf before charging (the queue may exceed rcvbuf
 * by one message); since the 2025 fix the charge is added first and the copy
 * is accepted if it fits or the queue was empty. Never while congested. */
static bool netlink_broadcast_deliver(struct netlink_sock *sk, uint32_t truesize)
{
	if (sk->congested)
		return false;
	if (sk->k->params.broadcast_rmem_after_add)
		return sk->rmem + truesize <= sk->rcvbuf || sk->rmem == 0;
	return sk->rmem <= sk->rcvbuf;
}

static struct nl_skb *skb_clone_for(const struct nl_skb *skb)
{
	struct nl_skb *c = nl_skb_alloc(skb->len);

	if (!c)
		return NULL;
	memcpy(c->data, skb->data, skb->len);
	c->len = skb->len;
	c->truesize = skb->truesize;
	return c;
}

/* netlink_broadcast - do_one_broadcast for every socket of the kernel, in
 * creation order: skip the excluded port, non-members, and other namespaces
 * unless the listener set NETLINK_LISTEN_ALL_NSID and the source namespace
 * has an nsid in the listener's; stamp that nsid (none for local messages,
 * 88b126b39f97). Consumes @skb. */
void netlink_broadcast(struct net *net, struct nl_skb *skb, uint32_t exclude_portid,
		       unsigned int group)
{
	struct kernel *k = net->k;
	struct netlink_sock *sk;

	skb->truesize = skb_truesize_for(skb->len);
	k->counters.notifications++;
	cds_list_for_each_entry(sk, &k->sockets, node) {
		struct nl_skb *c;
		int nsid = -1;

		if (!(sk->groups & (1ULL << (group - 1))))
			continue;
		if (sk->bound && exclude_portid && sk->portid == exclude_portid)
			continue;
		if (sk->net != net) {
			if (!sk->listen_all_nsid)
				continue;
			nsid = peernet2id(sk->net, net);
			if (nsid < 0)
				continue;
		}
		if (!netlink_broadcast_deliver(sk, skb->truesize)) {
			netlink_overrun(sk);
			continue;
		}
		c = skb_clone_for(skb);
		if (!c) {
			netlink_overrun(sk);
			continue;
		}
		c->nsid = nsid;
		c->group = group;
		k->counters.deliveries++;
		__netlink_sendskb(sk, c);
	}
	nl_skb_free(skb);
}

/* netlink_unicast - a reply to @sk (MSG_DONTWAIT from the kernel): dropped,
 * with an overrun, if the socket is over its buffer or congested. */
int netlink_unicast(struct netlink_sock *sk, struct nl_skb *skb)
{
	if (!skb->truesize)
		skb->truesize = skb_truesize_for(skb->len);
	if (sk->rmem > sk->rcvbuf || sk->congested) {
		netlink_overrun(sk);
		nl_skb_free(skb);
		return -EAGAIN;
	}
	__netlink_sendskb(sk, skb);
	return (int)skb->len;
}

/* netlink_sock_set_err_all - rtnl_set_sk_err: every listener of @group in
 * @net gets @err (NO_ENOBUFS sockets skip ENOBUFS). */
void netlink_sock_set_err_all(struct net *net, unsigned int group, int err)
{
	struct netlink_sock *sk;

	cds_list_for_each_entry(sk, &net->k->sockets, node) {
		if (sk->net != net || !(sk->groups & (1ULL << (group - 1))))
			continue;
		if (err == ENOBUFS && sk->no_enobufs)
			continue;
		sk->sk_err = err;
		sk->k->svc.sock_error(sk->k->svc.ctx, sk);
	}
}

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
static int netlink_dump(struct netlink_sock *sk)
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
	if (err && sk->cb_running)
		netlink_dump_done(sk);
	/* A started dump is reported as "in progress" to netlink_rcv_skb, so
	 * no ACK follows it (-EINTR in the kernel). */
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
	recv_common(sk, bufsize);
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
bool netlink_sock_dump_running(const struct netlink_sock *sk)
{
	return sk->cb_running;
}

int netlink_sock_take_error(struct netlink_sock *sk)
{
	int err = sk->sk_err;

	if (!err)
		return 0;
	sk->sk_err = 0;
	netlink_rcv_wake(sk);
	return -err;
}

bool netlink_sock_has_error(const struct netlink_sock *sk)
{
	return sk->sk_err != 0;
}

int netlink_sock_head_nsid(const struct netlink_sock *sk)
{
	return sk->q_head ? sk->q_head->nsid : -1;
}

uint32_t netlink_sock_head_group(const struct netlink_sock *sk)
{
	return sk->q_head ? sk->q_head->group : 0;
}

uint32_t netlink_sock_groups(const struct netlink_sock *sk)
{
	return (uint32_t)sk->groups;
}

unsigned netlink_sock_queued(const struct netlink_sock *sk)
{
	return sk->qlen;
}

uint32_t netlink_sock_rmem(const struct netlink_sock *sk)
{
	return sk->rmem;
}

uint32_t netlink_sock_rcvbuf(const struct netlink_sock *sk)
{
	return sk->rcvbuf;
}

uint64_t netlink_sock_drops(const struct netlink_sock *sk)
{
	return sk->drops;
}

/* ---- sendmsg -------------------------------------------------------------------- */

/* netlink_sock_sendmsg - netlink_sendmsg + netlink_rcv_skb for rtnetlink:
 * walk the messages of the buffer in order; a header shorter than 16 bytes
 * or longer than what is left ends the walk silently, as the kernel does.
 * Each request is handed to rtnetlink_rcv_msg; an error, or NLM_F_ACK,
 * produces an NLMSG_ERROR; a started dump produces no ACK. */
long netlink_sock_sendmsg(struct netlink_sock *sk, const void *buf, size_t len)
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
