/* codec.c: page compression and decompression with reusable library contexts
 * (contracts in codec.h), and the codec names of parquet.h.
 *
 * The zstd compression context lives in one workspace of our own, sized once
 * for the largest parameters of the level (ZSTD_estimateCCtxSize) and never
 * resized: a context that zstd manages itself is reallocated whenever the page
 * sizes, and so the table sizes zstd picks for them, change (it also shrinks a
 * workspace that stayed too large for a while), and every reallocation costs
 * fresh pages to fault in and zero. Parameters are still chosen per page from
 * the level and the page's size, exactly as ZSTD_compressCCtx does. */
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_initStaticCCtx, ZSTD_estimateCCtxSize */
#include "parquet/codec.h"

#include <limits.h>
#include <stdint.h>
#include <snappy-c.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>
#include <zstd.h>

struct sl_codec {
    ZSTD_CCtx *zc;  /* lives in zws (static context: not freed by ZSTD_freeCCtx) */
    void *zws;
    size_t zws_size;
    int zws_level;  /* the level zws was last checked for */
    ZSTD_DCtx *zd;
    z_stream def;   /* gzip deflate stream */
    int def_ready;
    int def_level;
    z_stream inf;   /* gzip/zlib inflate stream */
    int inf_ready;
};

int sl_pq_codec_parse(const char *name, sl_pq_codec *out)
{
    if (!name)
        return -1;
    if (!strcasecmp(name, "none") || !strcasecmp(name, "uncompressed"))
        *out = SL_PQ_UNCOMPRESSED;
    else if (!strcasecmp(name, "snappy"))
        *out = SL_PQ_SNAPPY;
    else if (!strcasecmp(name, "gzip"))
        *out = SL_PQ_GZIP;
    else if (!strcasecmp(name, "zstd"))
        *out = SL_PQ_ZSTD;
    else
        return -1;
    return 0;
}

const char *sl_pq_codec_name(sl_pq_codec c)
{
    switch (c) {
    case SL_PQ_UNCOMPRESSED: return "none";
    case SL_PQ_SNAPPY: return "snappy";
    case SL_PQ_GZIP: return "gzip";
    case SL_PQ_ZSTD: return "zstd";
    }
    return "unknown";
}

int sl_codec_supported(sl_pq_codec codec)
{
    return codec == SL_PQ_UNCOMPRESSED || codec == SL_PQ_SNAPPY || codec == SL_PQ_GZIP ||
           codec == SL_PQ_ZSTD;
}

sl_codec *sl_codec_new(void) { return calloc(1, sizeof(sl_codec)); }

void sl_codec_destroy(sl_codec *c)
{
    if (!c)
        return;
    free(c->zws); /* the static zstd context lives in it */
    ZSTD_freeDCtx(c->zd);
    if (c->def_ready)
        deflateEnd(&c->def);
    if (c->inf_ready)
        inflateEnd(&c->inf);
    free(c);
}

/* ---------------------------------------------------------------- compress */

/* Checks the level (0 = default) and returns the one to use, or -1. */
static int zstd_level(int level)
{
    if (level == 0)
        return 3;
    return (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel()) ? -1 : level;
}

/* Pages shorter than this are stored in a zstd frame as one raw (uncompressed)
 * block, without calling the compressor. zstd gains little or nothing on them
 * (its own output for inputs under 64 bytes is such a frame, 9 bytes longer),
 * and each call costs 1-5 us of table set-up: a lander with thousands of open
 * files (one per partition, table and day) writes hundreds of thousands of such
 * pages (docs/benchmarks/kafka.md). */
#define ZSTD_RAW_BELOW 128

/* Writes src[0..n) (n < 256) to dst as a complete zstd frame (RFC 8878): magic
 * number, a frame header with Single_Segment set and the one-byte content size,
 * and one last block of type Raw. Returns its size, n + 9; dst has room (it is
 * at least ZSTD_compressBound(n), checked by the caller). */
