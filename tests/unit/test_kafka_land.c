/* test_kafka_land.c: the Kafka lander (land_kafka.c) in process, under the sanitizers: an
 * embedded broker, records published with the publisher, landed with sl_kafka_land_run, the
 * counters read back from --stats-json; a second run resumes from the lake; quarantined
 * messages reach the dead-letter topic. */
#include "json/json.h"
#include "kafka/broker.h"
#include "kafka/kafka.h"
#include "kafka/publish.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"

static const char *fixture = "tests/fixtures/assessment-attempts-SAMPLE-offsets0-4_3278-3279.jsonl";

/* Publishes every line of path (and `extra` lines) to topic; returns how many were delivered. */
static int publish_file(const char *bs, const char *topic, const char *path, const char **extra,
                        size_t nextra)
{
    sl_kafka_pub_opts o = { 0 };
    o.brokers = bs;
    o.topic = topic;
    o.key_field = "user_exam_id";
    o.invalid = SL_KAFKA_INVALID_SEND;
    sl_kafka_pub *p = NULL;
    char err[256];
    if (sl_kafka_pub_new(&o, &p, err, sizeof err) != SL_OK)
        return -1;
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    uint64_t i = 0;
    while (f && (n = getline(&line, &cap, f)) > 0) {
        sl_kafka_pub_pos pos = { path, i, i + 1, 0, 1 };
        sl_kafka_pub_record(p, line, (size_t)n, &pos, err, sizeof err);
        i++;
    }
    for (size_t k = 0; k < nextra; k++, i++) {
        sl_kafka_pub_pos pos = { "extra", i, 0, 0, 0 };
        sl_kafka_pub_record(p, extra[k], strlen(extra[k]), &pos, err, sizeof err);
    }
    free(line);
    if (f)
        fclose(f);
    sl_kafka_pub_finish(p);
    int delivered = (int)sl_kafka_pub_stats_get(p)->delivered;
    sl_kafka_pub_destroy(p);
    return delivered;
}

static int input_done(void *ctx)
{
    (void)ctx;
    return 1;
}

/* Reads an integer member of the JSON object in file path (-1 when missing). */
static long long stat_of(const char *path, const char *key)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    sl_json_parser *jp = sl_json_parser_new(NULL);
    sl_json_error je;
    long long v = -1;
    const sl_json_val *root = sl_json_parse(jp, buf, n, &je);
    const sl_json_val *x = root ? sl_json_obj_get(root, key, strlen(key)) : NULL;
    if (x && sl_json_get_type(x) == SL_JSON_INT)
        v = x->u.i;
    sl_json_parser_destroy(jp);
    return v;
}

/* Runs the lander over topic once (input complete from the start). */
static int land(const char *bs, const char *topic, const char *group, const char *lake,
                const char *stats, const char *dlt)
{
    const char *topics[] = { topic };
    const char *props[] = { "session.timeout.ms=6000" };
    sl_land_cli_opts o;
    memset(&o, 0, sizeof o);
    o.brokers = bs;
    o.topics = topics;
    o.ntopics = 1;
    o.group = group;
    o.kafka_props = props;
    o.nkafka_props = 1;
    o.lake = lake;
    o.mapping = "assessments";
    o.codec = SL_PQ_ZSTD;
    o.dedupe_window = -1;
    o.stats_json = stats;
    o.dead_letter_topic = dlt;
    o.quiet = 1;
    sl_kafka_land_ctl ctl = { input_done, NULL };
    return sl_kafka_land_run(&o, &ctl);
}

static void test_land_resume_dead_letter(void)
{
    char dir[] = "/tmp/test_kafka_land_XXXXXX";
    REQUIRE(mkdtemp(dir));
    char lake[300], stats[300];
    snprintf(lake, sizeof lake, "%s/lake", dir);
    snprintf(stats, sizeof stats, "%s/stats.json", dir);

    sl_kafka_broker *b = NULL;
    char err[256];
    REQUIRE(sl_kafka_broker_new(1, 1, &b, err, sizeof err) == SL_OK);
    const char *bs = sl_kafka_broker_bootstraps(b);
    REQUIRE(sl_kafka_broker_create_topic(b, "att", 2, 1, err, sizeof err) == SL_OK);
    REQUIRE(sl_kafka_broker_create_topic(b, "dlt", 1, 1, err, sizeof err) == SL_OK);
    const char *bad[] = { "not json", "{\"no_keen_id\":true}" };
    REQUIRE(publish_file(bs, "att", fixture, bad, 2) == 9);

    CHECK_EQ_INT(land(bs, "att", "g1", lake, stats, "dlt"), 0);
    CHECK_EQ_INT(stat_of(stats, "messages_read"), 9);
    CHECK_EQ_INT(stat_of(stats, "landed"), 9);
    CHECK_EQ_INT(stat_of(stats, "quarantined"), 2);
    CHECK_EQ_INT(stat_of(stats, "dead_letter_sent"), 2);
    CHECK_EQ_INT(stat_of(stats, "dead_letter_failed"), 0);
    CHECK_EQ_INT(stat_of(stats, "pending_messages"), 0);
    struct stat st;
    CHECK(stat(lake, &st) == 0 && S_ISDIR(st.st_mode));

    /* a new group (no Kafka offsets): the lake says everything landed */
    CHECK_EQ_INT(land(bs, "att", "g2", lake, stats, NULL), 0);
    CHECK_EQ_INT(stat_of(stats, "landed"), 0);

    /* more messages: only they land */
    REQUIRE(publish_file(bs, "att", fixture, NULL, 0) == 7);
    CHECK_EQ_INT(land(bs, "att", "g1", lake, stats, NULL), 0);
    CHECK_EQ_INT(stat_of(stats, "landed"), 7);
    CHECK_EQ_INT(stat_of(stats, "duplicates"), 7); /* same keen_ids as the first batch */

    sl_kafka_broker_destroy(b);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

static void test_land_bad_settings(void)
{
    const char *topics[] = { "t" };
    const char *props[] = { "no.such.property=1" };
    sl_land_cli_opts o;
    memset(&o, 0, sizeof o);
    o.brokers = "127.0.0.1:1";
    o.topics = topics;
    o.ntopics = 1;
    o.kafka_props = props;
    o.nkafka_props = 1;
    o.lake = "/tmp/test_kafka_land_never";
    o.mapping = "assessments";
    o.codec = SL_PQ_ZSTD;
    o.dedupe_window = -1;
    o.quiet = 1;
    o.once = 1;
    CHECK_EQ_INT(sl_kafka_land_main(&o), 2);
    o.nkafka_props = 0;
    o.mapping = "no-such-mapping";
    CHECK_EQ_INT(sl_kafka_land_main(&o), 1);
    rmdir("/tmp/test_kafka_land_never");
}

int main(void)
{
    T_RUN(test_land_resume_dead_letter);
    T_RUN(test_land_bad_settings);
    return t_done();
}
