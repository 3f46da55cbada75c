/*
 * load.c: reading, validating and compiling a mapping file (docs/MAPPING.md),
 * the built-in mappings, and the mapping's accessors and summary.
 *
 * Every error names the file, where in it (tables[0].columns[2].type) and what
 * was expected. Compilation builds the path trie described in map_internal.h.
 */
#include "map/map_internal.h"
#include "json/json.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Generated from mappings/NAME.json by scripts/embed-mappings.sh. */
typedef struct { const char *name; const char *text; size_t len; } sl_builtin_mapping_t;
extern const sl_builtin_mapping_t sl_builtin_mappings[];
extern const size_t sl_builtin_mapping_count;

#define MAX_MAPPING_BYTES (16u << 20)
#define MAX_TABLES 256
#define MAX_COLUMNS 4096
#define MAX_NAME 128

typedef struct lctx {
    sl_mapping *m;
    const char *src;
    char *errstr;
    size_t errstr_size;
} lctx;

static const char *const type_list = "boolean, int32, int64, double, string, binary, timestamp, date";

/* Writes "SRC: WHERE: message" (WHERE omitted when empty) and returns -1. */
__attribute__((format(printf, 3, 4))) static int lerr(lctx *L, const char *where, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (where && *where)
        sl_errf(SL_ERR_PARSE, L->errstr, L->errstr_size, "%s: %s: %s", L->src, where, msg);
    else
        sl_errf(SL_ERR_PARSE, L->errstr, L->errstr_size, "%s: %s", L->src, msg);
    if (L->errstr && L->errstr_size)
        sl_map_utf8_trim(L->errstr);
    return -1;
}

static int nomem(lctx *L) { return lerr(L, "", "out of memory"); }

static const char *kind_name(const sl_json_val *v)
{
    switch (sl_json_get_type(v)) {
    case SL_JSON_NULL: return "null";
    case SL_JSON_TRUE:
    case SL_JSON_FALSE: return "a boolean";
    case SL_JSON_INT:
    case SL_JSON_DOUBLE: return "a number";
    case SL_JSON_STRING: return "a string";
    case SL_JSON_ARRAY: return "an array";
    case SL_JSON_OBJECT: return "an object";
    }
    return "?";
}

/* The text of a JSON string for messages, sanitised and cut to ~60 bytes
 * (without quotes: callers write '%s'). */
static const char *sq(const sl_json_val *v, char *buf, size_t size)
{
    char d[96];
    sl_map_value_desc(v, d, sizeof d);
    size_t n = strlen(d);
    if (sl_json_get_type(v) == SL_JSON_STRING && n >= 2) {
        snprintf(buf, size, "%.*s", (int)(n - 2), d + 1);
    } else {
        snprintf(buf, size, "%s", d);
    }
    return buf;
}

/* Joins a parent location and a member: "tables[0]" + "name" -> "tables[0].name". */
static const char *at(char *buf, size_t size, const char *where, const char *member)
{
    int n = snprintf(buf, size, "%s%s%s", where, *where ? "." : "", member);
    if (n < 0 || (size_t)n >= size)
        sl_map_utf8_trim(buf); /* cut: keep it valid UTF-8 */
    return buf;
}

