/*
 * store.h: the storage interface under the lake. Two implementations: a local
 * folder (store_local.c) and WebHDFS (store_webhdfs.c). The lake's layout, commit
 * protocol and recovery (lake.h) are written once, above this interface.
 *
 * Paths are relative to the store's root, '/'-separated, never containing "..".
 * Every call returns SL_OK or an error with one line in errstr; transient
 * failures (network, 5xx) are SL_ERR_RETRY so the driver can back off; a missing
 * path is SL_ERR_NOTFOUND; refusing to overwrite is SL_ERR_EXISTS.
 */
#ifndef SL_STORE_H
#define SL_STORE_H

#include <stdint.h>
#include <stddef.h>

#include "common/common.h"

typedef struct sl_store sl_store;
typedef struct sl_store_file sl_store_file;

typedef struct sl_store_opts {
    unsigned dir_mode;    /* 0: 0750 */
    unsigned file_mode;   /* 0: 0640 */
    int existing_only;    /* 1: open an existing lake only: a missing root is SL_ERR_NOTFOUND
                             instead of being created (readers: sql, report) */
    /* Local only: 1 = fsync every file at finish and every folder at rename/mkdir
     * (for a lake on a file system shared with heavy writers); 0 (default) = make
     * things durable in batches at sl_store_sync (one syncfs(2)). */
    int fsync_each;
    /* WebHDFS only (ignored by the local store): */
    const char *user;           /* simple auth user.name; NULL: HADOOP_USER_NAME, else login */
    const char *token;          /* delegation token; NULL: HADOOP_TOKEN */
    const char *ca_file;        /* TLS CA bundle for swebhdfs:// */
    const char *datanode_rewrite; /* "from=to" host rewrite for redirect Locations */
    int httpfs;                 /* 1: HttpFS gateway (no redirect, data=true) */
    int timeout_ms;             /* per request; 0: 60000 */
} sl_store_opts;

/* What sl_store_stat and sl_store_list report about a path. (The type is
 * sl_store_info because sl_store_stat is the function: C has one namespace for both.) */
typedef struct sl_store_info {
    int is_dir;
    uint64_t size;
    int64_t mtime_ms;
} sl_store_info;

/* Opens a store for a URI: a local path ("/data/lake", "lake", "file:///x") or
 * "webhdfs://host:port[,host2:port]/path" / "swebhdfs://...". opts may be NULL.
 * The local store creates its root if missing. */
sl_store *sl_store_open(const char *uri, const sl_store_opts *opts, char *errstr, size_t errstr_size);
void sl_store_close(sl_store *s);
/* "local" or "webhdfs" */
const char *sl_store_kind(const sl_store *s);

/* mkdir -p with the store's dir mode. */
sl_err sl_store_mkdirs(sl_store *s, const char *path, char *errstr, size_t errstr_size);

/* Creates a new file for writing (SL_ERR_EXISTS if it exists), streaming: data is
 * sent as written, never buffered whole. Parent folders are created. */
sl_err sl_store_create(sl_store *s, const char *path, sl_store_file **out, char *errstr, size_t errstr_size);
/* An sl_out writing into the file (borrowed from f). */
sl_out sl_store_file_out(sl_store_file *f);
/* Finishes the file (local: flushed and closed; WebHDFS: upload done and its length
 * checked). It is durable after the next sl_store_sync (at once on WebHDFS, and on
 * a local store opened with fsync_each). Frees f whatever the result. */
sl_err sl_store_file_finish(sl_store_file *f, char *errstr, size_t errstr_size);
/* Abandons the file (removes what was written). Frees f. */
void sl_store_file_abort(sl_store_file *f);

/* Renames; SL_ERR_EXISTS if `to` exists (never overwrites), SL_ERR_NOTFOUND if
 * `from` does not. Local: renameat2(RENAME_NOREPLACE) (link + unlink where the file
 * system lacks it); durable after the next sl_store_sync, like finish. */
sl_err sl_store_rename(sl_store *s, const char *from, const char *to, char *errstr, size_t errstr_size);
/* Deletes a file (SL_OK if it did not exist) or, with recursive, a folder. */
sl_err sl_store_delete(sl_store *s, const char *path, int recursive, char *errstr, size_t errstr_size);
sl_err sl_store_stat(sl_store *s, const char *path, sl_store_info *st, char *errstr, size_t errstr_size);

