/*
 * fuzz_sql.c: libFuzzer target for the query side (src/sql/): the input is one
 * Parquet file, placed in a scratch lake as both assessments/dt=2018-01-01/f.parquet
 * and questions/dt=2018-01-01/f.parquet. Then the lake is opened for SQL and a few
 * statements run over it (a full scan, a constrained scan that consults row-group
 * statistics, a self-join through the materialized lookup, an aggregate on every
 * column), and the report runs on it. Everything must end in SL_OK or an error with
 * a message: never a crash, a leak or undefined behaviour.
 * Seeds: fuzz/seeds/fuzz_sql/ (sluice-written assessments and questions files,
 * uncompressed and zstd).
 */
#include "common/common.h"
#include "sql/report.h"
#include "sql/scan.h"
#include "sql/sql.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The scratch lake, made once per process (libFuzzer runs inputs in one process). */
static char lake[256];

static int write_file(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int bad = size && fwrite(data, 1, size, f) != size;
    if (fclose(f) != 0)
        bad = 1;
    return bad ? -1 : 0;
}

static int setup(void)
{
    if (lake[0])
        return 0;
    char tmpl[] = "/tmp/sl_fuzz_sql_XXXXXX";
    if (!mkdtemp(tmpl))
        return -1;
    snprintf(lake, sizeof lake, "%s", tmpl);
    char p[400];
    snprintf(p, sizeof p, "%s/assessments", lake);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/assessments/dt=2018-01-01", lake);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/questions", lake);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/questions/dt=2018-01-01", lake);
    mkdir(p, 0700);
    return 0;
}

static void run(sl_sql *q, FILE *out, const char *sql)
{
    char err[1024];
    err[0] = 0;
    if (sl_sql_exec(q, sql, SL_SQL_CSV, out, err, sizeof err) != SL_OK && !err[0])
        abort(); /* every failure must say why */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (setup() != 0)
        return 0;
    char p[400];
    snprintf(p, sizeof p, "%s/assessments/dt=2018-01-01/f.parquet", lake);
    if (write_file(p, data, size) != 0)
        return 0;
    snprintf(p, sizeof p, "%s/questions/dt=2018-01-01/f.parquet", lake);
    if (write_file(p, data, size) != 0)
        return 0;
    FILE *out = fopen("/dev/null", "w");
    if (!out)
        return 0;
    char err[1024];
    err[0] = 0;
    sl_sql *q = sl_sql_open(lake, NULL, err, sizeof err);
    if (!q) {
        fclose(out);
        if (!err[0])
            abort();
        return 0;
    }
    const sl_sql_table *t = sl_sql_lake_find(sl_sql_get_lake(q), "assessments");
    if (t && t->ncols > 0) {
        char sql[2048];
        const char *c0 = t->cols[0].name, *cl = t->cols[t->ncols - 1].name;
        run(q, out, "SELECT * FROM assessments");
        snprintf(sql, sizeof sql, "SELECT count(*) FROM assessments WHERE \"%s\" > 0 AND \"%s\" IS NOT NULL "
                                  "AND dt = '2018-01-01'", c0, cl);
        run(q, out, sql);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM assessments WHERE \"%s\" = 'x' OR \"%s\" < 'm'", c0, cl);
        run(q, out, sql);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM assessments a JOIN questions b ON b.\"%s\" = a.\"%s\" "
                                  "LIMIT 1000", c0, c0);
        run(q, out, sql);
        sl_buf b = { 0 };
        sl_buf_printf(&b, "SELECT count(*)");
        for (size_t i = 0; i < t->ncols && i < 64; i++)
            sl_buf_printf(&b, ", min(\"%s\"), max(\"%s\")", t->cols[i].name, t->cols[i].name);
        sl_buf_printf(&b, " FROM assessments");
        if (b.data)
            run(q, out, (const char *)b.data);
        sl_buf_free(&b);
    }
    sl_sql_close(q);
    err[0] = 0;
    if (sl_report_run(lake, NULL, out, err, sizeof err) != SL_OK && !err[0])
        abort();
    fclose(out);
    return 0;
}
