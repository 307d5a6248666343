/* tests/test_scenario_parse.c - sim/scenario_lex.c and sim/scenario_parse.c.
 *
 * The three complete examples of docs/scenario-language.md are read from the
 * document itself and checked field by field. Every error names file:line
 * and says what was expected; the bad-input fixtures in tests/scenarios/bad/
 * carry their expected message on their first line ("# error: LINE: text").
 * A small deterministic fuzzer mutates the examples: no input may crash the
 * parser (run it under ASan, as make check does).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/if.h>
#include <stdlib.h>
#include <unistd.h>

#include "sim/scenario.h"
#include "tests/testutil.h"

#define DOC "docs/scenario-language.md"
#define BAD_DIR "tests/scenarios/bad"

static bool name_in(const char *name, const char *list)
{
	size_t l = strlen(name);

	for (const char *p = list; (p = strstr(p, name)); p++)
		if ((p == list || p[-1] == ' ') && (!p[l] || p[l] == ' '))
			return true;
	return false;
}

static bool profile_ok(const char *name, void *data)
{
	(void)data;
	return name_in(name, "v5.8 v6.18");
}

static bool client_ok(const char *kind, void *data)
{
	(void)data;
	return name_in(kind, "monitor networkd ovs churn contender");
}

static bool param_ok(const char *key, void *data)
{
	(void)data;
	return strncmp(key, "bogus", 5) != 0;
}

static const char *profile_names(void *data)
{
	(void)data;
	return "v5.8 v6.18";
}

static const char *client_names(void *data)
{
	(void)data;
	return "monitor networkd ovs churn contender";
}

static const struct scn_hooks hooks = {
	.profile_ok = profile_ok,
	.client_ok = client_ok,
	.param_ok = param_ok,
	.profile_names = profile_names,
	.client_names = client_names,
};

static char err[1024];

/* Parse @text as "t.nls"; print the error when it fails. */
static struct scenario *parse(const char *text)
{
	struct scenario *s = scenario_parse_string("t.nls", text, &hooks, err,
						   sizeof(err));

	if (!s)
		fprintf(stderr, "\n  unexpected parse error: %s\n", err);
	return s;
}

/* @text must fail with "t.nls:@line: ...@msg..." */
static void check_error(const char *text, int line, const char *msg, int at)
{
	struct scenario *s = scenario_parse_string("t.nls", text, &hooks, err,
						   sizeof(err));
	char prefix[64];
	bool ok;

	snprintf(prefix, sizeof(prefix), "t.nls:%d: ", line);
	ok = !s && !strncmp(err, prefix, strlen(prefix)) && strstr(err, msg);
	if (!ok)
		fprintf(stderr, "\n  %s:%d: input \"%s\"\n    want %s...%s\n    got  %s\n",
			__FILE__, at, text, prefix, msg, s ? "(parsed)" : err);
	CU_ASSERT(ok);
	scenario_free(s);
}

#define CHECK_ERROR(text, line, msg) check_error(text, line, msg, __LINE__)

/* @rel in the source tree: as is from the top directory (where make check
 * runs), else beside this file's compile-time path. */
static const char *src_path(const char *rel, char *buf, size_t len)
{
	static const char self[] = __FILE__;
	const char *tail = strstr(self, "tests/test_scenario_parse.c");

	if (!access(rel, R_OK) || !tail)
		return rel;
	snprintf(buf, len, "%.*s%s", (int)(tail - self), self, rel);
	return buf;
}

/* Read a whole file (NUL-terminated, malloc'ed); NULL on any error. */
static char *slurp(const char *rel)
{
	char path[PATH_MAX], *buf = NULL;
	FILE *f = fopen(src_path(rel, path, sizeof(path)), "rb");
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET) &&
	    (buf = malloc((size_t)n + 1))) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
		}
	}
	fclose(f);
	return buf;
}

/* The @i-th (0-based) ```nls block of the language reference, malloc'ed. */
static char *doc_example(int i)
{
	char *doc = slurp(DOC), *p = doc, *end, *out = NULL;

	while (p && (p = strstr(p, "\n```nls\n"))) {
		p += strlen("\n```nls\n");
		end = strstr(p, "\n```");
		if (!end)
			break;
		if (i-- == 0) {
			out = strndup(p, (size_t)(end - p + 1));
			break;
		}
		p = end;
	}
	free(doc);
	return out;
}

static struct scenario *parse_example(int i)
{
	char *text = doc_example(i), name[64];
	struct scenario *s;

	if (!text)
		fprintf(stderr, "\n  cannot find example %d in %s\n", i, DOC);
	REQUIRE(text != NULL);
	snprintf(name, sizeof(name), "%s example %d", DOC, i + 1);
	s = scenario_parse_string(name, text, &hooks, err, sizeof(err));
	if (!s)
		fprintf(stderr, "\n  %s\n", err);
	free(text);
	return s;
}

static const struct scn_action *action_at_line(const struct scenario *s, int line)
{
	for (size_t i = 0; i < s->nactions; i++)
		if (s->actions[i].line == line)
			return &s->actions[i];
	return NULL;
}

static void doc_has_three_complete_examples(void)
{
	char *fourth = doc_example(3);

	for (int i = 0; i < 3; i++) {
		struct scenario *s = parse_example(i);

		CU_ASSERT_PTR_NOT_NULL(s);
		scenario_free(s);
	}
	CU_ASSERT_PTR_NULL(fourth);
	free(fourth);
}

