#!/usr/bin/env bash
# tests/sweep.sh - `nlsim sweep` end to end: the CSV is byte-identical for
# --jobs 1 and --jobs 2 (and equal to the runs it stands for), variables
# expand in `nlsim run` too, bad grids exit 2. No OVS model needed: the churn
# driver runs with ovs=off. Usage: tests/sweep.sh BUILD_DIR
set -u
build=${1:-build}
nlsim="$build/nlsim"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1"; fail=$((fail + 1)); }

cat > "$tmp/s.nls" <<'NLS'
# a small churn without OVS; ${ifaces} comes from the grid
profile v6.18
seed 3
run 2s
at 10ms client churn ifaces=${ifaces:-2} ovs=off pod_netns=${pods:-on}
every 7ms until=1s rtnl-hold 1ms class=contender
expect metric churn.errors == 0
NLS

args=(sweep "$tmp/s.nls" --grid ifaces=1,3 --grid rtnl.delay=0,500 --grid pods=on,off
      --reps 2 --set rtnl.delay_classes=all)
"$nlsim" "${args[@]}" --jobs 1 --csv "$tmp/j1.csv" 2> "$tmp/err1"; st1=$?
"$nlsim" "${args[@]}" --jobs 2 --csv "$tmp/j2.csv" 2> "$tmp/err2"; st2=$?
"$nlsim" "${args[@]}" --jobs 5 > "$tmp/j5.csv" 2> /dev/null
if [ $st1 = 0 ] && [ $st2 = 0 ] && cmp -s "$tmp/j1.csv" "$tmp/j2.csv" &&
   cmp -s "$tmp/j1.csv" "$tmp/j5.csv"; then
	ok "CSV identical for --jobs 1, 2, 5"
else
	ko "CSV differs between --jobs (status $st1 $st2)"; cat "$tmp/err1" "$tmp/err2"
	diff "$tmp/j1.csv" "$tmp/j2.csv" | head -5
fi

# 2 x 2 x 2 combinations x 2 reps, one header
[ "$(wc -l < "$tmp/j1.csv")" = 17 ] && ok "17 lines" || ko "want 17 lines: $(wc -l < "$tmp/j1.csv")"
head -1 "$tmp/j1.csv" | grep -q '^ifaces,rtnl.delay,pods,rep,seed,status,churn.add_s,' &&
	ok "header" || ko "header: $(head -1 "$tmp/j1.csv" | cut -c1-80)"
# rows in grid order, seeds all different, reps differ only by seed here
[ "$(cut -d, -f1-4 "$tmp/j1.csv" | sed -n '2p;3p;16p;17p' | tr '\n' ' ')" = \
  "1,0,on,0 1,0,on,1 3,500,off,0 3,500,off,1 " ] && ok "grid order" || ko "grid order"
[ "$(tail -n +2 "$tmp/j1.csv" | cut -d, -f5 | sort -u | wc -l)" = 16 ] &&
	ok "distinct seeds" || ko "seeds repeat"

# one row stands for `nlsim run` with the same seed and settings
row=$(sed -n 16p "$tmp/j1.csv")
seed=$(echo "$row" | cut -d, -f5)
"$nlsim" run "$tmp/s.nls" --quiet --seed "$seed" --set ifaces=3 --set rtnl.delay=500 \
	--set pods=off --set rtnl.delay_classes=all --metrics "$tmp/m.json"
total=$(sed -n 's/^ *"churn.total_s": \([0-9.e-]*\),*$/\1/p' "$tmp/m.json")
col=$(head -1 "$tmp/j1.csv" | tr ',' '\n' | grep -n '^churn.total_s$' | cut -d: -f1)
[ -n "$total" ] && [ "$(echo "$row" | cut -d, -f"$col")" = "$total" ] &&
	ok "row = nlsim run --seed $seed" || ko "row differs from nlsim run ($total)"
