/* test_sql.c: the SQL layer (src/sql/): text forms, lake discovery, the sluice_parquet
 * virtual table (values, partitions, pruning, joins), the statement runner's output
 * formats and errors, and the report on a small hand-made lake.
 *
 * Every virtual-table query is also run on a plain SQLite copy of the same rows
 * (CREATE TABLE ... AS SELECT), which serves as the oracle: SQLite's own engine on
 * its own tables must give the same answer as SQLite on our virtual tables. */
#include "sql/report.h"
#include "sql/scan.h"
#include "sql/sql.h"
#include "sql/util.h"
#include "parquet/parquet.h"
#include "t.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmproot[256];

static void fresh_dir(void)
{
    snprintf(tmproot, sizeof tmproot, "/tmp/sl_test_sql_XXXXXX");
    if (!mkdtemp(tmproot)) {
        perror("mkdtemp");
        exit(1);
    }
}

static void rm_dir(void)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmproot);
    if (system(cmd) != 0)
        fprintf(stderr, "cleanup of %s failed\n", tmproot);
}

/* ------------------------------------------------------------------ a counting store */

/* Wraps a store and counts files opened and reads made, to see what pruning skips. */
typedef struct counting {
    sl_store base;
    sl_store *inner;
    int opens;
    int reads;
} counting;

typedef struct counting_in {
    sl_in inner;
    counting *c;
} counting_in;

static sl_err cin_read_at(const sl_in *in, uint64_t off, void *dst, size_t n, char *e, size_t es)
{
    counting_in *ci = in->ctx;
    ci->c->reads++;
    return ci->inner.read_at(&ci->inner, off, dst, n, e, es);
}

static void cin_close(sl_in *in)
{
    counting_in *ci = in->ctx;
    sl_store_in_close(&ci->inner);
    free(ci);
}

static sl_err c_open_in(sl_store *s, const char *path, sl_in *in, char *e, size_t es)
{
    counting *c = (counting *)s;
    counting_in *ci = calloc(1, sizeof *ci);
    if (!ci)
        return SL_ERR_NOMEM;
    sl_err r = sl_store_open_in(c->inner, path, &ci->inner, e, es);
    if (r != SL_OK) {
        free(ci);
        return r;
    }
    ci->c = c;
    c->opens++;
    in->read_at = cin_read_at;
    in->size = ci->inner.size;
    in->ctx = ci;
    in->close = cin_close;
    return SL_OK;
}

static sl_err c_list(sl_store *s, const char *dir, sl_store_list_cb cb, void *ctx, char *e, size_t es)
{
    return sl_store_list(((counting *)s)->inner, dir, cb, ctx, e, es);
}

static sl_err c_stat(sl_store *s, const char *path, sl_store_info *st, char *e, size_t es)
{
    return sl_store_stat(((counting *)s)->inner, path, st, e, es);
}

static void c_close(sl_store *s) { (void)s; }

static const sl_store_ops counting_ops = {
    .kind = "counting",
    .close = c_close,
    .stat = c_stat,
    .list = c_list,
    .open_in = c_open_in,
};

/* ------------------------------------------------------------------ a test lake */

static const sl_column t_cols[] = {
    { "id", SL_T_INT64, 1 },      { "name", SL_T_STRING, 0 }, { "score", SL_T_DOUBLE, 0 },
    { "flag", SL_T_BOOL, 0 },     { "ts", SL_T_TIMESTAMP, 0 }, { "day", SL_T_DATE, 0 },
    { "raw", SL_T_BINARY, 0 },    { "n32", SL_T_INT32, 0 },
};
#define T_NCOLS 8
#define TS0 1514764800000000LL /* 2018-01-01T00:00:00Z */

static char names[300][16];

/* One row of table t for id (deterministic values, some NULLs). */
static void t_row(int64_t id, sl_value *v, size_t ncols)
{
    memset(v, 0, ncols * sizeof *v);
    v[0].u.i = id;
    snprintf(names[id % 300], sizeof names[0], id % 7 == 3 ? "%lld" : "n%03lld", (long long)(id % 50));
    v[1].u.s.p = names[id % 300];
    v[1].u.s.n = (uint32_t)strlen(names[id % 300]);
    v[1].is_null = id % 11 == 5;
    if (ncols > 2) {
        v[2].u.d = (double)(id % 10) / 4.0;
        v[2].is_null = id % 9 == 4;
    }
    if (ncols > 3) {
        v[3].u.i = id % 2;
        v[4].u.i = TS0 + id * 1000001LL;
        v[4].is_null = id % 13 == 7;
        v[5].u.i = 17532 + id % 3; /* 2018-01-01 + k */
        v[6].u.s.p = "\x00\xff" "ab";
        v[6].u.s.n = (uint32_t)(id % 4);
        v[7].u.i = (int32_t)(id * 3 - 20);
    }
}

