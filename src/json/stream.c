/*
 * stream.c: record streams over a file descriptor (JSON array files and
 * NDJSON), in constant memory. The contract is in json.h.
 *
 * The stream keeps one sliding buffer: bytes [head, tail) are read but not yet
 * handed out. A read asks for read_size bytes (1 MiB by default); before it, the
 * unconsumed bytes are moved to the front, and the buffer grows only when the
 * record in progress does not fit, which a record larger than max_record stops.
 * So memory is about two reads plus the largest record.
 *
 * NDJSON: records are the bytes between '\n's (memchr), one trailing '\r'
 * removed. Arrays: a byte-level structural scan that tracks strings, escapes
 * and bracket depth finds where each element ends (',' or ']' at depth 0); the
 * scan is resumable, so an element may span any number of reads. Lines are
 * counted as bytes are scanned (for positions in records and errors).
 */
#include "json/json.h"
#include "json/scan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_MAX_RECORD ((size_t)64 << 20)
#define DEFAULT_READ_SIZE ((size_t)1 << 20)

enum arr_state {
    ARR_BEFORE = 0, /* nothing read yet: expect '[' */
    ARR_FIRST,      /* after '[': expect an element or ']' */
    ARR_NEXT,       /* after ',': expect an element */
    ARR_IN,         /* inside an element (scan state below is live) */
    ARR_CLOSED      /* after the closing ']': only whitespace may follow */
};

struct sl_json_stream {
    int fd;
    char *name;
    sl_json_format fmt; /* SL_JSON_FMT_AUTO until the first call detects it */
    size_t max_record;
    size_t read_size;
    uint8_t *buf;
    size_t cap;
    size_t head;    /* first unconsumed byte */
    size_t tail;    /* end of the bytes read */
    uint64_t base;  /* input offset of buf[0] */
    int eof;
    int started;    /* BOM and format detection done */
    sl_err sticky;  /* a final error repeats on every later call */
    char *sticky_msg;
    uint64_t ordinal;
    uint64_t line;       /* line number at the scan position */
    uint64_t line_start; /* input offset where that line starts */
    /* NDJSON */
    int skipping;        /* discarding the rest of an over-long line */
    /* arrays */
    enum arr_state st;
    size_t scan;         /* element bytes scanned so far, from head */
    size_t last;         /* element length up to its last non-whitespace byte */
    uint64_t depth;
    int in_str, esc, ended;
    uint64_t rec_line;   /* line where the element starts */
};

sl_json_stream *sl_json_stream_new(int fd, const char *name, sl_json_format fmt, size_t max_record)
{
    sl_json_stream *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->name = strdup(name ? name : "<input>");
    if (!s->name)
        goto err;
    s->fd = fd;
    s->fmt = fmt;
    s->max_record = max_record ? max_record : DEFAULT_MAX_RECORD;
    s->read_size = DEFAULT_READ_SIZE;
    s->line = 1;
    return s;
err:
    sl_json_stream_destroy(s);
    return NULL;
}

void sl_json_stream_destroy(sl_json_stream *s)
{
    if (!s)
        return;
    free(s->name);
    free(s->buf);
    free(s->sticky_msg);
    free(s);
}

void sl_json_stream_set_read_size(sl_json_stream *s, size_t n) { s->read_size = n ? n : 1; }

uint64_t sl_json_stream_bytes(const sl_json_stream *s) { return s->base + s->head; }

sl_json_format sl_json_stream_format(const sl_json_stream *s) { return s->fmt; }

/* Fails with an error at input offset off: "NAME: line L, column C: what".
 * A final error (everything but an NDJSON over-long line) is remembered and
 * returned again by later calls. */
static sl_err serr(sl_json_stream *s, sl_err e, int final, uint64_t off, char *errstr, size_t errstr_size,
                   const char *what)
{
    uint64_t col = off >= s->line_start ? off - s->line_start + 1 : 1;
    sl_errf(e, errstr, errstr_size, "%s: line %llu, column %llu: %s", s->name, (unsigned long long)s->line,
            (unsigned long long)col, what);
    if (final) {
        s->sticky = e;
        free(s->sticky_msg);
        s->sticky_msg = errstr && errstr_size ? strdup(errstr) : NULL;
    }
    return e;
}

/* Reads more input after tail. Returns 1 when bytes arrived, 0 at end of input,
 * -1 on a read error (errstr filled, final). May move the unconsumed bytes to
 * the front of the buffer (head becomes 0) and grow it. */
