# tests/tui/lib.sh - helpers for the end-to-end tmux sessions (sourced).
# A private tmux server per test (never the user's), polled waits instead of
# sleeps, and a trap that always kills the server and checks that no
# cpuscope process is left behind.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${CPUSCOPE_BIN:-$root/cpuscope}
snap=${CPUSCOPE_TUI_SNAPSHOT:-$root/data/qemu-7.2-x86_64.json}
sock=cs-test-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/cpuscope-tmux.XXXXXX")
pid=

skip() { echo "$*"; exit 77; }
command -v tmux > /dev/null || skip "tmux is not installed"
[ -f "$snap" ] || skip "$snap is missing (make data)"

tm() { tmux -L "$sock" -f /dev/null "$@"; }

cleanup() {
	tm kill-server > /dev/null 2>&1
	# the server's SIGHUP ends the explorer; give it a moment
	local i=0
	while [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null && [ $i -lt 40 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null; then
		echo "FAIL: cpuscope ($pid) is still running after the test"
		kill -9 "$pid" 2> /dev/null
		rm -rf "$work"
		exit 1
	fi
	rm -rf "$work"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	echo "---- screen:"
	tm capture-pane -p -t t 2> /dev/null
	exit 1
}

# start W H ARGS...: cpuscope tui in a new session, run by a shell that
# records its exit status (tmux 3.3's #{pane_dead_status} is not reliable)
start() {
	local w=$1 h=$2
	shift 2
	local q="" i=0
	for a in "$@"; do q+=" '$a'"; done
	rm -f "$work/rc"
	tm new-session -d -s t -x "$w" -y "$h" \
		"env TERM=xterm-256color LC_ALL=C.UTF-8 '$bin' --snapshot '$snap' --cpu-map '$root/data/cpu_map'$q tui; echo \$? > '$work/rc.tmp'; mv '$work/rc.tmp' '$work/rc'; exec sleep 600" ||
		fail "tmux new-session"
	local shell
	shell=$(tm display-message -p -t t '#{pane_pid}')
	pid=
	while [ -z "$pid" ] && [ $i -lt 200 ]; do
		pid=$(pgrep -P "$shell" -x cpuscope)
		[ -n "$pid" ] || sleep 0.05
		i=$((i + 1))
	done
	[ -n "$pid" ] || fail "cpuscope did not start"
}

screen() { tm capture-pane -p -t t; }

# wait_for TEXT [SECONDS]: poll the screen every 50 ms
wait_for() {
	local text=$1 limit=${2:-10} i=0
	while [ $i -lt $((limit * 20)) ]; do
		screen | grep -qF -- "$text" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	fail "timed out waiting for '$text'"
}

wait_gone() {
	local text=$1 limit=${2:-10} i=0
	while [ $i -lt $((limit * 20)) ]; do
		screen | grep -qF -- "$text" || return 0
		sleep 0.05
		i=$((i + 1))
	done
	fail "timed out waiting for '$text' to go"
}

keys() { tm send-keys -t t "$@"; }
type_text() { tm send-keys -t t -l "$1"; }

# wait_exit STATUS: the process ended with STATUS and left the alternate screen
wait_exit() {
	local want=$1 i=0
	while [ ! -f "$work/rc" ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ -f "$work/rc" ] || fail "cpuscope did not exit"
	local st
	st=$(cat "$work/rc")
	[ "$st" = "$want" ] || fail "exit status $st, expected $want"
	[ "$(tm display-message -p -t t '#{alternate_on}')" = 0 ] ||
		fail "the terminal was left in the alternate screen"
	kill -0 "$pid" 2> /dev/null && fail "process $pid still exists"
	return 0
}
