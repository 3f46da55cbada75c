/* cmd_publish.c: `sluice publish`: a JSON array or NDJSON file into a Kafka topic, one compact
 * message per record (the work is in src/kafka/publish.c). */
#include "cli/cli.h"
#include "kafka/client.h"
#include "kafka/publish.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { MAX_X = 256 };

static void usage(FILE *f)
{
    fprintf(f,
            "usage: sluice publish -b BROKERS -t TOPIC [OPTIONS] [FILE|-]\n\n"
            "Sends the records of a JSON array file or an NDJSON file (default: stdin) to a\n"
            "Kafka topic, one message per record, in order. Each record is checked (strict\n"
            "JSON) and sent compact (whitespace outside strings removed, nothing else changed).\n"
            "The producer is idempotent, compresses with zstd, and holds at most about 16 MB of\n"
            "messages in memory whatever the input's size. Every delivery is checked: any\n"
            "message not acknowledged makes the exit status 1 and is counted by error.\n\n"
            "Options:\n"
            "  -b, --brokers LIST      bootstrap servers, host:port[,host:port...]\n"
            "  -t, --topic TOPIC       topic to publish to\n"
            "  -k, --key FIELD         key each message by the record's top-level string FIELD\n"
            "                          (so an attempt's messages share a partition); records\n"
            "                          without it are sent with a null key and counted\n"
            "      --tenant ID         add the header tenant=ID to every message\n"
            "                          (ID: 1 to 64 characters of a-z 0-9 _ -)\n"
            "  -X, --property KEY=VALUE  librdkafka setting, passed untouched (repeatable),\n"
            "                          e.g. -X message.max.bytes=4000000 -X acks=all\n"
            "      --create-topic N    create the topic with N partitions first (Admin API;\n"
            "                          an existing topic is fine; the embedded broker has no\n"
            "                          Admin API: use 'sluice broker --topic')\n"
            "      --format F          auto (default: '[' first means array), array, ndjson\n"
            "      --skip-invalid      skip records that are not valid JSON (reported, counted,\n"
            "                          exit 0)\n"
            "      --send-invalid      send records that are not valid JSON as they are (the\n"
            "                          lander quarantines them); reported and counted\n"
            "  -q, --quiet             no progress line and no summary\n"
            "  -h, --help              this help\n\n"
            "By default a record that is not valid JSON is refused: it is not sent, its\n"
            "position (record, line, column) and the reason are reported, the rest is\n"
            "published, and the exit status is 1. Blank NDJSON lines are skipped and counted.\n"
            "A record larger than message.max.bytes (default 1000000) is not sent; raise\n"
            "the limit with -X message.max.bytes=N (and on the broker, topic and consumers).\n\n"
            "Defaults (override with -X): enable.idempotence=true compression.codec=zstd\n"
            "linger.ms=50 batch.size=1000000 queue.buffering.max.kbytes=16384\n"
            "partitioner=murmur2_random (the Java client's choice of partition per key).\n\n"
            "Exit status: 0 every record delivered; 1 a failure (undelivered message, refused\n"
            "record, unreadable input); 2 usage error or a setting librdkafka rejects.\n"
            "Progress goes to stderr every 0.5 s on a terminal; the summary always (-q: not).\n");
}

typedef struct cli_state {
    int progress_shown;
    int show_progress;
    const char *topic;
    sigset_t stop;
} cli_state;

static void log_line(void *ctx, const char *line)
{
    cli_state *cs = ctx;
    if (cs->progress_shown) {
        fputs("\r\033[K", stderr);
        cs->progress_shown = 0;
    }
    fprintf(stderr, "sluice: publish: %s\n", line);
}

static double mb(uint64_t bytes) { return (double)bytes / 1e6; }
static double secs(uint64_t ns) { return (double)ns / 1e9; }

static void progress(void *ctx, const sl_kafka_pub_stats *st)
{
    cli_state *cs = ctx;
    if (!cs->show_progress)
        return;
    double s = secs(st->elapsed_ns);
    fprintf(stderr, "\r\033[K%" PRIu64 " messages, %.1f MB sent, %" PRIu64 " delivered, %.1f MB/s",
            st->sent, mb(st->sent_bytes), st->delivered, s > 0 ? mb(st->sent_bytes) / s : 0.0);
    if (st->failed)
        fprintf(stderr, ", %" PRIu64 " failed", st->failed);
    cs->progress_shown = 1;
}

