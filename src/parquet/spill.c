/*
 * spill.c: the spill file (parquet.h, spill.h): an unnamed temporary file
 * (O_TMPFILE, or a named one unlinked at once where the file system has no
 * O_TMPFILE), so nothing is left behind whatever way the process ends. Writers
 * append finished pages at an atomically bumped end with pwrite, read them back
 * with pread when their row group is written, and punch the space free then.
 */
#include "parquet/spill.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct sl_pq_spill {
    int fd;
    _Atomic uint64_t end;      /* next free offset */
    _Atomic uint64_t written;  /* bytes put so far (end less failed puts' space) */
};

sl_pq_spill *sl_pq_spill_new(const char *dir, char *errstr, size_t errstr_size)
{
    if (!dir || !*dir)
        dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    sl_pq_spill *sp = calloc(1, sizeof *sp);
    if (!sp) {
        sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    sp->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (sp->fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
        /* no O_TMPFILE here: a named file, unlinked at once */
        size_t n = strlen(dir) + 32;
        char *path = malloc(n);
        if (path) {
            snprintf(path, n, "%s/.sluice-spill-XXXXXX", dir);
            sp->fd = mkostemp(path, O_CLOEXEC);
            if (sp->fd >= 0 && unlink(path) != 0) {
                close(sp->fd);
                sp->fd = -1;
            }
            free(path);
        }
    }
    if (sp->fd < 0) {
        sl_errf(SL_ERR_IO, errstr, errstr_size, "cannot make a spill file in %s: %s", dir,
                strerror(errno));
        free(sp);
        return NULL;
    }
    return sp;
}

void sl_pq_spill_destroy(sl_pq_spill *sp)
{
    if (!sp)
        return;
    close(sp->fd); /* read-write temporary, unlinked: nothing to flush or keep */
    free(sp);
}

uint64_t sl_pq_spill_bytes(const sl_pq_spill *sp)
{
    return sp ? atomic_load(&sp->written) : 0;
}

sl_err sl_pq_spill_putv(sl_pq_spill *sp, const struct iovec *iov, size_t n, uint64_t total,
                        uint64_t *off, char *errstr, size_t errstr_size)
{
    uint64_t at = atomic_fetch_add(&sp->end, total), pos = at;
    size_t i = 0, skip = 0; /* iov[i] is written up to skip bytes */
    while (i < n) {
        struct iovec part[64];
        size_t m = 0;
        for (size_t j = i; j < n && m < 64; j++, m++) {
            part[m] = iov[j];
            if (j == i) {
                part[m].iov_base = (char *)part[m].iov_base + skip;
                part[m].iov_len -= skip;
            }
        }
        ssize_t k = pwritev(sp->fd, part, (int)m, (off_t)pos);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            int err = k < 0 ? errno : EIO;
            sl_pq_spill_drop(sp, at, (size_t)(pos - at));
            return sl_errf(SL_ERR_IO, errstr, errstr_size, "writing the spill file: %s",
                           strerror(err));
        }
        pos += (uint64_t)k;
        size_t left = (size_t)k;
        while (left && i < n) {
            size_t rest = iov[i].iov_len - skip;
            if (left < rest) {
                skip += left;
                left = 0;
            } else {
                left -= rest;
                skip = 0;
                i++;
            }
        }
        while (i < n && iov[i].iov_len == 0)
            i++;
    }
    atomic_fetch_add(&sp->written, total);
    *off = at;
    return SL_OK;
}

sl_err sl_pq_spill_get(sl_pq_spill *sp, uint64_t off, void *dst, size_t n, char *errstr,
                       size_t errstr_size)
{
    char *b = dst;
    size_t done = 0;
    while (done < n) {
        ssize_t k = pread(sp->fd, b + done, n - done, (off_t)(off + done));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return sl_errf(SL_ERR_IO, errstr, errstr_size, "reading the spill file: %s",
                           k < 0 ? strerror(errno) : "short read");
        done += (size_t)k;
    }
    return SL_OK;
}

void sl_pq_spill_drop(sl_pq_spill *sp, uint64_t off, size_t n)
{
    if (n)
        (void)fallocate(sp->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)n);
}
