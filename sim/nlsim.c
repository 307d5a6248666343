/* sim/nlsim.c - the nlsim command.
 *
 *   nlsim run FILE [--seed N] [--set KEY=VALUE ...] [--metrics F.json]
 *                  [--pcap F.pcap] [--chrome-trace F.json] [--quiet]
 *   nlsim sweep FILE --grid KEY=V1,V2,... [--reps N] [--jobs N] [--csv F.csv]
 *                    [--set KEY=VALUE ...] [--seed N]         (sim/sweep.c)
 *   nlsim profiles
 *   nlsim params [PROFILE]
 *   nlsim --help
 *
 * Exit status: 0 success (every expectation held), 1 an expectation failed,
 * 2 bad input (usage, scenario, parameter).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/client.h"
#include "model/kernel.h"
#include "sim/engine.h"
#include "sim/run.h"
#include "sim/sweep.h"
#include "sim/world.h"

static const char usage[] =
	"usage: nlsim run FILE [--seed N] [--set KEY=VALUE ...] [--metrics FILE.json]\n"
	"                      [--pcap FILE.pcap] [--chrome-trace FILE.json] [--quiet]\n"
	"       nlsim sweep FILE --grid KEY=V1,V2,... [--grid ...] [--reps N] [--jobs N]\n"
	"                        [--csv FILE.csv] [--set KEY=VALUE ...] [--seed N]\n"
	"                        [--plot FILE.svg [--plot-y METRIC]]\n"
	"       nlsim profiles\n"
	"       nlsim params [PROFILE]\n"
	"       nlsim --help\n"
	"\n"
	"run       run a scenario (.nls, see docs/scenario-language.md) in virtual time and\n"
	"          print what an RTNLGRP_LINK listener receives, as `ip -ts monitor link`\n"
	"          prints it, with virtual timestamps; exit 0 when every expectation\n"
	"          holds, 1 when one fails, 2 on bad input\n"
	"  --seed N          seed of the run's one PRNG (default: the scenario's, else 1)\n"
	"  --set KEY=VALUE   override a parameter (see `nlsim params`); also profile=NAME\n"
	"  --metrics F       write the run's metrics as one JSON object\n"
	"  --pcap F          write every netlink message (LINKTYPE_NETLINK) for tshark\n"
	"  --chrome-trace F  write RTNL holds/waits, link_watch runs, socket buffers\n"
	"  --quiet           print no trace, only failures\n"
	"sweep     run FILE once per combination of its `sweep` lines and the --grid\n"
	"          axes, --reps times each (seed of rep r of combination c: splitmix64 of\n"
	"          the base seed, c and r), in parallel (--jobs, default: CPUs); write one\n"
	"          CSV row per run in grid order: axes, rep, seed, status, every metric.\n"
	"          A grid KEY is a parameter, profile, seed, or a variable of FILE.\n"
	"          --plot F.svg draws METRIC (--plot-y; default churn.total_s) against the\n"
	"          first axis, one line per combination of the others (needs gnuplot)\n"
	"variables ${name} and ${name:-DEFAULT} in a scenario take the value of\n"
	"          `--set name=VALUE` (run, sweep) or of a --grid axis name (sweep)\n"
	"profiles  list the kernel profiles\n"
	"params    list every parameter of a profile with value, unit and source\n";

static int cmd_profiles(void)
{
	const char *d;

	for (unsigned i = 0; kernel_profile_at(i, &d); i++)
		printf("%-8s %s\n", kernel_profile_at(i, NULL), d);
	return 0;
}

static int cmd_params(const char *profile)
{
	struct sim_world *w;

	if (!kernel_profile_exists(profile)) {
		fprintf(stderr, "nlsim: unknown profile '%s' (see `nlsim profiles`)\n", profile);
		return 2;
	}
	w = sim_world_create(1, profile);
	if (!w)
		return 2;
	printf("# parameters of profile %s: key, value, unit, meaning, source\n", profile);
	kernel_params_print(sim_world_kernel(w), stdout);
	sim_world_destroy(w);
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	struct run_opts o = { .out = stdout };

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--quiet")) {
			o.quiet = true;
			continue;
		}
		if (a[0] != '-') {
			if (o.file) {
				fprintf(stderr, "nlsim: run takes one scenario file\n%s", usage);
				return 2;
			}
			o.file = a;
			continue;
		}
		if (!v) {
			fprintf(stderr, "nlsim: %s needs a value\n%s", a, usage);
			return 2;
		}
		i++;
		if (!strcmp(a, "--seed")) {
			char *end;

			o.seed = strtoull(v, &end, 0);
			if (*end || !*v) {
				fprintf(stderr, "nlsim: --seed: not a number: '%s'\n", v);
				return 2;
			}
			o.seed_set = true;
		} else if (!strcmp(a, "--set")) {
			char *eq = strchr(v, '=');

			if (!eq || eq == v || o.nsets == RUN_MAX_SETS) {
				fprintf(stderr, "nlsim: --set wants KEY=VALUE, got '%s'\n", v);
				return 2;
			}
			*eq = '\0';
			o.set_key[o.nsets] = v;
			o.set_val[o.nsets++] = eq + 1;
		} else if (!strcmp(a, "--metrics")) {
			o.metrics_path = v;
		} else if (!strcmp(a, "--pcap")) {
			o.pcap_path = v;
		} else if (!strcmp(a, "--chrome-trace")) {
			o.chrome_path = v;
		} else {
			fprintf(stderr, "nlsim: unknown option '%s'\n%s", a, usage);
			return 2;
		}
	}
	if (!o.file) {
		fprintf(stderr, "nlsim: run needs a scenario file\n%s", usage);
		return 2;
	}
	return sweep_run_file(&o);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(argv[1], "sweep"))
		return sweep_command(argc - 2, argv + 2);
	if (!strcmp(argv[1], "profiles"))
		return cmd_profiles();
	if (!strcmp(argv[1], "params"))
		return cmd_params(argc > 2 ? argv[2] : "v6.18");
	fprintf(stderr, "nlsim: unknown command '%s'\n%s", argv[1], usage);
	return 2;
}
