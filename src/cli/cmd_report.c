/* cmd_report.c: `sluice report`. PLACEHOLDER until its issue lands: must be replaced, not shipped. */
#include "cli/cli.h"

SL_CMD(report)
{
    (void)argc;
    (void)argv;
    sl_cli_error("report", "not built yet");
    return 1;
}
