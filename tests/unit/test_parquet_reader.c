/*
 * test_parquet_reader.c: the Parquet reader on
 *  - files written by other writers (DuckDB, arrow-rs), kept as fuzz seeds in
 *    fuzz/seeds/fuzz_parquet_reader/ (made by fuzz/make_parquet_reader_seeds.mjs, whose
 *    comments give the formula of every value checked here);
 *  - files written by sluice's writer (I/O pattern, buffer lifetimes);
 *  - hand-built files (Thrift footer and page headers written here) that exercise
 *    rarer forms (BIT_PACKED levels, data page v2, index pages, FIXED_LEN_BYTE_ARRAY,
 *    INT96, NANOS, deprecated statistics) and every kind of corruption, each of which
 *    must give its own clear error, never a crash.
 * Run from the repository root (tests/run.sh does).
 */
#include "t.h"

#include "common/common.h"
#include "common/types.h"
#include "parquet/codec.h"
#include "parquet/encoding.h"
#include "parquet/parquet.h"
#include "parquet/thrift.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define SEEDS "fuzz/seeds/fuzz_parquet_reader/"
#define TS_BASE 1516717399082000LL /* 2018-01-23T14:23:19.082Z in microseconds */
#define DAY_BASE 17491             /* 2017-11-21 in days */

/* ---- helpers ---- */

/* Reads a whole file into b. 0 ok. */
static int slurp(const char *path, sl_buf *b)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "  cannot open %s: %s (run from the repository root)\n", path,
                strerror(errno));
        return -1;
    }
    char tmp[65536];
    ssize_t n;
    while ((n = read(fd, tmp, sizeof tmp)) > 0)
        sl_buf_append(b, tmp, (size_t)n);
    close(fd);
    return n < 0 ? -1 : 0;
}

static int has(const char *s, const char *sub) { return s && strstr(s, sub) != NULL; }

#define CHECK_HAS(s, sub)                                                            \
    do {                                                                             \
        if (!has((s), (sub))) {                                                      \
            char t_m_[700];                                                          \
            snprintf(t_m_, sizeof t_m_, "\"%.500s\" contains \"%s\"", (s), (sub));   \
            t_report(__FILE__, __LINE__, t_m_);                                      \
        }                                                                            \
    } while (0)

/* Opens a seed file into memory. */
typedef struct opened {
    sl_buf bytes;
    sl_in in;
    sl_pq_reader *r;
} opened;

static int open_seed(opened *o, const char *name)
{
    char path[256];
    memset(o, 0, sizeof *o);
    snprintf(path, sizeof path, SEEDS "%s", name);
    if (slurp(path, &o->bytes) != 0)
        return -1;
    o->in = sl_in_mem(o->bytes.data, o->bytes.len);
    char err[512];
    o->r = sl_pq_reader_open(&o->in, err, sizeof err);
    if (!o->r)
        fprintf(stderr, "  %s: %s\n", name, err);
    return o->r ? 0 : -1;
}

static void close_seed(opened *o)
{
    sl_pq_reader_destroy(o->r);
    sl_buf_free(&o->bytes);
}

static int str_is(const sl_value *v, const char *s)
{
    return !v->is_null && v->u.s.n == strlen(s) && memcmp(v->u.s.p, s, v->u.s.n) == 0;
}

/* ---- other writers' files ---- */

/* The nine-column DuckDB table in every codec: every value and the statistics. */
static void test_duckdb_all_types_every_codec(void)
{
    static const char *const files[] = { "duckdb-uncompressed.parquet", "duckdb-snappy.parquet",
                                         "duckdb-gzip.parquet", "duckdb-zstd.parquet",
                                         "duckdb-v2-all.parquet" };
    static const char *const codecs[] = { "UNCOMPRESSED", "SNAPPY", "GZIP", "ZSTD", "ZSTD" };
    /* format v2: data pages v2, DELTA_* and BYTE_STREAM_SPLIT */
    static const char *const i32_enc[] = { "PLAIN", "PLAIN", "PLAIN", "PLAIN",
                                           "DELTA_BINARY_PACKED" };
    static const sl_type types[] = { SL_T_BOOL, SL_T_INT32, SL_T_INT64, SL_T_DOUBLE, SL_T_DOUBLE,
                                     SL_T_STRING, SL_T_BINARY, SL_T_TIMESTAMP, SL_T_DATE };
    for (int f = 0; f < 5; f++) {
        opened o;
        REQUIRE(open_seed(&o, files[f]) == 0);
        sl_pq_reader *r = o.r;
        CHECK_EQ_INT(sl_pq_reader_ncols(r), 9);
        CHECK_EQ_INT(sl_pq_reader_nrows(r), 50);
        CHECK_EQ_INT(sl_pq_reader_nrow_groups(r), 1);
        CHECK(has(sl_pq_reader_created_by(r), "DuckDB"));
        for (size_t c = 0; c < 9 && c < sl_pq_reader_ncols(r); c++) {
            CHECK_EQ_INT(sl_pq_reader_column(r, c)->type, types[c]);
            CHECK_EQ_INT(sl_pq_reader_column(r, c)->required, 0);
        }
        CHECK_EQ_STR(sl_pq_reader_column(r, 4)->name, "f");
        CHECK_EQ_STR(sl_pq_reader_column_physical(r, 4), "FLOAT");
        CHECK_EQ_STR(sl_pq_reader_column_logical(r, 7), "TIMESTAMP(MICROS,UTC)");
        CHECK_EQ_STR(sl_pq_reader_column_logical(r, 5), "UTF8");
        CHECK_EQ_STR(sl_pq_reader_column_logical(r, 8), "DATE");
        CHECK_EQ_STR(sl_pq_reader_column_logical(r, 6), "");
        size_t idx = 99;
        CHECK(sl_pq_reader_find_column(r, "bin", &idx) == 0 && idx == 6);
        CHECK(sl_pq_reader_find_column(r, "nope", &idx) == -1);

        const sl_value *v[9];
        char err[512];
        for (size_t c = 0; c < 9; c++) {
            sl_err e = sl_pq_reader_read_column(r, 0, c, &v[c], err, sizeof err);
            if (e != SL_OK)
                fprintf(stderr, "  %s col %zu: %s\n", files[f], c, err);
            REQUIRE(e == SL_OK);
        }
        int bad = 0;
        for (int i = 0; i < 50; i++) {
            char s[16];
            snprintf(s, sizeof s, "s%d", i);
            bad += v[0][i].is_null || v[0][i].u.i != (i % 3 == 0);
            bad += v[1][i].is_null || v[1][i].u.i != i * 1000 - 25000;
            bad += v[2][i].is_null || v[2][i].u.i != (int64_t)i * 1000000000000LL - 7;
            bad += v[3][i].is_null || v[3][i].u.d != i / 4.0 - 3;
            bad += v[4][i].is_null || v[4][i].u.d != i / 2.0;
            bad += i % 7 == 3 ? !v[5][i].is_null : !str_is(&v[5][i], s);
            if (i % 7 == 4)
                bad += !v[6][i].is_null;
            else
                bad += v[6][i].is_null || v[6][i].u.s.n != 2 ||
                       (uint8_t)v[6][i].u.s.p[0] != i || (uint8_t)v[6][i].u.s.p[1] != i + 1;
            bad += i % 7 == 5 ? !v[7][i].is_null
                              : v[7][i].is_null || v[7][i].u.i != TS_BASE + i * 1000001LL;
            bad += i % 7 == 6 ? !v[8][i].is_null : v[8][i].is_null || v[8][i].u.i != DAY_BASE + i;
        }
        CHECK_EQ_INT(bad, 0);

        sl_pq_chunk_info ci;
        REQUIRE(sl_pq_reader_chunk_info(r, 0, 5, &ci, err, sizeof err) == SL_OK);
        CHECK_EQ_STR(ci.codec_name, codecs[f]);
        CHECK_EQ_INT(ci.num_values, 50);
        CHECK_EQ_INT(ci.stats.null_count, 7);
        CHECK(ci.stats.has_min_max && str_is(&ci.stats.min, "s0") && str_is(&ci.stats.max, "s9"));
        REQUIRE(sl_pq_reader_chunk_info(r, 0, 7, &ci, err, sizeof err) == SL_OK);
        CHECK(ci.stats.has_min_max);
        CHECK_EQ_INT(ci.stats.min.u.i, TS_BASE);
        CHECK_EQ_INT(ci.stats.max.u.i, TS_BASE + 49 * 1000001LL);
        REQUIRE(sl_pq_reader_chunk_info(r, 0, 1, &ci, err, sizeof err) == SL_OK);
        CHECK_EQ_INT(ci.stats.min.u.i, -25000);
        CHECK_EQ_INT(ci.stats.max.u.i, 24000);
        CHECK_EQ_STR(ci.encodings, i32_enc[f]);
        close_seed(&o);
    }
}

