/* model/kernel.c - struct kernel: lifetime, parameters, namespaces, inspection.
 *
 * Mirrors no single kernel file: it is the "boot" of a simulated kernel (the
 * state the real kernel keeps in file-statics lives here) and the leak check
 * at shutdown. Namespaces (net/core/net_namespace.c) are here too: a name, a
 * per-namespace ifindex counter, dev_base_seq, and the nsid table.
 */
#include <stdio.h>
#include <stdlib.h>

#include "model/internal.h"

static const char *const rtnl_class_names[RTNL_CLASS_MAX] = {
	[RTNL_CLASS_RTNETLINK] = "rtnetlink",
	[RTNL_CLASS_DUMP] = "dump",
	[RTNL_CLASS_IOCTL] = "ioctl",
	[RTNL_CLASS_ETHTOOL] = "ethtool",
	[RTNL_CLASS_LINKWATCH] = "linkwatch",
	[RTNL_CLASS_GENETLINK] = "genetlink",
	[RTNL_CLASS_DRIVER] = "driver",
	[RTNL_CLASS_ADDRCONF] = "addrconf",
	[RTNL_CLASS_REGISTER] = "register",
	[RTNL_CLASS_CONTENDER] = "contender",
};

const char *rtnl_class_name(int cls)
{
	return cls >= 0 && cls < RTNL_CLASS_MAX ? rtnl_class_names[cls] : "?";
}

int rtnl_class_from_name(const char *name)
{
	for (int i = 0; i < RTNL_CLASS_MAX; i++)
		if (strcmp(rtnl_class_names[i], name) == 0)
			return i;
	return -1;
}

/* model_warn_on - report a broken invariant once per site and go on. */
bool model_warn_on(bool cond, const char *text, const char *file, int line)
{
	if (cond)
		fprintf(stderr, "nlsim: WARNING at %s:%d: %s\n", file, line, text);
	return cond;
}

/* k_jiffies - jiffies at the current virtual time (boot at t = 0). */
unsigned long k_jiffies(const struct kernel *k)
{
	unsigned hz = (unsigned)k->params.hz;
	ktime_t now = k_now(k);

	return initial_jiffies(hz) + (unsigned long)(now / (NSEC_PER_SEC / hz));
}

/* jiffies_to_ktime - the virtual time at which jiffies reaches @j. */
ktime_t jiffies_to_ktime(const struct kernel *k, unsigned long j)
{
	unsigned hz = (unsigned)k->params.hz;

	return (ktime_t)(j - initial_jiffies(hz)) * (NSEC_PER_SEC / hz);
}

void k_sleep(struct kernel *k, ktime_t ns)
{
	if (ns > 0)
		k->svc.sleep(k->svc.ctx, ns);
}

void k_event(struct kernel *k, struct kernel_event *ev)
{
	if (!k->svc.event)
		return;
	ev->now = k_now(k);
	if (!ev->who)
		ev->who = k->svc.current_name ? k->svc.current_name(k->svc.ctx) : NULL;
	k->svc.event(k->svc.ctx, ev);
}

ktime_t kernel_now(const struct kernel *k)
{
	return k_now(k);
}

static struct net *net_alloc(struct kernel *k, const char *name)
{
	struct net *net = calloc(1, sizeof(*net));
	struct net **nets;

	if (!net)
		return NULL;
	nets = realloc(k->nets, (k->nnets + 1) * sizeof(*nets));
	if (!nets) {
		free(net);
		return NULL;
	}
	k->nets = nets;
	net->k = k;
	net->id = k->nnets;
	snprintf(net->name, sizeof(net->name), "%s", name);
	net->dev_base_seq = 1;
	for (int i = 0; i < NETDEV_HASHENTRIES; i++)
		CDS_INIT_LIST_HEAD(&net->dev_index_head[i]);
	if (net_name_hash_init(net, NETDEV_HASHBITS) < 0) {
		free(net);
		return NULL;
	}
	k->nets[k->nnets++] = net;
	return net;
}

/* kernel_create - boot a simulated kernel with @profile. */
struct kernel *kernel_create(const struct kernel_services *svc, const char *profile)
{
	const struct kernel_profile *prof = profile_find(profile);
	struct kernel *k;
	struct net *init;

