/*
 * lake.c: the lake's layout and naming, commit manifests (JSON), dedupe
 * sidecars, and recovery of a topic-partition after a crash. See lake.h and
 * docs/LAKE.md for the protocol this implements.
 */
#include "lake/lake.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json/json.h"

#define MANIFEST_DIR "_sluice/manifests"
#define DEDUPE_DIR "_sluice/dedupe"
#define OWNERS_DIR "_sluice/owners"
#define CLAIM_TRIES 16
#define MANIFEST_FORMAT 1
#define SIDECAR_MAGIC "SLDEDUP1"

/* ---------------------------------------------------------------- names */

static int name_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

int sl_lake_topic_valid(const char *topic)
{
    if (!topic)
        return 0;
    size_t n = strlen(topic);
    if (n == 0 || n > SL_LAKE_TOPIC_MAX || strcmp(topic, ".") == 0 || strcmp(topic, "..") == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!name_char((unsigned char)topic[i]))
            return 0;
    return 1;
}

void sl_lake_topic_from_path(const char *path, char *out, size_t out_size)
{
    if (out_size == 0)
        return;
    if (!path || strcmp(path, "-") == 0) {
        snprintf(out, out_size, "stdin");
        return;
    }
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    size_t start = len;
    while (start > 0 && path[start - 1] != '/')
        start--;
    size_t n = 0;
    for (size_t i = start; i < len && n + 1 < out_size && n < SL_LAKE_TOPIC_MAX; i++)
        out[n++] = name_char((unsigned char)path[i]) ? path[i] : '_';
    out[n] = 0;
    if (n == 0 || strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
        snprintf(out, out_size, "_");
}

int sl_lake_table_valid(const char *table)
{
    if (!table)
        return 0;
    size_t n = strlen(table);
    if (n == 0 || n > 128 || table[0] == '-' || strcmp(table, "_sluice") == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)table[i];
        if (!name_char(c) || c == '.')
            return 0;
    }
    return 1;
}

/* Civil date of a day number (proleptic Gregorian; days since 1970-01-01). */
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

void sl_lake_dt_format(int32_t days, char *out)
{
    if (days == INT32_MIN) {
        snprintf(out, SL_LAKE_DT_MAX, "%s", SL_LAKE_DT_DEFAULT);
        return;
    }
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(out, SL_LAKE_DT_MAX, "%04" PRId64 "-%02u-%02u", y, m, d);
}

int32_t sl_lake_day_of_us(int64_t us)
{
    const int64_t per_day = INT64_C(86400000000);
    int64_t q = us / per_day;
    if (us % per_day < 0)
        q--;
    return (int32_t)q;
}

static sl_err nomem_if(sl_err e) { return e == SL_OK ? SL_OK : SL_ERR_NOMEM; }

sl_err sl_lake_dir(sl_buf *out, const char *table, const char *tenant, int32_t dt)
{
    char d[SL_LAKE_DT_MAX];
    sl_lake_dt_format(dt, d);
    if (tenant)
        return nomem_if(sl_buf_printf(out, "%s/tenant=%s/dt=%s", table, tenant, d));
    return nomem_if(sl_buf_printf(out, "%s/dt=%s", table, d));
}

sl_err sl_lake_final_name(sl_buf *out, const char *topic, int32_t partition, int64_t first,
                          int64_t last, const char *codec)
{
    return nomem_if(sl_buf_printf(out, "%s+%" PRId32 "+%" PRId64 "+%" PRId64 ".%s.parquet", topic,
                                  partition, first, last, codec));
}

sl_err sl_lake_tmp_name(sl_buf *out, const char *topic, int32_t partition, int64_t first,
                        const char *codec)
{
    return nomem_if(sl_buf_printf(out, "_tmp.%s+%" PRId32 "+%" PRId64 ".%s.inprogress", topic,
                                  partition, first, codec));
}

int sl_lake_is_tmp_of(const char *name, const char *topic, int32_t partition)
{
    char prefix[SL_LAKE_TOPIC_MAX + 32];
    int n = snprintf(prefix, sizeof prefix, "_tmp.%s+%" PRId32 "+", topic, partition);
    if (n < 0 || (size_t)n >= sizeof prefix)
        return 0;
    size_t len = strlen(name);
    return strncmp(name, prefix, (size_t)n) == 0 && len > 11 &&
           strcmp(name + len - 11, ".inprogress") == 0;
}

sl_err sl_lake_manifest_path(sl_buf *out, const char *topic, int32_t partition, int64_t first,
                             int64_t last)
{
    return nomem_if(sl_buf_printf(out, MANIFEST_DIR "/%s/%" PRId32 "/%020" PRId64 "-%020" PRId64 ".json",
                                  topic, partition, first, last));
}

sl_err sl_lake_dedupe_path(sl_buf *out, const char *topic, int32_t partition, int64_t first,
                           int64_t last)
{
    return nomem_if(sl_buf_printf(out, DEDUPE_DIR "/%s/%" PRId32 "/%020" PRId64 "-%020" PRId64 ".keys",
                                  topic, partition, first, last));
}

/* Parses exactly 20 decimal digits. */
static int parse20(const char *p, int64_t *out)
{
    uint64_t v = 0;
    for (int i = 0; i < 20; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        v = v * 10 + (uint64_t)(p[i] - '0');
        if (v > (uint64_t)INT64_MAX)
            return 0;
    }
    *out = (int64_t)v;
    return 1;
}

int sl_lake_range_name_parse(const char *name, const char *suffix, int64_t *first, int64_t *last)
{
    size_t sl = strlen(suffix);
    if (strlen(name) != 41 + sl || name[20] != '-' || strcmp(name + 41, suffix) != 0)
        return 0;
    int64_t f, l;
    if (!parse20(name, &f) || !parse20(name + 21, &l) || f > l)
        return 0;
    *first = f;
    *last = l;
    return 1;
}

/* ---------------------------------------------------------------- manifest encode */

