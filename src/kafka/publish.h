/*
 * publish.h: sending JSON records to a Kafka topic, one message per record
 * (`sluice publish`, the demo's publisher).
 *
 * A publisher owns an idempotent librdkafka producer tuned for throughput
 * (zstd, large batches, a bounded in-memory queue so memory stays flat whatever
 * the input size). Each record is validated (strict JSON, see json.h), made
 * compact (whitespace outside strings removed; everything else byte for byte),
 * optionally keyed by a top-level string field and tagged with a `tenant`
 * header, then produced. Every delivery report is checked: a message that is
 * not acknowledged is counted as failed, by error.
 *
 * Invalid records (not JSON, or an empty NDJSON line) follow a policy:
 *   REFUSE (default): not sent; reported with their position; counted; the
 *                     caller should exit non-zero at the end;
 *   SKIP:             not sent; reported and counted; not a failure;
 *   SEND:             sent as they are (landing quarantines them); counted.
 * Blank lines of an NDJSON file (only whitespace) carry no data and are skipped
 * and counted under any policy.
 *
 * Thread safety: one thread per publisher.
 */
#ifndef SL_KAFKA_PUBLISH_H
#define SL_KAFKA_PUBLISH_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"
#include "json/json.h"

typedef enum sl_kafka_invalid {
    SL_KAFKA_INVALID_REFUSE = 0,
    SL_KAFKA_INVALID_SKIP,
    SL_KAFKA_INVALID_SEND
} sl_kafka_invalid;

/* How many distinct delivery errors the statistics keep apart. */
#define SL_KAFKA_PUB_ERR_KINDS 8

/* One kind of failure: librdkafka error code, how many messages, the first
 * record (0-based ordinal) that had it. */
typedef struct sl_kafka_pub_err {
    int code;              /* rd_kafka_resp_err_t */
    uint64_t count;
    uint64_t first_record;
} sl_kafka_pub_err;

typedef struct sl_kafka_pub_stats {
    uint64_t records;      /* records read (all of them, valid or not; blank lines excluded) */
    uint64_t sent;         /* messages handed to the producer */
    uint64_t sent_bytes;   /* value bytes of those messages (compact form) */
    uint64_t delivered;    /* acknowledged by the broker */
    uint64_t failed;       /* not delivered, whatever the reason (too large included) */
    uint64_t invalid;      /* records that are not valid JSON */
    uint64_t blank;        /* blank NDJSON lines skipped */
    uint64_t no_key;       /* with a key field set: records without it (sent with a null key) */
    uint64_t input_bytes;  /* bytes of input consumed */
    uint64_t elapsed_ns;   /* since sl_kafka_pub_new */
    sl_kafka_pub_err errors[SL_KAFKA_PUB_ERR_KINDS]; /* the first kinds seen */
    size_t error_kinds;
    uint64_t other_errors; /* failures of kinds beyond the table */
    int interrupted;       /* 1 when should_stop ended the input early */
} sl_kafka_pub_stats;

typedef struct sl_kafka_pub_opts {
    const char *brokers;        /* bootstrap.servers (required) */
    const char *topic;          /* required */
    const char *key_field;      /* top-level string field used as the message key; NULL: no key */
    const char *tenant;         /* value of a `tenant` header on every message; NULL: none.
                                   Must satisfy sl_kafka_tenant_valid */
    const char *const *conf;    /* "key=value" librdkafka settings applied after sluice's
                                   defaults (kcat's -X); may be NULL when conf_count is 0 */
    size_t conf_count;
    sl_kafka_invalid invalid;   /* policy for invalid records */
    const char *client_id;      /* NULL: "sluice-publish" */
    const char *source;         /* the input's name for messages (sl_kafka_pub_stream); NULL: "-" */
    /* Messages for the user (one line each, no newline): invalid records, too-large
     * records, the first failure of each kind, broker errors. NULL: silent. */
    void (*log)(void *ctx, const char *line);
    /* Called about every 0.5 s while publishing and flushing. NULL: none. */
    void (*progress)(void *ctx, const sl_kafka_pub_stats *st);
    /* Polled about every 0.1 s: returning non-zero stops reading input (what was
     * sent is still flushed). NULL: never. */
    int (*should_stop)(void *ctx);
    void *ctx;                  /* passed to the callbacks */
} sl_kafka_pub_opts;

typedef struct sl_kafka_pub sl_kafka_pub;

