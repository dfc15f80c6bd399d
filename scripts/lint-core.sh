#!/usr/bin/env bash
# lint-core.sh - the core (src/) must not include curses, must not print on
# its own (it writes to a FILE * it is given), and owns no mutable globals.
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0
report() { echo "lint: $1"; fail=1; }
hits=$(grep -nE '#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/)' src/*/*.[ch] || true)
[ -n "$hits" ] && report "src/ includes curses:"$'\n'"$hits"
hits=$(grep -nE '\b(stdout|stderr)\b|(^|[^a-z_])(printf|puts|putchar|perror|vprintf)[[:space:]]*\(' src/*/*.c \
	| grep -vE '^\S+:[0-9]+:\s*(/\*|\*)' || true)
[ -n "$hits" ] && report "src/ writes to stdout/stderr by itself:"$'\n'"$hits"
# File-scope variables that are not const (mutable globals).
for f in src/*/*.c; do
	awk -v F="$f" '
		/^[[:space:]]*\/\*/,/\*\// { next }
		/^(static[[:space:]]+)?(struct[[:space:]]+[a-z_]+|unsigned|int|long|char|bool|size_t|double|uint[0-9]+_t|int[0-9]+_t|volatile)[^(]*(=|;)[[:space:]]*$/ {
			if ($0 !~ /const/ && $0 !~ /^[[:space:]]/ && $0 !~ /\(/) { print F ":" NR ": " $0 }
		}' "$f"
done > /tmp/lint-globals.$$
if [ -s /tmp/lint-globals.$$ ]; then report "src/ has mutable globals:"$'\n'"$(cat /tmp/lint-globals.$$)"; fi
rm -f /tmp/lint-globals.$$
[ $fail = 0 ] && echo "lint: src/ is curses-free, prints nothing by itself, has no mutable globals"
exit $fail
