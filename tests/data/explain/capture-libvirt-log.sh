#!/bin/sh
# capture-libvirt-log.sh - a real libvirt domain log with QEMU's feature
# warnings (libvirt-log-Skylake-Server.log, see README): the system's
# libvirtd (qemu:///system, as root) starts a TCG guest twice, paused,
# with check='none' (so libvirt itself refuses nothing and QEMU warns):
# first plain Skylake-Server, then with hle and rtm disabled and
# avx512vnni required.  Needs virtlogd running (the interop tests start
# one).  Run from this directory.
set -eu
name=cpuscope-warnlog
log=/var/log/libvirt/qemu/$name.log
dom() { # FEATURES...
	printf '%s\n' "<domain type='qemu'>" "  <name>$name</name>" "  <memory unit='MiB'>64</memory>" \
		"  <os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>" \
		"  <cpu mode='custom' match='exact' check='none'>" \
		"    <model fallback='forbid'>Skylake-Server</model>" "$@" "  </cpu>" \
		"  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>" "</domain>"
}
rm -f "$log"
t=$(mktemp)
dom >"$t"
virsh -q -c qemu:///system create --paused "$t" >/dev/null
virsh -q -c qemu:///system destroy "$name" >/dev/null
dom "    <feature policy='disable' name='hle'/>" "    <feature policy='disable' name='rtm'/>" \
	"    <feature policy='require' name='avx512vnni'/>" >"$t"
virsh -q -c qemu:///system create --paused "$t" >/dev/null
virsh -q -c qemu:///system destroy "$name" >/dev/null
rm -f "$t"
cp "$log" libvirt-log-Skylake-Server.log