static size_t zstd_raw_frame(const void *src, size_t n, void *dst)
{
    uint8_t *d = dst;
    uint32_t block = 1u | (uint32_t)n << 3; /* Last_Block 1, Block_Type 0 (Raw), Block_Size n */
    d[0] = 0x28, d[1] = 0xB5, d[2] = 0x2F, d[3] = 0xFD; /* 0xFD2FB528, little-endian */
    d[4] = 0x20;                                        /* Single_Segment, no checksum, no dictionary */
    d[5] = (uint8_t)n;                                  /* Frame_Content_Size */
    d[6] = (uint8_t)block, d[7] = (uint8_t)(block >> 8), d[8] = (uint8_t)(block >> 16);
    if (n)
        memcpy(d + 9, src, n);
    return n + 9;
}

/* Makes c->zc a static context in a workspace big enough for `level` at any
 * input size (kept, and only ever replaced by a bigger one). SL_ERR_NOMEM when
 * out of memory. */
static sl_err zstd_ready(sl_codec *c, int level)
{
    if (c->zc && c->zws_level == level)
        return SL_OK;
    size_t need = ZSTD_estimateCCtxSize(level);
    if (c->zc && c->zws_size >= need) {
        c->zws_level = level;
        return SL_OK;
    }
    void *ws = malloc(need);
    if (!ws)
        return SL_ERR_NOMEM;
    ZSTD_CCtx *zc = ZSTD_initStaticCCtx(ws, need);
    if (!zc) {
        free(ws);
        return SL_ERR_NOMEM;
    }
    free(c->zws);
    c->zws = ws;
    c->zws_size = need;
    c->zws_level = level;
    c->zc = zc;
    return SL_OK;
}

/* Makes the deflate stream ready for a new gzip member at `level` (1..9). */
static sl_err gzip_ready(sl_codec *c, int level, char *errstr, size_t errstr_size)
{
    if (c->def_ready && c->def_level != level) {
        deflateEnd(&c->def);
        c->def_ready = 0;
    }
    if (!c->def_ready) {
        memset(&c->def, 0, sizeof c->def);
        /* windowBits 15 + 16: gzip header and trailer, as parquet-mr writes */
        if (deflateInit2(&c->def, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "gzip: cannot create a stream");
        c->def_ready = 1;
        c->def_level = level;
    } else if (deflateReset(&c->def) != Z_OK) {
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "gzip: cannot reset the stream");
    }
    return SL_OK;
}

/* Checks codec, level and size; sets *bound to the worst-case compressed size and
 * *lvl to the level to use. Readies the gzip stream. */
static sl_err compress_prepare(sl_codec *c, sl_pq_codec codec, int level, size_t n, size_t *bound,
                               int *lvl, char *errstr, size_t errstr_size)
{
    if (n > INT32_MAX)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "%s: %zu bytes is more than one page may hold", sl_pq_codec_name(codec), n);
    switch (codec) {
    case SL_PQ_UNCOMPRESSED:
        *bound = n;
        return SL_OK;
    case SL_PQ_SNAPPY:
        *bound = snappy_max_compressed_length(n);
        return SL_OK;
    case SL_PQ_GZIP:
        *lvl = level == 0 ? 6 : level;
        if (*lvl < 1 || *lvl > 9)
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "gzip: level %d is not in 1..9",
                           level);
        if (gzip_ready(c, *lvl, errstr, errstr_size) != SL_OK)
            return SL_ERR_NOMEM;
        *bound = deflateBound(&c->def, (uLong)n);
        return SL_OK;
    case SL_PQ_ZSTD:
        *lvl = zstd_level(level);
        if (*lvl < 0)
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "zstd: level %d is not in %d..%d",
                           level, ZSTD_minCLevel(), ZSTD_maxCLevel());
        if (zstd_ready(c, *lvl) != SL_OK)
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "zstd: cannot create a context");
        *bound = ZSTD_compressBound(n);
        return SL_OK;
    }
    return sl_errf(SL_ERR_UNSUPPORTED, errstr, errstr_size, "compression codec %d is not supported",
                   (int)codec);
}

sl_err sl_codec_bound(sl_codec *c, sl_pq_codec codec, int level, size_t n, size_t *bound,
                      char *errstr, size_t errstr_size)
{
    int lvl = 0;
    return compress_prepare(c, codec, level, n, bound, &lvl, errstr, errstr_size);
}

