/*
 * webhdfs_util.h: the pure parts of the WebHDFS store (store_webhdfs.c), kept apart so
 * unit tests and a fuzz target can reach them without a server: the store URI, the
 * DataNode host rewrite rule, percent-encoding, secret redaction, and the parsing and
 * classification of the NameNode's JSON answers (FileStatus, FileStatuses, boolean,
 * RemoteException). Nothing here does I/O.
 *
 * Ownership: structures filled here own their strings (free with the matching _free);
 * strings passed in are borrowed for the call.
 */
#ifndef SL_WEBHDFS_UTIL_H
#define SL_WEBHDFS_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"
#include "json/json.h"
#include "lake/store.h"

#define SL_WEBHDFS_PORT 9870      /* NameNode HTTP port of Hadoop 3 (webhdfs://) */
#define SL_WEBHDFS_TLS_PORT 9871  /* NameNode HTTPS port of Hadoop 3 (swebhdfs://) */
#define SL_WEBHDFS_MAX_HOSTS 16

/* A parsed store URI:
 *   webhdfs://HOST[:PORT][,HOST2[:PORT]...]/PATH[?KEY=VALUE&...]   (swebhdfs:// = TLS)
 * Query keys (all optional): user, httpfs (0/1/true/false), datanode_rewrite (or
 * rewrite), ca_file, auth (simple|kerberos), retries (0..20), timeout_ms (1..3600000),
 * buffer_kb (16..65536: bytes a file gathers before its upload starts streaming).
 * "token" is refused: delegation tokens do not belong in URIs, which get logged. */
typedef struct sl_webhdfs_uri {
    int tls;               /* 1 for swebhdfs:// */
    char **hosts;          /* "host:port" as written in URLs ([v6] bracketed) */
    size_t nhosts;
    char *path;            /* percent-decoded, normalised: "" (root) or "/a/b" */
    char *shown;           /* "webhdfs://h1:p1,h2:p2/a/b" (no query): for messages */
    /* query options; NULL / -1 when absent */
    char *user;
    char *rewrite;
    char *ca_file;
    int httpfs;
    int kerberos;
    int retries;
    long timeout_ms;
    long buffer_kb;
} sl_webhdfs_uri;

/* Parses uri into *out (zeroed first). SL_ERR_INVALID with errstr naming the part
 * that is wrong. On error *out holds nothing to free. */
sl_err sl_webhdfs_uri_parse(const char *uri, sl_webhdfs_uri *out, char *errstr, size_t errstr_size);
void sl_webhdfs_uri_free(sl_webhdfs_uri *u);

/* DataNode host rewrite rules, "from=to[,from2=to2...]": from and to are "host" or
 * "host:port". A Location whose host (and port, when the rule names one) matches a
 * rule's left side gets the right side's host (and port, when given). */
typedef struct sl_webhdfs_rewrite sl_webhdfs_rewrite;

/* Parses rules (NULL or "" gives NULL with SL_OK). Caller owns *out. */
sl_err sl_webhdfs_rewrite_parse(const char *spec, sl_webhdfs_rewrite **out, char *errstr,
                                size_t errstr_size);
void sl_webhdfs_rewrite_free(sl_webhdfs_rewrite *r);
/* Appends url to out, rewritten by the first matching rule (r may be NULL: copied
 * unchanged). SL_ERR_PARSE when url is not an absolute http(s) URL; SL_ERR_NOMEM. */
sl_err sl_webhdfs_rewrite_apply(const sl_webhdfs_rewrite *r, const char *url, sl_buf *out);

/* Appends s[0..n) percent-encoded: every byte but A-Z a-z 0-9 - . _ ~ (and '/' when
 * keep_slash) becomes %XX. */
sl_err sl_webhdfs_pct_encode(sl_buf *out, const char *s, size_t n, int keep_slash);

/* Copies url into out (size > 0, always NUL-terminated, cut when too long) with the
 * values of delegation=, token= and similar secrets replaced by "***". */
void sl_webhdfs_redact(const char *url, char *out, size_t out_size);

/* Extracts "host:port" of an absolute URL into out (for messages); "?" when none. */
void sl_webhdfs_url_hostport(const char *url, char *out, size_t out_size);

/* A RemoteException body {"RemoteException": {"exception", "javaClassName",
 * "message"}}. Returns 1 and fills exception and message (NUL-terminated, cut to
 * fit) when body is one; 0 otherwise (out strings then empty). */
int sl_webhdfs_remote_exception(sl_json_parser *p, const char *body, size_t len, char *exception,
                                size_t exception_size, char *message, size_t message_size);

/* How a failed answer is handled. *try_next is set to 1 when another NameNode of the
 * list should be tried (StandbyException, cannot connect). Returns the sl_err:
 *   SL_ERR_RETRY     5xx, 408, 429, StandbyException, SafeModeException,
 *                    RetriableException, lease recovery in progress
 *   SL_ERR_NOTFOUND  FileNotFoundException
 *   SL_ERR_EXISTS    FileAlreadyExistsException
 *   SL_ERR_INVALID   IllegalArgumentException, UnsupportedOperationException, 400
 *   SL_ERR_IO        ParentNotDirectoryException, PathIsNotEmptyDirectoryException
 *   SL_ERR_FATAL     AccessControlException, security/token failures, quotas, other 4xx
 * exception may be "" (no RemoteException body). */
sl_err sl_webhdfs_classify(long http_code, const char *exception, const char *message, int *try_next);

/* Parses a FileStatus object (the value of "FileStatus" or an element of
 * FileStatuses.FileStatus) into st; *perm gets the permission bits (octal string),
 * suffix/suffix_len the pathSuffix (pointing into the parser or body), owner the
 * owner (cut to fit; may be NULL). SL_ERR_PARSE when a needed member is missing or
 * of the wrong type (errstr says which). */
sl_err sl_webhdfs_status_parse(const sl_json_val *obj, sl_store_info *st, unsigned *perm,
                               const char **suffix, size_t *suffix_len, char *owner, size_t owner_size,
                               char *errstr, size_t errstr_size);

/* Parses {"boolean": true|false}: SL_OK and *value, or SL_ERR_PARSE. */
sl_err sl_webhdfs_boolean_parse(sl_json_parser *p, const char *body, size_t len, int *value,
                                char *errstr, size_t errstr_size);

/* One entry of a LISTSTATUS answer. name points into the names buffer given to
 * sl_webhdfs_list_parse (NUL-terminated), valid until that buffer changes. */
typedef struct sl_webhdfs_entry {
    const char *name;
    size_t name_off;
    sl_store_info info;
} sl_webhdfs_entry;

/* Parses a FileStatuses answer into entries (appended to *entries, growing *cap;
 * caller frees *entries) and their names (appended to names, each NUL-terminated),
 * sorted by name bytewise. A name that is empty, "." or "..", or holds '/' or a NUL
 * is SL_ERR_PARSE. *is_file is set when the answer is the single status of a file
 * (LISTSTATUS of a file answers that). */
sl_err sl_webhdfs_list_parse(sl_json_parser *p, const char *body, size_t len, sl_webhdfs_entry **entries,
                             size_t *n, size_t *cap, sl_buf *names, int *is_file, char *errstr,
                             size_t errstr_size);

#endif
