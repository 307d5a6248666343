/* sim/metrics.h - a run's metrics: dotted names to numbers, written as JSON.
 *
 *	metrics_add(m, "rtnl.acquisitions", 1);
 *	metrics_set(m, "rtnl.hold_ns.max", 10e6);
 *	metrics_write_json(m, f);	// {"rtnl.acquisitions": 1, ...}, keys sorted
 */
#ifndef NLSIM_SIM_METRICS_H
#define NLSIM_SIM_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct metrics;

struct metrics *metrics_create(void);		/* NULL on allocation failure */
void metrics_destroy(struct metrics *m);
/* Set, or add to (a missing key counts as 0). 0 or -ENOMEM/-EINVAL. */
int metrics_set(struct metrics *m, const char *key, double v);
int metrics_add(struct metrics *m, const char *key, double v);
/* Keep the larger/smaller of the current value and @v (missing: take @v). */
int metrics_max(struct metrics *m, const char *key, double v);
int metrics_min(struct metrics *m, const char *key, double v);
/* metrics_add with the key's slot remembered in @ref (zeroed before first
 * use, one per key), for counters bumped in hot loops. */
struct metrics_ref {
	const struct metrics *m;
	unsigned long gen;
	size_t i;
};
int metrics_add_ref(struct metrics *m, struct metrics_ref *ref, const char *key, double v);
double metrics_get(const struct metrics *m, const char *key);	/* 0 if missing */
bool metrics_has(const struct metrics *m, const char *key);
/* One JSON object, one key per line, keys in byte order. 0 or -EIO. */
int metrics_write_json(const struct metrics *m, FILE *f);

#endif /* NLSIM_SIM_METRICS_H */
