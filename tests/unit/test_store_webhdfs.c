/* test_store_webhdfs.c: the WebHDFS store (src/lake/store_webhdfs.c) and its helpers
 * (src/lake/webhdfs_util.c).
 *
 * The helper tests need nothing. The store tests start the WebHDFS test server
 * (node tests/webhdfs/server.mjs, run from the repository root as tests/run.sh does)
 * on loopback ports, drive the store through store.h, and check what landed in the
 * server's folder byte for byte, its counters (/admin/stats), and the errors of the
 * faults it injects (/admin/fault). */
#include "lake/store.h"
#include "lake/webhdfs_util.h"
#include "t.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* ---------------------------------------------------------------- helpers (no server) */

static void test_uri_parse(void)
{
    sl_webhdfs_uri u;
    char err[512] = "";
    REQUIRE(sl_webhdfs_uri_parse("webhdfs://nn1,nn2:8000/a//b/", &u, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(u.nhosts, 2);
    CHECK_EQ_STR(u.hosts[0], "nn1:9870");
    CHECK_EQ_STR(u.hosts[1], "nn2:8000");
    CHECK_EQ_STR(u.path, "/a/b");
    CHECK_EQ_STR(u.shown, "webhdfs://nn1:9870,nn2:8000/a/b");
    CHECK_EQ_INT(u.tls, 0);
    CHECK_EQ_INT(u.httpfs, -1);
    CHECK_EQ_INT(u.retries, -1);
    sl_webhdfs_uri_free(&u);

    REQUIRE(sl_webhdfs_uri_parse("swebhdfs://[::1]/x", &u, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(u.tls, 1);
    CHECK_EQ_STR(u.hosts[0], "[::1]:9871");
    CHECK_EQ_STR(u.path, "/x");
    sl_webhdfs_uri_free(&u);

    REQUIRE(sl_webhdfs_uri_parse("webhdfs://h:1/", &u, err, sizeof err) == SL_OK);
    CHECK_EQ_STR(u.path, "");
    CHECK_EQ_STR(u.shown, "webhdfs://h:1/");
    sl_webhdfs_uri_free(&u);

    REQUIRE(sl_webhdfs_uri_parse("webhdfs://h/l%20x?user=bob&httpfs=1&retries=2&timeout_ms=500&"
                                 "datanode_rewrite=a%3Db&auth=kerberos&ca_file=/etc/ca.pem",
                                 &u, err, sizeof err) == SL_OK);
    CHECK_EQ_STR(u.path, "/l x");
    CHECK_EQ_STR(u.user, "bob");
    CHECK_EQ_INT(u.httpfs, 1);
    CHECK_EQ_INT(u.retries, 2);
    CHECK_EQ_INT(u.timeout_ms, 500);
    CHECK_EQ_STR(u.rewrite, "a=b");
    CHECK_EQ_INT(u.kerberos, 1);
    CHECK_EQ_STR(u.ca_file, "/etc/ca.pem");
    sl_webhdfs_uri_free(&u);

    static const struct { const char *uri, *msg; } bad[] = {
        { "webhdfs:///x", "no NameNode host" },
        { "webhdfs://h:0/x", "port out of range" },
        { "webhdfs://h:99999/", "port out of range" },
        { "webhdfs://h:123456/", "bad port" },
        { "webhdfs://u:pw@h/x", "do not belong in a webhdfs:// URI" },
        { "webhdfs://h/a/../b", "'..' component" },
        { "webhdfs://h/x?token=abc123", "HADOOP_TOKEN" },
        { "webhdfs://h/x?foo=1", "unknown option 'foo'" },
        { "webhdfs://h/x?retries=99", "retries=99" },
        { "webhdfs://h/x?httpfs=maybe", "httpfs=maybe" },
        { "webhdfs://h/%zz", "bad %-escape" },
        { "webhdfs://h/x#frag", "fragment" },
        { "webhdfs://h,/x", "empty host" },
        { "hdfs://h/x", "not a webhdfs://" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        CHECK(sl_webhdfs_uri_parse(bad[i].uri, &u, err, sizeof err) == SL_ERR_INVALID);
        if (!strstr(err, bad[i].msg)) {
            fprintf(stderr, "  %s: error '%s' lacks '%s'\n", bad[i].uri, err, bad[i].msg);
            CHECK(0);
        }
    }
    /* The token's value never shows in the message. */
    CHECK(sl_webhdfs_uri_parse("webhdfs://h/x?token=abc123", &u, err, sizeof err) == SL_ERR_INVALID);
    CHECK(strstr(err, "abc123") == NULL);
}

static void test_rewrite(void)
{
    sl_webhdfs_rewrite *r = NULL;
    char err[256] = "";
    sl_buf b = { 0 };
    REQUIRE(sl_webhdfs_rewrite_parse("dn1.cluster=127.0.0.1,dn2:9864=10.0.0.2:1234", &r, err, sizeof err) == SL_OK);
    REQUIRE(r != NULL);
    CHECK(sl_webhdfs_rewrite_apply(r, "http://dn1.cluster:9864/webhdfs/v1/a?op=CREATE&x=1", &b) == SL_OK);
    CHECK_EQ_STR((char *)b.data, "http://127.0.0.1:9864/webhdfs/v1/a?op=CREATE&x=1");
    b.len = 0;
    CHECK(sl_webhdfs_rewrite_apply(r, "http://DN1.CLUSTER:50075/x", &b) == SL_OK);
    CHECK_EQ_STR((char *)b.data, "http://127.0.0.1:50075/x");
    b.len = 0;
    CHECK(sl_webhdfs_rewrite_apply(r, "https://dn2:9864/x?y", &b) == SL_OK);
    CHECK_EQ_STR((char *)b.data, "https://10.0.0.2:1234/x?y");
    b.len = 0;
    CHECK(sl_webhdfs_rewrite_apply(r, "http://dn2:9999/x", &b) == SL_OK);
    CHECK_EQ_STR((char *)b.data, "http://dn2:9999/x");
    b.len = 0;
    CHECK(sl_webhdfs_rewrite_apply(r, "http://dn1.cluster/p", &b) == SL_OK);
    CHECK_EQ_STR((char *)b.data, "http://127.0.0.1/p");
    b.len = 0;
    CHECK(sl_webhdfs_rewrite_apply(NULL, "http://dn1.cluster:1/p", &b) == SL_OK);
    CHECK_EQ_STR((char *)b.data, "http://dn1.cluster:1/p");
    b.len = 0;
    CHECK(sl_webhdfs_rewrite_apply(r, "ftp://dn1.cluster/p", &b) == SL_ERR_PARSE);
    CHECK(sl_webhdfs_rewrite_apply(r, "http://", &b) == SL_ERR_PARSE);
    sl_webhdfs_rewrite_free(r);
    sl_buf_free(&b);

    CHECK(sl_webhdfs_rewrite_parse("", &r, err, sizeof err) == SL_OK && r == NULL);
    CHECK(sl_webhdfs_rewrite_parse("abc", &r, err, sizeof err) == SL_ERR_INVALID);
    CHECK(strstr(err, "expected FROM=TO") != NULL);
    CHECK(sl_webhdfs_rewrite_parse("a=b:99999", &r, err, sizeof err) == SL_ERR_INVALID);
    CHECK(sl_webhdfs_rewrite_parse("a=b,=c", &r, err, sizeof err) == SL_ERR_INVALID);
}

static void test_encode_redact(void)
{
    sl_buf b = { 0 };
    const char *in = "a b+c=d/\xc3\xa9~";
    CHECK(sl_webhdfs_pct_encode(&b, in, strlen(in), 1) == SL_OK);
    CHECK_EQ_STR((char *)b.data, "a%20b%2Bc%3Dd/%C3%A9~");
    b.len = 0;
    CHECK(sl_webhdfs_pct_encode(&b, in, strlen(in), 0) == SL_OK);
    CHECK_EQ_STR((char *)b.data, "a%20b%2Bc%3Dd%2F%C3%A9~");
    sl_buf_free(&b);

    char out[200];
    sl_webhdfs_redact("http://h:1/x?op=OPEN&delegation=SECRET&user.name=u", out, sizeof out);
    CHECK_EQ_STR(out, "http://h:1/x?op=OPEN&delegation=***&user.name=u");
    sl_webhdfs_redact("http://h/x?token=abc#frag", out, sizeof out);
    CHECK_EQ_STR(out, "http://h/x?token=***#frag");
    sl_webhdfs_redact("http://h/delegation=keep", out, sizeof out);
    CHECK_EQ_STR(out, "http://h/delegation=keep");
    sl_webhdfs_redact("http://h/x?delegation=SECRETSECRET", out, 24);
    CHECK(strstr(out, "SECRET") == NULL);
    sl_webhdfs_url_hostport("http://dn7:9864/webhdfs/v1/x?op=OPEN", out, sizeof out);
    CHECK_EQ_STR(out, "dn7:9864");
    sl_webhdfs_url_hostport("nonsense", out, sizeof out);
    CHECK_EQ_STR(out, "?");
}

static void test_classify(void)
{
    static const struct { long code; const char *exc, *msg; sl_err want; int next; } cases[] = {
        { 403, "StandbyException", "Operation category READ is not supported", SL_ERR_RETRY, 1 },
        { 403, "RetriableException", "org.apache...SafeModeException: Name node is in safe mode", SL_ERR_RETRY, 0 },
        { 403, "SafeModeException", "", SL_ERR_RETRY, 0 },
        { 404, "FileNotFoundException", "File does not exist: /x", SL_ERR_NOTFOUND, 0 },
        { 403, "FileAlreadyExistsException", "", SL_ERR_EXISTS, 0 },
        { 409, "", "", SL_ERR_EXISTS, 0 },
        { 403, "AccessControlException", "Permission denied", SL_ERR_FATAL, 0 },
        { 403, "DSQuotaExceededException", "", SL_ERR_FATAL, 0 },
        { 403, "NSQuotaExceededException", "", SL_ERR_FATAL, 0 },
        { 403, "InvalidToken", "", SL_ERR_FATAL, 0 },
        { 401, "", "", SL_ERR_FATAL, 0 },
        { 400, "IllegalArgumentException", "", SL_ERR_INVALID, 0 },
        { 403, "PathIsNotEmptyDirectoryException", "", SL_ERR_IO, 0 },
        { 500, "RuntimeException", "", SL_ERR_RETRY, 0 },
        { 503, "", "", SL_ERR_RETRY, 0 },
        { 429, "", "", SL_ERR_RETRY, 0 },
        { 404, "", "", SL_ERR_NOTFOUND, 0 },
        { 403, "SomethingNew", "", SL_ERR_FATAL, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int next = -1;
        sl_err e = sl_webhdfs_classify(cases[i].code, cases[i].exc, cases[i].msg, &next);
        if (e != cases[i].want || next != cases[i].next) {
            fprintf(stderr, "  case %zu (%ld %s): got %d/%d\n", i, cases[i].code, cases[i].exc, (int)e, next);
            CHECK(0);
        }
    }
}

static void test_answers(void)
{
    sl_json_parser *p = sl_json_parser_new(NULL);
    REQUIRE(p != NULL);
    char exc[64], msg[64], err[256];
    const char *re = "{\"RemoteException\":{\"exception\":\"AccessControlException\","
                     "\"javaClassName\":\"org.apache.hadoop.security.AccessControlException\","
                     "\"message\":\"Permission denied:\\nuser=bob\"}}";
    CHECK(sl_webhdfs_remote_exception(p, re, strlen(re), exc, sizeof exc, msg, sizeof msg) == 1);
    CHECK_EQ_STR(exc, "AccessControlException");
    CHECK_EQ_STR(msg, "Permission denied: user=bob");
    const char *re2 = "{\"RemoteException\":{\"javaClassName\":\"org.apache.hadoop.ipc.StandbyException\"}}";
    CHECK(sl_webhdfs_remote_exception(p, re2, strlen(re2), exc, sizeof exc, msg, sizeof msg) == 1);
    CHECK_EQ_STR(exc, "StandbyException");
    CHECK_EQ_STR(msg, "");
    CHECK(sl_webhdfs_remote_exception(p, "<html>oops</html>", 17, exc, sizeof exc, msg, sizeof msg) == 0);
    CHECK(sl_webhdfs_remote_exception(p, "{\"boolean\":true}", 16, exc, sizeof exc, msg, sizeof msg) == 0);
    /* cut to fit */
    char small[8];
    CHECK(sl_webhdfs_remote_exception(p, re, strlen(re), small, sizeof small, msg, sizeof msg) == 1);
    CHECK_EQ_STR(small, "AccessC");

    int v = -1;
    CHECK(sl_webhdfs_boolean_parse(p, "{\"boolean\": false}", 18, &v, err, sizeof err) == SL_OK && v == 0);
    CHECK(sl_webhdfs_boolean_parse(p, "{\"boolean\":true}", 16, &v, err, sizeof err) == SL_OK && v == 1);
    CHECK(sl_webhdfs_boolean_parse(p, "{\"boolean\":1}", 13, &v, err, sizeof err) == SL_ERR_PARSE);
    CHECK(sl_webhdfs_boolean_parse(p, "", 0, &v, err, sizeof err) == SL_ERR_PARSE);

    const char *ls = "{\"FileStatuses\":{\"FileStatus\":["
                     "{\"length\":24930,\"modificationTime\":1320171722771,\"owner\":\"webuser\","
                     "\"pathSuffix\":\"z.patch\",\"permission\":\"644\",\"type\":\"FILE\"},"
                     "{\"length\":0,\"modificationTime\":1320895981256,\"pathSuffix\":\"bar\","
                     "\"permission\":\"711\",\"type\":\"DIRECTORY\"},"
                     "{\"length\":5,\"modificationTime\":1,\"pathSuffix\":\"B+1\",\"type\":\"FILE\"}]}}";
    sl_webhdfs_entry *ents = NULL;
    size_t n = 0, cap = 0;
    sl_buf names = { 0 };
    int is_file = -1;
    REQUIRE(sl_webhdfs_list_parse(p, ls, strlen(ls), &ents, &n, &cap, &names, &is_file, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(is_file, 0);
    REQUIRE(n == 3);
    CHECK_EQ_STR(ents[0].name, "B+1");
    CHECK_EQ_STR(ents[1].name, "bar");
    CHECK_EQ_STR(ents[2].name, "z.patch");
    CHECK_EQ_INT(ents[1].info.is_dir, 1);
    CHECK_EQ_INT(ents[2].info.size, 24930);
    CHECK_EQ_INT(ents[2].info.mtime_ms, 1320171722771LL);
    free(ents);
    ents = NULL;
    n = cap = 0;
    names.len = 0;
    const char *one = "{\"FileStatuses\":{\"FileStatus\":[{\"length\":3,\"pathSuffix\":\"\",\"type\":\"FILE\"}]}}";
    CHECK(sl_webhdfs_list_parse(p, one, strlen(one), &ents, &n, &cap, &names, &is_file, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(is_file, 1);
    CHECK_EQ_INT(n, 0);
    const char *bad = "{\"FileStatuses\":{\"FileStatus\":[{\"length\":3,\"pathSuffix\":\"a/b\",\"type\":\"FILE\"}]}}";
    CHECK(sl_webhdfs_list_parse(p, bad, strlen(bad), &ents, &n, &cap, &names, &is_file, err, sizeof err) ==
          SL_ERR_PARSE);
    CHECK(strstr(err, "bad pathSuffix") != NULL);
    const char *neg = "{\"FileStatuses\":{\"FileStatus\":[{\"length\":-1,\"pathSuffix\":\"a\",\"type\":\"FILE\"}]}}";
    CHECK(sl_webhdfs_list_parse(p, neg, strlen(neg), &ents, &n, &cap, &names, &is_file, err, sizeof err) ==
          SL_ERR_PARSE);
    CHECK(sl_webhdfs_list_parse(p, "{}", 2, &ents, &n, &cap, &names, &is_file, err, sizeof err) == SL_ERR_PARSE);
    free(ents);
    sl_buf_free(&names);

    sl_json_error jerr;
    const char *fs = "{\"type\":\"DIRECTORY\",\"length\":0,\"permission\":\"1750\",\"owner\":\"alice\","
                     "\"modificationTime\":7}";
    const sl_json_val *root = sl_json_parse(p, fs, strlen(fs), &jerr);
    REQUIRE(root != NULL);
    sl_store_info st;
    unsigned perm = 0;
    char owner[16];
    CHECK(sl_webhdfs_status_parse(root, &st, &perm, NULL, NULL, owner, sizeof owner, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(st.is_dir, 1);
    CHECK_EQ_INT(perm, 01750);
    CHECK_EQ_STR(owner, "alice");
    CHECK_EQ_INT(st.mtime_ms, 7);
    const char *fs2 = "{\"type\":\"SOCKET\",\"length\":0}";
    root = sl_json_parse(p, fs2, strlen(fs2), &jerr);
    CHECK(sl_webhdfs_status_parse(root, &st, &perm, NULL, NULL, NULL, 0, err, sizeof err) == SL_ERR_PARSE);
    sl_json_parser_destroy(p);
}

/* ---------------------------------------------------------------- the test server */

typedef struct server {
    pid_t pid;
    int nn, dn, second, gw;
    char root[128];
} server;

static const char *OWNER = "sluicetest";

/* Starts node tests/webhdfs/server.mjs --root <tmp> --owner sluicetest ARGS... and
 * reads its ports from the first line. 0 on success. */
static int server_start(server *sv, const char *const *args)
{
    memset(sv, 0, sizeof *sv);
    snprintf(sv->root, sizeof sv->root, "/tmp/sl_test_webhdfs_XXXXXX");
    if (!mkdtemp(sv->root))
        return -1;
    const char *argv[32] = { "node", "tests/webhdfs/server.mjs", "--root", sv->root, "--owner", OWNER,
                             "--timeout", "120" };
    int ac = 8;
    for (size_t i = 0; args && args[i] && ac < 31; i++)
        argv[ac++] = args[i];
    argv[ac] = NULL;
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    int rc = posix_spawnp(&sv->pid, "node", &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        fprintf(stderr, "  cannot start node: %s\n", strerror(rc));
        return -1;
    }
    char line[512];
    size_t n = 0;
    while (n + 1 < sizeof line) {
        struct pollfd pf = { fds[0], POLLIN, 0 };
        if (poll(&pf, 1, 30000) <= 0)
            break;
        ssize_t r = read(fds[0], line + n, 1);
        if (r <= 0 || line[n] == '\n')
            break;
        n++;
    }
    line[n] = 0;
    close(fds[0]);
    const char *p;
    if ((p = strstr(line, "namenode=")))
        sv->nn = atoi(p + 9);
    if ((p = strstr(line, "datanode=")))
        sv->dn = atoi(p + 9);
    if ((p = strstr(line, "standby=")))
        sv->second = atoi(p + 8);
    if ((p = strstr(line, "active=")))
        sv->second = atoi(p + 7);
    if ((p = strstr(line, "httpfs=")))
        sv->gw = atoi(p + 7);
    if (!sv->nn || !sv->dn) {
        fprintf(stderr, "  the test server did not start (first line: '%s')\n", line);
        kill(sv->pid, SIGTERM);
        waitpid(sv->pid, NULL, 0);
        return -1;
    }
    return 0;
}

static void server_stop(server *sv)
{
    if (sv->pid > 0) {
        kill(sv->pid, SIGTERM);
        waitpid(sv->pid, NULL, 0);
    }
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", sv->root);
    if (system(cmd) != 0)
        fprintf(stderr, "  cleanup of %s failed\n", sv->root);
}

static size_t to_buf(char *p, size_t s, size_t n, void *ud)
{
    sl_buf_append(ud, p, s * n);
    return s * n;
}

/* GET http://127.0.0.1:port/path into b (emptied first). Returns the HTTP code. */
static long http_get(int port, const char *path, sl_buf *b)
{
    char url[600];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    CURL *h = curl_easy_init();
    long code = 0;
    b->len = 0;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, to_buf);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(h);
    sl_buf_append(b, "", 1);
    b->len--;
    return code;
}

static void admin(const server *sv, const char *what)
{
    sl_buf b = { 0 };
    char path[300];
    snprintf(path, sizeof path, "/admin/%s", what);
    long code = http_get(sv->nn, path, &b);
    if (code != 200)
        fprintf(stderr, "  admin %s: HTTP %ld\n", what, code);
    sl_buf_free(&b);
}

/* A counter of /admin/stats: "dn_uploads" or "ops.RENAME" or "users.NAME". -1 when absent. */
static long long stat_of(const server *sv, const char *key)
{
    sl_buf b = { 0 };
    long long v = -1;
    http_get(sv->nn, "/admin/stats", &b);
    sl_json_parser *p = sl_json_parser_new(NULL);
    sl_json_error jerr;
    const sl_json_val *root = p && b.len ? sl_json_parse(p, (char *)b.data, b.len, &jerr) : NULL;
    const char *dot = strchr(key, '.');
    const sl_json_val *o = root;
    if (o && dot) {
        o = sl_json_obj_get(o, key, (size_t)(dot - key));
        key = dot + 1;
    }
    const sl_json_val *x = o ? sl_json_obj_get(o, key, strlen(key)) : NULL;
    if (x && sl_json_get_type(x) == SL_JSON_INT)
        v = x->u.i;
    else if (o && !x)
        v = 0;
    sl_json_parser_destroy(p);
    sl_buf_free(&b);
    return v;
}

/* Contents of a file under the server's folder (HDFS path), or NULL. */
static int local_bytes(const server *sv, const char *hdfs_path, sl_buf *b)
{
    char p[512];
    snprintf(p, sizeof p, "%s%s", sv->root, hdfs_path);
    b->len = 0;
    int fd = open(p, O_RDONLY);
    if (fd < 0)
        return -1;
    uint8_t tmp[65536];
    ssize_t r;
    while ((r = read(fd, tmp, sizeof tmp)) > 0)
        sl_buf_append(b, tmp, (size_t)r);
    close(fd);
    return 0;
}

static int local_exists(const server *sv, const char *hdfs_path)
{
    char p[512];
    struct stat st;
    snprintf(p, sizeof p, "%s%s", sv->root, hdfs_path);
    return stat(p, &st) == 0;
}

/* Deterministic test bytes: byte i of stream `seed`. */
static uint8_t pat(unsigned seed, size_t i) { return (uint8_t)((i * 2654435761u + seed * 40503u) >> 13); }

static sl_store *open_store(const char *fmt, int port, const sl_store_opts *o, char *err, size_t errn)
{
    char uri[300];
    snprintf(uri, sizeof uri, fmt, port);
    return sl_store_open(uri, o, err, errn);
}

/* Writes n pattern bytes into a new file with writes of the given sizes (cycled). */
static sl_err put_pattern(sl_store *s, const char *path, unsigned seed, size_t n, const size_t *chunks,
                          size_t nchunks, char *err, size_t errn)
{
    sl_store_file *f;
    sl_err e = sl_store_create(s, path, &f, err, errn);
    if (e != SL_OK)
        return e;
    uint8_t *buf = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++)
        buf[i] = pat(seed, i);
    sl_out o = sl_store_file_out(f);
    for (size_t off = 0, k = 0; off < n && e == SL_OK; k++) {
        size_t c = chunks[k % nchunks];
        if (c > n - off)
            c = n - off;
        e = o.write(o.ctx, buf + off, c, err, errn);
        off += c;
    }
    free(buf);
    if (e != SL_OK) {
        sl_store_file_abort(f);
        return e;
    }
    return sl_store_file_finish(f, err, errn);
}

static int is_pattern(const sl_buf *b, unsigned seed, size_t n)
{
    if (b->len != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (b->data[i] != pat(seed, i))
            return 0;
    return 1;
}

typedef struct names {
    char text[2048];
} names;

static int names_cb(void *ctx, const char *name, const sl_store_info *st)
{
    names *nm = ctx;
    size_t l = strlen(nm->text);
    snprintf(nm->text + l, sizeof nm->text - l, "%s%s:%s:%llu", l ? "," : "", name, st->is_dir ? "d" : "f",
             (unsigned long long)st->size);
    return 0;
}

/* HDFS permission of a path as the server reports it (octal), or -1. */
static int server_perm(const server *sv, const char *hdfs_path)
{
    sl_buf b = { 0 };
    char path[400];
    snprintf(path, sizeof path, "/webhdfs/v1%s?op=GETFILESTATUS&user.name=%s", hdfs_path, OWNER);
    int perm = -1;
    if (http_get(sv->nn, path, &b) == 200) {
        const char *p = strstr((char *)b.data, "\"permission\":\"");
        if (p)
            perm = (int)strtol(p + 14, NULL, 8);
    }
    sl_buf_free(&b);
    return perm;
}

static const size_t odd_chunks[] = { 1, 100, 70000, 300000, 1048576, 5, 200000 };

static void test_store_basics(void)
{
    server sv;
    REQUIRE(server_start(&sv, NULL) == 0);
    char err[1024] = "";
    sl_store_opts o = { 0 };
    o.user = OWNER;
    sl_store *s = open_store("webhdfs://127.0.0.1:%d/t/lake?retries=2", sv.nn, &o, err, sizeof err);
    if (!s)
        fprintf(stderr, "  open: %s\n", err);
    REQUIRE(s != NULL);
    CHECK_EQ_STR(sl_store_kind(s), "webhdfs");
    CHECK(local_exists(&sv, "/t/lake"));
    CHECK_EQ_INT(server_perm(&sv, "/t/lake"), 0750);

    /* A streamed 3 MB file in odd write sizes, and a small one sent whole. */
    size_t big = 3u << 20;
    long long chunked0 = stat_of(&sv, "chunked_uploads");
    CHECK(put_pattern(s, "d1/big.bin", 1, big, odd_chunks, 7, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(stat_of(&sv, "chunked_uploads"), chunked0 + 1);
    CHECK(put_pattern(s, "d1/small", 2, 5000, odd_chunks + 1, 1, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(stat_of(&sv, "chunked_uploads"), chunked0 + 1);
    CHECK(put_pattern(s, "d1/empty", 3, 0, odd_chunks, 1, err, sizeof err) == SL_OK);
    sl_buf b = { 0 };
    CHECK(local_bytes(&sv, "/t/lake/d1/big.bin", &b) == 0 && is_pattern(&b, 1, big));
    CHECK(local_bytes(&sv, "/t/lake/d1/small", &b) == 0 && is_pattern(&b, 2, 5000));
    CHECK(local_bytes(&sv, "/t/lake/d1/empty", &b) == 0 && b.len == 0);
    CHECK_EQ_INT(server_perm(&sv, "/t/lake/d1/big.bin"), 0640);
    CHECK_EQ_INT(server_perm(&sv, "/t/lake/d1"), 0750);

    sl_store_info st;
    CHECK(sl_store_stat(s, "d1/big.bin", &st, err, sizeof err) == SL_OK && !st.is_dir && st.size == big);
    CHECK(sl_store_stat(s, "d1", &st, err, sizeof err) == SL_OK && st.is_dir);
    CHECK(sl_store_stat(s, "", &st, err, sizeof err) == SL_OK && st.is_dir);
    CHECK(sl_store_stat(s, "nope", &st, err, sizeof err) == SL_ERR_NOTFOUND);
    CHECK(strstr(err, "FileNotFoundException") && strstr(err, "/t/lake/nope"));

    /* Ranged reads. */
    sl_in in;
    REQUIRE(sl_store_open_in(s, "d1/big.bin", &in, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(in.size, big);
    static const uint64_t offs[] = { 0, 1, 65535, 1000000, 3145000 };
    static const size_t lens[] = { 1, 4096, 70000, 262144, 728 };
    for (size_t i = 0; i < 5; i++) {
        uint8_t got[262144];
        CHECK(in.read_at(&in, offs[i], got, lens[i], err, sizeof err) == SL_OK);
        int same = 1;
        for (size_t k = 0; k < lens[i]; k++)
            same &= got[k] == pat(1, offs[i] + k);
        CHECK(same);
    }
    uint8_t one;
    CHECK(in.read_at(&in, big, &one, 1, err, sizeof err) == SL_ERR_CORRUPT);
    sl_store_in_close(&in);
    CHECK(sl_store_open_in(s, "d1", &in, err, sizeof err) == SL_ERR_INVALID);
    CHECK(sl_store_open_in(s, "d1/none", &in, err, sizeof err) == SL_ERR_NOTFOUND);
    b.len = 0;
    CHECK(sl_store_read_all(s, "d1/small", &b, err, sizeof err) == SL_OK && is_pattern(&b, 2, 5000));
    b.len = 0;
    CHECK(sl_store_read_all(s, "d1/empty", &b, err, sizeof err) == SL_OK && b.len == 0);

    /* Listing: sorted, sizes, folders. */
    names nm = { "" };
    CHECK(sl_store_mkdirs(s, "d1/sub/deeper", err, sizeof err) == SL_OK);
    CHECK(sl_store_list(s, "d1", names_cb, &nm, err, sizeof err) == SL_OK);
    CHECK_EQ_STR(nm.text, "big.bin:f:3145728,empty:f:0,small:f:5000,sub:d:0");
    CHECK(sl_store_list(s, "d1/small", names_cb, &nm, err, sizeof err) == SL_ERR_NOTFOUND);
    CHECK(sl_store_list(s, "zz", names_cb, &nm, err, sizeof err) == SL_ERR_NOTFOUND);
    CHECK(sl_store_mkdirs(s, "d1/small", err, sizeof err) == SL_ERR_EXISTS);
    /* HDFS would move the file into the folder: refused. */
    CHECK(sl_store_rename(s, "d1/big.bin", "d1/sub", err, sizeof err) == SL_ERR_EXISTS);
    CHECK(local_exists(&sv, "/t/lake/d1/big.bin") && !local_exists(&sv, "/t/lake/d1/sub/big.bin"));

    /* Never overwrite. */
    sl_store_file *f;
    CHECK(sl_store_create(s, "d1/small", &f, err, sizeof err) == SL_ERR_EXISTS);
    CHECK(sl_store_rename(s, "d1/small", "d2/sub/small2", err, sizeof err) == SL_OK);
    CHECK(local_bytes(&sv, "/t/lake/d2/sub/small2", &b) == 0 && is_pattern(&b, 2, 5000));
    CHECK(!local_exists(&sv, "/t/lake/d1/small"));
    CHECK(sl_store_rename(s, "d1/small", "d2/x", err, sizeof err) == SL_ERR_NOTFOUND);
    CHECK(sl_store_rename(s, "d1/big.bin", "d2/sub/small2", err, sizeof err) == SL_ERR_EXISTS);
    CHECK(strstr(err, "destination exists") != NULL);
    CHECK(local_exists(&sv, "/t/lake/d1/big.bin"));

    /* put_atomic: no leftover, refuses a second time. */
    CHECK(sl_store_put_atomic(s, "m/a/x.json", "{\"k\":1}", 7, err, sizeof err) == SL_OK);
    CHECK(local_bytes(&sv, "/t/lake/m/a/x.json", &b) == 0 && b.len == 7 && memcmp(b.data, "{\"k\":1}", 7) == 0);
    CHECK(sl_store_put_atomic(s, "m/a/x.json", "{}", 2, err, sizeof err) == SL_ERR_EXISTS);
    nm.text[0] = 0;
    CHECK(sl_store_list(s, "m/a", names_cb, &nm, err, sizeof err) == SL_OK);
    CHECK_EQ_STR(nm.text, "x.json:f:7");

    /* Several uploads at once, interleaved, finished in another order. */
    sl_store_file *fs[3];
    sl_out os[3];
    uint8_t *chunk = malloc(400000);
    for (int i = 0; i < 3; i++) {
        char p[32];
        snprintf(p, sizeof p, "c/f%d", i);
        REQUIRE(sl_store_create(s, p, &fs[i], err, sizeof err) == SL_OK);
        os[i] = sl_store_file_out(fs[i]);
    }
    for (size_t off = 0; off < 2000000; off += 400000)
        for (int i = 0; i < 3; i++) {
            for (size_t k = 0; k < 400000; k++)
                chunk[k] = pat(10 + (unsigned)i, off + k);
            CHECK(os[i].write(os[i].ctx, chunk, 400000, err, sizeof err) == SL_OK);
        }
    free(chunk);
    for (int i = 2; i >= 0; i--)
        CHECK(sl_store_file_finish(fs[i], err, sizeof err) == SL_OK);
    for (int i = 0; i < 3; i++) {
        char p[64];
        snprintf(p, sizeof p, "/t/lake/c/f%d", i);
        CHECK(local_bytes(&sv, p, &b) == 0 && is_pattern(&b, 10 + (unsigned)i, 2000000));
    }

    /* Abort removes what was sent. */
    REQUIRE(sl_store_create(s, "c/aborted", &f, err, sizeof err) == SL_OK);
    sl_out ao = sl_store_file_out(f);
    uint8_t *mb = calloc(1, 1 << 20);
    CHECK(ao.write(ao.ctx, mb, 1 << 20, err, sizeof err) == SL_OK);
    CHECK(local_exists(&sv, "/t/lake/c/aborted"));
    sl_store_file_abort(f);
    free(mb);
    CHECK(!local_exists(&sv, "/t/lake/c/aborted"));

    /* Deletes. */
    CHECK(sl_store_delete(s, "d1/empty", 0, err, sizeof err) == SL_OK);
    CHECK(sl_store_delete(s, "d1/empty", 0, err, sizeof err) == SL_OK);
    CHECK(sl_store_delete(s, "d1", 0, err, sizeof err) == SL_ERR_IO);
    CHECK(strstr(err, "PathIsNotEmptyDirectoryException") != NULL);
    CHECK(sl_store_delete(s, "d1", 1, err, sizeof err) == SL_OK);
    CHECK(sl_store_stat(s, "d1", &st, err, sizeof err) == SL_ERR_NOTFOUND);
    /* The folder cache forgot d1: creating under it again works. */
    CHECK(put_pattern(s, "d1/again", 4, 10, odd_chunks, 1, err, sizeof err) == SL_OK);
    CHECK(local_exists(&sv, "/t/lake/d1/again"));

    /* Connections are reused; simple auth as the given user. */
    long long ups = stat_of(&sv, "dn_uploads"), dconn = stat_of(&sv, "dn_connections");
    long long nconn = stat_of(&sv, "nn_connections");
    CHECK(ups >= 9);
    CHECK(dconn >= 1 && dconn <= 4);
    CHECK(nconn >= 1 && nconn <= 12); /* the test's own admin requests connect too */
    CHECK(stat_of(&sv, "users.sluicetest") > 20);
    CHECK_EQ_INT(stat_of(&sv, "users.dr.who"), 0);
    sl_buf_free(&b);
    sl_store_close(s);
    server_stop(&sv);
}

static void test_store_faults(void)
{
    server sv;
    REQUIRE(server_start(&sv, NULL) == 0);
    char err[1024] = "";
    sl_store_opts o = { 0 };
    o.user = OWNER;
    sl_store *s = open_store("webhdfs://127.0.0.1:%d/lake?retries=3", sv.nn, &o, err, sizeof err);
    REQUIRE(s != NULL);
    sl_store_info st;
    sl_buf b = { 0 };
    CHECK(put_pattern(s, "a/f", 1, 1000, odd_chunks, 7, err, sizeof err) == SL_OK);

    /* 5xx: retried inside, then SL_ERR_RETRY with the exception named. */
    admin(&sv, "fault?op=GETFILESTATUS&count=2&status=500");
    CHECK(sl_store_stat(s, "a/f", &st, err, sizeof err) == SL_OK && st.size == 1000);
    admin(&sv, "fault?op=GETFILESTATUS&count=10&status=503");
    CHECK(sl_store_stat(s, "a/f", &st, err, sizeof err) == SL_ERR_RETRY);
    CHECK(strstr(err, "RuntimeException: injected fault: 503 on GETFILESTATUS") != NULL);
    CHECK(strstr(err, "(4 attempts)") != NULL);
    admin(&sv, "clear");

    /* Safe mode is retriable. */
    admin(&sv, "fault?safemode=2");
    CHECK(sl_store_mkdirs(s, "sm/x", err, sizeof err) == SL_OK);
    CHECK(local_exists(&sv, "/lake/sm/x"));

    /* A streamed upload that loses its connection fails with SL_ERR_RETRY and leaves
     * nothing behind; a small one is resent whole, transparently. */
    admin(&sv, "fault?drop=1&after=300000");
    sl_err e = put_pattern(s, "a/broken", 2, 2000000, odd_chunks + 4, 1, err, sizeof err);
    CHECK(e == SL_ERR_RETRY);
    if (e != SL_ERR_RETRY)
        fprintf(stderr, "  broken upload: %d %s\n", (int)e, err);
    CHECK(!local_exists(&sv, "/lake/a/broken"));
    CHECK_EQ_INT(stat_of(&sv, "dn_uploads_broken"), 1);
    admin(&sv, "fault?drop=1&after=10");
    CHECK(put_pattern(s, "a/resent", 3, 100000, odd_chunks + 2, 1, err, sizeof err) == SL_OK);
    CHECK(local_bytes(&sv, "/lake/a/resent", &b) == 0 && is_pattern(&b, 3, 100000));
    admin(&sv, "fault?op=DN_CREATE&count=1&status=500");
    CHECK(put_pattern(s, "a/resent2", 4, 1000, odd_chunks + 2, 1, err, sizeof err) == SL_OK);
    CHECK(local_bytes(&sv, "/lake/a/resent2", &b) == 0 && is_pattern(&b, 4, 1000));

    /* RENAME answering false for no visible reason: retried. Lost answer of a rename
     * that was done: the retry sees the result and reports success. */
    admin(&sv, "fault?rename_false=1");
    CHECK(sl_store_rename(s, "a/f", "b/f", err, sizeof err) == SL_OK);
    CHECK(local_exists(&sv, "/lake/b/f") && !local_exists(&sv, "/lake/a/f"));
    admin(&sv, "fault?reset=RENAME&when=after");
    CHECK(sl_store_rename(s, "b/f", "b/g", err, sizeof err) == SL_OK);
    CHECK(local_exists(&sv, "/lake/b/g") && !local_exists(&sv, "/lake/b/f"));
    /* put_atomic through a lost RENAME answer still succeeds (no false EXISTS). */
    admin(&sv, "fault?reset=RENAME&when=after");
    CHECK(sl_store_put_atomic(s, "m/x.json", "{}", 2, err, sizeof err) == SL_OK);
    CHECK(local_exists(&sv, "/lake/m/x.json"));

    /* Reads: a reset DataNode connection, a 500 on OPEN. */
    admin(&sv, "fault?reset=DN_OPEN");
    admin(&sv, "fault?op=OPEN&count=1&status=500");
    b.len = 0;
    CHECK(sl_store_read_all(s, "b/g", &b, err, sizeof err) == SL_OK && is_pattern(&b, 1, 1000));

    /* Timeouts. */
    sl_store *slow = open_store("webhdfs://127.0.0.1:%d/lake?retries=1&timeout_ms=300", sv.nn, &o, err, sizeof err);
    REQUIRE(slow != NULL);
    admin(&sv, "fault?delay_ms=1500");
    uint64_t t0 = sl_now_ns();
    CHECK(sl_store_stat(slow, "b/g", &st, err, sizeof err) == SL_ERR_RETRY);
    CHECK(strstr(err, "imed out") != NULL);
    CHECK(sl_now_ns() - t0 < 3000000000u);
    admin(&sv, "clear");
    CHECK(sl_store_stat(slow, "b/g", &st, err, sizeof err) == SL_OK);
    sl_store_close(slow);

    /* The NameNode going away: SL_ERR_RETRY after the retries. */
    sl_store *gone = open_store("webhdfs://127.0.0.1:%d/lake?retries=1", sv.nn, &o, err, sizeof err);
    REQUIRE(gone != NULL);
    sl_buf_free(&b);
    sl_store_close(s);
    server_stop(&sv);
    CHECK(sl_store_stat(gone, "b/g", &st, err, sizeof err) == SL_ERR_RETRY);
    CHECK(strstr(err, "NameNode 127.0.0.1:") != NULL);
    sl_store_close(gone);
}

static void test_store_refusals(void)
{
    const char *args[] = { "--allow-path", "/lake", "--quota", "300000", "--token", "tok-123=sluicetest",
                           "--allow", "bob", NULL };
    server sv;
    REQUIRE(server_start(&sv, args) == 0);
    char err[1024] = "";
    sl_store_opts o = { 0 };
    o.user = "mallory";
    sl_store *s = open_store("webhdfs://127.0.0.1:%d/lake", sv.nn, &o, err, sizeof err);
    CHECK(s == NULL);
    CHECK(strstr(err, "AccessControlException: Permission denied: user=mallory") != NULL);
    o.user = OWNER;
    s = open_store("webhdfs://127.0.0.1:%d/elsewhere", sv.nn, &o, err, sizeof err);
    CHECK(s == NULL);
    CHECK(strstr(err, "AccessControlException") != NULL);
    /* user= in the URI (opts.user unset), and the allowed list. */
    o.user = NULL;
    s = open_store("webhdfs://127.0.0.1:%d/lake?user=bob", sv.nn, &o, err, sizeof err);
    CHECK(s != NULL);
    sl_store_close(s);
    CHECK(stat_of(&sv, "users.bob") >= 1);

    /* Delegation tokens: sent instead of user.name (the server refuses both). */
    o.token = "tok-wrong";
    s = open_store("webhdfs://127.0.0.1:%d/lake", sv.nn, &o, err, sizeof err);
    CHECK(s == NULL);
    CHECK(strstr(err, "InvalidToken") != NULL);
    CHECK(strstr(err, "tok-wrong") == NULL);
    o.token = "tok-123";
    o.user = "ignored-with-a-token";
    long long before = stat_of(&sv, "users.sluicetest");
    s = open_store("webhdfs://127.0.0.1:%d/lake", sv.nn, &o, err, sizeof err);
    REQUIRE(s != NULL);
    CHECK_EQ_INT(stat_of(&sv, "both_auth"), 0);
    CHECK(stat_of(&sv, "users.sluicetest") > before);

    /* Quota: fatal, named, nothing left behind. */
    size_t ch[] = { 65536 };
    CHECK(put_pattern(s, "q/ok", 1, 100000, ch, 1, err, sizeof err) == SL_OK);
    sl_err e = put_pattern(s, "q/big", 2, 1000000, ch, 1, err, sizeof err);
    CHECK(e == SL_ERR_FATAL);
    CHECK(strstr(err, "DSQuotaExceededException: The DiskSpace quota of /lake is exceeded") != NULL);
    CHECK(!local_exists(&sv, "/lake/q/big"));
    sl_store_close(s);
    server_stop(&sv);
}

static void test_store_ha(void)
{
    const char *args[] = { "--standby-first", NULL };
    server sv;
    REQUIRE(server_start(&sv, args) == 0);
    char err[1024] = "", uri[300];
    sl_store_opts o = { 0 };
    o.user = OWNER;
    /* The first NameNode is the standby. */
    snprintf(uri, sizeof uri, "webhdfs://127.0.0.1:%d,127.0.0.1:%d/lake?retries=2", sv.nn, sv.second);
    sl_store *s = sl_store_open(uri, &o, err, sizeof err);
    if (!s)
        fprintf(stderr, "  open: %s\n", err);
    REQUIRE(s != NULL);
    CHECK(stat_of(&sv, "standby_answers") >= 1);
    long long sb = stat_of(&sv, "standby_answers");
    CHECK(put_pattern(s, "x/f", 1, 600000, odd_chunks + 3, 1, err, sizeof err) == SL_OK);
    CHECK_EQ_INT(stat_of(&sv, "standby_answers"), sb); /* the active one is remembered */
    admin(&sv, "failover");
    sl_store_info st;
    CHECK(sl_store_stat(s, "x/f", &st, err, sizeof err) == SL_OK && st.size == 600000);
    CHECK_EQ_INT(stat_of(&sv, "standby_answers"), sb + 1);
    CHECK(sl_store_rename(s, "x/f", "x/g", err, sizeof err) == SL_OK);
    sl_store_close(s);

    /* An unreachable first NameNode (nothing listens on port 1). */
    snprintf(uri, sizeof uri, "webhdfs://127.0.0.1:1,127.0.0.1:%d/lake", sv.nn);
    s = sl_store_open(uri, &o, err, sizeof err);
    CHECK(s != NULL);
    CHECK(s && sl_store_stat(s, "x/g", &st, err, sizeof err) == SL_OK && st.size == 600000);
    sl_store_close(s);
    server_stop(&sv);
}

static void test_store_httpfs_and_rewrite(void)
{
    const char *args[] = { "--httpfs", "--datanode-host", "dn1.sluice.invalid", NULL };
    server sv;
    REQUIRE(server_start(&sv, args) == 0);
    char err[1024] = "";
    sl_store_opts o = { 0 };
    o.user = OWNER;
    sl_buf b = { 0 };

    /* Through the gateway: no DataNode request at all. */
    sl_store *s = open_store("webhdfs://127.0.0.1:%d/lake?httpfs=1", sv.gw, &o, err, sizeof err);
    REQUIRE(s != NULL);
    CHECK(put_pattern(s, "h/big", 5, 1500000, odd_chunks, 7, err, sizeof err) == SL_OK);
    CHECK(put_pattern(s, "h/small", 6, 300, odd_chunks, 7, err, sizeof err) == SL_OK);
    CHECK(sl_store_rename(s, "h/small", "h/small2", err, sizeof err) == SL_OK);
    CHECK(sl_store_read_all(s, "h/big", &b, err, sizeof err) == SL_OK && is_pattern(&b, 5, 1500000));
    CHECK(local_bytes(&sv, "/lake/h/small2", &b) == 0 && is_pattern(&b, 6, 300));
    CHECK_EQ_INT(stat_of(&sv, "ops.DN_CREATE"), 0);
    CHECK_EQ_INT(stat_of(&sv, "ops.DN_OPEN"), 0);
    CHECK(stat_of(&sv, "dn_uploads") == 2);
    sl_store_close(s);

    /* Redirects name a DataNode that does not resolve: fails clearly without a rule... */
    s = open_store("webhdfs://127.0.0.1:%d/lake?retries=0", sv.nn, &o, err, sizeof err);
    REQUIRE(s != NULL);
    CHECK(put_pattern(s, "r/f", 7, 1000, odd_chunks, 7, err, sizeof err) == SL_ERR_RETRY);
    CHECK(strstr(err, "DataNode dn1.sluice.invalid:") != NULL);
    sl_store_close(s);
    /* ...and works with one (URI option, and opts). */
    s = open_store("webhdfs://127.0.0.1:%d/lake?datanode_rewrite=dn1.sluice.invalid%%3D127.0.0.1", sv.nn, &o, err,
                   sizeof err);
    REQUIRE(s != NULL);
    CHECK(put_pattern(s, "r/f", 7, 700000, odd_chunks, 7, err, sizeof err) == SL_OK);
    CHECK(sl_store_read_all(s, "r/f", &b, err, sizeof err) == SL_OK);
    sl_store_close(s);
    o.datanode_rewrite = "dn1.sluice.invalid=localhost";
    s = open_store("webhdfs://127.0.0.1:%d/lake", sv.nn, &o, err, sizeof err);
    REQUIRE(s != NULL);
    b.len = 0;
    CHECK(sl_store_read_all(s, "r/f", &b, err, sizeof err) == SL_OK && is_pattern(&b, 7, 700000));
    CHECK(stat_of(&sv, "ops.DN_OPEN") >= 2);
    sl_store_close(s);
    sl_buf_free(&b);
    server_stop(&sv);
}

int main(void)
{
    unsetenv("HADOOP_TOKEN");
    unsetenv("HADOOP_USER_NAME");
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    T_RUN(test_uri_parse);
    T_RUN(test_rewrite);
    T_RUN(test_encode_redact);
    T_RUN(test_classify);
    T_RUN(test_answers);
    T_RUN(test_store_basics);
    T_RUN(test_store_faults);
    T_RUN(test_store_refusals);
    T_RUN(test_store_ha);
    T_RUN(test_store_httpfs_and_rewrite);
    curl_global_cleanup();
    return t_done();
}
