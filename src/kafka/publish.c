/* publish.c: JSON records to a Kafka topic through an idempotent producer (see publish.h). */
#include "kafka/publish.h"
#include "kafka/client.h"

#include <librdkafka/rdkafka.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum {
    PROGRESS_NS = 500000000,   /* progress callback period */
    STOP_CHECK_NS = 100000000, /* should_stop polling period */
    MAINT_EVERY = 64,          /* records between delivery-report polls and clock checks */
    MAX_INVALID_LOGGED = 20    /* invalid-record messages shown before going quiet */
};

struct sl_kafka_pub {
    sl_kafka_pub_opts opts;      /* strings below are our copies */
    char *brokers, *topic, *key_field, *tenant, *source;
    size_t key_field_len, tenant_len;
    rd_kafka_t *rk;
    rd_kafka_topic_t *rkt;
    sl_json_parser *parser;
    sl_buf compact;              /* reused compaction buffer */
    sl_kafka_pub_stats st;
    uint64_t start_ns, last_progress_ns, last_stop_ns;
    size_t max_message;          /* message.max.bytes */
    unsigned since_maint;
    int stop_requested;
    int fatal;
    char fatal_msg[512];
    int logged_broker_errs[16];  /* error codes already reported by error_cb */
    size_t n_logged_broker_errs;
};

/* ---- messages ---- */

/* Formats one line for the user and hands it to opts.log (if any). */
static void say(sl_kafka_pub *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(sl_kafka_pub *p, const char *fmt, ...)
{
    if (!p->opts.log)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    p->opts.log(p->opts.ctx, line);
}

/* Formats "SOURCE: line L" (NDJSON) or "SOURCE: record N (line L)" for messages into out. */
static const char *pos_text(const sl_kafka_pub_pos *pos, char *out, size_t n)
{
    if (!pos)
        snprintf(out, n, "record");
    else if (pos->line && pos->at_line_start)
        snprintf(out, n, "%s: line %" PRIu64, pos->source ? pos->source : "-", pos->line);
    else if (pos->line)
        snprintf(out, n, "%s: record %" PRIu64 " (line %" PRIu64 ")", pos->source ? pos->source : "-",
                 pos->ordinal + 1, pos->line);
    else
        snprintf(out, n, "%s: record %" PRIu64, pos->source ? pos->source : "-", pos->ordinal + 1);
    return out;
}

/* Counts one undelivered message of error `code` (for record `ordinal`). Returns 1 when it
 * is the first of its kind (the caller then says so). */
static int count_failure(sl_kafka_pub *p, int code, uint64_t ordinal)
{
    sl_kafka_pub_stats *st = &p->st;
    st->failed++;
    for (size_t i = 0; i < st->error_kinds; i++)
        if (st->errors[i].code == code) {
            st->errors[i].count++;
            return 0;
        }
    if (st->error_kinds == SL_KAFKA_PUB_ERR_KINDS) {
        st->other_errors++;
        return 0;
    }
    sl_kafka_pub_err *e = &st->errors[st->error_kinds++];
    e->code = code;
    e->count = 1;
    e->first_record = ordinal;
    return 1;
}

/* ---- librdkafka callbacks (run inside rd_kafka_poll/flush, on our thread) ---- */

/* Delivery report: counts the message delivered, or failed by error (the first failure of
 * each kind is reported with its record number). */
static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    sl_kafka_pub *p = opaque;
    if (!m->err) {
        p->st.delivered++;
        return;
    }
    uint64_t ordinal = (uint64_t)(uintptr_t)m->_private;
    if (!count_failure(p, m->err, ordinal))
        return;
    char part[32] = "";
    if (m->partition >= 0)
        snprintf(part, sizeof part, " partition %d", (int)m->partition);
    say(p, "record %" PRIu64 " not delivered to %s%s: %s (further failures of this kind are "
           "counted in the summary)",
        ordinal + 1, p->topic, part, rd_kafka_err2str(m->err));
}

