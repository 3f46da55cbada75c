/*
 * land.c: the lander (land.h). Per assigned topic-partition: the uncommitted
 * offset range, its open writers keyed by (table, tenant, dt), the dedupe window
 * and the hashes of the range's landed keys (the sidecar written at commit).
 *
 * Hot path (sl_lander_add): map the message (no allocation per value), look the
 * writer of each row up through a per-table "last writer" cache (rows of one
 * message almost always share table, tenant and dt) backed by a small hash table,
 * and append the row. Writers stream row groups into their temporary files.
 */
#include "lake/land.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lake/lake.h"

#define DEF_MAX_ROWS UINT64_C(10000000)
#define DEF_MAX_BYTES (UINT64_C(256) << 20)
#define DEF_MAX_AGE_MS UINT64_C(300000)
#define DEF_MAX_MEMORY (UINT64_C(64) << 20)
#define DEF_MAX_OPEN 512
#define DEF_DEDUPE_WINDOW 1000000
#define REASON_MAX 1024
/* Rows are staged (copied) and written to their files in batches of about this
 * many bytes, file by file: a file's buffers are touched once per batch instead of
 * once per message (messages of a range scatter over hundreds of dt folders). */
#define STAGE_MAX ((size_t)4 << 20)
#define STAGE_BLOCK ((size_t)1 << 20)

/* One open file of a range: a Parquet writer streaming into a temporary file. */
typedef struct part part;

typedef struct pwriter {
    part *owner;
    size_t table;        /* mapping table index; ntables = quarantine */
    int32_t dt;
    char *tenant;        /* NUL-terminated copy, NULL when none */
    size_t tenant_len;
    uint64_t key;        /* lookup hash of (table, tenant, dt) */
    char *dir;           /* folder, from the lake root */
    char *tmp;           /* temporary file path */
    sl_store_file *file; /* NULL once finished or aborted */
    sl_pq_writer *w;
    uint64_t rows;       /* rows staged or written */
    size_t buffered;     /* last known sl_pq_writer_buffered_bytes */
    uint64_t written;    /* last known sl_pq_writer_bytes_written */
    uint32_t stage_head, stage_tail; /* its staged rows (index + 1; 0: none) */
    size_t staged;       /* bytes of its staged rows */
} pwriter;

/* A staged row: its file, its cells in the stage, the file's next staged row. */
typedef struct staged {
    pwriter *w;
    size_t vals;
    uint32_t next;
} staged;

/* Bytes of staged strings, in blocks that never move until the stage is emptied. */
typedef struct stage_block {
    uint8_t *p;
    size_t cap, used;
} stage_block;

struct part {
    char *topic;
    int32_t partition;
    int assigned;          /* 0 after a failure: must be assigned again */
    int64_t committed_last;
    uint64_t epoch;        /* ownership epoch claimed by its last recovery (lake.h) */
    int64_t first, last;   /* uncommitted range; first < 0: empty */
    uint64_t started_ms;
    uint64_t messages, quarantined, duplicates, extra_keys;
    uint64_t *rows;        /* per table, this range */
    pwriter **w;
    size_t nw, capw;
    uint32_t *slots;       /* writer index + 1; 0 empty; nslots a power of two */
    size_t nslots;
    pwriter **lastw;       /* per table: the writer the previous row went to */
    uint64_t max_file_rows, max_file_bytes;
    size_t buffered;
    sl_dedupe *dd;         /* created when the first key needs it */
    uint64_t *hashes;      /* keys landed in this range, in order */
    size_t nhashes, caphashes;
    int stage_failed;      /* a staged row failed to write: fail after the flush */
};

struct sl_lander {
    sl_store *store;
    const sl_mapping *mapping;
    sl_mapper *mapper;
    sl_tenant_extractor *tenant_x; /* opts.tenant_from set; NULL otherwise */
    sl_lander_opts opts;
    sl_pq_pool *pq_pool;         /* shared by this lander's writers (unless opts.pq.pool) */
    const char *codec;
    size_t ntables;              /* mapping tables; quarantine is index ntables */
    const char **names;          /* ntables + 1 */
    const sl_column **cols;      /* ntables + 1 */
    size_t *ncols;               /* ntables + 1 */
    size_t **required;           /* per mapping table: indexes of required columns */
    size_t *nrequired;
    part **parts;
    size_t nparts, capparts;
    part *cached;
    sl_value *qrow;
    char reason[REASON_MAX];
    int last_quarantined;        /* the last sl_lander_add quarantined its message (reason) */
    uint64_t buffered;
    uint64_t open_files;
    sl_lander_stats st;
    uint64_t *table_rows;        /* committed, ntables + 1 */
    pwriter **scratch;           /* relieve_memory's list of writers */
    size_t capscratch;
    /* the stage (see STAGE_MAX) */
    sl_value *svals;
    size_t nsvals, capsvals;
    staged *srows;
    size_t nsrows, capsrows;
    pwriter **stouched;          /* files with staged rows, in first-staged order */
    size_t nstouched, capstouched;
    stage_block *sblocks;
    size_t nsblocks, cursblock;
    size_t stage_bytes;
    /* Test hook SLUICE_TEST_CRASH_AT=STEP[:N] (crash_point); empty step: off. */
    char crash_step[16];
    uint64_t crash_nth, crash_seen;
};

/* Test hook, for the crash tests (docs/EXACTLY_ONCE.md): with the environment
 * variable SLUICE_TEST_CRASH_AT=STEP[:N] (read once by sl_lander_new), the process
 * ends at once with _exit(137), like a kill -9, the Nth time (default 1) any
 * partition reaches STEP: "files" (the range's temporaries finished and synced, no
 * sidecar or manifest yet), "sidecar" (dedupe sidecar written, no manifest),
 * "manifest" (manifest written, nothing renamed), "rename" (first file of several
 * renamed), "offsets" (renames durable, the driver's Kafka offset commit not made),
 * "recovered" (an assignment's recovery done, nothing read yet). Unset: no effect. */
static void crash_point(sl_lander *l, const char *step)
{
    if (l->crash_step[0] && strcmp(l->crash_step, step) == 0 && ++l->crash_seen >= l->crash_nth)
        _exit(137);
}

/* Reads SLUICE_TEST_CRASH_AT into the lander (ignored when malformed). */
static void crash_hook_init(sl_lander *l)
{
    const char *v = getenv("SLUICE_TEST_CRASH_AT");
    if (!v || !*v)
        return;
    size_t n = strcspn(v, ":");
    if (n == 0 || n >= sizeof l->crash_step)
        return;
    memcpy(l->crash_step, v, n);
    l->crash_step[n] = 0;
    l->crash_nth = v[n] == ':' ? strtoull(v + n + 1, NULL, 10) : 1;
}

