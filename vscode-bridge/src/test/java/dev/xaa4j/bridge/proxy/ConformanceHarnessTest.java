package dev.xaa4j.bridge.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The conformance harness's own parts (connector-core/conformance/run.sh runs the whole suite): the 2026-07-28
 * stateless wire of {@link StatelessMcp} on the bridge's {@link UpstreamHttp} — headers and {@code _meta} on every
 * POST, replays included — and the {@link HeadlessBrowser}'s redirect following. MockWebServer: wire-exact.
 */
@Timeout(60)
class ConformanceHarnessTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final ObjectMapper mapper = new ObjectMapper();

    @StartStop
    private final MockWebServer server = new MockWebServer();

    @Test
    void statelessToolsCallCarriesVersionMethodAndNameOnEveryPostAndRidesTheBridgesRenewalAndStepUp() throws Exception {
        ScriptedAuth auth = new ScriptedAuth();
        server.enqueue(new MockResponse.Builder().code(401)
                .addHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"").build());
        server.enqueue(new MockResponse.Builder().code(403)
                .addHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"mcp:write\"").build());
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[]}}").build());
        ObjectNode params = mapper.createObjectNode().put("name", "test-tool");
        params.putObject("arguments");

        try (UpstreamHttp http = new UpstreamHttp("s", server.url("/mcp").uri(), auth, WAIT, mapper)) {
            JsonNode answer = stateless(http).call("tools/call", params, WAIT);
            assertThat(answer.has("result")).isTrue();
        }

        List<String> authorizations = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 3; i++) {
            RecordedRequest post = server.takeRequest(5, TimeUnit.SECONDS);
            assertThat(post).isNotNull();
            authorizations.add(post.getHeaders().get("Authorization"));
            assertThat(post.getHeaders().get("MCP-Protocol-Version")).isEqualTo("2026-07-28");
            assertThat(post.getHeaders().get("Mcp-Method")).isEqualTo("tools/call");
            assertThat(post.getHeaders().get("Mcp-Name")).isEqualTo("test-tool");
            JsonNode meta = mapper.readTree(post.getBody().utf8()).path("params").path("_meta");
            assertThat(meta.path("io.modelcontextprotocol/protocolVersion").asText()).isEqualTo("2026-07-28");
            assertThat(meta.path("io.modelcontextprotocol/clientCapabilities").isObject()).isTrue();
            assertThat(meta.path("io.modelcontextprotocol/clientInfo").path("name").asText()).isEqualTo("xaa4j-conformance");
        }
        assertThat(authorizations).containsExactly("Bearer t1", "Bearer t2", "Bearer t3");
        assertThat(auth.unauthorized).hasSize(1);
        assertThat(auth.stepUps).containsExactly("mcp:write");
    }

    @Test
    void statelessListCarriesNoNameHeader() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}").build());
        try (UpstreamHttp http = new UpstreamHttp("s", server.url("/mcp").uri(), new ScriptedAuth(), WAIT, mapper)) {
            assertThat(stateless(http).call("tools/list", null, WAIT).path("result").has("tools")).isTrue();
        }
        RecordedRequest post = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(post.getHeaders().get("Mcp-Method")).isEqualTo("tools/list");
        assertThat(post.getHeaders().get("Mcp-Name")).isNull();
        assertThat(mapper.readTree(post.getBody().utf8()).has("id")).isTrue();
    }

    @Test
    void theHeadlessBrowserFollowsTheAuthorizationServersRedirectToTheLoopbackCallbackOnce() throws Exception {
        server.enqueue(new MockResponse.Builder().code(302)
                .addHeader("Location", server.url("/callback?code=c&state=s&iss=x").toString()).build());
        server.enqueue(new MockResponse.Builder().code(200).body("signed in").build());

        new HeadlessBrowser().open(server.url("/authorize?client_id=x").uri());

        assertThat(server.takeRequest(5, TimeUnit.SECONDS).getTarget()).isEqualTo("/authorize?client_id=x");
        assertThat(server.takeRequest(5, TimeUnit.SECONDS).getTarget()).isEqualTo("/callback?code=c&state=s&iss=x");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void anAuthorizationEndpointThatDoesNotRedirectFailsTheSignInWithItsStatus() {
        server.enqueue(new MockResponse.Builder().code(400).body("bad request").build());

        assertThatThrownBy(() -> new HeadlessBrowser().open(server.url("/authorize?state=s3cr3t-state&code_challenge=s3cr3t-cc").uri()))
                .isInstanceOf(IOException.class).hasMessageContaining("HTTP 400")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t")); // the request's values stay out of errors
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    private StatelessMcp stateless(UpstreamHttp http) {
        return new StatelessMcp(http, mapper, mapper.createObjectNode(),
                mapper.createObjectNode().put("name", "xaa4j-conformance").put("version", "1"), m -> { });
    }

    /** Tokens t1, t2, … : a new one after every 401 and every granted step-up (as a TokenSource would). */
    private static final class ScriptedAuth implements UpstreamAuth {
        final List<String> unauthorized = new CopyOnWriteArrayList<>();
        final List<String> stepUps = new CopyOnWriteArrayList<>();
        private volatile int token = 1;

        @Override
        public Optional<String> authorization(String server) {
            return Optional.of("Bearer t" + token);
        }

        @Override
        public void unauthorized(String server) {
            unauthorized.add(server);
            token++;
        }

        @Override
        public boolean stepUp(String server, String scope) {
            stepUps.add(scope);
            token++;
            return true;
        }
    }
}
