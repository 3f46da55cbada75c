/*
 * pq_testfiles: writes Parquet coverage files with sluice's writer, and next to each one the
 * exact text the independent readers must print for it (tests/readers/read.mjs) and the footer
 * facts DuckDB must report (tests/readers/meta.mjs). tests/e2e/parquet_readers.sh runs it.
 *
 *   pq_testfiles [--big-rows N] [--only NAME] OUTDIR
 *
 * For each case NAME it writes OUTDIR/NAME.parquet, OUTDIR/NAME.expected (canonical rows, format
 * in tests/readers/canon.mjs) and, for most cases, OUTDIR/NAME.meta (created_by, row and row
 * group counts, and per column chunk: codec, null_count, min, max). It prints the case names, one
 * per line, on stdout. Every value is a pure function of (case, row, column), so the expected
 * statistics are computed by generating each row group's rows a second time once the writer has
 * shown where it cut the row groups. Exit status 0 on success, 1 on any error (on stderr).
 */
#include "common/common.h"
#include "common/types.h"
#include "parquet/parquet.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXCOLS 24

/* Per-column scratch buffers that generated string/binary cells point into. A generator
 * rewrites column c's buffer for each row, so a row's cells stay valid until the next row. */
typedef struct gen {
    sl_buf scratch[MAXCOLS];
} gen;

typedef void (*gen_fn)(gen *g, int64_t row, sl_value *v);

typedef struct tcase {
    const char *name;
    const sl_column *cols;
    size_t ncols;
    gen_fn fn;
    int64_t rows;           /* -1: the --big-rows count */
    sl_pq_codec codec;
    size_t page_bytes;      /* 0: writer default */
    size_t row_group_bytes; /* 0: writer default */
    size_t dict_max_bytes;  /* 0: writer default */
    int disable_dictionary;
    int int96;
    int meta;               /* 1: write NAME.meta */
    size_t min_row_groups;  /* the case is meant to produce at least this many row groups */
} tcase;

/* ------------------------------------------------------------------ deterministic values */

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* A random 64-bit number that depends only on (row, column slot, k). */
static uint64_t rnd(int64_t row, int slot, int k)
{
    return mix64(mix64((uint64_t)row * 131u + (uint64_t)slot) ^ ((uint64_t)k * 0x632be59bd9b4e019ULL));
}

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static sl_value v_null(void)
{
    sl_value v;
    memset(&v, 0, sizeof v);
    v.is_null = 1;
    return v;
}

static sl_value v_int(int64_t i)
{
    sl_value v;
    memset(&v, 0, sizeof v);
    v.u.i = i;
    return v;
}

static sl_value v_dbl(double d)
{
    sl_value v;
    memset(&v, 0, sizeof v);
    v.u.d = d;
    return v;
}

static sl_value v_bytes(const sl_buf *b)
{
    sl_value v;
    memset(&v, 0, sizeof v);
    v.u.s.p = (const char *)b->data;
    v.u.s.n = (uint32_t)b->len;
    return v;
}

/* Appends to a scratch buffer; generation of test data treats allocation failure as fatal. */
static void put(sl_buf *b, const void *p, size_t n)
{
    if (sl_buf_append(b, p, n) != SL_OK) {
        fprintf(stderr, "pq_testfiles: out of memory\n");
        exit(1);
    }
}

