#!/bin/sh
# inspect.sh: `sluice inspect` end to end. build/tools/pq_sample writes a file with
# sluice's writer whose every value is known (see tests/tools/pq_sample.c); inspect
# must show its metadata (text and --json) and rows (--rows, JSON lines: escapes,
# UTF-8, NaN, -0, pre-1970 timestamps, dates, base64 binary) identically for every
# codec and row-group layout; read another writer's file (DuckDB); and fail cleanly:
# exit 1 with "sluice: inspect: FILE: <problem>" for missing, truncated and corrupt
# files, exit 2 for usage errors, exit 0 for --help.
# Prints "ok - inspect:<check>" / "not ok - inspect:<check>"; exits 1 on any failure.
set -u
cd "$(dirname "$0")/../.."
sluice=build/sluice
tool=build/tools/pq_sample
fail=0
ok() { echo "ok - inspect:$1"; }
notok() { echo "not ok - inspect:$1"; fail=1; }
# check NAME CONDITION...: runs the condition, prints ok/not ok
check() {
    name=$1
    shift
    if "$@"; then ok "$name"; else notok "$name"; fi
}

if [ ! -x "$sluice" ] || [ ! -x "$tool" ]; then
    notok "setup ($sluice or $tool missing: run make)"
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

"$tool" "$tmp/s.parquet" || notok "setup (pq_sample failed)"

# ---- text metadata ----
"$sluice" inspect "$tmp/s.parquet" > "$tmp/text.out" 2> "$tmp/text.err"
check text-exit-0 [ $? -eq 0 ]
has() { grep -qF -- "$1" "$tmp/text.out"; }
check text-rows has "rows:        10"
check text-created-by has "created_by:  sluice version "
check text-kv has "  sluice.mapping = test"
check text-schema-line grep -qE '^  at +timestamp +optional +INT64 +TIMESTAMP\(MICROS,UTC\)$' "$tmp/text.out"
check text-schema-string grep -qE '^  name +string +optional +BYTE_ARRAY +STRING$' "$tmp/text.out"
check text-chunk-id grep -qE '^  id +ZSTD +PLAIN[A-Z_,]* +[0-9]+ +[0-9]+ +10 +0 +0 +9$' "$tmp/text.out"
check text-chunk-at-min-max grep -qF '"1969-12-31T23:59:59.999999Z"  "2018-01-23T14:23:28.082000Z"' "$tmp/text.out"

# ---- JSON metadata ----
"$sluice" inspect --json "$tmp/s.parquet" > "$tmp/meta.json"
check json-exit-0 [ $? -eq 0 ]
jqc() { jq -e "$1" "$tmp/meta.json" > /dev/null 2>&1; }
check json-num-rows jqc '.num_rows == 10 and .size > 100'
check json-columns jqc '[.columns[].name] == ["id","name","ok","score","at","day","raw","n32"]'
check json-types jqc '[.columns[].type] == ["int64","string","boolean","double","timestamp","date","binary","int32"]'
check json-required jqc '[.columns[].required] == [true,false,false,false,false,true,false,false]'
check json-logical jqc '.columns[4].logical == "TIMESTAMP(MICROS,UTC)" and .columns[5].logical == "DATE" and .columns[0].logical == null'
check json-kv jqc '.key_value_metadata == [{"key":"sluice.mapping","value":"test"}]'
check json-chunk-stats jqc '.row_groups[0].columns[1] | .codec == "ZSTD" and .null_count == 1 and .num_values == 10 and .min == "" and .max == "quote\" back\\ nl\n tab\t ctl\u0001"'
check json-chunk-minmax jqc '.row_groups[0].columns[3].min == -0 and .row_groups[0].columns[3].max == 4.5 and .row_groups[0].columns[5].min == "2017-11-21"'
check json-encodings jqc '.row_groups[0].columns[0].encodings | index("PLAIN") != null'

