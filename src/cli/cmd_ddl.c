/* cmd_ddl.c: `sluice ddl`: prints the CREATE statements that make a lake's tables
 * queryable by Hive, Spark SQL, Trino or DuckDB (src/lake/ddl.h). */
#include "cli/cli.h"
#include "common/common.h"
#include "lake/ddl.h"
#include "lake/lake.h"
#include "lake/store.h"
#include "lake/tenant.h"
#include "map/map.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#define CMD "ddl"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: sluice ddl --lake URI [--mapping NAME|FILE] [--dialect hive|spark|trino|duckdb]\n"
            "                  [--tenant ID] [--database NAME] [--hdfs-uri URI] [--tenants]\n"
            "\n"
            "Prints the statements that make the lake's tables queryable: for every table of\n"
            "the mapping plus _quarantine, an external Parquet table on the lake's folder,\n"
            "partitioned by tenant (when the lake has tenant folders) and dt, then the\n"
            "statement that finds the partition folders (Hive/Spark: MSCK REPAIR TABLE;\n"
            "Trino: CALL system.sync_partition_metadata). DuckDB: one view per table over\n"
            "read_parquet(..., hive_partitioning = true). Run it again after new days land\n"
            "(Hive/Spark/Trino) to register the new partition folders.\n"
            "\n"
            "  --lake URI          the lake: a folder, file:///path, webhdfs://host:port/path\n"
            "  -m, --mapping M     table mapping (default assessments)\n"
            "  -d, --dialect D     hive (default), spark, trino or duckdb\n"
            "  --tenant ID         one customer's tables: on <table>/tenant=ID only, no\n"
            "                      _quarantine (grant these to that customer)\n"
            "  --database NAME     create the tables in NAME (Trino: schema or catalog.schema;\n"
            "                      default schema 'default')\n"
            "  --hdfs-uri URI      HDFS root the engine uses for a webhdfs:// lake, e.g.\n"
            "                      hdfs://nameservice1 (default hdfs://<first NameNode host>)\n"
            "  --tenants           partition by tenant even when the lake has no tenant folders yet\n"
            "  -h, --help          this help\n"
            "\n"
            "Example: sluice ddl --lake /data/lake --dialect duckdb | duckdb lake.db\n");
}

/* Listing state: does a folder hold tenant= folders / any committed Parquet file? */
typedef struct scan {
    sl_store *store;
    char path[1024];
    int depth;
    int tenant_dirs;
    int parquet;
} scan;

static sl_err scan_dir(scan *s, const char *dir, char *errstr, size_t errstr_size);

static int scan_cb(void *ctx, const char *name, const sl_store_info *st)
{
    scan *s = ctx;
    size_t n = strlen(name);
    if (s->depth == 0 && st->is_dir && strncmp(name, "tenant=", 7) == 0)
        s->tenant_dirs = 1;
    if (!st->is_dir && name[0] != '_' && name[0] != '.' && n > 8 && strcmp(name + n - 8, ".parquet") == 0)
        s->parquet = 1;
    if (st->is_dir && !s->parquet && s->depth < 2 && name[0] != '_' && name[0] != '.') {
        size_t len = strlen(s->path);
        if (len + 1 + n < sizeof s->path) {
            char err[256];
            snprintf(s->path + len, sizeof s->path - len, "/%s", name);
            s->depth++;
            (void)scan_dir(s, s->path, err, sizeof err); /* an unreadable sub-folder counts as empty */
            s->depth--;
            s->path[len] = 0;
        }
    }
    return s->parquet && s->tenant_dirs;
}

static sl_err scan_dir(scan *s, const char *dir, char *errstr, size_t errstr_size)
{
    return sl_store_list(s->store, dir, scan_cb, s, errstr, errstr_size);
}

