/* test_json_stream.c: record streams (NDJSON and JSON arrays) over files and pipes. */
#include "json/json.h"
#include "t.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIXTURE_JSON "tests/fixtures/assessment-attempts-SAMPLE-offsets0-4_3278-3279.json"
#define FIXTURE_JSONL "tests/fixtures/assessment-attempts-SAMPLE-offsets0-4_3278-3279.jsonl"

/* A file descriptor holding data (a memfd, so reads behave like a file). */
static int mem_fd(const void *data, size_t len)
{
    int fd = memfd_create("test_json_stream", 0);
    if (fd < 0)
        return -1;
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w <= 0) {
            close(fd);
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

typedef struct got {
    int n;             /* records */
    char rec[16][64];  /* their bytes (NUL-terminated, truncated) */
    size_t len[16];
    uint64_t ord[16], off[16], line[16];
    sl_err end;        /* the code that ended the loop */
    char err[256];
    uint64_t bytes;
    sl_json_format fmt;
} got;

/* Streams data with the given read size (0: default) and collects up to 16
 * records, stopping at the first non-OK result. */
static void run(const char *data, size_t len, sl_json_format fmt, size_t read_size, size_t max_record, got *g)
{
    memset(g, 0, sizeof *g);
    int fd = mem_fd(data, len);
    if (fd < 0) {
        g->end = SL_ERR_IO;
        return;
    }
    sl_json_stream *s = sl_json_stream_new(fd, "in.json", fmt, max_record);
    if (!s) {
        close(fd);
        g->end = SL_ERR_NOMEM;
        return;
    }
    if (read_size)
        sl_json_stream_set_read_size(s, read_size);
    for (;;) {
        sl_json_record r;
        sl_err e = sl_json_stream_next(s, &r, g->err, sizeof g->err);
        if (e != SL_OK) {
            g->end = e;
            break;
        }
        if (g->n < 16) {
            size_t k = r.len < 63 ? r.len : 63;
            memcpy(g->rec[g->n], r.data, k);
            g->rec[g->n][k] = 0;
            g->len[g->n] = r.len;
            g->ord[g->n] = r.ordinal;
            g->off[g->n] = r.offset;
            g->line[g->n] = r.line;
        }
        g->n++;
    }
    g->bytes = sl_json_stream_bytes(s);
    g->fmt = sl_json_stream_format(s);
    sl_json_stream_destroy(s);
    close(fd);
}

static const size_t read_sizes[] = {1, 2, 3, 5, 7, 8, 13, 64, 0};
#define NSIZES (sizeof read_sizes / sizeof read_sizes[0])

static void test_ndjson_basic(void)
{
    const char *in = "a\nb\r\n\n{\"x\":1}";
    for (size_t k = 0; k < NSIZES; k++) {
        got g;
        run(in, strlen(in), SL_JSON_FMT_AUTO, read_sizes[k], 0, &g);
        CHECK_EQ_INT(g.end, SL_ERR_NOTFOUND);
        CHECK_EQ_INT(g.fmt, SL_JSON_FMT_NDJSON);
        REQUIRE(g.n == 4);
        CHECK_EQ_STR(g.rec[0], "a");
        CHECK_EQ_STR(g.rec[1], "b");
        CHECK_EQ_STR(g.rec[2], "");
        CHECK_EQ_INT(g.len[2], 0);
        CHECK_EQ_STR(g.rec[3], "{\"x\":1}"); /* last line without '\n' */
        CHECK_EQ_INT(g.off[0], 0);
        CHECK_EQ_INT(g.off[1], 2);
        CHECK_EQ_INT(g.off[2], 5);
        CHECK_EQ_INT(g.off[3], 6);
        for (int i = 0; i < 4; i++) {
            CHECK_EQ_INT(g.ord[i], i);
            CHECK_EQ_INT(g.line[i], i + 1);
        }
        CHECK_EQ_INT(g.bytes, strlen(in));
    }
    /* a file ending in '\n' has no empty record at the end; "\r\r\n" loses one '\r' */
    got g;
    run("a\r\r\nb\n", 6, SL_JSON_FMT_NDJSON, 2, 0, &g);
    CHECK_EQ_INT(g.n, 2);
    CHECK_EQ_STR(g.rec[0], "a\r");
    CHECK_EQ_STR(g.rec[1], "b");
    /* empty input: no records; one newline: one empty record */
    run("", 0, SL_JSON_FMT_AUTO, 0, 0, &g);
    CHECK_EQ_INT(g.n, 0);
    CHECK_EQ_INT(g.end, SL_ERR_NOTFOUND);
    CHECK_EQ_INT(g.fmt, SL_JSON_FMT_NDJSON);
    run("\n", 1, SL_JSON_FMT_AUTO, 0, 0, &g);
    CHECK_EQ_INT(g.n, 1);
    CHECK_EQ_INT(g.len[0], 0);
    /* a lone '\r' line is an empty record too */
    run("\r\n{}\n", 5, SL_JSON_FMT_AUTO, 1, 0, &g);
    CHECK_EQ_INT(g.n, 2);
    CHECK_EQ_INT(g.len[0], 0);
    CHECK_EQ_STR(g.rec[1], "{}");
    CHECK_EQ_INT(g.line[1], 2);
}

static void test_ndjson_unicode_lines(void)
{
    /* U+2028, U+2029 and U+0085 are content, not line breaks; so is a lone '\r' */
    const char *in = "{\"s\":\"a\xE2\x80\xA8" "b\xC2\x85" "c\xE2\x80\xA9\"}\n{\"t\":\"x\ry\"}\n";
    for (size_t k = 0; k < NSIZES; k++) {
        got g;
        run(in, strlen(in), SL_JSON_FMT_AUTO, read_sizes[k], 0, &g);
        REQUIRE(g.n == 2);
        CHECK_EQ_STR(g.rec[0], "{\"s\":\"a\xE2\x80\xA8" "b\xC2\x85" "c\xE2\x80\xA9\"}");
        CHECK_EQ_STR(g.rec[1], "{\"t\":\"x\ry\"}");
        CHECK_EQ_INT(g.line[1], 2);
    }
}

static void test_bom(void)
{
    got g;
    run("\xEF\xBB\xBF{\"a\":1}\n{}\n", 14, SL_JSON_FMT_AUTO, 1, 0, &g);
    CHECK_EQ_INT(g.fmt, SL_JSON_FMT_NDJSON);
    REQUIRE(g.n == 2);
    CHECK_EQ_STR(g.rec[0], "{\"a\":1}");
    CHECK_EQ_INT(g.off[0], 3);
    CHECK_EQ_INT(g.off[1], 11);
    run("\xEF\xBB\xBF \n [1,2]", 11, SL_JSON_FMT_AUTO, 2, 0, &g);
    CHECK_EQ_INT(g.fmt, SL_JSON_FMT_ARRAY);
    REQUIRE(g.n == 2);
    CHECK_EQ_STR(g.rec[0], "1");
    CHECK_EQ_INT(g.off[0], 7);
    CHECK_EQ_INT(g.line[0], 2);
    CHECK_EQ_INT(g.end, SL_ERR_NOTFOUND);
    /* a file that is only a BOM */
    run("\xEF\xBB\xBF", 3, SL_JSON_FMT_AUTO, 0, 0, &g);
    CHECK_EQ_INT(g.n, 0);
    CHECK_EQ_INT(g.end, SL_ERR_NOTFOUND);
}

static void test_array_basic(void)
{
    const char *in = " [ {\"a\":[1,2]} ,\n \"x,]\\\"{\" , 3 ,{\"b\":{\"c\":\"]\"}},\t[ ]\n]\n";
    for (size_t k = 0; k < NSIZES; k++) {
        got g;
        run(in, strlen(in), SL_JSON_FMT_AUTO, read_sizes[k], 0, &g);
        if (g.end != SL_ERR_NOTFOUND)
            fprintf(stderr, "  read size %zu: %s\n", read_sizes[k], g.err);
        CHECK_EQ_INT(g.end, SL_ERR_NOTFOUND);
        CHECK_EQ_INT(g.fmt, SL_JSON_FMT_ARRAY);
        REQUIRE(g.n == 5);
        CHECK_EQ_STR(g.rec[0], "{\"a\":[1,2]}");
        CHECK_EQ_STR(g.rec[1], "\"x,]\\\"{\"");
        CHECK_EQ_STR(g.rec[2], "3");
        CHECK_EQ_STR(g.rec[3], "{\"b\":{\"c\":\"]\"}}");
        CHECK_EQ_STR(g.rec[4], "[ ]");
        CHECK_EQ_INT(g.off[0], 3);
        CHECK_EQ_INT(g.off[1], 18);
        CHECK_EQ_INT(g.line[0], 1);
        CHECK_EQ_INT(g.line[1], 2);
        CHECK_EQ_INT(g.line[4], 2);
        for (int i = 0; i < 5; i++)
            CHECK_EQ_INT(g.ord[i], i);
        CHECK_EQ_INT(g.bytes, strlen(in));
    }
    /* empty arrays */
    got g;
    run("[]", 2, SL_JSON_FMT_AUTO, 0, 0, &g);
    CHECK_EQ_INT(g.n, 0);
    CHECK_EQ_INT(g.end, SL_ERR_NOTFOUND);
    CHECK_EQ_INT(g.fmt, SL_JSON_FMT_ARRAY);
    run("\n[ \n\t]\n\n", 8, SL_JSON_FMT_AUTO, 1, 0, &g);
    CHECK_EQ_INT(g.n, 0);
    CHECK_EQ_INT(g.end, SL_ERR_NOTFOUND);
    /* a forced NDJSON stream takes an array line as one record */
    run("[1,2]\n", 6, SL_JSON_FMT_NDJSON, 0, 0, &g);
    CHECK_EQ_INT(g.n, 1);
    CHECK_EQ_STR(g.rec[0], "[1,2]");
}

typedef struct bad_stream {
    const char *in;
    sl_json_format fmt;
    int records;     /* good records before the error */
    const char *err; /* expected errstr */
} bad_stream;

static const bad_stream bad_streams[] = {
    {"[1,2", SL_JSON_FMT_AUTO, 1, "in.json: line 1, column 5: unexpected end of input: missing ']'"},
    {"[1,2,", SL_JSON_FMT_AUTO, 2, "in.json: line 1, column 6: unexpected end of input: missing ']'"},
    {"[", SL_JSON_FMT_AUTO, 0, "in.json: line 1, column 2: unexpected end of input: missing ']'"},
    {"[\"ab", SL_JSON_FMT_AUTO, 0, "in.json: line 1, column 5: unexpected end of input in a string: missing ']'"},
    {"[1 2]", SL_JSON_FMT_AUTO, 0, "in.json: line 1, column 4: missing ',' between array elements"},
    {"[{\"a\":1}\n{\"b\":2}]", SL_JSON_FMT_AUTO, 0, "in.json: line 2, column 1: missing ',' between array elements"},
    {"[\"a\"\"b\"]", SL_JSON_FMT_AUTO, 0, "in.json: line 1, column 5: missing ',' between array elements"},
    {"[1,2] x", SL_JSON_FMT_AUTO, 2, "in.json: line 1, column 7: trailing data after ']'"},
    {"[1]\n[2]", SL_JSON_FMT_AUTO, 1, "in.json: line 2, column 1: trailing data after ']'"},
    {"[1,]", SL_JSON_FMT_AUTO, 1, "in.json: line 1, column 4: expected a value after ',' (trailing comma)"},
    {"[,1]", SL_JSON_FMT_AUTO, 0, "in.json: line 1, column 2: expected a value before ','"},
    {"[1,,2]", SL_JSON_FMT_AUTO, 1, "in.json: line 1, column 4: expected a value before ','"},
    {"[1}", SL_JSON_FMT_AUTO, 0, "in.json: line 1, column 3: unexpected '}' in the array"},
    {"{\"a\":1}", SL_JSON_FMT_ARRAY, 0, "in.json: line 1, column 1: expected '[' at the start of a JSON array"},
    {"  ", SL_JSON_FMT_ARRAY, 0, "in.json: line 1, column 3: unexpected end of input: expected '['"},
};

static void test_array_errors(void)
{
    for (size_t i = 0; i < sizeof bad_streams / sizeof bad_streams[0]; i++) {
        const bad_stream *b = &bad_streams[i];
        for (size_t k = 0; k < NSIZES; k++) {
            got g;
            run(b->in, strlen(b->in), b->fmt, read_sizes[k], 0, &g);
            if (g.end != SL_ERR_PARSE || g.n != b->records || strcmp(g.err, b->err) != 0) {
                fprintf(stderr, "  case %zu (%s) read size %zu: end %d, %d records, '%s'\n", i, b->in,
                        read_sizes[k], g.end, g.n, g.err);
                CHECK(!"stream error");
                break;
            }
        }
    }
    /* errors are final: the next call says the same */
    int fd = mem_fd("[1 2]", 5);
    REQUIRE(fd >= 0);
    sl_json_stream *s = sl_json_stream_new(fd, "x", SL_JSON_FMT_AUTO, 0);
    REQUIRE(s);
    sl_json_record r;
    char e1[128], e2[128];
    CHECK_EQ_INT(sl_json_stream_next(s, &r, e1, sizeof e1), SL_ERR_PARSE);
    CHECK_EQ_INT(sl_json_stream_next(s, &r, e2, sizeof e2), SL_ERR_PARSE);
    CHECK_EQ_STR(e1, e2);
    sl_json_stream_destroy(s);
    close(fd);
}

static void test_max_record(void)
{
    char in[256];
    char big[101];
    memset(big, 'x', 100);
    big[100] = 0;
    /* NDJSON: the long line is reported (limit named) and skipped; the stream goes on */
    snprintf(in, sizeof in, "short\n%s\nok\n%s", big, big);
    for (size_t k = 0; k < NSIZES; k++) {
        int fd = mem_fd(in, strlen(in));
        REQUIRE(fd >= 0);
        sl_json_stream *s = sl_json_stream_new(fd, "big.ndjson", SL_JSON_FMT_AUTO, 10);
        REQUIRE(s);
        if (read_sizes[k])
            sl_json_stream_set_read_size(s, read_sizes[k]);
        sl_json_record r;
        char err[200] = "";
        CHECK_EQ_INT(sl_json_stream_next(s, &r, err, sizeof err), SL_OK);
        CHECK(r.len == 5 && memcmp(r.data, "short", 5) == 0);
        CHECK_EQ_INT(sl_json_stream_next(s, &r, err, sizeof err), SL_ERR_LIMIT);
        CHECK_EQ_STR(err, "big.ndjson: line 2, column 1: record longer than the limit of 10 bytes (max_record)");
        CHECK_EQ_INT(sl_json_stream_next(s, &r, err, sizeof err), SL_OK);
        CHECK(r.len == 2 && memcmp(r.data, "ok", 2) == 0);
        CHECK_EQ_INT(r.ordinal, 2);
        CHECK_EQ_INT(r.line, 3);
        CHECK_EQ_INT(r.offset, 107);
        CHECK_EQ_INT(sl_json_stream_next(s, &r, err, sizeof err), SL_ERR_LIMIT);
        CHECK_EQ_STR(err, "big.ndjson: line 4, column 1: record longer than the limit of 10 bytes (max_record)");
        CHECK_EQ_INT(sl_json_stream_next(s, &r, err, sizeof err), SL_ERR_NOTFOUND);
        sl_json_stream_destroy(s);
        close(fd);
    }
    /* exactly at the limit is fine (a final '\r' does not count) */
    got g;
    run("0123456789\r\n0123456789", 22, SL_JSON_FMT_AUTO, 3, 10, &g);
    CHECK_EQ_INT(g.n, 2);
    CHECK_EQ_INT(g.end, SL_ERR_NOTFOUND);
    /* arrays: an element over the limit ends the stream */
    snprintf(in, sizeof in, "[\"a\",\"%s\",1]", big);
    run(in, strlen(in), SL_JSON_FMT_AUTO, 7, 10, &g);
    CHECK_EQ_INT(g.n, 1);
    CHECK_EQ_INT(g.end, SL_ERR_LIMIT);
    CHECK(strstr(g.err, "array element longer than the limit of 10 bytes (max_record)") != NULL);
    CHECK(strncmp(g.err, "in.json: line 1, column ", 24) == 0);
    run("[\"0123456\",\"01234567\"]", 22, SL_JSON_FMT_AUTO, 1, 10, &g);
    CHECK_EQ_INT(g.n, 2); /* 9 and 10 bytes with the quotes */
    CHECK_EQ_INT(g.end, SL_ERR_NOTFOUND);
}

static char *read_all(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    sl_buf b = {0};
    char tmp[4096];
    ssize_t r;
    while ((r = read(fd, tmp, sizeof tmp)) > 0)
        sl_buf_append(&b, tmp, (size_t)r);
    close(fd);
    *len = b.len;
    return (char *)b.data;
}

/* Writes data to a pipe from a child process in uneven pieces; returns the read end. */
static int pipe_from_child(const char *data, size_t len, pid_t *pid)
{
    int pfd[2];
    if (pipe(pfd) != 0)
        return -1;
    *pid = fork();
    if (*pid < 0)
        return -1;
    if (*pid == 0) {
        close(pfd[0]);
        size_t off = 0, step = 1;
        while (off < len) {
            size_t n = step < len - off ? step : len - off;
            if (write(pfd[1], data + off, n) != (ssize_t)n)
                _exit(1);
            off += n;
            step = step * 7 % 4093 + 1;
        }
        _exit(0);
    }
    close(pfd[1]);
    return pfd[0];
}

static void test_fixtures_through_pipe(void)
{
    size_t jl_len = 0, arr_len = 0;
    char *jl = read_all(FIXTURE_JSONL, &jl_len);
    char *arr = read_all(FIXTURE_JSON, &arr_len);
    REQUIRE(jl && arr);
    sl_json_parser *p = sl_json_parser_new(NULL);
    REQUIRE(p);
    const char *inputs[2] = {arr, jl};
    size_t lens[2] = {arr_len, jl_len};
    for (int which = 0; which < 2; which++) {
        for (int rs = 0; rs < 2; rs++) {
            pid_t pid;
            int fd = pipe_from_child(inputs[which], lens[which], &pid);
            REQUIRE(fd >= 0);
            sl_json_stream *s = sl_json_stream_new(fd, "fixture", SL_JSON_FMT_AUTO, 0);
            REQUIRE(s);
            if (rs)
                sl_json_stream_set_read_size(s, 100);
            sl_json_record r;
            char err[200];
            int n = 0;
            const char *line = jl;
            sl_err e;
            while ((e = sl_json_stream_next(s, &r, err, sizeof err)) == SL_OK) {
                /* each record is byte for byte the NDJSON line, and parses */
                const char *nl = memchr(line, '\n', (size_t)(jl + jl_len - line));
                size_t ll = nl ? (size_t)(nl - line) : (size_t)(jl + jl_len - line);
                CHECK(r.len == ll && memcmp(r.data, line, ll) == 0);
                sl_json_error je;
                CHECK(sl_json_parse(p, r.data, r.len, &je) != NULL);
                CHECK_EQ_INT(r.ordinal, n);
                if (which == 1)
                    CHECK_EQ_INT(r.line, n + 1);
                line = nl ? nl + 1 : line;
                n++;
            }
            CHECK_EQ_INT(e, SL_ERR_NOTFOUND);
            CHECK_EQ_INT(n, 7);
            CHECK_EQ_INT(sl_json_stream_format(s), which == 0 ? SL_JSON_FMT_ARRAY : SL_JSON_FMT_NDJSON);
            CHECK_EQ_INT(sl_json_stream_bytes(s), lens[which]);
            sl_json_stream_destroy(s);
            close(fd);
            int st = 0;
            waitpid(pid, &st, 0);
            CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        }
    }
    sl_json_parser_destroy(p);
    free(jl);
    free(arr);
}

/* Many records through a small read size: counts and offsets stay exact. */
static void test_many_records(void)
{
    sl_buf nd = {0}, ar = {0};
    int n = 20000;
    sl_buf_append(&ar, "[\n", 2);
    for (int i = 0; i < n; i++) {
        sl_buf_printf(&nd, "{\"i\":%d,\"s\":\"a\\\"]}%d\"}\n", i, i);
        sl_buf_printf(&ar, "%s{\"i\":%d,\"s\":\"a\\\"]}%d\"}", i ? ",\n" : "", i, i);
    }
    sl_buf_append(&ar, "\n]\n", 3);
    sl_json_parser *p = sl_json_parser_new(NULL);
    REQUIRE(p);
    for (int which = 0; which < 2; which++) {
        sl_buf *b = which ? &ar : &nd;
        int fd = mem_fd(b->data, b->len);
        REQUIRE(fd >= 0);
        sl_json_stream *s = sl_json_stream_new(fd, "many", SL_JSON_FMT_AUTO, 0);
        REQUIRE(s);
        sl_json_stream_set_read_size(s, 4093);
        sl_json_record r;
        char err[200];
        int count = 0, bad = 0;
        while (sl_json_stream_next(s, &r, err, sizeof err) == SL_OK) {
            sl_json_error je;
            const sl_json_val *v = sl_json_parse(p, r.data, r.len, &je);
            if (!v || sl_json_obj_get(v, "i", 1)->u.i != count || r.ordinal != (uint64_t)count ||
                r.line != (uint64_t)count + 1 + (uint64_t)which || memcmp(b->data + r.offset, r.data, r.len) != 0)
                bad++;
            count++;
        }
        CHECK_EQ_INT(count, n);
        CHECK_EQ_INT(bad, 0);
        sl_json_stream_destroy(s);
        close(fd);
    }
    sl_json_parser_destroy(p);
    sl_buf_free(&nd);
    sl_buf_free(&ar);
}

static void test_read_error(void)
{
    /* a write-only descriptor cannot be read: SL_ERR_IO naming the file */
    int pfd[2];
    REQUIRE(pipe(pfd) == 0);
    sl_json_stream *s = sl_json_stream_new(pfd[1], "out.pipe", SL_JSON_FMT_AUTO, 0);
    REQUIRE(s);
    sl_json_record r;
    char err[200] = "";
    CHECK_EQ_INT(sl_json_stream_next(s, &r, err, sizeof err), SL_ERR_IO);
    CHECK(strncmp(err, "out.pipe: line 1, column 1: read failed: ", 41) == 0);
    sl_json_stream_destroy(s);
    close(pfd[0]);
    close(pfd[1]);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    T_RUN(test_ndjson_basic);
    T_RUN(test_ndjson_unicode_lines);
    T_RUN(test_bom);
    T_RUN(test_array_basic);
    T_RUN(test_array_errors);
    T_RUN(test_max_record);
    T_RUN(test_fixtures_through_pipe);
    T_RUN(test_many_records);
    T_RUN(test_read_error);
    return t_done();
}
