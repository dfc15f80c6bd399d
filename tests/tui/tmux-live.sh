#!/bin/bash
# This machine's QEMU as the reference (no --host, no --snapshot): the
# explorer comes up on the default machine type after one QEMU start, names
# whose verdict it shows, and fills in the other machine types in the
# background; the second start is answered from the cache.  The QEMU is the
# fake one in tests/bin (a real program speaking QMP), named by
# $CPUSCOPE_QEMU as an installed QEMU would be found in PATH.
. "$(dirname "$0")/lib.sh"
export FAKE_QEMU_PIDS="$work/pids"
mkdir -p "$FAKE_QEMU_PIDS" "$work/cache"

start_live() {
	rm -f "$work/rc"
	local shell i=0 tries=0
	# (the previous server may still be going away: retry for a few seconds)
	until tm new-session -d -s t -x 100 -y 24 \
		"env TERM=xterm-256color LC_ALL=C.UTF-8 CPUSCOPE_QEMU='$root/tests/bin/fake-qemu' XDG_CACHE_HOME='$work/cache' '$bin' --accel tcg --cpu-map '$root/data/cpu_map' tui; echo \$? > '$work/rc.tmp'; mv '$work/rc.tmp' '$work/rc'; exec sleep 600" 2>/dev/null; do
		tries=$((tries + 1))
		[ $tries -lt 50 ] || fail "tmux new-session"
		sleep 0.1
	done
	shell=$(tm display-message -p -t t '#{pane_pid}')
	pid=
	while [ -z "$pid" ] && [ $i -lt 200 ]; do
		pid=$(pgrep -P "$shell" -x cpuscope)
		sleep 0.05
		i=$((i + 1))
	done
}

start_live
wait_for "usable on this machine's QEMU"
wait_for "QEMU 99.0.0 tcg"
wait_for "QEMU 99.0.0 on this machine: 3 machine types"
n1=$(ls "$FAKE_QEMU_PIDS" | wc -l)
[ "$n1" -ge 2 ] || fail "expected a first QEMU and the background fill, saw $n1 QEMU processes"
keys q
wait_exit 0
tm kill-server > /dev/null 2>&1
# warm: everything from the cache, no QEMU started
start_live
wait_for "usable on this machine's QEMU"
sleep 0.5
n2=$(ls "$FAKE_QEMU_PIDS" | wc -l)
[ "$n2" = "$n1" ] || fail "the second start ran QEMU again ($n1 -> $n2 processes); the cache should answer"
keys q
wait_exit 0
echo "ok"
