# tests/realkernel/timeline.awk - expand a .nls scenario into its timeline.
#
# Reads the subset of the scenario language (docs/scenario-language.md) that
# the real-kernel driver can replay and prints one line per action, in the
# order nlsim runs them (time, then file order):
#
#     TIME_NS <TAB> ORDER <TAB> VERB ARG...
#
# and first a line "run <TAB> RUN_NS". `at TIME ACTION` and
# `every PERIOD [from=] [until=] [count=] ACTION` are expanded exactly as the
# language defines them (from defaults to 0, until to the end of the run,
# both inclusive); expectations, profile, seed, set and sweep are ignored
# (the model side reads them itself). What the driver cannot replay is an
# error (exit 2, "FILE:LINE: message" on stderr): quoted words, netns
# statements and netns= options (the whole scenario runs in one namespace).
# Pipe the output through `sort -t "$(printf '\t')" -k1,1n -k2,2n`.

function fail(msg) {
	printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	failed = 1
	exit 2
}

# A time or duration in integer nanoseconds (exact below 2^53 ns).
function ns(s,    num, unit, ip, fp, mult, val, i) {
	if (s == "0")
		return 0
	if (!match(s, /^[0-9]+(\.[0-9]+)?(ns|us|ms|s)$/))
		fail("bad time '" s "'")
	unit = s
	sub(/^[0-9.]+/, "", unit)
	num = substr(s, 1, length(s) - length(unit))
	mult = unit == "ns" ? 1 : unit == "us" ? 1000 : unit == "ms" ? 1000000 : 1000000000
	ip = num; fp = ""
	if (index(num, ".")) {
		ip = substr(num, 1, index(num, ".") - 1)
		fp = substr(num, index(num, ".") + 1)
	}
	# integer part times the unit, plus the fraction digit by digit
	val = ip * mult
	for (i = 1; i <= length(fp); i++) {
		mult /= 10
		val += substr(fp, i, 1) * mult
	}
	if (val != int(val))
		fail("time '" s "' is finer than 1 ns")
	return val
}

BEGIN { OFS = "\t"; n = 0; run = -1; failed = 0 }

{
	line = $0
	if (index(line, "\""))
		fail("quoted words are not supported by the real-kernel driver")
	sub(/#.*/, "", line)
	sub(/\r$/, "", line)
	nf = split(line, w, /[ \t]+/)
	# split() keeps an empty first field when the line starts with blanks
	k = 0
	for (i = 1; i <= nf; i++)
		if (w[i] != "")
			f[++k] = w[i]
	nf = k
	if (nf == 0)
		next
	for (i = 1; i <= nf; i++)
		if (f[i] ~ /^(netns|peer_netns)=/)
			fail("netns options are not supported by the real-kernel driver")
	kw = f[1]
	if (kw == "profile" || kw == "seed" || kw == "set" || kw == "sweep" || kw == "expect")
		next
	if (kw == "netns")
		fail("netns statements are not supported by the real-kernel driver")
	if (kw == "run") {
		run = ns(f[2])
		next
	}
	if (kw == "at") {
		if (nf < 3)
			fail("'at' needs a time and an action")
		if (f[3] == "expect")
			next
		t = ns(f[2]); act = f[3]
		for (i = 4; i <= nf; i++)
			act = act " " f[i]
		n++
		kind[n] = "at"; t0[n] = t; action[n] = act; order[n] = NR
		next
	}
	if (kw == "every") {
		if (nf < 3)
			fail("'every' needs a period and an action")
		period = ns(f[2])
		if (period <= 0)
			fail("'every' needs a period above 0")
		from = 0; until = -1; count = -1
		for (i = 3; i <= nf && f[i] ~ /^(from|until|count)=/; i++) {
			split(f[i], kv, "=")
			if (kv[1] == "from") from = ns(kv[2])
			else if (kv[1] == "until") until = ns(kv[2])
			else count = kv[2] + 0
		}
		if (i > nf)
			fail("'every' needs an action")
		act = f[i]
		for (i++; i <= nf; i++)
			act = act " " f[i]
		n++
		kind[n] = "every"; t0[n] = from; per[n] = period; til[n] = until
		cnt[n] = count; action[n] = act; order[n] = NR
		next
	}
	fail("unknown statement '" kw "'")
}

END {
	if (failed)
		exit 2
	if (run < 0) {
		printf "%s: missing 'run DURATION'\n", FILENAME > "/dev/stderr"
		exit 2
	}
	printf "run\t%.0f\n", run
	for (j = 1; j <= n; j++) {
		if (kind[j] == "at") {
			if (t0[j] <= run)
				printf "%.0f\t%d\t%s\n", t0[j], order[j], action[j]
			continue
		}
		lim = til[j] < 0 || til[j] > run ? run : til[j]
		done = 0
		for (t = t0[j]; t <= lim && (cnt[j] < 0 || done < cnt[j]); t += per[j]) {
			printf "%.0f\t%d\t%s\n", t, order[j], action[j]
			done++
		}
	}
}
