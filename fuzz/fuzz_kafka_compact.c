/* fuzz_kafka_compact.c: sl_kafka_json_compact (the publisher's minifier) on any bytes.
 * Properties: never longer than the input; idempotent (compact output needs no more
 * compaction); and for valid JSON the compact text parses to the same document
 * (same sl_json_write_compact output). */
#include "json/json.h"
#include "kafka/publish.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sl_buf s1 = { 0 }, s2 = { 0 }, w1 = { 0 }, w2 = { 0 };
    const char *in = (const char *)data, *c1, *c2;
    size_t n1 = sl_kafka_json_compact(in, size, &s1, &c1);
    if (n1 > size)
        abort();
    /* compact output has nothing left to strip: returned as is */
    size_t n2 = sl_kafka_json_compact(c1, n1, &s2, &c2);
    if (n2 != n1 || c2 != c1)
        abort();
    sl_json_parser *p = sl_json_parser_new(NULL);
    if (!p)
        abort();
    sl_json_error je;
    const sl_json_val *v = sl_json_parse(p, in, size, &je);
    if (v) {
        if (sl_json_write_compact(v, &w1) != SL_OK)
            abort();
        /* parse the compact copy (it may point into s1, which stays valid) */
        const sl_json_val *v2 = sl_json_parse(p, c1, n1, &je);
        if (!v2)
            abort(); /* valid JSON must stay valid */
        if (sl_json_write_compact(v2, &w2) != SL_OK)
            abort();
        if (w1.len != w2.len || memcmp(w1.data, w2.data, w1.len) != 0)
            abort();
    }
    sl_json_parser_destroy(p);
    sl_buf_free(&s1);
    sl_buf_free(&s2);
    sl_buf_free(&w1);
    sl_buf_free(&w2);
    return 0;
}
