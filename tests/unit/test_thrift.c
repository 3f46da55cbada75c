/* test_thrift.c: Thrift compact protocol (encode, pull decode, skip, tree),
 * the RLE/bit-packed hybrid, bit-packing, INT96 and the page codecs. */
#include <float.h>
#include <math.h>

#include "parquet/codec.h"
#include "parquet/encoding.h"
#include "parquet/thrift.h"
#include "t.h"

/* xorshift64*: deterministic test data */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* Encodes a struct exercising every type; returns the encoder status. */
static sl_err encode_sample(sl_buf *b)
{
    sl_thrift_enc e;
    sl_thrift_enc_init(&e, b);
    sl_thrift_enc_struct_begin(&e, 0);
    sl_thrift_enc_field_bool(&e, 1, 1);
    sl_thrift_enc_field_bool(&e, 2, 0);
    sl_thrift_enc_field_byte(&e, 3, -7);
    sl_thrift_enc_field_i16(&e, 4, -32768);
    sl_thrift_enc_field_i32(&e, 5, INT32_MIN);
    sl_thrift_enc_field_i64(&e, 6, INT64_MIN);
    sl_thrift_enc_field_i64(&e, 7, INT64_MAX);
    sl_thrift_enc_field_double(&e, 8, -1.5e300);
    sl_thrift_enc_field_binary(&e, 9, "hello", 5);
    sl_thrift_enc_field_binary(&e, 10, "", 0);
    /* a long jump in field id (> 15): long form header */
    sl_thrift_enc_field_i32(&e, 300, -1);
    /* lower id after a higher one: long form too */
    sl_thrift_enc_field_i32(&e, 11, 123456);
    sl_thrift_enc_field_list(&e, 12, SL_THRIFT_I32, 20); /* >= 15 elements: varint size */
    for (int i = 0; i < 20; i++)
        sl_thrift_enc_i32(&e, i * -1000);
    sl_thrift_enc_field_list(&e, 13, SL_THRIFT_BOOL, 3);
    sl_thrift_enc_bool(&e, 1);
    sl_thrift_enc_bool(&e, 0);
    sl_thrift_enc_bool(&e, 1);
    sl_thrift_enc_struct_begin(&e, 14); /* nested struct */
    sl_thrift_enc_field_i64(&e, 1, 42);
    sl_thrift_enc_struct_begin(&e, 2);
    sl_thrift_enc_field_binary(&e, 1, "deep", 4);
    sl_thrift_enc_struct_end(&e);
    sl_thrift_enc_struct_end(&e);
    sl_thrift_enc_field_list(&e, 15, SL_THRIFT_STRUCT, 2);
    for (int i = 0; i < 2; i++) {
        sl_thrift_enc_struct_begin(&e, 0);
        sl_thrift_enc_field_i32(&e, 1, i + 100);
        sl_thrift_enc_struct_end(&e);
    }
    sl_thrift_enc_field_map(&e, 16, SL_THRIFT_BINARY, SL_THRIFT_I64, 2);
    sl_thrift_enc_binary(&e, "a", 1);
    sl_thrift_enc_i64(&e, -5);
    sl_thrift_enc_binary(&e, "bb", 2);
    sl_thrift_enc_i64(&e, 1LL << 40);
    sl_thrift_enc_field_double(&e, 17, -0.0);
    sl_thrift_enc_struct_end(&e);
    return sl_thrift_enc_finish(&e);
}

static void test_varint_and_zigzag_bytes(void)
{
    /* exact bytes of the compact protocol for a few known values */
    sl_buf b = {0};
    sl_thrift_enc e;
    sl_thrift_enc_init(&e, &b);
    sl_thrift_enc_struct_begin(&e, 0);
    sl_thrift_enc_field_i32(&e, 1, 0);     /* 0x15 0x00 */
    sl_thrift_enc_field_i32(&e, 2, -1);    /* 0x15 0x01 */
    sl_thrift_enc_field_i32(&e, 3, 1);     /* 0x15 0x02 */
    sl_thrift_enc_field_i32(&e, 4, 64);    /* 0x15 0x80 0x01 */
    sl_thrift_enc_field_bool(&e, 5, 1);    /* 0x11 */
    sl_thrift_enc_field_bool(&e, 6, 0);    /* 0x12 */
    sl_thrift_enc_field_i64(&e, 100, 3);   /* 0x06 0xc8 0x01 0x06 */
    sl_thrift_enc_struct_end(&e);          /* 0x00 */
    REQUIRE(sl_thrift_enc_finish(&e) == SL_OK);
    const uint8_t want[] = {0x15, 0x00, 0x15, 0x01, 0x15, 0x02, 0x15, 0x80, 0x01, 0x11,
                            0x12, 0x06, 0xc8, 0x01, 0x06, 0x00};
    CHECK_EQ_INT(b.len, sizeof want);
    CHECK(b.len == sizeof want && memcmp(b.data, want, sizeof want) == 0);
    sl_buf_free(&b);

    uint8_t tmp[10];
    uint64_t v;
    CHECK_EQ_INT(sl_thrift_uvarint_put(tmp, UINT64_MAX), 10);
    CHECK_EQ_INT(sl_thrift_uvarint_get(tmp, tmp + 10, &v), 10);
    CHECK(v == UINT64_MAX);
    CHECK_EQ_INT(sl_thrift_uvarint_get(tmp, tmp + 9, &v), 0); /* truncated */
    uint8_t overlong[11] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0};
    CHECK_EQ_INT(sl_thrift_uvarint_get(overlong, overlong + 11, &v), 0); /* > 64 bits */
}

