#!/usr/bin/env bash
# drift.sh - every trap `cpuscope drift` reports, reproduced with the real
# libvirt (virsh on qemu:///system) and the real QEMU (TCG).
#
# cpuscope's QEMU data is a fresh `cpuscope probe` of the installed
# qemu-system-x86_64 (TCG) on MACHINE (default pc-i440fx-7.2), its map the
# system's cpu_map (the one the installed libvirtd reads).  For every model
# both know, with the guest <cpu mode='custom' match='exact'><model
# fallback='forbid'>M</model> plus drift's disable policies (QEMU's
# blockers on this host) in a TCG domain:
#   1. libvirt's -cpu: `virsh domxml-to-native qemu-argv` with check='none'
#      gives exactly the -cpu value drift says libvirt runs;
#   2. QEMU runs it: qemu-system-x86_64 -accel tcg -cpu THAT,enforce starts
#      (drift's "QEMU runs it");
#   3. check='partial' (domxml-to-native runs libvirt's pre-start check):
#      refused with drift's message exactly when drift reports the
#      partial-refuses trap, accepted otherwise;
#   4. check='full' (a real start: virsh create --paused --autodestroy,
#      libvirt checks the vCPU QEMU built): refused with drift's message
#      exactly when drift reports the full-refuses trap;
#   5. drift's first fix (explicit policies, check='full') starts;
# for each lets-through trap: check='partial' accepts the plain model and
# QEMU -cpu M,enforce refuses it; for each model only QEMU has: libvirt
# refuses it with drift's message; for each model only libvirt's map has:
# fallback='allow' runs drift's -cpu, fallback='forbid' fails with drift's
# message.
# Real starts need libvirt's log daemon: when /run/libvirt/virtlogd-sock is
# missing, this script starts a virtlogd as root and stops it (by its pid)
# at the end; without it, steps 4 and 5 are skipped (loudly).
#   LIBVIRT_ROOT=DIR: the same against the libvirt and QEMU installed in the
#     chroot DIR (../shared/tools/libvirt11-up.sh's libvirt 11.3 + QEMU 10.0;
#     tests/interop/drift-libvirt11.sh sets it), with that chroot's cpu_map;
#   MACHINE=TYPE (default: QEMU's default machine type), KEEP=1 keeps the
#   work dir, FILTER_MODELS=REGEX.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
root=${LIBVIRT_ROOT:-}
conn=qemu:///system

