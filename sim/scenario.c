/* sim/scenario.c - run a parsed scenario against a simulated kernel.
 *
 * Builds a world (profile, seed, parameters, namespaces), turns every timed
 * action into an event that spawns a short task at its time (actions at the
 * same time run in file order), starts the clients, runs the engine until
 * `run`, then checks the expectations. Device actions go through netlink the
 * way `ip link` sends them (clients/iproute.c), driver actions (tap, virtio,
 * carrier) call the model's driver verbs. Without a `client monitor` in the
 * init namespace one is started at time 0, so the trace always shows what an
 * RTNLGRP_LINK listener receives.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/if.h>

#include "clients/client.h"
#include "clients/iproute.h"
#include "model/kernel.h"
#include "sim/metrics.h"
#include "sim/outputs.h"
#include "sim/run.h"
#include "sim/scenario.h"
#include "sim/transport.h"

struct runner;

struct action_ev {
	struct sim_event ev;
	struct runner *r;
	const struct scn_action *a;
	uint64_t done;		/* repetitions run */
};

struct dev_count {
	char name[IFNAMSIZ];
	long n;
};

struct runner {
	struct scenario *s;
	struct sim_world *w;
	struct kernel *k;
	struct metrics *m;
	FILE *out;
	bool quiet;
	char *trace;		/* everything printed, for `expect output` */
	size_t trace_len, trace_cap;
	struct dev_count *counts;
	size_t ncounts;
	int failures;
	struct action_ev *aevs;
};

static void rprint(void *rctx, const char *line)
{
	struct runner *r = rctx;
	size_t n = strlen(line);

	if (!r->quiet)
		fputs(line, r->out);
	if (r->trace_len + n + 1 > r->trace_cap) {
		size_t cap = (r->trace_cap + n + 1) * 2;
		char *t = realloc(r->trace, cap);

		if (!t)
			return;
		r->trace = t;
		r->trace_cap = cap;
	}
	memcpy(r->trace + r->trace_len, line, n + 1);
	r->trace_len += n;
}

