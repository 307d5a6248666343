/* tests/test_ovs.c - the Open vSwitch model (clients/ovs*.c) and the kernel
 * calls it makes (model/dev_ioctl.c, ethtool.c, openvswitch.c,
 * rtnetlink_misc.c).
 *
 * Request counts. Each count test builds a v6.18 world with P+1 veth pairs
 * h<i>/p<i> (each p<i> in its own namespace ns<i>, both ends up, as the
 * churn script leaves them), starts `client ovs variant=...`, adds
 * h0..h<P-1> to br0 with ovs-vsctl, then, at fixed times:
 *   5.5 s  ovs-vsctl add-port br0 hP     (window "add", 1 s)
 *   6.5 s  ovs-vsctl del-port br0 hP     (window "del", 1 s)
 *   7.5 s  ip link del hP                (window "link_del", 1 s)
 *   8.5 s .. 28.5 s nothing              (window "idle", 20 s)
 * and counts the requests vswitchd made in each window (metrics
 * ovs.requests.<type>). STATS rounds run at ~0, 5, 10, ... s (each one
 * 2 x ovs.db_latency later than the last), so 10, 15, 20 and 25 s fall in
 * the idle window and none in the others. The comments derive every
 * count from clients.md §2.3-§2.6 (main) and §3.2-§3.3 (series) as the
 * model implements them; OVS_TEST_VERBOSE=1 prints vswitchd's iterations
 * (option log=on) and the counts.
 */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/fib_rules.h>
#include <linux/if.h>
#include <linux/pkt_sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "clients/client.h"
#include "clients/iproute.h"
#include "clients/ovs.h"
#include "model/kernel.h"
#include "sim/metrics.h"
#include "tests/stub_nl.h"
#include "tests/testutil.h"

#define P 3
#define SEC 1000000000LL
#define MS 1000000LL

static char rbuf[65536];

/* ---- the OVS harness --------------------------------------------------------------- */

enum { W_ADD, W_DEL, W_LINKDEL, W_IDLE, W_MAX };

static const char *const types[] = {
	"getlink", "getlink_stats", "siocgifflags", "siocgif_fallback", "ethtool_gset",
	"ethtool_drvinfo",
	"getqdisc", "delqdisc", "rule_dump", "route_dump", "vport_add", "vport_del",
	"vport_get", "rtnl",
};
#define NTYPES (sizeof(types) / sizeof(types[0]))
#define NEXTRA 5	/* rounds reconfigure, conn, route; enobufs netdev, link */

struct run {
	struct sim_world *w;
	struct metrics *m;
	const char *variant, *rcvbuf;
	void (*script)(struct run *r, struct ovs *o, int ip);	/* after the P adds */
	int errors;
	double at[W_MAX + 1][NTYPES + NEXTRA];	/* snapshots: types, then rounds */
	double d[W_MAX][NTYPES + NEXTRA];
};

static const char *opt_fn(const void *action, const char *key)
{
	const struct run *r = action;

	if (strcmp(key, "log") == 0)
		return getenv("OVS_TEST_VERBOSE") ? "on" : NULL;
	if (strcmp(key, "rcvbuf") == 0)
		return r->rcvbuf;
	return strcmp(key, "variant") == 0 ? r->variant : NULL;
}

static void print_line(void *rctx, const char *line)
{
	(void)rctx;
	if (getenv("OVS_TEST_VERBOSE"))
		fputs(line, stderr);
}

static const char *const round_keys[NEXTRA] = { "ovs.rounds.reconfigure", "ovs.rounds.conn",
					       "ovs.rounds.route", "ovs.enobufs.netdev",
					       "ovs.enobufs.link" };

static void snap(struct run *r, int i)
{
	char key[64];

	for (size_t t = 0; t < NTYPES; t++) {
		snprintf(key, sizeof(key), "ovs.requests.%s", types[t]);
		r->at[i][t] = metrics_get(r->m, key);
	}
	for (int k = 0; k < NEXTRA; k++)
		r->at[i][NTYPES + k] = metrics_get(r->m, round_keys[k]);
}

static void sleep_until(struct run *r, long long t)
{
	struct sim_engine *e = sim_world_engine(r->w);

	if (sim_now(e) < t)
		sim_task_sleep(e, t - sim_now(e));
}

/* The standard timeline of the header comment. */
static void script_windows(struct run *r, struct ovs *o, int ip)
{
	char h[16];

	snprintf(h, sizeof(h), "h%d", P);
	sleep_until(r, 5500 * MS);
	snap(r, W_ADD);
	r->errors += ovs_vsctl_add_port(o, h) != 0;
	sleep_until(r, 6500 * MS);
	snap(r, W_DEL);
	r->errors += ovs_vsctl_del_port(o, h) != 0;
	sleep_until(r, 7500 * MS);
	snap(r, W_LINKDEL);
	r->errors += ip_link_del(ip, h) != 0;
	sleep_until(r, 8500 * MS);
	snap(r, W_IDLE);
	sleep_until(r, 28500 * MS);
	snap(r, W_MAX);
	/* the API's errors */
	r->errors += ovs_vsctl_del_port(o, "nope") != -ENOENT;
	r->errors += ovs_vsctl_add_port(o, "h0") != -EEXIST;
	r->errors += ovs_vsctl_add_port(o, "a-name-too-long-for-linux") != -EINVAL;
}

