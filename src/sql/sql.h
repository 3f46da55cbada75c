/*
 * sql.h: SQL over the lake (`sluice sql`): an in-memory SQLite database in which
 * every table of the lake (scan.h: every table folder, including `_quarantine`) is a
 * read-only virtual table of the `sluice_parquet` module (vtab.c), and a statement
 * runner that prints results as an aligned table, CSV or JSON lines.
 *
 * Column types as SQL sees them: boolean/int32/int64 -> INTEGER (booleans 0/1),
 * double -> REAL, string -> TEXT, binary -> BLOB, timestamp -> TEXT
 * 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC, six fraction digits: text order is time order,
 * and SQLite's date functions accept it), date -> TEXT 'YYYY-MM-DD'; partition
 * folders (tenant, dt) -> TEXT, NULL for __HIVE_DEFAULT_PARTITION__.
 * Details and the pruning rules: docs/SQL.md.
 *
 * Needs SQLite >= 3.38 at run time (sqlite3_vtab_rhs_value, sqlite3_vtab_in,
 * sqlite3_error_offset).
 */
#ifndef SL_SQL_H
#define SL_SQL_H

#include <stdio.h>

#include "common/common.h"
#include "lake/store.h"

typedef struct sqlite3 sqlite3;
typedef struct sl_sql_lake sl_sql_lake;

typedef enum sl_sql_format {
    SL_SQL_TABLE = 0, /* aligned columns, for a terminal */
    SL_SQL_CSV,       /* RFC 4180: header line, fields quoted when needed */
    SL_SQL_JSON       /* one JSON object per row, one per line */
} sl_sql_format;

/* Parses "table", "csv", "json". 0 on success, -1 when unknown. */
int sl_sql_format_parse(const char *name, sl_sql_format *out);

typedef struct sl_sql sl_sql;

/* Opens the lake at `uri` (local folder, file://, webhdfs://, swebhdfs://; opts may be
 * NULL) and creates one virtual table per lake table. The lake must exist. Returns a
 * session owned by the caller (sl_sql_close), or NULL with errstr set. */
sl_sql *sl_sql_open(const char *uri, const sl_store_opts *opts, char *errstr, size_t errstr_size);
/* The same over an open store (borrowed: it must outlive the session). */
sl_sql *sl_sql_open_store(sl_store *store, char *errstr, size_t errstr_size);
void sl_sql_close(sl_sql *q);

/* The session's SQLite handle and lake (borrowed from the session). */
sqlite3 *sl_sql_db(sl_sql *q);
sl_sql_lake *sl_sql_get_lake(sl_sql *q);

/* Runs every statement of `sql` (separated by ';') in order and prints each result
 * set to `out` in format fmt (table and CSV: a header line; result sets after the
 * first are preceded by an empty line; JSON: lines only). Statements that return no
 * columns print nothing. Stops at the first error: a statement that does not compile
 * gives SL_ERR_PARSE with SQLite's message and its position, e.g.
 * `near "SELEC": syntax error at line 1, column 1` (lines and columns count from 1,
 * columns in characters); an error while running gives SL_ERR_FATAL (SL_ERR_IO for a
 * write error on out). Rows already printed stay printed. */
sl_err sl_sql_exec(sl_sql *q, const char *sql, sl_sql_format fmt, FILE *out, char *errstr,
                   size_t errstr_size);

/* Prints the tables' names, one per line (`.tables`). */
sl_err sl_sql_print_tables(sl_sql *q, FILE *out, char *errstr, size_t errstr_size);
/* Prints a CREATE TABLE-like description of one table (NULL: every table) with each
 * column's SQL type and sluice type (`.schema`). SL_ERR_NOTFOUND for an unknown table. */
sl_err sl_sql_print_schema(sl_sql *q, const char *table, FILE *out, char *errstr, size_t errstr_size);

/* Registers the sluice_parquet module on db with `lake` (borrowed; must outlive db)
 * and creates a virtual table for every table of the lake. */
sl_err sl_sql_vtab_register(sqlite3 *db, sl_sql_lake *lake, char *errstr, size_t errstr_size);

#endif
