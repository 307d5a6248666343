#!/bin/sh
# tests/golden/ipmon/capture.sh - regenerate the ip monitor fixtures from a real kernel.
#
# Runs tests/realkernel_capture (raw RTNLGRP_LINK messages) and `ip -ts monitor
# link` side by side in a throw-away network namespace while changing links,
# then writes:
#   link.nlcap  the raw messages (see tests/realkernel_capture.c for the format)
#   link.txt    what ip monitor printed, timestamps stripped
# Needs root, iproute2 (the fixtures were made with iproute2 6.1.0) and a
# built capture tool: CAPTURE=path/to/realkernel_capture sh capture.sh OUTDIR
set -eu

OUT=${1:-.}
CAPTURE=${CAPTURE:-./realkernel_capture}
NS=nlsim-fmt
IP="ip -n $NS"

cleanup() {
	[ -n "${CAP_PID:-}" ] && kill "$CAP_PID" 2>/dev/null || true
	[ -n "${MON_PID:-}" ] && kill "$MON_PID" 2>/dev/null || true
	[ -n "${PEER_PID:-}" ] && kill "$PEER_PID" 2>/dev/null || true
	ip netns del $NS 2>/dev/null || true
}
trap cleanup EXIT

ip netns add $NS
ip netns exec $NS "$CAPTURE" "$OUT/link.nlcap" 2>"$OUT/capture.log" &
CAP_PID=$!
ip netns exec $NS ip -ts monitor link >"$OUT/link.raw" &
MON_PID=$!
# an unnamed namespace (a process, not /var/run/netns) for the move, so that
# ip monitor prints link-netnsid N rather than a namespace name
ip netns exec $NS unshare -n sleep 600 &
PEER_PID=$!
sleep 1
grep -q ready "$OUT/capture.log"

step() { "$@"; sleep 0.2; }

# veth pair, both ends brought up one after the other
step $IP link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02
step $IP link set v0 up
step $IP link set v1 up
# flap, mtu, MAC, flags
step $IP link set v0 down
step $IP link set v0 up
step $IP link set v0 mtu 1400
step $IP link set v1 address 02:00:00:00:00:22
step $IP link set v0 promisc on
step $IP link set v0 allmulticast on
step $IP link set v0 group 5
step $IP link property add dev v0 altname v0alt
# rename (needs the device down)
step $IP link set v1 down
step $IP link set v1 name v1r
step $IP link set v1r up
# linkmode dormant
step $IP link set v1r mode dormant
# bridge and enslavement
step $IP link add br0 address 02:00:00:00:00:b0 type bridge
step $IP link set br0 up
step $IP link set v0 master br0
step $IP link set v0 nomaster
# a pair whose peer moves to another namespace
step $IP link add v2 address 02:00:00:00:00:03 type veth peer name v3 address 02:00:00:00:00:04
step $IP link set v3 netns "$PEER_PID"
step $IP link set v2 up
# noarp (no dummy module here: another veth pair)
step $IP link add d0 address 02:00:00:00:00:d0 type veth peer name d1 address 02:00:00:00:00:d1
step $IP link set d0 arp off
step $IP link set d0 up
# deletions
step $IP link del v0
step $IP link del v2
step $IP link del br0
step $IP link del d0
step $IP link del v1r 2>/dev/null || true
sleep 0.5

kill "$CAP_PID" "$MON_PID"
wait "$CAP_PID" || true
wait "$MON_PID" 2>/dev/null || true
CAP_PID= MON_PID=
sed 's/^\[[0-9T:.-]*\] //' "$OUT/link.raw" >"$OUT/link.txt"
rm -f "$OUT/link.raw"
cat "$OUT/capture.log" >&2
rm -f "$OUT/capture.log"
