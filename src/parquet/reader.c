/*
 * reader.c: sluice's Parquet reader (API in parquet.h). Opens a file through an
 * sl_in, decodes the footer (read_meta.c) and reads column chunks whole:
 * one read of the chunk's bytes (one request on a remote store), then page by
 * page: optional dictionary page, data pages v1 and v2, PLAIN and
 * PLAIN_DICTIONARY/RLE_DICTIONARY values (RLE for booleans; the DELTA_* and
 * BYTE_STREAM_SPLIT encodings of "v2" writers through read_delta.c), RLE/bit-packed
 * definition levels, every codec of codec.h; page CRC-32s are checked when present.
 *
 * Two ways out: sl_pq_reader_read_column decodes a whole chunk into one cell per
 * row; a cursor (sl_pq_cursor_*) decodes one data page at a time into a buffer it
 * reuses. Both walk the chunk with the same code (chunk_begin, chunk_step); the
 * `streaming` flag of the walk decides where cells and page bodies go.
 *
 * Memory: per column index the reader keeps the chunk's bytes, the decompressed
 * pages that strings point into, the dictionary and the decoded cells; a cursor
 * keeps the same for itself, but only one data page (and the dictionary page). All
 * are reused by the next read, so reading a file allocates only while buffers grow.
 * Every size taken from the file is checked against what is really there and
 * against the limits in read_internal.h before it is used.
 */
#include "parquet/encoding.h"
#include "parquet/read_internal.h"
#include "parquet/thrift.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define TAIL_READ (64u << 10) /* bytes read from the end at open: footer in one request */

/* What one column index keeps between reads (see the file comment). */
typedef struct pqr_colstate {
    sl_buf raw;            /* the chunk's bytes as stored */
    sl_buf *pages;         /* decompressed page bodies (strings point into them) */
    size_t npages;         /* pool size */
    sl_value *vals;        /* decoded cells */
    size_t vals_cap;
    sl_value *dict;        /* decoded dictionary */
    size_t dict_cap;
} pqr_colstate;

struct sl_pq_reader {
    const sl_in *in;       /* borrowed */
    uint8_t *footer;       /* owned; statistics point into it */
    size_t footer_len;
    uint64_t data_end;     /* offset of the footer: column data lies in [4, data_end) */
    pqr_meta m;
    pqr_colstate *cs;      /* m.ncols */
    sl_codec *codec;
    uint8_t *levels;       /* scratch: definition levels of one page */
    size_t levels_cap;
    uint32_t *idx;         /* scratch: dictionary indexes of one page */
    size_t idx_cap;
    uint8_t *bools;        /* scratch: RLE-encoded booleans of one page */
    size_t bools_cap;
    int64_t *i64;          /* scratch: DELTA_* integers and lengths of one page */
    size_t i64_cap;
    uint8_t *bss;          /* scratch: BYTE_STREAM_SPLIT values of one page */
    size_t bss_cap;
};

/* A page sub-header (DataPageHeader, DictionaryPageHeader or DataPageHeaderV2)
 * as decoded; the fields a kind lacks stay 0. */
typedef struct pqr_sub {
    int present;
    int32_t num_values;
    int32_t encoding;
    int32_t def_encoding;     /* v1 */
    int32_t def_len, rep_len; /* v2 */
    int is_compressed;        /* v2, default 1 */
} pqr_sub;

/* A page header as decoded: the common fields and the sub-header of its type. */
typedef struct pqr_page {
    int32_t type;
    int32_t usize, csize;
    int has_crc;
    uint32_t crc;             /* CRC-32 of the page bytes after the header, when has_crc */
    pqr_sub sub;              /* sub.present == 0 when the header for `type` is missing */
} pqr_page;

/* The walk over one column chunk (a read_column call, or a started cursor). */
typedef struct rctx {
    sl_pq_reader *r;
    const pqr_col *col;
    const pqr_chunk *chunk;
    pqr_colstate *st;
    size_t rg;
    int64_t rows;
    int64_t filled;
    uint64_t chunk_off;      /* file offset of raw.data[0] */
    uint64_t page_off;       /* file offset of the page being decoded (messages) */
    size_t pages_used;       /* pool buffers in use */
    uint64_t decoded_bytes;  /* decompressed so far (limit) */
    size_t dict_n;
    int have_dict;
    int seen_data;
    int streaming;           /* cursor: each data page goes to vals[0..], buffers recycled */
    size_t pos, total;       /* next page header in st->raw, and the chunk's length */
    size_t page_nv;          /* values the last data page produced */
    char *errstr;
    size_t errstr_size;
} rctx;

/* Formats "column 'x' row group N: page at offset O: <msg>" (the page part only
 * when a page is being decoded) into the caller's errstr. Returns e. */
static sl_err fail(rctx *c, sl_err e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static sl_err fail(rctx *c, sl_err e, const char *fmt, ...)
{
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->page_off)
        return sl_errf(e, c->errstr, c->errstr_size, "column '%s' row group %zu: page at offset %llu: %s",
                       c->col->name, c->rg, (unsigned long long)c->page_off, msg);
    return sl_errf(e, c->errstr, c->errstr_size, "column '%s' row group %zu: %s", c->col->name,
                   c->rg, msg);
}

/* Grows *p (elements of `size` bytes) to at least n elements. SL_OK or SL_ERR_NOMEM. */
static sl_err grow(void **p, size_t *cap, size_t n, size_t size)
{
    if (n <= *cap)
        return SL_OK;
    size_t want = *cap ? *cap : 64;
    while (want < n)
        want = want > SIZE_MAX / 2 ? n : want * 2;
    if (want > SIZE_MAX / size)
        return SL_ERR_NOMEM;
    void *q = realloc(*p, want * size);
    if (!q)
        return SL_ERR_NOMEM;
    *p = q;
    *cap = want;
    return SL_OK;
}

/* ------------------------------------------------------------------------- */
/* open / accessors                                                            */
/* ------------------------------------------------------------------------- */

