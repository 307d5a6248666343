/* clients/churn.c - the churn script of the OVS event-driven series' test.
 *
 * The cover letter of "[PATCH v2 0/8] netdev-linux: Use event-driven netlink
 * notifications" (sources/ovs-event-driven-series.md) times "a small script
 * that churns (deletes and recreates) some ovs ports (veths) in a way an SDN
 * would do". The script itself was not published; this follows the
 * reconstruction of reference/clients.md §4.1 (OVS's ADD_VETH recipe in
 * tests/system-common-macros.at, CNI practice), per interface i:
 *
 *   ip netns add ns<i>                          (pod_netns=on)
 *   ip link add h<i> type veth peer name p<i>
 *   ip link set p<i> netns ns<i>                (pod_netns=on)
 *   ip link set h<i> up
 *   ip -n ns<i> link set p<i> up                (ip link set p<i> up: pod_netns=off)
 *   ovs-vsctl add-port br0 h<i>
 * and to remove it
 *   ovs-vsctl del-port br0 h<i>                 (order=delport_first)
 *   ip link del h<i>                            (before del-port: link_first)
 * in one of three orders: variant=add_all_del_all (every interface added, then
 * every one removed), in_place (all added, then each removed and added again)
 * or one_by_one (each interface added and removed before the next: the
 * bridge never holds more than one churned port).
 *
 * Every `ip` is a new process: it pays ip_exec_us of process start, opens a
 * NEW simulated NETLINK_ROUTE socket (in ns<i> for `ip -n`), sends one
 * request and waits for the ACK (clients/iproute.c), so it pays whatever the
 * kernel model charges, RTNL waits included. `ip netns add` creates the
 * namespace directly (kernel_netns_add, no netlink): its process start, lo's
 * registration under RTNL and netns_rtnl delayed calls (netns_add below).
 * Every `ovs-vsctl` pays vsctl_exec_us (process start, OVSDB
 * connection and transaction) and then blocks until vswitchd applied the
 * change (ovs-vsctl's wait_for_reload, clients.md §4.1). Time passes only
 * there: the script does nothing in between, as a shell script that runs the
 * commands back to back.
 *
 * The defaults of the process-start costs: ip_exec_us = 1000 is derived from
 * a measurement (reference/anchors.md: 20 x (`ip link set up`, `sleep
 * 0.01`, `ip link set down`, `sleep 0.01`) took 0.47 s, i.e. 1.75 ms per `ip`
 * plus `sleep` process pair above the 10 ms sleeps); vsctl_exec_us = 5000 is
 * assumed (fork/exec of ovs-vsctl, unix-socket connection to ovsdb-server,
 * schema fetch and transaction commit, before the wait for vswitchd).
 * scenarios/ovs-churn.nls replaces both with costs measured on a real kernel
 * and a real ovs-vsctl (scripts/measure-churn-costs.sh), scaled to the
 * published machine (docs/reproductions/ovs-event-driven.md).
 */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clients/churn.h"
#include "clients/client.h"
#include "clients/iproute.h"
#include "clients/ovs.h"
#include "model/kernel.h"
#include "sim/ipmon.h"
#include "sim/metrics.h"
#include "sim/scenario.h"
#include "sim/transport.h"

enum churn_variant { CHURN_ADD_ALL_DEL_ALL, CHURN_IN_PLACE, CHURN_ONE_BY_ONE };

static const char *const churn_variant_names[] = {
	[CHURN_ADD_ALL_DEL_ALL] = "add_all_del_all", [CHURN_IN_PLACE] = "in_place",
	[CHURN_ONE_BY_ONE] = "one_by_one",
};


struct churn {
	struct client_env env;
	struct sim_engine *e;
	struct kernel *k;
	struct ovs *ovs;
	int n;
	enum churn_variant variant;
	bool netns, delport_first, use_ovs;
	sim_time_t ip_exec, vsctl_exec;
	int netns_rtnl;		/* rtnl_lock() calls of one namespace creation */
	long ip_cmds, vsctl_cmds, errors;
	sim_time_t vsctl_wait, add_time, del_time;
};

