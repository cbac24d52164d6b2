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

. "$here/common.sh"

# --- 1. Keycloak: download, unpack ---------------------------------------------------------------------------------
kc_unpack
kc_issuer="http://127.0.0.1:$kc_port/realms/mcp"
(umask 077 && head -c 18 /dev/urandom | base64 | tr '+/' '-_' | tr -d '\n' > "$work/alice-password")

# --- 2. the sample issuer's MCP server, trusting Keycloak's tokens -------------------------------------------------
jars
step "starting the sample issuer, its MCP server trusting $kc_issuer"
start_issuer --external-as "kc=$kc_issuer"
mcp_url="$(issuer_url kc)"
[ -n "$mcp_url" ] || die "the sample issuer printed no MCP server URL: $(cat "$work/issuer.out")"
step "MCP server $mcp_url"

sed -e "s#@MCP_RESOURCE@#$mcp_url#" -e "s#\"accessTokenLifespan\": [0-9]*#\"accessTokenLifespan\": ${XAA_KC_TOKEN_LIFESPAN:-75}#" \
    "$here/realm-mcp.json" > "$kc_data/import/realm-mcp.json"
# alice's password goes into the import file only (mode 600 in a 700 directory, deleted once imported), never into
# argv or env
fill_secret @ALICE_PASSWORD@ "$work/alice-password" "$kc_data/import/realm-mcp.json"
kc_start "$kc_data/import/realm-mcp.json" mcp
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
  idp_url="$(issuer_url idp)"
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
no_token_in login.out doctor.out bridge.out bridge.err mcp.out mcp.err server-add.out idp.out
[ -s "$work/bridge.err" ] || die "the bridge logged nothing (expected its -v log)"
step "PASSED: sign-in at Keycloak, tools/list and tools/call through xaa bridge, renewal without a browser, no token in output"
