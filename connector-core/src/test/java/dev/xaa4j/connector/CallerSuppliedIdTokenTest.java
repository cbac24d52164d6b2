package dev.xaa4j.connector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance seam (issue item 9): the caller supplies the ID token and the IdP token endpoint; the
 * connector discovers only the MCP server and runs exchange + jwt-bearer, with a public client at the IdP
 * and client_secret_basic at the AS — the shape of the MCP conformance suite's cross-app-access scenario.
 */
class CallerSuppliedIdTokenTest {

    @StartStop
    final MockWebServer server = new MockWebServer();

    @TempDir
    Path stateDir;

    @Test
    void exchangesTheSuppliedIdTokenWithoutIdpDiscovery() throws Exception {
        String base = server.url("/").toString().replaceAll("/$", "");
        String mcp = base + "/mcp";
        // discovery of the MCP server: 401 challenge → PRM → AS metadata
        server.enqueue(new MockResponse.Builder().code(401).addHeader("WWW-Authenticate",
                "Bearer resource_metadata=\"" + base + "/.well-known/oauth-protected-resource/mcp\"").build());
        server.enqueue(json("{\"resource\":\"" + mcp + "\",\"authorization_servers\":[\"" + base + "\"]}"));
        server.enqueue(json("{\"issuer\":\"" + base + "\",\"token_endpoint\":\"" + base + "/as/token\","
                + "\"grant_types_supported\":[\"urn:ietf:params:oauth:grant-type:jwt-bearer\"],"
                + "\"authorization_grant_profiles_supported\":[\"urn:ietf:params:oauth:grant-profile:id-jag\"],"
                + "\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\"],\"response_types_supported\":[\"code\"]}"));
        server.enqueue(json("{\"issued_token_type\":\"urn:ietf:params:oauth:token-type:id-jag\",\"access_token\":\"jag\","
                + "\"token_type\":\"N_A\",\"expires_in\":300}"));
        server.enqueue(json("{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":3600}"));

        try (Connector c = Connector.builder()
                .idp(new IdpConfig(URI.create(base + "/idp"), "idp-client", ClientAuthMethod.NONE))
                .idpTokenEndpoint(URI.create(base + "/idp/token"))
                .idTokenSource(() -> "supplied-id-token")
                .server(ServerConfig.of("conformance", URI.create(mcp), "as-client", ClientAuthMethod.CLIENT_SECRET_BASIC))
                .clientCredentials(ClientCredentialsSource.ofSecrets(Map.of("as-client", "as-secret")))
                .sessionInMemory(true)
                .stateDir(stateDir)
                .build()) {
            assertThat(c.token("conformance").value()).isEqualTo("at");
        }
        RecordedRequest exchange = null;
        for (int i = 0; i < server.getRequestCount(); i++) {
            RecordedRequest r = server.takeRequest();
            if (r.getTarget().equals("/idp/token")) {
                exchange = r;
            }
        }
        assertThat(exchange).isNotNull();
        assertThat(exchange.getBody().utf8()).contains("subject_token=supplied-id-token").contains("client_id=idp-client")
                .contains("audience=" + java.net.URLEncoder.encode(base, java.nio.charset.StandardCharsets.UTF_8));
    }

    static MockResponse json(String body) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
    }
}
