#!/usr/bin/env bash
# fleet.sh - `cpuscope fleet` against the real libvirt (virsh 9.0 on
# qemu:///system).
#
# Hosts: the 17 real CPUs of libvirt's tests (tests/data/cpuid, <cpudata>
# dumps), the x86_64 domcapabilities of libvirt's tests (QEMU 4.2, 7.2,
# 10.0), the Zen 5 VM host <cpu>, and this machine's own `virsh
# domcapabilities --virttype qemu` and `virsh capabilities`.
#
#   A. Baseline of each vendor group, for the whole set and for SUBSETS
#      random sub-fleets (2-8 hosts, vendors mixed): cpuscope's group
#      baseline must equal `virsh cpu-baseline` of the same hosts byte for
#      byte (an error must be libvirt's error).  virsh reads host CPUs
#      only, so each host goes to it as the host <cpu> libvirt describes it
#      by: a CPUID dump as libvirt's own decode of it (tests/data/
#      hosts-baseline/*-host.xml, the -host.xml of libvirt's tests), a
#      domcapabilities file as its host-model written as a host <cpu>
#      (model, vendor, its require features); a host-model with 'disable'
#      features has no host <cpu> form, so groups holding one are counted
#      as not comparable.  Also each group's best common model must be
#      within the baseline: every feature libvirt gives the model (`virsh
#      cpu-baseline --features` of it alone) is one the baseline has.
#   B. Per-host verdicts: every model of libvirt's 9.0 map and GUESTS
#      random guest CPUs as --guest on a fleet of this machine's
#      domcapabilities, its capabilities and the copy of the same QEMU 7.2
#      TCG domcapabilities from libvirt's tests: the verdict for the live
#      domcapabilities and for the copy must equal `virsh
#      hypervisor-cpu-compare --virttype qemu`, the one for the
#      capabilities `virsh cpu-compare`.  Each sub-fleet of A holding the
#      live domcapabilities: the best common model of its group must not be
#      INCOMPATIBLE with it for virsh either.
# Prints the agreement counts.  Fixed seed.
#   SUBSETS=N (default 40), GUESTS=N (default 40), SEED=N, KEEP=1
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
subsets=${SUBSETS:-40}
guests=${GUESTS:-40}
RANDOM=${SEED:-1789}
conn=qemu:///system
map=$top/data/cpu_map
export CPUSCOPE_QEMU=none CPUSCOPE_SNAPSHOT=7.2

. "$here/lib.sh"
need_bin
need_tools python3
need_libvirtd
work_dir
cd "$top" || exit 1

h=$work/hosts
mkdir -p "$h" "$work/rep"
virsh -c "$conn" domcapabilities --virttype qemu >"$h/live-domcaps.xml" 2>"$work/err" ||
	skip "virsh domcapabilities --virttype qemu failed: $(head -1 "$work/err")"
virsh -c "$conn" capabilities >"$h/live-caps.xml" 2>"$work/err" ||
	skip "virsh capabilities failed: $(head -1 "$work/err")"
grep -q "<mode name='host-model' supported='yes'>" "$h/live-domcaps.xml" ||
	skip "the hypervisor offers no host-model CPU (hypervisor-cpu-compare needs one)"

# every host file, and the host <cpu> virsh gets for it ("" when none)
files=() reps=()
add_host() { files+=("$1"); reps+=("$2"); }
for f in tests/data/cpuid/x86_64-cpuid-*.xml; do
	add_host "$f" "tests/data/hosts-baseline/$(basename "$f" .xml)-host.xml"
done
add_host tests/data/hosts-baseline/live-zen5-vm-capabilities-host-cpu.xml \
	tests/data/hosts-baseline/live-zen5-vm-capabilities-host-cpu.xml