/* Appends s as a JSON string (quotes, escapes for '"', '\\' and control bytes). */
static sl_err json_str(sl_buf *b, const char *s)
{
    if (sl_buf_append(b, "\"", 1) != SL_OK)
        return SL_ERR_NOMEM;
    const char *run = s;
    for (const char *p = s;; p++) {
        unsigned char c = (unsigned char)*p;
        if (c != 0 && c != '"' && c != '\\' && c >= 0x20)
            continue;
        if (sl_buf_append(b, run, (size_t)(p - run)) != SL_OK)
            return SL_ERR_NOMEM;
        if (c == 0)
            break;
        sl_err e = (c == '"' || c == '\\') ? sl_buf_printf(b, "\\%c", c) : sl_buf_printf(b, "\\u%04x", c);
        if (e != SL_OK)
            return SL_ERR_NOMEM;
        run = p + 1;
    }
    return sl_buf_append(b, "\"", 1) == SL_OK ? SL_OK : SL_ERR_NOMEM;
}

sl_err sl_lake_manifest_encode(const sl_lake_manifest *m, sl_buf *b)
{
    int64_t wall = m->wall_time_ms;
    if (wall == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        wall = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    }
    time_t secs = (time_t)(wall / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char when[96];
    snprintf(when, sizeof when, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(wall % 1000));
    /* Appends after a failed one are harmless; the result says whether any failed. */
    int fail = 0;
    fail |= sl_buf_printf(b, "{\"format\":%d,\"topic\":", MANIFEST_FORMAT) != SL_OK;
    fail |= json_str(b, m->topic) != SL_OK;
    fail |= sl_buf_printf(b, ",\"partition\":%" PRId32 ",\"first\":%" PRId64 ",\"last\":%" PRId64
                         ",\"messages\":%" PRIu64 ",\"quarantined\":%" PRIu64 ",\"duplicates\":%" PRIu64
                         ",\"extra_keys\":%" PRIu64 ",\"mapping\":",
                      m->partition, m->first, m->last, m->messages, m->quarantined, m->duplicates,
                      m->extra_keys) != SL_OK;
    if (m->mapping)
        fail |= json_str(b, m->mapping) != SL_OK;
    else
        fail |= sl_buf_printf(b, "null") != SL_OK;
    fail |= sl_buf_printf(b, ",\"sluice_version\":") != SL_OK;
    fail |= json_str(b, m->sluice_version ? m->sluice_version : sl_version()) != SL_OK;
    fail |= sl_buf_printf(b, ",\"wall_time\":\"%s\",\"wall_time_ms\":%" PRId64 ",\"dedupe\":", when, wall) != SL_OK;
    if (m->dedupe)
        fail |= json_str(b, m->dedupe) != SL_OK;
    else
        fail |= sl_buf_printf(b, "null") != SL_OK;
    fail |= sl_buf_printf(b, ",\"dedupe_keys\":%" PRIu64 ",\"rows\":{", m->dedupe_keys) != SL_OK;
    for (size_t i = 0; i < m->ntables; i++) {
        if (i)
            fail |= sl_buf_printf(b, ",") != SL_OK;
        fail |= json_str(b, m->tables[i].table) != SL_OK;
        fail |= sl_buf_printf(b, ":%" PRIu64, m->tables[i].rows) != SL_OK;
    }
    fail |= sl_buf_printf(b, "},\"files\":[") != SL_OK;
    for (size_t i = 0; i < m->nfiles; i++) {
        const sl_lake_file_entry *f = &m->files[i];
        fail |= sl_buf_printf(b, "%s\n{\"table\":", i ? "," : "") != SL_OK;
        fail |= json_str(b, f->table) != SL_OK;
        fail |= sl_buf_printf(b, ",\"tmp\":") != SL_OK;
        fail |= json_str(b, f->tmp) != SL_OK;
        fail |= sl_buf_printf(b, ",\"final\":") != SL_OK;
        fail |= json_str(b, f->final) != SL_OK;
        fail |= sl_buf_printf(b, ",\"rows\":%" PRIu64 ",\"bytes\":%" PRIu64 "}", f->rows, f->bytes) != SL_OK;
    }
    fail |= sl_buf_printf(b, "]}\n") != SL_OK;
    return fail ? SL_ERR_NOMEM : SL_OK;
}

sl_err sl_lake_manifest_write(sl_store *s, const sl_lake_manifest *m, char *errstr, size_t errstr_size)
{
    sl_buf path = { 0 }, text = { 0 };
    sl_err e = sl_lake_manifest_path(&path, m->topic, m->partition, m->first, m->last);
    if (e == SL_OK)
        e = sl_lake_manifest_encode(m, &text);
    if (e != SL_OK) {
        e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory writing a manifest");
        goto done;
    }
    e = sl_store_put_atomic(s, (const char *)path.data, text.data, text.len, errstr, errstr_size);
done:
    sl_buf_free(&path);
    sl_buf_free(&text);
    return e;
}

/* ---------------------------------------------------------------- manifest parse */

/* What a parsed manifest owns: its arrays and every string, freed together. */
typedef struct owned {
    void **ptrs;
    size_t n, cap;
} owned;

static void *own(owned *o, void *p)
{
    if (!p)
        return NULL;
    if (o->n == o->cap) {
        size_t nc = o->cap ? o->cap * 2 : 32;
        void **np = realloc(o->ptrs, nc * sizeof *np);
        if (!np) {
            free(p);
            return NULL;
        }
        o->ptrs = np;
        o->cap = nc;
    }
    o->ptrs[o->n++] = p;
    return p;
}

static void owned_free(owned *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n; i++)
        free(o->ptrs[i]);
    free(o->ptrs);
    free(o);
}

void sl_lake_manifest_free(sl_lake_manifest *m)
{
    if (!m)
        return;
    owned_free(m->owned_);
    memset(m, 0, sizeof *m);
}

typedef struct parse_ctx {
    const char *source;
    char *errstr;
    size_t errstr_size;
    owned *o;
} parse_ctx;

