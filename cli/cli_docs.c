/* cli_docs.c - the texts made from the command table (commands.h): the
 * help, the man page (cpuscope --gen-man), the bash completion
 * (cpuscope --gen-completion=bash).  make docs writes them to docs/,
 * make docs-check fails when they are stale. */
#include "commands.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_internal.h"
#include "util.h"

#define WIDTH 79 /* the longest help line */

/* ---- help ------------------------------------------------------------------- */

/* Print text's words flowed: the first line goes on at column col, the
 * others start at column indent; lines end at WIDTH.  Two blanks after a
 * sentence stay two.  Returns the column where it stopped. */
static size_t flow(FILE *f, const char *text, size_t col, size_t indent)
{
	const char *p = text;
	bool at_start = col <= indent; /* nothing on this line yet */

	while (*p) {
		size_t blanks = strspn(p, " "), len, gap;
		p += blanks;
		if (!*p)
			break;
		len = strcspn(p, " ");
		gap = at_start ? 0 : blanks > 1 ? 2 : 1;
		if (!at_start && col + gap + len > WIDTH) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
			gap = 0;
		}
		fprintf(f, "%*s%.*s", (int)gap, "", (int)len, p);
		col += gap + len;
		at_start = false;
		p += len;
	}
	return col;
}

/* The synopsis, wrapped at whole [...] groups. */
static void synopsis_text(FILE *f, const char *lead, const char *syn)
{
	size_t col = strlen(lead), indent = col;
	const char *p = syn;

	fputs(lead, f);
	while (*p) {
		p += strspn(p, " ");
		if (!*p)
			break;
		const char *q = p;
		int depth = 0;
		while (*q && (depth > 0 || *q != ' ')) {
			depth += *q == '[' ? 1 : *q == ']' ? -1 : 0;
			q++;
		}
		size_t len = (size_t)(q - p);
		if (col > indent && col + 1 + len > WIDTH) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent || p != syn) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)len, p);
		col += len;
		p = q;
	}
	fputc('\n', f);
}

/* Paragraphs: flowed, or (starting with a blank) as they are. */
static void paragraphs(FILE *f, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *end = strstr(p, "\n\n");
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char *para = xstrndup(p, len);
		if (para[0] == ' ') {
			fprintf(f, "%s\n", para + 1);
		} else {
			for (char *s = para; *s; s++)
				if (*s == '\n')
					*s = ' ';
			flow(f, para, 0, 0);
			fputc('\n', f);
		}
		free(para);
		p += len;
		if (*p)
			p += 2;
		if (*p)
			fputc('\n', f);
	}
}

static void opt_spec(struct strbuf *sb, const struct cli_opt *o)
{
	sb_reset(sb);
	if (o->alias && o->alias[1] != '-')
		sb_addf(sb, "%s, ", o->alias);
	sb_add(sb, o->name);
	if (o->arg)
		sb_addf(sb, " %s", o->arg);
}

/* An option list: "  --name ARG   help", the helps in one column. */
static void opt_list(FILE *f, const struct cli_opt *const *lists, size_t nlists)
{
	struct strbuf sb = STRBUF_INIT;
	size_t w = 0;

	for (size_t l = 0; l < nlists; l++)
		for (const struct cli_opt *o = lists[l]; o->name; o++) {
			opt_spec(&sb, o);
			if (sb.len > w && sb.len <= 20)
				w = sb.len;
		}
	for (size_t l = 0; l < nlists; l++)
		for (const struct cli_opt *o = lists[l]; o->name; o++) {
			size_t col;
			opt_spec(&sb, o);
			fprintf(f, "  %s", sb_str(&sb));
			col = 2 + sb.len;
			if (sb.len > w) {
				fprintf(f, "\n%*s", (int)(w + 4), "");
			} else {
				fprintf(f, "%*s", (int)(w + 4 - col), "");
			}
			flow(f, o->help, w + 4, w + 4);
			fputc('\n', f);
		}
	sb_fini(&sb);
}

