/* sim/scenario_api.c - the memory a parsed scenario owns, and its public
 * accessors.
 *
 * Every string of a struct scenario (and the arrays of options and sweep
 * values) lives in memory blocks chained on s->mem; the arrays of
 * parameters, namespaces, actions, expectations and sweeps grow by
 * doubling. scenario_free() releases all of it. The parser
 * (sim/scenario_parse.c, sim/scenario_args.c) and --set on the command line
 * (scenario_set_param()) fill a scenario; the runner reads it through
 * scenario_param(), scn_opt() and scn_action_cmp().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario_parse.h"

struct scn_mem {			/* one allocation owned by a scenario */
	struct scn_mem *next;
	max_align_t data[];
};

void *scn_mem_alloc(struct scenario *s, size_t size)
{
	struct scn_mem *m = calloc(1, sizeof(*m) + size);

	if (!m)
		return NULL;
	m->next = s->mem;
	s->mem = m;
	return m->data;
}

const char *scn_mem_strdup(struct scenario *s, const char *str)
{
	size_t len = strlen(str) + 1;
	char *d = scn_mem_alloc(s, len);

	return d ? memcpy(d, str, len) : NULL;
}

/* Append one zeroed element to an array the scenario owns. */
void *scn_grow(void *arrp, size_t *n, size_t *cap, size_t elem)
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
	if (!(v = scn_mem_strdup(s, value)))
		return -ENOMEM;
	if (!prm) {
		const char *k = scn_mem_strdup(s, key);

		if (!k || !(prm = scn_grow(&s->params, &s->nparams, &s->params_cap,
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
