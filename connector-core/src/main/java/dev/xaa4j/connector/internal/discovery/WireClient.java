package dev.xaa4j.connector.internal.discovery;

import dev.xaa4j.connector.internal.ProtocolNames;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.Sentences;
import dev.xaa4j.connector.internal.http.Network;
import dev.xaa4j.connector.internal.http.UnreachableException;
import dev.xaa4j.connector.internal.http.NimbusHttp;
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
 * transient failures ({@link ConnectorException.Kind#UPSTREAM_UNAVAILABLE}: unreachable, timeout, 5xx, a non-JSON page) and
 * answers that are wrong ({@link ConnectorException.Kind#CONFIGURATION}). Proxy and TLS trust come from {@link Network}. Discovery carries no tokens, so URLs may be logged.
 */
final class WireClient {
    private static final Logger LOG = LoggerFactory.getLogger(WireClient.class);

    private final int timeoutMillis;
    private final Network network;

    WireClient(Duration timeout, Network network) {
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        this.network = network;
    }

    /** @param what a lower-case noun phrase naming the peer ("the identity provider"), used inside sentences */
    HTTPResponse send(HTTPRequest request, String what) {
        LOG.debug("{} {} ({})", request.getMethod(), request.getURI(), what);
        try {
            HTTPResponse response = NimbusHttp.send(request, timeoutMillis, network != null ? network : Network.system());
            if (response.getStatusCode() >= 500) {
                throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, Sentences.start(what) + " at " + request.getURI() + " is unavailable (HTTP "
                        + response.getStatusCode() + "). Try again in a moment.");
            }
            return response;
        } catch (SocketTimeoutException e) {
            throw new UnreachableException(Sentences.start(what) + " at " + request.getURI() + " did not answer within "
                    + timeoutMillis + " ms. Check your network or VPN and try again.", e);
        } catch (javax.net.ssl.SSLHandshakeException e) {
            throw new UnreachableException(Sentences.start(what) + " at " + request.getURI() + " presented a TLS certificate "
                    + "that is not trusted or does not match the host (" + e.getMessage() + "). If your company uses "
                    + "its own certificate authority, set " + Network.CA_BUNDLE + " to a PEM file holding it.", e);
        } catch (IOException e) {
            throw new UnreachableException("Cannot reach " + what + " at " + request.getURI() + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + "). Check your network or VPN and try again.", e);
        }
    }

    /**
     * A metadata document fetched from one well-known location, or the 4xx status that says it is not there.
     *
     * @param json   the document, or {@code null} when the location answered a 4xx
     * @param status the HTTP status (200 when found)
     */
    record Lookup(URI url, Map<String, Object> json, int status) {
        boolean found() {
            return json != null;
        }

        /** {@code "URL (HTTP 403)"}, for messages. */
        String describe() {
            return url + " (HTTP " + status + ")";
        }
    }

    /**
     * GET a JSON metadata document. Any 4xx means "not at this location": the caller tries the next one, as
     * RFC 9728 §3.1 and the MCP authorization spec ("Protected Resource Metadata Discovery", "Authorization
     * Server Metadata Discovery") order clients to do when a path-aware URL fails, and real gateways answer
     * 401 or 403 (not 404) for paths they do not route. A 5xx, a timeout or a refused connection is an error,
     * never "absent" ({@link ConnectorException.Kind#UPSTREAM_UNAVAILABLE} from {@link #send}); any other non-200 status is a
     * {@link ConnectorException.Kind#CONFIGURATION} naming the URL and status.
     */
    Lookup lookup(URI url, String what) {
        HTTPRequest req = new HTTPRequest(HTTPRequest.Method.GET, url);
        req.setAccept(ProtocolNames.APPLICATION_JSON);
        HTTPResponse resp = send(req, what);
        int status = resp.getStatusCode();
        if (status >= 400 && status < 500) {
            LOG.debug("{} not at {} (HTTP {})", what, url, status);
            return new Lookup(url, null, status);
        }
        if (status != 200) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, Sentences.start(what) + " at " + url + " answered HTTP " + status
                    + " instead of a metadata document. Check the URL with the server's administrator.");
        }
        return new Lookup(url, json(resp, url, what), status);
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
        throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, Sentences.start(what) + " at " + url + " answered with something that is not JSON"
                + (type == null ? "" : " (" + type + ")") + ", e.g. a proxy or captive-portal page. Check that you "
                + "are online (log in to the network if asked) and try again.");
    }
}
