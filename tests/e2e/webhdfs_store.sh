#!/bin/sh
# tests/e2e/webhdfs_store.sh: the WebHDFS store through the sl_store API
# (build/tools/store_tool) against the WebHDFS test server (tests/webhdfs/server.mjs):
# streamed and small uploads read back byte for byte with ranged reads, listings,
# renames that never overwrite, deletes, connection reuse, HttpFS, a standby
# NameNode, delegation tokens, a DataNode host rewrite, and clear refusals
# (AccessControlException by name and message). Prints "ok - webhdfs_store:<check>".
set -u
cd "$(dirname "$0")/../.."
# The sanitizer build of the tool when there is one (make asan): leaks and overflows fail.
TOOL=${STORE_TOOL:-build/asan/tools/store_tool}
[ -x "$TOOL" ] || TOOL=build/tools/store_tool
T=$(mktemp -d)
fails=0
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT INT TERM

ok() { echo "ok - webhdfs_store:$1"; }
nok() { echo "not ok - webhdfs_store:$1"; fails=$((fails + 1)); }
check() { n=$1; shift; if "$@"; then ok "$n"; else nok "$n"; fi; }
# has FILE TEXT: FILE contains TEXT (fixed string); shows FILE when not.
has() { grep -qF -- "$2" "$1" || { echo "# $1 lacks '$2':" >&2; head -5 "$1" >&2; return 1; }; }
wait_line() { i=0; while [ ! -s "$1" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done; [ -s "$1" ]; }
port_of() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" "$1"; }

if [ ! -x "$TOOL" ] || ! command -v node > /dev/null; then
    nok "setup ($TOOL or node missing: run make)"
    exit 1
fi
export HADOOP_USER_NAME=sluicetest
unset HADOOP_TOKEN

node tests/webhdfs/server.mjs --root "$T/root" --owner sluicetest --allow-path /lake --standby --httpfs \
    --token tok-e2e-123=sluicetest --datanode-host dn1.sluice.invalid --timeout 300 > "$T/srv" 2> "$T/srv.err" &
pids="$pids $!"
if ! wait_line "$T/srv"; then
    nok "setup (test server did not start: $(cat "$T/srv.err"))"
    exit 1
fi
NN=$(port_of "$T/srv" namenode)
SB=$(port_of "$T/srv" standby)
GW=$(port_of "$T/srv" httpfs)
RW="dn1.sluice.invalid=127.0.0.1"
L="webhdfs://127.0.0.1:$NN/lake?datanode_rewrite=$RW"
st() { curl -s "http://127.0.0.1:$NN/admin/stats" | jq -r "$1 // 0"; }
admin() { curl -s "http://127.0.0.1:$NN/admin/$1" > /dev/null; }
tool() { "$TOOL" "$@" > "$T/out" 2> "$T/err"; }
tool_env() { env "$1" "$TOOL" "$L" stat d/big.bin > "$T/out" 2> "$T/err"; }

head -c 3145728 /dev/urandom > "$T/big"
head -c 1000 /dev/urandom > "$T/small"
printf '{"manifest":1}' > "$T/m.json"

# ---- streamed upload (odd write size), ranged reads
check put-streamed tool "$L" put d/big.bin "$T/big" 99991
check get-ranged sh -c "\"$TOOL\" \"$L\" get d/big.bin \"$T/big.out\" 300007 && cmp -s \"$T/big\" \"$T/big.out\""
check same-bytes-on-server cmp -s "$T/big" "$T/root/lake/d/big.bin"
check upload-was-chunked [ "$(st .chunked_uploads)" -ge 1 ]
tool "$L" stat d/big.bin
check stat-size has "$T/out" "file 3145728"
check put-small tool "$L" put d/small "$T/small"
tool "$L" list d
check list-sorted [ "$(cat "$T/out")" = "$(printf 'big.bin\tfile\t3145728\nsmall\tfile\t1000')" ]
# modes as the NameNode reports them (the server keeps them in memory)
check mode-file sh -c "curl -s 'http://127.0.0.1:$NN/webhdfs/v1/lake/d/small?op=GETFILESTATUS&user.name=sluicetest' | jq -e '.FileStatus.permission == \"640\"' > /dev/null"
check mode-dir sh -c "curl -s 'http://127.0.0.1:$NN/webhdfs/v1/lake/d?op=GETFILESTATUS&user.name=sluicetest' | jq -e '.FileStatus.permission == \"750\"' > /dev/null"

# ---- never overwrite
tool "$L" put d/small "$T/small"
check create-existing-refused has "$T/out" "ERR exists: webhdfs://127.0.0.1:$NN/lake/d/small: already exists"
check rename tool "$L" rename d/small e/f/small2
check rename-moved sh -c "cmp -s \"$T/small\" \"$T/root/lake/e/f/small2\" && [ ! -e \"$T/root/lake/d/small\" ]"
tool "$L" rename d/big.bin e/f/small2
check rename-onto-existing-refused has "$T/out" "ERR exists:"
check rename-kept-both sh -c "cmp -s \"$T/big\" \"$T/root/lake/d/big.bin\" && cmp -s \"$T/small\" \"$T/root/lake/e/f/small2\""
tool "$L" rename nope x
check rename-missing has "$T/out" "ERR notfound:"
check putatomic tool "$L" putatomic m/x.json "$T/m.json"
tool "$L" cat m/x.json
check cat has "$T/out" '{"manifest":1}'
tool "$L" list m
check putatomic-no-leftover [ "$(cat "$T/out")" = "$(printf 'x.json\tfile\t14')" ]
tool "$L" abort d/gone "$T/big" 200000
check abort-removes [ ! -e "$T/root/lake/d/gone" ]
tool "$L" delete e
check delete-nonempty-refused has "$T/out" "PathIsNotEmptyDirectoryException"
check delete-recursive sh -c "\"$TOOL\" \"$L\" delete e -r && [ ! -e \"$T/root/lake/e\" ]"
check delete-missing-ok tool "$L" delete e/none

# ---- one process, many files: connections are reused
i=0
: > "$T/script"
while [ $i -lt 40 ]; do echo "put many/f$i $T/small" >> "$T/script"; i=$((i + 1)); done
echo "list many" >> "$T/script"
curl -s "http://127.0.0.1:$NN/admin/stats" > "$T/s0"
"$TOOL" "$L" - < "$T/script" > "$T/out" 2> "$T/err"
curl -s "http://127.0.0.1:$NN/admin/stats" > "$T/s1"
d() { echo $(( $(jq -r "$1" "$T/s1") - $(jq -r "$1" "$T/s0") )); }
check many-files [ "$(grep -c 'file	1000' "$T/out")" -eq 40 ]
check many-uploads [ "$(d .dn_uploads)" -eq 40 ]
check datanode-connection-reused [ "$(d .dn_connections)" -le 2 ]
# one for the second stats request itself
check namenode-connection-reused [ "$(d .nn_connections)" -le 3 ]

# ---- redirects to a DataNode name that does not resolve: clear error, or the rewrite rule
"$TOOL" "webhdfs://127.0.0.1:$NN/lake?retries=0" put r/x "$T/small" > "$T/out"
check no-rewrite-clear-error has "$T/out" "DataNode dn1.sluice.invalid:"
check rewrite-by-option sh -c "\"$TOOL\" -w '$RW' 'webhdfs://127.0.0.1:$NN/lake' put r/y \"$T/small\" && cmp -s \"$T/small\" \"$T/root/lake/r/y\""

# ---- HttpFS gateway: one endpoint, no DataNode
dn0=$(st '.ops.DN_CREATE')
check httpfs-put tool "webhdfs://127.0.0.1:$GW/lake?httpfs=1" put h/big "$T/big" 65536
check httpfs-get sh -c "\"$TOOL\" -H \"webhdfs://127.0.0.1:$GW/lake\" get h/big \"$T/h.out\" 1000000 && cmp -s \"$T/big\" \"$T/h.out\""
check httpfs-no-datanode [ "$(st '.ops.DN_CREATE')" -eq "$dn0" ]

# ---- HA: the standby NameNode listed first
sb0=$(st .standby_answers)
check standby-first tool "webhdfs://127.0.0.1:$SB,127.0.0.1:$NN/lake?datanode_rewrite=$RW" get d/big.bin "$T/ha.out"
check standby-answered [ "$(st .standby_answers)" -gt "$sb0" ]
check standby-read-same cmp -s "$T/big" "$T/ha.out"
admin failover
check after-failover tool "webhdfs://127.0.0.1:$SB,127.0.0.1:$NN/lake?datanode_rewrite=$RW" stat d/big.bin
admin failover

# ---- delegation token instead of user.name (the server refuses both at once)
check token-accepted tool_env HADOOP_TOKEN=tok-e2e-123
check token-alone [ "$(st .both_auth)" -eq 0 ]
env HADOOP_TOKEN=tok-e2e-999 "$TOOL" "$L" stat d/big.bin > "$T/out" 2>&1
check bad-token-named has "$T/out" "InvalidToken"
check bad-token-not-printed sh -c "! grep -q 'tok-e2e-999' \"$T/out\""

# ---- TLS (swebhdfs://): works with the CA given, refused clearly without it
if openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$T/key.pem" -out "$T/cert.pem" > /dev/null 2>&1; then
    node tests/webhdfs/server.mjs --root "$T/tlsroot" --owner sluicetest --tls "$T/cert.pem" "$T/key.pem" \
        --timeout 300 > "$T/tls.srv" 2> "$T/tls.err" &
    pids="$pids $!"
    wait_line "$T/tls.srv"
    TN=$(port_of "$T/tls.srv" namenode)
    check tls-put tool "swebhdfs://127.0.0.1:$TN/lake?ca_file=$T/cert.pem" put t/big "$T/big" 65536
    check tls-get sh -c "\"$TOOL\" \"swebhdfs://127.0.0.1:$TN/lake?ca_file=$T/cert.pem\" get t/big \"$T/t.out\" 500000 && cmp -s \"$T/big\" \"$T/t.out\""
    check tls-on-server cmp -s "$T/big" "$T/tlsroot/lake/t/big"
    "$TOOL" "swebhdfs://127.0.0.1:$TN/lake" stat t/big > "$T/out" 2>&1
    check tls-unknown-ca-refused has "$T/out" "certificate"
else
    nok "tls (openssl could not make a certificate)"
fi

# ---- Kerberos mode sends no user.name (the server, without SPNEGO, sees the anonymous user)
"$TOOL" "webhdfs://127.0.0.1:$NN/lake?auth=kerberos" stat d > "$T/out" 2>&1
check kerberos-no-user-name has "$T/out" "Permission denied: user=dr.who"

# ---- refusals are clear
"$TOOL" -u mallory "$L" stat d > "$T/out" 2>&1
check access-denied-named has "$T/out" "AccessControlException: Permission denied: user=mallory"
"$TOOL" "webhdfs://127.0.0.1:$NN/elsewhere" stat x > "$T/out" 2>&1
check outside-root-denied has "$T/out" "AccessControlException"
"$TOOL" "webhdfs://127.0.0.1:$NN/lake?token=abc" stat x > "$T/out" 2>&1
check token-in-uri-refused has "$T/out" "HADOOP_TOKEN"
"$TOOL" "webhdfs://127.0.0.1:1/lake?retries=1" stat x > "$T/out" 2>&1
check unreachable-retry has "$T/out" "NameNode 127.0.0.1:1:"
check no-temp-files [ -z "$(find "$T/root" -name '.*.tmp' -o -name '_tmp.*')" ]

[ "$fails" -eq 0 ]