/* A NUL-terminated copy of a JSON string; rejects embedded NULs. NULL on error (reported). */
static char *dup_json_str(lctx *L, const char *where, const sl_json_val *v)
{
    if (sl_json_get_type(v) != SL_JSON_STRING) {
        lerr(L, where, "expected a string, got %s", kind_name(v));
        return NULL;
    }
    size_t n;
    const char *s = sl_json_get_str(v, &n);
    if (memchr(s, 0, n)) {
        lerr(L, where, "contains a NUL character");
        return NULL;
    }
    char *p = malloc(n + 1);
    if (!p) {
        nomem(L);
        return NULL;
    }
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* Rejects members of obj not in `allowed` (NULL-terminated). */
static int check_keys(lctx *L, const char *where, const sl_json_val *obj, const char *const *allowed)
{
    const sl_json_val *k = sl_json_first(obj);
    for (uint64_t i = 0; i < sl_json_get_len(obj); i++, k = sl_json_skip(k + 1)) {
        size_t n;
        const char *s = sl_json_get_str(k, &n);
        int ok = 0;
        for (size_t j = 0; allowed[j]; j++)
            if (strlen(allowed[j]) == n && memcmp(allowed[j], s, n) == 0)
                ok = 1;
        if (!ok) {
            char list[512] = "";
            for (size_t j = 0; allowed[j]; j++) {
                strncat(list, j ? ", " : "", sizeof list - strlen(list) - 1);
                strncat(list, allowed[j], sizeof list - strlen(list) - 1);
            }
            char desc[96];
            return lerr(L, where, "unknown key '%s' (expected one of %s)", sq(k, desc, sizeof desc), list);
        }
    }
    return 0;
}

static const sl_json_val *get(const sl_json_val *obj, const char *key)
{
    return sl_json_obj_get(obj, key, strlen(key));
}

/* ---- the trie ---- */
static map_node *new_node(lctx *L, node_kind kind, map_node *parent)
{
    sl_mapping *m = L->m;
    if (m->nnodes == m->nodes_cap) {
        uint32_t cap = m->nodes_cap ? m->nodes_cap * 2 : 32;
        map_node **p = realloc(m->nodes, cap * sizeof *p);
        if (!p)
            return NULL;
        m->nodes = p;
        m->nodes_cap = cap;
    }
    map_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->id = m->nnodes;
    m->nodes[m->nnodes++] = n;
    n->kind = kind;
    n->parent = parent;
    if (kind == N_ROOT || kind == N_LEVEL) {
        n->anchor = n;
        n->level = parent ? parent->anchor->level + 1 : 0;
    } else {
        n->anchor = parent->anchor;
        n->level = parent->anchor->level;
    }
    return n;
}

static int push_ptr(void ***arr, uint32_t *n, uint32_t *cap, void *p)
{
    if (*n == *cap) {
        uint32_t c = *cap ? *cap * 2 : 4;
        void **q = realloc(*arr, c * sizeof *q);
        if (!q)
            return -1;
        *arr = q;
        *cap = c;
    }
    (*arr)[(*n)++] = p;
    return 0;
}

/* The child of n for a member or index step, created when missing. */
static map_node *child_for(lctx *L, map_node *n, const map_step *st)
{
    for (uint32_t i = 0; i < n->nkids; i++) {
        map_node *k = n->kids[i];
        if (st->kind == ST_MEMBER && k->kind == N_MEMBER && k->len == st->len &&
            memcmp(k->name, st->name, st->len) == 0)
            return k;
        if (st->kind == ST_INDEX && k->kind == N_INDEX && k->index == st->index)
            return k;
    }
    map_node *k = new_node(L, st->kind == ST_MEMBER ? N_MEMBER : N_INDEX, n);
    if (!k)
        return NULL;
    if (st->kind == ST_MEMBER) {
        char *name = malloc(st->len + 1);
        if (!name)
            return NULL;
        memcpy(name, st->name, st->len + 1);
        k->name = name;
        k->len = st->len;
        n->nmember_kids++;
    } else {
        k->index = st->index;
    }
    if (push_ptr((void ***)&n->kids, &n->nkids, &n->kids_cap, k))
        return NULL;
    return k;
}

/* The `[*]` level child of array node n, created (and registered with its
 * anchor's next levels) when missing. */
static map_node *level_for(lctx *L, map_node *n)
{
    if (n->level_kid)
        return n->level_kid;
    map_node *k = new_node(L, N_LEVEL, n);
    if (!k)
        return NULL;
    n->level_kid = k;
    map_node *a = n->anchor;
    if (push_ptr((void ***)&a->next_levels, &a->nnext, &a->next_cap, k))
        return NULL;
    return k;
}

static uint32_t name_hash(const char *s, size_t n)
{
    uint32_t h = (uint32_t)n * 0x9e3779b1u;
    if (n) {
        h ^= (unsigned char)s[0] * 0x85ebca6bu;
        h ^= (unsigned char)s[n - 1] * 0xc2b2ae35u;
        h ^= (unsigned char)s[n / 2] * 0x27d4eb2fu;
    }
    return h ^ (h >> 15);
}

map_node *sl_map_node_member(const map_node *n, const char *key, size_t len)
{
    if (n->htab) {
        uint32_t i = name_hash(key, len) & n->hmask;
        while (n->htab[i]) {
            map_node *k = n->kids[n->htab[i] - 1];
            if (k->len == len && k->name[0] == key[0] && memcmp(k->name, key, len) == 0)
                return k;
            i = (i + 1) & n->hmask;
        }
        return NULL;
    }
    for (uint32_t i = 0; i < n->nkids; i++) {
        map_node *k = n->kids[i];
        if (k->kind == N_MEMBER && k->len == len && k->name[0] == key[0] && memcmp(k->name, key, len) == 0)
            return k;
    }
    return NULL;
}

/* Builds member hash tables for nodes with many member children. */
static int finish_trie(lctx *L)
{
    for (uint32_t i = 0; i < L->m->nnodes; i++) {
        map_node *n = L->m->nodes[i];
        if (n->nmember_kids <= 8)
            continue;
        uint32_t size = 16;
        while (size < n->nmember_kids * 2)
            size *= 2;
        n->htab = calloc(size, sizeof *n->htab);
        if (!n->htab)
            return nomem(L);
        n->hmask = size - 1;
        for (uint32_t j = 0; j < n->nkids; j++) {
            map_node *k = n->kids[j];
            if (k->kind != N_MEMBER)
                continue;
            uint32_t h = name_hash(k->name, k->len) & n->hmask;
            while (n->htab[h])
                h = (h + 1) & n->hmask;
            n->htab[h] = j + 1;
        }
    }
    return 0;
}

/* ---- paths ---- */

/* Parses path text into steps: '$' or '@', then .name, ["name"], [N] or [*]. */
static int parse_path_text(lctx *L, const char *where, const char *text, map_path *p)
{
    size_t n = strlen(text);
    if (n == 0)
        return lerr(L, where, "empty path (a path starts with '$', the message, or '@', the row)");
    if (text[0] != '$' && text[0] != '@')
        return lerr(L, where, "path '%s' must start with '$' (the message) or '@' (the row)", text);
    p->root = text[0];
    map_step steps[SL_MAP_MAX_STEPS];
    uint32_t ns = 0;
    size_t i = 1;
    while (i < n) {
        map_step st = { 0 };
        if (ns == SL_MAP_MAX_STEPS)
            return lerr(L, where, "path '%s' has more than %d steps", text, SL_MAP_MAX_STEPS);
        if (text[i] == '.') {
            size_t s = ++i;
            while (i < n && text[i] != '.' && text[i] != '[') {
                if (text[i] == ']' || (unsigned char)text[i] < 0x20)
                    return lerr(L, where, "path '%s': unexpected character at position %zu (quote odd names: [\"a.b\"])",
                                text, i + 1);
                i++;
            }
            if (i == s)
                return lerr(L, where, "path '%s': empty member name at position %zu", text, s + 1);
            st.kind = ST_MEMBER;
            st.name = text + s;
            st.len = (uint32_t)(i - s);
        } else if (text[i] == '[') {
            i++;
            if (i + 1 < n && text[i] == '*' && text[i + 1] == ']') {
                st.kind = ST_WILD;
                i += 2;
            } else if (i < n && text[i] >= '0' && text[i] <= '9') {
                uint64_t v = 0;
                size_t s = i;
                while (i < n && text[i] >= '0' && text[i] <= '9' && i - s < 12)
                    v = v * 10 + (uint64_t)(text[i++] - '0');
                if (i >= n || text[i] != ']')
                    return lerr(L, where, "path '%s': expected ']' after the index at position %zu", text, i + 1);
                i++;
                st.kind = ST_INDEX;
                st.index = v;
            } else if (i < n && text[i] == '"') {
                size_t s = ++i;
                while (i + 1 < n && !(text[i] == '"' && text[i + 1] == ']'))
                    i++;
                if (i + 1 >= n)
                    return lerr(L, where, "path '%s': unterminated [\"name\"]", text);
                if (i == s)
                    return lerr(L, where, "path '%s': empty member name at position %zu", text, s + 1);
                st.kind = ST_MEMBER;
                st.name = text + s;
                st.len = (uint32_t)(i - s);
                i += 2;
            } else {
                return lerr(L, where, "path '%s': expected '*', an index or a quoted name after '[' at position %zu",
                            text, i);
            }
        } else {
            return lerr(L, where, "path '%s': unexpected '%c' at position %zu (expected '.' or '[')", text,
                        text[i], i + 1);
        }
        steps[ns++] = st;
    }
    /* Own the names: one allocation for the steps and their names. */
    size_t names = 0;
    for (uint32_t k = 0; k < ns; k++)
        names += steps[k].kind == ST_MEMBER ? steps[k].len + 1 : 0;
    char *blk = malloc(ns * sizeof(map_step) + names + 1);
    if (!blk)
        return nomem(L);
    p->steps = (map_step *)(void *)blk;
    char *np = blk + ns * sizeof(map_step);
    for (uint32_t k = 0; k < ns; k++) {
        p->steps[k] = steps[k];
        if (steps[k].kind == ST_MEMBER) {
            memcpy(np, steps[k].name, steps[k].len);
            np[steps[k].len] = 0;
            p->steps[k].name = np;
            np += steps[k].len + 1;
        }
    }
    p->nsteps = ns;
    return 0;
}

static int step_eq(const map_step *a, const map_step *b)
{
    if (a->kind != b->kind)
        return 0;
    if (a->kind == ST_MEMBER)
        return a->len == b->len && memcmp(a->name, b->name, a->len) == 0;
    if (a->kind == ST_INDEX)
        return a->index == b->index;
    return 1;
}

enum { P_SINGLE, P_AGG, P_LEVEL };

/* Compiles the path string v for table t (NULL: message level) into p. A `$`
 * path's leading steps that equal the table's rows path bind their [*] to the
 * current element of that level; `@` starts at the row. P_SINGLE paths must
 * reach one value per row, P_AGG paths may continue with unbound [*] steps (an
 * aggregate), P_LEVEL paths must name one of the table's row levels. */
static int compile_path(lctx *L, const char *where, const sl_json_val *v, const map_table *t, int mode,
                        map_path *p)
{
    p->text = dup_json_str(L, where, v);
    if (!p->text)
        return -1;
    if (parse_path_text(L, where, p->text, p))
        return -1;
    map_node *anchor = L->m->root;
    uint32_t start = 0;
    if (p->root == '@') {
        if (!t)
            return lerr(L, where, "'@' (the row) only has a meaning inside a table; use '$' (the message)");
        anchor = t->row_node;
    } else if (t) {
        uint32_t c = 0;
        while (c < p->nsteps && c < t->rows.nsteps && step_eq(&p->steps[c], &t->rows.steps[c]))
            c++;
        for (uint32_t s = 0; s < c; s++)
            if (p->steps[s].kind == ST_WILD)
                start = s + 1;
        for (uint32_t s = 0; s < start; s++) {
            const map_step *st = &p->steps[s];
            anchor = st->kind == ST_WILD ? anchor->level_kid : child_for(L, anchor, st);
            if (!anchor)
                return nomem(L);
        }
    }
    if (mode == P_LEVEL) {
        if (start != p->nsteps || anchor->kind != N_LEVEL)
            return lerr(L, where, "'%s' is not one of the table's row levels (rows: '%s'; an index names "
                                  "a [*] of the rows path, or '@')",
                        p->text, t ? t->rows.text : "$");
        p->node = anchor;
        p->nid = p->aid = anchor->id;
        return 0;
    }
    map_node *n = anchor;
    uint32_t s = start;
    for (; s < p->nsteps && p->steps[s].kind != ST_WILD; s++) {
        n = child_for(L, n, &p->steps[s]);
        if (!n)
            return nomem(L);
    }
    p->node = n;
    p->nid = n->id;
    p->aid = n->anchor->id;
    if (s < p->nsteps) {
        if (mode != P_AGG) {
            unsigned ord = 0;
            for (uint32_t k = 0; k <= s; k++)
                ord += p->steps[k].kind == ST_WILD;
            return lerr(L, where, "path '%s' yields many values per row ([*] number %u is not a row level of "
                                  "this table, whose rows are '%s'); use count, min, max or sum, or a table "
                                  "whose rows are these elements",
                        p->text, ord, t ? t->rows.text : "$");
        }
        p->rest = &p->steps[s];
        p->nrest = p->nsteps - s;
    }
    return 0;
}

/* ---- literals and conditions ---- */
static int load_lit(lctx *L, const char *where, const sl_json_val *v, map_lit *lit)
{
    switch (sl_json_get_type(v)) {
    case SL_JSON_NULL: lit->kind = L_NULL; return 0;
    case SL_JSON_TRUE: lit->kind = L_BOOL; lit->i = 1; return 0;
    case SL_JSON_FALSE: lit->kind = L_BOOL; lit->i = 0; return 0;
    case SL_JSON_INT: lit->kind = L_INT; lit->i = v->u.i; return 0;
    case SL_JSON_DOUBLE: lit->kind = L_DOUBLE; lit->d = v->u.d; return 0;
    case SL_JSON_STRING: {
        size_t n;
        const char *s = sl_json_get_str(v, &n);
        lit->kind = L_STRING;
        lit->s = malloc(n + 1);
        if (!lit->s)
            return nomem(L);
        memcpy(lit->s, s, n);
        lit->s[n] = 0;
        lit->n = n;
        return 0;
    }
    default:
        return lerr(L, where, "expected a string, number, boolean or null, got %s", kind_name(v));
    }
}

static const char *const cond_keys[] = { "path", "equals", "in", "prefix", "exists", "all", "any", "not", NULL };

static int load_cond(lctx *L, const char *where, const sl_json_val *v, const map_table *t, map_cond *c,
                     int depth)
{
    char w[256];
    if (depth > SL_MAP_MAX_COND_DEPTH)
        return lerr(L, where, "conditions nested more than %d deep", SL_MAP_MAX_COND_DEPTH);
    if (sl_json_get_type(v) != SL_JSON_OBJECT)
        return lerr(L, where, "expected an object such as {\"path\": \"$.type\", \"equals\": \"x\"}, got %s",
                    kind_name(v));
    if (check_keys(L, where, v, cond_keys))
        return -1;
    const char *ops[] = { "equals", "in", "prefix", "exists", "all", "any", "not" };
    const cond_op opv[] = { K_EQUALS, K_IN, K_PREFIX, K_EXISTS, K_ALL, K_ANY, K_NOT };
    const sl_json_val *arg = NULL;
    for (size_t i = 0; i < 7; i++) {
        const sl_json_val *a = get(v, ops[i]);
        if (!a)
            continue;
        if (arg)
            return lerr(L, where, "both '%s' and '%s' given (one test per condition; combine with all/any)",
                        ops[(size_t)(c->op - 1)], ops[i]);
        arg = a;
        c->op = opv[i];
    }
    if (!arg)
        return lerr(L, where, "no test (expected one of equals, in, prefix, exists, all, any, not)");
    const sl_json_val *path = get(v, "path");
    if (c->op == K_ALL || c->op == K_ANY || c->op == K_NOT) {
        if (path)
            return lerr(L, where, "'path' does not go with '%s'", ops[c->op - 1]);
        size_t n = 1;
        const sl_json_val *e = arg;
        if (c->op != K_NOT) {
            if (sl_json_get_type(arg) != SL_JSON_ARRAY || sl_json_get_len(arg) == 0)
                return lerr(L, at(w, sizeof w, where, ops[c->op - 1]), "expected a non-empty array of conditions");
            n = sl_json_get_len(arg);
            e = sl_json_first(arg);
        }
        c->subs = calloc(n, sizeof *c->subs);
        if (!c->subs)
            return nomem(L);
        c->nsubs = n;
        for (size_t i = 0; i < n; i++, e = sl_json_skip(e)) {
            if (c->op == K_NOT)
                at(w, sizeof w, where, "not");
            else
                snprintf(w, sizeof w, "%s%s%s[%zu]", where, *where ? "." : "", ops[c->op - 1], i);
            if (load_cond(L, w, e, t, &c->subs[i], depth + 1))
                return -1;
        }
        return 0;
    }
    if (!path)
        return lerr(L, where, "'%s' needs a 'path'", ops[c->op - 1]);
    if (compile_path(L, at(w, sizeof w, where, "path"), path, t, P_SINGLE, &c->path))
        return -1;
    at(w, sizeof w, where, ops[c->op - 1]);
    switch (c->op) {
    case K_EXISTS:
        if (sl_json_get_type(arg) != SL_JSON_TRUE && sl_json_get_type(arg) != SL_JSON_FALSE)
            return lerr(L, w, "expected true or false, got %s", kind_name(arg));
        c->exists = sl_json_get_type(arg) == SL_JSON_TRUE;
        return 0;
    case K_EQUALS:
    case K_PREFIX:
        c->lits = calloc(1, sizeof *c->lits);
        if (!c->lits)
            return nomem(L);
        c->nlits = 1;
        if (c->op == K_PREFIX && sl_json_get_type(arg) != SL_JSON_STRING)
            return lerr(L, w, "expected a string, got %s", kind_name(arg));
        return load_lit(L, w, arg, c->lits);
    case K_IN: {
        if (sl_json_get_type(arg) != SL_JSON_ARRAY || sl_json_get_len(arg) == 0)
            return lerr(L, w, "expected a non-empty array of values, got %s", kind_name(arg));
        size_t n = sl_json_get_len(arg);
        c->lits = calloc(n, sizeof *c->lits);
        if (!c->lits)
            return nomem(L);
        c->nlits = n;
        const sl_json_val *e = sl_json_first(arg);
        for (size_t i = 0; i < n; i++, e = sl_json_skip(e)) {
            char we[300];
            snprintf(we, sizeof we, "%s[%zu]", w, i);
            if (load_lit(L, we, e, &c->lits[i]))
                return -1;
        }
        return 0;
    }
    default:
        return lerr(L, where, "internal: unknown condition");
    }
}

/* ---- columns and tables ---- */
static int valid_ident(const char *s, int allow_upper)
{
    size_t n = strlen(s);
    if (n == 0 || n > MAX_NAME)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int ok = (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9') ||
                 (allow_upper && c >= 'A' && c <= 'Z');
        if (!ok)
            return 0;
    }
    return 1;
}

static int is_numeric(sl_type t) { return t == SL_T_INT32 || t == SL_T_INT64 || t == SL_T_DOUBLE; }

static const char *const col_keys[] = { "name", "type", "description", "path", "index", "exists", "count",
                                        "min", "max", "sum", "ratio", "difference", "required", "default",
                                        NULL };
static const char *const sources[] = { "path", "index", "exists", "count", "min", "max", "sum", "ratio",
                                       "difference" };
static const col_kind source_kind[] = { C_PATH, C_INDEX, C_EXISTS, C_COUNT, C_MIN, C_MAX, C_SUM, C_RATIO, C_DIFF };

/* Finds an earlier column of t by name (ratio/difference operands). */
static int operand(lctx *L, const char *where, const map_table *t, size_t ncols, const sl_json_val *v,
                   uint32_t *out)
{
    if (sl_json_get_type(v) != SL_JSON_STRING)
        return lerr(L, where, "expected a column name, got %s", kind_name(v));
    size_t n;
    const char *s = sl_json_get_str(v, &n);
    for (size_t i = 0; i < ncols; i++)
        if (strlen(t->cols[i].name) == n && memcmp(t->cols[i].name, s, n) == 0) {
            *out = (uint32_t)i;
            return 0;
        }
    char desc[96];
    return lerr(L, where, "no column '%s' before this one in the table (operands must be defined earlier)",
                sq(v, desc, sizeof desc));
}

static int load_default(lctx *L, const char *where, const sl_json_val *v, map_col *c)
{
    if (sl_json_is_container(v) || sl_json_get_type(v) == SL_JSON_NULL)
        return lerr(L, where, "expected a %s value, got %s", sl_type_name(c->type), kind_name(v));
    map_arena tmp = { 0 };
    char why[160];
    int r = sl_map_coerce(v, c->type, &c->def, &tmp, why, sizeof why);
    if (r == 0 && (c->type == SL_T_STRING || c->type == SL_T_BINARY)) {
        c->def_text = malloc(c->def.u.s.n + 1);
        if (c->def_text) {
            memcpy(c->def_text, c->def.u.s.p, c->def.u.s.n);
            c->def_text[c->def.u.s.n] = 0;
            c->def.u.s.p = c->def_text;
        } else {
            r = -2;
        }
    }
    sl_map_arena_free(&tmp);
    if (r == -2)
        return nomem(L);
    if (r)
        return lerr(L, where, "%s (the column's type is %s)", why, sl_type_name(c->type));
    c->has_default = 1;
    return 0;
}

static int load_col(lctx *L, const char *where, const sl_json_val *v, map_table *t, size_t ci)
{
    char w[256];
    map_col *c = &t->cols[ci];
    if (sl_json_get_type(v) != SL_JSON_OBJECT)
        return lerr(L, where, "expected an object, got %s", kind_name(v));
    if (check_keys(L, where, v, col_keys))
        return -1;
    const sl_json_val *name = get(v, "name");
    if (!name)
        return lerr(L, where, "missing 'name'");
    c->name = dup_json_str(L, at(w, sizeof w, where, "name"), name);
    if (!c->name)
        return -1;
    if (!valid_ident(c->name, 1))
        return lerr(L, w, "'%s' is not a column name (letters, digits and _, not starting with a digit, "
                          "at most %d)", c->name, MAX_NAME);
    if (c->name[0] == '_')
        return lerr(L, w, "'%s': names starting with '_' are reserved (provenance columns)", c->name);
    if (strcasecmp(c->name, "dt") == 0 || (L->m->tenant.text && strcasecmp(c->name, "tenant") == 0))
        return lerr(L, w, "'%s' is reserved for the partition folder", c->name);
    for (size_t i = 0; i < ci; i++)
        if (strcasecmp(t->cols[i].name, c->name) == 0)
            return lerr(L, w, "duplicate column name '%s' (also columns[%zu]; names are case-insensitive)",
                        c->name, i);
    const sl_json_val *type = get(v, "type");
    if (!type)
        return lerr(L, where, "missing 'type' (one of %s)", type_list);
    at(w, sizeof w, where, "type");
    if (sl_json_get_type(type) != SL_JSON_STRING)
        return lerr(L, w, "expected a type name (one of %s), got %s", type_list, kind_name(type));
    {
        char tn[32];
        size_t n;
        const char *s = sl_json_get_str(type, &n);
        if (n >= sizeof tn || (memcpy(tn, s, n), tn[n] = 0, sl_type_parse(tn, &c->type))) {
            char desc[96];
            return lerr(L, w, "unknown type '%s' (expected one of %s)", sq(type, desc, sizeof desc), type_list);
        }
    }
    const sl_json_val *src = NULL;
    const char *srcname = NULL;
    for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++) {
        const sl_json_val *s = get(v, sources[i]);
        if (!s)
            continue;
        if (src)
            return lerr(L, where, "both '%s' and '%s' given (a column has one source)", srcname, sources[i]);
        src = s;
        srcname = sources[i];
        c->kind = source_kind[i];
    }
    if (!src)
        return lerr(L, where, "no source (expected one of path, index, exists, count, min, max, sum, ratio, "
                              "difference)");
    at(w, sizeof w, where, srcname);
    sl_type ty = c->type;
    const char *tyn = sl_type_name(ty);
    switch (c->kind) {
    case C_PATH:
        if (compile_path(L, w, src, t, P_SINGLE, &c->path))
            return -1;
        break;
    case C_EXISTS:
        if (ty != SL_T_BOOL)
            return lerr(L, where, "'exists' makes a boolean column, not %s", tyn);
        if (compile_path(L, w, src, t, P_SINGLE, &c->path))
            return -1;
        break;
    case C_INDEX:
        if (ty != SL_T_INT32 && ty != SL_T_INT64)
            return lerr(L, where, "'index' makes an int32 or int64 column, not %s", tyn);
        if (compile_path(L, w, src, t, P_LEVEL, &c->path))
            return -1;
        break;
    case C_COUNT:
        if (ty != SL_T_INT32 && ty != SL_T_INT64)
            return lerr(L, where, "'count' makes an int32 or int64 column, not %s", tyn);
        if (compile_path(L, w, src, t, P_AGG, &c->path))
            return -1;
        break;
    case C_MIN:
    case C_MAX:
        if (!is_numeric(ty) && ty != SL_T_TIMESTAMP && ty != SL_T_DATE)
            return lerr(L, where, "'%s' needs a numeric, timestamp or date column, not %s", srcname, tyn);
        if (compile_path(L, w, src, t, P_AGG, &c->path))
            return -1;
        break;
    case C_SUM:
        if (!is_numeric(ty))
            return lerr(L, where, "'sum' needs an int32, int64 or double column, not %s", tyn);
        if (compile_path(L, w, src, t, P_AGG, &c->path))
            return -1;
        break;
    case C_RATIO:
    case C_DIFF: {
        if (sl_json_get_type(src) != SL_JSON_ARRAY || sl_json_get_len(src) != 2)
            return lerr(L, w, "expected two column names [\"a\", \"b\"], got %s", kind_name(src));
        char wa[300], wb[300];
        snprintf(wa, sizeof wa, "%s[0]", w);
        snprintf(wb, sizeof wb, "%s[1]", w);
        const sl_json_val *e0 = sl_json_first(src);
        if (operand(L, wa, t, ci, e0, &c->a) || operand(L, wb, t, ci, sl_json_skip(e0), &c->b))
            return -1;
        sl_type ta = t->cols[c->a].type, tb = t->cols[c->b].type;
        if (c->kind == C_RATIO) {
            if (!is_numeric(ta) || !is_numeric(tb))
                return lerr(L, w, "ratio needs numeric columns, not %s and %s", sl_type_name(ta), sl_type_name(tb));
            if (ty != SL_T_DOUBLE)
                return lerr(L, where, "'ratio' makes a double column, not %s", tyn);
        } else {
            int ts = ta == SL_T_TIMESTAMP && tb == SL_T_TIMESTAMP;
            int dd = ta == SL_T_DATE && tb == SL_T_DATE;
            int nn = is_numeric(ta) && is_numeric(tb);
            if (!ts && !dd && !nn)
                return lerr(L, w, "difference needs two timestamps, two dates or two numbers, not %s and %s",
                            sl_type_name(ta), sl_type_name(tb));
            if (ts && ty != SL_T_DOUBLE)
                return lerr(L, where, "a difference of timestamps is seconds: type must be double, not %s", tyn);
            if (!is_numeric(ty))
                return lerr(L, where, "'difference' makes a numeric column, not %s", tyn);
            if (nn && (ta == SL_T_DOUBLE || tb == SL_T_DOUBLE) && ty != SL_T_DOUBLE)
                return lerr(L, where, "a difference involving a double must be double, not %s", tyn);
        }
        break;
    }
    }
    const sl_json_val *req = get(v, "required");
    if (req) {
        if (sl_json_get_type(req) != SL_JSON_TRUE && sl_json_get_type(req) != SL_JSON_FALSE)
            return lerr(L, at(w, sizeof w, where, "required"), "expected true or false, got %s", kind_name(req));
        if (c->kind != C_PATH)
            return lerr(L, where, "'required' only applies to a column with a 'path'");
        c->required = sl_json_get_type(req) == SL_JSON_TRUE;
    }
    const sl_json_val *def = get(v, "default");
    if (def) {
        if (c->kind != C_PATH)
            return lerr(L, where, "'default' only applies to a column with a 'path'");
        if (load_default(L, at(w, sizeof w, where, "default"), def, c))
            return -1;
    }
    const sl_json_val *desc = get(v, "description");
    if (desc && sl_json_get_type(desc) != SL_JSON_STRING)
        return lerr(L, at(w, sizeof w, where, "description"), "expected a string, got %s", kind_name(desc));
    return 0;
}

