/* cmd_inspect.c: `sluice inspect FILE.parquet`: a Parquet file's schema, metadata,
 * row groups with per-column codec, encodings, sizes and statistics (as text or
 * JSON), and optionally its first rows as JSON lines. Reads through the Parquet
 * reader (src/parquet/parquet.h), so it also shows what sluice can read. */
#include "cli/cli.h"
#include "common/common.h"
#include "common/types.h"
#include "parquet/parquet.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CMD "inspect"
#define HUMAN_VALUE_MAX 40 /* bytes of a string/binary shown in the text listing */
#define HUMAN_KV_MAX 100   /* bytes of a key/value metadata entry shown in the text listing */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: sluice inspect [--json] [--rows N] FILE.parquet\n"
            "\n"
            "Shows a Parquet file: created_by, key/value metadata, row count, the schema\n"
            "(name, sluice type, required/optional, physical and logical type) and every row\n"
            "group with, per column: codec, encodings, compressed and uncompressed bytes,\n"
            "values, null count, min and max (in this text listing, strings and binaries\n"
            "are cut after 40 bytes, marked '...').\n"
            "\n"
            "Reads flat Parquet files from any writer (sluice, Spark, DuckDB, arrow...):\n"
            "data pages v1 and v2; PLAIN, dictionary, RLE, DELTA_* and BYTE_STREAM_SPLIT\n"
            "encodings; uncompressed, snappy, gzip and zstd. Nested or repeated columns,\n"
            "DECIMAL, unsigned 64-bit integers and other codecs are reported as unsupported.\n"
            "\n"
            "Options:\n"
            "  --json       print the metadata as one JSON object instead of text\n"
            "  --rows N     print the first N rows as JSON lines (one object per row, keys in\n"
            "               column order) instead of the metadata; with --json, after it.\n"
            "               Timestamps are ISO 8601 UTC with microseconds\n"
            "               (\"2018-01-23T14:23:19.082000Z\"), dates YYYY-MM-DD, binary\n"
            "               values base64 (RFC 4648, with padding), doubles that JSON cannot\n"
            "               hold as the strings \"NaN\", \"Infinity\", \"-Infinity\"; invalid\n"
            "               UTF-8 in strings is shown as U+FFFD\n"
            "  -h, --help   this help\n"
            "\n"
            "Exit status: 0 ok, 1 the file is missing, unreadable or corrupt, 2 usage error.\n"
            "\n"
            "Examples:\n"
            "  sluice inspect lake/assessments/dt=2018-01-23/attempts+0+0+99.zstd.parquet\n"
            "  sluice inspect --rows 5 FILE.parquet | jq .\n");
}

/* ---- JSON value formatting ---- */

/* Appends s[0..n) as a JSON string: escapes quotes, backslashes and control
 * characters, passes valid UTF-8 through and replaces invalid bytes by U+FFFD. */
static sl_err json_str(sl_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    if (sl_buf_reserve(b, n + 2) != SL_OK)
        return SL_ERR_NOMEM;
    sl_err e = sl_buf_append(b, "\"", 1);
    size_t i = 0;
    while (e == SL_OK && i < n) {
        size_t run = i;
        while (run < n && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\')
            run++;
        if (run > i) {
            e = sl_buf_append(b, p + i, run - i);
            i = run;
            continue;
        }
        unsigned char c = p[i];
        if (c < 0x20 || c == '"' || c == '\\') {
            char esc[7] = { '\\', 0 };
            size_t el = 2;
            switch (c) {
            case '"': esc[1] = '"'; break;
            case '\\': esc[1] = '\\'; break;
            case '\n': esc[1] = 'n'; break;
            case '\r': esc[1] = 'r'; break;
            case '\t': esc[1] = 't'; break;
            case '\b': esc[1] = 'b'; break;
            case '\f': esc[1] = 'f'; break;
            default:
                memcpy(esc + 1, "u00", 3);
                esc[4] = hex[c >> 4];
                esc[5] = hex[c & 15];
                el = 6;
            }
            e = sl_buf_append(b, esc, el);
            i++;
            continue;
        }
        /* A multi-byte UTF-8 sequence: validate (no overlongs, surrogates, > U+10FFFF). */
        size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
        int ok = len > 0 && c <= 0xf4 && i + len <= n;
        for (size_t k = 1; ok && k < len; k++)
            ok = (p[i + k] & 0xc0) == 0x80;
        if (ok && len == 3)
            ok = !(c == 0xe0 && p[i + 1] < 0xa0) && !(c == 0xed && p[i + 1] >= 0xa0);
        if (ok && len == 4)
            ok = !(c == 0xf0 && p[i + 1] < 0x90) && !(c == 0xf4 && p[i + 1] >= 0x90);
        if (ok) {
            e = sl_buf_append(b, p + i, len);
            i += len;
        } else {
            e = sl_buf_append(b, "\xef\xbf\xbd", 3);
            i++;
        }
    }
    if (e == SL_OK)
        e = sl_buf_append(b, "\"", 1);
    return e;
}

/* Appends n bytes as a quoted base64 string (RFC 4648 alphabet, padded). */
static sl_err json_base64(sl_buf *b, const unsigned char *p, size_t n)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (sl_buf_reserve(b, (n + 2) / 3 * 4 + 2) != SL_OK)
        return SL_ERR_NOMEM;
    char *o = (char *)b->data + b->len;
    *o++ = '"';
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        *o++ = al[v >> 18];
        *o++ = al[(v >> 12) & 63];
        *o++ = al[(v >> 6) & 63];
        *o++ = al[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
        *o++ = al[v >> 18];
        *o++ = al[(v >> 12) & 63];
        *o++ = i + 1 < n ? al[(v >> 6) & 63] : '=';
        *o++ = '=';
    }
    *o++ = '"';
    b->len = (size_t)(o - (char *)b->data);
    b->data[b->len] = 0;
    return SL_OK;
}

