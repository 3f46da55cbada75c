/*
 * writer.c: the Parquet writer (API and guarantees in parquet.h).
 *
 * How it works. Each column keeps the page being filled and the column chunk
 * built so far in this row group (finished data pages: header + compressed
 * body). The page holds its definition levels already RLE/bit-packed (runs are
 * counted as rows come, no byte per row), and either dictionary indexes (1, 2
 * or 4 bytes each: the width grows, widening the page's earlier indexes in
 * place, when the dictionary passes 256 or 65536 entries) or PLAIN-encoded
 * values. A page is finished when it reaches opts.page_bytes (encoded
 * estimate) or PAGE_ROW_LIMIT rows, and a PLAIN page of fixed-width values
 * before its body passes FIXED_PAGE_BYTES (128 KiB: the size zstd compresses
 * such values fastest in; see there). A row group is finished when the PLAIN
 * size of the rows appended to it reaches opts.row_group_bytes: then, column
 * by column, the dictionary page (if the chunk has dictionary-encoded pages)
 * and the buffered data pages are written to the output, and the chunk's
 * metadata is encoded into the footer's RowGroup list. Memory held is
 * therefore about one row group, encoded and compressed, plus one page per
 * column. That memory is reused by the next row group, or given back to the
 * pool by an explicit sl_pq_writer_flush_row_group() (the caller's way to
 * relieve memory pressure) and by destroy. sl_pq_writer_spill() relieves it
 * without ending the row group: the finished pages move to a spill file (their
 * offsets kept per column, in order) and are copied back by chunk_write.
 *
 * Memory comes from the writer's sl_pq_pool (opts.pool, or one of its own):
 * page buffers start small and double as needed, finished pages go into
 * segments of doubling size, dictionaries grow their tables; all of it through
 * the pool's free lists of power-of-two blocks, so memory one writer gives
 * back is reused, already faulted in, by the next (a lander keeps hundreds of
 * writers open; page faults are slow on virtual machines). The pool also
 * holds the scratch buffers and the compression context, used only inside a
 * call.
 *
 * Dictionary: every column but BOOLEAN starts each chunk dictionary-encoded.
 * Values are looked up in an open-addressing hash table (linear probing, at
 * most 3/4 full; a slot holds the value itself for fixed-width types, or the
 * 32-bit hash for strings, so a probe touches one cache line), string bytes in
 * one arena, no allocation per value; values are compared inline
 * (sl_enc_bytes_eq), not through memcmp. write_row first starts loading the
 * row's cells and string bytes, then hashes every column's value and prefetches
 * its slot, before appending any of them, so the cache misses of many cold
 * tables and rows (many open writers) overlap.
 * When adding a value would make the PLAIN-encoded dictionary larger than
 * opts.dict_max_bytes, the current page is finished dictionary-encoded and the
 * rest of the chunk is PLAIN. When the chunk's first page holds
 * EARLY_UNIQUE_CHECK values that are all distinct, or EARLY_DICT_CHECK values
 * (and again when it is finished) and the dictionary plus its indexes is not
 * smaller than the PLAIN values would be (e.g. a column of UUIDs or
 * timestamps), the page's values are rewritten PLAIN and the dictionary is
 * dropped for the rest of the chunk (the chunk then has no dictionary page).
 * A page that turns PLAIN this way is at most page_bytes + dict_max_bytes.
 * The column's next DICT_SKIP_CHUNKS chunks then start PLAIN (no hashing of
 * values that will not repeat); the chunk after them tries again. After the
 * all-distinct check the next chunk tries again at once (512 values are thin
 * evidence, and cost little to hash). A value equal to the previous one of the
 * column reuses its index without a probe.
 *
 * Statistics per chunk: null_count; min_value/max_value as described in
 * parquet.h (signed ints, unsigned-byte strings, NaN-free doubles with -0.0/+0.0
 * bounds, false < true; strings only when both bounds are <= 4096 bytes; none
 * for INT96). Page headers carry no statistics.
 */
#include "parquet/parquet.h"

#include <math.h>
#include <sys/uio.h>
#include <stdlib.h>
#include <string.h>

#include "parquet/codec.h"
#include "parquet/encoding.h"
#include "parquet/spill.h"
#include "parquet/thrift.h"

/* Rows per data page at most (as parquet-mr's page.row.count.limit): keeps
 * per-column page buffers small and pages skippable. */
#define PAGE_ROW_LIMIT 20000
/* PLAIN pages of fixed-width values (ints, doubles, timestamps) are finished
 * before their body passes this size (or opts.page_bytes, if smaller): zstd
 * picks its parameters from the input size, and at level 3 it compresses
 * timestamps 2-3x faster in one call of <= 128 KiB than in one of 128-256 KiB
 * (its parameters for 128-256 KiB inputs find many short matches in their
 * high bytes), for about 10% more output on those columns; strings are compressed
 * fastest in large pages (docs/benchmarks/parquet-writer.md). A first page
 * rewritten PLAIN when it is finished (its dictionary did not pay) may be
 * larger. */
#define FIXED_PAGE_BYTES ((size_t)128 << 10)
/* Values after which the chunk's first dictionary page is checked early:
 * after EARLY_UNIQUE_CHECK values it turns PLAIN when all of them are
 * distinct, after EARLY_DICT_CHECK when the dictionary does not pay. */
#define EARLY_UNIQUE_CHECK 512
#define EARLY_DICT_CHECK 4096
/* When a chunk's dictionary did not pay (its values were nearly all distinct),
 * the column's next chunks start PLAIN, without hashing a value, and the
 * dictionary is tried again on the chunk after these. */
#define DICT_SKIP_CHUNKS 7
/* Longest string/binary min or max written to statistics. */
#define STATS_MAX_BYTES 4096
/* Largest single string/binary value accepted (a page must stay below 2 GiB). */
#define MAX_VALUE_BYTES (1u << 30)
/* The dictionary arena is indexed with 32-bit offsets. */
#define DICT_MAX_LIMIT ((size_t)1 << 30)
/* Room kept in front of an optional column's PLAIN values for its encoded
 * definition levels (4-byte length + the hybrid encoding), so a PLAIN page body
 * is compressed in place, not copied: enough for the runs of a page with a few
 * dozen scattered nulls; a page whose levels need more is copied instead. */
#define LEVEL_GAP 512
/* First sizes of the per-column buffers. Every one of them doubles as needed
 * (through the pool) and is kept for the next pages, so a big column pays a few
 * more doublings once, while a lander with thousands of open writers holding a
 * few dozen rows each (a backfill: one file per table x day x partition) holds
 * a few hundred bytes per column instead of many kilobytes: memory first
 * touched costs a page fault per 4 KiB, slow on virtual machines (measured,
 * docs/benchmarks/kafka.md: first sizes 1 KiB / 4 KiB / 64 slots / 256 entries
 * / 16 KiB made 114,000 page faults and 460 MB peak for 3,312 open files).
 * IDX_MIN_BYTES / PLAIN_MIN_BYTES: a page's dictionary indexes and PLAIN values
 * (allocated at the column's first such value). */
#define IDX_MIN_BYTES ((size_t)1 << 7)
#define PLAIN_MIN_BYTES ((size_t)1 << 9)
/* First size of a dictionary's slot table (it doubles at 3/4 load) and of its
 * entry array (doubles when full): small also so that the many low-cardinality
 * columns of many open writers stay in cache and cost no zeroing. */
#define DICT_MIN_SLOTS 16
#define DICT_MIN_ENTRIES 16
/* Finished pages are kept in segments: no realloc copying as a chunk grows.
 * The first segment of a chunk is SEG_MIN bytes or the first page's size. */
#define SEG_MIN ((size_t)1 << 10)
#define SEG_MAX ((size_t)4 << 20)
/* Pool size classes: blocks of 2^k bytes, POOL_MIN_SHIFT <= k <= POOL_MAX_SHIFT
 * (larger requests are plain malloc), and the most idle bytes a pool keeps. */
#define POOL_MIN_SHIFT 6
#define POOL_MAX_SHIFT 26
#define POOL_NCLASS (POOL_MAX_SHIFT - POOL_MIN_SHIFT + 1)
#define POOL_KEEP_BYTES ((size_t)8 << 20)

enum { W_OPEN = 0, W_CLOSED, W_FAILED };

/* Hash table slots: e is the entry index + 1, 0 for an empty slot. */
typedef struct fslot {    /* fixed-width columns: the value bits */
    uint64_t val;
    uint32_t e, pad;
} fslot;
typedef struct bslot {    /* byte-array columns: the hash */
    uint32_t hash, e;
} bslot;
typedef struct dent {     /* byte-array dictionary entry: position in the arena */
    uint32_t off, len;
} dent;

typedef struct pq_dict {
    fslot *fs;            /* one of these two tables, mask + 1 slots */
    bslot *bs;
    uint32_t mask;
    uint32_t n, cap;      /* entries, allocated entries */
    uint64_t *vals;       /* fixed-width columns: value bits (int64 / double bits) */
    dent *ents;           /* byte-array columns: position in arena */
    sl_buf arena;
    size_t plain_bytes;   /* size of the PLAIN-encoded dictionary page body */
    uint32_t last;        /* entry index + 1 of the latest value added, 0 none:
                           * consecutive repeats (a question's keen_id on each
                           * of its options) skip the probe; the value's bits,
                           * or its hash, length and offset, are kept here so
                           * that a different value costs no cold memory read */
    uint32_t last_hash, last_len, last_off;
    uint64_t last_bits;
} pq_dict;

/* A list of byte segments, appended to at the end, reused after reset. */
typedef struct segbuf {
    sl_buf *seg;
    size_t nseg;          /* allocated segments */
    size_t cur;           /* segment being filled (valid when nseg > 0) */
    uint64_t len;         /* bytes held */
} segbuf;

/* Pages of a column chunk moved to the spill file (sl_pq_writer_spill). */
typedef struct spext {
    uint64_t off, len;
} spext;

typedef struct pq_stats {
    int64_t nulls;
    int has;              /* a non-null (non-NaN for doubles) value was seen */
    int64_t imin, imax;   /* bool, ints, dates, timestamps */
    double dmin, dmax;
    sl_buf smin, smax;    /* strings: first STATS_MAX_BYTES + 1 bytes */
    int smin_long, smax_long; /* the bound is longer than STATS_MAX_BYTES */
} pq_stats;

/* A column. The fields every value reads or writes come first, so that a
 * writer that gets a few dozen rows at a time (a lander's turn) reloads about
 * four cache lines per column instead of eight. */
