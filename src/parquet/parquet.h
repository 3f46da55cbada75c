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
 * Writer statistics (per column chunk; page headers carry none): null_count
 * always; min_value/max_value (never the deprecated min/max) ordered as
 * parquet's TypeDefinedOrder says: signed for INT32/INT64/DATE/TIMESTAMP,
 * false < true for BOOLEAN, unsigned bytes for STRING/BINARY, and for DOUBLE
 * with NaN ignored and a zero bound written as -0.0 (min) / +0.0 (max). A chunk
 * whose values are all null (or all NaN) gets null_count only. STRING/BINARY
 * bounds are written exactly when both are <= 4096 bytes; when either is longer
 * both are omitted (never truncated). INT96 columns get null_count only (their
 * order is undefined). Buffering: pages are encoded and compressed as they fill
 * (1 MiB or 20000 rows; PLAIN fixed-width values: 128 KiB), so the memory held
 * is about one compressed row group plus one page per column;
 * sl_pq_writer_buffered_bytes() reports the PLAIN size of the rows of the open
 * row group, which is what opts.row_group_bytes limits;
 * sl_pq_writer_held_bytes() the memory the writer really holds for it.
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
    struct sl_pq_pool *pool;    /* borrowed, may be NULL: resources shared by writers (below) */
} sl_pq_options;

/* A pool of resources that writers created with it share instead of making
 * their own: the compression context (a zstd level-3 context holds about 1 MB
 * of tables; a process with hundreds of open writers, like a lander with one
 * file per table per day, would otherwise allocate, zero and page-fault one per
 * file), scratch buffers, and free lists of memory blocks: the page buffers,
 * finished pages and dictionaries that a writer gives back when it flushes a
 * row group with sl_pq_writer_flush_row_group() or is destroyed are reused,
 * already faulted in, by the writers that need memory next (the pool keeps at
 * most 8 MiB of such idle blocks and frees the rest). Writers use it only
 * inside their own calls, so any number of writers may share one pool as long
 * as they are all used from one thread at a time (one pool per thread). The
 * pool must outlive every writer made with it (destroy the writers first).
 * A writer made without a pool makes one of its own. sl_pq_pool_new returns
 * NULL when out of memory; destroy of NULL is a no-op. */
typedef struct sl_pq_pool sl_pq_pool;
sl_pq_pool *sl_pq_pool_new(void);
void sl_pq_pool_destroy(sl_pq_pool *pool);

/* A spill file: where writers under memory pressure keep the finished pages of
 * their open row groups instead of memory (sl_pq_writer_spill). An unnamed
 * temporary file in `dir` (NULL: $TMPDIR, else /tmp), gone with the process
 * however it ends; any number of writers and threads may share one. Space is
 * given back as each row group is written. sl_pq_spill_new returns NULL (with
 * errstr) when the file cannot be made; destroy (NULL: no-op) after every
 * writer that used it. sl_pq_spill_bytes: bytes spilled so far in all. */
typedef struct sl_pq_spill sl_pq_spill;
sl_pq_spill *sl_pq_spill_new(const char *dir, char *errstr, size_t errstr_size);
void sl_pq_spill_destroy(sl_pq_spill *sp);
uint64_t sl_pq_spill_bytes(const sl_pq_spill *sp);

/* Defaults: ZSTD level 3, 1 MiB pages, 128 MiB row groups, 1 MiB dictionaries. */
sl_pq_options sl_pq_options_default(void);

typedef struct sl_pq_writer sl_pq_writer;

/* Creates a writer for `ncols` columns (copied: names and array may be freed after
 * the call) that writes to `out` (borrowed; must stay valid until close/destroy).
 * Writes the leading magic at once. Returns NULL and fills errstr on failure. */
sl_pq_writer *sl_pq_writer_new(const sl_column *cols, size_t ncols, const sl_pq_options *opts,
                               sl_out out, char *errstr, size_t errstr_size);

/* Appends one row: vals[i] is the value of column i (strings are copied).
 * A NULL in a required column, or an INT32/DATE value outside int32, is
 * SL_ERR_INVALID; a string/binary over 1 GiB is SL_ERR_LIMIT; either way the row
 * is not appended and the writer stays usable. May encode and write a row group
 * when the buffered size reaches the limit (so may return an output error, after
 * which the writer only accepts destroy). */
sl_err sl_pq_writer_write_row(sl_pq_writer *w, const sl_value *vals, char *errstr, size_t errstr_size);

