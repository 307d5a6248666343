#!/usr/bin/env bash
# tests/install.sh - `make install` into a temporary prefix, then build the
# example (a CUnit test of a tiny event-driven client) against the installed
# libnlsim through `pkg-config --cflags --libs nlsim`, and run it.
set -u
build=${1:-build}
case "$build" in *asan*) echo "install: 0 passed, 0 failed (sanitizer build: not installed)"; exit 0;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! make -s install PREFIX=/usr DESTDIR="$tmp/root" > "$tmp/install.log" 2>&1; then
	cat "$tmp/install.log"; echo "install: 0 passed, 1 failed"; exit 1
fi
export PKG_CONFIG_SYSROOT_DIR="$tmp/root"
export PKG_CONFIG_PATH="$tmp/root/usr/lib/pkgconfig"
export LD_LIBRARY_PATH="$tmp/root/usr/lib"
flags=$(pkg-config --cflags --libs nlsim) || { echo "install: 0 passed, 1 failed (pkg-config)"; exit 1; }
if ! cc -o "$tmp/example" examples/test_link_follower.c $flags -lcunit 2> "$tmp/cc.log"; then
	cat "$tmp/cc.log"; echo "install: 0 passed, 1 failed (example does not build)"; exit 1
fi
for f in usr/bin/nlsim usr/include/nlsim/nlsim.h usr/lib/libnlsim.a usr/lib/pkgconfig/nlsim.pc \
	 usr/share/man/man1/nlsim.1; do
	[ -e "$tmp/root/$f" ] || { echo "install: missing $f"; echo "install: 0 passed, 1 failed"; exit 1; }
done
if "$tmp/example" > "$tmp/run.log" 2>&1; then
	echo "install: 1 passed, 0 failed"
else
	cat "$tmp/run.log"; echo "install: 0 passed, 1 failed (example test failed)"; exit 1
fi
