/* test_ddl.c: sluice ddl's statements (golden text for a small mapping in each
 * dialect), lake locations, and the tenant sources of --tenant-from, with the
 * hostile ids that must never name a folder. */
#include "t.h"

#include <unistd.h>

#include "lake/ddl.h"
#include "lake/tenant.h"
#include "map/map.h"

static const char *MAPPING =
    "{\"name\":\"small\",\"tables\":[{\"name\":\"ev\",\"columns\":["
    "{\"name\":\"id\",\"type\":\"string\",\"path\":\"$.id\",\"required\":true},"
    "{\"name\":\"n\",\"type\":\"int32\",\"path\":\"$.n\"},"
    "{\"name\":\"big\",\"type\":\"int64\",\"path\":\"$.big\"},"
    "{\"name\":\"x\",\"type\":\"double\",\"path\":\"$.x\"},"
    "{\"name\":\"ok\",\"type\":\"boolean\",\"path\":\"$.ok\"},"
    "{\"name\":\"at\",\"type\":\"timestamp\",\"path\":\"$.at\"},"
    "{\"name\":\"raw\",\"type\":\"binary\",\"path\":\"$.raw\"},"
    "{\"name\":\"day\",\"type\":\"date\",\"path\":\"$.day\"}]}]}";

static sl_mapping *small(void)
{
    char err[512];
    sl_mapping *m = sl_mapping_parse(MAPPING, strlen(MAPPING), "small.json", err, sizeof err);
    if (!m)
        fprintf(stderr, "  mapping: %s\n", err);
    return m;
}

/* The statements for m with o, as a NUL-terminated string the caller frees. */
static char *ddl(const sl_mapping *m, const sl_ddl_opts *o)
{
    sl_buf b = { 0 };
    char err[256];
    if (sl_ddl_write(m, o, &b, err, sizeof err) != SL_OK) {
        fprintf(stderr, "  ddl: %s\n", err);
        sl_buf_free(&b);
        return NULL;
    }
    return (char *)b.data;
}

/* 1 when got equals want; otherwise prints both and where they part. */
static int same(const char *got, const char *want)
{
    if (got && strcmp(got, want) == 0)
        return 1;
    size_t i = 0;
    while (got && got[i] && got[i] == want[i])
        i++;
    fprintf(stderr, "  differs at byte %zu\n  got:\n%s\n  want:\n%s\n", i, got ? got : "(null)", want);
    return 0;
}

#define HIVE_COLS(q, str, i32, bin)                                                                              \
    "  " q "id" q " " str ",\n  " q "n" q " " i32 ",\n  " q "big" q " BIGINT,\n  " q "x" q " DOUBLE,\n  " q "ok" q \
    " BOOLEAN,\n  " q "at" q " TIMESTAMP,\n  " q "raw" q " " bin ",\n  " q "day" q " DATE,\n  " q "_topic" q " " str  \
    ",\n  " q "_partition" q " " i32 ",\n  " q "_offset" q " BIGINT,\n  " q "_timestamp" q " TIMESTAMP"

static void test_hive(void)
{
    sl_mapping *m = small();
    REQUIRE(m);
    sl_ddl_opts o = { .dialect = SL_DDL_HIVE, .location = "hdfs://nn/lake", .tenants = 1, .database = "db" };
    char *got = ddl(m, &o);
    CHECK(same(got,
                 "-- sluice ddl: mapping small, dialect hive, lake hdfs://nn/lake\n\n"
                 "CREATE DATABASE IF NOT EXISTS `db`;\n\n"
                 "CREATE EXTERNAL TABLE IF NOT EXISTS `db`.`ev` (\n" HIVE_COLS("`", "STRING", "INT", "BINARY") "\n)\n"
                 "PARTITIONED BY (`tenant` STRING, `dt` STRING)\nSTORED AS PARQUET\n"
                 "LOCATION 'hdfs://nn/lake/ev';\nMSCK REPAIR TABLE `db`.`ev`;\n\n"
                 "CREATE EXTERNAL TABLE IF NOT EXISTS `db`.`_quarantine` (\n"
                 "  `reason` STRING,\n  `payload` BINARY,\n  `key` BINARY,\n  `_topic` STRING,\n  `_partition` INT,\n"
                 "  `_offset` BIGINT,\n  `_timestamp` TIMESTAMP\n)\n"
                 "PARTITIONED BY (`dt` STRING)\nSTORED AS PARQUET\n"
                 "LOCATION 'hdfs://nn/lake/_quarantine';\nMSCK REPAIR TABLE `db`.`_quarantine`;\n\n"));
    free(got);
    sl_mapping_destroy(m);
}