. "$here/lib.sh"
need_bin
need_tools python3 timeout
if [ -n "$root" ]; then
	[ "$(id -u)" = 0 ] || skip "a chroot stack needs root"
	timeout 20 chroot "$root" virsh -c "$conn" version >/dev/null 2>&1 ||
		skip "no libvirtd answers in $root (../shared/tools/libvirt11-up.sh $root starts one)"
	VIRSH=(chroot "$root" virsh)
	QEMU_CMD=(chroot "$root" qemu-system-x86_64)
	emulator=/usr/bin/qemu-system-x86_64
	[ -x "$root$emulator" ] || skip "no $emulator in $root"
	map=$root/usr/share/libvirt/cpu_map
	# the files virsh reads live inside the chroot
	work=$(mktemp -d "$root/tmp/cpuscope-drift.XXXXXX")
	[ "${KEEP:-}" = 1 ] && echo "work dir: $work"
	private_binary "$work"
	inside=${work#"$root"}
	# cpuscope probes the chroot's QEMU through a wrapper
	printf '#!/bin/sh\nexec chroot %s /usr/bin/qemu-system-x86_64 "$@"\n' "$root" >"$work/qemu"
	chmod +x "$work/qemu"
	qemu=$work/qemu
	logsock=$root/run/libvirt/virtlogd-sock
else
	qemu=${QEMU:-qemu-system-x86_64}
	command -v "$qemu" >/dev/null || skip "$qemu is not installed (CI installs qemu-system-x86)"
	VIRSH=(virsh)
	QEMU_CMD=("$qemu")
	emulator=$(command -v "$qemu")
	map=system
	[ -f /usr/share/libvirt/cpu_map/index.xml ] || skip "no system cpu_map (libvirt is not installed)"
	need_libvirtd
	work_dir
	inside=$work
	logsock=/run/libvirt/virtlogd-sock
fi
machine=${MACHINE:-$("${QEMU_CMD[@]}" -machine help 2>/dev/null | awk '/\(default\)/ { print $1; exit }')}
[ -n "$machine" ] && "${QEMU_CMD[@]}" -machine help 2>/dev/null | grep -q "^$machine " ||
	skip "QEMU has no machine type '$machine' (set MACHINE=...)"

# libvirt's log daemon, for real starts
virtlogd_pid=
cleanup() {
	if [ -n "$virtlogd_pid" ] && [ "$(cat "/proc/$virtlogd_pid/comm" 2>/dev/null)" = virtlogd ]; then
		kill "$virtlogd_pid" 2>/dev/null
	fi
	[ "${KEEP:-}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
can_start=1
if [ ! -S "$logsock" ]; then
	if [ "$(id -u)" = 0 ] && { [ -n "$root" ] && [ -x "$root/usr/sbin/virtlogd" ] || command -v virtlogd >/dev/null; }; then
		if [ -n "$root" ]; then
			setsid chroot "$root" virtlogd >"$work/virtlogd.log" 2>&1 &
		else
			setsid virtlogd >"$work/virtlogd.log" 2>&1 &
		fi
		virtlogd_pid=$!
		for _ in $(seq 1 50); do [ -S "$logsock" ] && break; sleep 0.1; done
		if [ -S "$logsock" ]; then
			echo "drift: started virtlogd (pid $virtlogd_pid) for the real starts; stopped at the end"
		else
			can_start=0
		fi
	else
		can_start=0
	fi
	[ $can_start = 1 ] || echo "SKIP (part): no virtlogd, so no real guest starts (check='full' steps skipped)"
fi
# a guest libvirt must start (no <cpu>): when it cannot, no real starts
if [ $can_start = 1 ]; then
	printf '%s\n' "<domain type='qemu'>" "  <name>cpuscope-drift-probe-$$</name>" \
		"  <memory unit='MiB'>64</memory>" "  <os><type arch='x86_64'>hvm</type></os>" \
		"  <devices><emulator>$emulator</emulator></devices>" "</domain>" >"$work/probe.xml"
	if ! out=$(timeout 60 "${VIRSH[@]}" -c "$conn" create --paused --autodestroy "$inside/probe.xml" 2>&1); then
		can_start=0
		echo "SKIP (part): libvirt starts no guest here ($(grep '^error' <<<"$out" | tail -1));" \
			"check='full' steps skipped${root:+ (a libvirtd in a chroot needs namespaces = [] in its qemu.conf)}"
	fi
fi

snap=$work/snap.json
if ! "$bin" probe --qemu "$qemu" --accel tcg --machines "$machine" --no-cache -q --out "$snap" \
	2>"$work/probe.err"; then
	echo "FAIL: cpuscope probe of $qemu failed:"
	sed 's/^/    /' "$work/probe.err"
	echo "RESULT: passed=0 failed=1 skipped=0"
	exit 1
fi
"$bin" --snapshot "$snap" --machine "$machine" drift --map "$map" --format json >"$work/drift.json" \
	2>"$work/drift.err"
rc=$?
if [ $rc != 0 ] && [ $rc != 1 ]; then
	echo "FAIL: cpuscope drift failed (exit $rc): $(head -3 "$work/drift.err")"
	echo "RESULT: passed=0 failed=1 skipped=0"
	exit 1
fi
head -1 < <("$bin" --snapshot "$snap" --machine "$machine" drift --map "$map" 2>/dev/null)

# The cases, one per line: ID<TAB>MODEL<TAB>STEP<TAB>EXPECTED, with the
# domain XML of case ID in $work/ID.xml.
python3 - "$work/drift.json" "$work" "$machine" "$emulator" "${FILTER_MODELS:-}" >"$work/cases.tsv" <<'EOF'
import json, re, sys
d = json.load(open(sys.argv[1]))
work, machine, emulator, flt = sys.argv[2:6]
n = 0
def domain(cpu_xml):
    global n
    n += 1
    cid = "c%d" % n
    cpu = "\n".join("  " + l for l in cpu_xml.strip().splitlines())
    open("%s/%s.xml" % (work, cid), "w").write(
        "<domain type='qemu'>\n  <name>cpuscope-drift-%s</name>\n  <memory unit='MiB'>64</memory>\n"
        "  <os><type arch='x86_64' machine='%s'>hvm</type></os>\n%s\n"
        "  <devices><emulator>%s</emulator></devices>\n</domain>\n" % (cid, machine, cpu, emulator))
    return cid
def guest(name, check, disable=(), require=(), fallback="forbid"):
    x = "<cpu mode='custom' match='exact' check='%s'>\n  <model fallback='%s'>%s</model>\n" % (check, fallback, name)
    for f in require:
        x += "  <feature policy='require' name='%s'/>\n" % f
    for f in disable:
        x += "  <feature policy='disable' name='%s'/>\n" % f
    return x + "</cpu>"
def case(model, step, expect, xml=None):
    cid = domain(xml) if xml else "-"
    print("\t".join([cid, model, step, expect]))
for m in d["models"]:
    name = m["name"]
    if flt and not re.search(flt, name):
        continue
    traps = {t["kind"]: t for t in m["traps"]}
    if m["runnable"]:
        dis = m["guest_disable"]
        case(name, "cpu", m["libvirt_cpu"], guest(name, "none", dis))
        case(name, "qemu-runs", m["libvirt_cpu"])
        t = traps.get("partial-refuses")
        case(name, "partial", t["message"] if t else "ok", guest(name, "partial", dis))
        t = traps.get("full-refuses")
        case(name, "full", t["message"] if t else "ok", guest(name, "full", dis))
        for a in m["actions"]:
            if a["xml"] and "check='full'" in a["xml"]:
                case(name, "fix-full", "ok", a["xml"])
    t = traps.get("lets-through")
    if t:
        case(name, "through-partial", "ok", guest(name, "partial"))
        case(name, "qemu-refuses", name)
for o in d["qemu_only_models"]:
    if flt and not re.search(flt, o["name"]):
        continue
    case(o["name"], "qemu-only", "internal error: Unknown CPU model %s" % o["name"],
         guest(o["name"], "none"))
for o in d["libvirt_only_models"]:
    if flt and not re.search(flt, o["name"]):
        continue
    if o["libvirt_cpu"]:
        case(o["name"], "libvirt-only-allow", o["libvirt_cpu"], guest(o["name"], "none", fallback="allow"))
    case(o["name"], "libvirt-only-forbid",
         "unsupported configuration: CPU model %s is not supported by hypervisor" % o["name"],
         guest(o["name"], "none"))
EOF
ncases=$(wc -l <"$work/cases.tsv")
[ "$ncases" -gt 20 ] || skip "drift gave only $ncases cases ($(head -c 300 "$work/drift.err"))"

qemu_starts() { # -cpu VALUE -> 0 when QEMU starts with it and enforce
	printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"quit"}' |
		timeout 60 "${QEMU_CMD[@]}" -accel tcg -machine "$machine" -cpu "$1,enforce" -S -nographic \
			-nodefaults -display none -qmp stdio >/dev/null
}
# virsh's verdict: "ok", or its last error line without "error: "
virsh_native() { # ID -> the -cpu value, or the error
	local out
	if out=$(timeout 60 "${VIRSH[@]}" -c "$conn" domxml-to-native qemu-argv --xml "$inside/$1.xml" 2>&1); then
		sed -n 's/.* -cpu \([^ ]*\) .*/\1/p' <<<"$out"
	else
		grep '^error: ' <<<"$out" | tail -1 | sed 's/^error: //'
	fi
}
virsh_check() { # ID -> ok, or the error
	local out
	if out=$(timeout 60 "${VIRSH[@]}" -c "$conn" domxml-to-native qemu-argv --xml "$inside/$1.xml" 2>&1); then
		echo ok
	else
		grep '^error: ' <<<"$out" | tail -1 | sed 's/^error: //'
	fi
}
virsh_start() { # ID -> ok, or the error (a transient guest, paused, gone when virsh exits)
	local out
	if out=$(timeout 60 "${VIRSH[@]}" -c "$conn" create --paused --autodestroy "$inside/$1.xml" 2>&1); then
		echo ok
	else
		grep '^error: ' <<<"$out" | tail -1 | sed 's/^error: //'
	fi
}

# run_cases FILE: each case's outcome, "ID<TAB>GOT" (the cases are
# independent: unique domain names, transient guests), so they run as
# $jobs parallel shares
run_cases() {
	local id model step want got
	while IFS=$'\t' read -r id model step want; do
		case $step in
		cpu | libvirt-only-allow) got=$(virsh_native "$id") ;;
		qemu-runs)
			if qemu_starts "$want" 2>/dev/null; then got=$want
			else got="QEMU refuses it"; fi
			;;
		partial | through-partial | qemu-only | libvirt-only-forbid) got=$(virsh_check "$id") ;;
		full | fix-full)
			if [ $can_start = 0 ]; then got=SKIP; else got=$(virsh_start "$id"); fi
			;;
		qemu-refuses)
			if qemu_starts "$model" 2>/dev/null; then got="QEMU starts it"; else got=$want; fi
			;;
		esac
		printf '%s\t%s\n' "$id:$model:$step" "$got"
	done <"$1"
}
jobs=$(nproc 2>/dev/null || echo 2)
[ "$jobs" -gt 4 ] && jobs=4
pids=()
for ((j = 0; j < jobs; j++)); do
	awk -v j=$j -v n=$jobs 'NR % n == j' "$work/cases.tsv" >"$work/share.$j"
	run_cases "$work/share.$j" >"$work/got.$j" &
	pids+=($!)
