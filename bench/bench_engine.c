/* bench/bench_engine.c - how fast the engine runs events and switches tasks.
 *
 * 1. The classic "hold model" for event queues: a fixed population of pending
 *    events; each one, when run, reschedules itself at now plus a random
 *    delay (uniform over 0..1 ms, from the engine's PRNG). That measures
 *    pop + insert at a steady queue size, the engine's hot path.
 * 2. Task switches: one task sleeping 1 ns in a loop; each sleep is a switch
 *    into the engine and one back.
 *
 * Prints figures only; it asserts nothing about time. Wall-clock time is
 * read here, never in the engine. The CPU time of the process is printed
 * too: on a shared machine it says more than the wall time does.
 *
 * usage: bench_engine [events [pending [sleeps]]]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sim/engine.h"

struct hold {
	struct sim_engine *e;
	uint64_t left;			/* events still to run */
};

struct hold_ev {
	struct sim_event ev;
	struct hold *h;
};

static double seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Uniform over 0..SIM_NSEC_PER_MSEC by multiply-high: no division on the
 * measured path. */
static sim_time_t hold_delay(struct sim_engine *e)
{
	uint64_t r = sim_engine_random(e);

	return (sim_time_t)(((unsigned __int128)r *
			     (SIM_NSEC_PER_MSEC + 1)) >> 64);
}

static void hold_fn(struct sim_event *ev)
{
	struct hold_ev *he = container_of(ev, struct hold_ev, ev);
	struct hold *h = he->h;

	if (!--h->left)
		sim_engine_stop(h->e);
	sim_event_schedule(h->e, ev, sim_now(h->e) + hold_delay(h->e));
}

static int bench_hold(uint64_t events, uint32_t pending)
{
	struct hold h = { .left = events };
	struct hold_ev *evs = calloc(pending, sizeof(*evs));
	uint64_t ran;
	double t0, c0, dt, dc;
	uint32_t i;

	h.e = sim_engine_create(1);
	if (!evs || !h.e) {
		fprintf(stderr, "bench_engine: out of memory\n");
		return 1;
	}
	for (i = 0; i < pending; i++) {
		evs[i].h = &h;
		sim_event_init(&evs[i].ev, hold_fn);
		sim_event_schedule(h.e, &evs[i].ev, hold_delay(h.e));
	}
	t0 = seconds(CLOCK_MONOTONIC);
	c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
	ran = sim_engine_run(h.e, SIM_TIME_MAX, false);
	dc = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
	dt = seconds(CLOCK_MONOTONIC) - t0;
	printf("engine: %" PRIu32 " pending, %" PRIu64
	       " events in %.3f s = %.1f M events/s (cpu %.3f s = %.1f M/s)\n",
	       pending, ran, dt, (double)ran / dt / 1e6, dc,
	       (double)ran / dc / 1e6);
	sim_engine_destroy(h.e);
	free(evs);
	return ran == events ? 0 : 1;
}

struct sleeper {
	struct sim_engine *e;
	uint64_t sleeps;
};

static void sleeper_fn(void *arg)
{
	struct sleeper *s = arg;
	uint64_t i;

	for (i = 0; i < s->sleeps; i++)
		sim_task_sleep(s->e, 1);
}

static int bench_switch(uint64_t sleeps)
{
	struct sleeper s = { .e = sim_engine_create(1), .sleeps = sleeps };
	double t0, c0, dt, dc;

	if (!s.e || !sim_task_spawn(s.e, "sleeper", sleeper_fn, &s, 0)) {
		fprintf(stderr, "bench_engine: out of memory\n");
		return 1;
	}
	t0 = seconds(CLOCK_MONOTONIC);
	c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
	sim_engine_run_idle(s.e, SIM_TIME_MAX);
	dc = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
	dt = seconds(CLOCK_MONOTONIC) - t0;
	printf("tasks: %" PRIu64 " sleeps (%" PRIu64 " switches) in %.3f s"
	       " = %.1f M switches/s (cpu %.3f s = %.1f M/s)\n",
	       sleeps, 2 * sleeps, dt, 2.0 * (double)sleeps / dt / 1e6,
	       dc, 2.0 * (double)sleeps / dc / 1e6);
	sim_engine_destroy(s.e);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t events = argc > 1 ? strtoull(argv[1], NULL, 0) : 20000000;
	uint32_t pending = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 0) :
				      10000;
	uint64_t sleeps = argc > 3 ? strtoull(argv[3], NULL, 0) : 2000000;
	int err;

	if (!events || !pending) {
		fprintf(stderr,
			"usage: bench_engine [events [pending [sleeps]]]\n");
		return 2;
	}
	err = bench_hold(events, pending);
	err |= bench_switch(sleeps);
	return err;
}
