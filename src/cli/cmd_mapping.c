/* cmd_mapping.c: `sluice mapping`. PLACEHOLDER until its issue lands: must be replaced, not shipped. */
#include "cli/cli.h"

SL_CMD(mapping)
{
    (void)argc;
    (void)argv;
    sl_cli_error("mapping", "not built yet");
    return 1;
}
