#!/usr/bin/env bash
# tests/outputs.sh - the files `nlsim run` writes, opened with other tools:
#  1. --pcap: tshark decodes it as netlink-route and finds the RTM_NEWLINK
#     messages of veth-basics with the right ifindex, operstate and flags;
#  2. --chrome-trace: valid JSON with the event kinds we promise, and the
#     RTNL hold slices of one track never overlap;
#  3. --metrics: valid JSON with the keys docs/metrics.md documents.
# tshark and jq are installed by `scripts/ensure-deps.sh --optional`; when
# missing, that part is skipped with a note (and counted as neither).
set -u
build=${1:-build}
nlsim="$build/nlsim"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1"; fail=$((fail + 1)); }

"$nlsim" run scenarios/veth-basics.nls --quiet --pcap "$tmp/v.pcap" \
	--chrome-trace "$tmp/t.json" --metrics "$tmp/m.json" || ko "veth-basics run"

# the same run again: the pcap (every byte sent both ways, padding included)
# must be identical
"$nlsim" run scenarios/veth-basics.nls --quiet --pcap "$tmp/v2.pcap" > /dev/null 2>&1
cmp -s "$tmp/v.pcap" "$tmp/v2.pcap" && ok "pcap is byte-identical across runs" ||
	ko "pcap differs between two runs of the same scenario"

if command -v tshark > /dev/null; then
	# kernel -> user RTM_NEWLINK (type 16) of v0 (ifindex 3): fields per row
	tshark -r "$tmp/v.pcap" -Y 'netlink-route.nltype == 16 && netlink-route.ifi_index == 3' \
		-T fields -e netlink-route.ifla_ifname -e netlink-route.ifla_operstate \
		-e netlink-route.ifi_flags > "$tmp/rows" 2> "$tmp/tshark.err"
	# v0 must go LOWERLAYERDOWN (3) with UP (0x1003), then UP (6) with
	# UP|RUNNING|LOWER_UP (0x11043), as ip monitor showed.
	if grep -qP '^v0\t3\t(4099|0x0*1003)$' "$tmp/rows" && grep -qP '^v0\t6\t(69699|0x0*11043)$' "$tmp/rows"; then
		ok "pcap decodes as netlink-route with v0's operstate and flags"
	else
		ko "pcap: expected v0 rows not found"; head -20 "$tmp/rows" "$tmp/tshark.err"
	fi
	n=$(tshark -r "$tmp/v.pcap" -Y 'netlink-route' 2> /dev/null | wc -l)
	[ "$n" -gt 10 ] && ok "pcap has $n netlink-route frames" || ko "pcap: $n frames"
else
	echo "note: tshark not installed, pcap decoding skipped"
fi

if command -v jq > /dev/null; then
	if jq -e '.traceEvents | length > 0' "$tmp/t.json" > /dev/null; then
		ok "chrome trace is valid JSON"
	else
		ko "chrome trace is not valid JSON"
	fi
	for ph in X b e C M; do
		jq -e --arg ph "$ph" '[.traceEvents[] | select(.ph == $ph)] | length > 0' \
			"$tmp/t.json" > /dev/null && ok "chrome trace has ph=$ph events" ||
			ko "chrome trace lacks ph=$ph events"
	done
	# RTNL holds: complete slices in category rtnl, per track sorted by start,
	# each must end before the next starts.
	overlaps=$(jq '[.traceEvents[] | select(.ph == "X" and .cat == "rtnl")] | group_by(.tid)
		| map(sort_by(.ts) | [range(1; length) as $i | select(.[$i-1].ts + .[$i-1].dur > .[$i].ts)] | length)
		| add // 0' "$tmp/t.json")
	[ "$overlaps" = 0 ] && ok "RTNL hold slices of one track never overlap" ||
		ko "RTNL hold slices overlap ($overlaps)"
	# and globally: RTNL is one mutex, so no two holds overlap at all
	goverlaps=$(jq '[.traceEvents[] | select(.ph == "X" and .cat == "rtnl")] | sort_by(.ts)
		| [range(1; length) as $i | select(.[$i-1].ts + .[$i-1].dur > .[$i].ts + 0.0005)] | length' "$tmp/t.json")
	[ "$goverlaps" = 0 ] && ok "no two RTNL holds overlap (one mutex)" || ko "RTNL holds overlap globally ($goverlaps)"
	for k in rtnl.acquisitions rtnl.wait_ms_total netlink.notifications netlink.enobufs sim.events sim.virtual_s; do
		jq -e --arg k "$k" 'has($k)' "$tmp/m.json" > /dev/null && ok "metrics has $k" || ko "metrics lacks $k"
	done
else
	echo "note: jq not installed, JSON checks skipped"
fi

echo "outputs: $pass passed, $fail failed"
[ "$fail" = 0 ]