SL_CMD(ddl)
{
    static const struct option longopts[] = {
        { "lake", required_argument, NULL, 'L' },   { "mapping", required_argument, NULL, 'm' },
        { "dialect", required_argument, NULL, 'd' }, { "tenant", required_argument, NULL, 'T' },
        { "database", required_argument, NULL, 'D' }, { "hdfs-uri", required_argument, NULL, 'H' },
        { "tenants", no_argument, NULL, 'A' },       { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *lake = NULL, *mapping_name = "assessments", *hdfs_uri = NULL;
    sl_ddl_opts o = { .dialect = SL_DDL_HIVE };
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "m:d:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'L': lake = optarg; break;
        case 'm': mapping_name = optarg; break;
        case 'd':
            if (sl_ddl_dialect_parse(optarg, &o.dialect) != 0)
                return sl_cli_usage_error(CMD, "--dialect wants hive, spark, trino or duckdb, got '%s'", optarg);
            break;
        case 'T': o.tenant = optarg; break;
        case 'D': o.database = optarg; break;
        case 'H':
            if (strncmp(optarg, "hdfs://", 7) != 0 && strncmp(optarg, "viewfs://", 9) != 0)
                return sl_cli_usage_error(CMD, "--hdfs-uri wants hdfs://NAMESERVICE or hdfs://HOST:PORT, got '%s'",
                                          optarg);
            hdfs_uri = optarg;
            break;
        case 'A': o.tenants = 1; break;
        case 'h': usage(stdout); return 0;
        default: return sl_cli_bad_option(CMD, argc, argv);
        }
    }
    if (optind < argc)
        return sl_cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    if (!lake || !*lake)
        return sl_cli_usage_error(CMD, "--lake URI is required");
    if (o.tenant && !sl_tenant_valid(o.tenant, strlen(o.tenant)))
        return sl_cli_usage_error(CMD, "--tenant '%s' is not a tenant id ([a-z0-9_-]{1,64})", o.tenant);

    char errstr[1024];
    int rc = 1;
    sl_buf loc = { 0 }, out = { 0 };
    sl_store *store = NULL;
    sl_mapping *m = sl_mapping_load(mapping_name, errstr, sizeof errstr);
    if (!m) {
        sl_cli_error(CMD, "%s", errstr);
        goto done;
    }
    sl_err e = sl_ddl_location(lake, o.dialect, hdfs_uri, &loc, errstr, sizeof errstr);
    if (e != SL_OK) {
        sl_cli_error(CMD, "%s", errstr);
        rc = e == SL_ERR_NOMEM ? 1 : 2;
        goto done;
    }
    o.location = (const char *)loc.data;
    /* Look at the lake (when it exists) for tenant folders and tables without files. */
    sl_store_opts so = { .existing_only = 1 };
    store = sl_store_open(lake, &so, errstr, sizeof errstr);
    size_t nt = sl_mapping_ntables(m);
    for (size_t t = 0; t <= nt; t++) {
        scan s = { .store = store };
        const char *name = t == nt ? SL_LAKE_QUARANTINE : sl_mapping_table_name(m, t);
        if (store) {
            /* one tenant: its folder decides whether the view can bind */
            snprintf(s.path, sizeof s.path, "%s%s%s", name, o.tenant ? "/tenant=" : "", o.tenant ? o.tenant : "");
            (void)scan_dir(&s, s.path, errstr, sizeof errstr); /* a missing folder: no files */
        }
        if (s.tenant_dirs && t < nt)
            o.tenants = 1;
        if (!s.parquet && t < 64)
            o.empty_tables |= 1ull << t;
    }
    e = sl_ddl_write(m, &o, &out, errstr, sizeof errstr);
    if (e != SL_OK) {
        sl_cli_error(CMD, "%s", errstr);
        rc = e == SL_ERR_INVALID ? 2 : 1;
        goto done;
    }
    if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
        sl_cli_error(CMD, "cannot write to stdout");
        goto done;
    }
    rc = 0;
done:
    sl_store_close(store);
    sl_mapping_destroy(m);
    sl_buf_free(&loc);
    sl_buf_free(&out);
    return rc;
}
