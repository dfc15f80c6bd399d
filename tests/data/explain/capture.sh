#!/bin/sh
# capture.sh - regenerate the QEMU captures in this directory from the
# installed qemu-system-x86_64 under TCG (see README).  Run from this
# directory.  Needs only sh, sed and QEMU.
set -eu
Q=${QEMU:-qemu-system-x86_64}
M=${MACHINE:-pc-q35-7.2}
QUIT='{"execute":"qmp_capabilities"}
{"execute":"quit"}'

qmp() { # COMMAND... -> -qmp stdio transcript on stdout
	{ echo '{"execute":"qmp_capabilities"}'; for c in "$@"; do echo "$c"; done
	  echo '{"execute":"quit"}'; } |
	"$Q" -machine "$M" -S -nodefaults -nographic -display none -qmp stdio -accel tcg 2>/dev/null
}
exp() { # TYPE MODEL
	printf '{"execute":"query-cpu-model-expansion","arguments":{"type":"%s","model":{"name":"%s"}},"id":"%s:%s"}\n' \
		"$1" "$2" "$1" "$2"
}

# the reply to the first command after qmp_capabilities, bare
qmp '{"execute":"query-cpu-definitions"}' | sed -n 3p > "definitions-$M.json"
# QEMU's own host: max, static and full; and static with the definitions
qmp "$(exp static max)" | sed -n 3p > "max-static-$M.json"
qmp "$(exp full max)" | sed -n 3p > "max-full-$M.json"
cat "max-static-$M.json" "definitions-$M.json" > "max-static+definitions-$M.json"

# Every model's full expansion, one transcript (ids "full:MODEL").  To keep
# the file small, props that are false are dropped (sed below): only the
# true ones and the non-boolean ones remain.  Nothing else is changed.
models=$(sed 's/"name": "/\n/g' "definitions-$M.json" | sed -n '2,$s/".*//p')
cmds=$(for m in $models; do exp full "$m"; done)
# shellcheck disable=SC2086
qmp $cmds | sed -E 's/, "[^"]*": false//g; s/"[^"]*": false, //g; s/"[^"]*": false//g' \
	> "expansions-full-true-$M.jsonl"

# QEMU's warnings for -cpu MODEL (check is on by default) and the error
# with enforce, for explain --qemu-warning
for m in Skylake-Server Icelake-Server-v6 Cooperlake-v2 EPYC-Rome; do
	echo "$QUIT" | "$Q" -accel tcg -machine "$M" -cpu "$m" -S -nographic -nodefaults \
		-display none -qmp stdio 2> "warnings-$m.txt" > /dev/null || true
done
echo "$QUIT" | "$Q" -accel tcg -machine "$M" -cpu Skylake-Server,enforce -S -nographic \
	-nodefaults -display none -qmp stdio 2> "enforce-Skylake-Server.txt" > /dev/null || true
# QEMU's warnings for a -cpu value that already disables some features and
# sets a property (explain --qemu-warning FILE --cpu VALUE keeps them)
V=Skylake-Server,hle=off,rtm=off,+avx512vnni,family=6
echo "$QUIT" | "$Q" -accel tcg -machine "$M" -cpu "$V" -S -nographic -nodefaults \
	-display none -qmp stdio 2> "warnings-given-Skylake-Server.txt" > /dev/null || true
