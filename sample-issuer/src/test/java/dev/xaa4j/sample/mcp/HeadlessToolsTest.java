package dev.xaa4j.sample.mcp;

import static dev.xaa4j.sample.mcp.McpToolsTest.call;
import static dev.xaa4j.sample.mcp.McpToolsTest.client;
import static dev.xaa4j.sample.mcp.McpToolsTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.sample.SampleIssuerPerClass;
import dev.xaa4j.sample.as.Headless;
import dev.xaa4j.sample.as.TokenEndpoint;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tokens of the headless grants (client_credentials, workload jwt-bearer) at the MCP servers, driven by the MCP
 * Java SDK: the service identity reaches the tools, its policy scopes are enforced per tool.
 */
class HeadlessToolsTest extends SampleIssuerPerClass {

    @Test
    void aClientCredentialsTokenReadsNotesAsTheServiceAndMayNotWrite() throws Exception {
        TokenEndpoint.Reply r = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer),
                Headless.clientCredentials(issuer.server("notes"), null, List.of()), Headless.CI_CLIENT,
                Headless.CI_SECRET);
        assertThat(r.status()).as("%s", r.json()).isEqualTo(200);
        try (McpSyncClient ci = client("notes", (String) r.json().get("access_token"))) {
            ci.initialize();
            assertThat(json(call(ci, "whoami", Map.of()))).containsEntry("sub", Headless.CI_CLIENT)
                    .containsEntry("client_id", Headless.CI_CLIENT).containsEntry("scope", "notes.read");
            json(call(ci, "list_notes", Map.of()));
            assertThatThrownBy(() -> call(ci, "add_note", Map.of("text", "nope")))
                    .isInstanceOfSatisfying(McpHttpClientTransportAuthorizationException.class,
                            e -> assertThat(e.getResponseInfo().statusCode()).isEqualTo(403));
        }
    }

    @Test
    void aWorkloadTokenListsTicketsAsTheWorkload() throws Exception {
        String jwt = Headless.workloadToken(issuer, "ci-job-1", null, 300);
        TokenEndpoint.Reply r = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer),
                Headless.workloadGrant(jwt, issuer.server("tickets"), "tickets.read"), null, null);
        assertThat(r.status()).as("%s", r.json()).isEqualTo(200);
        try (McpSyncClient job = client("tickets", (String) r.json().get("access_token"))) {
            job.initialize();
            assertThat(json(call(job, "whoami", Map.of()))).containsEntry("sub", "ci-job-1")
                    .containsEntry("scope", "tickets.read");
            json(call(job, "list_tickets", Map.of()));
        }
    }
}
