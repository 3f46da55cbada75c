/*
 * test_parquet_writer_mem.c: the writer's memory-saving paths keep every value:
 * dictionary indexes stored in 1, 2 or 4 bytes and widened in place as the
 * dictionary passes 256 and 65536 entries; definition levels run-length encoded
 * as rows come (all-null pages, alternating nulls whose levels do not fit the
 * gap in front of PLAIN values, random runs); pool memory given back by one
 * writer's flush_row_group and reused, dirty, by others (same bytes as writers
 * without a pool); and the early check that turns a chunk PLAIN after 512
 * all-distinct values but keeps the dictionary when one of them repeats, and
 * lets the next chunk try the dictionary again; and spilling, which moves an
 * open row group's pages to a spill file and back without losing any.
 */
#include "parquet/parquet.h"

#include <signal.h>
#include <sys/resource.h>

#include "t.h"

/* Opens `b` as a Parquet file; NULL (and a message) on failure. */
static sl_pq_reader *open_mem(const sl_buf *b, sl_in *in)
{
    char err[256];
    *in = sl_in_mem(b->data, b->len);
    sl_pq_reader *rd = sl_pq_reader_open(in, err, sizeof err);
    if (!rd)
        fprintf(stderr, "  open: %s\n", err);
    return rd;
}

/* ---------------------------------------------------------------- index widths */

static const sl_column wide_cols[] = {
    {"i", SL_T_INT64, 0},   /* r / 2: 100000 distinct, every 13th row null */
    {"s", SL_T_STRING, 1},  /* "s<r / 3>": 66667 distinct */
};

static void wide_row(uint64_t r, sl_value v[2], char buf[32])
{
    memset(v, 0, 2 * sizeof *v);
    if (r % 13 == 5)
        v[0].is_null = 1;
    else
        v[0].u.i = (int64_t)(r / 2) * 7 - 1000;
    int n = snprintf(buf, 32, "s%llu", (unsigned long long)(r / 3));
    v[1].u.s.p = buf;
    v[1].u.s.n = (uint32_t)n;
}

/* Rows of row group 0 of rd equal to wide_row's (of `rows`). */
static long wide_rows_back(sl_pq_reader *rd, uint64_t rows)
{
    char err[256], buf[32];
    sl_value v[2];
    const sl_value *ci, *cs;
    if (sl_pq_reader_read_column(rd, 0, 0, &ci, err, sizeof err) != SL_OK ||
        sl_pq_reader_read_column(rd, 0, 1, &cs, err, sizeof err) != SL_OK) {
        fprintf(stderr, "  read: %s\n", err);
        return -1;
    }
    long good = 0;
    for (uint64_t r = 0; r < rows; r++) {
        wide_row(r, v, buf);
        int same = ci[r].is_null == v[0].is_null && (v[0].is_null || ci[r].u.i == v[0].u.i);
        same &= !cs[r].is_null && cs[r].u.s.n == v[1].u.s.n &&
                memcmp(cs[r].u.s.p, v[1].u.s.p, v[1].u.s.n) == 0;
        good += same;
    }
    return good;
}

/* Checks the file in b (then freed): row group 0 holds wide_row(0 .. rows - 1),
 * and, when one_rg, it is the only row group. */
static void check_wide_file(sl_buf *b, uint64_t rows, int one_rg)
{
    sl_in in;
    sl_pq_reader *rd = open_mem(b, &in);
    if (rd) {
        if (one_rg)
            CHECK_EQ_INT(sl_pq_reader_nrow_groups(rd), 1);
        CHECK_EQ_INT(sl_pq_reader_row_group_rows(rd, 0), (long)rows);
        CHECK_EQ_INT(wide_rows_back(rd, rows), (long)rows);
        sl_pq_reader_destroy(rd);
    } else {
        CHECK(rd != NULL);
    }
    sl_buf_free(b);
}

/* A writer of wide_cols into b (NULL with a message on failure). */
static sl_pq_writer *wide_writer(sl_buf *b)
{
    char err[256];
    sl_pq_options o = sl_pq_options_default();
    sl_pq_writer *w = sl_pq_writer_new(wide_cols, 2, &o, sl_out_mem(b), err, sizeof err);
    if (!w)
        fprintf(stderr, "  writer: %s\n", err);
    return w;
}