typedef struct pq_col {
    sl_type type;
    int required;
    int phys;             /* SL_PQT_* */
    int is_bytes;         /* BYTE_ARRAY */
    int dict_mode;        /* new values of this chunk go to the dictionary */
    int dict_bw;          /* bit width of the current dictionary size */
    uint32_t run_n;       /* levels equal to run_lvl not yet given to lenc */
    uint8_t run_lvl;
    uint8_t iw;           /* bytes per dictionary index in idx: 1, 2 or 4 (widened
                           * in place when the dictionary outgrows it) */
    uint32_t vhash;       /* dictionary mode: hash of the value being appended
                           * (computed by dict_prefetch) */
    int can_dict;         /* not BOOLEAN */

    /* the page being filled; idx and plain are taken from the pool and given
     * back when the row group's memory is released */
    uint8_t *idx;         /* dictionary indexes of the page (dictionary mode) */
    size_t idx_cap;       /* bytes at idx */
    size_t page_rows;     /* rows (levels) in the page */
    size_t page_nvals;    /* non-null values in the page */
    size_t page_plain;    /* PLAIN size of the page's values (dictionary mode) */
    int64_t chunk_values; /* rows of the chunk, nulls included */
    uint32_t npages_dict, npages_plain; /* finished pages of the chunk */
    sl_buf plain;         /* PLAIN values (BOOLEAN: one byte per value, packed at flush),
                           * starting at plain_base */
    size_t plain_base;    /* LEVEL_GAP for optional non-BOOLEAN columns, else 0 */
    pq_dict dict;         /* the chunk's dictionary */
    pq_stats st;          /* the chunk's statistics */

    /* read only when a run of levels ends, a page or chunk is finished, or
     * the file is */
    const char *name;     /* points into the writer's name block */
    sl_buf lvl;           /* optional columns: the page's definition levels, RLE/
                           * bit-packed as they come (lenc writes here) */
    sl_rle_enc lenc;
    int dict_skip;        /* chunks still to start PLAIN: the dictionary did not
                           * pay in an earlier chunk of this column */
    segbuf chunk;         /* finished data pages (headers + bodies) */
    spext *sp;            /* earlier finished data pages, in the spill file, in order */
    size_t nsp, capsp;
    uint64_t chunk_usize, chunk_csize; /* data pages: header + (un)compressed body */
} pq_col;

typedef struct pq_kv {
    char *key, *value;
} pq_kv;

struct sl_pq_writer {
    sl_out out;
    sl_pq_options opts;
    size_t ncols;
    pq_col *cols;
    char *names;          /* one block holding every column name */
    sl_pq_pool *pool;     /* opts.pool or, without one, own_pool */
    sl_pq_pool *own_pool;
    sl_pq_spill *spill;   /* the spill its pages went to (set at the first spill) */
    spext *regions;       /* what each spill call of the open row group wrote (given
                           * back to the spill once the row group is written) */
    size_t nreg, capreg;
    int state;

    uint64_t pos;         /* bytes written to out */
    uint64_t rows;        /* rows appended in all */
    uint64_t rg_rows;     /* rows in the open row group */
    size_t rg_bytes;      /* PLAIN-size estimate of the open row group */

    sl_buf rgmeta;        /* the encoded RowGroup structs so far */
    uint32_t nrg;

    pq_kv *kvs;
    size_t nkv, kvcap;
};

/* ---------------------------------------------------------------- options */

sl_pq_options sl_pq_options_default(void)
{
    sl_pq_options o;
    memset(&o, 0, sizeof o);
    o.codec = SL_PQ_ZSTD;
    o.compression_level = 3;
    o.page_bytes = (size_t)1 << 20;
    o.row_group_bytes = (size_t)128 << 20;
    o.dict_max_bytes = (size_t)1 << 20;
    return o;
}

/* ---------------------------------------------------------------- pool */

/* Free blocks of one size class, the most recently given back last (warm). */
typedef struct pool_class {
    void **blk;
    size_t n, cap;
} pool_class;

/* The pool: the compression context, the scratch buffers a writer uses only
 * inside one call, and free lists of memory blocks. A writer takes its page
 * buffers, finished-page segments and dictionary tables from the pool and gives
 * them back when it releases a row group's memory (flush_row_group, destroy),
 * so the next writer to fill a page reuses memory that is already faulted in
 * instead of touching new pages; at most POOL_KEEP_BYTES stay idle (the rest is
 * freed). Without opts.pool a writer makes a pool of its own. */
struct sl_pq_pool {
    sl_codec *codec;
    sl_buf page, hdr;     /* scratch: page body, page header */
    sl_buf dpage;         /* scratch: a finished dictionary page */
    pool_class cls[POOL_NCLASS];
    size_t idle;          /* bytes in the free lists */
};

sl_pq_pool *sl_pq_pool_new(void)
{
    sl_pq_pool *p = calloc(1, sizeof *p);
    if (p && !(p->codec = sl_codec_new())) {
        free(p);
        return NULL;
    }
    return p;
}

void sl_pq_pool_destroy(sl_pq_pool *p)
{
    if (!p)
        return;
    sl_codec_destroy(p->codec);
    sl_buf_free(&p->page);
    sl_buf_free(&p->hdr);
    sl_buf_free(&p->dpage);
    for (size_t k = 0; k < POOL_NCLASS; k++) {
        for (size_t i = 0; i < p->cls[k].n; i++)
            free(p->cls[k].blk[i]);
        free(p->cls[k].blk);
    }
    free(p);
}

/* Size class of a request of n bytes (the smallest 2^k >= n, k >= POOL_MIN_SHIFT),
 * or -1 when n is over the largest class. */
static int pool_class_of(size_t n)
{
    int k = POOL_MIN_SHIFT;
    while (k <= POOL_MAX_SHIFT && ((size_t)1 << k) < n)
        k++;
    return k > POOL_MAX_SHIFT ? -1 : k;
}

/* A block of at least n bytes (uninitialised; *cap gets its size), from the
 * free lists when one is there, else new. Any block is a malloc block: realloc
 * and free work on it. NULL when out of memory. */
static void *pool_get(sl_pq_pool *p, size_t n, size_t *cap)
{
    int k = pool_class_of(n);
    if (k < 0) {
        *cap = n;
        return malloc(n);
    }
    pool_class *pc = &p->cls[k - POOL_MIN_SHIFT];
    *cap = (size_t)1 << k;
    if (pc->n) {
        p->idle -= *cap;
        return pc->blk[--pc->n];
    }
    return malloc(*cap);
}

/* Gives back block m of cap bytes (NULL is a no-op): kept for reuse when cap
 * is a class size and the pool holds less than POOL_KEEP_BYTES idle, else
 * freed. */
static void pool_put(sl_pq_pool *p, void *m, size_t cap)
{
    if (!m)
        return;
    int k = pool_class_of(cap);
    if (k < 0 || ((size_t)1 << k) != cap || p->idle + cap > POOL_KEEP_BYTES) {
        free(m);
        return;
    }
    pool_class *pc = &p->cls[k - POOL_MIN_SHIFT];
    if (pc->n == pc->cap) {
        size_t nc = pc->cap ? pc->cap * 2 : 16;
        void **nb = realloc(pc->blk, nc * sizeof *nb);
        if (!nb) {
            free(m);
            return;
        }
        pc->blk = nb;
        pc->cap = nc;
    }
    pc->blk[pc->n++] = m;
    p->idle += cap;
}

/* sl_buf_reserve through the pool: makes room for `extra` more bytes (plus the
 * spare byte sl_buf keeps), moving the contents to a bigger block from the
 * pool and giving the old one back. SL_ERR_NOMEM when out of memory. */
static sl_err pbuf_reserve(sl_pq_pool *p, sl_buf *b, size_t extra)
{
    if (b->cap - b->len > extra)
        return SL_OK;
    size_t need = b->len + extra + 1, cap;
    if (need < b->len)
        return SL_ERR_NOMEM;
    if (need < b->cap * 2)
        need = b->cap * 2;
    uint8_t *m = pool_get(p, need, &cap);
    if (!m)
        return SL_ERR_NOMEM;
    if (b->len)
        memcpy(m, b->data, b->len);
    pool_put(p, b->data, b->cap);
    b->data = m;
    b->cap = cap;
    return SL_OK;
}

/* Gives b's block back to the pool and empties b. */
static void pbuf_release(sl_pq_pool *p, sl_buf *b)
{
    pool_put(p, b->data, b->cap);
    memset(b, 0, sizeof *b);
}

/* Grows an array of `elem`-byte items at *arr from `cap` to `ncap` items,
 * keeping the first `used`, through the pool. SL_ERR_NOMEM when out of memory. */
static sl_err pool_grow(sl_pq_pool *p, void *arr, size_t elem, size_t cap, size_t ncap,
                        size_t used)
{
    void **a = arr;
    size_t got;
    void *m = pool_get(p, ncap * elem, &got);
    if (!m)
        return SL_ERR_NOMEM;
    if (used)
        memcpy(m, *a, used * elem);
    pool_put(p, *a, cap * elem);
    *a = m;
    return SL_OK;
}

/* ---------------------------------------------------------------- output */

static sl_err w_write(sl_pq_writer *w, const void *p, size_t n, char *errstr, size_t errstr_size)
{
    sl_err e = w->out.write(w->out.ctx, p, n, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    w->pos += n;
    return SL_OK;
}

static sl_err nomem(char *errstr, size_t errstr_size, const char *what)
{
    return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "parquet writer: out of memory (%s)", what);
}

/* ---------------------------------------------------------------- hashing */

static uint32_t hash_u64(uint64_t x)
{
    x ^= x >> 31;
    x *= UINT64_C(0x9e3779b97f4a7c15);
    x ^= x >> 29;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 32;
    return (uint32_t)x;
}

static uint32_t hash_bytes(const uint8_t *p, size_t n)
{
    uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ ((uint64_t)n * UINT64_C(0xff51afd7ed558ccd));
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        h = (h ^ v) * UINT64_C(0xbf58476d1ce4e5b9);
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    if (n) {
        /* the last 1..7 bytes, read without a byte loop */
        uint64_t v;
        if (n >= 4) {
            uint32_t lo, hi;
            memcpy(&lo, p, 4);
            memcpy(&hi, p + n - 4, 4);
            v = (uint64_t)lo | (uint64_t)hi << 32;
        } else {
            v = (uint64_t)p[0] | (uint64_t)p[n / 2] << 8 | (uint64_t)p[n - 1] << 16;
        }
        h = (h ^ v) * UINT64_C(0xbf58476d1ce4e5b9);
        h ^= h >> 29;
    }
    h *= UINT64_C(0x94d049bb133111eb);
    h ^= h >> 32;
    return (uint32_t)h;
}

/* ---------------------------------------------------------------- dictionary */

/* Gives the dictionary's memory back to the pool and empties it. */
static void dict_free(sl_pq_pool *p, pq_dict *d)
{
    size_t nslots = (d->fs || d->bs) ? (size_t)d->mask + 1 : 0;
    pool_put(p, d->fs, nslots * sizeof *d->fs);
    pool_put(p, d->bs, nslots * sizeof *d->bs);
    pool_put(p, d->vals, (size_t)d->cap * sizeof *d->vals);
    pool_put(p, d->ents, (size_t)d->cap * sizeof *d->ents);
    pbuf_release(p, &d->arena);
    memset(d, 0, sizeof *d);
}

