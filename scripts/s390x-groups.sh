#!/usr/bin/env bash
# s390x-groups.sh - what each of QEMU's s390x feature groups stands for,
# asked of QEMU itself (the origin of data/s390x-groups.tsv).
#
#   scripts/s390x-groups.sh [QEMU [QEMU-ARGS...]]    (default qemu-system-s390x)
#
# Prints one row per group: NAME<TAB>member,member,... (QEMU's feature order).
# Method: `-cpu help` names every feature and every group.  On the newest
# definition (NEWEST, default: the last non-base model `-cpu help` lists,
# as -base), QEMU expands every feature that can be switched on there, all
# on: every group comes back true.  Then once per feature, all on but that
# one: the groups no longer reported true are the ones holding it.  The
# props name features only (never groups), so the order in which QEMU
# applies them does not matter.  Runs one QEMU (-machine none, TCG).
set -euo pipefail
qemu=(${1:-qemu-system-s390x})
[ $# -gt 0 ] && shift
qemu+=("$@")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
help=$("${qemu[@]}" -cpu help)
feats=($(awk '/^Recognized feature flags/ {m = 1; next} /^Recognized feature groups/ {m = 2; next}
	m == 1 && NF {print $1}' <<<"$help"))
groups=($(awk '/^Recognized feature groups/ {m = 1; next} m == 1 && NF {print $1}' <<<"$help"))
newest=${NEWEST:-$(awk '/^Recognized feature flags/ {exit} {n = ($1 == "s390" ? $2 : $1)}
	n !~ /-base$/ && n != "max" && n != "qemu" && n != "host" && n != "" {last = n} END {print last}' <<<"$help")-base}
[ ${#feats[@]} -gt 100 ] && [ ${#groups[@]} -gt 5 ] || {
	echo "s390x-groups.sh: cannot read features and groups from ${qemu[*]} -cpu help" >&2
	exit 2
}

qmp() { # reads commands with ids on stdin, prints "ID<TAB>reply" for each
	# QEMU's output goes to a file first: QEMU leaves on quit, and what a
	# slow reader has not taken from the pipe by then is lost
	{ echo '{"execute":"qmp_capabilities"}'; cat; echo '{"execute":"quit"}'; } |
		"${qemu[@]}" -machine none -nodefaults -nographic -display none -qmp stdio -accel tcg \
		>"$tmp/raw"
	tr -d '\r' <"$tmp/raw" |
		sed -nE '/^\{("id": "[a-z0-9]+", )?"(return|error)"/s/^(.*"id": "([a-z0-9]+)".*)$/\2\t\1/p'
}
expand() { # ID PROPS-JSON
	printf '{"execute":"query-cpu-model-expansion","arguments":{"type":"full","model":{"name":"%s","props":{%s}}},"id":"%s"}\n' \
		"$newest" "$2" "$1"
}
answers() { # reads qmp's output: every id answered, in order, else fail
	local want=$1 n=0 id reply
	while IFS=$'\t' read -r id reply; do
		[ "$id" = "q$n" ] || break
		printf '%s\n' "$reply"
		n=$((n + 1))
	done
	[ "$n" = "$want" ] || { echo "s390x-groups.sh: ${qemu[*]} answered $n of $want questions" >&2; return 1; }
}
# the features that can be on at all on the newest definition
i=0
for f in "${feats[@]}"; do expand "q$i" "\"$f\":true"; i=$((i + 1)); done | qmp | answers ${#feats[@]} >"$tmp/ok" || exit 1
mapfile -t ok <"$tmp/ok"
on=()
for i in "${!feats[@]}"; do
	[[ ${ok[$i]} == *'"return": '* ]] && on+=("${feats[$i]}")
done
all=$(printf '"%s":true,' "${on[@]}")
all=${all%,}

true_groups() { # a reply -> the groups it reports true, one per line
	grep -oE '"[A-Za-z0-9_.-]+": true' <<<"$1" | sed -E 's/^"([^"]+)".*/\1/' | sort -u
}
{
	expand q0 "$all"
	i=1
	for f in "${on[@]}"; do expand "q$i" "${all/\"$f\":true/\"$f\":false}"; i=$((i + 1)); done
} | qmp | answers $((${#on[@]} + 1)) >"$tmp/replies" || exit 1
mapfile -t replies <"$tmp/replies"
full=$(true_groups "${replies[0]}")
for g in "${groups[@]}"; do
	grep -qx "$g" <<<"$full" || { echo "s390x-groups.sh: group $g is not on with every feature on" >&2; exit 1; }
done
declare -A members=()
for i in "${!on[@]}"; do
	r=${replies[$((i + 1))]}
	[[ $r == *'"return": '* ]] || { echo "s390x-groups.sh: ${on[$i]}: $r" >&2; exit 1; }
	t=$(true_groups "$r")
	for g in "${groups[@]}"; do
		grep -qx "$g" <<<"$t" || members[$g]+="${members[$g]:+,}${on[$i]}"
	done
done
for g in "${groups[@]}"; do
	printf '%s\t%s\n' "$g" "${members[$g]:-}"
done
