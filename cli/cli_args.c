/* cli_args.c - a command line checked against the command table
 * (commands.h): unknown options with the nearest spellings, --name=VALUE,
 * flags given values; the top-level options; `help`. */
#include "commands.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_internal.h"
#include "util.h"

/* ---- checking a command's options ----------------------------------------- */

const struct cli_opt *cli_opt_find(const struct cli_opt *opts, const char *name, size_t n)
{
	for (const struct cli_opt *o = opts; o->name; o++)
		if ((strlen(o->name) == n && !strncmp(o->name, name, n)) ||
		    (o->alias && strlen(o->alias) == n && !strncmp(o->alias, name, n)))
			return o;
	return NULL;
}

struct cand {
	const char *name;
	size_t dist;
};

static void cand_add(struct cand *c, size_t *nc, size_t max, const char *word, const char *name)
{
	size_t limit = strlen(word) / 3, d;

	if (limit < 2)
		limit = 2;
	for (size_t i = 0; i < *nc; i++)
		if (!strcmp(c[i].name, name))
			return;
	d = str_distance(word, name);
	/* "--mach" -> "--machine", "--machines": before any typo */
	if (strlen(word) >= 4 && !strncmp(name, word, strlen(word)))
		d = 0;
	if (d > limit || *nc == max)
		return;
	c[*nc].name = name;
	c[(*nc)++].dist = d;
}