void cli_help_top(FILE *f)
{
	const struct cli_opt *g[] = { cli_globals }, *t[] = { cli_top_opts };
	size_t w = 0;

	fputs("usage: cpuscope [GLOBAL OPTIONS] [COMMAND [ARGS]]\n\n", f);
	paragraphs(f, cli_top_description);
	fputs("\nCommands:\n", f);
	for (const struct cli_cmd *k = cli_commands; k->name; k++)
		if (strlen(k->name) > w)
			w = strlen(k->name);
	for (const struct cli_cmd *k = cli_commands; k->name; k++) {
		fprintf(f, "  %-*s  ", (int)w, k->name);
		flow(f, k->summary, w + 4, w + 4);
		fputc('\n', f);
	}
	fputs("\nGlobal options:\n", f);
	opt_list(f, g, 1);
	fputs("\nOther options (without a command):\n", f);
	opt_list(f, t, 1);
	fputc('\n', f);
	paragraphs(f, cli_errors_text);
	fputc('\n', f);
	flow(f, cli_exit_text, flow(f, "Exit status:", 0, 0), 0);
	fputc('\n', f);
}

void cli_help_cmd(FILE *f, const struct cli_cmd *cmd)
{
	const struct cli_opt *lists[] = { cmd->opts, cli_help_opt };

	for (size_t i = 0; cmd->synopsis[i]; i++) {
		char *lead = xasprintf("%s cpuscope %s ", i ? "      " : "usage:", cmd->name);
		synopsis_text(f, lead, cmd->synopsis[i]);
		free(lead);
	}
	fputc('\n', f);
	paragraphs(f, cmd->description);
	fputs("\nOptions:\n", f);
	opt_list(f, lists, 2);
	fputs("  (and the global options of cpuscope --help)\n", f);
	if (cmd->notes) {
		fputc('\n', f);
		paragraphs(f, cmd->notes);
	}
	fputc('\n', f);
	flow(f, cmd->exit_status ? cmd->exit_status : "0 success, 2 usage or input error.",
	     flow(f, "Exit status:", 0, 0), 0);
	fputc('\n', f);
}

/* ---- the man page ------------------------------------------------------------ */

/* Text for roff: backslashes and minus signs escaped, no control
 * character at the start of a line. */
static void roff(FILE *f, const char *s, size_t n)
{
	bool bol = true;

	for (size_t i = 0; i < n && s[i]; i++) {
		char ch = s[i];
		if (bol && ch == '.')
			fputs("\\&", f);
		if (ch == '\\')
			fputs("\\e", f);
		else if (ch == '-')
			fputs("\\-", f);
		else if (ch == '\'')
			fputs("\\(aq", f);
		else if (ch == '`')
			fputs("\\(ga", f);
		else
			fputc(ch, f);
		bol = ch == '\n';
	}
}

static void roff_s(FILE *f, const char *s)
{
	roff(f, s, strlen(s));
}

static void man_paragraphs(FILE *f, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *end = strstr(p, "\n\n");
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (p[0] == ' ') {
			fputs(".PP\n.nf\n.RS 2\n", f);
			roff(f, p + 1, len - 1);
			fputs("\n.RE\n.fi\n", f);
		} else {
			fputs(".PP\n", f);
			roff(f, p, len);
			fputc('\n', f);
		}
		p += len;
		if (*p)
			p += 2;
	}
}

static void man_opts(FILE *f, const struct cli_opt *opts)
{
	for (const struct cli_opt *o = opts; o->name; o++) {
		fputs(".TP\n", f);
		if (o->alias && o->alias[1] != '-') {
			fputs("\\fB", f);
			roff_s(f, o->alias);
			fputs("\\fR, ", f);
		}
		fputs("\\fB", f);
		roff_s(f, o->name);
		fputs("\\fR", f);
		if (o->arg) {
			fputs(" \\fI", f);
			roff_s(f, o->arg);
			fputs("\\fR", f);
		}
		fputc('\n', f);
		roff_s(f, o->help);
		fputc('\n', f);
	}
}

/* The synopsis forms, each wrapped by roff between [...] groups (the
 * blanks inside a group do not break). */
static void man_synopsis(FILE *f, const struct cli_cmd *k)
{
	for (size_t i = 0; k->synopsis[i]; i++) {
		int depth = 0;
		fprintf(f, ".SY \"cpuscope %s\"\n", k->name);
		for (const char *p = k->synopsis[i]; *p; p++) {
			depth += *p == '[' ? 1 : *p == ']' ? -1 : 0;
			if (*p == ' ' && depth > 0)
				fputs("\\ ", f);
			else
				roff(f, p, 1);
		}
		fputs(k->synopsis[i][0] ? "\n.YS\n" : ".YS\n", f);
	}
}

