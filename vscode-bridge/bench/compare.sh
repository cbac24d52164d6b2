#!/usr/bin/env bash
# Side-by-side benchmark of `xaa bridge` and mcp-remote@0.15.1 on the same upstream (the sample issuer's
# `notes` server, tool `whoami`), with plain HTTP from the same client as the baseline. Per bridge: time from
# process start to the initialize response, p50/p99 of CALLS sequential tools/call and the latency added over
# plain HTTP, idle RSS of the process tree; then ours/mcp-remote ratios (targets: <= 0.5 on startup and added
# p50, <= 1.0 on the first start, <= 0.5 on idle RSS).
#
#   .ci/with-keyring vscode-bridge/bench/compare.sh        # needs the OS keyring for `xaa login`
#   CALLS=200 ROUNDS=1 .ci/with-keyring vscode-bridge/bench/compare.sh
#
# Method: the upstream JVM is warmed first (3,000 plain calls), so neither bridge pays for its JIT; then
# ROUNDS (default 3) rounds run plain HTTP, mcp-remote and xaa in turn (the order alternating), and the
# medians over rounds are compared. `xaa bridge` is launched once before the rounds, as a user's AI client
# launched it the first time: that start (no answer of the server's in the initialize cache yet; keyring,
# token exchange and jwt-bearer before the server can answer); each round adds one more such first start (an
# empty initialize cache of its own), and their median is printed on its own line as "first start".
#
# Builds what is missing (xaa, the sample issuer, the test classes holding the scripted login browser) and
# installs mcp-remote into .ci/node from the npm registry.
#
# Which xaa: XAA=path/to/xaa (a launcher; default vscode-bridge/target/xaa, run with JAVA_HOME as usual), or
# XAA_RUNTIME=path/to/runtime (a jlink runtime, as the distribution bundles): target/xaa and xaa.jar are copied
# next to an AppCDS archive dumped with that runtime from target/cds-training/xaa.classlist (an archive fits
# only the JVM that dumped it), and run with JAVA_HOME=XAA_RUNTIME.
# XAA_CLASSLIST=FILE: the first start also writes the classes it loads to FILE (-XX:DumpLoadedClassList); the
# lines the packaging training run lacks are src/main/launcher/cds-first-start.classlist:
#   grep -v '^#' FILE | grep -vxFf vscode-bridge/target/cds-training/training.classlist
set -euo pipefail
cd "$(dirname "$0")/../.."
calls=${CALLS:-1000}
rounds=${ROUNDS:-3}
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
xaa=${XAA:-vscode-bridge/target/xaa}
if [ -n "${XAA_RUNTIME:-}" ]; then
  mkdir "$work/dist"
  cp vscode-bridge/target/xaa vscode-bridge/target/xaa.jar "$work/dist/"
  "$XAA_RUNTIME/bin/java" -Xshare:dump -Xlog:disable -Xlog:cds=error -XX:SharedArchiveFile="$work/dist/xaa.jsa" \
    -XX:SharedClassListFile=vscode-bridge/target/cds-training/xaa.classlist -cp "$work/dist/xaa.jar" >/dev/null
  export JAVA_HOME=$XAA_RUNTIME
  xaa=$work/dist/xaa
  echo "bench: xaa with the runtime $XAA_RUNTIME ($(du -sh "$XAA_RUNTIME" | cut -f1))" >&2
fi
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
export XAA_CACHE_DIR="$work/cache" # a fresh initialize cache: the first start below is a real first start
echo "bench: load average $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) on $(nproc) cores" >&2
echo "bench: warming the upstream, then $rounds rounds of $calls tools/call per bridge against $url" >&2
python3 $bench --calls 3000 --direct "$url" --header-file "$work/header" >/dev/null
first=$(XAA_JAVA_OPTS="${XAA_JAVA_OPTS:-}${XAA_CLASSLIST:+ -XX:DumpLoadedClassList=$XAA_CLASSLIST}" \
  python3 $bench --calls "$calls" -- "$xaa" bridge notes)
results="$work/results.jsonl"
for r in $(seq "$rounds"); do
  echo "{\"kind\":\"direct\",\"r\":$(python3 $bench --calls "$calls" --direct "$url" --header-file "$work/header")}" >>"$results"
  if [ $((r % 2)) -eq 1 ]; then order="remote ours"; else order="ours remote"; fi
  for who in $order; do
    if [ "$who" = ours ]; then
      echo "{\"kind\":\"ours\",\"r\":$(python3 $bench --calls "$calls" -- "$xaa" bridge notes)}" >>"$results"
      # and a first start (an initialize cache of its own, empty): the token chain before the server answers
      echo "{\"kind\":\"first\",\"r\":$(XAA_CACHE_DIR="$work/cache-first-$r" python3 $bench --calls 20 -- "$xaa" bridge notes)}" >>"$results"
    else
      echo "{\"kind\":\"remote\",\"r\":$(python3 $bench --calls "$calls" -- "$remote" "$url" --allow-http \
        --header "Authorization:$(cat "$work/header")")}" >>"$results"
    fi
  done
done
$xaa logout >/dev/null
echo "bench: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end" >&2

python3 - "$results" "$first" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
first = json.loads(sys.argv[2])
def med(kind, key):
    return statistics.median(r["r"][key] for r in rows if r["kind"] == kind)
d50, d99 = med("direct", "p50_ms"), med("direct", "p99_ms")
print("%-12s p50 %.3f ms  p99 %.3f ms   (medians of %d rounds)" % ("plain HTTP", d50, d99, len([r for r in rows if r["kind"] == "direct"])))
for name, kind in (("xaa bridge", "ours"), ("mcp-remote", "remote")):
    print("%-12s init %7.1f ms  p50 %7.3f ms (+%.3f)  p99 %7.3f ms (+%.3f)  idle RSS %6.1f MB  errors %d" % (
        name, med(kind, "initialize_ms"), med(kind, "p50_ms"), med(kind, "p50_ms") - d50, med(kind, "p99_ms"),
        med(kind, "p99_ms") - d99, med(kind, "idle_rss_kb") / 1024, sum(r["r"]["errors"] for r in rows if r["kind"] == kind)))
firsts = [first["initialize_ms"]] + [r["r"]["initialize_ms"] for r in rows if r["kind"] == "first"]
first_ms = statistics.median(firsts)
print("%-12s init %7.1f ms  (first start, median of %d: nothing cached yet, token chain before the server answers; %s)" % (
    "xaa, first", first_ms, len(firsts), " ".join("%.0f" % f for f in firsts)))
added = lambda kind, key, base: max(med(kind, key) - base, 0.001)
print("ratios ours/mcp-remote: startup %.2f (target <= 0.5; first start %.2f, <= 1.0)  added p50 %.2f (<= 0.5)  "
      "added p99 %.2f  p50 %.2f  idle RSS %.2f (<= 0.5)" % (
    med("ours", "initialize_ms") / med("remote", "initialize_ms"), first_ms / med("remote", "initialize_ms"),
    added("ours", "p50_ms", d50) / added("remote", "p50_ms", d50), added("ours", "p99_ms", d99) / added("remote", "p99_ms", d99),
    med("ours", "p50_ms") / med("remote", "p50_ms"), med("ours", "idle_rss_kb") / med("remote", "idle_rss_kb")))
PY
