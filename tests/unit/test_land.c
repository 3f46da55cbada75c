/* test_land.c: the lander (src/lake/land.c) end to end on the 7 fixture records:
 * rows per table read back with the Parquet reader, duplicates, quarantine,
 * re-landing, due reasons, and crash safety: a child process is killed at every
 * storage operation of a landing in turn, and after recovery + re-landing every
 * message is in the lake exactly once, also with two partitions whose ranges are
 * committed together (sl_lander_commit_many). The same with every storage
 * operation failing in turn, with rows written at commit and on a write thread in
 * the background, and a file write failing on one of two write threads. */
#include "lake/lake.h"
#include "lake/land.h"
#include "map/map.h"
#include "parquet/parquet.h"
#include "t.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FIXTURE "tests/fixtures/assessment-attempts-SAMPLE-offsets0-4_3278-3279.jsonl"

static char tmproot[256];
static char *lines[16];
static size_t line_len[16];
static size_t nlines;

static void load_fixture(void)
{
    FILE *f = fopen(FIXTURE, "r");
    if (!f) {
        perror(FIXTURE);
        exit(1);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0 && nlines < 16) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        lines[nlines] = strndup(line, (size_t)n);
        line_len[nlines++] = (size_t)n;
    }
    free(line);
    fclose(f);
}

/* Lakes live in /dev/shm when there is one: these tests check the protocol
 * against process crashes, where fsync does not matter, and each fsync on a disk
 * costs milliseconds. */
