/*
 * thrift.h: the Thrift compact protocol (the encoding of Parquet's footer and
 * page headers), plus the parquet.thrift enum values both the writer and the
 * reader need.
 *
 * Three parts:
 *  - sl_thrift_enc: an encoder that appends to a caller-owned sl_buf. Errors
 *    are sticky: calls after the first failure do nothing, and
 *    sl_thrift_enc_finish() reports it. Nested structs are tracked with a small
 *    fixed stack (SL_THRIFT_MAX_DEPTH); deeper nesting is an error.
 *  - sl_thrift_dec: a pull decoder over a borrowed byte range. Every read is
 *    bounds-checked: truncated or malformed input returns SL_ERR_CORRUPT with a
 *    message naming what was being read and the byte offset (relative to the
 *    start of the range plus a caller-given base, so messages can name file
 *    offsets). Nesting deeper than SL_THRIFT_MAX_DEPTH, lists longer than the
 *    bytes left could possibly hold, and unknown type codes are errors. Never
 *    allocates.
 *  - sl_thrift_tree: a generic decoded tree of one struct (field ids, types,
 *    values), for tests, fuzzing and tools that want to look at a footer without
 *    a schema-specific decoder. Allocates; binaries point into the input.
 *
 * Wire summary (compact protocol): a field header byte is (delta << 4) | type,
 * with delta 1..15 from the previous field id, or delta 0 followed by a zigzag
 * varint i16 field id; type 0 is STOP (end of struct). Integers are zigzag
 * ULEB128 varints; i8 is one raw byte; doubles are 8 bytes little-endian;
 * binary is a varint length then the bytes; a list/set header is
 * (size << 4) | elem_type with size 15 meaning a varint size follows; a map is
 * a varint size then, when size > 0, one byte (key_type << 4) | value_type.
 * Booleans in fields live in the field header type (1 true, 2 false); booleans
 * in lists are one byte each (1 true, anything else false; we write 1 and 2).
 */
#ifndef SL_PARQUET_THRIFT_H
#define SL_PARQUET_THRIFT_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

/* Compact-protocol type codes (as they appear on the wire). */
enum {
    SL_THRIFT_STOP = 0,
    SL_THRIFT_BOOL_TRUE = 1, /* also the element type of list<bool> */
    SL_THRIFT_BOOL_FALSE = 2,
    SL_THRIFT_BYTE = 3,
    SL_THRIFT_I16 = 4,
    SL_THRIFT_I32 = 5,
    SL_THRIFT_I64 = 6,
    SL_THRIFT_DOUBLE = 7,
    SL_THRIFT_BINARY = 8,
    SL_THRIFT_LIST = 9,
    SL_THRIFT_SET = 10,
    SL_THRIFT_MAP = 11,
    SL_THRIFT_STRUCT = 12
};
/* sl_thrift_dec_field() reports both boolean field types as SL_THRIFT_BOOL. */
#define SL_THRIFT_BOOL SL_THRIFT_BOOL_TRUE

/* Maximum struct/list/map nesting for the encoder, the decoder and skip. */
#define SL_THRIFT_MAX_DEPTH 32

/* ------------------------------------------------------------------------- */
/* Encoder                                                                     */
/* ------------------------------------------------------------------------- */

/* Plain struct so it can live on the stack; treat the members as private. */
typedef struct sl_thrift_enc {
    sl_buf *out;                          /* borrowed, appended to */
    int16_t last_fid[SL_THRIFT_MAX_DEPTH]; /* previous field id per open struct */
    int depth;                            /* open structs (0 = top level, outside any struct) */
    sl_err err;                           /* first error, sticky */
} sl_thrift_enc;

/* Starts encoding onto the end of `out` (borrowed). Writes nothing yet. The
 * caller opens the top-level struct with sl_thrift_enc_struct_begin(). */
void sl_thrift_enc_init(sl_thrift_enc *e, sl_buf *out);

/* Opens a struct. At the top level and for list elements pass fid = 0 (no
 * field header is written); inside a struct pass the field id (a STRUCT field
 * header is written). */
