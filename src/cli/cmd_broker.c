/* cmd_broker.c: `sluice broker`. PLACEHOLDER until its issue lands: must be replaced, not shipped. */
#include "cli/cli.h"

SL_CMD(broker)
{
    (void)argc;
    (void)argv;
    sl_cli_error("broker", "not built yet");
    return 1;
}
