package dev.xaa4j.connector.host.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ServerConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** From configuration to the connector's servers, with and without an IdP. */
class ConnectorFactoryTest {

    private static Map<String, ServerEntry> entries() {
        Map<String, ServerEntry> servers = new LinkedHashMap<>();
        servers.put("notes", new ServerEntry("https://notes.example/mcp", null, List.of(), null, "oauth"));
        servers.put("wiki", new ServerEntry("https://wiki.example/mcp", null, List.of("read"), "wiki-client", null));
        return servers;
    }

    @Test
    void serversAreListedWithoutAnIdpWithTheirFlowAndOwnClientIdOnly() {
        Map<String, ServerConfig> servers = ConnectorFactory.servers(new XaaConfig(null, entries()));

        assertThat(servers).containsOnlyKeys("notes", "wiki");
        assertThat(servers.get("notes").auth()).isEqualTo(AuthMode.OAUTH);
        assertThat(servers.get("notes").asClientId()).isEmpty();
        assertThat(servers.get("notes").oauthClientId()).isEmpty();
        assertThat(servers.get("wiki").auth()).isEqualTo(AuthMode.AUTO);
        assertThat(servers.get("wiki").asClientId()).isEqualTo("wiki-client");
        assertThat(servers.get("wiki").oauthClientId()).contains("wiki-client");
        assertThat(servers.get("wiki").asAuthMethod()).isEqualTo(ClientAuthMethod.NONE);
    }

    @Test
    void withAnIdpTheEnterpriseClientDefaultsToTheIdpsAsBefore() {
        IdpSettings idp = new IdpSettings("https://idp.example", "xaa-desktop", "client_secret_basic");
        Map<String, ServerConfig> servers = ConnectorFactory.servers(new XaaConfig(idp, entries()));

        assertThat(servers.get("notes").asClientId()).isEqualTo("xaa-desktop");
        assertThat(servers.get("notes").asAuthMethod()).isEqualTo(ClientAuthMethod.CLIENT_SECRET_BASIC);
        assertThat(servers.get("wiki").asClientId()).isEqualTo("wiki-client");
    }

    @Test
    void serversWithoutAnIdpAreAConnectorWithoutOneAndNothingAtAllIsNotSetUp() {
        try (dev.xaa4j.connector.Connector c = ConnectorFactory.build(new XaaConfig(null, entries()), Optional.empty(),
                b -> b.sessionInMemory(true)).orElseThrow()) {
            assertThat(c.idp()).isNull();
            assertThat(c.servers()).containsOnlyKeys("notes", "wiki");
        }
        try (dev.xaa4j.connector.Connector c = ConnectorFactory.build(new XaaConfig(null, entries()),
                Optional.of("https://adhoc.example/mcp"), b -> b.sessionInMemory(true)).orElseThrow()) {
            assertThat(c.servers()).containsOnlyKeys("notes", "wiki", "https://adhoc.example/mcp");
            assertThat(c.servers().get("https://adhoc.example/mcp").asClientId()).isEmpty();
        }
        assertThat(ConnectorFactory.servable(new XaaConfig(null, Map.of()))).isFalse();
        assertThat(ConnectorFactory.build(new XaaConfig(null, Map.of()), Optional.empty(), b -> b)).isEmpty();
        assertThat(ConnectorFactory.build(new XaaConfig(null, Map.of()), Optional.of("https://adhoc.example/mcp"), b -> b))
                .as("an ad-hoc URL alone is not a set-up").isEmpty();
    }
}
