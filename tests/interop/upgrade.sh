#!/usr/bin/env bash
# upgrade.sh - `cpuscope upgrade --from 7.2 --to 10.0` against the two real
# QEMUs (TCG).
#
# For every model of the bundled 7.2 snapshot on each machine type of
# MACHINES (default: pc-q35-7.2 pc-i440fx-7.2), the check's verdicts
# "starts with enforce" on the 7.2 side and on the 10.0 side must be what
# qemu-system-x86_64 -accel tcg -machine TYPE -cpu MODEL,enforce does with
# the real QEMU 7.2 and the real QEMU 10.0: so the models it says stop or
# start starting do.  Also a removed machine type: QEMU 7.2 starts
# pc-i440fx-1.4, QEMU 10.0 refuses it, and the check names it.
#
# QEMU 7.2 is the system's qemu-system-x86_64 (QEMU72=...), QEMU 10.0 the
# one scripts/fetch-qemu.sh 10.0 unpacks under
# ${XDG_CACHE_HOME:-~/.cache}/cpuscope-qemu/10.0 (QEMU10=..., with its
# firmware as -L; QEMU10_DATADIR=...).  Either missing is a loud SKIP; run
# scripts/fetch-qemu.sh 10.0 first.  The bundled snapshots are probes of
# these same builds (data/qemu.README); a different build is named.
#   MACHINES="..." the machine types, FILTER_MODELS=REGEX limits the models,
#   JOBS=N parallel QEMU starts (default 2), KEEP=1 keeps the work dir.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/cpuscope-qemu/10.0
qemu72=${QEMU72:-qemu-system-x86_64}
qemu10=${QEMU10:-$cache/root/usr/bin/qemu-system-x86_64}
datadir10=${QEMU10_DATADIR:-$cache/firmware}
machines=${MACHINES:-pc-q35-7.2 pc-i440fx-7.2}
jobs=${JOBS:-2}

. "$here/lib.sh"
need_bin
need_tools timeout
command -v "$qemu72" >/dev/null || skip "$qemu72 is not installed (CI installs qemu-system-x86)"
[ -x "$qemu10" ] || skip "no QEMU 10.0 at $qemu10 (run scripts/fetch-qemu.sh 10.0, or set QEMU10=)"
work_dir
cd "$top" || exit 2

v72=$("$qemu72" --version | sed -n 's/^QEMU emulator version \([0-9.]*\).*/\1/p')
v10=$("$qemu10" --version | sed -n 's/^QEMU emulator version \([0-9.]*\).*/\1/p')
case $v72 in 7.2*) ;; *) skip "$qemu72 is QEMU $v72, not 7.2 (set QEMU72=)" ;; esac
case $v10 in 10.0*) ;; *) skip "$qemu10 is QEMU $v10, not 10.0 (set QEMU10=)" ;; esac
for pair in "7.2 $qemu72" "10.0 $qemu10"; do
	read -r ver q <<<"$pair"
	want=$(sed -n 's/.*"package": "\([^"]*\)".*/\1/p' "data/qemu-$ver-x86_64.json" | head -1)
	have=$("$q" --version | sed -n 's/^QEMU emulator version [0-9.]* (\(.*\))$/\1/p')
	[ "$want" = "$have" ] || echo "note: $q is '$have'; the bundled $ver snapshot is of '$want'"
done

# qemu VERSION MACHINE CPU -> 0 when that QEMU starts (paused) with it
start() {
	local q=$qemu72 l=()
	[ "$1" = 10.0 ] && q=$qemu10 && l=(-L "$datadir10")
	printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"quit"}' |
		timeout 60 "$q" "${l[@]}" -accel tcg -machine "$2" -cpu "$3" -S -nographic -nodefaults \
			-display none -qmp stdio >/dev/null 2>&1
}
export -f start
export qemu72 qemu10 datadir10

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
cs() { env CPUSCOPE_QEMU=none "$bin" "$@"; }

for m in $machines; do
	cs --snapshot 7.2 --machine "$m" models --format json | sed -n 's/^      "name": "\(.*\)",$/\1/p' |
		grep -vx host | grep -E "${FILTER_MODELS:-.}" >"$work/models.$m"
	n=$(wc -l <"$work/models.$m")
	[ "$n" -gt 10 ] || { bad "$m: cpuscope lists $n models"; continue; }
	# the real QEMUs, JOBS at a time: "MODEL VERSION RC"
	for v in 7.2 10.0; do
		while read -r model; do echo "$v $m $model"; done <"$work/models.$m"
	done | xargs -P "$jobs" -L 1 bash -c 'start "$0" "$1" "$2,enforce"; echo "$2 $0 $?"' \
		>"$work/qemu.$m"
	stop=0 begin=0 same=0
	while read -r model; do
		js=$(cs upgrade -cpu "$model,enforce" --from 7.2 --to 10.0 --machine "$m" --format json)
		mapfile -t se < <(sed -n 's/^    "starts-enforce": \(true\|false\),$/\1/p' <<<"$js")
		r72=$(awk -v m="$model" '$1 == m && $2 == "7.2" { print $3 }' "$work/qemu.$m")
		r10=$(awk -v m="$model" '$1 == m && $2 == "10.0" { print $3 }' "$work/qemu.$m")
		q72=false q10=false
		[ "$r72" = 0 ] && q72=true
		[ "$r10" = 0 ] && q10=true
		if [ "${#se[@]}" != 2 ]; then
			bad "$m $model: no verdicts in cpuscope's JSON"
			continue
		fi
		if [ "${se[0]}" = "$q72" ] && [ "${se[1]}" = "$q10" ]; then
			ok
		else
			bad "$m $model: cpuscope says 7.2 ${se[0]}, 10.0 ${se[1]}; QEMU 7.2 $q72 (rc $r72), QEMU 10.0 $q10 (rc $r10)"
		fi
		[ "$q72" = true ] && [ "$q10" = false ] && stop=$((stop + 1))
		[ "$q72" = false ] && [ "$q10" = true ] && begin=$((begin + 1))
		[ "$q72" = "$q10" ] && same=$((same + 1))
	done <"$work/models.$m"
	echo "$m: $n models; with enforce $same start (or not) the same, $begin start only on 10.0, $stop only on 7.2"
done

# a removed machine type
if start 7.2 pc-i440fx-1.4 qemu64 && ! start 10.0 pc-i440fx-1.4 qemu64; then
	ok
else
	bad "pc-i440fx-1.4: expected QEMU 7.2 to start it and QEMU 10.0 to refuse it"
fi
js=$(cs upgrade -cpu qemu64 --from 7.2 --to 10.0 --machine pc-i440fx-1.4 --format json)
if grep -q '"machine-missing": true' <<<"$js" && grep -q '"verdict": "NO LONGER STARTS"' <<<"$js"; then
	ok
else
	bad "pc-i440fx-1.4: cpuscope upgrade does not say the machine type is gone: $(head -5 <<<"$js")"
fi

echo "RESULT: passed=$pass failed=$fail skipped=0"
[ "$fail" = 0 ]
