/* clients/ovs_bridge.c - one iteration of ovs-vswitchd's main loop.
 *
 * Follows vswitchd/bridge.c (bridge_run, bridge_reconfigure,
 * run_stats_update, run_status_update, iface_refresh_netdev_status),
 * ofproto/ofproto.c (ofproto_run, update_port, ofport_open),
 * ofproto/ofproto-dpif.c (run -> port_run, type_run's datapath port
 * changes, port_query_by_name), lib/netlink-notifier.c (nln_run),
 * lib/netdev-linux.c (netdev_linux_run) and lib/route-table.c
 * (route_table_run) of openvswitch/ovs at d6a632a9, in the order of
 * clients.md §2.1:
 *
 *   bridge_run: IDL (database changes, transaction replies);
 *     if_notifier_run (drains the shared link socket: each message, or an
 *     overflow, fires the bridge's if-notifier and invalidates the route
 *     table; in the series it also feeds netdev-linux);
 *     bridge_run__ (datapath port changes; CONN: port_run of every port
 *     when the connectivity seq moved, update_port of each port whose
 *     netdev changed);
 *     RECONF if the database or the if-notifier changed, then cur_cfg;
 *     STATS (timer, every ovs.stats_interval) and the status pass;
 *   netdev_run: netdev_linux_run (main: its own socket; ENOBUFS drains it
 *     and re-reads every netdev's flags by ioctl), route_table_run (ROUTE).
 *
 * Each socket is drained at most once per iteration (nln's has_run), so
 * work is coalesced per iteration. The variants differ only as clients.md
 * §3.2/§9.3 says: flags cached (ovs_netdev.c), one link socket for all
 * notifiers with nsid filtering for the bridge and the route table, and
 * drain-then-report on ENOBUFS (main reports without draining).
 * Transactions vswitchd waits for (status, stats) complete when
 * ovsdb-server's reply arrived, 2 x ovs.db_latency after the commit; a
 * status pass that writes nothing new completes at once (TXN_UNCHANGED).
 * Not modelled: OpenFlow, flows, upcalls, bonds, tunnels, the bridge's own
 * internal port, the genetlink vport multicast for ports the kernel removed
 * (such ports are noticed by the next reconfiguration's port dump).
 */
#define NLSIM_OVS_INTERNAL
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>

#include "clients/ovs.h"
#include "model/kernel.h"

#define RECV_BUF 16384

/* The port named @name (names are unique in the bridge), by hash. */
static struct ovs_port *port_find(struct ovs *o, const char *name)
{
	struct ovs_port *p = o->port_hash[ovs_name_hash(name)];

	while (p && strcmp(p->name, name) != 0)
		p = p->hnext;
	return p;
}

/* netdev_from_name / if_indextoname: the open netdev a message is about. */
static struct ovs_port *port_of_change(struct ovs *o, const struct ovs_change *c)
{
	if (c->ifname[0]) {
		struct ovs_port *p = port_find(o, c->ifname);

		return p && p->created ? p : NULL;
	}
	for (unsigned int i = 0; i < o->n_ports; i++)
		if (o->ports[i]->created && o->ports[i]->nd.ifindex == c->ifindex)
			return o->ports[i];
	return NULL;
}

static void dp_event(struct ovs *o, const char *name)
{
	if (o->n_dp_events == o->cap_dp_events) {
		unsigned int cap = o->cap_dp_events ? o->cap_dp_events * 2 : 8;
		void *n = realloc(o->dp_events, cap * sizeof(o->dp_events[0]));

		if (!n)
			return;
		o->dp_events = n;
		o->cap_dp_events = cap;
	}
	snprintf(o->dp_events[o->n_dp_events++], OVS_NAMSIZ, "%s", name);
}

/* ---- notifications ---------------------------------------------------------------- */

/* A notification (NULL: "everything may have changed") reaching the
 * notifiers of the shared link socket. */
