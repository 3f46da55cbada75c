/*
 * read_meta.c: the reader's footer decoding. Turns the Thrift-compact
 * FileMetaData into pqr_meta (read_internal.h): a flat schema mapped to
 * sl_type, row groups with their column chunk metadata and statistics,
 * created_by and key/value metadata. Everything is checked: wrong wire types,
 * missing required fields, nested or repeated schemas, unsupported types and
 * implausible counts are errors that name the field and the column.
 */
#include "parquet/encoding.h"
#include "parquet/read_internal.h"
#include "parquet/thrift.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One SchemaElement as decoded, before mapping (name borrowed from the footer). */
typedef struct selem {
    const uint8_t *name;
    size_t name_n;
    int has_name;
    int type;                /* -1 absent (a group) */
    int32_t type_length;
    int repetition;          /* -1 absent */
    int32_t num_children;    /* -1 absent */
    int converted;           /* -1 absent */
    int32_t scale, precision;
    int logical;             /* LogicalType member id, 0 absent */
    int lt_unit;             /* TIMESTAMP/TIME unit: SL_PQTU_*, 0 unknown */
    int lt_utc;              /* TIMESTAMP/TIME isAdjustedToUTC */
    int lt_bits, lt_signed;  /* INTEGER */
    int32_t lt_scale, lt_precision; /* DECIMAL */
} selem;

/* Decoding context: the Thrift decoder writes its messages into `msg`; the
 * functions here return SL_ERR_CORRUPT etc. with their own messages in `msg` too,
 * and sl_pqr_meta_decode prefixes "footer: " once. */
typedef struct mctx {
    sl_thrift_dec d;
    pqr_meta *m;
    selem *schema;
    size_t nschema;
    char msg[320];
} mctx;

