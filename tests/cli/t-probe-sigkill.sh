#!/usr/bin/env bash
# cpuscope killed with SIGKILL mid-probe leaves no process behind, even
# when --qemu is a wrapper script whose children (the QEMU it runs without
# exec, a helper in the background) are cpuscope's grandchildren.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
tmp=$(mktemp -d)
pids=$tmp/pids
mkdir "$pids"
cleanup() {
	for f in "$pids"/*; do [ -e "$f" ] && kill -9 "$(basename "$f")" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
# alive PID: running (a zombie waiting for its reaper is not)
alive() { [ -r "/proc/$1/stat" ] && ! sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | grep -q '^Z'; }

env -i PATH="$top/tests/bin:$PATH" HOME="$tmp" XDG_CACHE_HOME="$tmp/cache" FAKE_QEMU_PIDS="$pids" \
	"$bin" probe --qemu qemu-wrapper-hang --arch x86_64 --timeout 60 -q --out "$tmp/x.json" \
	>"$tmp/out" 2>"$tmp/err" &
cs=$!
# the first QEMU (-machine none): the wrapper, its helper and the fake
for _ in $(seq 500); do
	[ "$(ls "$pids" | wc -l)" -ge 3 ] && break
	sleep 0.02
done
[ "$(ls "$pids" | wc -l)" -ge 3 ] || fail "the wrapper did not start ($(cat "$tmp/err"))"
sleep 0.2
kill -9 "$cs"
wait "$cs" 2>/dev/null
left=""
for f in "$pids"/*; do
	p=$(basename "$f")
	for _ in $(seq 250); do
		alive "$p" || break
		sleep 0.02
	done
	alive "$p" && left="$left $p ($(head -1 "$f"))"
done
[ -z "$left" ] || fail "still running after cpuscope's SIGKILL:$left"
[ -e "$tmp/x.json" ] && fail "a snapshot was written"
echo ok
