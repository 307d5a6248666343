/* tests/run.c - the CUnit test runner: every suite in its own process.
 *
 *   run                 run every suite, in name order
 *   run SUITE ...       run the named suites
 *   run SUITE/TEST ...  run one test of a suite
 *   run --list          list SUITE/TEST names
 *
 * Each suite runs in a forked child, so a crash, an abort or a sanitizer
 * report in one suite is reported as that suite's failure and the other
 * suites still run. The child streams one byte per finished test to the
 * parent through a pipe ('P' passed, 'F' failed), then 'S' if the suite's
 * setup failed, 'C' if its teardown failed, and 'E' with the assertion
 * counts when it finished cleanly; the parent adds the counts up. A test
 * that did not report (the crash, and the tests after it) counts as failed.
 * A suite still running after NLSIM_TEST_TIMEOUT seconds (default 300, 0 for
 * none) is killed and fails, so a hang is named instead of stalling CI.
 *
 * Output is that of CUnit's basic interface, CU_BRM_VERBOSE, or CU_BRM_NORMAL
 * (failures only) when NLSIM_TEST_QUIET is set, printed by our own handlers
 * on CU_run_suite(): CU_basic_run_suite() would print a banner and a summary
 * per child, and gives no hook to report each test to the parent. Then one
 * run summary over all suites and a last line "N passed, M failed" that CI
 * reads. CUnit's runner exits 0 whatever fails; this one exits 1 if anything
 * failed, and 2 on a bad argument.
 */
#include <CUnit/Basic.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/testutil.h"

static struct test_suite *suites; /* kept sorted by name */
static CU_BasicRunMode mode = CU_BRM_VERBOSE;
static int report_fd = -1; /* in a child: the pipe to the parent */
static unsigned timeout = 300; /* seconds per suite */

struct totals {
	unsigned suites, suites_failed;
	unsigned tests, ran, passed;
	unsigned asserts, asserts_failed;
};

struct end_record {
	unsigned asserts, asserts_failed;
};

void test_suite_register(struct test_suite *s)
{
	struct test_suite **p = &suites;

	while (*p && strcmp((*p)->name, s->name) < 0)
		p = &(*p)->next;
	s->next = *p;
	*p = s;
}

static void report(const void *buf, size_t len)
{
	if (write(report_fd, buf, len) != (ssize_t)len)
		_exit(3);
}

static void on_test_start(const CU_pTest test, const CU_pSuite suite)
{
	(void)suite;
	if (mode == CU_BRM_VERBOSE) {
		printf("  Test: %s ...", test->pName);
		fflush(stdout);
	}
}

static void on_test_complete(const CU_pTest test, const CU_pSuite suite,
			     const CU_pFailureRecord failure)
{
	const CU_FailureRecord *f;
	unsigned i = 1;

	report(failure ? "F" : "P", 1);
	if (mode == CU_BRM_VERBOSE)
		printf("%s\n", failure ? "FAILED" : "passed");
	else if (failure)
		printf("Suite %s, Test %s had failures:\n", suite->pName, test->pName);
	for (f = failure; f; f = f->pNext, i++)
		printf("    %u. %s:%u  - %s\n", i, f->strFileName ? f->strFileName : "",
		       f->uiLineNumber, f->strCondition ? f->strCondition : "");
	fflush(stdout);
}

static void on_setup_failed(const CU_pSuite suite)
{
	printf("suite %s: setup failed, its tests did not run\n", suite->pName);
	report("S", 1);
}

static void on_teardown_failed(const CU_pSuite suite)
{
	printf("suite %s: teardown failed\n", suite->pName);
	report("C", 1);
}

/* In the child: run the tests of @s named @only (all when NULL), report. */
static void __attribute__((noreturn)) run_child(const struct test_suite *s, const char *only)
{
	const struct test_case *c;
	struct end_record end;
	CU_pSuite cs;

	if (CU_initialize_registry() != CUE_SUCCESS)
		_exit(3);
	cs = CU_add_suite(s->name, s->setup, s->teardown);
	for (c = s->cases; cs && c->name; c++)
		if (!only || strcmp(only, c->name) == 0)
			CU_add_test(cs, c->name, c->fn);
	CU_set_test_start_handler(on_test_start);
	CU_set_test_complete_handler(on_test_complete);
	CU_set_suite_init_failure_handler(on_setup_failed);
	CU_set_suite_cleanup_failure_handler(on_teardown_failed);
	if (mode == CU_BRM_VERBOSE)
		printf("\nSuite: %s\n", s->name);
	fflush(stdout);
	if (!cs)
		_exit(3);
	CU_run_suite(cs); /* a failed setup is reported through its handler */
	end.asserts = CU_get_number_of_asserts();
	end.asserts_failed = CU_get_number_of_failures();
	report("E", 1);
	report(&end, sizeof(end));
	CU_cleanup_registry();
	fflush(stdout);
	exit(0); /* not _exit: LeakSanitizer checks at exit */
}

