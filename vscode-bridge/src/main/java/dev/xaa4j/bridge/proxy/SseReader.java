package dev.xaa4j.bridge.proxy;

import java.io.IOException;
import java.io.InputStream;

/**
 * A reader of {@code text/event-stream} (WHATWG HTML §9.2 "Server-sent events", the parts MCP uses):
 * {@code data:} lines joined with newlines, {@code id:}, {@code event:}; a blank line dispatches; comments
 * ({@code :keep-alive}) are skipped. Lines end with CRLF, LF or CR (§9.2.5). An event whose data is over
 * {@link MessageLimit} is read to its end without being kept and reported by {@link MessageTooLargeException};
 * the stream goes on with the next event. The last {@code retry:} (the server's reconnection time in
 * milliseconds, §9.2.6; digits only) is kept for {@link #retryMillis}. Not thread-safe.
 */
final class SseReader implements AutoCloseable {

    /** One dispatched event. {@code id} and {@code event} are null when absent. */
    record Event(String id, String event, String data) {
    }

    private final InputStream body;
    private final LineReader in;
    private final int max;
    private long retryMillis = -1;

    SseReader(InputStream body) {
        this(body, MessageLimit.MAX_BYTES);
    }

    /** With a limit of {@code maxDataBytes} per event. */
    SseReader(InputStream body, int maxDataBytes) {
        this.body = body;
        this.max = maxDataBytes;
        this.in = new LineReader(body, maxDataBytes, 8192, true);
    }

    /**
     * The next event, or null at the end of the stream.
     *
     * @throws MessageTooLargeException an event's data was over the limit (it is skipped; call again)
     */
    Event next() throws IOException {
        String first = null;
        StringBuilder more = null;
        long size = 0;
        boolean tooLarge = false;
        String id = null;
        String event = null;
        LineReader.Line l;
        while ((l = in.next()) != null) {
            String line = l.tooLong() ? l.head() : l.text();
            if (line.isEmpty()) {
                if (tooLarge) {
                    throw new MessageTooLargeException("an event from the MCP server");
                }
                if (first != null || id != null) {
                    return new Event(id, event, data(first, more));
                }
                event = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            int start = colon < 0 ? line.length() : colon + 1;
            if (start < line.length() && line.charAt(start) == ' ') {
                start++;
            }
            String value = line.substring(start); // one copy, even of a big data line
            switch (field) {
                case "data" -> {
                    size += (first == null ? 0 : 1) + (l.tooLong() ? (long) max + 1 : value.length());
                    if (tooLarge || size > max) {
                        tooLarge = true;
                        first = null;
                        more = null;
                    } else if (first == null) {
                        first = value; // one data line, the usual case, is not copied again
                    } else {
                        if (more == null) {
                            more = new StringBuilder(first);
                        }
                        more.append('\n').append(value);
                    }
                }
                case "id" -> id = value;
                case "event" -> event = value;
                case "retry" -> {
                    if (!value.isEmpty() && value.length() < 10 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                        retryMillis = Long.parseLong(value);
                    }
                }
                default -> {
                    // unknown fields are ignored (§9.2.6)
                }
            }
        }
        if (tooLarge) {
            throw new MessageTooLargeException("an event from the MCP server");
        }
        return first == null ? null : new Event(id, event, data(first, more));
    }

    /** The reconnection time the server set with {@code retry:} (milliseconds), or -1 when it set none. */
    long retryMillis() {
        return retryMillis;
    }

    private static String data(String first, StringBuilder more) {
        return more != null ? more.toString() : first == null ? "" : first;
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
