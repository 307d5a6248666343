/* sim/sweep.c - `nlsim sweep` (see sim/sweep.h).
 *
 * The parent reads the file, builds the axes, expands and checks every
 * combination (bad input stops everything before a run starts, exit 2),
 * writes each expanded combination to a private temporary directory, then
 * forks one child per run, at most --jobs at once. A child runs the scenario
 * as `nlsim run --quiet` does (scenario_run()) with its metrics to a file
 * and its stderr to another. When every child has been reaped, the parent
 * reads the metrics files in grid order and writes the CSV, so the CSV is
 * the same for any --jobs and any order in which children finish. The
 * ${name} variables, and the files and temporary directories they need,
 * are in sim/sweep_vars.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clients/client.h"
#include "model/kernel.h"
#include "sim/run.h"
#include "sim/scenario.h"
#include "sim/plot.h"
#include "sim/sweep.h"
#include "sim/sweep_vars.h"

#define SWEEP_MAX_AXES 16
#define SWEEP_MAX_VARS (RUN_MAX_SETS + SWEEP_MAX_AXES)
#define GOLDEN 0x9e3779b97f4a7c15ULL

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t sweep_seed(uint64_t base, uint64_t combo, uint64_t rep)
{
	uint64_t h = mix64(base + GOLDEN);

	h = mix64(h + (combo + 1) * GOLDEN);
	return mix64(h + (rep + 1) * GOLDEN);
}

/* ---- the sweep ------------------------------------------------------------------ */

struct axis {
	const char *key;
	char **vals;
	int n;
	bool var, param;	/* used as ${key}; a --set parameter (or profile, seed) */
	bool own_key;		/* key allocated here (a file axis) */
};

struct metric_row {
	char **key, **val;	/* as written in the JSON file */
	int n;
};

struct run {
	size_t combo;
	int rep;
	uint64_t seed;
	int status;
	pid_t pid;
	struct metric_row m;
};

struct sweep {
	const char *file;
	struct axis axes[SWEEP_MAX_AXES];
	int naxes;
	const char *set_key[RUN_MAX_SETS], *set_val[RUN_MAX_SETS];
	int nsets;
	int reps, jobs;
	const char *csv;
	uint64_t seed;
	bool seed_set;
	char *text, *dir;
	size_t ncombos;
	char **paths;		/* expanded scenario per combination */
	uint64_t *base;		/* base seed per combination */
	struct run *runs;
	size_t nruns;
};

static bool hook_profile(const char *n, void *d) { (void)d; return kernel_profile_exists(n); }
static bool hook_client(const char *n, void *d) { (void)d; return client_kind_find(n) != NULL; }
static bool hook_param(const char *n, void *d) { (void)d; return run_param_ok(n); }
static bool hook_client_opts(const struct scn_action *a, char *why, size_t len, void *d)
{
	(void)d;
	return run_client_opts_ok(a, why, len);
}

/* The runner's checks: every combination is checked before any runs, so a
 * grid value a client refuses stops the sweep with file:line, exit 2. */
static const struct scn_hooks hooks = {
	.profile_ok = hook_profile, .client_ok = hook_client,
	.client_opts_ok = hook_client_opts, .param_ok = hook_param,
};

/* The value of axis @a in combination @c (first axis slowest). */
static const char *axis_val(const struct sweep *sw, size_t c, int a)
{
	for (int i = sw->naxes - 1; i > a; i--)
		c /= (size_t)sw->axes[i].n;
	return sw->axes[a].vals[c % (size_t)sw->axes[a].n];
}

static void free_axis(struct axis *x)
{
	for (int j = 0; j < x->n; j++)
		free(x->vals[j]);
	free(x->vals);
	if (x->own_key)
		free((char *)x->key);
	memset(x, 0, sizeof(*x));
}

