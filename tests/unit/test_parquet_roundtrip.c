/*
 * test_parquet_roundtrip.c: property test of the Parquet writer + reader pair.
 * For each seed: a random flat schema (every sl_type, required and optional), random
 * rows (nulls at random rates, empty, long and non-ASCII strings, NaN, infinities,
 * -0.0, integer extremes, far timestamps and dates), random writer options (every
 * codec, pages and row groups from tiny to default, dictionary limit tiny or off,
 * INT96 timestamps). The file is written to memory, read back, and every cell is
 * compared exactly, with the schema, row counts, key/value metadata and each
 * chunk's statistics (null_count; min/max are bounds that some value attains).
 * A failure prints the seed, so a case can be replayed with SL_RT_SEED=<seed>.
 * SL_RT_ITERS=<n> runs more random seeds after the fixed ones.
 */
#include "t.h"

#include "common/common.h"
#include "common/types.h"
#include "parquet/parquet.h"

#include <float.h>
#include <math.h>
#include <stdint.h>

#define MAX_COLS 9

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static uint64_t below(rng *r, uint64_t n) { return n ? next(r) % n : 0; }
static int chance(rng *r, double p) { return (double)(next(r) >> 11) / 9007199254740992.0 < p; }

/* One generated case: schema, options, the expected cells (strings malloc'd). */
typedef struct rcase {
    sl_column cols[MAX_COLS];
    char names[MAX_COLS][32];
    size_t ncols;
    sl_pq_options opts;
    size_t nrows;
    sl_value *cells; /* nrows * ncols */
    double null_rate[MAX_COLS];
    int low_card[MAX_COLS]; /* values drawn from a small set (dictionary-friendly) */
} rcase;

/* A string or binary of a random shape: empty, short ASCII, UTF-8, control
 * characters, long, or (binary) any bytes. Returns a malloc'd buffer. */
static char *gen_bytes(rng *r, sl_type t, int low_card, uint32_t *len)
{
    static const char *const utf8[] = { "é", "中文", "🙂", "Ω", "\xe2\x80\xa8" };
    size_t n;
    uint64_t shape = low_card ? 1 : below(r, 10);
    if (low_card)
        n = 1 + below(r, 3);
    else if (shape == 0)
        n = 0;
    else if (shape == 9)
        n = 500 + below(r, 5000);
    else
        n = below(r, 40);
    char *s = malloc(n + 8);
    size_t k = 0;
    while (k < n) {
        if (t == SL_T_BINARY && !low_card) {
            s[k++] = (char)below(r, 256);
        } else if (low_card) {
            s[k++] = (char)('a' + below(r, 3));
        } else if (shape == 3 && chance(r, 0.3)) {
            s[k++] = (char)below(r, 32); /* control characters, NUL included */
        } else if (shape == 4 && chance(r, 0.3)) {
            const char *u = utf8[below(r, 5)];
            size_t ul = strlen(u);
            if (k + ul > n)
                break;
            memcpy(s + k, u, ul);
            k += ul;
        } else {
            s[k++] = (char)(' ' + below(r, 95));
        }
    }
    *len = (uint32_t)k;
    return s;
}

static double gen_double(rng *r, int low_card)
{
    static const double specials[] = { 0.0, -0.0, 1.0, -1.5, DBL_MAX, -DBL_MAX, DBL_MIN,
                                       4.9e-324, 1e300, 0.1 };
    if (low_card)
        return (double)below(r, 4) / 4;
    uint64_t k = below(r, 20);
    if (k == 0)
        return NAN;
    if (k == 1)
        return chance(r, 0.5) ? INFINITY : -INFINITY;
    if (k < 6)
        return specials[below(r, sizeof specials / sizeof specials[0])];
    uint64_t bits = next(r);
    double d;
    memcpy(&d, &bits, 8);
    if (isnan(d))
        d = (double)(int64_t)next(r) / 1e6;
    return d;
}

