#!/usr/bin/env bash
# A symbolic link loop as --cpu-map is reported as a loop, not as a missing
# index.xml.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ln -s b "$tmp/a"
ln -s a "$tmp/b"
env -i PATH="$PATH" HOME="$tmp" "$bin" --cpu-map "$tmp/a" --host "$top/data/hosts/qemu-7.2-tcg-domcaps.xml" \
	models >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 2 ] || { echo "FAIL: exit $rc, expected 2"; exit 1; }
want="cpuscope: $tmp/a: too many levels of symbolic links"
[ "$(cat "$tmp/err")" = "$want" ] || { echo "FAIL: stderr '$(cat "$tmp/err")', expected '$want'"; exit 1; }
echo ok