static const char *const codec_names[] = { "UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                           "BROTLI", "LZ4", "ZSTD", "LZ4_RAW" };
static const char *const encoding_names[] = {
    "PLAIN", "GROUP_VAR_INT", "PLAIN_DICTIONARY", "RLE", "BIT_PACKED", "DELTA_BINARY_PACKED",
    "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY", "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"
};
static const char *const physical_names[] = { "BOOLEAN", "INT32", "INT64", "INT96",
                                              "FLOAT", "DOUBLE", "BYTE_ARRAY",
                                              "FIXED_LEN_BYTE_ARRAY" };
static const char *const converted_names[] = {
    "UTF8", "MAP", "MAP_KEY_VALUE", "LIST", "ENUM", "DECIMAL", "DATE", "TIME_MILLIS",
    "TIME_MICROS", "TIMESTAMP_MILLIS", "TIMESTAMP_MICROS", "UINT_8", "UINT_16", "UINT_32",
    "UINT_64", "INT_8", "INT_16", "INT_32", "INT_64", "JSON", "BSON", "INTERVAL"
};
#define NAMES_N(a) (sizeof(a) / sizeof((a)[0]))

/* ConvertedType values thrift.h does not name. */
enum { CT_ENUM = 4, CT_DECIMAL = 5, CT_UINT_32 = 13, CT_UINT_64 = 14, CT_JSON = 19 };

const char *sl_pqr_codec_name(int codec)
{
    return codec >= 0 && (size_t)codec < NAMES_N(codec_names) ? codec_names[codec] : "?";
}

const char *sl_pqr_encoding_name(int enc)
{
    return enc >= 0 && (size_t)enc < NAMES_N(encoding_names) ? encoding_names[enc] : "?";
}

static const char *physical_name(int t)
{
    return t >= 0 && (size_t)t < NAMES_N(physical_names) ? physical_names[t] : "?";
}

/* ---- small typed readers: check the wire type, then read ---- */

static int is_int_type(int type)
{
    return type == SL_THRIFT_BYTE || type == SL_THRIFT_I16 || type == SL_THRIFT_I32 ||
           type == SL_THRIFT_I64;
}

static sl_err wrong_type(mctx *x, const char *what, int type)
{
    return sl_errf(SL_ERR_CORRUPT, x->msg, sizeof x->msg,
                   "%s has Thrift type %d, not the one parquet.thrift defines", what, type);
}

static sl_err get_i32(mctx *x, int type, const char *what, int32_t *v)
{
    if (!is_int_type(type) || type == SL_THRIFT_I64)
        return wrong_type(x, what, type);
    return sl_thrift_dec_i32(&x->d, v);
}

static sl_err get_i64(mctx *x, int type, const char *what, int64_t *v)
{
    if (!is_int_type(type))
        return wrong_type(x, what, type);
    return sl_thrift_dec_i64(&x->d, v);
}

static sl_err get_binary(mctx *x, int type, const char *what, const uint8_t **p, size_t *n)
{
    if (type != SL_THRIFT_BINARY)
        return wrong_type(x, what, type);
    return sl_thrift_dec_binary(&x->d, p, n);
}

static sl_err get_bool(mctx *x, int type, const char *what, int *v)
{
    if (type != SL_THRIFT_BOOL)
        return wrong_type(x, what, type);
    return sl_thrift_dec_bool(&x->d, v);
}

/* Reads a list header whose elements must be `elem` (any integer type when elem
 * is SL_THRIFT_I32). */
static sl_err get_list(mctx *x, int type, int elem, const char *what, uint32_t *count)
{
    if (type != SL_THRIFT_LIST && type != SL_THRIFT_SET)
        return wrong_type(x, what, type);
    int et;
    sl_err e = sl_thrift_dec_list(&x->d, &et, count);
    if (e != SL_OK)
        return e;
    int ok = elem == SL_THRIFT_I32 ? is_int_type(et) && et != SL_THRIFT_I64 : et == elem;
    if (!ok && *count > 0)
        return sl_errf(SL_ERR_CORRUPT, x->msg, sizeof x->msg,
                       "%s is a list of Thrift type %d, not the one parquet.thrift defines", what,
                       et);
    return SL_OK;
}

/* Copies n bytes into a new NUL-terminated string. NULL when out of memory. */
static char *dup_bytes(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        return NULL;
    if (n)
        memcpy(s, p, n);
    s[n] = 0;
    return s;
}

static sl_err nomem(mctx *x)
{
    return sl_errf(SL_ERR_NOMEM, x->msg, sizeof x->msg, "out of memory decoding the footer");
}

/* ---- LogicalType ---- */

/* TimeUnit union: one empty struct field naming the unit. */
static sl_err dec_time_unit(mctx *x, int *unit)
{
    sl_err e = sl_thrift_dec_struct_begin(&x->d);
    for (; e == SL_OK;) {
        int16_t fid;
        int type;
        e = sl_thrift_dec_field(&x->d, &fid, &type);
        if (e != SL_OK || type == SL_THRIFT_STOP)
            break;
        if (type == SL_THRIFT_STRUCT && fid >= SL_PQTU_MILLIS && fid <= SL_PQTU_NANOS)
            *unit = fid;
        e = sl_thrift_dec_skip(&x->d, type);
    }
    return e;
}

/* TimestampType / TimeType: 1 isAdjustedToUTC, 2 unit. */
static sl_err dec_time_type(mctx *x, selem *s)
{
    sl_err e = sl_thrift_dec_struct_begin(&x->d);
    for (; e == SL_OK;) {
        int16_t fid;
        int type;
        e = sl_thrift_dec_field(&x->d, &fid, &type);
        if (e != SL_OK || type == SL_THRIFT_STOP)
            break;
        if (fid == 1)
            e = get_bool(x, type, "TimestampType.isAdjustedToUTC", &s->lt_utc);
        else if (fid == 2 && type == SL_THRIFT_STRUCT)
            e = dec_time_unit(x, &s->lt_unit);
        else
            e = sl_thrift_dec_skip(&x->d, type);
    }
    return e;
}

/* IntType: 1 bitWidth (i8), 2 isSigned. DecimalType: 1 scale, 2 precision. */
static sl_err dec_two_ints(mctx *x, int is_int_type_struct, selem *s)
{
    sl_err e = sl_thrift_dec_struct_begin(&x->d);
    for (; e == SL_OK;) {
        int16_t fid;
        int type;
        e = sl_thrift_dec_field(&x->d, &fid, &type);
        if (e != SL_OK || type == SL_THRIFT_STOP)
            break;
        int32_t v = 0;
        if (is_int_type_struct && fid == 1) {
            e = get_i32(x, type, "IntType.bitWidth", &v);
            s->lt_bits = v;
        } else if (is_int_type_struct && fid == 2) {
            e = get_bool(x, type, "IntType.isSigned", &s->lt_signed);
        } else if (!is_int_type_struct && (fid == 1 || fid == 2)) {
            e = get_i32(x, type, "DecimalType field", &v);
            if (fid == 1)
                s->lt_scale = v;
            else
                s->lt_precision = v;
        } else {
            e = sl_thrift_dec_skip(&x->d, type);
        }
    }
    return e;
}

/* LogicalType union: the one field present names the annotation. */
static sl_err dec_logical(mctx *x, selem *s)
{
    sl_err e = sl_thrift_dec_struct_begin(&x->d);
    for (; e == SL_OK;) {
        int16_t fid;
        int type;
        e = sl_thrift_dec_field(&x->d, &fid, &type);
        if (e != SL_OK || type == SL_THRIFT_STOP)
            break;
        if (type != SL_THRIFT_STRUCT) {
            e = sl_thrift_dec_skip(&x->d, type);
            continue;
        }
        s->logical = fid;
        if (fid == SL_PQLT_TIMESTAMP || fid == SL_PQLT_TIME)
            e = dec_time_type(x, s);
        else if (fid == SL_PQLT_INTEGER || fid == SL_PQLT_DECIMAL)
            e = dec_two_ints(x, fid == SL_PQLT_INTEGER, s);
        else
            e = sl_thrift_dec_skip(&x->d, type);
    }
    return e;
}

/* ---- SchemaElement ---- */

static sl_err dec_schema_element(mctx *x, selem *s)
{
    memset(s, 0, sizeof *s);
    s->type = s->repetition = s->converted = -1;
    s->num_children = -1;
    sl_err e = sl_thrift_dec_struct_begin(&x->d);
    for (; e == SL_OK;) {
        int16_t fid;
        int type;
        int32_t v = 0;
        e = sl_thrift_dec_field(&x->d, &fid, &type);
        if (e != SL_OK || type == SL_THRIFT_STOP)
            break;
        switch (fid) {
        case 1:
            e = get_i32(x, type, "SchemaElement.type", &v);
            s->type = v;
            break;
        case 2: e = get_i32(x, type, "SchemaElement.type_length", &s->type_length); break;
        case 3:
            e = get_i32(x, type, "SchemaElement.repetition_type", &v);
            s->repetition = v;
            break;
        case 4:
            e = get_binary(x, type, "SchemaElement.name", &s->name, &s->name_n);
            s->has_name = 1;
            break;
        case 5: e = get_i32(x, type, "SchemaElement.num_children", &s->num_children); break;
        case 6:
            e = get_i32(x, type, "SchemaElement.converted_type", &v);
            s->converted = v;
            break;
        case 7: e = get_i32(x, type, "SchemaElement.scale", &s->scale); break;
        case 8: e = get_i32(x, type, "SchemaElement.precision", &s->precision); break;
        case 10:
            if (type != SL_THRIFT_STRUCT)
                e = wrong_type(x, "SchemaElement.logicalType", type);
            else
                e = dec_logical(x, s);
            break;
        default: e = sl_thrift_dec_skip(&x->d, type); break;
        }
    }
    if (e == SL_OK && !s->has_name)
        e = sl_errf(SL_ERR_CORRUPT, x->msg, sizeof x->msg, "a schema element has no name");
    return e;
}

/* ---- Statistics, ColumnMetaData, ColumnChunk, RowGroup ---- */

static sl_err dec_statistics(mctx *x, pqr_stats *st)
{
    sl_err e = sl_thrift_dec_struct_begin(&x->d);
    for (; e == SL_OK;) {
        int16_t fid;
        int type;
        e = sl_thrift_dec_field(&x->d, &fid, &type);
        if (e != SL_OK || type == SL_THRIFT_STOP)
            break;
        switch (fid) {
        case 1: e = get_binary(x, type, "Statistics.max", &st->max_old, &st->max_old_n); break;
        case 2: e = get_binary(x, type, "Statistics.min", &st->min_old, &st->min_old_n); break;
        case 3: e = get_i64(x, type, "Statistics.null_count", &st->null_count); break;
        case 5:
            e = get_binary(x, type, "Statistics.max_value", &st->max_value, &st->max_value_n);
            break;
        case 6:
            e = get_binary(x, type, "Statistics.min_value", &st->min_value, &st->min_value_n);
            break;
        default: e = sl_thrift_dec_skip(&x->d, type); break;
        }
    }
    return e;
}

/* Interns the encodings string of `mask` in the meta (one copy per distinct set). */
static const char *intern_encodings(mctx *x, uint32_t mask)
{
    pqr_meta *m = x->m;
    for (size_t i = 0; i < m->nenc; i++)
        if (m->enc_masks[i] == mask)
            return m->enc_strs[i];
    char buf[256];
    size_t len = 0;
    buf[0] = 0;
    for (int b = 0; b < 32; b++) {
        if (!(mask & (1u << b)))
            continue;
        const char *name = sl_pqr_encoding_name(b);
        int n = snprintf(buf + len, sizeof buf - len, "%s%s", len ? "," : "",
                         strcmp(name, "?") ? name : "UNKNOWN");
        if (n < 0 || (size_t)n >= sizeof buf - len)
            break;
        len += (size_t)n;
    }
    char **strs = realloc(m->enc_strs, (m->nenc + 1) * sizeof *strs);
    if (!strs)
        return NULL;
    m->enc_strs = strs;
    uint32_t *masks = realloc(m->enc_masks, (m->nenc + 1) * sizeof *masks);
    if (!masks)
        return NULL;
    m->enc_masks = masks;
    char *s = dup_bytes((const uint8_t *)buf, len);
    if (!s)
        return NULL;
    m->enc_strs[m->nenc] = s;
    m->enc_masks[m->nenc] = mask;
    m->nenc++;
    return s;
}

static sl_err dec_column_meta(mctx *x, pqr_chunk *c)
{
    unsigned seen = 0;
    sl_err e = sl_thrift_dec_struct_begin(&x->d);
    for (; e == SL_OK;) {
        int16_t fid;
        int type;
        int32_t v = 0;
        uint32_t n = 0;
        e = sl_thrift_dec_field(&x->d, &fid, &type);
        if (e != SL_OK || type == SL_THRIFT_STOP)
            break;
        if (fid >= 1 && fid <= 9)
            seen |= 1u << fid;
        switch (fid) {
        case 1:
            e = get_i32(x, type, "ColumnMetaData.type", &v);
            c->physical = v;
            break;
        case 2:
            e = get_list(x, type, SL_THRIFT_I32, "ColumnMetaData.encodings", &n);
            for (uint32_t i = 0; e == SL_OK && i < n; i++) {
                e = sl_thrift_dec_i32(&x->d, &v);
                if (e == SL_OK && v >= 0 && v < 32)
                    c->encodings |= 1u << v;
            }
            break;
        case 4:
            e = get_i32(x, type, "ColumnMetaData.codec", &v);
            c->codec = v;
            break;
        case 5: e = get_i64(x, type, "ColumnMetaData.num_values", &c->num_values); break;
        case 6:
            e = get_i64(x, type, "ColumnMetaData.total_uncompressed_size",
                        &c->total_uncompressed_size);
            break;
        case 7:
            e = get_i64(x, type, "ColumnMetaData.total_compressed_size",
                        &c->total_compressed_size);
            break;
        case 9: e = get_i64(x, type, "ColumnMetaData.data_page_offset", &c->data_page_offset); break;
        case 11:
            e = get_i64(x, type, "ColumnMetaData.dictionary_page_offset",
                        &c->dictionary_page_offset);
            break;
        case 12:
            if (type != SL_THRIFT_STRUCT)
                e = wrong_type(x, "ColumnMetaData.statistics", type);
            else
                e = dec_statistics(x, &c->stats);
            break;
        default: e = sl_thrift_dec_skip(&x->d, type); break;
        }
    }
    if (e != SL_OK)
        return e;
    static const struct { int fid; const char *name; } req[] = {
        { 1, "type" }, { 2, "encodings" }, { 4, "codec" }, { 5, "num_values" },
        { 6, "total_uncompressed_size" }, { 7, "total_compressed_size" },
        { 9, "data_page_offset" },
    };
    for (size_t i = 0; i < NAMES_N(req); i++)
        if (!(seen & (1u << req[i].fid)))
            return sl_errf(SL_ERR_CORRUPT, x->msg, sizeof x->msg,
                           "ColumnMetaData lacks required field %s", req[i].name);
    c->encodings_str = intern_encodings(x, c->encodings);
    if (!c->encodings_str)
        return nomem(x);
    c->has_meta = 1;
    return SL_OK;
}

static sl_err dec_column_chunk(mctx *x, pqr_chunk *c)
{
    memset(c, 0, sizeof *c);
    c->dictionary_page_offset = -1;
    c->stats.null_count = -1;
    sl_err e = sl_thrift_dec_struct_begin(&x->d);
    for (; e == SL_OK;) {
        int16_t fid;
        int type;
        e = sl_thrift_dec_field(&x->d, &fid, &type);
        if (e != SL_OK || type == SL_THRIFT_STOP)
            break;
        if (fid == 1) {
            c->has_file_path = 1;
            e = sl_thrift_dec_skip(&x->d, type);
        } else if (fid == 3) {
            if (type != SL_THRIFT_STRUCT)
                e = wrong_type(x, "ColumnChunk.meta_data", type);
            else
                e = dec_column_meta(x, c);
        } else {
            e = sl_thrift_dec_skip(&x->d, type);
        }
    }
    return e;
}

static sl_err dec_row_group(mctx *x, pqr_row_group *rg)
{
    int seen_rows = 0, seen_cols = 0;
    rg->num_rows = -1;
    sl_err e = sl_thrift_dec_struct_begin(&x->d);
    for (; e == SL_OK;) {
        int16_t fid;
        int type;
        uint32_t n = 0;
        e = sl_thrift_dec_field(&x->d, &fid, &type);
        if (e != SL_OK || type == SL_THRIFT_STOP)
            break;
        if (fid == 1 && !seen_cols) {
            seen_cols = 1;
            e = get_list(x, type, SL_THRIFT_STRUCT, "RowGroup.columns", &n);
            if (e != SL_OK)
                break;
            rg->chunks = calloc(n ? n : 1, sizeof *rg->chunks);
            if (!rg->chunks)
                return nomem(x);
            for (uint32_t i = 0; e == SL_OK && i < n; i++) {
                e = dec_column_chunk(x, &rg->chunks[i]);
                rg->nchunks = i + 1;
            }
        } else if (fid == 3) {
            seen_rows = 1;
            e = get_i64(x, type, "RowGroup.num_rows", &rg->num_rows);
        } else {
            e = sl_thrift_dec_skip(&x->d, type);
        }
    }
    if (e == SL_OK && (!seen_rows || !seen_cols))
        e = sl_errf(SL_ERR_CORRUPT, x->msg, sizeof x->msg, "RowGroup lacks required field %s",
                    seen_cols ? "num_rows" : "columns");
    return e;
}

/* ---- KeyValue ---- */

static sl_err dec_kv_list(mctx *x, int type)
{
    pqr_meta *m = x->m;
    uint32_t n = 0;
    sl_err e = get_list(x, type, SL_THRIFT_STRUCT, "FileMetaData.key_value_metadata", &n);
    if (e != SL_OK || m->kv_keys)
        return e != SL_OK ? e : sl_errf(SL_ERR_CORRUPT, x->msg, sizeof x->msg,
                                        "key_value_metadata appears twice");
    m->kv_keys = calloc(n ? n : 1, sizeof *m->kv_keys);
    m->kv_values = calloc(n ? n : 1, sizeof *m->kv_values);
    if (!m->kv_keys || !m->kv_values)
        return nomem(x);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *k = NULL, *v = NULL;
        size_t kn = 0, vn = 0;
        e = sl_thrift_dec_struct_begin(&x->d);
        for (; e == SL_OK;) {
            int16_t fid;
            int ft;
            e = sl_thrift_dec_field(&x->d, &fid, &ft);
            if (e != SL_OK || ft == SL_THRIFT_STOP)
                break;
            if (fid == 1)
                e = get_binary(x, ft, "KeyValue.key", &k, &kn);
            else if (fid == 2)
                e = get_binary(x, ft, "KeyValue.value", &v, &vn);
            else
                e = sl_thrift_dec_skip(&x->d, ft);
        }
        if (e != SL_OK)
            return e;
        if (!k)
            return sl_errf(SL_ERR_CORRUPT, x->msg, sizeof x->msg,
                           "key/value metadata entry %u has no key", i);
        m->kv_keys[i] = dup_bytes(k, kn);
        m->kv_values[i] = dup_bytes(v, vn);
        m->nkv = i + 1;
        if (!m->kv_keys[i] || !m->kv_values[i])
            return nomem(x);
    }
    return SL_OK;
}

