package dev.xaa4j.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.SampleIssuerConnectors;
import dev.xaa4j.connector.SampleIssuerFixture;
import dev.xaa4j.connector.ScopeDeniedException;
import dev.xaa4j.connector.TokenSource;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.internal.dpop.DPoPTesting;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Spring AI's own MCP client (its Streamable HTTP auto-configuration, nothing of ours but {@code xaa4j.servers} and
 * the auto-configuration) calls the sample issuer's notes server over real HTTP: as alice tools/list and a tool call
 * succeed; bob, who may only read notes, is refused {@code add_note} with a {@link ScopeDeniedException} naming the
 * scope (the 403 insufficient_scope, the step-up the IdP refuses).
 */
@Tag("slow")
@Timeout(180)
class SpringAiMcpClientTest extends SampleIssuerConnectors {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @AfterEach
    void dpopModesOff() throws Exception {
        issuer.dpopModes().set(JSON.readTree("{\"reset\":true}"));
    }

    private Connector signedIn(String user) throws Exception {
        Connector c = SampleIssuerFixture.withTestBrowser(issuerConnector(new MemoryCredentialStore()), tmp, user).build();
        assertThat(c.signIn().get(90, TimeUnit.SECONDS).user()).contains(user);
        return c;
    }

    /** The application: the few properties a user writes, the token source the test's signed-in connector. */
    private static ConfigurableApplicationContext app(TokenSource tokens) {
        URI notes = issuer.servers().get("notes");
        return new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .logStartupInfo(false)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("tokens", tokens))
                .properties(
                        "spring.main.banner-mode=off",
                        "xaa4j.servers=notes",
                        "spring.ai.mcp.client.request-timeout=20s",
                        "spring.ai.mcp.client.toolcallback.enabled=false",
                        "spring.ai.mcp.client.streamable-http.connections.notes.url=" + notes.getScheme() + "://" + notes.getRawAuthority(),
                        "spring.ai.mcp.client.streamable-http.connections.notes.endpoint=" + notes.getRawPath())
                .run();
    }

    @SuppressWarnings("unchecked")
    private static McpSyncClient client(ConfigurableApplicationContext ctx) {
        List<McpSyncClient> clients = ctx.getBean("mcpSyncClients", List.class);
        assertThat(clients).hasSize(1);
        return clients.get(0);
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    @Test
    void aliceListsToolsAndCallsThemThroughSpringAisClient() throws Exception {
        try (Connector alice = signedIn("alice"); ConfigurableApplicationContext ctx = app(alice)) {
            McpSyncClient client = client(ctx);
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).contains("whoami", "list_notes", "add_note");
            McpSchema.CallToolResult added = client.callTool(new McpSchema.CallToolRequest("add_note", Map.of("text", "via Spring AI")));
            assertThat(added.isError()).isNotEqualTo(Boolean.TRUE);
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("whoami", Map.of())))).contains("\"sub\":\"alice\"");
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("list_notes", Map.of())))).contains("via Spring AI");
        }
    }

    @Test
    void bobIsRefusedAToolHeMayNotUseWithTheScopeNamed() throws Exception {
        try (Connector bob = signedIn("bob"); ConfigurableApplicationContext ctx = app(bob)) {
            McpSyncClient client = client(ctx);
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("list_notes", Map.of())))).isNotNull();

            Throwable refused = catchThrowable(() -> client.callTool(new McpSchema.CallToolRequest("add_note", Map.of("text", "not bob's"))));

            ConnectorException typed = ConnectorException.in(refused).orElseThrow(() -> new AssertionError("untyped", refused));
            assertThat(typed).isInstanceOf(ScopeDeniedException.class);
            assertThat(((ScopeDeniedException) typed).scopes()).containsExactly("notes.write");
            assertThat(typed.server()).contains("notes");
            assertThat(typed.getMessage()).contains("notes.write");
            assertThat(String.valueOf(refused)).doesNotContain("eyJ").doesNotContain(bob.token("notes").value());
        }
    }

    /**
     * A DPoP-bound token with the MCP server demanding its own nonce (RFC 9449 §9): the customizer sends
     * {@code Authorization: DPoP} with a fresh proof per request, the handler answers {@code use_dpop_nonce}. Neither
     * the token nor a proof reaches the log.
     */
    @Test
    void aDPoPBoundTokenWorksWithTheServersNonce() throws Exception {
        issuer.dpopModes().set(JSON.readTree("{\"rsNonce\":true}"));
        try (DPoPTesting.Stderr log = new DPoPTesting.Stderr();
             Connector alice = signedIn("alice"); ConfigurableApplicationContext ctx = app(alice)) {
            assertThat(text(client(ctx).callTool(new McpSchema.CallToolRequest("whoami", Map.of())))).contains("\"sub\":\"alice\"");
            AccessToken token = alice.cachedToken("notes").orElseThrow();
            assertThat(token.dpopBound()).isTrue();
            assertThat(log.text()).doesNotContain(token.value()).doesNotContain("eyJ");
        }
    }
}