/* DuckDB dictionary pages (PLAIN_DICTIONARY) over two row groups. */
static void test_duckdb_dictionary(void)
{
    opened o;
    REQUIRE(open_seed(&o, "duckdb-dict.parquet") == 0);
    CHECK_EQ_INT(sl_pq_reader_nrow_groups(o.r), 2);
    CHECK_EQ_INT(sl_pq_reader_row_group_rows(o.r, 0), 2048);
    CHECK_EQ_INT(sl_pq_reader_row_group_rows(o.r, 1), 952);
    CHECK_EQ_INT(sl_pq_reader_row_group_rows(o.r, 2), -1);
    int bad = 0, nulls = 0;
    int64_t base = 0;
    char err[512];
    for (size_t g = 0; g < 2; g++) {
        const sl_value *k, *n;
        REQUIRE(sl_pq_reader_read_column(o.r, g, 0, &k, err, sizeof err) == SL_OK);
        REQUIRE(sl_pq_reader_read_column(o.r, g, 1, &n, err, sizeof err) == SL_OK);
        int64_t rows = sl_pq_reader_row_group_rows(o.r, g);
        for (int64_t j = 0; j < rows; j++) {
            int64_t i = base + j;
            char s[8];
            snprintf(s, sizeof s, "k%d", (int)(i % 10));
            if (i % 11 == 0)
                nulls += k[j].is_null;
            else
                bad += !str_is(&k[j], s);
            bad += n[j].is_null || n[j].u.i != i % 4;
        }
        sl_pq_chunk_info ci;
        REQUIRE(sl_pq_reader_chunk_info(o.r, g, 0, &ci, err, sizeof err) == SL_OK);
        CHECK(ci.has_dictionary);
        CHECK_EQ_STR(ci.encodings, "PLAIN_DICTIONARY");
        base += rows;
    }
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(nulls, 273); /* multiples of 11 below 3000 */
    close_seed(&o);
}

