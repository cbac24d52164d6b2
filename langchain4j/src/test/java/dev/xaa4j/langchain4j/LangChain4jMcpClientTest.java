package dev.xaa4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.SampleIssuerConnectors;
import dev.xaa4j.connector.SampleIssuerFixture;
import dev.xaa4j.connector.ScopeDeniedException;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.internal.dpop.DPoPTesting;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * LangChain4j's own MCP client ({@code DefaultMcpClient}) over {@link AuthorizedMcpTransport} calls the sample
 * issuer's notes server over real HTTP: as alice tools/list and tool calls succeed; bob, who may only read notes,
 * is refused {@code add_note} with a {@link ScopeDeniedException} naming {@code notes.write}.
 */
@Tag("slow")
@Timeout(180)
class LangChain4jMcpClientTest extends SampleIssuerConnectors {

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

    private static ToolExecutionRequest call(String tool, String arguments) {
        return ToolExecutionRequest.builder().id(tool + "-1").name(tool).arguments(arguments).build();
    }

    @Test
    void aliceListsToolsAndCallsThemThroughLangChain4jsClient() throws Exception {
        try (Connector alice = signedIn("alice"); McpClient client = XaaMcp.client(alice, "notes")) {
            assertThat(client.listTools()).extracting(ToolSpecification::name).contains("whoami", "list_notes", "add_note");
            ToolExecutionResult added = client.executeTool(call("add_note", "{\"text\":\"via LangChain4j\"}"));
            assertThat(added.isError()).as(added.resultText()).isFalse();
            assertThat(client.executeTool(call("whoami", "{}")).resultText()).contains("\"sub\":\"alice\"");
            assertThat(client.executeTool(call("list_notes", "{}")).resultText()).contains("via LangChain4j");
        }
    }

    @Test
    void bobIsRefusedAToolHeMayNotUseWithTheScopeNamed() throws Exception {
        try (Connector bob = signedIn("bob"); McpClient client = XaaMcp.client(bob, "notes")) {
            assertThat(client.executeTool(call("list_notes", "{}")).isError()).isFalse();

            Throwable refused = catchThrowable(() -> client.executeTool(call("add_note", "{\"text\":\"not bob's\"}")));

            ConnectorException typed = ConnectorException.in(refused).orElseThrow(() -> new AssertionError("untyped", refused));
            assertThat(typed).isInstanceOf(ScopeDeniedException.class);
            assertThat(((ScopeDeniedException) typed).scopes()).containsExactly("notes.write");
            assertThat(typed.server()).contains("notes");
            assertThat(String.valueOf(refused)).doesNotContain("eyJ").doesNotContain(bob.token("notes").value());
        }
    }

    /**
     * A DPoP-bound token with the MCP server demanding its own nonce (RFC 9449 §9): the first request's
     * {@code 401 use_dpop_nonce} is probed, the nonce recorded, the call replayed with a proof carrying it. Neither
     * the token nor a proof reaches the log.
     */
    @Test
    void aDPoPBoundTokenWorksWithTheServersNonce() throws Exception {
        issuer.dpopModes().set(JSON.readTree("{\"rsNonce\":true}"));
        try (DPoPTesting.Stderr log = new DPoPTesting.Stderr();
             Connector alice = signedIn("alice"); McpClient client = XaaMcp.client(alice, "notes")) {
            assertThat(client.executeTool(call("whoami", "{}")).resultText()).contains("\"sub\":\"alice\"");
            AccessToken token = alice.cachedToken("notes").orElseThrow();
            assertThat(token.dpopBound()).isTrue();
            assertThat(log.text()).doesNotContain(token.value()).doesNotContain("eyJ");
        }
    }
}
