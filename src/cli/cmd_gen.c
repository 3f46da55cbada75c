/* cmd_gen.c: `sluice gen`: writes realistic assessment attempts (src/gen/gen.h)
 * as one compact JSON array or as NDJSON, to stdout or atomically to a file. */
#include "cli/cli.h"
#include "common/common.h"
#include "gen/gen.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GEN_DEFAULT_RECORDS 3280
#define GEN_DEFAULT_SEED 1

static void usage(FILE *f)
{
    fprintf(f,
            "usage: sluice gen [--records N] [--seed S] [--ndjson] [-o FILE]\n"
            "\n"
            "Generates realistic assessment attempts shaped like the original\n"
            "assessment-attempts file: per-exam weights of the reference counts (107 exams),\n"
            "stable question and option ids per exam, every option variant, ~1.2%% exact\n"
            "duplicates, missing keys, started_at from 2017-11-21 to 2018-01-28.\n"
            "The same N and seed always give the same bytes, and the first K records do not\n"
            "depend on N. Memory use is constant at any N.\n"
            "\n"
            "Options:\n"
            "  -n, --records N      records to write (default %d, like the original file)\n"
            "  -s, --seed S         random seed, 0 to 18446744073709551615 (default %d)\n"
            "      --ndjson         one record per line instead of one JSON array\n"
            "      --no-duplicates  leave out the exact duplicates (the other records are\n"
            "                       the same as with them)\n"
            "  -o, --output FILE    write FILE (via a temporary name, then renamed) instead\n"
            "                       of stdout; '-' is stdout\n"
            "  -h, --help           this help\n"
            "\n"
            "Examples:\n"
            "  sluice gen > attempts.json\n"
            "  sluice gen --records 1000000 --seed 7 --ndjson -o attempts.ndjson\n",
            GEN_DEFAULT_RECORDS, GEN_DEFAULT_SEED);
}

/* Parses an unsigned 64-bit decimal (digits only). 0 on success, -1 otherwise. */
static int parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s)
        return -1;
    for (const char *c = s; *c; c++)
        if (!isdigit((unsigned char)*c))
            return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* An sl_out that forwards to another and counts the bytes. */
typedef struct count_out {
    sl_out inner;
    uint64_t bytes;
} count_out;

static sl_err count_write(void *ctx, const void *data, size_t n, char *errstr, size_t errstr_size)
{
    count_out *c = ctx;
    sl_err e = c->inner.write(c->inner.ctx, data, n, errstr, errstr_size);
    if (e == SL_OK)
        c->bytes += n;
    return e;
}

SL_CMD(gen)
{
    static const struct option longopts[] = {
        { "records", required_argument, NULL, 'n' },
        { "seed", required_argument, NULL, 's' },
        { "ndjson", no_argument, NULL, 'J' },
        { "no-duplicates", no_argument, NULL, 'D' },
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t records = GEN_DEFAULT_RECORDS, seed = GEN_DEFAULT_SEED;
    sl_gen_opts opts = { 0 };
    sl_gen_format fmt = SL_GEN_ARRAY;
    const char *output = NULL;

    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "n:s:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (parse_u64(optarg, &records) != 0)
                return sl_cli_usage_error("gen", "--records wants a whole number of records, got '%s'",
                                          optarg);
            break;
        case 's':
            if (parse_u64(optarg, &seed) != 0)
                return sl_cli_usage_error(
                    "gen", "--seed wants a whole number from 0 to 18446744073709551615, got '%s'", optarg);
            break;
        case 'J': fmt = SL_GEN_NDJSON; break;
        case 'D': opts.no_duplicates = 1; break;
        case 'o': output = optarg; break;
        case 'h': usage(stdout); return 0;
        default: return sl_cli_bad_option("gen", argc, argv);
        }
    }
    if (optind < argc)
        return sl_cli_usage_error("gen", "unexpected argument '%s'", argv[optind]);
    if (output && !*output)
        return sl_cli_usage_error("gen", "--output wants a file name");
    if (output && strcmp(output, "-") == 0)
        output = NULL;

    char errstr[512] = "";
    char *tmp = NULL;
    int fd = 1, rc = 1;
    sl_gen *g = sl_gen_new(seed, &opts);
    if (!g) {
        sl_cli_error("gen", "out of memory");
        return 1;
    }
    if (output) {
        size_t n = strlen(output);
        tmp = malloc(n + 48);
        if (!tmp) {
            sl_cli_error("gen", "out of memory");
            goto err;
        }
        /* The temporary file sits beside the target and starts with '.'. */
        const char *slash = strrchr(output, '/');
        size_t dirlen = slash ? (size_t)(slash - output) + 1 : 0;
        snprintf(tmp, n + 48, "%.*s.%s.tmp-%ld", (int)dirlen, output, output + dirlen, (long)getpid());
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
            sl_cli_error("gen", "cannot create '%s': %s", tmp, strerror(errno));
            free(tmp);
            tmp = NULL;
            goto err;
        }
    }
    count_out counter = { sl_out_fd(&fd), 0 };
    sl_out out = { count_write, &counter };
    sl_err e = sl_gen_write(g, records, fmt, out, errstr, sizeof errstr);
    if (e != SL_OK) {
        sl_cli_error("gen", "%s: %s", output ? output : "stdout", errstr);
        goto err;
    }
    if (output) {
        if (fsync(fd) != 0) {
            sl_cli_error("gen", "fsync '%s': %s", tmp, strerror(errno));
            goto err;
        }
        int cr = close(fd);
        fd = -1;
        if (cr != 0) {
            sl_cli_error("gen", "close '%s': %s", tmp, strerror(errno));
            goto err;
        }
        if (rename(tmp, output) != 0) {
            sl_cli_error("gen", "rename '%s' to '%s': %s", tmp, output, strerror(errno));
            goto err;
        }
        free(tmp);
        tmp = NULL;
        if (sl_cli_fsync_parent(output) != 0) {
            sl_cli_error("gen", "fsync the folder of '%s': %s", output, strerror(errno));
            goto err;
        }
        fprintf(stderr, "sluice gen: wrote %llu records (%llu duplicates), %llu bytes, to %s\n",
                (unsigned long long)sl_gen_records(g), (unsigned long long)sl_gen_duplicates(g),
                (unsigned long long)counter.bytes, output);
    }
    rc = 0;
err:
    if (output && fd >= 0)
        close(fd);
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    sl_gen_destroy(g);
    return rc;
}