static const sl_column provenance[4] = {
    { "_topic", SL_T_STRING, 0 },
    { "_partition", SL_T_INT32, 0 },
    { "_offset", SL_T_INT64, 0 },
    { "_timestamp", SL_T_TIMESTAMP, 0 },
};

static const char *const table_keys[] = { "name", "description", "rows", "when", "partition", "columns", NULL };

static int load_table(lctx *L, const char *where, const sl_json_val *v, size_t ti)
{
    char w[256];
    sl_mapping *m = L->m;
    map_table *t = &m->tables[ti];
    if (sl_json_get_type(v) != SL_JSON_OBJECT)
        return lerr(L, where, "expected an object, got %s", kind_name(v));
    if (check_keys(L, where, v, table_keys))
        return -1;
    const sl_json_val *name = get(v, "name");
    if (!name)
        return lerr(L, where, "missing 'name'");
    t->name = dup_json_str(L, at(w, sizeof w, where, "name"), name);
    if (!t->name)
        return -1;
    if (!valid_ident(t->name, 0) || t->name[0] == '_')
        return lerr(L, w, "'%s' is not a table name (a-z, 0-9 and _, starting with a letter, at most %d)",
                    t->name, MAX_NAME);
    for (size_t i = 0; i < ti; i++)
        if (strcmp(m->tables[i].name, t->name) == 0)
            return lerr(L, w, "duplicate table name '%s' (also tables[%zu])", t->name, i);
    const sl_json_val *desc = get(v, "description");
    if (desc && sl_json_get_type(desc) != SL_JSON_STRING)
        return lerr(L, at(w, sizeof w, where, "description"), "expected a string, got %s", kind_name(desc));

    /* rows: '$' or a path ending in [*]; every [*] becomes a row level. */
    const sl_json_val *rows = get(v, "rows");
    at(w, sizeof w, where, "rows");
    if (rows) {
        t->rows.text = dup_json_str(L, w, rows);
        if (!t->rows.text)
            return -1;
    } else {
        t->rows.text = strdup("$");
        if (!t->rows.text)
            return nomem(L);
    }
    if (parse_path_text(L, w, t->rows.text, &t->rows))
        return -1;
    if (t->rows.root != '$')
        return lerr(L, w, "rows '%s' must start with '$' (the message)", t->rows.text);
    if (t->rows.nsteps && t->rows.steps[t->rows.nsteps - 1].kind != ST_WILD)
        return lerr(L, w, "rows '%s' must be '$' (one row per message) or end with [*] (one row per element)",
                    t->rows.text);
    map_node *n = m->root;
    unsigned levels = 0;
    for (uint32_t s = 0; s < t->rows.nsteps; s++) {
        if (t->rows.steps[s].kind == ST_WILD) {
            if (++levels > SL_MAP_MAX_LEVELS)
                return lerr(L, w, "rows '%s' nests more than %d levels", t->rows.text, SL_MAP_MAX_LEVELS);
            n = level_for(L, n);
        } else {
            n = child_for(L, n, &t->rows.steps[s]);
        }
        if (!n)
            return nomem(L);
    }
    t->rows.node = n;
    t->row_node = n;
    {
        uint32_t idx = (uint32_t)ti;
        if (n->ntables == n->tables_cap) {
            uint32_t cap = n->tables_cap ? n->tables_cap * 2 : 4;
            uint32_t *p = realloc(n->tables, cap * sizeof *p);
            if (!p)
                return nomem(L);
            n->tables = p;
            n->tables_cap = cap;
        }
        n->tables[n->ntables++] = idx;
    }

    const sl_json_val *cols = get(v, "columns");
    at(w, sizeof w, where, "columns");
    if (!cols)
        return lerr(L, where, "missing 'columns'");
    if (sl_json_get_type(cols) != SL_JSON_ARRAY || sl_json_get_len(cols) == 0)
        return lerr(L, w, "expected a non-empty array of columns, got %s",
                    sl_json_get_type(cols) == SL_JSON_ARRAY ? "an empty array" : kind_name(cols));
    if (sl_json_get_len(cols) > MAX_COLUMNS)
        return lerr(L, w, "more than %d columns", MAX_COLUMNS);
    t->ncols = sl_json_get_len(cols);
    t->cols = calloc(t->ncols, sizeof *t->cols);
    if (!t->cols)
        return nomem(L);
    const sl_json_val *cv = sl_json_first(cols);
    for (size_t i = 0; i < t->ncols; i++, cv = sl_json_skip(cv)) {
        char wc[256];
        snprintf(wc, sizeof wc, "%s.columns[%zu]", where, i);
        if (load_col(L, wc, cv, t, i))
            return -1;
    }

    /* partition: a column of this table, a path, or null; default: the mapping's. */
    const sl_json_val *part = get(v, "partition");
    at(w, sizeof w, where, "partition");
    if (part && sl_json_get_type(part) == SL_JSON_NULL) {
        t->part_kind = 0;
    } else if (part || m->partition_text) {
        char *text;
        if (part) {
            text = dup_json_str(L, w, part);
            if (!text)
                return -1;
        } else {
            text = strdup(m->partition_text);
            if (!text)
                return nomem(L);
            at(w, sizeof w, "", "partition");
        }
        t->part_text = text;
        if (text[0] == '$' || text[0] == '@') {
            /* compile_path wants a JSON string cell: build one on the stack. */
            sl_json_val sv;
            sv.tag = ((uint64_t)strlen(text) << 8) | SL_JSON_STRING;
            sv.u.s = text;
            if (compile_path(L, w, &sv, t, P_SINGLE, &t->part_path))
                return -1;
            t->part_kind = 2;
        } else {
            size_t i = 0;
            for (; i < t->ncols; i++)
                if (strcmp(t->cols[i].name, text) == 0)
                    break;
            if (i == t->ncols)
                return lerr(L, w, "'%s' is neither a path ($...) nor a column of table '%s'", text, t->name);
            if (t->cols[i].type != SL_T_TIMESTAMP && t->cols[i].type != SL_T_DATE)
                return lerr(L, w, "column '%s' is %s; a partition column must be a timestamp or a date", text,
                            sl_type_name(t->cols[i].type));
            t->part_kind = 1;
            t->part_col = (uint32_t)i;
        }
    }

    const sl_json_val *when = get(v, "when");
    if (when) {
        t->when = calloc(1, sizeof *t->when);
        if (!t->when)
            return nomem(L);
        if (load_cond(L, at(w, sizeof w, where, "when"), when, t, t->when, 0))
            return -1;
    }

    t->nschema = t->ncols + 4;
    t->schema = calloc(t->nschema, sizeof *t->schema);
    if (!t->schema)
        return nomem(L);
    for (size_t i = 0; i < t->ncols; i++) {
        t->schema[i].name = t->cols[i].name;
        t->schema[i].type = t->cols[i].type;
        t->schema[i].required = t->cols[i].required;
    }
    memcpy(t->schema + t->ncols, provenance, sizeof provenance);
    return 0;
}

