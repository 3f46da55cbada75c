/*
 * store_local.c: the local-folder store. Every path is resolved against a file
 * descriptor of the root folder (openat family), so the root can be given once and
 * relative paths never escape it (store.c has already refused "..", absolute and
 * empty components).
 *
 * Durability, default mode: finish flushes and closes, rename and mkdirs just do
 * their job, and sl_store_sync makes all of it durable with one syncfs(2) of the
 * lake's file system. The commit protocol syncs twice per commit (files before
 * the manifest, renames after), so a commit of 200 files costs a few syncs
 * instead of 800 fsyncs (milliseconds each on most disks).
 * With opts.fsync_each: a finished file is fsynced, then its folder, so its name
 * survives a crash too; a rename fsyncs the destination folder and, when
 * different, the source folder; a folder created by mkdirs has its parent
 * fsynced; sl_store_sync does nothing.
 * Renames never overwrite: renameat2(RENAME_NOREPLACE), falling back to link +
 * unlink on file systems that do not support the flag.
 */
#include "lake/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

/* Streaming writes are gathered in a buffer before write(2): it is allocated at
 * the first write, LOCAL_WRITE_MIN bytes, and doubles as writes need, up to
 * LOCAL_WRITE_BUF; writes of half of that or more go straight through. Small,
 * and grown only when used: thousands of files may be open at once (a backfill
 * over many days and partitions), most of them written only when they are
 * finished, and memory first touched costs a page fault each 4 KiB (slow on a
 * virtual machine) while a buffer grown at that point reuses the memory of the
 * file finished just before. The Parquet writer's writes are page-sized bodies
 * behind small headers. */
#define LOCAL_WRITE_MIN 512u
#define LOCAL_WRITE_BUF (16u * 1024u)

typedef struct local_store {
    sl_store base;
    int rootfd;
    char *root; /* as given, for messages */
} local_store;

typedef struct local_file {
    sl_store_file base;
    local_store *s;
    int fd;
    char *path;
    uint8_t *buf;    /* NULL until the first write */
    size_t len, cap;
} local_file;

/* Formats an errno failure as "ROOT/PATH: what: strerror" and maps errno to an sl_err. */
static sl_err os_err(const local_store *s, const char *path, const char *what, int err, char *errstr,
                     size_t errstr_size)
{
    sl_err e = SL_ERR_IO;
    if (err == ENOENT)
        e = SL_ERR_NOTFOUND;
    else if (err == EEXIST)
        e = SL_ERR_EXISTS;
    else if (err == ENOMEM)
        e = SL_ERR_NOMEM;
    return sl_errf(e, errstr, errstr_size, "%s/%s: %s: %s", s->root, path, what, strerror(err));
}

/* Path of the root itself for *at calls. */
static const char *at_path(const char *path) { return path[0] ? path : "."; }

