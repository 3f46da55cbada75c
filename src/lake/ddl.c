/* ddl.c: CREATE statements of a lake's tables for Hive, Spark, Trino and DuckDB (ddl.h). */
#include "lake/ddl.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lake/lake.h"
#include "lake/tenant.h"

static const char *const dialect_names[] = { "hive", "spark", "trino", "duckdb" };

int sl_ddl_dialect_parse(const char *name, sl_ddl_dialect *d)
{
    for (size_t i = 0; i < sizeof dialect_names / sizeof *dialect_names; i++)
        if (strcmp(name, dialect_names[i]) == 0) {
            *d = (sl_ddl_dialect)i;
            return 0;
        }
    return -1;
}

const char *sl_ddl_dialect_name(sl_ddl_dialect d)
{
    return (unsigned)d < sizeof dialect_names / sizeof *dialect_names ? dialect_names[d] : "?";
}

/* Writing context: the first error sticks and later writes do nothing. */
typedef struct wctx {
    const sl_ddl_opts *o;
    sl_buf *out;
    sl_err e;
} wctx;

static void put(wctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(wctx *c, const char *fmt, ...)
{
    if (c->e != SL_OK)
        return;
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        c->e = SL_ERR_INVALID;
        return;
    }
    if ((size_t)n < sizeof small) {
        c->e = sl_buf_append(c->out, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        c->e = SL_ERR_NOMEM;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    c->e = sl_buf_append(c->out, big, (size_t)n);
    free(big);
}

/* The identifier quote of a dialect: backtick for Hive/Spark, '"' otherwise. */
static char quote_char(sl_ddl_dialect d)
{
    return d == SL_DDL_HIVE || d == SL_DDL_SPARK ? '`' : '"';
}

static void ident(wctx *c, const char *name)
{
    char q = quote_char(c->o->dialect);
    put(c, "%c%s%c", q, name, q);
}

/* The qualified table name: [database.]table, each part quoted. */
static void table_name(wctx *c, const char *table)
{
    const char *db = c->o->database;
    if (!db && c->o->dialect == SL_DDL_TRINO)
        db = "default";
    if (db) {
        const char *dot = strchr(db, '.');
        if (dot) { /* Trino catalog.schema */
            char q = quote_char(c->o->dialect);
            put(c, "%c%.*s%c.", q, (int)(dot - db), db, q);
            db = dot + 1;
        }
        ident(c, db);
        put(c, ".");
    }
    ident(c, table);
}

static const char *type_name(sl_ddl_dialect d, sl_type t)
{
    int trino = d == SL_DDL_TRINO;
    switch (t) {
    case SL_T_BOOL: return "BOOLEAN";
    case SL_T_INT32: return trino ? "INTEGER" : "INT";
    case SL_T_INT64: return "BIGINT";
    case SL_T_DOUBLE: return "DOUBLE";
    case SL_T_STRING: return trino ? "VARCHAR" : "STRING";
    case SL_T_BINARY: return trino ? "VARBINARY" : "BINARY";
    case SL_T_TIMESTAMP: return "TIMESTAMP";
    case SL_T_DATE: return "DATE";
    }
    return "?";
}

/* The statements of one table (Hive, Spark, Trino): columns, then the partition
 * columns (tenant when tenanted, dt), the location and the partition discovery. */
static void table_sql(wctx *c, const char *table, const sl_column *cols, size_t ncols, int tenanted)
{
    const sl_ddl_opts *o = c->o;
    sl_ddl_dialect d = o->dialect;
    const char *pt = d == SL_DDL_TRINO ? "VARCHAR" : "STRING";
    put(c, d == SL_DDL_HIVE ? "CREATE EXTERNAL TABLE IF NOT EXISTS " : "CREATE TABLE IF NOT EXISTS ");
    table_name(c, table);
    put(c, " (\n");
    for (size_t i = 0; i < ncols; i++) {
        put(c, "  ");
        ident(c, cols[i].name);
        put(c, " %s%s\n", type_name(d, cols[i].type), i + 1 < ncols || d != SL_DDL_HIVE ? "," : "");
    }
    if (d != SL_DDL_HIVE) { /* Spark and Trino list the partition columns with the others, last */
        if (tenanted) {
            put(c, "  ");
            ident(c, "tenant");
            put(c, " %s,\n", pt);
        }
        put(c, "  ");
        ident(c, "dt");
        put(c, " %s\n", pt);
    }
    put(c, ")\n");
    char tenant_dir[96] = "";
    if (o->tenant)
        snprintf(tenant_dir, sizeof tenant_dir, "/tenant=%s", o->tenant);
    switch (d) {
    case SL_DDL_HIVE:
        put(c, "PARTITIONED BY (%s`dt` STRING)\nSTORED AS PARQUET\n", tenanted ? "`tenant` STRING, " : "");
        put(c, "LOCATION '%s/%s%s';\n", o->location, table, tenant_dir);
        break;
    case SL_DDL_SPARK:
        put(c, "USING PARQUET\nPARTITIONED BY (%s`dt`)\n", tenanted ? "`tenant`, " : "");
        put(c, "LOCATION '%s/%s%s';\n", o->location, table, tenant_dir);
        break;
    default:
        put(c, "WITH (\n  format = 'PARQUET',\n  external_location = '%s/%s%s',\n", o->location, table, tenant_dir);
        put(c, "  partitioned_by = ARRAY[%s'dt']\n);\n", tenanted ? "'tenant', " : "");
        break;
    }
    if (d == SL_DDL_TRINO) {
        const char *db = o->database ? o->database : "default";
        const char *dot = strchr(db, '.');
        if (dot)
            put(c, "CALL %.*s.system.sync_partition_metadata('%s', '%s', 'ADD');\n", (int)(dot - db), db, dot + 1,
                table);
        else
            put(c, "CALL system.sync_partition_metadata('%s', '%s', 'ADD');\n", db, table);
    } else {
        put(c, "MSCK REPAIR TABLE ");
        table_name(c, table);
        put(c, ";\n");
    }
    put(c, "\n");
}

/* A DuckDB view over the table's committed files (in-progress files do not end
 * in .parquet). A table without files yet would not bind: written commented out. */
static void duckdb_view(wctx *c, const char *table, int empty)
{
    const sl_ddl_opts *o = c->o;
    if (empty)
        put(c, "-- %s has no files yet: run this once it has\n-- ", table);
    put(c, "CREATE OR REPLACE VIEW ");
    table_name(c, table);
    put(c, " AS SELECT * FROM read_parquet('%s/%s%s%s/**/*.parquet', hive_partitioning = true);\n\n", o->location,
        table, o->tenant ? "/tenant=" : "", o->tenant ? o->tenant : "");
}

/* 1 when s is safe inside a quoted identifier or string of any dialect. */
static int plain_text(const char *s)
{
    for (; *s; s++)
        if (*s == '\'' || *s == '"' || *s == '`' || *s == '\\' || (unsigned char)*s < 0x20)
            return 0;
    return 1;
}

static int valid_database(const char *db, int allow_dot)
{
    size_t n = 0, dots = 0;
    for (const char *p = db; *p; p++, n++) {
        if (*p == '.') {
            if (!allow_dot || ++dots > 1 || p == db || !p[1] || p[1] == '.')
                return 0;
        } else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                     *p == '_')) {
            return 0;
        }
    }
    return n > 0 && n <= 128;
}

