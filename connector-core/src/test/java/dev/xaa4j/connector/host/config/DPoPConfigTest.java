package dev.xaa4j.connector.host.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import dev.xaa4j.connector.internal.token.TokenKey;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The top-level {@code "dpop"} switch: on by default, {@code false} reaches the connector, a bad value is named. */
@Timeout(30)
class DPoPConfigTest {

    @TempDir
    Path dir;

    Connector build(XaaConfig config) {
        TokenFetcher bound = (name, extra) -> new TokenFetcher.Fetched(new AccessToken(name, "t", "DPoP",
                Instant.now().plusSeconds(60), Set.of()), new TokenKey("https://idp.test", "https://as.test", "https://mcp.test", ""));
        return ConnectorFactory.build(config, Optional.empty(), b -> ConnectorInternals.tokenFetcher(
                b.sessionInMemory(true).clientCredentials(ClientCredentialsSource.none()).idTokenSource(() -> "unused")
                        .stateDir(dir.resolve("state")), bound)).orElseThrow();
    }

    @Test
    void dpopIsOnUnlessTheFileSaysFalse() throws Exception {
        Path file = dir.resolve("config.json");
        ConfigStore store = dev.xaa4j.connector.testing.TestConfigStores.of(file, Map.of());
        store.putServer("notes", new ServerEntry("https://mcp.test/mcp", null, List.of(), "xaa4j-agent"));
        assertThat(store.load().dpop()).isTrue();
        try (Connector on = build(store.load())) {
            assertThat(on.dpopProof(on.token("notes"), "POST", URI.create("https://mcp.test/mcp"), Optional.empty())).isPresent();
        }

        Files.writeString(file, Files.readString(file).replaceFirst("\\{", "{\"dpop\": false,"));
        XaaConfig off = store.load();
        assertThat(off.dpop()).isFalse();
        try (Connector c = build(off)) {
            assertThatThrownBy(() -> c.dpopProof(c.token("notes"), "POST", URI.create("https://mcp.test/mcp"), Optional.empty()))
                    .isInstanceOfSatisfying(ConnectorException.class,
                            e -> assertThat(e.kind()).isEqualTo(ConnectorException.Kind.CONFIGURATION))
                    .hasMessageContaining("DPoP is turned off");
        }
        store.putServer("wiki", new ServerEntry("https://wiki.test/mcp", null, List.of(), "xaa4j-agent"));
        assertThat(store.load().dpop()).as("other writes keep the switch").isFalse();
    }

    @Test
    void aValueThatIsNotABooleanIsNamed() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"dpop\": \"no\"}");
        assertThatThrownBy(() -> dev.xaa4j.connector.testing.TestConfigStores.of(file, Map.of()).load()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"dpop\" must be true or false");
    }
}
