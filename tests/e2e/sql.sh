#!/bin/sh
# tests/e2e/sql.sh: `sluice sql` end to end on a landed lake: 3,280 generated attempts
# (seed 7), 6 bad messages (quarantined or landed), and 40 attempts with non-ASCII exam
# names. Checks:
#   - 31 queries (joins of assessments, questions and options, GROUP BY, ORDER BY, NULLs,
#     timestamps, partitions, LIKE on non-ASCII names, windows, IN subqueries) answered
#     the same by sluice sql --format csv and by DuckDB (tests/e2e/sql_duckdb.mjs);
#   - the output formats (table, csv, json), statements from stdin, the interactive
#     prompt (through script(1)), counts checked against jq on the input;
#   - errors: bad SQL with its line and column, unknown table/column, missing lake,
#     usage errors, corrupt, truncated and empty Parquet files (exit 1, the file named,
#     no sanitizer report with the ASan build), and that pruned-away files are not read;
#   - the same answers through WebHDFS (tests/webhdfs/server.mjs).
# Prints "ok - sql:NAME" lines. SLUICE=path overrides the binary; SLUICE_ASAN the ASan one.
set -u
export LC_ALL=C
cd "$(dirname "$0")/../.."
SLUICE=${SLUICE:-build/sluice}
ASAN=${SLUICE_ASAN:-build/asan/sluice}
[ -x "$ASAN" ] || ASAN=$SLUICE
tmp=$(mktemp -d)
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
failed=0
ok() { echo "ok - sql:$1"; }
notok() { echo "not ok - sql:$1"; shift; [ $# -gt 0 ] && echo "  $*"; failed=1; }
check() { name=$1; shift; if "$@"; then ok "$name"; else notok "$name"; fi; }
eq() { [ "$1" = "$2" ] || { echo "  got '$1', want '$2'"; return 1; }; }
no_sanitizer() { ! grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' "$1"; }

[ -x "$SLUICE" ] || { echo "not ok - sql:binary ($SLUICE missing)"; exit 1; }
L=$tmp/lake

# ---- the lake ----
"$SLUICE" gen --records 3280 --seed 7 --ndjson > "$tmp/gen.ndjson"
"$SLUICE" land --from "$tmp/gen.ndjson" --lake "$L" -q
cat > "$tmp/bad.ndjson" <<'EOF'
{"keen_id": "bad1", "sequences": {"counts": {"total": "x"}}}
not json at all
{"keen_id": 5}
["array"]
{"keen_id": "bad2", "started_at": "yesterday", "sequences": {}}
{"sequences": {}}
EOF
"$SLUICE" land --from "$tmp/bad.ndjson" --lake "$L" -q
"$SLUICE" gen --records 40 --seed 11 --ndjson |
    jq -nc '["Introducción a Python", "Datenbanken für Anfänger", "日本語の試験", "Ελληνικά για αρχάριους",
             "Ñandú: Öffentliche Schlüssel"] as $n | [inputs] | to_entries[] | .value.exam_name = $n[.key % 5] | .value' \
    > "$tmp/intl.ndjson"
"$SLUICE" land --from "$tmp/intl.ndjson" --lake "$L" -q
check lake_landed [ -d "$L/assessments" ] && [ -d "$L/_quarantine" ]

# ---- the same answers as DuckDB ----
if [ -d tests/readers/node_modules/@duckdb/node-api ]; then
    node tests/e2e/sql_duckdb.mjs --sluice "$SLUICE" --lake "$L" || failed=1
else
    notok duckdb_missing "tests/readers/node_modules is not installed (make deps)"
fi

# ---- counts against jq on the input ----
distinct=$(jq -r .keen_id "$tmp/gen.ndjson" | sort -u | wc -l)
intl=$(wc -l < "$tmp/intl.ndjson")
want=$((distinct + intl + 1)) # + {"keen_id": 5}, the only bad message that maps
got=$("$SLUICE" sql --lake "$L" --format json "SELECT count(*) AS n FROM assessments" | jq -r .n)
check count_matches_input eq "$got" "$want"
lg=$(jq -r 'select(.exam_name == "Learning Git") | .keen_id' "$tmp/gen.ndjson" | sort -u | wc -l)
got=$("$SLUICE" sql --lake "$L" --format json "SELECT count(*) AS n FROM assessments WHERE exam_name = 'Learning Git'" | jq -r .n)
check learning_git_matches_input eq "$got" "$lg"
opts=$(jq -s '[.[] | {k: .keen_id, n: ([.sequences.questions[]?.options[]?] | length)}] | unique_by(.k) | map(.n) | add' "$tmp/gen.ndjson")
got=$("$SLUICE" sql --lake "$L" --format json "SELECT count(*) AS n FROM options WHERE _topic = 'gen.ndjson'" | jq -r .n)
check options_match_input eq "$got" "$opts"

# ---- formats ----
"$SLUICE" sql --lake "$L" --format table "SELECT exam_name, count(*) AS n FROM assessments WHERE exam_name IN ('Learning Git', 'Datenbanken für Anfänger') GROUP BY 1 ORDER BY 1" > "$tmp/table" 2>&1
check table_exit_0 [ $? -eq 0 ]
check table_output eq "$(cat "$tmp/table")" " exam_name                | n
--------------------------+-----
 Datenbanken für Anfänger |   8
 Learning Git             | $(printf '%3d' "$lg")
(2 rows)"
"$SLUICE" sql --lake "$L" "SELECT 'a,b' AS x, 'say \"hi\"' AS y, '' AS z, NULL AS n, 0.5 AS r" > "$tmp/csv"
check csv_default_and_quoting eq "$(cat "$tmp/csv")" 'x,y,z,n,r
"a,b","say ""hi""","",,0.5'
"$SLUICE" sql --lake "$L" --format json "SELECT dt, count(*) AS n, min(started_at) AS first FROM assessments WHERE dt = '2018-01-15' GROUP BY dt" > "$tmp/json"
check json_valid jq -e '.n > 0 and .dt == "2018-01-15" and (.first | test("^2018-01-15 [0-9:]{8}\\.[0-9]{6}$"))' "$tmp/json" > /dev/null
printf 'SELECT 1 AS a;\n-- a comment\nSELECT upper(%s) AS b;\n' "'x'" | "$SLUICE" sql --lake "$L" > "$tmp/stdin"
check sql_from_stdin eq "$(cat "$tmp/stdin")" "a
1

b
X"
if command -v script > /dev/null 2>&1; then
    printf '.tables\nSELECT count(*) AS quarantined\n  FROM _quarantine;\n.schema _quarantine\nSELEC 1;\nSELECT 2 AS two;\n.quit\n' |
        script -qec "$SLUICE sql --lake $L --format csv" /dev/null > "$tmp/tty" 2>&1
    tr -d '\r' < "$tmp/tty" > "$tmp/tty2"
    check prompt_tables grep -q '^sluice> _quarantine$' "$tmp/tty2"
    check prompt_multiline_statement grep -qx '5' "$tmp/tty2"
    check prompt_schema grep -q 'reason TEXT' "$tmp/tty2"
    check prompt_error_goes_on grep -q 'near "SELEC": syntax error at line 1, column 1' "$tmp/tty2"
    check prompt_after_error grep -qx '2' "$tmp/tty2"
fi

# ---- errors ----
"$SLUICE" sql --lake "$L" "SELEC 1" > /dev/null 2> "$tmp/err"
check bad_sql_exits_1 [ $? -eq 1 ]
check bad_sql_message eq "$(cat "$tmp/err")" 'sluice: sql: near "SELEC": syntax error at line 1, column 1'
"$SLUICE" sql --lake "$L" "SELECT 1;
SELECT nope FROM assessments" > /dev/null 2> "$tmp/err"
check bad_column_message eq "$(cat "$tmp/err")" 'sluice: sql: no such column: nope at line 2, column 8'
"$SLUICE" sql --lake "$L" "SELECT * FROM nosuch" > /dev/null 2> "$tmp/err"
check unknown_table_message grep -q 'no such table: nosuch' "$tmp/err"
"$SLUICE" sql --lake "$tmp/missing" "SELECT 1" > /dev/null 2> "$tmp/err"
check missing_lake_exits_1 [ $? -eq 1 ]
check missing_lake_message eq "$(cat "$tmp/err")" "sluice: sql: lake '$tmp/missing': no such folder"
check missing_lake_not_created [ ! -e "$tmp/missing" ]
"$SLUICE" sql "SELECT 1" > /dev/null 2>&1
check no_lake_exits_2 [ $? -eq 2 ]
"$SLUICE" sql --lake "$L" --format xml "SELECT 1" > /dev/null 2>&1
check bad_format_exits_2 [ $? -eq 2 ]
"$SLUICE" sql --help > "$tmp/help"
check help_exits_0 grep -q 'usage: sluice sql --lake URI' "$tmp/help"

# corrupt files: a copy of the lake with one file's pages overwritten, one truncated,
# one empty .parquet; the ASan build must fail cleanly
C=$tmp/corrupt
cp -r "$L" "$C"
f1=$(ls "$C"/assessments/dt=2017-12-01/*.parquet | head -1)
f2=$(ls "$C"/questions/dt=2017-12-02/*.parquet | head -1)
dd if=/dev/urandom of="$f1" bs=1 seek=4 count=400 conv=notrunc 2> /dev/null
size=$(wc -c < "$f2")
head -c $((size / 2)) "$f2" > "$f2.tmp" && mv "$f2.tmp" "$f2"
mkdir -p "$C/options/dt=2017-12-03"
: > "$C/options/dt=2017-12-03/empty.parquet"
"$ASAN" sql --lake "$C" "SELECT sum(score), count(keen_id) FROM assessments" > /dev/null 2> "$tmp/err"
check corrupt_pages_exits_1 [ $? -eq 1 ]
check corrupt_pages_names_file grep -q "lake file 'assessments/dt=2017-12-01/" "$tmp/err"
check corrupt_pages_no_crash no_sanitizer "$tmp/err"
"$ASAN" sql --lake "$C" "SELECT count(*) FROM questions" > /dev/null 2> "$tmp/err"
check truncated_exits_1 [ $? -eq 1 ]
check truncated_names_file grep -q "lake file 'questions/dt=2017-12-02/" "$tmp/err"
check truncated_no_crash no_sanitizer "$tmp/err"
"$ASAN" sql --lake "$C" "SELECT count(*) FROM options WHERE dt >= '2017-12-03' AND dt < '2017-12-04'" > /dev/null 2> "$tmp/err"
check empty_file_exits_1 [ $? -eq 1 ]
check empty_file_names_file grep -q "lake file 'options/dt=2017-12-03/empty.parquet'" "$tmp/err"
check empty_file_no_crash no_sanitizer "$tmp/err"
# pruning: folders and row groups that cannot match are not read, so the broken files do not matter
got=$("$ASAN" sql --lake "$C" "SELECT count(*) FROM assessments WHERE dt = '2017-12-02'" 2> "$tmp/err" | tail -1)
want=$("$SLUICE" sql --lake "$L" "SELECT count(*) FROM assessments WHERE dt = '2017-12-02'" | tail -1)
check partition_pruning_skips_broken_folder eq "$got" "$want"
got=$("$ASAN" sql --lake "$C" "SELECT count(*) FROM options WHERE dt < '2017-12-03'" 2> "$tmp/err" | tail -1)
want=$("$SLUICE" sql --lake "$L" "SELECT count(*) FROM options WHERE dt < '2017-12-03'" | tail -1)
check partition_range_skips_broken_folder eq "$got" "$want"
got=$("$ASAN" sql --lake "$C" "SELECT count(*) FROM assessments WHERE _offset < 0" 2> "$tmp/err" | tail -1)
check statistics_skip_broken_pages eq "$got" "0"
check statistics_no_crash no_sanitizer "$tmp/err"

# ---- WebHDFS ----
mkdir -p "$tmp/hdfs"
cp -r "$L" "$tmp/hdfs/lake"
node tests/webhdfs/server.mjs --root "$tmp/hdfs" --timeout 120 > "$tmp/server.out" 2> "$tmp/server.err" &
server_pid=$!
i=0
while [ $i -lt 100 ] && ! grep -q namenode= "$tmp/server.out" 2> /dev/null; do sleep 0.1; i=$((i + 1)); done
nn=$(sed -n 's/.*namenode=\([0-9]*\).*/\1/p' "$tmp/server.out" | head -1)
if [ -z "$nn" ]; then
    notok webhdfs_server "the test server did not start: $(cat "$tmp/server.err")"
else
    for q in "SELECT dt, count(*), avg(score) FROM assessments GROUP BY dt ORDER BY dt" \
             "SELECT reason, _offset FROM _quarantine ORDER BY _offset" \
             "SELECT a.exam_name, count(*) FROM assessments a JOIN questions q ON q.keen_id = a.keen_id AND q.dt = a.dt WHERE a.dt = '2018-01-20' GROUP BY 1 ORDER BY 2 DESC, 1"; do
        "$SLUICE" sql --lake "$L" "$q" > "$tmp/local.csv"
        "$SLUICE" sql --lake "webhdfs://127.0.0.1:$nn/lake" "$q" > "$tmp/hdfs.csv" 2> "$tmp/err"
        if [ -s "$tmp/local.csv" ] && cmp -s "$tmp/local.csv" "$tmp/hdfs.csv"; then
            ok "webhdfs_same_answer_$(echo "$q" | cut -c8-20 | tr -c 'a-z0-9\n' '_')"
        else
            notok webhdfs_same_answer "$q: $(head -c 300 "$tmp/err")"
        fi
    done
    "$SLUICE" sql --lake "webhdfs://127.0.0.1:$nn/nolake" "SELECT 1" > /dev/null 2> "$tmp/err"
    check webhdfs_missing_lake_exits_1 [ $? -eq 1 ]
fi
exit $failed