static int64_t gen_int(rng *r, sl_type t, int low_card)
{
    if (t == SL_T_BOOL)
        return low_card ? 1 : (int64_t)below(r, 2);
    if (low_card)
        return (int64_t)below(r, 5) - 2;
    uint64_t k = below(r, 10);
    switch (t) {
    case SL_T_INT32:
        if (k == 0)
            return INT32_MIN;
        if (k == 1)
            return INT32_MAX;
        return (int32_t)next(r);
    case SL_T_DATE:
        if (k == 0)
            return INT32_MIN;
        if (k == 1)
            return INT32_MAX;
        return 17000 + (int64_t)below(r, 100); /* around 2016-2017 */
    case SL_T_TIMESTAMP:
        if (k == 0)
            return INT64_MIN + 1;
        if (k == 1)
            return INT64_MAX;
        if (k == 2)
            return -(int64_t)below(r, 1000000000000LL); /* before 1970 */
        return 1511222400000000LL + (int64_t)below(r, 5832000000000LL); /* 2017-11-21 .. */
    default:
        if (k == 0)
            return INT64_MIN;
        if (k == 1)
            return INT64_MAX;
        return (int64_t)next(r);
    }
}

/* Builds the case for `seed`. With every_type, the schema is fixed instead (each
 * type optional, then a required string) and so are the codec and `variant` of
 * the options: 0 defaults, 1 tiny pages and row groups, 2 tiny dictionary limit,
 * 3 no dictionary, 4 INT96 timestamps and tiny pages. */
static void gen_case(rcase *c, uint64_t seed, int every_type, sl_pq_codec codec, int variant)
{
    rng r = { seed };
    memset(c, 0, sizeof *c);
    static const sl_pq_codec codecs[] = { SL_PQ_UNCOMPRESSED, SL_PQ_SNAPPY, SL_PQ_GZIP,
                                          SL_PQ_ZSTD };
    static const size_t page_sizes[] = { 0, 1, 64, 700, 8192 };
    static const size_t rg_sizes[] = { 0, 1, 300, 5000, 100000 };
    static const size_t dict_sizes[] = { 0, 1, 40, 1000 };
    static const size_t row_counts[] = { 0, 1, 2, 9, 100, 777, 2500 };
    c->opts = sl_pq_options_default();
    c->opts.codec = codecs[below(&r, 4)];
    c->opts.page_bytes = page_sizes[below(&r, 5)];
    c->opts.row_group_bytes = rg_sizes[below(&r, 5)];
    c->opts.dict_max_bytes = dict_sizes[below(&r, 4)];
    c->opts.disable_dictionary = chance(&r, 0.2);
    c->opts.int96_timestamps = chance(&r, 0.2);
    c->ncols = 1 + below(&r, MAX_COLS);
    c->nrows = row_counts[below(&r, 7)];
    if (c->opts.row_group_bytes == 1 && c->nrows > 100)
        c->nrows = 100; /* one row group per row: keep the footer modest */
    if (every_type) {
        c->opts = sl_pq_options_default();
        c->opts.codec = codec;
        c->opts.page_bytes = variant == 1 || variant == 4 ? 50 : 0;
        c->opts.row_group_bytes = variant == 1 ? 2000 : 0;
        c->opts.dict_max_bytes = variant == 2 ? 30 : 0;
        c->opts.disable_dictionary = variant == 3;
        c->opts.int96_timestamps = variant == 4;
        c->ncols = MAX_COLS;
        c->nrows = 600;
    }
    for (size_t i = 0; i < c->ncols; i++) {
        snprintf(c->names[i], sizeof c->names[i], "c%zu_%u", i, (unsigned)below(&r, 100));
        c->cols[i].name = c->names[i];
        c->cols[i].type = (sl_type)below(&r, 8);
        c->cols[i].required = chance(&r, 0.4);
        static const double rates[] = { 0.0, 0.1, 0.5, 0.95, 1.0 };
        c->null_rate[i] = c->cols[i].required ? 0.0 : rates[below(&r, 5)];
        c->low_card[i] = chance(&r, 0.4);
        if (every_type) {
            c->cols[i].type = i < 8 ? (sl_type)i : SL_T_STRING;
            c->cols[i].required = i == 8;
            c->null_rate[i] = i == 8 ? 0.0 : 0.2;
            c->low_card[i] = i % 2;
        }
    }
    c->cells = calloc(c->nrows * c->ncols + 1, sizeof *c->cells);
    for (size_t row = 0; row < c->nrows; row++) {
        for (size_t i = 0; i < c->ncols; i++) {
            sl_value *v = &c->cells[row * c->ncols + i];
            sl_type t = c->cols[i].type;
            if (chance(&r, c->null_rate[i])) {
                v->is_null = 1;
                continue;
            }
            if (t == SL_T_STRING || t == SL_T_BINARY) {
                uint32_t n;
                v->u.s.p = gen_bytes(&r, t, c->low_card[i], &n);
                v->u.s.n = n;
            } else if (t == SL_T_DOUBLE) {
                v->u.d = gen_double(&r, c->low_card[i]);
            } else {
                v->u.i = gen_int(&r, t, c->low_card[i]);
            }
        }
    }
}