# the delay shows: 3 interfaces with pods off, 500 us on every class, is slower
t0=$(awk -F, -v c="$col" 'NR==12{print $c}' "$tmp/j1.csv")
t1=$(awk -F, -v c="$col" 'NR==16{print $c}' "$tmp/j1.csv")
awk -v a="$t0" -v b="$t1" 'BEGIN{exit !(b > a)}' && ok "delay costs time ($t0 < $t1)" ||
	ko "delay did not cost time ($t0, $t1)"

# bad input: exit 2 and a message, nothing run
"$nlsim" sweep "$tmp/s.nls" --grid nosuchkey=1,2 > /dev/null 2> "$tmp/e"; st=$?
[ $st = 2 ] && grep -q "nosuchkey" "$tmp/e" && ok "unknown grid key: exit 2" ||
	ko "unknown grid key: exit $st"
# a grid value a client refuses: file:line of the expanded action, no run
"$nlsim" sweep "$tmp/s.nls" --grid pods=on,maybe --csv "$tmp/maybe.csv" > /dev/null \
	2> "$tmp/e"; st=$?
[ $st = 2 ] && [ ! -e "$tmp/maybe.csv" ] &&
	grep -qx "$tmp/s.nls:5: client churn: pod_netns='maybe': expected on or off" "$tmp/e" &&
	ok "bad client option in the grid: exit 2" ||
	ko "bad client option in the grid: exit $st: $(cat "$tmp/e")"
"$nlsim" sweep scenarios/ovs-churn.nls --grid variant=main,bogus --csv "$tmp/bogus.csv" \
	> /dev/null 2> "$tmp/e"; st=$?
[ $st = 2 ] && [ ! -e "$tmp/bogus.csv" ] &&
	grep -q "^scenarios/ovs-churn.nls:[0-9]*: client ovs: variant='bogus': expected main or series$" \
		"$tmp/e" && ok "bad ovs variant in the grid: exit 2" ||
	ko "bad ovs variant in the grid: exit $st: $(cat "$tmp/e")"
printf 'run 1s\nat 0 client churn ifaces=${n}\n' > "$tmp/bad.nls"
"$nlsim" run "$tmp/bad.nls" > /dev/null 2> "$tmp/e"; st=$?
[ $st = 2 ] && grep -q "bad.nls:2: variable 'n' has no value" "$tmp/e" &&
	ok "unset variable: exit 2" || ko "unset variable: exit $st: $(cat "$tmp/e")"
"$nlsim" sweep "$tmp/s.nls" --grid ifaces=1 --reps 0 > /dev/null 2>&1; st=$?
[ $st = 2 ] && ok "--reps 0: exit 2" || ko "--reps 0: exit $st"

# --plot: an SVG from the CSV with gnuplot, or a clear note without it
"$nlsim" sweep "$tmp/s.nls" --grid ifaces=1,2 --reps 1 --jobs 1 --csv "$tmp/p.csv" \
	--plot "$tmp/p.svg" > /dev/null 2> "$tmp/e"; st=$?
if command -v gnuplot > /dev/null; then
	[ $st = 0 ] && grep -q "<svg" "$tmp/p.svg" 2> /dev/null && ok "--plot writes an SVG" ||
		ko "--plot: exit $st, $(head -c 200 "$tmp/e")"
else
	[ $st = 0 ] && grep -q "gnuplot is not installed" "$tmp/e" &&
		ok "--plot without gnuplot says so" || ko "--plot without gnuplot: exit $st"
fi
"$nlsim" sweep "$tmp/s.nls" --grid ifaces=1 --plot "$tmp/q.svg" > /dev/null 2> "$tmp/e"; st=$?
[ $st = 2 ] && grep -q "give --csv" "$tmp/e" && ok "--plot without --csv: exit 2" ||
	ko "--plot without --csv: exit $st"

echo "sweep: $pass passed, $fail failed"
[ $fail = 0 ]
