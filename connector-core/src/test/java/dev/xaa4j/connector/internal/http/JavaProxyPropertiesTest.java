package dev.xaa4j.connector.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.IdpConfig;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.TestJwts;
import dev.xaa4j.connector.internal.grant.ClientAuthFactory;
import dev.xaa4j.connector.internal.grant.IdJag;
import dev.xaa4j.connector.internal.grant.IdJagExchange;
import dev.xaa4j.connector.internal.grant.JwtBearerGrant;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import dev.xaa4j.connector.internal.token.TokenKey;
import dev.xaa4j.connector.mcp.McpTransports;
import dev.xaa4j.connector.testing.StubProxy;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Token exchange and jwt-bearer take the process's proxy: here Java's
 * {@code http.proxyHost}/{@code http.proxyPort}, set while the process runs, to reach hosts that do not
 * resolve ({@code *.internal.test}) through a stub forward proxy.
 */
@Timeout(60)
class JavaProxyPropertiesTest {

    @StartStop
    final MockWebServer web = new MockWebServer();
    @AutoClose // after each test
    private StubProxy proxy;

    @BeforeEach
    void useTheProxy() throws Exception {
        proxy = StubProxy.start().reach("idp.internal.test").reach("as.internal.test").reach("notes.internal.test");
        System.setProperty("http.proxyHost", "127.0.0.1");
        System.setProperty("http.proxyPort", String.valueOf(proxy.port()));
    }

    @AfterEach
    void stopUsingIt() throws Exception {
        System.clearProperty("http.proxyHost");
        System.clearProperty("http.proxyPort");
    }

    private URI at(String host, String path) {
        return URI.create("http://" + host + ":" + web.getPort() + path);
    }

    private void json(String body) {
        web.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build());
    }

    @Test
    void tokenExchangeAndJwtBearerGoThroughTheProxy() {
        Instant now = Instant.now();
        String jag = TestJwts.jwt("oauth-id-jag+jwt", "alice", now, now.plusSeconds(300), "https://as.example/", "https://n.example/mcp");
        json("{\"issued_token_type\":\"urn:ietf:params:oauth:token-type:id-jag\",\"access_token\":\"" + jag
                + "\",\"token_type\":\"N_A\",\"expires_in\":300}");
        json("{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":60}");
        ClientCredentialsSource none = ClientCredentialsSource.none();

        IdJag idJag = new IdJagExchange(Clock.systemUTC(), Duration.ofSeconds(5)).exchange("notes",
                at("idp.internal.test", "/token"), ClientAuthFactory.create(ClientAuthMethod.NONE, "https://idp.example", "c", none),
                "the-id-token", "https://as.example/", "https://n.example/mcp", Set.of());
        AccessToken token = new JwtBearerGrant(Clock.systemUTC(), Duration.ofSeconds(5)).redeem("notes",
                at("as.internal.test", "/token"), ClientAuthFactory.create(ClientAuthMethod.NONE, "https://as.example/", "c", none),
                idJag, "https://n.example/mcp");

        assertThat(token.value()).isEqualTo("at-1");
        assertThat(proxy.requests()).containsExactly(
                "POST " + at("idp.internal.test", "/token") + " HTTP/1.1",
                "POST " + at("as.internal.test", "/token") + " HTTP/1.1");
    }
}
