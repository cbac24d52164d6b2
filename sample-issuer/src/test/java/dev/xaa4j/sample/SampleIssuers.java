package dev.xaa4j.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The sample issuer (IdP + AS + MCP servers over real HTTP) as the tests' peer: started on free ports, its demo
 * clients (demo-policy.json) and its admin endpoint. For a per-class issuer see {@link SampleIssuerPerClass}. In
 * this module's test jar, which the other modules' tests use.
 */
public final class SampleIssuers {
    /** The demo IdP client (RFC 8693 token exchange; client_secret_basic). */
    public static final String IDP_CLIENT = "xaa-desktop";
    public static final String IDP_SECRET = "xaa-desktop-demo-secret";
    /** The demo client at the MCP servers' AS (RFC 7523 jwt-bearer; client_secret_basic). */
    public static final String AS_CLIENT = "xaa-desktop-mcp";
    public static final String AS_SECRET = "xaa-desktop-mcp-demo-secret";

    private SampleIssuers() {
    }

    /** The sample issuer with its default lifetimes on three free ports, its state in {@code state}. */
    public static SampleIssuer start(Path state) throws Exception {
        return start(state, UnaryOperator.identity());
    }

    /** As {@link #start(Path)}, with the settings changed by {@code settings} (e.g. short token lifetimes). */
    public static SampleIssuer start(Path state, UnaryOperator<IssuerSettings> settings) throws Exception {
        return start(state, settings, Clock.systemUTC());
    }

    /**
     * As {@link #start(Path, UnaryOperator)}, every lifetime (codes, tokens) measured on {@code clock}: a test
     * moves test-support's MutableClock past an expiry instead of waiting for it.
     */
    public static SampleIssuer start(Path state, UnaryOperator<IssuerSettings> settings, Clock clock) throws Exception {
        return SampleIssuer.start(settings.apply(IssuerSettings.defaults(state).withPortBase(0)), clock);
    }

    /**
     * Settings whose MCP access tokens live {@code ttl} (seconds, for tests that watch a renewal or a
     * revocation happen), the ID token 10 min, the refresh token 1 h, the ID-JAG 5 min.
     */
    public static UnaryOperator<IssuerSettings> accessTokensLasting(Duration ttl) {
        return s -> s.withLifetimes(Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofMinutes(5), ttl);
    }

    /**
     * POST {@code {idp}/admin/{action}} {@code {"user":…,"server":…}} with the admin token; returns the HTTP
     * status. Actions: {@code revoke}, {@code restore} (see the sample issuer's README).
     */
    public static int admin(SampleIssuer issuer, String action, String user, String server)
            throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(issuer.idpIssuer() + "/admin/" + action))
                .header("Authorization", "Bearer " + issuer.adminToken())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + user + "\",\"server\":\"" + server + "\"}"))
                .build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