/* ---- FileMetaData ---- */

static sl_err dec_file_meta(mctx *x)
{
    pqr_meta *m = x->m;
    unsigned seen = 0;
    sl_err e = sl_thrift_dec_struct_begin(&x->d);
    for (; e == SL_OK;) {
        int16_t fid;
        int type;
        uint32_t n = 0;
        const uint8_t *p;
        size_t pn;
        e = sl_thrift_dec_field(&x->d, &fid, &type);
        if (e != SL_OK || type == SL_THRIFT_STOP)
            break;
        if (fid >= 1 && fid <= 6 && (seen & (1u << fid)))
            return sl_errf(SL_ERR_CORRUPT, x->msg, sizeof x->msg,
                           "FileMetaData field %d appears twice", fid);
        if (fid >= 1 && fid <= 6)
            seen |= 1u << fid;
        switch (fid) {
        case 1: e = get_i32(x, type, "FileMetaData.version", &m->version); break;
        case 2:
            e = get_list(x, type, SL_THRIFT_STRUCT, "FileMetaData.schema", &n);
            if (e != SL_OK)
                break;
            x->schema = calloc(n ? n : 1, sizeof *x->schema);
            if (!x->schema)
                return nomem(x);
            for (uint32_t i = 0; e == SL_OK && i < n; i++) {
                e = dec_schema_element(x, &x->schema[i]);
                x->nschema = i + 1;
            }
            break;
        case 3: e = get_i64(x, type, "FileMetaData.num_rows", &m->num_rows); break;
        case 4:
            e = get_list(x, type, SL_THRIFT_STRUCT, "FileMetaData.row_groups", &n);
            if (e != SL_OK)
                break;
            m->rgs = calloc(n ? n : 1, sizeof *m->rgs);
            if (!m->rgs)
                return nomem(x);
            for (uint32_t i = 0; e == SL_OK && i < n; i++) {
                m->nrgs = i + 1;
                e = dec_row_group(x, &m->rgs[i]);
            }
            break;
        case 5: e = dec_kv_list(x, type); break;
        case 6:
            e = get_binary(x, type, "FileMetaData.created_by", &p, &pn);
            if (e == SL_OK && !(m->created_by = dup_bytes(p, pn)))
                return nomem(x);
            break;
        default: e = sl_thrift_dec_skip(&x->d, type); break;
        }
    }
    if (e != SL_OK)
        return e;
    static const char *const req[] = { NULL, "version", "schema", "num_rows", "row_groups" };
    for (int f = 1; f <= 4; f++)
        if (!(seen & (1u << f)))
            return sl_errf(SL_ERR_CORRUPT, x->msg, sizeof x->msg,
                           "FileMetaData lacks required field %s", req[f]);
    return SL_OK;
}