void sl_thrift_enc_struct_begin(sl_thrift_enc *e, int16_t fid);
/* Closes the innermost struct (writes STOP). */
void sl_thrift_enc_struct_end(sl_thrift_enc *e);

/* Fields of the innermost open struct. Field ids must be > 0; ascending ids
 * give the short header form but any order is valid. */
void sl_thrift_enc_field_bool(sl_thrift_enc *e, int16_t fid, int v);
void sl_thrift_enc_field_byte(sl_thrift_enc *e, int16_t fid, int8_t v);
void sl_thrift_enc_field_i16(sl_thrift_enc *e, int16_t fid, int16_t v);
void sl_thrift_enc_field_i32(sl_thrift_enc *e, int16_t fid, int32_t v);
void sl_thrift_enc_field_i64(sl_thrift_enc *e, int16_t fid, int64_t v);
void sl_thrift_enc_field_double(sl_thrift_enc *e, int16_t fid, double v);
void sl_thrift_enc_field_binary(sl_thrift_enc *e, int16_t fid, const void *p, size_t n);
/* A list field header: `count` elements of compact type `elem_type` follow,
 * written with the element functions below (struct elements with
 * sl_thrift_enc_struct_begin(e, 0) ... _end). */
void sl_thrift_enc_field_list(sl_thrift_enc *e, int16_t fid, int elem_type, uint32_t count);
/* A map field header: `count` key/value pairs follow, written alternately. */
void sl_thrift_enc_field_map(sl_thrift_enc *e, int16_t fid, int key_type, int val_type,
                             uint32_t count);

/* Bare values (list/map elements). */
void sl_thrift_enc_bool(sl_thrift_enc *e, int v);
void sl_thrift_enc_byte(sl_thrift_enc *e, int8_t v);
void sl_thrift_enc_i16(sl_thrift_enc *e, int16_t v);
void sl_thrift_enc_i32(sl_thrift_enc *e, int32_t v);
void sl_thrift_enc_i64(sl_thrift_enc *e, int64_t v);
void sl_thrift_enc_double(sl_thrift_enc *e, double v);
void sl_thrift_enc_binary(sl_thrift_enc *e, const void *p, size_t n);
/* A nested list header (list element of a list/map). */
void sl_thrift_enc_list(sl_thrift_enc *e, int elem_type, uint32_t count);

/* SL_OK if every call so far succeeded and every struct opened was closed;
 * otherwise the first error (SL_ERR_NOMEM, or SL_ERR_INVALID for misuse such as
 * unbalanced structs, nesting past SL_THRIFT_MAX_DEPTH or a binary > 2 GiB). */
sl_err sl_thrift_enc_finish(const sl_thrift_enc *e);

/* ------------------------------------------------------------------------- */
/* Decoder                                                                     */
/* ------------------------------------------------------------------------- */

/* Plain struct so it can live on the stack; treat the members as private. */
typedef struct sl_thrift_dec {
    const uint8_t *start, *p, *end;       /* borrowed input */
    uint64_t base;                        /* added to offsets in messages */
    int16_t last_fid[SL_THRIFT_MAX_DEPTH];
    int depth;
    int pending_bool;                     /* -1 none; else value of the last bool field header */
    char *errstr;                         /* borrowed; may be NULL */
    size_t errstr_size;
} sl_thrift_dec;

/* Starts decoding `len` bytes at `data` (borrowed, must outlive the decoder).
 * `base` is added to byte offsets in error messages (e.g. the file offset of
 * data). Error messages go to errstr (borrowed, may be NULL). */
void sl_thrift_dec_init(sl_thrift_dec *d, const void *data, size_t len, uint64_t base,
                        char *errstr, size_t errstr_size);

/* Bytes consumed so far (e.g. the length of a page header). */
size_t sl_thrift_dec_consumed(const sl_thrift_dec *d);

/* Enters a struct: call at the top level, after a STRUCT field header, and for
 * each STRUCT list element. Errors past SL_THRIFT_MAX_DEPTH. */
sl_err sl_thrift_dec_struct_begin(sl_thrift_dec *d);

