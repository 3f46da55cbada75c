/* test_lake.c: lake naming, manifests, dedupe sidecars and crash recovery
 * (src/lake/lake.c). Crashes are simulated by building the exact state the
 * commit protocol leaves at each step, then running recovery on it. */
#include "lake/lake.h"
#include "t.h"

#include <stdlib.h>
#include <unistd.h>

static char tmproot[256];

static sl_store *fresh_lake(void)
{
    snprintf(tmproot, sizeof tmproot, "/tmp/sl_test_lake_XXXXXX");
    if (!mkdtemp(tmproot)) {
        perror("mkdtemp");
        exit(1);
    }
    char err[256];
    sl_store *s = sl_store_open(tmproot, NULL, err, sizeof err);
    if (!s)
        fprintf(stderr, "open: %s\n", err);
    return s;
}

static void drop_lake(sl_store *s)
{
    sl_store_close(s);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmproot);
    if (system(cmd) != 0)
        fprintf(stderr, "cleanup of %s failed\n", tmproot);
}

static sl_err put(sl_store *s, const char *path, const char *text)
{
    sl_store_file *f;
    char err[256];
    sl_err e = sl_store_create(s, path, &f, err, sizeof err);
    if (e != SL_OK)
        return e;
    sl_out o = sl_store_file_out(f);
    e = o.write(o.ctx, text, strlen(text), err, sizeof err);
    if (e != SL_OK) {
        sl_store_file_abort(f);
        return e;
    }
    return sl_store_file_finish(f, err, sizeof err);
}

static int exists(sl_store *s, const char *path)
{
    sl_store_info st;
    char err[256];
    return sl_store_stat(s, path, &st, err, sizeof err) == SL_OK;
}

static char *text_of(sl_store *s, const char *path)
{
    sl_buf b = { 0 };
    char err[256];
    if (sl_store_read_all(s, path, &b, err, sizeof err) != SL_OK) {
        sl_buf_free(&b);
        return NULL;
    }
    return b.data ? (char *)b.data : strdup("");
}