static int fill(sl_json_stream *s, char *errstr, size_t errstr_size)
{
    if (s->eof)
        return 0;
    if (s->cap - s->tail < s->read_size) {
        if (s->head > 0) {
            memmove(s->buf, s->buf + s->head, s->tail - s->head);
            s->base += s->head;
            s->tail -= s->head;
            s->head = 0;
        }
        if (s->cap - s->tail < s->read_size) {
            size_t nc = s->cap ? s->cap * 2 : 2 * s->read_size;
            if (nc < s->tail + s->read_size)
                nc = s->tail + s->read_size;
            uint8_t *nb = realloc(s->buf, nc);
            if (!nb) {
                serr(s, SL_ERR_NOMEM, 1, s->base + s->tail, errstr, errstr_size, "out of memory");
                return -1;
            }
            s->buf = nb;
            s->cap = nc;
        }
    }
    for (;;) {
        ssize_t r = read(s->fd, s->buf + s->tail, s->read_size);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            char what[160];
            snprintf(what, sizeof what, "read failed: %s", strerror(errno));
            serr(s, SL_ERR_IO, 1, s->base + s->tail, errstr, errstr_size, what);
            return -1;
        }
        if (r == 0) {
            s->eof = 1;
            return 0;
        }
        s->tail += (size_t)r;
        return 1;
    }
}

