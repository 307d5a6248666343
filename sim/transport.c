/* sim/transport.c - simulated netlink sockets over socketpairs.
 *
 * Each simulated socket is a socketpair(AF_UNIX, SOCK_SEQPACKET): the user
 * end goes to the client, the kernel end stays here. Message boundaries,
 * MSG_PEEK, MSG_TRUNC and poll() therefore behave as on netlink. The model
 * keeps the netlink accounting (model/af_netlink.c); this file moves bytes
 * and turns the libc calls a netlink client makes into model calls.
 *
 * The descriptor table is process-global on purpose: the interposed libc
 * functions receive nothing but a descriptor. Descriptors are unique in the
 * process, so several worlds (kernels) can share it. It is not thread-safe,
 * like the engine itself.
 *
 * Bytes the model queued while the socketpair was full wait in a FIFO here
 * and are moved into the socketpair after each read, so a reader that stops
 * reading never makes the engine block or lose data the model accepted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "model/kernel.h"
#include "sim/transport.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#define MAX_WATCHERS 16
#define MAX_POLL_FDS 16
#define EXPORT __attribute__((visibility("default")))

struct pending {
	struct pending *next;
	size_t len;
	unsigned char data[];
};

struct sim_sock {
	int fd_user, fd_kern;
	struct sim_world *w;
	struct netlink_sock *nsk;
	struct sim_waitq readers;
	struct sim_waitq *watchers[MAX_WATCHERS];
	struct pending *p_head, *p_tail;	/* not yet in the socketpair */
	int busy;			/* calls and polls using it right now */
	/* Opened by a simulated task, which waits through the engine and never
	 * poll(2)s the descriptor: replies stay in the FIFO and reads copy from
	 * it, saving the two system calls per message a real fd costs. */
	bool direct;
	bool closing;			/* closed while busy: freed when idle */
};

static struct sim_sock **fd_table;
static int fd_table_size;

static struct sim_sock *sock_of(int fd)
{
	return fd >= 0 && fd < fd_table_size ? fd_table[fd] : NULL;
}

bool sim_fd_is_netlink(int fd)
{
	return sock_of(fd) != NULL;
}

struct netlink_sock *sim_fd_sock(int fd)
{
	struct sim_sock *s = sock_of(fd);

	return s ? s->nsk : NULL;
}

static ssize_t raw_send(int fd, const void *buf, size_t len, int flags)
{
	return syscall(SYS_sendto, fd, buf, len, flags, NULL, 0);
}

static ssize_t raw_recvmsg(int fd, struct msghdr *msg, int flags)
{
	return syscall(SYS_recvmsg, fd, msg, flags);
}

