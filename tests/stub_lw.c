/* tests/stub_lw.c - a world with a link monitor, for the link-state suites.
 * See stub_lw.h. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/veth.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tests/stub_lw.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* ---- the observer ------------------------------------------------------------ */

static int lw_attr_cb(const struct nlattr *a, void *data)
{
	struct lw_msg *m = data;

	switch (mnl_attr_get_type(a)) {
	case IFLA_OPERSTATE:
		m->operstate = mnl_attr_get_u8(a);
		break;
	case IFLA_CARRIER:
		m->carrier = mnl_attr_get_u8(a);
		break;
	case IFLA_CARRIER_CHANGES:
		m->carrier_changes = mnl_attr_get_u32(a);
		break;
	case IFLA_IFNAME:
		snprintf(m->name, sizeof(m->name), "%s", mnl_attr_get_str(a));
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

static void lw_record(struct lw_env *env, enum lw_sock sock, sim_time_t t, const void *buf,
		      size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int rest = (int)len;

	for (; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest)) {
		struct lw_msg *m;

		if (env->nmsg >= LW_MAX_MSGS)
			return;
		m = &env->msg[env->nmsg++];
		memset(m, 0, sizeof(*m));
		m->t = t;
		m->sock = sock;
		m->type = nlh->nlmsg_type;
		m->nlflags = nlh->nlmsg_flags;
		m->seq = nlh->nlmsg_seq;
		m->len = nlh->nlmsg_len;
		if (nlh->nlmsg_len >= NLMSG_HDRLEN + 2) {
			m->family = ((const unsigned char *)mnl_nlmsg_get_payload(nlh))[0];
			m->b1 = ((const unsigned char *)mnl_nlmsg_get_payload(nlh))[1];
		}
		m->operstate = -1;
		m->carrier = -1;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			m->error = e->error;
		} else if (nlh->nlmsg_type == RTM_NEWLINK || nlh->nlmsg_type == RTM_DELLINK) {
			const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

			m->ifindex = ifm->ifi_index;
			m->flags = ifm->ifi_flags;
			m->change = ifm->ifi_change;
			mnl_attr_parse(nlh, sizeof(*ifm), lw_attr_cb, m);
		}
	}
}

static void lw_observe(void *data, const struct kernel_event *ev)
{
	struct lw_env *env = data;

	switch (ev->type) {
	case KEV_RTNL_ACQUIRE:
		if (ev->rtnl_class == RTNL_CLASS_LINKWATCH)
			env->lw_acquired = ev->now;
		break;
	case KEV_LINKWATCH_RUN:
		if (env->nrun < LW_MAX_RUNS) {
			struct lw_run *r = &env->run[env->nrun++];

			r->start = env->lw_acquired;
			r->end = ev->now;
			r->count = ev->count;
			r->urgent_only = ev->urgent_only;
		}
		env->lw_acquired = -1;
		break;
	case KEV_NETLINK_TO_USER:
		if (ev->sk == env->mon_sk)
			lw_record(env, LW_MON, ev->now, ev->buf, ev->len);
		else if (ev->sk == env->req_sk)
			lw_record(env, LW_REQ, ev->now, ev->buf, ev->len);
		break;
	default:
		break;
	}
}

/* ---- lifetime and time ------------------------------------------------------ */

struct lw_env *lw_env_create(const char *profile)
{
	struct lw_env *env = calloc(1, sizeof(*env));
	int grp = RTNLGRP_LINK;

	if (!env)
		return NULL;
	env->w = sim_world_create(1, profile);
	if (!env->w) {
		free(env);
		return NULL;
	}
	env->k = sim_world_kernel(env->w);
	env->e = sim_world_engine(env->w);
	env->net = kernel_init_net(env->k);
	env->lw_acquired = -1;
	env->seq = 100;
	env->mon = sim_socket_open(env->w, env->net);
	env->req = sim_socket_open(env->w, env->net);
	setsockopt(env->mon, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp));
	env->mon_sk = sim_fd_sock(env->mon);
	/* the link_watch, operstate and RTNL suites time RTNL to the
	 * microsecond: IPv6 autoconfiguration's DAD work (which takes RTNL right
	 * after a link becomes ready) is off unless a test turns it on */
	kernel_param_set(env->k, "addrconf", "0");
	env->req_sk = sim_fd_sock(env->req);
	sim_world_observe(env->w, lw_observe, env);
	return env;
}

int lw_env_destroy(struct lw_env *env)
{
	int leaks;

	/* Let in-flight tasks finish (a linkwatch batch asleep in the middle
	 * of a device holds that device's reference until it resumes). */
	sim_engine_run_idle(env->e, lw_now(env) + LW_MS(10000));
	leaks = sim_world_destroy(env->w);

	free(env);
	return leaks;
}

