/* sim/scenario_parse.c - grammar of the scenario language, into a struct
 * scenario.
 *
 * One statement per line (docs/scenario-language.md): profile, seed, set,
 * netns, run, at, every, expect, sweep. This file reads the statements;
 * sim/scenario_args.c reads the actions and expectations that follow `at`,
 * `every` and `expect`, and sim/scenario_api.c holds the memory a scenario
 * owns and its accessors. Each line is checked as it is read; what
 * depends on the whole file (exactly one `run`, namespaces declared anywhere
 * in the file, times within the run) is checked by finish() once the last
 * line is in. The first error stops the parse with "file:line: what was
 * expected, what was found". Every string is copied into memory blocks the
 * scenario owns.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario_parse.h"

#define MAX_FILE_SIZE (64u << 20)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers shared with sim/scenario_args.c ---- */

/* "a b c" from the first member (a name) of each entry of a table. */
const char *scn_names(char *buf, size_t len, const void *table, size_t n,
		      size_t stride)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		const char *name = *(const char *const *)(const void *)
				   ((const char *)table + i * stride);
		int w = snprintf(buf + used, len - used, "%s%s", i ? " " : "", name);

		used += w > 0 ? (size_t)w : 0;
	}
	return buf;
}

__attribute__((format(printf, 2, 3)))
int scn_perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	scn_verror(p->err, p->errlen, p->s->file, p->line, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* "1500ms": @ns in the largest unit that divides it exactly. */
static const char *fmt_time(char buf[32], int64_t ns)
{
	static const char *const unit[] = { "s", "ms", "us", "ns" };
	int64_t div = SIM_NSEC_PER_SEC;
	int i = 0;

	while (ns && ns % div)
		div /= 1000, i++;
	snprintf(buf, 32, "%lld%s", (long long)(ns / div), ns ? unit[i] : "");
	return buf;
}

int scn_check_time(struct parser *p, const char *what, const char *w,
		   int64_t *out)
{
	const char *why = scn_read_duration(w, out);

	return why ? scn_perr(p, "bad %s '%s': %s (e.g. 0, 10us, 650ms, 1.5s)",
			      what, w, why) : 0;
}

/* Hook check: "unknown profile 'x' (expected one of: ...)". */
int scn_check_hook(struct parser *p, bool (*ok)(const char *, void *),
		   const char *(*list)(void *), const char *what,
		   const char *name)
{
	if (!ok || ok(name, p->h->data))
		return 0;
	if (list)
		return scn_perr(p, "unknown %s '%s' (expected one of: %s)", what,
				name, list(p->h->data));
	return scn_perr(p, "unknown %s '%s'", what, name);
}

/* Statements: p->t[0] is the keyword. */

static int want_args(struct parser *p, int n, const char *usage)
{
	if (p->n == n + 1 && !p->t[n].key)
		return 0;
	return scn_perr(p, "'%s' takes %d argument%s, found %d (usage: %s)",
			p->t[0].text, n, n == 1 ? "" : "s", p->n - 1, usage);
}

static int once(struct parser *p, int first_line)
{
	if (!first_line)
		return 0;
	return scn_perr(p, "'%s' given twice (first at line %d)", p->t[0].text,
			first_line);
}

static int st_profile(struct parser *p)
{
	struct scenario *s = p->s;
	int ret = want_args(p, 1, "profile NAME") ?: once(p, s->profile_line) ?:
		  scn_check_hook(p, p->h->profile_ok, p->h->profile_names,
				 "profile", p->t[1].text);

	if (ret)
		return ret;
	s->profile_line = p->line;
	s->profile = scn_mem_strdup(s, p->t[1].text);
	return s->profile ? 0 : scn_perr(p, "out of memory");
}

static int check_seed(struct parser *p, const char *w, uint64_t *seed)
{
	const char *why = scn_read_u64(w, seed);

	return why ? scn_perr(p, "bad seed '%s': %s", w, why) : 0;
}

static int st_seed(struct parser *p)
{
	struct scenario *s = p->s;
	int ret = want_args(p, 1, "seed N") ?: once(p, s->seed_line);

	if (ret)
		return ret;
	if ((ret = check_seed(p, p->t[1].text, &s->seed)))
		return ret;
	s->seed_given = true;
	s->seed_line = p->line;
	return 0;
}

static int st_run(struct parser *p)
{
	struct scenario *s = p->s;
	int ret = want_args(p, 1, "run DURATION") ?: once(p, s->run_line) ?:
		  scn_check_time(p, "run duration", p->t[1].text, &s->run);

	if (ret)
		return ret;
	if (!s->run)
		return scn_perr(p, "'run' needs a duration above 0");
	s->run_line = p->line;
	return 0;
}

/* A parameter name, and no second declaration in the same list. */
static int check_param_key(struct parser *p, const char *key, int dup_line)
{
	if (!scn_is_ident(key))
		return scn_perr(p, "bad parameter name '%s' (a letter, then letters, digits, '_', '.' or '-')",
				key);
	if (dup_line)
		return scn_perr(p, "'%s %s' given twice (first at line %d)",
				p->t[0].text, key, dup_line);
	return scn_check_hook(p, p->h->param_ok, p->h->param_names, "parameter", key);
}

static int st_set(struct parser *p)
{
	struct scenario *s = p->s;
	const char *key, *value;
	int ret, dup = 0;

	if (p->n == 2 && p->t[1].key) {
		key = p->t[1].key;
		value = p->t[1].value;
	} else if (p->n == 3 && !p->t[1].key) {
		key = p->t[1].text;
		value = p->t[2].text;
	} else {
		return scn_perr(p, "expected 'set KEY VALUE' or 'set KEY=VALUE'");
	}
	for (size_t i = 0; i < s->nparams; i++)
		if (!strcmp(s->params[i].key, key))
			dup = s->params[i].line;
	if ((ret = check_param_key(p, key, dup)))
		return ret;
	if (scenario_set_param(s, key, value))
		return scn_perr(p, "out of memory");
	s->params[s->nparams - 1].line = p->line;
	return 0;
}

static int st_netns(struct parser *p)
{
	struct scenario *s = p->s;
	struct parsed pa = { .nargs = 0 };
	struct scn_netns *ns;
	int ret = want_args(p, 1, "netns NAME");

	if (ret)
		return ret;
	if (!strcmp(p->t[1].text, "init"))
		return scn_perr(p, "'init' is the initial namespace: it always exists and is not declared");
	if ((ret = scn_check_value(p, 'n', p->t[1].text, &pa)))
		return ret;
	for (size_t i = 0; i < s->nnetns; i++)
		if (!strcmp(s->netns[i].name, p->t[1].text))
			return scn_perr(p, "netns '%s' declared twice (first at line %d)",
					p->t[1].text, s->netns[i].line);
	ns = scn_grow(&s->netns, &s->nnetns, &s->netns_cap, sizeof(*ns));
	if (!ns || !(ns->name = scn_mem_strdup(s, p->t[1].text)))
		return scn_perr(p, "out of memory");
	ns->line = p->line;
	return 0;
}

static int st_at(struct parser *p)
{
	struct scn_action *a;
	sim_time_t at;
	size_t idx;
	int ret;

	if (p->n < 3)
		return scn_perr(p, "expected 'at TIME ACTION ...' or 'at TIME expect ...'");
	if ((ret = scn_check_time(p, "time", p->t[1].text, &at)))
		return ret;
	if (p->t[2].key || strcmp(p->t[2].text, "expect"))
		return scn_parse_action(p, 2, at, &a);
	if ((ret = scn_parse_expect(p, 3, true, at, &idx)))
		return ret;
	if (!(a = scn_new_action(p, SCN_EXPECT, at)))
		return scn_perr(p, "out of memory");
	a->value = (int64_t)idx;	/* becomes ->expect in finish() */
	return 0;
}

static int st_every(struct parser *p)
{
	sim_time_t period, from = 0, until = SIM_TIME_MAX;
	struct scn_action *a;
	uint64_t count = 0;
	char b1[32], b2[32];
	const char *why;
	int i, ret;

	if (p->n < 3)
		return scn_perr(p, "expected 'every PERIOD [from=TIME] [until=TIME] [count=N] ACTION ...'");
	if ((ret = scn_check_time(p, "period", p->t[1].text, &period)))
		return ret;
	if (!period)
		return scn_perr(p, "'every' needs a period above 0");
	for (i = 2; i < p->n && p->t[i].key; i++) {
		const char *k = p->t[i].key, *v = p->t[i].value;

		if (!strcmp(k, "from"))
			ret = scn_check_time(p, "from= time", v, &from);
		else if (!strcmp(k, "until"))
			ret = scn_check_time(p, "until= time", v, &until);
		else if (strcmp(k, "count"))
			ret = scn_perr(p, "unknown option '%s' for 'every' (expected: from until count)", k);
		else if ((why = scn_read_u64(v, &count)) || !count)
			ret = scn_perr(p, "bad count '%s': %s", v, why ?: "must be at least 1");
		if (ret)
			return ret;
	}
	if (i == p->n)
		return scn_perr(p, "expected an action after 'every %s'", p->t[1].text);
	if (!p->t[i].key && !strcmp(p->t[i].text, "expect"))
		return scn_perr(p, "'every' cannot repeat an expectation (use 'at TIME expect ...')");
	if (until < from)
		return scn_perr(p, "until=%s is before from=%s", fmt_time(b1, until),
				fmt_time(b2, from));
	if ((ret = scn_parse_action(p, i, from, &a)))
		return ret;
	a->period = period;
	a->until = until;
	a->count = count;
	return 0;
}

static int st_expect(struct parser *p)
{
	size_t idx;

	return scn_parse_expect(p, 1, false, 0, &idx);
}

static int st_sweep(struct parser *p)
{
	struct scenario *s = p->s;
	const char *key = p->t[1].text;
	struct scn_sweep *sw;
	size_t n = 0, len = 0;
	const char **vals;
	int ret, dup = 0;
	bool special;
	char *o;

	if (p->n < 3 || p->t[1].key)
		return scn_perr(p, "expected 'sweep KEY V1,V2,...'");
	for (size_t i = 0; i < s->nsweeps; i++)
		if (!strcmp(s->sweeps[i].key, key))
			dup = s->sweeps[i].line;
	/* "profile" and "seed" are axes too (each value is checked below) */
	special = !strcmp(key, "profile") || !strcmp(key, "seed");
	if (dup || !special)
		if ((ret = check_param_key(p, key, dup)))
			return ret;
	for (int i = 2; i < p->n; i++) {
		for (const char *c = p->t[i].text; *c; c++)
			n += *c == ',';
		n++;
		len += strlen(p->t[i].text) + 1;
	}
	vals = scn_mem_alloc(s, n * sizeof(*vals) + len);
	sw = scn_grow(&s->sweeps, &s->nsweeps, &s->sweeps_cap, sizeof(*sw));
	if (!vals || !sw || !(sw->key = scn_mem_strdup(s, key)))
		return scn_perr(p, "out of memory");
	sw->values = vals;
	sw->line = p->line;
	o = (char *)(vals + n);
	for (int i = 2; i < p->n; i++) {
		for (const char *c = p->t[i].text;; c++) {
			size_t l = strcspn(c, ",");

			if (!l)
				return scn_perr(p, "empty value in the sweep over '%s'", key);
			vals[sw->nvalues] = memcpy(o, c, l);
			o[l] = '\0';
			if (special && (ret = key[0] == 'p' ?
				scn_check_hook(p, p->h->profile_ok, p->h->profile_names, "profile", o) :
				check_seed(p, o, &(uint64_t){ 0 })))
				return ret;
			sw->nvalues++;
			o += l + 1;
			c += l;
			if (!*c)
				break;
		}
	}
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct parser *p);
} statements[] = {
	{ "profile", st_profile }, { "seed", st_seed }, { "set", st_set },
	{ "netns", st_netns }, { "run", st_run }, { "at", st_at },
	{ "every", st_every }, { "expect", st_expect }, { "sweep", st_sweep },
};

