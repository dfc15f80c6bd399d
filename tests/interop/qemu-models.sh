#!/usr/bin/env bash
# qemu-models.sh - cpuscope's usability verdicts against the real QEMU (TCG).
#
# For every x86_64 CPU model of the installed qemu-system-x86_64:
#   1. blockers: `cpuscope explain M --host MAX` with QEMU's own `max`
#      expansion as the host (full, and static) names exactly QEMU's
#      unavailable-features (query-cpu-definitions under the same machine);
#   2. start: qemu-system-x86_64 -accel tcg -machine pc-q35-7.2 -cpu
#      "$(cpuscope build --model M --format qemu)",enforce starts exactly when
#      explain says usable;
#   3. fix: for an unusable model, the -cpu value explain suggests (the
#      smallest set of disable policies) starts with enforce; where explain
#      says no policy can help ('host' under TCG), QEMU refuses too.
# cpuscope's QEMU data comes from `cpuscope probe` of the same binary (TCG).
#   MACHINE=TYPE (default pc-q35-7.2), KEEP=1 keeps the work dir,
#   FILTER_MODELS=REGEX limits the models.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
qemu=${QEMU:-qemu-system-x86_64}
machine=${MACHINE:-pc-q35-7.2}

. "$here/lib.sh"
need_bin
command -v "$qemu" >/dev/null || skip "$qemu is not installed (CI installs qemu-system-x86)"
need_tools timeout
work_dir

"$qemu" -machine help 2>/dev/null | grep -q "^$machine " ||
	skip "$qemu has no machine type $machine (set MACHINE=...)"

qmp() { # COMMAND... -> the replies, one per line (greeting and events too)
	{ echo '{"execute":"qmp_capabilities"}'; printf '%s\n' "$@"; echo '{"execute":"quit"}'; } |
		timeout 60 "$qemu" -machine "$machine" -S -nodefaults -nographic -display none \
			-qmp stdio -accel tcg 2>>"$work/qemu.err"
}
reply() { sed -n 3p; } # the reply to the first command after qmp_capabilities

qmp '{"execute":"query-cpu-definitions"}' | reply >"$work/defs.json"
qmp '{"execute":"query-cpu-model-expansion","arguments":{"type":"full","model":{"name":"max"}}}' |
	reply >"$work/max-full.json"
qmp '{"execute":"query-cpu-model-expansion","arguments":{"type":"static","model":{"name":"max"}}}' |
	reply >"$work/max-static.json"
for f in defs max-full max-static; do
	grep -q '^{"return"' "$work/$f.json" || skip "QMP capture of $f failed: $(head -c 300 "$work/$f.json" "$work/qemu.err")"
done

snap=$work/snap.json
if ! "$bin" probe --qemu "$qemu" --accel tcg --machines "$machine" --no-cache -q --out "$snap" \
	2>"$work/probe.err"; then
	echo "FAIL: cpuscope probe of $qemu failed:"
	sed 's/^/    /' "$work/probe.err"
	echo "RESULT: passed=0 failed=1 skipped=0"
	exit 1
fi
cs() { "$bin" --snapshot "$snap" --machine "$machine" "$@"; }

