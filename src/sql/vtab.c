/*
 * vtab.c: the `sluice_parquet` SQLite virtual table: one table of the lake (scan.h)
 * as a read-only SQL table.
 *
 * Columns: the table's Parquet columns, then its partition keys (TEXT; NULL for
 * __HIVE_DEFAULT_PARTITION__). SQL types: boolean, int32, int64 -> INTEGER (booleans
 * 0/1); double -> REAL; string -> TEXT; binary -> BLOB; timestamp -> TEXT
 * 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC); date -> TEXT 'YYYY-MM-DD'.
 *
 * Plans (xBestIndex; encoded in idxStr, decoded by xFilter):
 *  - scan: the files are read row group by row group, only the columns the statement
 *    uses (colUsed). Constraints whose right side is known when the scan starts (a
 *    literal, a parameter, an IN list, or a value from an outer loop for partition
 *    columns) prune: on partition columns whole files, on other columns row groups
 *    whose statistics (min, max, null count) prove that no row can match. SQLite
 *    still checks every constraint on the rows returned (nothing is omitted), so
 *    pruning only ever needs to be conservative.
 *  - lookup: an equality whose right side comes from another table (a join, a
 *    correlated subquery). Re-reading the files for every outer row would be
 *    quadratic: the first xFilter streams (pruned by the value), and from the second
 *    one the used columns of every row are held in memory with a hash index on the
 *    join column, each xFilter then being a hash lookup. Memory: about 16 bytes per
 *    used cell plus the strings. Partition equalities of the join (o.dt = a.dt) choose
 *    which files are held, so one partition is in memory at a time.
 *  - materialized: other constraints from an outer loop (e.g. a.x < b.y): the same,
 *    without the index: the held rows are replayed for each outer row.
 */
#include "sql/sql.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "sql/scan.h"
#include "sql/util.h"

#define VT_MAX_CONS 64

enum { MODE_SCAN = 0, MODE_LOOKUP = 1, MODE_ALL = 2 };
enum { F_ARG = 1, F_IN = 2, F_BINARY = 4 };

typedef struct vt_cons {
    int col;
    int op;
    int flags;
} vt_cons;

typedef struct vt_plan {
    int mode;
    uint64_t used;
    int key_col;
    size_t ncons;
    vt_cons cons[VT_MAX_CONS];
} vt_plan;

typedef struct vt_tab {
    sqlite3_vtab base;
    sl_sql_lake *lake;
    const sl_sql_table *t;
} vt_tab;

/* A constraint with its right-side values for one xFilter. */
typedef struct vt_fcons {
    int col;
    int op;
    int binary;
    sqlite3_value **vals; /* sqlite3_value_dup copies */
    size_t nvals;
} vt_fcons;

/* One materialized cell. Strings live in the materialization's arena (off, len). */
typedef struct mcell {
    union {
        int64_t i;
        double d;
        uint64_t off;
    } u;
    uint32_t len;
    uint8_t null;
} mcell;

typedef struct vt_mat {
    uint64_t used;
    int key_col;
    size_t nslots;
    size_t nrows;
    mcell *cells;      /* nrows x nslots */
    size_t cap_rows;
    uint32_t *file;    /* file index of each row */
    sl_buf strings;
    uint32_t *heads;   /* hash buckets: row + 1, 0 when empty */
    uint32_t *next;    /* chain: row + 1, 0 at the end */
    size_t mask;
    int key_slot;
    sl_buf sig;        /* the partition values it holds (filter_signature) */
} vt_mat;

/* The bytes of a string or binary cell of m ("" when empty: an empty table has no
 * string buffer at all, and no offset may be taken from its NULL). */
static const char *mcell_bytes(const vt_mat *m, const mcell *c)
{
    return c->len ? (const char *)m->strings.data + c->u.off : "";
}

typedef struct vt_key {
    uint8_t *p;
    size_t n, cap;
} vt_key;

typedef struct vt_cur {
    sqlite3_vtab_cursor base;
    vt_tab *tab;
    vt_plan plan;
    vt_fcons *fc;
    size_t nfc;
    long *col_slot;          /* table column -> slot in the read list, -1 when not read */
    size_t nslots;
    size_t *slot_col;
    /* scan mode */
    sl_sql_scan *scan;
    uint64_t scan_used;
    size_t batch_n, pos;
    const sl_value **batch;  /* per slot: the batch's cells */
    /* materialized modes */
    vt_mat *mat;
    size_t mrow;             /* current row */
    int chain;               /* 1: follow the hash chain, comparing keys */
    vt_key want;             /* the key looked up */
    vt_key row_key;          /* scratch: a row's key */
    sl_buf sig;              /* the current filter's partition values */
    sl_buf last_sig;         /* the previous filter's */
    uint64_t nfilter;        /* xFilter calls so far (materialized plans) */
    int streaming;           /* 1: rows come from the scan, 0: from the materialization */
    /* common */
    int eof;
    sqlite3_int64 rowid;
    char fmt[SL_SQL_FMT_MAX];
} vt_cur;

/* ------------------------------------------------------------------ helpers */

static int col_is_used(uint64_t used, size_t c)
{
    return c < 63 ? (int)((used >> c) & 1) : (int)((used >> 63) & 1);
}

static const char *sql_type(sl_type t)
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
    case SL_T_STRING:
    case SL_T_TIMESTAMP:
    case SL_T_DATE:
        return "TEXT";
    }
    return "";
}

static int is_text_type(sl_type t)
{
    return t == SL_T_STRING || t == SL_T_TIMESTAMP || t == SL_T_DATE;
}

static void set_error(sqlite3_vtab *vtab, const char *msg)
{
    sqlite3_free(vtab->zErrMsg);
    vtab->zErrMsg = sqlite3_mprintf("%s", msg);
}