/* Move queued bytes into the socketpair while it has room. */
static void flush_pending(struct sim_sock *s)
{
	if (s->direct)
		return;
	while (s->p_head) {
		struct pending *p = s->p_head;

		if (raw_send(s->fd_kern, p->data, p->len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			return;
		s->p_head = p->next;
		if (!s->p_head)
			s->p_tail = NULL;
		free(p);
	}
}

void transport_wake(struct sim_sock *s)
{
	struct sim_engine *e = sim_world_engine(s->w);

	sim_waitq_wake_all(e, &s->readers);
	for (int i = 0; i < MAX_WATCHERS; i++)
		if (s->watchers[i])
			sim_waitq_wake_all(e, s->watchers[i]);
}

int transport_deliver(struct sim_sock *s, const void *buf, size_t len)
{
	if (s->closing)
		return -EBADF;
	if (!s->direct && !s->p_head &&
	    raw_send(s->fd_kern, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)len) {
		transport_wake(s);
		return 0;
	}
	{
		struct pending *p = malloc(sizeof(*p) + len);

		if (!p)
			return -ENOMEM;
		p->next = NULL;
		p->len = len;
		memcpy(p->data, buf, len);
		if (s->p_tail)
			s->p_tail->next = p;
		else
			s->p_head = p;
		s->p_tail = p;
	}
	transport_wake(s);
	return 0;
}

int sim_socket_open(struct sim_world *w, struct net *net)
{
	struct sim_sock *s;
	int sv[2], big = 64 << 20;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	if (sv[0] >= fd_table_size || sv[1] >= fd_table_size) {
		int n = (sv[0] > sv[1] ? sv[0] : sv[1]) + 64;
		struct sim_sock **t = realloc(fd_table, (size_t)n * sizeof(*t));

		if (!t)
			goto out_close;
		memset(t + fd_table_size, 0, (size_t)(n - fd_table_size) * sizeof(*t));
		fd_table = t;
		fd_table_size = n;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		goto out_close;
	s->fd_user = sv[0];
	s->fd_kern = sv[1];
	s->w = w;
	s->direct = sim_task_current(sim_world_engine(w)) != NULL;
	/* A large send buffer on the kernel end; the FIFO covers the rest. */
	if (setsockopt(sv[1], SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)) < 0)
		setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	s->nsk = netlink_sock_create(net, s);
	if (!s->nsk) {
		free(s);
		goto out_close;
	}
	fd_table[sv[0]] = s;
	return sv[0];
out_close:
	syscall(SYS_close, sv[0]);
	syscall(SYS_close, sv[1]);
	return -ENOMEM;
}

static void sock_destroy(struct sim_sock *s)
{
	struct pending *p = s->p_head;

	while (p) {
		struct pending *n = p->next;

		free(p);
		p = n;
	}
	free(s);
}

/* sock_free - close(2): the descriptor and the kernel socket go at once;
 * tasks blocked in a call or a poll on it wake up and fail with EBADF, and
 * the structure is freed when the last of them has left (sock_unbusy). */
static void sock_free(struct sim_sock *s)
{
	fd_table[s->fd_user] = NULL;
	netlink_sock_release(s->nsk);
	s->nsk = NULL;
	syscall(SYS_close, s->fd_user);
	syscall(SYS_close, s->fd_kern);
	s->fd_user = s->fd_kern = -1;
	s->closing = true;
	transport_wake(s);
	if (!s->busy)
		sock_destroy(s);
}

static void sock_busy(struct sim_sock *s)
{
	s->busy++;
}

static void sock_unbusy(struct sim_sock *s)
{
	if (--s->busy == 0 && s->closing)
		sock_destroy(s);
}

void transport_close_world(struct sim_world *w)
{
	for (int fd = 0; fd < fd_table_size; fd++)
		if (fd_table[fd] && fd_table[fd]->w == w)
			sock_free(fd_table[fd]);
}

static bool sock_readable(struct sim_sock *s)
{
	char c;

	if (s->closing || netlink_sock_has_error(s->nsk))
		return true;
	if (s->direct)
		return s->p_head != NULL;
	return syscall(SYS_recvfrom, s->fd_user, &c, 1, MSG_PEEK | MSG_DONTWAIT, NULL, NULL) >= 0;
}

bool sim_fd_readable(int fd)
{
	struct sim_sock *s = sock_of(fd);

	return s && sock_readable(s);
}

/* sim_fds_wait_readable - the sockets are held (busy) for the wait, so one
 * closed meanwhile is neither freed under us nor confused with a new socket
 * that reuses its descriptor; a closed one counts as readable. */
int sim_fds_wait_readable(const int *fds, int nfds, sim_time_t deadline)
{
	struct sim_sock *socks[MAX_POLL_FDS];
	struct sim_waitq wq = { 0 };
	struct sim_engine *e = NULL;
	int slot[MAX_POLL_FDS], ready = -1;

	if (nfds > MAX_POLL_FDS) {
		fprintf(stderr, "nlsim: polling %d simulated sockets, at most %d\n", nfds,
			MAX_POLL_FDS);
		abort();
	}
	for (int i = 0; i < nfds; i++) {
		socks[i] = sock_of(fds[i]);
		if (socks[i]) {
			sock_busy(socks[i]);
			e = sim_world_engine(socks[i]->w);
		}
	}
	while (e && ready < 0) {
		bool timeout = false;

		for (int i = 0; i < nfds && ready < 0; i++)
			if (socks[i] && sock_readable(socks[i]))
				ready = i;
		if (ready >= 0)
			break;
		for (int i = 0; i < nfds; i++) {
			slot[i] = -1;
			for (int j = 0; socks[i] && j < MAX_WATCHERS; j++)
				if (!socks[i]->watchers[j]) {
					socks[i]->watchers[j] = &wq;
					slot[i] = j;
					break;
				}
			if (socks[i] && slot[i] < 0) {
				fprintf(stderr, "nlsim: more than %d tasks poll one simulated socket\n",
					MAX_WATCHERS);
				abort();
			}
		}
		if (deadline == SIM_TIME_MAX)
			sim_task_wait(e, &wq);
		else
			timeout = !sim_task_wait_until(e, &wq, deadline);
		for (int i = 0; i < nfds; i++)
			if (socks[i] && slot[i] >= 0)
				socks[i]->watchers[slot[i]] = NULL;
		if (timeout)
			break;
	}
	for (int i = 0; i < nfds; i++)
		if (socks[i])
			sock_unbusy(socks[i]);
	return ready;
}

int sim_fd_wait_readable(int fd, sim_time_t deadline)
{
	return sim_fds_wait_readable(&fd, 1, deadline) == 0;
}

/* ---- model calls that may block, from any context --------------------------- */

struct recv_done_args {
	struct sim_sock *s;
	size_t bufsize;
	bool peek;
};

static void recv_done_body(void *arg)
{
	struct recv_done_args *a = arg;

	netlink_sock_recvmsg_done(a->s->nsk, a->bufsize, a->peek);
}

struct send_args {
	struct sim_sock *s;
	const void *buf;
	size_t len;
	long ret;
};

static void send_body(void *arg)
{
	struct send_args *a = arg;

	a->ret = netlink_sock_sendmsg(a->s->nsk, a->buf, a->len);
}

static bool in_task(struct sim_sock *s)
{
	return sim_task_current(sim_world_engine(s->w)) != NULL;
}

/* Outside a task: run the engine until @s is readable; false if it went
 * idle first. */
static bool run_until_readable(struct sim_sock *s)
{
	struct sim_engine *e = sim_world_engine(s->w);

	while (!sock_readable(s)) {
		sim_time_t next = sim_engine_next_due(e);

		if (next == SIM_TIME_MAX)
			return false;
		sim_engine_run(e, next, false);
	}
	return true;
}

static bool fd_nonblocking(int fd)
{
	int fl = (int)syscall(SYS_fcntl, fd, F_GETFL, 0);

	return fl >= 0 && (fl & O_NONBLOCK);
}

/* fifo_recvmsg - recvmsg on a direct socket: the oldest queued datagram,
 * with SOCK_SEQPACKET's rules (a short buffer truncates and sets MSG_TRUNC;
 * MSG_TRUNC returns the full length; MSG_PEEK leaves it queued). */
static ssize_t fifo_recvmsg(struct sim_sock *s, struct msghdr *msg, int flags)
{
	struct pending *p = s->p_head;
	size_t off = 0;

	if (!p) {
		errno = EAGAIN;
		return -1;
	}
	msg->msg_flags = 0;
	for (size_t i = 0; i < msg->msg_iovlen && off < p->len; i++) {
		size_t n = msg->msg_iov[i].iov_len;

		if (n > p->len - off)
			n = p->len - off;
		memcpy(msg->msg_iov[i].iov_base, p->data + off, n);
		off += n;
	}
	if (off < p->len)
		msg->msg_flags |= MSG_TRUNC;
	if (msg->msg_name)
		msg->msg_namelen = 0;	/* filled by the caller */
	if (!(flags & MSG_PEEK)) {
		s->p_head = p->next;
		if (!s->p_head)
			s->p_tail = NULL;
	}
	{
		ssize_t ret = (flags & MSG_TRUNC) ? (ssize_t)p->len : (ssize_t)off;

		if (!(flags & MSG_PEEK))
			free(p);
		return ret;
	}
}

static void put_nsid_cmsg(struct msghdr *msg, size_t room, int nsid)
{
	struct cmsghdr *c;

	if (!msg->msg_control || room < CMSG_SPACE(sizeof(int))) {
		msg->msg_flags |= MSG_CTRUNC;
		return;
	}
	c = (struct cmsghdr *)msg->msg_control;
	c->cmsg_level = SOL_NETLINK;
	c->cmsg_type = NETLINK_LISTEN_ALL_NSID;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &nsid, sizeof(int));
	msg->msg_controllen = CMSG_SPACE(sizeof(int));
}

static ssize_t sim_recvmsg(struct sim_sock *s, struct msghdr *msg, int flags)
{
	size_t bufsize = 0;
	void *ctl = msg->msg_control;
	size_t ctllen = msg->msg_controllen;

	for (size_t i = 0; i < msg->msg_iovlen; i++)
		bufsize += msg->msg_iov[i].iov_len;
	for (;;) {
		struct sockaddr_nl *name = msg->msg_name;
		socklen_t namelen = msg->msg_namelen;
		uint32_t group;
		int err, nsid;
		ssize_t n;

		if (s->closing) {
			errno = EBADF;
			return -1;
		}
		err = netlink_sock_take_error(s->nsk);
		nsid = netlink_sock_head_nsid(s->nsk);
		group = netlink_sock_head_group(s->nsk);
		if (err) {
			errno = -err;
			return -1;
		}
		msg->msg_control = NULL;
		msg->msg_controllen = 0;
		n = s->direct ? fifo_recvmsg(s, msg, flags) :
				raw_recvmsg(s->fd_user, msg, flags | MSG_DONTWAIT);
		msg->msg_control = ctl;
		msg->msg_controllen = ctllen;
		if (n >= 0) {
			int v = 0;
			size_t vl = sizeof(v);

			msg->msg_controllen = 0;
			if (name && namelen >= sizeof(*name)) {
				memset(name, 0, sizeof(*name));
				name->nl_family = AF_NETLINK;
				name->nl_groups = group ? 1U << (group - 1) : 0;
				msg->msg_namelen = sizeof(*name);
			}
			netlink_sock_getsockopt(s->nsk, SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, &v, &vl);
			if (v && nsid >= 0)
				put_nsid_cmsg(msg, ctllen, nsid);
			{
				struct recv_done_args a = { s, bufsize, (flags & MSG_PEEK) != 0 };

				/* Only a dump part can block (RTNL): otherwise no
				 * task is needed to finish the read. */
				if (in_task(s) || !netlink_sock_dump_running(s->nsk))
					recv_done_body(&a);
				else
					sim_world_run_in_task(s->w, "recvmsg", recv_done_body, &a);
			}
			if (!s->closing)
				flush_pending(s);
			return n;
		}
		if (errno != EAGAIN || s->closing)
			return -1;
		netlink_sock_recv_empty(s->nsk, bufsize);
		if ((flags & MSG_DONTWAIT) || fd_nonblocking(s->fd_user)) {
			errno = EAGAIN;
			return -1;
		}
		if (in_task(s)) {
			sim_task_wait(sim_world_engine(s->w), &s->readers);
		} else if (!run_until_readable(s)) {
			errno = EAGAIN;
			return -1;
		}
	}
}

static ssize_t sim_sendmsg(struct sim_sock *s, const struct msghdr *msg)
{
	struct send_args a = { .s = s };
	unsigned char *buf;
	size_t len = 0, off = 0;

	if (msg->msg_name) {
		const struct sockaddr_nl *to = msg->msg_name;

		if (msg->msg_namelen < sizeof(*to) || to->nl_family != AF_NETLINK) {
			errno = EINVAL;
			return -1;
		}
	}
	for (size_t i = 0; i < msg->msg_iovlen; i++)
		len += msg->msg_iov[i].iov_len;
	buf = malloc(len ? len : 1);
	if (!buf) {
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < msg->msg_iovlen; i++) {
		memcpy(buf + off, msg->msg_iov[i].iov_base, msg->msg_iov[i].iov_len);
		off += msg->msg_iov[i].iov_len;
	}
	a.buf = buf;
	a.len = len;
	if (in_task(s))
		send_body(&a);
	else
		sim_world_run_in_task(s->w, "sendmsg", send_body, &a);
	free(buf);
	if (a.ret < 0) {
		errno = (int)-a.ret;
		return -1;
	}
	return a.ret;
}

/* ---- the libc functions --------------------------------------------------------- */

EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct sim_sock *s = sock_of(fd);

	ssize_t n;

	if (!s)
		return raw_recvmsg(fd, msg, flags);
	sock_busy(s);
	n = sim_recvmsg(s, msg, flags);
	sock_unbusy(s);
	return n;
}

