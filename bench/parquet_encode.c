/*
 * parquet_encode: the sluice half of the Parquet encoding benchmark (bench/parquet.sh runs it
 * against DuckDB in the same run).
 *
 *   parquet_encode [--rows N] [--repeat K] [--out DIR] [--seed S] [--level L] [--no-csv]
 *
 * 1. Generates N rows shaped like the `assessments` table (DESIGN.md columns) in memory, untimed:
 *    exams drawn with the reference weights (sl_gen_exams: 107 exams, "Learning Git" ~12%),
 *    UUIDs, ObjectId-like 24-hex keen ids, started_at over 2017-11-21..2018-01-28 at millisecond
 *    precision, attempts of a few minutes, ~4% null certification, ~0.5% null counts, ~0.3% null
 *    completion, Kafka provenance over 12 partitions.
 * 2. Times, K times, only sluice's writer encoding those rows to DIR/sluice.parquet (ZSTD at level
 *    L, default 3 = DuckDB's default; defaults otherwise; one thread): writer_new, N write_row
 *    calls (each row's sl_value cells are filled from the in-memory rows: no allocation), close.
 * 3. Unless --no-csv, writes the same rows to DIR/rows.csv (untimed) for DuckDB to load
 *    (timestamps as epoch microseconds, doubles with 17 significant digits, NULL as empty).
 *
 * Prints key=value lines on stdout: rows, repeat, sluice_seconds (best wall time),
 * sluice_cpu_seconds (best CPU time: robust on a busy machine), sluice_seconds_all, sluice_bytes, fill_seconds (the time of the cell-filling loop alone, to show it is negligible),
 * csv. Exit status 0 on success, 1 on error.
 */
#include "common/common.h"
#include "common/types.h"
#include "gen/gen.h"
#include "parquet/parquet.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
    C_KEEN_ID, C_USER_EXAM_ID, C_BASE_EXAM_ID, C_EXAM_NAME, C_STARTED_AT, C_KEEN_TIMESTAMP,
    C_KEEN_CREATED_AT, C_MAX_ATTEMPTS, C_CERTIFICATION, C_SEQUENCE_ID, C_ATTEMPT, C_QUESTION_COUNT,
    C_CORRECT, C_INCORRECT, C_INCOMPLETE, C_SUBMITTED, C_UNANSWERED, C_TOTAL, C_ALL_CORRECT, C_SCORE,
    C_COMPLETED_AT, C_DURATION_S, C_TOPIC, C_PARTITION, C_OFFSET, C_TIMESTAMP, NCOLS
};

static const sl_column cols[NCOLS] = {
    { "keen_id", SL_T_STRING, 1 },          { "user_exam_id", SL_T_STRING, 0 },
    { "base_exam_id", SL_T_STRING, 0 },     { "exam_name", SL_T_STRING, 0 },
    { "started_at", SL_T_TIMESTAMP, 0 },    { "keen_timestamp", SL_T_TIMESTAMP, 0 },
    { "keen_created_at", SL_T_TIMESTAMP, 0 }, { "max_attempts", SL_T_DOUBLE, 0 },
    { "certification", SL_T_BOOL, 0 },      { "sequence_id", SL_T_STRING, 0 },
    { "attempt", SL_T_INT32, 0 },           { "question_count", SL_T_INT32, 0 },
    { "correct", SL_T_INT32, 0 },           { "incorrect", SL_T_INT32, 0 },
    { "incomplete", SL_T_INT32, 0 },        { "submitted", SL_T_INT32, 0 },
    { "unanswered", SL_T_INT32, 0 },        { "total", SL_T_INT32, 0 },
    { "all_correct", SL_T_BOOL, 0 },        { "score", SL_T_DOUBLE, 0 },
    { "completed_at", SL_T_TIMESTAMP, 0 },  { "duration_s", SL_T_DOUBLE, 0 },
    { "_topic", SL_T_STRING, 0 },           { "_partition", SL_T_INT32, 0 },
    { "_offset", SL_T_INT64, 0 },           { "_timestamp", SL_T_TIMESTAMP, 0 },
};