static void test_roundtrip_pull(void)
{
    sl_buf b = {0};
    char err[256] = "";
    REQUIRE(encode_sample(&b) == SL_OK);
    sl_thrift_dec d;
    sl_thrift_dec_init(&d, b.data, b.len, 0, err, sizeof err);
    REQUIRE(sl_thrift_dec_struct_begin(&d) == SL_OK);
    int16_t fid;
    int type, seen = 0;
    for (;;) {
        REQUIRE(sl_thrift_dec_field(&d, &fid, &type) == SL_OK);
        if (type == SL_THRIFT_STOP)
            break;
        seen++;
        switch (fid) {
        case 1:
        case 2: {
            int v;
            CHECK_EQ_INT(type, SL_THRIFT_BOOL);
            REQUIRE(sl_thrift_dec_bool(&d, &v) == SL_OK);
            CHECK_EQ_INT(v, fid == 1);
            break;
        }
        case 3: {
            int8_t v;
            REQUIRE(sl_thrift_dec_byte(&d, &v) == SL_OK);
            CHECK_EQ_INT(v, -7);
            break;
        }
        case 4: {
            int16_t v;
            REQUIRE(sl_thrift_dec_i16(&d, &v) == SL_OK);
            CHECK_EQ_INT(v, -32768);
            break;
        }
        case 5: {
            int32_t v;
            REQUIRE(sl_thrift_dec_i32(&d, &v) == SL_OK);
            CHECK_EQ_INT(v, INT32_MIN);
            break;
        }
        case 6:
        case 7: {
            int64_t v;
            REQUIRE(sl_thrift_dec_i64(&d, &v) == SL_OK);
            CHECK(v == (fid == 6 ? INT64_MIN : INT64_MAX));
            break;
        }
        case 8: {
            double v;
            REQUIRE(sl_thrift_dec_double(&d, &v) == SL_OK);
            CHECK(v == -1.5e300);
            break;
        }
        case 9:
        case 10: {
            const uint8_t *p;
            size_t n;
            REQUIRE(sl_thrift_dec_binary(&d, &p, &n) == SL_OK);
            CHECK_EQ_INT(n, fid == 9 ? 5 : 0);
            CHECK(fid == 10 || memcmp(p, "hello", 5) == 0);
            break;
        }
        case 300:
        case 11: {
            int32_t v;
            REQUIRE(sl_thrift_dec_i32(&d, &v) == SL_OK);
            CHECK_EQ_INT(v, fid == 300 ? -1 : 123456);
            break;
        }
        case 12: {
            int et;
            uint32_t n;
            REQUIRE(sl_thrift_dec_list(&d, &et, &n) == SL_OK);
            CHECK_EQ_INT(et, SL_THRIFT_I32);
            CHECK_EQ_INT(n, 20);
            for (uint32_t i = 0; i < n; i++) {
                int32_t v;
                REQUIRE(sl_thrift_dec_i32(&d, &v) == SL_OK);
                CHECK_EQ_INT(v, (int)i * -1000);
            }
            break;
        }
        case 13: {
            int et, v;
            uint32_t n;
            REQUIRE(sl_thrift_dec_list(&d, &et, &n) == SL_OK);
            CHECK_EQ_INT(et, SL_THRIFT_BOOL);
            CHECK_EQ_INT(n, 3);
            for (uint32_t i = 0; i < n; i++) {
                REQUIRE(sl_thrift_dec_bool(&d, &v) == SL_OK);
                CHECK_EQ_INT(v, i != 1);
            }
            break;
        }
        case 14: {
            /* read field 1, skip nested field 2 */
            REQUIRE(sl_thrift_dec_struct_begin(&d) == SL_OK);
            int16_t f2;
            int t2;
            REQUIRE(sl_thrift_dec_field(&d, &f2, &t2) == SL_OK);
            CHECK_EQ_INT(f2, 1);
            int64_t v;
            REQUIRE(sl_thrift_dec_i64(&d, &v) == SL_OK);
            CHECK_EQ_INT(v, 42);
            REQUIRE(sl_thrift_dec_field(&d, &f2, &t2) == SL_OK);
            CHECK_EQ_INT(f2, 2);
            CHECK_EQ_INT(t2, SL_THRIFT_STRUCT);
            REQUIRE(sl_thrift_dec_skip(&d, t2) == SL_OK);
            REQUIRE(sl_thrift_dec_field(&d, &f2, &t2) == SL_OK);
            CHECK_EQ_INT(t2, SL_THRIFT_STOP);
            break;
        }
        case 15:
        case 16:
            REQUIRE(sl_thrift_dec_skip(&d, type) == SL_OK); /* skip list<struct>, map */
            break;
        case 17: {
            double v;
            REQUIRE(sl_thrift_dec_double(&d, &v) == SL_OK);
            CHECK(v == 0.0 && signbit(v));
            break;
        }
        default:
            CHECK(!"unexpected field");
            REQUIRE(sl_thrift_dec_skip(&d, type) == SL_OK);
        }
    }
    CHECK_EQ_INT(seen, 18);
    CHECK_EQ_INT(sl_thrift_dec_consumed(&d), b.len);
    sl_buf_free(&b);
}