/* Empties the dictionary, keeping its memory. */
static void dict_clear(pq_dict *d)
{
    if (d->n) {
        if (d->fs)
            memset(d->fs, 0, ((size_t)d->mask + 1) * sizeof *d->fs);
        if (d->bs)
            memset(d->bs, 0, ((size_t)d->mask + 1) * sizeof *d->bs);
    }
    d->n = 0;
    d->last = 0;
    d->arena.len = 0;
    d->plain_bytes = 0;
}

/* Doubles the slot table (or creates it) and re-inserts every slot; the old
 * table goes back to the pool. */
static sl_err dict_grow_slots(sl_pq_pool *p, pq_dict *d, int is_bytes)
{
    size_t old = (d->fs || d->bs) ? (size_t)d->mask + 1 : 0;
    size_t nslots = old ? old * 2 : DICT_MIN_SLOTS, got;
    if (nslots > ((size_t)1 << 31))
        return SL_ERR_NOMEM;
    uint32_t mask = (uint32_t)(nslots - 1);
    if (is_bytes) {
        bslot *t = pool_get(p, nslots * sizeof *t, &got);
        if (!t)
            return SL_ERR_NOMEM;
        memset(t, 0, nslots * sizeof *t);
        for (size_t i = 0; i < old; i++) {
            if (!d->bs[i].e)
                continue;
            uint32_t k = d->bs[i].hash & mask;
            while (t[k].e)
                k = (k + 1) & mask;
            t[k] = d->bs[i];
        }
        pool_put(p, d->bs, old * sizeof *t);
        d->bs = t;
    } else {
        fslot *t = pool_get(p, nslots * sizeof *t, &got);
        if (!t)
            return SL_ERR_NOMEM;
        memset(t, 0, nslots * sizeof *t);
        for (size_t i = 0; i < old; i++) {
            if (!d->fs[i].e)
                continue;
            uint32_t k = hash_u64(d->fs[i].val) & mask;
            while (t[k].e)
                k = (k + 1) & mask;
            t[k] = d->fs[i];
        }
        pool_put(p, d->fs, old * sizeof *t);
        d->fs = t;
    }
    d->mask = mask;
    return SL_OK;
}

/* Makes room for one more entry (entry arrays, and the slot table at <= 3/4
 * load). Returns 1 when the slot table was rebuilt (slot positions changed),
 * 0 when not, -1 when out of memory. */
static int dict_reserve(sl_pq_pool *p, pq_dict *d, int is_bytes)
{
    if (d->n == d->cap) {
        uint32_t cap = d->cap ? d->cap * 2 : DICT_MIN_ENTRIES;
        sl_err e = is_bytes ? pool_grow(p, &d->ents, sizeof *d->ents, d->cap, cap, d->n)
                            : pool_grow(p, &d->vals, sizeof *d->vals, d->cap, cap, d->n);
        if (e != SL_OK)
            return -1;
        d->cap = cap;
    }
    if ((size_t)(d->n + 1) * 4 > ((size_t)d->mask + 1) * 3)
        return dict_grow_slots(p, d, is_bytes) == SL_OK ? 1 : -1;
    return 0;
}

/* Finds fixed-width value bits `v` (hash h). Returns the entry index, or -1 with
 * *slot set to the empty slot where it would go. */
static inline int64_t dict_find_u64(const pq_dict *d, uint64_t v, uint32_t h, uint32_t *slot)
{
    uint32_t k = h & d->mask;
    for (;;) {
        const fslot *f = &d->fs[k];
        if (!f->e) {
            *slot = k;
            return -1;
        }
        if (f->val == v)
            return (int64_t)f->e - 1;
        k = (k + 1) & d->mask;
    }
}

/* Finds string/binary value p[0..n) (hash h). Returns the entry index with
 * *slot set to its slot, or -1 with *slot set to the empty slot where it would
 * go. */
static inline int64_t dict_find_bytes(const pq_dict *d, const uint8_t *p, uint32_t n, uint32_t h,
                                      uint32_t *slot)
{
    uint32_t k = h & d->mask;
    for (;;) {
        const bslot *b = &d->bs[k];
        if (!b->e) {
            *slot = k;
            return -1;
        }
        if (b->hash == h) {
            const dent *en = &d->ents[b->e - 1];
            if (en->len == n && sl_enc_bytes_eq(d->arena.data + en->off, p, n)) {
                *slot = k;
                return (int64_t)b->e - 1;
            }
        }
        k = (k + 1) & d->mask;
    }
}

/* ---------------------------------------------------------------- statistics */

static void stats_reset(pq_stats *s)
{
    s->nulls = 0;
    s->has = 0;
    s->smin.len = s->smax.len = 0;
    s->smin_long = s->smax_long = 0;
}

/* Lexicographic unsigned-byte comparison of a with b. */
static int bytes_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c;
    return an < bn ? -1 : an > bn ? 1 : 0;
}

/* Stores the first STATS_MAX_BYTES + 1 bytes of a bound: enough to decide every
 * later comparison whose outcome matters (see the header comment of writer.c). */
static sl_err stats_set_bytes(sl_buf *b, int *is_long, const uint8_t *p, size_t n)
{
    size_t keep = n > STATS_MAX_BYTES + 1 ? STATS_MAX_BYTES + 1 : n;
    b->len = 0;
    if (sl_buf_append(b, p, keep) != SL_OK)
        return SL_ERR_NOMEM;
    *is_long = n > STATS_MAX_BYTES;
    return SL_OK;
}

static sl_err stats_bytes(pq_stats *s, const uint8_t *p, size_t n)
{
    sl_err e = SL_OK;
    if (!s->has) {
        e = stats_set_bytes(&s->smin, &s->smin_long, p, n);
        if (e == SL_OK)
            e = stats_set_bytes(&s->smax, &s->smax_long, p, n);
        s->has = 1;
        return e;
    }
    if (bytes_cmp(p, n, s->smin.data, s->smin.len) < 0)
        e = stats_set_bytes(&s->smin, &s->smin_long, p, n);
    else if (bytes_cmp(p, n, s->smax.data, s->smax.len) > 0)
        e = stats_set_bytes(&s->smax, &s->smax_long, p, n);
    return e;
}

static inline void stats_int(pq_stats *s, int64_t v)
{
    if (!s->has) {
        s->imin = s->imax = v;
        s->has = 1;
    } else if (v < s->imin) {
        s->imin = v;
    } else if (v > s->imax) {
        s->imax = v;
    }
}

static inline void stats_double(pq_stats *s, double v)
{
    if (isnan(v))
        return;
    if (!s->has) {
        s->dmin = s->dmax = v;
        s->has = 1;
    } else if (v < s->dmin) {
        s->dmin = v;
    } else if (v > s->dmax) {
        s->dmax = v;
    }
}

/* ---------------------------------------------------------------- PLAIN */

/* PLAIN size of one non-null value: a table lookup, not a switch (whose jump,
 * taken for every value of every column in turn, is often mispredicted). */
static inline size_t plain_size(const pq_col *c, const sl_value *v)
{
    /* by SL_PQT_*: BOOLEAN, INT32, INT64, INT96, FLOAT, DOUBLE, BYTE_ARRAY
     * (4-byte length + the bytes), FIXED_LEN_BYTE_ARRAY (not written) */
    static const uint8_t fixed[8] = {1, 4, 8, 12, 4, 8, 4, 0};
    return fixed[c->phys & 7] + (c->is_bytes ? (size_t)v->u.s.n : 0);
}

/* Appends the PLAIN encoding of fixed-width value bits (int64 value or double
 * bits) for column c to b, which has room. */
static inline void plain_put_fixed(const pq_col *c, uint64_t bits, sl_buf *b)
{
    uint8_t *o = b->data + b->len;
    switch (c->phys) {
    case SL_PQT_INT32:
        sl_enc_put_u32le(o, (uint32_t)bits);
        b->len += 4;
        break;
    case SL_PQT_INT96:
        sl_enc_int96_from_micros((int64_t)bits, o);
        b->len += 12;
        break;
    default:
        sl_enc_put_u64le(o, bits);
        b->len += 8;
        break;
    }
}

static sl_err plain_put_bytes(sl_pq_pool *pool, sl_buf *b, const uint8_t *p, uint32_t n)
{
    if (pbuf_reserve(pool, b, 4 + (size_t)n) != SL_OK)
        return SL_ERR_NOMEM;
    sl_enc_put_u32le(b->data + b->len, n);
    if (n)
        memcpy(b->data + b->len + 4, p, n);
    b->len += 4 + (size_t)n;
    return SL_OK;
}

/* Takes c->plain from the pool at its first use (until then plain.len counts
 * the gap but nothing is allocated: a column that stays dictionary-encoded
 * never needs it). It starts small and doubles as values come (a column of
 * one of hundreds of open writers touches little memory), keeps its size for
 * the next pages, and goes back to the pool when the row group's memory is
 * released. SL_ERR_NOMEM when out of memory. */
static sl_err plain_ready(sl_pq_writer *w, pq_col *c)
{
    if (c->plain.cap)
        return SL_OK;
    size_t len = c->plain.len;
    c->plain.len = 0;
    sl_err e = pbuf_reserve(w->pool, &c->plain, c->plain_base + PLAIN_MIN_BYTES);
    c->plain.len = len;
    return e;
}

static uint64_t value_bits(const pq_col *c, const sl_value *v)
{
    uint64_t u;
    if (c->type == SL_T_DOUBLE) {
        memcpy(&u, &v->u.d, 8);
        return u;
    }
    return (uint64_t)v->u.i;
}

/* ---------------------------------------------------------------- indexes */

/* Dictionary index number i of the current page. */
static inline uint32_t idx_get(const pq_col *c, size_t i)
{
    switch (c->iw) {
    case 1: return c->idx[i];
    case 2: {
        uint16_t v;
        memcpy(&v, c->idx + 2 * i, 2);
        return v;
    }
    default: {
        uint32_t v;
        memcpy(&v, c->idx + 4 * i, 4);
        return v;
    }
    }
}

/* Makes room for index number page_nvals of width `iw` bytes, widening the
 * page's earlier indexes in place (from the last, so none is overwritten
 * before it is read) when iw is wider than c->iw. SL_ERR_NOMEM when out of
 * memory. */
static sl_err idx_room(sl_pq_writer *w, pq_col *c, uint8_t iw)
{
    size_t n = c->page_nvals;
    if (iw < c->iw)
        iw = c->iw;
    if ((n + 1) * iw > c->idx_cap) {
        size_t ncap = c->idx_cap ? c->idx_cap * 2 : IDX_MIN_BYTES;
        while ((n + 1) * iw > ncap)
            ncap *= 2;
        if (pool_grow(w->pool, &c->idx, 1, c->idx_cap, ncap, n * c->iw) != SL_OK)
            return SL_ERR_NOMEM;
        c->idx_cap = ncap;
    }
    if (iw > c->iw) {
        for (size_t i = n; i-- > 0;) {
            uint32_t v = idx_get(c, i);
            if (iw == 2) {
                uint16_t v16 = (uint16_t)v;
                memcpy(c->idx + 2 * i, &v16, 2);
            } else {
                memcpy(c->idx + 4 * i, &v, 4);
            }
        }
        c->iw = iw;
    }
    return SL_OK;
}

