/*
 * cli.h: the thin command-line layer. Each command lives in src/cli/cmd_<name>.c
 * as `int sl_cmd_<name>(int argc, char **argv)` (argv[0] is the command name) and
 * returns the process exit code: 0 success, 1 failure, 2 usage error.
 * Conventions: stdout carries data, stderr carries messages; `--help` prints the
 * command's usage on stdout and exits 0; an unknown option prints
 * "sluice CMD: unknown option '-x'" and a hint to stderr and exits 2.
 */
#ifndef SL_CLI_H
#define SL_CLI_H

#include <stdio.h>

/* Prints "sluice: CMD: <message>" to stderr. */
void sl_cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints a usage error and the "try --help" hint; returns 2. */
int sl_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reports the option getopt_long rejected (optopt / argv) as a usage error; returns 2. */
int sl_cli_bad_option(const char *cmd, int argc, char **argv);
/* Parses a size such as "128M", "1G", "4096" into bytes. 0 on success, -1 on error. */
int sl_cli_parse_size(const char *s, unsigned long long *out);
/* Parses a duration such as "30s", "5m", "250ms", "1h" into milliseconds. 0 on success. */
int sl_cli_parse_duration_ms(const char *s, unsigned long long *out);
/* Parses a non-negative integer (decimal, no sign, fits in long long). 0 on success. */
int sl_cli_parse_count(const char *s, long long *out);
/* fsyncs the folder that holds path, so a rename into it is durable. 0 on success,
 * -1 with errno set. */
int sl_cli_fsync_parent(const char *path);
/* 1 when stderr is a terminal (progress lines are shown only then). */
int sl_cli_stderr_is_tty(void);

#define SL_CMD(name) int sl_cmd_##name(int argc, char **argv)
SL_CMD(inspect);
SL_CMD(gen);
SL_CMD(land);
SL_CMD(mapping);
SL_CMD(publish);
SL_CMD(broker);
SL_CMD(demo);
SL_CMD(sql);
SL_CMD(report);
SL_CMD(ddl);

#endif
