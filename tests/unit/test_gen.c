/* test_gen.c: the assessment-attempt generator (src/gen/gen.h), through its API.
 *
 * Records are checked by walking them with a small strict JSON reader of this
 * file's own (compact JSON only: whitespace anywhere is an error), so the test
 * does not depend on the json module. */
#include "gen/gen.h"
#include "json/json.h"
#include "t.h"

#include <stdint.h>

/* ---- a tiny DOM for one compact JSON text ---- */

typedef struct jnode {
    char type;            /* 'o' object, 'a' array, 's' string, 'n' number, 't', 'f', 'z' null */
    const char *key;      /* member name when the parent is an object (no escapes) */
    size_t key_len;
    const char *s;        /* string body / number text */
    size_t n;
    int first, next;      /* first child, next sibling; -1 when none */
    int count;            /* children */
} jnode;

typedef struct jdoc {
    jnode *v;
    int n, cap;
    const char *p, *end;
    const char *err;
    int depth;
} jdoc;

static int jnew(jdoc *d, char type)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 256;
        d->v = realloc(d->v, (size_t)d->cap * sizeof *d->v);
        if (!d->v)
            abort();
    }
    jnode *x = &d->v[d->n];
    memset(x, 0, sizeof *x);
    x->type = type;
    x->first = x->next = -1;
    return d->n++;
}

/* Reads a string body at d->p (after the opening quote). Escapes and control characters
 * are rejected: the generator never needs them. */
static int jstring(jdoc *d, const char **s, size_t *n)
{
    const char *p = d->p;
    *s = p;
    while (p < d->end && *p != '"') {
        if ((unsigned char)*p < 0x20) {
            d->err = "control character in string";
            return -1;
        }
        if (*p == '\\') {
            d->err = "escape in string";
            return -1;
        }
        p++;
    }
    if (p >= d->end) {
        d->err = "unterminated string";
        return -1;
    }
    *n = (size_t)(p - *s);
    d->p = p + 1;
    return 0;
}

static int jvalue(jdoc *d);

static int jcontainer(jdoc *d, char type)
{
    int self = jnew(d, type), last = -1;
    char close = type == 'o' ? '}' : ']';
    if (++d->depth > 16) {
        d->err = "too deep";
        return -1;
    }
    d->p++;
    if (d->p < d->end && *d->p == close) {
        d->p++;
        d->depth--;
        return self;
    }
    for (;;) {
        const char *key = NULL;
        size_t key_len = 0;
        if (type == 'o') {
            if (d->p >= d->end || *d->p != '"') {
                d->err = "expected a member name";
                return -1;
            }
            d->p++;
            if (jstring(d, &key, &key_len) != 0)
                return -1;
            if (d->p >= d->end || *d->p != ':') {
                d->err = "expected ':'";
                return -1;
            }
            d->p++;
        }
        int c = jvalue(d);
        if (c < 0)
            return -1;
        d->v[c].key = key;
        d->v[c].key_len = key_len;
        if (last < 0)
            d->v[self].first = c;
        else
            d->v[last].next = c;
        last = c;
        d->v[self].count++;
        if (d->p < d->end && *d->p == ',') {
            d->p++;
            continue;
        }
        if (d->p < d->end && *d->p == close) {
            d->p++;
            d->depth--;
            return self;
        }
        d->err = "expected ',' or a closing bracket";
        return -1;
    }
}

static int jvalue(jdoc *d)
{
    if (d->p >= d->end) {
        d->err = "unexpected end";
        return -1;
    }
    char c = *d->p;
    if (c == '{' || c == '[')
        return jcontainer(d, c == '{' ? 'o' : 'a');
    if (c == '"') {
        int x = jnew(d, 's');
        d->p++;
        const char *s;
        size_t n;
        if (jstring(d, &s, &n) != 0)
            return -1;
        d->v[x].s = s;
        d->v[x].n = n;
        return x;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        int x = jnew(d, 'n');
        const char *s = d->p;
        while (d->p < d->end && ((*d->p >= '0' && *d->p <= '9') || *d->p == '-' || *d->p == '.'))
            d->p++;
        d->v[x].s = s;
        d->v[x].n = (size_t)(d->p - s);
        return x;
    }
    static const struct { const char *lit; char type; } lits[] = { { "true", 't' }, { "false", 'f' }, { "null", 'z' } };
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(lits[i].lit);
        if ((size_t)(d->end - d->p) >= n && memcmp(d->p, lits[i].lit, n) == 0) {
            d->p += n;
            return jnew(d, lits[i].type);
        }
    }
    d->err = "unexpected character";
    return -1;
}

/* Parses [s, s+n) as exactly one compact JSON value; returns the root or -1. */
static int jparse(jdoc *d, const char *s, size_t n)
{
    d->n = 0;
    d->p = s;
    d->end = s + n;
    d->err = NULL;
    d->depth = 0;
    int root = jvalue(d);
    if (root >= 0 && d->p != d->end) {
        d->err = "trailing characters";
        return -1;
    }
    return root;
}