static void driver(void *arg)
{
	struct run *r = arg;
	struct kernel *k = sim_world_kernel(r->w);
	int ip = sim_socket_open(r->w, kernel_init_net(k));
	struct ovs *o = ovs_find(r->w);
	char h[16], p[16], ns[16];

	if (ip < 0 || !o) {
		r->errors++;
		return;
	}
	for (int i = 0; i <= P; i++) {
		struct net *n;
		int fd;

		snprintf(h, sizeof(h), "h%d", i);
		snprintf(p, sizeof(p), "p%d", i);
		snprintf(ns, sizeof(ns), "ns%d", i);
		r->errors += kernel_netns_add(k, ns, &n) != 0;
		r->errors += ip_link_add_veth(ip, h, p, kernel_netns_pid(n)) != 0;
		r->errors += ip_link_set_up(ip, h, true) != 0;
		fd = sim_socket_open(r->w, n);
		r->errors += fd < 0 || ip_link_set_up(fd, p, true) != 0;
		close(fd);
	}
	sleep_until(r, 2 * SEC);
	for (int i = 0; i < P; i++) {
		snprintf(h, sizeof(h), "h%d", i);
		r->errors += ovs_vsctl_add_port(o, h) != 0;
	}
	r->script(r, o, ip);
	close(ip);
}

/* Build the world, run @script for @variant to 32 s; deltas in r->d. */
static void run_variant(struct run *r, const char *variant,
			void (*script)(struct run *r, struct ovs *o, int ip))
{
	const struct client_kind *ck = client_kind_find("ovs");
	struct client_env env;

	r->variant = variant;
	r->script = script;
	r->w = sim_world_create(1, "v6.18");
	r->m = metrics_create();
	REQUIRE(r->w && r->m && ck);
	env = (struct client_env){
		.w = r->w, .net = kernel_init_net(sim_world_kernel(r->w)), .m = r->m,
		.end = 32 * SEC, .opt = opt_fn, .action = r, .print = print_line,
	};
	ck->start(&env);
	REQUIRE(ovs_find(r->w) != NULL);
	sim_task_spawn(sim_world_engine(r->w), "driver", driver, r, 0);
	sim_engine_run_idle(sim_world_engine(r->w), 40 * SEC);
	ASSERT_EQ_INT(r->errors, 0);
	REQUIRE(ovs_find(r->w) == NULL);	/* the instance ended with the run */
	for (int wi = 0; wi < W_MAX; wi++)
		for (size_t t = 0; t < NTYPES + NEXTRA; t++)
			r->d[wi][t] = r->at[wi + 1][t] - r->at[wi][t];
	if (getenv("OVS_TEST_VERBOSE")) {
		static const char *const wn[W_MAX] = { "add", "del", "link_del", "idle" };

		for (int wi = 0; wi < W_MAX; wi++) {
			fprintf(stderr, "%s %-8s", variant, wn[wi]);
			for (size_t t = 0; t < NTYPES; t++)
				if (r->d[wi][t])
					fprintf(stderr, " %s=%g", types[t], r->d[wi][t]);
			fprintf(stderr, "  rounds reconf=%g conn=%g route=%g enobufs nd=%g link=%g\n",
				r->d[wi][NTYPES], r->d[wi][NTYPES + 1], r->d[wi][NTYPES + 2],
				r->d[wi][NTYPES + 3], r->d[wi][NTYPES + 4]);
		}
	}
}

static double req(const struct run *r, int window, const char *type)
{
	for (size_t t = 0; t < NTYPES; t++)
		if (strcmp(types[t], type) == 0)
			return r->d[window][t];
	if (strcmp(type, "reconfigure") == 0)
		return r->d[window][NTYPES];
	if (strcmp(type, "conn") == 0)
		return r->d[window][NTYPES + 1];
	if (strcmp(type, "route") == 0)
		return r->d[window][NTYPES + 2];
	if (strcmp(type, "enobufs_netdev") == 0)
		return r->d[window][NTYPES + 3];
	if (strcmp(type, "enobufs_link") == 0)
		return r->d[window][NTYPES + 4];
	CU_FAIL("unknown request type");
	return -1;
}

static void fini(struct run *r)
{
	metrics_destroy(r->m);
	ASSERT_EQ_INT(sim_world_destroy(r->w), 0);
}

/* ---- per port add, delete and idle ----------------------------------------------------- */