sl_pq_reader *sl_pq_reader_open(const sl_in *in, char *errstr, size_t errstr_size)
{
    uint8_t *tail = NULL;
    sl_pq_reader *r = calloc(1, sizeof *r);
    if (!r) {
        sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    r->in = in;
    uint64_t size = in->size;
    if (size < 12) {
        sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                "not a Parquet file: %llu bytes is too small (minimum 12)",
                (unsigned long long)size);
        goto err;
    }
    /* One read of the end (footer, length, magic), and of the start when it is not in it. */
    size_t tail_n = size < TAIL_READ ? (size_t)size : TAIL_READ;
    tail = malloc(tail_n);
    if (!tail) {
        sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        goto err;
    }
    /* I/O errors keep the input's code (a remote store says SL_ERR_RETRY when it may pass). */
    char msg[256];
    sl_err ioe = in->read_at(in, size - tail_n, tail, tail_n, msg, sizeof msg);
    if (ioe != SL_OK) {
        sl_errf(ioe, errstr, errstr_size, "reading the footer: %s", msg);
        goto err;
    }
    uint8_t head[4];
    if (tail_n == size)
        memcpy(head, tail, 4);
    else if ((ioe = in->read_at(in, 0, head, 4, msg, sizeof msg)) != SL_OK) {
        sl_errf(ioe, errstr, errstr_size, "reading the header: %s", msg);
        goto err;
    }
    if (memcmp(head, "PAR1", 4) != 0) {
        sl_errf(SL_ERR_CORRUPT, errstr, errstr_size, "not a Parquet file: bad magic at the start");
        goto err;
    }
    const uint8_t *end = tail + tail_n - 8;
    if (memcmp(end + 4, "PARE", 4) == 0) {
        sl_errf(SL_ERR_UNSUPPORTED, errstr, errstr_size,
                "encrypted Parquet files (PARE) are not supported");
        goto err;
    }
    if (memcmp(end + 4, "PAR1", 4) != 0) {
        sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                "not a Parquet file or truncated: bad magic at the end");
        goto err;
    }
    uint32_t flen = sl_enc_get_u32le(end);
    if (flen == 0 || (uint64_t)flen > size - 12) {
        sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                "footer length %u does not fit in the file (%llu bytes)", flen,
                (unsigned long long)size);
        goto err;
    }
    if (flen > PQR_MAX_FOOTER) {
        sl_errf(SL_ERR_LIMIT, errstr, errstr_size, "footer length %u exceeds the %u MiB limit",
                flen, PQR_MAX_FOOTER >> 20);
        goto err;
    }
    r->data_end = size - 8 - flen;
    r->footer_len = flen;
    r->footer = malloc(flen);
    if (!r->footer) {
        sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory for a %u-byte footer", flen);
        goto err;
    }
    if ((size_t)flen + 8 <= tail_n) {
        memcpy(r->footer, end - flen, flen);
    } else if ((ioe = in->read_at(in, r->data_end, r->footer, flen, msg, sizeof msg)) != SL_OK) {
        sl_errf(ioe, errstr, errstr_size, "reading the footer: %s", msg);
        goto err;
    }
    free(tail);
    tail = NULL;
    if (sl_pqr_meta_decode(&r->m, r->footer, flen, r->data_end, size, errstr, errstr_size) !=
        SL_OK)
        goto err;
    r->cs = calloc(r->m.ncols ? r->m.ncols : 1, sizeof *r->cs);
    r->codec = sl_codec_new();
    if (!r->cs || !r->codec) {
        sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        goto err;
    }
    return r;
err:
    free(tail);
    sl_pq_reader_destroy(r);
    return NULL;
}

static void colstate_free(pqr_colstate *st)
{
    sl_buf_free(&st->raw);
    for (size_t k = 0; k < st->npages; k++)
        sl_buf_free(&st->pages[k]);
    free(st->pages);
    free(st->vals);
    free(st->dict);
    memset(st, 0, sizeof *st);
}

void sl_pq_reader_destroy(sl_pq_reader *r)
{
    if (!r)
        return;
    if (r->cs) {
        for (size_t i = 0; i < r->m.ncols; i++)
            colstate_free(&r->cs[i]);
        free(r->cs);
    }
    sl_pqr_meta_free(&r->m);
    sl_codec_destroy(r->codec);
    free(r->footer);
    free(r->levels);
    free(r->idx);
    free(r->bools);
    free(r->i64);
    free(r->bss);
    free(r);
}

size_t sl_pq_reader_ncols(const sl_pq_reader *r) { return r->m.ncols; }

const sl_column *sl_pq_reader_column(const sl_pq_reader *r, size_t i)
{
    return i < r->m.ncols ? &r->m.cols[i].col : NULL;
}

const char *sl_pq_reader_column_physical(const sl_pq_reader *r, size_t i)
{
    return i < r->m.ncols ? r->m.cols[i].physical_str : NULL;
}

const char *sl_pq_reader_column_logical(const sl_pq_reader *r, size_t i)
{
    return i < r->m.ncols ? r->m.cols[i].logical_str : NULL;
}

int sl_pq_reader_find_column(const sl_pq_reader *r, const char *name, size_t *idx)
{
    for (size_t i = 0; i < r->m.ncols; i++)
        if (strcmp(r->m.cols[i].name, name) == 0) {
            *idx = i;
            return 0;
        }
    return -1;
}

int64_t sl_pq_reader_nrows(const sl_pq_reader *r) { return r->m.num_rows; }
size_t sl_pq_reader_nrow_groups(const sl_pq_reader *r) { return r->m.nrgs; }

int64_t sl_pq_reader_row_group_rows(const sl_pq_reader *r, size_t rg)
{
    return rg < r->m.nrgs ? r->m.rgs[rg].num_rows : -1;
}

const char *sl_pq_reader_created_by(const sl_pq_reader *r) { return r->m.created_by; }
size_t sl_pq_reader_nkv(const sl_pq_reader *r) { return r->m.nkv; }

void sl_pq_reader_kv(const sl_pq_reader *r, size_t i, const char **key, const char **value)
{
    *key = i < r->m.nkv ? r->m.kv_keys[i] : NULL;
    *value = i < r->m.nkv ? r->m.kv_values[i] : NULL;
}

/* Deprecated min/max were compared as signed values: trustworthy only where
 * that is the type's order (not strings, binaries, unsigned or INT96). */
static int old_stats_usable(const pqr_col *c)
{
    return c->conv != PQR_CONV_BYTES && c->conv != PQR_CONV_FIXED && c->conv != PQR_CONV_U32 &&
           c->conv != PQR_CONV_INT96;
}

sl_err sl_pq_reader_chunk_info(sl_pq_reader *r, size_t rg, size_t col, sl_pq_chunk_info *info,
                               char *errstr, size_t errstr_size)
{
    if (rg >= r->m.nrgs || col >= r->m.ncols)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "row group %zu column %zu out of range (%zu row groups, %zu columns)", rg,
                       col, r->m.nrgs, r->m.ncols);
    const pqr_chunk *k = &r->m.rgs[rg].chunks[col];
    const pqr_col *c = &r->m.cols[col];
    memset(info, 0, sizeof *info);
    info->codec = (sl_pq_codec)k->codec;
    info->codec_name = sl_pqr_codec_name(k->codec);
    info->num_values = k->num_values;
    info->total_compressed_size = k->total_compressed_size;
    info->total_uncompressed_size = k->total_uncompressed_size;
    info->has_dictionary =
        k->dictionary_page_offset > 0 ||
        (k->encodings & ((1u << SL_PQE_PLAIN_DICTIONARY) | (1u << SL_PQE_RLE_DICTIONARY))) != 0;
    info->encodings = k->encodings_str;
    info->data_page_offset = k->data_page_offset;
    info->dictionary_page_offset = k->dictionary_page_offset;
    info->stats.null_count = k->stats.null_count;
    const pqr_stats *s = &k->stats;
    if (s->min_value && s->max_value && sl_pqr_stat_value(c, s->min_value, s->min_value_n, &info->stats.min) == 0 &&
        sl_pqr_stat_value(c, s->max_value, s->max_value_n, &info->stats.max) == 0)
        info->stats.has_min_max = 1;
    else if (s->min_old && s->max_old && old_stats_usable(c) &&
             sl_pqr_stat_value(c, s->min_old, s->min_old_n, &info->stats.min) == 0 &&
             sl_pqr_stat_value(c, s->max_old, s->max_old_n, &info->stats.max) == 0)
        info->stats.has_min_max = 1;
    if (!info->stats.has_min_max) {
        memset(&info->stats.min, 0, sizeof info->stats.min);
        memset(&info->stats.max, 0, sizeof info->stats.max);
    }
    return SL_OK;
}

