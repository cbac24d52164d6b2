package dev.xaa4j.connector.internal.signin;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.http.Network;
import dev.xaa4j.connector.internal.http.UnreachableException;
import dev.xaa4j.connector.internal.http.NimbusHttp;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The IdP's JWKS, fetched on first use and re-fetched once when a token names a key we do not have (key
 * rotation, docs/protocol.md §3.1), at most once per {@code minRefetchInterval} so forged {@code kid}s cannot
 * make us hammer the IdP. Also re-fetched when older than {@code maxAge}.
 */
final class JwksSource implements JWKSource<SecurityContext> {

    private final URI jwksUri;
    private final Clock clock;
    private final int timeoutMillis;
    private final Duration minRefetchInterval;
    private final Duration maxAge;
    private JWKSet keys; // guarded by this
    private Instant fetchedAt = Instant.MIN;

    JwksSource(URI jwksUri, Clock clock, Duration httpTimeout, Duration minRefetchInterval, Duration maxAge) {
        this.jwksUri = jwksUri;
        this.clock = clock;
        this.timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, httpTimeout.toMillis()));
        this.minRefetchInterval = minRefetchInterval;
        this.maxAge = maxAge;
    }

    @Override
    public synchronized List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        Instant now = clock.instant();
        if (keys == null || fetchedAt.plus(maxAge).isBefore(now)) {
            fetch(now);
            return selector.select(keys);
        }
        List<JWK> found = selector.select(keys);
        if (found.isEmpty() && !fetchedAt.plus(minRefetchInterval).isAfter(now)) {
            fetch(now); // unknown kid: the IdP may have rotated its keys
            found = selector.select(keys);
        }
        return found;
    }

    private void fetch(Instant now) {
        HTTPRequest req = new HTTPRequest(HTTPRequest.Method.GET, jwksUri);
        req.setAccept("application/json, application/jwk-set+json");
        HTTPResponse resp;
        try {
            resp = NimbusHttp.send(req, timeoutMillis, Network.system());
        } catch (IOException e) {
            throw new UnreachableException("Cannot fetch the identity provider's signing keys from " + jwksUri
                    + " (" + e.getClass().getSimpleName() + "). Check your network and try again.", e);
        }
        if (resp.getStatusCode() != 200) {
            throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, "The identity provider's signing keys at " + jwksUri
                    + " are unavailable (HTTP " + resp.getStatusCode() + "). Try again later.");
        }
        try {
            keys = JWKSet.parse(resp.getBody());
            fetchedAt = now;
        } catch (java.text.ParseException | RuntimeException e) {
            throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, "The identity provider's signing keys at " + jwksUri
                    + " are not a JWK set. Try again later or ask your identity administrator.", e);
        }
    }
}
