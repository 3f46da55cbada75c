#!/bin/sh
# scripts/deps.sh: installs what sluice's build, tests, demo and benchmarks need on
# Debian 12, only what is missing. Run as root or with sudo available.
#   Debian packages: compiler, librdkafka, zstd, snappy, zlib, libcurl, sqlite3, kcat, jq, clang (fuzzing)
#   npm packages (tests/readers/): @duckdb/node-api, parquet-wasm, hyparquet (+ compressors)
# SL_DEPS_SKIP_NPM=1 skips the npm part (the demo does not need it).
set -eu
cd "$(dirname "$0")/.."

pkgs="build-essential pkg-config git librdkafka-dev libzstd-dev libsnappy-dev zlib1g-dev
      libcurl4-openssl-dev libsqlite3-dev sqlite3 kcat jq clang libclang-rt-14-dev nodejs npm
      python3 procps"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "deps: installing Debian packages:$missing" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >&2
fi

if [ "${SL_DEPS_SKIP_NPM:-0}" != 1 ] && [ -f tests/readers/package.json ]; then
    if [ ! -f tests/readers/node_modules/.sluice-installed ] ||
       [ tests/readers/package.json -nt tests/readers/node_modules/.sluice-installed ]; then
        echo "deps: installing npm test readers" >&2
        (cd tests/readers && npm install --no-audit --no-fund --loglevel=error >&2 &&
         touch node_modules/.sluice-installed)
    fi
fi