sl_lander_opts sl_lander_opts_default(void)
{
    sl_lander_opts o;
    memset(&o, 0, sizeof o);
    o.pq = sl_pq_options_default();
    o.max_rows = DEF_MAX_ROWS;
    o.max_bytes = DEF_MAX_BYTES;
    o.max_age_ms = DEF_MAX_AGE_MS;
    o.max_memory = DEF_MAX_MEMORY;
    o.max_open_files = DEF_MAX_OPEN;
    o.dedupe_window = DEF_DEDUPE_WINDOW;
    return o;
}

static uint64_t mono_ms(void *ctx)
{
    (void)ctx;
    return sl_now_ns() / 1000000u;
}

uint64_t sl_lander_now_ms(const sl_lander *l) { return l->opts.clock_ms(l->opts.clock_ctx); }

static int32_t today_utc(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return sl_lake_day_of_us((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/* ---------------------------------------------------------------- writers */

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return h;
}

static uint64_t writer_key(size_t table, const char *tenant, size_t tlen, int32_t dt)
{
    uint64_t h = mix64(((uint64_t)table << 32) ^ (uint32_t)dt);
    if (tenant)
        h ^= sl_lake_key_hash(NULL, 0, tenant, tlen);
    return h;
}

static int writer_is(const pwriter *w, size_t table, const char *tenant, size_t tlen, int32_t dt)
{
    if (w->table != table || w->dt != dt)
        return 0;
    if (!tenant)
        return w->tenant == NULL;
    return w->tenant && w->tenant_len == tlen && memcmp(w->tenant, tenant, tlen) == 0;
}

/* Rebuilds the lookup table with room for at least twice the writers. */
static sl_err slots_grow(part *p)
{
    size_t n = p->nslots ? p->nslots * 2 : 64;
    while (n < (p->nw + 1) * 2)
        n *= 2;
    uint32_t *s = calloc(n, sizeof *s);
    if (!s)
        return SL_ERR_NOMEM;
    for (size_t i = 0; i < p->nw; i++) {
        size_t j = (size_t)p->w[i]->key & (n - 1);
        while (s[j])
            j = (j + 1) & (n - 1);
        s[j] = (uint32_t)(i + 1);
    }
    free(p->slots);
    p->slots = s;
    p->nslots = n;
    return SL_OK;
}

static void writer_free(pwriter *w)
{
    if (!w)
        return;
    sl_pq_writer_destroy(w->w);
    free(w->tenant);
    free(w->dir);
    free(w->tmp);
    free(w);
}

/* Creates the writer of (table, tenant, dt) for the range starting at `first`:
 * the temporary file in the table's folder and a Parquet writer streaming into it. */
static sl_err writer_create(sl_lander *l, part *p, size_t table, const char *tenant, size_t tlen,
                            int32_t dt, int64_t first, pwriter **out, char *errstr, size_t errstr_size)
{
    sl_err e = SL_OK;
    sl_buf path = { 0 };
    pwriter *w = calloc(1, sizeof *w);
    if (!w)
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    w->owner = p;
    w->table = table;
    w->dt = dt;
    w->key = writer_key(table, tenant, tlen, dt);
    if (tenant) {
        if (!(w->tenant = strndup(tenant, tlen)))
            goto nomem;
        w->tenant_len = tlen;
    }
    if (sl_lake_dir(&path, l->names[table], w->tenant, dt) != SL_OK || !(w->dir = strdup((char *)path.data)))
        goto nomem;
    if (sl_buf_printf(&path, "/") != SL_OK ||
        sl_lake_tmp_name(&path, p->topic, p->partition, first, l->codec) != SL_OK ||
        !(w->tmp = strdup((char *)path.data)))
        goto nomem;
    if (p->nw == p->capw) {
        size_t nc = p->capw ? p->capw * 2 : 8;
        pwriter **nw = realloc(p->w, nc * sizeof *nw);
        if (!nw)
            goto nomem;
        p->w = nw;
        p->capw = nc;
    }
    if ((p->nw + 1) * 2 > p->nslots && slots_grow(p) != SL_OK)
        goto nomem;
    e = sl_store_create(l->store, w->tmp, &w->file, errstr, errstr_size);
    if (e != SL_OK)
        goto err;
    w->w = sl_pq_writer_new(l->cols[table], l->ncols[table], &l->opts.pq, sl_store_file_out(w->file), errstr,
                            errstr_size);
    if (!w->w) {
        e = SL_ERR_INVALID;
        sl_store_file_abort(w->file);
        goto err;
    }
    w->written = sl_pq_writer_bytes_written(w->w);
    size_t j = (size_t)w->key & (p->nslots - 1);
    while (p->slots[j])
        j = (j + 1) & (p->nslots - 1);
    p->slots[j] = (uint32_t)(p->nw + 1);
    p->w[p->nw++] = w;
    l->open_files++;
    *out = w;
    sl_buf_free(&path);
    return SL_OK;
nomem:
    e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
err:
    sl_buf_free(&path);
    writer_free(w);
    return e;
}

/* The writer of (table, tenant, dt) in p, created when missing. */
static sl_err writer_get(sl_lander *l, part *p, size_t table, const char *tenant, size_t tlen, int32_t dt,
                         int64_t first, pwriter **out, char *errstr, size_t errstr_size)
{
    pwriter *w = p->lastw[table];
    if (w && writer_is(w, table, tenant, tlen, dt)) {
        *out = w;
        return SL_OK;
    }
    if (p->nslots) {
        uint64_t key = writer_key(table, tenant, tlen, dt);
        for (size_t j = (size_t)key & (p->nslots - 1); p->slots[j]; j = (j + 1) & (p->nslots - 1)) {
            w = p->w[p->slots[j] - 1];
            if (w->key == key && writer_is(w, table, tenant, tlen, dt)) {
                p->lastw[table] = w;
                *out = w;
                return SL_OK;
            }
        }
    }
    sl_err e = writer_create(l, p, table, tenant, tlen, dt, first, &w, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    p->lastw[table] = w;
    *out = w;
    return SL_OK;
}

/* Updates the size accounting of writer, partition and lander after writes. */
static void account(sl_lander *l, pwriter *w)
{
    part *p = w->owner;
    size_t buffered = sl_pq_writer_buffered_bytes(w->w);
    w->written = sl_pq_writer_bytes_written(w->w);
    l->buffered = l->buffered - w->buffered + buffered;
    p->buffered = p->buffered - w->buffered + buffered;
    w->buffered = buffered;
    w->staged = 0;
    if (w->written + buffered > p->max_file_bytes)
        p->max_file_bytes = w->written + buffered;
}

/* A copy of n string bytes in the stage (valid until the stage is emptied). */
static const char *stage_copy(sl_lander *l, const char *s, size_t n)
{
    if (n == 0)
        return "";
    for (;;) {
        if (l->cursblock < l->nsblocks) {
            stage_block *b = &l->sblocks[l->cursblock];
            if (b->cap - b->used >= n) {
                uint8_t *d = b->p + b->used;
                memcpy(d, s, n);
                b->used += n;
                return (const char *)d;
            }
            if (b->used == 0) { /* an empty block too small for this string: grow it */
                uint8_t *np = realloc(b->p, n);
                if (!np)
                    return NULL;
                b->p = np;
                b->cap = n;
                continue;
            }
            l->cursblock++;
            continue;
        }
        stage_block *nb = realloc(l->sblocks, (l->nsblocks + 1) * sizeof *nb);
        if (!nb)
            return NULL;
        l->sblocks = nb;
        size_t cap = n > STAGE_BLOCK ? n : STAGE_BLOCK;
        if (!(nb[l->nsblocks].p = malloc(cap)))
            return NULL;
        nb[l->nsblocks].cap = cap;
        nb[l->nsblocks].used = 0;
        l->nsblocks++;
    }
}

/* Stages one row of file w: its cells are copied (strings too), so the mapper's
 * buffers can be reused at once. Counts the row for the due limits. */
static sl_err stage_put(sl_lander *l, part *p, pwriter *w, const sl_value *row, char *errstr,
                        size_t errstr_size)
{
    size_t nc = l->ncols[w->table];
    const sl_column *cols = l->cols[w->table];
    if ((l->nsvals + nc > l->capsvals || l->nsrows == l->capsrows || l->nstouched == l->capstouched)) {
        size_t cv = l->capsvals ? l->capsvals : 4096, cr = l->capsrows ? l->capsrows : 1024,
               ct = l->capstouched ? l->capstouched : 64;
        while (cv < l->nsvals + nc)
            cv *= 2;
        if (l->nsrows == cr)
            cr *= 2;
        if (l->nstouched == ct)
            ct *= 2;
        sl_value *nv = cv != l->capsvals ? realloc(l->svals, cv * sizeof *nv) : l->svals;
        if (nv)
            l->svals = nv, l->capsvals = cv;
        staged *nr = cr != l->capsrows ? realloc(l->srows, cr * sizeof *nr) : l->srows;
        if (nr)
            l->srows = nr, l->capsrows = cr;
        pwriter **nt = ct != l->capstouched ? realloc(l->stouched, ct * sizeof *nt) : l->stouched;
        if (nt)
            l->stouched = nt, l->capstouched = ct;
        if (!nv || !nr || !nt)
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    }
    sl_value *dst = l->svals + l->nsvals;
    size_t before = l->stage_bytes;
    memcpy(dst, row, nc * sizeof *dst);
    for (size_t c = 0; c < nc; c++) {
        if ((cols[c].type != SL_T_STRING && cols[c].type != SL_T_BINARY) || dst[c].is_null)
            continue;
        const char *copy = stage_copy(l, dst[c].u.s.p, dst[c].u.s.n);
        if (!copy)
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        dst[c].u.s.p = copy;
        l->stage_bytes += dst[c].u.s.n;
    }
    uint32_t idx = (uint32_t)l->nsrows + 1;
    l->srows[l->nsrows++] = (staged){ w, l->nsvals, 0 };
    l->nsvals += nc;
    l->stage_bytes += nc * sizeof *dst;
    w->staged += l->stage_bytes - before;
    if (w->written + w->buffered + w->staged > p->max_file_bytes)
        p->max_file_bytes = w->written + w->buffered + w->staged;
    if (w->stage_tail)
        l->srows[w->stage_tail - 1].next = idx;
    else {
        w->stage_head = idx;
        l->stouched[l->nstouched++] = w;
    }
    w->stage_tail = idx;
    w->rows++;
    if (w->rows > p->max_file_rows)
        p->max_file_rows = w->rows;
    return SL_OK;
}

static void fail_partition(sl_lander *l, part *p, int manifest_maybe_written);

/* Writes the staged rows, file by file, in their order, and empties the stage. A
 * write error fails that file's partition (after the pass, so no staged row
 * points at a freed file meanwhile); the first error is returned. */
static sl_err stage_flush(sl_lander *l, char *errstr, size_t errstr_size)
{
    sl_err first = SL_OK;
    for (size_t i = 0; i < l->nstouched; i++) {
        pwriter *w = l->stouched[i];
        if (!w->owner->stage_failed) {
            for (uint32_t k = w->stage_head; k; k = l->srows[k - 1].next) {
                char e2[512];
                sl_err e = sl_pq_writer_write_row(w->w, l->svals + l->srows[k - 1].vals, e2, sizeof e2);
                if (e != SL_OK) {
                    if (first == SL_OK)
                        first = sl_errf(e, errstr, errstr_size, "%s [%d]: %s", w->owner->topic,
                                        (int)w->owner->partition, e2);
                    w->owner->stage_failed = 1;
                    break;
                }
            }
            account(l, w);
        }
        w->stage_head = w->stage_tail = 0;
    }
    l->nstouched = l->nsrows = l->nsvals = 0;
    l->stage_bytes = 0;
    for (size_t b = 0; b < l->nsblocks; b++)
        l->sblocks[b].used = 0;
    l->cursblock = 0;
    if (first != SL_OK)
        for (size_t i = 0; i < l->nparts; i++)
            if (l->parts[i]->stage_failed) {
                l->parts[i]->stage_failed = 0;
                fail_partition(l, l->parts[i], 0);
            }
    return first;
}

/* 1 when no other lander has recovered p since its last recovery here (lake.h:
 * ownership epochs). On any doubt (a store error) 0: nothing of p may be deleted. */
static int still_owned(sl_lander *l, const part *p)
{
    char e2[512];
    return sl_lake_owner_check(l->store, p->topic, p->partition, p->epoch, e2, sizeof e2) == SL_OK;
}

/* Closes the partition's writers. delete_tmps: also delete temporary files that
 * were already finished (a rollback); open ones are aborted (deleted). Unless the
 * partition is no longer ours: then another lander may be writing files of the same
 * names, so open files are only closed and nothing is deleted (its recovery did). */
static void drop_writers(sl_lander *l, part *p, int delete_tmps)
{
    int touches = 0;
    for (size_t i = 0; i < p->nw && !touches; i++)
        touches = p->w[i]->file != NULL || delete_tmps;
    int mine = !touches || still_owned(l, p);
    for (size_t i = 0; i < p->nw; i++) {
        pwriter *w = p->w[i];
        if (w->file) {
            char e2[256];
            if (mine)
                sl_store_file_abort(w->file);
            else
                sl_store_file_finish(w->file, e2, sizeof e2); /* closed, left to the owner's sweep */
            w->file = NULL;
            l->open_files--;
        } else if (delete_tmps && mine) {
            sl_store_delete(l->store, w->tmp, 0, NULL, 0);
        }
        l->buffered -= w->buffered;
        writer_free(w);
    }
    p->nw = 0;
    p->buffered = 0;
    if (p->slots)
        memset(p->slots, 0, p->nslots * sizeof *p->slots);
    memset(p->lastw, 0, (l->ntables + 1) * sizeof *p->lastw);
}

/* Empties the range's counters (writers already dropped). */
static void range_reset(sl_lander *l, part *p)
{
    p->first = p->last = -1;
    p->messages = p->quarantined = p->duplicates = p->extra_keys = 0;
    memset(p->rows, 0, (l->ntables + 1) * sizeof *p->rows);
    p->max_file_rows = p->max_file_bytes = 0;
    p->nhashes = 0;
}

/* After a failed add or commit: drops the range and requires a new assign.
 * manifest_maybe_written: leave finished temporaries for recovery to judge. */
static void fail_partition(sl_lander *l, part *p, int manifest_maybe_written)
{
    drop_writers(l, p, !manifest_maybe_written);
    range_reset(l, p);
    sl_dedupe_destroy(p->dd);
    p->dd = NULL;
    p->assigned = 0;
}

static int by_buffered_desc(const void *a, const void *b)
{
    const pwriter *x = *(pwriter *const *)a, *y = *(pwriter *const *)b;
    return x->buffered < y->buffered ? 1 : x->buffered > y->buffered ? -1 : 0;
}

/* Over max_memory: writes out the row groups of the biggest open files (of any
 * partition) until the lander buffers at most 3/4 of it. Files stay open, so this
 * bounds memory without making more files. A write error fails the partition of
 * the file concerned (its error is returned). */
static sl_err relieve_memory(sl_lander *l, char *errstr, size_t errstr_size)
{
    sl_err fe = stage_flush(l, errstr, errstr_size);
    if (fe != SL_OK)
        return fe;
    size_t n = 0;
    for (size_t i = 0; i < l->nparts; i++)
        n += l->parts[i]->nw;
    if (n > l->capscratch) {
        pwriter **ns = realloc(l->scratch, n * sizeof *ns);
        if (!ns)
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        l->scratch = ns;
        l->capscratch = n;
    }
    n = 0;
    for (size_t i = 0; i < l->nparts; i++)
        for (size_t j = 0; j < l->parts[i]->nw; j++)
            if (l->parts[i]->w[j]->file && l->parts[i]->w[j]->buffered)
                l->scratch[n++] = l->parts[i]->w[j];
    qsort(l->scratch, n, sizeof *l->scratch, by_buffered_desc);
    uint64_t target = l->opts.max_memory / 4 * 3;
    for (size_t k = 0; k < n && l->buffered > target; k++) {
        pwriter *w = l->scratch[k];
        sl_err e = sl_pq_writer_flush_row_group(w->w, errstr, errstr_size);
        size_t buffered = sl_pq_writer_buffered_bytes(w->w);
        w->written = sl_pq_writer_bytes_written(w->w);
        l->buffered = l->buffered - w->buffered + buffered;
        part *p = w->owner;
        p->buffered = p->buffered - w->buffered + buffered;
        w->buffered = buffered;
        l->st.early_row_groups++;
        if (e != SL_OK) {
            fail_partition(l, p, 0);
            return e;
        }
    }
    return SL_OK;
}

/* ---------------------------------------------------------------- partitions */

static void part_free(sl_lander *l, part *p)
{
    if (!p)
        return;
    drop_writers(l, p, 1);
    sl_dedupe_destroy(p->dd);
    free(p->topic);
    free(p->rows);
    free(p->w);
    free(p->slots);
    free(p->lastw);
    free(p->hashes);
    free(p);
}

static part *find_part(sl_lander *l, const char *topic, int32_t partition)
{
    part *c = l->cached;
    if (c && c->partition == partition && strcmp(c->topic, topic) == 0)
        return c;
    for (size_t i = 0; i < l->nparts; i++) {
        part *p = l->parts[i];
        if (p->partition == partition && strcmp(p->topic, topic) == 0) {
            l->cached = p;
            return p;
        }
    }
    return NULL;
}

static sl_err assigned_part(sl_lander *l, const char *topic, int32_t partition, part **out, char *errstr,
                            size_t errstr_size)
{
    part *p = find_part(l, topic, partition);
    if (!p)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s [%" PRId32 "] is not assigned", topic,
                       partition);
    if (!p->assigned)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "%s [%" PRId32 "] must be assigned again after a failure (recovery)", topic, partition);
    *out = p;
    return SL_OK;
}

static void remove_part(sl_lander *l, part *p)
{
    for (size_t i = 0; i < l->nparts; i++)
        if (l->parts[i] == p) {
            l->parts[i] = l->parts[--l->nparts];
            break;
        }
    if (l->cached == p)
        l->cached = NULL;
    part_free(l, p);
}

static sl_err dedupe_feed(void *ctx, const uint64_t *hashes, size_t n)
{
    part *p = ctx;
    for (size_t i = 0; i < n; i++)
        if (sl_dedupe_add(p->dd, &hashes[i], sizeof hashes[i]) != SL_OK)
            return SL_ERR_NOMEM;
    return SL_OK;
}

sl_err sl_lander_assign(sl_lander *l, const char *topic, int32_t partition, int64_t *resume_offset,
                        char *errstr, size_t errstr_size)
{
    *resume_offset = -1;
    if (!sl_lake_topic_valid(topic))
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "'%s' is not a valid topic name (1 to 249 of [A-Za-z0-9._-])", topic);
    if (partition < 0)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "partition %" PRId32 " is negative", partition);
    part *p = find_part(l, topic, partition);
    if (p && p->assigned && p->first >= 0)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "%s [%" PRId32 "] is assigned and has uncommitted messages", topic, partition);
    if (!p) {
        if (l->nparts == l->capparts) {
            size_t nc = l->capparts ? l->capparts * 2 : 8;
            part **np = realloc(l->parts, nc * sizeof *np);
            if (!np)
                return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            l->parts = np;
            l->capparts = nc;
        }
        p = calloc(1, sizeof *p);
        if (!p || !(p->topic = strdup(topic)) || !(p->rows = calloc(l->ntables + 1, sizeof *p->rows)) ||
            !(p->lastw = calloc(l->ntables + 1, sizeof *p->lastw))) {
            if (p) {
                free(p->topic);
                free(p->rows);
                free(p);
            }
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        }
        p->partition = partition;
        l->parts[l->nparts++] = p;
    }
    p->assigned = 0;
    range_reset(l, p);
    sl_dedupe_destroy(p->dd);
    p->dd = NULL;

    sl_lake_recovery rec;
    sl_err e = sl_lake_recover(l->store, topic, partition, l->names, l->ntables + 1, &rec, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    l->st.rolled_forward += rec.rolled_forward;
    l->st.rolled_back += rec.rolled_back;
    crash_point(l, "recovered");
    p->committed_last = rec.resume >= 0 ? rec.resume - 1 : -1;
    p->epoch = rec.epoch;
    if (!l->opts.no_dedupe && p->committed_last >= 0) {
        if (!(p->dd = sl_dedupe_new(l->opts.dedupe_window)))
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory for the dedupe window");
        e = sl_lake_dedupe_load(l->store, topic, partition, p->committed_last, l->opts.dedupe_window,
                                dedupe_feed, p, errstr, errstr_size);
        if (e != SL_OK)
            return e;
    }
    p->assigned = 1;
    *resume_offset = rec.resume;
    return SL_OK;
}

