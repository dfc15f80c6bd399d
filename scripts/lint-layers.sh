#!/usr/bin/env bash
# lint-layers.sh - who may include whom (README "Layout").
#
#   src/base   0  strings, vectors, errors, files, paths
#   src/model  1  features and bitsets, models, machine types, hosts, guests
#   src/read   2  readers: QMP, snapshots, libvirt XML, cpu_map, CPUID
#   src/emit   2  writers: libvirt <cpu> XML, -cpu
#   src/probe  3  running QEMU, the probe cache
#   src/logic  4  deciding: usability, compare, baseline, explain, the session
#   ui         5  the ncurses explorer (a front end)
#   cli        6  the command line and main() (a front end; may start the TUI)
#
# A file may include headers of its own folder and of lower layers, never of
# a higher one or of a peer (read and emit do not know each other).
# Headers are included by base name; the folder of each is looked up here.
# tests/unit may include any src/ header but nothing of ui/ or cli/.
set -uo pipefail
cd "$(dirname "$0")/.."
declare -A rank=([base]=0 [model]=1 [read]=2 [emit]=2 [probe]=3 [logic]=4 [ui]=5 [cli]=6)
declare -A where
for h in src/*/*.h ui/*.h cli/*.h; do
	d=$(dirname "$h")
	d=${d#src/}
	b=$(basename "$h")
	if [ -n "${where[$b]:-}" ]; then
		echo "lint: two headers named $b (${where[$b]} and $d): includes by base name are ambiguous"
		exit 1
	fi
	where[$b]=$d
done
fail=0
check() { # file its-layer
	local f=$1 me=$2 inc d
	while IFS= read -r inc; do
		d=${where[$inc]:-}
		[ -z "$d" ] && continue # generated or system header
		[ "$d" = "$me" ] && continue
		if [ "$me" = test ]; then
			case $d in ui | cli) echo "lint: $f includes $inc ($d/): unit tests test the core only"; fail=1 ;; esac
			continue
		fi
		if [ "${rank[$d]}" -ge "${rank[$me]}" ]; then
			echo "lint: $f ($me/) includes $inc ($d/): a $me file may not depend on $d/"
			fail=1
		fi
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
}
for f in src/*/*.[ch] ui/*.[ch] cli/*.[ch]; do
	d=$(dirname "$f")
	check "$f" "${d#src/}"
done
for f in tests/unit/*.[ch]; do check "$f" test; done
[ $fail = 0 ] && echo "lint: includes follow the layers (base < model < read, emit < probe < logic < ui < cli)"
exit $fail