/* main, P = 3 ports before the add.
 *
 * add-port hP, iteration A (the database change; clients.md §2.6):
 *   RECONF: port dump, 1 vport_get per existing port (3); iface_create:
 *   SIOCGIFFLAGS; dpif_port_exists (vport_get) then OVS_VPORT_CMD_NEW (the
 *   kernel sends 2 RTM_NEWLINK: IFLA_MASTER, promiscuity); update_port:
 *   vport_get, ofport_open = etheraddr (GETLINK, whose netnsid lookup is a
 *   vport_get) + get_flags (GETLINK) + get_carrier (GETLINK) + features
 *   (ETHTOOL_GSET): 3 GETLINK; per port QoS: GETQDISC and DELQDISC for hP
 *   only; the trailing bridge_run__: CONN, P+1 = 4 GETLINK; cur_cfg
 *   (ovs-vsctl returns); the forced status pass: 2 x 4 = 8 GETLINK and
 *   hP's GDRVINFO, committed (hP's row is new); netdev_linux_run: hP's 2
 *   NEWLINKs clear its FEATURES/POLICING and, carrying a MAC, call
 *   rtnetlink_report_link(): ROUTE now (1 rule + 5 route dumps) and
 *   RECONF next.   GETLINK 3 + 4 + 8 = 15.
 * iteration B: the shared socket's 2 NEWLINKs (RECONF, ROUTE again);
 *   datapath port event (vport_get); CONN: 4 GETLINK; update_port(hP):
 *   vport_get + flags, carrier (2 GETLINK) + GSET; RECONF: port dump (4
 *   vport_get), DELQDISC for hP; the forced status pass is skipped: A's
 *   status transaction is still in flight, and its completion (iteration
 *   C) clears status_txn_try_again (bridge.c run_status_update), so
 *   clients.md §2.6's second 2(P+1) does not happen.   GETLINK 6.
 * iteration D: the connectivity seq moved since A's pass: hP's status
 *   only (flags, carrier).   GETLINK 2.
 * Total 23 GETLINK = 4P + 11 (clients.md: ~6P+11 with both forced passes),
 * + 2 GSET, 1 GDRVINFO, 1 GETQDISC, 2 DELQDISC, 1 vport add: 30 RTNL
 * requests; vport_get 3+1+1+1 + 1+1+4 = 12; 2 ROUTE rounds.
 *
 * del-port hP: RECONF: OVS_VPORT_CMD_DEL (2 NEWLINKs for hP), port dump of
 *   the 3 others, the trailing bridge_run__'s datapath event (vport_get),
 *   forced status of 3 ports = 6 GETLINK (nothing changed: TXN_UNCHANGED,
 *   nothing in flight); next iteration: the NEWLINKs on the shared socket
 *   (hP is no longer open: netdev-linux ignores them) -> RECONF (3
 *   vport_get) + forced status 6 GETLINK + ROUTE.  12 GETLINK = 4P.
 * ip link del hP: NEWLINK (down) and DELLINK reach the shared socket in
 *   two iterations (vswitchd runs while the kernel still unregisters):
 *   2 x (RECONF: 3 vport_get, forced status 6 GETLINK, ROUTE).  12 GETLINK.
 * idle 20 s: 4 STATS rounds x P x (vport_get + GETLINK with stats).
 */
static void main_counts_per_add_delete_idle(void)
{
	struct run r = { 0 };

	run_variant(&r, "main", script_windows);
	ASSERT_EQ_INT(req(&r, W_ADD, "getlink"), 4 * P + 11);
	ASSERT_EQ_INT(req(&r, W_ADD, "siocgifflags"), 1);
	ASSERT_EQ_INT(req(&r, W_ADD, "ethtool_gset"), 2);
	ASSERT_EQ_INT(req(&r, W_ADD, "ethtool_drvinfo"), 1);
	ASSERT_EQ_INT(req(&r, W_ADD, "getqdisc"), 1);
	ASSERT_EQ_INT(req(&r, W_ADD, "delqdisc"), 2);
	ASSERT_EQ_INT(req(&r, W_ADD, "vport_add"), 1);
	ASSERT_EQ_INT(req(&r, W_ADD, "vport_get"), 12);
	ASSERT_EQ_INT(req(&r, W_ADD, "rtnl"), 4 * P + 18);
	ASSERT_EQ_INT(req(&r, W_ADD, "rule_dump"), 2);
	ASSERT_EQ_INT(req(&r, W_ADD, "route_dump"), 10);
	ASSERT_EQ_INT(req(&r, W_ADD, "reconfigure"), 2);
	ASSERT_EQ_INT(req(&r, W_ADD, "conn"), 2);

	ASSERT_EQ_INT(req(&r, W_DEL, "getlink"), 4 * P);
	ASSERT_EQ_INT(req(&r, W_DEL, "vport_del"), 1);
	ASSERT_EQ_INT(req(&r, W_DEL, "rtnl"), 4 * P + 1);
	ASSERT_EQ_INT(req(&r, W_DEL, "vport_get"), 2 * P + 1);
	ASSERT_EQ_INT(req(&r, W_DEL, "route_dump"), 5);
	ASSERT_EQ_INT(req(&r, W_DEL, "conn"), 0);

	ASSERT_EQ_INT(req(&r, W_LINKDEL, "getlink"), 4 * P);
	ASSERT_EQ_INT(req(&r, W_LINKDEL, "rtnl"), 4 * P);
	ASSERT_EQ_INT(req(&r, W_LINKDEL, "reconfigure"), 2);
	ASSERT_EQ_INT(req(&r, W_LINKDEL, "route_dump"), 10);

	ASSERT_EQ_INT(req(&r, W_IDLE, "getlink"), 0);
	ASSERT_EQ_INT(req(&r, W_IDLE, "getlink_stats"), 4 * P);
	ASSERT_EQ_INT(req(&r, W_IDLE, "vport_get"), 4 * P);
	ASSERT_EQ_INT(req(&r, W_IDLE, "rtnl"), 4 * P);
	ASSERT_EQ_INT(req(&r, W_IDLE, "reconfigure"), 0);
	fini(&r);
}

/* series, same timeline (clients.md §3.2, §3.3): flags and carrier come
 * from the cache, so no round costs P.
 * add-port hP, iteration A: as main but ofport_open's etheraddr GETLINK is
 *   the only GETLINK (it validates the flags after the open); CONN and the
 *   forced status pass read the cache; hP's NEWLINKs wait for the shared
 *   socket's next drain (no rtnetlink_report_link, no ROUTE in A).
 * iteration B: the NEWLINKs feed netdev-linux (FEATURES, POLICING
 *   cleared), the bridge (RECONF: DELQDISC) and the route table (ROUTE);
 *   update_port(hP): GSET.  Total: 1 GETLINK, 2 GSET, 1 GDRVINFO,
 *   1 GETQDISC, 2 DELQDISC, 1 vport add = 8 RTNL requests, independent
 *   of P.
 * del-port: the vport delete only (1 RTNL); ip link del: nothing taking
 *   RTNL (2 RECONF that only query the datapath, 2 ROUTE).
 * idle: the same STATS as main (unchanged by the series).
 */
