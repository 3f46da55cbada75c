#!/bin/sh
# fuzz/run.sh short|long: runs every libFuzzer target in build/fuzz/ on its seed
# corpus fuzz/seeds/<target>/ (copied to a scratch corpus). "short" gives each
# target FUZZ_SHORT_SECONDS (default 15) and prints "ok - fuzz:<target>" when it found
# nothing; "long" runs each for FUZZ_LONG_SECONDS (default 1800) and keeps the corpus
# in fuzz/corpus-<target>/. A crash leaves its input in build/fuzz/crash-*.
# The short run (part of `make test`) starts from a fixed seed (FUZZ_SEED, default 1),
# so it repeats what it explored when nothing changed: a test run does not fail by
# chance; finding new bugs is the long run's job (a random seed each time).
set -u
cd "$(dirname "$0")/.."
mode=${1:-short}
case $mode in
    short) secs=${FUZZ_SHORT_SECONDS:-15}; seed="-seed=${FUZZ_SEED:-1}" ;;
    long) secs=${FUZZ_LONG_SECONDS:-1800}; seed="" ;;
    *) echo "usage: fuzz/run.sh short|long" >&2; exit 2 ;;
esac
status=0
for t in build/fuzz/fuzz_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    if [ "$mode" = long ]; then corpus=fuzz/corpus-$name; else corpus=build/fuzz/corpus-$name; rm -rf "$corpus"; fi
    mkdir -p "$corpus"
    [ -d "fuzz/seeds/$name" ] && cp -r "fuzz/seeds/$name/." "$corpus/"
    dict=""
    [ -f "fuzz/$name.dict" ] && dict="-dict=fuzz/$name.dict"
    if "$t" $dict $seed -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix=build/fuzz/crash-$name- "$corpus" > "build/fuzz/$name.log" 2>&1; then
        echo "ok - fuzz:$name ($secs s, $(grep -o 'stat::number_of_executed_units: [0-9]*' build/fuzz/$name.log | awk '{print $2}') runs)"
    else
        echo "not ok - fuzz:$name"
        tail -n 30 "build/fuzz/$name.log"
        status=1
    fi
done
exit $status
