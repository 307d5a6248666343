/* model/af_netlink.h - what af_netlink.c and af_netlink_dump.c share: the
 * kernel-side socket and the queueing primitives (net/netlink/af_netlink.h
 * plays the same part in the kernel). Model-private. */
#ifndef NLSIM_MODEL_AF_NETLINK_H
#define NLSIM_MODEL_AF_NETLINK_H

#include <linux/netlink.h>

#include "model/internal.h"

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
	int refcnt;			/* sock_hold/sock_put */
	bool dead;			/* released by its owner (SOCK_DEAD) */
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

void __netlink_sendskb(struct netlink_sock *sk, struct nl_skb *skb);
void netlink_rcv_wake(struct netlink_sock *sk);
void netlink_dump_done(struct netlink_sock *sk);
void sock_hold(struct netlink_sock *sk);
void sock_put(struct netlink_sock *sk);
void netlink_autobind(struct netlink_sock *sk);
void rmem_event(struct netlink_sock *sk);

#endif /* NLSIM_MODEL_AF_NETLINK_H */
