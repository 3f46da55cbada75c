/*
 * store.c: the backend-independent half of the storage interface (store.h):
 * dispatch of a URI to a backend, path validation, and the helpers built on the
 * backend vtable (file_out, read_all, put_atomic, in_close).
 *
 * Every public call validates its paths here, once, so a backend can assume a
 * relative '/'-separated path with no "", "." or ".." component.
 */
#include "lake/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Checks a store path: relative, '/'-separated, no empty, "." or ".." component,
 * no NUL bytes by construction. allow_root: the empty path names the root
 * (mkdirs, stat, list). Fills errstr naming the path and the problem. */
static sl_err check_path(const char *path, int allow_root, char *errstr, size_t errstr_size)
{
    if (!path)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "store path is missing");
    if (path[0] == 0) {
        if (allow_root)
            return SL_OK;
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "store path is empty");
    }
    if (path[0] == '/')
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "store path '%s' is absolute (paths are relative to the lake)", path);
    const char *p = path;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0)
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                           "store path '%s' has an empty component", path);
        if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                           "store path '%s' has a '%.*s' component", path, (int)n, p);
        if (!slash)
            break;
        p = slash + 1;
    }
    return SL_OK;
}

/* Opens the backend that owns `uri`: webhdfs:// and swebhdfs:// go to the WebHDFS
 * store, file:// and plain paths to the local store; any other scheme is refused. */
sl_store *sl_store_open(const char *uri, const sl_store_opts *opts, char *errstr, size_t errstr_size)
{
    if (!uri || !*uri) {
        sl_errf(SL_ERR_INVALID, errstr, errstr_size, "lake location is empty");
        return NULL;
    }
    if (strncmp(uri, "webhdfs://", 10) == 0 || strncmp(uri, "swebhdfs://", 11) == 0)
        return sl_store_webhdfs_open(uri, opts, errstr, errstr_size);
    if (strncmp(uri, "file://", 7) == 0) {
        const char *path = uri + 7;
        if (path[0] != '/') {
            sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                    "'%s': a file:// URI needs an absolute path (file:///path)", uri);
            return NULL;
        }
        return sl_store_local_open(path, opts, errstr, errstr_size);
    }
    const char *colon = strstr(uri, "://");
    if (colon) {
        sl_errf(SL_ERR_UNSUPPORTED, errstr, errstr_size,
                "'%s': unsupported scheme '%.*s' (use a local path, file://, webhdfs:// or swebhdfs://)",
                uri, (int)(colon - uri), uri);
        return NULL;
    }
    return sl_store_local_open(uri, opts, errstr, errstr_size);
}

void sl_store_close(sl_store *s)
{
    if (s)
        s->ops->close(s);
}

const char *sl_store_kind(const sl_store *s) { return s->ops->kind; }

sl_err sl_store_mkdirs(sl_store *s, const char *path, char *errstr, size_t errstr_size)
{
    sl_err e = check_path(path, 1, errstr, errstr_size);
    return e != SL_OK ? e : s->ops->mkdirs(s, path, errstr, errstr_size);
}

sl_err sl_store_create(sl_store *s, const char *path, sl_store_file **out, char *errstr,
                       size_t errstr_size)
{
    *out = NULL;
    sl_err e = check_path(path, 0, errstr, errstr_size);
    return e != SL_OK ? e : s->ops->create(s, path, out, errstr, errstr_size);
}

static sl_err file_out_write(void *ctx, const void *data, size_t n, char *errstr, size_t errstr_size)
{
    sl_store_file *f = ctx;
    return f->write(f, data, n, errstr, errstr_size);
}

sl_out sl_store_file_out(sl_store_file *f)
{
    sl_out o = { file_out_write, f };
    return o;
}

sl_err sl_store_file_finish(sl_store_file *f, char *errstr, size_t errstr_size)
{
    return f->finish(f, errstr, errstr_size);
}

void sl_store_file_abort(sl_store_file *f)
{
    if (f)
        f->abort(f);
}

sl_err sl_store_rename(sl_store *s, const char *from, const char *to, char *errstr, size_t errstr_size)
{
    sl_err e = check_path(from, 0, errstr, errstr_size);
    if (e == SL_OK)
        e = check_path(to, 0, errstr, errstr_size);
    return e != SL_OK ? e : s->ops->rename(s, from, to, errstr, errstr_size);
}

sl_err sl_store_delete(sl_store *s, const char *path, int recursive, char *errstr, size_t errstr_size)
{
    sl_err e = check_path(path, 0, errstr, errstr_size);
    return e != SL_OK ? e : s->ops->del(s, path, recursive, errstr, errstr_size);
}

