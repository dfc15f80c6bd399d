#!/usr/bin/env bash
# fetch-qemu.sh - download and unpack a second, newer QEMU beside the system's
# (for `make data`), never installing it.
#
#   scripts/fetch-qemu.sh VERSION [DIR]
#
# VERSION is one of the versions pinned below (10.0).  DIR defaults to
# ${XDG_CACHE_HOME:-~/.cache}/cpuscope-qemu/VERSION and ends up holding
#   apt/        a private apt configuration: sources.list, lists, cache
#   debs/       the .deb files (exact versions, SHA-256 checked)
#   root/       the packages unpacked with dpkg-deb -x (root/usr/bin/qemu-system-*)
#   firmware/   symlinks to root/usr/share/qemu/* and root/usr/share/seabios/*:
#               pass it as `cpuscope probe --qemu-datadir DIR/firmware` (QEMU -L)
#   .complete   written last; its presence (with the same pins) makes a rerun a no-op
#
# apt runs with a private sources.list (only the pinned suite, on the mirror
# the system's apt uses: MIRROR= overrides it), private lists and cache
# (-o Dir::Etc::sourcelist=... -o Dir::Etc::sourceparts=- -o Dir::State::Lists=...
# -o Dir::Cache=...), and only `apt-get update` + `apt-get download`: nothing is
# added to the system's sources and nothing is installed.  The system's QEMU
# stays as it is.
#
# If a pinned version has left the suite (backports keep only the newest), use
# the Debian snapshot archive, e.g.
#   MIRROR=http://snapshot.debian.org/archive/debian/20251001T000000Z scripts/fetch-qemu.sh 10.0
set -euo pipefail

usage() { echo "usage: $0 VERSION [DIR]   (VERSION: 10.0)" >&2; exit 2; }
if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
version=$1

# ---- pins: suite, packages (name=version), SHA-256 of each .deb ----------
case $version in
10.0)
	suite=bookworm-backports
	qemu_ver='1:10.0.2+ds-2+deb13u1~bpo12+1'
	pkgs=("qemu-system-x86=$qemu_ver" "qemu-system-s390x=$qemu_ver"
	      "qemu-system-common=$qemu_ver" "qemu-system-data=$qemu_ver"
	      "seabios=1.16.3-2~bpo12+1")
	# sha256sum of debs/*.deb, sorted by file name
	sums='23a4672a138832d7173855e981aa8282c73ef5e04e080fa7ada9f82c6b34f507  qemu-system-common_1%3a10.0.2+ds-2+deb13u1~bpo12+1_amd64.deb
2d831088187087013b3fcbd19bdfb955b182a2d5a08f6dafa0ad1c6d2007fb4e  qemu-system-data_1%3a10.0.2+ds-2+deb13u1~bpo12+1_all.deb
dfec71e4296b8fc40c570fbe07ebb914f8e980a0d0552205798c75ce95ac4eda  qemu-system-s390x_1%3a10.0.2+ds-2+deb13u1~bpo12+1_amd64.deb
4a6b1856c8b0d7df4ff8e70249e12c473ccf8d516aadb4ae14d3d938faed0c65  qemu-system-x86_1%3a10.0.2+ds-2+deb13u1~bpo12+1_amd64.deb
48390d0a534c66d11789e39518aa219773a9d3677b29fe1af8799dfb563ec713  seabios_1.16.3-2~bpo12+1_all.deb'
	expect='10.0.2'
	;;
*) echo "fetch-qemu: no pinned packages for QEMU '$version' (known: 10.0)" >&2; exit 2 ;;
esac

arch=$(dpkg --print-architecture)
[ "$arch" = amd64 ] || { echo "fetch-qemu: the pins are amd64 packages; this is $arch" >&2; exit 2; }
dir=${2:-${XDG_CACHE_HOME:-$HOME/.cache}/cpuscope-qemu/$version}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
stamp="$dir/.complete"
want_stamp=$(printf '%s\n' "${pkgs[@]}" "$sums")

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ] &&
	[ -x "$dir/root/usr/bin/qemu-system-x86_64" ]; then
	echo "fetch-qemu: QEMU $version already unpacked in $dir"
	exit 0
fi
rm -f "$stamp"

# The mirror the system's apt uses for Debian (deb.debian.org if none found).
if [ -z "${MIRROR:-}" ]; then
	# shellcheck disable=SC2016 # $(...) is apt's format syntax
	MIRROR=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null |
		awk '$2 == "bookworm" { print $1; exit }')
	MIRROR=${MIRROR:-http://deb.debian.org/debian}
fi
MIRROR=${MIRROR%/}

mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial" "$dir/debs"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $suite main" \
	> "$dir/apt/sources.list"
apt_opts=(-o "Dir::Etc::sourcelist=$dir/apt/sources.list" -o "Dir::Etc::sourceparts=-"
	-o "Dir::State::Lists=$dir/apt/lists" -o "Dir::Cache=$dir/apt/cache"
	-o "APT::Get::List-Cleanup=0")
# root: apt's _apt sandbox user cannot write to these private directories
[ "$(id -u)" = 0 ] && apt_opts+=(-o "APT::Sandbox::User=root")
case $MIRROR in *snapshot.debian.org*) apt_opts+=(-o "Acquire::Check-Valid-Until=false") ;; esac

echo "fetch-qemu: apt-get update ($suite from $MIRROR, private lists in $dir/apt)"
apt-get "${apt_opts[@]}" -q update
echo "fetch-qemu: apt-get download ${pkgs[*]}"
rm -f "$dir"/debs/*.deb
(cd "$dir/debs" && apt-get "${apt_opts[@]}" -q download "${pkgs[@]}")

echo "fetch-qemu: checking SHA-256 of $dir/debs/*.deb"
got=$(cd "$dir/debs" && sha256sum -- *.deb | LC_ALL=C sort -k2)
if [ "$got" != "$sums" ]; then
	echo "fetch-qemu: checksums differ from the pins in $0:" >&2
	diff <(echo "$sums") <(echo "$got") >&2 || true
	exit 1
fi

echo "fetch-qemu: unpacking with dpkg-deb -x into $dir/root (not installed)"
rm -rf "$dir/root" "$dir/firmware"
mkdir -p "$dir/root" "$dir/firmware"
for deb in "$dir"/debs/*.deb; do
	dpkg-deb -x "$deb" "$dir/root"
done
# One -L directory with both packages' firmware (bios-256k.bin is seabios's,
# kvmvapic.bin and s390-ccw.img are qemu-system-data's).
ln -s "$dir"/root/usr/share/qemu/* "$dir"/root/usr/share/seabios/* "$dir/firmware/"

for b in qemu-system-x86_64 qemu-system-s390x; do
	bin=$dir/root/usr/bin/$b
	if ldd "$bin" | grep -q 'not found'; then
		echo "fetch-qemu: $bin needs libraries this system lacks:" >&2
		ldd "$bin" | grep 'not found' >&2
		exit 1
	fi
	v=$("$bin" --version | sed -n '1s/^QEMU emulator version //p')
	case $v in
	"$expect "*) echo "fetch-qemu: $bin: QEMU $v" ;;
	*) echo "fetch-qemu: $bin reports '$v', not $expect" >&2; exit 1 ;;
	esac
done
echo "$want_stamp" > "$stamp"
echo "fetch-qemu: done: $dir/root/usr/bin/qemu-system-{x86_64,s390x}, firmware $dir/firmware"
