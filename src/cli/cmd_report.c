/* cmd_report.c: `sluice report`: the business questions on an assessments lake in one
 * page (src/sql/report.h), as text, JSON or a self-contained HTML page. */
#include "cli/cli.h"
#include "common/common.h"
#include "sql/report.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: sluice report --lake URI [--tenant ID] [--format text|json|html] [-o FILE]\n"
            "\n"
            "Answers the business questions about the assessment attempts in a lake landed\n"
            "with the assessments mapping, in one page:\n"
            "  pipeline totals from the commit manifests (messages, landed, duplicates\n"
            "  dropped, quarantined); attempts and distinct attempts (keen_id); exams\n"
            "  (distinct base_exam_id) and exam names; attempts of \"Learning Git\"; the 5\n"
            "  most and least common exams; average score and share of attempts scoring over\n"
            "  70%%; average time to complete (duration_s); per-question correctness of the\n"
            "  most common exam; attempts per day (dt, UTC); the score distribution;\n"
            "  quarantined messages by reason.\n"
            "Each table is read once, only the columns needed (docs/SQL.md defines every\n"
            "figure as SQL).\n"
            "\n"
            "Options:\n"
            "      --lake URI      the lake: a folder, file:///path, webhdfs://host:port/path\n"
            "                      or swebhdfs://... (required)\n"
            "      --tenant ID     only this tenant's folders (tenant=ID); the lake-wide parts\n"
            "                      (pipeline totals, quarantine) are then left out\n"
            "  -f, --format F      text (default), json (every figure, machine-readable) or\n"
            "                      html (one self-contained page with SVG charts)\n"
            "  -o, --output FILE   write FILE (via a temporary name, then renamed) instead of\n"
            "                      stdout\n"
            "  -h, --help          this help\n"
            "\n"
            "Exit status: 0 success, 1 error (missing lake, unreadable file...), 2 usage.\n"
            "\n"
            "Examples:\n"
            "  sluice report --lake lake\n"
            "  sluice report --lake lake --format html -o report.html\n"
            "  sluice report --lake webhdfs://namenode:9870/data/lake --format json\n");
}

SL_CMD(report)
{
    static const struct option longopts[] = {
        { "lake", required_argument, NULL, 'L' },
        { "tenant", required_argument, NULL, 'T' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *lake = NULL, *output = NULL;
    sl_report_opts opts = { 0 };
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+f:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'L':
            lake = optarg;
            break;
        case 'T':
            opts.tenant = optarg;
            break;
        case 'f':
            if (sl_report_format_parse(optarg, &opts.format) != 0)
                return sl_cli_usage_error("report", "--format must be text, json or html (got '%s')", optarg);
            break;
        case 'o':
            output = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            return sl_cli_bad_option("report", argc, argv);
        }
    }
    if (!lake)
        return sl_cli_usage_error("report", "--lake is required");
    if (optind < argc)
        return sl_cli_usage_error("report", "unexpected argument '%s'", argv[optind]);

    char err[1024];
    if (!output || strcmp(output, "-") == 0) {
        if (sl_report_run(lake, &opts, stdout, err, sizeof err) != SL_OK) {
            sl_cli_error("report", "%s", err);
            return 1;
        }
        return 0;
    }
    /* a file: write a temporary name beside it, make it durable, then rename */
    size_t n = strlen(output);
    char *tmp = malloc(n + 32);
    if (!tmp) {
        sl_cli_error("report", "out of memory");
        return 1;
    }
    snprintf(tmp, n + 32, "%s.tmp.%ld", output, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        sl_cli_error("report", "cannot create '%s': %s", tmp, strerror(errno));
        free(tmp);
        return 1;
    }
    sl_err e = sl_report_run(lake, &opts, f, err, sizeof err);
    int ok = e == SL_OK;
    if (ok && (fflush(f) != 0 || fsync(fileno(f)) != 0)) {
        snprintf(err, sizeof err, "cannot write '%s': %s", tmp, strerror(errno));
        ok = 0;
    }
    if (fclose(f) != 0 && ok) {
        snprintf(err, sizeof err, "cannot write '%s': %s", tmp, strerror(errno));
        ok = 0;
    }
    if (ok && rename(tmp, output) != 0) {
        snprintf(err, sizeof err, "cannot rename '%s' to '%s': %s", tmp, output, strerror(errno));
        ok = 0;
    }
    if (ok && sl_cli_fsync_parent(output) != 0) {
        sl_cli_error("report", "cannot sync the folder of '%s': %s", output, strerror(errno));
        free(tmp);
        return 1;
    }
    if (!ok) {
        unlink(tmp);
        sl_cli_error("report", "%s", err);
    }
    free(tmp);
    return ok ? 0 : 1;
}
