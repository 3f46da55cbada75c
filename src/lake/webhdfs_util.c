/*
 * webhdfs_util.c: URI, rewrite rules, encoding, redaction and answer parsing for the
 * WebHDFS store (webhdfs_util.h). No I/O, no global state.
 */
#include "lake/webhdfs_util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- small helpers */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Appends s[0..n) percent-decoded and NUL-terminated. -1 on a bad or %00 escape. */
static int pct_decode(sl_buf *out, const char *s, size_t n, int *nomem)
{
    *nomem = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            int a = i + 1 < n ? hexval((unsigned char)s[i + 1]) : -1;
            int b = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
            if (a < 0 || b < 0 || (a == 0 && b == 0))
                return -1;
            c = (unsigned char)(a * 16 + b);
            i += 2;
        }
        if (sl_buf_append(out, &c, 1) != SL_OK) {
            *nomem = 1;
            return -1;
        }
    }
    if (sl_buf_reserve(out, 1) != SL_OK) {
        *nomem = 1;
        return -1;
    }
    out->data[out->len] = 0;
    return 0;
}

/* Appends s[0..n) and keeps a NUL after it (not counted in len). */
static sl_err append_z(sl_buf *out, const char *s, size_t n)
{
    if (sl_buf_reserve(out, n + 1) != SL_OK)
        return SL_ERR_NOMEM;
    memcpy(out->data + out->len, s, n);
    out->len += n;
    out->data[out->len] = 0;
    return SL_OK;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

/* Parses "host[:port]" or "[v6]:port" of s[0..n). Fills host span and port (-1 when
 * absent). 0 on success, -1 with *why set. */
static int parse_hostport(const char *s, size_t n, const char **host, size_t *hostlen, long *port,
                          const char **why)
{
    size_t i = 0;
    *port = -1;
    if (n == 0) {
        *why = "empty host";
        return -1;
    }
    if (s[0] == '[') {
        const char *rb = memchr(s, ']', n);
        if (!rb || rb == s + 1) {
            *why = "unterminated or empty [IPv6] host";
            return -1;
        }
        for (const char *c = s + 1; c < rb; c++)
            if (!isxdigit((unsigned char)*c) && *c != ':' && *c != '.') {
                *why = "bad character in [IPv6] host";
                return -1;
            }
        *host = s;
        *hostlen = (size_t)(rb - s) + 1;
        i = *hostlen;
    } else {
        while (i < n && s[i] != ':') {
            unsigned char c = (unsigned char)s[i];
            if (!isalnum(c) && c != '.' && c != '-' && c != '_') {
                *why = c == '@' ? "user names and passwords do not belong in the URI" : "bad character in host";
                return -1;
            }
            i++;
        }
        if (i == 0) {
            *why = "empty host";
            return -1;
        }
        *host = s;
        *hostlen = i;
    }
    if (i == n)
        return 0;
    if (s[i] != ':') {
        *why = "junk after [IPv6] host";
        return -1;
    }
    i++;
    if (i == n || n - i > 5) {
        *why = "bad port";
        return -1;
    }
    long p = 0;
    for (; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) {
            *why = "bad port";
            return -1;
        }
        p = p * 10 + (s[i] - '0');
    }
    if (p < 1 || p > 65535) {
        *why = "port out of range (1-65535)";
        return -1;
    }
    *port = p;
    return 0;
}

/* ---------------------------------------------------------------- URI */

void sl_webhdfs_uri_free(sl_webhdfs_uri *u)
{
    if (!u)
        return;
    for (size_t i = 0; i < u->nhosts; i++)
        free(u->hosts[i]);
    free(u->hosts);
    free(u->path);
    free(u->shown);
    free(u->user);
    free(u->rewrite);
    free(u->ca_file);
    memset(u, 0, sizeof *u);
}

/* Normalises a decoded path: '/'-joined non-empty components, no "." or "..".
 * "" for the root. -1 on a "." / ".." component. */
