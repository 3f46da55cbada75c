/*
 * test_parquet_pool.c: the writer's speed paths change no byte and no value:
 * writers sharing an sl_pq_pool (interleaved, as a lander drives them) write the
 * same bytes as writers with their own codec; consecutive repeated values (the
 * last-value shortcut of the dictionary) read back exactly; a column whose
 * dictionary did not pay starts its next chunks PLAIN and tries the dictionary
 * again after DICT_SKIP_CHUNKS (7) chunks.
 */
#include "parquet/parquet.h"

#include "t.h"

static const sl_column cols[] = {
    {"id", SL_T_STRING, 1},      /* unique per row: the dictionary never pays */
    {"group", SL_T_STRING, 0},   /* runs of 5 equal values, some nulls */
    {"n", SL_T_INT64, 0},        /* runs of 3 equal values */
    {"x", SL_T_DOUBLE, 1},       /* unique per row */
};
#define NC 4

/* Fills row r of table `t` (the two tables differ in their values). */
static void make_row(int t, uint64_t r, sl_value *v, char id[32], char grp[32])
{
    memset(v, 0, NC * sizeof *v);
    int n = snprintf(id, 32, "t%d-id-%08llu", t, (unsigned long long)r);
    v[0].u.s.p = id;
    v[0].u.s.n = (uint32_t)n;
    if (r % 11 == 10) {
        v[1].is_null = 1;
    } else {
        n = snprintf(grp, 32, "g%llu", (unsigned long long)(r / 5 % 7));
        v[1].u.s.p = grp;
        v[1].u.s.n = (uint32_t)n;
    }
    v[2].u.i = (int64_t)(r / 3) * (t + 1);
    v[3].u.d = (double)r * 0.25 + t;
}

/* Writes two tables of `rows` rows, alternating 97-row batches between them,
 * with one pool (pool != NULL) or none; row groups of about rg_bytes. */
static int write_two(sl_pq_pool *pool, uint64_t rows, size_t rg_bytes, sl_buf out[2])
{
    char err[256], id[32], grp[32];
    sl_value v[NC];
    sl_pq_options o = sl_pq_options_default();
    o.pool = pool;
    o.row_group_bytes = rg_bytes;
    sl_pq_writer *w[2];
    w[0] = sl_pq_writer_new(cols, NC, &o, sl_out_mem(&out[0]), err, sizeof err);
    w[1] = sl_pq_writer_new(cols, NC, &o, sl_out_mem(&out[1]), err, sizeof err);
    int ok = w[0] && w[1];
    for (uint64_t base = 0; ok && base < rows; base += 97)
        for (int t = 0; t < 2 && ok; t++)
            for (uint64_t r = base; r < base + 97 && r < rows && ok; r++) {
                make_row(t, r, v, id, grp);
                ok = sl_pq_writer_write_row(w[t], v, err, sizeof err) == SL_OK;
            }
    for (int t = 0; t < 2; t++) {
        if (ok && sl_pq_writer_close(w[t], err, sizeof err) != SL_OK)
            ok = 0;
        sl_pq_writer_destroy(w[t]);
    }
    if (!ok)
        fprintf(stderr, "  write_two: %s\n", err);
    return ok;
}

/* Reads file `b` (table t) back and compares every value with make_row. Returns
 * the number of rows that matched; *ndict_rg gets the row groups whose column
 * `dict_col` has a dictionary page, dict_rgs[i] = 1 for those. */
static long verify(const sl_buf *b, int t, size_t dict_col, size_t *nrg, int dict_rgs[64])
{
    char err[256], id[32], grp[32];
    sl_value want[NC];
    sl_in in = sl_in_mem(b->data, b->len);
    sl_pq_reader *rd = sl_pq_reader_open(&in, err, sizeof err);
    if (!rd) {
        fprintf(stderr, "  verify: %s\n", err);
        return -1;
    }
    long good = 0;
    uint64_t r = 0;
    *nrg = sl_pq_reader_nrow_groups(rd);
    for (size_t rg = 0; rg < *nrg; rg++) {
        const sl_value *col[NC];
        int64_t n = sl_pq_reader_row_group_rows(rd, rg);
        sl_pq_chunk_info ci;
        if (sl_pq_reader_chunk_info(rd, rg, dict_col, &ci, err, sizeof err) != SL_OK)
            goto out;
        if (rg < 64)
            dict_rgs[rg] = ci.has_dictionary;
        for (size_t c = 0; c < NC; c++)
            if (sl_pq_reader_read_column(rd, rg, c, &col[c], err, sizeof err) != SL_OK) {
                fprintf(stderr, "  verify: %s\n", err);
                goto out;
            }
        for (int64_t i = 0; i < n; i++, r++) {
            make_row(t, r, want, id, grp);
            int same = 1;
            for (size_t c = 0; c < NC; c++) {
                const sl_value *g = &col[c][i];
                if (g->is_null != want[c].is_null)
                    same = 0;
                else if (g->is_null)
                    continue;
                else if (c <= 1)
                    same &= g->u.s.n == want[c].u.s.n && memcmp(g->u.s.p, want[c].u.s.p, g->u.s.n) == 0;
                else if (c == 2)
                    same &= g->u.i == want[c].u.i;
                else
                    same &= g->u.d == want[c].u.d;
            }
            good += same;
        }
    }
out:
    sl_pq_reader_destroy(rd);
    return good;
}

