package dev.xaa4j.connector;

import static dev.xaa4j.connector.testing.Routes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.testing.RecordingServerGrants;
import dev.xaa4j.connector.testing.Routes;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connector for every MCP server (docs/architecture.md "Choosing the flow"): built without an IdP, per-server
 * sign-in and sign-out over {@code ServerGrants} (a recording double here; the plain flow has its own tests), the
 * flow and its reason in the status, unprotected servers. Discovery runs for real against MockWebServer.
 */
@Timeout(20)
class ConnectorFlowTest {

    @StartStop
    private final MockWebServer web = new MockWebServer();
    private final Routes routes = new Routes();
    private final RecordingServerGrants grants = new RecordingServerGrants();
    @TempDir
    Path state;
    private Connector connector;

    @AfterEach
    void close() {
        if (connector != null) {
            connector.close();
        }
    }

    private String base() {
        return "http://" + web.getHostName() + ":" + web.getPort();
    }

    /** A plain-OAuth MCP server: 401 with PRM, AS metadata with S256 and no jwt-bearer. */
    private void plainServer() {
        web.setDispatcher(routes);
        routes.on("POST /mcp", new MockResponse.Builder().code(401).addHeader("WWW-Authenticate",
                        "Bearer resource_metadata=\"" + base() + "/.well-known/oauth-protected-resource/mcp\"").body("").build())
                .on("GET /.well-known/oauth-protected-resource/mcp", json(200, "{\"resource\":\"" + base() + "/mcp\","
                        + "\"authorization_servers\":[\"" + base() + "\"]}"))
                .on("GET /.well-known/oauth-authorization-server", json(200, "{\"issuer\":\"" + base() + "\","
                        + "\"authorization_endpoint\":\"" + base() + "/authorize\",\"token_endpoint\":\"" + base() + "/token\","
                        + "\"response_types_supported\":[\"code\"],\"code_challenge_methods_supported\":[\"S256\"]}"));
    }

    private Connector build(AuthMode mode) {
        ServerConfig notes = ServerConfig.of("notes", URI.create(base() + "/mcp"), "", ClientAuthMethod.NONE).withAuth(mode);
        connector = ConnectorInternals.serverGrants(Connector.builder().server(notes).sessionInMemory(true)
                .clientCredentials(ClientCredentialsSource.ofSecrets(Map.of())).stateDir(state).journal(false), grants).build();
        return connector;
    }

    @Test
    void withoutAnIdpTheConnectorBuildsAndRefusesEnterpriseSignInWithWhatToDo() {
        web.setDispatcher(routes);
        Connector c = build(AuthMode.AUTO);

        assertThat(c.idp()).isNull();
        assertThat(c.status().user()).isEmpty();
        assertThatThrownBy(() -> c.signIn().get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ConnectorException.class)
                .hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining("No identity provider is configured").hasMessageContaining("xaa login SERVER");
        assertThat(c.signOut().user()).isEmpty();
    }

