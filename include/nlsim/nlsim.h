/* nlsim.h - libnlsim: a simulated Linux kernel for your netlink client's tests.
 *
 * A `struct nlsim` is one simulated kernel (link_watch, RFC 2863 operstate, a
 * contended RTNL, rtnetlink) running in virtual time. Your client code opens
 * simulated NETLINK_ROUTE sockets with nlsim_socket() and uses the file
 * descriptor like a netlink socket: bind, setsockopt (NETLINK_ADD_MEMBERSHIP,
 * SO_RCVBUF, NETLINK_NO_ENOBUFS, NETLINK_LISTEN_ALL_NSID, NETLINK_EXT_ACK),
 * send, recv/recvmsg, poll. Nothing needs root and nothing touches the real
 * network. Time passes only when you advance it (nlsim_advance) or block in a
 * call that needs the kernel to work (a send waits for the request to be
 * processed; a blocking recv runs the simulation until data arrives).
 *
 * Errors are negative errno values. Not thread-safe: drive one nlsim from one
 * thread. See docs/embedding.md.
 */
#ifndef NLSIM_NLSIM_H
#define NLSIM_NLSIM_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NLSIM_NSEC_PER_MSEC 1000000LL
#define NLSIM_NSEC_PER_SEC 1000000000LL

struct nlsim;

/* ---- lifetime ---------------------------------------------------------------- */

/* A kernel running @profile ("v5.8", "v6.18"; NULL = "v6.18") whose random
 * choices (MAC addresses...) come from @seed. NULL with errno EINVAL for an
 * unknown profile. */
struct nlsim *nlsim_create(const char *profile, uint64_t seed);
/* Close its sockets and free it. Returns the number of device references
 * leaked by the model (0 expected). */
int nlsim_destroy(struct nlsim *s);
/* Set a parameter (see `nlsim params`), before the first advance. */
int nlsim_set(struct nlsim *s, const char *key, const char *value);

/* ---- time --------------------------------------------------------------------- */

int64_t nlsim_now(const struct nlsim *s);	/* ns since the simulated boot */
/* Run everything due in the next @ns of virtual time. */
void nlsim_advance(struct nlsim *s, int64_t ns);
/* Run until nothing is scheduled, or at most @limit_ns of virtual time. */
void nlsim_settle(struct nlsim *s, int64_t limit_ns);

/* ---- namespaces and sockets ------------------------------------------------------ */

/* NULL or "init" names the initial namespace everywhere below. */
int nlsim_netns_add(struct nlsim *s, const char *name);
/* A simulated NETLINK_ROUTE socket in @netns: returns the file descriptor
 * (close it with close()). */
int nlsim_socket(struct nlsim *s, const char *netns);

/* ---- devices, the way `ip link` and drivers change them ----------------------- */

int nlsim_veth_add(struct nlsim *s, const char *netns, const char *name, const char *peer);
int nlsim_dummy_add(struct nlsim *s, const char *netns, const char *name);
int nlsim_tap_add(struct nlsim *s, const char *netns, const char *name);
int nlsim_link_set_up(struct nlsim *s, const char *netns, const char *name, bool up);
int nlsim_link_del(struct nlsim *s, const char *netns, const char *name);
int nlsim_link_move(struct nlsim *s, const char *netns, const char *name, const char *to);
/* The driver reports link up or down (netif_carrier_on/off). */
int nlsim_carrier_set(struct nlsim *s, const char *netns, const char *name, bool on);

/* ---- inspection ------------------------------------------------------------------ */

struct nlsim_link {
	int ifindex;
	char name[16];
	unsigned int flags;		/* as userspace sees them (IFF_*) */
	unsigned char operstate;	/* IF_OPER_* as reported */
	bool carrier;
	bool linkwatch_pending;		/* a carrier change not yet applied */
	unsigned int mtu;
};
int nlsim_link_get(struct nlsim *s, const char *netns, const char *name, struct nlsim_link *out);

#ifdef __cplusplus
}
#endif

#endif /* NLSIM_NLSIM_H */
