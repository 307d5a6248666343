/* sim/scenario.h - the scenario language (.nls files): parsed form and API.
 *
 * A scenario is line-oriented text a person edits (docs/scenario-language.md
 * is the reference). scenario_lex.c cuts lines into tokens and reads the
 * lexical values (durations, numbers, MAC addresses, names);
 * scenario_parse.c reads statements and runs the whole-file checks,
 * scenario_args.c checks each action's and expectation's arguments, and
 * scenario_api.c owns the memory and the accessors. Nothing
 * here runs anything: sim/scenario.c executes a parsed scenario against the
 * kernel model.
 *
 * Every string in a struct scenario (and the arrays of options and sweep
 * values) belongs to the scenario and is freed by scenario_free(). The
 * parser validates everything it can without the kernel model: statement
 * and verb names, argument counts, options, durations, numbers, MACs, flag
 * and operstate names, netns declarations, the single `run`. Names that only
 * the runner knows (profiles, clients, parameters) and the options of a
 * client are checked through struct scn_hooks.
 */
#ifndef NLSIM_SIM_SCENARIO_H
#define NLSIM_SIM_SCENARIO_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/engine.h"

/* Actions, the verbs that may follow `at TIME` or `every PERIOD`. */
enum scn_verb {
	SCN_VETH,	/* veth NAME peer=PEER [peer_netns=NS] */
	SCN_DUMMY,	/* dummy NAME */
	SCN_TAP,	/* tap NAME [carrier=on|off] */
	SCN_VIRTIO,	/* virtio NAME [status=on|off] (virtio_net probe) */
	SCN_BRIDGE,	/* bridge NAME */
	SCN_MASTER,	/* master NAME BRIDGE */
	SCN_NOMASTER,	/* nomaster NAME */
	SCN_UP,		/* up NAME */
	SCN_DOWN,	/* down NAME */
	SCN_CARRIER,	/* carrier NAME on|off|toggle; value = enum scn_carrier */
	SCN_MTU,	/* mtu NAME N; value = N */
	SCN_ADDRESS,	/* address NAME MAC; mac[] = MAC */
	SCN_RENAME,	/* rename NAME NEWNAME */
	SCN_MODE,	/* mode NAME default|dormant; value = IF_LINK_MODE_* */
	SCN_OPERSTATE,	/* operstate NAME STATE; value = IF_OPER_* */
	SCN_DEL,	/* del NAME */
	SCN_MOVE,	/* move NAME NS (arg[1] = target netns) */
	SCN_CLIENT,	/* client KIND [key=value...]; arg[0] = KIND */
	SCN_GETLINK,	/* getlink NAME: one RTM_GETLINK doit */
	SCN_DUMP,	/* dump: one RTM_GETLINK dump */
	SCN_RTNL_HOLD,	/* rtnl-hold DURATION [class=NAME]; value = ns */
	SCN_EXPECT,	/* at TIME expect ...; see ->expect */
	SCN_VERB_COUNT
};

/* SCN_CARRIER's value. */
enum scn_carrier {
	SCN_CARRIER_OFF = 0,
	SCN_CARRIER_ON = 1,
	SCN_CARRIER_TOGGLE = 2,
};

#define SCN_MAX_ARGS 4

/* One timed action: `at TIME VERB ...` or `every PERIOD ... VERB ...`. */
struct scn_action {
	sim_time_t at;		/* when it (first) runs, ns from the start */
	enum scn_verb verb;
	int line;		/* line in the file */
	unsigned order;		/* file order, 0.. : the tie-break at equal times */
	const char *arg[SCN_MAX_ARGS];	/* positional arguments as written */
	int nargs;
	const char *const *opt_key;	/* key=value options in file order; */
	const char *const *opt_val;	/* use scn_opt() to look one up */
	int nopts;
	const char *netns;	/* netns= option, "init" when absent; NULL for
				 * rtnl-hold and expect */
	int64_t value;		/* typed argument, see enum scn_verb; for
				 * SCN_EXPECT the index of ->expect */
	uint8_t mac[6];		/* SCN_ADDRESS */
	/* Repetition (`every`); period 0 for a one-shot `at` action. The
	 * action runs at at, at + period, ... while <= until (inclusive) and
	 * fewer than count times (count 0: no limit), and never after `run`. */
	sim_time_t period;
	sim_time_t until;	/* SIM_TIME_MAX when not given */
	uint64_t count;
	const struct scn_expect *expect;	/* SCN_EXPECT only */
};

