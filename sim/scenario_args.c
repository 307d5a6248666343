/* sim/scenario_args.c - actions and expectations of the scenario language,
 * and their arguments.
 *
 * What follows `at TIME` or `every PERIOD` (an action: veth, up, carrier,
 * ...) and `expect` (an expectation: metric, operstate, flags, ...) is
 * described by tables: each positional argument and option has a one-letter
 * type, checked by scn_check_value(). sim/scenario_parse.c reads the
 * statements and calls scn_parse_action() and scn_parse_expect() here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario_parse.h"

#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"

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

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int check_word(struct parser *p, enum scn_vocab v, const char *what,
		      const char *w, int64_t *out)
{
	char buf[256];
	int val = scn_word_value(v, w);

	if (val >= 0) {
		*out = val;
		return 0;
	}
	return scn_perr(p, "bad %s '%s' (expected one of: %s)", what, w,
			scn_vocab_list(v, buf, sizeof(buf)));
}

static int check_flag(struct parser *p, const char *w, struct parsed *pa)
{
	char buf[256];
	int bit;

	if (w[0] != '+' && w[0] != '-')
		return scn_perr(p, "expected +FLAG or -FLAG, found '%s'", w);
	bit = scn_word_value(SCN_VOC_FLAG, w + 1);
	if (bit < 0)
		return scn_perr(p, "unknown flag '%s' (expected one of: %s)", w + 1,
				scn_vocab_list(SCN_VOC_FLAG, buf, sizeof(buf)));
	if ((w[0] == '+' ? pa->fclear : pa->fset) & (uint32_t)bit)
		return scn_perr(p, "flag %s is both required and forbidden", w + 1);
	*(w[0] == '+' ? &pa->fset : &pa->fclear) |= (uint32_t)bit;
	return 0;
}

/* Check word @w against argument type @type; see the table comment. */
int scn_check_value(struct parser *p, char type, const char *w,
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
		if (scn_check_time(p, "duration", w, &pa->value))
			return -EINVAL;
		if (!pa->value)
			return scn_perr(p, "bad duration '0': must be above 0");
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
		return scn_check_hook(p, p->h->client_ok, p->h->client_names,
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
	return why ? scn_perr(p, "bad %s '%s': %s", what, w, why) : 0;
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
		return scn_perr(p, "too many arguments for %s", what);
	for (int i = from; i < p->n; i++) {
		const struct scn_token *t = &p->t[i];
		char type;

		if (!t->key) {
			pa->arg[pa->nargs++] = t->text;
			continue;
		}
		type = opt_type(opts, t->key);
		if (!type && !*opts)
			return scn_perr(p, "unknown option '%s' (%s takes no options; quote text that contains '=')",
					t->key, what);
		if (!type)
			return scn_perr(p, "unknown option '%s' for %s (usage: %s)",
					t->key, what, usage);
		for (int j = 0; j < pa->nopts; j++)
			if (!strcmp(pa->opt[j]->key, t->key))
				return scn_perr(p, "option '%s' given twice", t->key);
		if (type != '*' && (ret = scn_check_value(p, type, t->value, &(struct parsed){ 0 })))
			return ret;
		pa->opt[pa->nopts++] = t;
	}
	if ((size_t)pa->nargs < want || (!repeat && (size_t)pa->nargs > want))
		return scn_perr(p, "%s takes %s%zu argument%s, found %d (usage: %s)",
				what, repeat ? "at least " : "", want,
				want == 1 ? "" : "s", pa->nargs, usage);
	for (int i = 0; i < pa->nargs; i++)
		if ((ret = scn_check_value(p, args[(size_t)i < want ? (size_t)i : want - 1],
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
			return scn_perr(p, "%s needs %.*s=... (usage: %s)", what,
					(int)(o - 2 - k), k, usage);
	}
	return 0;
}

struct scn_action *scn_new_action(struct parser *p, enum scn_verb verb,
				  sim_time_t at)
{
	struct scenario *s = p->s;
	struct scn_action *a = scn_grow(&s->actions, &s->nactions,
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

/* The options of a `client` action, through the runner's hook: the model
 * refuses what it would refuse when it starts, before anything runs. */
static int check_client_opts(struct parser *p, const struct scn_action *a)
{
	char why[256] = "bad options";

	if (!p->h->client_opts_ok || p->h->client_opts_ok(a, why, sizeof(why), p->h->data))
		return 0;
	return scn_perr(p, "client %s: %s", a->arg[0], why);
}

int scn_parse_action(struct parser *p, int from, sim_time_t at,
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
		return scn_perr(p, "unknown action '%s' (expected one of: %s)", w,
				scn_names(buf, sizeof(buf), verbs, SCN_EXPECT, sizeof(verbs[0])));
	snprintf(what, sizeof(what), "'%s'", w);
	ret = parse_args(p, from + 1, verbs[verb].args, verbs[verb].opts, what,
			 verbs[verb].usage, &pa);
	if (ret)
		return ret;
	if (!(*out = a = scn_new_action(p, (enum scn_verb)verb, at)))
		return scn_perr(p, "out of memory");
	a->value = pa.value;
	memcpy(a->mac, pa.mac, sizeof(a->mac));
	a->nargs = pa.nargs;
	for (int i = 0; i < pa.nargs; i++)
		if (!(a->arg[i] = scn_mem_strdup(s, pa.arg[i])))
			return scn_perr(p, "out of memory");
	if (pa.nopts && !(kv = scn_mem_alloc(s, 2 * (size_t)pa.nopts * sizeof(*kv))))
		return scn_perr(p, "out of memory");
	for (int i = 0; i < pa.nopts; i++) {
		kv[i] = scn_mem_strdup(s, pa.opt[i]->key);
		kv[pa.nopts + i] = scn_mem_strdup(s, pa.opt[i]->value);
		if (!kv[i] || !kv[pa.nopts + i])
			return scn_perr(p, "out of memory");
	}
	a->opt_key = kv;
	a->opt_val = kv ? kv + pa.nopts : NULL;
	a->nopts = pa.nopts;
	if (verb != SCN_RTNL_HOLD)
		a->netns = scn_opt(a, "netns") ?: "init";
	return verb == SCN_CLIENT ? check_client_opts(p, a) : 0;
}

/* The expectation as written, one space between tokens, quoted as needed. */
static const char *join(struct parser *p, int from)
{
	size_t len = 1;
	char *buf, *o;

	for (int i = from; i < p->n; i++)
		len += 2 * strlen(p->t[i].text) + 3;
	if (!(buf = o = scn_mem_alloc(p->s, len)))
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

int scn_parse_expect(struct parser *p, int from, bool timed, sim_time_t at,
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
		return scn_perr(p, "%s%s%s (expected one of: %s)",
				from < p->n ? "unknown expectation '" : "expected what to expect after 'expect'",
				from < p->n ? p->t[from].text : "", from < p->n ? "'" : "",
				scn_names(buf, sizeof(buf), expect_kinds,
					  ARRAY_SIZE(expect_kinds), sizeof(expect_kinds[0])));
	snprintf(what, sizeof(what), "'expect %s'", ki->name);
	ret = parse_args(p, from + 1, ki->args, ki->opts, what, ki->usage, &pa);
	if (ret)
		return ret;
	if (!(e = scn_grow(&s->expects, &s->nexpects, &s->expects_cap, sizeof(*e))))
		return scn_perr(p, "out of memory");
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
	a0 = scn_mem_strdup(s, pa.arg[0]);
	if (ki->args[0] == 'd') {
		e->dev = a0;
		/* netns= is the only option an expectation takes */
		e->netns = scn_mem_strdup(s, pa.nopts ? pa.opt[0]->value : "init");
	}
	e->metric = ki->kind == SCN_EXP_METRIC ? a0 : NULL;
	e->substring = ki->kind == SCN_EXP_OUTPUT ? a0 : NULL;
	if (!(e->text = join(p, from)) || !a0 || (e->dev && !e->netns))
		return scn_perr(p, "out of memory");
	return 0;
}


/**
 * scn_verb_name - the keyword of @verb ("veth", "rtnl-hold", ...)
 */
const char *scn_verb_name(enum scn_verb verb)
{
	return (unsigned)verb < SCN_VERB_COUNT ? verbs[verb].name : "?";
}
