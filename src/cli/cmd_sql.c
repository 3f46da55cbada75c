/* cmd_sql.c: `sluice sql`: SQLite over the lake's tables (src/sql/sql.h): run the
 * statements given, or read them from stdin, or prompt for them on a terminal. */
#include "cli/cli.h"
#include "common/common.h"
#include "sql/sql.h"

#include <getopt.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: sluice sql --lake URI [--format table|csv|json] [\"SQL; SQL; ...\"]\n"
            "\n"
            "Runs SQL (SQLite) on the lake's tables. Every table folder of the lake is a\n"
            "read-only table over its committed Parquet files (assessments, questions,\n"
            "options, _quarantine, ...), with its partition folders as TEXT columns (tenant,\n"
            "dt 'YYYY-MM-DD'). Only the columns a query uses are read; WHERE conditions on\n"
            "tenant/dt skip folders, and on other columns skip row groups by their min/max\n"
            "statistics. Joins hold the inner table's used columns in memory: add\n"
            "o.dt = a.dt to a join of two tables of one mapping to hold one day at a time.\n"
            "\n"
            "Types: int32/int64/boolean -> INTEGER (booleans 0/1), double -> REAL, string ->\n"
            "TEXT, binary -> BLOB, timestamp -> TEXT 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC),\n"
            "date -> TEXT 'YYYY-MM-DD'. Partition value __HIVE_DEFAULT_PARTITION__ is NULL.\n"
            "\n"
            "Statements come from the argument (several separated by ';'), else from stdin\n"
            "when it is not a terminal, else from a prompt: end a statement with ';';\n"
            ".tables, .schema [TABLE], .help and .quit work there.\n"
            "\n"
            "Options:\n"
            "      --lake URI      the lake: a folder, file:///path, webhdfs://host:port/path\n"
            "                      or swebhdfs://... (required; WebHDFS user and token from\n"
            "                      HADOOP_USER_NAME and HADOOP_TOKEN)\n"
            "  -f, --format F      table (default on a terminal), csv (default otherwise:\n"
            "                      RFC 4180, header line, NULL is an empty field, an empty\n"
            "                      string is \"\"), json (one object per row and line)\n"
            "  -h, --help          this help\n"
            "\n"
            "Numbers: integers as is; reals in the shortest form that reads back exactly,\n"
            "with '.0' when integral. Blobs: their bytes, \\xHH for bytes that are not UTF-8.\n"
            "Exit status: 0 success, 1 an SQL or lake error (message with the line and\n"
            "column of a syntax error), 2 usage error.\n"
            "\n"
            "Examples:\n"
            "  sluice sql --lake lake \"SELECT exam_name, count(*) n FROM assessments\n"
            "      GROUP BY 1 ORDER BY n DESC LIMIT 5\"\n"
            "  sluice sql --lake lake --format json \"SELECT dt, avg(score) FROM assessments\n"
            "      WHERE dt BETWEEN '2018-01-01' AND '2018-01-07' GROUP BY dt\"\n"
            "  echo 'SELECT reason, count(*) FROM _quarantine GROUP BY 1;' | sluice sql --lake lake\n");
}

/* Reads all of f into buf (NUL-terminated). 0 on success. */
static int read_all(FILE *f, sl_buf *buf)
{
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (sl_buf_append(buf, chunk, n) != SL_OK)
            return -1;
    if (ferror(f) || sl_buf_append(buf, "", 1) != SL_OK)
        return -1;
    return 0;
}