static void free_case(rcase *c)
{
    for (size_t k = 0; k < c->nrows * c->ncols; k++) {
        sl_type t = c->cols[k % c->ncols].type;
        if ((t == SL_T_STRING || t == SL_T_BINARY) && !c->cells[k].is_null)
            free((char *)c->cells[k].u.s.p);
    }
    free(c->cells);
}

/* Exact equality of two cells of type t (doubles bit for bit; any NaN equals any NaN). */
static int same_value(sl_type t, const sl_value *a, const sl_value *b)
{
    if (a->is_null || b->is_null)
        return a->is_null && b->is_null;
    switch (t) {
    case SL_T_DOUBLE:
        if (isnan(a->u.d) || isnan(b->u.d))
            return isnan(a->u.d) && isnan(b->u.d);
        return memcmp(&a->u.d, &b->u.d, 8) == 0;
    case SL_T_STRING:
    case SL_T_BINARY:
        return a->u.s.n == b->u.s.n && (a->u.s.n == 0 || memcmp(a->u.s.p, b->u.s.p, a->u.s.n) == 0);
    default: return a->u.i == b->u.i;
    }
}

/* Order used by statistics: <0, 0, >0 (doubles numerically, bytes unsigned). */
static int cmp_value(sl_type t, const sl_value *a, const sl_value *b)
{
    switch (t) {
    case SL_T_DOUBLE: return a->u.d < b->u.d ? -1 : a->u.d > b->u.d;
    case SL_T_STRING:
    case SL_T_BINARY: {
        size_t n = a->u.s.n < b->u.s.n ? a->u.s.n : b->u.s.n;
        int c = n ? memcmp(a->u.s.p, b->u.s.p, n) : 0;
        return c ? c : (a->u.s.n > b->u.s.n) - (a->u.s.n < b->u.s.n);
    }
    default: return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
    }
}

