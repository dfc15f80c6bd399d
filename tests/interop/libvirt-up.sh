#!/usr/bin/env bash
# libvirt-up.sh - make `virsh -c qemu:///system` answer, for the interop tests.
#
# Modelled on ../shared/tools/libvirt-up.sh, kept in the project so the tests
# run from a clean clone.  Installs Debian's QEMU and libvirt when missing
# (only as root), creates the 'libvirt-qemu' user and group libvirtd insists
# on, runs QEMU as root (containers without the usual users), and starts
# libvirtd in the background when it is not answering yet.  Idempotent.
# Exit 0 when qemu:///system answers; 1 (with a reason on stderr) otherwise.
# Without systemd/dbus libvirtd logs harmless errors about dnsmasq, dbus and
# dmidecode to its log (default /tmp/libvirtd.log, or $LIBVIRTD_LOG).
set -u
log=${LIBVIRTD_LOG:-/tmp/libvirtd.log}
answers() { virsh -c qemu:///system version >/dev/null 2>&1; }

answers && { echo "libvirt-up: qemu:///system answers"; exit 0; }
if [ "$(id -u)" != 0 ]; then
	echo "libvirt-up: qemu:///system does not answer and starting libvirtd needs root" >&2
	exit 1
fi
missing=0
for b in qemu-system-x86_64 virsh libvirtd; do command -v "$b" >/dev/null || missing=1; done
if [ "$missing" = 1 ]; then
	apt-get update -qq >/dev/null 2>&1
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		qemu-system-x86 libvirt-clients libvirt-daemon libvirt-daemon-driver-qemu \
		>/dev/null 2>&1 || { echo "libvirt-up: apt-get install failed" >&2; exit 1; }
fi
getent group kvm >/dev/null || groupadd -r kvm
getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
getent passwd libvirt-qemu >/dev/null || useradd -r -g libvirt-qemu -G kvm libvirt-qemu
if [ -f /etc/libvirt/qemu.conf ] && ! grep -q '^user = "root"' /etc/libvirt/qemu.conf; then
	printf 'user = "root"\ngroup = "root"\n' >> /etc/libvirt/qemu.conf
fi
(setsid libvirtd >"$log" 2>&1 &)
for _ in $(seq 1 30); do answers && break; sleep 1; done
if answers; then
	echo "libvirt-up: qemu:///system answers (log: $log)"
else
	echo "libvirt-up: libvirtd did not come up; see $log" >&2
	exit 1
fi