static int jeq(const char *s, size_t n, const char *lit) { return strlen(lit) == n && memcmp(s, lit, n) == 0; }

static int jget(const jdoc *d, int obj, const char *key)
{
    for (int c = d->v[obj].first; c >= 0; c = d->v[c].next)
        if (jeq(d->v[c].key, d->v[c].key_len, key))
            return c;
    return -1;
}

/* 1 when obj's member names are exactly `keys` (NULL-terminated), in order. */
static int jkeys_are(const jdoc *d, int obj, const char *const *keys)
{
    int c = d->v[obj].first;
    for (; *keys; keys++, c = d->v[c].next)
        if (c < 0 || !jeq(d->v[c].key, d->v[c].key_len, *keys))
            return 0;
    return c < 0;
}

/* ---- value checks ---- */

static int is_uuid4(const char *s, size_t n)
{
    if (n != 36)
        return 0;
    for (size_t i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return 0;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return 0;
        }
    }
    return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

static int64_t days_from_civil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" -> ms since the epoch, or -1. */
static int64_t iso_ms(const char *s, size_t n)
{
    int y, mo, d, h, mi, se, ms;
    if (n != 24 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
        s[19] != '.' || s[23] != 'Z')
        return -1;
    if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) || digits(s + 11, 2, &h) ||
        digits(s + 14, 2, &mi) || digits(s + 17, 2, &se) || digits(s + 20, 3, &ms))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59)
        return -1;
    return ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 24 + h) * 60 + mi) * 60000LL + se * 1000LL + ms;
}

/* "1516717442.735266" (1 to 7 decimals, no trailing zero unless ".0") -> units of
 * 100 ns, or -1. */
static int64_t epoch_100ns(const char *s, size_t n)
{
    if (n < 12 || n > 18 || s[10] != '.')
        return -1;
    int64_t v = 0;
    for (int i = 0; i < 10; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    int64_t f = 0;
    size_t nd = n - 11;
    for (size_t i = 0; i < 7; i++) {
        int dgt = 0;
        if (i < nd) {
            if (s[11 + i] < '0' || s[11 + i] > '9')
                return -1;
            dgt = s[11 + i] - '0';
        }
        f = f * 10 + dgt;
    }
    if (nd > 1 && s[n - 1] == '0')
        return -1;
    return v * 10000000 + f;
}

/* ---- per-run statistics gathered by check_record ---- */

typedef struct exam_sig {
    uint64_t sig;  /* order-independent hash of questions, option ids and correct flags */
    int nq;
    uint32_t seen;
} exam_sig;

typedef struct stats {
    uint64_t records, no_at, no_counts, no_cert, created_diff, over70, scored;
    uint64_t variant[5];  /* checked+correct, checked, unchecked correct, touched, untouched */
    uint64_t results[4];  /* correct, incorrect, missed_some, unanswered */
    uint64_t weekday_records, weekend_records, long_attempts;
    uint64_t dur_under_10min;
    exam_sig *exams;      /* by table index */
} stats;

static const char *const TOP_KEYS[] = { "keen_timestamp", "max_attempts", "started_at", "base_exam_id",
                                        "user_exam_id", "sequences", "keen_created_at", "certification",
                                        "keen_id", "exam_name", NULL };
static const char *const TOP_KEYS_NOCERT[] = { "keen_timestamp", "max_attempts", "started_at",
                                               "base_exam_id", "user_exam_id", "sequences",
                                               "keen_created_at", "keen_id", "exam_name", NULL };
static const char *const SEQ_KEYS[] = { "questions", "attempt", "id", "counts", NULL };
static const char *const SEQ_KEYS_NOCOUNTS[] = { "questions", "attempt", "id", NULL };
static const char *const Q_KEYS[] = { "user_incomplete", "user_correct", "options", "user_submitted", "id",
                                      "user_result", NULL };
static const char *const COUNT_KEYS[] = { "incomplete", "submitted", "incorrect", "all_correct", "correct",
                                          "total", "unanswered", NULL };
static const char *const OPT_VARIANTS[5][6] = {
    { "checked", "at", "id", "submitted", "correct", NULL },
    { "checked", "at", "id", "submitted", NULL },
    { "checked", "correct", "id", NULL },
    { "checked", "at", "id", NULL },
    { "checked", "id", NULL },
};

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return h ^ (h >> 29);
}

static int64_t count_value(const jdoc *d, int counts, const char *key)
{
    int c = jget(d, counts, key);
    if (c < 0 || d->v[c].type != 'n')
        return -1;
    int v = 0;
    if (digits(d->v[c].s, (int)d->v[c].n, &v) != 0)
        return -1;
    return v;
}