static void test_roundtrip_tree(void)
{
    sl_buf b = {0};
    char err[256] = "";
    size_t used = 0;
    REQUIRE(encode_sample(&b) == SL_OK);
    sl_thrift_tree *t = sl_thrift_tree_parse(b.data, b.len, 0, &used, err, sizeof err);
    REQUIRE(t != NULL);
    CHECK_EQ_INT(used, b.len);
    sl_thrift_ref r = sl_thrift_tree_root(t);
    CHECK_EQ_INT(sl_thrift_tree_type(t, r), SL_THRIFT_STRUCT);
    CHECK_EQ_INT(sl_thrift_tree_int(t, sl_thrift_tree_field(t, r, 1)), 1);
    CHECK_EQ_INT(sl_thrift_tree_int(t, sl_thrift_tree_field(t, r, 2)), 0);
    CHECK_EQ_INT(sl_thrift_tree_type(t, sl_thrift_tree_field(t, r, 2)), SL_THRIFT_BOOL);
    CHECK_EQ_INT(sl_thrift_tree_int(t, sl_thrift_tree_field(t, r, 3)), -7);
    CHECK(sl_thrift_tree_int(t, sl_thrift_tree_field(t, r, 6)) == INT64_MIN);
    CHECK(sl_thrift_tree_double(t, sl_thrift_tree_field(t, r, 8)) == -1.5e300);
    size_t n;
    const uint8_t *p = sl_thrift_tree_binary(t, sl_thrift_tree_field(t, r, 9), &n);
    CHECK(p && n == 5 && memcmp(p, "hello", 5) == 0);
    CHECK_EQ_INT(sl_thrift_tree_int(t, sl_thrift_tree_field(t, r, 300)), -1);
    sl_thrift_ref l = sl_thrift_tree_field(t, r, 12);
    CHECK_EQ_INT(sl_thrift_tree_count(t, l), 20);
    CHECK_EQ_INT(sl_thrift_tree_int(t, sl_thrift_tree_item(t, l, 19)), -19000);
    CHECK_EQ_INT(sl_thrift_tree_item(t, l, 20), 0);
    sl_thrift_ref s = sl_thrift_tree_field(t, sl_thrift_tree_field(t, r, 14), 2);
    p = sl_thrift_tree_binary(t, sl_thrift_tree_field(t, s, 1), &n);
    CHECK(p && n == 4 && memcmp(p, "deep", 4) == 0);
    sl_thrift_ref ls = sl_thrift_tree_field(t, r, 15);
    CHECK_EQ_INT(sl_thrift_tree_int(t, sl_thrift_tree_field(t, sl_thrift_tree_item(t, ls, 1), 1)),
                 101);
    sl_thrift_ref m = sl_thrift_tree_field(t, r, 16);
    CHECK_EQ_INT(sl_thrift_tree_count(t, m), 4);
    p = sl_thrift_tree_binary(t, sl_thrift_tree_item(t, m, 2), &n);
    CHECK(p && n == 2 && memcmp(p, "bb", 2) == 0);
    CHECK(sl_thrift_tree_int(t, sl_thrift_tree_item(t, m, 3)) == (1LL << 40));
    CHECK_EQ_INT(sl_thrift_tree_field(t, r, 99), 0); /* absent */
    sl_thrift_tree_destroy(t);
    sl_buf_free(&b);
}