# ---- rows ----
cat > "$tmp/rows.expected" <<'EOF'
{"id":0,"name":"plain","ok":true,"score":0,"at":"2018-01-23T14:23:19.082000Z","day":"2017-11-21","raw":"/wAA","n32":0}
{"id":1,"name":"quote\" back\\ nl\n tab\t ctl\u0001","ok":false,"score":0.5,"at":"2018-01-23T14:23:20.082000Z","day":"2017-11-22","raw":"/wAB","n32":-1}
{"id":2,"name":"héllo 中文 🙂","ok":true,"score":1,"at":"2018-01-23T14:23:21.082000Z","day":"2017-11-23","raw":"/wAC","n32":-2}
{"id":3,"name":null,"ok":null,"score":null,"at":null,"day":"2017-11-24","raw":"/wAD","n32":-3}
{"id":4,"name":"","ok":true,"score":-0,"at":"2018-01-23T14:23:23.082000Z","day":"2017-11-25","raw":"/wAE","n32":-4}
{"id":5,"name":"name-2","ok":false,"score":"NaN","at":"1969-12-31T23:59:59.999999Z","day":"2017-11-26","raw":"/wAF","n32":-5}
{"id":6,"name":"bad�","ok":true,"score":3,"at":"2018-01-23T14:23:25.082000Z","day":"2017-11-27","raw":"/wAG","n32":-6}
{"id":7,"name":"name-1","ok":false,"score":3.5,"at":"2018-01-23T14:23:26.082000Z","day":"2017-11-28","raw":"/wAH","n32":-7}
{"id":8,"name":"name-2","ok":true,"score":4,"at":"2018-01-23T14:23:27.082000Z","day":"2017-11-29","raw":"/wAI","n32":-8}
{"id":9,"name":"name-0","ok":false,"score":4.5,"at":"2018-01-23T14:23:28.082000Z","day":"2017-11-30","raw":"/wAJ","n32":-9}
EOF
"$sluice" inspect --rows 10 "$tmp/s.parquet" > "$tmp/rows.out"
check rows-exit-0 [ $? -eq 0 ]
if cmp -s "$tmp/rows.out" "$tmp/rows.expected"; then ok rows-exact; else
    notok rows-exact
    diff "$tmp/rows.expected" "$tmp/rows.out" | head -20
fi
check rows-valid-json sh -c "jq -c . '$tmp/rows.out' > /dev/null 2>&1"
jq -e -s '.[1].name == "quote\" back\\ nl\n tab\t ctl\u0001" and .[2].name == "h\u00e9llo \u4e2d\u6587 \ud83d\ude42" and .[5].score == "NaN"' "$tmp/rows.out" > /dev/null 2>&1
check rows-json-decodes [ $? -eq 0 ]
"$sluice" inspect --rows 3 "$tmp/s.parquet" > "$tmp/rows3.out"
check rows-limit sh -c "head -n 3 '$tmp/rows.expected' | cmp -s - '$tmp/rows3.out'"
"$sluice" inspect --rows 1000 "$tmp/s.parquet" > "$tmp/rows1000.out"
check rows-more-than-file cmp -s "$tmp/rows1000.out" "$tmp/rows.expected"
"$sluice" inspect --json --rows 2 "$tmp/s.parquet" > "$tmp/both.out"
head -n 1 "$tmp/both.out" > "$tmp/both.meta"
tail -n +2 "$tmp/both.out" > "$tmp/both.rows"
head -n 2 "$tmp/rows.expected" > "$tmp/rows2.expected"
check json-then-rows sh -c "jq -e '.num_rows == 10' '$tmp/both.meta' > /dev/null && cmp -s '$tmp/both.rows' '$tmp/rows2.expected'"

# every codec and many row groups print the same rows
for codec in none snappy gzip zstd; do
    "$tool" --codec "$codec" "$tmp/c-$codec.parquet" &&
        "$sluice" inspect --rows 10 "$tmp/c-$codec.parquet" > "$tmp/c-$codec.out"
    check "rows-codec-$codec" cmp -s "$tmp/c-$codec.out" "$tmp/rows.expected"
done
"$sluice" inspect --json "$tmp/c-none.parquet" | jq -e '.row_groups[0].columns[0].codec == "UNCOMPRESSED"' > /dev/null
check json-codec-none [ $? -eq 0 ]
"$tool" --row-group-bytes 1 "$tmp/rg.parquet" && "$sluice" inspect --rows 10 "$tmp/rg.parquet" > "$tmp/rg.out"
check rows-many-row-groups cmp -s "$tmp/rg.out" "$tmp/rows.expected"
check json-many-row-groups sh -c "'$sluice' inspect --json '$tmp/rg.parquet' | jq -e '(.row_groups | length) == 10 and ([.row_groups[].num_rows] | add) == 10' > /dev/null"

