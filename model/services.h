/* model/services.h - the only way the kernel model reaches the outside world.
 *
 * model/ has no clock, no threads, no I/O and no global state. Whatever a real
 * kernel gets from its environment (the time, sleeping, waking a sleeper,
 * timers, running deferred work on a worker, handing bytes to a socket's
 * reader, randomness) it asks for here. sim/ fills this struct from the
 * deterministic engine; a live runtime could fill it from pthreads and
 * CLOCK_MONOTONIC; unit tests may fill it with a stub.
 *
 * Blocking calls (sleep, wait) are only legal in "task context": a model
 * function called from a simulated task (a client's sendmsg, a work item,
 * a scenario action). Timer callbacks run in "timer context" and must not
 * block, like the kernel's softirq timers.
 */
#ifndef NLSIM_MODEL_SERVICES_H
#define NLSIM_MODEL_SERVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Virtual time in nanoseconds since boot of the simulated kernel. */
typedef int64_t ktime_t;

#define NSEC_PER_USEC 1000LL
#define NSEC_PER_MSEC 1000000LL
#define NSEC_PER_SEC 1000000000LL

/* A queue of blocked contexts; the runtime owns what .rt points to. */
struct kwaitq {
	void *rt;
};

/* A one-shot timer; fn runs in timer context at the armed time. */
struct ktimer {
	void *rt;
	void (*fn)(struct ktimer *t);
};

struct netlink_sock;
struct kernel_event;

struct kernel_services {
	void *ctx;
	ktime_t (*now)(void *ctx);
	/* Task context: let @ns of virtual time pass for the caller. */
	void (*sleep)(void *ctx, ktime_t ns);
	/* Identity of the calling context (a task), NULL in timer context.
	 * Used only for lock ownership checks and trace tracks. */
	void *(*current)(void *ctx);
	const char *(*current_name)(void *ctx);

	void (*waitq_init)(void *ctx, struct kwaitq *wq);
	void (*waitq_fini)(void *ctx, struct kwaitq *wq);
	/* Task context: block until woken through @wq. */
	void (*wait)(void *ctx, struct kwaitq *wq);
	/* Any context: wake the first waiter (FIFO); returns true if one. */
	bool (*wake_one)(void *ctx, struct kwaitq *wq);

	void (*timer_init)(void *ctx, struct ktimer *t);
	void (*timer_fini)(void *ctx, struct ktimer *t);
	void (*timer_arm)(void *ctx, struct ktimer *t, ktime_t when);
	void (*timer_cancel)(void *ctx, struct ktimer *t);

	/* Any context: run fn(arg) in a new worker task as soon as possible
	 * (a kernel worker thread running a work item). */
	void (*work_start)(void *ctx, const char *name, void (*fn)(void *arg), void *arg);

	/* Any context: the model queued a message (or an error) for @sk's
	 * reader. The runtime copies the bytes to the reader's descriptor now;
	 * @nsid is the NETLINK_LISTEN_ALL_NSID tag or NETNSA_NSID_NOT_ASSIGNED
	 * (-1) for none. Returns 0 or a negative errno. */
	int (*sock_deliver)(void *ctx, struct netlink_sock *sk, const void *buf, size_t len,
			    int nsid);
	/* Any context: @sk has a pending error for its reader (ENOBUFS). */
	void (*sock_error)(void *ctx, struct netlink_sock *sk);

	uint64_t (*random)(void *ctx);

	/* Observability: every trace-worthy thing the model does (may be NULL). */
	void (*event)(void *ctx, const struct kernel_event *ev);
};

#endif /* NLSIM_MODEL_SERVICES_H */
