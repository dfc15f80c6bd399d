#!/usr/bin/env bash
# probe --out: the snapshot is renamed into place and its directory is
# fsynced (seen with strace), an existing file keeps its mode, and a
# symbolic link is written through.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
run() { env -i PATH="$top/tests/bin:$PATH" HOME="$tmp" XDG_CACHE_HOME="$tmp/cache" "$@"; }

d=$tmp/out
mkdir "$d"
if command -v strace >/dev/null; then
	# (LeakSanitizer cannot run under ptrace: off for a SAN=1 build)
	run ASAN_OPTIONS=detect_leaks=0 strace -f -y -o "$tmp/trace" -e trace=fsync,rename,renameat,renameat2 \
		"$bin" probe --qemu fake-qemu --no-cache -q --out "$d/x.json" || fail "probe failed"
	r=$(grep -n "rename.*$d/x.json\"" "$tmp/trace" | head -1 | cut -d: -f1)
	[ -n "$r" ] || { cat "$tmp/trace"; fail "no rename into $d/x.json"; }
	s=$(grep -n "fsync([0-9]*<$d>)" "$tmp/trace" | head -1 | cut -d: -f1)
	[ -n "$s" ] || { cat "$tmp/trace"; fail "the directory $d was not fsynced"; }
	[ "$s" -gt "$r" ] || fail "the directory was fsynced before the rename"
else
	echo "note: strace is not installed; the directory fsync is not checked"
fi

rm -f "$d/x.json"
: >"$d/x.json"
chmod 0600 "$d/x.json"
ln -s x.json "$d/link.json"
run "$bin" probe --qemu fake-qemu --no-cache -q --out "$d/link.json" || fail "probe through a link failed"
[ -L "$d/link.json" ] || fail "the symbolic link was replaced"
[ "$(stat -c %a "$d/x.json")" = 600 ] || fail "mode $(stat -c %a "$d/x.json"), expected 600"
grep -q '"format": "cpuscope-snapshot/1"' "$d/x.json" || fail "the target holds no snapshot"
[ "$(ls "$d" | wc -l)" = 2 ] || fail "left behind: $(ls "$d")"
echo ok