#define FAIL(...)                                                  \
    do {                                                           \
        snprintf(why, why_size, __VA_ARGS__);                      \
        return -1;                                                 \
    } while (0)

/* Checks every invariant of one record; updates st. 0, or -1 with why filled. */
static int check_record(jdoc *d, const char *rec, size_t len, stats *st, char *why, size_t why_size)
{
    const int64_t range_lo = 1511222400000LL; /* 2017-11-21T00:00:00Z */
    const int64_t range_hi = 1517184000000LL; /* 2018-01-29T00:00:00Z */
    int root = jparse(d, rec, len);
    if (root < 0)
        FAIL("not compact JSON: %s at byte %td", d->err, d->p - rec);
    if (d->v[root].type != 'o')
        FAIL("not an object");
    int has_cert = jget(d, root, "certification") >= 0;
    if (!jkeys_are(d, root, has_cert ? TOP_KEYS : TOP_KEYS_NOCERT))
        FAIL("top-level keys not in the file's order");
    for (int c = d->v[root].first; c >= 0; c = d->v[c].next)
        if (!jeq(d->v[c].key, d->v[c].key_len, "sequences") && d->v[c].type != 's')
            FAIL("top-level value not a string");
    const jnode *kt = &d->v[jget(d, root, "keen_timestamp")], *kc = &d->v[jget(d, root, "keen_created_at")];
    int64_t keen = epoch_100ns(kt->s, kt->n), created = epoch_100ns(kc->s, kc->n);
    if (keen < 0 || created < 0)
        FAIL("bad epoch string %.*s / %.*s", (int)kt->n, kt->s, (int)kc->n, kc->s);
    if (created < keen)
        FAIL("keen_created_at before keen_timestamp");
    const jnode *ma = &d->v[jget(d, root, "max_attempts")];
    if (!jeq(ma->s, ma->n, "1.0"))
        FAIL("max_attempts");
    const jnode *sa = &d->v[jget(d, root, "started_at")];
    int64_t started = iso_ms(sa->s, sa->n);
    if (started < range_lo || started >= range_hi)
        FAIL("started_at %.*s out of range", (int)sa->n, sa->s);
    const jnode *bid = &d->v[jget(d, root, "base_exam_id")], *name = &d->v[jget(d, root, "exam_name")];
    size_t nexams;
    const sl_gen_exam *ex = sl_gen_exams(&nexams);
    size_t ei = 0;
    while (ei < nexams && !jeq(bid->s, bid->n, ex[ei].base_exam_id))
        ei++;
    if (ei == nexams || !jeq(name->s, name->n, ex[ei].exam_name))
        FAIL("base_exam_id/exam_name pair not in the table");
    const jnode *ue = &d->v[jget(d, root, "user_exam_id")];
    if (!is_uuid4(ue->s, ue->n))
        FAIL("user_exam_id not a UUID");
    if (has_cert) {
        const jnode *ce = &d->v[jget(d, root, "certification")];
        if (!jeq(ce->s, ce->n, "false"))
            FAIL("certification not \"false\"");
    } else {
        st->no_cert++;
    }
    const jnode *kid = &d->v[jget(d, root, "keen_id")];
    if (kid->n != 24 || strspn(kid->s, "0123456789abcdef") < 24)
        FAIL("keen_id not 24 lowercase hex");
    char secs[24];
    snprintf(secs, sizeof secs, "%08llx", (unsigned long long)(keen / 10000000));
    if (memcmp(kid->s, secs, 8) != 0)
        FAIL("keen_id does not start with keen_timestamp's seconds");

    int seq = jget(d, root, "sequences");
    if (d->v[seq].type != 'o')
        FAIL("sequences not an object");
    int counts = jget(d, seq, "counts");
    if (!jkeys_are(d, seq, counts >= 0 ? SEQ_KEYS : SEQ_KEYS_NOCOUNTS))
        FAIL("sequences keys");
    int att = jget(d, seq, "attempt");
    if (d->v[att].type != 'n' || !jeq(d->v[att].s, d->v[att].n, "1"))
        FAIL("attempt != 1");
    const jnode *sid = &d->v[jget(d, seq, "id")];
    if (!is_uuid4(sid->s, sid->n))
        FAIL("sequences.id not a UUID");
    int qs = jget(d, seq, "questions");
    if (d->v[qs].type != 'a' || d->v[qs].count < 1 || d->v[qs].count > 10)
        FAIL("questions not an array of 1..10");

    int nq = 0, n_correct = 0, n_incorrect = 0, n_missed = 0, n_unanswered = 0;
    int64_t prev_max_at = started, last_at = 0;
    uint64_t sig = hash_bytes(sid->s, sid->n);
    for (int q = d->v[qs].first; q >= 0; q = d->v[q].next, nq++) {
        if (d->v[q].type != 'o' || !jkeys_are(d, q, Q_KEYS))
            FAIL("question %d keys", nq);
        const jnode *qid = &d->v[jget(d, q, "id")], *res = &d->v[jget(d, q, "user_result")];
        if (!is_uuid4(qid->s, qid->n))
            FAIL("question id");
        int opts = jget(d, q, "options");
        if (d->v[opts].type != 'a' || d->v[opts].count < 2 || d->v[opts].count > 6)
            FAIL("question %d: options not an array of 2..6", nq);
        int n_checked = 0, n_checked_wrong = 0, n_checked_right = 0, n_right = 0;
        int64_t qmin = INT64_MAX, qmax = 0;
        uint64_t qsig = 0;
        for (int o = d->v[opts].first; o >= 0; o = d->v[o].next) {
            int v = 0;
            while (v < 5 && !jkeys_are(d, o, OPT_VARIANTS[v]))
                v++;
            if (v == 5)
                FAIL("question %d: an option with keys of no known variant", nq);
            st->variant[v]++;
            int checked = jget(d, o, "checked"), at = jget(d, o, "at"), sub = jget(d, o, "submitted"),
                cor = jget(d, o, "correct");
            if (d->v[checked].type != 't' && d->v[checked].type != 'f')
                FAIL("checked not a bool");
            int is_checked = d->v[checked].type == 't';
            if ((sub >= 0) != is_checked)
                FAIL("submitted present but not checked, or the reverse");
            if (sub >= 0 && !jeq(d->v[sub].s, d->v[sub].n, "1"))
                FAIL("submitted != 1");
            if (cor >= 0 && d->v[cor].type != 't')
                FAIL("correct present and not true");
            if (v == 3 && is_checked)
                FAIL("{checked, at, id} with checked true");
            if (is_checked && at < 0)
                FAIL("checked option without at");
            const jnode *oid = &d->v[jget(d, o, "id")];
            if (!is_uuid4(oid->s, oid->n))
                FAIL("option id");
            qsig += hash_bytes(oid->s, oid->n) * (cor >= 0 ? 3 : 1);
            n_right += cor >= 0;
            n_checked += is_checked;
            n_checked_right += is_checked && cor >= 0;
            n_checked_wrong += is_checked && cor < 0;
            if (at >= 0) {
                int64_t t = iso_ms(d->v[at].s, d->v[at].n);
                if (t <= started)
                    FAIL("at %.*s not after started_at", (int)d->v[at].n, d->v[at].s);
                if (t * 10000 > keen)
                    FAIL("at after keen_timestamp");
                qmin = t < qmin ? t : qmin;
                qmax = t > qmax ? t : qmax;
            }
        }
        if (qmax) {
            if (qmin <= prev_max_at)
                FAIL("question %d: at times do not increase through the attempt", nq);
            prev_max_at = qmax;
            last_at = qmax;
        }
        sig += hash_bytes(qid->s, qid->n) ^ (qsig * 0x9e3779b97f4a7c15ULL);

        const char *want;
        if (n_checked == 0)
            want = "unanswered";
        else if (n_checked_wrong)
            want = "incorrect";
        else if (n_checked_right == n_right)
            want = "correct";
        else
            want = "missed_some";
        if (!jeq(res->s, res->n, want))
            FAIL("question %d: user_result %.*s but the options say %s", nq, (int)res->n, res->s, want);
        int r = want[0] == 'c' ? 0 : want[0] == 'i' ? 1 : want[0] == 'm' ? 2 : 3;
        st->results[r]++;
        n_correct += r == 0;
        n_incorrect += r == 1;
        n_missed += r == 2;
        n_unanswered += r == 3;
        char uc = d->v[jget(d, q, "user_correct")].type, ui = d->v[jget(d, q, "user_incomplete")].type,
             us = d->v[jget(d, q, "user_submitted")].type;
        if (uc != (r == 0 ? 't' : 'f') || ui != (r == 2 ? 't' : 'f') || us != (r == 3 ? 'f' : 't'))
            FAIL("question %d: user_correct/user_incomplete/user_submitted disagree with %s", nq, want);
    }
    if (last_at == 0)
        st->no_at++;
    else if ((last_at - started) > 3600000)
        st->long_attempts++;
    if (last_at && last_at - started < 600000)
        st->dur_under_10min++;

    if (counts >= 0) {
        if (!jkeys_are(d, counts, COUNT_KEYS))
            FAIL("counts keys");
        int64_t inc = count_value(d, counts, "incomplete"), sub = count_value(d, counts, "submitted"),
                wrong = count_value(d, counts, "incorrect"), cor = count_value(d, counts, "correct"),
                tot = count_value(d, counts, "total"), una = count_value(d, counts, "unanswered");
        char ac = d->v[jget(d, counts, "all_correct")].type;
        if (inc != n_missed || wrong != n_incorrect || cor != n_correct || una != n_unanswered || tot != nq)
            FAIL("counts disagree with the questions");
        if (cor + wrong + inc != sub || sub + una != tot)
            FAIL("counts do not add up");
        if (ac != (cor == tot ? 't' : 'f'))
            FAIL("all_correct");
        st->scored++;
        st->over70 += cor * 10 > tot * 7;
    } else {
        st->no_counts++;
    }
    if (created != keen)
        st->created_diff++;
    int dow = (int)((started / 86400000 + 4) % 7); /* 0 Sunday */
    if (dow == 0 || dow == 6)
        st->weekend_records++;
    else
        st->weekday_records++;

    /* The exam's structure must be the same in every record. */
    exam_sig *es = &st->exams[ei];
    if (es->seen && (es->sig != sig || es->nq != nq))
        FAIL("exam %s: questions or options differ from an earlier record", ex[ei].exam_name);
    es->sig = sig;
    es->nq = nq;
    es->seen++;
    st->records++;
    return 0;
}

