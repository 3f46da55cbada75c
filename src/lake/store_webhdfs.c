/*
 * store_webhdfs.c: the WebHDFS store (store.h) over libcurl, for HDFS clusters
 * (NameNode + DataNodes) and HttpFS gateways. docs/WEBHDFS.md is the user's guide.
 *
 * URI: webhdfs://NN1[:PORT][,NN2[:PORT]...]/PATH[?options] (swebhdfs:// for TLS);
 * options in webhdfs_util.h. sl_store_opts fields, when set, win over URI options,
 * which win over the environment (HADOOP_USER_NAME, HADOOP_TOKEN).
 *
 * Requests (REST API of the Hadoop docs), relative to the lake root:
 *   stat GETFILESTATUS, list LISTSTATUS, mkdirs GETFILESTATUS + MKDIRS(permission),
 *   rename RENAME (its {"boolean": false} is diagnosed, see wh_rename), delete DELETE,
 *   create: GETFILESTATUS (refuse an existing name), then, at the first flush, PUT
 *   op=CREATE&overwrite=false to the NameNode without data and without following the
 *   307, and one streaming PUT of the body to the DataNode of the Location (rewritten
 *   by the datanode_rewrite rule); finish waits for its 201, then GETFILESTATUS checks
 *   the length (and SETPERMISSION fixes a mode the cluster's umask changed);
 *   open_in: GETFILESTATUS, then every read_at is an OPEN with offset and length
 *   whose 307 is followed by hand (same rewrite). HttpFS (httpfs=1): one endpoint, no
 *   redirects, CREATE with data=true and Content-Type application/octet-stream.
 *
 * Streaming: write() gathers bytes in a 256 KiB buffer; when it is full the upload
 * starts and the buffer (and any large write) is pushed through a curl multi handle:
 * the read callback feeds from the caller's bytes and pauses the transfer when they
 * are used up, so write() returns once curl has taken them and no file is ever held
 * whole in memory. Many files can be open at once (one connection each). A file that
 * fits the buffer is sent at finish() with a Content-Length and, because all of it
 * is still at hand, is retried transparently when the upload fails; a streamed upload
 * that breaks cannot be replayed, so it fails with SL_ERR_RETRY and the lake's
 * protocol (abort, recovery) takes over.
 *
 * Failures: one request is tried on each NameNode of the list in turn while they
 * answer StandbyException or cannot be reached (the one that answers is remembered);
 * 5xx, timeouts, resets, safe mode and standby-everywhere are retried up to `retries`
 * times (default 5) with capped exponential backoff and jitter (100 ms doubling, cap
 * 5 s, half random), then reported as SL_ERR_RETRY. RemoteException answers are
 * reported by exception name and message and classified by sl_webhdfs_classify.
 * Secrets never reach a message: errors name the lake path and the op, and peers by
 * host:port only.
 *
 * Connections are reused: one easy handle per store for NameNode requests and reads,
 * one multi handle (with a small pool of easy handles) for uploads; both keep
 * connections alive. A store and its files are used by one thread at a time; files
 * must be finished or aborted before sl_store_close.
 */
#include "lake/store.h"

#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json/json.h"
#include "lake/webhdfs_util.h"

#define WH_UPLOAD_BUF (256u * 1024u)         /* default write buffer; curl's upload buffer */
#define WH_BODY_MAX ((size_t)256 << 20)      /* largest JSON answer (LISTSTATUS of a big folder) */
#define WH_ERRBODY_MAX ((size_t)64 << 10)    /* error bodies kept from DataNodes */
#define WH_POOL_MAX 8                        /* idle upload handles kept */
#define WH_MAX_CONNECTS 1024                 /* upload connections cached (busy + idle) */
#define WH_DIRS_MAX 65536                    /* known folders remembered */
#define WH_DEF_RETRIES 5
#define WH_DEF_TIMEOUT_MS 60000
#define WH_BACKOFF_BASE_MS 100
#define WH_BACKOFF_CAP_MS 5000
#define WH_WHERE_MAX 1200
#define WH_SEEN_SLOTS 1024                   /* files finished here, remembered for rename */

typedef enum wh_method { M_GET, M_PUT, M_DELETE } wh_method;

/* Known-existing folders (paths relative to the root), to spare MKDIRS round trips.
 * Open addressing; cleared whenever a folder may have gone (recursive delete,
 * rename of a folder). */
typedef struct dirset {
    char **slot;
    size_t cap, n;
} dirset;

/* A file this store finished: its length and time as the NameNode reported them. */
typedef struct seen_file {
    char *path;
    sl_store_info info;
} seen_file;

typedef struct wh_store {
    sl_store base;
    sl_webhdfs_uri uri;
    sl_webhdfs_rewrite *rw;
    char *user;            /* user.name for simple auth; NULL with a token or Kerberos */
    char *token;           /* delegation token or NULL */
    char *ca_file;
    char *base_shown;      /* "webhdfs://nn:9870/lake" (no trailing '/') for messages */
    int httpfs, kerberos, retries;
    long timeout_ms;
    size_t active;         /* NameNode that answered last */
    CURL *h;               /* NameNode requests and reads */
    CURLM *multi;          /* uploads */
    CURL *pool[WH_POOL_MAX];
    size_t npool;
    struct curl_slist *octet;
    sl_json_parser *jp;
    sl_buf url, body, loc, tmp, auth, root_enc;
    char curl_err[CURL_ERROR_SIZE];
    uint64_t rng;
    dirset dirs;
    seen_file seen[WH_SEEN_SLOTS]; /* direct-mapped by path hash */
    size_t bufsize;        /* write buffer of a file (buffer_kb) */
    int curl_inited;
} wh_store;

typedef struct wh_file {
    sl_store_file base;
    wh_store *s;
    char *path;
    uint8_t *buf;          /* s->bufsize bytes */
    size_t len;
    uint64_t written;      /* bytes accepted by write() */
    uint64_t sent;         /* bytes handed to curl */
    int started;           /* the upload request is under way */
    int created;           /* a (partial) file of ours may exist under path */
    int paused, eof, done;
    CURL *h;
    const uint8_t *src;    /* what the read callback feeds from */
    size_t src_len;
    CURLcode result;
    long code;
    sl_buf resp;
    char peer[300];        /* "DataNode host:port" / "HttpFS host:port" */
    sl_err failed;         /* sticky: once a write fails the file is dead */
    char fail_msg[768];
    char curl_err[CURL_ERROR_SIZE];
} wh_file;

/* Where an answer's body goes. */
typedef struct sink {
    CURL *h;
    sl_buf *buf;           /* JSON and error bodies, at most max bytes */
    size_t max;
    int overflow;
    uint8_t *dst;          /* the data of a 200 answer (ranged OPEN): at most dst_len bytes */
    size_t dst_len, got;
} sink;

/* ---------------------------------------------------------------- small helpers */

/* "webhdfs://nn:9870/lake/PATH" into out. */
static const char *where(const wh_store *s, const char *path, char *out, size_t n)
{
    if (path[0])
        snprintf(out, n, "%s/%s", s->base_shown, path);
    else
        snprintf(out, n, "%s%s", s->base_shown, s->uri.path[0] ? "" : "/");
    return out;
}

/* A short, one-line excerpt of a body for messages. */
static void excerpt(const uint8_t *b, size_t len, char *out, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < len && k + 4 < n && i < 160; i++)
        out[k++] = b[i] < 0x20 || b[i] >= 0x7f ? ' ' : (char)b[i];
    if (len > 160 && k + 4 < n) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = 0;
}