/* ------------------------------------------------------------------------- */
/* page headers                                                                */
/* ------------------------------------------------------------------------- */

/* Reads one i32 field value, checking it is an integer type. */
static sl_err hdr_i32(sl_thrift_dec *d, int type, int32_t *v, char *msg, size_t msgn)
{
    if (type != SL_THRIFT_I32 && type != SL_THRIFT_I16 && type != SL_THRIFT_BYTE)
        return sl_errf(SL_ERR_CORRUPT, msg, msgn, "field has Thrift type %d, expected i32", type);
    return sl_thrift_dec_i32(d, v);
}

/* Decodes a DataPageHeader (v1), DictionaryPageHeader or DataPageHeaderV2
 * (`kind` is the PageType it belongs to) into *sub. */
static sl_err dec_sub_header(sl_thrift_dec *d, int kind, pqr_sub *sub, char *msg, size_t msgn)
{
    unsigned seen = 0;
    memset(sub, 0, sizeof *sub);
    sub->is_compressed = 1;
    sl_err e = sl_thrift_dec_struct_begin(d);
    for (; e == SL_OK;) {
        int16_t fid;
        int type;
        e = sl_thrift_dec_field(d, &fid, &type);
        if (e != SL_OK || type == SL_THRIFT_STOP)
            break;
        int32_t *dst = NULL, ignored;
        if (fid >= 1 && fid <= 8)
            seen |= 1u << fid;
        if (kind == SL_PQP_DATA_PAGE) {
            dst = fid == 1 ? &sub->num_values : fid == 2 ? &sub->encoding
                                           : fid == 3 ? &sub->def_encoding
                                           : fid == 4 ? &ignored : NULL;
        } else if (kind == SL_PQP_DICTIONARY_PAGE) {
            dst = fid == 1 ? &sub->num_values : fid == 2 ? &sub->encoding : NULL;
        } else {
            dst = fid == 1 ? &sub->num_values : fid == 2 ? &ignored : fid == 3 ? &ignored
                : fid == 4 ? &sub->encoding : fid == 5 ? &sub->def_len
                : fid == 6 ? &sub->rep_len : NULL;
            if (fid == 7 && type == SL_THRIFT_BOOL) {
                e = sl_thrift_dec_bool(d, &sub->is_compressed);
                continue;
            }
        }
        if (dst)
            e = hdr_i32(d, type, dst, msg, msgn);
        else
            e = sl_thrift_dec_skip(d, type);
    }
    if (e != SL_OK)
        return e;
    unsigned need = kind == SL_PQP_DATA_PAGE         ? (1u << 1 | 1u << 2 | 1u << 3)
                    : kind == SL_PQP_DICTIONARY_PAGE ? (1u << 1 | 1u << 2)
                                                     : (1u << 1 | 1u << 4 | 1u << 5 | 1u << 6);
    if ((seen & need) != need)
        return sl_errf(SL_ERR_CORRUPT, msg, msgn, "%s header lacks a required field",
                       kind == SL_PQP_DATA_PAGE ? "data page"
                       : kind == SL_PQP_DICTIONARY_PAGE ? "dictionary page" : "data page v2");
    sub->present = 1;
    return SL_OK;
}

/* Decodes the PageHeader at p[0..n) (file offset `off`); *hlen gets its length. */
static sl_err dec_page_header(const uint8_t *p, size_t n, uint64_t off, pqr_page *ph,
                              size_t *hlen, char *msg, size_t msgn)
{
    pqr_sub subs[3]; /* by field id 5 (v1), 7 (dictionary), 8 (v2) */
    memset(subs, 0, sizeof subs);
    memset(ph, 0, sizeof *ph);
    ph->type = ph->usize = ph->csize = -1;
    sl_thrift_dec d;
    sl_thrift_dec_init(&d, p, n, off, msg, msgn);
    sl_err e = sl_thrift_dec_struct_begin(&d);
    for (; e == SL_OK;) {
        int16_t fid;
        int type;
        e = sl_thrift_dec_field(&d, &fid, &type);
        if (e != SL_OK || type == SL_THRIFT_STOP)
            break;
        if (fid == 1)
            e = hdr_i32(&d, type, &ph->type, msg, msgn);
        else if (fid == 2)
            e = hdr_i32(&d, type, &ph->usize, msg, msgn);
        else if (fid == 3)
            e = hdr_i32(&d, type, &ph->csize, msg, msgn);
        else if (fid == 4) {
            int32_t crc = 0;
            e = hdr_i32(&d, type, &crc, msg, msgn);
            ph->crc = (uint32_t)crc;
            ph->has_crc = 1;
        } else if (fid == 5 && type == SL_THRIFT_STRUCT)
            e = dec_sub_header(&d, SL_PQP_DATA_PAGE, &subs[0], msg, msgn);
        else if (fid == 7 && type == SL_THRIFT_STRUCT)
            e = dec_sub_header(&d, SL_PQP_DICTIONARY_PAGE, &subs[1], msg, msgn);
        else if (fid == 8 && type == SL_THRIFT_STRUCT)
            e = dec_sub_header(&d, SL_PQP_DATA_PAGE_V2, &subs[2], msg, msgn);
        else
            e = sl_thrift_dec_skip(&d, type);
    }
    if (e != SL_OK)
        return e;
    if (ph->type < 0 || ph->usize < 0 || ph->csize < 0)
        return sl_errf(SL_ERR_CORRUPT, msg, msgn,
                       "page header lacks its type or sizes (or they are negative)");
    if (ph->type == SL_PQP_DATA_PAGE)
        ph->sub = subs[0];
    else if (ph->type == SL_PQP_DICTIONARY_PAGE)
        ph->sub = subs[1];
    else if (ph->type == SL_PQP_DATA_PAGE_V2)
        ph->sub = subs[2];
    *hlen = sl_thrift_dec_consumed(&d);
    return SL_OK;
}

/* ------------------------------------------------------------------------- */
/* values                                                                      */
/* ------------------------------------------------------------------------- */

/* What a pool buffer holds: a decompressed data page, a decompressed dictionary
 * page, or values rebuilt from a data page (DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT). */
enum { POOL_PAGE = 0, POOL_DICT = 1, POOL_VALUES = 2 };

/* An empty pool buffer for `size` bytes that lives as long as the values decoded
 * from it must. Reading a whole chunk, cells of a byte column point into it, so
 * each such buffer is its own (and counts toward PQR_MAX_CHUNK_DECODED); other
 * columns copy their values out and reuse buffer 0. Streaming, the cursor's cells
 * only live until its next page, so each purpose has one buffer. */