    @Test
    void aPlainServerNeedsASignInThenItsTokenIsServedAndSignOutForgetsIt() throws Exception {
        plainServer();
        Connector c = build(AuthMode.AUTO);

        assertThatThrownBy(() -> c.token("notes")).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED);
        assertThatThrownBy(() -> c.token("notes")).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED);
        assertThat(grants.calls).as("no browser from token(), no retry storm").containsExactly("token interactive=false");
        ServerStatus before = c.status().servers().get("notes");
        assertThat(before.state()).isEqualTo(ServerState.SIGN_IN_REQUIRED);
        assertThat(before.flow()).isEqualTo(AuthMode.OAUTH);
        assertThat(before.flowReason()).contains("per-server sign-in: no identity provider is configured");

        ServerStatus after = c.signIn("notes").get(10, TimeUnit.SECONDS);

        assertThat(after.state()).isEqualTo(ServerState.READY);
        assertThat(after.flow()).isEqualTo(AuthMode.OAUTH);
        assertThat(c.token("notes").value()).isEqualTo(RecordingServerGrants.SIGNED_IN);
        assertThat(grants.calls).containsExactly("token interactive=false", "signIn " + base() + "/mcp");
        assertThat(c.status().toString()).doesNotContain(RecordingServerGrants.SIGNED_IN);

        ServerStatus out = c.signOut("notes");

        assertThat(out.state()).isEqualTo(ServerState.IDLE);
        assertThat(grants.calls).last().isEqualTo("signOut " + base());
        assertThatThrownBy(() -> c.token("notes")).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED);
    }

    @RepeatedTest(5)
    void concurrentSignInsToOneServerShareOneBrowser() throws Exception {
        plainServer();
        grants.signInGate = new CountDownLatch(1);
        Connector c = build(AuthMode.OAUTH);

        CompletableFuture<ServerStatus> first = c.signIn("notes");
        CompletableFuture<ServerStatus> second = c.signIn("notes");
        grants.signInGate.countDown();

        assertThat(second).isSameAs(first);
        assertThat(first.get(10, TimeUnit.SECONDS).flowReason()).contains("per-server sign-in: forced by configuration (--auth oauth)");
        assertThat(grants.calls.stream().filter(s -> s.startsWith("signIn"))).hasSize(1);
    }

    @Test
    void aServerThatTakesNoTokenIsNoneAndItsSignInCompletesAtOnce() throws Exception {
        web.setDispatcher(routes);
        routes.on("POST /mcp", json(200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"));
        Connector c = build(AuthMode.AUTO);

        assertThatThrownBy(() -> c.token("notes")).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.NOT_PROTECTED);
        ServerStatus s = c.signIn("notes").get(10, TimeUnit.SECONDS);

        assertThat(s.flow()).isEqualTo(AuthMode.NONE);
        assertThat(s.flowReason()).contains("no authorization: the server answered without a token");
        assertThat(grants.calls).isEmpty();
    }

    @Test
    void anUnprotectedServerThatLaterAnswers401IsDiscoveredAgain() {
        web.setDispatcher(routes);
        routes.on("POST /mcp", json(200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"));
        Connector c = build(AuthMode.AUTO);
        assertThatThrownBy(() -> c.token("notes")).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.NOT_PROTECTED);

        plainServer(); // the server now asks for a token
        assertThat(c.invalidate("notes", "", Optional.empty())).as("worth a replay").isTrue();

        assertThatThrownBy(() -> c.token("notes")).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED);
        assertThat(c.status().servers().get("notes").flow()).isEqualTo(AuthMode.OAUTH);
        assertThat(c.invalidate("notes", "", Optional.empty())).as("no token to drop any more").isFalse();
    }

    /**
     * A server whose initialize needs no token but whose tool calls do (conformance auth/scope-step-up): NONE first;
     * the 401's challenge (resource_metadata, scope) starts discovery, and the plain flow gets the challenged scope.
     */
    @Test
    void aServerWithAPublicInitializeIsDiscoveredFromThe401sChallengeWithItsScope() {
        plainServer();
        routes.on("POST /mcp", json(200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")) // initialize stays public
                .on("GET /meta/prm", json(200, "{\"resource\":\"" + base() + "/mcp\",\"authorization_servers\":[\""
                        + base() + "\"],\"scopes_supported\":[\"mcp:profile\"]}"));
        Connector c = build(AuthMode.AUTO);
        assertThatThrownBy(() -> c.token("notes")).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.NOT_PROTECTED);

        assertThat(c.invalidate("notes", "", Optional.of(URI.create(base() + "/meta/prm")), List.of("mcp:basic")))
                .as("worth a replay").isTrue();

        assertThatThrownBy(() -> c.token("notes")).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED);
        assertThat(c.status().servers().get("notes").flow()).isEqualTo(AuthMode.OAUTH);
        assertThat(grants.lastMeta.challengedScope()).contains("mcp:basic");
        assertThat(grants.lastMeta.resourceMetadataUrl()).isEqualTo(URI.create(base() + "/meta/prm"));
        assertThat(routes.seen()).filteredOn("POST /mcp"::equals).as("the challenge replaced a second probe").hasSize(1);
    }

    @Test
    void aServerForcedToEnterpriseWithoutAnIdpSaysWhatToDo() {
        plainServer();
        Connector c = build(AuthMode.EMA);

        assertThat(c.status().servers().get("notes").flowReason()).contains("forced by configuration (--auth ema)");
        assertThatThrownBy(() -> c.token("notes")).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining("no identity provider is configured").hasMessageContaining("xaa idp");
        assertThat(grants.calls).isEmpty();
    }
}
