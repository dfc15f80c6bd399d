/* tui.h - the interactive explorer (ncurses), started by the command line
 * (cli/main.c hands this function to cli_run()). */
#ifndef CPUSCOPE_UI_TUI_H
#define CPUSCOPE_UI_TUI_H

#include <stdio.h>

struct session;

/* Load what the session's options name (errors go to err as "cpuscope:
 * message", before curses starts), run the explorer, restore the
 * terminal.  argv[0] is "tui".  Returns the exit status. */
int tui_run(struct session *s, FILE *err, int argc, char **argv);

#endif
