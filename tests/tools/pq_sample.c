/*
 * pq_sample: writes a small Parquet file with sluice's writer whose every value is
 * known, for tests/e2e/inspect.sh (which checks `sluice inspect` prints them).
 *
 *   pq_sample [--codec none|snappy|gzip|zstd] [--row-group-bytes N] [--rows N] [--int96]
 *             [--no-dictionary] OUT.parquet
 *
 * Columns (row i): id INT64 required = i; name STRING optional (row 0 "plain", 1 quotes,
 * backslash, newline, tab and U+0001, 2 non-ASCII UTF-8, 3 null, 4 empty, 6 "bad" plus an
 * invalid byte 0xff, others "name-<i%3>"); ok BOOLEAN optional = i even (null at 3);
 * score DOUBLE optional = i/2 (null at 3, -0.0 at 4, NaN at 5); at TIMESTAMP optional =
 * 2018-01-23T14:23:19.082Z + i s (null at 3, 1969-12-31T23:59:59.999999Z at 5);
 * day DATE required = 2017-11-21 + i; raw BINARY optional = ff 00 i; n32 INT32 optional
 * = -i. Key/value metadata: sluice.mapping = test. Default: zstd, 10 rows.
 * Exit status 0, or 1 with a message on stderr.
 */
#include "common/common.h"
#include "common/types.h"
#include "parquet/parquet.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int usage(void)
{
    fprintf(stderr, "usage: pq_sample [--codec C] [--row-group-bytes N] [--rows N] [--int96] "
                    "[--no-dictionary] OUT.parquet\n");
    return 1;
}

int main(int argc, char **argv)
{
    sl_pq_options opts = sl_pq_options_default();
    long rows = 10;
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--codec") == 0 && i + 1 < argc) {
            if (sl_pq_codec_parse(argv[++i], &opts.codec) != 0)
                return usage();
        } else if (strcmp(argv[i], "--row-group-bytes") == 0 && i + 1 < argc) {
            opts.row_group_bytes = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--int96") == 0) {
            opts.int96_timestamps = 1;
        } else if (strcmp(argv[i], "--no-dictionary") == 0) {
            opts.disable_dictionary = 1;
        } else if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc) {
            rows = strtol(argv[++i], NULL, 10);
        } else if (!out && argv[i][0] != '-') {
            out = argv[i];
        } else {
            return usage();
        }
    }
    if (!out || rows < 0)
        return usage();
    static const sl_column cols[] = {
        { "id", SL_T_INT64, 1 },     { "name", SL_T_STRING, 0 },   { "ok", SL_T_BOOL, 0 },
        { "score", SL_T_DOUBLE, 0 }, { "at", SL_T_TIMESTAMP, 0 }, { "day", SL_T_DATE, 1 },
        { "raw", SL_T_BINARY, 0 },   { "n32", SL_T_INT32, 0 },
    };
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        fprintf(stderr, "pq_sample: %s: %s\n", out, strerror(errno));
        return 1;
    }
    char err[512];
    sl_pq_writer *w = sl_pq_writer_new(cols, 8, &opts, sl_out_fd(&fd), err, sizeof err);
    int rc = w ? 0 : 1;
    if (w && sl_pq_writer_add_kv(w, "sluice.mapping", "test") != SL_OK) {
        snprintf(err, sizeof err, "add_kv failed");
        rc = 1;
    }
    for (long i = 0; rc == 0 && i < rows; i++) {
        static const char *const names[] = { "plain", "quote\" back\\ nl\n tab\t ctl\x01",
                                             "h\xc3\xa9llo \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x99\x82",
                                             NULL, "", NULL, "bad\xff" };
        char name[32];
        unsigned char raw[3] = { 0xff, 0x00, (unsigned char)i };
        sl_value v[8];
        memset(v, 0, sizeof v);
        v[0].u.i = i;
        const char *nm = i < 7 ? names[i] : NULL;
        if (i >= 7 || i == 5) {
            snprintf(name, sizeof name, "name-%ld", i % 3);
            nm = name;
        }
        v[1].is_null = i == 3;
        v[1].u.s.p = nm ? nm : "";
        v[1].u.s.n = nm ? (uint32_t)strlen(nm) : 0;
        v[2].u.i = i % 2 == 0;
        v[2].is_null = i == 3;
        v[3].u.d = i == 4 ? -0.0 : i == 5 ? NAN : i / 2.0;
        v[3].is_null = i == 3;
        v[4].u.i = i == 5 ? -1 : 1516717399082000LL + i * 1000000LL;
        v[4].is_null = i == 3;
        v[5].u.i = 17491 + i;
        v[6].u.s.p = (const char *)raw;
        v[6].u.s.n = 3;
        v[7].u.i = -i;
        if (sl_pq_writer_write_row(w, v, err, sizeof err) != SL_OK)
            rc = 1;
    }
    if (rc == 0 && sl_pq_writer_close(w, err, sizeof err) != SL_OK)
        rc = 1;
    sl_pq_writer_destroy(w);
    if (rc == 0 && fsync(fd) != 0) {
        snprintf(err, sizeof err, "fsync: %s", strerror(errno));
        rc = 1;
    }
    if (close(fd) != 0 && rc == 0) {
        snprintf(err, sizeof err, "close: %s", strerror(errno));
        rc = 1;
    }
    if (rc)
        fprintf(stderr, "pq_sample: %s: %s\n", out, err);
    return rc;
}
