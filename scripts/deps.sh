#!/bin/sh
# scripts/deps.sh: installs what sluice's build, tests, demo and benchmarks need on
# Debian 12, only what is missing. Run as root or with sudo available.
#   Debian packages: compiler, librdkafka, zstd, snappy, zlib, libcurl, sqlite3, kcat, jq, clang (fuzzing),
#   jansson + cJSON (peers of bench/json_parse only)
#   npm packages (tests/readers/): @duckdb/node-api, parquet-wasm, hyparquet (+ compressors)
# SL_DEPS_SKIP_NPM=1 skips the npm part (the demo does not need it).
set -eu
cd "$(dirname "$0")/.."

pkgs="build-essential pkg-config git librdkafka-dev libzstd-dev libsnappy-dev zlib1g-dev
      libcurl4-openssl-dev libsqlite3-dev sqlite3 kcat jq clang libclang-rt-14-dev
      python3 procps time libjansson-dev libcjson-dev"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# Node.js: any node >= 18 with npm will do (it may come from another repository than
# Debian's, whose npm package would conflict with it), so look for the commands.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    missing="$missing nodejs npm"
fi
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
