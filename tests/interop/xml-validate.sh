#!/usr/bin/env bash
# xml-validate.sh - the guest <cpu> XML cpuscope writes is valid for libvirt:
# each one, put in a minimal <domain>, passes `virt-xml-validate FILE domain`
# (libvirt's own RNG schema, package libvirt-clients).
#
# Cases: every mode, match, check and fallback; each of the five policies;
# vendor_id; a seeded mix of random models (QEMU's), features (libvirt's
# 9.0 map) and policies; and the
# disable fixes `cpuscope explain` suggests.  Two broken documents must be
# refused, so a validator that accepts anything cannot pass.
#   CASES=N random cases (default 60), SEED=N (default 777), KEEP=1.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
cases=${CASES:-60}
RANDOM=${SEED:-777}
map=$top/data/cpu_map
host=$top/data/hosts/qemu-7.2-tcg-domcaps.xml

. "$here/lib.sh"
need_bin
command -v virt-xml-validate >/dev/null ||
	skip "virt-xml-validate is not installed (CI installs libvirt-clients)"
command -v xmllint >/dev/null || skip "virt-xml-validate needs xmllint (libxml2-utils)"
work_dir

# QEMU's models (build refuses names QEMU does not have), libvirt's features
mapfile -t models < <("$bin" --host "$host" models | awk 'NR > 2 && $1 != "host" { print $1 }')
mapfile -t feats < <(sed -n "s:.*<feature name='\([^']*\)'>.*:\1:p" "$map"/x86_features.xml)

domain() { # CPU-XML-FILE -> domain on stdout
	cat <<EOF
<domain type='qemu'>
  <name>cpuscope-validate</name>
  <memory unit='KiB'>131072</memory>
  <os>
    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
  </os>
EOF
	sed 's/^/  /' "$1"
	echo "</domain>"
}

pass=0 fail=0 n=0
validate() { # DESCRIPTION CPU-XML-FILE [expect-invalid]
	local d=$work/domain-$n.xml
	n=$((n + 1))
	domain "$2" >"$d"
	if virt-xml-validate "$d" domain >"$work/v.out" 2>&1; then
		if [ "${3:-}" = invalid ]; then
			fail=$((fail + 1))
			echo "FAIL: $1: a broken document passed validation"
		else
			pass=$((pass + 1))
		fi
	elif [ "${3:-}" = invalid ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $1: virt-xml-validate refuses it:"
		sed 's/^/    /' "$work/v.out" | head -5
		sed 's/^/    /' "$2"
	fi
}
build() { # DESCRIPTION BUILD-ARGS...
	local desc=$1 x=$work/cpu.xml
	shift
	if ! "$bin" --host "$host" build "$@" --format xml >"$x" 2>"$work/b.err"; then
		fail=$((fail + 1))
		echo "FAIL: $desc: cpuscope build $* failed: $(head -1 "$work/b.err")"
		return
	fi
	validate "$desc" "$x"
}

# every mode, match, check, fallback
build "custom" --model Haswell
build "host-model" --mode host-model
build "host-model with a model" --mode host-model --model Skylake-Client
build "host-passthrough" --mode host-passthrough
build "maximum" --mode maximum
build "host-passthrough, check none" --mode host-passthrough --check none
for m in minimum exact strict; do build "match $m" --model Westmere --match "$m"; done
for c in none partial full; do build "check $c" --model EPYC --check "$c"; done
for f in allow forbid; do build "fallback $f" --model Nehalem --fallback "$f"; done
build "vendor_id" --model qemu64 --vendor-id GenuineIntel
# each policy, libvirt and QEMU spellings
for p in force require optional disable forbid; do
	build "policy $p" --model Westmere --"$p" pclmuldq,lahf_lm,sse4.2
done
build "QEMU spellings" --model Westmere --require pclmulqdq,lahf-lm,sse4-2 --disable tsc-adjust
build "host-model with policies" --mode host-model --require avx2 --disable svm --forbid vmx
build "versioned model" --model Haswell-v4 --disable hle,rtm
build "every policy at once" --model Cascadelake-Server --force vmx --require pcid \
	--optional invtsc --disable hle,rtm --forbid mpx --match strict --check full --fallback forbid

# random cases
pols=(force require optional disable forbid)
modes=(custom custom custom custom host-model)
matches=(minimum exact strict)
checks=(none partial full)
for ((k = 0; k < cases; k++)); do
	args=(--model "${models[RANDOM % ${#models[@]}]}")
	mode=${modes[RANDOM % ${#modes[@]}]}
	args+=(--mode "$mode")
	[ "$mode" = custom ] && ((RANDOM % 2)) && args+=(--match "${matches[RANDOM % 3]}")
	((RANDOM % 2)) && args+=(--check "${checks[RANDOM % 3]}")
	fbs=(allow forbid)
	((RANDOM % 3 == 0)) && args+=(--fallback "${fbs[RANDOM % 2]}")
	used=" "
	nf=$((RANDOM % 8))
	for ((i = 0; i < nf; i++)); do
		f=${feats[RANDOM % ${#feats[@]}]}
		[[ "$used" == *" $f "* ]] && continue
		used+="$f "
		args+=(--"${pols[RANDOM % 5]}" "$f")
	done
	build "random case $k (${args[*]})" "${args[@]}"
done

# the disable fixes explain suggests (libvirt's view of this QEMU under TCG)
for m in Haswell Skylake-Server Icelake-Server-v6 EPYC-Rome Cooperlake; do
	js=$("$bin" --host "$host" --format json explain "$m" 2>/dev/null)
	xml=$(sed -n 's/^ *"xml": "\(.*\)",\{0,1\}$/\1/p' <<<"$js" | head -1)
	if [ -z "$xml" ]; then
		fail=$((fail + 1))
		echo "FAIL: explain $m gave no disable fix XML"
		continue
	fi
	printf '%b' "$xml" >"$work/fix.xml"
	validate "explain $m fix" "$work/fix.xml"
done

# controls: broken documents must be refused
printf "<cpu mode='custom' match='exact'>\n  <model>Haswell</model>\n  <feature policy='sometimes' name='hle'/>\n</cpu>\n" >"$work/bad1.xml"
validate "control: unknown policy" "$work/bad1.xml" invalid
printf "<cpu mode='sideways'/>\n" >"$work/bad2.xml"
validate "control: unknown mode" "$work/bad2.xml" invalid

echo "xml-validate: $pass of $((pass + fail)) documents as expected by virt-xml-validate ($(virt-xml-validate --version 2>/dev/null | head -1))"
[ "$fail" = 0 ] && echo "PASS: every built <cpu> is valid libvirt domain XML"
echo "RESULT: passed=$pass failed=$fail skipped=0"
[ "$fail" = 0 ]