static void test_names(void)
{
    char dt[SL_LAKE_DT_MAX];
    sl_lake_dt_format(17554, dt);
    CHECK_EQ_STR(dt, "2018-01-23");
    sl_lake_dt_format(0, dt);
    CHECK_EQ_STR(dt, "1970-01-01");
    sl_lake_dt_format(-1, dt);
    CHECK_EQ_STR(dt, "1969-12-31");
    sl_lake_dt_format(11016, dt);
    CHECK_EQ_STR(dt, "2000-02-29");
    sl_lake_dt_format(INT32_MIN, dt);
    CHECK_EQ_STR(dt, "__HIVE_DEFAULT_PARTITION__");
    CHECK_EQ_INT(sl_lake_day_of_us(INT64_C(1516717399082000)), 17554); /* 2018-01-23T14:23:19.082Z */
    CHECK_EQ_INT(sl_lake_day_of_us(-1), -1);
    CHECK_EQ_INT(sl_lake_day_of_us(0), 0);

    char topic[SL_LAKE_TOPIC_MAX + 1];
    sl_lake_topic_from_path("/data/assessment attempts+x.jsonl", topic, sizeof topic);
    CHECK_EQ_STR(topic, "assessment_attempts_x.jsonl");
    sl_lake_topic_from_path("-", topic, sizeof topic);
    CHECK_EQ_STR(topic, "stdin");
    sl_lake_topic_from_path("dir/sub/", topic, sizeof topic);
    CHECK_EQ_STR(topic, "sub");
    sl_lake_topic_from_path("..", topic, sizeof topic);
    CHECK_EQ_STR(topic, "_");
    sl_lake_topic_from_path("caf\xc3\xa9.json", topic, sizeof topic);
    CHECK_EQ_STR(topic, "caf__.json");
    CHECK(sl_lake_topic_valid("assessments.v1-x_y"));
    CHECK(!sl_lake_topic_valid("a+b"));
    CHECK(!sl_lake_topic_valid("a/b"));
    CHECK(!sl_lake_topic_valid(".."));
    CHECK(!sl_lake_topic_valid(""));
    CHECK(sl_lake_table_valid("assessments"));
    CHECK(sl_lake_table_valid("_quarantine"));
    CHECK(!sl_lake_table_valid("_sluice"));
    CHECK(!sl_lake_table_valid("a.b"));
    CHECK(!sl_lake_table_valid("a/b"));

    sl_buf b = { 0 };
    CHECK_EQ_INT(sl_lake_dir(&b, "options", NULL, 17554), SL_OK);
    CHECK_EQ_STR((char *)b.data, "options/dt=2018-01-23");
    b.len = 0;
    CHECK_EQ_INT(sl_lake_dir(&b, "options", "acme", INT32_MIN), SL_OK);
    CHECK_EQ_STR((char *)b.data, "options/tenant=acme/dt=__HIVE_DEFAULT_PARTITION__");
    b.len = 0;
    CHECK_EQ_INT(sl_lake_final_name(&b, "attempts", 3, 100, 199, "zstd"), SL_OK);
    CHECK_EQ_STR((char *)b.data, "attempts+3+100+199.zstd.parquet");
    b.len = 0;
    CHECK_EQ_INT(sl_lake_tmp_name(&b, "attempts", 3, 100, "zstd"), SL_OK);
    CHECK_EQ_STR((char *)b.data, "_tmp.attempts+3+100.zstd.inprogress");
    CHECK(sl_lake_is_tmp_of((char *)b.data, "attempts", 3));
    CHECK(!sl_lake_is_tmp_of((char *)b.data, "attempts", 30));
    CHECK(!sl_lake_is_tmp_of((char *)b.data, "attempt", 3));
    CHECK(!sl_lake_is_tmp_of("_tmp.attempts+3+100.zstd.parquet", "attempts", 3));
    CHECK(!sl_lake_is_tmp_of("attempts+3+100+199.zstd.parquet", "attempts", 3));
    b.len = 0;
    CHECK_EQ_INT(sl_lake_manifest_path(&b, "attempts", 3, 100, 199), SL_OK);
    CHECK_EQ_STR((char *)b.data, "_sluice/manifests/attempts/3/00000000000000000100-00000000000000000199.json");
    b.len = 0;
    CHECK_EQ_INT(sl_lake_dedupe_path(&b, "attempts", 3, 0, 6), SL_OK);
    CHECK_EQ_STR((char *)b.data, "_sluice/dedupe/attempts/3/00000000000000000000-00000000000000000006.keys");
    sl_buf_free(&b);

    int64_t f, l;
    CHECK(sl_lake_range_name_parse("00000000000000000100-00000000000000000199.json", ".json", &f, &l));
    CHECK_EQ_INT(f, 100);
    CHECK_EQ_INT(l, 199);
    CHECK(!sl_lake_range_name_parse("00000000000000000100-00000000000000000199.json", ".keys", &f, &l));
    CHECK(!sl_lake_range_name_parse("00000000000000000200-00000000000000000199.json", ".json", &f, &l));
    CHECK(!sl_lake_range_name_parse("0000000000000000010-00000000000000000199.json", ".json", &f, &l));
    CHECK(!sl_lake_range_name_parse(".00000000000000000100-00000000000000000199.json.1.2.tmp", ".json", &f, &l));
    CHECK(!sl_lake_range_name_parse("99999999999999999999-99999999999999999999.json", ".json", &f, &l));
}

static const sl_lake_table_rows rows3[] = { { "assessments", 7 }, { "questions", 40 }, { "_quarantine", 1 } };

