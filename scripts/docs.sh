#!/usr/bin/env bash
# docs.sh - the key tables come from the program's own key table:
#   scripts/docs.sh          rewrite docs/keys.md and the README block
#   scripts/docs.sh --check  fail (exit 1) when either is stale
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${CPUSCOPE_BIN:-./cpuscope}
keys=$(mktemp)
trap 'rm -f "$keys" "$keys.readme"' EXIT
"$bin" --list-keys=markdown >"$keys"
awk -v keys="$keys" '
	/<!-- keys:begin -->/ { print; while ((getline line < keys) > 0) print line; skip = 1; next }
	/<!-- keys:end -->/ { skip = 0 }
	!skip { print }' README >"$keys.readme"
if [ "${1:-}" = --check ]; then
	ok=1
	cmp -s "$keys" docs/keys.md || { echo "docs: docs/keys.md is stale (make docs)"; ok=0; }
	cmp -s "$keys.readme" README || { echo "docs: the README key table is stale (make docs)"; ok=0; }
	[ $ok = 1 ] && echo "docs: key tables match the program's key table"
	[ $ok = 1 ]
else
	cp "$keys" docs/keys.md
	cp "$keys.readme" README
	echo "docs: rewrote docs/keys.md and the README key table"
fi