/* Client-level errors: a fatal one (idempotence violated) stops publishing; others
 * (brokers down, ...) are reported once per error code while librdkafka retries. */
static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    sl_kafka_pub *p = opaque;
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char why[400];
        rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, why, sizeof why);
        p->fatal = 1;
        snprintf(p->fatal_msg, sizeof p->fatal_msg, "fatal producer error: %s: %s",
                 rd_kafka_err2name(orig), why);
        return;
    }
    for (size_t i = 0; i < p->n_logged_broker_errs; i++)
        if (p->logged_broker_errs[i] == err)
            return;
    if (p->n_logged_broker_errs < sizeof p->logged_broker_errs / sizeof p->logged_broker_errs[0])
        p->logged_broker_errs[p->n_logged_broker_errs++] = err;
    say(p, "kafka: %s (%s; retrying until message.timeout.ms)", reason, rd_kafka_err2name(err));
}

/* librdkafka's own log lines: only critical ones, as messages (errors come via on_error). */
static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    sl_kafka_pub *p = rd_kafka_opaque(rk);
    if (level <= 2 && p)
        say(p, "kafka: %s: %s", fac, buf);
}

/* ---- setup ---- */

/* strdup that passes NULL through and sets *oom when out of memory. */
static char *dup_or_null(const char *s, int *oom)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *oom = 1;
    return d;
}

/* 1 when one of the -X settings names `key`. */
static int conf_has(const sl_kafka_pub_opts *o, const char *key)
{
    size_t n = strlen(key);
    for (size_t i = 0; i < o->conf_count; i++)
        if (strncmp(o->conf[i], key, n) == 0 && o->conf[i][n] == '=')
            return 1;
    return 0;
}

sl_err sl_kafka_pub_new(const sl_kafka_pub_opts *opts, sl_kafka_pub **out, char *errstr,
                        size_t errstr_size)
{
    static const char *const defaults[][2] = {
        { "enable.idempotence", "true" },
        { "compression.codec", "zstd" },
        { "linger.ms", "50" },
        { "batch.size", "1000000" },
        { "batch.num.messages", "10000" },
        { "queue.buffering.max.kbytes", "16384" },
        { "partitioner", "murmur2_random" },
    };
    char why[512];
    rd_kafka_conf_t *conf = NULL;
    sl_kafka_pub *p = NULL;
    sl_err e;
    int oom = 0;

    *out = NULL;
    if (!opts->brokers || !*opts->brokers)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "no brokers given (-b)");
    if (!opts->topic || !*opts->topic)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "no topic given (-t)");
    if (opts->tenant && !sl_kafka_tenant_valid(opts->tenant, strlen(opts->tenant)))
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "tenant id '%s' is invalid: 1 to 64 characters of a-z, 0-9, '_' and '-'",
                       opts->tenant);
    if (opts->key_field && !*opts->key_field)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "empty key field name (-k)");

    p = calloc(1, sizeof *p);
    if (!p)
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    p->opts = *opts;
    p->brokers = dup_or_null(opts->brokers, &oom);
    p->topic = dup_or_null(opts->topic, &oom);
    p->key_field = dup_or_null(opts->key_field, &oom);
    p->tenant = dup_or_null(opts->tenant, &oom);
    p->source = dup_or_null(opts->source, &oom);
    p->opts.conf = NULL; /* only used during setup */
    p->opts.conf_count = 0;
    p->parser = sl_json_parser_new(NULL);
    conf = rd_kafka_conf_new();
    if (oom || !p->parser || !conf) {
        e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        goto err;
    }
    p->key_field_len = p->key_field ? strlen(p->key_field) : 0;
    p->tenant_len = p->tenant ? strlen(p->tenant) : 0;

    if ((e = sl_kafka_conf_set(conf, "bootstrap.servers", p->brokers, errstr, errstr_size)) != SL_OK ||
        (e = sl_kafka_conf_set(conf, "client.id", opts->client_id ? opts->client_id : "sluice-publish",
                               errstr, errstr_size)) != SL_OK)
        goto err;
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if ((e = sl_kafka_conf_set(conf, defaults[i][0], defaults[i][1], errstr, errstr_size)) != SL_OK)
            goto err;
    if ((e = sl_kafka_conf_apply(conf, opts->conf, opts->conf_count, errstr, errstr_size)) != SL_OK)
        goto err;
    char val[64];
    size_t vlen = sizeof val;
    if (rd_kafka_conf_get(conf, "message.max.bytes", val, &vlen) == RD_KAFKA_CONF_OK)
        p->max_message = (size_t)strtoull(val, NULL, 10);
    rd_kafka_conf_set_opaque(conf, p);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_error_cb(conf, on_error);
    if (!conf_has(opts, "debug"))
        rd_kafka_conf_set_log_cb(conf, on_log);

    p->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof why);
    if (!p->rk) {
        /* rd_kafka_new rejects some combinations of settings only here. */
        e = sl_errf(SL_ERR_INVALID, errstr, errstr_size, "cannot create the producer: %s", why);
        goto err;
    }
    conf = NULL;
    p->rkt = rd_kafka_topic_new(p->rk, p->topic, NULL);
    if (!p->rkt) {
        e = sl_errf(SL_ERR_INVALID, errstr, errstr_size, "topic '%s': %s", p->topic,
                    rd_kafka_err2str(rd_kafka_last_error()));
        goto err;
    }
    p->start_ns = p->last_progress_ns = p->last_stop_ns = sl_now_ns();
    *out = p;
    return SL_OK;