/* idx_put beyond its common case: any width, growing or widening first. */
static sl_err idx_put_any(sl_pq_writer *w, pq_col *c, uint32_t k)
{
    uint8_t iw = k < 256 ? 1 : k < 65536 ? 2 : 4;
    size_t n = c->page_nvals;
    if ((iw > c->iw || (n + 1) * c->iw > c->idx_cap) && idx_room(w, c, iw) != SL_OK)
        return SL_ERR_NOMEM;
    switch (c->iw) {
    case 1:
        c->idx[n] = (uint8_t)k;
        break;
    case 2: {
        uint16_t v = (uint16_t)k;
        memcpy(c->idx + 2 * n, &v, 2);
        break;
    }
    default:
        memcpy(c->idx + 4 * n, &k, 4);
        break;
    }
    return SL_OK;
}

/* Appends dictionary index k to the current page (page_nvals is not
 * advanced: the caller counts the value). SL_ERR_NOMEM when out of memory.
 * The common cases (1- or 2-byte indexes, k fits, room left) are a store. */
static inline sl_err idx_put(sl_pq_writer *w, pq_col *c, uint32_t k)
{
    size_t n = c->page_nvals;
    if (c->iw == 1 && k < 256 && n < c->idx_cap) {
        c->idx[n] = (uint8_t)k;
        return SL_OK;
    }
    if (c->iw == 2 && k < 65536 && 2 * n + 2 <= c->idx_cap) {
        uint16_t v = (uint16_t)k;
        memcpy(c->idx + 2 * n, &v, 2);
        return SL_OK;
    }
    return idx_put_any(w, c, k);
}

/* ---------------------------------------------------------------- levels */

/* Adds definition level lvl (0 null, 1 value) of an optional column's next
 * row: equal levels are counted and handed to the encoder as one run. */
static inline void level_put(pq_col *c, uint8_t lvl)
{
    if (lvl == c->run_lvl) {
        c->run_n++;
        return;
    }
    if (c->run_n)
        sl_rle_enc_put_repeat(&c->lenc, c->run_lvl, c->run_n);
    c->run_lvl = lvl;
    c->run_n = 1;
}

/* Empties the current page's buffers (levels, indexes, PLAIN values). */
static void page_reset(pq_col *c)
{
    c->page_rows = c->page_nvals = c->page_plain = 0;
    c->plain.len = c->plain_base;
    c->iw = 1;
    c->lvl.len = 0;
    c->run_n = 0;
    c->run_lvl = 1;
    sl_rle_enc_init(&c->lenc, &c->lvl, 1);
}

/* ---------------------------------------------------------------- segments */

/* Returns room for `need` bytes at the end of the current segment, or of the
 * next one when they do not fit (NULL when out of memory). Nothing is counted
 * until segbuf_commit. */
static uint8_t *segbuf_reserve(sl_pq_pool *p, segbuf *sb, size_t need)
{
    sl_buf *s = sb->nseg ? &sb->seg[sb->cur] : NULL;
    if (s && s->cap - s->len >= need)
        return s->data + s->len;
    size_t next = sb->nseg ? sb->cur + 1 : 0;
    if (next == sb->nseg) {
        sl_buf *n = realloc(sb->seg, (sb->nseg + 1) * sizeof *n);
        if (!n)
            return NULL;
        sb->seg = n;
        memset(&n[sb->nseg], 0, sizeof *n);
        sb->nseg++;
    }
    s = &sb->seg[next];
    s->len = 0;
    if (s->cap < need) {
        size_t prev = next ? sb->seg[next - 1].cap : SEG_MIN / 2;
        size_t cap = prev * 2 > SEG_MAX ? SEG_MAX : prev * 2;
        if (cap < SEG_MIN)
            cap = SEG_MIN;
        if (cap < need)
            cap = need;
        uint8_t *d = pool_get(p, cap, &cap);
        if (!d)
            return NULL;
        pool_put(p, s->data, s->cap);
        s->data = d;
        s->cap = cap;
    }
    sb->cur = next;
    return s->data;
}

/* Counts n bytes written at the pointer segbuf_reserve returned. */
static void segbuf_commit(segbuf *sb, size_t n)
{
    sb->seg[sb->cur].len += n;
    sb->len += n;
}

static void segbuf_reset(segbuf *sb)
{
    for (size_t i = 0; i < sb->nseg; i++)
        sb->seg[i].len = 0;
    sb->cur = 0;
    sb->len = 0;
}

static void segbuf_free(sl_pq_pool *p, segbuf *sb)
{
    for (size_t i = 0; i < sb->nseg; i++)
        pbuf_release(p, &sb->seg[i]);
    free(sb->seg);
    memset(sb, 0, sizeof *sb);
}

/* ---------------------------------------------------------------- pages */

/* Encodes a PageHeader for a data page v1 or a dictionary page into the
 * pool's hdr scratch. */
static sl_err page_header(sl_pq_writer *w, int page_type, size_t usize, size_t csize,
                          size_t nvalues, int encoding)
{
    sl_thrift_enc e;
    w->pool->hdr.len = 0;
    sl_thrift_enc_init(&e, &w->pool->hdr);
    sl_thrift_enc_struct_begin(&e, 0);
    sl_thrift_enc_field_i32(&e, 1, page_type);
    sl_thrift_enc_field_i32(&e, 2, (int32_t)usize);
    sl_thrift_enc_field_i32(&e, 3, (int32_t)csize);
    if (page_type == SL_PQP_DATA_PAGE) {
        sl_thrift_enc_struct_begin(&e, 5);
        sl_thrift_enc_field_i32(&e, 1, (int32_t)nvalues);
        sl_thrift_enc_field_i32(&e, 2, encoding);
        sl_thrift_enc_field_i32(&e, 3, SL_PQE_RLE);
        sl_thrift_enc_field_i32(&e, 4, SL_PQE_RLE);
        sl_thrift_enc_struct_end(&e);
    } else {
        sl_thrift_enc_struct_begin(&e, 7);
        sl_thrift_enc_field_i32(&e, 1, (int32_t)nvalues);
        sl_thrift_enc_field_i32(&e, 2, SL_PQE_PLAIN);
        sl_thrift_enc_struct_end(&e);
    }
    sl_thrift_enc_struct_end(&e);
    return sl_thrift_enc_finish(&e);
}

/* Compresses the page body (len bytes at body) and appends the finished page
 * (header + compressed body) to the segments `seg` or, when seg is NULL, to
 * `buf`. Adds the header+body sizes to *usize / *csize. Into segments the body
 * is compressed in place: the header is sized for the worst-case compressed
 * length first, and the body moved down the byte or two it over-reserved. */
