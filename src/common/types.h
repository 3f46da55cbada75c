/*
 * types.h: the column types and value cells shared by the mapping (which makes
 * rows), the Parquet writer and reader (which store them) and the SQL layer.
 */
#ifndef SL_TYPES_H
#define SL_TYPES_H

#include <stdint.h>
#include <stddef.h>

/* Logical column types of sluice tables. Physical Parquet mapping:
 *  BOOL->BOOLEAN, INT32->INT32, INT64->INT64, DOUBLE->DOUBLE,
 *  STRING->BYTE_ARRAY+STRING(UTF8), BINARY->BYTE_ARRAY (no annotation),
 *  TIMESTAMP->INT64 TIMESTAMP(MICROS, isAdjustedToUTC=true) (INT96 optionally),
 *  DATE->INT32 DATE (days since 1970-01-01). */
typedef enum sl_type {
    SL_T_BOOL = 0,
    SL_T_INT32,
    SL_T_INT64,
    SL_T_DOUBLE,
    SL_T_STRING,
    SL_T_BINARY,
    SL_T_TIMESTAMP, /* microseconds since the Unix epoch, UTC */
    SL_T_DATE       /* days since the Unix epoch */
} sl_type;

/* Name used in mapping files and messages: "boolean", "int32", "int64", "double",
 * "string", "binary", "timestamp", "date". */
const char *sl_type_name(sl_type t);
/* Parses a type name; returns 0 and sets *t, or -1 if unknown. */
int sl_type_parse(const char *name, sl_type *t);

/* One cell. Which member is meaningful depends on the column's sl_type:
 * BOOL, INT32, INT64, TIMESTAMP, DATE use i; DOUBLE uses d; STRING and BINARY use
 * s.p/s.n (borrowed bytes, valid as long as whoever produced the cell says).
 * is_null != 0 means SQL NULL (then the value members are ignored). */
typedef struct sl_value {
    union {
        int64_t i;
        double d;
        struct { const char *p; uint32_t n; } s;
    } u;
    uint8_t is_null;
} sl_value;

/* A column of a table: name, type, and whether nulls are forbidden. */
typedef struct sl_column {
    const char *name;
    sl_type type;
    int required; /* 1: never null (Parquet REQUIRED); 0: OPTIONAL */
} sl_column;

/* Where a record came from (DESIGN.md: provenance). For a file source: topic is
 * the file's name, partition 0, offset the record's ordinal (0-based), timestamp_us
 * INT64_MIN (null). Strings are borrowed. */
typedef struct sl_header {
    const char *name;
    const void *value;
    size_t value_len;
} sl_header;

typedef struct sl_origin {
    const char *topic;
    int32_t partition;
    int64_t offset;
    int64_t timestamp_us;   /* INT64_MIN when unknown */
    const void *key;        /* NULL when none */
    size_t key_len;
    const sl_header *headers;
    size_t header_count;
} sl_origin;

#define SL_TS_NULL INT64_MIN

#endif
