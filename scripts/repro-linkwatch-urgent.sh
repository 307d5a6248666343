#!/usr/bin/env bash
# scripts/repro-linkwatch-urgent.sh - the table of
# docs/reproductions/linkwatch-urgent.md: boot latency (microvm-boot.nls) and
# notifications per device per second during 10 s of churn (flap-storm.nls),
# stock against linkwatch.urgent_on_up_oper_down=1, for both profiles.
# Usage: scripts/repro-linkwatch-urgent.sh [path/to/nlsim]
set -euo pipefail
nlsim=${1:-build/nlsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
metric() { sed -n "s/^ *\"$2\": \([-0-9.e]*\),\{0,1\}$/\1/p" "$1"; }

echo "| profile | policy | up_to_carrier_ms (microvm-boot) | flapping carrier: msgs/dev/s | dead link + periodic up: msgs/dev/s | linkwatch runs (flap-storm) | RTNL acquisitions (flap-storm) |"
echo "|---|---|---|---|---|---|---|"
for p in v5.8 v6.18; do
	for u in 0 1; do
		"$nlsim" run scenarios/microvm-boot.nls --quiet --set profile=$p \
			--set linkwatch.urgent_on_up_oper_down=$u --metrics "$tmp/boot.json" || true
		"$nlsim" run scenarios/flap-storm.nls --quiet --set profile=$p \
			--set linkwatch.urgent_on_up_oper_down=$u --metrics "$tmp/flap.json"
		lat=$(metric "$tmp/boot.json" networkd.eth0.up_to_carrier_ms)
		# messages in the 10 s window: all minus the 2 of creation and up
		# (d*) and minus the 3 of creation, up and carrier off (e*),
		# averaged over the four devices of each kind
		d=0 e=0
		for i in 0 1 2 3; do
			d=$((d + $(metric "$tmp/flap.json" monitor.notifications.d$i) - 2))
			e=$((e + $(metric "$tmp/flap.json" monitor.notifications.e$i) - 3))
		done
		printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$p" \
			"$([ $u = 1 ] && echo urgent_on_up_oper_down || echo stock)" "$lat" \
			"$(awk -v n=$d 'BEGIN{printf "%.1f", n/4/10}')" \
			"$(awk -v n=$e 'BEGIN{printf "%.1f", n/4/10}')" \
			"$(metric "$tmp/flap.json" linkwatch.runs)" \
			"$(metric "$tmp/flap.json" rtnl.acquisitions)"
	done
done
