/*
 * exec.c: the SQL session (an in-memory SQLite database over the lake's virtual
 * tables) and the statement runner with its three output formats (sql.h).
 */
#include "sql/sql.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "sql/scan.h"
#include "sql/util.h"

struct sl_sql {
    sqlite3 *db;
    sl_sql_lake *lake;
};

int sl_sql_format_parse(const char *name, sl_sql_format *out)
{
    if (strcmp(name, "table") == 0)
        *out = SL_SQL_TABLE;
    else if (strcmp(name, "csv") == 0)
        *out = SL_SQL_CSV;
    else if (strcmp(name, "json") == 0)
        *out = SL_SQL_JSON;
    else
        return -1;
    return 0;
}

/* Opens the session over an open lake (taken over: closed with the session). */
static sl_sql *open_lake(sl_sql_lake *lake, char *errstr, size_t errstr_size)
{
    sl_sql *q = calloc(1, sizeof *q);
    if (!q) {
        sl_sql_lake_destroy(lake);
        sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    q->lake = lake;
    if (sqlite3_open_v2(":memory:", &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        sl_errf(SL_ERR_FATAL, errstr, errstr_size, "sqlite: %s",
                q->db ? sqlite3_errmsg(q->db) : "cannot open a database");
        goto err;
    }
    if (sl_sql_vtab_register(q->db, q->lake, errstr, errstr_size) != SL_OK)
        goto err;
    return q;
err:
    sl_sql_close(q);
    return NULL;
}

static int sqlite_too_old(char *errstr, size_t errstr_size)
{
    if (sqlite3_libversion_number() >= 3038000)
        return 0;
    sl_errf(SL_ERR_UNSUPPORTED, errstr, errstr_size, "SQLite %s is too old (3.38 or newer needed)",
            sqlite3_libversion());
    return 1;
}

sl_sql *sl_sql_open(const char *uri, const sl_store_opts *opts, char *errstr, size_t errstr_size)
{
    if (sqlite_too_old(errstr, errstr_size))
        return NULL;
    sl_sql_lake *lake = sl_sql_lake_open(uri, opts, errstr, errstr_size);
    return lake ? open_lake(lake, errstr, errstr_size) : NULL;
}

sl_sql *sl_sql_open_store(sl_store *store, char *errstr, size_t errstr_size)
{
    if (sqlite_too_old(errstr, errstr_size))
        return NULL;
    sl_sql_lake *lake = sl_sql_lake_open_store(store, errstr, errstr_size);
    return lake ? open_lake(lake, errstr, errstr_size) : NULL;
}

void sl_sql_close(sl_sql *q)
{
    if (!q)
        return;
    sqlite3_close_v2(q->db); /* before the lake: the tables borrow it */
    sl_sql_lake_destroy(q->lake);
    free(q);
}

sqlite3 *sl_sql_db(sl_sql *q) { return q->db; }
sl_sql_lake *sl_sql_get_lake(sl_sql *q) { return q->lake; }

/* ------------------------------------------------------------------ text helpers */

/* Appends a BLOB as text: valid UTF-8 as is, other bytes as \xHH. */
static sl_err put_blob_text(sl_buf *b, const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t k = sl_sql_utf8_seq(p + i, n - i);
        sl_err e = k ? sl_buf_append(b, p + i, k) : sl_buf_printf(b, "\\x%02X", p[i]);
        if (e != SL_OK)
            return e;
        i += k ? k : 1;
    }
    return SL_OK;
}

/* The text of column i of the current row as shown by the table and CSV formats
 * (appended to b; NULL appends nothing). */
static sl_err cell_text(sqlite3_stmt *st, int i, sl_buf *b)
{
    char num[SL_SQL_FMT_MAX];
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        return sl_buf_printf(b, "%lld", (long long)sqlite3_column_int64(st, i));
    case SQLITE_FLOAT: {
        size_t n = sl_sql_fmt_double(sqlite3_column_double(st, i), num);
        return sl_buf_append(b, num, n);
    }
    case SQLITE_TEXT: {
        const unsigned char *p = sqlite3_column_text(st, i);
        return sl_buf_append(b, p, (size_t)sqlite3_column_bytes(st, i));
    }
    case SQLITE_BLOB: {
        const unsigned char *p = sqlite3_column_blob(st, i);
        return put_blob_text(b, p, (size_t)sqlite3_column_bytes(st, i));
    }
    default:
        return SL_OK;
    }
}

