/* sim/metrics.c - named numbers collected during a run, written as JSON.
 *
 * Keys are kept sorted (strcmp, i.e. byte order) in one array, so writing
 * needs no sort and never depends on insertion or hash order: the same run
 * gives the same file. Lookups are binary searches; inserts move the tail,
 * O(n), which is fine for the few hundred metrics a run has. Counters
 * bumped per request skip the search with a struct metrics_ref: the slot's
 * position, valid until the next insert moves it (m->gen counts inserts).
 *
 * Output, one key per line so that two runs diff well:
 *
 *	{
 *	  "link_watch.runs": 12,
 *	  "rtnl.wait_ns.mean": 1250000.5
 *	}
 *
 * Integral values print without decimals; others in the shortest form that
 * reads back exactly (json_format_double()); NaN and infinities as null.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/json.h"
#include "sim/metrics.h"

struct metric {
	char *key;
	double v;
};

struct metrics {
	struct metric *v;	/* sorted by key */
	size_t n, cap;
	unsigned long gen;	/* inserts so far: positions changed */
};

/**
 * metrics_create - an empty metrics map, or NULL when memory is short
 */
struct metrics *metrics_create(void)
{
	return calloc(1, sizeof(struct metrics));
}

/**
 * metrics_destroy - free the map and its keys (NULL is fine)
 */
void metrics_destroy(struct metrics *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n; i++)
		free(m->v[i].key);
	free(m->v);
	free(m);
}

/* Position of @key, or where it would go; *found says which. */
static size_t metrics_find(const struct metrics *m, const char *key, bool *found)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(m->v[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < m->n && strcmp(m->v[lo].key, key) == 0;
	return lo;
}

/* The slot for @key, created with value 0 if missing; NULL on error. */
static struct metric *metrics_slot(struct metrics *m, const char *key)
{
	struct metric *slot;
	size_t i;
	bool found;
	char *copy;

	if (!m || !key)
		return NULL;
	i = metrics_find(m, key, &found);
	if (found)
		return &m->v[i];
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 32;
		struct metric *v = realloc(m->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		m->v = v;
		m->cap = cap;
	}
	copy = strdup(key);
	if (!copy)
		return NULL;
	memmove(&m->v[i + 1], &m->v[i], (m->n - i) * sizeof(*m->v));
	m->n++;
	m->gen++;
	slot = &m->v[i];
	slot->key = copy;
	slot->v = 0;
	return slot;
}

static int slot_error(const struct metrics *m, const char *key)
{
	return !m || !key ? -EINVAL : -ENOMEM;
}

/**
 * metrics_set, metrics_add, metrics_max, metrics_min - update one metric
 * @m: the map
 * @key: its name, dotted by convention ("rtnl.wait_ns.max"); copied
 * @v: the value to store, add, or compare with
 *
 * A missing key is created: with @v for set, max and min, with 0 + @v for
 * add. Return 0, -EINVAL for a NULL argument, -ENOMEM.
 */
int metrics_set(struct metrics *m, const char *key, double v)
{
	struct metric *s = metrics_slot(m, key);

	if (!s)
		return slot_error(m, key);
	s->v = v;
	return 0;
}

int metrics_add(struct metrics *m, const char *key, double v)
{
	struct metric *s = metrics_slot(m, key);

	if (!s)
		return slot_error(m, key);
	s->v += v;
	return 0;
}

/**
 * metrics_add_ref - metrics_add, remembering where @key lives
 * @m: the map
 * @ref: the remembered slot of @key (all zero before the first call); the
 *	same @ref must always be used with the same @key, and not outlive @m
 * @key: its name, looked up only when @ref is stale
 * @v: the value to add
 *
 * Same result as metrics_add(m, key, v). Return 0, -EINVAL, -ENOMEM.
 */
int metrics_add_ref(struct metrics *m, struct metrics_ref *ref, const char *key, double v)
{
	struct metric *s;

	if (m && ref->m == m && ref->gen == m->gen) {
		m->v[ref->i].v += v;
		return 0;
	}
	s = metrics_slot(m, key);
	if (!s)
		return slot_error(m, key);
	s->v += v;
	ref->m = m;
	ref->gen = m->gen;
	ref->i = (size_t)(s - m->v);
	return 0;
}

int metrics_max(struct metrics *m, const char *key, double v)
{
	if (!metrics_has(m, key) || v > metrics_get(m, key))
		return metrics_set(m, key, v);
	return 0;
}

int metrics_min(struct metrics *m, const char *key, double v)
{
	if (!metrics_has(m, key) || v < metrics_get(m, key))
		return metrics_set(m, key, v);
	return 0;
}

/**
 * metrics_get - the value of @key, 0 when it was never set
 */
double metrics_get(const struct metrics *m, const char *key)
{
	bool found;
	size_t i;

	if (!m || !key)
		return 0;
	i = metrics_find(m, key, &found);
	return found ? m->v[i].v : 0;
}

/**
 * metrics_has - whether @key was ever set
 */
bool metrics_has(const struct metrics *m, const char *key)
{
	bool found = false;

	if (m && key)
		metrics_find(m, key, &found);
	return found;
}

/**
 * metrics_write_json - write every metric as one JSON object
 * @m: the map
 * @f: the stream (not closed)
 *
 * Keys in byte order, one per line, then a newline. Returns 0, -EINVAL for
 * NULL arguments, or -EIO if the stream reported an error.
 */
int metrics_write_json(const struct metrics *m, FILE *f)
{
	char num[40];
	size_t i;

	if (!m || !f)
		return -EINVAL;
	fputs("{", f);
	for (i = 0; i < m->n; i++) {
		fputs(i ? ",\n  " : "\n  ", f);
		json_fput_string(f, m->v[i].key);
		json_format_double(num, sizeof(num), m->v[i].v);
		fprintf(f, ": %s", num);
	}
	fputs(m->n ? "\n}\n" : "}\n", f);
	return ferror(f) ? -EIO : 0;
}