sl_err sl_codec_compress_into(sl_codec *c, sl_pq_codec codec, int level, const void *src,
                              size_t n, void *dst, size_t cap, size_t *out_len, char *errstr,
                              size_t errstr_size)
{
    size_t bound;
    int lvl = 0;
    sl_err e = compress_prepare(c, codec, level, n, &bound, &lvl, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    if (cap < bound)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "%s: output room %zu is below the bound %zu", sl_pq_codec_name(codec), cap,
                       bound);
    switch (codec) {
    case SL_PQ_UNCOMPRESSED:
        if (n)
            memcpy(dst, src, n);
        *out_len = n;
        return SL_OK;
    case SL_PQ_SNAPPY: {
        size_t out = cap;
        if (snappy_compress(src, n, dst, &out) != SNAPPY_OK)
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "snappy: compression failed");
        *out_len = out;
        return SL_OK;
    }
    case SL_PQ_GZIP: {
        size_t room = cap > UINT32_MAX ? UINT32_MAX : cap;
        c->def.next_in = (Bytef *)(uintptr_t)src;
        c->def.avail_in = (uInt)n;
        c->def.next_out = dst;
        c->def.avail_out = (uInt)room;
        int r = deflate(&c->def, Z_FINISH);
        if (r != Z_STREAM_END)
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "gzip: deflate failed (%d)", r);
        *out_len = room - c->def.avail_out;
        return SL_OK;
    }
    case SL_PQ_ZSTD: {
        if (n < ZSTD_RAW_BELOW) {
            *out_len = zstd_raw_frame(src, n, dst);
            return SL_OK;
        }
        size_t r = ZSTD_compressCCtx(c->zc, dst, cap, src, n, lvl);
        if (ZSTD_isError(r))
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "zstd: %s", ZSTD_getErrorName(r));
        *out_len = r;
        return SL_OK;
    }
    }
    return SL_ERR_UNSUPPORTED; /* unreachable: compress_prepare checked the codec */
}

sl_err sl_codec_compress(sl_codec *c, sl_pq_codec codec, int level, const void *src, size_t n,
                         sl_buf *dst, char *errstr, size_t errstr_size)
{
    size_t bound, out = 0;
    sl_err e = sl_codec_bound(c, codec, level, n, &bound, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    if (sl_buf_reserve(dst, bound) != SL_OK)
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "%s: no room for %zu bytes",
                       sl_pq_codec_name(codec), bound);
    e = sl_codec_compress_into(c, codec, level, src, n, dst->data + dst->len, bound, &out, errstr,
                               errstr_size);
    if (e == SL_OK)
        dst->len += out;
    return e;
}

/* ---------------------------------------------------------------- decompress */

static sl_err decompress_gzip(sl_codec *c, const uint8_t *src, size_t src_len, size_t want,
                              uint8_t *out, size_t out_cap, char *errstr, size_t errstr_size)
{
    if (src_len > UINT32_MAX || out_cap > UINT32_MAX)
        return sl_errf(SL_ERR_LIMIT, errstr, errstr_size, "gzip: page of %zu bytes is too big",
                       src_len);
    if (!c->inf_ready) {
        memset(&c->inf, 0, sizeof c->inf);
        /* windowBits 15 + 32: accept gzip or zlib framing */
        if (inflateInit2(&c->inf, 47) != Z_OK)
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "gzip: cannot create a stream");
        c->inf_ready = 1;
    } else if (inflateReset(&c->inf) != Z_OK) {
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "gzip: cannot reset the stream");
    }
    if (src_len == 0 && want == 0)
        return SL_OK;
    c->inf.next_in = (Bytef *)(uintptr_t)src;
    c->inf.avail_in = (uInt)src_len;
    c->inf.next_out = out;
    c->inf.avail_out = (uInt)out_cap;
    for (;;) {
        int r = inflate(&c->inf, Z_FINISH);
        if (r == Z_STREAM_END) {
            /* another gzip member may follow (concatenated streams are valid gzip) */
            if (c->inf.avail_in >= 2 && c->inf.next_in[0] == 0x1f && c->inf.next_in[1] == 0x8b) {
                if (inflateReset(&c->inf) != Z_OK)
                    return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "gzip: reset failed");
                continue;
            }
            if (c->inf.avail_in != 0)
                return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                               "gzip: %u bytes of trailing garbage after the data",
                               c->inf.avail_in);
            break;
        }
        if (r == Z_BUF_ERROR && c->inf.avail_out == 0)
            return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                           "gzip: data expands to more than the declared %zu bytes", want);
        return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size, "gzip: damaged data (%s)",
                       c->inf.msg ? c->inf.msg
                       : r == Z_BUF_ERROR ? "truncated" : "inflate error");
    }
    size_t got = out_cap - c->inf.avail_out;
    if (got != want)
        return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                       "gzip: data expands to %s%zu bytes, not the declared %zu",
                       got > want ? "more than " : "", got > want ? want : got, want);
    return SL_OK;
}