static sl_err bad(parse_ctx *c, const char *field, const char *what)
{
    return sl_errf(SL_ERR_CORRUPT, c->errstr, c->errstr_size, "%s: %s: %s", c->source, field, what);
}

/* A copy of a JSON string cell, NUL-terminated, owned by the manifest. */
static sl_err get_str(parse_ctx *c, const sl_json_val *v, const char *field, const char **out)
{
    if (sl_json_get_type(v) != SL_JSON_STRING)
        return bad(c, field, "expected a string");
    size_t n;
    const char *s = sl_json_get_str(v, &n);
    if (memchr(s, 0, n))
        return bad(c, field, "contains a NUL byte");
    char *p = own(c->o, malloc(n + 1));
    if (!p)
        return sl_errf(SL_ERR_NOMEM, c->errstr, c->errstr_size, "out of memory");
    memcpy(p, s, n);
    p[n] = 0;
    *out = p;
    return SL_OK;
}

static sl_err get_u64(parse_ctx *c, const sl_json_val *v, const char *field, uint64_t *out)
{
    if (sl_json_get_type(v) != SL_JSON_INT || v->u.i < 0)
        return bad(c, field, "expected a non-negative integer");
    *out = (uint64_t)v->u.i;
    return SL_OK;
}

static sl_err get_i64(parse_ctx *c, const sl_json_val *v, const char *field, int64_t *out)
{
    if (sl_json_get_type(v) != SL_JSON_INT)
        return bad(c, field, "expected an integer");
    *out = v->u.i;
    return SL_OK;
}

static int key_is(const sl_json_val *k, const char *name)
{
    size_t n;
    const char *s = sl_json_get_str(k, &n);
    return n == strlen(name) && memcmp(s, name, n) == 0;
}

static sl_err parse_file_entry(parse_ctx *c, const sl_json_val *obj, size_t idx, sl_lake_file_entry *f)
{
    char field[64];
    snprintf(field, sizeof field, "files[%zu]", idx);
    if (sl_json_get_type(obj) != SL_JSON_OBJECT)
        return bad(c, field, "expected an object");
    unsigned seen = 0;
    const sl_json_val *k = sl_json_first(obj);
    for (uint64_t i = 0; i < sl_json_get_len(obj); i++) {
        const sl_json_val *v = sl_json_member_value(k);
        sl_err e = SL_OK;
        if (key_is(k, "table")) {
            snprintf(field, sizeof field, "files[%zu].table", idx);
            e = get_str(c, v, field, &f->table);
            seen |= 1;
        } else if (key_is(k, "tmp")) {
            snprintf(field, sizeof field, "files[%zu].tmp", idx);
            e = get_str(c, v, field, &f->tmp);
            seen |= 2;
        } else if (key_is(k, "final")) {
            snprintf(field, sizeof field, "files[%zu].final", idx);
            e = get_str(c, v, field, &f->final);
            seen |= 4;
        } else if (key_is(k, "rows")) {
            snprintf(field, sizeof field, "files[%zu].rows", idx);
            e = get_u64(c, v, field, &f->rows);
            seen |= 8;
        } else if (key_is(k, "bytes")) {
            snprintf(field, sizeof field, "files[%zu].bytes", idx);
            e = get_u64(c, v, field, &f->bytes);
            seen |= 16;
        }
        if (e != SL_OK)
            return e;
        k = sl_json_skip(v);
    }
    if (seen != 31) {
        snprintf(field, sizeof field, "files[%zu]", idx);
        return bad(c, field, "needs table, tmp, final, rows and bytes");
    }
    return SL_OK;
}

