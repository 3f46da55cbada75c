/*
 * land_kafka.c: `sluice land -b ...`: a consumer-group member that drives the lander
 * (lake/land.h) exactly once.
 *
 *   assignment  -> sl_lander_assign (recovery from the lake) -> start at its resume
 *                  offset (last landed + 1) whatever Kafka's committed offset says;
 *                  nothing landed yet: Kafka's committed offset, else auto.offset.reset
 *   message     -> sl_lander_add (mapped, quarantined or dropped as a duplicate)
 *   due         -> sl_lander_commit_many (every range due at once, sharing the syncs),
 *                  then the Kafka offsets last+1 (async: the lake is the truth,
 *                  Kafka's offsets only save re-reading)
 *   revocation  -> commit the ranges and Kafka's offsets (synchronously) and give the
 *                  partitions up; a LOST assignment is rolled back instead (another
 *                  member owns it now and will land it from the lake's last manifest)
 *   SIGINT/SIGTERM -> leave the group: every range is committed on the way out
 *   --once      -> each partition stops at the high watermark seen when it was
 *                  assigned; the process exits when all of its partitions are there
 * Rebalancing is cooperative-sticky by default (-X partition.assignment.strategy
 * changes it; eager protocols are handled too).
 *
 * A store failure while adding or committing drops the partition's uncommitted
 * range (the lander's rule); the partition is then assigned to the lander again
 * (recovery) and the consumer seeks back to the resume offset, after a back-off
 * when the failure was transient. Nothing is lost or landed twice either way.
 *
 * Quarantined messages can be copied to a dead-letter topic (at least once: a
 * range rolled back and re-read copies its bad messages again), with the headers
 * sluice.reason and sluice.origin ("topic/partition/offset") added.
 */
#include "kafka/kafka.h"
#include "kafka/client.h"

#include <librdkafka/rdkafka.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CMD "land"

enum {
    POLL_MS = 100,
    PROGRESS_NS_TTY = 2000000000,   /* progress line period on a terminal */
    STATS_JSON_NS = 5000000000,     /* --stats-json rewrite period */
    AWAIT_ASSIGN_NS = 10000000000,  /* stopped before the first assignment: wait this long for it */
    ASSIGN_TRIES = 6,               /* recovery attempts on transient store errors */
    DUE_MAX = 32
};

/* One partition assigned to this process. */
typedef struct kpart {
    char *topic;            /* owned */
    int32_t partition;
    int64_t target;         /* --once: stop before this offset (high watermark at assignment); -1 unknown */
    int64_t next;           /* offset after the last message seen; -1 unknown */
    int done;               /* --once: reached target */
    int broken;             /* a store failure dropped its range: recover before adding */
} kpart;

typedef struct klander {
    const sl_land_cli_opts *o;
    rd_kafka_t *rk;               /* the consumer */
    rd_kafka_t *dlt;              /* dead-letter producer, or NULL */
    rd_kafka_topic_t *dlt_rkt;
    sl_lander *l;
    kpart *parts;
    size_t nparts, capparts;
    sl_header *hdrs;              /* reused per message */
    size_t caphdrs;
    sigset_t stop;
    int stopping;                 /* a stop signal arrived, or --once is complete */
    int fatal;                    /* give up: exit 1 */
    int cooperative;
    int once;                     /* --once, or the ctl said the input is complete */
    const sl_kafka_land_ctl *ctl; /* NULL: none */
    int assigned_once;            /* a first assignment (possibly empty) was received */
    int subscribed;               /* rd_kafka_subscribe succeeded */
    uint64_t t0, in_bytes, in_msgs;
    uint64_t t_assigned;          /* sl_now_ns() at the first assignment of one or more
                                   * partitions (the group join is over), 0 before */
    uint64_t dlt_sent, dlt_delivered, dlt_failed;
    uint64_t kafka_commit_errors, recoveries;
    int tty, progress_shown;
    uint64_t last_progress, last_stats;
    int logged_errs[16];
    size_t nlogged_errs;
    char errstr[1024];
} klander;

/* ---- messages ---- */

static void say(klander *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(klander *k, const char *fmt, ...)
{
    if (k->progress_shown) {
        fputs("\r\033[K", stderr);
        k->progress_shown = 0;
    }
    va_list ap;
    fprintf(stderr, "sluice: %s: ", CMD);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Reports a consumer error once per error code (librdkafka repeats them while retrying). */
static void say_once(klander *k, int code, const char *what)
{
    for (size_t i = 0; i < k->nlogged_errs; i++)
        if (k->logged_errs[i] == code)
            return;
    if (k->nlogged_errs < sizeof k->logged_errs / sizeof k->logged_errs[0])
        k->logged_errs[k->nlogged_errs++] = code;
    say(k, "kafka: %s (%s)", what, rd_kafka_err2name(code));
}

/* Client-level errors: a fatal one ends the run (exit 1); others are reported once. */
static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    klander *k = opaque;
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char why[512];
        rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, why, sizeof why);
        say(k, "fatal Kafka error: %s: %s", rd_kafka_err2name(orig), why);
        k->fatal = 1;
        return;
    }
    say_once(k, err, reason);
}