/* Every strict prefix of a valid struct must fail to decode, cleanly. */
static void test_truncated_input(void)
{
    sl_buf b = {0};
    char err[256];
    REQUIRE(encode_sample(&b) == SL_OK);
    int failures = 0;
    for (size_t len = 0; len < b.len; len++) {
        uint8_t *copy = malloc(len ? len : 1); /* exact size: ASan catches overreads */
        memcpy(copy, b.data, len);
        err[0] = 0;
        sl_thrift_tree *t = sl_thrift_tree_parse(copy, len, 0, NULL, err, sizeof err);
        if (!t && strstr(err, "thrift:"))
            failures++;
        sl_thrift_tree_destroy(t);
        /* the pull decoder skipping the whole struct must fail too */
        sl_thrift_dec d;
        sl_thrift_dec_init(&d, copy, len, 1000, err, sizeof err);
        CHECK(sl_thrift_dec_skip(&d, SL_THRIFT_STRUCT) == SL_ERR_CORRUPT);
        free(copy);
    }
    CHECK_EQ_INT(failures, b.len);
    /* message names an offset including the base */
    sl_thrift_dec d;
    sl_thrift_dec_init(&d, b.data, 3, 1000, err, sizeof err);
    CHECK(sl_thrift_dec_skip(&d, SL_THRIFT_STRUCT) == SL_ERR_CORRUPT);
    CHECK(strstr(err, "at byte 100") != NULL);
    sl_buf_free(&b);
}

static void test_malformed_input(void)
{
    char err[256];
    sl_thrift_dec d;
    /* list claiming 2^31 elements in 6 bytes */
    const uint8_t biglist[] = {0x19, 0xf5, 0x80, 0x80, 0x80, 0x80, 0x08};
    sl_thrift_dec_init(&d, biglist, sizeof biglist, 0, err, sizeof err);
    CHECK(sl_thrift_dec_skip(&d, SL_THRIFT_STRUCT) == SL_ERR_CORRUPT);
    CHECK(strstr(err, "cannot fit") != NULL);
    /* unknown field type 13 */
    const uint8_t badtype[] = {0x1d, 0x00};
    sl_thrift_dec_init(&d, badtype, sizeof badtype, 0, err, sizeof err);
    CHECK(sl_thrift_dec_skip(&d, SL_THRIFT_STRUCT) == SL_ERR_CORRUPT);
    CHECK(strstr(err, "unknown field type 13") != NULL);
    /* binary longer than the input */
    const uint8_t badbin[] = {0x18, 0x0a, 'a', 'b', 0x00};
    sl_thrift_dec_init(&d, badbin, sizeof badbin, 0, err, sizeof err);
    CHECK(sl_thrift_dec_skip(&d, SL_THRIFT_STRUCT) == SL_ERR_CORRUPT);
    CHECK(strstr(err, "runs past the end") != NULL);
    /* i32 that does not fit */
    const uint8_t bigi32[] = {0x15, 0xfe, 0xff, 0xff, 0xff, 0x1f, 0x00};
    sl_thrift_dec_init(&d, bigi32, sizeof bigi32, 0, err, sizeof err);
    int16_t fid;
    int type;
    int32_t v32;
    REQUIRE(sl_thrift_dec_struct_begin(&d) == SL_OK);
    REQUIRE(sl_thrift_dec_field(&d, &fid, &type) == SL_OK);
    CHECK(sl_thrift_dec_i32(&d, &v32) == SL_ERR_CORRUPT);
    CHECK(strstr(err, "out of range") != NULL);
    /* nesting: 100 nested struct fields */
    uint8_t deep[200];
    memset(deep, 0x1c, 100);
    memset(deep + 100, 0x00, 100);
    sl_thrift_dec_init(&d, deep, sizeof deep, 0, err, sizeof err);
    CHECK(sl_thrift_dec_skip(&d, SL_THRIFT_STRUCT) == SL_ERR_CORRUPT);
    CHECK(strstr(err, "nesting") != NULL);
    sl_thrift_tree *t = sl_thrift_tree_parse(deep, sizeof deep, 0, NULL, err, sizeof err);
    CHECK(t == NULL);
    /* nested lists are limited too */
    uint8_t deeplist[100];
    deeplist[0] = 0x19;
    memset(deeplist + 1, 0x19, 99); /* list of 1 list of 1 list ... */
    sl_thrift_dec_init(&d, deeplist, sizeof deeplist, 0, err, sizeof err);
    CHECK(sl_thrift_dec_skip(&d, SL_THRIFT_STRUCT) == SL_ERR_CORRUPT);
    /* tree node limit */
    sl_buf b = {0};
    REQUIRE(encode_sample(&b) == SL_OK);
    t = sl_thrift_tree_parse(b.data, b.len, 10, NULL, err, sizeof err);
    CHECK(t == NULL);
    CHECK(strstr(err, "more than") != NULL);
    sl_buf_free(&b);
    /* encoder misuse is reported */
    sl_thrift_enc e;
    sl_buf eb = {0};
    sl_thrift_enc_init(&e, &eb);
    sl_thrift_enc_struct_begin(&e, 0);
    CHECK(sl_thrift_enc_finish(&e) == SL_ERR_INVALID); /* unclosed */
    sl_thrift_enc_field_i32(&e, 0, 1);                 /* bad field id */
    sl_thrift_enc_struct_end(&e);
    CHECK(sl_thrift_enc_finish(&e) == SL_ERR_INVALID);
    sl_buf_free(&eb);
}

