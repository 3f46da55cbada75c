/*
 * fuzz_thrift.c: libFuzzer target for the shared decoding layer of
 * src/parquet: the Thrift compact decoder (thrift.h), the RLE/bit-packed
 * hybrid decoder (encoding.h) and the size checks around decompression
 * (codec.h).
 *
 * The input is decoded three ways: as a Parquet FileMetaData walked field by
 * field with the pull decoder (typed reads of the fields parquet.thrift
 * defines, skip of everything else), as a generic tree, and by one skip of a
 * whole struct. None may crash or read out of bounds; the tree and the skip
 * must agree on whether the input is valid and on its length, and a successful
 * typed walk implies both. The tail of the input is also decoded as RLE runs,
 * and decompressed with each codec against a declared size taken from the
 * input (the result must be exactly that size or an error).
 * Seeds: fuzz/seeds/fuzz_thrift/ (footers and page headers of real files).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parquet/codec.h"
#include "parquet/encoding.h"
#include "parquet/thrift.h"

typedef struct walk {
    sl_thrift_dec d;
    char msg[256];
    uint64_t sink; /* folds decoded values so nothing is optimised away */
} walk;

typedef sl_err (*field_fn)(walk *w, int16_t fid, int type);

/* Reads the fields of one struct, calling fn for each; fn skips what it does not know. */
static sl_err walk_struct(walk *w, field_fn fn)
{
    sl_err e = sl_thrift_dec_struct_begin(&w->d);
    while (e == SL_OK) {
        int16_t fid;
        int type;
        e = sl_thrift_dec_field(&w->d, &fid, &type);
        if (e != SL_OK || type == SL_THRIFT_STOP)
            break;
        e = fn(w, fid, type);
    }
    return e;
}

static sl_err skip_field(walk *w, int16_t fid, int type)
{
    (void)fid;
    return sl_thrift_dec_skip(&w->d, type);
}

static sl_err read_int(walk *w, int type)
{
    if (type == SL_THRIFT_I32) {
        int32_t v;
        sl_err e = sl_thrift_dec_i32(&w->d, &v);
        w->sink += (uint64_t)v;
        return e;
    }
    if (type == SL_THRIFT_I64 || type == SL_THRIFT_I16) {
        int64_t v;
        sl_err e = sl_thrift_dec_i64(&w->d, &v);
        w->sink += (uint64_t)v;
        return e;
    }
    return sl_thrift_dec_skip(&w->d, type);
}

static sl_err read_binary(walk *w, int type)
{
    if (type != SL_THRIFT_BINARY)
        return sl_thrift_dec_skip(&w->d, type);
    const uint8_t *p;
    size_t n;
    sl_err e = sl_thrift_dec_binary(&w->d, &p, &n);
    if (e == SL_OK && n)
        w->sink += p[0] + p[n - 1] + n;
    return e;
}

/* A list whose elements are structs read by fn (or ints/binaries when fn is NULL). */
static sl_err read_list(walk *w, int type, field_fn fn)
{
    if (type != SL_THRIFT_LIST)
        return sl_thrift_dec_skip(&w->d, type);
    int et;
    uint32_t n;
    sl_err e = sl_thrift_dec_list(&w->d, &et, &n);
    for (uint32_t i = 0; e == SL_OK && i < n; i++) {
        if (et == SL_THRIFT_STRUCT && fn)
            e = walk_struct(w, fn);
        else if (et == SL_THRIFT_BINARY)
            e = read_binary(w, et);
        else if (et == SL_THRIFT_I32 || et == SL_THRIFT_I64 || et == SL_THRIFT_I16)
            e = read_int(w, et);
        else
            e = sl_thrift_dec_skip(&w->d, et);
    }
    return e;
}

static sl_err kv_field(walk *w, int16_t fid, int type)
{
    return (fid == 1 || fid == 2) ? read_binary(w, type) : sl_thrift_dec_skip(&w->d, type);
}

static sl_err timeunit_field(walk *w, int16_t fid, int type)
{
    (void)fid;
    return type == SL_THRIFT_STRUCT ? walk_struct(w, skip_field) : sl_thrift_dec_skip(&w->d, type);
}

