/* test_json.c: the strict JSON parser, tape navigation and the compact writer. */
#include "json/json.h"
#include "t.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURE_JSONL "tests/fixtures/assessment-attempts-SAMPLE-offsets0-4_3278-3279.jsonl"

/* Parses exactly len bytes (may hold NULs) with a fresh default parser kept in *pp. */
static const sl_json_val *parse_n(sl_json_parser *p, const char *s, size_t len, sl_json_error *e)
{
    memset(e, 0, sizeof *e);
    return sl_json_parse(p, s, len, e);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b) {
        b[n] = 0;
        *len = (size_t)n;
    }
    return b;
}

/* ---- rejection table ---- */

typedef struct bad_case {
    const char *text;
    size_t len; /* 0: strlen(text) */
    const char *msg;
    size_t offset;
} bad_case;

static const bad_case bad_cases[] = {
    {"", 0, "unexpected end of input", 0},
    {"   ", 0, "unexpected end of input", 3},
    {"[1,2", 0, "unexpected end of input", 4},
    {"{\"a\":1", 0, "unexpected end of input", 6},
    {"{\"a\"", 0, "unexpected end of input", 4},
    {"{", 0, "unexpected end of input", 1},
    {"[1,2]x", 0, "trailing characters", 5},
    {"{} {}", 0, "trailing characters", 3},
    {"1 2", 0, "trailing characters", 2},
    {"[1,2,3]\0", 8, "trailing characters", 7},
    {"NaN", 0, "expected a value", 0},
    {"Infinity", 0, "expected a value", 0},
    {"-Infinity", 0, "expected digit after '-'", 1},
    {"[-NaN]", 0, "expected digit after '-'", 2},
    {"nan", 0, "invalid literal", 0},
    {"tru", 0, "invalid literal", 0},
    {"True", 0, "expected a value", 0},
    {"[nul]", 0, "invalid literal", 1},
    {"fals", 0, "invalid literal", 0},
    {"truex", 0, "trailing characters", 4},
    {"01", 0, "leading zero in number", 1},
    {"-01", 0, "leading zero in number", 2},
    {"[00]", 0, "leading zero in number", 2},
    {"-", 0, "expected digit after '-'", 1},
    {"- 1", 0, "expected digit after '-'", 1},
    {"1.", 0, "expected digit after '.'", 2},
    {"[1.]", 0, "expected digit after '.'", 3},
    {"1.e5", 0, "expected digit after '.'", 2},
    {".5", 0, "expected a value", 0},
    {"+1", 0, "expected a value", 0},
    {"1e", 0, "expected digit in exponent", 2},
    {"1e+", 0, "expected digit in exponent", 3},
    {"1E-x", 0, "expected digit in exponent", 3},
    {"0x10", 0, "trailing characters", 1},
    {"1.5.3", 0, "trailing characters", 3},
    {"1e400", 0, "number out of range", 0},
    {"-1e400", 0, "number out of range", 0},
    {"[1,1e999]", 0, "number out of range", 3},
    {"1797693134862315799999", 0, NULL, 0}, /* big integer: a double, valid (checked below) */
    {"\"a\x01\"", 0, "unescaped control character in string", 2},
    {"\"a\nb\"", 0, "unescaped control character in string", 2},
    {"\"\t\"", 0, "unescaped control character in string", 1},
    {"\"a\0\"", 4, "unescaped control character in string", 2},
    {"\"\\n\x1f\"", 0, "unescaped control character in string", 3},
    {"\"abc", 0, "unterminated string", 0},
    {"[\"abc\\\"]", 0, "unterminated string", 1},
    {"\"\\", 0, "unterminated string", 0},
    {"\"\\x\"", 0, "invalid escape", 1},
    {"\"\\'\"", 0, "invalid escape", 1},
    {"\"ab\\U0041\"", 0, "invalid escape", 3},
    {"\"\\u12\"", 0, "invalid \\u escape", 1},
    {"\"\\u12G4\"", 0, "invalid \\u escape", 1},
    {"\"\\uD800\"", 0, "lone surrogate in \\u escape", 1},
    {"\"\\uDC00\"", 0, "lone surrogate in \\u escape", 1},
    {"\"x\\udfff\"", 0, "lone surrogate in \\u escape", 2},
    {"\"\\uD800\\u0041\"", 0, "lone surrogate in \\u escape", 1},
    {"\"\\uD800\\uD800\"", 0, "lone surrogate in \\u escape", 1},
    {"\"\\uD800\\n\"", 0, "lone surrogate in \\u escape", 1},
    {"\"\\uD800x\"", 0, "lone surrogate in \\u escape", 1},
    {"\"\xC0\xAF\"", 0, "invalid UTF-8", 1},             /* overlong '/' */
    {"\"\xC1\xBF\"", 0, "invalid UTF-8", 1},             /* overlong */
    {"\"\xE0\x80\xAF\"", 0, "invalid UTF-8", 1},         /* overlong 3-byte */
    {"\"\xF0\x80\x80\xAF\"", 0, "invalid UTF-8", 1},     /* overlong 4-byte */
    {"\"\xED\xA0\x80\"", 0, "invalid UTF-8", 1},         /* U+D800 encoded */
    {"\"ok\xED\xBF\xBF\"", 0, "invalid UTF-8", 3},       /* U+DFFF encoded */
    {"\"\xF4\x90\x80\x80\"", 0, "invalid UTF-8", 1},     /* U+110000 */
    {"\"\xF5\x80\x80\x80\"", 0, "invalid UTF-8", 1},
    {"\"\xFF\"", 0, "invalid UTF-8", 1},
    {"\"\x80\"", 0, "invalid UTF-8", 1},                 /* lone continuation */
    {"\"\xE2\x82\"", 0, "invalid UTF-8", 1},             /* truncated before the quote */
    {"\"ab\xE2\x82", 0, "invalid UTF-8", 3},             /* truncated at the end */
    {"\"\xF0\x9F\x98\"", 0, "invalid UTF-8", 1},
    {"\"\xC3\xA9\xC3\"", 0, "invalid UTF-8", 3},         /* good then bad */
    {"\"\\n\xC3(\"", 0, "invalid UTF-8", 3},             /* in the escaped path */
    {"\"a long ascii prefix, longer than 16\xC3\"", 0, "invalid UTF-8", 36},
    {"\xC3\xA9", 0, "expected a value", 0},
    {"[1 2]", 0, "expected ',' or ']'", 3},
    {"[1}", 0, "expected ',' or ']'", 2},
    {"{\"a\":1 \"b\":2}", 0, "expected ',' or '}'", 7},
    {"{\"a\":1]", 0, "expected ',' or '}'", 6},
    {"{\"a\" 1}", 0, "expected ':'", 5},
    {"{\"a\"=1}", 0, "expected ':'", 4},
    {"{1:2}", 0, "expected a string key", 1},
    {"{'a':2}", 0, "expected a string key", 1},
    {"{\"a\":1,}", 0, "expected a string key", 7},
    {"{]", 0, "expected a string key", 1},
    {"[1,]", 0, "expected a value", 3},
    {"[,1]", 0, "expected a value", 1},
    {"{\"a\":}", 0, "expected a value", 5},
    {"[}", 0, "expected a value", 1},
    {"'a'", 0, "expected a value", 0},
    {"\xEF\xBB\xBF{}", 0, "UTF-8 BOM not allowed", 0},
    {"{\"a\":1,\"a\":2}", 0, "duplicate key 'a'", 7},
    {"{\"a\":1,\"\\u0061\":2}", 0, "duplicate key 'a'", 7},
    {"{\"id\":1,\"x\":{\"id\":1,\"id\":2}}", 0, "duplicate key 'id'", 20},
    {"{\"checked\":1,\"correct\":2,\"checked\":3}", 0, "duplicate key 'checked'", 25},
    {"{\"\":1,\"\":2}", 0, "duplicate key ''", 6},
};

