/*
 * mapper.c: turning one message into rows (map.h), on the hot path.
 *
 * Per message: one parse into the tape; one pass over the members of each
 * object the mapping reads (matching keys against the trie's children); then
 * a depth-first walk over the row levels, re-resolving the nodes below a level
 * for each of its elements and emitting the rows of the tables at that level.
 * Cells go into per-table arrays kept from message to message; the few values
 * that need new bytes (numbers read as strings) go into an arena that is reset,
 * not freed, per message. Nothing here allocates per value once warm.
 */
#include "map/map_internal.h"
#include "json/json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A node's value at its anchor's current element; valid when stamp equals the
 * anchor's stamp. */
typedef struct map_slot {
    const sl_json_val *val;
    uint64_t stamp;
} map_slot;

typedef struct tab_out {
    sl_value *cells;
    size_t cap_rows;
    int32_t *dt;
    size_t nrows;
    uint64_t part_stamp; /* stamp of the anchor the cached partition date was computed for */
    int32_t part_dt;
    int part_cached;
} tab_out;

struct sl_mapper {
    const sl_mapping *m;
    sl_json_parser *parser;
    map_slot *slot;           /* per node: its value and the anchor resolution it belongs to */
    uint64_t *idx;            /* per level node: the current element's index */
    uint64_t clock;
    tab_out *outs;
    sl_map_rows *views;
    uint8_t *top_when;        /* per table at the root: its `when` for this message */
    sl_map_result res;
    map_arena arena;
    uint64_t extra;
    size_t total_rows, total_cells;
    size_t max_rows, max_cells;
    /* this message's provenance cells */
    sl_value prov[4];
    char *reason;
    size_t reason_size;
    char dkey[40];
};

/* ---- reasons ---- */
__attribute__((format(printf, 2, 3))) static int qfail(sl_mapper *mp, const char *fmt, ...)
{
    if (mp->reason && mp->reason_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(mp->reason, mp->reason_size, fmt, ap);
        va_end(ap);
        sl_map_utf8_trim(mp->reason);
    }
    return -1;
}

static void append(char *buf, size_t size, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t size, size_t *pos, const char *fmt, ...)
{
    if (*pos >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *pos, size - *pos, fmt, ap);
    va_end(ap);
    if (n > 0)
        *pos = *pos + (size_t)n < size ? *pos + (size_t)n : size - 1;
}

static int plain_name(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '.' || s[i] == '[' || s[i] == ']' || s[i] == ' ')
            return 0;
    return 1;
}

static void render_member(char *buf, size_t size, size_t *pos, const char *name, size_t len)
{
    if (plain_name(name, len))
        append(buf, size, pos, ".%.*s", (int)len, name);
    else
        append(buf, size, pos, "[\"%.*s\"]", (int)len, name);
}

/* Where a node is in this message: "sequences.questions[2].options[0].at". */
static void render_node(const sl_mapper *mp, const map_node *n, char *buf, size_t size, size_t *pos)
{
    if (n->kind == N_ROOT)
        return;
    render_node(mp, n->parent, buf, size, pos);
    if (n->kind == N_MEMBER)
        render_member(buf, size, pos, n->name, n->len);
    else if (n->kind == N_INDEX)
        append(buf, size, pos, "[%llu]", (unsigned long long)n->index);
    else
        append(buf, size, pos, "[%llu]", (unsigned long long)mp->idx[n->id]);
}

/* Renders a location into buf and returns the text without the leading '.'
 * ("$" for the message itself). */
static const char *where_text(char *buf, size_t pos)
{
    if (pos == 0)
        return "$";
    return buf[0] == '.' ? buf + 1 : buf;
}

/* ---- node access ---- */
static inline const sl_json_val *node_val(const sl_mapper *mp, const map_node *n)
{
    return mp->slot[n->id].stamp == mp->slot[n->anchor->id].stamp ? mp->slot[n->id].val : NULL;
}

/* The value a compiled path's node has now (NULL: absent). */
static inline const sl_json_val *path_val(const sl_mapper *mp, const map_path *p)
{
    const map_slot *s = &mp->slot[p->nid];
    return s->stamp == mp->slot[p->aid].stamp ? s->val : NULL;
}