static sl_err pool_buf(rctx *c, int purpose, size_t size, sl_buf **out)
{
    int keep = !c->streaming && (c->col->conv == PQR_CONV_BYTES ||
                                 c->col->conv == PQR_CONV_FIXED || purpose == POOL_VALUES);
    if (keep) {
        c->decoded_bytes += size; /* what stays allocated until the next read */
        if (c->decoded_bytes > PQR_MAX_CHUNK_DECODED)
            return fail(c, SL_ERR_LIMIT, "column chunk decodes to more than %llu MiB",
                        PQR_MAX_CHUNK_DECODED >> 20);
    }
    pqr_colstate *st = c->st;
    size_t slot = c->streaming ? (size_t)purpose : keep ? c->pages_used : 0;
    if (slot >= st->npages) {
        size_t cap = st->npages;
        if (grow((void **)&st->pages, &cap, slot + 1, sizeof *st->pages) != SL_OK)
            return fail(c, SL_ERR_NOMEM, "out of memory");
        memset(st->pages + st->npages, 0, (cap - st->npages) * sizeof *st->pages);
        st->npages = cap;
    }
    if (keep)
        c->pages_used++;
    sl_buf *b = &st->pages[slot];
    b->len = 0;
    if (sl_buf_reserve(b, size) != SL_OK)
        return fail(c, SL_ERR_NOMEM, "out of memory for %zu bytes", size);
    *out = b;
    return SL_OK;
}

/* Bytes one value takes at least in PLAIN encoding (booleans: counted in bits by callers). */
static size_t plain_min_size(const pqr_col *col)
{
    switch (col->conv) {
    case PQR_CONV_BOOL: return 0;
    case PQR_CONV_I32: case PQR_CONV_U32: case PQR_CONV_FLOAT: case PQR_CONV_BYTES: return 4;
    case PQR_CONV_INT96: return 12;
    case PQR_CONV_FIXED: return (size_t)col->type_length;
    default: return 8;
    }
}

/* INT96 (nanoseconds of the day, then the Julian day) to microseconds since the
 * epoch, floored. Written here rather than with sl_enc_int96_to_micros so that
 * the whole int64 range converts: the day product is formed one day closer to
 * zero for negative days, so it cannot overflow when the sum fits. 0, or -1 when
 * the nanoseconds exceed a day or the result does not fit. */
static int int96_to_micros(const uint8_t *p, int64_t *out)
{
    const int64_t us_per_day = 86400000000LL;
    uint64_t nanos = sl_enc_get_u64le(p);
    int32_t julian = (int32_t)sl_enc_get_u32le(p + 8);
    if (nanos >= (uint64_t)us_per_day * 1000)
        return -1;
    int64_t days = (int64_t)julian - SL_JULIAN_UNIX_EPOCH;
    int64_t us_of_day = (int64_t)(nanos / 1000);
    if (days < 0) {
        days += 1;
        us_of_day -= us_per_day;
    }
    int64_t us;
    if (__builtin_mul_overflow(days, us_per_day, &us) ||
        __builtin_add_overflow(us, us_of_day, &us))
        return -1;
    *out = us;
    return 0;
}

/* Decodes `count` PLAIN values from p[0..n) into dst (dense, no nulls). Strings
 * point into p, which must stay alive as long as dst. */
static sl_err decode_plain(rctx *c, const uint8_t *p, size_t n, size_t count, sl_value *dst)
{
    const pqr_col *col = c->col;
    size_t w = plain_min_size(col);
    if (col->conv == PQR_CONV_BOOL) {
        if (count > (size_t)n * 8)
            return fail(c, SL_ERR_CORRUPT, "PLAIN data truncated: %zu booleans need %zu bytes, "
                        "the page has %zu", count, (count + 7) / 8, n);
        for (size_t i = 0; i < count; i++) {
            dst[i].u.i = sl_enc_bool_get(p, i);
            dst[i].is_null = 0;
        }
        return SL_OK;
    }
    if (col->conv != PQR_CONV_BYTES && count > n / w)
        return fail(c, SL_ERR_CORRUPT, "PLAIN data truncated: %zu values need %zu bytes, the page "
                    "has %zu", count, count * w, n);
    switch (col->conv) {
    case PQR_CONV_I32:
        for (size_t i = 0; i < count; i++) {
            dst[i].u.i = (int32_t)sl_enc_get_u32le(p + 4 * i);
            dst[i].is_null = 0;
        }
        return SL_OK;
    case PQR_CONV_U32:
        for (size_t i = 0; i < count; i++) {
            dst[i].u.i = sl_enc_get_u32le(p + 4 * i);
            dst[i].is_null = 0;
        }
        return SL_OK;
    case PQR_CONV_I64:
        for (size_t i = 0; i < count; i++) {
            dst[i].u.i = (int64_t)sl_enc_get_u64le(p + 8 * i);
            dst[i].is_null = 0;
        }
        return SL_OK;
    case PQR_CONV_TS_MILLIS:
    case PQR_CONV_TS_NANOS:
        for (size_t i = 0; i < count; i++) {
            int64_t raw = (int64_t)sl_enc_get_u64le(p + 8 * i);
            if (sl_pqr_conv_i64(col->conv, raw, &dst[i].u.i) != 0)
                return fail(c, SL_ERR_CORRUPT, "timestamp %lld ms is out of range", (long long)raw);
            dst[i].is_null = 0;
        }
        return SL_OK;
    case PQR_CONV_INT96:
        for (size_t i = 0; i < count; i++) {
            if (int96_to_micros(p + 12 * i, &dst[i].u.i) != 0)
                return fail(c, SL_ERR_CORRUPT, "INT96 timestamp %zu is out of range", i);
            dst[i].is_null = 0;
        }
        return SL_OK;
    case PQR_CONV_FLOAT:
        for (size_t i = 0; i < count; i++) {
            uint32_t u = sl_enc_get_u32le(p + 4 * i);
            float f;
            memcpy(&f, &u, 4);
            dst[i].u.d = f;
            dst[i].is_null = 0;
        }
        return SL_OK;
    case PQR_CONV_DOUBLE:
        for (size_t i = 0; i < count; i++) {
            dst[i].u.d = sl_enc_get_f64le(p + 8 * i);
            dst[i].is_null = 0;
        }
        return SL_OK;
    case PQR_CONV_FIXED:
        for (size_t i = 0; i < count; i++) {
            dst[i].u.s.p = (const char *)p + w * i;
            dst[i].u.s.n = (uint32_t)w;
            dst[i].is_null = 0;
        }
        return SL_OK;
    case PQR_CONV_BYTES: {
        size_t pos = 0;
        for (size_t i = 0; i < count; i++) {
            if (n - pos < 4)
                return fail(c, SL_ERR_CORRUPT, "PLAIN data truncated: value %zu of %zu has no "
                            "length (byte %zu of %zu)", i, count, pos, n);
            uint32_t len = sl_enc_get_u32le(p + pos);
            pos += 4;
            if (len > n - pos)
                return fail(c, SL_ERR_CORRUPT, "PLAIN data truncated: value %zu of %zu is %u "
                            "bytes but %zu remain", i, count, len, n - pos);
            dst[i].u.s.p = (const char *)p + pos;
            dst[i].u.s.n = len;
            dst[i].is_null = 0;
            pos += len;
        }
        return SL_OK;
    }
    case PQR_CONV_BOOL:
        break;
    }
    return SL_OK;
}

/* Grows the reader's int64 scratch to n values. */
static sl_err scratch_i64(rctx *c, size_t n)
{
    if (grow((void **)&c->r->i64, &c->r->i64_cap, n ? n : 1, sizeof *c->r->i64) != SL_OK)
        return fail(c, SL_ERR_NOMEM, "out of memory for %zu values", n);
    return SL_OK;
}

