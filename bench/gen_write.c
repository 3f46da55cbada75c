/*
 * gen_write: the sluice half of the generator benchmark (bench/gen.sh runs it against
 * Node's JSON.stringify in the same run).
 *
 *   gen_write [--records N] [--repeat K] [--seed S] [--out FILE]
 *
 * Times, K times, sl_gen_write of N records (NDJSON, the default seed 1 unless --seed)
 * into a sink that only counts bytes: the generator's own cost (simulation + formatting),
 * single thread, no I/O. Then, untimed, writes the same records to FILE (when given) for
 * the peer to load. Prints key=value lines: records, repeat, sluice_seconds (best),
 * sluice_seconds_all, sluice_bytes, sluice_mb_per_s, duplicates. Exit 0, or 1 on error,
 * 2 on a usage error.
 */
#include "common/common.h"
#include "gen/gen.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static sl_err count_sink(void *ctx, const void *data, size_t n, char *errstr, size_t errstr_size)
{
    (void)data;
    (void)errstr;
    (void)errstr_size;
    *(uint64_t *)ctx += n;
    return SL_OK;
}

static int parse_num(const char *s, unsigned long long *out)
{
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    char *end;
    *out = strtoull(s, &end, 10);
    return errno || *end ? -1 : 0;
}

int main(int argc, char **argv)
{
    unsigned long long records = 50000, repeat = 3, seed = 1;
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        unsigned long long *num = strcmp(a, "--records") == 0 ? &records
                                  : strcmp(a, "--repeat") == 0 ? &repeat
                                  : strcmp(a, "--seed") == 0   ? &seed
                                                               : NULL;
        if (strcmp(a, "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
            continue;
        }
        if (!num || i + 1 >= argc || parse_num(argv[++i], num) != 0) {
            fprintf(stderr, "usage: gen_write [--records N] [--repeat K] [--seed S] [--out FILE]\n");
            return 2;
        }
    }
    if (repeat < 1)
        repeat = 1;

    char err[256] = "";
    double best = 0;
    uint64_t bytes = 0, dups = 0;
    char all[512] = "";
    size_t alen = 0;
    for (unsigned long long k = 0; k < repeat; k++) {
        sl_gen *g = sl_gen_new(seed, NULL);
        if (!g) {
            fprintf(stderr, "gen_write: out of memory\n");
            return 1;
        }
        uint64_t n = 0;
        sl_out sink = { count_sink, &n };
        uint64_t t0 = sl_now_ns();
        sl_err e = sl_gen_write(g, records, SL_GEN_NDJSON, sink, err, sizeof err);
        double secs = (double)(sl_now_ns() - t0) / 1e9;
        dups = sl_gen_duplicates(g);
        sl_gen_destroy(g);
        if (e != SL_OK) {
            fprintf(stderr, "gen_write: %s\n", err);
            return 1;
        }
        bytes = n;
        if (k == 0 || secs < best)
            best = secs;
        if (alen < sizeof all - 16)
            alen += (size_t)snprintf(all + alen, sizeof all - alen, "%s%.4f", k ? "," : "", secs);
    }
    if (out) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            fprintf(stderr, "gen_write: cannot create %s: %s\n", out, strerror(errno));
            return 1;
        }
        sl_gen *g = sl_gen_new(seed, NULL);
        sl_err e = g ? sl_gen_write(g, records, SL_GEN_NDJSON, sl_out_fd(&fd), err, sizeof err) : SL_ERR_NOMEM;
        sl_gen_destroy(g);
        if (close(fd) != 0 && e == SL_OK)
            e = sl_errf(SL_ERR_IO, err, sizeof err, "close: %s", strerror(errno));
        if (e != SL_OK) {
            fprintf(stderr, "gen_write: %s: %s\n", out, err);
            return 1;
        }
    }
    printf("records=%llu\nrepeat=%llu\nsluice_seconds=%.4f\nsluice_seconds_all=%s\nsluice_bytes=%" PRIu64
           "\nsluice_mb_per_s=%.1f\nduplicates=%" PRIu64 "\n",
           records, repeat, best, all, bytes, (double)bytes / 1e6 / best, dups);
    return 0;
}