void cli_gen_man(FILE *f)
{
	fputs(".\\\" cpuscope.1 - generated by `cpuscope --gen-man` from the command table\n"
	      ".\\\" (cli/commands.c); do not edit: `make docs` rewrites it.\n", f);
	fputs(".TH CPUSCOPE 1 \"\" \"cpuscope " CPUSCOPE_VERSION "\" \"User Commands\"\n", f);
	fputs(".SH NAME\ncpuscope \\- explore QEMU and libvirt CPU models\n", f);
	fputs(".SH SYNOPSIS\n.SY cpuscope\n[\\fIGLOBAL\\ OPTIONS\\fR] "
	      "[\\fICOMMAND\\fR\\ [\\fIARGS\\fR]]\n.YS\n", f);
	for (const struct cli_cmd *k = cli_commands; k->name; k++)
		man_synopsis(f, k);
	fputs(".SH DESCRIPTION\n", f);
	man_paragraphs(f, cli_top_description);
	fputs(".SH COMMANDS\n", f);
	for (const struct cli_cmd *k = cli_commands; k->name; k++) {
		fprintf(f, ".SS %s\n", k->name);
		man_synopsis(f, k);
		man_paragraphs(f, k->description);
		man_opts(f, k->opts);
		if (k->notes)
			man_paragraphs(f, k->notes);
		fputs(".PP\nExit status: ", f);
		roff_s(f, k->exit_status ? k->exit_status : "0 success, 2 usage or input error.");
		fputc('\n', f);
	}
	fputs(".SH GLOBAL OPTIONS\nThese work with every command, before or after it.\n", f);
	man_opts(f, cli_globals);
	fputs(".SH OTHER OPTIONS\nWithout a command:\n", f);
	man_opts(f, cli_top_opts);
	fputs(".SH OUTPUT AND ERRORS\n", f);
	man_paragraphs(f, cli_errors_text);
	fputs(".SH EXIT STATUS\n", f);
	roff_s(f, cli_exit_text);
	fputs("\nprobe and explain say more (above).\n", f);
	fputs(".SH ENVIRONMENT\n"
	      ".TP\n.B CPUSCOPE_DATADIR\nwhere the bundled data is (default: data/ beside the "
	      "binary, else ../share/cpuscope from it)\n"
	      ".TP\n.B CPUSCOPE_LIBVIRT_VERSION\nthe default libvirt version (9.0 or 11) "
	      "instead of asking virsh \\-\\-version, with its bundled cpu_map; none: as if no "
	      "libvirt were installed\n"
	      ".TP\n.B XDG_CACHE_HOME\nthe probe cache goes to $XDG_CACHE_HOME/cpuscope "
	      "(default: ~/.cache/cpuscope)\n"
	      ".TP\n.B NO_COLOR\nwhen set and not empty, the explorer uses its monochrome "
	      "theme\n"
	      ".TP\n.BR LC_ALL \", \" LC_CTYPE \", \" LANG\nthe explorer draws UTF\\-8 glyphs "
	      "in a UTF\\-8 locale, ASCII ones otherwise\n", f);
	fputs(".SH FILES\n"
	      ".TP\n.I /usr/share/libvirt/cpu_map\nlibvirt's CPU map, when installed and the "
	      "libvirt version in use is the installed one (else the bundled map of that "
	      "version)\n"
	      ".TP\n.I ~/.cache/cpuscope\nprobe results, keyed by the QEMU binary\n", f);
	fputs(".SH SEE ALSO\n.BR virsh (1),\n.BR qemu (1)\n", f);
}

/* ---- bash completion ----------------------------------------------------------- */

/* The option names of opts for completion: with the short aliases, not
 * the long ones kept for compatibility (--qemu-warnings), and not those
 * of skip (a command's own --arch is also a global one). */
