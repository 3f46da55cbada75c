#!/bin/sh
# tests/e2e/kafka_demo.sh: `sluice demo`: broker, publisher and lander in one process, then
# the report; checks what it says against the lake it leaves behind.
set -u
cd "$(dirname "$0")/../.."
S=${SLUICE:-build/sluice}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - kafka_demo:$1"; }
nok() { echo "not ok - kafka_demo:$1"; fails=$((fails + 1)); }
check() { n=$1; shift; if "$@"; then ok "$n"; else nok "$n"; fi; }
status_is() { want=$1; shift; "$@" > "$T/out" 2> "$T/err"; st=$?; [ "$st" -eq "$want" ] || { echo "# exit $st, wanted $want: $*" >&2; cat "$T/err" >&2; return 1; }; }
has() { grep -q -- "$2" "$T/$1" || { echo "# $1 lacks '$2':" >&2; cat "$T/$1" >&2; return 1; }; }

check help-exit-0 status_is 0 "$S" demo --help
check bad-option-exit-2 status_is 2 "$S" demo --bogus
check bad-records-exit-2 status_is 2 "$S" demo --records 0

check demo-exit-0 status_is 0 "$S" demo --records 500 --seed 3 --lake "$T/lake"
check demo-published has err 'published 500 messages'
check demo-landed has err 'landed 500 messages'
# the generator's duplicates are dropped: the report's attempts = distinct keen_ids
"$S" gen --records 500 --seed 3 --ndjson 2> /dev/null | jq -r .keen_id | sort -u | wc -l > "$T/distinct"
check demo-report-attempts grep -Eq "^ *attempts +$(cat "$T/distinct")\$" "$T/out"
check demo-report-distinct grep -Eq "^ *distinct attempts +$(cat "$T/distinct") " "$T/out"
check demo-lake-has-tables [ -n "$(find "$T/lake/assessments" "$T/lake/questions" "$T/lake/options" -name '*.parquet' | head -n 3)" ]
# an old lake would look already landed: refused
check nonempty-lake-exit-2 status_is 2 "$S" demo --records 10 --lake "$T/lake"
check nonempty-lake-says-why has err 'must not exist or be empty'

[ "$fails" -eq 0 ]
