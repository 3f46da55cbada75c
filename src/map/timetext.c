/* timetext.c: ISO 8601 and epoch-seconds text to microseconds, by hand (no
 * strptime, no time zone database, no double rounding). */
#include "map/map.h"

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY INT64_C(86400000000)

static inline int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Count days in 400-year eras starting on March 1st, so the leap day is
     * the last day of its "year" and month lengths follow a fixed pattern. */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                   /* 0..399 */
    int64_t mp = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9;          /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;              /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* 0..146096 */
    return era * 146097 + doe - 719468;
}

int64_t sl_map_days_from_civil(int64_t y, unsigned m, unsigned d) { return days_from_civil(y, m, d); }

int32_t sl_map_date_of_us(int64_t us)
{
    int64_t q = us / US_PER_DAY;
    if (us % US_PER_DAY < 0)
        q--;
    return (int32_t)q;
}

static int is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static unsigned days_in_month(int64_t y, unsigned m)
{
    static const unsigned dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Reads exactly `k` decimal digits at s[*i]; 0 or -1. */
static int digits(const char *s, size_t n, size_t *i, unsigned k, unsigned *out)
{
    unsigned v = 0;
    if (*i + k > n)
        return -1;
    for (unsigned j = 0; j < k; j++) {
        unsigned char c = (unsigned char)s[*i + j];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *i += k;
    *out = v;
    return 0;
}

/* Reads a fraction's digits at s[*i] (at least one): microseconds, digits past
 * the sixth dropped. */
static int fraction_us(const char *s, size_t n, size_t *i, int64_t *us)
{
    size_t start = *i;
    int64_t v = 0;
    unsigned k = 0;
    while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
        if (k < 6) {
            v = v * 10 + (s[*i] - '0');
            k++;
        }
        (*i)++;
    }
    if (*i == start)
        return -1;
    while (k < 6) {
        v *= 10;
        k++;
    }
    *us = v;
    return 0;
}

static int parse_iso(const char *s, size_t n, int64_t *us)
{
    size_t i = 0;
    unsigned y, mo, d, h = 0, mi = 0, se = 0;
    int64_t frac = 0, off_s = 0;
    if (digits(s, n, &i, 4, &y) || i >= n || s[i++] != '-' || digits(s, n, &i, 2, &mo) || i >= n ||
        s[i++] != '-' || digits(s, n, &i, 2, &d))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return -1;
    if (i < n) {
        if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
            return -1;
        i++;
        if (digits(s, n, &i, 2, &h) || i >= n || s[i++] != ':' || digits(s, n, &i, 2, &mi))
            return -1;
        if (i < n && s[i] == ':') {
            i++;
            if (digits(s, n, &i, 2, &se))
                return -1;
            if (i < n && (s[i] == '.' || s[i] == ',')) {
                i++;
                if (fraction_us(s, n, &i, &frac))
                    return -1;
            }
        }
        /* 60 is a leap second; it counts as the first second of the next minute. */
        if (h > 23 || mi > 59 || se > 60)
            return -1;
        if (i < n) {
            if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
                i++;
            } else if (s[i] == '+' || s[i] == '-') {
                int neg = s[i] == '-';
                unsigned oh, om = 0;
                i++;
                if (digits(s, n, &i, 2, &oh))
                    return -1;
                if (i < n && s[i] == ':')
                    i++;
                if (i < n && digits(s, n, &i, 2, &om))
                    return -1;
                if (oh > 23 || om > 59)
                    return -1;
                off_s = ((int64_t)oh * 3600 + om * 60) * (neg ? -1 : 1);
            } else {
                return -1;
            }
        }
        if (i != n)
            return -1;
    }
    int64_t days = days_from_civil(y, mo, d);
    int64_t secs = days * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + se - off_s;
    *us = secs * US_PER_SEC + frac;
    return 0;
}

static int parse_epoch(const char *s, size_t n, int64_t *us)
{
    size_t i = 0;
    int neg = 0;
    if (i < n && s[i] == '-') {
        neg = 1;
        i++;
    }
    size_t start = i;
    int64_t sec = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        /* 9223372036854 s is the largest whole second that fits in int64 microseconds. */
        if (sec > INT64_C(922337203685))
            return -1;
        sec = sec * 10 + (s[i] - '0');
        i++;
    }
    if (i == start)
        return -1;
    int64_t frac = 0;
    if (i < n && s[i] == '.') {
        i++;
        if (fraction_us(s, n, &i, &frac))
            return -1;
    }
    if (i != n)
        return -1;
    if (sec > INT64_C(9223372036853))
        return -1;
    int64_t v = sec * US_PER_SEC + frac;
    *us = neg ? -v : v;
    return 0;
}

int sl_map_parse_timestamp(const char *s, size_t n, int64_t *us)
{
    if (n >= 5 && s[4] == '-')
        return parse_iso(s, n, us);
    return parse_epoch(s, n, us);
}