/* ---- helpers ---- */

static stats *stats_new(void)
{
    size_t n;
    sl_gen_exams(&n);
    stats *st = calloc(1, sizeof *st);
    st->exams = calloc(n, sizeof *st->exams);
    return st;
}

static void stats_free(stats *st)
{
    if (st)
        free(st->exams);
    free(st);
}

/* Generates n NDJSON records for seed into a fresh buffer. */
static sl_buf gen_ndjson(uint64_t seed, uint64_t n, int no_dups)
{
    sl_buf b = { 0 };
    sl_gen_opts o = { .no_duplicates = no_dups };
    sl_gen *g = sl_gen_new(seed, &o);
    char err[256] = "";
    if (!g || sl_gen_write(g, n, SL_GEN_NDJSON, sl_out_mem(&b), err, sizeof err) != SL_OK)
        fprintf(stderr, "gen failed: %s\n", err);
    sl_gen_destroy(g);
    return b;
}

static size_t count_lines(const sl_buf *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->len; i++)
        n += b->data[i] == '\n';
    return n;
}

/* ---- tests ---- */

static void test_exam_table_matches_csv(void)
{
    size_t n;
    const sl_gen_exam *ex = sl_gen_exams(&n);
    CHECK_EQ_INT(n, 107);
    uint32_t total = 0;
    int names = 0;
    for (size_t i = 0; i < n; i++) {
        total += ex[i].raw_count;
        int dup_name = 0;
        for (size_t j = 0; j < i; j++) {
            CHECK(strcmp(ex[i].base_exam_id, ex[j].base_exam_id) != 0);
            dup_name |= strcmp(ex[i].exam_name, ex[j].exam_name) == 0;
        }
        names += !dup_name;
    }
    CHECK_EQ_INT(total, 3280);
    CHECK_EQ_INT(names, 103);
    CHECK_EQ_STR(ex[0].exam_name, "Learning Git");
    CHECK_EQ_INT(ex[0].raw_count, 394);

    /* The compiled table is the CSV, row for row. */
    FILE *f = fopen("src/gen/exam-counts.csv", "r");
    REQUIRE(f != NULL);
    char line[512];
    size_t row = 0;
    REQUIRE(fgets(line, sizeof line, f) != NULL); /* header */
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!*line)
            continue;
        REQUIRE(row < n);
        char expect[512];
        int quoted = strchr(ex[row].exam_name, ',') != NULL;
        snprintf(expect, sizeof expect, quoted ? "%u,\"%s\",%s" : "%u,%s,%s", ex[row].raw_count,
                 ex[row].exam_name, ex[row].base_exam_id);
        CHECK_EQ_STR(line, expect);
        row++;
    }
    fclose(f);
    CHECK_EQ_INT(row, n);
}

