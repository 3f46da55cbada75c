/* test_kafka_publish.c: the publisher against an in-process embedded broker: what arrives
 * (bytes, keys, headers, order), retried errors delivered exactly once, failures counted,
 * invalid and too-large records, a bounded queue, streams. */
#include "kafka/broker.h"
#include "kafka/client.h"
#include "kafka/publish.h"

#include <librdkafka/rdkafka_mock.h>

#include <stdarg.h>
#include <unistd.h>

#include "t.h"

/* ---- reading a topic back ---- */

typedef struct msg {
    int32_t partition;
    int64_t offset;
    char *key;   /* NULL when the message has no key */
    char *value;
    char *tenant; /* the tenant header, or NULL */
} msg;

typedef struct msgs {
    msg *m;
    size_t n, cap;
} msgs;

static char *dup_n(const void *p, size_t n)
{
    char *s = malloc(n + 1);
    memcpy(s, p, n);
    s[n] = 0;
    return s;
}

static void msgs_free(msgs *ms)
{
    for (size_t i = 0; i < ms->n; i++) {
        free(ms->m[i].key);
        free(ms->m[i].value);
        free(ms->m[i].tenant);
    }
    free(ms->m);
    memset(ms, 0, sizeof *ms);
}

/* Reads every message of topic's `partitions` partitions from the beginning until each
 * partition reports its end (10 s at most). */
static int consume_all(const char *bootstraps, const char *topic, int partitions, msgs *out)
{
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstraps, err, sizeof err);
    rd_kafka_conf_set(conf, "group.id", "test-reader", err, sizeof err);
    rd_kafka_conf_set(conf, "enable.partition.eof", "true", err, sizeof err);
    rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!rk)
        return -1;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(partitions);
    for (int p = 0; p < partitions; p++)
        rd_kafka_topic_partition_list_add(l, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    int eofs = 0;
    uint64_t deadline = sl_now_ns() + 10000000000ull;
    while (eofs < partitions && sl_now_ns() < deadline) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
        if (!m)
            continue;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            eofs++;
        } else if (!m->err) {
            if (out->n == out->cap) {
                out->cap = out->cap ? out->cap * 2 : 64;
                out->m = realloc(out->m, out->cap * sizeof *out->m);
            }
            msg *x = &out->m[out->n++];
            memset(x, 0, sizeof *x);
            x->partition = m->partition;
            x->offset = m->offset;
            x->key = m->key ? dup_n(m->key, m->key_len) : NULL;
            x->value = dup_n(m->payload, m->len);
            rd_kafka_headers_t *h = NULL;
            const void *v;
            size_t vn;
            if (rd_kafka_message_headers(m, &h) == 0 &&
                rd_kafka_header_get_last(h, "tenant", &v, &vn) == 0)
                x->tenant = dup_n(v, vn);
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return eofs == partitions ? 0 : -1;
}

/* ---- publisher helpers ---- */

typedef struct logbuf {
    char text[8192];
    size_t len;
} logbuf;

static void log_to(void *ctx, const char *line)
{
    logbuf *lb = ctx;
    int n = snprintf(lb->text + lb->len, sizeof lb->text - lb->len, "%s\n", line);
    if (n > 0 && (size_t)n < sizeof lb->text - lb->len)
        lb->len += (size_t)n;
}

static sl_kafka_pub *new_pub(const char *bs, const char *topic, const char *key, const char *tenant,
                             sl_kafka_invalid inv, logbuf *lb, const char **xs, size_t nx)
{
    sl_kafka_pub_opts o = { 0 };
    o.brokers = bs;
    o.topic = topic;
    o.key_field = key;
    o.tenant = tenant;
    o.invalid = inv;
    o.conf = xs;
    o.conf_count = nx;
    o.log = log_to;
    o.ctx = lb;
    sl_kafka_pub *p = NULL;
    char err[512];
    if (sl_kafka_pub_new(&o, &p, err, sizeof err) != SL_OK) {
        fprintf(stderr, "  pub_new: %s\n", err);
        return NULL;
    }
    return p;
}

