/* encoding.c: RLE/bit-packed hybrid encoder and decoder, bit-packing, PLAIN
 * booleans and INT96 conversion (contracts in encoding.h). */
#include "parquet/encoding.h"

#include "parquet/thrift.h"

int sl_enc_bit_width(uint32_t max_value)
{
    int w = 0;
    while (max_value) {
        w++;
        max_value >>= 1;
    }
    return w;
}

static uint32_t width_mask(int bw) { return bw >= 32 ? 0xffffffffu : ((1u << bw) - 1); }

/* ---------------------------------------------------------------- bit-packing */

void sl_bitpack8(const uint32_t *vals, int bw, uint8_t *out)
{
    uint32_t m = width_mask(bw);
    if (bw == 0)
        return;
    if (bw <= 8) {
        /* 8 values of <= 8 bits fit one 64-bit word */
        uint64_t acc = 0;
        for (int i = 0; i < 8; i++)
            acc |= (uint64_t)(vals[i] & m) << (i * bw);
        for (int i = 0; i < bw; i++)
            out[i] = (uint8_t)(acc >> (8 * i));
        return;
    }
    uint64_t acc = 0;
    int nbits = 0;
    for (int i = 0; i < 8; i++) {
        acc |= (uint64_t)(vals[i] & m) << nbits;
        nbits += bw;
        while (nbits >= 8) {
            *out++ = (uint8_t)acc;
            acc >>= 8;
            nbits -= 8;
        }
    }
}

void sl_bitunpack8(const uint8_t *in, int bw, uint32_t *vals)
{
    uint32_t m = width_mask(bw);
    if (bw == 0) {
        for (int i = 0; i < 8; i++)
            vals[i] = 0;
        return;
    }
    if (bw <= 8) {
        uint64_t acc = 0;
        for (int i = 0; i < bw; i++)
            acc |= (uint64_t)in[i] << (8 * i);
        for (int i = 0; i < 8; i++)
            vals[i] = (uint32_t)(acc >> (i * bw)) & m;
        return;
    }
    uint64_t acc = 0;
    int nbits = 0;
    for (int i = 0; i < 8; i++) {
        while (nbits < bw) {
            acc |= (uint64_t)*in++ << nbits;
            nbits += 8;
        }
        vals[i] = (uint32_t)acc & m;
        acc >>= bw;
        nbits -= bw;
    }
}

sl_err sl_enc_bools_plain(const uint8_t *bools, size_t n, sl_buf *out)
{
    size_t nbytes = (n + 7) / 8;
    if (sl_buf_reserve(out, nbytes) != SL_OK)
        return SL_ERR_NOMEM;
    uint8_t *o = out->data + out->len;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        *o++ = (uint8_t)((bools[i] & 1) | (bools[i + 1] & 1) << 1 | (bools[i + 2] & 1) << 2 |
                         (bools[i + 3] & 1) << 3 | (bools[i + 4] & 1) << 4 |
                         (bools[i + 5] & 1) << 5 | (bools[i + 6] & 1) << 6 |
                         (bools[i + 7] & 1) << 7);
    }
    if (i < n) {
        uint8_t b = 0;
        for (int k = 0; i < n; i++, k++)
            b |= (uint8_t)((bools[i] & 1) << k);
        *o++ = b;
    }
    out->len += nbytes;
    return SL_OK;
}

/* ---------------------------------------------------------------- RLE encoder */

/*
 * The run detection follows the scheme of parquet-mr's hybrid encoder: values
 * are buffered in groups of 8; `repeat` counts how often `prev` has occurred
 * since the last group boundary. When it reaches 8 the 7 buffered copies plus
 * the 8th become the start of an RLE run, which grows until another value
 * arrives. Otherwise each full group of 8 is appended to the open bit-packed
 * run, whose 1-byte header is patched when the run ends (at most 63 groups, so
 * the header always fits in one byte).
 */

void sl_rle_enc_init(sl_rle_enc *e, sl_buf *out, int bit_width)
{
    memset(e, 0, sizeof *e);
    e->out = out;
    e->bit_width = bit_width;
    e->bp_header_pos = SIZE_MAX;
    e->err = (bit_width < 0 || bit_width > 32) ? SL_ERR_INVALID : SL_OK;
}