static int parse_statement(struct parser *p)
{
	const char *w = p->t[0].text;
	char buf[128];

	for (size_t i = 0; !p->t[0].key && i < ARRAY_SIZE(statements); i++)
		if (!strcmp(statements[i].name, w))
			return statements[i].fn(p);
	for (int v = 0; v < SCN_EXPECT; v++)
		if (!strcmp(scn_verb_name((enum scn_verb)v), w))
			return scn_perr(p, "'%s' is an action and needs a time: 'at TIME %s ...' or 'every PERIOD %s ...'",
					w, w, w);
	return scn_perr(p, "unknown statement '%s' (expected one of: %s)", w,
			scn_names(buf, sizeof(buf), statements, ARRAY_SIZE(statements),
				  sizeof(statements[0])));
}

/* A reference to netns @name on line @line: it must be declared. */
static int check_ns_ref(struct parser *p, int line, const char *name)
{
	struct scenario *s = p->s;
	char buf[256] = "init";

	if (!name || !strcmp(name, "init"))
		return 0;
	for (size_t i = 0; i < s->nnetns; i++)
		if (!strcmp(s->netns[i].name, name))
			return 0;
	for (size_t i = 0, l; i < s->nnetns && (l = strlen(buf)) < sizeof(buf); i++)
		snprintf(buf + l, sizeof(buf) - l, " %s", s->netns[i].name);
	p->line = line;
	return scn_perr(p, "netns '%s' is not declared (add a line 'netns %s'; declared: %s)",
			name, name, buf);
}

