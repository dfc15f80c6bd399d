/* cli_explain.c - `cpuscope explain` (placeholder until it lands). */
#include "cli_internal.h"

#include "cli.h"

int cmd_explain(struct cli *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail(c, "explain: not implemented yet");
}
