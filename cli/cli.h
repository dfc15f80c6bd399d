/* cli.h - the command line (DESIGN §3).  Every command is a thin wrapper
 * over core functions and writes only to the FILE *s it is given. */
#ifndef CPUSCOPE_SRC_CLI_H
#define CPUSCOPE_SRC_CLI_H

#include <stdio.h>

/* Exit codes. */
enum { CLI_OK = 0, CLI_NEGATIVE = 1, CLI_ERROR = 2 };

int cli_main(int argc, char **argv, FILE *out, FILE *err);

/* The front end that `cpuscope tui` (and a bare `cpuscope` on a terminal)
 * starts: it gets the session made from the parsed global options (not
 * loaded yet) and loads what it needs through the same session functions
 * the commands use.  main() passes ui/'s tui_run. */
struct session;
typedef int (*cli_tui_fn)(struct session *s, FILE *err, int argc, char **argv);
int cli_run(int argc, char **argv, FILE *out, FILE *err, cli_tui_fn tui);



/* `cpuscope probe ...` (cli/cli_probe.c); argv[0] is "probe".  arch_opt,
 * accel_opt: the global --arch and --accel (the global parser takes them
 * from argv), or NULL. */
int cli_probe(int argc, char **argv, const char *arch_opt, const char *accel_opt, FILE *out,
	      FILE *err);
#endif