/* ---------------------------------------------------------------- add */

/* Writes one quarantine row for the message. */
static sl_err quarantine(sl_lander *l, part *p, int64_t first, const void *msg, size_t len,
                         const sl_origin *origin, char *errstr, size_t errstr_size)
{
    size_t q = l->ntables;
    sl_quarantine_row(l->qrow, l->reason, msg, len, origin);
    pwriter *w;
    sl_err e = writer_get(l, p, q, NULL, 0, today_utc(), first, &w, errstr, errstr_size);
    if (e == SL_OK)
        e = stage_put(l, p, w, l->qrow, errstr, errstr_size);
    if (e == SL_OK) {
        p->quarantined++;
        p->rows[q]++;
        l->last_quarantined = 1;
    }
    return e;
}

/* A NULL in a required column would make the writer fail halfway through a
 * message: find it first so the message is quarantined whole instead. */
static int missing_required(sl_lander *l, const sl_map_result *res)
{
    for (size_t t = 0; t < l->ntables; t++) {
        const sl_map_rows *rows = &res->tables[t];
        for (size_t r = 0; r < rows->nrows; r++)
            for (size_t k = 0; k < l->nrequired[t]; k++) {
                size_t c = l->required[t][k];
                if (rows->values[r * rows->ncols + c].is_null) {
                    snprintf(l->reason, sizeof l->reason, "table %s, row %zu: required column %s is null",
                             l->names[t], r, l->cols[t][c].name);
                    return 1;
                }
            }
    }
    return 0;
}

