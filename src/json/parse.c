/*
 * parse.c: the strict JSON parser that writes the tape, the non-inline tape
 * accessors, and the compact writer. The contract is in json.h.
 *
 * How it works: one pass over the text, no recursion. The parser keeps the
 * container being filled in local variables and pushes the enclosing ones on a
 * parser-owned frame stack; a container's cell is written when it opens and
 * patched (member count, span) when it closes. The hot state (cursor, tape
 * write pointer, open container) lives in locals whose address is never taken,
 * so it stays in registers; helpers return the new cursor, or NULL after
 * recording the error in the parser. String bodies are scanned 16 bytes at a
 * time (SSE2, or 8 with a portable SWAR fallback) for the bytes that need
 * attention: '"', '\\', control characters and non-ASCII. A string without
 * escapes points into the input; a string with escapes is decoded into the
 * parser's unescape buffer, which is sized once per parse so that it never
 * moves while cells point into it. Numbers take an exact fast path for the
 * common short forms and fall back to strtod_l in the "C" locale (correctly
 * rounded).
 *
 * Duplicate keys: each open object keeps a 64-bit Bloom mask of its keys (one
 * bit from length, first and last byte). A new key whose bit is not set cannot
 * be a duplicate: the common case costs no compare at all. Otherwise the key is
 * compared with the object's earlier keys, found on the tape itself (their
 * values are complete, so spans let us hop from key to key). An object that
 * grows past DUP_LINEAR_MAX keys switches to a hash table, so checking stays
 * linear for huge objects.
 */
#include "json/json.h"
#include "json/scan.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

#define DEFAULT_MAX_DEPTH 512
#define DUP_LINEAR_MAX 16      /* keys compared linearly before an object uses the hash */
#define TAPE_INITIAL 1024      /* cells */

typedef struct jframe {
    size_t idx;    /* tape index of the container's cell */
    size_t count;  /* elements / members seen so far */
    uint64_t mask; /* objects: Bloom mask of their keys */
    int is_obj;
} jframe;

typedef struct jhent {
    uint64_t hash;
    size_t obj;    /* tape index of the object + 1; 0 marks an empty slot */
    const char *s; /* the key */
    size_t len;
} jhent;

struct sl_json_parser {
    uint32_t max_depth;
    int allow_bom;
    int allow_dup;
    sl_json_val *tape;
    size_t tape_cap;
    jframe *frames;
    size_t frames_cap;
    jhent *ht;
    size_t ht_cap;
    size_t ht_used;
    char *sbuf; /* unescaped strings */
    size_t sbuf_cap;
    size_t sused; /* bytes of sbuf used by the current parse */
    char *numbuf; /* NUL-terminated copy of a number literal for strtod_l */
    size_t numbuf_cap;
    locale_t cloc;
    const char *emsg; /* the current parse's error */
    const uint8_t *epos;
    char depth_msg[48];
    char msg[160]; /* messages that name something (duplicate key) */
};

/* ---- character classes ---- */

/* Declared in scan.h. */
const uint8_t sl_json_plain_tab[256] = {
    ['\x20'] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x20-0x2f; '"' = 0x22 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,            /* 0x30 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,            /* 0x40 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,            /* 0x50; '\\' = 0x5c */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,            /* 0x60 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,            /* 0x70 */
};