static void series_counts_per_add_delete_idle(void)
{
	struct run r = { 0 };

	run_variant(&r, "series", script_windows);
	ASSERT_EQ_INT(req(&r, W_ADD, "getlink"), 1);
	ASSERT_EQ_INT(req(&r, W_ADD, "ethtool_gset"), 2);
	ASSERT_EQ_INT(req(&r, W_ADD, "ethtool_drvinfo"), 1);
	ASSERT_EQ_INT(req(&r, W_ADD, "getqdisc"), 1);
	ASSERT_EQ_INT(req(&r, W_ADD, "delqdisc"), 2);
	ASSERT_EQ_INT(req(&r, W_ADD, "vport_add"), 1);
	ASSERT_EQ_INT(req(&r, W_ADD, "rtnl"), 8);
	ASSERT_EQ_INT(req(&r, W_ADD, "route_dump"), 5);
	ASSERT_EQ_INT(req(&r, W_ADD, "reconfigure"), 2);

	ASSERT_EQ_INT(req(&r, W_DEL, "getlink"), 0);
	ASSERT_EQ_INT(req(&r, W_DEL, "rtnl"), 1);
	ASSERT_EQ_INT(req(&r, W_DEL, "vport_del"), 1);

	ASSERT_EQ_INT(req(&r, W_LINKDEL, "rtnl"), 0);
	ASSERT_EQ_INT(req(&r, W_LINKDEL, "reconfigure"), 2);
	ASSERT_EQ_INT(req(&r, W_LINKDEL, "route_dump"), 10);

	ASSERT_EQ_INT(req(&r, W_IDLE, "getlink_stats"), 4 * P);
	ASSERT_EQ_INT(req(&r, W_IDLE, "vport_get"), 4 * P);
	ASSERT_EQ_INT(req(&r, W_IDLE, "rtnl"), 4 * P);
	fini(&r);
}

/* ---- events that are not about OVS ports ---------------------------------------------------- */

/* A dummy toggled in a pod namespace (ns0, which has an nsid here) and
 * one in the host namespace, 5 times each, in separate windows. */
static void script_foreign_events(struct run *r, struct ovs *o, int ip)
{
	struct net *ns0 = kernel_netns_get(sim_world_kernel(r->w), "ns0");
	int fd = sim_socket_open(r->w, ns0);

	(void)o;
	sleep_until(r, 5500 * MS);
	r->errors += ip_link_add_kind(fd, "pod0", "dummy") != 0;
	r->errors += ip_link_add_kind(ip, "host0", "dummy") != 0;
	sleep_until(r, 6000 * MS);
	snap(r, W_ADD);
	for (int i = 0; i < 5; i++) {
		r->errors += ip_link_set_up(fd, "pod0", i % 2 == 0) != 0;
		sleep_until(r, 6000 * MS + (i + 1) * 100 * MS);
	}
	sleep_until(r, 7000 * MS);
	snap(r, W_DEL);
	for (int i = 0; i < 5; i++) {
		r->errors += ip_link_set_up(ip, "host0", i % 2 == 0) != 0;
		sleep_until(r, 7000 * MS + (i + 1) * 100 * MS);
	}
	sleep_until(r, 8000 * MS);
	snap(r, W_LINKDEL);
	snap(r, W_IDLE);
	snap(r, W_MAX);
	close(fd);
}

/* clients.md §4.2: events of other namespaces never reach main's shared
 * socket (host only) and are filtered by nsid in the series: no round.
 * Host events of devices outside OVS cost a RECONF and a ROUTE each in
 * both; main pays 2P GETLINK in each RECONF's forced status pass, the
 * series nothing. */
static void foreign_events_rounds(void)
{
	const char *variants[2] = { "main", "series" };

	for (int v = 0; v < 2; v++) {
		struct run r = { 0 };

		run_variant(&r, variants[v], script_foreign_events);
		ASSERT_EQ_INT(req(&r, W_ADD, "reconfigure"), 0);
		ASSERT_EQ_INT(req(&r, W_ADD, "route"), 0);
		ASSERT_EQ_INT(req(&r, W_ADD, "rtnl"), 0);
		ASSERT_EQ_INT(req(&r, W_DEL, "reconfigure"), 5);
		ASSERT_EQ_INT(req(&r, W_DEL, "route"), 5);
		ASSERT_EQ_INT(req(&r, W_DEL, "getlink"), v == 0 ? 5 * 2 * P : 0);
		fini(&r);
	}
}

/* ---- overflow ------------------------------------------------------------------------------ */

/* 40 MTU changes of h0 in one burst while vswitchd works through them. */
static void script_flood(struct run *r, struct ovs *o, int ip)
{
	(void)o;
	sleep_until(r, 5500 * MS);
	snap(r, W_ADD);
	for (int i = 0; i < 40; i++)
		r->errors += ip_link_set_mtu(ip, "h0", 1400 + (unsigned int)(i % 2)) != 0;
	sleep_until(r, 6500 * MS);
	snap(r, W_DEL);
	snap(r, W_LINKDEL);
	snap(r, W_IDLE);
	snap(r, W_MAX);
}

