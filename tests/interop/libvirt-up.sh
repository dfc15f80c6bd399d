#!/usr/bin/env bash
# libvirt-up.sh [-q] - make `virsh -c qemu:///system` answer, and answer fast,
# for the interop tests, whatever this machine had set up before.
#
# Modelled on ../shared/tools/libvirt-up.sh, kept in the project so the tests
# run from a clean clone.  As root it:
#   - installs Debian's QEMU and libvirt when missing;
#   - creates the 'libvirt-qemu' user and group libvirtd insists on;
#   - makes /etc/libvirt/qemu.conf run QEMU as root: writes the file when
#     there is none (a fresh install of libvirt-daemon without
#     libvirt-daemon-system has none), else comments out its own user/group
#     lines and appends user = "root" / group = "root";
#   - restarts a libvirtd that runs with an older qemu.conf than that, and
#     then empties libvirt's QEMU capabilities cache, built under the old one;
#   - starts libvirtd in the background when nothing answers.
# Why: with QEMU as 'libvirt-qemu', libvirt probes QEMU with KVM but then finds
# /dev/kvm unusable for that user (a container's /dev/kvm is root's, 0600), so
# it throws its capabilities cache away and re-probes qemu-system-x86_64 on
# every connection: 4-8 s per virsh call instead of 20 ms, an hour of tests.
#
# Then (root or not) it times representative virsh calls (domcapabilities,
# hypervisor-cpu-compare, cpu-baseline; the best of two each).  When one is
# slower than LIBVIRT_SLOW_MS (default 1500), as root it restarts libvirtd
# once with an empty cache and times again; still slow is an error that says
# why (libvirt's own reason when virt-admin can fetch it).
#
# Exit 0: qemu:///system answers fast; 1: it does not answer (not root, or
# libvirtd did not come up); 3: it answers, but slowly.  -q prints only what
# it changed or started, and errors; otherwise it also says how fast virsh
# answers.
# libvirtd logs to LIBVIRTD_LOG (default /tmp/libvirtd.log); without
# systemd/dbus its errors about dnsmasq, dbus and dmidecode are harmless.
set -u
conn=qemu:///system
conf=/etc/libvirt/qemu.conf
cache=/var/cache/libvirt/qemu/capabilities
log=${LIBVIRTD_LOG:-/tmp/libvirtd.log}
limit=${LIBVIRT_SLOW_MS:-1500}
quiet=0
[ "${1:-}" = -q ] && quiet=1
root=0
[ "$(id -u)" = 0 ] && root=1

say() { echo "libvirt-up: $*"; }
die() { echo "libvirt-up: $*" >&2; exit "${2:-1}"; }
answers() { virsh -c "$conn" version >/dev/null 2>&1; }

# libvirtd processes of this root file system (not those of a chroot such as
# ../shared/tools/libvirt11-up.sh's)
daemons() {
	local p
	for p in $(pgrep -x libvirtd); do
		[ "$(readlink "/proc/$p/root" 2>/dev/null)" = / ] && echo "$p"
	done
}
# PID -> its start time, seconds since the epoch
started_at() {
	local stat btime hz
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	btime=$(awk '$1 == "btime" { print $2 }' /proc/stat)
	hz=$(getconf CLK_TCK)
	awk -v s="$stat" -v b="$btime" -v hz="$hz" 'BEGIN { split(s, f, " "); printf "%d\n", b + f[20] / hz }'
}
managed_by_systemd() {
	[ -d /run/systemd/system ] && systemctl is-active --quiet libvirtd.service 2>/dev/null
}
stop_daemons() {
	local p
	if managed_by_systemd; then
		systemctl stop libvirtd.service 2>/dev/null
	fi
	for p in $(daemons); do kill "$p" 2>/dev/null; done
	for _ in $(seq 1 30); do
		[ -z "$(daemons)" ] && return 0
		sleep 1
	done
	for p in $(daemons); do kill -9 "$p" 2>/dev/null; done
	sleep 1
}
start_daemon() {
	if [ -d /run/systemd/system ] && systemctl cat libvirtd.service >/dev/null 2>&1; then
		systemctl start libvirtd.service 2>/dev/null
	else
		(setsid libvirtd >"$log" 2>&1 &)
	fi
	# the first connection waits while libvirtd probes every QEMU binary
	# (about 40 s for Debian's 22 of them)
	local deadline=$((SECONDS + 180))
	while [ $SECONDS -lt $deadline ]; do
		answers && return 0
		sleep 1
	done
	return 1
}
# restart WHY: libvirtd again, with an empty capabilities cache
restart() {
	say "restarting libvirtd: $1"
	stop_daemons
	rm -rf "$cache"
	start_daemon || die "libvirtd did not come up again; see $log"
}

