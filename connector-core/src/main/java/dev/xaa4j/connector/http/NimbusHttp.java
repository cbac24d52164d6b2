package dev.xaa4j.connector.http;

import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import java.io.IOException;

/**
 * Sends a Nimbus {@link HTTPRequest} so that every failure of the exchange is an {@link IOException}: the JDK's
 * {@code HttpURLConnection} under it throws {@link IllegalArgumentException} for some malformed responses (a
 * {@code WWW-Authenticate} it cannot split), which becomes a {@link MalformedHttpResponseException}. Blocking,
 * on the calling thread, with the request's own timeouts; stateless and thread-safe.
 */
public final class NimbusHttp {

    private NimbusHttp() {
    }

    /** @throws IOException the server could not be reached, timed out, or answered something unreadable */
    public static HTTPResponse send(HTTPRequest request) throws IOException {
        try {
            return request.send();
        } catch (IllegalArgumentException malformed) {
            throw new MalformedHttpResponseException("unreadable HTTP response from " + request.getURI() + " ("
                    + malformed.getMessage() + ")", malformed);
        }
    }
}
