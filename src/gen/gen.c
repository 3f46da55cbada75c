/*
 * gen.c: the assessment-attempt generator (see gen.h for what it promises).
 *
 * How a record is made: pick an exam by its reference weight, a start time from
 * a (day, hour) table, a student (skill, speed); simulate every question in a
 * per-attempt display order (outcome, which options are checked or touched,
 * when); then format the whole record in one pass straight into the caller's
 * buffer. Space for the worst case of the exam is reserved first, so the
 * formatting writes through a plain pointer with no per-field checks.
 *
 * Randomness: xoshiro256** seeded through splitmix64. The exam structures use
 * their own generator seeded from a hash of the base_exam_id, so they do not
 * depend on the run's seed.
 */
#include "gen/gen.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_Q 10        /* questions per exam, at most */
#define MAX_OPT 6       /* options per question, at most */
#define UUID_LEN 36
#define DUP_SLOTS 32    /* duplicates waiting to be emitted, at most */
#define DUP_WINDOW 300  /* a duplicate follows its original within this many records */
#define WRITE_CHUNK ((size_t)1 << 20)

/* Share of fresh records that get a later duplicate: d/(1+d) = 1.2% of output. */
#define DUP_PROB 0.012146
#define P_NO_AT 0.003         /* nothing answered: no `at` anywhere */
#define P_NO_COUNTS 0.005     /* `counts` absent */
#define P_NO_CERT 0.04        /* `certification` absent */
#define P_CREATED_DIFF 0.03   /* keen_created_at differs from keen_timestamp */
#define P_ABANDON 0.025       /* stops answering part-way */
#define P_SKIP 0.015          /* leaves one question unanswered */
#define P_PAUSE 0.02          /* a long break somewhere in the attempt */
#define P_TOUCH 0.05          /* an unchecked wrong option was clicked then unclicked */
#define P_SEVENTH 0.4         /* epoch strings with a 7th decimal */

/* 2017-11-21T00:00:00Z (a Tuesday); the data spans 69 days from it, the last
 * (2018-01-28) only until noon. */
#define EPOCH_FIRST_DAY 1511222400LL
#define NDAYS 69
#define LAST_DAY_HOURS 12

/* ---- random numbers ---- */

typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* xoshiro256** */
static inline uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform double in [0, 1). */
static inline double rng_unif(rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

/* Uniform integer in [0, n), n >= 1 (multiply-shift; the bias is below 2^-32). */
static inline uint32_t rng_below(rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Approximately standard normal (sum of four uniforms, scaled; |z| <= 3.47). */
static double rng_normal(rng *r)
{
    double s = rng_unif(r) + rng_unif(r) + rng_unif(r) + rng_unif(r);
    return (s - 2.0) * 1.7320508075688772;
}

/* Log-normal with the given median and shape. */
static double rng_lognormal(rng *r, double median, double sigma)
{
    return median * exp(sigma * rng_normal(r));
}

/* ---- formatting helpers: each writes at p and returns the end ---- */

static const char hexdig[] = "0123456789abcdef";
static const char digits2[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                              "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                              "8081828384858687888990919293949596979899";

static inline char *put(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

/* Writes a string literal (its length is known at compile time). */
#define PUT(p, lit) put((p), (lit), sizeof(lit) - 1)

static inline char *put2(char *p, unsigned v)
{
    memcpy(p, digits2 + 2 * v, 2);
    return p + 2;
}

static char *put_uint(char *p, uint64_t v)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

/* n lowercase hex digits of v (most significant first). */
static char *put_hex(char *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = hexdig[v & 15];
        v >>= 4;
    }
    return p + n;
}

/* A version-4, variant-1 UUID from two random words, lowercase, 36 chars. */
static char *put_uuid(char *p, uint64_t a, uint64_t b)
{
    put_hex(p, a >> 32, 8);
    p[8] = '-';
    put_hex(p + 9, (a >> 16) & 0xffff, 4);
    p[13] = '-';
    p[14] = '4';
    put_hex(p + 15, a & 0xfff, 3);
    p[18] = '-';
    p[19] = hexdig[8 + ((b >> 62) & 3)];
    put_hex(p + 20, (b >> 48) & 0xfff, 3);
    p[23] = '-';
    put_hex(p + 24, b & 0xffffffffffffULL, 12);
    return p + UUID_LEN;
}

/* Days since 1970-01-01 -> civil date (proleptic Gregorian). */
static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400) + (*m <= 2);
}

/* ---- exams ---- */

typedef struct gen_question {
    char id[UUID_LEN];
    uint8_t nopts;
    uint8_t ncorrect;
    uint8_t correct[MAX_OPT]; /* 1 when option j is a correct answer */
    char opt_id[MAX_OPT][UUID_LEN];
    double ease;              /* added to a student's skill for this question */
} gen_question;

typedef struct gen_exam {
    /* Preformatted JSON fragments, all in `frag`:
     *   [0, base_len)            "base_exam_id":"<id>","user_exam_id":"
     *   [base_len, +seq_len)     ,"attempt":1,"id":"<sequence id>"
     *   [.., +name_len)          ,"exam_name":"<name>"}                     */
    char *frag;
    size_t base_len, seq_len, name_len;
    size_t bound; /* the largest record this exam can produce, in bytes */
    uint8_t nq;
    gen_question q[MAX_Q];
} gen_exam;

typedef struct dup_slot {
    int used;
    uint64_t due; /* emitted as record number `due` (or the first free one after) */
    sl_buf bytes;
} dup_slot;

struct sl_gen {
    rng r;
    int no_duplicates;
    uint64_t records, duplicates, fresh;
    uint32_t id_salt;
    gen_exam *exams;
    size_t nexams;
    uint8_t *pick; /* exam index per unit of weight (3280 entries for the reference) */
    uint32_t npick;
    uint32_t slot_cum[NDAYS * 24]; /* cumulative (day, hour) weights */
    int64_t cached_day;
    char cached_date[11]; /* "YYYY-MM-DDT" of cached_day */
    dup_slot dup[DUP_SLOTS];
};

/* FNV-1a, to turn an exam id into its structure seed. */
static uint64_t hash_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* Length of s as a JSON string body (quotes excluded), and the writer for it. */
static size_t json_escaped_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        n += (c == '"' || c == '\\') ? 2 : c < 0x20 ? 6 : 1;
    }
    return n;
}

static char *put_json_escaped(char *p, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = (char)c;
        } else if (c < 0x20) {
            p = PUT(p, "\\u00");
            *p++ = hexdig[c >> 4];
            *p++ = hexdig[c & 15];
        } else {
            *p++ = (char)c;
        }
    }
    return p;
}

static unsigned pick_weighted(rng *r, const double *w, unsigned n)
{
    double u = rng_unif(r), acc = 0;
    for (unsigned i = 0; i < n; i++) {
        acc += w[i];
        if (u < acc)
            return i;
    }
    return n - 1;
}

/* Exams whose question count the sample records show. */
static const struct {
    const char *id;
    uint8_t nq;
} known_nq[] = {
    { "37f0a30a-7464-11e6-aa92-a8667f27e5dc", 4 }, /* Normal Forms and All That Jazz */
    { "4beeac16-bb83-4d58-83e4-26cdc38f0481", 4 }, /* The Principles of Microservices */
    { "6442707e-7488-11e6-831b-a8667f27e5dc", 4 }, /* Introduction to Big Data */
    { "f80366d9-db60-41c3-a1c4-6c7789b478f8", 4 }, /* I'm a Software Architect, Now What? */
    { "a62e5d35-75e9-11e6-8197-9801a7c3b233", 8 }, /* Learning Linux System Administration */
};

/* Builds exam e's fixed structure and fragments from its id and name. The
 * structure depends only on the id. Returns SL_OK or SL_ERR_NOMEM. */