static void test_deterministic(void)
{
    sl_buf a = gen_ndjson(42, 400, 0), b = gen_ndjson(42, 400, 0), c = gen_ndjson(43, 400, 0);
    REQUIRE(a.len > 400 * 1000);
    CHECK_EQ_INT(a.len, b.len);
    CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
    /* A different seed differs from the very first record on. */
    CHECK(c.len != a.len || memcmp(a.data, c.data, a.len) != 0);
    size_t first_a = (size_t)((uint8_t *)memchr(a.data, '\n', a.len) - a.data);
    size_t first_c = (size_t)((uint8_t *)memchr(c.data, '\n', c.len) - c.data);
    CHECK(first_a != first_c || memcmp(a.data, c.data, first_a) != 0);
    sl_buf_free(&a);
    sl_buf_free(&b);
    sl_buf_free(&c);
}

static void test_prefix_stable_and_no_duplicates_option(void)
{
    /* The first K records do not depend on N. */
    sl_buf small = gen_ndjson(7, 250, 0), big = gen_ndjson(7, 1000, 0);
    REQUIRE(small.len > 0 && big.len > small.len);
    CHECK(memcmp(small.data, big.data, small.len) == 0);
    /* --no-duplicates gives the same records minus the repeats. */
    sl_buf nodup = gen_ndjson(7, 900, 1);
    CHECK_EQ_INT(count_lines(&nodup), 900);
    size_t i = 0, j = 0, kept = 0;
    uint64_t seen[1000];
    size_t nseen = 0;
    int mismatch = 0;
    while (i < big.len && j < nodup.len && kept < 900) {
        size_t li = (size_t)((uint8_t *)memchr(big.data + i, '\n', big.len - i) - big.data) - i;
        uint64_t h = hash_bytes((const char *)big.data + i, li);
        int dup = 0;
        for (size_t k = 0; k < nseen; k++)
            dup |= seen[k] == h;
        if (!dup) {
            seen[nseen++] = h;
            size_t lj = (size_t)((uint8_t *)memchr(nodup.data + j, '\n', nodup.len - j) - nodup.data) - j;
            if (li != lj || memcmp(big.data + i, nodup.data + j, li) != 0)
                mismatch++;
            j += lj + 1;
            kept++;
        }
        i += li + 1;
    }
    CHECK_EQ_INT(mismatch, 0);
    CHECK(kept > 850);
    sl_buf_free(&small);
    sl_buf_free(&big);
    sl_buf_free(&nodup);
}

