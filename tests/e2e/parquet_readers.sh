#!/bin/sh
# parquet_readers.sh: files written by sluice's Parquet writer must read back exactly, through
# three independent implementations: DuckDB (C++), arrow-rs (Rust, as WebAssembly via
# parquet-wasm) and hyparquet (JavaScript).
#
# build/tools/pq_testfiles writes the coverage files (every type, extreme values, nulls
# everywhere and nowhere, empty/long/non-ASCII strings, a column all null, dictionary overflow
# to PLAIN, several row groups and pages, every codec, zero rows, a million rows, INT96) and,
# for each, the canonical text the readers must print and the footer facts DuckDB must report.
# For each file and reader this prints `ok - parquet_readers:<file>:<reader>` or `not ok - ...`
# (with the first differing lines), then the footer checks `...:<file>:meta`, and the
# encoding/page checks. Exits non-zero on any failure. Builds nothing (make test builds first).
#
# Environment: PQ_READERS_BIG_ROWS (default 1000000) rows in the 'million' file;
# PQ_TESTFILES another pq_testfiles binary; PQ_READERS_KEEP=1 keeps the temporary folder.
set -u
cd "$(dirname "$0")/../.."
root=$(pwd)
fail=0
tool=${PQ_TESTFILES:-build/tools/pq_testfiles}
readers=tests/readers

ok() { echo "ok - parquet_readers:$1"; }
notok() { echo "not ok - parquet_readers:$1"; fail=1; }

if [ ! -x "$tool" ]; then
    notok "setup ($tool is missing: run make)"
    exit 1
fi
if [ ! -d "$readers/node_modules/@duckdb/node-api" ] || [ ! -d "$readers/node_modules/parquet-wasm" ] ||
   [ ! -d "$readers/node_modules/hyparquet" ]; then
    notok "setup (npm packages missing in $readers: run make deps)"
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sluice-pqr.XXXXXX")
if [ "${PQ_READERS_KEEP:-0}" = 1 ]; then
    echo "# keeping $tmp"
else
    trap 'rm -rf "$tmp"' EXIT
    trap 'exit 130' INT TERM
fi

if ! "$tool" --big-rows "${PQ_READERS_BIG_ROWS:-1000000}" "$tmp" > "$tmp/cases" 2> "$tmp/generate.err"; then
    notok "generate"
    cat "$tmp/generate.err"
    exit 1
fi
ok "generate ($(wc -l < "$tmp/cases") files)"

# skip_reason FILE READER: prints why READER cannot read FILE, for genuine reader limits only.
skip_reason() {
    case "$1:$2" in
        # (none at present: all three readers read every file, INT96 included)
        *) return 1 ;;
    esac
}

# compare NAME WHAT EXPECTED ACTUAL ERRFILE: one ok/not ok line; on a mismatch shows the first
# differing lines (cut to 300 characters); a reader error shows the error.
compare() {
    name=$1; what=$2; exp=$3; act=$4; err=$5
    if [ -s "$err" ]; then
        notok "$name:$what (read error)"
        head -c 2000 "$err"
    elif [ ! -f "$act" ]; then
        notok "$name:$what (no output)"
    elif cmp -s "$exp" "$act"; then
        ok "$name:$what"
    else
        notok "$name:$what (output differs from $(basename "$exp"))"
        diff "$exp" "$act" | head -n 8 | cut -c 1-300
    fi
    rm -f "$act"
}

out=$tmp/out
mkdir -p "$out"
files=$(sed "s|.*|$tmp/&.parquet|" "$tmp/cases")
# One process per reader for all files: starting DuckDB or compiling arrow-rs takes seconds.
for r in duckdb arrow hyparquet; do
    # shellcheck disable=SC2086
    node "$readers/read.mjs" --reader "$r" --out "$out" $files > /dev/null 2> "$tmp/$r.stderr"
    while read -r name; do
        if why=$(skip_reason "$name" "$r"); then
            ok "$name:$r # SKIP $why"
            continue
        fi
        compare "$name" "$r" "$tmp/$name.expected" "$out/$name.$r" "$out/$name.$r.err"
    done < "$tmp/cases"
