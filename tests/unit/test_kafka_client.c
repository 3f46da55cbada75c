/* test_kafka_client.c: the pure parts of the Kafka module: -X settings, tenant ids, error and
 * request names, the broker's control language, JSON compaction. */
#include "kafka/broker.h"
#include "kafka/client.h"
#include "kafka/publish.h"

#include "t.h"

static void test_tenant_ids(void)
{
    CHECK(sl_kafka_tenant_valid("acme", 4));
    CHECK(sl_kafka_tenant_valid("a", 1));
    CHECK(sl_kafka_tenant_valid("acme_co-2", 9));
    char max[65];
    memset(max, 'z', 64);
    max[64] = 0;
    CHECK(sl_kafka_tenant_valid(max, 64));
    char over[66];
    memset(over, 'z', 65);
    over[65] = 0;
    CHECK(!sl_kafka_tenant_valid(over, 65));
    CHECK(!sl_kafka_tenant_valid("", 0));
    CHECK(!sl_kafka_tenant_valid(NULL, 3));
    CHECK(!sl_kafka_tenant_valid("Acme", 4));
    CHECK(!sl_kafka_tenant_valid("a b", 3));
    CHECK(!sl_kafka_tenant_valid("a/b", 3));
    CHECK(!sl_kafka_tenant_valid("a.b", 3));
    CHECK(!sl_kafka_tenant_valid("caf\xc3\xa9", 5));
    /* length is what counts, not NUL termination */
    CHECK(sl_kafka_tenant_valid("ab!", 2));
}

static void test_conf_apply(void)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    REQUIRE(conf);
    char err[512];
    const char *good[] = { "linger.ms=7", "client.id=a=b" };
    CHECK_EQ_INT(sl_kafka_conf_apply(conf, good, 2, err, sizeof err), SL_OK);
    char v[64];
    size_t n = sizeof v;
    CHECK(rd_kafka_conf_get(conf, "linger.ms", v, &n) == RD_KAFKA_CONF_OK);
    CHECK_EQ_STR(v, "7");
    n = sizeof v;
    CHECK(rd_kafka_conf_get(conf, "client.id", v, &n) == RD_KAFKA_CONF_OK);
    CHECK_EQ_STR(v, "a=b"); /* only the first '=' splits */

    const char *unknown[] = { "no.such.prop=1" };
    CHECK_EQ_INT(sl_kafka_conf_apply(conf, unknown, 1, err, sizeof err), SL_ERR_INVALID);
    CHECK_EQ_STR(err, "-X no.such.prop=1: No such configuration property: \"no.such.prop\"");

    const char *badval[] = { "linger.ms=soon" };
    CHECK_EQ_INT(sl_kafka_conf_apply(conf, badval, 1, err, sizeof err), SL_ERR_INVALID);
    CHECK(strncmp(err, "-X linger.ms=soon: ", 19) == 0);
    CHECK(strstr(err, "linger.ms") != NULL);

    const char *noeq[] = { "acks" };
    CHECK_EQ_INT(sl_kafka_conf_apply(conf, noeq, 1, err, sizeof err), SL_ERR_INVALID);
    CHECK(strstr(err, "-X acks: expected key=value") == err);
    const char *noname[] = { "=5" };
    CHECK_EQ_INT(sl_kafka_conf_apply(conf, noname, 1, err, sizeof err), SL_ERR_INVALID);
    /* later settings win */
    const char *twice[] = { "linger.ms=1", "linger.ms=2" };
    CHECK_EQ_INT(sl_kafka_conf_apply(conf, twice, 2, err, sizeof err), SL_OK);
    n = sizeof v;
    rd_kafka_conf_get(conf, "linger.ms", v, &n);
    CHECK_EQ_STR(v, "2");
    rd_kafka_conf_destroy(conf);
}

