package dev.xaa4j.connector.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/** A MockWebServer dispatcher answering by "METHOD /path" (404 otherwise) and recording what was asked. */
public final class Routes extends Dispatcher {
    private final Map<String, Function<RecordedRequest, MockResponse>> routes = new ConcurrentHashMap<>();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

    public Routes on(String methodAndPath, MockResponse response) {
        routes.put(methodAndPath, r -> response);
        return this;
    }

    public Routes on(String methodAndPath, Function<RecordedRequest, MockResponse> handler) {
        routes.put(methodAndPath, handler);
        return this;
    }

    public static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String key = request.getMethod() + " " + request.getUrl().encodedPath();
        seen.add(key);
        requests.add(request);
        Function<RecordedRequest, MockResponse> h = routes.get(key);
        return h == null ? new MockResponse.Builder().code(404).body("not found").build() : h.apply(request);
    }

    /** "METHOD /path" of every request so far, in order. */
    public List<String> seen() {
        return List.copyOf(seen);
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public long count(String methodAndPath) {
        return seen.stream().filter(methodAndPath::equals).count();
    }
}