	if (!prof)
		return NULL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->svc = *svc;
	k->profile = prof;
	k->params = prof->defaults;
	CDS_INIT_LIST_HEAD(&k->sockets);
	CDS_INIT_LIST_HEAD(&k->zombies);
	rtnl_init(k);
	linkwatch_init(k);
	addrconf_init(k);
	af_netlink_init(k);
	init = net_alloc(k, "init");
	if (!init || loopback_net_init(init) < 0) {
		kernel_destroy(k);
		return NULL;
	}
	return k;
}

static void net_free_devices(struct net *net)
{
	CDS_LIST_HEAD(kill);

	for (unsigned i = 0; i < net->ndev; i++)
		if (net->by_index[i]->reg_state == NETREG_REGISTERED)
			unregister_netdevice_queue(net->by_index[i], &kill);
	unregister_netdevice_many(net->k, &kill);
}

/* kernel_destroy - tear everything down; returns leaked device references. */
int kernel_destroy(struct kernel *k)
{
	int leaks;

	if (!k)
		return 0;
	/* Shutdown runs outside RTNL accounting: no task context exists. */
	k->params.rtnl_delay = 0;
	af_netlink_fini(k);
	/* No task context exists at teardown: mark RTNL held for the
	 * unregistration path's assertions without taking it. */
	k->rtnl.locked = true;
	/* A linkwatch worker stopped mid-device holds that device's reference;
	 * the task never resumes, so drop it here rather than call it a leak. */
	if (k->lw.inflight) {
		dev_put(k->lw.inflight);
		k->lw.inflight = NULL;
	}
	for (unsigned i = k->nnets; i-- > 0;)
		net_free_devices(k->nets[i]);
	k->rtnl.locked = false;
	linkwatch_fini(k);
	addrconf_fini(k);
	k->leaked_refs += netdev_free_zombies(k);
	for (unsigned i = 0; i < k->nnets; i++) {
		free(k->nets[i]->by_index);
		free(k->nets[i]->dev_name_head);
		free(k->nets[i]->nsid_of);
		free(k->nets[i]);
	}
	free(k->nets);
	rtnl_fini(k);
	leaks = k->leaked_refs;
	free(k);
	return leaks;
}

const char *kernel_profile_name(const struct kernel *k)
{
	return k->profile->name;
}

int kernel_param_set(struct kernel *k, const char *key, const char *value)
{
	const struct param_def *def = param_find(key);
	int64_t v;
	int err;

	if (!def)
		return -ENOENT;
	err = param_parse(def, value, &v);
	if (err)
		return err;
	*param_slot(&k->params, def) = v;
	return 0;
}

int kernel_param_get(const struct kernel *k, const char *key, double *value)
{
	const struct param_def *def = param_find(key);

	if (!def)
		return -ENOENT;
	*value = (double)param_value(&k->params, def);
	if (def->unit == PU_USEC)
		*value /= 1000.0;
	return 0;
}

static void param_format(const struct param_def *d, int64_t v, char *buf, size_t len)
{
	if (d->unit == PU_USEC) {
		snprintf(buf, len, "%lld.%03lld", (long long)(v / 1000), (long long)(v % 1000));
	} else if (d->unit == PU_MASK) {
		size_t off = 0;

		buf[0] = '\0';
		for (int c = 0; c < RTNL_CLASS_MAX; c++)
			if (v & (1 << c))
				off += snprintf(buf + off, len > off ? len - off : 0, "%s%s",
						off ? "," : "", rtnl_class_name(c));
		if (!off)
			snprintf(buf, len, "none");
	} else {
		snprintf(buf, len, "%lld", (long long)v);
	}
}

void kernel_params_print(const struct kernel *k, FILE *out)
{
	char val[160];

	for (unsigned i = 0; param_at(i); i++) {
		const struct param_def *d = param_at(i);

		param_format(d, param_value(&k->params, d), val, sizeof(val));
		fprintf(out, "%-42s %-12s %-7s %s\n", d->key, val, param_unit_name(d->unit),
			d->help);
		fprintf(out, "%-42s source: %s\n", "", d->source);
	}
}

const char *kernel_profile_at(unsigned i, const char **describe)
{
	const struct kernel_profile *p = profile_at(i);

	if (!p)
		return NULL;
	if (describe)
		*describe = p->describe;
	return p->name;
}

