/*
 * report.h: `sluice report`: the data scientists' questions about the assessments
 * lake answered in one page (text, JSON or a self-contained HTML page with SVG
 * charts). The figures are computed in one streaming pass per table over the lake's
 * committed Parquet files (scan.h: only the columns needed, row groups of other
 * exams skipped by their statistics) plus the commit manifests, so memory stays at
 * about one data page per column plus one entry per distinct attempt id.
 *
 * Figures (docs/SQL.md gives each one's exact definition as SQL):
 *   pipeline totals from the commit manifests (messages, landed, duplicates dropped,
 *   quarantined, extra keys, rows per table); attempts (rows of `assessments`),
 *   distinct attempts (keen_id), exams (distinct base_exam_id) and exam names;
 *   attempts of "Learning Git"; the 5 most and least common exams (by exam_name);
 *   average score and share of scored attempts over 0.7; average duration_s;
 *   per-question correctness of the most common exam (base_exam_id); attempts per
 *   day (dt); the score distribution in tenths; quarantined messages by reason.
 * With a tenant, only that tenant's folders are read and the lake-wide parts
 * (pipeline totals, quarantine) are left out (null in JSON).
 *
 * The demo (`sluice demo`) prints the text report through sl_report_run.
 */
#ifndef SL_REPORT_H
#define SL_REPORT_H

#include <stdio.h>

#include "common/common.h"
#include "lake/store.h"

typedef enum sl_report_format {
    SL_REPORT_TEXT = 0,
    SL_REPORT_JSON,
    SL_REPORT_HTML
} sl_report_format;

/* Parses "text", "json", "html". 0 on success, -1 when unknown. */
int sl_report_format_parse(const char *name, sl_report_format *out);

typedef struct sl_report_opts {
    const char *tenant;        /* NULL: the whole lake; else a tenant id ([a-z0-9_-]{1,64}) */
    sl_report_format format;   /* zero-initialised: text */
    const sl_store_opts *store_opts; /* NULL: defaults (WebHDFS user from the environment) */
} sl_report_opts;

/* Computes the report over the lake at `lake_uri` (a folder, file://, webhdfs:// or
 * swebhdfs://; it must exist) and writes it to `out` (borrowed; flushed, not
 * closed). opts may be NULL (whole lake, text). Errors: SL_ERR_NOTFOUND for a missing
 * lake, an unknown tenant or a lake without an `assessments` table; SL_ERR_INVALID for
 * a tenant id that is not valid or a lake without tenant folders; SL_ERR_CORRUPT (and
 * others from the reader and the store) naming the file; SL_ERR_IO for a write error
 * on out. Nothing is written to out unless the figures were all computed. */
sl_err sl_report_run(const char *lake_uri, const sl_report_opts *opts, FILE *out, char *errstr,
                     size_t errstr_size);

#endif
