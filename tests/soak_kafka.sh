#!/bin/sh
# tests/soak_kafka.sh: the long versions of the Kafka exactly-once proofs (docs/EXACTLY_ONCE.md),
# run by `make soak` through tests/soak.sh, never by the default test run:
#   one-lake  tests/e2e/kafka_crash.sh with all kills on ONE lake: 100,000 messages, 40
#             kill -9s of `sluice land`, each restart resuming what the last one left,
#             the messages published during the kills (CRASH_LIVE=1) so that every run
#             has some to land; and 6 cycles of the three-member test;
#   scale     kafka_crash.sh with 300,000 messages (16 partitions, about 2.5 MB each, under
#             the mock broker's 5 MB), 100 kill -9s over 5 lakes, 10 three-member cycles
#             on 100,000 messages;
#   faults    tests/e2e/kafka_faults.sh and kafka_bad_messages.sh again.
# Each line is renamed "ok - soak_kafka:PASS:NAME"; SOAK_KAFKA_SEED fixes the kill instants.
set -u
cd "$(dirname "$0")/.."
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failed=0
SEED=${SOAK_KAFKA_SEED:-$(date +%s)}
# pass NAME SCRIPT [VAR=VALUE]...: runs SCRIPT with the settings, renames its result lines.
pass() {
    name=$1; script=$2; shift 2
    start=$(date +%s)
    env CRASH_SEED="$SEED" "$@" sh "$script" > "$T/out" 2>&1
    st=$?
    base=$(basename "$script" .sh)
    sed -e "s/^ok - $base:/ok - soak_kafka:$name:/" -e "s/^not ok - $base:/not ok - soak_kafka:$name:/" "$T/out"
    echo "# $name: $(( $(date +%s) - start )) s, exit $st"
    if [ "$st" -ne 0 ]; then
        failed=1
        grep -q '^not ok' "$T/out" || echo "not ok - soak_kafka:$name (exit $st)"
    fi
}
echo "# seed $SEED (SOAK_KAFKA_SEED)"
pass one-lake tests/e2e/kafka_crash.sh CRASH_MESSAGES=100000 CRASH_KILLS=40 CRASH_LOOPS=1 \
    CRASH_LIVE=1 CRASH_TRIO_CYCLES=6 CRASH_TRIO_MESSAGES=40000
pass scale tests/e2e/kafka_crash.sh CRASH_MESSAGES=300000 CRASH_KILLS=100 CRASH_LOOPS=5 \
    CRASH_TRIO_CYCLES=10 CRASH_TRIO_MESSAGES=100000
pass faults tests/e2e/kafka_faults.sh
pass bad-messages tests/e2e/kafka_bad_messages.sh
exit $failed
