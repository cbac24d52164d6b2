#!/usr/bin/env bash
# Side-by-side benchmark of `xaa bridge` and mcp-remote@0.15.1 on the same upstream (the sample issuer's
# `notes` server, tool `whoami`), plus plain HTTP as the baseline. Prints, per bridge: time from process start
# to the initialize response, p50/p99 latency of CALLS sequential tools/call and the added latency over plain
# HTTP, idle RSS of the process tree; then ours/mcp-remote ratios (issue 4 item 8 targets: ≤ 0.5 startup and
# p50, ≤ 0.7 RSS).
#
#   .ci/with-keyring vscode-bridge/bench/compare.sh        # needs the OS keyring for `xaa login`
#   CALLS=200 .ci/with-keyring vscode-bridge/bench/compare.sh
#
# Builds what is missing (xaa, the sample issuer, the test classes holding the scripted login browser) and
# installs mcp-remote into .ci/node from the npm registry.
set -euo pipefail
cd "$(dirname "$0")/../.."
calls=${CALLS:-1000}
if [ ! -x vscode-bridge/target/xaa ] || [ ! -f sample-issuer/target/sample-issuer.jar ] \
   || [ ! -f connector-core/target/test-classes/dev/xaa4j/connector/testing/TestBrowser.class ]; then
  ./mvnw -B -q -DskipTests install -pl vscode-bridge -am
fi
remote=.ci/node/node_modules/.bin/mcp-remote
[ -x "$remote" ] || npm install --prefix .ci/node --no-audit --no-fund --silent mcp-remote@0.15.1 >/dev/null

work=$(mktemp -d /tmp/xaa-bench.XXXXXX)
issuer_pid=
cleanup() { [ -n "$issuer_pid" ] && kill "$issuer_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
java -jar sample-issuer/target/sample-issuer.jar --port-base 0 --state-dir "$work/issuer" >"$work/ready.json" 2>"$work/issuer.log" &
issuer_pid=$!
for _ in $(seq 100); do [ -s "$work/ready.json" ] && break; sleep 0.2; done
idp=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["idp"])' "$work/ready.json")
url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["servers"]["notes"])' "$work/ready.json")

export XAA_CONFIG="$work/config.json"
xaa=vscode-bridge/target/xaa
$xaa idp "$idp" --client-id xaa-desktop --auth-method client_secret_basic >/dev/null
$xaa server add notes "$url" --as-client-id xaa-desktop-mcp >/dev/null
echo xaa-desktop-demo-secret | $xaa secret set idp-client-secret >/dev/null
echo xaa-desktop-mcp-demo-secret | $xaa secret set as-client-secret notes >/dev/null
cat >"$work/browser.sh" <<SH
#!/bin/sh
exec java -cp "$PWD/connector-core/target/test-classes" dev.xaa4j.connector.testing.TestBrowser --user alice "\$@" >/dev/null 2>&1
SH
chmod 700 "$work/browser.sh"
BROWSER="$work/browser.sh" $xaa login >/dev/null
( umask 077; $xaa token notes --format header | sed 's/^Authorization: //' >"$work/header" )

bench=vscode-bridge/bench/stdio_bench.py
echo "bench: $calls tools/call per bridge against $url" >&2
direct=$(python3 $bench --calls "$calls" --direct "$url" --header-file "$work/header")
ours=$(python3 $bench --calls "$calls" -- "$xaa" bridge notes)
theirs=$(python3 $bench --calls "$calls" -- "$remote" "$url" --allow-http --header "Authorization:$(cat "$work/header")")
$xaa logout >/dev/null

python3 - "$direct" "$ours" "$theirs" <<'PY'
import json, sys
d, o, t = (json.loads(a) for a in sys.argv[1:4])
def row(name, r):
    print("%-12s init %7.1f ms  p50 %7.3f ms (+%.3f)  p99 %7.3f ms (+%.3f)  idle RSS %6.1f MB  errors %d" % (
        name, r["initialize_ms"], r["p50_ms"], r["p50_ms"] - d["p50_ms"], r["p99_ms"], r["p99_ms"] - d["p99_ms"],
        r["idle_rss_kb"] / 1024, r["errors"]))
print("%-12s p50 %.3f ms  p99 %.3f ms" % ("plain HTTP", d["p50_ms"], d["p99_ms"]))
row("xaa bridge", o)
row("mcp-remote", t)
added = lambda r: max(r["p50_ms"] - d["p50_ms"], 0.001)
print("ratios ours/mcp-remote: startup %.2f (target <= 0.5)  added p50 %.2f (<= 0.5)  p50 %.2f  idle RSS %.2f (<= 0.7)" % (
    o["initialize_ms"] / t["initialize_ms"], added(o) / added(t), o["p50_ms"] / t["p50_ms"], o["idle_rss_kb"] / t["idle_rss_kb"]))
PY
