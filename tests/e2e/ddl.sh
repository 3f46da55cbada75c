#!/bin/sh
# tests/e2e/ddl.sh: `sluice ddl`. The DuckDB dialect is run (tests/e2e/ddl_duckdb.mjs,
# @duckdb/node-api) on a lake landed from `sluice gen --records 3280 --seed 7`: row
# counts per table and the "Learning Git" attempts equal what jq computes from the
# generated file; _quarantine without files is left commented out, and becomes a view
# once bad messages landed; --tenant gives one tenant's rows only. Also the Hive, Spark
# and Trino text for a tenanted local lake and a webhdfs:// lake (locations,
# partitioning, partition discovery) and the usage errors.
# Prints "ok - ddl:<check>"; exits 1 on any failure.
set -u
export LC_ALL=C
cd "$(dirname "$0")/../.."
S=${SLUICE:-build/sluice}
T=$(mktemp -d)
fails=0
cleanup() { rm -rf "$T"; }
trap cleanup EXIT INT TERM
ok() { echo "ok - ddl:$1"; }
nok() { echo "not ok - ddl:$1"; fails=$((fails + 1)); }
check() { n=$1; shift; if "$@"; then ok "$n"; else nok "$n"; fi; }
eq() { [ "$1" = "$2" ] || { echo "# got '$1', want '$2'" >&2; return 1; }; }
has() { grep -qF -- "$2" "$1" || { echo "# $1 lacks '$2'" >&2; return 1; }; }
status_is() { want=$1; shift; "$@" > "$T/out" 2> "$T/err"; st=$?; [ "$st" -eq "$want" ] || { echo "# exit $st, wanted $want: $*" >&2; cat "$T/err" >&2; return 1; }; }
err_has() { grep -q -- "$1" "$T/err" || { echo "# stderr lacks '$1':" >&2; cat "$T/err" >&2; return 1; }; }
duck() { node tests/e2e/ddl_duckdb.mjs "$@"; }

if [ ! -x "$S" ] || ! command -v jq > /dev/null || ! command -v node > /dev/null; then
    nok "setup ($S, jq or node missing)"
    exit 1
fi
have_duckdb=1
[ -d tests/readers/node_modules/@duckdb/node-api ] || have_duckdb=0

# ---- usage errors ----
check usage-no-lake status_is 2 "$S" ddl
check usage-bad-dialect status_is 2 "$S" ddl --lake "$T/x" --dialect mysql
check usage-bad-tenant status_is 2 "$S" ddl --lake "$T/x" --tenant ../b
check usage-bad-tenant-says err_has 'not a tenant id'
check usage-bad-database status_is 2 "$S" ddl --lake "$T/x" --database "a'b"
check usage-duckdb-hdfs status_is 2 "$S" ddl --lake webhdfs://127.0.0.1:1/lake --dialect duckdb
check usage-duckdb-hdfs-says err_has 'DuckDB cannot read HDFS'
check usage-bad-mapping status_is 1 "$S" ddl --lake "$T/x" --mapping "$T/none.json"
check no-lake-created [ ! -e "$T/x" ]

# ---- the lake and what jq says it must hold ----
"$S" gen --records 3280 --seed 7 --ndjson > "$T/gen.ndjson" 2> /dev/null
L=$T/lake
check land status_is 0 "$S" land -q --from "$T/gen.ndjson" --lake "$L"
jq -s 'unique_by(.keen_id)' "$T/gen.ndjson" > "$T/uniq.json"
want_a=$(jq 'length' "$T/uniq.json")
want_q=$(jq '[.[].sequences.questions | length] | add' "$T/uniq.json")
want_o=$(jq '[.[].sequences.questions[].options | length] | add' "$T/uniq.json")
want_git=$(jq '[.[] | select(.exam_name == "Learning Git")] | length' "$T/uniq.json")
check jq-sane [ "$want_a" -gt 3000 ] && [ "$want_a" -lt 3280 ] && [ "$want_git" -gt 100 ]

check duckdb-ddl status_is 0 "$S" ddl --lake "$L" --dialect duckdb
cp "$T/out" "$T/views.sql"
check duckdb-view-text has "$T/views.sql" \
    "CREATE OR REPLACE VIEW \"assessments\" AS SELECT * FROM read_parquet('$(cd "$L" && pwd)/assessments/**/*.parquet', hive_partitioning = true);"
check duckdb-quarantine-commented has "$T/views.sql" "-- _quarantine has no files yet: run this once it has"
if [ "$have_duckdb" -eq 1 ]; then
    duck "$T/views.sql" "SELECT count(*) FROM assessments" "SELECT count(*) FROM questions" \
        "SELECT count(*) FROM options" "SELECT count(*) FROM assessments WHERE exam_name = 'Learning Git'" \
        "SELECT count(DISTINCT dt) > 60 FROM assessments" > "$T/ans" 2> "$T/duck.err"
    check duckdb-runs [ $? -eq 0 ]
    check duckdb-assessments eq "$(sed -n 1p "$T/ans")" "$want_a"
    check duckdb-questions eq "$(sed -n 2p "$T/ans")" "$want_q"
    check duckdb-options eq "$(sed -n 3p "$T/ans")" "$want_o"
    check duckdb-learning-git eq "$(sed -n 4p "$T/ans")" "$want_git"
    check duckdb-dt-partitions eq "$(sed -n 5p "$T/ans")" true