static int check_action(struct parser *p, const struct scn_action *a)
{
	const struct scn_expect *e = a->expect;
	char b1[32], b2[32];
	int ret = check_ns_ref(p, a->line, a->netns) ?:
		  check_ns_ref(p, a->line, scn_opt(a, "peer_netns")) ?:
		  check_ns_ref(p, a->line, a->verb == SCN_MOVE ? a->arg[1] : NULL) ?:
		  check_ns_ref(p, a->line, e ? e->netns : NULL);

	if (ret || a->at <= p->s->run)
		return ret;
	p->line = a->line;
	return scn_perr(p, "%s%s is after the end of the run (run %s)",
			a->period ? "'every' from=" : "time ", fmt_time(b1, a->at),
			fmt_time(b2, p->s->run));
}

/* Checks that need the whole file, in line order. */
static int finish(struct parser *p)
{
	struct scenario *s = p->s;
	size_t i = 0, j = 0;
	int ret = 0;

	if (!s->run_line) {
		p->line = p->lx.line ? p->lx.line : 1;
		return scn_perr(p, "missing 'run DURATION' (every scenario needs one, e.g. 'run 10s')");
	}
	for (size_t k = 0; k < s->nactions; k++)
		if (s->actions[k].verb == SCN_EXPECT)
			s->actions[k].expect = &s->expects[s->actions[k].value];
	while (!ret && (i < s->nactions || j < s->nexpects)) {
		const struct scn_expect *e = j < s->nexpects ? &s->expects[j] : NULL;

		if (e && e->timed) {
			j++;	/* checked with its action */
		} else if (i < s->nactions && (!e || s->actions[i].line < e->line)) {
			ret = check_action(p, &s->actions[i++]);
		} else {
			ret = check_ns_ref(p, e->line, e->netns);
			j++;
		}
	}
	return ret;
}