static sl_err send_str(sl_kafka_pub *p, const char *s, uint64_t ordinal)
{
    sl_kafka_pub_pos pos = { "test", ordinal, ordinal + 1, 0, 1 };
    char err[256];
    return sl_kafka_pub_record(p, s, strlen(s), &pos, err, sizeof err);
}

static sl_kafka_broker *start_broker(int brokers)
{
    sl_kafka_broker *b = NULL;
    char err[256];
    if (sl_kafka_broker_new(brokers, 1, &b, err, sizeof err) != SL_OK) {
        fprintf(stderr, "  broker: %s\n", err);
        return NULL;
    }
    return b;
}

/* ---- tests ---- */

static void test_broker_basics(void)
{
    char err[256];
    sl_kafka_broker *b = NULL;
    CHECK_EQ_INT(sl_kafka_broker_new(0, 1, &b, err, sizeof err), SL_ERR_INVALID);
    CHECK(b == NULL);
    b = start_broker(3);
    REQUIRE(b);
    const char *bs = sl_kafka_broker_bootstraps(b);
    /* three loopback listeners */
    int commas = 0;
    for (const char *c = bs; *c; c++)
        commas += *c == ',';
    CHECK_EQ_INT(commas, 2);
    CHECK(strncmp(bs, "127.0.0.1:", 10) == 0);
    CHECK_EQ_INT(sl_kafka_broker_create_topic(b, "t", 5, 3, err, sizeof err), SL_OK);
    CHECK_EQ_INT(sl_kafka_broker_create_topic(b, "t", 5, 3, err, sizeof err), SL_OK); /* exists */
    CHECK_EQ_INT(sl_kafka_broker_create_topic(b, "bad topic", 1, 1, err, sizeof err), SL_ERR_INVALID);
    CHECK_EQ_INT(sl_kafka_broker_create_topic(b, "t2", 0, 1, err, sizeof err), SL_ERR_INVALID);
    CHECK_EQ_INT(sl_kafka_broker_create_topic(b, "t2", 1, 4, err, sizeof err), SL_ERR_INVALID);
    CHECK(strstr(err, "replication must be 1 to 3") != NULL);

    sl_kafka_broker_cmd c;
    CHECK_EQ_INT(sl_kafka_broker_cmd_parse("down 4", 6, &c, err, sizeof err), SL_OK);
    CHECK_EQ_INT(sl_kafka_broker_cmd_exec(b, &c, err, sizeof err), SL_ERR_INVALID);
    CHECK_EQ_STR(err, "no broker 4 (brokers are 1 to 3, or -1 for all)");
    CHECK_EQ_INT(sl_kafka_broker_cmd_parse("topic via_cmd 7", 15, &c, err, sizeof err), SL_OK);
    CHECK_EQ_INT(sl_kafka_broker_cmd_exec(b, &c, err, sizeof err), SL_OK);

    /* the topic made by command has 7 partitions: read its metadata */
    char e2[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bs, e2, sizeof e2);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e2, sizeof e2);
    REQUIRE(rk);
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, "via_cmd", NULL);
    const struct rd_kafka_metadata *md = NULL;
    CHECK_EQ_INT(rd_kafka_metadata(rk, 0, rkt, &md, 5000), RD_KAFKA_RESP_ERR_NO_ERROR);
    if (md) {
        CHECK_EQ_INT(md->broker_cnt, 3);
        CHECK_EQ_INT(md->topic_cnt, 1);
        CHECK_EQ_INT(md->topics[0].partition_cnt, 7);
        rd_kafka_metadata_destroy(md);
    }
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
    sl_kafka_broker_destroy(b);
}

