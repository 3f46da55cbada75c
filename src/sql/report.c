/*
 * report.c: `sluice report` (report.h): one streaming pass over `assessments`, one
 * over the most common exam's rows of `questions`, one over `_quarantine`, and the
 * commit manifests; then the page is rendered as text, JSON or HTML into memory and
 * written at once.
 */
#include "sql/report.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lake/lake.h"
#include "sql/scan.h"
#include "sql/util.h"

#define TOP_N 5
#define LEARNING_GIT "Learning Git"
#define SCORE_BUCKETS 10

int sl_report_format_parse(const char *name, sl_report_format *out)
{
    if (strcmp(name, "text") == 0)
        *out = SL_REPORT_TEXT;
    else if (strcmp(name, "json") == 0)
        *out = SL_REPORT_JSON;
    else if (strcmp(name, "html") == 0)
        *out = SL_REPORT_HTML;
    else
        return -1;
    return 0;
}

/* ------------------------------------------------------------------ string map */

/* A hash map from byte strings to dense entry indices (0, 1, ...), with the keys
 * kept in an arena. Callers keep per-entry counters in their own arrays. */
typedef struct sm_entry {
    uint64_t h;
    uint64_t off;
    uint32_t len;
} sm_entry;

typedef struct smap {
    sm_entry *e;
    size_t n, cap;
    uint32_t *slots; /* entry + 1, 0 when free */
    size_t mask;
    sl_buf arena;
} smap;

static void smap_free(smap *m)
{
    free(m->e);
    free(m->slots);
    sl_buf_free(&m->arena);
    memset(m, 0, sizeof *m);
}

static const char *smap_key(const smap *m, size_t i)
{
    return m->e[i].len ? (const char *)m->arena.data + m->e[i].off : "";
}

/* Replaces the slot table by one of ns slots (a power of two) holding every
 * entry. SL_OK or SL_ERR_NOMEM (the map unchanged). */
static sl_err smap_rehash(smap *m, size_t ns)
{
    uint32_t *s = calloc(ns, sizeof *s);
    if (!s)
        return SL_ERR_NOMEM;
    for (size_t i = 0; i < m->n; i++) {
        size_t j = (size_t)m->e[i].h & (ns - 1);
        while (s[j])
            j = (j + 1) & (ns - 1);
        s[j] = (uint32_t)(i + 1);
    }
    free(m->slots);
    m->slots = s;
    m->mask = ns - 1;
    return SL_OK;
}

static sl_err smap_grow(smap *m) { return smap_rehash(m, m->slots ? (m->mask + 1) * 2 : 64); }

/* Makes room for about n keys of `avg_len` bytes at once (a hint: growing by
 * doubling copies, and the freed blocks inflate the peak RSS). SL_OK or SL_ERR_NOMEM. */
static sl_err smap_reserve(smap *m, size_t n, size_t avg_len)
{
    if (n <= m->cap)
        return SL_OK;
    sm_entry *q = realloc(m->e, n * sizeof *q);
    if (!q)
        return SL_ERR_NOMEM;
    m->e = q;
    m->cap = n;
    if (sl_buf_reserve(&m->arena, n * avg_len) != SL_OK)
        return SL_ERR_NOMEM;
    size_t ns = 64;
    while (ns < n * 2 + 2)
        ns *= 2;
    if (!m->slots || ns > m->mask + 1)
        return smap_rehash(m, ns);
    return SL_OK;
}

/* Finds key p[0..len): 1 and *idx when present, else 0. */
static int smap_find(const smap *m, const void *p, size_t len, size_t *idx)
{
    if (!m->slots)
        return 0;
    uint64_t h = sl_sql_hash(p, len, 0x5eed);
    for (size_t j = (size_t)h & m->mask; m->slots[j]; j = (j + 1) & m->mask) {
        const sm_entry *e = &m->e[m->slots[j] - 1];
        if (e->h == h && e->len == len && (len == 0 || memcmp(m->arena.data + e->off, p, len) == 0)) {
            *idx = m->slots[j] - 1;
            return 1;
        }
    }
    return 0;
}

/* Finds key p[0..len), inserting it when absent; *idx is its entry, *added 1 when new. */
static sl_err smap_get(smap *m, const void *p, size_t len, size_t *idx, int *added)
{
    if (!m->slots || (m->n + 1) * 2 > m->mask + 1)
        if (smap_grow(m) != SL_OK)
            return SL_ERR_NOMEM;
    uint64_t h = sl_sql_hash(p, len, 0x5eed);
    size_t j = (size_t)h & m->mask;
    while (m->slots[j]) {
        const sm_entry *e = &m->e[m->slots[j] - 1];
        if (e->h == h && e->len == len && (len == 0 || memcmp(m->arena.data + e->off, p, len) == 0)) {
            *idx = m->slots[j] - 1;
            if (added)
                *added = 0;
            return SL_OK;
        }
        j = (j + 1) & m->mask;
    }
    sm_entry *q = sl_array_grow(m->e, &m->cap, m->n + 1, sizeof *q, 64);
    if (!q)
        return SL_ERR_NOMEM;
    m->e = q;
    if (len > UINT32_MAX || m->n >= UINT32_MAX - 1)
        return SL_ERR_LIMIT;
    m->e[m->n].h = h;
    m->e[m->n].off = m->arena.len;
    m->e[m->n].len = (uint32_t)len;
    if (len && sl_buf_append(&m->arena, p, len) != SL_OK)
        return SL_ERR_NOMEM;
    m->slots[j] = (uint32_t)(m->n + 1);
    *idx = m->n++;
    if (added)
        *added = 1;
    return SL_OK;
}

/* A growable array of int64 counters indexed like a map's entries. */
typedef struct counts {
    int64_t *v;
    size_t n;
} counts;

static sl_err counts_fit(counts *c, size_t n, int64_t init)
{
    if (n <= c->n)
        return SL_OK;
    size_t nc = c->n ? c->n : 64;
    while (nc < n)
        nc *= 2;
    int64_t *q = realloc(c->v, nc * sizeof *q);
    if (!q)
        return SL_ERR_NOMEM;
    for (size_t i = c->n; i < nc; i++)
        q[i] = init;
    c->v = q;
    c->n = nc;
    return SL_OK;
}

/* ------------------------------------------------------------------ figures */

/* One row of a ranked list: a key (NULL for SQL NULL) and numbers. */
typedef struct item {
    const char *key;
    size_t keylen;
    int64_t n;       /* attempts / messages / answered */
    int64_t n2;      /* correct (questions) */
} item;

typedef struct figures {
    const char *lake;
    const char *tenant;
    /* pipeline (manifests) */
    int have_pipeline;
    uint64_t commits, messages, duplicates, quarantined, extra_keys;
    smap table_rows_names;
    counts table_rows;
    /* assessments */
    int64_t attempts, distinct_attempts, exams, exam_names, learning_git;
    int64_t scored, over70, timed;
    double score_sum, duration_sum;
    int64_t buckets[SCORE_BUCKETS];
    item *top, *least;
    size_t ntop, nleast;
    item *days;
    size_t ndays;
    /* most common exam */
    int have_top_exam;
    char *top_exam_id, *top_exam_name; /* name NULL when unknown */
    int64_t top_exam_attempts;
    item *questions;
    size_t nquestions;
    /* quarantine */
    int have_quarantine;
    int64_t quarantine_rows;
    item *reasons;
    size_t nreasons;
    /* the maps the items' keys point into (not changed once the items exist) */
    smap names_m, days_m, questions_m, reasons_m;
} figures;