static int norm_path(const char *in, sl_buf *out, int *nomem)
{
    *nomem = 0;
    const char *p = in;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        size_t n = strcspn(p, "/");
        if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return -1;
        if (sl_buf_append(out, "/", 1) != SL_OK || sl_buf_append(out, p, n) != SL_OK) {
            *nomem = 1;
            return -1;
        }
        p += n;
    }
    if (sl_buf_reserve(out, 1) != SL_OK) {
        *nomem = 1;
        return -1;
    }
    out->data[out->len] = 0;
    return 0;
}

static int parse_bool(const char *v, int *out)
{
    if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0) {
        *out = 1;
        return 0;
    }
    if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "no") == 0) {
        *out = 0;
        return 0;
    }
    return -1;
}

static int parse_long(const char *v, long lo, long hi, long *out)
{
    if (!*v || strlen(v) > 12)
        return -1;
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (*end || errno || x < lo || x > hi || !isdigit((unsigned char)v[0]))
        return -1;
    *out = x;
    return 0;
}

/* Applies one query parameter key=value (value decoded). */
static sl_err uri_option(sl_webhdfs_uri *u, const char *uri, const char *key, const char *val, char *errstr,
                         size_t errstr_size)
{
    long x;
    char **slot = NULL;
    if (strcmp(key, "user") == 0)
        slot = &u->user;
    else if (strcmp(key, "datanode_rewrite") == 0 || strcmp(key, "rewrite") == 0)
        slot = &u->rewrite;
    else if (strcmp(key, "ca_file") == 0)
        slot = &u->ca_file;
    if (slot) {
        if (!*val)
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s: option '%s' is empty", uri, key);
        free(*slot);
        if (!(*slot = strdup(val)))
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        return SL_OK;
    }
    if (strcmp(key, "httpfs") == 0) {
        if (parse_bool(val, &u->httpfs) != 0)
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s: httpfs=%s: expected 1 or 0", uri, val);
        return SL_OK;
    }
    if (strcmp(key, "auth") == 0) {
        if (strcmp(val, "kerberos") == 0 || strcmp(val, "spnego") == 0)
            u->kerberos = 1;
        else if (strcmp(val, "simple") == 0)
            u->kerberos = 0;
        else
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s: auth=%s: expected simple or kerberos", uri,
                           val);
        return SL_OK;
    }
    if (strcmp(key, "retries") == 0) {
        if (parse_long(val, 0, 20, &x) != 0)
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s: retries=%s: expected 0 to 20", uri, val);
        u->retries = (int)x;
        return SL_OK;
    }
    if (strcmp(key, "timeout_ms") == 0) {
        if (parse_long(val, 1, 3600000, &x) != 0)
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s: timeout_ms=%s: expected 1 to 3600000", uri,
                           val);
        u->timeout_ms = x;
        return SL_OK;
    }
    if (strcmp(key, "buffer_kb") == 0) {
        if (parse_long(val, 16, 65536, &x) != 0)
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s: buffer_kb=%s: expected 16 to 65536", uri,
                           val);
        u->buffer_kb = x;
        return SL_OK;
    }
    if (strcmp(key, "token") == 0 || strcmp(key, "delegation") == 0)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "a delegation token does not belong in the lake URI (it would be logged): set "
                       "HADOOP_TOKEN instead");
    return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                   "%s: unknown option '%s' (known: user, httpfs, datanode_rewrite, ca_file, auth, retries, "
                   "timeout_ms, buffer_kb)",
                   uri, key);
}

