/*
 * client.h: small helpers every Kafka client of sluice shares (publish, land,
 * the embedded broker's control channel): applying kcat-style `-X key=value`
 * settings, validating tenant ids, and naming librdkafka error codes and Kafka
 * protocol request types.
 *
 * Nothing here allocates or keeps state; all functions are thread-safe.
 */
#ifndef SL_KAFKA_CLIENT_H
#define SL_KAFKA_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>

#include "common/common.h"

/* Applies n "key=value" strings to conf, in order (later ones win), exactly as
 * kcat's -X does: the value is passed to rd_kafka_conf_set untouched.
 * Returns SL_OK, or SL_ERR_INVALID on the first string that has no '=' or that
 * librdkafka rejects; errstr then holds librdkafka's message verbatim, prefixed by
 * the offending "-X key=value: ". conf is borrowed and may be partly modified on
 * failure (the caller destroys it). */
sl_err sl_kafka_conf_apply(rd_kafka_conf_t *conf, const char *const *kv, size_t n, char *errstr,
                           size_t errstr_size);

/* Sets one property, with the same error convention as sl_kafka_conf_apply
 * (errstr: "key=value: <librdkafka's text>"). */
sl_err sl_kafka_conf_set(rd_kafka_conf_t *conf, const char *key, const char *value, char *errstr,
                         size_t errstr_size);

/* 1 when id[0..len) is a valid tenant id: 1 to 64 bytes of [a-z0-9_-]; 0 otherwise. */
int sl_kafka_tenant_valid(const char *id, size_t len);

/* Parses a librdkafka error code given by name, with or without the
 * "RD_KAFKA_RESP_ERR_" prefix and in any case ("NOT_LEADER_FOR_PARTITION",
 * "_TRANSPORT", "request_timed_out"), or as a (possibly negative) decimal number
 * that librdkafka knows. Returns 0 and sets *out, or -1. */
int sl_kafka_err_parse(const char *s, rd_kafka_resp_err_t *out);

/* Parses a Kafka protocol request type (ApiKey) given by name, case-insensitive
 * ("Produce", "Fetch", "Metadata", "OffsetCommit", "JoinGroup", ...) or as a
 * decimal number 0..32767. Returns 0 and sets *out, or -1. */
int sl_kafka_apikey_parse(const char *s, int16_t *out);

/* The name of a request type for messages ("Produce"), or NULL if unknown. */
const char *sl_kafka_apikey_name(int16_t key);

#endif