static void put_utf8(sl_buf *b, uint32_t cp)
{
    uint8_t u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (uint8_t)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (uint8_t)(0xC0 | (cp >> 6));
        u[1] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (uint8_t)(0xE0 | (cp >> 12));
        u[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (uint8_t)(0xF0 | (cp >> 18));
        u[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 4;
    }
    put(b, u, n);
}

/* Value generators: the first rows take the extreme/special values (so every case that has
 * enough rows holds all of them), later rows mix random full-range values with small repeated
 * ones (dictionary-friendly). Each depends only on (row, slot). */
static int64_t gen_i32(int64_t row, int slot)
{
    static const int32_t sp[] = { INT32_MIN, INT32_MAX, 0, -1, 1, INT32_MIN + 1, INT32_MAX - 1, 1000000 };
    if (row < (int64_t)NELEMS(sp)) return sp[row];
    uint64_t r = rnd(row, slot, 0);
    switch (r % 4) {
    case 0: return (int32_t)(uint32_t)(r >> 32);
    case 1: return (int64_t)((r >> 40) % 201) - 100;
    case 2: return (int64_t)((r >> 20) % 16);
    default: return -(int64_t)((r >> 33) % 1000000);
    }
}

static int64_t gen_i64(int64_t row, int slot)
{
    static const int64_t sp[] = { INT64_MIN, INT64_MAX, 0, -1, 1, (INT64_C(1) << 53) + 1,
                                  -((INT64_C(1) << 53) + 1), INT64_MIN + 1, INT64_MAX - 1, 1 };
    size_t k = (size_t)(row + slot) % NELEMS(sp);
    if (row < (int64_t)NELEMS(sp)) return sp[k];
    uint64_t r = rnd(row, slot, 0);
    switch (r % 3) {
    case 0: return (int64_t)r;
    case 1: return (int64_t)((r >> 8) % 2000001) - 1000000;
    default: return (int64_t)((r >> 16) % 32);
    }
}

static double gen_f64(int64_t row, int slot)
{
    static const double sp[] = {
        NAN, 0.0, -0.0, INFINITY, -INFINITY, 4.9406564584124654e-324, -4.9406564584124654e-324,
        2.2250738585072009e-308, DBL_MIN, 1e308, DBL_MAX, -DBL_MAX, 0.1, 1.0 / 3.0, 1e21, 1e-7,
        123456789.125, -1.5, 9007199254740993.0, 1e-6, 1e20, 100.0, 5e-7, 1.7976931348623157e308,
    };
    if (row < (int64_t)NELEMS(sp)) return sp[(size_t)(row + slot) % NELEMS(sp)];
    uint64_t r = rnd(row, slot, 0);
    switch (r % 4) {
    case 0: {
        uint64_t bits = rnd(row, slot, 1);
        double d;
        memcpy(&d, &bits, sizeof d);
        return d;
    }
    case 1: return (double)((int64_t)((r >> 8) % 200001) - 100000) / 8.0;
    case 2: return (double)(r >> 11) / 9007199254740992.0 * 1e10;
    default: return (double)((r >> 20) % 10);
    }
}

static int64_t gen_ts(int64_t row, int slot)
{
    static const int64_t sp[] = { 0, -1, 1, INT64_C(1516710199082000), INT64_C(-62135596800000000),
                                  INT64_C(253402300799999999), 1000, -1000, INT64_C(1514764800000000) };
    if (row < (int64_t)NELEMS(sp)) return sp[(size_t)(row + slot) % NELEMS(sp)];
    uint64_t r = rnd(row, slot, 0);
    if (r & 1) /* the data's real span: 2017-11-21 .. 2018-01-28 */
        return INT64_C(1511222400000000) + (int64_t)((r >> 1) % INT64_C(5875200000000));
    return INT64_C(-62135596800000000) + (int64_t)((r >> 1) % INT64_C(315538070400000000));
}

static int64_t gen_date(int64_t row, int slot)
{
    static const int32_t sp[] = { 0, -1, 1, -719162, 2932896, 17554 };
    if (row < (int64_t)NELEMS(sp)) return sp[(size_t)(row + slot) % NELEMS(sp)];
    return -719162 + (int64_t)(rnd(row, slot, 0) % 3652059);
}

static const char *const special_strings[] = {
    "",
    "a",
    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x83\x86\xe3\x82\xad\xe3\x82\xb9\xe3\x83\x88",
    "\xf0\x9f\x98\x80\xf0\x9f\x8e\x89\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7",
    "e\xcc\x81 a\xcc\x8a\xcc\x81 Zo\xc3\xab",
    "\"\\/\b\f\n\r\t\x01\x1f\x7f",
    "\xef\xbb\xbf\x62om", /* a BOM then "bom" */
    "\xe2\x80\xa8\xe2\x80\xa9",
    "\xf4\x8f\xbf\xbf\xee\x80\x80\xef\xbf\xbf",
    "\xc2\x80\xc3\xbf",
    "\xce\x91\xce\x92\xce\x93 \xd0\x96 \xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a",
    "Learning Git",
    "tab\tin the middle",
};

static const char *const words[] = {
    "Learning Git", "Introduction to Python", "Cloud Native Architecture", "Mastering Docker",
    "Learning to Program", "Beginning C# Programming", "Intermediate Python Programming",
    "Software Architecture Fundamentals", "Learning SQL", "Great Bash", "Being a Better Introvert",
    "Cloud Computing With AWS", "Learning Linux Security", "Python Epiphanies", "Arduino Prototyping",
    "Data Science", "\xe6\x9d\xb1\xe4\xba\xac", "caf\xc3\xa9", "na\xc3\xafve", "\xf0\x9f\x90\x8d snake",
};

/* Rewrites *b with a string for (row, slot): specials first (empty, CJK, emoji with ZWJ,
 * combining marks, JSON escapes and control characters, BOM, U+2028/9, U+10FFFF), then a repeated
 * word or a concatenation of specials. Always valid UTF-8. */
static void gen_string(sl_buf *b, int64_t row, int slot)
{
    b->len = 0;
    if (row < (int64_t)NELEMS(special_strings)) {
        const char *s = special_strings[(size_t)(row + slot) % NELEMS(special_strings)];
        put(b, s, strlen(s));
        return;
    }
    uint64_t r = rnd(row, slot, 0);
    if (r % 3 == 0) {
        const char *s = words[(r >> 8) % NELEMS(words)];
        put(b, s, strlen(s));
        return;
    }
    size_t n = (size_t)((r >> 8) % 6);
    for (size_t k = 0; k < n; k++) {
        const char *s = special_strings[rnd(row, slot, (int)k + 1) % NELEMS(special_strings)];
        put(b, s, strlen(s));
    }
}

/* Rewrites *b with bytes for (row, slot): empty, NUL, 0xff and friends first, then 0..32
 * random bytes. */
static void gen_binary(sl_buf *b, int64_t row, int slot)
{
    static const struct { const char *p; size_t n; } sp[] = {
        { "", 0 }, { "\x00", 1 }, { "\xff", 1 }, { "\x00\xff\x00", 3 },
        { "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f", 16 }, { "\\x41\"", 5 },
    };
    b->len = 0;
    if (row < (int64_t)NELEMS(sp)) {
        size_t k = (size_t)(row + slot) % NELEMS(sp);
        put(b, sp[k].p, sp[k].n);
        return;
    }
    uint64_t r = rnd(row, slot, 0);
    size_t n = (size_t)(r % 33);
    for (size_t k = 0; k < n; k++) {
        uint8_t byte = (uint8_t)(rnd(row, slot, (int)k + 1) >> 24);
        put(b, &byte, 1);
    }
}

/* A cell of type t for (row, slot). String and binary cells point into g->scratch[col]. */
static sl_value gen_value(gen *g, size_t col, sl_type t, int64_t row, int slot)
{
    switch (t) {
    case SL_T_BOOL: return v_int(row < 2 ? row : (int64_t)(rnd(row, slot, 0) & 1));
    case SL_T_INT32: return v_int(gen_i32(row, slot));
    case SL_T_INT64: return v_int(gen_i64(row, slot));
    case SL_T_DOUBLE: return v_dbl(gen_f64(row, slot));
    case SL_T_STRING: gen_string(&g->scratch[col], row, slot); return v_bytes(&g->scratch[col]);
    case SL_T_BINARY: gen_binary(&g->scratch[col], row, slot); return v_bytes(&g->scratch[col]);
    case SL_T_TIMESTAMP: return v_int(gen_ts(row, slot));
    case SL_T_DATE: return v_int(gen_date(row, slot));
    }
    return v_null();
}

/* ------------------------------------------------------------------ the cases */

static const sl_column all_types_cols[] = {
    { "b_req", SL_T_BOOL, 1 },       { "b_opt", SL_T_BOOL, 0 },
    { "i32_req", SL_T_INT32, 1 },    { "i32_opt", SL_T_INT32, 0 },
    { "i64_req", SL_T_INT64, 1 },    { "i64_opt", SL_T_INT64, 0 },
    { "f64_req", SL_T_DOUBLE, 1 },   { "f64_opt", SL_T_DOUBLE, 0 },
    { "s_req", SL_T_STRING, 1 },     { "s_opt", SL_T_STRING, 0 },
    { "bin_req", SL_T_BINARY, 1 },   { "bin_opt", SL_T_BINARY, 0 },
    { "ts_req", SL_T_TIMESTAMP, 1 }, { "ts_opt", SL_T_TIMESTAMP, 0 },
    { "date_req", SL_T_DATE, 1 },    { "date_opt", SL_T_DATE, 0 },
    { "all_null_s", SL_T_STRING, 0 }, { "all_null_i64", SL_T_INT64, 0 },
};

/* Every type, required and optional (optional ones null in about a quarter of the rows, never
 * in the first rows of extreme values), and two columns that are entirely null. */
static void gen_all_types(gen *g, int64_t row, sl_value *v)
{
    for (size_t c = 0; c < 16; c++) {
        sl_type t = all_types_cols[c].type;
        int opt = (int)(c & 1);
        if (opt && row >= 24 && rnd(row, (int)c, 99) % 4 == 0)
            v[c] = v_null();
        else
            v[c] = gen_value(g, c, t, row, (int)c);
    }
    v[16] = v_null();
    v[17] = v_null();
}

static const sl_column eight_cols[] = {
    { "b", SL_T_BOOL, 0 },    { "i32", SL_T_INT32, 0 },      { "i64", SL_T_INT64, 0 },
    { "f64", SL_T_DOUBLE, 0 }, { "s", SL_T_STRING, 0 },      { "bin", SL_T_BINARY, 0 },
    { "ts", SL_T_TIMESTAMP, 0 }, { "date", SL_T_DATE, 0 },
};

static void gen_nulls_all(gen *g, int64_t row, sl_value *v)
{
    (void)g;
    (void)row;
    for (size_t c = 0; c < NELEMS(eight_cols); c++) v[c] = v_null();
}

static void gen_nulls_none(gen *g, int64_t row, sl_value *v)
{
    for (size_t c = 0; c < NELEMS(eight_cols); c++) v[c] = gen_value(g, c, eight_cols[c].type, row, (int)c);
}

static const sl_column zero_cols[] = {
    { "b", SL_T_BOOL, 1 },    { "i32", SL_T_INT32, 0 },      { "i64", SL_T_INT64, 1 },
    { "f64", SL_T_DOUBLE, 0 }, { "s", SL_T_STRING, 1 },      { "bin", SL_T_BINARY, 0 },
    { "ts", SL_T_TIMESTAMP, 0 }, { "date", SL_T_DATE, 1 },
};

static const sl_column utf8_cols[] = {
    { "id", SL_T_INT32, 1 }, { "s", SL_T_STRING, 0 }, { "s_req", SL_T_STRING, 1 },
};

/* Random valid UTF-8 drawn from every encoded length and from the awkward corners: controls,
 * combining marks, CJK, emoji and ZWJ, BOM, noncharacters, the last code point. */
static void gen_utf8_text(sl_buf *b, int64_t row, int slot)
{
    b->len = 0;
    uint64_t r = rnd(row, slot, 0);
    size_t n = (size_t)(r % 41);
    if ((r >> 8) % 7 == 0) put_utf8(b, 0xFEFF);
    for (size_t k = 0; k < n; k++) {
        uint64_t q = rnd(row, slot, (int)k + 1);
        uint32_t cp;
        switch (q % 9) {
        case 0: cp = (uint32_t)((q >> 8) % 0x80); break;
        case 1: cp = 0x80 + (uint32_t)((q >> 8) % 0x780); break;
        case 2: cp = 0x800 + (uint32_t)((q >> 8) % (0xD800 - 0x800)); break;
        case 3: cp = 0xE000 + (uint32_t)((q >> 8) % 0x2000); break;
        case 4: cp = 0x10000 + (uint32_t)((q >> 8) % 0x100000); break;
        case 5: cp = 0x300 + (uint32_t)((q >> 8) % 0x70); break;
        case 6: cp = 0x4E00 + (uint32_t)((q >> 8) % 0x5200); break;
        case 7: cp = 0x1F600 + (uint32_t)((q >> 8) % 0x50); break;
        default: {
            static const uint32_t odd[] = { 0x200D, 0xFFFD, 0xFFFE, 0xFFFF, 0x10FFFF, 0x2028, 0x7F, 0, 0x22, 0x5C };
            cp = odd[(q >> 8) % NELEMS(odd)];
            break;
        }
        }
        put_utf8(b, cp);
    }
}

static void gen_utf8(gen *g, int64_t row, sl_value *v)
{
    v[0] = v_int(row);
    if (rnd(row, 1, 99) % 10 == 0) {
        v[1] = v_null();
    } else {
        gen_utf8_text(&g->scratch[1], row, 1);
        v[1] = v_bytes(&g->scratch[1]);
    }
    gen_utf8_text(&g->scratch[2], row, 2);
    v[2] = v_bytes(&g->scratch[2]);
}

static const sl_column long_cols[] = {
    { "id", SL_T_INT32, 1 }, { "s", SL_T_STRING, 0 }, { "b", SL_T_BINARY, 0 }, { "s_long_max", SL_T_STRING, 0 },
};

/* Rows 0, 3, 6 carry values of 1 MiB - 1, 1 MiB and 1 MiB + 3 bytes; the rest are short or null.
 * In s_long_max the long values (U+10FFFF repeated) are the column's maximum. */
static void gen_long(gen *g, int64_t row, sl_value *v)
{
    static const char unit[] = "\xe6\x97\xa5\xe6\x9c\xac\xf0\x9f\x98\x80" "abc" "\xcc\x81"; /* 15 bytes */
    static const size_t sizes[] = { (1u << 20) - 1, 1u << 20, (1u << 20) + 3 };
    v[0] = v_int(row);
    sl_buf *s = &g->scratch[1], *b = &g->scratch[2], *m = &g->scratch[3];
    s->len = 0;
    b->len = 0;
    m->len = 0;
    if (row % 3 == 0 && row <= 6) {
        size_t target = sizes[row / 3];
        while (m->len + 4 <= target) put(m, "\xf4\x8f\xbf\xbf", 4);
        v[3] = v_bytes(m);
        while (s->len + sizeof unit - 1 <= target) put(s, unit, sizeof unit - 1);
        while (s->len < target) put(s, "z", 1);
        for (size_t k = 0; k < target; k++) {
            uint8_t byte = (uint8_t)(mix64((uint64_t)row << 32 | k) >> 40);
            put(b, &byte, 1);
        }
        v[1] = v_bytes(s);
        v[2] = v_bytes(b);
    } else if (row % 3 == 1) {
        v[1] = v_null();
        v[2] = v_null();
        v[3] = v_null();
    } else {
        put(m, "short", 5);
        v[3] = v_bytes(m);
        gen_string(s, row, 1);
        gen_binary(b, row, 2);
        v[1] = v_bytes(s);
        v[2] = v_bytes(b);
    }
}

static const sl_column dict_cols[] = {
    { "s", SL_T_STRING, 0 }, { "i64", SL_T_INT64, 1 }, { "d", SL_T_DOUBLE, 0 }, { "i32", SL_T_INT32, 1 },
};

/* The first 5000 rows repeat a small pool (dictionary-friendly); after that every value is new,
 * so a small dict_max_bytes makes the writer fall back to PLAIN within the column chunk. */
static void gen_dict(gen *g, int64_t row, sl_value *v)
{
    uint64_t r = rnd(row, 0, 0);
    sl_buf *s = &g->scratch[0];
    s->len = 0;
    if (row < 5000) {
        const char *w = words[r % NELEMS(words)];
        put(s, w, strlen(w));
        v[0] = r % 17 == 0 ? v_null() : v_bytes(s);
        v[1] = v_int((int64_t)(r % 100) * INT64_C(1000000007));
        v[2] = r % 13 == 0 ? v_null() : v_dbl((double)(r % 50) / 4.0);
        v[3] = v_int((int64_t)(r % 64) - 32);
    } else {
        char tmp[64];
        int n = snprintf(tmp, sizeof tmp, "distinct-%08" PRId64 "-%016" PRIx64, row, r);
        put(s, tmp, (size_t)n);
        v[0] = r % 17 == 0 ? v_null() : v_bytes(s);
        v[1] = v_int(row * INT64_C(7919) - INT64_C(4000000000));
        v[2] = r % 13 == 0 ? v_null() : v_dbl((double)row * 1.0000001);
        v[3] = v_int((int64_t)(int32_t)(uint32_t)(r >> 32));
    }
}

static const sl_column multi_cols[] = {
    { "id", SL_T_INT64, 1 },  { "s", SL_T_STRING, 0 },     { "d", SL_T_DOUBLE, 1 },
    { "n", SL_T_INT32, 0 },   { "flag", SL_T_BOOL, 0 },    { "ts", SL_T_TIMESTAMP, 0 },
};

static void gen_multi(gen *g, int64_t row, sl_value *v)
{
    uint64_t r = rnd(row, 0, 0);
    v[0] = v_int(row);
    if (r % 11 == 0) {
        v[1] = v_null();
    } else {
        sl_buf *s = &g->scratch[1];
        s->len = 0;
        char tmp[48];
        int n = snprintf(tmp, sizeof tmp, "%s #%u", words[(r >> 8) % NELEMS(words)], (unsigned)((r >> 16) % 25));
        put(s, tmp, (size_t)n);
        v[1] = v_bytes(s);
    }
    v[2] = v_dbl((double)((int64_t)((r >> 24) % 100001)) / 1000.0);
    v[3] = r % 7 == 0 ? v_null() : v_int((int64_t)((r >> 32) % 1000));
    v[4] = r % 5 == 0 ? v_null() : v_int((int64_t)((r >> 40) & 1));
    v[5] = r % 9 == 0 ? v_null() : v_int(INT64_C(1511222400000000) + row * INT64_C(1000003));
}

static const sl_column big_cols[] = {
    { "id", SL_T_INT64, 1 }, { "exam", SL_T_STRING, 1 }, { "score", SL_T_DOUBLE, 0 },
    { "n", SL_T_INT32, 0 },  { "at", SL_T_TIMESTAMP, 0 }, { "ok", SL_T_BOOL, 0 },
};

/* A million-row shape: skewed string choice, sparse nulls, increasing timestamps. */
static void gen_big(gen *g, int64_t row, sl_value *v)
{
    uint64_t r = rnd(row, 0, 0);
    v[0] = v_int(row);
    sl_buf *s = &g->scratch[1];
    s->len = 0;
    size_t w = (size_t)((r & 0xff) * (r & 0xff) >> 8) % NELEMS(words); /* skewed towards 0 */
    put(s, words[w], strlen(words[w]));
    v[1] = v_bytes(s);
    v[2] = (r >> 8) % 20 == 0 ? v_null() : v_dbl((double)((r >> 12) % 101) / 100.0);
    v[3] = (r >> 20) % 16 == 0 ? v_null() : v_int((int64_t)((r >> 24) % 50));
    v[4] = (r >> 32) % 50 == 0 ? v_null() : v_int(INT64_C(1511222400000000) + row * INT64_C(5875200));
    v[5] = (r >> 40) % 25 == 0 ? v_null() : v_int((int64_t)((r >> 48) & 1));
}

static const sl_column int96_cols[] = {
    { "id", SL_T_INT32, 1 }, { "ts_req", SL_T_TIMESTAMP, 1 }, { "ts_opt", SL_T_TIMESTAMP, 0 },
};

/* INT96 timestamps kept inside 1678..2261: arrow-rs reads INT96 as nanoseconds in an int64. */
static void gen_int96(gen *g, int64_t row, sl_value *v)
{
    static const int64_t sp[] = { 0, -1, 1, INT64_C(1516710199082123), INT64_C(-9214560000000000),
                                  INT64_C(9214646399999999), -86400000000, 86399999999 };
    (void)g;
    v[0] = v_int(row);
    if (row < (int64_t)NELEMS(sp)) {
        v[1] = v_int(sp[row]);
        v[2] = v_int(sp[NELEMS(sp) - 1 - (size_t)row]);
        return;
    }
    uint64_t r = rnd(row, 1, 0);
    v[1] = v_int(INT64_C(-9214560000000000) + (int64_t)(r % INT64_C(18429206400000000)));
    v[2] = r % 6 == 0 ? v_null() : v_int(INT64_C(1511222400000000) + (int64_t)((r >> 3) % INT64_C(5875200000000)));
}

#define COLS(a) a, NELEMS(a)

static const tcase cases[] = {
    { "all_types_none", COLS(all_types_cols), gen_all_types, 2000, SL_PQ_UNCOMPRESSED, 4096, 0, 0, 0, 0, 1, 1 },
    { "all_types_snappy", COLS(all_types_cols), gen_all_types, 2000, SL_PQ_SNAPPY, 4096, 0, 0, 0, 0, 1, 1 },
    { "all_types_gzip", COLS(all_types_cols), gen_all_types, 2000, SL_PQ_GZIP, 4096, 0, 0, 0, 0, 1, 1 },
    { "all_types_zstd", COLS(all_types_cols), gen_all_types, 2000, SL_PQ_ZSTD, 4096, 0, 0, 0, 0, 1, 1 },
    { "all_types_plain", COLS(all_types_cols), gen_all_types, 2000, SL_PQ_ZSTD, 0, 0, 0, 1, 0, 1, 1 },
    { "nulls_all", COLS(eight_cols), gen_nulls_all, 300, SL_PQ_SNAPPY, 0, 0, 0, 0, 0, 1, 1 },
    { "nulls_none", COLS(eight_cols), gen_nulls_none, 300, SL_PQ_ZSTD, 0, 0, 0, 0, 0, 1, 1 },
    { "zero_rows", COLS(zero_cols), gen_nulls_none, 0, SL_PQ_ZSTD, 0, 0, 0, 0, 0, 1, 0 },
    { "utf8", COLS(utf8_cols), gen_utf8, 3000, SL_PQ_ZSTD, 0, 0, 0, 0, 0, 1, 1 },
    { "long_strings", COLS(long_cols), gen_long, 12, SL_PQ_ZSTD, 0, 0, 0, 0, 0, 1, 1 },
    { "dict_overflow", COLS(dict_cols), gen_dict, 20000, SL_PQ_SNAPPY, 8192, 0, 4096, 0, 0, 1, 1 },
    { "multi_rg", COLS(multi_cols), gen_multi, 40000, SL_PQ_GZIP, 1024, 65536, 0, 0, 0, 1, 3 },
    { "int96", COLS(int96_cols), gen_int96, 2000, SL_PQ_SNAPPY, 0, 0, 0, 0, 1, 0, 1 },
    { "million", COLS(big_cols), gen_big, -1, SL_PQ_ZSTD, 0, 0, 0, 0, 0, 1, 1 },
};

/* ------------------------------------------------------------------ canonical text */

/* Appends ECMAScript Number::toString(x): the fewest significant digits that read back as x,
 * laid out as JavaScript does (plain notation for exponents -7 < e < 21, else d.ddde+N). */
static void canon_double_digits(sl_buf *b, double x)
{
    char tmp[48], digits[24];
    int p;
    for (p = 0; p < 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p, x);
        if (strtod(tmp, NULL) == x) break;
    }
    const char *q = tmp;
    if (*q == '-') {
        put(b, "-", 1);
        q++;
    }
    int k = 0;
    digits[k++] = *q++;
    if (*q == '.') {
        q++;
        while (*q >= '0' && *q <= '9') digits[k++] = *q++;
    }
    while (k > 1 && digits[k - 1] == '0') k--;
    int n = atoi(q + 1) + 1; /* q is at 'e'; the decimal point sits after n digits */
    if (k <= n && n <= 21) {
        put(b, digits, (size_t)k);
        for (int z = 0; z < n - k; z++) put(b, "0", 1);
    } else if (0 < n && n <= 21) {
        put(b, digits, (size_t)n);
        put(b, ".", 1);
        put(b, digits + n, (size_t)(k - n));
    } else if (-6 < n && n <= 0) {
        put(b, "0.", 2);
        for (int z = 0; z < -n; z++) put(b, "0", 1);
        put(b, digits, (size_t)k);
    } else {
        put(b, digits, 1);
        if (k > 1) {
            put(b, ".", 1);
            put(b, digits + 1, (size_t)(k - 1));
        }
        char e[16];
        int en = snprintf(e, sizeof e, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
        put(b, e, (size_t)en);
    }
}

static void canon_double(sl_buf *b, double x)
{
    if (isnan(x)) {
        put(b, "\"NaN\"", 5);
    } else if (isinf(x)) {
        if (x > 0) put(b, "\"Infinity\"", 10);
        else put(b, "\"-Infinity\"", 11);
    } else if (x == 0) {
        if (signbit(x)) put(b, "\"-0\"", 4);
        else put(b, "\"0\"", 3);
    } else {
        put(b, "\"", 1);
        canon_double_digits(b, x);
        put(b, "\"", 1);
    }
}

/* JSON string as JSON.stringify writes it (input is valid UTF-8, copied through). */
static void canon_string(sl_buf *b, const char *s, size_t n)
{
    static const char hexd[] = "0123456789abcdef";
    put(b, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        put(b, s + start, i - start);
        start = i + 1;
        switch (c) {
        case '"': put(b, "\\\"", 2); break;
        case '\\': put(b, "\\\\", 2); break;
        case '\b': put(b, "\\b", 2); break;
        case '\f': put(b, "\\f", 2); break;
        case '\n': put(b, "\\n", 2); break;
        case '\r': put(b, "\\r", 2); break;
        case '\t': put(b, "\\t", 2); break;
        default: {
            char u[6] = { '\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15] };
            put(b, u, 6);
        }
        }
    }
    put(b, s + start, n - start);
    put(b, "\"", 1);
}

static void canon_hex(sl_buf *b, const char *s, size_t n)
{
    static const char hexd[] = "0123456789abcdef";
    put(b, "\"", 1);
    if (sl_buf_reserve(b, 2 * n) != SL_OK) {
        fprintf(stderr, "pq_testfiles: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        b->data[b->len++] = (uint8_t)hexd[c >> 4];
        b->data[b->len++] = (uint8_t)hexd[c & 15];
    }
    put(b, "\"", 1);
}

static void canon_int(sl_buf *b, int64_t i)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "\"%" PRId64 "\"", i);
    put(b, tmp, (size_t)n);
}

static void canon_cell(sl_buf *b, sl_type t, const sl_value *v)
{
    if (v->is_null) {
        put(b, "null", 4);
        return;
    }
    switch (t) {
    case SL_T_BOOL: put(b, v->u.i ? "true" : "false", v->u.i ? 4 : 5); break;
    case SL_T_INT32:
    case SL_T_INT64:
    case SL_T_TIMESTAMP:
    case SL_T_DATE: canon_int(b, v->u.i); break;
    case SL_T_DOUBLE: canon_double(b, v->u.d); break;
    case SL_T_STRING: canon_string(b, v->u.s.p, v->u.s.n); break;
    case SL_T_BINARY: canon_hex(b, v->u.s.p, v->u.s.n); break;
    }
}

/* The reader-view type name read.mjs prints for a column of this case. */
static const char *canon_type(sl_type t, int int96)
{
    switch (t) {
    case SL_T_BOOL: return "boolean";
    case SL_T_INT32: return "int32";
    case SL_T_INT64: return "int64";
    case SL_T_DOUBLE: return "double";
    case SL_T_STRING: return "string";
    case SL_T_BINARY: return "binary";
    case SL_T_TIMESTAMP: return int96 ? "timestamp_naive" : "timestamp_us_utc";
    case SL_T_DATE: return "date";
    }
    return "?";
}

/* ------------------------------------------------------------------ statistics */

typedef struct col_stats {
    int64_t nulls;
    int has;         /* a min/max exists (a non-null, non-NaN value was seen) */
    int64_t imin, imax;
    double dmin, dmax;
    sl_buf smin, smax;
} col_stats;

static int bytes_cmp(const char *a, size_t an, const uint8_t *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return an < bn ? -1 : an > bn;
}

static void set_bytes(sl_buf *dst, const char *p, size_t n)
{
    dst->len = 0;
    put(dst, p, n);
}

static void stats_add(col_stats *st, sl_type t, const sl_value *v)
{
    if (v->is_null) {
        st->nulls++;
        return;
    }
    switch (t) {
    case SL_T_DOUBLE:
        if (isnan(v->u.d)) return;
        if (!st->has || v->u.d < st->dmin) st->dmin = v->u.d;
        if (!st->has || v->u.d > st->dmax) st->dmax = v->u.d;
        break;
    case SL_T_STRING:
    case SL_T_BINARY:
        if (!st->has || bytes_cmp(v->u.s.p, v->u.s.n, st->smin.data, st->smin.len) < 0)
            set_bytes(&st->smin, v->u.s.p, v->u.s.n);
        if (!st->has || bytes_cmp(v->u.s.p, v->u.s.n, st->smax.data, st->smax.len) > 0)
            set_bytes(&st->smax, v->u.s.p, v->u.s.n);
        break;
    default:
        if (!st->has || v->u.i < st->imin) st->imin = v->u.i;
        if (!st->has || v->u.i > st->imax) st->imax = v->u.i;
        break;
    }
    st->has = 1;
}

/* Longest string/binary bound the writer keeps: with a longer min or max it writes neither
 * (parquet.h; readers treat absent bounds as unknown, which is always safe). */
#define MAX_STRING_BOUND 4096

/* Appends the min or max in canonical form. Zero bounds follow the Parquet spec: a zero min is
 * written as -0.0 and a zero max as +0.0. */
static void stats_bound(sl_buf *b, const col_stats *st, sl_type t, int want_max)
{
    sl_value v;
    memset(&v, 0, sizeof v);
    int too_long = (t == SL_T_STRING || t == SL_T_BINARY) &&
                   (st->smin.len > MAX_STRING_BOUND || st->smax.len > MAX_STRING_BOUND);
    if (!st->has || too_long) {
        put(b, "null", 4);
        return;
    }
    switch (t) {
    case SL_T_DOUBLE:
        v.u.d = want_max ? st->dmax : st->dmin;
        if (v.u.d == 0) v.u.d = want_max ? 0.0 : -0.0;
        break;
    case SL_T_STRING:
    case SL_T_BINARY: {
        const sl_buf *s = want_max ? &st->smax : &st->smin;
        v.u.s.p = (const char *)s->data;
        v.u.s.n = (uint32_t)s->len;
        break;
    }
    default: v.u.i = want_max ? st->imax : st->imin; break;
    }
    canon_cell(b, t, &v);
}

/* ------------------------------------------------------------------ writing one case */

typedef struct run {
    const char *dir;
    int64_t big_rows;
    gen g;
    sl_buf line;
    sl_value vals[MAXCOLS];
    col_stats stats[MAXCOLS];
    int64_t *rg_end;    /* row index one past each row group's last row */
    size_t nrg, rg_cap;
} run;

static int push_rg(run *R, int64_t end)
{
    if (R->nrg && R->rg_end[R->nrg - 1] == end) return 0;
    if (R->nrg == R->rg_cap) {
        size_t cap = R->rg_cap ? R->rg_cap * 2 : 16;
        int64_t *p = realloc(R->rg_end, cap * sizeof *p);
        if (!p) return -1;
        R->rg_end = p;
        R->rg_cap = cap;
    }
    R->rg_end[R->nrg++] = end;
    return 0;
}

/* Writes R->line to f; -1 with errno on failure. */
static int flush_line(run *R, FILE *f)
{
    if (R->line.len && fwrite(R->line.data, 1, R->line.len, f) != R->line.len) return -1;
    R->line.len = 0;
    return 0;
}

static FILE *open_out(const run *R, const char *name, const char *ext, char *path, size_t pathsz)
{
    snprintf(path, pathsz, "%s/%s.%s", R->dir, name, ext);
    FILE *f = fopen(path, "wb");
    if (f) setvbuf(f, NULL, _IOFBF, 1 << 20);
    return f;
}

static int close_out(FILE *f, const char *path)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "pq_testfiles: writing %s failed: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static const char *codec_upper(sl_pq_codec c)
{
    switch (c) {
    case SL_PQ_UNCOMPRESSED: return "UNCOMPRESSED";
    case SL_PQ_SNAPPY: return "SNAPPY";
    case SL_PQ_GZIP: return "GZIP";
    case SL_PQ_ZSTD: return "ZSTD";
    }
    return "?";
}

/* Writes NAME.meta: what tests/readers/meta.mjs must print for the file. */
static int write_meta(run *R, const tcase *c, int64_t rows)
{
    char path[4096];
    FILE *f = open_out(R, c->name, "meta", path, sizeof path);
    if (!f) {
        fprintf(stderr, "pq_testfiles: cannot create %s: %s\n", path, strerror(errno));
        return -1;
    }
    sl_buf *L = &R->line;
    L->len = 0;
    put(L, "{\"created_by\":", 14);
    canon_string(L, sl_version_line(), strlen(sl_version_line()));
    char tmp[256];
    int n = snprintf(tmp, sizeof tmp,
                     ",\"created_by_parses\":true,\"format_version\":\"1\",\"num_rows\":\"%" PRId64
                     "\",\"num_row_groups\":\"%zu\",\"column_orders\":\"TypeDefinedOrder*%zu\",\"kv\":{\"test.case\":",
                     rows, R->nrg, c->ncols);
    put(L, tmp, (size_t)n);
    canon_string(L, c->name, strlen(c->name));
    put(L, "}}\n", 3);
    int64_t start = 0;
    for (size_t rg = 0; rg < R->nrg; rg++) {
        for (size_t k = 0; k < c->ncols; k++) {
            col_stats *st = &R->stats[k];
            st->nulls = 0;
            st->has = 0;
        }
        for (int64_t i = start; i < R->rg_end[rg]; i++) {
            c->fn(&R->g, i, R->vals);
            for (size_t k = 0; k < c->ncols; k++) stats_add(&R->stats[k], c->cols[k].type, &R->vals[k]);
        }
        for (size_t k = 0; k < c->ncols; k++) {
            n = snprintf(tmp, sizeof tmp, "[%zu,", rg);
            put(L, tmp, (size_t)n);
            canon_string(L, c->cols[k].name, strlen(c->cols[k].name));
            n = snprintf(tmp, sizeof tmp, ",\"%s\",\"%" PRId64 "\",", codec_upper(c->codec), R->stats[k].nulls);
            put(L, tmp, (size_t)n);
            stats_bound(L, &R->stats[k], c->cols[k].type, 0);
            put(L, ",", 1);
            stats_bound(L, &R->stats[k], c->cols[k].type, 1);
            put(L, "]\n", 2);
            if (L->len >= (1u << 20) && flush_line(R, f) != 0) goto fail;
        }
        start = R->rg_end[rg];
    }
    if (flush_line(R, f) != 0) goto fail;
    return close_out(f, path);
fail:
    fprintf(stderr, "pq_testfiles: writing %s failed: %s\n", path, strerror(errno));
    fclose(f);
    return -1;
}

/* Writes NAME.parquet with the sluice writer and NAME.expected alongside, records where the
 * writer cut row groups, then NAME.meta. 0 on success, -1 after printing the error. */
static int write_case(run *R, const tcase *c)
{
    char ppath[4096], epath[4096], err[512] = "";
    int64_t rows = c->rows < 0 ? R->big_rows : c->rows;
    int fd = -1, rc = -1;
    FILE *ef = NULL;
    sl_pq_writer *w = NULL;

    snprintf(ppath, sizeof ppath, "%s/%s.parquet", R->dir, c->name);
    fd = open(ppath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        fprintf(stderr, "pq_testfiles: cannot create %s: %s\n", ppath, strerror(errno));
        goto err;
    }
    ef = open_out(R, c->name, "expected", epath, sizeof epath);
    if (!ef) {
        fprintf(stderr, "pq_testfiles: cannot create %s: %s\n", epath, strerror(errno));
        goto err;
    }
    sl_pq_options o = sl_pq_options_default();
    o.codec = c->codec;
    o.compression_level = 0;
    if (c->page_bytes) o.page_bytes = c->page_bytes;
    if (c->row_group_bytes) o.row_group_bytes = c->row_group_bytes;
    if (c->dict_max_bytes) o.dict_max_bytes = c->dict_max_bytes;
    o.disable_dictionary = c->disable_dictionary;
    o.int96_timestamps = c->int96;
    w = sl_pq_writer_new(c->cols, c->ncols, &o, sl_out_fd(&fd), err, sizeof err);
    if (!w) {
        fprintf(stderr, "pq_testfiles: %s: writer: %s\n", c->name, err);
        goto err;
    }
    if (sl_pq_writer_add_kv(w, "test.case", c->name) != SL_OK) {
        fprintf(stderr, "pq_testfiles: %s: add_kv failed\n", c->name);
        goto err;
    }

    sl_buf *L = &R->line;
    L->len = 0;
    put(L, "{\"columns\":[", 12);
    for (size_t k = 0; k < c->ncols; k++) {
        put(L, k ? ",[" : "[", k ? 2 : 1);
        canon_string(L, c->cols[k].name, strlen(c->cols[k].name));
        put(L, ",\"", 2);
        const char *tn = canon_type(c->cols[k].type, c->int96);
        put(L, tn, strlen(tn));
        put(L, "\"]", 2);
    }
    put(L, "]}\n", 3);

    R->nrg = 0;
    for (int64_t i = 0; i < rows; i++) {
        c->fn(&R->g, i, R->vals);
        put(L, "[", 1);
        for (size_t k = 0; k < c->ncols; k++) {
            if (k) put(L, ",", 1);
            canon_cell(L, c->cols[k].type, &R->vals[k]);
        }
        put(L, "]\n", 2);
        if (L->len >= (1u << 20) && flush_line(R, ef) != 0) {
            fprintf(stderr, "pq_testfiles: writing %s failed: %s\n", epath, strerror(errno));
            goto err;
        }
        uint64_t before = sl_pq_writer_bytes_written(w);
        if (sl_pq_writer_write_row(w, R->vals, err, sizeof err) != SL_OK) {
            fprintf(stderr, "pq_testfiles: %s: row %" PRId64 ": %s\n", c->name, i, err);
            goto err;
        }
        /* A row group went out during this call: it ends after this row when nothing is left
         * buffered, else just before it. */
        if (sl_pq_writer_bytes_written(w) != before &&
            push_rg(R, sl_pq_writer_buffered_bytes(w) == 0 ? i + 1 : i) != 0) {
            fprintf(stderr, "pq_testfiles: out of memory\n");
            goto err;
        }
    }
    if (flush_line(R, ef) != 0) {
        fprintf(stderr, "pq_testfiles: writing %s failed: %s\n", epath, strerror(errno));
        goto err;
    }
    if (sl_pq_writer_close(w, err, sizeof err) != SL_OK) {
        fprintf(stderr, "pq_testfiles: %s: close: %s\n", c->name, err);
        goto err;
    }
    if (rows > 0 && push_rg(R, rows) != 0) {
        fprintf(stderr, "pq_testfiles: out of memory\n");
        goto err;
    }
    if (R->nrg < c->min_row_groups) {
        fprintf(stderr, "pq_testfiles: %s: expected at least %zu row groups, the writer made %zu\n", c->name,
                c->min_row_groups, R->nrg);
        goto err;
    }
    sl_pq_writer_destroy(w);
    w = NULL;
    if (close(fd) != 0) {
        fd = -1;
        fprintf(stderr, "pq_testfiles: closing %s failed: %s\n", ppath, strerror(errno));
        goto err;
    }
    fd = -1;
    int ec = close_out(ef, epath);
    ef = NULL;
    if (ec != 0) goto err;
    if (c->meta && write_meta(R, c, rows) != 0) goto err;
    rc = 0;
err:
    sl_pq_writer_destroy(w);
    if (ef) fclose(ef);
    if (fd >= 0) close(fd);
    return rc;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: pq_testfiles [--big-rows N] [--only NAME] OUTDIR\n"
               "Writes Parquet coverage files and their expected reader output into OUTDIR\n"
               "(NAME.parquet, NAME.expected, NAME.meta) and prints the case names.\n"
               "  --big-rows N  rows of the 'million' case (default 1000000)\n"
               "  --only NAME   write only this case\n"
               "Cases:");
    for (size_t i = 0; i < NELEMS(cases); i++) fprintf(f, " %s", cases[i].name);
    fprintf(f, "\n");
}

