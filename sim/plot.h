/* sim/plot.h - draw a sweep's CSV with gnuplot. */
#ifndef NLSIM_SIM_PLOT_H
#define NLSIM_SIM_PLOT_H

#include <stdbool.h>

/* Plot @metric (NULL: churn.total_s when present, else sim.events) of the
 * sweep CSV @csv against its first axis, one line per combination of the
 * other axes, mean of the repetitions, as an SVG at @svg. Returns 0 (also
 * when gnuplot is missing: a message says so), 2 on a bad CSV or a gnuplot
 * failure. */
int plot_sweep_csv(const char *csv, const char *svg, const char *metric);

#endif /* NLSIM_SIM_PLOT_H */
