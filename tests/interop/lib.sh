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

# work_dir: $work, a new directory removed at exit (kept and named with
# KEEP=1), holding the private copy of $bin.
work_dir() {
	work=$(mktemp -d)
	[ "${KEEP:-}" = 1 ] && echo "work dir: $work" || trap 'rm -rf "$work"' EXIT
	private_binary "$work"
}