# the effective value of KEY in qemu.conf ("" when unset)
conf_value() {
	sed -n -E "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"([^\"]*)\".*/\1/p" "$conf" | head -1
}
is_root_name() { [ "$1" = root ] || [ "$1" = +0 ]; }
# ensure_conf: qemu.conf runs QEMU as root; prints what it changed
ensure_conf() {
	if [ ! -f "$conf" ]; then
		mkdir -p "$(dirname "$conf")"
		printf '%s\n' '# Written by cpuscope tests/interop/libvirt-up.sh: run QEMU as root, so' \
			'# that libvirt can use /dev/kvm and keeps its capabilities cache.' \
			'user = "root"' 'group = "root"' >"$conf"
		say "wrote $conf (user/group root)"
		return
	fi
	is_root_name "$(conf_value user)" && is_root_name "$(conf_value group)" && return
	[ -e "$conf.cpuscope-orig" ] || cp -p "$conf" "$conf.cpuscope-orig"
	sed -i -E 's/^([[:space:]]*(user|group)[[:space:]]*=)/#\1/' "$conf"
	printf '%s\n' '' '# Added by cpuscope tests/interop/libvirt-up.sh (the original is' \
		"# $conf.cpuscope-orig): run QEMU as root." 'user = "root"' 'group = "root"' >>"$conf"
	say "set user/group root in $conf (original kept as $conf.cpuscope-orig)"
}

# ms WORDS...: run virsh WORDS, print how long it took in milliseconds
# (or "fail" when it failed)
ms() {
	local t0 t1
	t0=${EPOCHREALTIME/[.,]/}
	virsh -c "$conn" "$@" >/dev/null 2>&1 || { echo fail; return; }
	t1=${EPOCHREALTIME/[.,]/}
	echo $(((t1 - t0) / 1000))
}
# timing: the slowest of the calls (best of two each): sets $worst_ms, $worst
# (its virsh arguments) and $slow (1 when it is over the limit)
timing() {
	local tmp a b t name args
	tmp=$(mktemp -d)
	printf "<cpu mode='custom' match='exact'>\n  <model fallback='forbid'>qemu64</model>\n</cpu>\n" >"$tmp/guest.xml"
	printf '%s\n' '<cpu>' '  <arch>x86_64</arch>' '  <model>Westmere</model>' '  <vendor>Intel</vendor>' \
		"  <feature name='vmx'/>" '</cpu>' >"$tmp/host.xml"
	virsh -c "$conn" domcapabilities --virttype qemu >/dev/null 2>&1 # may probe once after a start
	worst_ms=-1 worst="" slow=0
	for name in domcapabilities hypervisor-cpu-compare cpu-baseline; do
		case $name in
		domcapabilities) args=(domcapabilities --virttype qemu) ;;
		hypervisor-cpu-compare) args=(hypervisor-cpu-compare "$tmp/guest.xml" --virttype qemu) ;;
		cpu-baseline) args=(cpu-baseline "$tmp/host.xml") ;;
		esac
		a=$(ms "${args[@]}")
		b=$(ms "${args[@]}")
		if [ "$a" = fail ] || [ "$b" = fail ]; then
			t=$(virsh -c "$conn" "${args[@]}" 2>&1 >/dev/null | head -1)
			rm -rf "$tmp"
			die "virsh -c $conn ${args[*]} fails: $t"
		fi
		t=$((a < b ? a : b))
		if [ "$t" -gt "$worst_ms" ]; then
			worst_ms=$t
			worst="${args[*]//$tmp\//}"
		fi
	done
	rm -rf "$tmp"
	[ "$worst_ms" -gt "$limit" ] && slow=1
}
# why libvirt re-probes QEMU: its own debug line, fetched with virt-admin
libvirt_reason() {
	command -v virt-admin >/dev/null && [ $root = 1 ] || return 0
	local adm=libvirtd:///system dbg outputs filters
	dbg=$(mktemp)
	outputs=$(virt-admin -c $adm daemon-log-outputs 2>/dev/null | sed -n 's/^ *Logging outputs: *//p')
	filters=$(virt-admin -c $adm daemon-log-filters 2>/dev/null | sed -n 's/^ *Logging filters: *//p')
	if virt-admin -c $adm daemon-log-filters "1:qemu.qemu_capabilities" >/dev/null 2>&1 &&
		virt-admin -c $adm daemon-log-outputs "1:file:$dbg ${outputs:-3:stderr}" >/dev/null 2>&1; then
		virsh -c "$conn" domcapabilities --virttype qemu >/dev/null 2>&1
		virt-admin -c $adm daemon-log-outputs "${outputs:-3:stderr}" >/dev/null 2>&1
		virt-admin -c $adm daemon-log-filters "${filters}" >/dev/null 2>&1
		grep -m1 -o 'virQEMUCapsIsValid:[0-9]* : .*' "$dbg" | sed 's/^[^:]*:[0-9]* : /libvirt says: /'
	fi
	rm -f "$dbg"
}

