/* test_parquet_writer.c: the Parquet writer. Files are written to memory and
 * checked with the module's own Thrift decoder (footer: schema, row counts,
 * statistics, encodings) and a small page decoder in this file (every value
 * read back), independent of the project's reader. */
#include <math.h>
#include <zstd.h>

#include "parquet/codec.h"
#include "parquet/encoding.h"
#include "parquet/parquet.h"
#include "parquet/thrift.h"
#include "t.h"

static uint64_t rng_state = 0x243f6a8885a308d3ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* ------------------------------------------------------------ file access */

typedef struct pfile {
    const uint8_t *data;
    size_t len;
    sl_thrift_tree *meta;
    sl_thrift_ref root;
} pfile;

/* Checks the magic at both ends and parses the footer. 0 on success. */
static int pfile_open(pfile *f, const sl_buf *b)
{
    char err[256] = "";
    memset(f, 0, sizeof *f);
    f->data = b->data;
    f->len = b->len;
    if (b->len < 12 || memcmp(b->data, "PAR1", 4) || memcmp(b->data + b->len - 4, "PAR1", 4))
        return -1;
    uint32_t flen = sl_enc_get_u32le(b->data + b->len - 8);
    if (flen > b->len - 12)
        return -1;
    size_t used = 0;
    f->meta = sl_thrift_tree_parse(b->data + b->len - 8 - flen, flen, 0, &used, err, sizeof err);
    if (!f->meta) {
        fprintf(stderr, "  footer: %s\n", err);
        return -1;
    }
    if (used != flen)
        return -1;
    f->root = sl_thrift_tree_root(f->meta);
    return 0;
}

static void pfile_close(pfile *f) { sl_thrift_tree_destroy(f->meta); }

/* Closes and destroys writer w, whose file went to b, and opens that file as f.
 * 0 when both worked. */
static int close_and_open(sl_pq_writer *w, const sl_buf *b, pfile *f)
{
    char err[256] = "";
    sl_err e = sl_pq_writer_close(w, err, sizeof err);
    if (e != SL_OK)
        fprintf(stderr, "  close: %s\n", err);
    sl_pq_writer_destroy(w);
    return e == SL_OK ? pfile_open(f, b) : -1;
}

static int64_t fint(const pfile *f, sl_thrift_ref r, int16_t fid)
{
    return sl_thrift_tree_int(f->meta, sl_thrift_tree_field(f->meta, r, fid));
}

static int has_field(const pfile *f, sl_thrift_ref r, int16_t fid)
{
    return sl_thrift_tree_field(f->meta, r, fid) != 0;
}

/* The string of binary field fid as a NUL-terminated static copy. */
static const char *fstr(const pfile *f, sl_thrift_ref r, int16_t fid)
{
    static char s[8192];
    size_t n;
    const uint8_t *p = sl_thrift_tree_binary(f->meta, sl_thrift_tree_field(f->meta, r, fid), &n);
    if (!p)
        return NULL;
    if (n >= sizeof s)
        n = sizeof s - 1;
    memcpy(s, p, n);
    s[n] = 0;
    return s;
}

static sl_thrift_ref item(const pfile *f, sl_thrift_ref list, uint32_t i)
{
    return sl_thrift_tree_item(f->meta, list, i);
}

static sl_thrift_ref row_group(const pfile *f, uint32_t rg)
{
    return item(f, sl_thrift_tree_field(f->meta, f->root, 4), rg);
}

/* ColumnMetaData of column col in row group rg. */
static sl_thrift_ref colmeta(const pfile *f, uint32_t rg, uint32_t col)
{
    sl_thrift_ref cc = item(f, sl_thrift_tree_field(f->meta, row_group(f, rg), 1), col);
    return sl_thrift_tree_field(f->meta, cc, 3);
}

/* Count of (page_type, encoding) in a chunk's encoding_stats, -1 when absent. */
static int64_t enc_stat(const pfile *f, sl_thrift_ref cm, int page_type, int encoding)
{
    sl_thrift_ref l = sl_thrift_tree_field(f->meta, cm, 13);
    for (uint32_t i = 0; i < sl_thrift_tree_count(f->meta, l); i++) {
        sl_thrift_ref s = item(f, l, i);
        if (fint(f, s, 1) == page_type && fint(f, s, 2) == encoding)
            return fint(f, s, 3);
    }
    return -1;
}

static int has_encoding(const pfile *f, sl_thrift_ref cm, int encoding)
{
    sl_thrift_ref l = sl_thrift_tree_field(f->meta, cm, 2);
    for (uint32_t i = 0; i < sl_thrift_tree_count(f->meta, l); i++)
        if (sl_thrift_tree_int(f->meta, item(f, l, i)) == encoding)
            return 1;
    return 0;
}

/* ------------------------------------------------------------ page decoding */

typedef struct decoded {
    sl_value *v;
    size_t n, cap;
    uint8_t **keep; /* buffers strings point into */
    size_t nkeep;
    int pages_dict, pages_data;
} decoded;

static void decoded_free(decoded *d)
{
    for (size_t i = 0; i < d->nkeep; i++)
        free(d->keep[i]);
    free(d->keep);
    free(d->v);
    memset(d, 0, sizeof *d);
}

static void push(decoded *d, sl_value v)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 1024;
        d->v = realloc(d->v, d->cap * sizeof *d->v);
    }
    d->v[d->n++] = v;
}

static uint8_t *keep(decoded *d, sl_buf *b)
{
    d->keep = realloc(d->keep, (d->nkeep + 1) * sizeof *d->keep);
    d->keep[d->nkeep++] = b->data;
    uint8_t *p = b->data;
    memset(b, 0, sizeof *b);
    return p;
}

/* Decodes one PLAIN value of physical type phys at *p (bounded by end). */
static int plain_value(int phys, const uint8_t **p, const uint8_t *end, size_t bool_idx,
                       const uint8_t *bool_base, sl_value *v)
{
    memset(v, 0, sizeof *v);
    switch (phys) {
    case SL_PQT_BOOLEAN:
        if (bool_base + bool_idx / 8 >= end)
            return -1;
        v->u.i = sl_enc_bool_get(bool_base, bool_idx);
        return 0;
    case SL_PQT_INT32:
        if (end - *p < 4)
            return -1;
        v->u.i = (int32_t)sl_enc_get_u32le(*p);
        *p += 4;
        return 0;
    case SL_PQT_INT64:
        if (end - *p < 8)
            return -1;
        v->u.i = (int64_t)sl_enc_get_u64le(*p);
        *p += 8;
        return 0;
    case SL_PQT_DOUBLE:
        if (end - *p < 8)
            return -1;
        v->u.d = sl_enc_get_f64le(*p);
        *p += 8;
        return 0;
    case SL_PQT_INT96:
        if (end - *p < 12 || sl_enc_int96_to_micros(*p, &v->u.i) != SL_OK)
            return -1;
        *p += 12;
        return 0;
    case SL_PQT_BYTE_ARRAY: {
        if (end - *p < 4)
            return -1;
        uint32_t n = sl_enc_get_u32le(*p);
        if ((size_t)(end - *p - 4) < n)
            return -1;
        v->u.s.p = (const char *)*p + 4;
        v->u.s.n = n;
        *p += 4 + n;
        return 0;
    }
    }
    return -1;
}