err:
    if (conf)
        rd_kafka_conf_destroy(conf);
    sl_kafka_pub_destroy(p);
    return e;
}

size_t sl_kafka_pub_max_message(const sl_kafka_pub *p) { return p->max_message; }

sl_err sl_kafka_pub_create_topic(sl_kafka_pub *p, int partitions, int timeout_ms, int *created,
                                 char *errstr, size_t errstr_size)
{
    char why[512];
    rd_kafka_NewTopic_t *nt = NULL;
    rd_kafka_queue_t *q = NULL;
    rd_kafka_AdminOptions_t *ao = NULL;
    rd_kafka_event_t *ev = NULL;
    sl_err e = SL_OK;

    *created = 0;
    if (partitions < 1)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "partitions must be at least 1");
    nt = rd_kafka_NewTopic_new(p->topic, partitions, -1, why, sizeof why);
    if (!nt)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "topic '%s': %s", p->topic, why);
    q = rd_kafka_queue_new(p->rk);
    ao = rd_kafka_AdminOptions_new(p->rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    if (!q || !ao) {
        e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        goto done;
    }
    if (rd_kafka_AdminOptions_set_request_timeout(ao, timeout_ms, why, sizeof why) ||
        rd_kafka_AdminOptions_set_operation_timeout(ao, timeout_ms, why, sizeof why)) {
        e = sl_errf(SL_ERR_INVALID, errstr, errstr_size, "create topic: %s", why);
        goto done;
    }
    rd_kafka_CreateTopics(p->rk, &nt, 1, ao, q);
    ev = rd_kafka_queue_poll(q, timeout_ms + 5000);
    if (!ev) {
        e = sl_errf(SL_ERR_FATAL, errstr, errstr_size,
                    "create topic '%s': no answer from the brokers in %d ms", p->topic, timeout_ms);
        goto done;
    }
    rd_kafka_resp_err_t err = rd_kafka_event_error(ev);
    if (!err) {
        const rd_kafka_CreateTopics_result_t *res = rd_kafka_event_CreateTopics_result(ev);
        size_t cnt = 0;
        const rd_kafka_topic_result_t **tr = res ? rd_kafka_CreateTopics_result_topics(res, &cnt) : NULL;
        if (cnt < 1) {
            e = sl_errf(SL_ERR_FATAL, errstr, errstr_size, "create topic '%s': empty answer",
                        p->topic);
            goto done;
        }
        err = rd_kafka_topic_result_error(tr[0]);
        if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
            goto done;
        if (err) {
            const char *s = rd_kafka_topic_result_error_string(tr[0]);
            e = sl_errf(SL_ERR_FATAL, errstr, errstr_size, "create topic '%s': %s", p->topic,
                        s && *s ? s : rd_kafka_err2str(err));
            goto done;
        }
        *created = 1;
        goto done;
    }
    if (err == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE ||
        err == RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION ||
        err == RD_KAFKA_RESP_ERR_INVALID_REQUEST)
        e = sl_errf(SL_ERR_UNSUPPORTED, errstr, errstr_size,
                    "the broker does not support CreateTopics (%s)", rd_kafka_event_error_string(ev));
    else if (err == RD_KAFKA_RESP_ERR__TIMED_OUT)
        /* librdkafka's mock cluster (sluice broker) never answers CreateTopics. */
        e = sl_errf(SL_ERR_UNSUPPORTED, errstr, errstr_size,
                    "no answer to CreateTopics in %d ms (%s): the broker may not support the Admin "
                    "API (sluice broker does not: create topics with 'sluice broker --topic')",
                    timeout_ms, rd_kafka_event_error_string(ev));
    else
        e = sl_errf(SL_ERR_FATAL, errstr, errstr_size, "create topic '%s': %s", p->topic,
                    rd_kafka_event_error_string(ev));
done:
    if (ev)
        rd_kafka_event_destroy(ev);
    if (ao)
        rd_kafka_AdminOptions_destroy(ao);
    if (q)
        rd_kafka_queue_destroy(q);
    rd_kafka_NewTopic_destroy(nt);
    return e;
}

