#!/usr/bin/env bash
# virsh11.sh - `cpuscope --libvirt-version 11` against a live libvirt 11.3:
# Debian trixie's libvirt 11.3 and QEMU 10.0 in a chroot, with its own
# libvirtd (libvirt11-up.sh, a copy of ../shared/tools/libvirt11-up.sh; the
# system's libvirt 9.0 is not touched).
#
#   compare:  compare.sh's random guest CPUs, made from libvirt 11.3's map
#             (the -vN names included), against the chroot's `virsh
#             hypervisor-cpu-compare --virttype qemu` (QEMU 10.0 under TCG),
#             the host being its `virsh domcapabilities --virttype qemu`;
#   baseline: baseline.sh's random sets of real hosts against its `virsh
#             cpu-baseline`, byte for byte.
#
# The chroot lives in $CPUSCOPE_LIBVIRT11_DIR (default
# /var/tmp/cpuscope-libvirt11; keep it out of trees cleaned with rm -rf):
# built on first use (debootstrap + apt from this machine's Debian mirror,
# about 2 minutes), reused afterwards.  A libvirtd this script starts is
# stopped at exit (libvirt11-up.sh --down); one already running is left.
# Skips loudly when not root, or when the chroot cannot be built (no
# network, no Debian mirror): the reason is printed.
#   CASES=N compare cases (default 100), BASELINE_CASES=N (default 60),
#   SEED=N (both scripts' own defaults otherwise), KEEP=1.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}

. "$here/lib.sh"
need_bin
[ -d "$top/data/cpu_map-11.3" ] || skip "no data/cpu_map-11.3"

libvirt11_stack
root=$l11_root ver=$l11_ver

export INTEROP_VIRSH="chroot $root virsh"
export INTEROP_ROOT=$root
export INTEROP_CPUSCOPE="--libvirt-version 11"
export INTEROP_MAP=$top/data/cpu_map-11.3
export CPUSCOPE_BIN=$bin
pass=0 fail=0 skipped=0
run() { # SCRIPT CASES
	local out rc line p f s
	out=$(CASES=$2 bash "$here/$1" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -v '^RESULT: '
	line=$(grep -E '^RESULT: passed=[0-9]+ failed=[0-9]+ skipped=[0-9]+$' <<<"$out" | tail -1)
	if [ -n "$line" ]; then
		read -r p f s <<<"$(sed -E 's/^RESULT: passed=([0-9]+) failed=([0-9]+) skipped=([0-9]+)$/\1 \2 \3/' <<<"$line")"
	else
		p=0 f=1 s=0
	fi
	[ "$rc" != 0 ] && [ "$rc" != 77 ] && [ "$f" = 0 ] && f=1
	pass=$((pass + p)) fail=$((fail + f)) skipped=$((skipped + s))
}
echo "-- compare against virsh $ver hypervisor-cpu-compare"
run compare.sh "${CASES:-100}"
echo "-- baseline against virsh $ver cpu-baseline"
run baseline.sh "${BASELINE_CASES:-60}"
echo "RESULT: passed=$pass failed=$fail skipped=$skipped"
[ "$fail" = 0 ]
