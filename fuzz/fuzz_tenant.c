/*
 * fuzz_tenant.c: libFuzzer target for `--tenant-from` (src/lake/tenant.h).
 * The input is split at its first NUL: the part before is a --tenant-from spec,
 * the rest is the message (also used as the key, one header's value and the topic).
 * A spec that parses must give an extractor; every extraction either yields an id
 * that passes sl_tenant_valid (so it can never name another folder) or a reason
 * starting with "tenant: ". Nothing may crash, leak or read out of bounds.
 */
#include "lake/tenant.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t spec_len = nul ? (size_t)(nul - data) : size;
    char *spec = malloc(spec_len + 1);
    char *topic = malloc(size + 1);
    if (!spec || !topic)
        abort();
    memcpy(spec, data, spec_len);
    spec[spec_len] = 0;
    const char *msg = nul ? (const char *)nul + 1 : "";
    size_t msg_len = nul ? size - spec_len - 1 : 0;
    /* the topic is the message up to its first NUL */
    memcpy(topic, msg, msg_len);
    topic[msg_len] = 0;
    char err[256];
    sl_tenant_from tf;
    const char *specs[] = { spec, "header:tenant", "key-prefix", "topic-suffix", "field:org", "field:a.b.c" };
    for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
        if (sl_tenant_from_parse(specs[i], &tf, err, sizeof err) != SL_OK)
            continue;
        sl_tenant_extractor *x = sl_tenant_extractor_new(&tf, err, sizeof err);
        if (!x)
            abort();
        sl_header h[2] = { { "tenant", msg, msg_len }, { tf.arg ? tf.arg : "x", msg, msg_len } };
        sl_origin o = { .topic = topic, .key = msg, .key_len = msg_len, .headers = h, .header_count = 2 };
        const char *id;
        size_t n;
        char reason[512];
        if (sl_tenant_extract(x, msg, msg_len, &o, &id, &n, reason, sizeof reason) == 0) {
            if (!sl_tenant_valid(id, n))
                abort();
        } else if (strncmp(reason, "tenant: ", 8) != 0 || memchr(reason, 0, sizeof reason) == NULL) {
            abort();
        }
        sl_tenant_extractor_destroy(x);
    }
    free(spec);
    free(topic);
    return 0;
}