/* Reads every value of column col in row group rg. 0 on success. */
static int read_column(const pfile *f, uint32_t rg, uint32_t col, decoded *out)
{
    char err[256] = "";
    sl_thrift_ref cm = colmeta(f, rg, col);
    sl_thrift_ref se = item(f, sl_thrift_tree_field(f->meta, f->root, 2), col + 1);
    int phys = (int)fint(f, cm, 1);
    int optional = fint(f, se, 3) == SL_PQR_OPTIONAL;
    sl_pq_codec codec = (sl_pq_codec)fint(f, cm, 4);
    int64_t num_values = fint(f, cm, 5);
    uint64_t start = has_field(f, cm, 11) ? (uint64_t)fint(f, cm, 11) : (uint64_t)fint(f, cm, 9);
    uint64_t end = start + (uint64_t)fint(f, cm, 7);
    sl_value *dict = NULL;
    size_t ndict = 0;
    int64_t got = 0;
    int rc = -1;
    sl_codec *c = sl_codec_new();
    if (end > f->len)
        goto out;
    while (start < end) {
        size_t hl = 0;
        sl_thrift_tree *h =
            sl_thrift_tree_parse(f->data + start, end - start, 0, &hl, err, sizeof err);
        if (!h)
            goto out;
        sl_thrift_ref hr = sl_thrift_tree_root(h);
        int type = (int)sl_thrift_tree_int(h, sl_thrift_tree_field(h, hr, 1));
        size_t usize = (size_t)sl_thrift_tree_int(h, sl_thrift_tree_field(h, hr, 2));
        size_t csize = (size_t)sl_thrift_tree_int(h, sl_thrift_tree_field(h, hr, 3));
        sl_thrift_ref dph = sl_thrift_tree_field(h, hr, type == SL_PQP_DATA_PAGE ? 5 : 7);
        int64_t nv = sl_thrift_tree_int(h, sl_thrift_tree_field(h, dph, 1));
        int enc = (int)sl_thrift_tree_int(h, sl_thrift_tree_field(h, dph, 2));
        sl_thrift_tree_destroy(h);
        start += hl;
        if (start + csize > end)
            goto out;
        sl_buf page = {0};
        if (sl_codec_decompress(c, codec, f->data + start, csize, usize, 1u << 30, &page, err,
                                sizeof err) != SL_OK) {
            fprintf(stderr, "  page: %s\n", err);
            sl_buf_free(&page);
            goto out;
        }
        start += csize;
        const uint8_t *base = page.data ? page.data : (const uint8_t *)"";
        const uint8_t *p = base, *pend = base + page.len;
        if (type == SL_PQP_DICTIONARY_PAGE) {
            out->pages_dict++;
            CHECK_EQ_INT(enc, SL_PQE_PLAIN);
            dict = realloc(dict, (size_t)(nv ? nv : 1) * sizeof *dict);
            ndict = (size_t)nv;
            for (size_t i = 0; i < ndict; i++)
                if (plain_value(phys, &p, pend, i, base, &dict[i]) != 0) {
                    sl_buf_free(&page);
                    goto out;
                }
            keep(out, &page);
            continue;
        }
        if (type != SL_PQP_DATA_PAGE) {
            sl_buf_free(&page);
            goto out;
        }
        out->pages_data++;
        uint8_t *levels = malloc((size_t)nv + 1);
        size_t nset = (size_t)nv;
        if (optional) {
            size_t used;
            if (sl_rle_decode_levels_v1(p, page.len, 1, levels, (size_t)nv, &used, err,
                                        sizeof err) != SL_OK) {
                free(levels);
                sl_buf_free(&page);
                goto out;
            }
            p += used;
            nset = 0;
            for (int64_t i = 0; i < nv; i++)
                nset += levels[i];
        } else {
            memset(levels, 1, (size_t)nv);
        }
        uint32_t *idx = malloc((nset + 1) * sizeof *idx);
        if (enc == SL_PQE_RLE_DICTIONARY) {
            sl_rle_dec rd;
            if (p >= pend && nset) {
                free(idx);
                free(levels);
                sl_buf_free(&page);
                goto out;
            }
            int bw = p < pend ? *p++ : 0;
            sl_rle_dec_init(&rd, p, (size_t)(pend - p), bw);
            if (sl_rle_dec_get_u32(&rd, idx, nset, err, sizeof err) != SL_OK) {
                fprintf(stderr, "  indexes: %s\n", err);
                free(idx);
                free(levels);
                sl_buf_free(&page);
                goto out;
            }
        }
        const uint8_t *vals = p;
        size_t k = 0;
        for (int64_t i = 0; i < nv; i++) {
            sl_value v;
            memset(&v, 0, sizeof v);
            if (!levels[i]) {
                v.is_null = 1;
            } else if (enc == SL_PQE_RLE_DICTIONARY) {
                if (idx[k] >= ndict) {
                    free(idx);
                    free(levels);
                    sl_buf_free(&page);
                    goto out;
                }
                v = dict[idx[k]];
                k++;
            } else if (plain_value(phys, &p, pend, k++, vals, &v) != 0) {
                free(idx);
                free(levels);
                sl_buf_free(&page);
                goto out;
            }
            push(out, v);
            got++;
        }
        free(idx);
        free(levels);
        keep(out, &page);
    }
    rc = got == num_values ? 0 : -1;
out:
    if (rc != 0 && err[0])
        fprintf(stderr, "  read_column: %s\n", err);
    free(dict);
    sl_codec_destroy(c);
    return rc;
}

static int same_value(sl_type t, const sl_value *a, const sl_value *b)
{
    if (a->is_null || b->is_null)
        return a->is_null == b->is_null;
    switch (t) {
    case SL_T_DOUBLE:
        return memcmp(&a->u.d, &b->u.d, 8) == 0;
    case SL_T_STRING:
    case SL_T_BINARY:
        return a->u.s.n == b->u.s.n && (a->u.s.n == 0 || memcmp(a->u.s.p, b->u.s.p, a->u.s.n) == 0);
    case SL_T_BOOL:
        return (a->u.i != 0) == (b->u.i != 0);
    default:
        return a->u.i == b->u.i;
    }
}

/* ------------------------------------------------------------ data */

static sl_value vnull(void)
{
    sl_value v;
    memset(&v, 0, sizeof v);
    v.is_null = 1;
    return v;
}
static sl_value vint(int64_t i)
{
    sl_value v;
    memset(&v, 0, sizeof v);
    v.u.i = i;
    return v;
}
static sl_value vdbl(double d)
{
    sl_value v;
    memset(&v, 0, sizeof v);
    v.u.d = d;
    return v;
}
static sl_value vstr(const char *s, size_t n)
{
    sl_value v;
    memset(&v, 0, sizeof v);
    v.u.s.p = s;
    v.u.s.n = (uint32_t)n;
    return v;
}

/* A table with every type. Row r's values are a pure function of r (strings in
 * a caller buffer of 64 bytes per column). */
static const sl_column all_cols[] = {
    {"keen_id", SL_T_STRING, 1},   {"exam_name", SL_T_STRING, 0}, {"attempt", SL_T_INT32, 0},
    {"offset", SL_T_INT64, 1},     {"score", SL_T_DOUBLE, 0},     {"certified", SL_T_BOOL, 0},
    {"started_at", SL_T_TIMESTAMP, 0}, {"day", SL_T_DATE, 0},     {"payload", SL_T_BINARY, 0},
};
#define NALL (sizeof all_cols / sizeof all_cols[0])

static const char *exam_names[] = {"Learning Git", "Intro to Python", "", "Advanced SQL",
                                   "Data Science \xc3\xa9t\xc3\xa9"};

static void make_row(uint64_t r, sl_value *v, char strs[][64])
{
    int n = snprintf(strs[0], 64, "%024llx", (unsigned long long)(r * 2654435761u));
    v[0] = vstr(strs[0], (size_t)n);
    const char *en = exam_names[r % 5];
    v[1] = r % 7 == 3 ? vnull() : vstr(en, strlen(en));
    v[2] = r % 11 == 0 ? vnull() : vint((int64_t)(r % 4) - 1);
    v[3] = vint((int64_t)r * 1000003 - 5000000);
    v[4] = r % 13 == 0 ? vnull() : vdbl((double)(r % 10) / 8.0 - 0.5);
    v[5] = r % 3 == 0 ? vnull() : vint(r % 2);
    v[6] = r % 17 == 0 ? vnull() : vint(1516717399082000LL + (int64_t)r * 1234567);
    v[7] = r % 19 == 0 ? vnull() : vint(17554 + (int64_t)(r % 60));
    int m = (int)(r % 9);
    for (int i = 0; i < m; i++)
        strs[8][i] = (char)(r * 31 + (uint64_t)i * 7); /* arbitrary bytes, NULs included */
    v[8] = r % 5 == 4 ? vnull() : vstr(strs[8], (size_t)m);
}

/* Writes nrows of make_row into *b. Returns the writer status of close. */
static sl_err write_all_types(sl_buf *b, uint64_t nrows, const sl_pq_options *o)
{
    char err[256] = "";
    sl_pq_writer *w = sl_pq_writer_new(all_cols, NALL, o, sl_out_mem(b), err, sizeof err);
    if (!w) {
        fprintf(stderr, "  new: %s\n", err);
        return SL_ERR_INVALID;
    }
    sl_value v[NALL];
    char strs[NALL][64];
    for (uint64_t r = 0; r < nrows; r++) {
        make_row(r, v, strs);
        sl_err e = sl_pq_writer_write_row(w, v, err, sizeof err);
        if (e != SL_OK) {
            fprintf(stderr, "  row %llu: %s\n", (unsigned long long)r, err);
            sl_pq_writer_destroy(w);
            return e;
        }
    }
    sl_err e = sl_pq_writer_close(w, err, sizeof err);
    if (e != SL_OK)
        fprintf(stderr, "  close: %s\n", err);
    else if (sl_pq_writer_bytes_written(w) != b->len)
        e = SL_ERR_IO;
    sl_pq_writer_destroy(w);
    return e;
}

/* Reads every column of every row group and compares with make_row. Returns
 * the number of mismatching cells (-1 when a column cannot be read). */
