/* sim/chrome_trace.h - Chrome trace-event JSON (chrome://tracing, Perfetto UI).
 *
 * One file per run: RTNL holds as complete slices per thread, RTNL waits as
 * async slices (they overlap), link_watch runs and client loops as slices,
 * queue lengths and socket occupancy as counters. Times are virtual
 * nanoseconds; the file holds microseconds with 3 decimals, so nothing is
 * lost. All events belong to process 1.
 */
#ifndef NLSIM_SIM_CHROME_TRACE_H
#define NLSIM_SIM_CHROME_TRACE_H

#include <stdint.h>

struct ctrace;

/* Create (truncate) @path and start the event array. NULL with errno set. */
struct ctrace *ctrace_open(const char *path);
/* Finish the JSON, close the file, free. 0 or the first error as -errno. */
int ctrace_close(struct ctrace *t);

/* Each event call returns 0, -EINVAL (bad argument; nothing written), or a
 * previous write error. @cat may be NULL (no category); @args_json, where
 * taken, is NULL or a rendered JSON object ("{...}") copied verbatim. */

/* Metadata ("M"): names for the process and for thread @tid. */
int ctrace_process_name(struct ctrace *t, const char *name);
int ctrace_thread_name(struct ctrace *t, int tid, const char *name);
/* A slice on thread @tid from @ts_ns lasting @dur_ns ("X"). Slices on one
 * thread must nest; use async events for overlapping intervals. */
int ctrace_complete(struct ctrace *t, int tid, const char *name, const char *cat,
		    int64_t ts_ns, int64_t dur_ns, const char *args_json);
/* Async slice begin/end ("b"/"e"), matched by @id, @name and @cat. */
int ctrace_async_begin(struct ctrace *t, uint64_t id, const char *name,
		       const char *cat, int64_t ts_ns);
int ctrace_async_end(struct ctrace *t, uint64_t id, const char *name,
		     const char *cat, int64_t ts_ns);
/* A thread-scoped instant ("i"). */
int ctrace_instant(struct ctrace *t, int tid, const char *name, const char *cat,
		   int64_t ts_ns, const char *args_json);
/* A counter sample ("C"): track @name, series @series, value @value. */
int ctrace_counter(struct ctrace *t, const char *name, int64_t ts_ns,
		   const char *series, double value);

#endif /* NLSIM_SIM_CHROME_TRACE_H */