static sl_err exam_build(gen_exam *e, const sl_gen_exam *src)
{
    static const double nq_w[] = { 0.80, 0.05, 0.05, 0.03, 0.03, 0.02, 0.02 };  /* 4..10 */
    static const double nopt_w[] = { 0.14, 0.34, 0.45, 0.05, 0.02 };            /* 2..6 */
    static const double ncor_w[] = { 0.42, 0.35, 0.15, 0.06, 0.015, 0.005 };   /* 1..6 */
    rng r;
    rng_seed(&r, hash_str(src->base_exam_id) ^ 0x736c7569636567ULL);

    e->nq = (uint8_t)(4 + pick_weighted(&r, nq_w, 7));
    /* Question counts seen in the real sample records win over the draw. */
    for (size_t i = 0; i < sizeof known_nq / sizeof known_nq[0]; i++)
        if (strcmp(src->base_exam_id, known_nq[i].id) == 0)
            e->nq = known_nq[i].nq;
    char seq_id[UUID_LEN];
    put_uuid(seq_id, rng_next(&r), rng_next(&r));
    for (unsigned i = 0; i < e->nq; i++) {
        gen_question *q = &e->q[i];
        put_uuid(q->id, rng_next(&r), rng_next(&r));
        q->nopts = (uint8_t)(2 + pick_weighted(&r, nopt_w, 5));
        unsigned k = 1 + pick_weighted(&r, ncor_w, 6);
        q->ncorrect = (uint8_t)(k < q->nopts ? k : q->nopts);
        for (unsigned j = 0; j < q->nopts; j++) {
            put_uuid(q->opt_id[j], rng_next(&r), rng_next(&r));
            q->correct[j] = j < q->ncorrect;
        }
        /* Which positions are correct: shuffle the flags. */
        for (unsigned j = q->nopts - 1; j > 0; j--) {
            unsigned t = rng_below(&r, j + 1);
            uint8_t c = q->correct[j];
            q->correct[j] = q->correct[t];
            q->correct[t] = c;
        }
        q->ease = (rng_unif(&r) - 0.6) * 0.3;
    }
    /* Some exams reuse one question's options in another (DATA.md). */
    if (rng_unif(&r) < 0.15) {
        gen_question *a = &e->q[0], *b = &e->q[e->nq - 1];
        b->nopts = a->nopts;
        memcpy(b->opt_id, a->opt_id, sizeof a->opt_id);
        unsigned ncor = 0;
        for (unsigned j = 0; j < b->nopts; j++) {
            b->correct[j] = rng_unif(&r) < 0.4;
            ncor += b->correct[j];
        }
        if (ncor == 0) {
            b->correct[rng_below(&r, b->nopts)] = 1;
            ncor = 1;
        }
        b->ncorrect = (uint8_t)ncor;
    }

    size_t idl = json_escaped_len(src->base_exam_id), namel = json_escaped_len(src->exam_name);
    e->frag = malloc(idl + namel + 128);
    if (!e->frag)
        return SL_ERR_NOMEM;
    char *p = e->frag;
    p = PUT(p, "\"base_exam_id\":\"");
    p = put_json_escaped(p, src->base_exam_id);
    p = PUT(p, "\",\"user_exam_id\":\"");
    e->base_len = (size_t)(p - e->frag);
    p = PUT(p, ",\"attempt\":1,\"id\":\"");
    p = put(p, seq_id, UUID_LEN);
    p = PUT(p, "\"");
    e->seq_len = (size_t)(p - e->frag) - e->base_len;
    p = PUT(p, ",\"exam_name\":\"");
    p = put_json_escaped(p, src->exam_name);
    p = PUT(p, "\"}");
    e->name_len = (size_t)(p - e->frag) - e->base_len - e->seq_len;

    /* Worst case: fixed keys and values well under 1 KiB, a question's own keys
     * under 256 bytes, an option under 160 (the longest variant is ~115). */
    e->bound = 1024 + (size_t)(p - e->frag);
    for (unsigned i = 0; i < e->nq; i++)
        e->bound += 256 + (size_t)e->q[i].nopts * 160;
    return SL_OK;
}

/* Relative activity by UTC hour (learners in the Americas and Europe). */
static const double hour_w[24] = { 0.70, 0.55, 0.45, 0.35, 0.30, 0.30, 0.35, 0.45,
                                   0.60, 0.75, 0.85, 0.90, 0.95, 1.00, 1.10, 1.15,
                                   1.15, 1.10, 1.05, 1.00, 0.95, 0.90, 0.85, 0.80 };