static void figures_free(figures *f)
{
    smap_free(&f->table_rows_names);
    free(f->table_rows.v);
    free(f->top);
    free(f->least);
    free(f->days);
    free(f->top_exam_id);
    free(f->top_exam_name);
    free(f->questions);
    free(f->reasons);
    smap_free(&f->names_m);
    smap_free(&f->days_m);
    smap_free(&f->questions_m);
    smap_free(&f->reasons_m);
}

/* Orders: NULL keys after every string; strings by bytes. */
static int key_cmp(const item *a, const item *b)
{
    if (!a->key || !b->key)
        return (a->key == NULL) - (b->key == NULL);
    size_t n = a->keylen < b->keylen ? a->keylen : b->keylen;
    int c = n ? memcmp(a->key, b->key, n) : 0;
    if (c)
        return c;
    return a->keylen < b->keylen ? -1 : a->keylen > b->keylen;
}

static int by_count_desc(const void *x, const void *y)
{
    const item *a = x, *b = y;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return key_cmp(a, b);
}

static int by_count_asc(const void *x, const void *y)
{
    const item *a = x, *b = y;
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    return key_cmp(a, b);
}

static int by_key(const void *x, const void *y) { return key_cmp(x, y); }

/* qsort of items (qsort's pointer must not be NULL, even for no items). */
static void sort_items(item *v, size_t n, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(v, n, sizeof *v, cmp);
}

/* ------------------------------------------------------------------ manifests */

typedef struct mctx {
    figures *f;
    sl_err e;
} mctx;

static int manifest_cb(void *ctx, const char *path, const sl_lake_manifest *m)
{
    (void)path;
    mctx *c = ctx;
    figures *f = c->f;
    f->commits++;
    f->messages += m->messages;
    f->duplicates += m->duplicates;
    f->quarantined += m->quarantined;
    f->extra_keys += m->extra_keys;
    for (size_t i = 0; i < m->ntables; i++) {
        size_t idx;
        c->e = smap_get(&f->table_rows_names, m->tables[i].table, strlen(m->tables[i].table), &idx, NULL);
        if (c->e == SL_OK)
            c->e = counts_fit(&f->table_rows, idx + 1, 0);
        if (c->e != SL_OK)
            return 1;
        f->table_rows.v[idx] += (int64_t)m->tables[i].rows;
    }
    return 0;
}

/* ------------------------------------------------------------------ scans */

typedef struct tenant_filter {
    const char *tenant;
    size_t key;       /* partition key index of "tenant" */
    /* questions: skip row groups without the top exam */
    size_t exam_col;
    const char *exam;
    size_t exam_len;
} tenant_filter;

static int keep_tenant(void *ctx, const sl_sql_table *t, size_t file)
{
    const tenant_filter *tf = ctx;
    if (!tf->tenant)
        return 1;
    const char *v = t->files[file].parts[tf->key];
    return v && strcmp(v, tf->tenant) == 0;
}

/* Keeps a questions row group only when its base_exam_id range holds the top exam. */
static int keep_exam_rg(void *ctx, sl_sql_scan *s, size_t rg)
{
    const tenant_filter *tf = ctx;
    sl_pq_chunk_info info;
    int got = sl_sql_scan_chunk_info(s, rg, tf->exam_col, &info);
    if (got == 0)
        return 0; /* the column is absent: every row is NULL */
    if (got < 0 || !info.stats.has_min_max)
        return 1;
    const sl_value *mn = &info.stats.min, *mx = &info.stats.max;
    item x = { tf->exam, tf->exam_len, 0, 0 };
    item lo = { mn->u.s.p ? mn->u.s.p : "", mn->u.s.n, 0, 0 };
    item hi = { mx->u.s.p ? mx->u.s.p : "", mx->u.s.n, 0, 0 };
    return key_cmp(&lo, &x) <= 0 && key_cmp(&x, &hi) <= 0;
}

/* Finds the columns `names` in t (all must exist, with the given types' class). */
static sl_err need_columns(const sl_sql_table *t, const char *const *names, const sl_type *types,
                           size_t n, size_t *idx, char *errstr, size_t errstr_size)
{
    for (size_t i = 0; i < n; i++) {
        if (sl_sql_table_col(t, names[i], &idx[i]) != 0)
            return sl_errf(SL_ERR_NOTFOUND, errstr, errstr_size,
                           "table '%s' has no column '%s' (the report needs the tables of the "
                           "built-in assessments mapping)", t->name, names[i]);
        sl_type got = t->cols[idx[i]].type;
        int ok = got == types[i] || (types[i] == SL_T_INT32 && got == SL_T_INT64) ||
                 (types[i] == SL_T_STRING && got == SL_T_BINARY);
        if (!ok)
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "table '%s': column '%s' is %s, expected %s",
                           t->name, names[i], sl_type_name(got), sl_type_name(types[i]));
    }
    return SL_OK;
}

/* Key bytes of an (exam id, exam name) pair, either possibly NULL. */
static sl_err pair_key(sl_buf *b, const sl_value *id, const sl_value *name)
{
    b->len = 0;
    uint8_t flags = (uint8_t)((id->is_null ? 1 : 0) | (name->is_null ? 2 : 0));
    uint32_t idn = id->is_null ? 0 : id->u.s.n;
    if (sl_buf_append(b, &flags, 1) != SL_OK || sl_buf_append(b, &idn, 4) != SL_OK)
        return SL_ERR_NOMEM;
    if (idn && sl_buf_append(b, id->u.s.p, idn) != SL_OK)
        return SL_ERR_NOMEM;
    if (!name->is_null && name->u.s.n && sl_buf_append(b, name->u.s.p, name->u.s.n) != SL_OK)
        return SL_ERR_NOMEM;
    return SL_OK;
}

/* Splits a pair key back. */
static void pair_split(const char *k, size_t len, const char **id, size_t *idn, const char **name,
                       size_t *namen)
{
    uint8_t flags = (uint8_t)k[0];
    uint32_t n;
    memcpy(&n, k + 1, 4);
    *id = (flags & 1) ? NULL : k + 5;
    *idn = n;
    *name = (flags & 2) ? NULL : k + 5 + n;
    *namen = len - 5 - n;
}

/* Appends an item to a growing array. key (NULL for SQL NULL) is borrowed: it must
 * live as long as the figures (a map arena that no longer changes). */
static sl_err items_push(item **v, size_t *n, size_t *cap, const char *key, size_t keylen, int64_t cnt,
                         int64_t cnt2)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 32;
        item *q = realloc(*v, nc * sizeof *q);
        if (!q)
            return SL_ERR_NOMEM;
        *v = q;
        *cap = nc;
    }
    (*v)[(*n)++] = (item){ key, key ? keylen : 0, cnt, cnt2 };
    return SL_OK;
}

/* Compares two possibly-NULL byte strings like key_cmp. */
static int bytes_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    item x = { a, an, 0, 0 }, y = { b, bn, 0, 0 };
    return key_cmp(&x, &y);
}

typedef struct scan_state {
    figures *f;
    sl_sql_lake *lake;
    tenant_filter tf;
    char *errstr;
    size_t errstr_size;
} scan_state;

/* From the attempts per (exam id, exam name) pair: the distinct exams and names,
 * Learning Git, the most and least common names, and the most common exam id with
 * its (smallest) name. */
