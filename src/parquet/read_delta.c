/*
 * read_delta.c: the reader's decoders for the encodings sluice's writer never
 * produces but other writers' "format v2" files use: DELTA_BINARY_PACKED (ints),
 * DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY (byte arrays), BYTE_STREAM_SPLIT
 * (floats, doubles, ints, fixed-length). Everything is bounds-checked against the
 * page bytes; errors say what was being read (read_internal.h for the contracts).
 */
#include "parquet/read_internal.h"
#include "parquet/thrift.h"

#include <stdio.h>
#include <string.h>

/* Limits on a DELTA_BINARY_PACKED header, far above what writers use (128 x 4). */
#define DELTA_MAX_BLOCK (1u << 16)
#define DELTA_MAX_MINIBLOCKS 1024

/* Reads an unsigned LEB128 varint at *pos. 0 ok, -1 truncated or overlong. */
static int get_uvarint(const uint8_t *p, size_t n, size_t *pos, uint64_t *v)
{
    size_t k = sl_thrift_uvarint_get(p + *pos, p + n, v);
    if (k == 0)
        return -1;
    *pos += k;
    return 0;
}

/* Value `i` of `width` bits (0..64) from a little-endian bit-packed run at p. The
 * caller has checked that the run's bytes are present. */
static uint64_t unpack_one(const uint8_t *p, size_t i, int width)
{
    uint64_t bit = (uint64_t)i * (uint64_t)width, v = 0;
    int got = 0;
    while (got < width) {
        unsigned off = (unsigned)(bit & 7);
        int take = 8 - (int)off < width - got ? 8 - (int)off : width - got;
        uint64_t bits = ((uint64_t)p[bit >> 3] >> off) & ((1u << take) - 1);
        v |= bits << got;
        got += take;
        bit += (uint64_t)take;
    }
    return v;
}

sl_err sl_pqr_delta_decode(const uint8_t *p, size_t n, size_t count, int64_t *out, size_t *used,
                           char *msg, size_t msgn)
{
    size_t pos = 0;
    uint64_t block, minis, total, first_z;
    if (get_uvarint(p, n, &pos, &block) || get_uvarint(p, n, &pos, &minis) ||
        get_uvarint(p, n, &pos, &total) || get_uvarint(p, n, &pos, &first_z))
        return sl_errf(SL_ERR_CORRUPT, msg, msgn, "DELTA_BINARY_PACKED header truncated");
    if (block == 0 || block % 128 != 0 || block > DELTA_MAX_BLOCK || minis == 0 ||
        minis > DELTA_MAX_MINIBLOCKS || block % minis != 0 || (block / minis) % 32 != 0)
        return sl_errf(SL_ERR_CORRUPT, msg, msgn,
                       "DELTA_BINARY_PACKED block of %llu values in %llu miniblocks is invalid",
                       (unsigned long long)block, (unsigned long long)minis);
    if (total < count)
        return sl_errf(SL_ERR_CORRUPT, msg, msgn,
                       "DELTA_BINARY_PACKED holds %llu values, the page needs %zu",
                       (unsigned long long)total, count);
    size_t per_mini = (size_t)(block / minis);
    uint64_t value = (first_z >> 1) ^ (0 - (first_z & 1)); /* zigzag, wrapping */
    size_t done = 0;
    if (count > 0)
        out[done++] = (int64_t)value;
    /* Blocks follow until `total` values are covered; we stop once `count` are read,
     * but must still skip to the end of the encoding for *used. */
    uint64_t left = total - 1; /* values after the first still encoded */
    while (left > 0) {
        uint64_t md_z;
        if (get_uvarint(p, n, &pos, &md_z))
            return sl_errf(SL_ERR_CORRUPT, msg, msgn, "DELTA_BINARY_PACKED block truncated");
        uint64_t min_delta = (md_z >> 1) ^ (0 - (md_z & 1));
        if (n - pos < minis)
            return sl_errf(SL_ERR_CORRUPT, msg, msgn,
                           "DELTA_BINARY_PACKED bit widths truncated");
        const uint8_t *widths = p + pos;
        pos += (size_t)minis;
        for (uint64_t m = 0; m < minis && left > 0; m++) {
            int w = widths[m];
            if (w > 64)
                return sl_errf(SL_ERR_CORRUPT, msg, msgn,
                               "DELTA_BINARY_PACKED bit width %d is invalid", w);
            size_t bytes = per_mini * (size_t)w / 8;
            if (n - pos < bytes)
                return sl_errf(SL_ERR_CORRUPT, msg, msgn,
                               "DELTA_BINARY_PACKED miniblock truncated (%zu bytes needed, "
                               "%zu left)", bytes, n - pos);
            size_t here = left < per_mini ? (size_t)left : per_mini;
            for (size_t i = 0; i < here && done < count; i++) {
                value += min_delta + unpack_one(p + pos, i, w);
                out[done++] = (int64_t)value;
            }
            left -= here;
            pos += bytes;
        }
    }
    *used = pos;
    return SL_OK;
}

sl_err sl_pqr_byte_stream_split(const uint8_t *p, size_t n, size_t count, size_t width,
                                uint8_t *out, char *msg, size_t msgn)
{
    if (width == 0 || count > n / width)
        return sl_errf(SL_ERR_CORRUPT, msg, msgn,
                       "BYTE_STREAM_SPLIT data truncated: %zu values of %zu bytes, page has %zu",
                       count, width, n);
    /* Stream k holds byte k of every value: `count` bytes each. */
    for (size_t i = 0; i < count; i++)
        for (size_t k = 0; k < width; k++)
            out[i * width + k] = p[k * count + i];
    return SL_OK;
}
