#!/usr/bin/env bash
# tests/realkernel/drive.sh - replay a .nls scenario on the real kernel.
#
# Usage: drive.sh NETNS FILE.nls OUTDIR TOOLDIR
#   TOOLDIR holds linkctl and tapctl (tests/realkernel/*.c, compiled).
#
# Runs the scenario's timed actions (tests/realkernel/timeline.awk expands
# them) with real devices in the existing namespace NETNS, at the scenario's
# times, while `ip -ts monitor link` records what an RTNLGRP_LINK listener
# in NETNS receives. Writes into OUTDIR:
#   timeline   the expanded actions (TIME_NS ORDER VERB ARG...)
#   kernel.txt the monitor's output (wall-clock timestamps, UTC)
#   kernel.nlcap  the same messages, raw, from TOOLDIR/realkernel_capture
#              (tests/realkernel_capture.c) when TOOLDIR has it
#   t0         scenario time 0 as seconds of the UTC day
#   actions    the action times in seconds, one a line
#   devs, bridges   device names the scenario uses / its bridges
#   slip_us    the latest an action was issued after its scheduled time (us)
#   *.err      what the helpers complained about
# Exit status: 0 replayed; 2 the scenario uses something the driver cannot
# replay (message on stderr); 1 something failed while replaying.
#
# How actions are executed (the scheduling loop itself never forks; each
# action waits for its helper's "ok", so actions keep their order):
#   veth/bridge/master/nomaster/up/down/mtu/address/rename/mode/del
#       one long-lived linkctl in NETNS (tests/realkernel/linkctl.c): one
#       RTM_NEWLINK/RTM_DELLINK per action, the device named by IFLA_IFNAME.
#       Not `ip link`: ip(8) sends an RTM_GETLINK for the name first, which
#       makes the kernel run the device's pending link_watch event then and
#       there (and a forked ip costs ~20 ms here, too slow for 12 ms flaps)
#   tap NAME [carrier=on|off]
#       a tapctl in NETNS (tests/realkernel/tapctl.c) holding the queue fd,
#       started before time 0 and told to create the device at its time
#   carrier NAME on|off|toggle
#       taps only: TUNSETCARRIER through the tap's tapctl
#   client monitor   nothing: the recording monitor is always there
# Everything else (dummy, virtio, operstate, move, other clients, getlink,
# dump, rtnl-hold, netns) exits 2.
set -u
export LC_ALL=C

ns=$1 file=$2 out=$3 tools=$4
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out" || exit 1
tab=$(printf '\t')

awk -f "$here/timeline.awk" "$file" > "$out/timeline.raw" || exit 2
run_ns=$(sed -n "s/^run$tab//p" "$out/timeline.raw")
grep -v "^run$tab" "$out/timeline.raw" | sort -t "$tab" -k1,1n -k2,2n > "$out/timeline"

# ---- check every action and collect the device names first ---------------
devs=" " bridges=" " needtap=0
while IFS=$tab read -r t order act; do
	read -r -a w <<< "$act"
	verb=${w[0]} name=${w[1]:-}
	case $verb in
	veth)
		peer=
		for o in "${w[@]:2}"; do case $o in peer=*) peer=${o#peer=} ;; esac; done
		[ -n "$peer" ] || { echo "$file: veth $name: no peer=" >&2; exit 2; }
		devs="$devs$name $peer " ;;
	bridge) devs="$devs$name "; bridges="$bridges$name " ;;
	tap) devs="$devs$name "; needtap=1 ;;
	rename) devs="$devs${w[2]:-} " ;;
	master | nomaster | up | down | mtu | address | mode | del | carrier) ;;
	client) [ "$name" = monitor ] || { echo "$file: client $name cannot be replayed" >&2; exit 2; } ;;
	*) echo "$file: action '$verb' cannot be replayed on a real kernel" >&2; exit 2 ;;
	esac
done < "$out/timeline"
[ -x "$tools/linkctl" ] || { echo "no $tools/linkctl" >&2; exit 2; }
if [ "$needtap" = 1 ] && [ ! -x "$tools/tapctl" ]; then
	echo "$file: needs a tap, but there is no $tools/tapctl" >&2
	exit 2
fi
echo $devs > "$out/devs"
echo $bridges > "$out/bridges"
awk -F "$tab" '{ printf "%.6f\n", $1 / 1e9 }' "$out/timeline" > "$out/actions"

# ---- helpers ----------------------------------------------------------------
# Helpers are servers on FIFOs: srv_w[KEY]/srv_r[KEY] are the fds.
pids=()
declare -A srv_w srv_r tapcarrier
mkfifo "$out/sleep.fifo" || exit 1
exec {sleepfd}<>"$out/sleep.fifo"

