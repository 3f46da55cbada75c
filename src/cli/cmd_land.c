/* cmd_land.c: `sluice land`. PLACEHOLDER until its issue lands: must be replaced, not shipped. */
#include "cli/cli.h"

SL_CMD(land)
{
    (void)argc;
    (void)argv;
    sl_cli_error("land", "not built yet");
    return 1;
}