static sl_err page_emit(sl_pq_writer *w, const pq_col *c, int page_type, size_t nvalues,
                        int encoding, const uint8_t *body, size_t len, segbuf *seg, sl_buf *buf,
                        uint64_t *usize, uint64_t *csize, char *errstr, size_t errstr_size)
{
    size_t bound, outlen = 0;
    sl_err e;
    if (len > INT32_MAX)
        return sl_errf(SL_ERR_LIMIT, errstr, errstr_size,
                       "parquet writer: column '%s': page of %zu bytes exceeds 2 GiB", c->name,
                       len);
    e = sl_codec_bound(w->pool->codec, w->opts.codec, w->opts.compression_level, len, &bound, errstr,
                       errstr_size);
    if (e != SL_OK)
        return e;
    if (bound > INT32_MAX)
        bound = INT32_MAX;
    if (page_header(w, page_type, len, bound, nvalues, encoding) != SL_OK)
        return nomem(errstr, errstr_size, "page header");
    size_t hmax = w->pool->hdr.len;
    uint8_t *dst;
    if (seg) {
        dst = segbuf_reserve(w->pool, seg, hmax + bound);
    } else {
        dst = sl_buf_reserve(buf, hmax + bound) == SL_OK ? buf->data + buf->len : NULL;
    }
    if (!dst)
        return nomem(errstr, errstr_size, "column chunk");
    e = sl_codec_compress_into(w->pool->codec, w->opts.codec, w->opts.compression_level, body, len,
                               dst + hmax, bound, &outlen, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    if (page_header(w, page_type, len, outlen, nvalues, encoding) != SL_OK)
        return nomem(errstr, errstr_size, "page header");
    size_t h = w->pool->hdr.len; /* <= hmax: a smaller size never needs a longer varint */
    if (h < hmax)
        memmove(dst + h, dst + hmax, outlen);
    memcpy(dst, w->pool->hdr.data, h);
    if (seg)
        segbuf_commit(seg, h + outlen);
    else
        buf->len += h + outlen;
    *usize += h + len;
    *csize += h + outlen;
    return SL_OK;
}

/* Rewrites the dictionary-encoded values of the current page as PLAIN values
 * (into c->plain) and gives the dictionary's memory back to the pool. */
static sl_err page_undictionary(sl_pq_writer *w, pq_col *c)
{
    pq_dict *d = &c->dict;
    if (plain_ready(w, c) != SL_OK)
        return SL_ERR_NOMEM;
    for (size_t i = 0; i < c->page_nvals; i++) {
        uint32_t k = idx_get(c, i);
        if (c->is_bytes) {
            if (plain_put_bytes(w->pool, &c->plain, d->arena.data + d->ents[k].off,
                                d->ents[k].len) !=
                SL_OK)
                return SL_ERR_NOMEM;
        } else {
            if (pbuf_reserve(w->pool, &c->plain, 12) != SL_OK)
                return SL_ERR_NOMEM;
            plain_put_fixed(c, d->vals[k], &c->plain);
        }
    }
    dict_free(w->pool, d); /* not needed again in this chunk: back to the pool */
    c->dict_bw = 0;
    return SL_OK;
}

/* 1 when the dictionary plus the indexes of the current page are smaller than
 * the page's values PLAIN (checked while the chunk has no dictionary page yet,
 * so the dictionary holds only this page's values). */
static int dict_pays(const pq_col *c)
{
    uint64_t enc = (uint64_t)c->dict.plain_bytes +
                   ((uint64_t)c->page_nvals * (uint64_t)c->dict_bw + 7) / 8 + 1;
    return enc < c->page_plain;
}

/* Finishes the current page of column c (no-op when it holds no rows). */
static sl_err page_flush(sl_pq_writer *w, pq_col *c, char *errstr, size_t errstr_size)
{
    if (c->page_rows == 0)
        return SL_OK;
    int use_dict = c->dict_mode && c->dict.n > 0;
    if (use_dict && c->npages_dict == 0) {
        /* first dictionary page of the chunk: is the dictionary worth it? */
        if (!dict_pays(c)) {
            if (page_undictionary(w, c) != SL_OK)
                return nomem(errstr, errstr_size, "page values");
            c->dict_mode = 0;
            c->dict_skip = DICT_SKIP_CHUNKS;
            use_dict = 0;
        }
    }
    sl_buf *b = &w->pool->page;
    const uint8_t *body = NULL;
    size_t blen = 0;
    b->len = 0;
    if (!use_dict && plain_ready(w, c) != SL_OK)
        return nomem(errstr, errstr_size, "page values");
    if (!c->required) {
        uint8_t len4[4];
        if (c->run_n)
            sl_rle_enc_put_repeat(&c->lenc, c->run_lvl, c->run_n);
        c->run_n = 0;
        if (sl_rle_enc_finish(&c->lenc) != SL_OK || c->lvl.len > UINT32_MAX)
            return nomem(errstr, errstr_size, "definition levels");
        sl_enc_put_u32le(len4, (uint32_t)c->lvl.len);
        if (sl_buf_append(b, len4, 4) != SL_OK ||
            (c->lvl.len && sl_buf_append(b, c->lvl.data, c->lvl.len) != SL_OK))
            return nomem(errstr, errstr_size, "definition levels");
    }
    if (!use_dict && c->phys != SL_PQT_BOOLEAN && b->len <= c->plain_base) {
        /* PLAIN: put the levels in the gap before the values, no copy of the values */
        uint8_t *start = c->plain.data + c->plain_base - b->len;
        if (b->len)
            memcpy(start, b->data, b->len);
        body = start;
        blen = b->len + (c->plain.len - c->plain_base);
    } else if (use_dict) {
        uint8_t bw = (uint8_t)sl_enc_bit_width(c->dict.n - 1);
        sl_rle_enc re;
        if (sl_buf_append(b, &bw, 1) != SL_OK)
            return nomem(errstr, errstr_size, "page");
        sl_rle_enc_init(&re, b, bw);
        if (c->iw == 1) {
            sl_rle_enc_put_u8(&re, c->idx, c->page_nvals);
        } else if (c->iw == 2) {
            const uint16_t *i16 = (const void *)c->idx; /* pool blocks are malloc-aligned */
            sl_rle_enc_put_u16(&re, i16, c->page_nvals);
        } else {
            const uint32_t *i32 = (const void *)c->idx;
            sl_rle_enc_put_u32(&re, i32, c->page_nvals);
        }
        if (sl_rle_enc_finish(&re) != SL_OK)
            return nomem(errstr, errstr_size, "dictionary indexes");
    } else if (c->phys == SL_PQT_BOOLEAN) {
        if (sl_enc_bools_plain(c->plain.data, c->plain.len, b) != SL_OK)
            return nomem(errstr, errstr_size, "page");
    } else if (sl_buf_append(b, c->plain.data + c->plain_base, c->plain.len - c->plain_base) !=
               SL_OK) {
        return nomem(errstr, errstr_size, "page");
    }
    if (!body) {
        body = b->data;
        blen = b->len;
    }
    sl_err e = page_emit(w, c, SL_PQP_DATA_PAGE, c->page_rows,
                         use_dict ? SL_PQE_RLE_DICTIONARY : SL_PQE_PLAIN, body, blen, &c->chunk,
                         NULL, &c->chunk_usize, &c->chunk_csize, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    if (use_dict)
        c->npages_dict++;
    else
        c->npages_plain++;
    page_reset(c);
    return SL_OK;
}

/* Estimated encoded size of the current page. */
static inline size_t page_estimate(const pq_col *c)
{
    size_t levels = c->required ? 0 : c->page_rows / 8;
    if (c->dict_mode)
        return levels + (c->page_nvals * (size_t)c->dict_bw) / 8;
    if (c->phys == SL_PQT_BOOLEAN)
        return levels + c->plain.len / 8;
    return levels + (c->plain.len - c->plain_base);
}

/* 1 when the current page is to be finished after the row just appended: it
 * holds PAGE_ROW_LIMIT rows, or its estimate reached opts.page_bytes, or it
 * holds PLAIN fixed-width values and one more row could take its body (4-byte
 * levels length, levels so far, up to 16 bytes of levels still buffered in the
 * encoder, values, one more value of <= 12 bytes) past FIXED_PAGE_BYTES. */
static inline int page_full(const sl_pq_writer *w, const pq_col *c)
{
    if (c->page_rows >= PAGE_ROW_LIMIT || page_estimate(c) >= w->opts.page_bytes)
        return 1;
    return !c->dict_mode && !c->is_bytes && c->phys != SL_PQT_BOOLEAN &&
           4 + c->lvl.len + 16 + (c->plain.len - c->plain_base) + 12 > FIXED_PAGE_BYTES;
}

/* ---------------------------------------------------------------- appending */

/* Adds one non-null value to column c in dictionary mode (psize: its PLAIN
 * size). Sets *added = 0 when the dictionary is full (the caller then finishes
 * the page and goes PLAIN). */
static sl_err dict_add(sl_pq_writer *w, pq_col *c, const sl_value *v, size_t psize, int *added)
{
    pq_dict *d = &c->dict;
    uint32_t slot = 0;
    int64_t k;
    *added = 0;
    if (c->is_bytes) {
        const uint8_t *p = (const uint8_t *)v->u.s.p;
        uint32_t n = v->u.s.n;
        uint32_t h = c->vhash;
        if (d->last && d->last_hash == h && d->last_len == n &&
            sl_enc_bytes_eq(d->arena.data + d->last_off, p, n)) {
            /* the same value as the previous one */
            if (idx_put(w, c, d->last - 1) != SL_OK)
                return SL_ERR_NOMEM;
            c->page_plain += psize;
            *added = 1;
            return SL_OK;
        }
        if (!d->bs && dict_grow_slots(w->pool, d, 1) != SL_OK)
            return SL_ERR_NOMEM;
        k = dict_find_bytes(d, p, n, h, &slot);
        if (k < 0) {
            if (d->plain_bytes + psize > w->opts.dict_max_bytes)
                return SL_OK;
            int r = dict_reserve(w->pool, d, 1);
            if (r < 0)
                return SL_ERR_NOMEM;
            if (r > 0) /* the table was rebuilt: find the slot again */
                dict_find_bytes(d, p, n, h, &slot);
            if (stats_bytes(&c->st, p, n) != SL_OK)
                return SL_ERR_NOMEM;
            if (pbuf_reserve(w->pool, &d->arena, n) != SL_OK)
                return SL_ERR_NOMEM;
            k = d->n;
            uint32_t off = (uint32_t)d->arena.len;
            if (n)
                memcpy(d->arena.data + off, p, n);
            d->arena.len += n;
            d->ents[k].off = off;
            d->ents[k].len = n;
            d->bs[slot].hash = h;
            d->bs[slot].e = (uint32_t)k + 1;
        }
        d->last_hash = h;
        d->last_len = n;
        d->last_off = d->ents[k].off;
    } else {
        uint64_t bits = value_bits(c, v);
        if (d->last && d->last_bits == bits) { /* the same value as the previous one */
            if (idx_put(w, c, d->last - 1) != SL_OK)
                return SL_ERR_NOMEM;
            c->page_plain += psize;
            *added = 1;
            return SL_OK;
        }
        if (!d->fs && dict_grow_slots(w->pool, d, 0) != SL_OK)
            return SL_ERR_NOMEM;
        uint32_t h = c->vhash;
        k = dict_find_u64(d, bits, h, &slot);
        if (k < 0) {
            if (d->plain_bytes + psize > w->opts.dict_max_bytes)
                return SL_OK;
            int r = dict_reserve(w->pool, d, 0);
            if (r < 0)
                return SL_ERR_NOMEM;
            if (r > 0)
                dict_find_u64(d, bits, h, &slot);
            if (c->type == SL_T_DOUBLE)
                stats_double(&c->st, v->u.d);
            else
                stats_int(&c->st, v->u.i);
            k = d->n;
            d->vals[k] = bits;
            d->fs[slot].val = bits;
            d->fs[slot].e = (uint32_t)k + 1;
        }
        d->last_bits = bits;
    }
    if ((uint32_t)k == d->n) { /* a new entry */
        d->n++;
        d->plain_bytes += psize;
        c->dict_bw = sl_enc_bit_width(d->n - 1);
    }
    if (idx_put(w, c, (uint32_t)k) != SL_OK)
        return SL_ERR_NOMEM;
    c->page_plain += psize;
    d->last = (uint32_t)k + 1;
    *added = 1;
    return SL_OK;
}

/* Hashes non-null value v of column c (dictionary mode) into c->vhash and
 * starts loading the memory dict_add will read: the hash slot (or, for a
 * repeat of the previous string, its bytes) and the page's next index. With
 * hundreds of open writers none of it is in cache, and issuing these loads for
 * every column of a row before appending any lets the misses overlap instead
 * of being waited for one after another. */
static inline void dict_prefetch(pq_col *c, const sl_value *v)
{
    const pq_dict *d = &c->dict;
    if (c->is_bytes) {
        uint32_t h = hash_bytes((const uint8_t *)v->u.s.p, v->u.s.n);
        c->vhash = h;
        if (d->last && d->last_hash == h)
            __builtin_prefetch(d->arena.data + d->last_off);
        else if (d->bs)
            __builtin_prefetch(&d->bs[h & d->mask]);
    } else {
        uint64_t bits = value_bits(c, v);
        c->vhash = hash_u64(bits);
        if (d->fs && !(d->last && d->last_bits == bits))
            __builtin_prefetch(&d->fs[c->vhash & d->mask]);
    }
    if (c->idx)
        __builtin_prefetch(c->idx + c->page_nvals * c->iw, 1);
}

/* Adds one non-null value to column c as PLAIN. */
static sl_err plain_add(sl_pq_writer *w, pq_col *c, const sl_value *v)
{
    if (plain_ready(w, c) != SL_OK)
        return SL_ERR_NOMEM;
    switch (c->type) {
    case SL_T_BOOL:
        stats_int(&c->st, v->u.i != 0);
        if (pbuf_reserve(w->pool, &c->plain, 1) != SL_OK)
            return SL_ERR_NOMEM;
        c->plain.data[c->plain.len++] = v->u.i != 0;
        return SL_OK;
    case SL_T_STRING:
    case SL_T_BINARY:
        if (stats_bytes(&c->st, (const uint8_t *)v->u.s.p, v->u.s.n) != SL_OK)
            return SL_ERR_NOMEM;
        return plain_put_bytes(w->pool, &c->plain, (const uint8_t *)v->u.s.p, v->u.s.n);
    case SL_T_DOUBLE:
        stats_double(&c->st, v->u.d);
        break;
    default:
        stats_int(&c->st, v->u.i);
        break;
    }
    if (pbuf_reserve(w->pool, &c->plain, 12) != SL_OK)
        return SL_ERR_NOMEM;
    plain_put_fixed(c, value_bits(c, v), &c->plain);
    return SL_OK;
}

/* The open row group's spilled pages are not needed again (written out, or
 * dropped with the writer): their space in the spill file goes back. */
static void spill_release(sl_pq_writer *w)
{
    for (size_t k = 0; k < w->nreg; k++)
        sl_pq_spill_drop(w->spill, w->regions[k].off, w->regions[k].len);
    w->nreg = 0;
    for (size_t i = 0; i < w->ncols; i++)
        w->cols[i].nsp = 0;
}

/* Gives the buffers of column c's page (indexes, PLAIN values) back to the
 * pool; they are taken again at the column's next value. */
static void page_buffers_release(sl_pq_writer *w, pq_col *c)
{
    size_t len = c->plain.len;
    pool_put(w->pool, c->idx, c->idx_cap);
    c->idx = NULL;
    c->idx_cap = 0;
    pbuf_release(w->pool, &c->plain);
    c->plain.len = len; /* the gap, counted before the block is taken again */
}

/* Gives column c's memory (page buffers, finished pages, dictionary) back to
 * the pool: after its row group was written (the page is empty), or when the
 * writer is destroyed (whatever it held is dropped). */
static void col_release(sl_pq_writer *w, pq_col *c)
{
    page_buffers_release(w, c);
    segbuf_free(w->pool, &c->chunk);
    dict_free(w->pool, &c->dict);
}

/* Appends one cell (already validated) to column c. */
static sl_err col_append(sl_pq_writer *w, pq_col *c, const sl_value *v, char *errstr,
                         size_t errstr_size)
{
    sl_err e;
    if (v->is_null) {
        c->st.nulls++;
        w->rg_bytes += 1;
    } else {
        int added = 0;
        size_t psize = plain_size(c, v);
        if (c->dict_mode) {
            if (dict_add(w, c, v, psize, &added) != SL_OK)
                return nomem(errstr, errstr_size, "dictionary");
            if (!added) { /* dictionary full: finish the page, PLAIN from here on */
                e = page_flush(w, c, errstr, errstr_size);
                if (e != SL_OK)
                    return e;
                c->dict_mode = 0;
            }
        }
        if (!added && plain_add(w, c, v) != SL_OK)
            return nomem(errstr, errstr_size, "page values");
        c->page_nvals++;
        w->rg_bytes += psize;
        int unique = c->page_nvals == EARLY_UNIQUE_CHECK && c->dict.n == EARLY_UNIQUE_CHECK;
        if (added && c->npages_dict == 0 &&
            (unique || (c->page_nvals == EARLY_DICT_CHECK && !dict_pays(c)))) {
            /* all distinct so far, or nearly (ids, timestamps): PLAIN from
             * here on, before the hash table grows out of the cache. After
             * only EARLY_UNIQUE_CHECK values the evidence is thin (some
             * columns repeat later): the next chunk tries again instead of
             * skipping. */
            if (page_undictionary(w, c) != SL_OK)
                return nomem(errstr, errstr_size, "page values");
            c->dict_mode = 0;
            c->dict_skip = unique ? 0 : DICT_SKIP_CHUNKS;
        }
    }
    if (!c->required)
        level_put(c, !v->is_null);
    c->page_rows++;
    c->chunk_values++;
    if (page_full(w, c))
        return page_flush(w, c, errstr, errstr_size);
    return SL_OK;
}

/* ---------------------------------------------------------------- row groups */

/* Encodes the Statistics struct (field 12 of ColumnMetaData) of column c. */
static void enc_stats(sl_thrift_enc *e, const pq_col *c)
{
    uint8_t mn[8], mx[8];
    const void *pmin = mn, *pmax = mx;
    size_t n = 0, nmax = 0;
    int with = c->st.has && c->phys != SL_PQT_INT96;
    if (with) {
        switch (c->type) {
        case SL_T_BOOL:
            mn[0] = (uint8_t)c->st.imin;
            mx[0] = (uint8_t)c->st.imax;
            n = nmax = 1;
            break;
        case SL_T_INT32:
        case SL_T_DATE:
            sl_enc_put_u32le(mn, (uint32_t)c->st.imin);
            sl_enc_put_u32le(mx, (uint32_t)c->st.imax);
            n = nmax = 4;
            break;
        case SL_T_DOUBLE: {
            /* zero as a bound: min is -0.0, max is +0.0 (parquet.thrift) */
            double lo = c->st.dmin == 0.0 ? -0.0 : c->st.dmin;
            double hi = c->st.dmax == 0.0 ? 0.0 : c->st.dmax;
            sl_enc_put_f64le(mn, lo);
            sl_enc_put_f64le(mx, hi);
            n = nmax = 8;
            break;
        }
        case SL_T_STRING:
        case SL_T_BINARY:
            if (c->st.smin_long || c->st.smax_long) {
                with = 0;
                break;
            }
            pmin = c->st.smin.data ? (const void *)c->st.smin.data : (const void *)"";
            pmax = c->st.smax.data ? (const void *)c->st.smax.data : (const void *)"";
            n = c->st.smin.len;
            nmax = c->st.smax.len;
            break;
        default:
            sl_enc_put_u64le(mn, (uint64_t)c->st.imin);
            sl_enc_put_u64le(mx, (uint64_t)c->st.imax);
            n = nmax = 8;
            break;
        }
    }
    sl_thrift_enc_struct_begin(e, 12);
    sl_thrift_enc_field_i64(e, 3, c->st.nulls);
    if (with) {
        sl_thrift_enc_field_binary(e, 5, pmax, nmax);
        sl_thrift_enc_field_binary(e, 6, pmin, n);
    }
    sl_thrift_enc_struct_end(e);
}

/* Writes column c's chunk (dictionary page, data pages) to the output and
 * encodes its ColumnChunk into the row group encoder. Adds its sizes to the
 * row group totals. */
static sl_err chunk_write(sl_pq_writer *w, pq_col *c, sl_thrift_enc *rg, uint64_t *rg_usize,
                          uint64_t *rg_csize, uint64_t *rg_offset, char *errstr,
                          size_t errstr_size)
{
    sl_err e = page_flush(w, c, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    uint64_t start = w->pos, usize = c->chunk_usize, csize = c->chunk_csize;
    int has_dict = c->npages_dict > 0;
    if (has_dict) {
        pq_dict *d = &c->dict;
        sl_buf *b = &w->pool->page;
        b->len = 0;
        if (sl_buf_reserve(b, d->plain_bytes) != SL_OK)
            return nomem(errstr, errstr_size, "dictionary page");
        for (uint32_t i = 0; i < d->n; i++) {
            if (c->is_bytes) {
                if (plain_put_bytes(w->pool, b, d->arena.data + d->ents[i].off, d->ents[i].len) !=
                    SL_OK)
                    return nomem(errstr, errstr_size, "dictionary page");
            } else {
                plain_put_fixed(c, d->vals[i], b);
            }
        }
        sl_buf *dp = &w->pool->dpage;
        dp->len = 0;
        e = page_emit(w, c, SL_PQP_DICTIONARY_PAGE, d->n, SL_PQE_PLAIN, b->data, b->len, NULL,
                      dp, &usize, &csize, errstr, errstr_size);
        if (e == SL_OK)
            e = w_write(w, dp->data, dp->len, errstr, errstr_size);
        if (e != SL_OK)
            return e;
    }
    uint64_t data_off = w->pos;
    for (size_t k = 0; k < c->nsp; k++) {
        sl_buf *b = &w->pool->page;
        b->len = 0;
        if (sl_buf_reserve(b, c->sp[k].len) != SL_OK)
            return nomem(errstr, errstr_size, "pages read back");
        e = sl_pq_spill_get(w->spill, c->sp[k].off, b->data, c->sp[k].len, errstr, errstr_size);
        if (e == SL_OK)
            e = w_write(w, b->data, c->sp[k].len, errstr, errstr_size);
        if (e != SL_OK)
            return e;
    }
    c->nsp = 0;
    for (size_t i = 0; c->chunk.len && i <= c->chunk.cur; i++)
        if (c->chunk.seg[i].len &&
            (e = w_write(w, c->chunk.seg[i].data, c->chunk.seg[i].len, errstr, errstr_size)) !=
                SL_OK)
            return e;

    if (*rg_offset == UINT64_MAX)
        *rg_offset = start;
    *rg_usize += usize;
    *rg_csize += csize;

    /* ColumnChunk */
    sl_thrift_enc_struct_begin(rg, 0);
    sl_thrift_enc_field_i64(rg, 2, (int64_t)start); /* file_offset: first page of the chunk */
    sl_thrift_enc_struct_begin(rg, 3);              /* meta_data */
    sl_thrift_enc_field_i32(rg, 1, c->phys);
    int encs[3], nenc = 0;
    if (has_dict || c->npages_plain)
        encs[nenc++] = SL_PQE_PLAIN;
    encs[nenc++] = SL_PQE_RLE;
    if (has_dict)
        encs[nenc++] = SL_PQE_RLE_DICTIONARY;
    sl_thrift_enc_field_list(rg, 2, SL_THRIFT_I32, (uint32_t)nenc);
    for (int i = 0; i < nenc; i++)
        sl_thrift_enc_i32(rg, encs[i]);
    sl_thrift_enc_field_list(rg, 3, SL_THRIFT_BINARY, 1);
    sl_thrift_enc_binary(rg, c->name, strlen(c->name));
    sl_thrift_enc_field_i32(rg, 4, (int32_t)w->opts.codec);
    sl_thrift_enc_field_i64(rg, 5, c->chunk_values);
    sl_thrift_enc_field_i64(rg, 6, (int64_t)usize);
    sl_thrift_enc_field_i64(rg, 7, (int64_t)csize);
    sl_thrift_enc_field_i64(rg, 9, (int64_t)data_off);
    if (has_dict)
        sl_thrift_enc_field_i64(rg, 11, (int64_t)start);
    enc_stats(rg, c);
    /* encoding_stats: list<PageEncodingStats> */
    uint32_t nes = (has_dict ? 2u : 0u) + (c->npages_plain ? 1u : 0u);
    sl_thrift_enc_field_list(rg, 13, SL_THRIFT_STRUCT, nes);
    if (has_dict) {
        sl_thrift_enc_struct_begin(rg, 0);
        sl_thrift_enc_field_i32(rg, 1, SL_PQP_DICTIONARY_PAGE);
        sl_thrift_enc_field_i32(rg, 2, SL_PQE_PLAIN);
        sl_thrift_enc_field_i32(rg, 3, 1);
        sl_thrift_enc_struct_end(rg);
        sl_thrift_enc_struct_begin(rg, 0);
        sl_thrift_enc_field_i32(rg, 1, SL_PQP_DATA_PAGE);
        sl_thrift_enc_field_i32(rg, 2, SL_PQE_RLE_DICTIONARY);
        sl_thrift_enc_field_i32(rg, 3, (int32_t)c->npages_dict);
        sl_thrift_enc_struct_end(rg);
    }
    if (c->npages_plain) {
        sl_thrift_enc_struct_begin(rg, 0);
        sl_thrift_enc_field_i32(rg, 1, SL_PQP_DATA_PAGE);
        sl_thrift_enc_field_i32(rg, 2, SL_PQE_PLAIN);
        sl_thrift_enc_field_i32(rg, 3, (int32_t)c->npages_plain);
        sl_thrift_enc_struct_end(rg);
    }
    sl_thrift_enc_struct_end(rg); /* meta_data */
    sl_thrift_enc_struct_end(rg); /* ColumnChunk */
    return SL_OK;
}

/* Prepares column c for the next row group (keeps its memory). */
static void col_reset_chunk(const sl_pq_writer *w, pq_col *c)
{
    page_reset(c);
    segbuf_reset(&c->chunk);
    c->chunk_usize = c->chunk_csize = 0;
    c->npages_dict = c->npages_plain = 0;
    c->chunk_values = 0;
    c->dict_mode = c->can_dict && !w->opts.disable_dictionary && c->dict_skip == 0;
    if (c->dict_skip > 0)
        c->dict_skip--;
    c->dict_bw = 0;
    dict_clear(&c->dict);
    stats_reset(&c->st);
}

/* Writes the open row group (no-op without rows). release: also free the
 * memory that held its pages and dictionaries (an explicit flush is how a
 * caller relieves memory pressure); without it the memory is kept for the next
 * row group, which refills it without page faults. */
static sl_err rg_flush(sl_pq_writer *w, int release, char *errstr, size_t errstr_size)
{
    if (w->state != W_OPEN)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "parquet writer: flush after close or after an error");
    if (w->rg_rows == 0)
        return SL_OK;
    sl_thrift_enc rg;
    uint64_t usize = 0, csize = 0, offset = UINT64_MAX;
    sl_err e = SL_OK;
    sl_thrift_enc_init(&rg, &w->rgmeta);
    sl_thrift_enc_struct_begin(&rg, 0);
    sl_thrift_enc_field_list(&rg, 1, SL_THRIFT_STRUCT, (uint32_t)w->ncols);
    for (size_t i = 0; i < w->ncols && e == SL_OK; i++)
        e = chunk_write(w, &w->cols[i], &rg, &usize, &csize, &offset, errstr, errstr_size);
    if (e != SL_OK) {
        w->state = W_FAILED;
        return e;
    }
    sl_thrift_enc_field_i64(&rg, 2, (int64_t)usize);
    sl_thrift_enc_field_i64(&rg, 3, (int64_t)w->rg_rows);
    sl_thrift_enc_field_i64(&rg, 5, (int64_t)offset);
    sl_thrift_enc_field_i64(&rg, 6, (int64_t)csize);
    if (w->nrg <= INT16_MAX)
        sl_thrift_enc_field_i16(&rg, 7, (int16_t)w->nrg);
    sl_thrift_enc_struct_end(&rg);
    if (sl_thrift_enc_finish(&rg) != SL_OK) {
        w->state = W_FAILED;
        return nomem(errstr, errstr_size, "footer");
    }
    w->nrg++;
    spill_release(w);
    w->rg_rows = 0;
    w->rg_bytes = 0;
    for (size_t i = 0; i < w->ncols; i++) {
        if (release)
            col_release(w, &w->cols[i]);
        col_reset_chunk(w, &w->cols[i]);
    }
    return SL_OK;
}

sl_err sl_pq_writer_spill(sl_pq_writer *w, sl_pq_spill *sp, char *errstr, size_t errstr_size)
{
    if (w->state != W_OPEN)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "parquet writer: spill after close or after an error");
    if (!sp || (w->spill && w->spill != sp))
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "parquet writer: spill to no file or to another one");
    w->spill = sp;
    /* Finish every page, then make room for the bookkeeping, so that nothing can
     * fail between the write and forgetting the pages. */
    size_t nseg = 0;
    for (size_t i = 0; i < w->ncols; i++) {
        pq_col *c = &w->cols[i];
        sl_err e = page_flush(w, c, errstr, errstr_size);
        if (e != SL_OK) {
            w->state = W_FAILED;
            return e;
        }
        if (c->chunk.len) {
            spext *n = sl_array_grow(c->sp, &c->capsp, c->nsp + 1, sizeof *n, 4);
            if (!n)
                return nomem(errstr, errstr_size, "spilled pages");
            c->sp = n;
            nseg += c->chunk.cur + 1;
        }
    }
    if (nseg == 0)
        return SL_OK;
    spext *nr = sl_array_grow(w->regions, &w->capreg, w->nreg + 1, sizeof *nr, 4);
    struct iovec *iov = malloc(nseg * sizeof *iov);
    if (!nr || !iov) {
        free(iov);
        if (nr)
            w->regions = nr;
        return nomem(errstr, errstr_size, "spilled pages");
    }
    w->regions = nr;
    /* One write for all: column by column, each column's pages in order. */
    size_t k = 0;
    uint64_t total = 0;
    for (size_t i = 0; i < w->ncols; i++) {
        pq_col *c = &w->cols[i];
        for (size_t j = 0; c->chunk.len && j <= c->chunk.cur; j++)
            if (c->chunk.seg[j].len) {
                iov[k++] = (struct iovec){ c->chunk.seg[j].data, c->chunk.seg[j].len };
                total += c->chunk.seg[j].len;
            }
    }
    uint64_t off;
    sl_err e = sl_pq_spill_putv(sp, iov, k, total, &off, errstr, errstr_size);
    free(iov);
    if (e != SL_OK)
        return e;
    w->regions[w->nreg++] = (spext){ off, total };
    for (size_t i = 0; i < w->ncols; i++) {
        pq_col *c = &w->cols[i];
        if (c->chunk.len) {
            c->sp[c->nsp++] = (spext){ off, c->chunk.len };
            off += c->chunk.len;
            segbuf_free(w->pool, &c->chunk);
        }
        page_buffers_release(w, c);
    }
    return SL_OK;
}