/* Returns a value of column type `type` to SQLite. */
static void result_value(sqlite3_context *ctx, sl_type type, const sl_value *v, char *fmt)
{
    if (v->is_null) {
        sqlite3_result_null(ctx);
        return;
    }
    switch (type) {
    case SL_T_BOOL:
        sqlite3_result_int(ctx, v->u.i != 0);
        break;
    case SL_T_INT32:
    case SL_T_INT64:
        sqlite3_result_int64(ctx, v->u.i);
        break;
    case SL_T_DOUBLE:
        sqlite3_result_double(ctx, v->u.d);
        break;
    case SL_T_STRING:
        sqlite3_result_text(ctx, v->u.s.p ? v->u.s.p : "", (int)v->u.s.n, SQLITE_TRANSIENT);
        break;
    case SL_T_BINARY:
        if (v->u.s.n == 0)
            sqlite3_result_zeroblob(ctx, 0);
        else
            sqlite3_result_blob(ctx, v->u.s.p, (int)v->u.s.n, SQLITE_TRANSIENT);
        break;
    case SL_T_TIMESTAMP:
        sqlite3_result_text(ctx, fmt, (int)sl_sql_fmt_ts(v->u.i, fmt), SQLITE_TRANSIENT);
        break;
    case SL_T_DATE:
        sqlite3_result_text(ctx, fmt, (int)sl_sql_fmt_date(v->u.i, fmt), SQLITE_TRANSIENT);
        break;
    }
}

/* ------------------------------------------------------------------ plan text */

static char *plan_encode(const vt_plan *p)
{
    sqlite3_str *s = sqlite3_str_new(NULL);
    sqlite3_str_appendf(s, "%d %llx %d %d", p->mode, (unsigned long long)p->used, p->key_col,
                        (int)p->ncons);
    for (size_t i = 0; i < p->ncons; i++)
        sqlite3_str_appendf(s, " %d:%d:%d", p->cons[i].col, p->cons[i].op, p->cons[i].flags);
    return sqlite3_str_finish(s);
}

/* Parses what plan_encode wrote. 0 on success. */
static int plan_decode(const char *s, vt_plan *p)
{
    memset(p, 0, sizeof *p);
    if (!s)
        return -1;
    char *end;
    p->mode = (int)strtol(s, &end, 10);
    p->used = strtoull(end, &end, 16);
    p->key_col = (int)strtol(end, &end, 10);
    long n = strtol(end, &end, 10);
    if (n < 0 || n > VT_MAX_CONS)
        return -1;
    p->ncons = (size_t)n;
    for (size_t i = 0; i < p->ncons; i++) {
        p->cons[i].col = (int)strtol(end, &end, 10);
        if (*end++ != ':')
            return -1;
        p->cons[i].op = (int)strtol(end, &end, 10);
        if (*end++ != ':')
            return -1;
        p->cons[i].flags = (int)strtol(end, &end, 10);
    }
    return 0;
}

/* ------------------------------------------------------------------ connect */

static int vt_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out,
                      char **err)
{
    sl_sql_lake *lake = aux;
    char name[256];
    const char *src = argc > 3 ? argv[3] : argv[2];
    size_t n = strlen(src);
    if (n >= 2 && (src[0] == '\'' || src[0] == '"') && src[n - 1] == src[0]) {
        src++;
        n -= 2;
    }
    if (n >= sizeof name) {
        *err = sqlite3_mprintf("sluice_parquet: table name too long");
        return SQLITE_ERROR;
    }
    memcpy(name, src, n);
    name[n] = 0;
    const sl_sql_table *t = sl_sql_lake_find(lake, name);
    if (!t) {
        *err = sqlite3_mprintf("sluice_parquet: the lake has no table '%s'", name);
        return SQLITE_ERROR;
    }
    sqlite3_str *s = sqlite3_str_new(db);
    sqlite3_str_appendf(s, "CREATE TABLE x(");
    for (size_t c = 0; c < t->ncols; c++)
        sqlite3_str_appendf(s, "%s\"%w\" %s", c ? ", " : "", t->cols[c].name, sql_type(t->cols[c].type));
    for (size_t k = 0; k < t->npart; k++)
        sqlite3_str_appendf(s, "%s\"%w\" TEXT", (t->ncols || k) ? ", " : "", t->part_keys[k]);
    sqlite3_str_appendf(s, ")");
    char *decl = sqlite3_str_finish(s);
    if (!decl)
        return SQLITE_NOMEM;
    int rc = sqlite3_declare_vtab(db, decl);
    sqlite3_free(decl);
    if (rc != SQLITE_OK) {
        *err = sqlite3_mprintf("sluice_parquet: table '%s': %s", name, sqlite3_errmsg(db));
        return rc;
    }
    vt_tab *tab = sqlite3_malloc(sizeof *tab);
    if (!tab)
        return SQLITE_NOMEM;
    memset(tab, 0, sizeof *tab);
    tab->lake = lake;
    tab->t = t;
    *out = &tab->base;
    return SQLITE_OK;
}

static int vt_disconnect(sqlite3_vtab *vtab)
{
    sqlite3_free(vtab);
    return SQLITE_OK;
}

/* ------------------------------------------------------------------ best index */

static int op_supported(int op)
{
    switch (op) {
    case SQLITE_INDEX_CONSTRAINT_EQ:
    case SQLITE_INDEX_CONSTRAINT_GT:
    case SQLITE_INDEX_CONSTRAINT_GE:
    case SQLITE_INDEX_CONSTRAINT_LT:
    case SQLITE_INDEX_CONSTRAINT_LE:
    case SQLITE_INDEX_CONSTRAINT_IS:
    case SQLITE_INDEX_CONSTRAINT_ISNULL:
    case SQLITE_INDEX_CONSTRAINT_ISNOTNULL:
        return 1;
    default:
        return 0;
    }
}

/* Guessed fraction of rows a constraint keeps (planner estimates only). */
static double selectivity(const sl_sql_table *t, int col, int op)
{
    int is_part = col >= (int)t->ncols;
    if (op == SQLITE_INDEX_CONSTRAINT_EQ || op == SQLITE_INDEX_CONSTRAINT_IS) {
        if (is_part) {
            size_t d = t->part_ndistinct[col - (int)t->ncols];
            return 1.0 / (double)(d ? d : 1);
        }
        return 0.1;
    }
    return 0.5;
}

