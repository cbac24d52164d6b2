package dev.xaa4j.connector.internal.discovery;

import static dev.xaa4j.connector.testing.Routes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.testing.Routes;
import dev.xaa4j.testing.MutableClock;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Wire-exact discovery tests (docs/protocol.md §6) against MockWebServer. */
@org.junit.jupiter.api.Timeout(30)
class DiscoveryTest {

    @StartStop
    private final MockWebServer web = new MockWebServer();

    private final Routes routes = new Routes();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));
    private Discovery discovery;
    private String base;

    @BeforeEach
    void setUp() {
        web.setDispatcher(routes);
        base = "http://" + web.getHostName() + ":" + web.getPort();
        discovery = new Discovery(clock, Duration.ofMinutes(10), Duration.ofMillis(1500));
    }

    private URI mcp() {
        return URI.create(base + "/t/mcp");
    }

    private MockResponse challenge(String header) {
        return new MockResponse.Builder().code(401).addHeader("WWW-Authenticate", header)
                .addHeader("WWW-Authenticate", "DPoP algs=\"ES256\"").body("").build();
    }

    private String prm(String resource, String... authServers) {
        return "{\"resource\":\"" + resource + "\",\"authorization_servers\":[\"" + String.join("\",\"", authServers)
                + "\"],\"scopes_supported\":[\"notes.read\",\"notes.write\"],\"bearer_methods_supported\":[\"header\"]}";
    }

    private String asMetadata(String issuer, String grantTypes, String extra) {
        return "{\"issuer\":\"" + issuer + "\",\"token_endpoint\":\"" + issuer + "/token\",\"jwks_uri\":\"" + issuer
                + "/jwks\",\"grant_types_supported\":[" + grantTypes + "],"
                + "\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\",\"private_key_jwt\"]" + extra + "}";
    }

    private static final String JWT_BEARER = "\"urn:ietf:params:oauth:grant-type:jwt-bearer\"";
    private static final String PROFILES = ",\"authorization_grant_profiles_supported\":[\"urn:ietf:params:oauth:grant-profile:id-jag\"]";

    /** MCP server at /t/mcp announcing its PRM; AS issuer {base}/tenant1 whose metadata is at the OIDC path-aware URL. */
    private void happyServer() {
        routes.on("POST /t/mcp", challenge("Bearer error=\"invalid_request\", error_description=\"no token, \\\"please\\\"\", "
                        + "resource_metadata=\"" + base + "/.well-known/oauth-protected-resource/t/mcp\", scope=\"notes.read notes.write\""))
                .on("GET /.well-known/oauth-protected-resource/t/mcp", json(200, prm(base + "/t/mcp", base + "/tenant1")))
                .on("GET /.well-known/openid-configuration/tenant1", json(200, asMetadata(base + "/tenant1", JWT_BEARER, PROFILES)));
    }

    @Test
    void discoversFromTheUrlAloneFollowingThePathAwareWellKnownOrder() throws Exception {
        happyServer();

        ServerMetadata md = discovery.server(URI.create("HTTP://" + web.getHostName().toUpperCase() + ":" + web.getPort() + "/t/mcp#frag"));

        assertThat(md.serverUrl()).isEqualTo(mcp());
        assertThat(md.resource()).isEqualTo(base + "/t/mcp");
        assertThat(md.asIssuer()).isEqualTo(base + "/tenant1");
        assertThat(md.asTokenEndpoint()).isEqualTo(URI.create(base + "/tenant1/token"));
        assertThat(md.scopesSupported()).containsExactly("notes.read", "notes.write");
        assertThat(md.challengedScope()).contains("notes.read notes.write");
        assertThat(md.resourceMetadataUrl()).isEqualTo(URI.create(base + "/.well-known/oauth-protected-resource/t/mcp"));
        assertThat(routes.seen()).containsExactly(
                "POST /t/mcp",
                "GET /.well-known/oauth-protected-resource/t/mcp",
                "GET /.well-known/oauth-authorization-server/tenant1",
                "GET /.well-known/openid-configuration/tenant1");
        RecordedRequest initialize = routes.requests().get(0);
        assertThat(initialize.getHeaders().get("Accept")).isEqualTo("application/json, text/event-stream");
        assertThat(initialize.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(initialize.getHeaders().get("Authorization")).isNull();
        assertThat(initialize.getBody().utf8()).contains("\"method\":\"initialize\"").contains("\"jsonrpc\":\"2.0\"");
        // readable by a 2026-07-28 server too (SEP-2575 _meta and version header, SEP-2243 Mcp-Method): they agree
        assertThat(initialize.getHeaders().get("MCP-Protocol-Version")).isEqualTo("2025-11-25");
        assertThat(initialize.getHeaders().get("Mcp-Method")).isEqualTo("initialize");
        com.fasterxml.jackson.databind.JsonNode params = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(initialize.getBody().utf8()).path("params");
        assertThat(params.path("protocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(params.path("_meta").path("io.modelcontextprotocol/protocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(params.path("_meta").path("io.modelcontextprotocol/clientCapabilities").isObject()).isTrue();
        assertThat(params.path("_meta").path("io.modelcontextprotocol/clientInfo").path("name").asText()).isEqualTo("xaa4j-discovery");
    }

    @Test
    void withoutResourceMetadataFallsBackToThePathAwareThenRootPrmAndTheRfc8414Location() {
        routes.on("POST /t/mcp", challenge("Bearer realm=\"mcp\""))
                .on("GET /.well-known/oauth-protected-resource", json(200, prm(base + "/t/mcp", base)))
                .on("GET /.well-known/oauth-authorization-server", json(200, asMetadata(base, JWT_BEARER, "")));

        ServerMetadata md = discovery.server(mcp(), Optional.empty());

        assertThat(md.asIssuer()).isEqualTo(base);
        assertThat(md.challengedScope()).isEmpty();
        assertThat(md.resourceMetadataUrl()).isEqualTo(URI.create(base + "/.well-known/oauth-protected-resource"));
        assertThat(routes.seen()).containsExactly("POST /t/mcp", "GET /.well-known/oauth-protected-resource/t/mcp",
                "GET /.well-known/oauth-protected-resource", "GET /.well-known/oauth-authorization-server");
    }

    @Test
    void acceptsASameOriginResourceWhosePathIsAPrefixOfTheServerPath() {
        happyServer();
        routes.on("GET /.well-known/oauth-protected-resource/t/mcp", json(200, prm(base + "/t", base + "/tenant1")));

        assertThat(discovery.server(mcp()).resource()).isEqualTo(base + "/t");
    }

    @Test
    void refusesPrmForAnotherResource() {
        happyServer();
        routes.on("GET /.well-known/oauth-protected-resource/t/mcp", json(200, prm("https://evil.example/t/mcp", base + "/tenant1")));

        assertThatThrownBy(() -> discovery.server(mcp())).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining("is for 'https://evil.example/t/mcp', not for " + mcp());
        // a sibling path is not a prefix either
        routes.on("GET /.well-known/oauth-protected-resource/t/mcp", json(200, prm(base + "/t/mc", base + "/tenant1")));
        assertThatThrownBy(() -> discovery.server(mcp())).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION);
    }

    @Test
    void refusesAsMetadataWhoseIssuerDiffers() {
        happyServer();
        routes.on("GET /.well-known/openid-configuration/tenant1", json(200, asMetadata(base + "/tenant2", JWT_BEARER, PROFILES)));

        assertThatThrownBy(() -> discovery.server(mcp())).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining("names issuer '" + base + "/tenant2'")
                .hasMessageContaining("must be identical");
    }

    @Test
    void refusesAServerThatPointsToAnotherAsThanThePinnedOne() {
        happyServer();

        assertThatThrownBy(() -> discovery.server(mcp(), Optional.of("https://as.corp.example")))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining(base + "/tenant1")
                .hasMessageContaining("pins it to https://as.corp.example");
        assertThat(routes.count("GET /.well-known/openid-configuration/tenant1")).as("AS never contacted").isZero();
        assertThat(discovery.server(mcp(), Optional.of(base + "/tenant1")).asIssuer()).isEqualTo(base + "/tenant1");
    }

    @Test
    void anAsWithoutTheJwtBearerGrantIsDiscoveredButCannotTakeEma() {
        happyServer();
        routes.on("GET /.well-known/openid-configuration/tenant1",
                json(200, asMetadata(base + "/tenant1", "\"authorization_code\"", "")));

        ServerMetadata md = discovery.server(mcp());

        assertThat(md.emaProblem(true)).hasValueSatisfying(p -> assertThat(p).contains("does not accept the JWT bearer grant"));
        assertThat(md.emaProblem(false)).isPresent();
    }

    @Test
    void anAsListingGrantProfilesWithoutIdJagCannotTakeEmaEvenWhenForced() {
        happyServer();
        routes.on("GET /.well-known/openid-configuration/tenant1", json(200,
                asMetadata(base + "/tenant1", JWT_BEARER, ",\"authorization_grant_profiles_supported\":[\"urn:example:other\"]")));

        assertThat(discovery.server(mcp()).emaProblem(true))
                .hasValueSatisfying(p -> assertThat(p).contains("urn:ietf:params:oauth:grant-profile:id-jag"));
    }

    @Test
    void refusesAPlainHttpTokenEndpointOffLoopback() {
        happyServer();
        routes.on("GET /.well-known/openid-configuration/tenant1", json(200, "{\"issuer\":\"" + base + "/tenant1\","
                + "\"token_endpoint\":\"http://as.example/token\",\"grant_types_supported\":[" + JWT_BEARER + "]}"));

        assertThatThrownBy(() -> discovery.server(mcp())).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining("does not use https");
    }

    @Test
    void cachesServerMetadataUntilTheTtlOrAnInvalidate() {
        happyServer();
        discovery.server(mcp());
        int afterFirst = web.getRequestCount();

        discovery.server(URI.create(base + "/t/mcp"));
        assertThat(web.getRequestCount()).isEqualTo(afterFirst);

        discovery.invalidate(mcp());
        discovery.server(mcp());
        assertThat(web.getRequestCount()).isEqualTo(2 * afterFirst);

        clock.advance(Duration.ofMinutes(11));
        discovery.server(mcp());
        assertThat(web.getRequestCount()).isEqualTo(3 * afterFirst);
    }

    @Test
    void a5xxIsTransient() {
        happyServer();
        routes.on("GET /.well-known/oauth-protected-resource/t/mcp", new MockResponse.Builder().code(503).body("busy").build());

        assertThatThrownBy(() -> discovery.server(mcp())).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE)
                .hasMessageContaining("HTTP 503").hasMessageContaining("Try again");
        routes.on("POST /t/mcp", new MockResponse.Builder().code(502).build());
        assertThatThrownBy(() -> discovery.server(mcp())).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE)
                .hasMessageContaining("HTTP 502");
    }

    @Test
    void anHtmlPageInsteadOfJsonIsTransient() {
        happyServer();
        routes.on("GET /.well-known/openid-configuration/tenant1", new MockResponse.Builder().code(200)
                .addHeader("Content-Type", "text/html").body("<html><body>Please log in to the Wi-Fi</body></html>").build());

        assertThatThrownBy(() -> discovery.server(mcp())).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE)
                .hasMessageContaining("not JSON (text/html)").hasMessageContaining("captive-portal");
    }

    @Test
    void aSlowServerTimesOutAsTransient() {
        happyServer();
        routes.on("GET /.well-known/oauth-protected-resource/t/mcp", new MockResponse.Builder().code(200)
                .headersDelay(5, TimeUnit.SECONDS).body("{}").build());

        // the answer would come after 5 s and be malformed metadata: "did not answer" is the 1500 ms timeout
        assertThatThrownBy(() -> discovery.server(mcp())).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE)
                .hasMessageContaining("did not answer within 1500 ms");
    }

    @Test
    void anUnreachableServerIsTransient() throws Exception {
        int closedPort = closedPort();
        assertThatThrownBy(() -> discovery.server(URI.create("http://127.0.0.1:" + closedPort + "/mcp")))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE)
                .hasMessageContaining("Cannot reach the MCP server");
    }

    @Test
    void anUnreachableIdpIsNamedLowerCaseInsideTheSentence() throws Exception {
        int closedPort = closedPort();
        assertThatThrownBy(() -> discovery.idp(URI.create("http://127.0.0.1:" + closedPort)))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE)
                .hasMessageStartingWith("Cannot reach the identity provider at http://127.0.0.1:" + closedPort);
    }

    @Test
    void refusesPlainHttpServersOffLoopback() {
        assertThatThrownBy(() -> discovery.server(URI.create("http://mcp.example.com/mcp")))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION).hasMessageContaining("does not use https");
    }

    // ---- IdP ----

    private String idpMetadata(String issuer, String pkce) {
        return "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\","
                + "\"token_endpoint\":\"" + issuer + "/token\",\"jwks_uri\":\"" + issuer + "/jwks\","
                + "\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],"
                + "\"id_token_signing_alg_values_supported\":[\"RS256\"],\"scopes_supported\":[\"openid\",\"offline_access\"],"
                + "\"grant_types_supported\":[\"authorization_code\",\"refresh_token\",\"urn:ietf:params:oauth:grant-type:token-exchange\"],"
                + "\"identity_chaining_requested_token_types_supported\":[\"urn:ietf:params:oauth:token-type:id-jag\"]"
                + (pkce == null ? "" : ",\"code_challenge_methods_supported\":[" + pkce + "]") + "}";
    }

    @Test
    void idpDiscoveryIsCachedForTheTtl() {
        routes.on("GET /idp/.well-known/openid-configuration", json(200, idpMetadata(base + "/idp", "\"S256\"")));

        assertThat(discovery.idp(URI.create(base + "/idp")).getTokenEndpointURI()).isEqualTo(URI.create(base + "/idp/token"));
        discovery.idp(URI.create(base + "/idp"));
        assertThat(routes.count("GET /idp/.well-known/openid-configuration")).isEqualTo(1);

        clock.advance(Duration.ofMinutes(11));
        discovery.idp(URI.create(base + "/idp"));
        assertThat(routes.count("GET /idp/.well-known/openid-configuration")).isEqualTo(2);
    }

    @Test
    void refusesAnIdpWithoutS256() {
        routes.on("GET /idp/.well-known/openid-configuration", json(200, idpMetadata(base + "/idp", "\"plain\"")));
        assertThatThrownBy(() -> discovery.idp(URI.create(base + "/idp"))).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining("PKCE with S256");

        routes.on("GET /idp/.well-known/openid-configuration", json(200, idpMetadata(base + "/idp", null)));
        assertThatThrownBy(() -> discovery.idp(URI.create(base + "/idp"))).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining("PKCE with S256");
    }

    @Test
    void refusesAnIdpWhoseIssuerDiffers() {
        routes.on("GET /idp/.well-known/openid-configuration", json(200, idpMetadata(base + "/idp/", "\"S256\"")));
        assertThatThrownBy(() -> discovery.idp(URI.create(base + "/idp"))).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining("says its issuer is '" + base + "/idp/'");
    }

    // ---- RFC 9728 §3.1 / MCP "Protected Resource Metadata Discovery": path-aware, then root ----

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {401, 403, 404, 400})
    void aPathAwarePrmUrlAnsweringA4xxFallsBackToTheRootUrl(int status) {
        routes.on("POST /t/mcp", challenge("Bearer realm=\"mcp\""))
                .on("GET /.well-known/oauth-protected-resource/t/mcp", new MockResponse.Builder().code(status)
                        .addHeader("WWW-Authenticate", "Bearer realm=\"waf\"").body("denied").build())
                .on("GET /.well-known/oauth-protected-resource", json(200, prm(base + "/t/mcp", base)))
                .on("GET /.well-known/oauth-authorization-server", json(200, asMetadata(base, JWT_BEARER, "")));

        ServerMetadata md = discovery.server(mcp());

        assertThat(md.resourceMetadataUrl()).isEqualTo(URI.create(base + "/.well-known/oauth-protected-resource"));
        assertThat(md.asIssuer()).isEqualTo(base);
    }

    @Test
    void aPathAwarePrmUrlAnswering5xxIsAnErrorNamingTheUrlNotAbsent() {
        routes.on("POST /t/mcp", challenge("Bearer realm=\"mcp\""))
                .on("GET /.well-known/oauth-protected-resource/t/mcp", new MockResponse.Builder().code(500).body("oops").build())
                .on("GET /.well-known/oauth-protected-resource", json(200, prm(base + "/t/mcp", base)));

        assertThatThrownBy(() -> discovery.server(mcp())).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE)
                .hasMessageContaining(base + "/.well-known/oauth-protected-resource/t/mcp").hasMessageContaining("HTTP 500");
        assertThat(routes.seen()).doesNotContain("GET /.well-known/oauth-protected-resource");
    }

    @Test
    void whenEveryPrmLocationRefusesTheErrorNamesEachUrlAndStatus() {
        // a 403 without a challenge: asks for a token, but not a 401 (so no 2025-03-26 default endpoints)
        routes.on("POST /t/mcp", new MockResponse.Builder().code(403).body("").build())
                .on("GET /.well-known/oauth-protected-resource/t/mcp", new MockResponse.Builder().code(403).build())
                .on("GET /.well-known/oauth-protected-resource", new MockResponse.Builder().code(401).build());

        assertThatThrownBy(() -> discovery.server(mcp())).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining(base + "/.well-known/oauth-protected-resource/t/mcp (HTTP 403)")
                .hasMessageContaining(base + "/.well-known/oauth-protected-resource (HTTP 401)");
    }

    @Test
    void aPathAwareAsMetadataUrlAnswering403FallsBackToTheNextLocation() {
        happyServer();
        routes.on("GET /.well-known/oauth-authorization-server/tenant1", new MockResponse.Builder().code(403).build());

        assertThat(discovery.server(mcp()).asIssuer()).isEqualTo(base + "/tenant1");
        assertThat(routes.seen()).contains("GET /.well-known/openid-configuration/tenant1");
    }

    @Test
    void readsTheResourceMetadataOfABearerChallengeInASecondHeaderField() {
        happyServer();
        routes.on("POST /t/mcp", new MockResponse.Builder().code(401).addHeader("WWW-Authenticate", "Basic realm=\"corp\"")
                .addHeader("WWW-Authenticate", "Bearer resource_metadata = \"" + base + "/.well-known/oauth-protected-resource/t/mcp\", scope=notes.read")
                .body("").build());

        ServerMetadata md = discovery.server(mcp());

        assertThat(md.challengedScope()).contains("notes.read");
        assertThat(routes.seen()).containsExactly("POST /t/mcp", "GET /.well-known/oauth-protected-resource/t/mcp",
                "GET /.well-known/oauth-authorization-server/tenant1", "GET /.well-known/openid-configuration/tenant1");
    }

    /** A loopback port nothing listens on (it was free a moment ago). */
    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    // ---- the data a host decides on (issue 10 item 4: never the message text) ----

    @Test
    void anIdpAnnouncingAnotherIssuerOrNoConfigurationIsAConfiguredUrlProblem() {
        routes.on("GET /idp/.well-known/openid-configuration", json(200, idpMetadata(base + "/idp/", "\"S256\"")));
        assertThatThrownBy(() -> discovery.idp(URI.create(base + "/idp"))).isInstanceOf(ConfiguredUrlException.class)
                .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION);
        routes.on("GET /other/.well-known/openid-configuration", new MockResponse.Builder().code(404).build());
        assertThatThrownBy(() -> discovery.idp(URI.create(base + "/other"))).isInstanceOf(ConfiguredUrlException.class);
    }

    @Test
    void unusableConfiguredUrlsAreConfiguredUrlProblems() {
        assertThatThrownBy(() -> discovery.idp(URI.create(base + "/idp?tenant=1"))).isInstanceOf(ConfiguredUrlException.class);
        assertThatThrownBy(() -> discovery.server(URI.create("http://mcp.example.com/mcp"))).isInstanceOf(ConfiguredUrlException.class);
    }

    @Test
    void aClosedPortIsUnreachableA503IsNot() throws Exception {
        URI closed = URI.create("http://127.0.0.1:" + closedPort());
        assertThatThrownBy(() -> discovery.idp(closed))
                .isInstanceOf(dev.xaa4j.connector.internal.http.UnreachableException.class)
                .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE);
        routes.on("GET /idp/.well-known/openid-configuration", new MockResponse.Builder().code(503).body("busy").build());
        assertThatThrownBy(() -> discovery.idp(URI.create(base + "/idp")))
                .isInstanceOf(ConnectorException.class).isNotInstanceOf(dev.xaa4j.connector.internal.http.UnreachableException.class)
                .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE);
    }

    private static MockResponse unauthorizedWith(String challenge) {
        return new MockResponse.Builder().code(401).addHeader("WWW-Authenticate", challenge).body("").build();
    }

    // ---- every MCP server, not only enterprise-managed ones: DPoP challenges, the 2025-03-26 fallbacks,
    // unprotected servers, the capability checks of each flow (docs/architecture.md "Choosing the flow") ----

    private URI root() {
        return URI.create(base + "/mcp");
    }

    private String prmFor(String resource, String as) {
        return "{\"resource\":\"" + resource + "\",\"authorization_servers\":[\"" + as + "\"]}";
    }

    /** Plain-OAuth AS metadata (no jwt-bearer), with {@code extra} members. */
    private String plainAs(String issuer, String extra) {
        return "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\","
                + "\"token_endpoint\":\"" + issuer + "/token\",\"response_types_supported\":[\"code\"]" + extra + "}";
    }

    private static final String S256 = ",\"code_challenge_methods_supported\":[\"S256\"]";

    @Test
    void followsTheResourceMetadataOfADpopChallenge() {
        routes.on("POST /mcp", unauthorizedWith("DPoP algs=\"ES256\", resource_metadata=\"" + base + "/custom/prm.json\", scope=\"mcp:basic\""))
                .on("GET /custom/prm.json", json(200, prmFor(base + "/mcp", base)))
                .on("GET /.well-known/oauth-authorization-server", json(200, plainAs(base, S256)));

        ServerMetadata md = discovery.server(root());

        assertThat(md.resourceMetadataUrl()).isEqualTo(URI.create(base + "/custom/prm.json"));
        assertThat(md.challengedScope()).contains("mcp:basic");
        assertThat(md.source()).isEqualTo(ServerMetadata.Source.PRM);
        assertThat(routes.seen()).containsExactly("POST /mcp", "GET /custom/prm.json",
                "GET /.well-known/oauth-authorization-server");
        assertThat(md.plainOAuthProblem()).isEmpty();
    }

    @Test
    void prefersTheChallengeThatNamesResourceMetadataAmongBearerAndDpop() {
        routes.on("POST /mcp", new MockResponse.Builder().code(401).addHeader("WWW-Authenticate", "Bearer realm=\"x\"")
                        .addHeader("WWW-Authenticate", "DPoP resource_metadata=\"" + base + "/custom/prm.json\"").body("").build())
                .on("GET /custom/prm.json", json(200, prmFor(base + "/mcp", base)))
                .on("GET /.well-known/oauth-authorization-server", json(200, plainAs(base, S256)));

        assertThat(discovery.server(root()).resourceMetadataUrl()).isEqualTo(URI.create(base + "/custom/prm.json"));
    }

    @Test
    void aResourceForAnotherServerIsRefusedBeforeAnyAuthorizationServerIsContacted() {
        routes.on("POST /mcp", unauthorizedWith("Bearer resource_metadata=\"" + base + "/.well-known/oauth-protected-resource/mcp\""))
                .on("GET /.well-known/oauth-protected-resource/mcp", json(200, prmFor("https://evil.example.com/mcp", base)))
                .on("GET /.well-known/oauth-authorization-server", json(200, plainAs(base, S256)));

        assertThatThrownBy(() -> discovery.server(root())).isInstanceOf(ConnectorException.class)
                .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining("is for 'https://evil.example.com/mcp'");
        assertThat(routes.seen()).containsExactly("POST /mcp", "GET /.well-known/oauth-protected-resource/mcp");
    }

    @Test
    void anIssuerWithAPathIsLookedUpInTheSpecOrderEndingWithOidcAppended() {
        routes.on("POST /mcp", unauthorizedWith("Bearer realm=\"mcp\""))
                .on("GET /.well-known/oauth-protected-resource", json(200, prmFor(base, base + "/tenant1")))
                .on("GET /tenant1/.well-known/openid-configuration", json(200, plainAs(base + "/tenant1", S256)));

        ServerMetadata md = discovery.server(root());

        assertThat(md.asIssuer()).isEqualTo(base + "/tenant1");
        assertThat(routes.seen()).containsExactly("POST /mcp", "GET /.well-known/oauth-protected-resource/mcp",
                "GET /.well-known/oauth-protected-resource",
                "GET /.well-known/oauth-authorization-server/tenant1",
                "GET /.well-known/openid-configuration/tenant1",
                "GET /tenant1/.well-known/openid-configuration");
    }

    @Test
    void metadataNamingAnotherIssuerIsRefusedAsPlainStringsDiffer() {
        routes.on("POST /mcp", unauthorizedWith("Bearer realm=\"mcp\""))
                .on("GET /.well-known/oauth-protected-resource/mcp", json(200, prmFor(base + "/mcp", base)))
                .on("GET /.well-known/oauth-authorization-server", json(200, plainAs(base + "/", S256)));

        assertThatThrownBy(() -> discovery.server(root())).isInstanceOf(ConnectorException.class)
                .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining("names issuer '" + base + "/'");
    }

    @Test
    void withoutPrmTheAuthorizationServerMetadataAtTheOriginIsUsed20250326() {
        routes.on("POST /mcp/", unauthorizedWith("Bearer realm=\"mcp\""))
                .on("GET /.well-known/oauth-authorization-server", json(200, plainAs(base, S256)));

        ServerMetadata md = discovery.server(URI.create(base + "/mcp/"));

        assertThat(md.source()).isEqualTo(ServerMetadata.Source.LEGACY_METADATA);
        assertThat(md.asIssuer()).isEqualTo(base);
        assertThat(md.resource()).isEqualTo(base + "/mcp/");
        assertThat(md.resourceMetadataUrl()).isNull();
        assertThat(routes.seen()).containsExactly("POST /mcp/", "GET /.well-known/oauth-protected-resource/mcp",
                "GET /.well-known/oauth-protected-resource", "GET /.well-known/oauth-authorization-server");
    }

    @Test
    void legacyMetadataMustNameTheOriginAsIssuer() {
        routes.on("POST /mcp", unauthorizedWith("Bearer realm=\"mcp\""))
                .on("GET /.well-known/oauth-authorization-server", json(200, plainAs("https://attacker.example.com", S256)));

        assertThatThrownBy(() -> discovery.server(root())).isInstanceOf(ConnectorException.class)
                .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining("attacker.example.com");
    }

    @Test
    void withoutPrmOrMetadataThe20250326DefaultEndpointsAreUsed() {
        routes.on("POST /mcp", unauthorizedWith("Bearer"));

        ServerMetadata md = discovery.server(root());

        assertThat(md.source()).isEqualTo(ServerMetadata.Source.LEGACY_DEFAULTS);
        assertThat(md.asIssuer()).isEqualTo(base);
        assertThat(md.authorizationServer().getAuthorizationEndpointURI()).isEqualTo(URI.create(base + "/authorize"));
        assertThat(md.asTokenEndpoint()).isEqualTo(URI.create(base + "/token"));
        assertThat(md.authorizationServer().getRegistrationEndpointURI()).isEqualTo(URI.create(base + "/register"));
        assertThat(md.resource()).isEqualTo(base + "/mcp");
        assertThat(md.plainOAuthProblem()).as("no metadata, so no PKCE announcement to check").isEmpty();
        assertThat(md.emaProblem(true)).isPresent();
    }

    @Test
    void aServerThatAnswersWithoutATokenAndHasNoPrmIsNotProtected() {
        routes.on("POST /mcp", json(200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"));

        assertThatThrownBy(() -> discovery.server(root())).isInstanceOf(ConnectorException.class)
                .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.NOT_PROTECTED);
        assertThat(routes.seen()).as("no well-known GETs: some unprotected servers never answer them")
                .containsExactly("POST /mcp");
    }

    @Test
    void aServerWhoseInitializeNeedsNoTokenIsNotProtectedEvenWithPrm() {
        // MCP authorization: a 2xx without a token is "none"; a later 401 starts discovery (conformance auth/scope-step-up)
        routes.on("POST /mcp", json(200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"))
                .on("GET /.well-known/oauth-protected-resource/mcp", json(200, prmFor(base + "/mcp", base)));

        assertThatThrownBy(() -> discovery.server(root())).isInstanceOf(ConnectorException.class)
                .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.NOT_PROTECTED);
        assertThat(routes.seen()).containsExactly("POST /mcp");
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 404, 405, 406})
    void aRefusedInitializeWithoutChallengeIsNotProtectedAndCostsNoMetadataGets(int status) {
        // e.g. a 2026-07-28 stateless server refusing the 2025 initialize; its well-known URLs may never answer
        routes.on("POST /mcp", new MockResponse.Builder().code(status).body("{}").build())
                .on("GET /.well-known/oauth-protected-resource/mcp", json(200, prmFor(base + "/mcp", base)));

        assertThatThrownBy(() -> discovery.server(root())).isInstanceOf(ConnectorException.class)
                .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.NOT_PROTECTED)
                .hasMessageContaining("HTTP " + status);
        assertThat(routes.seen()).containsExactly("POST /mcp");
    }

    @Test
    void aLaterChallengeRestartsDiscoveryFromItsResourceMetadataAndScope() {
        routes.on("POST /mcp", json(200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"))
                .on("GET /meta/prm", json(200, prmFor(base + "/mcp", base)))
                .on("GET /.well-known/oauth-authorization-server", json(200, plainAs(base, S256)));
        assertThatThrownBy(() -> discovery.server(root())).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.NOT_PROTECTED);

        discovery.challenged(root(), Optional.of(URI.create(base + "/meta/prm")), List.of("mcp:basic", "mcp:read"));
        ServerMetadata md = discovery.server(root());

        assertThat(md.resourceMetadataUrl()).isEqualTo(URI.create(base + "/meta/prm"));
        assertThat(md.challengedScope()).contains("mcp:basic mcp:read");
        assertThat(routes.seen()).containsExactly("POST /mcp", "GET /meta/prm", "GET /.well-known/oauth-authorization-server");
        discovery.invalidate(root());
        assertThatThrownBy(() -> discovery.server(root())).as("the challenge is used once; then the probe again")
                .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.NOT_PROTECTED);
    }

    @Test
    void aChallengeWithoutResourceMetadataStillRediscoversFromTheWellKnownUrls() {
        routes.on("POST /mcp", unauthorizedWith("Bearer realm=\"mcp\""))
                .on("GET /.well-known/oauth-protected-resource/mcp", json(200, prmFor(base + "/mcp", base)))
                .on("GET /.well-known/oauth-authorization-server", json(200, plainAs(base, S256)));
        discovery.server(root());

        discovery.challenged(root(), Optional.empty(), List.of("mcp:write"));
        ServerMetadata md = discovery.server(root());

        assertThat(md.challengedScope()).contains("mcp:write");
        assertThat(routes.seen()).filteredOn("POST /mcp"::equals).as("the cached probe result is not reused, the challenge"
                + " replaces a new probe").hasSize(1);
        assertThat(routes.seen()).filteredOn("GET /.well-known/oauth-protected-resource/mcp"::equals).hasSize(2);
    }

    @Test
    void plainOAuthNeedsS256AnnouncedInMetadata() {
        routes.on("POST /mcp", unauthorizedWith("Bearer realm=\"mcp\""))
                .on("GET /.well-known/oauth-protected-resource/mcp", json(200, prmFor(base + "/mcp", base)))
                .on("GET /.well-known/oauth-authorization-server", json(200, plainAs(base, "")));

        ServerMetadata md = discovery.server(root());

        assertThat(md.plainOAuthProblem()).hasValueSatisfying(p -> assertThat(p).contains("code_challenge_methods_supported"));
        assertThat(md.emaProblem(false)).isPresent();
    }

    @Test
    void emaNeedsTheGrantProfileOrJwtBearerOnAServerForcedToEma() {
        String jwtBearer = ",\"grant_types_supported\":[\"urn:ietf:params:oauth:grant-type:jwt-bearer\"]";
        routes.on("POST /mcp", unauthorizedWith("Bearer realm=\"mcp\""))
                .on("GET /.well-known/oauth-protected-resource/mcp", json(200, prmFor(base + "/mcp", base)))
                .on("GET /.well-known/oauth-authorization-server", json(200, plainAs(base, jwtBearer)));

        ServerMetadata jwtOnly = discovery.server(root());
        assertThat(jwtOnly.emaProblem(false)).hasValueSatisfying(p -> assertThat(p).contains("set its auth to ema"));
        assertThat(jwtOnly.emaProblem(true)).isEmpty();

        discovery.invalidate(root());
        routes.on("GET /.well-known/oauth-authorization-server", json(200, plainAs(base, jwtBearer
                + ",\"authorization_grant_profiles_supported\":[\"urn:ietf:params:oauth:grant-profile:id-jag\"]")));
        assertThat(discovery.server(root()).emaProblem(false)).isEmpty();
    }
}