static int add_axis(struct sweep *sw, const char *key, const char *list)
{
	struct axis *x = NULL;
	char *copy, *tok, *save = NULL;

	for (int i = 0; i < sw->naxes; i++)
		if (!strcmp(sw->axes[i].key, key))
			x = &sw->axes[i];	/* --grid replaces a file axis */
	if (!x && sw->naxes == SWEEP_MAX_AXES) {
		fprintf(stderr, "nlsim: sweep: at most %d axes\n", SWEEP_MAX_AXES);
		return 2;
	}
	if (!x)
		x = &sw->axes[sw->naxes++];
	free_axis(x);
	x->key = key;
	x->n = 0;
	x->vals = calloc(strlen(list) / 2 + 2, sizeof(char *));
	copy = strdup(list);
	for (tok = copy ? strtok_r(copy, ", ", &save) : NULL; tok; tok = strtok_r(NULL, ", ", &save))
		x->vals[x->n++] = strdup(tok);
	free(copy);
	if (!x->n) {
		fprintf(stderr, "nlsim: sweep: axis %s has no values\n", key);
		return 2;
	}
	return 0;
}

/* Variables of combination @c: --set first, the axes after (they win). */
static int combo_vars(const struct sweep *sw, size_t c, const char **k, const char **v)
{
	int n = 0;

	for (int i = 0; i < sw->nsets; i++, n++) {
		k[n] = sw->set_key[i];
		v[n] = sw->set_val[i];
	}
	for (int a = 0; a < sw->naxes; a++, n++) {
		k[n] = sw->axes[a].key;
		v[n] = axis_val(sw, c, a);
	}
	return n;
}

static struct scenario *expand_parse(struct sweep *sw, size_t c, char **out)
{
	const char *k[SWEEP_MAX_VARS], *v[SWEEP_MAX_VARS];
	int n = combo_vars(sw, c, k, v);
	char err[512];
	char *exp = sweep_expand(sw->file, sw->text, k, v, n, err, sizeof(err));
	struct scenario *s = exp ? scenario_parse_string(sw->file, exp, &hooks, err, sizeof(err))
				 : NULL;

	if (!s) {
		fprintf(stderr, "%s\n", err);
		free(exp);
		return NULL;
	}
	*out = exp;
	return s;
}

static int check_key(const struct sweep *sw, const char *key, const char *what)
{
	if (sweep_uses_var(sw->text, key) || run_param_ok(key))
		return 0;
	fprintf(stderr, "nlsim: sweep: %s %s: neither a variable of %s (${%s}) nor a parameter "
		"(see `nlsim params`), profile or seed\n", what, key, sw->file, key);
	return 2;
}

/* Axes, checks, one expanded file per combination. */
static int prepare(struct sweep *sw)
{
	struct scenario *s;
	char *exp;
	int err = 0;

	sw->text = sweep_read_file(sw->file, false);
	if (!sw->text)
		return 2;
	sw->ncombos = 1;
	s = expand_parse(sw, 0, &exp);
	if (!s)
		return 2;
	free(exp);
	/* file axes first, then --grid (already in sw->axes) after them */
	{
		struct axis grid[SWEEP_MAX_AXES];
		int ng = sw->naxes;

		memcpy(grid, sw->axes, sizeof(grid));
		memset(sw->axes, 0, sizeof(sw->axes));
		sw->naxes = 0;
		for (size_t i = 0; i < s->nsweeps && i < SWEEP_MAX_AXES; i++) {
			struct axis *x = &sw->axes[sw->naxes++];

			x->key = strdup(s->sweeps[i].key);
			x->own_key = true;
			x->n = s->sweeps[i].nvalues;
			x->vals = calloc((size_t)x->n, sizeof(char *));
			for (int j = 0; j < x->n; j++)
				x->vals[j] = strdup(s->sweeps[i].values[j]);
		}
		for (int i = 0; i < ng; i++) {
			int j;

			for (j = 0; j < sw->naxes && strcmp(sw->axes[j].key, grid[i].key); j++)
				;
			if (j == sw->naxes && sw->naxes == SWEEP_MAX_AXES) {
				fprintf(stderr, "nlsim: sweep: at most %d axes\n", SWEEP_MAX_AXES);
				err = 2;
				free_axis(&grid[i]);
				continue;
			}
			if (j == sw->naxes)
				sw->naxes++;
			free_axis(&sw->axes[j]);
			sw->axes[j] = grid[i];
		}
	}
	scenario_free(s);
	for (int a = 0; a < sw->naxes && !err; a++) {
		sw->axes[a].var = sweep_uses_var(sw->text, sw->axes[a].key);
		sw->axes[a].param = run_param_ok(sw->axes[a].key);
		err = check_key(sw, sw->axes[a].key, "--grid");
		sw->ncombos *= (size_t)sw->axes[a].n;
	}
	for (int i = 0; i < sw->nsets && !err; i++)
		err = check_key(sw, sw->set_key[i], "--set");
	if (err)
		return 2;
	sw->dir = sweep_make_tempdir();
	sw->paths = calloc(sw->ncombos, sizeof(char *));
	sw->base = calloc(sw->ncombos, sizeof(uint64_t));
	if (!sw->dir || !sw->paths || !sw->base)
		return 2;
	for (size_t c = 0; c < sw->ncombos; c++) {
		char sub[4200];

		s = expand_parse(sw, c, &exp);
		if (!s)
			return 2;
		sw->base[c] = sw->seed_set ? sw->seed : s->seed_given ? s->seed : 1;
		for (int a = 0; a < sw->naxes; a++)
			if (!strcmp(sw->axes[a].key, "seed"))
				sw->base[c] = strtoull(axis_val(sw, c, a), NULL, 0);
		scenario_free(s);
		snprintf(sub, sizeof(sub), "%s/c%zu", sw->dir, c);
		if (mkdir(sub, 0700) == 0)
			sw->paths[c] = sweep_write_temp(sub, sw->file, exp);
		free(exp);
		if (!sw->paths[c])
			return 2;
	}
	return 0;
}

