#!/usr/bin/env bash
# Interop with a real third-party authorization server (issue 11 item 5): Keycloak 26.7.3 as the plain MCP OAuth
# AS of a sample MCP server, and `xaa` against it end to end. Self-contained on a fresh machine with a JDK 17+:
#   1. downloads org.keycloak:keycloak-quarkus-dist:26.7.3 (zip, from Maven Central through ./mvnw; cached in the
#      local Maven repository and unpacked under interop/keycloak/target/), starts it on 127.0.0.1 at a free port
#      (`start-dev --import-realm`, realm-mcp.json: public client xaa4j with PKCE S256 and loopback redirect URIs,
#      client scopes kc:read and kc:write, an audience mapper for the MCP server's URL, offline_access, user alice whose
#      password this script makes up per run, access tokens of $XAA_KC_TOKEN_LIFESPAN s), waits until it is ready;
#   2. starts the sample issuer with its MCP server kc (--external-as kc=ISSUER) trusting Keycloak's tokens (JWKS);
#   3. in a throwaway config (XAA_CONFIG, XDG_* and HOME under a temp dir; the OS keyring is a throwaway one of
#      .ci/with-keyring, which this script re-runs itself inside): `xaa server add kc URL --as-client-id xaa4j`
#      (flow auto: Keycloak's metadata has jwt-bearer but no ID-JAG profile, so auto must pick plain OAuth),
#      `xaa login kc` with a scripted browser filling Keycloak's login form as alice (KeycloakBrowser.java);
#   4. drives `xaa bridge kc` with the MCP Java SDK client (McpSession.java): initialize, tools/list, tools/call,
#      then, in the same MCP session after the access token expired, tools/call again: renewed through the refresh
#      token, with a BROWSER that fails the run if anything opens it;
#   5. checks that no token byte is in the output of xaa login or the bridge's stdout/stderr.
# Prints each step; exit 0 when all passed, else non-zero with the failing step. Ctrl-C or any exit stops every
# process it started and removes its temp dir.
#   XAA_SKIP_BUILD=1         use the jars already built (vscode-bridge/target/xaa.jar, sample-issuer/target/…)
#   XAA_KC_TOKEN_LIFESPAN=N  Keycloak's access token lifespan in seconds (default 75; the wait is N + 10)
#   XAA_KC_START_BUDGET=N    seconds to wait for Keycloak to be ready (default 240; it took 94-139 s on a busy
#                            2-core machine, the first start of a fresh unpack included)
#   XAA_KC_IDP=none          configure no enterprise IdP (default: the sample issuer's, nobody signed in there)
#   XAA_KC_LOGS=DIR          copy the run's logs (Keycloak, sample issuer, xaa's output, the bridge's -v log) to DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
kc_version=26.7.3

# --- a throwaway OS keyring and HOME (.ci/with-keyring), unless already inside one ------------------------------
if [ -z "${XAA_REAL_HOME:-}" ]; then
  exec "$root/.ci/with-keyring" "$0" "$@"
fi

started=$(date +%s)
step() { echo "keycloak-interop [$(( $(date +%s) - started ))s]: $*" >&2; }
die() { step "FAILED: $*"; exit 1; }

work="$(mktemp -d /tmp/xaa4j-keycloak.XXXXXX)"
pids=() # background processes: the sample issuer, Keycloak
cleanup() {
  local status=$?
  # each was started by setsid as its own process group leader: the group goes (kc.sh's java child too)
  for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "${XAA_KC_LOGS:-}" ] && [ -d "$work" ]; then
    mkdir -p "$XAA_KC_LOGS" && (cd "$work" && cp -- *.out *.err keycloak.log "$XAA_KC_LOGS"/ 2>/dev/null || true)
  fi
  if [ "$status" -ne 0 ] && [ -d "$work" ]; then
    for log in keycloak.log issuer.err login.out bridge.err; do
      if [ -s "$work/$log" ]; then echo "--- last lines of $log:" >&2; tail -n 25 "$work/$log" >&2; fi
    done
  fi
  rm -rf "$work" "${kc_data:-$work}"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A TCP port on 127.0.0.1 nobody listens on (bash's /dev/tcp: a refused connection means free).
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  die "no free port found"
}

