/*
 * land_bench.c: drives the lander (src/lake/land.h) over an NDJSON or JSON array file
 * with every tuning knob exposed, to measure what each costs (bench/land.sh uses
 * `sluice land` itself for the headline figures; this is for tuning).
 *
 *   build/bench/land_bench --in FILE --lake DIR [--page-bytes N] [--dict-max N]
 *       [--row-group N] [--max-memory N] [--codec C] [--level N] [--no-dict]
 *       [--dedupe-window N] [--mmap-threshold N] [--map-only] [--mapping NAME|FILE] [--repeat K]
 *       [--write-threads N (-1: none)] [--stage-bytes N]
 *
 * Each repeat lands into a fresh DIR/run<k> (deleted afterwards). Prints key=value
 * lines: seconds, cpu_seconds (best of the repeats), mb_per_s (input MB / best wall
 * second), messages, files, max_rss_kb; and per repeat bytes_out (Parquet bytes
 * committed) and early_row_groups (written early for the memory budget).
 */
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include "json/json.h"
#include "lake/land.h"
#include "map/map.h"

static double cpu_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

static const char *arg(int argc, char **argv, const char *name, const char *def)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return def;
}

static int flag(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

/* Reads and maps every record, writing nothing: the cost upstream of the lander.
 * Returns 0 on success. */
static int map_only(const char *in, const sl_mapping *m, uint64_t *messages, uint64_t *bytes_in)
{
    char err[1024], reason[512];
    int fd = open(in, O_RDONLY);
    if (fd < 0) {
        perror(in);
        return 1;
    }
    sl_mapper *mp = sl_mapper_new(m, err, sizeof err);
    sl_json_stream *st = sl_json_stream_new(fd, in, SL_JSON_FMT_AUTO, 0);
    sl_json_record rec;
    sl_err e = SL_ERR_NOMEM;
    uint64_t rows = 0;
    while (mp && st && (e = sl_json_stream_next(st, &rec, err, sizeof err)) == SL_OK) {
        sl_origin o = { "bench", 0, (int64_t)rec.ordinal, SL_TS_NULL, NULL, 0, NULL, 0 };
        const sl_map_result *res;
        if (sl_mapper_map(mp, rec.data, rec.len, &o, &res, reason, sizeof reason) == SL_MAP_OK)
            for (size_t t = 0; t < res->ntables; t++)
                rows += res->tables[t].nrows;
        (*messages)++;
    }
    *bytes_in = st ? sl_json_stream_bytes(st) : 0;
    fprintf(stderr, "map_only: %llu rows\n", (unsigned long long)rows);
    sl_json_stream_destroy(st);
    sl_mapper_destroy(mp);
    close(fd);
    return e == SL_ERR_NOTFOUND ? 0 : 1;
}

/* One landing of the whole file into lake `dir`. Returns 0 on success. */
static int land_once(const char *in, const char *dir, const sl_mapping *m, const sl_lander_opts *lo,
                     uint64_t *messages, uint64_t *files, uint64_t *bytes_in)
{
    char err[1024];
    int rc = 1;
    int fd = open(in, O_RDONLY);
    if (fd < 0) {
        perror(in);
        return 1;
    }
    sl_store *s = sl_store_open(dir, NULL, err, sizeof err);
    sl_lander *l = s ? sl_lander_new(s, m, lo, err, sizeof err) : NULL;
    sl_json_stream *st = sl_json_stream_new(fd, in, SL_JSON_FMT_AUTO, 0);
    int64_t resume, last;
    if (!l || !st || sl_lander_assign(l, "bench", 0, &resume, err, sizeof err) != SL_OK)
        goto done;
    sl_json_record rec;
    sl_err e;
    while ((e = sl_json_stream_next(st, &rec, err, sizeof err)) == SL_OK) {
        sl_origin o = { "bench", 0, (int64_t)rec.ordinal, SL_TS_NULL, NULL, 0, NULL, 0 };
        if (sl_lander_add(l, "bench", 0, rec.data, rec.len, &o, err, sizeof err) != SL_OK)
            goto done;
        sl_lander_due_item due[4];
        size_t n = sl_lander_due(l, sl_lander_now_ms(l), due, 4);
        for (size_t i = 0; i < n; i++)
            if (sl_lander_commit(l, due[i].topic, due[i].partition, &last, err, sizeof err) != SL_OK)
                goto done;
    }
    if (e != SL_ERR_NOTFOUND || sl_lander_commit(l, "bench", 0, &last, err, sizeof err) != SL_OK)
        goto done;
    sl_lander_stats stats;
    sl_lander_get_stats(l, &stats);
    *messages = stats.messages;
    *files = stats.files;
    *bytes_in = sl_json_stream_bytes(st);
    printf("bytes_out=%llu early_row_groups=%llu\n", (unsigned long long)stats.bytes,
           (unsigned long long)stats.early_row_groups);
    rc = 0;
done:
    if (rc)
        fprintf(stderr, "land_bench: %s\n", err);
    sl_json_stream_destroy(st);
    sl_lander_destroy(l);
    sl_store_close(s);
    close(fd);
    return rc;
}

int main(int argc, char **argv)
{
    const char *in = arg(argc, argv, "--in", NULL), *lake = arg(argc, argv, "--lake", NULL);
    if (!in || !lake) {
        fprintf(stderr, "usage: land_bench --in FILE --lake DIR [--page-bytes N] [--dict-max N] [--row-group N]\n"
                        "       [--max-memory N] [--codec C] [--level N] [--no-dict] [--dedupe-window N] [--repeat K]\n");
        return 2;
    }
    char err[512];
    /* --mmap-threshold N: mallopt(M_MMAP_THRESHOLD, N) and a trim threshold of 8N,
     * to compare allocator policies; 0 (default) leaves glibc's. */
    size_t mt = (size_t)strtoull(arg(argc, argv, "--mmap-threshold", "0"), NULL, 10);
    if (mt) {
        mallopt(M_MMAP_THRESHOLD, (int)mt);
        mallopt(M_TRIM_THRESHOLD, (int)(mt * 8));
    }
    sl_mapping *m = sl_mapping_load(arg(argc, argv, "--mapping", "assessments"), err, sizeof err);
    if (!m) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    sl_lander_opts lo = sl_lander_opts_default();
    lo.pq.page_bytes = (size_t)strtoull(arg(argc, argv, "--page-bytes", "0"), NULL, 10);
    lo.pq.dict_max_bytes = (size_t)strtoull(arg(argc, argv, "--dict-max", "0"), NULL, 10);
    lo.pq.row_group_bytes = (size_t)strtoull(arg(argc, argv, "--row-group", "0"), NULL, 10);
    lo.max_memory = strtoull(arg(argc, argv, "--max-memory", "0"), NULL, 10);
    lo.pq.compression_level = atoi(arg(argc, argv, "--level", "0"));
    lo.pq.disable_dictionary = flag(argc, argv, "--no-dict");
    lo.dedupe_window = (size_t)strtoull(arg(argc, argv, "--dedupe-window", "0"), NULL, 10);
    lo.write_threads = atoi(arg(argc, argv, "--write-threads", "0"));
    lo.stage_bytes = (size_t)strtoull(arg(argc, argv, "--stage-bytes", "0"), NULL, 10);
    if (sl_pq_codec_parse(arg(argc, argv, "--codec", "zstd"), &lo.pq.codec) != 0) {
        fprintf(stderr, "unknown codec\n");
        return 2;
    }
    int repeat = atoi(arg(argc, argv, "--repeat", "1"));
    double best = 1e30, best_cpu = 1e30;
    uint64_t messages = 0, files = 0, bytes = 0;
    for (int k = 0; k < (repeat > 0 ? repeat : 1); k++) {
        char dir[4096], cmd[4200];
        snprintf(dir, sizeof dir, "%s/run%d", lake, k);
        double t0 = (double)sl_now_ns() / 1e9, c0 = cpu_now();
        messages = 0;
        if (flag(argc, argv, "--map-only") ? map_only(in, m, &messages, &bytes) != 0
                                           : land_once(in, dir, m, &lo, &messages, &files, &bytes) != 0)
            return 1;
        double t = (double)sl_now_ns() / 1e9 - t0, c = cpu_now() - c0;
        if (t < best)
            best = t;
        if (c < best_cpu)
            best_cpu = c;
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "land_bench: could not delete %s\n", dir);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("seconds=%.3f\ncpu_seconds=%.3f\nmb_per_s=%.1f\nmessages=%llu\nfiles=%llu\nmax_rss_kb=%ld\n", best,
           best_cpu, (double)bytes / 1e6 / best, (unsigned long long)messages, (unsigned long long)files,
           ru.ru_maxrss);
    sl_mapping_destroy(m);
    return 0;
}
