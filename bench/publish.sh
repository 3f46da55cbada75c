#!/bin/sh
# bench/publish.sh [MB]: `sluice publish` against its peers, side by side, same run (MB of
# generated input, default 500: the size issue 4 names; 50 is handy while developing):
#   A  sluice publish FILE.json                      (JSON array, validated, compacted)
#   B  jq -c '.[]' FILE.json | kcat -P -t ...         (the usual shell pipeline)
#   C  kcat -P -l FILE.jsonl                          (kcat fed the pre-split NDJSON)
#   D  sluice publish FILE.jsonl                      (same input as C)
# All to the same embedded broker (sluice broker), one topic each with the same
# partitions, the same producer settings (idempotent, zstd, linger.ms=50,
# batch.size=1000000, 16 MB queue). Data: `sluice gen` (about 2.9 kB per record).
# Prints wall seconds, MB/s (of input), CPU seconds, peak RSS, the broker process's CPU
# seconds during each run, and the ratios the targets name: B/A >= 20 (wall), A/C <= 1.25
# (wall), sluice's peak RSS < 64 MB; D/C for reference. Ends with a RESULT line; exit 1
# when a target is missed. Environment: SL_BENCH_DIR (scratch, default
# build/bench-publish), SL_BENCH_PARTITIONS (default 16), SL_BENCH_REPEAT (default 1,
# the best run of each is kept).
set -eu
cd "$(dirname "$0")/.."
MB=${1:-500}
S=${SLUICE:-build/sluice}
D=${SL_BENCH_DIR:-build/bench-publish}
PARTS=${SL_BENCH_PARTITIONS:-16}
REPEAT=${SL_BENCH_REPEAT:-1}
mkdir -p "$D"
for tool in kcat jq /usr/bin/time; do
    command -v "$tool" > /dev/null || { echo "bench/publish.sh: $tool is required" >&2; exit 2; }
done
[ -x "$S" ] || { echo "bench/publish.sh: build $S first (make)" >&2; exit 2; }

records=$((MB * 1000000 / 2900))
if [ ! -s "$D/in-$MB.json" ] || [ ! -s "$D/in-$MB.jsonl" ]; then
    echo "# generating $records records (~$MB MB) with sluice gen" >&2
    "$S" gen --records "$records" --seed 42 -o "$D/in-$MB.json" 2> /dev/null
    "$S" gen --records "$records" --seed 42 --ndjson -o "$D/in-$MB.jsonl" 2> /dev/null
fi
bytes=$(wc -c < "$D/in-$MB.json")

rm -f "$D/broker.out" # a previous run's line must not pass for this broker's
"$S" broker --partitions "$PARTS" --topic pa --topic pb --topic pc --topic pd \
    > "$D/broker.out" 2> "$D/broker.err" &
