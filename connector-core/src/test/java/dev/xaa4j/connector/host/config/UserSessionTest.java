package dev.xaa4j.connector.host.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded half of the framework modules' default token source: built from the user's config, or a clear error. */
@org.junit.jupiter.api.Timeout(30)
class UserSessionTest {

    @TempDir
    Path dir;

    private ConfigStore store(String json) throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, json);
        return dev.xaa4j.connector.testing.TestConfigStores.of(file, Map.of());
    }

    @Test
    void aMalformedPolicyIsAConfigurationErrorNamingThePolicy() throws Exception {
        Path policy = dir.resolve("policy.json");
        Files.writeString(policy, "{\"idp\": {\"clientID\": \"typo\"}}");
        ConfigStore store = new ConfigStore(dir.resolve("config.json"), Map.of("XAA_POLICY", policy.toString()));
        assertThatThrownBy(() -> UserSession.embedded(store))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.kind()).isEqualTo(ConnectorException.Kind.CONFIGURATION))
                .hasMessageStartingWith("policy file " + policy).hasMessageContaining("IT department");
    }

    @Test
    void nothingSetUpSaysWhatToRun() throws Exception {
        assertThatThrownBy(() -> UserSession.embedded(store("{}")))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.kind()).isEqualTo(ConnectorException.Kind.CONFIGURATION))
                .hasMessageContaining("xaa idp").hasMessageContaining("xaa login");
    }

    @Test
    void aMemoryOnlySessionWithoutAnAgentSaysToStartIt() throws Exception {
        assertThatThrownBy(() -> UserSession.embedded(store("{\"sessionStorage\":\"memory\",\"servers\":{\"notes\":{\"url\":\"https://notes.example/mcp\"}}}")))
                .isInstanceOf(ConnectorException.class).hasMessageContaining("xaa agent --memory");
    }

    @Test
    void theConfiguredServersMakeTheConnector() throws Exception {
        try (Connector c = UserSession.embedded(store("{\"servers\":{\"notes\":{\"url\":\"https://notes.example/mcp\"}}}"))) {
            assertThat(c.servers()).containsOnlyKeys("notes");
            assertThat(c.servers().get("notes").url()).hasToString("https://notes.example/mcp");
        }
    }
}
