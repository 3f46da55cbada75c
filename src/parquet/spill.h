/*
 * spill.h: the spill file's internals, for the writer (the public type and its
 * new/destroy are in parquet.h). Every call is safe from any thread at once:
 * space is taken by an atomic bump of the file's end, and each extent is
 * written and read by one thread.
 */
#ifndef SL_PARQUET_SPILL_H
#define SL_PARQUET_SPILL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "common/common.h"
#include "parquet/parquet.h"

/* Writes the n buffers of iov (total bytes in all) one after another at the
 * file's end; *off gets where the first starts. SL_ERR_IO (message in errstr)
 * when the write fails: the space is given back then. */
sl_err sl_pq_spill_putv(sl_pq_spill *sp, const struct iovec *iov, size_t n, uint64_t total,
                        uint64_t *off, char *errstr, size_t errstr_size);
/* Reads back the n bytes written at off into dst. SL_ERR_IO when it cannot. */
sl_err sl_pq_spill_get(sl_pq_spill *sp, uint64_t off, void *dst, size_t n, char *errstr,
                       size_t errstr_size);
/* The n bytes at off are not needed again: their disk space is given back
 * (a hole is punched; where the file system cannot, they stay until the spill
 * is destroyed). */
void sl_pq_spill_drop(sl_pq_spill *sp, uint64_t off, size_t n);

#endif
