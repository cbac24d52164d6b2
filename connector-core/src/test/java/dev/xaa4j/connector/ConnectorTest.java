package dev.xaa4j.connector;

import dev.xaa4j.connector.internal.ConnectorInternals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import dev.xaa4j.connector.internal.token.TokenKey;
import dev.xaa4j.testing.MutableClock;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade: listeners, activity journal, status, the caller-supplied ID token seam. */
class ConnectorTest {

    @TempDir
    Path stateDir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));
    final AtomicInteger fetches = new AtomicInteger();
    final List<ConnectorEvent> events = new CopyOnWriteArrayList<>();

    Connector connector(TokenFetcher fetcher) {
        return ConnectorInternals.tokenFetcher(Connector.builder()
                .idp(new IdpConfig(URI.create("https://idp.test"), "xaa4j-test", ClientAuthMethod.CLIENT_SECRET_BASIC))
                .server(ServerConfig.of("notes", URI.create("https://mcp.test/notes/mcp"), "xaa4j-agent", ClientAuthMethod.NONE))
                .server(ServerConfig.of("tickets", URI.create("https://mcp.test/tickets/mcp"), "xaa4j-agent", ClientAuthMethod.NONE))
                .clock(clock)
                .sessionInMemory(true)
                .clientCredentials(ClientCredentialsSource.none())
                .idTokenSource(() -> "caller-supplied-id-token")
                .stateDir(stateDir)
                .listener(events::add), fetcher)
                .build();
    }

    TokenFetcher.Fetched issue(String server) {
        String value = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.secret-token-" + fetches.incrementAndGet();
        return new TokenFetcher.Fetched(new AccessToken(server, value, "Bearer", clock.instant().plusSeconds(300), Set.of("notes.read")),
                new TokenKey("https://idp.test", "https://as.test", "https://mcp.test/" + server, "notes.read"));
    }

    @Test
    void tokenIssuedGoesToListenersAndToTheRedactedJournal() throws Exception {
        try (Connector c = connector((server, extra) -> issue(server))) {
            AccessToken t = c.token("notes");
            assertThat(t.toString()).doesNotContain("secret-token");
            assertThat(events).singleElement().isInstanceOfSatisfying(ConnectorEvent.TokenIssued.class, e -> {
                assertThat(e.server()).isEqualTo("notes");
                assertThat(e.scopes()).containsExactly("notes.read");
                assertThat(e.expiresAt()).isEqualTo(clock.instant().plusSeconds(300));
            });
            List<String> lines = Files.readAllLines(stateDir.resolve("activity.jsonl"));
            assertThat(lines).hasSize(1);
            JsonNode line = new ObjectMapper().readTree(lines.get(0));
            assertThat(line.get("event").asText()).isEqualTo("token_issued");
            assertThat(line.get("server").asText()).isEqualTo("notes");
            assertThat(line.get("scopes").get(0).asText()).isEqualTo("notes.read");
            assertThat(line.get("expiresAt").asText()).isEqualTo("2026-11-22T00:05:00Z");
            assertThat(String.join("\n", lines)).doesNotContain("secret-token").doesNotContain("eyJ");
        }
    }

    @Test
    void denialsAreJournaledWithoutTokens() throws Exception {
        try (Connector c = connector((server, extra) -> {
            throw new ConnectorException(ConnectorException.Kind.ACCESS_DENIED,server, "The IdP refused (access_denied: token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig)", null, null);
        })) {
            assertThatThrownBy(() -> c.token("tickets")).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.ACCESS_DENIED);
            assertThat(c.status().servers().get("tickets").state()).isEqualTo(ServerState.DENIED);
            assertThat(c.status().servers().get("tickets").lastError()).isPresent();
            String journal = Files.readString(stateDir.resolve("activity.jsonl"));
            assertThat(journal).contains("\"event\":\"access_revoked\"").contains("\"server\":\"tickets\"")
                    .doesNotContain("eyJzdWIiOiJ4In0");
        }
    }

    @Test
    void statusListsEveryServerWithoutTokenValues() {
        try (Connector c = connector((server, extra) -> issue(server))) {
            c.token("notes");
            ConnectorStatus status = c.status();
            assertThat(status.servers()).containsOnlyKeys("notes", "tickets");
            assertThat(status.servers().get("notes").state()).isEqualTo(ServerState.READY);
            assertThat(status.servers().get("notes").expiresAt()).contains(clock.instant().plusSeconds(300));
            assertThat(status.servers().get("tickets").state()).isEqualTo(ServerState.IDLE);
            assertThat(status.toString()).doesNotContain("secret-token");
        }
    }

    @Test
    void callerSuppliedIdTokenConnectorsNeverSignIn() {
        try (Connector c = connector((server, extra) -> issue(server))) {
            assertThatThrownBy(c::signIn).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void signOutDropsCachedTokens() {
        try (Connector c = connector((server, extra) -> issue(server))) {
            AccessToken first = c.token("notes");
            c.signOut();
            assertThat(c.cachedToken("notes")).isEmpty();
            assertThat(c.token("notes")).isNotEqualTo(first);
            assertThat(events).anyMatch(e -> e instanceof ConnectorEvent.SignedOut);
        }
    }

    @Test
    void theDefaultStateDirectoryFollowsXdg() {
        Path dir = dev.xaa4j.connector.internal.ActivityJournal.defaultStateDir();
        assertThat(dir.getFileName().toString()).isEqualTo("xaa4j");
        String xdg = System.getenv("XDG_STATE_HOME");
        if (xdg != null && System.getProperty("os.name").toLowerCase().contains("linux")) {
            assertThat(dir).isEqualTo(Path.of(xdg, "xaa4j"));
        }
    }
}
