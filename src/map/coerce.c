/* coerce.c: JSON values to typed cells (the mapping's "type" rules), the arena
 * that holds the few cells that need new bytes, and value descriptions for
 * quarantine reasons. */
#include "map/map_internal.h"
#include "json/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena ---- */
struct map_chunk {
    map_chunk *next;
    size_t cap, used;
    max_align_t data[];
};

#define CHUNK_MIN 65536

void *sl_map_arena_alloc(map_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n == 0)
        n = 16;
    while (a->cur && a->cur->cap - a->cur->used < n && a->cur->next) {
        a->cur = a->cur->next;
        a->cur->used = 0;
    }
    if (!a->cur || a->cur->cap - a->cur->used < n) {
        size_t cap = n > CHUNK_MIN ? n : CHUNK_MIN;
        map_chunk *c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->cap = cap;
        c->used = 0;
        /* Insert after cur so the chunks already in use stay in the chain. */
        if (a->cur) {
            c->next = a->cur->next;
            a->cur->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
        a->cur = c;
    }
    void *p = (char *)a->cur->data + a->cur->used;
    a->cur->used += n;
    return p;
}

void sl_map_arena_reset(map_arena *a)
{
    a->cur = a->head;
    if (a->cur)
        a->cur->used = 0;
    a->scratch.len = 0;
}

void sl_map_arena_free(map_arena *a)
{
    map_chunk *c = a->head;
    while (c) {
        map_chunk *n = c->next;
        free(c);
        c = n;
    }
    a->head = a->cur = NULL;
    sl_buf_free(&a->scratch);
}

/* ---- descriptions ---- */
void sl_map_utf8_trim(char *s)
{
    size_t n = strlen(s);
    size_t i = n;
    /* Step back over at most three continuation bytes to the last lead byte. */
    while (i > 0 && n - i < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t want = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (n - (i - 1) < want)
        s[i - 1] = 0;
}

const char *sl_map_value_desc(const sl_json_val *v, char *buf, size_t size)
{
    switch (sl_json_get_type(v)) {
    case SL_JSON_NULL: snprintf(buf, size, "null"); break;
    case SL_JSON_TRUE: snprintf(buf, size, "true"); break;
    case SL_JSON_FALSE: snprintf(buf, size, "false"); break;
    case SL_JSON_INT: snprintf(buf, size, "%lld", (long long)v->u.i); break;
    case SL_JSON_DOUBLE: snprintf(buf, size, "%.17g", v->u.d); break;
    case SL_JSON_ARRAY: snprintf(buf, size, "an array"); break;
    case SL_JSON_OBJECT: snprintf(buf, size, "an object"); break;
    case SL_JSON_STRING: {
        size_t n;
        const char *s = sl_json_get_str(v, &n);
        char tmp[48];
        size_t k = 0, i = 0;
        for (; i < n && k < 40; i++) {
            unsigned char c = (unsigned char)s[i];
            tmp[k++] = (c < 0x20 || c == '"' || c == '\\' || c == 0x7f) ? '?' : (char)c;
        }
        tmp[k] = 0;
        if (i < n)
            sl_map_utf8_trim(tmp);
        snprintf(buf, size, "\"%s%s\"", tmp, i < n ? "..." : "");
        break;
    }
    default: snprintf(buf, size, "?"); break;
    }
    return buf;
}

/* ---- text to numbers ---- */
static int parse_int_text(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (n > 0 && s[0] == '-') {
        neg = 1;
        i = 1;
    }
    if (i == n)
        return -1;
    uint64_t v = 0;
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < '0' || c > '9')
            return -1;
        if (v > (UINT64_C(1) << 63) / 10)
            return -1;
        v = v * 10 + (c - '0');
        if (v > (UINT64_C(1) << 63))
            return -1;
    }
    if (!neg && v > (uint64_t)INT64_MAX)
        return -1;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

/* A JSON-style number in text: -?digits(.digits)?([eE][+-]?digits)?, finite. */
static int parse_double_text(const char *s, size_t n, double *out)
{
    char tmp[72];
    size_t i = 0;
    if (n == 0 || n >= sizeof tmp)
        return -1;
    if (s[i] == '-')
        i++;
    size_t d0 = i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == d0)
        return -1;
    if (i < n && s[i] == '.') {
        size_t f0 = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == f0)
            return -1;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t e0 = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == e0)
            return -1;
    }
    if (i != n)
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    double d = strtod(tmp, NULL);
    if (!isfinite(d))
        return -1;
    *out = d;
    return 0;
}

/* Copies a NUL-terminated text into the arena as a cell's string. */
static int arena_text(map_arena *a, const char *text, size_t n, sl_value *out)
{
    char *p = sl_map_arena_alloc(a, n + 1);
    if (!p)
        return -2;
    memcpy(p, text, n);
    p[n] = 0;
    out->u.s.p = p;
    out->u.s.n = (uint32_t)n;
    return 0;
}

/* The shortest %.Ng form (15 to 17 digits) that reads back as the same double. */
static int format_double(double d, char *buf, size_t size)
{
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return n;
}

static int fail(char *why, size_t why_size, const char *expected, const sl_json_val *v, const char *extra)
{
    char desc[64];
    snprintf(why, why_size, "expected %s, got %s%s", expected, sl_map_value_desc(v, desc, sizeof desc),
             extra);
    return -1;
}

