/* cmd_gen.c: `sluice gen`. PLACEHOLDER until its issue lands: must be replaced, not shipped. */
#include "cli/cli.h"

SL_CMD(gen)
{
    (void)argc;
    (void)argv;
    sl_cli_error("gen", "not built yet");
    return 1;
}
