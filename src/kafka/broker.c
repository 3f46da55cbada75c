/* broker.c: the embedded broker (librdkafka mock cluster) and its control commands (see broker.h). */
#include "kafka/broker.h"
#include "kafka/client.h"

#include <librdkafka/rdkafka_mock.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct sl_kafka_broker {
    rd_kafka_t *rk;              /* the handle the cluster lives on (a producer that sends nothing) */
    rd_kafka_mock_cluster_t *mc;
    int brokers;
};

sl_err sl_kafka_broker_new(int brokers, int quiet, sl_kafka_broker **out, char *errstr,
                           size_t errstr_size)
{
    char why[512];
    rd_kafka_conf_t *conf = NULL;
    sl_kafka_broker *b = NULL;
    sl_err e;

    *out = NULL;
    if (brokers < 1 || brokers > 16)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "broker count must be 1 to 16, got %d", brokers);
    b = calloc(1, sizeof *b);
    conf = rd_kafka_conf_new();
    if (!b || !conf) {
        e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory starting the broker");
        goto err;
    }
    b->brokers = brokers;
    if ((e = sl_kafka_conf_set(conf, "client.id", "sluice-broker", errstr, errstr_size)) != SL_OK)
        goto err;
    if (quiet && (e = sl_kafka_conf_set(conf, "log_level", "2", errstr, errstr_size)) != SL_OK)
        goto err;
    b->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof why);
    if (!b->rk) {
        e = sl_errf(SL_ERR_FATAL, errstr, errstr_size, "cannot create the broker's handle: %s", why);
        goto err;
    }
    conf = NULL; /* owned by rk now */
    b->mc = rd_kafka_mock_cluster_new(b->rk, brokers);
    if (!b->mc) {
        e = sl_errf(SL_ERR_FATAL, errstr, errstr_size,
                    "librdkafka could not start its mock cluster (no loopback listener?)");
        goto err;
    }
    *out = b;
    return SL_OK;
err:
    if (conf)
        rd_kafka_conf_destroy(conf);
    sl_kafka_broker_destroy(b);
    return e;
}

const char *sl_kafka_broker_bootstraps(const sl_kafka_broker *b)
{
    return rd_kafka_mock_cluster_bootstraps(b->mc);
}

struct rd_kafka_mock_cluster_s *sl_kafka_broker_cluster(sl_kafka_broker *b) { return b->mc; }

sl_err sl_kafka_broker_create_topic(sl_kafka_broker *b, const char *topic, int partitions,
                                    int replication, char *errstr, size_t errstr_size)
{
    size_t n = topic ? strlen(topic) : 0;
    if (n == 0 || n > 249)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "topic name must be 1 to 249 characters");
    for (size_t i = 0; i < n; i++) {
        char c = topic[i];
        if (!(isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-'))
            return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                           "topic '%s': only letters, digits, '.', '_' and '-' are allowed", topic);
    }
    if (partitions < 1 || partitions > 100000)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "topic '%s': partitions must be 1 to 100000, got %d", topic, partitions);
    if (replication < 1 || replication > b->brokers)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                       "topic '%s': replication must be 1 to %d (the broker count), got %d", topic,
                       b->brokers, replication);
    rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(b->mc, topic, partitions, replication);
    if (err && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "topic '%s': %s", topic,
                       rd_kafka_err2str(err));
    return SL_OK;
}

void sl_kafka_broker_destroy(sl_kafka_broker *b)
{
    if (!b)
        return;
    if (b->mc)
        rd_kafka_mock_cluster_destroy(b->mc);
    if (b->rk)
        rd_kafka_destroy(b->rk);
    free(b);
}

/* ---- control commands ---- */

enum { MAX_WORDS = 6, WORD_MAX = 256 };

/* Splits line into at most MAX_WORDS whitespace-separated words (copied, NUL-terminated).
 * Returns the word count, -1 when there are too many or one is too long, -2 on a control
 * character (NUL included). */
