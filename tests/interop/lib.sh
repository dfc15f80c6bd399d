# lib.sh - shared by the interop scripts (the runner does not run lib*.sh).

# private_binary WORKDIR: copy $bin into WORKDIR and point $bin at the copy,
# so a concurrent rebuild cannot swap the binary mid-run.  The copy finds
# data/ through the working directory (run from the top of the tree).
# Calls skip (defined by the script) when the binary does not run.
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
