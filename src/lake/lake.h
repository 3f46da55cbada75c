/*
 * lake.h: the lake's layout, file naming, commit manifests, dedupe sidecars and
 * recovery (docs/LAKE.md; DESIGN.md "The lake" and "Exactly once"). Everything
 * here works on any store (store.h): local folder or WebHDFS.
 *
 * Layout, relative to the store root:
 *   <table>/[tenant=<id>/]dt=<YYYY-MM-DD>/<topic>+<partition>+<first>+<last>.<codec>.parquet
 *   <table>/[tenant=<id>/]dt=<...>/_tmp.<topic>+<partition>+<first>.<codec>.inprogress  (being written)
 *   _quarantine/dt=<UTC date landed>/...                       same naming
 *   _sluice/manifests/<topic>/<partition>/<first:020>-<last:020>.json
 *   _sluice/dedupe/<topic>/<partition>/<first:020>-<last:020>.keys
 *   _sluice/owners/<topic>/<partition>/<epoch:020>      ownership epoch (fencing, below)
 * dt is __HIVE_DEFAULT_PARTITION__ for rows without an event date.
 *
 * Commit protocol of one topic-partition range [first, last] (lander, land.h):
 *   1. every file of the range is written under its temporary name and finished
 *      (durable); 2. the dedupe sidecar, then the manifest, are each made durable
 *      under a hidden temporary name and renamed to theirs, in that order (the
 *      lander does this for all the ranges it commits together, sharing the
 *      syncs: sl_store_put_temp); 3. each file is renamed to its final name.
 * Recovery (sl_lake_recover) reads the newest manifest of the partition, finishes
 * its renames (roll forward), deletes every other temporary file of the partition
 * and every sidecar beyond the manifest (roll back), and returns last+1.
 *
 * Strings given to these functions are borrowed; names built here are appended
 * to a caller's sl_buf.
 */
#ifndef SL_LAKE_H
#define SL_LAKE_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"
#include "lake/store.h"

#define SL_LAKE_QUARANTINE "_quarantine"
#define SL_LAKE_DT_DEFAULT "__HIVE_DEFAULT_PARTITION__"
/* Room for a dt value ("2018-01-23" or SL_LAKE_DT_DEFAULT) with its NUL. */
#define SL_LAKE_DT_MAX 32
/* Longest topic name (Kafka's limit). */
#define SL_LAKE_TOPIC_MAX 249

/* ---- names ---- */

/* 1 when topic is a valid Kafka topic name usable in file names: 1..249 bytes
 * of [A-Za-z0-9._-], not "." or "..". */
int sl_lake_topic_valid(const char *topic);

/* The topic of a file source: the base name of `path` with every byte outside
 * [A-Za-z0-9._-] replaced by '_', cut to 249 bytes; "stdin" for NULL or "-";
 * "." / ".." / "" become "_". out_size >= SL_LAKE_TOPIC_MAX + 1. */
void sl_lake_topic_from_path(const char *path, char *out, size_t out_size);

/* 1 when a table name can be a lake folder: 1..128 bytes of [A-Za-z0-9_-],
 * not starting with '-' ("_quarantine" is valid; "_sluice" is reserved). */
int sl_lake_table_valid(const char *table);

/* Writes the dt folder value of a day number (days since 1970-01-01, UTC):
 * "YYYY-MM-DD", or SL_LAKE_DT_DEFAULT for SL_DT_NONE (INT32_MIN). out has room for
 * SL_LAKE_DT_MAX bytes. */
void sl_lake_dt_format(int32_t days, char *out);

/* The UTC day number of a wall-clock time in microseconds since the epoch. */
int32_t sl_lake_day_of_us(int64_t us);

/* Appends "<table>/[tenant=<tenant>/]dt=<dt>" (tenant NULL: no tenant folder). */
sl_err sl_lake_dir(sl_buf *out, const char *table, const char *tenant, int32_t dt);
/* Appends the final file name "<topic>+<partition>+<first>+<last>.<codec>.parquet". */
sl_err sl_lake_final_name(sl_buf *out, const char *topic, int32_t partition, int64_t first,
                          int64_t last, const char *codec);