# The HTTP status of GET http://127.0.0.1:PORT/PATH, or nothing (bash's /dev/tcp: curl is not on every machine).
http_status() {
  local line
  (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$2" "$1" >&3 \
    && IFS=' ' read -r _ line _ <&3 && echo "$line") 2>/dev/null || true
}

# A JDK for Keycloak: the newest of KC_JAVA_HOME, JAVA_HOME, /usr/lib/jvm/*, java on PATH — 21 or later where
# there is one (what Keycloak 26 documents; Temurin 25 here), else 17 (Keycloak 26.7.3 also starts on it).
java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1; }
kc_java_home=""
best=0
for candidate in ${KC_JAVA_HOME:-} ${JAVA_HOME:-} /usr/lib/jvm/*; do
  [ -x "$candidate/bin/java" ] || continue
  major="$(java_major "$candidate")"
  if [ -n "$major" ] && [ "$major" -gt "$best" ]; then best=$major; kc_java_home=$candidate; fi
done
if [ -z "$kc_java_home" ] && command -v java >/dev/null; then
  kc_java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"; best="$(java_major "$kc_java_home")"
fi
[ -n "$kc_java_home" ] && [ "${best:-0}" -ge 17 ] || die "no JDK 17+ found for Keycloak (set KC_JAVA_HOME)"

# --- 1. Keycloak: download, unpack, import the realm, start ------------------------------------------------------
dist="$here/target/keycloak-$kc_version"
if [ ! -x "$dist/bin/kc.sh" ]; then
  step "downloading org.keycloak:keycloak-quarkus-dist:$kc_version (zip, ~170 MB, Maven Central via ./mvnw)"
  mkdir -p "$here/target"
  (cd "$root" && ./mvnw -B -q -N dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$kc_version:zip" \
      -DoutputDirectory="$here/target") || die "could not download Keycloak $kc_version"
  step "unpacking Keycloak"
  rm -rf "$dist.partial" && mkdir -p "$dist.partial"
  # the JDK's jar tool (unzip is not on every fresh machine); it keeps no file modes, so the scripts get theirs back
  (cd "$dist.partial" && "${JAVA_HOME:+$JAVA_HOME/bin/}jar" xf "$here/target/keycloak-quarkus-dist-$kc_version.zip")
  chmod +x "$dist.partial/keycloak-$kc_version"/bin/*.sh
  mv "$dist.partial/keycloak-$kc_version" "$dist" && rm -rf "$dist.partial"
fi
# Keycloak reads the realm import and keeps its dev database under its home's data/; each run starts from an empty
# one (so one run at a time per checkout) and removes it at exit: the realm file holds alice's password.
kc_data="$dist/data"
rm -rf "$kc_data" && mkdir -p "$kc_data/import" && chmod 700 "$kc_data"
kc_port=$(free_port)
kc_issuer="http://127.0.0.1:$kc_port/realms/mcp"
alice_password="$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
printf '%s' "$alice_password" > "$work/alice-password" && chmod 600 "$work/alice-password"

# --- 2. the sample issuer's MCP server, trusting Keycloak's tokens -------------------------------------------------
issuer_jar="$root/sample-issuer/target/sample-issuer.jar"
xaa_jar="$root/vscode-bridge/target/xaa.jar"
if [ "${XAA_SKIP_BUILD:-}" != 1 ]; then
  step "building xaa and the sample issuer (./mvnw -B -q -DskipTests package -pl vscode-bridge,sample-issuer -am)"
  (cd "$root" && ./mvnw -B -q -DskipTests package -pl vscode-bridge,sample-issuer -am) || die "build failed"
fi
[ -f "$issuer_jar" ] && [ -f "$xaa_jar" ] || die "missing $issuer_jar or $xaa_jar (build first, or drop XAA_SKIP_BUILD)"
step "starting the sample issuer, its MCP server trusting $kc_issuer"
setsid java -jar "$issuer_jar" --port-base 0 --state-dir "$work/issuer" --external-as "kc=$kc_issuer" \
  > "$work/issuer.out" 2> "$work/issuer.err" &
pids+=($!)
for _ in $(seq 1 900); do # up to 90 s (it took 9-12 s on a busy 2-core machine)
  [ -s "$work/issuer.out" ] && break
  kill -0 "${pids[-1]}" 2>/dev/null || die "the sample issuer exited"
  sleep 0.1
done
mcp_url="$(sed -n 's/.*"kc":"\(http[^"]*\)".*/\1/p' "$work/issuer.out" | head -n 1)"
[ -n "$mcp_url" ] || die "the sample issuer printed no MCP server URL: $(cat "$work/issuer.out")"
step "MCP server $mcp_url"

