package dev.xaa4j.connector.discovery;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import dev.xaa4j.connector.DiscoveryException;
import dev.xaa4j.connector.UpstreamUnavailableException;
import dev.xaa4j.connector.http.NimbusHttp;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP for discovery with Nimbus {@link HTTPRequest}: bounded connect/read timeouts, and the split between
 * transient failures ({@link UpstreamUnavailableException}: unreachable, timeout, 5xx, a non-JSON page) and
 * answers that are wrong ({@link DiscoveryException}). Discovery carries no tokens, so URLs may be logged.
 */
final class WireClient {
    private static final Logger LOG = LoggerFactory.getLogger(WireClient.class);

    private final int timeoutMillis;

    WireClient(Duration timeout) {
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    }

    HTTPResponse send(HTTPRequest request, String what) {
        request.setConnectTimeout(timeoutMillis);
        request.setReadTimeout(timeoutMillis);
        LOG.debug("{} {} ({})", request.getMethod(), request.getURI(), what);
        try {
            HTTPResponse response = NimbusHttp.send(request);
            if (response.getStatusCode() >= 500) {
                throw new UpstreamUnavailableException(what + " at " + request.getURI() + " is unavailable (HTTP "
                        + response.getStatusCode() + "). Try again in a moment.");
            }
            return response;
        } catch (SocketTimeoutException e) {
            throw new UpstreamUnavailableException(what + " at " + request.getURI() + " did not answer within "
                    + timeoutMillis + " ms. Check your network or VPN and try again.", e);
        } catch (IOException e) {
            throw new UpstreamUnavailableException("Cannot reach " + what + " at " + request.getURI() + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + "). Check your network or VPN and try again.", e);
        }
    }

    /** GET a JSON document; {@code null} when the server answers 404 (try the next location). */
    Map<String, Object> getJsonOrNullIfNotFound(URI url, String what) {
        HTTPRequest req = new HTTPRequest(HTTPRequest.Method.GET, url);
        req.setAccept("application/json");
        HTTPResponse resp = send(req, what);
        if (resp.getStatusCode() == 404 || resp.getStatusCode() == 410) {
            return null;
        }
        if (resp.getStatusCode() != 200) {
            throw new DiscoveryException(what + " at " + url + " answered HTTP " + resp.getStatusCode()
                    + " instead of a metadata document. Check the URL with the server's administrator.");
        }
        return json(resp, url, what);
    }

    static Map<String, Object> json(HTTPResponse resp, URI url, String what) {
        String body = resp.getBody();
        try {
            if (body != null && !body.isBlank()) {
                return JSONObjectUtils.parse(body);
            }
        } catch (ParseException notJson) {
            // below
        }
        String type = resp.getHeaderValue("Content-Type");
        throw new UpstreamUnavailableException(what + " at " + url + " answered with something that is not JSON"
                + (type == null ? "" : " (" + type + ")") + ", e.g. a proxy or captive-portal page. Check that you "
                + "are online (log in to the network if asked) and try again.");
    }
}