add_host "$h/live-caps.xml" "$h/live-caps.xml"
# a domcapabilities host-model as a host <cpu>, when it has no disable
domcaps_rep() { # FILE OUT -> 0 when written
	local hm
	hm=$(sed -n "/<mode name='host-model'/,/<\/mode>/p" "$1")
	grep -q "policy='disable'" <<<"$hm" && return 1
	{
		echo "<cpu>"
		echo "  <arch>x86_64</arch>"
		sed -n 's:.*<model[^>]*>\([^<]*\)</model>.*:  <model>\1</model>:p' <<<"$hm"
		sed -n 's:.*<vendor>\([^<]*\)</vendor>.*:  <vendor>\1</vendor>:p' <<<"$hm"
		sed -n "s:.*<feature policy='require' name='\([^']*\)'/>.*:  <feature name='\1'/>:p" <<<"$hm"
		echo "</cpu>"
	} >"$2"
}
k=0
for f in "$h/live-domcaps.xml" tests/data/libvirt/v9.0.0/domaincapsdata/qemu_*.x86_64.xml \
	tests/data/libvirt/v11.3.0/domaincapsdata/qemu_*.x86_64*.xml; do
	k=$((k + 1))
	out=$work/rep/domcaps$k.xml
	if domcaps_rep "$f" "$out"; then add_host "$f" "$out"; else add_host "$f" ""; fi
done
live_dc=$h/live-domcaps.xml
tcg_copy=tests/data/libvirt/v9.0.0/domaincapsdata/qemu_7.2.0-tcg.x86_64.xml

# The libvirt message of a virsh error line.
virsh_msg() {
	grep -m1 '^error: ' "$1" | sed -E 's/^error: //; s/^(operation failed|internal error|XML error|invalid argument|argument unsupported|unsupported configuration|Requested operation is not valid): //'
}
verdict_hv() { # FILE -> IDENTICAL|SUPERSET|INCOMPATIBLE|ERROR
	local out
	out=$(virsh -c "$conn" hypervisor-cpu-compare "$1" --virttype qemu 2>&1)
	case "$out" in
	*"is identical to"*) echo IDENTICAL ;;
	*"is a superset of"*) echo SUPERSET ;;
	*"is incompatible with"*) echo INCOMPATIBLE ;;
	*) echo ERROR ;;
	esac
}
verdict_host() { # FILE -> the same, by virsh cpu-compare (the host CPU)
	local out
	out=$(virsh -c "$conn" cpu-compare "$1" 2>&1)
	case "$out" in
	*"is identical to"*) echo IDENTICAL ;;
	*"is a superset of"*) echo SUPERSET ;;
	*"is incompatible with"*) echo INCOMPATIBLE ;;
	*) echo ERROR ;;
	esac
}
model_xml() { # MODEL -> a guest CPU of only that model
	printf "<cpu mode='custom' match='exact'>\n  <model fallback='forbid'>%s</model>\n</cpu>\n" "$1"
}
# The features libvirt gives a model (one per line).
declare -A model_feats=()
model_features() {
	if [ -z "${model_feats[$1]+x}" ]; then
		printf "<cpu>\n  <arch>x86_64</arch>\n  <model>%s</model>\n</cpu>\n" "$1" >"$work/m1.xml"
		model_feats[$1]=$(virsh -c "$conn" cpu-baseline --features "$work/m1.xml" 2>/dev/null |
			sed -n "s:.*<feature policy='require' name='\([^']*\)'/>.*:\1:p" | sort)
	fi
	printf '%s\n' "${model_feats[$1]}"
}

