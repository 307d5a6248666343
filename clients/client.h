/* clients/client.h - what every client model gets from the scenario runner.
 *
 * A client is a task body that talks to the kernel only through simulated
 * netlink sockets (plain libc calls on file descriptors) and reports what it
 * saw through this environment: trace lines, metrics, per-device counts.
 */
#ifndef NLSIM_CLIENTS_CLIENT_H
#define NLSIM_CLIENTS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/engine.h"
#include "sim/world.h"

struct metrics;
struct net;

struct client_env {
	struct sim_world *w;
	struct net *net;		/* the namespace the client runs in */
	struct metrics *m;
	sim_time_t end;			/* the run ends here */
	/* options of the `client` action: NULL if absent */
	const char *(*opt)(const void *action, const char *key);
	const void *action;
	/* a line of trace output, already formatted (ends with '\n') */
	void (*print)(void *rctx, const char *line);
	/* a link notification for device @name was received by a monitor */
	void (*saw_link)(void *rctx, const char *name);
	void *rctx;
};

struct client_kind {
	const char *name;
	const char *describe;
	/* Checks the options of a `client` action while the scenario is read:
	 * only env->opt and env->action are set (no world, no kernel yet).
	 * Returns 0, or -EINVAL with a one-line reason in @why. */
	int (*check)(const struct client_env *env, char *why, size_t len);
	void (*start)(const struct client_env *env);	/* spawns its task(s) */
};

const struct client_kind *client_kind_find(const char *name);
/* 0 if every option of env->action is netns= (the runner's) or in @known
 * (NULL-terminated); else -EINVAL, naming the first other one and the
 * known ones in @why. Unknown keys are typos: refused, not ignored. */
int client_opts_known(const struct client_env *env, const char *const *known,
		      char *why, size_t len);
const struct client_kind *client_kind_at(unsigned i);

int monitor_check_opts(const struct client_env *env, char *why, size_t len);
void monitor_start(const struct client_env *env);
int networkd_check_opts(const struct client_env *env, char *why, size_t len);
void networkd_start(const struct client_env *env);
int ovs_check_opts(const struct client_env *env, char *why, size_t len);
void ovs_start(const struct client_env *env);
int churn_check_opts(const struct client_env *env, char *why, size_t len);
void churn_start(const struct client_env *env);

#endif /* NLSIM_CLIENTS_CLIENT_H */