/* Sets the values of n's member/index children (and theirs) from cell, for the
 * resolution `stamp`; counts object members no child wants. A cell that is
 * neither null nor the container the mapping reads through (an object where
 * member paths go on, an array where indexes do: `"sequences": "oops"`) is a
 * shape error: -1 with the reason set, so the message is quarantined rather
 * than landed with nulls. 0 otherwise. */
static int resolve_kids(sl_mapper *mp, const map_node *n, const sl_json_val *cell, uint64_t stamp)
{
    sl_json_type t = sl_json_get_type(cell);
    int want_index = n->nkids > n->nmember_kids;
    if (t == SL_JSON_OBJECT && n->nmember_kids) {
        uint64_t cnt = sl_json_get_len(cell);
        const sl_json_val *k = cell + 1;
        for (uint64_t i = 0; i < cnt; i++) {
            const sl_json_val *v = k + 1;
            size_t klen;
            const char *ks = sl_json_get_str(k, &klen);
            map_node *kid = sl_map_node_member(n, ks, klen);
            if (kid) {
                mp->slot[kid->id].val = v;
                mp->slot[kid->id].stamp = stamp;
                if (kid->nkids && resolve_kids(mp, kid, v, stamp))
                    return -1;
            } else {
                mp->extra++;
            }
            k = sl_json_skip(v);
        }
    } else if (t == SL_JSON_ARRAY && want_index) {
        for (uint32_t i = 0; i < n->nkids; i++) {
            map_node *kid = n->kids[i];
            if (kid->kind != N_INDEX)
                continue;
            const sl_json_val *v = sl_json_arr_get(cell, (size_t)kid->index);
            if (!v)
                continue;
            mp->slot[kid->id].val = v;
            mp->slot[kid->id].stamp = stamp;
            if (kid->nkids && resolve_kids(mp, kid, v, stamp))
                return -1;
        }
    } else if (t != SL_JSON_NULL && (n->nmember_kids || want_index)) {
        char w[256], d[64];
        size_t pos = 0;
        render_node(mp, n, w, sizeof w, &pos);
        return qfail(mp, "%s: expected %s, got %s", where_text(w, pos),
                     n->nmember_kids ? "an object" : "an array", sl_map_value_desc(cell, d, sizeof d));
    }
    return 0;
}

/* Makes `cell` the current element of anchor a (root or level). -1 on a shape
 * error below it (resolve_kids), 0 otherwise. */
static int resolve_anchor(sl_mapper *mp, const map_node *a, const sl_json_val *cell)
{
    uint64_t s = ++mp->clock;
    mp->slot[a->id].stamp = s;
    mp->slot[a->id].val = cell;
    return a->nkids ? resolve_kids(mp, a, cell, s) : 0;
}

/* ---- conditions ---- */
static int lit_match(const sl_json_val *v, const map_lit *l)
{
    sl_json_type t = sl_json_get_type(v);
    switch (l->kind) {
    case L_NULL: return t == SL_JSON_NULL;
    case L_BOOL: return (t == SL_JSON_TRUE && l->i) || (t == SL_JSON_FALSE && !l->i);
    case L_INT: return (t == SL_JSON_INT && v->u.i == l->i) || (t == SL_JSON_DOUBLE && v->u.d == (double)l->i);
    case L_DOUBLE: return (t == SL_JSON_DOUBLE && v->u.d == l->d) || (t == SL_JSON_INT && (double)v->u.i == l->d);
    case L_STRING: {
        if (t != SL_JSON_STRING)
            return 0;
        size_t n;
        const char *s = sl_json_get_str(v, &n);
        return n == l->n && memcmp(s, l->s, n) == 0;
    }
    }
    return 0;
}

static int cond_true(const sl_mapper *mp, const map_cond *c)
{
    switch (c->op) {
    case K_ALL:
        for (size_t i = 0; i < c->nsubs; i++)
            if (!cond_true(mp, &c->subs[i]))
                return 0;
        return 1;
    case K_ANY:
        for (size_t i = 0; i < c->nsubs; i++)
            if (cond_true(mp, &c->subs[i]))
                return 1;
        return 0;
    case K_NOT:
        return !cond_true(mp, &c->subs[0]);
    default:
        break;
    }
    const sl_json_val *v = node_val(mp, c->path.node);
    switch (c->op) {
    case K_EXISTS:
        return (v && sl_json_get_type(v) != SL_JSON_NULL) == c->exists;
    case K_EQUALS:
    case K_IN:
        if (!v)
            return 0;
        for (size_t i = 0; i < c->nlits; i++)
            if (lit_match(v, &c->lits[i]))
                return 1;
        return 0;
    case K_PREFIX: {
        if (!v || sl_json_get_type(v) != SL_JSON_STRING)
            return 0;
        size_t n;
        const char *s = sl_json_get_str(v, &n);
        return n >= c->lits[0].n && memcmp(s, c->lits[0].s, c->lits[0].n) == 0;
    }
    default:
        return 0;
    }
}

