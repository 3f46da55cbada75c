/* test_lake_fence.c: ownership epochs (lake.h), the fence that keeps a lander which lost
 * its partition without noticing (stalled longer than its group session; two landers on
 * one lake) from committing or deleting anything of it (docs/EXACTLY_ONCE.md). Two
 * landers on one lake in one process play the stale owner and the new one. */
#include "lake/lake.h"
#include "lake/land.h"
#include "map/map.h"
#include "t.h"

#include <stdlib.h>
#include <unistd.h>

static char root[256];

static sl_store *fresh_lake(void)
{
    snprintf(root, sizeof root, "%s/sl_test_fence_XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        exit(1);
    }
    char err[256];
    sl_store *s = sl_store_open(root, NULL, err, sizeof err);
    if (!s)
        fprintf(stderr, "open: %s\n", err);
    return s;
}

static void drop_lake(sl_store *s)
{
    char err[256];
    sl_store_delete(s, "_sluice", 1, err, sizeof err);
    sl_store_delete(s, "guild_joins", 1, err, sizeof err);
    sl_store_delete(s, "purchases", 1, err, sizeof err);
    sl_store_delete(s, "_quarantine", 1, err, sizeof err);
    sl_store_close(s);
    if (rmdir(root) != 0)
        fprintf(stderr, "cleanup of %s failed\n", root);
}

typedef struct names {
    char list[1024];
    int n;
} names;

static int collect(void *ctx, const char *name, const sl_store_info *st)
{
    (void)st;
    names *ns = ctx;
    size_t used = strlen(ns->list);
    snprintf(ns->list + used, sizeof ns->list - used, "%s%s", ns->n ? " " : "", name);
    ns->n++;
    return 0;
}

/* The entries of dir, space-separated ("" when missing or empty). */
static names ls(sl_store *s, const char *dir)
{
    names ns;
    memset(&ns, 0, sizeof ns);
    char err[256];
    sl_store_list(s, dir, collect, &ns, err, sizeof err);
    return ns;
}

static const char *const TABLES[] = { "purchases", "guild_joins", "_quarantine" };

