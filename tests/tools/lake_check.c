/*
 * lake_check: proves a lake holds every message of a topic exactly once
 * (docs/EXACTLY_ONCE.md). Used by tests/e2e/kafka_crash.sh, kafka_faults.sh,
 * kafka_bad_messages.sh and the soak runs. It reads the lake through the store
 * interface (lake/store.h: a folder or WebHDFS), the manifests through lake/lake.h
 * and every landed Parquet file through the project's reader (parquet/parquet.h).
 *
 *   lake_check --lake URI --topic T [--tables T1,T2] [--messages N] [--partitions P]
 *              [--duplicates N] [--quarantined N] [--offset-gaps] [--mid-run] [-q]
 *
 * Checks (each failure is one "lake_check: FAIL: what and where" line):
 *  - layout: under every table folder (every top-level folder but _sluice), no file
 *    whose name starts with '_' or '.' (a temporary visible after a final clean run),
 *    only "<topic>+<partition>+<first>+<last>.<codec>.parquet" files;
 *  - manifests: every file a manifest names exists under its final name with the
 *    manifest's size and row count, belongs to the manifest's range and table, and is
 *    named by one manifest only; every Parquet file is named by a manifest (no
 *    orphan); a manifest's dedupe sidecar exists with its key count; no put_atomic
 *    leftover and no sidecar past the newest manifest under _sluice;
 *  - offsets: per partition of T the manifests' ranges start at 0 and follow each
 *    other without gap or overlap; a range has last - first + 1 messages (--offset-gaps,
 *    for a real topic with retention, compaction or transactions: the first range may
 *    start anywhere and a range may hold fewer messages than offsets);
 *  - rows: every row of T's files has _topic = T, the file's _partition and an
 *    _offset inside the file's range. The "message tables" (--tables, plus
 *    _quarantine always) get one row per landed message: each offset has at most
 *    one row in all of them together, and in each range the offsets without a row
 *    are exactly the range's duplicates count (messages dropped by dedupe key), and
 *    rows + duplicates = messages in every manifest. Other tables (child tables such
 *    as questions) get the range checks only.
 *  - totals: --messages N (the topic's messages: every partition's ranges end at its
 *    last offset, and their sizes add up to N), --partitions P (partitions 0..P-1 all
 *    have landed), --duplicates N and --quarantined N (sums over the manifests).
 *
 * --mid-run checks a lake as a crash left it (before recovery): what recovery must
 * find there. Temporary files are allowed (counted); a file of a partition's NEWEST
 * manifest may still be under its temporary name with the manifest's size (a "pending
 * rename": recovery rolls it forward; its rows are checked from the temporary), but a
 * pending rename in an older manifest is a failure (recovery only finishes the newest);
 * put_atomic leftovers and sidecars past the newest manifest are counted, not failures.
 * The ok line then adds tmp_files=, pending_renames= and leftovers=.
 *
 * Output: "lake_check: ok topic=T partitions=.. messages=.. ranges=.. files=..
 * rows.TABLE=.. quarantined=.. duplicates=.." on stdout and exit 0; otherwise the
 * FAIL lines (the first 30) on stderr and exit 1. Usage errors exit 2.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "common/types.h"
#include "lake/lake.h"
#include "lake/store.h"
#include "parquet/parquet.h"

enum { MAX_FAILS_SHOWN = 30, MAX_DEPTH = 6 };

/* A Parquet file found under a table folder. */
typedef struct lfile {
    char *path;        /* from the lake root */
    char *table;       /* its top-level folder */
    char *topic;
    int32_t partition;
    int64_t first, last;
    uint64_t size;
    uint64_t rows;     /* the manifest's row count, once claimed */
    int claimed;       /* named by a manifest */
} lfile;

/* One manifest's range of a partition of the checked topic. */
typedef struct lrange {
    int64_t first, last;
    uint64_t messages, duplicates, quarantined;
    uint64_t rows;     /* rows of the message tables (incl. _quarantine) */
    int pending;       /* --mid-run: some of its files are not renamed yet */
    char *path;
} lrange;