static void test_pool_same_bytes(void)
{
    sl_buf own[2] = {{0}}, shared[2] = {{0}};
    sl_pq_pool *pool = sl_pq_pool_new();
    REQUIRE(pool);
    CHECK(write_two(NULL, 30000, 0, own));
    CHECK(write_two(pool, 30000, 0, shared));
    for (int t = 0; t < 2; t++) {
        CHECK(own[t].len > 1000);
        CHECK_EQ_INT(own[t].len, shared[t].len);
        CHECK(own[t].len == shared[t].len && memcmp(own[t].data, shared[t].data, own[t].len) == 0);
        size_t nrg = 0;
        int d[64] = {0};
        CHECK_EQ_INT(verify(&shared[t], t, 1, &nrg, d), 30000);
        CHECK_EQ_INT(nrg, 1);
        CHECK_EQ_INT(d[0], 1); /* runs of 7 distinct values: dictionary-encoded */
        sl_buf_free(&own[t]);
        sl_buf_free(&shared[t]);
    }
    sl_pq_pool_destroy(pool);
    sl_pq_pool_destroy(NULL);
}

static void test_dictionary_skip_and_retry(void)
{
    /* about 600 rows per row group: 20 row groups for 12000 rows */
    sl_buf out[2] = {{0}};
    sl_pq_pool *pool = sl_pq_pool_new();
    REQUIRE(pool);
    CHECK(write_two(pool, 12000, 600 * 40, out));
    for (int t = 0; t < 2; t++) {
        size_t nrg = 0;
        int did[64] = {0}, dgrp[64] = {0};
        CHECK_EQ_INT(verify(&out[t], t, 0, &nrg, did), 12000);
        CHECK_EQ_INT(verify(&out[t], t, 1, &nrg, dgrp), 12000);
        REQUIRE(nrg >= 17 && nrg <= 64);
        /* id (unique): tried in row group 0, skipped in 1..7, tried in 8 (no),
         * skipped in 9..15, tried in 16 */
        for (size_t rg = 0; rg < nrg; rg++) {
            CHECK_EQ_INT(did[rg], 0);
            CHECK_EQ_INT(dgrp[rg], 1); /* group always pays */
        }
        sl_buf_free(&out[t]);
    }
    sl_pq_pool_destroy(pool);
}

/* One column, unique values in row group 0 (but for one repeat among the first
 * 256, so that the chunk is judged at its end, not by the early all-distinct
 * check) and a single repeated value after: row group 0 has no dictionary (it
 * did not pay), 1..7 are PLAIN without trying, 8 tries again and is
 * dictionary-encoded. Every value reads back. */
static void test_dictionary_retry_after_skip(void)
{
    static const sl_column one[] = {{"v", SL_T_STRING, 0}};
    char err[256], s[32];
    sl_buf b = {0};
    sl_pq_options o = sl_pq_options_default();
    sl_pq_writer *w = sl_pq_writer_new(one, 1, &o, sl_out_mem(&b), err, sizeof err);
    REQUIRE(w);
    for (int r = 0; r < 10 * 500; r++) {
        sl_value v;
        memset(&v, 0, sizeof v);
        int n = r < 500 ? snprintf(s, sizeof s, "unique-%d", r == 1 ? 0 : r)
                        : snprintf(s, sizeof s, "same");
        v.u.s.p = s;
        v.u.s.n = (uint32_t)n;
        REQUIRE(sl_pq_writer_write_row(w, &v, err, sizeof err) == SL_OK);
        if (r % 500 == 499)
            REQUIRE(sl_pq_writer_flush_row_group(w, err, sizeof err) == SL_OK);
    }
    REQUIRE(sl_pq_writer_close(w, err, sizeof err) == SL_OK);
    sl_pq_writer_destroy(w);
    sl_in in = sl_in_mem(b.data, b.len);
    sl_pq_reader *rd = sl_pq_reader_open(&in, err, sizeof err);
    REQUIRE(rd);
    CHECK_EQ_INT(sl_pq_reader_nrow_groups(rd), 10);
    long good = 0;
    for (size_t rg = 0; rg < 10 && rg < sl_pq_reader_nrow_groups(rd); rg++) {
        sl_pq_chunk_info ci;
        const sl_value *vals;
        REQUIRE(sl_pq_reader_chunk_info(rd, rg, 0, &ci, err, sizeof err) == SL_OK);
        CHECK_EQ_INT(ci.has_dictionary, rg == 8 || rg == 9);
        REQUIRE(sl_pq_reader_read_column(rd, rg, 0, &vals, err, sizeof err) == SL_OK);
        for (int i = 0; i < 500; i++) {
            int r = (int)rg * 500 + i;
            int n = r < 500 ? snprintf(s, sizeof s, "unique-%d", r == 1 ? 0 : r)
                            : snprintf(s, sizeof s, "same");
            good += !vals[i].is_null && vals[i].u.s.n == (uint32_t)n &&
                    memcmp(vals[i].u.s.p, s, (size_t)n) == 0;
        }
    }
    CHECK_EQ_INT(good, 5000);
    sl_pq_reader_destroy(rd);
    sl_buf_free(&b);
}

int main(void)
{
    T_RUN(test_dictionary_retry_after_skip);
    T_RUN(test_pool_same_bytes);
    T_RUN(test_dictionary_skip_and_retry);
    return t_done();
}
