/* fuzz_kafka_control.c: the embedded broker's control-command parser on any bytes.
 * Properties: no crash; a parsed command's fields are within their documented ranges
 * and its names are NUL-terminated inside their buffers. */
#include "kafka/broker.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sl_kafka_broker_cmd c;
    char err[256];
    if (sl_kafka_broker_cmd_parse((const char *)data, size, &c, err, sizeof err) != SL_OK) {
        if (!memchr(err, 0, sizeof err) || err[0] == 0)
            abort(); /* an error always says why */
        return 0;
    }
    if (!memchr(c.name, 0, sizeof c.name) || !memchr(c.key_type, 0, sizeof c.key_type))
        abort();
    switch (c.kind) {
    case SL_BROKER_CMD_TOPIC:
        if (c.number < 1 || c.number > 100000 || c.replication < 1 || c.name[0] == 0)
            abort();
        break;
    case SL_BROKER_CMD_DOWN:
    case SL_BROKER_CMD_UP:
    case SL_BROKER_CMD_RTT:
        if (c.broker < -1)
            abort();
        break;
    case SL_BROKER_CMD_ERR:
        if (c.number < 1 || c.number > 100000)
            abort();
        break;
    case SL_BROKER_CMD_COORDINATOR:
        if (strcmp(c.key_type, "group") != 0 && strcmp(c.key_type, "transaction") != 0)
            abort();
        break;
    default:
        break;
    }
    return 0;
}
