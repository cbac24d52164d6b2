package dev.xaa4j.sample.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.SampleIssuer;
import dev.xaa4j.sample.SampleIssuerPerClass;
import dev.xaa4j.sample.SampleIssuers;
import dev.xaa4j.sample.as.TestIdJag;
import dev.xaa4j.sample.as.TokenEndpoint;
import dev.xaa4j.testing.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** RFC 9728 metadata and the bearer challenges of the MCP servers, byte for byte (docs/protocol.md §3.4). */
class McpProtectionTest extends SampleIssuerPerClass {

    static final String TOOLS_LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";

    static final HttpClient HTTP = HttpClient.newHttpClient();

    static String prm(String name) {
        URI s = issuer.server(name);
        return "http://" + s.getRawAuthority() + "/.well-known/oauth-protected-resource/" + name + "/mcp";
    }

    @Test
    void eachServerPublishesItsProtectedResourceMetadata() throws Exception {
        for (String name : List.of("notes", "tickets")) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(prm(name))).build(),
                    HttpResponse.BodyHandlers.ofString());
            Map<String, Object> md = new ObjectMapper().readValue(r.body(), new TypeReference<>() { });

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(md).containsEntry("resource", issuer.server(name).toString())
                    .containsEntry("authorization_servers", List.of(issuer.asIssuer().toString()))
                    .containsEntry("scopes_supported", List.of(name + ".read", name + ".write"))
                    .containsEntry("bearer_methods_supported", List.of("header"))
                    .containsKey("resource_name");
        }
    }

    /** No token, a non-Bearer Authorization (treated as none), a garbage token: 401 and the exact challenge. */
    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource(nullValues = "none", value = {
            "notes, none, ''",
            "tickets, Basic YWxpY2U6YWxpY2U=, ''",
            "notes, Bearer not.a.token, 'error=\"invalid_token\", '"})
    void withoutAUsableTokenA401ChallengesWithResourceMetadataAndTheReadScope(String server, String authorization,
                                                                                  String error) throws Exception {
        HttpResponse<String> r = post(server, authorization, TOOLS_LIST);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().allValues("WWW-Authenticate")).containsExactly("Bearer " + error
                + "resource_metadata=\"" + prm(server) + "\", scope=\"" + server + ".read\"");
    }

    @Test
    void aTokenNotSignedByTheAsGets401InvalidToken() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("stranger").generate();
        String forged = TestIdJag.of(issuer, "alice", "notes", "notes.read notes.write")
                .type(new JOSEObjectType("at+jwt")).claim("iss", issuer.asIssuer().toString())
                .claim("aud", issuer.server("notes").toString()).signWith(stranger).sign();
        String idJagAsAccessToken = TestIdJag.of(issuer, "alice", "notes", "notes.read").sign();

        assertThat(post("notes", "Bearer " + forged, TOOLS_LIST).headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(h -> assertThat(h).startsWith("Bearer error=\"invalid_token\""));
        assertThat(post("notes", "Bearer " + idJagAsAccessToken, TOOLS_LIST).statusCode()).isEqualTo(401);
    }

    @Test
    void aTokenForTheNotesServerIsRejectedByTheTicketsServer() throws Exception {
        String notesToken = TokenEndpoint.accessToken(issuer, "alice", "notes", "notes.read notes.write");

        HttpResponse<String> atTickets = post("tickets", "Bearer " + notesToken, TOOLS_LIST);

        assertThat(atTickets.statusCode()).isEqualTo(401);
        assertThat(atTickets.headers().allValues("WWW-Authenticate")).containsExactly("Bearer error=\"invalid_token\", "
                + "resource_metadata=\"" + prm("tickets") + "\", scope=\"tickets.read\"");
        assertThat(atTickets.body()).contains("not for " + issuer.server("tickets"));
    }

    @Test
    void aToolCallWithoutItsScopeGets403InsufficientScope() throws Exception {
        String readOnly = TokenEndpoint.accessToken(issuer, "bob", "notes", "notes.read");

        HttpResponse<String> r = post("notes", "Bearer " + readOnly, "{\"jsonrpc\":\"2.0\",\"id\":7,"
                + "\"method\":\"tools/call\",\"params\":{\"name\":\"add_note\",\"arguments\":{\"text\":\"hi\"}}}");

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().allValues("WWW-Authenticate")).containsExactly("Bearer error=\"insufficient_scope\", "
                + "scope=\"notes.write\", resource_metadata=\"" + prm("notes") + "\"");
    }

    @Test
    void anExpiredAccessTokenGets401InvalidToken(@TempDir Path otherState) throws Exception {
        Duration ttl = Duration.ofSeconds(1);
        MutableClock clock = new MutableClock(Instant.now());
        try (SampleIssuer shortLived = SampleIssuers.start(otherState, SampleIssuers.accessTokensLasting(ttl), clock)) {
            String at = TokenEndpoint.accessToken(shortLived, "alice", "notes", "notes.read");
            HttpRequest.Builder call = HttpRequest.newBuilder(shortLived.server("notes"))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .header("Authorization", "Bearer " + at)
                    .POST(HttpRequest.BodyPublishers.ofString(TOOLS_LIST));

            clock.advance(ttl.plusSeconds(1)); // exp has whole-second precision
            HttpResponse<String> r = HTTP.send(call.build(), HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(h -> assertThat(h).startsWith("Bearer error=\"invalid_token\""));
            assertThat(r.body()).contains("expired");
        }
    }

    static HttpResponse<String> post(String server, String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(issuer.server(server))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
