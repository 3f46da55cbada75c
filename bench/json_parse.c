/*
 * json_parse.c: parse-only throughput of sluice's JSON parser on NDJSON of
 * assessment attempts, against jansson and cJSON in the same run.
 *
 * Input: --in FILE (NDJSON, e.g. from `sluice gen --ndjson`), or by default
 * --records N records made from the 7 real fixture records with their ids
 * (UUIDs, keen_id) and times (ISO timestamps, epoch seconds) re-drawn at
 * random, so the bytes vary but shape and sizes stay real. The records sit in
 * one buffer and are parsed in batches of BATCH records; each batch's best of
 * --repeat runs counts (see time_parser).
 * sluice parses strictly (UTF-8 checks, duplicate-key checks, exact numbers);
 * jansson and cJSON build their DOM and free it (their normal use).
 * Also timed: the record stream splitting the same bytes from a file (memfd)
 * as NDJSON and as a JSON array, with and without parsing each record (whole
 * passes, best of 3 x --repeat; no peer: informational).
 *
 * Output: key=value lines (bench/json.sh formats them and checks the targets).
 */
#include "json/json.h"

#include <cjson/cJSON.h>
#include <jansson.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FIXTURE "tests/fixtures/assessment-attempts-SAMPLE-offsets0-4_3278-3279.jsonl"

typedef struct line {
    size_t off, len;
} line;