static void test_rejections(void)
{
    sl_json_parser *p = sl_json_parser_new(NULL);
    REQUIRE(p);
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const bad_case *c = &bad_cases[i];
        size_t len = c->len ? c->len : strlen(c->text);
        sl_json_error e;
        const sl_json_val *v = parse_n(p, c->text, len, &e);
        if (!c->msg) {
            if (!v)
                fprintf(stderr, "  case %zu (%s): unexpected error %s\n", i, c->text, e.msg);
            CHECK(v != NULL);
            continue;
        }
        if (v) {
            fprintf(stderr, "  case %zu (%s): parsed, expected '%s'\n", i, c->text, c->msg);
            CHECK(v == NULL);
            continue;
        }
        if (!e.msg || strcmp(e.msg, c->msg) != 0 || e.offset != c->offset) {
            fprintf(stderr, "  case %zu (%s): got '%s' at %zu, expected '%s' at %zu\n", i, c->text,
                    e.msg ? e.msg : "(null)", e.offset, c->msg, c->offset);
            CHECK(!"error message and offset");
        }
    }
    sl_json_parser_destroy(p);
}

static const char *good_cases[] = {
    "0", "-0", "1", "-1", "[]", "{}", " [ ] ", "\"\"", "[[[]]]", "{\"a\":[1,{\"b\":null}]}",
    "1E5", "1e-5", "-1.5E+3", "0.0", "0e0", "\"\\u0000\"", "\"\xF4\x8F\xBF\xBF\"", "\"\xEF\xBF\xBF\"",
    "\"\xE2\x80\xA8\"", "\"\\/\"", "true", "false", "null", "\t\r\n 1 \t\r\n", "\"\x7f\"",
    "{\"a\":{\"a\":1},\"b\":{\"a\":2}}", "{\"checked\":1,\"correct\":2}", "[1,2.5,\"x\",true,false,null]",
    "{ \"a\" : 1 , \"b\" : [ ] }", "\"\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xF0\x90\x80\x80\"",
    "\"\\uD83D\\uDE00\\u20AC\\u00e9\\u0041\"", "1.7976931348623157e308", "4.9e-324", "1e-400",
};

static void test_accepts(void)
{
    sl_json_parser *p = sl_json_parser_new(NULL);
    REQUIRE(p);
    for (size_t i = 0; i < sizeof good_cases / sizeof good_cases[0]; i++) {
        sl_json_error e;
        const sl_json_val *v = parse_n(p, good_cases[i], strlen(good_cases[i]), &e);
        if (!v)
            fprintf(stderr, "  good case %zu (%s): %s at %zu\n", i, good_cases[i], e.msg, e.offset);
        CHECK(v != NULL);
    }
    sl_json_parser_destroy(p);
}

static void test_bom_option(void)
{
    sl_json_opts o = {.allow_bom = 1};
    sl_json_parser *p = sl_json_parser_new(&o);
    REQUIRE(p);
    sl_json_error e;
    const sl_json_val *v = parse_n(p, "\xEF\xBB\xBF{\"a\":1}", 10, &e);
    REQUIRE(v);
    CHECK_EQ_INT(sl_json_get_type(v), SL_JSON_OBJECT);
    CHECK_EQ_INT(sl_json_get_len(v), 1);
    /* only one BOM, only at the start */
    CHECK(parse_n(p, "\xEF\xBB\xBF\xEF\xBB\xBF{}", 8, &e) == NULL);
    CHECK_EQ_STR(e.msg, "expected a value");
    CHECK_EQ_INT(e.offset, 3);
    CHECK(parse_n(p, " \xEF\xBB\xBF{}", 6, &e) == NULL);
    CHECK_EQ_INT(e.offset, 1);
    sl_json_parser_destroy(p);
}