static const char *const mapping_keys[] = { "name",      "description", "dedupe", "tenant", "when",
                                            "unmatched", "partition",   "tables", NULL };

static int load_mapping(lctx *L, const sl_json_val *root)
{
    sl_mapping *m = L->m;
    char w[64];
    if (sl_json_get_type(root) != SL_JSON_OBJECT)
        return lerr(L, "", "expected a JSON object at the top level, got %s", kind_name(root));
    if (check_keys(L, "", root, mapping_keys))
        return -1;
    const sl_json_val *name = get(root, "name");
    if (!name)
        return lerr(L, "", "missing 'name'");
    m->name = dup_json_str(L, "name", name);
    if (!m->name)
        return -1;
    {
        size_t n = strlen(m->name);
        int ok = n > 0 && n <= 64;
        for (size_t i = 0; i < n && ok; i++)
            ok = isalnum((unsigned char)m->name[i]) || m->name[i] == '_' || m->name[i] == '-';
        if (!ok)
            return lerr(L, "name", "'%s' is not a mapping name (letters, digits, _ and -, at most 64)", m->name);
    }
    const sl_json_val *desc = get(root, "description");
    m->description = desc ? dup_json_str(L, "description", desc) : strdup("");
    if (!m->description)
        return desc ? -1 : nomem(L);
    const sl_json_val *um = get(root, "unmatched");
    if (um) {
        size_t n;
        const char *s = sl_json_get_type(um) == SL_JSON_STRING ? sl_json_get_str(um, &n) : NULL;
        if (s && n == 10 && memcmp(s, "quarantine", 10) == 0)
            m->unmatched_skip = 0;
        else if (s && n == 4 && memcmp(s, "skip", 4) == 0)
            m->unmatched_skip = 1;
        else {
            char d[96];
            return lerr(L, "unmatched", "expected 'quarantine' or 'skip', got '%s'", sq(um, d, sizeof d));
        }
    }
    m->root = new_node(L, N_ROOT, NULL);
    if (!m->root)
        return nomem(L);
    const sl_json_val *tenant = get(root, "tenant");
    if (tenant && compile_path(L, "tenant", tenant, NULL, P_SINGLE, &m->tenant))
        return -1;
    const sl_json_val *part = get(root, "partition");
    if (part && sl_json_get_type(part) != SL_JSON_NULL) {
        m->partition_text = dup_json_str(L, "partition", part);
        if (!m->partition_text)
            return -1;
        if (m->partition_text[0] != '$')
            return lerr(L, "partition", "'%s': the mapping-level partition is a path starting with '$' "
                                        "(a table may name one of its columns instead)", m->partition_text);
    }
    const sl_json_val *tables = get(root, "tables");
    if (!tables)
        return lerr(L, "", "missing 'tables'");
    if (sl_json_get_type(tables) != SL_JSON_ARRAY || sl_json_get_len(tables) == 0)
        return lerr(L, "tables", "expected a non-empty array of tables, got %s",
                    sl_json_get_type(tables) == SL_JSON_ARRAY ? "an empty array" : kind_name(tables));
    if (sl_json_get_len(tables) > MAX_TABLES)
        return lerr(L, "tables", "more than %d tables", MAX_TABLES);
    m->ntables = sl_json_get_len(tables);
    m->tables = calloc(m->ntables, sizeof *m->tables);
    if (!m->tables)
        return nomem(L);
    const sl_json_val *tv = sl_json_first(tables);
    for (size_t i = 0; i < m->ntables; i++, tv = sl_json_skip(tv)) {
        snprintf(w, sizeof w, "tables[%zu]", i);
        if (load_table(L, w, tv, i))
            return -1;
    }
    const sl_json_val *dedupe = get(root, "dedupe");
    if (dedupe && compile_path(L, "dedupe", dedupe, NULL, P_SINGLE, &m->dedupe))
        return -1;
    const sl_json_val *when = get(root, "when");
    if (when) {
        m->when = calloc(1, sizeof *m->when);
        if (!m->when)
            return nomem(L);
        if (load_cond(L, "when", when, NULL, m->when, 0))
            return -1;
    }
    /* Routing: when every message-level table has a `when`, a message none of
     * them takes is unmatched. */
    size_t top = 0, top_when = 0;
    for (size_t i = 0; i < m->ntables; i++)
        if (m->tables[i].row_node == m->root) {
            top++;
            top_when += m->tables[i].when != NULL;
        }
    m->routed = top > 0 && top == top_when;
    return finish_trie(L);
}

