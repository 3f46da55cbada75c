/* thrift.c: Thrift compact protocol encoder, bounds-checked pull decoder and a
 * generic tree decoder (see thrift.h for the wire format and contracts). */
#include "parquet/thrift.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- varints */

size_t sl_thrift_uvarint_put(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

size_t sl_thrift_uvarint_get(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
    uint64_t r = 0;
    for (size_t i = 0; i < 10; i++) {
        if (p + i >= end)
            return 0;
        uint8_t b = p[i];
        if (i == 9 && b > 1) /* bits beyond 64 */
            return 0;
        r |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *v = r;
            return i + 1;
        }
    }
    return 0;
}

static uint64_t zigzag64(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static int64_t unzigzag64(uint64_t u) { return (int64_t)(u >> 1) ^ -(int64_t)(u & 1); }

/* ---------------------------------------------------------------- encoder */

void sl_thrift_enc_init(sl_thrift_enc *e, sl_buf *out)
{
    memset(e, 0, sizeof *e);
    e->out = out;
    e->err = SL_OK;
}

static void enc_bytes(sl_thrift_enc *e, const void *p, size_t n)
{
    if (e->err != SL_OK)
        return;
    if (sl_buf_append(e->out, p, n) != SL_OK)
        e->err = SL_ERR_NOMEM;
}

static void enc_byte1(sl_thrift_enc *e, uint8_t b) { enc_bytes(e, &b, 1); }

static void enc_uvarint(sl_thrift_enc *e, uint64_t v)
{
    uint8_t tmp[10];
    enc_bytes(e, tmp, sl_thrift_uvarint_put(tmp, v));
}

/* Writes a field header of `type` for `fid` in the innermost struct. */
static void enc_field_header(sl_thrift_enc *e, int16_t fid, int type)
{
    if (e->err != SL_OK)
        return;
    if (e->depth == 0 || fid <= 0) {
        e->err = SL_ERR_INVALID;
        return;
    }
    int16_t *last = &e->last_fid[e->depth - 1];
    int delta = fid - *last;
    if (delta > 0 && delta <= 15) {
        enc_byte1(e, (uint8_t)(delta << 4 | type));
    } else {
        enc_byte1(e, (uint8_t)type);
        enc_uvarint(e, zigzag64(fid));
    }
    *last = fid;
}

void sl_thrift_enc_struct_begin(sl_thrift_enc *e, int16_t fid)
{
    if (e->err != SL_OK)
        return;
    if (fid != 0)
        enc_field_header(e, fid, SL_THRIFT_STRUCT);
    if (e->depth >= SL_THRIFT_MAX_DEPTH) {
        e->err = SL_ERR_INVALID;
        return;
    }
    e->last_fid[e->depth++] = 0;
}

void sl_thrift_enc_struct_end(sl_thrift_enc *e)
{
    if (e->err != SL_OK)
        return;
    if (e->depth == 0) {
        e->err = SL_ERR_INVALID;
        return;
    }
    enc_byte1(e, SL_THRIFT_STOP);
    e->depth--;
}

void sl_thrift_enc_bool(sl_thrift_enc *e, int v) { enc_byte1(e, v ? 1 : 2); }
void sl_thrift_enc_byte(sl_thrift_enc *e, int8_t v) { enc_byte1(e, (uint8_t)v); }
void sl_thrift_enc_i16(sl_thrift_enc *e, int16_t v) { enc_uvarint(e, zigzag64(v)); }
void sl_thrift_enc_i32(sl_thrift_enc *e, int32_t v) { enc_uvarint(e, zigzag64(v)); }
void sl_thrift_enc_i64(sl_thrift_enc *e, int64_t v) { enc_uvarint(e, zigzag64(v)); }

void sl_thrift_enc_double(sl_thrift_enc *e, double v)
{
    uint64_t u;
    uint8_t b[8];
    memcpy(&u, &v, 8);
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(u >> (8 * i));
    enc_bytes(e, b, 8);
}

void sl_thrift_enc_binary(sl_thrift_enc *e, const void *p, size_t n)
{
    if (n > INT32_MAX) {
        if (e->err == SL_OK)
            e->err = SL_ERR_INVALID;
        return;
    }
    enc_uvarint(e, n);
    enc_bytes(e, p, n);
}

void sl_thrift_enc_list(sl_thrift_enc *e, int elem_type, uint32_t count)
{
    if (count < 15) {
        enc_byte1(e, (uint8_t)(count << 4 | (uint32_t)elem_type));
    } else {
        enc_byte1(e, (uint8_t)(0xf0 | elem_type));
        enc_uvarint(e, count);
    }
}

void sl_thrift_enc_field_bool(sl_thrift_enc *e, int16_t fid, int v)
{
    enc_field_header(e, fid, v ? SL_THRIFT_BOOL_TRUE : SL_THRIFT_BOOL_FALSE);
}

void sl_thrift_enc_field_byte(sl_thrift_enc *e, int16_t fid, int8_t v)
{
    enc_field_header(e, fid, SL_THRIFT_BYTE);
    sl_thrift_enc_byte(e, v);
}

void sl_thrift_enc_field_i16(sl_thrift_enc *e, int16_t fid, int16_t v)
{
    enc_field_header(e, fid, SL_THRIFT_I16);
    sl_thrift_enc_i16(e, v);
}

void sl_thrift_enc_field_i32(sl_thrift_enc *e, int16_t fid, int32_t v)
{
    enc_field_header(e, fid, SL_THRIFT_I32);
    sl_thrift_enc_i32(e, v);
}

void sl_thrift_enc_field_i64(sl_thrift_enc *e, int16_t fid, int64_t v)
{
    enc_field_header(e, fid, SL_THRIFT_I64);
    sl_thrift_enc_i64(e, v);
}

void sl_thrift_enc_field_double(sl_thrift_enc *e, int16_t fid, double v)
{
    enc_field_header(e, fid, SL_THRIFT_DOUBLE);
    sl_thrift_enc_double(e, v);
}

void sl_thrift_enc_field_binary(sl_thrift_enc *e, int16_t fid, const void *p, size_t n)
{
    enc_field_header(e, fid, SL_THRIFT_BINARY);
    sl_thrift_enc_binary(e, p, n);
}

void sl_thrift_enc_field_list(sl_thrift_enc *e, int16_t fid, int elem_type, uint32_t count)
{
    enc_field_header(e, fid, SL_THRIFT_LIST);
    sl_thrift_enc_list(e, elem_type, count);
}

void sl_thrift_enc_field_map(sl_thrift_enc *e, int16_t fid, int key_type, int val_type,
                             uint32_t count)
{
    enc_field_header(e, fid, SL_THRIFT_MAP);
    enc_uvarint(e, count);
    if (count > 0)
        enc_byte1(e, (uint8_t)(key_type << 4 | val_type));
}

sl_err sl_thrift_enc_finish(const sl_thrift_enc *e)
{
    if (e->err != SL_OK)
        return e->err;
    return e->depth == 0 ? SL_OK : SL_ERR_INVALID;
}

/* ---------------------------------------------------------------- decoder */

void sl_thrift_dec_init(sl_thrift_dec *d, const void *data, size_t len, uint64_t base,
                        char *errstr, size_t errstr_size)
{
    memset(d, 0, sizeof *d);
    d->start = d->p = data;
    d->end = d->start + len;
    d->base = base;
    d->pending_bool = -1;
    d->errstr = errstr;
    d->errstr_size = errstr_size;
}

size_t sl_thrift_dec_consumed(const sl_thrift_dec *d) { return (size_t)(d->p - d->start); }

static unsigned long long dec_off(const sl_thrift_dec *d)
{
    return (unsigned long long)(d->base + (uint64_t)(d->p - d->start));
}

static sl_err dec_truncated(sl_thrift_dec *d, const char *what)
{
    return sl_errf(SL_ERR_CORRUPT, d->errstr, d->errstr_size,
                   "thrift: truncated or malformed %s at byte %llu", what, dec_off(d));
}

static sl_err dec_uvarint(sl_thrift_dec *d, uint64_t *v, const char *what)
{
    size_t n = sl_thrift_uvarint_get(d->p, d->end, v);
    if (n == 0)
        return dec_truncated(d, what);
    d->p += n;
    return SL_OK;
}

static int valid_type(int t) { return t >= SL_THRIFT_BOOL_TRUE && t <= SL_THRIFT_STRUCT; }

sl_err sl_thrift_dec_struct_begin(sl_thrift_dec *d)
{
    if (d->depth >= SL_THRIFT_MAX_DEPTH)
        return sl_errf(SL_ERR_CORRUPT, d->errstr, d->errstr_size,
                       "thrift: nesting deeper than %d at byte %llu", SL_THRIFT_MAX_DEPTH,
                       dec_off(d));
    d->last_fid[d->depth++] = 0;
    return SL_OK;
}

sl_err sl_thrift_dec_field(sl_thrift_dec *d, int16_t *fid, int *type)
{
    if (d->depth == 0)
        return sl_errf(SL_ERR_INVALID, d->errstr, d->errstr_size,
                       "thrift: field read outside a struct at byte %llu", dec_off(d));
    if (d->pending_bool >= 0)
        d->pending_bool = -1; /* an unread bool field: nothing to skip */
    if (d->p >= d->end)
        return dec_truncated(d, "field header");
    uint8_t b = *d->p;
    int t = b & 0x0f;
    if (t == SL_THRIFT_STOP) {
        if (b != 0)
            return sl_errf(SL_ERR_CORRUPT, d->errstr, d->errstr_size,
                           "thrift: bad STOP byte 0x%02x at byte %llu", b, dec_off(d));
        d->p++;
        d->depth--;
        *fid = 0;
        *type = SL_THRIFT_STOP;
        return SL_OK;
    }
    if (!valid_type(t))
        return sl_errf(SL_ERR_CORRUPT, d->errstr, d->errstr_size,
                       "thrift: unknown field type %d at byte %llu", t, dec_off(d));
    d->p++;
    int delta = b >> 4;
    int64_t id;
    if (delta) {
        id = (int64_t)d->last_fid[d->depth - 1] + delta;
    } else {
        uint64_t u;
        sl_err e = dec_uvarint(d, &u, "field id");
        if (e != SL_OK)
            return e;
        id = unzigzag64(u);
    }
    if (id < INT16_MIN || id > INT16_MAX)
        return sl_errf(SL_ERR_CORRUPT, d->errstr, d->errstr_size,
                       "thrift: field id %lld out of range at byte %llu", (long long)id,
                       dec_off(d));
    d->last_fid[d->depth - 1] = (int16_t)id;
    *fid = (int16_t)id;
    if (t == SL_THRIFT_BOOL_TRUE || t == SL_THRIFT_BOOL_FALSE) {
        d->pending_bool = (t == SL_THRIFT_BOOL_TRUE);
        t = SL_THRIFT_BOOL;
    }
    *type = t;
    return SL_OK;
}

sl_err sl_thrift_dec_bool(sl_thrift_dec *d, int *v)
{
    if (d->pending_bool >= 0) {
        *v = d->pending_bool;
        d->pending_bool = -1;
        return SL_OK;
    }
    if (d->p >= d->end)
        return dec_truncated(d, "bool");
    *v = (*d->p++ == 1);
    return SL_OK;
}

sl_err sl_thrift_dec_byte(sl_thrift_dec *d, int8_t *v)
{
    if (d->p >= d->end)
        return dec_truncated(d, "byte");
    *v = (int8_t)*d->p++;
    return SL_OK;
}

/* Reads a zigzag varint and checks it lies in [lo, hi]. */
static sl_err dec_zigzag(sl_thrift_dec *d, int64_t lo, int64_t hi, int64_t *v, const char *what)
{
    uint64_t u;
    const uint8_t *at = d->p;
    sl_err e = dec_uvarint(d, &u, what);
    if (e != SL_OK)
        return e;
    int64_t s = unzigzag64(u);
    if (s < lo || s > hi) {
        d->p = at;
        return sl_errf(SL_ERR_CORRUPT, d->errstr, d->errstr_size,
                       "thrift: %s value %lld out of range at byte %llu", what, (long long)s,
                       dec_off(d));
    }
    *v = s;
    return SL_OK;
}

sl_err sl_thrift_dec_i16(sl_thrift_dec *d, int16_t *v)
{
    int64_t s;
    sl_err e = dec_zigzag(d, INT16_MIN, INT16_MAX, &s, "i16");
    if (e == SL_OK)
        *v = (int16_t)s;
    return e;
}

sl_err sl_thrift_dec_i32(sl_thrift_dec *d, int32_t *v)
{
    int64_t s;
    sl_err e = dec_zigzag(d, INT32_MIN, INT32_MAX, &s, "i32");
    if (e == SL_OK)
        *v = (int32_t)s;
    return e;
}

sl_err sl_thrift_dec_i64(sl_thrift_dec *d, int64_t *v)
{
    return dec_zigzag(d, INT64_MIN, INT64_MAX, v, "i64");
}

sl_err sl_thrift_dec_double(sl_thrift_dec *d, double *v)
{
    if (d->end - d->p < 8)
        return dec_truncated(d, "double");
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u |= (uint64_t)d->p[i] << (8 * i);
    memcpy(v, &u, 8);
    d->p += 8;
    return SL_OK;
}

sl_err sl_thrift_dec_binary(sl_thrift_dec *d, const uint8_t **p, size_t *n)
{
    uint64_t len;
    const uint8_t *at = d->p;
    sl_err e = dec_uvarint(d, &len, "binary length");
    if (e != SL_OK)
        return e;
    if (len > (uint64_t)(d->end - d->p)) {
        d->p = at;
        return sl_errf(SL_ERR_CORRUPT, d->errstr, d->errstr_size,
                       "thrift: binary of %llu bytes at byte %llu runs past the end (%llu left)",
                       (unsigned long long)len, dec_off(d), (unsigned long long)(d->end - at));
    }
    *p = d->p;
    *n = (size_t)len;
    d->p += len;
    return SL_OK;
}

/* Checks that `count` elements of at least `min_each` bytes can fit in what is left. */
static sl_err dec_check_count(sl_thrift_dec *d, uint64_t count, uint64_t min_each,
                              const char *what)
{
    uint64_t left = (uint64_t)(d->end - d->p);
    if (count > UINT32_MAX || count > left / min_each)
        return sl_errf(SL_ERR_CORRUPT, d->errstr, d->errstr_size,
                       "thrift: %s of %llu elements at byte %llu cannot fit in %llu bytes", what,
                       (unsigned long long)count, dec_off(d), (unsigned long long)left);
    return SL_OK;
}

sl_err sl_thrift_dec_list(sl_thrift_dec *d, int *elem_type, uint32_t *count)
{
    if (d->p >= d->end)
        return dec_truncated(d, "list header");
    uint8_t b = *d->p;
    int t = b & 0x0f;
    if (!valid_type(t))
        return sl_errf(SL_ERR_CORRUPT, d->errstr, d->errstr_size,
                       "thrift: unknown list element type %d at byte %llu", t, dec_off(d));
    d->p++;
    uint64_t n = b >> 4;
    if (n == 15) {
        sl_err e = dec_uvarint(d, &n, "list size");
        if (e != SL_OK)
            return e;
    }
    sl_err e = dec_check_count(d, n, 1, "list");
    if (e != SL_OK)
        return e;
    *elem_type = (t == SL_THRIFT_BOOL_FALSE) ? SL_THRIFT_BOOL : t;
    *count = (uint32_t)n;
    return SL_OK;
}

sl_err sl_thrift_dec_map(sl_thrift_dec *d, int *key_type, int *val_type, uint32_t *count)
{
    uint64_t n;
    sl_err e = dec_uvarint(d, &n, "map size");
    if (e != SL_OK)
        return e;
    if (n == 0) {
        *key_type = *val_type = 0;
        *count = 0;
        return SL_OK;
    }
    if (d->p >= d->end)
        return dec_truncated(d, "map types");
    uint8_t b = *d->p;
    int kt = b >> 4, vt = b & 0x0f;
    if (!valid_type(kt) || !valid_type(vt))
        return sl_errf(SL_ERR_CORRUPT, d->errstr, d->errstr_size,
                       "thrift: bad map types 0x%02x at byte %llu", b, dec_off(d));
    d->p++;
    e = dec_check_count(d, n, 2, "map");
    if (e != SL_OK)
        return e;
    *key_type = kt == SL_THRIFT_BOOL_FALSE ? SL_THRIFT_BOOL : kt;
    *val_type = vt == SL_THRIFT_BOOL_FALSE ? SL_THRIFT_BOOL : vt;
    *count = (uint32_t)n;
    return SL_OK;
}

/* Skips one value; `nest` counts list/map nesting levels entered by skip itself
 * (structs count through d->depth). */
static sl_err dec_skip(sl_thrift_dec *d, int type, int nest)
{
    sl_err e;
    if (nest + d->depth > SL_THRIFT_MAX_DEPTH)
        return sl_errf(SL_ERR_CORRUPT, d->errstr, d->errstr_size,
                       "thrift: nesting deeper than %d at byte %llu", SL_THRIFT_MAX_DEPTH,
                       dec_off(d));
    switch (type) {
    case SL_THRIFT_BOOL_TRUE:
    case SL_THRIFT_BOOL_FALSE: {
        int v;
        return sl_thrift_dec_bool(d, &v);
    }
    case SL_THRIFT_BYTE: {
        int8_t v;
        return sl_thrift_dec_byte(d, &v);
    }
    case SL_THRIFT_I16:
    case SL_THRIFT_I32:
    case SL_THRIFT_I64: {
        uint64_t u;
        return dec_uvarint(d, &u, "integer");
    }
    case SL_THRIFT_DOUBLE: {
        double v;
        return sl_thrift_dec_double(d, &v);
    }
    case SL_THRIFT_BINARY: {
        const uint8_t *p;
        size_t n;
        return sl_thrift_dec_binary(d, &p, &n);
    }
    case SL_THRIFT_LIST:
    case SL_THRIFT_SET: {
        int et;
        uint32_t n;
        e = sl_thrift_dec_list(d, &et, &n);
        for (uint32_t i = 0; e == SL_OK && i < n; i++)
            e = dec_skip(d, et, nest + 1);
        return e;
    }
    case SL_THRIFT_MAP: {
        int kt, vt;
        uint32_t n;
        e = sl_thrift_dec_map(d, &kt, &vt, &n);
        for (uint32_t i = 0; e == SL_OK && i < n; i++) {
            e = dec_skip(d, kt, nest + 1);
            if (e == SL_OK)
                e = dec_skip(d, vt, nest + 1);
        }
        return e;
    }
    case SL_THRIFT_STRUCT: {
        e = sl_thrift_dec_struct_begin(d);
        int depth = d->depth;
        while (e == SL_OK && d->depth == depth) {
            int16_t fid;
            int t;
            e = sl_thrift_dec_field(d, &fid, &t);
            if (e == SL_OK && t != SL_THRIFT_STOP)
                e = dec_skip(d, t, nest);
        }
        return e;
    }
    default:
        return sl_errf(SL_ERR_CORRUPT, d->errstr, d->errstr_size,
                       "thrift: cannot skip unknown type %d at byte %llu", type, dec_off(d));
    }
}

sl_err sl_thrift_dec_skip(sl_thrift_dec *d, int type) { return dec_skip(d, type, 0); }

/* ---------------------------------------------------------------- tree */

typedef struct tnode {
    int16_t fid;
    uint8_t type;
    uint32_t next;   /* sibling index, 0 = none */
    uint32_t child;  /* first child (struct/list/map), 0 = none */
    uint32_t count;  /* children */
    union {
        int64_t i;
        double d;
        struct { const uint8_t *p; size_t n; } bin;
    } v;
} tnode;

struct sl_thrift_tree {
    tnode *nodes; /* index 0 unused */
    uint32_t len, cap, max;
};

static sl_err tree_add(sl_thrift_tree *t, sl_thrift_dec *d, uint32_t *idx)
{
    if (t->len >= t->max)
        return sl_errf(SL_ERR_LIMIT, d->errstr, d->errstr_size,
                       "thrift: more than %u values at byte %llu", t->max, dec_off(d));
    if (t->len == t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 64;
        tnode *n = realloc(t->nodes, (size_t)cap * sizeof *n);
        if (!n)
            return sl_errf(SL_ERR_NOMEM, d->errstr, d->errstr_size, "thrift: out of memory");
        t->nodes = n;
        t->cap = cap;
    }
    memset(&t->nodes[t->len], 0, sizeof t->nodes[0]);
    *idx = t->len++;
    return SL_OK;
}

static sl_err tree_value(sl_thrift_tree *t, sl_thrift_dec *d, int type, int16_t fid, int nest,
                         uint32_t *out);

/* Decodes `n` elements of `type` (a list) or n key/value pairs (a map: kt, vt)
 * as children of node idx. */
static sl_err tree_children(sl_thrift_tree *t, sl_thrift_dec *d, uint32_t idx, uint32_t n,
                            int kt, int vt, int nest)
{
    uint32_t prev = 0;
    uint64_t total = vt ? (uint64_t)n * 2 : n;
    if (total > t->max)
        return sl_errf(SL_ERR_LIMIT, d->errstr, d->errstr_size,
                       "thrift: more than %u values at byte %llu", t->max, dec_off(d));
    for (uint64_t i = 0; i < total; i++) {
        uint32_t c;
        int ty = (vt && (i & 1)) ? vt : kt;
        sl_err e = tree_value(t, d, ty, 0, nest + 1, &c);
        if (e != SL_OK)
            return e;
        if (prev)
            t->nodes[prev].next = c;
        else
            t->nodes[idx].child = c;
        prev = c;
    }
    t->nodes[idx].count = (uint32_t)total;
    return SL_OK;
}

static sl_err tree_value(sl_thrift_tree *t, sl_thrift_dec *d, int type, int16_t fid, int nest,
                         uint32_t *out)
{
    uint32_t idx;
    sl_err e;
    if (nest + d->depth > SL_THRIFT_MAX_DEPTH)
        return sl_errf(SL_ERR_CORRUPT, d->errstr, d->errstr_size,
                       "thrift: nesting deeper than %d at byte %llu", SL_THRIFT_MAX_DEPTH,
                       dec_off(d));
    e = tree_add(t, d, &idx);
    if (e != SL_OK)
        return e;
    *out = idx;
    t->nodes[idx].fid = fid;
    t->nodes[idx].type = (uint8_t)(type == SL_THRIFT_BOOL_FALSE ? SL_THRIFT_BOOL : type);
    switch (type) {
    case SL_THRIFT_BOOL_TRUE:
    case SL_THRIFT_BOOL_FALSE: {
        int v;
        e = sl_thrift_dec_bool(d, &v);
        t->nodes[idx].v.i = v;
        return e;
    }
    case SL_THRIFT_BYTE: {
        int8_t v = 0;
        e = sl_thrift_dec_byte(d, &v);
        t->nodes[idx].v.i = v;
        return e;
    }
    case SL_THRIFT_I16:
    case SL_THRIFT_I32:
    case SL_THRIFT_I64: {
        int64_t v = 0;
        e = sl_thrift_dec_i64(d, &v);
        t->nodes[idx].v.i = v;
        return e;
    }
    case SL_THRIFT_DOUBLE: {
        double v = 0;
        e = sl_thrift_dec_double(d, &v);
        t->nodes[idx].v.d = v;
        return e;
    }
    case SL_THRIFT_BINARY: {
        const uint8_t *p = NULL;
        size_t n = 0;
        e = sl_thrift_dec_binary(d, &p, &n);
        t->nodes[idx].v.bin.p = p;
        t->nodes[idx].v.bin.n = n;
        return e;
    }
    case SL_THRIFT_LIST:
    case SL_THRIFT_SET: {
        int et;
        uint32_t n;
        e = sl_thrift_dec_list(d, &et, &n);
        if (e != SL_OK)
            return e;
        return tree_children(t, d, idx, n, et, 0, nest);
    }
    case SL_THRIFT_MAP: {
        int kt, vt;
        uint32_t n;
        e = sl_thrift_dec_map(d, &kt, &vt, &n);
        if (e != SL_OK)
            return e;
        return tree_children(t, d, idx, n, kt, vt, nest);
    }
    case SL_THRIFT_STRUCT: {
        e = sl_thrift_dec_struct_begin(d);
        if (e != SL_OK)
            return e;
        uint32_t prev = 0, count = 0;
        for (;;) {
            int16_t f;
            int ft;
            uint32_t c;
            e = sl_thrift_dec_field(d, &f, &ft);
            if (e != SL_OK)
                return e;
            if (ft == SL_THRIFT_STOP)
                break;
            e = tree_value(t, d, ft, f, nest, &c);
            if (e != SL_OK)
                return e;
            if (prev)
                t->nodes[prev].next = c;
            else
                t->nodes[idx].child = c;
            prev = c;
            count++;
        }
        t->nodes[idx].count = count;
        return SL_OK;
    }
    default:
        return sl_errf(SL_ERR_CORRUPT, d->errstr, d->errstr_size,
                       "thrift: unknown type %d at byte %llu", type, dec_off(d));
    }
}

sl_thrift_tree *sl_thrift_tree_parse(const void *data, size_t len, size_t max_nodes,
                                     size_t *consumed, char *errstr, size_t errstr_size)
{
    sl_thrift_dec d;
    uint32_t root;
    sl_thrift_tree *t = calloc(1, sizeof *t);
    if (!t) {
        sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "thrift: out of memory");
        return NULL;
    }
    t->max = (max_nodes == 0 || max_nodes > UINT32_MAX - 1) ? (1u << 22) : (uint32_t)max_nodes;
    t->max += 1; /* index 0 is reserved */
    sl_thrift_dec_init(&d, data, len, 0, errstr, errstr_size);
    t->len = 0;
    if (tree_add(t, &d, &root) != SL_OK) /* reserve index 0 */
        goto err;
    if (tree_value(t, &d, SL_THRIFT_STRUCT, 0, 0, &root) != SL_OK)
        goto err;
    if (consumed)
        *consumed = sl_thrift_dec_consumed(&d);
    return t;
err:
    sl_thrift_tree_destroy(t);
    return NULL;
}

