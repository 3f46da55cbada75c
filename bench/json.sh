#!/bin/sh
# bench/json.sh: parse-only throughput of sluice's JSON parser against jansson and cJSON,
# in the same run, on NDJSON assessment attempts (~2.8 KB a record).
#
# build/bench/json_parse parses every line with each library, timing batches of 500
# records and summing each batch's best of K runs (filters out time slices lost to other
# processes on a shared machine; the same method for every library). Libraries: sluice (strict: UTF-8, duplicate keys, exact numbers; fills its reused tape),
# jansson 2.14 (json_loadb with JSON_REJECT_DUPLICATES + json_decref) and cJSON 1.7.15
# (cJSON_ParseWithLength + cJSON_Delete). It also times the record stream (sl_json_stream)
# splitting the same bytes as NDJSON and as one JSON array, with and without parsing.
# Inputs: (1) records made inside the bench from the 7 fixture records with fresh ids
# and times; (2) when build/sluice exists, `sluice gen --ndjson` output (the generator).
# Targets: sluice >= 1000 MB/s parse-only on each input, and >= 3x the faster peer.
#
# Environment: JSON_BENCH_RECORDS (default 20000, ~56 MB), JSON_BENCH_REPEAT (default 5),
# JSON_BENCH_OUT (default bench/out/json). Exit 0 when the targets are met, 1 otherwise.
set -eu
cd "$(dirname "$0")/.."
records=${JSON_BENCH_RECORDS:-20000}
repeat=${JSON_BENCH_REPEAT:-5}
out=${JSON_BENCH_OUT:-bench/out/json}
mkdir -p "$out"
if [ ! -x build/bench/json_parse ]; then
    echo "bench/json.sh: build/bench/json_parse is missing (run: make bench)" >&2
    exit 1
fi

report() { # report LABEL FILE -> prints the figures, returns 1 when a target is missed
    awk -F= -v label="$1" '{ v[$1] = $2 } END {
        mb = v["bytes"] / 1e6
        s = v["sluice_seconds"]; j = v["jansson_seconds"]; c = v["cjson_seconds"]
        peer = (c < j) ? c : j; peername = (c < j) ? "cJSON" : "jansson"
        printf "input: %s: %d records, %.1f MB, best of '"$repeat"' per 500-record batch\n", label, v["records"], mb
        printf "  sluice   %8.4f s %8.1f MB/s %10.0f records/s\n", s, mb / s, v["records"] / s
        printf "  jansson  %8.4f s %8.1f MB/s %10.0f records/s  (sluice is %.1fx)\n", j, mb / j, v["records"] / j, j / s
        printf "  cJSON    %8.4f s %8.1f MB/s %10.0f records/s  (sluice is %.1fx)\n", c, mb / c, v["records"] / c, c / s
        nb = v["ndjson_bytes"] / 1e6; ab = v["array_bytes"] / 1e6
        printf "  stream NDJSON split %.1f MB/s, split+parse %.1f MB/s\n", nb / v["stream_ndjson_seconds"], nb / v["stream_ndjson_parse_seconds"]
        printf "  stream array  split %.1f MB/s, split+parse %.1f MB/s\n", ab / v["stream_array_seconds"], ab / v["stream_array_parse_seconds"]
        ok = (mb / s >= 1000 && peer / s >= 3)
        printf "  ratio vs faster peer (%s): %.1fx (target >= 3); sluice %.0f MB/s (target >= 1000): %s\n", peername, peer / s, mb / s, ok ? "met" : "MISSED"
        exit ok ? 0 : 1
    }' "$2"
}

status=0
build/bench/json_parse --records "$records" --repeat "$repeat" > "$out/fixture.txt"
report "fixture-derived" "$out/fixture.txt" || status=1
if [ -x build/sluice ] && build/sluice gen --records "$records" --seed 7 --ndjson -o "$out/gen.ndjson" 2>/dev/null; then
    build/bench/json_parse --in "$out/gen.ndjson" --repeat "$repeat" > "$out/gen.txt"
    report "sluice gen --ndjson" "$out/gen.txt" || status=1
    rm -f "$out/gen.ndjson"
else
    echo "input: sluice gen --ndjson: skipped (build/sluice gen is not available)"
fi
[ "$status" -eq 0 ] && echo "target met" || echo "target MISSED"
exit "$status"
