package dev.xaa4j.connector.internal.discovery;

import static dev.xaa4j.connector.testing.Routes.json;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.http.UnreachableException;
import dev.xaa4j.connector.testing.Routes;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The data a host decides on after a failed discovery (issue 10 item 4: never the message text): a configured URL
 * that is itself wrong is a {@link ConfiguredUrlException}, a peer that cannot be reached an
 * {@link UnreachableException}, an answer such as HTTP 503 neither. Fault injection against MockWebServer.
 */
@Timeout(30)
class DiscoveryErrorTypeTest {

    @StartStop
    private final MockWebServer web = new MockWebServer();

    private final Routes routes = new Routes();
    private Discovery discovery;
    private String base;

    @BeforeEach
    void setUp() {
        web.setDispatcher(routes);
        base = "http://" + web.getHostName() + ":" + web.getPort();
        discovery = new Discovery(Clock.systemUTC(), Duration.ofMinutes(10), Duration.ofMillis(1500));
    }

    @Test
    void anIdpAnnouncingAnotherIssuerIsAConfiguredUrlProblem() {
        routes.on("GET /idp/.well-known/openid-configuration", json(200, "{\"issuer\":\"" + base + "/idp/\"}"));
        assertThatThrownBy(() -> discovery.idp(URI.create(base + "/idp"))).isInstanceOf(ConfiguredUrlException.class)
                .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION);
    }

    @Test
    void anIssuerWithoutOpenIdConfigurationIsAConfiguredUrlProblem() {
        routes.on("GET /idp/.well-known/openid-configuration", new MockResponse.Builder().code(404).build());
        assertThatThrownBy(() -> discovery.idp(URI.create(base + "/idp"))).isInstanceOf(ConfiguredUrlException.class);
    }

    @Test
    void unusableConfiguredUrlsAreConfiguredUrlProblems() {
        assertThatThrownBy(() -> discovery.idp(URI.create(base + "/idp?tenant=1"))).isInstanceOf(ConfiguredUrlException.class);
        assertThatThrownBy(() -> discovery.server(URI.create("http://mcp.example.com/mcp"))).isInstanceOf(ConfiguredUrlException.class);
    }

    @Test
    void aClosedPortIsUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        assertThatThrownBy(() -> discovery.idp(URI.create("http://127.0.0.1:" + closedPort)))
                .isInstanceOf(UnreachableException.class)
                .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE);
    }

    @Test
    void anIdpAnswering503IsUnavailableButReachable() {
        routes.on("GET /idp/.well-known/openid-configuration", new MockResponse.Builder().code(503).body("busy").build());
        assertThatThrownBy(() -> discovery.idp(URI.create(base + "/idp")))
                .isInstanceOf(ConnectorException.class).isNotInstanceOf(UnreachableException.class)
                .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE);
    }
}
