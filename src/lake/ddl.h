/*
 * ddl.h: table definitions of a lake for query engines (`sluice ddl`).
 *
 * For every table of a mapping plus _quarantine, sl_ddl_write appends the
 * statements that make the lake's folders queryable by Hive, Spark SQL, Trino
 * (Hive connector) or DuckDB: external Parquet tables located on the lake and
 * partitioned like its folders (tenant, then dt), followed by the statement that
 * discovers the partition folders (MSCK REPAIR TABLE / sync_partition_metadata),
 * or, for DuckDB, views over read_parquet with hive_partitioning. Types follow
 * types.h: STRING, INT, BIGINT, DOUBLE, BOOLEAN, TIMESTAMP, BINARY, DATE (Trino:
 * VARCHAR, INTEGER, VARBINARY; DuckDB reads the types from the files).
 * docs/TENANTS.md describes the output and the choices behind it.
 */
#ifndef SL_DDL_H
#define SL_DDL_H

#include <stddef.h>

#include "common/common.h"
#include "map/map.h"

typedef enum sl_ddl_dialect {
    SL_DDL_HIVE = 0,
    SL_DDL_SPARK,
    SL_DDL_TRINO,
    SL_DDL_DUCKDB
} sl_ddl_dialect;

/* "hive", "spark", "trino", "duckdb" -> *d; 0, or -1 for any other name. */
int sl_ddl_dialect_parse(const char *name, sl_ddl_dialect *d);
const char *sl_ddl_dialect_name(sl_ddl_dialect d);

typedef struct sl_ddl_opts {
    sl_ddl_dialect dialect;
    /* The lake's root as the engine reads it, without a trailing '/': "file:///data/lake",
     * "hdfs://nn/lake" (sl_ddl_location makes it from a lake URI). Borrowed. */
    const char *location;
    /* Database (Hive/Spark/DuckDB schema; Trino "schema" or "catalog.schema") the tables
     * are created in; NULL: unqualified names (Trino: schema "default"). Borrowed. */
    const char *database;
    /* One tenant's tables: located on <table>/tenant=<id>, partitioned by dt only, and
     * no _quarantine (it holds every tenant's bad messages). NULL: all tenants. Borrowed. */
    const char *tenant;
    /* 1: partition by tenant, then dt (the lake has tenant folders); 0: by dt only. */
    int tenants;
    /* Bit t set (t < 64): table t of the mapping (t == ntables: _quarantine) has no
     * files yet. DuckDB only: its view would fail to bind, so it is written as a
     * comment. 0: every table has files. */
    unsigned long long empty_tables;
} sl_ddl_opts;

/* Appends the statements for `m` (borrowed) to out. SL_ERR_INVALID with errstr when
 * an option cannot be expressed (a database or location with quotes, a tenant that is
 * not [a-z0-9_-]{1,64}); SL_ERR_NOMEM. out is unchanged on error only in part. */
sl_err sl_ddl_write(const sl_mapping *m, const sl_ddl_opts *o, sl_buf *out, char *errstr, size_t errstr_size);

/* The location the engine of `dialect` sees for a lake URI, appended to out:
 *  - a local path or file:///path: "file:///abs/path" (DuckDB: "/abs/path"); a
 *    relative path is made absolute against the current folder;
 *  - webhdfs://host:port[,host2:port]/path or swebhdfs://...: hdfs_base + "/path"
 *    when hdfs_base ("hdfs://nameservice" or "hdfs://nn:8020") is given, else
 *    "hdfs://host/path" (the first NameNode, default RPC port). DuckDB cannot read
 *    HDFS: SL_ERR_UNSUPPORTED.
 * A trailing '/' is removed. SL_ERR_INVALID for a URI of another scheme. */
sl_err sl_ddl_location(const char *lake_uri, sl_ddl_dialect dialect, const char *hdfs_base, sl_buf *out,
                       char *errstr, size_t errstr_size);

#endif
