/*
 * parquet.h: sluice's Parquet writer and reader.
 *
 * Writer: a flat schema of sl_column (types.h), rows appended one at a time as
 * arrays of sl_value, buffered per column; a row group is encoded and streamed to
 * an sl_out when it reaches opts.row_group_bytes (or on close). Memory is bounded
 * by about one row group. Output is Parquet format version 1, data page v1,
 * PLAIN and RLE_DICTIONARY (dictionary page first, PLAIN fallback when the
 * dictionary outgrows opts.dict_max_bytes), RLE/bit-packed definition levels,
 * codecs UNCOMPRESSED/SNAPPY/ZSTD/GZIP, statistics (null_count, min_value,
 * max_value), encoding_stats, column_orders, LogicalType + ConvertedType,
 * created_by = sl_version_line(), key/value metadata.
 *
 * Reader: opens a file through an sl_in, decodes the footer, and hands out
 * columns chunk by chunk as arrays of sl_value (any file this writer makes; also
 * other writers' files that use the same encodings).
 */
#ifndef SL_PARQUET_H
#define SL_PARQUET_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"
#include "common/types.h"

typedef enum sl_pq_codec {
    SL_PQ_UNCOMPRESSED = 0,
    SL_PQ_SNAPPY = 1,
    SL_PQ_GZIP = 2,
    SL_PQ_ZSTD = 6
} sl_pq_codec; /* values are parquet.thrift's CompressionCodec */

/* Parses "none"/"uncompressed", "snappy", "gzip", "zstd". 0 on success, -1 unknown. */
int sl_pq_codec_parse(const char *name, sl_pq_codec *out);
/* "none", "snappy", "gzip", "zstd" (the name used in lake file names). */
const char *sl_pq_codec_name(sl_pq_codec c);

typedef struct sl_pq_options {
    sl_pq_codec codec;          /* default (zero-initialised): UNCOMPRESSED; see sl_pq_options_default */
    int compression_level;      /* zstd 1..22 / gzip 1..9; 0 = codec default (zstd 3, gzip 6) */
    size_t page_bytes;          /* target uncompressed data page size; 0 = 1 MiB */
    size_t row_group_bytes;     /* target buffered bytes per row group; 0 = 128 MiB */
    size_t dict_max_bytes;      /* dictionary size limit before PLAIN fallback; 0 = 1 MiB */
    int disable_dictionary;     /* 1: PLAIN only */
    int int96_timestamps;       /* 1: TIMESTAMP columns as legacy INT96 (Hive <= 2, Impala) */
} sl_pq_options;

/* Defaults: ZSTD level 3, 1 MiB pages, 128 MiB row groups, 1 MiB dictionaries. */
sl_pq_options sl_pq_options_default(void);

typedef struct sl_pq_writer sl_pq_writer;

/* Creates a writer for `ncols` columns (copied: names and array may be freed after
 * the call) that writes to `out` (borrowed; must stay valid until close/destroy).
 * Writes the leading magic at once. Returns NULL and fills errstr on failure. */
sl_pq_writer *sl_pq_writer_new(const sl_column *cols, size_t ncols, const sl_pq_options *opts,
                               sl_out out, char *errstr, size_t errstr_size);

/* Appends one row: vals[i] is the value of column i (strings are copied).
 * A NULL in a required column is SL_ERR_INVALID. May encode and write a row group
 * when the buffered size reaches the limit (so may return an output error). */
sl_err sl_pq_writer_write_row(sl_pq_writer *w, const sl_value *vals, char *errstr, size_t errstr_size);

/* Adds a key/value pair to the footer (copied). Call any time before close. */
sl_err sl_pq_writer_add_kv(sl_pq_writer *w, const char *key, const char *value);

/* Forces the buffered rows out as a row group (no-op with none buffered). */
sl_err sl_pq_writer_flush_row_group(sl_pq_writer *w, char *errstr, size_t errstr_size);

/* Writes the remaining row group, the footer and the trailing magic. After it only
 * destroy is allowed. A zero-row file is valid (schema, no row groups). */
sl_err sl_pq_writer_close(sl_pq_writer *w, char *errstr, size_t errstr_size);

/* Frees everything (whether or not closed). NULL is a no-op. */
void sl_pq_writer_destroy(sl_pq_writer *w);

/* Rows appended so far / bytes currently buffered (uncompressed estimate) /
 * bytes written to `out` so far. */
uint64_t sl_pq_writer_rows(const sl_pq_writer *w);
size_t sl_pq_writer_buffered_bytes(const sl_pq_writer *w);
uint64_t sl_pq_writer_bytes_written(const sl_pq_writer *w);

/* ---- reader ---- */
typedef struct sl_pq_reader sl_pq_reader;

/* Statistics of one column chunk as found in the footer. has_min_max is 0 when the
 * file carries none. min/max are decoded into sl_value of the column's type
 * (strings point into reader-owned memory). */
typedef struct sl_pq_stats {
    int64_t null_count;     /* -1 when absent */
    int has_min_max;
    sl_value min, max;
} sl_pq_stats;

typedef struct sl_pq_chunk_info {
    sl_pq_codec codec;
    int64_t num_values;
    int64_t total_compressed_size;
    int64_t total_uncompressed_size;
    int has_dictionary;
    const char *encodings;  /* human-readable, e.g. "PLAIN,RLE,RLE_DICTIONARY" */
    sl_pq_stats stats;
} sl_pq_chunk_info;

/* Opens a Parquet file through `in` (borrowed; must outlive the reader): checks the
 * magic at both ends, decodes the footer, validates the schema is flat with types
 * sluice understands. Errors name the problem ("not a Parquet file: bad magic",
 * "footer length 123456 exceeds file size", ...). */
sl_pq_reader *sl_pq_reader_open(const sl_in *in, char *errstr, size_t errstr_size);
void sl_pq_reader_destroy(sl_pq_reader *r);

size_t sl_pq_reader_ncols(const sl_pq_reader *r);
const sl_column *sl_pq_reader_column(const sl_pq_reader *r, size_t i);
int64_t sl_pq_reader_nrows(const sl_pq_reader *r);
size_t sl_pq_reader_nrow_groups(const sl_pq_reader *r);
int64_t sl_pq_reader_row_group_rows(const sl_pq_reader *r, size_t rg);
const char *sl_pq_reader_created_by(const sl_pq_reader *r);   /* NULL when absent */
size_t sl_pq_reader_nkv(const sl_pq_reader *r);
void sl_pq_reader_kv(const sl_pq_reader *r, size_t i, const char **key, const char **value);
/* Column chunk metadata of column `col` in row group `rg`. */
sl_err sl_pq_reader_chunk_info(sl_pq_reader *r, size_t rg, size_t col, sl_pq_chunk_info *info,
                               char *errstr, size_t errstr_size);

/* Reads column `col` of row group `rg` whole: *vals points at row_group_rows values,
 * owned by the reader and valid until the next read_column call for the same
 * column index (strings too). Decompresses and decodes every page. */
sl_err sl_pq_reader_read_column(sl_pq_reader *r, size_t rg, size_t col, const sl_value **vals,
                                char *errstr, size_t errstr_size);

#endif