/* Civil date of a day count since 1970-01-01 (proleptic Gregorian, any int64 day
 * a timestamp can produce). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Writes v as `width` decimal digits (zero-padded) at p. */
static void put_digits(char *p, uint64_t v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* Appends a signed decimal integer (printf is the slow part of printing rows). */
static sl_err put_int(sl_buf *b, int64_t v)
{
    char tmp[24];
    char *p = tmp + sizeof tmp;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return sl_buf_append(b, p, (size_t)(tmp + sizeof tmp - p));
}

/* Appends YYYY-MM-DD (years outside 0..9999 get a sign, as ISO 8601 expanded years). */
static sl_err put_date(sl_buf *b, int64_t days)
{
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999)
        return sl_buf_printf(b, "%+05" PRId64 "-%02u-%02u", y, m, d);
    char t[10] = { 0, 0, 0, 0, '-', 0, 0, '-', 0, 0 };
    put_digits(t, (uint64_t)y, 4);
    put_digits(t + 5, m, 2);
    put_digits(t + 8, d, 2);
    return sl_buf_append(b, t, sizeof t);
}

/* Appends 2018-01-23T14:23:19.082000Z for microseconds since the epoch. */
static sl_err put_timestamp(sl_buf *b, int64_t us)
{
    int64_t days = us / 86400000000LL, rem = us % 86400000000LL;
    if (rem < 0) {
        rem += 86400000000LL;
        days--;
    }
    sl_err e = put_date(b, days);
    if (e != SL_OK)
        return e;
    uint64_t secs = (uint64_t)rem / 1000000, frac = (uint64_t)rem % 1000000;
    char t[17] = { 'T', 0, 0, ':', 0, 0, ':', 0, 0, '.', 0, 0, 0, 0, 0, 0, 'Z' };
    put_digits(t + 1, secs / 3600, 2);
    put_digits(t + 4, secs / 60 % 60, 2);
    put_digits(t + 7, secs % 60, 2);
    put_digits(t + 10, frac, 6);
    return sl_buf_append(b, t, sizeof t);
}