bool kernel_profile_exists(const char *name)
{
	return profile_find(name) != NULL;
}

bool kernel_param_exists(const char *key)
{
	return param_find(key) != NULL;
}

/* ---- namespaces ------------------------------------------------------------ */

struct net *kernel_init_net(struct kernel *k)
{
	return k->nets[0];
}

int kernel_netns_add(struct kernel *k, const char *name, struct net **out)
{
	struct net *net;
	int err;

	if (kernel_netns_get(k, name))
		return -EEXIST;
	net = net_alloc(k, name);
	if (!net)
		return -ENOMEM;
	err = loopback_net_init(net);
	if (err)
		return err;
	if (out)
		*out = net;
	return 0;
}

struct net *kernel_netns_get(struct kernel *k, const char *name)
{
	for (unsigned i = 0; i < k->nnets; i++)
		if (strcmp(k->nets[i]->name, name) == 0)
			return k->nets[i];
	return NULL;
}

const char *net_name(const struct net *net)
{
	return net->name;
}

int kernel_netns_pid(const struct net *net)
{
	return NLSIM_NETNS_PID_BASE + (int)net->id;
}

bool net_eq(const struct net *a, const struct net *b)
{
	return a == b;
}

struct net *dev_net(const struct net_device *dev)
{
	return dev->net;
}

/* peernet2id - the id @net knows @peer by (net/core/net_namespace.c), -1 if
 * none was assigned. An id is assigned when a device moves between the two
 * namespaces (as `ip link set X netns Y` does through rtnl_link_get_net). */
int peernet2id(struct net *net, struct net *peer)
{
	if (net == peer || peer->id >= net->nsid_cap)
		return -1;
	return net->nsid_of[peer->id];
}

int peernet2id_alloc(struct net *net, struct net *peer)
{
	int id = peernet2id(net, peer);

	if (id >= 0 || net == peer)
		return id;
	if (peer->id >= net->nsid_cap) {
		unsigned cap = peer->id + 8;
		int *n = realloc(net->nsid_of, cap * sizeof(*n));

		if (!n)
			return -1;
		for (unsigned i = net->nsid_cap; i < cap; i++)
			n[i] = -1;
		net->nsid_of = n;
		net->nsid_cap = cap;
	}
	net->nsid_of[peer->id] = net->nsid_next++;
	return net->nsid_of[peer->id];
}


/* ---- inspection ------------------------------------------------------------ */

static void fill_info(const struct net_device *dev, struct link_info *out)
{
	memset(out, 0, sizeof(*out));
	out->ifindex = dev->ifindex;
	snprintf(out->name, sizeof(out->name), "%s", dev->name);
	out->flags = dev_get_flags(dev);
	out->raw_operstate = dev->operstate;
	out->operstate = netif_running(dev) ? dev->operstate : IF_OPER_DOWN;
	out->link_mode = dev->link_mode;
	out->carrier = netif_carrier_ok(dev);
	out->linkwatch_pending = test_bit(__LINK_STATE_LINKWATCH_PENDING, &dev->state);
	out->state = dev->state;
	out->mtu = dev->mtu;
	out->carrier_up = dev->carrier_up_count;
	out->carrier_down = dev->carrier_down_count;
	out->kind = dev->ops->kind;
}

int kernel_link_info(struct net *net, const char *name, struct link_info *out)
{
	struct net_device *dev = __dev_get_by_name(net, name);

	if (!dev)
		return -ENODEV;
	fill_info(dev, out);
	return 0;
}

bool kernel_link_at(struct net *net, unsigned i, struct link_info *out)
{
	if (i >= net->ndev)
		return false;
	fill_info(net->by_index[i], out);
	return true;
}

unsigned kernel_linkwatch_queue_len(const struct kernel *k)
{
	return k->lw.len;
}

const struct kernel_counters *kernel_counters(const struct kernel *k)
{
	return &k->counters;
}

const struct rtnl_class_stats *kernel_rtnl_stats(const struct kernel *k, int cls)
{
	return cls >= 0 && cls < RTNL_CLASS_MAX ? &k->rtnl.stats[cls] : NULL;
}

ktime_t k_cost(const struct kernel *k, double us)
{
	(void)k;
	return (ktime_t)(us * 1000.0);
}
