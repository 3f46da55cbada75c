#!/bin/sh
# bench/run.sh: runs every benchmark script bench/*.sh (except itself) in turn, as `make bench`
# does after building. Each script prints its own figures (compared against its named peer in the
# same run) and exits non-zero when it fails or misses its target. Set BENCH_FILTER=substring to
# run only matching scripts. Ends with "N benchmarks: N met, N missed"; exit 1 if any missed.
set -u
cd "$(dirname "$0")/.."
met=0
missed=0
for s in bench/*.sh; do
    [ -f "$s" ] || continue
    [ "$(basename "$s")" = run.sh ] && continue
    case "$s" in *"${BENCH_FILTER:-}"*) ;; *) continue ;; esac
    echo "== $s"
    start=$(date +%s)
    if sh "$s"; then
        met=$((met + 1))
    else
        missed=$((missed + 1))
        echo "== $s: failed or missed its target"
    fi
    echo "== $s took $(( $(date +%s) - start )) s"
done
echo "$((met + missed)) benchmarks: $met met, $missed missed"
[ "$missed" -eq 0 ]
