/* cmd_mapping.c: `sluice mapping`: list, show, check and try table mappings. */
#include "cli/cli.h"
#include "common/common.h"
#include "json/json.h"
#include "map/map.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: sluice mapping list\n"
            "       sluice mapping show NAME\n"
            "       sluice mapping check FILE|NAME\n"
            "       sluice mapping apply FILE|NAME [INPUT] [--table T] [--limit N]\n"
            "\n"
            "A mapping (a JSON file, see docs/MAPPING.md) says which tables a message\n"
            "becomes: rows, columns, types, partition, routing, dedupe key.\n"
            "\n"
            "  list    the built-in mappings and what they are for\n"
            "  show    print a built-in mapping's text (a starting point for your own)\n"
            "  check   validate a mapping file and summarise its tables and columns;\n"
            "          exit 0 when valid, else print the precise error and exit 1\n"
            "  apply   map the records of INPUT (a JSON array or NDJSON file; '-' or none:\n"
            "          stdin) and print each row as one JSON line\n"
            "          {\"table\":..., \"dt\":..., \"row\":{...}}, and each bad record as\n"
            "          {\"quarantine\":REASON, \"record\":N}; a summary goes to stderr\n"
            "\n"
            "Options (apply):\n"
            "  -t, --table T   print only the rows of table T\n"
            "  -n, --limit N   stop after N records\n"
            "  -h, --help      this help\n");
}

static int cmd_list(void)
{
    for (size_t i = 0; sl_mapping_builtin_name(i); i++) {
        char err[512];
        const char *name = sl_mapping_builtin_name(i);
        sl_mapping *m = sl_mapping_load(name, err, sizeof err);
        printf("%-14s %s\n", name, m ? sl_mapping_description(m) : err);
        sl_mapping_destroy(m);
    }
    return 0;
}

static int cmd_show(const char *name)
{
    size_t len;
    const char *text = sl_mapping_builtin_text(name, &len);
    if (!text) {
        sl_cli_error("mapping", "no built-in mapping '%s' (see 'sluice mapping list')", name);
        return 1;
    }
    if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
        sl_cli_error("mapping", "writing to stdout: %s", strerror(errno));
        return 1;
    }
    return 0;
}

static int cmd_check(const char *path)
{
    char err[1024];
    sl_mapping *m = sl_mapping_load(path, err, sizeof err);
    if (!m) {
        sl_cli_error("mapping", "%s", err);
        return 1;
    }
    sl_buf b = { 0 };
    int rc = 0;
    if (sl_mapping_describe(m, &b) != SL_OK) {
        sl_cli_error("mapping", "out of memory");
        rc = 1;
    } else {
        printf("%s", b.data ? (const char *)b.data : "");
        printf("ok\n");
    }
    sl_buf_free(&b);
    sl_mapping_destroy(m);
    return rc;
}

/* ---- apply: rows as JSON lines ----
 * Output is built per record in a buffer that remembers the first failed
 * append, so one check per record covers every write. */
typedef struct jw {
    sl_buf b;
    sl_err err;
} jw;

static void jw_put(jw *w, const void *p, size_t n)
{
    if (w->err == SL_OK)
        w->err = sl_buf_append(&w->b, p, n);
}

__attribute__((format(printf, 2, 3))) static void jw_printf(jw *w, const char *fmt, ...)
{
    char tmp[640];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        w->err = SL_ERR_INVALID;
        return;
    }
    jw_put(w, tmp, (size_t)n);
}
static void put_json_string(jw *o, const char *s, size_t n)
{
    jw_put(o, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char e[2] = { '\\', (char)c };
            jw_put(o, e, 2);
        } else if (c < 0x20) {
            jw_printf(o, "\\u%04x", c);
        } else {
            jw_put(o, s + i, 1);
        }
    }
    jw_put(o, "\"", 1);
}

