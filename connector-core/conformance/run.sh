#!/usr/bin/env bash
# MCP conformance: runs the suite's enterprise-managed-authorization client scenario against xaa4j's
# connector. Installs @modelcontextprotocol/conformance@0.1.16 and Node 22 (from the npm registry: the
# suite crashes on Node 20) into this folder, builds the connector, and runs
#   conformance client --scenario auth/cross-app-access-complete-flow --command <ConformanceClient>
# The client main (src/test/java/dev/xaa4j/connector/conformance/ConformanceClient.java) feeds the suite's
# MCP_CONFORMANCE_CONTEXT (ID token, IdP token endpoint, AS client credentials) into the connector through
# its "ID token supplied by the caller" seam, then calls the MCP server with the token it obtained.
# Exit code: the suite's (0 = every check passed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
scenario="${1:-auth/cross-app-access-complete-flow}"

if [ ! -x "$here/node_modules/.bin/node" ] || [ ! -d "$here/node_modules/@modelcontextprotocol/conformance" ]; then
  echo "conformance: installing @modelcontextprotocol/conformance@0.1.16 and node@22 (npm)" >&2
  (cd "$here" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi
node22="$here/node_modules/.bin/node"
"$node22" --version | grep -q '^v22\.' || { echo "conformance: node@22 did not install (got $("$node22" --version))" >&2; exit 1; }

if [ "${XAA_SKIP_BUILD:-}" != 1 ]; then
  (cd "$root" && ./mvnw -B -q -DskipTests install -pl connector-core -am && ./mvnw -B -q test-compile -pl connector-core)
fi
cp_file="$here/target-classpath.txt"
(cd "$root" && ./mvnw -B -q dependency:build-classpath -pl connector-core -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test)
classpath="$root/connector-core/target/test-classes:$root/connector-core/target/classes:$(cat "$cp_file")"

client="$here/target-client.sh"
cat > "$client" <<CLIENT
#!/bin/sh
exec java -cp "$classpath" dev.xaa4j.connector.conformance.ConformanceClient "\$@"
CLIENT
chmod +x "$client"

cd "$here"
exec "$node22" node_modules/@modelcontextprotocol/conformance/dist/index.js client \
  --command "$client" --scenario "$scenario" --timeout 60000