sl_err sl_webhdfs_uri_parse(const char *uri, sl_webhdfs_uri *out, char *errstr, size_t errstr_size)
{
    memset(out, 0, sizeof *out);
    out->httpfs = out->kerberos = out->retries = -1;
    out->timeout_ms = out->buffer_kb = -1;
    sl_buf b = { 0 }, kv = { 0 };
    sl_err e = SL_OK;
    int nomem = 0;
    const char *p, *scheme;
    if (strncmp(uri, "webhdfs://", 10) == 0) {
        p = uri + 10;
        scheme = "webhdfs";
    } else if (strncmp(uri, "swebhdfs://", 11) == 0) {
        p = uri + 11;
        scheme = "swebhdfs";
        out->tls = 1;
    } else {
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "'%s' is not a webhdfs:// or swebhdfs:// URI", uri);
    }
    /* NameNodes */
    size_t alen = strcspn(p, "/?#");
    if (alen == 0) {
        e = sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s: no NameNode host (webhdfs://HOST:PORT/path)", uri);
        goto err;
    }
    if (memchr(p, '@', alen)) {
        e = sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                    "user names and passwords do not belong in a webhdfs:// URI (use ?user=NAME or HADOOP_TOKEN)");
        goto err;
    }
    out->hosts = calloc(SL_WEBHDFS_MAX_HOSTS, sizeof *out->hosts);
    if (!out->hosts)
        goto nomem;
    const char *h = p, *aend = p + alen;
    while (h <= aend) {
        const char *comma = memchr(h, ',', (size_t)(aend - h));
        const char *hend = comma ? comma : aend;
        const char *host, *why = "";
        size_t hl;
        long port;
        if (parse_hostport(h, (size_t)(hend - h), &host, &hl, &port, &why) != 0) {
            e = sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s: NameNode '%.*s': %s", uri, (int)(hend - h), h, why);
            goto err;
        }
        if (out->nhosts == SL_WEBHDFS_MAX_HOSTS) {
            e = sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s: more than %d NameNodes", uri, SL_WEBHDFS_MAX_HOSTS);
            goto err;
        }
        b.len = 0;
        if (sl_buf_printf(&b, "%.*s:%ld", (int)hl, host,
                          port > 0 ? port : (out->tls ? SL_WEBHDFS_TLS_PORT : SL_WEBHDFS_PORT)) != SL_OK ||
            !(out->hosts[out->nhosts] = dup_n((const char *)b.data, b.len)))
            goto nomem;
        out->nhosts++;
        if (!comma)
            break;
        h = comma + 1;
    }
    /* Path */
    const char *q = aend;
    size_t plen = strcspn(q, "?#");
    b.len = 0;
    if (pct_decode(&b, q, plen, &nomem) != 0) {
        if (nomem)
            goto nomem;
        e = sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s: bad %%-escape in the path", uri);
        goto err;
    }
    if (memchr(b.data, 0, b.len)) {
        e = sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s: NUL byte in the path", uri);
        goto err;
    }
    kv.len = 0;
    if (norm_path((const char *)b.data, &kv, &nomem) != 0) {
        if (nomem)
            goto nomem;
        e = sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s: the path has a '.' or '..' component", uri);
        goto err;
    }
    if (!(out->path = dup_n((const char *)kv.data, kv.len)))
        goto nomem;
    q += plen;
    /* Options */
    if (*q == '?') {
        q++;
        while (*q && *q != '#') {
            size_t n = strcspn(q, "&#");
            const char *eq = memchr(q, '=', n);
            if (n > 0) {
                if (!eq) {
                    e = sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s: option '%.*s' has no '=VALUE'", uri,
                                (int)n, q);
                    goto err;
                }
                b.len = 0;
                kv.len = 0;
                if (pct_decode(&b, q, (size_t)(eq - q), &nomem) != 0 ||
                    pct_decode(&kv, eq + 1, n - (size_t)(eq - q) - 1, &nomem) != 0) {
                    if (nomem)
                        goto nomem;
                    e = sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s: bad %%-escape in option '%.*s'", uri,
                                (int)n, q);
                    goto err;
                }
                e = uri_option(out, uri, (const char *)b.data, (const char *)kv.data, errstr, errstr_size);
                if (e != SL_OK)
                    goto err;
            }
            q += n;
            if (*q == '&')
                q++;
        }
    }
    if (*q == '#') {
        e = sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s: a '#fragment' has no meaning here", uri);
        goto err;
    }
    b.len = 0;
    if (sl_buf_printf(&b, "%s://", scheme) != SL_OK)
        goto nomem;
    for (size_t i = 0; i < out->nhosts; i++)
        if (sl_buf_printf(&b, "%s%s", i ? "," : "", out->hosts[i]) != SL_OK)
            goto nomem;
    if (sl_buf_printf(&b, "%s", out->path[0] ? out->path : "/") != SL_OK ||
        !(out->shown = dup_n((const char *)b.data, b.len)))
        goto nomem;
    sl_buf_free(&b);
    sl_buf_free(&kv);
    return SL_OK;
