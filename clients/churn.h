/* clients/churn.h - the churn script of the Open vSwitch event-driven series.
 *
 * `client churn [key=value ...]` runs the script reconstructed in
 * reference/clients.md §4.1/§4.2 against the simulated kernel and the OVS
 * model started by `client ovs`. Options (all optional):
 *
 *   ifaces=N         interfaces to churn (default 10, 1..CHURN_MAX_IFACES)
 *   variant=V        add_all_del_all (default): add N ports, then delete N;
 *                    in_place: add N, then delete and recreate each in turn
 *   pod_netns=on|off a namespace ns<i> per interface, peer moved into it (on);
 *                    not `netns=`: the runner reads that one (the namespace
 *                    the client runs in)
 *   order=O          delport_first (default): `ovs-vsctl del-port` before
 *                    `ip link del`; link_first: the other way round
 *   ovs=on|off       drive the OVS model (on); off skips the ovs-vsctl steps
 *   ip_exec_us=U     process start of one `ip` command (default 1000 us)
 *   vsctl_exec_us=U  process start and OVSDB round trip of one `ovs-vsctl`
 *                    before its wait for vswitchd (default 5000 us)
 *   netns_rtnl=K     rtnl_lock() calls of one `ip netns add` (setup_net: lo
 *                    and tunnel fallback devices), class driver (default 1)
 *
 * Metrics: churn.total_s (first command to last), churn.setup_s (in_place:
 * the initial add of N), churn.add_s, churn.del_s, churn.vsctl_wait_s (time
 * blocked in ovs-vsctl waits for vswitchd), churn.ip_commands,
 * churn.vsctl_commands, churn.errors; one trace line at the end.
 */
#ifndef NLSIM_CLIENTS_CHURN_H
#define NLSIM_CLIENTS_CHURN_H

#define CHURN_MAX_IFACES 10000

/* Defaults of the process-start costs, in microseconds (see churn.c). */
#define CHURN_IP_EXEC_US 1000
#define CHURN_VSCTL_EXEC_US 5000

struct client_env;

void churn_start(const struct client_env *env);

#endif /* NLSIM_CLIENTS_CHURN_H */