static inline int is_ws(uint8_t c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
static inline int is_digit(uint8_t c) { return (uint8_t)(c - '0') < 10; }

static inline const uint8_t *skip_ws(const uint8_t *p, const uint8_t *end)
{
    if (LIKELY(p < end && *p > ' '))
        return p;
    while (p < end && is_ws(*p))
        p++;
    return p;
}

/* ---- errors ---- */

/* Records the current parse's error at pos; returns NULL (so callers can `return fail(...)`). */
static const uint8_t *fail(sl_json_parser *P, const uint8_t *pos, const char *msg)
{
    P->emsg = msg;
    P->epos = pos;
    return NULL;
}

/* Fills line and column (1-based, bytes) from err->offset. Called once per failed parse. */
static void fill_line_col(sl_json_error *err, const uint8_t *start)
{
    size_t line = 1, line_start = 0;
    for (size_t i = 0; i < err->offset; i++) {
        if (start[i] == '\n') {
            line++;
            line_start = i + 1;
        }
    }
    err->line = line;
    err->column = err->offset - line_start + 1;
}

const char *sl_json_error_format(const sl_json_error *err, char *out, size_t out_size)
{
    if (out_size == 0)
        return out;
    snprintf(out, out_size, "%s at line %zu, column %zu (byte %zu)", err->msg ? err->msg : "no error",
             err->line, err->column, err->offset);
    return out;
}

/* ---- growth (cold paths) ---- */

/* Grows *arr (elements of elem bytes, capacity *cap) to at least min_cap. 1 or 0 (no memory). */
static int grow_array(void **arr, size_t *cap, size_t elem, size_t min_cap)
{
    size_t nc = *cap ? *cap : 16;
    while (nc < min_cap) {
        if (nc > SIZE_MAX / 2 / elem)
            return 0;
        nc *= 2;
    }
    if (nc == *cap)
        nc *= 2;
    if (nc > SIZE_MAX / elem)
        return 0;
    void *q = realloc(*arr, nc * elem);
    if (!q)
        return 0;
    *arr = q;
    *cap = nc;
    return 1;
}

/* Grows the tape to at least min_cap cells (it may move). 1 or 0 (no memory). */
__attribute__((noinline)) static int tape_grow(sl_json_parser *P, size_t min_cap)
{
    return grow_array((void **)&P->tape, &P->tape_cap, sizeof(sl_json_val), min_cap);
}

/* ---- UTF-8 ---- */

/* Validates the run of non-ASCII UTF-8 sequences starting at p (*p >= 0x80).
 * Returns the first byte after the run (ASCII or end), or NULL after fail(). */
__attribute__((noinline)) static const uint8_t *skip_utf8(sl_json_parser *P, const uint8_t *p,
                                                          const uint8_t *end)
{
    while (p < end && *p >= 0x80) {
        uint8_t b = *p;
        size_t avail = (size_t)(end - p);
        if (b >= 0xC2 && b <= 0xDF) {
            if (avail < 2 || (p[1] & 0xC0) != 0x80)
                return fail(P, p, "invalid UTF-8");
            p += 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
            uint8_t lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
            if (avail < 3 || p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80)
                return fail(P, p, "invalid UTF-8");
            p += 3;
        } else if (b >= 0xF0 && b <= 0xF4) {
            uint8_t lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
            if (avail < 4 || p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
                return fail(P, p, "invalid UTF-8");
            p += 4;
        } else {
            return fail(P, p, "invalid UTF-8");
        }
    }
    return p;
}

/* Writes code point cp (<= 0x10FFFF, not a surrogate) as UTF-8 at d; returns its length. */
static size_t put_utf8(uint8_t *d, uint32_t cp)
{
    if (cp < 0x80) {
        d[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        d[0] = (uint8_t)(0xC0 | (cp >> 6));
        d[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (uint8_t)(0xE0 | (cp >> 12));
        d[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        d[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    d[0] = (uint8_t)(0xF0 | (cp >> 18));
    d[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    d[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    d[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

/* Value of 4 hex digits at p (caller checked 4 bytes exist), or -1. */
static int32_t hex4(const uint8_t *p)
{
    int32_t v = 0;
    for (int i = 0; i < 4; i++) {
        uint8_t h = p[i];
        int32_t d;
        if (h >= '0' && h <= '9')
            d = h - '0';
        else if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f')
            d = (h | 0x20) - 'a' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* ---- strings ---- */

/* Slow path of parse_string: the body from s has an escape or a control
 * character at p. Decodes the whole body into the unescape buffer and fills t.
 * q0 is the opening quote. Returns the byte after the closing quote or NULL. */
__attribute__((noinline)) static const uint8_t *parse_string_escaped(sl_json_parser *P, const uint8_t *q0,
                                                                     const uint8_t *s, const uint8_t *p,
                                                                     const uint8_t *end, sl_json_val *t)
{
    if (*p < 0x20)
        return fail(P, p, "unescaped control character in string");
    /* The decoded form of every string from here on is no longer than the rest
     * of the input, so one reservation per parse keeps earlier pointers valid. */
    size_t need = P->sused + (size_t)(end - s);
    if (need > P->sbuf_cap) {
        if (P->sused > 0) /* cannot move: earlier cells point into sbuf (not reachable) */
            return fail(P, p, "internal error: unescape buffer too small");
        char *nb = realloc(P->sbuf, need);
        if (!nb)
            return fail(P, p, "out of memory");
        P->sbuf = nb;
        P->sbuf_cap = need;
    }
    uint8_t *d0 = (uint8_t *)P->sbuf + P->sused, *d = d0;
    memcpy(d, s, (size_t)(p - s));
    d += p - s;
    for (;;) {
        uint8_t b = *p;
        if (b == '"') {
            size_t len = (size_t)(d - d0);
            t->tag = (uint64_t)SL_JSON_STRING | ((uint64_t)len << 8);
            t->u.s = (const char *)d0;
            P->sused += len;
            return p + 1;
        }
        if (b == '\\') {
            if (end - p < 2)
                return fail(P, q0, "unterminated string");
            switch (p[1]) {
            case '"': *d++ = '"'; p += 2; break;
            case '\\': *d++ = '\\'; p += 2; break;
            case '/': *d++ = '/'; p += 2; break;
            case 'b': *d++ = '\b'; p += 2; break;
            case 'f': *d++ = '\f'; p += 2; break;
            case 'n': *d++ = '\n'; p += 2; break;
            case 'r': *d++ = '\r'; p += 2; break;
            case 't': *d++ = '\t'; p += 2; break;
            case 'u': {
                int32_t u = end - p >= 6 ? hex4(p + 2) : -1;
                if (u < 0)
                    return fail(P, p, "invalid \\u escape");
                uint32_t cp = (uint32_t)u;
                if (u >= 0xDC00 && u <= 0xDFFF)
                    return fail(P, p, "lone surrogate in \\u escape");
                if (u >= 0xD800 && u <= 0xDBFF) {
                    int32_t lo = -1;
                    if (end - p >= 12 && p[6] == '\\' && p[7] == 'u')
                        lo = hex4(p + 8);
                    if (lo < 0xDC00 || lo > 0xDFFF)
                        return fail(P, p, "lone surrogate in \\u escape");
                    cp = 0x10000 + (((uint32_t)u - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
                    p += 6;
                }
                p += 6;
                d += put_utf8(d, cp);
                break;
            }
            default:
                return fail(P, p, "invalid escape");
            }
        } else if (b >= 0x80) {
            const uint8_t *q = skip_utf8(P, p, end);
            if (!q)
                return NULL;
            memcpy(d, p, (size_t)(q - p));
            d += q - p;
            p = q;
        } else if (b < 0x20) {
            return fail(P, p, "unescaped control character in string");
        }
        const uint8_t *q = sl_json_scan_plain(p, end);
        memcpy(d, p, (size_t)(q - p));
        d += q - p;
        p = q;
        if (p == end)
            return fail(P, q0, "unterminated string");
    }
}

/* Parses the string whose opening quote is at q0 into cell t. Returns the byte
 * after the closing quote, or NULL after fail(). */
static inline const uint8_t *parse_string(sl_json_parser *P, const uint8_t *q0, const uint8_t *end,
                                          sl_json_val *t)
{
    const uint8_t *s = q0 + 1, *p = s;
    for (;;) {
        p = sl_json_scan_plain(p, end);
        if (UNLIKELY(p == end))
            return fail(P, q0, "unterminated string");
        if (LIKELY(*p == '"')) {
            t->tag = (uint64_t)SL_JSON_STRING | ((uint64_t)(p - s) << 8);
            t->u.s = (const char *)s;
            return p + 1;
        }
        if (*p < 0x80)
            return parse_string_escaped(P, q0, s, p, end, t);
        p = skip_utf8(P, p, end);
        if (!p)
            return NULL;
    }
}

/* ---- numbers ---- */

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Correctly rounded conversion of the validated literal [s, e) with strtod_l in
 * the "C" locale into t. Returns e, or NULL after fail(). */
__attribute__((noinline)) static const uint8_t *number_slow(sl_json_parser *P, const uint8_t *s,
                                                            const uint8_t *e, sl_json_val *t)
{
    size_t n = (size_t)(e - s);
    if (n + 1 > P->numbuf_cap) {
        char *nb = realloc(P->numbuf, n + 1);
        if (!nb)
            return fail(P, s, "out of memory");
        P->numbuf = nb;
        P->numbuf_cap = n + 1;
    }
    memcpy(P->numbuf, s, n);
    P->numbuf[n] = 0;
    char *stop = NULL;
    double d = strtod_l(P->numbuf, &stop, P->cloc);
    if (stop != P->numbuf + n)
        return fail(P, s, "invalid number");
    if (isinf(d))
        return fail(P, s, "number out of range");
    t->tag = SL_JSON_DOUBLE;
    t->u.d = d;
    return e;
}

/* Parses the number starting at s (a '-' or a digit) into cell t. Returns the
 * byte after it, or NULL after fail(). */
static inline const uint8_t *parse_number(sl_json_parser *P, const uint8_t *s, const uint8_t *end,
                                          sl_json_val *t)
{
    const uint8_t *p = s;
    int neg = 0, many = 0, is_int = 1;
    uint64_t m = 0;
    int ndig = 0;     /* significant digits in m */
    int64_t e10 = 0;  /* decimal exponent applied to m */
    if (*p == '-') {
        neg = 1;
        p++;
        if (p == end || !is_digit(*p))
            return fail(P, p, "expected digit after '-'");
    }
    if (*p == '0') {
        p++;
        if (p < end && is_digit(*p))
            return fail(P, p, "leading zero in number");
    } else {
        while (p < end && is_digit(*p)) {
            if (ndig < 19) {
                m = m * 10 + (uint64_t)(*p - '0');
                ndig++;
            } else {
                many = 1;
            }
            p++;
        }
    }
    if (p < end && *p == '.') {
        is_int = 0;
        p++;
        if (p == end || !is_digit(*p))
            return fail(P, p, "expected digit after '.'");
        while (p < end && is_digit(*p)) {
            if (ndig < 19) {
                m = m * 10 + (uint64_t)(*p - '0');
                if (m)
                    ndig++;
                e10--;
            } else {
                many = 1;
            }
            p++;
        }
    }
    if (p < end && (*p | 0x20) == 'e') {
        is_int = 0;
        p++;
        int eneg = 0;
        if (p < end && (*p == '+' || *p == '-')) {
            eneg = *p == '-';
            p++;
        }
        if (p == end || !is_digit(*p))
            return fail(P, p, "expected digit in exponent");
        int64_t ev = 0;
        while (p < end && is_digit(*p)) {
            if (ev < 1000000)
                ev = ev * 10 + (*p - '0');
            p++;
        }
        e10 += eneg ? -ev : ev;
    }
    if (LIKELY(is_int && !many) && (m <= (uint64_t)INT64_MAX || (neg && m == (uint64_t)INT64_MAX + 1))) {
        t->tag = SL_JSON_INT;
        t->u.i = !neg ? (int64_t)m : m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
        return p;
    }
    double d;
    if (!many && m <= (1ull << 53) && e10 >= -22 && e10 <= 22) {
        /* both m and 10^|e10| are exact doubles: one correctly rounded operation */
        d = (double)m;
        d = e10 < 0 ? d / pow10_exact[-e10] : d * pow10_exact[e10];
    } else if (!many && m == 0) {
        d = 0.0;
    } else {
        return number_slow(P, s, p, t);
    }
    t->tag = SL_JSON_DOUBLE;
    t->u.d = neg ? -d : d;
    return p;
}

/* ---- duplicate keys ---- */

/* The key's bit in its object's Bloom mask, from its length and last byte. For
 * an empty key s[-1] is its opening quote: an empty key is never a decoded one
 * (an escape decodes to at least one byte), so it always points into the input. */
static inline uint64_t key_bit(const char *s, size_t len)
{
    uint32_t h = ((uint32_t)len * 0x9E3779B1u) ^ ((uint32_t)(uint8_t)s[(ptrdiff_t)len - 1] * 0x85EBCA77u);
    return 1ull << (h >> 26);
}

/* FNV-1a of the key bytes, for the hash table of big objects. */
static uint64_t key_hash(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (uint8_t)s[i];
        h *= 0x100000001b3ull;
    }
    return h ^ (h >> 29);
}

/* Records "duplicate key 'NAME'" (NAME cut at 64 bytes, control bytes as '?')
 * in the parser's message buffer as the error at kpos. */
static void fail_dup(sl_json_parser *P, const uint8_t *kpos, const char *s, size_t len)
{
    char shown[70];
    size_t n = len < 64 ? len : 64, j = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = (uint8_t)s[i];
        shown[j++] = (b >= 0x20 && b != 0x7f) ? (char)b : '?';
    }
    shown[j] = 0;
    snprintf(P->msg, sizeof P->msg, "duplicate key '%s%s'", shown, len > 64 ? "..." : "");
    fail(P, kpos, P->msg);
}

/* Inserts key cell k of the object at tape index obj into the hash table, or
 * reports that an equal key of the same object is already there. Returns 1
 * inserted, 0 duplicate, -1 out of memory. */
static int ht_insert(sl_json_parser *P, size_t obj, const sl_json_val *k)
{
    if ((P->ht_used + 1) * 2 > P->ht_cap) {
        size_t nc = P->ht_cap ? P->ht_cap * 2 : 256;
        jhent *nt = calloc(nc, sizeof *nt);
        if (!nt)
            return -1;
        for (size_t i = 0; i < P->ht_cap; i++) {
            if (!P->ht[i].obj)
                continue;
            size_t j = (size_t)P->ht[i].hash & (nc - 1);
            while (nt[j].obj)
                j = (j + 1) & (nc - 1);
            nt[j] = P->ht[i];
        }
        free(P->ht);
        P->ht = nt;
        P->ht_cap = nc;
    }
    size_t len = (size_t)sl_json_get_len(k);
    uint64_t h = key_hash(k->u.s, len);
    size_t j = (size_t)h & (P->ht_cap - 1);
    while (P->ht[j].obj) {
        const jhent *e = &P->ht[j];
        if (e->obj == obj + 1 && e->hash == h && e->len == len && memcmp(e->s, k->u.s, len) == 0)
            return 0;
        j = (j + 1) & (P->ht_cap - 1);
    }
    P->ht[j].hash = h;
    P->ht[j].obj = obj + 1;
    P->ht[j].s = k->u.s;
    P->ht[j].len = len;
    P->ht_used++;
    return 1;
}

/* The careful duplicate check for key cell k, member number nprev (0-based) of
 * the object at tape index obj: compares with the earlier keys on the tape for
 * small objects, uses the hash table for big ones. kpos is the key's opening
 * quote. Returns 1 (no duplicate) or 0 after fail(). */
__attribute__((noinline)) static int dup_check_slow(sl_json_parser *P, const sl_json_val *tape, size_t obj,
                                                    size_t nprev, const sl_json_val *k, const uint8_t *kpos)
{
    size_t len = (size_t)sl_json_get_len(k);
    const sl_json_val *o = tape + obj + 1;
    if (nprev < DUP_LINEAR_MAX) {
        for (size_t i = 0; i < nprev; i++, o = sl_json_skip(o + 1)) {
            if (sl_json_get_len(o) == len && memcmp(o->u.s, k->u.s, len) == 0) {
                fail_dup(P, kpos, k->u.s, len);
                return 0;
            }
        }
        return 1;
    }
    if (nprev == DUP_LINEAR_MAX) {
        for (size_t i = 0; i < nprev; i++, o = sl_json_skip(o + 1)) {
            if (ht_insert(P, obj, o) < 0) {
                fail(P, kpos, "out of memory");
                return 0;
            }
        }
    }
    int r = ht_insert(P, obj, k);
    if (r < 0) {
        fail(P, kpos, "out of memory");
        return 0;
    }
    if (r == 0) {
        fail_dup(P, kpos, k->u.s, len);
        return 0;
    }
    return 1;
}

/* ---- the parser ---- */

sl_json_parser *sl_json_parser_new(const sl_json_opts *opts)
{
    sl_json_parser *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->max_depth = (opts && opts->max_depth) ? opts->max_depth : DEFAULT_MAX_DEPTH;
    p->allow_bom = opts ? opts->allow_bom : 0;
    p->allow_dup = opts ? opts->allow_duplicate_keys : 0;
    snprintf(p->depth_msg, sizeof p->depth_msg, "nesting deeper than %u", (unsigned)p->max_depth);
    p->cloc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (p->cloc == (locale_t)0)
        goto err;
    p->tape = malloc(TAPE_INITIAL * sizeof *p->tape);
    if (!p->tape)
        goto err;
    p->tape_cap = TAPE_INITIAL;
    return p;
err:
    sl_json_parser_destroy(p);
    return NULL;
}

void sl_json_parser_destroy(sl_json_parser *p)
{
    if (!p)
        return;
    if (p->cloc != (locale_t)0)
        freelocale(p->cloc);
    free(p->tape);
    free(p->frames);
    free(p->ht);
    free(p->sbuf);
    free(p->numbuf);
    free(p);
}

const sl_json_val *sl_json_parse(sl_json_parser *P, const char *buf, size_t len, sl_json_error *err)
{
    if (!buf)
        buf = "";
    const uint8_t *const start = (const uint8_t *)buf, *const end = start + len;
    const uint8_t *cur = start;
    sl_json_val *tape = P->tape, *tp = tape, *tend = tape + P->tape_cap;
    const int check_dups = !P->allow_dup;
    size_t depth = 0;
    /* the open container (meaningful when depth > 0) */
    size_t fr_idx = 0, fr_count = 0;
    uint64_t fr_mask = 0;
    int fr_obj = 0;

    P->sused = 0;
    if (P->ht_used) { /* a big object last time: clear its table (drop a big one) */
        if (P->ht_cap > 1024) {
            free(P->ht);
            P->ht = NULL;
            P->ht_cap = 0;
        } else {
            memset(P->ht, 0, P->ht_cap * sizeof *P->ht);
        }
        P->ht_used = 0;
    }
    if (len >= 3 && cur[0] == 0xEF && cur[1] == 0xBB && cur[2] == 0xBF) {
        if (!P->allow_bom) {
            fail(P, cur, "UTF-8 BOM not allowed");
            goto err;
        }
        cur += 3;
    }

    for (;;) {
        /* cur is at (whitespace before) a value, or a key when the open container is an object */
        if (UNLIKELY(tend - tp < 2)) {
            size_t used = (size_t)(tp - tape);
            if (!tape_grow(P, used + 2)) {
                fail(P, cur, "out of memory");
                goto err;
            }
            tape = P->tape;
            tp = tape + used;
            tend = tape + P->tape_cap;
        }
        if (fr_obj) {
            cur = skip_ws(cur, end);
            if (UNLIKELY(cur == end)) {
                fail(P, cur, "unexpected end of input");
                goto err;
            }
            if (UNLIKELY(*cur != '"')) {
                fail(P, cur, "expected a string key");
                goto err;
            }
            const uint8_t *kpos = cur;
            cur = parse_string(P, cur, end, tp);
            if (UNLIKELY(!cur))
                goto err;
            if (check_dups) {
                uint64_t bit = key_bit(tp->u.s, (size_t)(tp->tag >> 8));
                if (UNLIKELY((fr_mask & bit) || fr_count > DUP_LINEAR_MAX) &&
                    !dup_check_slow(P, tape, fr_idx, fr_count - 1, tp, kpos))
                    goto err;
                fr_mask |= bit;
            }
            tp++;
            if (UNLIKELY(cur == end || *cur != ':')) {
                cur = skip_ws(cur, end);
                if (cur == end) {
                    fail(P, cur, "unexpected end of input");
                    goto err;
                }
                if (*cur != ':') {
                    fail(P, cur, "expected ':'");
                    goto err;
                }
            }
            cur++;
        }
        cur = skip_ws(cur, end);
        if (UNLIKELY(cur == end)) {
            fail(P, cur, "unexpected end of input");
            goto err;
        }
        switch (*cur) {
        case '"':
            cur = parse_string(P, cur, end, tp);
            if (UNLIKELY(!cur))
                goto err;
            tp++;
            break;
        case '-': case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
            cur = parse_number(P, cur, end, tp);
            if (UNLIKELY(!cur))
                goto err;
            tp++;
            break;
        case 't':
            if (UNLIKELY(end - cur < 4 || memcmp(cur, "true", 4) != 0)) {
                fail(P, cur, "invalid literal");
                goto err;
            }
            tp->tag = SL_JSON_TRUE;
            tp->u.i = 0;
            tp++;
            cur += 4;
            break;
        case 'f':
            if (UNLIKELY(end - cur < 5 || memcmp(cur, "false", 5) != 0)) {
                fail(P, cur, "invalid literal");
                goto err;
            }
            tp->tag = SL_JSON_FALSE;
            tp->u.i = 0;
            tp++;
            cur += 5;
            break;
        case 'n':
            if (UNLIKELY(end - cur < 4 || memcmp(cur, "null", 4) != 0)) {
                fail(P, cur, "invalid literal");
                goto err;
            }
            tp->tag = SL_JSON_NULL;
            tp->u.i = 0;
            tp++;
            cur += 4;
            break;
        case '[':
        case '{': {
            int is_obj = *cur == '{';
            if (UNLIKELY(depth >= P->max_depth)) {
                fail(P, cur, P->depth_msg);
                goto err;
            }
            if (depth > 0) {
                if (UNLIKELY(depth > P->frames_cap) &&
                    !grow_array((void **)&P->frames, &P->frames_cap, sizeof(jframe), depth)) {
                    fail(P, cur, "out of memory");
                    goto err;
                }
                jframe *f = &P->frames[depth - 1];
                f->idx = fr_idx;
                f->count = fr_count;
                f->mask = fr_mask;
                f->is_obj = fr_obj;
            }
            depth++;
            fr_idx = (size_t)(tp - tape);
            fr_count = 0;
            fr_mask = 0;
            fr_obj = is_obj;
            tp->tag = is_obj ? SL_JSON_OBJECT : SL_JSON_ARRAY;
            tp->u.span = 0;
            tp++;
            cur = skip_ws(cur + 1, end);
            if (UNLIKELY(cur == end)) {
                fail(P, cur, "unexpected end of input");
                goto err;
            }
            if (*cur == (is_obj ? '}' : ']'))
                break; /* empty: closed below */
            fr_count = 1;
            continue;
        }
        default:
            fail(P, cur, "expected a value");
            goto err;
        }

        /* a value is complete: close containers until one has more to come */
        int more = 0;
        while (depth > 0) {
            if (UNLIKELY(cur == end || is_ws(*cur))) {
                cur = skip_ws(cur, end);
                if (cur == end) {
                    fail(P, cur, "unexpected end of input");
                    goto err;
                }
            }
            if (*cur == ',') {
                cur++;
                fr_count++;
                more = 1;
                break;
            }
            if (UNLIKELY(*cur != (fr_obj ? '}' : ']'))) {
                fail(P, cur, fr_obj ? "expected ',' or '}'" : "expected ',' or ']'");
                goto err;
            }
            cur++;
            sl_json_val *ct = tape + fr_idx;
            ct->tag = (uint64_t)(fr_obj ? SL_JSON_OBJECT : SL_JSON_ARRAY) | ((uint64_t)fr_count << 8);
            ct->u.span = (uint64_t)(tp - ct - 1);
            depth--;
            if (depth > 0) {
                const jframe *f = &P->frames[depth - 1];
                fr_idx = f->idx;
                fr_count = f->count;
                fr_mask = f->mask;
                fr_obj = f->is_obj;
            }
        }
        if (!more)
            break;
    }
    cur = skip_ws(cur, end);
    if (cur != end) {
        fail(P, cur, "trailing characters");
        goto err;
    }
    return tape;
err:
    err->msg = P->emsg;
    err->offset = (size_t)(P->epos - start);
    fill_line_col(err, start);
    return NULL;
}

/* ---- navigation ---- */

const sl_json_val *sl_json_obj_get(const sl_json_val *obj, const char *key, size_t key_len)
{
    if (!obj || sl_json_get_type(obj) != SL_JSON_OBJECT)
        return NULL;
    uint64_t n = sl_json_get_len(obj);
    const sl_json_val *k = obj + 1;
    for (uint64_t i = 0; i < n; i++) {
        if (sl_json_get_len(k) == key_len && (key_len == 0 || memcmp(k->u.s, key, key_len) == 0))
            return k + 1;
        k = sl_json_skip(k + 1);
    }
    return NULL;
}

const sl_json_val *sl_json_arr_get(const sl_json_val *arr, size_t i)
{
    if (!arr || sl_json_get_type(arr) != SL_JSON_ARRAY || i >= sl_json_get_len(arr))
        return NULL;
    const sl_json_val *v = arr + 1;
    while (i-- > 0)
        v = sl_json_skip(v);
    return v;
}

/* ---- compact writer ---- */

/* Appends s[0..len) as a JSON string literal (quotes, escapes). */
static sl_err write_string(sl_buf *out, const char *s, size_t len)
{
    static const char hexd[] = "0123456789abcdef";
    /* worst case: every byte becomes \u00XX */
    if (len > (SIZE_MAX - 3) / 6 || sl_buf_reserve(out, len * 6 + 2) != SL_OK)
        return SL_ERR_NOMEM;
    uint8_t *d = out->data + out->len;
    const uint8_t *p = (const uint8_t *)s, *end = p + len;
    *d++ = '"';
    while (p < end) {
        const uint8_t *q = sl_json_scan_plain(p, end);
        while (q < end && *q >= 0x80) /* non-ASCII passes through (valid UTF-8 on the tape) */
            q = sl_json_scan_plain(q + 1, end);
        memcpy(d, p, (size_t)(q - p));
        d += q - p;
        p = q;
        if (p == end)
            break;
        uint8_t b = *p++;
        *d++ = '\\';
        switch (b) {
        case '"': *d++ = '"'; break;
        case '\\': *d++ = '\\'; break;
        case '\b': *d++ = 'b'; break;
        case '\f': *d++ = 'f'; break;
        case '\n': *d++ = 'n'; break;
        case '\r': *d++ = 'r'; break;
        case '\t': *d++ = 't'; break;
        default:
            *d++ = 'u';
            *d++ = '0';
            *d++ = '0';
            *d++ = hexd[b >> 4];
            *d++ = hexd[b & 15];
            break;
        }
    }
    *d++ = '"';
    out->len = (size_t)(d - out->data);
    return SL_OK;
}

/* Appends the text of a scalar cell. */
static sl_err write_scalar(sl_buf *out, const sl_json_val *v)
{
    char num[40];
    int n;
    switch (sl_json_get_type(v)) {
    case SL_JSON_NULL: return sl_buf_append(out, "null", 4);
    case SL_JSON_TRUE: return sl_buf_append(out, "true", 4);
    case SL_JSON_FALSE: return sl_buf_append(out, "false", 5);
    case SL_JSON_INT:
        n = snprintf(num, sizeof num, "%lld", (long long)v->u.i);
        return sl_buf_append(out, num, (size_t)n);
    case SL_JSON_DOUBLE: {
        if (!isfinite(v->u.d))
            return SL_ERR_INVALID;
        /* the shortest of 15, 16, 17 significant digits that reads back exactly */
        for (int prec = 15; prec <= 17; prec++) {
            n = snprintf(num, sizeof num, "%.*g", prec, v->u.d);
            if (prec == 17 || strtod(num, NULL) == v->u.d)
                break;
        }
        int has_mark = 0;
        for (int i = 0; i < n; i++) {
            if (num[i] == ',') /* a locale's decimal comma */
                num[i] = '.';
            if (num[i] == '.' || num[i] == 'e')
                has_mark = 1;
        }
        if (!has_mark) { /* keep it a double when read back: "3" -> "3.0" */
            num[n++] = '.';
            num[n++] = '0';
        }
        return sl_buf_append(out, num, (size_t)n);
    }
    case SL_JSON_STRING: return write_string(out, v->u.s, (size_t)sl_json_get_len(v));
    default: return SL_ERR_INVALID;
    }
}

/* An open container of the writer: where it ends on the tape, its kind, and
 * whether no member has been written yet. */
typedef struct wframe {
    const sl_json_val *end; /* first cell after the container */
    int is_obj;
    int first;
} wframe;

sl_err sl_json_write_compact(const sl_json_val *v, sl_buf *out)
{
    wframe local[32];
    wframe *st = local, *heap = NULL;
    size_t cap = 32, depth = 0;
    sl_err e = SL_OK;
    const sl_json_val *c = v;
    do {
        if (depth > 0) {
            wframe *f = &st[depth - 1];
            if (!f->first && (e = sl_buf_append(out, ",", 1)) != SL_OK)
                goto err;
            f->first = 0;
            if (f->is_obj) {
                if ((e = write_string(out, c->u.s, (size_t)sl_json_get_len(c))) != SL_OK ||
                    (e = sl_buf_append(out, ":", 1)) != SL_OK)
                    goto err;
                c++;
            }
        }
        if (sl_json_is_container(c)) {
            int is_obj = sl_json_get_type(c) == SL_JSON_OBJECT;
            if ((e = sl_buf_append(out, is_obj ? "{" : "[", 1)) != SL_OK)
                goto err;
            if (depth == cap) {
                wframe *nh = realloc(heap, cap * 2 * sizeof *nh);
                if (!nh) {
                    e = SL_ERR_NOMEM;
                    goto err;
                }
                if (!heap)
                    memcpy(nh, local, sizeof local);
                heap = st = nh;
                cap *= 2;
            }
            st[depth].end = sl_json_skip(c);
            st[depth].is_obj = is_obj;
            st[depth].first = 1;
            depth++;
        } else if ((e = write_scalar(out, c)) != SL_OK) {
            goto err;
        }
        c++;
        while (depth > 0 && c == st[depth - 1].end) {
            if ((e = sl_buf_append(out, st[depth - 1].is_obj ? "}" : "]", 1)) != SL_OK)
                goto err;
            depth--;
        }
    } while (depth > 0);
err:
    free(heap);
    return e;
}
