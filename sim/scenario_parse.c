/* sim/scenario_parse.c - grammar of the scenario language, into a struct
 * scenario.
 *
 * One statement per line (docs/scenario-language.md): profile, seed, set,
 * netns, run, at, every, expect, sweep. Actions and expectations are
 * described by tables: each positional argument and option has a one-letter
 * type, checked by check_value(). Each line is checked as it is read; what
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

#include "sim/scenario.h"

#define MAX_FILE_SIZE (64u << 20)
#define MAX_ITEMS 40		/* arguments plus options in one statement */
#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"

struct scn_mem {			/* one allocation owned by a scenario */
	struct scn_mem *next;
	max_align_t data[];
};

struct parser {
	struct scenario *s;
	const struct scn_hooks *h;
	struct scn_lexer lx;
	const struct scn_token *t;	/* tokens of the current statement */
	int n;
	int line;
	char *err;
	size_t errlen;
};

/*
 * Argument types, one letter each, in the tables below:
 *   d interface name   n netns name       t duration above 0   u MTU (u32)
 *   m MAC address      c on|off|toggle    o on|off             l link mode
 *   s operstate        k client kind      K metric name        p comparison
 *   f number           x non-empty text   F +FLAG or -FLAG (last; repeats)
 * Options are "key:T", with '!' when required; "*" allows any other key.
 */
struct verb_info {
	const char *name;
	const char *args;
	const char *opts;
	const char *usage;
};

static const struct verb_info verbs[SCN_VERB_COUNT] = {
	[SCN_VETH] = { "veth", "d", "peer:d! peer_netns:n netns:n", "veth NAME peer=PEER [peer_netns=NS] [netns=NS]" },
	[SCN_DUMMY] = { "dummy", "d", "netns:n", "dummy NAME [netns=NS]" },
	[SCN_TAP] = { "tap", "d", "carrier:o netns:n", "tap NAME [carrier=on|off] [netns=NS]" },
	[SCN_VIRTIO] = { "virtio", "d", "status:o netns:n", "virtio NAME [status=on|off] [netns=NS]" },
	[SCN_BRIDGE] = { "bridge", "d", "netns:n", "bridge NAME [netns=NS]" },
	[SCN_MASTER] = { "master", "dd", "netns:n", "master NAME BRIDGE [netns=NS]" },
	[SCN_NOMASTER] = { "nomaster", "d", "netns:n", "nomaster NAME [netns=NS]" },
	[SCN_UP] = { "up", "d", "netns:n", "up NAME [netns=NS]" },
	[SCN_DOWN] = { "down", "d", "netns:n", "down NAME [netns=NS]" },
	[SCN_CARRIER] = { "carrier", "dc", "netns:n", "carrier NAME on|off|toggle [netns=NS]" },
	[SCN_MTU] = { "mtu", "du", "netns:n", "mtu NAME N [netns=NS]" },
	[SCN_ADDRESS] = { "address", "dm", "netns:n", "address NAME aa:bb:cc:dd:ee:ff [netns=NS]" },
	[SCN_RENAME] = { "rename", "dd", "netns:n", "rename NAME NEWNAME [netns=NS]" },
	[SCN_MODE] = { "mode", "dl", "netns:n", "mode NAME default|dormant [netns=NS]" },
	[SCN_OPERSTATE] = { "operstate", "ds", "netns:n", "operstate NAME STATE [netns=NS]" },
	[SCN_DEL] = { "del", "d", "netns:n", "del NAME [netns=NS]" },
	[SCN_MOVE] = { "move", "dn", "netns:n", "move NAME NS [netns=NS]" },
	[SCN_CLIENT] = { "client", "k", "netns:n *", "client KIND [netns=NS] [key=value...]" },
	[SCN_GETLINK] = { "getlink", "d", "netns:n", "getlink NAME [netns=NS]" },
	[SCN_DUMP] = { "dump", "", "netns:n", "dump [netns=NS]" },
	[SCN_RTNL_HOLD] = { "rtnl-hold", "t", "class:x", "rtnl-hold DURATION [class=NAME]" },
	[SCN_EXPECT] = { "expect", "", "", "at TIME expect ..." },
};