nomem:
    e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
err:
    sl_buf_free(&b);
    sl_buf_free(&kv);
    sl_webhdfs_uri_free(out);
    return e;
}

/* ---------------------------------------------------------------- rewrite */

typedef struct rw_rule {
    char *from;
    long from_port; /* -1: any */
    char *to;       /* host as written ([v6] kept) */
    long to_port;   /* -1: keep */
} rw_rule;

struct sl_webhdfs_rewrite {
    rw_rule *r;
    size_t n;
};

void sl_webhdfs_rewrite_free(sl_webhdfs_rewrite *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->r[i].from);
        free(r->r[i].to);
    }
    free(r->r);
    free(r);
}

sl_err sl_webhdfs_rewrite_parse(const char *spec, sl_webhdfs_rewrite **out, char *errstr, size_t errstr_size)
{
    *out = NULL;
    if (!spec || !*spec)
        return SL_OK;
    sl_webhdfs_rewrite *r = calloc(1, sizeof *r);
    size_t max = 1;
    for (const char *c = spec; *c; c++)
        max += *c == ',';
    if (!r || !(r->r = calloc(max, sizeof *r->r))) {
        free(r);
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    }
    const char *p = spec;
    sl_err e = SL_OK;
    for (;;) {
        size_t n = strcspn(p, ",");
        const char *eq = memchr(p, '=', n);
        const char *fh, *th, *why = "";
        size_t fl, tl;
        long fp, tp;
        if (!eq) {
            e = sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                        "DataNode rewrite '%.*s': expected FROM=TO (host or host:port each)", (int)n, p);
            goto err;
        }
        if (parse_hostport(p, (size_t)(eq - p), &fh, &fl, &fp, &why) != 0 ||
            parse_hostport(eq + 1, n - (size_t)(eq - p) - 1, &th, &tl, &tp, &why) != 0) {
            e = sl_errf(SL_ERR_INVALID, errstr, errstr_size, "DataNode rewrite '%.*s': %s", (int)n, p, why);
            goto err;
        }
        rw_rule *rr = &r->r[r->n];
        if (!(rr->from = dup_n(fh, fl)) || !(rr->to = dup_n(th, tl))) {
            r->n++;
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            goto err;
        }
        rr->from_port = fp;
        rr->to_port = tp;
        r->n++;
        p += n;
        if (!*p)
            break;
        p++;
    }
    *out = r;
    return SL_OK;
err:
    sl_webhdfs_rewrite_free(r);
    return e;
}

/* Splits an absolute http(s) URL: scheme length (up to "://"), the authority span
 * and, inside it, the host span and port. -1 when it is not one. */
typedef struct url_parts {
    size_t scheme_end;  /* index just past "://" */
    size_t auth_end;    /* index of the first '/', '?', '#' after the authority (or len) */
    size_t host_start, host_len;
    long port;          /* -1 when absent */
    size_t port_start;  /* index of ':' before the port, or host end */
    int https;
} url_parts;

