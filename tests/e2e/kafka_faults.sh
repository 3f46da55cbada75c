#!/bin/sh
# tests/e2e/kafka_faults.sh: broker faults injected through `sluice broker --control` (the mock
# cluster's fault injection, over a FIFO) while two `sluice land` members of one group land
# a topic that is being published. `sluice publish` retries what can be retried and reports
# what cannot; the lake stays exactly once (tests/tools/lake_check) through:
#   - Produce errors (NOT_LEADER_FOR_PARTITION, REQUEST_TIMED_OUT): retried, exit 0, no duplicate;
#   - Fetch errors (NOT_LEADER_FOR_PARTITION, dropped connections): the members go on;
#   - OffsetCommit errors: counted (kafka_commit_errors), the lake is unaffected;
#   - a partition leader's broker down 3 s during a publish, then up: retried, exit 0;
#   - leader moves and a slow broker (rtt) during a publish;
#   - the group coordinator moved, then its broker down for longer than the session
#     timeout: both members lose their partitions (rolled back), rejoin and resume from the lake;
#   - a broker down for longer than message.timeout.ms: publish exits 1 and reports how many
#     messages failed; exactly the delivered ones land.
# Finally both members stop on SIGTERM (exit 0), a last run lands the rest, and lake_check
# checks every delivered message landed once.
set -u
cd "$(dirname "$0")/../.."
S=${SLUICE:-build/sluice}
LC=${LAKE_CHECK:-build/tools/lake_check}
T=$(mktemp -d)
fails=0
bpid=""
m1=""
m2=""
pp=""
cleanup() {
    for p in $m1 $m2 $pp; do kill -9 "$p" 2>/dev/null; done
    exec 3>&- 2>/dev/null
    [ -n "$bpid" ] && kill "$bpid" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ok() { echo "ok - kafka_faults:$1"; }
nok() { echo "not ok - kafka_faults:$1"; fails=$((fails + 1)); }
check() { n=$1; shift; if "$@"; then ok "$n"; else nok "$n"; fi; }
wait_line() { i=0; while [ ! -s "$1" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done; [ -s "$1" ]; }
wait_grep() { i=0; while ! grep -q -- "$1" "$2" 2>/dev/null && [ $i -lt $(($3 * 10)) ]; do sleep 0.1; i=$((i + 1)); done; grep -q -- "$1" "$2" 2>/dev/null; }
# events N SEED: N game events as NDJSON (see kafka_crash.sh).
events() {
    awk -v n="$1" -v seed="$2" 'BEGIN { srand(seed); for (i = 0; i < n; i++) { r = rand();
        t = r < 0.45 ? "purchase_sword" : r < 0.7 ? "purchase_knife" : r < 0.95 ? "join_guild" : "logout";
        printf "{\"event_type\":\"%s\",\"userid\":\"u%d\",\"Host\":\"user%d.comcast.com\",\"User-Agent\":\"curl/7.47.0\",\"timestamp\":%d,\"seq\":%d}\n",
            t, int(rand() * 5000), int(rand() * 100), 1533254400 + int(rand() * 259200), i } }'
}
# ctl COMMAND: sends a control command to the broker, true when it answers "ok".
nctl=1
ctl() {
    echo "$*" >&3
    nctl=$((nctl + 1))
    i=0
    while [ "$(wc -l < "$T/cb.out")" -lt "$nctl" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    a=$(sed -n "${nctl}p" "$T/cb.out")
    [ "$a" = ok ] || { echo "# control '$*' answered '$a'"; return 1; }
}
# publish NAME N [ARGS]: publishes N new events keyed by userid; $T/NAME.err has the summary.
# With PUBLISH_BG=1 it runs in the background (sluice itself, $pp its id).
seed=0
publish() {
    pname=$1; pcount=$2; shift 2
    seed=$((seed + 1))
    events "$pcount" "$seed" > "$T/$pname.jsonl"
    if [ "${PUBLISH_BG:-0}" = 1 ]; then
        "$S" publish -b "$BS" -t f -k userid "$@" "$T/$pname.jsonl" 2> "$T/$pname.err" &
        pp=$!
    else
        "$S" publish -b "$BS" -t f -k userid "$@" "$T/$pname.jsonl" 2> "$T/$pname.err"
    fi
}
delivered() { sed -n 's/.*; \([0-9]*\) delivered, \([0-9]*\) failed$/\1/p' "$T/$1.err"; }
failed() { sed -n 's/.*; \([0-9]*\) delivered, \([0-9]*\) failed$/\2/p' "$T/$1.err"; }
total=0
count() { total=$((total + $(delivered "$1"))); }
status_is() { want=$1; shift; "$@"; st=$?; [ "$st" -eq "$want" ] || { echo "# exit $st, wanted $want: $*"; return 1; }; }

[ -x "$LC" ] || { echo "not ok - kafka_faults:lake_check-built ($LC missing: make)"; exit 1; }
mkfifo "$T/ctl"
"$S" broker --control --topic f --partitions 8 < "$T/ctl" > "$T/cb.out" 2> "$T/cb.err" &
bpid=$!
exec 3> "$T/ctl"
check broker-up wait_line "$T/cb.out"
BS=$(head -n 1 "$T/cb.out")

# two members land all along (members are "$S" itself, so that $! is sluice)
FL="land -b $BS -t f -g fl -m game-events --lake $T/lake -X session.timeout.ms=4000 -X heartbeat.interval.ms=1000 --max-rows 200 --max-age 500ms"
"$S" $FL --stats-json "$T/m1.json" > /dev/null 2> "$T/m1.err" &
m1=$!
"$S" $FL --stats-json "$T/m2.json" > /dev/null 2> "$T/m2.err" &
m2=$!
check members-assigned eval 'wait_grep "assigned [1-9]" "$T/m1.err" 30 && wait_grep "assigned [1-9]" "$T/m2.err" 30'

# ---- Produce errors: retried by the idempotent producer ----
check inject-produce-errors eval 'ctl err Produce 5 NOT_LEADER_FOR_PARTITION && ctl err Produce 3 REQUEST_TIMED_OUT'
check inject-fetch-errors eval 'ctl err Fetch 4 NOT_LEADER_FOR_PARTITION && ctl err Fetch 2 _TRANSPORT'
check inject-offsetcommit-errors ctl err OffsetCommit 20 OFFSET_METADATA_TOO_LARGE
check produce-errors-publish-exit-0 status_is 0 publish p1 4000
check produce-errors-all-delivered [ "$(delivered p1)" = 4000 ]
count p1

# ---- a broker down 3 s in the middle of a publish ----
PUBLISH_BG=1 publish p2 4000
sleep 0.3
check broker-2-down ctl down 2
sleep 3
check broker-2-up ctl up 2
wait "$pp"
check broker-down-publish-retried-exit-0 [ $? -eq 0 ]
pp=""
check broker-down-all-delivered [ "$(delivered p2)" = 4000 ]
count p2

# ---- leader moves and a slow broker during a publish ----
check leaders-move eval 'ctl leader f 0 3 && ctl leader f 1 1 && ctl leader f 5 2 && ctl rtt 2 300'
check leader-moves-publish-exit-0 status_is 0 publish p3 4000
check leader-moves-all-delivered [ "$(delivered p3)" = 4000 ]
count p3
check rtt-back ctl rtt 2 0

# ---- the coordinator moves, then its broker is down longer than the session timeout ----
check coordinator-moves ctl coordinator group fl 3
sleep 2
check coordinator-down ctl down 3
PUBLISH_BG=1 publish p4 2000
sleep 6
check coordinator-up ctl up 3
wait "$pp"
check coordinator-down-publish-exit-0 [ $? -eq 0 ]
pp=""
count p4
check coordinator-down-partitions-lost-and-rolled-back grep -q 'lost [0-9]* partition' "$T/m1.err" "$T/m2.err"
# each member was assigned at the start and again after the outage
reassigned() {
    i=0
    while [ "$(cat "$T/m1.err" "$T/m2.err" | grep -c 'assigned [1-9]')" -lt 4 ] && [ $i -lt 300 ]; do
        sleep 0.1; i=$((i + 1))
    done
    [ $i -lt 300 ]
}
check members-reassigned reassigned

# ---- a broker down longer than message.timeout.ms: publish reports the failures ----
check broker-1-down ctl down 1
check partial-publish-exit-1 status_is 1 publish p5 3000 -X message.timeout.ms=2000
check partial-publish-reports-failures [ "$(failed p5)" -gt 0 ]
check partial-publish-some-delivered [ "$(delivered p5)" -gt 0 ]
check partial-publish-names-timeout grep -q 'failed: [0-9]* x .*_MSG_TIMED_OUT' "$T/p5.err"
count p5
check broker-1-up ctl up 1
echo "# delivered in all: $total (p5: $(delivered p5) delivered, $(failed p5) failed)"

# ---- stop (each member commits what it read), then a last run lands the rest ----
sleep 2
kill -TERM "$m1" "$m2"
wait "$m1"; s1=$?
wait "$m2"; s2=$?
m1=""; m2=""
check members-sigterm-exit-0 [ "$s1$s2" = 00 ]
ce=$(( $(jq -r '.kafka_commit_errors' "$T/m1.json") + $(jq -r '.kafka_commit_errors' "$T/m2.json") ))
echo "# offset commit errors seen by the members: $ce"
check offset-commit-errors-seen [ "$ce" -gt 0 ]
check last-run-exit-0 "$S" $FL --once -q
if "$LC" --lake "$T/lake" --topic f --tables purchases,guild_joins --messages "$total" --partitions 8 > "$T/check" 2>&1; then
    ok exactly-once
else
    nok exactly-once
fi
sed 's/^/# /' "$T/check"
echo quit >&3
exec 3>&-
wait "$bpid"
check broker-quit-exit-0 [ $? -eq 0 ]
bpid=""

[ "$fails" -eq 0 ]
