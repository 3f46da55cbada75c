#!/bin/sh
# tests/soak.sh: `make soak`: runs every tests/soak_*.sh (long runs at scale, not part of
# `make test`) and ends with "N passed, N failed" like tests/run.sh.
set -u
cd "$(dirname "$0")/.."
pass=0
fail=0
mkdir -p build/test-logs
for s in tests/soak_*.sh; do
    [ -f "$s" ] || continue
    log=build/test-logs/$(basename "$s" .sh).log
    start=$(date +%s)
    sh "$s" > "$log" 2>&1
    status=$?
    echo "# $(basename "$s") ($(( $(date +%s) - start ))s)"
    grep -E '^(not )?ok - |^# ' "$log"
    p=$(grep -c '^ok - ' "$log")
    f=$(grep -c '^not ok - ' "$log")
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "not ok - $s (exit $status)"; fi
    pass=$((pass + p)); fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