/* ---- compaction ---- */

static inline int is_ws(unsigned char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

/* Index of the first '"' or '\\' in p[i..len), or len. */
static size_t find_quote_or_backslash(const char *p, size_t i, size_t len)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    while (i + 8 <= len) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');
        /* A byte of q or b is zero where p has '"' or '\\'; the lowest flagged byte is exact. */
        uint64_t t = (((q - ones) & ~q) | ((b - ones) & ~b)) & highs;
        if (t)
            return i + ((size_t)__builtin_ctzll(t) >> 3);
        i += 8;
    }
#endif
    while (i < len && p[i] != '"' && p[i] != '\\')
        i++;
    return i;
}

/* From j (inside a string, after its opening quote), the index just past the string's
 * closing quote, or len when it is not terminated. */
static size_t string_end(const char *in, size_t len, size_t j)
{
    for (;;) {
        j = find_quote_or_backslash(in, j, len);
        if (j >= len)
            return len;
        if (in[j] != '\\')
            return j + 1;
        j += 2; /* an escape: the next byte cannot end the string */
    }
}

/* next_ws one byte at a time, from i outside any string. */
static size_t next_ws_bytes(const char *in, size_t len, size_t i)
{
    while (i < len) {
        unsigned char c = (unsigned char)in[i];
        if (c == '"')
            i = string_end(in, len, i + 1);
        else if (is_ws(c))
            return i;
        else
            i++;
    }
    return len;
}

#if defined(__SSE2__)
/* For each bit k of the 16-bit mask q: the XOR of bits 0..k (1 where an odd number of
 * quotes was seen up to and including byte k). */
static inline unsigned prefix_xor16(unsigned q)
{
    q ^= q << 1;
    q ^= q << 2;
    q ^= q << 4;
    q ^= q << 8;
    return q & 0xffff;
}

/* From i (outside any string), the index of the next whitespace byte outside strings, or
 * len. 16 bytes at a time while they hold no backslash: a byte is inside a string when an
 * odd number of quotes precedes it in the record (without escapes every quote opens or
 * closes a string). At the first block with a backslash, the byte loop takes over, after
 * finishing the string the block starts in, if any. */