static void test_error_and_request_names(void)
{
    rd_kafka_resp_err_t e = 0;
    CHECK_EQ_INT(sl_kafka_err_parse("NOT_LEADER_FOR_PARTITION", &e), 0);
    CHECK_EQ_INT(e, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);
    CHECK_EQ_INT(sl_kafka_err_parse("request_timed_out", &e), 0);
    CHECK_EQ_INT(e, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT);
    CHECK_EQ_INT(sl_kafka_err_parse("RD_KAFKA_RESP_ERR__TRANSPORT", &e), 0);
    CHECK_EQ_INT(e, RD_KAFKA_RESP_ERR__TRANSPORT);
    CHECK_EQ_INT(sl_kafka_err_parse("_TRANSPORT", &e), 0);
    CHECK_EQ_INT(e, -195);
    CHECK_EQ_INT(sl_kafka_err_parse("6", &e), 0);
    CHECK_EQ_INT(e, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);
    CHECK_EQ_INT(sl_kafka_err_parse("-195", &e), 0);
    CHECK_EQ_INT(e, RD_KAFKA_RESP_ERR__TRANSPORT);
    CHECK_EQ_INT(sl_kafka_err_parse("NOPE", &e), -1);
    CHECK_EQ_INT(sl_kafka_err_parse("99999", &e), -1);
    CHECK_EQ_INT(sl_kafka_err_parse("", &e), -1);
    CHECK_EQ_INT(sl_kafka_err_parse("6x", &e), -1);

    int16_t k = -1;
    CHECK_EQ_INT(sl_kafka_apikey_parse("Produce", &k), 0);
    CHECK_EQ_INT(k, 0);
    CHECK_EQ_INT(sl_kafka_apikey_parse("offsetcommit", &k), 0);
    CHECK_EQ_INT(k, 8);
    CHECK_EQ_INT(sl_kafka_apikey_parse("JoinGroup", &k), 0);
    CHECK_EQ_INT(k, 11);
    CHECK_EQ_INT(sl_kafka_apikey_parse("22", &k), 0);
    CHECK_EQ_INT(k, 22);
    CHECK_EQ_INT(sl_kafka_apikey_parse("40000", &k), -1);
    CHECK_EQ_INT(sl_kafka_apikey_parse("Producer", &k), -1);
    CHECK_EQ_STR(sl_kafka_apikey_name(1), "Fetch");
    CHECK(sl_kafka_apikey_name(999) == NULL);
}

/* Parses s (NUL-terminated) as a control command. */
static sl_err parse(const char *s, sl_kafka_broker_cmd *c, char *err, size_t n)
{
    return sl_kafka_broker_cmd_parse(s, strlen(s), c, err, n);
}

static void test_control_commands(void)
{
    sl_kafka_broker_cmd c;
    char err[256];
    CHECK_EQ_INT(parse("topic events 12 3\n", &c, err, sizeof err), SL_OK);
    CHECK_EQ_INT(c.kind, SL_BROKER_CMD_TOPIC);
    CHECK_EQ_STR(c.name, "events");
    CHECK_EQ_INT(c.number, 12);
    CHECK_EQ_INT(c.replication, 3);
    CHECK_EQ_INT(parse("topic t 2", &c, err, sizeof err), SL_OK);
    CHECK_EQ_INT(c.replication, 1);

    CHECK_EQ_INT(parse("  down   2  ", &c, err, sizeof err), SL_OK);
    CHECK_EQ_INT(c.kind, SL_BROKER_CMD_DOWN);
    CHECK_EQ_INT(c.broker, 2);
    CHECK_EQ_INT(parse("up -1\r\n", &c, err, sizeof err), SL_OK);
    CHECK_EQ_INT(c.kind, SL_BROKER_CMD_UP);
    CHECK_EQ_INT(c.broker, -1);
    CHECK_EQ_INT(parse("rtt 1 250", &c, err, sizeof err), SL_OK);
    CHECK_EQ_INT(c.number, 250);

    CHECK_EQ_INT(parse("err Produce 3 NOT_LEADER_FOR_PARTITION", &c, err, sizeof err), SL_OK);
    CHECK_EQ_INT(c.kind, SL_BROKER_CMD_ERR);
    CHECK_EQ_INT(c.apikey, 0);
    CHECK_EQ_INT(c.number, 3);
    CHECK_EQ_INT(c.err, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);
    CHECK_EQ_INT(parse("clear OffsetCommit", &c, err, sizeof err), SL_OK);
    CHECK_EQ_INT(c.apikey, 8);
    CHECK_EQ_INT(parse("leader t 3 -1", &c, err, sizeof err), SL_OK);
    CHECK_EQ_INT(c.partition, 3);
    CHECK_EQ_INT(c.broker, -1);
    CHECK_EQ_INT(parse("coordinator group landers 2", &c, err, sizeof err), SL_OK);
    CHECK_EQ_STR(c.key_type, "group");
    CHECK_EQ_STR(c.name, "landers");
    CHECK_EQ_INT(c.broker, 2);
    CHECK_EQ_INT(parse("", &c, err, sizeof err), SL_OK);
    CHECK_EQ_INT(c.kind, SL_BROKER_CMD_NONE);
    CHECK_EQ_INT(parse("# a comment", &c, err, sizeof err), SL_OK);
    CHECK_EQ_INT(c.kind, SL_BROKER_CMD_NONE);
    CHECK_EQ_INT(parse("quit", &c, err, sizeof err), SL_OK);
    CHECK_EQ_INT(c.kind, SL_BROKER_CMD_QUIT);

    /* errors name what is wrong */
    CHECK_EQ_INT(parse("dance", &c, err, sizeof err), SL_ERR_PARSE);
    CHECK_EQ_STR(err, "unknown command 'dance' (try 'help')");
    CHECK_EQ_INT(parse("down x", &c, err, sizeof err), SL_ERR_PARSE);
    CHECK_EQ_STR(err, "down: broker id (or -1 for all) expected, got 'x'");
    CHECK_EQ_INT(parse("down", &c, err, sizeof err), SL_ERR_PARSE);
    CHECK_EQ_STR(err, "usage: down BROKER");
    CHECK_EQ_INT(parse("err Produce 0 6", &c, err, sizeof err), SL_ERR_PARSE);
    CHECK_EQ_INT(parse("err Produce 2 WHATEVER", &c, err, sizeof err), SL_ERR_PARSE);
    CHECK(strstr(err, "unknown error 'WHATEVER'") != NULL);
    CHECK_EQ_INT(parse("err Nope 2 6", &c, err, sizeof err), SL_ERR_PARSE);
    CHECK_EQ_INT(parse("topic t 0", &c, err, sizeof err), SL_ERR_PARSE);
    CHECK_EQ_INT(parse("coordinator consumer g 1", &c, err, sizeof err), SL_ERR_PARSE);
    CHECK_EQ_INT(parse("down 99999999999", &c, err, sizeof err), SL_ERR_PARSE);
    CHECK_EQ_INT(parse("a b c d e f g", &c, err, sizeof err), SL_ERR_PARSE);
    char longw[600];
    memset(longw, 'x', sizeof longw - 1);
    longw[sizeof longw - 1] = 0;
    memcpy(longw, "topic ", 6);
    CHECK_EQ_INT(parse(longw, &c, err, sizeof err), SL_ERR_PARSE);
    CHECK_EQ_INT(sl_kafka_broker_cmd_parse("topic \0x 1", 10, &c, err, sizeof err), SL_ERR_PARSE);
    CHECK_EQ_STR(err, "control character in the command");
    /* not NUL-terminated input: only len bytes are read */
    CHECK_EQ_INT(sl_kafka_broker_cmd_parse("up 3garbage", 4, &c, err, sizeof err), SL_OK);
    CHECK_EQ_INT(c.broker, 3);
}

