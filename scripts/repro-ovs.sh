#!/usr/bin/env bash
# scripts/repro-ovs.sh - the tables and the plot of
# docs/reproductions/ovs-event-driven.md: scenarios/ovs-churn.nls swept over
# the published grid (ifaces 10..100 x rtnl.delay 0..10000 us x main/series,
# 5 repetitions), each cell beside the cover letter's, then the predictions
# for 60 and 80 interfaces (rows the cover letter holds back), where the time
# goes (RTNL by caller class), and an SVG of total time against the delay for
# 100 interfaces.
#
# Usage: scripts/repro-ovs.sh [path/to/nlsim] [output dir]
#   REPS=5 JOBS=<cpus> SCN=<scenario> environment overrides (SCN: default
#   scenarios/ovs-churn.nls, the doc's hypothesis A;
#   scenarios/ovs-churn-all.nls is hypothesis B); extra `nlsim sweep` options in SWEEP_ARGS (e.g.
#   SWEEP_ARGS="--set vsctl_us=4000") for what-if runs.
# Writes OUT/sweep.csv, OUT/predict.csv, OUT/table.md, OUT/ovs-churn-100.svg
# (and copies the SVG to docs/reproductions/ when OUT is the default).
set -euo pipefail
nlsim=${1:-build/nlsim}
out=${2:-build/repro-ovs}
reps=${REPS:-5}
jobs=${JOBS:-$(nproc)}
mkdir -p "$out"
scn=${SCN:-scenarios/ovs-churn.nls}
delays=0,50,100,500,1000,5000,10000

# The cover letter's table: ifaces, delay (us), main mean, std, series mean, std (s).
cat > "$out/published.tsv" <<'EOF'
10 0 0.275 0.008 0.234 0.014
10 50 0.269 0.009 0.249 0.012
10 100 0.278 0.011 0.266 0.007
10 500 0.423 0.039 0.395 0.046
10 1000 0.695 0.060 0.586 0.045
10 5000 1.855 0.099 1.818 0.041
10 10000 4.361 0.074 3.106 0.111
20 0 0.485 0.014 0.424 0.019
20 50 0.478 0.018 0.472 0.015
20 100 0.504 0.018 0.493 0.020
20 500 0.716 0.022 0.678 0.031
20 1000 0.994 0.026 0.926 0.083
20 5000 3.313 0.133 2.851 0.039
20 10000 6.803 0.093 4.875 0.117
30 0 0.716 0.024 0.645 0.033
30 50 0.723 0.018 0.692 0.019
30 100 0.744 0.024 0.745 0.031
30 500 0.981 0.031 0.997 0.034
30 1000 1.328 0.046 1.222 0.040
30 5000 4.838 0.059 3.865 0.079
30 10000 9.146 0.110 6.653 0.110
40 0 0.974 0.042 0.864 0.065
40 50 0.963 0.032 0.961 0.044
40 100 0.997 0.040 1.004 0.043
40 500 1.397 0.105 1.359 0.035
40 1000 1.990 0.107 1.805 0.096
40 5000 7.240 1.751 4.967 0.587
40 10000 11.657 0.131 8.289 0.308
50 0 1.340 0.111 1.253 0.167
50 50 1.410 0.196 1.274 0.059
50 100 1.411 0.108 1.329 0.111
50 500 1.788 0.060 1.779 0.079
50 1000 2.656 0.220 2.446 0.097
50 5000 11.532 0.132 8.216 0.094
50 10000 22.685 1.157 14.098 0.186
100 0 8.509 2.392 7.452 0.138
100 50 7.730 0.552 7.278 1.877
100 100 8.084 2.648 7.342 1.124
100 500 7.543 0.551 6.851 0.997
100 1000 10.784 0.782 7.990 0.651
100 5000 36.393 0.626 25.800 0.363
100 10000 72.916 2.488 45.648 1.929
EOF

