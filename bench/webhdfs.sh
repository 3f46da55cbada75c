#!/bin/sh
# bench/webhdfs.sh: landing into WebHDFS against landing into a local folder, same data,
# same run (the peer is sluice's own local store: the target is that WebHDFS costs
# little on top of it).
#
# `sluice gen` writes WEBHDFS_BENCH_RECORDS attempts (default 100000, about 290 MB of
# NDJSON). Then, WEBHDFS_BENCH_REPEAT times (default 3), alternating:
#   sluice land --from FILE --lake DIR                                  (local store,
#       fsync of every file and folder)
#   sluice land --from FILE --lake webhdfs://127.0.0.1:NN/benchN        (the WebHDFS test
#       server on loopback: NameNode + DataNode in one Node.js process, no fsync)
# Each run lands the same 207 files (69 days x 3 tables) from scratch; the best time of
# each side counts. The lakes are checked identical (diff -r, manifests aside).
# A second, informative figure: store_tool streaming one 256 MiB file into each store.
# Target: landing throughput ratio (local seconds / WebHDFS seconds) >= 0.8.
# Also printed: the server's connection count against its request count (connection
# reuse) and the share of uploads that were streamed.
# Exit status: 0 when the target is met, 1 when missed or a step failed.
set -eu
cd "$(dirname "$0")/.."
records=${WEBHDFS_BENCH_RECORDS:-100000}
repeat=${WEBHDFS_BENCH_REPEAT:-3}
S=build/sluice
TOOL=build/tools/store_tool
for x in "$S" "$TOOL"; do
    [ -x "$x" ] || { echo "bench/webhdfs.sh: $x is missing (run: make)" >&2; exit 1; }
done
T=$(mktemp -d)
spid=""
cleanup() { [ -n "$spid" ] && kill "$spid" 2> /dev/null; rm -rf "$T"; }
trap cleanup EXIT INT TERM

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }
min() { echo "if ($1 < $2) $1 else $2" | bc -l; }

"$S" gen --records "$records" --seed 42 --ndjson -o "$T/in.ndjson" 2> /dev/null
bytes=$(stat -c %s "$T/in.ndjson")

export HADOOP_USER_NAME=bench
node tests/webhdfs/server.mjs --root "$T/hdfs" --owner bench --timeout 3600 > "$T/srv" 2> "$T/srv.err" &
spid=$!
i=0
while [ ! -s "$T/srv" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
NN=$(sed -n 's/.* namenode=\([0-9]*\).*/\1/p' "$T/srv")
[ -n "$NN" ] || { echo "bench/webhdfs.sh: the test server did not start" >&2; exit 1; }

best_local=999999
best_web=999999
r=1
while [ $r -le "$repeat" ]; do
    rm -rf "$T/local"
    t0=$(now)
    "$S" land -q --from "$T/in.ndjson" --lake "$T/local"
    t1=$(now)
    "$S" land -q --from "$T/in.ndjson" --lake "webhdfs://127.0.0.1:$NN/bench$r"
    t2=$(now)
    l=$(secs "$t0" "$t1")
    w=$(secs "$t1" "$t2")
    printf 'round %d: local %.2f s, webhdfs %.2f s\n' "$r" "$l" "$w"
    best_local=$(min "$best_local" "$l")
    best_web=$(min "$best_web" "$w")
    if ! diff -rq -x '*.json' "$T/local" "$T/hdfs/bench$r" > "$T/diff"; then
        echo "bench/webhdfs.sh: the WebHDFS lake differs from the local one:" >&2
        head "$T/diff" >&2
        exit 1
    fi
    rm -rf "$T/hdfs/bench$r"
    r=$((r + 1))
done
files=$(find "$T/local" -name '*.parquet' | wc -l)
out_mb=$(du -sm "$T/local" | cut -f1)
curl -s "http://127.0.0.1:$NN/admin/stats" > "$T/stats"

# One big streamed file through the store API.
head -c 268435456 /dev/zero | tr '\0' 'x' > "$T/big"
t0=$(now)
"$TOOL" "$T/plocal" put big "$T/big" 1048576
t1=$(now)
"$TOOL" "webhdfs://127.0.0.1:$NN/p" put big "$T/big" 1048576
t2=$(now)
cmp -s "$T/big" "$T/hdfs/p/big" || { echo "bench/webhdfs.sh: the 256 MiB file differs" >&2; exit 1; }
pl=$(secs "$t0" "$t1")
pw=$(secs "$t1" "$t2")

ratio=$(echo "$best_local / $best_web" | bc -l)
mb=$(echo "$bytes / 1000000" | bc -l)
printf '\nlanding %d records (%.1f MB NDJSON -> %d Parquet files, %d MB), best of %d:\n' \
    "$records" "$mb" "$files" "$out_mb" "$repeat"
printf '  local folder  %6.2f s  %6.1f MB/s\n' "$best_local" "$(echo "$mb / $best_local" | bc -l)"
printf '  webhdfs       %6.2f s  %6.1f MB/s\n' "$best_web" "$(echo "$mb / $best_web" | bc -l)"
printf '  ratio (local s / webhdfs s) %.2f   target >= 0.80\n' "$ratio"
printf 'streaming one 256 MiB file (store_tool put, 1 MiB writes):\n'
printf '  local folder  %6.2f s  %6.1f MB/s\n' "$pl" "$(echo "268.435456 / $pl" | bc -l)"
printf '  webhdfs       %6.2f s  %6.1f MB/s   ratio %.2f\n' "$pw" "$(echo "268.435456 / $pw" | bc -l)" \
    "$(echo "$pl / $pw" | bc -l)"
printf 'server: %s requests, %s NameNode + %s DataNode connections, %s uploads (%s streamed)\n' \
    "$(jq '[.ops[]] | add' "$T/stats")" "$(jq .nn_connections "$T/stats")" "$(jq .dn_connections "$T/stats")" \
    "$(jq .dn_uploads "$T/stats")" "$(jq .chunked_uploads "$T/stats")"
[ "$(echo "$ratio >= 0.8" | bc -l)" -eq 1 ]