static void test_epochs_claimed_in_order(void)
{
    sl_store *s = fresh_lake();
    REQUIRE(s);
    char err[512];
    sl_lake_recovery rec;
    REQUIRE(sl_lake_recover(s, "t", 0, TABLES, 3, &rec, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(rec.epoch, 1);
    CHECK_EQ_STR(ls(s, "_sluice/owners/t/0").list, "00000000000000000001");
    CHECK_EQ_INT(sl_lake_owner_check(s, "t", 0, 1, err, sizeof err), SL_OK);

    /* a put_atomic leftover and a stray name are not epochs; the leftover goes */
    sl_store_file *f;
    REQUIRE(sl_store_create(s, "_sluice/owners/t/0/.00000000000000000009.77.88.tmp", &f, err, sizeof err) == SL_OK);
    REQUIRE(sl_store_file_finish(f, err, sizeof err) == SL_OK);
    REQUIRE(sl_lake_recover(s, "t", 0, TABLES, 3, &rec, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(rec.epoch, 2);
    CHECK_EQ_STR(ls(s, "_sluice/owners/t/0").list, "00000000000000000002"); /* older ones deleted */

    /* the holder of epoch 1 is fenced, with what and where */
    CHECK_EQ_INT(sl_lake_owner_check(s, "t", 0, 1, err, sizeof err), SL_ERR_FATAL);
    CHECK(strstr(err, "t [0] was recovered by another lander") != NULL);
    CHECK(strstr(err, "epoch 2 > 1") != NULL);
    CHECK_EQ_INT(sl_lake_owner_check(s, "t", 0, 2, err, sizeof err), SL_OK);

    /* partitions are independent; a newer epoch made by hand is respected */
    REQUIRE(sl_lake_recover(s, "t", 1, TABLES, 3, &rec, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(rec.epoch, 1);
    REQUIRE(sl_store_create(s, "_sluice/owners/t/1/00000000000000000007", &f, err, sizeof err) == SL_OK);
    REQUIRE(sl_store_file_finish(f, err, sizeof err) == SL_OK);
    REQUIRE(sl_lake_recover(s, "t", 1, TABLES, 3, &rec, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(rec.epoch, 8);
    CHECK_EQ_INT(sl_lake_owner_check(s, "t", 0, 2, err, sizeof err), SL_OK);
    drop_lake(s);
}

/* Adds `n` guild joins (one table, one day) at offsets first.. to lander l. */
static sl_err add_events(sl_lander *l, int64_t first, int n, char *err, size_t errsz)
{
    static const char ev[] = "{\"event_type\":\"join_guild\",\"userid\":\"u1\",\"timestamp\":\"2018-08-03T10:00:00Z\"}";
    for (int i = 0; i < n; i++) {
        sl_origin og = { "t", 0, first + i, SL_TS_NULL, NULL, 0, NULL, 0 };
        sl_err e = sl_lander_add(l, "t", 0, ev, sizeof ev - 1, &og, err, errsz);
        if (e != SL_OK)
            return e;
    }
    return SL_OK;
}

static void test_stale_owner_commits_and_deletes_nothing(void)
{
    char err[512];
    sl_mapping *m = sl_mapping_load("game-events", err, sizeof err);
    REQUIRE(m);
    sl_store *s = fresh_lake();
    REQUIRE(s);
    sl_store *s2 = sl_store_open(root, NULL, err, sizeof err); /* the other process's handle */
    REQUIRE(s2);
    sl_lander_opts o = sl_lander_opts_default();
    sl_lander *a = sl_lander_new(s, m, &o, err, sizeof err);
    sl_lander *b = sl_lander_new(s2, m, &o, err, sizeof err);
    REQUIRE(a && b);
    int64_t resume, last = -1;
    const char *dir = "guild_joins/dt=2018-08-03";

    /* A owns the partition and has an open range 0..9 (its rows staged; the
     * temporary file is made when they are first written) */
    REQUIRE(sl_lander_assign(a, "t", 0, &resume, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(resume, -1);
    REQUIRE(add_events(a, 0, 10, err, sizeof err) == SL_OK);

    /* B takes it over (A stalled): recovery leaves no temporary of the partition */
    REQUIRE(sl_lander_assign(b, "t", 0, &resume, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(resume, -1);
    CHECK_EQ_STR(ls(s, dir).list, "");
    REQUIRE(add_events(b, 0, 5, err, sizeof err) == SL_OK);

    /* A wakes up and commits: its rows reach a temporary file (made after B's
     * recovery, with the name B's range will want), but the commit is refused: no
     * manifest, and the temporary is left for the owner */
    CHECK_EQ_INT(sl_lander_commit(a, "t", 0, &last, err, sizeof err), SL_ERR_FATAL);
    CHECK(strstr(err, "was recovered by another lander") != NULL);
    CHECK_EQ_STR(ls(s, "_sluice/manifests/t/0").list, "");
    CHECK_EQ_STR(ls(s, dir).list, "_tmp.t+0+0.zstd.inprogress");

    /* B commits its range (replacing A's stale temporary): the only one in the lake,
     * with B's 5 rows */
    REQUIRE(sl_lander_commit(b, "t", 0, &last, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(last, 4);
    CHECK_EQ_STR(ls(s, "_sluice/manifests/t/0").list, "00000000000000000000-00000000000000000004.json");
    CHECK_EQ_STR(ls(s, dir).list, "t+0+0+4.zstd.parquet");

    /* A stale owner's rollback (revocation of a lost partition) deletes nothing either:
     * A takes the partition back (epoch 3), opens a range, B recovers again (epoch 4)
     * and opens its own; A's rollback deletes nothing (its rows reach a temporary on
     * the way, left for the owner). */
    REQUIRE(sl_lander_assign(a, "t", 0, &resume, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(resume, 5);
    REQUIRE(add_events(a, 5, 3, err, sizeof err) == SL_OK);
    REQUIRE(sl_lander_assign(b, "t", 0, &resume, err, sizeof err) == SL_OK);
    REQUIRE(add_events(b, 5, 2, err, sizeof err) == SL_OK);
    CHECK_EQ_STR(ls(s, dir).list, "t+0+0+4.zstd.parquet");
    CHECK_EQ_INT(sl_lander_revoke(a, "t", 0, 0, err, sizeof err), SL_OK);
    CHECK_EQ_STR(ls(s, dir).list, "_tmp.t+0+5.zstd.inprogress t+0+0+4.zstd.parquet");
    /* while the owner's own rollback deletes its temporary (replacing A's first) */
    CHECK_EQ_INT(sl_lander_revoke(b, "t", 0, 0, err, sizeof err), SL_OK);
    CHECK_EQ_STR(ls(s, dir).list, "t+0+0+4.zstd.parquet");

    sl_lander_destroy(a);
    sl_lander_destroy(b);
    sl_store_close(s2);
    drop_lake(s);
    sl_mapping_destroy(m);
}

int main(void)
{
    T_RUN(test_epochs_claimed_in_order);
    T_RUN(test_stale_owner_commits_and_deletes_nothing);
    return t_done();
}