sl_err sl_lander_add(sl_lander *l, const char *topic, int32_t partition, const void *msg, size_t len,
                     const sl_origin *origin, char *errstr, size_t errstr_size)
{
    part *p;
    l->last_quarantined = 0;
    sl_err e = assigned_part(l, topic, partition, &p, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    int64_t off = origin->offset;
    if (off <= p->committed_last) {
        l->st.already_landed++;
        return SL_OK;
    }
    if (p->first >= 0 && off <= p->last)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "%s [%" PRId32 "]: offset %" PRId64 " comes after %" PRId64
                       " (offsets must increase; assign again to rewind)",
                       topic, partition, off, p->last);
    int64_t first = p->first >= 0 ? p->first : off;
    const sl_map_result *res = NULL;
    l->reason[0] = 0;
    const char *xtenant = NULL;
    size_t xtlen = 0;
    sl_map_status ms = SL_MAP_QUARANTINE;
    if (!l->tenant_x || sl_tenant_extract(l->tenant_x, msg, len, origin, &xtenant, &xtlen, l->reason,
                                          sizeof l->reason) == 0)
        ms = sl_mapper_map(l->mapper, msg, len, origin, &res, l->reason, sizeof l->reason);
    if (ms == SL_MAP_OK && missing_required(l, res))
        ms = SL_MAP_QUARANTINE;
    if (ms != SL_MAP_OK) {
        e = quarantine(l, p, first, msg, len, origin, errstr, errstr_size);
        if (e != SL_OK)
            goto fail;
        goto advance;
    }
    const char *tenant = res->tenant;
    size_t tlen = res->tenant_len;
    if (xtenant) {
        tenant = xtenant;
        tlen = xtlen;
    } else if (!tenant && l->opts.tenant) {
        tenant = l->opts.tenant;
        tlen = strlen(tenant);
    }
    int have_key = !l->opts.no_dedupe && res->dedupe_key != NULL;
    uint64_t h = 0;
    if (have_key) {
        h = sl_lake_key_hash(tenant, tlen, res->dedupe_key, res->dedupe_key_len);
        if (!p->dd && !(p->dd = sl_dedupe_new(l->opts.dedupe_window))) {
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory for the dedupe window");
            goto fail;
        }
        if (sl_dedupe_seen(p->dd, &h, sizeof h)) {
            p->duplicates++;
            goto advance;
        }
        if (p->nhashes == p->caphashes) {
            size_t nc = p->caphashes ? p->caphashes * 2 : 1024;
            uint64_t *nh = realloc(p->hashes, nc * sizeof *nh);
            if (!nh) {
                e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
                goto fail;
            }
            p->hashes = nh;
            p->caphashes = nc;
        }
    }
    for (size_t t = 0; t < l->ntables; t++) {
        const sl_map_rows *rows = &res->tables[t];
        for (size_t r = 0; r < rows->nrows; r++) {
            pwriter *w;
            e = writer_get(l, p, t, tenant, tlen, rows->dt[r], first, &w, errstr, errstr_size);
            if (e == SL_OK)
                e = stage_put(l, p, w, rows->values + r * rows->ncols, errstr, errstr_size);
            if (e != SL_OK)
                goto fail;
        }
        p->rows[t] += rows->nrows;
    }
    p->extra_keys += res->extra_keys;
    if (have_key) {
        if (sl_dedupe_add(p->dd, &h, sizeof h) != SL_OK) {
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            goto fail;
        }
        p->hashes[p->nhashes++] = h;
    }
advance:
    /* The message belongs to the range from here on, whatever follows. */
    if (p->first < 0) {
        p->first = off;
        p->started_ms = sl_lander_now_ms(l);
    }
    p->last = off;
    p->messages++;
    /* Writing the stage or row groups out may fail a partition (this one or
     * another: that one reports it at its next add or commit, as "assign again").
     * This add failed only if its own partition did. */
    e = SL_OK;
    if (l->stage_bytes >= STAGE_MAX)
        e = stage_flush(l, errstr, errstr_size);
    if (e == SL_OK && l->buffered + l->stage_bytes > l->opts.max_memory)
        e = relieve_memory(l, errstr, errstr_size);
    if (e != SL_OK && !p->assigned) {
        l->last_quarantined = 0;
        return e;
    }
    return SL_OK;
fail:
    l->last_quarantined = 0;
    stage_flush(l, NULL, 0);
    if (p->assigned)
        fail_partition(l, p, 0);
    return e;
}

