#!/usr/bin/env bash
# A FIFO given as --snapshot, --host or a compare/baseline file, or found
# inside a --cpu-map directory, is refused at once ("not a regular file (a
# FIFO)"), never read forever; "-" still reads standard input.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$top" || exit 2
fail() { echo "FAIL: $*"; exit 1; }
fifo=$tmp/fifo
mkfifo "$fifo"

# expect WANT-STDERR ARGS...: exit 2 within 10 s and exactly this message
expect() {
	local want=$1
	shift
	env -i PATH="$PATH" HOME="$tmp" LC_ALL=C.UTF-8 timeout 10 "$bin" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	[ $rc = 124 ] && fail "cpuscope $* blocked (killed after 10 s)"
	[ $rc = 2 ] || fail "cpuscope $*: exit $rc, expected 2 ($(cat "$tmp/err"))"
	[ "$(cat "$tmp/err")" = "$want" ] || fail "cpuscope $*: stderr '$(cat "$tmp/err")', expected '$want'"
}

host=data/hosts/qemu-7.2-tcg-domcaps.xml
expect "cpuscope: $fifo: not a regular file (a FIFO)" --snapshot "$fifo" models
expect "cpuscope: $fifo: not a regular file (a FIFO)" --arch x86_64 --snapshot "$fifo" models
expect "cpuscope: $fifo: not a regular file (a FIFO)" --host "$fifo" models
expect "cpuscope: $fifo: not a regular file (a FIFO)" --host "$host" compare "$fifo"
expect "cpuscope: $fifo: not a regular file (a FIFO)" baseline "$fifo"
expect "cpuscope: $fifo: not a regular file (a FIFO)" explain --qemu-warning "$fifo"

# inside a cpu_map: index.xml, and a file it includes
for f in index.xml x86_features.xml; do
	rm -rf "$tmp/map"
	cp -R data/cpu_map "$tmp/map"
	rm "$tmp/map/$f"
	mkfifo "$tmp/map/$f"
	expect "cpuscope: $tmp/map/$f: not a regular file (a FIFO)" --cpu-map "$tmp/map" --host "$host" models
done

# standard input is read explicitly, pipe or not
env -i PATH="$PATH" HOME="$tmp" timeout 10 "$bin" --host - models <"$host" >"$tmp/out" ||
	fail "--host - failed"
head -1 "$tmp/out" | grep -q ' usable, ' || fail "--host -: unexpected '$(head -1 "$tmp/out")'"
cat "$host" | env -i PATH="$PATH" HOME="$tmp" timeout 10 "$bin" --host - models >"$tmp/out" ||
	fail "--host - from a pipe failed"
head -1 "$tmp/out" | grep -q ' usable, ' || fail "--host - from a pipe: unexpected '$(head -1 "$tmp/out")'"
echo ok