/* Relative activity of day d (0 = 2017-11-21, a Tuesday). */
static double day_weight(int d)
{
    int dow = d % 7; /* 0 Tue, 1 Wed, 2 Thu, 3 Fri, 4 Sat, 5 Sun, 6 Mon */
    double w = dow == 4 ? 0.45 : dow == 5 ? 0.5 : 1.0;
    if (d == 2)                 /* Thanksgiving */
        w *= 0.7;
    if (d >= 32 && d <= 41)     /* 2017-12-23 .. 2018-01-01 */
        w *= 0.6;
    return w;
}

static void build_slots(sl_gen *g)
{
    uint32_t acc = 0;
    for (int d = 0; d < NDAYS; d++)
        for (int h = 0; h < 24; h++) {
            int on = d < NDAYS - 1 || h < LAST_DAY_HOURS;
            acc += on ? (uint32_t)(day_weight(d) * hour_w[h] * 1000.0 + 0.5) : 0;
            g->slot_cum[d * 24 + h] = acc;
        }
}

sl_gen *sl_gen_new(uint64_t seed, const sl_gen_opts *opts)
{
    sl_gen *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    rng_seed(&g->r, seed);
    g->no_duplicates = opts ? opts->no_duplicates : 0;
    g->id_salt = (uint32_t)(rng_next(&g->r) & 0xffffff);
    g->cached_day = -1;

    size_t n;
    const sl_gen_exam *table = sl_gen_exams(&n);
    if (n == 0 || n > 256) /* exam indexes are stored in bytes */
        goto err;
    g->exams = calloc(n, sizeof *g->exams);
    if (!g->exams)
        goto err;
    g->nexams = n;
    uint32_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (exam_build(&g->exams[i], &table[i]) != SL_OK)
            goto err;
        total += table[i].raw_count;
    }
    g->pick = malloc(total ? total : 1);
    if (!g->pick)
        goto err;
    for (size_t i = 0, k = 0; i < n; i++)
        for (uint32_t j = 0; j < table[i].raw_count; j++)
            g->pick[k++] = (uint8_t)i;
    g->npick = total;
    build_slots(g);
    return g;
err:
    sl_gen_destroy(g);
    return NULL;
}

void sl_gen_destroy(sl_gen *g)
{
    if (!g)
        return;
    if (g->exams)
        for (size_t i = 0; i < g->nexams; i++)
            free(g->exams[i].frag);
    free(g->exams);
    free(g->pick);
    for (int i = 0; i < DUP_SLOTS; i++)
        sl_buf_free(&g->dup[i].bytes);
    free(g);
}

uint64_t sl_gen_records(const sl_gen *g) { return g->records; }
uint64_t sl_gen_duplicates(const sl_gen *g) { return g->duplicates; }

/* ---- one attempt ---- */

enum { R_CORRECT, R_INCORRECT, R_MISSED, R_UNANSWERED };

typedef struct q_state {
    uint8_t result;
    uint8_t order[MAX_OPT];   /* display order: order[k] is an option index */
    uint8_t checked[MAX_OPT]; /* by option index */
    int64_t at[MAX_OPT];      /* ms since epoch; 0 = never touched */
} q_state;

typedef struct attempt {
    const gen_exam *e;
    uint8_t qorder[MAX_Q]; /* display order of the questions */
    q_state qs[MAX_Q];     /* by question index */
    int64_t started_ms, keen_us, created_us;
    unsigned keen_d7, created_d7; /* 7th decimal digit, 0 = none */
    int has_counts, has_cert;
    unsigned correct, incorrect, incomplete, unanswered;
} attempt;