# QEMU's verdicts: "NAME<TAB>sorted unavailable features, space-separated"
sed 's/^{"return": \[{//; s/}\]}$//; s/}, {/\n/g' "$work/defs.json" |
	awk '{
		name = $0; sub(/.*"name": "/, "", name); sub(/".*/, "", name)
		u = $0
		if (u !~ /"unavailable-features": \[/) { print name "\t?"; next }
		sub(/.*"unavailable-features": \[/, "", u); sub(/\].*/, "", u)
		gsub(/[", ]+/, " ", u); n = split(u, a, " ")
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		s = ""; for (i = 1; i <= n; i++) if (a[i] != "") s = s (s == "" ? "" : " ") a[i]
		print name "\t" s
	}' >"$work/qemu-verdicts.tsv"
nmodels=$(wc -l <"$work/qemu-verdicts.tsv")
[ "$nmodels" -gt 10 ] || skip "could not read query-cpu-definitions ($nmodels models)"

# the "unavailable" array of explain's JSON, sorted, space-separated
json_unavailable() {
	awk '/^  "unavailable": \[ *\]/ { exit } /^  "unavailable": \[/ { on = 1; next } on && /^  \]/ { exit }
	     on { gsub(/[", ]/, ""); print }' | sort | tr '\n' ' ' | sed 's/ $//'
}
# the -cpu value of the disable suggestion
json_fix() { sed -n 's/^ *"qemu": "\(.*\)",\{0,1\}$/\1/p' | head -1; }

starts() { # -cpu VALUE -> 0 when QEMU starts with it and enforce
	printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"quit"}' |
		timeout 60 "$qemu" -accel tcg -machine "$machine" -cpu "$1,enforce" -S -nographic \
			-nodefaults -display none -qmp stdio >/dev/null 2>"$work/start.err"
}

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
n_usable=0 n_fix=0 n_nofix=0
while IFS=$'\t' read -r m want; do
	[ -n "${FILTER_MODELS:-}" ] && ! [[ "$m" =~ $FILTER_MODELS ]] && continue
	if [ "$want" = "?" ]; then
		bad "$m: QEMU gave no unavailable-features"
		continue
	fi
	# 1. blockers against max (full and static)
	for h in max-full max-static; do
		js=$(cs --host "$work/$h.json" --format json explain "$m" 2>"$work/cs.err")
		rc=$?
		got=$(json_unavailable <<<"$js")
		if [ "$got" = "$want" ]; then
			ok
		else
			bad "$m ($h): cpuscope blockers [$got], QEMU unavailable-features [$want]"
			sed 's/^/    /' "$work/cs.err"
		fi
		if [ "$h" = max-full ]; then
			explain_json=$js
			explain_rc=$rc
		fi
	done
	if [ -n "$want" ] && [ "$explain_rc" != 1 ]; then
		bad "$m: explain exits $explain_rc for a model QEMU cannot run (want 1)"
	elif [ -z "$want" ] && [ "$explain_rc" != 0 ]; then
		bad "$m: explain exits $explain_rc for a usable model (want 0)"
	else
		ok
	fi
	# 2. the built -cpu value starts exactly when usable
	v=$(cs --host "$work/max-full.json" build --model "$m" --format qemu 2>"$work/cs.err")
	if [ -z "$v" ]; then
		bad "$m: cpuscope build gave no -cpu value: $(head -1 "$work/cs.err")"
		continue
	fi
	starts "$v"
	src=$?
	if [ "$explain_rc" = 0 ] && [ $src = 0 ]; then
		ok
		n_usable=$((n_usable + 1))
	elif [ "$explain_rc" = 1 ] && [ $src != 0 ]; then
		ok
	else
		bad "$m: cpuscope says $([ "$explain_rc" = 0 ] && echo usable || echo 'NOT usable'), but -cpu $v,enforce $([ $src = 0 ] && echo starts || echo "fails: $(grep -v warning "$work/start.err" | head -1)")"
		continue
	fi
	[ "$explain_rc" = 1 ] || continue
	# 3. the suggested disables make it start
	fix=$(json_fix <<<"$explain_json")
	if [ -z "$fix" ]; then
		# no policy can help: QEMU must refuse the model whatever is disabled
		if grep -q '"kind": "disable"' <<<"$explain_json"; then
			bad "$m: explain suggests disables but gives no -cpu value"
		else
			ok
			n_nofix=$((n_nofix + 1))
		fi
		continue
	fi
	if starts "$fix"; then
		ok
		n_fix=$((n_fix + 1))
	else
		bad "$m: the suggested -cpu $fix,enforce fails: $(grep -v warning "$work/start.err" | head -1)"
		grep warning "$work/start.err" | sed 's/^/    /' | head -5
	fi
done <"$work/qemu-verdicts.tsv"

echo "qemu-models: $nmodels models of $("$qemu" --version | head -1 | sed 's/ (.*//') under TCG on $machine:" \
	"$n_usable usable and started, $n_fix unusable ones started with the suggested disables," \
	"$n_nofix beyond any disable"
[ "$fail" = 0 ] && echo "PASS: cpuscope's blockers, -cpu values and fixes agree with QEMU for every model"
echo "RESULT: passed=$pass failed=$fail skipped=0"
[ "$fail" = 0 ]
