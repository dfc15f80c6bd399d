#!/bin/bash
# SIGTERM and Ctrl-C end the explorer cleanly: terminal restored, no process left.
. "$(dirname "$0")/lib.sh"

start 80 24 --host "$root/data/hosts/qemu-7.2-tcg-domcaps.xml"
wait_for "Models"
kill -TERM "$pid"
wait_exit 143
tm kill-server
pid=
sock=cs-test-$$-b # a fresh server for the second run

start 80 24 --host "$root/data/hosts/qemu-7.2-tcg-domcaps.xml"
wait_for "Models"
keys / H a s
keys C-c
wait_exit 130
echo "ok"
