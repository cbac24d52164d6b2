package dev.xaa4j.sample.idp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.sample.SampleIssuerPerClass;
import dev.xaa4j.sample.as.TokenEndpoint;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole chain of docs/protocol.md §1 over real HTTP, every hop a real endpoint of the sample issuer: login
 * form → code → tokens → token exchange (ID-JAG) → jwt-bearer (access token) → MCP {@code tools/call}
 * through the MCP Java SDK client. Then an administrator revokes the grant: the next exchange is denied,
 * while the access token already issued keeps working until it expires.
 */
class EndToEndFlowTest extends SampleIssuerPerClass {

    private static final ObjectMapper JSON = new ObjectMapper();

    static IdpTestClient idp;

    @BeforeAll
    static void idpClient() {
        idp = new IdpTestClient(issuer.idpIssuer());
    }

    @Test
    void aliceSignsInOnceAndHerAgentCallsToolsOnBothServers() throws Exception {
        String idToken = idp.idToken("alice");

        for (String server : List.of("notes", "tickets")) {
            String accessToken = accessTokenVia(idToken, server, null);
            SignedJWT at = SignedJWT.parse(accessToken);
            assertThat(at.getHeader().getType().toString()).isEqualTo("at+jwt");
            assertThat(at.getJWTClaimsSet().getAudience()).containsExactly(issuer.server(server).toString());
            assertThat(at.getJWTClaimsSet().getStringClaim("scope")).isEqualTo(server + ".read " + server + ".write");

            try (McpSyncClient mcp = client(server, accessToken)) {
                mcp.initialize();
                Map<?, ?> who = json(mcp.callTool(new McpSchema.CallToolRequest("whoami", Map.of())));
                assertThat(who.get("sub")).isEqualTo("alice");
                assertThat(who.get("client_id")).isEqualTo("xaa-desktop-mcp");
                assertThat(String.valueOf(who.get("scope"))).contains(server + ".write");
            }
        }

        try (McpSyncClient notes = client("notes", accessTokenVia(idToken, "notes", "notes.read notes.write"))) {
            notes.initialize();
            McpSchema.CallToolResult added = notes.callTool(
                    new McpSchema.CallToolRequest("add_note", Map.of("text", "ship the bridge")));
            assertThat(added.isError()).isFalse();
            McpSchema.CallToolResult listed = notes.callTool(new McpSchema.CallToolRequest("list_notes", Map.of()));
            assertThat(((McpSchema.TextContent) listed.content().get(0)).text()).contains("ship the bridge");
        }
    }

    @Test
    void revokingAGrantStopsTheNextExchangeButNotTheIssuedAccessToken() throws Exception {
        String idToken = idp.idToken("alice");
        String accessToken = accessTokenVia(idToken, "tickets", "tickets.read");

        HttpResponse<String> revoke = idp.send(HttpRequest.newBuilder(URI.create(issuer.idpIssuer() + "/admin/revoke"))
                .header("Authorization", "Bearer " + issuer.adminToken())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"alice\",\"server\":\"tickets\"}")).build());
        assertThat(revoke.statusCode()).isEqualTo(200);
        try {
            HttpResponse<String> denied = idp.exchange(idToken, issuer.asIssuer().toString(),
                    issuer.server("tickets").toString(), "tickets.read", IdpTestClient.demoBasic());
            assertThat(denied.statusCode()).isEqualTo(400);
            assertThat(IdpTestClient.json(denied).get("error")).isEqualTo("access_denied");

            try (McpSyncClient tickets = client("tickets", accessToken)) {
                tickets.initialize();
                assertThat(json(tickets.callTool(new McpSchema.CallToolRequest("whoami", Map.of()))).get("sub"))
                        .as("an access token issued before the revocation lives until it expires")
                        .isEqualTo("alice");
            }
            String audit = Files.readString(issuer.auditFile());
            assertThat(audit).contains("\"event\":\"token-exchange\"").contains("\"decision\":\"deny\"")
                    .doesNotContain(idToken).doesNotContain(accessToken);
        } finally {
            idp.send(HttpRequest.newBuilder(URI.create(issuer.idpIssuer() + "/admin/restore"))
                    .header("Authorization", "Bearer " + issuer.adminToken())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"alice\",\"server\":\"tickets\"}")).build());
        }
    }

    /** Token exchange at the IdP, then jwt-bearer at the AS, exactly as a connector does it. */
    private static String accessTokenVia(String idToken, String server, String scope) throws Exception {
        HttpResponse<String> exchanged = idp.exchange(idToken, issuer.asIssuer().toString(),
                issuer.server(server).toString(), scope, IdpTestClient.demoBasic());
        assertThat(exchanged.statusCode()).as("exchange: %s", exchanged.body()).isEqualTo(200);
        Map<String, Object> ex = IdpTestClient.json(exchanged);
        assertThat(ex.get("issued_token_type")).isEqualTo(IdpTestClient.ID_JAG_TYPE);
        assertThat(ex.get("token_type")).isEqualTo("N_A");
        String idJag = (String) ex.get("access_token");

        TokenEndpoint.Reply r = TokenEndpoint.redeem(issuer, idJag, "scope", (String) ex.get("scope"),
                "resource", issuer.server(server).toString());
        assertThat(r.status()).as("jwt-bearer: %s", r.json()).isEqualTo(200);
        assertThat(r.json()).doesNotContainKey("refresh_token");
        return (String) r.json().get("access_token");
    }

    private static McpSyncClient client(String server, String accessToken) {
        String url = issuer.server(server).toString();
        String base = url.substring(0, url.length() - ("/" + server + "/mcp").length());
        return McpClient.sync(HttpClientStreamableHttpTransport.builder(base).endpoint("/" + server + "/mcp")
                        .httpRequestCustomizer((b, m, u, body, ctx) -> b.setHeader("Authorization", "Bearer " + accessToken))
                        .build())
                .requestTimeout(Duration.ofSeconds(10))
                .clientInfo(new McpSchema.Implementation("xaa4j-e2e", "0")).build();
    }

    private static Map<?, ?> json(McpSchema.CallToolResult r) throws Exception {
        assertThat(r.isError()).as("tool error: %s", r.content()).isFalse();
        return JSON.readValue(((McpSchema.TextContent) r.content().get(0)).text(), Map.class);
    }
}