static void churn_log(struct churn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void churn_log(struct churn *c, const char *fmt, ...)
{
	char line[512];
	int off = ipmon_format_timestamp(sim_now(c->e), line, sizeof(line));
	va_list ap;

	off += snprintf(line + off, sizeof(line) - (size_t)off, "churn: ");
	va_start(ap, fmt);
	vsnprintf(line + off, sizeof(line) - (size_t)off - 1, fmt, ap);
	va_end(ap);
	strcat(line, "\n");
	c->env.print(c->env.rctx, line);
}

/* A failed command is reported and counted; the script goes on (set -e is
 * not what an SDN agent does, and the time of the rest still counts). */
static void churn_check(struct churn *c, int err, const char *cmd, int i)
{
	if (err >= 0)
		return;
	c->errors++;
	churn_log(c, "%s (interface %d) failed: %s", cmd, i, strerror(-err));
}

/* One `ip` process: start it, open its socket in @net. */
static int ip_begin(struct churn *c, struct net *net)
{
	c->ip_cmds++;
	sim_task_sleep(c->e, c->ip_exec);
	return sim_socket_open(c->env.w, net);
}

static void ip_end(struct churn *c, int fd, int err, const char *cmd, int i)
{
	if (fd >= 0)
		close(fd);
	churn_check(c, fd < 0 ? fd : err, cmd, i);
}

static struct ovs *churn_ovs(struct churn *c)
{
	if (!c->ovs && c->use_ovs)
		c->ovs = ovs_find(c->env.w);
	return c->ovs;
}

/* One `ovs-vsctl add-port|del-port br0 NAME`. */
static void vsctl(struct churn *c, bool add, const char *name, int i)
{
	struct ovs *o;
	sim_time_t t;
	int err;

	if (!c->use_ovs)
		return;
	c->vsctl_cmds++;
	sim_task_sleep(c->e, c->vsctl_exec);
	o = churn_ovs(c);
	if (!o) {
		churn_check(c, -ESRCH, "ovs-vsctl (no `client ovs` running)", i);
		return;
	}
	t = sim_now(c->e);
	err = add ? ovs_vsctl_add_port(o, name) : ovs_vsctl_del_port(o, name);
	c->vsctl_wait += sim_now(c->e) - t;
	churn_check(c, err, add ? "ovs-vsctl add-port" : "ovs-vsctl del-port", i);
}

/* `ip netns add`: setup_net from the script's task. lo registers through
 * register_netdev(), under RTNL for cost.register, class register: its
 * rtnl_lock_killable() is not what delay-kfunc hooks (loopback_net_init).
 * Then netns_rtnl holds of cost.register each, class driver, pay the
 * injected delay like any out-of-line rtnl_lock(). On Debian's 6.1, 6.12 and 7.2
 * builds (scripts/check-rtnl-inlining.sh) setup_net itself calls rtnl_lock()
 * at most on its error path; what remains is one call per loaded IPv4 tunnel
 * type (ip_tunnel_init_net: tunl0, gre0, gretap0, erspan0, ip_vti0), the
 * IPv6 tunnels registering theirs through register_netdev. A fitted
 * netns_rtnl above that stands for other delayed work on the script's
 * path. */
static struct net *netns_add(struct churn *c, const char *name, int i)
{
	struct net *net = NULL;
	double hold = 0;
	int err;

	c->ip_cmds++;
	sim_task_sleep(c->e, c->ip_exec);
	err = kernel_netns_add(c->k, name, &net);
	churn_check(c, err, "ip netns add", i);
	kernel_param_get(c->k, "cost.register", &hold);
	for (int n = 0; !err && n < c->netns_rtnl; n++)
		kernel_rtnl_hold(c->k, RTNL_CLASS_DRIVER, (ktime_t)(hold * 1000));
	return err ? NULL : net;
}

static void names(int i, char *h, char *p, char *ns)
{
	snprintf(h, IFNAMSIZ, "h%d", i);
	snprintf(p, IFNAMSIZ, "p%d", i);
	snprintf(ns, 32, "ns%d", i);
}

static void add_iface(struct churn *c, int i)
{
	struct net *init = c->env.net, *pod = init;
	char h[IFNAMSIZ], p[IFNAMSIZ], ns[32];
	sim_time_t t0 = sim_now(c->e);
	int fd, err = 0;

	names(i, h, p, ns);
	if (c->netns) {
		pod = kernel_netns_get(c->k, ns);
		if (!pod)	/* in_place reuses the namespace */
			pod = netns_add(c, ns, i);
		if (!pod)
			return;
	}
	fd = ip_begin(c, init);
	if (fd >= 0)
		err = ip_link_add_veth(fd, h, p, 0);
	ip_end(c, fd, err, "ip link add", i);
	if (c->netns) {
		fd = ip_begin(c, init);
		if (fd >= 0)
			err = ip_link_set_netns(fd, p, kernel_netns_pid(pod));
		ip_end(c, fd, err, "ip link set netns", i);
	}
	fd = ip_begin(c, init);
	if (fd >= 0)
		err = ip_link_set_up(fd, h, true);
	ip_end(c, fd, err, "ip link set up", i);
	fd = ip_begin(c, pod);
	if (fd >= 0)
		err = ip_link_set_up(fd, p, true);
	ip_end(c, fd, err, "ip -n link set up", i);
	vsctl(c, true, h, i);
	c->add_time += sim_now(c->e) - t0;
}

static void del_iface(struct churn *c, int i)
{
	char h[IFNAMSIZ], p[IFNAMSIZ], ns[32];
	sim_time_t t0 = sim_now(c->e);
	int fd, err = 0;

	names(i, h, p, ns);
	if (c->delport_first)
		vsctl(c, false, h, i);
	fd = ip_begin(c, c->env.net);
	if (fd >= 0)
		err = ip_link_del(fd, h);
	ip_end(c, fd, err, "ip link del", i);
	if (!c->delport_first)
		vsctl(c, false, h, i);
	c->del_time += sim_now(c->e) - t0;
}

static void put_metrics(struct churn *c, sim_time_t start, sim_time_t setup_end)
{
	sim_time_t end = sim_now(c->e);
	struct metrics *m = c->env.m;

	metrics_set(m, "churn.total_s", (double)(end - start) / 1e9);
	if (c->variant == CHURN_IN_PLACE)
		metrics_set(m, "churn.setup_s", (double)(setup_end - start) / 1e9);
	metrics_set(m, "churn.add_s", (double)c->add_time / 1e9);
	metrics_set(m, "churn.del_s", (double)c->del_time / 1e9);
	metrics_set(m, "churn.vsctl_wait_s", (double)c->vsctl_wait / 1e9);
	metrics_set(m, "churn.ip_commands", (double)c->ip_cmds);
	metrics_set(m, "churn.vsctl_commands", (double)c->vsctl_cmds);
	metrics_set(m, "churn.errors", (double)c->errors);
	metrics_set(m, "churn.ifaces", (double)c->n);
}

static void churn_task(void *arg)
{
	struct churn *c = arg;
	sim_time_t start = sim_now(c->e), setup_end;

	for (int i = 0; i < c->n; i++) {
		add_iface(c, i);
		if (c->variant == CHURN_ONE_BY_ONE)
			del_iface(c, i);
	}
	setup_end = sim_now(c->e);
	for (int i = 0; i < c->n && c->variant != CHURN_ONE_BY_ONE; i++) {
		del_iface(c, i);
		if (c->variant == CHURN_IN_PLACE)
			add_iface(c, i);
	}
	put_metrics(c, start, setup_end);
	churn_log(c, "done: %d interfaces (%s, pod_netns %s, %s): %ld ip, %ld ovs-vsctl commands, "
		  "%ld errors, %.6f s", c->n,
		  churn_variant_names[c->variant],
		  c->netns ? "on" : "off", c->delport_first ? "delport_first" : "link_first",
		  c->ip_cmds, c->vsctl_cmds, c->errors, (double)(sim_now(c->e) - start) / 1e9);
	free(c);
}

/* ---- options ------------------------------------------------------------------ */

static int opt_choice(const struct client_env *env, const char *key, const char *a,
		      const char *b, bool *is_a, char *why, size_t len)
{
	const char *v = env->opt(env->action, key);

	if (!v)
		return 0;
	if (strcmp(v, a) && strcmp(v, b)) {
		snprintf(why, len, "%s='%s': expected %s or %s", key, v, a, b);
		return -EINVAL;
	}
	*is_a = !strcmp(v, a);
	return 0;
}

static int opt_num(const struct client_env *env, const char *key, long lo, long hi, long *out,
		   char *why, size_t len)
{
	const char *v = env->opt(env->action, key);
	char *end;
	long n;

	if (!v)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi) {
		snprintf(why, len, "%s='%s': expected an integer in %ld..%ld", key, v, lo, hi);
		return -EINVAL;
	}
	*out = n;
	return 0;
}