/* Handles a dot command line. Returns 1 to quit, 0 to go on. */
static int dot_command(sl_sql *q, char *line)
{
    char err[512];
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == ';'))
        line[--n] = 0;
    char *arg = strchr(line, ' ');
    if (arg) {
        *arg++ = 0;
        while (*arg == ' ')
            arg++;
        if (!*arg)
            arg = NULL;
    }
    sl_err e = SL_OK;
    if (strcmp(line, ".quit") == 0 || strcmp(line, ".exit") == 0 || strcmp(line, ".q") == 0)
        return 1;
    if (strcmp(line, ".tables") == 0)
        e = sl_sql_print_tables(q, stdout, err, sizeof err);
    else if (strcmp(line, ".schema") == 0)
        e = sl_sql_print_schema(q, arg, stdout, err, sizeof err);
    else if (strcmp(line, ".help") == 0)
        printf(".tables          list the lake's tables\n"
               ".schema [TABLE]  show the columns of one table or of all\n"
               ".quit            leave (also .exit or end of input)\n"
               "Anything else is SQL, run when a line ends the statement with ';'.\n");
    else
        sl_cli_error("sql", "unknown command '%s' (try .help)", line);
    if (e != SL_OK)
        sl_cli_error("sql", "%s", err);
    return 0;
}

/* The prompt: reads lines until a statement is complete, runs it, prints errors and
 * goes on. Returns the exit status. */
static int interactive(sl_sql *q, sl_sql_format fmt)
{
    sl_buf stmt = { 0 };
    char line[8192];
    int status = 0;
    printf("sluice %s: SQL on the lake. End statements with ';'. .help for commands.\n", sl_version());
    for (;;) {
        fputs(stmt.len ? "   ...> " : "sluice> ", stdout);
        fflush(stdout);
        if (!fgets(line, sizeof line, stdin)) {
            fputc('\n', stdout);
            break;
        }
        if (stmt.len == 0) {
            const char *p = line;
            while (*p == ' ' || *p == '\t')
                p++;
            if (*p == '.') {
                if (dot_command(q, line))
                    break;
                continue;
            }
            if (*p == '\n' || *p == 0)
                continue;
        }
        if (sl_buf_append(&stmt, line, strlen(line)) != SL_OK || sl_buf_append(&stmt, "", 1) != SL_OK) {
            sl_cli_error("sql", "out of memory");
            status = 1;
            break;
        }
        stmt.len--; /* keep the NUL out of the length */
        if (!sqlite3_complete((const char *)stmt.data))
            continue;
        char err[1024];
        if (sl_sql_exec(q, (const char *)stmt.data, fmt, stdout, err, sizeof err) != SL_OK)
            sl_cli_error("sql", "%s", err);
        stmt.len = 0;
    }
    sl_buf_free(&stmt);
    return status;
}

SL_CMD(sql)
{
    static const struct option longopts[] = {
        { "lake", required_argument, NULL, 'L' },
        { "format", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *lake = NULL;
    sl_sql_format fmt = isatty(STDOUT_FILENO) ? SL_SQL_TABLE : SL_SQL_CSV;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+f:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'L':
            lake = optarg;
            break;
        case 'f':
            if (sl_sql_format_parse(optarg, &fmt) != 0)
                return sl_cli_usage_error("sql", "--format must be table, csv or json (got '%s')", optarg);
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            return sl_cli_bad_option("sql", argc, argv);
        }
    }
    if (!lake)
        return sl_cli_usage_error("sql", "--lake is required");
    if (argc - optind > 1)
        return sl_cli_usage_error("sql", "give the SQL as one argument (quote it; separate statements with ';')");
    const char *sql = optind < argc ? argv[optind] : NULL;

    char err[1024];
    sl_sql *q = sl_sql_open(lake, NULL, err, sizeof err);
    if (!q) {
        sl_cli_error("sql", "%s", err);
        return 1;
    }
    int status = 0;
    if (!sql && isatty(STDIN_FILENO)) {
        status = interactive(q, fmt);
    } else {
        sl_buf in = { 0 };
        if (!sql) {
            if (read_all(stdin, &in) != 0) {
                sl_cli_error("sql", "cannot read the SQL from stdin");
                sl_buf_free(&in);
                sl_sql_close(q);
                return 1;
            }
            sql = (const char *)in.data;
        }
        if (sl_sql_exec(q, sql, fmt, stdout, err, sizeof err) != SL_OK) {
            sl_cli_error("sql", "%s", err);
            status = 1;
        }
        sl_buf_free(&in);
    }
    sl_sql_close(q);
    return status;
}