static void test_error_position(void)
{
    sl_json_parser *p = sl_json_parser_new(NULL);
    REQUIRE(p);
    sl_json_error e;
    const char *doc = "[\"a\"\n,\n1 x]";
    CHECK(parse_n(p, doc, strlen(doc), &e) == NULL);
    CHECK_EQ_STR(e.msg, "expected ',' or ']'");
    CHECK_EQ_INT(e.offset, 9);
    CHECK_EQ_INT(e.line, 3);
    CHECK_EQ_INT(e.column, 3);
    char buf[128];
    CHECK_EQ_STR(sl_json_error_format(&e, buf, sizeof buf), "expected ',' or ']' at line 3, column 3 (byte 9)");
    /* first line, first column */
    CHECK(parse_n(p, "x", 1, &e) == NULL);
    CHECK_EQ_INT(e.line, 1);
    CHECK_EQ_INT(e.column, 1);
    /* an error right after a newline */
    CHECK(parse_n(p, "[1,\n]", 5, &e) == NULL);
    CHECK_EQ_INT(e.offset, 4);
    CHECK_EQ_INT(e.line, 2);
    CHECK_EQ_INT(e.column, 1);
    sl_json_parser_destroy(p);
}

/* ---- numbers ---- */

static int parse_int(sl_json_parser *p, const char *s, int64_t *out)
{
    sl_json_error e;
    const sl_json_val *v = parse_n(p, s, strlen(s), &e);
    if (!v || sl_json_get_type(v) != SL_JSON_INT)
        return -1;
    *out = v->u.i;
    return 0;
}

static int parse_double(sl_json_parser *p, const char *s, double *out)
{
    sl_json_error e;
    const sl_json_val *v = parse_n(p, s, strlen(s), &e);
    if (!v || sl_json_get_type(v) != SL_JSON_DOUBLE)
        return -1;
    *out = v->u.d;
    return 0;
}

static int same_double(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

static void test_integers(void)
{
    sl_json_parser *p = sl_json_parser_new(NULL);
    REQUIRE(p);
    static const struct {
        const char *s;
        int64_t v;
    } ints[] = {
        {"0", 0},
        {"-0", 0},
        {"7", 7},
        {"-7", -7},
        {"1234567890", 1234567890},
        {"999999999999999999", 999999999999999999LL},
        {"1000000000000000000", 1000000000000000000LL},
        {"9223372036854775807", INT64_MAX},
        {"-9223372036854775807", -INT64_MAX},
        {"-9223372036854775808", INT64_MIN},
        {"4503599627370497", 4503599627370497LL}, /* 2^52+1: exact, unlike a double */
        {"9007199254740993", 9007199254740993LL}, /* 2^53+1 */
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        int64_t v = 0;
        int r = parse_int(p, ints[i].s, &v);
        if (r != 0 || v != ints[i].v)
            fprintf(stderr, "  int %s -> r=%d v=%lld\n", ints[i].s, r, (long long)v);
        CHECK(r == 0 && v == ints[i].v);
    }
    /* integers beyond int64 become correctly rounded doubles */
    static const char *big[] = {"9223372036854775808", "-9223372036854775809", "18446744073709551615",
                                "18446744073709551616", "12345678901234567890123",
                                "1797693134862315799999", "-100000000000000000000000000000000"};
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
        double d = 0;
        CHECK(parse_double(p, big[i], &d) == 0);
        CHECK(same_double(d, strtod(big[i], NULL)));
    }
    double d;
    CHECK(parse_double(p, "9223372036854775808", &d) == 0 && d == 9223372036854775808.0);
    /* -0.0 keeps its sign; 0e5 is a double zero */
    CHECK(parse_double(p, "-0.0", &d) == 0 && d == 0 && signbit(d));
    CHECK(parse_double(p, "-0e10", &d) == 0 && d == 0 && signbit(d));
    CHECK(parse_double(p, "0e5", &d) == 0 && d == 0 && !signbit(d));
    CHECK(parse_double(p, "1e-400", &d) == 0 && d == 0);
    CHECK(parse_double(p, "-1e-400", &d) == 0 && d == 0 && signbit(d));
    CHECK(parse_double(p, "1.0", &d) == 0 && d == 1.0);
    CHECK(parse_double(p, "1E2", &d) == 0 && d == 100.0);
    sl_json_parser_destroy(p);
}

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

/* Builds a random JSON number literal into out. */
static void random_literal(uint64_t *rs, char *out)
{
    char *o = out;
    if (rng_next(rs) % 2)
        *o++ = '-';
    int ndig = 1 + (int)(rng_next(rs) % 25);
    int point = (int)(rng_next(rs) % (uint64_t)(ndig + 1)); /* digits before the point */
    if (point == 0)
        point = 1;
    for (int i = 0; i < ndig; i++) {
        if (i == point)
            *o++ = '.';
        int dg = (int)(rng_next(rs) % 10);
        if (i == 0 && point > 1 && dg == 0)
            dg = 1; /* no leading zero */
        *o++ = (char)('0' + dg);
    }
    switch (rng_next(rs) % 3) {
    case 0: break;
    case 1: o += sprintf(o, "e%d", (int)(rng_next(rs) % 700) - 350); break;
    default: o += sprintf(o, "E+%d", (int)(rng_next(rs) % 40)); break;
    }
    *o = 0;
}

