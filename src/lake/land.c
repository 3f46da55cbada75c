/*
 * land.c: the lander (land.h). Per assigned topic-partition: the uncommitted
 * offset range, its open writers keyed by (table, tenant, dt), and the dedupe
 * window, whose newest keys are the range's landed keys (the sidecar written at
 * commit: read back from the window, so the range keeps no list of its own and
 * a range longer than the window costs no more memory than the window).
 *
 * Hot path (sl_lander_add): map the message (no allocation per value), look the
 * writer of each row up through a per-table "last writer" cache (rows of one
 * message almost always share table, tenant and dt) backed by a small hash table,
 * and stage (copy) the row. Staged rows are written to their files in batches,
 * file by file, so a file's buffers are touched once per batch.
 *
 * Write threads (opts.write_threads): there are two stages. The calling thread
 * maps and stages into one while the write threads write the other. Work is
 * handed out as numbered jobs (write a stage, write row groups out early, close
 * a range's files), one job at a time; a job is a list of files, and every
 * thread takes the job's next file (an atomic counter) until none is left, so
 * no thread idles while another still has a queue of its own. A file may thus be
 * written by different threads in turn, never by two at once: each call on it
 * is made under the calling thread's own sl_pq_pool (sl_pq_writer_set_pool), and
 * its temporary file and Parquet writer are made by whichever thread writes its
 * first row. When the current stage is full the caller waits for the other
 * stage's job (for a local folder it writes files of that job itself meanwhile:
 * the store may be used from several threads; a WebHDFS store may not, so there
 * the caller only waits), empties that stage, publishes the full one and goes on
 * staging. What a thread learns about a file (sizes, failure) it leaves in the
 * file's after[] slot of that stage, read by the caller after the job is done;
 * the caller never touches a writer, a store file or the store while a job may
 * run, except as one of the job's workers. Every other step (commit, revoke,
 * relieve_memory, assign, destroy, failing a partition) first writes both
 * stages and waits for every job (stage_flush), so it sees a quiescent lander
 * exactly as without threads, and jobs other than stages are only published
 * then and waited for at once. A write error marks the writer (and records the
 * first message); the caller fails that writer's partition once no staged row
 * can point at its files. With write_threads < 0 each job runs on the calling
 * thread when published (the same code, no thread).
 */
#include "lake/land.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "lake/lake.h"

#define DEF_MAX_ROWS UINT64_C(10000000)
#define DEF_MAX_BYTES (UINT64_C(256) << 20)
#define DEF_MAX_AGE_MS UINT64_C(300000)
#define DEF_MAX_MEMORY (UINT64_C(48) << 20)
#define DEF_MAX_OPEN 512
/* Local store: open files allowed are the descriptor limit less FD_RESERVE
 * (sockets, the input, the store's own), at most MAX_OPEN_LOCAL. */
#define FD_RESERVE 256
#define MAX_OPEN_LOCAL 8192
#define DEF_DEDUPE_WINDOW 1000000
/* The least default for opts.max_footer_bytes (a quarter of max_memory). */
#define MIN_FOOTER_BYTES ((size_t)1 << 20)
#define REASON_MAX 1024
/* Rows are staged (copied) and written to their files in batches of about this
 * many bytes (opts.stage_bytes), file by file: a file's buffers are touched once
 * per batch instead of once per message (messages of a range scatter over
 * hundreds of dt folders). */
#define DEF_STAGE_BYTES ((size_t)4 << 20)
#define STAGE_BLOCK ((size_t)1 << 20)
#define MAX_WRITE_THREADS 8

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
    size_t home;         /* the write thread that takes it first in a job (round robin per table) */
    int open;            /* counted in open_files: not finished, not dropped */
    /* Made by the thread that writes its first row; file NULL before, and once
     * finished or aborted. */
    sl_store_file *file;
    sl_pq_writer *w;
    int failed;          /* set by a write thread: creating or writing it failed */
    /* What the thread that wrote its rows of stage i saw afterwards (read by the
     * caller once that stage's job is done). */
    struct {
        size_t buffered, footer;
        uint64_t written;
        int opened, failed;
    } after[2];
    uint64_t rows;       /* rows staged or written */
    size_t buffered;     /* last known sl_pq_writer_held_bytes */
    size_t footer;       /* last known sl_pq_writer_footer_bytes */
    uint64_t written;    /* last known sl_pq_writer_bytes_written */
    uint32_t stage_head[2], stage_tail[2]; /* its rows in each stage (index + 1; 0: none) */
    size_t staged[2];    /* bytes of its rows in each stage */
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

/* The copy of the last string staged for one string column of a table. A child
 * row carries its parent's keys as pointers to the same bytes as the parent's
 * row, so a repeat of (src, n) within one message (same epoch: see
 * sl_lander.stage_epoch) shares the copy instead of making another. */
typedef struct staged_str {
    const char *src, *copy;
    uint32_t n;
    uint64_t epoch;
} staged_str;

/* A batch of staged rows (see DEF_STAGE_BYTES, stage_put). */
typedef struct stage {
    sl_value *vals;
    size_t nvals, capvals;
    staged *rows;
    size_t nrows, caprows;
    pwriter **touched;           /* files with staged rows, in first-staged order */
    size_t ntouched, captouched;
    stage_block *blocks;
    size_t nblocks, curblock;
    size_t bytes;
} stage;

typedef enum job_kind {
    JOB_STAGE,      /* write the rows of a stage, file by file */
    JOB_ROW_GROUPS, /* write the buffered row group of each listed file out */
    JOB_SPILL,      /* move each listed file's finished pages to the spill file */
    JOB_CLOSE       /* finish each listed file (footer naming its range, then the store file) */
} job_kind;

/* Work for the write threads: a list of files (a stage's touched files, or w),
 * each written by whichever thread takes it. */
typedef struct job {
    job_kind kind;
    int stage;                   /* JOB_STAGE: which */
    pwriter **w;                 /* JOB_ROW_GROUPS, JOB_CLOSE: the files */
    size_t nw;
} job;

/* A write thread, or (thr[nthreads]) the calling thread when it writes files. */
typedef struct lthread {
    struct sl_lander *l;
    pthread_t th;
    int started;
    sl_pq_pool *pool;            /* for its calls on writers (owned, or opts.pq.pool when borrowed) */
    int own_pool;
} lthread;

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
    size_t footer;         /* footer metadata held by its files (see sl_lander_due) */
    sl_dedupe *dd;         /* created when the first key needs it */
    uint64_t range_keys;   /* keys landed in this range: the newest of dd */
    int stage_failed;      /* one of its files failed in a job: fail it once quiescent */
    const char *range_kv;  /* while its files are closed: their footer's "sluice.range" */
};

