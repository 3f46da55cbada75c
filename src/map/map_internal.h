/*
 * map_internal.h: the compiled form of a mapping, shared by the loader
 * (load.c), the evaluator (mapper.c) and the command that prints summaries.
 * Not a public interface: other modules use map.h.
 *
 * A mapping compiles into one trie of path steps rooted at the message ($).
 * Member and fixed-index steps are trie nodes resolved in one pass over each
 * object (every member key is matched once against the node's children);
 * `[*]` steps that are a table's row levels are "level" nodes, iterated
 * element by element. A level node (and the root) is an *anchor*: the nodes
 * below it, down to the next level, are re-resolved for each of its elements.
 * Everything a column reads is either a trie node (a single value) or an
 * aggregate: a trie node followed by the remaining steps, walked on the tape.
 *
 * Everything here is owned by the sl_mapping and immutable after loading, so
 * one mapping can serve several mappers (threads); the per-message state
 * (node values, iteration indexes) lives in the sl_mapper, indexed by node id.
 */
#ifndef SL_MAP_INTERNAL_H
#define SL_MAP_INTERNAL_H

#include "map/map.h"

#define SL_MAP_MAX_STEPS 32      /* steps in one path */
#define SL_MAP_MAX_LEVELS 8      /* nested row levels ([*]) in one rows path */
#define SL_MAP_MAX_COND_DEPTH 16 /* nesting of all/any/not */
#define SL_MAP_MAX_ROWS 1000000u /* rows one message may yield (all tables) */
#define SL_MAP_MAX_CELLS (16u << 20) /* cells one message may yield (all tables) */

typedef enum step_kind { ST_MEMBER = 1, ST_INDEX, ST_WILD } step_kind;

/* One compiled path step. `name` is owned by the mapping (NUL-terminated). */
typedef struct map_step {
    step_kind kind;
    uint32_t len;      /* ST_MEMBER: name length */
    const char *name;  /* ST_MEMBER */
    uint64_t index;    /* ST_INDEX */
} map_step;

typedef enum node_kind { N_ROOT = 0, N_MEMBER, N_INDEX, N_LEVEL } node_kind;

typedef struct map_node map_node;
struct map_node {
    uint32_t id;
    node_kind kind;
    const char *name;  /* N_MEMBER (borrowed from a step; owned by the mapping) */
    uint32_t len;
    uint64_t index;    /* N_INDEX */
    map_node *parent;
    map_node *anchor;  /* nearest N_ROOT/N_LEVEL at or above this node */
    uint32_t level;    /* N_ROOT: 0; N_LEVEL: its depth (1..); others: the anchor's */
    /* Member and index children (resolved with this node). */
    map_node **kids;
    uint32_t nkids, kids_cap;
    uint32_t nmember_kids;
    /* Member-name hash table over kids (built when there are many). */
    uint32_t *htab;    /* kid position + 1; 0 empty */
    uint32_t hmask;
    /* N_ROOT/N_LEVEL: the level nodes directly below (iterated after this one). */
    map_node **next_levels;
    uint32_t nnext, next_cap;
    /* N_ROOT/N_LEVEL: the tables whose rows are this node's elements. */
    uint32_t *tables;
    uint32_t ntables, tables_cap;
    /* An array node: its `[*]` level child, when some table's rows go through it. */
    map_node *level_kid;
};

/* A path as written and compiled against a table (or the message). */
typedef struct map_path {
    char *text;          /* as written, owned (NULL: no path) */
    char root;           /* '$' (the message) or '@' (the row) */
    map_node *node;      /* the last trie node the path reaches */
    uint32_t nid, aid;   /* node->id and node->anchor->id (set by the loader) */
    const map_step *rest;/* aggregate steps after node (start with [*]); borrowed from steps */
    uint32_t nrest;
    map_step *steps;     /* all steps, owned */
    uint32_t nsteps;
} map_path;

typedef enum col_kind {
    C_PATH = 1, C_INDEX, C_EXISTS, C_COUNT, C_MIN, C_MAX, C_SUM, C_RATIO, C_DIFF
} col_kind;

