/*
 * land.h: the lander, the engine that turns the messages of topic-partitions into
 * committed Parquet files in a lake, exactly once (lake.h has the protocol).
 *
 * One lander serves any number of assigned topic-partitions. For each it keeps
 * the range of offsets added since its last commit, [first, last], and one open
 * Parquet writer per (table, tenant, dt) of that range, plus one for the
 * quarantine, each streaming row groups straight into the store's temporary file
 * (bounded memory). A driver (cmd_land.c for files, the Kafka consumer for
 * topics) does:
 *
 *   l = sl_lander_new(store, mapping, &opts)
 *   sl_lander_assign(l, topic, p, &resume)     recovery; seek to resume (when >= 0)
 *   loop: sl_lander_add(l, topic, p, msg, len, &origin)
 *         sl_lander_due(l, now, items, n)      ranges due by rows, bytes, age, open files
 *         sl_lander_commit_many(l, items, n)   the due items; then Kafka offsets last+1
 *   sl_lander_revoke(l, topic, p, commit)      on rebalance / shutdown
 *   sl_lander_destroy(l)
 *
 * Errors follow Fluent Bit: SL_OK, SL_ERR_RETRY (transient, from the store: the
 * driver may back off and try again) or another code (fatal). A message refused
 * for its offset (not after the range's last) changes nothing. Rows are staged
 * and written to their files in batches (file by file, for cache locality), so a
 * write error may surface at a later add or commit of any partition; it fails the
 * partition whose file it was, and that partition reports it at its next add or
 * commit. When writing a message or a commit fails, the partition's uncommitted
 * range is dropped (its temporary files are
 * deleted where the protocol allows; a range whose manifest was written is left
 * for recovery to roll forward) and the partition must be assigned again (which
 * runs recovery and says where to resume) before more messages are added.
 *
 * Not thread-safe: one thread drives one lander. The lander writes its files from
 * threads of its own (opts.write_threads), which may still be writing after a call
 * returns: the driver must not use the store itself while the lander exists unless
 * the store may be used from several threads at once (the local store may; a
 * WebHDFS store may only be used from one thread at a time, so it gets one write
 * thread, and the lander's own store calls wait for that thread's work first).
 * Errors of those writes are reported as described above.
 */
#ifndef SL_LAND_H
#define SL_LAND_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/common.h"
#include "common/types.h"
#include "lake/store.h"
#include "lake/tenant.h"
#include "map/map.h"
#include "parquet/parquet.h"

typedef struct sl_lander_opts {
    sl_pq_options pq;          /* codec, level, row group and page sizes (sl_pq_options_default) */
    uint64_t max_rows;         /* a range is due when one of its files has this many rows; 0: 10,000,000 */
    uint64_t max_bytes;        /* ... when one of its files reaches about this size (written +
                                  buffered); 0: 256 MiB */
    uint64_t max_age_ms;       /* ... when its first message was added this long ago; 0: 300,000 */
    uint64_t max_memory;       /* bytes held by all writers' open row groups (encoded pages,
                                  dictionaries: sl_pq_writer_held_bytes) plus the stages; when an
                                  add goes over it, the biggest files write their row groups out
                                  early (down to 3/4 of it), so memory stays bounded without
                                  extra files; 0: 48 MiB */
    size_t max_footer_bytes;   /* a range is due when the footer metadata its files hold (an
                                  entry per row group written, early ones included: memory
                                  that writing row groups early does not give back) reaches
                                  this; 0: a quarter of max_memory, at least 1 MiB */
    size_t max_open_files;     /* open files over all partitions before the partition with the
                                  most is due; 0: by store: a local folder the descriptor limit
                                  (RLIMIT_NOFILE) less 256, 64 to 8192; others (WebHDFS) 512 */
    size_t dedupe_window;      /* dedupe keys remembered per (tenant, topic, partition); 0: 1,000,000 */
    int no_dedupe;             /* 1: land duplicates too */
    int no_spill;              /* 1: over max_memory, write row groups early at once, without
                                  first moving open row groups' pages to a spill file */
    const char *spill_dir;     /* where the spill file goes (an unnamed temporary, sl_pq_spill_new);
                                  NULL: $TMPDIR, else /tmp. Borrowed: must outlive the lander */
    const char *tenant;        /* tenant folder when the mapping names none; NULL: no tenant folder.
                                  Borrowed; must outlive the lander. */
    sl_tenant_from tenant_from; /* where each message's tenant id comes from (tenant.h); src
                                  SL_TENANT_NONE: tenant / the mapping's tenant path. When set it
                                  wins over both; a missing or invalid id quarantines the message.
                                  arg borrowed; must outlive the lander. */
    int write_threads;         /* threads that write the files while the caller maps and stages
                                  the next rows (land.c): 0: 1; n > 0: n (at most 8; 1 when
                                  opts.pq.pool is set; the store must allow n); < 0: none, the
                                  caller writes. With threads and a store whose files may be
                                  written from several threads at once (local) the caller also
                                  writes files of a stage while it would otherwise wait. */
    size_t stage_bytes;        /* rows are staged and written to their files in batches of about
                                  this many bytes (two batches with write threads); 0: 4 MiB */
    /* Clock for max_age in milliseconds (monotonic); NULL: sl_now_ns()/1e6. For tests. */
    uint64_t (*clock_ms)(void *ctx);
    void *clock_ctx;
} sl_lander_opts;

