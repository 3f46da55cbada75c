/* util.c: text forms of timestamps, dates and doubles; a string hash; UTF-8 width. */
#include "sql/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US_PER_DAY 86400000000LL

/* Civil date of a day number (Howard Hinnant's days-to-civil algorithm). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    uint64_t doe = (uint64_t)(z - era * 146097);
    uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    uint64_t mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yy + (*m <= 2);
}

/* Floor division and modulo for the negative side of the epoch. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

size_t sl_sql_fmt_date(int64_t days, char *out)
{
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    int n = snprintf(out, SL_SQL_FMT_MAX, "%04lld-%02u-%02u", (long long)y, m, d);
    return n < 0 ? 0 : (size_t)n;
}

size_t sl_sql_fmt_ts(int64_t us, char *out)
{
    int64_t days = floor_div(us, US_PER_DAY);
    int64_t rem = us - days * US_PER_DAY; /* 0 .. US_PER_DAY-1 */
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    unsigned hh = (unsigned)(rem / 3600000000LL);
    rem %= 3600000000LL;
    unsigned mi = (unsigned)(rem / 60000000LL);
    rem %= 60000000LL;
    unsigned ss = (unsigned)(rem / 1000000LL);
    unsigned frac = (unsigned)(rem % 1000000LL);
    int n = snprintf(out, SL_SQL_FMT_MAX, "%04lld-%02u-%02u %02u:%02u:%02u.%06u", (long long)y, m, d,
                     hh, mi, ss, frac);
    return n < 0 ? 0 : (size_t)n;
}

/* Days of 0000-01-01 and of 9999-12-31. */
#define DAY_MIN (-719528LL)
#define DAY_MAX 2932896LL

int sl_sql_date_fixed_width(int64_t lo, int64_t hi)
{
    return lo >= DAY_MIN && hi <= DAY_MAX;
}

int sl_sql_ts_fixed_width(int64_t lo, int64_t hi)
{
    return floor_div(lo, US_PER_DAY) >= DAY_MIN && floor_div(hi, US_PER_DAY) <= DAY_MAX;
}

size_t sl_sql_fmt_double(double v, char *out)
{
    if (isnan(v)) {
        memcpy(out, "NaN", 4);
        return 3;
    }
    if (isinf(v)) {
        strcpy(out, v < 0 ? "-Inf" : "Inf");
        return v < 0 ? 4 : 3;
    }
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(out, SL_SQL_FMT_MAX, "%.*g", prec, v);
        if (prec == 17 || strtod(out, NULL) == v)
            break;
    }
    if (n < 0)
        return 0;
    if (!strpbrk(out, ".eEn")) { /* integral: keep it visibly real */
        out[n++] = '.';
        out[n++] = '0';
        out[n] = 0;
    }
    return (size_t)n;
}

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

uint64_t sl_sql_hash(const void *data, size_t n, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = seed ^ (0x9e3779b97f4a7c15ULL * (n + 1));
    while (n >= 8) {
        uint64_t v = load64(p) * 0x87c37b91114253d5ULL;
        v = (v << 31) | (v >> 33);
        h ^= v * 0x4cf5ad432745937fULL;
        h = ((h << 27) | (h >> 37)) * 5 + 0x52dce729;
        p += 8;
        n -= 8;
    }
    uint64_t t = 0;
    for (size_t i = 0; i < n; i++)
        t |= (uint64_t)p[i] << (8 * i);
    h ^= t * 0x87c37b91114253d5ULL;
    return sl_sql_mix64(h);
}

/* Terminal columns of one code point: 0 for combining marks, 2 for East Asian wide
 * and fullwidth forms and most emoji, else 1 (a compact subset of Unicode's
 * East_Asian_Width, enough for aligned tables). */
static size_t cp_width(unsigned cp)
{
    if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0xFE00 && cp <= 0xFE0F))
        return 0;
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0xA4CF) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
        (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
        (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD))
        return 2;
    return 1;
}

size_t sl_sql_utf8_width(const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t w = 0, i = 0;
    while (i < n) {
        size_t k = sl_sql_utf8_seq(u + i, n - i);
        if (k == 0) { /* an invalid byte: shown as one column */
            w++;
            i++;
            continue;
        }
        unsigned cp = k == 1 ? u[i] : (unsigned)(u[i] & (0xFFu >> (k + 1)));
        for (size_t j = 1; j < k; j++)
            cp = (cp << 6) | (u[i + j] & 0x3Fu);
        w += cp_width(cp);
        i += k;
    }
    return w;
}

size_t sl_sql_utf8_seq(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    unsigned cp = c & (0xFFu >> (len + 1));
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

sl_err sl_sql_json_string(sl_buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    if (sl_buf_append(b, "\"", 1) != SL_OK)
        return SL_ERR_NOMEM;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        sl_err e;
        size_t adv = 1;
        if (c == '"')
            e = sl_buf_append(b, "\\\"", 2);
        else if (c == '\\')
            e = sl_buf_append(b, "\\\\", 2);
        else if (c == '\n')
            e = sl_buf_append(b, "\\n", 2);
        else if (c == '\r')
            e = sl_buf_append(b, "\\r", 2);
        else if (c == '\t')
            e = sl_buf_append(b, "\\t", 2);
        else if (c < 0x20 || c == 0x7F)
            e = sl_buf_printf(b, "\\u%04x", c);
        else if (c < 0x80)
            e = sl_buf_append(b, p + i, 1);
        else {
            size_t k = sl_sql_utf8_seq(p + i, n - i);
            if (k) {
                e = sl_buf_append(b, p + i, k);
                adv = k;
            } else {
                e = sl_buf_append(b, "\\ufffd", 6);
            }
        }
        if (e != SL_OK)
            return e;
        i += adv;
    }
    return sl_buf_append(b, "\"", 1);
}

