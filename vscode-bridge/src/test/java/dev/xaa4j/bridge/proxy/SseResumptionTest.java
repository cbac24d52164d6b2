package dev.xaa4j.bridge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streamable HTTP resumability (SEP-1699; conformance {@code sse-retry}): a POST's event stream that ends before the
 * answer is resumed with a GET carrying {@code Last-Event-ID} after the server's {@code retry:}; bounded; never
 * without an event id. MockWebServer: wire-exact.
 */
@Timeout(60)
class SseResumptionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}";
    private final ObjectMapper mapper = new ObjectMapper();

    @StartStop
    private final MockWebServer server = new MockWebServer();

    private static MockResponse events(String body) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream")
                .addHeader("Mcp-Session-Id", "s-1").body(body).build();
    }

    private static MockResponse initialized() {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .addHeader("Mcp-Session-Id", "s-1").body("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"protocolVersion\":"
                        + "\"2025-11-25\",\"capabilities\":{},\"serverInfo\":{\"name\":\"m\",\"version\":\"1\"}}}").build();
    }

    /** Runs initialize then the call; returns what reached the client (answer and others). */
    private List<JsonNode> call() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).build()); // the DELETE that ends the session
        List<JsonNode> heard = new CopyOnWriteArrayList<>();
        try (UpstreamHttp http = new UpstreamHttp("s", server.url("/mcp").uri(), UpstreamAuth.none(), WAIT, mapper);
             StreamableHttpUpstream mcp = new StreamableHttpUpstream(http, new ResponseRelay(mapper, http), WAIT, heard::add)) {
            mcp.initialize((com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree("{\"jsonrpc\":\"2.0\",\"id\":1,"
                    + "\"method\":\"initialize\",\"params\":{}}"), WAIT);
            mcp.request(mapper.readTree(CALL), WAIT, () -> { }, () -> { });
        }
        return heard;
    }

    @RepeatedTest(3)
    void aPostStreamEndingBeforeTheAnswerIsResumedWithLastEventIdOnAGet() throws Exception {
        server.enqueue(initialized());
        server.enqueue(events("id: e-1\nretry: 20\ndata: \n\n"));
        server.enqueue(events("id: e-2\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n"
                + "id: e-3\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[]}}\n\n"));

        List<JsonNode> heard = call();

        assertThat(heard).extracting(m -> m.path("method").asText("answer")).containsExactly("notifications/progress", "answer");
        server.takeRequest(5, TimeUnit.SECONDS); // initialize
        assertThat(server.takeRequest(5, TimeUnit.SECONDS).getMethod()).isEqualTo("POST");
        RecordedRequest get = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(get.getMethod()).isEqualTo("GET");
        assertThat(get.getHeaders().get("Last-Event-ID")).isEqualTo("e-1");
        assertThat(get.getHeaders().get("Mcp-Session-Id")).isEqualTo("s-1");
        assertThat(get.getHeaders().get("Accept")).isEqualTo("text/event-stream");
    }

    @Test
    void aResumedStreamThatEndsAgainIsResumedAfterItsNewestEvent() throws Exception {
        server.enqueue(initialized());
        server.enqueue(events("id: e-1\nretry: 0\ndata: \n\n"));
        server.enqueue(events("id: e-2\ndata: \n\n"));
        server.enqueue(events("data: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}\n\n"));

        assertThat(call()).hasSize(1);
        server.takeRequest(5, TimeUnit.SECONDS);
        server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Last-Event-ID")).isEqualTo("e-1");
        assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Last-Event-ID")).isEqualTo("e-2");
    }

    @Test
    void resumingWithoutProgressIsBounded() throws Exception {
        server.enqueue(initialized());
        server.enqueue(events("id: e-1\nretry: 0\ndata: \n\n"));
        for (int i = 0; i < ResponseRelay.MAX_RESUMPTIONS + 3; i++) {
            server.enqueue(events(": nothing new\n\n"));
        }

        assertThat(call()).as("no answer").isEmpty();
        assertThat(methods()).filteredOn("GET"::equals).hasSize(ResponseRelay.MAX_RESUMPTIONS);
    }

    @Test
    void aStreamWithoutEventIdsIsNotResumed() throws Exception {
        server.enqueue(initialized());
        server.enqueue(events("retry: 0\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n"));

        assertThat(call()).hasSize(1);
        assertThat(methods()).containsExactly("POST", "POST");
    }

    @Test
    void aServerRefusingTheResumingGetEndsTheWaitWithoutAnswer() throws Exception {
        server.enqueue(initialized());
        server.enqueue(events("id: e-1\nretry: 0\ndata: \n\n"));
        server.enqueue(new MockResponse.Builder().code(405).build());

        assertThat(call()).isEmpty();
        assertThat(methods()).containsExactly("POST", "POST", "GET");
    }

    @Test
    void theReaderKeepsTheServersRetryDelayAndIgnoresAMalformedOne() throws Exception {
        String stream = "retry: 500\n\nretry: 5x\n\nretry:\n\ndata: d\n\n";
        try (SseReader sse = new SseReader(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)))) {
            assertThat(sse.retryMillis()).isEqualTo(-1);
            assertThat(sse.next().data()).isEqualTo("d");
            assertThat(sse.retryMillis()).isEqualTo(500);
        }
    }

    /** The methods of every request the server saw, but the DELETE that ends the session. */
    private List<String> methods() throws InterruptedException {
        List<String> methods = new java.util.ArrayList<>();
        for (int i = server.getRequestCount(); i > 0; i--) {
            methods.add(server.takeRequest(5, TimeUnit.SECONDS).getMethod());
        }
        methods.remove("DELETE");
        return methods;
    }
}
