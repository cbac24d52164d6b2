#!/usr/bin/env bash
# Interop, EMA (issue 12 item 6): Keycloak 26.7.3 as the MCP server's authorization server redeeming the ID-JAGs of
# the sample issuer's enterprise IdP — the chain sample IdP → ID-JAG → Keycloak → access token → MCP server, with
# `xaa bridge` end to end. Self-contained on a fresh machine with a JDK 17+ (pieces shared with run.sh: common.sh):
#   1. Keycloak (downloaded and unpacked as for run.sh) starts with
#      --features=jwt-authorization-grant,identity-assertion-jwt,resource-indicators (XAA_KC_FEATURES overrides)
#      and realm-ema.json (realm ras):
#      an OIDC identity provider idjag trusting the sample IdP's issuer and JWKS for JWT authorization grants
#      (RS256, the sample IdP's alg), a confidential client xaa4j-ras (secret made up per run) allowed that grant
#      for idjag, optional client scopes kc:read/kc:write with an audience mapper for the MCP server's URL, and
#      alice linked to the ID-JAG's sub (alice);
#   2. the sample issuer: policy-ema.json (the demo policy, plus alice's kc:read/kc:write grant and xaa4j-ras as
#      the IdP client's id at the AS, so the ID-JAG's client_id names Keycloak's client), --external-as
#      kc=KEYCLOAK (its MCP server kc trusts Keycloak's tokens; its IdP issues ID-JAGs with aud = Keycloak's realm
#      issuer), --dev-auto-approve alice (the IdP signs alice in without a form);
#   3. in a throwaway config and keyring (.ci/with-keyring, re-run by this script): `xaa idp`, `xaa server add kc
#      URL --auth ema --client-id xaa4j-ras --jwt-bearer-scope send --jwt-bearer-resource omit --scope kc:read`
#      (Keycloak's metadata names no ID-JAG profile, hence ema; it grants an optional scope only when asked, hence
#      send; with resource-indicators on it fails this grant when `resource` is sent, hence omit: see kc_start
#      below), the secrets through
#      `xaa secret set` (stdin), `xaa login` with a scripted browser;
#   4. drives `xaa bridge kc` with the MCP Java SDK client (McpSession.java): initialize, tools/list, tools/call
#      whoami (its aud must be the MCP server's URL) and list_pages; checks Keycloak's event log for the JWT
#      authorization grant(s) of xaa4j-ras;
#   5. IdJagRedemptions.java at the wire: one ID-JAG redeemed twice (the second is refused: single-use jti), and
#      one without scope (Keycloak then grants no kc:read: why send is needed), and (resource-indicators on) one
#      with resource (Keycloak 26.7.3 refuses it: why omit is needed);
#   6. xaa doctor/status show the setting; no token byte in any output of xaa or of the checks.
# Prints each step; exit 0 when all passed, else non-zero with the failing step. Ctrl-C or any exit stops every
# process it started and removes its temp dir. Environment: XAA_SKIP_BUILD=1, XAA_KC_START_BUDGET=N and
# XAA_KC_LOGS=DIR as for run.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
kc_version=26.7.3
step_prefix=keycloak-ema
. "$here/common.sh"

# --- 1. Keycloak: download, unpack; the realm's secrets ------------------------------------------------------------
kc_unpack
kc_issuer="http://127.0.0.1:$kc_port/realms/ras"
head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '\n' > "$work/ras-secret" && chmod 600 "$work/ras-secret"

# --- 2. the sample issuer: IdP issuing ID-JAGs for Keycloak, MCP server kc trusting Keycloak's tokens --------------
jars
step "starting the sample issuer (policy-ema.json, --external-as kc=$kc_issuer, --dev-auto-approve alice)"
start_issuer --policy "$here/policy-ema.json" --external-as "kc=$kc_issuer" --dev-auto-approve alice
mcp_url="$(issuer_url kc)"
idp_url="$(issuer_url idp)"
[ -n "$mcp_url" ] && [ -n "$idp_url" ] || die "the sample issuer printed no IdP or MCP server URL: $(cat "$work/issuer.out")"
step "IdP $idp_url, MCP server $mcp_url"