static int vt_best_index(sqlite3_vtab *vtab, sqlite3_index_info *ii)
{
    vt_tab *tab = (vt_tab *)vtab;
    const sl_sql_table *t = tab->t;
    vt_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.used = (uint64_t)ii->colUsed;
    plan.key_col = -1;
    int cons_idx[VT_MAX_CONS];
    double rows = t->est_rows > 1 ? t->est_rows : 1;
    double read_rows = rows, out_rows = rows, files = (double)t->nfiles;
    int key_cons = -1, other_nonconst = 0;

    for (int i = 0; i < ii->nConstraint && plan.ncons < VT_MAX_CONS; i++) {
        const struct sqlite3_index_constraint *c = &ii->aConstraint[i];
        if (!c->usable || c->iColumn < 0 || !op_supported(c->op))
            continue;
        int col = c->iColumn, op = c->op;
        int is_part = col >= (int)t->ncols;
        vt_cons *vc = &plan.cons[plan.ncons];
        vc->col = col;
        vc->op = op;
        vc->flags = 0;
        if (op == SQLITE_INDEX_CONSTRAINT_ISNULL || op == SQLITE_INDEX_CONSTRAINT_ISNOTNULL) {
            cons_idx[plan.ncons++] = i;
            out_rows *= 0.5;
            continue;
        }
        const char *coll = sqlite3_vtab_collation(ii, i);
        if (!coll || sqlite3_stricmp(coll, "BINARY") == 0)
            vc->flags |= F_BINARY;
        sqlite3_value *rhs = NULL;
        int constant = sqlite3_vtab_rhs_value(ii, i, &rhs) == SQLITE_OK;
        double sel = selectivity(t, col, op);
        if (constant || is_part) {
            vc->flags |= F_ARG;
            if (!constant && op == SQLITE_INDEX_CONSTRAINT_EQ && sqlite3_vtab_in(ii, i, -1)) {
                sqlite3_vtab_in(ii, i, 1);
                vc->flags |= F_IN;
                sel = sel * 4 < 1 ? sel * 4 : 1;
            }
            cons_idx[plan.ncons++] = i;
            out_rows *= sel;
            if (is_part) {
                read_rows *= sel;
                files *= sel;
            }
        } else if (op == SQLITE_INDEX_CONSTRAINT_EQ && sqlite3_vtab_in(ii, i, -1)) {
            sqlite3_vtab_in(ii, i, 1);
            vc->flags |= F_ARG | F_IN;
            cons_idx[plan.ncons++] = i;
            out_rows *= sel * 4 < 1 ? sel * 4 : 1;
        } else if (op == SQLITE_INDEX_CONSTRAINT_EQ && key_cons < 0 &&
                   ((vc->flags & F_BINARY) || !is_text_type(t->cols[col].type))) {
            key_cons = i;
        } else {
            other_nonconst = 1;
        }
    }

    if (key_cons >= 0 || other_nonconst) {
        /* materialized: only single-value partition equalities are kept (they choose
         * which files are held in memory); a lookup's key comes first in argv */
        size_t kept = 0;
        int argv = 0;
        if (key_cons >= 0)
            ii->aConstraintUsage[key_cons].argvIndex = ++argv;
        for (size_t k = 0; k < plan.ncons; k++) {
            const vt_cons *vc = &plan.cons[k];
            if (vc->col < (int)t->ncols || vc->op != SQLITE_INDEX_CONSTRAINT_EQ || (vc->flags & F_IN))
                continue;
            ii->aConstraintUsage[cons_idx[k]].argvIndex = ++argv;
            plan.cons[kept++] = *vc;
        }
        plan.ncons = kept;
        plan.mode = key_cons >= 0 ? MODE_LOOKUP : MODE_ALL;
        plan.key_col = key_cons >= 0 ? ii->aConstraint[key_cons].iColumn : -1;
        if (key_cons >= 0) {
            ii->estimatedCost = 20.0;
            ii->estimatedRows = 10;
        } else {
            ii->estimatedCost = rows * 0.5 + 10;
            ii->estimatedRows = (sqlite3_int64)(rows * 0.25) + 1;
        }
    } else {
        plan.mode = MODE_SCAN;
        int argv = 0;
        for (size_t k = 0; k < plan.ncons; k++)
            if (plan.cons[k].flags & F_ARG)
                ii->aConstraintUsage[cons_idx[k]].argvIndex = ++argv;
        ii->estimatedCost = read_rows + files * 50.0 + 100.0;
        ii->estimatedRows = (sqlite3_int64)out_rows + 1;
    }
    ii->idxStr = plan_encode(&plan);
    if (!ii->idxStr)
        return SQLITE_NOMEM;
    ii->needToFreeIdxStr = 1;
    return SQLITE_OK;
}

/* ------------------------------------------------------------------ pruning */

/* Compares a statistic (of column type `type`) with a constraint value. -1, 0, 1, or
 * 2 when they cannot be compared here (then nothing may be pruned). */
static int cmp_i64_dbl(int64_t i, double d)
{
    if (isnan(d))
        return 2;
    if (d >= 9223372036854775808.0)
        return -1;
    if (d < -9223372036854775808.0)
        return 1;
    double fl = floor(d);
    int64_t fi = (int64_t)fl;
    if (i < fi)
        return -1;
    if (i > fi)
        return 1;
    return d > fl ? -1 : 0;
}

static int cmp_bytes(const void *a, size_t an, const void *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return an < bn ? -1 : an > bn ? 1 : 0;
}

static int cmp_stat(sl_type type, const sl_value *sv, sqlite3_value *v, int binary, int fixed_width)
{
    int vt = sqlite3_value_type(v);
    char buf[SL_SQL_FMT_MAX];
    switch (type) {
    case SL_T_BOOL:
    case SL_T_INT32:
    case SL_T_INT64: {
        int64_t x = type == SL_T_BOOL ? (sv->u.i != 0) : sv->u.i;
        if (vt == SQLITE_INTEGER) {
            int64_t y = sqlite3_value_int64(v);
            return x < y ? -1 : x > y ? 1 : 0;
        }
        if (vt == SQLITE_FLOAT)
            return cmp_i64_dbl(x, sqlite3_value_double(v));
        return 2;
    }
    case SL_T_DOUBLE: {
        double x = sv->u.d;
        if (isnan(x))
            return 2;
        if (vt == SQLITE_INTEGER) {
            int c = cmp_i64_dbl(sqlite3_value_int64(v), x);
            return c == 2 ? 2 : -c;
        }
        if (vt == SQLITE_FLOAT) {
            double y = sqlite3_value_double(v);
            if (isnan(y))
                return 2;
            return x < y ? -1 : x > y ? 1 : 0;
        }
        return 2;
    }
    case SL_T_STRING:
        if (vt != SQLITE_TEXT || !binary)
            return 2;
        return cmp_bytes(sv->u.s.p, sv->u.s.n, sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v));
    case SL_T_BINARY:
        if (vt != SQLITE_BLOB)
            return 2;
        return cmp_bytes(sv->u.s.p, sv->u.s.n, sqlite3_value_blob(v), (size_t)sqlite3_value_bytes(v));
    case SL_T_TIMESTAMP:
    case SL_T_DATE: {
        if (vt != SQLITE_TEXT || !binary || !fixed_width)
            return 2;
        size_t n = type == SL_T_TIMESTAMP ? sl_sql_fmt_ts(sv->u.i, buf) : sl_sql_fmt_date(sv->u.i, buf);
        return cmp_bytes(buf, n, sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v));
    }
    }
    return 2;
}