/* Random structs of random fields: encode, then decode with the tree and
 * compare every value. */
static void test_random_roundtrip(void)
{
    char err[256];
    for (int iter = 0; iter < 300; iter++) {
        sl_buf b = {0};
        sl_thrift_enc e;
        int64_t vals[40];
        int16_t fids[40];
        int nf = (int)(rnd() % 40);
        int16_t fid = 0;
        sl_thrift_enc_init(&e, &b);
        sl_thrift_enc_struct_begin(&e, 0);
        for (int i = 0; i < nf; i++) {
            fid = (int16_t)(fid + 1 + (int)(rnd() % 40));
            fids[i] = fid;
            int shift = (int)(rnd() % 64);
            vals[i] = (int64_t)(rnd() >> shift) * ((rnd() & 1) ? -1 : 1);
            sl_thrift_enc_field_i64(&e, fid, vals[i]);
        }
        sl_thrift_enc_struct_end(&e);
        REQUIRE(sl_thrift_enc_finish(&e) == SL_OK);
        sl_thrift_tree *t = sl_thrift_tree_parse(b.data, b.len, 0, NULL, err, sizeof err);
        REQUIRE(t != NULL);
        sl_thrift_ref r = sl_thrift_tree_root(t);
        for (int i = 0; i < nf; i++)
            CHECK(sl_thrift_tree_int(t, sl_thrift_tree_field(t, r, fids[i])) == vals[i]);
        sl_thrift_tree_destroy(t);
        sl_buf_free(&b);
    }
}

/* ------------------------------------------------------------------ RLE */