static void child(const struct sweep *sw, size_t i)
{
	const struct run *r = &sw->runs[i];
	struct run_opts o = { .file = sw->paths[r->combo], .name = sw->file,
			      .seed = r->seed, .seed_set = true,
			      .quiet = true };
	char mpath[4200], epath[4200];
	int fd;

	snprintf(mpath, sizeof(mpath), "%s/r%zu.json", sw->dir, i);
	snprintf(epath, sizeof(epath), "%s/r%zu.err", sw->dir, i);
	fd = open(epath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0)
		dup2(fd, 2);
	o.out = fopen("/dev/null", "w");
	o.metrics_path = mpath;
	for (int k = 0; k < sw->nsets; k++)
		if (run_param_ok(sw->set_key[k])) {
			o.set_key[o.nsets] = sw->set_key[k];
			o.set_val[o.nsets++] = sw->set_val[k];
		}
	for (int a = 0; a < sw->naxes; a++)
		if (sw->axes[a].param && strcmp(sw->axes[a].key, "seed") && o.nsets < RUN_MAX_SETS) {
			o.set_key[o.nsets] = sw->axes[a].key;
			o.set_val[o.nsets++] = axis_val(sw, r->combo, a);
		}
	_exit(o.out ? scenario_run(&o) : 2);
}

/* Read "key": value lines of a metrics file (sim/metrics.c's layout). */
static void read_metrics(const char *path, struct metric_row *m)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	while (f && fgets(line, sizeof(line), f)) {
		char *k = strchr(line, '"'), *ke = k ? strchr(k + 1, '"') : NULL, *v, *ve;

		if (!ke || !(v = strchr(ke, ':')))
			continue;
		for (v++; *v == ' '; v++)
			;
		for (ve = v; *ve && *ve != ',' && *ve != '\n' && *ve != '}'; ve++)
			;
		m->key = realloc(m->key, (size_t)(m->n + 1) * sizeof(char *));
		m->val = realloc(m->val, (size_t)(m->n + 1) * sizeof(char *));
		m->key[m->n] = strndup(k + 1, (size_t)(ke - k - 1));
		m->val[m->n++] = strndup(v, (size_t)(ve - v));
	}
	if (f)
		fclose(f);
}

/* A progress bar on a terminal; nothing when stderr is a file or a pipe. */
static void progress(const struct sweep *sw, size_t done)
{
	char bar[41];
	size_t fill = sw->nruns ? done * 40 / sw->nruns : 40;

	if (!isatty(2))
		return;
	memset(bar, '#', fill);
	memset(bar + fill, '.', 40 - fill);
	bar[40] = '\0';
	fprintf(stderr, "\rnlsim sweep: [%s] %zu/%zu runs%s", bar, done, sw->nruns,
		done == sw->nruns ? "\n" : "");
}

