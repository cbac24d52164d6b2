package dev.xaa4j.connector.internal.http;

import java.io.IOException;

/**
 * An HTTP response the JDK's HTTP client could not read (e.g. a malformed {@code WWW-Authenticate} header on a
 * 401, RFC 9110 §11.6.1): an I/O failure of the exchange, reported like an unreachable server.
 */
public final class MalformedHttpResponseException extends IOException {

    private static final long serialVersionUID = 1L;

    public MalformedHttpResponseException(String message, Throwable cause) {
        super(message, cause);
    }
}
