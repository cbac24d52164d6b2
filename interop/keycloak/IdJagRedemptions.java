import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.token.TypelessAccessToken;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.minidev.json.JSONObject;

/**
 * The single-use and scope checks of interop/keycloak/run-ema.sh, at the wire, with Nimbus: signs alice in at the
 * sample IdP (its dev auto-approve mode: the authorization endpoint answers with the code at once), gets an ID-JAG
 * for Keycloak's realm (RFC 8693 token exchange, docs/protocol.md §1 step 2), then at Keycloak's token endpoint
 * (RFC 7523 jwt-bearer, step 3), without {@code resource} as {@code xaa} does for this server
 * ({@code --jwt-bearer-resource omit}):
 * <ol>
 *   <li>redeems it with {@code scope=kc:read} → an access token whose {@code scope} has {@code kc:read} and whose
 *       {@code aud} names the MCP server (the realm's audience mapper);</li>
 *   <li>redeems the same ID-JAG again → refused ({@code invalid_grant}: its {@code jti} was used);</li>
 *   <li>redeems a fresh ID-JAG without {@code scope} → an access token without {@code kc:read}: Keycloak grants an
 *       optional client scope only when it is asked for, which is why the server is added with
 *       {@code --jwt-bearer-scope send};</li>
 *   <li>with {@code resource-indicators} on (fifth argument {@code true}): redeems a fresh ID-JAG <em>with</em>
 *       {@code resource} → Keycloak 26.7.3 refuses it ({@code invalid_grant} "Cannot invoke
 *       RefreshToken.getOtherClaims()…": the feature records the resource in a refresh token this grant never
 *       issues), which is why the server is added with {@code --jwt-bearer-resource omit}. A Keycloak that grants
 *       it is reported (omit then no longer needed), anything else fails the check.</li>
 * </ol>
 * Run: {@code java -cp xaa.jar IdJagRedemptions.java IDP_ISSUER KC_ISSUER MCP_RESOURCE AS_SECRET_FILE
 * RESOURCE_INDICATORS}. Prints the
 * checks, HTTP statuses, granted scopes and error codes, never a token; exit 0 when all held, else 1.
 */
public final class IdJagRedemptions {

