/* cmd_explain.c - certchain explain: build --explain, what to serve and why
 * in plain words (the option parsing and the work are build's). */
#include "cli.h"

int cmd_explain(int argc, char **argv)
{
	return cli_build_main(argc, argv, 1);
}