static sl_err rank_exams(figures *f, const smap *pairs, const counts *pair_n)
{
    smap ids_m = { 0 };
    counts name_n = { 0 }, id_n = { 0 }, id_name = { 0 };
    int64_t null_name_n = 0;
    int have_null_name = 0;
    item *all = NULL;
    size_t nall = 0, cap = 0, best = SIZE_MAX;
    sl_err e = SL_OK;
    for (size_t p = 0; p < pairs->n && e == SL_OK; p++) {
        const char *id, *name;
        size_t idn, namen, ni, ii;
        pair_split(smap_key(pairs, p), pairs->e[p].len, &id, &idn, &name, &namen);
        if (name) {
            e = smap_get(&f->names_m, name, namen, &ni, NULL);
            if (e == SL_OK)
                e = counts_fit(&name_n, f->names_m.n, 0);
            if (e == SL_OK)
                name_n.v[ni] += pair_n->v[p];
        } else {
            have_null_name = 1;
            null_name_n += pair_n->v[p];
        }
        if (!id || e != SL_OK)
            continue;
        e = smap_get(&ids_m, id, idn, &ii, NULL);
        if (e == SL_OK)
            e = counts_fit(&id_n, ids_m.n, 0);
        if (e == SL_OK)
            e = counts_fit(&id_name, ids_m.n, -1);
        if (e != SL_OK)
            break;
        id_n.v[ii] += pair_n->v[p];
        if (name) { /* the exam's name: the smallest of its names */
            int64_t cur = id_name.v[ii];
            const char *cid, *cn = NULL;
            size_t cidn, cnn = 0;
            if (cur >= 0)
                pair_split(smap_key(pairs, (size_t)cur), pairs->e[cur].len, &cid, &cidn, &cn, &cnn);
            if (cur < 0 || bytes_cmp(name, namen, cn, cnn) < 0)
                id_name.v[ii] = (int64_t)p;
        }
    }
    /* the names are all in f->names_m now: its keys stay where they are */
    for (size_t i = 0; i < f->names_m.n && e == SL_OK; i++)
        e = items_push(&all, &nall, &cap, smap_key(&f->names_m, i), f->names_m.e[i].len, name_n.v[i], 0);
    if (e == SL_OK && have_null_name)
        e = items_push(&all, &nall, &cap, NULL, 0, null_name_n, 0);
    if (e == SL_OK) {
        f->exams = (int64_t)ids_m.n;
        f->exam_names = (int64_t)f->names_m.n;
        size_t lg;
        if (smap_find(&f->names_m, LEARNING_GIT, strlen(LEARNING_GIT), &lg))
            f->learning_git = name_n.v[lg];
        size_t k = nall < TOP_N ? nall : TOP_N, cap_top = 0, cap_least = 0;
        sort_items(all, nall, by_count_desc);
        for (size_t i = 0; i < k && e == SL_OK; i++)
            e = items_push(&f->top, &f->ntop, &cap_top, all[i].key, all[i].keylen, all[i].n, 0);
        sort_items(all, nall, by_count_asc);
        for (size_t i = 0; i < k && e == SL_OK; i++)
            e = items_push(&f->least, &f->nleast, &cap_least, all[i].key, all[i].keylen, all[i].n, 0);
    }
    /* the most common exam id (ties: the smallest id) */
    for (size_t i = 0; i < ids_m.n && e == SL_OK; i++)
        if (best == SIZE_MAX || id_n.v[i] > id_n.v[best] ||
            (id_n.v[i] == id_n.v[best] &&
             bytes_cmp(smap_key(&ids_m, i), ids_m.e[i].len, smap_key(&ids_m, best), ids_m.e[best].len) < 0))
            best = i;
    if (e == SL_OK && best != SIZE_MAX) {
        f->have_top_exam = 1;
        f->top_exam_attempts = id_n.v[best];
        f->top_exam_id = strndup(smap_key(&ids_m, best), ids_m.e[best].len);
        if (!f->top_exam_id)
            e = SL_ERR_NOMEM;
        if (e == SL_OK && id_name.v[best] >= 0) {
            const char *cid, *cn;
            size_t cidn, cnn, p = (size_t)id_name.v[best];
            pair_split(smap_key(pairs, p), pairs->e[p].len, &cid, &cidn, &cn, &cnn);
            f->top_exam_name = strndup(cn, cnn);
            if (!f->top_exam_name)
                e = SL_ERR_NOMEM;
        }
    }
    smap_free(&ids_m);
    free(name_n.v);
    free(id_n.v);
    free(id_name.v);
    free(all);
    return e;
}

/* One pass over assessments: every per-attempt figure, attempts per day (from the dt
 * folders: no value decoded), and the (exam id, name) pairs for rank_exams. */
