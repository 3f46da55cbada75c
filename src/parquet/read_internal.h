/*
 * read_internal.h: the Parquet reader's private structures, shared by
 * read_meta.c (footer decoding, schema and type mapping, statistics) and
 * reader.c (opening, column chunks, pages, values). Not a public interface:
 * only those two files include it.
 *
 * Ownership: an sl_pq_reader owns everything reachable from it. The footer
 * bytes are kept for the reader's lifetime; statistics and names decoded from
 * them point into owned copies, so they stay valid until sl_pq_reader_destroy.
 */
#ifndef SL_PARQUET_READ_INTERNAL_H
#define SL_PARQUET_READ_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"
#include "common/types.h"
#include "parquet/codec.h"
#include "parquet/parquet.h"

/* Limits that keep a hostile file from making the reader allocate without bound. */
#define PQR_MAX_FOOTER (256u << 20)         /* footer (FileMetaData) bytes */
#define PQR_MAX_PAGE (256u << 20)           /* one page, uncompressed */
#define PQR_MAX_CHUNK_DECODED (1ull << 30)  /* all pages of one column chunk, uncompressed */
#define PQR_MIN_CELL_BUDGET (1ull << 24)    /* rows x columns of a row group always allowed */
#define PQR_CELLS_PER_FILE_BYTE 64          /* ... and beyond that, per byte of the file */

/* How stored values become sl_value cells. */
typedef enum pqr_conv {
    PQR_CONV_BOOL,        /* BOOLEAN -> i 0/1 */
    PQR_CONV_I32,         /* INT32 -> i (sign-extended); DATE too */
    PQR_CONV_U32,         /* INT32 annotated unsigned 32-bit -> i (zero-extended), SL_T_INT64 */
    PQR_CONV_I64,         /* INT64 -> i; TIMESTAMP(MICROS) too */
    PQR_CONV_TS_MILLIS,   /* INT64 milliseconds -> micros */
    PQR_CONV_TS_NANOS,    /* INT64 nanoseconds -> micros (floor) */
    PQR_CONV_INT96,       /* INT96 Julian day + nanos -> micros */
    PQR_CONV_FLOAT,       /* FLOAT -> d */
    PQR_CONV_DOUBLE,      /* DOUBLE -> d */
    PQR_CONV_BYTES,       /* BYTE_ARRAY -> s */
    PQR_CONV_FIXED        /* FIXED_LEN_BYTE_ARRAY(type_length) -> s */
} pqr_conv;

/* One leaf column of the (flat) schema. */
typedef struct pqr_col {
    sl_column col;          /* name points at `name`; type and required as mapped */
    char *name;             /* owned, NUL-terminated */
    int physical;           /* SL_PQT_* */
    int32_t type_length;    /* FIXED_LEN_BYTE_ARRAY width, else 0 */
    pqr_conv conv;
    char physical_str[40];  /* "INT64", "FIXED_LEN_BYTE_ARRAY(16)" */
    char logical_str[48];   /* "TIMESTAMP(MICROS,UTC)", "STRING", "" */
} pqr_col;

/* Statistics of a chunk as stored (binaries point into the reader's footer copy). */
typedef struct pqr_stats {
    int64_t null_count;               /* -1 absent */
    const uint8_t *min_value, *max_value; /* NULL when absent */
    size_t min_value_n, max_value_n;
    const uint8_t *min_old, *max_old; /* deprecated min/max; NULL when absent */
    size_t min_old_n, max_old_n;
} pqr_stats;

typedef struct pqr_chunk {
    int codec;                        /* CompressionCodec as stored */
    int physical;                     /* ColumnMetaData.type */
    uint32_t encodings;               /* bit e set when Encoding e is listed (e < 32) */
    const char *encodings_str;        /* interned in the reader */
    int64_t num_values;
    int64_t total_uncompressed_size;
    int64_t total_compressed_size;
    int64_t data_page_offset;
    int64_t dictionary_page_offset;   /* -1 absent */
    int has_file_path;                /* chunk data lives in another file (unsupported) */
    int has_meta;                     /* ColumnMetaData present */
    pqr_stats stats;
} pqr_chunk;

typedef struct pqr_row_group {
    int64_t num_rows;
    pqr_chunk *chunks;                 /* nchunks (== ncols once validated), owned */
    size_t nchunks;
} pqr_row_group;

/* What read_meta.c decodes from the footer. */
typedef struct pqr_meta {
    int32_t version;
    int64_t num_rows;
    pqr_col *cols;                     /* ncols, owned */
    size_t ncols;
    pqr_row_group *rgs;                /* nrgs, owned */
    size_t nrgs;
    char *created_by;                 /* owned, NULL when absent */
    char **kv_keys, **kv_values;      /* nkv each, owned (values "" when absent) */
    size_t nkv;
    char **enc_strs;                  /* interned encodings strings, owned */
    uint32_t *enc_masks;
    size_t nenc;
} pqr_meta;

/* Decodes FileMetaData from footer[0..len) (borrowed; the caller keeps it alive as
 * long as the meta: statistics point into it). `file_offset` is the footer's
 * offset in the file (used in messages), `file_size` bounds the row counts.
 * Validates the schema is flat and every type maps to an sl_type. On error
 * returns the code with a message; *m is then freed by the callee. */
sl_err sl_pqr_meta_decode(pqr_meta *m, const uint8_t *footer, size_t len, uint64_t file_offset,
                      uint64_t file_size, char *errstr, size_t errstr_size);
/* Frees everything sl_pqr_meta_decode allocated (safe on a zeroed or half-built meta). */
void sl_pqr_meta_free(pqr_meta *m);

/* Decodes one statistics value (the PLAIN encoding of one value without a
 * length prefix) of column `c` into *v. Returns 0, or -1 when the bytes do not
 * form a usable value (wrong size, NaN, out of range). Strings point into p. */
int sl_pqr_stat_value(const pqr_col *c, const uint8_t *p, size_t n, sl_value *v);

/* Converts 8-byte INT64 storage `raw` to the column's cell value for the
 * timestamp conversions (and plain INT64). 0 or -1 on overflow. */
int sl_pqr_conv_i64(pqr_conv conv, int64_t raw, int64_t *out);

/* DELTA_BINARY_PACKED: decodes the first `count` values of the encoding at p[0..n)
 * into out (as int64; an INT32 column's values are the low 32 bits) and sets *used to
 * the length of the whole encoding (its header says how many values it holds, which
 * must be at least count). Errors (SL_ERR_CORRUPT) go to msg. Read_delta.c. */
sl_err sl_pqr_delta_decode(const uint8_t *p, size_t n, size_t count, int64_t *out, size_t *used,
                           char *msg, size_t msgn);
/* BYTE_STREAM_SPLIT: reassembles `count` values of `width` bytes from the `width`
 * streams of `count` bytes at the start of p[0..n) into out (count * width bytes,
 * values little-endian as PLAIN). */
sl_err sl_pqr_byte_stream_split(const uint8_t *p, size_t n, size_t count, size_t width,
                                uint8_t *out, char *msg, size_t msgn);

/* Name of a CompressionCodec / Encoding value ("SNAPPY", "RLE_DICTIONARY"; "?" when unknown). */
const char *sl_pqr_codec_name(int codec);
const char *sl_pqr_encoding_name(int enc);

#endif
