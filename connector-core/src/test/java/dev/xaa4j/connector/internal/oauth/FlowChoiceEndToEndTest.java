package dev.xaa4j.connector.internal.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.IdpConfig;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.ServerState;
import dev.xaa4j.connector.ServerStatus;
import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.mcp.McpTransports;
import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.SampleIssuer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flow choice end to end over real HTTP against the sample issuer: one connector with an IdP reaches the
 * enterprise-managed {@code notes} (its AS lists the ID-JAG profile) and the plain-OAuth {@code wiki} (its AS does
 * not); the wiki needs a per-server sign-in (a headless browser against the AS's dev auto-approve), after which
 * an MCP client calls its tools; sign-out forgets the grant.
 */
@Tag("slow")
@Timeout(90)
class FlowChoiceEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    void oneConnectorChoosesEnterpriseForNotesAndPerServerSignInForTheWiki() throws Exception {
        try (SampleIssuer issuer = SampleIssuer.start(IssuerSettings.defaults(tmp.resolve("issuer")).withPortBase(0)
                .withDevAutoApprove("bob"));
             Connector connector = ConnectorInternals.browserLauncher(ConnectorInternals.credentialStore(Connector.builder()
                             .idp(new IdpConfig(issuer.idpIssuer(), "xaa-desktop", ClientAuthMethod.CLIENT_SECRET_BASIC)),
                             new MemoryCredentialStore())
                     .server(ServerConfig.of("notes", issuer.server("notes"), "xaa-desktop-mcp", ClientAuthMethod.CLIENT_SECRET_BASIC))
                     .server(ServerConfig.of("wiki", issuer.server("wiki"), "xaa-desktop-mcp", ClientAuthMethod.CLIENT_SECRET_BASIC))
                     .clientCredentials(ClientCredentialsSource.ofSecrets(Map.of()))
                     .stateDir(tmp.resolve("state")).journal(false), new HeadlessBrowser()).build()) {

            assertThatThrownBy(() -> connector.token("notes")).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED);
            assertThatThrownBy(() -> connector.token("wiki")).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED);
            ServerStatus notes = connector.status().servers().get("notes");
            ServerStatus wiki = connector.status().servers().get("wiki");
            assertThat(notes.flow()).isEqualTo(AuthMode.EMA);
            assertThat(notes.flowReason()).hasValueSatisfying(r -> assertThat(r).startsWith("enterprise: the authorization server "
                    + issuer.asIssuer()).endsWith("lists the ID-JAG grant profile and your IdP is configured"));
            assertThat(wiki.flow()).isEqualTo(AuthMode.OAUTH);
            assertThat(wiki.flowReason()).contains("per-server sign-in: the authorization server " + issuer.oauthIssuer()
                    + " does not redeem ID-JAGs");
            assertThat(wiki.state()).isEqualTo(ServerState.SIGN_IN_REQUIRED);

            ServerStatus signedIn = connector.signIn("wiki").get(60, TimeUnit.SECONDS);

            assertThat(signedIn.state()).isEqualTo(ServerState.READY);
            assertThat(signedIn.scopes()).contains("wiki:read");
            try (McpSyncClient client = McpClient.sync(McpTransports.streamableHttp(connector, "wiki"))
                    .requestTimeout(Duration.ofSeconds(20)).build()) {
                client.initialize();
                assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).contains("list_pages");
                assertThat(client.callTool(new McpSchema.CallToolRequest("list_pages", Map.of())).isError()).isNotEqualTo(Boolean.TRUE);
            }

            connector.signOut("wiki");
            assertThatThrownBy(() -> connector.token("wiki")).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED);
        }
    }
}