typedef struct lpart {
    lrange *r;
    size_t n, cap;
    uint8_t *count;    /* rows seen per offset base.. in the message tables (saturating) */
    int64_t base, ncount; /* count covers offsets base .. base + ncount - 1 */
    int sluice_checked; /* its _sluice folders were checked */
} lpart;

typedef struct tcount {
    char *table;
    uint64_t rows;
} tcount;

typedef struct checker {
    sl_store *store;
    const char *topic;
    char **msg_tables;
    size_t nmsg_tables;
    int offset_gaps, mid_run, quiet;
    lfile *files;
    size_t nfiles, capfiles;
    lfile *pending;    /* --mid-run: manifest files still under their temporary name */
    size_t npending, cappending;
    uint64_t ntmp, nleftovers;
    lpart *parts;
    size_t nparts;     /* partitions 0..nparts-1 allocated */
    tcount *tables;
    size_t ntables, captables;
    uint64_t nmanifests, nfails;
    sl_buf path;       /* scratch */
    char errstr[1024];
} checker;

static void fail(checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(checker *c, const char *fmt, ...)
{
    if (c->nfails++ >= MAX_FAILS_SHOWN)
        return;
    va_list ap;
    fputs("lake_check: FAIL: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("lake_check: out of memory\n", stderr);
        exit(1);
    }
    return q;
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p) {
        fputs("lake_check: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static int is_msg_table(const checker *c, const char *table)
{
    if (strcmp(table, SL_LAKE_QUARANTINE) == 0)
        return 1;
    for (size_t i = 0; i < c->nmsg_tables; i++)
        if (strcmp(c->msg_tables[i], table) == 0)
            return 1;
    return 0;
}

static tcount *table_count(checker *c, const char *table)
{
    for (size_t i = 0; i < c->ntables; i++)
        if (strcmp(c->tables[i].table, table) == 0)
            return &c->tables[i];
    if (c->ntables == c->captables) {
        c->captables = c->captables ? c->captables * 2 : 8;
        c->tables = xrealloc(c->tables, c->captables * sizeof *c->tables);
    }
    c->tables[c->ntables] = (tcount){ xstrdup(table), 0 };
    return &c->tables[c->ntables++];
}

/* The partition record of the checked topic (grown on demand). */
static lpart *part_of(checker *c, int32_t partition)
{
    if ((size_t)partition >= c->nparts) {
        size_t n = (size_t)partition + 1;
        c->parts = xrealloc(c->parts, n * sizeof *c->parts);
        memset(c->parts + c->nparts, 0, (n - c->nparts) * sizeof *c->parts);
        c->nparts = n;
    }
    return &c->parts[partition];
}

/* Parses "<topic>+<partition>+<first>+<last>.<codec>.parquet" (the base name of f->path)
 * into f. 0 on success. */
static int parse_final_name(const char *name, lfile *f)
{
    size_t n = strlen(name);
    if (n < 8 || strcmp(name + n - 8, ".parquet") != 0)
        return -1;
    char *s = xstrdup(name);
    s[n - 8] = 0;
    char *dot = strrchr(s, '.');
    char *p3 = dot ? (*dot = 0, strrchr(s, '+')) : NULL;
    char *p2 = p3 ? (*p3 = 0, strrchr(s, '+')) : NULL;
    char *p1 = p2 ? (*p2 = 0, strrchr(s, '+')) : NULL;
    int ok = p1 && dot[1] != 0;
    if (ok) {
        *p1 = 0;
        char *end;
        long long part = strtoll(p1 + 1, &end, 10);
        ok = *end == 0 && end != p1 + 1 && part >= 0 && part <= INT32_MAX;
        long long first = ok ? strtoll(p2 + 1, &end, 10) : 0;
        ok = ok && *end == 0 && end != p2 + 1 && first >= 0;
        long long last = ok ? strtoll(p3 + 1, &end, 10) : 0;
        ok = ok && *end == 0 && end != p3 + 1 && last >= first && sl_lake_topic_valid(s);
        if (ok) {
            f->topic = xstrdup(s);
            f->partition = (int32_t)part;
            f->first = first;
            f->last = last;
        }
    }
    free(s);
    return ok ? 0 : -1;
}

/* ---- walking the table folders ---- */

typedef struct entry {
    char *name;
    sl_store_info st;
} entry;

typedef struct entries {
    entry *e;
    size_t n, cap;
} entries;

static int collect(void *ctx, const char *name, const sl_store_info *st)
{
    entries *es = ctx;
    if (es->n == es->cap) {
        es->cap = es->cap ? es->cap * 2 : 64;
        es->e = xrealloc(es->e, es->cap * sizeof *es->e);
    }
    es->e[es->n++] = (entry){ xstrdup(name), *st };
    return 0;
}

static void entries_free(entries *es)
{
    for (size_t i = 0; i < es->n; i++)
        free(es->e[i].name);
    free(es->e);
    memset(es, 0, sizeof *es);
}

/* Lists `dir`; a failure is a FAIL line and an empty list. */
static void list(checker *c, const char *dir, entries *es)
{
    memset(es, 0, sizeof *es);
    sl_err e = sl_store_list(c->store, dir, collect, es, c->errstr, sizeof c->errstr);
    if (e != SL_OK)
        fail(c, "cannot list %s: %s", *dir ? dir : "the lake root", c->errstr);
}

/* Walks a folder of table `table`: records Parquet files, flags anything else. */
static void walk(checker *c, const char *table, const char *dir, int depth)
{
    entries es;
    list(c, dir, &es);
    for (size_t i = 0; i < es.n; i++) {
        const char *name = es.e[i].name;
        char *path = xrealloc(NULL, strlen(dir) + strlen(name) + 2);
        sprintf(path, "%s/%s", dir, name);
        if (es.e[i].st.is_dir) {
            if (depth >= MAX_DEPTH)
                fail(c, "%s: folders nested too deep", path);
            else
                walk(c, table, path, depth + 1);
            free(path);
            continue;
        }
        if (name[0] == '_' || name[0] == '.') {
            c->ntmp++;
            if (!c->mid_run)
                fail(c, "temporary or hidden file visible after the final run: %s (%" PRIu64 " bytes)", path,
                     es.e[i].st.size);
            free(path);
            continue;
        }
        lfile f = { 0 };
        if (parse_final_name(name, &f) != 0) {
            fail(c, "%s: not a landed file name (<topic>+<partition>+<first>+<last>.<codec>.parquet)", path);
            free(path);
            continue;
        }
        f.path = path;
        f.table = xstrdup(table);
        f.size = es.e[i].st.size;
        if (c->nfiles == c->capfiles) {
            c->capfiles = c->capfiles ? c->capfiles * 2 : 256;
            c->files = xrealloc(c->files, c->capfiles * sizeof *c->files);
        }
        c->files[c->nfiles++] = f;
    }
    entries_free(&es);
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const lfile *)a)->path, ((const lfile *)b)->path);
}