/* rcvbuf=2304 gives each socket 4608 bytes: one ~1.5 KB RTM_NEWLINK (2304
 * bytes of truesize) fits, the next overruns (kernel.md §4.3). main: the
 * netdev-linux socket's ENOBUFS re-reads the flags of every port by
 * SIOCGIFFLAGS (P per overflow, clients.md §2.7), the shared socket's is
 * reported without draining; series: no SIOCGIFFLAGS, each overflow drains
 * and invalidates every port, re-read lazily: 4 fields per port (flags,
 * etheraddr, ifindex, MTU), each by a GETLINK or its ioctl fallback. */
static void overflow_policies(void)
{
	struct run m = { .rcvbuf = "2304" }, s = { .rcvbuf = "2304" };
	double enobufs_nd, enobufs_link;

	run_variant(&m, "main", script_flood);
	enobufs_nd = req(&m, W_ADD, "enobufs_netdev");
	REQUIRE(enobufs_nd >= 1);
	REQUIRE(req(&m, W_ADD, "enobufs_link") >= 1);
	ASSERT_EQ_INT(req(&m, W_ADD, "siocgifflags"), P * enobufs_nd);
	fini(&m);

	run_variant(&s, "series", script_flood);
	enobufs_link = req(&s, W_ADD, "enobufs_link");
	REQUIRE(enobufs_link >= 1);
	ASSERT_EQ_INT(req(&s, W_ADD, "enobufs_netdev"), 0);
	ASSERT_EQ_INT(req(&s, W_ADD, "siocgifflags"), 0);
	/* lazily: CONN's get_flags re-reads each port by GETLINK; then each
	 * of etheraddr, ifindex (for the policing) and MTU (status) that is
	 * still invalid costs a GETLINK which, changing nothing, leaves it
	 * invalid, and the ioctl fallback (netdev_linux_get_mtu__ & co.; h0's
	 * new MTU came with the flags GETLINK, so its MTU costs nothing) */
	ASSERT_EQ_INT(req(&s, W_ADD, "getlink") - req(&s, W_ADD, "siocgif_fallback"),
		      P * enobufs_link);
	ASSERT_EQ_INT(req(&s, W_ADD, "siocgif_fallback"), 3 * P * enobufs_link - 1);
	fini(&s);
}

/* ---- ports whose device is missing or goes away --------------------------------- */

/* add-port of a device that does not exist yet: ovs-vsctl still returns
 * once cur_cfg moved; every reconfiguration retries iface_create (one
 * SIOCGIFFLAGS, ENODEV) until the device appears, then it is attached. */
static void script_missing(struct run *r, struct ovs *o, int ip)
{
	sleep_until(r, 5500 * MS);
	snap(r, W_ADD);
	r->errors += ovs_vsctl_add_port(o, "late0") != 0;
	sleep_until(r, 6000 * MS);
	snap(r, W_DEL);
	r->errors += ip_link_add_kind(ip, "late0", "dummy") != 0;
	sleep_until(r, 6500 * MS);
	snap(r, W_LINKDEL);
	snap(r, W_IDLE);
	snap(r, W_MAX);
}

static void missing_device_is_retried(void)
{
	struct run r = { 0 };

	run_variant(&r, "series", script_missing);
	ASSERT_EQ_INT(req(&r, W_ADD, "siocgifflags"), 1);
	ASSERT_EQ_INT(req(&r, W_ADD, "vport_add"), 0);
	/* the new dummy's RTM_NEWLINK: RECONF, SIOCGIFFLAGS succeeds */
	ASSERT_EQ_INT(req(&r, W_DEL, "siocgifflags"), 1);
	ASSERT_EQ_INT(req(&r, W_DEL, "vport_add"), 1);
	fini(&r);
}

/* ip link del of a port still in the bridge, then del-port (churn's
 * order=link_first): the datapath drops the vport when it notices the
 * device is gone and, before Toke's fix, takes RTNL once more for it
 * (model/openvswitch.c). */
static void script_link_first(struct run *r, struct ovs *o, int ip)
{
	const struct rtnl_class_stats *st =
		kernel_rtnl_stats(sim_world_kernel(r->w), RTNL_CLASS_GENETLINK);
	char h[16];

	snprintf(h, sizeof(h), "h%d", P - 1);
	sleep_until(r, 5500 * MS);
	r->at[W_ADD][0] = (double)st->acquisitions;
	r->errors += ip_link_del(ip, h) != 0;
	sleep_until(r, 6000 * MS);
	r->errors += ovs_vsctl_del_port(o, h) != 0;
	sleep_until(r, 6500 * MS);
	r->at[W_DEL][0] = (double)st->acquisitions;
	r->errors += kernel_link_info(kernel_init_net(sim_world_kernel(r->w)), h,
				      &(struct link_info){ 0 }) != -ENODEV;
	for (int i = W_LINKDEL; i <= W_MAX; i++)
		for (size_t t = 0; t < NTYPES + NEXTRA; t++)
			r->at[i][t] = 0;
}

