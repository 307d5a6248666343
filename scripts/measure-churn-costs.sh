#!/usr/bin/env bash
# scripts/measure-churn-costs.sh - the per-command costs that
# scenarios/ovs-churn.nls takes from a real kernel, measured on this machine:
# the start of an `ip` process, the kernel side of the churn's link commands
# (veth create, link up, namespace create, moving a veth end into a
# namespace, deleting a pair) and how much of each holds RTNL, one
# `ovs-vsctl` transaction, and optionally the whole reconstructed churn.
# The numbers feed the calibration of docs/reproductions/ovs-event-driven.md
# (the scenario's ip_us and vsctl_us, the profile's cost.netns_move_sync and
# cost.run_todo_barrier); rerun it on the machine you want to model.
#
# How: the link commands run N at a time through one `ip -batch`, timed with
# EPOCHREALTIME; the batch pays one process start, and the fastest of the 20
# measured starts is subtracted (the mean is what a separate `ip` costs). The
# move and the deletes run while tests/realkernel/getlink_latency (compiled
# into a temporary directory) sends RTM_GETLINK doit requests for lo back to
# back: the sum of its calls over 1 ms is the time RTNL was held by someone
# else, i.e. by the batch (a move holds RTNL across synchronize_net(); a
# delete drops it before netdev_run_todo's rcu_barrier(), so it blocks GETLINK
# little). Moves in one batch follow each other closely, so GETLINK may wait
# across several of them: read the blocked time per move as an upper bound of
# the hold. The loop keeps one CPU busy meanwhile, as in the measurements it
# reproduces; its line when run alone for 1 s shows the machine's noise.
#
# Usage: scripts/measure-churn-costs.sh   (as root)
#   N=40      pairs/namespaces per measurement (1..999)
#   CHURN=""  e.g. CHURN="10 50": also time the reconstructed churn of
#             clients/churn.c for these interface counts (needs ovs-vsctl and
#             a bridge br0; ports are added to and removed from br0)
# Every namespace, link and port is named mc<pid>...; all of them are removed
# on exit, failure included, and so is the key external_ids:mcprobe of br0.
# Needs gcc, ip (iproute2), bash >= 5.
set -euo pipefail
export LC_ALL=C

if [[ $(id -u) -ne 0 ]]; then
	echo "measure-churn-costs.sh: must be run as root (creates namespaces, veth pairs, OVS ports)" >&2
	exit 2
fi
n=${N:-40}
read -r -a churn <<<"${CHURN:-}"
for v in "$n" "${churn[@]}"; do
	if ! [[ $v =~ ^[1-9][0-9]{0,2}$ ]]; then
		echo "measure-churn-costs.sh: N and CHURN take counts 1..999, not '$v'" >&2
		exit 2
	fi
done
for cmd in gcc ip awk; do
	command -v "$cmd" >/dev/null || { echo "measure-churn-costs.sh: $cmd not found" >&2; exit 2; }
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
p=mc$$			# prefix of every name; a letter always follows it
tmp=$(mktemp -d "${TMPDIR:-/tmp}/measure-churn.XXXXXX")
glpid=
ovs=false
probe_set=false