static lfile *find_file(checker *c, const char *path)
{
    lfile key = { 0 };
    key.path = (char *)path;
    return bsearch(&key, c->files, c->nfiles, sizeof *c->files, by_path);
}

/* ---- manifests ---- */

/* Checks one manifest against the files found and records its range. */
static int on_manifest(void *ctx, const char *mpath, const sl_lake_manifest *m)
{
    checker *c = ctx;
    c->nmanifests++;
    int ours = strcmp(m->topic, c->topic) == 0;
    c->path.len = 0;
    if (sl_lake_manifest_path(&c->path, m->topic, m->partition, m->first, m->last) != SL_OK)
        exit(1);
    if (strcmp((const char *)c->path.data, mpath) != 0)
        fail(c, "%s holds the manifest of %s", mpath, (const char *)c->path.data);
    uint64_t msg_rows = 0;
    for (size_t i = 0; i < m->ntables; i++)
        if (is_msg_table(c, m->tables[i].table))
            msg_rows += m->tables[i].rows;
    int pending = 0;
    for (size_t i = 0; i < m->nfiles; i++) {
        const sl_lake_file_entry *fe = &m->files[i];
        lfile *f = find_file(c, fe->final);
        sl_store_info st;
        if (!f && c->mid_run && sl_store_stat(c->store, fe->tmp, &st, c->errstr, sizeof c->errstr) == SL_OK &&
            !st.is_dir && st.size == fe->bytes) {
            /* a pending rename: recovery's job (checked below to be the newest manifest) */
            pending = 1;
            if (c->npending == c->cappending) {
                c->cappending = c->cappending ? c->cappending * 2 : 16;
                c->pending = xrealloc(c->pending, c->cappending * sizeof *c->pending);
            }
            c->pending[c->npending++] = (lfile){ xstrdup(fe->tmp), xstrdup(fe->table), xstrdup(m->topic),
                                                 m->partition, m->first, m->last, fe->bytes, fe->rows, 1 };
            continue;
        }
        if (!f) {
            fail(c, "%s names %s, which is not in the lake%s", mpath, fe->final,
                 c->mid_run ? " (nor its temporary with the manifest's size)" : "");
            continue;
        }
        if (f->claimed)
            fail(c, "%s is named by two manifests (again by %s)", fe->final, mpath);
        f->claimed = 1;
        f->rows = fe->rows;
        if (f->size != fe->bytes)
            fail(c, "%s has %" PRIu64 " bytes but %s says %" PRIu64, fe->final, f->size, mpath, fe->bytes);
        if (strcmp(f->topic, m->topic) != 0 || f->partition != m->partition || f->first != m->first ||
            f->last != m->last)
            fail(c, "%s: file %s does not carry the manifest's range %s+%" PRId32 "+%" PRId64 "+%" PRId64, mpath,
                 fe->final, m->topic, m->partition, m->first, m->last);
        if (strcmp(f->table, fe->table) != 0)
            fail(c, "%s: file %s is listed as table %s but lies in folder %s", mpath, fe->final, fe->table,
                 f->table);
    }
    if (m->dedupe) {
        sl_store_info st;
        if (sl_store_stat(c->store, m->dedupe, &st, c->errstr, sizeof c->errstr) != SL_OK)
            fail(c, "%s: dedupe sidecar %s: %s", mpath, m->dedupe, c->errstr);
        else if (st.size != 16 + 8 * m->dedupe_keys)
            fail(c, "%s: dedupe sidecar %s has %" PRIu64 " bytes, not %" PRIu64 " for %" PRIu64 " keys", mpath,
                 m->dedupe, st.size, 16 + 8 * m->dedupe_keys, m->dedupe_keys);
    }
    if (!ours)
        return 0;
    if (!c->offset_gaps && m->messages != (uint64_t)(m->last - m->first + 1))
        fail(c, "%s: %" PRIu64 " messages for offsets %" PRId64 "..%" PRId64, mpath, m->messages, m->first, m->last);
    if (msg_rows + m->duplicates != m->messages)
        fail(c, "%s: rows of the message tables (%" PRIu64 ") + duplicates (%" PRIu64 ") != messages (%" PRIu64 ")",
             mpath, msg_rows, m->duplicates, m->messages);
    lpart *p = part_of(c, m->partition);
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->r = xrealloc(p->r, p->cap * sizeof *p->r);
    }
    p->r[p->n++] = (lrange){ m->first, m->last, m->messages, m->duplicates, m->quarantined, msg_rows, pending,
                             xstrdup(mpath) };
    return 0;
}

