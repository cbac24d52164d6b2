package dev.xaa4j.bridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.EffectiveConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code xaa status --json} while an agent runs: the servers listed are the agent's, so one this process's
 * configuration does not name has the source {@code agent}, not a made-up {@code default}; and the session storage
 * printed under {@code settings} is the one in force, the same as the top-level {@code sessionStorage}.
 */
@Timeout(10)
class ProvenanceTest {

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void aServerOnlyTheAgentServesAndTheAgentsSessionStorageAreMarkedAsTheAgents() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"servers\": {\"notes\": {\"url\": \"https://notes.example/mcp\"}}}");
        EffectiveConfig effective = dev.xaa4j.connector.testing.TestConfigStores.of(config, Map.of("XAA_POLICY", dir.resolve("no-policy.json").toString())).effective();
        Map<String, Object> servers = new LinkedHashMap<>();
        servers.put("notes", new LinkedHashMap<String, Object>());
        servers.put("from-the-agents-env", new LinkedHashMap<String, Object>());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("servers", servers);

        Provenance.addTo(doc, effective, "memory");

        assertThat((Map<String, Object>) servers.get("notes")).containsEntry("source", "user");
        assertThat((Map<String, Object>) servers.get("from-the-agents-env")).containsEntry("source", "agent").containsEntry("locked", false);
        Map<String, Object> storage = (Map<String, Object>) ((Map<String, Object>) doc.get("settings")).get("sessionStorage");
        assertThat(storage).containsEntry("value", "memory").containsEntry("source", "agent");

        Provenance.addTo(doc, effective, "keyring");
        storage = (Map<String, Object>) ((Map<String, Object>) doc.get("settings")).get("sessionStorage");
        assertThat(storage).containsEntry("value", "keyring").containsEntry("source", "default");
    }
}