static sl_err parse_root(parse_ctx *c, const sl_json_val *root, sl_lake_manifest *m)
{
    if (sl_json_get_type(root) != SL_JSON_OBJECT)
        return bad(c, "manifest", "expected a JSON object");
    enum { F_FORMAT = 1, F_TOPIC = 2, F_PART = 4, F_FIRST = 8, F_LAST = 16, F_FILES = 32 };
    unsigned seen = 0;
    const sl_json_val *k = sl_json_first(root);
    for (uint64_t i = 0; i < sl_json_get_len(root); i++) {
        const sl_json_val *v = sl_json_member_value(k);
        sl_err e = SL_OK;
        int64_t iv = 0;
        if (key_is(k, "format")) {
            e = get_i64(c, v, "format", &iv);
            if (e == SL_OK && iv != MANIFEST_FORMAT)
                return sl_errf(SL_ERR_UNSUPPORTED, c->errstr, c->errstr_size,
                               "%s: manifest format %" PRId64 " is not supported (this sluice reads %d)",
                               c->source, iv, MANIFEST_FORMAT);
            seen |= F_FORMAT;
        } else if (key_is(k, "topic")) {
            e = get_str(c, v, "topic", &m->topic);
            seen |= F_TOPIC;
        } else if (key_is(k, "partition")) {
            e = get_i64(c, v, "partition", &iv);
            if (e == SL_OK && (iv < 0 || iv > INT32_MAX))
                return bad(c, "partition", "out of range");
            m->partition = (int32_t)iv;
            seen |= F_PART;
        } else if (key_is(k, "first")) {
            e = get_i64(c, v, "first", &m->first);
            seen |= F_FIRST;
        } else if (key_is(k, "last")) {
            e = get_i64(c, v, "last", &m->last);
            seen |= F_LAST;
        } else if (key_is(k, "messages")) {
            e = get_u64(c, v, "messages", &m->messages);
        } else if (key_is(k, "quarantined")) {
            e = get_u64(c, v, "quarantined", &m->quarantined);
        } else if (key_is(k, "duplicates")) {
            e = get_u64(c, v, "duplicates", &m->duplicates);
        } else if (key_is(k, "extra_keys")) {
            e = get_u64(c, v, "extra_keys", &m->extra_keys);
        } else if (key_is(k, "mapping")) {
            if (sl_json_get_type(v) != SL_JSON_NULL)
                e = get_str(c, v, "mapping", &m->mapping);
        } else if (key_is(k, "sluice_version")) {
            e = get_str(c, v, "sluice_version", &m->sluice_version);
        } else if (key_is(k, "wall_time_ms")) {
            e = get_i64(c, v, "wall_time_ms", &m->wall_time_ms);
        } else if (key_is(k, "dedupe")) {
            if (sl_json_get_type(v) != SL_JSON_NULL)
                e = get_str(c, v, "dedupe", &m->dedupe);
        } else if (key_is(k, "dedupe_keys")) {
            e = get_u64(c, v, "dedupe_keys", &m->dedupe_keys);
        } else if (key_is(k, "rows")) {
            if (sl_json_get_type(v) != SL_JSON_OBJECT)
                return bad(c, "rows", "expected an object");
            size_t n = (size_t)sl_json_get_len(v);
            sl_lake_table_rows *t = n ? own(c->o, calloc(n, sizeof *t)) : NULL;
            if (n && !t)
                return sl_errf(SL_ERR_NOMEM, c->errstr, c->errstr_size, "out of memory");
            const sl_json_val *tk = sl_json_first(v);
            for (size_t j = 0; j < n && e == SL_OK; j++) {
                e = get_str(c, tk, "rows", &t[j].table);
                if (e == SL_OK)
                    e = get_u64(c, sl_json_member_value(tk), "rows", &t[j].rows);
                tk = sl_json_skip(sl_json_member_value(tk));
            }
            m->tables = t;
            m->ntables = n;
        } else if (key_is(k, "files")) {
            if (sl_json_get_type(v) != SL_JSON_ARRAY)
                return bad(c, "files", "expected an array");
            size_t n = (size_t)sl_json_get_len(v);
            sl_lake_file_entry *f = n ? own(c->o, calloc(n, sizeof *f)) : NULL;
            if (n && !f)
                return sl_errf(SL_ERR_NOMEM, c->errstr, c->errstr_size, "out of memory");
            const sl_json_val *el = sl_json_first(v);
            for (size_t j = 0; j < n && e == SL_OK; j++) {
                e = parse_file_entry(c, el, j, &f[j]);
                el = sl_json_skip(el);
            }
            m->files = f;
            m->nfiles = n;
            seen |= F_FILES;
        }
        if (e != SL_OK)
            return e;
        k = sl_json_skip(v);
    }
    const char *missing = !(seen & F_FORMAT) ? "format" : !(seen & F_TOPIC) ? "topic"
                        : !(seen & F_PART)   ? "partition" : !(seen & F_FIRST) ? "first"
                        : !(seen & F_LAST)   ? "last" : !(seen & F_FILES) ? "files" : NULL;
    if (missing)
        return bad(c, missing, "missing");
    if (m->first < 0 || m->last < m->first)
        return bad(c, "first/last", "not a valid offset range");
    return SL_OK;
}

sl_err sl_lake_manifest_parse(const char *text, size_t len, const char *source, sl_lake_manifest *m,
                              char *errstr, size_t errstr_size)
{
    memset(m, 0, sizeof *m);
    parse_ctx c = { source ? source : "manifest", errstr, errstr_size, calloc(1, sizeof(owned)) };
    if (!c.o)
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    sl_json_parser *p = sl_json_parser_new(NULL);
    if (!p) {
        owned_free(c.o);
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    }
    sl_err e;
    sl_json_error jerr;
    const sl_json_val *root = sl_json_parse(p, text, len, &jerr);
    if (!root) {
        char where[160];
        e = sl_errf(SL_ERR_CORRUPT, errstr, errstr_size, "%s: not valid JSON: %s", c.source,
                    sl_json_error_format(&jerr, where, sizeof where));
    } else {
        e = parse_root(&c, root, m);
    }
    sl_json_parser_destroy(p);
    if (e != SL_OK) {
        owned_free(c.o);
        memset(m, 0, sizeof *m);
        return e;
    }
    m->owned_ = c.o;
    return SL_OK;
}

sl_err sl_lake_manifest_read(sl_store *s, const char *path, sl_lake_manifest *m, char *errstr,
                             size_t errstr_size)
{
    sl_buf b = { 0 };
    memset(m, 0, sizeof *m);
    sl_err e = sl_store_read_all(s, path, &b, errstr, errstr_size);
    if (e == SL_OK)
        e = sl_lake_manifest_parse(b.data ? (const char *)b.data : "", b.len, path, m, errstr,
                                   errstr_size);
    sl_buf_free(&b);
    return e;
}

/* ---------------------------------------------------------------- listing helpers */

/* A listed folder's entries (names owned). */
typedef struct entries {
    char **name;
    sl_store_info *info;
    size_t n, cap;
    int nomem;
} entries;

static int collect_cb(void *ctx, const char *name, const sl_store_info *st)
{
    entries *es = ctx;
    if (es->n == es->cap) {
        size_t nc = es->cap ? es->cap * 2 : 32;
        char **nn = realloc(es->name, nc * sizeof *nn);
        if (nn)
            es->name = nn;
        sl_store_info *ni = nn ? realloc(es->info, nc * sizeof *ni) : NULL;
        if (!nn || !ni) {
            es->nomem = 1;
            return 1;
        }
        es->info = ni;
        es->cap = nc;
    }
    if (!(es->name[es->n] = strdup(name))) {
        es->nomem = 1;
        return 1;
    }
    es->info[es->n++] = *st;
    return 0;
}

static void entries_free(entries *es)
{
    for (size_t i = 0; i < es->n; i++)
        free(es->name[i]);
    free(es->name);
    free(es->info);
    memset(es, 0, sizeof *es);
}

/* Lists dir into *es (sorted). A missing folder is SL_OK with no entries. */
static sl_err list_dir(sl_store *s, const char *dir, entries *es, char *errstr, size_t errstr_size)
{
    memset(es, 0, sizeof *es);
    sl_err e = sl_store_list(s, dir, collect_cb, es, errstr, errstr_size);
    if (e == SL_ERR_NOTFOUND)
        e = SL_OK;
    if (e == SL_OK && es->nomem)
        e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory listing %s", dir);
    if (e != SL_OK)
        entries_free(es);
    return e;
}