done
wait "${pids[@]}" # not a bare wait: a virtlogd this script started is a child too
cat "$work"/got.* >"$work/got.tsv"

pass=0 fail=0 skipped=0
declare -A reproduced=() outcome=()
count() { reproduced[$1]=$((${reproduced[$1]:-0} + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
while IFS=$'\t' read -r key got; do outcome[$key]=$got; done <"$work/got.tsv"
declare -A runs=() partial_ok=() full_ok=() through_ok=()
while IFS=$'\t' read -r id model step want; do
	got=${outcome[$id:$model:$step]:-"(no outcome)"}
	if [ "$got" = SKIP ]; then skipped=$((skipped + 1)); continue; fi
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		bad "$model ($step, $id.xml): want [$want], virsh/QEMU gave [$got]"
		continue
	fi
	case $step in
	qemu-runs) runs[$model]=1 ;;
	partial) [ "$want" != ok ] && partial_ok[$model]=1 ;;
	full) [ "$want" != ok ] && full_ok[$model]=1 ;;
	through-partial) through_ok[$model]=1 ;;
	qemu-refuses) [ -n "${through_ok[$model]:-}" ] && count lets-through ;;
	qemu-only) count qemu-only ;;
	libvirt-only-forbid) count libvirt-only ;;
	esac
