/* sim/transport.h - simulated NETLINK_ROUTE sockets on real file descriptors.
 *
 * A client opens a simulated socket and gets the user end of a
 * socketpair(AF_UNIX, SOCK_SEQPACKET). It polls and reads it with plain
 * recv/recvmsg/read and writes requests with send/sendmsg/write; bind,
 * getsockname, setsockopt, getsockopt and close work as on a netlink socket.
 * To give those plain calls netlink semantics (sockaddr_nl, ENOBUFS before
 * queued data, the nsid control message, the kernel's receive-buffer
 * accounting, dumps continued from recvmsg, requests that block while the
 * kernel waits for RTNL) this file defines those libc functions itself: for a
 * descriptor that is not a simulated socket they go straight to the system
 * call. See docs/architecture.md, "Why the transport interposes libc".
 *
 * Blocking: inside a task a blocking call blocks the task in virtual time;
 * outside any task (a test driving the world) it runs the engine until the
 * call can complete, or fails with EAGAIN when nothing is left to run.
 */
#ifndef NLSIM_SIM_TRANSPORT_H
#define NLSIM_SIM_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/world.h"

struct sim_sock;
struct net;

/* Open a simulated NETLINK_ROUTE socket in @net; returns the user's fd or a
 * negative errno. */
int sim_socket_open(struct sim_world *w, struct net *net);
bool sim_fd_is_netlink(int fd);
struct netlink_sock *sim_fd_sock(int fd);

/* Task context: block until @fd is readable (data or error) or virtual time
 * reaches @deadline (SIM_TIME_MAX for none). Returns 1 readable, 0 timeout. */
int sim_fd_wait_readable(int fd, sim_time_t deadline);
/* Task context: block until any of @fds is readable or @deadline; returns
 * the index of the first readable fd, or -1 on timeout. */
int sim_fds_wait_readable(const int *fds, int nfds, sim_time_t deadline);
/* Is there something to read (data or a pending error)? */
bool sim_fd_readable(int fd);

/* Called by the world's services. */
int transport_deliver(struct sim_sock *s, const void *buf, size_t len);
void transport_wake(struct sim_sock *s);
void transport_close_world(struct sim_world *w);

#endif /* NLSIM_SIM_TRANSPORT_H */
