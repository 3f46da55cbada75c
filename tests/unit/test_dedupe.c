/* test_dedupe.c: the dedupe window (map.h): membership, FIFO eviction at
 * capacity, re-adding, and a long run checked against a plain reference. */
#include "t.h"

#include "map/map.h"

static void key_of(unsigned i, char *buf, size_t *len)
{
    *len = (size_t)snprintf(buf, 32, "5a67%020u", i); /* keen_id-like, 24 chars */
}

static void test_window_basics(void)
{
    sl_dedupe *d = sl_dedupe_new(3);
    REQUIRE(d);
    CHECK_EQ_INT(sl_dedupe_count(d), 0);
    CHECK(!sl_dedupe_seen(d, "a", 1));
    CHECK(sl_dedupe_add(d, "a", 1) == SL_OK);
    CHECK(sl_dedupe_seen(d, "a", 1));
    CHECK(!sl_dedupe_seen(d, "b", 1));
    CHECK(!sl_dedupe_seen(d, "a", 0));   /* the empty key is a different key */
    CHECK(!sl_dedupe_seen(d, "aa", 2));
    CHECK(sl_dedupe_add(d, "b", 1) == SL_OK);
    CHECK(sl_dedupe_add(d, "c", 1) == SL_OK);
    CHECK_EQ_INT(sl_dedupe_count(d), 3);
    /* Re-adding a key already in the window changes nothing (it keeps its place). */
    CHECK(sl_dedupe_add(d, "a", 1) == SL_OK);
    CHECK_EQ_INT(sl_dedupe_count(d), 3);
    /* A fourth key evicts the oldest, "a". */
    CHECK(sl_dedupe_add(d, "d", 1) == SL_OK);
    CHECK_EQ_INT(sl_dedupe_count(d), 3);
    CHECK(!sl_dedupe_seen(d, "a", 1));
    CHECK(sl_dedupe_seen(d, "b", 1));
    CHECK(sl_dedupe_seen(d, "c", 1));
    CHECK(sl_dedupe_seen(d, "d", 1));
    /* Then "b", then "c". */
    CHECK(sl_dedupe_add(d, "e", 1) == SL_OK);
    CHECK(!sl_dedupe_seen(d, "b", 1));
    CHECK(sl_dedupe_add(d, "a", 1) == SL_OK);
    CHECK(!sl_dedupe_seen(d, "c", 1));
    CHECK(sl_dedupe_seen(d, "a", 1) && sl_dedupe_seen(d, "d", 1) && sl_dedupe_seen(d, "e", 1));
    sl_dedupe_destroy(d);
}

static void test_zero_capacity(void)
{
    sl_dedupe *d = sl_dedupe_new(0);
    REQUIRE(d);
    CHECK(sl_dedupe_add(d, "a", 1) == SL_OK);
    CHECK(!sl_dedupe_seen(d, "a", 1));
    CHECK_EQ_INT(sl_dedupe_count(d), 0);
    sl_dedupe_destroy(d);
    sl_dedupe_destroy(NULL);
}

/* 200,000 keys through a window of 1,000: after each add, the last 1,000
 * distinct keys are seen and the 1,001st is not (checks eviction and the
 * backward-shift deletion under heavy churn). */
/* N distinct keys through a window of CAP: after each step exactly the last CAP
 * are seen. CAP above the starting size (1024 keys) makes the ring and the set
 * grow while keys arrive, then evict. */
static void long_run(size_t CAP, unsigned N)
{
    sl_dedupe *d = sl_dedupe_new(CAP);
    REQUIRE(d);
    char k[32];
    size_t n;
    size_t bad = 0;
    for (unsigned i = 0; i < N; i++) {
        key_of(i, k, &n);
        if (sl_dedupe_seen(d, k, n))
            bad++;
        REQUIRE(sl_dedupe_add(d, k, n) == SL_OK);
        if (i % 997 == 0) {
            for (unsigned j = i >= CAP ? i - CAP + 1 : 0; j <= i; j++) {
                key_of(j, k, &n);
                if (!sl_dedupe_seen(d, k, n))
                    bad++;
            }
            if (i >= CAP) {
                key_of(i - CAP, k, &n);
                if (sl_dedupe_seen(d, k, n))
                    bad++;
            }
        }
    }
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(sl_dedupe_count(d), CAP);
    sl_dedupe_destroy(d);
}

