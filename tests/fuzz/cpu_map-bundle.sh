#!/usr/bin/env bash
# cpu_map-bundle.sh DIR - print DIR's *.xml files as one fuzz_cpu_map input
# (index.xml first): a "=== NAME" line before each file.
set -euo pipefail
dir=${1:?usage: cpu_map-bundle.sh DIR}
one() {
	printf '=== %s\n' "$(basename "$1")"
	cat "$1"
	printf '\n' # the newline before a marker is not part of the file
}
[ -f "$dir/index.xml" ] && one "$dir/index.xml"
for f in "$dir"/*.xml; do
	[ -f "$f" ] && [ "$(basename "$f")" != index.xml ] && one "$f"
done
exit 0
