#!/bin/sh
# bench/land.sh: `sluice land --from` against DuckDB doing the same transform, in one run.
#
#   sh bench/land.sh            (after `make`; `make bench` runs it through bench/run.sh)
#
# 1. `sluice gen --ndjson` writes LAND_BENCH_RECORDS attempts (default 100000, ~290 MB).
# 2. sluice lands them into a fresh lake: the three zstd tables partitioned by dt, with
#    dedupe, quarantine, manifests (the real command, fsync'd commits included).
# 3. bench/land_duckdb.mjs does the same transform with DuckDB, threads = 1: read_json,
#    dedupe by keen_id, unnest questions and options, the same columns, COPY to zstd
#    Parquet PARTITION_BY (dt).
# Each side runs LAND_BENCH_REPEAT times (default 2), timed by /usr/bin/time; the best wall
# and best CPU (user+sys) times count. Both sides must produce the same row counts.
# 4. Peak RSS of `sluice land` on a ~50 MB and a ~500 MB input (same generator), which
#    should be about equal (memory bounded by --max-memory, not by the input).
# Targets (issue 3): throughput, DuckDB wall time / sluice wall time >= 10, DuckDB on one
# thread, sluice on what it uses (its write threads: up to 2 cores), on a quiet machine;
# and the same peak RSS (within 10%) on the 50 MB and the 500 MB input.
# The CPU-time ratio is printed too (on a shared machine it is the steadier figure).
# Exit 1 when missed or when the rows differ.
set -u
cd "$(dirname "$0")/.."
SLUICE=${SLUICE:-build/sluice}
N=${LAND_BENCH_RECORDS:-100000}
R=${LAND_BENCH_REPEAT:-2}
out=bench/out/land
mkdir -p "$out"
[ -x "$SLUICE" ] || { echo "land bench: $SLUICE missing (run make)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "land bench: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
[ -d tests/readers/node_modules/@duckdb/node-api ] || { echo "land bench: DuckDB missing (make deps)" >&2; exit 1; }

gen() { # gen RECORDS FILE: generates once, keeps the file for later runs
    [ -s "$2" ] || "$SLUICE" gen --records "$1" --seed 1 --ndjson -o "$2" 2> /dev/null ||
        { echo "land bench: sluice gen failed" >&2; exit 1; }
}
in=$out/attempts-$N.ndjson
gen "$N" "$in"
bytes=$(wc -c < "$in")

# best FILE FIELD: smallest value of column FIELD (1 = wall, 2 = cpu) in FILE.
best() { sort -g -k"$2" "$1" | head -n 1 | awk -v f="$2" '{print $f}'; }

: > "$out/sluice.times"
i=0
while [ $i -lt "$R" ]; do
    rm -rf "$out/lake"
    /usr/bin/time -o "$out/t" -f "%e %U %S %M" "$SLUICE" land --from "$in" --lake "$out/lake" 2> "$out/sluice.summary" ||
        { cat "$out/sluice.summary"; echo "land bench: sluice land failed" >&2; exit 1; }
    awk '{printf "%s %.3f %s\n", $1, $2 + $3, $4}' "$out/t" >> "$out/sluice.times"
    i=$((i + 1))
done
: > "$out/duckdb.times"
i=0
while [ $i -lt "$R" ]; do
    rm -rf "$out/duck"
    /usr/bin/time -o "$out/t" -f "%e %U %S %M" node bench/land_duckdb.mjs --in "$in" --out "$out/duck" \
        > "$out/duckdb.out" 2>&1 || { cat "$out/duckdb.out"; echo "land bench: DuckDB failed" >&2; exit 1; }
    awk '{printf "%s %.3f %s\n", $1, $2 + $3, $4}' "$out/t" >> "$out/duckdb.times"
    i=$((i + 1))
done

s_wall=$(best "$out/sluice.times" 1); s_cpu=$(best "$out/sluice.times" 2)
d_wall=$(best "$out/duckdb.times" 1); d_cpu=$(best "$out/duckdb.times" 2)
s_rss=$(sort -g -k3 "$out/sluice.times" | tail -n 1 | awk '{print $3}')
d_rss=$(sort -g -k3 "$out/duckdb.times" | tail -n 1 | awk '{print $3}')
rows() { grep -E "^  $1 " "$out/sluice.summary" | awk '{print $2}'; }
s_rows="$(rows assessments) $(rows questions) $(rows options)"
d_rows="$(grep rows_assessments "$out/duckdb.out" | cut -d= -f2) $(grep rows_questions "$out/duckdb.out" | cut -d= -f2) $(grep rows_options "$out/duckdb.out" | cut -d= -f2)"

# Peak memory against input size.
gen 17260 "$out/attempts-50MB.ndjson"
gen 172600 "$out/attempts-500MB.ndjson"
rss_of() {
    rm -rf "$out/lake-rss"
    /usr/bin/time -o "$out/t" -f "%M" "$SLUICE" land --from "$1" --lake "$out/lake-rss" --quiet || exit 1
    rm -rf "$out/lake-rss"
    cat "$out/t"
}
rss50=$(rss_of "$out/attempts-50MB.ndjson")
rss500=$(rss_of "$out/attempts-500MB.ndjson")

awk -v n="$N" -v b="$bytes" -v sw="$s_wall" -v sc="$s_cpu" -v dw="$d_wall" -v dc="$d_cpu" \
    -v sr="$s_rss" -v dr="$d_rss" -v r50="$rss50" -v r500="$rss500" -v R="$R" 'BEGIN {
    printf "land: %d attempts, %.1f MB NDJSON -> assessments/questions/options, zstd, dt partitions; best of %d\n", n, b / 1e6, R
    printf "  sluice land   wall %7.2f s  cpu %7.2f s  %6.1f MB/s (cpu)  %8.0f attempts/s (cpu)  peak RSS %5.0f MB\n", sw, sc, b / 1e6 / sc, n / sc, sr / 1024
    printf "  duckdb        wall %7.2f s  cpu %7.2f s  %6.1f MB/s (cpu)  %8.0f attempts/s (cpu)  peak RSS %5.0f MB\n", dw, dc, b / 1e6 / dc, n / dc, dr / 1024
    printf "  ratio duckdb/sluice: wall %.2f, cpu %.2f  (target: wall >= 10)\n", dw / sw, dc / sc
    printf "  sluice peak RSS: %.0f MB on 50 MB input, %.0f MB on 500 MB input (x%.2f)\n", r50 / 1024, r500 / 1024, r500 / r50
}'
echo "  rows (assessments questions options): sluice $s_rows, duckdb $d_rows"
status=0
[ "$s_rows" = "$d_rows" ] || { echo "  ROWS DIFFER"; status=1; }
if awk -v sw="$s_wall" -v dw="$d_wall" 'BEGIN { exit !(dw / sw >= 10) }'; then
    echo "  throughput target (wall >= 10x DuckDB): MET"
else
    echo "  throughput target (wall >= 10x DuckDB): MISSED"
    status=1
fi
# "The same RSS for 50 MB and 500 MB": taken as within 10%.
if awk -v a="$rss50" -v b="$rss500" 'BEGIN { exit !(b <= a * 1.10) }'; then
    echo "  memory target (same peak RSS at 50 and 500 MB, within 10%): MET"
else
    echo "  memory target (same peak RSS at 50 and 500 MB, within 10%): MISSED"
    status=1
fi
exit $status