static void test_publish_keys_headers_order(void)
{
    sl_kafka_broker *b = start_broker(3);
    REQUIRE(b);
    char err[256];
    REQUIRE(sl_kafka_broker_create_topic(b, "attempts", 4, 3, err, sizeof err) == SL_OK);
    logbuf lb = { { 0 }, 0 };
    sl_kafka_pub *p = new_pub(sl_kafka_broker_bootstraps(b), "attempts", "user_exam_id", "acme",
                              SL_KAFKA_INVALID_REFUSE, &lb, NULL, 0);
    REQUIRE(p);
    /* 200 records over 10 keys, pretty-printed: each must arrive compact, keyed, in order */
    enum { N = 200, KEYS = 10 };
    char rec[256];
    for (int i = 0; i < N; i++) {
        snprintf(rec, sizeof rec, "{ \"user_exam_id\" : \"u%d\",\n  \"seq\" : %d, \"s\": \"a b\" }",
                 i % KEYS, i);
        REQUIRE(send_str(p, rec, (uint64_t)i) == SL_OK);
    }
    CHECK_EQ_INT(send_str(p, "{\"seq\":-1}", N), SL_OK); /* no key field */
    sl_kafka_pub_finish(p);
    const sl_kafka_pub_stats *st = sl_kafka_pub_stats_get(p);
    CHECK_EQ_INT(st->records, N + 1);
    CHECK_EQ_INT(st->sent, N + 1);
    CHECK_EQ_INT(st->delivered, N + 1);
    CHECK_EQ_INT(st->failed, 0);
    CHECK_EQ_INT(st->no_key, 1);
    CHECK_EQ_INT(st->invalid, 0);

    msgs ms = { 0 };
    REQUIRE(consume_all(sl_kafka_broker_bootstraps(b), "attempts", 4, &ms) == 0);
    CHECK_EQ_INT(ms.n, N + 1);
    int next_seq[KEYS];
    int32_t part_of[KEYS];
    for (int k = 0; k < KEYS; k++) {
        next_seq[k] = k;
        part_of[k] = -1;
    }
    int bad_order = 0, bad_bytes = 0, bad_tenant = 0, split = 0, nokey = 0;
    for (size_t i = 0; i < ms.n; i++) {
        msg *m = &ms.m[i];
        if (!m->tenant || strcmp(m->tenant, "acme") != 0)
            bad_tenant++;
        if (!m->key) {
            nokey++;
            CHECK_EQ_STR(m->value, "{\"seq\":-1}");
            continue;
        }
        int k = atoi(m->key + 1), seq = -2;
        if (sscanf(m->value, "{\"user_exam_id\":\"u%*d\",\"seq\":%d,", &seq) != 1)
            bad_bytes++;
        snprintf(rec, sizeof rec, "{\"user_exam_id\":\"u%d\",\"seq\":%d,\"s\":\"a b\"}", k, seq);
        if (strcmp(rec, m->value) != 0)
            bad_bytes++;
        if (seq != next_seq[k])
            bad_order++;
        next_seq[k] = seq + KEYS;
        if (part_of[k] == -1)
            part_of[k] = m->partition;
        else if (part_of[k] != m->partition)
            split++;
    }
    CHECK_EQ_INT(bad_tenant, 0);
    CHECK_EQ_INT(bad_bytes, 0);
    CHECK_EQ_INT(bad_order, 0);
    CHECK_EQ_INT(split, 0);
    CHECK_EQ_INT(nokey, 1);
    for (int k = 0; k < KEYS; k++)
        CHECK_EQ_INT(next_seq[k], k + N); /* every record of every key seen */
    msgs_free(&ms);
    sl_kafka_pub_destroy(p);
    sl_kafka_broker_destroy(b);
}

