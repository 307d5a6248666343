/* sim/plot.c - `nlsim sweep --plot FILE.svg`: the sweep's main figure.
 *
 * Reads the sweep's CSV (axis columns, then rep, seed, status, metrics) and
 * draws one metric against the first axis, one line per combination of the
 * other axes, averaged over repetitions, with gnuplot's SVG terminal. gnuplot
 * is an optional tool: when it is missing the plot is skipped with a message
 * that says how to get it, and the sweep's result is unchanged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/plot.h"

#define MAX_COLS 512
#define MAX_SERIES 64
#define MAX_POINTS 64

struct point {
	char x[64];
	double sum;
	int n;
};

struct series {
	char name[256];
	struct point pt[MAX_POINTS];
	int npt;
};

static int split(char *line, char **f, int max)
{
	int n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	for (char *p = line; n < max; n++) {
		f[n] = p;
		p = strchr(p, ',');
		if (!p)
			return n + 1;
		*p++ = '\0';
	}
	return n;
}

static int col_of(char **hdr, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(hdr[i], name))
			return i;
	return -1;
}

static bool numeric(const char *s)
{
	char *end;

	strtod(s, &end);
	return *s && !*end;
}

/* plot_sweep_csv - see sim/plot.h. */
int plot_sweep_csv(const char *csv, const char *svg, const char *metric)
{
	static char hline[65536], line[65536];
	static struct series ser[MAX_SERIES];
	char *hdr[MAX_COLS], *f[MAX_COLS];
	int nh, rep, ycol, nser = 0;
	bool xnum = true;
	FILE *in = fopen(csv, "r"), *gp;

	if (!in) {
		fprintf(stderr, "nlsim: --plot: %s: %s\n", csv, strerror(errno));
		return 2;
	}
	if (!fgets(hline, sizeof(hline), in)) {
		fclose(in);
		return 2;
	}
	nh = split(hline, hdr, MAX_COLS);
	rep = col_of(hdr, nh, "rep");
	if (!metric)
		metric = col_of(hdr, nh, "churn.total_s") >= 0 ? "churn.total_s" : "sim.events";
	ycol = col_of(hdr, nh, metric);
	if (rep < 1 || ycol < 0) {
		fprintf(stderr, "nlsim: --plot: no column '%s' (or no axis) in %s\n", metric, csv);
		fclose(in);
		return 2;
	}
	while (fgets(line, sizeof(line), in)) {
		int n = split(line, f, MAX_COLS), s, p;
		char name[256] = "";

		if (n <= ycol || !*f[ycol])
			continue;
		for (int i = 1; i < rep; i++)
			snprintf(name + strlen(name), sizeof(name) - strlen(name), "%s%s=%s",
				 i > 1 ? " " : "", hdr[i], f[i]);
		for (s = 0; s < nser && strcmp(ser[s].name, name); s++)
			;
		if (s == nser) {
			if (nser == MAX_SERIES)
				continue;
			snprintf(ser[nser++].name, sizeof(ser[0].name), "%s", name);
		}
		for (p = 0; p < ser[s].npt && strcmp(ser[s].pt[p].x, f[0]); p++)
			;
		if (p == ser[s].npt) {
			if (p == MAX_POINTS)
				continue;
			snprintf(ser[s].pt[ser[s].npt++].x, sizeof(ser[0].pt[0].x), "%s", f[0]);
		}
		ser[s].pt[p].sum += strtod(f[ycol], NULL);
		ser[s].pt[p].n++;
		xnum = xnum && numeric(f[0]);
	}
	fclose(in);
	if (system("command -v gnuplot > /dev/null 2>&1") != 0) {
		fprintf(stderr, "nlsim: --plot: gnuplot is not installed, no plot written "
				"(sudo apt-get install gnuplot-nox); the CSV is complete\n");
		return 0;
	}
	gp = popen("gnuplot", "w");
	if (!gp)
		return 2;
	fprintf(gp, "set terminal svg size 900,560 dynamic font 'sans,12'\n"
		    "set output '%s'\nset key top left\nset grid\n"
		    "set xlabel '%s'\nset ylabel '%s (mean of repetitions)'\n",
		svg, hdr[0], metric);
	for (int s = 0; s < nser; s++) {
		fprintf(gp, "$d%d << EOD\n", s);
		for (int p = 0; p < ser[s].npt; p++)
			fprintf(gp, "%d %s %.9g\n", p, ser[s].pt[p].x,
				ser[s].pt[p].sum / ser[s].pt[p].n);
		fprintf(gp, "EOD\n");
	}
	fprintf(gp, "plot ");
	for (int s = 0; s < nser; s++)
		fprintf(gp, "%s$d%d using %s with linespoints title '%s'", s ? ", " : "", s,
			xnum ? "2:3" : "1:3:xtic(2)", ser[s].name[0] ? ser[s].name : metric);
	fprintf(gp, "\n");
	if (pclose(gp) != 0) {
		fprintf(stderr, "nlsim: --plot: gnuplot failed\n");
		return 2;
	}
	return 0;
}