/* ---- schema validation and type mapping ---- */

/* Fills c->logical_str from the LogicalType (preferred) or the ConvertedType. */
static void describe_logical(const selem *s, pqr_col *c)
{
    static const char *const units[] = { "?", "MILLIS", "MICROS", "NANOS" };
    char *o = c->logical_str;
    size_t n = sizeof c->logical_str;
    const char *unit = units[s->lt_unit >= 1 && s->lt_unit <= 3 ? s->lt_unit : 0];
    switch (s->logical) {
    case 0:
        if (s->converted == CT_DECIMAL)
            snprintf(o, n, "DECIMAL(%d,%d)", (int)s->precision, (int)s->scale);
        else if (s->converted >= 0 && (size_t)s->converted < NAMES_N(converted_names))
            snprintf(o, n, "%s", converted_names[s->converted]);
        else if (s->converted >= 0)
            snprintf(o, n, "CONVERTED(%d)", s->converted);
        else
            o[0] = 0;
        return;
    case SL_PQLT_STRING: snprintf(o, n, "STRING"); return;
    case SL_PQLT_MAP: snprintf(o, n, "MAP"); return;
    case SL_PQLT_LIST: snprintf(o, n, "LIST"); return;
    case SL_PQLT_ENUM: snprintf(o, n, "ENUM"); return;
    case SL_PQLT_DECIMAL:
        snprintf(o, n, "DECIMAL(%d,%d)", (int)s->lt_precision, (int)s->lt_scale);
        return;
    case SL_PQLT_DATE: snprintf(o, n, "DATE"); return;
    case SL_PQLT_TIME:
        snprintf(o, n, "TIME(%s,%s)", unit, s->lt_utc ? "UTC" : "local");
        return;
    case SL_PQLT_TIMESTAMP:
        snprintf(o, n, "TIMESTAMP(%s,%s)", unit, s->lt_utc ? "UTC" : "local");
        return;
    case SL_PQLT_INTEGER:
        snprintf(o, n, "INT(%d,%s)", s->lt_bits, s->lt_signed ? "signed" : "unsigned");
        return;
    case SL_PQLT_UNKNOWN: snprintf(o, n, "UNKNOWN"); return;
    case SL_PQLT_JSON: snprintf(o, n, "JSON"); return;
    case SL_PQLT_BSON: snprintf(o, n, "BSON"); return;
    case SL_PQLT_UUID: snprintf(o, n, "UUID"); return;
    case 15: snprintf(o, n, "FLOAT16"); return;
    default: snprintf(o, n, "LOGICAL(%d)", s->logical); return;
    }
}

