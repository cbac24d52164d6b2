package dev.xaa4j.sample.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.sample.SampleIssuerPerClass;
import dev.xaa4j.sample.as.TokenEndpoint;
import dev.xaa4j.sample.oauth.PlainOAuthClient;
import io.modelcontextprotocol.client.McpSyncClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The plain-OAuth MCP server {@code wiki}: its metadata, its 401/403 challenges (RFC 6750 §3), its tools. */
@Timeout(60)
class WikiServerTest extends SampleIssuerPerClass {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    static String token(String user, String scope) throws Exception {
        return PlainOAuthClient.of(issuer).signIn(PlainOAuthClient.PUBLIC_CLIENT, user, scope, issuer.server("wiki"))
                .toSuccessResponse().getTokens().getAccessToken().getValue();
    }

    static HttpResponse<String> post(String bearer, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(issuer.server("wiki"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static final String EDIT = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"edit_page\","
            + "\"arguments\":{\"title\":\"Home\",\"text\":\"hi\"}}}";

    @Test
    void itsMetadataNamesThePlainAuthorizationServer() throws Exception {
        URI wiki = issuer.server("wiki");
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + wiki.getRawAuthority()
                + "/.well-known/oauth-protected-resource/wiki/mcp")).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Object> md = new ObjectMapper().readValue(r.body(), new TypeReference<>() { });

        assertThat(md).containsEntry("resource", wiki.toString())
                .containsEntry("authorization_servers", List.of(issuer.oauthIssuer().toString()))
                .containsEntry("scopes_supported", List.of("wiki:read", "wiki:write"));
        assertThat(issuer.flows()).containsEntry("notes", "ema").containsEntry("tickets", "ema")
                .containsEntry("wiki", "oauth");
        assertThat(issuer.servers()).doesNotContainKey("wiki");
        assertThat(issuer.readyDocument()).containsEntry("oauth", issuer.oauthIssuer().toString());
    }

    @Test
    void withoutATokenOrWithAnEmaTokenA401Challenges() throws Exception {
        String emaToken = TokenEndpoint.accessToken(issuer, "alice", "notes", "notes.read notes.write");

        HttpResponse<String> none = post(null, McpProtectionTest.TOOLS_LIST);
        HttpResponse<String> ema = post(emaToken, McpProtectionTest.TOOLS_LIST);

        String prm = "http://" + issuer.server("wiki").getRawAuthority() + "/.well-known/oauth-protected-resource/wiki/mcp";
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate").orElseThrow())
                .isEqualTo("Bearer resource_metadata=\"" + prm + "\", scope=\"wiki:read\"");
        assertThat(ema.statusCode()).isEqualTo(401);
        assertThat(ema.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");
    }

    @Test
    void aReadOnlyTokenReadsButEditingAnswers403WithBothScopes() throws Exception {
        String bob = token("bob", "wiki:read");

        HttpResponse<String> edit = post(bob, EDIT);

        assertThat(edit.statusCode()).isEqualTo(403);
        assertThat(edit.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer error=\"insufficient_scope\", scope=\"wiki:read wiki:write\"");
        try (McpSyncClient c = McpToolsTest.client("wiki", bob)) {
            c.initialize();
            assertThat(McpToolsTest.json(McpToolsTest.call(c, "list_pages", Map.of()))).containsKey("pages");
        }
    }

    @Test
    void aliceEditsAndReadsPages() throws Exception {
        String alice = token("alice", "wiki:read wiki:write");

        try (McpSyncClient c = McpToolsTest.client("wiki", alice)) {
            c.initialize();
            McpToolsTest.json(McpToolsTest.call(c, "edit_page", Map.of("title", "Home", "text", "Welcome")));
            Map<String, Object> pages = McpToolsTest.json(McpToolsTest.call(c, "list_pages", Map.of()));

            assertThat(pages.get("pages").toString()).contains("Welcome").contains("alice");
        }
    }
}