/* DELTA_BINARY_PACKED integers (INT32, INT64 and what maps onto them). */
static sl_err decode_delta_ints(rctx *c, const uint8_t *p, size_t n, size_t count, sl_value *dst)
{
    pqr_conv conv = c->col->conv;
    if (conv != PQR_CONV_I32 && conv != PQR_CONV_U32 && conv != PQR_CONV_I64 &&
        conv != PQR_CONV_TS_MILLIS && conv != PQR_CONV_TS_NANOS)
        return fail(c, SL_ERR_CORRUPT, "DELTA_BINARY_PACKED on a %s column",
                    c->col->physical_str);
    sl_err e = scratch_i64(c, count);
    if (e != SL_OK)
        return e;
    char msg[256];
    size_t used;
    if (sl_pqr_delta_decode(p, n, count, c->r->i64, &used, msg, sizeof msg) != SL_OK)
        return fail(c, SL_ERR_CORRUPT, "%s", msg);
    const int64_t *v = c->r->i64;
    for (size_t i = 0; i < count; i++) {
        dst[i].is_null = 0;
        if (conv == PQR_CONV_I32)
            dst[i].u.i = (int32_t)(uint32_t)v[i];
        else if (conv == PQR_CONV_U32)
            dst[i].u.i = (uint32_t)v[i];
        else if (sl_pqr_conv_i64(conv, v[i], &dst[i].u.i) != 0)
            return fail(c, SL_ERR_CORRUPT, "timestamp %lld is out of range", (long long)v[i]);
    }
    return SL_OK;
}

/* DELTA_LENGTH_BYTE_ARRAY: the lengths (delta-packed), then all the bytes. */
static sl_err decode_delta_length(rctx *c, const uint8_t *p, size_t n, size_t count,
                                  sl_value *dst)
{
    sl_err e = scratch_i64(c, count);
    if (e != SL_OK)
        return e;
    char msg[256];
    size_t pos;
    if (sl_pqr_delta_decode(p, n, count, c->r->i64, &pos, msg, sizeof msg) != SL_OK)
        return fail(c, SL_ERR_CORRUPT, "lengths: %s", msg);
    for (size_t i = 0; i < count; i++) {
        int64_t len = c->r->i64[i];
        if (len < 0 || (uint64_t)len > n - pos)
            return fail(c, SL_ERR_CORRUPT, "DELTA_LENGTH_BYTE_ARRAY value %zu of %zu: length %lld "
                        "but %zu bytes remain", i, count, (long long)len, n - pos);
        dst[i].u.s.p = (const char *)p + pos;
        dst[i].u.s.n = (uint32_t)len;
        dst[i].is_null = 0;
        pos += (size_t)len;
    }
    return SL_OK;
}

/* DELTA_BYTE_ARRAY: prefix lengths, then suffixes as DELTA_LENGTH_BYTE_ARRAY; each
 * value is the previous one's prefix plus its suffix, so values are rebuilt into a
 * pool buffer (bounded by PQR_MAX_PAGE). */
static sl_err decode_delta_bytes(rctx *c, const uint8_t *p, size_t n, size_t count,
                                 sl_value *dst)
{
    sl_err e = scratch_i64(c, 2 * count);
    if (e != SL_OK)
        return e;
    int64_t *pre = c->r->i64, *suf = c->r->i64 + count;
    char msg[256];
    size_t used1, used2;
    if (sl_pqr_delta_decode(p, n, count, pre, &used1, msg, sizeof msg) != SL_OK)
        return fail(c, SL_ERR_CORRUPT, "prefix lengths: %s", msg);
    if (sl_pqr_delta_decode(p + used1, n - used1, count, suf, &used2, msg, sizeof msg) != SL_OK)
        return fail(c, SL_ERR_CORRUPT, "suffix lengths: %s", msg);
    size_t data = used1 + used2, left = n - data;
    uint64_t total = 0, prev = 0;
    for (size_t i = 0; i < count; i++) {
        if (pre[i] < 0 || (uint64_t)pre[i] > prev || suf[i] < 0 || (uint64_t)suf[i] > left)
            return fail(c, SL_ERR_CORRUPT, "DELTA_BYTE_ARRAY value %zu: prefix %lld / suffix %lld "
                        "do not fit", i, (long long)pre[i], (long long)suf[i]);
        left -= (size_t)suf[i];
        prev = (uint64_t)pre[i] + (uint64_t)suf[i];
        if (c->col->conv == PQR_CONV_FIXED && prev != (uint64_t)c->col->type_length)
            return fail(c, SL_ERR_CORRUPT, "DELTA_BYTE_ARRAY value %zu is %llu bytes, not %d", i,
                        (unsigned long long)prev, (int)c->col->type_length);
        total += prev;
        if (total > PQR_MAX_PAGE || prev > UINT32_MAX)
            return fail(c, SL_ERR_LIMIT, "DELTA_BYTE_ARRAY values exceed the %u MiB page limit",
                        PQR_MAX_PAGE >> 20);
    }
    sl_buf *b;
    e = pool_buf(c, POOL_VALUES, (size_t)total, &b);
    if (e != SL_OK)
        return e;
    const uint8_t *s = p + data;
    size_t last = 0; /* offset of the previous value in b */
    for (size_t i = 0; i < count; i++) {
        size_t at = b->len;
        memcpy(b->data + at, b->data + last, (size_t)pre[i]); /* within b: reserved, no realloc */
        memcpy(b->data + at + pre[i], s, (size_t)suf[i]);
        s += suf[i];
        b->len = at + (size_t)pre[i] + (size_t)suf[i];
        last = at;
        dst[i].u.s.n = (uint32_t)(b->len - at);
        dst[i].is_null = 0;
    }
    for (size_t i = 0, at = 0; i < count; i++) { /* pointers once b is complete */
        dst[i].u.s.p = (const char *)b->data + at;
        at += dst[i].u.s.n;
    }
    return SL_OK;
}

/* BYTE_STREAM_SPLIT: the k-th bytes of all values, then the next byte, and so on. */
static sl_err decode_stream_split(rctx *c, const uint8_t *p, size_t n, size_t count,
                                  sl_value *dst)
{
    const pqr_col *col = c->col;
    size_t w;
    switch (col->conv) {
    case PQR_CONV_FLOAT: case PQR_CONV_I32: case PQR_CONV_U32: w = 4; break;
    case PQR_CONV_DOUBLE: case PQR_CONV_I64: case PQR_CONV_TS_MILLIS: case PQR_CONV_TS_NANOS:
        w = 8;
        break;
    case PQR_CONV_FIXED: w = (size_t)col->type_length; break;
    default:
        return fail(c, SL_ERR_UNSUPPORTED, "BYTE_STREAM_SPLIT on a %s column is not supported",
                    col->physical_str);
    }
    if (w && count > n / w)
        return fail(c, SL_ERR_CORRUPT, "BYTE_STREAM_SPLIT data truncated: %zu values of %zu "
                    "bytes, the page has %zu", count, w, n);
    /* Fixed-length values point into the rebuilt bytes, so those live in the pool. */
    uint8_t *out;
    sl_buf *b = NULL;
    if (col->conv == PQR_CONV_FIXED) {
        sl_err e = pool_buf(c, POOL_VALUES, count * w, &b);
        if (e != SL_OK)
            return e;
        out = b->data;
    } else {
        size_t bytes = count * w;
        if (grow((void **)&c->r->bss, &c->r->bss_cap, bytes > 0 ? bytes : 1, 1) != SL_OK)
            return fail(c, SL_ERR_NOMEM, "out of memory");
        out = c->r->bss;
    }
    char msg[256];
    if (sl_pqr_byte_stream_split(p, n, count, w, out, msg, sizeof msg) != SL_OK)
        return fail(c, SL_ERR_CORRUPT, "%s", msg);
    if (b)
        b->len = count * w;
    return decode_plain(c, out, count * w, count, dst);
}