/* Maps a leaf's physical type and annotations to sl_type and a value conversion.
 * Unsupported combinations (decimals, unsigned 64-bit) are errors naming the column. */
static sl_err map_type(mctx *x, const selem *s, pqr_col *c)
{
    int decimal = s->logical == SL_PQLT_DECIMAL || (s->logical == 0 && s->converted == CT_DECIMAL);
    if (decimal)
        return sl_errf(SL_ERR_UNSUPPORTED, x->msg, sizeof x->msg,
                       "column '%s': DECIMAL is not supported", c->name);
    snprintf(c->physical_str, sizeof c->physical_str, "%s", physical_name(s->type));
    describe_logical(s, c);
    switch (s->type) {
    case SL_PQT_BOOLEAN:
        c->col.type = SL_T_BOOL;
        c->conv = PQR_CONV_BOOL;
        return SL_OK;
    case SL_PQT_INT32:
        c->col.type = SL_T_INT32;
        c->conv = PQR_CONV_I32;
        if (s->logical == SL_PQLT_DATE || (s->logical == 0 && s->converted == SL_PQCT_DATE)) {
            c->col.type = SL_T_DATE;
        } else if ((s->logical == SL_PQLT_INTEGER && !s->lt_signed && s->lt_bits == 32) ||
                   (s->logical == 0 && s->converted == CT_UINT_32)) {
            c->col.type = SL_T_INT64;
            c->conv = PQR_CONV_U32;
        }
        return SL_OK;
    case SL_PQT_INT64:
        c->col.type = SL_T_INT64;
        c->conv = PQR_CONV_I64;
        if ((s->logical == SL_PQLT_INTEGER && !s->lt_signed) ||
            (s->logical == 0 && s->converted == CT_UINT_64))
            return sl_errf(SL_ERR_UNSUPPORTED, x->msg, sizeof x->msg,
                           "column '%s': unsigned 64-bit integers are not supported", c->name);
        if (s->logical == SL_PQLT_TIMESTAMP) {
            if (s->lt_unit == 0)
                return sl_errf(SL_ERR_CORRUPT, x->msg, sizeof x->msg,
                               "column '%s': TIMESTAMP without a unit", c->name);
            c->col.type = SL_T_TIMESTAMP;
            c->conv = s->lt_unit == SL_PQTU_MILLIS  ? PQR_CONV_TS_MILLIS
                      : s->lt_unit == SL_PQTU_NANOS ? PQR_CONV_TS_NANOS
                                                    : PQR_CONV_I64;
        } else if (s->logical == 0 && s->converted == SL_PQCT_TIMESTAMP_MILLIS) {
            c->col.type = SL_T_TIMESTAMP;
            c->conv = PQR_CONV_TS_MILLIS;
        } else if (s->logical == 0 && s->converted == SL_PQCT_TIMESTAMP_MICROS) {
            c->col.type = SL_T_TIMESTAMP;
        }
        return SL_OK;
    case SL_PQT_INT96:
        c->col.type = SL_T_TIMESTAMP;
        c->conv = PQR_CONV_INT96;
        return SL_OK;
    case SL_PQT_FLOAT:
        c->col.type = SL_T_DOUBLE;
        c->conv = PQR_CONV_FLOAT;
        return SL_OK;
    case SL_PQT_DOUBLE:
        c->col.type = SL_T_DOUBLE;
        c->conv = PQR_CONV_DOUBLE;
        return SL_OK;
    case SL_PQT_BYTE_ARRAY: {
        int text = s->logical == SL_PQLT_STRING || s->logical == SL_PQLT_ENUM ||
                   s->logical == SL_PQLT_JSON ||
                   (s->logical == 0 && (s->converted == SL_PQCT_UTF8 || s->converted == CT_ENUM ||
                                        s->converted == CT_JSON));
        c->col.type = text ? SL_T_STRING : SL_T_BINARY;
        c->conv = PQR_CONV_BYTES;
        return SL_OK;
    }
    case SL_PQT_FIXED_LEN_BYTE_ARRAY:
        if (s->type_length <= 0 || s->type_length > (1 << 20))
            return sl_errf(SL_ERR_CORRUPT, x->msg, sizeof x->msg,
                           "column '%s': FIXED_LEN_BYTE_ARRAY length %d is invalid", c->name,
                           (int)s->type_length);
        c->col.type = SL_T_BINARY;
        c->conv = PQR_CONV_FIXED;
        c->type_length = s->type_length;
        snprintf(c->physical_str, sizeof c->physical_str, "FIXED_LEN_BYTE_ARRAY(%d)",
                 (int)s->type_length);
        return SL_OK;
    default:
        return sl_errf(SL_ERR_CORRUPT, x->msg, sizeof x->msg,
                       "column '%s': unknown physical type %d", c->name, s->type);
    }
}

