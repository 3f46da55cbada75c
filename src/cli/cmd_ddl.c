/* cmd_ddl.c: `sluice ddl`. PLACEHOLDER until its issue lands: must be replaced, not shipped. */
#include "cli/cli.h"

SL_CMD(ddl)
{
    (void)argc;
    (void)argv;
    sl_cli_error("ddl", "not built yet");
    return 1;
}