/* Writes a Parquet file of rows ids [first, first+n) with row groups of rg rows. */
static int write_table_file(sl_store *s, const char *path, int64_t first, size_t n, size_t rg, size_t ncols)
{
    char err[256];
    sl_store_file *f;
    if (sl_store_create(s, path, &f, err, sizeof err) != SL_OK) {
        fprintf(stderr, "create %s: %s\n", path, err);
        return -1;
    }
    sl_pq_options o = sl_pq_options_default();
    sl_pq_writer *w = sl_pq_writer_new(t_cols, ncols, &o, sl_store_file_out(f), err, sizeof err);
    if (!w)
        return -1;
    sl_value v[T_NCOLS];
    for (size_t i = 0; i < n; i++) {
        t_row(first + (int64_t)i, v, ncols);
        if (sl_pq_writer_write_row(w, v, err, sizeof err) != SL_OK)
            return -1;
        if ((i + 1) % rg == 0 && sl_pq_writer_flush_row_group(w, err, sizeof err) != SL_OK)
            return -1;
    }
    if (sl_pq_writer_close(w, err, sizeof err) != SL_OK)
        return -1;
    sl_pq_writer_destroy(w);
    return sl_store_file_finish(f, err, sizeof err) == SL_OK ? 0 : -1;
}

static int write_raw(sl_store *s, const char *path, const void *data, size_t n)
{
    char err[256];
    sl_store_file *f;
    if (sl_store_create(s, path, &f, err, sizeof err) != SL_OK)
        return -1;
    sl_out o = sl_store_file_out(f);
    if (n && o.write(o.ctx, data, n, err, sizeof err) != SL_OK)
        return -1;
    return sl_store_file_finish(f, err, sizeof err) == SL_OK ? 0 : -1;
}

/* The lake: t in tenant=a/dt=2018-01-01 (ids 0..29, row groups of 10), tenant=b/
 * dt=2018-01-02 (ids 100..109), tenant=b/dt=default (ids 200..204, only 2 columns),
 * plus files and folders every reader must skip. */
static sl_store *make_lake(void)
{
    char path[400], err[256];
    snprintf(path, sizeof path, "%s/lake", tmproot);
    sl_store *s = sl_store_open(path, NULL, err, sizeof err);
    if (!s)
        return NULL;
    int bad = write_table_file(s, "t/tenant=a/dt=2018-01-01/x+0+0+29.zstd.parquet", 0, 30, 10, T_NCOLS);
    bad |= write_table_file(s, "t/tenant=b/dt=2018-01-02/x+0+100+109.zstd.parquet", 100, 10, 100, T_NCOLS);
    bad |= write_table_file(s, "t/tenant=b/dt=__HIVE_DEFAULT_PARTITION__/x+0+200+204.zstd.parquet", 200, 5, 100, 2);
    bad |= write_raw(s, "t/tenant=a/dt=2018-01-01/_tmp.x+0+30.zstd.inprogress", "junk", 4);
    bad |= write_raw(s, "t/tenant=a/dt=2018-01-01/.hidden.parquet", "junk", 4);
    bad |= write_raw(s, "t/tenant=a/_dt=2018-01-03/y.parquet", "junk", 4);
    bad |= write_raw(s, "t/notes.txt", "hello", 5);
    bad |= write_raw(s, "_sluice/manifests/readme", "x", 1);
    bad |= write_raw(s, ".trash/t.parquet", "junk", 4);
    bad |= write_table_file(s, "u/dt=2018-01-05/y.parquet", 0, 3, 10, T_NCOLS);
    if (bad) {
        sl_store_close(s);
        return NULL;
    }
    return s;
}

/* Runs sql on db, returning its rows as text: cells joined by '|', rows by '\n'
 * (NULL written as "NULL"; typeof tags when `types`). Caller frees. */
static char *query(sqlite3 *db, const char *sql, int types)
{
    sqlite3_stmt *st;
    sl_buf b = { 0 };
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        sl_buf_printf(&b, "ERROR: %s", sqlite3_errmsg(db));
        return (char *)b.data;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            if (i)
                sl_buf_printf(&b, "|");
            if (types)
                sl_buf_printf(&b, "%s:", sqlite3_column_decltype(st, i) ? "" : "");
            int t = sqlite3_column_type(st, i);
            if (types)
                sl_buf_printf(&b, "%s=", t == SQLITE_INTEGER ? "i" : t == SQLITE_FLOAT ? "r" : t == SQLITE_TEXT ? "t"
                                                : t == SQLITE_BLOB ? "b" : "n");
            if (t == SQLITE_NULL)
                sl_buf_printf(&b, "NULL");
            else if (t == SQLITE_BLOB) {
                const unsigned char *p = sqlite3_column_blob(st, i);
                for (int k = 0; k < sqlite3_column_bytes(st, i); k++)
                    sl_buf_printf(&b, "%02x", p[k]);
            } else
                sl_buf_printf(&b, "%s", (const char *)sqlite3_column_text(st, i));
        }
        sl_buf_printf(&b, "\n");
    }
    if (rc != SQLITE_DONE)
        sl_buf_printf(&b, "ERROR: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    if (!b.data)
        sl_buf_printf(&b, "%s", "");
    return (char *)b.data;
}

#define CHECK_QUERY(db, sql, want)            \
    do {                                      \
        char *got_ = query((db), (sql), 0);   \
        CHECK_EQ_STR(got_, (want));           \
        free(got_);                           \
    } while (0)

/* ------------------------------------------------------------------ tests */