/* librdkafka's own log: only critical lines are shown (errors come through on_error). */
static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    klander *k = rd_kafka_opaque(rk);
    if (level <= 2 && k)
        say(k, "kafka: %s: %s", fac, buf);
}

/* ---- partitions ---- */

/* The assigned partition (topic, partition), or NULL. */
static kpart *part_find(klander *k, const char *topic, int32_t partition)
{
    for (size_t i = 0; i < k->nparts; i++)
        if (k->parts[i].partition == partition && strcmp(k->parts[i].topic, topic) == 0)
            return &k->parts[i];
    return NULL;
}

/* Adds (or finds) an assigned partition; NULL when out of memory. */
static kpart *part_add(klander *k, const char *topic, int32_t partition)
{
    kpart *p = part_find(k, topic, partition);
    if (p)
        return p;
    kpart *np = sl_array_grow(k->parts, &k->capparts, k->nparts + 1, sizeof *np, 16);
    if (!np)
        return NULL;
    k->parts = np;
    p = &k->parts[k->nparts];
    memset(p, 0, sizeof *p);
    if (!(p->topic = strdup(topic)))
        return NULL;
    p->partition = partition;
    p->target = -1;
    p->next = -1;
    k->nparts++;
    return p;
}

/* Forgets an assigned partition (no-op when unknown). */
static void part_remove(klander *k, const char *topic, int32_t partition)
{
    kpart *p = part_find(k, topic, partition);
    if (!p)
        return;
    free(p->topic);
    *p = k->parts[--k->nparts];
}

/* Runs lake recovery for a partition (retrying transient store errors with a back-off)
 * and returns where to read from: last landed + 1, or -1 when nothing of it has
 * landed. Sets k->fatal on a permanent failure. */