static long verify_all_types(const pfile *f, uint64_t nrows)
{
    long bad = 0;
    uint32_t nrg = sl_thrift_tree_count(f->meta, sl_thrift_tree_field(f->meta, f->root, 4));
    for (size_t c = 0; c < NALL; c++) {
        uint64_t r = 0;
        for (uint32_t g = 0; g < nrg; g++) {
            decoded d = {0};
            if (read_column(f, g, (uint32_t)c, &d) != 0) {
                fprintf(stderr, "  column %zu row group %u unreadable\n", c, g);
                decoded_free(&d);
                return -1;
            }
            for (size_t i = 0; i < d.n; i++, r++) {
                sl_value v[NALL];
                char strs[NALL][64];
                make_row(r, v, strs);
                if (!same_value(all_cols[c].type, &v[c], &d.v[i])) {
                    if (bad < 5)
                        fprintf(stderr, "  column %s row %llu differs\n", all_cols[c].name,
                                (unsigned long long)r);
                    bad++;
                }
            }
            decoded_free(&d);
        }
        if (r != nrows)
            return -1;
    }
    return bad;
}

/* ------------------------------------------------------------ tests */

static void test_footer_schema_and_stats(void)
{
    sl_buf b = {0};
    sl_pq_options o = sl_pq_options_default();
    char err[256];
    sl_pq_writer *w = sl_pq_writer_new(all_cols, NALL, &o, sl_out_mem(&b), err, sizeof err);
    REQUIRE(w != NULL);
    CHECK_EQ_INT(b.len, 4); /* magic written at once */
    CHECK(sl_pq_writer_add_kv(w, "sluice.mapping", "assessments") == SL_OK);
    CHECK(sl_pq_writer_add_kv(w, "empty", NULL) == SL_OK);
    sl_value v[NALL];
    char strs[NALL][64];
    for (uint64_t r = 0; r < 100; r++) {
        make_row(r, v, strs);
        REQUIRE(sl_pq_writer_write_row(w, v, err, sizeof err) == SL_OK);
    }
    CHECK_EQ_INT(sl_pq_writer_rows(w), 100);
    CHECK(sl_pq_writer_buffered_bytes(w) > 100 * 8);
    REQUIRE(sl_pq_writer_close(w, err, sizeof err) == SL_OK);
    CHECK(sl_pq_writer_write_row(w, v, err, sizeof err) == SL_ERR_INVALID);
    sl_pq_writer_destroy(w);

    pfile f;
    REQUIRE(pfile_open(&f, &b) == 0);
    const sl_thrift_tree *t = f.meta;
    CHECK_EQ_INT(fint(&f, f.root, 1), 1);    /* version */
    CHECK_EQ_INT(fint(&f, f.root, 3), 100);  /* num_rows */
    CHECK_EQ_STR(fstr(&f, f.root, 6), sl_version_line());
    /* schema */
    sl_thrift_ref schema = sl_thrift_tree_field(t, f.root, 2);
    REQUIRE(sl_thrift_tree_count(t, schema) == NALL + 1);
    sl_thrift_ref root = item(&f, schema, 0);
    CHECK_EQ_STR(fstr(&f, root, 4), "schema");
    CHECK_EQ_INT(fint(&f, root, 5), NALL);
    CHECK(!has_field(&f, root, 1));
    const int want_phys[NALL] = {SL_PQT_BYTE_ARRAY, SL_PQT_BYTE_ARRAY, SL_PQT_INT32,
                                 SL_PQT_INT64,      SL_PQT_DOUBLE,     SL_PQT_BOOLEAN,
                                 SL_PQT_INT64,      SL_PQT_INT32,      SL_PQT_BYTE_ARRAY};
    const int want_ct[NALL] = {SL_PQCT_UTF8, SL_PQCT_UTF8, -1, -1, -1, -1,
                               SL_PQCT_TIMESTAMP_MICROS, SL_PQCT_DATE, -1};
    const int want_lt[NALL] = {SL_PQLT_STRING, SL_PQLT_STRING, -1, -1, -1, -1,
                               SL_PQLT_TIMESTAMP, SL_PQLT_DATE, -1};
    for (size_t i = 0; i < NALL; i++) {
        sl_thrift_ref se = item(&f, schema, (uint32_t)i + 1);
        CHECK_EQ_STR(fstr(&f, se, 4), all_cols[i].name);
        CHECK_EQ_INT(fint(&f, se, 1), want_phys[i]);
        CHECK_EQ_INT(fint(&f, se, 3), all_cols[i].required ? SL_PQR_REQUIRED : SL_PQR_OPTIONAL);
        CHECK_EQ_INT(has_field(&f, se, 6) ? fint(&f, se, 6) : -1, want_ct[i]);
        sl_thrift_ref lt = sl_thrift_tree_field(t, se, 10);
        if (want_lt[i] < 0) {
            CHECK(lt == 0);
        } else {
            sl_thrift_ref m = sl_thrift_tree_field(t, lt, (int16_t)want_lt[i]);
            CHECK(m != 0 && sl_thrift_tree_type(t, m) == SL_THRIFT_STRUCT);
            if (want_lt[i] == SL_PQLT_TIMESTAMP) {
                CHECK_EQ_INT(fint(&f, m, 1), 1); /* isAdjustedToUTC */
                CHECK_EQ_INT(sl_thrift_tree_type(t, sl_thrift_tree_field(t, m, 1)), SL_THRIFT_BOOL);
                sl_thrift_ref unit = sl_thrift_tree_field(t, m, 2);
                CHECK(sl_thrift_tree_field(t, unit, SL_PQTU_MICROS) != 0);
                CHECK(sl_thrift_tree_field(t, unit, SL_PQTU_MILLIS) == 0);
            }
        }
    }
    /* key/value metadata */
    sl_thrift_ref kv = sl_thrift_tree_field(t, f.root, 5);
    REQUIRE(sl_thrift_tree_count(t, kv) == 2);
    CHECK_EQ_STR(fstr(&f, item(&f, kv, 0), 1), "sluice.mapping");
    CHECK_EQ_STR(fstr(&f, item(&f, kv, 0), 2), "assessments");
    CHECK(!has_field(&f, item(&f, kv, 1), 2));
    /* column orders */
    sl_thrift_ref co = sl_thrift_tree_field(t, f.root, 7);
    REQUIRE(sl_thrift_tree_count(t, co) == NALL);
    for (uint32_t i = 0; i < NALL; i++)
        CHECK(sl_thrift_tree_field(t, item(&f, co, i), 1) != 0);
    /* row group */
    REQUIRE(sl_thrift_tree_count(t, sl_thrift_tree_field(t, f.root, 4)) == 1);
    sl_thrift_ref rg = row_group(&f, 0);
    CHECK_EQ_INT(fint(&f, rg, 3), 100);
    CHECK_EQ_INT(fint(&f, rg, 5), 4);
    CHECK_EQ_INT(fint(&f, rg, 7), 0);
    int64_t sum_c = 0, sum_u = 0, expect_off = 4;
    for (uint32_t i = 0; i < NALL; i++) {
        sl_thrift_ref cc = item(&f, sl_thrift_tree_field(t, rg, 1), i);
        sl_thrift_ref cm = colmeta(&f, 0, i);
        CHECK_EQ_INT(fint(&f, cc, 2), expect_off); /* chunks are contiguous */
        CHECK_EQ_INT(fint(&f, cm, 1), want_phys[i]);
        CHECK_EQ_INT(fint(&f, cm, 4), SL_PQ_ZSTD);
        CHECK_EQ_INT(fint(&f, cm, 5), 100);
        sl_thrift_ref path = sl_thrift_tree_field(t, cm, 3);
        CHECK_EQ_INT(sl_thrift_tree_count(t, path), 1);
        size_t n;
        const uint8_t *p = sl_thrift_tree_binary(t, item(&f, path, 0), &n);
        CHECK(p && n == strlen(all_cols[i].name) && memcmp(p, all_cols[i].name, n) == 0);
        if (has_field(&f, cm, 11)) {
            CHECK_EQ_INT(fint(&f, cm, 11), expect_off);
            CHECK(fint(&f, cm, 9) > fint(&f, cm, 11));
        } else {
            CHECK_EQ_INT(fint(&f, cm, 9), expect_off);
        }
        sum_c += fint(&f, cm, 7);
        sum_u += fint(&f, cm, 6);
        expect_off += fint(&f, cm, 7);
        CHECK(has_encoding(&f, cm, SL_PQE_RLE));
    }
    CHECK_EQ_INT(fint(&f, rg, 6), sum_c);
    CHECK_EQ_INT(fint(&f, rg, 2), sum_u);
    /* the footer follows the last chunk */
    CHECK_EQ_INT((size_t)expect_off + sl_enc_get_u32le(b.data + b.len - 8) + 8, b.len);

    /* statistics: compute the expected ones from the data */
    int64_t nulls[NALL] = {0};
    int64_t imin[NALL], imax[NALL];
    double dmin = INFINITY, dmax = -INFINITY;
    for (size_t i = 0; i < NALL; i++) {
        imin[i] = INT64_MAX;
        imax[i] = INT64_MIN;
    }
    for (uint64_t r = 0; r < 100; r++) {
        make_row(r, v, strs);
        for (size_t i = 0; i < NALL; i++) {
            if (v[i].is_null) {
                nulls[i]++;
                continue;
            }
            if (all_cols[i].type == SL_T_DOUBLE) {
                dmin = fmin(dmin, v[i].u.d);
                dmax = fmax(dmax, v[i].u.d);
            } else if (all_cols[i].type != SL_T_STRING && all_cols[i].type != SL_T_BINARY) {
                if (v[i].u.i < imin[i])
                    imin[i] = v[i].u.i;
                if (v[i].u.i > imax[i])
                    imax[i] = v[i].u.i;
            }
        }
    }
    for (uint32_t i = 0; i < NALL; i++) {
        sl_thrift_ref st = sl_thrift_tree_field(t, colmeta(&f, 0, i), 12);
        REQUIRE(st != 0);
        CHECK_EQ_INT(fint(&f, st, 3), nulls[i]);
        CHECK(!has_field(&f, st, 1) && !has_field(&f, st, 2) && !has_field(&f, st, 4));
        size_t nmin, nmax;
        const uint8_t *pmin = sl_thrift_tree_binary(t, sl_thrift_tree_field(t, st, 6), &nmin);
        const uint8_t *pmax = sl_thrift_tree_binary(t, sl_thrift_tree_field(t, st, 5), &nmax);
        REQUIRE(pmin && pmax);
        switch (all_cols[i].type) {
        case SL_T_STRING:
            if (i == 1) { /* exam_name: "" is the min, "Learning Git"... max is "Intro"? no: */
                CHECK_EQ_INT(nmin, 0);
                CHECK(nmax == 12 && memcmp(pmax, "Learning Git", 12) == 0);
            }
            break;
        case SL_T_DOUBLE:
            CHECK_EQ_INT(nmin, 8);
            CHECK(sl_enc_get_f64le(pmin) == dmin && sl_enc_get_f64le(pmax) == dmax);
            break;
        case SL_T_INT32:
        case SL_T_DATE:
            CHECK_EQ_INT(nmin, 4);
            CHECK_EQ_INT((int32_t)sl_enc_get_u32le(pmin), imin[i]);
            CHECK_EQ_INT((int32_t)sl_enc_get_u32le(pmax), imax[i]);
            break;
        case SL_T_BOOL:
            CHECK(nmin == 1 && nmax == 1 && pmin[0] == 0 && pmax[0] == 1);
            break;
        case SL_T_INT64:
        case SL_T_TIMESTAMP:
            CHECK_EQ_INT(nmin, 8);
            CHECK_EQ_INT((int64_t)sl_enc_get_u64le(pmin), imin[i]);
            CHECK_EQ_INT((int64_t)sl_enc_get_u64le(pmax), imax[i]);
            break;
        default:
            break;
        }
    }
    CHECK_EQ_INT(verify_all_types(&f, 100), 0);
    pfile_close(&f);
    sl_buf_free(&b);
}

