#!/usr/bin/env bash
# baseline.sh - how fast `cpuscope baseline` is on many hosts, and against
# `virsh -c qemu:///system cpu-baseline` on the same 100 hosts in the same run.
#
# Hosts are generated from the real Intel host CPUs in
# tests/data/hosts-baseline (each copy with 0-5 random listed features
# removed; fixed seed).  Timings are the best of REPS runs (default 3).
#   HOSTS=N (default 10000), REPS=N, SEED=N
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
nhosts=${HOSTS:-10000}
reps=${REPS:-3}
seed=${SEED:-4711}
conn=qemu:///system

[ -x "$bin" ] || { echo "SKIP: baseline bench: no cpuscope binary at $bin"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ---- generate -----------------------------------------------------------------
mapfile -t src < <(grep -l '<vendor>Intel</vendor>' "$top"/tests/data/hosts-baseline/*.xml)
mkdir -p "$work/files"
awk -v n="$nhosts" -v seed="$seed" -v dir="$work/files" -v all="$work/all.xml" \
    -v first100="$work/100.xml" '
	FNR == 1 { f++; nl[f] = 0 }
	{ line[f, ++nl[f]] = $0 }
	END {
		srand(seed)
		for (h = 1; h <= n; h++) {
			s = 1 + int(rand() * f)
			drop = int(rand() * 6)
			delete gone
			for (k = 0; k < drop; k++) gone[1 + int(rand() * nl[s])] = 1
			out = sprintf("%s/host%05d.xml", dir, h)
			for (i = 1; i <= nl[s]; i++) {
				l = line[s, i]
				if ((i in gone) && l ~ /<feature name=/) continue
				print l > out
				print l > all
				if (h <= 100) print l > first100
			}
			close(out)
		}
	}' "${src[@]}"

# best-of-REPS wall time in seconds of a command (stdout to $work/last.out)
best() {
	local b="" t0 t1 t
	for ((r = 0; r < reps; r++)); do
		t0=$(date +%s%N)
		"$@" >"$work/last.out" 2>"$work/last.err" || return 1
		t1=$(date +%s%N)
		t=$(((t1 - t0) / 1000))
		[ -z "$b" ] || [ "$t" -lt "$b" ] && b=$t
	done
	echo "$b"
}
secs() { awk -v us="$1" 'BEGIN { printf "%.3f", us / 1e6 }'; }

t_all=$(best "$bin" baseline "$work/all.xml") || { echo "FAIL: cpuscope baseline (one file)"; cat "$work/last.err"; exit 1; }
model=$(sed -n "s:.*<model fallback='[a-z]*'>\(.*\)</model>.*:\1:p" "$work/last.out")
t_files=$(best "$bin" baseline "$work"/files/host*.xml) || { echo "FAIL: cpuscope baseline (files)"; cat "$work/last.err"; exit 1; }
t_feat=$(best "$bin" baseline --features --migratable "$work/all.xml") || { echo "FAIL: cpuscope baseline --features"; exit 1; }
t_c100=$(best "$bin" baseline "$work/100.xml") || { echo "FAIL: cpuscope baseline (100)"; exit 1; }
cp "$work/last.out" "$work/c100.out"

have_virsh=0
if command -v virsh >/dev/null && virsh -c "$conn" version >/dev/null 2>&1; then
	have_virsh=1
	t_v100=$(best virsh -c "$conn" cpu-baseline "$work/100.xml") || { echo "FAIL: virsh cpu-baseline"; cat "$work/last.err"; exit 1; }
	same=no
	cmp -s "$work/last.out" "$work/c100.out" && same=yes
fi

printf '%-44s %7s %12s %12s %9s\n' "baseline run" "hosts" "cpuscope s" "virsh s" "ratio"
printf '%-44s %7d %12s %12s %9s\n' "cpuscope, one file of <cpu>s" "$nhosts" "$(secs "$t_all")" "-" "-"
printf '%-44s %7d %12s %12s %9s\n' "cpuscope, one file per host" "$nhosts" "$(secs "$t_files")" "-" "-"
printf '%-44s %7d %12s %12s %9s\n' "cpuscope --features --migratable, one file" "$nhosts" "$(secs "$t_feat")" "-" "-"
if [ $have_virsh = 1 ]; then
	printf '%-44s %7d %12s %12s %8sx\n' "same 100 hosts, one file (output equal: $same)" 100 \
		"$(secs "$t_c100")" "$(secs "$t_v100")" \
		"$(awk -v a="$t_v100" -v b="$t_c100" 'BEGIN { printf "%.1f", a / b }')"
else
	printf '%-44s %7d %12s %12s %9s\n' "same 100 hosts (virsh not available: SKIP)" 100 "$(secs "$t_c100")" "-" "-"
fi
echo "(virsh cannot compare at 10000: libvirt's RPC takes at most 256 CPUs per cpu-baseline call)"
echo "(best of $reps runs; $nhosts hosts generated from ${#src[@]} real Intel hosts, seed $seed; result model: $model)"
[ $have_virsh = 0 ] || [ "$same" = yes ] || { echo "FAIL: cpuscope and virsh disagree on the 100 hosts"; exit 1; }
