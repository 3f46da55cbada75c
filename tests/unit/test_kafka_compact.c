/* test_kafka_compact.c: sl_kafka_json_compact (the publisher's minifier) against a
 * byte-at-a-time reference, on inputs built to cross its 16-byte scan blocks: strings
 * and whitespace straddling block edges, escapes (which end the block scan) inside and
 * outside strings, unterminated strings, and random byte soup. */
#include "kafka/publish.h"

#include <stdint.h>

#include "t.h"

/* The rule, one byte at a time: whitespace (space, tab, CR, LF) outside strings is
 * dropped; a '"' outside a string opens one; inside, '\\' escapes the next byte and an
 * unescaped '"' closes it. Returns the output length. */
static size_t reference(const char *in, size_t len, char *out)
{
    size_t o = 0;
    int in_str = 0;
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        if (in_str) {
            out[o++] = c;
            if (c == '\\' && i + 1 < len)
                out[o++] = in[++i];
            else if (c == '"')
                in_str = 0;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            continue;
        } else {
            out[o++] = c;
            if (c == '"')
                in_str = 1;
        }
    }
    return o;
}

/* Compacts in[0..len) and checks it against the reference, including whether the
 * input was returned as is (exactly when nothing had to be dropped). */
static int same_as_reference(const char *in, size_t len)
{
    static char want[4096];
    sl_buf scratch = { 0 };
    const char *res;
    size_t wn = reference(in, len, want);
    size_t n = sl_kafka_json_compact(in, len, &scratch, &res);
    int ok = n == wn && memcmp(res, want, n) == 0 && (res == in) == (wn == len);
    sl_buf_free(&scratch);
    return ok;
}

static int same_str(const char *s) { return same_as_reference(s, strlen(s)); }

/* A tiny deterministic generator (xorshift), so failures reproduce. */
static uint32_t next_rand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void test_block_edges(void)
{
    char buf[128];
    /* a space at every position of a 40-byte record, outside a string ... */
    for (size_t at = 0; at < 40; at++) {
        memset(buf, '1', 40);
        buf[0] = '[';
        buf[39] = ']';
        buf[at] = ' ';
        CHECK(same_as_reference(buf, 40));
    }
    /* ... and inside one: kept, and the input is returned as is */
    for (size_t at = 1; at < 38; at++) {
        memset(buf, 'x', 40);
        buf[0] = '"';
        buf[39] = '"';
        buf[at] = ' ';
        sl_buf scratch = { 0 };
        const char *res;
        CHECK_EQ_INT(sl_kafka_json_compact(buf, 40, &scratch, &res), 40);
        CHECK(res == buf);
        sl_buf_free(&scratch);
    }
    /* a string closing exactly at, before and after a block edge, then whitespace */
    for (size_t q = 1; q < 36; q++) {
        memset(buf, 'a', 48);
        buf[0] = '"';
        buf[q] = '"';
        buf[q + 1] = ' ';
        buf[q + 2] = ':';
        CHECK(same_as_reference(buf, 48));
    }
    /* an escape in a later block while inside a string, then whitespace outside */
    CHECK(same_str("{\"k\":\"0123456789abcdefghijklmno\\\" still in \\\\\" , \"x\" : 1 }"));
    /* an escaped quote that a quote count alone would take for a closing one */
    CHECK(same_str("[\"aaaaaaaaaaaaaaaaaaaa\\\"  bbbbbbbbbbbbbbbbbbbbbbbbbbb\",  1]"));
    /* a backslash outside any string (invalid JSON, still handled the same way) */
    CHECK(same_str("[ 1 , \\ 2 , \"abcdefghijklmnopqrstuvwxyz \" , 3 ]"));
    /* unterminated strings at and past block edges */
    CHECK(same_str("[\"abcdefghijklmnopqrstuvwxyz  "));
    CHECK(same_str("[ \"abcdefghijklmno\\"));
    CHECK(same_str("[ 1,2,3,4,5,6,7,8,9 ,\"abcdefghijklmnopq rst\\"));
    /* several strings per block, whitespace between them */
    CHECK(same_str("{\"a\":\"b\",\"c\":\"d\" ,\"e\":\"f\",\"g\":\"h\",\"i\" :\"j\",\"k\":\"l\"\n}"));
    /* pretty-printed record longer than a few blocks */
    CHECK(same_str("{\n  \"started_at\": \"2017-12-31T09:23:28.782Z\",\n  \"exam_name\": "
                   "\"Beginning C# Programming\",\n  \"questions\": [\n    { \"id\": 1 },\n"
                   "    { \"id\": 2, \"text\": \"a \\\"quoted\\\" word\" }\n  ]\n}\n"));
}

static void test_random_inputs(void)
{
    static const char alphabet[] = "\"\"\"\\  \n\t\rab{}[]:,1";
    char buf[300];
    uint32_t seed = 12345;
    int failures = 0;
    for (int it = 0; it < 200000 && failures < 5; it++) {
        size_t len = next_rand(&seed) % sizeof buf;
        int mode = (int)(next_rand(&seed) % 3);
        for (size_t i = 0; i < len; i++) {
            uint32_t r = next_rand(&seed);
            if (mode == 0)
                buf[i] = alphabet[r % (sizeof alphabet - 1)];
            else if (mode == 1) /* mostly letters, few quotes, rare escapes */
                buf[i] = r % 100 < 8 ? '"' : r % 100 < 14 ? ' ' : r % 100 < 15 ? '\\' : (char)('a' + r % 26);
            else
                buf[i] = (char)(r & 0xff);
        }
        if (!same_as_reference(buf, len)) {
            failures++;
            fprintf(stderr, "mismatch at iteration %d (len %zu)\n", it, len);
        }
    }
    CHECK_EQ_INT(failures, 0);
}

int main(void)
{
    T_RUN(test_block_edges);
    T_RUN(test_random_inputs);
    return t_done();
}
