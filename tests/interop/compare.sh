#!/usr/bin/env bash
# compare.sh - `cpuscope compare` against `virsh -c qemu:///system
# hypervisor-cpu-compare --virttype qemu`.  (virsh11.sh runs it against a
# libvirt 11.3 with INTEROP_* set: lib.sh.)
#
# The host is the live `virsh domcapabilities --virttype qemu` (QEMU under
# TCG, as libvirt sees it).  Generated guest CPUs: a random model of
# libvirt's 9.0 map (data/cpu_map), random features of that map with random
# policies (force, require, optional, disable, forbid), random match and
# check, sometimes a <vendor>.  To keep both verdicts common, about half of
# the cases start from a model the host can run and add features the host
# has; the rest are random.  Every tenth case is the host-model itself with
# all its features (IDENTICAL, or perturbed), every twentieth names a model
# or feature that does not exist (both must refuse); when the host lists
# QEMU's blockers (libvirt >= 10.9), one in twenty is a model QEMU cannot
# run with its blockers disabled (all of them, or all but one).  Each case's verdict (IDENTICAL, SUPERSET,
# INCOMPATIBLE, or an error) must equal virsh's.  Fixed seed (RANDOM is
# only read in this shell, never in a $(...) subshell, which reseeds it).
#   CASES=N (default 320), SEED=N (default 4242), KEEP=1 keeps the work dir.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
cases=${CASES:-320}
RANDOM=${SEED:-4242}
conn=qemu:///system
map=${INTEROP_MAP:-$top/data/cpu_map}

. "$here/lib.sh"
need_bin
need_stack
work_dir
host=$work/domcaps.xml
vsh -c "$conn" domcapabilities --virttype qemu >"$host" 2>"$work/domcaps.err" ||
	skip "virsh domcapabilities --virttype qemu failed: $(head -1 "$work/domcaps.err")"
grep -q "<mode name='host-model' supported='yes'>" "$host" ||
	skip "the hypervisor offers no host-model CPU (hypervisor-cpu-compare needs one)"

mapfile -t models < <(sed -n "s:.*<model name='\([^']*\)'>.*:\1:p" "$map"/x86_*.xml | sort -u)
mapfile -t feats < <(sed -n "s:.*<feature name='\([^']*\)'>.*:\1:p" "$map"/x86_features.xml)
# the host-model's features (what the host surely has)
mapfile -t hostfeats < <(sed -n "/<mode name='host-model'/,/<\/mode>/s:.*<feature policy='require' name='\([^']*\)'/>.*:\1:p" "$host")
[ ${#models[@]} -gt 30 ] && [ ${#feats[@]} -gt 100 ] && [ ${#hostfeats[@]} -gt 0 ] ||
	skip "could not read models/features from $map or $host"

verdict_virsh() { # FILE -> IDENTICAL|SUPERSET|INCOMPATIBLE|ERROR
	local out
	out=$(vsh -c "$conn" hypervisor-cpu-compare "$(vpath "$1")" --virttype qemu 2>&1)
	case "$out" in
	*"is identical to"*) echo IDENTICAL ;;
	*"is a superset of"*) echo SUPERSET ;;
	*"is incompatible with"*) echo INCOMPATIBLE ;;
	*) echo ERROR ;;
	esac
}
verdict_cpuscope() { # FILE -> first line, or ERROR on exit status 2
	local out rc
	out=$("$bin" "${cs_opts[@]}" --host "$host" compare "$1" 2>"$work/cs.err")
	rc=$?
	if [ $rc = 2 ]; then echo ERROR; else head -1 <<<"$out"; fi
}

# models the host runs as they are (for balance only; the verdicts come
# from virsh)
fits=()
for m in "${models[@]}"; do
	printf "<cpu mode='custom' match='exact'>\n  <model fallback='forbid'>%s</model>\n</cpu>\n" "$m" >"$work/m.xml"
	[ "$(verdict_virsh "$work/m.xml")" = SUPERSET ] && fits+=("$m")
