#!/usr/bin/env bash
# tests/realkernel.sh - differential test: nlsim against this machine's kernel.
#
# For every scenarios/diff-*.nls: replay it on real devices in a throw-away
# network namespace (tests/realkernel/drive.sh, `ip -ts monitor link`
# recording), run it in nlsim under the v6.18 profile, reduce both traces to
# per-device sequences of (NEWLINK/DELLINK, UP/LOWER_UP/RUNNING/NO-CARRIER,
# operstate, master, event, timing class now/late) with
# tests/realkernel/normalise.awk, and compare. docs/kernel-fidelity.md,
# section "Differential test against the real kernel", explains the rules.
#
# Usage: tests/realkernel.sh [BUILD_DIR]       (make check passes build/)
# Environment:
#   NLSIM_REALKERNEL=0        skip
#   NLSIM_REALKERNEL_ONLY=x   run only scenarios/diff-x.nls
#   NLSIM_REALKERNEL_KEEP=1   keep the work directory (traces) even on success
#   NLSIM_REALKERNEL_PROFILE=P  compare with nlsim profile P instead of v6.18
# Skips (exit 0, "realkernel: skipped: REASON") without root, ip(8), network
# namespaces or bash 5; scenarios with a tap are skipped without /dev/net/tun
# or a C compiler. A scenario that does not match is run a second time (the
# kernel's link_watch is global, so another netns's activity can shift its
# one-second slots); it fails only when both runs disagree with the model.
set -u
export LC_ALL=C

build=${1:-build}
cd "$(dirname "$0")/.." || exit 1
nlsim=$build/nlsim
rk=tests/realkernel
profile=${NLSIM_REALKERNEL_PROFILE:-v6.18}
passed=0 failed=0 skipped=0

skip() {
	echo "realkernel: skipped: $*"
	exit 0
}

[ "${NLSIM_REALKERNEL:-1}" != 0 ] || skip "NLSIM_REALKERNEL=0"
if [ ! -x "$nlsim" ]; then
	echo "realkernel: $nlsim is missing (make $nlsim)"
	echo "realkernel: 0 passed, 1 failed"
	exit 1
fi
[ "$(id -u)" = 0 ] || skip "not root (network namespaces and devices need CAP_NET_ADMIN)"
command -v ip > /dev/null || skip "no ip(8) (iproute2)"
[ "${BASH_VERSINFO[0]}" -ge 5 ] || skip "bash 5 needed (EPOCHREALTIME)"
for tool in awk sort diff mkfifo; do
	command -v $tool > /dev/null || skip "no $tool"
done
ip -ts monitor help 2>&1 | grep -q link || skip "ip monitor does not work here"

