#!/bin/bash
# Quitting asks only with unsaved work (save and quit, quit, stay); n stays.
. "$(dirname "$0")/lib.sh"

start 80 24 --host "$root/data/hosts/qemu-7.2-tcg-domcaps.xml"
wait_for "Models"
keys / k v m 6 4 Enter Enter
wait_for "now uses kvm64"
keys q
wait_for "unsaved changes. s save and quit, y quit anyway, n stay"
keys n
wait_for "not quitting"
keys u
wait_for "undone"
keys q
wait_exit 0
echo "ok"
