package dev.xaa4j.connector.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.SampleIssuerFixture;
import dev.xaa4j.sample.SampleIssuerPerClass;
import dev.xaa4j.connector.TokenSource;
import dev.xaa4j.connector.host.broker.BrokerClient;
import dev.xaa4j.connector.host.broker.BrokerServer;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.mcp.McpTransports;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import dev.xaa4j.connector.CurrentUserConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Java agent's MCP SDK client with the shared token source (docs/architecture.md "One token source"): it uses the
 * running session owner's session over the broker socket (no sign-in, no connector of its own), and the same code
 * uses the embedded connector when no owner runs. Real sample issuer, real broker socket, real MCP server.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedSessionSdkTest extends SampleIssuerPerClass {

    private final AtomicInteger embeddedBuilds = new AtomicInteger();

    private Path socket() {
        return tmp.resolve("run").resolve("broker.sock");
    }

    private Connector signedIn(String user, String dir) throws Exception {
        Connector c = SampleIssuerFixture.withTestBrowser(SampleIssuerFixture.connector(issuer.idpIssuer(), issuer.servers(),
                new MemoryCredentialStore(), tmp.resolve(dir)).journal(false), tmp, user).build();
        c.signIn().get(90, TimeUnit.SECONDS);
        return c;
    }

    /** The code a Java agent writes: the shared source, an SDK client to notes, one tool call. */
    private String whoamiThroughTheSdk(TokenSource tokens) throws IOException {
        try (CurrentUserConfig config = CurrentUserConfig.withServers(Map.of("notes", issuer.servers().get("notes")));
             McpSyncClient client = McpClient.sync(McpTransports.streamableHttp(tokens, "notes", issuer.servers().get("notes")))
                .requestTimeout(Duration.ofSeconds(30)).build()) {
            client.initialize();
            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("whoami", Map.of()));
            return ((McpSchema.TextContent) result.content().get(0)).text();
        }
    }

    private SharedTokenSource shared(Supplier<Connector> embedded) {
        return new SharedTokenSource(() -> BrokerClient.connect(socket(), Duration.ofSeconds(2)), () -> {
            embeddedBuilds.incrementAndGet();
            return embedded.get();
        }, Clock.systemUTC());
    }

    @Test
    void anSdkClientUsesTheRunningBrokersSessionWithoutASignInOfItsOwn() throws Exception {
        try (Connector owner = signedIn("alice", "owner");
             BrokerServer broker = BrokerServer.builder(owner).socket(socket()).start();
             SharedTokenSource tokens = shared(() -> {
                 throw new AssertionError("the embedded connector must not be built while the broker serves");
             })) {
            assertThat(whoamiThroughTheSdk(tokens)).contains("\"sub\":\"alice\"");
            assertThat(tokens.usingBroker()).isTrue();
            assertThat(embeddedBuilds).as("no connector, no sign-in in the agent").hasValue(0);
            assertThat(owner.metrics().renewals()).as("the owner's one exchange served the agent").isEqualTo(1);
        }
    }

    @Test
    void theSameCodeFallsBackToTheEmbeddedConnectorWhenNoOwnerRuns() throws Exception {
        try (Connector embedded = signedIn("bob", "embedded");
             SharedTokenSource tokens = shared(() -> embedded)) {
            assertThat(whoamiThroughTheSdk(tokens)).contains("\"sub\":\"bob\"");
            assertThat(tokens.usingBroker()).isFalse();
            assertThat(embeddedBuilds).hasValue(1);
            assertThat(embedded.metrics().renewals()).isEqualTo(1);
        }
    }

    @Test
    void whenTheOwnerStopsMidSessionTheEmbeddedConnectorAnswersTheNextCall() throws Exception {
        try (Connector embedded = signedIn("bob", "embedded");
             SharedTokenSource tokens = shared(() -> embedded)) {
            try (Connector owner = signedIn("alice", "owner");
                 BrokerServer broker = BrokerServer.builder(owner).socket(socket()).start()) {
                assertThat(tokens.token("notes").value()).isEqualTo(owner.cachedToken("notes").orElseThrow().value());
            }
            assertThat(whoamiThroughTheSdk(tokens)).contains("\"sub\":\"bob\"");
            assertThat(tokens.usingBroker()).isFalse();
        }
    }
}