static int64_t recover(klander *k, const char *topic, int32_t partition)
{
    int64_t resume = -1;
    unsigned backoff_ms = 500;
    for (int attempt = 1;; attempt++) {
        sl_err e = sl_lander_assign(k->l, topic, partition, &resume, k->errstr, sizeof k->errstr);
        if (e == SL_OK)
            return resume;
        if (e != SL_ERR_RETRY || attempt == ASSIGN_TRIES) {
            say(k, "%s [%" PRId32 "]: recovery failed: %s", topic, partition, k->errstr);
            k->fatal = 1;
            return -1;
        }
        say(k, "%s [%" PRId32 "]: recovery: %s; retrying in %u ms", topic, partition, k->errstr,
            backoff_ms);
        struct timespec ts = { backoff_ms / 1000, (long)(backoff_ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
        backoff_ms *= 2;
    }
}

/* Result of an asynchronous offset commit: failures are counted and reported once. */
static void on_commit(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *offsets,
                      void *opaque)
{
    (void)rk;
    (void)offsets;
    klander *k = opaque;
    if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
        k->kafka_commit_errors++;
        say_once(k, err, "offset commit failed (the lake stays right; a restart re-reads a little)");
    }
}

/* Seeks a partition of the live assignment to `offset` (or to its committed offset /
 * the reset policy when offset is -1). */
static void seek_to(klander *k, const char *topic, int32_t partition, int64_t offset)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    if (!l)
        return;
    rd_kafka_topic_partition_t *tp = rd_kafka_topic_partition_list_add(l, topic, partition);
    if (offset < 0) {
        /* nothing landed yet: where Kafka says, else the beginning */
        tp->offset = RD_KAFKA_OFFSET_INVALID;
        if (rd_kafka_committed(k->rk, l, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR || tp->offset < 0)
            tp->offset = RD_KAFKA_OFFSET_BEGINNING;
    } else {
        tp->offset = offset;
    }
    rd_kafka_error_t *error = rd_kafka_seek_partitions(k->rk, l, 10000);
    if (error) {
        say(k, "%s [%" PRId32 "]: seek: %s", topic, partition, rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
        k->fatal = 1;
    }
    rd_kafka_topic_partition_list_destroy(l);
}

/* A store failure dropped the partition's uncommitted range: recover it and re-read. */
static void repair(klander *k, kpart *p, sl_err e)
{
    k->recoveries++;
    say(k, "%s [%" PRId32 "]: %s; the uncommitted range is dropped and will be read again", p->topic,
        p->partition, k->errstr);
    if (e != SL_ERR_RETRY) {
        k->fatal = 1;
        return;
    }
    int64_t resume = recover(k, p->topic, p->partition);
    if (k->fatal)
        return;
    p->broken = 0;
    p->next = resume;
    seek_to(k, p->topic, p->partition, resume);
}

/* Commits the ranges of partitions ps[0..n) in the lake, together (one
 * sl_lander_commit_many: their steps share the syncs), then their offsets last+1 in
 * Kafka (one request, sync or async). A partition whose range failed is dropped:
 * with `again` it is recovered and re-read (repair), otherwise marked broken.
 * Offset commit failures are counted and reported, never fatal: the lake, not
 * Kafka, says what has landed. */
static void commit_parts(klander *k, kpart **ps, size_t n, int async, int again)
{
    /* A lost assignment is another member's now: the revocation that follows rolls
     * its ranges back; committing them here could land their offsets twice. */
    if (n == 0 || rd_kafka_assignment_lost(k->rk))
        return;
    sl_lander_commit_item *items = calloc(n, sizeof *items);
    rd_kafka_topic_partition_list_t *offsets = rd_kafka_topic_partition_list_new((int)n);
    if (!items || !offsets) {
        say(k, "out of memory committing %zu partition(s)", n);
        k->fatal = 1;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        items[i].topic = ps[i]->topic;
        items[i].partition = ps[i]->partition;
    }
    sl_lander_commit_many(k->l, items, n);
    for (size_t i = 0; i < n; i++) {
        kpart *p = ps[i];
        if (items[i].err == SL_OK) {
            if (items[i].committed_last >= 0)
                rd_kafka_topic_partition_list_add(offsets, p->topic, p->partition)->offset =
                    items[i].committed_last + 1;
        } else if (again && !k->fatal) {
            snprintf(k->errstr, sizeof k->errstr, "%s", items[i].errstr);
            repair(k, p, items[i].err);
        } else {
            say(k, "%s [%" PRId32 "]: commit: %s; the range will be landed again by whoever reads "
                   "the partition next", p->topic, p->partition, items[i].errstr);
            p->broken = 1;
        }
    }
    if (offsets->cnt) {
        rd_kafka_resp_err_t err = rd_kafka_commit(k->rk, offsets, async);
        if (err) {
            k->kafka_commit_errors++;
            say_once(k, err, "offset commit failed (the lake stays right; a restart re-reads a little)");
        }
    }
done:
    free(items);
    if (offsets)
        rd_kafka_topic_partition_list_destroy(offsets);
}

/* The high watermark of every partition of l (one ListOffsets round), for --once. */
static void set_targets(klander *k, const rd_kafka_topic_partition_list_t *parts)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_copy(parts);
    if (!l)
        return;
    for (int i = 0; i < l->cnt; i++)
        l->elems[i].offset = RD_KAFKA_OFFSET_END; /* "latest" */
    rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(k->rk, l, 15000);
    for (int i = 0; i < l->cnt; i++) {
        kpart *p = part_find(k, l->elems[i].topic, l->elems[i].partition);
        if (!p)
            continue;
        int64_t lo = 0, hi = -1;
        if (!err && !l->elems[i].err && l->elems[i].offset >= 0)
            hi = l->elems[i].offset;
        else if (rd_kafka_query_watermark_offsets(k->rk, p->topic, p->partition, &lo, &hi, 10000))
            hi = -1;
        if (hi < 0) {
            say(k, "%s [%" PRId32 "]: cannot read its end offset for --once", p->topic, p->partition);
            k->fatal = 1;
            continue;
        }
        p->target = hi;
        if (hi == 0 || (p->next >= 0 && p->next >= hi))
            p->done = 1;
    }
    rd_kafka_topic_partition_list_destroy(l);
}

/* New partitions: recovery from the lake for each, start offsets set to the lake's resume
 * offsets, --once targets read, then handed to the consumer. */
static void assign_parts(klander *k, rd_kafka_topic_partition_list_t *parts)
{
    for (int i = 0; i < parts->cnt && !k->fatal; i++) {
        rd_kafka_topic_partition_t *tp = &parts->elems[i];
        kpart *p = part_add(k, tp->topic, tp->partition);
        if (!p) {
            say(k, "out of memory");
            k->fatal = 1;
            break;
        }
        int64_t resume = recover(k, tp->topic, tp->partition);
        p->next = resume;
        /* the lake decides where to start; with nothing landed, Kafka's committed offset */
        tp->offset = resume >= 0 ? resume : RD_KAFKA_OFFSET_INVALID;
    }
    if (k->once && !k->fatal)
        set_targets(k, parts);
    rd_kafka_error_t *error = NULL;
    rd_kafka_resp_err_t err = 0;
    if (k->cooperative)
        error = rd_kafka_incremental_assign(k->rk, parts);
    else
        err = rd_kafka_assign(k->rk, parts);
    if (error) {
        say(k, "assign: %s", rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
        k->fatal = 1;
    } else if (err) {
        say(k, "assign: %s", rd_kafka_err2str(err));
        k->fatal = 1;
    }
    k->assigned_once = 1;
    if (parts->cnt && !k->t_assigned)
        k->t_assigned = sl_now_ns();
    if (parts->cnt && !k->o->quiet)
        say(k, "assigned %d partition(s); %zu in all", parts->cnt, k->nparts);
}

/* Partitions taken away: each range is committed (lake, then Kafka offset) unless the
 * assignment was lost or the run failed, in which case it is rolled back; then they are
 * given up. */
static void revoke_parts(klander *k, rd_kafka_topic_partition_list_t *parts, int lost)
{
    /* Lost (or giving up after a fatal error): roll back; otherwise commit first. */
    kpart **commit = calloc((size_t)parts->cnt + 1, sizeof *commit);
    size_t ncommit = 0;
    for (int i = 0; i < parts->cnt && commit && !lost && !k->fatal; i++) {
        kpart *p = part_find(k, parts->elems[i].topic, parts->elems[i].partition);
        if (p && !p->broken)
            commit[ncommit++] = p;
    }
    if (!commit && !lost && !k->fatal)
        say(k, "out of memory: revoked partitions are rolled back, not committed");
    commit_parts(k, commit, ncommit, 0, 0);
    free(commit);
    for (int i = 0; i < parts->cnt; i++) {
        rd_kafka_topic_partition_t *tp = &parts->elems[i];
        if (sl_lander_revoke(k->l, tp->topic, tp->partition, 0, k->errstr, sizeof k->errstr) != SL_OK)
            say(k, "%s [%" PRId32 "]: revoke: %s", tp->topic, tp->partition, k->errstr);
        part_remove(k, tp->topic, tp->partition);
    }
    if (lost && parts->cnt)
        say(k, "lost %d partition(s) (another member owns them now): uncommitted ranges rolled back",
            parts->cnt);
    if (k->cooperative) {
        rd_kafka_error_t *error = rd_kafka_incremental_unassign(k->rk, parts);
        if (error) {
            say(k, "unassign: %s", rd_kafka_error_string(error));
            rd_kafka_error_destroy(error);
        }
    } else {
        rd_kafka_assign(k->rk, NULL);
    }
}

/* The consumer's rebalance callback (runs inside rd_kafka_consumer_poll, on our thread). */
static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *parts,
                         void *opaque)
{
    klander *k = opaque;
    k->cooperative = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS)
        assign_parts(k, parts);
    else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS)
        revoke_parts(k, parts, rd_kafka_assignment_lost(rk));
    else {
        say(k, "rebalance error: %s", rd_kafka_err2str(err));
        if (k->cooperative)
            revoke_parts(k, parts, 1);
        else
            rd_kafka_assign(rk, NULL);
    }
}