int sl_map_coerce(const sl_json_val *v, sl_type t, sl_value *out, map_arena *arena, char *why,
                  size_t why_size)
{
    sl_json_type jt = sl_json_get_type(v);
    size_t n;
    const char *s;
    out->is_null = 0;
    switch (t) {
    case SL_T_STRING:
    case SL_T_BINARY:
        switch (jt) {
        case SL_JSON_STRING:
            s = sl_json_get_str(v, &n);
            if (n > UINT32_MAX)
                return fail(why, why_size, "a string under 4 GiB", v, "");
            out->u.s.p = s;
            out->u.s.n = (uint32_t)n;
            return 0;
        case SL_JSON_TRUE:
            out->u.s.p = "true";
            out->u.s.n = 4;
            return 0;
        case SL_JSON_FALSE:
            out->u.s.p = "false";
            out->u.s.n = 5;
            return 0;
        case SL_JSON_INT: {
            char tmp[32];
            int k = snprintf(tmp, sizeof tmp, "%lld", (long long)v->u.i);
            return arena_text(arena, tmp, (size_t)k, out);
        }
        case SL_JSON_DOUBLE: {
            char tmp[40];
            int k = format_double(v->u.d, tmp, sizeof tmp);
            return arena_text(arena, tmp, (size_t)k, out);
        }
        case SL_JSON_ARRAY:
        case SL_JSON_OBJECT:
            /* Nested JSON becomes its compact text. */
            arena->scratch.len = 0;
            if (sl_json_write_compact(v, &arena->scratch) != SL_OK)
                return -2;
            if (arena->scratch.len > UINT32_MAX)
                return fail(why, why_size, "a value under 4 GiB", v, "");
            return arena_text(arena, (const char *)arena->scratch.data, arena->scratch.len, out);
        default:
            return fail(why, why_size, "a string", v, "");
        }
    case SL_T_INT32:
    case SL_T_INT64: {
        int64_t i;
        const char *what = t == SL_T_INT32 ? "an int32" : "an int64";
        if (jt == SL_JSON_INT) {
            i = v->u.i;
        } else if (jt == SL_JSON_STRING) {
            s = sl_json_get_str(v, &n);
            if (parse_int_text(s, n, &i))
                return fail(why, why_size, "an integer", v, "");
        } else if (jt == SL_JSON_DOUBLE) {
            int whole = v->u.d == floor(v->u.d);
            return fail(why, why_size, "an integer", v, whole ? " (out of range or not an integer literal)" : "");
        } else {
            return fail(why, why_size, "an integer", v, "");
        }
        if (t == SL_T_INT32 && (i < INT32_MIN || i > INT32_MAX))
            return fail(why, why_size, what, v, " (out of range)");
        out->u.i = i;
        return 0;
    }
    case SL_T_DOUBLE:
        if (jt == SL_JSON_DOUBLE) {
            out->u.d = v->u.d;
            return 0;
        }
        if (jt == SL_JSON_INT) {
            out->u.d = (double)v->u.i;
            return 0;
        }
        if (jt == SL_JSON_STRING) {
            s = sl_json_get_str(v, &n);
            if (parse_double_text(s, n, &out->u.d) == 0)
                return 0;
        }
        return fail(why, why_size, "a number", v, "");
    case SL_T_BOOL:
        if (jt == SL_JSON_TRUE || jt == SL_JSON_FALSE) {
            out->u.i = jt == SL_JSON_TRUE;
            return 0;
        }
        if (jt == SL_JSON_STRING) {
            s = sl_json_get_str(v, &n);
            if (n == 4 && memcmp(s, "true", 4) == 0) {
                out->u.i = 1;
                return 0;
            }
            if (n == 5 && memcmp(s, "false", 5) == 0) {
                out->u.i = 0;
                return 0;
            }
        }
        return fail(why, why_size, "a boolean", v, "");
    case SL_T_TIMESTAMP:
    case SL_T_DATE: {
        int64_t us;
        const char *what = t == SL_T_DATE ? "a date" : "a timestamp (ISO 8601 or epoch seconds)";
        if (jt == SL_JSON_STRING) {
            s = sl_json_get_str(v, &n);
            if (sl_map_parse_timestamp(s, n, &us))
                return fail(why, why_size, what, v, "");
        } else if (jt == SL_JSON_INT && t == SL_T_TIMESTAMP) {
            if (v->u.i > INT64_MAX / 1000000 || v->u.i < INT64_MIN / 1000000 + 1)
                return fail(why, why_size, what, v, " (out of range)");
            us = v->u.i * 1000000;
        } else if (jt == SL_JSON_DOUBLE && t == SL_T_TIMESTAMP) {
            /* Whole seconds and the fraction separately: the fraction of a double is
             * exact, so only the final rounding to a microsecond is inexact. */
            double d = v->u.d;
            if (!(d > -9.2e12 && d < 9.2e12))
                return fail(why, why_size, what, v, " (out of range)");
            double whole = floor(d);
            us = (int64_t)whole * 1000000 + (int64_t)llround((d - whole) * 1e6);
        } else {
            return fail(why, why_size, what, v, "");
        }
        out->u.i = t == SL_T_DATE ? sl_map_date_of_us(us) : us;
        return 0;
    }
    }
    return fail(why, why_size, "a known type", v, "");
}
