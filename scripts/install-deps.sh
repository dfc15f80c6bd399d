#!/usr/bin/env bash
# install-deps.sh - install what cpuscope needs to build (and, with --test,
# to run its test suite).  Says what it installs; needs root (or sudo).
set -euo pipefail
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

run_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
		echo "install-deps: need root to run: $*" >&2; exit 1; fi
}

if command -v apt-get >/dev/null; then
	pkgs=(build-essential pkg-config libncurses-dev libxml2-dev libjson-c-dev)
	[ $want_test = 1 ] && pkgs+=(libcmocka-dev libxml2-utils tmux valgrind
		qemu-system-x86 qemu-system-misc libvirt-clients libvirt-daemon
		libvirt-daemon-driver-qemu)
	missing=()
	for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
	if [ ${#missing[@]} -eq 0 ]; then echo "install-deps: everything is installed"; exit 0; fi
	echo "install-deps: installing with apt-get: ${missing[*]}"
	run_root apt-get update -qq
	run_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
elif command -v dnf >/dev/null; then
	pkgs=(gcc make pkgconf-pkg-config ncurses-devel libxml2-devel json-c-devel)
	[ $want_test = 1 ] && pkgs+=(libcmocka-devel tmux valgrind qemu-system-x86 qemu-system-s390x
		libvirt-client libvirt-daemon libvirt-daemon-driver-qemu)
	echo "install-deps: installing with dnf: ${pkgs[*]}"
	run_root dnf install -y "${pkgs[@]}"
else
	echo "install-deps: no apt-get or dnf here; install by hand: a C11 compiler, make, pkg-config," >&2
	echo "  and the development files of ncursesw, libxml2, json-c (and cmocka for tests)" >&2
	exit 1
fi
