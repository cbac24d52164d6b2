package dev.xaa4j.connector.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.IdpConfig;
import dev.xaa4j.connector.ServerConfig;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link McpTransports#clientCapabilities}: SEP-2133 advertisement of Enterprise-Managed Authorization for an
 * EMA server only, keeping the application's own capabilities and extensions (real connectors, flows forced by
 * configuration; an undecided flow whose token cannot be had leaves the capabilities unchanged).
 */
@org.junit.jupiter.api.Timeout(30)
class ClientCapabilitiesTest {

    private static final String EMA = "io.modelcontextprotocol/enterprise-managed-authorization";
    private static final McpSchema.ClientCapabilities DECLARED = McpSchema.ClientCapabilities.builder().roots(true)
            .extensions(Map.of("com.example/ui", Map.of("theme", "dark"))).build();

    @TempDir
    Path stateDir;

    /** A connector with one server "notes" of {@code flow} at a port nothing listens on. */
    private Connector connector(AuthMode flow) {
        return Connector.builder()
                .idp(new IdpConfig(URI.create("http://127.0.0.1:9/idp"), "xaa4j-test", ClientAuthMethod.NONE))
                .server(ServerConfig.of("notes", URI.create("http://127.0.0.1:9/mcp"), "xaa4j-agent", ClientAuthMethod.NONE)
                        .withAuth(flow))
                .sessionInMemory(true).clientCredentials(ClientCredentialsSource.none())
                .idTokenSource(() -> "unused").stateDir(stateDir)
                .build();
    }

    @Test
    void anEmaServerGetsTheExtensionNextToTheApplicationsOwn() {
        try (Connector c = connector(AuthMode.EMA)) {
            McpSchema.ClientCapabilities out = McpTransports.clientCapabilities(c, "notes", DECLARED);
            assertThat(out.extensions()).containsEntry(EMA, Map.of()).containsEntry("com.example/ui", Map.of("theme", "dark"));
            assertThat(out.roots()).isEqualTo(DECLARED.roots());
            assertThat(DECLARED.extensions()).doesNotContainKey(EMA);
            assertThat(McpTransports.usesEnterpriseManagedAuthorization(c, "notes")).isTrue();
        }
    }

    @Test
    void serversOfOtherFlowsGetTheApplicationsCapabilitiesUnchanged() {
        for (AuthMode flow : new AuthMode[] {AuthMode.OAUTH, AuthMode.NONE}) {
            try (Connector c = connector(flow)) {
                assertThat(McpTransports.clientCapabilities(c, "notes", DECLARED)).as(flow.word()).isSameAs(DECLARED);
                assertThat(McpTransports.clientCapabilities(c, "notes", McpSchema.ClientCapabilities.builder().build())
                        .extensions()).as(flow.word()).isNullOrEmpty();
            }
        }
    }

    @Test
    void anUndecidedFlowWhoseTokenCannotBeHadLeavesTheCapabilitiesUnchanged() {
        try (Connector c = connector(AuthMode.AUTO)) {
            assertThat(McpTransports.clientCapabilities(c, "notes", DECLARED)).isSameAs(DECLARED);
            assertThat(McpTransports.clientCapabilities(c, "unknown", DECLARED)).isSameAs(DECLARED);
        }
    }
}