sed -e "s#@MCP_RESOURCE@#$mcp_url#" -e "s#\"accessTokenLifespan\": [0-9]*#\"accessTokenLifespan\": ${XAA_KC_TOKEN_LIFESPAN:-75}#" \
    "$here/realm-mcp.json" > "$kc_data/import/realm-mcp.json"
# alice's password goes into the import file only (mode 600 in a 700 directory, deleted once imported), never into
# argv or env
sed -i "s#@ALICE_PASSWORD@#$alice_password#" "$kc_data/import/realm-mcp.json"
chmod 600 "$kc_data/import/realm-mcp.json"
step "starting Keycloak $kc_version on 127.0.0.1:$kc_port with Java $best ($kc_java_home)"
JAVA_HOME="$kc_java_home" JAVA_OPTS_KC_HEAP="-Xms64m -Xmx512m" \
  setsid "$dist/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port="$kc_port" --import-realm \
    --spi-events-listener--jboss-logging--success-level=info \
  > "$work/keycloak.log" 2>&1 &
pids+=($!)
budget="${XAA_KC_START_BUDGET:-240}"
kc_started=$(date +%s)
until [ "$(http_status "$kc_port" /realms/mcp/.well-known/openid-configuration)" = 200 ]; do
  kill -0 "${pids[-1]}" 2>/dev/null || die "Keycloak exited"
  [ $(( $(date +%s) - kc_started )) -lt "$budget" ] || die "Keycloak not ready within ${budget}s (XAA_KC_START_BUDGET)"
  sleep 1
done
step "Keycloak ready after $(( $(date +%s) - kc_started ))s: $kc_issuer"
rm -f "$kc_data/import/realm-mcp.json"
# the first URL of the MCP spec's AS metadata order for an issuer with a path (RFC 8414 §3.1, path inserted)
[ "$(http_status "$kc_port" /.well-known/oauth-authorization-server/realms/mcp)" = 200 ] \
  || die "no RFC 8414 metadata at Keycloak"

