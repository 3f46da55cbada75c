/*
 * common.h: what every sluice module shares: the error enum, error-string
 * helpers, the version, a growable byte buffer, and the output/input
 * interfaces that decouple writers and readers from where bytes go.
 *
 * Conventions (all modules): functions are sl_<module>_<verb>(); fallible
 * functions return sl_err and, where a caller needs to know why, fill
 * `char *errstr, size_t errstr_size` with one line of text (no trailing
 * newline). Ownership is stated in each function's comment.
 */
#ifndef SL_COMMON_H
#define SL_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#ifndef SL_VERSION_STR
#define SL_VERSION_STR "0.0.0"
#endif
#ifndef SL_BUILD_ID
#define SL_BUILD_ID "unknown"
#endif

typedef enum sl_err {
    SL_OK = 0,
    SL_ERR_NOMEM,       /* an allocation failed */
    SL_ERR_IO,          /* an operating-system I/O call failed (errstr says which, with errno text) */
    SL_ERR_INVALID,     /* invalid argument, option or configuration */
    SL_ERR_PARSE,       /* malformed input: JSON, mapping, option value */
    SL_ERR_CORRUPT,     /* a file's structure is damaged or truncated */
    SL_ERR_UNSUPPORTED, /* valid but not supported by this version */
    SL_ERR_NOTFOUND,    /* a named thing does not exist */
    SL_ERR_EXISTS,      /* refused to overwrite something that exists */
    SL_ERR_LIMIT,       /* a configured limit was reached (size, depth, memory) */
    SL_ERR_RETRY,       /* transient failure: the driver may back off and try again */
    SL_ERR_FATAL        /* permanent failure: retrying cannot help */
} sl_err;

/* Returns a static, human-readable name for an error code ("I/O error", ...). */
const char *sl_err_name(sl_err e);

/* printf-style write of one line into errstr (may be NULL or size 0: then a no-op).
 * Always returns `e`, so callers can write `return sl_errf(SL_ERR_IO, errstr, n, ...)`. */
sl_err sl_errf(sl_err e, char *errstr, size_t errstr_size, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The full version line, e.g. "sluice version 0.1.0 (build 1a2b3c4d5e)". Static storage.
 * This exact form is written as Parquet created_by (readers parse it). */
const char *sl_version_line(void);
const char *sl_version(void);   /* "0.1.0" */
const char *sl_build_id(void);  /* git short hash or "unknown" */

/* ---- growable byte buffer ----
 * Owns `data`. Zero-initialise (`sl_buf b = {0};`) to start empty; sl_buf_free releases. */
typedef struct sl_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
} sl_buf;

/* Ensures room for `extra` more bytes. SL_OK or SL_ERR_NOMEM (buffer unchanged). */
sl_err sl_buf_reserve(sl_buf *b, size_t extra);
/* Appends n bytes. SL_OK or SL_ERR_NOMEM. */
sl_err sl_buf_append(sl_buf *b, const void *p, size_t n);
/* Appends a printf-formatted string (no NUL counted in len, but one is kept after data[len]). */
sl_err sl_buf_printf(sl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sl_buf_free(sl_buf *b);

/* ---- growable arrays ----
 * Returns array p (of *cap elements of `elem` bytes; NULL with *cap 0 to start)
 * grown to at least `need` elements, doubling from `first`; *cap gets the new
 * capacity. Returns p itself when it already holds `need`. NULL when out of
 * memory or on overflow: p and *cap are then unchanged (p still owned by the
 * caller). Typical use: q = sl_array_grow(a, &cap, n + 1, sizeof *a, 16);
 * if (!q) fail; a = q; */
void *sl_array_grow(void *p, size_t *cap, size_t need, size_t elem, size_t first);

/* ---- output interface ----
 * Where a writer's bytes go: a file, a memory buffer, an HTTP upload. `write` must
 * take all n bytes or fail. The struct is a small value; `ctx` is owned by whoever
 * built it. */
typedef struct sl_out {
    sl_err (*write)(void *ctx, const void *data, size_t n, char *errstr, size_t errstr_size);
    void *ctx;
} sl_out;

/* An sl_out that appends to *buf (buf is borrowed, must outlive the sl_out). */
sl_out sl_out_mem(sl_buf *buf);
/* An sl_out that writes to a file descriptor (fdp points at a borrowed int). */
sl_out sl_out_fd(int *fdp);

/* ---- input interface (random access) ----
 * Where a reader's bytes come from: a local file (pread), memory, a WebHDFS OPEN
 * with offset and length. `read_at` reads exactly n bytes at offset or fails. */
typedef struct sl_in {
    sl_err (*read_at)(const struct sl_in *in, uint64_t offset, void *dst, size_t n, char *errstr,
                      size_t errstr_size);
    uint64_t size;
    void *ctx;
    void (*close)(struct sl_in *in); /* optional: releases ctx (set by stores); NULL for mem/fd */
} sl_in;

/* An sl_in over memory (borrowed). */
sl_in sl_in_mem(const void *data, size_t size);
/* An sl_in over an open file descriptor (fdp borrowed); fills size with fstat. */
sl_err sl_in_fd(sl_in *in, int *fdp, char *errstr, size_t errstr_size);

/* ---- time ---- */
/* Monotonic clock in nanoseconds. */
uint64_t sl_now_ns(void);

#endif
