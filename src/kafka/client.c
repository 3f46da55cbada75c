/* client.c: -X settings, tenant ids, error-code and request-type names (see client.h). */
#include "kafka/client.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

sl_err sl_kafka_conf_set(rd_kafka_conf_t *conf, const char *key, const char *value, char *errstr,
                         size_t errstr_size)
{
    char why[512];
    if (rd_kafka_conf_set(conf, key, value, why, sizeof why) != RD_KAFKA_CONF_OK)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s=%s: %s", key, value, why);
    return SL_OK;
}

sl_err sl_kafka_conf_apply(rd_kafka_conf_t *conf, const char *const *kv, size_t n, char *errstr,
                           size_t errstr_size)
{
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(kv[i], '=');
        if (!eq || eq == kv[i])
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                           "-X %s: expected key=value (a librdkafka property, see its CONFIGURATION.md)",
                           kv[i]);
        size_t klen = (size_t)(eq - kv[i]);
        char key[256];
        if (klen >= sizeof key)
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "-X %.64s...: property name too long",
                           kv[i]);
        memcpy(key, kv[i], klen);
        key[klen] = 0;
        char why[512];
        if (rd_kafka_conf_set(conf, key, eq + 1, why, sizeof why) != RD_KAFKA_CONF_OK)
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "-X %s: %s", kv[i], why);
    }
    return SL_OK;
}

int sl_kafka_tenant_valid(const char *id, size_t len)
{
    if (!id || len < 1 || len > 64)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

int sl_kafka_err_parse(const char *s, rd_kafka_resp_err_t *out)
{
    if (!s || !*s)
        return -1;
    const struct rd_kafka_err_desc *descs;
    size_t cnt;
    rd_kafka_get_err_descs(&descs, &cnt);
    if (isdigit((unsigned char)s[0]) || (s[0] == '-' && isdigit((unsigned char)s[1]))) {
        errno = 0;
        char *end;
        long v = strtol(s, &end, 10);
        if (errno || *end)
            return -1;
        for (size_t i = 0; i < cnt; i++)
            if (descs[i].name && (long)descs[i].code == v) {
                *out = descs[i].code;
                return 0;
            }
        return -1;
    }
    static const char prefix[] = "RD_KAFKA_RESP_ERR_";
    if (strncasecmp(s, prefix, sizeof prefix - 1) == 0)
        s += sizeof prefix - 1;
    for (size_t i = 0; i < cnt; i++)
        if (descs[i].name && strcasecmp(descs[i].name, s) == 0) {
            *out = descs[i].code;
            return 0;
        }
    return -1;
}

/* Request types a test may want to fail, by Kafka protocol ApiKey. */
static const struct {
    int16_t key;
    const char *name;
} apikeys[] = {
    { 0, "Produce" },          { 1, "Fetch" },           { 2, "ListOffsets" },
    { 3, "Metadata" },         { 8, "OffsetCommit" },    { 9, "OffsetFetch" },
    { 10, "FindCoordinator" }, { 11, "JoinGroup" },      { 12, "Heartbeat" },
    { 13, "LeaveGroup" },      { 14, "SyncGroup" },      { 15, "DescribeGroups" },
    { 16, "ListGroups" },      { 18, "ApiVersions" },    { 19, "CreateTopics" },
    { 20, "DeleteTopics" },    { 22, "InitProducerId" }, { 23, "OffsetForLeaderEpoch" },
    { 24, "AddPartitionsToTxn" }, { 25, "AddOffsetsToTxn" }, { 26, "EndTxn" },
    { 28, "TxnOffsetCommit" }, { 32, "DescribeConfigs" }, { 42, "DeleteGroups" },
};

int sl_kafka_apikey_parse(const char *s, int16_t *out)
{
    if (!s || !*s)
        return -1;
    if (isdigit((unsigned char)s[0])) {
        errno = 0;
        char *end;
        long v = strtol(s, &end, 10);
        if (errno || *end || v > 32767)
            return -1;
        *out = (int16_t)v;
        return 0;
    }
    for (size_t i = 0; i < sizeof apikeys / sizeof apikeys[0]; i++)
        if (strcasecmp(apikeys[i].name, s) == 0) {
            *out = apikeys[i].key;
            return 0;
        }
    return -1;
}

const char *sl_kafka_apikey_name(int16_t key)
{
    for (size_t i = 0; i < sizeof apikeys / sizeof apikeys[0]; i++)
        if (apikeys[i].key == key)
            return apikeys[i].name;
    return NULL;
}
