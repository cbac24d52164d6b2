package dev.xaa4j.connector.internal.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.signin.BrowserLauncher;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.internal.store.ServerGrantStore;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import dev.xaa4j.connector.testing.TestBrowser;
import dev.xaa4j.sample.SampleIssuerPerClass;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The plain MCP authorization flow against the sample issuer's plain OAuth AS over real HTTP (its login form driven
 * by {@link TestBrowser}): dynamic registration, authorization code + PKCE, a token its {@code wiki} MCP server
 * accepts, refresh with rotation, the AS's hostile modes rejected before any token request, AS migration, sign-out.
 * Metadata is fetched here as discovery would (RFC 9728 PRM, RFC 8414 path-inserted AS metadata).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SampleIssuerPlainOAuthTest extends SampleIssuerPerClass {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final MemoryCredentialStore store = new MemoryCredentialStore();
    private final List<Integer> callbacks = new CopyOnWriteArrayList<>();
    private final BrowserLauncher alice = url -> {
        try {
            callbacks.add(TestBrowser.signIn(url, "alice", "alice").statusCode());
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e.toString(), e);
        }
    };

    @AfterEach
    void resetFaults() {
        issuer.oauthFaults().set("reset");
    }

    private URI wiki() {
        return issuer.oauthServers().get("wiki");
    }

    private ServerConfig server() {
        return ServerConfig.of("wiki", wiki(), "unused", ClientAuthMethod.NONE);
    }

    private OAuthServerGrants grants() {
        return new OAuthServerGrants(Clock.systemUTC(), Duration.ofSeconds(10), store, ClientCredentialsSource.none(),
                Optional.empty(), alice, Map.of(), Duration.ofSeconds(60));
    }

    /** PRM at the path-aware URL, then the AS metadata it names (RFC 8414 §3.1 path insertion). */
    private ServerMetadata discover() throws Exception {
        URI url = wiki();
        JsonNode prm = get(URI.create(url.getScheme() + "://" + url.getRawAuthority() + "/.well-known/oauth-protected-resource" + url.getRawPath()));
        URI as = URI.create(prm.get("authorization_servers").get(0).asText());
        JsonNode asJson = get(URI.create(as.getScheme() + "://" + as.getRawAuthority() + "/.well-known/oauth-authorization-server" + as.getRawPath()));
        List<String> scopes = new ArrayList<>();
        prm.path("scopes_supported").forEach(s -> scopes.add(s.asText()));
        return new ServerMetadata(url, prm.get("resource").asText(), AuthorizationServerMetadata.parse(asJson.toString()),
                scopes, Optional.empty(), url);
    }

    private JsonNode get(URI uri) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(uri.toString()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** The wiki's answer to {@code initialize} with {@code token}. */
    private int initialize(TokenFetcher.Fetched token) throws Exception {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
        return http.send(HttpRequest.newBuilder(wiki()).header("Authorization", token.token().authorizationHeader())
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void signsInRefreshesWithRotationAndSignsOut() throws Exception {
        ServerMetadata meta = discover();
        ServerGrantStore rows = new ServerGrantStore(store);
        try (OAuthServerGrants g = grants()) {
            TokenFetcher.Fetched first = g.signIn(server(), meta, Set.of());
            assertThat(callbacks).containsExactly(200);
            assertThat(initialize(first)).isEqualTo(200);
            assertThat(rows.registration(meta.asIssuer())).isPresent();
            String rt1 = rows.grant("wiki").orElseThrow().refreshToken();

            TokenFetcher.Fetched renewed = g.token(server(), meta, Set.of(), Set.of(), false);
            assertThat(renewed.token().value()).isNotEqualTo(first.token().value());
            assertThat(initialize(renewed)).isEqualTo(200);
            assertThat(rows.grant("wiki").orElseThrow().refreshToken()).isNotEqualTo(rt1);

            g.signOut(server(), Optional.of(meta));
            assertThat(g.hasGrant("wiki")).isFalse();
            assertThatThrownBy(() -> g.token(server(), meta, Set.of(), Set.of(), false))
                    .isInstanceOfSatisfying(ConnectorException.class,
                            e -> assertThat(e.kind()).isEqualTo(ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED));
        }
        assertThat(callbacks).hasSize(1);
    }

    @Test
    void aWrongOrMissingIssInTheResponseEndsTheSignInWithoutAToken() throws Exception {
        ServerMetadata meta = discover();
        try (OAuthServerGrants g = grants()) {
            for (String fault : List.of("iss-wrong", "iss-missing", "iss-trailing-slash")) {
                issuer.oauthFaults().set(fault);
                assertThatThrownBy(() -> g.signIn(server(), meta, Set.of()))
                        .as(fault)
                        .isInstanceOfSatisfying(ConnectorException.class, e -> {
                            assertThat(e.kind()).isEqualTo(ConnectorException.Kind.SIGN_IN_FAILED);
                            assertThat(e.getMessage()).contains(meta.asIssuer());
                        });
            }
            assertThat(g.hasGrant("wiki")).isFalse();
        }
        assertThat(callbacks).containsExactly(400, 400, 400);
    }

    @Test
    void anAuthorizationServerMigrationRegistersAtTheNewServer() throws Exception {
        try (OAuthServerGrants g = grants()) {
            ServerMetadata before = discover();
            g.signIn(server(), before, Set.of());
            String oldClient = new ServerGrantStore(store).grant("wiki").orElseThrow().clientId();
            issuer.oauthFaults().set("as-migration");
            ServerMetadata after = discover();
            assertThat(after.asIssuer()).isNotEqualTo(before.asIssuer());
            TokenFetcher.Fetched token = g.token(server(), after, Set.of(), Set.of(), true);
            ServerGrantStore.Grant grant = new ServerGrantStore(store).grant("wiki").orElseThrow();
            assertThat(grant.issuer()).isEqualTo(after.asIssuer());
            assertThat(grant.clientId()).isNotEqualTo(oldClient);
            assertThat(initialize(token)).isEqualTo(200);
        }
        assertThat(callbacks).containsExactly(200, 200);
    }
}
