package dev.xaa4j.connector.internal.discovery;

import static dev.xaa4j.connector.testing.Routes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.testing.Routes;
import dev.xaa4j.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Discovery for every MCP server, not only enterprise-managed ones (MCP authorization 2025-11-25 / 2026-07-28
 * "Authorization Server Discovery", the 2025-03-26 fallbacks, DPoP challenges, unprotected servers), wire-exact
 * against MockWebServer.
 */
@org.junit.jupiter.api.Timeout(30)
class DiscoveryFlowsTest {

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
        return URI.create(base + "/mcp");
    }

    private static MockResponse unauthorized(String challenge) {
        return new MockResponse.Builder().code(401).addHeader("WWW-Authenticate", challenge).body("").build();
    }

    private String prm(String resource, String as) {
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
        routes.on("POST /mcp", unauthorized("DPoP algs=\"ES256\", resource_metadata=\"" + base + "/custom/prm.json\", scope=\"mcp:basic\""))
                .on("GET /custom/prm.json", json(200, prm(base + "/mcp", base)))
                .on("GET /.well-known/oauth-authorization-server", json(200, plainAs(base, S256)));

        ServerMetadata md = discovery.server(mcp());

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
                .on("GET /custom/prm.json", json(200, prm(base + "/mcp", base)))
                .on("GET /.well-known/oauth-authorization-server", json(200, plainAs(base, S256)));

        assertThat(discovery.server(mcp()).resourceMetadataUrl()).isEqualTo(URI.create(base + "/custom/prm.json"));
    }

    @Test
    void aResourceForAnotherServerIsRefusedBeforeAnyAuthorizationServerIsContacted() {
        routes.on("POST /mcp", unauthorized("Bearer resource_metadata=\"" + base + "/.well-known/oauth-protected-resource/mcp\""))
                .on("GET /.well-known/oauth-protected-resource/mcp", json(200, prm("https://evil.example.com/mcp", base)))
                .on("GET /.well-known/oauth-authorization-server", json(200, plainAs(base, S256)));

        assertThatThrownBy(() -> discovery.server(mcp())).isInstanceOf(ConnectorException.class)
                .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining("is for 'https://evil.example.com/mcp'");
        assertThat(routes.seen()).containsExactly("POST /mcp", "GET /.well-known/oauth-protected-resource/mcp");
    }

    @Test
    void anIssuerWithAPathIsLookedUpInTheSpecOrderEndingWithOidcAppended() {
        routes.on("POST /mcp", unauthorized("Bearer realm=\"mcp\""))
                .on("GET /.well-known/oauth-protected-resource", json(200, prm(base, base + "/tenant1")))
                .on("GET /tenant1/.well-known/openid-configuration", json(200, plainAs(base + "/tenant1", S256)));

        ServerMetadata md = discovery.server(mcp());

        assertThat(md.asIssuer()).isEqualTo(base + "/tenant1");
        assertThat(routes.seen()).containsExactly("POST /mcp", "GET /.well-known/oauth-protected-resource/mcp",
                "GET /.well-known/oauth-protected-resource",
                "GET /.well-known/oauth-authorization-server/tenant1",
                "GET /.well-known/openid-configuration/tenant1",
                "GET /tenant1/.well-known/openid-configuration");
    }

    @Test
    void metadataNamingAnotherIssuerIsRefusedAsPlainStringsDiffer() {
        routes.on("POST /mcp", unauthorized("Bearer realm=\"mcp\""))
                .on("GET /.well-known/oauth-protected-resource/mcp", json(200, prm(base + "/mcp", base)))
                .on("GET /.well-known/oauth-authorization-server", json(200, plainAs(base + "/", S256)));

        assertThatThrownBy(() -> discovery.server(mcp())).isInstanceOf(ConnectorException.class)
                .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining("names issuer '" + base + "/'");
    }

    @Test
    void withoutPrmTheAuthorizationServerMetadataAtTheOriginIsUsed20250326() {
        routes.on("POST /mcp", unauthorized("Bearer realm=\"mcp\""))
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
        routes.on("POST /mcp", unauthorized("Bearer realm=\"mcp\""))
                .on("GET /.well-known/oauth-authorization-server", json(200, plainAs("https://attacker.example.com", S256)));

        assertThatThrownBy(() -> discovery.server(mcp())).isInstanceOf(ConnectorException.class)
                .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining("attacker.example.com");
    }

    @Test
    void withoutPrmOrMetadataThe20250326DefaultEndpointsAreUsed() {
        routes.on("POST /mcp", unauthorized("Bearer"));

        ServerMetadata md = discovery.server(mcp());

        assertThat(md.source()).isEqualTo(ServerMetadata.Source.LEGACY_DEFAULTS);
        assertThat(md.asIssuer()).isEqualTo(base);
        assertThat(md.authorizationServer().getAuthorizationEndpointURI()).isEqualTo(URI.create(base + "/authorize"));
        assertThat(md.asTokenEndpoint()).isEqualTo(URI.create(base + "/token"));
        assertThat(md.authorizationServer().getRegistrationEndpointURI()).isEqualTo(URI.create(base + "/register"));
        assertThat(md.resource()).isEqualTo(base + "/mcp");
        assertThat(md.plainOAuthProblem()).as("no metadata, so no PKCE announcement to check").isEmpty();
        assertThat(md.emaProblem(mcp(), true)).isPresent();
    }

    @Test
    void aServerThatAnswersWithoutATokenAndHasNoPrmIsNotProtected() {
        routes.on("POST /mcp", json(200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"));

        assertThatThrownBy(() -> discovery.server(mcp())).isInstanceOf(ConnectorException.class)
                .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.NOT_PROTECTED);
        assertThat(routes.seen()).containsExactly("POST /mcp", "GET /.well-known/oauth-protected-resource/mcp",
                "GET /.well-known/oauth-protected-resource");
    }

    @Test
    void plainOAuthNeedsS256AnnouncedInMetadata() {
        routes.on("POST /mcp", unauthorized("Bearer realm=\"mcp\""))
                .on("GET /.well-known/oauth-protected-resource/mcp", json(200, prm(base + "/mcp", base)))
                .on("GET /.well-known/oauth-authorization-server", json(200, plainAs(base, "")));

        ServerMetadata md = discovery.server(mcp());

        assertThat(md.plainOAuthProblem()).hasValueSatisfying(p -> assertThat(p).contains("code_challenge_methods_supported"));
        assertThat(md.emaProblem(mcp(), false)).isPresent();
    }

    @Test
    void emaNeedsTheGrantProfileOrJwtBearerOnAServerForcedToEma() {
        String jwtBearer = ",\"grant_types_supported\":[\"urn:ietf:params:oauth:grant-type:jwt-bearer\"]";
        routes.on("POST /mcp", unauthorized("Bearer realm=\"mcp\""))
                .on("GET /.well-known/oauth-protected-resource/mcp", json(200, prm(base + "/mcp", base)))
                .on("GET /.well-known/oauth-authorization-server", json(200, plainAs(base, jwtBearer)));

        ServerMetadata jwtOnly = discovery.server(mcp());
        assertThat(jwtOnly.emaProblem(mcp(), false)).hasValueSatisfying(p -> assertThat(p).contains("set its auth to ema"));
        assertThat(jwtOnly.emaProblem(mcp(), true)).isEmpty();

        discovery.invalidate(mcp());
        routes.on("GET /.well-known/oauth-authorization-server", json(200, plainAs(base, jwtBearer
                + ",\"authorization_grant_profiles_supported\":[\"urn:ietf:params:oauth:grant-profile:id-jag\"]")));
        assertThat(discovery.server(mcp()).emaProblem(mcp(), false)).isEmpty();
    }
}
