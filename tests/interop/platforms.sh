#!/usr/bin/env bash
# platforms.sh - custom models and the platform forms of a guest CPU against
# the real tools that are here.
#
#   1. custom models (tests/data/custom/ and more made here): with the QEMU
#      data probed from the installed qemu-system-x86_64 (TCG), `cpuscope
#      build --model CUSTOM --format qemu`,enforce starts exactly when
#      `cpuscope models` calls the custom model usable;
#   2. qmp: the emitted query-cpu-model-expansion command is accepted by the
#      real QEMU (-machine none, TCG), and the expansion it returns has every
#      property the command set, with the value set;
#   3. proxmox-model: an emitted cpu-models.conf entry read back with
#      --custom builds the same -cpu value as the CPU it was made from (the
#      entry is Proxmox's grammar, which the reader follows), and every
#      Proxmox VM line matches qemu-server's cpu: property pattern;
#   4. kubevirt: the YAML parses (python3 with PyYAML) to
#      spec.template.spec.domain.cpu with the model and features, policies
#      from KubeVirt's five; nova: the ini parses strictly (python3
#      configparser), cpu_mode one of Nova's four, cpu_models only with
#      custom, flags +name or -name.
# A missing tool is a loud SKIP of its part.  MACHINE=TYPE (default
# pc-i440fx-7.2, else QEMU's default machine), KEEP=1 keeps the work dir.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
qemu=${QEMU:-qemu-system-x86_64}
cd "$top" || exit 2

. "$here/lib.sh"
need_bin
command -v "$qemu" >/dev/null || skip "$qemu is not installed (CI installs qemu-system-x86)"
need_tools timeout
work_dir

machine=${MACHINE:-pc-i440fx-7.2}
if ! "$qemu" -machine help 2>/dev/null | grep -q "^$machine "; then
	machine=$("$qemu" -machine help 2>/dev/null | awk '/\(default\)/ { print $1; exit }')
	[ -n "$machine" ] || skip "$qemu lists no default machine type"
fi

pass=0 fail=0 skipped=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
skip_part() { skipped=$((skipped + 1)); echo "SKIP: platforms interop: $*"; }

snap=$work/snap.json
if ! "$bin" probe --qemu "$qemu" --accel tcg --machines "$machine" --no-cache -q --out "$snap" \
	2>"$work/probe.err"; then
	echo "FAIL: cpuscope probe of $qemu failed:"
	sed 's/^/    /' "$work/probe.err"
	echo "RESULT: passed=0 failed=1 skipped=0"
	exit 1
fi

# More custom models: settings QEMU takes under TCG, flags TCG lacks, a
# model on a version, one that disables what blocks its base.
cat >"$work/more.conf" <<'EOF'
cpu-model: settings
	flags +pcid;-aes;+hv-relaxed;-hv-time
	hidden 1
	hv-vendor-id abc123
	level 11
	phys-bits host
	reported-model Westmere

cpu-model: phys40
	flags -x2apic
	phys-bits 40
	reported-model SandyBridge

cpu-model: versioned
	flags +nested-virt
	reported-model Skylake-Client-v4

cpu-model: kvm64-default
	hidden yes
EOF
cat >"$work/more.ini" <<'EOF'
[cpudef]
name = haswell-tcg
base = Haswell-noTSX
remove = pcid, x2apic, tsc-deadline, invpcid
EOF
customs=(tests/data/custom/cpu-models.conf tests/data/custom/cpudef.ini "$work/more.conf" "$work/more.ini")

cs() { "$bin" --snapshot "$snap" --machine "$machine" "$@"; }

starts() { # -cpu VALUE -> 0 when QEMU starts with it and enforce
	printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"quit"}' |
		timeout 60 "$qemu" -accel tcg -machine "$machine" -cpu "$1,enforce" -S -nographic \
			-nodefaults -display none -qmp stdio >/dev/null 2>"$work/start.err"
}