static int run_all(struct sweep *sw)
{
	size_t next = 0, done = 0, running = 0;

	sw->nruns = sw->ncombos * (size_t)sw->reps;
	sw->runs = calloc(sw->nruns, sizeof(*sw->runs));
	if (!sw->runs)
		return 2;
	for (size_t i = 0; i < sw->nruns; i++) {
		sw->runs[i].combo = i / (size_t)sw->reps;
		sw->runs[i].rep = (int)(i % (size_t)sw->reps);
		sw->runs[i].seed = sweep_seed(sw->base[sw->runs[i].combo], sw->runs[i].combo,
					      (uint64_t)sw->runs[i].rep);
	}
	fflush(NULL);
	while (done < sw->nruns) {
		int st;
		pid_t pid;

		while (next < sw->nruns && running < (size_t)sw->jobs) {
			pid = fork();
			if (pid == 0)
				child(sw, next);
			if (pid < 0) {
				if (!running) {
					fprintf(stderr, "nlsim: sweep: fork: %s\n", strerror(errno));
					return 2;
				}
				break;
			}
			sw->runs[next++].pid = pid;
			running++;
		}
		pid = wait(&st);
		if (pid < 0)
			return 2;
		for (size_t i = 0; i < next; i++)
			if (sw->runs[i].pid == pid) {
				sw->runs[i].status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
				sw->runs[i].pid = 0;
				running--;
				progress(sw, ++done);
			}
	}
	return 0;
}

static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Metrics, the CSV, the failures; returns the worst exit status. */
static int report(struct sweep *sw)
{
	char **keys = NULL, path[4200];
	size_t nk = 0, shown = 0;
	int worst = 0;
	FILE *f = sw->csv ? fopen(sw->csv, "w") : stdout;

	for (size_t i = 0; i < sw->nruns; i++) {
		struct run *r = &sw->runs[i];

		snprintf(path, sizeof(path), "%s/r%zu.json", sw->dir, i);
		read_metrics(path, &r->m);
		for (int j = 0; j < r->m.n; j++) {
			keys = realloc(keys, (nk + 1) * sizeof(char *));
			keys[nk++] = r->m.key[j];
		}
		if (r->status > worst)
			worst = r->status > 2 ? 2 : r->status;
		snprintf(path, sizeof(path), "%s/r%zu.err", sw->dir, i);
		if (r->status && shown++ < 5) {
			FILE *e = fopen(path, "r");
			char line[512];

			fprintf(stderr, "nlsim: sweep: run %zu (combination %zu, rep %d, seed %llu) "
				"exited %d:\n", i, r->combo, r->rep, (unsigned long long)r->seed,
				r->status);
			for (int n = 0; e && n < 5 && fgets(line, sizeof(line), e); n++)
				fprintf(stderr, "  %s", line);
			if (e)
				fclose(e);
		}
	}
	if (shown > 5)
		fprintf(stderr, "nlsim: sweep: %zu runs failed in all\n", shown);
	if (nk)
		qsort(keys, nk, sizeof(char *), cmp_str);
	if (!f) {
		fprintf(stderr, "nlsim: %s: %s\n", sw->csv, strerror(errno));
		free(keys);
		return 2;
	}
	for (int a = 0; a < sw->naxes; a++) {
		csv_field(f, sw->axes[a].key);
		fputc(',', f);
	}
	fputs("rep,seed,status", f);
	for (size_t j = 0; j < nk; j++)
		if (!j || strcmp(keys[j], keys[j - 1])) {
			fputc(',', f);
			csv_field(f, keys[j]);
		}
	fputc('\n', f);
	for (size_t i = 0; i < sw->nruns; i++) {
		const struct run *r = &sw->runs[i];

		for (int a = 0; a < sw->naxes; a++) {
			csv_field(f, axis_val(sw, r->combo, a));
			fputc(',', f);
		}
		fprintf(f, "%d,%llu,%d", r->rep, (unsigned long long)r->seed, r->status);
		for (size_t j = 0; j < nk; j++) {
			if (j && !strcmp(keys[j], keys[j - 1]))
				continue;
			fputc(',', f);
			for (int k = 0; k < r->m.n; k++)
				if (!strcmp(r->m.key[k], keys[j]))
					csv_field(f, r->m.val[k]);
		}
		fputc('\n', f);
	}
	free(keys);
	if (f != stdout && fclose(f)) {
		fprintf(stderr, "nlsim: %s: %s\n", sw->csv, strerror(errno));
		return 2;
	}
	return worst;
}