static void test_codecs_and_options_roundtrip(void)
{
    sl_pq_codec codecs[] = {SL_PQ_UNCOMPRESSED, SL_PQ_SNAPPY, SL_PQ_GZIP, SL_PQ_ZSTD};
    for (int variant = 0; variant < 6; variant++) {
        sl_pq_options o = sl_pq_options_default();
        o.codec = codecs[variant % 4];
        if (variant == 4) {
            o.disable_dictionary = 1;
            o.compression_level = 19;
        }
        if (variant == 5) {
            o.page_bytes = 512; /* many pages */
            o.codec = SL_PQ_GZIP;
            o.compression_level = 1;
        }
        sl_buf b = {0};
        REQUIRE(write_all_types(&b, 3000, &o) == SL_OK);
        pfile f;
        REQUIRE(pfile_open(&f, &b) == 0);
        CHECK_EQ_INT(fint(&f, colmeta(&f, 0, 0), 4), o.codec);
        CHECK_EQ_INT(verify_all_types(&f, 3000), 0);
        if (variant == 4) {
            for (uint32_t c = 0; c < NALL; c++) {
                CHECK(!has_field(&f, colmeta(&f, 0, c), 11));
                CHECK(!has_encoding(&f, colmeta(&f, 0, c), SL_PQE_RLE_DICTIONARY));
            }
        } else {
            /* exam_name: 5 distinct values: dictionary, one dict page */
            sl_thrift_ref cm = colmeta(&f, 0, 1);
            CHECK(has_field(&f, cm, 11));
            CHECK_EQ_INT(enc_stat(&f, cm, SL_PQP_DICTIONARY_PAGE, SL_PQE_PLAIN), 1);
            CHECK(enc_stat(&f, cm, SL_PQP_DATA_PAGE, SL_PQE_RLE_DICTIONARY) >= 1);
            CHECK_EQ_INT(enc_stat(&f, cm, SL_PQP_DATA_PAGE, SL_PQE_PLAIN), -1);
            CHECK(has_encoding(&f, cm, SL_PQE_RLE_DICTIONARY));
        }
        if (variant == 5) {
            decoded d = {0};
            REQUIRE(read_column(&f, 0, 3, &d) == 0); /* offset: 8 bytes x 3000 rows */
            /* the first page may hold up to page_bytes + dict_max_bytes before it
             * turns PLAIN; the rest are about 512 bytes */
            CHECK(d.pages_data >= 30);
            decoded_free(&d);
        }
        pfile_close(&f);
        sl_buf_free(&b);
    }
}

static void test_int96_timestamps(void)
{
    sl_pq_options o = sl_pq_options_default();
    o.int96_timestamps = 1;
    sl_buf b = {0};
    REQUIRE(write_all_types(&b, 500, &o) == SL_OK);
    pfile f;
    REQUIRE(pfile_open(&f, &b) == 0);
    sl_thrift_ref se = item(&f, sl_thrift_tree_field(f.meta, f.root, 2), 7);
    CHECK_EQ_STR(fstr(&f, se, 4), "started_at");
    CHECK_EQ_INT(fint(&f, se, 1), SL_PQT_INT96);
    CHECK(!has_field(&f, se, 6) && !has_field(&f, se, 10)); /* no annotation */
    sl_thrift_ref cm = colmeta(&f, 0, 6);
    CHECK_EQ_INT(fint(&f, cm, 1), SL_PQT_INT96);
    sl_thrift_ref st = sl_thrift_tree_field(f.meta, cm, 12);
    CHECK(has_field(&f, st, 3) && !has_field(&f, st, 5) && !has_field(&f, st, 6));
    CHECK_EQ_INT(verify_all_types(&f, 500), 0);
    pfile_close(&f);
    sl_buf_free(&b);
}

static void test_zero_rows(void)
{
    sl_buf b = {0};
    sl_pq_options o = sl_pq_options_default();
    REQUIRE(write_all_types(&b, 0, &o) == SL_OK);
    pfile f;
    REQUIRE(pfile_open(&f, &b) == 0);
    CHECK_EQ_INT(fint(&f, f.root, 3), 0);
    sl_thrift_ref rgs = sl_thrift_tree_field(f.meta, f.root, 4);
    CHECK(rgs != 0);
    CHECK_EQ_INT(sl_thrift_tree_count(f.meta, rgs), 0);
    CHECK_EQ_INT(sl_thrift_tree_count(f.meta, sl_thrift_tree_field(f.meta, f.root, 2)), NALL + 1);
    CHECK_EQ_INT(sl_enc_get_u32le(b.data + b.len - 8) + 12, b.len);
    pfile_close(&f);
    sl_buf_free(&b);
}

static void test_several_row_groups(void)
{
    sl_buf b = {0};
    sl_pq_options o = sl_pq_options_default();
    o.row_group_bytes = 16 << 10;
    REQUIRE(write_all_types(&b, 4000, &o) == SL_OK);
    pfile f;
    REQUIRE(pfile_open(&f, &b) == 0);
    uint32_t nrg = sl_thrift_tree_count(f.meta, sl_thrift_tree_field(f.meta, f.root, 4));
    CHECK(nrg >= 6);
    int64_t rows = 0, off = 4;
    for (uint32_t g = 0; g < nrg; g++) {
        sl_thrift_ref rg = row_group(&f, g);
        rows += fint(&f, rg, 3);
        CHECK_EQ_INT(fint(&f, rg, 5), off);
        CHECK_EQ_INT(fint(&f, rg, 7), g);
        off += fint(&f, rg, 6);
        for (uint32_t c = 0; c < NALL; c++)
            CHECK_EQ_INT(fint(&f, colmeta(&f, g, c), 5), fint(&f, rg, 3));
    }
    CHECK_EQ_INT(rows, 4000);
    CHECK_EQ_INT(fint(&f, f.root, 3), 4000);
    CHECK_EQ_INT(verify_all_types(&f, 4000), 0);
    pfile_close(&f);
    sl_buf_free(&b);

    /* explicit flushes make row groups of exactly the rows written between them */
    char err[256];
    sl_pq_writer *w = sl_pq_writer_new(all_cols, NALL, &o, sl_out_mem(&b), err, sizeof err);
    REQUIRE(w != NULL);
    sl_value v[NALL];
    char strs[NALL][64];
    for (uint64_t r = 0; r < 30; r++) {
        make_row(r, v, strs);
        REQUIRE(sl_pq_writer_write_row(w, v, err, sizeof err) == SL_OK);
        if (r == 9 || r == 10)
            REQUIRE(sl_pq_writer_flush_row_group(w, err, sizeof err) == SL_OK);
    }
    REQUIRE(sl_pq_writer_flush_row_group(w, err, sizeof err) == SL_OK);
    REQUIRE(sl_pq_writer_flush_row_group(w, err, sizeof err) == SL_OK); /* no-op */
    CHECK_EQ_INT(sl_pq_writer_buffered_bytes(w), 0);
    REQUIRE(sl_pq_writer_close(w, err, sizeof err) == SL_OK);
    sl_pq_writer_destroy(w);
    REQUIRE(pfile_open(&f, &b) == 0);
    CHECK_EQ_INT(sl_thrift_tree_count(f.meta, sl_thrift_tree_field(f.meta, f.root, 4)), 3);
    CHECK_EQ_INT(fint(&f, row_group(&f, 0), 3), 10);
    CHECK_EQ_INT(fint(&f, row_group(&f, 1), 3), 1);
    CHECK_EQ_INT(fint(&f, row_group(&f, 2), 3), 19);
    CHECK_EQ_INT(verify_all_types(&f, 30), 0);
    pfile_close(&f);
    sl_buf_free(&b);
}