sl_err sl_ddl_write(const sl_mapping *m, const sl_ddl_opts *o, sl_buf *out, char *errstr, size_t errstr_size)
{
    if (!o->location || !*o->location || !plain_text(o->location))
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "lake location '%s' is empty or has quotes, backslashes or control characters",
                       o->location ? o->location : "");
    if (o->database && !valid_database(o->database, o->dialect == SL_DDL_TRINO))
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "database '%s' is not a name ([A-Za-z0-9_]{1,128}%s)", o->database,
                       o->dialect == SL_DDL_TRINO ? ", or catalog.schema" : "");
    if (o->tenant && !sl_tenant_valid(o->tenant, strlen(o->tenant)))
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "tenant '%s' is not a tenant id ([a-z0-9_-]{1,64})",
                       o->tenant);
    size_t nt = sl_mapping_ntables(m);
    for (size_t t = 0; t < nt; t++) {
        const sl_column *cols = sl_mapping_table_columns(m, t);
        size_t nc = sl_mapping_table_ncols(m, t);
        if (!plain_text(sl_mapping_table_name(m, t)))
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "table name '%s' cannot be quoted",
                           sl_mapping_table_name(m, t));
        for (size_t i = 0; i < nc; i++)
            if (!plain_text(cols[i].name))
                return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "table %s: column name '%s' cannot be quoted",
                               sl_mapping_table_name(m, t), cols[i].name);
    }
    wctx c = { .o = o, .out = out, .e = SL_OK };
    /* With one tenant the tables sit on its folder: no tenant partition column. */
    int tenanted = o->tenants && !o->tenant;
    put(&c, "-- sluice ddl: mapping %s, dialect %s, lake %s", sl_mapping_name(m), sl_ddl_dialect_name(o->dialect),
        o->location);
    if (o->tenant)
        put(&c, ", tenant %s (its folders only; no _quarantine: it holds every tenant's bad messages)", o->tenant);
    put(&c, "\n");
    if (o->dialect == SL_DDL_TRINO)
        put(&c, "-- TIMESTAMP columns hold UTC instants; set hive.timestamp-precision=MICROSECONDS on the\n"
                "-- catalog to read them to the microsecond (Trino's default is milliseconds)\n");
    put(&c, "\n");
    if (o->database && o->dialect != SL_DDL_TRINO) {
        put(&c, o->dialect == SL_DDL_DUCKDB ? "CREATE SCHEMA IF NOT EXISTS " : "CREATE DATABASE IF NOT EXISTS ");
        ident(&c, o->database);
        put(&c, ";\n\n");
    }
    for (size_t t = 0; t <= nt; t++) {
        int q = t == nt;
        if (q && o->tenant)
            break;
        const char *name = q ? SL_LAKE_QUARANTINE : sl_mapping_table_name(m, t);
        const sl_column *cols = q ? sl_quarantine_columns() : sl_mapping_table_columns(m, t);
        size_t nc = q ? sl_quarantine_ncols() : sl_mapping_table_ncols(m, t);
        if (o->dialect == SL_DDL_DUCKDB)
            duckdb_view(&c, name, t < 64 && (o->empty_tables >> t & 1));
        else
            table_sql(&c, name, cols, nc, tenanted && !q);
    }
    if (c.e != SL_OK)
        return sl_errf(c.e, errstr, errstr_size, "out of memory writing the DDL");
    return SL_OK;
}

