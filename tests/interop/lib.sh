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

# need_libvirtd CONN: virsh answers on CONN, after starting libvirtd
# (libvirt-up.sh) if it did not; otherwise skip.
need_libvirtd() {
	local conn=$1
	command -v virsh >/dev/null || skip "virsh is not installed (CI installs libvirt-clients)"
	if ! virsh -c "$conn" version >/dev/null 2>&1; then
		"$(dirname "${BASH_SOURCE[0]}")/libvirt-up.sh" >/dev/null 2>&1
		virsh -c "$conn" version >/dev/null 2>&1 ||
			skip "libvirtd does not answer on $conn (tests/interop/libvirt-up.sh needs root)"
	fi
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