static uint64_t fnv1a(const char *p)
{
    uint64_t h = 1469598103934665603u;
    for (; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211u;
    return h;
}

static void dirset_clear(dirset *d)
{
    for (size_t i = 0; i < d->cap; i++) {
        free(d->slot[i]);
        d->slot[i] = NULL;
    }
    d->n = 0;
}

static int dirset_has(const dirset *d, const char *p)
{
    if (!d->cap)
        return 0;
    for (size_t i = fnv1a(p) & (d->cap - 1);; i = (i + 1) & (d->cap - 1)) {
        if (!d->slot[i])
            return 0;
        if (strcmp(d->slot[i], p) == 0)
            return 1;
    }
}

/* Adds p (a cache: out of memory just means it is not remembered). */
static void dirset_add1(dirset *d, const char *p, size_t n)
{
    if (d->n + 1 > d->cap / 2) {
        if (d->n >= WH_DIRS_MAX) {
            dirset_clear(d);
        } else {
            size_t nc = d->cap ? d->cap * 2 : 256;
            char **ns = calloc(nc, sizeof *ns);
            if (!ns)
                return;
            for (size_t i = 0; i < d->cap; i++) {
                if (!d->slot[i])
                    continue;
                size_t j = fnv1a(d->slot[i]) & (nc - 1);
                while (ns[j])
                    j = (j + 1) & (nc - 1);
                ns[j] = d->slot[i];
            }
            free(d->slot);
            d->slot = ns;
            d->cap = nc;
        }
    }
    char *c = strndup(p, n);
    if (!c)
        return;
    if (dirset_has(d, c)) {
        free(c);
        return;
    }
    size_t i = fnv1a(c) & (d->cap - 1);
    while (d->slot[i])
        i = (i + 1) & (d->cap - 1);
    d->slot[i] = c;
    d->n++;
}

/* Adds a folder and its ancestors. */
static void dirset_add(dirset *d, const char *p)
{
    size_t n = strlen(p);
    for (;;) {
        dirset_add1(d, p, n);
        while (n > 0 && p[n - 1] != '/')
            n--;
        if (n == 0)
            break;
        n--;
    }
}

static void dirset_free(dirset *d)
{
    dirset_clear(d);
    free(d->slot);
    memset(d, 0, sizeof *d);
}

/* Remembers what a finished file looked like (rename uses it instead of a
 * GETFILESTATUS of its source). A cache: a collision just forgets the older one. */
static void seen_put(wh_store *s, const char *path, const sl_store_info *st)
{
    seen_file *e = &s->seen[fnv1a(path) & (WH_SEEN_SLOTS - 1)];
    char *c = strdup(path);
    if (!c)
        return;
    free(e->path);
    e->path = c;
    e->info = *st;
}

static int seen_get(const wh_store *s, const char *path, sl_store_info *st)
{
    const seen_file *e = &s->seen[fnv1a(path) & (WH_SEEN_SLOTS - 1)];
    if (!e->path || strcmp(e->path, path) != 0)
        return 0;
    *st = e->info;
    return 1;
}

static void seen_drop(wh_store *s, const char *path)
{
    seen_file *e = &s->seen[fnv1a(path) & (WH_SEEN_SLOTS - 1)];
    if (e->path && strcmp(e->path, path) == 0) {
        free(e->path);
        e->path = NULL;
    }
}

static void seen_clear(wh_store *s)
{
    for (size_t i = 0; i < WH_SEEN_SLOTS; i++) {
        free(s->seen[i].path);
        s->seen[i].path = NULL;
    }
}

/* Sleeps before retry number attempt+1: capped exponential, half of it random. */
static void backoff(wh_store *s, int attempt)
{
    uint64_t cap = (uint64_t)WH_BACKOFF_BASE_MS << (attempt < 10 ? attempt : 10);
    if (cap > WH_BACKOFF_CAP_MS)
        cap = WH_BACKOFF_CAP_MS;
    s->rng ^= s->rng << 13;
    s->rng ^= s->rng >> 7;
    s->rng ^= s->rng << 17;
    uint64_t ms = cap / 2 + s->rng % (cap / 2 + 1);
    struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---------------------------------------------------------------- curl plumbing */

static size_t sink_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
    sink *k = ud;
    size_t n = size * nmemb;
    if (k->dst) {
        long code = 0;
        curl_easy_getinfo(k->h, CURLINFO_RESPONSE_CODE, &code);
        if (code == 200) {
            if (n > k->dst_len - k->got) {
                k->overflow = 1;
                return 0;
            }
            memcpy(k->dst + k->got, ptr, n);
            k->got += n;
            return n;
        }
    }
    if (n > k->max - k->buf->len || sl_buf_append(k->buf, ptr, n) != SL_OK) {
        k->overflow = 1;
        return 0;
    }
    return n;
}

static size_t empty_read(char *buf, size_t size, size_t nitems, void *ud)
{
    (void)buf;
    (void)size;
    (void)nitems;
    (void)ud;
    return 0;
}

/* Options every request shares: timeouts, keep-alive, TLS, authentication. */
static void set_common(wh_store *s, CURL *h)
{
    long connect_ms = s->timeout_ms < 15000 ? s->timeout_ms : 15000;
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "sluice/" SL_VERSION_STR);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
    if (s->ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, s->ca_file);
    if (s->kerberos) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_NEGOTIATE);
        curl_easy_setopt(h, CURLOPT_USERPWD, ":");
    }
}

/* Performs one request on the store's easy handle. The body goes to k (k->buf is
 * emptied first); a redirect's Location is copied into s->loc. */
static CURLcode perform(wh_store *s, const char *url, wh_method m, sink *k, long *code)
{
    CURL *h = s->h;
    curl_easy_reset(h);
    set_common(s, h);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s->curl_err);
    if (m == M_GET) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (m == M_PUT) {
        curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)0);
        curl_easy_setopt(h, CURLOPT_READFUNCTION, empty_read);
    } else {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE");
    }
    if (k->dst) {
        /* Data can be large: give up on a stalled transfer, not on a long one. */
        long secs = (s->timeout_ms + 999) / 1000;
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, secs);
    } else {
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, s->timeout_ms);
    }
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, k);
    k->h = h;
    k->buf->len = 0;
    k->got = 0;
    k->overflow = 0;
    s->curl_err[0] = 0;
    CURLcode cc = curl_easy_perform(h);
    *code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, code);
    s->loc.len = 0;
    if (*code >= 300 && *code < 400) {
        char *r = NULL;
        if (curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &r) == CURLE_OK && r)
            sl_buf_append(&s->loc, r, strlen(r) + 1);
    }
    return cc;
}

/* Judges one finished request: SL_OK when it is the wanted answer, else an error
 * naming the lake path, the op, the peer and what went wrong (RemoteException by
 * name and message). *try_next: another NameNode should be tried. *uncertain: the
 * server may have done the work even though the answer was lost. */
