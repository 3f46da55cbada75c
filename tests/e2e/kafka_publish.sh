#!/bin/sh
# tests/e2e/kafka_publish.sh: `sluice broker` + `sluice publish`, read back with kcat.
# Checks the records arrive compact and unchanged, keyed, in order per key, with the
# tenant header; that refusals, size limits and unreachable brokers give the right
# messages and exit statuses; and the broker's fault-injection channel.
set -u
cd "$(dirname "$0")/../.."
S=${SLUICE:-build/sluice}
FIX=tests/fixtures/assessment-attempts-SAMPLE-offsets0-4_3278-3279
T=$(mktemp -d)
TAB=$(printf '\t')
fails=0
bpid=""
cpid=""
cleanup() {
    [ -n "$bpid" ] && kill "$bpid" 2>/dev/null
    [ -n "$cpid" ] && kill "$cpid" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

ok() { echo "ok - kafka_publish:$1"; }
nok() { echo "not ok - kafka_publish:$1"; fails=$((fails + 1)); }
# check NAME CMD...: ok when CMD succeeds.
check() { n=$1; shift; if "$@"; then ok "$n"; else nok "$n"; fi; }
# status_is WANT CMD...: runs CMD (stdout/stderr to $T/out, $T/err), true when it exits WANT.
status_is() { want=$1; shift; "$@" > "$T/out" 2> "$T/err"; st=$?; [ "$st" -eq "$want" ] || { echo "# exit $st, wanted $want: $*" >&2; cat "$T/err" >&2; return 1; }; }
err_has() { grep -q -- "$1" "$T/err" || { echo "# stderr lacks '$1':" >&2; cat "$T/err" >&2; return 1; }; }
# wait_line FILE: waits up to 15 s for FILE to hold a first line.
wait_line() { i=0; while [ ! -s "$1" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done; [ -s "$1" ]; }
# consume TOPIC: every message of TOPIC as "key<TAB>value" lines.
consume() { kcat -C -b "$BS" -t "$1" -e -o beginning -q -f '%k\t%s\n'; }
# by_key FILE: stable sort on the key column (keeps each key's order).
by_key() { sort -s -t "$TAB" -k1,1 "$1"; }

# ---- usage ----
check help-exit-0 status_is 0 "$S" publish --help
check help-lists-options grep -q -- '--send-invalid' "$T/out"
check broker-help-exit-0 status_is 0 "$S" broker --help
check bad-option-exit-2 status_is 2 "$S" publish --bogus -b x -t y
check missing-topic-exit-2 status_is 2 "$S" publish -b 127.0.0.1:1 "$FIX.json"
check bad-tenant-exit-2 status_is 2 "$S" publish -b 127.0.0.1:1 -t x --tenant 'Acme!' "$FIX.json"
check bad-X-exit-2 status_is 2 "$S" publish -b 127.0.0.1:1 -t x -X no.such.thing=1 "$FIX.json"
check bad-X-verbatim err_has 'No such configuration property: "no.such.thing"'
check bad-X-combination-exit-2 status_is 2 "$S" publish -b 127.0.0.1:1 -t x -X acks=1 "$FIX.json"
check broker-bad-option-exit-2 status_is 2 "$S" broker --brokers 0

# ---- a broker ----
"$S" broker --topic arr --topic nd --topic pretty --topic gen --topic gennd --partitions 4 \
    > "$T/broker.out" 2> "$T/broker.err" &
bpid=$!
check broker-prints-bootstrap wait_line "$T/broker.out"
BS=$(head -n 1 "$T/broker.out")
case $BS in 127.0.0.1:*,127.0.0.1:*,127.0.0.1:*) ok broker-three-brokers ;; *) nok broker-three-brokers ;; esac

# Expected "key<TAB>record" lines for the fixture, from its NDJSON twin (compact, one per line).
jq -r '.user_exam_id' "$FIX.jsonl" > "$T/keys"
paste "$T/keys" "$FIX.jsonl" > "$T/fix.tsv"

