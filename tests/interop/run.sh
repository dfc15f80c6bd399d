#!/usr/bin/env bash
# run.sh - run every interop test: tests/interop/*.sh except this runner and
# helpers named lib*.sh (e.g. libvirt-up.sh).
#
# Protocol for a test script:
#   - exit 0 when it passed, 77 when it skipped (print a loud "SKIP: why"),
#     anything else when it failed;
#   - optionally print one line "RESULT: passed=N failed=M skipped=K" to
#     report case counts; otherwise the script counts as one case.
# Environment: CPUSCOPE_BIN (default ./cpuscope), FILTER=glob (script names).
# Each script's wall time follows its output ("-- interop/NAME: 12.3 s").
# The last line is "interop: N passed, M failed, K skipped (T s)"; the exit
# status is non-zero when anything failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
export CPUSCOPE_BIN=${CPUSCOPE_BIN:-$top/cpuscope}
pass=0 fail=0 skip=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }
secs() { printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100)); } # MS -> "S.D"
start_all=$(now_ms)
for t in "$here"/*.sh; do
	name=$(basename "$t" .sh)
	case "$name" in run | lib*) continue ;; esac
	[[ -n "${FILTER:-}" && "$name" != ${FILTER} ]] && continue
	echo "== interop/$name"
	t0=$(now_ms)
	bash "$t" 2>&1 | tee "$tmp"
	rc=${PIPESTATUS[0]}
	echo "-- interop/$name: $(secs $(($(now_ms) - t0))) s"
	line=$(grep -E '^RESULT: passed=[0-9]+ failed=[0-9]+ skipped=[0-9]+$' "$tmp" | tail -1)
	if [ -n "$line" ]; then
		read -r p f s <<<"$(sed -E 's/^RESULT: passed=([0-9]+) failed=([0-9]+) skipped=([0-9]+)$/\1 \2 \3/' <<<"$line")"
		pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
		# a script that fails without counting a failed case still fails
		if [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ "$f" = 0 ]; then fail=$((fail + 1)); fi
	elif [ "$rc" = 0 ]; then
		pass=$((pass + 1))
	elif [ "$rc" = 77 ]; then
		skip=$((skip + 1))
	else
		fail=$((fail + 1))
	fi
done
echo "interop: $pass passed, $fail failed, $skip skipped ($(secs $(($(now_ms) - start_all))) s)"
[ "$fail" = 0 ]
