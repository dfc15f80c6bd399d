/* commands.h - the command table: every command of the command line with
 * its synopsis, description and options, and the global options.
 *
 * Everything that describes the command line comes from this one table:
 * `cpuscope --help`, `cpuscope COMMAND --help`, the man page (cpuscope
 * --gen-man, docs/cpuscope.1), the bash completion (cpuscope
 * --gen-completion=bash, docs/cpuscope.bash-completion) and the README's
 * command block; `make docs-check` fails when a generated file is stale.
 * cli_run dispatches through the table and checks every command's options
 * against it before the command runs (cli_cmd_args), so an option the
 * table does not list is refused with a suggestion, and a command's own
 * argument loop sees only options the table lists, each as `--name VALUE`
 * (never `--name=VALUE`).  tests/cli/table.sh checks that every listed
 * option is one the command's loop accepts.
 *
 * Texts: a description is paragraphs separated by blank lines ("\n\n"),
 * flowed (wrapped to the terminal's 80 columns, filled by roff); a
 * paragraph that starts with a space is printed as it is (examples, JSON
 * shapes).  Option helps are flowed too.
 */
#ifndef CPUSCOPE_CLI_COMMANDS_H
#define CPUSCOPE_CLI_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>

struct cli;

/* What an option's value, or a command's operands, are (for completion). */
enum cli_val {
	CLI_VAL_NONE,    /* no value: a flag / no operands */
	CLI_VAL_WORD,    /* a word; the choices in .values when they are fixed */
	CLI_VAL_FILE,
	CLI_VAL_DIR,
	CLI_VAL_PROGRAM, /* a path or a name looked up in PATH */
	CLI_VAL_MODEL,   /* a CPU model name */
	CLI_VAL_COMMAND, /* a command of this table */
};

struct cli_opt {
	const char *name;   /* "--machines"; NULL ends a list */
	const char *alias;  /* another spelling ("-q", "--qemu-warnings"), or NULL */
	const char *arg;    /* the value's name in help ("LIST"); NULL for a flag */
	enum cli_val val;
	const char *values; /* the fixed choices, blank-separated ("name qmp"), or NULL */
	bool multi;         /* also takes the words after the value up to the next option */
	const char *help;
};

struct cli_cmd {
	const char *name;
	const char *summary;          /* its line in `cpuscope --help` */
	const char *const *synopsis;  /* the forms after "cpuscope NAME ", NULL-terminated */
	const char *description;
	const struct cli_opt *opts;   /* its own options (not the global ones) */
	enum cli_val operand;         /* what its other words are */
	const char *formats;          /* --format values it takes (NULL: "text json") */
	const char *notes;            /* after the options (output shapes), or NULL */
	const char *exit_status;      /* NULL: 0 success, 2 usage or input error */
	/* Runs the command; argv[0] is the command word.  NULL for the two
	 * that cli_run runs itself (tui needs the front end's entry point). */
	int (*run)(struct cli *c, int argc, char **argv);
};

/* The global options, accepted before or after any command (parse_global). */
enum cli_global {
	GLOBAL_SNAPSHOT, GLOBAL_PROBE, GLOBAL_HOST, GLOBAL_LIBVIRT, GLOBAL_LOCAL, GLOBAL_CPU_MAP,
	GLOBAL_LIBVIRT_VERSION, GLOBAL_MACHINE, GLOBAL_ARCH, GLOBAL_ACCEL, GLOBAL_CUSTOM, GLOBAL_FORMAT, GLOBAL__COUNT
};
extern const struct cli_opt cli_globals[GLOBAL__COUNT + 1];
/* The options without a command (--help, --version, --list-keys, ...) and
 * the -h/--help every command takes. */
extern const struct cli_opt cli_top_opts[];
extern const struct cli_opt cli_help_opt[];

/* The top-level help's texts (also the man page's). */
extern const char cli_top_description[], cli_errors_text[], cli_exit_text[];

#define CPUSCOPE_VERSION "0.1"

/* The commands, in the order of `cpuscope --help`; ends with {NULL}. */
extern const struct cli_cmd cli_commands[];

const struct cli_cmd *cli_cmd_find(const char *name);
/* The option of opts spelled name[0..n) (its name or alias), or NULL. */
const struct cli_opt *cli_opt_find(const struct cli_opt *opts, const char *name, size_t n);
/* Whether cmd takes --format fmt. */
bool cli_cmd_takes_format(const struct cli_cmd *cmd, const char *fmt);

/* The result of cli_cmd_args: the command's words as its loop reads them. */
struct cli_args {
	int argc;
	char **argv;   /* argv[0] is the command word; argv[argc] is NULL */
	char **owned;  /* the strings cli_cmd_args made (split --name=VALUE) */
	int nowned;
	bool help;     /* -h or --help was given */
};

/* Check argv (argv[0] the command word, the global options already taken
 * out) against cmd's options.  Fails (the message on c's err, exit 2) on
 * an option the table does not list, with the closest spellings ("models:
 * unknown option '--usabel' (did you mean --usable?)") and on a value
 * given to a flag; an option that lacks its value at the end of the line
 * is passed on for the command to say what it wants.  Fills a;
 * cli_args_fini frees it. */
int cli_cmd_args(struct cli *c, const struct cli_cmd *cmd, int argc, char **argv,
		 struct cli_args *a);
void cli_args_fini(struct cli_args *a);

/* Errors for what cli_run finds before a command: an unknown command
 * ("did you mean models?"), an unknown option before the command or
 * without one. */
int cli_unknown_command(struct cli *c, const char *word);
int cli_unknown_top_option(struct cli *c, const char *opt, const char *cmd);

/* `cpuscope OPTION` without a command: --help, --version, --gen-man,
 * --gen-completion=bash; anything else is an error with a suggestion. */
int cli_top_option(struct cli *c, const char *opt);
/* `cpuscope help [COMMAND]` (argv[0] is "help"). */
int cli_help(struct cli *c, int argc, char **argv);
/* After the overview that a bare `cpuscope` prints off a terminal: the
 * other commands, by name. */
void cli_hint_commands(FILE *f);

/* Generated texts. */
void cli_help_top(FILE *f);
void cli_help_cmd(FILE *f, const struct cli_cmd *cmd);
void cli_gen_man(FILE *f);
void cli_gen_bash(FILE *f);

#endif