t0=$(date +%s.%N)
# shellcheck disable=SC2086
"$nlsim" sweep "$scn" --grid ifaces=10,20,30,40,50,100 --grid rtnl.delay=$delays \
	--grid variant=main,series --reps "$reps" --jobs "$jobs" --csv "$out/sweep.csv" \
	${SWEEP_ARGS:-}
t1=$(date +%s.%N)
# shellcheck disable=SC2086
"$nlsim" sweep "$scn" --grid ifaces=60,80 --grid rtnl.delay=$delays \
	--grid variant=main,series --reps "$reps" --jobs "$jobs" --csv "$out/predict.csv" \
	${SWEEP_ARGS:-}
wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b - a}')

# mean and sample std of column $3 per (ifaces, delay, variant):
# "ifaces delay variant mean std n"
cells() {
	awk -F, -v want="$2" '
	NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{
		k = $col["ifaces"] " " $col["rtnl.delay"] " " $col["variant"]
		v = $col[want]; if (v == "") next
		n[k]++; s[k] += v; q[k] += v * v
		if (!(k in seen)) { seen[k] = 1; order[++m] = k }
	}
	END {
		for (j = 1; j <= m; j++) {
			k = order[j]; mu = s[k] / n[k]
			var = n[k] > 1 ? (q[k] - n[k] * mu * mu) / (n[k] - 1) : 0
			printf "%s %.6f %.6f %d\n", k, mu, (var > 0 ? sqrt(var) : 0), n[k]
		}
	}' "$1"
}
cells "$out/sweep.csv" churn.total_s > "$out/sim.txt"
cells "$out/predict.csv" churn.total_s > "$out/predict.txt"

{
echo "Sweep: $scn, ifaces 10,20,30,40,50,100 x rtnl.delay $delays us x main,series x $reps reps;"
echo "wall time ${wall} s with --jobs $jobs."
echo
echo "| N | delay (us) | main published | main simulated | ratio | series published | series simulated | ratio | main/series published | main/series simulated |"
echo "|---|---|---|---|---|---|---|---|---|---|"
awk '
	FNR == NR { sim[$1 " " $2 " " $3] = $4; sd[$1 " " $2 " " $3] = $5; next }
	{
		m = sim[$1 " " $2 " main"]; s = sim[$1 " " $2 " series"]
		rm = m / $3; rs = s / $5
		printf "| %d | %d | %.3f(%.3f) | %.3f(%.3f) | %.2f%s | %.3f(%.3f) | %.3f(%.3f) | %.2f%s | %.2f | %.2f |\n",
			$1, $2, $3, $4, m, sd[$1 " " $2 " main"], rm, (rm < 0.75 || rm > 1.25) ? " **x**" : "",
			$5, $6, s, sd[$1 " " $2 " series"], rs, (rs < 0.75 || rs > 1.25) ? " **x**" : "",
			$3 / $5, m / s
		cells += 2; hit += (rm >= 0.75 && rm <= 1.25) + (rs >= 0.75 && rs <= 1.25)
		if (rm < 0.75 || rm > 1.25) miss = miss sprintf(" main %d/%d (%.2f);", $1, $2, rm)
		if (rs < 0.75 || rs > 1.25) miss = miss sprintf(" series %d/%d (%.2f);", $1, $2, rs)
	}
	END {
		printf "\nWithin 25%% of the published mean: %d of %d cells (%.1f%%).", hit, cells, 100 * hit / cells
		printf " Outside (**x**):%s\n", miss == "" ? " none" : miss
	}' "$out/sim.txt" "$out/published.tsv"
echo
echo "Predictions (not calibrated on; the cover letter's 60 and 80 rows are held back):"
echo
echo "| N | delay (us) | main simulated | series simulated | main/series |"
echo "|---|---|---|---|---|"
awk '{ v[$1 " " $2 " " $3] = sprintf("%.3f(%.3f)", $4, $5); t[$1 " " $2 " " $3] = $4
       if ($3 == "main") k[++n] = $1 " " $2 }
     END { for (i = 1; i <= n; i++) { split(k[i], a, " ")
		printf "| %d | %d | %s | %s | %.2f |\n", a[1], a[2], v[k[i] " main"], v[k[i] " series"],
			t[k[i] " main"] / t[k[i] " series"] } }' "$out/predict.txt"