static size_t next_ws(const char *in, size_t len, size_t i)
{
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
    const __m128i sp = _mm_set1_epi8(' '), nl = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r'), tab = _mm_set1_epi8('\t');
    unsigned in_str = 0; /* 0xffff when byte i is inside a string */
    while (i + 16 <= len) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(in + i));
        if (_mm_movemask_epi8(_mm_cmpeq_epi8(x, bslash)))
            break;
        unsigned q = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, quote));
        unsigned w = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, sp), _mm_cmpeq_epi8(x, nl)),
                         _mm_or_si128(_mm_cmpeq_epi8(x, cr), _mm_cmpeq_epi8(x, tab))));
        unsigned inside = prefix_xor16(q) ^ in_str;
        unsigned out = w & ~inside;
        if (out)
            return i + (size_t)__builtin_ctz(out);
        in_str = (inside & 0x8000) ? 0xffff : 0;
        i += 16;
    }
    if (in_str)
        i = string_end(in, len, i);
    return next_ws_bytes(in, len, i);
}
#else
/* From i (outside any string), the index of the next whitespace byte outside strings, or len. */
static size_t next_ws(const char *in, size_t len, size_t i) { return next_ws_bytes(in, len, i); }
#endif

size_t sl_kafka_json_compact(const char *in, size_t len, sl_buf *scratch, const char **res)
{
    size_t w = next_ws(in, len, 0);
    if (w >= len) {
        *res = in;
        return len;
    }
    scratch->len = 0;
    if (sl_buf_reserve(scratch, len) != SL_OK) {
        *res = in; /* out of memory: send the text as it is (still the same JSON) */
        return len;
    }
    char *out = (char *)scratch->data;
    memcpy(out, in, w);
    size_t o = w, i = w;
    while (i < len) {
        while (i < len && is_ws((unsigned char)in[i]))
            i++;
        size_t next = next_ws(in, len, i);
        memcpy(out + o, in + i, next - i);
        o += next - i;
        i = next;
    }
    scratch->len = o;
    *res = out;
    return o;
}

/* ---- publishing ---- */

/* Serves delivery reports and, on the clock, progress and stop requests. */
static void maintain(sl_kafka_pub *p, int timeout_ms)
{
    rd_kafka_poll(p->rk, timeout_ms);
    uint64_t now = sl_now_ns();
    if (p->opts.progress && now - p->last_progress_ns >= PROGRESS_NS) {
        p->last_progress_ns = now;
        p->st.elapsed_ns = now - p->start_ns;
        p->opts.progress(p->opts.ctx, &p->st);
    }
    if (p->opts.should_stop && now - p->last_stop_ns >= STOP_CHECK_NS) {
        p->last_stop_ns = now;
        if (p->opts.should_stop(p->opts.ctx)) {
            p->stop_requested++;
            p->st.interrupted = 1;
        }
    }
}

/* Reports an invalid record (the first MAX_INVALID_LOGGED of them). */
static void say_invalid(sl_kafka_pub *p, const sl_kafka_pub_pos *pos, const sl_json_error *je)
{
    if (p->st.invalid > MAX_INVALID_LOGGED)
        return;
    const char *what = p->opts.invalid == SL_KAFKA_INVALID_SEND ? "sent as it is"
                       : p->opts.invalid == SL_KAFKA_INVALID_SKIP ? "skipped"
                                                                  : "refused";
    char at[300];
    pos_text(pos, at, sizeof at);
    if (pos && pos->line) {
        uint64_t line = pos->line + je->line - 1;
        if (je->line > 1 || pos->at_line_start)
            say(p, "%s: invalid JSON, %s: %s at line %" PRIu64 ", column %zu", at, what, je->msg,
                line, je->column);
        else
            say(p, "%s: invalid JSON, %s: %s at line %" PRIu64 ", byte %" PRIu64 " of the input", at,
                what, je->msg, line, pos->offset + je->offset);
    } else {
        say(p, "%s: invalid JSON, %s: %s at byte %zu of the record", at, what, je->msg, je->offset);
    }
    if (p->st.invalid == MAX_INVALID_LOGGED)
        say(p, "further invalid records are counted, not shown");
}