static const map_cond *first_leaf(const map_cond *c)
{
    while (c->op == K_ALL || c->op == K_ANY || c->op == K_NOT)
        c = &c->subs[0];
    return c;
}

/* "event_type \"dance\"" or "event_type (absent)" for the first test of c. */
static const char *describe_route(const sl_mapper *mp, const map_cond *c, char *buf, size_t size)
{
    const map_cond *leaf = first_leaf(c);
    const char *p = leaf->path.text;
    if (p[0] == '$' && p[1] == '.')
        p += 2;
    const sl_json_val *v = node_val(mp, leaf->path.node);
    char d[64];
    snprintf(buf, size, "%s %s", p, v ? sl_map_value_desc(v, d, sizeof d) : "(absent)");
    return buf;
}

/* ---- columns ---- */
static int coerce_at(sl_mapper *mp, const sl_json_val *v, sl_type t, sl_value *out, const map_node *n,
                     const char *what)
{
    char why[160];
    int r = sl_map_coerce(v, t, out, &mp->arena, why, sizeof why);
    if (r == 0)
        return 0;
    if (r == -2)
        return qfail(mp, "out of memory mapping the message");
    char w[256];
    size_t pos = 0;
    render_node(mp, n, w, sizeof w, &pos);
    return qfail(mp, "%s%s: %s", what, where_text(w, pos), why);
}

typedef struct agg_frame {
    const sl_json_val *el;
    uint64_t left, idx;
    uint32_t step;
} agg_frame;

/* Where an aggregate's value is: the node, then the steps walked so far. */
static void agg_where(const sl_mapper *mp, const map_col *c, const agg_frame *fr, size_t nfr, uint32_t upto,
                      char *buf, size_t size, size_t *pos)
{
    render_node(mp, c->path.node, buf, size, pos);
    size_t f = 0;
    for (uint32_t s = 0; s < upto && s < c->path.nrest; s++) {
        const map_step *st = &c->path.rest[s];
        if (st->kind == ST_MEMBER)
            render_member(buf, size, pos, st->name, st->len);
        else if (st->kind == ST_INDEX)
            append(buf, size, pos, "[%llu]", (unsigned long long)st->index);
        else if (f < nfr)
            append(buf, size, pos, "[%llu]", (unsigned long long)fr[f++].idx);
    }
}

static int agg_fail(sl_mapper *mp, const map_col *c, const agg_frame *fr, size_t nfr, uint32_t upto,
                    const char *why)
{
    char w[256];
    size_t pos = 0;
    agg_where(mp, c, fr, nfr, upto, w, sizeof w, &pos);
    return qfail(mp, "%s: %s", where_text(w, pos), why);
}

typedef struct agg_state {
    uint64_t count;
    int have;
    int64_t i;
    double d;
} agg_state;

/* Adds one value to an aggregate (count, min, max or sum). */
static int agg_visit(sl_mapper *mp, const map_col *c, agg_state *st, const sl_json_val *v, const agg_frame *fr,
                     size_t nfr)
{
    if (sl_json_get_type(v) == SL_JSON_NULL)
        return 0;
    if (c->kind == C_COUNT) {
        st->count++;
        return 0;
    }
    sl_value x;
    char why[160];
    int r = sl_map_coerce(v, c->type, &x, &mp->arena, why, sizeof why);
    if (r == -2)
        return qfail(mp, "out of memory mapping the message");
    if (r)
        return agg_fail(mp, c, fr, nfr, c->path.nrest, why);
    int dbl = c->type == SL_T_DOUBLE;
    if (!st->have) {
        st->have = 1;
        st->i = x.u.i;
        st->d = x.u.d;
        return 0;
    }
    if (c->kind == C_MIN) {
        if (dbl ? x.u.d < st->d : x.u.i < st->i) {
            st->i = x.u.i;
            st->d = x.u.d;
        }
    } else if (c->kind == C_MAX) {
        if (dbl ? x.u.d > st->d : x.u.i > st->i) {
            st->i = x.u.i;
            st->d = x.u.d;
        }
    } else if (dbl) {
        st->d += x.u.d;
        if (!isfinite(st->d))
            return agg_fail(mp, c, fr, nfr, 0, "the sum overflows a double");
    } else if (__builtin_add_overflow(st->i, x.u.i, &st->i)) {
        return agg_fail(mp, c, fr, nfr, 0, "the sum overflows int64");
    }
    return 0;
}