/* ---- messages ---- */

/* Delivery report of a dead-letter copy: counted; the first failure is reported. */
static void on_dlt_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    klander *k = opaque;
    if (m->err) {
        if (k->dlt_failed++ == 0)
            say(k, "dead-letter topic %s: %s", k->o->dead_letter_topic, rd_kafka_err2str(m->err));
    } else {
        k->dlt_delivered++;
    }
}

/* Copies a quarantined message to the dead-letter topic with why and where. */
static void dead_letter(klander *k, const rd_kafka_message_t *m, const char *reason)
{
    char origin[300];
    snprintf(origin, sizeof origin, "%s/%" PRId32 "/%" PRId64, rd_kafka_topic_name(m->rkt), m->partition,
             m->offset);
    rd_kafka_headers_t *h = NULL, *copy;
    if (rd_kafka_message_headers(m, &h) == 0 && h)
        copy = rd_kafka_headers_copy(h);
    else
        copy = rd_kafka_headers_new(2);
    rd_kafka_header_add(copy, "sluice.reason", -1, reason, -1);
    rd_kafka_header_add(copy, "sluice.origin", -1, origin, -1);
    for (;;) {
        rd_kafka_resp_err_t err = rd_kafka_producev(
            k->dlt, RD_KAFKA_V_RKT(k->dlt_rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_VALUE(m->payload, m->len), RD_KAFKA_V_KEY(m->key, m->key_len),
            RD_KAFKA_V_HEADERS(copy), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_poll(k->dlt, 50);
            continue;
        }
        if (err) {
            rd_kafka_headers_destroy(copy); /* not taken over on failure */
            if (k->dlt_failed++ == 0)
                say(k, "dead-letter topic %s: %s", k->o->dead_letter_topic, rd_kafka_err2str(err));
        } else {
            k->dlt_sent++;
        }
        return;
    }
}

/* One consumed message (or event): partition-end events mark --once progress; data goes to
 * the lander with its provenance; a failure repairs the partition; a quarantined message is
 * copied to the dead-letter topic. */
static void handle_message(klander *k, rd_kafka_message_t *m)
{
    const char *topic = rd_kafka_topic_name(m->rkt);
    if (m->err) {
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            kpart *p = part_find(k, topic, m->partition);
            if (p && k->once && p->target >= 0 && m->offset >= p->target)
                p->done = 1;
            return;
        }
        if (k->once && (m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                           m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC)) {
            say(k, "%s: %s", topic ? topic : "topic", rd_kafka_message_errstr(m));
            k->fatal = 1;
            return;
        }
        say_once(k, m->err, rd_kafka_message_errstr(m));
        return;
    }
    kpart *p = part_find(k, topic, m->partition);
    if (!p || p->broken)
        return; /* not ours (any more), or waiting for recovery */
    if (k->once && p->target >= 0 && m->offset >= p->target) {
        p->done = 1; /* past the end seen at assignment: left for the next run */
        return;
    }
    size_t nh = 0;
    rd_kafka_headers_t *h = NULL;
    if (rd_kafka_message_headers(m, &h) == 0 && h) {
        nh = rd_kafka_header_cnt(h);
        if (nh > k->caphdrs) {
            sl_header *nb = realloc(k->hdrs, nh * sizeof *nb);
            if (!nb) {
                say(k, "out of memory");
                k->fatal = 1;
                return;
            }
            k->hdrs = nb;
            k->caphdrs = nh;
        }
        for (size_t i = 0; i < nh; i++) {
            const char *name;
            const void *val;
            size_t len;
            if (rd_kafka_header_get_all(h, i, &name, &val, &len))
                break;
            k->hdrs[i].name = name;
            k->hdrs[i].value = val;
            k->hdrs[i].value_len = val ? len : 0;
        }
    }
    rd_kafka_timestamp_type_t tstype;
    int64_t ts = rd_kafka_message_timestamp(m, &tstype);
    sl_origin origin = { topic, m->partition, m->offset, ts >= 0 ? ts * 1000 : SL_TS_NULL, m->key,
                         m->key_len, nh ? k->hdrs : NULL, nh };
    k->in_msgs++;
    k->in_bytes += m->len;
    sl_err e = sl_lander_add(k->l, topic, m->partition, m->payload ? m->payload : "", m->len, &origin,
                             k->errstr, sizeof k->errstr);
    if (e != SL_OK) {
        p->broken = 1;
        repair(k, p, e);
        return;
    }
    p->next = m->offset + 1;
    if (k->dlt) {
        const char *why = sl_lander_last_quarantine(k->l);
        if (why)
            dead_letter(k, m, why);
    }
    if (k->once && p->target >= 0 && p->next >= p->target)
        p->done = 1;
}