/* Run one suite in a child process; add what it reports to @t. */
static void run_suite(const struct test_suite *s, const char *only, struct totals *t)
{
	unsigned selected = 0, ran = 0, passed = 0;
	struct end_record end = { 0, 0 };
	bool ended = false, bad = false;
	const struct test_case *c;
	int fds[2], status;
	pid_t pid;
	char ch;

	for (c = s->cases; c->name; c++)
		selected += !only || strcmp(only, c->name) == 0;
	fflush(stdout);
	fflush(stderr);
	if (pipe(fds) < 0 || (pid = fork()) < 0) {
		perror("run: pipe/fork");
		exit(2);
	}
	if (pid == 0) {
		close(fds[0]);
		report_fd = fds[1];
		alarm(timeout);
		run_child(s, only);
	}
	close(fds[1]);
	while (!ended) {
		ssize_t n = read(fds[0], &ch, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (ch == 'P' || ch == 'F') {
			ran++;
			passed += ch == 'P';
		} else if (ch == 'S' || ch == 'C') {
			bad = true;
		} else if (ch == 'E') {
			ended = read(fds[0], &end, sizeof(end)) == (ssize_t)sizeof(end);
		}
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status)) {
		printf("\nsuite %s crashed: signal %d (%s)%s\n", s->name, WTERMSIG(status),
		       strsignal(WTERMSIG(status)),
		       WTERMSIG(status) == SIGALRM ? ": timed out (NLSIM_TEST_TIMEOUT)" : "");
		bad = true;
	} else if (WEXITSTATUS(status) != 0 || !ended) {
		printf("\nsuite %s failed: exit status %d%s\n", s->name, WEXITSTATUS(status),
		       ended ? " after its tests" : ", its tests did not finish");
		bad = true;
	}
	if (bad && passed == selected)
		selected++; /* a failure after the last test still counts once */
	t->suites++;
	t->suites_failed += bad;
	t->tests += selected;
	t->ran += ran;
	t->passed += passed;
	t->asserts += end.asserts;
	t->asserts_failed += end.asserts_failed;
}

/* Find the suite an argument "SUITE" or "SUITE/TEST" names; *only = TEST. */
static const struct test_suite *find(const char *arg, const char **only)
{
	const char *slash = strchr(arg, '/');
	size_t len = slash ? (size_t)(slash - arg) : strlen(arg);
	const struct test_suite *s;
	const struct test_case *c;

	*only = slash ? slash + 1 : NULL;
	for (s = suites; s; s = s->next)
		if (strlen(s->name) == len && strncmp(s->name, arg, len) == 0)
			break;
	if (!s || !slash)
		return s;
	for (c = s->cases; c->name; c++)
		if (strcmp(c->name, *only) == 0)
			return s;
	return NULL;
}

int main(int argc, char **argv)
{
	struct totals t = { 0 };
	const struct test_suite *s;
	const char *only;
	unsigned failed;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getenv("NLSIM_TEST_QUIET"))
		mode = CU_BRM_NORMAL;
	if (getenv("NLSIM_TEST_TIMEOUT"))
		timeout = (unsigned)strtoul(getenv("NLSIM_TEST_TIMEOUT"), NULL, 10);
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (s = suites; s; s = s->next)
			for (const struct test_case *c = s->cases; c->name; c++)
				printf("%s/%s\n", s->name, c->name);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (!find(argv[i], &only)) {
			fprintf(stderr, "run: no suite or test %s (see run --list)\n", argv[i]);
			return 2;
		}
	}

	printf("\n     CUnit - A unit testing framework for C - Version %s\n"
	       "     nlsim runner: each suite in its own process\n",
	       CU_VERSION);
	if (argc == 1)
		for (s = suites; s; s = s->next)
			run_suite(s, NULL, &t);
	for (i = 1; i < argc; i++)
		run_suite(find(argv[i], &only), only, &t);

	failed = t.tests - t.passed;
	printf("\nRun Summary:    Type  Total    Ran Passed Failed Inactive\n");
	printf("%20s%7u%7u%7s%7u%9u\n", "suites", t.suites, t.suites, "n/a", t.suites_failed, 0u);
	printf("%20s%7u%7u%7u%7u%9u\n", "tests", t.tests, t.ran, t.passed, failed, 0u);
	printf("%20s%7u%7u%7u%7u%9s\n\n", "asserts", t.asserts, t.asserts,
	       t.asserts - t.asserts_failed, t.asserts_failed, "n/a");
	printf("%u passed, %u failed\n", t.passed, failed);
	return failed || t.asserts_failed || t.suites_failed ? 1 : 0;
}
