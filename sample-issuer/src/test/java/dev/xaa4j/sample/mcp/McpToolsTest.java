package dev.xaa4j.sample.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.xaa4j.sample.SampleIssuerPerClass;
import dev.xaa4j.sample.as.TokenEndpoint;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/**
 * The MCP servers driven by the MCP Java SDK client with access tokens from our AS (hand-minted ID-JAG →
 * jwt-bearer): identity and scopes reach the tools, data is per user, scopes are enforced per tool.
 */
class McpToolsTest extends SampleIssuerPerClass {

    static final ObjectMapper JSON = new ObjectMapper();

    static McpSyncClient client(String server, String accessToken) {
        String url = issuer.server(server).toString();
        String base = url.substring(0, url.length() - ("/" + server + "/mcp").length());
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base)
                .endpoint("/" + server + "/mcp")
                .httpRequestCustomizer((b, method, uri, body, ctx) -> b.setHeader("Authorization", "Bearer " + accessToken))
                .build();
        return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10))
                .clientInfo(new McpSchema.Implementation("xaa4j-test", "0")).build();
    }

    static Map<String, Object> json(McpSchema.CallToolResult r) throws Exception {
        assertThat(r.isError()).as("tool error: %s", r.content()).isFalse();
        String text = ((McpSchema.TextContent) r.content().get(0)).text();
        return JSON.readValue(text, new TypeReference<>() { });
    }

    static McpSchema.CallToolResult call(McpSyncClient c, String tool, Map<String, Object> args) {
        return c.callTool(new McpSchema.CallToolRequest(tool, args));
    }

    @Test
    void aliceSeesHerIdentityAndKeepsHerNotes() throws Exception {
        String at = TokenEndpoint.accessToken(issuer, "alice", "notes", "notes.read notes.write");
        try (McpSyncClient alice = client("notes", at)) {
            alice.initialize();

            List<McpSchema.Tool> tools = alice.listTools().tools();
            assertThat(tools).extracting(McpSchema.Tool::name)
                    .containsExactlyInAnyOrder("whoami", "list_notes", "add_note");
            McpSchema.Tool addNote = tools.stream().filter(t -> t.name().equals("add_note")).findFirst().orElseThrow();
            assertThat(addNote.description()).isNotBlank();
            assertThat(addNote.inputSchema()).containsEntry("type", "object").containsEntry("required", List.of("text"));

            Map<String, Object> me = json(call(alice, "whoami", Map.of()));
            assertThat(me).containsEntry("sub", "alice")
                    .containsEntry("client_id", "xaa-desktop-mcp")
                    .containsEntry("scope", "notes.read notes.write")
                    .containsEntry("resource", issuer.server("notes").toString());

            json(call(alice, "add_note", Map.of("text", "buy milk")));
            json(call(alice, "add_note", Map.of("text", "call bob")));
            Map<String, Object> listed = json(call(alice, "list_notes", Map.of()));
            assertThat(listed.get("notes")).asInstanceOf(InstanceOfAssertFactories.LIST)
                    .extracting(n -> (Object) ((Map<?, ?>) n).get("text")).containsSubsequence((Object) "buy milk", "call bob"); // other tests may add notes for alice too
        }
    }

    @Test
    void aReadOnlyUserCanListButGets403OnAddNoteAndNeverSeesOthersNotes() throws Exception {
        String aliceToken = TokenEndpoint.accessToken(issuer, "alice", "notes", "notes.read notes.write");
        try (McpSyncClient alice = client("notes", aliceToken)) {
            alice.initialize();
            json(call(alice, "add_note", Map.of("text", "alice's secret")));
        }
        String bobToken = TokenEndpoint.accessToken(issuer, "bob", "notes", "notes.read");
        try (McpSyncClient bob = client("notes", bobToken)) {
            bob.initialize();

            assertThat(json(call(bob, "whoami", Map.of()))).containsEntry("sub", "bob")
                    .containsEntry("scope", "notes.read");
            assertThat(json(call(bob, "list_notes", Map.of())).get("notes"))
                    .asInstanceOf(InstanceOfAssertFactories.LIST).isEmpty();
            assertThatThrownBy(() -> call(bob, "add_note", Map.of("text", "nope")))
                    .isInstanceOfSatisfying(McpHttpClientTransportAuthorizationException.class,
                            e -> assertThat(e.getResponseInfo().statusCode()).isEqualTo(403));
        }
    }

    @Test
    void aliceOpensAndListsTickets() throws Exception {
        String at = TokenEndpoint.accessToken(issuer, "alice", "tickets", "tickets.read tickets.write");
        try (McpSyncClient alice = client("tickets", at)) {
            alice.initialize();

            assertThat(alice.listTools().tools()).extracting(McpSchema.Tool::name)
                    .containsExactlyInAnyOrder("whoami", "list_tickets", "create_ticket");
            Map<String, Object> created = json(call(alice, "create_ticket",
                    Map.of("title", "VPN down", "description", "since 9am")));
            assertThat(created.get("ticket")).asInstanceOf(InstanceOfAssertFactories.MAP)
                    .containsEntry("title", "VPN down").containsEntry("status", "open");
            assertThat(json(call(alice, "list_tickets", Map.of())).get("tickets"))
                    .asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(1);
            assertThat(json(call(alice, "whoami", Map.of())))
                    .containsEntry("resource", issuer.server("tickets").toString());
        }
    }

    @Test
    void aMissingRequiredArgumentIsAToolErrorNotACrash() throws Exception {
        String at = TokenEndpoint.accessToken(issuer, "alice", "tickets", "tickets.write");
        try (McpSyncClient alice = client("tickets", at)) {
            alice.initialize();

            McpSchema.CallToolResult r = call(alice, "create_ticket", Map.of());

            assertThat(r.isError()).isTrue();
        }
    }
}