static void veth_life_example_fields(void)
{
	struct scenario *s = parse_example(0);
	const struct scn_action *a;
	const struct scn_expect *e;

	REQUIRE(s != NULL);
	ASSERT_EQ_STR(s->profile, "v6.18");
	CU_ASSERT(s->seed_given);
	ASSERT_EQ_UINT(s->seed, 1);
	ASSERT_EQ_INT(s->run, 5 * SIM_NSEC_PER_SEC);
	REQUIRE(s->nnetns == 1);
	ASSERT_EQ_STR(s->netns[0].name, "pod");
	ASSERT_EQ_INT(s->nactions, 9);
	ASSERT_EQ_INT(s->nexpects, 5);
	a = &s->actions[0];
	ASSERT_EQ_INT(a->verb, SCN_CLIENT);
	ASSERT_EQ_STR(a->arg[0], "monitor");
	ASSERT_EQ_STR(a->netns, "init");
	a = &s->actions[1];
	ASSERT_EQ_INT(a->verb, SCN_VETH);
	ASSERT_EQ_INT(a->at, 100 * SIM_NSEC_PER_MSEC);
	ASSERT_EQ_INT(a->nargs, 1);
	ASSERT_EQ_STR(a->arg[0], "v0");
	ASSERT_EQ_STR(scn_opt(a, "peer"), "v1");
	ASSERT_EQ_STR(scn_opt(a, "peer_netns"), "pod");
	CU_ASSERT_PTR_NULL(scn_opt(a, "netns"));
	ASSERT_EQ_STR(a->netns, "init");
	a = &s->actions[3];
	ASSERT_EQ_INT(a->verb, SCN_EXPECT);
	ASSERT_EQ_INT(a->at, 1900 * SIM_NSEC_PER_MSEC);
	REQUIRE(a->expect != NULL);
	ASSERT_EQ_INT(a->expect->kind, SCN_EXP_OPERSTATE);
	ASSERT_EQ_INT(a->expect->state, IF_OPER_DOWN);
	CU_ASSERT(a->expect->timed);
	ASSERT_EQ_STR(a->expect->text, "operstate v0 DOWN");
	a = &s->actions[4];
	ASSERT_EQ_INT(a->verb, SCN_UP);
	ASSERT_EQ_STR(a->netns, "pod");
	ASSERT_EQ_INT(a->order, 4);
	e = &s->expects[1];
	ASSERT_EQ_INT(e->kind, SCN_EXP_FLAGS);
	ASSERT_EQ_UINT(e->flags_set, IFF_UP | IFF_LOWER_UP | IFF_RUNNING);
	ASSERT_EQ_UINT(e->flags_clear, 0);
	e = &s->expects[3];
	ASSERT_EQ_INT(e->kind, SCN_EXP_ABSENT);
	CU_ASSERT(!e->timed);
	ASSERT_EQ_STR(e->dev, "v1");
	ASSERT_EQ_STR(e->netns, "pod");
	e = &s->expects[4];
	ASSERT_EQ_INT(e->kind, SCN_EXP_NOTIFICATIONS);
	ASSERT_EQ_INT(e->op, SCN_OP_GE);
	CU_ASSERT(e->number == 4.0);
	scenario_free(s);
}

static void microvm_example_fields(void)
{
	struct scenario *s = parse_example(1);
	const struct scn_action *a;
	const struct scn_expect *e;

	REQUIRE(s != NULL);
	ASSERT_EQ_STR(s->profile, "v5.8");
	ASSERT_EQ_INT(s->run, 3 * SIM_NSEC_PER_SEC);
	REQUIRE(s->nactions == 4);
	a = &s->actions[1];
	ASSERT_EQ_INT(a->verb, SCN_VIRTIO);
	ASSERT_EQ_INT(a->at, 0);
	ASSERT_EQ_STR(scn_opt(a, "status"), "on");
	a = &s->actions[2];
	ASSERT_EQ_INT(a->verb, SCN_CLIENT);
	ASSERT_EQ_INT(a->at, 650 * SIM_NSEC_PER_MSEC);
	ASSERT_EQ_STR(a->arg[0], "networkd");
	ASSERT_EQ_STR(scn_opt(a, "link"), "eth0");
	a = &s->actions[3];
	REQUIRE(a->verb == SCN_EXPECT && a->expect);
	ASSERT_EQ_UINT(a->expect->flags_set, IFF_UP | IFF_LOWER_UP);
	ASSERT_EQ_UINT(a->expect->flags_clear, IFF_RUNNING);
	REQUIRE(s->nexpects == 4);
	e = &s->expects[3];
	ASSERT_EQ_INT(e->kind, SCN_EXP_METRIC);
	ASSERT_EQ_STR(e->metric, "networkd.eth0.up_to_carrier_ms");
	ASSERT_EQ_INT(e->op, SCN_OP_GT);
	CU_ASSERT(e->number == 300.0);
	CU_ASSERT_PTR_NULL(e->dev);
	ASSERT_EQ_INT(s->expects[1].state, IF_OPER_UP);
	scenario_free(s);
}

static void flap_storm_example_fields(void)
{
	struct scenario *s = parse_example(2);
	const struct scn_action *a;

	REQUIRE(s != NULL);
	REQUIRE(s->nactions == 11);
	a = &s->actions[7];
	ASSERT_EQ_INT(a->verb, SCN_CARRIER);
	ASSERT_EQ_INT(a->value, SCN_CARRIER_TOGGLE);
	ASSERT_EQ_INT(a->at, SIM_NSEC_PER_SEC);
	ASSERT_EQ_INT(a->period, 10 * SIM_NSEC_PER_MSEC);
	ASSERT_EQ_INT(a->until, 11 * SIM_NSEC_PER_SEC);
	ASSERT_EQ_UINT(a->count, 0);
	a = &s->actions[8];
	ASSERT_EQ_INT(a->period, 25 * SIM_NSEC_PER_MSEC);
	ASSERT_EQ_INT(a->until, SIM_TIME_MAX);
	ASSERT_EQ_UINT(a->count, 200);
	a = &s->actions[10];
	ASSERT_EQ_INT(a->verb, SCN_RTNL_HOLD);
	ASSERT_EQ_INT(a->value, 5 * SIM_NSEC_PER_MSEC);
	ASSERT_EQ_STR(scn_opt(a, "class"), "contender");
	CU_ASSERT_PTR_NULL(a->netns);
	ASSERT_EQ_INT(s->expects[0].kind, SCN_EXP_CARRIER);
	CU_ASSERT(!s->expects[0].carrier);
	CU_ASSERT(s->expects[1].carrier);
	scenario_free(s);
}

