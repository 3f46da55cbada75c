/*
 * fuzz_mapping.c: libFuzzer target for the mapping language and the mapper.
 * The first byte picks the mode, the rest is the input:
 *   even: the bytes are a mapping file. It must load or fail with a message;
 *         when it loads, it is described and a few fixed messages are mapped
 *         through it (exercising whatever paths, levels and routing it declares).
 *   odd:  the bytes are a message, mapped through the built-in `assessments`
 *         mapping (byte & 2 == 0) or `game-events` (byte & 2 != 0).
 * Nothing may crash, leak or read out of bounds; every result is checked for
 * basic consistency (row counts, cell counts, NUL-free reasons).
 */
#include "map/map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const messages[] = {
    "{\"keen_id\":\"k\",\"started_at\":\"2018-01-23T14:23:19.082Z\",\"sequences\":{\"questions\":[{\"id\":\"q\","
    "\"options\":[{\"id\":\"o\",\"at\":\"2018-01-23T14:23:24.670Z\",\"checked\":true}]}],\"counts\":{\"total\":1}}}",
    "{\"event_type\":\"purchase_sword\",\"a\":[1,[2,{\"b\":null}]],\"c\":{\"d\":\"1.5\",\"e\":-3}}",
    "{\"x\":[{\"y\":[{\"z\":1},{\"z\":\"2\"}]},{\"y\":[]},{}],\"t\":1516717442.5}",
    "{}",
};

static void check_result(const sl_mapping *m, const sl_map_result *res)
{
    if (res->ntables != sl_mapping_ntables(m))
        abort();
    for (size_t t = 0; t < res->ntables; t++) {
        if (res->tables[t].ncols != sl_mapping_table_ncols(m, t))
            abort();
        const sl_column *cols = sl_mapping_table_columns(m, t);
        for (size_t r = 0; r < res->tables[t].nrows; r++)
            for (size_t c = 0; c < res->tables[t].ncols; c++) {
                const sl_value *v = &res->tables[t].values[r * res->tables[t].ncols + c];
                /* Touch string bytes so ASan sees any dangling pointer. */
                if (!v->is_null && (cols[c].type == SL_T_STRING || cols[c].type == SL_T_BINARY) && v->u.s.n) {
                    volatile char a = v->u.s.p[0], b = v->u.s.p[v->u.s.n - 1];
                    (void)a;
                    (void)b;
                }
                if (v->is_null && cols[c].required)
                    abort();
            }
    }
}

static void map_through(const sl_mapping *m, sl_mapper *mp, const char *msg, size_t len)
{
    const sl_map_result *res;
    char reason[256];
    sl_origin o = { "fuzz", 1, 2, 3, NULL, 0, NULL, 0 };
    if (sl_mapper_map(mp, msg, len, &o, &res, reason, sizeof reason) == SL_MAP_OK)
        check_result(m, res);
    else if (reason[0] == 0 || strlen(reason) >= sizeof reason)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sl_mapping *builtin[2];
    static sl_mapper *bmp[2];
    char err[512];
    if (!builtin[0]) {
        builtin[0] = sl_mapping_load("assessments", err, sizeof err);
        builtin[1] = sl_mapping_load("game-events", err, sizeof err);
        if (!builtin[0] || !builtin[1])
            abort();
        bmp[0] = sl_mapper_new(builtin[0], err, sizeof err);
        bmp[1] = sl_mapper_new(builtin[1], err, sizeof err);
    }
    if (size == 0)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    if (data[0] & 1) {
        int k = (data[0] & 2) ? 1 : 0;
        map_through(builtin[k], bmp[k], text, len);
        return 0;
    }
    sl_mapping *m = sl_mapping_parse(text, len, "fuzz.json", err, sizeof err);
    if (!m) {
        if (err[0] == 0)
            abort();
        return 0;
    }
    sl_buf b = { 0 };
    if (sl_mapping_describe(m, &b) != SL_OK)
        abort();
    sl_buf_free(&b);
    sl_mapper *mp = sl_mapper_new(m, err, sizeof err);
    if (!mp)
        abort();
    for (size_t i = 0; i < sizeof messages / sizeof messages[0]; i++)
        map_through(m, mp, messages[i], strlen(messages[i]));
    sl_mapper_destroy(mp);
    sl_mapping_destroy(m);
    return 0;
}