/* Checks the schema is a root with only primitive leaves and builds m->cols. */
static sl_err build_columns(mctx *x)
{
    pqr_meta *m = x->m;
    if (x->nschema == 0)
        return sl_errf(SL_ERR_CORRUPT, x->msg, sizeof x->msg, "the schema is empty (no root)");
    const selem *root = &x->schema[0];
    if (root->num_children < 0 || (size_t)root->num_children != x->nschema - 1) {
        /* Either nested groups (children counted per group) or a broken count. */
        for (size_t i = 1; i < x->nschema; i++)
            if (x->schema[i].num_children > 0 || x->schema[i].type < 0)
                return sl_errf(SL_ERR_UNSUPPORTED, x->msg, sizeof x->msg,
                               "column '%.*s' is a nested group: nested schemas are not supported",
                               (int)(x->schema[i].name_n > 200 ? 200 : x->schema[i].name_n),
                               (const char *)x->schema[i].name);
        return sl_errf(SL_ERR_CORRUPT, x->msg, sizeof x->msg,
                       "schema root has %d children but %zu elements follow",
                       (int)root->num_children, x->nschema - 1);
    }
    m->ncols = x->nschema - 1;
    m->cols = calloc(m->ncols ? m->ncols : 1, sizeof *m->cols);
    if (!m->cols)
        return nomem(x);
    for (size_t i = 0; i < m->ncols; i++) {
        const selem *s = &x->schema[i + 1];
        pqr_col *c = &m->cols[i];
        if (!(c->name = dup_bytes(s->name, s->name_n)))
            return nomem(x);
        c->col.name = c->name;
        c->physical = s->type;
        if (s->num_children > 0 || s->type < 0)
            return sl_errf(SL_ERR_UNSUPPORTED, x->msg, sizeof x->msg,
                           "column '%s' is a nested group: nested schemas are not supported",
                           c->name);
        if (s->repetition == SL_PQR_REPEATED)
            return sl_errf(SL_ERR_UNSUPPORTED, x->msg, sizeof x->msg,
                           "column '%s' is REPEATED: repeated fields are not supported", c->name);
        if (s->repetition != SL_PQR_REQUIRED && s->repetition != SL_PQR_OPTIONAL)
            return sl_errf(SL_ERR_CORRUPT, x->msg, sizeof x->msg,
                           "column '%s' has no valid repetition type (%d)", c->name,
                           s->repetition);
        c->col.required = s->repetition == SL_PQR_REQUIRED;
        sl_err e = map_type(x, s, c);
        if (e != SL_OK)
            return e;
    }
    return SL_OK;
}