static void rprintf(struct runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rprintf(struct runner *r, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	rprint(r, line);
}

static void saw_link(void *rctx, const char *name)
{
	struct runner *r = rctx;

	for (size_t i = 0; i < r->ncounts; i++)
		if (strcmp(r->counts[i].name, name) == 0) {
			r->counts[i].n++;
			return;
		}
	{
		struct dev_count *c = realloc(r->counts, (r->ncounts + 1) * sizeof(*c));

		if (!c)
			return;
		r->counts = c;
		snprintf(c[r->ncounts].name, IFNAMSIZ, "%s", name);
		c[r->ncounts].n = 1;
		r->ncounts++;
	}
}

static long count_of(const struct runner *r, const char *name)
{
	for (size_t i = 0; i < r->ncounts; i++)
		if (strcmp(r->counts[i].name, name) == 0)
			return r->counts[i].n;
	return 0;
}

static struct net *net_of(struct runner *r, const char *name)
{
	return kernel_netns_get(r->k, name ? name : "init");
}

static const char *opt_of(const void *action, const char *key)
{
	return action ? scn_opt(action, key) : NULL;
}

static void start_client(struct runner *r, const char *kind, const struct scn_action *a,
			 struct net *net)
{
	const struct client_kind *ck = client_kind_find(kind);
	struct client_env env = {
		.w = r->w, .net = net, .m = r->m, .end = r->s->run, .opt = opt_of,
		.action = a, .print = rprint, .saw_link = saw_link, .rctx = r,
	};

	if (ck)
		ck->start(&env);
}

/* ---- expectations --------------------------------------------------------------- */

static bool check_expect(struct runner *r, const struct scn_expect *x, char *why, size_t len)
{
	struct link_info li;
	struct net *net = net_of(r, x->netns);
	const char *dev = x->dev ? x->dev : "?";
	int err = x->dev ? kernel_link_info(net, x->dev, &li) : 0;
	double v;

	switch (x->kind) {
	case SCN_EXP_METRIC:
		v = metrics_get(r->m, x->metric);
		snprintf(why, len, "%s is %g", x->metric, v);
		return metrics_has(r->m, x->metric) && scn_op_eval(x->op, v, x->number);
	case SCN_EXP_NOTIFICATIONS:
		v = (double)count_of(r, dev);
		snprintf(why, len, "%s had %g notifications", dev, v);
		return scn_op_eval(x->op, v, x->number);
	case SCN_EXP_OUTPUT:
		snprintf(why, len, "not in the output");
		return r->trace && strstr(r->trace, x->substring);
	case SCN_EXP_EXISTS:
		snprintf(why, len, "%s does not exist", dev);
		return err == 0;
	case SCN_EXP_ABSENT:
		snprintf(why, len, "%s exists", dev);
		return err != 0;
	default:
		break;
	}
	if (err) {
		snprintf(why, len, "no device %s in %s", dev, x->netns ? x->netns : "init");
		return false;
	}
	switch (x->kind) {
	case SCN_EXP_OPERSTATE:
		snprintf(why, len, "operstate is %s", scn_operstate_name(li.operstate));
		return li.operstate == x->state;
	case SCN_EXP_CARRIER:
		snprintf(why, len, "carrier is %s", li.carrier ? "on" : "off");
		return li.carrier == x->carrier;
	case SCN_EXP_FLAGS:
		snprintf(why, len, "flags are 0x%x", li.flags);
		return (li.flags & x->flags_set) == x->flags_set && !(li.flags & x->flags_clear);
	default:
		return false;
	}
}

static void run_expect(struct runner *r, const struct scn_expect *x)
{
	char why[256];

	if (!check_expect(r, x, why, sizeof(why))) {
		fprintf(stderr, "%s:%d: expectation failed: %s (%s)\n", r->s->file, x->line,
			x->text, why);
		r->failures++;
	}
}

/* ---- actions -------------------------------------------------------------------- */

static int carrier_action(struct runner *r, struct net *net, const struct scn_action *a)
{
	struct link_info li;
	bool on;
	int err = kernel_link_info(net, a->arg[0], &li);

	if (err)
		return err;
	on = a->value == SCN_CARRIER_TOGGLE ? !li.carrier : a->value == SCN_CARRIER_ON;
	if (li.kind && strcmp(li.kind, "tun") == 0)
		return kernel_tap_set_carrier(net, a->arg[0], on);
	if (!li.kind && strcmp(a->arg[0], "lo") != 0) {
		err = kernel_virtio_set_link(net, a->arg[0], on);
		if (err != -ENODEV)
			return err;
	}
	(void)r;
	return kernel_carrier_set(net, a->arg[0], on);
}

static int do_action(struct runner *r, const struct scn_action *a)
{
	struct net *net = net_of(r, a->netns);
	const char *o;
	int fd, err = 0;

	switch (a->verb) {
	case SCN_CLIENT:
		start_client(r, a->arg[0], a, net);
		return 0;
	case SCN_EXPECT:
		run_expect(r, a->expect);
		return 0;
	case SCN_RTNL_HOLD:
		o = scn_opt(a, "class");
		kernel_rtnl_hold(r->k, o ? rtnl_class_from_name(o) : RTNL_CLASS_CONTENDER, a->value);
		return 0;
	case SCN_TAP:
		o = scn_opt(a, "carrier");
		return kernel_tap_create(net, a->arg[0], !o || strcmp(o, "off") != 0);
	case SCN_VIRTIO:
		o = scn_opt(a, "status");
		return kernel_virtio_probe(net, a->arg[0], !o || strcmp(o, "off") != 0);
	case SCN_CARRIER:
		return carrier_action(r, net, a);
	default:
		break;
	}
	/* Everything else is an `ip link` command: a new process, a new socket. */
	fd = sim_socket_open(r->w, net);
	if (fd < 0)
		return fd;
	switch (a->verb) {
	case SCN_VETH:
		o = scn_opt(a, "peer_netns");
		err = ip_link_add_veth(fd, a->arg[0], scn_opt(a, "peer"),
				       o ? kernel_netns_pid(net_of(r, o)) : 0);
		break;
	case SCN_DUMMY:
		err = ip_link_add_kind(fd, a->arg[0], "dummy");
		break;
	case SCN_BRIDGE:
		err = ip_link_add_kind(fd, a->arg[0], "bridge");
		break;
	case SCN_UP:
	case SCN_DOWN:
		err = ip_link_set_up(fd, a->arg[0], a->verb == SCN_UP);
		break;
	case SCN_MTU:
		err = ip_link_set_mtu(fd, a->arg[0], (uint32_t)a->value);
		break;
	case SCN_ADDRESS:
		err = ip_link_set_address(fd, a->arg[0], a->mac);
		break;
	case SCN_MODE:
		err = ip_link_set_mode(fd, a->arg[0], (int)a->value);
		break;
	case SCN_OPERSTATE:
		err = ip_link_set_operstate(fd, a->arg[0], (int)a->value);
		break;
	case SCN_RENAME:
		err = ip_link_get(fd, a->arg[0]);
		if (err > 0)
			err = ip_link_rename(fd, err, a->arg[1]);
		break;
	case SCN_DEL:
		err = ip_link_del(fd, a->arg[0]);
		break;
	case SCN_MOVE:
		err = ip_link_set_netns(fd, a->arg[0], kernel_netns_pid(net_of(r, a->arg[1])));
		break;
	case SCN_GETLINK:
		err = ip_link_get(fd, a->arg[0]);
		err = err > 0 ? 0 : err;
		break;
	case SCN_DUMP:
		err = ip_link_dump(fd);
		err = err > 0 ? 0 : err;
		break;
	case SCN_MASTER:
		err = ip_link_get(fd, a->arg[1]);
		if (err > 0)
			err = ip_link_set_master(fd, a->arg[0], err);
		break;
	case SCN_NOMASTER:
		err = ip_link_set_master(fd, a->arg[0], 0);
		break;
	default:
		err = -EINVAL;
	}
	close(fd);
	return err;
}

static void action_task(void *arg)
{
	struct action_ev *ae = arg;
	struct runner *r = ae->r;
	int err = do_action(r, ae->a);

	if (err < 0) {
		fprintf(stderr, "%s:%d: %s failed at %.6f s: %s\n", r->s->file, ae->a->line,
			scn_verb_name(ae->a->verb),
			(double)sim_now(sim_world_engine(r->w)) / 1e9, strerror(-err));
		r->failures++;
	}
}

static void action_fire(struct sim_event *ev)
{
	struct action_ev *ae = container_of(ev, struct action_ev, ev);
	struct sim_engine *e = sim_world_engine(ae->r->w);
	const struct scn_action *a = ae->a;

	sim_task_spawn(e, scn_verb_name(a->verb), action_task, ae, 0);
	ae->done++;
	if (a->period > 0 && (!a->count || ae->done < a->count)) {
		sim_time_t next = a->at + (sim_time_t)ae->done * a->period;

		if (next <= a->until && next <= ae->r->s->run)
			sim_event_schedule(e, &ae->ev, next);
	}
}

/* ---- setup, run, results ---------------------------------------------------------- */

static bool hook_profile_ok(const char *name, void *data)
{
	(void)data;
	return kernel_profile_exists(name);
}

static bool hook_client_ok(const char *kind, void *data)
{
	(void)data;
	return client_kind_find(kind) != NULL;
}

/**
 * run_client_opts_ok - whether the model of `client` action @a takes its options
 * @why: receives the reason when not
 *
 * The model checks them as it reads them when it starts, with only the
 * action at hand (no world yet). An unknown kind is left to the kind check.
 */
bool run_client_opts_ok(const struct scn_action *a, char *why, size_t len)
{
	const struct client_kind *ck = client_kind_find(a->arg[0]);
	struct client_env env = { .opt = opt_of, .action = a };

	return !ck || ck->check(&env, why, len) == 0;
}

static bool hook_client_opts_ok(const struct scn_action *a, char *why, size_t len, void *data)
{
	(void)data;
	return run_client_opts_ok(a, why, len);
}

bool run_param_ok(const char *key)
{
	return kernel_param_exists(key) || !strcmp(key, "profile") || !strcmp(key, "seed");
}

static bool hook_param_ok(const char *key, void *data)
{
	(void)data;
	return run_param_ok(key);
}

static void put_rtnl_metrics(struct runner *r)
{
	const struct kernel_counters *c = kernel_counters(r->k);
	double acq = 0, wait = 0;
	char key[96];

	for (int cls = 0; cls < RTNL_CLASS_MAX; cls++) {
		const struct rtnl_class_stats *st = kernel_rtnl_stats(r->k, cls);

		acq += (double)st->acquisitions;
		wait += (double)st->wait_total / 1e6;
		if (!st->acquisitions)
			continue;
		snprintf(key, sizeof(key), "rtnl.acquisitions.%s", rtnl_class_name(cls));
		metrics_set(r->m, key, (double)st->acquisitions);
		snprintf(key, sizeof(key), "rtnl.wait_ms.%s", rtnl_class_name(cls));
		metrics_set(r->m, key, (double)st->wait_total / 1e6);
		snprintf(key, sizeof(key), "rtnl.hold_ms.%s", rtnl_class_name(cls));
		metrics_set(r->m, key, (double)st->hold_total / 1e6);
		snprintf(key, sizeof(key), "rtnl.delay_ms.%s", rtnl_class_name(cls));
		metrics_set(r->m, key, (double)st->delay_total / 1e6);
	}
	metrics_set(r->m, "rtnl.acquisitions", acq);
	metrics_set(r->m, "rtnl.wait_ms_total", wait);
	metrics_set(r->m, "netlink.notifications", (double)c->notifications);
	metrics_set(r->m, "netlink.deliveries", (double)c->deliveries);
	metrics_set(r->m, "netlink.drops", (double)c->drops);
	metrics_set(r->m, "netlink.enobufs", (double)c->enobufs);
	metrics_set(r->m, "netlink.requests", (double)c->requests);
	metrics_set(r->m, "linkwatch.runs", (double)c->linkwatch_runs);
	metrics_set(r->m, "linkwatch.urgent_runs", (double)c->linkwatch_urgent_runs);
	metrics_set(r->m, "linkwatch.devices", (double)c->linkwatch_devs);
	for (size_t i = 0; i < r->ncounts; i++) {
		snprintf(key, sizeof(key), "monitor.notifications.%s", r->counts[i].name);
		metrics_set(r->m, key, (double)r->counts[i].n);
	}
	metrics_set(r->m, "sim.events", (double)sim_engine_events(sim_world_engine(r->w)));
	metrics_set(r->m, "sim.virtual_s", (double)sim_now(sim_world_engine(r->w)) / 1e9);
}

/* Apply the scenario's parameters (file order, command line last). */
static int apply_params(struct runner *r)
{
	for (size_t i = 0; i < r->s->nparams; i++) {
		const struct scn_param *p = &r->s->params[i];
		int err;

		if (!strcmp(p->key, "profile") || !strcmp(p->key, "seed"))
			continue;
		err = kernel_param_set(r->k, p->key, p->value);
		if (err) {
			if (p->line)
				fprintf(stderr, "%s:%d: ", r->s->file, p->line);
			else
				fprintf(stderr, "nlsim: --set: ");
			fprintf(stderr, "%s '%s' for %s (see `nlsim params`)\n",
				err == -ENOENT ? "unknown parameter" : "bad value", p->value, p->key);
			return 2;
		}
	}
	return 0;
}

static int setup(struct runner *r, const struct run_opts *o, struct outputs **outs)
{
	const char *profile = scenario_param(r->s, "profile");
	const char *seedp = scenario_param(r->s, "seed");
	uint64_t seed = r->s->seed_given ? r->s->seed : 1;
	bool monitor_in_init = false;
	int err;

	if (!profile)
		profile = r->s->profile ? r->s->profile : "v6.18";
	if (!kernel_profile_exists(profile)) {
		fprintf(stderr, "nlsim: unknown profile '%s' (see `nlsim profiles`)\n", profile);
		return 2;
	}
	if (seedp)
		seed = strtoull(seedp, NULL, 0);
	if (o->seed_set)
		seed = o->seed;
	r->w = sim_world_create(seed, profile);
	if (!r->w)
		return 2;
	r->k = sim_world_kernel(r->w);
	err = apply_params(r);
	if (err)
		return err;
	for (size_t i = 0; i < r->s->nnetns; i++)
		kernel_netns_add(r->k, r->s->netns[i].name, NULL);
	*outs = outputs_open(r->w, o->pcap_path, o->chrome_path);
	if ((o->pcap_path || o->chrome_path) && !*outs)
		return 2;
	rprintf(r, "# nlsim run %s\n# profile %s seed %llu run %.6f s\n", r->s->file, profile,
		(unsigned long long)seed, (double)r->s->run / 1e9);
	for (size_t i = 0; i < r->s->nparams; i++) {
		const struct scn_param *p = &r->s->params[i];

		if (p->line)
			rprintf(r, "# set %s=%s (%s:%d)\n", p->key, p->value, r->s->file, p->line);
		else
			rprintf(r, "# set %s=%s (command line)\n", p->key, p->value);
	}
	rprintf(r, "# every other parameter: profile default (nlsim params %s)\n", profile);
	for (size_t i = 0; i < r->s->nactions; i++) {
		const struct scn_action *a = &r->s->actions[i];

		if (a->verb == SCN_CLIENT && !strcmp(a->arg[0], "monitor") && a->at == 0 &&
		    (!a->netns || !strcmp(a->netns, "init")))
			monitor_in_init = true;
	}
	if (!monitor_in_init)
		start_client(r, "monitor", NULL, kernel_init_net(r->k));
	/* Actions sorted by (time, file order); equal times keep file order. */
	r->aevs = calloc(r->s->nactions ? r->s->nactions : 1, sizeof(*r->aevs));
	if (!r->aevs)
		return 2;
	{
		const struct scn_action **sorted = calloc(r->s->nactions + 1, sizeof(*sorted));

		if (!sorted)
			return 2;
		for (size_t i = 0; i < r->s->nactions; i++)
			sorted[i] = &r->s->actions[i];
		qsort(sorted, r->s->nactions, sizeof(*sorted), scn_action_cmp);
		for (size_t i = 0; i < r->s->nactions; i++) {
			struct action_ev *ae = &r->aevs[i];

			ae->r = r;
			ae->a = sorted[i];
			sim_event_init(&ae->ev, action_fire);
			if (sorted[i]->at <= r->s->run)
				sim_event_schedule(sim_world_engine(r->w), &ae->ev, sorted[i]->at);
		}
		free(sorted);
	}
	return 0;
}

static int write_metrics(struct runner *r, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "nlsim: %s: %s\n", path, strerror(errno));
		return 2;
	}
	metrics_write_json(r->m, f);
	return fclose(f) ? 2 : 0;
}