echo
echo "Where the time goes (means over the repetitions): RTNL acquisitions, injected delay"
echo "and wait for the mutex (s) by caller class; vsctl = time the script spent blocked in"
echo "ovs-vsctl waiting for vswitchd."
echo
echo "| N | delay | variant | total (s) | vsctl wait (s) | class | acquisitions | delay (s) | wait (s) |"
echo "|---|---|---|---|---|---|---|---|---|"
awk -F, '
	NR == 1 { for (i = 1; i <= NF; i++) { col[$i] = i; name[i] = $i }; nf = NF; next }
	($col["ifaces"] == 10 || $col["ifaces"] == 100) && ($col["rtnl.delay"] == 0 || $col["rtnl.delay"] == 10000) {
		k = $col["ifaces"] " " $col["rtnl.delay"] " " $col["variant"]
		if (!(k in n)) order[++m] = k
		n[k]++; tot[k] += $col["churn.total_s"]; vw[k] += $col["churn.vsctl_wait_s"]
		for (i = 1; i <= nf; i++) if (name[i] ~ /^rtnl\.acquisitions\./) {
			c = substr(name[i], 19)
			acq[k, c] += $i; del[k, c] += $col["rtnl.delay_ms." c]; wt[k, c] += $col["rtnl.wait_ms." c]
		}
	}
	END {
		for (j = 1; j <= m; j++) {
			k = order[j]; split(k, a, " "); first = 1
			nc = split("rtnetlink dump ioctl ethtool linkwatch genetlink driver addrconf register contender", cl, " ")
			for (ci = 1; ci <= nc; ci++) if (acq[k, c = cl[ci]] > 0) {
				printf "| %s | %s | %s | %s | %s | %s | %.0f | %.3f | %.3f |\n",
					first ? a[1] : "", first ? a[2] : "", first ? a[3] : "",
					first ? sprintf("%.3f", tot[k] / n[k]) : "", first ? sprintf("%.3f", vw[k] / n[k]) : "",
					c, acq[k, c] / n[k], del[k, c] / n[k] / 1000, wt[k, c] / n[k] / 1000
				first = 0
			}
		}
	}' "$out/sweep.csv"
} > "$out/table.md"
cat "$out/table.md"

# The plot: 100 interfaces, total time against the delay, both variants.
if command -v gnuplot > /dev/null; then
	awk '$1 == 100' "$out/published.tsv" > "$out/pub100.dat"
	awk '$1 == 100 && $3 == "main" { print $2, $4, $5 }' "$out/sim.txt" > "$out/sim100-main.dat"
	awk '$1 == 100 && $3 == "series" { print $2, $4, $5 }' "$out/sim.txt" > "$out/sim100-series.dat"
	gnuplot <<EOF
set terminal svg size 800,520 dynamic font "sans,12"
set output "$out/ovs-churn-100.svg"
set title "OVS churn, 100 interfaces: total time vs injected rtnl_lock() delay"
set xlabel "delay-kfunc delay per rtnl_lock() (us)"
set ylabel "script time (s)"
set key top left
set grid
plot "$out/pub100.dat" using 2:3:4 with yerrorlines lc rgb "#c0392b" title "main, published", \
     "$out/pub100.dat" using 2:5:6 with yerrorlines lc rgb "#2471a3" title "series, published", \
     "$out/sim100-main.dat" using 1:2:3 with yerrorlines dt 2 pt 6 lc rgb "#e67e22" title "main, nlsim", \
     "$out/sim100-series.dat" using 1:2:3 with yerrorlines dt 2 pt 6 lc rgb "#17a589" title "series, nlsim"
EOF
	[ "$out" = build/repro-ovs ] && [ "$scn" = scenarios/ovs-churn.nls ] &&
		cp "$out/ovs-churn-100.svg" docs/reproductions/
	echo "plot: $out/ovs-churn-100.svg"
fi
