/*
 * parquet_read: the sluice half of the Parquet read benchmark (bench/parquet_read.sh).
 *
 *   parquet_read --out DIR [--rows N] [--repeat K]
 *
 * Writes DIR/read.parquet with sluice's writer (untimed): N rows shaped like the
 * `assessments` table (15 columns: unique ids, low-cardinality exam ids and names,
 * timestamps, doubles, small ints, booleans, some nulls), ZSTD, default pages and row
 * groups. Then times, K times, sluice's reader decoding every column of every row
 * group into cells (single thread, from the page cache through pread) and folding
 * every cell into a checksum so nothing is skipped, two ways: with cursors (page by
 * page, the way to scan) and with read_column (each chunk materialized whole).
 * Prints key=value lines: rows, bytes, sluice_read_seconds (cursors, best),
 * sluice_read_seconds_all, sluice_read_cpu_seconds (cursors, best user+system CPU),
 * sluice_read_column_seconds (best) and _all, int_sum (sum of the _offset and
 * question_count columns, for the peer to verify), strings_bytes, fold.
 */
#include "common/common.h"
#include "common/types.h"
#include "parquet/parquet.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static void hex(char *out, uint64_t a, uint64_t b, int n)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < n; i++) {
        uint64_t src = i < 16 ? a : b;
        out[i] = digits[(src >> ((i % 16) * 4)) & 15];
    }
}

static int write_file(const char *path, long rows, char *err, size_t errn)
{
    static const sl_column cols[] = {
        { "keen_id", SL_T_STRING, 1 },        { "user_exam_id", SL_T_STRING, 0 },
        { "base_exam_id", SL_T_STRING, 0 },   { "exam_name", SL_T_STRING, 0 },
        { "started_at", SL_T_TIMESTAMP, 0 },  { "keen_timestamp", SL_T_TIMESTAMP, 0 },
        { "max_attempts", SL_T_DOUBLE, 0 },   { "certification", SL_T_BOOL, 0 },
        { "attempt", SL_T_INT32, 0 },         { "question_count", SL_T_INT32, 0 },
        { "correct", SL_T_INT32, 0 },         { "score", SL_T_DOUBLE, 0 },
        { "duration_s", SL_T_DOUBLE, 0 },     { "_topic", SL_T_STRING, 0 },
        { "_offset", SL_T_INT64, 0 },
    };
    enum { NC = sizeof cols / sizeof cols[0] };
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        snprintf(err, errn, "%.300s: %s", path, strerror(errno));
        return -1;
    }
    sl_pq_options opts = sl_pq_options_default();
    sl_pq_writer *w = sl_pq_writer_new(cols, NC, &opts, sl_out_fd(&fd), err, errn);
    int rc = w ? 0 : -1;
    char keen[24], uexam[36], bexam[36], name[48];
    for (long i = 0; rc == 0 && i < rows; i++) {
        uint64_t h = mix((uint64_t)i), h2 = mix(h), exam = mix(h2) % 107;
        uint64_t e1 = mix(exam + 1000), e2 = mix(e1);
        sl_value v[NC];
        memset(v, 0, sizeof v);
        hex(keen, h, h2, 24);
        hex(uexam, h2, h, 36);
        uexam[8] = uexam[13] = uexam[18] = uexam[23] = '-';
        hex(bexam, e1, e2, 36);
        bexam[8] = bexam[13] = bexam[18] = bexam[23] = '-';
        int nl = snprintf(name, sizeof name, "Exam number %d: %s", (int)exam,
                          exam % 3 ? "Learning Git" : "Intro to Python and Data");
        int64_t start = 1511222400000000LL + (int64_t)(h % 5875200000000ULL);
        int qc = 4 + (int)(h2 % 7), correct = (int)(h % (uint64_t)(qc + 1));
        v[0].u.s.p = keen, v[0].u.s.n = 24;
        v[1].u.s.p = uexam, v[1].u.s.n = 36;
        v[2].u.s.p = bexam, v[2].u.s.n = 36;
        v[3].u.s.p = name, v[3].u.s.n = (uint32_t)nl;
        v[4].u.i = start;
        v[5].u.i = start + 180000000 + (int64_t)(h2 % 600000000);
        v[6].u.d = 1.0;
        v[7].u.i = 0, v[7].is_null = h % 25 == 0;
        v[8].u.i = 1;
        v[9].u.i = qc;
        v[10].u.i = correct, v[10].is_null = h2 % 50 == 0;
        v[11].u.d = (double)correct / qc, v[11].is_null = v[10].is_null;
        v[12].u.d = (double)(h2 % 600000) / 1000.0, v[12].is_null = h % 40 == 0;
        v[13].u.s.p = "assessments", v[13].u.s.n = 11;
        v[14].u.i = i;
        if (sl_pq_writer_write_row(w, v, err, errn) != SL_OK)
            rc = -1;
    }
    if (rc == 0 && sl_pq_writer_close(w, err, errn) != SL_OK)
        rc = -1;
    sl_pq_writer_destroy(w);
    if (close(fd) != 0 && rc == 0) {
        snprintf(err, errn, "close: %s", strerror(errno));
        rc = -1;
    }
    return rc;
}

/* Folds n cells of type t into the sums. */
static void fold_cells(const sl_value *v, size_t n, sl_type t, int summed, uint64_t *int_sum,
                       uint64_t *str_bytes, uint64_t *fold)
{
    uint64_t f = 0, s = 0, is = 0;
    if (t == SL_T_STRING || t == SL_T_BINARY) {
        for (size_t k = 0; k < n; k++)
            if (!v[k].is_null) {
                s += v[k].u.s.n;
                f += (uint8_t)v[k].u.s.p[0];
            }
    } else {
        for (size_t k = 0; k < n; k++)
            f += v[k].is_null ? 7 : (uint64_t)v[k].u.i;
    }
    if (summed)
        for (size_t k = 0; k < n; k++)
            is += v[k].is_null ? 0 : (uint64_t)v[k].u.i;
    *int_sum += is;
    *str_bytes += s;
    *fold += f;
}

