/* clients/iproute.h - `ip link` requests over a simulated netlink socket.
 * All return 0 (ip_link_get: the ifindex; ip_link_dump: the link count) or a
 * negative errno from the kernel's NLMSG_ERROR. Context: task. */
#ifndef NLSIM_CLIENTS_IPROUTE_H
#define NLSIM_CLIENTS_IPROUTE_H

#include <stdbool.h>
#include <stdint.h>

struct nlmsghdr;

int ip_transact(int fd, struct nlmsghdr *nlh);
int ip_link_add_veth(int fd, const char *name, const char *peer, int peer_netns_pid);
int ip_link_add_kind(int fd, const char *name, const char *kind);
int ip_link_set_up(int fd, const char *name, bool up);
int ip_link_set_mtu(int fd, const char *name, uint32_t mtu);
int ip_link_set_netns(int fd, const char *name, int netns_pid);
int ip_link_set_carrier(int fd, const char *name, bool on);
int ip_link_set_mode(int fd, const char *name, int mode);
int ip_link_set_operstate(int fd, const char *name, int state);
int ip_link_set_master(int fd, const char *name, int master_ifindex);
int ip_link_set_address(int fd, const char *name, const uint8_t mac[6]);
int ip_link_rename(int fd, int ifindex, const char *newname);
int ip_link_del(int fd, const char *name);
int ip_link_get(int fd, const char *name);
int ip_link_dump(int fd);

#endif /* NLSIM_CLIENTS_IPROUTE_H */
