/*
 * codec.h: page compression for Parquet: UNCOMPRESSED, SNAPPY (raw snappy
 * blocks, libsnappy), GZIP (gzip framing as parquet-mr writes it, zlib) and
 * ZSTD (libzstd). One sl_codec holds reusable compression and decompression
 * contexts, so a writer or reader creates one and reuses it for every page
 * (not thread-safe: one per thread).
 */
#ifndef SL_PARQUET_CODEC_H
#define SL_PARQUET_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"
#include "parquet/parquet.h"

typedef struct sl_codec sl_codec;

/* Creates a context. Contexts for each library are made lazily on first use.
 * Returns NULL only when out of memory. Free with sl_codec_destroy. */
sl_codec *sl_codec_new(void);
/* Frees the context and every library context it holds. NULL is a no-op. */
void sl_codec_destroy(sl_codec *c);

/* 1 when `codec` is one of the four above. */
int sl_codec_supported(sl_pq_codec codec);

/* Compresses n bytes at src and APPENDS the compressed bytes to dst (which is
 * not cleared). level: zstd 1..22 / gzip 1..9, 0 = default (zstd 3, gzip 6);
 * ignored by snappy and UNCOMPRESSED (which appends a copy). Errors:
 * SL_ERR_NOMEM, SL_ERR_UNSUPPORTED (unknown codec), SL_ERR_INVALID (input
 * larger than 2 GiB, the most a Parquet page may hold), with a message. */
sl_err sl_codec_compress(sl_codec *c, sl_pq_codec codec, int level, const void *src, size_t n,
                         sl_buf *dst, char *errstr, size_t errstr_size);

/* The worst-case compressed size of n bytes with `codec` at `level` (checks
 * both as sl_codec_compress does; n must be <= 2 GiB, a page's limit). */
sl_err sl_codec_bound(sl_codec *c, sl_pq_codec codec, int level, size_t n, size_t *bound,
                      char *errstr, size_t errstr_size);

/* Compresses n bytes at src into dst, which has room for cap bytes, at least
 * the bound above; *out_len gets the compressed size. Lets a caller compress
 * straight into its final buffer. Errors as sl_codec_compress. */
sl_err sl_codec_compress_into(sl_codec *c, sl_pq_codec codec, int level, const void *src,
                              size_t n, void *dst, size_t cap, size_t *out_len, char *errstr,
                              size_t errstr_size);

/* Decompresses src_len bytes at src, which must expand to exactly
 * `uncompressed_size` bytes, and APPENDS them to dst. `limit` caps the memory a
 * (possibly hostile) size declaration may make us reserve: uncompressed_size >
 * limit is SL_ERR_LIMIT before anything is allocated. Any mismatch (the data
 * expands to fewer or more bytes, a snappy/zstd header declares another size,
 * damaged data, trailing garbage after the last gzip member) is SL_ERR_CORRUPT
 * with a message naming the codec and both sizes; dst->len is then restored. */
sl_err sl_codec_decompress(sl_codec *c, sl_pq_codec codec, const void *src, size_t src_len,
                           size_t uncompressed_size, size_t limit, sl_buf *dst, char *errstr,
                           size_t errstr_size);

#endif