static void test_retried_errors_exactly_once(void)
{
    sl_kafka_broker *b = start_broker(1);
    REQUIRE(b);
    char err[256];
    REQUIRE(sl_kafka_broker_create_topic(b, "r", 1, 1, err, sizeof err) == SL_OK);
    /* The next 5 produce requests fail with retriable errors; the idempotent producer
     * retries them and every record must land exactly once, in order. */
    rd_kafka_mock_push_request_errors(sl_kafka_broker_cluster(b), 0, 5,
                                      RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
                                      RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
                                      RD_KAFKA_RESP_ERR__TRANSPORT,
                                      RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
                                      RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE);
    logbuf lb = { { 0 }, 0 };
    const char *xs[] = { "linger.ms=5", "retry.backoff.ms=10" };
    sl_kafka_pub *p = new_pub(sl_kafka_broker_bootstraps(b), "r", NULL, NULL,
                              SL_KAFKA_INVALID_REFUSE, &lb, xs, 2);
    REQUIRE(p);
    char rec[64];
    for (int i = 0; i < 300; i++) {
        snprintf(rec, sizeof rec, "{\"i\":%d}", i);
        REQUIRE(send_str(p, rec, (uint64_t)i) == SL_OK);
        if (i % 50 == 0)
            usleep(10000); /* spread over several requests */
    }
    sl_kafka_pub_finish(p);
    const sl_kafka_pub_stats *st = sl_kafka_pub_stats_get(p);
    CHECK_EQ_INT(st->delivered, 300);
    CHECK_EQ_INT(st->failed, 0);
    msgs ms = { 0 };
    REQUIRE(consume_all(sl_kafka_broker_bootstraps(b), "r", 1, &ms) == 0);
    CHECK_EQ_INT(ms.n, 300);
    int wrong = 0;
    for (size_t i = 0; i < ms.n; i++) {
        snprintf(rec, sizeof rec, "{\"i\":%zu}", i);
        wrong += strcmp(rec, ms.m[i].value) != 0;
    }
    CHECK_EQ_INT(wrong, 0);
    msgs_free(&ms);
    sl_kafka_pub_destroy(p);
    sl_kafka_broker_destroy(b);
}

static void test_undeliverable_counted(void)
{
    sl_kafka_broker *b = start_broker(1);
    REQUIRE(b);
    char err[256];
    REQUIRE(sl_kafka_broker_create_topic(b, "down", 1, 1, err, sizeof err) == SL_OK);
    rd_kafka_mock_broker_set_down(sl_kafka_broker_cluster(b), -1);
    logbuf lb = { { 0 }, 0 };
    const char *xs[] = { "message.timeout.ms=1000" };
    sl_kafka_pub *p = new_pub(sl_kafka_broker_bootstraps(b), "down", NULL, NULL,
                              SL_KAFKA_INVALID_REFUSE, &lb, xs, 1);
    REQUIRE(p);
    for (int i = 0; i < 25; i++)
        REQUIRE(send_str(p, "{\"x\":1}", (uint64_t)i) == SL_OK);
    uint64_t t0 = sl_now_ns();
    sl_kafka_pub_finish(p);
    CHECK(sl_now_ns() - t0 < 8000000000ull); /* bounded by message.timeout.ms */
    const sl_kafka_pub_stats *st = sl_kafka_pub_stats_get(p);
    CHECK_EQ_INT(st->sent, 25);
    CHECK_EQ_INT(st->delivered, 0);
    CHECK_EQ_INT(st->failed, 25);
    CHECK_EQ_INT(st->error_kinds, 1);
    CHECK_EQ_INT(st->errors[0].code, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT);
    CHECK_EQ_INT(st->errors[0].count, 25);
    CHECK_EQ_INT(st->errors[0].first_record, 0);
    CHECK(strstr(lb.text, "record 1 not delivered to down") != NULL);
    sl_kafka_pub_destroy(p);
    sl_kafka_broker_destroy(b);
}