sl_mapping *sl_mapping_parse(const char *text, size_t len, const char *source_name, char *errstr,
                             size_t errstr_size)
{
    sl_json_parser *p = NULL;
    lctx L = { NULL, source_name ? source_name : "mapping", errstr, errstr_size };
    sl_mapping *m = calloc(1, sizeof *m);
    if (!m)
        goto oom;
    L.m = m;
    m->source = strdup(L.src);
    if (!m->source)
        goto oom;
    L.src = m->source;
    sl_json_opts opts = { 0 };
    opts.allow_bom = 1;
    opts.max_depth = 64;
    p = sl_json_parser_new(&opts);
    if (!p)
        goto oom;
    sl_json_error jerr = { 0 };
    const sl_json_val *root = sl_json_parse(p, text, len, &jerr);
    if (!root) {
        char jm[256];
        lerr(&L, "", "invalid JSON: %s", sl_json_error_format(&jerr, jm, sizeof jm));
        goto err;
    }
    if (load_mapping(&L, root))
        goto err;
    sl_json_parser_destroy(p);
    return m;
oom:
    sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "%s: out of memory", source_name ? source_name : "mapping");
err:
    sl_json_parser_destroy(p);
    sl_mapping_destroy(m);
    return NULL;
}

const char *sl_mapping_builtin_text(const char *name, size_t *len)
{
    for (size_t i = 0; i < sl_builtin_mapping_count; i++)
        if (sl_builtin_mappings[i].name && strcmp(sl_builtin_mappings[i].name, name) == 0) {
            if (len)
                *len = sl_builtin_mappings[i].len;
            return sl_builtin_mappings[i].text;
        }
    return NULL;
}

