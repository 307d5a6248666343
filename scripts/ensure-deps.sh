#!/bin/sh
# scripts/ensure-deps.sh - make sure what nlsim builds with is installed.
#
#   scripts/ensure-deps.sh             libmnl, cunit, liburcu, jemalloc, pkg-config
#   scripts/ensure-deps.sh --optional  tshark, gnuplot, ip, jq (used by make check/run)
#
# Silent and fast when everything is there. When something is missing: as
# root, installs the Debian packages with apt-get (running apt-get update first
# only when the package lists are empty or the install fails); otherwise prints
# the command to run and exits 1. Missing optional tools never fail: as
# non-root they are only named.
set -u

# pkg-config module:Debian package
required="libmnl:libmnl-dev cunit:libcunit1-dev liburcu:liburcu-dev jemalloc:libjemalloc-dev"
# command:Debian package
optional="tshark:tshark gnuplot:gnuplot-nox ip:iproute2 jq:jq cc:gcc"

apt_install() {
	export DEBIAN_FRONTEND=noninteractive
	if ! ls /var/lib/apt/lists/ 2>/dev/null | grep -q '_Packages'; then
		apt-get update || return 1
	fi
	apt-get install -y "$@" && return 0
	apt-get update && apt-get install -y "$@"
}

missing=
if [ "${1:-}" = --optional ]; then
	for m in $optional; do
		command -v "${m%%:*}" >/dev/null 2>&1 || missing="$missing ${m#*:}"
	done
	[ -n "$missing" ] || exit 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "ensure-deps: installing optional tools:$missing"
		apt_install $missing ||
			echo "ensure-deps: note: could not install$missing; tests that need them skip"
	else
		echo "ensure-deps: note: optional tools missing; tests that need them skip."
		echo "  To have them: sudo apt-get install -y$missing"
	fi
	exit 0
fi

modules=
for m in $required; do
	modules="$modules ${m%%:*}"
done
if command -v pkg-config >/dev/null 2>&1; then
	pkg-config --exists $modules && exit 0
	for m in $required; do
		pkg-config --exists "${m%%:*}" || missing="$missing ${m#*:}"
	done
else
	missing=" pkg-config"
	for m in $required; do
		missing="$missing ${m#*:}" # cannot tell without pkg-config
	done
fi

if [ "$(id -u)" != 0 ]; then
	echo "ensure-deps: nlsim needs these Debian packages:$missing" >&2
	echo "  Install them, then run make again:" >&2
	echo "  sudo apt-get install -y$missing" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "ensure-deps: no apt-get here; install the equivalents of:$missing" >&2
	exit 1
fi
echo "ensure-deps: installing:$missing"
apt_install $missing || exit 1
if ! pkg-config --exists $modules; then
	echo "ensure-deps: still missing after install:" >&2
	pkg-config --print-errors --exists $modules
	exit 1
fi