static void rle_end_bp_run(sl_rle_enc *e)
{
    if (e->bp_header_pos == SIZE_MAX)
        return;
    e->out->data[e->bp_header_pos] = (uint8_t)(e->bp_groups << 1 | 1);
    e->bp_header_pos = SIZE_MAX;
    e->bp_groups = 0;
}

static void rle_write_rle_run(sl_rle_enc *e)
{
    rle_end_bp_run(e);
    if (e->err == SL_OK) {
        uint8_t tmp[16];
        size_t n = sl_thrift_uvarint_put(tmp, e->repeat << 1);
        uint32_t v = e->prev;
        for (int i = 0; i < (e->bit_width + 7) / 8; i++)
            tmp[n++] = (uint8_t)(v >> (8 * i));
        if (sl_buf_append(e->out, tmp, n) != SL_OK)
            e->err = SL_ERR_NOMEM;
    }
    e->repeat = 0;
    e->nbuffered = 0;
}

static void rle_write_bp_group(sl_rle_enc *e)
{
    if (e->bp_groups >= 63)
        rle_end_bp_run(e);
    if (e->err == SL_OK && sl_buf_reserve(e->out, 1 + (size_t)e->bit_width) != SL_OK)
        e->err = SL_ERR_NOMEM;
    if (e->err == SL_OK) {
        if (e->bp_header_pos == SIZE_MAX) {
            e->bp_header_pos = e->out->len;
            e->out->data[e->out->len++] = 0; /* patched by rle_end_bp_run */
        }
        sl_bitpack8(e->buffered, e->bit_width, e->out->data + e->out->len);
        e->out->len += (size_t)e->bit_width;
    }
    e->nbuffered = 0;
    e->repeat = 0;
    e->bp_groups++;
}

static inline void rle_put(sl_rle_enc *e, uint32_t v)
{
    if (v == e->prev) {
        if (++e->repeat >= 8)
            return;
    } else {
        if (e->repeat >= 8)
            rle_write_rle_run(e);
        e->repeat = 1;
        e->prev = v;
    }
    e->buffered[e->nbuffered++] = v;
    if (e->nbuffered == 8)
        rle_write_bp_group(e);
}

/* vals[i] of an array of `width`-byte unsigned values (1, 2 or 4). */
static inline uint32_t load_u(const void *vals, size_t i, int width)
{
    if (width == 1)
        return ((const uint8_t *)vals)[i];
    if (width == 2)
        return ((const uint16_t *)vals)[i];
    return ((const uint32_t *)vals)[i];
}

/* The body of sl_rle_enc_put_u8/u16/u32: n values of `width` bytes each. Inlined
 * into each with a constant width, so each gets its own plain loop. */
static inline __attribute__((always_inline)) void rle_put_n(sl_rle_enc *e, const void *vals, size_t n,
                                                            int width)
{
    uint32_t m = width_mask(e->bit_width);
    for (size_t i = 0; i < n; i++) {
        uint32_t v = load_u(vals, i, width) & m;
        if (v == e->prev && e->repeat >= 8) {
            /* inside an RLE run: count the rest of it at once */
            size_t j = i + 1;
            while (j < n && (load_u(vals, j, width) & m) == v)
                j++;
            e->repeat += j - i;
            i = j - 1;
            continue;
        }
        rle_put(e, v);
    }
}

void sl_rle_enc_put_u32(sl_rle_enc *e, const uint32_t *vals, size_t n) { rle_put_n(e, vals, n, 4); }

void sl_rle_enc_put_u16(sl_rle_enc *e, const uint16_t *vals, size_t n) { rle_put_n(e, vals, n, 2); }

void sl_rle_enc_put_u8(sl_rle_enc *e, const uint8_t *vals, size_t n) { rle_put_n(e, vals, n, 1); }

void sl_rle_enc_put_repeat(sl_rle_enc *e, uint32_t v, uint64_t count)
{
    v &= width_mask(e->bit_width);
    while (count > 0 && !(v == e->prev && e->repeat >= 8)) {
        rle_put(e, v);
        count--;
    }
    e->repeat += count;
}

sl_err sl_rle_enc_finish(sl_rle_enc *e)
{
    if (e->repeat >= 8) {
        rle_write_rle_run(e);
    } else if (e->nbuffered > 0) {
        for (int i = e->nbuffered; i < 8; i++)
            e->buffered[i] = 0;
        rle_write_bp_group(e);
        rle_end_bp_run(e);
    } else {
        rle_end_bp_run(e);
    }
    e->repeat = 0;
    e->prev = 0;
    return e->err;
}

