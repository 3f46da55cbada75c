#!/bin/sh
# tests/e2e/kafka_bad_messages.sh: bad messages in a topic (published with `sluice publish
# --send-invalid` and with `kcat -P`) are quarantined with their bytes, key, reason and
# topic/partition/offset in the _quarantine table; the good ones around them land; the
# consumer never stalls on them (a --once run finishes under `timeout`). Kinds: not JSON,
# truncated JSON, invalid UTF-8, nesting deeper than the parser's limit, not an object,
# required field missing, a timestamp that is not one, an empty message, a NULL (tombstone)
# message, and 2 MB messages (one not JSON, one a valid record with a 2 MB exam name) sent
# with raised limits (-X message.max.bytes on publish, max.partition.fetch.bytes on land).
# The built-in assessments mapping; every lake checked by tests/tools/lake_check.
set -u
cd "$(dirname "$0")/../.."
S=${SLUICE:-build/sluice}
LC=${LAKE_CHECK:-build/tools/lake_check}
T=$(mktemp -d)
fails=0
bpid=""
cleanup() {
    [ -n "$bpid" ] && kill "$bpid" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ok() { echo "ok - kafka_bad_messages:$1"; }
nok() { echo "not ok - kafka_bad_messages:$1"; fails=$((fails + 1)); }
check() { n=$1; shift; if "$@"; then ok "$n"; else nok "$n"; fi; }
wait_line() { i=0; while [ ! -s "$1" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done; [ -s "$1" ]; }
# sql QUERY: the lake's answer as CSV without the header line.
sql() { "$S" sql --lake "$T/lake" --format csv "$1" | tail -n +2; }
# hexof FILE: its bytes as upper-case hex (as SQLite's hex()).
hexof() { od -An -v -tx1 "$1" | tr -d ' \n' | tr a-f A-F; }
# lakecheck ARGS: tests/tools/lake_check on the lake, output shown as comments.
lakecheck() { "$LC" --lake "$T/lake" "$@" > "$T/check" 2>&1; st=$?; sed 's/^/# /' "$T/check"; [ $st -eq 0 ]; }

[ -x "$LC" ] || { echo "not ok - kafka_bad_messages:lake_check-built ($LC missing: make)"; exit 1; }
"$S" broker --topic bad --topic big --partitions 1 > "$T/broker.out" 2> "$T/broker.err" &
bpid=$!
check broker-up wait_line "$T/broker.out"
BS=$(head -n 1 "$T/broker.out")
"$S" gen --records 403 --seed 21 --no-duplicates --ndjson -o "$T/good.jsonl" 2> /dev/null
good() { sed -n "$1p" "$T/good.jsonl"; }
id() { good "$1" | jq -r .keen_id; }

# ---- topic bad (one partition: offsets follow the order sent) ----
# offset KIND: one message per line of bad.jsonl (sent by sluice publish --send-invalid)
{
    good 1                                                      # 0 good
    echo 'not json'                                             # 1
    echo '{"no_keen_id":1}'                                     # 2 required field missing
    echo '[1,2]'                                                # 3 not an object
    echo '"str"'                                                # 4 not an object
    printf '{"keen_id":"\377\376"}\n'                           # 5 invalid UTF-8
    good 2 | sed 's/"started_at":"[^"]*"/"started_at":"yesterday"/'   # 6 not a timestamp
    awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["; print "" }' # 7 nesting too deep
    echo '{"keen_id":"x","exam_name":"cut'                      # 8 truncated
    good 3                                                      # 9 good
} > "$T/bad.jsonl"
"$S" publish -b "$BS" -t bad --send-invalid "$T/bad.jsonl" 2> "$T/pub.err"
check send-invalid-exit-0 [ $? -eq 0 ]
check send-invalid-counted grep -q '4 invalid JSON record(s) sent as they are' "$T/pub.err"
# 10: empty value with a key, 11: NULL value (tombstone) with a key, 12: a record with a key
printf 'k-empty:\n' | kcat -P -b "$BS" -t bad -p 0 -K:
printf 'k-null:\n' | kcat -P -b "$BS" -t bad -p 0 -K: -Z
printf 'k-good:{"keen_id":"kcat-1","started_at":"2018-01-02T03:04:05.678Z"}\n' | kcat -P -b "$BS" -t bad -p 0 -K:
check kcat-sent [ "$(kcat -C -b "$BS" -t bad -e -o beginning -q -f '%o\n' | wc -l)" -eq 13 ]

# ---- topic big: 2 MB messages (one partition) ----
head -c 2000000 /dev/zero | tr '\0' 7 > "$T/2mb"
{ printf '{"keen_id":"big","exam_name":"'; cat "$T/2mb"; echo; } > "$T/big.jsonl"     # 0: 2 MB, not JSON (unterminated)
good 4 | jq -c --rawfile x "$T/2mb" '.exam_name = $x' >> "$T/big.jsonl"               # 1: 2 MB record
good 5 >> "$T/big.jsonl"                                                             # 2: after them, a small one
check big-publish-raised-limit-exit-0 "$S" publish -q -b "$BS" -t big --send-invalid -X message.max.bytes=3000000 "$T/big.jsonl"

# ---- topic mix: 398 good records with 199 bad ones among them (4 partitions, auto-created) ----
awk 'NR > 5 { print; if (NR % 2 == 0) { n++; print (n % 2 ? "{broken" : "{\"no_keen_id\":" n "}") } }' \
    "$T/good.jsonl" > "$T/mix.jsonl"
check mix-publish-exit-0 "$S" publish -q -b "$BS" -t mix -k keen_id --send-invalid "$T/mix.jsonl" 2> "$T/mix.err"

# ---- land all three; a stall would hit the timeout ----
timeout 120 "$S" land -b "$BS" -t bad,big,mix -g g1 --lake "$T/lake" --once -X session.timeout.ms=6000 \
    -X max.partition.fetch.bytes=3000000 > /dev/null 2> "$T/land.err"
st=$?
check land-once-finishes-exit-0 [ "$st" -eq 0 ]
[ "$st" -eq 0 ] || sed 's/^/# /' "$T/land.err"
check land-summary-quarantined grep -q 'quarantined *210$' "$T/land.err"

# topic bad: each bad offset in _quarantine with the reason, the good ones in assessments
sql "SELECT _offset, reason FROM _quarantine WHERE _topic = 'bad' AND _partition = 0 ORDER BY _offset" > "$T/q.csv"
sed 's/^/# /' "$T/q.csv"
reason_is() { grep "^$1," "$T/q.csv" | grep -q -- "$2"; }
check bad-not-json reason_is 1 'invalid JSON: invalid literal at line 1, column 1'
check bad-required-missing reason_is 2 'keen_id: missing'
check bad-array reason_is 3 'not a JSON object (got an array)'
check bad-string reason_is 4 'not a JSON object'
check bad-utf8 reason_is 5 'invalid UTF-8 at line 1, column 13'
check bad-timestamp reason_is 6 'started_at: expected a timestamp.*yesterday'
check bad-too-deep reason_is 7 'nesting deeper than'
check bad-truncated reason_is 8 'invalid JSON'
check bad-empty reason_is 10 'empty message'
check bad-null reason_is 11 'empty message'
check bad-only-these [ "$(cut -d, -f1 "$T/q.csv" | tr '\n' ' ')" = "1 2 3 4 5 6 7 8 10 11 " ]
# the payloads are the bytes sent, the keys the keys sent
i=2
while [ $i -le 9 ]; do
    sed -n "${i}p" "$T/bad.jsonl" | tr -d '\n' > "$T/line"
    [ "$(sql "SELECT hex(payload) FROM _quarantine WHERE _topic = 'bad' AND _offset = $((i - 1))")" = "$(hexof "$T/line")" ] ||
        { echo "# offset $((i - 1)): payload differs from the line sent"; break; }
    i=$((i + 1))
done
check bad-payloads-as-sent [ $i -eq 10 ]
check bad-empty-payload-and-key [ "$(sql "SELECT length(payload), CAST(key AS TEXT) FROM _quarantine WHERE _topic = 'bad' AND _offset IN (10, 11) ORDER BY _offset" | tr '\n' ' ')" = "0,k-empty 0,k-null " ]
check bad-good-ones-landed [ "$(sql "SELECT _offset, keen_id FROM assessments WHERE _topic = 'bad' ORDER BY _offset" | tr '\n' ' ')" = "0,$(id 1) 9,$(id 3) 12,kcat-1 " ]
check bad-exactly-once lakecheck --topic bad --tables assessments --messages 13 --quarantined 10 --duplicates 0

# topic big
check big-invalid-quarantined [ "$(sql "SELECT _offset, length(payload) FROM _quarantine WHERE _topic = 'big'")" = "0,2000030" ]
check big-record-landed [ "$(sql "SELECT _offset, keen_id, length(exam_name) FROM assessments WHERE _topic = 'big' ORDER BY _offset" | tr '\n' ' ')" = "1,$(id 4),2000000 2,$(id 5),$(good 5 | jq -r '.exam_name | length') " ]
check big-exactly-once lakecheck --topic big --tables assessments --messages 3 --quarantined 1 --duplicates 0

# topic mix
check mix-exactly-once lakecheck --topic mix --tables assessments --messages 597 --quarantined 199 --duplicates 0 --partitions 4
check mix-every-good-record [ "$(sql "SELECT count(DISTINCT keen_id), count(*) FROM assessments WHERE _topic = 'mix'")" = "398,398" ]
check mix-reasons [ "$(sql "SELECT count(*) FROM _quarantine WHERE _topic = 'mix' AND (reason LIKE 'invalid JSON:%' OR reason LIKE 'keen_id: missing%')")" = 199 ]

[ "$fails" -eq 0 ]
