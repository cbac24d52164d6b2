package dev.xaa4j.sample.idp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Drives the sample IdP over real HTTP the way a native app and a browser would: GET /authorize, parse the
 * login form, POST the credentials, read the 302 to the loopback redirect (no listener needed), POST /token.
 * Redirects are never followed.
 */
final class IdpTestClient {

    static final String CLIENT_ID = "xaa-desktop";
    static final String CLIENT_SECRET = "xaa-desktop-demo-secret";
    static final String REDIRECT = "http://127.0.0.1:53121/callback";
    static final String ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
    static final String ID_JAG_TYPE = "urn:ietf:params:oauth:token-type:id-jag";
    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final URI issuer;

    IdpTestClient(URI issuer) {
        this.issuer = issuer;
    }

    URI issuer() {
        return issuer;
    }

    URI tokenEndpoint() {
        return URI.create(issuer + "/token");
    }

    // ---- client authentication --------------------------------------------------------------------------

    /** How a token request authenticates the client. */
    interface ClientAuth {
        void apply(HttpRequest.Builder request, Map<String, String> form);
    }

    static ClientAuth none() {
        return (r, f) -> {
        };
    }

    static ClientAuth basic(String id, String secret) {
        String pair = URLEncoder.encode(id, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return (r, f) -> r.header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    static ClientAuth demoBasic() {
        return basic(CLIENT_ID, CLIENT_SECRET);
    }

    static ClientAuth post(String id, String secret) {
        return (r, f) -> {
            f.put("client_id", id);
            f.put("client_secret", secret);
        };
    }

    /** RFC 7523 §2.2 client assertion signed with {@code key}, audience = the token endpoint. */
    ClientAuth privateKeyJwt(String id, RSAKey key) {
        return (r, f) -> {
            try {
                PrivateKeyJWT jwt = new PrivateKeyJWT(new ClientID(id), tokenEndpoint(), JWSAlgorithm.RS256,
                        key.toRSAPrivateKey(), key.getKeyID(), null);
                jwt.toParameters().forEach((k, v) -> f.put(k, v.get(0)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    // ---- HTTP -------------------------------------------------------------------------------------------

    HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET().build());
    }

    /** Form fields from alternating names and values, in order; a field whose value is {@code null} is left out. */
    static Map<String, String> form(String... namesAndValues) {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                form.put(namesAndValues[i], namesAndValues[i + 1]);
            }
        }
        return form;
    }

    HttpResponse<String> postForm(URI uri, Map<String, String> form, ClientAuth auth) {
        Map<String, String> body = new LinkedHashMap<>(form);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        auth.apply(b, body);
        return send(b.POST(HttpRequest.BodyPublishers.ofString(encode(body))).build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A call of the IdP's admin API ({@code path} under {@code /admin/}) with {@code token} as bearer, if any. */
    HttpResponse<String> admin(String method, String path, String body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(issuer + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    static Map<String, Object> json(HttpResponse<String> response) {
        try {
            return JSON.readValue(response.body(), new TypeReference<>() {
            });
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    static String encode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** Query parameters of a redirect Location. */
    static Map<String, String> query(String location) {
        Map<String, String> out = new LinkedHashMap<>();
        String q = URI.create(location).getRawQuery();
        if (q == null) {
            return out;
        }
        for (String pair : q.split("&")) {
            int i = pair.indexOf('=');
            out.put(URLDecoder.decode(i < 0 ? pair : pair.substring(0, i), StandardCharsets.UTF_8),
                    i < 0 ? "" : URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    // ---- authorization endpoint ---------------------------------------------------------------------------

    /** A PKCE pair (RFC 7636 §4.1–4.2). */
    record Pkce(String verifier, String challenge) {
        static Pkce s256() {
            CodeVerifier v = new CodeVerifier();
            return new Pkce(v.getValue(), CodeChallenge.compute(CodeChallengeMethod.S256, v).getValue());
        }
    }

    /** A complete, valid authorization request for the demo client; tests change entries to break it. */
    static Map<String, String> authorizeParams(Pkce pkce) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("response_type", "code");
        p.put("client_id", CLIENT_ID);
        p.put("redirect_uri", REDIRECT);
        p.put("scope", "openid offline_access email profile");
        p.put("state", "st-" + UUID.randomUUID());
        p.put("nonce", "n-" + UUID.randomUUID());
        p.put("code_challenge", pkce.challenge());
        p.put("code_challenge_method", "S256");
        return p;
    }

    HttpResponse<String> authorize(Map<String, String> params) {
        return get(URI.create(issuer + "/authorize?" + encode(params)));
    }

    /** The login form of an HTML page: its action and every named input with its value. */
    record LoginForm(String method, String action, Map<String, String> inputs) {
        private static final Pattern FORM = Pattern.compile("<form\\s+method=\"([^\"]*)\"\\s+action=\"([^\"]*)\"");
        private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>");
        private static final Pattern ATTR = Pattern.compile("(\\w+)=\"([^\"]*)\"");

        static LoginForm parse(String html) {
            Matcher f = FORM.matcher(html);
            assertThat(f.find()).as("login form in %s", html).isTrue();
            Map<String, String> inputs = new LinkedHashMap<>();
            Matcher in = INPUT.matcher(html);
            while (in.find()) {
                Map<String, String> attrs = new LinkedHashMap<>();
                Matcher a = ATTR.matcher(in.group(1));
                while (a.find()) {
                    attrs.put(a.group(1), unescape(a.group(2)));
                }
                if (attrs.containsKey("name")) {
                    inputs.put(attrs.get("name"), attrs.getOrDefault("value", ""));
                }
            }
            return new LoginForm(f.group(1), f.group(2), inputs);
        }

        private static String unescape(String s) {
            return s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
                    .replace("&amp;", "&");
        }
    }

    HttpResponse<String> submitLogin(LoginForm form, String username, String password) {
        Map<String, String> fields = new LinkedHashMap<>(form.inputs());
        fields.put("username", username);
        fields.put("password", password);
        return postForm(URI.create(issuer + form.action()), fields, none());
    }

    /** Signs {@code user} in with {@code params}; returns the query of the 302 to the redirect URI. */
    Map<String, String> signIn(Map<String, String> params, String user, String password) {
        HttpResponse<String> page = authorize(params);
        assertThat(page.statusCode()).as("login page: %s", page.body()).isEqualTo(200);
        HttpResponse<String> done = submitLogin(LoginForm.parse(page.body()), user, password);
        assertThat(done.statusCode()).as("after login: %s", done.body()).isEqualTo(302);
        String location = done.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(params.get("redirect_uri") + "?");
        return query(location);
    }

    // ---- token endpoint ---------------------------------------------------------------------------------

    HttpResponse<String> redeemCode(String code, String redirectUri, String verifier, ClientAuth auth) {
        return postForm(tokenEndpoint(), form("grant_type", "authorization_code", "code", code,
                "redirect_uri", redirectUri, "code_verifier", verifier), auth);
    }

    /** RFC 7009 §2.1 revocation request for {@code token} at the advertised {@code revocation_endpoint}. */
    HttpResponse<String> revoke(String token, String tokenTypeHint, ClientAuth auth) {
        return postForm(URI.create(issuer + "/revoke"), form("token", token, "token_type_hint", tokenTypeHint), auth);
    }

    HttpResponse<String> refresh(String refreshToken, ClientAuth auth) {
        return postForm(tokenEndpoint(), Map.of("grant_type", "refresh_token", "refresh_token", refreshToken), auth);
    }

    /** The token response of a complete sign-in of {@code user} (password = user name) with the demo client. */
    Map<String, Object> login(String user) {
        Pkce pkce = Pkce.s256();
        Map<String, String> params = authorizeParams(pkce);
        Map<String, String> callback = signIn(params, user, user);
        HttpResponse<String> tokens = redeemCode(callback.get("code"), params.get("redirect_uri"), pkce.verifier(),
                demoBasic());
        assertThat(tokens.statusCode()).as("token response: %s", tokens.body()).isEqualTo(200);
        return json(tokens);
    }

    String idToken(String user) {
        return (String) login(user).get("id_token");
    }

    /** A token exchange of {@code subjectToken} (an ID token) for an ID-JAG; {@code null} values are left out. */
    HttpResponse<String> exchange(String subjectToken, String audience, String resource, String scope, ClientAuth auth) {
        return postForm(tokenEndpoint(), form("grant_type", TOKEN_EXCHANGE, "requested_token_type", ID_JAG_TYPE,
                "subject_token", subjectToken, "subject_token_type", ID_TOKEN_TYPE, "audience", audience,
                "resource", resource, "scope", scope), auth);
    }

    static List<String> scopes(Object scope) {
        return scope == null ? List.of() : List.of(((String) scope).split(" "));
    }
}
