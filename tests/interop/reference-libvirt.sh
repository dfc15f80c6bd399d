#!/usr/bin/env bash
# reference-libvirt.sh - --libvirt URI: the verdicts of a running libvirtd.
#
# `cpuscope --libvirt qemu:///system` asks libvirtd for its domcapabilities
# (as `virsh -c URI domcapabilities` does) and uses them as the host: every
# model's verdict must equal the one from the same XML saved to a file and
# given as --host, for TCG (virttype qemu) and for what libvirt picks by
# itself; the first line names libvirt and the URI; a URI that does not
# answer is a clear error (exit 2), not a hang.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
conn=qemu:///system

. "$here/lib.sh"
need_bin
need_libvirtd
work_dir
export XDG_CACHE_HOME=$work/cache
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

for vt in qemu kvm; do
	accel=tcg
	[ $vt = kvm ] && accel=kvm
	if ! virsh -c "$conn" domcapabilities --virttype $vt >"$work/dc-$vt.xml" 2>"$work/virsh.err"; then
		[ $vt = kvm ] && { echo "(no KVM domcapabilities here: $(head -c 200 "$work/virsh.err"))"; continue; }
		bad "virsh domcapabilities --virttype $vt failed: $(head -c 300 "$work/virsh.err")"
		continue
	fi
	"$bin" --libvirt "$conn" --accel $accel --format json models >"$work/uri.json" 2>"$work/uri.err" ||
		{ bad "--libvirt $conn --accel $accel models failed: $(head -c 300 "$work/uri.err")"; continue; }
	"$bin" --host "$work/dc-$vt.xml" --accel $accel --format json models >"$work/file.json" 2>/dev/null
	# the same verdicts, blockers and models; only the host label differs
	if diff <(grep -v '"host":' "$work/uri.json") <(grep -v '"host":' "$work/file.json") >"$work/diff"; then
		ok
	else
		bad "--libvirt and --host of the same domcapabilities ($vt) differ:"; head -20 "$work/diff"
	fi
	grep -q "\"host\": \"libvirt $conn domcapabilities ($vt)\"" "$work/uri.json" && ok ||
		bad "the verdict's source is not named: $(grep '"host":' "$work/uri.json")"
	n=$(grep -c '"usable": ' "$work/uri.json")
	echo "virttype $vt: $n models, the same verdicts as the saved domcapabilities"
done
# a libvirt that does not answer
if timeout 60 "$bin" --libvirt test:///nonexistent models >/dev/null 2>"$work/err"; then
	bad "--libvirt test:///nonexistent succeeded"
elif grep -q '^cpuscope: test:///nonexistent: libvirt does not answer' "$work/err"; then
	ok
else
	bad "unclear error for a URI that does not answer: $(cat "$work/err")"
fi
echo "RESULT: passed=$pass failed=$fail skipped=0"
[ "$fail" = 0 ]