/* Writes wide_row(from) .. wide_row(to - 1) to w: 1 when all went in. */
static int wide_write(sl_pq_writer *w, uint64_t from, uint64_t to)
{
    char err[256], buf[32];
    sl_value v[2];
    for (uint64_t r = from; r < to; r++) {
        wide_row(r, v, buf);
        if (sl_pq_writer_write_row(w, v, err, sizeof err) != SL_OK) {
            fprintf(stderr, "  row %llu: %s\n", (unsigned long long)r, err);
            return 0;
        }
    }
    return 1;
}

static void test_index_widths(void)
{
    const uint64_t rows = 200000;
    char err[256], buf[32];
    sl_value v[2];
    sl_buf b = {0};
    sl_pq_options o = sl_pq_options_default();
    sl_pq_writer *w = sl_pq_writer_new(wide_cols, 2, &o, sl_out_mem(&b), err, sizeof err);
    REQUIRE(w);
    for (uint64_t r = 0; r < rows; r++) {
        wide_row(r, v, buf);
        REQUIRE(sl_pq_writer_write_row(w, v, err, sizeof err) == SL_OK);
    }
    REQUIRE(sl_pq_writer_close(w, err, sizeof err) == SL_OK);
    sl_pq_writer_destroy(w);

    sl_in in;
    sl_pq_reader *rd = open_mem(&b, &in);
    REQUIRE(rd);
    REQUIRE(sl_pq_reader_nrow_groups(rd) == 1);
    for (size_t c = 0; c < 2; c++) {
        sl_pq_chunk_info ci;
        REQUIRE(sl_pq_reader_chunk_info(rd, 0, c, &ci, err, sizeof err) == SL_OK);
        CHECK_EQ_INT(ci.has_dictionary, 1); /* one dictionary past 65536 entries */
        CHECK_EQ_STR(ci.encodings, "PLAIN,RLE,RLE_DICTIONARY");
    }
    CHECK_EQ_INT(wide_rows_back(rd, rows), (long)rows);
    sl_pq_reader_destroy(rd);
    sl_buf_free(&b);
}

/* ---------------------------------------------------------------- levels */

static const sl_column lvl_cols[] = {
    {"k", SL_T_INT32, 0},    /* r % 5: dictionary-encoded */
    {"d", SL_T_DOUBLE, 0},   /* unique: PLAIN (levels in front of the values) */
    {"t", SL_T_STRING, 0},   /* unique strings: PLAIN */
    {"b", SL_T_BOOL, 0},
};

/* Whether row r is null, by segment: 0..19999 alternate (levels too long for
 * the gap), 20000..39999 all null (a whole page of nulls), then runs of
 * pseudo-random lengths, then every 7th row. */
static int lvl_null(uint64_t r)
{
    if (r < 20000)
        return r % 2 == 1;
    if (r < 40000)
        return 1;
    if (r < 70000) {
        uint64_t x = (r / 37) * UINT64_C(0x9e3779b97f4a7c15);
        return (x >> 61) < 3;  /* runs of 37 rows, about 3 in 8 null */
    }
    return r % 7 == 3;
}

static void lvl_row(uint64_t r, sl_value v[4], char buf[32])
{
    memset(v, 0, 4 * sizeof *v);
    for (int c = 0; c < 4; c++)
        v[c].is_null = lvl_null(r + (uint64_t)c * 3);
    v[0].u.i = (int64_t)(r % 5);
    v[1].u.d = (double)r * 1.5 + 0.25;
    int n = snprintf(buf, 32, "row-%llu", (unsigned long long)r);
    v[2].u.s.p = buf;
    v[2].u.s.n = (uint32_t)n;
    v[3].u.i = (r / 3) % 2;
    for (int c = 0; c < 4; c++)
        if (v[c].is_null)
            memset(&v[c].u, 0, sizeof v[c].u);
}

