/* cmd_demo.c: `sluice demo`. PLACEHOLDER until its issue lands: must be replaced, not shipped. */
#include "cli/cli.h"

SL_CMD(demo)
{
    (void)argc;
    (void)argv;
    sl_cli_error("demo", "not built yet");
    return 1;
}