check array-exit-0 status_is 0 "$S" publish -b "$BS" -t arr -k user_exam_id "$FIX.json"
check array-summary err_has '7 messages .* 7 delivered, 0 failed'
consume arr > "$T/arr.tsv"
check array-same-records-keys-order cmp -s "$(by_key "$T/fix.tsv" > "$T/a"; echo "$T/a")" \
    "$(by_key "$T/arr.tsv" > "$T/b"; echo "$T/b")"

check ndjson-tenant-exit-0 status_is 0 "$S" publish -b "$BS" -t nd -k user_exam_id --tenant acme_1 "$FIX.jsonl"
kcat -C -b "$BS" -t nd -e -o beginning -q -f '%h\n' > "$T/hdrs"
check ndjson-tenant-header [ "$(grep -c '^tenant=acme_1$' "$T/hdrs")" -eq 7 ]
consume nd > "$T/nd.tsv"
by_key "$T/nd.tsv" > "$T/b"
check ndjson-same-records cmp -s "$T/a" "$T/b"

# Pretty-printed array (multi-line records) arrives compact, byte for byte.
jq . "$FIX.json" > "$T/pretty.json"
check pretty-exit-0 status_is 0 "$S" publish -b "$BS" -t pretty -k user_exam_id "$T/pretty.json"
consume pretty > "$T/pretty.tsv"
by_key "$T/pretty.tsv" > "$T/b"
check pretty-compacted cmp -s "$T/a" "$T/b"

# ---- generated data: thousands of records, array file and NDJSON on stdin ----
if "$S" gen --help > /dev/null 2>&1; then
    "$S" gen --records 3000 --seed 11 -o "$T/gen.json" 2> /dev/null
    "$S" gen --records 3000 --seed 11 --ndjson -o "$T/gen.jsonl" 2> /dev/null
    jq -r '.user_exam_id' "$T/gen.jsonl" > "$T/gkeys"
    paste "$T/gkeys" "$T/gen.jsonl" > "$T/gen.tsv"
    by_key "$T/gen.tsv" > "$T/ga"
    check gen-array-exit-0 status_is 0 "$S" publish -b "$BS" -t gen -k user_exam_id "$T/gen.json"
    consume gen > "$T/g.tsv"
    by_key "$T/g.tsv" > "$T/gb"
    check gen-array-3000-same cmp -s "$T/ga" "$T/gb"
    check gen-ndjson-stdin-exit-0 status_is 0 sh -c "'$S' publish -b '$BS' -t gennd -k user_exam_id - < '$T/gen.jsonl'"
    consume gennd > "$T/g2.tsv"
    by_key "$T/g2.tsv" > "$T/gb"
    check gen-ndjson-3000-same cmp -s "$T/ga" "$T/gb"
    # each key lands in exactly one partition
    kcat -C -b "$BS" -t gennd -e -o beginning -q -f '%k %p\n' | sort -u | awk '{print $1}' | uniq -d > "$T/split"
    check gen-key-one-partition [ ! -s "$T/split" ]
else
    echo "ok - kafka_publish:gen # SKIP sluice gen not built"
fi

# ---- invalid records ----
printf '{"user_exam_id":"u1","a":1}\n{"user_exam_id":"u2","a":\n\n{"a":2}\n' > "$T/bad.jsonl"
check invalid-refused-exit-1 status_is 1 "$S" publish -b "$BS" -t bad -k user_exam_id "$T/bad.jsonl"
check invalid-names-line-column err_has 'bad.jsonl: line 2: invalid JSON, refused: .* at line 2, column 26'
check invalid-counted err_has '1 invalid JSON record(s) refused'
check invalid-nokey-counted err_has "1 record(s) without a string 'user_exam_id'"
check invalid-blank-counted err_has '1 blank line(s) skipped'
check invalid-others-sent [ "$(consume bad | wc -l)" -eq 2 ]
check skip-invalid-exit-0 status_is 0 "$S" publish -b "$BS" -t bad2 --skip-invalid "$T/bad.jsonl"
check send-invalid-exit-0 status_is 0 "$S" publish -b "$BS" -t bad3 --send-invalid "$T/bad.jsonl"
check send-invalid-sent-as-is [ "$(consume bad3 | grep -c '"a":$')" -eq 1 ]
printf '[{"a":1},\n {"a":2} {"a":3}]' > "$T/broken.json"
check broken-array-exit-1 status_is 1 "$S" publish -b "$BS" -t bad4 "$T/broken.json"
check broken-array-position err_has "broken.json: line 2, column"