/* Defaults as documented above (pq = sl_pq_options_default()). */
sl_lander_opts sl_lander_opts_default(void);

typedef struct sl_lander sl_lander;

/* Creates a lander writing to `store` with `mapping` (both borrowed; they must
 * outlive the lander). opts may be NULL (defaults); it is copied. NULL with errstr
 * on failure. */
sl_lander *sl_lander_new(sl_store *store, const sl_mapping *mapping, const sl_lander_opts *opts,
                         char *errstr, size_t errstr_size);
/* Frees the lander. Uncommitted ranges are rolled back (their temporary files
 * deleted): commit or revoke first to keep them. NULL is a no-op. */
void sl_lander_destroy(sl_lander *l);

/* Takes a topic-partition: runs recovery (sl_lake_recover), rebuilds the dedupe
 * window from the newest sidecars, and sets *resume_offset to the offset to read
 * from (last landed + 1), or -1 when nothing of it was ever landed (a file source
 * starts at 0; a consumer uses its committed offset or reset policy). Messages at
 * offsets below the resume offset are counted as already landed and skipped.
 * Assigning a partition that is already assigned and has uncommitted messages is
 * SL_ERR_INVALID; assigning it again after a failure is how it recovers. */
sl_err sl_lander_assign(sl_lander *l, const char *topic, int32_t partition, int64_t *resume_offset,
                        char *errstr, size_t errstr_size);

/* Adds one message (offset = origin->offset; offsets of a partition must increase).
 * Maps it; a bad message becomes a _quarantine row; a message whose dedupe key is
 * in the window is dropped and counted; otherwise its rows go to the files of their
 * (table, tenant, dt). msg and origin are borrowed for the call only. */
sl_err sl_lander_add(sl_lander *l, const char *topic, int32_t partition, const void *msg, size_t len,
                     const sl_origin *origin, char *errstr, size_t errstr_size);
/* The reason the last sl_lander_add quarantined its message, or NULL when it did
 * not (landed, dropped as a duplicate, already landed, or failed). Borrowed; valid
 * until the next add. (The Kafka driver copies quarantined messages to a
 * dead-letter topic.) */
const char *sl_lander_last_quarantine(const sl_lander *l);

typedef enum sl_due_reason {
    SL_DUE_ROWS = 1,   /* a file reached max_rows */
    SL_DUE_BYTES,      /* a file reached max_bytes */
    SL_DUE_AGE,        /* the range is older than max_age */
    SL_DUE_FILES,      /* over max_open_files, and this partition has the most */
    SL_DUE_FOOTERS     /* its files' footer metadata reached max_footer_bytes */
} sl_due_reason;

typedef struct sl_lander_due_item {
    const char *topic;         /* borrowed from the lander; valid until the partition is revoked */
    int32_t partition;
    sl_due_reason reason;
} sl_lander_due_item;

/* The lander's clock (opts.clock_ms), in milliseconds. */
uint64_t sl_lander_now_ms(const sl_lander *l);
/* Fills up to `max` partitions whose range is due at time now_ms (the lander's
 * clock) and returns how many. Cheap: call it after every add or poll. */
size_t sl_lander_due(sl_lander *l, uint64_t now_ms, sl_lander_due_item *out, size_t max);
/* Short name of a reason: "rows", "bytes", "age", "files". */
const char *sl_due_reason_name(sl_due_reason r);

/* Commits the partition's range (protocol in lake.h): on SL_OK every message up to
 * *committed_last is landed (files renamed, manifest written); -1 when nothing was
 * ever landed. A partition with no uncommitted message just reports its last. */
sl_err sl_lander_commit(sl_lander *l, const char *topic, int32_t partition, int64_t *committed_last,
                        char *errstr, size_t errstr_size);

/* One partition of sl_lander_commit_many: topic and partition in, the rest out. */
typedef struct sl_lander_commit_item {
    const char *topic;         /* borrowed */
    int32_t partition;
    sl_err err;                /* SL_OK, or why its range is not committed (errstr) */
    int64_t committed_last;    /* with SL_OK: as sl_lander_commit's *committed_last */
    char errstr[512];
} sl_lander_commit_item;