static void test_invalid_and_too_large(void)
{
    sl_kafka_broker *b = start_broker(1);
    REQUIRE(b);
    char err[256];
    REQUIRE(sl_kafka_broker_create_topic(b, "inv", 1, 1, err, sizeof err) == SL_OK);
    REQUIRE(sl_kafka_broker_create_topic(b, "inv2", 1, 1, err, sizeof err) == SL_OK);
    const char *bs = sl_kafka_broker_bootstraps(b);

    /* refuse (default): not sent, counted, position named */
    logbuf lb = { { 0 }, 0 };
    const char *xs[] = { "message.max.bytes=1000" };
    sl_kafka_pub *p = new_pub(bs, "inv", "k", NULL, SL_KAFKA_INVALID_REFUSE, &lb, xs, 1);
    REQUIRE(p);
    CHECK_EQ_INT(send_str(p, "{\"k\":\"a\"}", 0), SL_OK);
    CHECK_EQ_INT(send_str(p, "{\"k\":\"b\",}", 1), SL_OK);
    CHECK_EQ_INT(send_str(p, "  \t", 2), SL_OK); /* blank */
    CHECK_EQ_INT(send_str(p, "{\"k\":7}", 3), SL_OK); /* not a string: null key */
    char big[1500];
    memset(big, 'x', sizeof big);
    memcpy(big, "{\"k\":\"", 6);
    memcpy(big + sizeof big - 3, "\"}", 3);
    CHECK_EQ_INT(send_str(p, big, 4), SL_OK);
    sl_kafka_pub_finish(p);
    const sl_kafka_pub_stats *st = sl_kafka_pub_stats_get(p);
    CHECK_EQ_INT(st->records, 4);
    CHECK_EQ_INT(st->blank, 1);
    CHECK_EQ_INT(st->invalid, 1);
    CHECK_EQ_INT(st->no_key, 1);
    CHECK_EQ_INT(st->sent, 2);
    CHECK_EQ_INT(st->delivered, 2);
    CHECK_EQ_INT(st->failed, 1);
    CHECK_EQ_INT(st->errors[0].code, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
    CHECK_EQ_INT(st->errors[0].first_record, 4);
    CHECK(strstr(lb.text, "test: line 2: invalid JSON, refused:") != NULL);
    CHECK(strstr(lb.text, "at line 2, column 10") != NULL);
    CHECK(strstr(lb.text, "test: line 5: not sent: 2990 bytes (value 1499 + key 1491) is over the producer's limit "
                          "message.max.bytes=1000; raise it with -X message.max.bytes=N") != NULL);
    CHECK_EQ_INT(sl_kafka_pub_max_message(p), 1000);
    if (t_failed_in_test)
        fprintf(stderr, "  messages:\n%s", lb.text);
    sl_kafka_pub_destroy(p);

    /* send: the invalid record goes out byte for byte, without a key */
    lb.len = 0;
    p = new_pub(bs, "inv2", "k", NULL, SL_KAFKA_INVALID_SEND, &lb, NULL, 0);
    REQUIRE(p);
    CHECK_EQ_INT(send_str(p, "{\"k\":\"b\", }", 0), SL_OK);
    CHECK_EQ_INT(send_str(p, "[1, 2]", 1), SL_OK);
    sl_kafka_pub_finish(p);
    st = sl_kafka_pub_stats_get(p);
    CHECK_EQ_INT(st->invalid, 1);
    CHECK_EQ_INT(st->delivered, 2);
    CHECK(strstr(lb.text, "invalid JSON, sent as it is") != NULL);
    msgs ms = { 0 };
    REQUIRE(consume_all(bs, "inv2", 1, &ms) == 0);
    REQUIRE(ms.n == 2);
    CHECK_EQ_STR(ms.m[0].value, "{\"k\":\"b\", }");
    CHECK(ms.m[0].key == NULL);
    CHECK_EQ_STR(ms.m[1].value, "[1,2]");
    msgs_free(&ms);
    sl_kafka_pub_destroy(p);
    sl_kafka_broker_destroy(b);
}

static void test_bounded_queue(void)
{
    sl_kafka_broker *b = start_broker(1);
    REQUIRE(b);
    char err[256];
    REQUIRE(sl_kafka_broker_create_topic(b, "q", 2, 1, err, sizeof err) == SL_OK);
    logbuf lb = { { 0 }, 0 };
    /* a tiny queue: publishing must wait for deliveries instead of failing */
    const char *xs[] = { "queue.buffering.max.messages=5", "linger.ms=1" };
    sl_kafka_pub *p = new_pub(sl_kafka_broker_bootstraps(b), "q", NULL, NULL,
                              SL_KAFKA_INVALID_REFUSE, &lb, xs, 2);
    REQUIRE(p);
    for (int i = 0; i < 200; i++)
        REQUIRE(send_str(p, "{\"a\":[1,2,3]}", (uint64_t)i) == SL_OK);
    sl_kafka_pub_finish(p);
    const sl_kafka_pub_stats *st = sl_kafka_pub_stats_get(p);
    CHECK_EQ_INT(st->sent, 200);
    CHECK_EQ_INT(st->delivered, 200);
    CHECK_EQ_INT(st->failed, 0);
    sl_kafka_pub_destroy(p);
    sl_kafka_broker_destroy(b);
}

static void test_stream_array_file(void)
{
    sl_kafka_broker *b = start_broker(1);
    REQUIRE(b);
    char err[256];
    REQUIRE(sl_kafka_broker_create_topic(b, "s", 1, 1, err, sizeof err) == SL_OK);
    char path[] = "/tmp/test_kafka_publish_XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    const char *text = "[\n  {\"a\": 1},\n  {\"b\": [true, \"x y\"]},\n  {\"c\": {}}\n]\n";
    REQUIRE(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    REQUIRE(lseek(fd, 0, SEEK_SET) == 0);
    logbuf lb = { { 0 }, 0 };
    sl_kafka_pub *p = new_pub(sl_kafka_broker_bootstraps(b), "s", NULL, NULL,
                              SL_KAFKA_INVALID_REFUSE, &lb, NULL, 0);
    REQUIRE(p);
    sl_json_stream *s = sl_json_stream_new(fd, path, SL_JSON_FMT_AUTO, 0);
    REQUIRE(s);
    CHECK_EQ_INT(sl_kafka_pub_stream(p, s, err, sizeof err), SL_OK);
    sl_kafka_pub_finish(p);
    const sl_kafka_pub_stats *st = sl_kafka_pub_stats_get(p);
    CHECK_EQ_INT(st->delivered, 3);
    CHECK_EQ_INT(st->input_bytes, strlen(text));
    msgs ms = { 0 };
    REQUIRE(consume_all(sl_kafka_broker_bootstraps(b), "s", 1, &ms) == 0);
    REQUIRE(ms.n == 3);
    CHECK_EQ_STR(ms.m[0].value, "{\"a\":1}");
    CHECK_EQ_STR(ms.m[1].value, "{\"b\":[true,\"x y\"]}");
    CHECK_EQ_STR(ms.m[2].value, "{\"c\":{}}");
    msgs_free(&ms);
    sl_json_stream_destroy(s);
    close(fd);
    unlink(path);
    sl_kafka_pub_destroy(p);
    sl_kafka_broker_destroy(b);
}

static void test_bad_options(void)
{
    sl_kafka_pub_opts o = { 0 };
    sl_kafka_pub *p = NULL;
    char err[512];
    o.topic = "t";
    CHECK_EQ_INT(sl_kafka_pub_new(&o, &p, err, sizeof err), SL_ERR_INVALID);
    o.brokers = "127.0.0.1:1";
    o.tenant = "Not Valid";
    CHECK_EQ_INT(sl_kafka_pub_new(&o, &p, err, sizeof err), SL_ERR_INVALID);
    CHECK(strstr(err, "tenant id 'Not Valid' is invalid") != NULL);
    o.tenant = NULL;
    const char *xs[] = { "compression.codec=brotli" };
    o.conf = xs;
    o.conf_count = 1;
    CHECK_EQ_INT(sl_kafka_pub_new(&o, &p, err, sizeof err), SL_ERR_INVALID);
    CHECK(strncmp(err, "-X compression.codec=brotli: ", 29) == 0);
    const char *ys[] = { "enable.idempotence=true", "acks=1" };
    o.conf = ys;
    o.conf_count = 2;
    CHECK_EQ_INT(sl_kafka_pub_new(&o, &p, err, sizeof err), SL_ERR_INVALID);
    CHECK(strstr(err, "acks") != NULL);
    CHECK(p == NULL);
}

int main(void)
{
    T_RUN(test_broker_basics);
    T_RUN(test_publish_keys_headers_order);
    T_RUN(test_retried_errors_exactly_once);
    T_RUN(test_undeliverable_counted);
    T_RUN(test_invalid_and_too_large);
    T_RUN(test_bounded_queue);
    T_RUN(test_stream_array_file);
    T_RUN(test_bad_options);
    return t_done();
}