/* Deletes the leftovers of an interrupted sl_store_put_atomic (".NAME.PID.NS.tmp")
 * in a bookkeeping folder. Counted in *count. */
static sl_err delete_put_leftovers(sl_store *s, const char *dir, const entries *es, uint64_t *count,
                                   char *errstr, size_t errstr_size)
{
    sl_buf p = { 0 };
    sl_err e = SL_OK;
    for (size_t i = 0; i < es->n && e == SL_OK; i++) {
        const char *nm = es->name[i];
        size_t l = strlen(nm);
        if (nm[0] != '.' || l < 5 || strcmp(nm + l - 4, ".tmp") != 0 || es->info[i].is_dir)
            continue;
        p.len = 0;
        if (sl_buf_printf(&p, "%s/%s", dir, nm) != SL_OK) {
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            break;
        }
        e = sl_store_delete(s, (const char *)p.data, 0, errstr, errstr_size);
        if (e == SL_OK)
            (*count)++;
    }
    sl_buf_free(&p);
    return e;
}

sl_err sl_lake_manifest_newest(sl_store *s, const char *topic, int32_t partition, sl_lake_manifest *m,
                               int *found, char *errstr, size_t errstr_size)
{
    memset(m, 0, sizeof *m);
    *found = 0;
    sl_buf dir = { 0 };
    entries es;
    if (sl_buf_printf(&dir, MANIFEST_DIR "/%s/%" PRId32, topic, partition) != SL_OK) {
        sl_buf_free(&dir);
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    }
    sl_err e = list_dir(s, (const char *)dir.data, &es, errstr, errstr_size);
    if (e != SL_OK)
        goto done;
    for (size_t i = es.n; i-- > 0;) {
        int64_t f, l;
        if (es.info[i].is_dir || !sl_lake_range_name_parse(es.name[i], ".json", &f, &l))
            continue;
        size_t dl = dir.len;
        if (sl_buf_printf(&dir, "/%s", es.name[i]) != SL_OK) {
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            break;
        }
        e = sl_lake_manifest_read(s, (const char *)dir.data, m, errstr, errstr_size);
        if (e == SL_OK && (strcmp(m->topic, topic) != 0 || m->partition != partition || m->first != f ||
                           m->last != l)) {
            e = sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                        "%s: says topic %s partition %" PRId32 " offsets %" PRId64 "-%" PRId64
                        ", which does not match its name",
                        (const char *)dir.data, m->topic, m->partition, m->first, m->last);
            sl_lake_manifest_free(m);
        }
        dir.len = dl;
        if (e == SL_OK)
            *found = 1;
        break;
    }
    entries_free(&es);
done:
    sl_buf_free(&dir);
    return e;
}

