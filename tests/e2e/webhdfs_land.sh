#!/bin/sh
# tests/e2e/webhdfs_land.sh: `sluice land` into webhdfs:// lakes on the WebHDFS test
# server (tests/webhdfs/server.mjs) gives exactly the lake a local landing of the same
# input gives: same file names, Parquet files and dedupe sidecars byte for byte, same
# manifests but for their wall time. Also under injected faults (5xx on every op, a
# DataNode dropping uploads, RENAME answering false, lost answers, a standby NameNode
# and a failover mid-run, a commit cut after its manifest): every message lands
# exactly once (re-running after a failed run, as the user would), and no temporary
# file is left. Refusals are clear (AccessControlException by name and message).
# Prints "ok - webhdfs_land:<check>"; exits 1 on any failure.
set -u
cd "$(dirname "$0")/../.."
S=${SLUICE:-build/sluice}
FIX=tests/fixtures/assessment-attempts-SAMPLE-offsets0-4_3278-3279
T=$(mktemp -d)
fails=0
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT INT TERM

ok() { echo "ok - webhdfs_land:$1"; }
nok() { echo "not ok - webhdfs_land:$1"; fails=$((fails + 1)); }
check() { n=$1; shift; if "$@"; then ok "$n"; else nok "$n"; fi; }
has() { grep -qF -- "$2" "$1" || { echo "# $1 lacks '$2':" >&2; head -5 "$1" >&2; return 1; }; }
wait_line() { i=0; while [ ! -s "$1" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done; [ -s "$1" ]; }
port_of() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" "$1"; }

if [ ! -x "$S" ] || ! command -v node > /dev/null; then
    nok "setup ($S or node missing: run make)"
    exit 1
fi
export HADOOP_USER_NAME=sluicetest
unset HADOOP_TOKEN

node tests/webhdfs/server.mjs --root "$T/hdfs" --owner sluicetest --allow-path /lakes --standby \
    --timeout 600 > "$T/srv" 2> "$T/srv.err" &
pids="$pids $!"
if ! wait_line "$T/srv"; then
    nok "setup (test server did not start: $(cat "$T/srv.err"))"
    exit 1
fi
NN=$(port_of "$T/srv" namenode)
SB=$(port_of "$T/srv" standby)
W="webhdfs://127.0.0.1:$NN/lakes"
admin() { curl -s "http://127.0.0.1:$NN/admin/$1" > /dev/null; }
st() { curl -s "http://127.0.0.1:$NN/admin/stats" | jq -r "$1 // 0"; }

# same_lake A B: the same files; .parquet and .keys byte for byte; manifests equal
# but for their wall time.
same_lake() {
    [ -d "$1" ] && [ -d "$2" ] || { echo "# missing lake $1 or $2" >&2; return 1; }
    [ -n "$(find "$1" -name '*.parquet' | head -1)" ] || { echo "# no parquet in $1" >&2; return 1; }
    # (_sluice/owners holds ownership epochs, one per recovery: retries make more)
    if ! diff -rq -x '*.json' -x owners "$1" "$2" > "$T/diff" 2>&1; then
        echo "# lakes differ ($1 vs $2):" >&2
        head -10 "$T/diff" >&2
        return 1
    fi
    (cd "$1" && find . -name '*.json' | sort) > "$T/la"
    (cd "$2" && find . -name '*.json' | sort) > "$T/lb"
    cmp -s "$T/la" "$T/lb" || { echo "# manifest lists differ" >&2; return 1; }
    while read -r f; do
        [ "$(jq -S 'del(.wall_time, .wall_time_ms)' "$1/$f")" = "$(jq -S 'del(.wall_time, .wall_time_ms)' "$2/$f")" ] ||
            { echo "# manifest differs: $f" >&2; return 1; }
    done < "$T/la"
}
no_temp() { [ -z "$(find "$1" -name '_tmp.*' -o -name '.*.tmp' -o -name '*.inprogress')" ]; }
# land_until_ok MAX ARGS...: runs sluice land up to MAX times until it exits 0 (what a
# user does after a failed run); stderr of every run appended to $T/runs.err.
land_until_ok() {
    lu_max=$1; shift
    lu_run=0
    while [ $lu_run -lt "$lu_max" ]; do
        lu_run=$((lu_run + 1))
        if "$S" land -q "$@" 2>> "$T/runs.err"; then
            echo "# land succeeded on run $lu_run" >&2
            return 0
        fi
    done
    return 1
}

mkdir -p "$T/in"
cp "$FIX.jsonl" "$T/in/sample.jsonl"
cp "$FIX.json" "$T/in/sample.json"
"$S" gen --records 3000 --seed 11 --ndjson -o "$T/in/attempts.ndjson" 2> /dev/null
OPTS="--max-rows 700"    # 3000 attempts: 2 commits of 207 files
FOPTS="--max-rows 10"    # the 7 sample records: 7 commits, 21 files (cheap fault runs)

# ---- the local reference lakes
"$S" land -q --from "$T/in/sample.jsonl" --lake "$T/local" &&
    "$S" land -q --from "$T/in/sample.json" --lake "$T/local" &&
    "$S" land -q --from "$T/in/attempts.ndjson" --lake "$T/local" $OPTS &&
    "$S" land -q --from "$T/in/attempts.ndjson" --lake "$T/local-gen" $OPTS &&
    "$S" land -q --from "$T/in/sample.jsonl" --lake "$T/local-fix" $FOPTS ||
    nok "setup (local landing failed)"

# ---- plain landings
check land-fixture-ndjson "$S" land -q --from "$T/in/sample.jsonl" --lake "$W/a"
check land-fixture-array "$S" land -q --from "$T/in/sample.json" --lake "$W/a"
check land-generated "$S" land -q --from "$T/in/attempts.ndjson" --lake "$W/a" $OPTS
check same-as-local same_lake "$T/hdfs/lakes/a" "$T/local"
"$S" land --from "$T/in/attempts.ndjson" --lake "$W/a" $OPTS 2> "$T/again.err"
check reland-lands-nothing has "$T/again.err" "landed 0 messages (3000 already landed)"
check reland-unchanged same_lake "$T/hdfs/lakes/a" "$T/local"
check modes sh -c "curl -s 'http://127.0.0.1:$NN/webhdfs/v1/lakes/a/_sluice?op=GETFILESTATUS&user.name=sluicetest' | jq -e '.FileStatus.permission == \"750\"' > /dev/null"

# ---- 5xx on every kind of request: retried inside the store
for op in GETFILESTATUS LISTSTATUS MKDIRS CREATE DN_CREATE RENAME DELETE OPEN DN_OPEN; do
    admin "fault?op=$op&count=2&status=500"
done
admin "fault?op=CREATE&count=1&status=503&exception=RetriableException"
admin "fault?safemode=2"
f0=$(st .faults_fired)
check faults-5xx-land "$S" land -q --from "$T/in/sample.jsonl" --lake "$W/b" $FOPTS
# landing again reads the manifests back (OPEN)
check faults-5xx-reland "$S" land -q --from "$T/in/sample.jsonl" --lake "$W/b" $FOPTS
check faults-5xx-fired [ $(( $(st .faults_fired) - f0 )) -ge 19 ]
check faults-5xx-same same_lake "$T/hdfs/lakes/b" "$T/local-fix"
admin clear

# ---- DataNode dropping uploads: small files are resent whole by the store; a streamed
# one (bigger than the store's buffer, made 16 KiB here) fails the run, and the next
# run recovers
: > "$T/runs.err"
admin "fault?drop=2&after=1000"
check drop-small-resent "$S" land -q --from "$T/in/sample.jsonl" --lake "$W/c" $FOPTS
check drop-small-fired [ "$(st .dn_uploads_broken)" -eq 2 ]
check drop-small-same same_lake "$T/hdfs/lakes/c" "$T/local-fix"
admin "fault?drop=2&after=20000"
check drop-stream-lands-eventually land_until_ok 4 --from "$T/in/attempts.ndjson" --lake "$W/c2?buffer_kb=16" $OPTS
check drop-stream-fired [ "$(st .dn_uploads_broken)" -eq 4 ]
check drop-stream-run-failed has "$T/runs.err" "CREATE: DataNode 127.0.0.1:"
check drop-stream-same same_lake "$T/hdfs/lakes/c2" "$T/local-gen"
check drop-no-temp no_temp "$T/hdfs/lakes/c2"
admin clear

# ---- RENAME answering false, lost answers of renames and deletes
admin "fault?rename_false=3"
admin "fault?reset=RENAME&count=2&when=after"
admin "fault?reset=DELETE&count=1&when=after"
: > "$T/runs.err"
check rename-false-land land_until_ok 3 --from "$T/in/sample.jsonl" --lake "$W/d" $FOPTS
check rename-false-same same_lake "$T/hdfs/lakes/d" "$T/local-fix"
check rename-false-no-temp no_temp "$T/hdfs/lakes/d"
admin clear

# ---- standby NameNode first, failover in the middle of a run
sb0=$(st .standby_answers)
( sleep 1; admin failover ) &
fo=$!
pids="$pids $fo"
check standby-land "$S" land -q --from "$T/in/attempts.ndjson" --lake "webhdfs://127.0.0.1:$SB,127.0.0.1:$NN/lakes/e" $OPTS
check standby-answered [ "$(st .standby_answers)" -gt "$sb0" ]
check standby-same same_lake "$T/hdfs/lakes/e" "$T/local-gen"
wait "$fo" 2> /dev/null
admin failover

# ---- a commit cut after its manifest (renames refused): the next run rolls forward
# (the dedupe sidecar's and the manifest's renames pass, the files' are refused)
admin "fault?op=RENAME&skip=2&count=1000&status=403&exception=AccessControlException"
"$S" land -q --from "$T/in/sample.jsonl" --lake "$W/f" $FOPTS 2> "$T/cut.err"
check cut-run-fails [ $? -eq 1 ]
check cut-error-named has "$T/cut.err" "AccessControlException: injected fault: 403 on RENAME"
check cut-manifest-written [ -n "$(find "$T/hdfs/lakes/f/_sluice/manifests" -name '*.json' 2> /dev/null)" ]
admin clear
check cut-rerun "$S" land -q --from "$T/in/sample.jsonl" --lake "$W/f" $FOPTS
check cut-same same_lake "$T/hdfs/lakes/f" "$T/local-fix"
check cut-no-temp no_temp "$T/hdfs/lakes/f"

# ---- refusals
"$S" land -q --from "$T/in/sample.jsonl" --lake "$W/g?user=mallory" 2> "$T/deny.err"
check denied-exit-1 [ $? -eq 1 ]
check denied-named has "$T/deny.err" "AccessControlException: Permission denied: user=mallory"
"$S" land -q --from "$T/in/sample.jsonl" --lake "webhdfs://127.0.0.1:$NN/not-allowed" 2> "$T/deny2.err"
check outside-root-named has "$T/deny2.err" "AccessControlException"
check nothing-left-anywhere no_temp "$T/hdfs"

[ "$fails" -eq 0 ]