# ---- 1. custom models: cpuscope's verdict is QEMU's ---------------------------
n_custom=0 n_usable=0
for f in "${customs[@]}"; do
	if ! cs --custom "$f" --format json models >"$work/models.json" 2>"$work/cs.err"; then
		bad "models --custom $f: $(head -2 "$work/cs.err")"
		continue
	fi
	# "NAME<TAB>true|false" of the custom models
	awk '/^      "name": / { n = $2; gsub(/[",]/, "", n) }
	     /^      "usable": / { u = $2; gsub(/,/, "", u) }
	     /^      "custom": \{/ { print n "\t" u }' "$work/models.json" >"$work/custom.tsv"
	[ -s "$work/custom.tsv" ] || bad "models --custom $f lists no custom model"
	while IFS=$'\t' read -r m usable; do
		n_custom=$((n_custom + 1))
		v=$(cs --custom "$f" build --model "$m" --format qemu 2>"$work/cs.err")
		if [ -z "$v" ]; then
			bad "$m: no -cpu value: $(head -1 "$work/cs.err")"
			continue
		fi
		starts "$v"
		src=$?
		if { [ "$usable" = true ] && [ $src = 0 ]; } || { [ "$usable" = false ] && [ $src != 0 ]; }; then
			ok
			[ "$usable" = true ] && n_usable=$((n_usable + 1))
		else
			bad "$m ($f): cpuscope says usable=$usable, but -cpu $v,enforce $([ $src = 0 ] && echo starts || echo "fails: $(grep -v warning "$work/start.err" | head -1)")"
		fi
	done <"$work/custom.tsv"
done
[ "$n_custom" -ge 8 ] && ok || bad "only $n_custom custom models were checked"

# The CPUs whose forms are checked below: "ARGS" per line (custom file first).
cat >"$work/cpus" <<EOF
tests/data/custom/cpu-models.conf --model custom-haswell-nested --forbid hle
tests/data/custom/cpu-models.conf --model custom-gpu-passthrough --disable aes
$work/more.conf --model custom-settings
$work/more.conf --model custom-phys40 --require vmx
tests/data/custom/cpudef.ini --model nehalem-vmx --optional pcid
- --model Haswell-noTSX --require vmx,pcid --disable hle,rtm --forbid avx512f
- --model Haswell-noTSX --vendor-id GenuineIntel --disable pcid --force x2apic
- --model Skylake-Client-v4 --require md-clear
- --model 486
- --mode maximum
- --mode host-model --require pcid
- --mode host-passthrough
EOF

build() { # CUSTOM ARGS... FORMAT -> the form on stdout
	local c=$1
	shift
	if [ "$c" = - ]; then cs build "$@" 2>>"$work/build.err"; else cs --custom "$c" build "$@" 2>>"$work/build.err"; fi
}

# ---- 2. QMP: the real QEMU takes the command and sets what it asked -----------------
qmp_check() { # COMMAND-JSON -> 0 when QEMU's reply has every prop as asked
	local reply
	reply=$(printf '%s\n' '{"execute":"qmp_capabilities"}' "$1" '{"execute":"quit"}' |
		timeout 60 "$qemu" -machine none -nodefaults -nographic -display none -qmp stdio \
			-accel tcg 2>"$work/qmp.err" | sed -n 3p)
	if ! grep -q '^{"return"' <<<"$reply"; then
		echo "QEMU: $reply $(head -1 "$work/qmp.err")"
		return 1
	fi
	command -v python3 >/dev/null || return 0
	python3 - "$1" "$reply" <<'PY'
import json, sys
ask = json.loads(sys.argv[1])["arguments"]["model"]
got = json.loads(sys.argv[2])["return"]["model"]
bad = [k for k, v in ask.get("props", {}).items() if got["props"].get(k) != v]
if got["name"] != ask["name"] and not (ask["name"] == "max" and got["name"] == "max"):
    bad.append("name " + got["name"])
if bad:
    print("QEMU's expansion differs in: " + ", ".join(bad))
    sys.exit(1)
PY
}
command -v python3 >/dev/null || skip_part "python3 is not installed: QMP replies are checked for errors only"
while read -r c args; do
	# shellcheck disable=SC2086
	j=$(build "$c" $args --format qmp)
	if [[ $args == "--mode host-model"* ]]; then
		# no host: libvirt decides the model at start; cpuscope gives no value
		[ -z "$j" ] && ok || bad "qmp of host-model without a host: $j"
		continue
	fi
	[ -z "$j" ] && { bad "qmp: no form for $args: $(tail -1 "$work/build.err")"; continue; }
	if [ "$args" = "--mode host-passthrough" ]; then
		ok # 'host' needs KVM: QEMU under TCG refuses it, as cpuscope's verdicts say
		continue
	fi
	if msg=$(qmp_check "$j"); then ok; else bad "qmp ($args): $msg"$'\n'"    $j"; fi
done <"$work/cpus"

# ---- 3. Proxmox: an entry read back is the same CPU; VM lines match Proxmox's pattern ---
# qemu-server's cpu property string: [cputype=]NAME[,flags=+F[;-F...]]
pve_line='^cpu: [A-Za-z0-9._-]+(,flags=[+-][a-zA-Z0-9._-]+(;[+-][a-zA-Z0-9._-]+)*)?$'
while read -r c args; do
	# shellcheck disable=SC2086
	line=$(build "$c" $args --format proxmox | grep '^cpu: ')
	if [ -n "$line" ]; then
		if [[ $line =~ $pve_line ]]; then ok; else bad "proxmox line for $args: '$line'"; fi
	fi
	# shellcheck disable=SC2086
	build "$c" $args --format proxmox-model >"$work/entry.conf" || continue
	id=$(sed -n 's/^cpu-model: //p' "$work/entry.conf")
	grep -q optional <<<"$args" && continue # optional is left out of Proxmox's forms
	grep -q -- '--mode' <<<"$args" && continue
	# shellcheck disable=SC2086
	want=$(build "$c" $args --format qemu | tr ',' '\n' | sed 's/^vendor=.*//' | sort | tr '\n' ' ')
	got=$(cs --custom "$work/entry.conf" build --model "custom-$id" --format qemu 2>>"$work/build.err" |
		tr ',' '\n' | sort | tr '\n' ' ')
	if [ -n "$got" ] && [ "$got" = "$want" ]; then
		ok
	else
		bad "proxmox-model round trip ($args): entry gives [$got], the CPU is [$want]"
		sed 's/^/    /' "$work/entry.conf"
	fi
done <"$work/cpus"

# ---- 4. KubeVirt YAML and Nova ini parse strictly ----------------------------------
if ! command -v python3 >/dev/null; then
	skip_part "python3 is not installed: KubeVirt YAML and Nova ini not parsed"
elif ! python3 -c 'import yaml' 2>/dev/null; then
	skip_part "PyYAML is not installed: KubeVirt YAML not parsed (apt-get install python3-yaml)"
	have_yaml=0
else
	have_yaml=1
fi
if command -v python3 >/dev/null; then
	while read -r c args; do
		# shellcheck disable=SC2086
		if [ "${have_yaml:-0}" = 1 ] && y=$(build "$c" $args --format kubevirt); then
			if msg=$(python3 - "$y" <<'PY'
import sys, yaml
doc = yaml.safe_load(sys.argv[1])
cpu = doc["spec"]["template"]["spec"]["domain"]["cpu"]
assert isinstance(cpu["model"], str) and cpu["model"], "model"
for f in cpu.get("features", []):
    assert set(f) == {"name", "policy"}, f
    assert isinstance(f["name"], str), f
    assert f["policy"] in ("force", "require", "optional", "disable", "forbid"), f
for k in ("sockets", "cores", "threads"):
    assert k not in cpu or isinstance(cpu[k], int), k
PY
			); then ok; else bad "kubevirt YAML of $args: $msg"$'\n'"$y"; fi
		fi
		# shellcheck disable=SC2086
		if n=$(build "$c" $args --format nova); then
			if msg=$(python3 - "$n" <<'PY'
import configparser, re, sys
p = configparser.ConfigParser(strict=True, interpolation=None)
p.read_string(sys.argv[1])
assert p.sections() == ["libvirt"], p.sections()
s = p["libvirt"]
assert s["cpu_mode"] in ("none", "host-passthrough", "host-model", "custom"), s["cpu_mode"]
assert ("cpu_models" in s) == (s["cpu_mode"] == "custom"), "cpu_models"
for f in s.get("cpu_model_extra_flags", "").split(","):
    f = f.strip()
    assert not f or re.fullmatch(r"[+-][a-z0-9._-]+", f), f
assert set(s) <= {"cpu_mode", "cpu_models", "cpu_model_extra_flags"}, set(s)
PY
			); then ok; else bad "nova ini of $args: $msg"$'\n'"$n"; fi
		fi
	done <"$work/cpus"
fi

echo "platforms: $n_custom custom models ($n_usable usable) against $("$qemu" --version | head -1 | sed 's/ (.*//') under TCG" \
	"on $machine; QMP, Proxmox, KubeVirt and Nova forms of $(wc -l <"$work/cpus") CPUs"
[ "$fail" = 0 ] && echo "PASS: custom verdicts, QMP commands and platform forms check out"
echo "RESULT: passed=$pass failed=$fail skipped=$skipped"
[ "$fail" = 0 ]
