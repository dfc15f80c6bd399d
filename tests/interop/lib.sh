# lib.sh - shared by the interop scripts (the runner does not run lib*.sh).
# Source it after setting $bin (the cpuscope binary under test).

# skip WHY: this script skips: a loud SKIP line naming it, then exit 77.
skip() {
	echo "SKIP: $(basename "$0" .sh) interop: $*"
	echo "RESULT: passed=0 failed=0 skipped=1"
	exit 77
}

# need_bin: skip unless $bin is executable.
need_bin() {
	[ -x "$bin" ] || skip "no cpuscope binary at $bin"
}

# need_libvirtd: virsh answers on qemu:///system, and fast.  libvirt-up.sh
# sets libvirtd up (as root) whatever the machine had before and times a few
# virsh calls; what it changed is shown.  Skips when libvirtd cannot be made
# to answer (not root, not installed); FAILS when it answers slowly, since
# the tests would then take an hour (libvirt-up.sh says why).
need_libvirtd() {
	local out rc
	command -v virsh >/dev/null || skip "virsh is not installed (CI installs libvirt-clients)"
	out=$("$(dirname "${BASH_SOURCE[0]}")/libvirt-up.sh" -q 2>&1)
	rc=$?
	[ -n "$out" ] && printf '%s\n' "$out"
	case $rc in
	0) ;;
	3)
		echo "FAIL: $(basename "$0" .sh) interop: virsh on qemu:///system is too slow to test with (above)"
		echo "RESULT: passed=0 failed=1 skipped=0"
		exit 1
		;;
	*) skip "libvirtd does not answer on qemu:///system ($(tail -1 <<<"$out"))" ;;
	esac
}

# private_binary WORKDIR: copy $bin into WORKDIR and point $bin at the copy,
# so a concurrent rebuild cannot swap the binary mid-run.  The copy finds
# data/ through the working directory (run from the top of the tree).
# Skips when the binary does not run.
private_binary() {
	local dir=$1
	for _ in $(seq 1 30); do
		cp "$bin" "$dir/cpuscope" 2>/dev/null && chmod +x "$dir/cpuscope" &&
			"$dir/cpuscope" --version >/dev/null 2>&1 && break
		sleep 2
	done
	"$dir/cpuscope" --version >/dev/null 2>&1 || skip "$bin does not run"
	bin=$dir/cpuscope
}

# Another libvirt than the system's (virsh11.sh sets these before running
# compare.sh and baseline.sh against a chroot's libvirt 11.3):
#   INTEROP_VIRSH      the virsh command ("chroot DIR virsh"; default virsh)
#   INTEROP_ROOT       the root that virsh sees (DIR): work files go under
#                      DIR/tmp and virsh gets their paths inside DIR
#   INTEROP_CPUSCOPE   extra cpuscope options ("--libvirt-version 11")
#   INTEROP_MAP        the cpu_map the guests are made from
read -ra virsh_cmd <<<"${INTEROP_VIRSH:-virsh}"
read -ra cs_opts <<<"${INTEROP_CPUSCOPE:-}"
vsh() { "${virsh_cmd[@]}" "$@"; }
# vpath FILE: FILE as virsh sees it
vpath() { echo "${1#"${INTEROP_ROOT:-}"}"; }

# need_stack: the system's libvirtd (need_libvirtd), unless INTEROP_VIRSH
# names another one (its caller has brought it up).
need_stack() {
	[ -n "${INTEROP_VIRSH:-}" ] || need_libvirtd
}

# work_dir: $work, a new directory removed at exit (kept and named with
# KEEP=1), holding the private copy of $bin; under INTEROP_ROOT/tmp when
# that is set.
work_dir() {
	if [ -n "${INTEROP_ROOT:-}" ]; then
		work=$(mktemp -d "$INTEROP_ROOT/tmp/cpuscope-interop.XXXXXX")
	else
		work=$(mktemp -d)
	fi
	[ "${KEEP:-}" = 1 ] && echo "work dir: $work" || trap 'rm -rf "$work"' EXIT
	private_binary "$work"
}

# libvirt11_stack [starts]: bring up the libvirt 11.3 + QEMU 10.0 chroot
# (libvirt11-up.sh) in $CPUSCOPE_LIBVIRT11_DIR (default
# /var/tmp/cpuscope-libvirt11, built on first use in about 2 minutes; keep it
# out of trees cleaned with rm -rf) and set $l11_root and $l11_ver.  With
# "starts", the chroot's libvirtd may start guests: a libvirtd in a chroot
# cannot set up QEMU's private mount namespace, so its qemu.conf gets
# `namespaces = [ ]` (and a libvirtd running without it is restarted).  A
# libvirtd started here is stopped at exit (libvirt11-up.sh --down); one
# already running is left.  Skips (saying why) when not root or when the
# chroot cannot be built.
libvirt11_stack() {
	local up=$(dirname "${BASH_SOURCE[0]}")/libvirt11-up.sh out t0=$SECONDS conf
	l11_root=$(realpath -m "${CPUSCOPE_LIBVIRT11_DIR:-/var/tmp/cpuscope-libvirt11}")
	[ "$(id -u)" = 0 ] || skip "needs root (debootstrap, chroot, the chroot's libvirtd)"
	l11_answers() { timeout 20 chroot "$l11_root" virsh -c qemu:///system version >/dev/null 2>&1; }
	local was_up=0
	[ -x "$l11_root/usr/bin/virsh" ] && mountpoint -q "$l11_root/proc" && l11_answers && was_up=1
	conf=$l11_root/etc/libvirt/qemu.conf
	if [ "${1:-}" = starts ] && [ -f "$conf" ] && ! grep -q '^namespaces *= *\[ *\]' "$conf"; then
		printf 'namespaces = [ ]\n' >>"$conf"
		if [ $was_up = 1 ]; then
			"$up" "$l11_root" --down >/dev/null 2>&1
			was_up=0
		fi
	fi
	if [ $was_up = 0 ]; then
		[ -x "$l11_root/usr/sbin/libvirtd" ] ||
			echo "building the libvirt 11.3 chroot in $l11_root (first time: about 2 minutes)"
		if ! out=$("$up" "$l11_root" 2>&1); then
			printf '%s\n' "$out" | tail -5
			skip "libvirt 11.3 did not come up in $l11_root ($(printf '%s\n' "$out" | tail -1))"
		fi
		# shellcheck disable=SC2064
		trap "\"$up\" \"$l11_root\" --down >/dev/null 2>&1" EXIT
		if [ "${1:-}" = starts ] && ! grep -q '^namespaces *= *\[ *\]' "$conf"; then
			# built just now: the setting needs a libvirtd that reads it
			printf 'namespaces = [ ]\n' >>"$conf"
			"$up" "$l11_root" --down >/dev/null 2>&1
			out=$("$up" "$l11_root" 2>&1) || skip "libvirt 11.3 did not come back up in $l11_root"
		fi
		echo "$(tail -1 <<<"$out") ($((SECONDS - t0)) s)"
	fi
	l11_ver=$(chroot "$l11_root" virsh --version 2>/dev/null)
	case $l11_ver in
	11.*) ;;
	*) skip "the chroot's virsh is '$l11_ver', not 11.x" ;;
	esac
}

# need_tools CMD...: skip (naming it) unless every CMD is in PATH.
need_tools() {
	local t
	for t; do
		command -v "$t" >/dev/null && continue
		case $t in
		timeout) skip "no timeout(1)" ;;
		python3) skip "no python3 (reads cpuscope's JSON)" ;;
		*) skip "no $t in PATH" ;;
		esac
	done
}
