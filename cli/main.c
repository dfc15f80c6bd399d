/* main.c - entry point: the command line, or the TUI on a terminal. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "keys.h"
#include "tui.h"

int main(int argc, char **argv)
{
	/* The character set only (wide characters take two columns in the
	 * tables); numbers and messages stay in the C locale. */
	setlocale(LC_CTYPE, "");
	/* --list-keys is the TUI's: the key table, generated (keys.c) */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			break;
		} else if (!strcmp(argv[i], "--list-keys")) {
			keys_list(stdout, false);
			return 0;
		} else if (!strcmp(argv[i], "--list-keys=markdown")) {
			keys_list(stdout, true);
			return 0;
		}
	}
	return cli_run(argc, argv, stdout, stderr, tui_run);
}
