#!/bin/bash
# The mouse end to end: tmux passes the terminal's SGR mouse reports
# (xterm-256color's kmous is \E[<) to the explorer, which has curses decode
# them: a click on a tab of the tab bar does what its key does, a click on
# a model selects it, the wheel scrolls the list.
. "$(dirname "$0")/lib.sh"

# click COLUMN ROW (1-based, as the terminal reports them): press and release
click() {
	type_text $'\e[<0;'"$1;$2M"
	type_text $'\e[<0;'"$1;$2m"
}

start 80 24 --host "$root/data/hosts/qemu-7.2-tcg-domcaps.xml"
wait_for "Models"
click 41 1 # "4 Explain"
wait_for "Explain: 486 on"
click 58 1 # "6 Hosts"
wait_for "Hosts: compare and baseline"
click 22 1 # "2 Grid"
wait_for "Grid: 486 versions"
click 5 8 # the fourth model of the list
wait_for " 4/132│Grid: athlon versions"
type_text $'\e[<65;5;10M' # the wheel, down, over the list: three rows on
wait_for " 7/132│Grid: Broadwell versions"
keys q
wait_exit 0
echo "ok"
