/* test_store_local.c: the local-folder store (src/lake/store_local.c) and the
 * generic store helpers (src/lake/store.c). */
#include "lake/store.h"
#include "t.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmproot[256];

/* A fresh empty folder for one test; its path is in tmproot. */
static void fresh_dir(void)
{
    snprintf(tmproot, sizeof tmproot, "/tmp/sl_test_store_XXXXXX");
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

/* Opens a store on tmproot/lake (created by the open). */
static sl_store *open_lake(void)
{
    char path[400], err[256] = "";
    snprintf(path, sizeof path, "%s/lake/sub", tmproot);
    sl_store *s = sl_store_open(path, NULL, err, sizeof err);
    if (!s)
        fprintf(stderr, "open: %s\n", err);
    return s;
}

static sl_err write_file(sl_store *s, const char *path, const char *text)
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

/* Reads a whole file as a NUL-terminated string (caller frees), NULL when missing. */
static char *read_text(sl_store *s, const char *path)
{
    sl_buf b = { 0 };
    char err[256];
    if (sl_store_read_all(s, path, &b, err, sizeof err) != SL_OK) {
        sl_buf_free(&b);
        return NULL;
    }
    if (!b.data)
        return strdup("");
    return (char *)b.data;
}

static void test_open_creates_root_and_kind(void)
{
    fresh_dir();
    sl_store *s = open_lake();
    REQUIRE(s);
    CHECK_EQ_STR(sl_store_kind(s), "local");
    char path[400];
    struct stat st;
    snprintf(path, sizeof path, "%s/lake/sub", tmproot);
    CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
    sl_store_close(s);

    /* file:// form, and refusals. */
    char uri[400], err[256] = "";
    snprintf(uri, sizeof uri, "file://%s/lake2", tmproot);
    s = sl_store_open(uri, NULL, err, sizeof err);
    CHECK(s != NULL);
    sl_store_close(s);
    snprintf(path, sizeof path, "%s/lake2", tmproot);
    CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
    /* webhdfs:// goes to the WebHDFS store (tested in test_store_webhdfs.c): its URI check. */
    CHECK(sl_store_open("webhdfs://nn:9870/lake?bogus=1", NULL, err, sizeof err) == NULL);
    CHECK(strstr(err, "unknown option 'bogus'") != NULL);
    CHECK(sl_store_open("s3://bucket/x", NULL, err, sizeof err) == NULL);
    CHECK(strstr(err, "unsupported scheme 's3'") != NULL);
    CHECK(sl_store_open("", NULL, err, sizeof err) == NULL);
    rm_dir();
}

static void test_create_write_read_modes(void)
{
    fresh_dir();
    sl_store *s = open_lake();
    REQUIRE(s);
    CHECK_EQ_INT(write_file(s, "t/dt=2018-01-23/a.txt", "hello"), SL_OK);
    char *txt = read_text(s, "t/dt=2018-01-23/a.txt");
    CHECK_EQ_STR(txt, "hello");
    free(txt);
    sl_store_info st;
    char err[256];
    CHECK_EQ_INT(sl_store_stat(s, "t/dt=2018-01-23/a.txt", &st, err, sizeof err), SL_OK);
    CHECK_EQ_INT(st.size, 5);
    CHECK_EQ_INT(st.is_dir, 0);
    CHECK_EQ_INT(sl_store_stat(s, "t/dt=2018-01-23", &st, err, sizeof err), SL_OK);
    CHECK_EQ_INT(st.is_dir, 1);
    CHECK_EQ_INT(sl_store_stat(s, "t/nope", &st, err, sizeof err), SL_ERR_NOTFOUND);
    CHECK_EQ_INT(sl_store_stat(s, "t/dt=2018-01-23/a.txt/x", &st, err, sizeof err), SL_ERR_NOTFOUND);

    /* Modes: files 0640, folders 0750 (the default umask 022 does not touch them). */
    mode_t old = umask(022);
    char path[400];
    struct stat pst;
    snprintf(path, sizeof path, "%s/lake/sub/t/dt=2018-01-23/a.txt", tmproot);
    CHECK(stat(path, &pst) == 0 && (pst.st_mode & 0777) == 0640);
    snprintf(path, sizeof path, "%s/lake/sub/t/dt=2018-01-23", tmproot);
    CHECK(stat(path, &pst) == 0 && (pst.st_mode & 0777) == 0750);
    umask(old);

    /* Refuses to overwrite; the original stays. */
    CHECK_EQ_INT(write_file(s, "t/dt=2018-01-23/a.txt", "other"), SL_ERR_EXISTS);
    txt = read_text(s, "t/dt=2018-01-23/a.txt");
    CHECK_EQ_STR(txt, "hello");
    free(txt);

    /* A folder where a file is: mkdirs says so. */
    CHECK_EQ_INT(sl_store_mkdirs(s, "t/dt=2018-01-23/a.txt/x", err, sizeof err), SL_ERR_EXISTS);
    CHECK(strstr(err, "not a folder") != NULL);
    sl_store_close(s);
    rm_dir();
}

/* Writes of many sizes arrive intact: small ones that grow the write buffer
 * from its first size through each doubling to its full size (16 KiB), one
 * that fills it exactly, ones that overflow it, and ones larger than it. */
static void test_streaming_large_file(void)
{
    fresh_dir();
    sl_store *s = open_lake();
    REQUIRE(s);
    sl_store_file *f;
    char err[256];
    REQUIRE(sl_store_create(s, "big.bin", &f, err, sizeof err) == SL_OK);
    sl_out o = sl_store_file_out(f);
    size_t total = 0;
    uint8_t *chunk = malloc(700000);
    REQUIRE(chunk);
    uint32_t x = 12345;
    size_t sizes[] = { 1, 7, 300, 600, 1500, 5000, 9000, 8191, 8193, 16383, 2,
                       100000, 3, 300000, 700000, 5, 131072, 262144, 262143, 1 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        for (size_t j = 0; j < sizes[i]; j++) {
            x = x * 1103515245u + 12345u;
            chunk[j] = (uint8_t)(x >> 24);
        }
        CHECK_EQ_INT(o.write(o.ctx, chunk, sizes[i], err, sizeof err), SL_OK);
        total += sizes[i];
    }
    CHECK_EQ_INT(sl_store_file_finish(f, err, sizeof err), SL_OK);
    sl_in in;
    REQUIRE(sl_store_open_in(s, "big.bin", &in, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(in.size, total);
    /* Regenerate the same stream and compare piecewise with read_at. */
    x = 12345;
    uint64_t off = 0;
    int same = 1;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        for (size_t j = 0; j < sizes[i]; j++) {
            x = x * 1103515245u + 12345u;
            chunk[j] = (uint8_t)(x >> 24);
        }
        uint8_t *got = malloc(sizes[i]);
        REQUIRE(got);
        CHECK_EQ_INT(in.read_at(&in, off, got, sizes[i], err, sizeof err), SL_OK);
        if (memcmp(got, chunk, sizes[i]) != 0)
            same = 0;
        free(got);
        off += sizes[i];
    }
    CHECK(same);
    uint8_t b;
    CHECK_EQ_INT(in.read_at(&in, total, &b, 1, err, sizeof err), SL_ERR_CORRUPT);
    CHECK(strstr(err, "past the end") != NULL);
    sl_store_in_close(&in);
    CHECK(in.ctx == NULL);
    free(chunk);

    /* An aborted file is gone. */
    REQUIRE(sl_store_create(s, "gone.bin", &f, err, sizeof err) == SL_OK);
    o = sl_store_file_out(f);
    CHECK_EQ_INT(o.write(o.ctx, "abc", 3, err, sizeof err), SL_OK);
    sl_store_file_abort(f);
    sl_store_info st;
    CHECK_EQ_INT(sl_store_stat(s, "gone.bin", &st, err, sizeof err), SL_ERR_NOTFOUND);
    CHECK_EQ_INT(sl_store_open_in(s, "gone.bin", &in, err, sizeof err), SL_ERR_NOTFOUND);
    CHECK_EQ_INT(sl_store_open_in(s, "", &in, err, sizeof err), SL_ERR_INVALID);
    sl_store_close(s);
    rm_dir();
}

static void test_rename_no_overwrite(void)
{
    fresh_dir();
    sl_store *s = open_lake();
    REQUIRE(s);
    char err[256];
    REQUIRE(write_file(s, "d/_tmp.a", "A") == SL_OK);
    REQUIRE(write_file(s, "d/b", "B") == SL_OK);
    /* Target exists: refused, both unchanged. */
    CHECK_EQ_INT(sl_store_rename(s, "d/_tmp.a", "d/b", err, sizeof err), SL_ERR_EXISTS);
    char *a = read_text(s, "d/_tmp.a"), *b = read_text(s, "d/b");
    CHECK_EQ_STR(a, "A");
    CHECK_EQ_STR(b, "B");
    free(a);
    free(b);
    /* Source missing. */
    CHECK_EQ_INT(sl_store_rename(s, "d/nope", "d/c", err, sizeof err), SL_ERR_NOTFOUND);
    /* A rename into a folder that does not exist yet creates it. */
    CHECK_EQ_INT(sl_store_rename(s, "d/_tmp.a", "e/f/a", err, sizeof err), SL_OK);
    a = read_text(s, "e/f/a");
    CHECK_EQ_STR(a, "A");
    free(a);
    sl_store_info st;
    CHECK_EQ_INT(sl_store_stat(s, "d/_tmp.a", &st, err, sizeof err), SL_ERR_NOTFOUND);
    sl_store_close(s);
    rm_dir();
}

typedef struct names {
    char buf[1024];
    int count;
    int stop_after;
} names;

static int collect(void *ctx, const char *name, const sl_store_info *st)
{
    names *n = ctx;
    size_t l = strlen(n->buf);
    snprintf(n->buf + l, sizeof n->buf - l, "%s%s%s", n->count ? "," : "", name, st->is_dir ? "/" : "");
    n->count++;
    return n->stop_after && n->count >= n->stop_after;
}

static void test_list_sorted_and_delete(void)
{
    fresh_dir();
    sl_store *s = open_lake();
    REQUIRE(s);
    char err[256];
    REQUIRE(write_file(s, "m/b", "1") == SL_OK);
    REQUIRE(write_file(s, "m/a", "22") == SL_OK);
    REQUIRE(write_file(s, "m/C", "333") == SL_OK);
    REQUIRE(write_file(s, "m/00000000000000000010-x", "") == SL_OK);
    REQUIRE(write_file(s, "m/00000000000000000009-x", "") == SL_OK);
    REQUIRE(sl_store_mkdirs(s, "m/z/deep", err, sizeof err) == SL_OK);
    names n = { "", 0, 0 };
    CHECK_EQ_INT(sl_store_list(s, "m", collect, &n, err, sizeof err), SL_OK);
    CHECK_EQ_STR(n.buf, "00000000000000000009-x,00000000000000000010-x,C,a,b,z/");
    names stop = { "", 0, 2 };
    CHECK_EQ_INT(sl_store_list(s, "m", collect, &stop, err, sizeof err), SL_OK);
    CHECK_EQ_INT(stop.count, 2);
    names root = { "", 0, 0 };
    CHECK_EQ_INT(sl_store_list(s, "", collect, &root, err, sizeof err), SL_OK);
    CHECK_EQ_STR(root.buf, "m/");
    CHECK_EQ_INT(sl_store_list(s, "missing", collect, &n, err, sizeof err), SL_ERR_NOTFOUND);
    CHECK_EQ_INT(sl_store_list(s, "m/a", collect, &n, err, sizeof err), SL_ERR_NOTFOUND);

    /* Deletes: a file, a missing file (fine), a non-empty folder (refused unless recursive). */
    CHECK_EQ_INT(sl_store_delete(s, "m/a", 0, err, sizeof err), SL_OK);
    CHECK_EQ_INT(sl_store_delete(s, "m/a", 0, err, sizeof err), SL_OK);
    sl_store_info st;
    CHECK_EQ_INT(sl_store_stat(s, "m/a", &st, err, sizeof err), SL_ERR_NOTFOUND);
    CHECK(sl_store_delete(s, "m", 0, err, sizeof err) != SL_OK);
    CHECK_EQ_INT(sl_store_stat(s, "m/b", &st, err, sizeof err), SL_OK);
    CHECK_EQ_INT(sl_store_delete(s, "m/z/deep", 0, err, sizeof err), SL_OK); /* empty folder */
    CHECK_EQ_INT(sl_store_delete(s, "m", 1, err, sizeof err), SL_OK);
    CHECK_EQ_INT(sl_store_stat(s, "m", &st, err, sizeof err), SL_ERR_NOTFOUND);
    sl_store_close(s);
    rm_dir();
}

static void test_put_atomic(void)
{
    fresh_dir();
    sl_store *s = open_lake();
    REQUIRE(s);
    char err[256];
    CHECK_EQ_INT(sl_store_put_atomic(s, "_sluice/manifests/t/0/x.json", "{\"a\":1}", 7, err, sizeof err),
                 SL_OK);
    char *txt = read_text(s, "_sluice/manifests/t/0/x.json");
    CHECK_EQ_STR(txt, "{\"a\":1}");
    free(txt);
    /* The final name exists: refused, content unchanged, no temporary left behind. */
    CHECK_EQ_INT(sl_store_put_atomic(s, "_sluice/manifests/t/0/x.json", "{}", 2, err, sizeof err),
                 SL_ERR_EXISTS);
    txt = read_text(s, "_sluice/manifests/t/0/x.json");
    CHECK_EQ_STR(txt, "{\"a\":1}");
    free(txt);
    CHECK_EQ_INT(sl_store_put_atomic(s, "empty", "", 0, err, sizeof err), SL_OK);
    sl_store_info st;
    CHECK_EQ_INT(sl_store_stat(s, "empty", &st, err, sizeof err), SL_OK);
    CHECK_EQ_INT(st.size, 0);
    names n = { "", 0, 0 };
    CHECK_EQ_INT(sl_store_list(s, "_sluice/manifests/t/0", collect, &n, err, sizeof err), SL_OK);
    CHECK_EQ_STR(n.buf, "x.json");
    sl_store_close(s);
    rm_dir();
}

/* put_temp, put_atomic's first half: a hidden temporary next to the final name,
 * finished but not renamed; the caller renames it. */
static void test_put_temp(void)
{
    fresh_dir();
    sl_store *s = open_lake();
    REQUIRE(s);
    char err[256];
    char *tmp = NULL;
    CHECK_EQ_INT(sl_store_put_temp(s, "m/a.json", "{\"b\":2}", 7, &tmp, err, sizeof err), SL_OK);
    REQUIRE(tmp);
    CHECK(strncmp(tmp, "m/.a.json.", 10) == 0);
    CHECK(strlen(tmp) > 14 && strcmp(tmp + strlen(tmp) - 4, ".tmp") == 0);
    sl_store_info st;
    CHECK_EQ_INT(sl_store_stat(s, tmp, &st, err, sizeof err), SL_OK);
    CHECK_EQ_INT(st.size, 7);
    CHECK_EQ_INT(sl_store_stat(s, "m/a.json", &st, err, sizeof err), SL_ERR_NOTFOUND);
    names n = { "", 0, 0 };
    CHECK_EQ_INT(sl_store_list(s, "m", collect, &n, err, sizeof err), SL_OK);
    CHECK_EQ_STR(n.buf, tmp + 2); /* the only name; hidden from readers by its leading '.' */
    CHECK_EQ_INT(sl_store_rename(s, tmp, "m/a.json", err, sizeof err), SL_OK);
    char *txt = read_text(s, "m/a.json");
    CHECK_EQ_STR(txt, "{\"b\":2}");
    free(txt);
    free(tmp);
    tmp = (char *)"x";
    CHECK_EQ_INT(sl_store_put_temp(s, "../x", "x", 1, &tmp, err, sizeof err), SL_ERR_INVALID);
    CHECK(tmp == NULL);
    sl_store_close(s);
    rm_dir();
}

static void test_invalid_paths(void)
{
    fresh_dir();
    sl_store *s = open_lake();
    REQUIRE(s);
    const char *bad[] = { "../x", "/etc/passwd", "a//b", "a/./b", "a/..", "..", ".", "a/", "" };
    char err[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sl_store_file *f = (sl_store_file *)1;
        err[0] = 0;
        CHECK_EQ_INT(sl_store_create(s, bad[i], &f, err, sizeof err), SL_ERR_INVALID);
        CHECK(f == NULL);
        CHECK(err[0] != 0);
        CHECK_EQ_INT(sl_store_put_atomic(s, bad[i], "x", 1, err, sizeof err), SL_ERR_INVALID);
        CHECK_EQ_INT(sl_store_delete(s, bad[i], 1, err, sizeof err), SL_ERR_INVALID);
        CHECK_EQ_INT(sl_store_rename(s, "ok", bad[i], err, sizeof err), SL_ERR_INVALID);
        CHECK_EQ_INT(sl_store_rename(s, bad[i], "ok", err, sizeof err), SL_ERR_INVALID);
        sl_in in;
        CHECK_EQ_INT(sl_store_open_in(s, bad[i], &in, err, sizeof err), SL_ERR_INVALID);
        if (bad[i][0]) {
            sl_store_info st;
            CHECK_EQ_INT(sl_store_stat(s, bad[i], &st, err, sizeof err), SL_ERR_INVALID);
            CHECK_EQ_INT(sl_store_mkdirs(s, bad[i], err, sizeof err), SL_ERR_INVALID);
        }
    }
    CHECK_EQ_INT(sl_store_delete(s, "../x", 1, err, sizeof err), SL_ERR_INVALID);
    CHECK(strstr(err, "'..'") != NULL);
    CHECK_EQ_INT(sl_store_create(s, "/abs", &(sl_store_file *){ 0 }, err, sizeof err), SL_ERR_INVALID);
    CHECK(strstr(err, "absolute") != NULL);
    /* Nothing escaped the lake. */
    char path[400];
    struct stat st;
    snprintf(path, sizeof path, "%s/lake/x", tmproot);
    CHECK(stat(path, &st) != 0);
    sl_store_close(s);
    rm_dir();
}

/* Both durability modes behave the same to a caller: fsync_each syncs as it goes,
 * the default syncs at sl_store_sync. */
static void test_sync_modes(void)
{
    fresh_dir();
    for (int each = 0; each <= 1; each++) {
        char path[400], err[256] = "";
        snprintf(path, sizeof path, "%s/lake%d", tmproot, each);
        sl_store_opts o = { 0 };
        o.fsync_each = each;
        sl_store *s = sl_store_open(path, &o, err, sizeof err);
        REQUIRE(s);
        CHECK_EQ_INT(write_file(s, "a/b/_tmp.x", "data"), SL_OK);
        CHECK_EQ_INT(sl_store_sync(s, err, sizeof err), SL_OK);
        CHECK_EQ_INT(sl_store_rename(s, "a/b/_tmp.x", "a/b/x", err, sizeof err), SL_OK);
        CHECK_EQ_INT(sl_store_sync(s, err, sizeof err), SL_OK);
        CHECK_EQ_INT(sl_store_put_atomic(s, "m/1.json", "{}", 2, err, sizeof err), SL_OK);
        char *t = read_text(s, "a/b/x");
        CHECK_EQ_STR(t, "data");
        free(t);
        t = read_text(s, "m/1.json");
        CHECK_EQ_STR(t, "{}");
        free(t);
        sl_store_close(s);
    }
    rm_dir();
}

int main(void)
{
    T_RUN(test_open_creates_root_and_kind);
    T_RUN(test_create_write_read_modes);
    T_RUN(test_streaming_large_file);
    T_RUN(test_rename_no_overwrite);
    T_RUN(test_list_sorted_and_delete);
    T_RUN(test_put_atomic);
    T_RUN(test_put_temp);
    T_RUN(test_invalid_paths);
    T_RUN(test_sync_modes);
    return t_done();
}