sl_err sl_lake_manifest_each(sl_store *s, sl_lake_manifest_cb cb, void *ctx, char *errstr,
                             size_t errstr_size)
{
    entries topics, parts, files;
    sl_buf path = { 0 };
    sl_err e = list_dir(s, MANIFEST_DIR, &topics, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    int stop = 0;
    for (size_t t = 0; t < topics.n && e == SL_OK && !stop; t++) {
        if (!topics.info[t].is_dir || !sl_lake_topic_valid(topics.name[t]))
            continue;
        path.len = 0;
        if (sl_buf_printf(&path, MANIFEST_DIR "/%s", topics.name[t]) != SL_OK)
            goto nomem;
        e = list_dir(s, (const char *)path.data, &parts, errstr, errstr_size);
        if (e != SL_OK)
            break;
        for (size_t p = 0; p < parts.n && e == SL_OK && !stop; p++) {
            if (!parts.info[p].is_dir)
                continue;
            path.len = 0;
            if (sl_buf_printf(&path, MANIFEST_DIR "/%s/%s", topics.name[t], parts.name[p]) != SL_OK) {
                entries_free(&parts);
                goto nomem;
            }
            e = list_dir(s, (const char *)path.data, &files, errstr, errstr_size);
            size_t base = path.len;
            for (size_t f = 0; f < files.n && e == SL_OK && !stop; f++) {
                int64_t a, b;
                if (files.info[f].is_dir || !sl_lake_range_name_parse(files.name[f], ".json", &a, &b))
                    continue;
                path.len = base;
                if (sl_buf_printf(&path, "/%s", files.name[f]) != SL_OK) {
                    e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
                    break;
                }
                sl_lake_manifest m;
                e = sl_lake_manifest_read(s, (const char *)path.data, &m, errstr, errstr_size);
                if (e == SL_OK) {
                    stop = cb(ctx, (const char *)path.data, &m) != 0;
                    sl_lake_manifest_free(&m);
                }
            }
            entries_free(&files);
        }
        entries_free(&parts);
    }
    entries_free(&topics);
    sl_buf_free(&path);
    return e;
nomem:
    entries_free(&topics);
    sl_buf_free(&path);
    return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
}

/* ---------------------------------------------------------------- dedupe sidecars */

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static inline uint64_t load64le(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static inline void store64le(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t fmix64(uint64_t h)
{
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return h;
}

/* Mixes bytes into h eight at a time, then the tail. */
static uint64_t hash_bytes(uint64_t h, const uint8_t *p, size_t n)
{
    const uint64_t k1 = UINT64_C(0x9E3779B185EBCA87), k2 = UINT64_C(0xC2B2AE3D27D4EB4F);
    while (n >= 8) {
        h ^= rotl64(load64le(p) * k2, 31) * k1;
        h = rotl64(h, 27) * k1 + UINT64_C(0x52dce729);
        p += 8;
        n -= 8;
    }
    uint64_t t = 0;
    for (size_t i = 0; i < n; i++)
        t |= (uint64_t)p[i] << (8 * i);
    h ^= rotl64((t ^ n) * k2, 31) * k1;
    return rotl64(h, 27) * k1 + UINT64_C(0x38495ab5);
}

uint64_t sl_lake_key_hash(const char *tenant, size_t tenant_len, const void *key, size_t len)
{
    uint64_t h = UINT64_C(0x736c7569636501) ^ ((uint64_t)len * UINT64_C(0x9E3779B185EBCA87));
    if (tenant)
        h = hash_bytes(h ^ UINT64_C(0x5445), (const uint8_t *)tenant, tenant_len);
    h = hash_bytes(h, key, len);
    return fmix64(h);
}

sl_err sl_lake_dedupe_encode(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, sl_buf *out)
{
    size_t n = na + nb;
    if (sl_buf_reserve(out, 16 + n * 8) != SL_OK)
        return SL_ERR_NOMEM;
    uint8_t *p = out->data + out->len;
    memcpy(p, SIDECAR_MAGIC, 8);
    store64le(p + 8, n);
    for (size_t i = 0; i < na; i++)
        store64le(p + 16 + 8 * i, a[i]);
    for (size_t i = 0; i < nb; i++)
        store64le(p + 16 + 8 * (na + i), b[i]);
    out->len += 16 + n * 8;
    return SL_OK;
}

sl_err sl_lake_dedupe_write(sl_store *s, const char *path, const uint64_t *hashes, size_t n, char *errstr,
                            size_t errstr_size)
{
    sl_buf b = { 0 };
    if (sl_lake_dedupe_encode(hashes, n, NULL, 0, &b) != SL_OK)
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory writing %s", path);
    sl_err e = sl_store_put_atomic(s, path, b.data, b.len, errstr, errstr_size);
    sl_buf_free(&b);
    return e;
}

sl_err sl_lake_dedupe_load(sl_store *s, const char *topic, int32_t partition, int64_t upto_last,
                           size_t window, sl_lake_hash_cb cb, void *ctx, char *errstr, size_t errstr_size)
{
    sl_buf dir = { 0 }, data = { 0 };
    entries es = { 0 };
    uint64_t *hashes = NULL;
    size_t hcap = 0;
    sl_err e = SL_OK;
    if (window == 0 || upto_last < 0)
        return SL_OK;
    if (sl_buf_printf(&dir, DEDUPE_DIR "/%s/%" PRId32, topic, partition) != SL_OK) {
        e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        goto done;
    }
    e = list_dir(s, (const char *)dir.data, &es, errstr, errstr_size);
    if (e != SL_OK)
        goto done;
    /* Walk back from the newest sidecar until the window is covered. */
    size_t start = es.n, total = 0;
    for (size_t i = es.n; i-- > 0 && total < window;) {
        int64_t f, l;
        if (es.info[i].is_dir || !sl_lake_range_name_parse(es.name[i], ".keys", &f, &l) || l > upto_last)
            continue;
        if (es.info[i].size < 16 || (es.info[i].size - 16) % 8 != 0)
            e = sl_errf(SL_ERR_CORRUPT, errstr, errstr_size, "%s/%s: %" PRIu64 " bytes is not a sidecar",
                        (const char *)dir.data, es.name[i], es.info[i].size);
        if (e != SL_OK)
            goto done;
        total += (size_t)((es.info[i].size - 16) / 8);
        start = i;
    }
    size_t skip = total > window ? total - window : 0;
    for (size_t i = start; i < es.n; i++) {
        int64_t f, l;
        if (es.info[i].is_dir || !sl_lake_range_name_parse(es.name[i], ".keys", &f, &l) || l > upto_last)
            continue;
        size_t dl = dir.len;
        data.len = 0;
        if (sl_buf_printf(&dir, "/%s", es.name[i]) != SL_OK) {
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            goto done;
        }
        e = sl_store_read_all(s, (const char *)dir.data, &data, errstr, errstr_size);
        if (e == SL_OK && (data.len < 16 || memcmp(data.data, SIDECAR_MAGIC, 8) != 0 ||
                           load64le(data.data + 8) != (data.len - 16) / 8 || (data.len - 16) % 8))
            e = sl_errf(SL_ERR_CORRUPT, errstr, errstr_size, "%s: not a valid dedupe sidecar",
                        (const char *)dir.data);
        dir.len = dl;
        dir.data[dl] = 0;
        if (e != SL_OK)
            goto done;
        size_t n = (data.len - 16) / 8, from = 0;
        if (skip) {
            from = skip < n ? skip : n;
            skip -= from;
        }
        if (n - from > hcap) {
            uint64_t *nh = realloc(hashes, (n - from) * sizeof *nh);
            if (!nh) {
                e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
                goto done;
            }
            hashes = nh;
            hcap = n - from;
        }
        for (size_t j = from; j < n; j++)
            hashes[j - from] = load64le(data.data + 16 + 8 * j);
        if (n > from) {
            e = cb(ctx, hashes, n - from);
            if (e != SL_OK) {
                sl_errf(e, errstr, errstr_size, "rebuilding the dedupe window: %s", sl_err_name(e));
                goto done;
            }
        }
    }
done:
    free(hashes);
    entries_free(&es);
    sl_buf_free(&dir);
    sl_buf_free(&data);
    return e;
}

/* ---------------------------------------------------------------- recovery */

/* Finishes one file of the newest manifest: final present with the manifest's size
 * (a leftover temporary is deleted), or temporary present with that size (renamed). */
static sl_err roll_forward(sl_store *s, const sl_lake_manifest *m, const sl_lake_file_entry *f,
                           const char *mpath, sl_lake_recovery *out, char *errstr, size_t errstr_size)
{
    sl_store_info st;
    const char *tb = strrchr(f->tmp, '/'), *fb = strrchr(f->final, '/');
    tb = tb ? tb + 1 : f->tmp;
    fb = fb ? fb + 1 : f->final;
    char prefix[SL_LAKE_TOPIC_MAX + 32];
    snprintf(prefix, sizeof prefix, "%s+%" PRId32 "+", m->topic, m->partition);
    if (!sl_lake_is_tmp_of(tb, m->topic, m->partition) || strncmp(fb, prefix, strlen(prefix)) != 0)
        return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                       "%s: file %s -> %s does not belong to topic %s partition %" PRId32, mpath, f->tmp,
                       f->final, m->topic, m->partition);
    sl_err e = sl_store_stat(s, f->final, &st, errstr, errstr_size);
    if (e == SL_OK) {
        if (st.is_dir || st.size != f->bytes)
            return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                           "%s: %s has %" PRIu64 " bytes but the manifest %s says %" PRIu64, mpath,
                           f->final, st.size, mpath, f->bytes);
        /* Done already; a temporary still there (link+unlink fallback) goes. */
        return sl_store_delete(s, f->tmp, 0, errstr, errstr_size);
    }
    if (e != SL_ERR_NOTFOUND)
        return e;
    e = sl_store_stat(s, f->tmp, &st, errstr, errstr_size);
    if (e == SL_ERR_NOTFOUND)
        return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                       "%s names %s, but neither it nor its temporary %s exists", mpath, f->final, f->tmp);
    if (e != SL_OK)
        return e;
    if (st.is_dir || st.size != f->bytes)
        return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                       "%s: temporary %s has %" PRIu64 " bytes but the manifest says %" PRIu64, mpath, f->tmp,
                       st.size, f->bytes);
    e = sl_store_rename(s, f->tmp, f->final, errstr, errstr_size);
    if (e == SL_OK)
        out->rolled_forward++;
    return e;
}