/* Non-zero when SIGINT or SIGTERM arrived since the last call (they are blocked; we take them). */
static int should_stop(void *ctx)
{
    cli_state *cs = ctx;
    sigset_t pending;
    if (sigpending(&pending) != 0)
        return 0;
    if (!sigismember(&pending, SIGINT) && !sigismember(&pending, SIGTERM))
        return 0;
    struct timespec zero = { 0, 0 };
    while (sigtimedwait(&cs->stop, NULL, &zero) > 0) {
    }
    return 1;
}

static void summary(const cli_state *cs, const sl_kafka_pub_stats *st, const char *key_field,
                    sl_kafka_invalid policy)
{
    double s = secs(st->elapsed_ns);
    fprintf(stderr,
            "sluice: publish: %" PRIu64 " messages (%.1f MB) to %s in %.2f s, %.1f MB/s; %" PRIu64
            " delivered, %" PRIu64 " failed\n",
            st->sent, mb(st->sent_bytes), cs->topic, s, s > 0 ? mb(st->sent_bytes) / s : 0.0,
            st->delivered, st->failed);
    if (st->invalid)
        fprintf(stderr, "sluice: publish: %" PRIu64 " invalid JSON record(s) %s\n", st->invalid,
                policy == SL_KAFKA_INVALID_SEND   ? "sent as they are"
                : policy == SL_KAFKA_INVALID_SKIP ? "skipped"
                                                  : "refused (not sent)");
    if (key_field && st->no_key)
        fprintf(stderr,
                "sluice: publish: %" PRIu64 " record(s) without a string '%s' sent with a null key\n",
                st->no_key, key_field);
    if (st->blank)
        fprintf(stderr, "sluice: publish: %" PRIu64 " blank line(s) skipped\n", st->blank);
    for (size_t i = 0; i < st->error_kinds; i++)
        fprintf(stderr, "sluice: publish: failed: %" PRIu64 " x %s (%s), first record %" PRIu64 "\n",
                st->errors[i].count, rd_kafka_err2str(st->errors[i].code),
                rd_kafka_err2name(st->errors[i].code), st->errors[i].first_record + 1);
    if (st->other_errors)
        fprintf(stderr, "sluice: publish: failed: %" PRIu64 " x other errors\n", st->other_errors);
}