pass=0 fail=0
a_same=0 a_err=0 a_nc=0 a_within=0 a_hv=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# ---- A. baselines of the vendor groups ------------------------------------------------
# check_fleet INDEX...: cpuscope fleet on those hosts; every group against virsh
check_fleet() {
	local idx=("$@") args=() i g n
	for i in "${idx[@]}"; do args+=("${files[$i]}"); done
	"$bin" fleet "${args[@]}" --format json >"$work/f.json" 2>"$work/f.err"
	if [ $? -gt 1 ]; then
		bad "cpuscope fleet ${args[*]}: $(head -1 "$work/f.err")"
		return
	fi
	# one line per group: vendor|best|host numbers|has-baseline
	python3 - "$work/f.json" "$work/g" >"$work/groups" <<-'EOF'
		import json, sys
		d = json.load(open(sys.argv[1]))
		for k, g in enumerate(d["groups"]):
		    b = g["baseline"]
		    open("%s%d.xml" % (sys.argv[2], k), "w").write(b["xml"] + "\n" if b else "")
		    open("%s%d.err" % (sys.argv[2], k), "w").write(g["baseline-error"] or "")
		    print("%s|%s|%s" % (g["vendor"] or "-", g["best"] or "-",
		                        " ".join(str(h) for h in g["hosts"])))
	EOF
	n=0
	while IFS='|' read -r vendor best members; do
		local rep=() comparable=1 live=0 j
		for j in $members; do
			i=${idx[$((j - 1))]}
			[ -n "${reps[$i]}" ] || comparable=0
			rep+=("${reps[$i]}")
			[ "${files[$i]}" = "$live_dc" ] && live=1
		done
		if [ "$comparable" = 1 ]; then
			cat "${rep[@]}" >"$work/virsh-in.xml"
			if virsh -c "$conn" cpu-baseline "$work/virsh-in.xml" >"$work/virsh.out" 2>"$work/virsh.err"; then
				if cmp -s "$work/virsh.out" "$work/g$n.xml"; then
					ok
					a_same=$((a_same + 1))
				else
					bad "baseline of $vendor group (${args[*]}) differs from virsh cpu-baseline"
					diff "$work/virsh.out" "$work/g$n.xml" | head -10
				fi
			else
				msg=$(virsh_msg "$work/virsh.err")
				if [ -s "$work/g$n.err" ] && grep -qF -- "$msg" "$work/g$n.err"; then
					ok
					a_err=$((a_err + 1))
				else
					bad "$vendor group (${args[*]}): virsh cpu-baseline fails ($msg), cpuscope: $(cat "$work/g$n.err")"
				fi
			fi
			# the best common model within the baseline
			if [ "$best" != - ] && [ -s "$work/g$n.xml" ]; then
				virsh -c "$conn" cpu-baseline --features "$work/virsh-in.xml" 2>/dev/null |
					sed -n "s:.*<feature policy='require' name='\([^']*\)'/>.*:\1:p" | sort >"$work/bl.feats"
				if [ -z "$(comm -23 <(model_features "$best") "$work/bl.feats")" ]; then
					ok
					a_within=$((a_within + 1))
				else
					bad "$vendor group (${args[*]}): best model $best has features the baseline lacks:" \
						"$(comm -23 <(model_features "$best") "$work/bl.feats" | tr '\n' ' ')"
				fi
			fi
		else
			a_nc=$((a_nc + 1))
		fi
		if [ "$live" = 1 ] && [ "$best" != - ]; then
			model_xml "$best" >"$work/best.xml"
			v=$(verdict_hv "$work/best.xml")
			if [ "$v" = SUPERSET ] || [ "$v" = IDENTICAL ]; then
				ok
				a_hv=$((a_hv + 1))
			else
				bad "best model $best of the $vendor group (${args[*]}): virsh hypervisor-cpu-compare says $v"
			fi
		fi
		n=$((n + 1))
	done <"$work/groups"
}

