#!/usr/bin/env bash
# capture.sh - make qemu-7.2-tcg-answers.replies: a capture of the
# installed qemu-system-s390x (TCG) in the .replies form of libvirt's
# captures, followed by QEMU's answers to the compare and baseline
# questions the CLI goldens ask (tests/cli/cases/*-s390x-capture*) and the
# explorer's hosts pane asks (tests/tui/cases/s390x-hosts.keys).
#
#   tests/data/s390x/capture.sh [QEMU]      (run from the top of the tree,
#                                            after make; default qemu-system-s390x)
#
# Part 1 is what libvirt's probe asks (qmp_capabilities, query-version,
# query-target, query-kvm, query-machines, query-cpu-definitions, the
# static, static non-migratable and full expansion of max), one command
# and its reply after another.  Part 2 is recorded by cpuscope itself
# (CPUSCOPE_QMP_RECORD): it reads part 1 as its data and asks the live QEMU
# what part 1 does not answer.  The goldens then run with CPUSCOPE_QEMU=none
# and get every answer from the file.  The explorer records its questions
# the same way (CPUSCOPE_QMP_RECORD), its test script run headless.
set -euo pipefail
qemu=${1:-qemu-system-s390x}
here=tests/data/s390x
out=$here/qemu-7.2-tcg-answers.replies
[ -x ./cpuscope ] || { echo "capture.sh: run from the top of the tree, after make" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmds=(
	'{"execute": "qmp_capabilities"}'
	'{"execute": "query-version"}'
	'{"execute": "query-target"}'
	'{"execute": "query-kvm"}'
	'{"execute": "query-machines"}'
	'{"execute": "query-cpu-definitions"}'
	'{"execute": "query-cpu-model-expansion", "arguments": {"type": "static", "model": {"name": "max"}}}'
	'{"execute": "query-cpu-model-expansion", "arguments": {"type": "static", "model": {"name": "max", "props": {"migratable": false}}}}'
	'{"execute": "query-cpu-model-expansion", "arguments": {"type": "full", "model": {"name": "max"}}}'
)
{ printf '%s\n' "${cmds[@]}"; echo '{"execute": "quit"}'; } |
	"$qemu" -machine none -nodefaults -nographic -display none -no-user-config -qmp stdio -accel tcg |
	grep -E '^\{"(return|error)"' >"$tmp/replies"
[ "$(wc -l <"$tmp/replies")" -eq $((${#cmds[@]} + 1)) ] ||
	{ echo "capture.sh: $qemu did not answer every command" >&2; exit 1; }
: >"$out"
for i in "${!cmds[@]}"; do
	printf '%s\n\n%s\n\n' "${cmds[$i]}" "$(sed -n "$((i + 1))p" "$tmp/replies")" >>"$out"
done

ask() { CPUSCOPE_QEMU=$qemu CPUSCOPE_QMP_RECORD=$tmp/answers ./cpuscope --snapshot "$out" "$@" >/dev/null 2>&1 || true; }
ask compare $here/guest-z13.xml
ask compare $here/guest-z900.xml
ask compare $here/guest-z14-novx.xml
ask compare $here/guest-maximum.xml
ask compare $here/guest-z15.xml
ask baseline $here/cpus-z13-z14.xml
ask baseline --features $here/cpus-z13-z14.xml
ask baseline $here/cpus-z900-gen16a.xml
ask baseline $here/cpu-z14.xml
# the explorer's questions (tests/tui/cases/s390x-hosts.keys): its script
# run headless against the live QEMU, which records them the same way
tui() {
	local keys=$1 args
	args=$(sed -n 's/^# args: //p' "$keys")
	# shellcheck disable=SC2086
	CPUSCOPE_QEMU=$qemu CPUSCOPE_QMP_RECORD=$tmp/answers CPUSCOPE_NO_DISPLAY=1 \
		CPUSCOPE_SCRIPT=$keys CPUSCOPE_DUMP_DIR=$tmp LINES=24 COLUMNS=80 TERM=xterm-256color \
		./cpuscope $args tui >/dev/null 2>&1 || true
}
tui tests/tui/cases/s390x-hosts.keys
cat "$tmp/answers" >>"$out"
echo "capture.sh: wrote $out ($(grep -c '"execute"' "$out") commands)"