static void test_doubles_vs_strtod(void)
{
    sl_json_parser *p = sl_json_parser_new(NULL);
    REQUIRE(p);
    static const char *edge[] = {
        "0.1", "0.2", "0.3", "1.1", "3.141592653589793", "2.718281828459045", "1e23", "8.41e21",
        "9007199254740993.0", "9007199254740992.5", "2.2250738585072011e-308", "2.2250738585072014e-308",
        "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
        "1.7976931348623157e308", "1.7976931348623158e308", "5e-324", "1e-323", "123456789012345678e-5",
        "0.000000000000000000000000000000000001", "1516738921.1137421", "1516717442.735266",
        "7.2057594037927933e16", "0.30000000000000004", "1e22", "1e-22", "123.456e-300", "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124", "1.00000000000000011102230246251565404236316680908203126",
        "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368e-1",
    };
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        double d = 0;
        int r = parse_double(p, edge[i], &d);
        double want = strtod(edge[i], NULL);
        if (r != 0 || !same_double(d, want))
            fprintf(stderr, "  %s: got %.17g want %.17g (r=%d)\n", edge[i], d, want, r);
        CHECK(r == 0 && same_double(d, want));
    }
    /* many random literals: same bits as glibc strtod, or "number out of range" exactly when it overflows */
    uint64_t rs = 0x9E3779B97F4A7C15ull;
    int mismatches = 0, checked = 0, ranged = 0;
    for (int i = 0; i < 200000; i++) {
        char lit[96];
        random_literal(&rs, lit);
        sl_json_error e;
        const sl_json_val *v = parse_n(p, lit, strlen(lit), &e);
        errno = 0;
        double want = strtod(lit, NULL);
        if (isinf(want)) {
            ranged++;
            if (v || strcmp(e.msg, "number out of range") != 0) {
                if (mismatches++ < 5)
                    fprintf(stderr, "  %s: expected out of range\n", lit);
            }
            continue;
        }
        if (!v) {
            if (mismatches++ < 5)
                fprintf(stderr, "  %s: error %s\n", lit, e.msg);
            continue;
        }
        double got = sl_json_get_type(v) == SL_JSON_INT ? (double)v->u.i : v->u.d;
        if (sl_json_get_type(v) == SL_JSON_INT) {
            /* an integer literal: must be exact */
            long long ll = strtoll(lit, NULL, 10);
            if (v->u.i != ll && mismatches++ < 5)
                fprintf(stderr, "  %s: int %lld\n", lit, (long long)v->u.i);
        } else if (!same_double(got, want)) {
            if (mismatches++ < 5)
                fprintf(stderr, "  %s: got %.17g want %.17g\n", lit, got, want);
        }
        checked++;
    }
    CHECK_EQ_INT(mismatches, 0);
    CHECK(checked > 150000);
    CHECK(ranged > 1000);
    /* random doubles printed at 15, 16 and 17 digits round-trip like strtod */
    for (int i = 0; i < 100000; i++) {
        uint64_t bits = rng_next(&rs);
        double x;
        memcpy(&x, &bits, sizeof x);
        if (!isfinite(x))
            continue;
        char lit[64];
        snprintf(lit, sizeof lit, "%.*g", 15 + i % 3, x);
        double got = 0;
        const sl_json_val *v;
        sl_json_error e;
        v = parse_n(p, lit, strlen(lit), &e);
        if (!v) {
            if (mismatches++ < 5)
                fprintf(stderr, "  %s: %s\n", lit, e.msg);
            continue;
        }
        got = sl_json_get_type(v) == SL_JSON_INT ? (double)v->u.i : v->u.d;
        if (!same_double(got, strtod(lit, NULL)) && mismatches++ < 5)
            fprintf(stderr, "  %s: got %.17g\n", lit, got);
    }
    CHECK_EQ_INT(mismatches, 0);
    sl_json_parser_destroy(p);
}

/* ---- strings ---- */

static void check_str(sl_json_parser *p, const char *doc, const char *want, size_t want_len)
{
    sl_json_error e;
    const sl_json_val *v = parse_n(p, doc, strlen(doc), &e);
    if (!v) {
        fprintf(stderr, "  %s: %s\n", doc, e.msg);
        CHECK(v != NULL);
        return;
    }
    CHECK_EQ_INT(sl_json_get_type(v), SL_JSON_STRING);
    size_t n;
    const char *s = sl_json_get_str(v, &n);
    CHECK_EQ_INT(n, want_len);
    CHECK(n == want_len && memcmp(s, want, n) == 0);
}