const char *sl_lander_last_quarantine(const sl_lander *l)
{
    return l->last_quarantined ? l->reason : NULL;
}

/* ---------------------------------------------------------------- due */

const char *sl_due_reason_name(sl_due_reason r)
{
    switch (r) {
    case SL_DUE_ROWS: return "rows";
    case SL_DUE_BYTES: return "bytes";
    case SL_DUE_AGE: return "age";
    case SL_DUE_FILES: return "files";
    }
    return "?";
}

static int listed(const sl_lander_due_item *out, size_t n, const part *p)
{
    for (size_t i = 0; i < n; i++)
        if (out[i].partition == p->partition && strcmp(out[i].topic, p->topic) == 0)
            return 1;
    return 0;
}

size_t sl_lander_due(sl_lander *l, uint64_t now_ms, sl_lander_due_item *out, size_t max)
{
    size_t n = 0;
    part *most_files = NULL;
    for (size_t i = 0; i < l->nparts; i++) {
        part *p = l->parts[i];
        if (!p->assigned || p->first < 0)
            continue;
        sl_due_reason why = 0;
        if (p->max_file_rows >= l->opts.max_rows)
            why = SL_DUE_ROWS;
        else if (p->max_file_bytes >= l->opts.max_bytes)
            why = SL_DUE_BYTES;
        else if (now_ms >= p->started_ms && now_ms - p->started_ms >= l->opts.max_age_ms)
            why = SL_DUE_AGE;
        if (why && n < max)
            out[n++] = (sl_lander_due_item){ p->topic, p->partition, why };
        if (!most_files || p->nw > most_files->nw)
            most_files = p;
    }
    if (l->open_files > l->opts.max_open_files && most_files && n < max && !listed(out, n, most_files))
        out[n++] = (sl_lander_due_item){ most_files->topic, most_files->partition, SL_DUE_FILES };
    return n;
}

