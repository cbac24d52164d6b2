#!/usr/bin/env bash
# Side-by-side benchmark of `xaa bridge` and mcp-remote@0.15.1 on the same upstream server of the sample
# issuer, with plain HTTP from the same client as the baseline. Per bridge: time from process start to the
# initialize response, p50/p99 of CALLS sequential tools/call and the latency added over plain HTTP, idle RSS
# of the process tree; then ours/mcp-remote ratios against the targets below, and exit status 1 when one is
# missed.
#
#   .ci/with-keyring vscode-bridge/bench/compare.sh                # EMA: the `notes` server, tool `whoami`
#   .ci/with-keyring vscode-bridge/bench/compare.sh --plain-oauth  # plain MCP OAuth: the `wiki` server
#   CALLS=200 ROUNDS=1 .ci/with-keyring vscode-bridge/bench/compare.sh
#
# EMA (default): xaa signs in at the IdP once (`xaa login`, scripted browser) and gets the notes token through
# the token exchange and jwt-bearer; mcp-remote, which has no EMA, is given that token as a static `--header`.
# Targets: startup <= 0.5, first start <= 1.0, added p50 <= 0.5, idle RSS <= 0.5.
#
# --plain-oauth (or SERVER=wiki): both bridges use their own stored OAuth grant for the plain-OAuth `wiki`
# server. Before the measurement each signs in once through its own authorization-code flow with the same
# scripted browser (the sample issuer's dev auto-approve): `xaa login wiki`, and `mcp-remote-client URL`
# (mcp-remote opens the browser through the `open` package, whose bundled xdg-open runs $BROWSER when there is
# no desktop), which registers a client (DCR) and stores its client info and tokens under
# $MCP_REMOTE_CONFIG_DIR/mcp-remote-v1/<md5 of the URL>_*.json. During the measurement no browser may open:
# BROWSER then points at a script that only records the attempt, and the run fails if one was made.
# Targets: startup <= 0.5, added p50 <= 0.5, idle RSS <= 0.6 (the first start is printed, not a target).
#
# mcp-remote runs with HOME and MCP_REMOTE_CONFIG_DIR in the run's temp directory, never the real home.
#
# Method: the upstream JVM is warmed first (3,000 plain calls), so neither bridge pays for its JIT; then
# ROUNDS (default 3) rounds run plain HTTP, mcp-remote and xaa in turn (the order alternating), and the
# medians over rounds are compared. `xaa bridge` is launched once before the rounds, as a user's AI client
# launched it the first time: that start (no answer of the server's in the initialize cache yet; keyring and
# the token before the server can answer); each round adds one more such first start (an empty initialize
# cache of its own), and their median is printed on its own line as "first start".
#
# Builds what is missing (xaa, the sample issuer, the test classes holding the scripted login browser) and
# installs mcp-remote into .ci/node from the npm registry.
#
# Which xaa: XAA=path/to/xaa (a launcher; default vscode-bridge/target/xaa, run with JAVA_HOME as usual), or
# XAA_RUNTIME=path/to/runtime (a jlink runtime, as the distribution bundles): target/xaa and xaa.jar are copied
# next to an AppCDS archive dumped with that runtime from target/xaa.classlist (an archive fits
# only the JVM that dumped it), and run with JAVA_HOME=XAA_RUNTIME.
# XAA_CLASSLIST=FILE: the first start also writes the classes it loads to FILE (-XX:DumpLoadedClassList); the
# lines the packaging training run lacks are src/main/launcher/cds-first-start.classlist:
#   grep -v '^#' FILE | grep -vxFf vscode-bridge/target/cds-training/training.classlist
set -euo pipefail
cd "$(dirname "$0")/../.."
server=${SERVER:-notes}
case "${1:-}" in
  --plain-oauth) server=${SERVER:-wiki} ;;
  "") ;;
  *) echo "usage: $0 [--plain-oauth]   (environment: CALLS ROUNDS SERVER TOOL XAA XAA_RUNTIME XAA_CLASSLIST)" >&2; exit 2 ;;
esac
if [ "$server" = notes ]; then mode=ema; else mode=plain; fi
calls=${CALLS:-1000}
rounds=${ROUNDS:-3}
tool=${TOOL:-whoami}
if [ ! -x vscode-bridge/target/xaa ] || [ ! -f sample-issuer/target/sample-issuer.jar ] \
   || [ ! -f connector-core/target/test-classes/dev/xaa4j/connector/testing/TestBrowser.class ]; then
  ./mvnw -B -q -DskipTests install -pl vscode-bridge -am