/* Decodes `count` non-null values of a data page in `encoding` into dst (dense). */
static sl_err decode_values(rctx *c, int encoding, const uint8_t *p, size_t n, size_t count,
                            sl_value *dst)
{
    sl_pq_reader *r = c->r;
    char msg[256];
    if (encoding == SL_PQE_PLAIN)
        return decode_plain(c, p, n, count, dst);
    if (encoding == SL_PQE_PLAIN_DICTIONARY || encoding == SL_PQE_RLE_DICTIONARY) {
        if (!c->have_dict)
            return fail(c, SL_ERR_CORRUPT, "dictionary-encoded page but the chunk has no "
                        "dictionary page");
        if (count == 0)
            return SL_OK;
        if (n < 1)
            return fail(c, SL_ERR_CORRUPT, "dictionary-encoded page has no bit width byte");
        int bw = p[0];
        if (bw > 32)
            return fail(c, SL_ERR_CORRUPT, "dictionary index bit width %d is invalid", bw);
        if (grow((void **)&r->idx, &r->idx_cap, count, sizeof *r->idx) != SL_OK)
            return fail(c, SL_ERR_NOMEM, "out of memory for %zu dictionary indexes", count);
        sl_rle_dec d;
        sl_rle_dec_init(&d, p + 1, n - 1, bw);
        if (sl_rle_dec_get_u32(&d, r->idx, count, msg, sizeof msg) != SL_OK)
            return fail(c, SL_ERR_CORRUPT, "dictionary indexes: %s", msg);
        const sl_value *dict = c->st->dict;
        size_t dn = c->dict_n;
        for (size_t i = 0; i < count; i++) {
            uint32_t k = r->idx[i];
            if (k >= dn)
                return fail(c, SL_ERR_CORRUPT,
                            "dictionary index %u out of range (dictionary has %zu entries)", k,
                            dn);
            dst[i] = dict[k];
        }
        return SL_OK;
    }
    if (encoding == SL_PQE_RLE && c->col->conv == PQR_CONV_BOOL) {
        if (grow((void **)&r->bools, &r->bools_cap, count, 1) != SL_OK)
            return fail(c, SL_ERR_NOMEM, "out of memory");
        size_t used;
        if (sl_rle_decode_levels_v1(p, n, 1, r->bools, count, &used, msg, sizeof msg) != SL_OK)
            return fail(c, SL_ERR_CORRUPT, "RLE booleans: %s", msg);
        for (size_t i = 0; i < count; i++) {
            dst[i].u.i = r->bools[i];
            dst[i].is_null = 0;
        }
        return SL_OK;
    }
    if (encoding == SL_PQE_DELTA_BINARY_PACKED)
        return decode_delta_ints(c, p, n, count, dst);
    if (encoding == SL_PQE_DELTA_LENGTH_BYTE_ARRAY && c->col->conv == PQR_CONV_BYTES)
        return decode_delta_length(c, p, n, count, dst);
    if (encoding == SL_PQE_DELTA_BYTE_ARRAY &&
        (c->col->conv == PQR_CONV_BYTES || c->col->conv == PQR_CONV_FIXED))
        return decode_delta_bytes(c, p, n, count, dst);
    if (encoding == SL_PQE_BYTE_STREAM_SPLIT)
        return decode_stream_split(c, p, n, count, dst);
    return fail(c, SL_ERR_UNSUPPORTED, "encoding %s is not supported%s",
                strcmp(sl_pqr_encoding_name(encoding), "?") ? sl_pqr_encoding_name(encoding)
                                                            : "(unknown)",
                encoding >= 0 && encoding <= SL_PQE_BYTE_STREAM_SPLIT ? " for this column type"
                                                                        : "");
}

/* Spreads the nn dense values at out[nv - nn ..] over out[0 .. nv) following the
 * definition levels (1 = value, 0 = null). Reads always at or after the write
 * position, so it works in place. */
static void spread_nulls(sl_value *out, const uint8_t *levels, size_t nv, size_t nn)
{
    size_t src = nv - nn;
    for (size_t i = 0; i < nv; i++) {
        if (levels[i]) {
            out[i] = out[src++];
        } else {
            memset(&out[i], 0, sizeof out[i]);
            out[i].is_null = 1;
        }
    }
}

/* Counts defined values; levels above the maximum (1) are corrupt. */
static sl_err count_defined(rctx *c, const uint8_t *levels, size_t nv, size_t *nn)
{
    size_t k = 0;
    for (size_t i = 0; i < nv; i++) {
        if (levels[i] > 1)
            return fail(c, SL_ERR_CORRUPT, "definition level %d exceeds the maximum 1", levels[i]);
        k += levels[i];
    }
    *nn = k;
    return SL_OK;
}

/* ------------------------------------------------------------------------- */
/* pages                                                                       */
/* ------------------------------------------------------------------------- */

/* Returns the body of a page: src itself when stored uncompressed, else a pool
 * buffer holding the first `plain_prefix` bytes of src copied and the rest
 * decompressed (data page v2 keeps its levels uncompressed). */
static sl_err page_body(rctx *c, const pqr_page *ph, const uint8_t *src, size_t plain_prefix,
                        int compressed, int is_dict, const uint8_t **body)
{
    size_t csize = (size_t)ph->csize, usize = (size_t)ph->usize;
    if (!compressed) {
        if (csize != usize)
            return fail(c, SL_ERR_CORRUPT, "uncompressed page: stored size %zu differs from "
                        "header's uncompressed size %zu", csize, usize);
        *body = src;
        return SL_OK;
    }
    if (usize > PQR_MAX_PAGE)
        return fail(c, SL_ERR_LIMIT, "uncompressed page size %zu exceeds the %u MiB limit", usize,
                    PQR_MAX_PAGE >> 20);
    if (plain_prefix > csize || plain_prefix > usize)
        return fail(c, SL_ERR_CORRUPT, "levels (%zu bytes) larger than the page", plain_prefix);
    sl_buf *b;
    sl_err e = pool_buf(c, is_dict ? POOL_DICT : POOL_PAGE, usize, &b);
    if (e != SL_OK)
        return e;
    if (sl_buf_append(b, src, plain_prefix) != SL_OK)
        return fail(c, SL_ERR_NOMEM, "out of memory");
    char msg[256];
    e = sl_codec_decompress(c->r->codec, (sl_pq_codec)c->chunk->codec, src + plain_prefix,
                                   csize - plain_prefix, usize - plain_prefix, PQR_MAX_PAGE, b,
                                   msg, sizeof msg);
    if (e != SL_OK)
        return fail(c, e, "%s", msg);
    if (b->len != usize)
        return fail(c, SL_ERR_CORRUPT, "decompressed size %zu differs from header %zu", b->len,
                    usize);
    *body = b->data;
    return SL_OK;
}