static int url_split(const char *url, url_parts *u)
{
    memset(u, 0, sizeof *u);
    if (strncasecmp(url, "http://", 7) == 0)
        u->scheme_end = 7;
    else if (strncasecmp(url, "https://", 8) == 0) {
        u->scheme_end = 8;
        u->https = 1;
    } else
        return -1;
    const char *a = url + u->scheme_end;
    size_t alen = strcspn(a, "/?#");
    const char *at = NULL;
    for (size_t i = 0; i < alen; i++)
        if (a[i] == '@')
            at = a + i;
    size_t hs = at ? (size_t)(at - a) + 1 : 0;
    const char *host, *why;
    size_t hl;
    long port;
    if (parse_hostport(a + hs, alen - hs, &host, &hl, &port, &why) != 0)
        return -1;
    u->host_start = u->scheme_end + hs;
    u->host_len = hl;
    u->port = port;
    u->port_start = u->host_start + hl;
    u->auth_end = u->scheme_end + alen;
    return 0;
}

sl_err sl_webhdfs_rewrite_apply(const sl_webhdfs_rewrite *r, const char *url, sl_buf *out)
{
    url_parts u;
    if (url_split(url, &u) != 0)
        return SL_ERR_PARSE;
    long eff_port = u.port > 0 ? u.port : (u.https ? 443 : 80);
    const rw_rule *hit = NULL;
    for (size_t i = 0; r && i < r->n && !hit; i++) {
        const rw_rule *rr = &r->r[i];
        if (strlen(rr->from) == u.host_len && strncasecmp(rr->from, url + u.host_start, u.host_len) == 0 &&
            (rr->from_port < 0 || rr->from_port == eff_port))
            hit = rr;
    }
    if (!hit)
        return append_z(out, url, strlen(url));
    sl_err e = append_z(out, url, u.host_start);
    if (e == SL_OK)
        e = append_z(out, hit->to, strlen(hit->to));
    if (e == SL_OK) {
        if (hit->to_port > 0)
            e = sl_buf_printf(out, ":%ld", hit->to_port);
        else
            e = append_z(out, url + u.port_start, u.auth_end - u.port_start);
    }
    if (e == SL_OK)
        e = append_z(out, url + u.auth_end, strlen(url + u.auth_end));
    return e;
}

/* ---------------------------------------------------------------- encoding */

sl_err sl_webhdfs_pct_encode(sl_buf *out, const char *s, size_t n, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    if (sl_buf_reserve(out, n * 3 + 1) != SL_OK)
        return SL_ERR_NOMEM;
    uint8_t *d = out->data + out->len;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/')) {
            *d++ = c;
        } else {
            *d++ = '%';
            *d++ = (uint8_t)hex[c >> 4];
            *d++ = (uint8_t)hex[c & 15];
        }
    }
    out->len = (size_t)(d - out->data);
    out->data[out->len] = 0;
    return SL_OK;
}

void sl_webhdfs_redact(const char *url, char *out, size_t out_size)
{
    static const char *const secret[] = { "delegation", "token", "password", "user.password", "signature" };
    size_t o = 0;
    const char *p = url;
    int in_query = 0;
    if (out_size == 0)
        return;
    while (*p && o + 1 < out_size) {
        char c = *p;
        out[o++] = c;
        p++;
        if (c == '?')
            in_query = 1;
        if (c == '#')
            in_query = 0;
        if (!in_query || (c != '?' && c != '&'))
            continue;
        size_t klen = strcspn(p, "=&#");
        if (p[klen] != '=')
            continue;
        for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++) {
            if (strlen(secret[i]) == klen && strncasecmp(p, secret[i], klen) == 0) {
                for (size_t k = 0; k <= klen && o + 1 < out_size; k++)
                    out[o++] = p[k];
                p += klen + 1;
                for (const char *m = "***"; *m && o + 1 < out_size; m++)
                    out[o++] = *m;
                p += strcspn(p, "&#");
                break;
            }
        }
    }
    out[o] = 0;
}

void sl_webhdfs_url_hostport(const char *url, char *out, size_t out_size)
{
    url_parts u;
    if (out_size == 0)
        return;
    if (url_split(url, &u) != 0) {
        snprintf(out, out_size, "?");
        return;
    }
    snprintf(out, out_size, "%.*s", (int)(u.auth_end - u.host_start), url + u.host_start);
}

