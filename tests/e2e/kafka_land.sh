#!/bin/sh
# tests/e2e/kafka_land.sh: `sluice land -b` against the embedded broker: lands every
# record exactly once (checked row by row from the Parquet files), resumes from the
# lake (not from Kafka's offsets), survives kill -9 and a second member joining the
# group, stops cleanly on SIGTERM, copies quarantined messages to a dead-letter topic
# and writes --stats-json.
set -u
cd "$(dirname "$0")/../.."
S=${SLUICE:-build/sluice}
T=$(mktemp -d)
fails=0
bpid=""
lpid=""
cleanup() {
    [ -n "$lpid" ] && kill -9 "$lpid" 2>/dev/null
    [ -n "$bpid" ] && kill "$bpid" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
ok() { echo "ok - kafka_land:$1"; }
nok() { echo "not ok - kafka_land:$1"; fails=$((fails + 1)); }
check() { n=$1; shift; if "$@"; then ok "$n"; else nok "$n"; fi; }
status_is() { want=$1; shift; "$@" > "$T/out" 2> "$T/err"; st=$?; [ "$st" -eq "$want" ] || { echo "# exit $st, wanted $want: $*" >&2; cat "$T/err" >&2; return 1; }; }
err_has() { grep -q -- "$1" "$T/err" || { echo "# stderr lacks '$1':" >&2; cat "$T/err" >&2; return 1; }; }
wait_line() { i=0; while [ ! -s "$1" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done; [ -s "$1" ]; }
# ids TABLE: "keen_id" of every row of TABLE in the lake, one per line (sorted), read back
# from the Parquet files by `sluice sql`.
ids() { "$S" sql --lake "$T/lake" --format csv "SELECT keen_id FROM $1" | tail -n +2 | sort; }
# same_ids: the lake's assessments are exactly the distinct keen_ids published so far.
same_ids() {
    ids assessments > "$T/got"
    sort -u "$T/want" > "$T/want.u"
    if cmp -s "$T/got" "$T/want.u"; then return 0; fi
    echo "# lake has $(wc -l < "$T/got") rows ($(sort -u "$T/got" | wc -l) distinct), want $(wc -l < "$T/want.u")" >&2
    return 1
}
# publish SEED N: generates N records, publishes them keyed, remembers their keen_ids.
publish() {
    "$S" gen --records "$2" --seed "$1" --ndjson -o "$T/in.jsonl" 2> /dev/null &&
    jq -r .keen_id "$T/in.jsonl" >> "$T/want" &&
    "$S" publish -q -b "$BS" -t att -k user_exam_id "$T/in.jsonl"
}
# land GROUP [ARGS]: lands the topic (short session timeout: fast group joins against the
# mock broker). Background runs call "$S" directly so that $! is sluice itself.
land() { g=$1; shift; "$S" land -b "$BS" -t att -g "$g" --lake "$T/lake" -X session.timeout.ms=6000 "$@"; }

check usage-no-topic status_is 2 "$S" land -b 127.0.0.1:1 --lake "$T/lake"
check usage-bad-X status_is 2 "$S" land -b 127.0.0.1:1 -t x --lake "$T/lake" -X nope.nope=1 --once
check usage-bad-X-verbatim err_has 'No such configuration property: "nope.nope"'

"$S" broker --topic att --topic dlt --topic bad --partitions 2 > "$T/broker.out" 2> "$T/broker.err" &
bpid=$!
check broker-up wait_line "$T/broker.out"
BS=$(head -n 1 "$T/broker.out")
: > "$T/want"

# ---- land once, then again: the second run lands nothing (resumes from the lake) ----
check publish-1 publish 1 200
check once-exit-0 status_is 0 land g1 --once --stats-json "$T/stats.json"
check once-summary err_has 'landed 200 messages'
check once-summary-assignment err_has 'first assignment     after'
check once-exactly-once same_ids
check stats-json-final [ "$(jq -r '.final' "$T/stats.json")" = true ]
check stats-json-read [ "$(jq -r '.messages_read' "$T/stats.json")" -eq 200 ]
check stats-json-landed [ "$(jq -r '.landed' "$T/stats.json")" -eq 200 ]
check stats-json-tables [ "$(jq -r '.tables.assessments' "$T/stats.json")" -eq "$(sort -u "$T/want" | wc -l)" ]
# the group join apart: the first assignment came after the start and before the end
check stats-json-first-assignment [ "$(jq -r '.first_assignment_s > 0 and .first_assignment_s <= .elapsed_s' "$T/stats.json")" = true ]
# a new group has no Kafka offsets: the lake's manifests still say where to resume
check rerun-new-group-exit-0 status_is 0 land g2 --once
check rerun-lands-nothing err_has 'landed 0 messages'

# ---- kill -9 in the middle, then finish: still exactly once ----
check publish-2 publish 2 300
"$S" land -b "$BS" -t att -g g3 --lake "$T/lake" -X session.timeout.ms=6000 --max-rows 60 --quiet \
    --stats-json "$T/s3.json" > /dev/null 2>&1 &
lpid=$!
i=0
while [ $i -lt 300 ] && ! { [ -s "$T/s3.json" ] && [ "$(jq -r '.commits' "$T/s3.json")" -gt 1 ]; }; do
    sleep 0.1; i=$((i + 1))
done
kill -9 "$lpid"
wait "$lpid" 2>/dev/null
lpid=""
check crashed-mid-run [ "$(jq -r '.final' "$T/s3.json")" = false ]
check after-crash-exit-0 status_is 0 land g3 --once

# ---- two members of one group share the partitions: exactly once ----
check publish-3 publish 3 200
"$S" land -b "$BS" -t att -g g4 --lake "$T/lake" -X session.timeout.ms=6000 --once --max-rows 50 \
    > "$T/m1.out" 2> "$T/m1.err" &
m1=$!
sleep 1
"$S" land -b "$BS" -t att -g g4 --lake "$T/lake" -X session.timeout.ms=6000 --once --max-rows 50 \
    > "$T/m2.out" 2> "$T/m2.err" &
m2=$!
wait $m1; s1=$?
wait $m2; s2=$?
check two-members-exit-0 [ "$s1$s2" = 00 ]
# both members took part: each landed some messages
both_assigned() { grep -q 'assigned [0-9]' "$T/m1.err" && grep -q 'assigned [0-9]' "$T/m2.err"; }
check two-members-shared both_assigned

# ---- SIGTERM: commits what was read and exits 0 ----
check publish-4 publish 4 100
"$S" land -b "$BS" -t att -g g5 --lake "$T/lake" -X session.timeout.ms=6000 --stats-json "$T/s5.json" \
    > /dev/null 2> "$T/l5.err" &
lpid=$!
i=0
while [ $i -lt 300 ]; do
    [ -s "$T/s5.json" ] && [ "$(jq -r '.lag' "$T/s5.json")" = 0 ] && [ "$(jq -r '.messages_read' "$T/s5.json")" -gt 0 ] && break
    sleep 0.2; i=$((i + 1))
done
kill -TERM "$lpid"
wait "$lpid"; st=$?
lpid=""
check sigterm-exit-0 [ "$st" -eq 0 ]
check sigterm-final-stats [ "$(jq -r '.final' "$T/s5.json")" = true ]
# everything published so far (four batches, a crash, a rebalance, a stop) landed once
check all-exactly-once same_ids

# ---- SIGTERM before the first assignment: waits for it, then leaves cleanly ----
# (librdkafka < 2.3 can abort closing a cooperative-sticky member mid-join)
"$S" land -b "$BS" -t att -g g5early --lake "$T/lake" -X session.timeout.ms=6000 > /dev/null 2> "$T/l5e.err" &
lpid=$!
sleep 0.3
kill -TERM "$lpid"
wait "$lpid"; st=$?
lpid=""
check sigterm-early-exit-0 [ "$st" -eq 0 ]
check sigterm-early-waited grep -q "waiting for the group's first assignment" "$T/l5e.err"
check sigterm-early-then-assigned grep -q "assigned 2 partition(s)" "$T/l5e.err"
check sigterm-early-exactly-once same_ids

# ---- dead-letter topic ----
printf '{"no_keen_id":1}\nnot json\n' > "$T/bad.jsonl"
"$S" publish -q -b "$BS" -t bad --send-invalid "$T/bad.jsonl" 2> /dev/null
check dlt-exit-0 status_is 0 "$S" land -b "$BS" -t bad -g g6 --lake "$T/lake2" --once -X session.timeout.ms=6000 --dead-letter-topic dlt
check dlt-quarantined err_has 'quarantined *2'
kcat -C -b "$BS" -t dlt -e -o beginning -q -f '%s|%h\n' > "$T/dlt"
check dlt-has-both [ "$(wc -l < "$T/dlt")" -eq 2 ]
check dlt-reason-header grep -q '^not json|.*sluice.reason=.*sluice.origin=bad/' "$T/dlt"

[ "$fails" -eq 0 ]