sl_err sl_pq_writer_flush_row_group(sl_pq_writer *w, char *errstr, size_t errstr_size)
{
    return rg_flush(w, 1, errstr, errstr_size);
}

/* ---------------------------------------------------------------- API */

static int phys_type(sl_type t, int int96)
{
    switch (t) {
    case SL_T_BOOL: return SL_PQT_BOOLEAN;
    case SL_T_INT32:
    case SL_T_DATE: return SL_PQT_INT32;
    case SL_T_INT64: return SL_PQT_INT64;
    case SL_T_DOUBLE: return SL_PQT_DOUBLE;
    case SL_T_STRING:
    case SL_T_BINARY: return SL_PQT_BYTE_ARRAY;
    case SL_T_TIMESTAMP: return int96 ? SL_PQT_INT96 : SL_PQT_INT64;
    }
    return -1;
}

sl_pq_writer *sl_pq_writer_new(const sl_column *cols, size_t ncols, const sl_pq_options *opts,
                               sl_out out, char *errstr, size_t errstr_size)
{
    sl_pq_writer *w = NULL;
    size_t names_len = 0;
    if (!cols || ncols == 0 || ncols > INT32_MAX / 2) {
        sl_errf(SL_ERR_INVALID, errstr, errstr_size, "parquet writer: a table needs 1 or more columns");
        return NULL;
    }
    for (size_t i = 0; i < ncols; i++) {
        if (!cols[i].name || !cols[i].name[0]) {
            sl_errf(SL_ERR_INVALID, errstr, errstr_size, "parquet writer: column %zu has no name", i);
            return NULL;
        }
        if (phys_type(cols[i].type, 0) < 0) {
            sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                    "parquet writer: column '%s' has unknown type %d", cols[i].name,
                    (int)cols[i].type);
            return NULL;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(cols[i].name, cols[j].name) == 0) {
                sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                        "parquet writer: duplicate column name '%s'", cols[i].name);
                return NULL;
            }
        names_len += strlen(cols[i].name) + 1;
    }
    w = calloc(1, sizeof *w);
    if (!w)
        goto nomem;
    w->out = out;
    w->opts = opts ? *opts : sl_pq_options_default();
    if (!w->opts.page_bytes)
        w->opts.page_bytes = (size_t)1 << 20;
    if (!w->opts.row_group_bytes)
        w->opts.row_group_bytes = (size_t)128 << 20;
    if (!w->opts.dict_max_bytes)
        w->opts.dict_max_bytes = (size_t)1 << 20;
    if (w->opts.dict_max_bytes > DICT_MAX_LIMIT)
        w->opts.dict_max_bytes = DICT_MAX_LIMIT;
    if (!sl_codec_supported(w->opts.codec)) {
        sl_errf(SL_ERR_INVALID, errstr, errstr_size, "parquet writer: unknown codec %d",
                (int)w->opts.codec);
        goto err;
    }
    if ((w->opts.codec == SL_PQ_ZSTD && (w->opts.compression_level < 0 ||
                                         w->opts.compression_level > 22)) ||
        (w->opts.codec == SL_PQ_GZIP && (w->opts.compression_level < 0 ||
                                         w->opts.compression_level > 9))) {
        sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                "parquet writer: compression level %d is out of range for %s",
                w->opts.compression_level, sl_pq_codec_name(w->opts.codec));
        goto err;
    }
    w->ncols = ncols;
    w->cols = calloc(ncols, sizeof *w->cols);
    w->names = malloc(names_len);
    if (w->opts.pool)
        w->pool = w->opts.pool;
    else
        w->pool = w->own_pool = sl_pq_pool_new();
    if (!w->cols || !w->names || !w->pool)
        goto nomem;
    char *np = w->names;
    for (size_t i = 0; i < ncols; i++) {
        pq_col *c = &w->cols[i];
        size_t l = strlen(cols[i].name) + 1;
        memcpy(np, cols[i].name, l);
        c->name = np;
        np += l;
        c->type = cols[i].type;
        c->required = cols[i].required != 0;
        c->phys = phys_type(c->type, w->opts.int96_timestamps);
        c->is_bytes = c->phys == SL_PQT_BYTE_ARRAY;
        c->can_dict = c->phys != SL_PQT_BOOLEAN;
        if (!c->required && c->phys != SL_PQT_BOOLEAN)
            c->plain_base = LEVEL_GAP;
        col_reset_chunk(w, c);
    }
    if (w_write(w, "PAR1", 4, errstr, errstr_size) != SL_OK)
        goto err;
    return w;
