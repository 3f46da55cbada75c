/* common.c: error names, error strings, version, byte buffer, sl_out/sl_in over memory and fds. */
#include "common/common.h"
#include "common/types.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *sl_err_name(sl_err e)
{
    switch (e) {
    case SL_OK: return "ok";
    case SL_ERR_NOMEM: return "out of memory";
    case SL_ERR_IO: return "I/O error";
    case SL_ERR_INVALID: return "invalid argument";
    case SL_ERR_PARSE: return "parse error";
    case SL_ERR_CORRUPT: return "corrupt data";
    case SL_ERR_UNSUPPORTED: return "unsupported";
    case SL_ERR_NOTFOUND: return "not found";
    case SL_ERR_EXISTS: return "already exists";
    case SL_ERR_LIMIT: return "limit reached";
    case SL_ERR_RETRY: return "temporary failure";
    case SL_ERR_FATAL: return "fatal error";
    }
    return "unknown error";
}

sl_err sl_errf(sl_err e, char *errstr, size_t errstr_size, const char *fmt, ...)
{
    if (errstr && errstr_size > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errstr, errstr_size, fmt, ap);
        va_end(ap);
    }
    return e;
}

const char *sl_version(void) { return SL_VERSION_STR; }
const char *sl_build_id(void) { return SL_BUILD_ID; }
const char *sl_version_line(void)
{
    return "sluice version " SL_VERSION_STR " (build " SL_BUILD_ID ")";
}

void *sl_array_grow(void *p, size_t *cap, size_t need, size_t elem, size_t first)
{
    if (need <= *cap)
        return p;
    size_t nc = *cap ? *cap : (first ? first : 1);
    while (nc < need) {
        if (nc > SIZE_MAX / 2)
            return NULL;
        nc *= 2;
    }
    if (elem && nc > SIZE_MAX / elem)
        return NULL;
    void *q = realloc(p, nc * elem);
    if (!q)
        return NULL;
    *cap = nc;
    return q;
}

sl_err sl_buf_reserve(sl_buf *b, size_t extra)
{
    if (b->cap - b->len > extra)   /* keep one spare byte for a NUL */
        return SL_OK;
    size_t need = b->len + extra + 1;
    if (need < b->len)
        return SL_ERR_NOMEM;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2)
            return SL_ERR_NOMEM;
        cap *= 2;
    }
    uint8_t *p = realloc(b->data, cap);
    if (!p)
        return SL_ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    return SL_OK;
}

sl_err sl_buf_append(sl_buf *b, const void *p, size_t n)
{
    if (sl_buf_reserve(b, n) != SL_OK)
        return SL_ERR_NOMEM;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
    return SL_OK;
}

sl_err sl_buf_printf(sl_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return SL_ERR_INVALID;
    if (sl_buf_reserve(b, (size_t)n + 1) != SL_OK)
        return SL_ERR_NOMEM;
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return SL_OK;
}

void sl_buf_free(sl_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static sl_err mem_write(void *ctx, const void *data, size_t n, char *errstr, size_t errstr_size)
{
    if (sl_buf_append(ctx, data, n) != SL_OK)
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory appending %zu bytes", n);
    return SL_OK;
}

sl_out sl_out_mem(sl_buf *buf)
{
    sl_out o = { mem_write, buf };
    return o;
}

static sl_err fd_write(void *ctx, const void *data, size_t n, char *errstr, size_t errstr_size)
{
    int fd = *(int *)ctx;
    const char *p = data;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return sl_errf(SL_ERR_IO, errstr, errstr_size, "write: %s", strerror(errno));
        }
        p += w;
        n -= (size_t)w;
    }
    return SL_OK;
}

sl_out sl_out_fd(int *fdp)
{
    sl_out o = { fd_write, fdp };
    return o;
}

/* Checks that [off, off+n) lies inside the input. */
static sl_err in_range(const sl_in *in, uint64_t off, size_t n, char *errstr, size_t errstr_size)
{
    if (off > in->size || n > in->size - off)
        return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                       "read of %zu bytes at offset %llu is past the end (%llu bytes)", n,
                       (unsigned long long)off, (unsigned long long)in->size);
    return SL_OK;
}

static sl_err mem_read_at(const sl_in *in, uint64_t off, void *dst, size_t n, char *errstr,
                          size_t errstr_size)
{
    sl_err e = in_range(in, off, n, errstr, errstr_size);
    if (e == SL_OK && n)
        memcpy(dst, (const uint8_t *)in->ctx + off, n);
    return e;
}

sl_in sl_in_mem(const void *data, size_t size)
{
    sl_in in = { mem_read_at, size, (void *)data, NULL };
    return in;
}

static sl_err fd_read_at(const sl_in *in, uint64_t off, void *dst, size_t n, char *errstr,
                         size_t errstr_size)
{
    sl_err e = in_range(in, off, n, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    int fd = *(int *)in->ctx;
    uint8_t *p = dst;
    while (n > 0) {
        ssize_t r = pread(fd, p, n, (off_t)off);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return sl_errf(SL_ERR_IO, errstr, errstr_size, "read: %s", strerror(errno));
        }
        if (r == 0)
            return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size, "file shrank while reading");
        p += r;
        off += (uint64_t)r;
        n -= (size_t)r;
    }
    return SL_OK;
}

sl_err sl_in_fd(sl_in *in, int *fdp, char *errstr, size_t errstr_size)
{
    struct stat st;
    if (fstat(*fdp, &st) != 0)
        return sl_errf(SL_ERR_IO, errstr, errstr_size, "fstat: %s", strerror(errno));
    in->read_at = fd_read_at;
    in->size = (uint64_t)st.st_size;
    in->ctx = fdp;
    in->close = NULL;
    return SL_OK;
}

uint64_t sl_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const char *const type_names[] = {
    "boolean", "int32", "int64", "double", "string", "binary", "timestamp", "date",
};

const char *sl_type_name(sl_type t)
{
    return (unsigned)t < sizeof type_names / sizeof type_names[0] ? type_names[t] : "?";
}

int sl_type_parse(const char *name, sl_type *t)
{
    for (unsigned i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
        if (strcmp(name, type_names[i]) == 0) {
            *t = (sl_type)i;
            return 0;
        }
    return -1;
}