/* Adds a key/value pair to the footer (copied). Call any time before close. */
sl_err sl_pq_writer_add_kv(sl_pq_writer *w, const char *key, const char *value);

/* Forces the buffered rows out as a row group (no-op with none buffered) and
 * gives the memory that held its pages and dictionaries back to the writer's
 * pool (reused by other writers sharing it; freed beyond the pool's idle
 * limit), so a caller under memory pressure gets it back (row groups cut by
 * row_group_bytes keep that memory for the next one instead). */
sl_err sl_pq_writer_flush_row_group(sl_pq_writer *w, char *errstr, size_t errstr_size);

/* Writes the remaining row group, the footer and the trailing magic. After it only
 * destroy is allowed. A zero-row file is valid (schema, no row groups). */
sl_err sl_pq_writer_close(sl_pq_writer *w, char *errstr, size_t errstr_size);

/* Frees everything (whether or not closed). NULL is a no-op. */
void sl_pq_writer_destroy(sl_pq_writer *w);

/* Moves writer w to `pool` (borrowed, same lifetime rule as opts.pool; NULL is a
 * no-op): its later calls take memory, scratch and the compression context from
 * that pool, and the blocks it gives back go there. Blocks it already holds are
 * plain malloc blocks, so a writer may move between pools freely; this lets a
 * writer be used from any thread, one thread at a time, with that thread's
 * pool. A writer that made a pool of its own keeps owning it (freed at destroy). */
void sl_pq_writer_set_pool(sl_pq_writer *w, sl_pq_pool *pool);

/* Rows appended so far / bytes currently buffered (uncompressed estimate) /
 * bytes written to `out` so far. */
uint64_t sl_pq_writer_rows(const sl_pq_writer *w);
size_t sl_pq_writer_buffered_bytes(const sl_pq_writer *w);
/* Bytes the writer holds for its open row group: finished (compressed) pages,
 * the page being filled (indexes, values, levels) and the dictionaries (bytes,
 * entries, hash slots), counted by content, not by allocated size (blocks grow
 * by doubling), and 0 right after a row group is written. Dictionary encoding
 * and compression make this a fraction of the PLAIN size; it is what a caller
 * keeping many writers under a memory budget should add up. */
size_t sl_pq_writer_held_bytes(const sl_pq_writer *w);
/* Bytes of footer metadata held for the row groups written so far (their
 * column chunks' offsets, sizes and statistics): it grows with every row group
 * until the file is closed, the one part of a writer's memory that writing row
 * groups early does not give back. */
size_t sl_pq_writer_footer_bytes(const sl_pq_writer *w);
/* Relieves memory without ending the row group: finishes the page being filled
 * of every column and moves all finished pages of the open row group to `sp`
 * (the same spill at every call of one writer), giving their memory back; what
 * stays is the dictionaries. The row group is written as usual later, its pages
 * copied back in order, so the file is as without spilling except for where
 * pages end. SL_ERR_IO when the spill file cannot be written: the writer is then
 * unchanged (its pages stay in memory) and usable; any other error fails the
 * writer as a failed write does. */
sl_err sl_pq_writer_spill(sl_pq_writer *w, sl_pq_spill *sp, char *errstr, size_t errstr_size);
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
    /* Reader additions: */
    const char *codec_name; /* parquet.thrift name: "UNCOMPRESSED", "SNAPPY", "ZSTD", "LZ4"... */
    int64_t data_page_offset;
    int64_t dictionary_page_offset; /* -1 when absent */
} sl_pq_chunk_info;

/* Opens a Parquet file through `in` (borrowed; must outlive the reader): checks the
 * magic at both ends, decodes the footer, validates the schema is flat with types
 * sluice understands. Errors name the problem ("not a Parquet file: bad magic",
 * "footer length 123456 exceeds file size", ...). */
sl_pq_reader *sl_pq_reader_open(const sl_in *in, char *errstr, size_t errstr_size);
void sl_pq_reader_destroy(sl_pq_reader *r);

size_t sl_pq_reader_ncols(const sl_pq_reader *r);
const sl_column *sl_pq_reader_column(const sl_pq_reader *r, size_t i);
/* How column i is stored, for display (reader-owned, NULL when i is out of range):
 * physical "BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY",
 * "FIXED_LEN_BYTE_ARRAY(16)"; logical the LogicalType ("STRING", "DATE",
 * "TIMESTAMP(MICROS,UTC)", "TIMESTAMP(NANOS,local)", "INT(32,unsigned)", ...) or, when
 * the file has none, the ConvertedType name ("UTF8", "TIMESTAMP_MILLIS"); "" when neither.
 * Type mapping: BYTE_ARRAY STRING/UTF8/ENUM/JSON -> SL_T_STRING, other BYTE_ARRAY and
 * FIXED_LEN_BYTE_ARRAY -> SL_T_BINARY; INT64 TIMESTAMP of any unit and INT96 ->
 * SL_T_TIMESTAMP in microseconds (nanoseconds floored); INT32 DATE -> SL_T_DATE;
 * FLOAT -> SL_T_DOUBLE; INT32 unsigned -> SL_T_INT64. DECIMAL and unsigned INT64 are
 * rejected at open as unsupported, as are nested and repeated columns. */