# --- 3. xaa: a throwaway config, server kc (auto), sign-in in the scripted browser --------------------------------
export XAA_CONFIG="$work/xaa/config.json" XAA_CACHE_DIR="$work/xaa/cache" XAA_RUNTIME_DIR="$work/xaa/run"
mkdir -p "$work/xaa"
xaa() { java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$xaa_jar" "$@"; }
# An enterprise IdP is configured too (the sample issuer's; nobody signs in there): flow auto must still pick plain
# OAuth for kc, since Keycloak's metadata names no ID-JAG grant profile and no admin marked kc enterprise-managed.
if [ "${XAA_KC_IDP:-sample}" != none ]; then
  idp_url="$(sed -n 's/.*"idp":"\(http[^"]*\)".*/\1/p' "$work/issuer.out" | head -n 1)"
  step "xaa idp $idp_url --client-id xaa-desktop (an enterprise IdP kc must not be routed to)"
  xaa idp "$idp_url" --client-id xaa-desktop --auth-method client_secret_basic > "$work/idp.out" 2>&1 \
    || die "xaa idp failed: $(cat "$work/idp.out")"
fi
step "xaa server add kc $mcp_url --as-client-id xaa4j (flow: auto)"
xaa server add kc "$mcp_url" --as-client-id xaa4j > "$work/server-add.out" 2>&1 \
  || die "xaa server add failed: $(cat "$work/server-add.out")"

cat > "$work/browser.sh" <<BROWSER
#!/bin/sh
exec java "$here/KeycloakBrowser.java" --user alice --password-file "$work/alice-password" "\$@"
BROWSER
chmod 700 "$work/browser.sh"
step "xaa login kc (the scripted browser signs in as alice at Keycloak's login form)"
BROWSER="$work/browser.sh" xaa login kc > "$work/login.out" 2>&1 || die "xaa login kc failed"
sed 's/^/  | /' "$work/login.out" >&2
step "xaa doctor kc: the flow auto chose for kc is the per-server sign-in (plain OAuth), not the enterprise IdP"
xaa doctor kc > "$work/doctor.out" 2>&1 || true # its exit code also covers the IdP (nobody signed in there)
sed 's/^/  | /' "$work/doctor.out" >&2
grep -q "flow: per-server sign-in" "$work/doctor.out" || die "xaa doctor kc does not name the per-server sign-in flow"
grep -q "per-server token" "$work/doctor.out" || die "xaa doctor kc got no per-server token"

# --- 4. the bridge, driven by the MCP SDK client; renewal after the access token expired --------------------------
cat > "$work/no-browser.sh" <<NOBROWSER
#!/bin/sh
echo opened > "$work/browser-opened"
exit 1
NOBROWSER
chmod 700 "$work/no-browser.sh"
cat > "$work/bridge.sh" <<BRIDGE
#!/bin/sh
# xaa bridge kc as an AI client starts it; its stdout (the MCP messages) and stderr (its log, -v) kept for step 5
BROWSER="$work/no-browser.sh" java -jar "$xaa_jar" bridge -v kc 2>>"$work/bridge.err" | tee -a "$work/bridge.out"
BRIDGE
chmod 700 "$work/bridge.sh"
refresh_grants() { grep -c 'type="REFRESH_TOKEN"' "$work/keycloak.log" || true; }
refreshes_before=$(refresh_grants)
wait_s=$(( ${XAA_KC_TOKEN_LIFESPAN:-75} + 10 ))
step "MCP session through xaa bridge kc: initialize, tools/list, tools/call whoami + list_pages, wait ${wait_s}s, again"
java -cp "$xaa_jar" "$here/McpSession.java" whoami,list_pages "$wait_s" "$work/bridge.sh" > "$work/mcp.out" 2> "$work/mcp.err" \
  || { cat "$work/mcp.out" "$work/mcp.err" >&2; die "the MCP session failed"; }
sed 's/^/  | /' "$work/mcp.out" >&2
grep -q "after expiry" "$work/mcp.out" || die "no tools/call after expiry"
# Keycloak's own event log (realm events, jboss-logging listener at info): one authorization code redeemed (the
# sign-in), and refresh grants during the bridge's session — its renewals, without a second sign-in
codes=$(grep -c 'type="CODE_TO_TOKEN"' "$work/keycloak.log" || true)
refreshes=$(( $(refresh_grants) - refreshes_before ))
step "Keycloak's events: $codes authorization code(s) redeemed in all, $refreshes refresh token grant(s) during the session"
[ "$codes" = 1 ] || die "Keycloak redeemed $codes authorization codes (expected the sign-in's one)"
[ "$refreshes" -ge 1 ] || die "Keycloak saw no refresh token grant during the bridge's session"
[ ! -e "$work/browser-opened" ] || die "the bridge opened a browser"
# whoami names the token's sub (alice's fixed user id in realm-mcp.json), its client and the scopes Keycloak granted
grep -q "a11ce000-0000-4000-8000-00000000a11c" "$work/mcp.out" || die "whoami did not name alice's user id"
grep -q "kc:read" "$work/mcp.out" || die "whoami shows no kc:read scope (list_pages needs it)"

# --- 5. no token byte in what xaa printed ---------------------------------------------------------------------------
# Keycloak's access, refresh and ID tokens are JWTs (base64url of '{"' = eyJ); its authorization codes are
# UUID.SESSION.UUID, sent to the loopback as code=…; PKCE verifiers are 43+ base64url characters after a parameter.
for f in login.out doctor.out bridge.out bridge.err mcp.out mcp.err server-add.out idp.out; do
  if grep -q 'eyJ' "$work/$f" 2>/dev/null || grep -qi 'bearer [A-Za-z0-9._-]\{20,\}' "$work/$f" 2>/dev/null \
     || grep -Eq '(code|code_verifier|refresh_token|access_token)=[A-Za-z0-9._~-]{8,}' "$work/$f" 2>/dev/null; then
    die "a token or code appears in $f"
  fi
done
[ -s "$work/bridge.err" ] || die "the bridge logged nothing (expected its -v log)"
step "PASSED: sign-in at Keycloak, tools/list and tools/call through xaa bridge, renewal without a browser, no token in output"
