#!/usr/bin/env bash
# run.sh - run every benchmark: tests/bench/*.sh except this runner and
# helpers named lib*.sh.  Each prints its own table; a benchmark that cannot
# run prints "SKIP: why" and exits 77.  Environment: CPUSCOPE_BIN (default
# ./cpuscope), FILTER=glob.  Exit status non-zero when a benchmark failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
export CPUSCOPE_BIN=${CPUSCOPE_BIN:-$top/cpuscope}
ran=0 failed=0 skipped=0
for t in "$here"/*.sh; do
	name=$(basename "$t" .sh)
	case "$name" in run | lib*) continue ;; esac
	[[ -n "${FILTER:-}" && "$name" != ${FILTER} ]] && continue
	echo "== bench/$name"
	bash "$t"
	rc=$?
	if [ "$rc" = 0 ]; then ran=$((ran + 1)); elif [ "$rc" = 77 ]; then skipped=$((skipped + 1)); else failed=$((failed + 1)); fi
done
echo "bench: $ran ran, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
