/*
 * map.h: table mappings. A mapping (a JSON file, or a built-in one compiled from
 * mappings/NAME.json) declares tables; a mapper turns one message into rows of
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
 * "game-events"). `name_or_path`: a built-in name, else a file path (at most
 * 16 MiB). The language is described in docs/MAPPING.md. Returns a mapping
 * owned by the caller (free with sl_mapping_destroy), or NULL with errstr set.
 * Errors are precise: "mapping.json: tables[1].columns[3].type: unknown type 'int'
 * (expected one of ...)". A loaded mapping is immutable: several mappers (one
 * per thread) may share it. `source_name` is used in messages (copied). */
sl_mapping *sl_mapping_parse(const char *text, size_t len, const char *source_name,
                             char *errstr, size_t errstr_size);
sl_mapping *sl_mapping_load(const char *name_or_path, char *errstr, size_t errstr_size);
void sl_mapping_destroy(sl_mapping *m);

/* The text of a built-in mapping (NULL when no such name). */
const char *sl_mapping_builtin_text(const char *name, size_t *len);
/* Built-in names, NULL-terminated iteration: i = 0.. until NULL. */
const char *sl_mapping_builtin_name(size_t i);

const char *sl_mapping_name(const sl_mapping *m);
/* The mapping's "description" ("" when none). Borrowed. */
const char *sl_mapping_description(const sl_mapping *m);
/* Appends a human-readable summary (tables, row paths, partitions, columns with
 * their types and sources, dedupe key, routing) to out. SL_OK or SL_ERR_NOMEM. */
sl_err sl_mapping_describe(const sl_mapping *m, sl_buf *out);
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
    const char *tenant;           /* the mapping's tenant value ([a-z0-9_-]{1,64}); NULL when
                                     the mapping names no tenant path; not NUL-terminated */
    size_t tenant_len;
    int unmatched;                /* 1: the message matched no table and the mapping says
                                     "unmatched": "skip" (every table has zero rows) */
} sl_map_result;

/* Maps one message (msg is borrowed and must stay valid while the rows are
 * used). origin may be NULL (provenance cells are then null). On SL_MAP_OK,
 * *out describes the rows (valid until the next call); a message the mapping
 * routes nowhere under "unmatched": "skip" is SL_MAP_OK with zero rows and
 * out->unmatched set. On SL_MAP_QUARANTINE, *out is NULL and reason holds
 * "what and where" (valid UTF-8, cut to reason_size), e.g.
 * "invalid JSON: invalid UTF-8 at byte 1234" or
 * "sequences.counts.total: expected an integer, got 3.5". */
sl_map_status sl_mapper_map(sl_mapper *mp, const char *msg, size_t len, const sl_origin *origin,
                            const sl_map_result **out, char *reason, size_t reason_size);

/* Fills one _quarantine row (sl_quarantine_ncols() cells) for a bad message. */
void sl_quarantine_row(sl_value *row, const char *reason, const char *msg, size_t len,
                       const sl_origin *origin);

/* ---- time text (also used by other modules) ----
 * Parses an ISO 8601 timestamp ("2018-01-23T14:23:19.082Z"; 'T', 't' or ' '
 * between date and time; seconds optional; fraction of 1 or more digits, digits past
 * the sixth dropped; zone "Z", "+HH:MM", "+HHMM", "+HH" or none (= UTC); a date
 * alone is midnight UTC) or epoch seconds ("1516717442.735266", optional '-',
 * parsed as decimal digits, never through a double) into microseconds since
 * 1970-01-01T00:00:00Z. Returns 0, or -1 when the text is not one of these forms
 * or out of range. */
int sl_map_parse_timestamp(const char *s, size_t n, int64_t *us);
/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, day 1-31). */
int64_t sl_map_days_from_civil(int64_t y, unsigned m, unsigned d);
/* The UTC date (days since the epoch) of a timestamp in microseconds (floor). */
int32_t sl_map_date_of_us(int64_t us);

/* Limits on what one message may yield (defaults: 1,000,000 rows and 16 Mi
 * cells over all tables); a message over them is quarantined ("message yields
 * more than ..."), so a hostile message cannot exhaust memory. 0 keeps a limit. */
void sl_mapper_set_limits(sl_mapper *mp, size_t max_rows, size_t max_cells);

/* ---- dedupe window ----
 * Remembers the last `capacity` keys (FIFO eviction), per scope (tenant and
 * partition are folded into the key by the caller). O(1) per call (amortized:
 * the window starts small and doubles as keys arrive); memory is 24 to 40 bytes
 * per key held, at most per key of capacity, whatever the key length.
 * sl_dedupe_new returns NULL when out of memory.
 * Keys are stored as 64-bit hashes, not as bytes: two distinct keys collide
 * (the second is wrongly reported as seen) with probability about n / 2^64 for
 * a window holding n keys, i.e. 5e-13 per lookup at n = 10 million.
 * Adding a key already in the window is a no-op (it keeps its first position). */
typedef struct sl_dedupe sl_dedupe;
sl_dedupe *sl_dedupe_new(size_t capacity);
void sl_dedupe_destroy(sl_dedupe *d);
/* 1 if the key is already in the window, 0 otherwise (does not insert). */
int sl_dedupe_seen(const sl_dedupe *d, const void *key, size_t len);
/* Inserts the key (evicting the oldest when full). SL_OK or SL_ERR_NOMEM. */
sl_err sl_dedupe_add(sl_dedupe *d, const void *key, size_t len);
/* The same for a key the caller has hashed already: h must be a well-mixed
 * 64-bit hash (its low bits pick the slot), such as sl_lake_key_hash's. The
 * window keeps h itself, so sl_dedupe_newest gives it back (0 is kept as 1). */
int sl_dedupe_seen_hash(const sl_dedupe *d, uint64_t h);
sl_err sl_dedupe_add_hash(sl_dedupe *d, uint64_t h);
/* The newest min(n, count) keys' hashes, oldest first, as two runs in the
 * window's own memory (valid until the next add): a[0..na) then b[0..nb) (nb
 * is 0, b NULL, unless the ring wraps). Returns na + nb. */
size_t sl_dedupe_newest(const sl_dedupe *d, size_t n, const uint64_t **a, size_t *na,
                        const uint64_t **b, size_t *nb);
size_t sl_dedupe_count(const sl_dedupe *d);

#endif