/* 1 when a value c (= cmp(stat, rhs) results) range [min, max] may satisfy op. */
static int range_may_match(int op, int cmin, int cmax)
{
    if (cmin == 2 || cmax == 2)
        return 1;
    switch (op) {
    case SQLITE_INDEX_CONSTRAINT_EQ:
    case SQLITE_INDEX_CONSTRAINT_IS:
        return cmin <= 0 && cmax >= 0;
    case SQLITE_INDEX_CONSTRAINT_GT:
        return cmax > 0;
    case SQLITE_INDEX_CONSTRAINT_GE:
        return cmax >= 0;
    case SQLITE_INDEX_CONSTRAINT_LT:
        return cmin < 0;
    case SQLITE_INDEX_CONSTRAINT_LE:
        return cmin <= 0;
    }
    return 1;
}

/* May a row group (rows, null count, min/max of a column of `type`) hold a row
 * satisfying constraint fc? null_count < 0: unknown. */
static int rg_may_match(const vt_fcons *fc, sl_type type, int64_t rows, int64_t null_count, int has_mm,
                        const sl_value *mn, const sl_value *mx)
{
    if (fc->op == SQLITE_INDEX_CONSTRAINT_ISNULL)
        return null_count < 0 || null_count > 0;
    if (fc->op == SQLITE_INDEX_CONSTRAINT_ISNOTNULL)
        return null_count < 0 || null_count < rows;
    if (fc->nvals == 0)
        return 1;
    int all_null = null_count >= 0 && null_count >= rows;
    int fixed = 1;
    if (has_mm && (type == SL_T_TIMESTAMP || type == SL_T_DATE))
        fixed = type == SL_T_TIMESTAMP ? sl_sql_ts_fixed_width(mn->u.i, mx->u.i)
                                       : sl_sql_date_fixed_width(mn->u.i, mx->u.i);
    for (size_t k = 0; k < fc->nvals; k++) {
        sqlite3_value *v = fc->vals[k];
        if (sqlite3_value_type(v) == SQLITE_NULL) {
            if (fc->op == SQLITE_INDEX_CONSTRAINT_IS && (null_count < 0 || null_count > 0))
                return 1;
            continue; /* a comparison with NULL is never true */
        }
        if (all_null)
            continue;
        if (!has_mm)
            return 1;
        int cmin = cmp_stat(type, mn, v, fc->binary, fixed);
        int cmax = cmp_stat(type, mx, v, fc->binary, fixed);
        if (range_may_match(fc->op, cmin, cmax))
            return 1;
    }
    return 0;
}

/* May a file whose partition value is p (NULL: default partition) match fc? */
static int part_may_match(const vt_fcons *fc, const char *p)
{
    if (fc->op == SQLITE_INDEX_CONSTRAINT_ISNULL)
        return p == NULL;
    if (fc->op == SQLITE_INDEX_CONSTRAINT_ISNOTNULL)
        return p != NULL;
    if (fc->nvals == 0)
        return 1;
    for (size_t k = 0; k < fc->nvals; k++) {
        sqlite3_value *v = fc->vals[k];
        if (sqlite3_value_type(v) == SQLITE_NULL) {
            if (fc->op == SQLITE_INDEX_CONSTRAINT_IS && p == NULL)
                return 1;
            continue;
        }
        if (p == NULL)
            continue;
        if (sqlite3_value_type(v) != SQLITE_TEXT || !fc->binary)
            return 1;
        int c = cmp_bytes(p, strlen(p), sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v));
        if (range_may_match(fc->op, c, c))
            return 1;
    }
    return 0;
}

static int keep_file_cb(void *ctx, const sl_sql_table *t, size_t file)
{
    vt_cur *cur = ctx;
    for (size_t i = 0; i < cur->nfc; i++) {
        const vt_fcons *fc = &cur->fc[i];
        if (fc->col < (int)t->ncols)
            continue;
        if (!part_may_match(fc, t->files[file].parts[fc->col - (int)t->ncols]))
            return 0;
    }
    return 1;
}

static int keep_rg_cb(void *ctx, sl_sql_scan *s, size_t rg)
{
    vt_cur *cur = ctx;
    const sl_sql_table *t = cur->tab->t;
    int64_t rows = sl_sql_scan_rg_rows(s, rg);
    for (size_t i = 0; i < cur->nfc; i++) {
        const vt_fcons *fc = &cur->fc[i];
        if (fc->col >= (int)t->ncols)
            continue;
        sl_pq_chunk_info info;
        int got = sl_sql_scan_chunk_info(s, rg, (size_t)fc->col, &info);
        if (got < 0)
            continue;
        int ok;
        if (got == 0) /* the file lacks the column: every row is NULL */
            ok = rg_may_match(fc, t->cols[fc->col].type, rows, rows, 0, NULL, NULL);
        else
            ok = rg_may_match(fc, t->cols[fc->col].type, rows, info.stats.null_count,
                              info.stats.has_min_max, &info.stats.min, &info.stats.max);
        if (!ok)
            return 0;
    }
    return 1;
}

/* ------------------------------------------------------------------ cursor */

static void fcons_free(vt_cur *cur)
{
    for (size_t i = 0; i < cur->nfc; i++) {
        for (size_t k = 0; k < cur->fc[i].nvals; k++)
            sqlite3_value_free(cur->fc[i].vals[k]);
        sqlite3_free(cur->fc[i].vals);
    }
    sqlite3_free(cur->fc);
    cur->fc = NULL;
    cur->nfc = 0;
}

static void mat_free(vt_mat *m)
{
    if (!m)
        return;
    free(m->cells);
    free(m->file);
    free(m->heads);
    free(m->next);
    sl_buf_free(&m->strings);
    sl_buf_free(&m->sig);
    free(m);
}