/* TIMESTAMP(MILLIS) and TIMESTAMP(NANOS) become microseconds. */
static void test_duckdb_timestamp_units(void)
{
    opened o;
    REQUIRE(open_seed(&o, "duckdb-ts-units.parquet") == 0);
    CHECK_EQ_STR(sl_pq_reader_column_logical(o.r, 0), "TIMESTAMP(MILLIS,local)");
    CHECK_EQ_STR(sl_pq_reader_column_logical(o.r, 1), "TIMESTAMP(NANOS,local)");
    const sl_value *ms, *ns;
    char err[512];
    REQUIRE(sl_pq_reader_read_column(o.r, 0, 0, &ms, err, sizeof err) == SL_OK);
    REQUIRE(sl_pq_reader_read_column(o.r, 0, 1, &ns, err, sizeof err) == SL_OK);
    int bad = 0;
    for (int i = 0; i < 10; i++) {
        bad += ms[i].u.i != TS_BASE + i * 1000LL;
        bad += ns[i].u.i != TS_BASE + i;
    }
    CHECK_EQ_INT(bad, 0);
    sl_pq_chunk_info ci;
    REQUIRE(sl_pq_reader_chunk_info(o.r, 0, 0, &ci, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(ci.stats.max.u.i, TS_BASE + 9000);
    close_seed(&o);
}

/* arrow-rs: data page v1 and v2, dictionary and PLAIN, required and optional. */
static void test_arrow_files(void)
{
    static const char *const files[] = { "arrow-v1-dict-snappy.parquet",
                                         "arrow-v2-dict-zstd.parquet",
                                         "arrow-v1-plain-none.parquet" };
    for (int f = 0; f < 3; f++) {
        opened o;
        REQUIRE(open_seed(&o, files[f]) == 0);
        CHECK(has(sl_pq_reader_created_by(o.r), "parquet-rs"));
        CHECK_EQ_INT(sl_pq_reader_nrows(o.r), 40);
        CHECK_EQ_INT(sl_pq_reader_nrow_groups(o.r), 2);
        CHECK_EQ_INT(sl_pq_reader_column(o.r, 0)->required, 1);
        CHECK_EQ_INT(sl_pq_reader_column(o.r, 1)->type, SL_T_STRING);
        CHECK_EQ_STR(sl_pq_reader_column_logical(o.r, 1), "STRING");
        int bad = 0;
        int64_t base = 0;
        char err[512];
        for (size_t g = 0; g < 2; g++) {
            const sl_value *id, *name, *v;
            sl_err e = sl_pq_reader_read_column(o.r, g, 0, &id, err, sizeof err);
            if (e == SL_OK)
                e = sl_pq_reader_read_column(o.r, g, 1, &name, err, sizeof err);
            if (e == SL_OK)
                e = sl_pq_reader_read_column(o.r, g, 2, &v, err, sizeof err);
            if (e != SL_OK)
                fprintf(stderr, "  %s: %s\n", files[f], err);
            REQUIRE(e == SL_OK);
            int64_t rows = sl_pq_reader_row_group_rows(o.r, g);
            for (int64_t j = 0; j < rows; j++) {
                int64_t i = base + j;
                char s[8];
                snprintf(s, sizeof s, "n%d", (int)(i % 5));
                bad += id[j].u.i != i;
                bad += i % 4 == 1 ? !name[j].is_null : !str_is(&name[j], s);
                bad += v[j].u.d != i * 1.5;
            }
            base += rows;
        }
        CHECK_EQ_INT(base, 40);
        CHECK_EQ_INT(bad, 0);
        int found = 0;
        for (size_t i = 0; i < sl_pq_reader_nkv(o.r); i++) {
            const char *k, *val;
            sl_pq_reader_kv(o.r, i, &k, &val);
            found += strcmp(k, "ARROW:schema") == 0 && strlen(val) > 100;
        }
        CHECK_EQ_INT(found, 1);
        close_seed(&o);
    }
}

/* DuckDB format v2 with DELTA_BINARY_PACKED int64s. */
static void test_duckdb_v2_delta(void)
{
    opened o;
    REQUIRE(open_seed(&o, "duckdb-v2-delta.parquet") == 0);
    const sl_value *v;
    char err[512] = "";
    REQUIRE(sl_pq_reader_read_column(o.r, 0, 0, &v, err, sizeof err) == SL_OK);
    int bad = 0;
    for (int i = 0; i < 100; i++)
        bad += v[i].is_null || v[i].u.i != i * 7;
    CHECK_EQ_INT(bad, 0);
    close_seed(&o);
}

/* arrow-rs v2, dictionary off, one encoding per column, many small pages:
 * DELTA_BINARY_PACKED (int64, int32), DELTA_BYTE_ARRAY, DELTA_LENGTH_BYTE_ARRAY,
 * BYTE_STREAM_SPLIT; whole and through cursors. */
static void test_arrow_v2_encodings(void)
{
    opened o;
    REQUIRE(open_seed(&o, "arrow-v2-delta-encodings.parquet") == 0);
    REQUIRE(sl_pq_reader_ncols(o.r) == 5 && sl_pq_reader_nrow_groups(o.r) == 1);
    CHECK_EQ_INT(sl_pq_reader_nrows(o.r), 200);
    const sl_value *v[5];
    char err[512] = "";
    for (size_t c = 0; c < 5; c++) {
        sl_err e = sl_pq_reader_read_column(o.r, 0, c, &v[c], err, sizeof err);
        if (e != SL_OK)
            fprintf(stderr, "  col %zu: %s\n", c, err);
        REQUIRE(e == SL_OK);
    }
    int bad = 0;
    for (int i = 0; i < 200; i++) {
        char name[24], tag[8];
        snprintf(name, sizeof name, "prefix-%d", i);
        snprintf(tag, sizeof tag, "tag%d", i % 3);
        bad += v[0][i].u.i != (int64_t)i * 1000003 - 50000;
        bad += i % 9 == 4 ? !v[1][i].is_null : !str_is(&v[1][i], name);
        bad += !str_is(&v[2][i], tag);
        bad += v[3][i].u.d != i / 8.0;
        bad += v[4][i].u.i != (i % 50) - 25;
    }
    CHECK_EQ_INT(bad, 0);
    sl_pq_chunk_info ci;
    REQUIRE(sl_pq_reader_chunk_info(o.r, 0, 1, &ci, err, sizeof err) == SL_OK);
    CHECK_EQ_STR(ci.encodings, "RLE,DELTA_BYTE_ARRAY");
    /* cursors give the same, page by page */
    int pages = 0;
    for (size_t c = 0; c < 5; c++) {
        sl_pq_cursor *cur = sl_pq_cursor_new(o.r, c);
        REQUIRE(cur != NULL);
        REQUIRE(sl_pq_cursor_start(cur, 0, err, sizeof err) == SL_OK);
        const sl_value *b;
        size_t n, at = 0;
        while (sl_pq_cursor_next(cur, &b, &n, err, sizeof err) == SL_OK && n > 0) {
            for (size_t k = 0; k < n && at + k < 200; k++) {
                const sl_value *w = &v[c][at + k];
                int same = b[k].is_null == w->is_null;
                if (same && !w->is_null && (c == 1 || c == 2))
                    same = b[k].u.s.n == w->u.s.n && memcmp(b[k].u.s.p, w->u.s.p, w->u.s.n) == 0;
                else if (same && !w->is_null)
                    same = b[k].u.i == w->u.i;
                bad += !same;
            }
            at += n;
            pages++;
        }
        CHECK_EQ_INT(at, 200);
        sl_pq_cursor_destroy(cur);
    }
    CHECK_EQ_INT(bad, 0);
    CHECK(pages > 10);
    close_seed(&o);
}

/* Booleans in the RLE encoding (arrow-rs, data page v2). */
static void test_arrow_rle_booleans(void)
{
    opened o;
    REQUIRE(open_seed(&o, "arrow-v2-bool-rle.parquet") == 0);
    const sl_value *v;
    char err[512] = "";
    REQUIRE(sl_pq_reader_read_column(o.r, 0, 0, &v, err, sizeof err) == SL_OK);
    int bad = 0;
    for (int i = 0; i < 100; i++)
        bad += i % 7 == 3 ? !v[i].is_null : v[i].is_null || v[i].u.i != (i % 3 == 0);
    CHECK_EQ_INT(bad, 0);
    sl_pq_chunk_info ci;
    REQUIRE(sl_pq_reader_chunk_info(o.r, 0, 0, &ci, err, sizeof err) == SL_OK);
    CHECK_EQ_STR(ci.encodings, "RLE");
    close_seed(&o);
}

/* Cursors: a DuckDB dictionary file page by page, and errors. */
static void test_cursor(void)
{
    opened o;
    REQUIRE(open_seed(&o, "duckdb-dict.parquet") == 0);
    sl_pq_cursor *k = sl_pq_cursor_new(o.r, 0), *n = sl_pq_cursor_new(o.r, 1);
    REQUIRE(k && n);
    char err[512];
    int64_t i = 0, bad = 0, batches = 0;
    for (size_t g = 0; g < 2; g++) {
        REQUIRE(sl_pq_cursor_start(k, g, err, sizeof err) == SL_OK);
        REQUIRE(sl_pq_cursor_start(n, g, err, sizeof err) == SL_OK);
        const sl_value *kv, *nv;
        size_t kn, nn;
        int64_t j = i;
        while (sl_pq_cursor_next(k, &kv, &kn, err, sizeof err) == SL_OK && kn > 0) {
            for (size_t x = 0; x < kn; x++, i++) {
                char s[8];
                snprintf(s, sizeof s, "k%d", (int)(i % 10));
                bad += i % 11 == 0 ? !kv[x].is_null : !str_is(&kv[x], s);
            }
            batches++;
        }
        while (sl_pq_cursor_next(n, &nv, &nn, err, sizeof err) == SL_OK && nn > 0)
            for (size_t x = 0; x < nn; x++, j++)
                bad += nv[x].u.i != j % 4;
        CHECK_EQ_INT(j, i);
        /* after the end it keeps saying "done" */
        CHECK(sl_pq_cursor_next(k, &kv, &kn, err, sizeof err) == SL_OK && kn == 0);
    }
    CHECK_EQ_INT(i, 3000);
    CHECK_EQ_INT(bad, 0);
    CHECK(batches >= 2);
    CHECK_EQ_INT(sl_pq_cursor_start(k, 2, err, sizeof err), SL_ERR_INVALID);
    CHECK(sl_pq_cursor_new(o.r, 2) == NULL);
    sl_pq_cursor_destroy(k);
    sl_pq_cursor_destroy(n);
    close_seed(&o);
}

/* ---- files from sluice's writer ---- */

/* An sl_in over memory that counts read_at calls. */
typedef struct counting {
    sl_in inner;
    int reads;
} counting;

static sl_err counting_read(const sl_in *in, uint64_t off, void *dst, size_t n, char *errstr,
                            size_t errstr_size)
{
    counting *c = in->ctx;
    c->reads++;
    return c->inner.read_at(&c->inner, off, dst, n, errstr, errstr_size);
}

/* Writes `rows` rows of (id INT64 required, s STRING optional) with sluice's writer. */
static int write_small(sl_buf *out, int rows, sl_pq_codec codec, size_t page_bytes)
{
    sl_column cols[] = { { "id", SL_T_INT64, 1 }, { "s", SL_T_STRING, 0 } };
    sl_pq_options opts = sl_pq_options_default();
    opts.codec = codec;
    opts.page_bytes = page_bytes;
    char err[256];
    sl_pq_writer *w = sl_pq_writer_new(cols, 2, &opts, sl_out_mem(out), err, sizeof err);
    if (!w)
        return -1;
    int rc = 0;
    for (int i = 0; i < rows && rc == 0; i++) {
        char s[32];
        int n = snprintf(s, sizeof s, "value-%d", i * 7);
        sl_value v[2] = { 0 };
        v[0].u.i = i;
        v[1].u.s.p = s;
        v[1].u.s.n = (uint32_t)n;
        v[1].is_null = i % 5 == 4;
        rc = sl_pq_writer_write_row(w, v, err, sizeof err) == SL_OK ? 0 : -1;
    }
    if (rc == 0 && sl_pq_writer_close(w, err, sizeof err) != SL_OK)
        rc = -1;
    sl_pq_writer_destroy(w);
    return rc;
}

/* Open reads the footer in one request (two for large files); a column chunk in one. */
static void test_io_pattern(void)
{
    sl_buf file = { 0 };
    REQUIRE(write_small(&file, 3000, SL_PQ_ZSTD, 512) == 0);
    counting c = { sl_in_mem(file.data, file.len), 0 };
    sl_in in = { counting_read, file.len, &c, NULL };
    char err[256];
    sl_pq_reader *r = sl_pq_reader_open(&in, err, sizeof err);
    REQUIRE(r != NULL);
    CHECK_EQ_INT(c.reads, file.len <= 65536 ? 1 : 2);
    const sl_value *ids, *ss;
    c.reads = 0;
    REQUIRE(sl_pq_reader_read_column(r, 0, 0, &ids, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(c.reads, 1);
    REQUIRE(sl_pq_reader_read_column(r, 0, 1, &ss, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(c.reads, 2);
    /* Both columns stay valid together (per-column buffers), strings included. */
    int bad = 0;
    for (int i = 0; i < 3000; i++) {
        char s[32];
        snprintf(s, sizeof s, "value-%d", i * 7);
        bad += ids[i].u.i != i;
        bad += i % 5 == 4 ? !ss[i].is_null : !str_is(&ss[i], s);
    }
    CHECK_EQ_INT(bad, 0);
    /* Reading the same chunk again gives the same values (buffers reused). */
    REQUIRE(sl_pq_reader_read_column(r, 0, 1, &ss, err, sizeof err) == SL_OK);
    CHECK(str_is(&ss[2998], "value-20986") && ss[2999].is_null);
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);
}

/* The same file through a file descriptor, and out-of-range requests. */
static void test_fd_input_and_ranges(void)
{
    sl_buf file = { 0 };
    REQUIRE(write_small(&file, 10, SL_PQ_SNAPPY, 0) == 0);
    char path[] = "/tmp/sluice-test-reader-XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    CHECK((size_t)write(fd, file.data, file.len) == file.len);
    sl_in in;
    char err[256];
    REQUIRE(sl_in_fd(&in, &fd, err, sizeof err) == SL_OK);
    sl_pq_reader *r = sl_pq_reader_open(&in, err, sizeof err);
    REQUIRE(r != NULL);
    const sl_value *v;
    REQUIRE(sl_pq_reader_read_column(r, 0, 1, &v, err, sizeof err) == SL_OK);
    CHECK(str_is(&v[3], "value-21"));
    CHECK(v[4].is_null);
    CHECK_EQ_INT(sl_pq_reader_read_column(r, 1, 0, &v, err, sizeof err), SL_ERR_INVALID);
    CHECK_EQ_INT(sl_pq_reader_read_column(r, 0, 2, &v, err, sizeof err), SL_ERR_INVALID);
    sl_pq_chunk_info ci;
    CHECK_EQ_INT(sl_pq_reader_chunk_info(r, 0, 5, &ci, err, sizeof err), SL_ERR_INVALID);
    CHECK(sl_pq_reader_column(r, 2) == NULL);
    sl_pq_reader_destroy(r);
    close(fd);
    unlink(path);
    sl_buf_free(&file);
}

/* Every truncation and every single-byte corruption of a small file is an error or
 * reads fine; never a crash (the sanitizers watch). Truncations must all fail. */
static void test_mutations_never_crash(void)
{
    sl_buf file = { 0 };
    REQUIRE(write_small(&file, 40, SL_PQ_SNAPPY, 64) == 0);
    sl_buf copy = { 0 };
    sl_buf_append(&copy, file.data, file.len);
    int opened_ok = 0, truncated_ok = 0;
    for (size_t len = 0; len < file.len; len++) {
        sl_in in = sl_in_mem(file.data, len);
        char err[512] = "";
        sl_pq_reader *r = sl_pq_reader_open(&in, err, sizeof err);
        truncated_ok += r != NULL;
        CHECK(r != NULL || err[0] != 0);
        sl_pq_reader_destroy(r);
    }
    CHECK_EQ_INT(truncated_ok, 0);
    for (size_t pos = 0; pos < file.len; pos++) {
        for (int k = 0; k < 3; k++) {
            static const uint8_t repl[] = { 0x00, 0xff, 0x15 };
            memcpy(copy.data, file.data, file.len);
            copy.data[pos] = file.data[pos] == repl[k] ? (uint8_t)~repl[k] : repl[k];
            sl_in in = sl_in_mem(copy.data, copy.len);
            char err[512] = "";
            sl_pq_reader *r = sl_pq_reader_open(&in, err, sizeof err);
            if (!r) {
                CHECK(err[0] != 0);
                continue;
            }
            opened_ok++;
            for (size_t g = 0; g < sl_pq_reader_nrow_groups(r); g++)
                for (size_t c = 0; c < sl_pq_reader_ncols(r); c++) {
                    const sl_value *v;
                    sl_pq_chunk_info ci;
                    err[0] = 0;
                    if (sl_pq_reader_read_column(r, g, c, &v, err, sizeof err) != SL_OK)
                        CHECK(err[0] != 0);
                    CHECK(sl_pq_reader_chunk_info(r, g, c, &ci, err, sizeof err) == SL_OK);
                }
            sl_pq_reader_destroy(r);
        }
    }
    CHECK(opened_ok > 0);
    sl_buf_free(&copy);
    sl_buf_free(&file);
}

/* ---- hand-built files ---- */

/* One schema leaf (or group when type < 0). */
typedef struct hleaf {
    const char *name;
    int type;        /* SL_PQT_*, -1 for a group */
    int rep;         /* SL_PQR_*, -1 absent */
    int children;    /* num_children, -1 absent */
    int converted;   /* -1 absent */
    int logical;     /* SL_PQLT_*, 0 absent */
    int unit;        /* TIMESTAMP unit */
    int type_length;
} hleaf;

/* The one column chunk of the one row group. */
typedef struct hchunk {
    int codec;
    int64_t rows;        /* RowGroup.num_rows and FileMetaData.num_rows */
    int64_t file_rows;   /* FileMetaData.num_rows when != -1 */
    int64_t num_values;  /* -1: rows */
    int64_t len;         /* -1: the pages' bytes */
    int64_t data_off;    /* -1: computed */
    int64_t dict_off;    /* -1: none; -2: first page */
    const void *min, *max; size_t min_n, max_n; /* statistics (deprecated when old) */
    int old_stats;
} hchunk;

/* Appends a page header (v1 data, dictionary, index) and body. */
static void h_page(sl_buf *b, int type, int32_t usize, const void *body, size_t n, int32_t nv,
                   int enc, int def_enc)
{
    sl_thrift_enc e;
    sl_thrift_enc_init(&e, b);
    sl_thrift_enc_struct_begin(&e, 0);
    sl_thrift_enc_field_i32(&e, 1, type);
    sl_thrift_enc_field_i32(&e, 2, usize < 0 ? (int32_t)n : usize);
    sl_thrift_enc_field_i32(&e, 3, (int32_t)n);
    if (type == SL_PQP_DATA_PAGE) {
        sl_thrift_enc_struct_begin(&e, 5);
        sl_thrift_enc_field_i32(&e, 1, nv);
        sl_thrift_enc_field_i32(&e, 2, enc);
        sl_thrift_enc_field_i32(&e, 3, def_enc);
        sl_thrift_enc_field_i32(&e, 4, SL_PQE_RLE);
        sl_thrift_enc_struct_end(&e);
    } else if (type == SL_PQP_DICTIONARY_PAGE) {
        sl_thrift_enc_struct_begin(&e, 7);
        sl_thrift_enc_field_i32(&e, 1, nv);
        sl_thrift_enc_field_i32(&e, 2, enc);
        sl_thrift_enc_struct_end(&e);
    }
    sl_thrift_enc_struct_end(&e);
    sl_thrift_enc_finish(&e);
    sl_buf_append(b, body, n);
}

/* Appends a v1 data page of `nv` required PLAIN values with a CRC-32 field. */
static void h_page_crc(sl_buf *b, const void *body, size_t n, int32_t nv, uint32_t crc)
{
    sl_thrift_enc e;
    sl_thrift_enc_init(&e, b);
    sl_thrift_enc_struct_begin(&e, 0);
    sl_thrift_enc_field_i32(&e, 1, SL_PQP_DATA_PAGE);
    sl_thrift_enc_field_i32(&e, 2, (int32_t)n);
    sl_thrift_enc_field_i32(&e, 3, (int32_t)n);
    sl_thrift_enc_field_i32(&e, 4, (int32_t)crc);
    sl_thrift_enc_struct_begin(&e, 5);
    sl_thrift_enc_field_i32(&e, 1, nv);
    sl_thrift_enc_field_i32(&e, 2, SL_PQE_PLAIN);
    sl_thrift_enc_field_i32(&e, 3, SL_PQE_RLE);
    sl_thrift_enc_field_i32(&e, 4, SL_PQE_RLE);
    sl_thrift_enc_struct_end(&e);
    sl_thrift_enc_struct_end(&e);
    sl_thrift_enc_finish(&e);
    sl_buf_append(b, body, n);
}

/* Appends a data page v2: levels (uncompressed) then values compressed with codec
 * unless !compress. */
static void h_page_v2(sl_buf *b, int codec, int compress, const void *levels, size_t ln,
                      const void *vals, size_t vn, int32_t nv, int32_t nulls, int enc)
{
    sl_buf body = { 0 };
    sl_buf_append(&body, levels, ln);
    sl_codec *cc = sl_codec_new();
    if (compress)
        sl_codec_compress(cc, codec, 0, vals, vn, &body, NULL, 0);
    else
        sl_buf_append(&body, vals, vn);
    sl_codec_destroy(cc);
    sl_thrift_enc e;
    sl_thrift_enc_init(&e, b);
    sl_thrift_enc_struct_begin(&e, 0);
    sl_thrift_enc_field_i32(&e, 1, SL_PQP_DATA_PAGE_V2);
    sl_thrift_enc_field_i32(&e, 2, (int32_t)(ln + vn));
    sl_thrift_enc_field_i32(&e, 3, (int32_t)body.len);
    sl_thrift_enc_struct_begin(&e, 8);
    sl_thrift_enc_field_i32(&e, 1, nv);
    sl_thrift_enc_field_i32(&e, 2, nulls);
    sl_thrift_enc_field_i32(&e, 3, nv);
    sl_thrift_enc_field_i32(&e, 4, enc);
    sl_thrift_enc_field_i32(&e, 5, (int32_t)ln);
    sl_thrift_enc_field_i32(&e, 6, 0);
    sl_thrift_enc_field_bool(&e, 7, compress);
    sl_thrift_enc_struct_end(&e);
    sl_thrift_enc_struct_end(&e);
    sl_thrift_enc_finish(&e);
    sl_buf_append(b, body.data, body.len);
    sl_buf_free(&body);
}

/* Finishes a file: `pages` (bytes after "PAR1") then the footer for `leaves`
 * (leaves[0] is the root) and one row group whose single chunk is described by h
 * (no row group at all when h->rows < 0). */
static void h_finish(sl_buf *file, const sl_buf *pages, const hleaf *leaves, size_t nleaves,
                     const hchunk *h)
{
    sl_buf_append(file, "PAR1", 4);
    sl_buf_append(file, pages->data, pages->len);
    size_t foot = file->len;
    sl_thrift_enc e;
    sl_thrift_enc_init(&e, file);
    sl_thrift_enc_struct_begin(&e, 0);
    sl_thrift_enc_field_i32(&e, 1, 1);
    sl_thrift_enc_field_list(&e, 2, SL_THRIFT_STRUCT, (uint32_t)nleaves);
    int leaf_type = SL_PQT_INT32;
    for (size_t i = 0; i < nleaves; i++) {
        const hleaf *l = &leaves[i];
        sl_thrift_enc_struct_begin(&e, 0);
        if (l->type >= 0) {
            sl_thrift_enc_field_i32(&e, 1, l->type);
            leaf_type = l->type;
        }
        if (l->type_length > 0)
            sl_thrift_enc_field_i32(&e, 2, l->type_length);
        if (l->rep >= 0)
            sl_thrift_enc_field_i32(&e, 3, l->rep);
        sl_thrift_enc_field_binary(&e, 4, l->name, strlen(l->name));
        if (l->children >= 0)
            sl_thrift_enc_field_i32(&e, 5, l->children);
        if (l->converted >= 0)
            sl_thrift_enc_field_i32(&e, 6, l->converted);
        if (l->logical) {
            sl_thrift_enc_struct_begin(&e, 10);
            sl_thrift_enc_struct_begin(&e, (int16_t)l->logical);
            if (l->logical == SL_PQLT_TIMESTAMP) {
                sl_thrift_enc_field_bool(&e, 1, 1);
                sl_thrift_enc_struct_begin(&e, 2);
                sl_thrift_enc_struct_begin(&e, (int16_t)l->unit);
                sl_thrift_enc_struct_end(&e);
                sl_thrift_enc_struct_end(&e);
            } else if (l->logical == SL_PQLT_DECIMAL) {
                sl_thrift_enc_field_i32(&e, 1, 2);
                sl_thrift_enc_field_i32(&e, 2, 9);
            }
            sl_thrift_enc_struct_end(&e);
            sl_thrift_enc_struct_end(&e);
        }
        sl_thrift_enc_struct_end(&e);
    }
    int64_t rows = h->rows < 0 ? 0 : h->rows;
    sl_thrift_enc_field_i64(&e, 3, h->file_rows >= 0 ? h->file_rows : rows);
    sl_thrift_enc_field_list(&e, 4, SL_THRIFT_STRUCT, h->rows < 0 ? 0 : 1);
    if (h->rows >= 0) {
        int64_t data_off = h->data_off >= 0 ? h->data_off : 4;
        sl_thrift_enc_struct_begin(&e, 0);
        sl_thrift_enc_field_list(&e, 1, SL_THRIFT_STRUCT, 1);
        sl_thrift_enc_struct_begin(&e, 0);
        sl_thrift_enc_field_i64(&e, 2, data_off);
        sl_thrift_enc_struct_begin(&e, 3);
        sl_thrift_enc_field_i32(&e, 1, leaf_type);
        sl_thrift_enc_field_list(&e, 2, SL_THRIFT_I32, 2);
        sl_thrift_enc_i32(&e, SL_PQE_PLAIN);
        sl_thrift_enc_i32(&e, SL_PQE_RLE);
        sl_thrift_enc_field_list(&e, 3, SL_THRIFT_BINARY, 1);
        sl_thrift_enc_binary(&e, leaves[nleaves - 1].name, strlen(leaves[nleaves - 1].name));
        sl_thrift_enc_field_i32(&e, 4, h->codec);
        sl_thrift_enc_field_i64(&e, 5, h->num_values >= 0 ? h->num_values : rows);
        int64_t len = h->len >= 0 ? h->len : (int64_t)pages->len;
        sl_thrift_enc_field_i64(&e, 6, len);
        sl_thrift_enc_field_i64(&e, 7, len);
        sl_thrift_enc_field_i64(&e, 9, data_off);
        if (h->dict_off != -1)
            sl_thrift_enc_field_i64(&e, 11, h->dict_off == -2 ? 4 : h->dict_off);
        if (h->min) {
            sl_thrift_enc_struct_begin(&e, 12);
            sl_thrift_enc_field_binary(&e, h->old_stats ? 1 : 5, h->max, h->max_n);
            sl_thrift_enc_field_binary(&e, h->old_stats ? 2 : 6, h->min, h->min_n);
            sl_thrift_enc_field_i64(&e, 3, 0);
            sl_thrift_enc_struct_end(&e);
        }
        sl_thrift_enc_struct_end(&e);
        sl_thrift_enc_struct_end(&e);
        sl_thrift_enc_field_i64(&e, 2, len);
        sl_thrift_enc_field_i64(&e, 3, rows);
        sl_thrift_enc_struct_end(&e);
    }
    sl_thrift_enc_field_binary(&e, 6, "hand v1", 7);
    sl_thrift_enc_struct_end(&e);
    sl_thrift_enc_finish(&e);
    uint8_t tail[8];
    sl_enc_put_u32le(tail, (uint32_t)(file->len - foot));
    memcpy(tail + 4, "PAR1", 4);
    sl_buf_append(file, tail, 8);
}

/* Opens `file`; on success reads column 0 of row group 0 into *vals. Returns the
 * first error (err filled) or SL_OK; *rp gets the reader (caller destroys). */
static sl_err h_read(const sl_buf *file, sl_pq_reader **rp, const sl_value **vals, char *err,
                     size_t errn)
{
    static sl_in in; /* the reader borrows it: keep it alive past this call */
    in = sl_in_mem(file->data, file->len);
    err[0] = 0;
    *rp = sl_pq_reader_open(&in, err, errn);
    if (!*rp)
        return SL_ERR_CORRUPT;
    if (sl_pq_reader_nrow_groups(*rp) == 0)
        return SL_OK;
    return sl_pq_reader_read_column(*rp, 0, 0, vals, err, errn);
}

#define ROOT(n) { "schema", -1, -1, (n), -1, 0, 0, 0 }

static const hchunk H_DEFAULT = { SL_PQ_UNCOMPRESSED, 0, -1, -1, -1, -1, -1, NULL, NULL, 0, 0, 0 };

/* Dictionary page + RLE_DICTIONARY data page, optional INT32 with RLE levels. */
static void build_dict_file(sl_buf *file, uint8_t index, int with_dict)
{
    sl_buf pages = { 0 };
    uint8_t dict[8];
    sl_enc_put_u32le(dict, 100);
    sl_enc_put_u32le(dict + 4, 200);
    if (with_dict)
        h_page(&pages, SL_PQP_DICTIONARY_PAGE, -1, dict, 8, 2, SL_PQE_PLAIN, 0);
    /* levels: 1,1,0,1 as one bit-packed group; indexes: RLE run of 3 x index at width 3 */
    sl_buf body = { 0 };
    uint8_t lv[] = { 2, 0, 0, 0, 0x03, 0x0b };
    sl_buf_append(&body, lv, sizeof lv);
    uint8_t ix[] = { 3, 3 << 1, index };
    sl_buf_append(&body, ix, sizeof ix);
    h_page(&pages, SL_PQP_DATA_PAGE, -1, body.data, body.len, 4, SL_PQE_RLE_DICTIONARY,
           SL_PQE_RLE);
    hleaf l[] = { ROOT(1), { "d", SL_PQT_INT32, SL_PQR_OPTIONAL, -1, -1, 0, 0, 0 } };
    hchunk h = H_DEFAULT;
    h.rows = 4;
    h.dict_off = with_dict ? -2 : -1;
    h_finish(file, &pages, l, 2, &h);
    sl_buf_free(&body);
    sl_buf_free(&pages);
}

static void test_hand_dictionary(void)
{
    sl_buf file = { 0 };
    sl_pq_reader *r;
    const sl_value *v;
    char err[512];
    build_dict_file(&file, 1, 1);
    REQUIRE(h_read(&file, &r, &v, err, sizeof err) == SL_OK);
    CHECK(v[0].u.i == 200 && v[1].u.i == 200 && v[2].is_null && v[3].u.i == 200);
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);

    build_dict_file(&file, 5, 1);
    CHECK_EQ_INT(h_read(&file, &r, &v, err, sizeof err), SL_ERR_CORRUPT);
    CHECK_HAS(err, "column 'd' row group 0: page at offset ");
    CHECK_HAS(err, "dictionary index 5 out of range (dictionary has 2 entries)");
    sl_pq_reader_destroy(r);

    /* the same error through a cursor, which then stays stopped */
    {
        sl_in in = sl_in_mem(file.data, file.len);
        r = sl_pq_reader_open(&in, err, sizeof err);
        REQUIRE(r != NULL);
        sl_pq_cursor *cur = sl_pq_cursor_new(r, 0);
        size_t n;
        REQUIRE(sl_pq_cursor_start(cur, 0, err, sizeof err) == SL_OK);
        CHECK_EQ_INT(sl_pq_cursor_next(cur, &v, &n, err, sizeof err), SL_ERR_CORRUPT);
        CHECK_HAS(err, "dictionary index 5 out of range (dictionary has 2 entries)");
        CHECK(sl_pq_cursor_next(cur, &v, &n, err, sizeof err) != SL_OK && n == 0);
        CHECK_HAS(err, "stopped at an error");
        sl_pq_cursor_destroy(cur);
        sl_pq_reader_destroy(r);
    }
    sl_buf_free(&file);

    build_dict_file(&file, 0, 0);
    CHECK_EQ_INT(h_read(&file, &r, &v, err, sizeof err), SL_ERR_CORRUPT);
    CHECK_HAS(err, "dictionary-encoded page but the chunk has no dictionary page");
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);
}

/* Legacy BIT_PACKED definition levels, an INDEX_PAGE to skip, and FIXED_LEN_BYTE_ARRAY. */
static void test_hand_bit_packed_levels_index_page_fixed(void)
{
    sl_buf pages = { 0 }, body = { 0 }, file = { 0 };
    h_page(&pages, SL_PQP_INDEX_PAGE, -1, "xyz", 3, 0, 0, 0);
    uint8_t lv = 0xb0; /* MSB first: 1,0,1,1 */
    sl_buf_append(&body, &lv, 1);
    sl_buf_append(&body, "abcdefghi", 9);
    h_page(&pages, SL_PQP_DATA_PAGE, -1, body.data, body.len, 4, SL_PQE_PLAIN,
           SL_PQE_BIT_PACKED);
    hleaf l[] = { ROOT(1), { "u", SL_PQT_FIXED_LEN_BYTE_ARRAY, SL_PQR_OPTIONAL, -1, -1, 0, 0, 3 } };
    hchunk h = H_DEFAULT;
    h.rows = 4;
    h_finish(&file, &pages, l, 2, &h);
    sl_pq_reader *r;
    const sl_value *v;
    char err[512];
    sl_err e = h_read(&file, &r, &v, err, sizeof err);
    if (e != SL_OK)
        fprintf(stderr, "  %s\n", err);
    REQUIRE(e == SL_OK);
    CHECK_EQ_INT(sl_pq_reader_column(r, 0)->type, SL_T_BINARY);
    CHECK_EQ_STR(sl_pq_reader_column_physical(r, 0), "FIXED_LEN_BYTE_ARRAY(3)");
    CHECK(v[0].u.s.n == 3 && memcmp(v[0].u.s.p, "abc", 3) == 0);
    CHECK(v[1].is_null);
    CHECK(v[2].u.s.n == 3 && memcmp(v[2].u.s.p, "def", 3) == 0);
    CHECK(v[3].u.s.n == 3 && memcmp(v[3].u.s.p, "ghi", 3) == 0);
    sl_pq_reader_destroy(r);
    sl_buf_free(&pages);
    sl_buf_free(&body);
    sl_buf_free(&file);
}

/* Data page v2: levels outside the compression, an uncompressed page in a SNAPPY
 * chunk, then a compressed one; INT64 TIMESTAMP(NANOS) floors to microseconds. */
static void test_hand_data_page_v2(void)
{
    sl_buf pages = { 0 }, file = { 0 };
    uint8_t lv[] = { 3 << 1, 1 }; /* RLE run: 3 x level 1 (no length prefix in v2) */
    uint8_t vals[24];
    sl_enc_put_u64le(vals, (uint64_t)-1);        /* -1 ns -> -1 us */
    sl_enc_put_u64le(vals + 8, 1999);             /* 1.999 us -> 1 us */
    sl_enc_put_u64le(vals + 16, (uint64_t)-1001); /* -1.001 us -> -2 us */
    h_page_v2(&pages, SL_PQ_SNAPPY, 0, lv, 2, vals, 24, 3, 0, SL_PQE_PLAIN);
    uint8_t lv2[] = { 1 << 1, 0, 1 << 1, 1 }; /* one null, then one value */
    h_page_v2(&pages, SL_PQ_SNAPPY, 1, lv2, 4, vals + 8, 8, 2, 1, SL_PQE_PLAIN);
    hleaf l[] = { ROOT(1),
                  { "t", SL_PQT_INT64, SL_PQR_OPTIONAL, -1, -1, SL_PQLT_TIMESTAMP, SL_PQTU_NANOS, 0 } };
    hchunk h = H_DEFAULT;
    h.codec = SL_PQ_SNAPPY;
    h.rows = 5;
    h_finish(&file, &pages, l, 2, &h);
    sl_pq_reader *r;
    const sl_value *v;
    char err[512];
    sl_err e = h_read(&file, &r, &v, err, sizeof err);
    if (e != SL_OK)
        fprintf(stderr, "  %s\n", err);
    REQUIRE(e == SL_OK);
    CHECK_EQ_INT(sl_pq_reader_column(r, 0)->type, SL_T_TIMESTAMP);
    CHECK_EQ_INT(v[0].u.i, -1);
    CHECK_EQ_INT(v[1].u.i, 1);
    CHECK_EQ_INT(v[2].u.i, -2);
    CHECK(v[3].is_null);
    CHECK_EQ_INT(v[4].u.i, 1);
    sl_pq_reader_destroy(r);
    sl_buf_free(&pages);
    sl_buf_free(&file);
}

/* INT96 across the whole int64 microsecond range, and deprecated statistics:
 * used for INT32, ignored for strings. */
static void test_hand_int96_and_old_stats(void)
{
    sl_buf pages = { 0 }, file = { 0 };
    static const int64_t us[] = { INT64_MIN + 1, -1, 0, 1516717399082001LL, INT64_MAX };
    uint8_t body[12 * 5];
    for (int i = 0; i < 5; i++)
        sl_enc_int96_from_micros(us[i], body + 12 * i);
    h_page(&pages, SL_PQP_DATA_PAGE, -1, body, sizeof body, 5, SL_PQE_PLAIN, SL_PQE_RLE);
    hleaf l[] = { ROOT(1), { "t96", SL_PQT_INT96, SL_PQR_REQUIRED, -1, -1, 0, 0, 0 } };
    hchunk h = H_DEFAULT;
    h.rows = 5;
    h_finish(&file, &pages, l, 2, &h);
    sl_pq_reader *r;
    const sl_value *v;
    char err[512];
    REQUIRE(h_read(&file, &r, &v, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(sl_pq_reader_column(r, 0)->type, SL_T_TIMESTAMP);
    for (int i = 0; i < 5; i++)
        CHECK_EQ_INT(v[i].u.i, us[i]);
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);

    /* INT32 with deprecated min/max */
    uint8_t mn[4], mx[4];
    sl_enc_put_u32le(mn, (uint32_t)-5);
    sl_enc_put_u32le(mx, 7);
    sl_buf_free(&pages);
    uint8_t ib[8];
    sl_enc_put_u32le(ib, (uint32_t)-5);
    sl_enc_put_u32le(ib + 4, 7);
    h_page(&pages, SL_PQP_DATA_PAGE, -1, ib, 8, 2, SL_PQE_PLAIN, SL_PQE_RLE);
    hleaf li[] = { ROOT(1), { "i", SL_PQT_INT32, SL_PQR_REQUIRED, -1, -1, 0, 0, 0 } };
    h.rows = 2;
    h.min = mn, h.min_n = 4, h.max = mx, h.max_n = 4, h.old_stats = 1;
    h_finish(&file, &pages, li, 2, &h);
    REQUIRE(h_read(&file, &r, &v, err, sizeof err) == SL_OK);
    sl_pq_chunk_info ci;
    REQUIRE(sl_pq_reader_chunk_info(r, 0, 0, &ci, err, sizeof err) == SL_OK);
    CHECK(ci.stats.has_min_max && ci.stats.min.u.i == -5 && ci.stats.max.u.i == 7);
    CHECK_EQ_INT(ci.stats.null_count, 0);
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);
    sl_buf_free(&pages);

    /* BYTE_ARRAY with deprecated min/max: ignored (signed byte order was wrong) */
    uint8_t sb[] = { 1, 0, 0, 0, 'a' };
    h_page(&pages, SL_PQP_DATA_PAGE, -1, sb, 5, 1, SL_PQE_PLAIN, SL_PQE_RLE);
    hleaf ls[] = { ROOT(1), { "s", SL_PQT_BYTE_ARRAY, SL_PQR_REQUIRED, -1, 0, 0, 0, 0 } };
    h.rows = 1;
    h.min = "a", h.min_n = 1, h.max = "a", h.max_n = 1, h.old_stats = 1;
    h_finish(&file, &pages, ls, 2, &h);
    REQUIRE(h_read(&file, &r, &v, err, sizeof err) == SL_OK);
    REQUIRE(sl_pq_reader_chunk_info(r, 0, 0, &ci, err, sizeof err) == SL_OK);
    CHECK(!ci.stats.has_min_max);
    CHECK(str_is(&v[0], "a"));
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);
    /* the same with min_value/max_value: used */
    h.old_stats = 0;
    h_finish(&file, &pages, ls, 2, &h);
    REQUIRE(h_read(&file, &r, &v, err, sizeof err) == SL_OK);
    REQUIRE(sl_pq_reader_chunk_info(r, 0, 0, &ci, err, sizeof err) == SL_OK);
    CHECK(ci.stats.has_min_max && str_is(&ci.stats.min, "a"));
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);
    sl_buf_free(&pages);
}

/* INT32 annotated UINT_32 reads as int64 without sign extension (PLAIN and
 * BYTE_STREAM_SPLIT); a FIXED_LEN_BYTE_ARRAY in BYTE_STREAM_SPLIT too. */
static void test_hand_uint32_and_stream_split(void)
{
    sl_buf pages = { 0 }, file = { 0 };
    uint8_t u[8] = { 0xff, 0xff, 0xff, 0xff, 7, 0, 0, 0 };
    h_page(&pages, SL_PQP_DATA_PAGE, -1, u, 8, 2, SL_PQE_PLAIN, SL_PQE_RLE);
    uint8_t split[8] = { 0xff, 7, 0xff, 0, 0xff, 0, 0xff, 0 }; /* the same two values */
    h_page(&pages, SL_PQP_DATA_PAGE, -1, split, 8, 2, SL_PQE_BYTE_STREAM_SPLIT, SL_PQE_RLE);
    hleaf l[] = { ROOT(1), { "u", SL_PQT_INT32, SL_PQR_REQUIRED, -1, 13 /* UINT_32 */, 0, 0, 0 } };
    hchunk h = H_DEFAULT;
    h.rows = 4;
    h_finish(&file, &pages, l, 2, &h);
    sl_pq_reader *r;
    const sl_value *v;
    char err[512];
    REQUIRE(h_read(&file, &r, &v, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(v[0].u.i, 4294967295LL);
    CHECK_EQ_INT(v[1].u.i, 7);
    CHECK_EQ_INT(v[2].u.i, 4294967295LL);
    CHECK_EQ_INT(v[3].u.i, 7);
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);
    sl_buf_free(&pages);

    uint8_t fx[6] = { 'a', 'c', 'b', 'd', 'x', 'y' }; /* streams of 2 values of 3 bytes */
    h_page(&pages, SL_PQP_DATA_PAGE, -1, fx, 6, 2, SL_PQE_BYTE_STREAM_SPLIT, SL_PQE_RLE);
    hleaf lf[] = { ROOT(1), { "f", SL_PQT_FIXED_LEN_BYTE_ARRAY, SL_PQR_REQUIRED, -1, -1, 0, 0, 3 } };
    h.rows = 2;
    h_finish(&file, &pages, lf, 2, &h);
    REQUIRE(h_read(&file, &r, &v, err, sizeof err) == SL_OK);
    CHECK(v[0].u.s.n == 3 && memcmp(v[0].u.s.p, "abx", 3) == 0);
    CHECK(v[1].u.s.n == 3 && memcmp(v[1].u.s.p, "cdy", 3) == 0);
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);
    sl_buf_free(&pages);
}

/* Schemas sluice cannot read are rejected at open with the reason. */
static void test_hand_unsupported_schemas(void)
{
    sl_buf pages = { 0 }, file = { 0 };
    sl_pq_reader *r;
    const sl_value *v;
    char err[512];
    hchunk h = H_DEFAULT;
    h.rows = -1; /* no row groups */

    hleaf nested[] = { ROOT(1), { "grp", -1, SL_PQR_OPTIONAL, 1, -1, 0, 0, 0 },
                       { "leaf", SL_PQT_INT32, SL_PQR_OPTIONAL, -1, -1, 0, 0, 0 } };
    h_finish(&file, &pages, nested, 3, &h);
    CHECK(h_read(&file, &r, &v, err, sizeof err) != SL_OK && r == NULL);
    CHECK_HAS(err, "column 'grp' is a nested group: nested schemas are not supported");
    sl_buf_free(&file);

    hleaf repeated[] = { ROOT(1), { "tags", SL_PQT_BYTE_ARRAY, SL_PQR_REPEATED, -1, 0, 0, 0, 0 } };
    h_finish(&file, &pages, repeated, 2, &h);
    CHECK(h_read(&file, &r, &v, err, sizeof err) != SL_OK && r == NULL);
    CHECK_HAS(err, "column 'tags' is REPEATED: repeated fields are not supported");
    sl_buf_free(&file);

    hleaf dec[] = { ROOT(1), { "price", SL_PQT_INT32, SL_PQR_OPTIONAL, -1, -1, SL_PQLT_DECIMAL, 0, 0 } };
    h_finish(&file, &pages, dec, 2, &h);
    CHECK(h_read(&file, &r, &v, err, sizeof err) != SL_OK && r == NULL);
    CHECK_HAS(err, "column 'price': DECIMAL is not supported");
    sl_buf_free(&file);

    hleaf u64[] = { ROOT(1), { "n", SL_PQT_INT64, SL_PQR_OPTIONAL, -1, 14 /* UINT_64 */, 0, 0, 0 } };
    h_finish(&file, &pages, u64, 2, &h);
    CHECK(h_read(&file, &r, &v, err, sizeof err) != SL_OK && r == NULL);
    CHECK_HAS(err, "unsigned 64-bit integers are not supported");
    sl_buf_free(&file);

    /* a zero-row file with a valid schema opens */
    hleaf ok[] = { ROOT(1), { "n", SL_PQT_INT32, SL_PQR_REQUIRED, -1, 13 /* UINT_32 */, 0, 0, 0 } };
    h_finish(&file, &pages, ok, 2, &h);
    REQUIRE(h_read(&file, &r, &v, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(sl_pq_reader_nrows(r), 0);
    CHECK_EQ_INT(sl_pq_reader_column(r, 0)->type, SL_T_INT64);
    CHECK_EQ_STR(sl_pq_reader_created_by(r), "hand v1");
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);
}

/* Corrupt structure: each problem gets its own message. */
static void test_hand_corruptions(void)
{
    sl_buf pages = { 0 }, file = { 0 };
    sl_pq_reader *r;
    const sl_value *v;
    char err[512];
    hleaf l[] = { ROOT(1), { "x", SL_PQT_INT32, SL_PQR_REQUIRED, -1, -1, 0, 0, 0 } };
    uint8_t four[16] = { 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0 };
    h_page(&pages, SL_PQP_DATA_PAGE, -1, four, 16, 4, SL_PQE_PLAIN, SL_PQE_RLE);
    hchunk h = H_DEFAULT;

    /* the chunk's length cuts the page header */
    h.rows = 4;
    h.len = 5;
    h_finish(&file, &pages, l, 2, &h);
    CHECK_EQ_INT(h_read(&file, &r, &v, err, sizeof err), SL_ERR_CORRUPT);
    CHECK_HAS(err, "column 'x' row group 0: page header at offset 4: ");
    CHECK_HAS(err, "truncated");
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);

    /* the chunk's length cuts the page body */
    h.len = (int64_t)pages.len - 1;
    h_finish(&file, &pages, l, 2, &h);
    CHECK_EQ_INT(h_read(&file, &r, &v, err, sizeof err), SL_ERR_CORRUPT);
    CHECK_HAS(err, "runs past the end of the column chunk");
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);

    /* the chunk lies beyond the data area */
    h.len = -1;
    h.data_off = 1000000;
    h_finish(&file, &pages, l, 2, &h);
    CHECK_EQ_INT(h_read(&file, &r, &v, err, sizeof err), SL_ERR_CORRUPT);
    CHECK_HAS(err, "lies outside the data area");
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);

    /* the row group claims more rows than the pages hold */
    h.data_off = -1;
    h.rows = 6;
    h_finish(&file, &pages, l, 2, &h);
    CHECK_EQ_INT(h_read(&file, &r, &v, err, sizeof err), SL_ERR_CORRUPT);
    CHECK_HAS(err, "column chunk ends after 4 of 6 values");
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);

    /* ... or fewer */
    h.rows = 3;
    h_finish(&file, &pages, l, 2, &h);
    CHECK_EQ_INT(h_read(&file, &r, &v, err, sizeof err), SL_ERR_CORRUPT);
    CHECK_HAS(err, "page has 4 values but only 3 of the row group's 3 rows remain");
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);

    /* chunk num_values disagrees with the row group */
    h.rows = 4;
    h.num_values = 9;
    h_finish(&file, &pages, l, 2, &h);
    CHECK_EQ_INT(h_read(&file, &r, &v, err, sizeof err), SL_ERR_CORRUPT);
    CHECK_HAS(err, "chunk has 9 values but the row group has 4 rows");
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);

    /* footer row count disagrees with the row groups */
    h.num_values = -1;
    h.file_rows = 5;
    h_finish(&file, &pages, l, 2, &h);
    CHECK(h_read(&file, &r, &v, err, sizeof err) != SL_OK && r == NULL);
    CHECK_HAS(err, "footer: the footer says 5 rows but its row groups hold 4");
    sl_buf_free(&file);

    /* an implausible row count for the file size is refused before any allocation */
    h.file_rows = -1;
    h.rows = 1LL << 40;
    h_finish(&file, &pages, l, 2, &h);
    CHECK(h_read(&file, &r, &v, err, sizeof err) != SL_OK && r == NULL);
    CHECK_HAS(err, "implausible");
    sl_buf_free(&file);

    /* an encoding number that does not exist, and DELTA data cut short */
    sl_buf_free(&pages);
    h_page(&pages, SL_PQP_DATA_PAGE, -1, four, 16, 4, 42, SL_PQE_RLE);
    h.rows = 4;
    h_finish(&file, &pages, l, 2, &h);
    CHECK_EQ_INT(h_read(&file, &r, &v, err, sizeof err), SL_ERR_UNSUPPORTED);
    CHECK_HAS(err, "encoding (unknown) is not supported");
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);
    sl_buf_free(&pages);
    uint8_t delta[] = { 0x80, 0x01, 0x04, 0x04, 0x02, 0x00 }; /* header, then no block */
    h_page(&pages, SL_PQP_DATA_PAGE, -1, delta, sizeof delta, 4, SL_PQE_DELTA_BINARY_PACKED,
           SL_PQE_RLE);
    h_finish(&file, &pages, l, 2, &h);
    CHECK_EQ_INT(h_read(&file, &r, &v, err, sizeof err), SL_ERR_CORRUPT);
    CHECK_HAS(err, "DELTA_BINARY_PACKED bit widths truncated");
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);
    sl_buf_free(&pages);
    h_page(&pages, SL_PQP_DATA_PAGE, -1, delta, 3, 4, SL_PQE_DELTA_BINARY_PACKED, SL_PQE_RLE);
    h_finish(&file, &pages, l, 2, &h);
    CHECK_EQ_INT(h_read(&file, &r, &v, err, sizeof err), SL_ERR_CORRUPT);
    CHECK_HAS(err, "DELTA_BINARY_PACKED header truncated");
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);
    /* a delta page that decodes: block 128 in 4 miniblocks, 4 values: first 10, min delta -3,
     * miniblock widths 2 (packed deltas 0,1,2 -> values 7, 5, 4) */
    sl_buf_free(&pages);
    uint8_t good[] = { 0x80, 0x01, 0x04, 0x04, 0x14, 0x05, 2, 0, 0, 0, 0x24, 0, 0, 0, 0, 0, 0, 0 };
    h_page(&pages, SL_PQP_DATA_PAGE, -1, good, sizeof good, 4, SL_PQE_DELTA_BINARY_PACKED,
           SL_PQE_RLE);
    h_finish(&file, &pages, l, 2, &h);
    REQUIRE(h_read(&file, &r, &v, err, sizeof err) == SL_OK);
    CHECK(v[0].u.i == 10 && v[1].u.i == 7 && v[2].u.i == 5 && v[3].u.i == 4);
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);

    /* PLAIN data shorter than the values it claims */
    sl_buf_free(&pages);
    h_page(&pages, SL_PQP_DATA_PAGE, -1, four, 10, 4, SL_PQE_PLAIN, SL_PQE_RLE);
    h.rows = 4;
    h_finish(&file, &pages, l, 2, &h);
    CHECK_EQ_INT(h_read(&file, &r, &v, err, sizeof err), SL_ERR_CORRUPT);
    CHECK_HAS(err, "PLAIN data truncated: 4 values need 16 bytes, the page has 10");
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);

    /* a page checksum that does not match; then one that does */
    sl_buf_free(&pages);
    uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), four, 16);
    h_page_crc(&pages, four, 16, 4, crc ^ 1);
    h_finish(&file, &pages, l, 2, &h);
    CHECK_EQ_INT(h_read(&file, &r, &v, err, sizeof err), SL_ERR_CORRUPT);
    CHECK_HAS(err, "page checksum mismatch");
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);
    sl_buf_free(&pages);
    h_page_crc(&pages, four, 16, 4, crc);
    h_finish(&file, &pages, l, 2, &h);
    REQUIRE(h_read(&file, &r, &v, err, sizeof err) == SL_OK);
    CHECK(v[0].u.i == 1 && v[3].u.i == 4);
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);

    /* a SNAPPY page whose header lies about the uncompressed size */
    sl_buf_free(&pages);
    sl_buf comp = { 0 };
    sl_codec *cc = sl_codec_new();
    REQUIRE(sl_codec_compress(cc, SL_PQ_SNAPPY, 0, four, 16, &comp, err, sizeof err) == SL_OK);
    sl_codec_destroy(cc);
    h_page(&pages, SL_PQP_DATA_PAGE, 20, comp.data, comp.len, 4, SL_PQE_PLAIN, SL_PQE_RLE);
    h.codec = SL_PQ_SNAPPY;
    h_finish(&file, &pages, l, 2, &h);
    CHECK_EQ_INT(h_read(&file, &r, &v, err, sizeof err), SL_ERR_CORRUPT);
    CHECK_HAS(err, "column 'x' row group 0: page at offset 4: ");
    CHECK_HAS(err, "16");
    CHECK_HAS(err, "20");
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);
    /* the same page is fine with the right size */
    sl_buf_free(&pages);
    h_page(&pages, SL_PQP_DATA_PAGE, 16, comp.data, comp.len, 4, SL_PQE_PLAIN, SL_PQE_RLE);
    h_finish(&file, &pages, l, 2, &h);
    REQUIRE(h_read(&file, &r, &v, err, sizeof err) == SL_OK);
    CHECK(v[0].u.i == 1 && v[3].u.i == 4);
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);
    /* a codec sluice lacks */
    h.codec = 5; /* LZ4 */
    h_finish(&file, &pages, l, 2, &h);
    CHECK_EQ_INT(h_read(&file, &r, &v, err, sizeof err), SL_ERR_UNSUPPORTED);
    CHECK_HAS(err, "codec LZ4 is not supported");
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);
    /* a page larger than the limit is refused before allocating */
    h.codec = SL_PQ_SNAPPY;
    sl_buf_free(&pages);
    h_page(&pages, SL_PQP_DATA_PAGE, 0x7fffffff, comp.data, comp.len, 4, SL_PQE_PLAIN, SL_PQE_RLE);
    h_finish(&file, &pages, l, 2, &h);
    CHECK_EQ_INT(h_read(&file, &r, &v, err, sizeof err), SL_ERR_LIMIT);
    CHECK_HAS(err, "exceeds the 256 MiB limit");
    sl_pq_reader_destroy(r);
    sl_buf_free(&file);
    sl_buf_free(&comp);
    sl_buf_free(&pages);
}

