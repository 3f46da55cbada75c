#!/bin/sh
# tests/e2e/tenant.sh: customers kept apart. `sluice land --tenant-from` puts each
# tenant's rows under <table>/tenant=<id>/ and sends every message whose tenant id is
# missing or not [a-z0-9_-]{1,64} (`../b`, `b/../../a`, "", uppercase, 65 bytes) to
# _quarantine with a reason naming the tenant problem, never into any folder:
#   - file mode with field:PATH (top-level and dotted) on a local lake and on the
#     WebHDFS test server (tests/webhdfs/server.mjs);
#   - Kafka mode with header:tenant (headers produced with kcat -H, so hostile values
#     get through) on both backends, and key-prefix;
#   - nothing is written outside the lake's own table folders; the lake's folders are
#     0750 and its files 0640 whatever the umask; --dir-mode/--file-mode; usage errors.
# Prints "ok - tenant:<check>"; exits 1 on any failure.
set -u
export LC_ALL=C
cd "$(dirname "$0")/../.."
S=${SLUICE:-build/sluice}
T=$(mktemp -d)
fails=0
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT INT TERM
ok() { echo "ok - tenant:$1"; }
nok() { echo "not ok - tenant:$1"; fails=$((fails + 1)); }
check() { n=$1; shift; if "$@"; then ok "$n"; else nok "$n"; fi; }
eq() { [ "$1" = "$2" ] || { echo "# got '$1', want '$2'" >&2; return 1; }; }
status_is() { want=$1; shift; "$@" > "$T/out" 2> "$T/err"; st=$?; [ "$st" -eq "$want" ] || { echo "# exit $st, wanted $want: $*" >&2; cat "$T/err" >&2; return 1; }; }
err_has() { grep -q -- "$1" "$T/err" || { echo "# stderr lacks '$1':" >&2; cat "$T/err" >&2; return 1; }; }
wait_line() { i=0; while [ ! -s "$1" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done; [ -s "$1" ]; }
port_of() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" "$1"; }
sql() { "$S" sql --lake "$1" --format csv "$2" | tail -n +2; }
# The folders directly under each table folder of lake $1 (a local path), sorted.
tenant_dirs() { (cd "$1" && find assessments questions options -mindepth 1 -maxdepth 1 -type d | sort | tr '\n' ' '); }
# Every folder of the tree rooted at $1, relative; used to prove nothing escaped.
all_dirs() { (cd "$1" && find . -type d | sort); }

if [ ! -x "$S" ] || ! command -v jq > /dev/null || ! command -v node > /dev/null; then
    nok "setup ($S, jq or node missing)"
    exit 1
fi

# ---- input: 40 attempts, the tenant in "org" (and nested in "meta.org") ----
"$S" gen --records 40 --seed 3 --ndjson > "$T/gen.ndjson" 2> /dev/null
jq -c -s '["acme","../b","b/../../a","globex","",null,"ACME",("x" * 65),"acme",".."] as $t
          | to_entries[] | .value + {org: $t[.key % 10], meta: {org: $t[.key % 10]}}
          | if .org == null then del(.org) | del(.meta.org) else . end' "$T/gen.ndjson" > "$T/in.ndjson"
# Expected: distinct attempts per good tenant, and how many are bad.
want_acme=$(jq -r 'select(.org == "acme") | .keen_id' "$T/in.ndjson" | sort -u | wc -l)
want_globex=$(jq -r 'select(.org == "globex") | .keen_id' "$T/in.ndjson" | sort -u | wc -l)
want_bad=$(jq -r 'select(.org != "acme" and .org != "globex") | .keen_id' "$T/in.ndjson" | wc -l)
check input-has-both [ "$want_acme" -gt 0 ] && [ "$want_globex" -gt 0 ] && [ "$want_bad" -eq 24 ]

# ---- usage errors ----
check usage-from-header status_is 2 "$S" land --from "$T/in.ndjson" --lake "$T/u" --tenant-from header:tenant
check usage-from-header-says err_has 'only --tenant-from field:PATH'
check usage-bad-source status_is 2 "$S" land --from "$T/in.ndjson" --lake "$T/u" --tenant-from cookie
check usage-bad-path status_is 2 "$S" land --from "$T/in.ndjson" --lake "$T/u" --tenant-from field:a..b
check usage-bad-mode status_is 2 "$S" land --from "$T/in.ndjson" --lake "$T/u" --dir-mode 0999
check usage-bad-file-mode status_is 2 "$S" land --from "$T/in.ndjson" --lake "$T/u" --file-mode rw
check usage-nothing-written [ ! -e "$T/u" ]

# ---- local lake, field:org, under a permissive umask ----
L=$T/local/lake
mkdir -p "$T/local"
all_dirs "$T/local" > "$T/before"
check land-field status_is 0 sh -c "umask 000 && exec '$S' land -q --from '$T/in.ndjson' --lake '$L' --tenant-from field:org"
check field-tenant-dirs eq "$(tenant_dirs "$L")" \
    "assessments/tenant=acme assessments/tenant=globex options/tenant=acme options/tenant=globex questions/tenant=acme questions/tenant=globex "
check field-lake-root eq "$(ls -A "$L" | tr '\n' ' ')" "_quarantine _sluice assessments options questions "
check field-nothing-outside eq "$(all_dirs "$T/local" | grep -v '^\./lake' | tr '\n' ' ')" ". "
check field-no-dotdot eq "$(find "$L" -name '*..*' -o -name '*/*' | wc -l)" 0
check field-acme-rows eq "$(sql "$L" "SELECT count(*) FROM assessments WHERE tenant = 'acme'")" "$want_acme"
check field-globex-rows eq "$(sql "$L" "SELECT count(*) FROM assessments WHERE tenant = 'globex'")" "$want_globex"
check field-quarantined eq "$(sql "$L" "SELECT count(*) FROM _quarantine WHERE reason LIKE 'tenant: field org%'")" "$want_bad"
check field-reason-dotdot eq "$(sql "$L" "SELECT count(*) FROM _quarantine WHERE reason LIKE '%\"b/../../a\", not a tenant id%'")" 4
check field-reason-missing eq "$(sql "$L" "SELECT count(*) FROM _quarantine WHERE reason = 'tenant: field org is missing'")" 4
check field-acme-only-acme eq "$(sql "$L" "SELECT count(*) FROM assessments WHERE tenant = 'acme' AND keen_id NOT IN ($(jq -r 'select(.org == "acme") | "'"'"'" + .keen_id + "'"'"'"' "$T/in.ndjson" | paste -sd,))")" 0
check modes-dirs-0750 eq "$(find "$L" -type d ! -perm 0750 | wc -l)" 0
check modes-files-0640 eq "$(find "$L" -type f ! -perm 0640 | wc -l)" 0
check modes-files-exist [ "$(find "$L" -type f -name '*.parquet' | wc -l)" -gt 6 ]

# dotted path, strict umask, explicit modes
L2=$T/local/lake2
check land-dotted status_is 0 sh -c "umask 077 && exec '$S' land -q --from '$T/in.ndjson' --lake '$L2' --tenant-from field:meta.org"
check dotted-tenant-dirs eq "$(tenant_dirs "$L2")" "$(tenant_dirs "$L")"
check dotted-reason eq "$(sql "$L2" "SELECT count(*) FROM _quarantine WHERE reason LIKE 'tenant: field meta.org%'")" "$want_bad"
check modes-umask077-dirs eq "$(find "$L2" -type d ! -perm 0750 | wc -l)" 0
check modes-umask077-files eq "$(find "$L2" -type f ! -perm 0640 | wc -l)" 0
L3=$T/local/lake3
check land-modes status_is 0 "$S" land -q --from "$T/in.ndjson" --lake "$L3" --tenant-from field:org --dir-mode 0700 --file-mode 0600
check modes-explicit-dirs eq "$(find "$L3" -type d ! -perm 0700 | wc -l)" 0
check modes-explicit-files eq "$(find "$L3" -type f ! -perm 0600 | wc -l)" 0

# ---- WebHDFS lake, field:org ----
export HADOOP_USER_NAME=sluicetest
unset HADOOP_TOKEN
node tests/webhdfs/server.mjs --root "$T/hdfs" --owner sluicetest --allow-path /lakes --timeout 600 \
    > "$T/srv" 2> "$T/srv.err" &
pids="$pids $!"
if wait_line "$T/srv"; then
    NN=$(port_of "$T/srv" namenode)
    W="webhdfs://127.0.0.1:$NN/lakes/t"
    check hdfs-land-field status_is 0 "$S" land -q --from "$T/in.ndjson" --lake "$W" --tenant-from field:org
    check hdfs-tenant-dirs eq "$(tenant_dirs "$T/hdfs/lakes/t")" "$(tenant_dirs "$L")"
    check hdfs-nothing-outside eq "$(all_dirs "$T/hdfs" | grep -v '^\./lakes/t/' | tr '\n' ' ')" ". ./lakes ./lakes/t "
    check hdfs-acme-rows eq "$(sql "$W" "SELECT count(*) FROM assessments WHERE tenant = 'acme'")" "$want_acme"
    check hdfs-quarantined eq "$(sql "$W" "SELECT count(*) FROM _quarantine WHERE reason LIKE 'tenant: %'")" "$want_bad"
else
    nok "hdfs-setup (test server did not start: $(cat "$T/srv.err"))"
fi

# ---- Kafka: header:tenant (kcat -H lets hostile values through) and key-prefix ----
"$S" broker --topic att --topic keyed --partitions 1 > "$T/broker.out" 2> "$T/broker.err" &
pids="$pids $!"
if wait_line "$T/broker.out"; then
    BS=$(head -n 1 "$T/broker.out")
    head -n 5 "$T/gen.ndjson" > "$T/k.acme"
    sed -n 6,8p "$T/gen.ndjson" > "$T/k.b"
    sed -n 9,11p "$T/gen.ndjson" > "$T/k.ba"
    sed -n 12,13p "$T/gen.ndjson" > "$T/k.none"
    sed -n 14,15p "$T/gen.ndjson" > "$T/k.upper"
    sed -n 16,18p "$T/gen.ndjson" > "$T/k.globex"
    produced=1
    kcat -P -l -b "$BS" -t att -H tenant=acme "$T/k.acme" 2>> "$T/kcat.err" || produced=0
    kcat -P -l -b "$BS" -t att -H tenant=../b "$T/k.b" 2>> "$T/kcat.err" || produced=0
    kcat -P -l -b "$BS" -t att -H tenant=b/../../a "$T/k.ba" 2>> "$T/kcat.err" || produced=0
    kcat -P -l -b "$BS" -t att -H other=acme "$T/k.none" 2>> "$T/kcat.err" || produced=0
    kcat -P -l -b "$BS" -t att -H tenant=Globex "$T/k.upper" 2>> "$T/kcat.err" || produced=0
    kcat -P -l -b "$BS" -t att -H tenant=globex "$T/k.globex" 2>> "$T/kcat.err" || produced=0
    check kcat-produced [ "$produced" -eq 1 ]
    K=$T/klake
    check kafka-land-header status_is 0 "$S" land -q -b "$BS" -t att -g g1 --once --lake "$K" \
        --tenant-from header:tenant -X session.timeout.ms=6000
    check kafka-tenant-dirs eq "$(tenant_dirs "$K")" "$(tenant_dirs "$L")"
    check kafka-acme-rows eq "$(sql "$K" "SELECT count(*) FROM assessments WHERE tenant = 'acme'")" 5
    check kafka-globex-rows eq "$(sql "$K" "SELECT count(*) FROM assessments WHERE tenant = 'globex'")" 3
    check kafka-quarantined eq "$(sql "$K" "SELECT count(*) FROM _quarantine")" 10
    check kafka-reason-b eq "$(sql "$K" "SELECT count(*) FROM _quarantine WHERE reason LIKE 'tenant: header ''tenant'' is \"../b\"%'")" 3
    check kafka-reason-missing eq "$(sql "$K" "SELECT count(*) FROM _quarantine WHERE reason = 'tenant: the message has no header ''tenant'''")" 2
    check kafka-nothing-outside eq "$(ls -A "$K" | tr '\n' ' ')" "_quarantine _sluice assessments options questions "
    check kafka-modes eq "$(find "$K" -type f ! -perm 0640 | wc -l)$(find "$K" -type d ! -perm 0750 | wc -l)" 00
    if [ -n "${NN:-}" ]; then
        KW="webhdfs://127.0.0.1:$NN/lakes/k"
        check hdfs-kafka-land-header status_is 0 "$S" land -q -b "$BS" -t att -g g2 --once --lake "$KW" \
            --tenant-from header:tenant -X session.timeout.ms=6000
        check hdfs-kafka-tenant-dirs eq "$(tenant_dirs "$T/hdfs/lakes/k")" "$(tenant_dirs "$L")"
        check hdfs-kafka-quarantined eq "$(sql "$KW" "SELECT count(*) FROM _quarantine WHERE reason LIKE 'tenant: %'")" 10
        check hdfs-kafka-nothing-outside eq "$(all_dirs "$T/hdfs" | grep -v -e '^\./lakes/t/' -e '^\./lakes/k/' | tr '\n' ' ')" \
            ". ./lakes ./lakes/k ./lakes/t "
    fi
    # key-prefix: "acme:..." lands; "../b:..." (prefix "..") and "nokey" are quarantined
    printf 'acme:1|%s\n../b:2|%s\nnokey|%s\nglobex/4|%s\n' "$(sed -n 1p "$T/gen.ndjson")" "$(sed -n 2p "$T/gen.ndjson")" \
        "$(sed -n 3p "$T/gen.ndjson")" "$(sed -n 4p "$T/gen.ndjson")" > "$T/keyed"
    kcat -P -b "$BS" -t keyed -K '|' -l "$T/keyed" 2>> "$T/kcat.err"
    KK=$T/kklake
    check kafka-land-key status_is 0 "$S" land -q -b "$BS" -t keyed -g g3 --once --lake "$KK" \
        --tenant-from key-prefix -X session.timeout.ms=6000
    check key-tenants eq "$(sql "$KK" "SELECT tenant, count(*) FROM assessments GROUP BY 1 ORDER BY 1" | tr '\n' ' ')" "acme,1 globex,1 "
    check key-quarantined eq "$(sql "$KK" "SELECT count(*) FROM _quarantine WHERE reason LIKE 'tenant: %key%'")" 2
else
    nok "kafka-setup (broker did not start: $(cat "$T/broker.err"))"
fi

[ "$fails" -eq 0 ]
