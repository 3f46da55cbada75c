/*
 * dedupe.c: the dedupe window (map.h). Keys are stored as 64-bit hashes only
 * (the caller's, or key_hash of the key bytes): a ring of the last `capacity`
 * hashes in insertion order (for FIFO eviction, and read back by
 * sl_dedupe_newest) and an open-addressing set over the same hashes (linear
 * probing from the hash's low bits, at most half full, backward-shift
 * deletion), so seen/add/evict are O(1) and memory is 24 to 40 bytes per
 * remembered key whatever the key length. Both start small
 * (START_KEYS) and double as keys arrive, up to what `capacity` needs: a lander
 * keeps one window per Kafka partition, and a window that has seen a few
 * thousand keys should not cost the pages of a million (first-touch page faults
 * of a full-size table, touched at random, were a third of a 16-partition land).
 *
 * Collisions: two distinct keys are confused only when their 64-bit hashes are
 * equal. With n keys in the window, a new distinct key is wrongly reported as
 * seen with probability about n / 2^64 (5e-13 for a window of ten million), i.e.
 * one wrongly dropped message per ~2e12 lookups at that size.
 */
#include "map/map.h"

#include <stdlib.h>
#include <string.h>

/* Keys a new window has room for before its first growth. */
#define START_KEYS 1024

struct sl_dedupe {
    size_t capacity;
    uint64_t *ring;   /* ringcap entries; oldest at head (head is 0 until the ring is
                       * full: eviction starts only at count == capacity == ringcap) */
    size_t ringcap;
    size_t head, count;
    uint64_t *slots;  /* mask + 1 entries; 0 = empty; hashes are never 0 */
    size_t mask;
    size_t maxslots;  /* slots needed to hold `capacity` keys at most half full */
};

static uint64_t fmix64(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return x;
}

/* A 64-bit hash of the key bytes: 8-byte words mixed one by one, then the
 * length and a final avalanche. */
static uint64_t key_hash(const void *key, size_t len)
{
    const unsigned char *p = key;
    uint64_t h = UINT64_C(0x9e3779b97f4a7c15);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h ^= fmix64(w + UINT64_C(0x632be59bd9b4e019));
        h = ((h << 29) | (h >> 35)) * UINT64_C(0x9e3779b97f4a7c15);
    }
    if (i < len) {
        uint64_t w = 0;
        memcpy(&w, p + i, len - i);
        h ^= fmix64(w + UINT64_C(0x94d049bb133111eb) + (len - i));
        h = ((h << 29) | (h >> 35)) * UINT64_C(0x9e3779b97f4a7c15);
    }
    return fmix64(h ^ (uint64_t)len);
}

sl_dedupe *sl_dedupe_new(size_t capacity)
{
    sl_dedupe *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->capacity = capacity;
    size_t nslots = 16;
    while (nslots < capacity * 2) {
        if (nslots > SIZE_MAX / 16)
            goto err;
        nslots *= 2;
    }
    if (capacity > SIZE_MAX / sizeof(uint64_t))
        goto err;
    d->maxslots = nslots;
    if (nslots > 2 * START_KEYS)
        nslots = 2 * START_KEYS;
    d->ringcap = capacity < START_KEYS ? (capacity ? capacity : 1) : START_KEYS;
    d->ring = malloc(d->ringcap * sizeof(uint64_t));
    d->slots = calloc(nslots, sizeof(uint64_t));
    if (!d->ring || !d->slots)
        goto err;
    d->mask = nslots - 1;
    return d;
err:
    sl_dedupe_destroy(d);
    return NULL;
}

void sl_dedupe_destroy(sl_dedupe *d)
{
    if (!d)
        return;
    free(d->ring);
    free(d->slots);
    free(d);
}

/* The slot holding h, or the empty slot where it would go. */
static size_t find_slot(const sl_dedupe *d, uint64_t h)
{
    size_t i = (size_t)h & d->mask;
    while (d->slots[i] != 0 && d->slots[i] != h)
        i = (i + 1) & d->mask;
    return i;
}

/* Removes h from the set, shifting later entries of its probe run back so that
 * no lookup ever stops early at the hole. */