static sl_err judge(wh_store *s, const char *op, const char *path, const char *peer, CURLcode cc, long code,
                    long want, const sl_buf *body, int overflow, int is_data, const char *curl_err, int *try_next,
                    int *uncertain, char *errstr, size_t errstr_size)
{
    char w[WH_WHERE_MAX];
    *try_next = 0;
    where(s, path, w, sizeof w);
    if (cc == CURLE_OK && code == want)
        return SL_OK;
    char exc[128], msg[600];
    int has = code >= 400 && sl_webhdfs_remote_exception(s->jp, (const char *)body->data, body->len, exc,
                                                         sizeof exc, msg, sizeof msg);
    if (has) {
        sl_err e = sl_webhdfs_classify(code, exc, msg, try_next);
        if (code >= 500 && uncertain)
            *uncertain = 1;
        return sl_errf(e, errstr, errstr_size, "%s: %s: %s%s%s: %s", w, op, peer, peer[0] ? ": " : "",
                       exc[0] ? exc : "RemoteException", msg);
    }
    if (cc != CURLE_OK) {
        const char *why = curl_err && curl_err[0] ? curl_err : curl_easy_strerror(cc);
        if (cc == CURLE_SEND_FAIL_REWIND) /* libcurl wanted to resend a streamed body on a new connection */
            why = "the connection broke during the upload (a streamed upload cannot be sent again)";
        sl_err e = SL_ERR_RETRY;
        if (overflow && cc == CURLE_WRITE_ERROR) {
            if (is_data)
                return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size, "%s: %s: %s%sthe answer is longer than asked",
                               w, op, peer, peer[0] ? ": " : "");
            return sl_errf(SL_ERR_LIMIT, errstr, errstr_size, "%s: %s: %s%sthe answer is too large", w, op, peer,
                           peer[0] ? ": " : "");
        }
        switch (cc) {
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
            *try_next = 1;
            break;
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_PARTIAL_FILE:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
            if (uncertain)
                *uncertain = 1;
            break;
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
        case CURLE_LOGIN_DENIED:
            e = SL_ERR_FATAL;
            break;
        case CURLE_OUT_OF_MEMORY:
            e = SL_ERR_NOMEM;
            break;
        default:
            break;
        }
        return sl_errf(e, errstr, errstr_size, "%s: %s: %s%s%s", w, op, peer, peer[0] ? ": " : "", why);
    }
    if (code >= 400) {
        int dummy;
        sl_err e = sl_webhdfs_classify(code, "", "", &dummy);
        char ex[200];
        excerpt(body->data, body->len, ex, sizeof ex);
        if (code >= 500 && uncertain)
            *uncertain = 1;
        if (code == 401)
            return sl_errf(SL_ERR_FATAL, errstr, errstr_size,
                           "%s: %s: %s%sHTTP 401 Unauthorized (the cluster wants Kerberos (auth=kerberos) or a "
                           "delegation token)",
                           w, op, peer, peer[0] ? ": " : "");
        return sl_errf(e, errstr, errstr_size, "%s: %s: %s%sHTTP %ld%s%s", w, op, peer, peer[0] ? ": " : "", code,
                       ex[0] ? ": " : "", ex);
    }
    return sl_errf(SL_ERR_IO, errstr, errstr_size, "%s: %s: %s%sunexpected HTTP %ld (wanted %ld)", w, op, peer,
                   peer[0] ? ": " : "", code, want);
}

/* Builds the NameNode (or gateway) URL of op on path into u. extra is appended
 * as is (already encoded, starting with '&'). */
static sl_err build_url(wh_store *s, sl_buf *u, size_t host, const char *op, const char *path, const char *extra)
{
    u->len = 0;
    sl_err e = sl_buf_printf(u, "%s://%s/webhdfs/v1%s", s->uri.tls ? "https" : "http", s->uri.hosts[host],
                             s->root_enc.len ? (const char *)s->root_enc.data : "");
    if (e == SL_OK && path[0]) {
        e = sl_buf_append(u, "/", 1);
        if (e == SL_OK)
            e = sl_webhdfs_pct_encode(u, path, strlen(path), 1);
    } else if (e == SL_OK && s->root_enc.len == 0) {
        e = sl_buf_append(u, "/", 1);
    }
    if (e == SL_OK)
        e = sl_buf_printf(u, "?op=%s%s%s", op, s->auth.len ? (const char *)s->auth.data : "", extra ? extra : "");
    return e;
}

/* One NameNode request with HA failover and retries (see the file comment). On
 * SL_OK the body is in s->body (or, for a 200 with dst, in dst: *got bytes) and a
 * 307's Location in s->loc. *uncertain (may be NULL) is set when an attempt may
 * have been carried out although its answer was lost. */
static sl_err nn_call(wh_store *s, wh_method m, const char *op, const char *path, const char *extra, long want,
                      uint8_t *dst, size_t dst_len, size_t *got, int *uncertain, char *errstr, size_t errstr_size)
{
    sink k = { NULL, &s->body, WH_BODY_MAX, 0, dst, dst_len, 0 };
    sl_err e = SL_OK;
    int attempt;
    if (uncertain)
        *uncertain = 0;
    for (attempt = 0;; attempt++) {
        int next = 0;
        for (size_t t = 0; t < s->uri.nhosts; t++) {
            size_t i = (s->active + t) % s->uri.nhosts;
            if (build_url(s, &s->url, i, op, path, extra) != SL_OK)
                return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
            long code;
            CURLcode cc = perform(s, (const char *)s->url.data, m, &k, &code);
            char peer[300] = "";
            if (s->uri.nhosts > 1 || cc != CURLE_OK)
                snprintf(peer, sizeof peer, "%s %s", s->httpfs ? "HttpFS" : "NameNode", s->uri.hosts[i]);
            e = judge(s, op, path, peer, cc, code, want, &s->body, k.overflow, dst != NULL, s->curl_err, &next,
                      uncertain, errstr, errstr_size);
            if (e == SL_OK) {
                s->active = i;
                if (got)
                    *got = k.got;
                return SL_OK;
            }
            if (!next)
                break;
        }
        if (e != SL_ERR_RETRY || attempt >= s->retries)
            break;
        backoff(s, attempt);
    }
    if (e == SL_ERR_RETRY && attempt > 0 && errstr && errstr_size) {
        size_t l = strlen(errstr);
        snprintf(errstr + l, errstr_size - l, " (%d attempts)", attempt + 1);
    }
    return e;
}

/* Parses the GETFILESTATUS answer in s->body. */
static sl_err parse_status(wh_store *s, const char *path, sl_store_info *st, unsigned *perm, char *owner,
                           size_t owner_size, char *errstr, size_t errstr_size)
{
    char w[WH_WHERE_MAX], why[200];
    sl_json_error jerr;
    const sl_json_val *root = s->body.len ? sl_json_parse(s->jp, (const char *)s->body.data, s->body.len, &jerr)
                                          : NULL;
    const sl_json_val *fs = root && sl_json_get_type(root) == SL_JSON_OBJECT
                                ? sl_json_obj_get(root, "FileStatus", 10)
                                : NULL;
    if (!fs)
        return sl_errf(SL_ERR_PARSE, errstr, errstr_size, "%s: GETFILESTATUS: the answer has no FileStatus object",
                       where(s, path, w, sizeof w));
    if (sl_webhdfs_status_parse(fs, st, perm, NULL, NULL, owner, owner_size, why, sizeof why) != SL_OK)
        return sl_errf(SL_ERR_PARSE, errstr, errstr_size, "%s: GETFILESTATUS: %s", where(s, path, w, sizeof w), why);
    return SL_OK;
}