    static final TokenTypeURI ID_JAG = idJagType();

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: java -cp xaa.jar IdJagRedemptions.java IDP_ISSUER KC_ISSUER MCP_RESOURCE"
                    + " AS_SECRET_FILE true|false");
            System.exit(2);
        }
        URI idp = URI.create(args[0]);
        URI kc = URI.create(args[1]);
        URI resource = URI.create(args[2]);
        ClientSecretBasic idpClient = new ClientSecretBasic(new ClientID("xaa-desktop"), new Secret("xaa-desktop-demo-secret"));
        ClientSecretBasic asClient = new ClientSecretBasic(new ClientID("xaa4j-ras"),
                new Secret(Files.readString(Path.of(args[3])).strip()));
        URI kcToken = URI.create(kc + "/protocol/openid-connect/token");

        String idToken = signIn(idp, idpClient);
        step("alice signed in at the sample IdP (ID token received)");

        String idJag = idJag(idp, idpClient, idToken, kc, resource);
        SignedJWT parsed = SignedJWT.parse(idJag);
        step("ID-JAG: typ " + parsed.getHeader().getType() + ", alg " + parsed.getHeader().getAlgorithm()
                + ", aud " + parsed.getJWTClaimsSet().getAudience() + ", client_id "
                + parsed.getJWTClaimsSet().getStringClaim("client_id") + ", sub " + parsed.getJWTClaimsSet().getSubject()
                + ", scope " + parsed.getJWTClaimsSet().getStringClaim("scope"));

        JSONObject first = redeem(kcToken, asClient, idJag, null, "kc:read");
        String scope = String.valueOf(first.get("scope"));
        List<String> aud = SignedJWT.parse((String) first.get("access_token")).getJWTClaimsSet().getAudience();
        step("first redemption (no resource): HTTP 200, token_type " + first.get("token_type") + ", scope '" + scope
                + "', access token aud " + aud);
        check(List.of(scope.split(" ")).contains("kc:read"), "Keycloak did not grant kc:read though it was sent");
        check(aud.contains(resource.toString()), "the access token's aud does not name the MCP server " + resource
                + " (the realm's audience mapper on kc:read)");

        HTTPResponse again = post(kcToken, asClient, idJag, null, "kc:read");
        JSONObject error = again.getContentAsJSONObject();
        step("second redemption of the same ID-JAG: HTTP " + again.getStatusCode() + ", error " + error.get("error")
                + " (" + error.get("error_description") + ")");
        check(again.getStatusCode() == 400 && "invalid_grant".equals(error.get("error")),
                "Keycloak accepted an ID-JAG twice (its jti must be single-use)");

        JSONObject omitted = redeem(kcToken, asClient, idJag(idp, idpClient, idToken, kc, resource), null, null);
        String omittedScope = String.valueOf(omitted.get("scope"));
        step("a fresh ID-JAG without scope: HTTP 200, scope '" + omittedScope + "'");
        check(!List.of(omittedScope.split(" ")).contains("kc:read"),
                "Keycloak granted kc:read without being asked (then --jwt-bearer-scope send would not be needed)");

        if (Boolean.parseBoolean(args[4])) {
            HTTPResponse withResource = post(kcToken, asClient, idJag(idp, idpClient, idToken, kc, resource), resource,
                    "kc:read");
            JSONObject body = withResource.getContentAsJSONObject();
            if (withResource.getStatusCode() == 200) {
                step("a fresh ID-JAG with resource: HTTP 200, aud " + SignedJWT.parse((String) body.get("access_token"))
                        .getJWTClaimsSet().getAudience() + " — this Keycloak redeems it with resource-indicators on:"
                        + " --jwt-bearer-resource omit is no longer needed");
            } else {
                step("a fresh ID-JAG with resource: HTTP " + withResource.getStatusCode() + ", error " + body.get("error")
                        + " (" + body.get("error_description") + ") — the resource-indicators failure that"
                        + " --jwt-bearer-resource omit avoids");
                check(withResource.getStatusCode() == 400 && "invalid_grant".equals(body.get("error"))
                                && String.valueOf(body.get("error_description")).contains("RefreshToken"),
                        "Keycloak refused the request with resource otherwise than the known resource-indicators failure");
            }
        }
        step("PASSED");
    }

    /** Authorization code + PKCE at the sample IdP in its dev auto-approve mode, then the token request. */
    static String signIn(URI idp, ClientSecretBasic client) throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        URI redirect = URI.create("http://127.0.0.1:9/callback"); // never contacted: the code is read from Location
        AuthorizationRequest authorize = new AuthorizationRequest.Builder(new ResponseType("code"), client.getClientID())
                .endpointURI(URI.create(idp + "/authorize")).redirectionURI(redirect).scope(new Scope("openid"))
                .state(new State()).codeChallenge(verifier, CodeChallengeMethod.S256).build();
        HttpResponse<String> r = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build()
                .send(HttpRequest.newBuilder(authorize.toURI()).timeout(Duration.ofSeconds(30)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
        String location = r.headers().firstValue("Location").orElse("");
        check(r.statusCode() == 302 && location.contains("code="), "the sample IdP did not answer with a code (HTTP "
                + r.statusCode() + "; is it started with --dev-auto-approve alice?)");
        String code = null;
        for (String pair : URI.create(location).getRawQuery().split("&")) {
            if (pair.startsWith("code=")) {
                code = URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
            }
        }
        HTTPResponse tokens = new TokenRequest.Builder(URI.create(idp + "/token"), client,
                new AuthorizationCodeGrant(new AuthorizationCode(code), redirect, verifier)).build().toHTTPRequest().send();
        check(tokens.getStatusCode() == 200, "the sample IdP refused the code (HTTP " + tokens.getStatusCode() + ")");
        return (String) tokens.getContentAsJSONObject().get("id_token");
    }

    static String idJag(URI idp, ClientSecretBasic client, String idToken, URI kc, URI resource) throws Exception {
        AuthorizationGrant grant = new TokenExchangeGrant(new TypelessAccessToken(idToken), TokenTypeURI.ID_TOKEN,
                null, null, ID_JAG, List.of(new Audience(kc.toString())));
        HTTPResponse r = new TokenRequest.Builder(URI.create(idp + "/token"), client, grant).resources(resource)
                .scope(new Scope("kc:read")).build().toHTTPRequest().send();
        check(r.getStatusCode() == 200, "the sample IdP issued no ID-JAG for Keycloak (HTTP " + r.getStatusCode()
                + ": " + r.getContentAsJSONObject().get("error_description") + ")");
        return (String) r.getContentAsJSONObject().get("access_token");
    }

    /** {@code resource} and {@code scope}: null = no such parameter. */
    static JSONObject redeem(URI token, ClientSecretBasic client, String idJag, URI resource, String scope) throws Exception {
        HTTPResponse r = post(token, client, idJag, resource, scope);
        JSONObject json = r.getContentAsJSONObject();
        check(r.getStatusCode() == 200, "Keycloak refused the ID-JAG: HTTP " + r.getStatusCode() + " " + json.get("error")
                + " (" + json.get("error_description") + ")");
        return json;
    }

    static HTTPResponse post(URI token, ClientSecretBasic client, String idJag, URI resource, String scope) throws Exception {
        TokenRequest.Builder b = new TokenRequest.Builder(token, client,
                new com.nimbusds.oauth2.sdk.JWTBearerGrant(SignedJWT.parse(idJag)));
        if (resource != null) {
            b.resources(resource);
        }
        if (scope != null) {
            b.scope(new Scope(scope));
        }
        return b.build().toHTTPRequest().send();
    }

    static TokenTypeURI idJagType() {
        try {
            return TokenTypeURI.parse("urn:ietf:params:oauth:token-type:id-jag");
        } catch (com.nimbusds.oauth2.sdk.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    static void check(boolean ok, String failure) {
        if (!ok) {
            System.err.println("id-jag: FAILED: " + failure);
            System.exit(1);
        }
    }

    static void step(String line) {
        System.out.println("id-jag: " + line);
        System.out.flush();
    }
}
