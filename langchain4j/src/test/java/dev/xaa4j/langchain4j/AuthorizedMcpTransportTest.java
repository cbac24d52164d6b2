package dev.xaa4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** How the transport reads LangChain4j's report of a refused request (it carries the status only in its message). */
@org.junit.jupiter.api.Timeout(10)
class AuthorizedMcpTransportTest {

    @Test
    void after401TheProbeIsAPingNeverTheToolCallAfter403TheRefusedMessage() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var call = new dev.langchain4j.mcp.protocol.McpCallToolRequest(7L, "add_note", json.createObjectNode().put("text", "x"));

        com.fasterxml.jackson.databind.JsonNode after401 = json.readTree(AuthorizedMcpTransport.probeBody(call, 401));
        assertThat(after401.path("method").asText()).isEqualTo("ping");
        assertThat(after401.toString()).doesNotContain("tools/call", "add_note");

        com.fasterxml.jackson.databind.JsonNode after403 = json.readTree(AuthorizedMcpTransport.probeBody(call, 403));
        assertThat(after403.path("method").asText()).isEqualTo("tools/call");
    }

    @Test
    void theStatusIsFoundThroughCompletionWrappers() {
        RuntimeException refused = new RuntimeException("Unexpected status code: 403");
        assertThat(AuthorizedMcpTransport.status(new CompletionException(refused))).contains(403);
        assertThat(AuthorizedMcpTransport.status(new RuntimeException("wrapped", new RuntimeException("Unexpected status code: 401")))).contains(401);
    }

    @Test
    void otherFailuresHaveNoStatus() {
        assertThat(AuthorizedMcpTransport.status(new RuntimeException("Connection refused"))).isEmpty();
        assertThat(AuthorizedMcpTransport.status(new RuntimeException((String) null))).isEmpty();
    }
}