static void test_long_run(void)
{
    long_run(1000, 200000);
    long_run(5000, 60000);
    long_run(1025, 5000);
}

/* The pattern of the data: ~1.2% duplicates arriving soon after the original. */
static void test_duplicates_dropped(void)
{
    sl_dedupe *d = sl_dedupe_new(100);
    REQUIRE(d);
    char k[32];
    size_t n;
    unsigned dropped = 0, landed = 0;
    for (unsigned i = 0; i < 3280; i++) {
        unsigned id = (i % 80 == 79) ? i - 5 : i; /* every 80th record repeats one 5 back */
        key_of(id, k, &n);
        if (sl_dedupe_seen(d, k, n)) {
            dropped++;
            continue;
        }
        landed++;
        REQUIRE(sl_dedupe_add(d, k, n) == SL_OK);
    }
    CHECK_EQ_INT(dropped, 41);
    CHECK_EQ_INT(landed, 3280 - 41);
    sl_dedupe_destroy(d);
}

/* Caller-hashed keys: kept as given (0 as 1), and read back newest last,
 * across the ring's wrap. */
static void test_newest_hashes(void)
{
    sl_dedupe *d = sl_dedupe_new(5);
    REQUIRE(d);
    const uint64_t *a, *b;
    size_t na, nb;
    CHECK_EQ_INT(sl_dedupe_newest(d, 3, &a, &na, &b, &nb), 0);
    CHECK_EQ_INT(na + nb, 0);
    for (uint64_t h = 101; h <= 103; h++)
        REQUIRE(sl_dedupe_add_hash(d, h) == SL_OK);
    CHECK_EQ_INT(sl_dedupe_newest(d, 10, &a, &na, &b, &nb), 3);
    CHECK_EQ_INT(na, 3);
    CHECK_EQ_INT(nb, 0);
    CHECK(a[0] == 101 && a[1] == 102 && a[2] == 103);
    for (uint64_t h = 104; h <= 112; h++)
        REQUIRE(sl_dedupe_add_hash(d, h) == SL_OK);
    CHECK_EQ_INT(sl_dedupe_count(d), 5);
    CHECK(!sl_dedupe_seen_hash(d, 107));
    CHECK(sl_dedupe_seen_hash(d, 108));
    /* 108..112 sit at ring positions 2, 3, 4, 0, 1: two runs */
    CHECK_EQ_INT(sl_dedupe_newest(d, 5, &a, &na, &b, &nb), 5);
    CHECK_EQ_INT(na, 3);
    CHECK_EQ_INT(nb, 2);
    CHECK(a[0] == 108 && a[1] == 109 && a[2] == 110 && b[0] == 111 && b[1] == 112);
    CHECK_EQ_INT(sl_dedupe_newest(d, 2, &a, &na, &b, &nb), 2);
    CHECK(na == 2 && nb == 0 && a[0] == 111 && a[1] == 112);
    /* 0 is a key like any other, kept as 1 */
    CHECK(!sl_dedupe_seen_hash(d, 0));
    REQUIRE(sl_dedupe_add_hash(d, 0) == SL_OK);
    CHECK(sl_dedupe_seen_hash(d, 0));
    CHECK(sl_dedupe_seen_hash(d, 1));
    CHECK_EQ_INT(sl_dedupe_newest(d, 1, &a, &na, &b, &nb), 1);
    CHECK(na + nb == 1 && (na ? a[0] : b[0]) == 1);
    CHECK(!sl_dedupe_seen_hash(d, 108)); /* evicted by the sixth key */
    sl_dedupe_destroy(d);
}

int main(void)
{
    T_RUN(test_window_basics);
    T_RUN(test_zero_capacity);
    T_RUN(test_long_run);
    T_RUN(test_duplicates_dropped);
    T_RUN(test_newest_hashes);
    return t_done();
}