/* The put_atomic leftovers and uncommitted sidecars under _sluice for one partition. */
static void check_sluice_dirs(checker *c, const char *topic, int32_t partition, int64_t newest_last)
{
    const char *kinds[2] = { "_sluice/manifests", "_sluice/dedupe" };
    const char *sfx[2] = { ".json", ".keys" };
    for (int k = 0; k < 2; k++) {
        c->path.len = 0;
        if (sl_buf_printf(&c->path, "%s/%s/%" PRId32, kinds[k], topic, partition) != SL_OK)
            exit(1);
        entries es;
        memset(&es, 0, sizeof es);
        sl_err e = sl_store_list(c->store, (const char *)c->path.data, collect, &es, c->errstr, sizeof c->errstr);
        if (e != SL_OK && e != SL_ERR_NOTFOUND)
            fail(c, "cannot list %s: %s", (const char *)c->path.data, c->errstr);
        for (size_t i = 0; i < es.n; i++) {
            int64_t f, l;
            if (!sl_lake_range_name_parse(es.e[i].name, sfx[k], &f, &l)) {
                if (c->mid_run)
                    c->nleftovers++;
                else
                    fail(c, "%s/%s: leftover (not a %s range file)", (const char *)c->path.data, es.e[i].name,
                         sfx[k]);
            } else if (k == 1 && f > newest_last) {
                if (c->mid_run)
                    c->nleftovers++;
                else
                    fail(c, "%s/%s: sidecar of a range that has no manifest", (const char *)c->path.data,
                         es.e[i].name);
            }
        }
        entries_free(&es);
    }
}

