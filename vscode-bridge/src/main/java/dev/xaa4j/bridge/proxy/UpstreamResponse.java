package dev.xaa4j.bridge.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.EofSensorInputStream;

/**
 * One HTTP response of the MCP server, open until its body is read to the end ({@link #discard}) or its
 * connection dropped ({@link #abort}). Reading the body to its end hands the connection back for the next
 * request; an event stream that may never end must be aborted, not drained.
 */
final class UpstreamResponse {

    private final HttpUriRequestBase request;
    private final ClassicHttpResponse response;
    private InputStream body;

    UpstreamResponse(HttpUriRequestBase request, ClassicHttpResponse response) {
        this.request = request;
        this.response = response;
    }

    int status() {
        return response.getCode();
    }

    /** The first value of header {@code name}. */
    Optional<String> header(String name) {
        Header h = response.getFirstHeader(name);
        return h == null ? Optional.empty() : Optional.ofNullable(h.getValue());
    }

    /** Every value of header {@code name}, one per header field, in order (RFC 9110 §5.3). */
    java.util.List<String> headers(String name) {
        return java.util.Arrays.stream(response.getHeaders(name)).map(Header::getValue).toList();
    }

    /** The media type, lower case, without parameters ("" when absent). */
    String contentType() {
        String type = header("Content-Type").orElse("");
        int semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    /** The body, read once (empty when the response has none). */
    synchronized InputStream body() throws IOException {
        if (body == null) {
            HttpEntity entity = response.getEntity();
            body = entity == null ? InputStream.nullInputStream() : entity.getContent();
        }
        return body;
    }

    /**
     * Reads what is left of a finished exchange so its connection carries the next request; on a read failure
     * the connection is dropped instead. Blocks at most the exchange's socket timeout.
     */
    void discard() {
        try {
            body().transferTo(java.io.OutputStream.nullOutputStream());
            response.close(); // a no-op once the body ended: the connection is back in the pool
        } catch (IOException | RuntimeException e) {
            abort();
        }
    }

    /** Drops the connection at once (an event stream, a shutdown): a blocked reader gets an IOException. */
    void abort() {
        try {
            InputStream in;
            synchronized (this) {
                in = body;
            }
            if (in instanceof EofSensorInputStream sensor) {
                sensor.abort();
            }
        } catch (IOException | RuntimeException ignored) {
            // dropping the connection anyway
        } finally {
            request.cancel();
        }
    }
}