static sl_store *fresh_lake(void)
{
    snprintf(tmproot, sizeof tmproot, "%s/sl_test_land_XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
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

static int delete_entry(void *ctx, const char *name, const sl_store_info *st)
{
    (void)st;
    char err[256];
    if (sl_store_delete(ctx, name, 1, err, sizeof err) != SL_OK)
        fprintf(stderr, "cleanup: %s\n", err);
    return 0;
}

/* Deletes the lake (through the store: no shell, this runs hundreds of times). */
static void drop_lake(sl_store *s)
{
    char err[256];
    sl_store_list(s, "", delete_entry, s, err, sizeof err);
    sl_store_close(s);
    if (rmdir(tmproot) != 0)
        fprintf(stderr, "cleanup of %s failed\n", tmproot);
}

static sl_mapping *mapping(void)
{
    char err[256];
    sl_mapping *m = sl_mapping_load("assessments", err, sizeof err);
    if (!m)
        fprintf(stderr, "mapping: %s\n", err);
    return m;
}

static sl_err add(sl_lander *l, const char *topic, int64_t off, const char *msg, size_t len)
{
    char err[512];
    sl_origin o = { topic, 0, off, SL_TS_NULL, NULL, 0, NULL, 0 };
    sl_err e = sl_lander_add(l, topic, 0, msg, len, &o, err, sizeof err);
    if (e != SL_OK)
        fprintf(stderr, "  add %lld: %s\n", (long long)off, err);
    return e;
}

static int exists(sl_store *s, const char *path)
{
    sl_store_info st;
    char err[256];
    return sl_store_stat(s, path, &st, err, sizeof err) == SL_OK;
}

/* ---- reading the lake back ---- */

static int col_of(const sl_pq_reader *r, const char *name)
{
    for (size_t i = 0; i < sl_pq_reader_ncols(r); i++)
        if (strcmp(sl_pq_reader_column(r, i)->name, name) == 0)
            return (int)i;
    return -1;
}

/* What a walk over a table's final files found. */
typedef struct tally {
    int64_t rows;
    int files;
    int tmp_files;
    int bad;            /* unreadable files */
    char keys[64][32];  /* values of `key_col` (strings), when set */
    int nkeys;
    const char *key_col;
    int64_t offsets_sum;
} tally;

static void tally_file(sl_store *s, const char *path, tally *t)
{
    sl_in in;
    char err[256];
    if (sl_store_open_in(s, path, &in, err, sizeof err) != SL_OK) {
        t->bad++;
        return;
    }
    sl_pq_reader *r = sl_pq_reader_open(&in, err, sizeof err);
    if (!r) {
        fprintf(stderr, "  %s: %s\n", path, err);
        t->bad++;
        sl_store_in_close(&in);
        return;
    }
    t->files++;
    t->rows += sl_pq_reader_nrows(r);
    int kc = t->key_col ? col_of(r, t->key_col) : -1;
    int oc = col_of(r, "_offset");
    for (size_t rg = 0; rg < sl_pq_reader_nrow_groups(r); rg++) {
        int64_t n = sl_pq_reader_row_group_rows(r, rg);
        const sl_value *v;
        if (kc >= 0 && sl_pq_reader_read_column(r, rg, (size_t)kc, &v, err, sizeof err) == SL_OK)
            for (int64_t i = 0; i < n && t->nkeys < 64; i++, t->nkeys++)
                snprintf(t->keys[t->nkeys], sizeof t->keys[0], "%.*s", (int)v[i].u.s.n, v[i].u.s.p);
        if (oc >= 0 && sl_pq_reader_read_column(r, rg, (size_t)oc, &v, err, sizeof err) == SL_OK)
            for (int64_t i = 0; i < n; i++)
                t->offsets_sum += v[i].u.i;
    }
    sl_pq_reader_destroy(r);
    sl_store_in_close(&in);
}

typedef struct walk {
    sl_store *s;
    tally *t;
    char dir[1024];
} walk;

static int walk_file_cb(void *ctx, const char *name, const sl_store_info *st)
{
    walk *w = ctx;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", w->dir, name);
    if (st->is_dir) {
        walk sub = { w->s, w->t, "" };
        snprintf(sub.dir, sizeof sub.dir, "%.1000s", path);
        char err[256];
        sl_store_list(w->s, path, walk_file_cb, &sub, err, sizeof err);
        return 0;
    }
    size_t n = strlen(name);
    if (name[0] == '_' || name[0] == '.')
        w->t->tmp_files++;
    else if (n > 8 && strcmp(name + n - 8, ".parquet") == 0)
        tally_file(w->s, path, w->t);
    return 0;
}

static tally table_tally(sl_store *s, const char *table, const char *key_col)
{
    tally t;
    memset(&t, 0, sizeof t);
    t.key_col = key_col;
    walk w = { s, &t, "" };
    snprintf(w.dir, sizeof w.dir, "%s", table);
    char err[256];
    sl_store_list(s, table, walk_file_cb, &w, err, sizeof err);
    return t;
}

static int count_key(const tally *t, const char *key)
{
    int c = 0;
    for (int i = 0; i < t->nkeys; i++)
        c += strcmp(t->keys[i], key) == 0;
    return c;
}

/* ---- tests ---- */

static void test_land_fixtures(void)
{
    sl_store *s = fresh_lake();
    sl_mapping *m = mapping();
    REQUIRE(s && m);
    char err[512] = "";
    sl_lander *l = sl_lander_new(s, m, NULL, err, sizeof err);
    REQUIRE(l);
    int64_t resume = 99, last = 99;
    CHECK_EQ_INT(sl_lander_assign(l, "fixtures", 0, &resume, err, sizeof err), SL_OK);
    CHECK_EQ_INT(resume, -1);
    for (size_t i = 0; i < nlines; i++)
        CHECK_EQ_INT(add(l, "fixtures", (int64_t)i, lines[i], line_len[i]), SL_OK);
    sl_lander_stats st;
    sl_lander_get_stats(l, &st);
    CHECK_EQ_INT(st.pending_messages, 7);
    CHECK_EQ_INT(st.open_files, 6); /* 3 tables x 2 dates */
    CHECK(st.buffered_bytes > 0);
    CHECK_EQ_INT(sl_lander_commit(l, "fixtures", 0, &last, err, sizeof err), SL_OK);
    CHECK_EQ_INT(last, 6);
    sl_lander_get_stats(l, &st);
    CHECK_EQ_INT(st.messages, 7);
    CHECK_EQ_INT(st.pending_messages, 0);
    CHECK_EQ_INT(st.open_files, 0);
    CHECK_EQ_INT(st.buffered_bytes, 0);
    CHECK_EQ_INT(st.files, 6);
    CHECK_EQ_INT(st.commits, 1);
    CHECK_EQ_INT(st.quarantined, 0);
    CHECK_EQ_INT(st.duplicates, 0);
    REQUIRE(sl_lander_ntables(l) == 4);
    CHECK_EQ_STR(sl_lander_table_name(l, 0), "assessments");
    CHECK_EQ_STR(sl_lander_table_name(l, 3), "_quarantine");
    CHECK_EQ_INT(sl_lander_table_rows(l, 0), 7);
    CHECK_EQ_INT(sl_lander_table_rows(l, 1), 32);
    CHECK_EQ_INT(sl_lander_table_rows(l, 2), 117);
    CHECK_EQ_INT(sl_lander_table_rows(l, 3), 0);
    CHECK_EQ_INT(sl_lander_revoke(l, "fixtures", 0, 1, err, sizeof err), SL_OK);
    sl_lander_destroy(l);

    /* Layout: final names carry the range; no temporary left. */
    CHECK(exists(s, "assessments/dt=2018-01-23/fixtures+0+0+6.zstd.parquet"));
    CHECK(exists(s, "assessments/dt=2017-12-20/fixtures+0+0+6.zstd.parquet"));
    CHECK(exists(s, "options/dt=2017-12-20/fixtures+0+0+6.zstd.parquet"));
    CHECK(exists(s, "questions/dt=2018-01-23/fixtures+0+0+6.zstd.parquet"));
    CHECK(!exists(s, "_quarantine"));
    CHECK(exists(s, "_sluice/manifests/fixtures/0/00000000000000000000-00000000000000000006.json"));
    CHECK(exists(s, "_sluice/dedupe/fixtures/0/00000000000000000000-00000000000000000006.keys"));

    /* Read back: rows per table and date, keys, offsets, a few values. */
    tally a = table_tally(s, "assessments", "keen_id");
    CHECK_EQ_INT(a.rows, 7);
    CHECK_EQ_INT(a.files, 2);
    CHECK_EQ_INT(a.tmp_files, 0);
    CHECK_EQ_INT(a.bad, 0);
    CHECK_EQ_INT(a.offsets_sum, 0 + 1 + 2 + 3 + 4 + 5 + 6);
    CHECK_EQ_INT(count_key(&a, "5a6745820eb8ab00016be1f1"), 1);
    CHECK_EQ_INT(count_key(&a, "5a3a3df2448eb200012a2efd"), 1);
    tally q = table_tally(s, "questions", NULL), o = table_tally(s, "options", NULL);
    CHECK_EQ_INT(q.rows, 32);
    CHECK_EQ_INT(o.rows, 117);
    CHECK_EQ_INT(q.tmp_files + o.tmp_files, 0);

    sl_in in;
    REQUIRE(sl_store_open_in(s, "assessments/dt=2017-12-20/fixtures+0+0+6.zstd.parquet", &in, err, sizeof err) ==
            SL_OK);
    sl_pq_reader *r = sl_pq_reader_open(&in, err, sizeof err);
    REQUIRE(r);
    CHECK_EQ_INT(sl_pq_reader_nrows(r), 2);
    int kc = col_of(r, "keen_id"), sc = col_of(r, "score"), tc = col_of(r, "_topic"), xc = col_of(r, "exam_name");
    REQUIRE(kc >= 0 && sc >= 0 && tc >= 0 && xc >= 0);
    const sl_value *v;
    REQUIRE(sl_pq_reader_read_column(r, 0, (size_t)kc, &v, err, sizeof err) == SL_OK);
    CHECK(v[0].u.s.n == 24 && memcmp(v[0].u.s.p, "5a3a3f6b8c7fa00001d2a03e", 24) == 0);
    REQUIRE(sl_pq_reader_read_column(r, 0, (size_t)sc, &v, err, sizeof err) == SL_OK);
    CHECK(!v[0].is_null && v[0].u.d == 0.75);  /* 3 of 4 */
    CHECK(!v[1].is_null && v[1].u.d == 0.75);  /* 6 of 8 */
    REQUIRE(sl_pq_reader_read_column(r, 0, (size_t)tc, &v, err, sizeof err) == SL_OK);
    CHECK(v[1].u.s.n == 8 && memcmp(v[1].u.s.p, "fixtures", 8) == 0);
    REQUIRE(sl_pq_reader_read_column(r, 0, (size_t)xc, &v, err, sizeof err) == SL_OK);
    CHECK(v[1].u.s.n == 36 && memcmp(v[1].u.s.p, "Learning Linux System Administration", 36) == 0);
    int found_range = 0;
    for (size_t i = 0; i < sl_pq_reader_nkv(r); i++) {
        const char *k, *val;
        sl_pq_reader_kv(r, i, &k, &val);
        if (strcmp(k, "sluice.range") == 0)
            found_range = strcmp(val, "fixtures+0+0+6") == 0;
    }
    CHECK(found_range);
    sl_pq_reader_destroy(r);
    sl_store_in_close(&in);

    /* The manifest tells the same story. */
    sl_lake_manifest man;
    int found = 0;
    REQUIRE(sl_lake_manifest_newest(s, "fixtures", 0, &man, &found, err, sizeof err) == SL_OK && found);
    CHECK_EQ_INT(man.messages, 7);
    CHECK_EQ_INT(man.nfiles, 6);
    CHECK_EQ_INT(man.dedupe_keys, 7);
    CHECK_EQ_STR(man.mapping, "assessments");
    uint64_t opt_rows = 0;
    for (size_t i = 0; i < man.ntables; i++)
        if (strcmp(man.tables[i].table, "options") == 0)
            opt_rows = man.tables[i].rows;
    CHECK_EQ_INT(opt_rows, 117);
    sl_lake_manifest_free(&man);

    /* Landing the same records again: recognised, nothing new. */
    l = sl_lander_new(s, m, NULL, err, sizeof err);
    REQUIRE(l);
    CHECK_EQ_INT(sl_lander_assign(l, "fixtures", 0, &resume, err, sizeof err), SL_OK);
    CHECK_EQ_INT(resume, 7);
    for (size_t i = 0; i < nlines; i++)
        CHECK_EQ_INT(add(l, "fixtures", (int64_t)i, lines[i], line_len[i]), SL_OK);
    CHECK_EQ_INT(sl_lander_commit(l, "fixtures", 0, &last, err, sizeof err), SL_OK);
    CHECK_EQ_INT(last, 6);
    sl_lander_get_stats(l, &st);
    CHECK_EQ_INT(st.already_landed, 7);
    CHECK_EQ_INT(st.messages, 0);
    CHECK_EQ_INT(st.commits, 0);
    sl_lander_destroy(l);
    CHECK_EQ_INT(table_tally(s, "assessments", NULL).rows, 7);

    sl_mapping_destroy(m);
    drop_lake(s);
}

static void test_duplicates_across_restart(void)
{
    sl_store *s = fresh_lake();
    sl_mapping *m = mapping();
    REQUIRE(s && m);
    char err[512] = "";
    sl_lander *l = sl_lander_new(s, m, NULL, err, sizeof err);
    REQUIRE(l);
    int64_t resume, last;
    CHECK_EQ_INT(sl_lander_assign(l, "dups", 0, &resume, err, sizeof err), SL_OK);
    for (size_t i = 0; i < 5; i++)
        CHECK_EQ_INT(add(l, "dups", (int64_t)i, lines[i], line_len[i]), SL_OK);
    /* Records 0 and 3 again, in the same range. */
    CHECK_EQ_INT(add(l, "dups", 5, lines[0], line_len[0]), SL_OK);
    CHECK_EQ_INT(add(l, "dups", 6, lines[3], line_len[3]), SL_OK);
    CHECK_EQ_INT(sl_lander_commit(l, "dups", 0, &last, err, sizeof err), SL_OK);
    CHECK_EQ_INT(last, 6);
    sl_lander_stats st;
    sl_lander_get_stats(l, &st);
    CHECK_EQ_INT(st.duplicates, 2);
    CHECK_EQ_INT(st.messages, 7);
    CHECK_EQ_INT(sl_lander_table_rows(l, 0), 5);
    sl_lander_destroy(l);

    /* Restart: the window is rebuilt from the sidecar, so record 1 is still a
     * duplicate; records 5 and 6 are new. */
    l = sl_lander_new(s, m, NULL, err, sizeof err);
    REQUIRE(l);
    CHECK_EQ_INT(sl_lander_assign(l, "dups", 0, &resume, err, sizeof err), SL_OK);
    CHECK_EQ_INT(resume, 7);
    CHECK_EQ_INT(add(l, "dups", 7, lines[1], line_len[1]), SL_OK);
    CHECK_EQ_INT(add(l, "dups", 8, lines[5], line_len[5]), SL_OK);
    CHECK_EQ_INT(add(l, "dups", 9, lines[6], line_len[6]), SL_OK);
    CHECK_EQ_INT(add(l, "dups", 10, lines[6], line_len[6]), SL_OK);
    CHECK_EQ_INT(sl_lander_commit(l, "dups", 0, &last, err, sizeof err), SL_OK);
    CHECK_EQ_INT(last, 10);
    sl_lander_get_stats(l, &st);
    CHECK_EQ_INT(st.duplicates, 2);
    CHECK_EQ_INT(st.messages, 4);
    CHECK_EQ_INT(sl_lander_table_rows(l, 0), 2);
    sl_lander_destroy(l);
    tally a = table_tally(s, "assessments", "keen_id");
    CHECK_EQ_INT(a.rows, 7);
    CHECK_EQ_INT(count_key(&a, "5a6745820eb8ab00016be1f1"), 1);
    CHECK_EQ_INT(count_key(&a, "5a3a3df2448eb200012a2efd"), 1);

    /* A window of 1 key forgets all but the newest; no dedupe lands everything. */
    sl_lander_opts o = sl_lander_opts_default();
    o.dedupe_window = 1;
    l = sl_lander_new(s, m, &o, err, sizeof err);
    REQUIRE(l);
    CHECK_EQ_INT(sl_lander_assign(l, "dups", 0, &resume, err, sizeof err), SL_OK);
    CHECK_EQ_INT(add(l, "dups", 11, lines[6], line_len[6]), SL_OK); /* newest key: dropped */
    CHECK_EQ_INT(add(l, "dups", 12, lines[0], line_len[0]), SL_OK); /* forgotten: landed */
    CHECK_EQ_INT(sl_lander_commit(l, "dups", 0, &last, err, sizeof err), SL_OK);
    sl_lander_get_stats(l, &st);
    CHECK_EQ_INT(st.duplicates, 1);
    CHECK_EQ_INT(sl_lander_table_rows(l, 0), 1);
    sl_lander_destroy(l);
    o = sl_lander_opts_default();
    o.no_dedupe = 1;
    l = sl_lander_new(s, m, &o, err, sizeof err);
    REQUIRE(l);
    CHECK_EQ_INT(sl_lander_assign(l, "dups", 0, &resume, err, sizeof err), SL_OK);
    CHECK_EQ_INT(add(l, "dups", 13, lines[0], line_len[0]), SL_OK);
    CHECK_EQ_INT(add(l, "dups", 14, lines[0], line_len[0]), SL_OK);
    CHECK_EQ_INT(sl_lander_commit(l, "dups", 0, &last, err, sizeof err), SL_OK);
    sl_lander_get_stats(l, &st);
    CHECK_EQ_INT(st.duplicates, 0);
    CHECK_EQ_INT(sl_lander_table_rows(l, 0), 2);
    sl_lander_destroy(l);
    sl_mapping_destroy(m);
    drop_lake(s);
}

/* The keen_id of fixture line i (its last "keen_id" member: the top-level one
 * follows the nested sequences). */
static size_t keen_id_of(size_t i, char *out, size_t cap)
{
    const char *p = NULL, *q = lines[i];
    while ((q = strstr(q, "\"keen_id\"")) != NULL)
        p = q++;
    if (!p || !(p = strchr(p + 9, '"')))
        return 0;
    const char *e = strchr(++p, '"');
    size_t n = e ? (size_t)(e - p) : 0;
    if (n >= cap)
        return 0;
    memcpy(out, p, n);
    out[n] = 0;
    return n;
}

/* A range with more keys than the window: its sidecar holds the window's keys
 * (the newest, in landing order), all that a rebuilt window can hold, and a
 * restart drops exactly the keys the window remembered. */
static void test_range_longer_than_window(void)
{
    sl_store *s = fresh_lake();
    sl_mapping *m = mapping();
    REQUIRE(s && m);
    char err[512] = "";
    sl_lander_opts o = sl_lander_opts_default();
    o.dedupe_window = 3;
    sl_lander *l = sl_lander_new(s, m, &o, err, sizeof err);
    REQUIRE(l);
    int64_t resume, last;
    CHECK_EQ_INT(sl_lander_assign(l, "long", 0, &resume, err, sizeof err), SL_OK);
    for (size_t i = 0; i < 7; i++)
        CHECK_EQ_INT(add(l, "long", (int64_t)i, lines[i], line_len[i]), SL_OK);
    CHECK_EQ_INT(sl_lander_commit(l, "long", 0, &last, err, sizeof err), SL_OK);
    sl_lander_destroy(l);

    sl_lake_manifest man;
    int found = 0;
    REQUIRE(sl_lake_manifest_newest(s, "long", 0, &man, &found, err, sizeof err) == SL_OK && found);
    CHECK_EQ_INT(man.messages, 7);
    CHECK_EQ_INT(man.dedupe_keys, 3);
    sl_lake_manifest_free(&man);
    sl_buf path = { 0 }, side = { 0 };
    REQUIRE(sl_lake_dedupe_path(&path, "long", 0, 0, 6) == SL_OK);
    REQUIRE(sl_store_read_all(s, (const char *)path.data, &side, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(side.len, 16 + 3 * 8);
    for (size_t k = 0; k < 3 && side.len == 16 + 3 * 8; k++) {
        char id[64];
        size_t n = keen_id_of(4 + k, id, sizeof id);
        REQUIRE(n > 0);
        uint64_t want = sl_lake_key_hash(NULL, 0, id, n), got = 0;
        for (int b = 7; b >= 0; b--)
            got = got << 8 | side.data[16 + 8 * k + (size_t)b];
        CHECK(got == want);
    }
    sl_buf_free(&path);
    sl_buf_free(&side);

    /* Rebuilt from the sidecar: lines 4-6 are duplicates, line 0 is not. */
    l = sl_lander_new(s, m, &o, err, sizeof err);
    REQUIRE(l);
    CHECK_EQ_INT(sl_lander_assign(l, "long", 0, &resume, err, sizeof err), SL_OK);
    CHECK_EQ_INT(resume, 7);
    CHECK_EQ_INT(add(l, "long", 7, lines[6], line_len[6]), SL_OK);
    CHECK_EQ_INT(add(l, "long", 8, lines[4], line_len[4]), SL_OK);
    CHECK_EQ_INT(add(l, "long", 9, lines[0], line_len[0]), SL_OK);
    CHECK_EQ_INT(sl_lander_commit(l, "long", 0, &last, err, sizeof err), SL_OK);
    sl_lander_stats st;
    sl_lander_get_stats(l, &st);
    CHECK_EQ_INT(st.duplicates, 2);
    CHECK_EQ_INT(sl_lander_table_rows(l, 0), 1);
    sl_lander_destroy(l);
    sl_mapping_destroy(m);
    drop_lake(s);
}

static void test_quarantine(void)
{
    sl_store *s = fresh_lake();
    sl_mapping *m = mapping();
    REQUIRE(s && m);
    char err[512] = "";
    sl_lander *l = sl_lander_new(s, m, NULL, err, sizeof err);
    REQUIRE(l);
    int64_t resume, last;
    CHECK_EQ_INT(sl_lander_assign(l, "bad", 0, &resume, err, sizeof err), SL_OK);
    const char *junk = "{\"keen_id\": tru";
    CHECK_EQ_INT(add(l, "bad", 0, junk, strlen(junk)), SL_OK);
    CHECK_EQ_INT(add(l, "bad", 1, lines[0], line_len[0]), SL_OK);
    CHECK_EQ_INT(add(l, "bad", 2, "{}", 2), SL_OK);
    CHECK_EQ_INT(add(l, "bad", 4, "", 0), SL_OK); /* offsets may skip */
    CHECK_EQ_INT(sl_lander_commit(l, "bad", 0, &last, err, sizeof err), SL_OK);
    CHECK_EQ_INT(last, 4);
    sl_lander_stats st;
    sl_lander_get_stats(l, &st);
    CHECK_EQ_INT(st.quarantined, 3);
    CHECK_EQ_INT(st.messages, 4);
    CHECK_EQ_INT(sl_lander_table_rows(l, 0), 1);
    CHECK_EQ_INT(sl_lander_table_rows(l, 3), 3);
    sl_lander_destroy(l);

    /* The quarantine file: today's dt, reason, exact payload, provenance. */
    char dt[SL_LAKE_DT_MAX], path[256];
    sl_lake_dt_format(sl_lake_day_of_us((int64_t)time(NULL) * 1000000), dt);
    snprintf(path, sizeof path, "_quarantine/dt=%s/bad+0+0+4.zstd.parquet", dt);
    sl_in in;
    REQUIRE(sl_store_open_in(s, path, &in, err, sizeof err) == SL_OK);
    sl_pq_reader *r = sl_pq_reader_open(&in, err, sizeof err);
    REQUIRE(r);
    CHECK_EQ_INT(sl_pq_reader_nrows(r), 3);
    int rc = col_of(r, "reason"), pc = col_of(r, "payload"), oc = col_of(r, "_offset");
    REQUIRE(rc >= 0 && pc >= 0 && oc >= 0);
    const sl_value *v;
    REQUIRE(sl_pq_reader_read_column(r, 0, (size_t)pc, &v, err, sizeof err) == SL_OK);
    CHECK(v[0].u.s.n == strlen(junk) && memcmp(v[0].u.s.p, junk, strlen(junk)) == 0);
    CHECK(v[1].u.s.n == 2 && memcmp(v[1].u.s.p, "{}", 2) == 0);
    CHECK(v[2].u.s.n == 0);
    REQUIRE(sl_pq_reader_read_column(r, 0, (size_t)oc, &v, err, sizeof err) == SL_OK);
    CHECK(v[0].u.i == 0 && v[1].u.i == 2 && v[2].u.i == 4);
    REQUIRE(sl_pq_reader_read_column(r, 0, (size_t)rc, &v, err, sizeof err) == SL_OK);
    for (int i = 0; i < 3; i++) {
        CHECK(v[i].u.s.n > 5);
        if (i == 1)
            CHECK(memmem(v[i].u.s.p, v[i].u.s.n, "keen_id", 7) != NULL);
    }
    sl_pq_reader_destroy(r);
    sl_store_in_close(&in);
    sl_mapping_destroy(m);
    drop_lake(s);
}

/* Files change threads between batches: with two write threads and the caller
 * writing files too (a local lake), a batch of a few rows per add and 3,000
 * messages, every file is written by whichever thread takes it, batch after
 * batch. Its rows must still come in message order: the quarantine file's
 * offsets read back are exactly 0, 3, 6, ... and every good message's rows are
 * there once. */
static void test_threads_keep_row_order(void)
{
    sl_store *s = fresh_lake();
    sl_mapping *m = mapping();
    REQUIRE(s && m);
    char err[512] = "";
    sl_lander_opts o = sl_lander_opts_default();
    o.write_threads = 2;
    o.stage_bytes = 2048;
    o.no_dedupe = 1;
    o.pq.row_group_bytes = 8192;
    o.pq.page_bytes = 1024;
    sl_lander *l = sl_lander_new(s, m, &o, err, sizeof err);
    REQUIRE(l);
    int64_t resume, last;
    CHECK_EQ_INT(sl_lander_assign(l, "ord", 0, &resume, err, sizeof err), SL_OK);
    const int n = 3000;
    int good = 0;
    for (int i = 0; i < n; i++) {
        char bad[32];
        int bn = snprintf(bad, sizeof bad, "not json %d", i);
        sl_err e = i % 3 == 0 ? add(l, "ord", i, bad, (size_t)bn)
                              : add(l, "ord", i, lines[i % nlines], line_len[i % nlines]);
        CHECK_EQ_INT(e, SL_OK);
        good += i % 3 != 0;
    }
    CHECK_EQ_INT(sl_lander_commit(l, "ord", 0, &last, err, sizeof err), SL_OK);
    CHECK_EQ_INT(last, n - 1);
    sl_lander_stats st;
    sl_lander_get_stats(l, &st);
    CHECK_EQ_INT(st.quarantined, n / 3);
    CHECK_EQ_INT(sl_lander_table_rows(l, 0), good);
    sl_lander_destroy(l);

    tally a = table_tally(s, "assessments", NULL);
    CHECK_EQ_INT(a.rows, good);
    CHECK_EQ_INT(a.bad, 0);
    char dt[SL_LAKE_DT_MAX], path[256];
    sl_lake_dt_format(sl_lake_day_of_us((int64_t)time(NULL) * 1000000), dt);
    snprintf(path, sizeof path, "_quarantine/dt=%s/ord+0+0+%d.zstd.parquet", dt, n - 1);
    sl_in in;
    REQUIRE(sl_store_open_in(s, path, &in, err, sizeof err) == SL_OK);
    sl_pq_reader *r = sl_pq_reader_open(&in, err, sizeof err);
    REQUIRE(r);
    CHECK_EQ_INT(sl_pq_reader_nrows(r), n / 3);
    CHECK(sl_pq_reader_nrow_groups(r) > 1);
    int oc = col_of(r, "_offset");
    REQUIRE(oc >= 0);
    int64_t want = 0, wrong = 0;
    for (size_t rg = 0; rg < sl_pq_reader_nrow_groups(r); rg++) {
        const sl_value *v;
        REQUIRE(sl_pq_reader_read_column(r, rg, (size_t)oc, &v, err, sizeof err) == SL_OK);
        for (int64_t i = 0; i < sl_pq_reader_row_group_rows(r, rg); i++, want += 3)
            wrong += v[i].u.i != want;
    }
    CHECK_EQ_INT(wrong, 0);
    CHECK_EQ_INT(want, n);
    sl_pq_reader_destroy(r);
    sl_store_in_close(&in);
    sl_mapping_destroy(m);
    drop_lake(s);
}

static uint64_t fake_now;
static uint64_t fake_clock(void *ctx)
{
    (void)ctx;
    return fake_now;
}

static void test_due_and_errors(void)
{
    sl_store *s = fresh_lake();
    sl_mapping *m = mapping();
    REQUIRE(s && m);
    char err[512] = "";
    sl_lander_opts o = sl_lander_opts_default();
    o.clock_ms = fake_clock;
    o.max_age_ms = 1000;
    fake_now = 5000;
    sl_lander *l = sl_lander_new(s, m, &o, err, sizeof err);
    REQUIRE(l);
    int64_t resume, last;
    sl_lander_due_item due[4];
    CHECK_EQ_INT(sl_lander_assign(l, "a", 0, &resume, err, sizeof err), SL_OK);
    CHECK_EQ_INT(sl_lander_assign(l, "b", 0, &resume, err, sizeof err), SL_OK);
    CHECK_EQ_INT(sl_lander_due(l, fake_now, due, 4), 0);
    CHECK_EQ_INT(add(l, "a", 0, lines[0], line_len[0]), SL_OK);
    fake_now = 5999;
    CHECK_EQ_INT(sl_lander_due(l, fake_now, due, 4), 0);
    fake_now = 6000;
    REQUIRE(sl_lander_due(l, fake_now, due, 4) == 1);
    CHECK_EQ_STR(due[0].topic, "a");
    CHECK_EQ_INT(due[0].reason, SL_DUE_AGE);
    CHECK_EQ_STR(sl_due_reason_name(due[0].reason), "age");
    CHECK_EQ_INT(sl_lander_commit(l, "a", 0, &last, err, sizeof err), SL_OK);
    CHECK_EQ_INT(last, 0);
    CHECK_EQ_INT(sl_lander_due(l, fake_now + 100000, due, 4), 0); /* nothing pending */
    /* Committing an empty range just reports where it is. */
    CHECK_EQ_INT(sl_lander_commit(l, "a", 0, &last, err, sizeof err), SL_OK);
    CHECK_EQ_INT(last, 0);
    CHECK_EQ_INT(sl_lander_commit(l, "b", 0, &last, err, sizeof err), SL_OK);
    CHECK_EQ_INT(last, -1);

    /* Offsets must increase: a message that goes back is refused and changes nothing. */
    CHECK_EQ_INT(add(l, "a", 5, lines[1], line_len[1]), SL_OK);
    char e2[512] = "";
    sl_origin og = { "a", 0, 3, SL_TS_NULL, NULL, 0, NULL, 0 };
    CHECK_EQ_INT(sl_lander_add(l, "a", 0, lines[2], line_len[2], &og, e2, sizeof e2), SL_ERR_INVALID);
    CHECK(strstr(e2, "offset 3 comes after 5") != NULL);
    CHECK_EQ_INT(sl_lander_add(l, "zz", 0, lines[2], line_len[2], &og, e2, sizeof e2), SL_ERR_INVALID);
    CHECK(strstr(e2, "not assigned") != NULL);
    CHECK_EQ_INT(sl_lander_assign(l, "a", 0, &resume, e2, sizeof e2), SL_ERR_INVALID); /* has pending */
    sl_lander_stats st0;
    sl_lander_get_stats(l, &st0);
    CHECK_EQ_INT(st0.pending_messages, 1);
    CHECK_EQ_INT(sl_lander_assign(l, "a+", 0, &resume, e2, sizeof e2), SL_ERR_INVALID);
    sl_lander_destroy(l);

    /* Rows, bytes, memory and open-file limits, and which partition each picks. */
    o.max_age_ms = 0;
    o.max_rows = 14; /* record 0 has 14 options */
    l = sl_lander_new(s, m, &o, err, sizeof err);
    REQUIRE(l);
    CHECK_EQ_INT(sl_lander_assign(l, "a", 0, &resume, err, sizeof err), SL_OK);
    CHECK_EQ_INT(resume, 1);
    CHECK_EQ_INT(add(l, "a", 5, lines[2], line_len[2]), SL_OK); /* 13 options */
    CHECK_EQ_INT(sl_lander_due(l, fake_now, due, 4), 0);
    CHECK_EQ_INT(add(l, "a", 6, lines[3], line_len[3]), SL_OK); /* 26 options in one file */
    REQUIRE(sl_lander_due(l, fake_now, due, 4) == 1);
    CHECK_EQ_INT(due[0].reason, SL_DUE_ROWS);
    CHECK_EQ_INT(sl_lander_revoke(l, "a", 0, 0, err, sizeof err), SL_OK); /* roll back */
    sl_lander_destroy(l);
    CHECK(!exists(s, "options/dt=2018-01-23/_tmp.a+0+5.zstd.inprogress"));

    o.max_rows = 0;
    o.max_bytes = 100;
    l = sl_lander_new(s, m, &o, err, sizeof err);
    REQUIRE(l);
    CHECK_EQ_INT(sl_lander_assign(l, "a", 0, &resume, err, sizeof err), SL_OK);
    CHECK_EQ_INT(resume, 1); /* the rolled back range left nothing */
    CHECK_EQ_INT(add(l, "a", 1, lines[1], line_len[1]), SL_OK);
    REQUIRE(sl_lander_due(l, fake_now, due, 4) == 1);
    CHECK_EQ_INT(due[0].reason, SL_DUE_BYTES);
    sl_lander_destroy(l);

    /* Row groups written early leave their footer entries behind: past
     * max_footer_bytes the range is due, and a commit frees them. */
    o.max_bytes = 0;
    o.max_memory = 1;
    o.max_footer_bytes = 1;
    l = sl_lander_new(s, m, &o, err, sizeof err);
    REQUIRE(l);
    CHECK_EQ_INT(sl_lander_assign(l, "f", 0, &resume, err, sizeof err), SL_OK);
    CHECK_EQ_INT(sl_lander_due(l, fake_now, due, 4), 0);
    CHECK_EQ_INT(add(l, "f", 0, lines[1], line_len[1]), SL_OK);
    REQUIRE(sl_lander_due(l, fake_now, due, 4) == 1);
    CHECK_EQ_STR(due[0].topic, "f");
    CHECK_EQ_INT(due[0].reason, SL_DUE_FOOTERS);
    CHECK_EQ_STR(sl_due_reason_name(due[0].reason), "footers");
    CHECK_EQ_INT(sl_lander_commit(l, "f", 0, &last, err, sizeof err), SL_OK);
    CHECK_EQ_INT(sl_lander_due(l, fake_now, due, 4), 0);
    sl_lander_destroy(l);
    o.max_footer_bytes = 0;

    /* Over the memory budget, pages go to the spill file first (row groups stay
     * whole) and what that leaves (dictionaries) is freed by writing row groups
     * early; every row is there. */
    o.max_memory = 1;
    tally before = table_tally(s, "options", "keen_id");
    l = sl_lander_new(s, m, &o, err, sizeof err);
    REQUIRE(l);
    CHECK_EQ_INT(sl_lander_assign(l, "sp", 0, &resume, err, sizeof err), SL_OK);
    CHECK_EQ_INT(add(l, "sp", 0, lines[5], line_len[5]), SL_OK);
    CHECK_EQ_INT(add(l, "sp", 1, lines[6], line_len[6]), SL_OK);
    sl_lander_stats sst;
    sl_lander_get_stats(l, &sst);
    CHECK(sst.spilled_bytes > 0);
    CHECK_EQ_INT(sst.buffered_bytes, 0);
    CHECK_EQ_INT(sl_lander_commit(l, "sp", 0, &last, err, sizeof err), SL_OK);
    sl_lander_destroy(l);
    tally spt = table_tally(s, "options", "keen_id");
    CHECK_EQ_INT(spt.rows - before.rows, 16 + 33); /* records 5 and 6 */
    /* A spill folder that cannot be used: row groups early, as without spilling. */
    o.spill_dir = "/nonexistent-sluice-dir";
    l = sl_lander_new(s, m, &o, err, sizeof err);
    REQUIRE(l);
    CHECK_EQ_INT(sl_lander_assign(l, "sq", 0, &resume, err, sizeof err), SL_OK);
    CHECK_EQ_INT(add(l, "sq", 0, lines[5], line_len[5]), SL_OK);
    sl_lander_get_stats(l, &sst);
    CHECK_EQ_INT(sst.spilled_bytes, 0);
    CHECK_EQ_INT(sst.early_row_groups, 3);
    CHECK_EQ_INT(sst.buffered_bytes, 0);
    sl_lander_destroy(l);
    o.spill_dir = NULL;

    /* Over the memory budget without spilling, row groups are written out early
     * (files stay open); over the open-file cap, the partition with the most
     * files is due. */
    o.no_spill = 1;
    o.max_bytes = 0;
    o.max_memory = 1;
    o.max_open_files = 7;
    l = sl_lander_new(s, m, &o, err, sizeof err);
    REQUIRE(l);
    CHECK_EQ_INT(sl_lander_assign(l, "a", 0, &resume, err, sizeof err), SL_OK);
    CHECK_EQ_INT(sl_lander_assign(l, "b", 0, &resume, err, sizeof err), SL_OK);
    CHECK_EQ_INT(add(l, "a", 1, lines[1], line_len[1]), SL_OK);
    CHECK_EQ_INT(add(l, "b", 0, lines[5], line_len[5]), SL_OK);
    CHECK_EQ_INT(add(l, "b", 1, lines[6], line_len[6]), SL_OK); /* same 3 files of b */
    sl_lander_stats st;
    sl_lander_get_stats(l, &st);
    CHECK_EQ_INT(st.buffered_bytes, 0);
    CHECK_EQ_INT(st.early_row_groups, 9); /* 3 files after each of the 3 adds */
    CHECK_EQ_INT(sl_lander_due(l, fake_now, due, 4), 0);
    CHECK_EQ_INT(add(l, "a", 2, lines[5], line_len[5]), SL_OK); /* a now has 6 files: 9 open > 7 */
    REQUIRE(sl_lander_due(l, fake_now, due, 4) == 1);
    CHECK_EQ_STR(due[0].topic, "a");
    CHECK_EQ_INT(due[0].reason, SL_DUE_FILES);
    CHECK_EQ_STR(sl_due_reason_name(due[0].reason), "files");
    sl_lander_get_stats(l, &st);
    CHECK_EQ_INT(st.open_files, 9);
    CHECK_EQ_INT(sl_lander_commit(l, "b", 0, &last, err, sizeof err), SL_OK);
    CHECK_EQ_INT(last, 1);
    sl_lander_destroy(l);
    /* b's options file of 2017-12-20: two row groups (one per add), 16 + 33 rows. */
    sl_in in;
    REQUIRE(sl_store_open_in(s, "options/dt=2017-12-20/b+0+0+1.zstd.parquet", &in, err, sizeof err) == SL_OK);
    sl_pq_reader *r = sl_pq_reader_open(&in, err, sizeof err);
    REQUIRE(r);
    CHECK_EQ_INT(sl_pq_reader_nrows(r), 49);
    CHECK_EQ_INT(sl_pq_reader_nrow_groups(r), 2);
    CHECK_EQ_INT(sl_pq_reader_row_group_rows(r, 0), 16);
    sl_pq_reader_destroy(r);
    sl_store_in_close(&in);

    /* A bad table name in a mapping is refused up front. */
    const char *bad = "{\"name\":\"x\",\"tables\":[{\"name\":\"_quarantine\",\"rows\":\"$\",\"columns\":"
                      "[{\"name\":\"a\",\"type\":\"string\",\"path\":\"$.a\"}]}]}";
    sl_mapping *bm = sl_mapping_parse(bad, strlen(bad), "bad.json", err, sizeof err);
    if (bm) {
        CHECK(sl_lander_new(s, bm, NULL, err, sizeof err) == NULL);
        CHECK(strstr(err, "_quarantine") != NULL);
        sl_mapping_destroy(bm);
    }
    sl_mapping_destroy(m);
    drop_lake(s);
}

/* ---- crash injection: a store that dies at its Nth operation ---- */

typedef struct crash_store {
    sl_store base;
    sl_store *inner;
    long ops, crash_at;
    int fail_instead; /* 1: the chosen operation fails with SL_ERR_RETRY instead */
} crash_store;

typedef struct crash_file {
    sl_store_file base;
    sl_store_file *inner;
    crash_store *s;
} crash_file;

/* Counts an operation; at the chosen one the process dies on the spot, like
 * kill -9 (no atexit, no buffers flushed), or, with fail_instead, the operation
 * fails (returns 1). */
static int tick(crash_store *s)
{
    if (++s->ops != s->crash_at)
        return 0;
    if (!s->fail_instead)
        _exit(42);
    return 1;
}

static sl_err injected(char *e, size_t es) { return sl_errf(SL_ERR_RETRY, e, es, "injected failure"); }

/* Writes are not crash points of their own: a crash between two writes leaves
 * the same state (a temporary file, no manifest) as a crash at the finish. They
 * are failure points (a full disk), which take another path in the lander. */
static sl_err cf_write(sl_store_file *f, const void *d, size_t n, char *e, size_t es)
{
    crash_file *c = (crash_file *)f;
    if (c->s->fail_instead && tick(c->s))
        return injected(e, es);
    return c->inner->write(c->inner, d, n, e, es);
}
static sl_err cf_finish(sl_store_file *f, char *e, size_t es)
{
    crash_file *c = (crash_file *)f;
    if (tick(c->s)) {
        c->inner->abort(c->inner);
        free(c);
        return injected(e, es);
    }
    sl_err r = c->inner->finish(c->inner, e, es);
    free(c);
    return r;
}
static void cf_abort(sl_store_file *f)
{
    crash_file *c = (crash_file *)f;
    c->inner->abort(c->inner);
    free(c);
}
static void cs_close(sl_store *b)
{
    crash_store *s = (crash_store *)b;
    sl_store_close(s->inner);
    free(s);
}
static sl_err cs_mkdirs(sl_store *b, const char *p, char *e, size_t es)
{
    crash_store *s = (crash_store *)b;
    return s->inner->ops->mkdirs(s->inner, p, e, es);
}
static sl_err cs_create(sl_store *b, const char *p, sl_store_file **out, char *e, size_t es)
{
    crash_store *s = (crash_store *)b;
    if (tick(s))
        return injected(e, es);
    crash_file *c = calloc(1, sizeof *c);
    if (!c)
        return SL_ERR_NOMEM;
    sl_err r = s->inner->ops->create(s->inner, p, &c->inner, e, es);
    if (r != SL_OK) {
        free(c);
        return r;
    }
    c->s = s;
    c->base.write = cf_write;
    c->base.finish = cf_finish;
    c->base.abort = cf_abort;
    *out = &c->base;
    return SL_OK;
}
static sl_err cs_rename(sl_store *b, const char *f, const char *t, char *e, size_t es)
{
    crash_store *s = (crash_store *)b;
    if (tick(s))
        return injected(e, es);
    return s->inner->ops->rename(s->inner, f, t, e, es);
}
static sl_err cs_del(sl_store *b, const char *p, int r, char *e, size_t es)
{
    crash_store *s = (crash_store *)b;
    if (tick(s))
        return injected(e, es);
    return s->inner->ops->del(s->inner, p, r, e, es);
}
static sl_err cs_stat(sl_store *b, const char *p, sl_store_info *st, char *e, size_t es)
{
    crash_store *s = (crash_store *)b;
    return s->inner->ops->stat(s->inner, p, st, e, es);
}
static sl_err cs_list(sl_store *b, const char *d, sl_store_list_cb cb, void *ctx, char *e, size_t es)
{
    crash_store *s = (crash_store *)b;
    return s->inner->ops->list(s->inner, d, cb, ctx, e, es);
}
static sl_err cs_open_in(sl_store *b, const char *p, sl_in *in, char *e, size_t es)
{
    crash_store *s = (crash_store *)b;
    return s->inner->ops->open_in(s->inner, p, in, e, es);
}

static const sl_store_ops crash_ops = { "crash", cs_close, cs_mkdirs, cs_create, cs_rename,
                                        cs_del, cs_stat, cs_list, cs_open_in };

/* The landing the crash and error tests repeat: the 14 messages (each fixture
 * line twice) spread over nparts partitions of topic "crash" (message i to
 * partition i % nparts, at offset i / nparts), each range due after 40 rows, and
 * every due range committed, as the Kafka driver does, in one
 * sl_lander_commit_many; at the end all of them at once. */
enum { MESSAGES = 14 };

static int land_messages(sl_lander *l, size_t nparts, const int64_t *resume, char *err, size_t errn)
{
    for (int64_t i = 0; i < MESSAGES; i++) {
        int32_t part = (int32_t)(i % (int64_t)nparts);
        int64_t off = i / (int64_t)nparts;
        if (off < resume[part])
            continue;
        sl_origin og = { "crash", part, off, SL_TS_NULL, NULL, 0, NULL, 0 };
        if (sl_lander_add(l, "crash", part, lines[i % (int64_t)nlines], line_len[i % (int64_t)nlines], &og, err,
                          errn) != SL_OK)
            return -1;
        if (nparts > 1 && (i + 1) % 4 != 0)
            continue; /* with two partitions, dues are looked at every 4 messages: both may be due */
        sl_lander_due_item due[4];
        sl_lander_commit_item items[4];
        size_t n = sl_lander_due(l, 0, due, 4);
        for (size_t k = 0; k < n; k++)
            items[k] = (sl_lander_commit_item){ .topic = due[k].topic, .partition = due[k].partition };
        if (n && sl_lander_commit_many(l, items, n) != SL_OK) {
            for (size_t k = 0; k < n; k++)
                if (items[k].err != SL_OK)
                    snprintf(err, errn, "%s", items[k].errstr);
            return -1;
        }
    }
    sl_lander_commit_item items[2];
    for (size_t k = 0; k < nparts; k++)
        items[k] = (sl_lander_commit_item){ .topic = "crash", .partition = (int32_t)k };
    int bad = sl_lander_commit_many(l, items, nparts) != SL_OK;
    for (size_t k = 0; k < nparts; k++) {
        if (items[k].err != SL_OK)
            snprintf(err, errn, "%s", items[k].errstr);
        else if (items[k].committed_last != (MESSAGES - 1 - (int64_t)k) / (int64_t)nparts)
            bad = 1;
    }
    return bad ? -1 : 0;
}

static sl_lander *crash_lander(sl_store *s, const sl_mapping *m, size_t stage_bytes, char *err, size_t errn)
{
    sl_lander_opts o = sl_lander_opts_default();
    o.stage_bytes = stage_bytes;
    o.max_rows = 40;
    o.pq.row_group_bytes = 4096;
    o.pq.page_bytes = 4096;
    o.pq.dict_max_bytes = 4096;
    o.dedupe_window = 1000;
    return sl_lander_new(s, m, &o, err, errn);
}

/* Lands everything once (after recovery). Returns 0 when done, 1 on an error. */
static int land_all(sl_store *s, const sl_mapping *m, size_t nparts)
{
    char err[512] = "";
    sl_lander *l = crash_lander(s, m, 0, err, sizeof err);
    if (!l)
        return 1;
    int64_t resume[2] = { 0, 0 };
    int rc = 1;
    for (size_t k = 0; k < nparts; k++) {
        if (sl_lander_assign(l, "crash", (int32_t)k, &resume[k], err, sizeof err) != SL_OK)
            goto done;
        if (resume[k] < 0)
            resume[k] = 0;
    }
    rc = land_messages(l, nparts, resume, err, sizeof err) == 0 ? 0 : 1;
done:
    if (rc)
        fprintf(stderr, "  land_all: %s\n", err);
    sl_lander_destroy(l);
    return rc;
}

/* A driver that does what the Kafka consumer does on an error: assign again
 * (recovery says where to resume) and go on from there. With two partitions
 * both start again from the lake. */
static int land_all_retrying(sl_store *s, const sl_mapping *m, size_t stage_bytes, size_t nparts, int *retries)
{
    char err[512];
    sl_lander *l = crash_lander(s, m, stage_bytes, err, sizeof err);
    if (!l)
        return 1;
    int rc = 1;
    for (int attempt = 0; attempt < 5 && rc; attempt++) {
        int64_t resume[2] = { 0, 0 };
        if (attempt)
            (*retries)++;
        int failed = 0;
        /* a partition that did not fail is still assigned: rolled back too, as a
         * rebalance would */
        for (size_t k = 0; attempt && k < nparts; k++)
            sl_lander_revoke(l, "crash", (int32_t)k, 0, err, sizeof err);
        for (size_t k = 0; k < nparts && !failed; k++) {
            failed = sl_lander_assign(l, "crash", (int32_t)k, &resume[k], err, sizeof err) != SL_OK;
            if (resume[k] < 0)
                resume[k] = 0;
        }
        if (!failed && land_messages(l, nparts, resume, err, sizeof err) == 0)
            rc = 0;
    }
    sl_lander_destroy(l);
    return rc;
}

static int64_t manifest_messages;
static int sum_messages(void *ctx, const char *path, const sl_lake_manifest *m)
{
    (void)ctx;
    (void)path;
    manifest_messages += (int64_t)m->messages;
    return 0;
}

/* The lake holds each fixture record nparts times (once per partition: the dedupe
 * window is per partition), nothing else, and manifests for all 14 messages. */
static int lake_exactly_once(sl_store *s, size_t nparts, const char *what, long k)
{
    tally a = table_tally(s, "assessments", "keen_id"), q = table_tally(s, "questions", NULL),
          o = table_tally(s, "options", NULL);
    manifest_messages = 0;
    char err[256];
    CHECK_EQ_INT(sl_lake_manifest_each(s, sum_messages, NULL, err, sizeof err), SL_OK);
    int64_t np = (int64_t)nparts;
    int ok = a.rows == 7 * np && q.rows == 32 * np && o.rows == 117 * np && a.bad + q.bad + o.bad == 0 &&
             a.tmp_files + q.tmp_files + o.tmp_files == 0 && manifest_messages == MESSAGES;
    for (size_t i = 0; ok && i < nlines; i++) {
        char key[32];
        snprintf(key, sizeof key, "%.24s", strstr(lines[i], "\"keen_id\":\"") + 11);
        ok = count_key(&a, key) == np;
    }
    if (!ok)
        fprintf(stderr, "  %s at op %ld: rows %lld/%lld/%lld, bad %d, tmp %d, manifest messages %lld\n", what, k,
                (long long)a.rows, (long long)q.rows, (long long)o.rows, a.bad + q.bad + o.bad,
                a.tmp_files + q.tmp_files + o.tmp_files, (long long)manifest_messages);
    return ok;
}

static void crash_at_every_step(size_t nparts)
{
    sl_mapping *m = mapping();
    REQUIRE(m);
    int crashes = 0, checked = 0;
    uint64_t t0 = sl_now_ns();
    for (long k = 1; k < 2000; k++) {
        sl_store *s = fresh_lake();
        REQUIRE(s);
        fflush(NULL);
        pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            crash_store *cs = calloc(1, sizeof *cs);
            if (!cs)
                _exit(3);
            cs->base.ops = &crash_ops;
            cs->inner = s;
            cs->crash_at = k;
            _exit(land_all(&cs->base, m, nparts) == 0 ? 0 : 2);
        }
        int status;
        waitpid(pid, &status, 0);
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        CHECK(code == 42 || code == 0);
        if (code != 42 && code != 0) {
            fprintf(stderr, "  child crashed at op %ld exited with %d\n", k, code);
            drop_lake(s);
            break;
        }
        /* Restart: recovery, then land everything again. */
        CHECK_EQ_INT(land_all(s, m, nparts), 0);
        CHECK(lake_exactly_once(s, nparts, "crash", k));
        checked++;
        drop_lake(s);
        if (code == 0)
            break; /* the child got through: every operation has had its crash */
        crashes++;
    }
    fprintf(stderr, "  %d crash points checked in %.1f s\n", crashes, (double)(sl_now_ns() - t0) / 1e9);
    CHECK(crashes > 30);
    CHECK_EQ_INT(checked, crashes + 1);
    sl_mapping_destroy(m);
}

static void test_crash_at_every_step(void) { crash_at_every_step(1); }
/* Two partitions committed together (sl_lander_commit_many): a crash between any
 * two of their shared steps leaves each partition recoverable on its own. */
static void test_crash_at_every_step_two_partitions(void) { crash_at_every_step(2); }

/* Every storage operation of a landing fails once in turn (SL_ERR_RETRY): the
 * partition is dropped, assigned again, and the landing goes on; in the end every
 * message is in the lake exactly once. stage_bytes 0: rows are written at commit;
 * 1: each add hands its rows to the write thread (the crash store gets one), so
 * failures happen in the background and surface at a later call. */
static void error_at_every_step(size_t stage_bytes, size_t nparts)
{
    sl_mapping *m = mapping();
    REQUIRE(m);
    int points = 0, retries = 0;
    for (long k = 1; k < 2000; k++) {
        sl_store *s = fresh_lake();
        REQUIRE(s);
        crash_store *cs = calloc(1, sizeof *cs);
        REQUIRE(cs);
        cs->base.ops = &crash_ops;
        cs->inner = s;
        cs->crash_at = k;
        cs->fail_instead = 1;
        CHECK_EQ_INT(land_all_retrying(&cs->base, m, stage_bytes, nparts, &retries), 0);
        int hit = cs->ops >= k;
        CHECK(lake_exactly_once(s, nparts, "error", k));
        /* close the wrapper (and with it the inner store) after the checks */
        free(cs);
        drop_lake(s);
        if (!hit)
            break;
        points++;
    }
    fprintf(stderr, "  %d failure points checked, %d retries\n", points, retries);
    CHECK(points > 30);
    CHECK(retries >= points);
    sl_mapping_destroy(m);
}

static void test_error_at_every_step(void) { error_at_every_step(0, 1); }
static void test_error_at_every_step_background(void) { error_at_every_step(1, 1); }
static void test_error_at_every_step_two_partitions(void) { error_at_every_step(1, 2); }

/* sl_lander_commit_many reports per item: ranges commit, a partition with nothing
 * new reports its last, one listed twice or not assigned is refused, and the
 * others commit all the same. */
static void test_commit_many_items(void)
{
    sl_mapping *m = mapping();
    REQUIRE(m);
    sl_store *s = fresh_lake();
    REQUIRE(s);
    char err[512];
    sl_lander *l = crash_lander(s, m, 0, err, sizeof err);
    REQUIRE(l);
    int64_t resume;
    for (int32_t p = 0; p < 3; p++)
        CHECK_EQ_INT(sl_lander_assign(l, "crash", p, &resume, err, sizeof err), SL_OK);
    const int32_t part_of[3] = { 0, 0, 1 };
    const int64_t off_of[3] = { 0, 1, 0 };
    for (size_t i = 0; i < 3; i++) {
        sl_origin og = { "crash", part_of[i], off_of[i], SL_TS_NULL, NULL, 0, NULL, 0 };
        CHECK_EQ_INT(sl_lander_add(l, "crash", part_of[i], lines[i], line_len[i], &og, err, sizeof err), SL_OK);
    }
    sl_lander_commit_item items[5] = {
        { .topic = "crash", .partition = 0 }, { .topic = "crash", .partition = 1 },
        { .topic = "crash", .partition = 0 }, { .topic = "crash", .partition = 2 },
        { .topic = "crash", .partition = 7 },
    };
    CHECK_EQ_INT(sl_lander_commit_many(l, items, 5), SL_ERR_INVALID);
    CHECK_EQ_INT(items[0].err, SL_OK);
    CHECK_EQ_INT(items[0].committed_last, 1);
    CHECK_EQ_INT(items[1].err, SL_OK);
    CHECK_EQ_INT(items[1].committed_last, 0);
    CHECK_EQ_INT(items[2].err, SL_ERR_INVALID);
    CHECK(strstr(items[2].errstr, "crash [0] is listed twice") != NULL);
    CHECK_EQ_INT(items[3].err, SL_OK);
    CHECK_EQ_INT(items[3].committed_last, -1);
    CHECK_EQ_INT(items[4].err, SL_ERR_INVALID);
    CHECK(strstr(items[4].errstr, "not assigned") != NULL);
    sl_lander_stats st;
    sl_lander_get_stats(l, &st);
    CHECK_EQ_INT(st.commits, 2);
    CHECK_EQ_INT(st.messages, 3);
    /* committed again: nothing new, both report their last */
    CHECK_EQ_INT(sl_lander_commit_many(l, items, 2), SL_OK);
    CHECK_EQ_INT(items[0].committed_last, 1);
    CHECK_EQ_INT(items[1].committed_last, 0);
    sl_lander_destroy(l);
    tally a = table_tally(s, "assessments", "keen_id");
    CHECK_EQ_INT(a.rows, 3);
    CHECK_EQ_INT(a.tmp_files, 0);
    manifest_messages = 0;
    CHECK_EQ_INT(sl_lake_manifest_each(s, sum_messages, NULL, err, sizeof err), SL_OK);
    CHECK_EQ_INT(manifest_messages, 3);
    drop_lake(s);
    sl_mapping_destroy(m);
}

/* ---- write threads: a file write fails on one of them ---- */

/* A store whose first write to a temporary options file of partition b fails;
 * everything else passes through. Files are created and written on the write
 * threads, concurrently, so the shared counters are atomic. */
typedef struct flaky_store {
    sl_store base;
    sl_store *inner;
    pthread_t caller;      /* the thread that drives the lander */
    atomic_int failures;   /* writes failed so far (at most 1) */
    atomic_int off_caller; /* 1: that write ran on another thread than the caller */
    atomic_int creates;    /* files created */
} flaky_store;

typedef struct flaky_file {
    sl_store_file base;
    sl_store_file *inner;
    flaky_store *s;
    int doomed; /* a temporary options file of partition b */
} flaky_file;

static sl_err ff_write(sl_store_file *f, const void *d, size_t n, char *e, size_t es)
{
    flaky_file *c = (flaky_file *)f;
    int none = 0;
    if (c->doomed && atomic_compare_exchange_strong(&c->s->failures, &none, 1)) {
        if (!pthread_equal(pthread_self(), c->s->caller))
            atomic_store(&c->s->off_caller, 1);
        return sl_errf(SL_ERR_IO, e, es, "injected write failure");
    }
    return c->inner->write(c->inner, d, n, e, es);
}
static sl_err ff_finish(sl_store_file *f, char *e, size_t es)
{
    flaky_file *c = (flaky_file *)f;
    sl_err r = c->inner->finish(c->inner, e, es);
    free(c);
    return r;
}
static void ff_abort(sl_store_file *f)
{
    flaky_file *c = (flaky_file *)f;
    c->inner->abort(c->inner);
    free(c);
}
static void fs_close(sl_store *b)
{
    flaky_store *s = (flaky_store *)b;
    sl_store_close(s->inner);
    free(s);
}
static sl_err fs_mkdirs(sl_store *b, const char *p, char *e, size_t es)
{
    return ((flaky_store *)b)->inner->ops->mkdirs(((flaky_store *)b)->inner, p, e, es);
}
static sl_err fs_create(sl_store *b, const char *p, sl_store_file **out, char *e, size_t es)
{
    flaky_store *s = (flaky_store *)b;
    flaky_file *c = calloc(1, sizeof *c);
    if (!c)
        return SL_ERR_NOMEM;
    sl_err r = s->inner->ops->create(s->inner, p, &c->inner, e, es);
    if (r != SL_OK) {
        free(c);
        return r;
    }
    atomic_fetch_add(&s->creates, 1);
    c->s = s;
    c->doomed = strncmp(p, "options/", 8) == 0 && strstr(p, "/_tmp.b+0+") != NULL;
    c->base.write = ff_write;
    c->base.finish = ff_finish;
    c->base.abort = ff_abort;
    *out = &c->base;
    return SL_OK;
}
static sl_err fs_rename(sl_store *b, const char *f, const char *t, char *e, size_t es)
{
    return ((flaky_store *)b)->inner->ops->rename(((flaky_store *)b)->inner, f, t, e, es);
}
static sl_err fs_del(sl_store *b, const char *p, int r, char *e, size_t es)
{
    return ((flaky_store *)b)->inner->ops->del(((flaky_store *)b)->inner, p, r, e, es);
}
static sl_err fs_stat(sl_store *b, const char *p, sl_store_info *st, char *e, size_t es)
{
    return ((flaky_store *)b)->inner->ops->stat(((flaky_store *)b)->inner, p, st, e, es);
}
static sl_err fs_list(sl_store *b, const char *d, sl_store_list_cb cb, void *ctx, char *e, size_t es)
{
    return ((flaky_store *)b)->inner->ops->list(((flaky_store *)b)->inner, d, cb, ctx, e, es);
}
static sl_err fs_open_in(sl_store *b, const char *p, sl_in *in, char *e, size_t es)
{
    return ((flaky_store *)b)->inner->ops->open_in(((flaky_store *)b)->inner, p, in, e, es);
}
static const sl_store_ops flaky_ops = { "flaky", fs_close, fs_mkdirs, fs_create, fs_rename,
                                        fs_del, fs_stat, fs_list, fs_open_in };

/* Partitions a and b each land the fixture twice over (14 messages, the second 7
 * duplicates) through two write threads, every add handing its rows to them. One
 * write to a file of b fails on a write thread: b, and only b, reports an error
 * (at one of its calls), is assigned again and goes on from where recovery says;
 * a never sees an error. In the end both partitions' messages are in the lake
 * exactly once, with no temporary file left. */
static void test_write_thread_error(void)
{
    sl_mapping *m = mapping();
    sl_store *s = fresh_lake();
    REQUIRE(s && m);
    flaky_store *fs = calloc(1, sizeof *fs);
    REQUIRE(fs);
    fs->base.ops = &flaky_ops;
    fs->inner = s;
    fs->caller = pthread_self();
    char err[512] = "";
    sl_lander_opts o = sl_lander_opts_default();
    o.write_threads = 2;
    o.stage_bytes = 1;
    o.max_rows = 40;
    o.pq.row_group_bytes = 4096;
    o.pq.page_bytes = 4096;
    o.pq.dict_max_bytes = 4096;
    o.dedupe_window = 1000;
    sl_lander *l = sl_lander_new(&fs->base, m, &o, err, sizeof err);
    REQUIRE(l);
    const char *topic[2] = { "a", "b" };
    int64_t next[2], last;
    int errors[2] = { 0, 0 }, done[2] = { 0, 0 };
    for (int t = 0; t < 2; t++) {
        REQUIRE(sl_lander_assign(l, topic[t], 0, &next[t], err, sizeof err) == SL_OK);
        next[t] = next[t] < 0 ? 0 : next[t];
    }
    for (int step = 0; step < 200 && !(done[0] && done[1]); step++) {
        int t = step % 2;
        if (done[t])
            continue;
        sl_err e;
        if (next[t] < 14) {
            size_t i = (size_t)next[t] % nlines;
            sl_origin og = { topic[t], 0, next[t], SL_TS_NULL, NULL, 0, NULL, 0 };
            e = sl_lander_add(l, topic[t], 0, lines[i], line_len[i], &og, err, sizeof err);
            if (e == SL_OK)
                next[t]++;
            sl_lander_due_item due[4];
            size_t n = sl_lander_due(l, 0, due, 4);
            for (size_t k = 0; k < n && e == SL_OK; k++)
                if (strcmp(due[k].topic, topic[t]) == 0)
                    e = sl_lander_commit(l, topic[t], 0, &last, err, sizeof err);
        } else {
            e = sl_lander_commit(l, topic[t], 0, &last, err, sizeof err);
            if (e == SL_OK) {
                CHECK_EQ_INT(last, 13);
                done[t] = 1;
            }
        }
        if (e != SL_OK) {
            errors[t]++;
            REQUIRE(sl_lander_assign(l, topic[t], 0, &next[t], err, sizeof err) == SL_OK);
            next[t] = next[t] < 0 ? 0 : next[t];
        }
    }
    CHECK(done[0] && done[1]);
    sl_lander_stats st;
    sl_lander_get_stats(l, &st);
    CHECK_EQ_INT(st.pending_messages, 0);
    sl_lander_destroy(l);
    CHECK_EQ_INT(atomic_load(&fs->failures), 1);
    CHECK_EQ_INT(atomic_load(&fs->off_caller), 1);
    CHECK(atomic_load(&fs->creates) > 6);
    CHECK_EQ_INT(errors[0], 0);
    CHECK(errors[1] >= 1);
    tally a = table_tally(s, "assessments", "keen_id"), q = table_tally(s, "questions", NULL),
          op = table_tally(s, "options", NULL);
    CHECK_EQ_INT(a.rows, 14);
    CHECK_EQ_INT(q.rows, 64);
    CHECK_EQ_INT(op.rows, 234);
    CHECK_EQ_INT(a.bad + q.bad + op.bad, 0);
    CHECK_EQ_INT(a.tmp_files + q.tmp_files + op.tmp_files, 0);
    for (size_t i = 0; i < nlines; i++) {
        char key[32];
        snprintf(key, sizeof key, "%.24s", strstr(lines[i], "\"keen_id\":\"") + 11);
        CHECK_EQ_INT(count_key(&a, key), 2); /* once per partition */
    }
    manifest_messages = 0;
    CHECK_EQ_INT(sl_lake_manifest_each(s, sum_messages, NULL, err, sizeof err), SL_OK);
    CHECK_EQ_INT(manifest_messages, 28);
    free(fs); /* the wrapper; the inner store goes with the lake */
    drop_lake(s);
    sl_mapping_destroy(m);
}

/* The stage shares the copy of a parent key among a message's child rows
 * (same source pointer and length). Messages given in one reused buffer, the
 * same length but another keen_id each, must still land each with its own
 * keen_id in every table: nothing is shared across messages. */
static void test_reused_buffer_keeps_keys(void)
{
    sl_store *s = fresh_lake();
    sl_mapping *m = mapping();
    REQUIRE(s && m);
    char err[512] = "";
    sl_lander_opts o = sl_lander_opts_default();
    sl_lander *l = sl_lander_new(s, m, &o, err, sizeof err);
    REQUIRE(l);
    int64_t resume, last;
    CHECK_EQ_INT(sl_lander_assign(l, "buf", 0, &resume, err, sizeof err), SL_OK);
    char *buf = strndup(lines[0], line_len[0]);
    REQUIRE(buf);
    char *k = strstr(buf, "\"keen_id\":\"");
    REQUIRE(k);
    k += strlen("\"keen_id\":\"");
    const char *key = lines[0] + (k - buf);
    const int n = 3;
    for (int i = 0; i < n; i++) {
        k[0] = (char)('A' + i); /* keen_ids Aa67..., Ba67..., Ca67... */
        CHECK_EQ_INT(add(l, "buf", i, buf, line_len[0]), SL_OK);
    }
    CHECK_EQ_INT(sl_lander_commit(l, "buf", 0, &last, err, sizeof err), SL_OK);
    sl_lander_destroy(l);
    free(buf);
    tally a = table_tally(s, "assessments", "keen_id");
    tally q = table_tally(s, "questions", "keen_id");
    tally op = table_tally(s, "options", "keen_id");
    CHECK_EQ_INT(a.rows, n);
    CHECK_EQ_INT(q.rows, 4 * n);
    CHECK(op.rows > 0 && op.rows <= 64);
    for (int i = 0; i < n; i++) {
        char want[32];
        snprintf(want, sizeof want, "%c%.23s", 'A' + i, key + 1);
        CHECK_EQ_INT(count_key(&a, want), 1);
        CHECK_EQ_INT(count_key(&q, want), 4);
        CHECK_EQ_INT(count_key(&op, want) * n, (int)op.rows);
    }
    sl_mapping_destroy(m);
    drop_lake(s);
}

int main(void)
{
    load_fixture();
    if (nlines != 7) {
        fprintf(stderr, "fixture %s: %zu records, expected 7\n", FIXTURE, nlines);
        return 1;
    }
    T_RUN(test_land_fixtures);
    T_RUN(test_duplicates_across_restart);
    T_RUN(test_range_longer_than_window);
    T_RUN(test_quarantine);
    T_RUN(test_due_and_errors);
    T_RUN(test_crash_at_every_step);
    T_RUN(test_crash_at_every_step_two_partitions);
    T_RUN(test_error_at_every_step);
    T_RUN(test_error_at_every_step_background);
    T_RUN(test_error_at_every_step_two_partitions);
    T_RUN(test_commit_many_items);
    T_RUN(test_write_thread_error);
    T_RUN(test_threads_keep_row_order);
    T_RUN(test_reused_buffer_keeps_keys);
    for (size_t i = 0; i < nlines; i++)
        free(lines[i]);
    return t_done();
}
