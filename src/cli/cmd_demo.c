/* cmd_demo.c: `sluice demo`: the whole pipeline in one process: an embedded broker, a publisher
 * thread sending generated attempts, the Kafka lander landing them into a fresh lake while
 * they are published, then the report's first business answers. */
#include "cli/cli.h"
#include "common/common.h"
#include "gen/gen.h"
#include "kafka/broker.h"
#include "kafka/kafka.h"
#include "kafka/publish.h"
#include "lake/land.h"
#include "sql/report.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CMD "demo"
#define TOPIC "assessment-attempts"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: sluice demo [--records N] [--lake DIR] [--partitions N] [--seed S]\n\n"
            "Runs the whole pipeline on this machine, in one process:\n"
            "  1. an embedded Kafka-protocol broker (3 brokers, librdkafka's mock cluster)\n"
            "     with a topic '%s';\n"
            "  2. N realistic assessment attempts (sluice gen) published to it, keyed by\n"
            "     user_exam_id, by an idempotent producer;\n"
            "  3. at the same time, a consumer-group member landing them exactly once as\n"
            "     Parquet tables (assessments, questions, options) in a new lake;\n"
            "  4. what was landed, and the report's first business answers.\n\n"
            "Options:\n"
            "  -n, --records N     attempts to generate (default 3280, like the original file)\n"
            "      --lake DIR      where to land; must not exist or be empty, because the\n"
            "                      demo's broker starts every partition at offset 0\n"
            "                      (default: a new folder /tmp/sluice-demo-XXXXXX)\n"
            "      --partitions N  partitions of the topic (default 2)\n"
            "  -s, --seed S        generator seed (default 1)\n"
            "  -h, --help          this help\n\n"
            "Afterwards, query the lake: sluice sql --lake DIR \"SELECT ...\" or sluice report.\n",
            TOPIC);
}

typedef struct pub_job {
    const char *bootstraps;
    uint64_t records, seed;
    atomic_int done;      /* set by the publisher thread when it has finished */
    atomic_int stop;      /* set by the main thread: stop publishing */
    int failed;           /* the publisher failed (message in errstr) */
    sl_kafka_pub_stats st;
    char errstr[512];
} pub_job;

static int job_should_stop(void *ctx)
{
    pub_job *j = ctx;
    return atomic_load(&j->stop);
}

static void job_log(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "sluice: demo: publish: %s\n", line);
}

/* The publisher thread: generates and publishes the records, then waits for every
 * delivery. */
static void *publish_thread(void *arg)
{
    pub_job *j = arg;
    sl_gen *g = sl_gen_new(j->seed, NULL);
    sl_kafka_pub *p = NULL;
    sl_buf rec = { 0 };
    sl_kafka_pub_opts o = { 0 };
    o.brokers = j->bootstraps;
    o.topic = TOPIC;
    o.key_field = "user_exam_id";
    o.client_id = "sluice-demo";
    o.source = "sluice gen";
    o.log = job_log;
    o.should_stop = job_should_stop;
    o.ctx = j;
    if (!g) {
        snprintf(j->errstr, sizeof j->errstr, "out of memory");
        j->failed = 1;
        goto done;
    }
    if (sl_kafka_pub_new(&o, &p, j->errstr, sizeof j->errstr) != SL_OK) {
        j->failed = 1;
        goto done;
    }
    for (uint64_t i = 0; i < j->records && !atomic_load(&j->stop); i++) {
        rec.len = 0;
        if (sl_gen_next(g, &rec) != SL_OK) {
            snprintf(j->errstr, sizeof j->errstr, "out of memory generating records");
            j->failed = 1;
            break;
        }
        sl_kafka_pub_pos pos = { "sluice gen", i, 0, 0, 0 };
        if (sl_kafka_pub_record(p, (const char *)rec.data, rec.len, &pos, j->errstr,
                                sizeof j->errstr) != SL_OK) {
            j->failed = 1;
            break;
        }
    }
    sl_kafka_pub_finish(p);
    j->st = *sl_kafka_pub_stats_get(p);
    if (j->st.failed && !j->failed) {
        snprintf(j->errstr, sizeof j->errstr, "%" PRIu64 " messages not delivered", j->st.failed);
        j->failed = 1;
    }
done:
    sl_kafka_pub_destroy(p);
    sl_gen_destroy(g);
    sl_buf_free(&rec);
    atomic_store(&j->done, 1);
    return NULL;
}

static int job_done(void *ctx)
{
    pub_job *j = ctx;
    return atomic_load(&j->done);
}

/* 0 when path does not exist or is an empty folder. */
static int usable_lake(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n ? -1 : 0;
}