const char *sl_pq_reader_column_physical(const sl_pq_reader *r, size_t i);
const char *sl_pq_reader_column_logical(const sl_pq_reader *r, size_t i);
/* Index of the column named `name`: 0 and *idx set, or -1 when there is none. */
int sl_pq_reader_find_column(const sl_pq_reader *r, const char *name, size_t *idx);
int64_t sl_pq_reader_nrows(const sl_pq_reader *r);
size_t sl_pq_reader_nrow_groups(const sl_pq_reader *r);
int64_t sl_pq_reader_row_group_rows(const sl_pq_reader *r, size_t rg);
const char *sl_pq_reader_created_by(const sl_pq_reader *r);   /* NULL when absent */
size_t sl_pq_reader_nkv(const sl_pq_reader *r);
void sl_pq_reader_kv(const sl_pq_reader *r, size_t i, const char **key, const char **value);
/* Column chunk metadata of column `col` in row group `rg`. Strings (encodings,
 * codec_name, string min/max) are reader-owned and live as long as the reader.
 * Statistics: min_value/max_value, else the deprecated min/max for types whose
 * order is signed (never for strings/binaries); absent when they do not decode
 * (wrong size, NaN) or for INT96. */
sl_err sl_pq_reader_chunk_info(sl_pq_reader *r, size_t rg, size_t col, sl_pq_chunk_info *info,
                               char *errstr, size_t errstr_size);

/* Reads column `col` of row group `rg` whole: *vals points at row_group_rows values,
 * owned by the reader and valid until the next read_column call for the same
 * column index (strings too). Decompresses and decodes every page (data pages v1
 * and v2; PLAIN, PLAIN_DICTIONARY/RLE_DICTIONARY, RLE booleans, DELTA_BINARY_PACKED,
 * DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT; page CRCs checked
 * when present). Reads the chunk's bytes with one read_at. Errors name the column,
 * row group and page offset; a corrupt file gives SL_ERR_CORRUPT, an unsupported
 * encoding or codec SL_ERR_UNSUPPORTED, a page beyond 256 MiB uncompressed (or a
 * chunk whose string pages exceed 1 GiB) SL_ERR_LIMIT. Nulls have is_null = 1 and
 * zeroed value members. */
sl_err sl_pq_reader_read_column(sl_pq_reader *r, size_t rg, size_t col, const sl_value **vals,
                                char *errstr, size_t errstr_size);

/* ---- cursors: a column chunk page by page ----
 * read_column materializes a whole chunk (one sl_value per row of the row group); a
 * cursor hands out one data page's values at a time into a buffer it reuses, so memory
 * stays at about one page (plus the chunk's compressed bytes, read in one read_at) and
 * the cells stay in cache: the way to scan large row groups. Several cursors (one per
 * column) may be used together, interleaved; they share the reader's scratch space, so
 * a reader and its cursors belong to one thread.
 *
 * sl_pq_cursor_new: a cursor over column `col` of reader `r` (borrowed; destroy the
 * cursor first). NULL when col is out of range or out of memory. */
typedef struct sl_pq_cursor sl_pq_cursor;
sl_pq_cursor *sl_pq_cursor_new(sl_pq_reader *r, size_t col);
/* (Re)starts the cursor at row group `rg`: checks the chunk metadata and reads its bytes.
 * Errors as for read_column. */
sl_err sl_pq_cursor_start(sl_pq_cursor *cur, size_t rg, char *errstr, size_t errstr_size);
/* The next batch of values (one data page, in row order): *vals points at *n cells owned
 * by the cursor, valid until the next call on this cursor (strings too). *n == 0 when
 * the row group is done. After an error the cursor must be started again. */
sl_err sl_pq_cursor_next(sl_pq_cursor *cur, const sl_value **vals, size_t *n, char *errstr,
                         size_t errstr_size);
void sl_pq_cursor_destroy(sl_pq_cursor *cur);

#endif