bpid=$!
trap 'kill $bpid 2>/dev/null' EXIT
i=0; while [ ! -s "$D/broker.out" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
BS=$(head -n 1 "$D/broker.out")
[ -n "$BS" ] || { echo "bench/publish.sh: the broker did not start in 30 s:" >&2; cat "$D/broker.err" >&2; exit 1; }

X="-X enable.idempotence=true -X compression.codec=zstd -X linger.ms=50 -X batch.size=1000000 -X queue.buffering.max.kbytes=16384"

# broker_ticks: CPU time (user + system, clock ticks) the broker process used so far.
broker_ticks() { awk '{print $14 + $15}' "/proc/$bpid/stat"; }
tck=$(getconf CLK_TCK)

# run NAME CMD: runs CMD under /usr/bin/time (REPEAT times), keeps the fastest run; sets
# NAME_s (wall seconds), NAME_cpu (user + system seconds of CMD and its children),
# NAME_kb (peak RSS of the largest process, kB) and NAME_bk (broker CPU seconds meanwhile).
run() {
    name=$1; cmd=$2; best=""
    r=0
    while [ $r -lt "$REPEAT" ]; do
        t0=$(broker_ticks)
        /usr/bin/time -f '%e %U %S %M' -o "$D/time.$name" sh -c "$cmd" > /dev/null 2> "$D/err.$name" ||
            { echo "bench/publish.sh: $name failed:" >&2; cat "$D/err.$name" >&2; exit 1; }
        t1=$(broker_ticks)
        read -r s u sy kb < "$D/time.$name"
        if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then
            best=$s
            eval "${name}_s=$s; ${name}_cpu=$(awk "BEGIN{print $u + $sy}"); ${name}_kb=$kb"
            eval "${name}_bk=$(awk "BEGIN{print ($t1 - $t0) / $tck}")"
        fi
        r=$((r + 1))
    done
}

run A "exec $S publish -q -b '$BS' -t pa '$D/in-$MB.json'"
run B "jq -c '.[]' '$D/in-$MB.json' | kcat -P -b '$BS' -t pb $X"
run C "exec kcat -P -b '$BS' -t pc $X -l '$D/in-$MB.jsonl'"
run D "exec $S publish -q -b '$BS' -t pd '$D/in-$MB.jsonl'"

mbs() { awk "BEGIN{printf \"%.1f\", $bytes / 1e6 / $1}"; }
ratio() { awk "BEGIN{printf \"%.2f\", $1 / $2}"; }
echo "input: $records records, $bytes bytes (array); broker partitions per topic: $PARTS; $(nproc) cores; load $(cut -d' ' -f1 /proc/loadavg)"
echo "| run | command | wall s | MB/s | CPU s (user+sys) | peak RSS | broker CPU s |"
echo "|---|---|---|---|---|---|---|"
echo "| A | sluice publish FILE.json | $A_s | $(mbs "$A_s") | $A_cpu | $((A_kb / 1024)) MB | $A_bk |"
echo "| B | jq -c '.[]' FILE.json \\| kcat -P | $B_s | $(mbs "$B_s") | $B_cpu | $((B_kb / 1024)) MB (largest process) | $B_bk |"
echo "| C | kcat -P -l FILE.jsonl | $C_s | $(mbs "$C_s") | $C_cpu | $((C_kb / 1024)) MB | $C_bk |"
echo "| D | sluice publish FILE.jsonl | $D_s | $(mbs "$D_s") | $D_cpu | $((D_kb / 1024)) MB | $D_bk |"
echo
echo "B/A jq|kcat vs sluice (target >= 20): wall $(ratio "$B_s" "$A_s"), CPU $(ratio "$B_cpu" "$A_cpu")"
echo "A/C sluice array vs kcat NDJSON (target <= 1.25): wall $(ratio "$A_s" "$C_s"), CPU $(ratio "$A_cpu" "$C_cpu")"
echo "D/C sluice NDJSON vs kcat NDJSON: wall $(ratio "$D_s" "$C_s"), CPU $(ratio "$D_cpu" "$C_cpu")"
echo "sluice publish peak RSS (target < 64 MB): $((A_kb / 1024)) MB array, $((D_kb / 1024)) MB NDJSON"
echo "RESULT publish mb=$MB bytes=$bytes sluice_s=$A_s sluice_cpu_s=$A_cpu sluice_rss_mb=$((A_kb / 1024)) jq_kcat_s=$B_s jq_kcat_cpu_s=$B_cpu kcat_ndjson_s=$C_s kcat_ndjson_cpu_s=$C_cpu ratio=$(ratio "$B_s" "$A_s") cpu_ratio=$(ratio "$B_cpu" "$A_cpu") vs_kcat=$(ratio "$A_s" "$C_s")"
if awk -v b="$B_s" -v a="$A_s" -v c="$C_s" -v kb="$A_kb" -v kd="$D_kb" \
    'BEGIN { exit !(b / a >= 20 && a / c <= 1.25 && kb < 65536 && kd < 65536) }'; then
    echo "targets: MET"
else
    echo "targets: MISSED (B/A >= 20 wall, A/C <= 1.25 wall, peak RSS < 64 MB)"
    exit 1
fi