EXPORT ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr,
			socklen_t *addrlen)
{
	struct sim_sock *s = sock_of(fd);
	struct iovec iov = { buf, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (!s)
		return syscall(SYS_recvfrom, fd, buf, len, flags, addr, addrlen);
	if (addr && addrlen) {
		msg.msg_name = addr;
		msg.msg_namelen = *addrlen;
	}
	sock_busy(s);
	n = sim_recvmsg(s, &msg, flags);
	sock_unbusy(s);
	if (n >= 0 && addr && addrlen)
		*addrlen = msg.msg_namelen;
	return n;
}

EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return recvfrom(fd, buf, len, flags, NULL, NULL);
}

EXPORT ssize_t read(int fd, void *buf, size_t count)
{
	if (!sock_of(fd))
		return syscall(SYS_read, fd, buf, count);
	return recvfrom(fd, buf, count, 0, NULL, NULL);
}

EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct sim_sock *s = sock_of(fd);

	ssize_t n;

	if (!s)
		return syscall(SYS_sendmsg, fd, msg, flags);
	sock_busy(s);
	n = sim_sendmsg(s, msg);
	sock_unbusy(s);
	return n;
}

EXPORT ssize_t sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *to, socklen_t tolen)
{
	struct sim_sock *s = sock_of(fd);
	struct iovec iov = { (void *)buf, len };
	struct msghdr msg = { .msg_name = (void *)to, .msg_namelen = tolen, .msg_iov = &iov,
			      .msg_iovlen = 1 };

	ssize_t n;

	if (!s)
		return syscall(SYS_sendto, fd, buf, len, flags, to, tolen);
	sock_busy(s);
	n = sim_sendmsg(s, &msg);
	sock_unbusy(s);
	return n;
}

