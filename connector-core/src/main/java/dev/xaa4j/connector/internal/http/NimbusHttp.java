package dev.xaa4j.connector.internal.http;

import dev.xaa4j.connector.internal.ProtocolNames;
import com.nimbusds.oauth2.sdk.Request;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import java.io.IOException;
import java.time.Duration;

/**
 * Sends a Nimbus {@link HTTPRequest} so that every failure of the exchange is an {@link IOException}: the JDK's
 * {@code HttpURLConnection} under it throws {@link IllegalArgumentException} for some malformed responses (a
 * {@code WWW-Authenticate} it cannot split), which becomes a {@link MalformedHttpResponseException}. Blocking,
 * on the calling thread, with the request's own timeouts; stateless and thread-safe.
 */
public final class NimbusHttp {

    private NimbusHttp() {
    }

    /**
     * Sends an OAuth {@code request} (a token or revocation request) that accepts a JSON answer, as
     * {@link #send(HTTPRequest, Duration)} does.
     *
     * @throws IOException the server could not be reached, timed out, or answered something unreadable
     */
    public static HTTPResponse sendForJson(Request request, Duration timeout) throws IOException {
        HTTPRequest http = request.toHTTPRequest();
        http.setAccept(ProtocolNames.APPLICATION_JSON);
        return send(http, timeout);
    }

    /**
     * Sets {@code request}'s connect and read timeouts to {@code timeout} (in milliseconds, at most
     * {@link Integer#MAX_VALUE}), applies {@link Network#system()}'s proxy and trust, then {@link #send(HTTPRequest)}s it.
     *
     * @throws IOException the server could not be reached, timed out, or answered something unreadable
     */
    public static HTTPResponse send(HTTPRequest request, Duration timeout) throws IOException {
        return send(request, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()), Network.system());
    }

    /**
     * Sets {@code request}'s connect and read timeouts to {@code timeoutMillis}, applies {@code network}'s proxy and
     * trust, then {@link #send(HTTPRequest)}s it.
     *
     * @throws IOException the server could not be reached, timed out, or answered something unreadable
     */
    public static HTTPResponse send(HTTPRequest request, int timeoutMillis, Network network) throws IOException {
        request.setConnectTimeout(timeoutMillis);
        request.setReadTimeout(timeoutMillis);
        network.configure(request);
        return send(request);
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
