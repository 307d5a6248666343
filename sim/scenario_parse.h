/* sim/scenario_parse.h - private to the scenario parser: sim/scenario_parse.c
 * (statements, whole-file checks), sim/scenario_args.c (actions,
 * expectations and their arguments) and sim/scenario_api.c (the memory a
 * scenario owns). Everything else uses sim/scenario.h.
 */
#ifndef NLSIM_SIM_SCENARIO_PARSE_H
#define NLSIM_SIM_SCENARIO_PARSE_H

#include "sim/scenario.h"

#define MAX_ITEMS 40		/* arguments plus options in one statement */

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

/* sim/scenario_parse.c: messages and checks every statement uses. */

/* "a b c" from the first member (a name) of each of @n entries of @table. */
const char *scn_names(char *buf, size_t len, const void *table, size_t n,
		      size_t stride);
/* "file:line: message" into p->err; returns -EINVAL. */
__attribute__((format(printf, 2, 3)))
int scn_perr(struct parser *p, const char *fmt, ...);
/* Duration @w into @out, or an error naming @what. */
int scn_check_time(struct parser *p, const char *what, const char *w,
		   int64_t *out);
/* @name through hook @ok (NULL accepts anything), listing @list's names. */
int scn_check_hook(struct parser *p, bool (*ok)(const char *, void *),
		   const char *(*list)(void *), const char *what,
		   const char *name);

/* sim/scenario_args.c: actions and expectations. */

/* Check word @w against argument type @type (see the table comment). */
int scn_check_value(struct parser *p, char type, const char *w,
		    struct parsed *pa);
/* Append an action of @verb at @at, on the current line. */
struct scn_action *scn_new_action(struct parser *p, enum scn_verb verb,
				  sim_time_t at);
/* The action in tokens [from, p->n), at time @at. */
int scn_parse_action(struct parser *p, int from, sim_time_t at,
		     struct scn_action **out);
/* The expectation in tokens [from, p->n); its index in s->expects to @idx. */
int scn_parse_expect(struct parser *p, int from, bool timed, sim_time_t at,
		     size_t *idx);

/* sim/scenario_api.c: memory the scenario owns (freed by scenario_free()). */

void *scn_mem_alloc(struct scenario *s, size_t size);
const char *scn_mem_strdup(struct scenario *s, const char *str);
/* Append one zeroed element to an array the scenario owns. */
void *scn_grow(void *arrp, size_t *n, size_t *cap, size_t elem);

#endif /* NLSIM_SIM_SCENARIO_PARSE_H */
