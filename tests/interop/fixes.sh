#!/usr/bin/env bash
# fixes.sh - the fixes explain offers are -cpu values the real QEMU takes.
#
# explain MODEL: for every model cpuscope calls unusable on this machine's
# QEMU, the disable fix starts with enforce (this checks what QEMU's
# unavailable-features do not say, e.g. a nested KVM that refuses MSR
# 0x10a: a fix keeping arch-capabilities aborts).
#
# Issue "The explorer as an admin meets it", item 3: the fix for QEMU's
# "doesn't support requested feature" warnings must keep what the user had
# already disabled, and the other models it offers must run on the whole
# accelerator, not only avoid the warned features.  For every model that
# cpuscope calls unusable on this machine's QEMU (the accelerator cpuscope
# picks, and TCG), with one of the model's usable features switched off by
# the "user":
#   1. QEMU starts with -cpu VALUE (no enforce) and prints its warnings;
#   2. cpuscope explain --qemu-warning WARNINGS --cpu VALUE gives a -cpu fix;
#   3. the fix still holds the user's FEATURE=off;
#   4. QEMU starts with -cpu FIX,enforce and prints no warning;
#   5. every other model explain offers starts with -cpu MODEL,enforce.
# Models that no policy can fix (blocked by 'kvm' or a start failure) are
# counted as skipped.  Nothing here hard-codes QEMU's answers.
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

pass=0 fail=0 skipped=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# start ACCEL MACHINE CPU: QEMU's stderr in $work/start.err; status 0 if it started
start() {
	(printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"quit"}' |
		timeout 60 "$qemu" -accel "$1" -machine "$2" -cpu "$3" -S -nographic -nodefaults \
			-display none -no-user-config -qmp stdio >/dev/null 2>"$work/start.err") 2>/dev/null
}

check_accel() { # "" (cpuscope's choice) or kvm|tcg
	local want=$1 opt=() js accel machine n=0
	[ -n "$want" ] && opt=(--accel "$want")
	if ! js=$("$bin" "${opt[@]}" --format json models 2>"$work/models.err"); then
		bad "cpuscope ${opt[*]} models failed: $(head -c 400 "$work/models.err")"
		return
	fi
	read -r accel machine < <(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["accel"], d["machine"])' <<<"$js")
	python3 -c 'import json,sys
for m in json.load(sys.stdin)["models"]:
    if not m["usable"]: print(m["name"])' <<<"$js" >"$work/unusable.txt"
	while read -r m; do
		[ -n "${FILTER_MODELS:-}" ] && ! [[ "$m" =~ $FILTER_MODELS ]] && continue
		# explain MODEL's own disable fix
		local mfix
		mfix=$("$bin" "${opt[@]}" --machine "$machine" --format json explain "$m" 2>/dev/null | python3 -c '
import json,sys
d=json.load(sys.stdin)
print(next((s.get("qemu") or "" for s in d["suggestions"] if s["kind"]=="disable"), ""))')
		if [ -n "$mfix" ]; then
			if start "$accel" "$machine" "$mfix,enforce"; then
				ok
			else
				bad "$m ($accel, $machine): explain's fix -cpu $mfix,enforce does not start: $(head -c 300 "$work/start.err" | tr '\n' ' ')"
			fi
		fi
		# the "user's" disable: the first feature of the model that is not a blocker
		local f
		f=$("$bin" "${opt[@]}" --machine "$machine" --format json show "$m" 2>/dev/null | python3 -c '
import json,sys
d=json.load(sys.stdin); b=set(d.get("blockers") or [])
fs=[x if isinstance(x,str) else x.get("name") for x in d.get("features") or []]
print(next((x for x in fs if x and x not in b and x.isidentifier()), ""))')
		if [ -z "$f" ]; then
			skipped=$((skipped + 1))
			continue
		fi
		local value="$m,$f=off"
		start "$accel" "$machine" "$value"
		grep "doesn't support requested feature" "$work/start.err" >"$work/warnings.txt"
		if ! [ -s "$work/warnings.txt" ]; then
			# QEMU started it without a warning: nothing to explain (a
			# pseudo blocker such as a start failure); cpuscope must not
			# have offered a disable fix for it either
			skipped=$((skipped + 1))
			continue
		fi
		n=$((n + 1))
		local rc=0
		"$bin" "${opt[@]}" --machine "$machine" --format json explain \
			--qemu-warning "$work/warnings.txt" --cpu "$value" >"$work/x.json" 2>"$work/x.err" || rc=$?
		if [ "$rc" != 1 ]; then
			bad "$m ($accel): explain --cpu $value exited $rc, not 1 (not usable): $(head -c 300 "$work/x.err")"
			continue
		fi
		local fix alts
		fix=$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print(next((s.get("qemu") or "" for s in d["suggestions"] if s["kind"]=="disable"), ""))' "$work/x.json")
		alts=$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print(" ".join(s["model"] for s in d["suggestions"] if s["kind"]=="model"))' "$work/x.json")
		if [ -z "$fix" ]; then
			bad "$m ($accel): QEMU warned about $value, explain gave no -cpu fix"
			continue
		fi
		[[ ",$fix," == *",$f=off,"* ]] && ok || bad "$m ($accel): the fix drops the user's $f=off: $fix"
		if start "$accel" "$machine" "$fix,enforce" && ! grep -q "doesn't support" "$work/start.err"; then
			ok
		else
			bad "$m ($accel, $machine): -cpu $fix,enforce does not start cleanly: $(head -c 300 "$work/start.err" | tr '\n' ' ')"
		fi
		for a in $alts; do
			if start "$accel" "$machine" "$a,enforce"; then
				ok
			else
				bad "$m ($accel): explain offers $a, but -cpu $a,enforce does not start: $(head -c 200 "$work/start.err" | tr '\n' ' ')"
			fi
		done
	done <"$work/unusable.txt"
	echo "accel $accel on $machine: $n warned -cpu values explained and checked against QEMU"
}

if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	check_accel ""
fi
check_accel tcg
echo "RESULT: passed=$pass failed=$fail skipped=$skipped"
[ "$fail" = 0 ]
