/* main.c: sluice's entry point: global options and dispatch to one command. */
#include "cli/cli.h"
#include "common/common.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    { "publish", sl_cmd_publish, "send a JSON array or NDJSON file to a Kafka topic" },
    { "land", sl_cmd_land, "consume a topic (or read a file) and land Parquet tables in a lake" },
    { "sql", sl_cmd_sql, "run SQL on the lake's tables" },
    { "report", sl_cmd_report, "answer the business questions on the lake in one page" },
    { "ddl", sl_cmd_ddl, "print CREATE TABLE statements for Hive, Spark, Trino or DuckDB" },
    { "broker", sl_cmd_broker, "run an embedded Kafka-protocol broker (for demos and tests)" },
    { "demo", sl_cmd_demo, "run the whole pipeline on the embedded broker" },
    { "gen", sl_cmd_gen, "generate realistic assessment attempts" },
    { "mapping", sl_cmd_mapping, "check or show a table mapping" },
    { "inspect", sl_cmd_inspect, "show a Parquet file's schema, row groups, statistics, rows" },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: sluice COMMAND [OPTIONS]\n\n"
               "Lands Kafka event streams in HDFS or a local folder as Parquet tables.\n\n"
               "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nOptions:\n"
               "  -h, --help     this help\n"
               "  -V, --version  print the version\n\n"
               "Run 'sluice COMMAND --help' for a command's options.\n");
}

/* 1 for the commands that land (their memory use is the lander's). */
static int lands(int argc, char **argv)
{
    return argc >= 2 && (strcmp(argv[1], "land") == 0 || strcmp(argv[1], "demo") == 0);
}

/* 1 for `sluice land --from ...` (or --from=...): a landing from a file. */
static int lands_file(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "land") != 0)
        return 0;
    for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strncmp(argv[i], "--from", 6) == 0 && (argv[i][6] == 0 || argv[i][6] == '='))
            return 1;
    return 0;
}

/* The file lander's memory in transparent huge pages. Its writers fill thousands of
 * growing buffers, and each 4 KB page touched for the first time is a fault
 * (about 25,000 on 100,000 attempts, 10-18 us each on a virtual machine). glibc
 * madvises its heap for huge pages with the tunable glibc.malloc.hugetlb=1, which
 * it reads once, before main: so `land --from` started without GLIBC_TUNABLES
 * executes itself again (same pid and arguments) with it set. Measured
 * (docs/benchmarks/land.md): 93-96% fewer page faults, 6-9% less CPU, 4-7% less
 * wall time, 10% more peak RSS. Not for `land -b`: with a file per partition and
 * day its RSS grew by a quarter (300 to 370 MB), for the same wall time.
 * SLUICE_NO_HUGEPAGES=1 (any value but "" and "0"),
 * or GLIBC_TUNABLES set to anything, keeps the process as started; if the exec
 * fails, it goes on as is. */
static void reexec_with_huge_pages(int argc, char **argv)
{
    const char *tunables = getenv("GLIBC_TUNABLES"), *no = getenv("SLUICE_NO_HUGEPAGES");
    if (!lands_file(argc, argv) || (tunables && *tunables) || (no && *no && strcmp(no, "0") != 0))
        return;
    if (setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", 1) != 0)
        return;
    execv("/proc/self/exe", argv);
    unsetenv("GLIBC_TUNABLES");
}

int main(int argc, char **argv)
{
    reexec_with_huge_pages(argc, argv);
    /* Writers reuse big column and page buffers; glibc's default would hand large
     * blocks back to the kernel on free and fault them in again for the next file
     * (measured: about a quarter of the encode CPU). Keep them in the process. */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    /* One arena for every thread, grown 8 MB at a time. glibc gives each thread
     * an arena of its own whose heap grows by exactly what a malloc needs, one
     * mprotect(2) each time (M_TOP_PAD applies only to the main arena): a lander
     * with thousands of open files made 77,000 such calls for 30,000 attempts,
     * each a slow trap on a virtual machine. The main arena grows with brk(2) by
     * M_TOP_PAD beyond the request (address space: pages are faulted in when
     * first touched). Measured (docs/benchmarks/kafka.md): 58 mprotect calls
     * instead, a fifth fewer page faults and peak RSS, the same CPU (its lock is
     * contended more: more futex calls). Only for the commands that land: the
     * producer's threads of `publish` would share that one lock too. */
    if (lands(argc, argv)) {
        mallopt(M_ARENA_MAX, 1);
        mallopt(M_TOP_PAD, 8 << 20);
    }
    /* A local lake holds a descriptor per open Parquet file, and the lander sizes
     * its open-file budget to the limit (land.h). Debian's default soft limit is
     * 1024 of a hard 524288: raise the soft one (to 65536 at most). On failure the
     * limit stays as it was and the budget follows it. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 65536 &&
        rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *a = argv[1];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 || strcmp(a, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0 || strcmp(a, "version") == 0) {
        printf("%s\n", sl_version_line());
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(a, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    if (a[0] == '-')
        fprintf(stderr, "sluice: unknown option '%s'\n", a);
    else
        fprintf(stderr, "sluice: unknown command '%s'\n", a);
    fprintf(stderr, "Run 'sluice --help' for the list of commands.\n");
    return 2;
}