static sl_lake_manifest sample_manifest(const sl_lake_file_entry *files, size_t nfiles, int64_t first,
                                        int64_t last)
{
    sl_lake_manifest m = { 0 };
    m.topic = "t1";
    m.partition = 0;
    m.first = first;
    m.last = last;
    m.messages = (uint64_t)(last - first + 1);
    m.quarantined = 1;
    m.duplicates = 2;
    m.extra_keys = 3;
    m.mapping = "assess\"ments\\\n";
    m.wall_time_ms = INT64_C(1700000000123);
    m.dedupe = "_sluice/dedupe/t1/0/x.keys";
    m.dedupe_keys = 4;
    m.tables = rows3;
    m.ntables = 3;
    m.files = files;
    m.nfiles = nfiles;
    return m;
}

static void test_manifest_roundtrip_and_errors(void)
{
    sl_lake_file_entry files[2] = {
        { "assessments", "assessments/dt=2018-01-23/_tmp.t1+0+0.zstd.inprogress",
          "assessments/dt=2018-01-23/t1+0+0+9.zstd.parquet", 7, 1234 },
        { "_quarantine", "_quarantine/dt=2024-01-01/_tmp.t1+0+0.zstd.inprogress",
          "_quarantine/dt=2024-01-01/t1+0+0+9.zstd.parquet", 1, 99 },
    };
    sl_lake_manifest m = sample_manifest(files, 2, 0, 9);
    sl_buf b = { 0 };
    REQUIRE(sl_lake_manifest_encode(&m, &b) == SL_OK);
    CHECK(strstr((char *)b.data, "\"wall_time\":\"2023-11-14T22:13:20.123Z\"") != NULL);
    sl_lake_manifest r;
    char err[256] = "";
    sl_err e = sl_lake_manifest_parse((char *)b.data, b.len, "x.json", &r, err, sizeof err);
    if (e != SL_OK)
        fprintf(stderr, "  parse: %s\n", err);
    REQUIRE(e == SL_OK);
    CHECK_EQ_STR(r.topic, "t1");
    CHECK_EQ_INT(r.first, 0);
    CHECK_EQ_INT(r.last, 9);
    CHECK_EQ_INT(r.messages, 10);
    CHECK_EQ_INT(r.quarantined, 1);
    CHECK_EQ_INT(r.duplicates, 2);
    CHECK_EQ_INT(r.extra_keys, 3);
    CHECK_EQ_STR(r.mapping, "assess\"ments\\\n");
    CHECK_EQ_STR(r.sluice_version, sl_version());
    CHECK_EQ_INT(r.wall_time_ms, INT64_C(1700000000123));
    CHECK_EQ_STR(r.dedupe, "_sluice/dedupe/t1/0/x.keys");
    CHECK_EQ_INT(r.dedupe_keys, 4);
    REQUIRE(r.ntables == 3);
    CHECK_EQ_STR(r.tables[1].table, "questions");
    CHECK_EQ_INT(r.tables[1].rows, 40);
    REQUIRE(r.nfiles == 2);
    CHECK_EQ_STR(r.files[1].final, "_quarantine/dt=2024-01-01/t1+0+0+9.zstd.parquet");
    CHECK_EQ_STR(r.files[0].tmp, "assessments/dt=2018-01-23/_tmp.t1+0+0.zstd.inprogress");
    CHECK_EQ_INT(r.files[0].bytes, 1234);
    CHECK_EQ_INT(r.files[1].rows, 1);
    sl_lake_manifest_free(&r);
    CHECK(r.topic == NULL);
    sl_buf_free(&b);

    /* Errors name the source and the field. */
    struct { const char *text; const char *want; } bad[] = {
        { "[1]", "x.json: manifest: expected a JSON object" },
        { "{\"format\":1,\"topic\":\"t\",\"partition\":0,\"first\":0,\"last\":1}", "x.json: files: missing" },
        { "{\"format\":2,\"topic\":\"t\",\"partition\":0,\"first\":0,\"last\":1,\"files\":[]}",
          "manifest format 2 is not supported" },
        { "{\"format\":1,\"topic\":\"t\",\"partition\":0,\"first\":5,\"last\":1,\"files\":[]}",
          "first/last: not a valid offset range" },
        { "{\"format\":1,\"topic\":\"t\",\"partition\":0,\"first\":0,\"last\":1,\"files\":[{\"table\":\"a\","
          "\"tmp\":\"x\",\"final\":\"y\",\"rows\":-1,\"bytes\":2}]}",
          "x.json: files[0].rows: expected a non-negative integer" },
        { "{\"format\":1,\"topic\":\"t\",\"partition\":0,\"first\":0,\"last\":1,\"files\":[{\"table\":\"a\"}]}",
          "files[0]: needs table, tmp, final, rows and bytes" },
        { "{\"format\":1,\"topic\":7}", "x.json: topic: expected a string" },
        { "{\"format\":1,", "x.json: not valid JSON" },
        { "", "x.json: not valid JSON" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        e = sl_lake_manifest_parse(bad[i].text, strlen(bad[i].text), "x.json", &r, err, sizeof err);
        CHECK(e != SL_OK);
        if (!strstr(err, bad[i].want))
            fprintf(stderr, "  case %zu: got \"%s\", want \"%s\"\n", i, err, bad[i].want);
        CHECK(strstr(err, bad[i].want) != NULL);
        CHECK(r.topic == NULL && r.files == NULL);
    }
}

static int count_cb(void *ctx, const char *path, const sl_lake_manifest *m)
{
    (void)path;
    int64_t *sum = ctx;
    *sum += (int64_t)m->messages;
    return 0;
}

static void test_manifest_newest_and_each(void)
{
    sl_store *s = fresh_lake();
    REQUIRE(s);
    char err[256];
    sl_lake_manifest m;
    int found = 7;
    CHECK_EQ_INT(sl_lake_manifest_newest(s, "t1", 0, &m, &found, err, sizeof err), SL_OK);
    CHECK_EQ_INT(found, 0);
    sl_lake_manifest a = sample_manifest(NULL, 0, 0, 9), b = sample_manifest(NULL, 0, 10, 99),
                     c = sample_manifest(NULL, 0, 100, 100);
    CHECK_EQ_INT(sl_lake_manifest_write(s, &b, err, sizeof err), SL_OK);
    CHECK_EQ_INT(sl_lake_manifest_write(s, &c, err, sizeof err), SL_OK);
    CHECK_EQ_INT(sl_lake_manifest_write(s, &a, err, sizeof err), SL_OK);
    CHECK_EQ_INT(sl_lake_manifest_write(s, &a, err, sizeof err), SL_ERR_EXISTS);
    /* Noise the reader must skip: a put leftover and an unrelated file. */
    CHECK_EQ_INT(put(s, "_sluice/manifests/t1/0/.99999999999999999999-99999999999999999999.json.1.2.tmp", "{"),
                 SL_OK);
    CHECK_EQ_INT(put(s, "_sluice/manifests/t1/0/zzz", "x"), SL_OK);
    CHECK_EQ_INT(sl_lake_manifest_newest(s, "t1", 0, &m, &found, err, sizeof err), SL_OK);
    CHECK_EQ_INT(found, 1);
    CHECK_EQ_INT(m.first, 100);
    CHECK_EQ_INT(m.last, 100);
    sl_lake_manifest_free(&m);
    CHECK_EQ_INT(sl_lake_manifest_newest(s, "t1", 1, &m, &found, err, sizeof err), SL_OK);
    CHECK_EQ_INT(found, 0);

    sl_lake_manifest d = sample_manifest(NULL, 0, 0, 4);
    d.partition = 2;
    CHECK_EQ_INT(sl_lake_manifest_write(s, &d, err, sizeof err), SL_OK);
    int64_t sum = 0;
    CHECK_EQ_INT(sl_lake_manifest_each(s, count_cb, &sum, err, sizeof err), SL_OK);
    CHECK_EQ_INT(sum, 10 + 90 + 1 + 5);

    /* A manifest whose content contradicts its name is refused. */
    CHECK_EQ_INT(put(s, "_sluice/manifests/t2/0/00000000000000000000-00000000000000000005.json",
                     "{\"format\":1,\"topic\":\"t2\",\"partition\":0,\"first\":0,\"last\":6,\"files\":[]}"),
                 SL_OK);
    CHECK_EQ_INT(sl_lake_manifest_newest(s, "t2", 0, &m, &found, err, sizeof err), SL_ERR_CORRUPT);
    CHECK(strstr(err, "does not match its name") != NULL);
    drop_lake(s);
}

/* The state a range [first, last] of topic t1 partition 0 has after step 2 of
 * the commit protocol: two table files durable under temporary names. */
static void write_temps(sl_store *s, int64_t first)
{
    char p[256];
    snprintf(p, sizeof p, "assessments/dt=2018-01-23/_tmp.t1+0+%lld.zstd.inprogress", (long long)first);
    CHECK_EQ_INT(put(s, p, "AAAA"), SL_OK);
    snprintf(p, sizeof p, "options/tenant=acme/dt=__HIVE_DEFAULT_PARTITION__/_tmp.t1+0+%lld.zstd.inprogress",
             (long long)first);
    CHECK_EQ_INT(put(s, p, "OOOOOO"), SL_OK);
}

static sl_lake_manifest range_manifest(sl_lake_file_entry *files, char names[4][200], int64_t first,
                                       int64_t last)
{
    snprintf(names[0], 200, "assessments/dt=2018-01-23/_tmp.t1+0+%lld.zstd.inprogress", (long long)first);
    snprintf(names[1], 200, "assessments/dt=2018-01-23/t1+0+%lld+%lld.zstd.parquet", (long long)first,
             (long long)last);
    snprintf(names[2], 200, "options/tenant=acme/dt=__HIVE_DEFAULT_PARTITION__/_tmp.t1+0+%lld.zstd.inprogress",
             (long long)first);
    snprintf(names[3], 200, "options/tenant=acme/dt=__HIVE_DEFAULT_PARTITION__/t1+0+%lld+%lld.zstd.parquet",
             (long long)first, (long long)last);
    files[0] = (sl_lake_file_entry){ "assessments", names[0], names[1], 1, 4 };
    files[1] = (sl_lake_file_entry){ "options", names[2], names[3], 1, 6 };
    sl_lake_manifest m = sample_manifest(files, 2, first, last);
    m.dedupe = NULL;
    return m;
}

static const char *const tables[] = { "assessments", "questions", "options", "_quarantine" };

static void test_recover_empty_and_rollback(void)
{
    sl_store *s = fresh_lake();
    REQUIRE(s);
    char err[256];
    sl_lake_recovery r;
    CHECK_EQ_INT(sl_lake_recover(s, "t1", 0, tables, 4, &r, err, sizeof err), SL_OK);
    CHECK_EQ_INT(r.resume, -1);
    CHECK_EQ_INT(r.rolled_back, 0);

    /* Crash during step 2 of the first range: temporaries, an orphan sidecar, a
     * half-written manifest put. Also another partition's temporary and a final file
     * that must both stay. */
    write_temps(s, 0);
    CHECK_EQ_INT(put(s, "assessments/dt=2018-01-24/_tmp.t1+1+0.zstd.inprogress", "other partition"), SL_OK);
    CHECK_EQ_INT(put(s, "assessments/dt=2018-01-24/t0+0+0+5.zstd.parquet", "other topic"), SL_OK);
    CHECK_EQ_INT(put(s, "_sluice/dedupe/t1/0/00000000000000000000-00000000000000000009.keys", "x"), SL_OK);
    CHECK_EQ_INT(put(s, "_sluice/manifests/t1/0/.00000000000000000000-00000000000000000009.json.1.2.tmp", "{"),
                 SL_OK);
    CHECK_EQ_INT(sl_lake_recover(s, "t1", 0, tables, 4, &r, err, sizeof err), SL_OK);
    CHECK_EQ_INT(r.resume, -1);
    CHECK_EQ_INT(r.rolled_forward, 0);
    CHECK_EQ_INT(r.rolled_back, 4);
    CHECK(!exists(s, "assessments/dt=2018-01-23/_tmp.t1+0+0.zstd.inprogress"));
    CHECK(!exists(s, "options/tenant=acme/dt=__HIVE_DEFAULT_PARTITION__/_tmp.t1+0+0.zstd.inprogress"));
    CHECK(!exists(s, "_sluice/dedupe/t1/0/00000000000000000000-00000000000000000009.keys"));
    CHECK(!exists(s, "_sluice/manifests/t1/0/.00000000000000000000-00000000000000000009.json.1.2.tmp"));
    CHECK(exists(s, "assessments/dt=2018-01-24/_tmp.t1+1+0.zstd.inprogress"));
    CHECK(exists(s, "assessments/dt=2018-01-24/t0+0+0+5.zstd.parquet"));

    /* Range [0,9] committed completely; crash in step 2 of range [10,19]. */
    sl_lake_file_entry files[2];
    char names[4][200];
    sl_lake_manifest m = range_manifest(files, names, 0, 9);
    CHECK_EQ_INT(put(s, names[1], "AAAA"), SL_OK);
    CHECK_EQ_INT(put(s, names[3], "OOOOOO"), SL_OK);
    uint64_t h[2] = { 1, 2 };
    CHECK_EQ_INT(sl_lake_dedupe_write(s, "_sluice/dedupe/t1/0/00000000000000000000-00000000000000000009.keys", h,
                                      2, err, sizeof err),
                 SL_OK);
    CHECK_EQ_INT(sl_lake_manifest_write(s, &m, err, sizeof err), SL_OK);
    write_temps(s, 10);
    CHECK_EQ_INT(sl_lake_dedupe_write(s, "_sluice/dedupe/t1/0/00000000000000000010-00000000000000000019.keys", h,
                                      2, err, sizeof err),
                 SL_OK);
    CHECK_EQ_INT(sl_lake_recover(s, "t1", 0, tables, 4, &r, err, sizeof err), SL_OK);
    CHECK_EQ_INT(r.resume, 10);
    CHECK_EQ_INT(r.rolled_forward, 0);
    CHECK_EQ_INT(r.rolled_back, 3);
    CHECK(exists(s, names[1]));
    CHECK(exists(s, names[3]));
    CHECK(!exists(s, "assessments/dt=2018-01-23/_tmp.t1+0+10.zstd.inprogress"));
    CHECK(exists(s, "_sluice/dedupe/t1/0/00000000000000000000-00000000000000000009.keys"));
    CHECK(!exists(s, "_sluice/dedupe/t1/0/00000000000000000010-00000000000000000019.keys"));
    /* Idempotent. */
    CHECK_EQ_INT(sl_lake_recover(s, "t1", 0, tables, 4, &r, err, sizeof err), SL_OK);
    CHECK_EQ_INT(r.resume, 10);
    CHECK_EQ_INT(r.rolled_back + r.rolled_forward, 0);
    CHECK_EQ_INT(sl_lake_recover(s, "t+1", 0, tables, 4, &r, err, sizeof err), SL_ERR_INVALID);
    drop_lake(s);
}

static void test_recover_roll_forward(void)
{
    sl_store *s = fresh_lake();
    REQUIRE(s);
    char err[256];
    sl_lake_recovery r;
    sl_lake_file_entry files[2];
    char names[4][200];

    /* Crash after the manifest, before any rename: both roll forward. */
    sl_lake_manifest m = range_manifest(files, names, 0, 9);
    write_temps(s, 0);
    CHECK_EQ_INT(sl_lake_manifest_write(s, &m, err, sizeof err), SL_OK);
    CHECK_EQ_INT(sl_lake_recover(s, "t1", 0, tables, 4, &r, err, sizeof err), SL_OK);
    CHECK_EQ_INT(r.resume, 10);
    CHECK_EQ_INT(r.rolled_forward, 2);
    CHECK_EQ_INT(r.rolled_back, 0);
    char *t = text_of(s, names[1]);
    CHECK_EQ_STR(t, "AAAA");
    free(t);
    t = text_of(s, names[3]);
    CHECK_EQ_STR(t, "OOOOOO");
    free(t);
    CHECK(!exists(s, names[0]));
    CHECK(!exists(s, names[2]));

    /* Next range: crash with renames half done (first renamed, second not), plus a
     * stray temporary of a later attempt in a third folder. */
    sl_lake_file_entry files2[2];
    char names2[4][200];
    sl_lake_manifest m2 = range_manifest(files2, names2, 10, 25);
    write_temps(s, 10);
    CHECK_EQ_INT(sl_lake_manifest_write(s, &m2, err, sizeof err), SL_OK);
    CHECK_EQ_INT(sl_store_rename(s, names2[0], names2[1], err, sizeof err), SL_OK);
    CHECK_EQ_INT(put(s, "_quarantine/dt=2024-05-01/_tmp.t1+0+26.zstd.inprogress", "Q"), SL_OK);
    CHECK_EQ_INT(sl_lake_recover(s, "t1", 0, tables, 4, &r, err, sizeof err), SL_OK);
    CHECK_EQ_INT(r.resume, 26);
    CHECK_EQ_INT(r.rolled_forward, 1);
    CHECK_EQ_INT(r.rolled_back, 1);
    CHECK(exists(s, names2[1]));
    CHECK(exists(s, names2[3]));
    CHECK(!exists(s, names2[2]));
    CHECK(!exists(s, "_quarantine/dt=2024-05-01/_tmp.t1+0+26.zstd.inprogress"));

    /* The link+unlink fallback crashed between its steps: both names exist. */
    CHECK_EQ_INT(put(s, names2[2], "OOOOOO"), SL_OK);
    CHECK_EQ_INT(sl_lake_recover(s, "t1", 0, tables, 4, &r, err, sizeof err), SL_OK);
    CHECK_EQ_INT(r.resume, 26);
    CHECK(!exists(s, names2[2]));
    CHECK(exists(s, names2[3]));
    drop_lake(s);
}

static void test_recover_corrupt(void)
{
    sl_store *s = fresh_lake();
    REQUIRE(s);
    char err[256] = "";
    sl_lake_recovery r;
    sl_lake_file_entry files[2];
    char names[4][200];
    sl_lake_manifest m = range_manifest(files, names, 0, 9);
    /* First file missing under both names. */
    CHECK_EQ_INT(put(s, names[2], "OOOOOO"), SL_OK);
    CHECK_EQ_INT(sl_lake_manifest_write(s, &m, err, sizeof err), SL_OK);
    CHECK_EQ_INT(sl_lake_recover(s, "t1", 0, tables, 4, &r, err, sizeof err), SL_ERR_CORRUPT);
    CHECK(strstr(err, "neither it nor its temporary") != NULL);
    CHECK(strstr(err, names[1]) != NULL);
    /* Present but with the wrong size. */
    CHECK_EQ_INT(put(s, names[0], "AAAAA"), SL_OK);
    CHECK_EQ_INT(sl_lake_recover(s, "t1", 0, tables, 4, &r, err, sizeof err), SL_ERR_CORRUPT);
    CHECK(strstr(err, "has 5 bytes but the manifest says 4") != NULL);
    CHECK(exists(s, names[0]));
    CHECK_EQ_INT(r.resume, -1);
    drop_lake(s);
}

typedef struct got {
    uint64_t h[32];
    size_t n;
} got;

static sl_err got_cb(void *ctx, const uint64_t *hs, size_t n)
{
    got *g = ctx;
    for (size_t i = 0; i < n && g->n < 32; i++)
        g->h[g->n++] = hs[i];
    return SL_OK;
}

static void test_dedupe_sidecars(void)
{
    sl_store *s = fresh_lake();
    REQUIRE(s);
    char err[256];
    uint64_t a[4] = { 1, 2, 3, 4 }, b[4] = { 5, 6, 7, UINT64_MAX }, c[3] = { 9, 10, 11 };
    CHECK_EQ_INT(sl_lake_dedupe_write(s, "_sluice/dedupe/t1/0/00000000000000000000-00000000000000000009.keys", a,
                                      4, err, sizeof err),
                 SL_OK);
    CHECK_EQ_INT(sl_lake_dedupe_write(s, "_sluice/dedupe/t1/0/00000000000000000010-00000000000000000019.keys", b,
                                      4, err, sizeof err),
                 SL_OK);
    CHECK_EQ_INT(sl_lake_dedupe_write(s, "_sluice/dedupe/t1/0/00000000000000000020-00000000000000000029.keys", c,
                                      3, err, sizeof err),
                 SL_OK);
    got g = { { 0 }, 0 };
    CHECK_EQ_INT(sl_lake_dedupe_load(s, "t1", 0, 29, 6, got_cb, &g, err, sizeof err), SL_OK);
    CHECK_EQ_INT(g.n, 6);
    uint64_t want[6] = { 6, 7, UINT64_MAX, 9, 10, 11 };
    CHECK(memcmp(g.h, want, sizeof want) == 0);
    /* Up to offset 19 only, a window bigger than all: everything, in order. */
    g.n = 0;
    CHECK_EQ_INT(sl_lake_dedupe_load(s, "t1", 0, 19, 1000, got_cb, &g, err, sizeof err), SL_OK);
    CHECK_EQ_INT(g.n, 8);
    CHECK(g.h[0] == 1 && g.h[7] == UINT64_MAX);
    g.n = 0;
    CHECK_EQ_INT(sl_lake_dedupe_load(s, "t9", 0, 19, 1000, got_cb, &g, err, sizeof err), SL_OK);
    CHECK_EQ_INT(g.n, 0);
    /* A damaged sidecar is reported, not trusted. */
    CHECK_EQ_INT(put(s, "_sluice/dedupe/t1/0/00000000000000000030-00000000000000000031.keys",
                     "SLDEDUP1\x05\x00\x00\x00\x00\x00\x00\x00........"),
                 SL_OK);
    CHECK_EQ_INT(sl_lake_dedupe_load(s, "t1", 0, 40, 1000, got_cb, &g, err, sizeof err), SL_ERR_CORRUPT);

    /* Hashes: stable, tenant-scoped, length-sensitive. */
    uint64_t h1 = sl_lake_key_hash(NULL, 0, "5a6745820eb8ab00016be1f1", 24);
    CHECK(h1 == sl_lake_key_hash(NULL, 0, "5a6745820eb8ab00016be1f1", 24));
    CHECK(h1 != sl_lake_key_hash("acme", 4, "5a6745820eb8ab00016be1f1", 24));
    CHECK(h1 != sl_lake_key_hash(NULL, 0, "5a6745820eb8ab00016be1f2", 24));
    CHECK(sl_lake_key_hash(NULL, 0, "ab", 2) != sl_lake_key_hash(NULL, 0, "ab\0", 3));
    drop_lake(s);
}

int main(void)
{
    T_RUN(test_names);
    T_RUN(test_manifest_roundtrip_and_errors);
    T_RUN(test_manifest_newest_and_each);
    T_RUN(test_recover_empty_and_rollback);
    T_RUN(test_recover_roll_forward);
    T_RUN(test_recover_corrupt);
    T_RUN(test_dedupe_sidecars);
    return t_done();
}