fi
node_bin=.ci/node/node_modules/.bin
[ -x "$node_bin/mcp-remote" ] || npm install --prefix .ci/node --no-audit --no-fund --silent mcp-remote@0.15.1 >/dev/null
remote=$PWD/$node_bin/mcp-remote

work=$(mktemp -d /tmp/xaa-bench.XXXXXX)
issuer_pid=
cleanup() {
  if [ -s "$work/browser-opened" ]; then
    echo "bench: a bridge asked for a browser during the measurement (it had no usable stored grant):" >&2
    cat "$work/browser-opened" >&2
  fi
  [ -n "$issuer_pid" ] && kill "$issuer_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
java -jar sample-issuer/target/sample-issuer.jar --port-base 0 --state-dir "$work/issuer" >"$work/ready.json" 2>"$work/issuer.log" &
issuer_pid=$!
for _ in $(seq 100); do [ -s "$work/ready.json" ] && break; sleep 0.2; done
idp=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["idp"])' "$work/ready.json")
# EMA servers are under "servers", the plain-OAuth ones (wiki) under "oauthServers"
servers_of='import json,sys; d=json.load(open(sys.argv[1])); s={**d["servers"], **d.get("oauthServers", {})}'
url=$(python3 -c "$servers_of"'; print(s.get(sys.argv[2], ""))' "$work/ready.json" "$server")
[ -n "$url" ] || { echo "bench: the sample issuer has no server '$server' (its servers: $(python3 -c "$servers_of"'; print(" ".join(s))' "$work/ready.json"))" >&2; exit 2; }

export XAA_CONFIG="$work/config.json"
xaa=${XAA:-vscode-bridge/target/xaa}
if [ -n "${XAA_RUNTIME:-}" ]; then
  mkdir "$work/dist"
  cp vscode-bridge/target/xaa vscode-bridge/target/xaa.jar "$work/dist/"
  "$XAA_RUNTIME/bin/java" -Xshare:dump -Xlog:disable -Xlog:cds=error -XX:SharedArchiveFile="$work/dist/xaa.jsa" \
    -XX:SharedClassListFile=vscode-bridge/target/xaa.classlist -cp "$work/dist/xaa.jar" >/dev/null
  export JAVA_HOME=$XAA_RUNTIME
  xaa=$work/dist/xaa
  echo "bench: xaa with the runtime $XAA_RUNTIME ($(du -sh "$XAA_RUNTIME" | cut -f1))" >&2
fi
# the scripted browser: follows the sample issuer's login form (or its dev auto-approve) to the loopback callback
cat >"$work/browser.sh" <<SH
#!/bin/sh
exec java -cp "$PWD/connector-core/target/test-classes" dev.xaa4j.connector.testing.TestBrowser --user alice "\$@" >/dev/null 2>&1
SH
# during the measurement: no browser; an attempt is recorded and fails the run
cat >"$work/no-browser.sh" <<SH
#!/bin/sh
echo "\$(date +%T) a browser was asked for during the measurement" >>"$work/browser-opened"
exit 1
SH
# mcp-remote may open the browser before its callback server listens: the scripted browser then tries again
cat >"$work/remote-browser.sh" <<SH
#!/bin/sh
for attempt in 1 2 3 4 5; do "$work/browser.sh" "\$@" && exit 0; sleep 1; done
exit 1
SH
chmod 700 "$work/browser.sh" "$work/no-browser.sh" "$work/remote-browser.sh"
# mcp-remote keeps its client info and tokens under MCP_REMOTE_CONFIG_DIR; HOME too is the run's own
mkdir -m 700 "$work/home"
# no desktop session either: its bundled xdg-open then runs $BROWSER (never a real browser of the desktop)
remote_env=(env -u DISPLAY -u WAYLAND_DISPLAY -u XDG_CURRENT_DESKTOP -u DESKTOP_SESSION -u KDE_FULL_SESSION
  -u GNOME_DESKTOP_SESSION_ID HOME="$work/home" MCP_REMOTE_CONFIG_DIR="$work/mcp-auth")
