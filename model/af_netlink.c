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
 * machinery's socket side. netlink_ack, the dumps and netlink_sendmsg's
 * request walk are in af_netlink_dump.c.
 *
 * The bytes themselves travel over a socketpair owned by sim/transport; the
 * model keeps, per queued message, its length, truesize and nsid tag, so the
 * accounting is the kernel's and not AF_UNIX's.
 */
#include <stdlib.h>

#include <linux/netlink.h>

#include "model/af_netlink.h"
#include "model/nlattr.h"

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

	/* Sockets still referenced by tasks that will never resume are freed
	 * here too: the kernel goes away with them. */
	cds_list_for_each_entry_safe(sk, tmp, &k->sockets, node) {
		sk->refcnt = 1;
		sk->dead = false;
		netlink_sock_release(sk);
	}
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
	sk->refcnt = 1;
	cds_list_add_tail(&sk->node, &net->k->sockets);
	return sk;
}

void netlink_dump_done(struct netlink_sock *sk)
{
	if (sk->cb) {
		free(sk->cb->req);
		free(sk->cb);
		sk->cb = NULL;
	}
	sk->cb_running = false;
}

void sock_hold(struct netlink_sock *sk)
{
	sk->refcnt++;
}

/* sock_put - drop a reference; the last one frees the socket. */
void sock_put(struct netlink_sock *sk)
{
	struct nl_skb *skb = sk->q_head;

	if (--sk->refcnt > 0)
		return;
	while (skb) {
		struct nl_skb *next = skb->next;

		nl_skb_free(skb);
		skb = next;
	}
	netlink_dump_done(sk);
	cds_list_del(&sk->node);
	free(sk);
}

/* netlink_sock_release - the owner closed the socket (netlink_release): it
 * stops receiving at once; a request or dump part still running in another
 * task keeps the structure alive until it finishes (its replies go nowhere). */
void netlink_sock_release(struct netlink_sock *sk)
{
	if (sk->dead)
		return;
	sk->dead = true;
	sk->owner = NULL;
	sk->groups = 0;
	sock_put(sk);
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
		if (!o->dead && o->bound && o->net == net && o->portid == portid)
			return true;
	return false;
}

/* netlink_autobind: the kernel first tries the process id, then negative
 * numbers counting down; the model has no pids, so it counts down from -4096
 * (as the kernel's fallback does), deterministic per kernel. */
void netlink_autobind(struct netlink_sock *sk)
{
	uint32_t id;

	do {
		id = (uint32_t)(-4096 - (int32_t)sk->k->next_portid++);
	} while (portid_in_use(sk->k, sk->net, id));
	sk->portid = id;
	sk->bound = true;
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
		 * floor at SOCK_MIN_RCVBUF = 2 * (2048 + sizeof(sk_buff)) */
		if (opt == SO_RCVBUF_ && want > (uint64_t)sk->k->params.rmem_max)
			want = (uint64_t)sk->k->params.rmem_max;
		want *= 2;
		if (want < 4608)
			want = 4608;
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
		/* netlink_setsockopt: 1..ngroups (RTNLGRP_MAX for rtnetlink) */
		if (v <= 0 || v > RTNLGRP_MAX)
			return -EINVAL;
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

void rmem_event(struct netlink_sock *sk)
{
	struct kernel_event ev = { .type = KEV_SOCK_RMEM, .sk = sk, .portid = sk->portid,
				   .count = sk->rmem };

	k_event(sk->k, &ev);
}

/* __netlink_sendskb - queue @skb for the reader: charge it, hand the bytes to
 * the runtime. Consumes @skb's data; keeps its accounting entry. */
void __netlink_sendskb(struct netlink_sock *sk, struct nl_skb *skb)
{
	if (sk->dead) {
		nl_skb_free(skb);
		return;
	}
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
void netlink_rcv_wake(struct netlink_sock *sk)
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

	if (WARN_ON(group == 0 || group > 64)) {
		nl_skb_free(skb);
		return;
	}
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
	if (sk->dead) {
		nl_skb_free(skb);
		return -ECONNREFUSED;
	}
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

	if (WARN_ON(group == 0 || group > 64))
		return;
	cds_list_for_each_entry(sk, &net->k->sockets, node) {
		if (sk->net != net || !(sk->groups & (1ULL << (group - 1))))
			continue;
		if (err == ENOBUFS && sk->no_enobufs)
			continue;
		sk->sk_err = err;
		sk->k->svc.sock_error(sk->k->svc.ctx, sk);
	}
}

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
