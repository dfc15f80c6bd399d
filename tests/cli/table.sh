#!/usr/bin/env bash
# table.sh - the command table (cli/commands.c) against what the program
# does, and the files generated from it:
#   - every command the dispatcher names is in `cpuscope --help`, and every
#     command there has a --help (the same as `cpuscope help COMMAND`);
#   - every option a command's --help lists gets past the command's own
#     argument loop (no "unknown option" from it);
#   - the bash completion is valid bash and completes commands, options and
#     their values;
#   - the man page renders without a warning (groff), when groff is here.
# make docs-check separately keeps docs/ equal to what the program prints.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${CPUSCOPE_BIN:-$top/cpuscope}
cd "$top" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
run() { env -i PATH="$PATH" HOME="$tmp/home" XDG_CACHE_HOME="$tmp/cache" LC_ALL=C.UTF-8 "$@"; }

# The commands of --help: the lines under "Commands:" up to a blank line.
mapfile -t cmds < <(run "$bin" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit }
	on && /^  [a-z]/ { print $1 }')
[ ${#cmds[@]} -ge 9 ] && ok || bad "--help lists ${#cmds[@]} commands: ${cmds[*]}"

# Whatever cli/ dispatches by name must be in --help (the table does the
# rest; this catches a command added past it).
for name in $(grep -ho 'strcmp(cmd, "[a-z-]*")' cli/*.c | sed 's/.*"\(.*\)".*/\1/' | sort -u); do
	if printf '%s\n' "${cmds[@]}" | grep -qx -- "$name"; then ok; else bad "cli/ dispatches '$name', which cpuscope --help does not list"; fi
done

for c in "${cmds[@]}"; do
	if ! run "$bin" "$c" --help >"$tmp/help" 2>"$tmp/err" || [ -s "$tmp/err" ] ||
		! head -1 "$tmp/help" | grep -q "^usage: cpuscope $c\b"; then
		bad "cpuscope $c --help: $(head -2 "$tmp/err" "$tmp/help")"
		continue
	fi
	ok
	run "$bin" help "$c" | cmp -s - "$tmp/help" && ok || bad "cpuscope help $c differs from cpuscope $c --help"
	# Each option of the help, with a value when it takes one, against
	# data that cannot load: the command parses its arguments and fails
	# later (probe: a QEMU that does not exist; nothing is run or written).
	while read -r opt arg; do
		args=(--snapshot /nonexistent/snapshot.json "$c")
		[ "$c" = probe ] && [ "$opt" != --qemu ] && args+=(--qemu /nonexistent/qemu)
		args+=("$opt")
		[ -n "$arg" ] && args+=(/nonexistent/x)
		run timeout 20 "$bin" "${args[@]}" </dev/null >/dev/null 2>"$tmp/err"
		if grep -qiE 'unknown (option|argument)|unexpected argument|needs a value' "$tmp/err"; then
			bad "cpuscope $c $opt${arg:+ VALUE}: the table lists it, the command refuses it: $(head -1 "$tmp/err")"
		else
			ok
		fi
	done < <(awk '/^Options:/ { on = 1; next } on && /^$/ { exit }
		on && /^  -/ { sub(/^  (-[a-z]+, )?/, ""); if ($1 != "--help") print $1, ($2 ~ /^[A-Z]|\|/ ? $2 : "") }' "$tmp/help")
done

# The bash completion.
comp=docs/cpuscope.bash-completion
if bash -n "$comp" 2>"$tmp/err"; then ok; else bad "bash -n $comp: $(cat "$tmp/err")"; fi
# complete WORD... : what the completion offers for the last word.
complete_words() {
	run bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_cpuscope; printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$@" 2>&1 | sort | tr '\n' ' ' | sed 's/ $//'
}
expect() { # want word...
	local want=$1 got
	shift
	got=$(complete_words "$@")
	[ "$got" = "$want" ] && ok || bad "completion of '${*:2}': want '$want', got '$got'"
}
expect "models" "$bin" mo
expect "--unusable --usable" "$bin" models --u
expect "name qmp" "$bin" models --sort ""
expect "json text" "$bin" --format ""
expect "json text" "$bin" --format = ""
expect "json kubevirt nova proxmox proxmox-model qemu qmp xml" "$bin" build --format ""
expect "host-model host-passthrough" "$bin" build --mode host-
expect "--machine --machines" "$bin" grid --mach
expect "grid" "$bin" help gr
expect "Haswell-noTSX Haswell-noTSX-IBRS" "$bin" --snapshot data/qemu-7.2-x86_64.json show Haswell-noT
expect "data/hosts/intel-xeon-gold-6148.xml" "$bin" grid Haswell --hosts data/hosts/amd-epyc-7502.xml data/hosts/intel-xeon-g
expect "--qemu --qemu-datadir --quiet" "$bin" probe --q

# The man page.
if command -v groff >/dev/null; then
	if groff -man -Tutf8 -ww -z docs/cpuscope.1 2>"$tmp/err" && [ ! -s "$tmp/err" ]; then
		ok
	else
		bad "groff -man -ww docs/cpuscope.1: $(head -5 "$tmp/err")"
	fi
else
	echo "SKIP man page rendering: groff is not installed (apt-get install groff-base)"
fi

echo "cli table: $pass passed, $fail failed"
[ $fail = 0 ]
