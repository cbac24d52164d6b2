package dev.xaa4j.connector.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.IdpConfig;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.internal.dpop.DPoPTesting;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import dev.xaa4j.connector.internal.token.TokenKey;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.jetbrains.annotations.NotNull;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MCP Java SDK adapter with DPoP-bound tokens, through the SDK's real HTTP client transport against a scripted
 * server (RFC 9449 §7, §9; docs/architecture.md "DPoP"): {@code Authorization: DPoP …} and a fresh proof with
 * {@code ath} on every request; a {@code use_dpop_nonce} 401 records the nonce and replays once with it, the token
 * kept; a DPoP {@code invalid_token} 401 renews the token as before.
 */
@Timeout(60)
class McpDPoPAdapterTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @StartStop
    final MockWebServer server = new MockWebServer();

    @TempDir
    Path stateDir;

    final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger fetches = new AtomicInteger();
    final AtomicBoolean askNonceOnce = new AtomicBoolean();
    final AtomicBoolean rejectTokenOnce = new AtomicBoolean();

    Connector connector() {
        TokenFetcher fetcher = (name, extra) -> new TokenFetcher.Fetched(new AccessToken(name, "dpop-token-" + fetches.incrementAndGet(),
                "DPoP", Instant.now().plusSeconds(300), Set.of("notes.read")),
                new TokenKey("https://idp.test", "https://as.test", "https://mcp.test", "notes.read"));
        return ConnectorInternals.tokenFetcher(Connector.builder()
                .idp(new IdpConfig(URI.create("https://idp.test"), "xaa4j-test", ClientAuthMethod.NONE))
                .server(ServerConfig.of("notes", URI.create(server.url("/notes/mcp?tenant=a").toString()), "xaa4j-agent", ClientAuthMethod.NONE))
                .sessionInMemory(true).clientCredentials(ClientCredentialsSource.none())
                .idTokenSource(() -> "unused").stateDir(stateDir), fetcher)
                .build();
    }

    void script() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public @NotNull MockResponse dispatch(@NotNull RecordedRequest r) {
                requests.add(r);
                if (!"POST".equals(r.getMethod())) {
                    return new MockResponse.Builder().code(405).build();
                }
                try {
                    JsonNode msg = JSON.readTree(r.getBody().utf8());
                    String method = msg.path("method").asText();
                    if (method.equals("tools/list") && askNonceOnce.getAndSet(false)) {
                        return new MockResponse.Builder().code(401).addHeader("DPoP-Nonce", "rs-nonce-1")
                                .addHeader("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\", algs=\"ES256\"").build();
                    }
                    if (method.equals("tools/list") && rejectTokenOnce.getAndSet(false)) {
                        return new MockResponse.Builder().code(401)
                                .addHeader("WWW-Authenticate", "DPoP error=\"invalid_token\", algs=\"ES256\"").build();
                    }
                    if (!msg.has("id")) {
                        return new MockResponse.Builder().code(202).build();
                    }
                    Object result = method.equals("initialize")
                            ? Map.of("protocolVersion", msg.path("params").path("protocolVersion").asText(),
                            "capabilities", Map.of("tools", Map.of()), "serverInfo", Map.of("name", "scripted", "version", "1"))
                            : Map.of("tools", List.of());
                    String body = JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", JSON.treeToValue(msg.get("id"), Object.class), "result", result));
                    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
                } catch (Exception e) {
                    return new MockResponse.Builder().code(500).body(e.toString()).build();
                }
            }
        });
    }

    /** The proof of {@code r}, checked against the connector's key, the request and the token it came with. */
    static JWTClaimsSet proofOf(RecordedRequest r, String jkt, String htu) throws Exception {
        String auth = r.getHeaders().get("Authorization");
        assertThat(auth).startsWith("DPoP dpop-token-");
        assertThat(r.getHeaders().values("DPoP")).hasSize(1);
        JWTClaimsSet claims = DPoPTesting.verify(r.getHeaders().get("DPoP"), r.getMethod(), htu, jkt);
        assertThat(claims.getStringClaim("ath")).isEqualTo(DPoPTesting.ath(auth.substring("DPoP ".length())));
        return claims;
    }

    String jkt(Connector connector) throws Exception {
        String proof = connector.dpopProof(connector.token("notes"), "GET", URI.create("https://x.test/"), java.util.Optional.empty()).orElseThrow();
        return SignedJWT.parse(proof).getHeader().getJWK().computeThumbprint().toString();
    }

    /** The SDK's sync client over {@link McpTransports#streamableHttp(Connector, String)}, initialized. */
    McpSyncClient client(Connector connector) {
        script();
        McpSyncClient client = McpClient.sync(McpTransports.streamableHttp(connector, "notes"))
                .requestTimeout(Duration.ofSeconds(10)).build();
        client.initialize();
        return client;
    }

    String htu() {
        return server.url("/notes/mcp").toString();
    }

    @Test
    void everyRequestCarriesTheDPoPSchemeAndAFreshProofForItsMethodAndEndpoint() throws Exception {
        try (Connector connector = connector(); McpSyncClient client = client(connector)) {
            client.listTools();
            String jkt = jkt(connector);
            List<RecordedRequest> posts = requests.stream().filter(r -> r.getMethod().equals("POST")).toList();
            assertThat(posts).hasSizeGreaterThanOrEqualTo(3);
            Set<String> jtis = new java.util.HashSet<>();
            for (RecordedRequest r : posts) {
                jtis.add(proofOf(r, jkt, htu()).getJWTID());
            }
            assertThat(jtis).hasSize(posts.size());
        }
        assertThat(fetches).hasValue(1);
    }

    @Test
    void aUseDPoPNonceChallengeIsReplayedOnceWithTheNonceAndTheSameToken() throws Exception {
        try (Connector connector = connector(); McpSyncClient client = client(connector)) {
            askNonceOnce.set(true);
            int before = requests.size();
            client.listTools();
            String jkt = jkt(connector);
            List<RecordedRequest> lists = requests.subList(before, requests.size()).stream()
                    .filter(r -> r.getBody() != null && r.getBody().utf8().contains("tools/list")).toList(); // a GET has none
            assertThat(lists).hasSize(2);
            assertThat(proofOf(lists.get(0), jkt, htu()).getClaim("nonce")).isNull();
            assertThat(proofOf(lists.get(1), jkt, htu()).getStringClaim("nonce")).isEqualTo("rs-nonce-1");
            assertThat(lists.get(1).getHeaders().get("Authorization")).isEqualTo(lists.get(0).getHeaders().get("Authorization"));
        }
        assertThat(fetches).hasValue(1); // not a re-authorization
    }

    @Test
    void aDPoPInvalidTokenChallengeRenewsTheToken() throws Exception {
        try (Connector connector = connector(); McpSyncClient client = client(connector)) {
            rejectTokenOnce.set(true);
            client.listTools();
        }
        assertThat(fetches).hasValue(2);
        assertThat(requests.get(requests.size() - 1).getHeaders().get("Authorization")).isEqualTo("DPoP dpop-token-2");
    }
}