static void test_level_patterns(void)
{
    const uint64_t rows = 90000;
    char err[256], buf[32];
    sl_value v[4];
    sl_buf b = {0};
    sl_pq_options o = sl_pq_options_default();
    sl_pq_writer *w = sl_pq_writer_new(lvl_cols, 4, &o, sl_out_mem(&b), err, sizeof err);
    REQUIRE(w);
    int64_t nulls[4] = {0};
    for (uint64_t r = 0; r < rows; r++) {
        lvl_row(r, v, buf);
        for (int c = 0; c < 4; c++)
            nulls[c] += v[c].is_null;
        REQUIRE(sl_pq_writer_write_row(w, v, err, sizeof err) == SL_OK);
    }
    REQUIRE(sl_pq_writer_close(w, err, sizeof err) == SL_OK);
    sl_pq_writer_destroy(w);

    sl_in in;
    sl_pq_reader *rd = open_mem(&b, &in);
    REQUIRE(rd);
    REQUIRE(sl_pq_reader_nrow_groups(rd) == 1);
    const sl_value *col[4];
    for (size_t c = 0; c < 4; c++) {
        sl_pq_chunk_info ci;
        REQUIRE(sl_pq_reader_chunk_info(rd, 0, c, &ci, err, sizeof err) == SL_OK);
        CHECK_EQ_INT(ci.stats.null_count, nulls[c]);
        CHECK_EQ_INT(ci.has_dictionary, c == 0);
        REQUIRE(sl_pq_reader_read_column(rd, 0, c, &col[c], err, sizeof err) == SL_OK);
    }
    long good = 0;
    for (uint64_t r = 0; r < rows; r++) {
        lvl_row(r, v, buf);
        int same = 1;
        for (int c = 0; c < 4; c++) {
            const sl_value *g = &col[c][r];
            if (g->is_null != v[c].is_null)
                same = 0;
            else if (g->is_null)
                continue;
            else if (c == 1)
                same &= g->u.d == v[c].u.d;
            else if (c == 2)
                same &= g->u.s.n == v[c].u.s.n && memcmp(g->u.s.p, v[c].u.s.p, g->u.s.n) == 0;
            else
                same &= g->u.i == v[c].u.i;
        }
        good += same;
    }
    CHECK_EQ_INT(good, (long)rows);
    CHECK(nulls[1] > 20000 && nulls[1] < (int64_t)rows - 20000);
    sl_pq_reader_destroy(rd);
    sl_buf_free(&b);
}

/* ---------------------------------------------------------------- pool reuse */

/* Writes three tables (lvl_cols, different row offsets) in interleaved batches of
 * 211 rows, flushing a row group of table t every (t + 2) batches, with one
 * shared pool or none. */
static int write_three(sl_pq_pool *pool, sl_buf out[3])
{
    char err[256], buf[32];
    sl_value v[4];
    sl_pq_options o = sl_pq_options_default();
    o.pool = pool;
    sl_pq_writer *w[3] = {NULL, NULL, NULL};
    int ok = 1;
    for (int t = 0; t < 3; t++)
        ok &= (w[t] = sl_pq_writer_new(lvl_cols, 4, &o, sl_out_mem(&out[t]), err, sizeof err)) != NULL;
    for (uint64_t batch = 0; ok && batch < 60; batch++)
        for (int t = 0; t < 3 && ok; t++) {
            for (uint64_t r = batch * 211; r < (batch + 1) * 211 && ok; r++) {
                lvl_row(r * 3 + (uint64_t)t * 50000, v, buf);
                ok = sl_pq_writer_write_row(w[t], v, err, sizeof err) == SL_OK;
            }
            if (ok && batch % (uint64_t)(t + 2) == 1)
                ok = sl_pq_writer_flush_row_group(w[t], err, sizeof err) == SL_OK;
        }
    for (int t = 0; t < 3; t++) {
        if (ok && w[t] && sl_pq_writer_close(w[t], err, sizeof err) != SL_OK)
            ok = 0;
        sl_pq_writer_destroy(w[t]);
    }
    if (!ok)
        fprintf(stderr, "  write_three: %s\n", err);
    return ok;
}