done <"$work/cases.tsv"
# a trap counts as reproduced when libvirt refused as drift said and QEMU ran the same guest
for m in "${!partial_ok[@]}"; do [ -n "${runs[$m]:-}" ] && count partial-refuses; done
for m in "${!full_ok[@]}"; do [ -n "${runs[$m]:-}" ] && count full-refuses; done

traps() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["traps"][sys.argv[2]])' "$work/drift.json" "$1"; }
if [ -z "${FILTER_MODELS:-}" ]; then
	for k in partial-refuses full-refuses lets-through; do
		want=$(traps $k)
		got=${reproduced[$k]:-0}
		[ $can_start = 0 ] && [ $k = full-refuses ] && continue
		if [ "$got" = "$want" ]; then pass=$((pass + 1)); else bad "$k: drift reports $want, $got reproduced"; fi
	done
fi
echo "drift: $(traps partial-refuses) partial-refuses traps reported, ${reproduced[partial-refuses]:-0} reproduced;" \
	"$(traps full-refuses) full-refuses, ${reproduced[full-refuses]:-0} reproduced$([ $can_start = 0 ] && echo ' (no real starts)');" \
	"$(traps lets-through) lets-through, ${reproduced[lets-through]:-0} reproduced;" \
	"${reproduced[qemu-only]:-0} QEMU-only and ${reproduced[libvirt-only]:-0} libvirt-only models refused as drift says" \
	"($("${QEMU_CMD[@]}" --version | head -1 | sed 's/ (.*//'), libvirt $("${VIRSH[@]}" --version), TCG, $machine)"
[ "$fail" = 0 ] && echo "PASS: libvirt and QEMU do what cpuscope drift says, case by case ($pass cases)"
echo "RESULT: passed=$pass failed=$fail skipped=$skipped"
[ "$fail" = 0 ]
