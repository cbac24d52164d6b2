#!/usr/bin/env bash
# MCP conformance (issue 11 item 4; docs/architecture.md "Conformance"): runs the client scenarios of
# @modelcontextprotocol/conformance 0.2.0-alpha.12 (and 0.1.16's auth/cross-app-access-complete-flow) against
# the harness dev.xaa4j.bridge.proxy.ConformanceClient (vscode-bridge test sources): a Connector plus the
# bridge's own upstream classes, nothing written for the suite but the adapter.
#
#   run.sh                                 everything CI needs (below); exit 0 only if every run passed
#   run.sh --requirements 2025-11-25       any other arguments go to `conformance client` unchanged, e.g.
#   run.sh --requirements 2026-07-28 | --suite auth | --suite backcompat | --scenario auth/metadata-default
#   run.sh --suite0.1 ARGS...              the same with the 0.1.16 suite (its EMA scenario)
#
# Without arguments, one suite run per scenario, each with --expected-failures expected-failures.yml (empty):
#   - every auth/* client scenario of requirements/2025-11-25.yaml, at --spec-version 2025-11-25 (stateful wire),
#   - every auth/* client scenario of requirements/2026-07-28.yaml, at --spec-version 2026-07-28 (stateless wire),
#   - alpha.12's DPoP extensions auth/dpop and auth/dpop-nonce (SEP-1932),
#   - the scored non-auth scenarios the bridge and the harness own: initialize, tools_call, sse-retry at 2025-11-25;
#     tools_call, request-metadata, http-standard-headers, json-schema-ref-no-deref at 2026-07-28,
#   - --suite backcompat's scenarios (2025-03-26 servers),
#   - alpha.12's auth/enterprise-managed-authorization and 0.1.16's auth/cross-app-access-complete-flow (EMA),
#   - alpha.12's headless extensions auth/client-credentials-basic, auth/client-credentials-jwt, auth/wif-jwt-bearer.
# The requirement sets' other scenarios (elicitation defaults, custom headers, …) run with
# `run.sh --requirements REV`; whose they are: docs/architecture.md "Conformance".
# Logs: connector-core/conformance/target/<run>/<scenario>.log. XAA_SKIP_BUILD=1 reuses the last build;
# XAA_CONFORMANCE_JOBS (default 2) scenario runs at a time.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
suite="$here/node_modules/@modelcontextprotocol/conformance/dist/index.js"
suite01="$here/node_modules/conformance-0.1/dist/index.js"
node22="$here/node_modules/.bin/node"

if [ ! -x "$node22" ] || [ ! -f "$suite" ] || [ ! -f "$suite01" ]; then
  echo "conformance: installing @modelcontextprotocol/conformance@0.2.0-alpha.12 and @0.1.16, node@22 (npm)" >&2
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
"$node22" --version | grep -q '^v22\.' || { echo "conformance: node@22 did not install (got $("$node22" --version))" >&2; exit 1; }

# --- the harness: vscode-bridge's test classes on the runtime class path, one JVM per scenario --------------
if [ "${XAA_SKIP_BUILD:-}" != 1 ]; then
  (cd "$root" && ./mvnw -B -q -DskipTests install -pl vscode-bridge -am)
fi
mkdir -p "$here/target"
cp_file="$here/target/classpath.txt"
if [ "${XAA_SKIP_BUILD:-}" != 1 ] || [ ! -f "$cp_file" ]; then
  (cd "$root" && ./mvnw -B -q dependency:build-classpath -pl vscode-bridge -DincludeScope=runtime -Dmdep.outputFile="$cp_file")
fi
classpath="$root/vscode-bridge/target/test-classes:$root/vscode-bridge/target/classes:$(cat "$cp_file")"
# One JVM per scenario: C1 only and the serial collector start it fastest for these short runs (an AppCDS
# archive gained nothing measurable here, and JDK 17 cannot archive class directories).
client="$here/target/client.sh"
cat > "$client" <<CLIENT
#!/bin/sh
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \\
  -cp "$classpath" dev.xaa4j.bridge.proxy.ConformanceClient "\$@"