/* Runs one case; returns 0 when everything matched (failures are reported via CHECK). */
static int run_case(uint64_t seed, int every_type, sl_pq_codec codec, int variant)
{
    rcase c;
    gen_case(&c, seed, every_type, codec, variant);
    int failed_before = t_failed_in_test;
    t_failed_in_test = 0;
    char err[512] = "";
    sl_buf file = { 0 };
    sl_pq_reader *rd = NULL;
    sl_pq_writer *w = sl_pq_writer_new(c.cols, c.ncols, &c.opts, sl_out_mem(&file), err, sizeof err);
    if (!w) {
        fprintf(stderr, "  seed %llu: writer_new: %s\n", (unsigned long long)seed, err);
        CHECK(w != NULL);
        goto done;
    }
    CHECK(sl_pq_writer_add_kv(w, "sluice.test.seed", "roundtrip") == SL_OK);
    for (size_t row = 0; row < c.nrows; row++) {
        sl_err e = sl_pq_writer_write_row(w, &c.cells[row * c.ncols], err, sizeof err);
        if (e != SL_OK) {
            fprintf(stderr, "  seed %llu: write_row %zu: %s\n", (unsigned long long)seed, row, err);
            CHECK(e == SL_OK);
            goto done;
        }
    }
    if (sl_pq_writer_close(w, err, sizeof err) != SL_OK) {
        fprintf(stderr, "  seed %llu: close: %s\n", (unsigned long long)seed, err);
        CHECK(0);
        goto done;
    }
    CHECK_EQ_INT(sl_pq_writer_bytes_written(w), file.len);
    const char *dump = getenv("SL_RT_DUMP"); /* SL_RT_DUMP=FILE keeps the file written */
    if (dump) {
        FILE *f = fopen(dump, "wb");
        CHECK(f && fwrite(file.data, 1, file.len, f) == file.len && fclose(f) == 0);
    }

    sl_in in = sl_in_mem(file.data, file.len);
    rd = sl_pq_reader_open(&in, err, sizeof err);
    if (!rd) {
        fprintf(stderr, "  seed %llu: reader_open: %s\n", (unsigned long long)seed, err);
        CHECK(rd != NULL);
        goto done;
    }
    CHECK_EQ_INT(sl_pq_reader_ncols(rd), c.ncols);
    CHECK_EQ_INT(sl_pq_reader_nrows(rd), c.nrows);
    CHECK_EQ_STR(sl_pq_reader_created_by(rd), sl_version_line());
    int found_kv = 0;
    for (size_t i = 0; i < sl_pq_reader_nkv(rd); i++) {
        const char *k, *v;
        sl_pq_reader_kv(rd, i, &k, &v);
        found_kv += strcmp(k, "sluice.test.seed") == 0 && strcmp(v, "roundtrip") == 0;
    }
    CHECK_EQ_INT(found_kv, 1);
    for (size_t i = 0; i < c.ncols && i < sl_pq_reader_ncols(rd); i++) {
        const sl_column *col = sl_pq_reader_column(rd, i);
        CHECK_EQ_STR(col->name, c.cols[i].name);
        CHECK_EQ_INT(col->type, c.cols[i].type);
        CHECK_EQ_INT(col->required, c.cols[i].required);
    }
    if (t_failed_in_test)
        goto done;
    size_t base = 0;
    for (size_t g = 0; g < sl_pq_reader_nrow_groups(rd); g++) {
        int64_t rows = sl_pq_reader_row_group_rows(rd, g);
        CHECK(rows > 0 && base + (size_t)rows <= c.nrows);
        if (t_failed_in_test)
            goto done;
        for (size_t i = 0; i < c.ncols; i++) {
            sl_type t = c.cols[i].type;
            const sl_value *vals;
            if (sl_pq_reader_read_column(rd, g, i, &vals, err, sizeof err) != SL_OK) {
                fprintf(stderr, "  seed %llu: read rg %zu col %zu: %s\n",
                        (unsigned long long)seed, g, i, err);
                CHECK(0);
                goto done;
            }
            int64_t nulls = 0;
            const sl_value *lo = NULL, *hi = NULL;
            for (int64_t k = 0; k < rows; k++) {
                const sl_value *want = &c.cells[(base + (size_t)k) * c.ncols + i];
                if (!same_value(t, &vals[k], want)) {
                    fprintf(stderr, "  seed %llu: rg %zu col %zu (%s) row %zu differs\n",
                            (unsigned long long)seed, g, i, sl_type_name(t), base + (size_t)k);
                    CHECK(0);
                    goto done;
                }
                if (want->is_null) {
                    nulls++;
                    continue;
                }
                if (t == SL_T_DOUBLE && isnan(want->u.d))
                    continue;
                if (!lo || cmp_value(t, want, lo) < 0)
                    lo = want;
                if (!hi || cmp_value(t, want, hi) > 0)
                    hi = want;
            }
            sl_pq_chunk_info ci;
            CHECK(sl_pq_reader_chunk_info(rd, g, i, &ci, err, sizeof err) == SL_OK);
            CHECK_EQ_INT(ci.num_values, rows);
            CHECK_EQ_INT(ci.stats.null_count, nulls);
            CHECK_EQ_INT(ci.codec, c.opts.codec);
            if (ci.stats.has_min_max) {
                /* Bounds that some value attains. INT96 files carry none. */
                CHECK(lo != NULL);
                CHECK(!(c.opts.int96_timestamps && t == SL_T_TIMESTAMP));
                if (lo) {
                    CHECK(cmp_value(t, &ci.stats.min, lo) == 0);
                    CHECK(cmp_value(t, &ci.stats.max, hi) == 0);
                }
            } else if (lo && t != SL_T_STRING && t != SL_T_BINARY &&
                       !(c.opts.int96_timestamps && t == SL_T_TIMESTAMP)) {
                CHECK(ci.stats.has_min_max); /* fixed-width non-null values always get bounds */
            }
            if (t_failed_in_test) {
                fprintf(stderr, "  seed %llu: rg %zu col %zu (%s): chunk metadata differs\n",
                        (unsigned long long)seed, g, i, sl_type_name(t));
                goto done;
            }
        }
        base += (size_t)rows;
    }
    CHECK_EQ_INT(base, c.nrows);
    /* The same values through cursors (page by page), one per column, reused across
     * row groups and interleaved column by column as a row scan would. */
    sl_pq_cursor *curs[MAX_COLS] = { 0 };
    for (size_t i = 0; i < c.ncols; i++)
        CHECK((curs[i] = sl_pq_cursor_new(rd, i)) != NULL);
    CHECK(sl_pq_cursor_new(rd, c.ncols) == NULL);
    size_t seen[MAX_COLS] = { 0 };
    for (size_t i = 0; i < c.ncols; i++)
        if (!curs[i])
            goto done_cursors;
    for (size_t g = 0; g < sl_pq_reader_nrow_groups(rd) && !t_failed_in_test; g++) {
        for (size_t i = 0; i < c.ncols; i++)
            CHECK(sl_pq_cursor_start(curs[i], g, err, sizeof err) == SL_OK);
        for (int more = 1; more && !t_failed_in_test;) {
            more = 0;
            for (size_t i = 0; i < c.ncols; i++) {
                const sl_value *vals;
                size_t n;
                if (sl_pq_cursor_next(curs[i], &vals, &n, err, sizeof err) != SL_OK) {
                    fprintf(stderr, "  seed %llu: cursor rg %zu col %zu: %s\n",
                            (unsigned long long)seed, g, i, err);
                    CHECK(0);
                    break;
                }
                more |= n > 0;
                for (size_t k = 0; k < n && seen[i] + k < c.nrows; k++)
                    if (!same_value(c.cols[i].type, &vals[k],
                                    &c.cells[(seen[i] + k) * c.ncols + i])) {
                        fprintf(stderr, "  seed %llu: cursor col %zu row %zu differs\n",
                                (unsigned long long)seed, i, seen[i] + k);
                        CHECK(0);
                        break;
                    }
                seen[i] += n;
            }
        }
    }
    for (size_t i = 0; i < c.ncols; i++)
        CHECK_EQ_INT(seen[i], c.nrows);
done_cursors:
    for (size_t i = 0; i < c.ncols; i++)
        sl_pq_cursor_destroy(curs[i]);
done:
    if (t_failed_in_test)
        fprintf(stderr, "  failing case: seed %llu (replay with SL_RT_SEED=%llu)\n",
                (unsigned long long)seed, (unsigned long long)seed);
    int bad = t_failed_in_test;
    t_failed_in_test |= failed_before;
    sl_pq_reader_destroy(rd);
    sl_pq_writer_destroy(w);
    sl_buf_free(&file);
    free_case(&c);
    return bad;
}