static uint64_t rng(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

static int is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

/* Re-draws the variable parts of the string value s[0..n) in place. */
static void vary(char *s, size_t n, uint64_t *rs)
{
    static const char hx[] = "0123456789abcdef";
    int uuid = n == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-';
    int hex24 = n == 24;
    for (size_t i = 0; hex24 && i < n; i++)
        hex24 = is_hex(s[i]);
    if (uuid || hex24) {
        for (size_t i = 0; i < n; i++)
            if (s[i] != '-')
                s[i] = hx[rng(rs) & 15];
    } else if (n == 24 && s[4] == '-' && s[10] == 'T' && s[23] == 'Z') { /* 2018-01-23T14:23:19.082Z */
        uint64_t r = rng(rs);
        s[17] = (char)('0' + r % 6);
        s[18] = (char)('0' + (r >> 8) % 10);
        s[20] = (char)('0' + (r >> 16) % 10);
        s[21] = (char)('0' + (r >> 24) % 10);
        s[22] = (char)('0' + (r >> 32) % 10);
    } else if (n > 11 && s[10] == '.' && s[0] == '1') { /* 1516717442.735266 */
        for (size_t i = 11; i < n; i++)
            s[i] = (char)('0' + rng(rs) % 10);
    }
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    sl_buf b = {0};
    char tmp[65536];
    size_t r;
    while ((r = fread(tmp, 1, sizeof tmp, f)) > 0) {
        if (sl_buf_append(&b, tmp, r) != SL_OK) {
            fclose(f);
            sl_buf_free(&b);
            return NULL;
        }
    }
    fclose(f);
    *len = b.len;
    return (char *)b.data;
}

/* Builds n records from the fixture lines into out (NDJSON). */
static int make_records(size_t n, sl_buf *out)
{
    size_t flen = 0;
    char *fix = read_file(FIXTURE, &flen);
    if (!fix)
        return -1;
    line fl[16];
    size_t nf = 0;
    for (size_t i = 0; i < flen && nf < 16;) {
        char *nl = memchr(fix + i, '\n', flen - i);
        size_t e = nl ? (size_t)(nl - fix) : flen;
        if (e > i)
            fl[nf++] = (line){i, e - i};
        i = e + 1;
    }
    uint64_t rs = 0x2545F4914F6CDD1Dull;
    for (size_t r = 0; r < n; r++) {
        const line *l = &fl[r % nf];
        size_t start = out->len;
        if (sl_buf_append(out, fix + l->off, l->len) != SL_OK || sl_buf_append(out, "\n", 1) != SL_OK)
            return -1;
        char *p = (char *)out->data + start, *end = p + l->len;
        while (p < end) { /* each string token (the fixture has no escapes) */
            char *q = memchr(p, '"', (size_t)(end - p));
            if (!q)
                break;
            char *z = memchr(q + 1, '"', (size_t)(end - q - 1));
            if (!z)
                break;
            if (z + 1 < end && z[1] != ':')
                vary(q + 1, (size_t)(z - q - 1), &rs);
            p = z + 1;
        }
    }
    free(fix);
    return 0;
}

static double now_s(void) { return (double)sl_now_ns() / 1e9; }

typedef struct bench_ctx {
    sl_json_parser *p;
    uint64_t cells;
} bench_ctx;

/* One record with each library: 0 ok, -1 failed (message printed). */
static int parse_sluice(void *ctx, const char *s, size_t n)
{
    bench_ctx *bc = ctx;
    sl_json_error e;
    const sl_json_val *v = sl_json_parse(bc->p, s, n, &e);
    if (!v) {
        char m[200];
        fprintf(stderr, "sluice: %s\n", sl_json_error_format(&e, m, sizeof m));
        return -1;
    }
    bc->cells += 1 + v->u.span;
    return 0;
}

static int parse_jansson(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    json_error_t je;
    json_t *j = json_loadb(s, n, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        fprintf(stderr, "jansson: %s\n", je.text);
        return -1;
    }
    json_decref(j);
    return 0;
}

static int parse_cjson(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    cJSON *j = cJSON_ParseWithLength(s, n);
    if (!j) {
        fprintf(stderr, "cJSON: parse failed\n");
        return -1;
    }
    cJSON_Delete(j);
    return 0;
}

#define BATCH 500 /* records per timed batch */

/* Seconds to parse all lines once: the lines are timed in batches of BATCH
 * records, each batch's best of `repeat` runs is kept, and the bests are summed.
 * On a shared machine this filters out time slices lost to other processes
 * without favouring any library. Returns -1 when a record fails. */
static double time_parser(int (*fn)(void *, const char *, size_t), void *ctx, const char *d, const line *lines,
                          size_t nl, int repeat)
{
    double total = 0;
    for (size_t b0 = 0; b0 < nl; b0 += BATCH) {
        size_t b1 = b0 + BATCH < nl ? b0 + BATCH : nl;
        double best = 1e30;
        for (int r = 0; r < repeat; r++) {
            double t0 = now_s();
            for (size_t i = b0; i < b1; i++)
                if (fn(ctx, d + lines[i].off, lines[i].len) != 0)
                    return -1;
            double t = now_s() - t0;
            if (t < best)
                best = t;
        }
        total += best;
    }
    return total;
}

int main(int argc, char **argv)
{
    size_t records = 20000;
    int repeat = 5;
    const char *in = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--records") && i + 1 < argc)
            records = (size_t)strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--in") && i + 1 < argc)
            in = argv[++i];
        else {
            fprintf(stderr, "usage: json_parse [--in FILE.ndjson | --records N] [--repeat K]\n");
            return 2;
        }
    }
    if (repeat < 1)
        repeat = 1;
    sl_buf data = {0};
    if (in) {
        size_t n = 0;
        data.data = (uint8_t *)read_file(in, &n);
        data.len = data.cap = n;
        if (!data.data) {
            fprintf(stderr, "json_parse: cannot read %s\n", in);
            return 1;
        }
    } else if (make_records(records, &data) != 0) {
        fprintf(stderr, "json_parse: cannot read %s (run from the repository root)\n", FIXTURE);
        return 1;
    }
    /* index the lines */
    size_t nl = 0, cap = 1024;
    line *lines = malloc(cap * sizeof *lines);
    for (size_t i = 0; lines && i < data.len;) {
        char *q = memchr(data.data + i, '\n', data.len - i);
        size_t e = q ? (size_t)(q - (char *)data.data) : data.len;
        if (e > i) {
            if (nl == cap && !(lines = realloc(lines, (cap *= 2) * sizeof *lines)))
                break;
            lines[nl++] = (line){i, e - i};
        }
        i = e + 1;
    }
    if (!lines) {
        fprintf(stderr, "json_parse: out of memory\n");
        return 1;
    }
    size_t bytes = 0;
    for (size_t i = 0; i < nl; i++)
        bytes += lines[i].len;
    const char *d = (const char *)data.data;

    /* the three parsers, timed the same way */
    sl_json_parser *p = sl_json_parser_new(NULL);
    bench_ctx bc = {p, 0};
    double t_sl = time_parser(parse_sluice, &bc, d, lines, nl, repeat);
    if (t_sl < 0)
        return 1;
    printf("records=%zu\nbytes=%zu\ncells=%llu\n", nl, bytes, (unsigned long long)(bc.cells / (uint64_t)repeat));
    printf("sluice_seconds=%.6f\n", t_sl);
    double t_j = time_parser(parse_jansson, NULL, d, lines, nl, repeat);
    if (t_j < 0)
        return 1;
    printf("jansson_seconds=%.6f\n", t_j);
    double t_c = time_parser(parse_cjson, NULL, d, lines, nl, repeat);
    if (t_c < 0)
        return 1;
    printf("cjson_seconds=%.6f\n", t_c);
    double best;

    /* record streams from a file: NDJSON and the same records as one array */
    int fds[2] = {memfd_create("bench_ndjson", 0), memfd_create("bench_array", 0)};
    if (fds[0] < 0 || fds[1] < 0 || write(fds[0], d, data.len) != (ssize_t)data.len) {
        fprintf(stderr, "json_parse: memfd failed\n");
        return 1;
    }
    sl_buf arr = {0};
    sl_buf_append(&arr, "[", 1);
    for (size_t i = 0; i < nl; i++) {
        if (i)
            sl_buf_append(&arr, ",", 1);
        sl_buf_append(&arr, d + lines[i].off, lines[i].len);
    }
    sl_buf_append(&arr, "]", 1);
    if (write(fds[1], arr.data, arr.len) != (ssize_t)arr.len) {
        fprintf(stderr, "json_parse: memfd write failed\n");
        return 1;
    }
    static const char *names[2] = {"ndjson", "array"};
    for (int w = 0; w < 2; w++) {
        for (int parse = 0; parse < 2; parse++) {
            best = 1e30;
            for (int r = 0; r < 3 * repeat; r++) { /* whole passes: more of them */
                lseek(fds[w], 0, SEEK_SET);
                double t0 = now_s();
                sl_json_stream *s = sl_json_stream_new(fds[w], names[w], SL_JSON_FMT_AUTO, 0);
                sl_json_record rec;
                char err[256];
                size_t n = 0;
                sl_err e;
                while ((e = sl_json_stream_next(s, &rec, err, sizeof err)) == SL_OK) {
                    sl_json_error je;
                    if (parse && !sl_json_parse(p, rec.data, rec.len, &je)) {
                        fprintf(stderr, "json_parse: stream record %zu: %s\n", n, je.msg);
                        return 1;
                    }
                    n++;
                }
                sl_json_stream_destroy(s);
                double t = now_s() - t0;
                if (e != SL_ERR_NOTFOUND || n != nl) {
                    fprintf(stderr, "json_parse: stream %s: %zu records, %s\n", names[w], n, err);
                    return 1;
                }
                if (t < best)
                    best = t;
            }
            printf("stream_%s%s_seconds=%.6f\n", names[w], parse ? "_parse" : "", best);
        }
    }
    printf("array_bytes=%zu\nndjson_bytes=%zu\n", arr.len, data.len);
    close(fds[0]);
    close(fds[1]);
    sl_buf_free(&arr);
    sl_json_parser_destroy(p);
    free(lines);
    sl_buf_free(&data);
    return 0;
}