void lw_run_until(struct lw_env *env, sim_time_t t)
{
	sim_engine_run(env->e, t, true);
}

void lw_run_for(struct lw_env *env, sim_time_t ns)
{
	lw_run_until(env, sim_now(env->e) + ns);
}

sim_time_t lw_now(const struct lw_env *env)
{
	return sim_now(env->e);
}

int lw_param(struct lw_env *env, const char *key, const char *value)
{
	return kernel_param_set(env->k, key, value);
}

void lw_drain(struct lw_env *env)
{
	char buf[32768];

	while (recv(env->mon, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	while (recv(env->req, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

/* ---- requests --------------------------------------------------------------- */

static struct nlmsghdr *lw_req(struct lw_env *env, char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, 4096);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++env->seq;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	return nlh;
}

/* Send, then find the ack recorded for this request's sequence number. */
static int lw_send_acked(struct lw_env *env, struct nlmsghdr *nlh)
{
	int err = -ETIMEDOUT;

	if (send(env->req, nlh, nlh->nlmsg_len, 0) < 0)
		return -errno;
	for (int i = env->nmsg - 1; i >= 0; i--) {
		const struct lw_msg *m = &env->msg[i];

		if (m->sock == LW_REQ && m->type == NLMSG_ERROR && m->seq == nlh->nlmsg_seq) {
			err = m->error;
			break;
		}
	}
	lw_drain(env);
	return err;
}

int lw_dummy_add(struct lw_env *env, const char *name)
{
	return lw_dummy_add_in(env, name, NULL);
}

int lw_dummy_add_in(struct lw_env *env, const char *name, struct net *net)
{
	return lw_link_add(env, name, "dummy", net, 0, 0);
}

int lw_link_add(struct lw_env *env, const char *name, const char *kind, struct net *net,
		uint16_t attr, uint8_t v)
{
	char buf[4096];
	struct nlmsghdr *nlh = lw_req(env, buf, RTM_NEWLINK,
				      NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	struct nlattr *li;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (net)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)kernel_netns_pid(net));
	if (attr)
		mnl_attr_put_u8(nlh, attr, v);
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	mnl_attr_nest_end(nlh, li);
	return lw_send_acked(env, nlh);
}

int lw_del(struct lw_env *env, const char *name)
{
	char buf[4096];
	struct nlmsghdr *nlh = lw_req(env, buf, RTM_DELLINK, NLM_F_ACK);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return lw_send_acked(env, nlh);
}

int lw_veth_add(struct lw_env *env, const char *name, const char *peer, struct net *peer_net)
{
	char buf[4096];
	struct nlmsghdr *nlh = lw_req(env, buf, RTM_NEWLINK,
				      NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	struct nlattr *li, *data, *p;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	p = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (peer_net)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)kernel_netns_pid(peer_net));
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	return lw_send_acked(env, nlh);
}

int lw_set_up(struct lw_env *env, const char *name, bool up)
{
	char buf[4096];
	struct nlmsghdr *nlh = lw_req(env, buf, RTM_SETLINK, NLM_F_ACK);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	ifm->ifi_flags = up ? IFF_UP : 0;
	ifm->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return lw_send_acked(env, nlh);
}

int lw_dummy_up(struct lw_env *env, const char *name)
{
	int err = lw_dummy_add(env, name);

	return err ? err : lw_set_up(env, name, true);
}

int lw_move(struct lw_env *env, const char *name, struct net *to)
{
	char buf[4096];
	struct nlmsghdr *nlh = lw_req(env, buf, RTM_SETLINK, NLM_F_ACK);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)kernel_netns_pid(to));
	return lw_send_acked(env, nlh);
}

int lw_set_u8(struct lw_env *env, const char *name, uint16_t attr, uint8_t v)
{
	char buf[4096];
	struct nlmsghdr *nlh = lw_req(env, buf, RTM_SETLINK, NLM_F_ACK);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u8(nlh, attr, v);
	return lw_send_acked(env, nlh);
}

int lw_getlink(struct lw_env *env, const char *name, struct lw_msg *out)
{
	char buf[4096];
	struct nlmsghdr *nlh = lw_req(env, buf, RTM_GETLINK, 0);
	int found = -ENOENT;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (send(env->req, nlh, nlh->nlmsg_len, 0) < 0)
		return -errno;
	for (int i = 0; i < env->nmsg; i++) {
		const struct lw_msg *m = &env->msg[i];

		if (m->sock != LW_REQ || m->seq != nlh->nlmsg_seq)
			continue;
		if (m->type == NLMSG_ERROR) {
			found = m->error;
			break;
		}
		if (m->type == RTM_NEWLINK) {
			*out = *m;
			found = i;
			break;
		}
	}
	lw_drain(env);
	return found;
}