/* Creates a publisher (and its producer) from opts (copied; the strings are
 * copied too). Sluice's producer defaults, which -X settings override:
 *   enable.idempotence=true, compression.codec=zstd, linger.ms=50,
 *   batch.size=1000000, queue.buffering.max.kbytes=16384,
 *   partitioner=murmur2_random (same partition per key as Java clients).
 * Errors: SL_ERR_INVALID for a bad option or a setting librdkafka rejects (errstr
 * then holds librdkafka's text verbatim); SL_ERR_FATAL when the producer cannot
 * start. On success *out is owned by the caller (sl_kafka_pub_destroy). */
sl_err sl_kafka_pub_new(const sl_kafka_pub_opts *opts, sl_kafka_pub **out, char *errstr,
                        size_t errstr_size);

/* Creates the topic with `partitions` partitions through the Admin API
 * (CreateTopics), replication factor -1 (the broker's default), waiting up to
 * timeout_ms. An existing topic is SL_OK (*created = 0). SL_ERR_UNSUPPORTED when
 * the broker says it has no CreateTopics or does not answer in time (librdkafka's
 * mock cluster never answers): the topic may still be created on first use if the
 * broker allows that. Other errors (policy, authorization, bad partition count)
 * SL_ERR_FATAL. */
sl_err sl_kafka_pub_create_topic(sl_kafka_pub *p, int partitions, int timeout_ms, int *created,
                                 char *errstr, size_t errstr_size);

/* Where a record came from, for messages. */
typedef struct sl_kafka_pub_pos {
    const char *source;    /* file name ("-" or "stdin" for standard input) */
    uint64_t ordinal;      /* 0-based record number (messages say ordinal + 1) */
    uint64_t line;         /* 1-based line where the record starts; 0: unknown */
    uint64_t offset;       /* byte offset of the record in the input */
    int at_line_start;     /* 1 when the record starts at column 1 (NDJSON) */
} sl_kafka_pub_pos;

/* Publishes one record's bytes data[0..len) (borrowed for the call only).
 * Invalid and too-large records are handled and counted as described above and
 * are not errors here; their messages name pos (which may be NULL: no position).
 * Blocks (serving delivery reports) while the producer's queue is full.
 * Errors: SL_ERR_NOMEM; SL_ERR_FATAL when the producer hit a fatal error (errstr
 * says which): stop publishing. */
sl_err sl_kafka_pub_record(sl_kafka_pub *p, const char *data, size_t len,
                           const sl_kafka_pub_pos *pos, char *errstr, size_t errstr_size);

/* Publishes every record of a stream (json.h), in order, until its end,
 * opts.should_stop, or an error. A structural error of the input itself (a
 * broken array, an unreadable file) ends the stream: SL_ERR_PARSE / SL_ERR_IO /
 * SL_ERR_LIMIT with the stream's message; what was sent before is still
 * delivered by sl_kafka_pub_finish. */
sl_err sl_kafka_pub_stream(sl_kafka_pub *p, sl_json_stream *s, char *errstr, size_t errstr_size);

/* Waits until every message sent has been acknowledged or has failed (bounded
 * by message.timeout.ms), calling opts.progress. Then the statistics are final. */
void sl_kafka_pub_finish(sl_kafka_pub *p);

/* Current statistics (owned by the publisher; elapsed_ns is updated by the call). */
const sl_kafka_pub_stats *sl_kafka_pub_stats_get(sl_kafka_pub *p);

/* The producer's message.max.bytes (after -X), for messages. */
size_t sl_kafka_pub_max_message(const sl_kafka_pub *p);

/* Destroys the publisher. Messages still queued are purged (count as failed if
 * sl_kafka_pub_finish was not called). NULL is a no-op. */
void sl_kafka_pub_destroy(sl_kafka_pub *p);

/* ---- building blocks (exposed for tests and other modules) ---- */

/* Makes JSON text compact: removes the whitespace (space, tab, CR, LF) that is
 * outside strings; every other byte is kept. Meant for valid JSON; on any other
 * input it is memory-safe and simply strips whitespace outside what looks like
 * strings. When nothing needs removing, *res points at `in` itself (no copy);
 * otherwise the compact bytes are written to `scratch` (reset, reused) and *res
 * points into it. Returns the compact length. */
size_t sl_kafka_json_compact(const char *in, size_t len, sl_buf *scratch, const char **res);

#endif