void sl_thrift_tree_destroy(sl_thrift_tree *t)
{
    if (!t)
        return;
    free(t->nodes);
    free(t);
}

static const tnode *tget(const sl_thrift_tree *t, sl_thrift_ref r)
{
    return (r == 0 || r >= t->len) ? NULL : &t->nodes[r];
}

sl_thrift_ref sl_thrift_tree_root(const sl_thrift_tree *t) { return t->len > 1 ? 1 : 0; }

int sl_thrift_tree_type(const sl_thrift_tree *t, sl_thrift_ref r)
{
    const tnode *n = tget(t, r);
    return n ? n->type : 0;
}

sl_thrift_ref sl_thrift_tree_field(const sl_thrift_tree *t, sl_thrift_ref r, int16_t fid)
{
    const tnode *n = tget(t, r);
    if (!n || n->type != SL_THRIFT_STRUCT)
        return 0;
    for (uint32_t c = n->child; c; c = t->nodes[c].next)
        if (t->nodes[c].fid == fid)
            return c;
    return 0;
}

uint32_t sl_thrift_tree_count(const sl_thrift_tree *t, sl_thrift_ref r)
{
    const tnode *n = tget(t, r);
    if (!n || (n->type != SL_THRIFT_LIST && n->type != SL_THRIFT_SET && n->type != SL_THRIFT_MAP))
        return 0;
    return n->count;
}