static void test_spark_one_tenant(void)
{
    sl_mapping *m = small();
    REQUIRE(m);
    sl_ddl_opts o = { .dialect = SL_DDL_SPARK, .location = "file:///data/lake", .tenants = 1, .tenant = "acme" };
    char *got = ddl(m, &o);
    CHECK(same(got,
                 "-- sluice ddl: mapping small, dialect spark, lake file:///data/lake, tenant acme (its folders only; "
                 "no _quarantine: it holds every tenant's bad messages)\n\n"
                 "CREATE TABLE IF NOT EXISTS `ev` (\n" HIVE_COLS("`", "STRING", "INT", "BINARY") ",\n  `dt` STRING\n)\n"
                 "USING PARQUET\nPARTITIONED BY (`dt`)\n"
                 "LOCATION 'file:///data/lake/ev/tenant=acme';\nMSCK REPAIR TABLE `ev`;\n\n"));
    free(got);
    sl_mapping_destroy(m);
}

static void test_trino(void)
{
    sl_mapping *m = small();
    REQUIRE(m);
    sl_ddl_opts o = { .dialect = SL_DDL_TRINO, .location = "hdfs://nn/lake", .tenants = 1, .database = "hive.web" };
    char *got = ddl(m, &o);
    CHECK(same(got,
                 "-- sluice ddl: mapping small, dialect trino, lake hdfs://nn/lake\n"
                 "-- TIMESTAMP columns hold UTC instants; set hive.timestamp-precision=MICROSECONDS on the\n"
                 "-- catalog to read them to the microsecond (Trino's default is milliseconds)\n\n"
                 "CREATE TABLE IF NOT EXISTS \"hive\".\"web\".\"ev\" (\n" HIVE_COLS("\"", "VARCHAR", "INTEGER", "VARBINARY")
                 ",\n  \"tenant\" VARCHAR,\n  \"dt\" VARCHAR\n)\n"
                 "WITH (\n  format = 'PARQUET',\n  external_location = 'hdfs://nn/lake/ev',\n"
                 "  partitioned_by = ARRAY['tenant', 'dt']\n);\n"
                 "CALL hive.system.sync_partition_metadata('web', 'ev', 'ADD');\n\n"
                 "CREATE TABLE IF NOT EXISTS \"hive\".\"web\".\"_quarantine\" (\n"
                 "  \"reason\" VARCHAR,\n  \"payload\" VARBINARY,\n  \"key\" VARBINARY,\n  \"_topic\" VARCHAR,\n"
                 "  \"_partition\" INTEGER,\n  \"_offset\" BIGINT,\n  \"_timestamp\" TIMESTAMP,\n  \"dt\" VARCHAR\n)\n"
                 "WITH (\n  format = 'PARQUET',\n  external_location = 'hdfs://nn/lake/_quarantine',\n"
                 "  partitioned_by = ARRAY['dt']\n);\n"
                 "CALL hive.system.sync_partition_metadata('web', '_quarantine', 'ADD');\n\n"));
    free(got);
    sl_mapping_destroy(m);
}

static void test_duckdb(void)
{
    sl_mapping *m = small();
    REQUIRE(m);
    sl_ddl_opts o = { .dialect = SL_DDL_DUCKDB, .location = "/data/lake", .empty_tables = 1ull << 1 };
    char *got = ddl(m, &o);
    CHECK(same(got, "-- sluice ddl: mapping small, dialect duckdb, lake /data/lake\n\n"
                      "CREATE OR REPLACE VIEW \"ev\" AS SELECT * FROM read_parquet('/data/lake/ev/**/*.parquet', "
                      "hive_partitioning = true);\n\n"
                      "-- _quarantine has no files yet: run this once it has\n"
                      "-- CREATE OR REPLACE VIEW \"_quarantine\" AS SELECT * FROM "
                      "read_parquet('/data/lake/_quarantine/**/*.parquet', hive_partitioning = true);\n\n"));
    free(got);
    o.tenant = "t-1";
    o.database = "s";
    o.empty_tables = 0;
    got = ddl(m, &o);
    CHECK(got && strstr(got, "CREATE SCHEMA IF NOT EXISTS \"s\";\n\nCREATE OR REPLACE VIEW \"s\".\"ev\" AS SELECT * "
                             "FROM read_parquet('/data/lake/ev/tenant=t-1/**/*.parquet', hive_partitioning = true);\n"));
    CHECK(got && !strstr(got, "VIEW \"s\".\"_quarantine\""));
    free(got);
    sl_mapping_destroy(m);
}