static sl_err scan_assessments(scan_state *st, const sl_sql_table *t)
{
    figures *f = st->f;
    static const char *const names[] = { "keen_id", "base_exam_id", "exam_name", "score", "duration_s" };
    static const sl_type types[] = { SL_T_STRING, SL_T_STRING, SL_T_STRING, SL_T_DOUBLE, SL_T_DOUBLE };
    size_t cols[5];
    sl_err e = need_columns(t, names, types, 5, cols, st->errstr, st->errstr_size);
    if (e != SL_OK)
        return e;
    size_t dtk = 0;
    int have_dt = sl_sql_table_part(t, "dt", &dtk) == 0;

    smap ids = { 0 }, pairs = { 0 };
    counts pair_n = { 0 }, day_n = { 0 }, file_day = { 0 };
    sl_buf key = { 0 };
    int64_t null_day = 0;
    size_t dcap = 0;
    sl_sql_scan *s = NULL;

    /* the day of every file: an entry of f->days_m, or -1 for NULL */
    e = counts_fit(&file_day, t->nfiles + 1, -1);
    for (size_t i = 0; i < t->nfiles && e == SL_OK && have_dt; i++) {
        const char *d = t->files[i].parts[dtk];
        size_t idx;
        if (!d)
            continue;
        e = smap_get(&f->days_m, d, strlen(d), &idx, NULL);
        file_day.v[i] = (int64_t)idx;
    }
    if (e == SL_OK)
        e = counts_fit(&day_n, f->days_m.n + 1, 0);
    if (e != SL_OK)
        goto nomem;

    /* one key per attempt: sized from the table's row estimate (24-byte keen_ids) */
    if (t->est_rows > 0 && t->est_rows < 1e9)
        (void)smap_reserve(&ids, (size_t)(t->est_rows * 1.05) + 64, 24); /* a hint: failure is fine */
    s = sl_sql_scan_new(st->lake, t, cols, 5, st->errstr, st->errstr_size);
    if (!s) {
        e = SL_ERR_NOMEM;
        goto out;
    }
    sl_sql_scan_set_filter(s, keep_tenant, NULL, &st->tf);
    for (;;) {
        size_t n;
        e = sl_sql_scan_next(s, &n, st->errstr, st->errstr_size);
        if (e != SL_OK)
            goto out;
        if (n == 0)
            break;
        const sl_value *kid = sl_sql_scan_values(s, 0), *bid = sl_sql_scan_values(s, 1),
                       *nm = sl_sql_scan_values(s, 2), *sc = sl_sql_scan_values(s, 3),
                       *du = sl_sql_scan_values(s, 4);
        int64_t day = have_dt ? file_day.v[sl_sql_scan_file(s)] : -1;
        if (day >= 0)
            day_n.v[day] += (int64_t)n;
        else
            null_day += (int64_t)n;
        f->attempts += (int64_t)n;
        /* the (id, name) pair cache is valid within a batch only (see scan.h) */
        const char *c_id = NULL, *c_nm = NULL;
        uint32_t c_idn = 0, c_nmn = 0;
        int c_idnull = -1, c_nmnull = -1;
        size_t c_pair = 0, idx;
        for (size_t r = 0; r < n; r++) {
            /* a NULL keen_id is not an attempt id: not counted as distinct */
            if (!kid[r].is_null && smap_get(&ids, kid[r].u.s.p, kid[r].u.s.n, &idx, NULL) != SL_OK)
                goto nomem;
            if (bid[r].is_null != c_idnull || nm[r].is_null != c_nmnull || bid[r].u.s.p != c_id ||
                bid[r].u.s.n != c_idn || nm[r].u.s.p != c_nm || nm[r].u.s.n != c_nmn) {
                if (pair_key(&key, &bid[r], &nm[r]) != SL_OK ||
                    smap_get(&pairs, key.data, key.len, &c_pair, NULL) != SL_OK ||
                    counts_fit(&pair_n, pairs.n, 0) != SL_OK)
                    goto nomem;
                c_idnull = bid[r].is_null;
                c_nmnull = nm[r].is_null;
                c_id = bid[r].u.s.p;
                c_idn = bid[r].u.s.n;
                c_nm = nm[r].u.s.p;
                c_nmn = nm[r].u.s.n;
            }
            pair_n.v[c_pair]++;
            if (!sc[r].is_null) {
                double x = sc[r].u.d;
                f->scored++;
                f->score_sum += x;
                if (x > 0.7)
                    f->over70++;
                double b = floor(x * 10);
                int bi = b < 0 ? 0 : b > SCORE_BUCKETS - 1 ? SCORE_BUCKETS - 1 : (int)b;
                f->buckets[bi]++;
            }
            if (!du[r].is_null) {
                f->timed++;
                f->duration_sum += du[r].u.d;
            }
        }
    }
    f->distinct_attempts = (int64_t)ids.n;
    if (rank_exams(f, &pairs, &pair_n) != SL_OK)
        goto nomem;
    /* attempts per day (days whose files all belong to other tenants are left out) */
    for (size_t i = 0; i < f->days_m.n; i++)
        if (day_n.v[i] &&
            items_push(&f->days, &f->ndays, &dcap, smap_key(&f->days_m, i), f->days_m.e[i].len, day_n.v[i], 0) != SL_OK)
            goto nomem;
    if (null_day && items_push(&f->days, &f->ndays, &dcap, NULL, 0, null_day, 0) != SL_OK)
        goto nomem;
    sort_items(f->days, f->ndays, by_key);
    e = SL_OK;
    goto out;
nomem:
    e = sl_errf(SL_ERR_NOMEM, st->errstr, st->errstr_size, "out of memory");
out:
    sl_sql_scan_destroy(s);
    smap_free(&ids);
    smap_free(&pairs);
    free(pair_n.v);
    free(day_n.v);
    free(file_day.v);
    sl_buf_free(&key);
    return e;
}

/* One pass over the most common exam's row groups of questions: answered and correct
 * per question id. */
static sl_err scan_questions(scan_state *st, const sl_sql_table *t)
{
    figures *f = st->f;
    static const char *const names[] = { "base_exam_id", "question_id", "user_correct" };
    static const sl_type types[] = { SL_T_STRING, SL_T_STRING, SL_T_BOOL };
    size_t cols[3];
    sl_err e = need_columns(t, names, types, 3, cols, st->errstr, st->errstr_size);
    if (e != SL_OK)
        return e;
    smap *qm = &f->questions_m;
    counts answered = { 0 }, correct = { 0 };
    int64_t null_answered = 0, null_correct = 0;
    size_t qcap = 0;
    st->tf.exam_col = cols[0];
    st->tf.exam = f->top_exam_id;
    st->tf.exam_len = strlen(f->top_exam_id);
    sl_sql_scan *s = sl_sql_scan_new(st->lake, t, cols, 3, st->errstr, st->errstr_size);
    if (!s)
        return SL_ERR_NOMEM;
    sl_sql_scan_set_filter(s, keep_tenant, keep_exam_rg, &st->tf);
    for (;;) {
        size_t n;
        e = sl_sql_scan_next(s, &n, st->errstr, st->errstr_size);
        if (e != SL_OK)
            goto out;
        if (n == 0)
            break;
        const sl_value *bid = sl_sql_scan_values(s, 0), *qid = sl_sql_scan_values(s, 1),
                       *uc = sl_sql_scan_values(s, 2);
        /* one-entry caches of the last exam id and question id (valid within a batch) */
        const char *c_ptr = NULL, *q_ptr = NULL;
        uint32_t c_len = 0, q_len = 0;
        int c_match = 0, c_valid = 0, q_valid = 0;
        size_t q_idx = 0;
        for (size_t r = 0; r < n; r++) {
            if (bid[r].is_null)
                continue;
            if (!c_valid || bid[r].u.s.p != c_ptr || bid[r].u.s.n != c_len) {
                c_ptr = bid[r].u.s.p;
                c_len = bid[r].u.s.n;
                c_valid = 1;
                c_match = c_len == st->tf.exam_len && (c_len == 0 || memcmp(c_ptr, st->tf.exam, c_len) == 0);
            }
            if (!c_match)
                continue;
            int ok = !uc[r].is_null && uc[r].u.i != 0;
            if (qid[r].is_null) {
                null_answered++;
                null_correct += ok;
                continue;
            }
            if (!q_valid || qid[r].u.s.p != q_ptr || qid[r].u.s.n != q_len) {
                if (smap_get(qm, qid[r].u.s.p, qid[r].u.s.n, &q_idx, NULL) != SL_OK ||
                    counts_fit(&answered, qm->n, 0) != SL_OK || counts_fit(&correct, qm->n, 0) != SL_OK)
                    goto nomem;
                q_ptr = qid[r].u.s.p;
                q_len = qid[r].u.s.n;
                q_valid = 1;
            }
            answered.v[q_idx]++;
            correct.v[q_idx] += ok;
        }
    }
    for (size_t i = 0; i < qm->n; i++)
        if (items_push(&f->questions, &f->nquestions, &qcap, smap_key(qm, i), qm->e[i].len, answered.v[i],
                       correct.v[i]) != SL_OK)
            goto nomem;
    if (null_answered &&
        items_push(&f->questions, &f->nquestions, &qcap, NULL, 0, null_answered, null_correct) != SL_OK)
        goto nomem;
    sort_items(f->questions, f->nquestions, by_key);
    e = SL_OK;
    goto out;
nomem:
    e = sl_errf(SL_ERR_NOMEM, st->errstr, st->errstr_size, "out of memory");
out:
    sl_sql_scan_destroy(s);
    free(answered.v);
    free(correct.v);
    return e;
}