/* The file's frame: magic, footer length, footer bytes. */
static void test_frame_errors(void)
{
    char err[512];
    sl_in in;
    struct {
        const char *bytes;
        size_t n;
        sl_err want;
        const char *msg;
    } cases[] = {
        { "", 0, SL_ERR_CORRUPT, "not a Parquet file: 0 bytes is too small (minimum 12)" },
        { "PAR1PAR1", 8, SL_ERR_CORRUPT, "too small" },
        { "XXXX\x04\0\0\0\0\0\0\0PAR1", 16, SL_ERR_CORRUPT, "bad magic at the start" },
        { "PAR1\x04\0\0\0\0\0\0\0PAR2", 16, SL_ERR_CORRUPT, "bad magic at the end" },
        { "PAR1\x04\0\0\0\0\0\0\0PARE", 16, SL_ERR_UNSUPPORTED, "encrypted" },
        { "PAR1\x04\0\0\0\x09\0\0\0PAR1", 16, SL_ERR_CORRUPT,
          "footer length 9 does not fit in the file (16 bytes)" },
        { "PAR1\0\0\0\0\0\0\0\0PAR1", 16, SL_ERR_CORRUPT, "footer length 0" },
        { "PAR1\x19\x0c\x00\x00\x04\0\0\0PAR1", 16, SL_ERR_CORRUPT, "footer: " },
        { "PAR1\x15\x02\x00\x00\x04\0\0\0PAR1", 16, SL_ERR_CORRUPT,
          "footer: FileMetaData lacks required field schema" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        in = sl_in_mem(cases[i].bytes, cases[i].n);
        err[0] = 0;
        sl_pq_reader *r = sl_pq_reader_open(&in, err, sizeof err);
        CHECK(r == NULL);
        sl_pq_reader_destroy(r);
        CHECK_HAS(err, cases[i].msg);
    }
}

int main(void)
{
    T_RUN(test_duckdb_all_types_every_codec);
    T_RUN(test_duckdb_dictionary);
    T_RUN(test_duckdb_timestamp_units);
    T_RUN(test_arrow_files);
    T_RUN(test_duckdb_v2_delta);
    T_RUN(test_arrow_v2_encodings);
    T_RUN(test_arrow_rle_booleans);
    T_RUN(test_cursor);
    T_RUN(test_io_pattern);
    T_RUN(test_fd_input_and_ranges);
    T_RUN(test_mutations_never_crash);
    T_RUN(test_hand_dictionary);
    T_RUN(test_hand_bit_packed_levels_index_page_fixed);
    T_RUN(test_hand_data_page_v2);
    T_RUN(test_hand_int96_and_old_stats);
    T_RUN(test_hand_uint32_and_stream_split);
    T_RUN(test_hand_unsupported_schemas);
    T_RUN(test_hand_corruptions);
    T_RUN(test_frame_errors);
    return t_done();
}