all=("${!files[@]}")
check_fleet "${all[@]}"
for ((s = 0; s < subsets; s++)); do
	k=$((2 + RANDOM % 7))
	pick=()
	for ((j = 0; j < k; j++)); do
		i=${all[RANDOM % ${#all[@]}]}
		[[ " ${pick[*]} " == *" $i "* ]] || pick+=("$i")
	done
	check_fleet "${pick[@]}"
done
echo "fleet baselines: $a_same groups equal to virsh cpu-baseline, $a_err fail with libvirt's error," \
	"$a_nc not comparable (a host-model with disable features has no host <cpu> form);" \
	"best model within the baseline: $a_within; accepted by hypervisor-cpu-compare: $a_hv"

# ---- B. per-host verdicts -------------------------------------------------------------
mapfile -t models < <(sed -n "s:.*<model name='\([^']*\)'>.*:\1:p" "$map"/x86_*.xml | sort -u)
mapfile -t feats < <(sed -n "s:.*<feature name='\([^']*\)'>.*:\1:p" "$map"/x86_features.xml)
policies=(force require optional disable forbid)
matches=(minimum exact exact strict)
gen_guest() {
	local n i used=" " f
	echo "<cpu mode='custom' match='${matches[RANDOM % ${#matches[@]}]}'>"
	echo "  <model fallback='forbid'>${models[RANDOM % ${#models[@]}]}</model>"
	((RANDOM % 10 == 0)) && echo "  <vendor>AMD</vendor>"
	n=$((RANDOM % 5))
	for ((i = 0; i < n; i++)); do
		f=${feats[RANDOM % ${#feats[@]}]}
		[[ "$used" == *" $f "* ]] && continue
		used+="$f "
		echo "  <feature policy='${policies[RANDOM % ${#policies[@]}]}' name='$f'/>"
	done
	echo "</cpu>"
}
b_pass=0 b_total=0
declare -A seen=()
check_guest() { # GUEST.xml
	local want_hv want_host got
	want_hv=$(verdict_hv "$1")
	want_host=$(verdict_host "$1")
	# the guest's lines of the text report: "  N  VERDICT  starts|..."
	"$bin" fleet "$live_dc" "$h/live-caps.xml" "$tcg_copy" --guest "$1" >"$work/g.txt" 2>"$work/g.err"
	if [ $? -gt 1 ]; then
		got="ERROR ERROR ERROR"
	else
		got=$(sed -n '/^guest CPU /,/^$/s/^ *[0-9][0-9]*  \([A-Z]*\) .*/\1/p' "$work/g.txt" | tr '\n' ' ')
	fi
	seen[$want_hv]=$((${seen[$want_hv]:-0} + 1))
	b_total=$((b_total + 3))
	read -r g1 g2 g3 <<<"$got"
	for pair in "$want_hv:$g1:live domcapabilities" "$want_host:$g2:live capabilities" \
		"$want_hv:$g3:$tcg_copy"; do
		IFS=: read -r w g what <<<"$pair"
		if [ "$w" = "$g" ]; then
			ok
			b_pass=$((b_pass + 1))
		else
			bad "guest $(basename "$1") on $what: virsh $w, cpuscope fleet $g"
			sed 's/^/    /' "$1"
			[ -s "$work/g.err" ] && sed 's/^/    cpuscope: /' "$work/g.err"
		fi
	done
}
for m in "${models[@]}"; do
	model_xml "$m" >"$work/model-$m.xml"
	check_guest "$work/model-$m.xml"
done
for ((k = 1; k <= guests; k++)); do
	gen_guest >"$work/guest-$k.xml"
	check_guest "$work/guest-$k.xml"
done
# the hypervisor's own host-model (IDENTICAL), and a model nobody knows (an error)
{
	echo "<cpu mode='custom' match='exact'>"
	sed -n "/<mode name='host-model'/,/<\/mode>/p" "$live_dc" | grep '<model\|<vendor\|<feature'
	echo "</cpu>"
} >"$work/guest-host-model.xml"
check_guest "$work/guest-host-model.xml"
model_xml Nehalem-XL >"$work/guest-bogus.xml"
check_guest "$work/guest-bogus.xml"
dist=""
for v in IDENTICAL SUPERSET INCOMPATIBLE ERROR; do dist+=" $v=${seen[$v]:-0}"; done
echo "fleet per-host verdicts: $b_pass of $b_total agree with virsh hypervisor-cpu-compare/cpu-compare" \
	"(${#models[@]} map models, $guests random guests, the host-model, an unknown model; on 3 hosts;" \
	"virsh said:$dist)"
[ "$fail" = 0 ] && echo "PASS: cpuscope fleet agrees with virsh"
echo "RESULT: passed=$pass failed=$fail skipped=0"
[ "$fail" = 0 ]
