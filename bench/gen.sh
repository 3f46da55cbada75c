#!/bin/sh
# bench/gen.sh: `sluice gen` output speed against Node's JSON.stringify, in the same run.
#
# build/bench/gen_write times sl_gen_write of N records (NDJSON) into a byte-counting sink:
# the whole generator (simulating attempts + formatting JSON), one thread, best of K.
# bench/gen_node.mjs loads the same records (untimed) and times only JSON.stringify of
# every record, best of K, and checks it reproduces sluice's bytes exactly.
# Targets: sluice >= 200 MB/s, and ratio (node seconds / sluice seconds) >= 1.0: generating
# and formatting a record costs less than V8 serialising a ready-made one.
#
# Environment: GEN_BENCH_RECORDS (default 50000, ~145 MB), GEN_BENCH_REPEAT (default 3),
# GEN_BENCH_OUT (default bench/out/gen). Exit 0 when both targets are met, 1 otherwise.
set -eu
cd "$(dirname "$0")/.."
records=${GEN_BENCH_RECORDS:-50000}
repeat=${GEN_BENCH_REPEAT:-3}
out=${GEN_BENCH_OUT:-bench/out/gen}
mkdir -p "$out"
if [ ! -x build/bench/gen_write ]; then
    echo "bench/gen.sh: build/bench/gen_write is missing (run: make bench)" >&2
    exit 1
fi
build/bench/gen_write --records "$records" --repeat "$repeat" --out "$out/records.ndjson" > "$out/sluice.txt"
node --max-old-space-size=4096 bench/gen_node.mjs --in "$out/records.ndjson" --repeat "$repeat" > "$out/node.txt"
rm -f "$out/records.ndjson"

val() { sed -n "s/^$2=//p" "$1"; }
awk -v n="$records" -v rep="$repeat" -v ss="$(val "$out/sluice.txt" sluice_seconds)" \
    -v sa="$(val "$out/sluice.txt" sluice_seconds_all)" -v sb="$(val "$out/sluice.txt" sluice_bytes)" \
    -v ds="$(val "$out/node.txt" node_seconds)" -v da="$(val "$out/node.txt" node_seconds_all)" \
    -v db="$(val "$out/node.txt" node_bytes)" -v same="$(val "$out/node.txt" identical)" 'BEGIN {
    smb = sb / 1e6 / ss; dmb = db / 1e6 / ds; ratio = ds / ss
    printf "records:            %d (%.1f MB of NDJSON), best of %d\n", n, sb / 1e6, rep
    printf "sluice gen:         %.4f s  %7.1f MB/s  (all: %s)\n", ss, smb, sa
    printf "node JSON.stringify: %.4f s %7.1f MB/s  (all: %s)\n", ds, dmb, da
    printf "ratio (node s / sluice s): %.2f   target >= 1.0\n", ratio
    printf "stringify reproduces sluice bytes: %s (%d vs %d bytes)\n", same, db, sb
    ok = (smb >= 200 && ratio >= 1.0 && same == "yes" && db == sb)
    printf "%s\n", ok ? "target met" : "target MISSED"
    exit ok ? 0 : 1
}'