if [ "$mode" = ema ]; then
  $xaa idp "$idp" --client-id xaa-desktop --auth-method client_secret_basic >/dev/null
  $xaa server add notes "$url" --as-client-id xaa-desktop-mcp >/dev/null
  echo xaa-desktop-demo-secret | $xaa secret set idp-client-secret >/dev/null
  echo xaa-desktop-mcp-demo-secret | $xaa secret set as-client-secret notes >/dev/null
  BROWSER="$work/browser.sh" $xaa login >/dev/null
else
  # an enterprise user's set-up: the IdP configured (never signed in to here), the wiki a per-server sign-in
  # (the CLI builds no connector without an IdP yet)
  $xaa idp "$idp" --client-id xaa-desktop --auth-method client_secret_basic >/dev/null
  $xaa server add "$server" "$url" --auth oauth >/dev/null
  BROWSER="$work/browser.sh" $xaa login "$server" >/dev/null
  # mcp-remote's own sign-in: the CLI client runs the flow once (DCR, code + PKCE, scripted browser) and exits
  "${remote_env[@]}" BROWSER="$work/remote-browser.sh" timeout 120 "$node_bin/mcp-remote-client" "$url" --allow-http \
    >"$work/remote-login.log" 2>&1 || true
  if ! ls "$work/mcp-auth"/mcp-remote-v1/*_tokens.json >/dev/null 2>&1; then
    echo "bench: mcp-remote's own sign-in stored no tokens; the end of its log:" >&2
    tail -n 20 "$work/remote-login.log" >&2
    exit 1
  fi
fi
# the plain-HTTP baseline's header: xaa's token for the server
( umask 077; $xaa token "$server" --format header | sed 's/^Authorization: //' >"$work/header" )
if [ "$mode" = ema ]; then
  # mcp-remote reads no header from a file; its ${VAR} placeholder keeps the token out of its argv (which every
  # user can read) in its owner-only environment
  remote_cmd=("${remote_env[@]}" XAA_BENCH_AUTHORIZATION="$(cat "$work/header")" "$remote" "$url" --allow-http
    --header 'Authorization:${XAA_BENCH_AUTHORIZATION}')
else
  remote_cmd=("${remote_env[@]}" BROWSER="$work/no-browser.sh" "$remote" "$url" --allow-http)
fi
export BROWSER="$work/no-browser.sh"

bench="python3 vscode-bridge/bench/stdio_bench.py --tool $tool"
export XAA_CACHE_DIR="$work/cache" # a fresh initialize cache: the first start below is a real first start
echo "bench: $mode, load average $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) on $(nproc) cores" >&2
echo "bench: warming the upstream, then $rounds rounds of $calls tools/call $tool per bridge against $url" >&2
$bench --calls 3000 --direct "$url" --header-file "$work/header" >/dev/null
first=$(XAA_JAVA_OPTS="${XAA_JAVA_OPTS:-}${XAA_CLASSLIST:+ -XX:DumpLoadedClassList=$XAA_CLASSLIST}" \
  $bench --calls "$calls" -- "$xaa" bridge "$server")
results="$work/results.jsonl"
measure() { # KIND BENCH-ARGS...: one measurement as a line of results (a failed one stops the run)
  local kind=$1 row
  shift
  row=$($bench "$@")
  echo "{\"kind\":\"$kind\",\"r\":$row}" >>"$results"
}
for r in $(seq "$rounds"); do
  measure direct --calls "$calls" --direct "$url" --header-file "$work/header"
  if [ $((r % 2)) -eq 1 ]; then order="remote ours"; else order="ours remote"; fi
  for who in $order; do
    if [ "$who" = ours ]; then
      measure ours --calls "$calls" -- "$xaa" bridge "$server"
      # and a first start (an initialize cache of its own, empty): the token before the server answers
      XAA_CACHE_DIR="$work/cache-first-$r" measure first --calls 20 -- "$xaa" bridge "$server"
    else
      measure remote --calls "$calls" -- "${remote_cmd[@]}"
    fi
  done
done
if [ "$mode" = ema ]; then $xaa logout >/dev/null; else $xaa logout "$server" >/dev/null; fi
echo "bench: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end" >&2
[ ! -s "$work/browser-opened" ] || exit 1 # reported by cleanup

python3 vscode-bridge/bench/summary.py "$mode" "$results" "$first"