typedef struct map_col {
    char *name;          /* owned */
    sl_type type;
    int required;
    col_kind kind;
    map_path path;       /* C_PATH, C_EXISTS, C_INDEX (node is the level), aggregates */
    uint32_t a, b;       /* C_RATIO / C_DIFF: positions of the operand columns */
    int has_default;
    sl_value def;        /* default's value; strings point into def_text */
    char *def_text;      /* owned */
} map_col;

typedef enum lit_kind { L_NULL = 1, L_BOOL, L_INT, L_DOUBLE, L_STRING } lit_kind;
typedef struct map_lit {
    lit_kind kind;
    int64_t i;           /* L_BOOL (0/1), L_INT */
    double d;
    char *s;             /* L_STRING, owned */
    size_t n;
} map_lit;

typedef enum cond_op { K_EQUALS = 1, K_IN, K_PREFIX, K_EXISTS, K_ALL, K_ANY, K_NOT } cond_op;
typedef struct map_cond map_cond;
struct map_cond {
    cond_op op;
    map_path path;       /* leaf ops */
    map_lit *lits;       /* K_EQUALS (1), K_IN (n), K_PREFIX (1 string) */
    size_t nlits;
    int exists;          /* K_EXISTS: wanted presence */
    map_cond *subs;      /* K_ALL, K_ANY (n), K_NOT (1) */
    size_t nsubs;
};

typedef struct map_table {
    char *name;          /* owned */
    map_path rows;
    map_node *row_node;  /* N_ROOT or the last N_LEVEL of rows */
    map_cond *when;      /* NULL: always */
    map_col *cols;       /* own columns (without provenance) */
    size_t ncols;        /* own columns */
    sl_column *schema;   /* ncols + 4 provenance columns; names borrowed */
    size_t nschema;
    /* partition: none, a column of this table, or a path */
    int part_kind;       /* 0 none, 1 column, 2 path */
    uint32_t part_col;
    map_path part_path;
    char *part_text;     /* as written (owned) */
} map_table;

struct sl_mapping {
    char *name;
    char *description;
    char *source;        /* file name or "builtin:NAME" */
    map_table *tables;
    size_t ntables;
    map_cond *when;      /* mapping-level condition, NULL: none */
    int unmatched_skip;  /* 1: unmatched messages yield no rows; 0: quarantine */
    int routed;          /* 1 when every message-level table has a `when` */
    map_path dedupe;     /* text NULL: none */
    map_path tenant;     /* text NULL: none */
    char *partition_text;/* mapping-level default partition path (owned), or NULL */
    /* the trie */
    map_node **nodes;
    uint32_t nnodes, nodes_cap;
    map_node *root;
};

/* Finds the child of `n` whose member name is key[0..len), or NULL. */
map_node *sl_map_node_member(const map_node *n, const char *key, size_t len);

/* ---- arena: bump allocation in chunks that are kept and reused ----
 * Zero-initialise. Pointers stay valid until reset or free (chunks never move). */
typedef struct map_chunk map_chunk;
typedef struct map_arena {
    map_chunk *head, *cur;
    sl_buf scratch;   /* for writers that need a growable buffer (compact JSON) */
} map_arena;
void *sl_map_arena_alloc(map_arena *a, size_t n);   /* NULL when out of memory */
void sl_map_arena_reset(map_arena *a);
void sl_map_arena_free(map_arena *a);

/* ---- coercion (coerce.c) ---- */
struct sl_json_val;
/* Converts the JSON value v (not null) to a cell of type t (types.h rules, see
 * docs/MAPPING.md). Strings point into v's text or into the arena. Returns 0;
 * -1 when v cannot be converted, with `why` = "expected an integer, got 3.5";
 * -2 when out of memory. */
int sl_map_coerce(const struct sl_json_val *v, sl_type t, sl_value *out, map_arena *arena, char *why,
                  size_t why_size);
/* A short description of a JSON value for messages: 3.5, true, null, "text"
 * (at most about 40 bytes of it, cut on a UTF-8 boundary), an object, an array. */
const char *sl_map_value_desc(const struct sl_json_val *v, char *buf, size_t size);
/* Cuts a NUL-terminated message back to a UTF-8 character boundary (after
 * truncation by snprintf) so it is valid UTF-8. */
void sl_map_utf8_trim(char *s);

#endif