static int vt_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **out)
{
    vt_tab *tab = (vt_tab *)vtab;
    vt_cur *cur = sqlite3_malloc(sizeof *cur);
    if (!cur)
        return SQLITE_NOMEM;
    memset(cur, 0, sizeof *cur);
    cur->tab = tab;
    size_t n = tab->t->ncols ? tab->t->ncols : 1;
    cur->col_slot = sqlite3_malloc64(n * sizeof *cur->col_slot);
    cur->slot_col = sqlite3_malloc64(n * sizeof *cur->slot_col);
    cur->batch = sqlite3_malloc64(n * sizeof *cur->batch);
    if (!cur->col_slot || !cur->slot_col || !cur->batch) {
        sqlite3_free(cur->col_slot);
        sqlite3_free(cur->slot_col);
        sqlite3_free(cur->batch);
        sqlite3_free(cur);
        return SQLITE_NOMEM;
    }
    cur->eof = 1;
    *out = &cur->base;
    return SQLITE_OK;
}

static int vt_close(sqlite3_vtab_cursor *c)
{
    vt_cur *cur = (vt_cur *)c;
    fcons_free(cur);
    sl_sql_scan_destroy(cur->scan);
    mat_free(cur->mat);
    free(cur->want.p);
    free(cur->row_key.p);
    sl_buf_free(&cur->sig);
    sl_buf_free(&cur->last_sig);
    sqlite3_free(cur->col_slot);
    sqlite3_free(cur->slot_col);
    sqlite3_free(cur->batch);
    sqlite3_free(cur);
    return SQLITE_OK;
}

/* Sets the read list (slots) to the regular columns in `used`. */
static void set_slots(vt_cur *cur, uint64_t used)
{
    const sl_sql_table *t = cur->tab->t;
    cur->nslots = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        if (col_is_used(used, c)) {
            cur->col_slot[c] = (long)cur->nslots;
            cur->slot_col[cur->nslots++] = c;
        } else {
            cur->col_slot[c] = -1;
        }
    }
}

/* Copies the xFilter arguments of the plan's constraints. */
static int load_fcons(vt_cur *cur, int argc, sqlite3_value **argv)
{
    fcons_free(cur);
    if (cur->plan.ncons == 0)
        return SQLITE_OK;
    cur->fc = sqlite3_malloc64(cur->plan.ncons * sizeof *cur->fc);
    if (!cur->fc)
        return SQLITE_NOMEM;
    memset(cur->fc, 0, cur->plan.ncons * sizeof *cur->fc);
    int a = 0;
    for (size_t i = 0; i < cur->plan.ncons; i++) {
        const vt_cons *pc = &cur->plan.cons[i];
        vt_fcons *fc = &cur->fc[cur->nfc++];
        fc->col = pc->col;
        fc->op = pc->op;
        fc->binary = (pc->flags & F_BINARY) != 0;
        if (!(pc->flags & F_ARG))
            continue;
        if (a >= argc)
            return SQLITE_ERROR;
        sqlite3_value *arg = argv[a++];
        size_t cap = 0;
        sqlite3_value *v = NULL;
        int rc = (pc->flags & F_IN) ? sqlite3_vtab_in_first(arg, &v) : SQLITE_ERROR;
        if (rc == SQLITE_ERROR) { /* a single value */
            rc = SQLITE_OK;
            v = arg;
            fc->vals = sqlite3_malloc(sizeof *fc->vals);
            if (!fc->vals)
                return SQLITE_NOMEM;
            fc->vals[0] = sqlite3_value_dup(v);
            if (!fc->vals[0])
                return SQLITE_NOMEM;
            fc->nvals = 1;
            continue;
        }
        while (rc == SQLITE_OK && v) {
            if (fc->nvals == cap) {
                cap = cap ? cap * 2 : 8;
                sqlite3_value **q = sqlite3_realloc64(fc->vals, cap * sizeof *q);
                if (!q)
                    return SQLITE_NOMEM;
                fc->vals = q;
            }
            fc->vals[fc->nvals] = sqlite3_value_dup(v);
            if (!fc->vals[fc->nvals])
                return SQLITE_NOMEM;
            fc->nvals++;
            rc = sqlite3_vtab_in_next(arg, &v);
        }
        if (rc != SQLITE_OK && rc != SQLITE_DONE)
            return rc;
    }
    return SQLITE_OK;
}

/* Fetches the next scan batch; sets eof at the end. */
static int scan_advance(vt_cur *cur)
{
    char err[768];
    size_t n;
    sl_err e = sl_sql_scan_next(cur->scan, &n, err, sizeof err);
    if (e != SL_OK) {
        set_error(&cur->tab->base, err);
        cur->eof = 1;
        return e == SL_ERR_NOMEM ? SQLITE_NOMEM : SQLITE_ERROR;
    }
    cur->batch_n = n;
    cur->pos = 0;
    if (n == 0) {
        cur->eof = 1;
        return SQLITE_OK;
    }
    for (size_t s = 0; s < cur->nslots; s++)
        cur->batch[s] = sl_sql_scan_values(cur->scan, s);
    return SQLITE_OK;
}

/* ---- materialization ---- */

/* A canonical key: 'i' + int64, 'd' + double bits, or 's' + bytes, so that two
 * values SQLite finds equal (in the column's class) have the same key bytes. */
static int key_reserve(vt_key *k, size_t n)
{
    if (n <= k->cap)
        return 0;
    size_t nc = k->cap ? k->cap : 64;
    while (nc < n)
        nc *= 2;
    uint8_t *q = realloc(k->p, nc);
    if (!q)
        return -1;
    k->p = q;
    k->cap = nc;
    return 0;
}

