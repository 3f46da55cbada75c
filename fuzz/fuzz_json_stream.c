/*
 * fuzz_json_stream.c: libFuzzer target for the record streams. The first byte
 * picks the format (auto, array, NDJSON), the read size and a small max_record;
 * the rest is written to a memfd and streamed. Checks: no crash or sanitizer
 * report; every record is the input's bytes at its offset; NDJSON records hold
 * no '\n'; ordinals count up; the stream ends with a clean status.
 */
#include "json/json.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const size_t read_sizes[8] = {1, 3, 7, 16, 64, 512, 4096, 65536};
    sl_json_format fmt = (sl_json_format)(data[0] % 3);
    size_t rs = read_sizes[(data[0] >> 2) & 7];
    size_t max_record = (data[0] & 0x20) ? 16 : 0;
    const uint8_t *in = data + 1;
    size_t len = size - 1;

    int fd = memfd_create("fuzz_json_stream", 0);
    if (fd < 0)
        return 0;
    if (len > 0 && write(fd, in, len) != (ssize_t)len)
        abort();
    lseek(fd, 0, SEEK_SET);
    sl_json_stream *s = sl_json_stream_new(fd, "fuzz", fmt, max_record);
    if (!s)
        abort();
    if (rs * 256 < len)
        rs = len / 256 + 1; /* at most ~256 reads per input: keeps the target fast */
    sl_json_stream_set_read_size(s, rs); /* (the 1 MiB default is covered by the unit tests) */
    sl_json_record r;
    char err[256];
    uint64_t expect_ord = 0;
    for (int i = 0; i <= (int)len + 1; i++) {
        sl_err e = sl_json_stream_next(s, &r, err, sizeof err);
        if (e == SL_ERR_NOTFOUND)
            break;
        if (e == SL_ERR_LIMIT && sl_json_stream_format(s) == SL_JSON_FMT_NDJSON) {
            expect_ord++;
            continue;
        }
        if (e != SL_OK) {
            if (e != SL_ERR_PARSE && e != SL_ERR_LIMIT)
                abort();
            if (strncmp(err, "fuzz: line ", 11) != 0)
                abort();
            break;
        }
        if (r.offset > len || r.len > len - r.offset || memcmp(in + r.offset, r.data, r.len) != 0)
            abort();
        if (r.ordinal != expect_ord++)
            abort();
        if (max_record && r.len > max_record)
            abort();
        if (sl_json_stream_format(s) == SL_JSON_FMT_NDJSON && r.len && memchr(r.data, '\n', r.len))
            abort();
        if (sl_json_stream_bytes(s) > len)
            abort();
    }
    sl_json_stream_destroy(s);
    close(fd);
    return 0;
}