static void shared_report(struct ovs *o, const struct ovs_change *c, int nsid)
{
	bool local = !c || nsid == NETNSID_LOCAL;

	if (o->variant == OVS_SERIES) {
		/* netdev_linux_rtnetlink_update: netdev-linux is a notifier */
		if (c) {
			struct ovs_port *p = port_of_change(o, c);

			if (p)
				ovs_nd_update(o, &p->nd, nsid, c);
		} else {
			for (unsigned int i = 0; i < o->n_ports; i++) {
				struct ovs_netdev *nd = &o->ports[i]->nd;

				if (!o->ports[i]->created)
					continue;
				ovs_nd_changed(o, nd, nd->ifi_flags, 0);
				nd->flags_valid = false;
			}
		}
		/* bridge and route table ignore other namespaces */
		if (!local)
			return;
	}
	o->ifnotifier_changed = true;	/* bridge's if_change_cb */
	o->route_valid = false;		/* route-table's name_table_change */
}

/* nln_run on the shared link socket. main: ENOBUFS reports NULL and stops
 * without draining; series: drains first, then reports once. */
static void link_nln_run(struct ovs *o)
{
	char buf[RECV_BUF];

	if (o->link.has_run)
		return;
	o->link.has_run = true;
	for (;;) {
		int nsid, len;
		ssize_t n = ovs_recv(o->link.fd, buf, sizeof(buf), &nsid);
		const struct nlmsghdr *nlh = (const void *)buf;

		if (n == 0)
			return;
		if (n < 0) {
			if (n == -ENOBUFS) {
				ovs_metric(o, "ovs.enobufs.link", 1);
				if (o->variant == OVS_SERIES)
					ovs_drain(o->link.fd);
				shared_report(o, NULL, NETNSID_UNSET);
			}
			return;
		}
		for (len = (int)n; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			struct ovs_change c;

			ovs_cpu(o, o->c.message);
			if (ovs_parse_change(nlh, &c))
				shared_report(o, &c, nsid);
		}
	}
}

/* nln_run on the route socket: route and rule changes invalidate. */
static void route_nln_run(struct ovs *o)
{
	char buf[RECV_BUF];

	if (o->route.has_run)
		return;
	o->route.has_run = true;
	for (;;) {
		int nsid;
		ssize_t n = ovs_recv(o->route.fd, buf, sizeof(buf), &nsid);

		if (n == 0)
			return;
		if (n > 0)
			ovs_cpu(o, o->c.message);
		if (n == -ENOBUFS && o->variant == OVS_SERIES)
			ovs_drain(o->route.fd);
		o->route_valid = false;
		if (n < 0)
			return;
	}
}

/* netdev_linux_run. main: the netdev-linux socket (links and addresses,
 * every namespace); series: the address socket (links come through the
 * shared socket, drained here if bridge_run did not yet). */
static void netdev_linux_run(struct ovs *o)
{
	char buf[RECV_BUF];
	ssize_t n;

	if (o->variant == OVS_SERIES)
		link_nln_run(o);
	do {
		int nsid, len;
		const struct nlmsghdr *nlh = (const void *)buf;

		n = ovs_recv(o->nd_fd, buf, sizeof(buf), &nsid);
		for (len = n > 0 ? (int)n : 0; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			struct ovs_change c;
			struct ovs_port *p;

			ovs_cpu(o, o->c.message);
			if (ovs_parse_change(nlh, &c) && (p = port_of_change(o, &c)))
				ovs_nd_update(o, &p->nd, nsid, &c);
		}
		if (n == -ENOBUFS) {
			ovs_metric(o, "ovs.enobufs.netdev", 1);
			ovs_drain(o->nd_fd);
			for (unsigned int i = 0; i < o->n_ports; i++) {
				struct ovs_port *p = o->ports[i];
				unsigned int flags = p->nd.ifi_flags;

				if (!p->created)
					continue;
				if (o->variant == OVS_MAIN) {
					/* get_flags(): SIOCGIFFLAGS, then all bits */
					ovs_count(o, OVS_REQ_SIOCGIFFLAGS);
					kernel_dev_ioctl(o->env.net, SIOCGIFFLAGS, p->name, &flags);
					ovs_nd_changed(o, &p->nd, flags, 0);
				} else {
					ovs_nd_changed(o, &p->nd, flags, ~(unsigned int)VALID_IN);
				}
			}
		}
	} while (n > 0);
}