static int split_words(const char *line, size_t len, char words[MAX_WORDS][WORD_MAX])
{
    int n = 0;
    size_t i = 0;
    for (;;) {
        while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n'))
            i++;
        if (i >= len)
            return n;
        size_t start = i;
        while (i < len && !(line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n')) {
            if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
                return -2;
            i++;
        }
        if (n == MAX_WORDS || i - start >= WORD_MAX)
            return -1;
        memcpy(words[n], line + start, i - start);
        words[n][i - start] = 0;
        n++;
    }
}

/* Parses a decimal int in [lo, hi] (a leading '-' allowed). 0 on success. */
static int parse_int(const char *s, long lo, long hi, int *out)
{
    if (!isdigit((unsigned char)s[0]) && !(s[0] == '-' && isdigit((unsigned char)s[1])))
        return -1;
    errno = 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static const struct {
    const char *name;
    sl_kafka_broker_cmd_kind kind;
    int min_args, max_args; /* not counting the command word */
    const char *usage;
} cmd_table[] = {
    { "topic", SL_BROKER_CMD_TOPIC, 2, 3, "topic NAME PARTITIONS [REPLICATION]" },
    { "down", SL_BROKER_CMD_DOWN, 1, 1, "down BROKER" },
    { "up", SL_BROKER_CMD_UP, 1, 1, "up BROKER" },
    { "rtt", SL_BROKER_CMD_RTT, 2, 2, "rtt BROKER MS" },
    { "err", SL_BROKER_CMD_ERR, 3, 3, "err REQUEST COUNT ERROR" },
    { "clear", SL_BROKER_CMD_CLEAR, 1, 1, "clear REQUEST" },
    { "leader", SL_BROKER_CMD_LEADER, 3, 3, "leader TOPIC PARTITION BROKER" },
    { "coordinator", SL_BROKER_CMD_COORDINATOR, 3, 3, "coordinator group|transaction KEY BROKER" },
    { "help", SL_BROKER_CMD_HELP, 0, 0, "help" },
    { "quit", SL_BROKER_CMD_QUIT, 0, 0, "quit" },
};

sl_err sl_kafka_broker_cmd_parse(const char *line, size_t len, sl_kafka_broker_cmd *cmd,
                                 char *errstr, size_t errstr_size)
{
    char w[MAX_WORDS][WORD_MAX];
    memset(cmd, 0, sizeof *cmd);
    int n = split_words(line, len, w);
    if (n == -2)
        return sl_errf(SL_ERR_PARSE, errstr, errstr_size, "control character in the command");
    if (n < 0)
        return sl_errf(SL_ERR_PARSE, errstr, errstr_size,
                       "too many words or a word over %d bytes", WORD_MAX - 1);
    if (n == 0 || w[0][0] == '#') {
        cmd->kind = SL_BROKER_CMD_NONE;
        return SL_OK;
    }
    size_t t = 0, nt = sizeof cmd_table / sizeof cmd_table[0];
    while (t < nt && strcmp(cmd_table[t].name, w[0]) != 0)
        t++;
    if (t == nt)
        return sl_errf(SL_ERR_PARSE, errstr, errstr_size,
                       "unknown command '%s' (try 'help')", w[0]);
    int args = n - 1;
    if (args < cmd_table[t].min_args || args > cmd_table[t].max_args)
        return sl_errf(SL_ERR_PARSE, errstr, errstr_size, "usage: %s", cmd_table[t].usage);
    cmd->kind = cmd_table[t].kind;
    int v;
    switch (cmd->kind) {
    case SL_BROKER_CMD_TOPIC:
        strcpy(cmd->name, w[1]);
        if (parse_int(w[2], 1, 100000, &cmd->number))
            return sl_errf(SL_ERR_PARSE, errstr, errstr_size,
                           "topic: partitions must be 1 to 100000, got '%s'", w[2]);
        cmd->replication = 1;
        if (args == 3 && parse_int(w[3], 1, 16, &cmd->replication))
            return sl_errf(SL_ERR_PARSE, errstr, errstr_size,
                           "topic: replication must be 1 to 16, got '%s'", w[3]);
        break;
    case SL_BROKER_CMD_DOWN:
    case SL_BROKER_CMD_UP:
    case SL_BROKER_CMD_RTT:
        if (parse_int(w[1], -1, INT32_MAX, &v))
            return sl_errf(SL_ERR_PARSE, errstr, errstr_size,
                           "%s: broker id (or -1 for all) expected, got '%s'", w[0], w[1]);
        cmd->broker = v;
        if (cmd->kind == SL_BROKER_CMD_RTT && parse_int(w[2], 0, 3600000, &cmd->number))
            return sl_errf(SL_ERR_PARSE, errstr, errstr_size,
                           "rtt: milliseconds 0 to 3600000 expected, got '%s'", w[2]);
        break;
    case SL_BROKER_CMD_ERR:
    case SL_BROKER_CMD_CLEAR:
        if (sl_kafka_apikey_parse(w[1], &cmd->apikey))
            return sl_errf(SL_ERR_PARSE, errstr, errstr_size,
                           "%s: unknown request type '%s' (a name like Produce or an ApiKey number)",
                           w[0], w[1]);
        if (cmd->kind == SL_BROKER_CMD_ERR) {
            if (parse_int(w[2], 1, 100000, &cmd->number))
                return sl_errf(SL_ERR_PARSE, errstr, errstr_size,
                               "err: count 1 to 100000 expected, got '%s'", w[2]);
            if (sl_kafka_err_parse(w[3], &cmd->err))
                return sl_errf(SL_ERR_PARSE, errstr, errstr_size,
                               "err: unknown error '%s' (a name like NOT_LEADER_FOR_PARTITION or a "
                               "code)", w[3]);
        }
        break;
    case SL_BROKER_CMD_LEADER:
        strcpy(cmd->name, w[1]);
        if (parse_int(w[2], 0, INT32_MAX, &v))
            return sl_errf(SL_ERR_PARSE, errstr, errstr_size,
                           "leader: partition number expected, got '%s'", w[2]);
        cmd->partition = v;
        if (parse_int(w[3], -1, INT32_MAX, &v))
            return sl_errf(SL_ERR_PARSE, errstr, errstr_size,
                           "leader: broker id (or -1 for none) expected, got '%s'", w[3]);
        cmd->broker = v;
        break;
    case SL_BROKER_CMD_COORDINATOR:
        if (strcmp(w[1], "group") != 0 && strcmp(w[1], "transaction") != 0)
            return sl_errf(SL_ERR_PARSE, errstr, errstr_size,
                           "coordinator: 'group' or 'transaction' expected, got '%s'", w[1]);
        strcpy(cmd->key_type, w[1]);
        strcpy(cmd->name, w[2]);
        if (parse_int(w[3], 0, INT32_MAX, &v))
            return sl_errf(SL_ERR_PARSE, errstr, errstr_size,
                           "coordinator: broker id expected, got '%s'", w[3]);
        cmd->broker = v;
        break;
    default:
        break;
    }
    return SL_OK;
}

/* Broker ids the mock accepts: 1..brokers, or -1 (all) where allowed. */
static sl_err check_broker(const sl_kafka_broker *b, int32_t id, int allow_all, char *errstr,
                           size_t errstr_size)
{
    if ((allow_all && id == -1) || (id >= 1 && id <= b->brokers))
        return SL_OK;
    return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "no broker %d (brokers are 1 to %d%s)",
                   (int)id, b->brokers, allow_all ? ", or -1 for all" : "");
}

sl_err sl_kafka_broker_cmd_exec(sl_kafka_broker *b, const sl_kafka_broker_cmd *cmd, char *errstr,
                                size_t errstr_size)
{
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    sl_err e;
    switch (cmd->kind) {
    case SL_BROKER_CMD_TOPIC:
        return sl_kafka_broker_create_topic(b, cmd->name, cmd->number, cmd->replication, errstr,
                                            errstr_size);
    case SL_BROKER_CMD_DOWN:
    case SL_BROKER_CMD_UP:
    case SL_BROKER_CMD_RTT:
        if ((e = check_broker(b, cmd->broker, 1, errstr, errstr_size)) != SL_OK)
            return e;
        if (cmd->kind == SL_BROKER_CMD_DOWN)
            err = rd_kafka_mock_broker_set_down(b->mc, cmd->broker);
        else if (cmd->kind == SL_BROKER_CMD_UP)
            err = rd_kafka_mock_broker_set_up(b->mc, cmd->broker);
        else
            err = rd_kafka_mock_broker_set_rtt(b->mc, cmd->broker, cmd->number);
        break;
    case SL_BROKER_CMD_ERR: {
        rd_kafka_resp_err_t *errs = malloc((size_t)cmd->number * sizeof *errs);
        if (!errs)
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        for (int i = 0; i < cmd->number; i++)
            errs[i] = cmd->err;
        rd_kafka_mock_push_request_errors_array(b->mc, cmd->apikey, (size_t)cmd->number, errs);
        free(errs);
        break;
    }
    case SL_BROKER_CMD_CLEAR:
        rd_kafka_mock_clear_request_errors(b->mc, cmd->apikey);
        break;
    case SL_BROKER_CMD_LEADER:
        if ((e = check_broker(b, cmd->broker, 1, errstr, errstr_size)) != SL_OK)
            return e;
        err = rd_kafka_mock_partition_set_leader(b->mc, cmd->name, cmd->partition, cmd->broker);
        break;
    case SL_BROKER_CMD_COORDINATOR:
        if ((e = check_broker(b, cmd->broker, 0, errstr, errstr_size)) != SL_OK)
            return e;
        err = rd_kafka_mock_coordinator_set(b->mc, cmd->key_type, cmd->name, cmd->broker);
        break;
    default:
        break;
    }
    if (err)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s", rd_kafka_err2str(err));
    return SL_OK;
}

const char *sl_kafka_broker_cmd_help(void)
{
    return "  topic NAME PARTITIONS [REPLICATION]  create a topic\n"
           "  down BROKER | up BROKER              disconnect a broker / accept connections again\n"
           "                                       (BROKER is 1..N, or -1 for all)\n"
           "  rtt BROKER MS                        delay the broker's responses by MS\n"
           "  err REQUEST COUNT ERROR              fail the next COUNT requests of a type, e.g.\n"
           "                                       'err Produce 3 NOT_LEADER_FOR_PARTITION'\n"
           "  clear REQUEST                        drop pending injected errors of a type\n"
           "  leader TOPIC PARTITION BROKER        move a partition's leader (-1: leaderless)\n"
           "  coordinator group|transaction KEY BROKER\n"
           "                                       pin a consumer group's (or transaction's)\n"
           "                                       coordinator\n"
           "  help                                 this list\n"
           "  quit                                 stop the broker (exit 0)\n"
           "REQUEST: Produce, Fetch, ListOffsets, Metadata, OffsetCommit, OffsetFetch,\n"
           "FindCoordinator, JoinGroup, Heartbeat, LeaveGroup, SyncGroup, InitProducerId, ...\n"
           "or an ApiKey number. ERROR: a librdkafka error name (NOT_LEADER_FOR_PARTITION,\n"
           "REQUEST_TIMED_OUT, _TRANSPORT to drop the connection, ...) or its number.\n"
           "Each command answers one line on stdout: 'ok' or 'error: <why>'.\n";
}