int main(int argc, char **argv)
{
    run R;
    memset(&R, 0, sizeof R);
    R.big_rows = 1000000;
    const char *only = NULL;
    int i, status = 0;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--big-rows") == 0 && i + 1 < argc) {
            char *end;
            long long n = strtoll(argv[++i], &end, 10);
            if (*end || n < 0) {
                fprintf(stderr, "pq_testfiles: --big-rows wants a count, got '%s'\n", argv[i]);
                return 2;
            }
            R.big_rows = n;
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "pq_testfiles: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        } else {
            break;
        }
    }
    if (i != argc - 1) {
        usage(stderr);
        return 2;
    }
    R.dir = argv[i];
    int found = 0;
    for (size_t k = 0; k < NELEMS(cases); k++) {
        if (only && strcmp(only, cases[k].name) != 0) continue;
        found = 1;
        if (cases[k].ncols > MAXCOLS) {
            fprintf(stderr, "pq_testfiles: %s has too many columns\n", cases[k].name);
            status = 1;
            break;
        }
        if (write_case(&R, &cases[k]) != 0) {
            status = 1;
            break;
        }
        printf("%s\n", cases[k].name);
        fflush(stdout);
    }
    if (!found) {
        fprintf(stderr, "pq_testfiles: no case named '%s'\n", only);
        status = 2;
    }
    for (size_t k = 0; k < MAXCOLS; k++) {
        sl_buf_free(&R.g.scratch[k]);
        sl_buf_free(&R.stats[k].smin);
        sl_buf_free(&R.stats[k].smax);
    }
    sl_buf_free(&R.line);
    free(R.rg_end);
    return status;
}
