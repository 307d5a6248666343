#!/usr/bin/env bash
# scripts/demo.sh - `make run`: the two stories nlsim was started for, in
# under a minute of wall time.
#  1. The microVM boot (kernel.md §1.11): how long systemd-networkd waits for
#     IFF_RUNNING after bringing eth0 up, per kernel profile, with and
#     without the proposed "up but operstate DOWN is urgent" policy, and what
#     that policy costs a dead link whose agent keeps re-applying "up".
#  2. Open vSwitch under link churn and injected RTNL delay: the polling
#     variant against the event-driven series (clients.md §2-4).
# It writes a trace, a pcap and a plot under build/demo/ and prints their paths.
set -euo pipefail
nlsim=${NLSIM:-build/nlsim}
out=build/demo
mkdir -p "$out"
metric() { sed -n "s/^ *\"$2\": \([-0-9.e]*\),\{0,1\}$/\1/p" "$1"; }

echo "== 1. microVM boot: SETLINK up -> networkd 'Gained carrier' (scenarios/microvm-boot.nls)"
printf '   %-8s %-28s %12s\n' profile policy "latency (ms)"
for run in "v5.8 0" "v5.8 1" "v6.18 0"; do
	set -- $run
	"$nlsim" run scenarios/microvm-boot.nls --quiet --set profile=$1 \
		--set linkwatch.urgent_on_up_oper_down=$2 --metrics "$out/boot-$1-$2.json" || true
	printf '   %-8s %-28s %12s\n' "$1" "$([ $2 = 1 ] && echo urgent_on_up_oper_down || echo stock)" \
		"$(metric "$out/boot-$1-$2.json" networkd.eth0.up_to_carrier_ms)"
done
"$nlsim" run scenarios/microvm-boot.nls --set profile=v5.8 --pcap "$out/microvm-v5.8.pcap" \
	--chrome-trace "$out/microvm-v5.8.trace.json" > "$out/microvm-v5.8.txt" || true
echo
echo "   and the price (scenarios/flap-storm.nls, 10 s of churn, RTM_NEWLINK per device per second):"
for u in 0 1; do
	"$nlsim" run scenarios/flap-storm.nls --quiet --set linkwatch.urgent_on_up_oper_down=$u \
		--metrics "$out/flap-$u.json"
	e=$(metric "$out/flap-$u.json" monitor.notifications.e0)
	d=$(metric "$out/flap-$u.json" monitor.notifications.d0)
	printf '   %-28s flapping carrier %5s/s   dead link + periodic up %6s/s\n' \
		"$([ $u = 1 ] && echo urgent_on_up_oper_down || echo stock)" \
		"$(awk -v n="$d" 'BEGIN{printf "%.1f", (n-2)/10}')" \
		"$(awk -v n="$e" 'BEGIN{printf "%.1f", (n-3)/10}')"
done

if [ -f scenarios/ovs-churn.nls ] && [ -f scripts/demo-ovs.sh ]; then
	echo
	bash scripts/demo-ovs.sh "$nlsim" "$out"
fi

echo
echo "Files:"
echo "   $out/microvm-v5.8.txt          the v5.8 boot as ip monitor and networkd saw it"
echo "   $out/microvm-v5.8.pcap         every netlink message (tshark -r ... or Wireshark)"
echo "   $out/microvm-v5.8.trace.json   RTNL holds/waits, link_watch runs (ui.perfetto.dev)"
for f in "$out"/*.svg; do [ -e "$f" ] && echo "   $f"; done
echo "More: docs/reproductions/linkwatch-urgent.md, README.md"