static void link_first_destroy_takes_rtnl_before_the_fix(void)
{
	for (int fixed = 0; fixed < 2; fixed++) {
		struct run r = { 0 };
		const struct client_kind *ck = client_kind_find("ovs");
		struct client_env env;

		/* run_variant with a parameter set first */
		r.variant = "main";
		r.script = script_link_first;
		r.w = sim_world_create(1, "v6.18");
		r.m = metrics_create();
		REQUIRE(r.w && r.m && ck);
		ASSERT_EQ_INT(kernel_param_set(sim_world_kernel(r.w),
					       "openvswitch.destroy_rtnl_always",
					       fixed ? "off" : "on"), 0);
		env = (struct client_env){
			.w = r.w, .net = kernel_init_net(sim_world_kernel(r.w)), .m = r.m,
			.end = 10 * SEC, .opt = opt_fn, .action = &r, .print = print_line,
		};
		ck->start(&env);
		sim_task_spawn(sim_world_engine(r.w), "driver", driver, &r, 0);
		sim_engine_run_idle(sim_world_engine(r.w), 20 * SEC);
		ASSERT_EQ_INT(r.errors, 0);
		/* the worker's lock only: the reconfiguration after the
		 * DELLINK found the vport gone (port dump) and dropped the
		 * ofport, so del-port sends no OVS_VPORT_CMD_DEL */
		ASSERT_EQ_INT(r.at[W_DEL][0] - r.at[W_ADD][0], fixed ? 0 : 1);
		ASSERT_EQ_INT(metrics_get(r.m, "ovs.requests.vport_del"), 0);
		fini(&r);
	}
}

/* ---- the kernel calls ---------------------------------------------------------------------- */

struct kworld {
	struct sim_world *w;
	struct kernel *k;
	struct net *net;
	int ip, mon;
};

static void kw_init(struct kworld *kw, const char *profile)
{
	kw->w = sim_world_create(1, profile);
	REQUIRE(kw->w != NULL);
	kw->k = sim_world_kernel(kw->w);
	kw->net = kernel_init_net(kw->k);
	kw->ip = nl_open(kw->w, kw->net, false);
	ASSERT_EQ_INT(nl_veth_add(kw->ip, "v0", "v1"), 0);
	ASSERT_EQ_INT(nl_link_up(kw->ip, "v0", true), 0);
	ASSERT_EQ_INT(nl_link_up(kw->ip, "v1", true), 0);
	sim_engine_run_idle(sim_world_engine(kw->w), 3 * SEC);
	kw->mon = nl_open(kw->w, kw->net, true);
}

static void kw_fini(struct kworld *kw)
{
	sim_engine_run_idle(sim_world_engine(kw->w), 60 * SEC);
	ASSERT_EQ_INT(sim_world_destroy(kw->w), 0);
}

static uint64_t acq(const struct kworld *kw, int cls)
{
	return kernel_rtnl_stats(kw->k, cls)->acquisitions;
}

static uint64_t acq_all(const struct kworld *kw)
{
	uint64_t n = 0;

	for (int c = 0; c < RTNL_CLASS_MAX; c++)
		n += acq(kw, c);
	return n;
}

struct kcall {
	struct kworld *kw;
	int (*fn)(struct kcall *c);
	unsigned int cmd, flags;
	const char *name;
	int ret;
};

static void kcall_body(void *arg)
{
	struct kcall *c = arg;

	c->ret = c->fn(c);
}

/* Run a kernel call in a task (they may block). */
static int kcall(struct kworld *kw, int (*fn)(struct kcall *c), unsigned int cmd,
		 const char *name, unsigned int *flags)
{
	struct kcall c = { kw, fn, cmd, flags ? *flags : 0, name, 0 };

	sim_world_run_in_task(kw->w, "kcall", kcall_body, &c);
	if (flags)
		*flags = c.flags;
	return c.ret;
}

static int do_ioctl(struct kcall *c)
{
	return kernel_dev_ioctl(c->kw->net, c->cmd, c->name, &c->flags);
}

static int do_ethtool(struct kcall *c)
{
	return kernel_ethtool(c->kw->net, c->name, c->cmd);
}

static int do_dp_create(struct kcall *c)
{
	return kernel_ovs_dp_create(c->kw->net);
}

static int do_vport(struct kcall *c)
{
	switch (c->cmd) {
	case 0:
		return kernel_ovs_vport_add(c->kw->net, c->name);
	case 1:
		return kernel_ovs_vport_del(c->kw->net, c->name);
	default:
		return kernel_ovs_vport_get(c->kw->net, c->name);
	}
}

/* SIOCGIFFLAGS: 16 bits (no IFF_LOWER_UP), no RTNL; SIOCSIFFLAGS: RTNL as
 * class ioctl, paying rtnl.delay, and the flags RTM_NEWLINK. */
static void ioctl_flags(void)
{
	struct kworld kw;
	struct linkmsg lm;
	struct link_info li;
	unsigned int flags = 0;
	uint64_t before;

	kw_init(&kw, "v6.18");
	ASSERT_EQ_INT(kernel_link_info(kw.net, "v0", &li), 0);
	REQUIRE(li.flags & IFF_LOWER_UP);
	before = acq_all(&kw);
	ASSERT_EQ_INT(kcall(&kw, do_ioctl, SIOCGIFFLAGS, "v0", &flags), 0);
	ASSERT_EQ_UINT(flags, li.flags & 0xffffU);
	ASSERT_EQ_INT(acq_all(&kw), before);
	ASSERT_EQ_INT(kcall(&kw, do_ioctl, SIOCGIFFLAGS, "nope", &flags), -ENODEV);

	ASSERT_EQ_INT(kernel_param_set(kw.k, "rtnl.delay", "1ms"), 0);
	before = acq(&kw, RTNL_CLASS_IOCTL);
	flags = (li.flags & 0xffffU) & ~(unsigned int)IFF_UP;
	ASSERT_EQ_INT(kcall(&kw, do_ioctl, SIOCSIFFLAGS, "v0", &flags), 0);
	ASSERT_EQ_INT(acq(&kw, RTNL_CLASS_IOCTL), before + 1);
	ASSERT_EQ_INT(kernel_rtnl_stats(kw.k, RTNL_CLASS_IOCTL)->delay_total, 1 * MS);
	REQUIRE_LINK(kw.mon, &lm);
	ASSERT_EQ_STR(lm.name, "v0");
	ASSERT_EQ_UINT(lm.ifm.ifi_change, IFF_UP);
	ASSERT_EQ_INT(kcall(&kw, do_ioctl, 0x1234, "v0", &flags), -EINVAL);
	kw_fini(&kw);
}

