#!/bin/sh
# tests/e2e/report.sh: `sluice report` end to end. Lands `sluice gen --records 3280
# --seed 7` with `sluice land --from -` plus 6 bad messages, then checks that every
# figure of `sluice report --format json` equals what DuckDB computes over the same
# Parquet files and manifests (tests/e2e/report_duckdb.mjs); that the text and HTML
# pages carry the same numbers; the same for one tenant of a lake landed with a
# tenant mapping; the same report through WebHDFS; and clean failures (exit 1 with a
# message, no sanitizer report) for a missing lake, an unknown or invalid tenant, a lake
# without assessments and a corrupt Parquet file.
# Prints "ok - report:NAME" lines. SLUICE=path overrides the binary; SLUICE_ASAN the ASan one.
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
ok() { echo "ok - report:$1"; }
notok() { echo "not ok - report:$1"; shift; [ $# -gt 0 ] && echo "  $*"; failed=1; }
check() { name=$1; shift; if "$@"; then ok "$name"; else notok "$name"; fi; }
eq() { [ "$1" = "$2" ] || { echo "  got '$1', want '$2'"; return 1; }; }
no_sanitizer() { ! grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' "$1"; }
have_duckdb() { [ -d tests/readers/node_modules/@duckdb/node-api ]; }

[ -x "$SLUICE" ] || { echo "not ok - report:binary ($SLUICE missing)"; exit 1; }
L=$tmp/lake

# ---- the lake: 3,280 generated attempts and 6 bad messages ----
"$SLUICE" gen --records 3280 --seed 7 | "$SLUICE" land --from - --lake "$L" -q
check land_generated [ $? -eq 0 ]
cat > "$tmp/bad.ndjson" <<'EOF'
{"keen_id": "bad1", "sequences": {"counts": {"total": "x"}}}
not json at all
{"keen_id": 5, "exam_name": "Learning Git", "base_exam_id": "x"}
["array"]
{"keen_id": "bad2", "started_at": "yesterday", "sequences": {}}
{"sequences": {}}
EOF
"$SLUICE" land --from "$tmp/bad.ndjson" --lake "$L" -q

# ---- JSON: every figure as DuckDB computes it ----
"$SLUICE" report --lake "$L" --format json > "$tmp/r.json" 2> "$tmp/err"
check json_exit_0 [ $? -eq 0 ]
check json_valid jq -e '.attempts > 3000 and .pipeline.messages == 3286 and .quarantine.messages == 5' "$tmp/r.json" > /dev/null
if have_duckdb; then
    node tests/e2e/report_duckdb.mjs --lake "$L" --sluice "$tmp/r.json" || failed=1
else
    notok duckdb_missing "tests/readers/node_modules is not installed (make deps)"
fi
# independent of both: jq on the generator's output
"$SLUICE" gen --records 3280 --seed 7 > "$tmp/gen.json"
distinct=$(jq -r '.[].keen_id' "$tmp/gen.json" | sort -u | wc -l)
check distinct_attempts_match_input eq "$(jq .distinct_attempts "$tmp/r.json")" "$((distinct + 1))"
check duplicates_match_input eq "$(jq .pipeline.duplicates "$tmp/r.json")" "$((3280 - distinct))"
lg=$(jq -r '.[] | select(.exam_name == "Learning Git") | .keen_id' "$tmp/gen.json" | sort -u | wc -l)
check learning_git_matches_input eq "$(jq .learning_git_attempts "$tmp/r.json")" "$((lg + 1))"

# ---- text and HTML carry the same figures ----
"$SLUICE" report --lake "$L" > "$tmp/r.txt" 2> "$tmp/err"
check text_exit_0 [ $? -eq 0 ]
check text_attempts grep -qE "^  attempts +$(jq .attempts "$tmp/r.json")\$" "$tmp/r.txt"
check text_learning_git grep -qE "^  took \"Learning Git\" +$(jq .learning_git_attempts "$tmp/r.json")\$" "$tmp/r.txt"
check text_duplicates grep -qE "^  duplicates dropped +$(jq .pipeline.duplicates "$tmp/r.json")\$" "$tmp/r.txt"
top=$(jq -r '.most_common_exams[0] | "\(.attempts)  \(.exam_name)"' "$tmp/r.json")
check text_top_exam grep -qF "  $top" "$tmp/r.txt"
check text_quarantine_reason grep -qF 'invalid JSON: invalid literal at line 1, column 1 (byte 0)' "$tmp/r.txt"
"$SLUICE" report --lake "$L" --format html -o "$tmp/r.html" > "$tmp/out" 2> "$tmp/err"
check html_exit_0 [ $? -eq 0 ]
check html_nothing_on_stdout [ ! -s "$tmp/out" ]
check html_no_temporary_left [ "$(ls "$tmp" | grep -c 'r.html.tmp')" -eq 0 ]
check html_page grep -q '</html>' "$tmp/r.html"
bars=$(grep -o '<rect ' "$tmp/r.html" | wc -l)
check html_one_bar_per_day_and_decile eq "$bars" "$(( $(jq '.attempts_per_day | length' "$tmp/r.json") + 10 ))"
check html_self_contained sh -c "! grep -qiE '(src|href)=\"(https?:)?//' '$tmp/r.html'"
check html_attempts grep -qF "<div class=\"v\">$(jq .attempts "$tmp/r.json")</div><div class=\"l\">attempts" "$tmp/r.html"

# ---- one tenant of a lake with tenants ----
jq '.name = "assessments-tenants" | .tenant = "$.org"' mappings/assessments.json > "$tmp/tmap.json"
"$SLUICE" gen --records 600 --seed 3 --ndjson |
    jq -c '.org = (if (.keen_id[-1:] < "8") then "acme" else "globex" end)' > "$tmp/t.ndjson"
"$SLUICE" land --from "$tmp/t.ndjson" -m "$tmp/tmap.json" --lake "$tmp/tl" -q
check tenant_lake_landed [ -d "$tmp/tl/assessments/tenant=acme" ] && [ -d "$tmp/tl/assessments/tenant=globex" ]
"$SLUICE" report --lake "$tmp/tl" --tenant acme --format json > "$tmp/acme.json" 2> "$tmp/err"
check tenant_exit_0 [ $? -eq 0 ]
check tenant_no_pipeline jq -e '.pipeline == null and .quarantine == null and .tenant == "acme"' "$tmp/acme.json" > /dev/null
want=$(jq -r 'select(.org == "acme") | .keen_id' "$tmp/t.ndjson" | sort -u | wc -l)
check tenant_attempts_match_input eq "$(jq .attempts "$tmp/acme.json")" "$want"
if have_duckdb; then
    node tests/e2e/report_duckdb.mjs --lake "$tmp/tl" --tenant acme --sluice "$tmp/acme.json" | sed 's/report:/report:tenant_/' > "$tmp/tcmp"
    cat "$tmp/tcmp"
    grep -q '^not ok' "$tmp/tcmp" && failed=1
fi

# ---- WebHDFS: the same report ----
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
    "$SLUICE" report --lake "webhdfs://127.0.0.1:$nn/lake" --format json > "$tmp/h.json" 2> "$tmp/err"
    check webhdfs_exit_0 [ $? -eq 0 ]
    check webhdfs_same_report eq "$(jq -c 'del(.lake)' "$tmp/h.json")" "$(jq -c 'del(.lake)' "$tmp/r.json")"
fi

# ---- failures ----
"$SLUICE" report --lake "$tmp/missing" > /dev/null 2> "$tmp/err"
check missing_lake_exits_1 [ $? -eq 1 ]
check missing_lake_message eq "$(cat "$tmp/err")" "sluice: report: lake '$tmp/missing': no such folder"
"$SLUICE" report --lake "$tmp/tl" --tenant initech > /dev/null 2> "$tmp/err"
check unknown_tenant_exits_1 [ $? -eq 1 ]
check unknown_tenant_message grep -qF "no tenant 'initech'" "$tmp/err"
"$SLUICE" report --lake "$tmp/tl" --tenant 'Acme!' > /dev/null 2> "$tmp/err"
check invalid_tenant_exits_1 [ $? -eq 1 ]
"$SLUICE" report --lake "$L" --tenant acme > /dev/null 2> "$tmp/err"
check tenant_without_tenants_message grep -qF 'has no tenant folders' "$tmp/err"
mkdir -p "$tmp/empty"
"$SLUICE" report --lake "$tmp/empty" > /dev/null 2> "$tmp/err"
check no_assessments_exits_1 [ $? -eq 1 ]
check no_assessments_message grep -qF 'has no assessments table' "$tmp/err"
"$SLUICE" report --lake "$L" --format pdf > /dev/null 2>&1
check bad_format_exits_2 [ $? -eq 2 ]
"$SLUICE" report > /dev/null 2>&1
check no_lake_exits_2 [ $? -eq 2 ]
"$SLUICE" report --lake "$L" -o "$tmp/nofolder/r.txt" > /dev/null 2> "$tmp/err"
check output_folder_missing_exits_1 [ $? -eq 1 ]
"$SLUICE" report --help | grep -q 'usage: sluice report --lake URI'
check help_exits_0 [ $? -eq 0 ]
C=$tmp/corrupt
cp -r "$L" "$C"
f=$(ls "$C"/questions/dt=2018-01-10/*.parquet | head -1)
head -c 5000 /dev/zero | tr '\000' '\245' | dd of="$f" bs=1 seek=4 conv=notrunc 2> /dev/null
"$ASAN" report --lake "$C" > "$tmp/out" 2> "$tmp/err"
check corrupt_exits_1 [ $? -eq 1 ]
check corrupt_names_file grep -qF "lake file 'questions/dt=2018-01-10/" "$tmp/err"
check corrupt_prints_nothing [ ! -s "$tmp/out" ]
check corrupt_no_crash no_sanitizer "$tmp/err"
: > "$C/assessments/dt=2018-01-11/zero.parquet"
"$ASAN" report --lake "$C" > /dev/null 2> "$tmp/err"
check empty_file_exits_1 [ $? -eq 1 ]
check empty_file_names_file grep -qF "assessments/dt=2018-01-11/zero.parquet" "$tmp/err"
check empty_file_no_crash no_sanitizer "$tmp/err"
exit $failed