const char *sl_mapping_builtin_name(size_t i)
{
    return i < sl_builtin_mapping_count ? sl_builtin_mappings[i].name : NULL;
}

sl_mapping *sl_mapping_load(const char *name_or_path, char *errstr, size_t errstr_size)
{
    size_t len;
    const char *text = sl_mapping_builtin_text(name_or_path, &len);
    if (text) {
        char src[160];
        snprintf(src, sizeof src, "%s.json (built-in)", name_or_path);
        return sl_mapping_parse(text, len, src, errstr, errstr_size);
    }
    sl_mapping *m = NULL;
    char *buf = NULL;
    int fd = open(name_or_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT && !strchr(name_or_path, '/') && !strstr(name_or_path, ".json")) {
            char names[256] = "";
            for (size_t i = 0; sl_mapping_builtin_name(i); i++) {
                strncat(names, i ? ", " : "", sizeof names - strlen(names) - 1);
                strncat(names, sl_mapping_builtin_name(i), sizeof names - strlen(names) - 1);
            }
            sl_errf(SL_ERR_NOTFOUND, errstr, errstr_size,
                    "%s: no such built-in mapping (built-in: %s) and no such file", name_or_path, names);
        } else {
            sl_errf(errno == ENOENT ? SL_ERR_NOTFOUND : SL_ERR_IO, errstr, errstr_size, "%s: %s", name_or_path,
                    strerror(errno));
        }
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        sl_errf(SL_ERR_IO, errstr, errstr_size, "%s: %s", name_or_path, strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > (off_t)MAX_MAPPING_BYTES) {
        sl_errf(SL_ERR_INVALID, errstr, errstr_size, "%s: not a regular file of at most %u bytes", name_or_path,
                MAX_MAPPING_BYTES);
        goto done;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "%s: out of memory", name_or_path);
        goto done;
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            sl_errf(SL_ERR_IO, errstr, errstr_size, "%s: read: %s", name_or_path, r ? strerror(errno) : "file shrank");
            goto done;
        }
        got += (size_t)r;
    }
    m = sl_mapping_parse(buf, got, name_or_path, errstr, errstr_size);