#define TOPIC "assessment-attempts"
#define NPART 12

/* One generated attempt, compact (about 190 bytes). */
typedef struct brow {
    char keen_id[24];
    char user_exam_id[36];
    char sequence_id[36];
    uint8_t exam;
    uint8_t cert_null, counts_null, completed_null;
    int64_t started_at, keen_ts, keen_created, completed_at, kafka_ts, offset;
    int32_t partition, attempt, qcount;
    int32_t correct, incorrect, incomplete, submitted, unanswered;
} brow;

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next64(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint32_t below(rng *r, uint32_t n) { return (uint32_t)((next64(r) >> 32) * n >> 32); }

static void hex_into(char *dst, size_t n, uint64_t a, uint64_t b)
{
    static const char hx[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        uint64_t *src = i < 16 ? &a : &b;
        dst[i] = hx[*src & 15];
        *src >>= 4;
    }
}

static void uuid_into(char *dst, rng *r)
{
    char h[32];
    hex_into(h, 32, next64(r), next64(r));
    h[12] = '4';
    h[16] = "89ab"[h[16] & 3];
    memcpy(dst, h, 8);
    dst[8] = '-';
    memcpy(dst + 9, h + 8, 4);
    dst[13] = '-';
    memcpy(dst + 14, h + 12, 4);
    dst[18] = '-';
    memcpy(dst + 19, h + 16, 4);
    dst[23] = '-';
    memcpy(dst + 24, h + 20, 12);
}

/* An exam's fixed number of questions beyond 4 (0..6), derived from its index. */
static int32_t exam_extra_questions(size_t e) { return (int32_t)(((uint64_t)e * 2654435761u >> 7) % 7); }

/* Generates n rows. Exams follow the reference weights; each exam has a fixed question count
 * (4..10) derived from its index. */
static brow *generate(size_t n, uint64_t seed, const sl_gen_exam *exams, size_t nexams)
{
    brow *rows = calloc(n ? n : 1, sizeof *rows);
    uint64_t *cum = calloc(nexams, sizeof *cum);
    if (!rows || !cum) goto err;
    uint64_t total = 0;
    for (size_t e = 0; e < nexams; e++) cum[e] = total += exams[e].raw_count;
    rng r = { seed };
    int64_t part_off[NPART] = { 0 };
    const int64_t t0 = INT64_C(1511222400000000); /* 2017-11-21T00:00:00Z */
    const int64_t span = INT64_C(5875200000000);  /* 68 days */
    for (size_t i = 0; i < n; i++) {
        brow *b = &rows[i];
        uint64_t pick = next64(&r) % total;
        size_t e = 0;
        while (cum[e] <= pick) e++;
        b->exam = (uint8_t)e;
        b->started_at = t0 + (int64_t)(next64(&r) % (uint64_t)(span / 1000)) * 1000;
        int64_t dur = (int64_t)(20 + below(&r, 600)) * 1000000 + (int64_t)below(&r, 1000) * 1000;
        b->completed_null = below(&r, 1000) < 3;
        b->completed_at = b->started_at + dur;
        b->keen_ts = b->started_at + dur + 500000 + (int64_t)below(&r, 3000000);
        b->keen_created = below(&r, 100) < 97 ? b->keen_ts : b->keen_ts + (int64_t)below(&r, 2000000);
        hex_into(b->keen_id, 8, (uint64_t)(b->keen_ts / 1000000), 0);
        /* hex_into writes the low nibble first: reverse so the seconds read big-endian */
        for (int k = 0; k < 4; k++) {
            char t = b->keen_id[k];
            b->keen_id[k] = b->keen_id[7 - k];
            b->keen_id[7 - k] = t;
        }
        hex_into(b->keen_id + 8, 16, next64(&r), 0);
        uuid_into(b->user_exam_id, &r);
        uuid_into(b->sequence_id, &r);
        b->cert_null = below(&r, 100) < 4;
        b->attempt = below(&r, 100) < 98 ? 1 : 2;
        b->qcount = 4 + exam_extra_questions(e);
        b->counts_null = below(&r, 1000) < 5;
        b->unanswered = below(&r, 10) == 0 ? (int32_t)below(&r, (uint32_t)b->qcount + 1) : 0;
        b->submitted = b->qcount - b->unanswered;
        b->correct = b->submitted ? (int32_t)below(&r, (uint32_t)b->submitted + 1) : 0;
        int32_t wrong = b->submitted - b->correct;
        b->incorrect = wrong ? (int32_t)below(&r, (uint32_t)wrong + 1) : 0;
        b->incomplete = wrong - b->incorrect;
        b->partition = (int32_t)below(&r, NPART);
        b->offset = part_off[b->partition]++;
        b->kafka_ts = (b->keen_ts / 1000 + below(&r, 50)) * 1000;
    }
    free(cum);
    return rows;
err:
    free(rows);
    free(cum);
    return NULL;
}

static sl_value sv_str(const char *p, size_t n)
{
    sl_value v;
    v.u.s.p = p;
    v.u.s.n = (uint32_t)n;
    v.is_null = 0;
    return v;
}

static sl_value sv_int(int64_t i)
{
    sl_value v;
    v.u.i = i;
    v.is_null = 0;
    return v;
}

static sl_value sv_dbl(double d)
{
    sl_value v;
    v.u.d = d;
    v.is_null = 0;
    return v;
}

static sl_value sv_null(void)
{
    sl_value v;
    v.u.i = 0;
    v.is_null = 1;
    return v;
}

/* Fills the cells of one row (pointers into b and the exam table; nothing allocated). */
static void fill_row(sl_value *v, const brow *b, const sl_gen_exam *exams)
{
    const sl_gen_exam *ex = &exams[b->exam];
    v[C_KEEN_ID] = sv_str(b->keen_id, sizeof b->keen_id);
    v[C_USER_EXAM_ID] = sv_str(b->user_exam_id, sizeof b->user_exam_id);
    v[C_BASE_EXAM_ID] = sv_str(ex->base_exam_id, strlen(ex->base_exam_id));
    v[C_EXAM_NAME] = sv_str(ex->exam_name, strlen(ex->exam_name));
    v[C_STARTED_AT] = sv_int(b->started_at);
    v[C_KEEN_TIMESTAMP] = sv_int(b->keen_ts);
    v[C_KEEN_CREATED_AT] = sv_int(b->keen_created);
    v[C_MAX_ATTEMPTS] = sv_dbl(1.0);
    v[C_CERTIFICATION] = b->cert_null ? sv_null() : sv_int(0);
    v[C_SEQUENCE_ID] = sv_str(b->sequence_id, sizeof b->sequence_id);
    v[C_ATTEMPT] = sv_int(b->attempt);
    v[C_QUESTION_COUNT] = sv_int(b->qcount);
    if (b->counts_null) {
        for (int c = C_CORRECT; c <= C_SCORE; c++) v[c] = sv_null();
    } else {
        v[C_CORRECT] = sv_int(b->correct);
        v[C_INCORRECT] = sv_int(b->incorrect);
        v[C_INCOMPLETE] = sv_int(b->incomplete);
        v[C_SUBMITTED] = sv_int(b->submitted);
        v[C_UNANSWERED] = sv_int(b->unanswered);
        v[C_TOTAL] = sv_int(b->qcount);
        v[C_ALL_CORRECT] = sv_int(b->correct == b->qcount);
        v[C_SCORE] = sv_dbl((double)b->correct / (double)b->qcount);
    }
    if (b->completed_null) {
        v[C_COMPLETED_AT] = sv_null();
        v[C_DURATION_S] = sv_null();
    } else {
        v[C_COMPLETED_AT] = sv_int(b->completed_at);
        v[C_DURATION_S] = sv_dbl((double)(b->completed_at - b->started_at) / 1e6);
    }
    v[C_TOPIC] = sv_str(TOPIC, sizeof TOPIC - 1);
    v[C_PARTITION] = sv_int(b->partition);
    v[C_OFFSET] = sv_int(b->offset);
    v[C_TIMESTAMP] = sv_int(b->kafka_ts);
}

/* CPU time of this process in seconds (all threads; the writer uses one). */
static double cpu_seconds(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) return 0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One timed encode of all rows into `path`. Sets *secs (wall), *cpu (CPU seconds) and *bytes.
 * 0 on success. */
static int encode_once(const char *path, const brow *rows, size_t n, const sl_gen_exam *exams, int level,
                       double *secs, double *cpu, uint64_t *bytes)
{
    char err[512] = "";
    sl_value v[NCOLS];
    sl_pq_writer *w = NULL;
    int rc = -1;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        fprintf(stderr, "parquet_encode: cannot create %s: %s\n", path, strerror(errno));
        return -1;
    }
    sl_pq_options o = sl_pq_options_default();
    o.codec = SL_PQ_ZSTD;
    o.compression_level = level;
    uint64_t t0 = sl_now_ns();
    double c0 = cpu_seconds();
    w = sl_pq_writer_new(cols, NCOLS, &o, sl_out_fd(&fd), err, sizeof err);
    if (!w) {
        fprintf(stderr, "parquet_encode: writer: %s\n", err);
        goto err;
    }
    for (size_t i = 0; i < n; i++) {
        fill_row(v, &rows[i], exams);
        if (sl_pq_writer_write_row(w, v, err, sizeof err) != SL_OK) {
            fprintf(stderr, "parquet_encode: row %zu: %s\n", i, err);
            goto err;
        }
    }
    if (sl_pq_writer_close(w, err, sizeof err) != SL_OK) {
        fprintf(stderr, "parquet_encode: close: %s\n", err);
        goto err;
    }
    *bytes = sl_pq_writer_bytes_written(w);
    if (close(fd) != 0) {
        fd = -1;
        fprintf(stderr, "parquet_encode: closing %s: %s\n", path, strerror(errno));
        goto err;
    }
    fd = -1;
    *secs = (double)(sl_now_ns() - t0) / 1e9;
    *cpu = cpu_seconds() - c0;
    rc = 0;
err:
    sl_pq_writer_destroy(w);
    if (fd >= 0) close(fd);
    return rc;
}