/* Commits every partition whose range is due. */
static void commit_due(klander *k)
{
    sl_lander_due_item due[DUE_MAX];
    kpart *ps[DUE_MAX];
    size_t n = sl_lander_due(k->l, sl_lander_now_ms(k->l), due, DUE_MAX), nps = 0;
    for (size_t i = 0; i < n; i++) {
        kpart *p = part_find(k, due[i].topic, due[i].partition);
        if (p && !p->broken)
            ps[nps++] = p;
    }
    commit_parts(k, ps, nps, 1, 1);
}

/* ---- statistics ---- */

/* Messages between the consumer's position and the partitions' ends (librdkafka's
 * cached high watermarks; no request). */
static uint64_t lag(klander *k)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < k->nparts; i++) {
        int64_t lo, hi;
        if (rd_kafka_get_watermark_offsets(k->rk, k->parts[i].topic, k->parts[i].partition, &lo, &hi))
            continue;
        int64_t at = k->parts[i].next >= 0 ? k->parts[i].next : lo;
        if (hi > at)
            sum += (uint64_t)(hi - at);
    }
    return sum;
}

/* The progress line on a terminal. */
static void progress(klander *k, uint64_t now)
{
    sl_lander_stats st;
    sl_lander_get_stats(k->l, &st);
    double s = (double)(now - k->t0) / 1e9;
    fprintf(stderr,
            "\r\033[K%" PRIu64 " messages read (%.1f MB/s), %" PRIu64 " landed, %" PRIu64
            " pending, %" PRIu64 " files, lag %" PRIu64 ", %zu partitions",
            k->in_msgs, s > 0 ? (double)k->in_bytes / 1e6 / s : 0.0, st.messages, st.pending_messages,
            st.files, lag(k), k->nparts);
    fflush(stderr);
    k->progress_shown = 1;
}

