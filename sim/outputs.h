/* sim/outputs.h - files a run can write besides the trace: a pcap of every
 * netlink message (LINKTYPE_NETLINK) and a Chrome trace of RTNL holds and
 * waits, link_watch runs and socket buffers. */
#ifndef NLSIM_SIM_OUTPUTS_H
#define NLSIM_SIM_OUTPUTS_H

#include "sim/world.h"

struct outputs;

/* Open the files that have a path (NULL: not wanted) and start observing
 * @w. Returns NULL if nothing was asked for or a file cannot be opened (the
 * reason is printed). */
struct outputs *outputs_open(struct sim_world *w, const char *pcap_path,
			     const char *chrome_path);
/* Flush and close; call after the world is destroyed. */
void outputs_close(struct outputs *o);

#endif /* NLSIM_SIM_OUTPUTS_H */
