/* tenant.c: --tenant-from parsing and tenant-id extraction (tenant.h). */
#include "lake/tenant.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"

#define TENANT_MAX 64
#define SHOW_MAX 80

struct sl_tenant_extractor {
    sl_tenant_from tf;
    sl_json_parser *json; /* field mode only */
};

sl_err sl_tenant_from_parse(const char *spec, sl_tenant_from *out, char *errstr, size_t errstr_size)
{
    memset(out, 0, sizeof *out);
    if (strncmp(spec, "header:", 7) == 0) {
        if (!spec[7])
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "--tenant-from header:NAME needs a header name");
        out->src = SL_TENANT_HEADER;
        out->arg = spec + 7;
        return SL_OK;
    }
    if (strcmp(spec, "key-prefix") == 0) {
        out->src = SL_TENANT_KEY_PREFIX;
        return SL_OK;
    }
    if (strcmp(spec, "topic-suffix") == 0) {
        out->src = SL_TENANT_TOPIC_SUFFIX;
        return SL_OK;
    }
    if (strncmp(spec, "field:", 6) == 0) {
        const char *p = spec + 6;
        size_t n = strlen(p);
        if (n == 0 || p[0] == '.' || p[n - 1] == '.' || strstr(p, ".."))
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                           "--tenant-from field:PATH wants a field name or a dotted path such as a.b, got '%s'", p);
        out->src = SL_TENANT_FIELD;
        out->arg = p;
        return SL_OK;
    }
    return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                   "--tenant-from wants header:NAME, key-prefix, topic-suffix or field:PATH, got '%s'", spec);
}

int sl_tenant_valid(const char *s, size_t n)
{
    if (!s || n == 0 || n > TENANT_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

sl_tenant_extractor *sl_tenant_extractor_new(const sl_tenant_from *tf, char *errstr, size_t errstr_size)
{
    if (!tf || tf->src == SL_TENANT_NONE ||
        ((tf->src == SL_TENANT_HEADER || tf->src == SL_TENANT_FIELD) && (!tf->arg || !*tf->arg))) {
        sl_errf(SL_ERR_INVALID, errstr, errstr_size, "tenant source is incomplete");
        return NULL;
    }
    sl_tenant_extractor *x = calloc(1, sizeof *x);
    if (!x)
        goto nomem;
    x->tf = *tf;
    if (tf->src == SL_TENANT_FIELD && !(x->json = sl_json_parser_new(NULL)))
        goto nomem;
    return x;
nomem:
    sl_tenant_extractor_destroy(x);
    sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    return NULL;
}

void sl_tenant_extractor_destroy(sl_tenant_extractor *x)
{
    if (!x)
        return;
    sl_json_parser_destroy(x->json);
    free(x);
}

/* Writes s[0..n) quoted into out, bytes outside printable ASCII as \xHH, cut
 * after SHOW_MAX bytes with "...". */
static void show(char *out, size_t out_size, const char *s, size_t n)
{
    size_t o = 0;
    if (out_size < 8) {
        if (out_size)
            out[0] = 0;
        return;
    }
    out[o++] = '"';
    for (size_t i = 0; i < n && i < SHOW_MAX && o + 8 < out_size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, out_size - o, "\\x%02x", c);
    }
    if (n > SHOW_MAX && o + 5 < out_size) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o++] = '"';
    out[o] = 0;
}

/* Checks a candidate id; fills reason naming `what` when it is not one. */
static int check(const char *what, const char *s, size_t n, const char **id, size_t *id_len, char *reason,
                 size_t reason_size)
{
    if (!sl_tenant_valid(s, n)) {
        char shown[SHOW_MAX * 4 + 16];
        show(shown, sizeof shown, s, n);
        snprintf(reason, reason_size, "tenant: %s is %s, not a tenant id ([a-z0-9_-]{1,64})", what, shown);
        return -1;
    }
    *id = s;
    *id_len = n;
    return 0;
}

/* Walks a dotted path from the root object. NULL when any step is missing. */
static const sl_json_val *walk(const sl_json_val *v, const char *path)
{
    const char *p = path;
    while (v) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        v = sl_json_obj_get(v, p, n);
        if (!dot)
            return v;
        p = dot + 1;
    }
    return NULL;
}

int sl_tenant_extract(sl_tenant_extractor *x, const char *msg, size_t len, const sl_origin *origin,
                      const char **id, size_t *id_len, char *reason, size_t reason_size)
{
    char what[160];
    switch (x->tf.src) {
    case SL_TENANT_HEADER: {
        snprintf(what, sizeof what, "header '%s'", x->tf.arg);
        for (size_t i = 0; origin && i < origin->header_count; i++) {
            const sl_header *h = &origin->headers[i];
            if (h->name && strcmp(h->name, x->tf.arg) == 0) {
                if (!h->value) {
                    snprintf(reason, reason_size, "tenant: %s has no value", what);
                    return -1;
                }
                return check(what, h->value, h->value_len, id, id_len, reason, reason_size);
            }
        }
        snprintf(reason, reason_size, "tenant: the message has no %s", what);
        return -1;
    }
    case SL_TENANT_KEY_PREFIX: {
        if (!origin || !origin->key) {
            snprintf(reason, reason_size, "tenant: the message has no key (key-prefix wants TENANT:... or TENANT/...)");
            return -1;
        }
        const char *k = origin->key;
        size_t n = 0;
        while (n < origin->key_len && k[n] != ':' && k[n] != '/')
            n++;
        if (n == origin->key_len) {
            char shown[SHOW_MAX * 4 + 16];
            show(shown, sizeof shown, k, origin->key_len);
            snprintf(reason, reason_size, "tenant: key %s has no ':' or '/' after a tenant id", shown);
            return -1;
        }
        return check("the key prefix", k, n, id, id_len, reason, reason_size);
    }
    case SL_TENANT_TOPIC_SUFFIX: {
        const char *t = origin ? origin->topic : NULL;
        const char *cut = NULL;
        for (const char *c = t; c && *c; c++)
            if (*c == '.' || *c == '-')
                cut = c;
        if (!cut) {
            snprintf(reason, reason_size, "tenant: topic '%s' has no '.' or '-' before a tenant id",
                     t ? t : "(none)");
            return -1;
        }
        snprintf(what, sizeof what, "the suffix of topic '%s'", t);
        return check(what, cut + 1, strlen(cut + 1), id, id_len, reason, reason_size);
    }
    case SL_TENANT_FIELD: {
        sl_json_error jerr;
        const sl_json_val *root = sl_json_parse(x->json, msg, len, &jerr);
        if (!root) {
            char where[128];
            snprintf(reason, reason_size, "tenant: field %s: invalid JSON: %s", x->tf.arg,
                     sl_json_error_format(&jerr, where, sizeof where));
            return -1;
        }
        const sl_json_val *v = walk(root, x->tf.arg);
        if (!v || sl_json_get_type(v) == SL_JSON_NULL) {
            snprintf(reason, reason_size, "tenant: field %s is %s", x->tf.arg, v ? "null" : "missing");
            return -1;
        }
        if (sl_json_get_type(v) != SL_JSON_STRING) {
            snprintf(reason, reason_size, "tenant: field %s is not a string", x->tf.arg);
            return -1;
        }
        size_t n;
        const char *s = sl_json_get_str(v, &n);
        snprintf(what, sizeof what, "field %s", x->tf.arg);
        return check(what, s, n, id, id_len, reason, reason_size);
    }
    case SL_TENANT_NONE:
        break;
    }
    snprintf(reason, reason_size, "tenant: no tenant source");
    return -1;
}