/* Compacts s and returns a NUL-terminated copy in a static buffer. */
static const char *compact(const char *s, int *copied)
{
    static char out[4096];
    sl_buf scratch = { 0 };
    const char *res;
    size_t n = sl_kafka_json_compact(s, strlen(s), &scratch, &res);
    *copied = res != s;
    memcpy(out, res, n);
    out[n] = 0;
    sl_buf_free(&scratch);
    return out;
}

static void test_compact(void)
{
    int copied;
    CHECK_EQ_STR(compact("{\"a\":1,\"b\":[true,null]}", &copied), "{\"a\":1,\"b\":[true,null]}");
    CHECK_EQ_INT(copied, 0); /* already compact: no copy */
    CHECK_EQ_STR(compact("{\"name\":\"Learning Git \\t x\"}", &copied),
                 "{\"name\":\"Learning Git \\t x\"}");
    CHECK_EQ_INT(copied, 0); /* spaces inside strings are data */
    CHECK_EQ_STR(compact(" {\n  \"a\" : [ 1 ,\t2 ],\r\n  \"b c\": \"d e\" }\n", &copied),
                 "{\"a\":[1,2],\"b c\":\"d e\"}");
    CHECK_EQ_INT(copied, 1);
    /* escaped quotes and backslashes do not end a string */
    CHECK_EQ_STR(compact("[\"a\\\" b\", \"c\\\\\", \"d \\\\\\\" e\" ]", &copied),
                 "[\"a\\\" b\",\"c\\\\\",\"d \\\\\\\" e\"]");
    /* long strings cross the 8-byte scan blocks */
    CHECK_EQ_STR(compact("{ \"k\" : \"0123456789 abcdefghij \\\"klmnop\\\" qrstuvwxyz\" , \"x\" : 1 }",
                         &copied),
                 "{\"k\":\"0123456789 abcdefghij \\\"klmnop\\\" qrstuvwxyz\",\"x\":1}");
    /* garbage is handled safely: an unterminated string keeps the rest */
    CHECK_EQ_STR(compact("[ \"abc  def", &copied), "[\"abc  def");
    CHECK_EQ_STR(compact("\"abc\\", &copied), "\"abc\\");
    CHECK_EQ_STR(compact("   ", &copied), "");
    CHECK_EQ_STR(compact("", &copied), "");
    CHECK_EQ_INT(copied, 0);
    /* UTF-8 passes through */
    CHECK_EQ_STR(compact("{ \"n\": \"caf\xc3\xa9 \xe2\x82\xac\" }", &copied),
                 "{\"n\":\"caf\xc3\xa9 \xe2\x82\xac\"}");
}

int main(void)
{
    T_RUN(test_tenant_ids);
    T_RUN(test_conf_apply);
    T_RUN(test_error_and_request_names);
    T_RUN(test_control_commands);
    T_RUN(test_compact);
    return t_done();
}
