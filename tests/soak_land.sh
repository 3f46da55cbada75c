#!/bin/sh
# tests/soak_land.sh: `sluice land --from` at scale (run by `make soak` through
# tests/soak.sh, never by the default test run). SOAK_LAND_RECORDS attempts (default
# 1,000,000, about 2.9 GB of NDJSON) are landed once straight through (time, peak RSS),
# then again into a second lake in small ranges with a kill -9 in the middle and a re-run.
# Both lakes are checked with DuckDB against one streaming aggregation of the raw file:
# distinct attempts, no duplicate rows, question and option rows, Learning Git attempts,
# and the same answers from both lakes. Prints "ok - soak_land:NAME" lines.
set -u
export LC_ALL=C
cd "$(dirname "$0")/.."
SLUICE=${SLUICE:-build/sluice}
N=${SOAK_LAND_RECORDS:-1000000}
tmp=${SOAK_TMPDIR:-$(mktemp -d)}
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
failed=0
ok() { echo "ok - soak_land:$1"; }
notok() { echo "not ok - soak_land:$1"; shift; [ $# -gt 0 ] && echo "  $*"; failed=1; }
check() { name=$1; shift; if "$@"; then ok "$name"; else notok "$name"; fi; }
[ -x "$SLUICE" ] || { echo "not ok - soak_land:binary ($SLUICE missing)"; exit 1; }
[ -d tests/readers/node_modules/@duckdb/node-api ] || { echo "not ok - soak_land:duckdb missing (make deps)"; exit 1; }

"$SLUICE" gen --records "$N" --seed 3 --ndjson -o "$tmp/in.ndjson" 2> /dev/null
check generated [ -s "$tmp/in.ndjson" ]
echo "# input: $(wc -c < "$tmp/in.ndjson") bytes, $N records"

/usr/bin/time -o "$tmp/time" -f "%e %U %S %M" "$SLUICE" land --from "$tmp/in.ndjson" --lake "$tmp/a" 2> "$tmp/sum"
check straight_exits_0 [ $? -eq 0 ]
cat "$tmp/sum" | sed 's/^/# /'
awk '{printf "# straight: wall %.1f s, cpu %.1f s, peak RSS %.0f MB\n", $1, $2 + $3, $4 / 1024}' "$tmp/time"

"$SLUICE" land --from "$tmp/in.ndjson" --lake "$tmp/b" --max-rows 50000 --quiet &
pid=$!
i=0
while [ $i -lt 3000 ] && [ "$(ls "$tmp/b/_sluice/manifests/in.ndjson/0" 2> /dev/null | wc -l)" -lt 4 ]; do
    sleep 0.1
    i=$((i + 1))
done
kill -9 "$pid" 2> /dev/null
killed=$?
wait "$pid" 2> /dev/null
echo "# killed after $(ls "$tmp/b/_sluice/manifests/in.ndjson/0" | wc -l) commits"
check killed_mid_run [ "$killed" -eq 0 ]
"$SLUICE" land --from "$tmp/in.ndjson" --lake "$tmp/b" --max-rows 50000 --quiet
check rerun_exits_0 [ $? -eq 0 ]
check no_temporary_files [ "$(find "$tmp/a" "$tmp/b" -name '_tmp*' | wc -l)" -eq 0 ]

cat > "$tmp/check.mjs" <<'JS'
import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/tests/readers/package.json');
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'));
const [raw, a, b] = process.argv.slice(2);
const con = await (await DuckDBInstance.create(':memory:')).connect();
await con.run("SET threads = 1");
const one = async (sql) => (await con.runAndReadAll(sql)).getRowsJson()[0].map(String).join(' ');
const rawAns = await one(`SELECT count(*), sum(nq), sum(nopt), sum(git) FROM (
  SELECT keen_id, any_value(len(sequences.questions)) nq,
         any_value(len(flatten(list_transform(sequences.questions, x -> x.options)))) nopt,
         any_value((exam_name = 'Learning Git')::INT) git
  FROM read_json('${raw}', format = 'newline_delimited', columns = {keen_id: 'VARCHAR', exam_name: 'VARCHAR',
    sequences: 'STRUCT(questions STRUCT(options STRUCT(id VARCHAR)[])[])'}) GROUP BY keen_id)`);
const lake = async (d) => {
  const t = (n) => `read_parquet('${d}/${n}/*/*.parquet')`;
  return one(`SELECT (SELECT count(*) FROM ${t('assessments')}), (SELECT count(*) FROM ${t('questions')}),
                     (SELECT count(*) FROM ${t('options')}),
                     (SELECT count(*) FROM ${t('assessments')} WHERE exam_name = 'Learning Git'),
                     (SELECT count(DISTINCT keen_id) FROM ${t('assessments')})`);
};
console.log(`raw ${rawAns}`);
console.log(`a ${await lake(a)}`);
console.log(`b ${await lake(b)}`);
JS
node "$tmp/check.mjs" "$tmp/in.ndjson" "$tmp/a" "$tmp/b" > "$tmp/answers" 2>&1
sed 's/^/# /' "$tmp/answers"
raw=$(grep '^raw ' "$tmp/answers" | cut -d' ' -f2-)
a=$(grep '^a ' "$tmp/answers" | cut -d' ' -f2-)
b=$(grep '^b ' "$tmp/answers" | cut -d' ' -f2-)
distinct=$(echo "$raw" | cut -d' ' -f1)
check straight_matches_raw [ -n "$raw" -a "$(echo "$a" | cut -d' ' -f1-4)" = "$raw" ]
check straight_no_duplicate_rows [ -n "$distinct" -a "$(echo "$a" | cut -d' ' -f5)" = "$distinct" ]
check killed_matches_raw [ -n "$raw" -a "$(echo "$b" | cut -d' ' -f1-4)" = "$raw" ]
check killed_no_duplicate_rows [ -n "$distinct" -a "$(echo "$b" | cut -d' ' -f5)" = "$distinct" ]
exit $failed