/* Hands one message to the producer, waiting (serving delivery reports) while its queue is
 * full. A message librdkafka refuses (too large, ...) is counted and reported. Errors:
 * SL_ERR_FATAL only (the producer hit a fatal error). */
static sl_err produce(sl_kafka_pub *p, const char *value, size_t value_len, const char *key,
                      size_t key_len, uint64_t ordinal, const sl_kafka_pub_pos *pos, char *errstr,
                      size_t errstr_size)
{
    rd_kafka_vu_t vu[7];
    size_t n = 0;
    vu[n].vtype = RD_KAFKA_VTYPE_RKT;
    vu[n++].u.rkt = p->rkt;
    vu[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
    vu[n++].u.i = RD_KAFKA_MSG_F_COPY;
    vu[n].vtype = RD_KAFKA_VTYPE_VALUE;
    vu[n].u.mem.ptr = (void *)value;
    vu[n++].u.mem.size = value_len;
    if (key) {
        vu[n].vtype = RD_KAFKA_VTYPE_KEY;
        vu[n].u.mem.ptr = (void *)key;
        vu[n++].u.mem.size = key_len;
    }
    if (p->tenant) {
        vu[n].vtype = RD_KAFKA_VTYPE_HEADER;
        vu[n].u.header.name = "tenant";
        vu[n].u.header.val = p->tenant;
        vu[n++].u.header.size = (ssize_t)p->tenant_len;
    }
    vu[n].vtype = RD_KAFKA_VTYPE_OPAQUE;
    vu[n++].u.ptr = (void *)(uintptr_t)ordinal;

    rd_kafka_resp_err_t err;
    for (;;) {
        rd_kafka_error_t *error = rd_kafka_produceva(p->rk, vu, n);
        if (!error) {
            p->st.sent++;
            p->st.sent_bytes += value_len;
            return SL_OK;
        }
        err = rd_kafka_error_code(error);
        rd_kafka_error_destroy(error);
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
            break;
        maintain(p, 50); /* let deliveries drain the bounded queue */
        if (p->fatal)
            return sl_errf(SL_ERR_FATAL, errstr, errstr_size, "%s", p->fatal_msg);
    }
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        on_error(p->rk, err, "", p);
        return sl_errf(SL_ERR_FATAL, errstr, errstr_size, "%s", p->fatal_msg);
    }
    char at[300];
    pos_text(pos, at, sizeof at);
    int first = count_failure(p, err, ordinal);
    char sizes[80] = "";
    if (key)
        snprintf(sizes, sizeof sizes, " (value %zu + key %zu)", value_len, key_len);
    if (err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE)
        say(p, "%s: not sent: %zu bytes%s is over the producer's limit message.max.bytes=%zu; "
               "raise it with -X message.max.bytes=N (up to 1000000000), and make sure the "
               "broker's message.max.bytes, the topic's max.message.bytes and consumers' "
               "fetch.max.bytes / max.partition.fetch.bytes allow it too",
            at, value_len + key_len, sizes, p->max_message);
    else if (first)
        say(p, "%s: not sent: %s", at, rd_kafka_err2str(err));
    return SL_OK;
}

