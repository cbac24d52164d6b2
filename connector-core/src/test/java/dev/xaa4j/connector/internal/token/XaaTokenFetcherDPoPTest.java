package dev.xaa4j.connector.internal.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.id.Issuer;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.dpop.DPoPProofs;
import dev.xaa4j.connector.internal.dpop.DPoPTesting;
import dev.xaa4j.connector.internal.grant.ClientAuthFactory;
import dev.xaa4j.connector.internal.grant.IdJagExchange;
import dev.xaa4j.connector.internal.grant.JwtBearerGrant;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.jetbrains.annotations.NotNull;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ID-JAG binding in the renewal chain (ID-JAG draft "Sender Constraining Tokens", docs/architecture.md "DPoP"):
 * an IdP advertising ES256 gets a proof on the exchange; an ID-JAG bound to our key is redeemed with a proof from the
 * same key even where the AS metadata lists no DPoP algorithm; one bound to another key is refused before any
 * request reaches the AS.
 */
@Timeout(30)
class XaaTokenFetcherDPoPTest {

    @StartStop
    final MockWebServer server = new MockWebServer();

    final MemoryCredentialStore store = new MemoryCredentialStore();
    final DPoPProofs dpop = DPoPProofs.of(store);
    final List<RecordedRequest> idp = new CopyOnWriteArrayList<>();
    final List<RecordedRequest> as = new CopyOnWriteArrayList<>();
    volatile String boundTo;

    XaaTokenFetcher fetcher(boolean asAdvertisesDpop) {
        server.setDispatcher(new Dispatcher() {
            @Override
            public @NotNull MockResponse dispatch(@NotNull RecordedRequest r) {
                try {
                    if (r.getTarget().startsWith("/idp/token")) {
                        idp.add(r);
                        String jag = DPoPTesting.idJag("https://as.test/", "https://mcp.test/notes/mcp", boundTo);
                        return json("{\"issued_token_type\":\"urn:ietf:params:oauth:token-type:id-jag\",\"access_token\":\""
                                + jag + "\",\"token_type\":\"N_A\",\"expires_in\":300}");
                    }
                    as.add(r);
                    return json("{\"access_token\":\"at-1\",\"token_type\":\"" + (r.getHeaders().get("DPoP") != null ? "DPoP" : "Bearer")
                            + "\",\"expires_in\":60}");
                } catch (Exception e) {
                    return new MockResponse.Builder().code(500).build();
                }
            }
        });
        AuthorizationServerMetadata metadata = new AuthorizationServerMetadata(new Issuer("https://as.test/"));
        metadata.setTokenEndpointURI(server.url("/as/token").uri());
        if (asAdvertisesDpop) {
            metadata.setDPoPJWSAlgs(List.of(JWSAlgorithm.ES256));
        }
        ServerMetadata meta = new ServerMetadata(URI.create("https://mcp.test/notes/mcp"), "https://mcp.test/notes/mcp",
                metadata, List.of(), Optional.empty(), URI.create("https://mcp.test/.well-known/oauth-protected-resource/notes/mcp"));
        ServerConfig notes = ServerConfig.of("notes", URI.create("https://mcp.test/notes/mcp"), "xaa4j-agent", ClientAuthMethod.NONE);
        ClientCredentialsSource none = ClientCredentialsSource.none();
        IdTokenProvider idTokens = new IdTokenProvider() {
            public String idToken() {
                return "id-token";
            }

            public String renewAfterRejection(String rejected) {
                return "id-token-2";
            }
        };
        return new XaaTokenFetcher("https://idp.test", () -> server.url("/idp/token").uri(),
                ClientAuthFactory.create(ClientAuthMethod.NONE, "https://idp.test", "xaa4j-idp", none),
                Map.of("notes", notes), cfg -> meta, none, idTokens,
                new IdJagExchange(Clock.systemUTC(), Duration.ofSeconds(5)), new JwtBearerGrant(Clock.systemUTC(), Duration.ofSeconds(5)),
                Runnable::run, dpop, () -> true);
    }

    static MockResponse json(String body) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
    }

    @Test
    void anIdJagBoundToOurKeyIsRedeemedWithAProofFromTheSameKeyThoughTheAsAdvertisesNoDPoP() throws Exception {
        boundTo = dpop.thumbprint();
        AccessToken token = fetcher(false).fetch("notes", Set.of()).token();

        assertThat(token.dpopBound()).isTrue();
        DPoPTesting.verify(idp.get(0).getHeaders().get("DPoP"), "POST", server.url("/idp/token").toString(), dpop.thumbprint());
        DPoPTesting.verify(as.get(0).getHeaders().get("DPoP"), "POST", server.url("/as/token").toString(), dpop.thumbprint());
    }

    @Test
    void anIdJagBoundToAnotherKeyIsRefusedAndNeverSentToTheAs() {
        boundTo = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        assertThatThrownBy(() -> fetcher(true).fetch("notes", Set.of()))
                .isInstanceOfSatisfying(ConnectorException.class,
                        e -> assertThat(e.kind()).isEqualTo(ConnectorException.Kind.CONFIGURATION))
                .hasMessageContaining("another DPoP key");
        assertThat(idp).hasSize(1);
        assertThat(as).isEmpty();
    }

    @Test
    void anUnboundIdJagGoesToAnAsWithoutDPoPAsBearer() {
        boundTo = null;
        AccessToken token = fetcher(false).fetch("notes", Set.of()).token();

        assertThat(token.dpopBound()).isFalse();
        assertThat(as.get(0).getHeaders().get("DPoP")).isNull();
        assertThat(idp.get(0).getHeaders().get("DPoP")).isNotNull(); // the IdP advertises ES256 here
    }
}