/* Reads every column of every row group, with cursors (page by page) or with
 * read_column (whole chunks); folds cells into sums. */
static int read_all(const char *path, int use_cursor, uint64_t *int_sum, uint64_t *str_bytes,
                    uint64_t *fold, char *err, size_t errn)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(err, errn, "%.300s: %s", path, strerror(errno));
        return -1;
    }
    sl_in in;
    int rc = -1;
    sl_pq_reader *r = NULL;
    if (sl_in_fd(&in, &fd, err, errn) != SL_OK)
        goto done;
    r = sl_pq_reader_open(&in, err, errn);
    if (!r)
        goto done;
    size_t offset_col = 0, qc_col = 0;
    sl_pq_reader_find_column(r, "_offset", &offset_col);
    sl_pq_reader_find_column(r, "question_count", &qc_col);
    *int_sum = *str_bytes = *fold = 0;
    size_t ncols = sl_pq_reader_ncols(r);
    for (size_t c = 0; c < ncols; c++) {
        sl_type t = sl_pq_reader_column(r, c)->type;
        int summed = c == offset_col || c == qc_col;
        sl_pq_cursor *cur = use_cursor ? sl_pq_cursor_new(r, c) : NULL;
        if (use_cursor && !cur) {
            snprintf(err, errn, "out of memory");
            goto done;
        }
        for (size_t g = 0; g < sl_pq_reader_nrow_groups(r); g++) {
            const sl_value *v;
            if (!use_cursor) {
                if (sl_pq_reader_read_column(r, g, c, &v, err, errn) != SL_OK)
                    goto done;
                fold_cells(v, (size_t)sl_pq_reader_row_group_rows(r, g), t, summed, int_sum,
                           str_bytes, fold);
                continue;
            }
            size_t n;
            if (sl_pq_cursor_start(cur, g, err, errn) != SL_OK) {
                sl_pq_cursor_destroy(cur);
                goto done;
            }
            sl_err e;
            while ((e = sl_pq_cursor_next(cur, &v, &n, err, errn)) == SL_OK && n > 0)
                fold_cells(v, n, t, summed, int_sum, str_bytes, fold);
            if (e != SL_OK) {
                sl_pq_cursor_destroy(cur);
                goto done;
            }
        }
        sl_pq_cursor_destroy(cur);
    }
    rc = 0;
done:
    sl_pq_reader_destroy(r);
    close(fd);
    return rc;
}

/* User + system CPU time of this process, in seconds. */
static double cpu_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + (double)u.ru_stime.tv_sec +
           u.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    long rows = 1000000, repeat = 3;
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc)
            rows = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out = argv[++i];
        else {
            fprintf(stderr, "usage: parquet_read --out DIR [--rows N] [--repeat K]\n");
            return 2;
        }
    }
    if (!out || rows <= 0 || repeat <= 0) {
        fprintf(stderr, "usage: parquet_read --out DIR [--rows N] [--repeat K]\n");
        return 2;
    }
    char path[4096], err[512];
    snprintf(path, sizeof path, "%s/read.parquet", out);
    if (write_file(path, rows, err, sizeof err) != 0) {
        fprintf(stderr, "parquet_read: writing: %s\n", err);
        return 1;
    }
    double best[2] = { 1e30, 1e30 }, cpu_best = 1e30;
    char all[2][512] = { "", "" };
    size_t alen[2] = { 0, 0 };
    uint64_t int_sum = 0, str_bytes = 0, fold = 0, check[2] = { 0, 0 };
    for (long k = 0; k < repeat; k++) {
        for (int mode = 0; mode < 2; mode++) { /* 0: cursors, 1: read_column */
            double c0 = cpu_seconds();
            uint64_t t0 = sl_now_ns();
            if (read_all(path, mode == 0, &int_sum, &str_bytes, &fold, err, sizeof err) != 0) {
                fprintf(stderr, "parquet_read: reading: %s\n", err);
                return 1;
            }
            double s = (double)(sl_now_ns() - t0) / 1e9, cs = cpu_seconds() - c0;
            if (s < best[mode])
                best[mode] = s;
            if (mode == 0 && cs < cpu_best)
                cpu_best = cs;
            check[mode] = int_sum ^ fold;
            int n = snprintf(all[mode] + alen[mode], sizeof all[mode] - alen[mode], "%s%.3f",
                             k ? "," : "", s);
            if (n > 0 && (size_t)n < sizeof all[mode] - alen[mode])
                alen[mode] += (size_t)n;
        }
    }
    if (check[0] != check[1]) {
        fprintf(stderr, "parquet_read: cursors and read_column saw different values\n");
        return 1;
    }
    int fd = open(path, O_RDONLY);
    off_t bytes = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;
    if (fd >= 0)
        close(fd);
    printf("rows=%ld\nbytes=%lld\nsluice_read_seconds=%.4f\nsluice_read_seconds_all=%s\n"
           "sluice_read_cpu_seconds=%.4f\nsluice_read_column_seconds=%.4f\n"
           "sluice_read_column_seconds_all=%s\nint_sum=%" PRIu64 "\nstrings_bytes=%" PRIu64
           "\nfold=%" PRIu64 "\n",
           rows, (long long)bytes, best[0], all[0], cpu_best, best[1], all[1], int_sum, str_bytes,
           fold);
    return 0;
}
