#!/usr/bin/env bash
# captures.sh - the command line on libvirt's own data gives libvirt's own
# answers (part of make cli-tests):
#   1. `cpuscope host DUMP --format xml` for the 17 real CPUs of libvirt's
#      tests/cputestdata (<cpudata> dumps) is byte for byte libvirt's
#      -host.xml, with the 9.0 map and with the 11.3 map;
#   2. `cpuscope host CAPTURE --host-model --format xml` is the host-model
#      of the domaincapsdata file libvirt made from the same capture, KVM
#      and TCG (x86_64: line for line, leaving out 11.x's <maxphysaddr>,
#      which cpuscope does not compute; s390x: the same lines in another
#      order, since libvirt keeps QEMU's property order);
#   3. `cpuscope compare --host CAPTURE DOMCAPS` (libvirt's host-model
#      against the capture's host, x86_64): never INCOMPATIBLE;
#   4. `cpuscope host CPU.json --host-model --format xml` for the QEMU/KVM
#      replies of libvirt's tests/cputestdata is byte for byte libvirt's
#      -json.xml, with the 9.0 and the 11.3 map.
# Ends with "captures: N passed, M failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
cd "$top" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
run() { env -i PATH="$PATH" HOME="$tmp/home" CPUSCOPE_QEMU=none CPUSCOPE_SNAPSHOT=7.2 \
	XDG_CACHE_HOME="$tmp/cache" LC_ALL=C.UTF-8 ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} "$bin" "$@"; }
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# 1. CPUID dumps
b=tests/data/baseline
for dump in $b/v9.0.0/x86_64-cpuid-*.xml; do
	n=$(basename "$dump" .xml)
	case $n in *-host | *-guest | *-json | *-enabled | *-disabled | *baseline*) continue ;; esac
	for v in "v9.0.0 data/cpu_map" "v11.3.0 tests/data/cpu_map-11.3"; do
		set -- $v
		if run host "$dump" --format xml --cpu-map "$2" >"$tmp/out" 2>"$tmp/err" &&
			cmp -s "$tmp/out" "$b/$1/$n-host.xml"; then ok
		else bad "host $n with the $1 map: $(head -2 "$tmp/err")"; diff "$b/$1/$n-host.xml" "$tmp/out" | head -8; fi
	done
done

# 2./3. captures against libvirt's domcapabilities of them
l=tests/data/libvirt
hostmodel() { # domcaps file: its host-model, as a bare list of lines
	sed -n "/<mode name='host-model'/,/<\/mode>/p" "$1" | sed '1d;$d;s/^ *//' | grep -v '<maxphysaddr'
}
while read -r caps accel dom map; do
	[ "$map" = - ] && map=() || map=(--cpu-map "$map")
	if run --accel "$accel" host "$caps" --host-model --format xml "${map[@]}" >"$tmp/out" 2>"$tmp/err"; then
		sed '1d;$d;s/^ *//' "$tmp/out" >"$tmp/got"
		hostmodel "$dom" >"$tmp/want"
		case $caps in *s390x*) sort -o "$tmp/got" "$tmp/got"; sort -o "$tmp/want" "$tmp/want" ;; esac
		if cmp -s "$tmp/got" "$tmp/want"; then ok
		else bad "host-model of $caps ($accel) differs from $dom"; diff "$tmp/want" "$tmp/got" | head -8; fi
	else
		bad "host-model of $caps ($accel): $(head -2 "$tmp/err")"
	fi
	case $caps in *s390x*) continue ;; esac # compare is x86_64 only
	run --accel "$accel" compare --host "$caps" "$dom" "${map[@]}" >"$tmp/out" 2>"$tmp/err"
	verdict=$(head -1 "$tmp/out")
	case $verdict in
	IDENTICAL* | SUPERSET*) ok ;;
	*) bad "libvirt's host-model of $dom against $caps ($accel): $verdict $(head -2 "$tmp/err")" ;;
	esac
done <<LIST
$l/v11.3.0/qemucapabilitiesdata/caps_10.0.0_x86_64.replies kvm $l/v11.3.0/domaincapsdata/qemu_10.0.0.x86_64.xml tests/data/cpu_map-11.3
$l/v11.3.0/qemucapabilitiesdata/caps_10.0.0_x86_64.replies tcg $l/v11.3.0/domaincapsdata/qemu_10.0.0-tcg.x86_64.xml tests/data/cpu_map-11.3
$l/v11.3.0/qemucapabilitiesdata/caps_10.0.0_s390x.replies kvm $l/v11.3.0/domaincapsdata/qemu_10.0.0.s390x.xml -
$l/v9.0.0/qemucapabilitiesdata/caps_7.2.0.x86_64.replies kvm $l/v9.0.0/domaincapsdata/qemu_7.2.0.x86_64.xml data/cpu_map
$l/v9.0.0/qemucapabilitiesdata/caps_7.2.0.x86_64.replies tcg $l/v9.0.0/domaincapsdata/qemu_7.2.0-tcg.x86_64.xml data/cpu_map
LIST

# 4. host-model from QEMU's replies on real CPUs
for j in $b/v9.0.0/x86_64-cpuid-*.json; do
	n=$(basename "$j" .json)
	for v in "v9.0.0 data/cpu_map" "v11.3.0 tests/data/cpu_map-11.3"; do
		set -- $v
		[ -f "$b/$1/$n-json.xml" ] || continue
		if run host "$j" --host-model --format xml --cpu-map "$2" >"$tmp/out" 2>"$tmp/err" &&
			cmp -s "$tmp/out" "$b/$1/$n-json.xml"; then ok
		else bad "host-model of $n with the $1 map: $(head -2 "$tmp/err")"; diff "$b/$1/$n-json.xml" "$tmp/out" | head -8; fi
	done
done
echo "captures: $pass passed, $fail failed"
[ $fail = 0 ]