/* Lists a folder's entries (names only, not paths), sorted by name. The callback
 * returns 0 to go on, non-zero to stop. SL_ERR_NOTFOUND if the folder is missing. */
typedef int (*sl_store_list_cb)(void *ctx, const char *name, const sl_store_info *st);
sl_err sl_store_list(sl_store *s, const char *dir, sl_store_list_cb cb, void *ctx, char *errstr,
                     size_t errstr_size);

/* Reads a whole (small) file into buf (appends). */
sl_err sl_store_read_all(sl_store *s, const char *path, sl_buf *buf, char *errstr, size_t errstr_size);
/* Opens a file for random reads (Parquet reader). *in stays valid until
 * sl_store_in_close. */
sl_err sl_store_open_in(sl_store *s, const char *path, sl_in *in, char *errstr, size_t errstr_size);
void sl_store_in_close(sl_in *in);

/* Makes every file finished and every rename done so far through this store
 * durable (local: one syncfs(2) of the lake's file system, which also covers the
 * new folders; a no-op for backends whose every step is durable). */
sl_err sl_store_sync(sl_store *s, char *errstr, size_t errstr_size);

/* Writes a small file atomically and durably: sl_store_put_temp, sync, rename,
 * sync. SL_ERR_EXISTS if the final name exists. */
sl_err sl_store_put_atomic(sl_store *s, const char *path, const void *data, size_t n, char *errstr,
                           size_t errstr_size);
/* The first half of sl_store_put_atomic, for a caller that puts several files and
 * shares their syncs: writes data under a fresh temporary name next to path
 * (".NAME.PID.NS.tmp": Parquet readers and sluice's own listings skip names that
 * start with '.') and finishes it, not yet durable.
 * On SL_OK *tmp_out is that name (the caller frees it); the caller then does
 * sl_store_sync, sl_store_rename(tmp, path), sl_store_sync, or deletes the
 * temporary. On failure nothing is left behind and *tmp_out is NULL. */
sl_err sl_store_put_temp(sl_store *s, const char *path, const void *data, size_t n, char **tmp_out, char *errstr,
                         size_t errstr_size);

/* ---- backend vtable (for store implementations only) ---- */
typedef struct sl_store_ops {
    const char *kind;
    void (*close)(sl_store *s);
    sl_err (*mkdirs)(sl_store *s, const char *path, char *errstr, size_t errstr_size);
    sl_err (*create)(sl_store *s, const char *path, sl_store_file **out, char *errstr, size_t errstr_size);
    sl_err (*rename)(sl_store *s, const char *from, const char *to, char *errstr, size_t errstr_size);
    sl_err (*del)(sl_store *s, const char *path, int recursive, char *errstr, size_t errstr_size);
    sl_err (*stat)(sl_store *s, const char *path, sl_store_info *st, char *errstr, size_t errstr_size);
    sl_err (*list)(sl_store *s, const char *dir, sl_store_list_cb cb, void *ctx, char *errstr, size_t errstr_size);
    sl_err (*open_in)(sl_store *s, const char *path, sl_in *in, char *errstr, size_t errstr_size);
    /* optional (NULL: every step is durable by itself) */
    sl_err (*sync)(sl_store *s, char *errstr, size_t errstr_size);
} sl_store_ops;

struct sl_store {
    const sl_store_ops *ops;
    sl_store_opts opts;
};

/* A file being written: write/finish/abort supplied by the backend. */
struct sl_store_file {
    sl_err (*write)(sl_store_file *f, const void *data, size_t n, char *errstr, size_t errstr_size);
    sl_err (*finish)(sl_store_file *f, char *errstr, size_t errstr_size);
    void (*abort)(sl_store_file *f);
};

/* Backend constructors (called by sl_store_open). */
sl_store *sl_store_local_open(const char *root, const sl_store_opts *opts, char *errstr, size_t errstr_size);
sl_store *sl_store_webhdfs_open(const char *uri, const sl_store_opts *opts, char *errstr, size_t errstr_size);

#endif