/* ---------------------------------------------------------------- answers */

/* Copies a JSON string into out (cut to fit), control characters as spaces. */
static void copy_str(const sl_json_val *v, char *out, size_t out_size)
{
    size_t n;
    const char *s = sl_json_get_str(v, &n);
    if (out_size == 0)
        return;
    if (n >= out_size)
        n = out_size - 1;
    for (size_t i = 0; i < n; i++)
        out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i];
    out[n] = 0;
}

static const sl_json_val *member(const sl_json_val *obj, const char *key, sl_json_type t)
{
    const sl_json_val *v = sl_json_obj_get(obj, key, strlen(key));
    return v && sl_json_get_type(v) == t ? v : NULL;
}

int sl_webhdfs_remote_exception(sl_json_parser *p, const char *body, size_t len, char *exception,
                                size_t exception_size, char *message, size_t message_size)
{
    if (exception_size)
        exception[0] = 0;
    if (message_size)
        message[0] = 0;
    if (!body || len == 0)
        return 0;
    sl_json_error jerr;
    const sl_json_val *root = sl_json_parse(p, body, len, &jerr);
    if (!root || sl_json_get_type(root) != SL_JSON_OBJECT)
        return 0;
    const sl_json_val *re = member(root, "RemoteException", SL_JSON_OBJECT);
    if (!re)
        return 0;
    const sl_json_val *ex = member(re, "exception", SL_JSON_STRING);
    const sl_json_val *msg = member(re, "message", SL_JSON_STRING);
    const sl_json_val *jc = member(re, "javaClassName", SL_JSON_STRING);
    if (ex) {
        copy_str(ex, exception, exception_size);
    } else if (jc && exception_size) {
        /* Only the class name: keep its simple name. */
        size_t n;
        const char *s = sl_json_get_str(jc, &n);
        const char *dot = s;
        for (size_t i = 0; i < n; i++)
            if (s[i] == '.' || s[i] == '$')
                dot = s + i + 1;
        size_t k = n - (size_t)(dot - s);
        if (k >= exception_size)
            k = exception_size - 1;
        memcpy(exception, dot, k);
        exception[k] = 0;
    }
    if (msg)
        copy_str(msg, message, message_size);
    return ex || msg || jc;
}

static int is(const char *a, const char *b) { return strcmp(a, b) == 0; }

sl_err sl_webhdfs_classify(long http_code, const char *exception, const char *message, int *try_next)
{
    *try_next = 0;
    if (!exception)
        exception = "";
    if (!message)
        message = "";
    if (is(exception, "StandbyException") || is(exception, "ObserverRetryOnActiveException")) {
        *try_next = 1;
        return SL_ERR_RETRY;
    }
    if (is(exception, "SafeModeException") || is(exception, "RetriableException") ||
        is(exception, "RecoveryInProgressException") || is(exception, "AlreadyBeingCreatedException") ||
        is(exception, "NotReplicatedYetException") || is(exception, "ConnectTimeoutException") ||
        is(exception, "SocketTimeoutException") || strstr(message, "SafeModeException"))
        return SL_ERR_RETRY;
    if (is(exception, "FileNotFoundException"))
        return SL_ERR_NOTFOUND;
    if (is(exception, "FileAlreadyExistsException"))
        return SL_ERR_EXISTS;
    if (is(exception, "AccessControlException") || is(exception, "SecurityException") ||
        is(exception, "InvalidToken") || is(exception, "AuthorizationException") ||
        is(exception, "AuthenticationException") || is(exception, "DSQuotaExceededException") ||
        is(exception, "NSQuotaExceededException") || is(exception, "QuotaExceededException"))
        return SL_ERR_FATAL;
    if (is(exception, "IllegalArgumentException") || is(exception, "UnsupportedOperationException") ||
        is(exception, "InvalidPathException"))
        return SL_ERR_INVALID;
    if (is(exception, "ParentNotDirectoryException") || is(exception, "PathIsNotEmptyDirectoryException"))
        return SL_ERR_IO;
    if (http_code >= 500 || http_code == 408 || http_code == 429)
        return SL_ERR_RETRY;
    if (http_code == 404)
        return SL_ERR_NOTFOUND;
    if (http_code == 400)
        return SL_ERR_INVALID;
    if (http_code == 409)
        return SL_ERR_EXISTS;
    return SL_ERR_FATAL;
}

