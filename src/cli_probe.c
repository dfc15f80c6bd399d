/* cli_probe.c - `cpuscope probe` (placeholder until the probe lands). */
#include "cli.h"

int cli_probe(int argc, char **argv, FILE *out, FILE *err)
{
	(void)argc;
	(void)argv;
	(void)out;
	fputs("cpuscope: probe: not available yet\n", err);
	return CLI_ERROR;
}
