/*
 * map.h: table mappings. A mapping (a JSON file, or a built-in one compiled from
 * mappings/*.json) declares tables; a mapper turns one message into rows of
 * those tables, typed, or says why the message must be quarantined.
 *
 * A message is all or nothing: either every row it yields is produced, or none
 * and a reason is given (quarantine). Mapping never allocates per value: rows
 * live in a result arena reused by the next call.
 */
#ifndef SL_MAP_H
#define SL_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"
#include "common/types.h"

typedef struct sl_mapping sl_mapping;

/* Loads a mapping from JSON text / a file / the built-in set ("assessments",
 * "game-events"). `name_or_path`: a built-in name, else a file path.
 * Errors are precise: "mapping.json: tables[1].columns[3].type: unknown type 'int'". */
sl_mapping *sl_mapping_parse(const char *text, size_t len, const char *source_name,
                             char *errstr, size_t errstr_size);
sl_mapping *sl_mapping_load(const char *name_or_path, char *errstr, size_t errstr_size);
void sl_mapping_destroy(sl_mapping *m);

/* The text of a built-in mapping (NULL when no such name). */
const char *sl_mapping_builtin_text(const char *name, size_t *len);
/* Built-in names, NULL-terminated iteration: i = 0.. until NULL. */
const char *sl_mapping_builtin_name(size_t i);

const char *sl_mapping_name(const sl_mapping *m);
size_t sl_mapping_ntables(const sl_mapping *m);
/* Table i: its name and its columns in order (includes the provenance columns
 * _topic, _partition, _offset, _timestamp at the end). Borrowed from the mapping. */
const char *sl_mapping_table_name(const sl_mapping *m, size_t t);
size_t sl_mapping_table_ncols(const sl_mapping *m, size_t t);
const sl_column *sl_mapping_table_columns(const sl_mapping *m, size_t t);

/* The _quarantine table's columns: reason STRING, payload BINARY, key BINARY, and the
 * provenance columns. Same for every mapping. */
size_t sl_quarantine_ncols(void);
const sl_column *sl_quarantine_columns(void);

typedef struct sl_mapper sl_mapper;

/* A mapper holds the JSON parser and result arena for one thread. The mapping is
 * borrowed and must outlive it. */
sl_mapper *sl_mapper_new(const sl_mapping *m, char *errstr, size_t errstr_size);
void sl_mapper_destroy(sl_mapper *mp);

typedef enum sl_map_status {
    SL_MAP_OK = 0,      /* rows produced (possibly zero rows for some tables) */
    SL_MAP_QUARANTINE   /* bad message: reason filled, no rows */
} sl_map_status;

/* Rows of one table produced from one message. values has nrows*ncols cells,
 * row-major; dt[r] is the partition date (days since epoch) of row r, or
 * SL_DT_NONE for __HIVE_DEFAULT_PARTITION__. Strings point into the message or
 * the mapper's arena: valid until the next sl_mapper_map call. */
#define SL_DT_NONE INT32_MIN
typedef struct sl_map_rows {
    size_t nrows;
    size_t ncols;
    const sl_value *values;
    const int32_t *dt;
} sl_map_rows;

typedef struct sl_map_result {
    size_t ntables;               /* == sl_mapping_ntables */
    const sl_map_rows *tables;    /* indexed like the mapping's tables */
    const char *dedupe_key;       /* NULL when the mapping has none; not NUL-terminated */
    size_t dedupe_key_len;
    uint64_t extra_keys;          /* unknown keys seen (counted, ignored) */
} sl_map_result;

/* Maps one message. On SL_MAP_OK, *out describes the rows (valid until the next
 * call). On SL_MAP_QUARANTINE, reason holds "what and where", e.g.
 * "invalid JSON: invalid UTF-8 at byte 1234" or
 * "sequences.counts.total: expected an integer, got 3.5". */
sl_map_status sl_mapper_map(sl_mapper *mp, const char *msg, size_t len, const sl_origin *origin,
                            const sl_map_result **out, char *reason, size_t reason_size);

/* Fills one _quarantine row (sl_quarantine_ncols() cells) for a bad message. */
void sl_quarantine_row(sl_value *row, const char *reason, const char *msg, size_t len,
                       const sl_origin *origin);

/* ---- dedupe window ----
 * Remembers the last `capacity` keys (FIFO eviction), per scope (tenant and
 * partition are folded into the key by the caller). */
typedef struct sl_dedupe sl_dedupe;
sl_dedupe *sl_dedupe_new(size_t capacity);
void sl_dedupe_destroy(sl_dedupe *d);
/* 1 if the key is already in the window, 0 otherwise (does not insert). */
int sl_dedupe_seen(const sl_dedupe *d, const void *key, size_t len);
/* Inserts the key (evicting the oldest when full). SL_OK or SL_ERR_NOMEM. */
sl_err sl_dedupe_add(sl_dedupe *d, const void *key, size_t len);
size_t sl_dedupe_count(const sl_dedupe *d);

#endif