SL_CMD(demo)
{
    static const struct option longopts[] = {
        { "records", required_argument, NULL, 'n' },
        { "lake", required_argument, NULL, 'l' },
        { "partitions", required_argument, NULL, 'p' },
        { "seed", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    long long records = 3280, partitions = 2, seed = 1;
    const char *lake = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+n:s:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (sl_cli_parse_count(optarg, &records) || records < 1)
                return sl_cli_usage_error(CMD, "--records: a positive number expected, got '%s'", optarg);
            break;
        case 'l': lake = optarg; break;
        case 'p':
            if (sl_cli_parse_count(optarg, &partitions) || partitions < 1 || partitions > 64)
                return sl_cli_usage_error(CMD, "--partitions: 1 to 64 expected, got '%s'", optarg);
            break;
        case 's':
            if (sl_cli_parse_count(optarg, &seed))
                return sl_cli_usage_error(CMD, "--seed: a whole number expected, got '%s'", optarg);
            break;
        case 'h': usage(stdout); return 0;
        default: return sl_cli_bad_option(CMD, argc, argv);
        }
    }
    if (optind < argc)
        return sl_cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    char tmpl[] = "/tmp/sluice-demo-XXXXXX";
    if (lake) {
        if (usable_lake(lake) != 0) {
            sl_cli_error(CMD, "--lake %s: must not exist or be empty (the demo's broker starts at "
                         "offset 0, so an old lake would say everything has landed already)", lake);
            return 2;
        }
    } else if (!(lake = mkdtemp(tmpl))) {
        sl_cli_error(CMD, "cannot create a folder for the lake: %s", strerror(errno));
        return 1;
    }

    /* Stop signals are taken by the lander's loop (it blocks them before any thread starts). */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigprocmask(SIG_BLOCK, &stop, NULL);

    char why[512];
    int rc = 1, started = 0;
    uint64_t t0 = sl_now_ns();
    sl_kafka_broker *b = NULL;
    pub_job job;
    memset(&job, 0, sizeof job);
    if (sl_kafka_broker_new(3, 1, &b, why, sizeof why) != SL_OK ||
        sl_kafka_broker_create_topic(b, TOPIC, (int)partitions, 3, why, sizeof why) != SL_OK) {
        sl_cli_error(CMD, "%s", why);
        goto done;
    }
    const char *bs = sl_kafka_broker_bootstraps(b);
    fprintf(stderr,
            "sluice demo: 1. embedded broker at %s, topic %s (%lld partitions)\n"
            "sluice demo: 2. publishing %lld generated attempts (seed %lld), keyed by user_exam_id\n"
            "sluice demo: 3. landing them meanwhile into %s\n",
            bs, TOPIC, partitions, records, seed, lake);

    job.bootstraps = bs;
    job.records = (uint64_t)records;
    job.seed = (uint64_t)seed;
    pthread_t th;
    if (pthread_create(&th, NULL, publish_thread, &job) != 0) {
        sl_cli_error(CMD, "cannot start the publisher thread");
        goto done;
    }
    started = 1;

    const char *topics[] = { TOPIC };
    const char *props[] = { "session.timeout.ms=6000" };
    sl_land_cli_opts lo;
    memset(&lo, 0, sizeof lo);
    lo.brokers = bs;
    lo.topics = topics;
    lo.ntopics = 1;
    lo.group = "sluice-demo";
    lo.kafka_props = props;
    lo.nkafka_props = 1;
    lo.lake = lake;
    lo.mapping = "assessments";
    lo.codec = SL_PQ_ZSTD;
    lo.dedupe_window = -1;
    sl_kafka_land_ctl ctl = { job_done, &job };
    int land_rc = sl_kafka_land_run(&lo, &ctl);

    atomic_store(&job.stop, 1); /* if the lander stopped early, so does the publisher */
    pthread_join(th, NULL);
    started = 0;
    double s = (double)(sl_now_ns() - t0) / 1e9;
    if (job.failed) {
        sl_cli_error(CMD, "publishing failed: %s", job.errstr);
        goto done;
    }
    fprintf(stderr, "sluice demo: published %" PRIu64 " messages (%.1f MB), %" PRIu64
            " delivered; everything took %.1f s\n",
            job.st.sent, (double)job.st.sent_bytes / 1e6, job.st.delivered, s);
    if (land_rc != 0) {
        sl_cli_error(CMD, "landing failed (see above); the lake is %s", lake);
        rc = land_rc;
        goto done;
    }
    fprintf(stderr, "sluice demo: 4. the first answers, from the lake's Parquet files:\n\n");
    fflush(stderr);
    if (sl_report_run(lake, NULL, stdout, why, sizeof why) != SL_OK) {
        sl_cli_error(CMD, "report: %s", why);
        goto done;
    }
    fflush(stdout);
    fprintf(stderr,
            "\nsluice demo: the lake is %s; try:\n"
            "  sluice sql --lake %s \"SELECT exam_name, count(*) FROM assessments GROUP BY 1 "
            "ORDER BY 2 DESC LIMIT 5\"\n"
            "  sluice report --lake %s --format html > report.html\n",
            lake, lake, lake);
    rc = 0;
done:
    if (started) {
        atomic_store(&job.stop, 1);
        pthread_join(th, NULL);
    }
    sl_kafka_broker_destroy(b);
    return rc;
}