/* Writes the counters to --stats-json FILE (temporary file, fsync, rename). */
static void write_stats(klander *k, uint64_t now, int final)
{
    sl_lander_stats st;
    sl_lander_get_stats(k->l, &st);
    char assigned[32] = "null";
    if (k->t_assigned)
        snprintf(assigned, sizeof assigned, "%.3f", (double)(k->t_assigned - k->t0) / 1e9);
    sl_buf b = { 0 };
    sl_err e = sl_buf_printf(
        &b,
        "{\"elapsed_s\":%.3f,\"first_assignment_s\":%s,\"final\":%s,\"messages_read\":%" PRIu64 ",\"bytes_read\":%" PRIu64
        ",\"landed\":%" PRIu64 ",\"already_landed\":%" PRIu64 ",\"quarantined\":%" PRIu64
        ",\"duplicates\":%" PRIu64 ",\"extra_keys\":%" PRIu64 ",\"files\":%" PRIu64 ",\"bytes\":%" PRIu64
        ",\"commits\":%" PRIu64 ",\"pending_messages\":%" PRIu64 ",\"buffered_bytes\":%" PRIu64
        ",\"open_files\":%" PRIu64 ",\"partitions\":%zu,\"lag\":%" PRIu64 ",\"recoveries\":%" PRIu64
        ",\"kafka_commit_errors\":%" PRIu64 ",\"dead_letter_sent\":%" PRIu64
        ",\"dead_letter_failed\":%" PRIu64 ",\"tables\":{",
        (double)(now - k->t0) / 1e9, assigned, final ? "true" : "false", k->in_msgs, k->in_bytes, st.messages,
        st.already_landed, st.quarantined, st.duplicates, st.extra_keys, st.files, st.bytes, st.commits,
        st.pending_messages, st.buffered_bytes, st.open_files, k->nparts, lag(k), k->recoveries,
        k->kafka_commit_errors, k->dlt_sent, k->dlt_failed);
    for (size_t t = 0; e == SL_OK && t < sl_lander_ntables(k->l); t++)
        e = sl_buf_printf(&b, "%s\"%s\":%" PRIu64, t ? "," : "", sl_lander_table_name(k->l, t),
                          sl_lander_table_rows(k->l, t));
    if (e == SL_OK)
        e = sl_buf_printf(&b, "}}\n");
    if (e != SL_OK) {
        sl_buf_free(&b);
        return;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", k->o->stats_json);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int ok = fd >= 0;
    if (ok) {
        sl_out out = sl_out_fd(&fd);
        ok = out.write(out.ctx, b.data, b.len, NULL, 0) == SL_OK;
    }
    if (ok && fsync(fd) != 0)
        ok = 0;
    if (fd >= 0 && close(fd) != 0)
        ok = 0;
    if (ok && rename(tmp, k->o->stats_json) != 0)
        ok = 0;
    if (!ok) {
        say_once(k, -1000 - errno, "cannot write --stats-json file");
        unlink(tmp);
    }
    sl_buf_free(&b);
}

/* ---- setup ---- */

/* 1 when a -X setting names `key`. */
static int has_prop(const sl_land_cli_opts *o, const char *key)
{
    size_t n = strlen(key);
    for (size_t i = 0; i < o->nkafka_props; i++)
        if (strncmp(o->kafka_props[i], key, n) == 0 && o->kafka_props[i][n] == '=')
            return 1;
    return 0;
}

/* Creates the consumer: sluice's defaults, then -X. 0, or the exit code. */
static int make_consumer(klander *k)
{
    const sl_land_cli_opts *o = k->o;
    const char *defaults[][2] = {
        { "bootstrap.servers", o->brokers },
        { "group.id", o->group ? o->group : "sluice" },
        { "client.id", "sluice-land" },
        { "enable.auto.commit", "false" },
        { "enable.auto.offset.store", "false" },
        { "auto.offset.reset", "earliest" },
        { "partition.assignment.strategy", "cooperative-sticky" },
        { "enable.partition.eof", o->once || k->ctl ? "true" : "false" },
        /* The prefetch queue (one for all partitions). When it is full librdkafka
         * stops fetching, and librdkafka 2.0.2 looks again only when a broker
         * thread wakes up, up to a second later: with 32 MB the lander emptied
         * the queue first and waited 0.3-0.5 s every 11,000 messages, 2 s in 100,000
         * (docs/benchmarks/kafka.md). 64 MB lasts the lander over a second. */
        { "queued.max.messages.kbytes", "65536" },
    };
    char why[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (!conf)
        return 1;
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if (sl_kafka_conf_set(conf, defaults[i][0], defaults[i][1], why, sizeof why) != SL_OK) {
            say(k, "%s", why);
            rd_kafka_conf_destroy(conf);
            return 1;
        }
    if (sl_kafka_conf_apply(conf, o->kafka_props, o->nkafka_props, why, sizeof why) != SL_OK) {
        say(k, "%s", why);
        rd_kafka_conf_destroy(conf);
        return 2;
    }
    rd_kafka_conf_set_opaque(conf, k);
    rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
    rd_kafka_conf_set_offset_commit_cb(conf, on_commit);
    rd_kafka_conf_set_error_cb(conf, on_error);
    if (!has_prop(o, "debug"))
        rd_kafka_conf_set_log_cb(conf, on_log);
    k->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, why, sizeof why);
    if (!k->rk) {
        say(k, "cannot create the consumer: %s", why);
        return 2;
    }
    rd_kafka_poll_set_consumer(k->rk);
    return 0;
}

/* Creates the dead-letter producer (idempotent; -X settings that are producer
 * settings apply too). 0, or the exit code. */
static int make_dlt(klander *k)
{
    const sl_land_cli_opts *o = k->o;
    char why[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (!conf)
        return 1;
    /* consumer-only -X settings would only draw warnings here: keep the common ones */
    if (sl_kafka_conf_set(conf, "bootstrap.servers", o->brokers, why, sizeof why) != SL_OK ||
        sl_kafka_conf_set(conf, "client.id", "sluice-land-dlt", why, sizeof why) != SL_OK ||
        sl_kafka_conf_set(conf, "enable.idempotence", "true", why, sizeof why) != SL_OK ||
        sl_kafka_conf_set(conf, "compression.codec", "zstd", why, sizeof why) != SL_OK) {
        say(k, "%s", why);
        rd_kafka_conf_destroy(conf);
        return 1;
    }
    for (size_t i = 0; i < o->nkafka_props; i++) {
        const char *kv = o->kafka_props[i];
        if (strncmp(kv, "security.", 9) == 0 || strncmp(kv, "sasl.", 5) == 0 ||
            strncmp(kv, "ssl.", 4) == 0 || strncmp(kv, "message.timeout.ms=", 19) == 0 ||
            strncmp(kv, "message.max.bytes=", 18) == 0 ||
            strncmp(kv, "socket.", 7) == 0 || strncmp(kv, "broker.", 7) == 0) {
            if (sl_kafka_conf_apply(conf, &kv, 1, why, sizeof why) != SL_OK) {
                say(k, "%s", why);
                rd_kafka_conf_destroy(conf);
                return 2;
            }
        }
    }
    rd_kafka_conf_set_opaque(conf, k);
    rd_kafka_conf_set_dr_msg_cb(conf, on_dlt_delivery);
    rd_kafka_conf_set_log_cb(conf, on_log);
    k->dlt = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof why);
    if (!k->dlt) {
        say(k, "cannot create the dead-letter producer: %s", why);
        return 1;
    }
    k->dlt_rkt = rd_kafka_topic_new(k->dlt, o->dead_letter_topic, NULL);
    if (!k->dlt_rkt) {
        say(k, "dead-letter topic '%s': %s", o->dead_letter_topic,
            rd_kafka_err2str(rd_kafka_last_error()));
        return 2;
    }
    return 0;
}

/* 1 when SIGINT or SIGTERM is pending (consumed). */
static int stop_signal(klander *k)
{
    sigset_t pending;
    if (sigpending(&pending) != 0 || (!sigismember(&pending, SIGINT) && !sigismember(&pending, SIGTERM)))
        return 0;
    struct timespec zero = { 0, 0 };
    while (sigtimedwait(&k->stop, NULL, &zero) > 0) {
    }
    return 1;
}

/* --once: 1 when an assignment arrived and every assigned partition reached its target. */
static int once_complete(const klander *k)
{
    if (!k->assigned_once)
        return 0;
    for (size_t i = 0; i < k->nparts; i++)
        if (!k->parts[i].done)
            return 0;
    return 1;
}

/* --once from now on: every assigned partition stops at its current high watermark. */
static void become_once(klander *k)
{
    k->once = 1;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new((int)k->nparts + 1);
    if (!l) {
        k->fatal = 1;
        return;
    }
    for (size_t i = 0; i < k->nparts; i++)
        rd_kafka_topic_partition_list_add(l, k->parts[i].topic, k->parts[i].partition);
    if (l->cnt)
        set_targets(k, l);
    rd_kafka_topic_partition_list_destroy(l);
}

/* librdkafka before 2.3.0 (Debian 12 ships 2.0.2) can abort when a cooperative-sticky
 * member is closed before its first assignment, while the group is still rebalancing
 * (librdkafka issue 4312, fixed by pull request 4381). So a member stopped that early
 * first waits, up to AWAIT_ASSIGN_NS, for its first assignment. Messages that arrive
 * meanwhile are dropped unlanded: nothing of theirs is committed, so they are read again
 * by whoever lands the partition. */
static void await_first_assignment(klander *k)
{
    if (!k->o->quiet)
        say(k, "waiting for the group's first assignment before leaving it");
    uint64_t deadline = sl_now_ns() + AWAIT_ASSIGN_NS;
    while (!k->assigned_once && sl_now_ns() < deadline) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(k->rk, POLL_MS);
        if (m)
            rd_kafka_message_destroy(m);
    }
}

