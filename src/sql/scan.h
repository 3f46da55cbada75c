/*
 * scan.h: the lake's tables as the query side sees them, and a row-aligned scan over
 * a table's committed Parquet files. Used by the SQLite virtual tables (vtab.c) and
 * by `sluice report` (report.c).
 *
 * A table is a top-level folder of the lake (not starting with '.' or '_', except
 * `_quarantine`; `_sluice` is never one). Its files are every `*.parquet` below it
 * whose name and folders do not start with '_' or '.', in Hive-style partition
 * folders `key=value` (for sluice's lakes: `tenant=<id>` when the mapping has
 * tenants, then `dt=<YYYY-MM-DD>`). The partition keys become columns; the value
 * `__HIVE_DEFAULT_PARTITION__` reads as NULL. The table's columns are those of its
 * first readable file (files are walked in name order); a later file that lacks a
 * column reads NULL there, one whose column has an incompatible type is an error
 * when it is scanned. A lake always has a `_quarantine` table (sluice's fixed
 * quarantine columns), with no files when nothing was quarantined.
 *
 * Everything here reads through sl_store (store.h): local folders and WebHDFS alike.
 */
#ifndef SL_SQL_SCAN_H
#define SL_SQL_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"
#include "common/types.h"
#include "lake/store.h"
#include "parquet/parquet.h"

typedef struct sl_sql_file {
    char *path;          /* from the lake root (owned by the lake) */
    const char **parts;  /* npart partition values aligned with the table's keys; NULL
                            for the default partition or a key this file's path lacks */
    uint64_t size;
} sl_sql_file;

typedef struct sl_sql_table {
    char *name;
    size_t ncols;
    sl_column *cols;         /* names owned by the lake */
    size_t npart;
    char **part_keys;        /* e.g. "tenant", "dt" */
    size_t *part_ndistinct;  /* distinct values of each key over the files (>= 1) */
    size_t nfiles;
    sl_sql_file *files;
    uint64_t bytes;          /* sum of the files' sizes */
    double est_rows;         /* estimate: bytes x rows/byte of the first file */
} sl_sql_table;

typedef struct sl_sql_lake sl_sql_lake;

/* Opens the lake at `uri` (a local folder, file:// or (s)webhdfs:// URI; opts may be
 * NULL) and discovers its tables and files. The lake must exist: a missing local
 * folder is SL_ERR_NOTFOUND ("lake 'x': no such folder"), never created. A corrupt
 * first file of a table is an error naming the file. Owned by the caller. */
sl_sql_lake *sl_sql_lake_open(const char *uri, const sl_store_opts *opts, char *errstr,
                              size_t errstr_size);
/* The same over an open store (borrowed: it must outlive the lake). */
sl_sql_lake *sl_sql_lake_open_store(sl_store *store, char *errstr, size_t errstr_size);
void sl_sql_lake_destroy(sl_sql_lake *lake);

sl_store *sl_sql_lake_store(const sl_sql_lake *lake);
size_t sl_sql_lake_ntables(const sl_sql_lake *lake);
const sl_sql_table *sl_sql_lake_table(const sl_sql_lake *lake, size_t i);
/* The table named `name`, or NULL. */
const sl_sql_table *sl_sql_lake_find(const sl_sql_lake *lake, const char *name);
/* Index of a column / a partition key by name: 0 and *idx set, -1 when absent. */
int sl_sql_table_col(const sl_sql_table *t, const char *name, size_t *idx);
int sl_sql_table_part(const sl_sql_table *t, const char *name, size_t *idx);

/* ---- scanning ----
 * A scan reads chosen columns of a table, file by file, row group by row group, and
 * hands them out in row-aligned batches: each batch is n rows, and for every chosen
 * column a pointer to n consecutive sl_value cells (owned by the scan, valid until
 * the next sl_sql_scan_next). Memory stays at about one data page per chosen column.
 * Choosing no column is allowed (row counts only, nothing decoded). */
typedef struct sl_sql_scan sl_sql_scan;

/* Called before a file is opened: return 0 to skip file `file` of table t. */
typedef int (*sl_sql_keep_file_fn)(void *ctx, const sl_sql_table *t, size_t file);
/* Called before a row group is read: return 0 to skip row group `rg` of the current
 * file (use sl_sql_scan_chunk_info for its statistics). */
typedef int (*sl_sql_keep_rg_fn)(void *ctx, sl_sql_scan *s, size_t rg);

/* A scan of columns cols[0..ncols) (indices into t->cols; copied) of table t of lake
 * (both borrowed). NULL with errstr on failure (out of memory, bad index). */
sl_sql_scan *sl_sql_scan_new(sl_sql_lake *lake, const sl_sql_table *t, const size_t *cols,
                             size_t ncols, char *errstr, size_t errstr_size);
/* Sets the pruning callbacks (either may be NULL). */
void sl_sql_scan_set_filter(sl_sql_scan *s, sl_sql_keep_file_fn keep_file, sl_sql_keep_rg_fn keep_rg,
                            void *ctx);
/* Starts again from the first file (closes the current one). */
void sl_sql_scan_rewind(sl_sql_scan *s);
/* The next batch: *n rows (at most 65536); *n == 0 at the end. Errors name the file
 * (and the reader's column, row group and page). After an error, rewind before use. */
sl_err sl_sql_scan_next(sl_sql_scan *s, size_t *n, char *errstr, size_t errstr_size);
/* The current batch's cells of chosen column i. */
const sl_value *sl_sql_scan_values(const sl_sql_scan *s, size_t i);
/* Index (in t->files) of the file the current batch comes from. */
size_t sl_sql_scan_file(const sl_sql_scan *s);
/* Rows of row group rg of the current file. */
int64_t sl_sql_scan_rg_rows(const sl_sql_scan *s, size_t rg);
/* For keep_rg: the chunk metadata (statistics) of table column `col` in row group rg
 * of the current file. Returns 1 with *info filled, 0 when the file has no such
 * column (every row reads NULL), -1 when nothing is known (metadata does not decode). */
int sl_sql_scan_chunk_info(sl_sql_scan *s, size_t rg, size_t col, sl_pq_chunk_info *info);
void sl_sql_scan_destroy(sl_sql_scan *s);

/* Largest batch sl_sql_scan_next returns. */
#define SL_SQL_BATCH_MAX 65536

#endif