static void test_text_forms(void)
{
    char b[SL_SQL_FMT_MAX];
    sl_sql_fmt_ts(0, b);
    CHECK_EQ_STR(b, "1970-01-01 00:00:00.000000");
    sl_sql_fmt_ts(1516717399082000LL, b);
    CHECK_EQ_STR(b, "2018-01-23 14:23:19.082000");
    sl_sql_fmt_ts(-1, b);
    CHECK_EQ_STR(b, "1969-12-31 23:59:59.999999");
    sl_sql_fmt_ts(951782400123456LL, b); /* leap day 2000 */
    CHECK_EQ_STR(b, "2000-02-29 00:00:00.123456");
    sl_sql_fmt_date(17554, b);
    CHECK_EQ_STR(b, "2018-01-23");
    sl_sql_fmt_date(-719528, b);
    CHECK_EQ_STR(b, "0000-01-01");
    CHECK(sl_sql_date_fixed_width(-719528, 2932896));
    CHECK(!sl_sql_date_fixed_width(-719529, 0));
    CHECK(!sl_sql_ts_fixed_width(0, INT64_MAX));
    sl_sql_fmt_double(0.1, b);
    CHECK_EQ_STR(b, "0.1");
    sl_sql_fmt_double(1, b);
    CHECK_EQ_STR(b, "1.0");
    sl_sql_fmt_double(2.0 / 3.0, b);
    CHECK_EQ_STR(b, "0.6666666666666666");
    CHECK(strtod(b, NULL) == 2.0 / 3.0);
    sl_sql_fmt_double(1e20, b);
    CHECK_EQ_STR(b, "1e+20");
    sl_sql_fmt_double(-INFINITY, b);
    CHECK_EQ_STR(b, "-Inf");
    CHECK_EQ_INT(sl_sql_utf8_width("abc", 3), 3);
    CHECK_EQ_INT(sl_sql_utf8_width("\xc3\xa9t\xc3\xa9", 5), 3);      /* été */
    CHECK_EQ_INT(sl_sql_utf8_width("\xe6\x97\xa5\xe6\x9c\xac", 6), 4); /* 日本 */
    CHECK_EQ_INT(sl_sql_utf8_width("e\xcc\x81", 3), 1);              /* e + combining acute */
    CHECK_EQ_INT(sl_sql_utf8_seq((const unsigned char *)"\xc0\x80", 2), 0); /* overlong */
    CHECK_EQ_INT(sl_sql_utf8_seq((const unsigned char *)"\xed\xa0\x80", 3), 0); /* surrogate */
    sl_buf j = { 0 };
    CHECK(sl_sql_json_string(&j, "a\"\\\n\x01\xff\xc3\xa9", 8) == SL_OK);
    CHECK_EQ_STR((const char *)j.data, "\"a\\\"\\\\\\n\\u0001\\ufffd\xc3\xa9\"");
    sl_buf_free(&j);
}

static void test_discovery(void)
{
    fresh_dir();
    sl_store *s = make_lake();
    REQUIRE(s);
    char err[512] = "";
    sl_sql_lake *lake = sl_sql_lake_open_store(s, err, sizeof err);
    REQUIRE(lake);
    CHECK_EQ_INT(sl_sql_lake_ntables(lake), 3); /* t, u, and the always-present _quarantine */
    const sl_sql_table *t = sl_sql_lake_find(lake, "t");
    REQUIRE(t);
    CHECK_EQ_INT(t->nfiles, 3);
    CHECK_EQ_INT(t->ncols, T_NCOLS);
    CHECK_EQ_INT(t->npart, 2);
    CHECK_EQ_STR(t->part_keys[0], "tenant");
    CHECK_EQ_STR(t->part_keys[1], "dt");
    CHECK_EQ_INT(t->part_ndistinct[0], 2);
    CHECK_EQ_INT(t->part_ndistinct[1], 3);
    CHECK(t->est_rows > 20);
    const sl_sql_table *z = sl_sql_lake_find(lake, "_quarantine");
    REQUIRE(z);
    CHECK_EQ_INT(z->nfiles, 0);
    CHECK_EQ_STR(z->cols[0].name, "reason");
    CHECK(sl_sql_lake_find(lake, "_sluice") == NULL);
    CHECK(sl_sql_lake_find(lake, ".trash") == NULL);

    /* a scan of two columns, batches aligned, rows in file order */
    size_t cols[2] = { 0, 2 };
    sl_sql_scan *sc = sl_sql_scan_new(lake, t, cols, 2, err, sizeof err);
    REQUIRE(sc);
    int64_t rows = 0, idsum = 0, nulls = 0;
    size_t n;
    while (sl_sql_scan_next(sc, &n, err, sizeof err) == SL_OK && n > 0) {
        const sl_value *id = sl_sql_scan_values(sc, 0), *score = sl_sql_scan_values(sc, 1);
        for (size_t i = 0; i < n; i++) {
            idsum += id[i].u.i;
            nulls += score[i].is_null;
        }
        rows += (int64_t)n;
    }
    CHECK_EQ_INT(rows, 45);
    CHECK_EQ_INT(idsum, 435 + 1045 + 1010);
    /* score NULL when id % 9 == 4 (4, 13, 22, 103) and in the file without it (5 rows) */
    CHECK_EQ_INT(nulls, 4 + 5);
    sl_sql_scan_destroy(sc);
    sl_sql_lake_destroy(lake);
    sl_store_close(s);

    /* a missing lake is an error, and it is not created */
    char missing[400];
    snprintf(missing, sizeof missing, "%s/nope", tmproot);
    CHECK(sl_sql_lake_open(missing, NULL, err, sizeof err) == NULL);
    CHECK(strstr(err, "no such folder") != NULL);
    struct stat st;
    CHECK(stat(missing, &st) != 0);
    rm_dir();
}

/* Runs `sql` on the virtual tables and on native copies (tables named <t>_copy
 * substituted by the caller) and checks both answers are equal and not empty. */