/* Appends a CSV field: quoted when it holds a comma, quote, CR or LF, or is empty
 * text (so an empty string differs from NULL, which is an empty field). */
static sl_err put_csv_field(sl_buf *b, const char *s, size_t n, int is_text)
{
    int quote = is_text && n == 0;
    for (size_t i = 0; i < n && !quote; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
            quote = 1;
    if (!quote)
        return sl_buf_append(b, s, n);
    if (sl_buf_append(b, "\"", 1) != SL_OK)
        return SL_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        sl_err e = s[i] == '"' ? sl_buf_append(b, "\"\"", 2) : sl_buf_append(b, s + i, 1);
        if (e != SL_OK)
            return e;
    }
    return sl_buf_append(b, "\"", 1);
}

/* Appends text for the aligned table: control characters written as \n, \t, \r or
 * \xHH so that one cell stays on one line. */
static sl_err put_display(sl_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        sl_err e;
        if (c == '\n')
            e = sl_buf_append(b, "\\n", 2);
        else if (c == '\t')
            e = sl_buf_append(b, "\\t", 2);
        else if (c == '\r')
            e = sl_buf_append(b, "\\r", 2);
        else if (c < 0x20 || c == 0x7F)
            e = sl_buf_printf(b, "\\x%02X", c);
        else
            e = sl_buf_append(b, s + i, 1);
        if (e != SL_OK)
            return e;
    }
    return SL_OK;
}

/* ------------------------------------------------------------------ writers */

/* The aligned table keeps its first TABLE_SAMPLE rows to size the columns; later rows
 * are printed at once with those widths (a longer value widens only its own line). */
#define TABLE_SAMPLE 1000

typedef struct tcell {
    size_t off, len, width;
    int right;
} tcell;

typedef struct writer {
    sl_sql_format fmt;
    FILE *out;
    int ncols;
    sl_buf line;       /* the line being built */
    sl_buf cell;       /* scratch */
    /* table */
    sl_buf text;       /* sampled cells' text */
    tcell *cells;      /* sampled cells: nrows x ncols (header first) */
    size_t nrows, cap;
    size_t *width;
    int flushed;       /* widths fixed, sample printed */
    int nomem;         /* an append to line failed */
    uint64_t rows;
} writer;

static sl_err out_line(writer *w, char *errstr, size_t errstr_size)
{
    if (w->nomem)
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    if (w->line.len && fwrite(w->line.data, 1, w->line.len, w->out) != w->line.len)
        return sl_errf(SL_ERR_IO, errstr, errstr_size, "write error on the output");
    w->line.len = 0;
    return SL_OK;
}

/* Appends to the line being built; a failure is remembered and reported by out_line. */
static void lput(writer *w, const char *s, size_t n)
{
    if (sl_buf_append(&w->line, s, n) != SL_OK)
        w->nomem = 1;
}

static void lpad(writer *w, char ch, size_t n)
{
    for (size_t k = 0; k < n; k++)
        lput(w, &ch, 1);
}

static void table_print_row(writer *w, const tcell *row, const char *text)
{
    for (int i = 0; i < w->ncols; i++) {
        const tcell *c = &row[i];
        size_t pad = w->width[i] > c->width ? w->width[i] - c->width : 0;
        lput(w, i ? " | " : " ", i ? 3 : 1);
        if (c->right)
            lpad(w, ' ', pad);
        lput(w, text + c->off, c->len);
        if (!c->right && i + 1 < w->ncols)
            lpad(w, ' ', pad);
    }
    lput(w, "\n", 1);
}

static sl_err table_flush(writer *w, char *errstr, size_t errstr_size)
{
    if (w->flushed)
        return SL_OK;
    w->flushed = 1;
    for (int i = 0; i < w->ncols; i++) {
        w->width[i] = 0;
        for (size_t r = 0; r < w->nrows; r++) {
            size_t cw = w->cells[r * (size_t)w->ncols + (size_t)i].width;
            if (cw > w->width[i])
                w->width[i] = cw;
        }
    }
    const char *text = (const char *)w->text.data;
    for (size_t r = 0; r < w->nrows; r++) {
        table_print_row(w, &w->cells[r * (size_t)w->ncols], text);
        if (r == 0) {
            for (int i = 0; i < w->ncols; i++) {
                lput(w, i ? "-+-" : "-", i ? 3 : 1);
                lpad(w, '-', w->width[i]);
            }
            lput(w, "-\n", 2);
        }
        sl_err e = out_line(w, errstr, errstr_size);
        if (e != SL_OK)
            return e;
    }
    w->nrows = 0;
    w->text.len = 0;
    return SL_OK;
}