static void test_record_counts_and_forms(void)
{
    jdoc d = { 0 };
    /* Array form: one compact line "[...]\n" holding exactly N records. */
    for (int k = 0; k < 3; k++) {
        uint64_t n = k == 0 ? 0 : k == 1 ? 1 : 300;
        sl_buf b = { 0 };
        sl_gen *g = sl_gen_new(5, NULL);
        REQUIRE(g != NULL);
        char err[256] = "";
        CHECK_EQ_INT(sl_gen_write(g, n, SL_GEN_ARRAY, sl_out_mem(&b), err, sizeof err), SL_OK);
        CHECK_EQ_INT(sl_gen_records(g), n);
        sl_gen_destroy(g);
        REQUIRE(b.len >= 3);
        CHECK_EQ_INT(b.data[b.len - 1], '\n');
        CHECK_EQ_INT(count_lines(&b), 1);
        int root = jparse(&d, (const char *)b.data, b.len - 1);
        CHECK(root >= 0);
        if (root >= 0) {
            CHECK_EQ_INT(d.v[root].type, 'a');
            CHECK_EQ_INT(d.v[root].count, n);
        }
        if (n == 0)
            CHECK(b.len == 3 && memcmp(b.data, "[]\n", 3) == 0);
        sl_buf_free(&b);
    }
    /* NDJSON: N lines, each one object; empty for N = 0. */
    sl_buf b = gen_ndjson(5, 300, 0), z = gen_ndjson(5, 0, 0);
    CHECK_EQ_INT(count_lines(&b), 300);
    CHECK_EQ_INT(z.len, 0);
    size_t off = 0, objects = 0;
    while (off < b.len) {
        size_t l = (size_t)((uint8_t *)memchr(b.data + off, '\n', b.len - off) - b.data) - off;
        int root = jparse(&d, (const char *)b.data + off, l);
        objects += root >= 0 && d.v[root].type == 'o';
        off += l + 1;
    }
    CHECK_EQ_INT(objects, 300);
    /* The same records in both forms: the array's elements are the lines. */
    sl_buf arr = { 0 };
    sl_gen *g = sl_gen_new(5, NULL);
    REQUIRE(g != NULL);
    CHECK_EQ_INT(sl_gen_write(g, 300, SL_GEN_ARRAY, sl_out_mem(&arr), NULL, 0), SL_OK);
    sl_gen_destroy(g);
    for (size_t i = 0; i < b.len; i++)
        if (b.data[i] == '\n')
            b.data[i] = ',';
    CHECK(arr.len == b.len + 2 && memcmp(arr.data + 1, b.data, b.len - 1) == 0);
    sl_buf_free(&arr);
    sl_buf_free(&b);
    sl_buf_free(&z);
    free(d.v);
}