# ---- a record over the size limit ----
awk 'BEGIN { s = "{\"big\":\""; for (i = 0; i < 1100; i++) s = s sprintf("%01000d", 0); print s "\"}"; print "{\"small\":1}" }' > "$T/big.jsonl"
check too-large-exit-1 status_is 1 "$S" publish -b "$BS" -t big "$T/big.jsonl"
check too-large-names-limit err_has "over the producer's limit message.max.bytes=1000000"
check too-large-names-option err_has '-X message.max.bytes=N'
check too-large-failure-counted err_has 'failed: 1 x .*MSG_SIZE_TOO_LARGE'
check too-large-raised-exit-0 status_is 0 "$S" publish -b "$BS" -t big -X message.max.bytes=2000000 "$T/big.jsonl"

# ---- an unreachable broker fails, bounded by message.timeout.ms ----
start=$(date +%s)
check broker-down-exit-1 status_is 1 "$S" publish -b 127.0.0.1:1 -t x -X message.timeout.ms=1500 "$FIX.jsonl"
check broker-down-bounded [ $(( $(date +%s) - start )) -lt 15 ]
check broker-down-count err_has '0 delivered, 7 failed'
check broker-down-reason err_has '7 x .*_MSG_TIMED_OUT'

# ---- --create-topic on a broker without the Admin API: warned, still published ----
check create-topic-exit-0 status_is 0 "$S" publish -b "$BS" -t made --create-topic 3 "$FIX.jsonl"
check create-topic-warns err_has 'may not support the Admin API'

# ---- SIGINT stops an endless input: what was sent is delivered, exit 1 ----
yes "$(head -n 1 "$FIX.jsonl")" | "$S" publish -b "$BS" -t endless > /dev/null 2> "$T/err" &
ppid=$!
sleep 1.5
kill -INT "$ppid"
wait "$ppid"; st=$?
check sigint-exit-1 [ "$st" -eq 1 ]
check sigint-says-interrupted err_has 'interrupted: the rest of the input was not published'
sent=$(sed -n 's/.*: \([0-9]*\) messages (.*/\1/p' "$T/err")
check sigint-sent-some [ "${sent:-0}" -gt 0 ]
check sigint-all-sent-delivered err_has "; $sent delivered, 0 failed"

# ---- broker stops cleanly on SIGTERM ----
kill -TERM "$bpid"
wait "$bpid"
check broker-sigterm-exit-0 [ $? -eq 0 ]
bpid=""

# ---- fault injection through the control channel ----
mkfifo "$T/ctl"
"$S" broker --control --topic f --partitions 2 < "$T/ctl" > "$T/cb.out" 2> "$T/cb.err" &
cpid=$!
exec 3> "$T/ctl"
check control-broker-starts wait_line "$T/cb.out"
BS=$(head -n 1 "$T/cb.out")
echo "err Produce 4 NOT_LEADER_FOR_PARTITION" >&3
echo "bogus" >&3
i=0; while [ "$(wc -l < "$T/cb.out")" -lt 3 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check control-ok-answer [ "$(sed -n 2p "$T/cb.out")" = ok ]
check control-error-answer grep -q "^error: unknown command 'bogus'" "$T/cb.out"
# Retried produce errors: idempotence delivers every record exactly once, in order.
check retried-errors-exit-0 status_is 0 "$S" publish -b "$BS" -t f -k user_exam_id "$FIX.jsonl"
consume f > "$T/f.tsv"
by_key "$T/f.tsv" > "$T/b"
check retried-errors-exactly-once cmp -s "$T/a" "$T/b"
echo "down -1" >&3
sleep 0.3
check all-down-exit-1 status_is 1 "$S" publish -b "$BS" -t f -X message.timeout.ms=1500 "$FIX.jsonl"
check all-down-failed-count err_has '7 failed'
echo "up -1" >&3
echo "quit" >&3
exec 3>&-
wait "$cpid"
check control-quit-exit-0 [ $? -eq 0 ]
cpid=""

[ "$fails" -eq 0 ]
