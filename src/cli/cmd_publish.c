/* cmd_publish.c: `sluice publish`. PLACEHOLDER until its issue lands: must be replaced, not shipped. */
#include "cli/cli.h"

SL_CMD(publish)
{
    (void)argc;
    (void)argv;
    sl_cli_error("publish", "not built yet");
    return 1;
}