static void test_pool_reuse_same_bytes(void)
{
    sl_buf own[3] = {{0}}, shared[3] = {{0}};
    sl_pq_pool *pool = sl_pq_pool_new();
    REQUIRE(pool);
    CHECK(write_three(NULL, own));
    CHECK(write_three(pool, shared));
    for (int t = 0; t < 3; t++) {
        CHECK(own[t].len > 10000);
        CHECK_EQ_INT(own[t].len, shared[t].len);
        CHECK(own[t].len == shared[t].len && memcmp(own[t].data, shared[t].data, own[t].len) == 0);
        sl_in in;
        sl_pq_reader *rd = open_mem(&shared[t], &in);
        CHECK(rd != NULL);
        if (rd) {
            CHECK_EQ_INT(sl_pq_reader_nrows(rd), 60 * 211);
            /* flushes after batches 1, 3, ..., 59 / 1, 4, ..., 58 (+ 59 at close) /
             * 1, 5, ..., 57 (+ 58..59 at close) */
            static const int nrg[3] = {30, 21, 16};
            CHECK_EQ_INT(sl_pq_reader_nrow_groups(rd), nrg[t]);
            sl_pq_reader_destroy(rd);
        }
        sl_buf_free(&own[t]);
        sl_buf_free(&shared[t]);
    }
    /* a second round reuses what the first left in the pool */
    CHECK(write_three(pool, shared));
    CHECK(write_three(NULL, own));
    for (int t = 0; t < 3; t++) {
        CHECK(own[t].len == shared[t].len && memcmp(own[t].data, shared[t].data, own[t].len) == 0);
        sl_buf_free(&own[t]);
        sl_buf_free(&shared[t]);
    }
    sl_pq_pool_destroy(pool);
}

/* ---------------------------------------------------------------- early check */

/* Column "u": values 0..511 all distinct, then those again; column "r": the same
 * except that value 511 repeats value 0. After 512 values "u" turns PLAIN (no
 * dictionary in the chunk) although the dictionary would pay later; "r" keeps
 * it. Every value reads back. */