/* Civil date of a day number (inverse of sl_map_days_from_civil). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static void put_date(jw *o, int64_t days)
{
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    jw_printf(o, "%04lld-%02u-%02u", (long long)y, m, d);
}

static void put_value(jw *o, const sl_value *v, sl_type t)
{
    if (v->is_null) {
        jw_printf(o, "null");
        return;
    }
    switch (t) {
    case SL_T_BOOL: jw_printf(o, "%s", v->u.i ? "true" : "false"); break;
    case SL_T_INT32:
    case SL_T_INT64: jw_printf(o, "%lld", (long long)v->u.i); break;
    case SL_T_DOUBLE: jw_printf(o, "%.17g", v->u.d); break;
    case SL_T_STRING:
    case SL_T_BINARY: put_json_string(o, v->u.s.p, v->u.s.n); break;
    case SL_T_DATE:
        jw_put(o, "\"", 1);
        put_date(o, v->u.i);
        jw_put(o, "\"", 1);
        break;
    case SL_T_TIMESTAMP: {
        int64_t us = v->u.i, day = us / 86400000000, rem = us % 86400000000;
        if (rem < 0) {
            rem += 86400000000;
            day--;
        }
        jw_put(o, "\"", 1);
        put_date(o, day);
        int64_t s = rem / 1000000;
        jw_printf(o, "T%02d:%02d:%02d.%06dZ\"", (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60),
                      (int)(rem % 1000000));
        break;
    }
    }
}

static int cmd_apply(const char *mapping, const char *input, const char *only, long long limit)
{
    char err[1024], reason[1024];
    int rc = 1, fd = 0;
    sl_mapping *m = NULL;
    sl_mapper *mp = NULL;
    sl_json_stream *st = NULL;
    jw out = { { 0 }, SL_OK };
    uint64_t *rows = NULL, nrec = 0, nbad = 0;
    m = sl_mapping_load(mapping, err, sizeof err);
    if (!m) {
        sl_cli_error("mapping", "%s", err);
        goto done;
    }
    int only_t = -1;
    for (size_t t = 0; only && t < sl_mapping_ntables(m); t++)
        if (strcmp(sl_mapping_table_name(m, t), only) == 0)
            only_t = (int)t;
    if (only && only_t < 0) {
        sl_cli_error("mapping", "mapping '%s' has no table '%s'", sl_mapping_name(m), only);
        goto done;
    }
    mp = sl_mapper_new(m, err, sizeof err);
    rows = calloc(sl_mapping_ntables(m), sizeof *rows);
    if (!mp || !rows) {
        sl_cli_error("mapping", "out of memory");
        goto done;
    }
    const char *name = "stdin";
    if (input && strcmp(input, "-") != 0) {
        fd = open(input, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            sl_cli_error("mapping", "%s: %s", input, strerror(errno));
            goto done;
        }
        name = input;
    }
    st = sl_json_stream_new(fd, name, SL_JSON_FMT_AUTO, 0);
    if (!st) {
        sl_cli_error("mapping", "out of memory");
        goto done;
    }
    for (;;) {
        if (limit >= 0 && (long long)nrec >= limit)
            break;
        sl_json_record rec;
        sl_err e = sl_json_stream_next(st, &rec, err, sizeof err);
        if (e == SL_ERR_NOTFOUND)
            break;
        if (e != SL_OK) {
            sl_cli_error("mapping", "%s", err);
            goto done;
        }
        sl_origin o = { name, 0, (int64_t)rec.ordinal, SL_TS_NULL, NULL, 0, NULL, 0 };
        const sl_map_result *res;
        out.b.len = 0;
        nrec++;
        if (sl_mapper_map(mp, rec.data, rec.len, &o, &res, reason, sizeof reason) != SL_MAP_OK) {
            nbad++;
            jw_printf(&out, "{\"quarantine\":");
            put_json_string(&out, reason, strlen(reason));
            jw_printf(&out, ",\"record\":%llu}\n", (unsigned long long)rec.ordinal);
        } else {
            for (size_t t = 0; t < res->ntables; t++) {
                const sl_map_rows *r = &res->tables[t];
                rows[t] += r->nrows;
                if (only_t >= 0 && (size_t)only_t != t)
                    continue;
                const sl_column *cols = sl_mapping_table_columns(m, t);
                for (size_t i = 0; i < r->nrows; i++) {
                    jw_printf(&out, "{\"table\":\"%s\",\"dt\":", sl_mapping_table_name(m, t));
                    if (r->dt[i] == SL_DT_NONE) {
                        jw_printf(&out, "\"__HIVE_DEFAULT_PARTITION__\"");
                    } else {
                        jw_put(&out, "\"", 1);
                        put_date(&out, r->dt[i]);
                        jw_put(&out, "\"", 1);
                    }
                    jw_printf(&out, ",\"row\":{");
                    for (size_t c = 0; c < r->ncols; c++) {
                        jw_printf(&out, "%s\"%s\":", c ? "," : "", cols[c].name);
                        put_value(&out, &r->values[i * r->ncols + c], cols[c].type);
                    }
                    jw_printf(&out, "}}\n");
                }
            }
        }
        if (out.err != SL_OK) {
            sl_cli_error("mapping", "record %llu: out of memory formatting its rows", (unsigned long long)rec.ordinal);
            goto done;
        }
        if (out.b.len && fwrite(out.b.data, 1, out.b.len, stdout) != out.b.len) {
            sl_cli_error("mapping", "writing to stdout: %s", strerror(errno));
            goto done;
        }
    }
    if (fflush(stdout) != 0) {
        sl_cli_error("mapping", "writing to stdout: %s", strerror(errno));
        goto done;
    }
    fprintf(stderr, "%llu records: %llu mapped, %llu quarantined; rows:", (unsigned long long)nrec,
            (unsigned long long)(nrec - nbad), (unsigned long long)nbad);
    for (size_t t = 0; t < sl_mapping_ntables(m); t++)
        fprintf(stderr, " %s %llu", sl_mapping_table_name(m, t), (unsigned long long)rows[t]);
    fprintf(stderr, "\n");
    rc = 0;
done:
    sl_json_stream_destroy(st);
    if (fd > 0)
        close(fd);
    sl_buf_free(&out.b);
    free(rows);
    sl_mapper_destroy(mp);
    sl_mapping_destroy(m);
    return rc;
}

SL_CMD(mapping)
{
    static const struct option longopts[] = {
        { "table", required_argument, NULL, 't' },
        { "limit", required_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *table = NULL;
    long long limit = -1;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+t:n:h", longopts, NULL)) != -1) {
        switch (c) {
        case 't': table = optarg; break;
        case 'n':
            if (sl_cli_parse_count(optarg, &limit) != 0)
                return sl_cli_usage_error("mapping", "--limit: '%s' is not a count", optarg);
            break;
        case 'h': usage(stdout); return 0;
        default: return sl_cli_bad_option("mapping", argc, argv);
        }
    }
    /* Options may also follow the subcommand's arguments. */
    int nargs = 0;
    char *args[3];
    for (int i = optind; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1] != 0) {
            if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
                usage(stdout);
                return 0;
            }
            if ((strcmp(argv[i], "--table") == 0 || strcmp(argv[i], "-t") == 0) && i + 1 < argc) {
                table = argv[++i];
                continue;
            }
            if ((strcmp(argv[i], "--limit") == 0 || strcmp(argv[i], "-n") == 0) && i + 1 < argc) {
                if (sl_cli_parse_count(argv[++i], &limit) != 0)
                    return sl_cli_usage_error("mapping", "--limit: '%s' is not a count", argv[i]);
                continue;
            }
            return sl_cli_usage_error("mapping", "unknown option '%s'", argv[i]);
        }
        if (nargs == 3)
            return sl_cli_usage_error("mapping", "too many arguments");
        args[nargs++] = argv[i];
    }
    if (nargs == 0)
        return sl_cli_usage_error("mapping", "missing subcommand (list, show, check or apply)");
    const char *sub = args[0];
    if (strcmp(sub, "list") == 0) {
        if (nargs != 1)
            return sl_cli_usage_error("mapping", "list takes no arguments");
        return cmd_list();
    }
    if (strcmp(sub, "show") == 0) {
        if (nargs != 2)
            return sl_cli_usage_error("mapping", "show needs one built-in mapping name");
        return cmd_show(args[1]);
    }
    if (strcmp(sub, "check") == 0) {
        if (nargs != 2)
            return sl_cli_usage_error("mapping", "check needs one mapping file or built-in name");
        return cmd_check(args[1]);
    }
    if (strcmp(sub, "apply") == 0) {
        if (nargs < 2)
            return sl_cli_usage_error("mapping", "apply needs a mapping (file or built-in name)");
        return cmd_apply(args[1], nargs == 3 ? args[2] : NULL, table, limit);
    }
    return sl_cli_usage_error("mapping", "unknown subcommand '%s' (list, show, check or apply)", sub);
}
