/*
 * json.h: strict, fast JSON (RFC 8259) for sluice's hot path.
 *
 * Design (after yyjson): a parse turns one JSON text into a flat "tape" of
 * 16-byte sl_json_val cells, in document order, held in a buffer owned by the
 * parser and reused by the next parse (no allocation per value; the tape grows
 * only when a bigger document arrives). Containers record how many cells they
 * span, so skipping a subtree is O(1). Strings without escapes point into the
 * caller's input; strings with escapes are decoded into a parser-owned buffer.
 *
 * Strictness: UTF-8 validated everywhere; no trailing garbage; no NaN/Infinity;
 * no leading zeros; no unescaped control characters; lone surrogates in \u
 * escapes rejected; duplicate member names in one object rejected (option);
 * depth limited (default 512) without recursion on the C stack. Numbers: an
 * integer literal (no fraction/exponent) that fits int64 is SL_JSON_INT, exact;
 * any other number is SL_JSON_DOUBLE, correctly rounded; a number whose
 * magnitude overflows a double (1e400) is an error ("number out of range"),
 * never inf. A UTF-8 BOM is accepted only when opts.allow_bom is set (files).
 *
 * Thread safety: a parser is used by one thread at a time; several parsers may
 * run in parallel.
 */
#ifndef SL_JSON_H
#define SL_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

typedef enum sl_json_type {
    SL_JSON_NULL = 1,
    SL_JSON_FALSE,
    SL_JSON_TRUE,
    SL_JSON_INT,    /* integer literal that fits int64 */
    SL_JSON_DOUBLE, /* any other number */
    SL_JSON_STRING,
    SL_JSON_ARRAY,
    SL_JSON_OBJECT
} sl_json_type;

/* One tape cell. Treat as opaque; use the accessors below (inline, cheap).
 *  tag:  low 8 bits = sl_json_type; bits 8.. = string byte length, array element
 *        count or object member count.
 *  u:    INT -> i; DOUBLE -> d; STRING -> s (not NUL-terminated);
 *        ARRAY/OBJECT -> span = number of cells after this one that belong to it.
 * An object's members are stored as key cell (STRING) then value cells. */
typedef struct sl_json_val {
    uint64_t tag;
    union {
        int64_t i;
        double d;
        const char *s;
        uint64_t span;
    } u;
} sl_json_val;

typedef struct sl_json_opts {
    uint32_t max_depth;        /* 0 means the default, 512 */
    int allow_bom;             /* accept one UTF-8 BOM at the very start */
    int allow_duplicate_keys;  /* default 0: a duplicate member name is an error */
} sl_json_opts;

/* What went wrong and where. offset is a byte offset into the parsed text;
 * line and column (1-based, column counts bytes) are computed from it. */
typedef struct sl_json_error {
    const char *msg;   /* static text, e.g. "invalid UTF-8", "trailing characters"; the
                        * two messages that name something ("duplicate key 'x'",
                        * "nesting deeper than N") live in the parser and stay valid
                        * until its next parse or destroy */
    size_t offset;
    size_t line;
    size_t column;
} sl_json_error;

typedef struct sl_json_parser sl_json_parser;

/* Creates a parser. opts may be NULL (defaults). Returns NULL on out-of-memory.
 * Owned by the caller; free with sl_json_parser_destroy. */
sl_json_parser *sl_json_parser_new(const sl_json_opts *opts);
void sl_json_parser_destroy(sl_json_parser *p);

/* Parses exactly one JSON text in buf[0..len) (whitespace around it allowed).
 * Returns the root cell, or NULL with *err filled (err may not be NULL).
 * The returned cells are owned by the parser and valid until the next parse or
 * destroy; string cells may point into buf, so buf must stay valid as long. */
const sl_json_val *sl_json_parse(sl_json_parser *p, const char *buf, size_t len,
                                 sl_json_error *err);

/* Formats "msg at line L, column C (byte O)" into out. Returns out. */
const char *sl_json_error_format(const sl_json_error *err, char *out, size_t out_size);