static inline int is_ws(uint8_t c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

/* Skips an optional UTF-8 BOM and, for SL_JSON_FMT_AUTO, detects the format from
 * the first non-whitespace byte (peeked, not consumed). 0 or -1 on error. */
static int start(sl_json_stream *s, char *errstr, size_t errstr_size)
{
    int r = 0;
    while (s->tail - s->head < 3 && (r = fill(s, errstr, errstr_size)) > 0)
        ;
    if (s->sticky)
        return -1;
    if (s->tail - s->head >= 3 && s->buf[s->head] == 0xEF && s->buf[s->head + 1] == 0xBB &&
        s->buf[s->head + 2] == 0xBF)
        s->head += 3;
    if (s->fmt == SL_JSON_FMT_AUTO) {
        size_t rel = 0; /* peek position, relative to head */
        for (;;) {
            while (s->head + rel < s->tail && is_ws(s->buf[s->head + rel]))
                rel++;
            if (s->head + rel < s->tail) {
                s->fmt = s->buf[s->head + rel] == '[' ? SL_JSON_FMT_ARRAY : SL_JSON_FMT_NDJSON;
                break;
            }
            if (rel > s->max_record || (r = fill(s, errstr, errstr_size)) == 0) {
                s->fmt = SL_JSON_FMT_NDJSON; /* empty or only whitespace */
                break;
            }
            if (r < 0)
                return -1;
        }
    }
    s->started = 1;
    return 0;
}

/* ---- NDJSON ---- */

/* The next NDJSON line as a record (one trailing '\r' removed). First finishes
 * skipping an over-long line reported before. SL_OK, SL_ERR_NOTFOUND at the end,
 * SL_ERR_LIMIT for a line over max_record (then skipped), or a final error. */
static sl_err next_ndjson(sl_json_stream *s, sl_json_record *rec, char *errstr, size_t errstr_size)
{
    int r;
    while (s->skipping) { /* the rest of a line that was too long */
        uint8_t *nl = s->head < s->tail ? memchr(s->buf + s->head, '\n', s->tail - s->head) : NULL;
        if (nl) {
            s->head = (size_t)(nl - s->buf) + 1;
            s->line++;
            s->line_start = s->base + s->head;
            s->skipping = 0;
            break;
        }
        s->head = s->tail;
        if ((r = fill(s, errstr, errstr_size)) < 0)
            return s->sticky;
        if (r == 0)
            return SL_ERR_NOTFOUND;
    }
    size_t scanned = 0;
    for (;;) {
        size_t avail = s->tail - s->head;
        uint8_t *nl = avail > scanned ? memchr(s->buf + s->head + scanned, '\n', avail - scanned) : NULL;
        size_t len;
        int last_line = 0;
        if (nl) {
            len = (size_t)(nl - (s->buf + s->head));
        } else {
            scanned = avail;
            if (scanned > s->max_record + 1) { /* +1: a final '\r' does not count */
                char what[128];
                snprintf(what, sizeof what, "record longer than the limit of %zu bytes (max_record)",
                         s->max_record);
                serr(s, SL_ERR_LIMIT, 0, s->line_start, errstr, errstr_size, what);
                s->head = s->tail;
                s->skipping = 1;
                s->ordinal++;
                return SL_ERR_LIMIT;
            }
            if ((r = fill(s, errstr, errstr_size)) < 0)
                return s->sticky;
            if (r > 0)
                continue;
            if (avail == 0)
                return SL_ERR_NOTFOUND;
            len = avail; /* a last line without '\n' */
            last_line = 1;
        }
        size_t rlen = len;
        if (rlen > 0 && s->buf[s->head + rlen - 1] == '\r')
            rlen--;
        uint64_t off = s->base + s->head;
        uint64_t line = s->line;
        const char *data = (const char *)s->buf + s->head;
        s->head += len + !last_line;
        if (!last_line) {
            s->line++;
            s->line_start = s->base + s->head;
        }
        if (rlen > s->max_record) {
            char what[128];
            snprintf(what, sizeof what, "record longer than the limit of %zu bytes (max_record)", s->max_record);
            s->ordinal++;
            uint64_t saved_line = s->line, saved_start = s->line_start;
            s->line = line;
            s->line_start = off;
            serr(s, SL_ERR_LIMIT, 0, off, errstr, errstr_size, what);
            s->line = saved_line;
            s->line_start = saved_start;
            return SL_ERR_LIMIT;
        }
        rec->data = data;
        rec->len = rlen;
        rec->ordinal = s->ordinal++;
        rec->offset = off;
        rec->line = line;
        return SL_OK;
    }
}

/* ---- arrays ---- */

/* Consumes whitespace (counting lines). Returns 1 when a non-whitespace byte is
 * at head, 0 at end of input, -1 on a read error. */
static int arr_skip_ws(sl_json_stream *s, char *errstr, size_t errstr_size)
{
    for (;;) {
        while (s->head < s->tail && is_ws(s->buf[s->head])) {
            if (s->buf[s->head] == '\n') {
                s->line++;
                s->line_start = s->base + s->head + 1;
            }
            s->head++;
        }
        if (s->head < s->tail)
            return 1;
        int r = fill(s, errstr, errstr_size);
        if (r <= 0)
            return r;
    }
}

/* Scans the element at head from s->scan on. Returns 1 with *term_at set (the
 * terminator's index from head) when the element is complete, 0 when more input
 * is needed, -1 after a final error. String bodies are skipped with the SIMD
 * scanner (most of a record's bytes are inside strings). */
static int arr_scan(sl_json_stream *s, size_t *term_at, char *errstr, size_t errstr_size)
{
    const uint8_t *b = s->buf + s->head;
    size_t n = s->tail - s->head, i = s->scan;
    while (i < n) {
        if (s->in_str) {
            if (s->esc) { /* the byte after a backslash (possibly in the previous read) */
                s->esc = 0;
                if (b[i] == '\n') {
                    s->line++;
                    s->line_start = s->base + s->head + i + 1;
                }
                i++;
                continue;
            }
            i = (size_t)(sl_json_scan_plain(b + i, b + n) - b);
            if (i == n)
                break;
            uint8_t c = b[i++];
            if (c == '"') {
                s->in_str = 0;
                s->last = i;
                if (s->depth == 0)
                    s->ended = 1;
            } else if (c == '\\') {
                s->esc = 1;
            } else if (c == '\n') {
                s->line++;
                s->line_start = s->base + s->head + i;
            }
            continue;
        }
        uint8_t c = b[i];
        switch (c) {
        case '\n':
            s->line++;
            s->line_start = s->base + s->head + i + 1;
            /* fall through */
        case ' ':
        case '\t':
        case '\r':
            if (s->depth == 0)
                s->ended = 1;
            i++;
            continue;
        case ',':
            if (s->depth == 0) {
                *term_at = i;
                s->scan = i;
                return 1;
            }
            s->last = ++i;
            continue;
        case ']':
        case '}':
            if (s->depth == 0) {
                if (c == '}') {
                    serr(s, SL_ERR_PARSE, 1, s->base + s->head + i, errstr, errstr_size,
                         "unexpected '}' in the array");
                    return -1;
                }
                *term_at = i;
                s->scan = i;
                return 1;
            }
            s->depth--;
            s->last = ++i;
            if (s->depth == 0)
                s->ended = 1;
            continue;
        default:
            if (s->depth == 0 && s->ended) {
                serr(s, SL_ERR_PARSE, 1, s->base + s->head + i, errstr, errstr_size,
                     "missing ',' between array elements");
                return -1;
            }
            if (c == '"')
                s->in_str = 1;
            else if (c == '[' || c == '{')
                s->depth++;
            s->last = ++i;
            continue;
        }
    }
    s->scan = i;
    return 0;
}

/* The next element of the JSON array as a record, driven by the state s->st
 * (before '[', after '[' or ',', inside an element, after ']'). SL_OK,
 * SL_ERR_NOTFOUND after the closing ']' and trailing whitespace, or a final error
 * naming the position (missing ']' or ',', trailing data, element over max_record). */
static sl_err next_array(sl_json_stream *s, sl_json_record *rec, char *errstr, size_t errstr_size)
{
    int r;
    for (;;) {
        switch (s->st) {
        case ARR_BEFORE:
            r = arr_skip_ws(s, errstr, errstr_size);
            if (r < 0)
                return s->sticky;
            if (r == 0)
                return serr(s, SL_ERR_PARSE, 1, s->base + s->head, errstr, errstr_size,
                            "unexpected end of input: expected '['");
            if (s->buf[s->head] != '[')
                return serr(s, SL_ERR_PARSE, 1, s->base + s->head, errstr, errstr_size,
                            "expected '[' at the start of a JSON array");
            s->head++;
            s->st = ARR_FIRST;
            continue;
        case ARR_FIRST:
        case ARR_NEXT:
            r = arr_skip_ws(s, errstr, errstr_size);
            if (r < 0)
                return s->sticky;
            if (r == 0)
                return serr(s, SL_ERR_PARSE, 1, s->base + s->head, errstr, errstr_size,
                            "unexpected end of input: missing ']'");
            if (s->buf[s->head] == ']') {
                if (s->st == ARR_NEXT)
                    return serr(s, SL_ERR_PARSE, 1, s->base + s->head, errstr, errstr_size,
                                "expected a value after ',' (trailing comma)");
                s->head++;
                s->st = ARR_CLOSED;
                continue;
            }
            if (s->buf[s->head] == ',')
                return serr(s, SL_ERR_PARSE, 1, s->base + s->head, errstr, errstr_size,
                            "expected a value before ','");
            s->st = ARR_IN;
            s->scan = 0;
            s->last = 0;
            s->depth = 0;
            s->in_str = s->esc = s->ended = 0;
            s->rec_line = s->line;
            continue;
        case ARR_IN: {
            size_t term = 0;
            r = arr_scan(s, &term, errstr, errstr_size);
            if (r < 0)
                return s->sticky;
            if (r == 0) {
                if (s->scan > s->max_record) {
                    char what[128];
                    snprintf(what, sizeof what, "array element longer than the limit of %zu bytes (max_record)",
                             s->max_record);
                    return serr(s, SL_ERR_LIMIT, 1, s->base + s->head + s->scan, errstr, errstr_size, what);
                }
                r = fill(s, errstr, errstr_size);
                if (r < 0)
                    return s->sticky;
                if (r == 0)
                    return serr(s, SL_ERR_PARSE, 1, s->base + s->tail, errstr, errstr_size,
                                s->in_str ? "unexpected end of input in a string: missing ']'"
                                          : "unexpected end of input: missing ']'");
                continue;
            }
            if (s->last > s->max_record) {
                char what[128];
                snprintf(what, sizeof what, "array element longer than the limit of %zu bytes (max_record)",
                         s->max_record);
                return serr(s, SL_ERR_LIMIT, 1, s->base + s->head + s->last, errstr, errstr_size, what);
            }
            rec->data = (const char *)s->buf + s->head;
            rec->len = s->last;
            rec->ordinal = s->ordinal++;
            rec->offset = s->base + s->head;
            rec->line = s->rec_line;
            s->st = s->buf[s->head + term] == ']' ? ARR_CLOSED : ARR_NEXT;
            s->head += term + 1;
            return SL_OK;
        }
        case ARR_CLOSED:
            r = arr_skip_ws(s, errstr, errstr_size);
            if (r < 0)
                return s->sticky;
            if (r == 0)
                return SL_ERR_NOTFOUND;
            return serr(s, SL_ERR_PARSE, 1, s->base + s->head, errstr, errstr_size, "trailing data after ']'");
        }
    }
}

sl_err sl_json_stream_next(sl_json_stream *s, sl_json_record *rec, char *errstr, size_t errstr_size)
{
    if (s->sticky) {
        if (errstr && errstr_size)
            snprintf(errstr, errstr_size, "%s", s->sticky_msg ? s->sticky_msg : sl_err_name(s->sticky));
        return s->sticky;
    }
    if (!s->started && start(s, errstr, errstr_size) != 0)
        return s->sticky;
    if (s->fmt == SL_JSON_FMT_ARRAY)
        return next_array(s, rec, errstr, errstr_size);
    return next_ndjson(s, rec, errstr, errstr_size);
}