/* One pass over _quarantine's reason column: messages per reason. */
static sl_err scan_quarantine(scan_state *st, const sl_sql_table *t)
{
    figures *f = st->f;
    f->have_quarantine = 1;
    size_t col;
    if (sl_sql_table_col(t, "reason", &col) != 0 || t->cols[col].type != SL_T_STRING)
        return sl_errf(SL_ERR_INVALID, st->errstr, st->errstr_size,
                       "table '%s' has no string column 'reason'", t->name);
    smap *rm = &f->reasons_m;
    counts rn = { 0 };
    int64_t null_n = 0;
    size_t rcap = 0;
    sl_err e;
    sl_sql_scan *s = sl_sql_scan_new(st->lake, t, &col, 1, st->errstr, st->errstr_size);
    if (!s)
        return SL_ERR_NOMEM;
    for (;;) {
        size_t n;
        e = sl_sql_scan_next(s, &n, st->errstr, st->errstr_size);
        if (e != SL_OK)
            goto out;
        if (n == 0)
            break;
        const sl_value *v = sl_sql_scan_values(s, 0);
        f->quarantine_rows += (int64_t)n;
        for (size_t r = 0; r < n; r++) {
            size_t idx;
            if (v[r].is_null) {
                null_n++;
                continue;
            }
            if (smap_get(rm, v[r].u.s.p, v[r].u.s.n, &idx, NULL) != SL_OK || counts_fit(&rn, rm->n, 0) != SL_OK)
                goto nomem;
            rn.v[idx]++;
        }
    }
    for (size_t i = 0; i < rm->n; i++)
        if (items_push(&f->reasons, &f->nreasons, &rcap, smap_key(rm, i), rm->e[i].len, rn.v[i], 0) != SL_OK)
            goto nomem;
    if (null_n && items_push(&f->reasons, &f->nreasons, &rcap, NULL, 0, null_n, 0) != SL_OK)
        goto nomem;
    sort_items(f->reasons, f->nreasons, by_count_desc);
    e = SL_OK;
    goto out;
nomem:
    e = sl_errf(SL_ERR_NOMEM, st->errstr, st->errstr_size, "out of memory");
out:
    sl_sql_scan_destroy(s);
    free(rn.v);
    return e;
}

/* ------------------------------------------------------------------ rendering helpers */

typedef struct page {
    sl_buf b;
    int nomem;
} page;

static void put(page *p, const char *s, size_t n)
{
    if (!p->nomem && sl_buf_append(&p->b, s, n) != SL_OK)
        p->nomem = 1;
}

static void puts_(page *p, const char *s) { put(p, s, strlen(s)); }

static void putf(page *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(page *p, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    put(p, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void json_str(page *p, const char *s, size_t n)
{
    if (!s) {
        puts_(p, "null");
        return;
    }
    if (!p->nomem && sl_sql_json_string(&p->b, s, n) != SL_OK)
        p->nomem = 1;
}

static void json_num(page *p, double d, int defined)
{
    char tmp[SL_SQL_FMT_MAX];
    if (!defined || !isfinite(d)) {
        puts_(p, "null");
        return;
    }
    put(p, tmp, sl_sql_fmt_double(d, tmp));
}

static void html_str(page *p, const char *s, size_t n)
{
    if (!s) {
        puts_(p, "<i>(none)</i>");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '<':
            puts_(p, "&lt;");
            break;
        case '>':
            puts_(p, "&gt;");
            break;
        case '&':
            puts_(p, "&amp;");
            break;
        case '"':
            puts_(p, "&quot;");
            break;
        case '\'':
            puts_(p, "&#39;");
            break;
        default:
            put(p, s + i, 1);
        }
    }
}

/* Text of a possibly-NULL key for the text page. */
static void text_key(page *p, const char *s, size_t n)
{
    if (!s)
        puts_(p, "(none)");
    else
        put(p, s, n);
}

static double avg_or_nan(double sum, int64_t n) { return n ? sum / (double)n : NAN; }

/* "3m 12s" for a number of seconds. */
static void fmt_duration(char *out, size_t size, double s)
{
    if (!isfinite(s)) {
        snprintf(out, size, "-");
        return;
    }
    long long t = llround(s);
    if (t >= 3600)
        snprintf(out, size, "%lldh %02lldm %02llds", t / 3600, (t / 60) % 60, t % 60);
    else
        snprintf(out, size, "%lldm %02llds", t / 60, t % 60);
}

static int64_t max_count(const item *v, size_t n)
{
    int64_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].n > m)
            m = v[i].n;
    return m;
}

/* ------------------------------------------------------------------ JSON */

static void render_json(const figures *f, page *p)
{
    puts_(p, "{\n  \"lake\": ");
    json_str(p, f->lake, strlen(f->lake));
    puts_(p, ",\n  \"tenant\": ");
    json_str(p, f->tenant, f->tenant ? strlen(f->tenant) : 0);
    puts_(p, ",\n  \"pipeline\": ");
    if (!f->have_pipeline) {
        puts_(p, "null");
    } else {
        putf(p,
             "{\"commits\": %" PRIu64 ", \"messages\": %" PRIu64 ", \"landed\": %" PRIu64
             ", \"duplicates\": %" PRIu64 ", \"quarantined\": %" PRIu64 ", \"extra_keys\": %" PRIu64
             ", \"rows\": {",
             f->commits, f->messages, f->messages - f->duplicates - f->quarantined, f->duplicates,
             f->quarantined, f->extra_keys);
        for (size_t i = 0; i < f->table_rows_names.n; i++) {
            if (i)
                puts_(p, ", ");
            json_str(p, smap_key(&f->table_rows_names, i), f->table_rows_names.e[i].len);
            putf(p, ": %" PRId64, f->table_rows.v[i]);
        }
        puts_(p, "}}");
    }
    putf(p,
         ",\n  \"attempts\": %" PRId64 ",\n  \"distinct_attempts\": %" PRId64 ",\n  \"exams\": %" PRId64
         ",\n  \"exam_names\": %" PRId64 ",\n  \"learning_git_attempts\": %" PRId64,
         f->attempts, f->distinct_attempts, f->exams, f->exam_names, f->learning_git);
    putf(p, ",\n  \"score\": {\"scored_attempts\": %" PRId64 ", \"average\": ", f->scored);
    json_num(p, avg_or_nan(f->score_sum, f->scored), f->scored > 0);
    putf(p, ", \"over_70_attempts\": %" PRId64 ", \"over_70_share\": ", f->over70);
    json_num(p, f->scored ? (double)f->over70 / (double)f->scored : 0, f->scored > 0);
    putf(p, "},\n  \"duration_s\": {\"timed_attempts\": %" PRId64 ", \"average\": ", f->timed);
    json_num(p, avg_or_nan(f->duration_sum, f->timed), f->timed > 0);
    puts_(p, "}");
    const struct {
        const char *name;
        const item *v;
        size_t n;
    } lists[] = { { "most_common_exams", f->top, f->ntop }, { "least_common_exams", f->least, f->nleast } };
    for (size_t l = 0; l < 2; l++) {
        putf(p, ",\n  \"%s\": [", lists[l].name);
        for (size_t i = 0; i < lists[l].n; i++) {
            puts_(p, i ? ",\n    {\"exam_name\": " : "\n    {\"exam_name\": ");
            json_str(p, lists[l].v[i].key, lists[l].v[i].keylen);
            putf(p, ", \"attempts\": %" PRId64 "}", lists[l].v[i].n);
        }
        puts_(p, lists[l].n ? "\n  ]" : "]");
    }
    puts_(p, ",\n  \"most_common_exam\": ");
    if (!f->have_top_exam) {
        puts_(p, "null");
    } else {
        puts_(p, "{\"base_exam_id\": ");
        json_str(p, f->top_exam_id, strlen(f->top_exam_id));
        puts_(p, ", \"exam_name\": ");
        json_str(p, f->top_exam_name, f->top_exam_name ? strlen(f->top_exam_name) : 0);
        putf(p, ", \"attempts\": %" PRId64 ", \"questions\": [", f->top_exam_attempts);
        for (size_t i = 0; i < f->nquestions; i++) {
            const item *q = &f->questions[i];
            puts_(p, i ? ",\n    {\"question_id\": " : "\n    {\"question_id\": ");
            json_str(p, q->key, q->keylen);
            putf(p, ", \"answered\": %" PRId64 ", \"correct\": %" PRId64 ", \"share_correct\": ", q->n, q->n2);
            json_num(p, q->n ? (double)q->n2 / (double)q->n : 0, q->n > 0);
            puts_(p, "}");
        }
        puts_(p, f->nquestions ? "\n  ]}" : "]}");
    }
    puts_(p, ",\n  \"attempts_per_day\": [");
    for (size_t i = 0; i < f->ndays; i++) {
        puts_(p, i ? ",\n    {\"dt\": " : "\n    {\"dt\": ");
        json_str(p, f->days[i].key, f->days[i].keylen);
        putf(p, ", \"attempts\": %" PRId64 "}", f->days[i].n);
    }
    puts_(p, f->ndays ? "\n  ]" : "]");
    puts_(p, ",\n  \"score_distribution\": [");
    for (int i = 0; i < SCORE_BUCKETS; i++)
        putf(p, "%s\n    {\"from\": %.1f, \"to\": %.1f, \"attempts\": %" PRId64 "}", i ? "," : "", i / 10.0,
             (i + 1) / 10.0, f->buckets[i]);
    puts_(p, "\n  ]");
    puts_(p, ",\n  \"quarantine\": ");
    if (!f->have_quarantine) {
        puts_(p, "null");
    } else {
        putf(p, "{\"messages\": %" PRId64 ", \"by_reason\": [", f->quarantine_rows);
        for (size_t i = 0; i < f->nreasons; i++) {
            puts_(p, i ? ",\n    {\"reason\": " : "\n    {\"reason\": ");
            json_str(p, f->reasons[i].key, f->reasons[i].keylen);
            putf(p, ", \"messages\": %" PRId64 "}", f->reasons[i].n);
        }
        puts_(p, f->nreasons ? "\n  ]}" : "]}");
    }
    puts_(p, "\n}\n");
}

