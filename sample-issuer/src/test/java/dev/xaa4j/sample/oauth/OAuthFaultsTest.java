package dev.xaa4j.sample.oauth;

import static dev.xaa4j.sample.oauth.PlainOAuthClient.PUBLIC_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.AuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.client.ClientMetadata;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationRequest;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationResponse;
import dev.xaa4j.sample.SampleIssuerPerClass;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fault modes for clients' hostile-input tests, switched through {@code POST /admin/oauth-faults}: what each
 * one serves, that it is audit-logged, and that {@code reset} restores normal behaviour.
 */
@Timeout(60)
class OAuthFaultsTest extends SampleIssuerPerClass {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    static HttpResponse<String> fault(String word) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(issuer.idpIssuer() + "/admin/oauth-faults"))
                .header("Authorization", "Bearer " + issuer.adminToken()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"fault\":\"" + word + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode get(URI url) throws Exception {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    static URI prmUrl() {
        return URI.create("http://" + issuer.server("wiki").getRawAuthority() + "/.well-known/oauth-protected-resource/wiki/mcp");
    }

    static List<JsonNode> audit(String event) throws Exception {
        return Files.readAllLines(issuer.auditFile()).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).filter(n -> n.path("event").asText().equals(event)).toList();
    }

    @AfterEach
    void reset() throws Exception {
        assertThat(fault("reset").statusCode()).isEqualTo(200);
    }

    @Test
    void anUnknownFaultOrNoAdminTokenIsRefused() throws Exception {
        HttpResponse<String> unknown = fault("everything");
        HttpResponse<String> noToken = HTTP.send(HttpRequest.newBuilder(URI.create(issuer.idpIssuer() + "/admin/oauth-faults"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"fault\":\"iss-missing\"}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("iss-missing").contains("as-migration").contains("reset");
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(issuer.oauthFaults().current()).isEqualTo(OAuthFaults.Fault.NONE);
    }

    @Test
    void resourceMismatchNamesAnotherServerInTheWikisMetadata() throws Exception {
        fault("resource-mismatch");

        JsonNode prm = get(prmUrl());

        assertThat(prm.path("resource").asText()).isEqualTo(issuer.server("notes").toString());
        assertThat(audit("oauth-fault")).anyMatch(n -> n.path("decision").asText().equals("resource-mismatch"));
        fault("reset");
        assertThat(get(prmUrl()).path("resource").asText()).isEqualTo(issuer.server("wiki").toString());
    }

    @Test
    void issuerMismatchServesMetadataWithAnotherIssuer() throws Exception {
        fault("issuer-mismatch");

        JsonNode md = get(PlainOAuthClient.of(issuer).metadataUrl());

        assertThat(md.path("issuer").asText()).isEqualTo("https://attacker.example.com");
        assertThat(md.path("token_endpoint").asText()).isEqualTo(issuer.oauthIssuer() + "/token");
        assertThat(audit("oauth-fault")).anyMatch(n -> n.path("decision").asText().equals("issuer-mismatch"));
    }

    @Test
    void theIssFaultsChangeOnlyTheIssOfTheAuthorizationResponse() throws Exception {
        PlainOAuthClient c = PlainOAuthClient.of(issuer);
        String expected = issuer.oauthIssuer().toString();
        record Case(String fault, String iss) {
        }
        for (Case k : List.of(new Case("iss-missing", null), new Case("iss-wrong", "https://evil.example.com"),
                new Case("iss-trailing-slash", expected + "/"))) {
            fault(k.fault());
            PlainOAuthClient.Flow flow = c.flow(PUBLIC_CLIENT, "wiki:read", issuer.server("wiki"));

            AuthorizationSuccessResponse r = AuthorizationResponse.parse(c.browse(flow.url(), "alice")).toSuccessResponse();

            assertThat(r.getIssuer() == null ? null : r.getIssuer().getValue()).as(k.fault()).isEqualTo(k.iss());
            assertThat(r.getState()).isEqualTo(flow.state());
            assertThat(audit("oauth-fault")).as(k.fault()).anyMatch(n -> n.path("decision").asText().equals(k.fault()));
        }
        fault("reset");
        AuthorizationSuccessResponse normal = c.authorize(c.flow(PUBLIC_CLIENT, "wiki:read", issuer.server("wiki")),
                "alice").toSuccessResponse();
        assertThat(normal.getIssuer().getValue()).isEqualTo(expected);
    }

    @Test
    void asMigrationPointsTheWikiAtTheSecondAsWhichKnowsNoneOfTheFirstOnesClients() throws Exception {
        PlainOAuthClient first = PlainOAuthClient.of(issuer);
        String oldToken = first.signIn(PUBLIC_CLIENT, "alice", "wiki:read", issuer.server("wiki"))
                .toSuccessResponse().getTokens().getAccessToken().getValue();
        fault("as-migration");
        PlainOAuthClient second = new PlainOAuthClient(issuer.secondOAuthIssuer());

        JsonNode prm = get(prmUrl());
        HttpResponse<String> withOld = mcp(oldToken);
        HttpResponse<String> preRegisteredThere = HTTP.send(HttpRequest.newBuilder(second.flow(PUBLIC_CLIENT,
                "wiki:read", issuer.server("wiki")).url()).build(), HttpResponse.BodyHandlers.ofString());
        ClientMetadata md = new ClientMetadata();
        md.setRedirectionURI(URI.create("http://127.0.0.1/callback"));
        md.setGrantTypes(Set.of(GrantType.AUTHORIZATION_CODE));
        md.setTokenEndpointAuthMethod(ClientAuthenticationMethod.NONE);
        String newClient = ClientRegistrationResponse.parse(new ClientRegistrationRequest(second.endpoint("/register"),
                md, null).toHTTPRequest().send()).toSuccessResponse().getClientInformation().getID().getValue();
        String newToken = second.signIn(newClient, "alice", "wiki:read", issuer.server("wiki"))
                .toSuccessResponse().getTokens().getAccessToken().getValue();

        assertThat(issuer.secondOAuthIssuer().toString()).isEqualTo(issuer.asIssuer() + "/oauth2");
        assertThat(prm.path("authorization_servers").get(0).asText()).isEqualTo(issuer.secondOAuthIssuer().toString());
        assertThat(second.metadata().getIssuer().getValue()).isEqualTo(issuer.secondOAuthIssuer().toString());
        assertThat(withOld.statusCode()).isEqualTo(401);
        assertThat(preRegisteredThere.statusCode()).isEqualTo(400);
        assertThat(mcp(newToken).statusCode()).isEqualTo(200);
        assertThat(audit("oauth-fault")).anyMatch(n -> n.path("decision").asText().equals("as-migration"));
    }

    @Test
    void theScopeLoopAnswersEveryTokenedCall403() throws Exception {
        String token = PlainOAuthClient.of(issuer).signIn(PUBLIC_CLIENT, "alice", "wiki:read wiki:write",
                issuer.server("wiki")).toSuccessResponse().getTokens().getAccessToken().getValue();
        fault("insufficient-scope-loop");

        HttpResponse<String> r = mcp(token);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer error=\"insufficient_scope\", scope=\"wiki:read wiki:write\"");
        assertThat(audit("oauth-fault")).anyMatch(n -> n.path("decision").asText().equals("insufficient-scope-loop"));
        fault("reset");
        assertThat(mcp(token).statusCode()).isEqualTo(200);
    }

    /** An MCP initialize at the wiki with {@code token}. */
    static HttpResponse<String> mcp(String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(issuer.server("wiki")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                        + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                        + "\"clientInfo\":{\"name\":\"t\",\"version\":\"0\"}}}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
