/* tui.h - the interactive explorer (ncurses), started by cli_run(). */
#ifndef CPUSCOPE_UI_TUI_H
#define CPUSCOPE_UI_TUI_H

struct cli;

/* cli_run's front-end hook: c has the global options parsed; argv[0] is
 * "tui".  Returns the exit status. */
int tui_run(struct cli *c, int argc, char **argv);

#endif