/* ---- ofproto ------------------------------------------------------------------------ */

/* ofport_open: the port's properties, as the OpenFlow port is built. */
static void ofport_open(struct ovs *o, struct ovs_port *p)
{
	ovs_nd_get_etheraddr(o, &p->nd);
	ovs_nd_get_flags(o, &p->nd);
	ovs_nd_get_carrier(o, &p->nd);
	ovs_nd_get_features(o, &p->nd);	/* features, then speed: one cache */
}

static void port_destroy_ofport(struct ovs *o, struct ovs_port *p)
{
	(void)o;
	p->created = false;	/* netdev closed; the iface is created again */
}

/* update_port: query the datapath, then reopen the OpenFlow port. */
static void update_port(struct ovs *o, struct ovs_port *p)
{
	if (ovs_vport_get(o, p->name)) {
		port_destroy_ofport(o, p);
		return;
	}
	ofport_open(o, p);
	p->ofport_seq = p->nd.change_seq;
}

/* bridge_run__: type_run's datapath port changes, then ofproto_run. */
static void bridge_run__(struct ovs *o)
{
	uint64_t seq;

	/* process_dpif_port_change: query each reported port (our own adds
	 * are found, our own deletes are gone: nothing else to do) */
	for (unsigned int i = 0; i < o->n_dp_events; i++)
		ovs_vport_get(o, o->dp_events[i]);
	o->n_dp_events = 0;
	/* ofproto-dpif run(): CONN, port_run for every port */
	seq = o->conn_seq;
	if (seq != o->dpif_seen) {
		ovs_round(o, OVS_ROUND_CONN);
		for (unsigned int i = 0; i < o->n_ports; i++)
			if (o->ports[i]->created)
				ovs_nd_get_carrier(o, &o->ports[i]->nd);
		o->dpif_seen = seq;
	}
	/* ofproto_run: update_port for ports whose netdev changed */
	seq = o->conn_seq;
	if (seq != o->ofproto_seen) {
		unsigned int n = 0;
		/* collected first: update_port may change the port list */
		struct ovs_port **changed = calloc(o->n_ports + 1, sizeof(*changed));

		for (unsigned int i = 0; changed && i < o->n_ports; i++) {
			struct ovs_port *p = o->ports[i];

			if (p->created && p->ofport_seq != p->nd.change_seq) {
				p->ofport_seq = p->nd.change_seq;
				changed[n++] = p;
			}
		}
		for (unsigned int i = 0; i < n; i++)
			if (changed[i]->created)
				update_port(o, changed[i]);
		free(changed);
		o->ofproto_seen = seq;
	}
}

/* ---- bridge_reconfigure ------------------------------------------------------------- */

/* iface_create: netdev_open, ofproto_port_add (dpif_port_exists,
 * dpif_port_add), update_port. */
static void iface_create(struct ovs *o, struct ovs_port *p)
{
	int err;

	if (ovs_nd_open(o, &p->nd, p->name))
		return;		/* ENODEV: retried at every reconfiguration */
	if (ovs_vport_get(o, p->name) != 0) {
		ovs_count(o, OVS_REQ_VPORT_ADD);
		err = kernel_ovs_vport_add(o->env.net, p->name);
		if (err && err != -EEXIST)
			return;
		dp_event(o, p->name);
	}
	ovs_cpu(o, o->c.port_add);
	p->created = true;
	update_port(o, p);
}

