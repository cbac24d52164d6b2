package dev.xaa4j.connector;

import java.net.URI;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where an MCP client gets the access token for one MCP server. Implemented by {@link Connector} (in this
 * process), by the local broker's client (the session owner's connector, over its socket) and by the shared
 * source that uses the broker while one runs and an embedded connector otherwise ({@link #shared}). The bridge,
 * the {@code xaa} commands and the MCP SDK adapter ({@code dev.xaa4j.connector.mcp}) depend on this interface
 * only (docs/architecture.md "One token source").
 *
 * <p>Thread-safe. Errors are {@link ConnectorException}s; act on {@link ConnectorException#kind()}.
 */
public interface TokenSource extends AutoCloseable {

    /**
     * The session owner's tokens (the tray app or {@code xaa agent}, over the per-user broker socket) while one
     * runs, else {@code embedded}'s. A Java agent on a desktop passes this to {@code McpTransports} and shares the
     * tray's session: no sign-in of its own, one token exchange per server for every client on the machine.
     * The broker is looked for on first use and again at most every 5 s while {@code embedded} serves; a call
     * in progress when the broker goes away is answered by {@code embedded}. {@code embedded} is built on first
     * use (reading the OS keyring); a failure to build is reported on each call and retried after 2 s.
     *
     * @param embedded builds the in-process connector (may throw, e.g. "not set up yet")
     */
    static TokenSource shared(java.util.function.Supplier<? extends TokenSource> embedded) {
        return dev.xaa4j.connector.host.SharedTokenSource.standard(embedded);
    }

    /**
     * The current user's session ({@link #shared}): the broker of the tray app or {@code xaa agent} while one runs,
     * else a connector of this process built on first use from the user's {@code xaa} configuration (session and
     * client secrets in the OS keyring). What the framework modules use by default. Nothing is read before the
     * first call; a missing set-up, or an organization's policy that is malformed (docs/admin.md), is a
     * {@link ConnectorException} of kind {@code CONFIGURATION} from that call.
     */
    static TokenSource forCurrentUser() {
        return dev.xaa4j.connector.host.config.UserSession.tokenSource(
                dev.xaa4j.connector.host.config.ConfigStore.forCurrentUser());
    }

    /** A valid access token for {@code server}; blocks while one is obtained. Never opens a browser. */
    AccessToken token(String server);

    /** The cached token for {@code server} while it is usable; never blocks, never starts a renewal. */
    default Optional<AccessToken> cachedToken(String server) {
        return Optional.empty();
    }

    /**
     * The MCP server rejected {@code rejectedValue} (HTTP 401, RFC 6750 §3.1): drop it so the next
     * {@link #token} obtains a new one. Returns whether it was the cached token (so a replay is worth it).
     */
    boolean invalidate(String server, String rejectedValue);

    /**
     * As {@link #invalidate(String, String)}, where the 401 challenge named {@code challengedResourceMetadata}
     * (RFC 9728 §5.1): a source that discovered another one discovers the server again first.
     */
    default boolean invalidate(String server, String rejectedValue, Optional<URI> challengedResourceMetadata) {
        return invalidate(server, rejectedValue);
    }

    /**
     * As {@link #invalidate(String, String, Optional)}, with the challenge's {@code scope} (RFC 6750 §3, split on
     * spaces; empty when it named none): a source that discovers servers starts MCP authorization again from this
     * challenge — fresh protected resource metadata, and the challenged scope for the next authorization (MCP
     * authorization "Scope Selection Strategy"). Default: the scope is ignored.
     */
    default boolean invalidate(String server, String rejectedValue, Optional<URI> challengedResourceMetadata,
                               Collection<String> challengedScopes) {
        return invalidate(server, rejectedValue, challengedResourceMetadata);
    }

    /**
     * A fresh DPoP proof JWT (RFC 9449 §4.2) for one HTTP request made with {@code token}: header {@code typ}
     * {@code dpop+jwt}, {@code alg} ES256 and the public {@code jwk} of the key the token is bound to; claims
     * {@code jti} (new on every call), {@code htm}, {@code htu} ({@code httpUri} without query and fragment),
     * {@code iat}, {@code ath} (base64url SHA-256 of the token value) and {@code nonce} when given (the server's
     * latest {@code DPoP-Nonce}, RFC 9449 §8/§9). Send it as the {@code DPoP} header next to
     * {@link AccessToken#authorizationHeader()}. Made by whoever holds the private key (this process, or the
     * session owner over the broker socket); the key never leaves it.
     *
     * @return empty when {@code token} is not DPoP-bound ({@link AccessToken#dpopBound()} false): send it as Bearer
     * @throws ConnectorException {@link ConnectorException.Kind#CONFIGURATION} when {@code token} is DPoP-bound but
     *         this source makes no proofs (a connector built with {@code dpop(false)} reading a token another process
     *         stored with DPoP on): drop the token and get a new one, which is then Bearer; the store's error
     *         ({@link ConnectorException.Kind#CREDENTIAL_STORE}, {@link ConnectorException.Kind#KEYRING_UNAVAILABLE})
     *         when the key cannot be read. Signing out keeps the key; a key that was replaced meanwhile still signs
     *         a proof, which the server refuses (401): invalidate the token then, as for any refused token
     */
    default Optional<String> dpopProof(AccessToken token, String httpMethod, URI httpUri, Optional<String> nonce) {
        return Optional.empty();
    }

    /**
     * The MCP server answered 403 {@code insufficient_scope} (RFC 6750 §3.1): the next {@link #token} asks for
     * {@code scopes} as well. Returns whether that changes what is asked (so a replay is worth it).
     */
    boolean requestScopes(String server, Collection<String> scopes);

    /**
     * Interactive sign-in at the IdP in the browser (docs/protocol.md §1 step 1), by whoever holds the session;
     * the future completes with the new status once the user has signed in (or fails with the typed error).
     *
     * @throws UnsupportedOperationException a source that cannot sign in (caller-supplied ID tokens)
     */
    CompletableFuture<ConnectorStatus> signIn();

    /**
     * Interactive sign-in to one server that uses plain MCP OAuth ({@link AuthMode#OAUTH}: authorization code +
     * PKCE in the system browser over the loopback redirect, MCP authorization 2025-11-25 / 2026-07-28), by
     * whoever holds the session; the future completes with that server's new status once its token exists, or
     * fails with the typed error ({@link ConnectorException.Kind#SIGN_IN_FAILED}, {@code CONFIGURATION} for a
     * server whose metadata must not be trusted, {@code ACCESS_DENIED}). For an {@link AuthMode#EMA} server it is
     * the IdP sign-in of {@link #signIn()}; for an {@link AuthMode#NONE} server it completes at once.
     */
    CompletableFuture<ServerStatus> signIn(String server);

    /**
     * Ends one plain-OAuth server's grant: revokes its refresh token at its authorization server (RFC 7009) when
     * offered, deletes it from the keyring and forgets the server's access token. Leaves the IdP session and every
     * other server alone; for an EMA server only the cached access token is forgotten. Never throws for an
     * authorization server problem: the returned status says where the server stands.
     */
    ServerStatus signOut(String server);

    /**
     * Ends the IdP session everywhere this source reaches (RFC 7009 revocation of the refresh token when the IdP
     * offers it) and forgets every token. Never throws for an IdP problem: the result says what happened.
     */
    SignOutResult signOut();

    /** Who is signed in and each server's token state; never blocks on the network. */
    ConnectorStatus status();

    /** Registers a listener for session and token events; callbacks run off the caller's thread. */
    void addListener(ConnectorListener listener);

    void removeListener(ConnectorListener listener);

    /** Releases threads and connections; cached tokens are forgotten. Idempotent. */
    @Override
    void close();
}