/* fsyncs the folder `dir` (relative; "" is the root). */
static sl_err fsync_dir(local_store *s, const char *dir, char *errstr, size_t errstr_size)
{
    int fd = openat(s->rootfd, at_path(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return os_err(s, dir, "open folder", errno, errstr, errstr_size);
    if (fsync(fd) != 0) {
        int err = errno;
        close(fd);
        return os_err(s, dir, "fsync folder", err, errstr, errstr_size);
    }
    if (close(fd) != 0)
        return os_err(s, dir, "close folder", errno, errstr, errstr_size);
    return SL_OK;
}

/* fsyncs the folder holding `path`. */
static sl_err fsync_parent(local_store *s, const char *path, char *errstr, size_t errstr_size)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return fsync_dir(s, "", errstr, errstr_size);
    size_t n = (size_t)(slash - path);
    char *dir = malloc(n + 1);
    if (!dir)
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    memcpy(dir, path, n);
    dir[n] = 0;
    sl_err e = fsync_dir(s, dir, errstr, errstr_size);
    free(dir);
    return e;
}

/* mkdir -p relative to the root: each folder it creates has its parent fsynced so
 * the new folder's name is durable before files inside it are relied upon. */
static sl_err local_mkdirs(sl_store *base, const char *path, char *errstr, size_t errstr_size)
{
    local_store *s = (local_store *)base;
    struct stat st;
    if (path[0] == 0)
        return SL_OK;
    if (fstatat(s->rootfd, path, &st, 0) == 0) {
        if (S_ISDIR(st.st_mode))
            return SL_OK;
        return sl_errf(SL_ERR_EXISTS, errstr, errstr_size, "%s/%s: exists and is not a folder",
                       s->root, path);
    }
    size_t len = strlen(path);
    char *p = malloc(len + 1);
    if (!p)
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    memcpy(p, path, len + 1);
    sl_err e = SL_OK;
    for (size_t i = 1; i <= len; i++) {
        if (p[i] != '/' && p[i] != 0)
            continue;
        char saved = p[i];
        p[i] = 0;
        if (mkdirat(s->rootfd, p, s->base.opts.dir_mode) == 0) {
            /* The umask may have cleared bits of the mode asked for: set it exactly. */
            if (fchmodat(s->rootfd, p, s->base.opts.dir_mode, 0) != 0)
                e = os_err(s, p, "chmod", errno, errstr, errstr_size);
            else if (s->base.opts.fsync_each)
                e = fsync_parent(s, p, errstr, errstr_size);
        } else if (errno == EEXIST) {
            if (fstatat(s->rootfd, p, &st, 0) != 0)
                e = os_err(s, p, "stat", errno, errstr, errstr_size);
            else if (!S_ISDIR(st.st_mode))
                e = sl_errf(SL_ERR_EXISTS, errstr, errstr_size, "%s/%s: exists and is not a folder",
                            s->root, p);
        } else {
            e = os_err(s, p, "mkdir", errno, errstr, errstr_size);
        }
        p[i] = saved;
        if (e != SL_OK)
            break;
    }
    free(p);
    return e;
}

/* Creates the parent folders of `path`. */
static sl_err mkdirs_parent(local_store *s, const char *path, char *errstr, size_t errstr_size)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return SL_OK;
    size_t n = (size_t)(slash - path);
    char *dir = malloc(n + 1);
    if (!dir)
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    memcpy(dir, path, n);
    dir[n] = 0;
    sl_err e = local_mkdirs(&s->base, dir, errstr, errstr_size);
    free(dir);
    return e;
}

/* write(2) all of data, retrying on EINTR and short writes. */
static sl_err write_all(local_file *f, const void *data, size_t n, char *errstr, size_t errstr_size)
{
    const uint8_t *p = data;
    while (n > 0) {
        ssize_t w = write(f->fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return os_err(f->s, f->path, "write", errno, errstr, errstr_size);
        }
        p += w;
        n -= (size_t)w;
    }
    return SL_OK;
}

