#!/usr/bin/env bash
# tests/scenarios.sh - golden traces and exit statuses of `nlsim run`.
#
# For every tests/golden/runs/NAME.cmd (one line: the arguments after
# `nlsim`), run it twice: both outputs must be byte-identical (determinism;
# `run` commands also twice with --pcap, and the pcaps must be identical)
# and equal tests/golden/runs/NAME.out, and the exit status must equal the
# number in NAME.status (0 when absent). To update a golden file on purpose:
#   NLSIM_UPDATE_GOLDEN=1 make check
# Then bad scenarios under tests/scenarios/bad/ must exit 2 with "file:line:";
# one whose first line is "# runner error: LINE: text" (a check that needs
# the runner's hooks, such as a client's options) must print "file:LINE: text".
set -u
build=${1:-build}
nlsim="$build/nlsim"
fail=0 pass=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for cmdf in tests/golden/runs/*.cmd; do
	[ -e "$cmdf" ] || continue
	name=$(basename "$cmdf" .cmd)
	want_status=0
	[ -f "tests/golden/runs/$name.status" ] && want_status=$(cat "tests/golden/runs/$name.status")
	read -r -a args < "$cmdf"
	"$nlsim" "${args[@]}" > "$tmp/a" 2> "$tmp/a.err"; st=$?
	"$nlsim" "${args[@]}" > "$tmp/b" 2> /dev/null
	if ! cmp -s "$tmp/a" "$tmp/b"; then
		echo "FAIL $name: two runs differ (determinism)"; fail=$((fail + 1)); continue
	fi
	# every byte on the wire too (padding included), not only the text trace
	if [ "${args[0]}" = run ]; then
		"$nlsim" "${args[@]}" --pcap "$tmp/a.pcap" > /dev/null 2>&1
		"$nlsim" "${args[@]}" --pcap "$tmp/b.pcap" > /dev/null 2>&1
		if ! cmp -s "$tmp/a.pcap" "$tmp/b.pcap"; then
			echo "FAIL $name: two runs wrote different pcaps (determinism)"
			fail=$((fail + 1)); continue
		fi
	fi
	if [ "$st" != "$want_status" ]; then
		echo "FAIL $name: exit status $st, want $want_status"; cat "$tmp/a.err"
		fail=$((fail + 1)); continue
	fi
	if [ "${NLSIM_UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$tmp/a" "tests/golden/runs/$name.out"
	fi
	if ! cmp -s "$tmp/a" "tests/golden/runs/$name.out"; then
		echo "FAIL $name: output differs from tests/golden/runs/$name.out"
		diff -u "tests/golden/runs/$name.out" "$tmp/a" | head -20
		fail=$((fail + 1)); continue
	fi
	echo "ok   $name"; pass=$((pass + 1))
done

for bad in tests/scenarios/bad/*.nls; do
	[ -e "$bad" ] || continue
	"$nlsim" run "$bad" > /dev/null 2> "$tmp/err"; st=$?
	want=$(sed -n '1s/^# runner error: //p' "$bad")
	if [ "$st" = 2 ] && grep -q "^$bad:[0-9]*: " "$tmp/err" &&
	   { [ -z "$want" ] || grep -qxF "$bad:$want" "$tmp/err"; }; then
		pass=$((pass + 1))
	else
		echo "FAIL bad scenario $bad: exit $st, stderr: $(head -c 200 "$tmp/err")${want:+, want $bad:$want}"
		fail=$((fail + 1))
	fi
done

echo "scenarios: $pass passed, $fail failed"
[ "$fail" = 0 ]
