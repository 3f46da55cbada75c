#!/bin/sh
# bench/report.sh: `sluice report` on a landed lake of REPORT_RECORDS (default 1,000,000)
# generated attempts (~4.8M questions, ~17M options), against DuckDB computing the same
# figures with the same queries (tests/e2e/report_duckdb.mjs --time: SET threads = 1)
# on the same files, in the same run. Both sides are timed best of REPORT_REPEAT
# (default 3), with peak RSS (/usr/bin/time; DuckDB's includes node itself, whose
# empty-process RSS is printed beside it). Then the figures are compared (they must
# all be equal), and a few `sluice sql` queries are timed against DuckDB for
# information (no target).
# Target: sluice seconds <= 3 x DuckDB seconds.
# The lake is made once (sluice gen --seed 7 | sluice land) and kept in
# REPORT_OUT/lake (default bench/out/report/lake) for the next runs.
# Exit status: 0 when the target is met and the figures agree, 1 otherwise.
set -eu
cd "$(dirname "$0")/.."
records=${REPORT_RECORDS:-1000000}
repeat=${REPORT_REPEAT:-3}
out=${REPORT_OUT:-bench/out/report}
S=build/sluice
mkdir -p "$out"
[ -x "$S" ] || { echo "bench/report.sh: $S is missing (run: make)" >&2; exit 1; }
[ -d tests/readers/node_modules/@duckdb/node-api ] || { echo "bench/report.sh: DuckDB for node is missing (run: make deps)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/report.sh: /usr/bin/time is missing (apt install time)" >&2; exit 1; }
# calc EXPR: awk arithmetic (3 decimals); lt A B: exit 0 when A < B
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
L=$out/lake
if [ "$(cat "$out/lake.records" 2> /dev/null)" != "$records" ]; then
    rm -rf "$L" "$out/lake.records"
    echo "landing $records generated attempts into $L (once)..." >&2
    t0=$(date +%s.%N)
    "$S" gen --records "$records" --seed 7 | "$S" land --from - --lake "$L" -q
    t1=$(date +%s.%N)
    echo "$records" > "$out/lake.records"
    echo "  landed in $(calc "$t1 - $t0") s" >&2
fi
files=$(find "$L" -name '*.parquet' | wc -l)
bytes=$(du -sb "$L" | cut -f1)

now() { date +%s.%N; }
best=
runs=
for k in $(seq "$repeat"); do
    t0=$(now)
    /usr/bin/time -f '%M %U %S' -o "$out/sluice.time" "$S" report --lake "$L" --format json > "$out/sluice.json"
    t1=$(now)
    s=$(calc "$t1 - $t0")
    runs="$runs${runs:+,}$s"
    if [ -z "$best" ] || lt "$s" "$best"; then
        best=$s
        cp "$out/sluice.time" "$out/sluice.best.time"
    fi
done
read -r srss su ss < "$out/sluice.best.time"
/usr/bin/time -f '%M' -o "$out/duckdb.time" node tests/e2e/report_duckdb.mjs --lake "$L" --time --repeat "$repeat" > "$out/duckdb.txt"
drss=$(cat "$out/duckdb.time")
/usr/bin/time -f '%M' -o "$out/node.time" node -e '0'
nrss=$(cat "$out/node.time")
ds=$(sed -n 's/^duckdb_seconds=//p' "$out/duckdb.txt")
da=$(sed -n 's/^duckdb_seconds_all=//p' "$out/duckdb.txt")
dc=$(sed -n 's/^duckdb_cpu_seconds=//p' "$out/duckdb.txt")
node tests/e2e/report_duckdb.mjs --lake "$L" --sluice "$out/sluice.json" > "$out/compare.txt" || true
same=$(grep -c '^not ok' "$out/compare.txt" || true)

echo "sluice report: $records generated attempts, $files Parquet files, $bytes bytes, 1 thread, best of $repeat"
printf '  sluice report   %8.3f s (cpu %.2f s)  peak RSS %6d MB  (runs: %s)\n' "$best" "$(calc "$su + $ss")" $((srss / 1024)) "$runs"
printf '  duckdb          %8.3f s (cpu %.2f s)  peak RSS %6d MB, node alone %d MB  (runs: %s)\n' "$ds" "$dc" $((drss / 1024)) $((nrss / 1024)) "$da"
ratio=$(calc "$best / $ds")
met=0
lt "$ratio" 3.0001 && met=1
printf '  ratio sluice/duckdb: %s  target <= 3.00  %s\n' "$ratio" "$([ "$met" = 1 ] && echo MET || echo MISSED)"
if [ "$same" = 0 ]; then echo "  figures: all $(grep -c '^ok' "$out/compare.txt") equal to DuckDB's"; else echo "  figures: $same DIFFERENT (see $out/compare.txt)"; fi

# sluice sql against DuckDB, for information
echo "sluice sql (information, no target), best of $repeat:"
while IFS='|' read -r name q; do
    [ -n "$name" ] || continue
    sb=
    for k in $(seq "$repeat"); do
        t0=$(now)
        "$S" sql --lake "$L" --format csv "$q" > "$out/sql.csv"
        t1=$(now)
        s=$(calc "$t1 - $t0")
        if [ -z "$sb" ] || lt "$s" "$sb"; then sb=$s; fi
    done
    node bench/report_sql_duckdb.mjs --lake "$L" --repeat "$repeat" "$q" > "$out/sqld.txt"
    qd=$(sed -n 's/^duckdb_seconds=//p' "$out/sqld.txt")
    printf '  %-28s sluice %7.3f s  duckdb %7.3f s  ratio %5.2f  (%d rows)\n' "$name" "$sb" "$qd" \
        "$(calc "$sb / $qd")" $(($(wc -l < "$out/sql.csv") - 1))
done <<'EOF'
group_by_exam|SELECT exam_name, count(*), avg(score) FROM assessments GROUP BY exam_name ORDER BY 2 DESC
one_day_questions|SELECT user_result, count(*) FROM questions WHERE dt = '2018-01-10' GROUP BY 1 ORDER BY 1
count_options|SELECT count(*) FROM options
join_one_day|SELECT a.exam_name, count(*), sum(CASE WHEN o.checked THEN 1 ELSE 0 END) FROM assessments a JOIN options o ON o.keen_id = a.keen_id AND o.dt = a.dt WHERE a.dt = '2018-01-10' GROUP BY 1 ORDER BY 2 DESC
EOF
printf 'RESULT report records=%d sluice_s=%.4f sluice_rss_mb=%d duckdb_s=%.4f duckdb_rss_mb=%d ratio=%s figures_differ=%s\n' \
    "$records" "$best" $((srss / 1024)) "$ds" $((drss / 1024)) "$ratio" "$same"
[ "$met" = 1 ] && [ "$same" = 0 ]