static void shuffle_u8(rng *r, uint8_t *a, unsigned n)
{
    for (unsigned i = n; i > 1; i--) {
        unsigned j = rng_below(r, i);
        uint8_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

/* Start of the attempt in ms since the epoch, from the (day, hour) weights. */
static int64_t pick_start(sl_gen *g)
{
    uint32_t total = g->slot_cum[NDAYS * 24 - 1];
    uint32_t x = rng_below(&g->r, total);
    unsigned lo = 0, hi = NDAYS * 24 - 1;
    while (lo < hi) { /* first slot whose cumulative weight exceeds x */
        unsigned mid = (lo + hi) / 2;
        if (g->slot_cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return (EPOCH_FIRST_DAY + (int64_t)lo * 3600) * 1000 + rng_below(&g->r, 3600000);
}

/* Chooses which options of question q the student checks for outcome `res`. */
static void choose_checked(rng *r, const gen_question *q, unsigned res, uint8_t *checked)
{
    uint8_t cor[MAX_OPT], wrong[MAX_OPT];
    unsigned nc = 0, nw = 0;
    for (unsigned j = 0; j < q->nopts; j++) {
        checked[j] = 0;
        if (q->correct[j])
            cor[nc++] = (uint8_t)j;
        else
            wrong[nw++] = (uint8_t)j;
    }
    if (res == R_CORRECT) {
        for (unsigned k = 0; k < nc; k++)
            checked[cor[k]] = 1;
    } else if (res == R_MISSED) { /* a non-empty proper subset of the correct ones */
        shuffle_u8(r, cor, nc);
        unsigned take = 1 + rng_below(r, nc - 1);
        for (unsigned k = 0; k < take; k++)
            checked[cor[k]] = 1;
    } else if (res == R_INCORRECT) { /* one or two wrong ones, maybe some right ones */
        shuffle_u8(r, wrong, nw);
        unsigned take = (nw >= 2 && rng_unif(r) < 0.2) ? 2 : 1;
        for (unsigned k = 0; k < take; k++)
            checked[wrong[k]] = 1;
        for (unsigned k = 0; k < nc; k++)
            if (rng_unif(r) < 0.5)
                checked[cor[k]] = 1;
    }
}

/* Simulates one fresh attempt into *a (no formatting). */
static void simulate(sl_gen *g, attempt *a)
{
    rng *r = &g->r;
    const gen_exam *e = &g->exams[g->pick[rng_below(r, g->npick)]];
    a->e = e;
    a->started_ms = pick_start(g);

    /* The student: most are strong, some struggle; speed varies a lot. */
    double skill = rng_unif(r) < 0.80 ? 0.66 + 0.34 * rng_unif(r) : 0.15 + 0.55 * rng_unif(r);
    double speed = exp(0.5 * rng_normal(r));
    int no_at = rng_unif(r) < P_NO_AT;
    unsigned answer_upto = e->nq; /* questions at display position >= this are left unanswered */
    if (!no_at && e->nq > 1 && rng_unif(r) < P_ABANDON)
        answer_upto = 1 + rng_below(r, e->nq - 1);
    if (no_at)
        answer_upto = 0;
    int pause_before = -1;
    double pause_s = 0;
    if (rng_unif(r) < P_PAUSE) {
        pause_before = (int)rng_below(r, e->nq);
        pause_s = exp(log(60.0) + rng_unif(r) * (log(7200.0) - log(60.0)));
    }

    for (unsigned i = 0; i < e->nq; i++)
        a->qorder[i] = (uint8_t)i;
    shuffle_u8(r, a->qorder, e->nq);

    double t = (double)a->started_ms + 1000.0 * (1.5 + rng_lognormal(r, 4.0, 0.6) * speed);
    int64_t last_at = 0;
    a->correct = a->incorrect = a->incomplete = a->unanswered = 0;
    for (unsigned pos = 0; pos < e->nq; pos++) {
        unsigned qi = a->qorder[pos];
        const gen_question *q = &e->q[qi];
        q_state *s = &a->qs[qi];
        for (unsigned j = 0; j < q->nopts; j++) {
            s->order[j] = (uint8_t)j;
            s->at[j] = 0;
        }
        shuffle_u8(r, s->order, q->nopts);
        if ((int)pos == pause_before)
            t += 1000.0 * pause_s;

        unsigned res;
        if (pos >= answer_upto || rng_unif(r) < P_SKIP) {
            res = R_UNANSWERED;
        } else {
            double p = skill + q->ease;
            p = p < 0.02 ? 0.02 : p > 0.98 ? 0.98 : p;
            if (rng_unif(r) < p)
                res = R_CORRECT;
            else if (q->ncorrect == q->nopts || (q->ncorrect >= 2 && rng_unif(r) < 0.5))
                res = R_MISSED;
            else
                res = R_INCORRECT;
        }
        s->result = (uint8_t)res;
        choose_checked(r, q, res, s->checked);

        if (res == R_UNANSWERED) {
            a->unanswered++;
            t += 1000.0 * (1.0 + 4.0 * rng_unif(r));
            continue;
        }
        a->correct += res == R_CORRECT;
        a->incorrect += res == R_INCORRECT;
        a->incomplete += res == R_MISSED;
        /* Touches: the checked options plus, rarely, a wrong one clicked off
         * again; they happen in a random order, a second or few apart. */
        uint8_t touch[MAX_OPT];
        unsigned nt = 0;
        for (unsigned j = 0; j < q->nopts; j++)
            if (s->checked[j] || (!q->correct[j] && rng_unif(r) < P_TOUCH))
                touch[nt++] = (uint8_t)j;
        shuffle_u8(r, touch, nt);
        for (unsigned k = 0; k < nt; k++) {
            t += 1000.0 * (0.3 + rng_lognormal(r, 2.0, 0.7) * speed);
            s->at[touch[k]] = (int64_t)t;
            last_at = (int64_t)t;
        }
        t += 1000.0 * (1.0 + rng_lognormal(r, 7.0, 0.7) * speed);
    }

    /* Keen records the event shortly after the last answer. */
    int64_t done_ms = last_at ? last_at : (int64_t)t;
    a->keen_us = done_ms * 1000 + 500000 + rng_below(r, 3000000);
    a->keen_d7 = rng_unif(r) < P_SEVENTH ? 1 + rng_below(r, 9) : 0;
    if (rng_unif(r) < P_CREATED_DIFF) {
        a->created_us = a->keen_us + 1000 + rng_below(r, 1500000);
        a->created_d7 = rng_unif(r) < P_SEVENTH ? 1 + rng_below(r, 9) : 0;
    } else {
        a->created_us = a->keen_us;
        a->created_d7 = a->keen_d7;
    }
    a->has_counts = rng_unif(r) >= P_NO_COUNTS;
    a->has_cert = rng_unif(r) >= P_NO_CERT;
}

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" (24 chars) for ms since the epoch (ms >= 0). */
static char *put_iso(sl_gen *g, char *p, int64_t ms)
{
    int64_t day = ms / 86400000;
    unsigned in_day = (unsigned)(ms % 86400000);
    if (day != g->cached_day) {
        int y;
        unsigned m, d;
        civil_from_days(day, &y, &m, &d);
        char *c = g->cached_date;
        c = put2(c, (unsigned)y / 100);
        c = put2(c, (unsigned)y % 100);
        *c++ = '-';
        c = put2(c, m);
        *c++ = '-';
        c = put2(c, d);
        *c = 'T';
        g->cached_day = day;
    }
    p = put(p, g->cached_date, 11);
    p = put2(p, in_day / 3600000);
    *p++ = ':';
    p = put2(p, in_day / 60000 % 60);
    *p++ = ':';
    p = put2(p, in_day / 1000 % 60);
    *p++ = '.';
    unsigned msr = in_day % 1000;
    *p++ = (char)('0' + msr / 100);
    p = put2(p, msr % 100);
    *p++ = 'Z';
    return p;
}

/* Epoch seconds as the file writes them: "1516717442.735266", the fraction
 * without trailing zeros (at least one digit), d7 an optional 7th digit. */
static char *put_epoch(char *p, int64_t us, unsigned d7)
{
    p = put_uint(p, (uint64_t)(us / 1000000));
    *p++ = '.';
    uint32_t f = (uint32_t)(us % 1000000) * 10 + d7;
    char tmp[7];
    for (int i = 6; i >= 0; i--) {
        tmp[i] = (char)('0' + f % 10);
        f /= 10;
    }
    int n = 7;
    while (n > 1 && tmp[n - 1] == '0')
        n--;
    return put(p, tmp, (size_t)n);
}

static char *put_bool(char *p, int b)
{
    return b ? PUT(p, "true") : PUT(p, "false");
}

static char *put_option(sl_gen *g, char *p, const gen_question *q, const q_state *s, unsigned j)
{
    const char *id = q->opt_id[j];
    if (s->checked[j]) {
        p = PUT(p, "{\"checked\":true,\"at\":\"");
        p = put_iso(g, p, s->at[j]);
        p = PUT(p, "\",\"id\":\"");
        p = put(p, id, UUID_LEN);
        p = q->correct[j] ? PUT(p, "\",\"submitted\":1,\"correct\":true}") : PUT(p, "\",\"submitted\":1}");
    } else if (q->correct[j]) {
        p = PUT(p, "{\"checked\":false,\"correct\":true,\"id\":\"");
        p = put(p, id, UUID_LEN);
        p = PUT(p, "\"}");
    } else if (s->at[j]) {
        p = PUT(p, "{\"checked\":false,\"at\":\"");
        p = put_iso(g, p, s->at[j]);
        p = PUT(p, "\",\"id\":\"");
        p = put(p, id, UUID_LEN);
        p = PUT(p, "\"}");
    } else {
        p = PUT(p, "{\"checked\":false,\"id\":\"");
        p = put(p, id, UUID_LEN);
        p = PUT(p, "\"}");
    }
    return p;
}

static char *put_question(sl_gen *g, char *p, const gen_question *q, const q_state *s)
{
    static const char *const results[] = { "correct", "incorrect", "missed_some", "unanswered" };
    static const size_t result_len[] = { 7, 9, 11, 10 };
    p = PUT(p, "{\"user_incomplete\":");
    p = put_bool(p, s->result == R_MISSED);
    p = PUT(p, ",\"user_correct\":");
    p = put_bool(p, s->result == R_CORRECT);
    p = PUT(p, ",\"options\":[");
    for (unsigned k = 0; k < q->nopts; k++) {
        if (k)
            *p++ = ',';
        p = put_option(g, p, q, s, s->order[k]);
    }
    p = PUT(p, "],\"user_submitted\":");
    p = put_bool(p, s->result != R_UNANSWERED);
    p = PUT(p, ",\"id\":\"");
    p = put(p, q->id, UUID_LEN);
    p = PUT(p, "\",\"user_result\":\"");
    p = put(p, results[s->result], result_len[s->result]);
    p = PUT(p, "\"}");
    return p;
}

/* Formats attempt a at p (room for a->e->bound bytes is reserved). */
static char *put_attempt(sl_gen *g, char *p, const attempt *a)
{
    const gen_exam *e = a->e;
    rng *r = &g->r;
    p = PUT(p, "{\"keen_timestamp\":\"");
    p = put_epoch(p, a->keen_us, a->keen_d7);
    p = PUT(p, "\",\"max_attempts\":\"1.0\",\"started_at\":\"");
    p = put_iso(g, p, a->started_ms);
    p = PUT(p, "\",");
    p = put(p, e->frag, e->base_len);
    uint64_t u1 = rng_next(r), u2 = rng_next(r);
    p = put_uuid(p, u1, u2);
    p = PUT(p, "\",\"sequences\":{\"questions\":[");
    for (unsigned pos = 0; pos < e->nq; pos++) {
        if (pos)
            *p++ = ',';
        unsigned qi = a->qorder[pos];
        p = put_question(g, p, &e->q[qi], &a->qs[qi]);
    }
    *p++ = ']';
    p = put(p, e->frag + e->base_len, e->seq_len);
    if (a->has_counts) {
        unsigned submitted = a->correct + a->incorrect + a->incomplete;
        p = PUT(p, ",\"counts\":{\"incomplete\":");
        p = put_uint(p, a->incomplete);
        p = PUT(p, ",\"submitted\":");
        p = put_uint(p, submitted);
        p = PUT(p, ",\"incorrect\":");
        p = put_uint(p, a->incorrect);
        p = PUT(p, ",\"all_correct\":");
        p = put_bool(p, a->correct == e->nq);
        p = PUT(p, ",\"correct\":");
        p = put_uint(p, a->correct);
        p = PUT(p, ",\"total\":");
        p = put_uint(p, e->nq);
        p = PUT(p, ",\"unanswered\":");
        p = put_uint(p, a->unanswered);
        *p++ = '}';
    }
    p = PUT(p, "},\"keen_created_at\":\"");
    p = put_epoch(p, a->created_us, a->created_d7);
    p = a->has_cert ? PUT(p, "\",\"certification\":\"false\",\"keen_id\":\"") : PUT(p, "\",\"keen_id\":\"");
    /* An ObjectId: 4 bytes of seconds, 3 random, 00 01, a 3-byte counter that is a
     * bijection of the fresh-record number (so ids never repeat within a second). */
    p = put_hex(p, (uint64_t)(a->keen_us / 1000000), 8);
    p = put_hex(p, rng_next(r) >> 40, 6);
    p = PUT(p, "0001");
    p = put_hex(p, (g->fresh * 0x9e3779u + g->id_salt) & 0xffffff, 6);
    *p++ = '"';
    p = put(p, e->frag + e->base_len + e->seq_len, e->name_len);
    return p;
}

sl_err sl_gen_next(sl_gen *g, sl_buf *out)
{
    uint64_t pos = g->records;
    int due = -1;
    for (int i = 0; i < DUP_SLOTS; i++)
        if (g->dup[i].used && g->dup[i].due <= pos && (due < 0 || g->dup[i].due < g->dup[due].due))
            due = i;
    if (due >= 0) {
        dup_slot *d = &g->dup[due];
        if (sl_buf_append(out, d->bytes.data, d->bytes.len) != SL_OK)
            return SL_ERR_NOMEM;
        d->used = 0;
        g->duplicates++;
        g->records++;
        return SL_OK;
    }

    attempt a;
    simulate(g, &a);
    if (sl_buf_reserve(out, a.e->bound) != SL_OK)
        return SL_ERR_NOMEM;
    size_t start = out->len;
    char *p0 = (char *)out->data + start;
    char *p = put_attempt(g, p0, &a);
    size_t n = (size_t)(p - p0);
    assert(n <= a.e->bound);
    out->len += n;
    out->data[out->len] = 0;
    g->fresh++;
    g->records++;

    /* One draw whether or not duplicates are on, so --no-duplicates yields the
     * same fresh records. */
    uint64_t x = rng_next(&g->r);
    if (!g->no_duplicates && (double)(x >> 11) * 0x1.0p-53 < DUP_PROB) {
        for (int i = 0; i < DUP_SLOTS; i++) {
            dup_slot *d = &g->dup[i];
            if (d->used)
                continue;
            d->bytes.len = 0;
            if (sl_buf_append(&d->bytes, out->data + start, n) != SL_OK) {
                out->len = start;
                out->data[start] = 0;
                return SL_ERR_NOMEM;
            }
            d->used = 1;
            d->due = pos + 1 + (x & 0x7ff) % DUP_WINDOW;
            break;
        }
    }
    return SL_OK;
}

sl_err sl_gen_write(sl_gen *g, uint64_t n, sl_gen_format fmt, sl_out out, char *errstr,
                    size_t errstr_size)
{
    sl_buf b = { 0 };
    sl_err e = SL_ERR_NOMEM;
    if (sl_buf_reserve(&b, WRITE_CHUNK + 65536) != SL_OK)
        goto err;
    if (fmt == SL_GEN_ARRAY && sl_buf_append(&b, "[", 1) != SL_OK)
        goto err;
    for (uint64_t i = 0; i < n; i++) {
        if (fmt == SL_GEN_ARRAY && i && sl_buf_append(&b, ",", 1) != SL_OK)
            goto err;
        if (sl_gen_next(g, &b) != SL_OK)
            goto err;
        if (fmt == SL_GEN_NDJSON && sl_buf_append(&b, "\n", 1) != SL_OK)
            goto err;
        if (b.len >= WRITE_CHUNK) {
            e = out.write(out.ctx, b.data, b.len, errstr, errstr_size);
            if (e != SL_OK)
                goto err;
            e = SL_ERR_NOMEM;
            b.len = 0;
        }
    }
    if (fmt == SL_GEN_ARRAY && sl_buf_append(&b, "]\n", 2) != SL_OK)
        goto err;
    e = b.len ? out.write(out.ctx, b.data, b.len, errstr, errstr_size) : SL_OK;
err:
    if (e == SL_ERR_NOMEM)
        sl_errf(e, errstr, errstr_size, "out of memory generating records");
    sl_buf_free(&b);
    return e;
}