sl_err sl_rle_encode_levels_v1(const uint8_t *levels, size_t n, int bit_width, sl_buf *out)
{
    sl_rle_enc e;
    size_t at = out->len;
    uint8_t zero[4] = {0, 0, 0, 0};
    if (sl_buf_append(out, zero, 4) != SL_OK)
        return SL_ERR_NOMEM;
    sl_rle_enc_init(&e, out, bit_width);
    sl_rle_enc_put_u8(&e, levels, n);
    sl_err err = sl_rle_enc_finish(&e);
    if (err != SL_OK) {
        out->len = at;
        return err;
    }
    size_t len = out->len - at - 4;
    if (len > UINT32_MAX) {
        out->len = at;
        return SL_ERR_INVALID;
    }
    sl_enc_put_u32le(out->data + at, (uint32_t)len);
    return SL_OK;
}

/* ---------------------------------------------------------------- RLE decoder */

void sl_rle_dec_init(sl_rle_dec *d, const void *data, size_t len, int bit_width)
{
    memset(d, 0, sizeof *d);
    d->start = d->p = data;
    d->end = d->p + len;
    d->bit_width = bit_width;
}

size_t sl_rle_dec_consumed(const sl_rle_dec *d) { return (size_t)(d->p - d->start); }

/* Reads the next run header. */
static sl_err rle_next_run(sl_rle_dec *d, char *errstr, size_t errstr_size)
{
    uint64_t h;
    size_t off = (size_t)(d->p - d->start);
    size_t n = sl_thrift_uvarint_get(d->p, d->end, &h);
    if (n == 0)
        return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                       "RLE/bit-packed data: %s run header at byte %zu",
                       d->p >= d->end ? "ran out of data before the" : "malformed", off);
    d->p += n;
    int bw = d->bit_width;
    if (h & 1) {
        uint64_t groups = h >> 1;
        if (groups > (UINT64_C(1) << 56)) /* keeps the products below from overflowing */
            groups = UINT64_C(1) << 56;
        size_t left = (size_t)(d->end - d->p);
        uint64_t avail = groups * 8;
        if (bw > 0) {
            uint64_t have = (uint64_t)left * 8 / (uint64_t)bw;
            if (have < avail)
                avail = have;
        }
        d->bp_data = d->p;
        d->bp_pos = 0;
        d->bp_left = avail;
        uint64_t bytes = groups * (uint64_t)bw;
        d->p = bytes < left ? d->p + bytes : d->end;
    } else {
        size_t vb = (size_t)(bw + 7) / 8;
        if ((size_t)(d->end - d->p) < vb)
            return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                           "RLE/bit-packed data: RLE run value at byte %zu is truncated",
                           (size_t)(d->p - d->start));
        uint32_t v = 0;
        for (size_t i = 0; i < vb; i++)
            v |= (uint32_t)d->p[i] << (8 * i);
        if (v & ~width_mask(bw))
            return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                           "RLE/bit-packed data: RLE value %u at byte %zu exceeds bit width %d", v,
                           (size_t)(d->p - d->start), bw);
        d->p += vb;
        d->rle_value = v;
        d->rle_left = h >> 1;
    }
    return SL_OK;
}

/* Extracts value number `pos` of the bit-packed run (caller checked pos < available). */
static inline uint32_t bp_get(const sl_rle_dec *d, uint64_t pos)
{
    int bw = d->bit_width;
    uint64_t bit = pos * (uint64_t)bw;
    const uint8_t *q = d->bp_data + (bit >> 3);
    int shift = (int)(bit & 7);
    int nbytes = (shift + bw + 7) / 8;
    uint64_t acc = 0;
    for (int i = 0; i < nbytes; i++)
        acc |= (uint64_t)q[i] << (8 * i);
    return (uint32_t)(acc >> shift) & width_mask(bw);
}