static void test_strings(void)
{
    sl_json_parser *p = sl_json_parser_new(NULL);
    REQUIRE(p);
    check_str(p, "\"\\u00e9\"", "\xC3\xA9", 2);
    check_str(p, "\"\\u20AC\"", "\xE2\x82\xAC", 3);
    check_str(p, "\"\\uD83D\\uDE00\"", "\xF0\x9F\x98\x80", 4);
    check_str(p, "\"\\udbff\\udfff\"", "\xF4\x8F\xBF\xBF", 4);
    check_str(p, "\"\\u0041\\u0000z\"", "A\0z", 3);
    check_str(p, "\"a\\nb\"", "a\nb", 3);
    check_str(p, "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8);
    check_str(p, "\"caf\xC3\xA9 \\u2028 \xE2\x80\xA8 ok\"", "caf\xC3\xA9 \xE2\x80\xA8 \xE2\x80\xA8 ok", 16);
    check_str(p, "\"0123456789abcdef0123456789abcdef\\t0123456789abcdef\"",
              "0123456789abcdef0123456789abcdef\t0123456789abcdef", 49);
    /* a string without escapes points into the input */
    const char *doc = "[\"plain\",\"esc\\n\"]";
    sl_json_error e;
    const sl_json_val *v = parse_n(p, doc, strlen(doc), &e);
    REQUIRE(v);
    CHECK(v[1].u.s == doc + 2);
    CHECK_EQ_INT(sl_json_get_len(&v[1]), 5);
    CHECK(v[2].u.s < doc || v[2].u.s > doc + strlen(doc));
    CHECK_EQ_INT(sl_json_get_len(&v[2]), 4);
    CHECK(memcmp(v[2].u.s, "esc\n", 4) == 0);
    /* every single byte value in a string: controls rejected, ASCII accepted */
    for (int b = 1; b < 0x80; b++) {
        char d[4] = {'"', (char)b, '"', 0};
        const sl_json_val *r = parse_n(p, d, 3, &e);
        int ok = b >= 0x20 && b != '"' && b != '\\';
        if ((r != NULL) != ok)
            fprintf(stderr, "  byte 0x%02x: %s\n", b, r ? "accepted" : e.msg);
        CHECK((r != NULL) == ok);
    }
    sl_json_parser_destroy(p);
}

/* Every 2-byte and 3-byte sequence, checked against a reference validator. */
static int ref_utf8_ok(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k;
        uint8_t b = s[i];
        if (b < 0x80) {
            i++;
            continue;
        } else if ((b & 0xE0) == 0xC0) {
            cp = b & 0x1F;
            k = 1;
        } else if ((b & 0xF0) == 0xE0) {
            cp = b & 0x0F;
            k = 2;
        } else if ((b & 0xF8) == 0xF0) {
            cp = b & 0x07;
            k = 3;
        } else {
            return 0;
        }
        for (size_t j = 1; j <= k; j++) {
            if (i + j >= n || (s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        static const uint32_t minv[4] = {0, 0x80, 0x800, 0x10000};
        if (cp < minv[k] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

static void test_utf8_exhaustive(void)
{
    sl_json_parser *p = sl_json_parser_new(NULL);
    REQUIRE(p);
    int bad = 0;
    char d[8];
    sl_json_error e;
    for (uint32_t a = 0x80; a < 0x100; a++) {
        for (uint32_t b = 0x20; b < 0x100; b++) {
            if (b == '"' || b == '\\')
                continue;
            d[0] = '"';
            d[1] = (char)a;
            d[2] = (char)b;
            d[3] = '"';
            int want = ref_utf8_ok((const uint8_t *)d + 1, 2);
            int got = parse_n(p, d, 4, &e) != NULL;
            if (want != got && bad++ < 5)
                fprintf(stderr, "  %02x %02x: want %d\n", a, b, want);
            for (uint32_t c = 0x80; c < 0xC0 && a >= 0xE0; c += 0x3F) {
                d[3] = (char)c;
                d[4] = '"';
                want = ref_utf8_ok((const uint8_t *)d + 1, 3);
                got = parse_n(p, d, 5, &e) != NULL;
                if (want != got && bad++ < 5)
                    fprintf(stderr, "  %02x %02x %02x: want %d\n", a, b, c, want);
            }
        }
    }
    CHECK_EQ_INT(bad, 0);
    sl_json_parser_destroy(p);
}

/* ---- depth ---- */

static void test_depth(void)
{
    sl_json_parser *p = sl_json_parser_new(NULL);
    REQUIRE(p);
    size_t n = 100000;
    char *deep = malloc(2 * n + 1);
    REQUIRE(deep);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    sl_json_error e;
    CHECK(parse_n(p, deep, 2 * n, &e) == NULL);
    CHECK_EQ_STR(e.msg, "nesting deeper than 512");
    CHECK_EQ_INT(e.offset, 512);
    /* also unbalanced (EOF inside) */
    CHECK(parse_n(p, deep, n, &e) == NULL);
    CHECK_EQ_STR(e.msg, "nesting deeper than 512");
    /* exactly 512 levels are fine, 513 are not */
    memset(deep, '[', 512);
    memset(deep + 512, ']', 512);
    const sl_json_val *v = parse_n(p, deep, 1024, &e);
    REQUIRE(v);
    CHECK_EQ_INT(v->u.span, 511);
    CHECK(parse_n(p, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", 0, &e) == NULL);
    memset(deep, '[', 513);
    memset(deep + 513, ']', 513);
    CHECK(parse_n(p, deep, 1026, &e) == NULL);
    CHECK_EQ_INT(e.offset, 512);
    /* objects count too */
    sl_json_parser_destroy(p);

    sl_json_opts o = {.max_depth = 3};
    p = sl_json_parser_new(&o);
    REQUIRE(p);
    CHECK(parse_n(p, "[{\"a\":[1]}]", 11, &e) != NULL);
    CHECK(parse_n(p, "[{\"a\":[{}]}]", 12, &e) == NULL);
    CHECK_EQ_STR(e.msg, "nesting deeper than 3");
    CHECK_EQ_INT(e.offset, 7);
    sl_json_parser_destroy(p);

    /* a huge limit: 100,000 levels parse without recursion, and write back */
    o.max_depth = 200000;
    p = sl_json_parser_new(&o);
    REQUIRE(p);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    v = parse_n(p, deep, 2 * n, &e);
    REQUIRE(v);
    CHECK_EQ_INT(v->u.span, n - 1);
    sl_buf out = {0};
    CHECK(sl_json_write_compact(v, &out) == SL_OK);
    CHECK_EQ_INT(out.len, 2 * n);
    CHECK(out.len == 2 * n && memcmp(out.data, deep, 2 * n) == 0);
    sl_buf_free(&out);
    sl_json_parser_destroy(p);
    free(deep);
}

/* ---- duplicate keys ---- */

static void test_duplicates(void)
{
    sl_json_parser *p = sl_json_parser_new(NULL);
    REQUIRE(p);
    sl_json_error e;
    /* big object: 100,000 members, all distinct (linear, hash), then one duplicate at the end */
    sl_buf b = {0};
    size_t n = 100000;
    sl_buf_append(&b, "{", 1);
    for (size_t i = 0; i < n; i++)
        sl_buf_printf(&b, "%s\"k%zu\":%zu", i ? "," : "", i, i);
    size_t close_at = b.len;
    sl_buf_append(&b, "}", 1);
    uint64_t t0 = sl_now_ns();
    const sl_json_val *v = parse_n(p, (const char *)b.data, b.len, &e);
    uint64_t t1 = sl_now_ns();
    REQUIRE(v);
    CHECK_EQ_INT(sl_json_get_len(v), n);
    CHECK_EQ_INT(v->u.span, 2 * n);
    CHECK((t1 - t0) < 2000000000ull); /* not quadratic (1e10 compares would take far longer) */
    const sl_json_val *x = sl_json_obj_get(v, "k99999", 6);
    REQUIRE(x);
    CHECK_EQ_INT(x->u.i, 99999);
    b.len = close_at;
    size_t dup_at = b.len + 1;
    sl_buf_printf(&b, ",\"k77777\":1}");
    CHECK(parse_n(p, (const char *)b.data, b.len, &e) == NULL);
    CHECK_EQ_STR(e.msg, "duplicate key 'k77777'");
    CHECK_EQ_INT(e.offset, dup_at);
    /* a duplicate of an early key in a medium object (found through the hash) */
    b.len = 0;
    sl_buf_append(&b, "{", 1);
    for (int i = 0; i < 40; i++)
        sl_buf_printf(&b, "%s\"key%d\":%d", i ? "," : "", i, i);
    sl_buf_printf(&b, ",\"key3\":0}");
    CHECK(parse_n(p, (const char *)b.data, b.len, &e) == NULL);
    CHECK_EQ_STR(e.msg, "duplicate key 'key3'");
    /* the 17th key duplicating the 1st: the switch to the hash */
    b.len = 0;
    sl_buf_append(&b, "{", 1);
    for (int i = 0; i < 16; i++)
        sl_buf_printf(&b, "%s\"key%d\":%d", i ? "," : "", i, i);
    sl_buf_printf(&b, ",\"key0\":0}");
    CHECK(parse_n(p, (const char *)b.data, b.len, &e) == NULL);
    CHECK_EQ_STR(e.msg, "duplicate key 'key0'");
    /* two big sibling objects with the same keys, nested big objects: fine */
    b.len = 0;
    sl_buf_append(&b, "[", 1);
    for (int o = 0; o < 2; o++) {
        sl_buf_printf(&b, "%s{", o ? "," : "");
        for (int i = 0; i < 50; i++)
            sl_buf_printf(&b, "%s\"key%d\":%d", i ? "," : "", i, i);
        sl_buf_printf(&b, ",\"inner\":{");
        for (int i = 0; i < 50; i++)
            sl_buf_printf(&b, "%s\"key%d\":%d", i ? "," : "", i, i);
        sl_buf_printf(&b, "}}");
    }
    sl_buf_printf(&b, "]");
    v = parse_n(p, (const char *)b.data, b.len, &e);
    if (!v)
        fprintf(stderr, "  siblings: %s at %zu\n", e.msg, e.offset);
    CHECK(v != NULL);
    /* after the inner object closed, its keys do not count for the outer one */
    b.len = 0;
    sl_buf_append(&b, "{", 1);
    for (int i = 0; i < 20; i++)
        sl_buf_printf(&b, "\"a%d\":{\"x%d\":1},", i, i);
    sl_buf_printf(&b, "\"x5\":1,\"a5\":2}");
    CHECK(parse_n(p, (const char *)b.data, b.len, &e) == NULL);
    CHECK_EQ_STR(e.msg, "duplicate key 'a5'");
    sl_buf_free(&b);
    /* a long duplicate key is shown shortened, non-printable bytes as '?' */
    CHECK(parse_n(p, "{\"a\\u0001\":1,\"a\\u0001\":2}", 26, &e) == NULL);
    CHECK_EQ_STR(e.msg, "duplicate key 'a?'");
    sl_json_parser_destroy(p);

    sl_json_opts o = {.allow_duplicate_keys = 1};
    p = sl_json_parser_new(&o);
    REQUIRE(p);
    v = parse_n(p, "{\"a\":1,\"a\":2}", 13, &e);
    REQUIRE(v);
    CHECK_EQ_INT(sl_json_get_len(v), 2);
    CHECK_EQ_INT(sl_json_obj_get(v, "a", 1)->u.i, 1); /* the first one */
    sl_json_parser_destroy(p);
}

/* ---- tape navigation ---- */

static void test_navigation(void)
{
    sl_json_parser *p = sl_json_parser_new(NULL);
    REQUIRE(p);
    size_t len = 0;
    char *all = read_file(FIXTURE_JSONL, &len);
    REQUIRE(all);
    char *nl = memchr(all, '\n', len);
    REQUIRE(nl);
    sl_json_error e;
    const sl_json_val *root = parse_n(p, all, (size_t)(nl - all), &e);
    REQUIRE(root);
    CHECK_EQ_INT(sl_json_get_type(root), SL_JSON_OBJECT);
    CHECK_EQ_INT(sl_json_get_len(root), 10);
    CHECK_EQ_INT(root->u.span, 210); /* 114 values + 96 keys below the root (jq paths) */
    CHECK(sl_json_skip(root) == root + 211);
    size_t n;
    const sl_json_val *v = sl_json_obj_get(root, "keen_id", 7);
    REQUIRE(v);
    const char *s = sl_json_get_str(v, &n);
    CHECK(n == 24 && memcmp(s, "5a6745820eb8ab00016be1f1", 24) == 0);
    v = sl_json_obj_get(root, "exam_name", 9);
    REQUIRE(v);
    s = sl_json_get_str(v, &n);
    CHECK(n == 43 && memcmp(s, "Normal Forms and All That Jazz Master Class", 43) == 0);
    CHECK(sl_json_obj_get(root, "keen", 4) == NULL);
    CHECK(sl_json_obj_get(root, "nope", 4) == NULL);
    const sl_json_val *seq = sl_json_obj_get(root, "sequences", 9);
    REQUIRE(seq);
    CHECK_EQ_INT(sl_json_get_len(seq), 4);
    const sl_json_val *qs = sl_json_obj_get(seq, "questions", 9);
    REQUIRE(qs);
    CHECK_EQ_INT(sl_json_get_type(qs), SL_JSON_ARRAY);
    CHECK_EQ_INT(sl_json_get_len(qs), 4);
    CHECK_EQ_INT(sl_json_obj_get(seq, "attempt", 7)->u.i, 1);
    const sl_json_val *counts = sl_json_obj_get(seq, "counts", 6);
    REQUIRE(counts);
    CHECK_EQ_INT(sl_json_get_len(counts), 7);
    CHECK_EQ_INT(sl_json_obj_get(counts, "correct", 7)->u.i, 2);
    CHECK_EQ_INT(sl_json_obj_get(counts, "total", 5)->u.i, 4);
    CHECK_EQ_INT(sl_json_get_type(sl_json_obj_get(counts, "all_correct", 11)), SL_JSON_FALSE);
    const sl_json_val *q1 = sl_json_arr_get(qs, 1);
    REQUIRE(q1);
    s = sl_json_get_str(sl_json_obj_get(q1, "id", 2), &n);
    CHECK(n == 36 && memcmp(s, "bbed4358-999d-4462-9596-bad5173a6ecb", 36) == 0);
    CHECK(sl_json_arr_get(qs, 4) == NULL);
    CHECK(sl_json_arr_get(root, 0) == NULL); /* not an array */
    CHECK(sl_json_obj_get(qs, "id", 2) == NULL); /* not an object */
    /* walk questions with first/skip */
    int nq = 0;
    size_t nopts = 0;
    for (const sl_json_val *q = sl_json_first(qs); nq < (int)sl_json_get_len(qs); q = sl_json_skip(q), nq++)
        nopts += sl_json_get_len(sl_json_obj_get(q, "options", 7));
    CHECK_EQ_INT(nq, 4);
    const sl_json_val *q2 = sl_json_arr_get(qs, 2);
    const sl_json_val *o2 = sl_json_arr_get(sl_json_obj_get(q2, "options", 7), 2);
    REQUIRE(o2);
    CHECK_EQ_INT(sl_json_get_len(o2), 5);
    s = sl_json_get_str(sl_json_obj_get(o2, "at", 2), &n);
    CHECK(n == 24 && memcmp(s, "2018-01-23T14:23:54.223Z", 24) == 0);
    CHECK_EQ_INT(sl_json_obj_get(o2, "submitted", 9)->u.i, 1);
    CHECK_EQ_INT(sl_json_get_type(sl_json_obj_get(o2, "correct", 7)), SL_JSON_TRUE);
    CHECK(nopts >= 12);
    /* empty containers */
    v = parse_n(p, "{\"a\":[],\"b\":{}}", 15, &e);
    REQUIRE(v);
    CHECK(sl_json_first(sl_json_obj_get(v, "a", 1)) == NULL);
    CHECK(sl_json_first(sl_json_obj_get(v, "b", 1)) == NULL);
    CHECK_EQ_INT(v->u.span, 4);
    /* all 7 records parse; member counts */
    int recs = 0;
    for (char *q = all; q < all + len;) {
        char *e2 = memchr(q, '\n', (size_t)(all + len - q));
        size_t l = e2 ? (size_t)(e2 - q) : (size_t)(all + len - q);
        v = parse_n(p, q, l, &e);
        CHECK(v != NULL);
        if (v)
            CHECK(sl_json_get_len(v) == 9 || sl_json_get_len(v) == 10);
        recs++;
        q += l + 1;
    }
    CHECK_EQ_INT(recs, 7);
    free(all);
    sl_json_parser_destroy(p);
}

/* ---- reuse across documents ---- */

static void test_reuse(void)
{
    sl_json_parser *p = sl_json_parser_new(NULL);
    REQUIRE(p);
    sl_json_error e;
    sl_buf big = {0};
    sl_buf_append(&big, "[", 1);
    for (int i = 0; i < 20000; i++)
        sl_buf_printf(&big, "%s{\"i\":%d,\"s\":\"v\\u00e9%d\"}", i ? "," : "", i, i);
    sl_buf_append(&big, "]", 1);
    for (int round = 0; round < 3; round++) {
        const sl_json_val *v = parse_n(p, (const char *)big.data, big.len, &e);
        REQUIRE(v);
        CHECK_EQ_INT(sl_json_get_len(v), 20000);
        const sl_json_val *last = sl_json_arr_get(v, 19999);
        REQUIRE(last);
        size_t n;
        const char *s = sl_json_get_str(sl_json_obj_get(last, "s", 1), &n);
        CHECK(n == 8 && memcmp(s, "v\xC3\xA9" "19999", 8) == 0);
        v = parse_n(p, "{\"k\":\"a\\tb\"}", 12, &e);
        REQUIRE(v);
        s = sl_json_get_str(sl_json_obj_get(v, "k", 1), &n);
        CHECK(n == 3 && memcmp(s, "a\tb", 3) == 0);
        /* an error in between does not spoil the next parse */
        CHECK(parse_n(p, "[1,{\"a\":1,\"a\":2}]", 17, &e) == NULL);
        v = parse_n(p, "7", 1, &e);
        REQUIRE(v);
        CHECK_EQ_INT(v->u.i, 7);
    }
    sl_buf_free(&big);
    sl_json_parser_destroy(p);
}

/* ---- compact writer ---- */

static void check_compact(sl_json_parser *p, const char *in, const char *want)
{
    sl_json_error e;
    const sl_json_val *v = parse_n(p, in, strlen(in), &e);
    if (!v) {
        fprintf(stderr, "  %s: %s\n", in, e.msg);
        CHECK(v != NULL);
        return;
    }
    sl_buf out = {0};
    CHECK(sl_json_write_compact(v, &out) == SL_OK);
    sl_buf_append(&out, "", 0);
    CHECK_EQ_STR((const char *)out.data, want);
    sl_buf_free(&out);
}

/* Parses a, writes it compact, parses that: the tapes must match cell for cell. */
static int same_tape(const sl_json_val *a, const sl_json_val *b)
{
    const sl_json_val *end = sl_json_skip(a);
    for (; a < end; a++, b++) {
        if (a->tag != b->tag)
            return 0;
        switch (sl_json_get_type(a)) {
        case SL_JSON_INT: if (a->u.i != b->u.i) return 0; break;
        case SL_JSON_DOUBLE: if (!same_double(a->u.d, b->u.d)) return 0; break;
        case SL_JSON_STRING: if (memcmp(a->u.s, b->u.s, (size_t)sl_json_get_len(a)) != 0) return 0; break;
        case SL_JSON_ARRAY: case SL_JSON_OBJECT: if (a->u.span != b->u.span) return 0; break;
        default: break;
        }
    }
    return 1;
}

static void test_compact_writer(void)
{
    sl_json_parser *p = sl_json_parser_new(NULL);
    REQUIRE(p);
    check_compact(p, " { \"a\" : [ 1 , 2.5 , \"x\\ny\" , true , false , null , { } , [ ] ] , \"b\\u00e9\" : -0.0 } ",
                  "{\"a\":[1,2.5,\"x\\ny\",true,false,null,{},[]],\"b\xC3\xA9\":-0.0}");
    check_compact(p, "\"\\u0001\\u001f\\\"\\\\\\/\\b\\f\\r\\t\xE2\x80\xA8\"",
                  "\"\\u0001\\u001f\\\"\\\\/\\b\\f\\r\\t\xE2\x80\xA8\"");
    check_compact(p, "[0.1, 1e300, 3.0, -2E-3, 1e22, 12345678901234567890]",
                  "[0.1,1e+300,3.0,-0.002,1e+22,1.2345678901234567e+19]");
    check_compact(p, "[[],[[]],{\"a\":{\"b\":{}}}]", "[[],[[]],{\"a\":{\"b\":{}}}]");
    check_compact(p, "-9223372036854775808", "-9223372036854775808");
    check_compact(p, "\"\"", "\"\"");
    /* the fixture records round-trip to identical tapes and to the same bytes (they are compact) */
    size_t len = 0;
    char *all = read_file(FIXTURE_JSONL, &len);
    REQUIRE(all);
    sl_json_parser *p2 = sl_json_parser_new(NULL);
    REQUIRE(p2);
    int recs = 0;
    for (char *q = all; q < all + len;) {
        char *nl = memchr(q, '\n', (size_t)(all + len - q));
        size_t l = nl ? (size_t)(nl - q) : (size_t)(all + len - q);
        sl_json_error e;
        const sl_json_val *a = parse_n(p, q, l, &e);
        REQUIRE(a);
        sl_buf out = {0};
        CHECK(sl_json_write_compact(a, &out) == SL_OK);
        CHECK(out.len == l && memcmp(out.data, q, l) == 0);
        const sl_json_val *b = parse_n(p2, (const char *)out.data, out.len, &e);
        REQUIRE(b);
        CHECK(same_tape(a, b));
        /* a subtree on its own */
        sl_buf sub = {0};
        CHECK(sl_json_write_compact(sl_json_obj_get(a, "sequences", 9), &sub) == SL_OK);
        CHECK(sub.len > 100 && sub.data[0] == '{' && sub.data[sub.len - 1] == '}');
        CHECK(parse_n(p2, (const char *)sub.data, sub.len, &e) != NULL);
        sl_buf_free(&sub);
        sl_buf_free(&out);
        recs++;
        q += l + 1;
    }
    CHECK_EQ_INT(recs, 7);
    sl_json_parser_destroy(p2);
    free(all);
    sl_json_parser_destroy(p);
}

int main(void)
{
    T_RUN(test_rejections);
    T_RUN(test_accepts);
    T_RUN(test_bom_option);
    T_RUN(test_error_position);
    T_RUN(test_integers);
    T_RUN(test_doubles_vs_strtod);
    T_RUN(test_strings);
    T_RUN(test_utf8_exhaustive);
    T_RUN(test_depth);
    T_RUN(test_duplicates);
    T_RUN(test_navigation);
    T_RUN(test_reuse);
    T_RUN(test_compact_writer);
    return t_done();
}