static sl_err stat_full(wh_store *s, const char *path, sl_store_info *st, unsigned *perm, char *owner,
                        size_t owner_size, char *errstr, size_t errstr_size)
{
    sl_err e = nn_call(s, M_GET, "GETFILESTATUS", path, NULL, 200, NULL, 0, NULL, NULL, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    return parse_status(s, path, st, perm, owner, owner_size, errstr, errstr_size);
}

/* Parses a {"boolean": ...} answer in s->body. */
static sl_err answer_bool(wh_store *s, const char *op, const char *path, int *value, char *errstr,
                          size_t errstr_size)
{
    char w[WH_WHERE_MAX], why[200];
    if (sl_webhdfs_boolean_parse(s->jp, (const char *)s->body.data, s->body.len, value, why, sizeof why) != SL_OK)
        return sl_errf(SL_ERR_PARSE, errstr, errstr_size, "%s: %s: %s", where(s, path, w, sizeof w), op, why);
    return SL_OK;
}

static sl_err set_permission(wh_store *s, const char *path, unsigned mode, char *errstr, size_t errstr_size)
{
    char extra[32];
    snprintf(extra, sizeof extra, "&permission=%o", mode & 07777);
    return nn_call(s, M_PUT, "SETPERMISSION", path, extra, 200, NULL, 0, NULL, NULL, errstr, errstr_size);
}

/* ---------------------------------------------------------------- folders */

/* mkdir -p: known folders cost nothing; an existing one costs a GETFILESTATUS; a
 * new one MKDIRS with the store's mode, then its mode is checked (a cluster umask
 * may have narrowed it) and set with SETPERMISSION when it differs. */
static sl_err wh_mkdirs(sl_store *base, const char *path, char *errstr, size_t errstr_size)
{
    wh_store *s = (wh_store *)base;
    char w[WH_WHERE_MAX];
    sl_store_info st;
    unsigned perm = 0;
    if (!path[0] || dirset_has(&s->dirs, path))
        return SL_OK;
    sl_err e = stat_full(s, path, &st, &perm, NULL, 0, errstr, errstr_size);
    if (e == SL_OK && !st.is_dir)
        return sl_errf(SL_ERR_EXISTS, errstr, errstr_size, "%s: exists and is not a folder",
                       where(s, path, w, sizeof w));
    if (e == SL_ERR_NOTFOUND) {
        char extra[32];
        int ok = 0;
        snprintf(extra, sizeof extra, "&permission=%o", s->base.opts.dir_mode & 07777);
        e = nn_call(s, M_PUT, "MKDIRS", path, extra, 200, NULL, 0, NULL, NULL, errstr, errstr_size);
        if (e == SL_OK)
            e = answer_bool(s, "MKDIRS", path, &ok, errstr, errstr_size);
        if (e == SL_OK && !ok)
            e = sl_errf(SL_ERR_IO, errstr, errstr_size, "%s: MKDIRS answered false", where(s, path, w, sizeof w));
        if (e == SL_OK)
            e = stat_full(s, path, &st, &perm, NULL, 0, errstr, errstr_size);
        if (e == SL_OK && perm != (s->base.opts.dir_mode & 07777))
            e = set_permission(s, path, s->base.opts.dir_mode, errstr, errstr_size);
    }
    if (e == SL_OK)
        dirset_add(&s->dirs, path);
    return e;
}

/* Creates the parent folders of path. */
static sl_err mkdirs_parent(wh_store *s, const char *path, char *errstr, size_t errstr_size)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return SL_OK;
    char *dir = strndup(path, (size_t)(slash - path));
    if (!dir)
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    sl_err e = wh_mkdirs(&s->base, dir, errstr, errstr_size);
    free(dir);
    return e;
}

/* ---------------------------------------------------------------- uploads */

static size_t upload_read(char *buf, size_t size, size_t nitems, void *ud)
{
    wh_file *f = ud;
    size_t room = size * nitems;
    if (f->src_len == 0) {
        if (f->eof)
            return 0;
        f->paused = 1;
        return CURL_READFUNC_PAUSE;
    }
    size_t k = f->src_len < room ? f->src_len : room;
    memcpy(buf, f->src, k);
    f->src += k;
    f->src_len -= k;
    f->sent += k;
    return k;
}

static size_t upload_answer(char *ptr, size_t size, size_t nmemb, void *ud)
{
    wh_file *f = ud;
    size_t n = size * nmemb;
    if (f->resp.len < WH_ERRBODY_MAX)
        sl_buf_append(&f->resp, ptr, n < WH_ERRBODY_MAX - f->resp.len ? n : WH_ERRBODY_MAX - f->resp.len);
    return n;
}

static CURL *pool_get(wh_store *s)
{
    CURL *h = s->npool ? s->pool[--s->npool] : curl_easy_init();
    if (h)
        curl_easy_reset(h);
    return h;
}

static void pool_put(wh_store *s, CURL *h)
{
    if (s->npool < WH_POOL_MAX)
        s->pool[s->npool++] = h;
    else
        curl_easy_cleanup(h);
}

/* Takes f's handle out of the multi (aborting a transfer under way). */
static void detach(wh_file *f)
{
    if (!f->h)
        return;
    curl_multi_remove_handle(f->s->multi, f->h);
    pool_put(f->s, f->h);
    f->h = NULL;
}

/* Records finished transfers of the store's multi handle in their files. */
static void reap(wh_store *s)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(s->multi, &left)) != NULL) {
        if (m->msg != CURLMSG_DONE)
            continue;
        char *pv = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &pv);
        wh_file *g = (wh_file *)pv;
        if (!g)
            continue;
        g->done = 1;
        g->result = m->data.result;
        g->code = 0;
        curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &g->code);
    }
}

/* Starts f's upload: the NameNode's CREATE redirect (or the gateway URL), then the
 * streaming PUT on a handle of the multi. size: the body length, or -1 (chunked). */
static sl_err upload_begin(wh_file *f, curl_off_t size, char *errstr, size_t errstr_size)
{
    wh_store *s = f->s;
    char extra[96], w[WH_WHERE_MAX], hp[256];
    sl_err e;
    snprintf(extra, sizeof extra, "&overwrite=false&permission=%o%s", s->base.opts.file_mode & 07777,
             s->httpfs ? "&data=true" : "");
    s->tmp.len = 0;
    if (s->httpfs) {
        if (build_url(s, &s->tmp, s->active, "CREATE", f->path, extra) != SL_OK)
            return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        snprintf(f->peer, sizeof f->peer, "HttpFS %s", s->uri.hosts[s->active]);
    } else {
        e = nn_call(s, M_PUT, "CREATE", f->path, extra, 307, NULL, 0, NULL, NULL, errstr, errstr_size);
        if (e != SL_OK)
            return e;
        if (!s->loc.len)
            return sl_errf(SL_ERR_IO, errstr, errstr_size, "%s: CREATE: the NameNode's 307 has no Location",
                           where(s, f->path, w, sizeof w));
        e = sl_webhdfs_rewrite_apply(s->rw, (const char *)s->loc.data, &s->tmp);
        if (e != SL_OK) {
            char red[300];
            sl_webhdfs_redact((const char *)s->loc.data, red, sizeof red);
            return sl_errf(e == SL_ERR_NOMEM ? e : SL_ERR_IO, errstr, errstr_size,
                           "%s: CREATE: cannot use the redirect Location '%s'", where(s, f->path, w, sizeof w), red);
        }
        sl_webhdfs_url_hostport((const char *)s->tmp.data, hp, sizeof hp);
        snprintf(f->peer, sizeof f->peer, "DataNode %s", hp);
    }
    CURL *h = pool_get(s);
    if (!h)
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    set_common(s, h);
    curl_easy_setopt(h, CURLOPT_URL, (const char *)s->tmp.data);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, size);
    curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, (long)WH_UPLOAD_BUF);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, upload_read);
    curl_easy_setopt(h, CURLOPT_READDATA, f);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, s->octet);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, upload_answer);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, f);
    curl_easy_setopt(h, CURLOPT_PRIVATE, (void *)f);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, f->curl_err);
    f->curl_err[0] = 0;
    f->resp.len = 0;
    f->sent = 0;
    f->paused = f->eof = f->done = 0;
    f->result = CURLE_OK;
    f->code = 0;
    if (curl_multi_add_handle(s->multi, h) != CURLM_OK) {
        pool_put(s, h);
        return sl_errf(SL_ERR_IO, errstr, errstr_size, "%s: CREATE: cannot start the upload",
                       where(s, f->path, w, sizeof w));
    }
    f->h = h;
    f->started = 1;
    f->created = 1;
    return SL_OK;
}