/* Evaluates count/min/max/sum: walks the steps after the column's node over
 * the tape, depth-first, visiting every value they reach. */
static int eval_agg(sl_mapper *mp, const map_col *c, sl_value *out)
{
    agg_state st = { 0 };
    agg_frame fr[SL_MAP_MAX_STEPS];
    size_t nfr = 0;
    const map_step *steps = c->path.rest;
    uint32_t n = c->path.nrest, s = 0;
    const sl_json_val *v = node_val(mp, c->path.node);
    for (;;) {
        while (v && s < n) {
            const map_step *stp = &steps[s];
            if (stp->kind == ST_MEMBER) {
                v = sl_json_get_type(v) == SL_JSON_OBJECT ? sl_json_obj_get(v, stp->name, stp->len) : NULL;
            } else if (stp->kind == ST_INDEX) {
                v = sl_json_get_type(v) == SL_JSON_ARRAY ? sl_json_arr_get(v, (size_t)stp->index) : NULL;
            } else {
                sl_json_type t = sl_json_get_type(v);
                if (t == SL_JSON_NULL) {
                    v = NULL;
                    break;
                }
                if (t != SL_JSON_ARRAY) {
                    char why[120], d[64];
                    snprintf(why, sizeof why, "expected an array, got %s", sl_map_value_desc(v, d, sizeof d));
                    return agg_fail(mp, c, fr, nfr, s, why);
                }
                if (sl_json_get_len(v) == 0) {
                    v = NULL;
                    break;
                }
                fr[nfr].el = v + 1;
                fr[nfr].left = sl_json_get_len(v);
                fr[nfr].idx = 0;
                fr[nfr].step = s;
                nfr++;
                v = v + 1;
            }
            s++;
        }
        if (v && s == n && agg_visit(mp, c, &st, v, fr, nfr))
            return -1;
        /* Next element of the innermost unfinished [*]. */
        while (nfr > 0 && fr[nfr - 1].left == 1)
            nfr--;
        if (nfr == 0)
            break;
        agg_frame *f = &fr[nfr - 1];
        f->left--;
        f->idx++;
        f->el = sl_json_skip(f->el);
        v = f->el;
        s = f->step + 1;
    }
    out->is_null = 0;
    if (c->kind == C_COUNT) {
        if (c->type == SL_T_INT32 && st.count > INT32_MAX)
            return agg_fail(mp, c, fr, 0, 0, "the count overflows int32");
        out->u.i = (int64_t)st.count;
        return 0;
    }
    if (!st.have) {
        out->is_null = 1;
        return 0;
    }
    if (c->type == SL_T_DOUBLE) {
        out->u.d = st.d;
    } else {
        if (c->type == SL_T_INT32 && (st.i < INT32_MIN || st.i > INT32_MAX))
            return agg_fail(mp, c, fr, 0, 0, "the result overflows int32");
        out->u.i = st.i;
    }
    return 0;
}

static double num_of(const sl_value *v, sl_type t) { return t == SL_T_DOUBLE ? v->u.d : (double)v->u.i; }

