/* tests/test_json.c - sim/json.c, sim/metrics.c and sim/chrome_trace.c.
 *
 * Exact bytes for small documents (the outputs are meant to be golden-file
 * stable), and a real parser's opinion on them: jq if it is on PATH, else
 * python3's json module; without either that check is skipped with a note.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "sim/chrome_trace.h"
#include "sim/json.h"
#include "sim/metrics.h"
#include "tests/testutil.h"

#define TMPDIR_TEMPLATE "/tmp/nlsim-json-XXXXXX"
static char tmpdir[sizeof(TMPDIR_TEMPLATE)];
static char path[64];

static int json_setup(void)
{
	memcpy(tmpdir, TMPDIR_TEMPLATE, sizeof(tmpdir));
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(path, sizeof(path), "%s/out.json", tmpdir);
	return 0;
}

static int json_teardown(void)
{
	unlink(path);
	return rmdir(tmpdir);
}

/* Run a shell command (printf-style) and return its stdout, malloc'ed;
 * NULL when it fails. */
__attribute__((format(printf, 1, 2)))
static char *run(const char *fmt, ...)
{
	char cmd[512], *out = calloc(1, 8192);
	va_list ap;
	size_t n;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	if (!p || !out) {
		if (p)
			pclose(p);
		free(out);
		return NULL;
	}
	n = fread(out, 1, 8191, p);
	out[n] = '\0';
	if (pclose(p) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* Whether the file at path parses as JSON; true (with a note) when no
 * parser is installed. */
static bool file_parses(void)
{
	char *out;

	if (system("command -v jq >/dev/null 2>&1") == 0)
		out = run("jq . %s >/dev/null 2>&1 && echo ok", path);
	else if (system("command -v python3 >/dev/null 2>&1") == 0)
		out = run("python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "
				  "%s >/dev/null 2>&1 && echo ok", path);
	else {
		printf("\n  note: neither jq nor python3 on PATH, not parsing the output ");
		return true;
	}
	if (!out)
		return false;
	free(out);
	return true;
}

static char *slurp(const char *p)
{
	FILE *f = fopen(p, "rb");
	char *buf = calloc(1, 65536);

	if (f && buf)
		fread(buf, 1, 65535, f);
	if (f)
		fclose(f);
	return buf;
}

/* ---- json ---- */

static void nested_document_is_compact(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct json_writer j;

	REQUIRE(f != NULL);
	json_init(&j, f);
	json_begin_object(&j);
	json_key(&j, "a");
	json_begin_array(&j);
	json_int(&j, INT64_MIN);
	json_uint(&j, UINT64_MAX);
	json_begin_object(&j);
	json_end_object(&j);
	json_begin_array(&j);
	json_end_array(&j);
	json_null(&j);
	json_bool(&j, false);
	json_end_array(&j);
	json_key(&j, "b");
	json_fixed(&j, 1.5, 3);
	json_key(&j, "c");
	json_raw(&j, "{\"x\":1}");
	json_key(&j, "d");
	json_string(&j, NULL);
	json_end_object(&j);
	ASSERT_EQ_INT(json_error(&j), 0);
	fclose(f);
	ASSERT_EQ_STR(text, "{\"a\":[-9223372036854775808,18446744073709551615,{},[],"
			    "null,false],\"b\":1.500,\"c\":{\"x\":1},\"d\":null}");
	free(text);
}

static const char *fmt_double(double v)
{
	static char buf[40];

	json_format_double(buf, sizeof(buf), v);
	return buf;
}

static void doubles_are_shortest_exact(void)
{
	ASSERT_EQ_STR(fmt_double(0.1), "0.1");
	ASSERT_EQ_STR(fmt_double(1.0 / 3), "0.3333333333333333");
	ASSERT_EQ_STR(fmt_double(3.0), "3");
	ASSERT_EQ_STR(fmt_double(-0.0), "0");
	ASSERT_EQ_STR(fmt_double(-2.5e-7), "-2.5e-07");
	ASSERT_EQ_STR(fmt_double(1e300), "1e+300");
	ASSERT_EQ_STR(fmt_double(1e15), "1000000000000000");
	ASSERT_EQ_STR(fmt_double(NAN), "null");
	ASSERT_EQ_STR(fmt_double(-INFINITY), "null");
	CU_ASSERT(strtod(fmt_double(0.1 + 0.2), NULL) == 0.1 + 0.2);
}

static void strings_are_escaped_and_valid_utf8(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	REQUIRE(f != NULL);
	json_fput_string(f, "q\"b\\n\n\t\x01\x1f\x7f \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	json_fput_string(f, "\xff|\xc0\xaf|\xed\xa0\x80|\xe2\x82");
	fclose(f);
	ASSERT_EQ_STR(text, "\"q\\\"b\\\\n\\n\\t\\u0001\\u001f\x7f \xc3\xa9 \xe2\x82\xac "
			    "\xf0\x9f\x98\x80\""
			    "\"\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd\"");
	free(text);
}

static void misuse_is_reported_not_written(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct json_writer j;
	int i;

	REQUIRE(f != NULL);
	json_init(&j, f);
	json_begin_object(&j);
	json_int(&j, 1);		/* a value where a key is due */
	ASSERT_EQ_INT(json_error(&j), -EINVAL);
	json_end_object(&j);		/* sticky: nothing more is written */
	fflush(f);
	ASSERT_EQ_STR(text, "{");

	json_init(&j, f);
	json_begin_array(&j);
	json_end_object(&j);
	ASSERT_EQ_INT(json_error(&j), -EINVAL);

	json_init(&j, f);
	json_begin_object(&j);
	json_key(&j, "k");
	json_end_object(&j);		/* key without value */
	ASSERT_EQ_INT(json_error(&j), -EINVAL);

	json_init(&j, f);
	for (i = 0; i <= JSON_MAX_DEPTH; i++)
		json_begin_array(&j);
	ASSERT_EQ_INT(json_error(&j), -EINVAL);
	fclose(f);
	free(text);
}

static void document_parses(void)
{
	FILE *f = fopen(path, "w");
	struct json_writer j;

	REQUIRE(f != NULL);
	json_init(&j, f);
	json_begin_array(&j);
	json_string(&j, "tab\there \xff bad byte, \"quoted\", \x02");
	json_double(&j, 6.02214076e23);
	json_double(&j, -1e-300);
	json_fixed(&j, -0.0, 2);
	json_double(&j, NAN);
	json_newline(&j);
	json_begin_object(&j);
	json_key(&j, "\xe2\x82\xac");
	json_int(&j, -1);
	json_end_object(&j);
	json_end_array(&j);
	ASSERT_EQ_INT(json_error(&j), 0);
	fclose(f);
	CU_ASSERT(file_parses());
}

TEST_SUITE(json, json_setup, json_teardown,
	   TEST_CASE(nested_document_is_compact),
	   TEST_CASE(doubles_are_shortest_exact),
	   TEST_CASE(strings_are_escaped_and_valid_utf8),
	   TEST_CASE(misuse_is_reported_not_written),
	   TEST_CASE(document_parses));

/* ---- metrics ---- */

static void metrics_update_and_read(void)
{
	struct metrics *m = metrics_create();

	REQUIRE(m != NULL);
	CU_ASSERT(!metrics_has(m, "x"));
	ASSERT_EQ_INT(metrics_get(m, "x"), 0);
	ASSERT_EQ_INT(metrics_add(m, "x", 2), 0);
	ASSERT_EQ_INT(metrics_add(m, "x", 3), 0);
	CU_ASSERT(metrics_get(m, "x") == 5);
	ASSERT_EQ_INT(metrics_set(m, "x", 1), 0);
	CU_ASSERT(metrics_get(m, "x") == 1);
	metrics_max(m, "hi", 4);
	metrics_max(m, "hi", 2);
	metrics_min(m, "lo", 4);
	metrics_min(m, "lo", 7);
	CU_ASSERT(metrics_get(m, "hi") == 4 && metrics_get(m, "lo") == 4);
	ASSERT_EQ_INT(metrics_set(m, NULL, 1), -EINVAL);
	ASSERT_EQ_INT(metrics_add(NULL, "x", 1), -EINVAL);
	metrics_destroy(m);
	metrics_destroy(NULL);
}

static void metrics_json_is_sorted_and_exact(void)
{
	struct metrics *m = metrics_create();
	const char *keys[] = { "rtnl.wait_ns.mean", "a_b", "a.b", "B", "link_watch.runs",
			       "nan", "a.b.c" };
	char *text;
	FILE *f;

	REQUIRE(m != NULL);
	metrics_set(m, keys[0], 1250000.5);
	metrics_add(m, keys[1], 1e15);
	metrics_set(m, keys[2], 0.1);
	metrics_set(m, keys[3], -3);
	metrics_add(m, keys[4], 12);
	metrics_set(m, keys[5], NAN);
	metrics_set(m, keys[6], 2.5e-7);
	f = fopen(path, "w");
	REQUIRE(f != NULL);
	ASSERT_EQ_INT(metrics_write_json(m, f), 0);
	fclose(f);
	text = slurp(path);
	ASSERT_EQ_STR(text, "{\n"
			    "  \"B\": -3,\n"
			    "  \"a.b\": 0.1,\n"
			    "  \"a.b.c\": 2.5e-07,\n"
			    "  \"a_b\": 1000000000000000,\n"
			    "  \"link_watch.runs\": 12,\n"
			    "  \"nan\": null,\n"
			    "  \"rtnl.wait_ns.mean\": 1250000.5\n"
			    "}\n");
	free(text);
	CU_ASSERT(file_parses());
	metrics_destroy(m);

	m = metrics_create();
	REQUIRE(m != NULL);
	f = fopen(path, "w");
	REQUIRE(f != NULL);
	ASSERT_EQ_INT(metrics_write_json(m, f), 0);
	fclose(f);
	text = slurp(path);
	ASSERT_EQ_STR(text, "{}\n");
	free(text);
	metrics_destroy(m);
}

TEST_SUITE(metrics, json_setup, json_teardown,
	   TEST_CASE(metrics_update_and_read),
	   TEST_CASE(metrics_json_is_sorted_and_exact));

/* ---- chrome trace ---- */

static void write_sample_trace(void)
{
	struct ctrace *t = ctrace_open(path);

	REQUIRE(t != NULL);
	ASSERT_EQ_INT(ctrace_process_name(t, "nlsim"), 0);
	ASSERT_EQ_INT(ctrace_thread_name(t, 3, "ovs-vswitchd"), 0);
	ASSERT_EQ_INT(ctrace_complete(t, 3, "rtnl_hold", "rtnl", 1000250, 10000000,
				      "{\"handler\":\"RTM_GETLINK\"}"), 0);
	ASSERT_EQ_INT(ctrace_async_begin(t, 0xdeadbeefcafeULL, "rtnl_wait", "rtnl", 1500123), 0);
	ASSERT_EQ_INT(ctrace_async_end(t, 0xdeadbeefcafeULL, "rtnl_wait", "rtnl", 11000250), 0);
	ASSERT_EQ_INT(ctrace_instant(t, 4, "ENOBUFS", NULL, 7, NULL), 0);
	ASSERT_EQ_INT(ctrace_counter(t, "link_watch", 2000000001, "queued", 3), 0);
	/* refused, and the file stays valid */
	ASSERT_EQ_INT(ctrace_complete(t, 3, "x", NULL, 0, -1, NULL), -EINVAL);
	ASSERT_EQ_INT(ctrace_instant(t, 3, "x", NULL, 0, "not json"), -EINVAL);
	ASSERT_EQ_INT(ctrace_counter(t, "x", 0, NULL, 1), -EINVAL);
	ASSERT_EQ_INT(ctrace_thread_name(t, 1, NULL), -EINVAL);
	ASSERT_EQ_INT(ctrace_close(t), 0);
}

static void trace_bytes_are_exact(void)
{
	char *text;

	write_sample_trace();
	text = slurp(path);
	ASSERT_EQ_STR(text,
		"{\"traceEvents\":[\n"
		"{\"name\":\"process_name\",\"ph\":\"M\",\"ts\":0.000,\"pid\":1,\"tid\":0,"
		"\"args\":{\"name\":\"nlsim\"}},\n"
		"{\"name\":\"thread_name\",\"ph\":\"M\",\"ts\":0.000,\"pid\":1,\"tid\":3,"
		"\"args\":{\"name\":\"ovs-vswitchd\"}},\n"
		"{\"name\":\"rtnl_hold\",\"cat\":\"rtnl\",\"ph\":\"X\",\"ts\":1000.250,"
		"\"dur\":10000.000,\"pid\":1,\"tid\":3,\"args\":{\"handler\":\"RTM_GETLINK\"}},\n"
		"{\"name\":\"rtnl_wait\",\"cat\":\"rtnl\",\"ph\":\"b\",\"ts\":1500.123,"
		"\"pid\":1,\"tid\":0,\"id\":\"0xdeadbeefcafe\"},\n"
		"{\"name\":\"rtnl_wait\",\"cat\":\"rtnl\",\"ph\":\"e\",\"ts\":11000.250,"
		"\"pid\":1,\"tid\":0,\"id\":\"0xdeadbeefcafe\"},\n"
		"{\"name\":\"ENOBUFS\",\"ph\":\"i\",\"ts\":0.007,\"pid\":1,\"tid\":4,\"s\":\"t\"},\n"
		"{\"name\":\"link_watch\",\"ph\":\"C\",\"ts\":2000000.001,\"pid\":1,"
		"\"args\":{\"queued\":3}}\n"
		"],\"displayTimeUnit\":\"ns\"}\n");
	free(text);
}

static void trace_parses_with_its_events(void)
{
	char *out;

	write_sample_trace();
	CU_ASSERT(file_parses());
	if (system("command -v jq >/dev/null 2>&1") != 0) {
		printf("\n  note: jq not on PATH, not querying the trace ");
		return;
	}
	out = run("jq -c '[.displayTimeUnit, [.traceEvents[] | .ph], "
			  "[.traceEvents[] | select(.ph == \"X\") | .ts, .dur]]' %s", path);
	REQUIRE(out != NULL);
	ASSERT_EQ_STR(out, "[\"ns\",[\"M\",\"M\",\"X\",\"b\",\"e\",\"i\",\"C\"],[1000.25,10000]]\n");
	free(out);
}

static void empty_trace_is_valid(void)
{
	struct ctrace *t = ctrace_open(path);
	char *text;

	REQUIRE(t != NULL);
	ASSERT_EQ_INT(ctrace_close(t), 0);
	text = slurp(path);
	ASSERT_EQ_STR(text, "{\"traceEvents\":[\n],\"displayTimeUnit\":\"ns\"}\n");
	free(text);
	CU_ASSERT(file_parses());
	errno = 0;
	CU_ASSERT_PTR_NULL(ctrace_open("/nonexistent-dir/t.json"));
	ASSERT_EQ_INT(errno, ENOENT);
	ASSERT_EQ_INT(ctrace_close(NULL), 0);
}

TEST_SUITE(chrome_trace, json_setup, json_teardown,
	   TEST_CASE(trace_bytes_are_exact),
	   TEST_CASE(trace_parses_with_its_events),
	   TEST_CASE(empty_trace_is_valid));
