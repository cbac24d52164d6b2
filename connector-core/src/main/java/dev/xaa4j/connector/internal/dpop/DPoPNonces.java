package dev.xaa4j.connector.internal.dpop;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest {@code DPoP-Nonce} (RFC 9449 §8 authorization server, §9 resource server) per origin
 * ({@code scheme://host:port}, lower case, default port filled in), kept from any response of that origin and put into
 * the next proof for it. One process-wide cache ({@link #shared()}) serves the token requests of the engine, the MCP
 * SDK adapter and the bridge's upstream HTTP client. A nonce is not a secret; it is never logged all the same.
 * Thread-safe.
 */
public final class DPoPNonces {

    /** The response header carrying a server-provided nonce (RFC 9449 §8.1). */
    public static final String HEADER = "DPoP-Nonce";
    /** The error code with which a server asks for a proof with its nonce (RFC 9449 §8, §9). */
    public static final String USE_DPOP_NONCE = "use_dpop_nonce";

    private static final DPoPNonces SHARED = new DPoPNonces();
    /** A server sending a new nonce per response to many origins must not grow this without bound. */
    private static final int MAX_ORIGINS = 1024;

    private final ConcurrentHashMap<String, String> byOrigin = new ConcurrentHashMap<>();

    /** The process-wide cache. */
    public static DPoPNonces shared() {
        return SHARED;
    }

    /** The latest nonce of {@code uri}'s origin, if one was seen. */
    public Optional<String> get(URI uri) {
        return Optional.ofNullable(byOrigin.get(origin(uri)));
    }

    /** Keeps {@code nonce} (a {@code DPoP-Nonce} header value; null or blank is ignored) for {@code uri}'s origin. */
    public void record(URI uri, String nonce) {
        if (nonce == null || nonce.isBlank()) {
            return;
        }
        if (byOrigin.size() >= MAX_ORIGINS) {
            byOrigin.clear();
        }
        byOrigin.put(origin(uri), nonce.trim());
    }

    static String origin(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return scheme + "://" + host + ":" + port;
    }
}