/* Adds a row (the current cells in w->cells at row index nrows) to the table. */
static sl_err table_row(writer *w, sqlite3_stmt *st, int header, char *errstr, size_t errstr_size)
{
    if (w->flushed)
        w->nrows = 0, w->text.len = 0;
    if ((w->nrows + 1) * (size_t)w->ncols > w->cap) {
        size_t nc = w->cap ? w->cap * 2 : (size_t)w->ncols * 64;
        while (nc < (w->nrows + 1) * (size_t)w->ncols)
            nc *= 2;
        tcell *q = realloc(w->cells, nc * sizeof *q);
        if (!q)
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        w->cells = q;
        w->cap = nc;
    }
    tcell *row = &w->cells[w->nrows * (size_t)w->ncols];
    for (int i = 0; i < w->ncols; i++) {
        w->cell.len = 0;
        int right = 0;
        sl_err e;
        if (header) {
            const char *name = sqlite3_column_name(st, i);
            e = sl_buf_append(&w->cell, name ? name : "", name ? strlen(name) : 0);
        } else {
            int t = sqlite3_column_type(st, i);
            right = t == SQLITE_INTEGER || t == SQLITE_FLOAT;
            e = t == SQLITE_NULL ? sl_buf_append(&w->cell, "NULL", 4) : cell_text(st, i, &w->cell);
        }
        row[i].off = w->text.len;
        if (e == SL_OK)
            e = put_display(&w->text, (const char *)w->cell.data, w->cell.len);
        if (e != SL_OK)
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        row[i].len = w->text.len - row[i].off;
        row[i].width = sl_sql_utf8_width((const char *)w->text.data + row[i].off, row[i].len);
        row[i].right = right;
    }
    w->nrows++;
    if (w->flushed) {
        table_print_row(w, row, (const char *)w->text.data);
        return out_line(w, errstr, errstr_size);
    }
    if (w->nrows > TABLE_SAMPLE)
        return table_flush(w, errstr, errstr_size);
    return SL_OK;
}

static sl_err csv_row(writer *w, sqlite3_stmt *st, int header, char *errstr, size_t errstr_size)
{
    for (int i = 0; i < w->ncols; i++) {
        sl_err e = SL_OK;
        if (i)
            e = sl_buf_append(&w->line, ",", 1);
        if (e == SL_OK && header) {
            const char *name = sqlite3_column_name(st, i);
            e = put_csv_field(&w->line, name ? name : "", name ? strlen(name) : 0, 0);
        } else if (e == SL_OK) {
            int t = sqlite3_column_type(st, i);
            if (t != SQLITE_NULL) {
                w->cell.len = 0;
                e = cell_text(st, i, &w->cell);
                if (e == SL_OK)
                    e = put_csv_field(&w->line, (const char *)w->cell.data, w->cell.len,
                                      t == SQLITE_TEXT || t == SQLITE_BLOB);
            }
        }
        if (e != SL_OK)
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    }
    if (sl_buf_append(&w->line, "\n", 1) != SL_OK)
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    return out_line(w, errstr, errstr_size);
}

static sl_err json_row(writer *w, sqlite3_stmt *st, char *errstr, size_t errstr_size)
{
    sl_err e = sl_buf_append(&w->line, "{", 1);
    char num[SL_SQL_FMT_MAX];
    for (int i = 0; i < w->ncols && e == SL_OK; i++) {
        const char *name = sqlite3_column_name(st, i);
        if (i)
            e = sl_buf_append(&w->line, ",", 1);
        if (e == SL_OK)
            e = sl_sql_json_string(&w->line, name ? name : "", name ? strlen(name) : 0);
        if (e == SL_OK)
            e = sl_buf_append(&w->line, ":", 1);
        if (e != SL_OK)
            break;
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_INTEGER:
            e = sl_buf_printf(&w->line, "%lld", (long long)sqlite3_column_int64(st, i));
            break;
        case SQLITE_FLOAT: {
            double d = sqlite3_column_double(st, i);
            if (!isfinite(d)) {
                e = sl_buf_append(&w->line, "null", 4);
            } else {
                size_t n = sl_sql_fmt_double(d, num);
                e = sl_buf_append(&w->line, num, n);
            }
            break;
        }
        case SQLITE_TEXT:
            e = sl_sql_json_string(&w->line, (const char *)sqlite3_column_text(st, i),
                                (size_t)sqlite3_column_bytes(st, i));
            break;
        case SQLITE_BLOB:
            w->cell.len = 0;
            e = put_blob_text(&w->cell, sqlite3_column_blob(st, i), (size_t)sqlite3_column_bytes(st, i));
            if (e == SL_OK)
                e = sl_sql_json_string(&w->line, (const char *)w->cell.data, w->cell.len);
            break;
        default:
            e = sl_buf_append(&w->line, "null", 4);
        }
    }
    if (e == SL_OK)
        e = sl_buf_append(&w->line, "}\n", 2);
    if (e != SL_OK)
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    return out_line(w, errstr, errstr_size);
}

