package dev.xaa4j.connector.mcp;

import dev.xaa4j.connector.internal.ConnectorInternals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.IdpConfig;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import dev.xaa4j.connector.internal.token.TokenKey;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.jetbrains.annotations.NotNull;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MCP Java SDK adapter against a scripted Streamable HTTP server: a bearer token on every request, 401 →
 * drop + renew + replay once, 403 insufficient_scope → step-up + replay once (docs/protocol.md §1 step 4, §5).
 */
@org.junit.jupiter.api.Timeout(60)
class McpAdapterTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @StartStop
    final MockWebServer server = new MockWebServer();

    @TempDir
    Path stateDir;

    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final AtomicInteger fetches = new AtomicInteger();
    final AtomicReference<String> rejectOnce = new AtomicReference<>();
    volatile String requiredScope;
    /** A Basic challenge in a first WWW-Authenticate field and the Bearer one, unquoted, in a second. */
    volatile boolean basicChallengeFirst;

    Connector connector() {
        TokenFetcher fetcher = (name, extra) -> {
            int n = fetches.incrementAndGet();
            Set<String> scopes = new TreeSet<>(List.of("notes.read"));
            scopes.addAll(extra);
            return new TokenFetcher.Fetched(new AccessToken(name, "token-" + n, "Bearer", Instant.now().plusSeconds(300), scopes),
                    new TokenKey("https://idp.test", "https://as.test", "https://mcp.test", String.join(" ", scopes)));
        };
        return ConnectorInternals.tokenFetcher(Connector.builder()
                .idp(new IdpConfig(URI.create("https://idp.test"), "xaa4j-test", ClientAuthMethod.NONE))
                .server(ServerConfig.of("notes", URI.create(server.url("/notes/mcp").toString()), "xaa4j-agent", ClientAuthMethod.NONE))
                .sessionInMemory(true).clientCredentials(ClientCredentialsSource.none())
                .idTokenSource(() -> "unused").stateDir(stateDir), fetcher)
                .build();
    }

    void scriptMcpServer() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public @NotNull MockResponse dispatch(@NotNull RecordedRequest r) {
                String auth = r.getHeaders().get("Authorization");
                authorizations.add(r.getMethod() + " " + auth);
                if (auth != null && auth.equals(rejectOnce.get())) {
                    rejectOnce.set(null);
                    return new MockResponse.Builder().code(401).addHeader("WWW-Authenticate",
                            "Bearer error=\"invalid_token\", resource_metadata=\"" + server.url("/.well-known/oauth-protected-resource/notes/mcp") + "\"").build();
                }
                if (!"POST".equals(r.getMethod())) {
                    return new MockResponse.Builder().code(405).build();
                }
                try {
                    JsonNode msg = JSON.readTree(r.getBody().utf8());
                    String method = msg.path("method").asText();
                    if (!msg.has("id")) {
                        return new MockResponse.Builder().code(202).build();
                    }
                    Object result;
                    if (method.equals("initialize")) {
                        result = Map.of("protocolVersion", msg.path("params").path("protocolVersion").asText(),
                                "capabilities", Map.of("tools", Map.of()), "serverInfo", Map.of("name", "scripted", "version", "1"));
                    } else if (method.equals("tools/call")) {
                        String scope = requiredScope;
                        if (scope != null && !fetchedScopesInclude(auth, scope) && basicChallengeFirst) {
                            return new MockResponse.Builder().code(403).addHeader("WWW-Authenticate", "Basic realm=\"corp\"")
                                    .addHeader("WWW-Authenticate", "Bearer error=insufficient_scope, scope = \"notes.read " + scope + "\"").build();
                        }
                        if (scope != null && !fetchedScopesInclude(auth, scope)) {
                            return new MockResponse.Builder().code(403).addHeader("WWW-Authenticate",
                                    "Bearer error=\"insufficient_scope\", scope=\"notes.read " + scope + "\"").build();
                        }
                        result = Map.of("content", List.of(Map.of("type", "text", "text", "hello alice")), "isError", false);
                    } else {
                        result = Map.of("tools", List.of());
                    }
                    String body = JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", JSON.treeToValue(msg.get("id"), Object.class), "result", result));
                    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
                } catch (Exception e) {
                    return new MockResponse.Builder().code(500).body(e.toString()).build();
                }
            }
        });
    }

    final Map<String, Set<String>> scopesByToken = new java.util.concurrent.ConcurrentHashMap<>();

    boolean fetchedScopesInclude(String authorization, String scope) {
        return scopesByToken.getOrDefault(authorization, Set.of()).contains(scope);
    }

    @Test
    void anUnknownServerNameIsAConfigurationFailureNamingIt() {
        try (Connector connector = connector()) {
            assertThatThrownBy(() -> McpTransports.streamableHttp(connector, "wiki"))
                    .isExactlyInstanceOf(ConnectorException.class)
                    .hasMessageContaining("'wiki'")
                    .satisfies(e -> {
                        ConnectorException c = (ConnectorException) e;
                        assertThat(c.kind()).isEqualTo(ConnectorException.Kind.CONFIGURATION);
                        assertThat(c.server()).contains("wiki");
                    });
        }
    }

    @Test
    void everyRequestCarriesTheCurrentBearerToken() {
        scriptMcpServer();
        try (Connector connector = connector();
             McpSyncClient client = McpClient.sync(McpTransports.streamableHttp(connector, "notes"))
                     .requestTimeout(Duration.ofSeconds(10)).build()) {
            client.initialize();
            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("whoami", Map.of()));
            assertThat(((McpSchema.TextContent) result.content().get(0)).text()).isEqualTo("hello alice");
        }
        assertThat(authorizations).isNotEmpty().allSatisfy(a -> assertThat(a).endsWith("Bearer token-1"));
        assertThat(fetches).hasValue(1);
    }

    @Test
    void unauthorizedDropsTheTokenRenewsAndReplaysOnce() {
        scriptMcpServer();
        rejectOnce.set("Bearer token-1");
        try (Connector connector = connector();
             McpSyncClient client = McpClient.sync(McpTransports.streamableHttp(connector, "notes"))
                     .requestTimeout(Duration.ofSeconds(10)).build()) {
            client.initialize();
            client.listTools();
        }
        assertThat(authorizations.get(0)).isEqualTo("POST Bearer token-1");
        assertThat(authorizations.get(1)).isEqualTo("POST Bearer token-2");
        assertThat(authorizations.subList(1, authorizations.size())).allSatisfy(a -> assertThat(a).endsWith("token-2"));
        assertThat(fetches).hasValue(2);
    }

    @Test
    void insufficientScopeStepsUpWithTheUnionOfScopesAndReplaysOnce() {
        scriptMcpServer();
        requiredScope = "notes.write";
        try (Connector connector = connector()) {
            connector.addListener(e -> { });
            writeNoteSteppingUp(connector);
        }
        assertThat(fetches).hasValue(2);
    }

    @Test
    void stepsUpWithAnUnquotedBearerChallengeInASecondHeaderField() {
        scriptMcpServer();
        requiredScope = "notes.write";
        basicChallengeFirst = true;
        try (Connector connector = connector()) {
            writeNoteSteppingUp(connector);
        }
        assertThat(fetches).hasValue(2);
    }

    /** Calls write_note through the SDK client (which needs notes.write) and finds the token stepped up to it. */
    private void writeNoteSteppingUp(Connector connector) {
        // remember which scopes each token value carries, for the scripted server
        TokenWatcher watcher = new TokenWatcher(connector);
        try (McpSyncClient client = McpClient.sync(McpTransports.streamableHttpBuilder(connector, "notes")
                        .addHttpRequestCustomizer((b, m, u, body, ctx) -> watcher.record()).build())
                .requestTimeout(Duration.ofSeconds(10)).build()) {
            client.initialize();
            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("write_note", Map.of()));
            assertThat(((McpSchema.TextContent) result.content().get(0)).text()).isEqualTo("hello alice");
            assertThat(connector.token("notes").scopes()).containsExactlyInAnyOrder("notes.read", "notes.write");
        }
    }

    /** Tells the scripted server which scopes the connector's current token has. */
    final class TokenWatcher {
        final Connector connector;

        TokenWatcher(Connector connector) {
            this.connector = connector;
        }

        void record() {
            connector.cachedToken("notes").ifPresent(t -> scopesByToken.put(t.authorizationHeader(), t.scopes()));
        }
    }
}
