package dev.xaa4j.connector.host.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ConnectorException.Kind;
import dev.xaa4j.connector.IdpConfig;
import dev.xaa4j.connector.ScopeDeniedException;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.ServerStatus;
import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The broker's wire carries a failure as its {@link ConnectorException.Kind} (one mapping,
 * {@link BrokerProtocol#code}) with its server, OAuth error and refused scopes, and the client rebuilds the same
 * kind and data: over a real Unix domain socket, for every kind.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BrokerErrorKindTest {

    /** The wire names; version 1 of the protocol has always called configuration errors {@code config}. */
    static final Map<Kind, String> CODES = Map.ofEntries(
            Map.entry(Kind.SIGN_IN_REQUIRED, "sign_in_required"),
            Map.entry(Kind.SERVER_SIGN_IN_REQUIRED, "server_sign_in_required"),
            Map.entry(Kind.NOT_PROTECTED, "not_protected"),
            Map.entry(Kind.SIGN_IN_FAILED, "sign_in_failed"),
            Map.entry(Kind.ACCESS_DENIED, "access_denied"),
            Map.entry(Kind.SERVER_NOT_ENABLED, "server_not_enabled"),
            Map.entry(Kind.SUBJECT_TOKEN_REJECTED, "subject_token_rejected"),
            Map.entry(Kind.UPSTREAM_UNAVAILABLE, "upstream_unavailable"),
            Map.entry(Kind.CONFIGURATION, "config"),
            Map.entry(Kind.CREDENTIAL_STORE, "credential_store"),
            Map.entry(Kind.KEYRING_UNAVAILABLE, "keyring_unavailable"));

    @TempDir
    Path tmp;

    /** A connector with a caller-supplied ID token and no keyring; its servers and token fetcher are the test's. */
    private Connector.Builder builder() {
        return Connector.builder()
                .idp(new IdpConfig(URI.create("https://idp.test"), "xaa4j-test", ClientAuthMethod.NONE))
                .sessionInMemory(true).clientCredentials(ClientCredentialsSource.none())
                .idTokenSource(() -> "unused").journal(false).stateDir(tmp.resolve("state"));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyKindHasItsWireCodeAndParsesBack(Kind kind) {
        assertThat(BrokerProtocol.code(kind)).isEqualTo(CODES.get(kind));
        assertThat(BrokerProtocol.kind(BrokerProtocol.code(kind))).contains(kind);
    }

    @Test
    void theWireCodesAreDistinct() {
        Set<String> codes = new HashSet<>();
        for (Kind k : Kind.values()) {
            assertThat(codes.add(BrokerProtocol.code(k))).as("code of %s is unique", k).isTrue();
        }
        assertThat(BrokerProtocol.kind("no_such_code")).isEmpty();
    }

    @Test
    void everyKindWithItsOAuthErrorAndServerSurvivesTheBrokerSocket() throws Exception {
        TokenFetcher failing = (server, extra) -> {
            Kind kind = Kind.valueOf(server.toUpperCase(Locale.ROOT));
            if (kind == Kind.ACCESS_DENIED) {
                throw new ScopeDeniedException(server, Set.of("notes.write", "notes.admin"), "step-up refused",
                        "invalid_scope", null);
            }
            throw new ConnectorException(kind, server, "failed as " + kind, "oauth_" + server, null);
        };
        Connector.Builder b = builder();
        for (Kind k : Kind.values()) {
            String name = k.name().toLowerCase(Locale.ROOT);
            b.server(ServerConfig.of(name, URI.create("https://mcp.test/" + name), "xaa4j-agent", ClientAuthMethod.NONE));
        }
        Path socket = tmp.resolve("run").resolve("broker.sock");
        try (Connector connector = ConnectorInternals.tokenFetcher(b, failing).build();
             BrokerServer server = BrokerServer.builder(connector).socket(socket).start();
             BrokerClient client = BrokerClient.connect(socket, Duration.ofSeconds(2))) {
            Set<Kind> seen = EnumSet.noneOf(Kind.class);
            for (Kind k : Kind.values()) {
                String name = k.name().toLowerCase(Locale.ROOT);
                ConnectorException e = catchThrowableOfType(() -> client.token(name), ConnectorException.class);
                assertThat(e).as("%s over the broker", k).isNotNull();
                assertThat(e.kind()).as("kind of %s", name).isEqualTo(k);
                assertThat(e.server()).as("server of %s", name).contains(name);
                if (k == Kind.ACCESS_DENIED) {
                    assertThat(e).isInstanceOf(ScopeDeniedException.class);
                    assertThat(((ScopeDeniedException) e).scopes()).containsExactlyInAnyOrder("notes.write", "notes.admin");
                    assertThat(e.oauthError()).contains("invalid_scope");
                } else {
                    assertThat(e.oauthError()).as("OAuth error of %s", name).contains("oauth_" + name);
                    assertThat(e).hasMessage("failed as " + k);
                }
                seen.add(e.kind());
            }
            assertThat(seen).isEqualTo(EnumSet.allOf(Kind.class));

            ServerStatus st = client.status().status().servers().get("server_not_enabled");
            assertThat(st.lastErrorKind()).as("the last failure's kind crosses the broker").contains(Kind.SERVER_NOT_ENABLED);
            assertThat(st.lastOAuthError()).contains("oauth_server_not_enabled");
            assertThat(st.lastError()).contains("failed as SERVER_NOT_ENABLED");
        }
    }

    @Test
    void aFailureThatIsNotTheConnectorsIsInternalAndAnUnknownCodeIsTheBrokers() {
        ObjectNode internal = BrokerProtocol.error(new IllegalStateException("bug"));
        assertThat(internal.path("code").asText()).isEqualTo("internal");
        ObjectNode usage = BrokerProtocol.error(new IllegalArgumentException("bad"));
        assertThat(usage.path("code").asText()).isEqualTo(BrokerProtocol.code(Kind.CONFIGURATION));

        JsonNode newer = BrokerProtocol.JSON.createObjectNode().put("code", "from_the_future").put("message", "m");
        ConnectorException e = BrokerProtocol.exception(newer, "notes");
        assertThat(e).isInstanceOf(BrokerException.class).hasMessageContaining("from_the_future");
        JsonNode unknown = BrokerProtocol.JSON.createObjectNode().put("code", "unknown_server").put("message", "m");
        assertThat(BrokerProtocol.exception(unknown, "x")).isInstanceOf(UnknownServerException.class);
    }

    @Test
    void aTokenStillCrossesAfterAFailure() throws Exception {
        // the same connection keeps serving after error answers
        TokenFetcher fetcher = (server, extra) -> {
            if (server.equals("bad")) {
                throw new ConnectorException(Kind.UPSTREAM_UNAVAILABLE, server, "down", "temporarily_unavailable", null);
            }
            return new TokenFetcher.Fetched(new AccessToken(server, "t-" + server, "Bearer",
                    java.time.Instant.now().plusSeconds(300), Set.of()),
                    new dev.xaa4j.connector.internal.token.TokenKey("https://idp.test", "https://as.test", "https://mcp.test", ""));
        };
        Connector.Builder b = builder()
                .server(ServerConfig.of("bad", URI.create("https://mcp.test/bad"), "c", ClientAuthMethod.NONE))
                .server(ServerConfig.of("good", URI.create("https://mcp.test/good"), "c", ClientAuthMethod.NONE));
        Path socket = tmp.resolve("run2").resolve("broker.sock");
        try (Connector connector = ConnectorInternals.tokenFetcher(b, fetcher).build();
             BrokerServer server = BrokerServer.builder(connector).socket(socket).start();
             BrokerClient client = BrokerClient.connect(socket, Duration.ofSeconds(2))) {
            ConnectorException e = catchThrowableOfType(() -> client.token("bad"), ConnectorException.class);
            assertThat(e.kind()).isEqualTo(Kind.UPSTREAM_UNAVAILABLE);
            assertThat(e.oauthError()).contains("temporarily_unavailable");
            assertThat(client.token("good").value()).isEqualTo("t-good");
        }
    }
}
