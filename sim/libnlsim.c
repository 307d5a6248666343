/* sim/libnlsim.c - the public API of libnlsim (include/nlsim/nlsim.h).
 *
 * A thin layer over a world (sim/world.h): device changes are made the way
 * their real originators make them, `ip link` requests over a simulated
 * socket (clients/iproute.c) or driver calls, each run in a task so that the
 * kernel's costs and RTNL waits pass in virtual time. Only the nlsim_*
 * functions here (and the libc functions of sim/transport.c) are exported
 * from the shared library; everything else is hidden.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clients/iproute.h"
#include "include/nlsim/nlsim.h"
#include "model/kernel.h"
#include "sim/transport.h"
#include "sim/world.h"

#define NLSIM_EXPORT __attribute__((visibility("default")))

struct nlsim {
	struct sim_world *w;
};

static struct net *netns_of(struct nlsim *s, const char *name)
{
	return kernel_netns_get(sim_world_kernel(s->w), name ? name : "init");
}

NLSIM_EXPORT struct nlsim *nlsim_create(const char *profile, uint64_t seed)
{
	struct nlsim *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->w = sim_world_create(seed, profile ? profile : "v6.18");
	if (!s->w) {
		free(s);
		errno = EINVAL;
		return NULL;
	}
	return s;
}

NLSIM_EXPORT int nlsim_destroy(struct nlsim *s)
{
	int leaks;

	if (!s)
		return 0;
	leaks = sim_world_destroy(s->w);
	free(s);
	return leaks;
}

NLSIM_EXPORT int nlsim_set(struct nlsim *s, const char *key, const char *value)
{
	return kernel_param_set(sim_world_kernel(s->w), key, value);
}

NLSIM_EXPORT int64_t nlsim_now(const struct nlsim *s)
{
	return sim_now(sim_world_engine(s->w));
}

NLSIM_EXPORT void nlsim_advance(struct nlsim *s, int64_t ns)
{
	struct sim_engine *e = sim_world_engine(s->w);

	sim_engine_run(e, sim_now(e) + ns, true);
}

NLSIM_EXPORT void nlsim_settle(struct nlsim *s, int64_t limit_ns)
{
	struct sim_engine *e = sim_world_engine(s->w);

	sim_engine_run_idle(e, sim_now(e) + limit_ns);
}

NLSIM_EXPORT int nlsim_netns_add(struct nlsim *s, const char *name)
{
	return kernel_netns_add(sim_world_kernel(s->w), name, NULL);
}

NLSIM_EXPORT int nlsim_socket(struct nlsim *s, const char *netns)
{
	struct net *net = netns_of(s, netns);

	return net ? sim_socket_open(s->w, net) : -ENOENT;
}

/* One `ip link` command: a socket, a request, its ACK, run as a task. */
struct ipcmd {
	struct nlsim *s;
	struct net *net;
	int op;
	const char *name, *arg;
	bool on;
	int ret;
};

enum { OP_VETH, OP_DUMMY, OP_TAP, OP_UP, OP_DEL, OP_MOVE, OP_CARRIER };

static void ipcmd_body(void *arg)
{
	struct ipcmd *c = arg;
	struct kernel *k = sim_world_kernel(c->s->w);
	int fd;

	if (c->op == OP_TAP) {
		c->ret = kernel_tap_create(c->net, c->name, true);
		return;
	}
	if (c->op == OP_CARRIER) {
		struct link_info li;

		c->ret = kernel_link_info(c->net, c->name, &li);
		if (!c->ret)
			c->ret = li.kind && !strcmp(li.kind, "tun") ?
					 kernel_tap_set_carrier(c->net, c->name, c->on) :
					 kernel_carrier_set(c->net, c->name, c->on);
		return;
	}
	fd = sim_socket_open(c->s->w, c->net);
	if (fd < 0) {
		c->ret = fd;
		return;
	}
	switch (c->op) {
	case OP_VETH:
		c->ret = ip_link_add_veth(fd, c->name, c->arg, 0);
		break;
	case OP_DUMMY:
		c->ret = ip_link_add_kind(fd, c->name, "dummy");
		break;
	case OP_UP:
		c->ret = ip_link_set_up(fd, c->name, c->on);
		break;
	case OP_DEL:
		c->ret = ip_link_del(fd, c->name);
		break;
	case OP_MOVE: {
		struct net *to = kernel_netns_get(k, c->arg);

		c->ret = to ? ip_link_set_netns(fd, c->name, kernel_netns_pid(to)) : -ENOENT;
		break;
	}
	default:
		c->ret = -EINVAL;
	}
	close(fd);
}

static int ipcmd(struct nlsim *s, const char *netns, int op, const char *name, const char *arg,
		 bool on)
{
	struct ipcmd c = { s, netns_of(s, netns), op, name, arg, on, 0 };

	if (!c.net)
		return -ENOENT;
	if (!name)
		return -EINVAL;
	sim_world_run_in_task(s->w, "nlsim", ipcmd_body, &c);
	return c.ret;
}

NLSIM_EXPORT int nlsim_veth_add(struct nlsim *s, const char *netns, const char *name,
				const char *peer)
{
	return peer ? ipcmd(s, netns, OP_VETH, name, peer, false) : -EINVAL;
}

NLSIM_EXPORT int nlsim_dummy_add(struct nlsim *s, const char *netns, const char *name)
{
	return ipcmd(s, netns, OP_DUMMY, name, NULL, false);
}

NLSIM_EXPORT int nlsim_tap_add(struct nlsim *s, const char *netns, const char *name)
{
	return ipcmd(s, netns, OP_TAP, name, NULL, false);
}

NLSIM_EXPORT int nlsim_link_set_up(struct nlsim *s, const char *netns, const char *name, bool up)
{
	return ipcmd(s, netns, OP_UP, name, NULL, up);
}

NLSIM_EXPORT int nlsim_link_del(struct nlsim *s, const char *netns, const char *name)
{
	return ipcmd(s, netns, OP_DEL, name, NULL, false);
}

NLSIM_EXPORT int nlsim_link_move(struct nlsim *s, const char *netns, const char *name,
				 const char *to)
{
	return to ? ipcmd(s, netns, OP_MOVE, name, to, false) : -EINVAL;
}

NLSIM_EXPORT int nlsim_carrier_set(struct nlsim *s, const char *netns, const char *name, bool on)
{
	return ipcmd(s, netns, OP_CARRIER, name, NULL, on);
}

NLSIM_EXPORT int nlsim_link_get(struct nlsim *s, const char *netns, const char *name,
				struct nlsim_link *out)
{
	struct net *net = netns_of(s, netns);
	struct link_info li;
	int err;

	if (!net || !name || !out)
		return -EINVAL;
	err = kernel_link_info(net, name, &li);
	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	out->ifindex = li.ifindex;
	memcpy(out->name, li.name, sizeof(out->name));
	out->flags = li.flags;
	out->operstate = li.operstate;
	out->carrier = li.carrier;
	out->linkwatch_pending = li.linkwatch_pending;
	out->mtu = li.mtu;
	return 0;
}