/* ---- accessors (all O(1) unless said) ---- */
static inline sl_json_type sl_json_get_type(const sl_json_val *v) { return (sl_json_type)(v->tag & 0xff); }
static inline uint64_t sl_json_get_len(const sl_json_val *v) { return v->tag >> 8; }
static inline int sl_json_is_container(const sl_json_val *v)
{
    sl_json_type t = sl_json_get_type(v);
    return t == SL_JSON_ARRAY || t == SL_JSON_OBJECT;
}
/* The cell after v's whole subtree: the next sibling (or what follows the parent). */
static inline const sl_json_val *sl_json_skip(const sl_json_val *v)
{
    return v + 1 + (sl_json_is_container(v) ? v->u.span : 0);
}
/* First element of an array / first key of an object (NULL when empty). */
static inline const sl_json_val *sl_json_first(const sl_json_val *c)
{
    return sl_json_get_len(c) ? c + 1 : NULL;
}
/* Value cell of a member whose key cell is k. */
static inline const sl_json_val *sl_json_member_value(const sl_json_val *k) { return k + 1; }
/* String bytes (not NUL-terminated) and length. */
static inline const char *sl_json_get_str(const sl_json_val *v, size_t *len)
{
    *len = (size_t)sl_json_get_len(v);
    return v->u.s;
}
/* Looks a member up by name in an object (linear in the member count).
 * Returns the value cell of the first member with that name, or NULL (also when
 * obj is not an object). */
const sl_json_val *sl_json_obj_get(const sl_json_val *obj, const char *key, size_t key_len);
/* Element i of an array (linear walk), or NULL. */
const sl_json_val *sl_json_arr_get(const sl_json_val *arr, size_t i);

/* Writes the compact (minified) form of the subtree at v to out. */
sl_err sl_json_write_compact(const sl_json_val *v, sl_buf *out);

/* ---- record streams (files and stdin) ----
 * A stream hands out the records of a JSON array file ("[{...},{...}]") or an
 * NDJSON file one at a time, in constant memory whatever the file's size.
 * Format is detected from the first non-whitespace byte ('[' means array) unless
 * forced. For NDJSON, lines are split on '\n' only (a trailing '\r' is kept out
 * of the record); an empty line is an empty record (the caller quarantines it).
 * For arrays, element boundaries are found by a structural scan; each element's
 * exact bytes are returned (validate with sl_json_parse). A structural error in
 * the array itself (unbalanced brackets, missing comma, EOF inside) ends the stream
 * with SL_ERR_PARSE and a position. */
typedef enum sl_json_format { SL_JSON_FMT_AUTO = 0, SL_JSON_FMT_ARRAY, SL_JSON_FMT_NDJSON } sl_json_format;

typedef struct sl_json_stream sl_json_stream;

typedef struct sl_json_record {
    const char *data;      /* borrowed; valid until the next sl_json_stream_next */
    size_t len;
    uint64_t ordinal;      /* 0-based record number */
    uint64_t offset;       /* byte offset of the record in the input */
    uint64_t line;         /* 1-based line where it starts */
} sl_json_record;

/* Reads from fd (borrowed; not closed). name is used in messages (e.g. the file
 * name; copied). max_record is the largest record accepted (0: 64 MiB). A UTF-8
 * BOM at the start of the input is skipped (offsets still count its 3 bytes).
 * Memory: about two reads (1 MiB each) plus the largest record. Returns NULL on
 * out-of-memory. Owned by the caller; free with sl_json_stream_destroy. */
sl_json_stream *sl_json_stream_new(int fd, const char *name, sl_json_format fmt, size_t max_record);
/* Next record: SL_OK with *rec filled; SL_ERR_NOTFOUND at the end; SL_ERR_PARSE /
 * SL_ERR_LIMIT / SL_ERR_IO / SL_ERR_NOMEM with errstr ("FILE: line L, column C:
 * what"). Errors are final (every later call repeats them), except SL_ERR_LIMIT
 * in NDJSON: the over-long line is skipped (its ordinal is used up) and the next
 * call goes on with the following line. */
sl_err sl_json_stream_next(sl_json_stream *s, sl_json_record *rec, char *errstr, size_t errstr_size);
/* Sets how many bytes each read(2) asks for (default 1 MiB; minimum 1). For tests
 * that split records across reads; call before the first sl_json_stream_next. */
void sl_json_stream_set_read_size(sl_json_stream *s, size_t n);
/* Bytes consumed so far (for progress): the input offset just past the last
 * record handed out (or of the error). */
uint64_t sl_json_stream_bytes(const sl_json_stream *s);
sl_json_format sl_json_stream_format(const sl_json_stream *s);
void sl_json_stream_destroy(sl_json_stream *s);

#endif