static int cand_cmp(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;

	if (a->dist != b->dist)
		return a->dist < b->dist ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* " (did you mean --a, --b or --c?)" for the options of the lists closest
 * to word; nothing when none is close. */
static void suggest_opts(struct strbuf *sb, const char *word, const struct cli_opt *const *lists,
			 size_t nlists)
{
	struct cand c[64];
	size_t nc = 0;

	for (size_t l = 0; l < nlists; l++)
		for (const struct cli_opt *o = lists[l]; o->name; o++)
			cand_add(c, &nc, ARRAY_LEN(c), word, o->name);
	if (!nc)
		return;
	qsort(c, nc, sizeof(*c), cand_cmp);
	for (size_t i = 1; i < nc; i++)
		if (c[i].dist > c[0].dist + 1)
			nc = i; /* only the closest ones */
	if (nc > 3)
		nc = 3;
	for (size_t i = 0; i < nc; i++)
		sb_addf(sb, "%s%s", i == 0 ? " (did you mean " : i + 1 == nc ? " or " : ", ", c[i].name);
	sb_add(sb, "?)");
}

const struct cli_opt cli_help_opt[] = {
	{ "--help", "-h", NULL, CLI_VAL_NONE, NULL, false, "this help" },
	{ NULL, NULL, NULL, CLI_VAL_NONE, NULL, false, NULL },
};

static int unknown_option(struct cli *c, const struct cli_cmd *cmd, const char *a, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	const struct cli_opt *lists[] = { cmd->opts, cli_globals, cli_help_opt };
	char *word = xstrndup(a, n);
	int rc;

	suggest_opts(&sb, word, lists, ARRAY_LEN(lists));
	if (!sb.len) {
		/* no close spelling here: maybe another command takes it */
		size_t k = 0;
		for (const struct cli_cmd *o = cli_commands; o->name; o++) {
			if (o == cmd || !cli_opt_find(o->opts, a, n))
				continue;
			sb_addf(&sb, "%s%s", k++ ? ", " : " (an option of ", o->name);
		}
		sb_addf(&sb, "%scpuscope %s --help)", k ? "; see " : " (see ", cmd->name);
	}
	rc = cli_fail(c, "%s: unknown option '%s'%s", cmd->name, word, sb_str(&sb));
	free(word);
	sb_fini(&sb);
	return rc;
}

int cli_cmd_args(struct cli *c, const struct cli_cmd *cmd, int argc, char **argv,
		 struct cli_args *a)
{
	memset(a, 0, sizeof(*a));
	a->argv = xcalloc((size_t)argc * 2 + 1, sizeof(*a->argv));
	a->owned = xcalloc((size_t)argc + 1, sizeof(*a->owned));
	if (argc > 0)
		a->argv[a->argc++] = argv[0];
	for (int i = 1; i < argc; i++) {
		char *w = argv[i];
		const struct cli_opt *o;
		const char *eq;
		size_t n;

		if (w[0] != '-' || !w[1]) { /* an operand, or - (standard input) */
			a->argv[a->argc++] = w;
			continue;
		}
		eq = w[1] == '-' ? strchr(w, '=') : NULL;
		n = eq ? (size_t)(eq - w) : strlen(w);
		if (cli_opt_find(cli_help_opt, w, n) && !eq) {
			a->help = true;
			continue;
		}
		o = cli_opt_find(cmd->opts, w, n);
		if (!o)
			return unknown_option(c, cmd, w, n);
		if (!o->arg) {
			if (eq)
				return cli_fail(c, "%s: %s takes no value (got '%s')", cmd->name, o->name, w);
			a->argv[a->argc++] = w;
			continue;
		}
		if (eq) {
			char *name = xstrndup(w, n);
			a->owned[a->nowned++] = name;
			a->argv[a->argc++] = name;
			a->argv[a->argc++] = w + n + 1;
			continue;
		}
		a->argv[a->argc++] = w;
		if (i + 1 < argc) /* else the command says what the value should be */
			a->argv[a->argc++] = argv[++i];
	}
	a->argv[a->argc] = NULL;
	return CLI_OK;
}

void cli_args_fini(struct cli_args *a)
{
	for (int i = 0; i < a->nowned; i++)
		free(a->owned[i]);
	free(a->owned);
	free(a->argv);
	memset(a, 0, sizeof(*a));
}

int cli_unknown_command(struct cli *c, const char *word)
{
	struct cand cands[32];
	size_t nc = 0;

	for (const struct cli_cmd *k = cli_commands; k->name; k++)
		cand_add(cands, &nc, ARRAY_LEN(cands), word, k->name);
	qsort(cands, nc, sizeof(*cands), cand_cmp);
	if (nc)
		return cli_fail(c, "unknown command '%s' (did you mean %s?)", word, cands[0].name);
	return cli_fail(c, "unknown command '%s' (see cpuscope --help)", word);
}

int cli_unknown_top_option(struct cli *c, const char *opt, const char *cmd)
{
	struct strbuf sb = STRBUF_INIT;
	const struct cli_cmd *k = cmd ? cli_cmd_find(cmd) : NULL;
	const char *eq = strchr(opt, '=');
	size_t n = eq ? (size_t)(eq - opt) : strlen(opt);
	char *word = xstrndup(opt, n);
	int rc;

	if (k && cli_opt_find(k->opts, opt, n)) {
		rc = cli_fail(c, "%s is an option of %s: put it after the command (cpuscope %s %s)",
			      word, k->name, k->name, opt);
	} else {
		const struct cli_opt *lists[] = { cli_globals, cli_top_opts };
		suggest_opts(&sb, word, lists, cmd ? 1 : 2);
		if (!sb.len)
			sb_add(&sb, " (see cpuscope --help)");
		rc = cli_fail(c, "unknown option '%s'%s%s", opt, cmd ? " before the command" : "",
			      sb_str(&sb));
	}
	free(word);
	sb_fini(&sb);
	return rc;
}

int cli_top_option(struct cli *c, const char *opt)
{
	if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
		cli_help_top(c->out);
	} else if (!strcmp(opt, "--version")) {
		fputs("cpuscope " CPUSCOPE_VERSION "\n", c->out);
	} else if (!strcmp(opt, "--gen-man")) {
		cli_gen_man(c->out);
	} else if (!strcmp(opt, "--gen-completion=bash")) {
		cli_gen_bash(c->out);
	} else if (!strncmp(opt, "--gen-completion", 16)) {
		return cli_fail(c, "--gen-completion: which shell? (--gen-completion=bash)");
	} else {
		return cli_unknown_top_option(c, opt, NULL);
	}
	return CLI_OK;
}

int cli_help(struct cli *c, int argc, char **argv)
{
	const struct cli_cmd *k;

	if (argc < 2) {
		cli_help_top(c->out);
		return CLI_OK;
	}
	if (argc > 2)
		return cli_fail(c, "help: one command at a time (got '%s' and '%s')", argv[1], argv[2]);
	k = cli_cmd_find(argv[1]);
	if (!k)
		return cli_unknown_command(c, argv[1]);
	cli_help_cmd(c->out, k);
	return CLI_OK;
}

void cli_hint_commands(FILE *f)
{
	const struct cli_cmd *list[64];
	size_t n = 0;

	for (const struct cli_cmd *k = cli_commands; k->name && n < 64; k++)
		if (strcmp(k->name, "models") && strcmp(k->name, "tui") && strcmp(k->name, "help"))
			list[n++] = k;
	fputs("\n(see `cpuscope --help` for ", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ", list[i]->name);
	fputs(")\n", f);
}
