#!/bin/bash
# screenshots.sh - render PNGs of real cpuscope sessions into screenshots/
# (make screenshots).  Each scene runs the explorer in a private tmux server,
# sends keys, waits for the screen to show what the scene is about, then
# capture-pane -e (text with colours) -> aha (HTML) -> headless Chromium
# (PNG).  Installs aha, chromium and fonts-dejavu-core when missing (Debian).
# Data: the bundled snapshot and cpu_map, hosts from data/hosts.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${CPUSCOPE_BIN:-$root/cpuscope}
snap=${CPUSCOPE_TUI_SNAPSHOT:-$root/data/qemu-7.2-x86_64.json}
out=${SCREENSHOTS_DIR:-$root/screenshots}
cols=${COLS:-100}
rows=${ROWS:-30}

need=()
command -v aha > /dev/null || need+=(aha)
command -v chromium > /dev/null || need+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || need+=(fonts-dejavu-core)
command -v tmux > /dev/null || need+=(tmux)
if [ ${#need[@]} -gt 0 ]; then
	echo "screenshots: installing ${need[*]}"
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get install -y --no-install-recommends "${need[@]}"
fi
[ -f "$snap" ] || { echo "screenshots: $snap is missing (make data)" >&2; exit 2; }
[ -x "$bin" ] || { echo "screenshots: $bin is missing (make)" >&2; exit 2; }

scene=0
sock=cs-shots-$$-0
work=$(mktemp -d)
tm() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'tm kill-server > /dev/null 2>&1; rm -rf "$work"' EXIT
# a fresh private server per scene (reusing a name right after
# kill-server races with the old server's exit)
new_server() {
	tm kill-server > /dev/null 2>&1 || true
	scene=$((scene + 1))
	sock=cs-shots-$$-$scene
}
mkdir -p "$out"

wait_for() {
	local i=0
	while [ $i -lt 200 ]; do
		tm capture-pane -p -t s | grep -qF -- "$1" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	echo "screenshots: timed out waiting for '$1'" >&2
	tm capture-pane -p -t s >&2
	exit 1
}

# scene NAME HOST -- then key steps as: keys K... / text T / wait TEXT / shot
start() {
	new_server
	tm new-session -d -s s -x "$cols" -y "$rows" \
		"env TERM=xterm-256color LC_ALL=C.UTF-8 '$bin' --snapshot '$snap' --cpu-map '$root/data/cpu_map' --host '$root/data/hosts/$1' tui; sleep 600"
	wait_for "Models"
}
keys() { tm send-keys -t s "$@"; }
text() { tm send-keys -t s -l "$1"; }

shot() { # NAME TITLE
	local name=$1 title=$2
	sleep 0.1 # let tmux settle the last frame (the text is already on screen)
	tm capture-pane -e -p -t s > "$work/$name.ans"
	aha --black --title "$title" < "$work/$name.ans" |
		sed 's#</head>#<style>body{margin:8px;background:\#000} pre{font-family:"DejaVu Sans Mono",monospace;font-size:15px;line-height:1.15;margin:0}</style></head>#' \
		> "$work/$name.html"
	local w=$((cols * 9 + 16)) h=$((rows * 17 + 18))
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--hide-scrollbars --user-data-dir="$work/chrome" --window-size="$w,$h" \
		--screenshot="$out/$name.png" "file://$work/$name.html" > /dev/null 2>&1
	[ -s "$out/$name.png" ] || { echo "screenshots: no $name.png" >&2; exit 1; }
	echo "screenshots: $out/$name.png"
}

# 0. what `make run` shows: no --host, no --snapshot: this machine's QEMU,
#    asked live (KVM when usable, else TCG), named in the header
new_server
tm new-session -d -s s -x "$cols" -y "$rows" \
	"env TERM=xterm-256color LC_ALL=C.UTF-8 XDG_CACHE_HOME='$work/cache' '$bin' tui; sleep 600"
wait_for "Models"
wait_for "this machine's QEMU"
keys / && text Haswell && keys Enter 4
wait_for "Explain: Haswell"
shot 0-default-start "cpuscope: the default start (this machine's QEMU)"

# 1. the models list and Haswell's versions on a host without TSX
start amd-zen5-vm-capabilities.xml
keys / && text Haswell && keys Enter
wait_for "Grid: Haswell versions"
shot 1-models-grid "cpuscope: models and Haswell's versions"

# 2. Haswell across every machine type, only the rows that differ
keys 2 m d
wait_for "across machine types [differences]"
shot 2-grid-machines "cpuscope: Haswell across machine types"

# 3. why Haswell fails here, and the fixes
keys 4
wait_for "How to make it work:"
shot 3-explain "cpuscope: explain Haswell"

# 4. apply the disable step (keep Haswell, disable hle, rtm): the XML and the verdict
keys / && text "Disable 2 features" && keys Enter Enter
wait_for "SUPERSET"
shot 4-guest-xml "cpuscope: guest CPU editor and XML"

# 5. the -cpu value
keys o
wait_for "Output: QEMU -cpu value"
shot 5-guest-qemu "cpuscope: -cpu value"

# 6. help, generated from the key table
keys ?
wait_for "Help:"
shot 6-help "cpuscope: help"

# 7. the guided tour on the QEMU 7.2 TCG host
start qemu-7.2-tcg-domcaps.xml
keys T Enter Enter
wait_for "Tour 3/"
shot 7-tour "cpuscope: guided tour"

# 8. monochrome (NO_COLOR) and ASCII (LC_ALL=C)
new_server
tm new-session -d -s s -x "$cols" -y "$rows" \
	"env TERM=xterm-256color LC_ALL=C NO_COLOR=1 '$bin' --snapshot '$snap' --cpu-map '$root/data/cpu_map' --host '$root/data/hosts/qemu-7.2-tcg-domcaps.xml' tui; sleep 600"
wait_for "Models"
keys / && text Haswell && keys Enter 2
wait_for "Grid: Haswell versions"
shot 8-mono-ascii "cpuscope: NO_COLOR and LC_ALL=C"

# 9. the hosts pane: each host's verdict for Haswell, the baseline of two
start qemu-7.2-tcg-domcaps.xml
keys / && text Haswell && keys Enter Enter 6
wait_for "Hosts: can they run the guest CPU Haswell?"
keys / && text gold && keys Enter Space
keys / && text icelake && keys Enter Space b
wait_for "model Skylake-Server, vendor Intel"
shot 9-hosts "cpuscope: compare and baseline of the loaded hosts"
