package dev.xaa4j.bridge.proxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A reader of {@code text/event-stream} (WHATWG HTML §9.2 "Server-sent events", the parts MCP uses):
 * {@code data:} lines joined with newlines, {@code id:}, {@code event:}; a blank line dispatches; comments
 * ({@code :keep-alive}) are skipped.
 */
final class SseReader implements AutoCloseable {

    /** One dispatched event. {@code id} and {@code event} are null when absent. */
    record Event(String id, String event, String data) {
    }

    private final BufferedReader in;

    SseReader(InputStream body) {
        this.in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    /** The next event, or null at the end of the stream. */
    Event next() throws IOException {
        StringBuilder data = null;
        String id = null;
        String event = null;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null || id != null) {
                    return new Event(id, event, data == null ? "" : data.toString());
                }
                event = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "data" -> {
                    if (data == null) {
                        data = new StringBuilder(value);
                    } else {
                        data.append('\n').append(value);
                    }
                }
                case "id" -> id = value;
                case "event" -> event = value;
                default -> {
                    // "retry" and unknown fields: nothing for a proxy to do.
                }
            }
        }
        return data == null ? null : new Event(id, event, data.toString());
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