static void test_refusals(void)
{
    sl_mapping *m = small();
    REQUIRE(m);
    sl_buf b = { 0 };
    char err[256];
    sl_ddl_opts o = { .dialect = SL_DDL_HIVE, .location = "hdfs://nn/la'ke" };
    CHECK_EQ_INT(sl_ddl_write(m, &o, &b, err, sizeof err), SL_ERR_INVALID);
    CHECK(strstr(err, "la'ke") != NULL);
    o.location = "hdfs://nn/lake";
    o.tenant = "../b";
    CHECK_EQ_INT(sl_ddl_write(m, &o, &b, err, sizeof err), SL_ERR_INVALID);
    CHECK(strstr(err, "not a tenant id") != NULL);
    o.tenant = NULL;
    o.database = "a.b"; /* catalog.schema is Trino's only */
    CHECK_EQ_INT(sl_ddl_write(m, &o, &b, err, sizeof err), SL_ERR_INVALID);
    o.database = "a`b";
    o.dialect = SL_DDL_SPARK;
    CHECK_EQ_INT(sl_ddl_write(m, &o, &b, err, sizeof err), SL_ERR_INVALID);
    CHECK_EQ_INT(b.len, 0);
    sl_buf_free(&b);
    sl_ddl_dialect d;
    CHECK_EQ_INT(sl_ddl_dialect_parse("trino", &d), 0);
    CHECK_EQ_INT(d, SL_DDL_TRINO);
    CHECK_EQ_INT(sl_ddl_dialect_parse("mysql", &d), -1);
    sl_mapping_destroy(m);
}

static void check_location(const char *uri, sl_ddl_dialect d, const char *base, sl_err want_e, const char *want)
{
    sl_buf b = { 0 };
    char err[256];
    sl_err e = sl_ddl_location(uri, d, base, &b, err, sizeof err);
    CHECK_EQ_INT(e, want_e);
    if (e == SL_OK && want)
        CHECK_EQ_STR((const char *)b.data, want);
    sl_buf_free(&b);
}

static void test_location(void)
{
    check_location("webhdfs://nn1:9870,nn2:9870/data/lake/", SL_DDL_HIVE, NULL, SL_OK, "hdfs://nn1/data/lake");
    check_location("swebhdfs://nn1:9871/data/lake", SL_DDL_TRINO, "hdfs://prod", SL_OK, "hdfs://prod/data/lake");
    check_location("webhdfs://nn1:9870/lake", SL_DDL_DUCKDB, NULL, SL_ERR_UNSUPPORTED, NULL);
    check_location("/data/lake", SL_DDL_SPARK, NULL, SL_OK, "file:///data/lake");
    check_location("file:///data/lake/", SL_DDL_HIVE, NULL, SL_OK, "file:///data/lake");
    check_location("file:///data/lake", SL_DDL_DUCKDB, NULL, SL_OK, "/data/lake");
    check_location("s3://bucket/lake", SL_DDL_HIVE, NULL, SL_ERR_INVALID, NULL);
    char cwd[4096], want[4200];
    REQUIRE(getcwd(cwd, sizeof cwd));
    snprintf(want, sizeof want, "file://%s/rel/lake", cwd);
    check_location("./rel/lake", SL_DDL_HIVE, NULL, SL_OK, want);
}

/* ---- tenant sources ---- */

static int extract(const char *spec, const char *msg, const sl_origin *origin, char *id, char *reason)
{
    sl_tenant_from tf;
    char err[256];
    id[0] = reason[0] = 0;
    if (sl_tenant_from_parse(spec, &tf, err, sizeof err) != SL_OK)
        return -2;
    sl_tenant_extractor *x = sl_tenant_extractor_new(&tf, err, sizeof err);
    if (!x)
        return -3;
    const char *p;
    size_t n;
    int r = sl_tenant_extract(x, msg, strlen(msg), origin, &p, &n, reason, 256);
    if (r == 0)
        snprintf(id, 80, "%.*s", (int)n, p);
    sl_tenant_extractor_destroy(x);
    return r;
}