static void words_of(struct strbuf *sb, const struct cli_opt *opts, const struct cli_opt *skip)
{
	for (const struct cli_opt *o = opts; o->name; o++) {
		if (skip && cli_opt_find(skip, o->name, strlen(o->name)))
			continue;
		sb_addf(sb, "%s%s", sb->len ? " " : "", o->name);
		if (o->alias && o->alias[1] != '-')
			sb_addf(sb, " %s", o->alias);
	}
}

/* The shell code that completes a value of kind val (choices in values). */
static const char *complete_with(enum cli_val val, const char *values, char *buf, size_t size)
{
	switch (val) {
	case CLI_VAL_FILE: return "_cpuscope_files";
	case CLI_VAL_DIR: return "_cpuscope_dirs";
	case CLI_VAL_PROGRAM: return "_cpuscope_compgen -c";
	case CLI_VAL_MODEL: return "_cpuscope_compgen -W \"$(_cpuscope_models)\"";
	case CLI_VAL_COMMAND: return "_cpuscope_compgen -W \"$_cpuscope_commands\"";
	case CLI_VAL_WORD:
		if (values) {
			snprintf(buf, size, "_cpuscope_compgen -W \"%s\"", values);
			return buf;
		}
		return "COMPREPLY=()";
	case CLI_VAL_NONE:
	default: return "COMPREPLY=()";
	}
}

static void bash_value_cases(FILE *f, const char *cmd, const struct cli_opt *opts)
{
	char buf[256];

	for (const struct cli_opt *o = opts; o->name; o++) {
		if (!o->arg)
			continue;
		fprintf(f, "\t\"%s %s\"", cmd, o->name);
		if (o->alias)
			fprintf(f, " | \"%s %s\"", cmd, o->alias);
		fprintf(f, ") %s; return ;;\n", complete_with(o->val, o->values, buf, sizeof(buf)));
	}
}

