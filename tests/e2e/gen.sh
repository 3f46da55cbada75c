#!/bin/sh
# tests/e2e/gen.sh: `sluice gen` end to end, checked with jq: record counts in
# array and NDJSON form, determinism, -o, per-exam shares against the reference
# counts, duplicates, key sets, usage errors. Prints "ok - gen:NAME" lines.
# SLUICE=path overrides the binary (default build/sluice).
set -u
export LC_ALL=C
cd "$(dirname "$0")/../.."
SLUICE=${SLUICE:-build/sluice}
CSV=src/gen/exam-counts.csv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
ok() { echo "ok - gen:$1"; }
notok() { echo "not ok - gen:$1"; shift; [ $# -gt 0 ] && echo "  $*"; failed=1; }
# check NAME CONDITION-COMMAND...: ok when the command succeeds.
check() { name=$1; shift; if "$@"; then ok "$name"; else notok "$name"; fi; }

[ -x "$SLUICE" ] || { echo "not ok - gen:binary ($SLUICE missing)"; exit 1; }

# ---- usage ----
"$SLUICE" gen --help > "$tmp/help" 2>&1
st=$?
check help_exits_0 [ "$st" -eq 0 ]
check help_names_options grep -q -- '--records' "$tmp/help"

"$SLUICE" gen --bogus > "$tmp/out" 2> "$tmp/err"
st=$?
check bad_option_exits_2 [ "$st" -eq 2 ]
check bad_option_named grep -q -- "--bogus" "$tmp/err"
check bad_option_no_output [ ! -s "$tmp/out" ]

"$SLUICE" gen --records abc > "$tmp/out" 2> "$tmp/err"
st=$?
check records_abc_exits_2 [ "$st" -eq 2 ]
check records_abc_clear_error grep -q -- "--records wants a whole number of records, got 'abc'" "$tmp/err"
"$SLUICE" gen --seed -3 > /dev/null 2> "$tmp/err"
check seed_negative_exits_2 [ $? -eq 2 ]
"$SLUICE" gen extra > /dev/null 2> "$tmp/err"
check stray_argument_exits_2 [ $? -eq 2 ]

# ---- counts and forms ----
"$SLUICE" gen > "$tmp/default.json"
check default_is_3280_records [ "$(jq length "$tmp/default.json")" = 3280 ]
check default_is_one_line [ "$(wc -l < "$tmp/default.json")" -eq 1 ]
check array_starts_compact [ "$(head -c 19 "$tmp/default.json")" = '[{"keen_timestamp":' ]

"$SLUICE" gen --records 1000 --seed 9 > "$tmp/a.json"
"$SLUICE" gen --records 1000 --seed 9 --ndjson > "$tmp/a.ndjson"
check array_1000 [ "$(jq length "$tmp/a.json")" = 1000 ]
check ndjson_1000_lines [ "$(wc -l < "$tmp/a.ndjson")" -eq 1000 ]
check ndjson_1000_objects [ "$(jq -c 'select(type == "object")' "$tmp/a.ndjson" | wc -l)" -eq 1000 ]
jq -c '.[]' "$tmp/a.json" > "$tmp/a.from-array"
jq -c '.' "$tmp/a.ndjson" > "$tmp/a.from-ndjson"
check array_and_ndjson_same_records cmp -s "$tmp/a.from-array" "$tmp/a.from-ndjson"
check records_0_is_empty_array [ "$("$SLUICE" gen --records 0)" = "[]" ]
check records_0_ndjson_is_empty [ -z "$("$SLUICE" gen --records 0 --ndjson)" ]

# ---- determinism, -o ----
"$SLUICE" gen --records 1000 --seed 9 > "$tmp/b.json"
check same_seed_same_bytes cmp -s "$tmp/a.json" "$tmp/b.json"
"$SLUICE" gen --records 1000 --seed 10 > "$tmp/c.json"
check other_seed_differs sh -c "! cmp -s '$tmp/a.json' '$tmp/c.json'"
"$SLUICE" gen --records 1000 --seed 9 -o "$tmp/o.json" 2> "$tmp/err"
check output_file_same_bytes cmp -s "$tmp/a.json" "$tmp/o.json"
check output_leaves_no_temp [ "$(ls -A "$tmp" | grep -c '\.tmp-')" -eq 0 ]
check output_reports grep -q "wrote 1000 records" "$tmp/err"
"$SLUICE" gen --records 10 -o "$tmp/no/such/dir/x.json" 2> "$tmp/err"
st=$?
if [ "$st" -eq 1 ] && grep -q "cannot create" "$tmp/err"; then ok output_bad_dir_fails; else notok output_bad_dir_fails "status $st: $(cat "$tmp/err")"; fi
"$SLUICE" gen --records 300 --seed 9 --ndjson > "$tmp/p.ndjson"
check prefix_stable sh -c "head -n 300 '$tmp/a.ndjson' | cmp -s - '$tmp/p.ndjson'"

# ---- 50000 records: shares, duplicates, keys ----
N=50000
"$SLUICE" gen --records $N --seed 2018 --ndjson -o "$tmp/big.ndjson" 2> "$tmp/err"
dups=$(sed -n 's/.*(\([0-9]*\) duplicates).*/\1/p' "$tmp/err")
check big_reports_duplicates [ -n "$dups" ]
dups=${dups:-0}
# One jq pass: id, keen_id, top-level keys, sequences keys, the exam's question ids.
jq -r '[.base_exam_id, .keen_id, (keys_unsorted | join(",")), (.sequences | keys_unsorted | join(",")),
        (.sequences.questions | length), .exam_name, .started_at] | @tsv' "$tmp/big.ndjson" > "$tmp/big.tsv"
check big_record_count [ "$(wc -l < "$tmp/big.tsv")" -eq $N ]
distinct=$(cut -f2 "$tmp/big.tsv" | sort -u | wc -l)
check distinct_keen_ids_is_n_minus_duplicates [ "$distinct" -eq $((N - dups)) ]
# ~1.2% duplicates: 600 expected.
if [ "$dups" -ge 450 ] && [ "$dups" -le 750 ]; then ok duplicate_share_near_1.2pct; else notok duplicate_share_near_1.2pct "$dups duplicates"; fi
# Duplicates are byte-identical whole records (checked on the 1000-record file).
lines_a=$(sort -u "$tmp/a.ndjson" | wc -l)
ids_a=$(jq -r .keen_id "$tmp/a.ndjson" | sort -u | wc -l)
if [ "$ids_a" -lt 1000 ] && [ "$lines_a" -eq "$ids_a" ]; then ok duplicates_byte_identical
else notok duplicates_byte_identical "$lines_a distinct lines, $ids_a distinct keen_ids in 1000"; fi

# Keys: the file's order; certification absent in ~4%, counts absent in ~0.5%.
TOP='keen_timestamp,max_attempts,started_at,base_exam_id,user_exam_id,sequences,keen_created_at,certification,keen_id,exam_name'
TOPNC='keen_timestamp,max_attempts,started_at,base_exam_id,user_exam_id,sequences,keen_created_at,keen_id,exam_name'
badkeys=$(awk -F'\t' -v a="$TOP" -v b="$TOPNC" '$3 != a && $3 != b' "$tmp/big.tsv" | wc -l)
check every_record_has_the_keys [ "$badkeys" -eq 0 ]
badseq=$(awk -F'\t' '$4 != "questions,attempt,id,counts" && $4 != "questions,attempt,id"' "$tmp/big.tsv" | wc -l)
check every_sequences_has_the_keys [ "$badseq" -eq 0 ]
nocert=$(awk -F'\t' -v b="$TOPNC" '$3 == b' "$tmp/big.tsv" | wc -l)
if [ "$nocert" -ge 1600 ] && [ "$nocert" -le 2400 ]; then ok certification_absent_near_4pct; else notok certification_absent_near_4pct "$nocert"; fi
nocounts=$(awk -F'\t' '$4 == "questions,attempt,id"' "$tmp/big.tsv" | wc -l)
if [ "$nocounts" -ge 150 ] && [ "$nocounts" -le 360 ]; then ok counts_absent_near_half_pct; else notok counts_absent_near_half_pct "$nocounts"; fi

# Per-exam shares (distinct attempts) close to the reference counts: every exam
# with 40+ reference attempts within 20% of its share (Learning Git: 12%).
sort -u -k2,2 "$tmp/big.tsv" | cut -f1 | sort | uniq -c | awk '{print $2 "\t" $1}' > "$tmp/got.tsv"
tr -d '\r' < "$CSV" | awk -F, 'NR > 1 { print $NF "\t" $1 }' | sort > "$tmp/want.tsv"
join -t "$(printf '\t')" -a 2 -e 0 -o 0,1.2,2.2 "$tmp/got.tsv" "$tmp/want.tsv" > "$tmp/shares.tsv"
bad_shares=$(awk -F'\t' -v n=$((N - dups)) '$3 >= 40 {
    want = $3 / 3280; got = $2 / n;
    if (got < want * 0.8 || got > want * 1.2) { print; bad++ } } END { print bad + 0 }' "$tmp/shares.tsv" | tail -n 1)
check per_exam_shares_match_reference [ "$bad_shares" -eq 0 ]
git=$(awk -F'\t' '$1 == "8b4488de-43a5-4ffa-bf82-af1e19ee1b64"' "$tmp/shares.tsv" | cut -f2)
permille=$(( ${git:-0} * 1000 / (N - dups) ))
if [ "$permille" -ge 110 ] && [ "$permille" -le 130 ]; then ok learning_git_near_12pct; else notok learning_git_near_12pct "$permille per mille"; fi
exams=$(wc -l < "$tmp/got.tsv")
check most_exams_present [ "$exams" -ge 104 ]
cut -f1 "$tmp/want.tsv" > "$tmp/want.ids"
check only_reference_exams [ "$(cut -f1 "$tmp/got.tsv" | grep -cvxFf "$tmp/want.ids")" -eq 0 ]
names=$(cut -f6 "$tmp/big.tsv" | sort -u | wc -l)
if [ "$names" -le 103 ] && [ "$names" -ge 100 ]; then ok exam_names_from_reference; else notok exam_names_from_reference "$names names"; fi

# Question ids of an exam are the same whatever the seed.
qa=$(jq -r 'select(.exam_name == "Learning Git") | [.sequences.questions[].id] | sort | join(",")' "$tmp/a.ndjson" | sort -u)
qb=$("$SLUICE" gen --records 500 --seed 77 --ndjson | jq -r 'select(.exam_name == "Learning Git") | [.sequences.questions[].id] | sort | join(",")' | sort -u)
if [ -n "$qa" ] && [ "$qa" = "$qb" ] && [ "$(echo "$qa" | wc -l)" -eq 1 ]; then ok question_ids_stable_across_seeds; else notok question_ids_stable_across_seeds; fi

# Counts consistent and results consistent with the options (jq over 1000 records).
badc=$(jq -c 'select(.sequences.counts) | .sequences as $s | $s.counts as $c
    | select(($c.correct + $c.incorrect + $c.incomplete != $c.submitted)
          or ($c.submitted + $c.unanswered != $c.total) or ($c.total != ($s.questions | length))
          or ($c.all_correct != ($c.correct == $c.total))
          or ($c.correct != ([$s.questions[] | select(.user_result == "correct")] | length)))' "$tmp/a.ndjson" | wc -l)
check counts_consistent [ "$badc" -eq 0 ]
badr=$(jq -c '.sequences.questions[] | . as $q
    | ([$q.options[] | select(.checked)] | length) as $ck
    | ([$q.options[] | select(.checked and (.correct | not))] | length) as $wrong
    | ([$q.options[] | select(.correct)] | length) as $right
    | ([$q.options[] | select(.checked and .correct)] | length) as $hit
    | (if $ck == 0 then "unanswered" elif $wrong > 0 then "incorrect" elif $hit == $right then "correct"
       else "missed_some" end) as $want
    | select($want != $q.user_result or ($q.user_submitted != ($ck > 0)))' "$tmp/a.ndjson" | wc -l)
check results_match_options [ "$badr" -eq 0 ]
range=$(cut -f7 "$tmp/big.tsv" | sort | sed -n '1p;$p' | cut -c1-10 | tr '\n' ' ')
check started_at_spans_2017-11-21_to_2018-01-28 [ "$range" = "2017-11-21 2018-01-28 " ]

[ "$failed" -eq 0 ]