struct sl_lander {
    sl_store *store;
    const sl_mapping *mapping;
    sl_mapper *mapper;
    sl_tenant_extractor *tenant_x; /* opts.tenant_from set; NULL otherwise */
    sl_lander_opts opts;
    const char *codec;
    size_t ntables;              /* mapping tables; quarantine is index ntables */
    const char **names;          /* ntables + 1 */
    const sl_column **cols;      /* ntables + 1 */
    size_t *ncols;               /* ntables + 1 */
    size_t **required;           /* per mapping table: indexes of required columns */
    size_t *nrequired;
    size_t **strcols;            /* ntables + 1: indexes of string and binary columns */
    size_t *nstrcols;
    staged_str **strlast;        /* ntables + 1, nstrcols each: see staged_str */
    uint64_t stage_epoch;        /* +1 per message and whenever a stage is emptied or changes */
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
    /* the stages: cur is filled by sl_lander_add; the other one may be in a job */
    stage stg[2];
    int cur;
    size_t stage_max;            /* opts.stage_bytes or the default */
    /* write threads thr[0..nthreads); thr[nthreads] is the calling thread's */
    lthread thr[MAX_WRITE_THREADS + 1];
    size_t nthreads;
    int caller_helps;            /* the caller writes files of the job it waits for */
    pthread_mutex_t mu;          /* guards job_seq, job_done, job_active, job_quit, job_err */
    pthread_cond_t job_cv, done_cv;
    int sync_init;               /* mu and the condition variables exist */
    /* The job being written (job number job_seq; finished when job_done ==
     * job_seq). Set by the caller only while no job runs; workers read it after
     * claiming one of its files. */
    job job_cur;
    size_t job_n;                /* its files */
    uint32_t *job_order;         /* its files' indexes, grouped by home thread */
    size_t cap_order;            /* at least nwriters: a job lists each writer at most once */
    size_t nwriters;             /* writers of all partitions */
    /* Per home thread h: its files are job_order[start .. job_end[h]) (start is
     * job_end[h - 1], or 0), and job_next[h] is the next one not taken yet (past
     * job_end[h] once all are taken). Written with mu held while no thread is
     * inside job_help (job_active); threads advance job_next only. */
    size_t job_end[MAX_WRITE_THREADS];
    _Atomic size_t job_next[MAX_WRITE_THREADS];
    _Atomic size_t job_finished; /* its files written */
    size_t *next_home;           /* per table: round robin of new writers over homes */
    uint64_t job_seq;            /* number of the last job published (the first is 1) */
    uint64_t job_done;           /* number of the last job finished */
    size_t job_active;           /* threads inside job_help (for job job_seq) */
    int job_quit;
    uint64_t stage_job[2];       /* the job writing stage i; 0: none since it was emptied */
    sl_err job_err;              /* first error of the write threads not yet reported */
    char job_errstr[512];
    /* Where open row groups' pages go under memory pressure (made at the first
     * need; see relieve_memory); spill_off: not made, or failed once: row groups
     * are written early instead. */
    sl_pq_spill *spill;
    _Atomic int spill_off;
    char spill_err[512];         /* why spill_off, when the spill failed (for the summary) */
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
    o.max_open_files = 0; /* by store: default_max_open */
    o.dedupe_window = DEF_DEDUPE_WINDOW;
    return o;
}

/* The open-file budget when opts.max_open_files is 0. A local folder holds a
 * descriptor per open file: as many as the process's descriptor limit allows
 * after FD_RESERVE, between 64 and MAX_OPEN_LOCAL. Other stores (WebHDFS: an
 * HTTP upload per open file): DEF_MAX_OPEN. A live topic's partition spans a
 * day or two, but a backfill spans many: 16 partitions x 69 days x 3 tables is
 * 3,312 files, and a budget below that commits ranges early, into many small
 * files (65,172 files for 100,000 messages with a budget of 512). */