static void same_as_copy(sqlite3 *db, const char *vsql, const char *csql)
{
    char *a = query(db, vsql, 1), *b = query(db, csql, 1);
    if (strcmp(a, b) != 0 || strncmp(a, "ERROR", 5) == 0 || a[0] == 0) {
        char m[900];
        snprintf(m, sizeof m, "%s\n    vtab: %.300s\n    copy: %.300s", vsql, a, b);
        t_report(__FILE__, __LINE__, m);
    }
    free(a);
    free(b);
}

static void test_vtab_values(void)
{
    fresh_dir();
    sl_store *inner = make_lake();
    REQUIRE(inner);
    counting c = { { &counting_ops, { 0 } }, inner, 0, 0 };
    char err[512] = "";
    sl_sql *q = sl_sql_open_store(&c.base, err, sizeof err);
    REQUIRE(q);
    sqlite3 *db = sl_sql_db(q);
    CHECK_QUERY(db, "SELECT count(*), sum(id), count(score), count(name) FROM t", "45|2490|36|40\n");
    /* types and text forms */
    char *got = query(db, "SELECT id, name, score, flag, ts, day, raw, n32, tenant, dt FROM t WHERE id = 1", 1);
    CHECK_EQ_STR(got, ":i=1|:t=n001|:r=0.25|:i=1|:t=2018-01-01 00:00:01.000001|:t=2018-01-02|:b=00|:i=-17|:t=a|:t=2018-01-01\n");
    free(got);
    CHECK_QUERY(db, "SELECT id, raw, name FROM t WHERE id IN (0, 3, 5)", "0||n000\n3|00ff61|3\n5|00|NULL\n");
    CHECK_QUERY(db, "SELECT count(*), min(id), max(id) FROM t WHERE dt IS NULL", "5|200|204\n");
    CHECK_QUERY(db, "SELECT count(*), count(score), count(ts) FROM t WHERE tenant = 'b' AND dt IS NULL", "5|0|0\n");
    CHECK_QUERY(db, "SELECT dt, count(*) FROM t GROUP BY dt ORDER BY dt", "NULL|5\n2018-01-01|30\n2018-01-02|10\n");
    CHECK_QUERY(db, "SELECT count(*) FROM t WHERE ts >= '2018-01-01 00:00:20' AND ts < '2018-01-01 00:01:45'",
                "14\n");
    CHECK_QUERY(db, "SELECT count(*) FROM t WHERE day = '2018-01-03'", "13\n");
    CHECK_QUERY(db, "SELECT sum(flag), count(*) FROM t WHERE flag", "20|20\n");
    CHECK_QUERY(db, "SELECT count(*) FROM u", "3\n");
    CHECK_QUERY(db, "SELECT count(*) FROM _quarantine", "0\n");
    /* read-only */
    got = query(db, "DELETE FROM t WHERE id = 1", 0);
    CHECK(strstr(got, "ERROR") != NULL);
    free(got);

    /* partition pruning: only matching files are opened */
    c.opens = 0;
    CHECK_QUERY(db, "SELECT sum(id) FROM t WHERE tenant = 'a'", "435\n");
    CHECK_EQ_INT(c.opens, 1);
    c.opens = 0;
    CHECK_QUERY(db, "SELECT count(*) FROM t WHERE dt IN ('2018-01-02', '2019-01-01')", "10\n");
    CHECK_EQ_INT(c.opens, 1);
    c.opens = 0;
    CHECK_QUERY(db, "SELECT count(*) FROM t WHERE dt > '2018-01-01'", "10\n");
    CHECK_EQ_INT(c.opens, 1);
    c.opens = 0;
    CHECK_QUERY(db, "SELECT count(*) FROM t WHERE tenant = 'zzz'", "0\n");
    CHECK_EQ_INT(c.opens, 0);

    /* row group pruning by statistics: fewer reads, same answer */
    c.reads = 0;
    CHECK_QUERY(db, "SELECT count(*), sum(n32) FROM t WHERE id >= 0 AND tenant = 'a'", "30|705\n");
    int all_reads = c.reads;
    c.reads = 0;
    CHECK_QUERY(db, "SELECT count(*), sum(n32) FROM t WHERE id BETWEEN 12 AND 15 AND tenant = 'a'", "4|82\n");
    CHECK(c.reads < all_reads);
    c.reads = 0;
    CHECK_QUERY(db, "SELECT count(*) FROM t WHERE id > 1000", "0\n");
    int none_reads = c.reads;
    CHECK(none_reads <= 2 * 3); /* footers only: no column chunk read */
    c.reads = 0;
    CHECK_QUERY(db, "SELECT count(*) FROM t WHERE ts < '2018-01-01 00:00:05' AND tenant = 'a'", "5\n");
    CHECK(c.reads < all_reads);
    CHECK_QUERY(db, "SELECT count(*) FROM t WHERE score IS NULL", "9\n");
    CHECK_QUERY(db, "SELECT count(*) FROM t WHERE score = 0.25", "4\n");
    CHECK_QUERY(db, "SELECT count(*) FROM t WHERE score = '0.25'", "4\n");   /* affinity: no pruning, same answer */
    CHECK_QUERY(db, "SELECT count(*) FROM t WHERE id = 12.0", "1\n");
    CHECK_QUERY(db, "SELECT count(*) FROM t WHERE id < 12.5 AND id > 11.5", "1\n");
    CHECK_QUERY(db, "SELECT count(*) FROM t WHERE name = 'n012' COLLATE NOCASE", "1\n");
    CHECK_QUERY(db, "SELECT count(*) FROM t WHERE name = 'N012' COLLATE NOCASE", "1\n");

    /* the oracle: native copies of the tables */
    char *e2 = NULL;
    CHECK(sqlite3_exec(db, "CREATE TABLE tc AS SELECT * FROM t; CREATE TABLE uc AS SELECT * FROM u", NULL, NULL,
                       &e2) == SQLITE_OK);
    sqlite3_free(e2);
    static const char *const pairs[][2] = {
        { "SELECT a.id, b.id FROM t a JOIN t b ON b.id = a.id + 1 ORDER BY 1",
          "SELECT a.id, b.id FROM tc a JOIN tc b ON b.id = a.id + 1 ORDER BY 1" },
        { "SELECT a.id, b.id FROM t a JOIN t b ON b.name = a.name WHERE a.id < b.id ORDER BY 1, 2",
          "SELECT a.id, b.id FROM tc a JOIN tc b ON b.name = a.name WHERE a.id < b.id ORDER BY 1, 2" },
        /* integer column = text column: SQLite's affinity makes '3' equal 3 */
        { "SELECT a.id, b.id FROM t a JOIN t b ON a.id = b.name ORDER BY 1, 2",
          "SELECT a.id, b.id FROM tc a JOIN tc b ON a.id = b.name ORDER BY 1, 2" },
        { "SELECT a.id, b.ts FROM t a JOIN t b ON b.ts = a.ts WHERE a.dt = '2018-01-01' ORDER BY 1",
          "SELECT a.id, b.ts FROM tc a JOIN tc b ON b.ts = a.ts WHERE a.dt = '2018-01-01' ORDER BY 1" },
        { "SELECT a.id, count(b.id) FROM t a LEFT JOIN t b ON b.score = a.score AND b.tenant <> a.tenant GROUP BY 1 ORDER BY 1",
          "SELECT a.id, count(b.id) FROM tc a LEFT JOIN tc b ON b.score = a.score AND b.tenant <> a.tenant GROUP BY 1 ORDER BY 1" },
        { "SELECT a.id, count(*) FROM t a JOIN t b ON b.id < a.id WHERE a.id < 30 GROUP BY 1 ORDER BY 1",
          "SELECT a.id, count(*) FROM tc a JOIN tc b ON b.id < a.id WHERE a.id < 30 GROUP BY 1 ORDER BY 1" },
        { "SELECT id FROM t WHERE name IN (SELECT name FROM u) ORDER BY 1",
          "SELECT id FROM tc WHERE name IN (SELECT name FROM uc) ORDER BY 1" },
        { "SELECT id, (SELECT count(*) FROM t x WHERE x.dt = t.dt) FROM t WHERE id % 5 = 0 ORDER BY 1",
          "SELECT id, (SELECT count(*) FROM tc x WHERE x.dt = tc.dt) FROM tc WHERE id % 5 = 0 ORDER BY 1" },
        { "SELECT a.id, b.id FROM t a JOIN u b ON b.flag = a.flag AND b.day = a.day ORDER BY 1, 2",
          "SELECT a.id, b.id FROM tc a JOIN uc b ON b.flag = a.flag AND b.day = a.day ORDER BY 1, 2" },
        { "SELECT a.id, b.id FROM t a JOIN t b ON b.raw = a.raw AND b.id = a.id + 4 ORDER BY 1",
          "SELECT a.id, b.id FROM tc a JOIN tc b ON b.raw = a.raw AND b.id = a.id + 4 ORDER BY 1" },
        /* a lookup whose inner side holds one partition at a time */
        { "SELECT a.id, b.name FROM t a JOIN t b ON b.id = a.id - 1 AND b.dt = a.dt AND b.tenant = a.tenant ORDER BY 1",
          "SELECT a.id, b.name FROM tc a JOIN tc b ON b.id = a.id - 1 AND b.dt = a.dt AND b.tenant = a.tenant ORDER BY 1" },
        /* xFilter called once with a value known only at run time: streamed, not held */
        { "SELECT id, name FROM t WHERE id = (SELECT max(id) - 100 FROM u) + 100 OR id = (SELECT min(id) FROM u) ORDER BY 1",
          "SELECT id, name FROM tc WHERE id = (SELECT max(id) - 100 FROM uc) + 100 OR id = (SELECT min(id) FROM uc) ORDER BY 1" },
        { "SELECT id FROM t WHERE score > (SELECT avg(score) FROM t) ORDER BY 1",
          "SELECT id FROM tc WHERE score > (SELECT avg(score) FROM tc) ORDER BY 1" },
        { "SELECT tenant, dt, count(*), sum(score), min(ts), max(name) FROM t GROUP BY 1, 2 ORDER BY 1, 2",
          "SELECT tenant, dt, count(*), sum(score), min(ts), max(name) FROM tc GROUP BY 1, 2 ORDER BY 1, 2" },
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        same_as_copy(db, pairs[i][0], pairs[i][1]);
    sl_sql_close(q);
    sl_store_close(inner);
    rm_dir();
}

/* Output of sl_sql_exec into a string (caller frees); *e gets the result. */
static char *exec_out(sl_sql *q, const char *sql, sl_sql_format fmt, sl_err *e, char *err, size_t errn)
{
    char *mem = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&mem, &n);
    if (!f)
        return NULL;
    *e = sl_sql_exec(q, sql, fmt, f, err, errn);
    fclose(f);
    return mem;
}

