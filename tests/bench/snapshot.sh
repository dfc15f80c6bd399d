#!/usr/bin/env bash
# snapshot.sh - loading the bundled snapshots (target, issues 3 and 9: each
# snapshot of every machine type loads in under 20 ms).  RUNS=N (default 20).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bench=${BENCH_SNAPSHOT:-$top/build/bench/bench_snapshot}
[ -x "$bench" ] || { echo "SKIP: snapshot bench: $bench not built (make bench builds it)"; exit 77; }
cd "$top" || exit 1
echo "| snapshot | best ms | median ms | median CPU ms |"
echo "|---|---|---|---|"
rows=
for f in data/qemu-7.2-x86_64.json data/qemu-7.2-s390x.json data/qemu-10.0-x86_64.json \
	data/qemu-10.0-s390x.json; do
	row=$("$bench" "$f" "${RUNS:-20}") || exit 1
	echo "$row"
	rows+=$row$'\n'
done
# verdict on the median wall time (reported, not failed: machines differ)
printf '%s' "$rows" | awk -F' [|] ' '{ if ($3 + 0 > 20) slow = slow " " substr($1, 3) }
	END { print "target each <= 20 ms (median): " (slow == "" ? "met" : "NOT met:" slow) }'