sl_err sl_store_stat(sl_store *s, const char *path, sl_store_info *st, char *errstr, size_t errstr_size)
{
    sl_err e = check_path(path, 1, errstr, errstr_size);
    return e != SL_OK ? e : s->ops->stat(s, path, st, errstr, errstr_size);
}

sl_err sl_store_list(sl_store *s, const char *dir, sl_store_list_cb cb, void *ctx, char *errstr,
                     size_t errstr_size)
{
    sl_err e = check_path(dir, 1, errstr, errstr_size);
    return e != SL_OK ? e : s->ops->list(s, dir, cb, ctx, errstr, errstr_size);
}

sl_err sl_store_open_in(sl_store *s, const char *path, sl_in *in, char *errstr, size_t errstr_size)
{
    memset(in, 0, sizeof *in);
    sl_err e = check_path(path, 0, errstr, errstr_size);
    return e != SL_OK ? e : s->ops->open_in(s, path, in, errstr, errstr_size);
}

void sl_store_in_close(sl_in *in)
{
    if (in && in->close)
        in->close(in);
    if (in)
        memset(in, 0, sizeof *in);
}

/* Largest file read_all accepts: it is meant for manifests and small sidecars. */
#define READ_ALL_MAX ((uint64_t)1 << 30)

/* Reads the whole file through open_in (one read_at), appending to buf. */
sl_err sl_store_read_all(sl_store *s, const char *path, sl_buf *buf, char *errstr, size_t errstr_size)
{
    sl_in in;
    sl_err e = sl_store_open_in(s, path, &in, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    if (in.size > READ_ALL_MAX) {
        e = sl_errf(SL_ERR_LIMIT, errstr, errstr_size, "%s: %" PRIu64 " bytes is too large to read whole",
                    path, in.size);
        goto done;
    }
    if (sl_buf_reserve(buf, (size_t)in.size) != SL_OK) {
        e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "%s: out of memory reading %" PRIu64 " bytes",
                    path, in.size);
        goto done;
    }
    if (in.size > 0) {
        e = in.read_at(&in, 0, buf->data + buf->len, (size_t)in.size, errstr, errstr_size);
        if (e != SL_OK)
            goto done;
    }
    buf->len += (size_t)in.size;
    buf->data[buf->len] = 0;
done:
    sl_store_in_close(&in);
    return e;
}

sl_err sl_store_sync(sl_store *s, char *errstr, size_t errstr_size)
{
    return s->ops->sync ? s->ops->sync(s, errstr, errstr_size) : SL_OK;
}

/* put_temp: the temporary name sits in the same folder, starts with '.' (readers
 * and sluice's own listings skip it) and carries the pid and a clock reading so two
 * writers never collide. */
sl_err sl_store_put_temp(sl_store *s, const char *path, const void *data, size_t n, char **tmp_out, char *errstr,
                         size_t errstr_size)
{
    *tmp_out = NULL;
    sl_err e = check_path(path, 0, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    sl_buf tmp = { 0 };
    sl_store_file *f = NULL;
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
    if (sl_buf_printf(&tmp, "%.*s.%s.%ld.%" PRIu64 ".tmp", (int)dirlen, path, path + dirlen,
                      (long)getpid(), sl_now_ns()) != SL_OK) {
        e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        goto err;
    }
    e = s->ops->create(s, (const char *)tmp.data, &f, errstr, errstr_size);
    if (e != SL_OK)
        goto err;
    if (n > 0) {
        e = f->write(f, data, n, errstr, errstr_size);
        if (e != SL_OK) {
            f->abort(f);
            goto err;
        }
    }
    e = f->finish(f, errstr, errstr_size);
    if (e != SL_OK) {
        sl_store_delete(s, (const char *)tmp.data, 0, NULL, 0);
        goto err;
    }
    *tmp_out = (char *)tmp.data;
    return SL_OK;
err:
    sl_buf_free(&tmp);
    return e;
}

/* The content is durable before the rename, and the rename before the call
 * returns. */
sl_err sl_store_put_atomic(sl_store *s, const char *path, const void *data, size_t n, char *errstr,
                           size_t errstr_size)
{
    char *tmp;
    sl_err e = sl_store_put_temp(s, path, data, n, &tmp, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    e = sl_store_sync(s, errstr, errstr_size);
    if (e == SL_OK)
        e = s->ops->rename(s, tmp, path, errstr, errstr_size);
    if (e != SL_OK) {
        sl_store_delete(s, tmp, 0, NULL, 0);
        goto done;
    }
    e = sl_store_sync(s, errstr, errstr_size);
done:
    free(tmp);
    return e;
}