/* ---------------------------------------------------------------- commit */

sl_err sl_lander_commit(sl_lander *l, const char *topic, int32_t partition, int64_t *committed_last,
                        char *errstr, size_t errstr_size)
{
    part *p;
    sl_err e = assigned_part(l, topic, partition, &p, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    if (p->first < 0) {
        *committed_last = p->committed_last;
        return SL_OK;
    }
    e = stage_flush(l, errstr, errstr_size);
    if (!p->assigned) /* its own staged rows failed: the partition is failed already */
        return e != SL_OK ? e : sl_errf(SL_ERR_IO, errstr, errstr_size, "%s [%d] failed", topic, (int)partition);
    e = SL_OK; /* another partition's failure is reported by that partition */
    int manifest_tried = 0;
    size_t nw = p->nw;
    sl_lake_file_entry *files = calloc(p->nw ? p->nw : 1, sizeof *files);
    sl_lake_table_rows *trows = calloc(l->ntables + 1, sizeof *trows);
    char **finals = calloc(p->nw ? p->nw : 1, sizeof *finals);
    sl_buf b = { 0 }, side = { 0 };
    if (!files || !trows || !finals) {
        e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        goto fail;
    }
    char range[SL_LAKE_TOPIC_MAX + 80];
    snprintf(range, sizeof range, "%s+%" PRId32 "+%" PRId64 "+%" PRId64, p->topic, p->partition, p->first,
             p->last);
    /* 1. Every file of the range finished under its temporary name (durable). */
    for (size_t i = 0; i < p->nw; i++) {
        pwriter *w = p->w[i];
        b.len = 0;
        if (sl_buf_printf(&b, "%s/", w->dir) != SL_OK ||
            sl_lake_final_name(&b, p->topic, p->partition, p->first, p->last, l->codec) != SL_OK ||
            !(finals[i] = strdup((char *)b.data)) || sl_pq_writer_add_kv(w->w, "sluice.range", range) != SL_OK ||
            sl_pq_writer_add_kv(w->w, "sluice.mapping", sl_mapping_name(l->mapping)) != SL_OK) {
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            goto fail;
        }
        e = sl_pq_writer_close(w->w, errstr, errstr_size);
        w->written = sl_pq_writer_bytes_written(w->w);
        l->buffered -= w->buffered;
        p->buffered -= w->buffered;
        w->buffered = 0;
        if (e != SL_OK)
            goto fail;
        sl_store_file *f = w->file;
        w->file = NULL;
        l->open_files--;
        e = sl_store_file_finish(f, errstr, errstr_size);
        if (e != SL_OK)
            goto fail;
        files[i] = (sl_lake_file_entry){ l->names[w->table], w->tmp, finals[i], w->rows, w->written };
    }
    e = sl_store_sync(l->store, errstr, errstr_size);
    if (e != SL_OK)
        goto fail;
    crash_point(l, "files");
    /* Still ours? A recovery by another lander since ours deleted our temporaries and
     * lands these offsets itself: then commit nothing and delete nothing (lake.h). */
    e = sl_lake_owner_check(l->store, p->topic, p->partition, p->epoch, errstr, errstr_size);
    if (e != SL_OK) {
        manifest_tried = 1; /* leaves the temporaries to the owner's recovery */
        goto fail;
    }
    /* 2. The dedupe sidecar, then the manifest. */
    sl_lake_manifest m = { 0 };
    m.topic = p->topic;
    m.partition = p->partition;
    m.first = p->first;
    m.last = p->last;
    m.messages = p->messages;
    m.quarantined = p->quarantined;
    m.duplicates = p->duplicates;
    m.extra_keys = p->extra_keys;
    m.mapping = sl_mapping_name(l->mapping);
    size_t nt = 0;
    for (size_t t = 0; t <= l->ntables; t++)
        if (p->rows[t] || t < l->ntables)
            trows[nt++] = (sl_lake_table_rows){ l->names[t], p->rows[t] };
    m.tables = trows;
    m.ntables = nt;
    m.files = files;
    m.nfiles = p->nw;
    if (p->nhashes) {
        if (sl_lake_dedupe_path(&side, p->topic, p->partition, p->first, p->last) != SL_OK) {
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            goto fail;
        }
        e = sl_lake_dedupe_write(l->store, (char *)side.data, p->hashes, p->nhashes, errstr, errstr_size);
        if (e != SL_OK)
            goto fail;
        crash_point(l, "sidecar");
        m.dedupe = (char *)side.data;
        m.dedupe_keys = p->nhashes;
    }
    manifest_tried = 1;
    e = sl_lake_manifest_write(l->store, &m, errstr, errstr_size);
    if (e != SL_OK)
        goto fail;
    crash_point(l, "manifest");
    /* 3. The renames. A final name that exists with the same size was landed by an
     * earlier attempt at this very range: keep it, drop ours. */
    for (size_t i = 0; i < p->nw; i++) {
        e = sl_store_rename(l->store, files[i].tmp, files[i].final, errstr, errstr_size);
        if (e == SL_ERR_EXISTS) {
            sl_store_info st;
            char e2[256];
            if (sl_store_stat(l->store, files[i].final, &st, e2, sizeof e2) == SL_OK && !st.is_dir &&
                st.size == files[i].bytes)
                e = sl_store_delete(l->store, files[i].tmp, 0, errstr, errstr_size);
            else
                e = sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                            "%s already exists with other contents; the lake has two writers for %s [%" PRId32 "]?",
                            files[i].final, p->topic, p->partition);
        }
        if (e != SL_OK)
            goto fail;
        if (i == 0 && p->nw > 1)
            crash_point(l, "rename");
    }
    /* The renames must be durable before a later range's manifest can exist:
     * recovery rolls forward the newest manifest only. */
    e = sl_store_sync(l->store, errstr, errstr_size);
    if (e != SL_OK)
        goto fail;
    crash_point(l, "offsets");
    /* Committed. */
    l->st.messages += p->messages;
    l->st.quarantined += p->quarantined;
    l->st.duplicates += p->duplicates;
    l->st.extra_keys += p->extra_keys;
    l->st.files += p->nw;
    for (size_t i = 0; i < p->nw; i++)
        l->st.bytes += files[i].bytes;
    l->st.commits++;
    for (size_t t = 0; t <= l->ntables; t++)
        l->table_rows[t] += p->rows[t];
    p->committed_last = p->last;
    *committed_last = p->last;
    drop_writers(l, p, 0);
    range_reset(l, p);
    goto done;
fail:
    fail_partition(l, p, manifest_tried);
done:
    for (size_t i = 0; finals && i < nw; i++)
        free(finals[i]);
    free(finals);
    free(files);
    free(trows);
    sl_buf_free(&b);
    sl_buf_free(&side);
    return e;
}

