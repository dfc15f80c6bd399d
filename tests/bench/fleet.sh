#!/usr/bin/env bash
# fleet.sh - how fast the fleet report is (issue 11, item 2): N hosts x
# every model of the bundled QEMU 7.2 data (132 on pc-i440fx-7.2), against
# the time to only parse the same host files, measured in the same run
# (build/bench/bench_fleet: best of REPS rounds of each).
#
# Hosts are made from real ones, each copy with 0-5 random features
# removed (fixed seed): the 18 host <cpu>s of tests/data/hosts-baseline
# (libvirt's decodes of the real CPUs of its tests/cputestdata and a live
# Zen 5 VM; Intel, AMD, Hygon) and the x86_64 domcapabilities of libvirt's
# tests/domaincapsdata (QEMU 4.2, 7.2, 10.0; features removed from the
# host-model).  Fleets: 1,000 host <cpu>s, 1,000 domcapabilities, and
# 10,000 mixed (90% <cpu>, 10% domcapabilities) for the peak RSS.  Then
# the whole command on the 10,000 (`cpuscope fleet DIR --format csv`,
# wall time and peak RSS by GNU time).
# Fails when 1,000 hosts take more than LIMIT_MS (default 200) or the
# 10,000 more than RSS_LIMIT_MB (default 512).
#   REPS=N (default 3), SEED=N, LIMIT_MS, RSS_LIMIT_MB, KEEP=1
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
bench=$top/build/bench/bench_fleet
reps=${REPS:-3}
seed=${SEED:-1111}
limit_ms=${LIMIT_MS:-200}
rss_limit=${RSS_LIMIT_MB:-512}
export CPUSCOPE_QEMU=none CPUSCOPE_SNAPSHOT=7.2

[ -x "$bench" ] || { echo "SKIP: fleet bench: $bench not built (make bench builds it)"; exit 77; }
[ -x "$bin" ] || { echo "SKIP: fleet bench: no cpuscope binary at $bin"; exit 77; }
work=$(mktemp -d)
[ "${KEEP:-}" = 1 ] && echo "work dir: $work" || trap 'rm -rf "$work"' EXIT
cd "$top" || exit 1

cpus=(tests/data/hosts-baseline/*.xml)
domcaps=(tests/data/libvirt/v9.0.0/domaincapsdata/qemu_*.x86_64.xml
	tests/data/libvirt/v11.3.0/domaincapsdata/qemu_*.x86_64*.xml)

# gen KIND N DIR SEED FILE...: N copies of the files, round robin by a
# random pick, each with 0-5 random <feature> lines of the host CPU (a
# domcapabilities' host-model) removed.
gen() {
	local kind=$1 n=$2 dir=$3 s=$4
	shift 4
	mkdir -p "$dir"
	awk -v n="$n" -v seed="$s" -v dir="$dir" -v kind="$kind" '
		FNR == 1 { f++; nl[f] = 0; inhm = 0 }
		{
			line[f, ++nl[f]] = $0
			if (kind == "cpu") feat[f, nl[f]] = ($0 ~ /<feature name=/)
			else {
				if ($0 ~ /<mode name=.host-model/) inhm = 1
				if (inhm && $0 ~ /<\/mode>/) inhm = 0
				feat[f, nl[f]] = inhm && ($0 ~ /<feature policy=.require/)
			}
		}
		END {
			srand(seed)
			for (h = 1; h <= n; h++) {
				s = 1 + int(rand() * f)
				drop = int(rand() * 6)
				delete gone
				for (k = 0; k < drop; k++) gone[1 + int(rand() * nl[s])] = 1
				out = sprintf("%s/%s%05d.xml", dir, kind, h)
				for (i = 1; i <= nl[s]; i++) {
					if ((i in gone) && feat[s, i]) continue
					print line[s, i] > out
				}
				close(out)
			}
		}' "$@"
}

gen cpu 1000 "$work/cpu1k" "$seed" "${cpus[@]}"
gen domcaps 1000 "$work/dc1k" "$((seed + 1))" "${domcaps[@]}"
gen cpu 9000 "$work/mix10k" "$((seed + 2))" "${cpus[@]}"
gen domcaps 1000 "$work/mix10k" "$((seed + 3))" "${domcaps[@]}"
for d in cpu1k dc1k mix10k; do
	find "$work/$d" -name '*.xml' | sort >"$work/$d.list"
done

fail=0
printf '%-34s %7s %7s %10s %10s %7s %9s\n' "fleet (bench_fleet)" hosts models "parse ms" "fleet ms" ratio "peak MB"
for d in cpu1k dc1k mix10k; do
	case $d in
	cpu1k) what="1,000 host <cpu>s" ;;
	dc1k) what="1,000 domcapabilities" ;;
	mix10k) what="10,000 mixed (10% domcaps)" ;;
	esac
	out=$("$bench" "$work/$d.list" "$reps" 2>&1) || { echo "FAIL: bench_fleet $d: $out"; fail=1; continue; }
	eval "$(tr ' ' '\n' <<<"$out" | grep -E '^[a-z_]+=[0-9.]+$')"
	printf '%-34s %7s %7s %10s %10s %6sx %9s\n' "$what" "$hosts" "$models" "$parse_ms" "$fleet_ms" "$ratio" "$peak_rss_mb"
	if [ "$hosts" = 1000 ] && awk -v t="$fleet_ms" -v l="$limit_ms" 'BEGIN { exit !(t > l) }'; then
		echo "FAIL: $what: the fleet report took $fleet_ms ms (limit $limit_ms ms)"
		fail=1
	fi
done

# the whole command, 10,000 hosts
if /usr/bin/time -f %M true >/dev/null 2>&1; then
	t0=$(date +%s%N)
	/usr/bin/time -o "$work/rss" -f %M "$bin" fleet "$work/mix10k" --format csv >"$work/out.csv" 2>"$work/err" ||
		{ echo "FAIL: cpuscope fleet on 10,000 hosts:"; head -5 "$work/err"; fail=1; }
	t1=$(date +%s%N)
	rss=$(tail -1 "$work/rss")
	rows=$(($(wc -l <"$work/out.csv") - 1))
	printf '%-34s %7s %s\n' "cpuscope fleet DIR --format csv" 10000 \
		"$(awk -v ns=$((t1 - t0)) -v kb="$rss" -v r="$rows" 'BEGIN { printf "%.2f s wall, peak RSS %.1f MB, %d CSV rows", ns / 1e9, kb / 1024, r }')"
	if [ "$((rss / 1024))" -gt "$rss_limit" ]; then
		echo "FAIL: cpuscope fleet on 10,000 hosts: peak RSS $((rss / 1024)) MB (limit $rss_limit MB)"
		fail=1
	fi
else
	echo "(GNU time not installed: the whole command is not measured)"
fi
echo "(best of $reps rounds; parse: read, parse and expand every host file; fleet: the report;"
echo " ratio = fleet / parse; hosts made from ${#cpus[@]} host <cpu>s and ${#domcaps[@]} domcapabilities, seed $seed)"
[ "$fail" = 0 ]