done:
    free(buf);
    close(fd);
    return m;
}

static void free_path(map_path *p)
{
    free(p->text);
    free(p->steps);
}

static void free_cond(map_cond *c)
{
    if (!c)
        return;
    free_path(&c->path);
    for (size_t i = 0; i < c->nlits; i++)
        free(c->lits[i].s);
    free(c->lits);
    for (size_t i = 0; i < c->nsubs; i++)
        free_cond(&c->subs[i]);
    free(c->subs);
}

void sl_mapping_destroy(sl_mapping *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->ntables; i++) {
        map_table *t = &m->tables[i];
        free(t->name);
        free_path(&t->rows);
        free_cond(t->when);
        free(t->when);
        for (size_t c = 0; c < t->ncols; c++) {
            free(t->cols[c].name);
            free_path(&t->cols[c].path);
            free(t->cols[c].def_text);
        }
        free(t->cols);
        free(t->schema);
        free_path(&t->part_path);
        free(t->part_text);
    }
    free(m->tables);
    free_cond(m->when);
    free(m->when);
    free_path(&m->dedupe);
    free_path(&m->tenant);
    for (uint32_t i = 0; i < m->nnodes; i++) {
        map_node *n = m->nodes[i];
        free((char *)n->name);
        free(n->kids);
        free(n->htab);
        free(n->next_levels);
        free(n->tables);
        free(n);
    }
    free(m->nodes);
    free(m->partition_text);
    free(m->name);
    free(m->description);
    free(m->source);
    free(m);
}

