#!/usr/bin/env bash
# (A copy of ../shared/tools/libvirt11-up.sh, kept in the project so the interop
# tests run from a clean clone; tests/interop/virsh11.sh uses it.)
# libvirt11-up.sh [DIR] [--down] - a second, live reference stack: Debian trixie's libvirt 11.3 and
# QEMU 10.0 in a chroot at DIR (default ${TMPDIR:-/tmp}/libvirt11-trixie), with its own libvirtd
# answering qemu:///system inside the chroot. The host's libvirt 9.0 / QEMU 7.2 stay untouched.
# --down stops that libvirtd and unmounts. /proc, /dev and /sys are bind-mounted READ-ONLY into
# DIR, so an `rm -rf DIR` cannot delete the host's device nodes; still, keep DIR out of any tree
# that is cleaned with rm -rf while the stack is up, and run --down when done.
#
#   libvirt11-up.sh /tmp/trixie               # first time ~1 minute (debootstrap + apt), then instant
#   chroot /tmp/trixie virsh -c qemu:///system hypervisor-cpu-compare /tmp/g.xml --virttype qemu
#   chroot /tmp/trixie qemu-system-x86_64 ...  # QEMU 10.0 with its own firmware
#
# Files you pass to virsh must be inside the chroot (copy them under DIR/tmp/ and name them /tmp/...).
# Needs root. The Debian mirror is taken from this machine's apt sources. Idempotent; prints
# "libvirt11 up: ..." when virsh answers.
set -eu
R=$(realpath -m "${1:-${TMPDIR:-/tmp}/libvirt11-trixie}")
rbind() { for d in proc dev sys; do mountpoint -q "$R/$d" ||
  { mount --bind /$d "$R/$d" && mount -o remount,bind,ro "$R/$d"; }; done; }
if [ "${2:-}" = --down ]; then
  for p in $(pgrep -x libvirtd) $(pgrep -x virtlogd); do
    [ "$(readlink /proc/$p/root)" = "$R" ] && kill "$p"; done
  sleep 1; for d in sys dev proc; do mountpoint -q "$R/$d" && umount "$R/$d"; done
  echo "libvirt11 down: $R"; exit 0
fi
mirror=$(sed -n 's/^URIs: *\([^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=$(sed -n 's/^deb \([^ ]*debian\) .*/\1/p' /etc/apt/sources.list 2>/dev/null | head -1)
[ -n "$mirror" ] || { echo "libvirt11-up: no Debian mirror found in apt sources" >&2; exit 1; }
command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
if [ ! -x "$R/usr/sbin/libvirtd" ]; then
  [ -x "$R/bin/bash" ] || debootstrap --variant=minbase trixie "$R" "$mirror" >/dev/null
  rbind
  chroot "$R" bash -c 'export DEBIAN_FRONTEND=noninteractive; apt-get update -qq &&
    apt-get install -y -qq --no-install-recommends libvirt-daemon libvirt-daemon-driver-qemu \
      libvirt-clients qemu-system-x86 qemu-system-misc >/dev/null 2>&1'
fi
rbind
chroot "$R" bash -c '
  getent group kvm >/dev/null || groupadd -r kvm
  grep -q "^user = \"root\"" /etc/libvirt/qemu.conf 2>/dev/null || printf "user = \"root\"\ngroup = \"root\"\n" >> /etc/libvirt/qemu.conf
  mkdir -p /run/libvirt
  if ! virsh -c qemu:///system version >/dev/null 2>&1; then
    (setsid libvirtd >/tmp/libvirtd.log 2>&1 &)
    for _ in $(seq 1 30); do virsh -c qemu:///system version >/dev/null 2>&1 && break; sleep 1; done
  fi'
v=$(chroot "$R" virsh -c qemu:///system version 2>/dev/null | tr '\n' ' ')
[ -n "$v" ] || { echo "libvirt11-up: libvirtd in $R did not answer (see $R/tmp/libvirtd.log)" >&2; exit 1; }
echo "libvirt11 up: $v"