sl_err sl_rle_dec_get_u32(sl_rle_dec *d, uint32_t *out, size_t n, char *errstr,
                          size_t errstr_size)
{
    if (d->bit_width < 0 || d->bit_width > 32)
        return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                       "RLE/bit-packed data: bit width %d is not in 0..32", d->bit_width);
    size_t got = 0;
    while (got < n) {
        if (d->rle_left > 0) {
            size_t m = n - got;
            if (d->rle_left < m)
                m = (size_t)d->rle_left;
            for (size_t i = 0; i < m; i++)
                out[got + i] = d->rle_value;
            got += m;
            d->rle_left -= m;
        } else if (d->bp_left > 0) {
            size_t m = n - got;
            if (d->bp_left < m)
                m = (size_t)d->bp_left;
            size_t i = 0;
            /* whole groups straight through the unpacker */
            if ((d->bp_pos & 7) == 0 && d->bit_width > 0) {
                for (; i + 8 <= m; i += 8)
                    sl_bitunpack8(d->bp_data + (d->bp_pos + i) / 8 * (uint64_t)d->bit_width,
                                  d->bit_width, out + got + i);
            }
            for (; i < m; i++)
                out[got + i] = d->bit_width ? bp_get(d, d->bp_pos + i) : 0;
            d->bp_pos += m;
            d->bp_left -= m;
            got += m;
        } else {
            if (d->p >= d->end)
                return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                               "RLE/bit-packed data: %zu bytes hold only %zu of %zu values",
                               (size_t)(d->end - d->start), got, n);
            sl_err e = rle_next_run(d, errstr, errstr_size);
            if (e != SL_OK)
                return e;
        }
    }
    return SL_OK;
}

sl_err sl_rle_dec_get_u8(sl_rle_dec *d, uint8_t *out, size_t n, char *errstr, size_t errstr_size)
{
    uint32_t tmp[256];
    if (d->bit_width > 8)
        return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                       "RLE/bit-packed levels: bit width %d is more than 8", d->bit_width);
    while (n > 0) {
        if (d->rle_left > 0) { /* fast path: fill a run directly */
            size_t m = n < d->rle_left ? n : (size_t)d->rle_left;
            memset(out, (int)d->rle_value, m);
            d->rle_left -= m;
            out += m;
            n -= m;
            continue;
        }
        size_t m = n < 256 ? n : 256;
        sl_err e = sl_rle_dec_get_u32(d, tmp, m, errstr, errstr_size);
        if (e != SL_OK)
            return e;
        for (size_t i = 0; i < m; i++)
            out[i] = (uint8_t)tmp[i];
        out += m;
        n -= m;
    }
    return SL_OK;
}

sl_err sl_rle_decode_levels_v1(const void *data, size_t len, int bit_width, uint8_t *levels,
                               size_t n, size_t *used, char *errstr, size_t errstr_size)
{
    const uint8_t *p = data;
    if (len < 4)
        return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                       "levels: %zu bytes cannot hold the 4-byte length", len);
    uint32_t l = sl_enc_get_u32le(p);
    if (l > len - 4)
        return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                       "levels: length %u exceeds the %zu bytes left in the page", l, len - 4);
    sl_rle_dec d;
    sl_rle_dec_init(&d, p + 4, l, bit_width);
    sl_err e = sl_rle_dec_get_u8(&d, levels, n, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    *used = 4 + (size_t)l;
    return SL_OK;
}

/* ---------------------------------------------------------------- INT96 */

#define MICROS_PER_DAY INT64_C(86400000000)

void sl_enc_int96_from_micros(int64_t micros, uint8_t out[12])
{
    int64_t days = micros / MICROS_PER_DAY;
    int64_t rem = micros % MICROS_PER_DAY;
    if (rem < 0) {
        rem += MICROS_PER_DAY;
        days--;
    }
    sl_enc_put_u64le(out, (uint64_t)(rem * 1000));
    sl_enc_put_u32le(out + 8, (uint32_t)(int32_t)(days + SL_JULIAN_UNIX_EPOCH));
}

sl_err sl_enc_int96_to_micros(const uint8_t in[12], int64_t *micros)
{
    uint64_t nanos = sl_enc_get_u64le(in);
    int32_t julian = (int32_t)sl_enc_get_u32le(in + 8);
    if (nanos >= (uint64_t)MICROS_PER_DAY * 1000)
        return SL_ERR_CORRUPT;
    int64_t days = (int64_t)julian - SL_JULIAN_UNIX_EPOCH;
    int64_t us;
    if (__builtin_mul_overflow(days, MICROS_PER_DAY, &us) ||
        __builtin_add_overflow(us, (int64_t)(nanos / 1000), &us))
        return SL_ERR_CORRUPT;
    *micros = us;
    return SL_OK;
}