static int eval_col(sl_mapper *mp, const map_table *t, const map_col *c, sl_value *row)
{
    sl_value *out = &row[c - t->cols];
    switch (c->kind) {
    case C_PATH: {
        const sl_json_val *v = path_val(mp, &c->path);
        if (v) {
            /* The common exact cases inline; everything else in sl_map_coerce. */
            sl_json_type jt = sl_json_get_type(v);
            if (jt == SL_JSON_STRING && c->type == SL_T_STRING && sl_json_get_len(v) <= UINT32_MAX) {
                out->is_null = 0;
                out->u.s.p = v->u.s;
                out->u.s.n = (uint32_t)sl_json_get_len(v);
                return 0;
            }
            if ((jt == SL_JSON_TRUE || jt == SL_JSON_FALSE) && c->type == SL_T_BOOL) {
                out->is_null = 0;
                out->u.i = jt == SL_JSON_TRUE;
                return 0;
            }
            if (jt == SL_JSON_INT && (c->type == SL_T_INT64 || (c->type == SL_T_INT32 && v->u.i >= INT32_MIN &&
                                                                 v->u.i <= INT32_MAX))) {
                out->is_null = 0;
                out->u.i = v->u.i;
                return 0;
            }
        }
        if (!v || sl_json_get_type(v) == SL_JSON_NULL) {
            if (c->has_default) {
                *out = c->def;
                return 0;
            }
            if (c->required) {
                char w[256];
                size_t pos = 0;
                render_node(mp, c->path.node, w, sizeof w, &pos);
                return qfail(mp, "%s: %s (required by column %s.%s)", where_text(w, pos), v ? "null" : "missing",
                             t->name, c->name);
            }
            out->is_null = 1;
            return 0;
        }
        return coerce_at(mp, v, c->type, out, c->path.node, "");
    }
    case C_EXISTS: {
        const sl_json_val *v = path_val(mp, &c->path);
        out->is_null = 0;
        out->u.i = v && sl_json_get_type(v) != SL_JSON_NULL;
        return 0;
    }
    case C_INDEX:
        out->is_null = 0;
        out->u.i = (int64_t)mp->idx[c->path.node->id];
        if (c->type == SL_T_INT32 && out->u.i > INT32_MAX)
            return qfail(mp, "%s: index %lld overflows int32", c->name, (long long)out->u.i);
        return 0;
    case C_COUNT:
    case C_MIN:
    case C_MAX:
    case C_SUM:
        return eval_agg(mp, c, out);
    case C_RATIO: {
        const sl_value *a = &row[c->a], *b = &row[c->b];
        double bd = b->is_null ? 0 : num_of(b, t->cols[c->b].type);
        if (a->is_null || b->is_null || bd == 0) {
            out->is_null = 1;
            return 0;
        }
        out->is_null = 0;
        out->u.d = num_of(a, t->cols[c->a].type) / bd;
        return 0;
    }
    case C_DIFF: {
        const sl_value *a = &row[c->a], *b = &row[c->b];
        sl_type ta = t->cols[c->a].type, tb = t->cols[c->b].type;
        if (a->is_null || b->is_null) {
            out->is_null = 1;
            return 0;
        }
        out->is_null = 0;
        if (ta == SL_T_DOUBLE || tb == SL_T_DOUBLE) {
            out->u.d = num_of(a, ta) - num_of(b, tb);
            return 0;
        }
        int64_t d;
        if (__builtin_sub_overflow(a->u.i, b->u.i, &d))
            return qfail(mp, "%s: the difference overflows int64", c->name);
        if (ta == SL_T_TIMESTAMP)
            out->u.d = (double)d / 1e6;
        else if (c->type == SL_T_DOUBLE)
            out->u.d = (double)d;
        else if (c->type == SL_T_INT32 && (d < INT32_MIN || d > INT32_MAX))
            return qfail(mp, "%s: the difference %lld overflows int32", c->name, (long long)d);
        else
            out->u.i = d;
        return 0;
    }
    }
    return qfail(mp, "internal: unknown column kind");
}

static int row_dt(sl_mapper *mp, const map_table *t, tab_out *o, const sl_value *row, int32_t *dt)
{
    *dt = SL_DT_NONE;
    if (t->part_kind == 1) {
        const sl_value *v = &row[t->part_col];
        if (!v->is_null)
            *dt = t->cols[t->part_col].type == SL_T_DATE ? (int32_t)v->u.i : sl_map_date_of_us(v->u.i);
        return 0;
    }
    if (t->part_kind != 2)
        return 0;
    const map_node *n = t->part_path.node;
    uint64_t s = mp->slot[n->anchor->id].stamp;
    if (o->part_cached && o->part_stamp == s) {
        *dt = o->part_dt;
        return 0;
    }
    const sl_json_val *v = node_val(mp, n);
    if (v && sl_json_get_type(v) != SL_JSON_NULL) {
        sl_value x;
        if (coerce_at(mp, v, SL_T_TIMESTAMP, &x, n, "partition "))
            return -1;
        *dt = sl_map_date_of_us(x.u.i);
    }
    o->part_cached = 1;
    o->part_stamp = s;
    o->part_dt = *dt;
    return 0;
}