static sl_err timestamp_field(walk *w, int16_t fid, int type)
{
    if (fid == 1 && type == SL_THRIFT_BOOL) {
        int v;
        sl_err e = sl_thrift_dec_bool(&w->d, &v);
        w->sink += (uint64_t)v;
        return e;
    }
    if (fid == 2 && type == SL_THRIFT_STRUCT)
        return walk_struct(w, timeunit_field);
    return sl_thrift_dec_skip(&w->d, type);
}

static sl_err logical_field(walk *w, int16_t fid, int type)
{
    if (type != SL_THRIFT_STRUCT)
        return sl_thrift_dec_skip(&w->d, type);
    return walk_struct(w, fid == SL_PQLT_TIMESTAMP ? timestamp_field : skip_field);
}

static sl_err schema_field(walk *w, int16_t fid, int type)
{
    switch (fid) {
    case 1: case 2: case 3: case 5: case 6: case 7: case 8: case 9:
        return read_int(w, type);
    case 4:
        return read_binary(w, type);
    case 10:
        return type == SL_THRIFT_STRUCT ? walk_struct(w, logical_field)
                                        : sl_thrift_dec_skip(&w->d, type);
    default:
        return sl_thrift_dec_skip(&w->d, type);
    }
}

static sl_err stats_field(walk *w, int16_t fid, int type)
{
    switch (fid) {
    case 1: case 2: case 5: case 6:
        return read_binary(w, type);
    case 3: case 4:
        return read_int(w, type);
    default:
        return sl_thrift_dec_skip(&w->d, type);
    }
}

static sl_err pes_field(walk *w, int16_t fid, int type)
{
    (void)fid;
    return read_int(w, type);
}

static sl_err colmeta_field(walk *w, int16_t fid, int type)
{
    switch (fid) {
    case 1: case 4: case 5: case 6: case 7: case 9: case 10: case 11:
        return read_int(w, type);
    case 2: case 3:
        return read_list(w, type, NULL);
    case 8:
        return read_list(w, type, kv_field);
    case 12:
        return type == SL_THRIFT_STRUCT ? walk_struct(w, stats_field)
                                        : sl_thrift_dec_skip(&w->d, type);
    case 13:
        return read_list(w, type, pes_field);
    default:
        return sl_thrift_dec_skip(&w->d, type);
    }
}

static sl_err chunk_field(walk *w, int16_t fid, int type)
{
    if (fid == 1)
        return read_binary(w, type);
    if (fid == 2)
        return read_int(w, type);
    if (fid == 3 && type == SL_THRIFT_STRUCT)
        return walk_struct(w, colmeta_field);
    return sl_thrift_dec_skip(&w->d, type);
}

static sl_err rowgroup_field(walk *w, int16_t fid, int type)
{
    if (fid == 1)
        return read_list(w, type, chunk_field);
    if (fid == 2 || fid == 3 || fid == 5 || fid == 6 || fid == 7)
        return read_int(w, type);
    return sl_thrift_dec_skip(&w->d, type);
}

static sl_err order_field(walk *w, int16_t fid, int type)
{
    (void)fid;
    return type == SL_THRIFT_STRUCT ? walk_struct(w, skip_field) : sl_thrift_dec_skip(&w->d, type);
}

static sl_err fmd_field(walk *w, int16_t fid, int type)
{
    switch (fid) {
    case 1: case 3:
        return read_int(w, type);
    case 2:
        return read_list(w, type, schema_field);
    case 4:
        return read_list(w, type, rowgroup_field);
    case 5:
        return read_list(w, type, kv_field);
    case 6:
        return read_binary(w, type);
    case 7:
        return read_list(w, type, order_field);
    default:
        return sl_thrift_dec_skip(&w->d, type);
    }
}