static void test_rle_known_bytes(void)
{
    /* parquet-format's example: 0..7 at bit width 3 bit-packed = 0x03 0x88 0xc6 0xfa */
    uint32_t v[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    sl_buf b = {0};
    sl_rle_enc e;
    sl_rle_enc_init(&e, &b, 3);
    sl_rle_enc_put_u32(&e, v, 8);
    REQUIRE(sl_rle_enc_finish(&e) == SL_OK);
    const uint8_t want[] = {0x03, 0x88, 0xc6, 0xfa};
    CHECK(b.len == 4 && memcmp(b.data, want, 4) == 0);
    /* 100 copies of 5 at width 3: RLE run, header 200 (varint c8 01), value 05 */
    b.len = 0;
    sl_rle_enc_init(&e, &b, 3);
    sl_rle_enc_put_repeat(&e, 5, 100);
    REQUIRE(sl_rle_enc_finish(&e) == SL_OK);
    const uint8_t want2[] = {0xc8, 0x01, 0x05};
    CHECK(b.len == 3 && memcmp(b.data, want2, 3) == 0);
    /* width 0: a run of zeros carries no value byte */
    b.len = 0;
    sl_rle_enc_init(&e, &b, 0);
    sl_rle_enc_put_repeat(&e, 0, 10);
    REQUIRE(sl_rle_enc_finish(&e) == SL_OK);
    CHECK(b.len == 1 && b.data[0] == 20);
    /* levels v1: 4-byte length prefix */
    uint8_t lv[16];
    memset(lv, 1, sizeof lv);
    b.len = 0;
    REQUIRE(sl_rle_encode_levels_v1(lv, 16, 1, &b) == SL_OK);
    const uint8_t want3[] = {2, 0, 0, 0, 0x20, 0x01};
    CHECK(b.len == 6 && memcmp(b.data, want3, 6) == 0);
    sl_buf_free(&b);
}

/* Generates n values at width bw in runs of random kinds. */
static void gen_runs(uint32_t *v, size_t n, int bw)
{
    uint32_t mask = bw >= 32 ? 0xffffffffu : ((1u << bw) - 1);
    size_t i = 0;
    while (i < n) {
        size_t len = 1 + rnd() % (rnd() % 4 == 0 ? 300 : 12);
        int kind = (int)(rnd() % 3);
        uint32_t x = (uint32_t)rnd() & mask;
        for (size_t k = 0; k < len && i < n; k++, i++)
            v[i] = kind == 0 ? x : kind == 1 ? ((uint32_t)rnd() & mask) : (uint32_t)(i & mask);
    }
}

static void test_rle_roundtrip_all_widths(void)
{
    char err[256];
    size_t cap = 5000;
    uint32_t *v = malloc(cap * sizeof *v), *out = malloc(cap * sizeof *out);
    uint8_t *v8 = malloc(cap), *o8 = malloc(cap);
    sl_buf b = {0};
    for (int bw = 0; bw <= 32; bw++) {
        for (int iter = 0; iter < 6; iter++) {
            size_t n = iter == 0 ? 0 : iter == 1 ? 1 : (size_t)(rnd() % cap);
            gen_runs(v, n, bw);
            b.len = 0;
            sl_rle_enc e;
            sl_rle_enc_init(&e, &b, bw);
            /* feed in uneven slices to exercise the streaming state */
            size_t done = 0;
            while (done < n) {
                size_t k = 1 + rnd() % 100;
                if (k > n - done)
                    k = n - done;
                sl_rle_enc_put_u32(&e, v + done, k);
                done += k;
            }
            REQUIRE(sl_rle_enc_finish(&e) == SL_OK);
            /* decode from an exact-size copy so ASan sees any overread */
            uint8_t *copy = malloc(b.len ? b.len : 1);
            if (b.len)
                memcpy(copy, b.data, b.len);
            sl_rle_dec d;
            sl_rle_dec_init(&d, copy, b.len, bw);
            sl_err r = sl_rle_dec_get_u32(&d, out, n, err, sizeof err);
            CHECK(r == SL_OK);
            if (r == SL_OK && n && memcmp(v, out, n * sizeof *v) != 0) {
                fprintf(stderr, "  mismatch at bit width %d, n %zu\n", bw, n);
                CHECK(!"RLE round trip");
            }
            CHECK_EQ_INT(sl_rle_dec_consumed(&d), b.len);
            /* 8 values more than encoded is an error (padding supplies at most 7) */
            if (n + 8 <= cap) {
                sl_rle_dec_init(&d, copy, b.len, bw);
                CHECK(sl_rle_dec_get_u32(&d, out, n + 8, err, sizeof err) == SL_ERR_CORRUPT);
            }
            free(copy);
            if (bw <= 8 && n) { /* the u8 paths */
                for (size_t i = 0; i < n; i++)
                    v8[i] = (uint8_t)v[i];
                b.len = 0;
                sl_rle_enc_init(&e, &b, bw);
                sl_rle_enc_put_u8(&e, v8, n);
                REQUIRE(sl_rle_enc_finish(&e) == SL_OK);
                sl_rle_dec_init(&d, b.data, b.len, bw);
                CHECK(sl_rle_dec_get_u8(&d, o8, n, err, sizeof err) == SL_OK);
                CHECK(memcmp(v8, o8, n) == 0);
            }
        }
    }
    free(v);
    free(out);
    free(v8);
    free(o8);
    sl_buf_free(&b);
}

static void test_rle_levels_and_runs_sizes(void)
{
    char err[256];
    /* 1,000,000 all-defined levels: a single RLE run of a few bytes */
    size_t n = 1000000;
    uint8_t *lv = malloc(n), *back = malloc(n);
    memset(lv, 1, n);
    sl_buf b = {0};
    REQUIRE(sl_rle_encode_levels_v1(lv, n, 1, &b) == SL_OK);
    CHECK_EQ_INT(b.len, 4 + 3 + 1); /* length, varint(2e6) is 3 bytes, value byte */
    size_t used = 0;
    CHECK(sl_rle_decode_levels_v1(b.data, b.len, 1, back, n, &used, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(used, b.len);
    CHECK(memcmp(lv, back, n) == 0);
    /* alternating levels: bit-packed, 1 bit per value plus headers */
    for (size_t i = 0; i < n; i++)
        lv[i] = (uint8_t)(i & 1);
    b.len = 0;
    REQUIRE(sl_rle_encode_levels_v1(lv, n, 1, &b) == SL_OK);
    CHECK(b.len >= 4 + n / 8 && b.len <= 4 + n / 8 + n / 8 / 63 + 2);
    CHECK(sl_rle_decode_levels_v1(b.data, b.len, 1, back, n, &used, err, sizeof err) == SL_OK);
    CHECK(memcmp(lv, back, n) == 0);
    /* declared length larger than the page */
    uint8_t bad[6] = {100, 0, 0, 0, 0x02, 0x01};
    CHECK(sl_rle_decode_levels_v1(bad, sizeof bad, 1, back, 1, &used, err, sizeof err) ==
          SL_ERR_CORRUPT);
    CHECK(strstr(err, "exceeds") != NULL);
    /* RLE value wider than the bit width */
    uint8_t wide[2] = {0x02, 0x05};
    sl_rle_dec d;
    sl_rle_dec_init(&d, wide, 2, 1);
    CHECK(sl_rle_dec_get_u8(&d, back, 1, err, sizeof err) == SL_ERR_CORRUPT);
    /* too few values */
    uint8_t few[2] = {0x04, 0x01}; /* 2 ones */
    sl_rle_dec_init(&d, few, 2, 1);
    CHECK(sl_rle_dec_get_u8(&d, back, 3, err, sizeof err) == SL_ERR_CORRUPT);
    CHECK(strstr(err, "hold only 2 of 3") != NULL);
    /* a truncated final bit-packed run still yields the values present */
    uint8_t trunc[2] = {0x05, 0xff}; /* 2 groups declared at width 1, 1 byte present */
    uint32_t o[8];
    sl_rle_dec_init(&d, trunc, 2, 1);
    CHECK(sl_rle_dec_get_u32(&d, o, 8, err, sizeof err) == SL_OK);
    CHECK(o[0] == 1 && o[7] == 1);
    CHECK(sl_rle_dec_get_u32(&d, o, 1, err, sizeof err) == SL_ERR_CORRUPT);
    /* bit width out of range */
    sl_rle_dec_init(&d, trunc, 2, 33);
    CHECK(sl_rle_dec_get_u32(&d, o, 1, err, sizeof err) == SL_ERR_CORRUPT);
    free(lv);
    free(back);
    sl_buf_free(&b);
}

static void test_bitpack_and_bools(void)
{
    for (int bw = 0; bw <= 32; bw++) {
        uint32_t v[8], o[8];
        uint8_t packed[32];
        uint32_t mask = bw >= 32 ? 0xffffffffu : ((1u << bw) - 1);
        for (int i = 0; i < 8; i++)
            v[i] = (uint32_t)rnd() & mask;
        sl_bitpack8(v, bw, packed);
        sl_bitunpack8(packed, bw, o);
        CHECK(memcmp(v, o, sizeof v) == 0);
    }
    uint8_t bools[11] = {1, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1};
    sl_buf b = {0};
    REQUIRE(sl_enc_bools_plain(bools, 11, &b) == SL_OK);
    CHECK_EQ_INT(b.len, 2);
    CHECK_EQ_INT(b.data[0], 0x8d);
    CHECK_EQ_INT(b.data[1], 0x05);
    for (int i = 0; i < 11; i++)
        CHECK_EQ_INT(sl_enc_bool_get(b.data, (size_t)i), bools[i]);
    sl_buf_free(&b);
    CHECK_EQ_INT(sl_enc_bit_width(0), 0);
    CHECK_EQ_INT(sl_enc_bit_width(1), 1);
    CHECK_EQ_INT(sl_enc_bit_width(2), 2);
    CHECK_EQ_INT(sl_enc_bit_width(255), 8);
    CHECK_EQ_INT(sl_enc_bit_width(256), 9);
    CHECK_EQ_INT(sl_enc_bit_width(UINT32_MAX), 32);
}

static void test_int96(void)
{
    uint8_t b[12];
    int64_t back;
    /* 1970-01-01T00:00:00: Julian day 2440588, 0 nanos */
    sl_enc_int96_from_micros(0, b);
    CHECK_EQ_INT(sl_enc_get_u64le(b), 0);
    CHECK_EQ_INT(sl_enc_get_u32le(b + 8), 2440588);
    /* 1969-12-31T23:59:59.999999: the day before, nanos 86399999999000 */
    sl_enc_int96_from_micros(-1, b);
    CHECK_EQ_INT(sl_enc_get_u32le(b + 8), 2440587);
    CHECK_EQ_INT(sl_enc_get_u64le(b), 86399999999000LL);
    /* 2018-01-23T14:23:19.082Z = 1516717399082000 us */
    sl_enc_int96_from_micros(1516717399082000LL, b);
    CHECK_EQ_INT(sl_enc_get_u32le(b + 8), 2440588 + 17554);
    CHECK_EQ_INT(sl_enc_get_u64le(b), (14 * 3600 + 23 * 60 + 19) * 1000000000LL + 82000000LL);
    int64_t samples[] = {0, -1, 1, 1516717399082000LL, -86400000000LL, 253402300799999999LL,
                         -62135596800000000LL};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        sl_enc_int96_from_micros(samples[i], b);
        CHECK(sl_enc_int96_to_micros(b, &back) == SL_OK);
        CHECK(back == samples[i]);
    }
    /* nanos of day out of range */
    sl_enc_put_u64le(b, 86400000000000ULL);
    CHECK(sl_enc_int96_to_micros(b, &back) == SL_ERR_CORRUPT);
}

/* ------------------------------------------------------------------ codecs */

static void test_codecs_roundtrip(void)
{
    char err[256];
    sl_pq_codec codecs[] = {SL_PQ_UNCOMPRESSED, SL_PQ_SNAPPY, SL_PQ_GZIP, SL_PQ_ZSTD};
    size_t sizes[] = {0, 1, 100, 70000, 1 << 20};
    sl_codec *c = sl_codec_new();
    REQUIRE(c != NULL);
    uint8_t *src = malloc(1 << 20);
    for (size_t i = 0; i < (1 << 20); i++) /* compressible text-ish data */
        src[i] = (uint8_t)("abcdefgh"[(i * 7 + i / 1000) % 8] + (i % 997 == 0));
    for (size_t ci = 0; ci < 4; ci++) {
        for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
            size_t n = sizes[si];
            sl_buf comp = {0}, out = {0};
            REQUIRE(sl_codec_compress(c, codecs[ci], 0, src, n, &comp, err, sizeof err) ==
                    SL_OK);
            if (n == 1 << 20 && codecs[ci] != SL_PQ_UNCOMPRESSED)
                CHECK(comp.len < n / 4);
            /* appends: prefix in dst is kept */
            sl_buf_append(&out, "xy", 2);
            CHECK(sl_codec_decompress(c, codecs[ci], comp.data, comp.len, n, 1 << 20, &out, err,
                                      sizeof err) == SL_OK);
            CHECK_EQ_INT(out.len, n + 2);
            CHECK(memcmp(out.data, "xy", 2) == 0 && (n == 0 || memcmp(out.data + 2, src, n) == 0));
            if (n >= 100) {
                /* wrong declared size: smaller and larger */
                out.len = 0;
                CHECK(sl_codec_decompress(c, codecs[ci], comp.data, comp.len, n - 1, 1 << 20,
                                          &out, err, sizeof err) == SL_ERR_CORRUPT);
                CHECK_EQ_INT(out.len, 0);
                CHECK(sl_codec_decompress(c, codecs[ci], comp.data, comp.len, n + 1, 1 << 21,
                                          &out, err, sizeof err) == SL_ERR_CORRUPT);
                /* over the limit: refused before decompressing */
                CHECK(sl_codec_decompress(c, codecs[ci], comp.data, comp.len, n, n - 1, &out,
                                          err, sizeof err) == SL_ERR_LIMIT);
                CHECK(strstr(err, "exceeds the limit") != NULL);
                /* damaged data (truncated) */
                if (codecs[ci] != SL_PQ_UNCOMPRESSED)
                    CHECK(sl_codec_decompress(c, codecs[ci], comp.data, comp.len / 2, n, 1 << 20,
                                              &out, err, sizeof err) == SL_ERR_CORRUPT);
            }
            sl_buf_free(&comp);
            sl_buf_free(&out);
        }
    }
    /* gzip framing: magic bytes 1f 8b */
    sl_buf g = {0};
    REQUIRE(sl_codec_compress(c, SL_PQ_GZIP, 9, src, 1000, &g, err, sizeof err) == SL_OK);
    CHECK(g.len > 2 && g.data[0] == 0x1f && g.data[1] == 0x8b);
    /* two concatenated gzip members are one valid stream */
    size_t one = g.len;
    REQUIRE(sl_codec_compress(c, SL_PQ_GZIP, 1, src + 1000, 500, &g, err, sizeof err) == SL_OK);
    sl_buf out = {0};
    CHECK(sl_codec_decompress(c, SL_PQ_GZIP, g.data, g.len, 1500, 1 << 20, &out, err,
                              sizeof err) == SL_OK);
    CHECK(out.len == 1500 && memcmp(out.data, src, 1500) == 0);
    CHECK(one < g.len);
    /* garbage */
    out.len = 0;
    CHECK(sl_codec_decompress(c, SL_PQ_ZSTD, "garbage!", 8, 10, 100, &out, err, sizeof err) ==
          SL_ERR_CORRUPT);
    CHECK(sl_codec_decompress(c, SL_PQ_SNAPPY, "\xff\xff\xff\xff\xff", 5, 10, 100, &out, err,
                              sizeof err) == SL_ERR_CORRUPT);
    CHECK(sl_codec_decompress(c, (sl_pq_codec)5, "x", 1, 1, 100, &out, err, sizeof err) ==
          SL_ERR_UNSUPPORTED);
    /* bad levels */
    sl_buf z = {0};
    CHECK(sl_codec_compress(c, SL_PQ_ZSTD, 99, src, 10, &z, err, sizeof err) == SL_ERR_INVALID);
    CHECK(sl_codec_compress(c, SL_PQ_GZIP, 10, src, 10, &z, err, sizeof err) == SL_ERR_INVALID);
    sl_buf_free(&z);
    sl_buf_free(&g);
    sl_buf_free(&out);
    free(src);
    sl_codec_destroy(c);

    sl_pq_codec k;
    CHECK(sl_pq_codec_parse("zstd", &k) == 0 && k == SL_PQ_ZSTD);
    CHECK(sl_pq_codec_parse("none", &k) == 0 && k == SL_PQ_UNCOMPRESSED);
    CHECK(sl_pq_codec_parse("SNAPPY", &k) == 0 && k == SL_PQ_SNAPPY);
    CHECK(sl_pq_codec_parse("lz4", &k) == -1);
    CHECK_EQ_STR(sl_pq_codec_name(SL_PQ_GZIP), "gzip");
}

int main(void)
{
    T_RUN(test_varint_and_zigzag_bytes);
    T_RUN(test_roundtrip_pull);
    T_RUN(test_roundtrip_tree);
    T_RUN(test_truncated_input);
    T_RUN(test_malformed_input);
    T_RUN(test_random_roundtrip);
    T_RUN(test_rle_known_bytes);
    T_RUN(test_rle_roundtrip_all_widths);
    T_RUN(test_rle_levels_and_runs_sizes);
    T_RUN(test_bitpack_and_bools);
    T_RUN(test_int96);
    T_RUN(test_codecs_roundtrip);
    return t_done();
}