static void durations_are_exact_nanoseconds(void)
{
	static const struct {
		const char *text;
		int ret;
		int64_t ns;
	} cases[] = {
		{ "0", 0, 0 }, { "0ms", 0, 0 }, { "0.0", 0, 0 }, { "1ns", 0, 1 },
		{ "10us", 0, 10000 }, { "650ms", 0, 650000000 },
		{ "1.5s", 0, 1500000000 }, { "1.1s", 0, 1100000000 },
		{ "1.500s", 0, 1500000000 }, { "0.25ms", 0, 250000 },
		{ "0.000000001s", 0, 1 }, { "007ms", 0, 7000000 },
		{ "9223372036.854775807s", 0, INT64_MAX },
		{ "9223372036854775807ns", 0, INT64_MAX },
		{ "9223372036.854775808s", -ERANGE, 0 },
		{ "9223372037s", -ERANGE, 0 },
		{ "99999999999999999999999ns", -ERANGE, 0 },
		{ "-1ms", -EINVAL, 0 }, { "5", -EINVAL, 0 }, { "ms", -EINVAL, 0 },
		{ "", -EINVAL, 0 }, { "1.5ns", -EINVAL, 0 }, { ".5s", -EINVAL, 0 },
		{ "5.s", -EINVAL, 0 }, { "1m", -EINVAL, 0 }, { "1sec", -EINVAL, 0 },
		{ "+1s", -EINVAL, 0 }, { "1e3ms", -EINVAL, 0 }, { "1 s", -EINVAL, 0 },
		{ "0x10ms", -EINVAL, 0 }, { "1MS", -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t ns = -42;
		int ret = scn_parse_duration(cases[i].text, &ns);

		if (ret != cases[i].ret)
			fprintf(stderr, "\n  duration \"%s\"", cases[i].text);
		ASSERT_EQ_INT(ret, cases[i].ret);
		if (!cases[i].ret)
			ASSERT_EQ_INT(ns, cases[i].ns);
		else
			ASSERT_EQ_INT(ns, -42);
	}
}

static void duration_errors_say_why(void)
{
	CHECK_ERROR("run 10s\nat 5 up d0\n", 2, "bad time '5': missing unit (ns, us, ms or s)");
	CHECK_ERROR("run 10s\nat ms up d0\n", 2, "bad time 'ms': expected a number with a unit");
	CHECK_ERROR("run 10s\nat -1ms up d0\n", 2, "bad time '-1ms': negative durations are not allowed");
	CHECK_ERROR("run 99999999999s\n", 1, "bad run duration '99999999999s': too large");
	CHECK_ERROR("run 1.5ns\n", 1, "more precise than 1ns");
	CHECK_ERROR("run 10x\n", 1, "unknown unit (expected ns, us, ms or s)");
	CHECK_ERROR("run 0\n", 1, "'run' needs a duration above 0");
	CHECK_ERROR("run 1s\nat 0 rtnl-hold 0\n", 2, "bad duration '0': must be above 0");
	CHECK_ERROR("run 1s\nevery 0 up d0\n", 2, "'every' needs a period above 0");
}

static void quoting_comments_and_options(void)
{
	struct scenario *s = parse(
		"run 1s # the end\n"
		"\t  \r\n"
		"# a comment line\n"
		"set a \"x y\"\n"
		"set b=\"#not a comment\"\n"
		"set c=v#comment\n"
		"expect output \"say \\\"hi\\\" \\\\ bye\"\n"
		"expect output ab\"c d\"e\n"
		"expect output \"k=v\"\n"
		"at 0 client ovs name=\"ovs 1\" variant=event-driven x=\n"
		"at 0 up d0\r\n");

	REQUIRE(s != NULL);
	ASSERT_EQ_STR(scenario_param(s, "a"), "x y");
	ASSERT_EQ_STR(scenario_param(s, "b"), "#not a comment");
	ASSERT_EQ_STR(scenario_param(s, "c"), "v");
	ASSERT_EQ_INT(s->params[0].line, 4);
	REQUIRE(s->nexpects == 3);
	ASSERT_EQ_STR(s->expects[0].substring, "say \"hi\" \\ bye");
	ASSERT_EQ_STR(s->expects[0].text, "output \"say \\\"hi\\\" \\\\ bye\"");
	ASSERT_EQ_STR(s->expects[1].substring, "abc de");
	ASSERT_EQ_STR(s->expects[2].substring, "k=v");
	REQUIRE(s->nactions == 2);
	ASSERT_EQ_STR(scn_opt(&s->actions[0], "name"), "ovs 1");
	ASSERT_EQ_STR(scn_opt(&s->actions[0], "variant"), "event-driven");
	ASSERT_EQ_STR(scn_opt(&s->actions[0], "x"), "");
	CU_ASSERT_PTR_NULL(scn_opt(&s->actions[0], "netns"));
	ASSERT_EQ_STR(s->actions[1].arg[0], "d0");
	scenario_free(s);

	CHECK_ERROR("run 1s\nexpect output \"abc\n", 2, "unterminated string (missing closing \")");
	CHECK_ERROR("run 1s\nexpect output \"a\\nb\"\n", 2, "unknown escape '\\n' in a string");
	CHECK_ERROR("run 1s\nexpect output \"a\\", 2, "unterminated string");
	CHECK_ERROR("run 1s\nexpect output \"a\001\"\n", 2, "control character 0x01");
	CHECK_ERROR("run 1s\nexpect output a=b\n", 2,
		    "unknown option 'a' ('expect output' takes no options; quote text that contains '=')");
	CHECK_ERROR("run 1s\nexpect output \"\"\n", 2, "bad text '': must not be empty");
}

static void options_are_checked(void)
{
	CHECK_ERROR("run 1s\nat 0 veth v0\n", 2, "'veth' needs peer=... (usage: veth NAME peer=PEER");
	CHECK_ERROR("run 1s\nat 0 veth v0 peer=v1 peer=v2\n", 2, "option 'peer' given twice");
	CHECK_ERROR("run 1s\nat 0 veth v0 peer=v1 colour=red\n", 2,
		    "unknown option 'colour' for 'veth' (usage: veth NAME peer=PEER [peer_netns=NS] [netns=NS])");
	CHECK_ERROR("run 1s\nat 0 tap t0 carrier=maybe\n", 2, "bad on/off value 'maybe' (expected one of: off on)");
	CHECK_ERROR("run 1s\nat 0 virtio e0 status=ON\n", 2, "bad on/off value 'ON'");
	CHECK_ERROR("run 1s\nat 0 veth v0 peer=a/b\n", 2, "bad interface name 'a/b'");
	CHECK_ERROR("run 1s\nat 0 dummy d0 netns=a/b\n", 2, "bad netns name 'a/b'");
	CHECK_ERROR("run 1s\nat 0 rtnl-hold 1ms class=\n", 2, "bad text '': must not be empty");
	CHECK_ERROR("run 1s\nexpect exists d0 when=now\n", 2,
		    "unknown option 'when' for 'expect exists' (usage: expect exists NAME [netns=NS])");
	CHECK_ERROR("run 1s\nevery 1ms step=2 up d0\n", 2,
		    "unknown option 'step' for 'every' (expected: from until count)");
}

static void actions_have_typed_values(void)
{
	struct scenario *s = parse(
		"run 10s\n"
		"netns vm\n"
		"at 1s carrier d0 on\n"
		"at 1s carrier d0 off\n"
		"at 1s mtu d0 9000\n"
		"at 1s address d0 02:aB:cd:EF:00:ff\n"
		"at 1s mode d0 dormant\n"
		"at 1s operstate d0 Testing\n"
		"at 1s move d0 vm\n"
		"at 1s rename d0 eth-very-long15\n"
		"at 1s master d0 br0 netns=vm\n"
		"at 1s dump\n"
		"at 1s getlink d0\n");
	const struct scn_action *a;

	REQUIRE(s != NULL);
	ASSERT_EQ_INT(action_at_line(s, 3)->value, SCN_CARRIER_ON);
	ASSERT_EQ_INT(action_at_line(s, 4)->value, SCN_CARRIER_OFF);
	ASSERT_EQ_INT(action_at_line(s, 5)->value, 9000);
	a = action_at_line(s, 6);
	CU_ASSERT(!memcmp(a->mac, "\x02\xab\xcd\xef\x00\xff", 6));
	ASSERT_EQ_INT(action_at_line(s, 7)->value, IF_LINK_MODE_DORMANT);
	ASSERT_EQ_INT(action_at_line(s, 8)->value, IF_OPER_TESTING);
	ASSERT_EQ_STR(action_at_line(s, 9)->arg[1], "vm");
	ASSERT_EQ_STR(action_at_line(s, 9)->netns, "init");
	ASSERT_EQ_STR(action_at_line(s, 10)->arg[1], "eth-very-long15");
	ASSERT_EQ_STR(action_at_line(s, 11)->netns, "vm");
	ASSERT_EQ_INT(action_at_line(s, 12)->nargs, 0);
	ASSERT_EQ_INT(action_at_line(s, 12)->verb, SCN_DUMP);
	ASSERT_EQ_STR(scn_verb_name(action_at_line(s, 13)->verb), "getlink");
	ASSERT_EQ_STR(scn_verb_name(SCN_RTNL_HOLD), "rtnl-hold");
	scenario_free(s);

	CHECK_ERROR("run 1s\nat 0 carrier d0 flap\n", 2, "bad carrier value 'flap' (expected one of: off on toggle)");
	CHECK_ERROR("run 1s\nat 0 mtu d0 -1\n", 2, "bad MTU '-1': expected a non-negative integer");
	CHECK_ERROR("run 1s\nat 0 mtu d0 4294967296\n", 2, "bad MTU '4294967296': larger than 4294967295");
	CHECK_ERROR("run 1s\nat 0 address d0 02:00:00:00:00\n", 2,
		    "bad address '02:00:00:00:00': expected a MAC address such as 02:00:00:00:00:01");
	CHECK_ERROR("run 1s\nat 0 address d0 02:00:00:00:00:0g\n", 2, "bad address");
	CHECK_ERROR("run 1s\nat 0 mode d0 testing\n", 2, "bad link mode 'testing' (expected one of: default dormant)");
	CHECK_ERROR("run 1s\nat 0 operstate d0 running\n", 2,
		    "bad operstate 'running' (expected one of: UNKNOWN NOTPRESENT DOWN LOWERLAYERDOWN TESTING DORMANT UP)");
	CHECK_ERROR("run 1s\nat 0 rename d0 eth-very-long-16\n", 2,
		    "bad interface name 'eth-very-long-16': longer than 15 characters");
	CHECK_ERROR("run 1s\nat 0 up ..\n", 2, "'.' and '..' are reserved");
	CHECK_ERROR("run 1s\nat 0 up eth%d\n", 2, "'/', ':', '%' and spaces are not allowed");
	CHECK_ERROR("run 1s\nat 0 up \"a b\"\n", 2, "bad interface name 'a b'");
	CHECK_ERROR("run 1s\nat 0 up\n", 2, "'up' takes 1 argument, found 0 (usage: up NAME [netns=NS])");
	CHECK_ERROR("run 1s\nat 0 mtu d0\n", 2, "'mtu' takes 2 arguments, found 1 (usage: mtu NAME N [netns=NS])");
	CHECK_ERROR("run 1s\nat 0 dump d0\n", 2, "'dump' takes 0 arguments, found 1");
	CHECK_ERROR("run 1s\nat 0 client\n", 2, "'client' takes 1 argument, found 0");
}

static void unknown_words_list_the_valid_ones(void)
{
	CHECK_ERROR("run 1s\nat 1s vth a0\n", 2,
		    "unknown action 'vth' (expected one of: veth dummy tap virtio bridge master nomaster up down carrier mtu address rename mode operstate del move client getlink dump rtnl-hold)");
	CHECK_ERROR("run 1s\nlaunch now\n", 2,
		    "unknown statement 'launch' (expected one of: profile seed set netns run at every expect sweep)");
	CHECK_ERROR("run 1s\nveth a peer=b\n", 2,
		    "'veth' is an action and needs a time: 'at TIME veth ...' or 'every PERIOD veth ...'");
	CHECK_ERROR("run 1s\nexpect colour d0 red\n", 2,
		    "unknown expectation 'colour' (expected one of: metric operstate flags carrier exists absent notifications output)");
	CHECK_ERROR("run 1s\nexpect\n", 2, "expected what to expect after 'expect' (expected one of: metric");
	CHECK_ERROR("profile v4.19\nrun 1s\n", 1, "unknown profile 'v4.19' (expected one of: v5.8 v6.18)");
	CHECK_ERROR("run 1s\nat 0 client nm\n", 2,
		    "unknown client 'nm' (expected one of: monitor networkd ovs churn contender)");
	CHECK_ERROR("run 1s\nset bogus.key 1\n", 2, "unknown parameter 'bogus.key'");
	CHECK_ERROR("run 1s\nsweep bogus 1,2\n", 2, "unknown parameter 'bogus'");
	CHECK_ERROR("run 1s\nexpect flags d0 +UP +CARRIER\n", 2,
		    "unknown flag 'CARRIER' (expected one of: UP BROADCAST DEBUG LOOPBACK POINTOPOINT NOTRAILERS RUNNING NOARP PROMISC ALLMULTI MASTER SLAVE MULTICAST PORTSEL AUTOMEDIA DYNAMIC LOWER_UP DORMANT ECHO)");
}

static void statements_once_and_syntax(void)
{
	CHECK_ERROR("profile v5.8\nrun 1s\nprofile v6.18\n", 3, "'profile' given twice (first at line 1)");
	CHECK_ERROR("seed 1\nseed 2\nrun 1s\n", 2, "'seed' given twice (first at line 1)");
	CHECK_ERROR("seed -1\nrun 1s\n", 1, "bad seed '-1': expected a non-negative integer");
	CHECK_ERROR("seed 18446744073709551616\nrun 1s\n", 1, "bad seed '18446744073709551616': too large for 64 bits");
	CHECK_ERROR("run 1s\nrun 2s\n", 2, "'run' given twice (first at line 1)");
	CHECK_ERROR("run\n", 1, "'run' takes 1 argument, found 0 (usage: run DURATION)");
	CHECK_ERROR("run 1s 2s\n", 1, "'run' takes 1 argument, found 2");
	CHECK_ERROR("profile\n", 1, "'profile' takes 1 argument, found 0 (usage: profile NAME)");
	CHECK_ERROR("\n\n# nothing\n", 3, "missing 'run DURATION' (every scenario needs one, e.g. 'run 10s')");
	CHECK_ERROR("", 1, "missing 'run DURATION'");
	CHECK_ERROR("set a 1\nset a=2\nrun 1s\n", 2, "'set a' given twice (first at line 1)");
	CHECK_ERROR("set a\nrun 1s\n", 1, "expected 'set KEY VALUE' or 'set KEY=VALUE'");
	CHECK_ERROR("set 9a 1\nrun 1s\n", 1, "bad parameter name '9a'");
	CHECK_ERROR("run 1s\nat 1s\n", 2, "expected 'at TIME ACTION ...' or 'at TIME expect ...'");
	CHECK_ERROR("run 1s\nevery 1ms from=0\n", 2, "expected an action after 'every 1ms'");
	CHECK_ERROR("run 1s\nevery 1ms expect exists d0\n", 2,
		    "'every' cannot repeat an expectation (use 'at TIME expect ...')");
	CHECK_ERROR("run 1s\nevery 1ms from=500ms until=100ms up d0\n", 2, "until=100ms is before from=500ms");
	CHECK_ERROR("run 1s\nevery 1ms count=0 up d0\n", 2, "bad count '0': must be at least 1");
	CHECK_ERROR("run 1s\nevery 1ms count=x up d0\n", 2, "bad count 'x': expected a non-negative integer");
	CHECK_ERROR("run 1s\nsweep a 1,,2\n", 2, "empty value in the sweep over 'a'");
	CHECK_ERROR("run 1s\nsweep a 1\nsweep a 2\n", 3, "'sweep a' given twice (first at line 2)");
	CHECK_ERROR("run 1s\nsweep a\n", 2, "expected 'sweep KEY V1,V2,...'");
	CHECK_ERROR("run 1s\nsweep profile v5.8,v4.19\n", 2,
		    "unknown profile 'v4.19' (expected one of: v5.8 v6.18)");
	CHECK_ERROR("run 1s\nsweep seed 1 2 x\n", 2, "bad seed 'x': expected a non-negative integer");
	CHECK_ERROR("run 1s\nsweep seed 1\nsweep seed 2\n", 3, "'sweep seed' given twice (first at line 2)");
}

static void expectations_are_parsed(void)
{
	struct scenario *s = parse(
		"run 10s\n"
		"netns ns1\n"
		"expect metric rtnl.wait:p99_ms <= -1.5e1\n"
		"expect operstate eth0 lowerLayerDown netns=ns1\n"
		"expect flags eth0 +up -running +Lower_Up -ECHO\n"
		"expect carrier eth0 on\n"
		"expect exists eth0\n"
		"expect notifications eth0 != 0\n"
		"at 2s expect absent eth0\n");
	const struct scn_expect *e;

	REQUIRE(s && s->nexpects == 7);
	e = &s->expects[0];
	ASSERT_EQ_STR(e->metric, "rtnl.wait:p99_ms");
	ASSERT_EQ_INT(e->op, SCN_OP_LE);
	CU_ASSERT(e->number == -15.0);
	ASSERT_EQ_STR(scn_op_name(e->op), "<=");
	CU_ASSERT(scn_op_eval(e->op, -20, e->number));
	CU_ASSERT(!scn_op_eval(e->op, 0, e->number));
	e = &s->expects[1];
	ASSERT_EQ_INT(e->state, IF_OPER_LOWERLAYERDOWN);
	ASSERT_EQ_STR(e->netns, "ns1");
	ASSERT_EQ_STR(scn_operstate_name(e->state), "LOWERLAYERDOWN");
	e = &s->expects[2];
	ASSERT_EQ_UINT(e->flags_set, IFF_UP | IFF_LOWER_UP);
	ASSERT_EQ_UINT(e->flags_clear, IFF_RUNNING | IFF_ECHO);
	ASSERT_EQ_STR(e->netns, "init");
	CU_ASSERT(s->expects[3].carrier);
	ASSERT_EQ_INT(s->expects[4].kind, SCN_EXP_EXISTS);
	ASSERT_EQ_INT(s->expects[5].op, SCN_OP_NE);
	e = &s->expects[6];
	CU_ASSERT(e->timed);
	ASSERT_EQ_INT(e->at, 2 * SIM_NSEC_PER_SEC);
	REQUIRE(s->nactions == 1);
	CU_ASSERT(s->actions[0].expect == e);
	scenario_free(s);

	CHECK_ERROR("run 1s\nexpect metric x = 1\n", 2, "bad comparison '=' (expected one of: < <= > >= == !=)");
	CHECK_ERROR("run 1s\nexpect metric x < 1ms\n", 2, "bad number '1ms': expected a decimal number");
	CHECK_ERROR("run 1s\nexpect metric x < 1e999\n", 2, "bad number '1e999': out of range");
	CHECK_ERROR("run 1s\nexpect metric x < nan\n", 2, "bad number 'nan'");
	CHECK_ERROR("run 1s\nexpect metric a/b < 1\n", 2, "bad metric name 'a/b'");
	CHECK_ERROR("run 1s\nexpect metric x <\n", 2, "'expect metric' takes 3 arguments, found 2 (usage: expect metric KEY OP NUMBER)");
	CHECK_ERROR("run 1s\nexpect flags d0\n", 2, "'expect flags' takes at least 2 arguments, found 1");
	CHECK_ERROR("run 1s\nexpect flags d0 UP\n", 2, "expected +FLAG or -FLAG, found 'UP'");
	CHECK_ERROR("run 1s\nexpect flags d0 +UP -up\n", 2, "flag up is both required and forbidden");
	CHECK_ERROR("run 1s\nexpect carrier d0 toggle\n", 2, "bad on/off value 'toggle'");
	CHECK_ERROR("run 1s\nexpect operstate d0 UPP\n", 2, "bad operstate 'UPP'");
	CHECK_ERROR("run 1s\nexpect exists\n", 2, "'expect exists' takes 1 argument, found 0");
	CHECK_ERROR("run 1s\nexpect notifications d0 > many\n", 2, "bad number 'many'");
}

static void namespaces_are_declared_once(void)
{
	struct scenario *s = parse(
		"at 0 veth h0 peer=p0 peer_netns=late\n"
		"run 1s\n"
		"netns late\n"
		"netns other-1.x\n");

	REQUIRE(s != NULL);
	REQUIRE(s->nnetns == 2);
	ASSERT_EQ_STR(s->netns[0].name, "late");
	ASSERT_EQ_INT(s->netns[1].line, 4);
	scenario_free(s);

	CHECK_ERROR("run 1s\nnetns a\nat 0 up d0 netns=b\n", 3,
		    "netns 'b' is not declared (add a line 'netns b'; declared: init a)");
	CHECK_ERROR("run 1s\nat 0 veth a peer=b peer_netns=x\n", 2, "netns 'x' is not declared");
	CHECK_ERROR("run 1s\nat 0 move d0 x\n", 2, "netns 'x' is not declared");
	CHECK_ERROR("run 1s\nat 0 client monitor netns=x\n", 2, "netns 'x' is not declared");
	CHECK_ERROR("run 1s\nexpect absent d0 netns=x\n", 2, "netns 'x' is not declared");
	CHECK_ERROR("run 1s\nat 0 expect absent d0 netns=x\n", 2, "netns 'x' is not declared");
	CHECK_ERROR("run 1s\nnetns a\nnetns a\n", 3, "netns 'a' declared twice (first at line 2)");
	CHECK_ERROR("run 1s\nnetns init\n", 2, "'init' is the initial namespace");
	CHECK_ERROR("run 1s\nnetns a/b\n", 2, "bad netns name 'a/b'");
	/* file-wide checks come in line order, after single-line errors */
	CHECK_ERROR("run 1s\nexpect absent d0 netns=y\nat 0 up d0 netns=x\n", 2, "netns 'y'");
	CHECK_ERROR("at 0 up d0 netns=x\nat 0 up\n", 2, "'up' takes 1 argument");
}

static void times_must_be_within_the_run(void)
{
	struct scenario *s = parse("run 10s\nat 10s up d0\nat 10s expect exists d0\n");

	CU_ASSERT_PTR_NOT_NULL(s);
	scenario_free(s);
	CHECK_ERROR("run 10s\nat 10001ms up d0\n", 2,
		    "time 10001ms is after the end of the run (run 10s)");
	CHECK_ERROR("run 10s\nat 11s expect exists d0\n", 2, "time 11s is after the end of the run");
	CHECK_ERROR("run 1s\nevery 1ms from=1500ms up d0\n", 2,
		    "'every' from=1500ms is after the end of the run (run 1s)");
}

static void timeline_order_is_recorded(void)
{
	struct scenario *s = parse(
		"run 10s\n"
		"at 2s up b\n"
		"at 1s up a\n"
		"at 2s expect exists b\n"
		"every 1s from=1s down c\n"
		"at 0 up z\n");
	const struct scn_action *sorted[5];

	REQUIRE(s && s->nactions == 5);
	for (unsigned i = 0; i < 5; i++) {
		ASSERT_EQ_UINT(s->actions[i].order, i);
		sorted[i] = &s->actions[i];
	}
	qsort(sorted, 5, sizeof(sorted[0]), scn_action_cmp);
	ASSERT_EQ_INT(sorted[0]->line, 6);
	ASSERT_EQ_INT(sorted[1]->line, 3);
	ASSERT_EQ_INT(sorted[2]->line, 5);
	ASSERT_EQ_INT(sorted[3]->line, 2);
	ASSERT_EQ_INT(sorted[4]->line, 4);
	ASSERT_EQ_INT(sorted[4]->verb, SCN_EXPECT);
	ASSERT_EQ_INT(s->actions[0].period, 0);
	ASSERT_EQ_INT(s->actions[0].until, SIM_TIME_MAX);
	scenario_free(s);
}

static void params_sweeps_and_overrides(void)
{
	struct scenario *s = parse(
		"seed 0xff\n"
		"set rtnl.delay 10ms\n"
		"set hz=250\n"
		"sweep rtnl.delay 0,1ms 10ms\n"
		"sweep hz 100\n"
		"sweep profile v5.8,v6.18\n"
		"sweep seed 1,2,3\n"
		"run 1s\n");

	REQUIRE(s != NULL);
	CU_ASSERT(s->seed_given);
	ASSERT_EQ_UINT(s->seed, 255);
	CU_ASSERT_PTR_NULL(s->profile);
	REQUIRE(s->nparams == 2);
	ASSERT_EQ_STR(s->params[1].key, "hz");
	ASSERT_EQ_STR(s->params[1].value, "250");
	ASSERT_EQ_INT(s->params[1].line, 3);
	REQUIRE(s->nsweeps == 4);
	ASSERT_EQ_STR(s->sweeps[2].values[1], "v6.18");
	ASSERT_EQ_INT(s->sweeps[3].nvalues, 3);
	ASSERT_EQ_STR(s->sweeps[0].key, "rtnl.delay");
	REQUIRE(s->sweeps[0].nvalues == 3);
	ASSERT_EQ_STR(s->sweeps[0].values[0], "0");
	ASSERT_EQ_STR(s->sweeps[0].values[1], "1ms");
	ASSERT_EQ_STR(s->sweeps[0].values[2], "10ms");
	ASSERT_EQ_INT(s->sweeps[1].nvalues, 1);
	ASSERT_EQ_INT(scenario_set_param(s, "hz", "1000"), 0);
	ASSERT_EQ_INT(scenario_set_param(s, "new.key", "x"), 0);
	ASSERT_EQ_INT(scenario_set_param(s, "", "x"), -EINVAL);
	REQUIRE(s->nparams == 3);
	ASSERT_EQ_STR(scenario_param(s, "hz"), "1000");
	ASSERT_EQ_INT(s->params[1].line, 0);
	ASSERT_EQ_STR(scenario_param(s, "new.key"), "x");
	CU_ASSERT_PTR_NULL(scenario_param(s, "absent"));
	scenario_free(s);
}

static void null_hooks_accept_any_name(void)
{
	struct scenario *s = scenario_parse_string("n.nls",
		"profile anything\nset whatever 1\nrun 1s\nat 0 client foo bar=baz\n",
		NULL, err, sizeof(err));

	REQUIRE(s != NULL);
	ASSERT_EQ_STR(s->profile, "anything");
	ASSERT_EQ_STR(s->file, "n.nls");
	scenario_free(s);
}

/* A runner's client_opts_ok: counts its calls in @data; refuses
 * variant=bad, and says nothing when it refuses silent=1. */
static bool client_opts_ok(const struct scn_action *a, char *why, size_t len, void *data)
{
	const char *v = scn_opt(a, "variant");

	(*(int *)data)++;
	if (scn_opt(a, "silent"))
		return false;
	if (!v || strcmp(v, "bad"))
		return true;
	snprintf(why, len, "variant='%s' refused (%d options)", v, a->nopts);
	return false;
}

/* @text must fail under hooks @h with exactly the message @want. */
static void check_hook_error(const struct scn_hooks *h, const char *text, const char *want)
{
	struct scenario *s = scenario_parse_string("t.nls", text, h, err, sizeof(err));

	CU_ASSERT_PTR_NULL(s);
	ASSERT_EQ_STR(err, want);
	scenario_free(s);
}

static void client_options_go_through_the_hook(void)
{
	struct scn_hooks h = hooks;
	struct scenario *s;
	int calls = 0;

	h.client_opts_ok = client_opts_ok;
	h.data = &calls;
	s = scenario_parse_string("t.nls", "run 1s\nat 0 client ovs variant=good\nat 0 up d0\n"
				  "every 1ms client churn ifaces=2\n", &h, err, sizeof(err));
	REQUIRE(s != NULL);
	ASSERT_EQ_INT(calls, 2);	/* once per client action, no other */
	scenario_free(s);
	check_hook_error(&h, "run 1s\nat 0 client ovs netns=init variant=bad\n",
			 "t.nls:2: client ovs: variant='bad' refused (2 options)");
	check_hook_error(&h, "run 1s\n\nevery 10ms until=500ms client churn variant=bad\n",
			 "t.nls:3: client churn: variant='bad' refused (1 options)");
	check_hook_error(&h, "run 1s\nat 0 client ovs silent=1\n",
			 "t.nls:2: client ovs: bad options");
	calls = 0;	/* an unknown kind stops at the kind check */
	check_hook_error(&h, "run 1s\nat 0 client ovz variant=bad\n",
			 "t.nls:2: unknown client 'ovz' (expected one of: "
			 "monitor networkd ovs churn contender)");
	ASSERT_EQ_INT(calls, 0);
}

static void errors_fit_any_buffer(void)
{
	char small[8];

	CU_ASSERT_PTR_NULL(scenario_parse_string("t.nls", "bogus\n", &hooks, NULL, 0));
	CU_ASSERT_PTR_NULL(scenario_parse_string("t.nls", "bogus\n", &hooks, small, 1));
	ASSERT_EQ_STR(small, "");
	CU_ASSERT_PTR_NULL(scenario_parse_string("t.nls", "bogus\n", &hooks, small, sizeof(small)));
	ASSERT_EQ_STR(small, "t.nls:1");
}

static void files_are_read_whole(void)
{
	char path[] = "/tmp/nlsim-scn-XXXXXX";
	int fd = mkstemp(path);
	struct scenario *s;
	char want[128];
	ssize_t n;

	REQUIRE(fd >= 0);
	n = write(fd, "run 1s\nat 0 up d0\n# \0 nul\n", 26);
	close(fd);
	ASSERT_EQ_INT(n, 26);
	s = scenario_parse_file(path, &hooks, err, sizeof(err));
	CU_ASSERT_PTR_NULL(s);
	snprintf(want, sizeof(want), "%s:3: NUL byte in the file", path);
	ASSERT_EQ_STR(err, want);
	scenario_free(s);
	unlink(path);

	CU_ASSERT_PTR_NULL(scenario_parse_file("/nonexistent/x.nls", &hooks, err, sizeof(err)));
	ASSERT_EQ_STR(err, "/nonexistent/x.nls: cannot read: No such file or directory");
}

/* tests/scenarios/bad/NAME.nls whose first line is "# error: LINE: text"
 * must fail with "PATH:LINE: text...". */
static void bad_fixtures_fail_as_documented(void)
{
	char dir[PATH_MAX];
	const char *bad = src_path(BAD_DIR, dir, sizeof(dir));
	DIR *d = opendir(bad);
	struct dirent *de;
	int n = 0;

	if (!d)
		fprintf(stderr, "\n  cannot open %s (run from the source tree)\n", BAD_DIR);
	REQUIRE(d != NULL);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char path[PATH_MAX + 256], prefix[PATH_MAX + 512], *text, *want, *nl;
		struct scenario *s;
		bool ok;

		if (l < 5 || strcmp(de->d_name + l - 4, ".nls"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", bad, de->d_name);
		text = slurp(path);
		REQUIRE(text != NULL);
		/* without the header only tests/scenarios.sh checks it (with
		 * the runner's own name tables) */
		ok = !strncmp(text, "# error: ", 9) && (nl = strchr(text, '\n'));
		if (ok) {
			*nl = '\0';
			want = text + 9;
			snprintf(prefix, sizeof(prefix), "%s:%s", path, want);
			s = scenario_parse_file(path, &hooks, err, sizeof(err));
			ok = !s && !strncmp(err, prefix, strlen(prefix));
			if (!ok)
				fprintf(stderr, "\n  %s\n    want %s...\n    got  %s\n", path,
					prefix, s ? "(parsed)" : err);
			CU_ASSERT(ok);
			scenario_free(s);
			n++;
		}
		free(text);
	}
	closedir(d);
	CU_ASSERT(n >= 10);
}

/* xorshift64: a fixed sequence, so a fuzz failure replays. */
static uint64_t next_rand(uint64_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 7;
	*st ^= *st << 17;
	return *st;
}

static void check_invariants(const struct scenario *s)
{
	CU_ASSERT(s->run > 0);
	for (size_t i = 0; i < s->nactions; i++) {
		const struct scn_action *a = &s->actions[i];

		CU_ASSERT(a->at >= 0 && a->at <= s->run);
		CU_ASSERT(a->nargs >= 0 && a->nargs <= SCN_MAX_ARGS);
		CU_ASSERT(a->verb != SCN_EXPECT || (a->expect && a->expect->timed));
		CU_ASSERT((unsigned)a->verb < SCN_VERB_COUNT);
	}
}

static void fuzzed_input_never_crashes(void)
{
	static const char alphabet[] = "\"\\#= \t\n\r0123456789.:,+-<>!_abcdefmsuxyz\001\377";
	char *examples[3], *buf;
	uint64_t st = 0x9e3779b97f4a7c15ull;
	int parsed = 0;

	for (int i = 0; i < 3; i++) {
		examples[i] = doc_example(i);
		REQUIRE(examples[i] != NULL);
	}
	buf = malloc(8192);
	REQUIRE(buf != NULL);
	for (int iter = 0; iter < 6000; iter++) {
		const char *src = examples[iter % 3];
		size_t len = strlen(src), muts = 1 + next_rand(&st) % 8;
		struct scenario *s;
		char e[96];

		if (len > 4000)
			len = 4000;
		memcpy(buf, src, len);
		for (size_t m = 0; m < muts && len; m++) {
			size_t at = next_rand(&st) % len;
			char c = alphabet[next_rand(&st) % (sizeof(alphabet) - 1)];

			switch (next_rand(&st) % 4) {
			case 0:		/* replace */
				buf[at] = c;
				break;
			case 1:		/* insert */
				if (len < 8000) {
					memmove(buf + at + 1, buf + at, len - at);
					buf[at] = c;
					len++;
				}
				break;
			case 2:		/* delete */
				memmove(buf + at, buf + at + 1, len - at - 1);
				len--;
				break;
			case 3:		/* truncate */
				len = at;
				break;
			}
		}
		buf[len] = '\0';
		s = scenario_parse_string("f.nls", buf, &hooks, e,
					  1 + next_rand(&st) % sizeof(e));
		if (s) {
			parsed++;
			check_invariants(s);
		}
		scenario_free(s);
	}
	CU_ASSERT(parsed > 0);	/* some mutations keep the text valid */
	free(buf);
	for (int i = 0; i < 3; i++)
		free(examples[i]);
}

TEST_SUITE(scenario_parse, NULL, NULL,
	   TEST_CASE(doc_has_three_complete_examples),
	   TEST_CASE(veth_life_example_fields),
	   TEST_CASE(microvm_example_fields),
	   TEST_CASE(flap_storm_example_fields),
	   TEST_CASE(durations_are_exact_nanoseconds),
	   TEST_CASE(duration_errors_say_why),
	   TEST_CASE(quoting_comments_and_options),
	   TEST_CASE(options_are_checked),
	   TEST_CASE(actions_have_typed_values),
	   TEST_CASE(unknown_words_list_the_valid_ones),
	   TEST_CASE(statements_once_and_syntax),
	   TEST_CASE(expectations_are_parsed),
	   TEST_CASE(namespaces_are_declared_once),
	   TEST_CASE(times_must_be_within_the_run),
	   TEST_CASE(timeline_order_is_recorded),
	   TEST_CASE(params_sweeps_and_overrides),
	   TEST_CASE(null_hooks_accept_any_name),
	   TEST_CASE(client_options_go_through_the_hook),
	   TEST_CASE(errors_fit_any_buffer),
	   TEST_CASE(files_are_read_whole),
	   TEST_CASE(bad_fixtures_fail_as_documented),
	   TEST_CASE(fuzzed_input_never_crashes));