static int key_num(vt_key *k, int is_int, int64_t i, double d)
{
    if (key_reserve(k, 9) != 0)
        return -1;
    if (!is_int && d == floor(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
        is_int = 1;
        i = (int64_t)d;
    }
    k->p[0] = is_int ? 'i' : 'd';
    if (is_int)
        memcpy(k->p + 1, &i, 8);
    else
        memcpy(k->p + 1, &d, 8);
    k->n = 9;
    return 0;
}

static int key_bytes(vt_key *k, const void *p, size_t n)
{
    if (key_reserve(k, n + 1) != 0)
        return -1;
    k->p[0] = 's';
    if (n)
        memcpy(k->p + 1, p, n);
    k->n = n + 1;
    return 0;
}

/* Key of materialized row `row` (its key cell must not be NULL) into cur->row_key. */
static int key_of_row(vt_cur *cur, const vt_mat *m, size_t row)
{
    sl_type type = cur->tab->t->cols[m->key_col].type;
    const mcell *c = &m->cells[row * m->nslots + (size_t)m->key_slot];
    vt_key *k = &cur->row_key;
    switch (type) {
    case SL_T_BOOL:
    case SL_T_INT32:
    case SL_T_INT64:
        return key_num(k, 1, type == SL_T_BOOL ? (c->u.i != 0) : c->u.i, 0);
    case SL_T_DOUBLE:
        return key_num(k, 0, 0, c->u.d);
    case SL_T_STRING:
    case SL_T_BINARY:
        return key_bytes(k, mcell_bytes(m, c), c->len);
    case SL_T_TIMESTAMP:
        return key_bytes(k, cur->fmt, sl_sql_fmt_ts(c->u.i, cur->fmt));
    case SL_T_DATE:
        return key_bytes(k, cur->fmt, sl_sql_fmt_date(c->u.i, cur->fmt));
    }
    return -1;
}

/* Key of a right-hand value for column type `type` into cur->want: 1 when made, 0
 * when the value's class differs from the column's (then every row must be
 * returned: SQLite's affinity rules decide), -1 out of memory, 2 when the value is
 * NULL (nothing is equal to it). */
static int key_of_value(vt_cur *cur, sl_type type, sqlite3_value *v)
{
    int vt = sqlite3_value_type(v);
    vt_key *k = &cur->want;
    if (vt == SQLITE_NULL)
        return 2;
    switch (type) {
    case SL_T_BOOL:
    case SL_T_INT32:
    case SL_T_INT64:
    case SL_T_DOUBLE:
        if (vt == SQLITE_INTEGER)
            return key_num(k, 1, sqlite3_value_int64(v), 0) ? -1 : 1;
        if (vt == SQLITE_FLOAT) {
            double d = sqlite3_value_double(v);
            if (isnan(d))
                return 2;
            return key_num(k, 0, 0, d) ? -1 : 1;
        }
        return 0;
    case SL_T_STRING:
    case SL_T_TIMESTAMP:
    case SL_T_DATE:
        if (vt != SQLITE_TEXT)
            return 0;
        return key_bytes(k, sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v)) ? -1 : 1;
    case SL_T_BINARY:
        if (vt != SQLITE_BLOB)
            return 0;
        return key_bytes(k, sqlite3_value_blob(v), (size_t)sqlite3_value_bytes(v)) ? -1 : 1;
    }
    return 0;
}

/* The columns a materialization holds: the plan's, plus the lookup column. */
static uint64_t mat_used(const vt_plan *p, const sl_sql_table *t)
{
    uint64_t used = p->used;
    if (p->key_col >= 0 && p->key_col < (int)t->ncols)
        used |= p->key_col < 63 ? 1ULL << p->key_col : 1ULL << 63;
    return used;
}

/* Reads every row of the used columns into memory (and hashes the key column). */
static int mat_build(vt_cur *cur)
{
    const sl_sql_table *t = cur->tab->t;
    char err[768];
    mat_free(cur->mat);
    cur->mat = NULL;
    set_slots(cur, mat_used(&cur->plan, t));
    vt_mat *m = calloc(1, sizeof *m);
    if (!m)
        return SQLITE_NOMEM;
    m->used = cur->plan.used;
    m->key_col = cur->plan.key_col;
    m->nslots = cur->nslots;
    m->key_slot = m->key_col >= 0 && m->key_col < (int)t->ncols ? (int)cur->col_slot[m->key_col] : -1;
    sl_sql_scan *s = sl_sql_scan_new(cur->tab->lake, t, cur->slot_col, cur->nslots, err, sizeof err);
    if (!s) {
        mat_free(m);
        set_error(&cur->tab->base, err);
        return SQLITE_ERROR;
    }
    if (cur->nfc)
        sl_sql_scan_set_filter(s, keep_file_cb, NULL, cur);
    int rc = sl_buf_append(&m->sig, cur->sig.data, cur->sig.len) == SL_OK ? SQLITE_OK : SQLITE_NOMEM;
    for (;;) {
        size_t n;
        sl_err e = sl_sql_scan_next(s, &n, err, sizeof err);
        if (e != SL_OK) {
            set_error(&cur->tab->base, err);
            rc = SQLITE_ERROR;
            break;
        }
        if (n == 0)
            break;
        if (m->nrows + n >= UINT32_MAX) {
            set_error(&cur->tab->base, "join too large: more than 4 billion rows to hold in memory");
            rc = SQLITE_ERROR;
            break;
        }
        if (m->nrows + n > m->cap_rows) {
            size_t nc = m->cap_rows ? m->cap_rows : 1024;
            while (nc < m->nrows + n)
                nc *= 2;
            mcell *q = realloc(m->cells, nc * (m->nslots ? m->nslots : 1) * sizeof *q);
            if (!q) {
                rc = SQLITE_NOMEM;
                break;
            }
            m->cells = q;
            uint32_t *f = realloc(m->file, nc * sizeof *f);
            if (!f) {
                rc = SQLITE_NOMEM;
                break;
            }
            m->file = f;
            m->cap_rows = nc;
        }
        uint32_t fidx = (uint32_t)sl_sql_scan_file(s);
        for (size_t r = 0; r < n; r++)
            m->file[m->nrows + r] = fidx;
        for (size_t sl = 0; sl < m->nslots && rc == SQLITE_OK; sl++) {
            const sl_value *v = sl_sql_scan_values(s, sl);
            sl_type type = t->cols[cur->slot_col[sl]].type;
            int bytes = type == SL_T_STRING || type == SL_T_BINARY;
            for (size_t r = 0; r < n; r++) {
                mcell *c = &m->cells[(m->nrows + r) * m->nslots + sl];
                c->null = v[r].is_null;
                c->len = 0;
                if (v[r].is_null) {
                    c->u.i = 0;
                } else if (bytes) {
                    c->u.off = m->strings.len;
                    c->len = v[r].u.s.n;
                    if (v[r].u.s.n && sl_buf_append(&m->strings, v[r].u.s.p, v[r].u.s.n) != SL_OK) {
                        rc = SQLITE_NOMEM;
                        break;
                    }
                } else if (type == SL_T_DOUBLE) {
                    c->u.d = v[r].u.d;
                } else {
                    c->u.i = v[r].u.i;
                }
            }
        }
        if (rc != SQLITE_OK)
            break;
        m->nrows += n;
    }
    sl_sql_scan_destroy(s);
    if (rc == SQLITE_OK && m->key_slot >= 0) {
        size_t cap = 16;
        while (cap < m->nrows * 2)
            cap *= 2;
        m->heads = calloc(cap, sizeof *m->heads);
        m->next = calloc(m->nrows ? m->nrows : 1, sizeof *m->next);
        m->mask = cap - 1;
        if (!m->heads || !m->next)
            rc = SQLITE_NOMEM;
        /* insert from the last row so that each chain lists its rows in order */
        for (size_t r = m->nrows; r-- > 0 && rc == SQLITE_OK;) {
            if (m->cells[r * m->nslots + (size_t)m->key_slot].null)
                continue;
            if (key_of_row(cur, m, r) != 0) {
                rc = SQLITE_NOMEM;
                break;
            }
            size_t h = (size_t)sl_sql_hash(cur->row_key.p, cur->row_key.n, 0) & m->mask;
            m->next[r] = m->heads[h];
            m->heads[h] = (uint32_t)(r + 1);
        }
    }
    if (rc != SQLITE_OK) {
        mat_free(m);
        return rc;
    }
    cur->mat = m;
    return SQLITE_OK;
}

