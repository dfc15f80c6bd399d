#!/usr/bin/env bash
# drift-libvirt11.sh - drift.sh against libvirt 11.3 and QEMU 10.0: every trap
# `cpuscope drift` reports for that libvirt's cpu_map and that QEMU,
# reproduced in Debian trixie's libvirt 11.3 + QEMU 10.0 in a chroot
# (libvirt11-up.sh via lib.sh's libvirt11_stack: $CPUSCOPE_LIBVIRT11_DIR,
# default /var/tmp/cpuscope-libvirt11, the chroot virsh11.sh uses; built on
# first use, about 2 minutes).  Its qemu.conf gets `namespaces = [ ]` so that
# its libvirtd can start guests (drift.sh's check='full' steps).  Skips,
# saying why, when not root or when the chroot cannot be built.
#   LIBVIRT11_ROOT=DIR uses a chroot already up at DIR instead (as
#   ../shared/tools/libvirt11-up.sh DIR leaves it).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}

. "$here/lib.sh"
need_bin
if [ -n "${LIBVIRT11_ROOT:-}" ]; then
	root=$LIBVIRT11_ROOT
else
	libvirt11_stack starts
	root=$l11_root
fi
# (not exec: the EXIT trap stops a libvirtd started here)
LIBVIRT_ROOT=$root bash "$here/drift.sh" "$@"
