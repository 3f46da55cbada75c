#!/bin/sh
# tests/e2e/webhdfs_kafka.sh: `sluice land -b` from Kafka into a webhdfs:// lake (on the
# WebHDFS test server, tests/webhdfs/server.mjs) is exactly once, like a local landing:
#  1. same-as-local: 3000 generated attempts (no duplicates) published keyed by
#     user_exam_id to a 4-partition topic of `sluice broker`, landed with --once into a
#     local lake and (another group) into a webhdfs:// lake: lake_check passes on both
#     with the same totals, every table has the same row count, and the
#     (partition, offset) sets of assessments are identical.
#  2. kill -9: `land` into another webhdfs:// lake is killed at KILLS random instants
#     (0.2-1.5 s after its partitions are assigned, small --max-rows so commits are
#     frequent), each time restarted in a new group (the lake says where to resume);
#     after every kill the lake must be recoverable (lake_check --mid-run on the
#     server's storage folder). A last clean --once run lands the rest: lake_check says
#     every message landed exactly once, no temporary file is left anywhere, every
#     manifest's files are there.
# Knobs: WK_KILLS (10), WK_SEED (time: the kill instants).
# Prints "ok - webhdfs_kafka:<check>"; exits 1 on any failure.
set -u
cd "$(dirname "$0")/../.."
S=${SLUICE:-build/sluice}
LC=${LAKE_CHECK:-build/tools/lake_check}
KILLS=${WK_KILLS:-10}
SEED=${WK_SEED:-$(date +%s)}
N=3000
T=$(mktemp -d)
t0=$(date +%s)
fails=0
: > "$T/pids"
# started_at PID: the process's start time (field 22 of /proc/PID/stat), empty when gone.
started_at() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20; }
# track PID: remembers a process this script started, with its start time.
track() { echo "$1 $(started_at "$1")" >> "$T/pids"; }
# Kills what this script started (only ids whose start time still matches).
cleanup() {
    while read -r p st; do
        [ -n "$st" ] && [ "$(started_at "$p")" = "$st" ] && kill -9 "$p" 2>/dev/null
    done < "$T/pids"
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ok() { echo "ok - webhdfs_kafka:$1"; }
nok() { echo "not ok - webhdfs_kafka:$1"; fails=$((fails + 1)); }
check() { n=$1; shift; if "$@"; then ok "$n"; else nok "$n"; fi; }
wait_line() { i=0; while [ ! -s "$1" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done; [ -s "$1" ]; }
# wait_grep PATTERN FILE SECONDS: waits until FILE has a line matching PATTERN.
wait_grep() { i=0; while ! grep -q -- "$1" "$2" 2>/dev/null && [ $i -lt $(($3 * 10)) ]; do sleep 0.1; i=$((i + 1)); done; grep -q -- "$1" "$2" 2>/dev/null; }
port_of() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" "$1"; }
# rand_delay A B KEY: a reproducible delay in [A, B) seconds for this seed and KEY.
rand_delay() { awk -v s="$SEED" -v a="$1" -v b="$2" -v k="$3" 'BEGIN { srand(s % 1000003 * 1009 + k); printf "%.3f", a + rand() * (b - a) }'; }
X="-X session.timeout.ms=6000"
# land LAKE GROUP [ARGS]: lands topic att into LAKE, in the foreground.
land() { lake=$1; g=$2; shift 2; "$S" land -b "$BS" -t att -g "$g" --lake "$lake" $X "$@"; }
# checked NAME LAKE [ARGS]: lake_check of topic att, output kept in $T/NAME.chk (shown as comments).
checked() {
    name=$1; lake=$2; shift 2
    "$LC" --lake "$lake" --topic att --tables assessments "$@" > "$T/$name.chk" 2>&1
    st=$?
    sed 's/^/# /' "$T/$name.chk"
    return $st
}
# totals NAME: the ok line of a lake_check but for ranges= and files= (they follow the
# timing of the batches, which differs between two runs).
totals() { grep '^lake_check: ok' "$T/$1.chk" | sed 's/ ranges=[0-9]*//; s/ files=[0-9]*//'; }
same_totals() { [ -n "$(totals local)" ] && [ "$(totals local)" = "$(totals hdfs)" ]; }
# counts DIR: "table rows" for every table folder of the lake folder DIR, sorted.
counts() {
    for d in "$1"/*/; do
        tb=$(basename "$d")
        [ "$tb" = _sluice ] && continue
        echo "$tb $("$S" sql --lake "$1" --format csv "SELECT count(*) FROM \"$tb\"" | tail -n 1)"
    done | sort
}
same_counts() {
    counts "$T/local" > "$T/counts.local"
    counts "$T/hdfs/lake/a" > "$T/counts.hdfs"
    sed 's/^/# rows: /' "$T/counts.hdfs"
    [ "$(grep -c '^assessments 3000$' "$T/counts.local")" -eq 1 ] && cmp -s "$T/counts.local" "$T/counts.hdfs" ||
        { echo "# row counts differ:" >&2; diff "$T/counts.local" "$T/counts.hdfs" >&2; return 1; }
}
# offsets DIR: every (partition, offset) of the assessments table, sorted.
offsets() { "$S" sql --lake "$1" --format csv "SELECT _partition, _offset FROM assessments" | tail -n +2 | sort; }
same_offsets() {
    offsets "$T/local" > "$T/off.local"
    offsets "$T/hdfs/lake/a" > "$T/off.hdfs"
    [ "$(wc -l < "$T/off.local")" -eq "$N" ] && [ "$(sort -u "$T/off.local" | wc -l)" -eq "$N" ] &&
        cmp -s "$T/off.local" "$T/off.hdfs" ||
        { echo "# offsets: local $(wc -l < "$T/off.local"), hdfs $(wc -l < "$T/off.hdfs")" >&2; return 1; }
}
no_temp() { [ -z "$(find "$1" -name '*_tmp*' -o -name '.*' -o -name '*.tmp' -o -name '*.inprogress' | grep -v "^$1\$")" ]; }

echo "# seed $SEED (WK_SEED), $KILLS kills"
if [ ! -x "$S" ] || [ ! -x "$LC" ] || ! command -v node > /dev/null; then
    nok "setup ($S, $LC or node missing: run make)"
    exit 1
fi
export HADOOP_USER_NAME=sluicetest
unset HADOOP_TOKEN

"$S" broker --topic att --partitions 4 > "$T/broker.out" 2> "$T/broker.err" &
track $!
node tests/webhdfs/server.mjs --root "$T/hdfs" --owner sluicetest --allow-path /lake --timeout 240 \
    > "$T/srv" 2> "$T/srv.err" &
track $!
check broker-up wait_line "$T/broker.out"
check server-up wait_line "$T/srv"
BS=$(head -n 1 "$T/broker.out")
NN=$(port_of "$T/srv" namenode)
W="webhdfs://127.0.0.1:$NN/lake"

"$S" gen --records "$N" --seed 5 --no-duplicates --ndjson -o "$T/att.jsonl" 2> /dev/null
check publish-exit-0 "$S" publish -q -b "$BS" -t att -k user_exam_id "$T/att.jsonl"

# ---- 1. the same topic into a local lake and a webhdfs:// lake (two groups, in parallel)
land "$T/local" gl --once -q > /dev/null 2> "$T/local.err" &
lp=$!
track $lp
land "$W/a" gh --once -q > /dev/null 2> "$T/hdfs.err"
hs=$?
wait $lp
ls_=$?
check land-local-exit-0 [ "$ls_" -eq 0 ]
check land-webhdfs-exit-0 [ "$hs" -eq 0 ]
[ "$hs$ls_" = 00 ] || sed 's/^/# /' "$T/local.err" "$T/hdfs.err"
check local-exactly-once checked local "$T/local" --messages "$N" --partitions 4 --duplicates 0
check webhdfs-exactly-once checked hdfs "$T/hdfs/lake/a" --messages "$N" --partitions 4 --duplicates 0
check same-totals same_totals
check same-row-counts same_counts
check same-offsets same_offsets
echo "# same-as-local: $(( $(date +%s) - t0 )) s"

# ---- 2. kill -9 at random instants while landing into the webhdfs:// lake
C="$W/crash"
CD="$T/hdfs/lake/crash"
j=0
killed=0
midfail=0
assigned=0
while [ $j -lt "$KILLS" ]; do
    "$S" land -b "$BS" -t att -g "c$j" --lake "$C" $X --max-rows 20 --max-age 200ms \
        > /dev/null 2> "$T/c.err" &
    pid=$!
    track $pid
    if wait_grep 'assigned [1-9]' "$T/c.err" 30; then assigned=$((assigned + 1)); fi
    d=$(rand_delay 0.2 1.5 "$j")
    sleep "$d"
    if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); else echo "# run $j exited by itself:"; tail -n 5 "$T/c.err" | sed 's/^/#   /'; fi
    wait "$pid" 2>/dev/null
    if "$LC" --lake "$CD" --topic att --tables assessments --mid-run > "$T/mid" 2>&1; then
        m=$(sed -n 's/.* messages=\([0-9]*\).*/\1/p' "$T/mid")
        [ "${m:-0}" -gt 0 ] && [ "${m:-0}" -lt "$N" ] && echo "$m" >> "$T/partial"
        echo "# kill $j after ${d}s: $(sed -n 's/.*\(messages=[0-9]*\).*\(tmp_files=[0-9]*\) \(pending_renames=[0-9]*\) \(leftovers=[0-9]*\).*/\1 \2 \3 \4/p' "$T/mid")"
    else
        midfail=$((midfail + 1))
        echo "# kill $j after ${d}s: not recoverable:"
        sed 's/^/#   /' "$T/mid"
    fi
    j=$((j + 1))
done
check kills-on-live-process [ "$killed" -eq "$KILLS" ]
check kills-after-assignment [ "$assigned" -eq "$KILLS" ]
check lake-always-recoverable [ "$midfail" -eq 0 ]
# the kills happened while landing: after some of them part of the messages had landed
check kills-mid-landing [ -s "$T/partial" ]
check last-run-exit-0 land "$C" clast --once -q
check crash-exactly-once checked crash "$CD" --messages "$N" --partitions 4 --duplicates 0
check crash-uri-exactly-once checked crashuri "$C" --messages "$N" --partitions 4 --duplicates 0
check crash-no-temp no_temp "$CD"
check crash-same-offsets sh -c "\"$S\" sql --lake '$CD' --format csv 'SELECT _partition, _offset FROM assessments' | tail -n +2 | sort | cmp -s - '$T/off.local'"

echo "# done in $(( $(date +%s) - t0 )) s"
[ "$fails" -eq 0 ]
