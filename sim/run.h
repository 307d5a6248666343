/* sim/run.h - run a scenario file: `nlsim run`. */
#ifndef NLSIM_SIM_RUN_H
#define NLSIM_SIM_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define RUN_MAX_SETS 64

struct scn_action;

struct run_opts {
	const char *file;
	const char *name;	/* shown for @file if set: the user's file, @file its expanded copy */
	uint64_t seed;
	bool seed_set;
	const char *set_key[RUN_MAX_SETS];	/* --set KEY=VALUE, in order */
	const char *set_val[RUN_MAX_SETS];
	int nsets;
	const char *metrics_path;
	const char *pcap_path;
	const char *chrome_path;
	FILE *out;		/* the trace (stdout) */
	bool quiet;		/* no trace lines, only failures */
};

/* Run one scenario; returns the exit status: 0 every expectation held,
 * 1 an expectation or an action failed, 2 bad input (message on stderr). */
int scenario_run(const struct run_opts *o);

/* Names for the parser's checks and `nlsim` listings. */
bool run_param_ok(const char *key);
/* The options of a `client` action, for the parser's check (sim/scenario.c). */
bool run_client_opts_ok(const struct scn_action *a, char *why, size_t len);

#endif /* NLSIM_SIM_RUN_H */
