/* clients/client.c - the table of client models a scenario can start, and
 * the option check they share. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clients/client.h"
#include "sim/scenario.h"

static const struct client_kind kinds[] = {
	{ "monitor", "ip -ts monitor link: prints every RTNLGRP_LINK message",
	  monitor_check_opts, monitor_start },
	{ "networkd", "systemd-networkd bringing links up (link=NAME)",
	  networkd_check_opts, networkd_start },
	{ "ovs", "ovs-vswitchd with bridge br0 (variant=main|series, veth_status=on|off)",
	  ovs_check_opts, ovs_start },
	{ "churn", "the OVS series' churn script: ip link + ovs-vsctl per veth (ifaces=N ...)",
	  churn_check_opts, churn_start },
};

const struct client_kind *client_kind_find(const char *name)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

const struct client_kind *client_kind_at(unsigned i)
{
	return i < sizeof(kinds) / sizeof(kinds[0]) ? &kinds[i] : NULL;
}

int client_opts_known(const struct client_env *env, const char *const *known,
		      char *why, size_t len)
{
	const struct scn_action *a = env->action;
	size_t used;

	for (int i = 0; a && i < a->nopts; i++) {
		bool ok = !strcmp(a->opt_key[i], "netns");

		for (size_t j = 0; known[j] && !ok; j++)
			ok = !strcmp(a->opt_key[i], known[j]);
		if (ok)
			continue;
		if (!known[0]) {
			snprintf(why, len, "unknown option '%s' (it takes only netns=)", a->opt_key[i]);
			return -EINVAL;
		}
		used = (size_t)snprintf(why, len, "unknown option '%s' (known:", a->opt_key[i]);
		for (size_t j = 0; known[j] && used < len; j++)
			used += (size_t)snprintf(why + used, len - used, " %s", known[j]);
		if (used < len)
			snprintf(why + used, len - used, ")");
		return -EINVAL;
	}
	return 0;
}