static void test_exec_formats(void)
{
    fresh_dir();
    sl_store *s = make_lake();
    REQUIRE(s);
    char err[512] = "";
    sl_sql *q = sl_sql_open_store(s, err, sizeof err);
    REQUIRE(q);
    sl_err e = SL_OK;
    const char *cells = "SELECT 'a,b' AS x, 'q\"' AS y, '' AS z, NULL AS n, 1.0 AS r, 3 AS i, 'l1\nl2' AS m, "
                        "x'41ff' AS b";
    char *out = exec_out(q, cells, SL_SQL_CSV, &e, err, sizeof err);
    CHECK(e == SL_OK);
    CHECK_EQ_STR(out, "x,y,z,n,r,i,m,b\n\"a,b\",\"q\"\"\",\"\",,1.0,3,\"l1\nl2\",A\\xFF\n");
    free(out);
    out = exec_out(q, cells, SL_SQL_JSON, &e, err, sizeof err);
    CHECK(e == SL_OK);
    CHECK_EQ_STR(out, "{\"x\":\"a,b\",\"y\":\"q\\\"\",\"z\":\"\",\"n\":null,\"r\":1.0,\"i\":3,\"m\":\"l1\\nl2\","
                      "\"b\":\"A\\\\xFF\"}\n");
    free(out);
    out = exec_out(q, "SELECT id, name FROM t WHERE id IN (1, 13) ORDER BY id", SL_SQL_TABLE, &e, err, sizeof err);
    CHECK(e == SL_OK);
    CHECK_EQ_STR(out, " id | name\n----+------\n  1 | n001\n 13 | n013\n(2 rows)\n");
    free(out);
    /* several statements: a blank line between result sets; statements without rows print nothing */
    out = exec_out(q, "CREATE TEMP VIEW v AS SELECT id FROM t WHERE id < 2; SELECT count(*) AS n FROM v;\n"
                      "SELECT id FROM v ORDER BY id;", SL_SQL_CSV, &e, err, sizeof err);
    CHECK(e == SL_OK);
    CHECK_EQ_STR(out, "n\n2\n\nid\n0\n1\n");
    free(out);
    /* errors with their position */
    out = exec_out(q, "SELECT 1;\n  SELEC 2;", SL_SQL_CSV, &e, err, sizeof err);
    CHECK(e == SL_ERR_PARSE);
    CHECK_EQ_STR(err, "near \"SELEC\": syntax error at line 2, column 3");
    CHECK_EQ_STR(out, "1\n1\n");
    free(out);
    out = exec_out(q, "SELECT 'é', nope FROM t", SL_SQL_CSV, &e, err, sizeof err);
    CHECK(e == SL_ERR_PARSE);
    CHECK_EQ_STR(err, "no such column: nope at line 1, column 13");
    free(out);
    out = exec_out(q, "SELECT * FROM missing_table", SL_SQL_CSV, &e, err, sizeof err);
    CHECK(e == SL_ERR_PARSE);
    CHECK(strstr(err, "no such table: missing_table") != NULL);
    free(out);
    /* .tables / .schema */
    char *mem = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&mem, &n);
    REQUIRE(f);
    CHECK(sl_sql_print_tables(q, f, err, sizeof err) == SL_OK);
    CHECK(sl_sql_print_schema(q, "u", f, err, sizeof err) == SL_OK);
    CHECK(sl_sql_print_schema(q, "nope", f, err, sizeof err) == SL_ERR_NOTFOUND);
    fclose(f);
    CHECK(strncmp(mem, "_quarantine\nt\nu\nCREATE TABLE \"u\" (  -- 1 file\n  id INTEGER NOT NULL,", 62) == 0);
    CHECK(strstr(mem, "  dt TEXT                                  -- partition folder\n);\n") != NULL);
    free(mem);
    sl_sql_close(q);
    sl_store_close(s);
    rm_dir();
}

