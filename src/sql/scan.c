/*
 * scan.c: discovery of a lake's tables (folders, partition folders, committed
 * Parquet files, schema from the first readable file) and the row-aligned batch
 * scan over a table's files (see scan.h).
 */
#include "sql/scan.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lake/lake.h"
#include "map/map.h"

#define WALK_MAX_DEPTH 16

struct sl_sql_lake {
    sl_store *store;
    int own_store;
    sl_sql_table *tables;
    size_t ntables, cap;
    /* every allocation the tables point into (strings, arrays), freed at destroy */
    void **pool;
    size_t npool, cappool;
};

/* ------------------------------------------------------------------ pool */

/* Records p (may be NULL: then nothing) so destroy frees it. Returns p, or NULL when
 * recording fails (p is then freed). */
static void *pool_keep(sl_sql_lake *lake, void *p)
{
    if (!p)
        return NULL;
    if (lake->npool == lake->cappool) {
        size_t nc = lake->cappool ? lake->cappool * 2 : 64;
        void **q = realloc(lake->pool, nc * sizeof *q);
        if (!q) {
            free(p);
            return NULL;
        }
        lake->pool = q;
        lake->cappool = nc;
    }
    lake->pool[lake->npool++] = p;
    return p;
}

static char *pool_strndup(sl_sql_lake *lake, const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return pool_keep(lake, p);
}

/* ------------------------------------------------------------------ listing */

typedef struct entry {
    char *name;
    sl_store_info info;
} entry;

typedef struct entries {
    entry *v;
    size_t n, cap;
    int nomem;
} entries;

static int collect_cb(void *ctx, const char *name, const sl_store_info *st)
{
    entries *es = ctx;
    if (es->n == es->cap) {
        size_t nc = es->cap ? es->cap * 2 : 32;
        entry *q = realloc(es->v, nc * sizeof *q);
        if (!q) {
            es->nomem = 1;
            return 1;
        }
        es->v = q;
        es->cap = nc;
    }
    char *dup = strdup(name);
    if (!dup) {
        es->nomem = 1;
        return 1;
    }
    es->v[es->n].name = dup;
    es->v[es->n].info = *st;
    es->n++;
    return 0;
}

static void entries_free(entries *es)
{
    for (size_t i = 0; i < es->n; i++)
        free(es->v[i].name);
    free(es->v);
    memset(es, 0, sizeof *es);
}

/* Lists `dir` (sorted by the store) into *es. */
static sl_err list_into(sl_store *s, const char *dir, entries *es, char *errstr, size_t errstr_size)
{
    memset(es, 0, sizeof *es);
    sl_err e = sl_store_list(s, dir, collect_cb, es, errstr, errstr_size);
    if (e == SL_OK && es->nomem)
        e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory listing '%s'", dir);
    if (e != SL_OK)
        entries_free(es);
    return e;
}

/* ------------------------------------------------------------------ discovery */

/* One file as found by the walk, before partition keys are aligned. */
typedef struct raw_file {
    char *path;
    uint64_t size;
    size_t nkv;
    size_t *kidx;       /* key index per pair */
    const char **vals;  /* value per pair (NULL: default partition) */
} raw_file;

typedef struct table_build {
    sl_sql_lake *lake;
    char **keys;
    size_t nkeys, capkeys;
    raw_file *files;
    size_t nfiles, capfiles;
    /* the walk's current partition pairs */
    size_t stack_k[WALK_MAX_DEPTH];
    const char *stack_v[WALK_MAX_DEPTH];
    size_t depth;
} table_build;

