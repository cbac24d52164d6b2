package dev.xaa4j.sample.oauth;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import dev.xaa4j.sample.SampleIssuer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tests' client of the plain OAuth AS over real HTTP, messages built and parsed with Nimbus: the browser step
 * is a GET of the authorization URL (never following redirects), the login form filled in when shown, and the 302
 * to the loopback redirect read back (no listener needed).
 */
public final class PlainOAuthClient {

    public static final String PUBLIC_CLIENT = "xaa-wiki-public";
    public static final String CONFIDENTIAL_CLIENT = "xaa-wiki-confidential";
    public static final String CONFIDENTIAL_SECRET = "xaa-wiki-demo-secret";
    public static final URI REDIRECT = URI.create("http://127.0.0.1:53177/callback");

    private static final Pattern PENDING = Pattern.compile("name=\"request_id\" value=\"([^\"]+)\"");
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final URI issuer;

    public PlainOAuthClient(URI issuer) {
        this.issuer = issuer;
    }

    public static PlainOAuthClient of(SampleIssuer s) {
        return new PlainOAuthClient(s.oauthIssuer());
    }

    /** The path-inserted RFC 8414 metadata URL of the issuer. */
    public URI metadataUrl() {
        return URI.create(issuer.getScheme() + "://" + issuer.getRawAuthority()
                + "/.well-known/oauth-authorization-server" + issuer.getRawPath());
    }

    public AuthorizationServerMetadata metadata() throws Exception {
        return AuthorizationServerMetadata.parse(new HTTPRequest(HTTPRequest.Method.GET, metadataUrl()).send()
                .getBodyAsJSONObject());
    }

    public URI endpoint(String path) {
        return URI.create(issuer + path);
    }

    /** One authorization: the verifier and state the client kept, and the URL it opens. */
    public record Flow(CodeVerifier verifier, State state, URI url) {
    }

    public Flow flow(String clientId, String scope, URI resource) {
        CodeVerifier verifier = new CodeVerifier();
        State state = new State();
        AuthorizationRequest.Builder b = new AuthorizationRequest.Builder(ResponseType.CODE, new ClientID(clientId))
                .endpointURI(endpoint("/authorize")).redirectionURI(REDIRECT).state(state)
                .codeChallenge(verifier, CodeChallengeMethod.S256);
        if (scope != null) {
            b.scope(Scope.parse(scope));
        }
        if (resource != null) {
            b.resource(resource);
        }
        return new Flow(verifier, state, b.build().toURI());
    }

    /**
     * The browser: GET {@code url}; if the login form comes back, sign in as {@code user} (password = user name);
     * returns the {@code Location} of the 302 (or the page's status as an exception).
     */
    public URI browse(URI url, String user) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
            Matcher m = PENDING.matcher(r.body());
            if (!m.find()) {
                throw new AssertionError("no login form: " + r.body());
            }
            String form = "request_id=" + enc(m.group(1)) + "&username=" + enc(user) + "&password=" + enc(user);
            r = http.send(HttpRequest.newBuilder(endpoint("/authorize"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        }
        if (r.statusCode() != 302) {
            throw new IllegalStateException("authorization endpoint answered " + r.statusCode() + ": " + r.body());
        }
        return URI.create(r.headers().firstValue("Location").orElseThrow());
    }

    public AuthorizationResponse authorize(Flow flow, String user) throws Exception {
        return AuthorizationResponse.parse(browse(flow.url(), user));
    }

    public TokenResponse token(ClientAuthentication auth, String publicClientId, AuthorizationGrant grant, URI resource)
            throws Exception {
        TokenRequest.Builder b = auth != null
                ? new TokenRequest.Builder(endpoint("/token"), auth, grant)
                : new TokenRequest.Builder(endpoint("/token"), new ClientID(publicClientId), grant);
        if (resource != null) {
            b.resources(resource);
        }
        return TokenResponse.parse(b.build().toHTTPRequest().send());
    }

    public TokenResponse redeem(String publicClientId, AuthorizationCode code, CodeVerifier verifier, URI resource)
            throws Exception {
        return token(null, publicClientId, new AuthorizationCodeGrant(code, REDIRECT, verifier), resource);
    }

    public TokenResponse refresh(String publicClientId, RefreshToken rt, URI resource) throws Exception {
        return token(null, publicClientId, new RefreshTokenGrant(rt), resource);
    }

    /** The whole code flow of a public client for {@code user}; the token response. */
    public TokenResponse signIn(String publicClientId, String user, String scope, URI resource) throws Exception {
        Flow f = flow(publicClientId, scope, resource);
        AuthorizationResponse r = authorize(f, user);
        return redeem(publicClientId, r.toSuccessResponse().getAuthorizationCode(), f.verifier(), resource);
    }

    public static ClientSecretBasic basic(String id, String secret) {
        return new ClientSecretBasic(new ClientID(id), new Secret(secret));
    }

    public static List<String> scopes(TokenResponse r) {
        return r.toSuccessResponse().getTokens().getAccessToken().getScope().toStringList();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
