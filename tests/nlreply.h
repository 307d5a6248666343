/* tests/nlreply.h - the malformed-request probe's requests and reply text,
 * shared by the real-kernel probe (tests/realkernel/probe_errors.c) and the
 * model-side replay (tests/test_rtnetlink_errors.c), so both write
 * tests/golden/kernel-errors.txt's format from one code. Plain libmnl and
 * libc: the probe builds it without the rest of nlsim
 * (gcc tests/realkernel/probe_errors.c tests/stub_nlreply.c ...).
 */
#ifndef NLSIM_TESTS_NLREPLY_H
#define NLSIM_TESTS_NLREPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

/* ---- requests ---------------------------------------------------------------- */

/* Bytes for one send(): messages appended one after another. */
struct probe_req {
	unsigned char buf[4096] __attribute__((aligned(8)));
	size_t len;		/* bytes handed to send() */
};

/* Append a message header + ifinfomsg at req->len; returns it for attribute
 * puts. Close it with probe_end_msg. */
struct nlmsghdr *probe_put_link(struct probe_req *r, uint16_t type, uint16_t flags,
				uint32_t seq, int index, unsigned int iff, unsigned int change);
void probe_end_msg(struct probe_req *r, struct nlmsghdr *nlh);
/* Append an attribute header claiming nla_len @claimed with only @have payload
 * bytes present ("lo" then zeros); nlmsg_len covers what is present. */
void probe_put_bad_attr(struct nlmsghdr *nlh, uint16_t type, uint16_t claimed, size_t have);

/* ---- reply text ------------------------------------------------------------------ */

struct nlfmt_out {
	char s[8192];
	size_t n;
};

void nlfmt(struct nlfmt_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append one received datagram: NLMSG_ERROR as error=, flags, len, payload,
 * echo and extack TLVs; NLMSG_DONE; runs of RTM_NEWLINK collapsed. @port and
 * @seq are the requester's, printed relative to them (all with @ids). */
void nlfmt_dgram(struct nlfmt_out *o, const void *buf, size_t n, uint32_t port, uint32_t seq,
		 bool ids);

#endif /* NLSIM_TESTS_NLREPLY_H */