static struct scenario *parse_text(const char *name, const char *text,
				   size_t len, const struct scn_hooks *hooks,
				   char *err, size_t errlen)
{
	static const struct scn_hooks no_hooks;
	struct parser p = { .h = hooks ?: &no_hooks, .err = err, .errlen = errlen };
	int ret;

	if (err && errlen)
		err[0] = '\0';
	p.s = calloc(1, sizeof(*p.s));
	if (!p.s || !(p.s->file = scn_mem_strdup(p.s, name))) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", name);
		scenario_free(p.s);
		return NULL;
	}
	scn_lex_init(&p.lx, p.s->file, text, len, err, errlen);
	while ((ret = scn_lex_line(&p.lx)) > 0) {
		p.t = p.lx.tok;
		p.n = (int)p.lx.ntok;
		p.line = p.lx.line;
		if ((ret = parse_statement(&p)))
			break;
	}
	ret = ret ?: finish(&p);
	scn_lex_fini(&p.lx);
	if (ret) {
		scenario_free(p.s);
		return NULL;
	}
	return p.s;
}

/**
 * scenario_parse_string - parse scenario text
 * @name: file name for messages and s->file (copied)
 * @hooks: name checks, may be NULL
 * @err: receives "name:line: message" on error (may be NULL)
 *
 * Return: the scenario (free with scenario_free()), or NULL on any error,
 * out of memory included.
 */
struct scenario *scenario_parse_string(const char *name, const char *text,
				       const struct scn_hooks *hooks,
				       char *err, size_t errlen)
{
	return parse_text(name, text, strlen(text), hooks, err, errlen);
}

/**
 * scenario_parse_file - read and parse the scenario file @path
 *
 * Same as scenario_parse_string(), with @path as the name. An unreadable
 * file gives "path: cannot read: reason".
 */
struct scenario *scenario_parse_file(const char *path,
				     const struct scn_hooks *hooks,
				     char *err, size_t errlen)
{
	return scenario_parse_file_as(path, path, hooks, err, errlen);
}

/**
 * scenario_parse_file_as - read @path, parse it under the name @name
 *
 * For a copy of a user's file with its variables expanded: messages and
 * the trace name the user's file (line numbers are kept by the expansion),
 * not the temporary copy.
 */
struct scenario *scenario_parse_file_as(const char *path, const char *name,
					const struct scn_hooks *hooks,
					char *err, size_t errlen)
{
	size_t len = 0, cap = 0, got = 0;
	struct scenario *s = NULL;
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *nb;
	int e = 0;

	if (!f) {
		e = errno;
		goto out_err;
	}
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 8192;
			nb = cap <= MAX_FILE_SIZE ? realloc(buf, cap) : NULL;
			if (!nb) {
				e = cap > MAX_FILE_SIZE ? EFBIG : ENOMEM;
				goto out_close;
			}
			buf = nb;
		}
		len += (got = fread(buf + len, 1, cap - len, f));
	} while (got);
	if (ferror(f))
		e = EIO;
	else
		s = parse_text(name, buf, len, hooks, err, errlen);
out_close:
	fclose(f);
	free(buf);
out_err:
	if (e && err && errlen)
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(e));
	return s;
}