static int emit_row(sl_mapper *mp, uint32_t ti)
{
    const map_table *t = &mp->m->tables[ti];
    tab_out *o = &mp->outs[ti];
    if (mp->total_rows >= mp->max_rows || mp->total_cells + t->nschema > mp->max_cells)
        return qfail(mp, "message yields more than %zu rows or %zu cells (limit)", mp->max_rows, mp->max_cells);
    if (o->nrows == o->cap_rows) {
        size_t cap = o->cap_rows ? o->cap_rows * 2 : 16;
        sl_value *c = realloc(o->cells, cap * t->nschema * sizeof *c);
        if (!c)
            return qfail(mp, "out of memory mapping the message");
        o->cells = c;
        int32_t *d = realloc(o->dt, cap * sizeof *d);
        if (!d)
            return qfail(mp, "out of memory mapping the message");
        o->dt = d;
        o->cap_rows = cap;
    }
    sl_value *row = o->cells + o->nrows * t->nschema;
    for (size_t c = 0; c < t->ncols; c++)
        if (eval_col(mp, t, &t->cols[c], row))
            return -1;
    memcpy(row + t->ncols, mp->prov, sizeof mp->prov);
    if (row_dt(mp, t, o, row, &o->dt[o->nrows]))
        return -1;
    o->nrows++;
    mp->total_rows++;
    mp->total_cells += t->nschema;
    return 0;
}

/* Emits the rows of the tables at anchor n (its current element), then walks
 * each row level below it element by element. Recursion depth is bounded by
 * the mapping's levels (SL_MAP_MAX_LEVELS), never by the message. */
static int emit(sl_mapper *mp, const map_node *n)
{
    const sl_mapping *m = mp->m;
    for (uint32_t i = 0; i < n->ntables; i++) {
        uint32_t ti = n->tables[i];
        const map_table *t = &m->tables[ti];
        if (t->when && !(n->kind == N_ROOT ? mp->top_when[ti] : cond_true(mp, t->when)))
            continue;
        if (emit_row(mp, ti))
            return -1;
    }
    for (uint32_t j = 0; j < n->nnext; j++) {
        const map_node *lv = n->next_levels[j];
        const sl_json_val *arr = node_val(mp, lv->parent);
        if (!arr || sl_json_get_type(arr) == SL_JSON_NULL)
            continue;
        if (sl_json_get_type(arr) != SL_JSON_ARRAY) {
            char w[256], d[64];
            size_t pos = 0;
            render_node(mp, lv->parent, w, sizeof w, &pos);
            return qfail(mp, "%s: expected an array, got %s", where_text(w, pos), sl_map_value_desc(arr, d, sizeof d));
        }
        uint64_t cnt = sl_json_get_len(arr);
        const sl_json_val *e = arr + 1;
        for (uint64_t i = 0; i < cnt; i++, e = sl_json_skip(e)) {
            mp->idx[lv->id] = i;
            if (resolve_anchor(mp, lv, e) || emit(mp, lv))
                return -1;
        }
    }
    return 0;
}