/* Deletes the temporary files of topic-partition found in folder `dir`. */
static sl_err sweep_dir(sl_store *s, const char *dir, const char *topic, int32_t partition,
                        sl_lake_recovery *out, char *errstr, size_t errstr_size)
{
    entries es;
    sl_buf p = { 0 };
    sl_err e = list_dir(s, dir, &es, errstr, errstr_size);
    for (size_t i = 0; e == SL_OK && i < es.n; i++) {
        if (es.info[i].is_dir || !sl_lake_is_tmp_of(es.name[i], topic, partition))
            continue;
        p.len = 0;
        if (sl_buf_printf(&p, "%s/%s", dir, es.name[i]) != SL_OK) {
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            break;
        }
        e = sl_store_delete(s, (const char *)p.data, 0, errstr, errstr_size);
        if (e == SL_OK)
            out->rolled_back++;
    }
    entries_free(&es);
    sl_buf_free(&p);
    return e;
}

/* Sweeps a table's dt folders, with or without tenant folders. */
static sl_err sweep_table(sl_store *s, const char *table, const char *topic, int32_t partition,
                          sl_lake_recovery *out, char *errstr, size_t errstr_size)
{
    entries top;
    sl_buf p = { 0 };
    sl_err e = list_dir(s, table, &top, errstr, errstr_size);
    for (size_t i = 0; e == SL_OK && i < top.n; i++) {
        if (!top.info[i].is_dir)
            continue;
        p.len = 0;
        if (sl_buf_printf(&p, "%s/%s", table, top.name[i]) != SL_OK) {
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            break;
        }
        if (strncmp(top.name[i], "dt=", 3) == 0) {
            e = sweep_dir(s, (const char *)p.data, topic, partition, out, errstr, errstr_size);
        } else if (strncmp(top.name[i], "tenant=", 7) == 0) {
            entries dts;
            char *tdir = strdup((const char *)p.data);
            if (!tdir) {
                e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
                break;
            }
            e = list_dir(s, tdir, &dts, errstr, errstr_size);
            for (size_t j = 0; e == SL_OK && j < dts.n; j++) {
                if (!dts.info[j].is_dir || strncmp(dts.name[j], "dt=", 3) != 0)
                    continue;
                p.len = 0;
                if (sl_buf_printf(&p, "%s/%s", tdir, dts.name[j]) != SL_OK) {
                    e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
                    break;
                }
                e = sweep_dir(s, (const char *)p.data, topic, partition, out, errstr, errstr_size);
            }
            entries_free(&dts);
            free(tdir);
        }
    }
    entries_free(&top);
    sl_buf_free(&p);
    return e;
}

/* Deletes the sidecars of ranges past `last` (never committed) and put leftovers. */
static sl_err sweep_sidecars(sl_store *s, const char *topic, int32_t partition, int64_t last,
                             sl_lake_recovery *out, char *errstr, size_t errstr_size)
{
    sl_buf dir = { 0 }, p = { 0 };
    entries es = { 0 };
    sl_err e;
    if (sl_buf_printf(&dir, DEDUPE_DIR "/%s/%" PRId32, topic, partition) != SL_OK) {
        e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        goto done;
    }
    e = list_dir(s, (const char *)dir.data, &es, errstr, errstr_size);
    if (e == SL_OK)
        e = delete_put_leftovers(s, (const char *)dir.data, &es, &out->rolled_back, errstr, errstr_size);
    for (size_t i = 0; e == SL_OK && i < es.n; i++) {
        int64_t f, l;
        if (es.info[i].is_dir || !sl_lake_range_name_parse(es.name[i], ".keys", &f, &l) || f <= last)
            continue;
        p.len = 0;
        if (sl_buf_printf(&p, "%s/%s", (const char *)dir.data, es.name[i]) != SL_OK) {
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            break;
        }
        e = sl_store_delete(s, (const char *)p.data, 0, errstr, errstr_size);
        if (e == SL_OK)
            out->rolled_back++;
    }
done:
    entries_free(&es);
    sl_buf_free(&dir);
    sl_buf_free(&p);
    return e;
}

/* ---------------------------------------------------------------- ownership epochs */

/* The newest epoch among a listed owners folder (0 when none). */
static uint64_t newest_epoch(const entries *es)
{
    uint64_t newest = 0;
    for (size_t i = 0; i < es->n; i++) {
        int64_t v;
        if (!es->info[i].is_dir && strlen(es->name[i]) == 20 && parse20(es->name[i], &v) && (uint64_t)v > newest)
            newest = (uint64_t)v;
    }
    return newest;
}

