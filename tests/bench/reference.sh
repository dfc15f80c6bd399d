#!/usr/bin/env bash
# reference.sh - the first answer with this machine's QEMU as the reference
# (no --host, no --snapshot): cold (empty cache: one QEMU for the default
# machine type, plus the KVM start checks of host/max), warm (from the
# cache), against QEMU's own floor measured in the same run (one QEMU
# answering qmp_capabilities, query-cpu-definitions and quit for the same
# machine type and accelerator).  Target (issue "The truth of the user's own
# stack"): a cold first answer in about a second.
set -uo pipefail
bin=${CPUSCOPE_BIN:-./cpuscope}
q=qemu-system-x86_64
command -v "$q" >/dev/null || { echo "SKIP: $q is not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runs=${RUNS:-5}

now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

accel=$(XDG_CACHE_HOME=$work/probe "$bin" --format json models 2>/dev/null |
	sed -n 's/^  "accel": "\(.*\)",$/\1/p')
machine=$(XDG_CACHE_HOME=$work/probe "$bin" --format json models 2>/dev/null |
	sed -n 's/^  "machine": "\(.*\)",$/\1/p')
[ -n "$accel" ] && [ -n "$machine" ] || { echo "SKIP: cpuscope gave no live answer"; exit 77; }

for i in $(seq 1 "$runs"); do
	rm -rf "$work/c"
	t0=$(now)
	XDG_CACHE_HOME=$work/c "$bin" models >/dev/null 2>&1
	t1=$(now)
	XDG_CACHE_HOME=$work/c "$bin" models >/dev/null 2>&1
	t2=$(now)
	printf '%s,%s,%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"query-cpu-definitions"}' \
		'{"execute":"quit"}' | tr ',' '\n' >"$work/qmp"
	t3=$(now)
	"$q" -machine "$machine" -accel "$accel" -S -nodefaults -nographic -no-user-config \
		-qmp stdio <"$work/qmp" >/dev/null 2>&1
	t4=$(now)
	echo "$(ms "$t0" "$t1") $(ms "$t1" "$t2") $(ms "$t3" "$t4")" >>"$work/times"
done
cold=$(cut -d' ' -f1 "$work/times" | median)
warm=$(cut -d' ' -f2 "$work/times" | median)
floor=$(cut -d' ' -f3 "$work/times" | median)
echo "reference: this machine's QEMU ($accel, $machine), median of $runs runs"
printf '  %-44s %6s ms\n' "cold first answer (models, empty cache)" "$cold"
printf '  %-44s %6s ms\n' "warm (from the cache)" "$warm"
printf '  %-44s %6s ms\n' "QEMU alone: one start, definitions, quit" "$floor"
awk -v c="$cold" -v f="$floor" 'BEGIN { printf "  cold / QEMU floor: %.2fx%s\n", c / f,
	c <= 1500 ? "  (target: about a second: met)" : "  (target: about a second: NOT met)" }'
