package dev.xaa4j.bridge.proxy;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest {@code DPoP-Nonce} each origin sent (RFC 9449 §8 at an authorization server, §9 at a resource
 * server): the next proof for that origin carries it. A nonce is not a secret, but it is never logged either.
 * Thread-safe; the latest answer wins.
 */
final class DpopNonces {

    private final Map<String, String> byOrigin = new ConcurrentHashMap<>();

    /** The nonce to put in the next proof for {@code uri}'s origin, if that origin sent one. */
    Optional<String> forUri(URI uri) {
        return Optional.ofNullable(byOrigin.get(origin(uri)));
    }

    /** Remembers {@code nonce} (a {@code DPoP-Nonce} header value) for {@code uri}'s origin; blank ones are ignored. */
    void remember(URI uri, Optional<String> nonce) {
        nonce.map(String::strip).filter(n -> !n.isEmpty()).ifPresent(n -> byOrigin.put(origin(uri), n));
    }

    /** {@code scheme://host:port} in lower case, the port made explicit (RFC 6454 §4). */
    static String origin(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return scheme + "://" + host + ":" + port;
    }
}