fi

# bad messages: _quarantine gets files and a view (in a schema this time)
printf '{"keen_id": 5}\nnot json\n["x"]\n' > "$T/bad.ndjson"
"$S" land -q --from "$T/bad.ndjson" --lake "$L"
check duckdb-ddl-database status_is 0 "$S" ddl --lake "$L" --dialect duckdb --database lake
cp "$T/out" "$T/views2.sql"
check duckdb-schema has "$T/views2.sql" 'CREATE SCHEMA IF NOT EXISTS "lake";'
check duckdb-quarantine-view has "$T/views2.sql" 'CREATE OR REPLACE VIEW "lake"."_quarantine" AS SELECT'
if [ "$have_duckdb" -eq 1 ]; then
    # "not json" and ["x"] are quarantined for sure; {"keen_id": 5} may land: ask sluice sql
    nq=$("$S" sql --lake "$L" --format csv 'SELECT count(*) FROM _quarantine' | tail -n 1)
    check sql-quarantine-rows [ "$nq" -ge 2 ]
    check duckdb-quarantine-rows eq "$(duck "$T/views2.sql" 'SELECT count(*) FROM lake._quarantine')" "$nq"
    check duckdb-schema-rows eq "$(duck "$T/views2.sql" 'SELECT count(*) FROM lake.assessments')" "$((want_a + 3 - nq))"
fi

# ---- tenants ----
jq -c -s 'to_entries[] | .value + {org: (["acme", "globex", "initech"][.key % 3])}' "$T/gen.ndjson" > "$T/ten.ndjson"
TL=$T/tlake
check land-tenants status_is 0 "$S" land -q --from "$T/ten.ndjson" --lake "$TL" --tenant-from field:org
want_acme=$(jq -s '[.[] | select(.org == "acme")] | unique_by(.keen_id) | length' "$T/ten.ndjson")
check duckdb-tenant-ddl status_is 0 "$S" ddl --lake "$TL" --dialect duckdb --tenant acme
cp "$T/out" "$T/acme.sql"
check duckdb-tenant-path has "$T/acme.sql" "/assessments/tenant=acme/**/*.parquet'"
check duckdb-tenant-no-quarantine eq "$(grep -c _quarantine "$T/acme.sql")" 1
if [ "$have_duckdb" -eq 1 ]; then
    check duckdb-tenant-rows eq "$(duck "$T/acme.sql" "SELECT tenant, count(*) FROM assessments GROUP BY 1")" "acme,$want_acme"
    "$S" ddl --lake "$TL" --dialect duckdb > "$T/all.sql"
    check duckdb-all-tenants eq "$(duck "$T/all.sql" "SELECT count(DISTINCT tenant), count(*) FROM assessments")" \
        "3,$(jq -s '[.[] | [.org, .keen_id]] | unique | length' "$T/ten.ndjson")"
fi

# ---- Hive, Spark, Trino text ----
ABS=$(cd "$TL" && pwd)
"$S" ddl --lake "$TL" --dialect hive --database analytics > "$T/hive.sql"
check hive-external has "$T/hive.sql" 'CREATE EXTERNAL TABLE IF NOT EXISTS `analytics`.`assessments` ('
check hive-partitioned has "$T/hive.sql" 'PARTITIONED BY (`tenant` STRING, `dt` STRING)'
check hive-location has "$T/hive.sql" "LOCATION 'file://$ABS/options';"
check hive-repair has "$T/hive.sql" 'MSCK REPAIR TABLE `analytics`.`_quarantine`;'
check hive-quarantine-dt-only eq "$(grep -c 'PARTITIONED BY (`dt` STRING)' "$T/hive.sql")" 1
check hive-types has "$T/hive.sql" '  `_offset` BIGINT,'
"$S" ddl --lake "$TL" --dialect spark > "$T/spark.sql"
check spark-using has "$T/spark.sql" 'PARTITIONED BY (`tenant`, `dt`)'
check spark-tables eq "$(grep -c '^CREATE TABLE IF NOT EXISTS' "$T/spark.sql")" 4
"$S" ddl --lake "webhdfs://nn1.example:9870,nn2.example:9870/data/lake/" --dialect trino --database hive.web --tenants \
    > "$T/trino.sql" 2> "$T/trino.err"
check trino-location has "$T/trino.sql" "  external_location = 'hdfs://nn1.example/data/lake/assessments',"
check trino-partitioned has "$T/trino.sql" "  partitioned_by = ARRAY['tenant', 'dt']"
check trino-sync has "$T/trino.sql" "CALL hive.system.sync_partition_metadata('web', 'options', 'ADD');"
"$S" ddl --lake "webhdfs://nn1.example:9870/data/lake" --dialect hive --hdfs-uri hdfs://prod --tenant acme \
    > "$T/hive2.sql" 2> /dev/null
check hive-hdfs-uri-tenant has "$T/hive2.sql" "LOCATION 'hdfs://prod/data/lake/questions/tenant=acme';"
check hive-tenant-dt-only eq "$(grep -c 'PARTITIONED BY (`dt` STRING)' "$T/hive2.sql")" 3

[ "$fails" -eq 0 ]
