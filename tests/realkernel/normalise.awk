# tests/realkernel/normalise.awk - reduce `ip -ts monitor link` text to what
# the differential test compares.
#
# Input: what `ip -ts monitor link` prints for a real kernel, or what
# `nlsim run` prints (the same format with virtual timestamps [s.uuuuuu]).
# Output, one line per kept message:
#
#     DEV <TAB> KEY <TAB> TIME
#
#   KEY  = TYPE FLAGS state=OPERSTATE [master=M] [event=E] CLASS
#   TYPE = NEWLINK or DELLINK ("Deleted ")
#   FLAGS = those of UP, LOWER_UP, RUNNING, NO-CARRIER that are set, joined
#          with ",", or "-". ip(8) never prints RUNNING; it prints NO-CARRIER
#          for an up device without RUNNING, so RUNNING = UP and not NO-CARRIER.
#   CLASS = "now" when the message came less than `now_ms` ms after the
#          latest scenario action (at or before it), else "late" (a link_watch
#          run deferred by the one-second limiter, or a delayed work).
#   TIME = seconds since the scenario's time 0 (for the report only).
#
# Variables (-v):
#   t0       kernel: the wall-clock time of scenario time 0 as seconds of
#            the (UTC) day; model: leave unset (timestamps are already
#            scenario times)
#   runend   end of the run in seconds: later messages are dropped
#   actions  file with the scenario's action times in seconds, one a line
#   bridges  space-separated names of the scenario's bridges
#   devs     space-separated names of the scenario's devices: others dropped
#   now_ms   threshold of CLASS (default 50)
#   stats    file to append "SIDE REASON COUNT" lines to (dropped messages)
#   side     label for stats (kernel, model)
#   raw      kernel only, optional: tests/realkernel/nlcapinfo's lines for a
#            raw capture of the same messages (TYPE FAMILY IFINDEX NAME
#            CHANGE EVENT), paired with the text's messages in order; it
#            tells what the text cannot (ifi_change). When the two do not
#            pair up (a different count or name), it is not used and
#            "raw_unpaired" is counted.
#
# Dropped, because nlsim does not model them (counted in `stats`):
#   af_bridge    AF_BRIDGE-family port messages (br_ifinfo_notify): printed
#                without "group"
#   feature      RTM_NEWLINK with IFLA_EVENT = FEATURE CHANGE
#                (netdev_update_features, e.g. on a bridge when a port joins)
#   bridge_mac   a bridge's RTM_NEWLINK whose MAC differs from its previous
#                message (the bridge adopting a port's address,
#                NETDEV_CHANGEADDR from br_stp_recalculate_bridge_id)
#   other_dev    devices the scenario does not name (lo, ...)
#   after_run    messages after the end of the run

# hex string (0x...) to a number
function hex(s,    v, i, c) {
	v = 0
	s = tolower(s)
	sub(/^0x/, "", s)
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1))
		if (!c)
			return -1
		v = v * 16 + c - 1
	}
	return v
}

# the raw line paired with the current message: sets r_change (-1: unknown)
function pair(    line, rf, n) {
	r_change = -1
	if (raw == "" || rawbad)
		return
	if ((getline line < raw) <= 0) {
		rawbad = 1
		return
	}
	n = split(line, rf, " ")
	if (n < 6 || rf[1] != m_type || rf[4] != m_dev) {
		rawbad = 1
		return
	}
	r_change = hex(rf[5])
}

function flush(    key, lag, k, cls, fl, c) {
	if (!have)
		return
	have = 0
	pair()
	if (!(m_dev in keepdev)) { drop["other_dev"]++; return }
	if (runend != "" && m_t > runend + 0) { drop["after_run"]++; return }
	if (!m_group) { drop["af_bridge"]++; return }
	if (m_event == "FEATURE CHANGE") { drop["feature"]++; return }
	if ((m_dev in isbridge) && m_type == "NEWLINK" && (m_dev in lastmac) &&
	    m_mac != "" && lastmac[m_dev] != m_mac) {
		lastmac[m_dev] = m_mac
		drop["bridge_mac"]++
		return
	}
	if (m_mac != "")
		lastmac[m_dev] = m_mac
	# the latest action at or before the message
	lag = -1
	for (k = nact; k >= 1; k--)
		if (act[k] <= m_t + 0.0005) { lag = m_t - act[k]; break }
	cls = (lag >= 0 && lag < now_ms / 1000.0) ? "now" : "late"
	fl = ""
	if (m_up) fl = fl ",UP"
	if (m_lower) fl = fl ",LOWER_UP"
	if (m_up && !m_nocarrier) fl = fl ",RUNNING"
	if (m_nocarrier) fl = fl ",NO-CARRIER"
	fl = fl == "" ? "-" : substr(fl, 2)
	key = m_type " " fl " state=" m_state
	if (m_master != "") key = key " master=" m_master
	if (m_event != "") { gsub(/ /, "_", m_event); key = key " event=" m_event }
	key = key " " cls
	printf "%s\t%s\t%.6f\n", m_dev, key, m_t
}

BEGIN {
	if (now_ms == "") now_ms = 50
	n = split(devs, d, " ")
	for (i = 1; i <= n; i++) keepdev[d[i]] = 1
	n = split(bridges, d, " ")
	for (i = 1; i <= n; i++) isbridge[d[i]] = 1
	nact = 0
	if (actions != "")
		while ((getline line < actions) > 0)
			act[++nact] = line + 0
	have = 0
}

/^\[/ {
	flush()
	ts = substr($0, 2, index($0, "]") - 2)
	rest = substr($0, index($0, "]") + 2)
	if (index(ts, "T")) {	# kernel: wall clock, 2026-11-22T04:10:18.321071
		split(substr(ts, index(ts, "T") + 1), hms, ":")
		m_t = hms[1] * 3600 + hms[2] * 60 + hms[3] - t0
		if (m_t < -43200) m_t += 86400	# midnight passed
	} else
		m_t = ts + 0
	m_type = "NEWLINK"
	if (substr(rest, 1, 8) == "Deleted ") {
		m_type = "DELLINK"
		rest = substr(rest, 9)
	}
	# IDX: NAME[@LINK]: <FLAGS> ...
	sub(/^[0-9]+: /, "", rest)
	m_dev = substr(rest, 1, index(rest, ":") - 1)
	sub(/@.*/, "", m_dev)
	fl = rest
	sub(/^[^<]*</, "", fl)
	sub(/>.*/, "", fl)
	fl = "," fl ","
	m_up = index(fl, ",UP,") > 0
	m_lower = index(fl, ",LOWER_UP,") > 0
	m_nocarrier = index(fl, ",NO-CARRIER,") > 0
	m_state = ""
	if (match(rest, / state [^ ]+/))
		m_state = substr(rest, RSTART + 7, RLENGTH - 7)
	m_master = ""
	if (match(rest, / master [^ ]+/))
		m_master = substr(rest, RSTART + 8, RLENGTH - 8)
	m_event = ""
	if (match(rest, / event .*/)) {
		m_event = substr(rest, RSTART + 7)
		sub(/ +$/, "", m_event)
	}
	m_group = index(rest, " group ") > 0
	m_mac = ""
	have = 1
	next
}

/^ +link\// {
	if (have && m_mac == "")
		m_mac = $2
	next
}

END {
	flush()
	if (raw != "" && !rawbad && (getline line < raw) > 0)
		rawbad = 1
	if (raw != "" && rawbad)
		drop["raw_unpaired"] = 1
	if (stats != "")
		for (r in drop)
			printf "%s %s %d\n", side, r, drop[r] >> stats
}
