/* tests/stub_lw.h - a world with a link monitor, for the link-state suites.
 *
 * struct lw_env is one world (engine + kernel) with two simulated sockets in
 * the init namespace: a monitor subscribed to RTNLGRP_LINK and a requester.
 * An observer records, in virtual time, every link message queued to either
 * socket (parsed: flags, change, operstate, carrier...), every linkwatch run
 * (when it got RTNL, when it ended, how many devices, urgent-only or not) and
 * the requester's acks. Tests assert on those records, never on wall time.
 *
 * Requests are built with libmnl and sent with plain send(); outside a task
 * send() runs the engine until the kernel has handled the request. Driver
 * actions that must run in a task (tap, virtio) are wrapped here.
 * White-box access (struct net_device, k->lw) comes from model/internal.h.
 */
#ifndef NLSIM_TESTS_STUB_LW_H
#define NLSIM_TESTS_STUB_LW_H

#include <stdbool.h>
#include <stdint.h>

#include "model/internal.h"
#include "sim/transport.h"
#include "sim/world.h"

#define LW_MAX_MSGS 1024
#define LW_MAX_RUNS 256

enum lw_sock { LW_MON = 0, LW_REQ = 1 };

struct lw_msg {
	sim_time_t t;		/* virtual time it was queued to the socket */
	enum lw_sock sock;
	uint16_t type;		/* RTM_NEWLINK, RTM_DELLINK, NLMSG_ERROR, NLMSG_DONE */
	uint16_t nlflags;
	uint32_t seq;
	int error;		/* NLMSG_ERROR only */
	int ifindex;
	unsigned flags, change;
	int operstate;		/* IFLA_OPERSTATE, -1 if absent */
	int carrier;		/* IFLA_CARRIER, -1 if absent */
	unsigned carrier_changes;
	char name[16];
	uint32_t len;		/* nlmsg_len */
	unsigned char family;	/* first payload byte (ifi/rtm/ifa family) */
	unsigned char b1;	/* second payload byte (rtm_dst_len, ifa_prefixlen) */
};

struct lw_run {
	sim_time_t start;	/* linkwatch_event got RTNL (-1: ran without it) */
	sim_time_t end;
	long count;		/* devices processed */
	bool urgent_only;
};

struct lw_env {
	struct sim_world *w;
	struct kernel *k;
	struct sim_engine *e;
	struct net *net;
	int mon, req;
	struct netlink_sock *mon_sk, *req_sk;
	uint32_t seq;
	int nmsg, nrun;
	sim_time_t lw_acquired;
	struct lw_msg msg[LW_MAX_MSGS];
	struct lw_run run[LW_MAX_RUNS];
};

#define LW_MS(x) ((sim_time_t)(x) * SIM_NSEC_PER_MSEC)
#define LW_US(x) ((sim_time_t)(x) * SIM_NSEC_PER_USEC)

/* ---- lifetime and time ------------------------------------------------------ */

struct lw_env *lw_env_create(const char *profile);
/* Run in-flight work to completion (at most 10 s more), then destroy;
 * returns sim_world_destroy's leak count. */
int lw_env_destroy(struct lw_env *env);
/* Run every event due up to @t and leave the clock at @t. */
void lw_run_until(struct lw_env *env, sim_time_t t);
/* Run @ns more of virtual time. */
void lw_run_for(struct lw_env *env, sim_time_t ns);
sim_time_t lw_now(const struct lw_env *env);
int lw_param(struct lw_env *env, const char *key, const char *value);

/* ---- requests (RTM_*, acked; return the ack's error) ------------------------- */

int lw_dummy_add(struct lw_env *env, const char *name);
/* A dummy created in @net (IFLA_NET_NS_PID) by the init-namespace requester. */
int lw_dummy_add_in(struct lw_env *env, const char *name, struct net *net);
/* RTM_NEWLINK of @kind in @net (NULL: init), with one u8 attribute @attr =
 * @v when @attr is not 0 (IFLA_LINKMODE, IFLA_OPERSTATE). */
int lw_link_add(struct lw_env *env, const char *name, const char *kind, struct net *net,
		uint16_t attr, uint8_t v);
int lw_del(struct lw_env *env, const char *name);
/* veth pair @name/@peer; @peer_net NULL for the same namespace. */
int lw_veth_add(struct lw_env *env, const char *name, const char *peer, struct net *peer_net);
/* RTM_SETLINK IFLA_NET_NS_PID: move @name (in the env's namespace) to @to. */
int lw_move(struct lw_env *env, const char *name, struct net *to);
int lw_set_up(struct lw_env *env, const char *name, bool up);
/* lw_dummy_add then lw_set_up. */
int lw_dummy_up(struct lw_env *env, const char *name);
/* RTM_SETLINK with one u8 attribute (IFLA_CARRIER, IFLA_OPERSTATE, ...). */
int lw_set_u8(struct lw_env *env, const char *name, uint16_t attr, uint8_t v);
/* RTM_GETLINK doit by name; *out gets the reply; returns its record index
 * (or a negative errno). */
int lw_getlink(struct lw_env *env, const char *name, struct lw_msg *out);
/* RTM_GETLINK dump; *out gets @name's entry; returns its record index. */
int lw_dump_find(struct lw_env *env, const char *name, struct lw_msg *out);
/* Read and discard whatever is queued on both sockets. */
void lw_drain(struct lw_env *env);

/* ---- driver actions, each run in a task --------------------------------------- */

int lw_tap_create(struct lw_env *env, const char *name, bool carrier);
int lw_tap_carrier(struct lw_env *env, const char *name, bool on);
int lw_virtio_probe(struct lw_env *env, const char *name, bool f_status);
/* kernel_carrier_set from "the driver" (any context; no task needed). */
void lw_carrier(struct lw_env *env, const char *name, bool on);
/* Toggle lo's carrier (lo is down: a silent, non-urgent event) and run
 * 100 us: with a quiet limiter that is a full run now, which puts the next
 * slot one second ahead. */
void lw_full_run_now(struct lw_env *env);

/* ---- inspection ------------------------------------------------------------- */

struct net_device *lw_dev(struct lw_env *env, const char *name);
int lw_ifindex(struct lw_env *env, const char *name);
struct link_info lw_info(struct lw_env *env, const char *name);
/* Number of RTNLGRP_LINK RTM_NEWLINK for @ifindex recorded on the monitor
 * at index >= @from. */
int lw_mon_count(const struct lw_env *env, int ifindex, int from);
/* First such message at index >= @from, NULL if none. */
const struct lw_msg *lw_mon_next(const struct lw_env *env, int ifindex, int from);
/* Index of that message, -1 if none. */
int lw_mon_index(const struct lw_env *env, int ifindex, int from);
/* Sum of the devices processed by runs recorded at index >= @from. */
long lw_runs_devs(const struct lw_env *env, int from);

#endif /* NLSIM_TESTS_STUB_LW_H */
