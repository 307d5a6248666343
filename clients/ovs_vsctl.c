/* clients/ovs_vsctl.c - the database and `ovs-vsctl add-port|del-port`.
 *
 * Follows utilities/ovs-vsctl.c of openvswitch/ovs at d6a632a9 (clients.md
 * §4.1): without --no-wait, ovs-vsctl increments next_cfg in the same
 * transaction as its change and then waits until ovs-vswitchd sets cur_cfg
 * to at least that value, which vswitchd does right after the
 * bridge_reconfigure that processed the change (ovs_bridge.c). The time
 * before the commit (process start, connecting to ovsdb-server, the
 * transaction's round trip) is the caller's to charge (the churn driver's
 * vsctl_exec_us); here the committed change reaches vswitchd after
 * ovs.db_latency, and vswitchd's cur_cfg reaches ovs-vsctl after twice that
 * (vswitchd to ovsdb-server, ovsdb-server to ovs-vsctl).
 *
 * The database is one bridge's list of port names (one interface each, of
 * type system), kept in the order ports were added.
 *
 * Instances are found per world through a small static table of (world,
 * instance) pairs: the churn driver only has the world, client_env has no
 * slot for shared client state, and sim/ must not learn about clients. The
 * table is touched only when an instance starts or ends (single-threaded,
 * like the engine), so worlds in one process do not see each other's
 * instance.
 */
#define NLSIM_OVS_INTERNAL
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clients/ovs.h"
#include "sim/metrics.h"

#define OVS_REGISTRY_MAX 64

static struct {
	struct sim_world *w;
	struct ovs *o;
} registry[OVS_REGISTRY_MAX];

void ovs_registry_add(struct ovs *o)
{
	for (int i = 0; i < OVS_REGISTRY_MAX; i++)
		if (!registry[i].o) {
			registry[i].w = o->env.w;
			registry[i].o = o;
			return;
		}
}

void ovs_registry_del(struct ovs *o)
{
	for (int i = 0; i < OVS_REGISTRY_MAX; i++)
		if (registry[i].o == o) {
			registry[i].w = NULL;
			registry[i].o = NULL;
		}
}

/* ovs_find - the first running instance of @w. */
struct ovs *ovs_find(struct sim_world *w)
{
	for (int i = 0; i < OVS_REGISTRY_MAX; i++)
		if (registry[i].o && registry[i].w == w)
			return registry[i].o;
	return NULL;
}

/* The position of port @name in the database, or -1 (names are unique). */
static int db_find(const struct ovs *o, const char *name)
{
	int i = o->db_head[ovs_name_hash(name)];

	while (i >= 0 && strcmp(o->db[i], name) != 0)
		i = o->db_next[i];
	return i;
}

/* Chain position @i into the name index. */
static void db_hash_add(struct ovs *o, unsigned int i)
{
	unsigned int b = ovs_name_hash(o->db[i]);

	o->db_next[i] = o->db_head[b];
	o->db_head[b] = (int)i;
}

/* A removal moved the positions after it: index them again. */
static void db_rehash(struct ovs *o)
{
	memset(o->db_head, -1, sizeof(o->db_head));
	for (unsigned int i = 0; i < o->n_db; i++)
		db_hash_add(o, i);
}

bool ovs_db_has(const struct ovs *o, const char *name)
{
	return db_find(o, name) >= 0;
}

/* Commit done: wait for vswitchd (wait_for_reload), account the wait. */
static int wait_for_reload(struct ovs *o, sim_time_t t0)
{
	int64_t target = ++o->next_cfg;
	int err = 0;

	o->db_seq++;
	sim_waitq_wake_all(o->e, &o->main_wq);
	while (o->cur_cfg < target && !o->stopping)
		sim_task_wait(o->e, &o->cfg_wq);
	if (o->cur_cfg < target)
		err = -ECANCELED;
	else
		sim_task_sleep(o->e, 2 * o->c.db_latency);
	ovs_metric(o, "ovs.vsctl_calls", 1);
	ovs_metric(o, "ovs.vsctl_wait_s_total", (double)(ovs_now(o) - t0) / 1e9);
	ovs_put(o);
	return err;
}

static int vsctl_begin(struct ovs *o, const char *port)
{
	if (!o || o->stopping)
		return -ESRCH;
	if (!port || !port[0] || strlen(port) >= OVS_NAMSIZ)
		return -EINVAL;
	o->refs++;
	return 0;
}

static int db_append(struct ovs *o, const char *port)
{
	if (o->n_db == o->cap_db) {
		unsigned int cap = o->cap_db ? o->cap_db * 2 : 16;
		void *n = realloc(o->db, cap * sizeof(o->db[0]));

		if (!n)
			return -ENOMEM;
		o->db = n;
		n = realloc(o->db_next, cap * sizeof(o->db_next[0]));
		if (!n)
			return -ENOMEM;
		o->db_next = n;
		o->cap_db = cap;
	}
	snprintf(o->db[o->n_db], OVS_NAMSIZ, "%s", port);
	db_hash_add(o, o->n_db++);
	return 0;
}

/* ovs_vsctl_add_port - `ovs-vsctl add-port br0 PORT`. Context: task. */
int ovs_vsctl_add_port(struct ovs *o, const char *port)
{
	sim_time_t t0;
	int err = vsctl_begin(o, port);

	if (err)
		return err;
	t0 = ovs_now(o);
	if (db_find(o, port) >= 0) {
		err = -EEXIST;	/* "a port named PORT already exists" */
	} else {
		/* the committed row travels to vswitchd's IDL */
		sim_task_sleep(o->e, o->c.db_latency);
		if (o->stopping)
			err = -ECANCELED;
		else if (db_find(o, port) >= 0)
			err = -EEXIST;
		else
			err = db_append(o, port);
	}
	if (err) {
		ovs_put(o);
		return err;
	}
	return wait_for_reload(o, t0);
}

/* ovs_vsctl_del_port - `ovs-vsctl del-port br0 PORT`. Context: task. */
int ovs_vsctl_del_port(struct ovs *o, const char *port)
{
	sim_time_t t0;
	int i, err = vsctl_begin(o, port);

	if (err)
		return err;
	t0 = ovs_now(o);
	if (db_find(o, port) < 0) {
		err = -ENOENT;	/* "no port named PORT" */
	} else {
		sim_task_sleep(o->e, o->c.db_latency);
		i = db_find(o, port);
		if (o->stopping)
			err = -ECANCELED;
		else if (i < 0)
			err = -ENOENT;
		else {
			memmove(&o->db[i], &o->db[i + 1],
				(o->n_db - (unsigned int)i - 1) * sizeof(o->db[0]));
			o->n_db--;
			db_rehash(o);
		}
	}
	if (err) {
		ovs_put(o);
		return err;
	}
	return wait_for_reload(o, t0);
}
