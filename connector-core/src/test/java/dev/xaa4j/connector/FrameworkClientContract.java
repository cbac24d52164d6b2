package dev.xaa4j.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.connector.host.SharedTokenSource;
import dev.xaa4j.connector.host.broker.BrokerClient;
import dev.xaa4j.connector.host.broker.BrokerServer;
import dev.xaa4j.connector.internal.dpop.DPoPTesting;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CopyOnWriteArrayList;
import java.time.Clock;
import java.time.Duration;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an agent framework's own MCP client must do through a framework module (xaa4j-spring-ai,
 * xaa4j-langchain4j), against the sample issuer's notes server over real HTTP, as a signed-in connector: as alice,
 * tools/list and tool calls succeed; bob, who may only read notes, is refused {@code add_note} with a
 * {@link ScopeDeniedException} naming {@code notes.write}; a DPoP-bound token works with the server's own nonce
 * (RFC 9449 §9), and neither the token nor a proof reaches the log; with a session owner running, the framework's
 * client is served by its broker (the shared token source builds no connector of its own); a connection whose URL
 * is not the configured server's is refused with a {@code CONFIGURATION} error naming both URLs, and that URL never
 * sees a token. A module's test implements {@link #open}.
 */
@Tag("slow")
@Timeout(180)
public abstract class FrameworkClientContract extends SampleIssuerConnectors {

    /** The framework's client for the server "notes", its tokens from {@code tokens}. */
    protected interface FrameworkClient extends AutoCloseable {
        List<String> toolNames() throws Exception;

        /** The text the tool answered; a refusal is thrown as the framework throws it. */
        String call(String tool, Map<String, Object> arguments) throws Exception;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The framework's client for the server "notes" at {@code url}, its tokens from {@code tokens}. */
    protected abstract FrameworkClient open(TokenSource tokens, URI url) throws Exception;

    /** {@link #open(TokenSource, URI)} at the notes server's own URL. */
    protected FrameworkClient open(TokenSource tokens) throws Exception {
        return open(tokens, issuer.servers().get("notes"));
    }

    @AfterEach
    void dpopModesOff() throws Exception {
        issuer.dpopModes().set(JSON.readTree("{\"reset\":true}"));
    }

    private Connector signedIn(String user) throws Exception {
        Connector c = SampleIssuerFixture.withTestBrowser(issuerConnector(new MemoryCredentialStore()), tmp, user).build();
        assertThat(c.signIn().get(90, TimeUnit.SECONDS).user()).contains(user);
        return c;
    }

    @Test
    void aliceListsToolsAndCallsThem() throws Exception {
        try (Connector alice = signedIn("alice"); FrameworkClient client = open(alice)) {
            assertThat(client.toolNames()).contains("whoami", "list_notes", "add_note");
            client.call("add_note", Map.of("text", "via the framework"));
            assertThat(client.call("whoami", Map.of())).contains("\"sub\":\"alice\"");
            assertThat(client.call("list_notes", Map.of())).contains("via the framework");
        }
    }

    @Test
    void bobIsRefusedAToolHeMayNotUseWithTheScopeNamed() throws Exception {
        try (Connector bob = signedIn("bob"); FrameworkClient client = open(bob)) {
            assertThat(client.call("list_notes", Map.of())).isNotNull();

            Throwable refused = catchThrowable(() -> client.call("add_note", Map.of("text", "not bob's")));

            ConnectorException typed = ConnectorException.in(refused).orElseThrow(() -> new AssertionError("untyped", refused));
            assertThat(typed).isInstanceOf(ScopeDeniedException.class);
            assertThat(((ScopeDeniedException) typed).scopes()).containsExactly("notes.write");
            assertThat(typed.server()).contains("notes");
            assertThat(typed.getMessage()).contains("notes.write");
            assertThat(String.valueOf(refused)).doesNotContain("eyJ").doesNotContain(bob.token("notes").value());
        }
    }

    @Test
    void aDPoPBoundTokenWorksWithTheServersNonce() throws Exception {
        issuer.dpopModes().set(JSON.readTree("{\"rsNonce\":true}"));
        try (DPoPTesting.Stderr log = new DPoPTesting.Stderr();
             Connector alice = signedIn("alice"); FrameworkClient client = open(alice)) {
            assertThat(client.call("whoami", Map.of())).contains("\"sub\":\"alice\"");
            AccessToken token = alice.cachedToken("notes").orElseThrow();
            assertThat(token.dpopBound()).isTrue();
            assertThat(log.text()).doesNotContain(token.value()).doesNotContain("eyJ");
        }
    }

    @Test
    void aConnectionToAnotherUrlThanTheServersIsRefusedAndThatUrlGetsNoToken() throws Exception {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer elsewhere = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        elsewhere.createContext("/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        elsewhere.start();
        URI staging = URI.create("http://127.0.0.1:" + elsewhere.getAddress().getPort() + "/mcp");
        try (Connector alice = signedIn("alice")) {
            Throwable refused = catchThrowable(() -> {
                try (FrameworkClient client = open(alice, staging)) {
                    client.toolNames();
                }
            });

            ConnectorException typed = ConnectorException.in(refused).orElseThrow(() -> new AssertionError("untyped", refused));
            assertThat(typed.kind()).isEqualTo(ConnectorException.Kind.CONFIGURATION);
            assertThat(typed.getMessage()).contains(staging.toString()).contains(issuer.servers().get("notes").toString());
            assertThat(authorizations).as("Authorization headers the other URL got (the refusal comes before any request)")
                    .allMatch("null"::equals);
            assertThat(String.valueOf(refused)).doesNotContain(alice.token("notes").value());
        } finally {
            elsewhere.stop(0);
        }
    }

    @Test
    void withASessionOwnerRunningTheBrokerServesTheFrameworksClient() throws Exception {
        Path socket = tmp.resolve("run").resolve("broker.sock");
        try (CurrentUserConfig config = CurrentUserConfig.withServers(Map.of("notes", issuer.servers().get("notes")));
             Connector owner = signedIn("alice");
             BrokerServer broker = BrokerServer.builder(owner).socket(socket).start();
             SharedTokenSource tokens = new SharedTokenSource(() -> BrokerClient.connect(socket, Duration.ofSeconds(2)), () -> {
                 throw new AssertionError("the embedded connector must not be built while the broker serves");
             }, Clock.systemUTC());
             FrameworkClient client = open(tokens)) {
            assertThat(client.call("whoami", Map.of())).contains("\"sub\":\"alice\"");
            assertThat(tokens.usingBroker()).isTrue();
            assertThat(owner.metrics().renewals()).as("the owner's one exchange served the framework").isEqualTo(1);
        }
    }
}
