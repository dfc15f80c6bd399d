/* cli.h - the command line (DESIGN §3).  Every command is a thin wrapper
 * over core functions and writes only to the FILE *s it is given. */
#ifndef CPUSCOPE_SRC_CLI_H
#define CPUSCOPE_SRC_CLI_H

#include <stdio.h>

/* Exit codes. */
enum { CLI_OK = 0, CLI_NEGATIVE = 1, CLI_ERROR = 2 };

int cli_main(int argc, char **argv, FILE *out, FILE *err);

/* The front end that `cpuscope tui` (and a bare `cpuscope` on a terminal)
 * starts.  It gets the parsed global options and loads what it needs with
 * the cli_load_* functions of cli_internal.h, so the TUI and the CLI share
 * option parsing, loading and error reporting.  The core cannot call ui/
 * directly, so ui/main.c passes it in. */
struct cli;
typedef int (*cli_tui_fn)(struct cli *c, int argc, char **argv);
int cli_run(int argc, char **argv, FILE *out, FILE *err, cli_tui_fn tui);



/* `cpuscope probe ...` (cli/cli_probe.c); argv[0] is "probe".  arch_opt:
 * the global --arch (the global parser takes it from argv), or NULL. */
int cli_probe(int argc, char **argv, const char *arch_opt, FILE *out, FILE *err);
/* For --probe BINARY: probe every machine type through the cache, with
 * progress on err.  Creates the feature table of the binary's arch
 * (*ft_out, also set on failure when it was created). */
struct err;
struct ftable;
struct dataset;
struct dataset *cli_probe_dataset(const char *binary, const char *arch_opt, FILE *err,
				  struct ftable **ft_out, struct err *e);

#endif