sl_err sl_codec_decompress(sl_codec *c, sl_pq_codec codec, const void *src, size_t src_len,
                           size_t uncompressed_size, size_t limit, sl_buf *dst, char *errstr,
                           size_t errstr_size)
{
    if (!sl_codec_supported(codec))
        return sl_errf(SL_ERR_UNSUPPORTED, errstr, errstr_size,
                       "compression codec %d is not supported", (int)codec);
    if (uncompressed_size > limit)
        return sl_errf(SL_ERR_LIMIT, errstr, errstr_size,
                       "%s: declared uncompressed size %zu exceeds the limit %zu",
                       sl_pq_codec_name(codec), uncompressed_size, limit);
    /* sl_buf_reserve leaves at least one spare byte, which gzip uses to detect
     * data that expands past the declared size */
    if (sl_buf_reserve(dst, uncompressed_size) != SL_OK)
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory (%zu bytes)",
                       uncompressed_size);
    uint8_t *out = dst->data + dst->len;
    size_t cap = dst->cap - dst->len;
    switch (codec) {
    case SL_PQ_UNCOMPRESSED:
        if (src_len != uncompressed_size)
            return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                           "uncompressed page holds %zu bytes, not the declared %zu", src_len,
                           uncompressed_size);
        if (src_len)
            memcpy(out, src, src_len);
        break;
    case SL_PQ_SNAPPY: {
        size_t n;
        if (snappy_uncompressed_length(src, src_len, &n) != SNAPPY_OK)
            return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size, "snappy: damaged length header");
        if (n != uncompressed_size)
            return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                           "snappy: data declares %zu bytes, page header %zu", n,
                           uncompressed_size);
        if (snappy_uncompress(src, src_len, (char *)out, &n) != SNAPPY_OK ||
            n != uncompressed_size)
            return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size, "snappy: damaged data");
        break;
    }
    case SL_PQ_ZSTD: {
        if (!c->zd && !(c->zd = ZSTD_createDCtx()))
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "zstd: cannot create a context");
        unsigned long long fcs = ZSTD_getFrameContentSize(src, src_len);
        if (fcs != ZSTD_CONTENTSIZE_UNKNOWN && fcs != ZSTD_CONTENTSIZE_ERROR &&
            fcs > uncompressed_size)
            return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                           "zstd: data declares %llu bytes, page header %zu", fcs,
                           uncompressed_size);
        size_t r = ZSTD_decompressDCtx(c->zd, out, uncompressed_size, src, src_len);
        if (ZSTD_isError(r))
            return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                           "zstd: %s (declared %zu bytes)", ZSTD_getErrorName(r),
                           uncompressed_size);
        if (r != uncompressed_size)
            return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                           "zstd: data expands to %zu bytes, not the declared %zu", r,
                           uncompressed_size);
        break;
    }
    case SL_PQ_GZIP: {
        sl_err e = decompress_gzip(c, src, src_len, uncompressed_size, out,
                                   cap > uncompressed_size ? uncompressed_size + 1 : cap, errstr,
                                   errstr_size);
        if (e != SL_OK)
            return e;
        break;
    }
    }
    dst->len += uncompressed_size;
    return SL_OK;
}
