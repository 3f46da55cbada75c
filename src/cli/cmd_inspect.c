/* cmd_inspect.c: `sluice inspect`. PLACEHOLDER until its issue lands: must be replaced, not shipped. */
#include "cli/cli.h"

SL_CMD(inspect)
{
    (void)argc;
    (void)argv;
    sl_cli_error("inspect", "not built yet");
    return 1;
}