static void test_tenant_parse(void)
{
    sl_tenant_from tf;
    char err[256];
    CHECK_EQ_INT(sl_tenant_from_parse("header:tenant", &tf, err, sizeof err), SL_OK);
    CHECK_EQ_INT(tf.src, SL_TENANT_HEADER);
    CHECK_EQ_STR(tf.arg, "tenant");
    CHECK_EQ_INT(sl_tenant_from_parse("field:a.b", &tf, err, sizeof err), SL_OK);
    CHECK_EQ_INT(tf.src, SL_TENANT_FIELD);
    CHECK_EQ_INT(sl_tenant_from_parse("key-prefix", &tf, err, sizeof err), SL_OK);
    CHECK_EQ_INT(sl_tenant_from_parse("topic-suffix", &tf, err, sizeof err), SL_OK);
    CHECK_EQ_INT(tf.src, SL_TENANT_TOPIC_SUFFIX);
    const char *bad[] = { "header:", "field:", "field:.a", "field:a.", "field:a..b", "key", "Header:x", "" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK_EQ_INT(sl_tenant_from_parse(bad[i], &tf, err, sizeof err), SL_ERR_INVALID);
    CHECK(strstr(err, "--tenant-from wants") != NULL);

    CHECK(sl_tenant_valid("acme", 4));
    CHECK(sl_tenant_valid("a_b-9", 5));
    char x65[66];
    memset(x65, 'x', 65);
    CHECK(sl_tenant_valid(x65, 64));
    CHECK(!sl_tenant_valid(x65, 65));
    const char *hostile[] = { "", "..", ".", "../b", "b/../../a", "/", "a/b", "ACME", "a b", "a\\b", "tenant=x", "é" };
    for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++)
        CHECK(!sl_tenant_valid(hostile[i], strlen(hostile[i])));
    CHECK(!sl_tenant_valid("a\0b", 3));
}

static void test_tenant_header(void)
{
    sl_header h[3] = { { "other", "x", 1 }, { "tenant", "acme", 4 }, { "tenant", "globex", 6 } };
    sl_origin o = { .topic = "att", .headers = h, .header_count = 3 };
    char id[80], reason[256];
    CHECK_EQ_INT(extract("header:tenant", "{}", &o, id, reason), 0);
    CHECK_EQ_STR(id, "acme"); /* the first header of that name */
    h[1].value = "../b";
    h[1].value_len = 4;
    CHECK_EQ_INT(extract("header:tenant", "{}", &o, id, reason), -1);
    CHECK_EQ_STR(reason, "tenant: header 'tenant' is \"../b\", not a tenant id ([a-z0-9_-]{1,64})");
    h[1].value = "a\nb\x01";
    h[1].value_len = 4;
    CHECK_EQ_INT(extract("header:tenant", "{}", &o, id, reason), -1);
    CHECK_EQ_STR(reason, "tenant: header 'tenant' is \"a\\x0ab\\x01\", not a tenant id ([a-z0-9_-]{1,64})");
    h[1].value = NULL;
    CHECK_EQ_INT(extract("header:tenant", "{}", &o, id, reason), -1);
    CHECK_EQ_STR(reason, "tenant: header 'tenant' has no value");
    o.header_count = 1;
    CHECK_EQ_INT(extract("header:tenant", "{}", &o, id, reason), -1);
    CHECK_EQ_STR(reason, "tenant: the message has no header 'tenant'");
}