sl_err sl_webhdfs_status_parse(const sl_json_val *obj, sl_store_info *st, unsigned *perm, const char **suffix,
                               size_t *suffix_len, char *owner, size_t owner_size, char *errstr,
                               size_t errstr_size)
{
    if (!obj || sl_json_get_type(obj) != SL_JSON_OBJECT)
        return sl_errf(SL_ERR_PARSE, errstr, errstr_size, "FileStatus is not a JSON object");
    const sl_json_val *type = member(obj, "type", SL_JSON_STRING);
    const sl_json_val *len = member(obj, "length", SL_JSON_INT);
    const sl_json_val *mt = member(obj, "modificationTime", SL_JSON_INT);
    const sl_json_val *pm = member(obj, "permission", SL_JSON_STRING);
    const sl_json_val *sx = member(obj, "pathSuffix", SL_JSON_STRING);
    const sl_json_val *ow = member(obj, "owner", SL_JSON_STRING);
    if (!type)
        return sl_errf(SL_ERR_PARSE, errstr, errstr_size, "FileStatus has no string 'type'");
    size_t tn;
    const char *ts = sl_json_get_str(type, &tn);
    if (tn == 9 && memcmp(ts, "DIRECTORY", 9) == 0)
        st->is_dir = 1;
    else if ((tn == 4 && memcmp(ts, "FILE", 4) == 0) || (tn == 7 && memcmp(ts, "SYMLINK", 7) == 0))
        st->is_dir = 0;
    else
        return sl_errf(SL_ERR_PARSE, errstr, errstr_size, "FileStatus type '%.*s' is unknown", (int)(tn > 40 ? 40 : tn),
                       ts);
    if (!len || len->u.i < 0)
        return sl_errf(SL_ERR_PARSE, errstr, errstr_size, "FileStatus has no non-negative integer 'length'");
    st->size = (uint64_t)len->u.i;
    st->mtime_ms = mt ? mt->u.i : 0;
    unsigned bits = 0;
    if (pm) {
        size_t n;
        const char *s = sl_json_get_str(pm, &n);
        if (n == 0 || n > 5)
            return sl_errf(SL_ERR_PARSE, errstr, errstr_size, "FileStatus permission is not an octal number");
        for (size_t i = 0; i < n; i++) {
            if (s[i] < '0' || s[i] > '7')
                return sl_errf(SL_ERR_PARSE, errstr, errstr_size, "FileStatus permission is not an octal number");
            bits = bits * 8 + (unsigned)(s[i] - '0');
        }
    }
    if (perm)
        *perm = bits & 07777;
    if (suffix) {
        if (sx) {
            *suffix = sl_json_get_str(sx, suffix_len);
        } else {
            *suffix = "";
            *suffix_len = 0;
        }
    }
    if (owner && owner_size) {
        owner[0] = 0;
        if (ow)
            copy_str(ow, owner, owner_size);
    }
    return SL_OK;
}