static const struct expect_info {
	const char *name;
	enum scn_expect_kind kind;
	const char *args;
	const char *opts;
	const char *usage;
} expect_kinds[] = {
	{ "metric", SCN_EXP_METRIC, "Kpf", "", "expect metric KEY OP NUMBER" },
	{ "operstate", SCN_EXP_OPERSTATE, "ds", "netns:n", "expect operstate NAME STATE [netns=NS]" },
	{ "flags", SCN_EXP_FLAGS, "dF", "netns:n", "expect flags NAME +FLAG -FLAG ... [netns=NS]" },
	{ "carrier", SCN_EXP_CARRIER, "do", "netns:n", "expect carrier NAME on|off [netns=NS]" },
	{ "exists", SCN_EXP_EXISTS, "d", "netns:n", "expect exists NAME [netns=NS]" },
	{ "absent", SCN_EXP_ABSENT, "d", "netns:n", "expect absent NAME [netns=NS]" },
	{ "notifications", SCN_EXP_NOTIFICATIONS, "dpf", "netns:n", "expect notifications NAME OP N [netns=NS]" },
	{ "output", SCN_EXP_OUTPUT, "x", "", "expect output \"SUBSTRING\"" },
};

/* What the arguments of one action or expectation turned into. */
struct parsed {
	const char *arg[MAX_ITEMS];
	int nargs;
	const struct scn_token *opt[MAX_ITEMS];
	int nopts;
	int64_t value;		/* from types c o l s t u */
	uint8_t mac[6];		/* m */
	enum scn_op op;		/* p */
	double number;		/* f */
	uint32_t fset, fclear;	/* F */
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* "a b c" from the first member (a name) of each entry of a table. */
static const char *names(char *buf, size_t len, const void *table, size_t n,
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
static int perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	scn_verror(p->err, p->errlen, p->s->file, p->line, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void *mem_alloc(struct scenario *s, size_t size)
{
	struct scn_mem *m = calloc(1, sizeof(*m) + size);

	if (!m)
		return NULL;
	m->next = s->mem;
	s->mem = m;
	return m->data;
}

static const char *mem_strdup(struct scenario *s, const char *str)
{
	size_t len = strlen(str) + 1;
	char *d = mem_alloc(s, len);

	return d ? memcpy(d, str, len) : NULL;
}

/* Append one zeroed element to an array the scenario owns. */
static void *grow(void *arrp, size_t *n, size_t *cap, size_t elem)
{
	void **arr = arrp;

	if (*n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 8;
		void *na = realloc(*arr, ncap * elem);

		if (!na)
			return NULL;
		*arr = na;
		*cap = ncap;
	}
	return memset((char *)*arr + (*n)++ * elem, 0, elem);
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

static int read_time(struct parser *p, const char *what, const char *w,
		     int64_t *out)
{
	const char *why = scn_read_duration(w, out);

	return why ? perr(p, "bad %s '%s': %s (e.g. 0, 10us, 650ms, 1.5s)",
			  what, w, why) : 0;
}

/* Hook check: "unknown profile 'x' (expected one of: ...)". */
static int check_hook(struct parser *p, bool (*ok)(const char *, void *),
		      const char *(*list)(void *), const char *what,
		      const char *name)
{
	if (!ok || ok(name, p->h->data))
		return 0;
	if (list)
		return perr(p, "unknown %s '%s' (expected one of: %s)", what,
			    name, list(p->h->data));
	return perr(p, "unknown %s '%s'", what, name);
}

static int check_word(struct parser *p, enum scn_vocab v, const char *what,
		      const char *w, int64_t *out)
{
	char buf[256];
	int val = scn_word_value(v, w);

	if (val >= 0) {
		*out = val;
		return 0;
	}
	return perr(p, "bad %s '%s' (expected one of: %s)", what, w,
		    scn_vocab_list(v, buf, sizeof(buf)));
}

static int check_flag(struct parser *p, const char *w, struct parsed *pa)
{
	char buf[256];
	int bit;

	if (w[0] != '+' && w[0] != '-')
		return perr(p, "expected +FLAG or -FLAG, found '%s'", w);
	bit = scn_word_value(SCN_VOC_FLAG, w + 1);
	if (bit < 0)
		return perr(p, "unknown flag '%s' (expected one of: %s)", w + 1,
			    scn_vocab_list(SCN_VOC_FLAG, buf, sizeof(buf)));
	if ((w[0] == '+' ? pa->fclear : pa->fset) & (uint32_t)bit)
		return perr(p, "flag %s is both required and forbidden", w + 1);
	*(w[0] == '+' ? &pa->fset : &pa->fclear) |= (uint32_t)bit;
	return 0;
}

/* Check word @w against argument type @type; see the table comment. */
static int check_value(struct parser *p, char type, const char *w,
		       struct parsed *pa)
{
	const char *why = NULL, *what = "";
	uint64_t u;
	int64_t v;

	switch (type) {
	case 'd':
		what = "interface name";
		why = scn_check_ifname(w);
		break;
	case 'n':
		what = "netns name";
		if (!*w || strlen(w) > 64 || strspn(w, NAME_CHARS) != strlen(w) ||
		    !strcmp(w, ".") || !strcmp(w, ".."))
			why = "1 to 64 letters, digits, '_', '.' or '-'";
		break;
	case 't':
		if (read_time(p, "duration", w, &pa->value))
			return -EINVAL;
		if (!pa->value)
			return perr(p, "bad duration '0': must be above 0");
		break;
	case 'u':
		what = "MTU";
		why = scn_read_u64(w, &u);
		if (!why && u > UINT32_MAX)
			why = "larger than 4294967295";
		pa->value = (int64_t)u;
		break;
	case 'm':
		what = "address";
		why = scn_read_mac(w, pa->mac);
		break;
	case 'c':
		return check_word(p, SCN_VOC_CARRIER, "carrier value", w, &pa->value);
	case 'o':
		return check_word(p, SCN_VOC_ONOFF, "on/off value", w, &pa->value);
	case 'l':
		return check_word(p, SCN_VOC_MODE, "link mode", w, &pa->value);
	case 's':
		return check_word(p, SCN_VOC_OPERSTATE, "operstate", w, &pa->value);
	case 'p':
		if (check_word(p, SCN_VOC_OP, "comparison", w, &v))
			return -EINVAL;
		pa->op = (enum scn_op)v;
		break;
	case 'k':
		return check_hook(p, p->h->client_ok, p->h->client_names,
				  "client", w);
	case 'K':
		what = "metric name";
		if (!*w || strspn(w, NAME_CHARS ":") != strlen(w))
			why = "letters, digits, '_', '.', ':' or '-' only";
		break;
	case 'f':
		what = "number";
		why = scn_read_number(w, &pa->number);
		break;
	case 'x':
		what = "text";
		why = *w ? NULL : "must not be empty";
		break;
	case 'F':
		return check_flag(p, w, pa);
	}
	return why ? perr(p, "bad %s '%s': %s", what, w, why) : 0;
}

/* The type letter of option @key in spec @opts, '*' for "any", or 0. */
static char opt_type(const char *opts, const char *key)
{
	size_t kl = strlen(key);

	for (const char *o = opts; *o; o += strspn(o, " ")) {
		size_t l = strcspn(o, " ");

		if (l > kl + 1 && !strncmp(o, key, kl) && o[kl] == ':')
			return o[kl + 1];
		if (l == 1 && *o == '*')
			return '*';
		o += l;
	}
	return 0;
}

/*
 * Split tokens [from, p->n) into positional arguments (checked against
 * @args) and options (checked against @opts). @what names the statement.
 */
static int parse_args(struct parser *p, int from, const char *args,
		      const char *opts, const char *what, const char *usage,
		      struct parsed *pa)
{
	size_t want = strlen(args);
	bool repeat = want && args[want - 1] == 'F';
	int ret;

	if (p->n - from > MAX_ITEMS)
		return perr(p, "too many arguments for %s", what);
	for (int i = from; i < p->n; i++) {
		const struct scn_token *t = &p->t[i];
		char type;

		if (!t->key) {
			pa->arg[pa->nargs++] = t->text;
			continue;
		}
		type = opt_type(opts, t->key);
		if (!type && !*opts)
			return perr(p, "unknown option '%s' (%s takes no options; quote text that contains '=')",
				    t->key, what);
		if (!type)
			return perr(p, "unknown option '%s' for %s (usage: %s)",
				    t->key, what, usage);
		for (int j = 0; j < pa->nopts; j++)
			if (!strcmp(pa->opt[j]->key, t->key))
				return perr(p, "option '%s' given twice", t->key);
		if (type != '*' && (ret = check_value(p, type, t->value, &(struct parsed){ 0 })))
			return ret;
		pa->opt[pa->nopts++] = t;
	}
	if ((size_t)pa->nargs < want || (!repeat && (size_t)pa->nargs > want))
		return perr(p, "%s takes %s%zu argument%s, found %d (usage: %s)",
			    what, repeat ? "at least " : "", want,
			    want == 1 ? "" : "s", pa->nargs, usage);
	for (int i = 0; i < pa->nargs; i++)
		if ((ret = check_value(p, args[(size_t)i < want ? (size_t)i : want - 1],
				       pa->arg[i], pa)))
			return ret;
	for (const char *o = strchr(opts, '!'); o; o = strchr(o + 1, '!')) {
		const char *k = o - 2;
		bool found = false;

		while (k > opts && k[-1] != ' ')
			k--;
		for (int j = 0; j < pa->nopts; j++)
			found |= !strncmp(pa->opt[j]->key, k, (size_t)(o - 2 - k)) &&
				 !pa->opt[j]->key[o - 2 - k];
		if (!found)
			return perr(p, "%s needs %.*s=... (usage: %s)", what,
				    (int)(o - 2 - k), k, usage);
	}
	return 0;
}

static struct scn_action *new_action(struct parser *p, enum scn_verb verb,
				     sim_time_t at)
{
	struct scenario *s = p->s;
	struct scn_action *a = grow(&s->actions, &s->nactions,
				    &s->actions_cap, sizeof(*a));

	if (!a)
		return NULL;
	a->at = at;
	a->verb = verb;
	a->line = p->line;
	a->order = (unsigned)(s->nactions - 1);
	a->until = SIM_TIME_MAX;
	return a;
}

static int parse_action(struct parser *p, int from, sim_time_t at,
			struct scn_action **out)
{
	const char *w = p->t[from].text;
	struct parsed pa = { .nargs = 0 };
	struct scenario *s = p->s;
	const char **kv = NULL;
	struct scn_action *a;
	char buf[512], what[32];
	int verb, ret;

	for (verb = 0; verb < SCN_EXPECT; verb++)
		if (!p->t[from].key && !strcmp(verbs[verb].name, w))
			break;
	if (verb == SCN_EXPECT)
		return perr(p, "unknown action '%s' (expected one of: %s)", w,
			    names(buf, sizeof(buf), verbs, SCN_EXPECT, sizeof(verbs[0])));
	snprintf(what, sizeof(what), "'%s'", w);
	ret = parse_args(p, from + 1, verbs[verb].args, verbs[verb].opts, what,
			 verbs[verb].usage, &pa);
	if (ret)
		return ret;
	if (!(*out = a = new_action(p, (enum scn_verb)verb, at)))
		return perr(p, "out of memory");
	a->value = pa.value;
	memcpy(a->mac, pa.mac, sizeof(a->mac));
	a->nargs = pa.nargs;
	for (int i = 0; i < pa.nargs; i++)
		if (!(a->arg[i] = mem_strdup(s, pa.arg[i])))
			return perr(p, "out of memory");
	if (pa.nopts && !(kv = mem_alloc(s, 2 * (size_t)pa.nopts * sizeof(*kv))))
		return perr(p, "out of memory");
	for (int i = 0; i < pa.nopts; i++) {
		kv[i] = mem_strdup(s, pa.opt[i]->key);
		kv[pa.nopts + i] = mem_strdup(s, pa.opt[i]->value);
		if (!kv[i] || !kv[pa.nopts + i])
			return perr(p, "out of memory");
	}
	a->opt_key = kv;
	a->opt_val = kv ? kv + pa.nopts : NULL;
	a->nopts = pa.nopts;
	if (verb != SCN_RTNL_HOLD)
		a->netns = scn_opt(a, "netns") ?: "init";
	return 0;
}

/* The expectation as written, one space between tokens, quoted as needed. */
static const char *join(struct parser *p, int from)
{
	size_t len = 1;
	char *buf, *o;

	for (int i = from; i < p->n; i++)
		len += 2 * strlen(p->t[i].text) + 3;
	if (!(buf = o = mem_alloc(p->s, len)))
		return NULL;
	for (int i = from; i < p->n; i++) {
		bool q = p->t[i].quoted && !p->t[i].key;

		if (i > from)
			*o++ = ' ';
		if (q)
			*o++ = '"';
		for (const char *c = p->t[i].text; *c; c++) {
			if (q && (*c == '"' || *c == '\\'))
				*o++ = '\\';
			*o++ = *c;
		}
		if (q)
			*o++ = '"';
	}
	*o = '\0';
	return buf;
}

static int parse_expect(struct parser *p, int from, bool timed, sim_time_t at,
			size_t *idx)
{
	const struct expect_info *ki = NULL;
	struct parsed pa = { .nargs = 0 };
	struct scenario *s = p->s;
	struct scn_expect *e;
	char buf[256], what[32];
	const char *a0;
	int ret;

	for (size_t i = 0; from < p->n && i < ARRAY_SIZE(expect_kinds); i++)
		if (!p->t[from].key && !strcmp(expect_kinds[i].name, p->t[from].text))
			ki = &expect_kinds[i];
	if (!ki)
		return perr(p, "%s%s%s (expected one of: %s)",
			    from < p->n ? "unknown expectation '" : "expected what to expect after 'expect'",
			    from < p->n ? p->t[from].text : "", from < p->n ? "'" : "",
			    names(buf, sizeof(buf), expect_kinds,
				  ARRAY_SIZE(expect_kinds), sizeof(expect_kinds[0])));
	snprintf(what, sizeof(what), "'expect %s'", ki->name);
	ret = parse_args(p, from + 1, ki->args, ki->opts, what, ki->usage, &pa);
	if (ret)
		return ret;
	if (!(e = grow(&s->expects, &s->nexpects, &s->expects_cap, sizeof(*e))))
		return perr(p, "out of memory");
	*idx = s->nexpects - 1;
	e->kind = ki->kind;
	e->line = p->line;
	e->timed = timed;
	e->at = at;
	e->op = pa.op;
	e->number = pa.number;
	e->state = ki->kind == SCN_EXP_OPERSTATE ? (int)pa.value : 0;
	e->carrier = ki->kind == SCN_EXP_CARRIER && pa.value == 1;
	e->flags_set = pa.fset;
	e->flags_clear = pa.fclear;
	a0 = mem_strdup(s, pa.arg[0]);
	if (ki->args[0] == 'd') {
		e->dev = a0;
		/* netns= is the only option an expectation takes */
		e->netns = mem_strdup(s, pa.nopts ? pa.opt[0]->value : "init");
	}
	e->metric = ki->kind == SCN_EXP_METRIC ? a0 : NULL;
	e->substring = ki->kind == SCN_EXP_OUTPUT ? a0 : NULL;
	if (!(e->text = join(p, from)) || !a0 || (e->dev && !e->netns))
		return perr(p, "out of memory");
	return 0;
}

/* Statements: p->t[0] is the keyword. */

static int want_args(struct parser *p, int n, const char *usage)
{
	if (p->n == n + 1 && !p->t[n].key)
		return 0;
	return perr(p, "'%s' takes %d argument%s, found %d (usage: %s)",
		    p->t[0].text, n, n == 1 ? "" : "s", p->n - 1, usage);
}

static int once(struct parser *p, int first_line)
{
	if (!first_line)
		return 0;
	return perr(p, "'%s' given twice (first at line %d)", p->t[0].text,
		    first_line);
}

static int st_profile(struct parser *p)
{
	struct scenario *s = p->s;
	int ret = want_args(p, 1, "profile NAME") ?: once(p, s->profile_line) ?:
		  check_hook(p, p->h->profile_ok, p->h->profile_names,
			     "profile", p->t[1].text);

	if (ret)
		return ret;
	s->profile_line = p->line;
	s->profile = mem_strdup(s, p->t[1].text);
	return s->profile ? 0 : perr(p, "out of memory");
}

static int check_seed(struct parser *p, const char *w, uint64_t *seed)
{
	const char *why = scn_read_u64(w, seed);

	return why ? perr(p, "bad seed '%s': %s", w, why) : 0;
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
		  read_time(p, "run duration", p->t[1].text, &s->run);

	if (ret)
		return ret;
	if (!s->run)
		return perr(p, "'run' needs a duration above 0");
	s->run_line = p->line;
	return 0;
}

/* A parameter name, and no second declaration in the same list. */
static int check_param_key(struct parser *p, const char *key, int dup_line)
{
	if (!scn_is_ident(key))
		return perr(p, "bad parameter name '%s' (a letter, then letters, digits, '_', '.' or '-')",
			    key);
	if (dup_line)
		return perr(p, "'%s %s' given twice (first at line %d)",
			    p->t[0].text, key, dup_line);
	return check_hook(p, p->h->param_ok, p->h->param_names, "parameter", key);
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
		return perr(p, "expected 'set KEY VALUE' or 'set KEY=VALUE'");
	}
	for (size_t i = 0; i < s->nparams; i++)
		if (!strcmp(s->params[i].key, key))
			dup = s->params[i].line;
	if ((ret = check_param_key(p, key, dup)))
		return ret;
	if (scenario_set_param(s, key, value))
		return perr(p, "out of memory");
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
		return perr(p, "'init' is the initial namespace: it always exists and is not declared");
	if ((ret = check_value(p, 'n', p->t[1].text, &pa)))
		return ret;
	for (size_t i = 0; i < s->nnetns; i++)
		if (!strcmp(s->netns[i].name, p->t[1].text))
			return perr(p, "netns '%s' declared twice (first at line %d)",
				    p->t[1].text, s->netns[i].line);
	ns = grow(&s->netns, &s->nnetns, &s->netns_cap, sizeof(*ns));
	if (!ns || !(ns->name = mem_strdup(s, p->t[1].text)))
		return perr(p, "out of memory");
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
		return perr(p, "expected 'at TIME ACTION ...' or 'at TIME expect ...'");
	if ((ret = read_time(p, "time", p->t[1].text, &at)))
		return ret;
	if (p->t[2].key || strcmp(p->t[2].text, "expect"))
		return parse_action(p, 2, at, &a);
	if ((ret = parse_expect(p, 3, true, at, &idx)))
		return ret;
	if (!(a = new_action(p, SCN_EXPECT, at)))
		return perr(p, "out of memory");
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
		return perr(p, "expected 'every PERIOD [from=TIME] [until=TIME] [count=N] ACTION ...'");
	if ((ret = read_time(p, "period", p->t[1].text, &period)))
		return ret;
	if (!period)
		return perr(p, "'every' needs a period above 0");
	for (i = 2; i < p->n && p->t[i].key; i++) {
		const char *k = p->t[i].key, *v = p->t[i].value;

		if (!strcmp(k, "from"))
			ret = read_time(p, "from= time", v, &from);
		else if (!strcmp(k, "until"))
			ret = read_time(p, "until= time", v, &until);
		else if (strcmp(k, "count"))
			ret = perr(p, "unknown option '%s' for 'every' (expected: from until count)", k);
		else if ((why = scn_read_u64(v, &count)) || !count)
			ret = perr(p, "bad count '%s': %s", v, why ?: "must be at least 1");
		if (ret)
			return ret;
	}
	if (i == p->n)
		return perr(p, "expected an action after 'every %s'", p->t[1].text);
	if (!p->t[i].key && !strcmp(p->t[i].text, "expect"))
		return perr(p, "'every' cannot repeat an expectation (use 'at TIME expect ...')");
	if (until < from)
		return perr(p, "until=%s is before from=%s", fmt_time(b1, until),
			    fmt_time(b2, from));
	if ((ret = parse_action(p, i, from, &a)))
		return ret;
	a->period = period;
	a->until = until;
	a->count = count;
	return 0;
}

static int st_expect(struct parser *p)
{
	size_t idx;

	return parse_expect(p, 1, false, 0, &idx);
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
		return perr(p, "expected 'sweep KEY V1,V2,...'");
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
	vals = mem_alloc(s, n * sizeof(*vals) + len);
	sw = grow(&s->sweeps, &s->nsweeps, &s->sweeps_cap, sizeof(*sw));
	if (!vals || !sw || !(sw->key = mem_strdup(s, key)))
		return perr(p, "out of memory");
	sw->values = vals;
	sw->line = p->line;
	o = (char *)(vals + n);
	for (int i = 2; i < p->n; i++) {
		for (const char *c = p->t[i].text;; c++) {
			size_t l = strcspn(c, ",");

			if (!l)
				return perr(p, "empty value in the sweep over '%s'", key);
			vals[sw->nvalues] = memcpy(o, c, l);
			o[l] = '\0';
			if (special && (ret = key[0] == 'p' ?
				check_hook(p, p->h->profile_ok, p->h->profile_names, "profile", o) :
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
		if (!strcmp(verbs[v].name, w))
			return perr(p, "'%s' is an action and needs a time: 'at TIME %s ...' or 'every PERIOD %s ...'",
				    w, w, w);
	return perr(p, "unknown statement '%s' (expected one of: %s)", w,
		    names(buf, sizeof(buf), statements, ARRAY_SIZE(statements),
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
	return perr(p, "netns '%s' is not declared (add a line 'netns %s'; declared: %s)",
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
	return perr(p, "%s%s is after the end of the run (run %s)",
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
		return perr(p, "missing 'run DURATION' (every scenario needs one, e.g. 'run 10s')");
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
	if (!p.s || !(p.s->file = mem_strdup(p.s, name))) {
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
		s = parse_text(path, buf, len, hooks, err, errlen);
out_close:
	fclose(f);
	free(buf);
out_err:
	if (e && err && errlen)
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(e));
	return s;
}

/**
 * scenario_free - free @s and everything it owns; NULL is allowed
 */
void scenario_free(struct scenario *s)
{
	if (!s)
		return;
	while (s->mem) {
		struct scn_mem *m = s->mem;

		s->mem = m->next;
		free(m);
	}
	free(s->params);
	free(s->netns);
	free(s->actions);
	free(s->expects);
	free(s->sweeps);
	free(s);
}

/**
 * scenario_set_param - override parameter @key with @value (both copied)
 *
 * For the command line's --set KEY=VALUE, applied after the file: an
 * existing entry's value is replaced and its line becomes 0 ("command
 * line"); otherwise an entry is appended. Keys stay unique, in first-set
 * order. Names are not checked here (the caller has its table).
 * Return: 0, -EINVAL for an empty key, -ENOMEM.
 */
int scenario_set_param(struct scenario *s, const char *key, const char *value)
{
	struct scn_param *prm = NULL;
	const char *v;

	if (!key || !*key || !value)
		return -EINVAL;
	for (size_t i = 0; i < s->nparams; i++)
		if (!strcmp(s->params[i].key, key))
			prm = &s->params[i];
	if (!(v = mem_strdup(s, value)))
		return -ENOMEM;
	if (!prm) {
		const char *k = mem_strdup(s, key);

		if (!k || !(prm = grow(&s->params, &s->nparams, &s->params_cap,
				       sizeof(*prm))))
			return -ENOMEM;
		prm->key = k;
	}
	prm->value = v;
	prm->line = 0;
	return 0;
}

/**
 * scenario_param - the value of parameter @key, or NULL when not set
 */
const char *scenario_param(const struct scenario *s, const char *key)
{
	for (size_t i = 0; i < s->nparams; i++)
		if (!strcmp(s->params[i].key, key))
			return s->params[i].value;
	return NULL;
}

/**
 * scn_opt - the value of option @key of action @a, or NULL when absent
 */
const char *scn_opt(const struct scn_action *a, const char *key)
{
	for (int i = 0; i < a->nopts; i++)
		if (!strcmp(a->opt_key[i], key))
			return a->opt_val[i];
	return NULL;
}

/**
 * scn_action_cmp - qsort() order of an array of `const struct scn_action *`:
 * by time, then file order (the timeline's order)
 *
 * Sorting pointers leaves s->actions (and the expectations they point to)
 * in place.
 */
int scn_action_cmp(const void *a, const void *b)
{
	const struct scn_action *x = *(const struct scn_action *const *)a;
	const struct scn_action *y = *(const struct scn_action *const *)b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/**
 * scn_verb_name - the keyword of @verb ("veth", "rtnl-hold", ...)
 */
const char *scn_verb_name(enum scn_verb verb)
{
	return (unsigned)verb < SCN_VERB_COUNT ? verbs[verb].name : "?";
}