/* ------------------------------------------------------------------ text */

static void bar(page *p, int64_t n, int64_t max, int width)
{
    int k = max > 0 ? (int)llround((double)n * width / (double)max) : 0;
    if (n > 0 && k == 0)
        k = 1;
    for (int i = 0; i < k; i++)
        put(p, "#", 1);
}

static void render_text(const figures *f, page *p)
{
    char dur[64];
    putf(p, "sluice report on lake %s%s%s\n", f->lake, f->tenant ? ", tenant " : "", f->tenant ? f->tenant : "");
    if (f->have_pipeline) {
        puts_(p, "\nPipeline (commit manifests)\n");
        putf(p, "  messages                %12" PRIu64 "\n", f->messages);
        putf(p, "  landed                  %12" PRIu64 "\n", f->messages - f->duplicates - f->quarantined);
        putf(p, "  duplicates dropped      %12" PRIu64 "\n", f->duplicates);
        putf(p, "  quarantined             %12" PRIu64 "\n", f->quarantined);
        putf(p, "  commits                 %12" PRIu64 "\n", f->commits);
        for (size_t i = 0; i < f->table_rows_names.n; i++)
            putf(p, "  rows in %-15.*s %12" PRId64 "\n", (int)f->table_rows_names.e[i].len,
                 smap_key(&f->table_rows_names, i), f->table_rows.v[i]);
    }
    puts_(p, "\nAttempts\n");
    putf(p, "  attempts                %12" PRId64 "\n", f->attempts);
    putf(p, "  distinct attempts       %12" PRId64 "   (distinct keen_id)\n", f->distinct_attempts);
    putf(p, "  exams                   %12" PRId64 "   (distinct base_exam_id; %" PRId64 " names)\n", f->exams,
         f->exam_names);
    putf(p, "  took \"Learning Git\"     %12" PRId64 "\n", f->learning_git);
    if (f->scored) {
        putf(p, "  average score           %12.4f   (%" PRId64 " attempts with a score)\n",
             f->score_sum / (double)f->scored, f->scored);
        putf(p, "  scored over 70%%        %11.1f%%   (%" PRId64 " attempts)\n",
             100.0 * (double)f->over70 / (double)f->scored, f->over70);
    } else {
        puts_(p, "  average score                      -\n");
    }
    fmt_duration(dur, sizeof dur, avg_or_nan(f->duration_sum, f->timed));
    putf(p, "  average time to complete %11s   (%.1f s over %" PRId64 " attempts with a completion time)\n",
         dur, f->timed ? f->duration_sum / (double)f->timed : 0.0, f->timed);

    const struct {
        const char *title;
        const item *v;
        size_t n;
    } lists[] = { { "Most common exams", f->top, f->ntop }, { "Least common exams", f->least, f->nleast } };
    for (size_t l = 0; l < 2; l++) {
        putf(p, "\n%s (attempts)\n", lists[l].title);
        for (size_t i = 0; i < lists[l].n; i++) {
            putf(p, "  %8" PRId64 "  ", lists[l].v[i].n);
            text_key(p, lists[l].v[i].key, lists[l].v[i].keylen);
            puts_(p, "\n");
        }
    }
    if (f->have_top_exam) {
        puts_(p, "\nPer-question correctness, most common exam: ");
        text_key(p, f->top_exam_name, f->top_exam_name ? strlen(f->top_exam_name) : 0);
        putf(p, " (%s, %" PRId64 " attempts)\n", f->top_exam_id, f->top_exam_attempts);
        puts_(p, "  question_id                            answered   correct   share\n");
        for (size_t i = 0; i < f->nquestions; i++) {
            const item *q = &f->questions[i];
            puts_(p, "  ");
            size_t w = q->key ? sl_sql_utf8_width(q->key, q->keylen) : 6;
            text_key(p, q->key, q->keylen);
            for (size_t k = w; k < 37; k++)
                put(p, " ", 1);
            putf(p, " %9" PRId64 " %9" PRId64 "  %5.1f%%\n", q->n, q->n2,
                 q->n ? 100.0 * (double)q->n2 / (double)q->n : 0.0);
        }
    }
    puts_(p, "\nAttempts per day (dt, UTC)\n");
    int64_t maxd = max_count(f->days, f->ndays);
    for (size_t i = 0; i < f->ndays; i++) {
        puts_(p, "  ");
        text_key(p, f->days[i].key, f->days[i].keylen);
        putf(p, " %8" PRId64 "  ", f->days[i].n);
        bar(p, f->days[i].n, maxd, 40);
        puts_(p, "\n");
    }
    puts_(p, "\nScore distribution\n");
    int64_t maxb = 0;
    for (int i = 0; i < SCORE_BUCKETS; i++)
        if (f->buckets[i] > maxb)
            maxb = f->buckets[i];
    for (int i = 0; i < SCORE_BUCKETS; i++) {
        putf(p, "  %.1f-%.1f%s %8" PRId64 "  ", i / 10.0, (i + 1) / 10.0, i == SCORE_BUCKETS - 1 ? "]" : ")",
             f->buckets[i]);
        bar(p, f->buckets[i], maxb, 40);
        puts_(p, "\n");
    }
    if (f->have_quarantine) {
        putf(p, "\nQuarantined messages by reason (%" PRId64 " in _quarantine)\n", f->quarantine_rows);
        for (size_t i = 0; i < f->nreasons; i++) {
            putf(p, "  %8" PRId64 "  ", f->reasons[i].n);
            text_key(p, f->reasons[i].key, f->reasons[i].keylen);
            puts_(p, "\n");
        }
        if (f->nreasons == 0)
            puts_(p, "  (none)\n");
    }
}

