package dev.xaa4j.connector.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ConnectorListener;
import dev.xaa4j.connector.ConnectorStatus;
import dev.xaa4j.connector.ServerState;
import dev.xaa4j.connector.ServerStatus;
import dev.xaa4j.connector.SignOutResult;
import dev.xaa4j.connector.TokenSource;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link McpTransports#clientCapabilities}: SEP-2133 advertisement of Enterprise-Managed Authorization for an
 * EMA server only, keeping the application's own capabilities and extensions; an undecided flow is decided by
 * asking for the token first.
 */
@org.junit.jupiter.api.Timeout(30)
class ClientCapabilitiesTest {

    private static final String EMA = "io.modelcontextprotocol/enterprise-managed-authorization";
    private static final McpSchema.ClientCapabilities DECLARED = McpSchema.ClientCapabilities.builder().roots(true)
            .extensions(Map.of("com.example/ui", Map.of("theme", "dark"))).build();

    @Test
    void anEmaServerGetsTheExtensionNextToTheApplicationsOwn() {
        McpSchema.ClientCapabilities c = McpTransports.clientCapabilities(new FlowSource(AuthMode.EMA, AuthMode.EMA), "notes", DECLARED);
        assertThat(c.extensions()).containsEntry(EMA, Map.of()).containsEntry("com.example/ui", Map.of("theme", "dark"));
        assertThat(c.roots()).isEqualTo(DECLARED.roots());
        assertThat(DECLARED.extensions()).doesNotContainKey(EMA);
    }

    @Test
    void aServerOfAnotherFlowGetsTheApplicationsCapabilitiesUnchanged() {
        assertThat(McpTransports.clientCapabilities(new FlowSource(AuthMode.OAUTH, AuthMode.OAUTH), "notes", DECLARED))
                .isSameAs(DECLARED);
        assertThat(McpTransports.clientCapabilities(new FlowSource(AuthMode.NONE, AuthMode.NONE), "notes",
                McpSchema.ClientCapabilities.builder().build()).extensions()).isNullOrEmpty();
    }

    @Test
    void anUndecidedFlowIsDecidedByTheTokenRequestFirst() {
        FlowSource source = new FlowSource(AuthMode.AUTO, AuthMode.EMA);
        McpSchema.ClientCapabilities c = McpTransports.clientCapabilities(source, "notes", McpSchema.ClientCapabilities.builder().build());
        assertThat(source.tokens).isEqualTo(1);
        assertThat(c.extensions()).containsOnlyKeys(EMA);
    }

    @Test
    void aFailedTokenRequestLeavesTheCapabilitiesUnchanged() {
        FlowSource source = new FlowSource(AuthMode.AUTO, null);
        assertThat(McpTransports.clientCapabilities(source, "notes", DECLARED)).isSameAs(DECLARED);
    }

    /** A source whose server's flow is {@code before} until a token is asked for, then {@code after} (null: fails). */
    private static final class FlowSource implements TokenSource {
        private volatile AuthMode flow;
        private final AuthMode after;
        int tokens;

        FlowSource(AuthMode before, AuthMode after) {
            this.flow = before;
            this.after = after;
        }

        @Override
        public AccessToken token(String server) {
            tokens++;
            if (after == null) {
                throw new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, server, "not signed in", null, null);
            }
            flow = after;
            return new AccessToken(server, "t", "Bearer", Instant.now().plusSeconds(60), Set.of());
        }

        @Override
        public ConnectorStatus status() {
            ServerStatus st = new ServerStatus("notes", ServerState.IDLE, Optional.empty(), Set.of(), Optional.empty())
                    .withFlow(flow, Optional.empty());
            return new ConnectorStatus(Optional.empty(), Optional.empty(), false, Map.of("notes", st));
        }

        @Override
        public boolean invalidate(String server, String rejectedValue) {
            return false;
        }

        @Override
        public boolean requestScopes(String server, Collection<String> scopes) {
            return false;
        }

        @Override
        public CompletableFuture<ConnectorStatus> signIn() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<ServerStatus> signIn(String server) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ServerStatus signOut(String server) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SignOutResult signOut() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void addListener(ConnectorListener listener) {
        }

        @Override
        public void removeListener(ConnectorListener listener) {
        }

        @Override
        public void close() {
        }
    }
}
