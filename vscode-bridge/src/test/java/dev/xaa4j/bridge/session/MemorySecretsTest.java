package dev.xaa4j.bridge.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.host.config.IdpSettings;
import dev.xaa4j.connector.host.config.ServerEntry;
import dev.xaa4j.connector.host.config.XaaConfig;
import java.io.StringReader;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Client secrets of {@code xaa agent --memory}: from its environment or a file descriptor, matched to the config's clients. */
@Timeout(30)
class MemorySecretsTest {

    private static final String IDP = "https://idp.example";
    private static final String AS = "https://as.example";

    private static XaaConfig config() {
        Map<String, ServerEntry> servers = new LinkedHashMap<>();
        servers.put("notes", new ServerEntry("https://mcp.example/notes", null, List.of(), "mcp-client"));
        servers.put("team-wiki", new ServerEntry("https://mcp.example/wiki", "https://wiki-as.example", List.of(), null));
        return new XaaConfig(new IdpSettings(IDP, "xaa", "client_secret_basic"), servers);
    }

    @Test
    void secretsFromTheEnvironmentGoToTheIdpClientAndEachServersAsClient() throws Exception {
        MemorySecrets secrets = MemorySecrets.read(Map.of("XAA_IDP_CLIENT_SECRET", "idp-s3cret",
                "XAA_AS_CLIENT_SECRET_NOTES", "notes-s3cret", "XAA_AS_CLIENT_SECRET_TEAM_WIKI", "wiki-s3cret",
                "PATH", "/bin"), Optional.empty());
        ClientCredentialsSource source = secrets.forConfig(config(), u -> AS);
        assertThat(source.clientSecret(IDP, "xaa")).contains("idp-s3cret");
        assertThat(source.clientSecret(AS, "mcp-client")).as("discovered AS, the server's --as-client-id").contains("notes-s3cret");
        assertThat(source.clientSecret("https://wiki-as.example", "xaa")).as("pinned AS, the IdP's client id").contains("wiki-s3cret");
        assertThat(source.clientSecret("https://other.example", "nobody")).isEmpty();
        assertThat(secrets.count()).isEqualTo(3);
        assertThat(secrets.toString()).doesNotContain("s3cret");
        assertThat(MemorySecrets.asEnvName("team-wiki.v2")).isEqualTo("XAA_AS_CLIENT_SECRET_TEAM_WIKI_V2");
    }

    @Test
    void theSecretsAConfigurationNeedsAndLacksAreNamedOneByOneNeverTheirValues() throws Exception {
        MemorySecrets some = MemorySecrets.read(Map.of("XAA_AS_CLIENT_SECRET_NOTES", "notes-s3cret"), Optional.empty());
        List<String> missing = some.missingFor(config());
        assertThat(missing).hasSize(2);
        assertThat(missing.get(0)).startsWith("No client secret for client xaa at " + IDP + " (auth method client_secret_basic)")
                .contains("XAA_IDP_CLIENT_SECRET=… xaa agent --memory", "an `idp-client-secret=…` line");
        assertThat(missing.get(1)).contains("client xaa at the authorization server of 'team-wiki'",
                "XAA_AS_CLIENT_SECRET_TEAM_WIKI", "an `as-client-secret.team-wiki=…` line");
        assertThat(String.join("\n", missing)).doesNotContain("s3cret");

        XaaConfig publicClient = new XaaConfig(new IdpSettings(IDP, "xaa", "none"), config().servers());
        assertThat(some.missingFor(publicClient)).as("auth method none sends no secret").isEmpty();
        MemorySecrets all = MemorySecrets.read(Map.of("XAA_IDP_CLIENT_SECRET", "a", "XAA_AS_CLIENT_SECRET_NOTES", "b"),
                Optional.of(new StringReader("as-client-secret.team-wiki=c\n")));
        assertThat(all.missingFor(config())).isEmpty();
    }

    @Test
    void aFileDescriptorsLinesWinOverTheEnvironment() throws Exception {
        MemorySecrets secrets = MemorySecrets.read(Map.of("XAA_IDP_CLIENT_SECRET", "from-env"), Optional.of(new StringReader(
                "# comment\n\nidp-client-secret = from-fd\nas-client-secret.notes=notes-fd\n")));
        ClientCredentialsSource source = secrets.forConfig(config(), u -> AS);
        assertThat(source.clientSecret(IDP, "xaa")).contains("from-fd");
        assertThat(source.clientSecret(AS, "mcp-client")).contains("notes-fd");
    }

    @Test
    void aBadLineIsNamedByNumberNeverByContent() {
        assertThatThrownBy(() -> MemorySecrets.read(Map.of(), Optional.of(new StringReader("idp-client-secret=ok\nsecret-value-here\n"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2").hasMessageNotContaining("secret-value-here");
        assertThatThrownBy(() -> MemorySecrets.read(Map.of(), Optional.of(new StringReader("idp-client-secret=\n"))))
                .hasMessageContaining("line 1");
    }

    @Test
    void aMissingSecretNamesTheVariableAndTheFdLineNotTheKeyring() throws Exception {
        ClientCredentialsSource source = MemorySecrets.read(Map.of(), Optional.empty()).forConfig(config(), u -> AS);
        assertThat(source.missingSecret(IDP, "xaa").getMessage())
                .contains("XAA_IDP_CLIENT_SECRET", "idp-client-secret=", "--secrets-fd", "xaa agent --memory")
                .doesNotContain("xaa secret set");
        assertThat(source.missingSecret(AS, "mcp-client").getMessage())
                .contains("XAA_AS_CLIENT_SECRET_NOTES", "as-client-secret.notes=");
    }

    @Test
    void onlyTheSecretVariablesAreKeptFromChildren() {
        assertThat(MemorySecrets.isSecretVariable("XAA_IDP_CLIENT_SECRET")).isTrue();
        assertThat(MemorySecrets.isSecretVariable("XAA_AS_CLIENT_SECRET_NOTES")).isTrue();
        assertThat(MemorySecrets.isSecretVariable("XAA_CONFIG")).isFalse();
        assertThat(MemorySecrets.isSecretVariable("BROWSER")).isFalse();
    }

    @Test
    void serversSharingOneAsClientAreToldApartByTheirDiscoveredIssuer() throws Exception {
        Map<String, ServerEntry> servers = new LinkedHashMap<>();
        servers.put("a", new ServerEntry("https://a.example/mcp", null, List.of(), null));
        servers.put("b", new ServerEntry("https://b.example/mcp", null, List.of(), null));
        XaaConfig config = new XaaConfig(new IdpSettings(IDP, "xaa", "client_secret_basic"), servers);
        ClientCredentialsSource source = MemorySecrets.read(Map.of("XAA_AS_CLIENT_SECRET_A", "sa", "XAA_AS_CLIENT_SECRET_B", "sb"),
                Optional.empty()).forConfig(config, u -> "https://as-" + u.getHost());
        assertThat(source.clientSecret("https://as-b.example", "xaa")).contains("sb");
        assertThat(source.clientSecret("https://as-a.example", "xaa")).contains("sa");
    }
}
