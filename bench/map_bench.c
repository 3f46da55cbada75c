/*
 * map_bench.c: throughput of parse + map with the built-in `assessments`
 * mapping, on the 7 real fixture records repeated (or on any NDJSON file).
 *
 * usage: build/bench/map_bench [NDJSON-FILE] [--mb N] [--no-jq]
 *
 * Reports, in one run: the JSON parse alone (the floor the mapper sits on),
 * parse + map (rows of all three tables, every cell typed), and the peer: jq
 * doing the same flattening (one JSON object per row of the three tables, with
 * counts, the latest option time and the option defaults; jq does not convert
 * timestamps, so it does less work) on the same records, as a ratio.
 */
#include "json/json.h"
#include "map/map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIXTURE "tests/fixtures/assessment-attempts-SAMPLE-offsets0-4_3278-3279.jsonl"

static const char *const jq_filter =
    ". as $r | ($r.sequences.questions // []) as $qs"
    " | ([$qs[].options[]?.at | select(. != null)] | max) as $done"
    " | {t:\"assessments\", keen_id:$r.keen_id, user_exam_id:$r.user_exam_id, base_exam_id:$r.base_exam_id,"
    " exam_name:$r.exam_name, started_at:$r.started_at, keen_timestamp:$r.keen_timestamp,"
    " keen_created_at:$r.keen_created_at, max_attempts:($r.max_attempts|tonumber),"
    " certification:$r.certification, sequence_id:$r.sequences.id, attempt:$r.sequences.attempt,"
    " question_count:($qs|length), counts:$r.sequences.counts, completed_at:$done},"
    " ($qs | to_entries[] | .key as $qi | .value as $q"
    " | {t:\"questions\", keen_id:$r.keen_id, question_index:$qi, question_id:$q.id, user_correct:$q.user_correct,"
    " user_incomplete:$q.user_incomplete, user_submitted:$q.user_submitted, user_result:$q.user_result,"
    " option_count:($q.options|length)},"
    " ($q.options | to_entries[] | {t:\"options\", keen_id:$r.keen_id, question_index:$qi, question_id:$q.id,"
    " option_index:.key, option_id:.value.id, checked:.value.checked, correct:(.value.correct // false),"
    " submitted:(.value|has(\"submitted\")), at:.value.at}))";

static double now_s(void) { return (double)sl_now_ns() / 1e9; }

int main(int argc, char **argv)
{
    const char *path = FIXTURE;
    double target_mb = 64;
    int use_jq = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--mb") == 0 && i + 1 < argc)
            target_mb = atof(argv[++i]);
        else if (strcmp(argv[i], "--no-jq") == 0)
            use_jq = 0;
        else
            path = argv[i];
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    sl_buf one = { 0 };
    char chunk[65536];
    size_t r;
    while ((r = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (sl_buf_append(&one, chunk, r) != SL_OK)
            return 1;
    fclose(f);
    /* Repeat the file's records up to the target size. */
    size_t reps = (size_t)(target_mb * 1e6 / (double)(one.len ? one.len : 1)) + 1;
    sl_buf all = { 0 };
    for (size_t i = 0; i < reps; i++)
        if (sl_buf_append(&all, one.data, one.len) != SL_OK)
            return 1;
    /* Split into records (lines). */
    size_t nrec = 0, cap = 1024;
    size_t *start = malloc(cap * sizeof *start), *len = malloc(cap * sizeof *len);
    for (size_t p = 0; p < all.len;) {
        char *nl = memchr(all.data + p, '\n', all.len - p);
        size_t e = nl ? (size_t)((uint8_t *)nl - all.data) : all.len;
        if (e > p) {
            if (nrec == cap) {
                cap *= 2;
                start = realloc(start, cap * sizeof *start);
                len = realloc(len, cap * sizeof *len);
            }
            start[nrec] = p;
            len[nrec] = e - p;
            nrec++;
        }
        p = e + 1;
    }
    double mb = (double)all.len / 1e6;
    printf("map_bench: %s x %zu = %zu records, %.1f MB\n", path, reps, nrec, mb);

    sl_json_parser *jp = sl_json_parser_new(NULL);
    double t0 = now_s();
    size_t cells = 0;
    for (size_t i = 0; i < nrec; i++) {
        sl_json_error e;
        const sl_json_val *v = sl_json_parse(jp, (const char *)all.data + start[i], len[i], &e);
        if (!v) {
            fprintf(stderr, "record %zu: %s\n", i, e.msg);
            return 1;
        }
        cells += (size_t)sl_json_get_len(v);
    }
    double t_parse = now_s() - t0;

    char err[512], reason[512];
    sl_mapping *m = sl_mapping_load("assessments", err, sizeof err);
    if (!m) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    sl_mapper *mp = sl_mapper_new(m, err, sizeof err);
    size_t rows = 0, bad = 0;
    t0 = now_s();
    for (size_t i = 0; i < nrec; i++) {
        const sl_map_result *res;
        sl_origin o = { "bench", 0, (int64_t)i, SL_TS_NULL, NULL, 0, NULL, 0 };
        if (sl_mapper_map(mp, (const char *)all.data + start[i], len[i], &o, &res, reason, sizeof reason) !=
            SL_MAP_OK) {
            bad++;
            continue;
        }
        for (size_t t = 0; t < res->ntables; t++)
            rows += res->tables[t].nrows;
    }
    double t_map = now_s() - t0;
    printf("json parse only : %8.1f MB/s %10.0f records/s\n", mb / t_parse, (double)nrec / t_parse);
    printf("parse + map     : %8.1f MB/s %10.0f records/s %10.0f rows/s (%zu rows, %zu quarantined)\n",
           mb / t_map, (double)nrec / t_map, (double)rows / t_map, rows, bad);
    printf("map share       : %8.1f%% of parse+map time\n", 100.0 * (t_map - t_parse) / t_map);

    if (use_jq) {
        /* jq on a slice (jq is slow): about 8 MB of the same records. */
        size_t jn = 0, jbytes = 0;
        while (jn < nrec && jbytes < 8000000)
            jbytes += len[jn++] + 1;
        char tmp[] = "/tmp/map_bench_XXXXXX";
        int fd = mkstemp(tmp);
        if (fd >= 0 && write(fd, all.data, jbytes) == (ssize_t)jbytes && close(fd) == 0) {
            char cmd[4096];
            snprintf(cmd, sizeof cmd, "jq -c '%s' %s > /dev/null", jq_filter, tmp);
            t0 = now_s();
            int rc = system(cmd);
            double t_jq = now_s() - t0;
            if (rc == 0) {
                double jq_mbs = (double)jbytes / 1e6 / t_jq;
                printf("peer: jq -c     : %8.1f MB/s %10.0f records/s (%.1f MB)\n", jq_mbs, (double)jn / t_jq,
                       (double)jbytes / 1e6);
                printf("ratio           : sluice parse+map is %.1fx jq\n", (mb / t_map) / jq_mbs);
            } else {
                printf("peer: jq failed (exit %d)\n", rc);
            }
        }
        unlink(tmp);
    }
    sl_mapper_destroy(mp);
    sl_mapping_destroy(m);
    sl_json_parser_destroy(jp);
    free(start);
    free(len);
    sl_buf_free(&one);
    sl_buf_free(&all);
    return 0;
}
