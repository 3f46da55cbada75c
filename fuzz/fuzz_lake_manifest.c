/*
 * fuzz_lake_manifest.c: libFuzzer target for the lake's commit manifest parser
 * (sl_lake_manifest_parse) and the range-name parser. Checks: no crash or
 * sanitizer report; a failure leaves the manifest zeroed with an error message; a
 * manifest that parses, encoded again, parses to the same fields (round trip).
 */
#include "lake/lake.h"

#include <stdlib.h>
#include <string.h>

static int same_str(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    sl_lake_manifest m, r;
    int64_t f, l;

    /* The range-name parser on a NUL-terminated copy. */
    char *name = malloc(size + 1);
    if (!name)
        return 0;
    memcpy(name, data, size);
    name[size] = 0;
    if (sl_lake_range_name_parse(name, ".json", &f, &l) && (f < 0 || l < f))
        abort();
    free(name);

    err[0] = 0;
    sl_err e = sl_lake_manifest_parse((const char *)data, size, "fuzz.json", &m, err, sizeof err);
    if (e != SL_OK) {
        if (!err[0] || m.topic || m.files || m.tables || m.owned_)
            abort();
        return 0;
    }
    if (!m.topic || m.first < 0 || m.last < m.first)
        abort();
    sl_buf b = { 0 };
    if (sl_lake_manifest_encode(&m, &b) != SL_OK)
        abort();
    if (sl_lake_manifest_parse((const char *)b.data, b.len, "again", &r, err, sizeof err) != SL_OK)
        abort();
    if (!same_str(m.topic, r.topic) || m.partition != r.partition || m.first != r.first ||
        m.last != r.last || m.messages != r.messages || m.nfiles != r.nfiles ||
        m.ntables != r.ntables || !same_str(m.dedupe, r.dedupe) || !same_str(m.mapping, r.mapping))
        abort();
    for (size_t i = 0; i < m.nfiles; i++)
        if (!same_str(m.files[i].tmp, r.files[i].tmp) || !same_str(m.files[i].final, r.files[i].final) ||
            m.files[i].bytes != r.files[i].bytes || m.files[i].rows != r.files[i].rows)
            abort();
    for (size_t i = 0; i < m.ntables; i++)
        if (!same_str(m.tables[i].table, r.tables[i].table) || m.tables[i].rows != r.tables[i].rows)
            abort();
    sl_lake_manifest_free(&r);
    sl_lake_manifest_free(&m);
    sl_buf_free(&b);
    return 0;
}
