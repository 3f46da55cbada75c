/*
 * tenant.h: where a message's tenant (customer) id comes from (`sluice land
 * --tenant-from`), and the rule every tenant id must follow.
 *
 * A tenant id names a lake folder (<table>/tenant=<id>/...), so it must be
 * [a-z0-9_-]{1,64}: no '/', no '.', never empty. A message whose id is missing or
 * breaks the rule is quarantined by the lander with the reason this module gives;
 * it never lands in any tenant's folder. docs/TENANTS.md is the user's guide.
 */
#ifndef SL_TENANT_H
#define SL_TENANT_H

#include <stddef.h>

#include "common/common.h"
#include "common/types.h"

typedef enum sl_tenant_src {
    SL_TENANT_NONE = 0,     /* no extraction (a static tenant or the mapping's tenant path) */
    SL_TENANT_HEADER,       /* header:NAME   the Kafka header NAME (first one of that name) */
    SL_TENANT_KEY_PREFIX,   /* key-prefix    the key before its first ':' or '/' (one is required) */
    SL_TENANT_TOPIC_SUFFIX, /* topic-suffix  the topic after its last '.' or '-' (one is required) */
    SL_TENANT_FIELD         /* field:PATH    a JSON string field, top-level or dotted (a.b.c) */
} sl_tenant_src;

/* A parsed --tenant-from: the source, and its argument (header name or field
 * path; NULL for the others), borrowed from the text that was parsed. */
typedef struct sl_tenant_from {
    sl_tenant_src src;
    const char *arg;
} sl_tenant_from;

/* Parses "header:NAME", "key-prefix", "topic-suffix" or "field:PATH" into *out
 * (out->arg points into spec). SL_ERR_INVALID with the reason when spec is none of
 * them (an empty NAME or PATH, or a PATH with an empty segment, is refused). */
sl_err sl_tenant_from_parse(const char *spec, sl_tenant_from *out, char *errstr, size_t errstr_size);

/* 1 when s[0..n) is a tenant id: [a-z0-9_-]{1,64}. */
int sl_tenant_valid(const char *s, size_t n);

typedef struct sl_tenant_extractor sl_tenant_extractor;

/* An extractor for one source (tf is copied; tf->arg is borrowed and must outlive
 * the extractor). field:PATH keeps a JSON parser of its own (the message is parsed
 * a second time for the field: a cost of that mode only). NULL with errstr when
 * out of memory or tf is invalid. */
sl_tenant_extractor *sl_tenant_extractor_new(const sl_tenant_from *tf, char *errstr, size_t errstr_size);
void sl_tenant_extractor_destroy(sl_tenant_extractor *x);

/* Finds the tenant id of one message (msg and origin borrowed for the call).
 * Returns 0 with *id / *id_len set (pointing into msg, the origin, or the
 * extractor; valid until the next call), or -1 with `reason` filled: what is
 * wrong and where, e.g. "tenant: header 'tenant' is \"../b\", not a tenant id
 * ([a-z0-9_-]{1,64})" (non-printable bytes shown as \xHH, cut at 80 bytes). */
int sl_tenant_extract(sl_tenant_extractor *x, const char *msg, size_t len, const sl_origin *origin,
                      const char **id, size_t *id_len, char *reason, size_t reason_size);

#endif
