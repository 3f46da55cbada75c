/*
 * encoding.h: Parquet's low-level value encodings shared by the writer and the
 * reader: the RLE/bit-packed hybrid (definition levels, dictionary indexes),
 * bit-packing, little-endian plain helpers, a short byte-string comparison and
 * INT96 timestamps.
 *
 * RLE/bit-packed hybrid (parquet-format Encodings.md): a sequence of runs, each
 * starting with a ULEB128 header h. h & 1 == 0: an RLE run of h >> 1 copies of
 * one value stored in ceil(bit_width / 8) little-endian bytes. h & 1 == 1: a
 * bit-packed run of (h >> 1) groups of 8 values, each group bit_width bytes,
 * values packed LSB first. Bit width 0 means every value is 0 (RLE runs carry no
 * value bytes). This module produces and consumes the bare run sequence; the
 * 4-byte length prefix of data page v1 levels, and the 1-byte bit-width prefix
 * of dictionary-index data, are the caller's (helpers below).
 *
 * Nothing here allocates except through the caller's sl_buf.
 */
#ifndef SL_PARQUET_ENCODING_H
#define SL_PARQUET_ENCODING_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/common.h"

/* Minimal bit width that can hold max_value (0 for 0, 1 for 1, 2 for 2..3, ...). */
int sl_enc_bit_width(uint32_t max_value);

/* ---- RLE/bit-packed hybrid encoder ----
 * Streaming: values are fed in any number of calls, then finish() flushes. Runs
 * of >= 8 equal values become RLE runs, the rest bit-packed groups of 8 (up to 63
 * groups per run; the final group is zero-padded). Plain struct for stack use;
 * members private. */
typedef struct sl_rle_enc {
    sl_buf *out;            /* borrowed; appended to */
    int bit_width;          /* 0..32 */
    uint32_t buffered[8];   /* values not yet written */
    int nbuffered;
    uint32_t prev;          /* last value seen */
    uint64_t repeat;        /* how many times prev has repeated (see encoding.c) */
    size_t bp_header_pos;   /* offset in out of the open bit-packed run's header, or SIZE_MAX */
    int bp_groups;          /* groups in the open bit-packed run */
    sl_err err;             /* first error, sticky */
} sl_rle_enc;

/* Starts a run sequence appended to `out` (borrowed). bit_width 0..32. */
void sl_rle_enc_init(sl_rle_enc *e, sl_buf *out, int bit_width);
/* Feeds n values (each must fit in bit_width bits; higher bits are dropped). */
void sl_rle_enc_put_u32(sl_rle_enc *e, const uint32_t *vals, size_t n);
void sl_rle_enc_put_u8(sl_rle_enc *e, const uint8_t *vals, size_t n);
void sl_rle_enc_put_u16(sl_rle_enc *e, const uint16_t *vals, size_t n);
/* Feeds `count` copies of one value (fast path for all-defined levels). */
void sl_rle_enc_put_repeat(sl_rle_enc *e, uint32_t v, uint64_t count);
/* Flushes everything buffered. SL_OK or the first error (SL_ERR_NOMEM). The
 * encoder may be re-initialised and reused afterwards. */
sl_err sl_rle_enc_finish(sl_rle_enc *e);

/* Convenience: appends to `out` the data page v1 form of definition (or
 * repetition) levels: a 4-byte little-endian length, then the run sequence of
 * the n levels at bit_width. */
sl_err sl_rle_encode_levels_v1(const uint8_t *levels, size_t n, int bit_width, sl_buf *out);

/* ---- RLE/bit-packed hybrid decoder ----
 * Bounds-checked: a run header that is truncated, an RLE value past the end, or
 * asking for more values than the data holds is SL_ERR_CORRUPT with a message.
 * A final bit-packed run whose declared groups extend past the end of the data
 * is accepted as long as the values actually read are present (some writers
 * truncate the padding). Plain struct for stack use; members private. */
typedef struct sl_rle_dec {
    const uint8_t *start, *p, *end; /* borrowed */
    int bit_width;
    uint64_t rle_left;       /* values left in the current RLE run */
    uint32_t rle_value;
    uint64_t bp_left;        /* values left in the current bit-packed run */
    const uint8_t *bp_data;  /* start of the current group data */
    uint64_t bp_pos;         /* value index inside the bit-packed run */
} sl_rle_dec;

/* Starts decoding `len` bytes (borrowed) of runs at bit_width 0..32.
 * SL_ERR_CORRUPT (bad bit width) is reported by the first get. */
void sl_rle_dec_init(sl_rle_dec *d, const void *data, size_t len, int bit_width);
/* Decodes exactly n values into out. SL_ERR_CORRUPT with a message if the runs
 * end before n values. */