SL_CMD(publish)
{
    enum { O_TENANT = 256, O_CREATE, O_FORMAT, O_SKIP, O_SEND };
    static const struct option longopts[] = {
        { "brokers", required_argument, NULL, 'b' },
        { "topic", required_argument, NULL, 't' },
        { "key", required_argument, NULL, 'k' },
        { "tenant", required_argument, NULL, O_TENANT },
        { "property", required_argument, NULL, 'X' },
        { "create-topic", required_argument, NULL, O_CREATE },
        { "format", required_argument, NULL, O_FORMAT },
        { "skip-invalid", no_argument, NULL, O_SKIP },
        { "send-invalid", no_argument, NULL, O_SEND },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *xs[MAX_X];
    sl_kafka_pub_opts o = { 0 };
    cli_state cs = { 0 };
    long long create = 0;
    int quiet = 0, c;
    sl_json_format fmt = SL_JSON_FMT_AUTO;
    o.invalid = SL_KAFKA_INVALID_REFUSE;

    optind = 1;
    while ((c = getopt_long(argc, argv, "+b:t:k:X:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'b': o.brokers = optarg; break;
        case 't': o.topic = optarg; break;
        case 'k': o.key_field = optarg; break;
        case O_TENANT:
            if (!sl_kafka_tenant_valid(optarg, strlen(optarg)))
                return sl_cli_usage_error("publish",
                                          "--tenant '%s': 1 to 64 characters of a-z, 0-9, '_' and "
                                          "'-' expected", optarg);
            o.tenant = optarg;
            break;
        case 'X':
            if (o.conf_count == MAX_X)
                return sl_cli_usage_error("publish", "at most %d -X settings", MAX_X);
            xs[o.conf_count++] = optarg;
            break;
        case O_CREATE:
            if (sl_cli_parse_count(optarg, &create) || create < 1 || create > 100000)
                return sl_cli_usage_error("publish", "--create-topic: 1 to 100000 partitions "
                                          "expected, got '%s'", optarg);
            break;
        case O_FORMAT:
            if (strcmp(optarg, "auto") == 0)
                fmt = SL_JSON_FMT_AUTO;
            else if (strcmp(optarg, "array") == 0)
                fmt = SL_JSON_FMT_ARRAY;
            else if (strcmp(optarg, "ndjson") == 0)
                fmt = SL_JSON_FMT_NDJSON;
            else
                return sl_cli_usage_error("publish", "--format: auto, array or ndjson expected, "
                                          "got '%s'", optarg);
            break;
        case O_SKIP:
        case O_SEND: {
            sl_kafka_invalid want = c == O_SKIP ? SL_KAFKA_INVALID_SKIP : SL_KAFKA_INVALID_SEND;
            if (o.invalid != SL_KAFKA_INVALID_REFUSE && o.invalid != want)
                return sl_cli_usage_error("publish", "--skip-invalid and --send-invalid exclude "
                                          "each other");
            o.invalid = want;
            break;
        }
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return 0;
        default: return sl_cli_bad_option("publish", argc, argv);
        }
    }
    if (!o.brokers)
        return sl_cli_usage_error("publish", "-b BROKERS is required");
    if (!o.topic)
        return sl_cli_usage_error("publish", "-t TOPIC is required");
    if (argc - optind > 1)
        return sl_cli_usage_error("publish", "one input file expected, got '%s' and '%s'",
                                  argv[optind], argv[optind + 1]);
    const char *path = optind < argc ? argv[optind] : "-";
    o.conf = xs;
    o.source = strcmp(path, "-") == 0 ? "stdin" : path;
    o.log = log_line;
    o.progress = progress;
    o.should_stop = should_stop;
    o.ctx = &cs;
    cs.topic = o.topic;
    cs.show_progress = !quiet && sl_cli_stderr_is_tty();

    char why[1024];
    int rc = 1, fd = -1;
    sl_json_stream *s = NULL;
    sl_kafka_pub *p = NULL;
    sl_err e;
    if (strcmp(path, "-") == 0) {
        fd = 0;
    } else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        sl_cli_error("publish", "cannot open '%s': %s", path, strerror(errno));
        goto done;
    }
    /* SIGINT/SIGTERM stop reading and flush what was sent (a second one drops the rest).
     * They are blocked before librdkafka starts its threads and polled between records; not
     * when the input is a terminal, where a read can wait forever (Ctrl-D ends the input). */
    sigemptyset(&cs.stop);
    sigaddset(&cs.stop, SIGINT);
    sigaddset(&cs.stop, SIGTERM);
    if (!isatty(fd))
        sigprocmask(SIG_BLOCK, &cs.stop, NULL);
    e = sl_kafka_pub_new(&o, &p, why, sizeof why);
    if (e != SL_OK) {
        sl_cli_error("publish", "%s", why);
        rc = e == SL_ERR_INVALID ? 2 : 1;
        goto done;
    }
    if (create) {
        int created = 0;
        e = sl_kafka_pub_create_topic(p, (int)create, 5000, &created, why, sizeof why);
        if (e == SL_ERR_UNSUPPORTED) {
            sl_cli_error("publish", "--create-topic: %s; publishing anyway (the broker creates "
                         "the topic on first use if it allows that)", why);
        } else if (e != SL_OK) {
            sl_cli_error("publish", "%s", why);
            goto done;
        } else if (!quiet) {
            fprintf(stderr, "sluice: publish: topic %s %s\n", o.topic,
                    created ? "created" : "already exists");
        }
    }
    size_t mm = sl_kafka_pub_max_message(p);
    size_t max_record = mm > (32u << 20) ? mm * 2 : 0;
    s = sl_json_stream_new(fd, o.source, fmt, max_record);
    if (!s) {
        sl_cli_error("publish", "out of memory");
        goto done;
    }
    e = sl_kafka_pub_stream(p, s, why, sizeof why);
    int input_failed = e != SL_OK;
    if (input_failed)
        log_line(&cs, why);
    sl_kafka_pub_finish(p);
    const sl_kafka_pub_stats *st = sl_kafka_pub_stats_get(p);
    if (cs.progress_shown) {
        fputs("\r\033[K", stderr);
        cs.progress_shown = 0;
    }
    if (!quiet || st->failed || input_failed)
        summary(&cs, st, o.key_field, o.invalid);
    if (st->interrupted)
        log_line(&cs, "interrupted: the rest of the input was not published");
    rc = (input_failed || st->interrupted || st->failed || st->delivered != st->sent ||
          (st->invalid && o.invalid == SL_KAFKA_INVALID_REFUSE))
             ? 1
             : 0;
done:
    if (s)
        sl_json_stream_destroy(s);
    sl_kafka_pub_destroy(p);
    if (fd > 0 && close(fd) != 0 && rc == 0) {
        sl_cli_error("publish", "closing '%s': %s", path, strerror(errno));
        rc = 1;
    }
    return rc;
}
