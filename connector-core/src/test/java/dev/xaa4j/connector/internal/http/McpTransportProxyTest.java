package dev.xaa4j.connector.internal.http;

import dev.xaa4j.connector.internal.ConnectorInternals;
import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.IdpConfig;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import dev.xaa4j.connector.internal.token.TokenKey;
import dev.xaa4j.connector.mcp.McpTransports;
import dev.xaa4j.connector.testing.StubProxy;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The MCP SDK transport of {@link McpTransports} takes {@code HTTP_PROXY}: a server only the proxy can reach. */
@Timeout(60)
class McpTransportProxyTest {

    @StartStop
    final MockWebServer web = new MockWebServer();
    @TempDir
    Path stateDir;
    @AutoClose // after each test
    private StubProxy proxy;

    @BeforeEach
    void startProxy() throws Exception {
        proxy = StubProxy.start().reach("notes.internal.test");
    }

    private URI at(String host, String path) {
        return URI.create("http://" + host + ":" + web.getPort() + path);
    }

    @Test
    void mcpTrafficOfTheSdkTransportGoesThroughTheHttpProxyOfTheEnvironment() {
        web.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                String body = r.getBody() == null ? "" : r.getBody().utf8();
                if (!"POST".equals(r.getMethod())) {
                    return new MockResponse.Builder().code(405).build();
                }
                if (!body.contains("\"id\"")) {
                    return new MockResponse.Builder().code(202).build();
                }
                return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                        .body("{\"jsonrpc\":\"2.0\",\"id\":" + body.replaceAll(".*\"id\"\\s*:\\s*(\"[^\"]*\"|\\d+).*", "$1")
                                + ",\"result\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                                + "\"serverInfo\":{\"name\":\"behind-proxy\",\"version\":\"1\"}}}").build();
            }
        });
        TokenFetcher fetcher = (name, extra) -> new TokenFetcher.Fetched(
                new AccessToken(name, "t", "Bearer", Instant.now().plusSeconds(300), Set.of()),
                new TokenKey("https://idp.test", "https://as.test", "https://mcp.test", ""));
        try (Connector connector = ConnectorInternals.tokenFetcher(Connector.builder()
                .idp(new IdpConfig(URI.create("https://idp.test"), "c", ClientAuthMethod.NONE))
                .server(ServerConfig.of("notes", at("notes.internal.test", "/mcp"), "c", ClientAuthMethod.NONE))
                .sessionInMemory(true).clientCredentials(ClientCredentialsSource.none())
                .idTokenSource(() -> "unused").stateDir(stateDir), fetcher).build();
             McpSyncClient client = McpClient.sync(McpTransports.streamableHttpBuilder(connector, "notes",
                     Network.from(Map.of("HTTP_PROXY", proxy.url()), new Properties())::configure).build())
                     .requestTimeout(Duration.ofSeconds(10)).build()) {
            assertThat(client.initialize().serverInfo().name()).isEqualTo("behind-proxy");
        }
        assertThat(proxy.requests()).isNotEmpty()
                .allSatisfy(r -> assertThat(r).contains(at("notes.internal.test", "/mcp").toString()));
    }
}
