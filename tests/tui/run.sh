#!/bin/bash
# tests/tui/run.sh - the explorer's tests (make tui-tests, part of make check).
#
# 1. Scripted headless sessions (tig's design): each tests/tui/cases/NAME.keys
#    runs `cpuscope tui` with CPUSCOPE_SCRIPT=NAME.keys and
#    CPUSCOPE_NO_DISPLAY=1 (curses draws into its virtual screen) in a fresh
#    directory; every file the session leaves there (screen dumps, saved
#    files) and its stderr and exit status are compared with
#    tests/tui/golden/NAME.FILE.  Header lines of a case: "# env: K=V ..."
#    and "# args: ...".  Pinned: TERM=xterm-256color, LC_ALL=C.UTF-8, TZ=UTC,
#    80x24, tests/bin first in PATH (fake QEMUs for the probe), the bundled
#    snapshot, the bundled cpu_map and
#    data/hosts/qemu-7.2-tcg-domcaps.xml as the host (never this machine's
#    CPU or libvirt).
# 2. CLI-level checks of the TUI (--list-keys, errors off a terminal).
# 3. End-to-end tmux sessions: tests/tui/tmux-*.sh (exit 0 pass, 77 skip).
#
# UPDATE_GOLDEN=1 rewrites the goldens (review them with git diff).
# CPUSCOPE_VALGRIND=1 runs the sessions under valgrind.
# Ends with "tui: N passed, M failed".
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${CPUSCOPE_BIN:-$root/cpuscope}
snap=${CPUSCOPE_TUI_SNAPSHOT:-$root/data/qemu-7.2-x86_64.json}
host=$root/data/hosts/qemu-7.2-tcg-domcaps.xml
golden=$here/golden
update=${UPDATE_GOLDEN:-}
filter=${1:-}
pass=0
fail=0
skip=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpuscope-tui.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# compare FILE GOLDEN LABEL
compare() {
	if [ -n "$update" ]; then
		cp "$1" "$2"
		ok
	elif [ ! -f "$2" ]; then
		bad "$3: no golden $(basename "$2") (UPDATE_GOLDEN=1 makes it)"
	elif diff -u "$2" "$1" > "$tmp/diff"; then
		ok
	else
		bad "$3"
		head -40 "$tmp/diff"
	fi
}

valgrind=()
if [ -n "${CPUSCOPE_VALGRIND:-}" ]; then
	valgrind=(valgrind -q --error-exitcode=99 --child-silent-after-fork=yes --leak-check=full
		--errors-for-leak-kinds=definite)
fi

# ---- 1. scripted sessions ---------------------------------------------------
if [ ! -f "$snap" ]; then
	echo "SKIP: scripted sessions: $snap is missing (make data); set CPUSCOPE_TUI_SNAPSHOT"
	skip=$((skip + 1))
else
	for case in "$here"/cases/*.keys; do
		name=$(basename "$case" .keys)
		[ -n "$filter" ] && [[ $name != *$filter* ]] && continue
		d=$tmp/$name
		mkdir -p "$d"
		envs=$(sed -n 's/^# env: //p' "$case")
		# paths in args are relative to the source tree
		args=$(sed -n 's/^# args: //p' "$case" | sed -E "s#(^| )(data|tests)/#\1$root/\2/#g")
		# shellcheck disable=SC2086
		(cd "$d" && env -i PATH="$root/tests/bin:$PATH" HOME="$d" CPUSCOPE_QEMU=none CPUSCOPE_SNAPSHOT=7.2 CPUSCOPE_LIBVIRT_URI=none CPUSCOPE_LIBVIRT_VERSION=9.0 TZ=UTC TERM=xterm-256color LC_ALL=C.UTF-8 \
			LINES=24 COLUMNS=80 CPUSCOPE_NO_DISPLAY=1 CPUSCOPE_SCRIPT="$case" \
			CPUSCOPE_DUMP_DIR="$d" $envs \
			"${valgrind[@]}" "$bin" --snapshot "$snap" --cpu-map "$root/data/cpu_map" --host "$host" $args tui \
			> "$tmp/$name.stdout" 2> "$tmp/$name.stderr"
		 echo $? > "$tmp/$name.rc")
		sed -e "s|$root/||g" -e "s|$d/||g" "$tmp/$name.stderr" > "$d/stderr"
		cp "$tmp/$name.rc" "$d/rc"
		[ -s "$tmp/$name.stdout" ] && cp "$tmp/$name.stdout" "$d/stdout"
		for f in "$d"/*; do
			compare "$f" "$golden/$name.$(basename "$f")" "$name: $(basename "$f")"
		done
		for g in "$golden/$name".*; do
			[ -e "$g" ] || continue
			f=$d/${g#"$golden/$name".}
			[ -e "$f" ] || bad "$name: $(basename "$f") was not produced (golden $(basename "$g"))"
		done
	done
fi

# ---- 2. the TUI from the command line ---------------------------------------
if [ -z "$filter" ] || [[ cli == *$filter* ]]; then
	d=$tmp/cli
	mkdir -p "$d"
	"$bin" --list-keys > "$d/list-keys" 2>&1
	echo $? >> "$d/list-keys"
	"$bin" --list-keys=markdown > "$d/list-keys-markdown" 2>&1
	"$bin" tui --snapshot "$snap" --host "$host" < /dev/null > "$d/no-terminal" 2>&1
	echo $? >> "$d/no-terminal"
	"$bin" tui --bogus > "$d/bad-arg" 2>&1
	echo $? >> "$d/bad-arg"
	if [ -f "$snap" ]; then
		CPUSCOPE_NO_DISPLAY=1 CPUSCOPE_SCRIPT=/nonexistent "$bin" --snapshot "$snap" \
			--host "$host" tui > "$d/bad-script" 2>&1
		echo $? >> "$d/bad-script"
		printf '<Nope>\n' > "$tmp/bad.keys"
		CPUSCOPE_NO_DISPLAY=1 CPUSCOPE_SCRIPT="$tmp/bad.keys" "$bin" --snapshot "$snap" \
			--host "$host" tui 2>&1 | sed "s|$tmp/||" > "$d/bad-key"
		echo "${PIPESTATUS[0]}" >> "$d/bad-key"
	fi
	for f in "$d"/*; do
		compare "$f" "$golden/cli.$(basename "$f")" "cli: $(basename "$f")"
	done
	# docs/keys.md is generated from the same table
	if [ -f "$root/docs/keys.md" ] && [ -z "$update" ]; then
		if diff -u "$root/docs/keys.md" "$d/list-keys-markdown" > "$tmp/diff"; then
			ok
		else
			bad "docs/keys.md is stale (make docs/keys.md)"
			head -20 "$tmp/diff"
		fi
	fi
fi

# ---- 3. tmux end to end --------------------------------------------------------
for t in "$here"/tmux-*.sh; do
	[ -x "$t" ] || continue
	name=$(basename "$t" .sh)
	[ -n "$filter" ] && [[ $name != *$filter* ]] && continue
	CPUSCOPE_BIN="$bin" CPUSCOPE_TUI_SNAPSHOT="$snap" "$t" > "$tmp/$name.log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		ok
	elif [ $rc -eq 77 ]; then
		skip=$((skip + 1))
		echo "SKIP: $name: $(tail -1 "$tmp/$name.log")"
	else
		bad "$name (exit $rc)"
		tail -30 "$tmp/$name.log"
	fi
done

[ $skip -gt 0 ] && echo "tui: $skip skipped"
echo "tui: $pass passed, $fail failed"
[ $fail -eq 0 ]
