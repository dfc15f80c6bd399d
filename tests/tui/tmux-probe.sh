#!/bin/bash
# The live probe in the background: the UI answers keys while a QEMU hangs,
# Esc cancels, and no QEMU process is left behind.  Then a real probe with
# the fake QEMU replaces the data.
. "$(dirname "$0")/lib.sh"
export PATH="$root/tests/bin:$PATH"
export FAKE_QEMU_PIDS="$work/pids"
mkdir -p "$FAKE_QEMU_PIDS"

start 80 24 --host "$root/data/hosts/qemu-7.2-tcg-domcaps.xml"
wait_for "Models"
keys p C-u
type_text "qemu-hang"
keys Enter
wait_for "probing qemu-hang"
# the UI stays responsive while QEMU hangs
keys 5
wait_for "Glossary"
keys Escape
wait_for "probe cancelled"
for f in "$FAKE_QEMU_PIDS"/*; do
	[ -e "$f" ] || continue
	p=$(basename "$f")
	kill -0 "$p" 2> /dev/null && fail "fake QEMU $p is still running after the cancel"
done
keys p C-u
type_text "fake-qemu"
keys Enter
wait_for "probed fake-qemu: QEMU 99.0.0"
wait_for "Models"
keys q
wait_exit 0
echo "ok"