static void writer_free(writer *w)
{
    sl_buf_free(&w->line);
    sl_buf_free(&w->cell);
    sl_buf_free(&w->text);
    free(w->cells);
    free(w->width);
}

/* ------------------------------------------------------------------ running */

/* Line and column (1-based; columns in characters) of byte offset off of text. */
static void position_of(const char *text, size_t off, int *line, int *col)
{
    *line = 1;
    size_t ls = 0;
    for (size_t i = 0; i < off && text[i]; i++)
        if (text[i] == '\n') {
            (*line)++;
            ls = i + 1;
        }
    int chars = 0;
    for (size_t i = ls; i < off; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80)
            chars++;
    *col = chars + 1;
}

/* Runs one prepared statement, printing its rows. */
static sl_err run_stmt(sl_sql *q, sqlite3_stmt *st, sl_sql_format fmt, FILE *out, int *first,
                       char *errstr, size_t errstr_size)
{
    writer w;
    memset(&w, 0, sizeof w);
    w.fmt = fmt;
    w.out = out;
    w.ncols = sqlite3_column_count(st);
    sl_err e = SL_OK;
    if (w.ncols > 0) {
        w.width = calloc((size_t)w.ncols, sizeof *w.width);
        if (!w.width) {
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            goto out;
        }
        if (!*first && fmt != SL_SQL_JSON && fputc('\n', out) == EOF) {
            e = sl_errf(SL_ERR_IO, errstr, errstr_size, "write error on the output");
            goto out;
        }
        *first = 0;
        if (fmt == SL_SQL_TABLE)
            e = table_row(&w, st, 1, errstr, errstr_size);
        else if (fmt == SL_SQL_CSV)
            e = csv_row(&w, st, 1, errstr, errstr_size);
        if (e != SL_OK)
            goto out;
    }
    for (;;) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW) {
            e = sl_errf(rc == SQLITE_NOMEM ? SL_ERR_NOMEM : SL_ERR_FATAL, errstr, errstr_size, "%s",
                        sqlite3_errmsg(q->db));
            goto out;
        }
        if (w.ncols == 0)
            continue;
        w.rows++;
        if (fmt == SL_SQL_TABLE)
            e = table_row(&w, st, 0, errstr, errstr_size);
        else if (fmt == SL_SQL_CSV)
            e = csv_row(&w, st, 0, errstr, errstr_size);
        else
            e = json_row(&w, st, errstr, errstr_size);
        if (e != SL_OK)
            goto out;
    }
    if (w.ncols > 0 && fmt == SL_SQL_TABLE) {
        e = table_flush(&w, errstr, errstr_size);
        if (e == SL_OK && fprintf(out, "(%" PRIu64 " row%s)\n", w.rows, w.rows == 1 ? "" : "s") < 0)
            e = sl_errf(SL_ERR_IO, errstr, errstr_size, "write error on the output");
    }
out:
    writer_free(&w);
    return e;
}

