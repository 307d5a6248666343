/* clients/client.c - the table of client models a scenario can start. */
#include <string.h>

#include "clients/client.h"

static const struct client_kind kinds[] = {
	{ "monitor", "ip -ts monitor link: prints every RTNLGRP_LINK message", monitor_start },
	{ "networkd", "systemd-networkd bringing links up (link=NAME)", networkd_start },
	{ "ovs", "ovs-vswitchd with bridge br0 (variant=main|series, veth_status=on|off)",
	  ovs_start },
	{ "churn", "the OVS series' churn script: ip link + ovs-vsctl per veth (ifaces=N ...)", churn_start },
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
