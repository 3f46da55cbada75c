/*
 * scan.h (private to src/json): the one architecture-specific helper, shared by
 * the parser and the record streams. Not part of the public API.
 */
#ifndef SL_JSON_SCAN_H
#define SL_JSON_SCAN_H

#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* 1 for bytes a string body can hold without attention: not '"', '\\', < 0x20 or >= 0x80. */
extern const uint8_t sl_json_plain_tab[256];

/* Returns the first byte in [p, end) that is '"', '\\', a control character
 * (< 0x20) or non-ASCII (>= 0x80), or end. 16 bytes at a time with SSE2 (always
 * there on x86-64), 8 at a time with portable SWAR elsewhere. */
static inline const uint8_t *sl_json_scan_plain(const uint8_t *p, const uint8_t *end)
{
#if defined(__SSE2__)
    const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), sp = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        /* signed compare: bytes >= 0x80 are negative, so "< 0x20" also catches them */
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)),
                                 _mm_cmplt_epi8(v, sp));
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (mask)
            return p + __builtin_ctz(mask);
        p += 16;
    }
#else
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    while (end - p >= 8) {
        uint64_t w, x, y;
        memcpy(&w, p, 8);
        x = w ^ (ones * '"');
        y = w ^ (ones * '\\');
        if ((w & highs) | ((x - ones) & ~x & highs) | ((y - ones) & ~y & highs) |
            ((w - ones * 0x20) & ~w & highs))
            break; /* the byte loop below finds which one */
        p += 8;
    }
#endif
    while (p < end && sl_json_plain_tab[*p])
        p++;
    return p;
}

#endif