static void test_tenant_key_topic(void)
{
    sl_origin o = { .topic = "attempts.acme", .key = "globex:123/4", .key_len = 12 };
    char id[80], reason[256];
    CHECK_EQ_INT(extract("key-prefix", "{}", &o, id, reason), 0);
    CHECK_EQ_STR(id, "globex");
    o.key = "initech/9:1";
    o.key_len = 11;
    CHECK_EQ_INT(extract("key-prefix", "{}", &o, id, reason), 0);
    CHECK_EQ_STR(id, "initech");
    o.key = "../b:1";
    o.key_len = 6;
    CHECK_EQ_INT(extract("key-prefix", "{}", &o, id, reason), -1); /* prefix ".." */
    CHECK_EQ_STR(reason, "tenant: the key prefix is \"..\", not a tenant id ([a-z0-9_-]{1,64})");
    o.key = ":x";
    o.key_len = 2;
    CHECK_EQ_INT(extract("key-prefix", "{}", &o, id, reason), -1);
    o.key = "plain";
    o.key_len = 5;
    CHECK_EQ_INT(extract("key-prefix", "{}", &o, id, reason), -1);
    CHECK_EQ_STR(reason, "tenant: key \"plain\" has no ':' or '/' after a tenant id");
    o.key = NULL;
    CHECK_EQ_INT(extract("key-prefix", "{}", &o, id, reason), -1);

    CHECK_EQ_INT(extract("topic-suffix", "{}", &o, id, reason), 0);
    CHECK_EQ_STR(id, "acme");
    o.topic = "events-v2.globex-eu";
    CHECK_EQ_INT(extract("topic-suffix", "{}", &o, id, reason), 0);
    CHECK_EQ_STR(id, "eu"); /* after the LAST '.' or '-' */
    o.topic = "attempts.";
    CHECK_EQ_INT(extract("topic-suffix", "{}", &o, id, reason), -1);
    o.topic = "attempts.ACME";
    CHECK_EQ_INT(extract("topic-suffix", "{}", &o, id, reason), -1);
    CHECK_EQ_STR(reason, "tenant: the suffix of topic 'attempts.ACME' is \"ACME\", not a tenant id ([a-z0-9_-]{1,64})");
    o.topic = "attempts";
    CHECK_EQ_INT(extract("topic-suffix", "{}", &o, id, reason), -1);
    CHECK_EQ_STR(reason, "tenant: topic 'attempts' has no '.' or '-' before a tenant id");
}

static void test_tenant_field(void)
{
    char id[80], reason[256];
    CHECK_EQ_INT(extract("field:org", "{\"a\":1,\"org\":\"acme\"}", NULL, id, reason), 0);
    CHECK_EQ_STR(id, "acme");
    CHECK_EQ_INT(extract("field:m.org", "{\"m\":{\"org\":\"g-1\"}}", NULL, id, reason), 0);
    CHECK_EQ_STR(id, "g-1");
    /* an escaped slash is still a slash */
    CHECK_EQ_INT(extract("field:org", "{\"org\":\"b\\/..\\/..\\/a\"}", NULL, id, reason), -1);
    CHECK_EQ_STR(reason, "tenant: field org is \"b/../../a\", not a tenant id ([a-z0-9_-]{1,64})");
    CHECK_EQ_INT(extract("field:org", "{\"org\":\"\"}", NULL, id, reason), -1);
    CHECK_EQ_INT(extract("field:org", "{\"org\":null}", NULL, id, reason), -1);
    CHECK_EQ_STR(reason, "tenant: field org is null");
    CHECK_EQ_INT(extract("field:org", "{\"org\":7}", NULL, id, reason), -1);
    CHECK_EQ_STR(reason, "tenant: field org is not a string");
    CHECK_EQ_INT(extract("field:m.org", "{\"m\":[1]}", NULL, id, reason), -1);
    CHECK_EQ_STR(reason, "tenant: field m.org is missing");
    CHECK_EQ_INT(extract("field:org", "[\"org\"]", NULL, id, reason), -1);
    CHECK_EQ_INT(extract("field:org", "{\"org\":", NULL, id, reason), -1);
    CHECK(strncmp(reason, "tenant: field org: invalid JSON: ", 33) == 0);
    char long_id[200];
    snprintf(long_id, sizeof long_id, "{\"org\":\"%0100d\"}", 0);
    CHECK_EQ_INT(extract("field:org", long_id, NULL, id, reason), -1);
    CHECK(strstr(reason, "...\", not a tenant id") != NULL); /* shown cut */
}

int main(void)
{
    T_RUN(test_hive);
    T_RUN(test_spark_one_tenant);
    T_RUN(test_trino);
    T_RUN(test_duckdb);
    T_RUN(test_refusals);
    T_RUN(test_location);
    T_RUN(test_tenant_parse);
    T_RUN(test_tenant_header);
    T_RUN(test_tenant_key_topic);
    T_RUN(test_tenant_field);
    return t_done();
}
