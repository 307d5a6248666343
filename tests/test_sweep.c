/* tests/test_sweep.c - sim/sweep.c: the seed derivation of `nlsim sweep` and
 * the ${name} variables of scenario files. The CSV's independence from
 * --jobs is checked by tests/sweep.sh, which runs the binary. */
#include <stdlib.h>

#include "sim/sweep.h"
#include "tests/testutil.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void seed_is_deterministic(void)
{
	ASSERT_EQ_UINT(sweep_seed(1, 0, 0), sweep_seed(1, 0, 0));
	ASSERT_EQ_UINT(sweep_seed(42, 17, 3), sweep_seed(42, 17, 3));
	/* pinned: a change of the derivation changes every published CSV */
	ASSERT_EQ_UINT(sweep_seed(1, 0, 0), 12793040940332582595ULL);
	ASSERT_EQ_UINT(sweep_seed(1, 2, 3), 9613205829653846581ULL);
	CU_ASSERT(sweep_seed(1, 0, 0) != 1);
}

/* 8 bases x 100 combinations x 10 reps: all different, and neither
 * (combo, rep) nor (rep, combo) collide (the order of the inputs matters). */
static void seeds_are_distinct(void)
{
	size_t n = 8 * 100 * 10, k = 0, dup = 0;
	uint64_t *s = malloc(n * sizeof(*s));

	REQUIRE(s != NULL);
	for (uint64_t b = 0; b < 8; b++)
		for (uint64_t c = 0; c < 100; c++)
			for (uint64_t r = 0; r < 10; r++)
				s[k++] = sweep_seed(b, c, r);
	qsort(s, n, sizeof(*s), cmp_u64);
	for (size_t i = 1; i < n; i++)
		dup += s[i] == s[i - 1];
	ASSERT_EQ_UINT(dup, 0);
	CU_ASSERT(sweep_seed(5, 1, 2) != sweep_seed(5, 2, 1));
	free(s);
}

static char *expand(const char *text, char *err, size_t len)
{
	static const char *const k[] = { "ifaces", "variant", "ifaces" };
	static const char *const v[] = { "10", "main", "20" };

	return sweep_expand("t.nls", text, k, v, 3, err, len);
}

static void variables_expand(void)
{
	char err[256] = "";
	char *s = expand("run 1s\nat 0 client churn ifaces=${ifaces} v=${variant}\n", err,
			 sizeof(err));

	ASSERT_EQ_STR(s, "run 1s\nat 0 client churn ifaces=20 v=main\n");	/* later wins */
	free(s);
	s = expand("x=${other:-5ms} y=\"${variant}\" # ${nope}\n${nope:-}z", err, sizeof(err));
	ASSERT_EQ_STR(s, "x=5ms y=\"main\" # ${nope}\nz");
	free(s);
	s = expand("a \"#\" ${ifaces}", err, sizeof(err));	/* # in quotes: no comment */
	ASSERT_EQ_STR(s, "a \"#\" 20");
	free(s);
}

static void variable_errors(void)
{
	char err[256] = "";

	CU_ASSERT(expand("run 1s\n\nx=${nope}\n", err, sizeof(err)) == NULL);
	CU_ASSERT(strstr(err, "t.nls:3: variable 'nope' has no value") == err);
	CU_ASSERT(expand("x=${}\n", err, sizeof(err)) == NULL);
	CU_ASSERT(strstr(err, "t.nls:1: bad variable reference") == err);
	CU_ASSERT(expand("x=${a:-1\n}", err, sizeof(err)) == NULL);
	CU_ASSERT(strstr(err, "unterminated") != NULL);
	CU_ASSERT(sweep_uses_var("a ${ifaces} b", "ifaces"));
	CU_ASSERT(sweep_uses_var("a ${ifaces:-3}", "ifaces"));
	CU_ASSERT(!sweep_uses_var("a ${ifaces2}", "ifaces"));
	CU_ASSERT(!sweep_uses_var("a $ifaces", "ifaces"));
}

TEST_SUITE(sweep, NULL, NULL,
	   TEST_CASE(seed_is_deterministic),
	   TEST_CASE(seeds_are_distinct),
	   TEST_CASE(variables_expand),
	   TEST_CASE(variable_errors));
