/* cli_baseline.c - `cpuscope baseline` (placeholder until it lands). */
#include "cli_internal.h"

#include "cli.h"

int cmd_baseline(struct cli *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail(c, "baseline: not implemented yet");
}