EXPORT ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, NULL, 0);
}

EXPORT ssize_t write(int fd, const void *buf, size_t count)
{
	if (!sock_of(fd))
		return syscall(SYS_write, fd, buf, count);
	return sendto(fd, buf, count, 0, NULL, 0);
}

EXPORT int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sim_sock *s = sock_of(fd);
	const struct sockaddr_nl *nl = (const void *)addr;
	int err;

	if (!s)
		return (int)syscall(SYS_bind, fd, addr, len);
	if (len < sizeof(*nl) || nl->nl_family != AF_NETLINK) {
		errno = EINVAL;
		return -1;
	}
	err = netlink_sock_bind(s->nsk, nl->nl_pid, nl->nl_groups);
	if (err) {
		errno = -err;
		return -1;
	}
	return 0;
}

EXPORT int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct sim_sock *s = sock_of(fd);
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };

	if (!s)
		return (int)syscall(SYS_getsockname, fd, addr, len);
	nl.nl_pid = netlink_sock_portid(s->nsk);
	nl.nl_groups = netlink_sock_groups(s->nsk);
	memcpy(addr, &nl, *len < sizeof(nl) ? *len : sizeof(nl));
	*len = sizeof(nl);
	return 0;
}

EXPORT int setsockopt(int fd, int level, int opt, const void *val, socklen_t len)
{
	struct sim_sock *s = sock_of(fd);
	int err;

	if (!s || (level == SOL_SOCKET && opt != SO_RCVBUF && opt != SO_RCVBUFFORCE))
		return (int)syscall(SYS_setsockopt, fd, level, opt, val, len);
	err = netlink_sock_setsockopt(s->nsk, level, opt, val, len);
	if (err) {
		errno = -err;
		return -1;
	}
	return 0;
}

EXPORT int getsockopt(int fd, int level, int opt, void *val, socklen_t *len)
{
	struct sim_sock *s = sock_of(fd);
	size_t l;
	int err;

	if (!s || (level == SOL_SOCKET && opt != SO_RCVBUF))
		return (int)syscall(SYS_getsockopt, fd, level, opt, val, len);
	l = *len;
	err = netlink_sock_getsockopt(s->nsk, level, opt, val, &l);
	if (err) {
		errno = -err;
		return -1;
	}
	*len = (socklen_t)l;
	return 0;
}

EXPORT int close(int fd)
{
	struct sim_sock *s = sock_of(fd);

	if (!s)
		return (int)syscall(SYS_close, fd);
	sock_free(s);
	return 0;
}