cleanup() {
	local rc=$? port link ns
	set +e
	if [[ -n $glpid ]]; then
		kill -TERM "$glpid" 2>/dev/null
		wait "$glpid" 2>/dev/null
	fi
	if $ovs; then
		for port in $(ovs-vsctl --timeout=10 list-ports br0 2>/dev/null | grep -E "^${p}[a-z]"); do
			ovs-vsctl --timeout=10 --if-exists del-port br0 "$port"
		done
		if $probe_set; then
			ovs-vsctl --timeout=10 --no-wait remove bridge br0 external_ids mcprobe
		fi
	fi
	for link in $(ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' |
		      grep -E "^${p}[a-z]"); do
		ip link del "$link" 2>/dev/null	# the peer of a deleted end is gone already
	done
	for ns in $(ip netns list | awk '{ print $1 }' | grep -E "^${p}[a-z]"); do
		ip netns del "$ns"
	done
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

gl=$tmp/getlink_latency
gcc -std=gnu11 -O2 -Wall -Wextra -o "$gl" "$root/tests/realkernel/getlink_latency.c"

ms() {		# T0 T1 [DIV]: (T1 - T0) in ms / DIV, two decimals
	awk -v a="$1" -v b="$2" -v d="${3:-1}" 'BEGIN { printf "%.2f", (b - a) * 1000 / d }'
}
line() {	# LABEL VALUE UNIT [EXTRA]
	if [[ -n ${4:-} ]]; then
		printf '%-52s %8s %-6s  %s\n' "$1" "$2" "$3" "$4"
	else
		printf '%-52s %8s%s\n' "$1" "$2" "${3:+ $3}"
	fi
}
# batch FILE: run `ip -batch FILE`, time it into t_batch (ms).
batch() {
	local t0 t1
	t0=$EPOCHREALTIME
	ip -batch "$1" >/dev/null
	t1=$EPOCHREALTIME
	t_batch=$(ms "$t0" "$t1")
}
# observed FILE: batch FILE while getlink_latency runs; sets t_batch and
# gl_out (the tool's line), blocked (its blocked_ms).
observed() {
	"$gl" 600 >"$tmp/gl.out" &
	glpid=$!
	sleep 0.3	# the loop is up before the batch starts
	batch "$1"
	sleep 0.05
	kill -TERM "$glpid" 2>/dev/null || true
	if ! wait "$glpid"; then
		glpid=
		echo "measure-churn-costs.sh: getlink_latency failed" >&2
		exit 1
	fi
	glpid=
	gl_out=$(<"$tmp/gl.out")
	blocked=${gl_out##*blocked_ms=}
}
per() {		# TOTAL_MS COUNT [SUB_MS]: (TOTAL - SUB) / COUNT
	awk -v t="$1" -v c="$2" -v s="${3:-0}" 'BEGIN { printf "%.2f", (t - s) / c }'
}
us() {		# MS [SUB_MS]: (MS - SUB_MS) in whole us
	awk -v t="$1" -v s="${2:-0}" 'BEGIN { printf "%d", (t - s) * 1000 + 0.5 }'
}
gen() {		# NAME TEMPLATE: $tmp/NAME gets TEMPLATE for i = 1..n (@ = i); prints the path
	local f=$tmp/$1 i
	for ((i = 1; i <= n; i++)); do
		echo "${2//@/$i}"
	done >"$f"
	echo "$f"
}

echo "# measure-churn-costs: $(uname -r), $(ip -V | head -n1), N=$n, $(nproc) CPUs," \
	"load $(cut -d' ' -f1-3 /proc/loadavg), prefix $p"

# 1. Process start of `ip`.
ip link show dev lo >/dev/null
for ((i = 0; i < 20; i++)); do
	t0=$EPOCHREALTIME
	ip link show dev lo >/dev/null
	t1=$EPOCHREALTIME
	echo "$t0 $t1"
done >"$tmp/ip-starts"
read -r ip_ms ip_min ip_max < <(awk '{ d = ($2 - $1) * 1000; s += d
	if (NR == 1 || d < lo) lo = d; if (d > hi) hi = d }
	END { printf "%.2f %.2f %.2f\n", s / NR, lo, hi }' "$tmp/ip-starts")
line "ip process start (20 x ip link show dev lo)" "$ip_ms" "ms" "[min $ip_min, max $ip_max]"

"$gl" 1 >"$tmp/gl.out"
line "GETLINK loop alone for 1 s: blocked (noise)" "$(sed 's/.*blocked_ms=//' "$tmp/gl.out")" "ms" \
	"[$(<"$tmp/gl.out")]"

# 2. N veth pairs, host ends up, N namespaces.
batch "$(gen add "link add ${p}h@ type veth peer name ${p}p@")"
create_ms=$(per "$t_batch" "$n" "$ip_min")
line "create veth pair (ip -batch, per pair)" "$create_ms" "ms/op"
batch "$(gen up "link set ${p}h@ up")"
up_ms=$(per "$t_batch" "$n" "$ip_min")
line "link set up (ip -batch, per link)" "$up_ms" "ms/op"
batch "$(gen netns "netns add ${p}n@")"
netns_ms=$(per "$t_batch" "$n" "$ip_min")
line "create namespace (ip -batch netns add, per ns)" "$netns_ms" "ms/op"

# 3. Move the peers into the namespaces, GETLINK loop running.
observed "$(gen move "link set ${p}p@ netns ${p}n@")"
move_ms=$(per "$t_batch" "$n" "$ip_min")
move_blk=$(per "$blocked" "$n")
line "move veth end into namespace (ip -batch, per move)" "$move_ms" "ms/op"
line "  of which GETLINK was blocked (RTNL held)" "$move_blk" "ms/op" "[$gl_out]"

# 4. Delete the pairs (peer in its namespace), GETLINK loop running.
observed "$(gen del "link del ${p}h@")"
del_ms=$(per "$t_batch" "$n" "$ip_min")
del_blk=$(per "$blocked" "$n")
line "delete veth pair, peer in namespace (ip -batch)" "$del_ms" "ms/op"
line "  of which GETLINK was blocked (RTNL held)" "$del_blk" "ms/op" "[$gl_out]"

# 5. Delete pairs with both ends in the host namespace.
batch "$(gen hadd "link add ${p}x@ type veth peer name ${p}y@")"
observed "$(gen hdel "link del ${p}x@")"
hdel_ms=$(per "$t_batch" "$n" "$ip_min")
line "delete veth pair, both ends in host (ip -batch)" "$hdel_ms" "ms/op"
line "  of which GETLINK was blocked (RTNL held)" "$(per "$blocked" "$n")" "ms/op" "[$gl_out]"

# 6. One ovs-vsctl transaction that does not wait for vswitchd.
vsctl_ms=
if command -v ovs-vsctl >/dev/null && ovs-vsctl --timeout=5 br-exists br0 2>/dev/null; then
	ovs=true
	probe_set=true
	t0=$EPOCHREALTIME
	for ((k = 0; k < 10; k++)); do
		ovs-vsctl --no-wait set bridge br0 "external_ids:mcprobe=$k"
	done
	t1=$EPOCHREALTIME
	ovs-vsctl --no-wait remove bridge br0 external_ids mcprobe
	probe_set=false
	vsctl_ms=$(ms "$t0" "$t1" 10)
	line "ovs-vsctl --no-wait set bridge br0 (10 x)" "$vsctl_ms" "ms"
else
	line "ovs-vsctl: skipped (no ovs-vsctl or no bridge br0)" "-" ""
fi

# 7. The reconstructed churn (clients/churn.c, add_all_del_all, pods on).
if ((${#churn[@]})) && ! $ovs; then
	line "churn: skipped (needs ovs-vsctl and br0)" "-" ""
elif ((${#churn[@]})); then
	for c in "${churn[@]}"; do
		t0=$EPOCHREALTIME
		for ((i = 1; i <= c; i++)); do
			ip netns add "${p}cn$i"
			ip link add "${p}ch$i" type veth peer name "${p}cp$i"
			ip link set "${p}cp$i" netns "${p}cn$i"
			ip link set "${p}ch$i" up
			ip -n "${p}cn$i" link set "${p}cp$i" up
			ovs-vsctl add-port br0 "${p}ch$i"
		done
		for ((i = 1; i <= c; i++)); do
			ovs-vsctl del-port br0 "${p}ch$i"
			ip link del "${p}ch$i"
		done
		t1=$EPOCHREALTIME
		line "churn of $c interfaces (ip/ovs-vsctl per command)" "$(ms "$t0" "$t1" 1000)" "s"
		for ((i = 1; i <= c; i++)); do
			echo "netns del ${p}cn$i"
		done >"$tmp/netns-del"
		ip -batch "$tmp/netns-del"
		sleep 2		# let cleanup_net finish before the next count
	done
fi

# Footer: what the numbers are and how the scenario uses them.
floor=$(awk -v ip="$ip_ms" -v vs="${vsctl_ms:-0}" -v ns="$netns_ms" -v cr="$create_ms" \
	-v mv="$move_ms" -v up="$up_ms" -v dl="$del_ms" \
	'BEGIN { printf "%.1f", 6 * ip + 2 * vs + ns + cr + mv + 2 * up + dl }')
cat <<EOF
# These values hold for this machine only (kernel, CPU count, load, iproute2
# and OVS builds). ip -batch lines are per operation, the fastest ip process
# start subtracted. scenarios/ovs-churn.nls charges, per interface, 6 ip process
# starts (ip_us), 2 ovs-vsctl transactions (vsctl_us, before the wait for
# vswitchd), one move (RTNL held for cost.netns_move_sync) and one delete
# (cost.run_todo_barrier after RTNL is dropped), so its total grows with N
# times their sum, plus vswitchd's waits and RTNL contention; the parts above
# give a floor of about $floor ms per interface (N x that for N interfaces).
# To model this machine (all in us):
#   nlsim run scenarios/ovs-churn.nls --set ip_us=$(us "$ip_ms")${vsctl_ms:+ --set vsctl_us=$(us "$vsctl_ms")} \\
#     --set cost.netns_move_sync=$(us "$move_blk") --set cost.run_todo_barrier=$(us "$del_ms" "$del_blk")
EOF
