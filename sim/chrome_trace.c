/* sim/chrome_trace.c - write Chrome trace-event JSON for a simulated run.
 *
 * The "JSON object" form of the trace-event format, one event per line:
 *
 *	{"traceEvents":[
 *	{"name":"rtnl_hold","cat":"rtnl","ph":"X","ts":1000.250,"dur":10000.000,"pid":1,"tid":3},
 *	...
 *	],"displayTimeUnit":"ns"}
 *
 * Perfetto and chrome://tracing read "ts" and "dur" in microseconds; they
 * are printed from integer nanoseconds as "%lld.%03lld", so no precision is
 * lost and no floating point is involved. Keys appear in a fixed order, so a
 * deterministic run gives a byte-identical file. Events are written as they
 * come; viewers sort them, so callers need not emit in time order.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "sim/chrome_trace.h"
#include "sim/json.h"

#define CTRACE_PID 1

struct ctrace {
	FILE *f;
	struct json_writer j;
};

/**
 * ctrace_open - create a trace file and write its opening
 * @path: file to create or truncate
 *
 * Returns the trace, or NULL with errno set.
 */
struct ctrace *ctrace_open(const char *path)
{
	struct ctrace *t = calloc(1, sizeof(*t));
	int err;

	if (!t)
		return NULL;
	t->f = fopen(path, "w");
	if (!t->f) {
		err = errno;
		free(t);
		errno = err;
		return NULL;
	}
	json_init(&t->j, t->f);
	json_begin_object(&t->j);
	json_key(&t->j, "traceEvents");
	json_begin_array(&t->j);
	return t;
}

/**
 * ctrace_close - end the event array, add displayTimeUnit, close the file
 *
 * Returns 0, or the first error met while writing (as -errno). Frees @t in
 * every case; NULL is fine.
 */
int ctrace_close(struct ctrace *t)
{
	int err;

	if (!t)
		return 0;
	json_newline(&t->j);
	json_end_array(&t->j);
	json_key(&t->j, "displayTimeUnit");
	json_string(&t->j, "ns");
	json_end_object(&t->j);
	json_newline(&t->j);
	err = json_error(&t->j);
	if (fclose(t->f) && !err)
		err = -EIO;
	free(t);
	return err;
}

/* Nanoseconds as microseconds with three decimals, a JSON number. */
static void put_us(struct json_writer *j, const char *key, int64_t ns)
{
	uint64_t a = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;
	char buf[32];

	snprintf(buf, sizeof(buf), "%s%llu.%03llu", ns < 0 ? "-" : "",
		 (unsigned long long)(a / 1000), (unsigned long long)(a % 1000));
	json_key(j, key);
	json_raw(j, buf);
}

/* Opens an event object with name, cat, ph and ts; false if @t is unusable
 * or an argument is bad. */
static bool event_begin(struct ctrace *t, const char *name, const char *cat,
			const char *ph, int64_t ts_ns, const char *args_json)
{
	if (!t || !name || (args_json && args_json[0] != '{') || json_error(&t->j))
		return false;
	json_newline(&t->j);
	json_begin_object(&t->j);
	json_key(&t->j, "name");
	json_string(&t->j, name);
	if (cat) {
		json_key(&t->j, "cat");
		json_string(&t->j, cat);
	}
	json_key(&t->j, "ph");
	json_string(&t->j, ph);
	put_us(&t->j, "ts", ts_ns);
	return true;
}

static void put_ids(struct ctrace *t, int tid)
{
	json_key(&t->j, "pid");
	json_int(&t->j, CTRACE_PID);
	json_key(&t->j, "tid");
	json_int(&t->j, tid);
}

static int event_end(struct ctrace *t, const char *args_json)
{
	if (args_json) {
		json_key(&t->j, "args");
		json_raw(&t->j, args_json);
	}
	json_end_object(&t->j);
	return json_error(&t->j);
}

static int bad_event(const struct ctrace *t)
{
	return t && json_error(&t->j) ? json_error(&t->j) : -EINVAL;
}

static int metadata(struct ctrace *t, const char *what, int tid, const char *name)
{
	if (!name || !event_begin(t, what, NULL, "M", 0, NULL))
		return bad_event(t);
	put_ids(t, tid);
	json_key(&t->j, "args");
	json_begin_object(&t->j);
	json_key(&t->j, "name");
	json_string(&t->j, name);
	json_end_object(&t->j);
	return event_end(t, NULL);
}

/**
 * ctrace_process_name, ctrace_thread_name - label the process, or the track
 * of thread @tid (one per simulated task, say "ovs-vswitchd" or
 * "link_watch")
 */
int ctrace_process_name(struct ctrace *t, const char *name)
{
	return metadata(t, "process_name", 0, name);
}

int ctrace_thread_name(struct ctrace *t, int tid, const char *name)
{
	return metadata(t, "thread_name", tid, name);
}

/**
 * ctrace_complete - a slice [@ts_ns, @ts_ns + @dur_ns) on thread @tid
 */
int ctrace_complete(struct ctrace *t, int tid, const char *name, const char *cat,
		    int64_t ts_ns, int64_t dur_ns, const char *args_json)
{
	if (dur_ns < 0 || !event_begin(t, name, cat, "X", ts_ns, args_json))
		return bad_event(t);
	put_us(&t->j, "dur", dur_ns);
	put_ids(t, tid);
	return event_end(t, args_json);
}

static int async_event(struct ctrace *t, const char *ph, uint64_t id,
		       const char *name, const char *cat, int64_t ts_ns)
{
	char idbuf[24];

	if (!event_begin(t, name, cat, ph, ts_ns, NULL))
		return bad_event(t);
	put_ids(t, 0);
	/* a string, so that all 64 bits survive readers that parse doubles */
	snprintf(idbuf, sizeof(idbuf), "0x%llx", (unsigned long long)id);
	json_key(&t->j, "id");
	json_string(&t->j, idbuf);
	return event_end(t, NULL);
}

/**
 * ctrace_async_begin, ctrace_async_end - an interval that may overlap
 * others (an RTNL waiter), matched by @id, @name and @cat
 */
int ctrace_async_begin(struct ctrace *t, uint64_t id, const char *name,
		       const char *cat, int64_t ts_ns)
{
	return async_event(t, "b", id, name, cat, ts_ns);
}

int ctrace_async_end(struct ctrace *t, uint64_t id, const char *name,
		     const char *cat, int64_t ts_ns)
{
	return async_event(t, "e", id, name, cat, ts_ns);
}

/**
 * ctrace_instant - a point event on thread @tid (a notification sent, an
 * ENOBUFS)
 */
int ctrace_instant(struct ctrace *t, int tid, const char *name, const char *cat,
		   int64_t ts_ns, const char *args_json)
{
	if (!event_begin(t, name, cat, "i", ts_ns, args_json))
		return bad_event(t);
	put_ids(t, tid);
	json_key(&t->j, "s");
	json_string(&t->j, "t");
	return event_end(t, args_json);
}

/**
 * ctrace_counter - one sample of counter track @name (a queue length, a
 * socket's rcvbuf occupancy); @series names the value inside the track
 */
int ctrace_counter(struct ctrace *t, const char *name, int64_t ts_ns,
		   const char *series, double value)
{
	if (!series || !event_begin(t, name, NULL, "C", ts_ns, NULL))
		return bad_event(t);
	json_key(&t->j, "pid");
	json_int(&t->j, CTRACE_PID);
	json_key(&t->j, "args");
	json_begin_object(&t->j);
	json_key(&t->j, series);
	json_double(&t->j, value);
	json_end_object(&t->j);
	return event_end(t, NULL);
}