static void port_remove(struct ovs *o, unsigned int i)
{
	struct ovs_port **pp = &o->port_hash[ovs_name_hash(o->ports[i]->name)];

	while (*pp != o->ports[i])
		pp = &(*pp)->hnext;
	*pp = o->ports[i]->hnext;
	free(o->ports[i]);
	memmove(&o->ports[i], &o->ports[i + 1], (o->n_ports - i - 1) * sizeof(o->ports[0]));
	o->n_ports--;
}

static struct ovs_port *port_add(struct ovs *o, const char *name)
{
	struct ovs_port *p;

	if (o->n_ports == o->cap_ports) {
		unsigned int cap = o->cap_ports ? o->cap_ports * 2 : 16;
		void *n = realloc(o->ports, cap * sizeof(o->ports[0]));

		if (!n)
			return NULL;
		o->ports = n;
		o->cap_ports = cap;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	snprintf(p->name, sizeof(p->name), "%s", name);
	o->ports[o->n_ports++] = p;
	p->hnext = o->port_hash[ovs_name_hash(p->name)];
	o->port_hash[ovs_name_hash(p->name)] = p;
	return p;
}

static void bridge_reconfigure(struct ovs *o)
{
	ovs_round(o, OVS_ROUND_RECONF);
	ovs_cpu(o, o->c.reconfigure);
	/* bridge_del_ports + ofproto_port_del: ports no longer wanted */
	for (unsigned int i = o->n_ports; i-- > 0;) {
		struct ovs_port *p = o->ports[i];

		if (ovs_db_has(o, p->name))
			continue;
		if (p->created) {
			ovs_count(o, OVS_REQ_VPORT_DEL);
			kernel_ovs_vport_del(o->env.net, p->name);
			dp_event(o, p->name);
			ovs_cpu(o, o->c.port_del);
		}
		port_remove(o, i);
	}
	/* bridge_delete_or_reconfigure_ports: the ofproto port dump queries
	 * every port in the datapath; vanished ones lose their iface */
	for (unsigned int i = 0; i < o->n_ports; i++)
		if (o->ports[i]->created && ovs_vport_get(o, o->ports[i]->name))
			port_destroy_ofport(o, o->ports[i]);
	/* bridge_add_ports: wanted ports without an iface */
	for (unsigned int i = 0; i < o->n_db; i++) {
		struct ovs_port *p = port_find(o, o->db[i]);

		if (!p)
			p = port_add(o, o->db[i]);
		if (p && !p->created)
			iface_create(o, p);
	}
	/* per port: iface_configure_qos (no QoS, no policing configured) */
	for (unsigned int i = 0; i < o->n_ports; i++) {
		struct ovs_port *p = o->ports[i];

		if (!p->created)
			continue;
		ovs_cpu(o, o->c.reconfigure_port);
		ovs_nd_set_qos(o, &p->nd);
		ovs_nd_set_policing(o, &p->nd);
	}
	bridge_run__(o);
}

/* ---- status and statistics ------------------------------------------------------------ */

/* iface_refresh_netdev_status; true if the row changes. */
static bool iface_refresh_netdev_status(struct ovs *o, struct ovs_port *p)
{
	struct ovs_netdev *nd = &p->nd;
	unsigned int admin, link;
	bool changed;

	ovs_cpu(o, o->c.status_iface);
	ovs_nd_get_status(o, nd);
	admin = (ovs_nd_get_flags(o, nd) & IFF_UP) != 0;
	link = ovs_nd_get_carrier(o, nd);
	ovs_nd_get_features(o, nd);	/* duplex, then speed: one cache */
	ovs_nd_get_mtu(o, nd);
	ovs_nd_get_etheraddr(o, nd);
	ovs_nd_get_ifindex(o, nd);
	changed = !p->status_written || p->st_admin != admin || p->st_link != link ||
		  p->st_resets != nd->carrier_resets || p->st_mtu != nd->mtu ||
		  p->st_ifindex != nd->ifindex;
	p->status_written = true;
	p->st_admin = admin;
	p->st_link = link;
	p->st_resets = nd->carrier_resets;
	p->st_mtu = nd->mtu;
	p->st_ifindex = nd->ifindex;
	return changed;
}

static void txn_commit(struct ovs *o, struct ovs_txn *t)
{
	t->inflight = true;
	t->replied = false;
	t->reply_at = ovs_now(o) + 2 * o->c.db_latency;
}

static void run_status_update(struct ovs *o)
{
	if (!o->status_txn.inflight) {
		uint64_t seq = o->conn_seq;

		if (seq != o->status_seen || o->status_try_again) {
			bool changed = false;

			o->status_seen = seq;
			ovs_round(o, OVS_ROUND_STATUS);
			for (unsigned int i = 0; i < o->n_ports; i++) {
				struct ovs_port *p = o->ports[i];

				if (!p->created ||
				    (p->iface_seq == p->nd.change_seq && !o->status_try_again))
					continue;
				p->iface_seq = p->nd.change_seq;
				changed |= iface_refresh_netdev_status(o, p);
			}
			if (changed)
				txn_commit(o, &o->status_txn);
			else
				o->status_try_again = false;	/* TXN_UNCHANGED */
		}
	} else if (o->status_txn.replied) {
		o->status_txn.inflight = false;		/* TXN_SUCCESS */
		o->status_try_again = false;
	}
}

static void run_stats_update(struct ovs *o)
{
	if (ovs_now(o) < o->stats_timer)
		return;
	if (!o->stats_txn.inflight) {
		ovs_round(o, OVS_ROUND_STATS);
		for (unsigned int i = 0; i < o->n_ports; i++)
			if (o->ports[i]->created)
				ovs_nd_get_stats(o, &o->ports[i]->nd);
		txn_commit(o, &o->stats_txn);
	} else if (o->stats_txn.replied) {
		o->stats_txn.inflight = false;
		o->stats_timer = ovs_now(o) + o->c.stats_interval;
	}
}

/* ---- the iteration ------------------------------------------------------------------------ */

/* ovsdb_idl_run: transaction replies that arrived, and the database as of
 * now (its seqno and next_cfg; a change committed later in this iteration
 * is seen by the next one). */
static void idl_run(struct ovs *o, uint64_t *db_seq, int64_t *next_cfg)
{
	struct ovs_txn *t[2] = { &o->status_txn, &o->stats_txn };

	for (int i = 0; i < 2; i++)
		if (t[i]->inflight && t[i]->reply_at <= ovs_now(o))
			t[i]->replied = true;
	*db_seq = o->db_seq;
	*next_cfg = o->next_cfg;
}

void ovs_iteration(struct ovs *o)
{
	uint64_t db_seq;
	int64_t next_cfg;

	ovs_cpu(o, o->c.iteration);
	/* bridge_run */
	idl_run(o, &db_seq, &next_cfg);
	link_nln_run(o);		/* if_notifier_run -> rtnetlink_run */
	bridge_run__(o);
	if (db_seq != o->idl_seq || o->ifnotifier_changed) {
		o->idl_seq = db_seq;
		o->ifnotifier_changed = false;
		bridge_reconfigure(o);
		o->cur_cfg = next_cfg;
		sim_waitq_wake_all(o->e, &o->cfg_wq);
		if (o->initial_config_done)
			o->status_try_again = true;
		o->initial_config_done = true;
	}
	run_stats_update(o);
	run_status_update(o);
	/* netdev_run */
	netdev_linux_run(o);
	/* route_table_run */
	link_nln_run(o);
	route_nln_run(o);
	if (!o->route_valid)
		ovs_route_table_reset(o);
	o->link.has_run = o->route.has_run = false;	/* nln_wait */
}