static size_t default_max_open(const sl_store *store)
{
    struct rlimit rl;
    if (strcmp(sl_store_kind(store), "local") != 0 || getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return DEF_MAX_OPEN;
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > MAX_OPEN_LOCAL + FD_RESERVE)
        return MAX_OPEN_LOCAL;
    size_t n = rl.rlim_cur > 2 * FD_RESERVE ? (size_t)rl.rlim_cur - FD_RESERVE : (size_t)rl.rlim_cur / 2;
    return n < 64 ? 64 : n;
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
 * its names and its place in p; its write thread makes the temporary file in the
 * table's folder and the Parquet writer streaming into it (writer_open) when it
 * writes the first row. */
static sl_err writer_create(sl_lander *l, part *p, size_t table, const char *tenant, size_t tlen,
                            int32_t dt, int64_t first, pwriter **out, char *errstr, size_t errstr_size)
{
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
    pwriter **nw = sl_array_grow(p->w, &p->capw, p->nw + 1, sizeof *nw, 8);
    if (!nw)
        goto nomem;
    p->w = nw;
    if ((p->nw + 1) * 2 > p->nslots && slots_grow(p) != SL_OK)
        goto nomem;
    /* a job lists each writer at most once */
    uint32_t *order = sl_array_grow(l->job_order, &l->cap_order, l->nwriters + 1, sizeof *order, 256);
    if (!order)
        goto nomem;
    l->job_order = order;
    w->home = l->nthreads ? l->next_home[table]++ % l->nthreads : 0;
    w->open = 1;
    size_t j = (size_t)w->key & (p->nslots - 1);
    while (p->slots[j])
        j = (j + 1) & (p->nslots - 1);
    p->slots[j] = (uint32_t)(p->nw + 1);
    p->w[p->nw++] = w;
    l->nwriters++;
    l->open_files++;
    *out = w;
    sl_buf_free(&path);
    return SL_OK;
nomem:
    sl_buf_free(&path);
    writer_free(w);
    return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
}

/* On thread t, the first to write w: makes its temporary file and Parquet writer
 * (with the thread's pool). On failure nothing is left open and the error is in
 * errstr. */
static int still_owned(sl_lander *l, const part *p);

static sl_err writer_open(sl_lander *l, lthread *t, pwriter *w, char *errstr, size_t errstr_size)
{
    sl_err e = sl_store_create(l->store, w->tmp, &w->file, errstr, errstr_size);
    if (e == SL_ERR_EXISTS && still_owned(l, w->owner)) {
        /* A temporary of this name that none of our writers made: a stalled former
         * owner's, made after our recovery (temporaries are made when their first
         * row is written) and never named by a manifest. The owner replaces it. */
        char e2[512];
        if (sl_store_delete(l->store, w->tmp, 0, e2, sizeof e2) == SL_OK)
            e = sl_store_create(l->store, w->tmp, &w->file, errstr, errstr_size);
    }
    if (e != SL_OK) {
        w->file = NULL;
        return e;
    }
    sl_pq_options o = l->opts.pq;
    o.pool = t->pool;
    w->w = sl_pq_writer_new(l->cols[w->table], l->ncols[w->table], &o, sl_store_file_out(w->file), errstr,
                            errstr_size);
    if (!w->w) {
        sl_store_file_abort(w->file);
        w->file = NULL;
        return SL_ERR_INVALID;
    }
    return SL_OK;
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

/* Updates the size accounting of writer, partition and lander after writes: w's
 * writer now buffers `buffered` bytes, holds `footer` bytes of footer metadata
 * and has written `written`. */
static void account(sl_lander *l, pwriter *w, size_t buffered, size_t footer, uint64_t written)
{
    part *p = w->owner;
    w->written = written;
    p->footer = p->footer - w->footer + footer;
    w->footer = footer;
    l->buffered = l->buffered - w->buffered + buffered;
    p->buffered = p->buffered - w->buffered + buffered;
    w->buffered = buffered;
    uint64_t size = w->written + buffered + w->staged[0] + w->staged[1];
    if (size > p->max_file_bytes)
        p->max_file_bytes = size;
}

/* A copy of n string bytes in stage s (valid until the stage is emptied). */
static const char *stage_copy(stage *s, const char *src, size_t n)
{
    if (n == 0)
        return "";
    for (;;) {
        if (s->curblock < s->nblocks) {
            stage_block *b = &s->blocks[s->curblock];
            if (b->cap - b->used >= n) {
                uint8_t *d = b->p + b->used;
                memcpy(d, src, n);
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
            s->curblock++;
            continue;
        }
        stage_block *nb = realloc(s->blocks, (s->nblocks + 1) * sizeof *nb);
        if (!nb)
            return NULL;
        s->blocks = nb;
        size_t cap = n > STAGE_BLOCK ? n : STAGE_BLOCK;
        if (!(nb[s->nblocks].p = malloc(cap)))
            return NULL;
        nb[s->nblocks].cap = cap;
        nb[s->nblocks].used = 0;
        s->nblocks++;
    }
}

/* Stages one row of file w in the current stage: its cells are copied (strings
 * too), so the mapper's buffers can be reused at once. Counts the row for the due
 * limits. */
static sl_err stage_put(sl_lander *l, part *p, pwriter *w, const sl_value *row, char *errstr,
                        size_t errstr_size)
{
    size_t nc = l->ncols[w->table];
    const size_t *strcols = l->strcols[w->table], nstr = l->nstrcols[w->table];
    int si = l->cur;
    stage *s = &l->stg[si];
    if ((s->nvals + nc > s->capvals || s->nrows == s->caprows || s->ntouched == s->captouched)) {
        size_t cv = s->capvals ? s->capvals : 4096, cr = s->caprows ? s->caprows : 1024,
               ct = s->captouched ? s->captouched : 64;
        while (cv < s->nvals + nc)
            cv *= 2;
        if (s->nrows == cr)
            cr *= 2;
        if (s->ntouched == ct)
            ct *= 2;
        sl_value *nv = cv != s->capvals ? realloc(s->vals, cv * sizeof *nv) : s->vals;
        if (nv)
            s->vals = nv, s->capvals = cv;
        staged *nr = cr != s->caprows ? realloc(s->rows, cr * sizeof *nr) : s->rows;
        if (nr)
            s->rows = nr, s->caprows = cr;
        pwriter **nt = ct != s->captouched ? realloc(s->touched, ct * sizeof *nt) : s->touched;
        if (nt)
            s->touched = nt, s->captouched = ct;
        if (!nv || !nr || !nt)
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    }
    sl_value *dst = s->vals + s->nvals;
    size_t before = s->bytes;
    memcpy(dst, row, nc * sizeof *dst);
    staged_str *last = l->strlast[w->table];
    for (size_t k = 0; k < nstr; k++) {
        size_t c = strcols[k];
        if (dst[c].is_null)
            continue;
        if (last[k].epoch == l->stage_epoch && last[k].src == dst[c].u.s.p &&
            last[k].n == dst[c].u.s.n) {
            dst[c].u.s.p = last[k].copy;
            continue;
        }
        const char *copy = stage_copy(s, dst[c].u.s.p, dst[c].u.s.n);
        if (!copy)
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        last[k] = (staged_str){ dst[c].u.s.p, copy, dst[c].u.s.n, l->stage_epoch };
        dst[c].u.s.p = copy;
        s->bytes += dst[c].u.s.n;
    }
    uint32_t idx = (uint32_t)s->nrows + 1;
    s->rows[s->nrows++] = (staged){ w, s->nvals, 0 };
    s->nvals += nc;
    s->bytes += nc * sizeof *dst;
    w->staged[si] += s->bytes - before;
    uint64_t size = w->written + w->buffered + w->staged[0] + w->staged[1];
    if (size > p->max_file_bytes)
        p->max_file_bytes = size;
    if (w->stage_tail[si])
        s->rows[w->stage_tail[si] - 1].next = idx;
    else {
        w->stage_head[si] = idx;
        s->touched[s->ntouched++] = w;
    }
    w->stage_tail[si] = idx;
    w->rows++;
    if (w->rows > p->max_file_rows)
        p->max_file_rows = w->rows;
    return SL_OK;
}

/* On a write thread (or the caller without threads): records the first error of
 * the write threads, "topic [partition]: why", for the caller to report. */
static void thread_error(sl_lander *l, const pwriter *w, sl_err e, const char *why)
{
    if (l->nthreads)
        pthread_mutex_lock(&l->mu);
    if (l->job_err == SL_OK)
        l->job_err = sl_errf(e, l->job_errstr, sizeof l->job_errstr, "%s [%d]: %s", w->owner->topic,
                             (int)w->owner->partition, why);
    if (l->nthreads)
        pthread_mutex_unlock(&l->mu);
}

/* On thread t: writes w's rows of stage si in their order, opening w first when
 * this is its first write, and leaves what it saw in w->after[si]. A failure
 * marks w failed: its later rows are dropped (its partition is failed by the
 * caller once the stage is done). */
static void job_stage_one(sl_lander *l, lthread *t, pwriter *w, int si)
{
    char e2[512];
    if (w->w) {
        sl_pq_writer_set_pool(w->w, t->pool);
    } else if (!w->failed) {
        sl_err e = writer_open(l, t, w, e2, sizeof e2);
        if (e != SL_OK) {
            w->failed = 1;
            thread_error(l, w, e, e2);
        }
    }
    const stage *s = &l->stg[si];
    for (uint32_t k = w->stage_head[si]; k && !w->failed; k = s->rows[k - 1].next) {
        sl_err e = sl_pq_writer_write_row(w->w, s->vals + s->rows[k - 1].vals, e2, sizeof e2);
        if (e != SL_OK) {
            w->failed = 1;
            thread_error(l, w, e, e2);
        }
    }
    w->after[si].failed = w->failed;
    w->after[si].opened = w->w != NULL;
    if (w->w) {
        w->after[si].buffered = sl_pq_writer_held_bytes(w->w);
        w->after[si].footer = sl_pq_writer_footer_bytes(w->w);
        w->after[si].written = sl_pq_writer_bytes_written(w->w);
    }
}

/* On thread t: finishes file w (footer naming its range and mapping, then the store
 * file). On success w->file is NULL and w->written its final size. Either way
 * the Parquet writer is destroyed at once (w->w NULL): its buffers go back to the
 * thread's pool for the next file instead of piling up until the whole range
 * is committed (the commit's memory peak). */
static void job_close_one(sl_lander *l, lthread *t, pwriter *w)
{
    char e2[512];
    sl_err e = SL_OK;
    if (!w->w || !w->file)
        e = sl_errf(SL_ERR_INVALID, e2, sizeof e2, "%s was never opened", w->tmp);
    else
        sl_pq_writer_set_pool(w->w, t->pool);
    const char *kv[4] = { "sluice.range", w->owner->range_kv, "sluice.mapping", sl_mapping_name(l->mapping) };
    for (size_t k = 0; e == SL_OK && k < 4; k += 2)
        if (sl_pq_writer_add_kv(w->w, kv[k], kv[k + 1]) != SL_OK)
            e = sl_errf(SL_ERR_NOMEM, e2, sizeof e2, "out of memory");
    if (e == SL_OK)
        e = sl_pq_writer_close(w->w, e2, sizeof e2);
    if (w->w)
        w->written = sl_pq_writer_bytes_written(w->w);
    sl_pq_writer_destroy(w->w);
    w->w = NULL;
    if (e == SL_OK) {
        sl_store_file *f = w->file;
        w->file = NULL;
        e = sl_store_file_finish(f, e2, sizeof e2);
    }
    if (e != SL_OK) {
        w->failed = 1;
        thread_error(l, w, e, e2);
    }
}

/* On thread t: file i of job j. */
static void job_item(sl_lander *l, lthread *t, const job *j, size_t i)
{
    char e2[512];
    if (j->kind == JOB_STAGE) {
        job_stage_one(l, t, l->stg[j->stage].touched[i], j->stage);
        return;
    }
    pwriter *w = j->w[i];
    if (w->failed)
        return;
    if (j->kind == JOB_CLOSE) {
        job_close_one(l, t, w);
        return;
    }
    sl_pq_writer_set_pool(w->w, t->pool);
    if (j->kind == JOB_SPILL) {
        sl_err se = sl_pq_writer_spill(w->w, l->spill, e2, sizeof e2);
        if (se == SL_ERR_IO && !atomic_exchange(&l->spill_off, 1)) /* the spill file, not the writer */
            snprintf(l->spill_err, sizeof l->spill_err, "%s", e2);
        else if (se != SL_OK) {
            w->failed = 1;
            thread_error(l, w, se, e2);
        }
        return;
    }
    sl_err e = sl_pq_writer_flush_row_group(w->w, e2, sizeof e2);
    if (e != SL_OK) {
        w->failed = 1;
        thread_error(l, w, e, e2);
    }
}

/* Takes a file of the current job from home h's share: 1 with its index in
 * *item, 0 when every file of that share is taken. */
static int job_take(sl_lander *l, size_t h, size_t *item)
{
    size_t i = atomic_fetch_add_explicit(&l->job_next[h], 1, memory_order_relaxed);
    if (i >= l->job_end[h])
        return 0;
    *item = l->job_order[i];
    return 1;
}

/* The home share of the current job with the most files left, or -1 when every
 * file is taken. */
static int job_fullest(sl_lander *l)
{
    size_t homes = l->nthreads ? l->nthreads : 1, best_left = 0;
    int best = -1;
    for (size_t h = 0; h < homes; h++) {
        size_t next = atomic_load_explicit(&l->job_next[h], memory_order_relaxed);
        if (next < l->job_end[h] && l->job_end[h] - next > best_left) {
            best_left = l->job_end[h] - next;
            best = (int)h;
        }
    }
    return best;
}

/* On thread t (write thread `home`, or the caller with home -1): takes files of
 * job number k, the current one, and writes them until every file of it is
 * taken: first the files whose home it is (a file's buffers and dictionaries
 * stay warm in one core's cache when it is written by the same thread stage
 * after stage), then, from the share with the most left, other threads' files.
 * Whoever finishes the job's last file marks the job done. The caller enters
 * it only for the current job, with job_active counted under mu, and the next
 * job is published only once every thread has left (jobs_wait_locked), so the
 * job's fields never change under a thread that reads them. */
static void job_help(sl_lander *l, lthread *t, int home, uint64_t k)
{
    for (;;) {
        size_t item;
        int h = home;
        if (h < 0 || !job_take(l, (size_t)h, &item)) {
            do {
                h = job_fullest(l);
                if (h < 0)
                    return;
            } while (!job_take(l, (size_t)h, &item));
        }
        job_item(l, t, &l->job_cur, item);
        if (atomic_fetch_add_explicit(&l->job_finished, 1, memory_order_acq_rel) + 1 == l->job_n) {
            if (l->nthreads)
                pthread_mutex_lock(&l->mu);
            l->job_done = k;
            if (l->nthreads) {
                pthread_mutex_unlock(&l->mu);
                pthread_cond_broadcast(&l->done_cv); /* after unlocking: the woken need mu */
            }
        }
    }
}

/* A write thread: helps with each job published, until told to quit. */
static void *thread_main(void *arg)
{
    lthread *t = arg;
    sl_lander *l = t->l;
    uint64_t seen = 0;
    pthread_mutex_lock(&l->mu);
    for (;;) {
        while (!l->job_quit && l->job_seq == seen)
            pthread_cond_wait(&l->job_cv, &l->mu);
        if (l->job_quit)
            break;
        seen = l->job_seq;
        l->job_active++;
        pthread_mutex_unlock(&l->mu);
        job_help(l, t, (int)(t - l->thr), seen);
        pthread_mutex_lock(&l->mu);
        if (--l->job_active == 0)
            pthread_cond_broadcast(&l->done_cv);
    }
    pthread_mutex_unlock(&l->mu);
    return NULL;
}

/* With mu held (threads only): waits until job number `upto` (and so every job
 * before it) is finished; when the caller helps, it writes files of that job
 * meanwhile (mu released while it does). When `upto` is the current job it also
 * waits until no thread is inside job_help any more: a thread that has just
 * found the job's files all taken still reads job_next and job_end, which the
 * next job_publish rewrites. Returns with mu held. */
static void jobs_wait_locked(sl_lander *l, uint64_t upto)
{
    if (l->caller_helps && upto == l->job_seq && l->job_done < upto) {
        l->job_active++;
        pthread_mutex_unlock(&l->mu);
        job_help(l, &l->thr[l->nthreads], -1, upto);
        pthread_mutex_lock(&l->mu);
        l->job_active--;
    }
    while (l->job_done < upto || (upto == l->job_seq && l->job_active))
        pthread_cond_wait(&l->done_cv, &l->mu);
}

/* jobs_wait_locked without mu held. */
static void jobs_wait(sl_lander *l, uint64_t upto)
{
    if (!l->nthreads)
        return;
    pthread_mutex_lock(&l->mu);
    jobs_wait_locked(l, upto);
    pthread_mutex_unlock(&l->mu);
}

/* The file of job j at index i. */
static pwriter *job_file(const sl_lander *l, const job *j, size_t i)
{
    return j->kind == JOB_STAGE ? l->stg[j->stage].touched[i] : j->w[i];
}

/* Publishes job j and returns its number, once the job before it is finished
 * (one job at a time): its files are grouped by home thread (a counting sort
 * into job_order, which has room for every writer). Everything a thread reads
 * in job_help is written with mu held, after the wait, and threads enter
 * job_help only with mu held (job_active), so none can see half a job.
 * Without threads the job runs here and now. */
static uint64_t job_publish(sl_lander *l, const job *j)
{
    if (l->nthreads) {
        pthread_mutex_lock(&l->mu);
        jobs_wait_locked(l, l->job_seq);
    }
    size_t n = j->kind == JOB_STAGE ? l->stg[j->stage].ntouched : j->nw;
    size_t homes = l->nthreads ? l->nthreads : 1, end[MAX_WRITE_THREADS] = { 0 };
    for (size_t i = 0; i < n; i++)
        end[job_file(l, j, i)->home]++;
    for (size_t h = 1; h < homes; h++)
        end[h] += end[h - 1];
    for (size_t i = n; i-- > 0;)
        l->job_order[--end[job_file(l, j, i)->home]] = (uint32_t)i;
    /* end[h] is now the start of h's share */
    uint64_t k = l->job_seq + 1;
    l->job_cur = *j;
    l->job_n = n;
    atomic_store_explicit(&l->job_finished, 0, memory_order_relaxed);
    for (size_t h = 0; h < homes; h++) {
        l->job_end[h] = h + 1 < homes ? end[h + 1] : n;
        atomic_store_explicit(&l->job_next[h], end[h], memory_order_relaxed);
    }
    l->job_seq = k;
    if (n == 0)
        l->job_done = k;
    if (l->nthreads) {
        pthread_mutex_unlock(&l->mu);
        pthread_cond_broadcast(&l->job_cv); /* after unlocking: the woken need mu */
    } else {
        job_help(l, &l->thr[0], 0, k);
    }
    return k;
}

/* Takes the first error the write threads recorded (message in errstr), if any. */
static sl_err jobs_error(sl_lander *l, char *errstr, size_t errstr_size)
{
    if (l->nthreads)
        pthread_mutex_lock(&l->mu);
    sl_err e = l->job_err;
    if (e != SL_OK)
        sl_errf(e, errstr, errstr_size, "%s", l->job_errstr);
    l->job_err = SL_OK;
    if (l->nthreads)
        pthread_mutex_unlock(&l->mu);
    return e;
}

/* Empties stage si once its job is done: accounts its files from what their
 * threads saw, marks the partitions of failed ones (stage_failed: failed by the
 * caller when no staged row can point at their files any more) and forgets the
 * rows. Returns 1 when some file failed. */
static int stage_done(sl_lander *l, int si)
{
    stage *s = &l->stg[si];
    int failed = 0;
    for (size_t i = 0; i < s->ntouched; i++) {
        pwriter *w = s->touched[i];
        w->stage_head[si] = w->stage_tail[si] = 0;
        w->staged[si] = 0;
        if (w->after[si].failed) {
            w->owner->stage_failed = 1;
            failed = 1;
        } else if (w->after[si].opened) {
            account(l, w, w->after[si].buffered, w->after[si].footer, w->after[si].written);
        }
    }
    s->ntouched = s->nrows = s->nvals = 0;
    s->bytes = 0;
    for (size_t b = 0; b < s->nblocks; b++)
        s->blocks[b].used = 0;
    s->curblock = 0;
    l->stage_job[si] = 0;
    l->stage_epoch++;
    return failed;
}

/* Stage si can be filled again: waits for the job writing it (if any) and empties
 * it. Returns 1 when some file of it failed. */
static int stage_reclaim(sl_lander *l, int si)
{
    if (!l->stage_job[si])
        return 0;
    jobs_wait(l, l->stage_job[si]);
    return stage_done(l, si);
}

/* Publishes the current stage as a job and makes the other stage current (the
 * caller has reclaimed it: it is empty). */
static void stage_publish(sl_lander *l)
{
    job j = { JOB_STAGE, l->cur, NULL, 0 };
    l->stage_job[l->cur] = job_publish(l, &j);
    l->cur ^= 1;
    l->stage_epoch++;
}

static void fail_partition(sl_lander *l, part *p, int manifest_maybe_written);

/* Fails every partition marked stage_failed (no job running, stages empty). */
static void fail_marked(sl_lander *l)
{
    for (size_t i = 0; i < l->nparts; i++)
        if (l->parts[i]->stage_failed) {
            l->parts[i]->stage_failed = 0;
            fail_partition(l, l->parts[i], 0);
        }
}

/* Writes every staged row (both stages, in their order) and waits for every job:
 * afterwards the lander is quiescent (no job runs, the stages are empty). A write
 * error fails that file's partition (once nothing staged can point at its files
 * any more); the first error is returned. */
static sl_err stage_flush(sl_lander *l, char *errstr, size_t errstr_size)
{
    if (l->stg[l->cur].ntouched) {
        stage_reclaim(l, l->cur ^ 1);
        stage_publish(l);
    }
    jobs_wait(l, l->job_seq);
    stage_reclaim(l, 0);
    stage_reclaim(l, 1);
    sl_err e = jobs_error(l, errstr, errstr_size);
    fail_marked(l);
    return e;
}

/* The current stage is full: waits for the other stage's job (writing files of
 * it meanwhile when the caller helps), empties that stage, hands the full one to
 * the write threads and returns, the threads still writing. When a file of the
 * stage taken back failed, finishes like stage_flush. */
static sl_err stage_rotate(sl_lander *l, char *errstr, size_t errstr_size)
{
    if (!l->nthreads)
        return stage_flush(l, errstr, errstr_size);
    int failed = stage_reclaim(l, l->cur ^ 1);
    stage_publish(l);
    if (!failed)
        return SL_OK;
    return stage_flush(l, errstr, errstr_size);
}

/* 1 when no other lander has recovered p since its last recovery here (lake.h:
 * ownership epochs). On any doubt (a store error) 0: nothing of p may be deleted. */
static int still_owned(sl_lander *l, const part *p)
{
    char e2[512];
    return sl_lake_owner_check(l->store, p->topic, p->partition, p->epoch, e2, sizeof e2) == SL_OK;
}

/* Closes the partition's writers (no job running). delete_tmps: also delete
 * temporary files that were already finished (a rollback); open ones are aborted
 * (deleted). Unless the partition is no longer ours: then another lander may be
 * writing files of the same names, so open files are only closed and nothing is
 * deleted (its recovery did). */
static void drop_writers(sl_lander *l, part *p, int delete_tmps)
{
    int touches = 0;
    for (size_t i = 0; i < p->nw && !touches; i++)
        touches = p->w[i]->file != NULL || delete_tmps;
    int mine = !touches || still_owned(l, p);
    for (size_t i = 0; i < p->nw; i++) {
        pwriter *w = p->w[i];
        if (w->open) {
            char e2[256];
            if (w->file && mine)
                sl_store_file_abort(w->file);
            else if (w->file)
                sl_store_file_finish(w->file, e2, sizeof e2); /* closed, left to the owner's sweep */
            w->file = NULL;
            w->open = 0;
            l->open_files--;
        } else if (delete_tmps && mine) {
            sl_store_delete(l->store, w->tmp, 0, NULL, 0);
        }
        l->buffered -= w->buffered;
        writer_free(w);
    }
    l->nwriters -= p->nw;
    p->nw = 0;
    p->buffered = 0;
    p->footer = 0;
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
    p->range_keys = 0;
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

/* Lists the open files holding buffered rows, the biggest first, in l->scratch;
 * returns how many. SL_ERR_NOMEM as (size_t)-1. */
static size_t files_by_buffered(sl_lander *l)
{
    size_t n = 0;
    for (size_t i = 0; i < l->nparts; i++)
        n += l->parts[i]->nw;
    if (n > l->capscratch) {
        pwriter **ns = realloc(l->scratch, n * sizeof *ns);
        if (!ns)
            return (size_t)-1;
        l->scratch = ns;
        l->capscratch = n;
    }
    n = 0;
    for (size_t i = 0; i < l->nparts; i++)
        for (size_t j = 0; j < l->parts[i]->nw; j++)
            if (l->parts[i]->w[j]->file && l->parts[i]->w[j]->buffered)
                l->scratch[n++] = l->parts[i]->w[j];
    qsort(l->scratch, n, sizeof *l->scratch, by_buffered_desc);
    return n;
}

/* Runs a JOB_SPILL or JOB_ROW_GROUPS job on the first k files of l->scratch and
 * accounts for them after it. */
static sl_err relieve_job(sl_lander *l, job_kind kind, size_t k, char *errstr, size_t errstr_size)
{
    job j = { kind, 0, l->scratch, k };
    jobs_wait(l, job_publish(l, &j));
    sl_err e = jobs_error(l, errstr, errstr_size);
    for (size_t i = 0; i < k; i++) {
        pwriter *w = l->scratch[i];
        if (w->failed) {
            w->owner->stage_failed = 1;
            continue;
        }
        account(l, w, sl_pq_writer_held_bytes(w->w), sl_pq_writer_footer_bytes(w->w),
                sl_pq_writer_bytes_written(w->w));
        if (kind == JOB_ROW_GROUPS)
            l->st.early_row_groups++;
    }
    fail_marked(l);
    return e;
}

/* Over max_memory: brings what the lander buffers down to 3/4 of it, biggest
 * open files (of any partition) first, as jobs of the write threads. First their
 * finished pages go to the spill file (the row groups stay open and whole: only
 * their dictionaries stay in memory); what that does not free is freed by writing
 * row groups out early. Files stay open either way, so this bounds memory without
 * making more files. A write error fails the partition of the file concerned
 * (the first error is returned); a spill file that cannot be made or written
 * turns spilling off for the rest of the lander's life. */
static sl_err relieve_memory(sl_lander *l, char *errstr, size_t errstr_size)
{
    sl_err e = stage_flush(l, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    uint64_t target = l->opts.max_memory / 4 * 3;
    for (int pass = 0; pass < 2 && l->buffered > target; pass++) {
        job_kind kind = pass == 0 ? JOB_SPILL : JOB_ROW_GROUPS;
        if (kind == JOB_SPILL && !l->spill && !atomic_load(&l->spill_off) &&
            (l->opts.no_spill ||
             !(l->spill = sl_pq_spill_new(l->opts.spill_dir, l->spill_err, sizeof l->spill_err))))
            atomic_store(&l->spill_off, 1);
        if (kind == JOB_SPILL && atomic_load(&l->spill_off))
            continue;
        size_t n = files_by_buffered(l);
        if (n == (size_t)-1)
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        /* Either leaves (about) nothing but dictionaries buffered in its file. */
        uint64_t left = l->buffered;
        size_t k = 0;
        while (k < n && left > target) {
            size_t b = l->scratch[k++]->buffered;
            left = left > b ? left - b : 0;
        }
        e = relieve_job(l, kind, k, errstr, errstr_size);
        if (e != SL_OK)
            return e;
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
        if (sl_dedupe_add_hash(p->dd, hashes[i]) != SL_OK)
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
    /* Recovery uses the store: no job may run meanwhile. (p has nothing staged; an
     * error here is another partition's, which reports it at its next call.) */
    stage_flush(l, NULL, 0);
    if (!p) {
        part **np = sl_array_grow(l->parts, &l->capparts, l->nparts + 1, sizeof *np, 8);
        if (!np)
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        l->parts = np;
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
    l->stage_epoch++; /* no string staged before this message is shared with it */
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
        if (sl_dedupe_seen_hash(p->dd, h)) {
            p->duplicates++;
            goto advance;
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
        if (sl_dedupe_add_hash(p->dd, h) != SL_OK) {
            e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            goto fail;
        }
        p->range_keys++;
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
    if (l->stg[l->cur].bytes >= l->stage_max)
        e = stage_rotate(l, errstr, errstr_size);
    if (e == SL_OK && l->buffered + l->stg[0].bytes + l->stg[1].bytes > l->opts.max_memory)
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
    case SL_DUE_FOOTERS: return "footers";
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
        else if (p->footer >= l->opts.max_footer_bytes)
            why = SL_DUE_FOOTERS;
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

/* One range of a sl_lander_commit_many call, through the steps of lake.h. */
typedef struct crange {
    part *p;
    sl_lander_commit_item *item;
    char range[SL_LAKE_TOPIC_MAX + 80]; /* "topic+partition+first+last", in every file's footer */
    size_t nw;                          /* its files */
    char **finals;                      /* their final names */
    sl_lake_file_entry *files;
    sl_lake_table_rows *trows;          /* ntables + 1 */
    size_t ntrows;
    sl_buf side, man;                   /* sidecar path (empty: none) and manifest path */
    char *side_tmp, *man_tmp;           /* their temporaries, until renamed */
    int manifest_tried;                 /* its manifest may exist: temporaries are left to recovery */
    int done;                           /* failed (item->err) or committed */
} crange;

/* Range c failed (item->err and errstr set by the caller): the temporaries of its
 * sidecar and manifest go, and the partition fails (fail_partition). */
static void crange_fail(sl_lander *l, crange *c)
{
    if (c->side_tmp)
        sl_store_delete(l->store, c->side_tmp, 0, NULL, 0);
    if (c->man_tmp)
        sl_store_delete(l->store, c->man_tmp, 0, NULL, 0);
    fail_partition(l, c->p, c->manifest_tried);
    c->done = 1;
}

/* Fails every range not done yet with error e (message in errstr): after a sync
 * that failed (nothing since the previous one is known to be durable), or when
 * there is no memory to go on with any of them. */
static void cranges_fail_all(sl_lander *l, crange *cr, size_t nc, sl_err e, const char *errstr)
{
    for (size_t i = 0; i < nc; i++)
        if (!cr[i].done) {
            cr[i].item->err = sl_errf(e, cr[i].item->errstr, sizeof cr[i].item->errstr, "%s", errstr);
            crange_fail(l, &cr[i]);
        }
}

/* One sync of the store for the ranges not done yet (if any): on failure they all
 * fail. 0 when some range is still going. */
static int cranges_sync(sl_lander *l, crange *cr, size_t nc)
{
    size_t alive = 0;
    for (size_t i = 0; i < nc; i++)
        alive += !cr[i].done;
    if (!alive)
        return -1;
    char e2[512];
    sl_err e = sl_store_sync(l->store, e2, sizeof e2);
    if (e != SL_OK) {
        cranges_fail_all(l, cr, nc, e, e2);
        return -1;
    }
    return 0;
}

/* The crash test hook at `step` once per range not done yet (for "sidecar": per
 * range with a sidecar). */
static void cranges_crash_point(sl_lander *l, const crange *cr, size_t nc, const char *step)
{
    for (size_t i = 0; i < nc; i++)
        if (!cr[i].done && (strcmp(step, "sidecar") != 0 || cr[i].side.len))
            crash_point(l, step);
}

/* Step 1 for every range: its files finished under their temporary names, by the
 * write threads, as one job (each file's footer names its range). */
static void cranges_close_files(sl_lander *l, crange *cr, size_t nc)
{
    size_t total = 0;
    sl_buf b = { 0 };
    for (size_t i = 0; i < nc; i++) {
        crange *c = &cr[i];
        part *p = c->p;
        if (c->done)
            continue;
        c->nw = p->nw;
        c->finals = calloc(p->nw ? p->nw : 1, sizeof *c->finals);
        c->files = calloc(p->nw ? p->nw : 1, sizeof *c->files);
        c->trows = calloc(l->ntables + 1, sizeof *c->trows);
        int nomem = !c->finals || !c->files || !c->trows;
        for (size_t k = 0; k < p->nw && !nomem; k++) {
            pwriter *w = p->w[k];
            b.len = 0;
            nomem = sl_buf_printf(&b, "%s/", w->dir) != SL_OK ||
                    sl_lake_final_name(&b, p->topic, p->partition, p->first, p->last, l->codec) != SL_OK ||
                    !(c->finals[k] = strdup((char *)b.data));
        }
        if (nomem) {
            c->item->err = sl_errf(SL_ERR_NOMEM, c->item->errstr, sizeof c->item->errstr, "out of memory");
            crange_fail(l, c);
            continue;
        }
        snprintf(c->range, sizeof c->range, "%s+%" PRId32 "+%" PRId64 "+%" PRId64, p->topic, p->partition,
                 p->first, p->last);
        total += p->nw;
    }
    sl_buf_free(&b);
    pwriter **list = sl_array_grow(l->scratch, &l->capscratch, total, sizeof *l->scratch, 16);
    if (!list && total) {
        cranges_fail_all(l, cr, nc, SL_ERR_NOMEM, "out of memory");
        return;
    }
    l->scratch = list;
    size_t n = 0;
    for (size_t i = 0; i < nc; i++) {
        if (cr[i].done)
            continue;
        cr[i].p->range_kv = cr[i].range;
        for (size_t k = 0; k < cr[i].p->nw; k++)
            list[n++] = cr[i].p->w[k];
    }
    job close = { JOB_CLOSE, 0, list, n };
    jobs_wait(l, job_publish(l, &close));
    char je[512];
    sl_err jerr = jobs_error(l, je, sizeof je);
    for (size_t i = 0; i < nc; i++) {
        crange *c = &cr[i];
        if (c->done)
            continue;
        part *p = c->p;
        int failed = 0;
        for (size_t k = 0; k < p->nw; k++) {
            pwriter *w = p->w[k];
            l->buffered -= w->buffered;
            p->buffered -= w->buffered;
            w->buffered = 0;
            if (w->open && !w->file) {
                w->open = 0;
                l->open_files--;
            }
            failed |= w->failed;
            c->files[k] = (sl_lake_file_entry){ l->names[w->table], w->tmp, c->finals[k], w->rows, w->written };
        }
        p->range_kv = NULL;
        if (failed) {
            c->item->err = sl_errf(jerr != SL_OK ? jerr : SL_ERR_IO, c->item->errstr, sizeof c->item->errstr,
                                   "finishing its files failed (first error: %s)",
                                   jerr != SL_OK ? je : "unknown");
            crange_fail(l, c);
        }
    }
}

/* Step 2 for range c: the manifest, and the dedupe sidecar when it has keys,
 * written under temporary names. */
static void crange_put_temps(sl_lander *l, crange *c)
{
    part *p = c->p;
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
    for (size_t t = 0; t <= l->ntables; t++)
        if (p->rows[t] || t < l->ntables)
            c->trows[c->ntrows++] = (sl_lake_table_rows){ l->names[t], p->rows[t] };
    m.tables = c->trows;
    m.ntables = c->ntrows;
    m.files = c->files;
    m.nfiles = c->nw;
    sl_buf text = { 0 };
    sl_err e = SL_OK;
    /* The range's keys, or (a range longer than the window) the window's keys:
     * all that a window rebuilt from the sidecars can hold. */
    const uint64_t *ka, *kb;
    size_t kna = 0, knb = 0;
    if (p->range_keys && p->dd)
        sl_dedupe_newest(p->dd, p->range_keys, &ka, &kna, &kb, &knb);
    if (kna + knb) {
        if (sl_lake_dedupe_path(&c->side, p->topic, p->partition, p->first, p->last) != SL_OK ||
            sl_lake_dedupe_encode(ka, kna, kb, knb, &text) != SL_OK) {
            e = SL_ERR_NOMEM;
            goto err;
        }
        e = sl_store_put_temp(l->store, (char *)c->side.data, text.data, text.len, &c->side_tmp, c->item->errstr,
                              sizeof c->item->errstr);
        if (e != SL_OK)
            goto err;
        m.dedupe = (char *)c->side.data;
        m.dedupe_keys = kna + knb;
    }
    text.len = 0;
    if (sl_lake_manifest_path(&c->man, p->topic, p->partition, p->first, p->last) != SL_OK ||
        sl_lake_manifest_encode(&m, &text) != SL_OK) {
        e = SL_ERR_NOMEM;
        goto err;
    }
    e = sl_store_put_temp(l->store, (char *)c->man.data, text.data, text.len, &c->man_tmp, c->item->errstr,
                          sizeof c->item->errstr);
    if (e != SL_OK)
        goto err;
    sl_buf_free(&text);
    return;
err:
    if (e == SL_ERR_NOMEM)
        sl_errf(e, c->item->errstr, sizeof c->item->errstr, "out of memory writing the manifest");
    c->item->err = e;
    sl_buf_free(&text);
    crange_fail(l, c);
}

/* Renames the temporary *tmp of range c to path: on success *tmp is freed (NULL);
 * on failure the range fails. */
static void crange_rename(sl_lander *l, crange *c, char **tmp, const char *path)
{
    sl_err e = sl_store_rename(l->store, *tmp, path, c->item->errstr, sizeof c->item->errstr);
    if (e != SL_OK) {
        c->item->err = e;
        crange_fail(l, c);
        return;
    }
    free(*tmp);
    *tmp = NULL;
}

/* Step 4 for range c: its files renamed to their final names. A final name that
 * exists with the same size was landed by an earlier attempt at this very range:
 * keep it, drop ours. */
static void crange_rename_files(sl_lander *l, crange *c)
{
    part *p = c->p;
    char *es = c->item->errstr;
    size_t en = sizeof c->item->errstr;
    for (size_t i = 0; i < c->nw; i++) {
        sl_err e = sl_store_rename(l->store, c->files[i].tmp, c->files[i].final, es, en);
        if (e == SL_ERR_EXISTS) {
            sl_store_info st;
            char e2[256];
            if (sl_store_stat(l->store, c->files[i].final, &st, e2, sizeof e2) == SL_OK && !st.is_dir &&
                st.size == c->files[i].bytes)
                e = sl_store_delete(l->store, c->files[i].tmp, 0, es, en);
            else
                e = sl_errf(SL_ERR_CORRUPT, es, en,
                            "%s already exists with other contents; the lake has two writers for %s [%" PRId32 "]?",
                            c->files[i].final, p->topic, p->partition);
        }
        if (e != SL_OK) {
            c->item->err = e;
            crange_fail(l, c);
            return;
        }
        if (i == 0 && c->nw > 1)
            crash_point(l, "rename");
    }
}

/* Range c is committed: counters, then its writers and range are emptied. */
static void crange_committed(sl_lander *l, crange *c)
{
    part *p = c->p;
    l->st.messages += p->messages;
    l->st.quarantined += p->quarantined;
    l->st.duplicates += p->duplicates;
    l->st.extra_keys += p->extra_keys;
    l->st.files += c->nw;
    for (size_t i = 0; i < c->nw; i++)
        l->st.bytes += c->files[i].bytes;
    l->st.commits++;
    for (size_t t = 0; t <= l->ntables; t++)
        l->table_rows[t] += p->rows[t];
    p->committed_last = p->last;
    c->item->committed_last = p->last;
    drop_writers(l, p, 0);
    range_reset(l, p);
    c->done = 1;
}

static void crange_free(crange *c)
{
    for (size_t i = 0; c->finals && i < c->nw; i++)
        free(c->finals[i]);
    free(c->finals);
    free(c->files);
    free(c->trows);
    free(c->side_tmp);
    free(c->man_tmp);
    sl_buf_free(&c->side);
    sl_buf_free(&c->man);
}

/* The steps of lake.h, each done for every range before the next, so that one
 * sync serves them all: (1) files finished, sync; owner checks; (2) sidecar and
 * manifest temporaries, sync; (3) sidecars renamed, sync; manifests renamed, sync;
 * (4) files renamed, sync. For each range the order of what becomes durable is
 * the protocol's, whatever the other ranges do. */
sl_err sl_lander_commit_many(sl_lander *l, sl_lander_commit_item *items, size_t n)
{
    crange *cr = calloc(n ? n : 1, sizeof *cr);
    size_t nc = 0;
    for (size_t i = 0; i < n; i++) {
        sl_lander_commit_item *it = &items[i];
        it->err = SL_OK;
        it->errstr[0] = 0;
        it->committed_last = -1;
        part *p;
        if (!cr) {
            it->err = sl_errf(SL_ERR_NOMEM, it->errstr, sizeof it->errstr, "out of memory");
            continue;
        }
        it->err = assigned_part(l, it->topic, it->partition, &p, it->errstr, sizeof it->errstr);
        if (it->err != SL_OK)
            continue;
        it->committed_last = p->committed_last;
        if (p->first < 0)
            continue;
        for (size_t k = 0; k < nc && it->err == SL_OK; k++)
            if (cr[k].p == p)
                it->err = sl_errf(SL_ERR_INVALID, it->errstr, sizeof it->errstr,
                                  "%s [%" PRId32 "] is listed twice", it->topic, it->partition);
        if (it->err == SL_OK)
            cr[nc++] = (crange){ .p = p, .item = it };
    }
    if (nc) {
        char fe[512];
        sl_err e = stage_flush(l, fe, sizeof fe);
        for (size_t i = 0; i < nc; i++)
            if (!cr[i].p->assigned) { /* its own staged rows failed: the partition is failed already */
                cr[i].item->err = e != SL_OK ? sl_errf(e, cr[i].item->errstr, sizeof cr[i].item->errstr, "%s", fe)
                                             : sl_errf(SL_ERR_IO, cr[i].item->errstr, sizeof cr[i].item->errstr,
                                                       "%s [%" PRId32 "] failed", cr[i].p->topic, cr[i].p->partition);
                cr[i].done = 1;
            }
        /* another partition's failure is reported by that partition */
    }
    /* 1. files finished and durable; still ours? A recovery by another lander since
     * ours deleted our temporaries and lands these offsets itself: then commit
     * nothing and delete nothing (lake.h). */
    cranges_close_files(l, cr, nc);
    if (cranges_sync(l, cr, nc) == 0) {
        cranges_crash_point(l, cr, nc, "files");
        for (size_t i = 0; i < nc; i++) {
            crange *c = &cr[i];
            if (c->done)
                continue;
            c->item->err = sl_lake_owner_check(l->store, c->p->topic, c->p->partition, c->p->epoch,
                                               c->item->errstr, sizeof c->item->errstr);
            if (c->item->err != SL_OK) {
                c->manifest_tried = 1; /* leaves the temporaries to the owner's recovery */
                crange_fail(l, c);
            }
        }
        /* 2. the sidecars and manifests under temporary names, durable */
        for (size_t i = 0; i < nc; i++)
            if (!cr[i].done)
                crange_put_temps(l, &cr[i]);
    }
    if (cranges_sync(l, cr, nc) == 0) {
        /* 3. the sidecars, then the manifests, each step durable */
        int sidecars = 0;
        for (size_t i = 0; i < nc; i++)
            if (!cr[i].done && cr[i].side_tmp) {
                crange_rename(l, &cr[i], &cr[i].side_tmp, (char *)cr[i].side.data);
                sidecars = 1;
            }
        if (!sidecars || cranges_sync(l, cr, nc) == 0) {
            cranges_crash_point(l, cr, nc, "sidecar");
            for (size_t i = 0; i < nc; i++)
                if (!cr[i].done) {
                    cr[i].manifest_tried = 1;
                    crange_rename(l, &cr[i], &cr[i].man_tmp, (char *)cr[i].man.data);
                }
        }
    }
    if (cranges_sync(l, cr, nc) == 0) {
        cranges_crash_point(l, cr, nc, "manifest");
        /* 4. the renames, durable before a later range's manifest can exist:
         * recovery rolls forward the newest manifest only */
        for (size_t i = 0; i < nc; i++)
            if (!cr[i].done)
                crange_rename_files(l, &cr[i]);
    }
    if (cranges_sync(l, cr, nc) == 0) {
        cranges_crash_point(l, cr, nc, "offsets");
        for (size_t i = 0; i < nc; i++)
            if (!cr[i].done)
                crange_committed(l, &cr[i]);
    }
    for (size_t i = 0; i < nc; i++)
        crange_free(&cr[i]);
    free(cr);
    for (size_t i = 0; i < n; i++)
        if (items[i].err != SL_OK)
            return items[i].err;
    return SL_OK;
}

sl_err sl_lander_commit(sl_lander *l, const char *topic, int32_t partition, int64_t *committed_last,
                        char *errstr, size_t errstr_size)
{
    sl_lander_commit_item it = { .topic = topic, .partition = partition };
    sl_err e = sl_lander_commit_many(l, &it, 1);
    if (e != SL_OK)
        return sl_errf(e, errstr, errstr_size, "%s", it.errstr);
    *committed_last = it.committed_last;
    return SL_OK;
}

sl_err sl_lander_revoke(sl_lander *l, const char *topic, int32_t partition, int commit, char *errstr,
                        size_t errstr_size)
{
    part *p = find_part(l, topic, partition);
    if (!p)
        return SL_OK;
    sl_err e = SL_OK;
    if (!commit || !p->assigned)
        stage_flush(l, NULL, 0); /* staged rows may point at its files; quiescent */
    if (commit && p->assigned) {
        int64_t last;
        e = sl_lander_commit(l, topic, partition, &last, errstr, errstr_size);
    }
    remove_part(l, p);
    return e;
}

/* ---------------------------------------------------------------- lifecycle and counters */

/* How many write threads opts.write_threads means for this store (0: none). */
static size_t threads_wanted(const sl_lander *l)
{
    int n = l->opts.write_threads;
    if (n < 0)
        return 0;
    if (n == 0) /* one, and for a local folder the caller writes files too (thread_setup) */
        n = 1;
    if (n > MAX_WRITE_THREADS)
        n = MAX_WRITE_THREADS;
    if (l->opts.pq.pool) /* one borrowed pool: one thread at a time may use it */
        n = 1;
    return (size_t)n;
}

/* Makes the write threads and the pools of them and of the calling thread. On
 * failure the threads made so far are left for thread_stop. */
static sl_err thread_setup(sl_lander *l, char *errstr, size_t errstr_size)
{
    size_t n = threads_wanted(l);
    /* The caller writes files too only where the store allows several threads
     * at once and every thread has a pool of its own. */
    l->caller_helps = n > 0 && !l->opts.pq.pool && strcmp(sl_store_kind(l->store), "local") == 0;
    for (size_t i = 0; i <= n; i++) {
        lthread *t = &l->thr[i];
        t->l = l;
        t->pool = l->opts.pq.pool;
        if (!t->pool) {
            if (!(t->pool = sl_pq_pool_new()))
                return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            t->own_pool = 1;
        }
    }
    if (!n)
        return SL_OK;
    if (pthread_mutex_init(&l->mu, NULL) != 0)
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "cannot make a mutex");
    if (pthread_cond_init(&l->job_cv, NULL) != 0) {
        pthread_mutex_destroy(&l->mu);
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "cannot make a condition variable");
    }
    if (pthread_cond_init(&l->done_cv, NULL) != 0) {
        pthread_cond_destroy(&l->job_cv);
        pthread_mutex_destroy(&l->mu);
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "cannot make a condition variable");
    }
    l->sync_init = 1;
    /* The threads start with every signal blocked, so signals meant for the
     * process (SIGINT, SIGTERM) reach the driver's thread as before. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    sl_err e = SL_OK;
    for (size_t i = 0; i < n && e == SL_OK; i++) {
        int rc = pthread_create(&l->thr[i].th, NULL, thread_main, &l->thr[i]);
        if (rc != 0) {
            e = sl_errf(SL_ERR_IO, errstr, errstr_size, "cannot start a write thread: %s", strerror(rc));
            break;
        }
        l->thr[i].started = 1;
        l->nthreads = i + 1;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return e;
}

/* Stops and joins the write threads (no job may be running). */
static void thread_stop(sl_lander *l)
{
    if (!l->sync_init)
        return;
    pthread_mutex_lock(&l->mu);
    l->job_quit = 1;
    pthread_cond_broadcast(&l->job_cv);
    pthread_mutex_unlock(&l->mu);
    for (size_t i = 0; i < MAX_WRITE_THREADS; i++)
        if (l->thr[i].started) {
            pthread_join(l->thr[i].th, NULL);
            l->thr[i].started = 0;
        }
    l->nthreads = 0;
    pthread_cond_destroy(&l->done_cv);
    pthread_cond_destroy(&l->job_cv);
    pthread_mutex_destroy(&l->mu);
    l->sync_init = 0;
}

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
        l->opts.max_open_files = default_max_open(store);
    if (!l->opts.max_footer_bytes)
        l->opts.max_footer_bytes = l->opts.max_memory / 4 > MIN_FOOTER_BYTES ? l->opts.max_memory / 4
                                                                            : MIN_FOOTER_BYTES;
    if (!l->opts.dedupe_window)
        l->opts.dedupe_window = def.dedupe_window;
    if (!l->opts.clock_ms)
        l->opts.clock_ms = mono_ms;
    crash_hook_init(l);
    l->store = store;
    l->mapping = mapping;
    if (!l->opts.stage_bytes)
        l->opts.stage_bytes = DEF_STAGE_BYTES;
    l->stage_max = l->opts.stage_bytes;
    l->codec = sl_pq_codec_name(l->opts.pq.codec);
    size_t nt = sl_mapping_ntables(mapping);
    if (thread_setup(l, errstr, errstr_size) != SL_OK)
        goto err;
    l->ntables = nt;
    l->names = calloc(nt + 1, sizeof *l->names);
    l->cols = calloc(nt + 1, sizeof *l->cols);
    l->ncols = calloc(nt + 1, sizeof *l->ncols);
    l->required = calloc(nt + 1, sizeof *l->required);
    l->nrequired = calloc(nt + 1, sizeof *l->nrequired);
    l->table_rows = calloc(nt + 1, sizeof *l->table_rows);
    l->qrow = calloc(sl_quarantine_ncols(), sizeof *l->qrow);
    l->next_home = calloc(nt + 1, sizeof *l->next_home);
    if (!l->names || !l->cols || !l->ncols || !l->required || !l->nrequired || !l->table_rows ||
        !l->qrow || !l->next_home)
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
    if (!(l->strcols = calloc(nt + 1, sizeof *l->strcols)) || !(l->nstrcols = calloc(nt + 1, sizeof *l->nstrcols)) ||
        !(l->strlast = calloc(nt + 1, sizeof *l->strlast)))
        goto nomem;
    for (size_t t = 0; t <= nt; t++) {
        if (!(l->strcols[t] = calloc(l->ncols[t] ? l->ncols[t] : 1, sizeof **l->strcols)) ||
            !(l->strlast[t] = calloc(l->ncols[t] ? l->ncols[t] : 1, sizeof **l->strlast)))
            goto nomem;
        for (size_t c = 0; c < l->ncols[t]; c++)
            if (l->cols[t][c].type == SL_T_STRING || l->cols[t][c].type == SL_T_BINARY)
                l->strcols[t][l->nstrcols[t]++] = c;
    }
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
    thread_stop(l);
    for (size_t i = 0; i < l->nparts; i++)
        part_free(l, l->parts[i]);
    for (int k = 0; k < 2; k++) {
        stage *s = &l->stg[k];
        for (size_t b = 0; b < s->nblocks; b++)
            free(s->blocks[b].p);
        free(s->blocks);
        free(s->vals);
        free(s->rows);
        free(s->touched);
    }
    for (size_t i = 0; i <= MAX_WRITE_THREADS; i++) /* after the writers (part_free) */
        if (l->thr[i].own_pool)
            sl_pq_pool_destroy(l->thr[i].pool);
    sl_pq_spill_destroy(l->spill); /* after the writers too */
    free(l->parts);
    free(l->job_order);
    free(l->next_home);
    sl_mapper_destroy(l->mapper);
    sl_tenant_extractor_destroy(l->tenant_x);
    if (l->required)
        for (size_t t = 0; t < l->ntables; t++)
            free(l->required[t]);
    free(l->required);
    free(l->nrequired);
    if (l->strcols)
        for (size_t t = 0; t <= l->ntables; t++)
            free(l->strcols[t]);
    free(l->strcols);
    if (l->strlast)
        for (size_t t = 0; t <= l->ntables; t++)
            free(l->strlast[t]);
    free(l->strlast);
    free(l->nstrcols);
    free(l->names);
    free(l->cols);
    free(l->ncols);
    free(l->table_rows);
    free(l->qrow);
    free(l->scratch);
    free(l);
}

void sl_lander_get_stats(const sl_lander *l, sl_lander_stats *st)
{
    *st = l->st;
    st->pending_messages = 0;
    for (size_t i = 0; i < l->nparts; i++)
        st->pending_messages += l->parts[i]->messages;
    st->buffered_bytes = l->buffered + l->stg[0].bytes + l->stg[1].bytes;
    st->open_files = l->open_files;
    st->spilled_bytes = sl_pq_spill_bytes(l->spill);
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
    if (o->max_open_files)
        lo.max_open_files = (size_t)o->max_open_files;
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
    if (st.early_row_groups || st.spilled_bytes)
        fprintf(f, "  %-20s %.1f MB of pages spilled, %" PRIu64 " row groups written early to stay under the budget\n",
                "memory", (double)st.spilled_bytes / 1e6, st.early_row_groups);
    if (l->spill_err[0])
        fprintf(f, "  %-20s off (%s): row groups were written early instead\n", "spilling", l->spill_err);
    if (st.rolled_forward || st.rolled_back)
        fprintf(f, "  %-20s %" PRIu64 " renames finished, %" PRIu64 " temporary files deleted\n", "recovered",
                st.rolled_forward, st.rolled_back);
}