/* Appends the shortest %g form that reads back as exactly d. */
static sl_err put_double(sl_buf *b, double d)
{
    if (isnan(d))
        return sl_buf_append(b, "\"NaN\"", 5);
    if (isinf(d))
        return d > 0 ? sl_buf_append(b, "\"Infinity\"", 10) : sl_buf_append(b, "\"-Infinity\"", 11);
    if (d >= -9007199254740992.0 && d <= 9007199254740992.0 && d == (double)(int64_t)d &&
        !(d == 0 && signbit(d)))
        return put_int(b, (int64_t)d); /* integral: what %.15g prints, faster */
    char tmp[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    return sl_buf_append(b, tmp, strlen(tmp));
}

/* Appends one cell as a JSON value. `max` > 0 truncates strings and binaries to
 * about that many bytes (text listing), marking the cut with "...". */
static sl_err put_value(sl_buf *b, sl_type t, const sl_value *v, size_t max)
{
    if (v->is_null)
        return sl_buf_append(b, "null", 4);
    switch (t) {
    case SL_T_BOOL: return v->u.i ? sl_buf_append(b, "true", 4) : sl_buf_append(b, "false", 5);
    case SL_T_INT32:
    case SL_T_INT64: return put_int(b, v->u.i);
    case SL_T_DOUBLE: return put_double(b, v->u.d);
    case SL_T_TIMESTAMP: {
        sl_err e = sl_buf_append(b, "\"", 1);
        if (e == SL_OK)
            e = put_timestamp(b, v->u.i);
        return e == SL_OK ? sl_buf_append(b, "\"", 1) : e;
    }
    case SL_T_DATE: {
        sl_err e = sl_buf_append(b, "\"", 1);
        if (e == SL_OK)
            e = put_date(b, v->u.i);
        return e == SL_OK ? sl_buf_append(b, "\"", 1) : e;
    }
    case SL_T_STRING:
    case SL_T_BINARY: {
        size_t n = v->u.s.n;
        int cut = max > 0 && n > max;
        if (cut) {
            n = max;
            /* do not split a UTF-8 character of a string */
            while (t == SL_T_STRING && n > 0 && ((unsigned char)v->u.s.p[n] & 0xc0) == 0x80)
                n--;
        }
        sl_err e = t == SL_T_STRING ? json_str(b, v->u.s.p, n)
                                    : json_base64(b, (const unsigned char *)v->u.s.p, n);
        return e == SL_OK && cut ? sl_buf_append(b, "...", 3) : e;
    }
    }
    return sl_buf_append(b, "null", 4);
}

/* ---- output helpers ---- */

/* Writes b to stdout and empties it. 0 ok, -1 on a write error (errno set). */
static int flush_out(sl_buf *b)
{
    if (b->len && fwrite(b->data, 1, b->len, stdout) != b->len)
        return -1;
    b->len = 0;
    return 0;
}

/* Appends the encodings list "A,B" as a JSON array ["A","B"]. */
static sl_err json_encodings(sl_buf *b, const char *list)
{
    sl_err e = sl_buf_append(b, "[", 1);
    const char *p = list ? list : "";
    int first = 1;
    while (e == SL_OK && *p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (!first)
            e = sl_buf_append(b, ",", 1);
        if (e == SL_OK)
            e = json_str(b, p, n);
        first = 0;
        p += n + (comma ? 1 : 0);
    }
    return e == SL_OK ? sl_buf_append(b, "]", 1) : e;
}

/* ---- the metadata, as JSON ---- */

static sl_err meta_json(sl_pq_reader *r, const char *path, uint64_t size, sl_buf *b, char *err,
                        size_t errn)
{
    sl_err e = sl_buf_append(b, "{\"file\":", 8);
    if (e == SL_OK)
        e = json_str(b, path, strlen(path));
    if (e == SL_OK)
        e = sl_buf_printf(b, ",\"size\":%" PRIu64 ",\"created_by\":", size);
    const char *cb = sl_pq_reader_created_by(r);
    if (e == SL_OK)
        e = cb ? json_str(b, cb, strlen(cb)) : sl_buf_append(b, "null", 4);
    if (e == SL_OK)
        e = sl_buf_printf(b, ",\"num_rows\":%" PRId64 ",\"key_value_metadata\":[",
                          sl_pq_reader_nrows(r));
    for (size_t i = 0; e == SL_OK && i < sl_pq_reader_nkv(r); i++) {
        const char *k, *v;
        sl_pq_reader_kv(r, i, &k, &v);
        e = sl_buf_append(b, i ? ",{\"key\":" : "{\"key\":", i ? 8 : 7);
        if (e == SL_OK)
            e = json_str(b, k, strlen(k));
        if (e == SL_OK)
            e = sl_buf_append(b, ",\"value\":", 9);
        if (e == SL_OK)
            e = json_str(b, v, strlen(v));
        if (e == SL_OK)
            e = sl_buf_append(b, "}", 1);
    }
    if (e == SL_OK)
        e = sl_buf_append(b, "],\"columns\":[", 13);
    size_t ncols = sl_pq_reader_ncols(r);
    for (size_t i = 0; e == SL_OK && i < ncols; i++) {
        const sl_column *c = sl_pq_reader_column(r, i);
        e = sl_buf_append(b, i ? ",{\"name\":" : "{\"name\":", i ? 9 : 8);
        if (e == SL_OK)
            e = json_str(b, c->name, strlen(c->name));
        if (e == SL_OK)
            e = sl_buf_printf(b, ",\"type\":\"%s\",\"required\":%s,\"physical\":\"%s\",\"logical\":",
                              sl_type_name(c->type), c->required ? "true" : "false",
                              sl_pq_reader_column_physical(r, i));
        const char *lg = sl_pq_reader_column_logical(r, i);
        if (e == SL_OK)
            e = *lg ? json_str(b, lg, strlen(lg)) : sl_buf_append(b, "null", 4);
        if (e == SL_OK)
            e = sl_buf_append(b, "}", 1);
    }
    if (e == SL_OK)
        e = sl_buf_append(b, "],\"row_groups\":[", 16);
    for (size_t g = 0; e == SL_OK && g < sl_pq_reader_nrow_groups(r); g++) {
        e = sl_buf_printf(b, "%s{\"num_rows\":%" PRId64 ",\"columns\":[", g ? "," : "",
                          sl_pq_reader_row_group_rows(r, g));
        for (size_t i = 0; e == SL_OK && i < ncols; i++) {
            sl_pq_chunk_info ci;
            const sl_column *c = sl_pq_reader_column(r, i);
            e = sl_pq_reader_chunk_info(r, g, i, &ci, err, errn);
            if (e != SL_OK)
                return e;
            e = sl_buf_append(b, i ? ",{\"name\":" : "{\"name\":", i ? 9 : 8);
            if (e == SL_OK)
                e = json_str(b, c->name, strlen(c->name));
            if (e == SL_OK)
                e = sl_buf_printf(b, ",\"codec\":\"%s\",\"encodings\":", ci.codec_name);
            if (e == SL_OK)
                e = json_encodings(b, ci.encodings);
            if (e == SL_OK)
                e = sl_buf_printf(b,
                                  ",\"has_dictionary\":%s,\"compressed_size\":%" PRId64
                                  ",\"uncompressed_size\":%" PRId64 ",\"num_values\":%" PRId64
                                  ",\"null_count\":",
                                  ci.has_dictionary ? "true" : "false", ci.total_compressed_size,
                                  ci.total_uncompressed_size, ci.num_values);
            if (e == SL_OK)
                e = ci.stats.null_count >= 0 ? sl_buf_printf(b, "%" PRId64, ci.stats.null_count)
                                             : sl_buf_append(b, "null", 4);
            if (e == SL_OK)
                e = sl_buf_append(b, ",\"min\":", 7);
            sl_value none = { .is_null = 1 };
            if (e == SL_OK)
                e = put_value(b, c->type, ci.stats.has_min_max ? &ci.stats.min : &none, 0);
            if (e == SL_OK)
                e = sl_buf_append(b, ",\"max\":", 7);
            if (e == SL_OK)
                e = put_value(b, c->type, ci.stats.has_min_max ? &ci.stats.max : &none, 0);
            if (e == SL_OK)
                e = sl_buf_append(b, "}", 1);
        }
        if (e == SL_OK)
            e = sl_buf_append(b, "]}", 2);
    }
    if (e == SL_OK)
        e = sl_buf_append(b, "]}\n", 3);
    if (e != SL_OK)
        return sl_errf(e, err, errn, "out of memory");
    return SL_OK;
}

/* ---- the metadata, as text ---- */

/* Appends s for a terminal: control characters as '?', cut after `max` bytes with
 * a note of the full length (long values such as ARROW:schema). */
static sl_err put_text(sl_buf *b, const char *s, size_t max)
{
    size_t n = strlen(s), show = n > max ? max : n;
    while (show < n && show > 0 && ((unsigned char)s[show] & 0xc0) == 0x80)
        show--; /* do not split a UTF-8 character */
    size_t at = b->len;
    sl_err e = sl_buf_append(b, s, show);
    for (size_t i = at; e == SL_OK && i < b->len; i++)
        if (b->data[i] < 0x20 || b->data[i] == 0x7f)
            b->data[i] = '?';
    if (e == SL_OK && show < n)
        e = sl_buf_printf(b, "... (%zu bytes)", n);
    return e;
}

/* A text table: cells appended row by row, printed with each column padded to
 * its widest cell. Cells live in one buffer as NUL-terminated strings. */
typedef struct table {
    sl_buf cells;
    size_t *offs;   /* offset of each cell in cells */
    size_t n, cap;
    size_t ncols;
} table;

static sl_err table_add(table *t, const char *s, size_t len)
{
    size_t *o = sl_array_grow(t->offs, &t->cap, t->n + 1, sizeof *o, 64);
    if (!o)
        return SL_ERR_NOMEM;
    t->offs = o;
    t->offs[t->n++] = t->cells.len;
    sl_err e = sl_buf_append(&t->cells, s, len);
    return e == SL_OK ? sl_buf_append(&t->cells, "", 1) : e;
}

static sl_err table_addf(table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static sl_err table_addf(table *t, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return SL_ERR_INVALID;
    return table_add(t, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Appends the table to out, indented by two spaces; then empties it. */
static sl_err table_render(table *t, sl_buf *out)
{
    size_t widths[16] = { 0 };
    sl_err e = SL_OK;
    for (size_t i = 0; i < t->n; i++) {
        size_t w = strlen((const char *)t->cells.data + t->offs[i]);
        if (w > widths[i % t->ncols])
            widths[i % t->ncols] = w;
    }
    for (size_t i = 0; e == SL_OK && i < t->n; i++) {
        size_t col = i % t->ncols;
        const char *s = (const char *)t->cells.data + t->offs[i];
        int last = col == t->ncols - 1;
        if (col == 0)
            e = sl_buf_append(out, "  ", 2);
        if (e == SL_OK)
            e = last ? sl_buf_printf(out, "%s\n", s)
                     : sl_buf_printf(out, "%-*s  ", (int)widths[col], s);
    }
    t->n = 0;
    t->cells.len = 0;
    return e;
}

static sl_err meta_text(sl_pq_reader *r, const char *path, uint64_t size, sl_buf *b, char *err,
                        size_t errn)
{
    table t = { .ncols = 5 };
    sl_buf v = { 0 };
    const char *cb = sl_pq_reader_created_by(r);
    size_t ncols = sl_pq_reader_ncols(r);
    sl_err e = sl_buf_printf(b,
                             "file:        %s\nsize:        %" PRIu64 " bytes\ncreated_by:  %s\n"
                             "rows:        %" PRId64 "\nrow groups:  %zu\ncolumns:     %zu\n",
                             path, size, cb ? cb : "(none)", sl_pq_reader_nrows(r),
                             sl_pq_reader_nrow_groups(r), ncols);
    if (e == SL_OK && sl_pq_reader_nkv(r) > 0)
        e = sl_buf_printf(b, "key/value metadata:\n");
    for (size_t i = 0; e == SL_OK && i < sl_pq_reader_nkv(r); i++) {
        const char *k, *val;
        sl_pq_reader_kv(r, i, &k, &val);
        e = sl_buf_append(b, "  ", 2);
        if (e == SL_OK)
            e = put_text(b, k, HUMAN_KV_MAX);
        if (e == SL_OK)
            e = sl_buf_append(b, " = ", 3);
        if (e == SL_OK)
            e = put_text(b, val, HUMAN_KV_MAX);
        if (e == SL_OK)
            e = sl_buf_append(b, "\n", 1);
    }
    if (e == SL_OK)
        e = sl_buf_printf(b, "schema:\n");
    if (e == SL_OK)
        e = table_addf(&t, "column");
    e = e == SL_OK ? table_addf(&t, "type") : e;
    e = e == SL_OK ? table_addf(&t, "repetition") : e;
    e = e == SL_OK ? table_addf(&t, "physical") : e;
    e = e == SL_OK ? table_addf(&t, "logical") : e;
    for (size_t i = 0; e == SL_OK && i < ncols; i++) {
        const sl_column *c = sl_pq_reader_column(r, i);
        const char *lg = sl_pq_reader_column_logical(r, i);
        e = table_add(&t, c->name, strlen(c->name));
        e = e == SL_OK ? table_addf(&t, "%s", sl_type_name(c->type)) : e;
        e = e == SL_OK ? table_addf(&t, "%s", c->required ? "required" : "optional") : e;
        e = e == SL_OK ? table_addf(&t, "%s", sl_pq_reader_column_physical(r, i)) : e;
        e = e == SL_OK ? table_addf(&t, "%s", *lg ? lg : "-") : e;
    }
    if (e == SL_OK)
        e = table_render(&t, b);
    t.ncols = 9;
    for (size_t g = 0; e == SL_OK && g < sl_pq_reader_nrow_groups(r); g++) {
        e = sl_buf_printf(b, "row group %zu: %" PRId64 " rows\n", g,
                          sl_pq_reader_row_group_rows(r, g));
        static const char *const heads[] = { "column", "codec", "encodings", "compressed",
                                             "uncompressed", "values", "nulls", "min", "max" };
        for (size_t h = 0; e == SL_OK && h < 9; h++)
            e = table_addf(&t, "%s", heads[h]);
        for (size_t i = 0; e == SL_OK && i < ncols; i++) {
            sl_pq_chunk_info ci;
            const sl_column *c = sl_pq_reader_column(r, i);
            e = sl_pq_reader_chunk_info(r, g, i, &ci, err, errn);
            if (e != SL_OK)
                goto done;
            e = table_add(&t, c->name, strlen(c->name));
            e = e == SL_OK ? table_addf(&t, "%s", ci.codec_name) : e;
            e = e == SL_OK ? table_addf(&t, "%s", ci.encodings) : e;
            e = e == SL_OK ? table_addf(&t, "%" PRId64, ci.total_compressed_size) : e;
            e = e == SL_OK ? table_addf(&t, "%" PRId64, ci.total_uncompressed_size) : e;
            e = e == SL_OK ? table_addf(&t, "%" PRId64, ci.num_values) : e;
            e = e == SL_OK ? (ci.stats.null_count >= 0
                                  ? table_addf(&t, "%" PRId64, ci.stats.null_count)
                                  : table_addf(&t, "-"))
                           : e;
            for (int k = 0; e == SL_OK && k < 2; k++) {
                v.len = 0;
                if (!ci.stats.has_min_max) {
                    e = table_addf(&t, "-");
                    continue;
                }
                e = put_value(&v, c->type, k ? &ci.stats.max : &ci.stats.min, HUMAN_VALUE_MAX);
                if (e == SL_OK)
                    e = table_add(&t, (const char *)v.data, v.len);
            }
        }
        if (e == SL_OK)
            e = table_render(&t, b);
    }
    if (e != SL_OK)
        e = sl_errf(e, err, errn, "out of memory");
done:
    sl_buf_free(&t.cells);
    free(t.offs);
    sl_buf_free(&v);
    return e;
}

/* ---- rows ---- */

/* One column's position in a row scan: a cursor and its current page of cells. */
typedef struct col_scan {
    sl_pq_cursor *cur;
    const sl_value *vals;
    size_t n, at;
} col_scan;

/* Prints the first `limit` rows as JSON lines. Reads through cursors, one per
 * column, so memory stays at about one page per column whatever the row group size,
 * and only the pages holding the printed rows are decoded. */
static sl_err print_rows(sl_pq_reader *r, long long limit, sl_buf *b, char *err, size_t errn)
{
    size_t ncols = sl_pq_reader_ncols(r);
    col_scan *cs = calloc(ncols ? ncols : 1, sizeof *cs);
    sl_buf keys = { 0 }; /* the "name": prefix of every column, precomputed */
    size_t *key_off = calloc(ncols + 1, sizeof *key_off);
    sl_err e = cs && key_off ? SL_OK : SL_ERR_NOMEM;
    for (size_t i = 0; e == SL_OK && i < ncols; i++) {
        const sl_column *c = sl_pq_reader_column(r, i);
        key_off[i] = keys.len;
        e = sl_buf_append(&keys, i ? "," : "{", 1);
        if (e == SL_OK)
            e = json_str(&keys, c->name, strlen(c->name));
        if (e == SL_OK)
            e = sl_buf_append(&keys, ":", 1);
        if (e == SL_OK && !(cs[i].cur = sl_pq_cursor_new(r, i)))
            e = SL_ERR_NOMEM;
    }
    if (e != SL_OK) {
        e = sl_errf(e, err, errn, "out of memory");
        goto done;
    }
    key_off[ncols] = keys.len;
    long long printed = 0;
    for (size_t g = 0; printed < limit && g < sl_pq_reader_nrow_groups(r); g++) {
        int64_t rows = sl_pq_reader_row_group_rows(r, g);
        for (size_t i = 0; i < ncols; i++) {
            cs[i].n = cs[i].at = 0;
            e = sl_pq_cursor_start(cs[i].cur, g, err, errn);
            if (e != SL_OK)
                goto done;
        }
        for (int64_t k = 0; k < rows && printed < limit; k++, printed++) {
            for (size_t i = 0; i < ncols; i++) {
                col_scan *c = &cs[i];
                if (c->at == c->n) {
                    c->at = 0;
                    e = sl_pq_cursor_next(c->cur, &c->vals, &c->n, err, errn);
                    if (e == SL_OK && c->n == 0)
                        e = sl_errf(SL_ERR_CORRUPT, err, errn,
                                    "column '%s' row group %zu: fewer values than rows",
                                    sl_pq_reader_column(r, i)->name, g);
                    if (e != SL_OK)
                        goto done;
                }
                e = sl_buf_append(b, keys.data + key_off[i], key_off[i + 1] - key_off[i]);
                if (e == SL_OK)
                    e = put_value(b, sl_pq_reader_column(r, i)->type, &c->vals[c->at++], 0);
                if (e != SL_OK)
                    break;
            }
            if (e == SL_OK)
                e = ncols ? sl_buf_append(b, "}\n", 2) : sl_buf_append(b, "{}\n", 3);
            if (e != SL_OK) {
                e = sl_errf(e, err, errn, "out of memory");
                goto done;
            }
            if (b->len >= (1u << 16) && flush_out(b) != 0) {
                e = sl_errf(SL_ERR_IO, err, errn, "writing the output: %s", strerror(errno));
                goto done;
            }
        }
    }
done:
    for (size_t i = 0; cs && i < ncols; i++)
        sl_pq_cursor_destroy(cs[i].cur);
    free(cs);
    free(key_off);
    sl_buf_free(&keys);
    return e;
}

SL_CMD(inspect)
{
    static const struct option longopts[] = {
        { "json", no_argument, NULL, 'j' },
        { "rows", required_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int as_json = 0;
    long long rows = -1;
    optind = 0;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'j': as_json = 1; break;
        case 'r':
            if (sl_cli_parse_count(optarg, &rows) != 0)
                return sl_cli_usage_error(CMD, "--rows wants a whole number of rows, got '%s'",
                                          optarg);
            break;
        case 'h': usage(stdout); return 0;
        default: return sl_cli_bad_option(CMD, argc, argv);
        }
    }
    if (optind >= argc)
        return sl_cli_usage_error(CMD, "missing the Parquet file to inspect");
    if (optind + 1 < argc)
        return sl_cli_usage_error(CMD, "unexpected argument '%s'", argv[optind + 1]);
    const char *path = argv[optind];

    int status = 1;
    char err[512];
    sl_buf out = { 0 };
    sl_pq_reader *r = NULL;
    sl_in in;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        sl_cli_error(CMD, "%s: %s", path, strerror(errno));
        return 1;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        sl_cli_error(CMD, "%s: is a directory", path);
        goto done;
    }
    if (sl_in_fd(&in, &fd, err, sizeof err) != SL_OK) {
        sl_cli_error(CMD, "%s: %s", path, err);
        goto done;
    }
    r = sl_pq_reader_open(&in, err, sizeof err);
    if (!r) {
        sl_cli_error(CMD, "%s: %s", path, err);
        goto done;
    }
    sl_err e = SL_OK;
    if (as_json)
        e = meta_json(r, path, in.size, &out, err, sizeof err);
    else if (rows < 0)
        e = meta_text(r, path, in.size, &out, err, sizeof err);
    if (e == SL_OK && rows > 0) {
        if (flush_out(&out) != 0) {
            sl_cli_error(CMD, "writing the output: %s", strerror(errno));
            goto done;
        }
        e = print_rows(r, rows, &out, err, sizeof err);
    }
    if (e != SL_OK) {
        /* print what was complete before the error, then the error */
        if (flush_out(&out) != 0 || fflush(stdout) != 0) {
            sl_cli_error(CMD, "writing the output: %s", strerror(errno));
            goto done;
        }
        sl_cli_error(CMD, "%s: %s", path, err);
        goto done;
    }
    if (flush_out(&out) != 0 || fflush(stdout) != 0) {
        sl_cli_error(CMD, "writing the output: %s", strerror(errno));
        goto done;
    }
    status = 0;
done:
    sl_pq_reader_destroy(r);
    sl_buf_free(&out);
    if (close(fd) != 0 && status == 0) {
        sl_cli_error(CMD, "%s: close: %s", path, strerror(errno));
        status = 1;
    }
    return status;
}