static int key_index(table_build *tb, const char *k, size_t kn, size_t *out)
{
    for (size_t i = 0; i < tb->nkeys; i++)
        if (strlen(tb->keys[i]) == kn && memcmp(tb->keys[i], k, kn) == 0) {
            *out = i;
            return 0;
        }
    if (tb->nkeys == tb->capkeys) {
        size_t nc = tb->capkeys ? tb->capkeys * 2 : 4;
        char **q = realloc(tb->keys, nc * sizeof *q);
        if (!q)
            return -1;
        tb->keys = q;
        tb->capkeys = nc;
    }
    char *dup = pool_strndup(tb->lake, k, kn);
    if (!dup)
        return -1;
    tb->keys[tb->nkeys] = dup;
    *out = tb->nkeys++;
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* Adds the file at `path` with the walk's current partition pairs. */
static sl_err add_file(table_build *tb, const char *path, uint64_t size)
{
    raw_file *q = sl_array_grow(tb->files, &tb->capfiles, tb->nfiles + 1, sizeof *q, 16);
    if (!q)
        return SL_ERR_NOMEM;
    tb->files = q;
    raw_file *f = &tb->files[tb->nfiles];
    memset(f, 0, sizeof *f);
    f->path = pool_strndup(tb->lake, path, strlen(path));
    f->kidx = pool_keep(tb->lake, malloc((tb->depth + 1) * sizeof *f->kidx));
    f->vals = pool_keep(tb->lake, malloc((tb->depth + 1) * sizeof *f->vals));
    if (!f->path || !f->kidx || !f->vals)
        return SL_ERR_NOMEM;
    f->size = size;
    f->nkv = tb->depth;
    memcpy(f->kidx, tb->stack_k, tb->depth * sizeof *f->kidx);
    memcpy(f->vals, tb->stack_v, tb->depth * sizeof *f->vals);
    tb->nfiles++;
    return SL_OK;
}

/* Walks the folder `path` (buffer holding a NUL-terminated store path, restored on
 * return) for partition folders and committed Parquet files. */
static sl_err walk(table_build *tb, sl_buf *path, char *errstr, size_t errstr_size)
{
    entries es;
    sl_err e = list_into(tb->lake->store, (const char *)path->data, &es, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    size_t base = path->len;
    for (size_t i = 0; i < es.n && e == SL_OK; i++) {
        const char *name = es.v[i].name;
        if (name[0] == '_' || name[0] == '.')
            continue; /* in progress, hidden, or bookkeeping: never data */
        path->len = base;
        if (sl_buf_printf(path, "/%s", name) != SL_OK) {
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            break;
        }
        if (es.v[i].info.is_dir) {
            const char *eq = strchr(name, '=');
            if (!eq || eq == name || tb->depth == WALK_MAX_DEPTH)
                continue; /* not a partition folder: not part of the table */
            size_t k;
            if (key_index(tb, name, (size_t)(eq - name), &k) != 0) {
                e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
                break;
            }
            const char *v = NULL;
            if (strcmp(eq + 1, SL_LAKE_DT_DEFAULT) != 0) {
                v = pool_strndup(tb->lake, eq + 1, strlen(eq + 1));
                if (!v) {
                    e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
                    break;
                }
            }
            tb->stack_k[tb->depth] = k;
            tb->stack_v[tb->depth] = v;
            tb->depth++;
            e = walk(tb, path, errstr, errstr_size);
            tb->depth--;
        } else if (ends_with(name, ".parquet")) {
            if (add_file(tb, (const char *)path->data, es.v[i].info.size) != SL_OK)
                e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        }
    }
    path->len = base;
    path->data[base] = 0;
    entries_free(&es);
    return e;
}

static int cmp_str_ptr(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    if (!x || !y)
        return (x != NULL) - (y != NULL);
    return strcmp(x, y);
}

/* Reads the schema of the table's first readable file into t. Returns SL_OK, or the
 * first file's error when no file opens. */
static sl_err read_schema(sl_sql_lake *lake, sl_sql_table *t, char *errstr, size_t errstr_size)
{
    sl_err first = SL_OK;
    for (size_t f = 0; f < t->nfiles; f++) {
        char msg[512];
        sl_in in;
        sl_err e = sl_store_open_in(lake->store, t->files[f].path, &in, msg, sizeof msg);
        if (e != SL_OK) {
            if (first == SL_OK)
                first = sl_errf(e, errstr, errstr_size, "lake file '%s': %s", t->files[f].path, msg);
            continue;
        }
        sl_pq_reader *r = sl_pq_reader_open(&in, msg, sizeof msg);
        if (!r) {
            if (first == SL_OK)
                first = sl_errf(SL_ERR_CORRUPT, errstr, errstr_size, "lake file '%s': %s",
                                t->files[f].path, msg);
            sl_store_in_close(&in);
            continue;
        }
        size_t n = sl_pq_reader_ncols(r);
        t->cols = pool_keep(lake, calloc(n ? n : 1, sizeof *t->cols));
        e = t->cols ? SL_OK : SL_ERR_NOMEM;
        for (size_t c = 0; c < n && e == SL_OK; c++) {
            const sl_column *col = sl_pq_reader_column(r, c);
            t->cols[c] = *col;
            t->cols[c].name = pool_strndup(lake, col->name, strlen(col->name));
            if (!t->cols[c].name)
                e = SL_ERR_NOMEM;
        }
        t->ncols = n;
        int64_t rows = sl_pq_reader_nrows(r);
        sl_pq_reader_destroy(r);
        sl_store_in_close(&in);
        if (e != SL_OK)
            return sl_errf(e, errstr, errstr_size, "out of memory");
        if (t->files[f].size > 0 && rows > 0)
            t->est_rows = (double)t->bytes * (double)rows / (double)t->files[f].size;
        return SL_OK;
    }
    return first;
}

/* Builds table `name` from its folder. */
static sl_err build_table(sl_sql_lake *lake, const char *name, char *errstr, size_t errstr_size)
{
    table_build tb;
    memset(&tb, 0, sizeof tb);
    tb.lake = lake;
    sl_buf path = { 0 };
    sl_err e = SL_OK;
    if (sl_buf_printf(&path, "%s", name) != SL_OK) {
        e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        goto out;
    }
    e = walk(&tb, &path, errstr, errstr_size);
    if (e != SL_OK)
        goto out;
    int is_quarantine = strcmp(name, SL_LAKE_QUARANTINE) == 0;
    if (tb.nfiles == 0 && !is_quarantine)
        goto out; /* a folder without data: no table (its columns are unknown) */

    if (lake->ntables == lake->cap) {
        size_t nc = lake->cap ? lake->cap * 2 : 8;
        sl_sql_table *q = realloc(lake->tables, nc * sizeof *q);
        if (!q) {
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            goto out;
        }
        lake->tables = q;
        lake->cap = nc;
    }
    sl_sql_table *t = &lake->tables[lake->ntables];
    memset(t, 0, sizeof *t);
    t->name = pool_strndup(lake, name, strlen(name));
    if (tb.nkeys == 0 && is_quarantine && tb.nfiles == 0) {
        size_t k;
        if (key_index(&tb, "dt", 2, &k) != 0)
            e = SL_ERR_NOMEM;
    }
    t->npart = tb.nkeys;
    t->part_keys = pool_keep(lake, malloc((tb.nkeys + 1) * sizeof *t->part_keys));
    t->part_ndistinct = pool_keep(lake, calloc(tb.nkeys + 1, sizeof *t->part_ndistinct));
    t->files = pool_keep(lake, calloc(tb.nfiles + 1, sizeof *t->files));
    if (!t->name || !t->part_keys || !t->part_ndistinct || !t->files || e != SL_OK) {
        e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < tb.nkeys; k++)
        t->part_keys[k] = tb.keys[k];
    t->nfiles = tb.nfiles;
    for (size_t f = 0; f < tb.nfiles; f++) {
        raw_file *rf = &tb.files[f];
        sl_sql_file *sf = &t->files[f];
        sf->path = rf->path;
        sf->size = rf->size;
        sf->parts = pool_keep(lake, calloc(tb.nkeys + 1, sizeof *sf->parts));
        if (!sf->parts) {
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < rf->nkv; i++)
            sf->parts[rf->kidx[i]] = rf->vals[i];
        t->bytes += rf->size;
    }
    /* distinct values per key (planner selectivity) */
    if (tb.nfiles > 0) {
        const char **tmp = malloc(tb.nfiles * sizeof *tmp);
        if (!tmp) {
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            goto out;
        }
        for (size_t k = 0; k < tb.nkeys; k++) {
            for (size_t f = 0; f < tb.nfiles; f++)
                tmp[f] = t->files[f].parts[k];
            qsort(tmp, tb.nfiles, sizeof *tmp, cmp_str_ptr);
            size_t d = 1;
            for (size_t f = 1; f < tb.nfiles; f++)
                if (cmp_str_ptr(&tmp[f - 1], &tmp[f]) != 0)
                    d++;
            t->part_ndistinct[k] = d;
        }
        free(tmp);
    } else {
        for (size_t k = 0; k < tb.nkeys; k++)
            t->part_ndistinct[k] = 1;
    }
    if (tb.nfiles > 0) {
        e = read_schema(lake, t, errstr, errstr_size);
        if (e != SL_OK)
            goto out;
    } else {
        /* an empty _quarantine: sluice's fixed quarantine columns */
        t->ncols = sl_quarantine_ncols();
        t->cols = pool_keep(lake, malloc(t->ncols * sizeof *t->cols));
        if (!t->cols) {
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            goto out;
        }
        memcpy(t->cols, sl_quarantine_columns(), t->ncols * sizeof *t->cols);
    }
    /* a partition key that is also a file column is read from the file */
    size_t kept = 0;
    for (size_t k = 0; k < t->npart; k++) {
        size_t dummy;
        if (sl_sql_table_col(t, t->part_keys[k], &dummy) == 0)
            continue;
        t->part_keys[kept] = t->part_keys[k];
        t->part_ndistinct[kept] = t->part_ndistinct[k];
        for (size_t f = 0; f < t->nfiles; f++)
            t->files[f].parts[kept] = t->files[f].parts[k];
        kept++;
    }
    t->npart = kept;
    lake->ntables++;
out:
    free(tb.keys);
    free(tb.files);
    sl_buf_free(&path);
    return e;
}

static int cmp_table(const void *a, const void *b)
{
    return strcmp(((const sl_sql_table *)a)->name, ((const sl_sql_table *)b)->name);
}

/* Discovers every table under the store root (sorted by name). */
static sl_err discover(sl_sql_lake *lake, char *errstr, size_t errstr_size)
{
    entries es;
    sl_err e = list_into(lake->store, "", &es, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    int have_quarantine = 0;
    for (size_t i = 0; i < es.n && e == SL_OK; i++) {
        const char *name = es.v[i].name;
        if (!es.v[i].info.is_dir || name[0] == '.' || !sl_lake_table_valid(name))
            continue;
        if (name[0] == '_' && strcmp(name, SL_LAKE_QUARANTINE) != 0)
            continue; /* _sluice and other bookkeeping */
        if (strcmp(name, SL_LAKE_QUARANTINE) == 0)
            have_quarantine = 1;
        e = build_table(lake, name, errstr, errstr_size);
    }
    entries_free(&es);
    if (e == SL_OK && !have_quarantine) {
        /* no _quarantine folder: the table exists, empty, with the fixed columns */
        if (lake->ntables == lake->cap) {
            size_t nc = lake->cap ? lake->cap * 2 : 8;
            sl_sql_table *q = realloc(lake->tables, nc * sizeof *q);
            if (!q)
                return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            lake->tables = q;
            lake->cap = nc;
        }
        sl_sql_table *t = &lake->tables[lake->ntables];
        memset(t, 0, sizeof *t);
        t->name = pool_strndup(lake, SL_LAKE_QUARANTINE, strlen(SL_LAKE_QUARANTINE));
        t->ncols = sl_quarantine_ncols();
        t->cols = pool_keep(lake, malloc(t->ncols * sizeof *t->cols));
        t->npart = 1;
        t->part_keys = pool_keep(lake, malloc(sizeof *t->part_keys));
        t->part_ndistinct = pool_keep(lake, malloc(sizeof *t->part_ndistinct));
        char *dt = pool_strndup(lake, "dt", 2);
        if (!t->name || !t->cols || !t->part_keys || !t->part_ndistinct || !dt)
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        memcpy(t->cols, sl_quarantine_columns(), t->ncols * sizeof *t->cols);
        t->part_keys[0] = dt;
        t->part_ndistinct[0] = 1;
        lake->ntables++;
    }
    if (e == SL_OK && lake->ntables > 1)
        qsort(lake->tables, lake->ntables, sizeof *lake->tables, cmp_table);
    return e;
}

/* Checks that a local lake exists (the local store would create it). */
static sl_err check_local_exists(const char *uri, char *errstr, size_t errstr_size)
{
    if (strncmp(uri, "webhdfs://", 10) == 0 || strncmp(uri, "swebhdfs://", 11) == 0)
        return SL_OK;
    const char *path = uri;
    if (strncmp(uri, "file://", 7) == 0)
        path = uri + 7;
    if (strstr(uri, "://") && path == uri)
        return SL_OK; /* an unknown scheme: sl_store_open says so */
    struct stat st;
    if (stat(path, &st) != 0)
        return sl_errf(SL_ERR_NOTFOUND, errstr, errstr_size, "lake '%s': no such folder", uri);
    if (!S_ISDIR(st.st_mode))
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "lake '%s' is not a folder", uri);
    return SL_OK;
}

sl_sql_lake *sl_sql_lake_open_store(sl_store *store, char *errstr, size_t errstr_size)
{
    sl_sql_lake *lake = calloc(1, sizeof *lake);
    if (!lake) {
        sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    lake->store = store;
    sl_store_info st;
    char msg[512];
    sl_err e = sl_store_stat(store, "", &st, msg, sizeof msg);
    if (e == SL_ERR_NOTFOUND || (e == SL_OK && !st.is_dir)) {
        sl_errf(SL_ERR_NOTFOUND, errstr, errstr_size, "the lake's root folder does not exist%s%s",
                e == SL_OK ? "" : ": ", e == SL_OK ? "" : msg);
        goto err;
    }
    if (e != SL_OK) {
        sl_errf(e, errstr, errstr_size, "lake: %s", msg);
        goto err;
    }
    if (discover(lake, errstr, errstr_size) != SL_OK)
        goto err;
    return lake;
err:
    sl_sql_lake_destroy(lake);
    return NULL;
}

sl_sql_lake *sl_sql_lake_open(const char *uri, const sl_store_opts *opts, char *errstr,
                              size_t errstr_size)
{
    if (!uri || !*uri) {
        sl_errf(SL_ERR_INVALID, errstr, errstr_size, "lake location is empty");
        return NULL;
    }
    if (check_local_exists(uri, errstr, errstr_size) != SL_OK)
        return NULL;
    sl_store_opts o;
    memset(&o, 0, sizeof o);
    if (opts)
        o = *opts;
    o.existing_only = 1; /* a reader never creates the lake */
    char msg[512];
    sl_store *s = sl_store_open(uri, &o, msg, sizeof msg);
    if (!s) {
        sl_errf(SL_ERR_NOTFOUND, errstr, errstr_size, "lake '%s': %s", uri, msg);
        return NULL;
    }
    sl_sql_lake *lake = sl_sql_lake_open_store(s, msg, sizeof msg);
    if (!lake) {
        sl_errf(SL_ERR_INVALID, errstr, errstr_size, "lake '%s': %s", uri, msg);
        sl_store_close(s);
        return NULL;
    }
    lake->own_store = 1;
    return lake;
}

void sl_sql_lake_destroy(sl_sql_lake *lake)
{
    if (!lake)
        return;
    for (size_t i = 0; i < lake->npool; i++)
        free(lake->pool[i]);
    free(lake->pool);
    free(lake->tables);
    if (lake->own_store)
        sl_store_close(lake->store);
    free(lake);
}

sl_store *sl_sql_lake_store(const sl_sql_lake *lake) { return lake->store; }
size_t sl_sql_lake_ntables(const sl_sql_lake *lake) { return lake->ntables; }

const sl_sql_table *sl_sql_lake_table(const sl_sql_lake *lake, size_t i)
{
    return i < lake->ntables ? &lake->tables[i] : NULL;
}

const sl_sql_table *sl_sql_lake_find(const sl_sql_lake *lake, const char *name)
{
    for (size_t i = 0; i < lake->ntables; i++)
        if (strcmp(lake->tables[i].name, name) == 0)
            return &lake->tables[i];
    return NULL;
}

int sl_sql_table_col(const sl_sql_table *t, const char *name, size_t *idx)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0) {
            *idx = i;
            return 0;
        }
    return -1;
}

int sl_sql_table_part(const sl_sql_table *t, const char *name, size_t *idx)
{
    for (size_t i = 0; i < t->npart; i++)
        if (strcmp(t->part_keys[i], name) == 0) {
            *idx = i;
            return 0;
        }
    return -1;
}

/* ------------------------------------------------------------------ scan */

typedef struct colst {
    size_t tcol;          /* index in the table's columns */
    sl_pq_cursor *cur;    /* NULL when the current file lacks the column */
    const sl_value *vals; /* current page */
    size_t n, pos;
} colst;

struct sl_sql_scan {
    sl_sql_lake *lake;
    const sl_sql_table *t;
    size_t ncols;
    colst *cs;
    sl_sql_keep_file_fn keep_file;
    sl_sql_keep_rg_fn keep_rg;
    void *ctx;
    /* position */
    size_t next_file;
    int have_file;
    size_t file;
    sl_in in;
    int in_open;
    sl_pq_reader *r;
    long *fmap;           /* table column -> file column, -1 when absent */
    size_t rg_next;       /* next row group to consider in the current file */
    int64_t rg_left;      /* rows left in the current row group */
    size_t last_k;        /* rows of the batch handed out last */
    sl_value *nulls;      /* SL_SQL_BATCH_MAX null cells, made on first need */
};

sl_sql_scan *sl_sql_scan_new(sl_sql_lake *lake, const sl_sql_table *t, const size_t *cols,
                             size_t ncols, char *errstr, size_t errstr_size)
{
    sl_sql_scan *s = calloc(1, sizeof *s);
    if (!s)
        goto nomem;
    s->lake = lake;
    s->t = t;
    s->ncols = ncols;
    s->cs = calloc(ncols ? ncols : 1, sizeof *s->cs);
    s->fmap = calloc(t->ncols ? t->ncols : 1, sizeof *s->fmap);
    if (!s->cs || !s->fmap)
        goto nomem;
    for (size_t i = 0; i < ncols; i++) {
        if (cols[i] >= t->ncols) {
            sl_errf(SL_ERR_INVALID, errstr, errstr_size, "table '%s': column %zu out of range",
                    t->name, cols[i]);
            sl_sql_scan_destroy(s);
            return NULL;
        }
        s->cs[i].tcol = cols[i];
    }
    return s;
nomem:
    sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    sl_sql_scan_destroy(s);
    return NULL;
}

void sl_sql_scan_set_filter(sl_sql_scan *s, sl_sql_keep_file_fn keep_file, sl_sql_keep_rg_fn keep_rg,
                            void *ctx)
{
    s->keep_file = keep_file;
    s->keep_rg = keep_rg;
    s->ctx = ctx;
}

static void close_file(sl_sql_scan *s)
{
    for (size_t i = 0; i < s->ncols; i++) {
        sl_pq_cursor_destroy(s->cs[i].cur);
        s->cs[i].cur = NULL;
        s->cs[i].vals = NULL;
        s->cs[i].n = s->cs[i].pos = 0;
    }
    sl_pq_reader_destroy(s->r);
    s->r = NULL;
    if (s->in_open)
        sl_store_in_close(&s->in);
    s->in_open = 0;
    s->have_file = 0;
    s->rg_left = 0;
    s->last_k = 0;
}

void sl_sql_scan_rewind(sl_sql_scan *s)
{
    close_file(s);
    s->next_file = 0;
}

void sl_sql_scan_destroy(sl_sql_scan *s)
{
    if (!s)
        return;
    if (s->cs)
        close_file(s);
    free(s->cs);
    free(s->fmap);
    free(s->nulls);
    free(s);
}

/* 0 integers, 1 double, 2 bytes, 3 timestamp, 4 date: types of one class read the
 * same sl_value member and convert to the same SQL type. */
static int type_class(sl_type t)
{
    switch (t) {
    case SL_T_BOOL:
    case SL_T_INT32:
    case SL_T_INT64:
        return 0;
    case SL_T_DOUBLE:
        return 1;
    case SL_T_STRING:
    case SL_T_BINARY:
        return 2;
    case SL_T_TIMESTAMP:
        return 3;
    case SL_T_DATE:
        return 4;
    }
    return -1;
}

/* Opens file f: reader, column map, cursors. */
static sl_err open_file(sl_sql_scan *s, size_t f, char *errstr, size_t errstr_size)
{
    const sl_sql_file *file = &s->t->files[f];
    char msg[512];
    sl_err e = sl_store_open_in(s->lake->store, file->path, &s->in, msg, sizeof msg);
    if (e != SL_OK)
        return sl_errf(e, errstr, errstr_size, "lake file '%s': %s", file->path, msg);
    s->in_open = 1;
    s->have_file = 1;
    s->file = f;
    s->rg_next = 0;
    s->rg_left = 0;
    s->last_k = 0;
    s->r = sl_pq_reader_open(&s->in, msg, sizeof msg);
    if (!s->r)
        return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size, "lake file '%s': %s", file->path, msg);
    for (size_t c = 0; c < s->t->ncols; c++) {
        size_t idx;
        s->fmap[c] = -1;
        if (sl_pq_reader_find_column(s->r, s->t->cols[c].name, &idx) != 0)
            continue;
        sl_type ft = sl_pq_reader_column(s->r, idx)->type, tt = s->t->cols[c].type;
        if (type_class(ft) != type_class(tt))
            return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                           "lake file '%s': column '%s' is %s but table '%s' has it as %s",
                           file->path, s->t->cols[c].name, sl_type_name(ft), s->t->name,
                           sl_type_name(tt));
        s->fmap[c] = (long)idx;
    }
    for (size_t i = 0; i < s->ncols; i++) {
        long fc = s->fmap[s->cs[i].tcol];
        if (fc < 0) {
            if (!s->nulls) {
                s->nulls = calloc(SL_SQL_BATCH_MAX, sizeof *s->nulls);
                if (!s->nulls)
                    return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
                for (size_t k = 0; k < SL_SQL_BATCH_MAX; k++)
                    s->nulls[k].is_null = 1;
            }
            continue;
        }
        s->cs[i].cur = sl_pq_cursor_new(s->r, (size_t)fc);
        if (!s->cs[i].cur)
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    }
    return SL_OK;
}