/* Cross-checks row groups against the schema and the file size. */
static sl_err check_row_groups(mctx *x, uint64_t file_size)
{
    pqr_meta *m = x->m;
    uint64_t budget = file_size > UINT64_MAX / PQR_CELLS_PER_FILE_BYTE
                          ? UINT64_MAX
                          : file_size * PQR_CELLS_PER_FILE_BYTE;
    if (budget < PQR_MIN_CELL_BUDGET)
        budget = PQR_MIN_CELL_BUDGET;
    if (m->num_rows < 0)
        return sl_errf(SL_ERR_CORRUPT, x->msg, sizeof x->msg, "negative row count %lld",
                       (long long)m->num_rows);
    int64_t total = 0;
    for (size_t g = 0; g < m->nrgs; g++) {
        const pqr_row_group *rg = &m->rgs[g];
        if (rg->nchunks != m->ncols)
            return sl_errf(SL_ERR_CORRUPT, x->msg, sizeof x->msg,
                           "row group %zu has %zu column chunks but the schema has %zu columns",
                           g, rg->nchunks, m->ncols);
        if (rg->num_rows < 0)
            return sl_errf(SL_ERR_CORRUPT, x->msg, sizeof x->msg,
                           "row group %zu has a negative row count", g);
        uint64_t cells = (uint64_t)rg->num_rows * (m->ncols ? m->ncols : 1);
        if ((uint64_t)rg->num_rows > budget || cells > budget)
            return sl_errf(SL_ERR_LIMIT, x->msg, sizeof x->msg,
                           "row group %zu claims %lld rows of %zu columns, implausible for a "
                           "file of %llu bytes",
                           g, (long long)rg->num_rows, m->ncols, (unsigned long long)file_size);
        total += rg->num_rows;
        for (size_t i = 0; i < m->ncols; i++) {
            const pqr_chunk *c = &rg->chunks[i];
            const char *name = m->cols[i].name;
            if (c->has_file_path)
                return sl_errf(SL_ERR_UNSUPPORTED, x->msg, sizeof x->msg,
                               "column '%s' row group %zu: data in another file (file_path) is "
                               "not supported", name, g);
            if (!c->has_meta)
                return sl_errf(SL_ERR_UNSUPPORTED, x->msg, sizeof x->msg,
                               "column '%s' row group %zu: no column metadata (encrypted file?)",
                               name, g);
            if (c->physical != m->cols[i].physical)
                return sl_errf(SL_ERR_CORRUPT, x->msg, sizeof x->msg,
                               "column '%s' row group %zu: chunk type %s differs from schema "
                               "type %s", name, g, physical_name(c->physical),
                               physical_name(m->cols[i].physical));
        }
    }
    if (total != m->num_rows)
        return sl_errf(SL_ERR_CORRUPT, x->msg, sizeof x->msg,
                       "the footer says %lld rows but its row groups hold %lld",
                       (long long)m->num_rows, (long long)total);
    return SL_OK;
}