# --- 3. xaa: a throwaway config; IdP and server kc (ema, send); after Keycloak's start the secrets and sign-in ----
export XAA_CONFIG="$work/xaa/config.json" XAA_CACHE_DIR="$work/xaa/cache" XAA_RUNTIME_DIR="$work/xaa/run"
mkdir -p "$work/xaa"
xaa() { java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$xaa_jar" "$@"; }
step "xaa idp $idp_url --client-id xaa-desktop; xaa server add kc $mcp_url --auth ema --client-id xaa4j-ras --jwt-bearer-scope send --jwt-bearer-resource omit --scope kc:read"
{
  xaa idp "$idp_url" --client-id xaa-desktop --auth-method client_secret_basic
  xaa server add kc "$mcp_url" --auth ema --client-id xaa4j-ras --jwt-bearer-scope send --jwt-bearer-resource omit --scope kc:read
} > "$work/setup.out" 2>&1 || die "xaa set-up failed: $(cat "$work/setup.out")"

sed -e "s#@MCP_RESOURCE@#$mcp_url#g" -e "s#@IDP_ISSUER@#$idp_url#g" "$here/realm-ema.json" \
  > "$kc_data/import/realm-ema.json"
# the client secret goes into the import file only (mode 600 in a 700 directory, deleted once imported)
chmod 600 "$kc_data/import/realm-ema.json"
fill_secret @RAS_SECRET@ "$work/ras-secret" "$kc_data/import/realm-ema.json"
# resource-indicators (RFC 8707 at Keycloak): in 26.7.3 it fails every jwt-bearer request that carries `resource`
# with invalid_grant "Cannot invoke RefreshToken.getOtherClaims() …" (its ResourceIndicatorsPostProcessor stores the
# resource in a refresh token that this grant never issues; no realm or client setting avoids it), hence
# --jwt-bearer-resource omit above: the ID-JAG still names the resource, the realm's audience mapper sets `aud`.
# XAA_KC_FEATURES replaces the list.
kc_features="${XAA_KC_FEATURES:-jwt-authorization-grant,identity-assertion-jwt,resource-indicators}"
case ",$kc_features," in *,resource-indicators,*) resource_indicators=true ;; *) resource_indicators=false ;; esac
kc_start "$kc_data/import/realm-ema.json" ras --features="$kc_features"

# `xaa secret set as-client-secret kc` discovers kc's authorization server: after Keycloak is up
step "xaa secret set idp-client-secret; xaa secret set as-client-secret kc (both on stdin)"
secrets() {
  printf '%s' xaa-desktop-demo-secret | xaa secret set idp-client-secret # the demo policy's, public
  xaa secret set as-client-secret kc < "$work/ras-secret"
}
secrets > "$work/secrets.out" 2>&1 || die "xaa secret set failed: $(cat "$work/secrets.out")"

cat > "$work/browser.sh" <<BROWSER
#!/bin/sh
exec java "$here/KeycloakBrowser.java" "\$@"
BROWSER
chmod 700 "$work/browser.sh"
step "xaa login (the sample IdP signs alice in at once: --dev-auto-approve)"
BROWSER="$work/browser.sh" xaa login > "$work/login.out" 2>&1 || die "xaa login failed: $(cat "$work/login.out")"
sed 's/^/  | /' "$work/login.out" >&2

# --- 4. the bridge, driven by the MCP SDK client ----------------------------------------------------------------------
cat > "$work/bridge.sh" <<BRIDGE
#!/bin/sh
# xaa bridge kc as an AI client starts it; its stdout (the MCP messages) and stderr (its log, -v) kept for step 6
java -jar "$xaa_jar" bridge -v kc 2>>"$work/bridge.err" | tee -a "$work/bridge.out"
BRIDGE
chmod 700 "$work/bridge.sh"
step "MCP session through xaa bridge kc: initialize, tools/list, tools/call whoami + list_pages"
java -cp "$xaa_jar" "$here/McpSession.java" whoami,list_pages 0 "$work/bridge.sh" > "$work/mcp.out" 2> "$work/mcp.err" \
  || { cat "$work/mcp.out" "$work/mcp.err" >&2; die "the MCP session failed"; }