/* Moves to the next row group of the current file that the filter keeps and starts
 * the cursors there. *found is 0 when the file has no more. */
static sl_err next_row_group(sl_sql_scan *s, int *found, char *errstr, size_t errstr_size)
{
    *found = 0;
    size_t nrg = sl_pq_reader_nrow_groups(s->r);
    while (s->rg_next < nrg) {
        size_t rg = s->rg_next++;
        int64_t rows = sl_pq_reader_row_group_rows(s->r, rg);
        if (rows <= 0)
            continue;
        if (s->keep_rg && !s->keep_rg(s->ctx, s, rg))
            continue;
        for (size_t i = 0; i < s->ncols; i++) {
            colst *c = &s->cs[i];
            c->n = c->pos = 0;
            c->vals = NULL;
            if (!c->cur)
                continue;
            char msg[512];
            sl_err e = sl_pq_cursor_start(c->cur, rg, msg, sizeof msg);
            if (e != SL_OK)
                return sl_errf(e, errstr, errstr_size, "lake file '%s': %s",
                               s->t->files[s->file].path, msg);
        }
        s->rg_left = rows;
        *found = 1;
        return SL_OK;
    }
    return SL_OK;
}

sl_err sl_sql_scan_next(sl_sql_scan *s, size_t *n, char *errstr, size_t errstr_size)
{
    *n = 0;
    /* consume the previous batch */
    if (s->last_k) {
        for (size_t i = 0; i < s->ncols; i++)
            if (s->cs[i].cur)
                s->cs[i].pos += s->last_k;
        s->rg_left -= (int64_t)s->last_k;
        s->last_k = 0;
    }
    for (;;) {
        if (!s->have_file) {
            if (s->next_file >= s->t->nfiles)
                return SL_OK;
            size_t f = s->next_file++;
            if (s->keep_file && !s->keep_file(s->ctx, s->t, f))
                continue;
            sl_err e = open_file(s, f, errstr, errstr_size);
            if (e != SL_OK) {
                close_file(s);
                return e;
            }
        }
        if (s->rg_left == 0) {
            int found;
            sl_err e = next_row_group(s, &found, errstr, errstr_size);
            if (e != SL_OK) {
                close_file(s);
                return e;
            }
            if (!found) {
                close_file(s);
                continue;
            }
        }
        size_t k = s->rg_left < SL_SQL_BATCH_MAX ? (size_t)s->rg_left : SL_SQL_BATCH_MAX;
        for (size_t i = 0; i < s->ncols; i++) {
            colst *c = &s->cs[i];
            if (!c->cur)
                continue;
            if (c->pos >= c->n) {
                char msg[512];
                sl_err e = sl_pq_cursor_next(c->cur, &c->vals, &c->n, msg, sizeof msg);
                c->pos = 0;
                if (e == SL_OK && c->n == 0)
                    e = sl_errf(SL_ERR_CORRUPT, msg, sizeof msg,
                                "column '%s' row group %zu: fewer values than the row group's rows",
                                s->t->cols[c->tcol].name, s->rg_next - 1);
                if (e != SL_OK) {
                    sl_errf(e, errstr, errstr_size, "lake file '%s': %s", s->t->files[s->file].path,
                            msg);
                    close_file(s);
                    return e;
                }
            }
            if (c->n - c->pos < k)
                k = c->n - c->pos;
        }
        s->last_k = k;
        *n = k;
        return SL_OK;
    }
}

const sl_value *sl_sql_scan_values(const sl_sql_scan *s, size_t i)
{
    const colst *c = &s->cs[i];
    return c->cur ? c->vals + c->pos : s->nulls;
}

size_t sl_sql_scan_file(const sl_sql_scan *s) { return s->file; }

int64_t sl_sql_scan_rg_rows(const sl_sql_scan *s, size_t rg)
{
    return s->r ? sl_pq_reader_row_group_rows(s->r, rg) : 0;
}

int sl_sql_scan_chunk_info(sl_sql_scan *s, size_t rg, size_t col, sl_pq_chunk_info *info)
{
    if (!s->r || col >= s->t->ncols)
        return -1;
    if (s->fmap[col] < 0)
        return 0;
    char msg[256];
    if (sl_pq_reader_chunk_info(s->r, rg, (size_t)s->fmap[col], info, msg, sizeof msg) != SL_OK)
        return -1;
    return 1;
}
