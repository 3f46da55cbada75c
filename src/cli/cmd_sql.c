/* cmd_sql.c: `sluice sql`. PLACEHOLDER until its issue lands: must be replaced, not shipped. */
#include "cli/cli.h"

SL_CMD(sql)
{
    (void)argc;
    (void)argv;
    sl_cli_error("sql", "not built yet");
    return 1;
}