static sl_err file_write(sl_store_file *base, const void *data, size_t n, char *errstr, size_t errstr_size)
{
    local_file *f = (local_file *)base;
    if (n == 0)
        return SL_OK;
    if (f->len + n > f->cap && f->cap < LOCAL_WRITE_BUF) {
        size_t cap = f->cap ? f->cap : LOCAL_WRITE_MIN;
        while (cap < f->len + n && cap < LOCAL_WRITE_BUF)
            cap *= 2;
        uint8_t *b = realloc(f->buf, cap);
        if (!b)
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        f->buf = b;
        f->cap = cap;
    }
    if (f->len + n <= f->cap) {
        memcpy(f->buf + f->len, data, n);
        f->len += n;
        return SL_OK;
    }
    /* the buffer is LOCAL_WRITE_BUF bytes here, and full enough */
    sl_err e = write_all(f, f->buf, f->len, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    f->len = 0;
    if (n >= LOCAL_WRITE_BUF / 2)
        return write_all(f, data, n, errstr, errstr_size);
    memcpy(f->buf, data, n);
    f->len = n;
    return SL_OK;
}

static void file_free(local_file *f)
{
    free(f->buf);
    free(f->path);
    free(f);
}

/* Flushes the buffer and closes the file; with fsync_each, fsyncs it before the
 * close and its folder after. */
static sl_err file_finish(sl_store_file *base, char *errstr, size_t errstr_size)
{
    local_file *f = (local_file *)base;
    int each = f->s->base.opts.fsync_each;
    sl_err e = write_all(f, f->buf, f->len, errstr, errstr_size);
    if (e == SL_OK && each && fsync(f->fd) != 0)
        e = os_err(f->s, f->path, "fsync", errno, errstr, errstr_size);
    if (close(f->fd) != 0 && e == SL_OK)
        e = os_err(f->s, f->path, "close", errno, errstr, errstr_size);
    if (e == SL_OK && each)
        e = fsync_parent(f->s, f->path, errstr, errstr_size);
    file_free(f);
    return e;
}

static void file_abort(sl_store_file *base)
{
    local_file *f = (local_file *)base;
    close(f->fd);
    unlinkat(f->s->rootfd, f->path, 0);
    file_free(f);
}

static sl_err local_create(sl_store *base, const char *path, sl_store_file **out, char *errstr,
                           size_t errstr_size)
{
    local_store *s = (local_store *)base;
    sl_err e = mkdirs_parent(s, path, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    local_file *f = calloc(1, sizeof *f);
    if (!f)
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    f->fd = -1;
    f->path = strdup(path);
    if (!f->path) {
        e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        goto err;
    }
    f->fd = openat(s->rootfd, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, s->base.opts.file_mode);
    if (f->fd < 0) {
        e = os_err(s, path, "create", errno, errstr, errstr_size);
        goto err;
    }
    if (fchmod(f->fd, s->base.opts.file_mode) != 0) { /* exactly, whatever the umask */
        e = os_err(s, path, "chmod", errno, errstr, errstr_size);
        goto err;
    }
    f->s = s;
    f->base.write = file_write;
    f->base.finish = file_finish;
    f->base.abort = file_abort;
    *out = &f->base;
    return SL_OK;
err:
    file_free(f);
    return e;
}

/* rename that never overwrites; see the file comment. */
static sl_err local_rename(sl_store *base, const char *from, const char *to, char *errstr,
                           size_t errstr_size)
{
    local_store *s = (local_store *)base;
    struct stat st;
    if (fstatat(s->rootfd, from, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return os_err(s, from, "rename", errno, errstr, errstr_size);
    sl_err e = mkdirs_parent(s, to, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    if (renameat2(s->rootfd, from, s->rootfd, to, RENAME_NOREPLACE) != 0) {
        int err = errno;
        if (err != EINVAL && err != ENOSYS && err != EOPNOTSUPP)
            return sl_errf(err == EEXIST ? SL_ERR_EXISTS : err == ENOENT ? SL_ERR_NOTFOUND : SL_ERR_IO,
                           errstr, errstr_size, "%s/%s: rename to %s: %s", s->root, from, to,
                           strerror(err));
        /* No RENAME_NOREPLACE here: link refuses an existing target, then unlink. */
        if (linkat(s->rootfd, from, s->rootfd, to, 0) != 0)
            return sl_errf(errno == EEXIST ? SL_ERR_EXISTS : SL_ERR_IO, errstr, errstr_size,
                           "%s/%s: link to %s: %s", s->root, from, to, strerror(errno));
        if (unlinkat(s->rootfd, from, 0) != 0)
            return os_err(s, from, "unlink after link", errno, errstr, errstr_size);
    }
    if (!s->base.opts.fsync_each)
        return SL_OK;
    e = fsync_parent(s, to, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    const char *fs = strrchr(from, '/'), *ts = strrchr(to, '/');
    size_t fl = fs ? (size_t)(fs - from) : 0, tl = ts ? (size_t)(ts - to) : 0;
    if (fl != tl || memcmp(from, to, fl) != 0)
        e = fsync_parent(s, from, errstr, errstr_size);
    return e;
}

/* Removes everything under the folder `name` of dirfd, then the folder. */
static int remove_tree(int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -1;
    }
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (unlinkat(fd, de->d_name, 0) != 0) {
            if (errno == EISDIR || errno == EPERM) {
                if (remove_tree(fd, de->d_name) != 0)
                    rc = -1;
            } else if (errno != ENOENT) {
                rc = -1;
            }
        }
    }
    int saved = errno;
    closedir(d);
    if (rc != 0) {
        errno = saved;
        return rc;
    }
    if (unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
        return -1;
    return 0;
}

static sl_err local_del(sl_store *base, const char *path, int recursive, char *errstr,
                        size_t errstr_size)
{
    local_store *s = (local_store *)base;
    if (unlinkat(s->rootfd, path, 0) == 0 || errno == ENOENT)
        return SL_OK;
    if (errno != EISDIR && errno != EPERM)
        return os_err(s, path, "delete", errno, errstr, errstr_size);
    if (!recursive) {
        if (unlinkat(s->rootfd, path, AT_REMOVEDIR) == 0 || errno == ENOENT)
            return SL_OK;
        return os_err(s, path, "delete folder", errno, errstr, errstr_size);
    }
    if (remove_tree(s->rootfd, path) != 0)
        return os_err(s, path, "delete folder recursively", errno, errstr, errstr_size);
    return SL_OK;
}

static void fill_stat(sl_store_info *out, const struct stat *st)
{
    out->is_dir = S_ISDIR(st->st_mode) ? 1 : 0;
    out->size = (uint64_t)st->st_size;
    out->mtime_ms = (int64_t)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000;
}

static sl_err local_stat(sl_store *base, const char *path, sl_store_info *out, char *errstr,
                         size_t errstr_size)
{
    local_store *s = (local_store *)base;
    struct stat st;
    if (fstatat(s->rootfd, at_path(path), &st, 0) != 0)
        return os_err(s, path, "stat", errno == ENOTDIR ? ENOENT : errno, errstr, errstr_size);
    fill_stat(out, &st);
    return SL_OK;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads the folder's names, sorts them bytewise, then stats and reports each (a
 * name that vanished in between is skipped). */
static sl_err local_list(sl_store *base, const char *dir, sl_store_list_cb cb, void *ctx, char *errstr,
                         size_t errstr_size)
{
    local_store *s = (local_store *)base;
    char **names = NULL;
    size_t n = 0, cap = 0;
    sl_err e = SL_OK;
    int fd = openat(s->rootfd, at_path(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return os_err(s, dir, "list", errno == ENOTDIR ? ENOENT : errno, errstr, errstr_size);
    DIR *d = fdopendir(fd);
    if (!d) {
        e = os_err(s, dir, "list", errno, errstr, errstr_size);
        close(fd);
        return e;
    }
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            char **nn = realloc(names, nc * sizeof *nn);
            if (!nn) {
                e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
                goto err;
            }
            names = nn;
            cap = nc;
        }
        if (!(names[n] = strdup(de->d_name))) {
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            goto err;
        }
        n++;
        errno = 0;
    }
    if (errno != 0) {
        e = os_err(s, dir, "read folder", errno, errstr, errstr_size);
        goto err;
    }
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (fstatat(fd, names[i], &st, 0) != 0)
            continue;
        sl_store_info ss;
        fill_stat(&ss, &st);
        if (cb(ctx, names[i], &ss) != 0)
            break;
    }
err:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return e;
}

typedef struct local_in {
    int fd;
    char *path;
    const local_store *s;
} local_in;

static sl_err in_read_at(const sl_in *in, uint64_t off, void *dst, size_t n, char *errstr,
                         size_t errstr_size)
{
    const local_in *li = in->ctx;
    if (off > in->size || n > in->size - off)
        return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                       "%s/%s: read of %zu bytes at offset %llu is past the end (%llu bytes)",
                       li->s->root, li->path, n, (unsigned long long)off,
                       (unsigned long long)in->size);
    uint8_t *p = dst;
    while (n > 0) {
        ssize_t r = pread(li->fd, p, n, (off_t)off);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return os_err(li->s, li->path, "read", errno, errstr, errstr_size);
        }
        if (r == 0)
            return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size, "%s/%s: file shrank while reading",
                           li->s->root, li->path);
        p += r;
        off += (uint64_t)r;
        n -= (size_t)r;
    }
    return SL_OK;
}

static void in_close(sl_in *in)
{
    local_in *li = in->ctx;
    if (!li)
        return;
    close(li->fd);
    free(li->path);
    free(li);
    in->ctx = NULL;
}

static sl_err local_open_in(sl_store *base, const char *path, sl_in *in, char *errstr,
                            size_t errstr_size)
{
    local_store *s = (local_store *)base;
    local_in *li = calloc(1, sizeof *li);
    if (!li)
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    sl_err e;
    struct stat st;
    li->s = s;
    li->fd = openat(s->rootfd, path, O_RDONLY | O_CLOEXEC);
    if (li->fd < 0) {
        e = os_err(s, path, "open", errno == ENOTDIR ? ENOENT : errno, errstr, errstr_size);
        goto err;
    }
    if (fstat(li->fd, &st) != 0) {
        e = os_err(s, path, "stat", errno, errstr, errstr_size);
        goto err;
    }
    if (S_ISDIR(st.st_mode)) {
        e = sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s/%s: is a folder, not a file", s->root, path);
        goto err;
    }
    if (!(li->path = strdup(path))) {
        e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        goto err;
    }
    in->read_at = in_read_at;
    in->size = (uint64_t)st.st_size;
    in->ctx = li;
    in->close = in_close;
    return SL_OK;
err:
    if (li->fd >= 0)
        close(li->fd);
    free(li->path);
    free(li);
    return e;
}

/* One syncfs(2) of the root's file system (writeback errors of any file on it
 * since the last sync are reported, Linux >= 5.8). */
static sl_err local_sync(sl_store *base, char *errstr, size_t errstr_size)
{
    local_store *s = (local_store *)base;
    if (s->base.opts.fsync_each)
        return SL_OK;
    if (syncfs(s->rootfd) != 0)
        return sl_errf(SL_ERR_IO, errstr, errstr_size, "%s: syncfs: %s", s->root, strerror(errno));
    return SL_OK;
}

static void local_close(sl_store *base)
{
    local_store *s = (local_store *)base;
    close(s->rootfd);
    free(s->root);
    free(s);
}

static const sl_store_ops local_ops = {
    .kind = "local",
    .close = local_close,
    .mkdirs = local_mkdirs,
    .create = local_create,
    .rename = local_rename,
    .del = local_del,
    .stat = local_stat,
    .list = local_list,
    .open_in = local_open_in,
    .sync = local_sync,
};

/* Creates the root (mkdir -p) when missing, then holds it open. */
sl_store *sl_store_local_open(const char *root, const sl_store_opts *opts, char *errstr,
                              size_t errstr_size)
{
    local_store *s = calloc(1, sizeof *s);
    if (!s) {
        sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    s->rootfd = -1;
    s->base.ops = &local_ops;
    if (opts)
        s->base.opts = *opts;
    if (!s->base.opts.dir_mode)
        s->base.opts.dir_mode = 0750;
    if (!s->base.opts.file_mode)
        s->base.opts.file_mode = 0640;
    size_t len = strlen(root);
    while (len > 1 && root[len - 1] == '/')
        len--;
    s->root = strndup(root, len);
    if (!s->root || len == 0) {
        sl_errf(len ? SL_ERR_NOMEM : SL_ERR_INVALID, errstr, errstr_size,
                len ? "out of memory" : "lake path is empty");
        goto err;
    }
    for (size_t i = 1; i <= len && !s->base.opts.existing_only; i++) {
        if (s->root[i] != '/' && s->root[i] != 0)
            continue;
        char saved = s->root[i];
        s->root[i] = 0;
        int made = mkdir(s->root, s->base.opts.dir_mode) == 0;
        if ((!made && errno != EEXIST) || (made && chmod(s->root, s->base.opts.dir_mode) != 0)) {
            sl_errf(SL_ERR_IO, errstr, errstr_size, "%s: cannot create the lake folder: %s", s->root,
                    strerror(errno));
            s->root[i] = saved;
            goto err;
        }
        s->root[i] = saved;
    }
    s->rootfd = open(s->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->rootfd < 0) {
        sl_errf(errno == ENOENT ? SL_ERR_NOTFOUND : SL_ERR_IO, errstr, errstr_size,
                "%s: cannot open the lake folder: %s", s->root, strerror(errno));
        goto err;
    }
    return &s->base;
err:
    free(s->root);
    free(s);
    return NULL;
}