/* Visits every node of a tree through the public accessors. */
static uint64_t visit(const sl_thrift_tree *t, sl_thrift_ref r, int depth)
{
    uint64_t acc = 0;
    for (; r; r = sl_thrift_tree_next(t, r)) {
        int type = sl_thrift_tree_type(t, r);
        size_t n;
        acc += (uint64_t)sl_thrift_tree_fid(t, r) + (uint64_t)sl_thrift_tree_int(t, r);
        acc += sl_thrift_tree_binary(t, r, &n) ? n : 0;
        acc += (uint64_t)(sl_thrift_tree_double(t, r) != 0.0);
        if (type == SL_THRIFT_STRUCT || type == SL_THRIFT_LIST || type == SL_THRIFT_SET ||
            type == SL_THRIFT_MAP) {
            if (depth > SL_THRIFT_MAX_DEPTH + 2)
                abort(); /* the decoder's nesting limit was not enforced */
            acc += visit(t, sl_thrift_tree_first(t, r), depth + 1);
            acc += sl_thrift_tree_count(t, r);
            for (int16_t f = 1; f < 4 && type == SL_THRIFT_STRUCT; f++)
                acc += sl_thrift_tree_field(t, r, f) != 0;
        }
    }
    return acc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    uint64_t sink = 0; /* kept alive by the asm at the end */

    /* 1. generic tree */
    size_t used_tree = 0;
    sl_thrift_tree *t = sl_thrift_tree_parse(data, size, 0, &used_tree, err, sizeof err);
    if (t) {
        sl_thrift_ref root = sl_thrift_tree_root(t);
        sink += visit(t, root, 0);
        /* struct children are reached by field lookup */
        for (int16_t f = -2; f < 20; f++)
            sink += sl_thrift_tree_field(t, root, f);
    }

    /* 2. one skip of a whole struct */
    sl_thrift_dec d;
    sl_thrift_dec_init(&d, data, size, 0, err, sizeof err);
    sl_err se = sl_thrift_dec_skip(&d, SL_THRIFT_STRUCT);
    if ((t != NULL) != (se == SL_OK))
        abort();
    if (t && used_tree != sl_thrift_dec_consumed(&d))
        abort();

    /* 3. typed FileMetaData walk */
    walk w;
    memset(&w, 0, sizeof w);
    sl_thrift_dec_init(&w.d, data, size, 4, w.msg, sizeof w.msg);
    sl_err we = walk_struct(&w, fmd_field);
    /* (the generic decoders also count list nesting toward the depth limit, the
     * typed walk only structs, so only a nesting error may separate them) */
    if (we == SL_OK && t && sl_thrift_dec_consumed(&w.d) != used_tree)
        abort();
    if (we == SL_OK && !t && !strstr(err, "nesting"))
        abort();
    sink += w.sink;
    sl_thrift_tree_destroy(t);

    /* 4. RLE/bit-packed runs: first byte picks the bit width and the count */
    if (size >= 2) {
        int bw = data[0] % 34; /* 33 exercises the bad-width error */
        size_t n = (size_t)data[1] * 8 + (data[0] >> 6);
        uint32_t vals[2048 + 8];
        sl_rle_dec rd;
        sl_rle_dec_init(&rd, data + 2, size - 2, bw);
        if (sl_rle_dec_get_u32(&rd, vals, n, err, sizeof err) == SL_OK) {
            uint32_t mask = bw >= 32 ? 0xffffffffu : ((1u << (bw > 32 ? 0 : bw)) - 1);
            for (size_t i = 0; i < n; i++)
                if (vals[i] & ~mask)
                    abort(); /* a value wider than the bit width */
            sink += n ? vals[n - 1] : 0;
        }
        uint8_t lv[2048 + 8];
        size_t used;
        if (sl_rle_decode_levels_v1(data + 2, size - 2, bw & 7, lv, n, &used, err, sizeof err) ==
            SL_OK) {
            if (used > size - 2)
                abort();
            sink += n ? lv[0] : 0;
        }
    }
    /* 5. decompression: declared size from the first bytes, capped by a limit */
    if (size >= 3) {
        static const sl_pq_codec codecs[] = {SL_PQ_UNCOMPRESSED, SL_PQ_SNAPPY, SL_PQ_GZIP,
                                             SL_PQ_ZSTD};
        size_t declared = ((size_t)data[1] << 8 | data[2]) * 16;
        sl_codec *c = sl_codec_new();
        sl_buf out = {0};
        if (c) {
            sl_pq_codec k = codecs[data[0] & 3];
            sl_err e = sl_codec_decompress(c, k, data + 3, size - 3, declared, 1 << 20, &out,
                                           err, sizeof err);
            if (e == SL_OK && out.len != declared)
                abort();
            if (e != SL_OK && out.len != 0)
                abort(); /* a failed call must leave the buffer as it was */
            sink += out.len;
        }
        sl_buf_free(&out);
        sl_codec_destroy(c);
    }
    __asm__ volatile("" : : "g"(sink) : "memory");
    return 0;
}
