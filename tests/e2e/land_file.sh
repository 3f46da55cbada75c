#!/bin/sh
# tests/e2e/land_file.sh: `sluice land --from` end to end: usage errors, the 7 fixture
# records (array and NDJSON on stdin), the lake layout (folders, names, no temporary
# files), re-running lands nothing new, quarantine of bad records, a broken input, a
# kill -9 in the middle then a re-run (exactly once), and DuckDB's answers to the data
# scientists' questions over the landed Parquet equal to DuckDB's over the raw JSON, on
# 3,280 generated records. Prints "ok - land:NAME" lines. SLUICE=path overrides the binary.
set -u
export LC_ALL=C
cd "$(dirname "$0")/../.."
SLUICE=${SLUICE:-build/sluice}
FIX=tests/fixtures/assessment-attempts-SAMPLE-offsets0-4_3278-3279
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
ok() { echo "ok - land:$1"; }
notok() { echo "not ok - land:$1"; shift; [ $# -gt 0 ] && echo "  $*"; failed=1; }
check() { name=$1; shift; if "$@"; then ok "$name"; else notok "$name"; fi; }
# Every file under a lake, relative, sorted (the layout). The ownership epochs under
# _sluice/owners count recoveries (every run makes one), so they are left out.
layout() { (cd "$1" && find . -type f | sed 's|^\./||' | grep -v '^_sluice/owners/' | sort); }

[ -x "$SLUICE" ] || { echo "not ok - land:binary ($SLUICE missing)"; exit 1; }

# ---- usage ----
"$SLUICE" land --help > "$tmp/help" 2>&1
check help_exits_0 [ $? -eq 0 ]
check help_names_options grep -q -- '--dedupe-window' "$tmp/help"
"$SLUICE" land --lake "$tmp/x" 2> "$tmp/err"
check no_source_exits_2 [ $? -eq 2 ]
check no_source_says_so grep -q -- '--from FILE' "$tmp/err"
"$SLUICE" land --from "$FIX.json" 2> "$tmp/err"
check no_lake_exits_2 [ $? -eq 2 ]
"$SLUICE" land --from "$FIX.json" -b localhost:9092 --lake "$tmp/x" 2> /dev/null
check from_and_b_exits_2 [ $? -eq 2 ]
"$SLUICE" land --from "$FIX.json" -t topic --lake "$tmp/x" 2> "$tmp/err"
check kafka_option_with_from_exits_2 [ $? -eq 2 ]
check kafka_option_with_from_says_so grep -q -- "-t needs a Kafka source: use -b" "$tmp/err"
"$SLUICE" land -b localhost:9092 --lake "$tmp/x" 2> "$tmp/err"
check b_without_t_exits_2 [ $? -eq 2 ]
"$SLUICE" land --from "$FIX.json" --lake "$tmp/x" --codec lz4 2> "$tmp/err"
check bad_codec_exits_2 [ $? -eq 2 ]
check bad_codec_named grep -q "lz4" "$tmp/err"
"$SLUICE" land --from "$FIX.json" --lake "$tmp/x" --max-bytes 12Q 2> /dev/null
check bad_size_exits_2 [ $? -eq 2 ]
"$SLUICE" land --from "$tmp/nope.json" --lake "$tmp/x" 2> "$tmp/err"
check missing_input_exits_1 [ $? -eq 1 ]
check missing_input_named grep -q "nope.json" "$tmp/err"
: > "$tmp/afile"
"$SLUICE" land --from "$FIX.json" --lake "$tmp/afile/lake" 2> "$tmp/err"
check lake_under_a_file_exits_1 [ $? -eq 1 ]
"$SLUICE" land --from "$FIX.json" --lake "$tmp/x" --mapping "$tmp/nomapping.json" 2> "$tmp/err"
check missing_mapping_exits_1 [ $? -eq 1 ]
"$SLUICE" land --from "$FIX.json" --lake webhdfs://127.0.0.1:1/lake 2> "$tmp/err" > /dev/null
check unreachable_webhdfs_exits_1 [ $? -eq 1 ]

# ---- the fixture: 7 records, 2 dates, 3 tables ----
"$SLUICE" land --from "$FIX.json" --lake "$tmp/l1" 2> "$tmp/sum1"
check fixture_exits_0 [ $? -eq 0 ]
T=assessment-attempts-SAMPLE-offsets0-4_3278-3279.json
cat > "$tmp/want" <<EOF
_sluice/dedupe/$T/0/00000000000000000000-00000000000000000006.keys
_sluice/manifests/$T/0/00000000000000000000-00000000000000000006.json
assessments/dt=2017-12-20/$T+0+0+6.zstd.parquet
assessments/dt=2018-01-23/$T+0+0+6.zstd.parquet
options/dt=2017-12-20/$T+0+0+6.zstd.parquet
options/dt=2018-01-23/$T+0+0+6.zstd.parquet
questions/dt=2017-12-20/$T+0+0+6.zstd.parquet
questions/dt=2018-01-23/$T+0+0+6.zstd.parquet
EOF
layout "$tmp/l1" > "$tmp/got"
if cmp -s "$tmp/want" "$tmp/got"; then ok fixture_layout; else notok fixture_layout "$(diff "$tmp/want" "$tmp/got")"; fi
check fixture_summary_messages grep -q "landed 7 messages (0 already landed)" "$tmp/sum1"
check fixture_summary_rows grep -Eq "options +117 rows" "$tmp/sum1"
check fixture_manifest_counts [ "$(jq -c '[.messages, .rows.assessments, .rows.questions, .rows.options, (.files|length), .first, .last]' \
    "$tmp/l1/_sluice/manifests/$T/0/00000000000000000000-00000000000000000006.json")" = '[7,7,32,117,6,0,6]' ]

# The three independent readers read every landed file alike, row for row. These
# small files hold zstd pages under 128 bytes, which sluice writes as raw zstd
# blocks (src/parquet/codec.c): every reader must take them.
if [ -d tests/readers/node_modules/hyparquet ] && [ -d tests/readers/node_modules/parquet-wasm ] &&
   [ -d tests/readers/node_modules/@duckdb/node-api ]; then
    mkdir -p "$tmp/r3" "$tmp/r3out"
    i=0
    for f in $(find "$tmp/l1" -name '*.parquet' | sort); do
        i=$((i + 1))
        cp "$f" "$tmp/r3/f$i.parquet"
    done
    for r in duckdb arrow hyparquet; do
        node tests/readers/read.mjs --reader $r --out "$tmp/r3out" "$tmp/r3"/*.parquet > /dev/null 2>&1
    done
    same=0
    for f in "$tmp/r3out"/*.duckdb; do
        b=${f%.duckdb}
        cmp -s "$f" "$b.arrow" && cmp -s "$f" "$b.hyparquet" && same=$((same + 1))
    done
    rows=$(cat "$tmp/r3out"/*.hyparquet 2> /dev/null | grep -c '^\[')
    check fixture_three_readers_agree [ "$i/$same/$rows" = "6/6/$((7 + 32 + 117))" ]
else
    notok fixture_three_readers_agree "npm readers missing in tests/readers (make deps)"
fi

# Again: recognised as landed, nothing new written.
"$SLUICE" land --from "$FIX.json" --lake "$tmp/l1" 2> "$tmp/sum2"
check rerun_exits_0 [ $? -eq 0 ]
check rerun_nothing_new grep -q "landed 0 messages (7 already landed)" "$tmp/sum2"
layout "$tmp/l1" > "$tmp/got2"
check rerun_same_files cmp -s "$tmp/got" "$tmp/got2"

# NDJSON on stdin: topic "stdin", same rows; --quiet prints nothing.
"$SLUICE" land --from - --lake "$tmp/l2" --codec snappy --quiet < "$FIX.jsonl" 2> "$tmp/err2"
check stdin_exits_0 [ $? -eq 0 ]
check quiet_is_quiet [ ! -s "$tmp/err2" ]
check stdin_topic_and_codec [ -f "$tmp/l2/assessments/dt=2018-01-23/stdin+0+0+6.snappy.parquet" ]

# --max-open-files: 6 files (2 dates x 3 tables) over a budget of 3 commit early,
# in more ranges; the same rows land.
"$SLUICE" land --from "$FIX.json" --lake "$tmp/l6" --max-open-files 3 2> "$tmp/sum6"
check max_open_exits_0 [ $? -eq 0 ]
check max_open_same_rows grep -Eq "options +117 rows" "$tmp/sum6"
check max_open_more_commits [ "$(find "$tmp/l6/_sluice/manifests" -name '*.json' | wc -l)" -ge 2 ]
check max_open_manifests_hold_all [ "$(cat "$tmp/l6"/_sluice/manifests/*/0/*.json | jq -s 'map(.messages) | add')" = 7 ]
"$SLUICE" land --from "$FIX.json" --lake "$tmp/l7" --max-open-files 0 2> "$tmp/err7"
check max_open_zero_exits_2 [ $? -eq 2 ]

# ---- bad records are quarantined, the rest lands ----
{
    head -n 2 "$FIX.jsonl"
    echo '{"keen_id": tru'
    echo '[1,2,3]'
    tail -n 1 "$FIX.jsonl"
} > "$tmp/mixed.ndjson"
"$SLUICE" land --from "$tmp/mixed.ndjson" --lake "$tmp/l3" 2> "$tmp/sum3"
check quarantine_exits_0 [ $? -eq 0 ]
check quarantine_counted grep -Eq "quarantined +2" "$tmp/sum3"
check quarantine_folder [ "$(find "$tmp/l3/_quarantine" -name 'mixed.ndjson+0+0+4.zstd.parquet' | wc -l)" -eq 1 ]

# ---- a broken array: what came before lands, the error says where ----
head -c 9000 "$FIX.json" > "$tmp/broken.json"
"$SLUICE" land --from "$tmp/broken.json" --lake "$tmp/l4" 2> "$tmp/err4"
check broken_input_exits_1 [ $? -eq 1 ]
check broken_input_says_where grep -q "broken.json" "$tmp/err4"
check broken_input_lands_before [ "$(ls "$tmp/l4/_sluice/manifests/broken.json/0/" | wc -l)" -eq 1 ]

# ---- generated data: layout, re-run, kill -9, DuckDB answers ----
if ! "$SLUICE" gen --records 3280 > "$tmp/gen.json" 2> "$tmp/generr"; then
    notok gen_available "$(cat "$tmp/generr")"
else
    "$SLUICE" land --from "$tmp/gen.json" --lake "$tmp/g" 2> "$tmp/gsum"
    check gen_exits_0 [ $? -eq 0 ]
    check gen_no_temporary_files [ "$(find "$tmp/g" -name '_tmp*' -o -name '.*tmp' | wc -l)" -eq 0 ]
    bad=$(layout "$tmp/g" | grep -v '^_sluice/' |
        grep -Ev '^(assessments|questions|options)/dt=20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]/gen\.json\+0\+0\+3279\.zstd\.parquet$' | head -3)
    check gen_layout [ -z "$bad" ]
    check gen_summary grep -q "landed 3280 messages (0 already landed)" "$tmp/gsum"
    "$SLUICE" land --from "$tmp/gen.json" --lake "$tmp/g" 2> "$tmp/gsum2"
    check gen_rerun_nothing_new grep -q "landed 0 messages (3280 already landed)" "$tmp/gsum2"

    # Small ranges, killed in the middle, then re-run: still every attempt once.
    "$SLUICE" gen --records 3280 --ndjson > "$tmp/gen.ndjson"
    "$SLUICE" land --from "$tmp/gen.ndjson" --lake "$tmp/k" --max-rows 100 --quiet &
    pid=$!
    # Wait for a few commits, then kill -9 in the middle of the run.
    i=0
    while [ $i -lt 400 ] && [ "$(ls "$tmp/k/_sluice/manifests/gen.ndjson/0" 2> /dev/null | wc -l)" -lt 3 ]; do
        sleep 0.02
        i=$((i + 1))
    done
    kill -9 "$pid" 2> /dev/null
    killed=$?
    wait "$pid" 2> /dev/null
    before=$(ls "$tmp/k/_sluice/manifests/gen.ndjson/0" 2> /dev/null | wc -l)
    echo "# killed after $before commits; $(find "$tmp/k" -name '_tmp*' | wc -l) temporary files left"
    check killed_mid_run [ "$killed" -eq 0 -a "$before" -ge 3 ]
    "$SLUICE" land --from "$tmp/gen.ndjson" --lake "$tmp/k" 2> "$tmp/ksum"
    check killed_then_rerun_exits_0 [ $? -eq 0 ]
    check killed_no_temporary_files [ "$(find "$tmp/k" -name '_tmp*' -o -name '.*tmp' | wc -l)" -eq 0 ]
    msgs=$(cat "$tmp"/k/_sluice/manifests/gen.ndjson/0/*.json | jq -s 'map(.messages) | add')
    check killed_every_message_in_one_manifest [ "$msgs" = 3280 ]

    # `land --from` executes itself again with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (malloc's
    # memory in transparent huge pages: src/cli/main.c): far fewer page faults than with
    # SLUICE_NO_HUGEPAGES=1, the same lake. Where the kernel has huge pages off, only the lake.
    /usr/bin/time -f %R -o "$tmp/faults-huge" "$SLUICE" land --from "$tmp/gen.ndjson" --lake "$tmp/h1" --quiet
    SLUICE_NO_HUGEPAGES=1 /usr/bin/time -f %R -o "$tmp/faults-small" \
        "$SLUICE" land --from "$tmp/gen.ndjson" --lake "$tmp/h2" --quiet
    # A GLIBC_TUNABLES of the user's own (here glibc's default tcache count) is left alone.
    GLIBC_TUNABLES=glibc.malloc.tcache_count=7 /usr/bin/time -f %R -o "$tmp/faults-own" \
        "$SLUICE" land --from "$tmp/gen.ndjson" --lake "$tmp/h3" --quiet
    fh=$(tail -n 1 "$tmp/faults-huge"); fs=$(tail -n 1 "$tmp/faults-small"); fo=$(tail -n 1 "$tmp/faults-own")
    echo "# minor page faults: $fh with huge pages, $fs without, $fo with GLIBC_TUNABLES set"
    if grep -q '\[never\]' /sys/kernel/mm/transparent_hugepage/enabled 2> /dev/null; then
        echo "# transparent huge pages are off on this machine: fault counts not compared"
    else
        check huge_pages_fewer_faults [ "$fh" -gt 0 -a $((fh * 3)) -lt "$fs" ]
        check huge_pages_not_over_own_tunables [ $((fh * 3)) -lt "$fo" ]
    fi
    check huge_pages_same_lake [ "$(layout "$tmp/h1" | grep -v '^_sluice/manifests')" = \
        "$(layout "$tmp/h2" | grep -v '^_sluice/manifests')" ]
    check huge_pages_same_rows [ "$(cat "$tmp"/h1/_sluice/manifests/gen.ndjson/0/*.json | jq -c '.tables')" = \
        "$(cat "$tmp"/h2/_sluice/manifests/gen.ndjson/0/*.json | jq -c '.tables')" ]

    # A 1 MB budget: open row groups' pages go to the spill file (in TMPDIR) and
    # come back when written; the same rows land, nothing is left in TMPDIR, and
    # DuckDB's answers over that lake are checked below too.
    mkdir -p "$tmp/spilldir"
    TMPDIR="$tmp/spilldir" "$SLUICE" land --from "$tmp/gen.json" --lake "$tmp/gs" --max-memory 1M 2> "$tmp/gssum"
    check spill_exits_0 [ $? -eq 0 ]
    check spill_spilled grep -Eq "memory +[0-9.]+ MB of pages spilled" "$tmp/gssum"
    check spill_not_zero [ -z "$(grep -E 'memory +0\.0 MB of pages spilled' "$tmp/gssum")" ]
    check spill_same_rows [ "$(grep -E '^  (assessments|questions|options) ' "$tmp/gssum")" = \
        "$(grep -E '^  (assessments|questions|options) ' "$tmp/gsum")" ]
    check spill_nothing_left [ -z "$(ls -A "$tmp/spilldir")" ]
    TMPDIR="$tmp/nonexistent" "$SLUICE" land --from "$tmp/gen.json" --lake "$tmp/gn" --max-memory 1M 2> "$tmp/gnsum"
    check spill_unusable_tmpdir_still_lands [ $? -eq 0 ]
    check spill_unusable_tmpdir_same_rows [ "$(grep -E '^  (assessments|questions|options) ' "$tmp/gnsum")" = \
        "$(grep -E '^  (assessments|questions|options) ' "$tmp/gsum")" ]
    check spill_unusable_tmpdir_nothing_spilled grep -Eq "memory +0\.0 MB of pages spilled, [1-9]" "$tmp/gnsum"
    check spill_unusable_tmpdir_says_why grep -q "spilling *off (cannot make a spill file in $tmp/nonexistent" "$tmp/gnsum"
    check spill_usable_says_nothing [ -z "$(grep spilling "$tmp/gssum")" ]

    if [ -d tests/readers/node_modules/@duckdb/node-api ]; then
        node tests/e2e/land_check.mjs --raw "$tmp/gen.json" --lake "$tmp/g" --name land || failed=1
        node tests/e2e/land_check.mjs --raw "$tmp/gen.json" --lake "$tmp/gs" --name land_spilled || failed=1
        node tests/e2e/land_check.mjs --raw "$tmp/gen.ndjson" --lake "$tmp/k" --name land_killed || failed=1
    else
        notok duckdb_available "tests/readers/node_modules/@duckdb/node-api missing (make deps)"
    fi
fi

exit $failed