sl_err sl_kafka_pub_record(sl_kafka_pub *p, const char *data, size_t len,
                           const sl_kafka_pub_pos *pos, char *errstr, size_t errstr_size)
{
    if (p->fatal)
        return sl_errf(SL_ERR_FATAL, errstr, errstr_size, "%s", p->fatal_msg);
    size_t b = 0;
    while (b < len && is_ws((unsigned char)data[b]))
        b++;
    if (b == len) {
        p->st.blank++;
        return SL_OK;
    }
    uint64_t ordinal = pos ? pos->ordinal : p->st.records;
    p->st.records++;

    const char *value = data, *key = NULL;
    size_t value_len = len, key_len = 0;
    int send = 1;
    sl_json_error je;
    const sl_json_val *root = sl_json_parse(p->parser, data, len, &je);
    if (!root) {
        p->st.invalid++;
        say_invalid(p, pos, &je);
        /* SEND: as received, without a key; the lander quarantines it with these bytes. */
        send = p->opts.invalid == SL_KAFKA_INVALID_SEND;
        if (send && p->key_field)
            p->st.no_key++;
    } else {
        if (p->key_field) {
            const sl_json_val *k = sl_json_get_type(root) == SL_JSON_OBJECT
                                       ? sl_json_obj_get(root, p->key_field, p->key_field_len)
                                       : NULL;
            if (k && sl_json_get_type(k) == SL_JSON_STRING)
                key = sl_json_get_str(k, &key_len);
            else
                p->st.no_key++;
        }
        value_len = sl_kafka_json_compact(data, len, &p->compact, &value);
    }
    sl_err e = send ? produce(p, value, value_len, key, key_len, ordinal, pos, errstr, errstr_size)
                    : SL_OK;
    if (e == SL_OK && ++p->since_maint >= MAINT_EVERY) {
        p->since_maint = 0;
        maintain(p, 0);
    }
    return e;
}

sl_err sl_kafka_pub_stream(sl_kafka_pub *p, sl_json_stream *s, char *errstr, size_t errstr_size)
{
    sl_json_record rec;
    sl_err e;
    int ndjson = sl_json_stream_format(s) == SL_JSON_FMT_NDJSON;
    while (!p->stop_requested) {
        e = sl_json_stream_next(s, &rec, errstr, errstr_size);
        p->st.input_bytes = sl_json_stream_bytes(s);
        if (e == SL_ERR_NOTFOUND)
            return SL_OK;
        if (e == SL_ERR_LIMIT && sl_json_stream_format(s) == SL_JSON_FMT_NDJSON) {
            /* An over-long line is skipped by the stream; count it as not sent and go on. */
            p->st.records++;
            count_failure(p, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, p->st.records - 1);
            say(p, "%s (not sent; raise -X message.max.bytes=N to send larger records)", errstr);
            continue;
        }
        if (e != SL_OK)
            return e;
        if (!ndjson)
            ndjson = sl_json_stream_format(s) == SL_JSON_FMT_NDJSON;
        sl_kafka_pub_pos pos = { p->source ? p->source : "-", rec.ordinal, rec.line, rec.offset,
                                 ndjson };
        if ((e = sl_kafka_pub_record(p, rec.data, rec.len, &pos, errstr, errstr_size)) != SL_OK)
            return e;
    }
    return SL_OK;
}

void sl_kafka_pub_finish(sl_kafka_pub *p)
{
    int purged = 0;
    int stops = p->stop_requested;
    while (rd_kafka_outq_len(p->rk) > 0) {
        rd_kafka_flush(p->rk, 100);
        maintain(p, 0);
        if (p->stop_requested > stops && !purged) {
            /* Asked to stop again while flushing: give up on what is still queued. */
            say(p, "stopping: messages not yet delivered are dropped and counted as failed");
            rd_kafka_purge(p->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
            purged = 1;
        }
    }
    rd_kafka_poll(p->rk, 0);
    p->st.elapsed_ns = sl_now_ns() - p->start_ns;
}

const sl_kafka_pub_stats *sl_kafka_pub_stats_get(sl_kafka_pub *p)
{
    p->st.elapsed_ns = sl_now_ns() - p->start_ns;
    return &p->st;
}

void sl_kafka_pub_destroy(sl_kafka_pub *p)
{
    if (!p)
        return;
    if (p->rk) {
        if (rd_kafka_outq_len(p->rk) > 0) {
            rd_kafka_purge(p->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
            rd_kafka_flush(p->rk, 1000);
        }
        if (p->rkt)
            rd_kafka_topic_destroy(p->rkt);
        rd_kafka_destroy(p->rk);
    }
    sl_json_parser_destroy(p->parser);
    sl_buf_free(&p->compact);
    free(p->brokers);
    free(p->topic);
    free(p->key_field);
    free(p->tenant);
    free(p->source);
    free(p);
}