sl_thrift_ref sl_thrift_tree_item(const sl_thrift_tree *t, sl_thrift_ref r, uint32_t i)
{
    if (i >= sl_thrift_tree_count(t, r))
        return 0;
    uint32_t c = t->nodes[r].child;
    while (i-- > 0 && c)
        c = t->nodes[c].next;
    return c;
}

sl_thrift_ref sl_thrift_tree_first(const sl_thrift_tree *t, sl_thrift_ref r)
{
    const tnode *n = tget(t, r);
    return n ? n->child : 0;
}

sl_thrift_ref sl_thrift_tree_next(const sl_thrift_tree *t, sl_thrift_ref r)
{
    const tnode *n = tget(t, r);
    return n ? n->next : 0;
}

int16_t sl_thrift_tree_fid(const sl_thrift_tree *t, sl_thrift_ref r)
{
    const tnode *n = tget(t, r);
    return n ? n->fid : 0;
}

int64_t sl_thrift_tree_int(const sl_thrift_tree *t, sl_thrift_ref r)
{
    const tnode *n = tget(t, r);
    if (!n)
        return 0;
    switch (n->type) {
    case SL_THRIFT_BOOL:
    case SL_THRIFT_BYTE:
    case SL_THRIFT_I16:
    case SL_THRIFT_I32:
    case SL_THRIFT_I64:
        return n->v.i;
    default:
        return 0;
    }
}

double sl_thrift_tree_double(const sl_thrift_tree *t, sl_thrift_ref r)
{
    const tnode *n = tget(t, r);
    return (n && n->type == SL_THRIFT_DOUBLE) ? n->v.d : 0.0;
}

const uint8_t *sl_thrift_tree_binary(const sl_thrift_tree *t, sl_thrift_ref r, size_t *n)
{
    const tnode *x = tget(t, r);
    if (!x || x->type != SL_THRIFT_BINARY) {
        *n = 0;
        return NULL;
    }
    *n = x->v.bin.n;
    return x->v.bin.p;
}
