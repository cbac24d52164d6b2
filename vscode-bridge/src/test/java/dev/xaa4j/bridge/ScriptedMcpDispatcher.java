package dev.xaa4j.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A {@link mockwebserver3.MockWebServer} MCP server scripted per JSON-RPC method: GET (the event stream) answers
 * 405 and DELETE 200; every POST is passed to {@code posts} first; an unreadable body answers 400 and a
 * notification 202; any other request gets {@code byMethod}'s answer for its method, or, where that is
 * {@code null}, {@code otherwise}'s for its method and parsed body.
 */
final class ScriptedMcpDispatcher extends Dispatcher {

    private final Function<String, MockResponse> byMethod;
    private final BiFunction<String, JsonNode, MockResponse> otherwise;
    private final Consumer<RecordedRequest> posts;

    ScriptedMcpDispatcher(Function<String, MockResponse> byMethod, BiFunction<String, JsonNode, MockResponse> otherwise,
                          Consumer<RecordedRequest> posts) {
        this.byMethod = byMethod;
        this.otherwise = otherwise;
        this.posts = posts;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if (!"POST".equals(request.getMethod())) {
            return new MockResponse.Builder().code("DELETE".equals(request.getMethod()) ? 200 : 405).build();
        }
        posts.accept(request);
        JsonNode body;
        try {
            body = BridgeHarness.JSON.readTree(request.getBody().utf8());
        } catch (Exception e) {
            return new MockResponse.Builder().code(400).build();
        }
        String method = body.path("method").asText();
        if (method.startsWith("notifications/")) {
            return new MockResponse.Builder().code(202).build();
        }
        MockResponse scripted = byMethod.apply(method);
        return scripted != null ? scripted : otherwise.apply(method, body);
    }
}