# ---- set up (root) --------------------------------------------------------
restarted=0
if [ $root = 1 ]; then
	missing=0
	for b in qemu-system-x86_64 virsh libvirtd; do command -v "$b" >/dev/null || missing=1; done
	if [ "$missing" = 1 ]; then
		say "installing QEMU and libvirt with apt-get"
		apt-get update -qq >/dev/null 2>&1
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			qemu-system-x86 libvirt-clients libvirt-daemon libvirt-daemon-driver-qemu \
			>/dev/null 2>&1 || die "apt-get install failed"
	fi
	getent group kvm >/dev/null || groupadd -r kvm
	getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
	getent passwd libvirt-qemu >/dev/null || useradd -r -g libvirt-qemu -G kvm libvirt-qemu
	ensure_conf
	conf_time=$(stat -c %Y "$conf")
	for p in $(daemons); do
		t=$(started_at "$p") || continue
		# (2 s of slack: the start time computed from /proc is +-1 s)
		if [ $((t + 2)) -lt "$conf_time" ]; then
			restart "it started before $conf last changed"
			restarted=1
			break
		fi
	done
	if ! answers; then
		[ -n "$(daemons)" ] && stop_daemons # hung or half-started
		start_daemon || die "libvirtd did not come up; see $log"
		say "started libvirtd (log: $log)"
	fi
elif ! answers; then
	die "$conn does not answer and starting libvirtd needs root"
fi

# ---- is it fast? ----------------------------------------------------------
timing
if [ $slow = 1 ] && [ $root = 1 ] && [ $restarted = 0 ]; then
	restart "virsh $worst took $worst_ms ms (limit $limit ms)"
	timing
fi
if [ $slow = 1 ]; then
	{
		say "SLOW: virsh -c $conn $worst took $worst_ms ms (limit $limit ms; a healthy libvirtd answers in about 20 ms)."
		echo "  libvirtd is most likely re-probing QEMU on every call, so the interop tests would take an hour."
		echo "  Likely causes: $conf does not set user = \"root\" / group = \"root\" (QEMU then runs as"
		echo "  libvirt-qemu, which cannot use /dev/kvm: ls -l /dev/kvm), a libvirtd started before that"
		echo "  was set (restart it), or a stale capabilities cache in $cache (remove it, restart)."
		libvirt_reason | sed 's/^/  /'
		echo "  libvirtd's log: $log"
	} >&2
	exit 3
fi
[ $quiet = 1 ] || say "$conn answers; slowest call: virsh $worst, $worst_ms ms"
exit 0
