#!/bin/bash
# Starting in a 10x5 terminal: a clipped note, keys still work, grows back.
. "$(dirname "$0")/lib.sh"

start 10 5 --host "$root/data/hosts/qemu-7.2-tcg-domcaps.xml"
wait_for "too small"
keys j j j
tm resize-window -t t -x 80 -y 24
wait_for "Models"
wait_for "4/132"
tm resize-window -t t -x 10 -y 5
wait_for "too small"
keys q
wait_exit 0
echo "ok"