/* ---- the public calls ---- */
sl_mapper *sl_mapper_new(const sl_mapping *m, char *errstr, size_t errstr_size)
{
    sl_mapper *mp = calloc(1, sizeof *mp);
    if (!mp)
        goto oom;
    mp->m = m;
    mp->max_rows = SL_MAP_MAX_ROWS;
    mp->max_cells = SL_MAP_MAX_CELLS;
    mp->parser = sl_json_parser_new(NULL);
    mp->slot = calloc(m->nnodes, sizeof *mp->slot);
    mp->idx = calloc(m->nnodes, sizeof *mp->idx);
    mp->outs = calloc(m->ntables, sizeof *mp->outs);
    mp->views = calloc(m->ntables, sizeof *mp->views);
    mp->top_when = calloc(m->ntables, 1);
    if (!mp->parser || !mp->slot || !mp->idx || !mp->outs || !mp->views || !mp->top_when)
        goto oom;
    /* A node is valid when its stamp equals its anchor's. Resolutions use stamps
     * 1, 2, ...; anchors start at a stamp no resolution uses, other nodes at 0,
     * so nothing reads as valid before its anchor is first resolved. */
    for (uint32_t i = 0; i < m->nnodes; i++)
        if (m->nodes[i]->anchor == m->nodes[i])
            mp->slot[i].stamp = UINT64_MAX;
    return mp;
oom:
    sl_errf(SL_ERR_NOMEM, errstr, errstr_size, "out of memory creating a mapper");
    sl_mapper_destroy(mp);
    return NULL;
}

void sl_mapper_set_limits(sl_mapper *mp, size_t max_rows, size_t max_cells)
{
    if (max_rows)
        mp->max_rows = max_rows;
    if (max_cells)
        mp->max_cells = max_cells;
}

void sl_mapper_destroy(sl_mapper *mp)
{
    if (!mp)
        return;
    sl_json_parser_destroy(mp->parser);
    if (mp->outs)
        for (size_t i = 0; i < mp->m->ntables; i++) {
            free(mp->outs[i].cells);
            free(mp->outs[i].dt);
        }
    free(mp->outs);
    free(mp->views);
    free(mp->top_when);
    free(mp->slot);
    free(mp->idx);
    sl_map_arena_free(&mp->arena);
    free(mp);
}

static void set_provenance(sl_value *p, const sl_origin *o)
{
    memset(p, 0, 4 * sizeof *p);
    if (!o) {
        for (int i = 0; i < 4; i++)
            p[i].is_null = 1;
        return;
    }
    if (o->topic) {
        p[0].u.s.p = o->topic;
        p[0].u.s.n = (uint32_t)strlen(o->topic);
    } else {
        p[0].is_null = 1;
    }
    p[1].u.i = o->partition;
    p[2].u.i = o->offset;
    if (o->timestamp_us == SL_TS_NULL)
        p[3].is_null = 1;
    else
        p[3].u.i = o->timestamp_us;
}

void sl_quarantine_row(sl_value *row, const char *reason, const char *msg, size_t len, const sl_origin *origin)
{
    memset(row, 0, 3 * sizeof *row);
    row[0].u.s.p = reason ? reason : "";
    row[0].u.s.n = reason ? (uint32_t)strlen(reason) : 0;
    row[1].u.s.p = msg ? msg : "";
    row[1].u.s.n = (uint32_t)(len > UINT32_MAX ? UINT32_MAX : len);
    if (origin && origin->key) {
        row[2].u.s.p = origin->key;
        row[2].u.s.n = (uint32_t)(origin->key_len > UINT32_MAX ? UINT32_MAX : origin->key_len);
    } else {
        row[2].is_null = 1;
    }
    set_provenance(row + 3, origin);
}