enum scn_expect_kind {
	SCN_EXP_METRIC,		/* metric KEY OP NUMBER */
	SCN_EXP_OPERSTATE,	/* operstate NAME STATE */
	SCN_EXP_FLAGS,		/* flags NAME +FLAG -FLAG ... */
	SCN_EXP_CARRIER,	/* carrier NAME on|off */
	SCN_EXP_EXISTS,		/* exists NAME */
	SCN_EXP_ABSENT,		/* absent NAME */
	SCN_EXP_NOTIFICATIONS,	/* notifications NAME OP N */
	SCN_EXP_OUTPUT,		/* output "substring" */
};

enum scn_op {
	SCN_OP_LT,
	SCN_OP_LE,
	SCN_OP_GT,
	SCN_OP_GE,
	SCN_OP_EQ,
	SCN_OP_NE,
};

/* One expectation: `expect ...` (checked at the end of the run) or
 * `at TIME expect ...` (timed, also reachable from its SCN_EXPECT action). */
struct scn_expect {
	enum scn_expect_kind kind;
	int line;
	bool timed;		/* false: checked at the end of the run */
	sim_time_t at;		/* timed only */
	const char *text;	/* the expectation as written (for messages) */
	const char *dev;	/* device name; NULL for metric and output */
	const char *netns;	/* netns= option, "init" when absent */
	const char *metric;	/* SCN_EXP_METRIC: the metric key */
	enum scn_op op;		/* metric, notifications */
	double number;		/* metric, notifications: right-hand side */
	int state;		/* operstate: IF_OPER_* (0..6) */
	bool carrier;		/* carrier: expected on */
	uint32_t flags_set;	/* flags: IFF_* bits that must be set */
	uint32_t flags_clear;	/* flags: IFF_* bits that must be clear */
	const char *substring;	/* output: text the trace must contain */
};

/* A parameter override: `set KEY VALUE`, or scenario_set_param(). */
struct scn_param {
	const char *key;
	const char *value;
	int line;		/* 0: set from the command line */
};

struct scn_netns {
	const char *name;
	int line;
};

/* `sweep KEY V1,V2,...` (used by `nlsim sweep` only). */
struct scn_sweep {
	const char *key;
	const char *const *values;
	int nvalues;
	int line;
};

struct scenario {
	const char *file;	/* name given to the parser */
	const char *profile;	/* `profile NAME`, NULL when absent */
	int profile_line;
	uint64_t seed;		/* `seed N` */
	bool seed_given;
	int seed_line;
	sim_time_t run;		/* `run DURATION` (> 0) */
	int run_line;
	struct scn_param *params;	/* keys unique; file order */
	size_t nparams;
	struct scn_netns *netns;	/* declared namespaces, not "init" */
	size_t nnetns;
	struct scn_action *actions;	/* file order (order == index) */
	size_t nactions;
	struct scn_expect *expects;	/* all expectations, file order */
	size_t nexpects;
	struct scn_sweep *sweeps;
	size_t nsweeps;
	/* private */
	struct scn_mem *mem;
	size_t params_cap, netns_cap, actions_cap, expects_cap, sweeps_cap;
};

/* Name checks the runner supplies; every member may be NULL (then any name
 * is accepted). The *_names callbacks return a space-separated list of the
 * valid names for error messages. client_opts_ok checks the options of a
 * `client` action (`at` or `every`) of a known kind once they are all read:
 * false with a one-line reason in @why, which the parser reports as
 * "file:line: client KIND: why". */
struct scn_hooks {
	bool (*profile_ok)(const char *name, void *data);
	bool (*client_ok)(const char *kind, void *data);
	bool (*client_opts_ok)(const struct scn_action *a, char *why, size_t len,
			       void *data);
	bool (*param_ok)(const char *key, void *data);
	const char *(*profile_names)(void *data);
	const char *(*client_names)(void *data);
	const char *(*param_names)(void *data);
	void *data;
};

/* Parse a scenario file or text. On error return NULL and write
 * "file:line: message" into @err (see scenario_parse.c for details). */
struct scenario *scenario_parse_file_as(const char *path, const char *name,
					const struct scn_hooks *hooks,
					char *err, size_t errlen);