/* Runs the store's transfers until f's source is used up and curl asks for more
 * (or, with until_done, until f's transfer ends). A transfer that makes no progress
 * for the store's timeout is abandoned (SL_ERR_RETRY). */
static sl_err drive(wh_file *f, int until_done, char *errstr, size_t errstr_size)
{
    wh_store *s = f->s;
    char w[WH_WHERE_MAX];
    uint64_t last_sent = f->sent, since = sl_now_ns();
    for (;;) {
        int running = 0;
        CURLMcode mc = curl_multi_perform(s->multi, &running);
        if (mc != CURLM_OK)
            return sl_errf(SL_ERR_IO, errstr, errstr_size, "%s: upload: %s", where(s, f->path, w, sizeof w),
                           curl_multi_strerror(mc));
        reap(s);
        if (f->done)
            return SL_OK;
        if (!until_done && f->src_len == 0 && f->paused)
            return SL_OK;
        uint64_t now = sl_now_ns();
        if (f->sent != last_sent) {
            last_sent = f->sent;
            since = now;
        } else if (now - since > (uint64_t)s->timeout_ms * 1000000u) {
            return sl_errf(SL_ERR_RETRY, errstr, errstr_size, "%s: CREATE: %s: no progress for %ld ms",
                           where(s, f->path, w, sizeof w), f->peer, s->timeout_ms);
        }
        mc = curl_multi_poll(s->multi, NULL, 0, 200, NULL);
        if (mc != CURLM_OK)
            return sl_errf(SL_ERR_IO, errstr, errstr_size, "%s: upload: %s", where(s, f->path, w, sizeof w),
                           curl_multi_strerror(mc));
    }
}

/* Verdict on a finished upload: 201 (DataNode) or 200/201 (HttpFS) after all bytes. */
static sl_err upload_result(wh_file *f, char *errstr, size_t errstr_size)
{
    wh_store *s = f->s;
    int next, unc = 0;
    if (f->result == CURLE_OK && (f->code == 201 || (s->httpfs && f->code == 200)) && f->eof && f->src_len == 0)
        return SL_OK;
    long want = f->code == 200 && s->httpfs ? 200 : 201;
    sl_err e = judge(s, "CREATE", f->path, f->peer, f->result, f->code, want, &f->resp, 0, 0, f->curl_err, &next,
                     &unc, errstr, errstr_size);
    if (e == SL_OK) {
        char w[WH_WHERE_MAX];
        e = sl_errf(SL_ERR_RETRY, errstr, errstr_size, "%s: CREATE: %s: the upload ended before all data was sent",
                    where(s, f->path, w, sizeof w), f->peer);
    }
    if (e == SL_ERR_EXISTS)
        f->created = 0; /* someone else's file: not ours to delete */
    return e;
}

/* Feeds data[0..n) into f's running upload. */
static sl_err push(wh_file *f, const void *data, size_t n, char *errstr, size_t errstr_size)
{
    f->src = data;
    f->src_len = n;
    if (f->paused) {
        f->paused = 0;
        curl_easy_pause(f->h, CURLPAUSE_CONT);
    }
    sl_err e = drive(f, 0, errstr, errstr_size);
    if (e == SL_OK && f->done)
        e = upload_result(f, errstr, errstr_size);
    f->src = NULL;
    return e;
}

/* Marks f dead with e (message kept for later calls) and returns e. */
static sl_err file_fail(wh_file *f, sl_err e, const char *msg, char *errstr, size_t errstr_size)
{
    f->failed = e;
    snprintf(f->fail_msg, sizeof f->fail_msg, "%s", msg);
    detach(f);
    return sl_errf(e, errstr, errstr_size, "%s", f->fail_msg);
}

static sl_err file_write(sl_store_file *base, const void *data, size_t n, char *errstr, size_t errstr_size)
{
    wh_file *f = (wh_file *)base;
    char msg[768] = "";
    if (f->failed != SL_OK)
        return sl_errf(f->failed, errstr, errstr_size, "%s", f->fail_msg);
    if (n <= f->s->bufsize - f->len) {
        memcpy(f->buf + f->len, data, n);
        f->len += n;
        f->written += n;
        return SL_OK;
    }
    sl_err e = SL_OK;
    if (!f->started)
        e = upload_begin(f, -1, msg, sizeof msg);
    if (e == SL_OK && f->len) {
        e = push(f, f->buf, f->len, msg, sizeof msg);
        if (e == SL_OK)
            f->len = 0;
    }
    if (e == SL_OK) {
        if (n >= f->s->bufsize / 2) {
            e = push(f, data, n, msg, sizeof msg);
        } else {
            memcpy(f->buf, data, n);
            f->len = n;
        }
    }
    if (e != SL_OK)
        return file_fail(f, e, msg, errstr, errstr_size);
    f->written += n;
    return SL_OK;
}

/* Best-effort removal of f's partial file. */
static void remove_partial(wh_file *f)
{
    char ignore[256];
    if (!f->created)
        return;
    nn_call(f->s, M_DELETE, "DELETE", f->path, "&recursive=false", 200, NULL, 0, NULL, NULL, ignore, sizeof ignore);
    f->created = 0;
}

/* Sends a file that is whole in the buffer, with its length, retrying the upload
 * (after removing a partial file) when it fails in a way worth retrying. */
static sl_err upload_whole(wh_file *f, char *errstr, size_t errstr_size)
{
    wh_store *s = f->s;
    for (int attempt = 0;; attempt++) {
        sl_err e = upload_begin(f, (curl_off_t)f->len, errstr, errstr_size);
        if (e != SL_OK)
            return e; /* the NameNode step has retried already */
        f->src = f->buf;
        f->src_len = f->len;
        f->eof = 1;
        e = drive(f, 1, errstr, errstr_size);
        if (e == SL_OK)
            e = upload_result(f, errstr, errstr_size);
        f->src = NULL;
        detach(f);
        if (e == SL_OK || e != SL_ERR_RETRY || attempt >= s->retries)
            return e;
        remove_partial(f);
        backoff(s, attempt);
    }
}

static void file_free(wh_file *f)
{
    detach(f);
    sl_buf_free(&f->resp);
    free(f->buf);
    free(f->path);
    free(f);
}

/* Ends the upload (or sends the whole small file), waits for the 201, then checks
 * with GETFILESTATUS that the cluster holds exactly the bytes written, fixing the
 * mode if the cluster's umask changed it. A failure removes the partial file. */