static void test_corrupt_file(void)
{
    fresh_dir();
    sl_store *s = make_lake();
    REQUIRE(s);
    /* a second file in tenant=b/dt=2018-01-02 whose pages are garbage (footer intact)
     * and a file that is not Parquet at all in another partition */
    char path[600];
    REQUIRE(write_table_file(s, "t/tenant=b/dt=2018-01-02/x+0+110+119.zstd.parquet", 110, 10, 100, T_NCOLS) == 0);
    snprintf(path, sizeof path, "%s/lake/t/tenant=b/dt=2018-01-02/x+0+110+119.zstd.parquet", tmproot);
    FILE *f = fopen(path, "r+b");
    REQUIRE(f);
    fseek(f, 4, SEEK_SET);
    for (int i = 0; i < 60; i++)
        fputc(0xA5, f);
    fclose(f);
    REQUIRE(write_raw(s, "t/tenant=c/dt=2018-01-09/bad.parquet", "PAR1 this is not parquet PAR1", 29) == 0);
    char err[512] = "";
    sl_sql *q = sl_sql_open_store(s, err, sizeof err);
    REQUIRE(q);
    sl_err e = SL_OK;
    char *out = exec_out(q, "SELECT count(*) FROM t WHERE tenant = 'c'", SL_SQL_CSV, &e, err, sizeof err);
    CHECK(e == SL_ERR_FATAL);
    CHECK(strstr(err, "lake file 't/tenant=c/dt=2018-01-09/bad.parquet'") != NULL);
    free(out);
    out = exec_out(q, "SELECT sum(id) FROM t WHERE dt = '2018-01-02'", SL_SQL_CSV, &e, err, sizeof err);
    CHECK(e == SL_ERR_FATAL);
    CHECK(strstr(err, "x+0+110+119.zstd.parquet") != NULL);
    free(out);
    /* pruned away, the broken files do not matter */
    out = exec_out(q, "SELECT count(*) FROM t WHERE tenant = 'a'", SL_SQL_CSV, &e, err, sizeof err);
    CHECK(e == SL_OK);
    CHECK_EQ_STR(out, "count(*)\n30\n");
    free(out);
    sl_sql_close(q);
    sl_store_close(s);
    rm_dir();
}

