#!/usr/bin/env bash
# probe.sh - wall time of a full x86_64 probe (every model x every machine
# type, full + static expansions) against, measured in the same run:
#   floor: QEMU's own work — one QEMU per machine type answering every query
#          of that machine type from a prepared command file, as many at once
#          as there are cores (the probe cannot do less work than this);
#   naive: one QEMU per (machine type, model) pair, timed on a random sample
#          and extrapolated to all pairs.
# Target (issue 3): probe <= 1.3 x floor.
#   QEMU=qemu-system-x86_64  SAMPLE=20 (naive pairs)  SEED=7
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
qemu=${QEMU:-qemu-system-x86_64}
sample=${SAMPLE:-20}
seed=${SEED:-7}
jobs=$(nproc)

command -v "$qemu" >/dev/null || { echo "SKIP: probe bench: $qemu is not installed"; exit 77; }
[ -x "$bin" ] || { echo "SKIP: probe bench: no cpuscope binary at $bin"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
TIMEFORMAT='%R %U %S'

# ---- 1. the probe ----------------------------------------------------------
{ time "$bin" probe --qemu "$qemu" --machines all --accel tcg --no-cache -q \
	--out "$work/snap.json" 2>"$work/probe.err"; } 2>"$work/t.probe"
[ -s "$work/snap.json" ] || { echo "FAIL: the probe wrote nothing:"; cat "$work/probe.err"; exit 1; }
read -r p_wall p_user p_sys <"$work/t.probe"

# machine types and models, from the probe's own snapshot
{ "$qemu" -machine help | awk 'NR > 1 && $0 !~ /alias of/ { print $1 }'; echo none; } |
	sort -u >"$work/machines"
"$bin" --snapshot "$work/snap.json" --machine none --format json models |
	sed -n 's/^      "name": "\(.*\)",$/\1/p' >"$work/models"
nmach=$(wc -l <"$work/machines")
nmod=$(wc -l <"$work/models")

# ---- 2. the floor: one QEMU per machine type, every query from a file ----------
{
	echo '{"execute":"qmp_capabilities"}'
	echo '{"execute":"query-cpu-definitions"}'
	while read -r m; do
		printf '{"execute":"query-cpu-model-expansion","arguments":{"type":"full","model":{"name":"%s"}}}\n' "$m"
		printf '{"execute":"query-cpu-model-expansion","arguments":{"type":"static","model":{"name":"%s"}}}\n' "$m"
	done <"$work/models"
	echo '{"execute":"quit"}'   # QEMU does not exit at the end of its input
} >"$work/cmds"
floor_one() { # machine
	"$qemu" -machine "$1" -S -nodefaults -no-user-config -nographic -qmp stdio -accel tcg \
		<"$work/cmds" >"$work/floor.$1.out" 2>/dev/null
}
export -f floor_one
export qemu work
{ time xargs -P "$jobs" -I{} bash -c 'floor_one "$1"' _ {} <"$work/machines"; } 2>"$work/t.floor"
read -r f_wall f_user f_sys <"$work/t.floor"
# every floor process must really have answered every query
short=0
while read -r m; do
	n=$(grep -c '"return"' "$work/floor.$m.out")
	[ "$n" -ge $((2 * nmod)) ] || short=$((short + 1))
done <"$work/machines"

# ---- 3. naive: one QEMU per (machine type, model), sampled -------------------
awk -v seed="$seed" -v n="$sample" 'NR == FNR { mach[++nm] = $1; next } { mod[++nd] = $1 }
	END { srand(seed); for (i = 0; i < n; i++) print mach[int(rand() * nm) + 1], mod[int(rand() * nd) + 1] }' \
	"$work/machines" "$work/models" >"$work/pairs"
{ time while read -r mach model; do
	printf '%s\n' '{"execute":"qmp_capabilities"}' \
		"{\"execute\":\"query-cpu-model-expansion\",\"arguments\":{\"type\":\"full\",\"model\":{\"name\":\"$model\"}}}" \
		"{\"execute\":\"query-cpu-model-expansion\",\"arguments\":{\"type\":\"static\",\"model\":{\"name\":\"$model\"}}}" \
		'{"execute":"quit"}' |
		"$qemu" -machine "$mach" -S -nodefaults -no-user-config -nographic -qmp stdio -accel tcg >/dev/null 2>&1
done <"$work/pairs"; } 2>"$work/t.naive"
read -r n_wall _ _ <"$work/t.naive"

awk -v pw="$p_wall" -v pu="$p_user" -v ps="$p_sys" -v fw="$f_wall" -v fu="$f_user" -v fs="$f_sys" \
    -v nw="$n_wall" -v sample="$sample" -v nmach="$nmach" -v nmod="$nmod" -v jobs="$jobs" \
    -v short="$short" -v size="$(stat -c %s "$work/snap.json")" 'BEGIN {
	pairs = nmach * nmod
	naive = nw / sample * pairs / jobs
	printf "full x86_64 probe: %d machine types x %d models x {full, static}, %d cores, TCG\n", nmach, nmod, jobs
	printf "| approach | wall s | cpu s | wall / floor |\n|---|---|---|---|\n"
	printf "| cpuscope probe | %.2f | %.2f | %.2f |\n", pw, pu + ps, pw / fw
	printf "| floor (one QEMU per machine type, %d at once) | %.2f | %.2f | 1.00 |\n", jobs, fw, fu + fs
	printf "| naive (one QEMU per pair; %d sampled, extrapolated over %d cores) | %.1f | - | %.1f |\n", sample, jobs, naive, naive / fw
	printf "snapshot: %d bytes\n", size
	printf "target probe <= 1.3 x floor: %s\n", pw <= 1.3 * fw ? "met" : "NOT met"
	if (short) printf "warning: %d floor processes answered fewer queries than asked\n", short
}'
