#!/usr/bin/env bash
# drift-libvirt11.sh - drift.sh against libvirt 11.3 and QEMU 10.0 in the
# chroot ../shared/tools/libvirt11-up.sh sets up: every trap `cpuscope
# drift` reports for that libvirt's cpu_map and that QEMU, reproduced there.
#   LIBVIRT11_ROOT=DIR (default ${TMPDIR:-/tmp}/libvirt11-trixie, the
#   script's own default); skips when no libvirtd answers in it.
here=$(cd "$(dirname "$0")" && pwd)
LIBVIRT_ROOT=${LIBVIRT11_ROOT:-${TMPDIR:-/tmp}/libvirt11-trixie} exec bash "$here/drift.sh" "$@"