static void test_early_unique_check(void)
{
    static const sl_column two[] = {{"u", SL_T_STRING, 1}, {"r", SL_T_STRING, 1}};
    const int rows = 8192;
    char err[256], s[2][32];
    sl_buf b = {0};
    sl_pq_options o = sl_pq_options_default();
    sl_pq_writer *w = sl_pq_writer_new(two, 2, &o, sl_out_mem(&b), err, sizeof err);
    REQUIRE(w);
    for (int r = 0; r < rows; r++) {
        sl_value v[2];
        memset(v, 0, sizeof v);
        int n0 = snprintf(s[0], 32, "value-%03d", r % 512);
        int n1 = snprintf(s[1], 32, "value-%03d", r == 511 ? 0 : r % 512);
        v[0].u.s.p = s[0];
        v[0].u.s.n = (uint32_t)n0;
        v[1].u.s.p = s[1];
        v[1].u.s.n = (uint32_t)n1;
        REQUIRE(sl_pq_writer_write_row(w, v, err, sizeof err) == SL_OK);
    }
    REQUIRE(sl_pq_writer_close(w, err, sizeof err) == SL_OK);
    sl_pq_writer_destroy(w);
    sl_in in;
    sl_pq_reader *rd = open_mem(&b, &in);
    REQUIRE(rd);
    sl_pq_chunk_info ci;
    REQUIRE(sl_pq_reader_chunk_info(rd, 0, 0, &ci, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(ci.has_dictionary, 0);
    REQUIRE(sl_pq_reader_chunk_info(rd, 0, 1, &ci, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(ci.has_dictionary, 1);
    const sl_value *c0, *c1;
    REQUIRE(sl_pq_reader_read_column(rd, 0, 0, &c0, err, sizeof err) == SL_OK);
    REQUIRE(sl_pq_reader_read_column(rd, 0, 1, &c1, err, sizeof err) == SL_OK);
    long good = 0;
    for (int r = 0; r < rows; r++) {
        int n0 = snprintf(s[0], 32, "value-%03d", r % 512);
        int n1 = snprintf(s[1], 32, "value-%03d", r == 511 ? 0 : r % 512);
        good += c0[r].u.s.n == (uint32_t)n0 && memcmp(c0[r].u.s.p, s[0], (size_t)n0) == 0 &&
                c1[r].u.s.n == (uint32_t)n1 && memcmp(c1[r].u.s.p, s[1], (size_t)n1) == 0;
    }
    CHECK_EQ_INT(good, rows);
    sl_pq_reader_destroy(rd);
    sl_buf_free(&b);
}

/* After the all-distinct check turned a chunk PLAIN, the next chunk tries the
 * dictionary again at once (unlike a chunk whose dictionary did not pay at its
 * end, whose column skips DICT_SKIP_CHUNKS chunks). */
static void test_early_unique_no_skip(void)
{
    static const sl_column one[] = {{"v", SL_T_STRING, 0}};
    char err[256], s[32];
    sl_buf b = {0};
    sl_pq_options o = sl_pq_options_default();
    sl_pq_writer *w = sl_pq_writer_new(one, 1, &o, sl_out_mem(&b), err, sizeof err);
    REQUIRE(w);
    for (int r = 0; r < 1200; r++) {
        sl_value v;
        memset(&v, 0, sizeof v);
        int n = r < 600 ? snprintf(s, sizeof s, "distinct-%d", r) : snprintf(s, sizeof s, "same");
        v.u.s.p = s;
        v.u.s.n = (uint32_t)n;
        REQUIRE(sl_pq_writer_write_row(w, &v, err, sizeof err) == SL_OK);
        if (r == 599)
            REQUIRE(sl_pq_writer_flush_row_group(w, err, sizeof err) == SL_OK);
    }
    REQUIRE(sl_pq_writer_close(w, err, sizeof err) == SL_OK);
    sl_pq_writer_destroy(w);
    sl_in in;
    sl_pq_reader *rd = open_mem(&b, &in);
    REQUIRE(rd);
    REQUIRE(sl_pq_reader_nrow_groups(rd) == 2);
    long good = 0;
    for (size_t rg = 0; rg < 2; rg++) {
        sl_pq_chunk_info ci;
        const sl_value *vals;
        REQUIRE(sl_pq_reader_chunk_info(rd, rg, 0, &ci, err, sizeof err) == SL_OK);
        CHECK_EQ_INT(ci.has_dictionary, rg == 1);
        REQUIRE(sl_pq_reader_read_column(rd, rg, 0, &vals, err, sizeof err) == SL_OK);
        for (int i = 0; i < 600; i++) {
            int r = (int)rg * 600 + i;
            int n = r < 600 ? snprintf(s, sizeof s, "distinct-%d", r) : snprintf(s, sizeof s, "same");
            good += !vals[i].is_null && vals[i].u.s.n == (uint32_t)n &&
                    memcmp(vals[i].u.s.p, s, (size_t)n) == 0;
        }
    }
    CHECK_EQ_INT(good, 1200);
    sl_pq_reader_destroy(rd);
    sl_buf_free(&b);
}

/* ---------------------------------------------------------------- spill */

/* The index-width data again, spilled every 7,777 rows: one row group, every
 * value back, memory given back at each spill, and the dictionary widened
 * across spills. */
static void test_spill_roundtrip(void)
{
    const uint64_t rows = 200000;
    char err[256], buf[32];
    sl_value v[2];
    sl_buf b = {0};
    sl_pq_spill *sp = sl_pq_spill_new(NULL, err, sizeof err);
    REQUIRE(sp);
    sl_pq_options o = sl_pq_options_default();
    sl_pq_writer *w = sl_pq_writer_new(wide_cols, 2, &o, sl_out_mem(&b), err, sizeof err);
    REQUIRE(w);
    int spills = 0, dropped = 0;
    for (uint64_t r = 0; r < rows; r++) {
        wide_row(r, v, buf);
        REQUIRE(sl_pq_writer_write_row(w, v, err, sizeof err) == SL_OK);
        if (r % 7777 == 7776) {
            size_t before = sl_pq_writer_held_bytes(w);
            REQUIRE(sl_pq_writer_spill(w, sp, err, sizeof err) == SL_OK);
            dropped += sl_pq_writer_held_bytes(w) < before;
            spills++;
        }
    }
    CHECK_EQ_INT(dropped, spills);
    CHECK(sl_pq_spill_bytes(sp) > 100000);
    /* one writer, one spill file */
    sl_pq_spill *other = sl_pq_spill_new(NULL, err, sizeof err);
    REQUIRE(other);
    CHECK_EQ_INT(sl_pq_writer_spill(w, other, err, sizeof err), SL_ERR_INVALID);
    sl_pq_spill_destroy(other);
    REQUIRE(sl_pq_writer_close(w, err, sizeof err) == SL_OK);
    sl_pq_writer_destroy(w);
    sl_pq_spill_destroy(sp);

    check_wide_file(&b, rows, 1);
}

/* A spill file that cannot be made says where; a writer destroyed with
 * spilled pages (a file aborted) gives them back without writing them. */
static void test_spill_errors(void)
{
    char err[256] = "";
    CHECK(sl_pq_spill_new("/nonexistent-sluice-dir", err, sizeof err) == NULL);
    CHECK(strstr(err, "/nonexistent-sluice-dir") != NULL);
    sl_pq_spill *sp = sl_pq_spill_new(NULL, err, sizeof err);
    REQUIRE(sp);
    sl_buf b = {0};
    sl_pq_writer *w = wide_writer(&b);
    REQUIRE(w);
    REQUIRE(wide_write(w, 0, 5000));
    REQUIRE(sl_pq_writer_spill(w, sp, err, sizeof err) == SL_OK);
    CHECK(sl_pq_spill_bytes(sp) > 0);
    size_t len = b.len; /* only the leading magic so far */
    sl_pq_writer_destroy(w);
    CHECK_EQ_INT(b.len, len);
    sl_pq_spill_destroy(sp);
    sl_pq_spill_destroy(NULL);
    sl_buf_free(&b);
}

/* A spill write that fails (here: over RLIMIT_FSIZE, as a full disk would)
 * leaves the writer as it was: its pages stay in memory and every row is
 * written when the file is closed. */
static void test_spill_write_fails(void)
{
    char err[256];
    struct rlimit old;
    REQUIRE(getrlimit(RLIMIT_FSIZE, &old) == 0);
    void (*oldsig)(int) = signal(SIGXFSZ, SIG_IGN);
    sl_pq_spill *sp = sl_pq_spill_new(NULL, err, sizeof err);
    REQUIRE(sp);
    sl_buf b = {0};
    sl_pq_writer *w = wide_writer(&b);
    REQUIRE(w);
    const uint64_t rows = 60000;
    REQUIRE(wide_write(w, 0, rows / 2));
    struct rlimit tiny = old;
    tiny.rlim_cur = 4096;
    REQUIRE(setrlimit(RLIMIT_FSIZE, &tiny) == 0);
    sl_err e = sl_pq_writer_spill(w, sp, err, sizeof err);
    REQUIRE(setrlimit(RLIMIT_FSIZE, &old) == 0);
    signal(SIGXFSZ, oldsig);
    CHECK_EQ_INT(e, SL_ERR_IO);
    CHECK(strstr(err, "spill file") != NULL);
    CHECK(sl_pq_writer_held_bytes(w) > 4096); /* the pages are still here */
    REQUIRE(wide_write(w, rows / 2, rows));
    REQUIRE(sl_pq_writer_close(w, err, sizeof err) == SL_OK);
    sl_pq_writer_destroy(w);
    sl_pq_spill_destroy(sp);
    check_wide_file(&b, rows, 0);
}

int main(void)
{
    T_RUN(test_index_widths);
    T_RUN(test_level_patterns);
    T_RUN(test_pool_reuse_same_bytes);
    T_RUN(test_early_unique_check);
    T_RUN(test_early_unique_no_skip);
    T_RUN(test_spill_roundtrip);
    T_RUN(test_spill_errors);
    T_RUN(test_spill_write_fails);
    return t_done();
}