static sl_err read_dictionary_page(rctx *c, const pqr_page *ph, const uint8_t *src)
{
    if (c->have_dict)
        return fail(c, SL_ERR_CORRUPT, "a second dictionary page");
    if (c->seen_data)
        return fail(c, SL_ERR_CORRUPT, "dictionary page after data pages");
    if (ph->sub.encoding != SL_PQE_PLAIN && ph->sub.encoding != SL_PQE_PLAIN_DICTIONARY)
        return fail(c, SL_ERR_UNSUPPORTED, "dictionary page encoding %s is not supported",
                    sl_pqr_encoding_name(ph->sub.encoding));
    if (ph->sub.num_values < 0)
        return fail(c, SL_ERR_CORRUPT, "dictionary page has %d values", ph->sub.num_values);
    const uint8_t *body;
    sl_err e = page_body(c, ph, src, 0, c->chunk->codec != SL_PQ_UNCOMPRESSED, 1, &body);
    if (e != SL_OK)
        return e;
    size_t nv = (size_t)ph->sub.num_values, n = (size_t)ph->usize;
    size_t w = plain_min_size(c->col);
    if (w ? nv > n / w : nv > n * 8)
        return fail(c, SL_ERR_CORRUPT, "dictionary page claims %zu values in %zu bytes", nv, n);
    if (grow((void **)&c->st->dict, &c->st->dict_cap, nv, sizeof *c->st->dict) != SL_OK)
        return fail(c, SL_ERR_NOMEM, "out of memory for a %zu-entry dictionary", nv);
    e = decode_plain(c, body, n, nv, c->st->dict);
    if (e != SL_OK)
        return e;
    c->dict_n = nv;
    c->have_dict = 1;
    return SL_OK;
}

/* Definition levels of a page with nv values into r->levels; counts defined ones. */
static sl_err read_levels(rctx *c, int v2, int encoding, const uint8_t *p, size_t n, size_t nv,
                          size_t *used, size_t *nn)
{
    sl_pq_reader *r = c->r;
    char msg[256];
    if (grow((void **)&r->levels, &r->levels_cap, nv ? nv : 1, 1) != SL_OK)
        return fail(c, SL_ERR_NOMEM, "out of memory for %zu definition levels", nv);
    if (v2) {
        sl_rle_dec d;
        sl_rle_dec_init(&d, p, n, 1);
        if (sl_rle_dec_get_u8(&d, r->levels, nv, msg, sizeof msg) != SL_OK)
            return fail(c, SL_ERR_CORRUPT, "definition levels: %s", msg);
        *used = n;
    } else if (encoding == SL_PQE_RLE) {
        if (sl_rle_decode_levels_v1(p, n, 1, r->levels, nv, used, msg, sizeof msg) != SL_OK)
            return fail(c, SL_ERR_CORRUPT, "definition levels: %s", msg);
    } else if (encoding == SL_PQE_BIT_PACKED) {
        /* Deprecated form: bits packed from the most significant bit of each byte. */
        size_t need = (nv + 7) / 8;
        if (need > n)
            return fail(c, SL_ERR_CORRUPT, "definition levels truncated: %zu bytes needed, %zu "
                        "present", need, n);
        for (size_t i = 0; i < nv; i++)
            r->levels[i] = (p[i >> 3] >> (7 - (i & 7))) & 1;
        *used = need;
    } else {
        return fail(c, SL_ERR_UNSUPPORTED, "definition level encoding %s is not supported",
                    sl_pqr_encoding_name(encoding));
    }
    return count_defined(c, r->levels, nv, nn);
}

static sl_err read_data_page(rctx *c, const pqr_page *ph, const uint8_t *src)
{
    int v2 = ph->type == SL_PQP_DATA_PAGE_V2;
    c->seen_data = 1;
    if (ph->sub.num_values < 0 || ph->sub.num_values > c->rows - c->filled)
        return fail(c, SL_ERR_CORRUPT, "page has %d values but only %lld of the row group's "
                    "%lld rows remain", ph->sub.num_values, (long long)(c->rows - c->filled),
                    (long long)c->rows);
    size_t nv = (size_t)ph->sub.num_values;
    size_t prefix = 0;
    if (v2) {
        if (ph->sub.rep_len != 0)
            return fail(c, SL_ERR_CORRUPT, "repetition levels in a flat column");
        if (ph->sub.def_len < 0 || ph->sub.def_len > ph->csize || ph->sub.def_len > ph->usize)
            return fail(c, SL_ERR_CORRUPT, "definition levels length %d does not fit the page",
                        ph->sub.def_len);
        prefix = (size_t)ph->sub.def_len;
    }
    int compressed = c->chunk->codec != SL_PQ_UNCOMPRESSED && (!v2 || ph->sub.is_compressed);
    const uint8_t *body;
    sl_err e = page_body(c, ph, src, prefix, compressed, 0, &body);
    if (e != SL_OK)
        return e;
    size_t n = (size_t)ph->usize, nn = nv, used = 0;
    if (!c->col->col.required) {
        e = read_levels(c, v2, ph->sub.def_encoding, body, v2 ? prefix : n, nv, &used, &nn);
        if (e != SL_OK)
            return e;
    } else {
        used = prefix;
    }
    if (c->streaming &&
        grow((void **)&c->st->vals, &c->st->vals_cap, nv ? nv : 1, sizeof *c->st->vals) != SL_OK)
        return fail(c, SL_ERR_NOMEM, "out of memory for %zu values", nv);
    sl_value *out = c->streaming ? c->st->vals : c->st->vals + c->filled;
    e = decode_values(c, ph->sub.encoding, body + used, n - used, nn, out + (nv - nn));
    if (e != SL_OK)
        return e;
    if (nn != nv)
        spread_nulls(out, c->r->levels, nv, nn);
    c->filled += (int64_t)nv;
    c->page_nv = nv;
    return SL_OK;
}

/* Checks the chunk's metadata and reads its bytes into c->st->raw (one read_at). */
static sl_err chunk_begin(rctx *c)
{
    sl_pq_reader *r = c->r;
    const pqr_chunk *k = c->chunk;
    pqr_colstate *st = c->st;
    if (!sl_codec_supported((sl_pq_codec)k->codec))
        return fail(c, SL_ERR_UNSUPPORTED, "codec %s is not supported",
                    sl_pqr_codec_name(k->codec));
    if (k->num_values != c->rows)
        return fail(c, SL_ERR_CORRUPT, "chunk has %lld values but the row group has %lld rows",
                    (long long)k->num_values, (long long)c->rows);
    int64_t start = k->data_page_offset;
    if (k->dictionary_page_offset > 0 && k->dictionary_page_offset < start)
        start = k->dictionary_page_offset;
    int64_t len = k->total_compressed_size;
    if (start < 4 || len < 0 || (uint64_t)start > r->data_end ||
        (uint64_t)len > r->data_end - (uint64_t)start)
        return fail(c, SL_ERR_CORRUPT, "chunk at offset %lld of %lld bytes lies outside the data "
                    "area (bytes 4 to %llu)", (long long)start, (long long)len,
                    (unsigned long long)r->data_end);
    st->raw.len = 0;
    if (sl_buf_reserve(&st->raw, (size_t)len) != SL_OK)
        return fail(c, SL_ERR_NOMEM, "out of memory for a %lld-byte chunk", (long long)len);
    char msg[256];
    sl_err e = r->in->read_at(r->in, (uint64_t)start, st->raw.data, (size_t)len, msg, sizeof msg);
    if (e != SL_OK)
        return fail(c, e, "reading %lld bytes at offset %lld: %s", (long long)len,
                    (long long)start, msg);
    st->raw.len = (size_t)len;
    c->chunk_off = (uint64_t)start;
    c->pos = 0;
    c->total = (size_t)len;
    return SL_OK;
}