sl_err sl_sql_exec(sl_sql *q, const char *sql, sl_sql_format fmt, FILE *out, char *errstr,
                   size_t errstr_size)
{
    const char *p = sql;
    int first = 1;
    while (*p) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;
        int rc = sqlite3_prepare_v2(q->db, p, -1, &st, &tail);
        if (rc != SQLITE_OK) {
            int off = sqlite3_error_offset(q->db);
            if (off >= 0) {
                int line, col;
                position_of(sql, (size_t)(p - sql) + (size_t)off, &line, &col);
                return sl_errf(SL_ERR_PARSE, errstr, errstr_size, "%s at line %d, column %d",
                               sqlite3_errmsg(q->db), line, col);
            }
            int line, col;
            position_of(sql, (size_t)(p - sql), &line, &col);
            return sl_errf(SL_ERR_PARSE, errstr, errstr_size, "%s (in the statement at line %d)",
                           sqlite3_errmsg(q->db), line);
        }
        if (!st) { /* only spaces or comments left */
            p = tail;
            continue;
        }
        char msg[1024];
        sl_err e = run_stmt(q, st, fmt, out, &first, msg, sizeof msg);
        sqlite3_finalize(st);
        if (e != SL_OK) {
            int line, col;
            const char *s = p;
            while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
                s++;
            position_of(sql, (size_t)(s - sql), &line, &col);
            if (e == SL_ERR_IO)
                return sl_errf(e, errstr, errstr_size, "%s", msg);
            return sl_errf(e, errstr, errstr_size, "%s (in the statement at line %d)", msg, line);
        }
        p = tail;
    }
    if (fflush(out) != 0 || ferror(out))
        return sl_errf(SL_ERR_IO, errstr, errstr_size, "write error on the output");
    return SL_OK;
}

/* ------------------------------------------------------------------ dot commands */

sl_err sl_sql_print_tables(sl_sql *q, FILE *out, char *errstr, size_t errstr_size)
{
    for (size_t i = 0; i < sl_sql_lake_ntables(q->lake); i++)
        if (fprintf(out, "%s\n", sl_sql_lake_table(q->lake, i)->name) < 0)
            return sl_errf(SL_ERR_IO, errstr, errstr_size, "write error on the output");
    return fflush(out) == 0 ? SL_OK : sl_errf(SL_ERR_IO, errstr, errstr_size, "write error on the output");
}

static const char *schema_sql_type(sl_type t)
{
    switch (t) {
    case SL_T_BOOL:
    case SL_T_INT32:
    case SL_T_INT64:
        return "INTEGER";
    case SL_T_DOUBLE:
        return "REAL";
    case SL_T_BINARY:
        return "BLOB";
    default:
        return "TEXT";
    }
}

static int print_table_schema(const sl_sql_table *t, FILE *out)
{
    int bad = fprintf(out, "CREATE TABLE \"%s\" (  -- %zu file%s\n", t->name, t->nfiles,
                      t->nfiles == 1 ? "" : "s") < 0;
    size_t total = t->ncols + t->npart;
    for (size_t c = 0; c < t->ncols; c++) {
        char decl[256];
        snprintf(decl, sizeof decl, "%s %s%s%s", t->cols[c].name, schema_sql_type(t->cols[c].type),
                 t->cols[c].required ? " NOT NULL" : "", c + 1 < total ? "," : "");
        const char *note = "";
        if (t->cols[c].type == SL_T_TIMESTAMP)
            note = " 'YYYY-MM-DD HH:MM:SS.ffffff' UTC";
        else if (t->cols[c].type == SL_T_DATE)
            note = " 'YYYY-MM-DD'";
        else if (t->cols[c].type == SL_T_BOOL)
            note = " 0/1";
        bad |= fprintf(out, "  %-40s -- %s%s\n", decl, sl_type_name(t->cols[c].type), note) < 0;
    }
    for (size_t k = 0; k < t->npart; k++) {
        char decl[256];
        snprintf(decl, sizeof decl, "%s TEXT%s", t->part_keys[k], t->ncols + k + 1 < total ? "," : "");
        bad |= fprintf(out, "  %-40s -- partition folder\n", decl) < 0;
    }
    bad |= fprintf(out, ");\n") < 0;
    return bad;
}

sl_err sl_sql_print_schema(sl_sql *q, const char *table, FILE *out, char *errstr, size_t errstr_size)
{
    int bad = 0;
    if (table) {
        const sl_sql_table *t = sl_sql_lake_find(q->lake, table);
        if (!t)
            return sl_errf(SL_ERR_NOTFOUND, errstr, errstr_size, "no table '%s' in the lake", table);
        bad = print_table_schema(t, out);
    } else {
        for (size_t i = 0; i < sl_sql_lake_ntables(q->lake); i++)
            bad |= print_table_schema(sl_sql_lake_table(q->lake, i), out);
    }
    if (bad || fflush(out) != 0)
        return sl_errf(SL_ERR_IO, errstr, errstr_size, "write error on the output");
    return SL_OK;
}