nomem:
    sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "parquet writer: out of memory");
err:
    sl_pq_writer_destroy(w);
    return NULL;
}

sl_err sl_pq_writer_write_row(sl_pq_writer *w, const sl_value *vals, char *errstr,
                              size_t errstr_size)
{
    sl_err e;
    if (w->state != W_OPEN)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "parquet writer: write after close or after an error");
    /* The row's cells (often cold: a lander wrote them long before) are loaded
     * all at once rather than line after line as the loop below reaches them. */
    for (size_t off = 0; off < w->ncols * sizeof *vals; off += 64)
        __builtin_prefetch((const char *)vals + off);
    /* validate the whole row first, so a bad row leaves nothing behind */
    for (size_t i = 0; i < w->ncols; i++) {
        pq_col *c = &w->cols[i];
        const sl_value *v = &vals[i];
        if (v->is_null) {
            if (c->required)
                return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                               "parquet writer: row %llu: column '%s' is required but the value "
                               "is null", (unsigned long long)w->rows, c->name);
            continue;
        }
        if ((c->type == SL_T_INT32 || c->type == SL_T_DATE) &&
            (v->u.i < INT32_MIN || v->u.i > INT32_MAX))
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                           "parquet writer: row %llu: column '%s': %lld does not fit in int32",
                           (unsigned long long)w->rows, c->name, (long long)v->u.i);
        if (c->is_bytes && (v->u.s.n > MAX_VALUE_BYTES || (v->u.s.n && !v->u.s.p)))
            return sl_errf(SL_ERR_LIMIT, errstr, errstr_size,
                           "parquet writer: row %llu: column '%s': value of %u bytes is over "
                           "the %u-byte limit", (unsigned long long)w->rows, c->name,
                           (unsigned)v->u.s.n, MAX_VALUE_BYTES);
        if (c->is_bytes && v->u.s.n) { /* hashed or copied below: start loading it */
            __builtin_prefetch(v->u.s.p);
            __builtin_prefetch(v->u.s.p + v->u.s.n - 1);
        }
    }
    for (size_t i = 0; i < w->ncols; i++)
        if (w->cols[i].dict_mode && !vals[i].is_null)
            dict_prefetch(&w->cols[i], &vals[i]);
    for (size_t i = 0; i < w->ncols; i++) {
        e = col_append(w, &w->cols[i], &vals[i], errstr, errstr_size);
        if (e != SL_OK) {
            w->state = W_FAILED;
            return e;
        }
    }
    w->rows++;
    w->rg_rows++;
    if (w->rg_bytes >= w->opts.row_group_bytes)
        return rg_flush(w, 0, errstr, errstr_size);
    return SL_OK;
}

