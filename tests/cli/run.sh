#!/usr/bin/env bash
# run.sh - golden tests of the command line.
#
# Each case is tests/cli/cases/NAME.args (the arguments, as shell words;
# an optional NAME.stdin is fed to standard input) with the expected
# NAME.out (stdout), NAME.err (stderr) and NAME.rc (exit status).  Cases
# run from the top of the source tree with a pinned environment.  Then the
# shell tests tests/cli/t-*.sh (exit 0 pass, 77 skip).
#   UPDATE_GOLDEN=1   rewrite the expected files (review them in git diff)
#   CPUSCOPE_VALGRIND=1  run every case under valgrind (leaks/errors fail)
#   FILTER=glob       only the cases whose name matches
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
cd "$top" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for args_file in tests/cli/cases/*.args; do
	name=$(basename "$args_file" .args)
	[[ -n "${FILTER:-}" && "$name" != ${FILTER} ]] && continue
	base=tests/cli/cases/$name
	eval "set -- $(cat "$args_file")"
	stdin=/dev/null
	[ -f "$base.stdin" ] && stdin=$base.stdin
	runner=()
	[ "${CPUSCOPE_VALGRIND:-}" = 1 ] && runner=(valgrind -q --error-exitcode=99 --child-silent-after-fork=yes --leak-check=full
		--errors-for-leak-kinds=definite --log-file="$tmp/vg.$name")
	env -i PATH="$PATH" HOME="$tmp/home" CPUSCOPE_QEMU=none CPUSCOPE_SNAPSHOT=7.2 CPUSCOPE_LIBVIRT_VERSION=9.0 XDG_CACHE_HOME="$tmp/cache" TZ=UTC LC_ALL=C.UTF-8 \
		TERM=dumb NO_COLOR=1 ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} \
		"${runner[@]}" "$bin" "$@" <"$stdin" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	echo "$rc" >"$tmp/rc"
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$tmp/out" "$base.out"; cp "$tmp/err" "$base.err"; cp "$tmp/rc" "$base.rc"
		pass=$((pass + 1)); continue
	fi
	ok=1
	for part in out err rc; do
		if ! diff -u "$base.$part" "$tmp/$part" >"$tmp/diff" 2>&1; then
			ok=0
			echo "FAIL $name ($part)"
			head -40 "$tmp/diff"
		fi
	done
	if [ "${CPUSCOPE_VALGRIND:-}" = 1 ] && [ -s "$tmp/vg.$name" ]; then
		ok=0; echo "FAIL $name (valgrind)"; head -30 "$tmp/vg.$name"
	fi
	if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
# Every host, capabilities and domcapabilities file the project carries
# must load as a host (issue: `models --host FILE` reads them all).
if [ -z "${FILTER:-}" ] && [ "${UPDATE_GOLDEN:-}" != 1 ]; then
	for f in tests/data/libvirt/*/cputestdata/*-host.xml tests/data/libvirt/*/domaincapsdata/*.xml \
		tests/data/libvirt/live/*.xml tests/data/libvirt/capabilities-example.xml \
		tests/data/libvirt/v9.0.0/cputestdata/x86_64-host.xml data/hosts/*.xml data/hosts/*.json; do
		[ -f "$f" ] || continue
		arch=(); case $f in *s390x*) arch=(--arch s390x);; esac
		if env -i PATH="$PATH" HOME="$tmp/home" CPUSCOPE_QEMU=none CPUSCOPE_SNAPSHOT=7.2 CPUSCOPE_LIBVIRT_VERSION=9.0 "$bin" models "${arch[@]}" --host "$f" >"$tmp/out" 2>"$tmp/err" &&
			head -1 "$tmp/out" | grep -qE '^[0-9]+ models on .* usable'; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1)); echo "FAIL host file $f: $(head -3 "$tmp/err")"
		fi
	done
fi
# libvirt's own compare expectations (tests/cputest.c): 9.0's with its map,
# 11.3's with --libvirt-version 11 (which takes the bundled 11.3 map).
if [ -z "${FILTER:-}" ] && [ "${UPDATE_GOLDEN:-}" != 1 ]; then
	for v in 9.0 11; do
		d=tests/data/libvirt-cputest opts=(--cpu-map data/cpu_map)
		[ $v = 11 ] && d=tests/data/libvirt-cputest/v11.3.0 opts=(--libvirt-version 11)
		while read -r hostf cpuf want; do
			env -i PATH="$PATH" HOME="$tmp/home" CPUSCOPE_QEMU=none CPUSCOPE_SNAPSHOT=7.2 CPUSCOPE_LIBVIRT_VERSION=9.0 "$bin" compare "${opts[@]}" \
				--host "$d/$hostf" "$d/$cpuf" >"$tmp/out" 2>"$tmp/err"
			rc=$?
			got=$(head -1 "$tmp/out")
			[ $rc = 2 ] && got=ERROR
			if [ "$got" = "$want" ]; then
				pass=$((pass + 1))
			else
				fail=$((fail + 1))
				echo "FAIL libvirt $v expectation: $hostf vs $cpuf: want $want, got $got ($(tail -1 "$tmp/out") $(cat "$tmp/err"))"
			fi
		done < <(awk -F'\t' '$1 == "compare" { print $2, $3, $5 }' "$d/compare-expectations.tsv")
	done
fi
# ... and their baseline expectations, through the command line: each
# release's semantics and map (--libvirt-version), libvirt's generic baseline
# (--no-qemu-filter, as its unit test calls it).
if [ -z "${FILTER:-}" ] && [ "${UPDATE_GOLDEN:-}" != 1 ]; then
	for v in 9.0.0 11.3.0; do
		d=tests/data/baseline/v$v
		while IFS='|' read -r kind in1 flags want result; do
			opts=()
			case $flags in flags=expand-features-) opts=(--features) ;; flags=migratable-) opts=(--migratable) ;; esac
			read -ra ins <<<"${in1// + / }"
			env -i PATH="$PATH" HOME="$tmp/home" CPUSCOPE_QEMU=none CPUSCOPE_SNAPSHOT=7.2 CPUSCOPE_LIBVIRT_VERSION=9.0 "$bin" \
				--libvirt-version "${v%.0}" baseline --no-qemu-filter "${opts[@]}" "${ins[@]/#/$d/}" >"$tmp/out" 2>"$tmp/err"
			rc=$?
			if [ "$result" = ERROR ]; then
				[ $rc = 2 ] && grep -q "CPU vendors do not match" "$tmp/err" && ok=1 || ok=0
			else
				[ $rc = 0 ] && [ "$(cat "$tmp/out")" = "$(cat "$d/$want")" ] && ok=1 || ok=0
			fi
			if [ $ok = 1 ]; then
				pass=$((pass + 1))
			else
				fail=$((fail + 1))
				echo "FAIL libvirt $v baseline expectation: $in1 $flags: want $want ($(head -3 "$tmp/err"))"
			fi
		done < <(awk -F'\t' '$1 ~ /^(cpuid-)?baseline$/ { print $1 "|" $2 "|" $3 "-|" $4 "|" $5 }' \
			"tests/data/baseline/cputest-expectations-v$v.tsv")
	done
fi
# Shell tests: tests/cli/t-NAME.sh (exit 0 pass, 77 skip, else fail), for
# what a golden case cannot set up (FIFOs, signals, system calls).
skip=0
if [ "${UPDATE_GOLDEN:-}" != 1 ]; then
	for t in tests/cli/t-*.sh; do
		[ -x "$t" ] || continue
		name=$(basename "$t" .sh)
		[[ -n "${FILTER:-}" && "$name" != ${FILTER} ]] && continue
		CPUSCOPE_BIN="$bin" "$t" >"$tmp/$name.log" 2>&1
		rc=$?
		if [ $rc = 0 ]; then
			pass=$((pass + 1))
		elif [ $rc = 77 ]; then
			skip=$((skip + 1)); echo "SKIP $name: $(tail -1 "$tmp/$name.log")"
		else
			fail=$((fail + 1)); echo "FAIL $name (exit $rc)"; tail -30 "$tmp/$name.log"
		fi
	done
fi
[ $skip -gt 0 ] && echo "cli: $skip skipped"
echo "cli: $pass passed, $fail failed"
[ $fail = 0 ]