/* SIOCETHTOOL: RTNL (class ethtool) for every known command, also when
 * the device is missing (the lookup is under RTNL); unknown: none. */
static void ethtool_takes_rtnl(void)
{
	struct kworld kw;
	uint64_t before;

	kw_init(&kw, "v6.18");
	before = acq(&kw, RTNL_CLASS_ETHTOOL);
	ASSERT_EQ_INT(kcall(&kw, do_ethtool, ETHTOOL_GSET, "v0", NULL), 0);
	ASSERT_EQ_INT(kcall(&kw, do_ethtool, ETHTOOL_GDRVINFO, "v0", NULL), 0);
	ASSERT_EQ_INT(kcall(&kw, do_ethtool, ETHTOOL_GSTATS, "nope", NULL), -ENODEV);
	ASSERT_EQ_INT(acq(&kw, RTNL_CLASS_ETHTOOL), before + 3);
	ASSERT_EQ_INT(kcall(&kw, do_ethtool, ETHTOOL_SSET, "v0", NULL), -EOPNOTSUPP);
	ASSERT_EQ_INT(acq(&kw, RTNL_CLASS_ETHTOOL), before + 3);
	kw_fini(&kw);
}

/* The datapath: ovs-system (kind openvswitch) registered with one
 * promiscuity message; vport add and del each one RTNL (genetlink) and two
 * RTM_NEWLINK for the port: the upper link (IFLA_MASTER set, then gone)
 * and the promiscuity change (ifi_change IFF_PROMISC, flags unchanged). */
static void vport_add_del_notifications(void)
{
	struct kworld kw;
	struct linkmsg lm;
	struct link_info dp;
	uint64_t before;

	kw_init(&kw, "v6.18");
	ASSERT_EQ_INT(kcall(&kw, do_dp_create, 0, NULL, NULL), 0);
	ASSERT_EQ_INT(kcall(&kw, do_dp_create, 0, NULL, NULL), -EEXIST);
	ASSERT_EQ_INT(kernel_link_info(kw.net, "ovs-system", &dp), 0);
	ASSERT_EQ_STR(dp.kind, "openvswitch");
	ASSERT_EQ_INT(nl_drain(kw.mon, NULL), 2);

	before = acq(&kw, RTNL_CLASS_GENETLINK);
	ASSERT_EQ_INT(kcall(&kw, do_vport, 0, "v0", NULL), 0);
	ASSERT_EQ_INT(acq(&kw, RTNL_CLASS_GENETLINK), before + 1);
	REQUIRE_LINK(kw.mon, &lm);
	ASSERT_EQ_UINT(linkmsg_u32(&lm, IFLA_MASTER), (uint32_t)dp.ifindex);
	ASSERT_EQ_UINT(lm.ifm.ifi_change, 0);
	REQUIRE_LINK(kw.mon, &lm);
	ASSERT_EQ_UINT(lm.ifm.ifi_change, IFF_PROMISC);
	ASSERT_EQ_UINT(lm.ifm.ifi_flags & IFF_PROMISC, 0);
	ASSERT_EQ_INT(nl_drain(kw.mon, NULL), 0);
	ASSERT_EQ_INT(kcall(&kw, do_vport, 2, "v0", NULL), 0);
	ASSERT_EQ_INT(kcall(&kw, do_vport, 0, "v0", NULL), -EEXIST);
	ASSERT_EQ_INT(kcall(&kw, do_vport, 0, "nope", NULL), -ENODEV);
	ASSERT_EQ_INT(kcall(&kw, do_vport, 0, "lo", NULL), -EINVAL);

	before = acq(&kw, RTNL_CLASS_GENETLINK);
	ASSERT_EQ_INT(kcall(&kw, do_vport, 1, "v0", NULL), 0);
	ASSERT_EQ_INT(acq(&kw, RTNL_CLASS_GENETLINK), before + 1);
	REQUIRE_LINK(kw.mon, &lm);
	ASSERT_EQ_UINT(linkmsg_u32(&lm, IFLA_MASTER), 0xdeadbeefU);
	REQUIRE_LINK(kw.mon, &lm);
	ASSERT_EQ_UINT(lm.ifm.ifi_change, IFF_PROMISC);
	ASSERT_EQ_INT(kcall(&kw, do_vport, 2, "v0", NULL), -ENODEV);
	ASSERT_EQ_INT(kcall(&kw, do_vport, 1, "v0", NULL), -ENODEV);
	kw_fini(&kw);
}

static uint32_t kseq = 5000;

/* Send a request with a fixed header of @hdrlen bytes (zeroed but for
 * @fill) and return the first reply's error (NLMSG_ERROR), 0 for another
 * reply type, and the reply count through @n. */