/* Appends the temporary name "_tmp.<topic>+<partition>+<first>.<codec>.inprogress"
 * (readers skip a leading '_' and a name not ending in .parquet). */
sl_err sl_lake_tmp_name(sl_buf *out, const char *topic, int32_t partition, int64_t first,
                        const char *codec);
/* 1 when `name` is a temporary file name of this topic-partition. */
int sl_lake_is_tmp_of(const char *name, const char *topic, int32_t partition);
/* Appends the manifest path / the dedupe sidecar path of a range. */
sl_err sl_lake_manifest_path(sl_buf *out, const char *topic, int32_t partition, int64_t first,
                             int64_t last);
sl_err sl_lake_dedupe_path(sl_buf *out, const char *topic, int32_t partition, int64_t first,
                           int64_t last);
/* Parses "<first:020>-<last:020><suffix>" (suffix ".json" or ".keys"): 1 and the
 * offsets when it matches exactly, else 0. */
int sl_lake_range_name_parse(const char *name, const char *suffix, int64_t *first, int64_t *last);

/* ---- manifests ---- */

typedef struct sl_lake_file_entry {
    const char *table;
    const char *tmp;    /* path from the lake root */
    const char *final;  /* path from the lake root */
    uint64_t rows;
    uint64_t bytes;
} sl_lake_file_entry;

typedef struct sl_lake_table_rows {
    const char *table;
    uint64_t rows;
} sl_lake_table_rows;

/* One committed range. When filled by sl_lake_manifest_parse/read every string
 * and array is owned by the manifest (free with sl_lake_manifest_free); when a
 * caller fills one to write it, everything is borrowed from the caller. */
typedef struct sl_lake_manifest {
    const char *topic;
    int32_t partition;
    int64_t first, last;          /* offsets, inclusive */
    uint64_t messages;            /* messages of the range: landed + quarantined + duplicates */
    uint64_t quarantined;
    uint64_t duplicates;
    uint64_t extra_keys;
    const char *mapping;          /* mapping name */
    const char *sluice_version;   /* sl_version() of the writer (filled by write when NULL) */
    int64_t wall_time_ms;         /* commit time, ms since the epoch (filled by write when 0) */
    const char *dedupe;           /* sidecar path, NULL when none */
    uint64_t dedupe_keys;
    const sl_lake_table_rows *tables; /* rows per table, including "_quarantine" */
    size_t ntables;
    const sl_lake_file_entry *files;
    size_t nfiles;
    void *owned_;                 /* parse's allocations; NULL for caller-filled manifests */
} sl_lake_manifest;

/* Serialises m as one JSON object (appended to out). */
sl_err sl_lake_manifest_encode(const sl_lake_manifest *m, sl_buf *out);
/* Writes m at its manifest path with sl_store_put_atomic (SL_ERR_EXISTS when that
 * range already has a manifest). */
sl_err sl_lake_manifest_write(sl_store *s, const sl_lake_manifest *m, char *errstr, size_t errstr_size);
/* Parses a manifest's JSON text. `source` names it in errors ("PATH: files[2].rows:
 * expected a non-negative integer"). On success *m owns its contents. */
sl_err sl_lake_manifest_parse(const char *text, size_t len, const char *source, sl_lake_manifest *m,
                              char *errstr, size_t errstr_size);
/* Reads and parses the manifest at `path`. */
sl_err sl_lake_manifest_read(sl_store *s, const char *path, sl_lake_manifest *m, char *errstr,
                             size_t errstr_size);
/* Frees a parsed manifest and zeroes it (no-op on a zeroed or caller-filled one). */
void sl_lake_manifest_free(sl_lake_manifest *m);

/* Finds the newest manifest of a topic-partition (highest first offset). *found is
 * 0 when there is none (then *m is zeroed), 1 when *m holds it. */
sl_err sl_lake_manifest_newest(sl_store *s, const char *topic, int32_t partition, sl_lake_manifest *m,
                               int *found, char *errstr, size_t errstr_size);