sl_err sl_ddl_location(const char *lake_uri, sl_ddl_dialect dialect, const char *hdfs_base, sl_buf *out,
                       char *errstr, size_t errstr_size)
{
    sl_err e = SL_OK;
    size_t start = out->len;
    int hdfs = strncmp(lake_uri, "webhdfs://", 10) == 0 || strncmp(lake_uri, "swebhdfs://", 11) == 0;
    if (hdfs) {
        if (dialect == SL_DDL_DUCKDB)
            return sl_errf(SL_ERR_UNSUPPORTED, errstr, errstr_size,
                           "DuckDB cannot read HDFS: give the DuckDB dialect a local lake");
        const char *host = strstr(lake_uri, "://") + 3;
        const char *path = strchr(host, '/');
        size_t hlen = strcspn(host, ":,/");
        if (hlen == 0)
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "'%s': no NameNode host", lake_uri);
        if (hdfs_base)
            e = sl_buf_printf(out, "%s%s", hdfs_base, path ? path : "");
        else
            e = sl_buf_printf(out, "hdfs://%.*s%s", (int)hlen, host, path ? path : "");
    } else if (strstr(lake_uri, "://") && strncmp(lake_uri, "file://", 7) != 0) {
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "'%s': a lake is a local folder, file:///path, webhdfs:// or swebhdfs://", lake_uri);
    } else {
        const char *p = strncmp(lake_uri, "file://", 7) == 0 ? lake_uri + 7 : lake_uri;
        const char *prefix = dialect == SL_DDL_DUCKDB ? "" : "file://";
        char cwd[PATH_MAX];
        if (p[0] == '/') {
            e = sl_buf_printf(out, "%s%s", prefix, p);
        } else if (!getcwd(cwd, sizeof cwd)) {
            return sl_errf(SL_ERR_IO, errstr, errstr_size, "cannot read the current folder: %s", strerror(errno));
        } else {
            if (p[0] == '.' && p[1] == '/')
                p += 2;
            e = sl_buf_printf(out, "%s%s%s%s", prefix, cwd, strcmp(cwd, "/") == 0 ? "" : "/",
                              strcmp(p, ".") == 0 ? "" : p);
        }
    }
    if (e != SL_OK)
        return sl_errf(e, errstr, errstr_size, "out of memory");
    while (out->len > start + 1 && out->data[out->len - 1] == '/' &&
           !(out->len >= start + 3 && out->data[out->len - 2] == '/'))
        out->data[--out->len] = 0;
    return SL_OK;
}