/* Every invariant of every record, plus the shares, for N = 20000. */
static void test_invariants_and_shares(void)
{
    const uint64_t N = 20000;
    sl_gen *g = sl_gen_new(2018, NULL);
    REQUIRE(g != NULL);
    stats *st = stats_new();
    jdoc d = { 0 };
    sl_buf rec = { 0 };
    /* keen_id -> (record number, hash of the bytes) in an open-addressing table. */
    enum { HSIZE = 1 << 16 };
    struct ent { char id[24]; uint64_t h; uint32_t at; uint8_t used; } *tab = calloc(HSIZE, sizeof *tab);
    REQUIRE(tab != NULL);
    uint64_t dups = 0, dup_far = 0, dup_mismatch = 0, bad = 0, bytes = 0, git = 0;
    char why[256];
    size_t nexams;
    sl_gen_exams(&nexams);
    for (uint64_t i = 0; i < N; i++) {
        rec.len = 0;
        REQUIRE(sl_gen_next(g, &rec) == SL_OK);
        bytes += rec.len;
        const char *kid = strstr((const char *)rec.data, "\"keen_id\":\"");
        REQUIRE(kid != NULL);
        kid += 11;
        uint64_t h = hash_bytes((const char *)rec.data, rec.len);
        size_t slot = hash_bytes(kid, 24) & (HSIZE - 1);
        while (tab[slot].used && memcmp(tab[slot].id, kid, 24) != 0)
            slot = (slot + 1) & (HSIZE - 1);
        if (tab[slot].used) {
            dups++;
            dup_mismatch += tab[slot].h != h;
            dup_far += i - tab[slot].at > 300;
            continue; /* a byte-identical repeat: checked once already */
        }
        memcpy(tab[slot].id, kid, 24);
        tab[slot].h = h;
        tab[slot].at = (uint32_t)i;
        tab[slot].used = 1;
        if (check_record(&d, (const char *)rec.data, rec.len, st, why, sizeof why) != 0) {
            if (bad++ < 5)
                fprintf(stderr, "  record %llu: %s\n", (unsigned long long)i, why);
        }
        git += strstr((const char *)rec.data, "\"exam_name\":\"Learning Git\"}") != NULL;
    }
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(sl_gen_records(g), N);
    CHECK_EQ_INT(sl_gen_duplicates(g), dups);
    CHECK_EQ_INT(dup_mismatch, 0);
    CHECK_EQ_INT(dup_far, 0);
    /* ~1.2% duplicates: 240 expected, sd ~15. */
    fprintf(stderr, "  # N=%llu dups=%llu avg=%llu B no_at=%llu no_counts=%llu no_cert=%llu created_diff=%llu "
                    "over70=%.3f git=%llu long=%llu\n",
            (unsigned long long)N, (unsigned long long)dups, (unsigned long long)(bytes / N),
            (unsigned long long)st->no_at, (unsigned long long)st->no_counts, (unsigned long long)st->no_cert,
            (unsigned long long)st->created_diff, (double)st->over70 / (double)st->scored,
            (unsigned long long)git, (unsigned long long)st->long_attempts);
    CHECK(dups >= 180 && dups <= 300);
    uint64_t fresh = N - dups;
    CHECK_EQ_INT(st->records, fresh);
    /* Quirk shares (binomial bounds, about 4 sd wide). */
    CHECK(st->no_at >= 20 && st->no_at <= 110);           /* 0.3% of 19760 = 59 */
    CHECK(st->no_counts >= 50 && st->no_counts <= 160);   /* 0.5% = 99 */
    CHECK(st->no_cert >= 640 && st->no_cert <= 940);      /* 4% = 790 */
    CHECK(st->created_diff >= 420 && st->created_diff <= 780); /* 3% = 593 */
    double over70 = (double)st->over70 / (double)st->scored;
    CHECK(over70 >= 0.58 && over70 <= 0.72);
    /* Learning Git is 394/3280 = 12.0% of attempts. */
    CHECK(git >= fresh * 110 / 1000 && git <= fresh * 130 / 1000);
    /* Every option variant and every result occurs. */
    for (int v = 0; v < 5; v++)
        CHECK(st->variant[v] > 1000);
    for (int r = 0; r < 4; r++)
        CHECK(st->results[r] > 1000);
    CHECK(st->results[0] > st->results[1] + st->results[2]); /* most answers correct */
    /* Weekdays busier than weekend days (5 vs 2 days a week). */
    CHECK(st->weekday_records / 5 > st->weekend_records / 2);
    /* Typical attempts take minutes, with a long tail. */
    CHECK(st->dur_under_10min > fresh * 9 / 10);
    CHECK(st->long_attempts > 20);
    /* Most exams appear; big ones in proportion. */
    size_t present = 0;
    for (size_t i = 0; i < nexams; i++)
        present += st->exams[i].seen > 0;
    CHECK(present >= 100);
    CHECK(bytes / N > 2000 && bytes / N < 4000);
    free(tab);
    free(d.v);
    sl_buf_free(&rec);
    stats_free(st);
    sl_gen_destroy(g);
}

/* Questions, option ids, correct answers and sequence ids are a property of the
 * exam, not of the seed. */
