#!/usr/bin/env bash
# memory.sh - peak memory against input size (issue 13, item 3).
#
# Builds amplification inputs (files of millions of tiny JSON or XML values,
# 30 MB of QMP, 60 MB of snapshot) in a temporary directory, loads each
# with the cpuscope binary and reports its peak RSS (GNU time's %M) as a
# multiple of the input size, with the time taken and what cpuscope said.
# An input the first pass refuses (json_scan, xml_scan: "too many ... values
# / nodes", "more than N items") must stay within MAX_RATIO (default 4)
# times its size: nothing is built.  One it lets through (qmp-members: dense
# object members, the most json-c spends per byte, about 20x;
# snapshot-references, refused later by the bound on shared entries) must
# stay within the readers' budget, 32 times its size plus 16 MiB.  Each must
# finish in MAX_SECONDS (default 10).
# The bundled snapshot is shown for comparison (its RSS is mostly the
# program itself).
# Needs /usr/bin/time (GNU); SKIP (77) without it.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
max_ratio=${MAX_RATIO:-4}
max_seconds=${MAX_SECONDS:-10}
gtime=/usr/bin/time
if ! "$gtime" -f %M true >/dev/null 2>&1; then
	echo "SKIP: memory bench: GNU time (/usr/bin/time) is not installed"
	exit 77
fi
[ -x "$bin" ] || { echo "SKIP: memory bench: $bin not built"; exit 77; }
cd "$top" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

hdr='{"format": "cpuscope-snapshot/1", "qemu": {"arch": "x86_64"},'
# n copies of a string, without newlines
rep() { yes "$1" | head -n "$2" | tr -d '\n'; }

# chunks of items: awk -v n=ITEMS -v per=PER_CHUNK -v item=TEXT, "[...],[...]"
chunks() {
	awk -v n="$1" -v per="$2" -v item="$3" 'BEGIN {
		for (i = 0; i < n; i++) {
			if (i % per == 0) printf "%s[", i ? "]," : ""
			else printf ","
			printf "%s", item
		}
		printf "]" }'
}

gen() { # name: write $tmp/name
	case $1 in
	# QMP (json-c): 30 MB each
	qmp-empty-lines.json) yes '{}' | head -c 30000000 ;;
	qmp-empty-arrays.json) printf '{"return": ['; chunks 10000000 100000 '{}'; printf ']}' ;;
	qmp-zeros.json) printf '{"return": ['; chunks 15000000 100000 0; printf ']}' ;;
	qmp-members.json)
		printf '{"return": ['
		awk 'BEGIN { for (i = 0; i < 3000000; i++) {
			if (i % 100000 == 0) printf "%s{", i ? "}," : ""; else printf ","
			printf "\"p%d\":0", i % 100000 }
			printf "}" }'
		printf ']}' ;;
	# snapshots (cpuscope's parser): up to 60 MB
	snapshot-nested-props.json)
		printf '%s "pool": [{"name": "a", "props": {"x": [' "$hdr"
		chunks 20000000 100000 '[]'; printf ']}}]}' ;;
	snapshot-records.json) # the pool can hold 2^20 records
		printf '%s "pool": [{"name": "a"}' "$hdr"; rep ',{"of":0}' 1048000; printf ']}' ;;
	snapshot-missing.json) printf '%s "missing": [' "$hdr"; rep '"",' 19999990; printf '""]}' ;;
	snapshot-references.json) # 200000 models, then machine types "same as" the first
		awk -v h="$hdr" 'BEGIN { printf "%s \"definitions\": {\"m\": [", h
			pad = sprintf("%0200d", 0)
			for (i = 0; i < 200000; i++) printf "%s{\"name\": \"M%d-%s\"}", i ? "," : "", i, pad
			printf "]"
			for (i = 0; i < 4000; i++) printf ",\"r%d\":\"m\"", i
			print "}}" }' ;;
	# XML (libxml2): 30 MB each
	xml-elements.xml) printf '<cpu>'; rep '<a/>' 7500000; printf '</cpu>' ;;
	xml-attributes.xml) printf '<cpu>'; rep '<a b="" c="" d="" e=""/>' 1200000; printf '</cpu>' ;;
	esac >"$tmp/$1"
}

# cmd args for a file
how() {
	case $1 in
	qmp-*|xml-*) echo "models --host" ;;
	*) echo "models --snapshot" ;;
	esac
}

measure() { # label file args...
	local label=$1 file=$2 size peak secs rc said
	shift 2
	size=$(stat -c %s "$file")
	"$gtime" -o "$tmp/time" -f '%M %e' "$bin" "$@" >/dev/null 2>"$tmp/err"
	rc=$?
	read -r peak secs < <(tail -1 "$tmp/time")
	said=$(head -1 "$tmp/err" | sed "s|$tmp/||; s|^cpuscope: ||" | cut -c1-70)
	[ -z "$said" ] && said="(loaded, exit $rc)"
	awk -v l="$label" -v s="$size" -v p="$peak" -v t="$secs" -v w="$said" 'BEGIN {
		printf "| %s | %.1f | %.1f | %.2f | %.2f | %s |\n", l, s / 1e6, p / 1024, p * 1024 / s, t, w }'
	echo "$size $peak $secs" >"$tmp/last"
}

echo "| input | MB | peak RSS MB | RSS / size | seconds | cpuscope says |"
echo "|---|---|---|---|---|---|"
fail=0
measure "bundled snapshot (reference)" data/qemu-7.2-x86_64.json models --snapshot data/qemu-7.2-x86_64.json
for name in qmp-empty-lines.json qmp-empty-arrays.json qmp-zeros.json qmp-members.json \
	snapshot-nested-props.json snapshot-records.json snapshot-missing.json \
	snapshot-references.json xml-elements.xml xml-attributes.xml; do
	gen "$name"
	# shellcheck disable=SC2046
	measure "$name" "$tmp/$name" $(how "$name") "$tmp/$name"
	read -r size peak secs <"$tmp/last"
	limit=$max_ratio floor=0
	if ! grep -qE 'too many JSON values|too many XML nodes|more than [0-9]+ (items|members) in one' \
		"$tmp/err"; then
		limit=32 floor=16384 # accepted: the readers' budget
	fi
	if ! awk -v s="$size" -v p="$peak" -v t="$secs" -v r="$limit" -v f="$floor" -v m="$max_seconds" \
		'BEGIN { exit !(p * 1024 <= r * s + f * 1024 && t <= m) }'; then
		echo "FAIL: $name: peak RSS over $limit x its size or slower than $max_seconds s"
		fail=1
	fi
	rm -f "$tmp/$name"
done
exit $fail