done
[ ${#fits[@]} -gt 0 ] || skip "the host runs none of the map's models"

policies=(force require optional disable forbid)
matches=(minimum exact exact exact strict)
checks=(none partial full)
gen_case() { # -> guest XML on stdout
	local fitting=$1 model n i f p used=" "
	if [ "$fitting" = 1 ]; then
		model=${fits[RANDOM % ${#fits[@]}]}
	else
		model=${models[RANDOM % ${#models[@]}]}
	fi
	local match=${matches[RANDOM % ${#matches[@]}]}
	local attrs="mode='custom' match='$match'"
	((RANDOM % 3 == 0)) && attrs+=" check='${checks[RANDOM % 3]}'"
	echo "<cpu $attrs>"
	local fb=(allow forbid)
	echo "  <model fallback='${fb[RANDOM % 2]}'>$model</model>"
	if ((RANDOM % 12 == 0)); then
		((RANDOM % 2)) && echo "  <vendor>Intel</vendor>" || echo "  <vendor>AMD</vendor>"
	fi
	n=$((RANDOM % 6))
	for ((i = 0; i < n; i++)); do
		if [ "$fitting" = 1 ] && ((RANDOM % 3 != 0)); then
			# something the host has, kept harmless
			f=${hostfeats[RANDOM % ${#hostfeats[@]}]}
			p=${policies[RANDOM % 4]} # not forbid
		else
			f=${feats[RANDOM % ${#feats[@]}]}
			p=${policies[RANDOM % ${#policies[@]}]}
		fi
		[[ "$used" == *" $f "* ]] && continue
		used+="$f "
		echo "  <feature policy='$p' name='$f'/>"
	done
	echo "</cpu>"
}

mapfile -t hostoff < <(sed -n "/<mode name='host-model'/,/<\/mode>/s:.*<feature policy='disable' name='\([^']*\)'/>.*:\1:p" "$host")
# The host-model itself, every feature listed: IDENTICAL unless a feature
# is dropped (SUPERSET) or turned against the host (INCOMPATIBLE).
hostmodel=$(sed -n "/<mode name='host-model'/,/<\/mode>/s:.*<model[^>]*>\([^<]*\)</model>.*:\1:p" "$host")
gen_copy() {
	local i drop=-1 turn=-1 p f
	((RANDOM % 3 == 0)) && drop=$((RANDOM % ${#hostfeats[@]}))
	((RANDOM % 3 == 0)) && turn=$((RANDOM % ${#hostfeats[@]}))
	local mt=(strict exact)
	echo "<cpu mode='custom' match='${mt[RANDOM % 2]}'>"
	echo "  <model fallback='forbid'>$hostmodel</model>"
	for i in "${!hostfeats[@]}"; do
		[ "$i" = "$drop" ] && continue
		p=require
		[ "$i" = "$turn" ] && p=${policies[RANDOM % ${#policies[@]}]}
		echo "  <feature policy='$p' name='${hostfeats[$i]}'/>"
	done
	for f in "${hostoff[@]}"; do
		echo "  <feature policy='disable' name='$f'/>"
	done
	echo "</cpu>"
}
# Names neither libvirt nor cpuscope accept: both must refuse.
gen_bad() {
	echo "<cpu mode='custom' match='exact'>"
	if ((RANDOM % 2)); then
		echo "  <model fallback='forbid'>Nehalem-XL</model>"
	else
		echo "  <model fallback='forbid'>${fits[RANDOM % ${#fits[@]}]}</model>"
		echo "  <feature policy='require' name='sse9'/>"
	fi
	echo "</cpu>"
}

# A model QEMU cannot run here, its blockers disabled (all, or all but one).
mapfile -t blocked < <(sed -n "s:.*<blockers model='\([^']*\)'>.*:\1:p" "$host")
gen_unblock() {
	local m=${blocked[RANDOM % ${#blocked[@]}]} keep=-1 i bl
	mapfile -t bl < <(awk -v m="$m" 'index($0, "<blockers model='\''" m "'\''>") { on = 1; next }
		on && /<\/blockers>/ { exit } on { sub(/.*name='\''/, ""); sub(/'\''.*/, ""); print }' "$host")
	((RANDOM % 3 == 0)) && keep=$((RANDOM % ${#bl[@]}))
	echo "<cpu mode='custom' match='exact'>"
	echo "  <model fallback='forbid'>$m</model>"
	for i in "${!bl[@]}"; do
		[ "$i" = "$keep" ] && continue
		echo "  <feature policy='disable' name='${bl[$i]}'/>"
	done
	echo "</cpu>"
}

pass=0 fail=0
declare -A seen=()
for ((k = 1; k <= cases; k++)); do
	g=$work/guest-$k.xml
	case $((k % 20)) in
	0 | 10) gen_copy >"$g" ;;
	19) gen_bad >"$g" ;;
	5) if [ ${#blocked[@]} -gt 0 ]; then gen_unblock >"$g"; else gen_case 1 >"$g"; fi ;;
	*) gen_case $((k % 2)) >"$g" ;;
	esac
	want=$(verdict_virsh "$g")
	got=$(verdict_cpuscope "$g")
	seen[$want]=$((${seen[$want]:-0} + 1))
	if [ "$want" = "$got" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: case $k: virsh $want, cpuscope $got"
		sed 's/^/    /' "$g"
		[ -s "$work/cs.err" ] && sed 's/^/    cpuscope: /' "$work/cs.err"
	fi
done
dist=""
for v in IDENTICAL SUPERSET INCOMPATIBLE ERROR; do dist+=" $v=${seen[$v]:-0}"; done
echo "compare: $pass of $cases cases agree with virsh hypervisor-cpu-compare (virsh said:$dist)"
if [ "$fail" = 0 ]; then
	echo "PASS: compare agrees with virsh on all $cases guest CPUs"
fi
echo "RESULT: passed=$pass failed=$fail skipped=0"
[ "$fail" = 0 ]
