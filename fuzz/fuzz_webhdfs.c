/*
 * fuzz_webhdfs.c: libFuzzer target for the parsers of the WebHDFS store
 * (src/lake/webhdfs_util.c): what a user types (the lake URI, the DataNode rewrite
 * rule) and what a NameNode or DataNode answers (RemoteException, FileStatus,
 * FileStatuses, boolean, redirect Locations). The first byte picks the parser, the
 * rest is its input:
 *   0: a lake URI              1: rewrite rules, '\n', a Location URL to rewrite
 *   2: a RemoteException body  3: a LISTSTATUS body     4: a GETFILESTATUS body
 *   5: a {"boolean"} body      6: a URL to redact / take host:port from
 * Nothing may crash, leak or read out of bounds; results are checked for basic
 * consistency (NUL-terminated, sorted listings, names without '/').
 */
#include "lake/webhdfs_util.h"

#include <stdlib.h>
#include <string.h>

static void check_cstr(const char *s, size_t max)
{
    if (!s || strnlen(s, max) >= max)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned mode = data[0] % 7;
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    char *z = malloc(n + 1); /* NUL-terminated copy for the string APIs */
    if (!z)
        return 0;
    memcpy(z, in, n);
    z[n] = 0;
    char err[512];
    sl_json_parser *p = sl_json_parser_new(NULL);
    if (!p) {
        free(z);
        return 0;
    }
    switch (mode) {
    case 0: {
        sl_webhdfs_uri u;
        if (sl_webhdfs_uri_parse(z, &u, err, sizeof err) == SL_OK) {
            if (u.nhosts == 0 || u.nhosts > SL_WEBHDFS_MAX_HOSTS)
                abort();
            for (size_t i = 0; i < u.nhosts; i++)
                check_cstr(u.hosts[i], 1 << 20);
            if (u.path[0] && (u.path[0] != '/' || u.path[strlen(u.path) - 1] == '/' || strstr(u.path, "//")))
                abort();
            check_cstr(u.shown, 1 << 20);
            sl_webhdfs_uri_free(&u);
        } else {
            check_cstr(err, sizeof err);
        }
        break;
    }
    case 1: {
        char *nl = strchr(z, '\n');
        const char *url = nl ? nl + 1 : "http://dn:9864/webhdfs/v1/x?op=OPEN";
        if (nl)
            *nl = 0;
        sl_webhdfs_rewrite *r = NULL;
        if (sl_webhdfs_rewrite_parse(z, &r, err, sizeof err) == SL_OK) {
            sl_buf b = { 0 };
            if (sl_webhdfs_rewrite_apply(r, url, &b) == SL_OK && (!b.data || b.data[b.len] != 0))
                abort();
            sl_buf_free(&b);
            sl_webhdfs_rewrite_free(r);
        }
        break;
    }
    case 2: {
        char exc[64], msg[128];
        int has = sl_webhdfs_remote_exception(p, in, n, exc, sizeof exc, msg, sizeof msg);
        check_cstr(exc, sizeof exc);
        check_cstr(msg, sizeof msg);
        for (const char *c = msg; *c; c++)
            if ((unsigned char)*c < 0x20)
                abort();
        int next;
        sl_err e = sl_webhdfs_classify(has ? 403 : 500, exc, msg, &next);
        if (e == SL_OK)
            abort();
        break;
    }
    case 3: {
        sl_webhdfs_entry *ents = NULL;
        size_t cnt = 0, cap = 0;
        sl_buf names = { 0 };
        int is_file;
        if (sl_webhdfs_list_parse(p, in, n, &ents, &cnt, &cap, &names, &is_file, err, sizeof err) == SL_OK) {
            for (size_t i = 0; i < cnt; i++) {
                if (!ents[i].name[0] || strchr(ents[i].name, '/'))
                    abort();
                if (i && strcmp(ents[i - 1].name, ents[i].name) > 0)
                    abort();
            }
        }
        free(ents);
        sl_buf_free(&names);
        break;
    }
    case 4: {
        sl_json_error jerr;
        const sl_json_val *root = sl_json_parse(p, in, n, &jerr);
        const sl_json_val *fs = root && sl_json_get_type(root) == SL_JSON_OBJECT
                                    ? sl_json_obj_get(root, "FileStatus", 10)
                                    : NULL;
        sl_store_info st;
        unsigned perm;
        const char *sfx;
        size_t sl;
        char owner[32];
        if (fs && sl_webhdfs_status_parse(fs, &st, &perm, &sfx, &sl, owner, sizeof owner, err, sizeof err) == SL_OK) {
            if (perm > 07777)
                abort();
            check_cstr(owner, sizeof owner);
        }
        break;
    }
    case 5: {
        int v;
        if (sl_webhdfs_boolean_parse(p, in, n, &v, err, sizeof err) == SL_OK && v != 0 && v != 1)
            abort();
        break;
    }
    default: {
        char out[256];
        sl_webhdfs_redact(z, out, sizeof out);
        check_cstr(out, sizeof out);
        /* Nothing secret-looking: copied unchanged. */
        if (strlen(z) < sizeof out && strcmp(out, z) != 0 && !strcasestr(z, "delegation=") &&
            !strcasestr(z, "token=") && !strcasestr(z, "password=") && !strcasestr(z, "signature="))
            abort();
        sl_webhdfs_url_hostport(z, out, sizeof out);
        check_cstr(out, sizeof out);
        sl_buf b = { 0 };
        if (sl_webhdfs_pct_encode(&b, in, n, n & 1) != SL_OK || b.len < n)
            abort();
        sl_buf_free(&b);
        break;
    }
    }
    sl_json_parser_destroy(p);
    free(z);
    return 0;
}
