/*
 * util.h: small helpers shared by the SQL layer and the report (internal to src/sql/):
 * how timestamps, dates and doubles are written as text, a fast string hash, and a
 * UTF-8 display width. No allocation, no global state.
 */
#ifndef SL_SQL_UTIL_H
#define SL_SQL_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

/* Room for any text written by the formatters below, with its NUL. */
#define SL_SQL_FMT_MAX 48

/* Writes a timestamp (microseconds since 1970-01-01T00:00:00Z) as
 * "YYYY-MM-DD HH:MM:SS.ffffff" (UTC, always six fraction digits, the form sluice sql
 * shows). Years outside 0..9999 are written with as many digits as they need (and a
 * '-' before a negative year). out has room for SL_SQL_FMT_MAX bytes. Returns the length. */
size_t sl_sql_fmt_ts(int64_t us, char *out);

/* Writes a date (days since 1970-01-01) as "YYYY-MM-DD". Same rules. Returns the length. */
size_t sl_sql_fmt_date(int64_t days, char *out);

/* 1 when every value of a timestamp in [lo, hi] (microseconds) is written by
 * sl_sql_fmt_ts in the fixed-width form, so that text order equals time order;
 * the same for days with sl_sql_fmt_date. */
int sl_sql_ts_fixed_width(int64_t lo, int64_t hi);
int sl_sql_date_fixed_width(int64_t lo, int64_t hi);

/* Writes a double as the shortest decimal text that reads back as the same double
 * ("0.1", "3.3333333333333335", "1e+20"); integral values keep a ".0" ("1.0") so the
 * text still reads as a real number. Infinities are "Inf" / "-Inf", NaN "NaN".
 * Returns the length. */
size_t sl_sql_fmt_double(double d, char *out);

/* 64-bit hash of n bytes (not cryptographic; good spread for hash tables). */
uint64_t sl_sql_hash(const void *p, size_t n, uint64_t seed);

/* Final mix of a 64-bit value (for hashing integers). */
static inline uint64_t sl_sql_mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* Number of terminal columns the UTF-8 text p[0..n) takes: one per code point, two
 * for East Asian wide characters, none for combining marks; an invalid byte counts
 * one. */
size_t sl_sql_utf8_width(const char *p, size_t n);

/* Length of the valid UTF-8 sequence at p[0..n) (1..4; n >= 1), or 0 when the bytes
 * there are not one (overlong forms, surrogates and code points past U+10FFFF are
 * not valid). */
size_t sl_sql_utf8_seq(const unsigned char *p, size_t n);

/* Appends s[0..n) to b as a JSON string, quotes included: '"', '\\' and control
 * characters escaped, valid UTF-8 kept as is, each invalid byte written as U+FFFD.
 * SL_OK or SL_ERR_NOMEM. */
sl_err sl_sql_json_string(sl_buf *b, const char *s, size_t n);

#endif
