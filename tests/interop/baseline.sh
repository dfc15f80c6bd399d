#!/usr/bin/env bash
# baseline.sh - `cpuscope baseline` against `virsh -c qemu:///system cpu-baseline`.
#
# Random groups of 1-4 real host CPUs (tests/data/hosts-baseline), each one
# either as libvirt reported it with some of its extra features removed, or
# "flattened" to an old vendorless model (486, qemu64, ...) plus every feature it has (as virsh itself expands
# it) with random features removed, so that decode has to pick the model from
# scratch.  Mostly one vendor per group, sometimes mixed (libvirt's vendor
# errors).  Flags: none, --features, --migratable or both.  Each case's
# output must equal virsh's byte for byte (an error must be an error with
# libvirt's message).  Some cases give cpuscope the CPUs as separate files or
# on standard input.  Fixed seed: runs are reproducible.  (virsh11.sh runs
# it against a libvirt 11.3 with INTEROP_* set: lib.sh.)
#   CASES=N (default 150), SEED=N (default 20240), KEEP=1 keeps the work dir.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
cases=${CASES:-150}
RANDOM=${SEED:-20240}
conn=qemu:///system

. "$here/lib.sh"
need_bin
need_stack
work_dir
cd "$top" || exit 1

# ---- the hosts -----------------------------------------------------------------
# (copied into the work dir, where any virsh can read them)
mkdir -p "$work/hosts" && cp "$top"/tests/data/hosts-baseline/*.xml "$work/hosts/"
hosts=("$work"/hosts/*.xml)
declare -a vendor flat
for i in "${!hosts[@]}"; do
	h=${hosts[$i]}
	vendor[$i]=$(sed -n 's:.*<vendor>\(.*\)</vendor>.*:\1:p' "$h" | head -1)
	# every feature the host has, as virsh expands it (one name per line)
	flat[$i]=$(vsh -c "$conn" cpu-baseline --features "$(vpath "$h")" 2>/dev/null |
		sed -n "s:.*<feature policy='require' name='\([^']*\)'/>.*:\1:p")
	[ -n "${flat[$i]}" ] || skip "virsh cpu-baseline --features failed on $h"
done
idx_by_vendor() { # vendor -> indexes
	for i in "${!hosts[@]}"; do [ "${vendor[$i]}" = "$1" ] && printf '%s ' "$i"; done
}
read -ra intel <<<"$(idx_by_vendor Intel)"
read -ra amd <<<"$(idx_by_vendor AMD) $(idx_by_vendor Hygon)"

# One host as libvirt reported it, minus up to 3 random listed features.
emit_orig() {
	local h=$1 n x drop=() lines
	mapfile -t lines < <(grep -n "<feature name=" "$h" | cut -d: -f1)
	n=$((RANDOM % 4))
	for ((x = 0; x < n && ${#lines[@]} > 0; x++)); do
		drop+=("${lines[RANDOM % ${#lines[@]}]}d")
	done
	if [ ${#drop[@]} -gt 0 ]; then
		sed "$(IFS=';'; echo "${drop[*]}")" "$h"
	else
		cat "$h"
	fi
}

# One host flattened: an old vendorless model + all its features, minus 1-8
# random ones.
bases=(486 pentium pentium2 pentium3 qemu32 qemu64 kvm32 kvm64)
emit_flat() {
	local i=$1 feats n x f
	mapfile -t feats <<<"${flat[$i]}"
	n=$((1 + RANDOM % 8))
	for ((x = 0; x < n; x++)); do
		feats[RANDOM % ${#feats[@]}]=
	done
	echo "<cpu>"
	echo "  <arch>x86_64</arch>"
	echo "  <model>${bases[RANDOM % ${#bases[@]}]}</model>"
	[ -n "${vendor[$i]}" ] && echo "  <vendor>${vendor[$i]}</vendor>"
	for f in "${feats[@]}"; do [ -n "$f" ] && echo "  <feature name='$f'/>"; done
	echo "</cpu>"
}

# The libvirt message of a virsh error line ("error: operation failed: X").
virsh_msg() {
	grep -m1 '^error: ' "$1" | sed -E 's/^error: //; s/^(operation failed|internal error|XML error|invalid argument|argument unsupported|Requested operation is not valid): //'
}

pass=0 fail=0 errors_agreed=0
declare -A kinds
for ((c = 1; c <= cases; c++)); do
	d=$work/case$c
	mkdir -p "$d"
	k=$((1 + RANDOM % 4))
	mix=$((RANDOM % 10))
	if [ $((RANDOM % 2)) = 0 ]; then pool=("${intel[@]}"); else pool=("${amd[@]}"); fi
	[ "$mix" = 0 ] && pool=("${!hosts[@]}")
	files=()
	: >"$d/all.xml"
	for ((j = 0; j < k; j++)); do
		i=${pool[RANDOM % ${#pool[@]}]}
		if [ $((RANDOM % 2)) = 0 ]; then
			emit_orig "${hosts[$i]}" >"$d/h$j.xml"
		else
			emit_flat "$i" >"$d/h$j.xml"
		fi
		cat "$d/h$j.xml" >>"$d/all.xml"
		files+=("$d/h$j.xml")
	done
	flags=()
	case $((RANDOM % 4)) in
	1) flags=(--features) ;;
	2) flags=(--migratable) ;;
	3) flags=(--features --migratable) ;;
	esac
	vsh -c "$conn" cpu-baseline "${flags[@]}" "$(vpath "$d/all.xml")" >"$d/virsh.out" 2>"$d/virsh.err"
	vrc=$?
	# how cpuscope gets the CPUs: one file (as virsh), separate files, or stdin
	how=$((RANDOM % 3))
	case $how in
	0) "$bin" "${cs_opts[@]}" baseline "${flags[@]}" "$d/all.xml" ;;
	1) "$bin" "${cs_opts[@]}" baseline "${flags[@]}" "${files[@]}" ;;
	2) "$bin" "${cs_opts[@]}" baseline "${flags[@]}" - <"$d/all.xml" ;;
	esac >"$d/cpuscope.out" 2>"$d/cpuscope.err"
	crc=$?
	ok=0
	if [ "$vrc" = 0 ]; then
		[ "$crc" = 0 ] && cmp -s "$d/virsh.out" "$d/cpuscope.out" && ok=1
	else
		msg=$(virsh_msg "$d/virsh.err")
		if [ "$crc" = 2 ] && [ -n "$msg" ] && grep -qF -- "$msg" "$d/cpuscope.err"; then
			ok=1
			errors_agreed=$((errors_agreed + 1))
		fi
	fi
	model=$(sed -n "s:.*<model fallback='[a-z]*'>\(.*\)</model>.*:\1:p" "$d/virsh.out")
	kinds[${model:-error}]=1
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL case $c: ${k} CPUs, flags '${flags[*]}', input mode $how (kept in $d)"
		diff <(cat "$d/virsh.out" "$d/virsh.err") <(cat "$d/cpuscope.out" "$d/cpuscope.err") | head -20
		trap - EXIT
	fi
done
echo "baseline interop: $pass of $cases agree with virsh -c $conn cpu-baseline" \
	"($errors_agreed of them errors); models seen: ${!kinds[*]}"
echo "RESULT: passed=$pass failed=$fail skipped=0"
[ "$fail" = 0 ]