static int valid_tenant(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* Dedupe key and tenant of the message. */
static int message_keys(sl_mapper *mp)
{
    const sl_mapping *m = mp->m;
    char d[64];
    if (m->dedupe.text) {
        const sl_json_val *v = node_val(mp, m->dedupe.node);
        sl_json_type t = v ? sl_json_get_type(v) : SL_JSON_NULL;
        if (t == SL_JSON_STRING) {
            mp->res.dedupe_key = sl_json_get_str(v, &mp->res.dedupe_key_len);
        } else if (t == SL_JSON_INT) {
            int k = snprintf(mp->dkey, sizeof mp->dkey, "%lld", (long long)v->u.i);
            mp->res.dedupe_key = mp->dkey;
            mp->res.dedupe_key_len = (size_t)k;
        } else if (t == SL_JSON_DOUBLE) {
            int k = snprintf(mp->dkey, sizeof mp->dkey, "%.17g", v->u.d);
            mp->res.dedupe_key = mp->dkey;
            mp->res.dedupe_key_len = (size_t)k;
        } else if (t != SL_JSON_NULL) {
            return qfail(mp, "dedupe key %s: expected a string or a number, got %s", m->dedupe.text,
                         sl_map_value_desc(v, d, sizeof d));
        }
    }
    if (m->tenant.text) {
        const sl_json_val *v = node_val(mp, m->tenant.node);
        if (!v || sl_json_get_type(v) == SL_JSON_NULL)
            return qfail(mp, "tenant %s is %s", m->tenant.text, v ? "null" : "missing");
        size_t n;
        const char *s = sl_json_get_type(v) == SL_JSON_STRING ? sl_json_get_str(v, &n) : NULL;
        if (!s || !valid_tenant(s, n))
            return qfail(mp, "tenant %s: %s is not a tenant id ([a-z0-9_-]{1,64})", m->tenant.text,
                         sl_map_value_desc(v, d, sizeof d));
        mp->res.tenant = s;
        mp->res.tenant_len = n;
    }
    return 0;
}

static void clear_rows(sl_mapper *mp)
{
    for (size_t i = 0; i < mp->m->ntables; i++)
        mp->outs[i].nrows = 0;
}

sl_map_status sl_mapper_map(sl_mapper *mp, const char *msg, size_t len, const sl_origin *origin,
                            const sl_map_result **out, char *reason, size_t reason_size)
{
    const sl_mapping *m = mp->m;
    mp->reason = reason;
    mp->reason_size = reason_size;
    if (reason && reason_size)
        reason[0] = 0;
    *out = NULL;
    sl_map_arena_reset(&mp->arena);
    clear_rows(mp);
    mp->extra = 0;
    mp->total_rows = mp->total_cells = 0;
    memset(&mp->res, 0, sizeof mp->res);
    set_provenance(mp->prov, origin);

    size_t i = 0;
    while (i < len && (msg[i] == ' ' || msg[i] == '\t' || msg[i] == '\n' || msg[i] == '\r'))
        i++;
    if (i == len) {
        qfail(mp, "empty message");
        return SL_MAP_QUARANTINE;
    }
    sl_json_error jerr = { 0 };
    const sl_json_val *root = sl_json_parse(mp->parser, msg, len, &jerr);
    if (!root) {
        char jm[200];
        qfail(mp, "invalid JSON: %s", sl_json_error_format(&jerr, jm, sizeof jm));
        return SL_MAP_QUARANTINE;
    }
    if (sl_json_get_type(root) != SL_JSON_OBJECT) {
        char d[64];
        qfail(mp, "message is not a JSON object (got %s)", sl_map_value_desc(root, d, sizeof d));
        return SL_MAP_QUARANTINE;
    }
    int shape_err = resolve_anchor(mp, m->root, root);

    /* Routing: the mapping's `when`, then the message-level tables' `when`. */
    int unmatched = 0;
    char route[160];
    if (m->when && !cond_true(mp, m->when)) {
        unmatched = 1;
        if (!m->unmatched_skip)
            qfail(mp, "message does not match the mapping's 'when' (%s)", describe_route(mp, m->when, route, sizeof route));
    }
    if (!unmatched) {
        int any = 0;
        const map_table *first = NULL;
        for (uint32_t k = 0; k < m->root->ntables; k++) {
            uint32_t ti = m->root->tables[k];
            const map_table *t = &m->tables[ti];
            mp->top_when[ti] = !t->when || cond_true(mp, t->when);
            any |= mp->top_when[ti];
            if (!first)
                first = t;
        }
        if (m->routed && !any) {
            unmatched = 1;
            if (!m->unmatched_skip)
                qfail(mp, "no table for %s", describe_route(mp, first->when, route, sizeof route));
        }
    }
    if (unmatched) {
        if (!m->unmatched_skip)
            return SL_MAP_QUARANTINE;
        mp->res.unmatched = 1;
    } else {
        if (shape_err || message_keys(mp) || emit(mp, m->root)) {
            clear_rows(mp);
            return SL_MAP_QUARANTINE;
        }
    }
    for (size_t t = 0; t < m->ntables; t++) {
        mp->views[t].nrows = mp->outs[t].nrows;
        mp->views[t].ncols = m->tables[t].nschema;
        mp->views[t].values = mp->outs[t].cells;
        mp->views[t].dt = mp->outs[t].dt;
    }
    mp->res.ntables = m->ntables;
    mp->res.tables = mp->views;
    mp->res.extra_keys = mp->extra;
    *out = &mp->res;
    return SL_MAP_OK;
}