/* Lookup: moves cur->mrow to the first row of the chain from `next1` (row + 1; 0 is
 * the end) whose key equals cur->want; eof when there is none. */
static int chain_seek(vt_cur *cur, uint32_t next1)
{
    vt_mat *m = cur->mat;
    while (next1) {
        size_t r = next1 - 1;
        if (key_of_row(cur, m, r) != 0)
            return SQLITE_NOMEM;
        if (cur->row_key.n == cur->want.n && memcmp(cur->row_key.p, cur->want.p, cur->want.n) == 0) {
            cur->mrow = r;
            return SQLITE_OK;
        }
        next1 = m->next[r];
    }
    cur->eof = 1;
    return SQLITE_OK;
}

/* Serialises the partition values of the current filter into cur->sig (type byte,
 * length, bytes per value), so that a materialization can tell whether it holds the
 * same files. 0, or -1 out of memory. */
static int filter_signature(vt_cur *cur)
{
    cur->sig.len = 0;
    for (size_t i = 0; i < cur->nfc; i++) {
        const vt_fcons *fc = &cur->fc[i];
        uint32_t hdr[2] = { (uint32_t)fc->col, (uint32_t)fc->nvals };
        if (sl_buf_append(&cur->sig, hdr, sizeof hdr) != SL_OK)
            return -1;
        for (size_t k = 0; k < fc->nvals; k++) {
            sqlite3_value *v = fc->vals[k];
            uint8_t t = (uint8_t)sqlite3_value_type(v);
            const void *p = t == SQLITE_BLOB ? sqlite3_value_blob(v) : (const void *)sqlite3_value_text(v);
            uint32_t n = (uint32_t)sqlite3_value_bytes(v);
            if (sl_buf_append(&cur->sig, &t, 1) != SL_OK || sl_buf_append(&cur->sig, &n, 4) != SL_OK ||
                (n && sl_buf_append(&cur->sig, p, n) != SL_OK))
                return -1;
        }
    }
    return 0;
}

/* Starts a streaming scan of the columns in `used`, pruned by cur->fc. */
static int start_scan(vt_cur *cur, uint64_t used)
{
    const sl_sql_table *t = cur->tab->t;
    cur->streaming = 1;
    set_slots(cur, used);
    if (!cur->scan || cur->scan_used != used) {
        sl_sql_scan_destroy(cur->scan);
        char err[512];
        cur->scan = sl_sql_scan_new(cur->tab->lake, t, cur->slot_col, cur->nslots, err, sizeof err);
        if (!cur->scan) {
            set_error(&cur->tab->base, err);
            cur->eof = 1;
            return SQLITE_ERROR;
        }
        cur->scan_used = used;
    } else {
        sl_sql_scan_rewind(cur->scan);
    }
    sl_sql_scan_set_filter(cur->scan, keep_file_cb, keep_rg_cb, cur);
    return scan_advance(cur);
}

/* Appends the constraint `col = v` (v copied) to cur->fc, for pruning a streamed lookup. */
static int add_eq_fcons(vt_cur *cur, int col, sqlite3_value *v)
{
    vt_fcons *q = sqlite3_realloc64(cur->fc, (cur->nfc + 1) * sizeof *q);
    if (!q)
        return SQLITE_NOMEM;
    cur->fc = q;
    vt_fcons *fc = &cur->fc[cur->nfc];
    memset(fc, 0, sizeof *fc);
    fc->col = col;
    fc->op = SQLITE_INDEX_CONSTRAINT_EQ;
    fc->binary = 1; /* a lookup key is only chosen with the BINARY collation */
    fc->vals = sqlite3_malloc(sizeof *fc->vals);
    if (!fc->vals)
        return SQLITE_NOMEM;
    fc->vals[0] = sqlite3_value_dup(v);
    if (!fc->vals[0]) {
        sqlite3_free(fc->vals);
        return SQLITE_NOMEM;
    }
    fc->nvals = 1;
    cur->nfc++;
    return SQLITE_OK;
}

/* xFilter. Scan plans stream. Materialized plans (lookup, all) are adaptive: the first
 * call for a set of partition values streams too (a statement that calls xFilter once,
 * e.g. `col = (SELECT ...)`, never holds the table); a second call with the same
 * partition values is an inner loop, and the rows are then held in memory. */