/* ---- rows ---- */

static int by_first(const void *a, const void *b)
{
    const lrange *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* Reads the provenance columns of one file of the checked topic; counts the offsets of
 * message-table rows. */
static void check_rows(checker *c, lfile *f)
{
    sl_in in;
    char *err = c->errstr;
    size_t en = sizeof c->errstr;
    if (sl_store_open_in(c->store, f->path, &in, err, en) != SL_OK) {
        fail(c, "%s: %s", f->path, err);
        return;
    }
    sl_pq_reader *r = sl_pq_reader_open(&in, err, en);
    if (!r) {
        fail(c, "%s: %s", f->path, err);
        sl_store_in_close(&in);
        return;
    }
    tcount *tc = table_count(c, f->table);
    int msg = is_msg_table(c, f->table);
    lpart *p = msg ? part_of(c, f->partition) : NULL;
    size_t ct, cp, co;
    if ((uint64_t)sl_pq_reader_nrows(r) != f->rows)
        fail(c, "%s: %" PRId64 " rows, its manifest says %" PRIu64, f->path, sl_pq_reader_nrows(r), f->rows);
    if (sl_pq_reader_find_column(r, "_topic", &ct) != 0 || sl_pq_reader_find_column(r, "_partition", &cp) != 0 ||
        sl_pq_reader_find_column(r, "_offset", &co) != 0) {
        fail(c, "%s: no _topic/_partition/_offset provenance columns", f->path);
        goto done;
    }
    size_t tlen = strlen(c->topic);
    uint64_t bad = 0;
    for (size_t rg = 0; rg < sl_pq_reader_nrow_groups(r); rg++) {
        int64_t n = sl_pq_reader_row_group_rows(r, rg);
        const sl_value *vt, *vp, *vo;
        if (sl_pq_reader_read_column(r, rg, ct, &vt, err, en) != SL_OK ||
            sl_pq_reader_read_column(r, rg, cp, &vp, err, en) != SL_OK ||
            sl_pq_reader_read_column(r, rg, co, &vo, err, en) != SL_OK) {
            fail(c, "%s: row group %zu: %s", f->path, rg, err);
            goto done;
        }
        for (int64_t i = 0; i < n; i++) {
            int64_t off = vo[i].u.i;
            if (vt[i].is_null || vp[i].is_null || vo[i].is_null || vt[i].u.s.n != tlen ||
                memcmp(vt[i].u.s.p, c->topic, tlen) != 0 || vp[i].u.i != f->partition || off < f->first ||
                off > f->last) {
                if (bad++ == 0)
                    fail(c, "%s: row %" PRId64 " of row group %zu has provenance %.*s/%" PRId64 "/%" PRId64
                            ", outside the file's range", f->path, i, rg, vt[i].is_null ? 4 : (int)vt[i].u.s.n,
                         vt[i].is_null ? "null" : vt[i].u.s.p, vp[i].u.i, off);
                continue;
            }
            if (!msg)
                continue;
            if (off < p->base || off - p->base >= p->ncount) {
                fail(c, "%s: offset %" PRId64 " is past every manifest of partition %" PRId32, f->path, off,
                     f->partition);
                continue;
            }
            if (p->count[off - p->base] < 255)
                p->count[off - p->base]++;
        }
        tc->rows += (uint64_t)n;
    }
    if (bad > 1)
        fail(c, "%s: %" PRIu64 " rows with provenance outside the file's range", f->path, bad);
done:
    sl_pq_reader_destroy(r);
    sl_store_in_close(&in);
}

/* ---- main ---- */

static int usage(void)
{
    fputs("usage: lake_check --lake URI --topic T [--tables T1,T2] [--messages N] [--partitions P]\n"
          "                  [--duplicates N] [--quarantined N] [--offset-gaps] [--mid-run] [-q]\n",
          stderr);
    return 2;
}

static int parse_count(const char *s, int64_t *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*s == 0 || *end != 0 || v < 0)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    checker cc;
    checker *c = &cc;
    memset(c, 0, sizeof *c);
    const char *lake = NULL;
    char *tables_arg = NULL;
    int64_t want_messages = -1, want_parts = -1, want_dups = -1, want_quar = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (strcmp(a, "--lake") == 0 && more)
            lake = argv[++i];
        else if (strcmp(a, "--topic") == 0 && more)
            c->topic = argv[++i];
        else if (strcmp(a, "--tables") == 0 && more)
            tables_arg = argv[++i];
        else if (strcmp(a, "--messages") == 0 && more) {
            if (parse_count(argv[++i], &want_messages))
                return usage();
        } else if (strcmp(a, "--partitions") == 0 && more) {
            if (parse_count(argv[++i], &want_parts))
                return usage();
        } else if (strcmp(a, "--duplicates") == 0 && more) {
            if (parse_count(argv[++i], &want_dups))
                return usage();
        } else if (strcmp(a, "--quarantined") == 0 && more) {
            if (parse_count(argv[++i], &want_quar))
                return usage();
        } else if (strcmp(a, "--offset-gaps") == 0)
            c->offset_gaps = 1;
        else if (strcmp(a, "--mid-run") == 0)
            c->mid_run = 1;
        else if (strcmp(a, "-q") == 0)
            c->quiet = 1;
        else
            return usage();
    }
    if (!lake || !c->topic || !sl_lake_topic_valid(c->topic))
        return usage();
    if (tables_arg) {
        char *dup = xstrdup(tables_arg);
        for (char *save = NULL, *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            c->msg_tables = xrealloc(c->msg_tables, (c->nmsg_tables + 1) * sizeof *c->msg_tables);
            c->msg_tables[c->nmsg_tables++] = xstrdup(t);
        }
        free(dup);
    }
    sl_store_opts so = { 0 };
    so.existing_only = 1;
    c->store = sl_store_open(lake, &so, c->errstr, sizeof c->errstr);
    if (!c->store) {
        fprintf(stderr, "lake_check: %s: %s\n", lake, c->errstr);
        return 1;
    }

    /* 1. The table folders. */
    entries root;
    list(c, "", &root);
    for (size_t i = 0; i < root.n; i++)
        if (root.e[i].st.is_dir && strcmp(root.e[i].name, "_sluice") != 0)
            walk(c, root.e[i].name, root.e[i].name, 1);
    entries_free(&root);
    qsort(c->files, c->nfiles, sizeof *c->files, by_path);

    /* 2. The manifests against the files. */
    sl_err e = sl_lake_manifest_each(c->store, on_manifest, c, c->errstr, sizeof c->errstr);
    if (e != SL_OK)
        fail(c, "reading the manifests: %s", c->errstr);
    for (size_t i = 0; i < c->nfiles; i++)
        if (!c->files[i].claimed)
            fail(c, "%s (%" PRIu64 " bytes) is named by no manifest", c->files[i].path, c->files[i].size);

    /* 3. Ranges per partition: from 0, contiguous, no overlap. */
    uint64_t total_messages = 0, total_dups = 0, total_quar = 0, nranges = 0;
    size_t nparts_landed = 0;
    for (size_t pi = 0; pi < c->nparts; pi++) {
        lpart *p = &c->parts[pi];
        if (!p->n)
            continue;
        nparts_landed++;
        qsort(p->r, p->n, sizeof *p->r, by_first);
        /* ranges start at 0, except on a real topic whose oldest messages are gone */
        int64_t next = c->offset_gaps ? p->r[0].first : 0;
        p->base = next;
        for (size_t j = 0; j < p->n; j++) {
            lrange *r = &p->r[j];
            if (r->first > next)
                fail(c, "%s [%zu]: offsets %" PRId64 "..%" PRId64 " are in no manifest", c->topic, pi, next,
                     r->first - 1);
            else if (r->first < next)
                fail(c, "%s [%zu]: %s overlaps the range before it (offsets up to %" PRId64 "): landed twice",
                     c->topic, pi, r->path, next - 1);
            if (r->last + 1 > next)
                next = r->last + 1;
            if (r->pending && j + 1 < p->n)
                fail(c, "%s: files still under their temporary names, but it is not the newest manifest of "
                        "partition %zu: recovery only rolls the newest forward", r->path, pi);
            total_messages += r->messages;
            total_dups += r->duplicates;
            total_quar += r->quarantined;
            nranges++;
        }
        p->ncount = next - p->base;
        p->count = calloc(p->ncount ? (size_t)p->ncount : 1, 1);
        if (!p->count) {
            fputs("lake_check: out of memory\n", stderr);
            return 1;
        }
    }
    /* Bookkeeping of every partition that has any, with or without a manifest. */
    for (int k = 0; k < 2; k++) {
        c->path.len = 0;
        if (sl_buf_printf(&c->path, "%s/%s", k ? "_sluice/dedupe" : "_sluice/manifests", c->topic) != SL_OK)
            exit(1);
        entries es;
        memset(&es, 0, sizeof es);
        sl_err le = sl_store_list(c->store, (const char *)c->path.data, collect, &es, c->errstr, sizeof c->errstr);
        if (le != SL_OK && le != SL_ERR_NOTFOUND)
            fail(c, "cannot list %s: %s", (const char *)c->path.data, c->errstr);
        for (size_t i = 0; i < es.n; i++) {
            char *end;
            long v = strtol(es.e[i].name, &end, 10);
            if (!es.e[i].st.is_dir || *end || end == es.e[i].name || v < 0 || v > INT32_MAX) {
                fail(c, "_sluice/%s/%s/%s: not a partition folder", k ? "dedupe" : "manifests", c->topic,
                     es.e[i].name);
                continue;
            }
            lpart *p = part_of(c, (int32_t)v);
            if (!p->sluice_checked) {
                p->sluice_checked = 1;
                check_sluice_dirs(c, c->topic, (int32_t)v, p->n ? p->r[p->n - 1].last : -1);
            }
        }
        entries_free(&es);
    }

    /* 4. Rows of the topic's files. */
    for (size_t i = 0; i < c->nfiles; i++)
        if (c->files[i].claimed && strcmp(c->files[i].topic, c->topic) == 0)
            check_rows(c, &c->files[i]);
    for (size_t i = 0; i < c->npending; i++)
        if (strcmp(c->pending[i].topic, c->topic) == 0)
            check_rows(c, &c->pending[i]);

    /* 5. Every offset of every range: one row, or counted as a duplicate. */
    for (size_t pi = 0; pi < c->nparts; pi++) {
        lpart *p = &c->parts[pi];
        uint64_t twice = 0;
        for (size_t j = 0; j < p->n; j++) {
            lrange *r = &p->r[j];
            uint64_t none = 0;
            int64_t first_none = -1;
            for (int64_t o = r->first; o <= r->last && o - p->base < p->ncount; o++) {
                uint8_t n = p->count[o - p->base];
                if (n == 0) {
                    if (none++ == 0)
                        first_none = o;
                } else if (n > 1 && twice++ < 5) {
                    fail(c, "%s [%zu] offset %" PRId64 ": %u rows in the message tables (landed twice)", c->topic,
                         pi, o, n);
                }
            }
            if (none != r->duplicates)
                fail(c, "%s: %" PRIu64 " offsets have no row (first %" PRId64 ") but the manifest counts %" PRIu64
                        " duplicates",
                     r->path, none, first_none, r->duplicates);
        }
        if (twice > 5)
            fail(c, "%s [%zu]: %" PRIu64 " offsets landed more than once", c->topic, pi, twice);
    }

    /* 6. Totals. */
    if (want_messages >= 0 && total_messages != (uint64_t)want_messages)
        fail(c, "%s: the manifests account for %" PRIu64 " messages, expected %" PRId64, c->topic, total_messages,
             want_messages);
    if (want_parts >= 0)
        for (int64_t pi = 0; pi < want_parts; pi++)
            if ((size_t)pi >= c->nparts || !c->parts[pi].n)
                fail(c, "%s [%" PRId64 "]: nothing landed", c->topic, pi);
    if (want_dups >= 0 && total_dups != (uint64_t)want_dups)
        fail(c, "%s: %" PRIu64 " duplicates dropped, expected %" PRId64, c->topic, total_dups, want_dups);
    if (want_quar >= 0 && total_quar != (uint64_t)want_quar)
        fail(c, "%s: %" PRIu64 " messages quarantined, expected %" PRId64, c->topic, total_quar, want_quar);
    if (nranges == 0 && c->nfails == 0 && !c->mid_run)
        fail(c, "%s: no manifest for this topic in %s", c->topic, lake);

    int rc = 0;
    if (c->nfails) {
        if (c->nfails > MAX_FAILS_SHOWN)
            fprintf(stderr, "lake_check: ... %" PRIu64 " failures in all\n", c->nfails);
        rc = 1;
    } else if (!c->quiet) {
        size_t nfiles_topic = 0;
        for (size_t i = 0; i < c->nfiles; i++)
            nfiles_topic += strcmp(c->files[i].topic, c->topic) == 0;
        printf("lake_check: ok topic=%s partitions=%zu messages=%" PRIu64 " ranges=%" PRIu64 " files=%zu", c->topic,
               nparts_landed, total_messages, nranges, nfiles_topic);
        for (size_t t = 0; t < c->ntables; t++)
            printf(" rows.%s=%" PRIu64, c->tables[t].table, c->tables[t].rows);
        printf(" quarantined=%" PRIu64 " duplicates=%" PRIu64, total_quar, total_dups);
        if (c->mid_run)
            printf(" tmp_files=%" PRIu64 " pending_renames=%zu leftovers=%" PRIu64, c->ntmp, c->npending,
                   c->nleftovers);
        putchar('\n');
    }

    for (size_t i = 0; i < c->nfiles; i++) {
        free(c->files[i].path);
        free(c->files[i].table);
        free(c->files[i].topic);
    }
    free(c->files);
    for (size_t i = 0; i < c->npending; i++) {
        free(c->pending[i].path);
        free(c->pending[i].table);
        free(c->pending[i].topic);
    }
    free(c->pending);
    for (size_t pi = 0; pi < c->nparts; pi++) {
        for (size_t j = 0; j < c->parts[pi].n; j++)
            free(c->parts[pi].r[j].path);
        free(c->parts[pi].r);
        free(c->parts[pi].count);
    }
    free(c->parts);
    for (size_t t = 0; t < c->ntables; t++)
        free(c->tables[t].table);
    free(c->tables);
    for (size_t t = 0; t < c->nmsg_tables; t++)
        free(c->msg_tables[t]);
    free(c->msg_tables);
    sl_buf_free(&c->path);
    sl_store_close(c->store);
    return rc;
}
