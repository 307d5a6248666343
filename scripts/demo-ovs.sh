#!/usr/bin/env bash
# scripts/demo-ovs.sh NLSIM OUTDIR - the Open vSwitch part of `make run`: a
# small version of the series' churn (scenarios/ovs-churn.nls) with
# polling (main) and event-driven (series) vswitchd, under injected RTNL
# delay; a table, where the time goes, and a plot.
set -euo pipefail
nlsim=$1 out=$2
col() { awk -F, -v k="$1" 'NR==1{for(i=1;i<=NF;i++) if($i==k) c=i; next} {print $c}' "$out/ovs.csv"; }

echo "== 2. Open vSwitch, 20 veth ports churned (add then delete), polling vs event-driven"
"$nlsim" sweep scenarios/ovs-churn.nls --grid rtnl.delay=0,1000,10000 --grid variant=main,series \
	--set ifaces=20 --reps 1 --csv "$out/ovs.csv" --plot "$out/ovs-churn.svg" 2> "$out/ovs.err" ||
	{ cat "$out/ovs.err"; exit 1; }
paste -d, <(col rtnl.delay) <(col variant) <(col churn.total_s) <(col ovs.requests.getlink) \
	<(col rtnl.delay_ms.rtnetlink) <(col rtnl.delay_ms.ethtool) <(col rtnl.delay_ms.genetlink) \
	<(col churn.vsctl_wait_s) |
	awk -F, 'BEGIN { printf "   %-10s %-7s %10s %10s %15s %17s %15s\n", "delay(us)", "variant",
			  "total (s)", "GETLINKs", "rtnetlink (ms)", "ethtool+ovs (ms)", "vsctl wait (s)" }
		 { printf "   %-10s %-7s %10.3f %10d %15.1f %17.1f %15.3f\n", $1, $2, $3, $4, $5, $6 + $7, $8 }'
echo "   (delayed time by caller, under the default hypothesis A: the out-of-line rtnl_lock()"
echo "    callers pay the delay, as on Debian's 6.1, 6.12 and 7.2 kernels, plus a fitted share of"
echo "    rtnetlink calls; the published experiment, the two hypotheses and what they do"
echo "    not explain: docs/reproductions/ovs-event-driven.md)"