static int vt_filter(sqlite3_vtab_cursor *c, int idxNum, const char *idxStr, int argc,
                     sqlite3_value **argv)
{
    (void)idxNum;
    vt_cur *cur = (vt_cur *)c;
    const sl_sql_table *t = cur->tab->t;
    if (plan_decode(idxStr, &cur->plan) != 0) {
        set_error(&cur->tab->base, "sluice_parquet: bad plan");
        return SQLITE_ERROR;
    }
    cur->eof = 0;
    cur->rowid = 0;
    cur->streaming = 0;
    int rc;
    if (cur->plan.mode == MODE_SCAN) {
        rc = load_fcons(cur, argc, argv);
        return rc != SQLITE_OK ? rc : start_scan(cur, cur->plan.used);
    }
    /* materialized modes: argv is [key,] then the partition equalities */
    int skip = cur->plan.mode == MODE_LOOKUP ? 1 : 0;
    rc = load_fcons(cur, argc - skip, argv + skip);
    if (rc != SQLITE_OK)
        return rc;
    if (filter_signature(cur) != 0)
        return SQLITE_NOMEM;
    int same_as_last = cur->nfilter > 0 && cur->last_sig.len == cur->sig.len &&
                       (cur->sig.len == 0 || memcmp(cur->last_sig.data, cur->sig.data, cur->sig.len) == 0);
    cur->nfilter++;
    cur->last_sig.len = 0;
    if (sl_buf_append(&cur->last_sig, cur->sig.data, cur->sig.len) != SL_OK)
        return SQLITE_NOMEM;
    int have = cur->mat && cur->mat->used == cur->plan.used && cur->mat->key_col == cur->plan.key_col &&
               cur->mat->sig.len == cur->sig.len &&
               (cur->sig.len == 0 || memcmp(cur->mat->sig.data, cur->sig.data, cur->sig.len) == 0);
    if (!have && !same_as_last) {
        if (skip && argc >= 1 && (rc = add_eq_fcons(cur, cur->plan.key_col, argv[0])) != SQLITE_OK)
            return rc;
        return start_scan(cur, mat_used(&cur->plan, t));
    }
    if (!have) {
        rc = mat_build(cur);
        if (rc != SQLITE_OK) {
            cur->eof = 1;
            return rc;
        }
    }
    set_slots(cur, mat_used(&cur->plan, t));
    vt_mat *m = cur->mat;
    cur->chain = 0;
    cur->mrow = 0;
    if (cur->plan.mode == MODE_LOOKUP && m->key_slot >= 0 && argc >= 1) {
        int k = key_of_value(cur, t->cols[m->key_col].type, argv[0]);
        if (k < 0)
            return SQLITE_NOMEM;
        if (k == 2) {
            cur->eof = 1;
            return SQLITE_OK;
        }
        if (k == 1) {
            cur->chain = 1;
            size_t h = (size_t)sl_sql_hash(cur->want.p, cur->want.n, 0) & m->mask;
            return chain_seek(cur, m->heads[h]);
        }
    }
    if (m->nrows == 0)
        cur->eof = 1;
    return SQLITE_OK;
}

static int vt_next(sqlite3_vtab_cursor *c)
{
    vt_cur *cur = (vt_cur *)c;
    cur->rowid++;
    if (cur->streaming) {
        if (++cur->pos < cur->batch_n)
            return SQLITE_OK;
        return scan_advance(cur);
    }
    if (cur->chain)
        return chain_seek(cur, cur->mat->next[cur->mrow]);
    if (++cur->mrow >= cur->mat->nrows)
        cur->eof = 1;
    return SQLITE_OK;
}

static int vt_eof(sqlite3_vtab_cursor *c)
{
    return ((vt_cur *)c)->eof;
}

static int vt_column(sqlite3_vtab_cursor *c, sqlite3_context *ctx, int col)
{
    vt_cur *cur = (vt_cur *)c;
    const sl_sql_table *t = cur->tab->t;
    if (col < 0) {
        sqlite3_result_null(ctx);
        return SQLITE_OK;
    }
    if (col >= (int)t->ncols) {
        size_t k = (size_t)col - t->ncols;
        size_t f = cur->streaming ? sl_sql_scan_file(cur->scan) : cur->mat->file[cur->mrow];
        const char *p = k < t->npart && f < t->nfiles ? t->files[f].parts[k] : NULL;
        if (p)
            sqlite3_result_text(ctx, p, -1, SQLITE_STATIC);
        else
            sqlite3_result_null(ctx);
        return SQLITE_OK;
    }
    long slot = cur->col_slot[col];
    if (slot < 0) {
        sqlite3_result_null(ctx);
        return SQLITE_OK;
    }
    sl_type type = t->cols[col].type;
    if (cur->streaming) {
        result_value(ctx, type, &cur->batch[slot][cur->pos], cur->fmt);
        return SQLITE_OK;
    }
    const vt_mat *m = cur->mat;
    const mcell *mc = &m->cells[cur->mrow * m->nslots + (size_t)slot];
    sl_value v;
    memset(&v, 0, sizeof v);
    v.is_null = mc->null;
    if (type == SL_T_STRING || type == SL_T_BINARY) {
        v.u.s.p = mcell_bytes(m, mc);
        v.u.s.n = mc->len;
    } else if (type == SL_T_DOUBLE) {
        v.u.d = mc->u.d;
    } else {
        v.u.i = mc->u.i;
    }
    result_value(ctx, type, &v, cur->fmt);
    return SQLITE_OK;
}

static int vt_rowid(sqlite3_vtab_cursor *c, sqlite3_int64 *rowid)
{
    vt_cur *cur = (vt_cur *)c;
    *rowid = cur->streaming ? cur->rowid : (sqlite3_int64)cur->mrow;
    return SQLITE_OK;
}

static const sqlite3_module vt_module = {
    .iVersion = 0,
    .xCreate = vt_connect,
    .xConnect = vt_connect,
    .xBestIndex = vt_best_index,
    .xDisconnect = vt_disconnect,
    .xDestroy = vt_disconnect,
    .xOpen = vt_open,
    .xClose = vt_close,
    .xFilter = vt_filter,
    .xNext = vt_next,
    .xEof = vt_eof,
    .xColumn = vt_column,
    .xRowid = vt_rowid,
};

sl_err sl_sql_vtab_register(sqlite3 *db, sl_sql_lake *lake, char *errstr, size_t errstr_size)
{
    int rc = sqlite3_create_module_v2(db, "sluice_parquet", &vt_module, lake, NULL);
    if (rc != SQLITE_OK)
        return sl_errf(SL_ERR_FATAL, errstr, errstr_size, "sqlite: cannot register sluice_parquet: %s",
                       sqlite3_errmsg(db));
    for (size_t i = 0; i < sl_sql_lake_ntables(lake); i++) {
        const sl_sql_table *t = sl_sql_lake_table(lake, i);
        char *sql = sqlite3_mprintf("CREATE VIRTUAL TABLE \"%w\" USING sluice_parquet('%q')", t->name,
                                    t->name);
        if (!sql)
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        char *err = NULL;
        rc = sqlite3_exec(db, sql, NULL, NULL, &err);
        sqlite3_free(sql);
        if (rc != SQLITE_OK) {
            sl_errf(SL_ERR_FATAL, errstr, errstr_size, "table '%s': %s", t->name, err ? err : "error");
            sqlite3_free(err);
            return SL_ERR_FATAL;
        }
    }
    return SL_OK;
}