/* Claims the partition's next epoch (see lake.h): creates newest + 1 without
 * overwriting (on a race, the next free one), then deletes the older epochs (and any
 * put_atomic leftover). *epoch is the claimed one. The file is empty, so a crash
 * while creating it leaves nothing to misread; it is made durable with the lake's
 * next sync. */
static sl_err owner_claim(sl_store *s, const char *topic, int32_t partition, uint64_t *epoch, char *errstr,
                          size_t errstr_size)
{
    sl_buf dir = { 0 }, p = { 0 };
    entries es = { 0 };
    uint64_t dropped = 0;
    sl_err e = SL_OK;
    if (sl_buf_printf(&dir, OWNERS_DIR "/%s/%" PRId32, topic, partition) != SL_OK) {
        e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        goto done;
    }
    e = list_dir(s, (const char *)dir.data, &es, errstr, errstr_size);
    if (e == SL_OK)
        e = delete_put_leftovers(s, (const char *)dir.data, &es, &dropped, errstr, errstr_size);
    if (e != SL_OK)
        goto done;
    uint64_t next = newest_epoch(&es) + 1;
    for (int tries = 0;; tries++, next++) {
        p.len = 0;
        if (sl_buf_printf(&p, "%s/%020" PRIu64, (const char *)dir.data, next) != SL_OK) {
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            goto done;
        }
        /* An empty file: creating it is the atomic step (it never overwrites). */
        sl_store_file *f;
        e = sl_store_create(s, (const char *)p.data, &f, errstr, errstr_size);
        if (e == SL_OK)
            e = sl_store_file_finish(f, errstr, errstr_size);
        if (e != SL_ERR_EXISTS || tries == CLAIM_TRIES)
            break;
    }
    if (e != SL_OK)
        goto done;
    *epoch = next;
    for (size_t i = 0; e == SL_OK && i < es.n; i++) {
        int64_t v;
        if (es.info[i].is_dir || strlen(es.name[i]) != 20 || !parse20(es.name[i], &v) || (uint64_t)v >= next)
            continue;
        p.len = 0;
        if (sl_buf_printf(&p, "%s/%s", (const char *)dir.data, es.name[i]) != SL_OK) {
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            break;
        }
        e = sl_store_delete(s, (const char *)p.data, 0, errstr, errstr_size);
    }
done:
    entries_free(&es);
    sl_buf_free(&dir);
    sl_buf_free(&p);
    return e;
}

sl_err sl_lake_owner_check(sl_store *s, const char *topic, int32_t partition, uint64_t epoch, char *errstr,
                           size_t errstr_size)
{
    sl_buf dir = { 0 };
    entries es = { 0 };
    if (sl_buf_printf(&dir, OWNERS_DIR "/%s/%" PRId32, topic, partition) != SL_OK)
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    sl_err e = list_dir(s, (const char *)dir.data, &es, errstr, errstr_size);
    if (e == SL_OK) {
        uint64_t newest = newest_epoch(&es);
        if (newest > epoch)
            e = sl_errf(SL_ERR_FATAL, errstr, errstr_size,
                        "%s [%" PRId32 "] was recovered by another lander since this one took it (ownership epoch "
                        "%" PRIu64 " > %" PRIu64 "): this process lost the partition (stalled longer than its group "
                        "session?) or two landers share the lake; nothing of its range is committed",
                        topic, partition, newest, epoch);
    }
    entries_free(&es);
    sl_buf_free(&dir);
    return e;
}

sl_err sl_lake_recover(sl_store *s, const char *topic, int32_t partition, const char *const *tables,
                       size_t ntables, sl_lake_recovery *out, char *errstr, size_t errstr_size)
{
    memset(out, 0, sizeof *out);
    out->resume = -1;
    if (!sl_lake_topic_valid(topic))
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "'%s' is not a valid topic name", topic);
    if (partition < 0)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "partition %" PRId32 " is negative", partition);
    sl_lake_manifest m;
    int found;
    sl_buf mdir = { 0 }, mpath = { 0 };
    entries es = { 0 };
    sl_err e = SL_OK;
    if (sl_buf_printf(&mdir, MANIFEST_DIR "/%s/%" PRId32, topic, partition) != SL_OK) {
        e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        goto done;
    }
    /* Claim the partition first: a lander that had it and did not notice losing it
     * will see the newer epoch and touch nothing after our sweep (lake.h). */
    e = owner_claim(s, topic, partition, &out->epoch, errstr, errstr_size);
    if (e != SL_OK)
        goto done;
    /* Interrupted manifest writes leave only a put_atomic temporary: delete it. */
    e = list_dir(s, (const char *)mdir.data, &es, errstr, errstr_size);
    if (e == SL_OK)
        e = delete_put_leftovers(s, (const char *)mdir.data, &es, &out->rolled_back, errstr, errstr_size);
    if (e != SL_OK)
        goto done;
    e = sl_lake_manifest_newest(s, topic, partition, &m, &found, errstr, errstr_size);
    if (e != SL_OK)
        goto done;
    int64_t last = -1;
    if (found) {
        if (sl_lake_manifest_path(&mpath, topic, partition, m.first, m.last) != SL_OK)
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        for (size_t i = 0; e == SL_OK && i < m.nfiles; i++)
            e = roll_forward(s, &m, &m.files[i], (const char *)mpath.data, out, errstr, errstr_size);
        last = m.last;
        sl_lake_manifest_free(&m);
        if (e != SL_OK)
            goto done;
    }
    /* Renames rolled forward are made durable before anything new is committed. */
    if (e == SL_OK && out->rolled_forward)
        e = sl_store_sync(s, errstr, errstr_size);
    for (size_t t = 0; e == SL_OK && t < ntables; t++)
        e = sweep_table(s, tables[t], topic, partition, out, errstr, errstr_size);
    if (e == SL_OK)
        e = sweep_sidecars(s, topic, partition, last, out, errstr, errstr_size);
    if (e == SL_OK)
        out->resume = found ? last + 1 : -1;
done:
    entries_free(&es);
    sl_buf_free(&mdir);
    sl_buf_free(&mpath);
    return e;
}