/* The fixed seeds: always run, so a regression shows up the same way every time. */
static void test_fixed_seeds(void)
{
    int bad = 0;
    for (uint64_t seed = 1; seed <= 120 && bad < 3; seed++)
        bad += run_case(seed, 0, SL_PQ_UNCOMPRESSED, 0);
    CHECK_EQ_INT(bad, 0);
}

/* Every type (optional, plus a required string) under every codec and each
 * option extreme: tiny pages and row groups, dictionary fallback, no
 * dictionary, INT96. */
static void test_every_type_every_codec(void)
{
    static const sl_pq_codec codecs[] = { SL_PQ_UNCOMPRESSED, SL_PQ_SNAPPY, SL_PQ_GZIP,
                                          SL_PQ_ZSTD };
    int bad = 0;
    for (int k = 0; k < 4; k++)
        for (int variant = 0; variant < 5 && bad < 3; variant++)
            bad += run_case(5000 + (uint64_t)(k * 10 + variant), 1, codecs[k], variant);
    CHECK_EQ_INT(bad, 0);
}

/* Environment-driven replay and extra iterations (nothing by default). */
static void test_env_seeds(void)
{
    const char *one = getenv("SL_RT_SEED");
    const char *iters = getenv("SL_RT_ITERS");
    if (one)
        CHECK_EQ_INT(run_case(strtoull(one, NULL, 10), 0, SL_PQ_UNCOMPRESSED, 0), 0);
    if (iters) {
        int bad = 0;
        unsigned long n = strtoul(iters, NULL, 10);
        uint64_t start = (uint64_t)sl_now_ns();
        for (unsigned long k = 0; k < n && bad < 3; k++)
            bad += run_case(start + k, 0, SL_PQ_UNCOMPRESSED, 0);
        CHECK_EQ_INT(bad, 0);
    }
}

int main(void)
{
    if (getenv("SL_RT_SEED")) { /* replay one case only */
        T_RUN(test_env_seeds);
        return t_done();
    }
    T_RUN(test_fixed_seeds);
    T_RUN(test_every_type_every_codec);
    if (getenv("SL_RT_ITERS"))
        T_RUN(test_env_seeds);
    return t_done();
}
