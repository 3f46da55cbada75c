#!/bin/sh
# tests/e2e/mapping.sh: `sluice mapping` end to end: list/show/check/apply,
# precise errors and exit codes, the built-in mappings on the real fixture and
# on `sluice gen` output, with row counts and values checked independently by jq.
# Prints "ok - mapping:NAME" lines. SLUICE=path overrides the binary.
set -u
export LC_ALL=C
cd "$(dirname "$0")/../.."
SLUICE=${SLUICE:-build/sluice}
FIX=tests/fixtures/assessment-attempts-SAMPLE-offsets0-4_3278-3279
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
ok() { echo "ok - mapping:$1"; }
notok() { echo "not ok - mapping:$1"; shift; [ $# -gt 0 ] && echo "  $*"; failed=1; }
check() { name=$1; shift; if "$@"; then ok "$name"; else notok "$name"; fi; }
eq() { [ "$1" = "$2" ] || { echo "  got '$1', want '$2'"; return 1; }; }

[ -x "$SLUICE" ] || { echo "not ok - mapping:binary ($SLUICE missing)"; exit 1; }

# ---- usage ----
"$SLUICE" mapping --help > "$tmp/help" 2>&1
check help_exits_0 [ $? -eq 0 ]
check help_names_subcommands grep -q 'sluice mapping check FILE|NAME' "$tmp/help"
"$SLUICE" mapping frob > /dev/null 2> "$tmp/err"
check unknown_subcommand_exits_2 [ $? -eq 2 ]
check unknown_subcommand_named grep -q "unknown subcommand 'frob'" "$tmp/err"
"$SLUICE" mapping > /dev/null 2>&1
check no_subcommand_exits_2 [ $? -eq 2 ]

# ---- list / show ----
"$SLUICE" mapping list > "$tmp/list"
check list_has_assessments grep -q '^assessments  ' "$tmp/list"
check list_has_game_events grep -q '^game-events  ' "$tmp/list"
"$SLUICE" mapping show assessments > "$tmp/show.json"
check show_is_the_file cmp -s "$tmp/show.json" mappings/assessments.json
"$SLUICE" mapping show nope > /dev/null 2> "$tmp/err"
check show_unknown_exits_1 [ $? -eq 1 ]

# ---- check ----
"$SLUICE" mapping check assessments > "$tmp/check" 2>&1
check check_builtin_exits_0 [ $? -eq 0 ]
check check_summary grep -q "^table options: rows \$.sequences.questions\[\*\].options\[\*\], partition dt = UTC date of \$.started_at, 11 columns + 4 provenance" "$tmp/check"
"$SLUICE" mapping check mappings/game-events.json > "$tmp/check" 2>&1
check check_file_exits_0 [ $? -eq 0 ]
cat > "$tmp/bad.json" <<'JSON'
{"name": "g", "tables": [{"name": "purchases", "columns": [
  {"name": "a", "type": "string", "path": "$.a"},
  {"name": "b", "type": "string", "path": "$.b"},
  {"name": "c", "type": "int", "path": "$.c"}]}]}
JSON
"$SLUICE" mapping check "$tmp/bad.json" > "$tmp/out" 2> "$tmp/err"
check check_bad_exits_1 [ $? -eq 1 ]
check check_bad_message eq "$(cat "$tmp/err")" "sluice: mapping: $tmp/bad.json: tables[0].columns[2].type: unknown type 'int' (expected one of boolean, int32, int64, double, string, binary, timestamp, date)"
"$SLUICE" mapping check "$tmp/missing.json" > /dev/null 2> "$tmp/err"
check check_missing_exits_1 [ $? -eq 1 ]
check check_missing_message grep -q "missing.json: No such file or directory" "$tmp/err"

# ---- apply on the 7 real records ----
"$SLUICE" mapping apply assessments "$FIX.jsonl" > "$tmp/rows" 2> "$tmp/summary"
check apply_exits_0 [ $? -eq 0 ]
check apply_summary eq "$(cat "$tmp/summary")" "7 records: 7 mapped, 0 quarantined; rows: assessments 7 questions 32 options 117"
want_q=$(jq -s '[.[].sequences.questions | length] | add' "$FIX.jsonl")
want_o=$(jq -s '[.[].sequences.questions[].options | length] | add' "$FIX.jsonl")
check questions_rows_match_jq eq "$(grep -c '"table":"questions"' "$tmp/rows")" "$want_q"
check options_rows_match_jq eq "$(grep -c '"table":"options"' "$tmp/rows")" "$want_o"
# Per record: question_count and score equal what jq computes from the record text.
jq -r 'select(.table=="assessments") | .row | "\(.keen_id) \(.question_count) \(.score)"' "$tmp/rows" > "$tmp/got"
jq -r '"\(.keen_id) \(.sequences.questions | length) \(.sequences.counts.correct / .sequences.counts.total)"' "$FIX.jsonl" > "$tmp/want"
check question_count_and_score_match_jq cmp -s "$tmp/got" "$tmp/want"
# completed_at = latest option `at` (ISO text compares in time order here: all 'Z', same precision).
jq -r 'select(.table=="assessments") | .row | "\(.keen_id) \(.completed_at)"' "$tmp/rows" > "$tmp/got"
jq -r '"\(.keen_id) \([.sequences.questions[].options[].at | select(. != null)] | max | sub("Z$"; "000Z"))"' "$FIX.jsonl" > "$tmp/want"
check completed_at_matches_jq cmp -s "$tmp/got" "$tmp/want"
check started_at_micro grep -q '"started_at":"2018-01-23T14:23:19.082000Z"' "$tmp/rows"
check keen_timestamp_7_decimals grep -q '"keen_timestamp":"2018-01-23T20:22:01.113742Z"' "$tmp/rows"
want_dt=$(jq -r '.started_at[0:10] as $d | .sequences.questions[].options[] | $d' "$FIX.jsonl" | sort | uniq -c | tr -s ' ' | tr '\n' ';')
check dt_of_started_at eq "$(jq -r 'select(.table=="options") | .dt' "$tmp/rows" | sort | uniq -c | tr -s ' ' | tr '\n' ';')" "$want_dt"
# The JSON array form gives the same rows (apart from _topic, the file name).
"$SLUICE" mapping apply assessments "$FIX.json" 2> /dev/null | sed 's/"_topic":"[^"]*"//' > "$tmp/a"
sed 's/"_topic":"[^"]*"//' "$tmp/rows" > "$tmp/b"
check array_and_ndjson_agree cmp -s "$tmp/a" "$tmp/b"
"$SLUICE" mapping apply assessments "$FIX.jsonl" --table questions --limit 2 2> /dev/null > "$tmp/q"
check apply_table_and_limit eq "$(wc -l < "$tmp/q" | tr -d ' ')" 8
"$SLUICE" mapping apply assessments "$FIX.jsonl" --table nope > /dev/null 2> "$tmp/err"
check apply_unknown_table_exits_1 [ $? -eq 1 ]

# ---- routing: game events from stdin ----
cat > "$tmp/events.ndjson" <<'EOF2'
{"event_type":"purchase_sword","userid":"u1","Host":"h1","User-Agent":"curl/7.47.0","timestamp":"2018-08-03T10:00:00Z"}
{"event_type":"join_guild","userid":"u2","timestamp":1533290400}
{"event_type":"purchase_knife","userid":"u3","timestamp":"2018-08-04T00:00:00+01:00"}
{"event_type":"dance","userid":"u4"}
not json
EOF2
"$SLUICE" mapping apply game-events - < "$tmp/events.ndjson" > "$tmp/ev" 2> "$tmp/summary"
check routing_summary eq "$(cat "$tmp/summary")" "5 records: 3 mapped, 2 quarantined; rows: purchases 2 guild_joins 1"
check routing_reason grep -q '{"quarantine":"no table for event_type \\"dance\\"","record":3}' "$tmp/ev"
check routing_invalid_json grep -q '{"quarantine":"invalid JSON: .*(byte 0)","record":4}' "$tmp/ev"
check routing_dt_utc eq "$(jq -r 'select(.table=="purchases") | .dt' "$tmp/ev" | tr '\n' ' ')" "2018-08-03 2018-08-03 "

# ---- sluice gen output, larger ----
if "$SLUICE" gen --records 3000 --seed 7 --ndjson > "$tmp/gen.ndjson" 2> /dev/null; then
    "$SLUICE" mapping apply assessments "$tmp/gen.ndjson" > "$tmp/grows" 2> "$tmp/summary"
    check gen_apply_exits_0 [ $? -eq 0 ]
    want_o=$(jq -s '[.[].sequences.questions[]?.options | length] | add' "$tmp/gen.ndjson")
    want_a=$(wc -l < "$tmp/gen.ndjson" | tr -d ' ')
    check gen_all_mapped grep -q "^$want_a records: $want_a mapped, 0 quarantined" "$tmp/summary"
    check gen_options_match_jq eq "$(grep -c '"table":"options"' "$tmp/grows")" "$want_o"
    nocert=$(jq -s '[.[] | select(has("certification") | not)] | length' "$tmp/gen.ndjson")
    check gen_certification_null_when_absent eq "$(jq -s '[.[] | select(.table=="assessments" and .row.certification == null)] | length' "$tmp/grows")" "$nocert"
else
    notok gen_available "sluice gen failed"
fi

exit $failed
