#!/bin/sh
# capture.sh - regenerate the QMP captures in this directory from the
# installed qemu-system-x86_64 (see README).  Run from this directory.
set -eu
Q=${QEMU:-qemu-system-x86_64}

qmp() { # MACHINE COMMAND...
	m=$1; shift
	{ echo '{"execute":"qmp_capabilities"}'; for c in "$@"; do echo "$c"; done
	  echo '{"execute":"quit"}'; } |
	"$Q" -machine "$m" -S -nodefaults -nographic -qmp stdio -accel tcg 2>/dev/null
}
# the reply to the second command (first after qmp_capabilities), bare
reply2() { sed -n 3p; }

for m in pc-q35-7.2 pc-i440fx-2.0; do
	qmp "$m" '{"execute":"query-cpu-definitions"}' | reply2 > "definitions-$m.json"
	qmp "$m" \
	  '{"execute":"query-cpu-model-expansion","arguments":{"type":"full","model":{"name":"Haswell"}},"id":"full:Haswell"}' \
	  '{"execute":"query-cpu-model-expansion","arguments":{"type":"static","model":{"name":"Haswell"}},"id":"static:Haswell"}' \
	  > "transcript-$m-Haswell.jsonl"
done
qmp none '{"execute":"query-machines"}' | reply2 > machines.json