static void cleanup(struct sweep *sw)
{
	char path[4200];

	for (size_t i = 0; sw->dir && i < sw->nruns; i++) {
		for (int j = 0; j < sw->runs[i].m.n; j++) {
			free(sw->runs[i].m.key[j]);
			free(sw->runs[i].m.val[j]);
		}
		free(sw->runs[i].m.key);
		free(sw->runs[i].m.val);
		snprintf(path, sizeof(path), "%s/r%zu.json", sw->dir, i);
		unlink(path);
		snprintf(path, sizeof(path), "%s/r%zu.err", sw->dir, i);
		unlink(path);
	}
	for (size_t c = 0; sw->paths && c < sw->ncombos; c++) {
		if (!sw->paths[c])
			continue;
		unlink(sw->paths[c]);
		*strrchr(sw->paths[c], '/') = '\0';
		rmdir(sw->paths[c]);
		free(sw->paths[c]);
	}
	if (sw->dir)
		rmdir(sw->dir);
	for (int a = 0; a < sw->naxes; a++)
		free_axis(&sw->axes[a]);
	free(sw->paths);
	free(sw->base);
	free(sw->runs);
	free(sw->dir);
	free(sw->text);
}

static int parse_count(const char *opt, const char *v, long max, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*end || end == v || n < 1 || n > max) {
		fprintf(stderr, "nlsim: sweep: %s wants a number in 1..%ld, got '%s'\n", opt, max, v);
		return 2;
	}
	*out = (int)n;
	return 0;
}

int sweep_command(int argc, char **argv)
{
	struct sweep sw = { .reps = 1 };
	const char *plot = NULL, *plot_y = NULL;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int err = 0;

	sw.jobs = cpus > 0 ? (int)cpus : 1;
	for (int i = 0; i < argc && !err; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *eq = v ? strchr(v, '=') : NULL;

		if (a[0] != '-') {
			if (sw.file) {
				fprintf(stderr, "nlsim: sweep takes one scenario file\n");
				err = 2;
			}
			sw.file = a;
			continue;
		}
		if (!v) {
			fprintf(stderr, "nlsim: sweep: %s needs a value\n", a);
			err = 2;
			break;
		}
		i++;
		if (!strcmp(a, "--grid") || !strcmp(a, "--set")) {
			if (!eq || eq == v || (a[2] == 's' && sw.nsets == RUN_MAX_SETS)) {
				fprintf(stderr, "nlsim: sweep: %s wants KEY=%s, got '%s'\n", a,
					a[2] == 'g' ? "V1,V2,..." : "VALUE", v);
				err = 2;
				break;
			}
			*eq = '\0';
			if (a[2] == 'g') {
				err = add_axis(&sw, v, eq + 1);
			} else {
				sw.set_key[sw.nsets] = v;
				sw.set_val[sw.nsets++] = eq + 1;
			}
		} else if (!strcmp(a, "--reps")) {
			err = parse_count(a, v, 1000000, &sw.reps);
		} else if (!strcmp(a, "--jobs")) {
			err = parse_count(a, v, 4096, &sw.jobs);
		} else if (!strcmp(a, "--csv")) {
			sw.csv = v;
		} else if (!strcmp(a, "--plot")) {
			plot = v;
		} else if (!strcmp(a, "--plot-y")) {
			plot_y = v;
		} else if (!strcmp(a, "--seed")) {
			char *end;

			sw.seed = strtoull(v, &end, 0);
			sw.seed_set = true;
			if (*end || !*v) {
				fprintf(stderr, "nlsim: sweep: --seed: not a number: '%s'\n", v);
				err = 2;
			}
		} else {
			fprintf(stderr, "nlsim: sweep: unknown option '%s' (see nlsim --help)\n", a);
			err = 2;
		}
	}
	if (!err && !sw.file) {
		fprintf(stderr, "nlsim: sweep needs one scenario file (see nlsim --help)\n");
		err = 2;
	}
	if (!err && plot && !sw.csv) {
		fprintf(stderr, "nlsim: sweep: --plot draws from the CSV: give --csv FILE too\n");
		err = 2;
	}
	if (!err)
		err = prepare(&sw);
	if (!err)
		err = run_all(&sw);
	if (!err)
		err = report(&sw);
	if (err != 2 && plot && plot_sweep_csv(sw.csv, plot, plot_y))
		err = 2;
	cleanup(&sw);
	return err;
}