/* One string column: a few values repeated at first, then all distinct, with a
 * small dictionary limit: dictionary pages first, PLAIN after the limit. */
static void test_dictionary_fallback_at_limit(void)
{
    sl_column col = {"s", SL_T_STRING, 0};
    sl_pq_options o = sl_pq_options_default();
    o.dict_max_bytes = 4096;
    o.page_bytes = 1024;
    sl_buf b = {0};
    char err[256];
    sl_pq_writer *w = sl_pq_writer_new(&col, 1, &o, sl_out_mem(&b), err, sizeof err);
    REQUIRE(w != NULL);
    char s[32];
    const size_t n = 20000;
    for (size_t r = 0; r < n; r++) {
        int len = r < 6000 ? snprintf(s, sizeof s, "v%05zu", r % 50)
                           : snprintf(s, sizeof s, "u%05zu", r);
        sl_value v = r % 100 == 7 ? vnull() : vstr(s, (size_t)len);
        REQUIRE(sl_pq_writer_write_row(w, &v, err, sizeof err) == SL_OK);
    }
    pfile f;
    REQUIRE(close_and_open(w, &b, &f) == 0);
    sl_thrift_ref cm = colmeta(&f, 0, 0);
    int64_t ndict = enc_stat(&f, cm, SL_PQP_DATA_PAGE, SL_PQE_RLE_DICTIONARY);
    int64_t nplain = enc_stat(&f, cm, SL_PQP_DATA_PAGE, SL_PQE_PLAIN);
    CHECK_EQ_INT(enc_stat(&f, cm, SL_PQP_DICTIONARY_PAGE, SL_PQE_PLAIN), 1);
    CHECK(ndict >= 2);
    CHECK(nplain >= 2);
    CHECK(has_encoding(&f, cm, SL_PQE_PLAIN) && has_encoding(&f, cm, SL_PQE_RLE) &&
          has_encoding(&f, cm, SL_PQE_RLE_DICTIONARY));
    CHECK(has_field(&f, cm, 11));
    decoded d = {0};
    REQUIRE(read_column(&f, 0, 0, &d) == 0);
    CHECK_EQ_INT(d.pages_dict, 1);
    CHECK_EQ_INT(d.pages_data, ndict + nplain);
    REQUIRE(d.n == n);
    long bad = 0;
    for (size_t r = 0; r < n; r++) {
        int len = r < 6000 ? snprintf(s, sizeof s, "v%05zu", r % 50)
                           : snprintf(s, sizeof s, "u%05zu", r);
        sl_value v = r % 100 == 7 ? vnull() : vstr(s, (size_t)len);
        bad += !same_value(SL_T_STRING, &v, &d.v[r]);
    }
    CHECK_EQ_INT(bad, 0);
    decoded_free(&d);
    /* the dictionary page holds the 50 repeated values and then distinct ones up
     * to the limit: (4 + 6) bytes each, so at most 409 entries */
    uint64_t dict_off = (uint64_t)fint(&f, cm, 11);
    size_t hl;
    sl_thrift_tree *h = sl_thrift_tree_parse(b.data + dict_off, b.len - dict_off, 0, &hl, err,
                                             sizeof err);
    REQUIRE(h != NULL);
    sl_thrift_ref hr = sl_thrift_tree_root(h);
    CHECK_EQ_INT(sl_thrift_tree_int(h, sl_thrift_tree_field(h, hr, 1)), SL_PQP_DICTIONARY_PAGE);
    int64_t usize = sl_thrift_tree_int(h, sl_thrift_tree_field(h, hr, 2));
    int64_t entries =
        sl_thrift_tree_int(h, sl_thrift_tree_field(h, sl_thrift_tree_field(h, hr, 7), 1));
    CHECK(usize <= 4096 && usize > 4096 - 10);
    CHECK_EQ_INT(entries, 409);
    sl_thrift_tree_destroy(h);
    pfile_close(&f);
    sl_buf_free(&b);
}

/* Distinct values (UUID-like strings, unique timestamps) get no dictionary;
 * repeated ints do. */
static void test_dictionary_only_when_it_pays(void)
{
    sl_column cols[] = {{"id", SL_T_STRING, 1}, {"ts", SL_T_TIMESTAMP, 1}, {"n", SL_T_INT32, 1}};
    sl_pq_options o = sl_pq_options_default();
    sl_buf b = {0};
    char err[256], s[64];
    sl_pq_writer *w = sl_pq_writer_new(cols, 3, &o, sl_out_mem(&b), err, sizeof err);
    REQUIRE(w != NULL);
    for (int r = 0; r < 30000; r++) {
        uint64_t x = rnd(), y = rnd();
        int len = snprintf(s, sizeof s, "%08x-%04x-%04x-%04x-%012llx", (unsigned)x,
                           (unsigned)(x >> 32) & 0xffff, (unsigned)(x >> 48), (unsigned)y & 0xffff,
                           (unsigned long long)(y >> 16));
        sl_value v[3] = {vstr(s, (size_t)len), vint(1516717399082000LL + r * 1000003LL),
                         vint(r % 7)};
        REQUIRE(sl_pq_writer_write_row(w, v, err, sizeof err) == SL_OK);
    }
    pfile f;
    REQUIRE(close_and_open(w, &b, &f) == 0);
    for (uint32_t c = 0; c < 2; c++) {
        sl_thrift_ref cm = colmeta(&f, 0, c);
        CHECK(!has_field(&f, cm, 11));
        CHECK(!has_encoding(&f, cm, SL_PQE_RLE_DICTIONARY));
        CHECK_EQ_INT(enc_stat(&f, cm, SL_PQP_DICTIONARY_PAGE, SL_PQE_PLAIN), -1);
        CHECK(enc_stat(&f, cm, SL_PQP_DATA_PAGE, SL_PQE_PLAIN) >= 2);
    }
    sl_thrift_ref cm = colmeta(&f, 0, 2);
    CHECK(has_field(&f, cm, 11));
    CHECK_EQ_INT(enc_stat(&f, cm, SL_PQP_DATA_PAGE, SL_PQE_PLAIN), -1);
    /* 30000 values of 3 bits, zstd: far below PLAIN's 120000 bytes */
    CHECK(fint(&f, cm, 7) < 30000);
    decoded d = {0};
    REQUIRE(read_column(&f, 0, 2, &d) == 0);
    REQUIRE(d.n == 30000);
    long bad = 0;
    for (int r = 0; r < 30000; r++)
        bad += d.v[r].u.i != r % 7;
    CHECK_EQ_INT(bad, 0);
    decoded_free(&d);
    pfile_close(&f);
    sl_buf_free(&b);
}

/* Writes one column of n values (with and without dictionary) and returns the
 * chunk statistics of the file written with the dictionary. */
typedef struct stat_out {
    int64_t nulls;
    int has;
    uint8_t min[8192], max[8192];
    size_t nmin, nmax;
} stat_out;