/* CSV helpers: a field is written only when not null; strings are quoted ("" doubled). */
static void csv_str(FILE *f, const char *p, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"') fputc('"', f);
        fputc(p[i], f);
    }
    fputc('"', f);
}

/* Writes the rows as CSV with a header, every column of `cols` in order. Timestamps are epoch
 * microseconds, booleans true/false, doubles %.17g, NULL an empty unquoted field. */
static int write_csv(const char *path, const brow *rows, size_t n, const sl_gen_exam *exams)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "parquet_encode: cannot create %s: %s\n", path, strerror(errno));
        return -1;
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    for (int c = 0; c < NCOLS; c++) fprintf(f, "%s%s", c ? "," : "", cols[c].name);
    fputc('\n', f);
    sl_value v[NCOLS];
    for (size_t i = 0; i < n; i++) {
        fill_row(v, &rows[i], exams);
        for (int c = 0; c < NCOLS; c++) {
            if (c) fputc(',', f);
            if (v[c].is_null) continue;
            switch (cols[c].type) {
            case SL_T_STRING:
            case SL_T_BINARY: csv_str(f, v[c].u.s.p, v[c].u.s.n); break;
            case SL_T_BOOL: fputs(v[c].u.i ? "true" : "false", f); break;
            case SL_T_DOUBLE: fprintf(f, "%.17g", v[c].u.d); break;
            default: fprintf(f, "%" PRId64, v[c].u.i); break;
            }
        }
        fputc('\n', f);
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "parquet_encode: writing %s failed: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: parquet_encode [--rows N] [--repeat K] [--out DIR] [--seed S] [--level L] [--no-csv]\n"
               "Times sluice's Parquet writer (ZSTD) on N in-memory assessments rows, best of K,\n"
               "and writes the same rows as DIR/rows.csv for the DuckDB side of bench/parquet.sh.\n"
               "Defaults: N=1000000, K=3, DIR=bench/out/parquet, S=1, L=3.\n");
}