# the time in us since the epoch, into $now (no fork)
now_us() { local t=$EPOCHREALTIME; now=$(( ${t%.*} * 1000000 + 10#${t#*.} )); }

# sleep until absolute time $1 (us since the epoch), without forking
sleep_until() {
	local d frac
	now_us
	d=$(( $1 - now ))
	(( d > 0 )) || return 0
	printf -v frac '%06d' $((d % 1000000))
	read -r -t "$((d / 1000000)).$frac" -u "$sleepfd" _ || true
}

stop_all() {
	local p k wfd rfd
	for k in "${!srv_w[@]}"; do
		wfd=${srv_w[$k]} rfd=${srv_r[$k]}
		echo exit >&"$wfd" 2> /dev/null
		exec {wfd}>&- {rfd}<&-
		unset "srv_w[$k]" "srv_r[$k]"
	done
	for p in "${pids[@]}"; do kill "$p" 2> /dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2> /dev/null; done
	pids=()
}
trap 'stop_all' EXIT
trap 'exit 1' INT TERM

fail() { echo "drive: $*" >&2; exit 1; }

# start_srv KEY WANT CMD...: run CMD in NETNS as a server, wait for line WANT
start_srv() {
	local key=$1 want=$2 line wfd rfd
	shift 2
	mkfifo "$out/$key.in" "$out/$key.out" || fail "mkfifo"
	ip netns exec "$ns" "$@" < "$out/$key.in" > "$out/$key.out" 2> "$out/$key.err" &
	pids+=($!)
	exec {wfd}>"$out/$key.in" {rfd}<"$out/$key.out"
	srv_w[$key]=$wfd srv_r[$key]=$rfd
	read -r -t 5 -u "$rfd" line || fail "$key did not start: $(cat "$out/$key.err")"
	[ "$line" = "$want" ] || fail "$key: '$line'"
}

# srv KEY COMMAND...: one command, wait for "ok"
srv() {
	local key=$1 line
	shift
	echo "$*" >&"${srv_w[$key]}"
	read -r -t 5 -u "${srv_r[$key]}" line || fail "$key: no answer to '$*'"
	[ "$line" = ok ] || fail "$key: $line ($*)"
}

tap_carrier() {	# NAME on|off|toggle
	local name=$1 want=$2
	[ -n "${srv_w[tap.$name]:-}" ] || fail "carrier $name: only taps can change carrier here"
	if [ "$want" = toggle ]; then
		want=on
		[ "${tapcarrier[$name]}" = on ] && want=off
	fi
	srv "tap.$name" "$want"
	tapcarrier[$name]=$want
}

# ---- the executor and the recorders -----------------------------------------
start_srv linkctl ready "$tools/linkctl"
cappid=
if [ -x "$tools/realkernel_capture" ]; then
	ip netns exec "$ns" "$tools/realkernel_capture" "$out/kernel.nlcap" 2> "$out/capture.err" &
	cappid=$!
	pids+=($cappid)
	for _ in $(seq 50); do
		grep -q '^ready' "$out/capture.err" 2> /dev/null && break
		read -r -t 0.02 -u "$sleepfd" _ || true
	done
	grep -q '^ready' "$out/capture.err" || fail "realkernel_capture did not start: $(cat "$out/capture.err")"
fi
TZ=UTC ip -n "$ns" -ts monitor link > "$out/kernel.txt" 2> "$out/monitor.err" &
monpid=$!
pids+=($monpid)
sleep 0.3		# let the monitor join RTNLGRP_LINK
kill -0 "$monpid" 2> /dev/null || fail "ip monitor died: $(cat "$out/monitor.err")"

# taps: start their tapctl now, create the device at the scenario's time
while IFS=$tab read -r t order act; do
	read -r -a w <<< "$act"
	[ "${w[0]}" = tap ] || continue
	start_srv "tap.${w[1]}" "waiting ${w[1]}" "$tools/tapctl" "${w[1]}" ${w[2]:-} wait
done < "$out/timeline"

# ---- replay -----------------------------------------------------------------
now_us
t0=$(( now + 50000 ))
slip=0
while IFS=$tab read -r t order act; do
	read -r -a w <<< "$act"
	verb=${w[0]} name=${w[1]:-}
	target=$(( t0 + t / 1000 ))
	sleep_until "$target"
	now_us
	late=$(( now - target ))
	(( late > slip )) && slip=$late
	case $verb in
	veth)
		for o in "${w[@]:2}"; do case $o in peer=*) peer=${o#peer=} ;; esac; done
		srv linkctl veth "$name" "$peer" ;;
	bridge | up | down | nomaster | del) srv linkctl "$verb" "$name" ;;
	master | mtu | address | rename | mode) srv linkctl "$verb" "$name" "${w[2]}" ;;
	tap)
		echo create >&"${srv_w[tap.$name]}"
		read -r -t 5 -u "${srv_r[tap.$name]}" line || fail "tapctl $name: no answer"
		[ "$line" = "ready $name" ] || fail "tapctl $name: '$line' ($(cat "$out/tap.$name.err"))"
		tapcarrier[$name]=on
		[ "${w[2]:-}" = carrier=off ] && tapcarrier[$name]=off ;;
	carrier) tap_carrier "$name" "${w[2]}" ;;
	client) ;;
	esac
done < "$out/timeline"
sleep_until $(( t0 + run_ns / 1000 + 100000 ))
kill "$monpid" 2> /dev/null
[ -z "$cappid" ] || kill -INT "$cappid" 2> /dev/null

# scenario time 0 as seconds of the UTC day (the monitor prints UTC)
printf '%d.%06d\n' $(( (t0 / 1000000) % 86400 )) $((t0 % 1000000)) > "$out/t0"
echo "$slip" > "$out/slip_us"
stop_all

# remove what the scenario left behind, so the next one starts clean
for dev in $(ip -n "$ns" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
	[ "$dev" = lo ] || ip -n "$ns" link del "$dev" 2>/dev/null
done
exit 0
