#!/usr/bin/env bash
# run.sh MODE BUILD SECONDS NAME... - run the libFuzzer harnesses (make fuzz,
# make fuzz-smoke).
#
#   long   each harness SECONDS seconds (or, with FUZZ_RUNS=N in the
#          environment, until N execs, SECONDS at most), one after the
#          other, on its seeds;
#          new inputs go to BUILD/corpus/NAME, crashes to BUILD/crashes/NAME.
#          Prints the execs of each run and fails when one crashed.
#   smoke  every input in tests/fuzz/regress/NAME once, then each harness
#          SECONDS seconds on its seeds (into a scratch corpus).
#
# Seeds: tests/fuzz/corpus/NAME plus the real files in tests/data and data
# listed below (read only: libFuzzer writes to the first corpus only).
# A crash leaves its input in BUILD/crashes/NAME/ (smoke: smoke-crashes):
# reproduce with BUILD/fuzz_NAME FILE (CPUSCOPE_FUZZ_VERBOSE=1 shows what
# the reader said), then keep it in tests/fuzz/regress/NAME/.
set -uo pipefail
cd "$(dirname "$0")/../.."
mode=${1:?usage: run.sh long|smoke BUILD SECONDS NAME...}
build=${2:?}
seconds=${3:?}
shift 3

# The real files each harness starts from, besides tests/fuzz/corpus/NAME.
seed_files() {
	case $1 in
	qmp_json) ls tests/data/qmp/*.json* tests/data/qmp/*.replies tests/data/explain/*.json* \
		data/hosts/*.json tests/data/libvirt/*/cputestdata/*.json ;;
	xml_cpu) ls tests/data/guests/*.xml tests/data/libvirt-cputest/*.xml \
		tests/data/hosts-baseline/*.xml data/hosts/*.xml tests/data/libvirt/*.xml \
		tests/data/libvirt/*/domaincapsdata/*.xml tests/data/baseline/v9.0.0/*.xml ;;
	cpuid) ls tests/data/cpuid/*.xml tests/data/cpuid/bad/*.xml ;;
	qemu_warnings) ls tests/data/explain/*.txt ;;
	esac 2>/dev/null | paste -sd, -
}

# max_len: a little over the largest real input (QMP replies and
# domcapabilities are up to ~60 KB, warnings a few KB); bigger only slows
# the search down.
max_len() {
	case $1 in
	qmp_json|xml_cpu|snapshot) echo 65536 ;;
	*) echo 16384 ;;
	esac
}

dict() {
	case $1 in
	qmp_json|snapshot) echo tests/fuzz/json.dict ;;
	xml_cpu|cpuid|cpu_map) echo tests/fuzz/xml.dict ;;
	qemu_warnings) echo tests/fuzz/qemu_warnings.dict ;;
	esac
}

# Leaks are findings.  A run stops at the first crash.
opts=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

fail=0
declare -a summary
for name in "$@"; do
	bin=$build/fuzz_$name
	dopt=() sopt=() copt=()
	d=$(dict "$name")
	[ -n "$d" ] && dopt=(-dict="$d")
	seeds=$(seed_files "$name")
	[ -n "$seeds" ] && sopt=(-seed_inputs="$seeds")
	[ -d "tests/fuzz/corpus/$name" ] && copt=("tests/fuzz/corpus/$name")
	if [ ! -x "$bin" ]; then
		echo "fuzz: $bin is missing"; fail=1; continue
	fi
	if [ "$mode" = smoke ]; then
		regress=(tests/fuzz/regress/$name/*)
		if [ -e "${regress[0]}" ]; then
			if ! "$bin" "${opts[@]}" "${regress[@]}" >"$build/regress-$name.log" 2>&1; then
				echo "FAIL fuzz_$name: a regression input crashes (see $build/regress-$name.log)"
				tail -30 "$build/regress-$name.log"
				fail=1; continue
			fi
			echo "ok   fuzz_$name: ${#regress[@]} regression inputs"
		fi
		corpus=$build/smoke-corpus/$name
		rm -rf "$corpus"
		art=$build/smoke-crashes/$name/
	else
		corpus=$build/corpus/$name
		art=$build/crashes/$name/
	fi
	ropt=()
	[ "$mode" = long ] && [ -n "${FUZZ_RUNS:-}" ] && ropt=(-runs="$FUZZ_RUNS")
	mkdir -p "$corpus" "$art"
	log=$build/$mode-$name.log
	start=$SECONDS
	"$bin" "${opts[@]}" -max_len="$(max_len "$name")" "${dopt[@]}" "${sopt[@]}" \
		-max_total_time="$seconds" "${ropt[@]}" -artifact_prefix="$art" "$corpus" "${copt[@]}" >"$log" 2>&1
	rc=$?
	took=$((SECONDS - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
	if [ $rc -ne 0 ]; then
		echo "FAIL fuzz_$name: crashed after ${execs:-?} execs (log $log, input in $art)"
		grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -5
		fail=1
		summary+=("$(printf '%-14s %10s execs in %4ss %6s/s  %-10s CRASH' "$name" "${execs:-?}" "$took" "${rate:-?}" "$cov")")
	else
		echo "ok   fuzz_$name: ${execs:-?} execs in ${took}s (${rate:-?}/s, $cov)"
		summary+=("$(printf '%-14s %10s execs in %4ss %6s/s  %-10s 0 crashes' "$name" "${execs:-?}" "$took" "${rate:-?}" "$cov")")
	fi
done
echo "fuzz ($mode, ${seconds}s each${FUZZ_RUNS:+ at most, or $FUZZ_RUNS execs}):"
printf '  %s\n' "${summary[@]}"
exit $fail