void cli_gen_bash(FILE *f)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[256];

	fputs("# bash completion for cpuscope(1) - generated by `cpuscope --gen-completion=bash`\n"
	      "# from the command table (cli/commands.c); do not edit: `make docs` rewrites it.\n"
	      "# Installed as share/bash-completion/completions/cpuscope.\n\n", f);
	for (const struct cli_cmd *k = cli_commands; k->name; k++)
		sb_addf(&sb, "%s%s", sb.len ? " " : "", k->name);
	fprintf(f, "_cpuscope_commands=\"%s\"\n\n", sb_str(&sb));
	fputs("_cpuscope_compgen()\n{\n"
	      "\tmapfile -t COMPREPLY < <(compgen \"$@\" -- \"$cur\")\n}\n\n"
	      "_cpuscope_files()\n{\n"
	      "\tcompopt -o filenames 2>/dev/null\n\t_cpuscope_compgen -f\n}\n\n"
	      "_cpuscope_dirs()\n{\n"
	      "\tcompopt -o filenames 2>/dev/null\n\t_cpuscope_compgen -d\n}\n\n", f);
	fputs("# The models of the data the line names (--snapshot, --arch, --machine).\n"
	      "_cpuscope_models()\n{\n"
	      "\tlocal i args=()\n"
	      "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "\t\tcase ${COMP_WORDS[i]} in\n"
	      "\t\t--snapshot | --arch | --machine)\n"
	      "\t\t\tif [[ ${COMP_WORDS[i + 1]} == = ]]; then\n"
	      "\t\t\t\targs+=(\"${COMP_WORDS[i]}\" \"${COMP_WORDS[i + 2]}\")\n"
	      "\t\t\telse\n"
	      "\t\t\t\targs+=(\"${COMP_WORDS[i]}\" \"${COMP_WORDS[i + 1]}\")\n"
	      "\t\t\tfi\n"
	      "\t\t\t;;\n"
	      "\t\tesac\n"
	      "\tdone\n"
	      "\t\"${COMP_WORDS[0]}\" ${args[@]+\"${args[@]}\"} models --sort name 2>/dev/null |\n"
	      "\t\tawk 'NR > 2 { print $1 }'\n}\n\n", f);
	fputs("_cpuscope()\n{\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= lastopt= i w\n"
	      "\tCOMPREPLY=()\n"
	      "\t((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
	      "\t# --opt=VALUE: bash splits at '=' (COMP_WORDBREAKS), or hands it whole\n"
	      "\tif [[ $cur == = ]]; then\n"
	      "\t\tcur=\n"
	      "\telif [[ $prev == = ]] && ((COMP_CWORD > 1)); then\n"
	      "\t\tprev=${COMP_WORDS[COMP_CWORD - 2]}\n"
	      "\telif [[ $cur == --*=* ]]; then\n"
	      "\t\tprev=${cur%%=*}\n"
	      "\t\tcur=${cur#*=}\n"
	      "\tfi\n"
	      "\t# the command: the first word that is not an option or a value\n"
	      "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "\t\tw=${COMP_WORDS[i]}\n"
	      "\t\tcase $w in\n", f);
	sb_reset(&sb);
	for (const struct cli_opt *o = cli_globals; o->name; o++)
		if (o->arg)
			sb_addf(&sb, "%s%s", sb.len ? " | " : "", o->name);
	fprintf(f, "\t\t%s)\n", sb_str(&sb));
	fputs("\t\t\tif [[ ${COMP_WORDS[i + 1]} == = ]]; then ((i += 2)); else ((i += 1)); fi\n"
	      "\t\t\t;;\n"
	      "\t\t-*) ;;\n"
	      "\t\t*) cmd=$w; break ;;\n"
	      "\t\tesac\n"
	      "\tdone\n"
	      "\t# the last option before the word (for options that take several)\n"
	      "\tfor ((i = COMP_CWORD - 1; i > 0; i--)); do\n"
	      "\t\tcase ${COMP_WORDS[i]} in\n"
	      "\t\t-*) lastopt=${COMP_WORDS[i]}; break ;;\n"
	      "\t\tesac\n"
	      "\tdone\n"
	      "\tcase \"$cmd $prev\" in\n", f);
	for (const struct cli_cmd *k = cli_commands; k->name; k++) {
		bash_value_cases(f, k->name, k->opts);
		if (k->formats)
			fprintf(f, "\t\"%s --format\") _cpuscope_compgen -W \"%s\"; return ;;\n",
				k->name, k->formats);
	}
	for (const struct cli_opt *o = cli_globals; o->name; o++)
		if (o->arg)
			fprintf(f, "\t*\" %s\") %s; return ;;\n", o->name,
				complete_with(o->val, o->values, buf, sizeof(buf)));
	fputs("\tesac\n"
	      "\tif [[ $cur != -* ]]; then\n"
	      "\t\tcase \"$cmd $lastopt\" in\n", f);
	for (const struct cli_cmd *k = cli_commands; k->name; k++)
		for (const struct cli_opt *o = k->opts; o->name; o++)
			if (o->multi)
				fprintf(f, "\t\t\"%s %s\") %s; return ;;\n", k->name, o->name,
					complete_with(o->val, o->values, buf, sizeof(buf)));
	fputs("\t\tesac\n"
	      "\tfi\n"
	      "\tif [[ $cur == -* ]]; then\n"
	      "\t\tcase $cmd in\n", f);
	sb_reset(&sb);
	words_of(&sb, cli_top_opts, NULL);
	words_of(&sb, cli_globals, NULL);
	fprintf(f, "\t\t\"\") _cpuscope_compgen -W \"%s\" ;;\n", sb_str(&sb));
	for (const struct cli_cmd *k = cli_commands; k->name; k++) {
		sb_reset(&sb);
		words_of(&sb, k->opts, NULL);
		words_of(&sb, cli_globals, k->opts);
		fprintf(f, "\t\t%s) _cpuscope_compgen -W \"%s --help\" ;;\n", k->name, sb_str(&sb));
	}
	fputs("\t\tesac\n"
	      "\t\treturn\n"
	      "\tfi\n"
	      "\tcase $cmd in\n"
	      "\t\"\") _cpuscope_compgen -W \"$_cpuscope_commands\" ;;\n", f);
	for (const struct cli_cmd *k = cli_commands; k->name; k++)
		if (k->operand != CLI_VAL_NONE)
			fprintf(f, "\t%s) %s ;;\n", k->name,
				complete_with(k->operand, NULL, buf, sizeof(buf)));
	fputs("\tesac\n"
	      "}\n\n"
	      "complete -F _cpuscope cpuscope\n", f);
	sb_fini(&sb);
}