/* Commits the ranges of n partitions (each listed once) as sl_lander_commit would
 * one by one, but together: their files are finished as one job of the write
 * threads and every step of the protocol is taken for all of them before the next,
 * so they share its syncs (5 in all instead of up to 6 each). Each item gets its
 * own result: a partition's failure fails that partition only, except a failed
 * sync, which fails every range not committed by then. Returns SL_OK when every
 * item is SL_OK, else the first item's error. */
sl_err sl_lander_commit_many(sl_lander *l, sl_lander_commit_item *items, size_t n);

/* Gives a partition up: commit != 0 commits its range first (the error, if any, is
 * returned), commit == 0 rolls it back. Either way the partition is no longer
 * assigned afterwards. Unknown partition: SL_OK. */
sl_err sl_lander_revoke(sl_lander *l, const char *topic, int32_t partition, int commit, char *errstr,
                        size_t errstr_size);

/* Counters. "Committed" counters count messages of committed ranges only. */
typedef struct sl_lander_stats {
    uint64_t messages;          /* committed messages: landed + quarantined + duplicates */
    uint64_t already_landed;    /* skipped: below the resume offset */
    uint64_t quarantined;       /* committed */
    uint64_t duplicates;        /* committed */
    uint64_t extra_keys;        /* committed */
    uint64_t files;             /* files committed */
    uint64_t bytes;             /* bytes of committed files */
    uint64_t commits;           /* ranges committed (manifests written) */
    uint64_t pending_messages;  /* added, not yet committed */
    uint64_t buffered_bytes;    /* buffered in open writers now */
    uint64_t open_files;        /* open writers now */
    uint64_t rolled_forward;    /* recovery: renames finished */
    uint64_t rolled_back;       /* recovery: temporary files deleted */
    uint64_t early_row_groups;  /* row groups written early to stay under max_memory */
    uint64_t spilled_bytes;     /* pages moved to the spill file to stay under max_memory */
} sl_lander_stats;
void sl_lander_get_stats(const sl_lander *l, sl_lander_stats *st);
/* Tables the lander writes: the mapping's (0..n-1), then "_quarantine" (index n). */
size_t sl_lander_ntables(const sl_lander *l);
const char *sl_lander_table_name(const sl_lander *l, size_t t);
/* Rows committed to table t. */
uint64_t sl_lander_table_rows(const sl_lander *l, size_t t);

/* ---- the `sluice land` command line, shared by the file and Kafka drivers ---- */

/* Every option of `sluice land` as parsed by cmd_land.c (strings borrowed from
 * argv or from arrays owned by cmd_land.c for the duration of the command). */
typedef struct sl_land_cli_opts {
    /* source: exactly one of from (file mode) and brokers (Kafka mode) */
    const char *from;              /* file path or "-" for stdin */
    const char *brokers;           /* -b */
    const char *const *topics;     /* -t (comma lists and repeats, split) */
    size_t ntopics;
    const char *group;             /* -g */
    const char *const *kafka_props; /* -X key=value, in order */
    size_t nkafka_props;
    int once;                      /* --once: stop at the end of the partitions */
    const char *dead_letter_topic; /* --dead-letter-topic */
    const char *stats_json;        /* --stats-json FILE */
    /* destination and transform */
    const char *lake;              /* --lake DIR or URI */
    const char *mapping;           /* --mapping NAME|FILE; default "assessments" */
    sl_pq_codec codec;             /* --codec; default zstd */
    int compression_level;         /* --compression-level; 0: codec default */
    uint64_t max_rows;             /* --max-rows; 0: lander default */
    uint64_t max_bytes;            /* --max-bytes */
    uint64_t row_group_size;       /* --row-group-size; 0: writer default */
    uint64_t max_memory;           /* --max-memory */
    uint64_t max_open_files;       /* --max-open-files; 0: lander default (by store) */
    uint64_t max_age_ms;           /* --max-age */
    int64_t dedupe_window;         /* --dedupe-window; -1: default; 0: no dedupe */
    int quiet;                     /* --quiet: no progress, no summary */
    sl_tenant_from tenant_from;    /* --tenant-from (file mode: field:PATH only) */
    unsigned dir_mode, file_mode;  /* --dir-mode / --file-mode (octal); 0: store default 0750/0640 */
} sl_land_cli_opts;

/* The lander options those command-line options mean. */
sl_lander_opts sl_land_cli_lander_opts(const sl_land_cli_opts *o);

/* Writes the end-of-run summary (messages, already landed, rows per table,
 * quarantined, duplicates, extra keys ignored, files, bytes, seconds, MB/s of
 * input) to f. in_bytes: input bytes read (0: unknown). */
void sl_land_print_summary(FILE *f, const sl_lander *l, double seconds, uint64_t in_bytes);

#endif