/* ------------------------------------------------------------------ HTML */

static void html_card(page *p, const char *label, const char *value, const char *note)
{
    puts_(p, "<div class=\"card\"><div class=\"v\">");
    puts_(p, value);
    puts_(p, "</div><div class=\"l\">");
    puts_(p, label);
    puts_(p, "</div>");
    if (note) {
        puts_(p, "<div class=\"n\">");
        puts_(p, note);
        puts_(p, "</div>");
    }
    puts_(p, "</div>\n");
}

/* A vertical bar chart in inline SVG: one bar per item, labels under some bars. */
static void svg_bars(page *p, const char *const *labels, const int64_t *values, size_t n, size_t label_every,
                     const char *color)
{
    const double W = 960, H = 260, left = 48, bottom = 40, top = 12;
    double plot_w = W - left - 8, plot_h = H - bottom - top;
    int64_t max = 0;
    for (size_t i = 0; i < n; i++)
        if (values[i] > max)
            max = values[i];
    putf(p, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
            "role=\"img\" font-family=\"sans-serif\" font-size=\"11\">\n", W, H, W, H);
    /* axis and grid: max and half */
    for (int g = 0; g <= 2; g++) {
        double y = top + plot_h - plot_h * g / 2.0;
        putf(p, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>", left, y, W - 8, y);
        putf(p, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">%.0f</text>\n", left - 4, y + 4,
             max * g / 2.0);
    }
    double slot = n ? plot_w / (double)n : plot_w;
    double bw = slot * 0.8 > 1 ? slot * 0.8 : 1;
    for (size_t i = 0; i < n; i++) {
        double h = max > 0 ? plot_h * (double)values[i] / (double)max : 0;
        double x = left + slot * (double)i + (slot - bw) / 2;
        putf(p, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>", x,
             top + plot_h - h, bw, h, color);
        html_str(p, labels[i], labels[i] ? strlen(labels[i]) : 0);
        putf(p, ": %" PRId64 "</title></rect>\n", values[i]);
        int last = i + 1 == n;
        if (label_every && ((i % label_every == 0 && (n - i > label_every / 2 + 1 || label_every == 1)) || last)) {
            /* the last label ends at its bar, so it stays inside the picture */
            putf(p, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"#333\">",
                 last && label_every > 1 ? x + bw : x + bw / 2, H - bottom + 16,
                 last && label_every > 1 ? "end" : "middle");
            html_str(p, labels[i], labels[i] ? strlen(labels[i]) : 0);
            puts_(p, "</text>\n");
        }
    }
    putf(p, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n", left, top + plot_h, W - 8,
         top + plot_h);
    puts_(p, "</svg>\n");
}

static void html_ranked(page *p, const char *title, const item *v, size_t n, int64_t max)
{
    putf(p, "<h2>%s</h2>\n<table class=\"rank\"><tr><th>exam</th><th class=\"num\">attempts</th><th></th></tr>\n",
         title);
    for (size_t i = 0; i < n; i++) {
        puts_(p, "<tr><td>");
        html_str(p, v[i].key, v[i].keylen);
        putf(p, "</td><td class=\"num\">%" PRId64 "</td><td><div class=\"hbar\" style=\"width:%.0fpx\"></div></td></tr>\n",
             v[i].n, max > 0 ? 300.0 * (double)v[i].n / (double)max : 0.0);
    }
    puts_(p, "</table>\n");
}

static void render_html(const figures *f, page *p)
{
    char v[128], note[256];
    puts_(p, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>sluice report: ");
    html_str(p, f->lake, strlen(f->lake));
    puts_(p, "</title>\n<style>\n"
             "body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1000px;color:#222}\n"
             "h1{font-size:24px;margin-bottom:0}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}\n"
             ".sub{color:#666;margin-top:4px}.cards{display:flex;flex-wrap:wrap;gap:12px;margin-top:16px}\n"
             ".card{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:130px}\n"
             ".card .v{font-size:22px;font-weight:600}.card .l{color:#444}.card .n{color:#888;font-size:12px}\n"
             "table{border-collapse:collapse}td,th{padding:3px 10px;text-align:left;border-bottom:1px solid #eee}\n"
             ".num{text-align:right;font-variant-numeric:tabular-nums}.hbar{height:12px;background:#4e79a7}\n"
             ".mono{font-family:ui-monospace,monospace;font-size:12px}\n"
             "</style></head><body>\n<h1>Assessment attempts</h1>\n<p class=\"sub\">lake ");
    html_str(p, f->lake, strlen(f->lake));
    if (f->tenant) {
        puts_(p, ", tenant ");
        html_str(p, f->tenant, strlen(f->tenant));
    }
    putf(p, " &middot; %s</p>\n<div class=\"cards\">\n", sl_version_line());
    snprintf(v, sizeof v, "%" PRId64, f->attempts);
    snprintf(note, sizeof note, "%" PRId64 " distinct keen_id", f->distinct_attempts);
    html_card(p, "attempts", v, note);
    snprintf(v, sizeof v, "%" PRId64, f->exams);
    snprintf(note, sizeof note, "%" PRId64 " exam names", f->exam_names);
    html_card(p, "exams", v, note);
    snprintf(v, sizeof v, "%" PRId64, f->learning_git);
    html_card(p, "took Learning Git", v, NULL);
    if (f->scored)
        snprintf(v, sizeof v, "%.3f", f->score_sum / (double)f->scored);
    else
        snprintf(v, sizeof v, "-");
    snprintf(note, sizeof note, "%" PRId64 " scored attempts", f->scored);
    html_card(p, "average score", v, note);
    if (f->scored)
        snprintf(v, sizeof v, "%.1f%%", 100.0 * (double)f->over70 / (double)f->scored);
    else
        snprintf(v, sizeof v, "-");
    snprintf(note, sizeof note, "%" PRId64 " attempts", f->over70);
    html_card(p, "scored over 70%", v, note);
    fmt_duration(v, sizeof v, avg_or_nan(f->duration_sum, f->timed));
    snprintf(note, sizeof note, "%" PRId64 " timed attempts", f->timed);
    html_card(p, "average time to complete", v, note);
    puts_(p, "</div>\n");
    if (f->have_pipeline) {
        puts_(p, "<h2>Pipeline</h2>\n<div class=\"cards\">\n");
        const struct {
            const char *l;
            uint64_t n;
        } pc[] = { { "messages", f->messages },
                   { "landed", f->messages - f->duplicates - f->quarantined },
                   { "duplicates dropped", f->duplicates },
                   { "quarantined", f->quarantined },
                   { "commits", f->commits } };
        for (size_t i = 0; i < sizeof pc / sizeof pc[0]; i++) {
            snprintf(v, sizeof v, "%" PRIu64, pc[i].n);
            html_card(p, pc[i].l, v, NULL);
        }
        puts_(p, "</div>\n");
    }
    /* attempts per day */
    puts_(p, "<h2>Attempts per day</h2>\n");
    {
        const char **labels = calloc(f->ndays + 1, sizeof *labels);
        int64_t *vals = calloc(f->ndays + 1, sizeof *vals);
        char *lab = calloc(f->ndays + 1, 16);
        if (!labels || !vals || !lab) {
            p->nomem = 1;
        } else {
            for (size_t i = 0; i < f->ndays; i++) {
                char *l = lab + 16 * i;
                if (f->days[i].key)
                    snprintf(l, 16, "%.*s", (int)(f->days[i].keylen < 15 ? f->days[i].keylen : 15), f->days[i].key);
                else
                    snprintf(l, 16, "(none)");
                labels[i] = l;
                vals[i] = f->days[i].n;
            }
            size_t every = f->ndays > 10 ? (f->ndays + 7) / 8 : 1;
            svg_bars(p, labels, vals, f->ndays, every, "#4e79a7");
        }
        free(labels);
        free(vals);
        free(lab);
    }
    puts_(p, "<h2>Score distribution</h2>\n");
    {
        static const char *const labels[SCORE_BUCKETS] = { "0.0-0.1", "0.1-0.2", "0.2-0.3", "0.3-0.4", "0.4-0.5",
                                                           "0.5-0.6", "0.6-0.7", "0.7-0.8", "0.8-0.9", "0.9-1.0" };
        svg_bars(p, labels, f->buckets, SCORE_BUCKETS, 1, "#59a14f");
    }
    html_ranked(p, "Most common exams", f->top, f->ntop, max_count(f->top, f->ntop));
    html_ranked(p, "Least common exams", f->least, f->nleast, max_count(f->top, f->ntop));
    if (f->have_top_exam) {
        puts_(p, "<h2>Per-question correctness: ");
        html_str(p, f->top_exam_name, f->top_exam_name ? strlen(f->top_exam_name) : 0);
        putf(p, "</h2>\n<p class=\"sub\">the most common exam (<span class=\"mono\">%s</span>), %" PRId64
                " attempts</p>\n",
             f->top_exam_id, f->top_exam_attempts);
        puts_(p, "<table><tr><th>question</th><th class=\"num\">answered</th>"
                 "<th class=\"num\">correct</th><th class=\"num\">share</th><th></th></tr>\n");
        for (size_t i = 0; i < f->nquestions; i++) {
            const item *q = &f->questions[i];
            double share = q->n ? (double)q->n2 / (double)q->n : 0;
            puts_(p, "<tr><td class=\"mono\">");
            html_str(p, q->key, q->keylen);
            putf(p, "</td><td class=\"num\">%" PRId64 "</td><td class=\"num\">%" PRId64
                    "</td><td class=\"num\">%.1f%%</td><td><div class=\"hbar\" style=\"width:%.0fpx;background:#59a14f\"></div></td></tr>\n",
                 q->n, q->n2, 100.0 * share, 200.0 * share);
        }
        puts_(p, "</table>\n");
    }
    if (f->have_quarantine) {
        putf(p, "<h2>Quarantined messages by reason</h2>\n<p class=\"sub\">%" PRId64 " rows in _quarantine</p>\n",
             f->quarantine_rows);
        if (f->nreasons) {
            puts_(p, "<table><tr><th class=\"num\">messages</th><th>reason</th></tr>\n");
            for (size_t i = 0; i < f->nreasons; i++) {
                putf(p, "<tr><td class=\"num\">%" PRId64 "</td><td class=\"mono\">", f->reasons[i].n);
                html_str(p, f->reasons[i].key, f->reasons[i].keylen);
                puts_(p, "</td></tr>\n");
            }
            puts_(p, "</table>\n");
        }
    }
    puts_(p, "</body></html>\n");
}

/* ------------------------------------------------------------------ run */

static int tenant_valid(const char *t)
{
    size_t n = strlen(t);
    if (n < 1 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = t[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

sl_err sl_report_run(const char *lake_uri, const sl_report_opts *opts, FILE *out, char *errstr,
                     size_t errstr_size)
{
    sl_report_opts dflt = { 0 };
    if (!opts)
        opts = &dflt;
    if (opts->tenant && !tenant_valid(opts->tenant))
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "tenant '%s' is not a tenant id ([a-z0-9_-]{1,64})",
                       opts->tenant);
    figures f;
    memset(&f, 0, sizeof f);
    f.lake = lake_uri;
    f.tenant = opts->tenant;
    page pg;
    memset(&pg, 0, sizeof pg);
    sl_err e;
    sl_sql_lake *lake = sl_sql_lake_open(lake_uri, opts->store_opts, errstr, errstr_size);
    if (!lake)
        return SL_ERR_NOTFOUND;
    const sl_sql_table *ta = sl_sql_lake_find(lake, "assessments");
    if (!ta) {
        e = sl_errf(SL_ERR_NOTFOUND, errstr, errstr_size,
                    "lake '%s' has no assessments table (nothing landed with the assessments mapping)",
                    lake_uri);
        goto out;
    }
    scan_state st = { &f, lake, { 0 }, errstr, errstr_size };
    st.tf.tenant = opts->tenant;
    if (opts->tenant) {
        if (sl_sql_table_part(ta, "tenant", &st.tf.key) != 0) {
            e = sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                        "lake '%s' has no tenant folders (its mapping names no tenant)", lake_uri);
            goto out;
        }
        int found = 0;
        for (size_t i = 0; i < ta->nfiles && !found; i++)
            found = ta->files[i].parts[st.tf.key] && strcmp(ta->files[i].parts[st.tf.key], opts->tenant) == 0;
        if (!found) {
            e = sl_errf(SL_ERR_NOTFOUND, errstr, errstr_size, "no tenant '%s' in lake '%s'", opts->tenant,
                        lake_uri);
            goto out;
        }
    } else {
        mctx mc = { &f, SL_OK };
        e = sl_lake_manifest_each(sl_sql_lake_store(lake), manifest_cb, &mc, errstr, errstr_size);
        if (e == SL_OK && mc.e != SL_OK)
            e = sl_errf(mc.e, errstr, errstr_size, "out of memory");
        if (e != SL_OK)
            goto out;
        f.have_pipeline = 1;
    }
    e = scan_assessments(&st, ta);
    if (e != SL_OK)
        goto out;
    if (f.have_top_exam) {
        const sl_sql_table *tq = sl_sql_lake_find(lake, "questions");
        if (!tq) {
            e = sl_errf(SL_ERR_NOTFOUND, errstr, errstr_size, "lake '%s' has no questions table", lake_uri);
            goto out;
        }
        if (opts->tenant && sl_sql_table_part(tq, "tenant", &st.tf.key) != 0) {
            e = sl_errf(SL_ERR_INVALID, errstr, errstr_size, "table questions has no tenant folders");
            goto out;
        }
        e = scan_questions(&st, tq);
        if (e != SL_OK)
            goto out;
    }
    if (!opts->tenant) {
        const sl_sql_table *tz = sl_sql_lake_find(lake, SL_LAKE_QUARANTINE);
        st.tf.tenant = NULL;
        if (tz) {
            e = scan_quarantine(&st, tz);
            if (e != SL_OK)
                goto out;
        }
    }
    if (opts->format == SL_REPORT_JSON)
        render_json(&f, &pg);
    else if (opts->format == SL_REPORT_HTML)
        render_html(&f, &pg);
    else
        render_text(&f, &pg);
    if (pg.nomem) {
        e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        goto out;
    }
    if (fwrite(pg.b.data, 1, pg.b.len, out) != pg.b.len || fflush(out) != 0 || ferror(out)) {
        e = sl_errf(SL_ERR_IO, errstr, errstr_size, "write error on the output");
        goto out;
    }
    e = SL_OK;
out:
    figures_free(&f);
    sl_buf_free(&pg.b);
    sl_sql_lake_destroy(lake);
    return e;
}