static void set_remove(sl_dedupe *d, uint64_t h)
{
    size_t i = find_slot(d, h);
    if (d->slots[i] == 0)
        return;
    size_t j = i;
    for (;;) {
        j = (j + 1) & d->mask;
        if (d->slots[j] == 0)
            break;
        size_t home = (size_t)d->slots[j] & d->mask;
        /* Move slots[j] into the hole at i unless its home lies cyclically in (i, j]. */
        int home_in_range = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!home_in_range) {
            d->slots[i] = d->slots[j];
            i = j;
        }
    }
    d->slots[i] = 0;
}

/* Doubles the set (rehashing every key), up to maxslots. SL_ERR_NOMEM leaves it
 * as it was. */
static sl_err set_grow(sl_dedupe *d)
{
    size_t n = (d->mask + 1) * 2;
    uint64_t *ns = calloc(n, sizeof *ns);
    if (!ns)
        return SL_ERR_NOMEM;
    for (size_t i = 0; i <= d->mask; i++) {
        uint64_t h = d->slots[i];
        if (!h)
            continue;
        size_t j = (size_t)h & (n - 1);
        while (ns[j])
            j = (j + 1) & (n - 1);
        ns[j] = h;
    }
    free(d->slots);
    d->slots = ns;
    d->mask = n - 1;
    return SL_OK;
}

/* Doubles the ring, up to capacity. Only called before the ring is first full,
 * when head is 0, so the keys keep their order. SL_ERR_NOMEM leaves it as it was. */
static sl_err ring_grow(sl_dedupe *d)
{
    size_t n = d->ringcap > d->capacity / 2 ? d->capacity : d->ringcap * 2;
    uint64_t *nr = realloc(d->ring, n * sizeof *nr);
    if (!nr)
        return SL_ERR_NOMEM;
    d->ring = nr;
    d->ringcap = n;
    return SL_OK;
}

/* The set's form of a caller's hash: 0 marks an empty slot, so hash 0 is kept
 * as 1 (the two are one key: confused with probability 2^-64). */
static uint64_t nonzero(uint64_t h) { return h ? h : 1; }

int sl_dedupe_seen_hash(const sl_dedupe *d, uint64_t h)
{
    if (d->capacity == 0)
        return 0;
    h = nonzero(h);
    return d->slots[find_slot(d, h)] == h;
}

sl_err sl_dedupe_add_hash(sl_dedupe *d, uint64_t h)
{
    if (d->capacity == 0)
        return SL_OK;
    h = nonzero(h);
    size_t i = find_slot(d, h);
    if (d->slots[i] == h)
        return SL_OK; /* already in the window: it keeps its first position */
    if (d->count == d->capacity) {
        set_remove(d, d->ring[d->head]);
        d->head = (d->head + 1) % d->capacity;
        d->count--;
        i = find_slot(d, h); /* the removal may have moved the probe run */
    } else {
        if (d->count == d->ringcap && ring_grow(d) != SL_OK)
            return SL_ERR_NOMEM;
        if ((d->count + 1) * 2 > d->mask + 1 && d->mask + 1 < d->maxslots) {
            if (set_grow(d) != SL_OK)
                return SL_ERR_NOMEM;
            i = find_slot(d, h);
        }
    }
    d->slots[i] = h;
    d->ring[(d->head + d->count) % d->capacity] = h;
    d->count++;
    return SL_OK;
}

int sl_dedupe_seen(const sl_dedupe *d, const void *key, size_t len)
{
    return sl_dedupe_seen_hash(d, key_hash(key, len));
}

sl_err sl_dedupe_add(sl_dedupe *d, const void *key, size_t len)
{
    return sl_dedupe_add_hash(d, key_hash(key, len));
}

size_t sl_dedupe_newest(const sl_dedupe *d, size_t n, const uint64_t **a, size_t *na,
                        const uint64_t **b, size_t *nb)
{
    if (n > d->count)
        n = d->count;
    *a = *b = NULL;
    *na = *nb = 0;
    if (n == 0)
        return 0;
    /* the newest n are ring positions head + count - n .. head + count - 1 (mod capacity;
     * the ring has wrapped only once it is full, ringcap == capacity) */
    size_t from = (d->head + d->count - n) % d->capacity;
    size_t first = d->ringcap - from < n ? d->ringcap - from : n;
    *a = d->ring + from;
    *na = first;
    if (first < n) {
        *b = d->ring;
        *nb = n - first;
    }
    return n;
}

size_t sl_dedupe_count(const sl_dedupe *d) { return d->count; }