# another writer's file
seed=fuzz/seeds/fuzz_parquet_reader/duckdb-zstd.parquet
if [ -f "$seed" ]; then
    line=$("$sluice" inspect --rows 1 "$seed")
    check duckdb-row [ "$line" = '{"b":true,"i32":-25000,"i64":-7,"d":-3,"f":0,"s":"s0","bin":"AAE=","ts":"2018-01-23T14:23:19.082000Z","dt":"2017-11-21"}' ]
    # format v2 (data pages v2, DELTA_* and BYTE_STREAM_SPLIT encodings), same values
    line=$("$sluice" inspect --rows 1 fuzz/seeds/fuzz_parquet_reader/duckdb-v2-all.parquet)
    check duckdb-v2-row [ "$line" = '{"b":true,"i32":-25000,"i64":-7,"d":-3,"f":0,"s":"s0","bin":"AAE=","ts":"2018-01-23T14:23:19.082000Z","dt":"2017-11-21"}' ]
else
    notok "duckdb-row ($seed missing)"
fi

# ---- failures ----
# expect_fail NAME STATUS MESSAGE ARGS...: inspect ARGS must exit STATUS and print MESSAGE on stderr
expect_fail() {
    name=$1 want=$2 msg=$3
    shift 3
    "$sluice" inspect "$@" > "$tmp/f.out" 2> "$tmp/f.err"
    st=$?
    if [ "$st" -eq "$want" ] && grep -qF -- "$msg" "$tmp/f.err"; then ok "$name"; else
        notok "$name (exit $st, stderr: $(head -c 300 "$tmp/f.err"))"
    fi
}
size=$(wc -c < "$tmp/s.parquet")
head -c $((size - 1)) "$tmp/s.parquet" > "$tmp/trunc.parquet"
expect_fail truncated 1 "sluice: inspect: $tmp/trunc.parquet: not a Parquet file or truncated: bad magic at the end" "$tmp/trunc.parquet"
head -c 100 "$tmp/s.parquet" > "$tmp/trunc100.parquet"
expect_fail truncated-early 1 "sluice: inspect: $tmp/trunc100.parquet: not a Parquet file" "$tmp/trunc100.parquet"
: > "$tmp/empty.parquet"
expect_fail empty 1 "sluice: inspect: $tmp/empty.parquet: not a Parquet file: 0 bytes is too small" "$tmp/empty.parquet"
echo '{"not":"parquet"} padding padding' > "$tmp/json.parquet"
expect_fail not-parquet 1 "not a Parquet file: bad magic at the start" "$tmp/json.parquet"
# the first page header (byte 4) made invalid: the error names column, row group and offset
cp "$tmp/s.parquet" "$tmp/badpage.parquet"
printf '\377' | dd of="$tmp/badpage.parquet" bs=1 seek=4 conv=notrunc 2> /dev/null
expect_fail corrupt-page-header 1 "sluice: inspect: $tmp/badpage.parquet: column 'id' row group 0: page header at offset 4:" --rows 1 "$tmp/badpage.parquet"
# metadata is still shown for it (the footer is intact), rows are not
"$sluice" inspect "$tmp/badpage.parquet" > /dev/null 2>&1
check corrupt-page-metadata-ok [ $? -eq 0 ]
# a footer length larger than the file
cp "$tmp/s.parquet" "$tmp/badfooter.parquet"
printf '\377\377\377\000' | dd of="$tmp/badfooter.parquet" bs=1 seek=$((size - 8)) conv=notrunc 2> /dev/null
expect_fail corrupt-footer-length 1 "footer length 16777215 does not fit in the file" "$tmp/badfooter.parquet"
# footer bytes garbled
cp "$tmp/s.parquet" "$tmp/badmeta.parquet"
flen=$(od -An -tu4 -j $((size - 8)) -N4 "$tmp/badmeta.parquet" | tr -d ' ')
printf '\377\377\377\377' | dd of="$tmp/badmeta.parquet" bs=1 seek=$((size - 8 - flen)) conv=notrunc 2> /dev/null
expect_fail corrupt-footer 1 "sluice: inspect: $tmp/badmeta.parquet: footer: " "$tmp/badmeta.parquet"
expect_fail missing-file 1 "sluice: inspect: $tmp/nope.parquet: No such file or directory" "$tmp/nope.parquet"
expect_fail directory 1 "sluice: inspect: $tmp: is a directory" "$tmp"
expect_fail unknown-option 2 "unknown option" --bogus "$tmp/s.parquet"
expect_fail no-file 2 "missing the Parquet file" --json
expect_fail bad-rows 2 "--rows wants a whole number" --rows -3 "$tmp/s.parquet"
expect_fail two-files 2 "unexpected argument" "$tmp/s.parquet" "$tmp/s.parquet"
"$sluice" inspect --help > "$tmp/help.out" 2>&1
check help-exit-0 [ $? -eq 0 ]
check help-text grep -q "usage: sluice inspect" "$tmp/help.out"

exit $fail
