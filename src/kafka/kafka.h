/*
 * kafka.h: the Kafka-mode entry point of `sluice land` (-b BROKERS ...). The
 * command line is parsed by src/cli/cmd_land.c into sl_land_cli_opts (land.h);
 * this function consumes the topics with a consumer group and drives the lander
 * (land.h): assign -> seek to the resume offset, add, due -> commit -> commit
 * offset last+1, revoke on rebalance and shutdown. Returns the process exit code
 * (0 everything landed or quarantined, 1 fatal error, 2 usage).
 */
#ifndef SL_KAFKA_H
#define SL_KAFKA_H

#include "lake/land.h"

int sl_kafka_land_main(const sl_land_cli_opts *opts);

/* Control of a lander run embedded in another command (`sluice demo` lands while
 * it publishes). */
typedef struct sl_kafka_land_ctl {
    /* Polled about every 0.1 s until it returns non-zero, meaning no more messages
     * will be produced: from then on the run behaves as --once (each partition
     * stops at the high watermark read at that moment). NULL: never. */
    int (*input_done)(void *ctx);
    void *ctx;
} sl_kafka_land_ctl;

/* sl_kafka_land_main with a control (ctl may be NULL: the same as
 * sl_kafka_land_main). ctl is borrowed for the run. Same exit codes. */
int sl_kafka_land_run(const sl_land_cli_opts *opts, const sl_kafka_land_ctl *ctl);

#endif
