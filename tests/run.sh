#!/bin/sh
# tests/run.sh: README's test suite. Runs, in order:
#   1. every unit-test binary, built with ASan+UBSan (build/asan/tests/*)
#   2. every end-to-end script tests/e2e/*.sh (each prints "ok - name" / "not ok - name" lines)
#   3. a short run of every fuzz target (fuzz/run.sh short)
# and ends with the line "N passed, N failed". Exit status 0 only when nothing failed.
# Set SL_TEST_FILTER=substring to run only matching binaries/scripts.
set -u
cd "$(dirname "$0")/.."
out=build/test-logs
mkdir -p "$out"
pass=0
fail=0
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# count_results LOG STATUS NAME: adds the ok/not ok lines of LOG to the totals; a
# program that failed without printing a "not ok" line counts as one failure.
count_results() {
    log=$1; status=$2; name=$3
    p=$(grep -c '^ok - ' "$log")
    f=$(grep -c '^not ok - ' "$log")
    grep -E '^(not )?ok - ' "$log"
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $name (exit status $status; see $log)"
        f=1
    fi
    if [ "$f" -ne 0 ]; then
        echo "---- $log (last 40 lines) ----"
        tail -n 40 "$log"
    fi
    pass=$((pass + p)); fail=$((fail + f))
}

matches() { [ -z "${SL_TEST_FILTER:-}" ] || case "$1" in *"$SL_TEST_FILTER"*) return 0;; *) return 1;; esac; }

for t in build/asan/tests/test_*; do
    [ -x "$t" ] || continue
    matches "$t" || continue
    name=$(basename "$t")
    log="$out/$name.log"
    start=$(date +%s)
    "$t" > "$log" 2>&1
    status=$?
    echo "# $name ($(( $(date +%s) - start ))s)"
    count_results "$log" "$status" "$name"
done

for s in tests/e2e/*.sh; do
    [ -f "$s" ] || continue
    matches "$s" || continue
    name=$(basename "$s" .sh)
    log="$out/e2e-$name.log"
    start=$(date +%s)
    sh "$s" > "$log" 2>&1
    status=$?
    echo "# e2e $name ($(( $(date +%s) - start ))s)"
    count_results "$log" "$status" "e2e-$name"
done

if [ -f fuzz/run.sh ] && matches fuzz; then
    log="$out/fuzz.log"
    sh fuzz/run.sh short > "$log" 2>&1
    count_results "$log" $? fuzz
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