static int parse_num(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-') return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long long rows_n = 1000000, repeat = 3, seed = 1, level = 3;
    const char *dir = "bench/out/parquet";
    int csv = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        unsigned long long *num = NULL;
        if (strcmp(a, "--rows") == 0) num = &rows_n;
        else if (strcmp(a, "--repeat") == 0) num = &repeat;
        else if (strcmp(a, "--seed") == 0) num = &seed;
        else if (strcmp(a, "--level") == 0) num = &level;
        else if (strcmp(a, "--out") == 0 && i + 1 < argc) { dir = argv[++i]; continue; }
        else if (strcmp(a, "--no-csv") == 0) { csv = 0; continue; }
        else if (strcmp(a, "--help") == 0) { usage(stdout); return 0; }
        else {
            fprintf(stderr, "parquet_encode: unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        }
        if (i + 1 >= argc || parse_num(argv[++i], num) != 0) {
            fprintf(stderr, "parquet_encode: %s wants a non-negative number\n", a);
            return 2;
        }
    }
    if (repeat < 1 || level < 1 || level > 22) {
        fprintf(stderr, "parquet_encode: --repeat must be >= 1 and --level 1..22\n");
        return 2;
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "parquet_encode: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    size_t nexams;
    const sl_gen_exam *exams = sl_gen_exams(&nexams);
    if (nexams == 0 || nexams > 255) {
        fprintf(stderr, "parquet_encode: unexpected exam table size %zu\n", nexams);
        return 1;
    }
    size_t n = (size_t)rows_n;
    brow *rows = generate(n, seed, exams, nexams);
    if (!rows) {
        fprintf(stderr, "parquet_encode: out of memory for %zu rows\n", n);
        return 1;
    }
    int status = 1;
    char path[4096], csvpath[4096];
    snprintf(path, sizeof path, "%s/sluice.parquet", dir);
    snprintf(csvpath, sizeof csvpath, "%s/rows.csv", dir);

    /* The cell-filling loop alone, to show its share of the timed loop. */
    sl_value v[NCOLS];
    uint64_t sink = 0, f0 = sl_now_ns();
    for (size_t i = 0; i < n; i++) {
        fill_row(v, &rows[i], exams);
        sink += (uint64_t)v[C_OFFSET].u.i + v[C_KEEN_ID].u.s.n;
    }
    double fill_secs = (double)(sl_now_ns() - f0) / 1e9;

    double best = 0, best_cpu = 0;
    uint64_t bytes = 0;
    char all[512] = "";
    size_t alen = 0;
    for (unsigned long long k = 0; k < repeat; k++) {
        double secs, cpu;
        if (encode_once(path, rows, n, exams, (int)level, &secs, &cpu, &bytes) != 0) goto done;
        if (k == 0 || secs < best) best = secs;
        if (k == 0 || cpu < best_cpu) best_cpu = cpu;
        if (alen < sizeof all - 16) alen += (size_t)snprintf(all + alen, sizeof all - alen, "%s%.4f", k ? "," : "", secs);
    }
    if (csv && write_csv(csvpath, rows, n, exams) != 0) goto done;
    printf("rows=%zu\nrepeat=%llu\nlevel=%llu\nsluice_seconds=%.4f\nsluice_cpu_seconds=%.4f\nsluice_seconds_all=%s"
           "\nsluice_bytes=%" PRIu64 "\nsluice_file=%s\nfill_seconds=%.4f\nfill_check=%" PRIu64 "\ncsv=%s\n",
           n, repeat, level, best, best_cpu, all, bytes, path, fill_secs, sink % 10, csv ? csvpath : "");
    status = 0;
done:
    free(rows);
    return status;
}
