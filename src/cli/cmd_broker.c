/* cmd_broker.c: `sluice broker`: runs librdkafka's mock cluster until SIGINT/SIGTERM (or `quit`
 * on the --control channel) and prints its bootstrap servers on the first line of stdout. */
#include "cli/cli.h"
#include "kafka/broker.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

enum { MAX_TOPICS = 64 };

static void usage(FILE *f)
{
    fprintf(f,
            "usage: sluice broker [--brokers N] [--partitions N] [--topic T]... [--control]\n\n"
            "Runs an embedded Kafka-protocol cluster (librdkafka's mock cluster) on loopback\n"
            "ports, prints its bootstrap servers on the first line of stdout, and stays up\n"
            "until SIGINT or SIGTERM (exit 0).\n\n"
            "Options:\n"
            "  --brokers N      number of brokers, 1 to 16 (default 3)\n"
            "  --partitions N   partitions of each --topic (default 4)\n"
            "  -t, --topic T    create topic T (repeatable); other topics are created with 4\n"
            "                   partitions when a client first asks for them\n"
            "  --control        read fault-injection commands on stdin, one per line:\n"
            "%s"
            "  -h, --help       this help\n\n"
            "Limits: for demos and tests only. Everything is in memory; librdkafka 2.0.2 keeps\n"
            "about 5 MB per partition (older messages are dropped), so use enough partitions or\n"
            "land while publishing. Supports producers (idempotent too), consumers, consumer\n"
            "groups and offset commits; not the Admin API (CreateTopics): create topics here.\n"
            "Point -b at a real Kafka cluster for anything else.\n",
            sl_kafka_broker_cmd_help());
}

/* Handles complete lines in buf[0..*len): runs each command, answers on stdout, keeps a
 * partial last line. Returns 1 when `quit` was read. */
static int run_commands(sl_kafka_broker *b, char *buf, size_t *len)
{
    size_t start = 0;
    int quit = 0;
    for (;;) {
        char *nl = memchr(buf + start, '\n', *len - start);
        if (!nl)
            break;
        size_t n = (size_t)(nl - (buf + start));
        sl_kafka_broker_cmd cmd;
        char why[512];
        if (sl_kafka_broker_cmd_parse(buf + start, n, &cmd, why, sizeof why) != SL_OK ||
            sl_kafka_broker_cmd_exec(b, &cmd, why, sizeof why) != SL_OK)
            printf("error: %s\n", why);
        else if (cmd.kind == SL_BROKER_CMD_HELP)
            printf("%sok\n", sl_kafka_broker_cmd_help());
        else if (cmd.kind != SL_BROKER_CMD_NONE)
            printf("ok\n");
        fflush(stdout);
        start += n + 1;
        if (cmd.kind == SL_BROKER_CMD_QUIT) {
            quit = 1;
            break;
        }
    }
    memmove(buf, buf + start, *len - start);
    *len -= start;
    return quit;
}

SL_CMD(broker)
{
    static const struct option longopts[] = {
        { "brokers", required_argument, NULL, 'B' },
        { "partitions", required_argument, NULL, 'p' },
        { "topic", required_argument, NULL, 't' },
        { "control", no_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    long long brokers = 3, partitions = 4;
    const char *topics[MAX_TOPICS];
    size_t ntopics = 0;
    int control = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+t:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'B':
            if (sl_cli_parse_count(optarg, &brokers) || brokers < 1 || brokers > 16)
                return sl_cli_usage_error("broker", "--brokers: 1 to 16 expected, got '%s'", optarg);
            break;
        case 'p':
            if (sl_cli_parse_count(optarg, &partitions) || partitions < 1 || partitions > 100000)
                return sl_cli_usage_error("broker", "--partitions: 1 to 100000 expected, got '%s'",
                                          optarg);
            break;
        case 't':
            if (ntopics == MAX_TOPICS)
                return sl_cli_usage_error("broker", "at most %d --topic options", MAX_TOPICS);
            topics[ntopics++] = optarg;
            break;
        case 'c': control = 1; break;
        case 'h': usage(stdout); return 0;
        default: return sl_cli_bad_option("broker", argc, argv);
        }
    }
    if (optind < argc)
        return sl_cli_usage_error("broker", "unexpected argument '%s'", argv[optind]);

    /* Block the stop signals before librdkafka starts its threads (they inherit the
     * mask), then wait for them on a signalfd. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &stop, NULL) != 0) {
        sl_cli_error("broker", "sigprocmask: %s", strerror(errno));
        return 1;
    }
    int sfd = signalfd(-1, &stop, SFD_CLOEXEC);
    if (sfd < 0) {
        sl_cli_error("broker", "signalfd: %s", strerror(errno));
        return 1;
    }

    char why[512];
    int rc = 1;
    sl_kafka_broker *b = NULL;
    if (sl_kafka_broker_new((int)brokers, 1, &b, why, sizeof why) != SL_OK) {
        sl_cli_error("broker", "%s", why);
        goto done;
    }
    int replication = brokers < 3 ? (int)brokers : 3;
    for (size_t i = 0; i < ntopics; i++)
        if (sl_kafka_broker_create_topic(b, topics[i], (int)partitions, replication, why,
                                         sizeof why) != SL_OK) {
            sl_cli_error("broker", "%s", why);
            goto done;
        }
    printf("%s\n", sl_kafka_broker_bootstraps(b));
    if (fflush(stdout) != 0) {
        sl_cli_error("broker", "cannot write to stdout: %s", strerror(errno));
        goto done;
    }
    fprintf(stderr, "sluice broker: %lld broker(s) at %s%s\n", brokers, sl_kafka_broker_bootstraps(b),
            control ? "; reading commands on stdin" : "");

    char line[4096];
    size_t len = 0;
    for (;;) {
        struct pollfd fds[2] = { { sfd, POLLIN, 0 }, { 0, POLLIN, 0 } };
        int n = poll(fds, control ? 2 : 1, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            sl_cli_error("broker", "poll: %s", strerror(errno));
            goto done;
        }
        if (fds[0].revents & POLLIN)
            break;
        if (control && (fds[1].revents & (POLLIN | POLLHUP))) {
            ssize_t r = read(0, line + len, sizeof line - len);
            if (r < 0 && errno != EINTR && errno != EAGAIN) {
                sl_cli_error("broker", "reading stdin: %s", strerror(errno));
                control = 0;
            } else if (r == 0) {
                control = 0; /* stdin closed: keep serving until a signal */
            } else if (r > 0) {
                len += (size_t)r;
                if (run_commands(b, line, &len))
                    break;
                if (len == sizeof line) {
                    printf("error: command line over %zu bytes\n", sizeof line);
                    fflush(stdout);
                    len = 0;
                }
            }
        }
    }
    fprintf(stderr, "sluice broker: stopped\n");
    rc = 0;
done:
    sl_kafka_broker_destroy(b);
    close(sfd);
    return rc;
}
