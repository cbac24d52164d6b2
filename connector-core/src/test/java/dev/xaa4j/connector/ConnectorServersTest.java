package dev.xaa4j.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import dev.xaa4j.connector.internal.token.TokenKey;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Servers added and removed while the connector runs: the other servers' tokens and states are kept. */
@Timeout(30)
class ConnectorServersTest {

    private final List<String> fetched = new CopyOnWriteArrayList<>();

    private Connector connector() {
        TokenFetcher fetcher = (server, extra) -> {
            fetched.add(server);
            return new TokenFetcher.Fetched(new AccessToken(server, server + "-" + fetched.size(), "Bearer",
                    Instant.now().plusSeconds(600), Set.of()), new TokenKey("https://idp.test", "https://as.test", server, ""));
        };
        return ConnectorInternals.tokenFetcher(Connector.builder()
                .idp(new IdpConfig(URI.create("https://idp.test"), "xaa", ClientAuthMethod.NONE))
                .server(server("notes"))
                .idTokenSource(() -> "unused").clientCredentials(ClientCredentialsSource.ofSecrets(Map.of()))
                .journal(false), fetcher).build();
    }

    private static ServerConfig server(String name) {
        return ServerConfig.of(name, URI.create("https://" + name + ".test/mcp"), "xaa", ClientAuthMethod.NONE);
    }

    @Test
    void anAddedServerGetsTokensAndTheOthersKeepTheirs() {
        try (Connector c = connector()) {
            AccessToken notes = c.token("notes");
            c.addServer(server("tickets"));

            assertThat(c.servers()).containsOnlyKeys("notes", "tickets");
            assertThat(c.token("tickets").value()).startsWith("tickets-");
            assertThat(c.token("notes")).as("the same cached token, no second exchange").isSameAs(notes);
            assertThat(fetched).containsExactly("notes", "tickets");
            assertThat(c.status().servers()).containsOnlyKeys("notes", "tickets");
        }
    }

    @Test
    void aRemovedServerIsForgottenAndTheOthersKeepTheirTokens() {
        try (Connector c = connector()) {
            c.addServer(server("tickets"));
            AccessToken notes = c.token("notes");
            c.token("tickets");

            assertThat(c.removeServer("tickets")).isTrue();
            assertThat(c.removeServer("tickets")).as("already gone").isFalse();

            assertThat(c.servers()).containsOnlyKeys("notes");
            assertThat(c.cachedToken("tickets")).isEmpty();
            assertThatThrownBy(() -> c.token("tickets")).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                    .hasMessageContaining("tickets");
            assertThat(c.token("notes")).isSameAs(notes);
            assertThat(fetched).containsExactly("notes", "tickets");
        }
    }

    @Test
    void aServerCannotBeAddedTwice() {
        try (Connector c = connector()) {
            assertThatThrownBy(() -> c.addServer(server("notes"))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("notes");
        }
    }
}