static int one_column_stats(sl_type type, const sl_value *vals, size_t n, stat_out *out)
{
    sl_column col = {"c", type, 0};
    int rc = 0;
    for (int dict = 0; dict < 2; dict++) {
        sl_pq_options o = sl_pq_options_default();
        o.disable_dictionary = !dict;
        sl_buf b = {0};
        char err[256];
        sl_pq_writer *w = sl_pq_writer_new(&col, 1, &o, sl_out_mem(&b), err, sizeof err);
        for (size_t i = 0; w && i < n; i++)
            if (sl_pq_writer_write_row(w, &vals[i], err, sizeof err) != SL_OK)
                rc = -1;
        if (!w || sl_pq_writer_close(w, err, sizeof err) != SL_OK)
            rc = -1;
        sl_pq_writer_destroy(w);
        pfile f;
        if (rc == 0 && pfile_open(&f, &b) == 0) {
            sl_thrift_ref st = sl_thrift_tree_field(f.meta, colmeta(&f, 0, 0), 12);
            stat_out s;
            memset(&s, 0, sizeof s);
            s.nulls = has_field(&f, st, 3) ? fint(&f, st, 3) : -1;
            const uint8_t *pmin = sl_thrift_tree_binary(f.meta, sl_thrift_tree_field(f.meta, st, 6),
                                                        &s.nmin);
            const uint8_t *pmax = sl_thrift_tree_binary(f.meta, sl_thrift_tree_field(f.meta, st, 5),
                                                        &s.nmax);
            s.has = pmin && pmax;
            if ((pmin != NULL) != (pmax != NULL) || s.nmin > 8192 || s.nmax > 8192)
                rc = -1;
            if (s.has) {
                memcpy(s.min, pmin, s.nmin);
                memcpy(s.max, pmax, s.nmax);
            }
            /* both variants must agree */
            if (dict == 0)
                *out = s;
            else if (memcmp(&s, out, sizeof s) != 0)
                rc = -2;
            pfile_close(&f);
        } else {
            rc = -1;
        }
        sl_buf_free(&b);
    }
    return rc;
}

static void test_statistics_edge_cases(void)
{
    stat_out *s = malloc(sizeof *s);
    /* doubles: NaN excluded */
    sl_value d1[] = {vdbl(NAN), vdbl(3.5), vdbl(-2.0), vnull(), vdbl(NAN)};
    REQUIRE(one_column_stats(SL_T_DOUBLE, d1, 5, s) == 0);
    CHECK(s->has && s->nulls == 1);
    CHECK(sl_enc_get_f64le(s->min) == -2.0 && sl_enc_get_f64le(s->max) == 3.5);
    /* zero as the lower bound: -0.0 */
    sl_value d2[] = {vdbl(0.0), vdbl(1.0)};
    REQUIRE(one_column_stats(SL_T_DOUBLE, d2, 2, s) == 0);
    CHECK(sl_enc_get_f64le(s->min) == 0.0 && signbit(sl_enc_get_f64le(s->min)));
    CHECK(sl_enc_get_f64le(s->max) == 1.0);
    /* zero as the upper bound: +0.0 */
    sl_value d3[] = {vdbl(-1.0), vdbl(-0.0)};
    REQUIRE(one_column_stats(SL_T_DOUBLE, d3, 2, s) == 0);
    CHECK(sl_enc_get_f64le(s->max) == 0.0 && !signbit(sl_enc_get_f64le(s->max)));
    CHECK(sl_enc_get_f64le(s->min) == -1.0);
    /* all NaN or all null: null_count only */
    sl_value d4[] = {vdbl(NAN), vdbl(NAN)};
    REQUIRE(one_column_stats(SL_T_DOUBLE, d4, 2, s) == 0);
    CHECK(!s->has && s->nulls == 0);
    sl_value d5[] = {vnull(), vnull(), vnull()};
    REQUIRE(one_column_stats(SL_T_STRING, d5, 3, s) == 0);
    CHECK(!s->has && s->nulls == 3);
    /* strings compare as unsigned bytes */
    sl_value s1[] = {vstr("a", 1), vstr("\xff", 1), vstr("B", 1), vstr("ab", 2)};
    REQUIRE(one_column_stats(SL_T_STRING, s1, 4, s) == 0);
    CHECK(s->has && s->nmin == 1 && s->min[0] == 'B' && s->nmax == 1 && s->max[0] == 0xff);
    /* prefix is smaller; empty string is the smallest */
    sl_value s2[] = {vstr("abc", 3), vstr("ab", 2), vstr("", 0), vstr("abd", 3)};
    REQUIRE(one_column_stats(SL_T_STRING, s2, 4, s) == 0);
    CHECK(s->has && s->nmin == 0 && s->nmax == 3 && memcmp(s->max, "abd", 3) == 0);
    /* long values: written when they are not a bound, both omitted when one is */
    char *big = malloc(5000);
    memset(big, 'm', 5000);
    sl_value s3[] = {vstr("a", 1), vstr(big, 5000), vstr("z", 1)};
    REQUIRE(one_column_stats(SL_T_STRING, s3, 3, s) == 0);
    CHECK(s->has && s->nmin == 1 && s->min[0] == 'a' && s->nmax == 1 && s->max[0] == 'z');
    sl_value s4[] = {vstr("a", 1), vstr(big, 5000), vstr("b", 1)};
    REQUIRE(one_column_stats(SL_T_STRING, s4, 3, s) == 0);
    CHECK(!s->has && s->nulls == 0);
    sl_value s5[] = {vstr(big, 4096), vstr("zz", 2)}; /* exactly 4096: written */
    REQUIRE(one_column_stats(SL_T_STRING, s5, 2, s) == 0);
    CHECK(s->has && s->nmin == 4096 && s->nmax == 2);
    /* two long values sharing a long prefix, then a short max */
    big[4500] = 'n';
    sl_value s6[] = {vstr(big, 5000), vstr(big, 4800), vstr("zz", 2)};
    REQUIRE(one_column_stats(SL_T_STRING, s6, 3, s) == 0);
    CHECK(!s->has); /* min is long */
    free(big);
    /* signed ints */
    sl_value i1[] = {vint(-5), vint(3), vint(INT32_MIN), vint(INT32_MAX)};
    REQUIRE(one_column_stats(SL_T_INT32, i1, 4, s) == 0);
    CHECK((int32_t)sl_enc_get_u32le(s->min) == INT32_MIN);
    CHECK((int32_t)sl_enc_get_u32le(s->max) == INT32_MAX);
    sl_value i2[] = {vint(-1), vint(INT64_MIN + 1), vint(7)};
    REQUIRE(one_column_stats(SL_T_TIMESTAMP, i2, 3, s) == 0);
    CHECK((int64_t)sl_enc_get_u64le(s->min) == INT64_MIN + 1);
    CHECK((int64_t)sl_enc_get_u64le(s->max) == 7);
    /* booleans */
    sl_value b1[] = {vint(1), vint(1), vnull()};
    REQUIRE(one_column_stats(SL_T_BOOL, b1, 3, s) == 0);
    CHECK(s->has && s->min[0] == 1 && s->max[0] == 1 && s->nulls == 1);
    sl_value b2[] = {vint(1), vint(0)};
    REQUIRE(one_column_stats(SL_T_BOOL, b2, 2, s) == 0);
    CHECK(s->min[0] == 0 && s->max[0] == 1);
    free(s);
}

typedef struct failing_out {
    size_t budget; /* bytes accepted before failing */
    size_t written;
} failing_out;

static sl_err failing_write(void *ctx, const void *data, size_t n, char *errstr,
                            size_t errstr_size)
{
    failing_out *fo = ctx;
    (void)data;
    if (fo->written + n > fo->budget)
        return sl_errf(SL_ERR_IO, errstr, errstr_size, "disk full (test)");
    fo->written += n;
    return SL_OK;
}