/* Calls cb for every manifest of the lake, topic by topic, partition by partition,
 * oldest range first (the manifest is valid during the call only). cb returns 0
 * to go on. A lake without manifests is SL_OK with no call. */
typedef int (*sl_lake_manifest_cb)(void *ctx, const char *path, const sl_lake_manifest *m);
sl_err sl_lake_manifest_each(sl_store *s, sl_lake_manifest_cb cb, void *ctx, char *errstr,
                             size_t errstr_size);

/* ---- dedupe sidecars ----
 * A sidecar holds the 64-bit hashes of the dedupe keys of a range's landed
 * messages, in landing order: "SLDEDUP1", u64 count, count x u64 (little endian). */

/* Hash of a dedupe key within its tenant (tenant NULL: none; tenant_len bytes). */
uint64_t sl_lake_key_hash(const char *tenant, size_t tenant_len, const void *key, size_t len);
/* Appends the sidecar of the hashes a[0..na) then b[0..nb) to out (b may be
 * NULL when nb is 0; SL_ERR_NOMEM). */
sl_err sl_lake_dedupe_encode(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, sl_buf *out);
/* Writes a sidecar atomically. */
sl_err sl_lake_dedupe_write(sl_store *s, const char *path, const uint64_t *hashes, size_t n,
                            char *errstr, size_t errstr_size);
/* Feeds cb the hashes of the newest sidecars of a partition whose range ends at or
 * before `upto_last`, at most `window` hashes in all, oldest first (so that a FIFO
 * window fed in this order ends as it was). Missing folder: SL_OK, no call. */
typedef sl_err (*sl_lake_hash_cb)(void *ctx, const uint64_t *hashes, size_t n);
sl_err sl_lake_dedupe_load(sl_store *s, const char *topic, int32_t partition, int64_t upto_last,
                           size_t window, sl_lake_hash_cb cb, void *ctx, char *errstr,
                           size_t errstr_size);

/* ---- recovery ---- */
typedef struct sl_lake_recovery {
    int64_t resume;            /* newest manifest's last + 1; -1 when the partition has none */
    uint64_t rolled_forward;   /* temporary files renamed to their final names */
    uint64_t rolled_back;      /* temporary files and sidecars deleted (not in any manifest) */
    uint64_t epoch;            /* the ownership epoch this recovery claimed (sl_lake_owner_check) */
} sl_lake_recovery;

/* Recovers one topic-partition (see the file comment). `tables` lists the table
 * folders to scan for temporary files (the mapping's tables and "_quarantine").
 * Errors: a manifest naming a file that exists under neither name, or whose size
 * differs from the manifest, is SL_ERR_CORRUPT (what and where); store errors pass
 * through (SL_ERR_RETRY: try again later). Idempotent: running it twice is safe. */
sl_err sl_lake_recover(sl_store *s, const char *topic, int32_t partition, const char *const *tables,
                       size_t ntables, sl_lake_recovery *out, char *errstr, size_t errstr_size);

/* ---- ownership epochs (fencing a lander that lost its partition) ----
 * Recovery deletes temporary files of the partition, and the new owner then writes
 * files of the same names. A lander that lost the partition without noticing (it was
 * stalled longer than its group session, or two landers share a lake) must then
 * neither commit nor delete anything of it. So every sl_lake_recover first claims the
 * next epoch of the partition: it creates the empty file
 * _sluice/owners/<topic>/<partition>/<epoch:020> (never overwriting: two recoveries
 * at once get different epochs) and deletes the older ones; a lander keeps the epoch
 * of its last recovery and calls sl_lake_owner_check before writing a manifest and
 * before deleting temporary files. */

/* SL_OK when no epoch newer than `epoch` exists for the partition; SL_ERR_FATAL
 * ("... was recovered by another lander since ...") when one does; store errors pass
 * through. */
sl_err sl_lake_owner_check(sl_store *s, const char *topic, int32_t partition, uint64_t epoch, char *errstr,
                           size_t errstr_size);

#endif