int sl_kafka_land_main(const sl_land_cli_opts *o) { return sl_kafka_land_run(o, NULL); }

int sl_kafka_land_run(const sl_land_cli_opts *o, const sl_kafka_land_ctl *ctl)
{
    klander kl;
    klander *k = &kl;
    memset(k, 0, sizeof *k);
    k->o = o;
    k->ctl = ctl;
    k->once = o->once;
    k->t0 = k->last_progress = k->last_stats = sl_now_ns();
    k->tty = !o->quiet && isatty(2);
    int rc = 1;
    sl_mapping *mapping = NULL;
    sl_store *store = NULL;
    rd_kafka_topic_partition_list_t *subs = NULL;

    if (o->dead_letter_topic && !*o->dead_letter_topic) {
        fprintf(stderr, "sluice %s: --dead-letter-topic wants a topic name\n", CMD);
        return 2;
    }
    sigemptyset(&k->stop);
    sigaddset(&k->stop, SIGINT);
    sigaddset(&k->stop, SIGTERM);
    sigprocmask(SIG_BLOCK, &k->stop, NULL); /* before librdkafka's threads start */

    mapping = sl_mapping_load(o->mapping, k->errstr, sizeof k->errstr);
    if (!mapping) {
        say(k, "%s", k->errstr);
        goto done;
    }
    sl_store_opts so = { .dir_mode = o->dir_mode, .file_mode = o->file_mode };
    store = sl_store_open(o->lake, &so, k->errstr, sizeof k->errstr);
    if (!store) {
        say(k, "%s", k->errstr);
        goto done;
    }
    sl_lander_opts lo = sl_land_cli_lander_opts(o);
    k->l = sl_lander_new(store, mapping, &lo, k->errstr, sizeof k->errstr);
    if (!k->l) {
        say(k, "%s", k->errstr);
        goto done;
    }
    if ((rc = make_consumer(k)) != 0)
        goto done;
    rc = 1;
    if (o->dead_letter_topic && (rc = make_dlt(k)) != 0)
        goto done;
    rc = 1;
    subs = rd_kafka_topic_partition_list_new((int)o->ntopics);
    for (size_t i = 0; i < o->ntopics; i++)
        rd_kafka_topic_partition_list_add(subs, o->topics[i], RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(k->rk, subs);
    if (err) {
        say(k, "subscribe: %s", rd_kafka_err2str(err));
        goto done;
    }
    k->subscribed = 1;
    if (!o->quiet && !ctl)
        say(k, "consuming %zu topic(s) as group '%s' from %s into %s%s", o->ntopics,
            o->group ? o->group : "sluice", o->brokers, o->lake, o->once ? " (--once)" : "");

    unsigned since_due = 0;
    while (!k->fatal && !k->stopping) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(k->rk, POLL_MS);
        if (m) {
            handle_message(k, m);
            rd_kafka_message_destroy(m);
        }
        if (!m || ++since_due >= 64) {
            since_due = 0;
            commit_due(k);
            if (k->dlt)
                rd_kafka_poll(k->dlt, 0);
            uint64_t now = sl_now_ns();
            if (stop_signal(k)) {
                say(k, "stopping: committing what was read");
                k->stopping = 1;
            }
            if (!k->once && ctl && ctl->input_done && ctl->input_done(ctl->ctx))
                become_once(k);
            if (k->once && once_complete(k))
                k->stopping = 1;
            if (k->tty && now - k->last_progress >= PROGRESS_NS_TTY) {
                k->last_progress = now;
                progress(k, now);
            }
            if (o->stats_json && now - k->last_stats >= STATS_JSON_NS) {
                k->last_stats = now;
                write_stats(k, now, 0);
            }
        }
    }
    /* Commit every range (and its Kafka offset) before leaving the group; leaving
     * revokes the partitions, which commits again (a no-op by then). */
    if (!k->fatal) {
        kpart **all = calloc(k->nparts + 1, sizeof *all);
        size_t nall = 0;
        for (size_t i = 0; all && i < k->nparts; i++)
            if (!k->parts[i].broken)
                all[nall++] = &k->parts[i];
        if (all)
            commit_parts(k, all, nall, 0, 0);
        else
            k->fatal = 1;
        free(all);
    }
    rc = k->fatal ? 1 : 0;
    for (size_t i = 0; i < k->nparts; i++)
        if (k->parts[i].broken)
            rc = 1; /* its range was not committed: a re-run lands it */
done:
    if (k->rk) {
        if (k->subscribed && !k->assigned_once)
            await_first_assignment(k);
        rd_kafka_consumer_close(k->rk);
        rd_kafka_destroy(k->rk);
    }
    if (k->dlt) {
        while (rd_kafka_outq_len(k->dlt) > 0 && !stop_signal(k))
            rd_kafka_flush(k->dlt, 500);
        if (k->dlt_delivered != k->dlt_sent || k->dlt_failed) {
            say(k, "dead-letter topic %s: %" PRIu64 " of %" PRIu64 " quarantined messages not delivered",
                o->dead_letter_topic, k->dlt_sent - k->dlt_delivered + k->dlt_failed,
                k->dlt_sent + k->dlt_failed);
            rc = 1;
        }
        if (k->dlt_rkt)
            rd_kafka_topic_destroy(k->dlt_rkt);
        rd_kafka_destroy(k->dlt);
    }
    if (k->progress_shown)
        fputs("\r\033[K", stderr);
    if (k->l) {
        uint64_t now = sl_now_ns();
        if (o->stats_json)
            write_stats(k, now, 1);
        if (!o->quiet) {
            sl_land_print_summary(stderr, k->l, (double)(now - k->t0) / 1e9, k->in_bytes);
            /* the group join (a broker-side delay before the first assignment) apart */
            if (k->t_assigned && now > k->t_assigned)
                fprintf(stderr, "  %-20s after %.2f s; %.1f MB/s from then to the end\n",
                        "first assignment", (double)(k->t_assigned - k->t0) / 1e9,
                        (double)k->in_bytes / 1e6 / ((double)(now - k->t_assigned) / 1e9));
        }
    }
    if (subs)
        rd_kafka_topic_partition_list_destroy(subs);
    for (size_t i = 0; i < k->nparts; i++)
        free(k->parts[i].topic);
    free(k->parts);
    free(k->hdrs);
    sl_lander_destroy(k->l);
    sl_store_close(store);
    sl_mapping_destroy(mapping);
    return rc;
}
