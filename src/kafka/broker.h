/*
 * broker.h: the embedded Kafka-protocol broker (librdkafka's mock cluster) and
 * its fault-injection control language.
 *
 * The mock cluster listens on loopback TCP ports chosen by the OS, speaks enough
 * of the Kafka protocol for producers (idempotent too), consumers, consumer
 * groups and offset commits, keeps everything in memory, and in librdkafka 2.0.2
 * keeps only about 5 MB per partition (older message sets are dropped). It has no
 * CreateTopics: topics are made with sl_kafka_broker_create_topic or are created
 * automatically (4 partitions) when a client asks for an unknown topic's metadata.
 * It is for demos and tests only (see docs/KAFKA.md).
 *
 * Control commands (one per line; sl_kafka_broker_cmd_parse + _exec):
 *   topic NAME PARTITIONS [REPLICATION]  create a topic
 *   down BROKER | up BROKER              disconnect a broker / accept again (-1: all)
 *   rtt BROKER MS                        add MS of round-trip delay (-1: all brokers)
 *   err REQUEST COUNT ERROR              fail the next COUNT requests of a type
 *                                        (e.g. "err Produce 3 NOT_LEADER_FOR_PARTITION")
 *   clear REQUEST                        forget pending injected errors of a type
 *   leader TOPIC PARTITION BROKER        move a partition's leader (-1: none)
 *   coordinator group|transaction KEY BROKER   pin a group's/transaction's coordinator
 *   help | quit
 * REQUEST is a protocol request name (Produce, Fetch, Metadata, OffsetCommit,
 * JoinGroup, ...) or its ApiKey number; ERROR a librdkafka error name
 * (NOT_LEADER_FOR_PARTITION, _TRANSPORT, ...) or number.
 */
#ifndef SL_KAFKA_BROKER_H
#define SL_KAFKA_BROKER_H

#include <stddef.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>

#include "common/common.h"

typedef struct sl_kafka_broker sl_kafka_broker;

/* Starts a mock cluster of `brokers` brokers (1..16; ids 1..brokers) on a private
 * librdkafka handle. quiet != 0 keeps librdkafka's own log lines (warnings) off
 * stderr. On success *out is owned by the caller (sl_kafka_broker_destroy).
 * Errors: SL_ERR_INVALID (broker count), SL_ERR_FATAL (librdkafka refused). */
sl_err sl_kafka_broker_new(int brokers, int quiet, sl_kafka_broker **out, char *errstr,
                           size_t errstr_size);

/* The bootstrap servers, "127.0.0.1:PORT,127.0.0.1:PORT,...". Owned by the broker,
 * valid until destroy. */
const char *sl_kafka_broker_bootstraps(const sl_kafka_broker *b);

/* Creates a topic with `partitions` partitions (1..100000) and `replication`
 * replicas (1..broker count). An existing topic is not an error (SL_OK, unchanged).
 * Errors: SL_ERR_INVALID with the reason. */
sl_err sl_kafka_broker_create_topic(sl_kafka_broker *b, const char *topic, int partitions,
                                    int replication, char *errstr, size_t errstr_size);

/* The mock cluster itself, for tests that call rdkafka_mock.h directly. Borrowed. */
struct rd_kafka_mock_cluster_s *sl_kafka_broker_cluster(sl_kafka_broker *b);

/* Stops the brokers (clients see disconnects) and frees everything. NULL is a no-op. */
void sl_kafka_broker_destroy(sl_kafka_broker *b);

/* ---- control commands ---- */
typedef enum sl_kafka_broker_cmd_kind {
    SL_BROKER_CMD_TOPIC = 1,
    SL_BROKER_CMD_DOWN,
    SL_BROKER_CMD_UP,
    SL_BROKER_CMD_RTT,
    SL_BROKER_CMD_ERR,
    SL_BROKER_CMD_CLEAR,
    SL_BROKER_CMD_LEADER,
    SL_BROKER_CMD_COORDINATOR,
    SL_BROKER_CMD_HELP,
    SL_BROKER_CMD_QUIT,
    SL_BROKER_CMD_NONE   /* an empty or comment (#) line: nothing to do */
} sl_kafka_broker_cmd_kind;

/* One parsed command. Only the members its kind uses are meaningful. */
typedef struct sl_kafka_broker_cmd {
    sl_kafka_broker_cmd_kind kind;
    int32_t broker;          /* down, up, rtt, leader, coordinator */
    int32_t partition;       /* leader */
    int number;              /* topic: partitions; rtt: ms; err: count */
    int replication;         /* topic */
    int16_t apikey;          /* err, clear */
    rd_kafka_resp_err_t err; /* err */
    char name[256];          /* topic name (topic, leader) or coordinator key */
    char key_type[16];       /* coordinator: "group" or "transaction" */
} sl_kafka_broker_cmd;

/* Parses one command line (len bytes, need not be NUL-terminated; a trailing
 * newline is allowed). Pure: touches no broker. Returns SL_OK with *cmd filled,
 * or SL_ERR_PARSE with errstr naming what is wrong ("down: broker id expected,
 * got 'x'"). */
sl_err sl_kafka_broker_cmd_parse(const char *line, size_t len, sl_kafka_broker_cmd *cmd,
                                 char *errstr, size_t errstr_size);

/* Carries out a parsed command on the cluster (HELP, QUIT and NONE do nothing).
 * Returns SL_OK or SL_ERR_INVALID with librdkafka's reason (e.g. unknown broker). */
sl_err sl_kafka_broker_cmd_exec(sl_kafka_broker *b, const sl_kafka_broker_cmd *cmd, char *errstr,
                                size_t errstr_size);

/* The control-language summary above, for --help and the `help` command. Static. */
const char *sl_kafka_broker_cmd_help(void);

#endif