static int opt_variant(const struct client_env *env, enum churn_variant *out, char *why,
		       size_t len)
{
	const char *v = env->opt(env->action, "variant");

	*out = CHURN_ADD_ALL_DEL_ALL;
	if (!v)
		return 0;
	for (int i = 0; i < (int)(sizeof(churn_variant_names) / sizeof(*churn_variant_names)); i++)
		if (strcmp(v, churn_variant_names[i]) == 0) {
			*out = i;
			return 0;
		}
	snprintf(why, len, "variant='%s': expected one_by_one, add_all_del_all or in_place", v);
	return -EINVAL;
}

static const char *const known_opts[] = {
	"ifaces", "variant", "pod_netns", "order", "ovs", "ip_exec_us", "vsctl_exec_us",
	"netns_rtnl", NULL,
};

/* The options into @c: 0, or -EINVAL with the first bad one in @why. Both
 * the scenario check and churn_start() read them here. */
static int churn_options(struct churn *c, const struct client_env *env, char *why, size_t len)
{
	long n = 10, ip_us = CHURN_IP_EXEC_US, vsctl_us = CHURN_VSCTL_EXEC_US, nsr = 1;
	bool netns_on = true, delport = true, ovs_on = true;
	int err;

	err = client_opts_known(env, known_opts, why, len) ?:
	      opt_num(env, "ifaces", 1, CHURN_MAX_IFACES, &n, why, len) ?:
	      opt_num(env, "ip_exec_us", 0, 10000000, &ip_us, why, len) ?:
	      opt_num(env, "vsctl_exec_us", 0, 10000000, &vsctl_us, why, len) ?:
	      opt_num(env, "netns_rtnl", 0, 1000, &nsr, why, len) ?:
	      opt_variant(env, &c->variant, why, len) ?:
	      opt_choice(env, "pod_netns", "on", "off", &netns_on, why, len) ?:
	      opt_choice(env, "order", "delport_first", "link_first", &delport, why, len) ?:
	      opt_choice(env, "ovs", "on", "off", &ovs_on, why, len);
	c->n = (int)n;
	c->ip_exec = ip_us * SIM_NSEC_PER_USEC;
	c->vsctl_exec = vsctl_us * SIM_NSEC_PER_USEC;
	c->netns_rtnl = (int)nsr;
	c->netns = netns_on;
	c->delport_first = delport;
	c->use_ovs = ovs_on;
	return err;
}

/* churn_check_opts - the options of `client churn`, while the scenario is read. */
int churn_check_opts(const struct client_env *env, char *why, size_t len)
{
	struct churn c = { .n = 0 };

	return churn_options(&c, env, why, len);
}

/* churn_start - `client churn ...`: read the options, spawn the script. */
void churn_start(const struct client_env *env)
{
	struct churn *c = calloc(1, sizeof(*c));
	char why[256];

	if (!c)
		return;
	c->env = *env;
	c->e = sim_world_engine(env->w);
	c->k = sim_world_kernel(env->w);
	if (churn_options(c, env, why, sizeof(why))) {
		/* the scenario check refused these already, unless skipped */
		fprintf(stderr, "nlsim: client churn: %s\n", why);
		metrics_add(env->m, "churn.errors", 1);
		free(c);
		return;
	}
	sim_task_spawn(c->e, "churn", churn_task, c, 0);
}
