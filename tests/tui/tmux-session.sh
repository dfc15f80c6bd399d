#!/bin/bash
# End to end: start, search, explain, apply a fix, toggle a policy and see
# the XML change, -cpu, the platform forms, save, resize down to 10x5 and
# back, the hosts pane (a baseline loaded into the editor and undone back to
# the saved guest), quit without a question.
. "$(dirname "$0")/lib.sh"

start 80 24 --host "$root/data/hosts/amd-zen5-vm-capabilities.xml"
wait_for "Models"
keys / H a s w e l l Enter
wait_for "Grid: Haswell versions on"
keys 4
wait_for "How to make it work:"
keys /
type_text "Disable 2 features"
keys Enter Enter
wait_for "SUPERSET: the host can run this CPU"
wait_for "<feature policy='disable' name='rtm'/>"
keys 3 /
type_text "avx2"
keys Enter Space
wait_for "<feature policy='require' name='avx2'/>"
keys o
wait_for "-cpu Haswell,"
screen | grep -q "avx2=on" || fail "-cpu value lacks avx2=on"
keys o
wait_for "Output: Proxmox VE VM config (cpu:)"
keys o o o o o
wait_for "Output: libvirt <cpu> XML"
keys s
wait_for "save to:"
keys C-u
type_text "$work/guest.xml"
keys Enter
wait_for "saved the <cpu> XML to"
grep -q "<feature policy='require' name='avx2'/>" "$work/guest.xml" || fail "saved file: $(cat "$work/guest.xml")"
grep -q "<feature policy='disable' name='hle'/>" "$work/guest.xml" || fail "saved file lacks hle"
ls "$work" | grep -v '^guest.xml$' && fail "temporary files left next to the saved file"
tm resize-window -t t -x 10 -y 5
wait_for "too small"
tm resize-window -t t -x 100 -y 30
wait_for "Guest CPU"
# the hosts pane: verdicts for the guest CPU, a baseline loaded and undone
keys 6
wait_for "Hosts: can they run the guest CPU Haswell?"
screen | grep -q "SUPERSET.*intel-xeon-gold-6148.xml" || fail "no verdict for the Xeon Gold host"
keys /
type_text "gold"
keys Enter Space /
type_text "icelake"
keys Enter Space b
wait_for "model Skylake-Server, vendor Intel"
keys L
wait_for "Hosts: can they run the guest CPU Skylake-Server?"
keys 3
wait_for "Skylake-Server</model>"
keys u
wait_for "<feature policy='require' name='avx2'/>"
# undone back to the guest saved in guest.xml: not modified, q quits at once
screen | grep -q "modified" && fail "[modified] after undoing back to the saved guest"
keys q
wait_exit 0
echo "ok"