sl_err sl_pq_writer_add_kv(sl_pq_writer *w, const char *key, const char *value)
{
    if (w->state != W_OPEN || !key)
        return SL_ERR_INVALID;
    pq_kv *k = sl_array_grow(w->kvs, &w->kvcap, w->nkv + 1, sizeof *k, 8);
    if (!k)
        return SL_ERR_NOMEM;
    w->kvs = k;
    pq_kv *kv = &w->kvs[w->nkv];
    kv->key = strdup(key);
    kv->value = value ? strdup(value) : NULL;
    if (!kv->key || (value && !kv->value)) {
        free(kv->key);
        free(kv->value);
        return SL_ERR_NOMEM;
    }
    w->nkv++;
    return SL_OK;
}

/* Encodes the SchemaElement of column c. */
static void enc_schema_element(sl_thrift_enc *e, const pq_col *c)
{
    sl_thrift_enc_struct_begin(e, 0);
    sl_thrift_enc_field_i32(e, 1, c->phys);
    sl_thrift_enc_field_i32(e, 3, c->required ? SL_PQR_REQUIRED : SL_PQR_OPTIONAL);
    sl_thrift_enc_field_binary(e, 4, c->name, strlen(c->name));
    switch (c->type) {
    case SL_T_STRING:
        sl_thrift_enc_field_i32(e, 6, SL_PQCT_UTF8);
        sl_thrift_enc_struct_begin(e, 10);
        sl_thrift_enc_struct_begin(e, SL_PQLT_STRING);
        sl_thrift_enc_struct_end(e);
        sl_thrift_enc_struct_end(e);
        break;
    case SL_T_DATE:
        sl_thrift_enc_field_i32(e, 6, SL_PQCT_DATE);
        sl_thrift_enc_struct_begin(e, 10);
        sl_thrift_enc_struct_begin(e, SL_PQLT_DATE);
        sl_thrift_enc_struct_end(e);
        sl_thrift_enc_struct_end(e);
        break;
    case SL_T_TIMESTAMP:
        if (c->phys == SL_PQT_INT96)
            break; /* legacy INT96 carries no annotation */
        sl_thrift_enc_field_i32(e, 6, SL_PQCT_TIMESTAMP_MICROS);
        sl_thrift_enc_struct_begin(e, 10);
        sl_thrift_enc_struct_begin(e, SL_PQLT_TIMESTAMP);
        sl_thrift_enc_field_bool(e, 1, 1); /* isAdjustedToUTC */
        sl_thrift_enc_struct_begin(e, 2);  /* unit */
        sl_thrift_enc_struct_begin(e, SL_PQTU_MICROS);
        sl_thrift_enc_struct_end(e);
        sl_thrift_enc_struct_end(e);
        sl_thrift_enc_struct_end(e);
        sl_thrift_enc_struct_end(e);
        break;
    default:
        break;
    }
    sl_thrift_enc_struct_end(e);
}

sl_err sl_pq_writer_close(sl_pq_writer *w, char *errstr, size_t errstr_size)
{
    sl_buf foot = {0};
    sl_thrift_enc e;
    sl_err err;
    if (w->state != W_OPEN)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "parquet writer: close after close or after an error");
    err = rg_flush(w, 0, errstr, errstr_size);
    if (err != SL_OK)
        goto err;
    sl_thrift_enc_init(&e, &foot);
    sl_thrift_enc_struct_begin(&e, 0);
    sl_thrift_enc_field_i32(&e, 1, 1); /* version */
    sl_thrift_enc_field_list(&e, 2, SL_THRIFT_STRUCT, (uint32_t)w->ncols + 1);
    sl_thrift_enc_struct_begin(&e, 0); /* root */
    sl_thrift_enc_field_i32(&e, 3, SL_PQR_REQUIRED);
    sl_thrift_enc_field_binary(&e, 4, "schema", 6);
    sl_thrift_enc_field_i32(&e, 5, (int32_t)w->ncols);
    sl_thrift_enc_struct_end(&e);
    for (size_t i = 0; i < w->ncols; i++)
        enc_schema_element(&e, &w->cols[i]);
    sl_thrift_enc_field_i64(&e, 3, (int64_t)w->rows);
    sl_thrift_enc_field_list(&e, 4, SL_THRIFT_STRUCT, w->nrg);
    /* the RowGroup structs were encoded as each row group was written */
    if (w->rgmeta.len && sl_buf_append(&foot, w->rgmeta.data, w->rgmeta.len) != SL_OK) {
        err = nomem(errstr, errstr_size, "footer");
        goto err;
    }
    if (w->nkv) {
        sl_thrift_enc_field_list(&e, 5, SL_THRIFT_STRUCT, (uint32_t)w->nkv);
        for (size_t i = 0; i < w->nkv; i++) {
            sl_thrift_enc_struct_begin(&e, 0);
            sl_thrift_enc_field_binary(&e, 1, w->kvs[i].key, strlen(w->kvs[i].key));
            if (w->kvs[i].value)
                sl_thrift_enc_field_binary(&e, 2, w->kvs[i].value, strlen(w->kvs[i].value));
            sl_thrift_enc_struct_end(&e);
        }
    }
    const char *cb = sl_version_line();
    sl_thrift_enc_field_binary(&e, 6, cb, strlen(cb));
    sl_thrift_enc_field_list(&e, 7, SL_THRIFT_STRUCT, (uint32_t)w->ncols);
    for (size_t i = 0; i < w->ncols; i++) {
        sl_thrift_enc_struct_begin(&e, 0); /* ColumnOrder */
        sl_thrift_enc_struct_begin(&e, 1); /* TYPE_ORDER: TypeDefinedOrder */
        sl_thrift_enc_struct_end(&e);
        sl_thrift_enc_struct_end(&e);
    }
    sl_thrift_enc_struct_end(&e);
    if (sl_thrift_enc_finish(&e) != SL_OK || foot.len > UINT32_MAX) {
        err = nomem(errstr, errstr_size, "footer");
        goto err;
    }
    uint8_t tail[8];
    sl_enc_put_u32le(tail, (uint32_t)foot.len);
    memcpy(tail + 4, "PAR1", 4);
    err = w_write(w, foot.data, foot.len, errstr, errstr_size);
    if (err == SL_OK)
        err = w_write(w, tail, 8, errstr, errstr_size);
    if (err != SL_OK)
        goto err;
    sl_buf_free(&foot);
    w->state = W_CLOSED;
    return SL_OK;
err:
    sl_buf_free(&foot);
    w->state = W_FAILED;
    return err;
}

void sl_pq_writer_destroy(sl_pq_writer *w)
{
    if (!w)
        return;
    if (w->cols) {
        spill_release(w);
        free(w->regions);
        for (size_t i = 0; i < w->ncols; i++) {
            pq_col *c = &w->cols[i];
            if (w->pool)
                col_release(w, c);
            free(c->sp);
            sl_buf_free(&c->lvl);
            sl_buf_free(&c->st.smin);
            sl_buf_free(&c->st.smax);
        }
        free(w->cols);
    }
    for (size_t i = 0; i < w->nkv; i++) {
        free(w->kvs[i].key);
        free(w->kvs[i].value);
    }
    free(w->kvs);
    free(w->names);
    sl_buf_free(&w->rgmeta);
    sl_pq_pool_destroy(w->own_pool);
    free(w);
}

void sl_pq_writer_set_pool(sl_pq_writer *w, sl_pq_pool *pool)
{
    if (pool) {
        w->pool = pool;
        w->opts.pool = pool;
    }
}

uint64_t sl_pq_writer_rows(const sl_pq_writer *w) { return w->rows; }
size_t sl_pq_writer_buffered_bytes(const sl_pq_writer *w) { return w->rg_bytes; }

size_t sl_pq_writer_held_bytes(const sl_pq_writer *w)
{
    size_t n = 0;
    for (size_t i = 0; i < w->ncols; i++) {
        const pq_col *c = &w->cols[i];
        const pq_dict *d = &c->dict;
        size_t plain = c->plain.len > c->plain_base ? c->plain.len - c->plain_base : 0;
        n += c->page_nvals * c->iw * (c->idx != NULL) + plain + c->lvl.len +
             (size_t)c->chunk.len + d->arena.len;
        if (d->fs)
            n += ((size_t)d->mask + 1) * sizeof *d->fs + (size_t)d->n * sizeof *d->vals;
        else if (d->bs)
            n += ((size_t)d->mask + 1) * sizeof *d->bs + (size_t)d->n * sizeof *d->ents;
    }
    return n;
}
size_t sl_pq_writer_footer_bytes(const sl_pq_writer *w) { return w->rgmeta.cap; }
uint64_t sl_pq_writer_bytes_written(const sl_pq_writer *w) { return w->pos; }
