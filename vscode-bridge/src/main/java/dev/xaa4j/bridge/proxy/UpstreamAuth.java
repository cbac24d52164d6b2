package dev.xaa4j.bridge.proxy;

import java.net.URI;
import java.util.Optional;

/**
 * Where the bridge gets the {@code Authorization} header for the MCP server it fronts. Called for every HTTP
 * request (POST, GET stream, DELETE): implementations keep their own cache and renew ahead of expiry, so a
 * call is cheap on the hot path. Implementations never open a browser on their own.
 *
 * <p>Failures the user can act on are thrown as {@link dev.xaa4j.bridge.BridgeException} (access denied,
 * server not enabled, IdP unreachable); "nobody is signed in" is simply an empty result.
 */
public interface UpstreamAuth {

    /** The SEP-2133 extension identifier of Enterprise-Managed Authorization ({@link #extensions}). */
    String ENTERPRISE_MANAGED_AUTHORIZATION = dev.xaa4j.connector.mcp.McpTransports.EMA_EXTENSION;

    /** A fresh header value such as {@code Bearer eyJ…} for {@code server}; empty = not signed in yet. */
    Optional<String> authorization(String server);

    /**
     * The headers for one HTTP request ({@code method} to {@code uri}) to {@code server}: {@code Authorization}
     * and, for a DPoP-bound token (RFC 9449 §7.1), a fresh {@code DPoP} proof made for exactly this request
     * ({@code htm} = {@code method}, {@code htu} = {@code uri} without query and fragment) with {@code nonce}, the
     * server's latest {@code DPoP-Nonce}. Called once per request sent (a replay asks again: a proof is used once).
     * Default: {@link #authorization(String)}, never a proof (Bearer).
     *
     * @return empty = not signed in yet
     */
    default Optional<Credentials> credentials(String server, String method, URI uri, Optional<String> nonce) {
        return authorization(server).map(header -> new Credentials(header, Optional.empty()));
    }

    /**
     * The headers of one request: {@code authorization} ({@code ""}: send none, {@code Bearer …} or {@code DPoP …})
     * and the {@code DPoP} proof JWT that goes with a DPoP-bound token. {@link #toString()} prints neither.
     */
    record Credentials(String authorization, Optional<String> dpopProof) {
        @Override
        public String toString() {
            return "Credentials[<redacted>]";
        }
    }

    /** The server answered 401: forget the token so the next {@link #authorization} renews it. */
    void unauthorized(String server);

    /**
     * As {@link #unauthorized(String)}, with the 401's {@code Bearer}/{@code DPoP} challenge (RFC 6750 §3, RFC 9728
     * §5.1): its {@code resource_metadata} and {@code scope} start MCP authorization again from fresh metadata
     * (docs/architecture.md "Plain MCP authorization"). Default: the challenge is ignored.
     */
    default void unauthorized(String server, Optional<dev.xaa4j.connector.internal.http.Challenge> challenge) {
        unauthorized(server);
    }

    /**
     * The server answered 403 {@code insufficient_scope} asking for {@code scope}: obtain a token that also
     * carries it. Returns whether the next {@link #authorization} is worth a replay.
     */
    boolean stepUp(String server, String scope);

    /**
     * Registers a callback for "the sign-in state may have changed" (a session arrived, the user signed out),
     * so an offline bridge reconnects at once instead of at its next retry. Default: no events.
     */
    default void onChange(Runnable listener) {
    }

    /**
     * The MCP extension identifiers the client declares to {@code server} in its {@code initialize} (SEP-2133
     * capability advertisement): {@code io.modelcontextprotocol/enterprise-managed-authorization} for a server
     * whose tokens come through Enterprise-Managed Authorization. Asked once per upstream {@code initialize}; may
     * decide the server's flow first (docs/architecture.md "Choosing the flow"). Default: none.
     */
    default java.util.Set<String> extensions(String server) {
        return java.util.Set.of();
    }

    /** For servers that need no authorization at all (local development, tests). */
    static UpstreamAuth none() {
        return new UpstreamAuth() {
            @Override
            public Optional<String> authorization(String server) {
                return Optional.of("");
            }

            @Override
            public void unauthorized(String server) {
            }

            @Override
            public boolean stepUp(String server, String scope) {
                return false;
            }
        };
    }
}