static sl_err file_finish(sl_store_file *base, char *errstr, size_t errstr_size)
{
    wh_file *f = (wh_file *)base;
    wh_store *s = f->s;
    char w[WH_WHERE_MAX];
    sl_err e = f->failed;
    if (e != SL_OK) {
        sl_errf(e, errstr, errstr_size, "%s", f->fail_msg);
        goto out;
    }
    if (!f->started) {
        e = upload_whole(f, errstr, errstr_size);
    } else {
        if (f->len) {
            e = push(f, f->buf, f->len, errstr, errstr_size);
            f->len = 0;
        }
        if (e == SL_OK) {
            f->eof = 1;
            if (f->paused) {
                f->paused = 0;
                curl_easy_pause(f->h, CURLPAUSE_CONT);
            }
            e = drive(f, 1, errstr, errstr_size);
            if (e == SL_OK)
                e = upload_result(f, errstr, errstr_size);
        }
        detach(f);
    }
    if (e == SL_OK) {
        sl_store_info st;
        unsigned perm = 0;
        e = stat_full(s, f->path, &st, &perm, NULL, 0, errstr, errstr_size);
        if (e == SL_OK && (st.is_dir || st.size != f->written))
            e = sl_errf(SL_ERR_RETRY, errstr, errstr_size,
                        "%s: the upload ended but the NameNode reports %" PRIu64 " bytes, not %" PRIu64,
                        where(s, f->path, w, sizeof w), st.size, f->written);
        if (e == SL_OK && perm != (s->base.opts.file_mode & 07777))
            e = set_permission(s, f->path, s->base.opts.file_mode, errstr, errstr_size);
        if (e == SL_OK)
            seen_put(s, f->path, &st);
    }
out:
    if (e != SL_OK) {
        detach(f);
        remove_partial(f);
    }
    file_free(f);
    return e;
}

static void file_abort(sl_store_file *base)
{
    wh_file *f = (wh_file *)base;
    detach(f);
    remove_partial(f);
    file_free(f);
}

/* Refuses an existing name (GETFILESTATUS), creates the parent folders, and sets up
 * the file; nothing is sent until the buffer fills or finish. */