/* Reads the next field header of the innermost struct. At the end of the
 * struct sets *type = SL_THRIFT_STOP and leaves the struct (no struct_end call
 * needed). Boolean fields report SL_THRIFT_BOOL; read their value with
 * sl_thrift_dec_bool(). For any other type the caller reads the value with the
 * matching function or skips it with sl_thrift_dec_skip(d, *type). */
sl_err sl_thrift_dec_field(sl_thrift_dec *d, int16_t *fid, int *type);

/* Value readers. The varint integers are range-checked against the width read
 * (an i32 read of a varint that does not fit is an error), so i16/i32/i64 may
 * read any of the I16/I32/I64 field types; BYTE is a raw byte (dec_byte). */
sl_err sl_thrift_dec_bool(sl_thrift_dec *d, int *v);
sl_err sl_thrift_dec_byte(sl_thrift_dec *d, int8_t *v);
sl_err sl_thrift_dec_i16(sl_thrift_dec *d, int16_t *v);
sl_err sl_thrift_dec_i32(sl_thrift_dec *d, int32_t *v);
sl_err sl_thrift_dec_i64(sl_thrift_dec *d, int64_t *v);
sl_err sl_thrift_dec_double(sl_thrift_dec *d, double *v);
/* *p points into the input (borrowed), *n its length. */
sl_err sl_thrift_dec_binary(sl_thrift_dec *d, const uint8_t **p, size_t *n);
/* A list or set header: element type and count. The count is checked against
 * the bytes left (every element takes at least one byte on the wire), so a huge
 * count in a tiny input is an error before the caller allocates anything. */
sl_err sl_thrift_dec_list(sl_thrift_dec *d, int *elem_type, uint32_t *count);
/* A map header; key/value types are 0 when count is 0. Count is checked as for lists. */
sl_err sl_thrift_dec_map(sl_thrift_dec *d, int *key_type, int *val_type, uint32_t *count);

/* Skips one value of compact type `type` (recursively for structs, lists,
 * maps), bounded by SL_THRIFT_MAX_DEPTH. For a bool field, skip with
 * SL_THRIFT_BOOL (consumes the pending header value). */
sl_err sl_thrift_dec_skip(sl_thrift_dec *d, int type);

/* Raw varint helpers (also used by encodings): ULEB128 of at most 10 bytes.
 * Return the number of bytes used, 0 on truncation/overlong input. */
size_t sl_thrift_uvarint_get(const uint8_t *p, const uint8_t *end, uint64_t *v);
/* Writes into p (>= 10 bytes), returns bytes written. */
size_t sl_thrift_uvarint_put(uint8_t *p, uint64_t v);

/* ------------------------------------------------------------------------- */
/* Generic tree                                                                */
/* ------------------------------------------------------------------------- */

typedef struct sl_thrift_tree sl_thrift_tree;
/* A node handle; 0 means "none" (missing field, index out of range). */
typedef uint32_t sl_thrift_ref;

/* Decodes one struct from `data` into a tree. *consumed (may be NULL) gets the
 * struct's length in bytes. `data` is borrowed and must outlive the tree
 * (binaries point into it). Returns NULL and fills errstr on malformed input or
 * when more than `max_nodes` nodes would be needed (0 = 1<<22). */
sl_thrift_tree *sl_thrift_tree_parse(const void *data, size_t len, size_t max_nodes,
                                     size_t *consumed, char *errstr, size_t errstr_size);
void sl_thrift_tree_destroy(sl_thrift_tree *t);

/* The top-level struct. */
sl_thrift_ref sl_thrift_tree_root(const sl_thrift_tree *t);
/* Compact type of a node (bool nodes report SL_THRIFT_BOOL); 0 for ref 0. */
int sl_thrift_tree_type(const sl_thrift_tree *t, sl_thrift_ref r);
/* Field `fid` of a struct node, or 0 when absent or r is not a struct. */
sl_thrift_ref sl_thrift_tree_field(const sl_thrift_tree *t, sl_thrift_ref r, int16_t fid);
/* Number of elements of a list/set node (for a map: 2 * pairs, keys and values
 * alternating); 0 for anything else. */