work=$(mktemp -d /tmp/nlsim-realkernel.XXXXXX) || exit 1
ns=nlsim-diff-$$
keep=${NLSIM_REALKERNEL_KEEP:-0}
cleanup() {
	ip netns del "$ns" 2> /dev/null
	if [ "$keep" = 1 ]; then
		echo "realkernel: traces kept in $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# One run at a time per machine: link_watch is global to the kernel, so two
# copies of this test (make check runs it for build/ and build/asan/, other
# checkouts may run it too) would disturb each other's one-second slots.
lock=/run/lock/nlsim-realkernel.lock
[ -d /run/lock ] || lock=/tmp/nlsim-realkernel.lock
if command -v flock > /dev/null; then
	exec 9> "$lock"
	flock -w 120 9 || skip "another realkernel run holds $lock"
fi

ip netns add "$ns" 2> "$work/netns.err" || skip "ip netns add failed: $(cat "$work/netns.err")"

# The helpers (tests/realkernel/*.c) are compiled here; they are not part
# of the build.
tools=$work/tools
mkdir -p "$tools"
cc=${CC:-cc}
command -v "$cc" > /dev/null || skip "no C compiler ($cc) for the helpers"
for t in linkctl nlcapinfo; do
	$cc -std=gnu11 -O2 -Wall -Wextra -o "$tools/$t" $rk/$t.c 2> "$work/cc.err" ||
		skip "cannot build $t: $(head -c 300 "$work/cc.err")"
done
# tests/realkernel_capture.c records the raw messages next to the text, for
# what ip(8) does not print (ifi_change); make check builds it into $build
capwhy=
if [ -x "$build/tests/realkernel_capture" ]; then
	ln -s "$(cd "$build/tests" && pwd)/realkernel_capture" "$tools/realkernel_capture"
elif ! $cc -std=gnu11 -O2 -o "$tools/realkernel_capture" tests/realkernel_capture.c \
	$(pkg-config --cflags --libs libmnl 2> /dev/null || echo -lmnl) 2> "$work/cc.err"; then
	capwhy="no realkernel_capture (promiscuity notifications are not dropped)"
	echo "note: $capwhy"
fi
tapwhy=
if [ ! -c /dev/net/tun ]; then
	tapwhy="no /dev/net/tun"
elif ! $cc -std=gnu11 -O2 -Wall -Wextra -o "$tools/tapctl" $rk/tapctl.c 2> "$work/cc.err"; then
	tapwhy="cannot build tapctl: $(head -c 300 "$work/cc.err")"
fi

# Print the per-device differences of two normalised traces (DEV KEY TIME).
report() {	# MODEL KERNEL
	local m=$1 k=$2 dev
	for dev in $(cut -f1 "$m" "$k" | awk '!seen[$0]++'); do
		awk -F '\t' -v d="$dev" '$1 == d { print $2 }' "$m" > "$work/m.dev"
		awk -F '\t' -v d="$dev" '$1 == d { print $2 }' "$k" > "$work/k.dev"
		cmp -s "$work/m.dev" "$work/k.dev" && continue
		echo "  device $dev: model $(wc -l < "$work/m.dev") messages, kernel $(wc -l < "$work/k.dev") (- model, + kernel):"
		diff -U1 "$work/m.dev" "$work/k.dev" | tail -n +3 | head -n 40 | sed 's/^/    /'
		echo "    times (s) model: $(awk -F '\t' -v d="$dev" '$1 == d { printf "%.3f ", $3 }' "$m" | head -c 400)"
		echo "    times (s) kernel: $(awk -F '\t' -v d="$dev" '$1 == d { printf "%.3f ", $3 }' "$k" | head -c 400)"
	done
}

# normalise SIDE TRACE DIR [T0 [RAW]]
normalise() {
	local side=$1 trace=$2 dir=$3 t0=${4:-0} raw=${5:-}
	awk -v side="$side" -v t0="$t0" -v runend="$(cat "$dir/runend")" -v raw="$raw" \
		-v actions="$dir/actions" -v bridges="$(cat "$dir/bridges")" \
		-v devs="$(cat "$dir/devs")" -v stats="$dir/dropped" \
		-f $rk/normalise.awk "$trace"
}

# One attempt: replay, normalise both sides, compare.
# Returns 0 = match, 1 = mismatch, 2 = the replay itself failed.
attempt() {	# FILE DIR MODEL_TRACE
	local f=$1 dir=$2 model=$3 slip
	mkdir -p "$dir"
	# link_watch's limiter must be idle at time 0, as in the model. After
	# activity it can stay busy for up to two seconds (a deferred run up to
	# 1 s later re-arms it for another second, even when the devices it was
	# for are gone), so leave 2.1 s: 1.75 s here, ~0.35 s in drive.sh
	sleep 1.75
	if ! $rk/drive.sh "$ns" "$f" "$dir" "$tools" 2> "$dir/drive.err"; then
		echo "  driver failed: $(head -c 600 "$dir/drive.err")"
		return 2
	fi
	sed -n 's/^run\t//p' "$dir/timeline.raw" | awk '{ printf "%.6f\n", $1 / 1e9 }' > "$dir/runend"
	normalise model "$model" "$dir" > "$dir/model.norm"
	raw=
	if [ -f "$dir/kernel.nlcap" ]; then
		"$tools/nlcapinfo" "$dir/kernel.nlcap" > "$dir/kernel.raw" && raw=$dir/kernel.raw
	fi
	normalise kernel "$dir/kernel.txt" "$dir" "$(cat "$dir/t0")" "$raw" > "$dir/kernel.norm"
	slip=$(cat "$dir/slip_us")
	if [ "$slip" -gt 15000 ]; then
		echo "  note: an action ran $((slip / 1000)) ms late (machine busy?)"
		return 1
	fi
	cut -f1,2 "$dir/model.norm" > "$dir/model.cmp"
	cut -f1,2 "$dir/kernel.norm" > "$dir/kernel.cmp"
	cmp -s "$dir/model.cmp" "$dir/kernel.cmp"
}

for f in scenarios/diff-*.nls; do
	[ -e "$f" ] || continue
	name=$(basename "$f" .nls)
	[ -z "${NLSIM_REALKERNEL_ONLY:-}" ] || [ "$name" = "diff-${NLSIM_REALKERNEL_ONLY#diff-}" ] || continue
	dir=$work/$name
	mkdir -p "$dir"
	if [ -n "$tapwhy" ] && grep -Eq '^[[:space:]]*(at|every)[[:space:]].*[[:space:]]tap[[:space:]]' "$f"; then
		echo "skip $name: $tapwhy"
		skipped=$((skipped + 1))
		continue
	fi

	# the model: the same file under the v6.18 profile
	"$nlsim" run "$f" --set profile=$profile > "$dir/model.txt" 2> "$dir/model.err"
	st=$?
	if [ "$st" -ge 2 ]; then
		echo "FAIL $name: nlsim run exited $st: $(head -c 400 "$dir/model.err")"
		failed=$((failed + 1))
		continue
	fi

	try=1
	while :; do
		attempt "$f" "$dir/try$try" "$dir/model.txt" > "$dir/try$try.log" 2>&1
		rc=$?
		[ "$rc" = 1 ] && [ "$try" = 1 ] || break
		report "$dir/try1/model.norm" "$dir/try1/kernel.norm" >> "$dir/try1.log"
		try=2
	done
	t=$dir/try$try
	nmsg=$(wc -l < "$t/kernel.norm" 2> /dev/null || echo 0)
	drops=$(awk '$1 == "kernel" { printf " %s=%s", $2, $3 }' "$t/dropped" 2> /dev/null)
	if [ "$rc" = 0 ]; then
		echo "ok   $name: $nmsg messages match; dropped on the kernel side:${drops:- none}"
		if [ "$try" = 2 ]; then
			echo "  (on the second run; the first one differed:)"
			head -n 30 "$dir/try1.log" | sed 's/^/  /'
		fi
		passed=$((passed + 1))
	elif [ "$rc" = 2 ]; then
		echo "FAIL $name: could not replay on the real kernel"
		sed 's/^/  /' "$dir/try$try.log"
		failed=$((failed + 1))
		keep=1
	else
		echo "FAIL $name: the kernel and nlsim ($profile) disagree, twice"
		cat "$dir/try$try.log"
		echo "  dropped on the kernel side:${drops:- none}"
		report "$t/model.norm" "$t/kernel.norm"
		echo "  traces: $t/kernel.txt (kernel), $dir/model.txt (nlsim)"
		failed=$((failed + 1))
		keep=1
	fi
done

summary="realkernel: $passed passed, $failed failed"
[ "$skipped" = 0 ] || summary="$summary ($skipped skipped: $tapwhy)"
echo "$summary"
[ "$failed" = 0 ]