CLIENT
chmod +x "$client"
cd "$here"

if [ "$#" -gt 0 ]; then
  if [ "$1" = --suite0.1 ]; then
    shift
    exec "$node22" "$suite01" client --command "$client" --timeout 60000 "$@"
  fi
  exec "$node22" "$suite" client --command "$client" --timeout 60000 "$@"
fi

# --- the default: what CI runs -----------------------------------------------------------------------------
auth_of() { # the auth/* client scenarios a requirement set lists
  sed -n '/^client:/,/^[a-z_]*:$/p' "$here/node_modules/@modelcontextprotocol/conformance/requirements/$1.yaml" \
    | sed -n 's/^  - \(auth\/[^ ]*\)$/\1/p'
}
runs="$here/target/runs.txt"
{
  for s in $(auth_of 2025-11-25); do echo "alpha.12 2025-11-25 $s"; done
  for s in $(auth_of 2026-07-28); do echo "alpha.12 2026-07-28 $s"; done
  # the scored non-auth client scenarios the bridge and the harness own (docs/architecture.md "Conformance")
  for s in initialize tools_call sse-retry; do echo "alpha.12 2025-11-25 $s"; done
  for s in tools_call request-metadata http-standard-headers json-schema-ref-no-deref; do echo "alpha.12 2026-07-28 $s"; done
  for s in auth/dpop auth/dpop-nonce; do echo "alpha.12 - $s"; done
  echo "alpha.12 - auth/2025-03-26-oauth-metadata-backcompat"
  echo "alpha.12 - auth/2025-03-26-oauth-endpoint-fallback"
  echo "alpha.12 - auth/enterprise-managed-authorization"
  for s in auth/client-credentials-basic auth/client-credentials-jwt auth/wif-jwt-bearer; do echo "alpha.12 - $s"; done
  echo "0.1.16 - auth/cross-app-access-complete-flow"
} > "$runs"
[ "$(grep -c . "$runs")" -ge 40 ] || { echo "conformance: the requirement sets list fewer scenarios than expected" >&2; exit 1; }

failed_checks() { # the ids of a log's FAILURE/WARNING checks, or the client's stderr reason
  local ids
  ids="$(sed 's/\x1b\[[0-9;]*m//g' "$1" | sed -n 's/^[^[]*\[\([^] ]*\) *\] \(FAILURE\|WARNING\).*/\1(\2)/p' | sort -u | tr '\n' ' ')"
  echo "${ids:-$(grep -m1 '^ConformanceClient:' "$1" || true)}"
}
one() { # suite revision scenario -> one line "PASS|FAIL suite revision scenario"
  local suite_js="$suite" extra=() log
  [ "$1" = 0.1.16 ] && suite_js="$suite01"
  [ "$2" != - ] && extra=(--spec-version "$2")
  [ "$1" = alpha.12 ] && extra+=(--expected-failures "$here/expected-failures.yml")
  log="$here/target/$1-$2/${3//\//_}.log"
  mkdir -p "$(dirname "$log")"
  if "$node22" "$suite_js" client --command "$client" --scenario "$3" --timeout 60000 "${extra[@]}" >"$log" 2>&1; then
    echo "PASS $1 $2 $3"
  else
    echo "FAIL $1 $2 $3   $(failed_checks "$log")   (log: ${log#"$here/"})"
  fi
}
export -f one failed_checks
export here suite suite01 node22 client
results="$(xargs -P "${XAA_CONFORMANCE_JOBS:-2}" -L 1 bash -c 'one "$@"' _ < "$runs")"
echo "$results" | sort -k4
failed="$(echo "$results" | grep -c '^FAIL' || true)"
echo "conformance: $(echo "$results" | grep -c .) runs, $failed failed"
[ "$failed" = 0 ]