uint32_t sl_thrift_tree_count(const sl_thrift_tree *t, sl_thrift_ref r);
/* Element i of a list/set/map node, or 0. Linear in i: walk with _next instead. */
sl_thrift_ref sl_thrift_tree_item(const sl_thrift_tree *t, sl_thrift_ref r, uint32_t i);
/* The first field of a struct node or first element of a list/set/map node, or 0. */
sl_thrift_ref sl_thrift_tree_first(const sl_thrift_tree *t, sl_thrift_ref r);
/* The next sibling (next field of the same struct / next element), or 0. */
sl_thrift_ref sl_thrift_tree_next(const sl_thrift_tree *t, sl_thrift_ref r);
/* The field id of a struct field node (0 for list elements). */
int16_t sl_thrift_tree_fid(const sl_thrift_tree *t, sl_thrift_ref r);
/* Integer value of a bool/byte/i16/i32/i64 node (0 otherwise). */
int64_t sl_thrift_tree_int(const sl_thrift_tree *t, sl_thrift_ref r);
/* Double value of a double node (0 otherwise). */
double sl_thrift_tree_double(const sl_thrift_tree *t, sl_thrift_ref r);
/* Bytes of a binary node (borrowed from the input), NULL otherwise. */
const uint8_t *sl_thrift_tree_binary(const sl_thrift_tree *t, sl_thrift_ref r, size_t *n);

/* ------------------------------------------------------------------------- */
/* parquet.thrift enum values                                                  */
/* ------------------------------------------------------------------------- */

enum { /* Type */
    SL_PQT_BOOLEAN = 0, SL_PQT_INT32 = 1, SL_PQT_INT64 = 2, SL_PQT_INT96 = 3,
    SL_PQT_FLOAT = 4, SL_PQT_DOUBLE = 5, SL_PQT_BYTE_ARRAY = 6, SL_PQT_FIXED_LEN_BYTE_ARRAY = 7
};
enum { /* ConvertedType (subset) */
    SL_PQCT_UTF8 = 0, SL_PQCT_DATE = 6, SL_PQCT_TIME_MILLIS = 7, SL_PQCT_TIME_MICROS = 8,
    SL_PQCT_TIMESTAMP_MILLIS = 9, SL_PQCT_TIMESTAMP_MICROS = 10
};
enum { /* FieldRepetitionType */
    SL_PQR_REQUIRED = 0, SL_PQR_OPTIONAL = 1, SL_PQR_REPEATED = 2
};
enum { /* Encoding */
    SL_PQE_PLAIN = 0, SL_PQE_PLAIN_DICTIONARY = 2, SL_PQE_RLE = 3, SL_PQE_BIT_PACKED = 4,
    SL_PQE_DELTA_BINARY_PACKED = 5, SL_PQE_DELTA_LENGTH_BYTE_ARRAY = 6,
    SL_PQE_DELTA_BYTE_ARRAY = 7, SL_PQE_RLE_DICTIONARY = 8, SL_PQE_BYTE_STREAM_SPLIT = 9
};
enum { /* PageType */
    SL_PQP_DATA_PAGE = 0, SL_PQP_INDEX_PAGE = 1, SL_PQP_DICTIONARY_PAGE = 2, SL_PQP_DATA_PAGE_V2 = 3
};
/* LogicalType union member field ids (LogicalType is a union struct). */
enum {
    SL_PQLT_STRING = 1, SL_PQLT_MAP = 2, SL_PQLT_LIST = 3, SL_PQLT_ENUM = 4, SL_PQLT_DECIMAL = 5,
    SL_PQLT_DATE = 6, SL_PQLT_TIME = 7, SL_PQLT_TIMESTAMP = 8, SL_PQLT_INTEGER = 10,
    SL_PQLT_UNKNOWN = 11, SL_PQLT_JSON = 12, SL_PQLT_BSON = 13, SL_PQLT_UUID = 14
};
/* TimeUnit union member field ids. */
enum { SL_PQTU_MILLIS = 1, SL_PQTU_MICROS = 2, SL_PQTU_NANOS = 3 };

#endif