sl_err sl_webhdfs_boolean_parse(sl_json_parser *p, const char *body, size_t len, int *value, char *errstr,
                                size_t errstr_size)
{
    sl_json_error jerr;
    const sl_json_val *root = body && len ? sl_json_parse(p, body, len, &jerr) : NULL;
    const sl_json_val *b = root && sl_json_get_type(root) == SL_JSON_OBJECT
                               ? sl_json_obj_get(root, "boolean", 7)
                               : NULL;
    if (!b || (sl_json_get_type(b) != SL_JSON_TRUE && sl_json_get_type(b) != SL_JSON_FALSE))
        return sl_errf(SL_ERR_PARSE, errstr, errstr_size, "expected {\"boolean\": true|false}, got '%.*s'",
                       (int)(len > 80 ? 80 : len), body ? body : "");
    *value = sl_json_get_type(b) == SL_JSON_TRUE;
    return SL_OK;
}

static int cmp_entries(const void *a, const void *b)
{
    return strcmp(((const sl_webhdfs_entry *)a)->name, ((const sl_webhdfs_entry *)b)->name);
}

sl_err sl_webhdfs_list_parse(sl_json_parser *p, const char *body, size_t len, sl_webhdfs_entry **entries,
                             size_t *n, size_t *cap, sl_buf *names, int *is_file, char *errstr,
                             size_t errstr_size)
{
    sl_json_error jerr;
    *is_file = 0;
    size_t first = *n;
    const sl_json_val *root = body && len ? sl_json_parse(p, body, len, &jerr) : NULL;
    if (!root) {
        char where[160];
        if (!body || !len)
            return sl_errf(SL_ERR_PARSE, errstr, errstr_size, "LISTSTATUS answer is empty");
        return sl_errf(SL_ERR_PARSE, errstr, errstr_size, "LISTSTATUS answer is not JSON: %s",
                       sl_json_error_format(&jerr, where, sizeof where));
    }
    const sl_json_val *fss = sl_json_get_type(root) == SL_JSON_OBJECT ? member(root, "FileStatuses", SL_JSON_OBJECT)
                                                                        : NULL;
    const sl_json_val *arr = fss ? member(fss, "FileStatus", SL_JSON_ARRAY) : NULL;
    if (!arr)
        return sl_errf(SL_ERR_PARSE, errstr, errstr_size, "LISTSTATUS answer has no FileStatuses.FileStatus array");
    size_t count = (size_t)sl_json_get_len(arr), i = 0;
    for (const sl_json_val *v = sl_json_first(arr); v && i < count; v = sl_json_skip(v), i++) {
        sl_store_info st;
        const char *sfx;
        size_t sl;
        char why[200];
        if (sl_webhdfs_status_parse(v, &st, NULL, &sfx, &sl, NULL, 0, why, sizeof why) != SL_OK)
            return sl_errf(SL_ERR_PARSE, errstr, errstr_size, "LISTSTATUS entry %zu: %s", i, why);
        if (sl == 0 && count == 1 && !st.is_dir) {
            *is_file = 1;
            return SL_OK;
        }
        if (sl == 0 || memchr(sfx, '/', sl) || memchr(sfx, 0, sl) || (sl == 1 && sfx[0] == '.') ||
            (sl == 2 && sfx[0] == '.' && sfx[1] == '.'))
            return sl_errf(SL_ERR_PARSE, errstr, errstr_size, "LISTSTATUS entry %zu has a bad pathSuffix '%.*s'", i,
                           (int)(sl > 80 ? 80 : sl), sfx);
        if (*n == *cap) {
            size_t nc = *cap ? *cap * 2 : 64;
            sl_webhdfs_entry *ne = realloc(*entries, nc * sizeof *ne);
            if (!ne)
                return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            *entries = ne;
            *cap = nc;
        }
        (*entries)[*n].name_off = names->len;
        (*entries)[*n].info = st;
        (*entries)[*n].name = NULL;
        (*n)++;
        if (sl_buf_append(names, sfx, sl) != SL_OK || sl_buf_append(names, "", 1) != SL_OK)
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    }
    for (size_t k = first; k < *n; k++)
        (*entries)[k].name = (const char *)names->data + (*entries)[k].name_off;
    if (*n - first > 1)
        qsort(*entries + first, *n - first, sizeof **entries, cmp_entries);
    return SL_OK;
}
