#!/usr/bin/env bash
# scripts/check-rtnl-inlining.sh - which rtnl_lock() callers delay-kfunc can delay, read from a
# distribution kernel's own binary.
#
# delay-kfunc attaches to the function rtnl_lock(): only callers that call it out of line pay
# the delay (clients.md §5.3). Where the compiler inlined rtnl_lock() (its body is one
# mutex_lock(&rtnl_mutex)), the caller takes the mutex without entering the function.
# This script downloads a Debian kernel's debug image (vmlinux with DWARF), then prints:
#   1. how rtnetlink_rcv_msg(), the rtnetlink dispatcher that every doit request (RTM_GETLINK,
#      RTM_NEWLINK, tc, ...) goes through, takes the RTNL mutex, with DWARF's inline chain;
#   2. every function of vmlinux that calls rtnl_lock() out of line, with the source file of
#      the call, and whether any of them is in net/core/rtnetlink.c;
#   3. the same for the Open vSwitch kernel module.
#
# Usage: scripts/check-rtnl-inlining.sh [ABI]
#   ABI: a Debian kernel ABI with a -dbg package in apt, e.g. 6.1.0-50-amd64 (default: the
#   newest linux-image-*-amd64-dbg that apt knows). DEB=/path/to/linux-image-...-dbg_....deb
#   uses a package downloaded by hand instead (e.g. 6.12 from bookworm-backports).
# Needs apt-get, dpkg-deb and binutils; about 2 GB in ${TMPDIR:-/tmp} while it runs (the
# package alone is 0.85-1 GB). Takes a minute or two after the download. Not part of CI.
set -euo pipefail
for t in dpkg-deb objdump addr2line; do
	command -v "$t" >/dev/null || { echo "check-rtnl-inlining.sh: needs $t" >&2; exit 2; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/rtnl-inline.XXXXXX")
trap 'rm -rf "$work"' EXIT
deb=${DEB:-}
if [ -z "$deb" ]; then
	abi=${1:-$(apt-cache search --names-only '^linux-image-[0-9.]+-[0-9]+-amd64-dbg$' |
		awk '{print $1}' | sed 's/^linux-image-//; s/-dbg$//' | sort -V | tail -n1)}
	[ -n "$abi" ] || { echo "check-rtnl-inlining.sh: apt knows no linux-image-*-amd64-dbg" \
		"(run apt-get update)" >&2; exit 2; }
	echo "# downloading linux-image-$abi-dbg (about 850 MB)" >&2
	(cd "$work" && apt-get download "linux-image-$abi-dbg" >&2)
	deb=$(ls "$work"/linux-image-*-dbg_*.deb)
fi
echo "# package: $(basename "$deb")"
# vmlinux is usr/lib/debug/boot/vmlinux-ABI up to 6.12, lib/modules/ABI/vmlinux
# (with boot/ a symlink) in 7.x: take both, keep the regular file.
dpkg-deb --fsys-tarfile "$deb" |
	tar -x -C "$work" --wildcards './usr/lib/debug/boot/vmlinux-*' \
		'./usr/lib/debug/lib/modules/*/vmlinux' \
		'./usr/lib/debug/lib/modules/*/kernel/net/openvswitch/openvswitch.ko' 2>/dev/null || true
vmlinux=$(find "$work/usr/lib/debug" -name 'vmlinux*' -type f | head -n1)
[ -n "$vmlinux" ] || { echo "check-rtnl-inlining.sh: no vmlinux in $deb" >&2; exit 2; }
ovsko=$(find "$work/usr/lib/debug/lib/modules" -name openvswitch.ko | head -n1)

echo
echo "## 1. How rtnetlink_rcv_msg() takes the RTNL mutex"
objdump -d -l --inlines --no-show-raw-insn --disassemble=rtnetlink_rcv_msg "$vmlinux" |
	awk '/^rtnl_lock\(\):$/ { show = 6 } show > 0 { print "    " $0; show-- }
	     /call.*<rtnl_lock>$/ { print "    OUT OF LINE: " $0 }'
echo "    (\"rtnl_lock() ... inlined by ... (rtnetlink_rcv_msg)\" then \"call <mutex_lock>\":"
echo "    the dispatcher never enters rtnl_lock(), so delay-kfunc does not delay it)"

echo
echo "## 2. Functions of vmlinux that call rtnl_lock() out of line (delayed by delay-kfunc)"
objdump -d --no-show-raw-insn "$vmlinux" |
	awk '/^[0-9a-f]+ <.*>:$/ { fn = substr($2, 2, length($2) - 3) }
	     /call.*<rtnl_lock>$/ { sub(":", "", $1); print $1, fn }' >"$work/sites"
# addr2line -a -i: per call site, its address, then the inline chain from
# the call's own location (maybe a header's inline helper, such as 7.x's
# rtnl_net_lock()) out to the function that contains it.
cut -d' ' -f1 "$work/sites" | addr2line -a -i -e "$vmlinux" |
	sed 's|^.*/build_[^/]*/||; s|:[0-9?]*\( (discriminator [0-9]*)\)*$||' |
	awk '/^0x/ { if (n) print first, last; n = 0; next }
	     { if (!n++) first = $0; last = $0 }
	     END { if (n) print first, last }' >"$work/files"
paste -d' ' "$work/sites" "$work/files" |
	awk '{ via = $3 == $4 ? "" : "via " $3; n[$4 " " $2 " " via]++ }
	     END { for (k in n) { split(k, a, " ")
		   printf "    %-34s %-34s %2d %s\n", a[1], a[2], n[k], a[3] ? a[3] " " a[4] : "" } }' |
	sort >"$work/callers"
cat "$work/callers"
echo "    $(wc -l <"$work/sites") call sites in $(wc -l <"$work/callers") functions;" \
	"in functions of net/core/rtnetlink.c: $(awk '$1 == "net/core/rtnetlink.c"' "$work/callers" | wc -l)"
echo "    (rtnetlink doit handlers of other files that lock for themselves, e.g. through"
echo "    rtnl_net_lock(), are listed under their own file: those requests are delayed)"

echo
echo "## 3. openvswitch.ko functions that call rtnl_lock() (a module always calls it out of line)"
if [ -n "$ovsko" ]; then
	objdump -dr --no-show-raw-insn "$ovsko" |
		awk '/^[0-9a-f]+ <.*>:$/ { fn = substr($2, 2, length($2) - 3) }
		     /R_X86_64_(PLT32|PC32)[ \t]+rtnl_lock-/ { n[fn]++ }
		     END { for (f in n) printf "    %s\n", f }' | sort
else
	echo "    (no openvswitch.ko in this package)"
fi
