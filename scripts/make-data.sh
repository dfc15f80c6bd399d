#!/usr/bin/env bash
# make-data.sh - regenerate the bundled QEMU snapshots (called by `make data`).
#
#   scripts/make-data.sh [SET...]      SET: system, 10.0 (default: both)
#
#   system  the installed QEMU (Debian bookworm's 7.2):
#             data/qemu-7.2-x86_64.json   qemu-system-x86_64 (package qemu-system-x86)
#             data/qemu-7.2-s390x.json    qemu-system-s390x  (package qemu-system-misc)
#   10.0    Debian's QEMU 10.0 from bookworm-backports, downloaded and unpacked
#           by scripts/fetch-qemu.sh (never installed):
#             data/qemu-10.0-x86_64.json
#             data/qemu-10.0-s390x.json
#   and data/qemu.README: what is in each file, from which package, how long
#   the probe took.
#
# Every machine type plus none, TCG, ./cpuscope probe (never the cache).  TCG
# on purpose: KVM expansions depend on the host (kvm_default_props), TCG ones
# only on QEMU.  Each snapshot is probed into a temporary file; when it says
# the same as the bundled one (everything but "captured"), the bundled file
# and its README entry are kept byte for byte.
#
# Knobs: QEMU_X86, QEMU_S390X (the system set's binaries), EXPECT_VERSION
# (default 7.2; empty accepts any and writes data/qemu-live-ARCH.json),
# QEMU10_DIR (where fetch-qemu.sh unpacks; default its cache), JOBS (default:
# online cores).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bin=${CPUSCOPE_BIN:-$top/cpuscope}
qemu_x86=${QEMU_X86:-qemu-system-x86_64}
qemu_s390x=${QEMU_S390X:-qemu-system-s390x}
jobs=${JOBS:-$(getconf _NPROCESSORS_ONLN)}
expect=${EXPECT_VERSION-7.2}
readme=data/qemu.README

[ -x "$bin" ] || { echo "make-data: $bin is not built (run make)" >&2; exit 2; }
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(system 10.0)
for s in "${sets[@]}"; do
	case $s in system | 10.0) ;; *) echo "make-data: unknown set '$s' (system, 10.0)" >&2; exit 2 ;; esac
done

version_of() { # binary -> "7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)"
	"$1" --version | sed -n '1s/^QEMU emulator version //p'
}
package_of() { # binary -> "qemu-system-x86 1:7.2+dfsg-7+deb12u18+b3" (Debian), or ""
	local path pkg
	path=$(readlink -f "$(command -v "$1")")
	pkg=$(dpkg-query -S "$path" 2>/dev/null | head -1 | cut -d: -f1) || true
	[ -n "$pkg" ] && echo "$pkg $(dpkg-query -W -f='${Version}' "$pkg")"
}
old_block() { # file name -> its entry in the current README (up to the blank line)
	[ -f "$readme" ] && awk -v f="$1" '$0 == f { p = 1 } p && /^$/ { exit } p' "$readme"
}
old_field() { # file name, "package:" | "probe wall time:" -> the rest of that line
	old_block "$1" | tr ';' '\n' | sed -n "s/^ *$2 //p" | head -1
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A pkg wall changed

# probe NAME ARCH BINARY PACKAGE [cpuscope probe options...]: data/NAME, kept
# when nothing but the capture time changed.
probe() {
	local name=$1 arch=$2 q=$3 package=$4 out=data/$1 t0 t1
	shift 4
	echo "make-data: probing $q ($(version_of "$q")), every machine type, TCG, $jobs jobs -> $out"
	t0=$(date +%s.%N)
	"$bin" probe --qemu "$q" --arch "$arch" --machines all --accel tcg --jobs "$jobs" \
		--no-cache "$@" --out "$tmp/$name"
	t1=$(date +%s.%N)
	if ! sed -n 2p "$tmp/$name" | grep -q '"accel": "tcg"'; then
		echo "make-data: $q was not probed under TCG: $(sed -n 2p "$tmp/$name")" >&2
		exit 1
	fi
	pkg[$name]=$package
	wall[$name]="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s ($jobs jobs, $(nproc) cores)"
	if [ -f "$out" ] && cmp -s <(sed '/^"captured": /d' "$out") <(sed '/^"captured": /d' "$tmp/$name"); then
		echo "make-data: $out: unchanged (only the capture time differs), kept as it is"
		return
	fi
	mv "$tmp/$name" "$out"
	changed[$name]=1
	echo "make-data: wrote $out"
}

for s in "${sets[@]}"; do
	case $s in
	system)
		for arch in x86_64 s390x; do
			q=$qemu_x86
			[ $arch = s390x ] && q=$qemu_s390x
			command -v "$q" >/dev/null || { echo "make-data: $q not installed" >&2; exit 2; }
			v=$(version_of "$q")
			if [ -n "$expect" ] && [[ $v != "$expect".* ]]; then
				echo "make-data: $q is QEMU $v, not $expect (set EXPECT_VERSION= to accept)" >&2
				exit 2
			fi
			probe "qemu-${expect:-live}-$arch.json" $arch "$q" "$(package_of "$q")"
		done
		;;
	10.0)
		dir=${QEMU10_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cpuscope-qemu/10.0}
		scripts/fetch-qemu.sh 10.0 "$dir"
		v='1:10.0.2+ds-2+deb13u1~bpo12+1'
		for arch in x86_64 s390x; do
			p="qemu-system-x86"
			[ $arch = s390x ] && p="qemu-system-s390x"
			# on PATH, so the snapshot names the binary as the system one would be
			PATH=$dir/root/usr/bin:$PATH probe "qemu-10.0-$arch.json" $arch "qemu-system-$arch" \
				"$p $v" \
				--qemu-datadir "$dir/firmware"
		done
		;;
	esac