done

# Footer facts and statistics as DuckDB reports them (parquet_file_metadata, parquet_metadata).
metafiles=$(for n in $(cat "$tmp/cases"); do [ -f "$tmp/$n.meta" ] && echo "$tmp/$n.parquet"; done)
# shellcheck disable=SC2086
node "$readers/meta.mjs" --out "$out" $metafiles 2> "$tmp/meta.stderr"
while read -r name; do
    [ -f "$tmp/$name.meta" ] || continue
    grep -F "$name.parquet" "$tmp/meta.stderr" > "$tmp/meta.err"
    compare "$name" meta "$tmp/$name.meta" "$out/$name.meta-duckdb" "$tmp/meta.err"
done < "$tmp/cases"

# Page layout, read with hyparquet's page-header decoder: pages exactly fill each chunk and
# their value counts add up; data page v1 only; a dictionary page only as the first page.
# shellcheck disable=SC2086
node "$readers/pages.mjs" --out "$tmp" $files 2> "$tmp/pages.stderr"
while read -r name; do
    if [ ! -f "$tmp/$name.pages" ]; then
        notok "$name:pages (pages.mjs failed)"
        grep -F "$name.parquet" "$tmp/pages.stderr"
        continue
    fi
    bad=$(jq -r 'select(.[3] != "ok" or (.[2] | map(startswith("V1")) | any | not)
                 or (.[2] | map(startswith("V1") or startswith("DICT")) | all | not)
                 or (.[2][1:] | map(startswith("DICT")) | any))
                 | "rg \(.[0]) \(.[1]): \(.[2] | .[0:6] | join(" ")) \(.[3])"' "$tmp/$name.pages" | head -n 5)
    if [ -z "$bad" ]; then ok "$name:pages"; else notok "$name:pages"; echo "$bad"; fi
done < "$tmp/cases"

# pages_of NAME COLUMN: the page list of COLUMN's chunks in NAME, one line per row group.
pages_of() { jq -r --arg c "$2" 'select(.[1] == $c) | .[2] | join(" ")' "$tmp/$1.pages"; }

# The dictionary outgrew dict_max_bytes: dictionary page, dictionary-encoded pages, then PLAIN.
p=$(pages_of dict_overflow s)
case "$p" in
    DICT:*" V1:"*"_DICTIONARY:"*" V1:PLAIN:"*) ok "dict_overflow:fallback_to_plain" ;;
    *) notok "dict_overflow:fallback_to_plain (pages of s: $(echo "$p" | cut -c 1-300))" ;;
esac
for c in s i64 d i32; do
    p=$(pages_of dict_overflow "$c")
    case "$p" in
        *V1:PLAIN:*) ok "dict_overflow:$c:plain_pages" ;;
        *) notok "dict_overflow:$c:plain_pages (pages: $(echo "$p" | cut -c 1-300))" ;;
    esac
done
if grep -q '"DICT:' "$tmp/all_types_plain.pages"; then
    notok "all_types_plain:no_dictionary (a dictionary page with the dictionary disabled)"
else
    ok "all_types_plain:no_dictionary"
fi
case "$(pages_of all_types_zstd s_req)" in
    DICT:*) ok "all_types_zstd:dictionary" ;;
    *) notok "all_types_zstd:dictionary (s_req has no dictionary page)" ;;
esac
# Several pages per chunk: multi_rg uses 1 KiB pages.
few=$(jq -r 'select(.[1] == "id" and (.[2] | map(select(startswith("V1"))) | length) < 2) | .[0]' \
      "$tmp/multi_rg.pages")
rgs=$(jq -r 'select(.[1] == "id") | .[0]' "$tmp/multi_rg.pages" | wc -l)
if [ -z "$few" ] && [ "$rgs" -ge 3 ]; then
    ok "multi_rg:row_groups_and_pages ($rgs row groups, each with several pages)"
else
    notok "multi_rg:row_groups_and_pages ($rgs row groups; single-page id chunks in row groups: $few)"
fi

cd "$root"
exit $fail