static int misc_request(struct kworld *kw, int type, int flags, const void *hdr, size_t hdrlen,
			int *n, int *first_type)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	ssize_t len;
	int err = 0;

	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	nlh->nlmsg_seq = ++kseq;
	memcpy(mnl_nlmsg_put_extra_header(nlh, hdrlen), hdr, hdrlen);
	REQUIRE(send(kw->ip, buf, nlh->nlmsg_len, 0) == (ssize_t)nlh->nlmsg_len);
	*n = 0;
	*first_type = 0;
	while ((len = nl_recv(kw->ip, rbuf, sizeof(rbuf))) > 0) {
		const struct nlmsghdr *r = (const void *)rbuf;
		int l = (int)len;

		for (; mnl_nlmsg_ok(r, l); r = mnl_nlmsg_next(r, &l)) {
			if (r->nlmsg_type == NLMSG_ERROR)
				return ((const struct nlmsgerr *)mnl_nlmsg_get_payload(r))->error;
			if (r->nlmsg_type == NLMSG_DONE)
				return err;
			if (!*first_type)
				*first_type = r->nlmsg_type;
			(*n)++;
			if (!(flags & NLM_F_DUMP) && !(flags & NLM_F_ACK))
				return 0;
		}
	}
	return 1;
}

/* RTM_GETQDISC: the root qdisc; RTM_DELQDISC of the ingress qdisc: ENOENT
 * (none), without a parent: EINVAL; both under the dispatcher's RTNL. */
static void qdisc_requests(void)
{
	struct kworld kw;
	struct tcmsg tcm = { .tcm_parent = TC_H_ROOT };
	uint64_t before;
	int n, t;

	kw_init(&kw, "v6.18");
	tcm.tcm_ifindex = ip_link_get(kw.ip, "v0");
	before = acq(&kw, RTNL_CLASS_RTNETLINK);
	ASSERT_EQ_INT(misc_request(&kw, RTM_GETQDISC, 0, &tcm, sizeof(tcm), &n, &t), 0);
	ASSERT_EQ_INT(t, RTM_NEWQDISC);
	tcm.tcm_parent = TC_H_INGRESS;
	tcm.tcm_handle = TC_H_MAKE(TC_H_INGRESS, 0);
	ASSERT_EQ_INT(misc_request(&kw, RTM_DELQDISC, NLM_F_ACK, &tcm, sizeof(tcm), &n, &t),
		      -ENOENT);
	tcm.tcm_parent = 0;
	tcm.tcm_handle = 0;
	ASSERT_EQ_INT(misc_request(&kw, RTM_DELQDISC, NLM_F_ACK, &tcm, sizeof(tcm), &n, &t),
		      -EINVAL);
	tcm.tcm_ifindex = 9999;
	ASSERT_EQ_INT(misc_request(&kw, RTM_GETQDISC, 0, &tcm, sizeof(tcm), &n, &t), -ENODEV);
	ASSERT_EQ_INT(acq(&kw, RTNL_CLASS_RTNETLINK), before + 4);
	kw_fini(&kw);
}

/* Rule, route and address dumps: the five default rules; RTNL (class
 * dump) per profile: v5.8 for all, v6.18 only for AF_UNSPEC address
 * dumps (rtnl_dump_all). */
static void dumps_lock_per_profile(void)
{
	const char *profiles[2] = { "v5.8", "v6.18" };

	for (int p = 0; p < 2; p++) {
		struct kworld kw;
		struct fib_rule_hdr frh = { .family = AF_UNSPEC };
		struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_table = RT_TABLE_MAIN };
		struct ifaddrmsg ifa = { .ifa_family = AF_INET };
		uint64_t before;
		int n, t;

		kw_init(&kw, profiles[p]);
		before = acq(&kw, RTNL_CLASS_DUMP);
		ASSERT_EQ_INT(misc_request(&kw, RTM_GETRULE, NLM_F_DUMP, &frh, sizeof(frh), &n, &t),
			      0);
		ASSERT_EQ_INT(n, 5);
		ASSERT_EQ_INT(t, RTM_NEWRULE);
		ASSERT_EQ_INT(misc_request(&kw, RTM_GETROUTE, NLM_F_DUMP, &rtm, sizeof(rtm), &n, &t),
			      0);
		ASSERT_EQ_INT(n, 0);
		ASSERT_EQ_INT(misc_request(&kw, RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof(ifa), &n, &t),
			      0);
		ASSERT_EQ_INT(acq(&kw, RTNL_CLASS_DUMP) - before, p == 0 ? 3 : 0);
		ifa.ifa_family = AF_UNSPEC;
		ASSERT_EQ_INT(misc_request(&kw, RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof(ifa), &n, &t),
			      0);
		ASSERT_EQ_INT(acq(&kw, RTNL_CLASS_DUMP) - before, p == 0 ? 4 : 1);
		ASSERT_EQ_INT(misc_request(&kw, RTM_GETROUTE, 0, &rtm, sizeof(rtm), &n, &t),
			      -EOPNOTSUPP);
		kw_fini(&kw);
	}
}

TEST_SUITE(ovs, NULL, NULL,
	   TEST_CASE(main_counts_per_add_delete_idle),
	   TEST_CASE(series_counts_per_add_delete_idle),
	   TEST_CASE(foreign_events_rounds),
	   TEST_CASE(overflow_policies),
	   TEST_CASE(missing_device_is_retried),
	   TEST_CASE(link_first_destroy_takes_rtnl_before_the_fix),
	   TEST_CASE(ioctl_flags),
	   TEST_CASE(ethtool_takes_rtnl),
	   TEST_CASE(vport_add_del_notifications),
	   TEST_CASE(qdisc_requests),
	   TEST_CASE(dumps_lock_per_profile));