done

# ---- data/qemu.README -------------------------------------------------------
# shellcheck source=/dev/null
os=$(. /etc/os-release && echo "$PRETTY_NAME")
entry() { # file arch
	local f=$1 arch=$2 path=data/$1 qemu package w mtypes models
	qemu=$(sed -n '2s/.*"version": "\([^"]*\)", "package": "\([^"]*\)", "binary": "\([^"]*\)".*/\3 \1 (\2)/p' "$path")
	package=${pkg[$f]:-$(old_field "$f" "package:")}
	# the time of the probe that wrote the file (an unchanged file keeps it)
	w=$(old_field "$f" "probe wall time:")
	if [ -n "${changed[$f]:-}" ] || [ -z "$w" ]; then w=${wall[$f]:-$w}; fi
	# one machine type a line; the last one closes the list
	mtypes=$(awk '/^"machines": \[/ { m = 1; next } m { n++ } m && /\],$/ { exit } END { print n + 0 }' "$path")
	models=$("$bin" --snapshot "$path" --arch "$arch" models | sed -n '1s/ models on .*//p')
	cat <<ENTRY
$f
    $qemu
    package: ${package:-unknown}$(case $f in qemu-10.0-*) printf '\n%s' \
	"             + qemu-system-common, qemu-system-data (same version), seabios 1.16.3-2~bpo12+1" \
	"             from bookworm-backports, unpacked with dpkg-deb -x (not installed)" ;; esac)
    accelerator: tcg
    $mtypes machine types (every one query-machines lists, plus none), $models CPU models
    on the default one; query-machines, query-cpu-definitions per machine type, full
    and static query-cpu-model-expansion of every model on every machine type.
    size: $(stat -c %s "$path") bytes; probe wall time: ${w:-not recorded}
    captured: $(sed -n '3s/^"captured": "\(.*\)",$/\1/p' "$path") on $(uname -m) ($os)

ENTRY
}

{
	cat <<'HEAD'
QEMU snapshots bundled with cpuscope (format: DESIGN.md §4, "cpuscope-snapshot/1")
==================================================================================

HEAD
	for f in qemu-7.2-x86_64.json qemu-7.2-s390x.json qemu-10.0-x86_64.json qemu-10.0-s390x.json \
		qemu-live-x86_64.json qemu-live-s390x.json; do
		[ -f "data/$f" ] || continue
		arch=x86_64
		[[ $f == *s390x* ]] && arch=s390x
		if [ -z "${changed[$f]:-}" ] && [ -n "$(old_block "$f")" ] &&
			grep -q "^    captured: $(sed -n '3s/^"captured": "\(.*\)",$/\1/p' "data/$f") " <(old_block "$f"); then
			old_block "$f"   # the file did not change: nor does its entry
			echo
		else
			entry "$f" $arch
		fi
	done
	cat <<'TAIL'
TCG, not KVM: under KVM QEMU adds host-dependent defaults (kvm_default_props),
so a KVM capture would describe the capturing host; TCG expansions depend only
on the QEMU build.  "unavailable-features" in the definitions are therefore
TCG's (what TCG cannot emulate), not any real host's.

Identical expansions are stored once ("pool", with deltas), which is why the
files stay small although they hold every model on every machine type.

QEMU 10.0 comes from Debian's bookworm-backports (built against bookworm's
libraries, so it runs here).  scripts/fetch-qemu.sh downloads the pinned
.debs with a private apt configuration (nothing is added to the system's
sources), checks their SHA-256, unpacks them with dpkg-deb -x and links
qemu-system-data's and seabios's firmware into one directory that the probe
passes as -L (--qemu-datadir), so the 10.0 binaries never load 7.2's
firmware.  The installed QEMU 7.2 is not touched.

Feature names: every feature these snapshots name is in the feature tables
(data/*-features.tsv).  "kvm" and "type" in unavailable-features are QOM
properties, not features (cpuscope's pseudo-features), and the other names
in the "unset" lists (x86: host-cache-info, migratable; s390x: the groups
msa, msa2..msa8) are plain properties.  A table's not-in-qemu flag is only
its default (what QEMU 7.2 lacks): with a snapshot loaded, cpuscope takes it
from that QEMU's own properties, so with the 10.0 snapshots 61 of the 71
x86_64 features so flagged, and the 12 s390x gen17 names, are QEMU's.

Regenerate:
    make data                  both sets (make data DATA=10.0: one set)
which runs scripts/make-data.sh, i.e. for each binary
    ./cpuscope probe --qemu qemu-system-ARCH --arch ARCH --machines all --accel tcg \
        --jobs N --no-cache [--qemu-datadir DIR/firmware] --out data/qemu-VERSION-ARCH.json
The system set needs qemu-system-x86 and qemu-system-misc installed.  Use
another QEMU with QEMU_X86=/path QEMU_S390X=/path EXPECT_VERSION= make data
DATA=system (writes data/qemu-live-ARCH.json).
TAIL
} > "$tmp/README"
if cmp -s "$tmp/README" "$readme"; then
	echo "make-data: $readme unchanged"
else
	mv "$tmp/README" "$readme"
	echo "make-data: wrote $readme"
fi
