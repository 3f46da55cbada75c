/*
 * fuzz_parquet_reader.c: libFuzzer target for the Parquet reader. Treats the input
 * as a whole Parquet file: opens it, and for every row group and column asks for the
 * chunk metadata and reads the column, whole and then through a cursor (page by
 * page), touching every decoded cell (string bytes included) so the sanitizers see
 * any value that points outside live memory.
 * Any input must give SL_OK or an error with a message; never a crash, a leak, or
 * an allocation beyond the reader's limits. Seeds: fuzz/seeds/fuzz_parquet_reader/
 * (files from DuckDB and arrow-rs, see fuzz/make_parquet_reader_seeds.mjs).
 */
#include "common/common.h"
#include "common/types.h"
#include "parquet/parquet.h"

#include <stdint.h>
#include <stdlib.h>

/* Folds a cell into h so the compiler cannot drop the reads. */
static uint64_t touch(uint64_t h, const sl_column *c, const sl_value *v)
{
    if (v->is_null)
        return h * 31 + 1;
    if (c->type == SL_T_STRING || c->type == SL_T_BINARY) {
        for (uint32_t i = 0; i < v->u.s.n; i++)
            h = h * 131 + (uint8_t)v->u.s.p[i];
        return h;
    }
    return h * 31 + (uint64_t)v->u.i;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sl_in in = sl_in_mem(data, size);
    char err[512];
    err[0] = 0;
    sl_pq_reader *r = sl_pq_reader_open(&in, err, sizeof err);
    if (!r) {
        if (!err[0])
            abort(); /* every failure must say why */
        return 0;
    }
    volatile uint64_t sink = 0;
    uint64_t h = 0;
    size_t ncols = sl_pq_reader_ncols(r);
    for (size_t g = 0; g < sl_pq_reader_nrow_groups(r); g++) {
        int64_t rows = sl_pq_reader_row_group_rows(r, g);
        for (size_t c = 0; c < ncols; c++) {
            const sl_column *col = sl_pq_reader_column(r, c);
            sl_pq_chunk_info ci;
            if (sl_pq_reader_chunk_info(r, g, c, &ci, err, sizeof err) != SL_OK)
                abort(); /* in range: cannot fail */
            if (ci.stats.has_min_max) {
                h = touch(h, col, &ci.stats.min);
                h = touch(h, col, &ci.stats.max);
            }
            const sl_value *vals;
            err[0] = 0;
            if (sl_pq_reader_read_column(r, g, c, &vals, err, sizeof err) != SL_OK) {
                if (!err[0])
                    abort();
                continue;
            }
            for (int64_t k = 0; k < rows; k++)
                h = touch(h, col, &vals[k]);
        }
    }
    /* The same chunks again through cursors (page by page). */
    for (size_t c = 0; c < ncols; c++) {
        sl_pq_cursor *cur = sl_pq_cursor_new(r, c);
        if (!cur)
            abort();
        const sl_column *col = sl_pq_reader_column(r, c);
        for (size_t g = 0; g < sl_pq_reader_nrow_groups(r); g++) {
            err[0] = 0;
            if (sl_pq_cursor_start(cur, g, err, sizeof err) != SL_OK) {
                if (!err[0])
                    abort();
                continue;
            }
            const sl_value *vals;
            size_t n;
            int64_t total = 0;
            while (sl_pq_cursor_next(cur, &vals, &n, err, sizeof err) == SL_OK && n > 0) {
                for (size_t k = 0; k < n; k++)
                    h = touch(h, col, &vals[k]);
                total += (int64_t)n;
            }
            if (total > sl_pq_reader_row_group_rows(r, g))
                abort(); /* a cursor never yields more values than the row group has rows */
        }
        sl_pq_cursor_destroy(cur);
    }
    sink = h;
    (void)sink;
    sl_pq_reader_destroy(r);
    return 0;
}
