#!/bin/sh
# bench/parquet_read.sh: Parquet read (decode) speed, sluice's reader against DuckDB, in the
# same run, on the same file.
#
# build/bench/parquet_read writes PQ_READ_ROWS (default 1000000) rows shaped like the
# `assessments` table (15 columns, ZSTD) with sluice's writer, then times sluice's reader
# decoding every column of every row group into cells (1 thread, best of PQ_READ_REPEAT,
# default 3), with cursors (page by page: the target) and with read_column (whole chunks
# materialized, reported for information). bench/parquet_read_duckdb.mjs times DuckDB (SET threads = 1) computing min and
# max of every column of the same file (so every value is decoded), best of the same count,
# and reports sum(_offset) + sum(question_count), which must equal what sluice's reader saw.
# Target: ratio (DuckDB seconds / sluice seconds) >= 1.0.
# Environment: PQ_READ_ROWS, PQ_READ_REPEAT, PQ_READ_OUT (default bench/out/parquet_read).
# Exit status: 0 when the target is met and the sums agree, 1 otherwise.
set -eu
cd "$(dirname "$0")/.."
rows=${PQ_READ_ROWS:-1000000}
repeat=${PQ_READ_REPEAT:-3}
out=${PQ_READ_OUT:-bench/out/parquet_read}
mkdir -p "$out"
if [ ! -x build/bench/parquet_read ]; then
    echo "bench/parquet_read.sh: build/bench/parquet_read is missing (run: make bench)" >&2
    exit 1
fi
if [ ! -d tests/readers/node_modules/@duckdb/node-api ]; then
    echo "bench/parquet_read.sh: DuckDB for node is missing (run: make deps)" >&2
    exit 1
fi
build/bench/parquet_read --rows "$rows" --repeat "$repeat" --out "$out" > "$out/sluice.txt"
node bench/parquet_read_duckdb.mjs --file "$out/read.parquet" --repeat "$repeat" > "$out/duckdb.txt"
val() { sed -n "s/^$2=//p" "$1"; }
S=$out/sluice.txt D=$out/duckdb.txt
awk -v rows="$rows" -v rep="$repeat" -v bytes="$(val $S bytes)" \
    -v ss="$(val $S sluice_read_seconds)" -v sa="$(val $S sluice_read_seconds_all)" \
    -v sc="$(val $S sluice_read_cpu_seconds)" \
    -v rs="$(val $S sluice_read_column_seconds)" -v ra="$(val $S sluice_read_column_seconds_all)" \
    -v ds="$(val $D duckdb_seconds)" -v da="$(val $D duckdb_seconds_all)" -v dc="$(val $D duckdb_cpu_seconds)" \
    -v si="$(val $S int_sum)" -v di="$(val $D duckdb_int_sum)" 'BEGIN {
    r = ds / ss; rc = dc / sc; rr = ds / rs
    printf "parquet read: %d assessments-shaped rows (15 columns), zstd, %d bytes, 1 thread, best of %d\n", rows, bytes, rep
    printf "  sluice cursors      %8.3f s (cpu %.3f s)  %6.2f M rows/s  (runs: %s)\n", ss, sc, rows / ss / 1e6, sa
    printf "  sluice read_column  %8.3f s                %6.2f M rows/s  (runs: %s)\n", rs, rows / rs / 1e6, ra
    printf "  duckdb              %8.3f s (cpu %.3f s)  %6.2f M rows/s  (runs: %s)\n", ds, dc, rows / ds / 1e6, da
    printf "  ratio cursors (duckdb s / sluice s): %.2f  target >= 1.00  %s\n", r, (r >= 1.0 ? "MET" : "MISSED")
    printf "  ratio cursors, CPU time: %.2f;  ratio read_column: %.2f (not a target)\n", rc, rr
    printf "  check sum(_offset)+sum(question_count): sluice %s, duckdb %s  %s\n", si, di, (si == di ? "same" : "DIFFERENT")
    printf "RESULT parquet_read rows=%d sluice_s=%.4f sluice_cpu_s=%.4f sluice_read_column_s=%.4f duckdb_s=%.4f duckdb_cpu_s=%.4f ratio=%.3f cpu_ratio=%.3f\n", rows, ss, sc, rs, ds, dc, r, rc
    exit (r >= 1.0 && si == di) ? 0 : 1
}'
