package dev.xaa4j.connector.internal.oauth;

import static dev.xaa4j.connector.testing.Routes.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import dev.xaa4j.connector.internal.store.ServerGrantStore;
import dev.xaa4j.connector.testing.Routes;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The grant rows of plain MCP authorization in the real OS keyring (run inside {@code .ci/with-keyring}): a sign-in's
 * refresh token and dynamic registration (its secret included) land in the keyring, another connector instance (as
 * another process would) refreshes from there and persists the rotated token, and sign-out deletes the grant.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OAuthKeyringTest {

    @StartStop
    private final MockWebServer web = new MockWebServer();
    private final String service = "xaa4j-test-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    private final KeyringCredentialStore keyring = new KeyringCredentialStore(service);

    @AfterEach
    void tearDown() {
        new ServerGrantStore(keyring).deleteGrant("notes");
    }

    @Test
    void grantsAndRegistrationsLiveInTheKeyringAndRotateThere() {
        Routes routes = new Routes();
        web.setDispatcher(routes);
        FakeAuthorizationServer as = new FakeAuthorizationServer(web, routes, "as1");
        as.metadata.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic"));
        as.metadata.put("revocation_endpoint", as.issuer + "/revoke");
        as.register = json(201, "{\"client_id\":\"kr-client\",\"client_secret\":\"kr-SECRET\",\"token_endpoint_auth_method\":\"client_secret_basic\"}");
        String resource = "http://127.0.0.1:" + web.getPort();
        ServerConfig server = ServerConfig.of("notes", URI.create(resource + "/mcp"), "unused", ClientAuthMethod.NONE);
        ServerMetadata meta = as.meta(resource, List.of(), Optional.empty());
        HeadlessBrowser browser = new HeadlessBrowser();
        try {
            try (OAuthServerGrants first = new OAuthServerGrants(Clock.systemUTC(), Duration.ofSeconds(5), keyring,
                    ClientCredentialsSource.none(), Optional.empty(), browser, Map.of())) {
                first.signIn(server, meta, Set.of());
            }
            ServerGrantStore rows = new ServerGrantStore(new KeyringCredentialStore(service));
            String rt1 = rows.grant("notes").orElseThrow().refreshToken();
            assertThat(rows.registration(as.issuer).orElseThrow().clientSecret()).isEqualTo("kr-SECRET");

            try (OAuthServerGrants second = new OAuthServerGrants(Clock.systemUTC(), Duration.ofSeconds(5),
                    new KeyringCredentialStore(service), ClientCredentialsSource.none(), Optional.empty(), browser, Map.of())) {
                assertThat(second.hasGrant("notes")).isTrue();
                second.token(server, meta, Set.of(), Set.of(), false);
                assertThat(as.tokenForms().get(1)).containsEntry("refresh_token", rt1);
                assertThat(as.requests("token").get(1).getHeaders().get("Authorization")).startsWith("Basic ");
                assertThat(rows.grant("notes").orElseThrow().refreshToken()).isNotEqualTo(rt1);
                second.signOut(server, Optional.of(meta));
            }
            assertThat(rows.grant("notes")).isEmpty();
            assertThat(as.requests("revoke")).hasSize(2);
        } finally {
            new ServerGrantStore(keyring).deleteRegistration(as.issuer);
        }
        assertThat(browser.opened).hasSize(1);
    }
}
