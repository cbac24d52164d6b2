package dev.xaa4j.connector.internal.oauth;

import static dev.xaa4j.connector.testing.Routes.json;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.testing.Routes;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import net.minidev.json.JSONObject;

/**
 * A plain OAuth authorization server on a MockWebServer path prefix ({@code /NAME}): {@code /authorize} answers at once
 * with a 302 to the {@code redirect_uri} carrying a code, the {@code state} and an {@code iss} chosen by
 * {@link #iss}; {@code /token}, {@code /register} and {@code /revoke} answer as configured. Secrets it hands out carry
 * recognizable markers ({@code SECRET}) so tests can grep logs and messages for them.
 */
final class FakeAuthorizationServer {

    enum Iss { CORRECT, ABSENT, WRONG, NORMALIZED }

    final String issuer;
    final String name;
    final Map<String, Object> metadata = new LinkedHashMap<>();
    volatile Iss iss = Iss.CORRECT;
    volatile String authorizeError;
    /** Answers of POST /token by grant_type; default: fresh access + refresh tokens, no scope. */
    volatile Function<Map<String, String>, MockResponse> token = form -> json(200, tokens(null));
    volatile MockResponse register;
    private final AtomicInteger serial = new AtomicInteger();
    private final Routes routes;

    FakeAuthorizationServer(MockWebServer web, Routes routes, String name) {
        this.routes = routes;
        this.name = name;
        String base = "http://127.0.0.1:" + web.getPort();
        issuer = base + "/" + name;
        metadata.put("issuer", issuer);
        metadata.put("authorization_endpoint", issuer + "/authorize");
        metadata.put("token_endpoint", issuer + "/token");
        metadata.put("registration_endpoint", issuer + "/register");
        metadata.put("response_types_supported", List.of("code"));
        metadata.put("code_challenge_methods_supported", List.of("S256"));
        metadata.put("token_endpoint_auth_methods_supported", List.of("none"));
        metadata.put("authorization_response_iss_parameter_supported", true);
        register = json(201, "{\"client_id\":\"" + name + "-client-id\"}");
        routes.on("GET /" + name + "/authorize", this::authorize);
        routes.on("POST /" + name + "/token", r -> token.apply(form(r)));
        routes.on("POST /" + name + "/register", r -> register);
        routes.on("POST /" + name + "/revoke", r -> json(200, "{}"));
    }

    /** A token response with fresh marked values; {@code scope} omitted when null. */
    String tokens(String scope) {
        int n = serial.incrementAndGet();
        return "{\"access_token\":\"AT-SECRET-" + name + "-" + n + "\",\"token_type\":\"bearer\",\"expires_in\":3600,"
                + "\"refresh_token\":\"RT-SECRET-" + name + "-" + n + "\"" + (scope == null ? "" : ",\"scope\":\"" + scope + "\"") + "}";
    }

    ServerMetadata meta(String resource, List<String> scopesSupported, Optional<String> challenged) {
        return meta(resource, scopesSupported, challenged, ServerMetadata.Source.PRM);
    }

    ServerMetadata meta(String resource, List<String> scopesSupported, Optional<String> challenged, ServerMetadata.Source source) {
        try {
            AuthorizationServerMetadata as = AuthorizationServerMetadata.parse(new JSONObject(metadata).toJSONString());
            return new ServerMetadata(URI.create(resource + "/mcp"), resource, as, scopesSupported, challenged,
                    source == ServerMetadata.Source.PRM ? URI.create(resource + "/.well-known/oauth-protected-resource") : null, source);
        } catch (com.nimbusds.oauth2.sdk.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Requests to this AS's paths, in order. */
    List<RecordedRequest> requests() {
        return routes.requests().stream().filter(r -> r.getUrl().encodedPath().startsWith("/" + name + "/")).toList();
    }

    List<RecordedRequest> requests(String endpoint) {
        return requests().stream().filter(r -> r.getUrl().encodedPath().equals("/" + name + "/" + endpoint)).toList();
    }

    /** Query parameters of each authorization request. */
    List<Map<String, String>> authorizations() {
        return requests("authorize").stream().map(r -> query(r.getUrl().encodedQuery())).toList();
    }

    List<Map<String, String>> tokenForms() {
        return requests("token").stream().map(FakeAuthorizationServer::form).toList();
    }

    private MockResponse authorize(RecordedRequest r) {
        Map<String, String> q = query(r.getUrl().encodedQuery());
        StringBuilder location = new StringBuilder(q.get("redirect_uri")).append("?state=").append(enc(q.get("state")));
        location.append(authorizeError != null ? "&error=" + enc(authorizeError) : "&code=CODE-SECRET-" + serial.incrementAndGet());
        switch (iss) {
            case CORRECT -> location.append("&iss=").append(enc(issuer));
            case WRONG -> location.append("&iss=").append(enc("https://evil.example.com"));
            case NORMALIZED -> location.append("&iss=").append(enc(issuer + "/"));
            case ABSENT -> { }
        }
        return new MockResponse.Builder().code(302).addHeader("Location", location.toString()).build();
    }

    static Map<String, String> form(RecordedRequest r) {
        return query(r.getBody() == null ? "" : r.getBody().utf8());
    }

    static Map<String, String> query(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String pair : raw.split("&")) {
            int i = pair.indexOf('=');
            m.put(URLDecoder.decode(pair.substring(0, i), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