sl_err sl_rle_dec_get_u32(sl_rle_dec *d, uint32_t *out, size_t n, char *errstr,
                          size_t errstr_size);
/* Same for bit widths <= 8 (levels); a wider width is SL_ERR_CORRUPT. */
sl_err sl_rle_dec_get_u8(sl_rle_dec *d, uint8_t *out, size_t n, char *errstr, size_t errstr_size);
/* Bytes consumed so far (up to the end of the last run header/data read). */
size_t sl_rle_dec_consumed(const sl_rle_dec *d);

/* Convenience for data page v1 levels: data starts with a 4-byte LE length L
 * (must fit in len - 4); decodes n levels from the L bytes and sets *used to
 * 4 + L. */
sl_err sl_rle_decode_levels_v1(const void *data, size_t len, int bit_width, uint8_t *levels,
                               size_t n, size_t *used, char *errstr, size_t errstr_size);

/* ---- bit-packing (LSB first, parquet order) ---- */
/* Packs 8 values of bit_width (0..32) bits into bit_width bytes at out. */
void sl_bitpack8(const uint32_t *vals, int bit_width, uint8_t *out);
/* Unpacks 8 values from bit_width bytes at in. */
void sl_bitunpack8(const uint8_t *in, int bit_width, uint32_t *vals);
/* PLAIN booleans: packs n bools (0/1 bytes) into ceil(n/8) bytes appended to out. */
sl_err sl_enc_bools_plain(const uint8_t *bools, size_t n, sl_buf *out);
/* Reads boolean number i of a bit-packed PLAIN boolean buffer (caller bounds-checks). */
static inline int sl_enc_bool_get(const uint8_t *bits, size_t i)
{
    return (bits[i >> 3] >> (i & 7)) & 1;
}

/* ---- little-endian helpers (PLAIN values) ---- */
static inline void sl_enc_put_u32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline uint32_t sl_enc_get_u32le(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void sl_enc_put_u64le(uint8_t *p, uint64_t v)
{
    sl_enc_put_u32le(p, (uint32_t)v);
    sl_enc_put_u32le(p + 4, (uint32_t)(v >> 32));
}
static inline uint64_t sl_enc_get_u64le(const uint8_t *p)
{
    return (uint64_t)sl_enc_get_u32le(p) | (uint64_t)sl_enc_get_u32le(p + 4) << 32;
}
static inline void sl_enc_put_f64le(uint8_t *p, double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    sl_enc_put_u64le(p, u);
}
static inline double sl_enc_get_f64le(const uint8_t *p)
{
    uint64_t u = sl_enc_get_u64le(p);
    double d;
    memcpy(&d, &u, 8);
    return d;
}

/* 1 when the n bytes at a and b are equal, 0 when not. For the writer's
 * dictionary, whose values are mostly short ids (24-36 bytes) found again and
 * again: word loads inline instead of a memcmp call each (tens of millions of
 * calls in a lander); values over 64 bytes go to memcmp. */
static inline int sl_enc_bytes_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint64_t x, y, d = 0;
    if (n > 64)
        return memcmp(a, b, n) == 0;
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            d |= x ^ y;
        }
        memcpy(&x, a + n - 8, 8); /* the last 8 bytes, overlapping the loop's */
        memcpy(&y, b + n - 8, 8);
        return (d | (x ^ y)) == 0;
    }
    if (n >= 4) {
        uint32_t x1, y1, x2, y2;
        memcpy(&x1, a, 4);
        memcpy(&y1, b, 4);
        memcpy(&x2, a + n - 4, 4);
        memcpy(&y2, b + n - 4, 4);
        return ((x1 ^ y1) | (x2 ^ y2)) == 0;
    }
    for (size_t i = 0; i < n; i++)
        d |= (uint64_t)(a[i] ^ b[i]);
    return d == 0;
}

/* ---- INT96 timestamps (legacy Impala/Hive) ----
 * 12 bytes: nanoseconds of the day (8 bytes LE) then the Julian day number
 * (4 bytes LE); Julian day 2440588 is 1970-01-01. */
#define SL_JULIAN_UNIX_EPOCH 2440588
void sl_enc_int96_from_micros(int64_t micros, uint8_t out[12]);
/* Converts back to microseconds since the Unix epoch (sub-microsecond nanos
 * are truncated toward negative infinity). SL_ERR_CORRUPT when the nanos of day
 * are >= 86400e9 or the result does not fit in int64. */
sl_err sl_enc_int96_to_micros(const uint8_t in[12], int64_t *micros);

#endif
