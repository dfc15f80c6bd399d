#!/usr/bin/env bash
# reference.sh - with no --host, cpuscope's verdict is this machine's QEMU's.
#
# Issue "The truth of the user's own stack": on a machine with QEMU
# installed and no --host, every verdict cpuscope prints must agree with
# `qemu-system-x86_64 -accel <what cpuscope uses> -cpu MODEL,enforce`.
# For the accelerator cpuscope picks by itself (KVM when /dev/kvm is usable,
# else TCG) and for TCG explicitly (--accel tcg), on the default machine
# type: every model `cpuscope models` calls usable starts with enforce,
# every model it calls not usable does not.  The first line of a verdict
# names QEMU and the accelerator.  Nothing here hard-codes either
# accelerator's answers: they are QEMU's.
#   KEEP=1 keeps the work dir, FILTER_MODELS=REGEX limits the models.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
qemu=qemu-system-x86_64

. "$here/lib.sh"
need_bin
command -v "$qemu" >/dev/null || skip "$qemu is not installed (CI installs qemu-system-x86)"
need_tools timeout python3
work_dir
export XDG_CACHE_HOME=$work/cache

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

check_accel() { # "" (cpuscope's choice) or kvm|tcg
	local want=$1 opt=() js accel machine label n=0 nu=0
	[ -n "$want" ] && opt=(--accel "$want")
	local t0=$(date +%s.%N)
	if ! js=$("$bin" "${opt[@]}" --format json models 2>"$work/models.err"); then
		bad "cpuscope ${opt[*]} models failed: $(head -c 400 "$work/models.err")"
		return
	fi
	local t1=$(date +%s.%N)
	read -r accel machine < <(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["accel"], d["machine"])' <<<"$js")
	label=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["host"])' <<<"$js")
	local asked=${want:-auto} took
	took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	echo "accel $asked: $accel on $machine; verdicts by \"$label\"; first answer in $took s"
	[ -z "$want" ] || [ "$accel" = "$want" ] || bad "--accel $want, but the data is $accel"
	case $label in
	"QEMU "*" on this machine ($accel)") ok ;;
	*) bad "the verdict's source is \"$label\", not this machine's QEMU with $accel" ;;
	esac
	local first
	first=$("$bin" "${opt[@]}" models 2>/dev/null | head -1)
	[[ $first == *"on QEMU "*" on this machine ($accel)"* ]] && ok ||
		bad "models' first line does not name QEMU and $accel: $first"
	python3 -c 'import json,sys
for m in json.load(sys.stdin)["models"]:
    print(m["name"], "yes" if m["usable"] else "no")' <<<"$js" >"$work/verdicts.txt"
	while read -r m u; do
		[ -n "${FILTER_MODELS:-}" ] && ! [[ "$m" =~ $FILTER_MODELS ]] && continue
		n=$((n + 1))
		# (a subshell: QEMU aborting must not make bash report the job)
		if (printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"quit"}' |
			timeout 60 "$qemu" -accel "$accel" -machine "$machine" -cpu "$m,enforce" -S \
				-nographic -nodefaults -display none -no-user-config -qmp stdio \
				>/dev/null 2>"$work/start.err") 2>/dev/null; then
			started=yes
		else
			started=no
		fi
		if [ "$started" = "$u" ]; then
			ok
			[ "$u" = yes ] && nu=$((nu + 1))
		else
			bad "$m ($accel, $machine): cpuscope says usable=$u, QEMU -cpu $m,enforce started=$started: $(head -c 300 "$work/start.err" | tr '\n' ' ')"
		fi
	done <"$work/verdicts.txt"
	echo "accel $accel: $n models checked against QEMU, $nu usable"
}

if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	check_accel ""
	check_accel kvm
else
	check_accel ""
fi
check_accel tcg
echo "RESULT: passed=$pass failed=$fail skipped=0"
[ "$fail" = 0 ]