void sl_pqr_meta_free(pqr_meta *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->ncols; i++)
        free(m->cols[i].name);
    free(m->cols);
    for (size_t g = 0; g < m->nrgs; g++)
        free(m->rgs[g].chunks);
    free(m->rgs);
    free(m->created_by);
    for (size_t i = 0; i < m->nkv; i++) {
        free(m->kv_keys[i]);
        free(m->kv_values[i]);
    }
    free(m->kv_keys);
    free(m->kv_values);
    for (size_t i = 0; i < m->nenc; i++)
        free(m->enc_strs[i]);
    free(m->enc_strs);
    free(m->enc_masks);
    memset(m, 0, sizeof *m);
}

sl_err sl_pqr_meta_decode(pqr_meta *m, const uint8_t *footer, size_t len, uint64_t file_offset,
                          uint64_t file_size, char *errstr, size_t errstr_size)
{
    mctx x;
    memset(&x, 0, sizeof x);
    memset(m, 0, sizeof *m);
    x.m = m;
    sl_thrift_dec_init(&x.d, footer, len, file_offset, x.msg, sizeof x.msg);
    sl_err e = dec_file_meta(&x);
    if (e == SL_OK)
        e = build_columns(&x);
    if (e == SL_OK)
        e = check_row_groups(&x, file_size);
    free(x.schema);
    if (e != SL_OK) {
        sl_pqr_meta_free(m);
        return sl_errf(e, errstr, errstr_size, "footer: %s", x.msg);
    }
    return SL_OK;
}

/* ---- values shared with reader.c ---- */

int sl_pqr_conv_i64(pqr_conv conv, int64_t raw, int64_t *out)
{
    switch (conv) {
    case PQR_CONV_TS_MILLIS:
        if (raw > INT64_MAX / 1000 || raw < INT64_MIN / 1000)
            return -1;
        *out = raw * 1000;
        return 0;
    case PQR_CONV_TS_NANOS: {
        int64_t q = raw / 1000, r = raw % 1000;
        *out = r < 0 ? q - 1 : q; /* floor */
        return 0;
    }
    default:
        *out = raw;
        return 0;
    }
}

int sl_pqr_stat_value(const pqr_col *c, const uint8_t *p, size_t n, sl_value *v)
{
    memset(v, 0, sizeof *v);
    switch (c->conv) {
    case PQR_CONV_BOOL:
        if (n != 1 || p[0] > 1)
            return -1;
        v->u.i = p[0];
        return 0;
    case PQR_CONV_I32:
        if (n != 4)
            return -1;
        v->u.i = (int32_t)sl_enc_get_u32le(p);
        return 0;
    case PQR_CONV_U32:
        if (n != 4)
            return -1;
        v->u.i = sl_enc_get_u32le(p);
        return 0;
    case PQR_CONV_I64:
    case PQR_CONV_TS_MILLIS:
    case PQR_CONV_TS_NANOS:
        if (n != 8)
            return -1;
        return sl_pqr_conv_i64(c->conv, (int64_t)sl_enc_get_u64le(p), &v->u.i);
    case PQR_CONV_INT96:
        return -1; /* INT96 has no defined sort order: its statistics mean nothing */
    case PQR_CONV_FLOAT: {
        if (n != 4)
            return -1;
        uint32_t u = sl_enc_get_u32le(p);
        float f;
        memcpy(&f, &u, 4);
        if (isnan(f))
            return -1;
        v->u.d = f;
        return 0;
    }
    case PQR_CONV_DOUBLE:
        if (n != 8)
            return -1;
        v->u.d = sl_enc_get_f64le(p);
        return isnan(v->u.d) ? -1 : 0;
    case PQR_CONV_BYTES:
        if (n > UINT32_MAX)
            return -1;
        v->u.s.p = (const char *)p;
        v->u.s.n = (uint32_t)n;
        return 0;
    case PQR_CONV_FIXED:
        if (n != (size_t)c->type_length)
            return -1;
        v->u.s.p = (const char *)p;
        v->u.s.n = (uint32_t)n;
        return 0;
    }
    return -1;
}