/* ---- the report on a hand-made assessments lake ---- */

static const sl_column a_cols[] = {
    { "keen_id", SL_T_STRING, 1 }, { "base_exam_id", SL_T_STRING, 0 }, { "exam_name", SL_T_STRING, 0 },
    { "score", SL_T_DOUBLE, 0 },   { "duration_s", SL_T_DOUBLE, 0 },
};
static const sl_column q_cols[] = {
    { "keen_id", SL_T_STRING, 1 }, { "base_exam_id", SL_T_STRING, 0 }, { "question_id", SL_T_STRING, 0 },
    { "user_correct", SL_T_BOOL, 0 },
};

static sl_value sv(const char *s)
{
    sl_value v;
    memset(&v, 0, sizeof v);
    if (!s)
        v.is_null = 1;
    else {
        v.u.s.p = s;
        v.u.s.n = (uint32_t)strlen(s);
    }
    return v;
}

static sl_value dv(double d, int null)
{
    sl_value v;
    memset(&v, 0, sizeof v);
    v.u.d = d;
    v.is_null = (uint8_t)null;
    return v;
}

static int write_rows(sl_store *s, const char *path, const sl_column *cols, size_t ncols, const sl_value *rows,
                      size_t nrows)
{
    char err[256];
    sl_store_file *f;
    if (sl_store_create(s, path, &f, err, sizeof err) != SL_OK)
        return -1;
    sl_pq_options o = sl_pq_options_default();
    sl_pq_writer *w = sl_pq_writer_new(cols, ncols, &o, sl_store_file_out(f), err, sizeof err);
    if (!w)
        return -1;
    for (size_t r = 0; r < nrows; r++)
        if (sl_pq_writer_write_row(w, rows + r * ncols, err, sizeof err) != SL_OK)
            return -1;
    if (sl_pq_writer_close(w, err, sizeof err) != SL_OK)
        return -1;
    sl_pq_writer_destroy(w);
    return sl_store_file_finish(f, err, sizeof err) == SL_OK ? 0 : -1;
}

