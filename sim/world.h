/* sim/world.h - one simulation: an engine, a kernel model, their sockets.
 *
 * A world binds the kernel model to the deterministic engine: it fills the
 * model's services interface from the engine (time, sleeping and waking
 * tasks, timers as events, work items as tasks, delivery to sockets through
 * the transport) and fans the model's observability events out to the
 * outputs that asked for them (trace, pcap, Chrome trace, metrics).
 */
#ifndef NLSIM_SIM_WORLD_H
#define NLSIM_SIM_WORLD_H

#include "model/kernel.h"
#include "sim/engine.h"

struct sim_world;

typedef void (*sim_observer_fn)(void *data, const struct kernel_event *ev);

/* Create a world: an engine seeded with @seed and a kernel with @profile.
 * NULL if the profile is unknown or memory runs out. */
struct sim_world *sim_world_create(uint64_t seed, const char *profile);
/* Destroy; returns the kernel's leaked device references (0 is good). */
int sim_world_destroy(struct sim_world *w);

struct sim_engine *sim_world_engine(const struct sim_world *w);
struct kernel *sim_world_kernel(const struct sim_world *w);

/* Observers, called in registration order for every kernel event. */
int sim_world_observe(struct sim_world *w, sim_observer_fn fn, void *data);

/* Run @fn(@arg) as a task now and run the engine until it returns (other
 * tasks and events due in between run too). For callers outside any task
 * that need a blocking model call (the transport's send/recv). */
void sim_world_run_in_task(struct sim_world *w, const char *name, void (*fn)(void *), void *arg);

#endif /* NLSIM_SIM_WORLD_H */
