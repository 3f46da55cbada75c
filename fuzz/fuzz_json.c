/*
 * fuzz_json.c: libFuzzer target for the JSON parser. The first byte picks
 * options (BOM, duplicate keys, a small depth limit); the rest is the text.
 * Checks: no crash or sanitizer report; an error has a message and an offset
 * inside the text with a consistent line/column; a parsed text written compact
 * parses again to the same tape, and writing that again gives the same bytes.
 */
#include "json/json.h"

#include <stdlib.h>
#include <string.h>

static int same_tape(const sl_json_val *a, const sl_json_val *b)
{
    const sl_json_val *end = sl_json_skip(a);
    for (; a < end; a++, b++) {
        if (a->tag != b->tag)
            return 0;
        switch (sl_json_get_type(a)) {
        case SL_JSON_INT:
            if (a->u.i != b->u.i)
                return 0;
            break;
        case SL_JSON_DOUBLE:
            if (memcmp(&a->u.d, &b->u.d, sizeof a->u.d) != 0)
                return 0;
            break;
        case SL_JSON_STRING:
            if (memcmp(a->u.s, b->u.s, (size_t)sl_json_get_len(a)) != 0)
                return 0;
            break;
        case SL_JSON_ARRAY:
        case SL_JSON_OBJECT:
            if (a->u.span != b->u.span)
                return 0;
            break;
        default:
            break;
        }
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    sl_json_opts o = {0};
    o.allow_bom = data[0] & 1;
    o.allow_duplicate_keys = (data[0] >> 1) & 1;
    o.max_depth = (data[0] & 4) ? 8 : 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;

    sl_json_parser *p = sl_json_parser_new(&o);
    sl_json_parser *q = sl_json_parser_new(&o);
    if (!p || !q)
        abort();
    sl_json_error e;
    const sl_json_val *v = sl_json_parse(p, text, len, &e);
    if (!v) {
        if (!e.msg || e.offset > len || e.line < 1 || e.column < 1 || e.column > e.offset + 1)
            abort();
    } else {
        sl_buf out = {0}, out2 = {0};
        if (sl_json_write_compact(v, &out) != SL_OK)
            abort();
        sl_json_error e2;
        const sl_json_val *w = sl_json_parse(q, (const char *)out.data, out.len, &e2);
        if (!w || !same_tape(v, w))
            abort();
        if (sl_json_write_compact(w, &out2) != SL_OK || out2.len != out.len ||
            memcmp(out.data, out2.data, out.len) != 0)
            abort();
        /* navigation over the whole tape stays inside it */
        if (sl_json_get_type(v) == SL_JSON_OBJECT) {
            const sl_json_val *k = sl_json_first(v);
            for (uint64_t i = 0; k && i < sl_json_get_len(v); i++) {
                size_t kl;
                const char *ks = sl_json_get_str(k, &kl);
                if (sl_json_obj_get(v, ks, kl) == NULL)
                    abort();
                k = sl_json_skip(k + 1);
            }
        } else if (sl_json_get_type(v) == SL_JSON_ARRAY && sl_json_get_len(v) > 0) {
            if (sl_json_skip(sl_json_arr_get(v, (size_t)sl_json_get_len(v) - 1)) != sl_json_skip(v))
                abort();
        }
        sl_buf_free(&out);
        sl_buf_free(&out2);
    }
    sl_json_parser_destroy(p);
    sl_json_parser_destroy(q);
    return 0;
}