static sl_err wh_create(sl_store *base, const char *path, sl_store_file **out, char *errstr, size_t errstr_size)
{
    wh_store *s = (wh_store *)base;
    char w[WH_WHERE_MAX];
    sl_store_info st;
    sl_err e = mkdirs_parent(s, path, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    e = stat_full(s, path, &st, NULL, NULL, 0, errstr, errstr_size);
    if (e == SL_OK)
        return sl_errf(SL_ERR_EXISTS, errstr, errstr_size, "%s: already exists", where(s, path, w, sizeof w));
    if (e != SL_ERR_NOTFOUND)
        return e;
    wh_file *f = calloc(1, sizeof *f);
    if (!f)
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    f->s = s;
    f->path = strdup(path);
    f->buf = malloc(s->bufsize);
    if (!f->path || !f->buf) {
        file_free(f);
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    }
    f->base.write = file_write;
    f->base.finish = file_finish;
    f->base.abort = file_abort;
    *out = &f->base;
    return SL_OK;
}

/* ---------------------------------------------------------------- rename, delete, stat, list */

/* Appends "&destination=<root>/<to>" (encoded). */
static sl_err destination(wh_store *s, const char *to, sl_buf *out)
{
    out->len = 0;
    sl_err e = sl_buf_printf(out, "&destination=");
    if (e == SL_OK)
        e = sl_webhdfs_pct_encode(out, s->uri.path, strlen(s->uri.path), 1);
    if (e == SL_OK)
        e = sl_buf_append(out, "/", 1);
    if (e == SL_OK)
        e = sl_webhdfs_pct_encode(out, to, strlen(to), 1);
    return e;
}

/* RENAME never overwrites on HDFS. Its {"boolean": false} says nothing of why, so it
 * is diagnosed: destination exists -> SL_ERR_EXISTS, unless the source is gone and
 * the destination is the source file itself (same length and modification time as
 * the source had before: renames keep both), which means an earlier try whose answer
 * was lost did it (libcurl also resends a request silently when a kept-alive
 * connection dies under it) -> SL_OK; source missing -> SL_ERR_NOTFOUND; destination
 * folder missing -> created, then tried again; anything else is retried, then
 * SL_ERR_RETRY. HDFS moves a source INTO a destination that is an existing folder;
 * a destination known to be a folder is refused with SL_ERR_EXISTS first (the lake
 * only ever renames files onto new names, which HDFS never overwrites). */
static sl_err wh_rename(sl_store *base, const char *from, const char *to, char *errstr, size_t errstr_size)
{
    wh_store *s = (wh_store *)base;
    char w[WH_WHERE_MAX], w2[WH_WHERE_MAX];
    sl_buf dest = { 0 };
    sl_store_info st, src;
    int was_dir = dirset_has(&s->dirs, from);
    sl_err e = seen_get(s, from, &src) ? SL_OK : stat_full(s, from, &src, NULL, NULL, 0, errstr, errstr_size);
    if (e == SL_ERR_NOTFOUND)
        e = sl_errf(SL_ERR_NOTFOUND, errstr, errstr_size, "%s: RENAME to %s: the source does not exist",
                    where(s, from, w, sizeof w), where(s, to, w2, sizeof w2));
    if (e == SL_OK && src.is_dir)
        was_dir = 1;
    if (e == SL_OK && dirset_has(&s->dirs, to))
        e = sl_errf(SL_ERR_EXISTS, errstr, errstr_size, "%s: RENAME to %s: the destination is a folder",
                    where(s, from, w, sizeof w), where(s, to, w2, sizeof w2));
    if (e == SL_OK)
        e = mkdirs_parent(s, to, errstr, errstr_size);
    if (e == SL_OK && destination(s, to, &dest) != SL_OK)
        e = sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    for (int attempt = 0; e == SL_OK; attempt++) {
        int ok = 0, uncertain = 0;
        e = nn_call(s, M_PUT, "RENAME", from, (const char *)dest.data, 200, NULL, 0, NULL, &uncertain, errstr,
                    errstr_size);
        if (e == SL_OK)
            e = answer_bool(s, "RENAME", from, &ok, errstr, errstr_size);
        if (e != SL_OK || ok)
            break;
        /* false: find out why */
        sl_err ef = stat_full(s, from, &st, NULL, NULL, 0, errstr, errstr_size);
        sl_err et = ef == SL_OK || ef == SL_ERR_NOTFOUND ? stat_full(s, to, &st, NULL, NULL, 0, errstr, errstr_size)
                                                        : ef;
        if (ef != SL_OK && ef != SL_ERR_NOTFOUND) {
            e = ef;
        } else if (et != SL_OK && et != SL_ERR_NOTFOUND) {
            e = et;
        } else if (et == SL_OK) {
            int ours = ef == SL_ERR_NOTFOUND && !st.is_dir && !src.is_dir && st.size == src.size &&
                       st.mtime_ms == src.mtime_ms;
            e = ours || (ef == SL_ERR_NOTFOUND && uncertain)
                    ? SL_OK
                    : sl_errf(SL_ERR_EXISTS, errstr, errstr_size, "%s: RENAME to %s: the destination exists",
                              where(s, from, w, sizeof w), where(s, to, w2, sizeof w2));
        } else if (ef == SL_ERR_NOTFOUND) {
            e = sl_errf(SL_ERR_NOTFOUND, errstr, errstr_size, "%s: RENAME to %s: the source does not exist",
                        where(s, from, w, sizeof w), where(s, to, w2, sizeof w2));
        } else {
            /* Maybe the destination folder went away under us: forget what we knew. */
            dirset_clear(&s->dirs);
            e = mkdirs_parent(s, to, errstr, errstr_size);
            if (e == SL_OK && attempt >= s->retries)
                e = sl_errf(SL_ERR_RETRY, errstr, errstr_size,
                            "%s: RENAME to %s answered false although the source exists and the destination "
                            "does not (%d attempts)",
                            where(s, from, w, sizeof w), where(s, to, w2, sizeof w2), attempt + 1);
            if (e == SL_OK)
                backoff(s, attempt);
            continue;
        }
        break;
    }
    if (e == SL_OK && was_dir)
        dirset_clear(&s->dirs);
    if (e == SL_OK)
        seen_drop(s, from);
    sl_buf_free(&dest);
    return e;
}

/* DELETE answers false for a path that does not exist: that is SL_OK too. */
static sl_err wh_del(sl_store *base, const char *path, int recursive, char *errstr, size_t errstr_size)
{
    wh_store *s = (wh_store *)base;
    int ok = 0;
    sl_err e = nn_call(s, M_DELETE, "DELETE", path, recursive ? "&recursive=true" : "&recursive=false", 200, NULL,
                       0, NULL, NULL, errstr, errstr_size);
    if (e == SL_OK)
        e = answer_bool(s, "DELETE", path, &ok, errstr, errstr_size);
    if (recursive || dirset_has(&s->dirs, path)) {
        dirset_clear(&s->dirs);
        seen_clear(s);
    }
    seen_drop(s, path);
    return e;
}

static sl_err wh_stat(sl_store *base, const char *path, sl_store_info *st, char *errstr, size_t errstr_size)
{
    return stat_full((wh_store *)base, path, st, NULL, NULL, 0, errstr, errstr_size);
}

/* LISTSTATUS; the names are copied out of the answer before the callback runs, so
 * the callback may use the store. */
static sl_err wh_list(sl_store *base, const char *dir, sl_store_list_cb cb, void *ctx, char *errstr,
                      size_t errstr_size)
{
    wh_store *s = (wh_store *)base;
    char w[WH_WHERE_MAX], why[300];
    sl_webhdfs_entry *ents = NULL;
    size_t n = 0, cap = 0;
    sl_buf names = { 0 };
    int is_file = 0;
    sl_err e = nn_call(s, M_GET, "LISTSTATUS", dir, NULL, 200, NULL, 0, NULL, NULL, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    e = sl_webhdfs_list_parse(s->jp, (const char *)s->body.data, s->body.len, &ents, &n, &cap, &names, &is_file,
                              why, sizeof why);
    if (e != SL_OK)
        e = sl_errf(e, errstr, errstr_size, "%s: LISTSTATUS: %s", where(s, dir, w, sizeof w), why);
    else if (is_file)
        e = sl_errf(SL_ERR_NOTFOUND, errstr, errstr_size, "%s: LISTSTATUS: is a file, not a folder",
                    where(s, dir, w, sizeof w));
    for (size_t i = 0; e == SL_OK && i < n; i++)
        if (cb(ctx, ents[i].name, &ents[i].info) != 0)
            break;
    free(ents);
    sl_buf_free(&names);
    return e;
}

/* ---------------------------------------------------------------- reads */

typedef struct wh_in {
    wh_store *s;
    char *path;
} wh_in;

/* Reads [off, off+n) with OPEN: the NameNode's 307 is followed by hand (rewrite
 * applied); HttpFS answers the data itself. Retried as a whole. */
static sl_err read_range(wh_store *s, const char *path, uint64_t off, uint8_t *dst, size_t n, char *errstr,
                         size_t errstr_size)
{
    char extra[80], w[WH_WHERE_MAX];
    snprintf(extra, sizeof extra, "&offset=%" PRIu64 "&length=%zu", off, n);
    for (int attempt = 0;; attempt++) {
        size_t got = 0;
        sl_err e;
        if (s->httpfs) {
            e = nn_call(s, M_GET, "OPEN", path, extra, 200, dst, n, &got, NULL, errstr, errstr_size);
            if (e != SL_OK)
                return e;
        } else {
            e = nn_call(s, M_GET, "OPEN", path, extra, 307, NULL, 0, NULL, NULL, errstr, errstr_size);
            if (e != SL_OK)
                return e;
            s->tmp.len = 0;
            if (!s->loc.len || sl_webhdfs_rewrite_apply(s->rw, (const char *)s->loc.data, &s->tmp) != SL_OK)
                return sl_errf(SL_ERR_IO, errstr, errstr_size, "%s: OPEN: the NameNode's 307 has no usable Location",
                               where(s, path, w, sizeof w));
            char hp[256], peer[300];
            sl_webhdfs_url_hostport((const char *)s->tmp.data, hp, sizeof hp);
            snprintf(peer, sizeof peer, "DataNode %s", hp);
            sink k = { NULL, &s->body, WH_ERRBODY_MAX, 0, dst, n, 0 };
            long code;
            int next;
            CURLcode cc = perform(s, (const char *)s->tmp.data, M_GET, &k, &code);
            e = judge(s, "OPEN", path, peer, cc, code, 200, &s->body, k.overflow, 1, s->curl_err, &next, NULL,
                      errstr, errstr_size);
            got = k.got;
        }
        if (e == SL_OK && got != n)
            e = sl_errf(SL_ERR_RETRY, errstr, errstr_size, "%s: OPEN: got %zu of %zu bytes at offset %" PRIu64,
                        where(s, path, w, sizeof w), got, n, off);
        if (e == SL_OK || e != SL_ERR_RETRY || attempt >= s->retries)
            return e;
        backoff(s, attempt);
    }
}

static sl_err in_read_at(const sl_in *in, uint64_t off, void *dst, size_t n, char *errstr, size_t errstr_size)
{
    const wh_in *wi = in->ctx;
    char w[WH_WHERE_MAX];
    if (off > in->size || n > in->size - off)
        return sl_errf(SL_ERR_CORRUPT, errstr, errstr_size,
                       "%s: read of %zu bytes at offset %" PRIu64 " is past the end (%" PRIu64 " bytes)",
                       where(wi->s, wi->path, w, sizeof w), n, off, in->size);
    if (n == 0)
        return SL_OK;
    return read_range(wi->s, wi->path, off, dst, n, errstr, errstr_size);
}

static void in_close(sl_in *in)
{
    wh_in *wi = in->ctx;
    if (!wi)
        return;
    free(wi->path);
    free(wi);
    in->ctx = NULL;
}

static sl_err wh_open_in(sl_store *base, const char *path, sl_in *in, char *errstr, size_t errstr_size)
{
    wh_store *s = (wh_store *)base;
    char w[WH_WHERE_MAX];
    sl_store_info st;
    sl_err e = stat_full(s, path, &st, NULL, NULL, 0, errstr, errstr_size);
    if (e != SL_OK)
        return e;
    if (st.is_dir)
        return sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s: is a folder, not a file", where(s, path, w, sizeof w));
    wh_in *wi = calloc(1, sizeof *wi);
    if (!wi || !(wi->path = strdup(path))) {
        free(wi);
        return sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
    }
    wi->s = s;
    in->read_at = in_read_at;
    in->size = st.size;
    in->ctx = wi;
    in->close = in_close;
    return SL_OK;
}

/* ---------------------------------------------------------------- open / close */

static void wh_close(sl_store *base)
{
    wh_store *s = (wh_store *)base;
    for (size_t i = 0; i < s->npool; i++)
        curl_easy_cleanup(s->pool[i]);
    if (s->multi)
        curl_multi_cleanup(s->multi);
    if (s->h)
        curl_easy_cleanup(s->h);
    curl_slist_free_all(s->octet);
    sl_json_parser_destroy(s->jp);
    sl_buf_free(&s->url);
    sl_buf_free(&s->body);
    sl_buf_free(&s->loc);
    sl_buf_free(&s->tmp);
    sl_buf_free(&s->auth);
    sl_buf_free(&s->root_enc);
    dirset_free(&s->dirs);
    seen_clear(s);
    sl_webhdfs_rewrite_free(s->rw);
    sl_webhdfs_uri_free(&s->uri);
    free(s->user);
    free(s->token);
    free(s->ca_file);
    free(s->base_shown);
    if (s->curl_inited)
        curl_global_cleanup();
    free(s);
}

static const sl_store_ops wh_ops = {
    .kind = "webhdfs",
    .close = wh_close,
    .mkdirs = wh_mkdirs,
    .create = wh_create,
    .rename = wh_rename,
    .del = wh_del,
    .stat = wh_stat,
    .list = wh_list,
    .open_in = wh_open_in,
};

/* The login name of the effective user, or NULL. */
static char *login_name(void)
{
    struct passwd pw, *res = NULL;
    char buf[4096];
    if (getpwuid_r(geteuid(), &pw, buf, sizeof buf, &res) == 0 && res && res->pw_name && res->pw_name[0])
        return strdup(res->pw_name);
    const char *u = getenv("USER");
    return u && *u ? strdup(u) : NULL;
}

static const char *first_set(const char *a, const char *b, const char *c)
{
    if (a && *a)
        return a;
    if (b && *b)
        return b;
    return c && *c ? c : NULL;
}

/* Parses the URI, settles options (opts > URI > environment), sets curl up, then
 * makes sure the root is a folder (creating it when missing), which also checks
 * that the cluster answers and lets this user in. */
sl_store *sl_store_webhdfs_open(const char *uri, const sl_store_opts *opts, char *errstr, size_t errstr_size)
{
    wh_store *s = calloc(1, sizeof *s);
    sl_err e;
    if (!s) {
        sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
        return NULL;
    }
    s->base.ops = &wh_ops;
    if (opts)
        s->base.opts = *opts;
    if (!s->base.opts.dir_mode)
        s->base.opts.dir_mode = 0750;
    if (!s->base.opts.file_mode)
        s->base.opts.file_mode = 0640;
    if (sl_webhdfs_uri_parse(uri, &s->uri, errstr, errstr_size) != SL_OK) {
        free(s);
        return NULL;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        sl_errf(SL_ERR_IO, errstr, errstr_size, "%s: libcurl failed to initialise", s->uri.shown);
        goto err;
    }
    s->curl_inited = 1;
    /* Options. */
    s->httpfs = s->base.opts.httpfs ? 1 : s->uri.httpfs > 0;
    s->kerberos = s->uri.kerberos > 0;
    s->retries = s->uri.retries >= 0 ? s->uri.retries : WH_DEF_RETRIES;
    s->bufsize = s->uri.buffer_kb > 0 ? (size_t)s->uri.buffer_kb * 1024u : WH_UPLOAD_BUF;
    s->timeout_ms = s->base.opts.timeout_ms > 0 ? s->base.opts.timeout_ms
                    : s->uri.timeout_ms > 0     ? s->uri.timeout_ms
                                                : WH_DEF_TIMEOUT_MS;
    const char *token = first_set(s->base.opts.token, getenv("HADOOP_TOKEN"), NULL);
    const char *user = first_set(s->base.opts.user, s->uri.user, getenv("HADOOP_USER_NAME"));
    const char *ca = first_set(s->base.opts.ca_file, s->uri.ca_file, NULL);
    const char *rw = first_set(s->base.opts.datanode_rewrite, s->uri.rewrite, NULL);
    if ((token && !(s->token = strdup(token))) || (ca && !(s->ca_file = strdup(ca))))
        goto nomem;
    if (!s->token && !s->kerberos) {
        s->user = user ? strdup(user) : login_name();
        if (!s->user) {
            sl_errf(SL_ERR_INVALID, errstr, errstr_size,
                    "%s: no user name for WebHDFS simple authentication: set HADOOP_USER_NAME or ?user=NAME",
                    s->uri.shown);
            goto err;
        }
    }
    if (sl_webhdfs_rewrite_parse(rw, &s->rw, errstr, errstr_size) != SL_OK)
        goto err;
    if (s->kerberos) {
        const curl_version_info_data *vi = curl_version_info(CURLVERSION_NOW);
        if (!(vi->features & CURL_VERSION_SPNEGO)) {
            sl_errf(SL_ERR_UNSUPPORTED, errstr, errstr_size,
                    "%s: auth=kerberos needs a libcurl with GSS-API/SPNEGO, and this one has none", s->uri.shown);
            goto err;
        }
    }
    if (s->token) {
        if (sl_buf_printf(&s->auth, "&delegation=") != SL_OK ||
            sl_webhdfs_pct_encode(&s->auth, s->token, strlen(s->token), 0) != SL_OK)
            goto nomem;
    } else if (s->user) {
        if (sl_buf_printf(&s->auth, "&user.name=") != SL_OK ||
            sl_webhdfs_pct_encode(&s->auth, s->user, strlen(s->user), 0) != SL_OK)
            goto nomem;
    }
    if (s->uri.path[0] && sl_webhdfs_pct_encode(&s->root_enc, s->uri.path, strlen(s->uri.path), 1) != SL_OK)
        goto nomem;
    {
        size_t l = strlen(s->uri.shown);
        if (l > 0 && s->uri.shown[l - 1] == '/')
            l--;
        if (!(s->base_shown = strndup(s->uri.shown, l)))
            goto nomem;
    }
    s->h = curl_easy_init();
    s->multi = curl_multi_init();
    s->jp = sl_json_parser_new(NULL);
    struct curl_slist *l1 = curl_slist_append(NULL, "Content-Type: application/octet-stream");
    struct curl_slist *l2 = l1 ? curl_slist_append(l1, "Expect:") : NULL;
    if (!l2)
        curl_slist_free_all(l1);
    s->octet = l2;
    if (!s->h || !s->multi || !s->jp || !s->octet)
        goto nomem;
    /* The cache counts connections in use too: it must hold every concurrent upload's
     * or each one that ends is closed instead of kept for the next file. */
    curl_multi_setopt(s->multi, CURLMOPT_MAXCONNECTS, (long)WH_MAX_CONNECTS);
    s->rng = sl_now_ns() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)s;
    if (!s->rng)
        s->rng = 88172645463325252u;
    /* The root. */
    sl_store_info st;
    e = stat_full(s, "", &st, NULL, NULL, 0, errstr, errstr_size);
    if (e == SL_ERR_NOTFOUND && s->base.opts.existing_only) {
        e = sl_errf(SL_ERR_NOTFOUND, errstr, errstr_size, "%s: no such folder", s->uri.shown);
    } else if (e == SL_ERR_NOTFOUND) {
        char extra[32];
        int ok = 0;
        snprintf(extra, sizeof extra, "&permission=%o", s->base.opts.dir_mode & 07777);
        e = nn_call(s, M_PUT, "MKDIRS", "", extra, 200, NULL, 0, NULL, NULL, errstr, errstr_size);
        if (e == SL_OK)
            e = answer_bool(s, "MKDIRS", "", &ok, errstr, errstr_size);
        if (e == SL_OK && !ok)
            e = sl_errf(SL_ERR_IO, errstr, errstr_size, "%s: cannot create the lake folder (MKDIRS answered false)",
                        s->uri.shown);
    } else if (e == SL_OK && !st.is_dir) {
        e = sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s: is a file, not a folder", s->uri.shown);
    }
    if (e != SL_OK)
        goto err;
    return &s->base;
nomem:
    sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory");
err:
    wh_close(&s->base);
    return NULL;
}