sl_err sl_lander_revoke(sl_lander *l, const char *topic, int32_t partition, int commit, char *errstr,
                        size_t errstr_size)
{
    part *p = find_part(l, topic, partition);
    if (!p)
        return SL_OK;
    sl_err e = SL_OK;
    if (!commit)
        stage_flush(l, NULL, 0); /* staged rows may point at its files */
    if (commit && p->assigned) {
        int64_t last;
        e = sl_lander_commit(l, topic, partition, &last, errstr, errstr_size);
    }
    remove_part(l, p);
    return e;
}

/* ---------------------------------------------------------------- lifecycle and counters */

sl_lander *sl_lander_new(sl_store *store, const sl_mapping *mapping, const sl_lander_opts *opts,
                         char *errstr, size_t errstr_size)
{
    sl_lander *l = calloc(1, sizeof *l);
    if (!l) {
        sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    sl_lander_opts def = sl_lander_opts_default();
    l->opts = opts ? *opts : def;
    if (!l->opts.max_rows)
        l->opts.max_rows = def.max_rows;
    if (!l->opts.max_bytes)
        l->opts.max_bytes = def.max_bytes;
    if (!l->opts.max_age_ms)
        l->opts.max_age_ms = def.max_age_ms;
    if (!l->opts.max_memory)
        l->opts.max_memory = def.max_memory;
    if (!l->opts.max_open_files)
        l->opts.max_open_files = def.max_open_files;
    if (!l->opts.dedupe_window)
        l->opts.dedupe_window = def.dedupe_window;
    if (!l->opts.clock_ms)
        l->opts.clock_ms = mono_ms;
    crash_hook_init(l);
    l->store = store;
    l->mapping = mapping;
    l->codec = sl_pq_codec_name(l->opts.pq.codec);
    if (!l->opts.pq.pool && !(l->opts.pq.pool = l->pq_pool = sl_pq_pool_new()))
        goto nomem;
    size_t nt = sl_mapping_ntables(mapping);
    l->ntables = nt;
    l->names = calloc(nt + 1, sizeof *l->names);
    l->cols = calloc(nt + 1, sizeof *l->cols);
    l->ncols = calloc(nt + 1, sizeof *l->ncols);
    l->required = calloc(nt + 1, sizeof *l->required);
    l->nrequired = calloc(nt + 1, sizeof *l->nrequired);
    l->table_rows = calloc(nt + 1, sizeof *l->table_rows);
    l->qrow = calloc(sl_quarantine_ncols(), sizeof *l->qrow);
    if (!l->names || !l->cols || !l->ncols || !l->required || !l->nrequired || !l->table_rows || !l->qrow)
        goto nomem;
    if (l->opts.tenant && !sl_lake_table_valid(l->opts.tenant)) {
        sl_errf(SL_ERR_INVALID, errstr, errstr_size, "'%s' is not a valid tenant id", l->opts.tenant);
        goto err;
    }
    for (size_t t = 0; t < nt; t++) {
        l->names[t] = sl_mapping_table_name(mapping, t);
        l->cols[t] = sl_mapping_table_columns(mapping, t);
        l->ncols[t] = sl_mapping_table_ncols(mapping, t);
        if (!sl_lake_table_valid(l->names[t]) || strcmp(l->names[t], SL_LAKE_QUARANTINE) == 0) {
            sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                    "mapping %s: table name '%s' cannot be a lake folder ([A-Za-z0-9_-], not _quarantine)",
                    sl_mapping_name(mapping), l->names[t]);
            goto err;
        }
        l->required[t] = calloc(l->ncols[t] ? l->ncols[t] : 1, sizeof **l->required);
        if (!l->required[t])
            goto nomem;
        for (size_t c = 0; c < l->ncols[t]; c++)
            if (l->cols[t][c].required)
                l->required[t][l->nrequired[t]++] = c;
    }
    l->names[nt] = SL_LAKE_QUARANTINE;
    l->cols[nt] = sl_quarantine_columns();
    l->ncols[nt] = sl_quarantine_ncols();
    l->mapper = sl_mapper_new(mapping, errstr, errstr_size);
    if (!l->mapper)
        goto err;
    if (l->opts.tenant_from.src != SL_TENANT_NONE &&
        !(l->tenant_x = sl_tenant_extractor_new(&l->opts.tenant_from, errstr, errstr_size)))
        goto err;
    return l;
nomem:
    sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
err:
    sl_lander_destroy(l);
    return NULL;
}

