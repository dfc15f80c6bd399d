/* cli.c - the command line. */
#include "cli.h"

int cli_main(int argc, char **argv, FILE *out, FILE *err)
{
	(void)argc;
	(void)argv;
	(void)out;
	fputs("cpuscope: not built yet\n", err);
	return CLI_ERROR;
}