sed 's/^/  | /' "$work/mcp.out" >&2
# whoami names the token's sub (alice's fixed user id in realm-ema.json), its client and the scopes Keycloak granted
grep -q "a11ce000-0000-4000-8000-00000000e3a0" "$work/mcp.out" || die "whoami did not name alice's Keycloak user id"
grep -q "xaa4j-ras" "$work/mcp.out" || die "whoami did not name the client xaa4j-ras"
grep -q "kc:read" "$work/mcp.out" || die "whoami shows no kc:read scope (list_pages needs it)"
# the MCP server accepted the token (whoami answered) and shows its aud: the server's URL, from the audience mapper
aud="$(grep -o '"aud" *: *[^]]*]\?' "$work/mcp.out" | head -n 1 || true)"
step "the access token's aud (whoami): ${aud:-none}"
case "$aud" in *"$mcp_url"*) ;; *) die "whoami shows no aud naming $mcp_url" ;; esac
grants() { grep 'type="JWT_AUTHORIZATION_GRANT"' "$work/keycloak.log" | grep -c 'clientId="xaa4j-ras"' || true; }
refused() { grep -c 'type="JWT_AUTHORIZATION_GRANT_ERROR"' "$work/keycloak.log" || true; }
bridge_grants=$(grants)
step "Keycloak's events: $bridge_grants JWT authorization grant(s) for xaa4j-ras, $(refused) refused"
[ "$bridge_grants" -ge 1 ] || die "Keycloak logged no JWT authorization grant for xaa4j-ras"
[ "$(refused)" = 0 ] || die "Keycloak refused an ID-JAG of the bridge: $(grep 'JWT_AUTHORIZATION_GRANT_ERROR' "$work/keycloak.log" | tail -n 1)"

# --- 5. at the wire: single-use ID-JAGs, and scope omitted ---------------------------------------------------------
step "one ID-JAG redeemed twice, one without scope$($resource_indicators && echo ", one with resource") (IdJagRedemptions.java)"
java -cp "$xaa_jar" "$here/IdJagRedemptions.java" "$idp_url" "$kc_issuer" "$mcp_url" "$work/ras-secret" \
  "$resource_indicators" > "$work/idjag.out" 2> "$work/idjag.err" || { cat "$work/idjag.out" "$work/idjag.err" >&2; die "the ID-JAG checks failed"; }
sed 's/^/  | /' "$work/idjag.out" >&2
step "Keycloak's events: $(( $(grants) - bridge_grants )) more JWT authorization grant(s), $(refused) refused (the replay$($resource_indicators && echo ", the one with resource"))"
[ "$(refused)" -ge 1 ] || die "Keycloak logged no refused JWT authorization grant for the replayed ID-JAG"

# --- 6. the setting shown; no token byte in what xaa and the checks printed ------------------------------------------
xaa doctor kc > "$work/doctor.out" 2>&1 || true # its exit code also covers checks outside this run
grep -q "jwt-bearer scope (enterprise flow): send" "$work/doctor.out" || { cat "$work/doctor.out" >&2; die "xaa doctor kc does not show the jwt-bearer scope"; }
grep -q "jwt-bearer resource (enterprise flow): omit" "$work/doctor.out" || { cat "$work/doctor.out" >&2; die "xaa doctor kc does not show the jwt-bearer resource"; }
grep -q "flow: enterprise" "$work/doctor.out" || grep -q "configured flow: ema" "$work/doctor.out" || die "xaa doctor kc names no enterprise flow"
xaa status --json > "$work/status.out" 2>&1 || die "xaa status --json failed: $(cat "$work/status.out")"
grep -q '"jwtBearerScope" *: *"send"' "$work/status.out" || die "xaa status --json has no jwtBearerScope send for kc"
grep -q '"jwtBearerResource" *: *"omit"' "$work/status.out" || die "xaa status --json has no jwtBearerResource omit for kc"
sed -n '/^kc /,$p' "$work/doctor.out" | sed 's/^/  | /' >&2
no_token_in setup.out secrets.out login.out bridge.out bridge.err mcp.out mcp.err idjag.out idjag.err doctor.out status.out
grep -qF -f "$work/ras-secret" "$work"/*.out "$work"/*.err 2>/dev/null && die "the client secret appears in an output"
[ -s "$work/bridge.err" ] || die "the bridge logged nothing (expected its -v log)"
step "PASSED: sample IdP → ID-JAG → Keycloak → access token → MCP server through xaa bridge; ID-JAG single-use; scope sent, resource left off (Keycloak features: $kc_features); no token in output"