/* Decodes the next page of the chunk (dictionary, index or data page); *data is set
 * when it was a data page (its values counted in c->page_nv). Call only while
 * c->filled < c->rows. */
static sl_err chunk_step(rctx *c, int *data)
{
    pqr_colstate *st = c->st;
    char msg[256];
    *data = 0;
    c->page_off = 0;
    uint64_t off = c->chunk_off + c->pos;
    if (c->pos >= c->total)
        return fail(c, SL_ERR_CORRUPT, "column chunk ends after %lld of %lld values",
                    (long long)c->filled, (long long)c->rows);
    pqr_page ph;
    size_t hlen = 0;
    if (dec_page_header(st->raw.data + c->pos, c->total - c->pos, off, &ph, &hlen, msg,
                        sizeof msg) != SL_OK)
        return fail(c, SL_ERR_CORRUPT, "page header at offset %llu: %s", (unsigned long long)off,
                    msg);
    c->page_off = off;
    size_t body_at = c->pos + hlen;
    if ((size_t)ph.csize > c->total - body_at)
        return fail(c, SL_ERR_CORRUPT, "page of %d bytes runs past the end of the column "
                    "chunk (%zu bytes left)", ph.csize, c->total - body_at);
    const uint8_t *src = st->raw.data + body_at;
    if (ph.has_crc) {
        uint32_t got = (uint32_t)crc32(crc32(0L, Z_NULL, 0), src, (uInt)ph.csize);
        if (got != ph.crc)
            return fail(c, SL_ERR_CORRUPT, "page checksum mismatch (CRC-32 %08x, header says "
                        "%08x)", got, ph.crc);
    }
    sl_err e = SL_OK;
    if (ph.type == SL_PQP_DICTIONARY_PAGE || ph.type == SL_PQP_DATA_PAGE ||
        ph.type == SL_PQP_DATA_PAGE_V2) {
        if (!ph.sub.present)
            return fail(c, SL_ERR_CORRUPT, "page header of type %d lacks its sub-header",
                        ph.type);
        if (ph.type == SL_PQP_DICTIONARY_PAGE) {
            e = read_dictionary_page(c, &ph, src);
        } else {
            e = read_data_page(c, &ph, src);
            *data = 1;
        }
    } else if (ph.type != SL_PQP_INDEX_PAGE) {
        return fail(c, SL_ERR_CORRUPT, "unknown page type %d", ph.type);
    }
    if (e != SL_OK)
        return e;
    c->pos = body_at + (size_t)ph.csize;
    c->page_off = 0;
    return SL_OK;
}

/* Reads the chunk's bytes, then its pages until every row has a value. */
static sl_err read_chunk(rctx *c)
{
    sl_err e = chunk_begin(c);
    if (e != SL_OK)
        return e;
    if (grow((void **)&c->st->vals, &c->st->vals_cap, (size_t)c->rows ? (size_t)c->rows : 1,
             sizeof *c->st->vals) != SL_OK)
        return fail(c, SL_ERR_NOMEM, "out of memory for %lld values", (long long)c->rows);
    while (e == SL_OK && c->filled < c->rows) {
        int data;
        e = chunk_step(c, &data);
    }
    return e;
}

sl_err sl_pq_reader_read_column(sl_pq_reader *r, size_t rg, size_t col, const sl_value **vals,
                                char *errstr, size_t errstr_size)
{
    if (rg >= r->m.nrgs || col >= r->m.ncols)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "row group %zu column %zu out of range (%zu row groups, %zu columns)", rg,
                       col, r->m.nrgs, r->m.ncols);
    rctx c;
    memset(&c, 0, sizeof c);
    c.r = r;
    c.col = &r->m.cols[col];
    c.chunk = &r->m.rgs[rg].chunks[col];
    c.st = &r->cs[col];
    c.rg = rg;
    c.rows = r->m.rgs[rg].num_rows;
    c.errstr = errstr;
    c.errstr_size = errstr_size;
    sl_err e = read_chunk(&c);
    if (e != SL_OK)
        return e;
    *vals = c.st->vals;
    return SL_OK;
}

/* ------------------------------------------------------------------------- */
/* cursors                                                                     */
/* ------------------------------------------------------------------------- */

struct sl_pq_cursor {
    sl_pq_reader *r;       /* borrowed */
    size_t col;
    pqr_colstate st;       /* own buffers, reused from row group to row group */
    rctx c;
    int started;
    sl_err failed;         /* sticky error of the current row group */
};

sl_pq_cursor *sl_pq_cursor_new(sl_pq_reader *r, size_t col)
{
    if (col >= r->m.ncols)
        return NULL;
    sl_pq_cursor *cur = calloc(1, sizeof *cur);
    if (!cur)
        return NULL;
    cur->r = r;
    cur->col = col;
    return cur;
}

void sl_pq_cursor_destroy(sl_pq_cursor *cur)
{
    if (!cur)
        return;
    colstate_free(&cur->st);
    free(cur);
}

sl_err sl_pq_cursor_start(sl_pq_cursor *cur, size_t rg, char *errstr, size_t errstr_size)
{
    sl_pq_reader *r = cur->r;
    cur->started = 0;
    if (rg >= r->m.nrgs)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "row group %zu out of range (%zu)",
                       rg, r->m.nrgs);
    rctx *c = &cur->c;
    memset(c, 0, sizeof *c);
    c->r = r;
    c->col = &r->m.cols[cur->col];
    c->chunk = &r->m.rgs[rg].chunks[cur->col];
    c->st = &cur->st;
    c->rg = rg;
    c->rows = r->m.rgs[rg].num_rows;
    c->streaming = 1;
    c->errstr = errstr;
    c->errstr_size = errstr_size;
    cur->failed = chunk_begin(c);
    cur->started = cur->failed == SL_OK;
    return cur->failed;
}

sl_err sl_pq_cursor_next(sl_pq_cursor *cur, const sl_value **vals, size_t *n, char *errstr,
                         size_t errstr_size)
{
    rctx *c = &cur->c;
    *n = 0;
    *vals = cur->st.vals;
    if (!cur->started)
        return sl_errf(cur->failed != SL_OK ? cur->failed : SL_ERR_INVALID, errstr, errstr_size,
                       "cursor of column '%s' is not started or stopped at an error",
                       cur->r->m.cols[cur->col].name);
    c->errstr = errstr;
    c->errstr_size = errstr_size;
    while (c->filled < c->rows) {
        int data = 0;
        sl_err e = chunk_step(c, &data);
        if (e != SL_OK) {
            cur->failed = e;
            cur->started = 0;
            return e;
        }
        if (data && c->page_nv > 0) {
            *vals = cur->st.vals;
            *n = c->page_nv;
            return SL_OK;
        }
    }
    return SL_OK;
}