static void test_report(void)
{
    fresh_dir();
    char path[400], err[512] = "";
    snprintf(path, sizeof path, "%s/lake", tmproot);
    sl_store *s = sl_store_open(path, NULL, err, sizeof err);
    REQUIRE(s);
    sl_value a1[] = {
        sv("k1"), sv("E1"), sv("Learning Git"), dv(1.0, 0), dv(60, 0),
        sv("k2"), sv("E1"), sv("Learning Git"), dv(0.5, 0), dv(120, 0),
        sv("k3"), sv("E2"), sv("Other"), dv(0.75, 0), dv(0, 1),
    };
    sl_value a2[] = {
        sv("k4"), sv("E3"), sv(NULL), dv(0, 1), dv(30, 0),
        sv("k3"), sv("E2"), sv("Other"), dv(0.71, 0), dv(90, 0),
    };
    sl_value q1[] = {
        sv("k1"), sv("E1"), sv("Q1"), dv(0, 0), sv("k1"), sv("E1"), sv("Q2"), dv(0, 0),
        sv("k2"), sv("E1"), sv("Q1"), dv(0, 0), sv("k2"), sv("E1"), sv("Q2"), dv(0, 0),
        sv("k3"), sv("E2"), sv("Q1"), dv(0, 0),
    };
    /* user_correct: k1 Q1 true, k1 Q2 true, k2 Q1 false, k2 Q2 NULL, k3 true */
    q1[3].u.i = 1;
    q1[7].u.i = 1;
    q1[11].u.i = 0;
    q1[15].is_null = 1;
    q1[19].u.i = 1;
    REQUIRE(write_rows(s, "assessments/dt=2018-01-01/a.parquet", a_cols, 5, a1, 3) == 0);
    REQUIRE(write_rows(s, "assessments/dt=__HIVE_DEFAULT_PARTITION__/b.parquet", a_cols, 5, a2, 2) == 0);
    REQUIRE(write_rows(s, "questions/dt=2018-01-01/a.parquet", q_cols, 4, q1, 5) == 0);
    sl_store_close(s);

    char *mem = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&mem, &n);
    REQUIRE(f);
    sl_report_opts o = { NULL, SL_REPORT_JSON, NULL };
    sl_err e = sl_report_run(path, &o, f, err, sizeof err);
    fclose(f);
    CHECK(e == SL_OK);
    REQUIRE(mem);
    CHECK(strstr(mem, "\"attempts\": 5,\n  \"distinct_attempts\": 4,\n  \"exams\": 3,\n  \"exam_names\": 2,\n"
                      "  \"learning_git_attempts\": 2,") != NULL);
    /* scores 1.0 0.5 0.75 0.71: average 0.74, 3 over 0.7 */
    CHECK(strstr(mem, "\"score\": {\"scored_attempts\": 4, \"average\": 0.74, \"over_70_attempts\": 3, "
                      "\"over_70_share\": 0.75}") != NULL);
    CHECK(strstr(mem, "\"duration_s\": {\"timed_attempts\": 4, \"average\": 75.0}") != NULL);
    CHECK(strstr(mem, "\"most_common_exams\": [\n    {\"exam_name\": \"Learning Git\", \"attempts\": 2},\n"
                      "    {\"exam_name\": \"Other\", \"attempts\": 2},\n    {\"exam_name\": null, \"attempts\": 1}\n  ]")
          != NULL);
    CHECK(strstr(mem, "\"least_common_exams\": [\n    {\"exam_name\": null, \"attempts\": 1},\n") != NULL);
    CHECK(strstr(mem, "\"most_common_exam\": {\"base_exam_id\": \"E1\", \"exam_name\": \"Learning Git\", "
                      "\"attempts\": 2, \"questions\": [\n    {\"question_id\": \"Q1\", \"answered\": 2, \"correct\": 1, "
                      "\"share_correct\": 0.5},\n    {\"question_id\": \"Q2\", \"answered\": 2, \"correct\": 1, "
                      "\"share_correct\": 0.5}\n  ]}") != NULL);
    CHECK(strstr(mem, "\"attempts_per_day\": [\n    {\"dt\": \"2018-01-01\", \"attempts\": 3},\n    {\"dt\": null, "
                      "\"attempts\": 2}\n  ]") != NULL);
    CHECK(strstr(mem, "{\"from\": 0.5, \"to\": 0.6, \"attempts\": 1},") != NULL);
    CHECK(strstr(mem, "{\"from\": 0.7, \"to\": 0.8, \"attempts\": 2},") != NULL);
    CHECK(strstr(mem, "{\"from\": 0.9, \"to\": 1.0, \"attempts\": 1}") != NULL);
    CHECK(strstr(mem, "\"quarantine\": {\"messages\": 0, \"by_reason\": []}") != NULL);
    CHECK(strstr(mem, "\"pipeline\": {\"commits\": 0, \"messages\": 0,") != NULL);
    free(mem);

    /* text and html render; a tenant on a lake without tenants is refused */
    mem = NULL;
    f = open_memstream(&mem, &n);
    REQUIRE(f);
    o.format = SL_REPORT_HTML;
    CHECK(sl_report_run(path, &o, f, err, sizeof err) == SL_OK);
    o.format = SL_REPORT_TEXT;
    CHECK(sl_report_run(path, &o, f, err, sizeof err) == SL_OK);
    o.tenant = "acme";
    CHECK(sl_report_run(path, &o, f, err, sizeof err) == SL_ERR_INVALID);
    CHECK(strstr(err, "no tenant folders") != NULL);
    fclose(f);
    CHECK(strstr(mem, "<svg") != NULL && strstr(mem, "</html>") != NULL);
    CHECK(strstr(mem, "took \"Learning Git\"                2") != NULL);
    free(mem);
    rm_dir();
}

/* A join on a string column whose values are all empty: the materialized lookup
 * holds no string bytes at all, and must still key every row (the fuzzer found
 * the lookup taking an offset from a NULL buffer). */
static void test_join_on_empty_strings(void)
{
    fresh_dir();
    char path[400], err[512] = "";
    snprintf(path, sizeof path, "%s/lake", tmproot);
    sl_store *s = sl_store_open(path, NULL, err, sizeof err);
    REQUIRE(s);
    sl_value rows[] = {
        sv(""), sv(""), sv(""), dv(1, 0),
        sv(""), sv(""), sv(""), dv(0, 0),
        sv(""), sv(""), sv(NULL), dv(1, 0),
    };
    for (size_t r = 0; r < 3; r++)
        rows[r * 4 + 3].u.i = (int64_t)rows[r * 4 + 3].u.d;
    CHECK(write_rows(s, "questions/dt=2018-01-01/q.parquet", q_cols, 4, rows, 3) == 0);
    CHECK(write_rows(s, "answers/dt=2018-01-01/q.parquet", q_cols, 4, rows, 3) == 0);
    sl_store_close(s);
    sl_sql *q = sl_sql_open(path, NULL, err, sizeof err);
    REQUIRE(q);
    sqlite3 *db = sl_sql_db(q);
    /* two empty strings pair up 2 x 2; the NULL matches nothing */
    CHECK_QUERY(db, "SELECT count(*) FROM questions a JOIN answers b ON b.question_id = a.question_id", "4\n");
    CHECK_QUERY(db, "SELECT a.user_correct, b.user_correct, b.keen_id FROM questions a JOIN answers b "
                    "ON b.question_id = a.question_id ORDER BY 1, 2", "0|0|\n0|1|\n1|0|\n1|1|\n");
    sl_sql_close(q);
    rm_dir();
}

int main(void)
{
    T_RUN(test_text_forms);
    T_RUN(test_discovery);
    T_RUN(test_vtab_values);
    T_RUN(test_exec_formats);
    T_RUN(test_corrupt_file);
    T_RUN(test_report);
    T_RUN(test_join_on_empty_strings);
    return t_done();
}
