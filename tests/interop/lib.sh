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