static void test_structure_independent_of_seed(void)
{
    stats *st = stats_new();
    jdoc d = { 0 };
    char why[256];
    uint64_t bad = 0, checked = 0;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        sl_gen *g = sl_gen_new(seed * 977, NULL);
        REQUIRE(g != NULL);
        sl_buf rec = { 0 };
        for (int i = 0; i < 1500; i++) {
            rec.len = 0;
            REQUIRE(sl_gen_next(g, &rec) == SL_OK);
            if (check_record(&d, (const char *)rec.data, rec.len, st, why, sizeof why) != 0 && bad++ < 3)
                fprintf(stderr, "  seed %llu record %d: %s\n", (unsigned long long)seed, i, why);
            checked++;
        }
        sl_buf_free(&rec);
        sl_gen_destroy(g);
    }
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(st->records, checked);
    /* Question counts the sample records show. */
    size_t n;
    const sl_gen_exam *ex = sl_gen_exams(&n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ex[i].exam_name, "Learning Linux System Administration") == 0)
            CHECK_EQ_INT(st->exams[i].nq, 8);
        if (strcmp(ex[i].exam_name, "Introduction to Big Data") == 0)
            CHECK_EQ_INT(st->exams[i].nq, 4);
    }
    free(d.v);
    stats_free(st);
}

/* The project's strict parser (UTF-8 validated, duplicate member names
 * rejected) accepts every record, and sees the expected top-level members. */
static void test_strict_json_parser_accepts(void)
{
    sl_json_parser *jp = sl_json_parser_new(NULL);
    sl_gen *g = sl_gen_new(31, NULL);
    REQUIRE(jp != NULL && g != NULL);
    sl_buf rec = { 0 };
    int bad = 0, members = 0;
    for (int i = 0; i < 2000; i++) {
        rec.len = 0;
        REQUIRE(sl_gen_next(g, &rec) == SL_OK);
        sl_json_error err;
        const sl_json_val *root = sl_json_parse(jp, (const char *)rec.data, rec.len, &err);
        if (!root || sl_json_get_type(root) != SL_JSON_OBJECT) {
            char msg[256];
            if (bad++ < 3)
                fprintf(stderr, "  record %d: %s\n", i, root ? "not an object" : sl_json_error_format(&err, msg, sizeof msg));
            continue;
        }
        uint64_t n = sl_json_get_len(root);
        members += n == 10 || n == 9;
    }
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(members, 2000);
    sl_buf_free(&rec);
    sl_gen_destroy(g);
    sl_json_parser_destroy(jp);
}

/* The checker itself rejects what it should (so the tests above can fail). */
static void test_checker_rejects_bad_records(void)
{
    sl_gen *g = sl_gen_new(99, NULL);
    REQUIRE(g != NULL);
    sl_buf rec = { 0 };
    REQUIRE(sl_gen_next(g, &rec) == SL_OK);
    sl_gen_destroy(g);
    stats *st = stats_new();
    jdoc d = { 0 };
    char why[256];
    CHECK_EQ_INT(check_record(&d, (const char *)rec.data, rec.len, st, why, sizeof why), 0);

    static const struct { const char *from, *to; } edits[] = {
        { "\"max_attempts\":\"1.0\"", "\"max_attempts\":\"2.0\"" },
        { "\"attempt\":1", "\"attempt\":2" },
        { "\"total\":", "\"total\":1" },
        { "\"user_result\":\"", "\"user_result\":\"x" },
        { "\"submitted\":1", "\"submitted\":2" },
        { "\"checked\":true", "\"checked\":false" },
        { "\",\"max_attempts", "\", \"max_attempts" },
        { "\"started_at\":\"201", "\"started_at\":\"202" },
        { "\"keen_id\":\"", "\"keen_id\":\"0" },
    };
    for (size_t k = 0; k < sizeof edits / sizeof edits[0]; k++) {
        const char *s = (const char *)rec.data;
        const char *at = strstr(s, edits[k].from);
        REQUIRE(at != NULL);
        sl_buf m = { 0 };
        sl_buf_append(&m, s, (size_t)(at - s));
        sl_buf_append(&m, edits[k].to, strlen(edits[k].to));
        const char *rest = at + strlen(edits[k].from);
        sl_buf_append(&m, rest, rec.len - (size_t)(rest - s));
        int rc = check_record(&d, (const char *)m.data, m.len, st, why, sizeof why);
        if (rc == 0)
            fprintf(stderr, "  edit %zu (%s) was not caught\n", k, edits[k].to);
        CHECK(rc != 0);
        sl_buf_free(&m);
    }
    free(d.v);
    stats_free(st);
    sl_buf_free(&rec);
}

int main(void)
{
    T_RUN(test_exam_table_matches_csv);
    T_RUN(test_deterministic);
    T_RUN(test_prefix_stable_and_no_duplicates_option);
    T_RUN(test_record_counts_and_forms);
    T_RUN(test_invariants_and_shares);
    T_RUN(test_structure_independent_of_seed);
    T_RUN(test_strict_json_parser_accepts);
    T_RUN(test_checker_rejects_bad_records);
    return t_done();
}