struct scenario *scenario_parse_file(const char *path,
				     const struct scn_hooks *hooks,
				     char *err, size_t errlen);
struct scenario *scenario_parse_string(const char *name, const char *text,
				       const struct scn_hooks *hooks,
				       char *err, size_t errlen);
void scenario_free(struct scenario *s);

/* --set KEY=VALUE on top of the file (replaces, line becomes 0). */
int scenario_set_param(struct scenario *s, const char *key, const char *value);
/* The value of a parameter, NULL when not set. */
const char *scenario_param(const struct scenario *s, const char *key);
/* The value of an action's option, NULL when absent. */
const char *scn_opt(const struct scn_action *a, const char *key);
/* qsort() comparator for an array of `const struct scn_action *`:
 * by time, then file order. */
int scn_action_cmp(const void *a, const void *b);

const char *scn_verb_name(enum scn_verb verb);
/* Whether @s is a valid interface name: NULL, or why not. */
const char *scn_check_ifname(const char *s);
/* "650ms" -> 650000000: 0, -EINVAL (syntax), -ERANGE (too large). */
int scn_parse_duration(const char *s, int64_t *out);

/* Vocabularies: the fixed words of the language and their values. */
enum scn_vocab {
	SCN_VOC_OP,		/* < <= > >= == != : enum scn_op */
	SCN_VOC_OPERSTATE,	/* UNKNOWN ... UP : IF_OPER_* */
	SCN_VOC_FLAG,		/* UP BROADCAST ... ECHO : IFF_* bits */
	SCN_VOC_ONOFF,		/* off on : 0 1 */
	SCN_VOC_CARRIER,	/* off on toggle : enum scn_carrier */
	SCN_VOC_MODE,		/* default dormant : IF_LINK_MODE_* */
	SCN_VOC_COUNT
};

int scn_word_value(enum scn_vocab v, const char *w);
const char *scn_word_name(enum scn_vocab v, int value);
const char *scn_vocab_list(enum scn_vocab v, char *buf, size_t len);

static inline const char *scn_op_name(enum scn_op op)
{
	return scn_word_name(SCN_VOC_OP, (int)op);
}

static inline const char *scn_operstate_name(int state)
{
	return scn_word_name(SCN_VOC_OPERSTATE, state);
}

/* Whether "@lhs @op @rhs" holds. */
static inline bool scn_op_eval(enum scn_op op, double lhs, double rhs)
{
	switch (op) {
	case SCN_OP_LT: return lhs < rhs;
	case SCN_OP_LE: return lhs <= rhs;
	case SCN_OP_GT: return lhs > rhs;
	case SCN_OP_GE: return lhs >= rhs;
	case SCN_OP_EQ: return lhs == rhs;
	case SCN_OP_NE: return lhs != rhs;
	}
	return false;
}

/*
 * Lexer and value readers, private to the parser (sim/scenario_lex.c,
 * scenario_parse.c, scenario_args.c).
 */

/* One token. Quoted parts are unescaped. A token whose text starts with an
 * unquoted identifier followed by '=' is an option: key and value are set. */
struct scn_token {
	const char *text;	/* the whole token */
	const char *key;	/* option key, or NULL */
	const char *value;	/* option value, or NULL */
	bool quoted;		/* some part of it was quoted */
};

struct scn_lexer {
	const char *name;	/* file name, for messages */
	const char *p;		/* next unread byte */
	const char *end;
	int line;		/* line of the tokens returned last */
	char *err;		/* error message buffer */
	size_t errlen;
	char *buf;		/* token text of the current line */
	size_t bufcap;
	struct scn_token *tok;	/* tokens of the current line */
	size_t ntok;
	size_t tokcap;
};

void scn_lex_init(struct scn_lexer *lx, const char *name, const char *text,
		  size_t len, char *err, size_t errlen);
void scn_lex_fini(struct scn_lexer *lx);
int scn_lex_line(struct scn_lexer *lx);
__attribute__((format(printf, 5, 0)))
int scn_verror(char *err, size_t errlen, const char *file, int line,
	       const char *fmt, va_list ap);

const char *scn_read_duration(const char *s, int64_t *out);
const char *scn_read_u64(const char *s, uint64_t *out);
const char *scn_read_number(const char *s, double *out);
const char *scn_read_mac(const char *s, uint8_t mac[6]);
bool scn_is_ident(const char *s);

#endif /* NLSIM_SIM_SCENARIO_H */
