/* sim/sweep.h - `nlsim sweep`: a scenario over a grid of parameters, in
 * parallel, to one CSV; and ${name} variables in scenario files.
 *
 *   nlsim sweep FILE --grid KEY=V1,V2,... [--grid ...] [--reps N] [--jobs N]
 *                    [--csv FILE] [--set KEY=VALUE ...] [--seed N]
 *
 * Axes are the file's `sweep KEY V1,V2` statements (as written: no ${} in
 * them) followed by the --grid options; a --grid on the key of a file axis
 * replaces its values. A KEY is a variable of the file (see below), or a
 * parameter of `--set` (`nlsim params`), `profile` or `seed`; for `seed` the
 * value is the base seed of that combination. Every combination (first axis
 * slowest) runs --reps times (default 1). Repetition r of combination c runs
 * with seed sweep_seed(base, c, r), where base is --seed, else the file's
 * `seed`, else 1. Runs are forked children, at most --jobs at once (default:
 * online CPUs), each like `nlsim run --quiet --seed S --set ...
 * --metrics F`. The CSV (stdout without --csv) has one row per run in grid
 * order, written after every run finished, so it does not depend on --jobs:
 * the axis keys, rep, seed, status (the run's exit status), then every
 * metric key of any run (byte order); a metric a run lacks is empty.
 *
 * Variables: before parsing, `${name}` in the file is replaced by the value
 * of `--set name=VALUE` or of a --grid axis `name`, and `${name:-DEFAULT}`
 * by DEFAULT when neither gives one. A name is letters, digits, `_`, `.`,
 * `-`, starting with a letter or `_`. Text after an unquoted `#` (a comment)
 * is copied as is. Line numbers do not change. `nlsim run` expands them too.
 */
#ifndef NLSIM_SIM_SWEEP_H
#define NLSIM_SIM_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct run_opts;

/* The seed of repetition @rep of combination @combo (both from 0):
 * h = mix(base + G); h = mix(h + (combo + 1) * G); h = mix(h + (rep + 1) * G)
 * with G = 0x9e3779b97f4a7c15 and mix() splitmix64's finaliser. */
uint64_t sweep_seed(uint64_t base, uint64_t combo, uint64_t rep);

/* Replace ${name} and ${name:-default} in @text (NUL-terminated; @name is the
 * file name for messages) with the values of @keys/@vals (@n of them; a later
 * duplicate wins). Returns a malloc'ed string, or NULL with "name:line:
 * message" in @err. */
char *sweep_expand(const char *name, const char *text, const char *const *keys,
		   const char *const *vals, int n, char *err, size_t errlen);
/* Does @text use the variable @key (as ${key} or ${key:-...})? */
bool sweep_uses_var(const char *text, const char *key);

/* `nlsim run` with variables: expands the file when it uses any, treats
 * --set keys the file uses as variables, then scenario_run(). */
int sweep_run_file(const struct run_opts *o);

/* `nlsim sweep ARGS...`; returns the exit status (0 all runs passed, 1 some
 * run failed an expectation, 2 bad input or a run that could not start). */
int sweep_command(int argc, char **argv);

#endif /* NLSIM_SIM_SWEEP_H */
