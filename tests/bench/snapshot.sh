#!/usr/bin/env bash
# snapshot.sh - loading the bundled snapshots (target, issue 3: the x86_64
# snapshot of every machine type loads in under 20 ms).  RUNS=N (default 20).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bench=${BENCH_SNAPSHOT:-$top/build/bench/bench_snapshot}
[ -x "$bench" ] || { echo "SKIP: snapshot bench: $bench not built (make bench builds it)"; exit 77; }
cd "$top" || exit 1
echo "| snapshot | best ms | median ms | median CPU ms |"
echo "|---|---|---|---|"
for f in data/qemu-7.2-x86_64.json data/qemu-7.2-s390x.json; do
	"$bench" "$f" "${RUNS:-20}" || exit 1
done