int lw_dump_find(struct lw_env *env, const char *name, struct lw_msg *out)
{
	char buf[32768];
	struct nlmsghdr *nlh = lw_req(env, buf, RTM_GETLINK, NLM_F_DUMP);
	int first = env->nmsg, found = -ENOENT;
	bool done = false;

	if (send(env->req, nlh, nlh->nlmsg_len, 0) < 0)
		return -errno;
	/* Later parts are produced as the reader empties its queue. */
	for (int guard = 0; guard < 64 && !done; guard++) {
		ssize_t n = recv(env->req, buf, sizeof(buf), MSG_DONTWAIT);

		for (int i = first; i < env->nmsg; i++)
			if (env->msg[i].sock == LW_REQ && env->msg[i].type == NLMSG_DONE &&
			    env->msg[i].seq == nlh->nlmsg_seq)
				done = true;
		if (n <= 0 && !done)
			break;
	}
	for (int i = first; i < env->nmsg; i++) {
		const struct lw_msg *m = &env->msg[i];

		if (m->sock == LW_REQ && m->type == RTM_NEWLINK && strcmp(m->name, name) == 0) {
			*out = *m;
			found = i;
		}
	}
	lw_drain(env);
	return found;
}

/* ---- driver actions ------------------------------------------------------------ */

enum lw_op { LW_TAP_CREATE, LW_TAP_CARRIER, LW_VIRTIO_PROBE };

struct lw_task {
	struct lw_env *env;
	enum lw_op op;
	const char *name;
	bool b;
	int ret;
};

static void lw_task_body(void *arg)
{
	struct lw_task *t = arg;

	switch (t->op) {
	case LW_TAP_CREATE:
		t->ret = kernel_tap_create(t->env->net, t->name, t->b);
		break;
	case LW_TAP_CARRIER:
		t->ret = kernel_tap_set_carrier(t->env->net, t->name, t->b);
		break;
	case LW_VIRTIO_PROBE:
		t->ret = kernel_virtio_probe(t->env->net, t->name, t->b);
		break;
	}
}

static int lw_task_run(struct lw_env *env, enum lw_op op, const char *name, bool b)
{
	struct lw_task t = { env, op, name, b, 0 };

	sim_world_run_in_task(env->w, "lw-driver", lw_task_body, &t);
	return t.ret;
}

int lw_tap_create(struct lw_env *env, const char *name, bool carrier)
{
	return lw_task_run(env, LW_TAP_CREATE, name, carrier);
}

int lw_tap_carrier(struct lw_env *env, const char *name, bool on)
{
	return lw_task_run(env, LW_TAP_CARRIER, name, on);
}

int lw_virtio_probe(struct lw_env *env, const char *name, bool f_status)
{
	return lw_task_run(env, LW_VIRTIO_PROBE, name, f_status);
}

void lw_carrier(struct lw_env *env, const char *name, bool on)
{
	kernel_carrier_set(env->net, name, on);
}

void lw_full_run_now(struct lw_env *env)
{
	struct net_device *lo = lw_dev(env, "lo");

	if (netif_carrier_ok(lo))
		netif_carrier_off(lo);
	else
		netif_carrier_on(lo);
	lw_run_for(env, LW_US(100));
}

/* ---- inspection ------------------------------------------------------------- */

struct net_device *lw_dev(struct lw_env *env, const char *name)
{
	return __dev_get_by_name(env->net, name);
}

int lw_ifindex(struct lw_env *env, const char *name)
{
	struct net_device *dev = lw_dev(env, name);

	return dev ? dev->ifindex : -1;
}

struct link_info lw_info(struct lw_env *env, const char *name)
{
	struct link_info li;

	memset(&li, 0, sizeof(li));
	kernel_link_info(env->net, name, &li);
	return li;
}

int lw_mon_index(const struct lw_env *env, int ifindex, int from)
{
	for (int i = from < 0 ? 0 : from; i < env->nmsg; i++)
		if (env->msg[i].sock == LW_MON && env->msg[i].type == RTM_NEWLINK &&
		    env->msg[i].ifindex == ifindex)
			return i;
	return -1;
}

const struct lw_msg *lw_mon_next(const struct lw_env *env, int ifindex, int from)
{
	int i = lw_mon_index(env, ifindex, from);

	return i < 0 ? NULL : &env->msg[i];
}

int lw_mon_count(const struct lw_env *env, int ifindex, int from)
{
	int n = 0;

	for (int i = lw_mon_index(env, ifindex, from); i >= 0;
	     i = lw_mon_index(env, ifindex, i + 1))
		n++;
	return n;
}

long lw_runs_devs(const struct lw_env *env, int from)
{
	long n = 0;

	for (int i = from; i < env->nrun; i++)
		n += env->run[i].count;
	return n;
}
