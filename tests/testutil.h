/* tests/testutil.h - how a CUnit suite registers itself, and assertions that
 * print both values (CUnit's own print only the expression text).
 *
 * A test file ends with:
 *
 *   TEST_SUITE(link_watch, setup_fn, teardown_fn,
 *              TEST_CASE(urgent_event_skips_the_slot),
 *              TEST_CASE(second_flap_waits_for_next_second));
 *
 * setup_fn/teardown_fn may be NULL. Suites register themselves at start-up
 * (a constructor), so tests/run.c keeps no central list; it runs suites in
 * name order, so the output does not depend on link order.
 */
#ifndef NLSIM_TESTS_TESTUTIL_H
#define NLSIM_TESTS_TESTUTIL_H

#include <CUnit/CUnit.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

struct test_suite {
	const char *name;
	int (*setup)(void);
	int (*teardown)(void);
	const struct test_case *cases;
	struct test_suite *next;
};

void test_suite_register(struct test_suite *s);

#define TEST_CASE(fn) { #fn, fn }

#define TEST_SUITE(sname, setup_fn, teardown_fn, ...)                          \
	static const struct test_case sname##_cases[] = { __VA_ARGS__,         \
							  { NULL, NULL } };    \
	static struct test_suite sname##_suite = { #sname, setup_fn,           \
						   teardown_fn, sname##_cases, \
						   NULL };                     \
	__attribute__((constructor)) static void sname##_register(void)        \
	{                                                                      \
		test_suite_register(&sname##_suite);                           \
	}

/* Equality assertions that print both sides on failure (non-fatal). */
#define ASSERT_EQ_INT(a, b)                                                    \
	do {                                                                   \
		long long _a = (long long)(a), _b = (long long)(b);            \
		if (_a != _b)                                                  \
			fprintf(stderr, "\n  %s:%d: %s == %s: %lld != %lld\n", \
				__FILE__, __LINE__, #a, #b, _a, _b);           \
		CU_ASSERT(_a == _b);                                           \
	} while (0)

#define ASSERT_EQ_UINT(a, b)                                                   \
	do {                                                                   \
		unsigned long long _a = (unsigned long long)(a),               \
				   _b = (unsigned long long)(b);               \
		if (_a != _b)                                                  \
			fprintf(stderr,                                        \
				"\n  %s:%d: %s == %s: %llu (0x%llx) != %llu (0x%llx)\n", \
				__FILE__, __LINE__, #a, #b, _a, _a, _b, _b);   \
		CU_ASSERT(_a == _b);                                           \
	} while (0)

#define ASSERT_EQ_STR(a, b)                                                    \
	do {                                                                   \
		const char *_a = (a), *_b = (b);                               \
		int _ok = _a && _b && strcmp(_a, _b) == 0;                     \
		if (!_ok)                                                      \
			fprintf(stderr, "\n  %s:%d: %s == %s:\n    \"%s\"\n != \"%s\"\n", \
				__FILE__, __LINE__, #a, #b, _a ? _a : "(null)", \
				_b ? _b : "(null)");                           \
		CU_ASSERT(_ok);                                                \
	} while (0)

/* Fatal variant: stop the test when a precondition fails. */
#define REQUIRE(cond)                                                          \
	do {                                                                   \
		int _ok = !!(cond);                                            \
		if (!_ok)                                                      \
			fprintf(stderr, "\n  %s:%d: required: %s\n", __FILE__, \
				__LINE__, #cond);                              \
		CU_ASSERT_FATAL(_ok);                                          \
	} while (0)

#endif /* NLSIM_TESTS_TESTUTIL_H */
