#!/usr/bin/env bash
# make-data.sh - regenerate the bundled QEMU snapshots (called by `make data`).
#
#   data/qemu-7.2-x86_64.json   qemu-system-x86_64, every machine type + none, TCG
#   data/qemu-7.2-s390x.json    qemu-system-s390x,  every machine type + none, TCG
#   data/qemu.README            what is in them, from which package, how long it took
#
# Uses ./cpuscope probe (never the cache).  TCG on purpose: KVM expansions
# depend on the host (kvm_default_props), TCG ones only on QEMU.
# Knobs: QEMU_X86, QEMU_S390X (binaries), JOBS (default: online cores),
# EXPECT_VERSION (default 7.2; empty to accept any).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bin=${CPUSCOPE_BIN:-$top/cpuscope}
qemu_x86=${QEMU_X86:-qemu-system-x86_64}
qemu_s390x=${QEMU_S390X:-qemu-system-s390x}
jobs=${JOBS:-$(getconf _NPROCESSORS_ONLN)}
expect=${EXPECT_VERSION-7.2}

[ -x "$bin" ] || { echo "make-data: $bin is not built (run make)" >&2; exit 2; }

version_of() { # binary -> "7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)"
	"$1" --version | sed -n '1s/^QEMU emulator version //p'
}
package_of() { # binary -> "qemu-system-x86 1:7.2+dfsg-7+deb12u18+b3" (Debian), or ""
	local path pkg
	path=$(readlink -f "$(command -v "$1")")
	pkg=$(dpkg-query -S "$path" 2>/dev/null | head -1 | cut -d: -f1) || true
	[ -n "$pkg" ] && echo "$pkg $(dpkg-query -W -f='${Version}' "$pkg")"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A wall size ver pkg mtypes models
for arch in x86_64 s390x; do
	q=$qemu_x86
	[ $arch = s390x ] && q=$qemu_s390x
	command -v "$q" >/dev/null || { echo "make-data: $q not installed" >&2; exit 2; }
	ver[$arch]=$(version_of "$q")
	pkg[$arch]=$(package_of "$q")
	if [ -n "$expect" ] && [[ ${ver[$arch]} != "$expect".* ]]; then
		echo "make-data: $q is QEMU ${ver[$arch]}, not $expect (set EXPECT_VERSION= to accept)" >&2
		exit 2
	fi
	out=data/qemu-${expect:-live}-$arch.json
	echo "make-data: probing $q (${ver[$arch]}), every machine type, TCG, $jobs jobs -> $out"
	t0=$(date +%s.%N)
	"$bin" probe --qemu "$q" --arch $arch --machines all --accel tcg --jobs "$jobs" \
		--no-cache --out "$out" 2> >(tee "$tmp/$arch.err" >&2)
	t1=$(date +%s.%N)
	wait
	wall[$arch]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	size[$arch]=$(stat -c %s "$out")
	# "... probed BINARY (VERSION, tcg): 60 machine types x 132 models, ..."
	summary=$(grep -o '[0-9]* machine types x [0-9]* models' "$tmp/$arch.err" | tail -1)
	mtypes[$arch]=${summary%% machine*}
	models[$arch]=$(echo "$summary" | awk '{ print $5 }')
done

cat > data/qemu.README <<README
QEMU snapshots bundled with cpuscope (format: DESIGN.md §4, "cpuscope-snapshot/1")
==================================================================================

qemu-${expect:-live}-x86_64.json
    qemu-system-x86_64 ${ver[x86_64]}
    package: ${pkg[x86_64]:-unknown}
    accelerator: tcg
    ${mtypes[x86_64]} machine types (every one query-machines lists, plus none),
    ${models[x86_64]} CPU models each; query-machines, query-cpu-definitions per machine
    type, full and static query-cpu-model-expansion of every model per machine type.
    size: ${size[x86_64]} bytes; probe wall time: ${wall[x86_64]} s ($jobs jobs, $(nproc) cores)

qemu-${expect:-live}-s390x.json
    qemu-system-s390x ${ver[s390x]}
    package: ${pkg[s390x]:-unknown}
    accelerator: tcg
    ${mtypes[s390x]} machine types (every one query-machines lists, plus none),
    ${models[s390x]} CPU models each; same queries as above.
    size: ${size[s390x]} bytes; probe wall time: ${wall[s390x]} s ($jobs jobs, $(nproc) cores)

Captured: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m) ($(. /etc/os-release && echo "$PRETTY_NAME")).

TCG, not KVM: under KVM QEMU adds host-dependent defaults (kvm_default_props),
so a KVM capture would describe the capturing host; TCG expansions depend only
on the QEMU build.  "unavailable-features" in the definitions are therefore
TCG's (what TCG cannot emulate), not any real host's.

Identical expansions are stored once ("pool", with deltas), which is why the
files stay small although they hold every model on every machine type.

Regenerate (needs the QEMU packages above: qemu-system-x86, qemu-system-misc):
    make data
which runs scripts/make-data.sh, i.e. for each arch
    ./cpuscope probe --qemu qemu-system-ARCH --arch ARCH --machines all --accel tcg \\
        --jobs N --no-cache --out data/qemu-7.2-ARCH.json
Use another QEMU with QEMU_X86=/path QEMU_S390X=/path EXPECT_VERSION= make data.
README
echo "make-data: wrote data/qemu.README"