void sl_lander_destroy(sl_lander *l)
{
    if (!l)
        return;
    stage_flush(l, NULL, 0); /* staged rows point at files about to go */
    for (size_t i = 0; i < l->nparts; i++)
        part_free(l, l->parts[i]);
    for (size_t b = 0; b < l->nsblocks; b++)
        free(l->sblocks[b].p);
    free(l->sblocks);
    free(l->svals);
    free(l->srows);
    free(l->stouched);
    free(l->parts);
    sl_mapper_destroy(l->mapper);
    sl_tenant_extractor_destroy(l->tenant_x);
    if (l->required)
        for (size_t t = 0; t < l->ntables; t++)
            free(l->required[t]);
    free(l->required);
    free(l->nrequired);
    free(l->names);
    free(l->cols);
    free(l->ncols);
    free(l->table_rows);
    free(l->qrow);
    free(l->scratch);
    sl_pq_pool_destroy(l->pq_pool); /* after the writers (part_free) */
    free(l);
}

void sl_lander_get_stats(const sl_lander *l, sl_lander_stats *st)
{
    *st = l->st;
    st->pending_messages = 0;
    for (size_t i = 0; i < l->nparts; i++)
        st->pending_messages += l->parts[i]->messages;
    st->buffered_bytes = l->buffered + l->stage_bytes;
    st->open_files = l->open_files;
}

size_t sl_lander_ntables(const sl_lander *l) { return l->ntables + 1; }
const char *sl_lander_table_name(const sl_lander *l, size_t t) { return t <= l->ntables ? l->names[t] : NULL; }
uint64_t sl_lander_table_rows(const sl_lander *l, size_t t) { return t <= l->ntables ? l->table_rows[t] : 0; }

/* ---------------------------------------------------------------- command line helpers */

sl_lander_opts sl_land_cli_lander_opts(const sl_land_cli_opts *o)
{
    sl_lander_opts lo = sl_lander_opts_default();
    lo.pq.codec = o->codec;
    lo.pq.compression_level = o->compression_level;
    if (o->row_group_size)
        lo.pq.row_group_bytes = (size_t)o->row_group_size;
    if (o->max_rows)
        lo.max_rows = o->max_rows;
    if (o->max_bytes)
        lo.max_bytes = o->max_bytes;
    if (o->max_memory)
        lo.max_memory = o->max_memory;
    if (o->max_age_ms)
        lo.max_age_ms = o->max_age_ms;
    lo.tenant_from = o->tenant_from;
    if (o->dedupe_window == 0)
        lo.no_dedupe = 1;
    else if (o->dedupe_window > 0)
        lo.dedupe_window = (size_t)o->dedupe_window;
    return lo;
}

/* "12.3 MB" style sizes (decimal units, as MB/s). */
static void human_bytes(char *out, size_t n, double b)
{
    const char *u[] = { "B", "kB", "MB", "GB", "TB" };
    int i = 0;
    while (b >= 1000 && i < 4) {
        b /= 1000;
        i++;
    }
    snprintf(out, n, i ? "%.1f %s" : "%.0f %s", b, u[i]);
}

void sl_land_print_summary(FILE *f, const sl_lander *l, double seconds, uint64_t in_bytes)
{
    sl_lander_stats st;
    sl_lander_get_stats(l, &st);
    char in[32], out[32];
    human_bytes(in, sizeof in, (double)in_bytes);
    human_bytes(out, sizeof out, (double)st.bytes);
    double secs = seconds > 1e-9 ? seconds : 1e-9;
    fprintf(f, "landed %" PRIu64 " messages (%" PRIu64 " already landed) in %.2f s", st.messages,
            st.already_landed, seconds);
    if (in_bytes)
        fprintf(f, ": %s read, %.1f MB/s, %.0f messages/s\n", in, (double)in_bytes / 1e6 / secs,
                (double)(st.messages + st.already_landed) / secs);
    else
        fprintf(f, ", %.0f messages/s\n", (double)(st.messages + st.already_landed) / secs);
    for (size_t t = 0; t < l->ntables; t++)
        fprintf(f, "  %-20s %" PRIu64 " rows\n", l->names[t], l->table_rows[t]);
    fprintf(f, "  %-20s %" PRIu64 "\n", "quarantined", st.quarantined);
    fprintf(f, "  %-20s %" PRIu64 "\n", "duplicates dropped", st.duplicates);
    fprintf(f, "  %-20s %" PRIu64 "\n", "extra keys ignored", st.extra_keys);
    fprintf(f, "  %-20s %" PRIu64 " (%s) in %" PRIu64 " commit%s\n", "files written", st.files, out,
            st.commits, st.commits == 1 ? "" : "s");
    if (st.early_row_groups)
        fprintf(f, "  %-20s %" PRIu64 " row groups written early to stay under the memory budget\n", "memory",
                st.early_row_groups);
    if (st.rolled_forward || st.rolled_back)
        fprintf(f, "  %-20s %" PRIu64 " renames finished, %" PRIu64 " temporary files deleted\n", "recovered",
                st.rolled_forward, st.rolled_back);
}