const char *sl_mapping_name(const sl_mapping *m) { return m->name; }
const char *sl_mapping_description(const sl_mapping *m) { return m->description; }
size_t sl_mapping_ntables(const sl_mapping *m) { return m->ntables; }
const char *sl_mapping_table_name(const sl_mapping *m, size_t t) { return m->tables[t].name; }
size_t sl_mapping_table_ncols(const sl_mapping *m, size_t t) { return m->tables[t].nschema; }
const sl_column *sl_mapping_table_columns(const sl_mapping *m, size_t t) { return m->tables[t].schema; }

static const sl_column quarantine_cols[] = {
    { "reason", SL_T_STRING, 1 },
    { "payload", SL_T_BINARY, 1 },
    { "key", SL_T_BINARY, 0 },
    { "_topic", SL_T_STRING, 0 },
    { "_partition", SL_T_INT32, 0 },
    { "_offset", SL_T_INT64, 0 },
    { "_timestamp", SL_T_TIMESTAMP, 0 },
};

size_t sl_quarantine_ncols(void) { return sizeof quarantine_cols / sizeof quarantine_cols[0]; }
const sl_column *sl_quarantine_columns(void) { return quarantine_cols; }

/* ---- summary ---- */
static sl_err describe_cond(const map_cond *c, sl_buf *out)
{
    static const char *const names[] = { "", "equals", "in", "prefix", "exists", "all", "any", "not" };
    sl_err e = SL_OK;
    if (c->op == K_ALL || c->op == K_ANY || c->op == K_NOT) {
        e = sl_buf_printf(out, "%s(", names[c->op]);
        for (size_t i = 0; i < c->nsubs && e == SL_OK; i++) {
            if (i)
                e = sl_buf_printf(out, ", ");
            if (e == SL_OK)
                e = describe_cond(&c->subs[i], out);
        }
        return e == SL_OK ? sl_buf_printf(out, ")") : e;
    }
    if (c->op == K_EXISTS)
        return sl_buf_printf(out, "%s %s", c->path.text, c->exists ? "exists" : "is absent");
    e = sl_buf_printf(out, "%s %s ", c->path.text, names[c->op]);
    for (size_t i = 0; i < c->nlits && e == SL_OK; i++) {
        const map_lit *l = &c->lits[i];
        if (i)
            e = sl_buf_printf(out, ", ");
        if (e != SL_OK)
            break;
        switch (l->kind) {
        case L_NULL: e = sl_buf_printf(out, "null"); break;
        case L_BOOL: e = sl_buf_printf(out, "%s", l->i ? "true" : "false"); break;
        case L_INT: e = sl_buf_printf(out, "%lld", (long long)l->i); break;
        case L_DOUBLE: e = sl_buf_printf(out, "%.17g", l->d); break;
        case L_STRING: e = sl_buf_printf(out, "\"%s\"", l->s); break;
        }
    }
    return e;
}

sl_err sl_mapping_describe(const sl_mapping *m, sl_buf *out)
{
    static const char *const kinds[] = { "", "", "index", "exists", "count", "min", "max", "sum", "ratio",
                                         "difference" };
    sl_err e = sl_buf_printf(out, "mapping '%s' (%s): %zu table%s\n", m->name, m->source, m->ntables,
                             m->ntables == 1 ? "" : "s");
    if (e == SL_OK && m->description[0])
        e = sl_buf_printf(out, "  %s\n", m->description);
    if (e == SL_OK)
        e = sl_buf_printf(out, "  dedupe: %s\n", m->dedupe.text ? m->dedupe.text : "none");
    if (e == SL_OK && m->tenant.text)
        e = sl_buf_printf(out, "  tenant: %s\n", m->tenant.text);
    if (e == SL_OK && m->when) {
        e = sl_buf_printf(out, "  when: ");
        if (e == SL_OK)
            e = describe_cond(m->when, out);
        if (e == SL_OK)
            e = sl_buf_printf(out, "\n");
    }
    if (e == SL_OK)
        e = sl_buf_printf(out, "  unmatched messages: %s\n",
                          m->routed || m->when ? (m->unmatched_skip ? "skipped" : "quarantined")
                                               : "none (every message reaches a table)");
    for (size_t i = 0; i < m->ntables && e == SL_OK; i++) {
        const map_table *t = &m->tables[i];
        e = sl_buf_printf(out, "\ntable %s: rows %s, partition dt = %s%s, %zu columns + 4 provenance\n",
                          t->name, t->rows.text, t->part_kind ? "UTC date of " : "",
                          t->part_kind ? t->part_text : "none", t->ncols);
        if (e == SL_OK && t->when) {
            e = sl_buf_printf(out, "  when: ");
            if (e == SL_OK)
                e = describe_cond(t->when, out);
            if (e == SL_OK)
                e = sl_buf_printf(out, "\n");
        }
        for (size_t c = 0; c < t->ncols && e == SL_OK; c++) {
            const map_col *col = &t->cols[c];
            e = sl_buf_printf(out, "  %-20s %-9s %-8s ", col->name, sl_type_name(col->type),
                              col->required ? "required" : "");
            if (e != SL_OK)
                break;
            if (col->kind == C_RATIO || col->kind == C_DIFF)
                e = sl_buf_printf(out, "%s(%s, %s)", kinds[col->kind], t->cols[col->a].name, t->cols[col->b].name);
            else if (col->kind == C_PATH)
                e = sl_buf_printf(out, "%s", col->path.text);
            else
                e = sl_buf_printf(out, "%s(%s)", kinds[col->kind], col->path.text);
            if (e == SL_OK && col->has_default) {
                const sl_value *d = &col->def;
                switch (col->type) {
                case SL_T_STRING:
                case SL_T_BINARY: e = sl_buf_printf(out, " default \"%s\"", col->def_text); break;
                case SL_T_DOUBLE: e = sl_buf_printf(out, " default %.17g", d->u.d); break;
                case SL_T_BOOL: e = sl_buf_printf(out, " default %s", d->u.i ? "true" : "false"); break;
                default: e = sl_buf_printf(out, " default %lld", (long long)d->u.i); break;
                }
            }
            if (e == SL_OK)
                e = sl_buf_printf(out, "\n");
        }
        if (e == SL_OK)
            e = sl_buf_printf(out, "  _topic string, _partition int32, _offset int64, _timestamp timestamp\n");
    }
    return e;
}