/* scenario_run - parse, set up, run, check; the exit status of `nlsim run`. */
int scenario_run(const struct run_opts *o)
{
	struct scn_hooks hooks = { .profile_ok = hook_profile_ok, .client_ok = hook_client_ok,
				   .client_opts_ok = hook_client_opts_ok,
				   .param_ok = hook_param_ok };
	struct runner r = { .out = o->out, .quiet = o->quiet };
	struct outputs *outs = NULL;
	char err[512];
	int status = 0, leaks;

	r.s = scenario_parse_file_as(o->file, o->name ? o->name : o->file, &hooks, err,
				     sizeof(err));
	if (!r.s) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	for (int i = 0; i < o->nsets; i++) {
		if (!run_param_ok(o->set_key[i])) {
			fprintf(stderr, "nlsim: --set: unknown parameter '%s' (see `nlsim params`)\n",
				o->set_key[i]);
			scenario_free(r.s);
			return 2;
		}
		scenario_set_param(r.s, o->set_key[i], o->set_val[i]);
	}
	r.m = metrics_create();
	status = r.m ? setup(&r, o, &outs) : 2;
	if (status == 0) {
		sim_engine_run(sim_world_engine(r.w), r.s->run, true);
		put_rtnl_metrics(&r);
		for (size_t i = 0; i < r.s->nexpects; i++)
			if (!r.s->expects[i].timed)
				run_expect(&r, &r.s->expects[i]);
		if (o->metrics_path && write_metrics(&r, o->metrics_path))
			status = 2;
		if (!status && r.failures)
			status = 1;
	}
	leaks = sim_world_destroy(r.w);
	outputs_close(outs);
	if (leaks)
		fprintf(stderr, "nlsim: %d device references leaked\n", leaks);
	metrics_destroy(r.m);
	free(r.aevs);
	free(r.trace);
	free(r.counts);
	scenario_free(r.s);
	return status;
}