static void test_errors(void)
{
    char err[256];
    sl_buf b = {0};
    /* bad schemas */
    sl_column dup[] = {{"a", SL_T_INT32, 0}, {"a", SL_T_STRING, 0}};
    CHECK(sl_pq_writer_new(dup, 2, NULL, sl_out_mem(&b), err, sizeof err) == NULL);
    CHECK(strstr(err, "duplicate column name 'a'") != NULL);
    CHECK(sl_pq_writer_new(dup, 0, NULL, sl_out_mem(&b), err, sizeof err) == NULL);
    sl_column noname[] = {{"", SL_T_INT32, 0}};
    CHECK(sl_pq_writer_new(noname, 1, NULL, sl_out_mem(&b), err, sizeof err) == NULL);
    sl_pq_options bad = sl_pq_options_default();
    bad.compression_level = 40;
    CHECK(sl_pq_writer_new(dup, 1, &bad, sl_out_mem(&b), err, sizeof err) == NULL);
    CHECK(strstr(err, "compression level 40") != NULL);
    bad = sl_pq_options_default();
    bad.codec = (sl_pq_codec)4;
    CHECK(sl_pq_writer_new(dup, 1, &bad, sl_out_mem(&b), err, sizeof err) == NULL);
    sl_buf_free(&b);

    /* a null in a required column rejects the whole row, and the writer goes on */
    sl_column cols[] = {{"opt", SL_T_INT32, 0}, {"req", SL_T_STRING, 1}};
    sl_pq_writer *w = sl_pq_writer_new(cols, 2, NULL, sl_out_mem(&b), err, sizeof err);
    REQUIRE(w != NULL);
    sl_value good[2] = {vint(1), vstr("x", 1)};
    sl_value badrow[2] = {vint(2), vnull()};
    sl_value overflow[2] = {vint(1LL << 40), vstr("y", 1)};
    REQUIRE(sl_pq_writer_write_row(w, good, err, sizeof err) == SL_OK);
    CHECK(sl_pq_writer_write_row(w, badrow, err, sizeof err) == SL_ERR_INVALID);
    CHECK(strstr(err, "'req'") != NULL && strstr(err, "row 1") != NULL);
    CHECK(sl_pq_writer_write_row(w, overflow, err, sizeof err) == SL_ERR_INVALID);
    CHECK(strstr(err, "does not fit in int32") != NULL);
    good[0] = vint(3);
    REQUIRE(sl_pq_writer_write_row(w, good, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(sl_pq_writer_rows(w), 2);
    REQUIRE(sl_pq_writer_close(w, err, sizeof err) == SL_OK);
    CHECK(sl_pq_writer_close(w, err, sizeof err) == SL_ERR_INVALID);
    CHECK(sl_pq_writer_add_kv(w, "k", "v") == SL_ERR_INVALID);
    sl_pq_writer_destroy(w);
    pfile f;
    REQUIRE(pfile_open(&f, &b) == 0);
    decoded d = {0};
    REQUIRE(read_column(&f, 0, 0, &d) == 0);
    CHECK(d.n == 2 && d.v[0].u.i == 1 && d.v[1].u.i == 3);
    decoded_free(&d);
    pfile_close(&f);
    sl_buf_free(&b);

    /* output failures surface from write_row (row group flush) and close, and
     * the writer refuses further work */
    failing_out fo = {100, 0};
    sl_out out = {failing_write, &fo};
    sl_pq_options o = sl_pq_options_default();
    o.row_group_bytes = 1000;
    w = sl_pq_writer_new(cols, 2, &o, out, err, sizeof err);
    REQUIRE(w != NULL);
    sl_err e = SL_OK;
    for (int r = 0; r < 10000 && e == SL_OK; r++)
        e = sl_pq_writer_write_row(w, good, err, sizeof err);
    CHECK(e == SL_ERR_IO);
    CHECK(strstr(err, "disk full") != NULL);
    CHECK(sl_pq_writer_write_row(w, good, err, sizeof err) == SL_ERR_INVALID);
    CHECK(sl_pq_writer_close(w, err, sizeof err) == SL_ERR_INVALID);
    sl_pq_writer_destroy(w);
    fo.written = 0;
    fo.budget = 4;
    w = sl_pq_writer_new(cols, 2, NULL, out, err, sizeof err);
    REQUIRE(w != NULL);
    CHECK(sl_pq_writer_close(w, err, sizeof err) == SL_ERR_IO); /* footer write fails */
    sl_pq_writer_destroy(w);
    fo.written = 0;
    fo.budget = 3;
    CHECK(sl_pq_writer_new(cols, 2, NULL, out, err, sizeof err) == NULL); /* magic fails */
    sl_pq_writer_destroy(NULL);
}

/* A 64 MiB string gets a page of its own and comes back intact; strings
 * bigger than the page size interleave with small ones. */
static void test_big_values(void)
{
    size_t big = (size_t)64 << 20;
    char *s = malloc(big);
    REQUIRE(s != NULL);
    for (size_t i = 0; i < 4099; i++)
        s[i] = (char)('a' + (i * 2654435761u >> 13) % 26);
    for (size_t i = 4099; i < big; i += 4099) /* repeat the block (quick under ASan) */
        memcpy(s + i, s, big - i < 4099 ? big - i : 4099);
    s[big - 1] = '!';
    sl_column col = {"blob", SL_T_BINARY, 0};
    sl_pq_options o = sl_pq_options_default();
    o.codec = SL_PQ_SNAPPY;
    sl_buf b = {0};
    char err[256];
    sl_pq_writer *w = sl_pq_writer_new(&col, 1, &o, sl_out_mem(&b), err, sizeof err);
    REQUIRE(w != NULL);
    size_t lens[] = {3, big, 0, 2 << 20, 5};
    for (size_t i = 0; i < 5; i++) {
        sl_value v = vstr(s, lens[i]);
        REQUIRE(sl_pq_writer_write_row(w, &v, err, sizeof err) == SL_OK);
    }
    pfile f;
    REQUIRE(close_and_open(w, &b, &f) == 0);
    decoded d = {0};
    REQUIRE(read_column(&f, 0, 0, &d) == 0);
    REQUIRE(d.n == 5);
    for (size_t i = 0; i < 5; i++)
        CHECK(d.v[i].u.s.n == lens[i] && memcmp(d.v[i].u.s.p, s, lens[i]) == 0);
    CHECK(d.pages_data >= 3);
    /* the long max means no min/max */
    sl_thrift_ref st = sl_thrift_tree_field(f.meta, colmeta(&f, 0, 0), 12);
    CHECK(!has_field(&f, st, 5) && !has_field(&f, st, 6));
    decoded_free(&d);
    pfile_close(&f);
    sl_buf_free(&b);
    free(s);
}

/* Data pages of column col in row group rg: their count, and the largest
 * uncompressed size (page body) among them. 0 on success. */
static int data_page_sizes(const pfile *f, uint32_t rg, uint32_t col, int *npages,
                           size_t *max_usize)
{
    char err[256] = "";
    sl_thrift_ref cm = colmeta(f, rg, col);
    uint64_t start = has_field(f, cm, 11) ? (uint64_t)fint(f, cm, 11) : (uint64_t)fint(f, cm, 9);
    uint64_t end = start + (uint64_t)fint(f, cm, 7);
    *npages = 0;
    *max_usize = 0;
    while (start < end) {
        size_t hl = 0;
        sl_thrift_tree *h =
            sl_thrift_tree_parse(f->data + start, end - start, 0, &hl, err, sizeof err);
        if (!h)
            return -1;
        sl_thrift_ref hr = sl_thrift_tree_root(h);
        int type = (int)sl_thrift_tree_int(h, sl_thrift_tree_field(h, hr, 1));
        size_t usize = (size_t)sl_thrift_tree_int(h, sl_thrift_tree_field(h, hr, 2));
        size_t csize = (size_t)sl_thrift_tree_int(h, sl_thrift_tree_field(h, hr, 3));
        sl_thrift_tree_destroy(h);
        if (type == SL_PQP_DATA_PAGE) {
            (*npages)++;
            if (usize > *max_usize)
                *max_usize = usize;
        }
        start += hl + csize;
    }
    return start == end ? 0 : -1;
}

/* PLAIN pages of fixed-width values end before 128 KiB of body (zstd's fast
 * size for them), strings' pages still grow to PAGE_ROW_LIMIT rows; every value
 * reads back. */
static void test_fixed_width_page_size(void)
{
    sl_column cols[] = {{"ts", SL_T_TIMESTAMP, 0}, {"d", SL_T_DOUBLE, 1},
                        {"i", SL_T_INT32, 0},      {"s", SL_T_STRING, 1}};
    const int n = 60000;
    for (int int96 = 0; int96 <= 1; int96++) {
        sl_pq_options o = sl_pq_options_default();
        o.int96_timestamps = int96;
        sl_buf b = {0};
        char err[256], s[64];
        sl_pq_writer *w = sl_pq_writer_new(cols, 4, &o, sl_out_mem(&b), err, sizeof err);
        REQUIRE(w != NULL);
        for (int r = 0; r < n; r++) {
            int len = snprintf(s, sizeof s, "%016llx-%019d", (unsigned long long)rnd(), r);
            sl_value v[4] = {r % 10 == 3 ? vnull() : vint(1511222400000000LL + r * 1000003LL),
                             vdbl(r * 0.37), vint(r * 7919), vstr(s, (size_t)len)};
            REQUIRE(sl_pq_writer_write_row(w, v, err, sizeof err) == SL_OK);
        }
        REQUIRE(sl_pq_writer_close(w, err, sizeof err) == SL_OK);
        sl_pq_writer_destroy(w);
        pfile f;
        REQUIRE(pfile_open(&f, &b) == 0);
        int np;
        size_t mx;
        /* ts: 54000 values of 8 (12) bytes + levels: >= 4 (5) pages, each near the cap */
        REQUIRE(data_page_sizes(&f, 0, 0, &np, &mx) == 0);
        CHECK(mx <= 131072 && mx > 120000);
        CHECK(np >= (int96 ? 5 : 4));
        /* d: 60000 values of 8 bytes, required */
        REQUIRE(data_page_sizes(&f, 0, 1, &np, &mx) == 0);
        CHECK(mx <= 131072 && mx > 120000);
        CHECK_EQ_INT(np, 4);
        /* i: 4 bytes, so the 20000-row limit comes first */
        REQUIRE(data_page_sizes(&f, 0, 2, &np, &mx) == 0);
        CHECK_EQ_INT(np, 3);
        CHECK(mx > 80000 && mx <= 131072);
        /* s: 40-byte strings, 20000 rows a page (800,000 bytes) */
        REQUIRE(data_page_sizes(&f, 0, 3, &np, &mx) == 0);
        CHECK_EQ_INT(np, 3);
        CHECK_EQ_INT(mx, 20000 * 40);
        long bad = 0;
        for (uint32_t c = 0; c < 3; c++) {
            decoded d = {0};
            REQUIRE(read_column(&f, 0, c, &d) == 0);
            REQUIRE(d.n == (size_t)n);
            for (int r = 0; r < n; r++) {
                if (c == 0)
                    bad += r % 10 == 3 ? !d.v[r].is_null
                                       : d.v[r].is_null ||
                                             d.v[r].u.i != 1511222400000000LL + r * 1000003LL;
                else if (c == 1)
                    bad += d.v[r].u.d != r * 0.37;
                else
                    bad += d.v[r].is_null || d.v[r].u.i != r * 7919;
            }
            decoded_free(&d);
        }
        CHECK_EQ_INT(bad, 0);
        pfile_close(&f);
        sl_buf_free(&b);
    }
}

/* sl_enc_bytes_eq against memcmp: every length 0..100 at every alignment,
 * equal and with one differing byte at each position. */
static void test_bytes_eq(void)
{
    uint8_t a[128], b[128];
    long bad = 0;
    for (size_t i = 0; i < sizeof a; i++)
        a[i] = (uint8_t)rnd();
    for (size_t n = 0; n <= 100; n++) {
        for (size_t off = 0; off < 8; off++) {
            memcpy(b + off, a, n);
            bad += sl_enc_bytes_eq(a, b + off, n) != 1;
            for (size_t i = 0; i < n; i++) {
                uint8_t keep = b[off + i];
                b[off + i] ^= (uint8_t)(1u << (i % 8));
                bad += sl_enc_bytes_eq(a, b + off, n) != 0;
                bad += sl_enc_bytes_eq(b + off, a, n) != 0;
                b[off + i] = keep;
            }
        }
    }
    CHECK_EQ_INT(bad, 0);
}

/* String dictionary values that differ in one byte only (every length 1..70,
 * every position), each written twice in a row (the repeat path), stay
 * distinct entries: the dictionary holds each once and every value reads back. */
static void test_dictionary_near_duplicates(void)
{
    sl_column col = {"s", SL_T_STRING, 1};
    sl_pq_options o = sl_pq_options_default();
    sl_buf b = {0};
    char err[256];
    enum { MAXLEN = 70 };
    size_t nvals = 0;
    char(*vals)[MAXLEN] = malloc((size_t)MAXLEN * (MAXLEN + 1) * sizeof *vals);
    size_t *lens = malloc((size_t)MAXLEN * (MAXLEN + 1) * sizeof *lens);
    REQUIRE(vals && lens);
    for (size_t len = 1; len <= MAXLEN; len++) {
        for (size_t pos = 0; pos <= len; pos++) { /* pos == len: the unchanged string */
            memset(vals[nvals], 'k', len);
            if (pos < len)
                vals[nvals][pos] = 'q';
            lens[nvals++] = len;
        }
    }
    sl_pq_writer *w = sl_pq_writer_new(&col, 1, &o, sl_out_mem(&b), err, sizeof err);
    REQUIRE(w != NULL);
    for (size_t i = 0; i < 2 * nvals; i++) {
        sl_value v = vstr(vals[i / 2], lens[i / 2]);
        REQUIRE(sl_pq_writer_write_row(w, &v, err, sizeof err) == SL_OK);
    }
    pfile f;
    REQUIRE(close_and_open(w, &b, &f) == 0);
    sl_thrift_ref cm = colmeta(&f, 0, 0);
    CHECK(has_field(&f, cm, 11));
    CHECK_EQ_INT(enc_stat(&f, cm, SL_PQP_DATA_PAGE, SL_PQE_PLAIN), -1);
    /* the dictionary page holds each distinct value once */
    uint64_t at = (uint64_t)fint(&f, cm, 11);
    size_t hl = 0;
    sl_thrift_tree *h = sl_thrift_tree_parse(f.data + at, f.len - at, 0, &hl, err, sizeof err);
    REQUIRE(h != NULL);
    sl_thrift_ref dph = sl_thrift_tree_field(h, sl_thrift_tree_root(h), 7);
    CHECK_EQ_INT(sl_thrift_tree_int(h, sl_thrift_tree_field(h, dph, 1)), (long long)nvals);
    sl_thrift_tree_destroy(h);
    decoded d = {0};
    REQUIRE(read_column(&f, 0, 0, &d) == 0);
    REQUIRE(d.n == 2 * nvals);
    long bad = 0;
    for (size_t i = 0; i < 2 * nvals; i++)
        bad += d.v[i].u.s.n != lens[i / 2] || memcmp(d.v[i].u.s.p, vals[i / 2], lens[i / 2]) != 0;
    CHECK_EQ_INT(bad, 0);
    decoded_free(&d);
    pfile_close(&f);
    sl_buf_free(&b);
    free(vals);
    free(lens);
}

/* held_bytes counts the memory of the open row group (dictionary, indexes,
 * compressed pages), far below the PLAIN estimate for repeated strings, and
 * drops to 0 once the row group is written. */
static void test_held_bytes(void)
{
    static const sl_column cols[] = { { "id", SL_T_STRING, 1 }, { "n", SL_T_INT64, 0 } };
    sl_buf b = {0};
    sl_pq_options o = sl_pq_options_default();
    char err[256];
    sl_pq_writer *w = sl_pq_writer_new(cols, 2, &o, sl_out_mem(&b), err, sizeof err);
    REQUIRE(w != NULL);
    CHECK_EQ_INT(sl_pq_writer_held_bytes(w), 0);
    char ids[10][40];
    for (int i = 0; i < 10; i++)
        snprintf(ids[i], sizeof ids[i], "%08d-aaaa-bbbb-cccc-0123456789ab", i * 7919);
    for (int r = 0; r < 50000; r++) {
        sl_value v[2];
        memset(v, 0, sizeof v);
        v[0].u.s.p = ids[(r / 3) % 10];
        v[0].u.s.n = 36;
        v[1].u.i = r % 5;
        REQUIRE(sl_pq_writer_write_row(w, v, err, sizeof err) == SL_OK);
    }
    size_t held = sl_pq_writer_held_bytes(w), plain = sl_pq_writer_buffered_bytes(w);
    CHECK(plain > 50000 * 40);
    CHECK(held > 10 * 36);      /* the dictionary at least */
    CHECK(held < plain / 4);    /* 1-byte indexes and 5 small ints, not 44 bytes a row */
    REQUIRE(sl_pq_writer_flush_row_group(w, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(sl_pq_writer_held_bytes(w), 0);
    REQUIRE(sl_pq_writer_close(w, err, sizeof err) == SL_OK);
    sl_pq_writer_destroy(w);
    sl_buf_free(&b);
}

/* zstd pages under 128 bytes are written as one raw block in a zstd frame, of
 * exactly n + 9 bytes, without calling the compressor; libzstd reads every size
 * back (0 to 300 bytes, across the switch to real compression). */
static void test_zstd_small_pages(void)
{
    sl_codec *c = sl_codec_new();
    REQUIRE(c);
    char err[256];
    uint8_t src[300], out[1024];
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = (uint8_t)(i % 7 == 0 ? i : 'a'); /* compressible: zstd shrinks it past 128 */
    int bad = 0;
    for (size_t n = 0; n <= sizeof src; n++) {
        size_t len = 0, bound = 0;
        REQUIRE(sl_codec_bound(c, SL_PQ_ZSTD, 3, n, &bound, err, sizeof err) == SL_OK);
        REQUIRE(bound <= sizeof out);
        REQUIRE(sl_codec_compress_into(c, SL_PQ_ZSTD, 3, src, n, out, bound, &len, err, sizeof err) == SL_OK);
        if (n < 128 && len != n + 9)
            bad++;
        if (n >= 200 && len >= n) /* real compression from 128 bytes on */
            bad++;
        sl_buf back = {0};
        if (sl_codec_decompress(c, SL_PQ_ZSTD, out, len, n, 1 << 20, &back, err, sizeof err) != SL_OK ||
            back.len != n || (n && memcmp(back.data, src, n) != 0))
            bad++;
        uint8_t plain[512];
        if (ZSTD_decompress(plain, sizeof plain, out, len) != n || (n && memcmp(plain, src, n) != 0))
            bad++;
        sl_buf_free(&back);
    }
    CHECK_EQ_INT(bad, 0);
    sl_codec_destroy(c);
}

int main(void)
{
    T_RUN(test_footer_schema_and_stats);
    T_RUN(test_held_bytes);
    T_RUN(test_zstd_small_pages);
    T_RUN(test_codecs_and_options_roundtrip);
    T_RUN(test_int96_timestamps);
    T_RUN(test_zero_rows);
    T_RUN(test_several_row_groups);
    T_RUN(test_dictionary_fallback_at_limit);
    T_RUN(test_dictionary_only_when_it_pays);
    T_RUN(test_statistics_edge_cases);
    T_RUN(test_errors);
    T_RUN(test_big_values);
    T_RUN(test_fixed_width_page_size);
    T_RUN(test_bytes_eq);
    T_RUN(test_dictionary_near_duplicates);
    return t_done();
}
